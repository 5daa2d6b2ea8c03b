// SPDX-License-Identifier: GPL-2.0
/* Bounds-checked reader and writer for network bytes; see buf.h. */
#include <string.h>

#include "buf.h"

/* The one place where a read is checked: n bytes must be left. */
static const uint8_t *take(struct rbuf *r, size_t n)
{
	const uint8_t *p;

	if (r->err || n > r->len - r->off) {
		r->err = true;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

bool rbuf_u8(struct rbuf *r, uint8_t *v)
{
	const uint8_t *p = take(r, 1);

	if (!p)
		return false;
	*v = p[0];
	return true;
}

bool rbuf_u16(struct rbuf *r, uint16_t *v)
{
	const uint8_t *p = take(r, 2);

	if (!p)
		return false;
	*v = get_be16(p);
	return true;
}

bool rbuf_u32(struct rbuf *r, uint32_t *v)
{
	const uint8_t *p = take(r, 4);

	if (!p)
		return false;
	*v = get_be32(p);
	return true;
}

bool rbuf_bytes(struct rbuf *r, void *dst, size_t n)
{
	const uint8_t *p = take(r, n);

	if (!p)
		return false;
	if (n)
		memcpy(dst, p, n);
	return true;
}

bool rbuf_ptr(struct rbuf *r, size_t n, const uint8_t **pp)
{
	const uint8_t *p = take(r, n);

	if (!p)
		return false;
	*pp = p;
	return true;
}

bool rbuf_sub(struct rbuf *r, size_t n, struct rbuf *sub)
{
	const uint8_t *p = take(r, n);

	if (!p) {
		rbuf_init(sub, NULL, 0);
		sub->err = true;
		return false;
	}
	rbuf_init(sub, p, n);
	return true;
}

bool rbuf_skip(struct rbuf *r, size_t n)
{
	return take(r, n) != NULL;
}

bool rbuf_peek_u8(const struct rbuf *r, size_t i, uint8_t *v)
{
	if (r->err || i >= r->len - r->off)
		return false;
	*v = r->p[r->off + i];
	return true;
}

bool rbuf_peek_u16(const struct rbuf *r, size_t i, uint16_t *v)
{
	if (r->err || r->len - r->off < 2 || i > r->len - r->off - 2)
		return false;
	*v = get_be16(r->p + r->off + i);
	return true;
}

uint8_t *wbuf_reserve(struct wbuf *w, size_t n)
{
	uint8_t *p;

	if (w->err || n > w->cap - w->len) {
		w->err = true;
		return NULL;
	}
	p = w->p + w->len;
	w->len += n;
	return p;
}

bool wbuf_u8(struct wbuf *w, uint8_t v)
{
	uint8_t *p = wbuf_reserve(w, 1);

	if (!p)
		return false;
	p[0] = v;
	return true;
}

bool wbuf_u16(struct wbuf *w, uint16_t v)
{
	uint8_t *p = wbuf_reserve(w, 2);

	if (!p)
		return false;
	put_be16(p, v);
	return true;
}

bool wbuf_u32(struct wbuf *w, uint32_t v)
{
	uint8_t *p = wbuf_reserve(w, 4);

	if (!p)
		return false;
	put_be32(p, v);
	return true;
}

bool wbuf_bytes(struct wbuf *w, const void *src, size_t n)
{
	uint8_t *p = wbuf_reserve(w, n);

	if (!p)
		return false;
	if (n)
		memcpy(p, src, n);
	return true;
}

bool wbuf_zero(struct wbuf *w, size_t n)
{
	uint8_t *p = wbuf_reserve(w, n);

	if (!p)
		return false;
	if (n)
		memset(p, 0, n);
	return true;
}

static uint8_t *at(struct wbuf *w, size_t off, size_t n)
{
	if (w->err || off > w->len || n > w->len - off) {
		w->err = true;
		return NULL;
	}
	return w->p + off;
}

bool wbuf_set_u8(struct wbuf *w, size_t off, uint8_t v)
{
	uint8_t *p = at(w, off, 1);

	if (!p)
		return false;
	p[0] = v;
	return true;
}

bool wbuf_set_u16(struct wbuf *w, size_t off, uint16_t v)
{
	uint8_t *p = at(w, off, 2);

	if (!p)
		return false;
	put_be16(p, v);
	return true;
}

bool wbuf_set_u32(struct wbuf *w, size_t off, uint32_t v)
{
	uint8_t *p = at(w, off, 4);

	if (!p)
		return false;
	put_be32(p, v);
	return true;
}
