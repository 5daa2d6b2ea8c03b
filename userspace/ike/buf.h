/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounds-checked access to network bytes.
 *
 * Every byte that comes off the wire is read through a struct rbuf: each read
 * is checked against what is left, and a failed read leaves the reader in a
 * sticky error state (further reads fail too, nothing is consumed). Parsers
 * can therefore chain reads and test once, or test every read, and can never
 * run past the end of the datagram.
 *
 * struct wbuf is the writing side over a caller-owned buffer of fixed size.
 * A write that does not fit sets a sticky error and writes nothing; the
 * encoder checks wbuf_ok() once at the end.
 */
#ifndef _ESPGW_BUF_H_
#define _ESPGW_BUF_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rbuf {
	const uint8_t *p;
	size_t len;		/* bytes in the range */
	size_t off;		/* bytes consumed */
	bool err;		/* a read failed: sticky */
};

struct wbuf {
	uint8_t *p;
	size_t cap;
	size_t len;		/* bytes written */
	bool err;		/* a write did not fit: sticky */
};

static inline void rbuf_init(struct rbuf *r, const void *p, size_t len)
{
	r->p = p;
	r->len = p ? len : 0;
	r->off = 0;
	r->err = false;
}

static inline size_t rbuf_left(const struct rbuf *r)
{
	return r->err ? 0 : r->len - r->off;
}

/* Current read position (valid to dereference only if rbuf_left() > 0). */
static inline const uint8_t *rbuf_pos(const struct rbuf *r)
{
	return r->p + r->off;
}

static inline bool rbuf_ok(const struct rbuf *r)
{
	return !r->err;
}

bool rbuf_u8(struct rbuf *r, uint8_t *v);
bool rbuf_u16(struct rbuf *r, uint16_t *v);
bool rbuf_u32(struct rbuf *r, uint32_t *v);
/* Copy n bytes out. */
bool rbuf_bytes(struct rbuf *r, void *dst, size_t n);
/* Point at the next n bytes without copying, and consume them. */
bool rbuf_ptr(struct rbuf *r, size_t n, const uint8_t **p);
/* Carve the next n bytes off as an independent reader, and consume them. */
bool rbuf_sub(struct rbuf *r, size_t n, struct rbuf *sub);
bool rbuf_skip(struct rbuf *r, size_t n);
/* Look at the byte at offset i from the current position, without consuming. */
bool rbuf_peek_u8(const struct rbuf *r, size_t i, uint8_t *v);
bool rbuf_peek_u16(const struct rbuf *r, size_t i, uint16_t *v);

static inline void wbuf_init(struct wbuf *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = p ? cap : 0;
	w->len = 0;
	w->err = false;
}

static inline bool wbuf_ok(const struct wbuf *w)
{
	return !w->err;
}

static inline size_t wbuf_room(const struct wbuf *w)
{
	return w->err ? 0 : w->cap - w->len;
}

bool wbuf_u8(struct wbuf *w, uint8_t v);
bool wbuf_u16(struct wbuf *w, uint16_t v);
bool wbuf_u32(struct wbuf *w, uint32_t v);
bool wbuf_bytes(struct wbuf *w, const void *src, size_t n);
bool wbuf_zero(struct wbuf *w, size_t n);
/* Reserve n bytes and return where they start (NULL when they do not fit). */
uint8_t *wbuf_reserve(struct wbuf *w, size_t n);
/* Overwrite already-written bytes (length back-patching); off + size <= len. */
bool wbuf_set_u8(struct wbuf *w, size_t off, uint8_t v);
bool wbuf_set_u16(struct wbuf *w, size_t off, uint16_t v);
bool wbuf_set_u32(struct wbuf *w, size_t off, uint32_t v);

/* Plain big-endian loads and stores on memory the caller has bounds-checked. */
static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

#endif /* _ESPGW_BUF_H_ */
