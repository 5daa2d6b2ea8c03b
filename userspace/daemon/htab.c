// SPDX-License-Identifier: GPL-2.0
/* Keyed hash tables; see htab.h. SipHash-1-3 (Aumasson and Bernstein) as the hash. */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "htab.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void sipround(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0]; v[0] = ROTL(v[0], 32);
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2]; v[2] = ROTL(v[2], 32);
}

uint64_t htab_hash(const struct htab *t, const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t v[4] = {
		t->k0 ^ 0x736f6d6570736575ull, t->k1 ^ 0x646f72616e646f6dull,
		t->k0 ^ 0x6c7967656e657261ull, t->k1 ^ 0x7465646279746573ull,
	};
	uint64_t m;
	size_t i, left = len;

	for (; left >= 8; left -= 8, p += 8) {
		memcpy(&m, p, 8);
		v[3] ^= m;
		sipround(v);
		v[0] ^= m;
	}
	m = (uint64_t)len << 56;
	for (i = 0; i < left; i++)
		m |= (uint64_t)p[i] << (8 * i);
	v[3] ^= m;
	sipround(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	sipround(v);
	sipround(v);
	sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

void htab_init(struct htab *t)
{
	memset(t, 0, sizeof(*t));
	if (RAND_bytes((unsigned char *)&t->k0, sizeof(t->k0)) != 1 ||
	    RAND_bytes((unsigned char *)&t->k1, sizeof(t->k1)) != 1)
		t->k0 = (uint64_t)(uintptr_t)t * 0x9e3779b97f4a7c15ull;	/* never fails in practice */
}

void htab_free(struct htab *t)
{
	free(t->b);
	t->b = NULL;
	t->nb = t->n = 0;
}

static void link_in(struct hnode **b, struct hnode *n)
{
	n->next = *b;
	if (*b)
		(*b)->pprev = &n->next;
	*b = n;
	n->pprev = b;
}

static void grow(struct htab *t)
{
	size_t nb = t->nb ? t->nb * 2 : 16, i;
	struct hnode **b = calloc(nb, sizeof(*b));

	if (!b)
		return;		/* longer chains, still correct */
	for (i = 0; i < t->nb; i++) {
		struct hnode *n = t->b[i], *next;

		for (; n; n = next) {
			next = n->next;
			link_in(&b[n->hash & (nb - 1)], n);
		}
	}
	free(t->b);
	t->b = b;
	t->nb = nb;
}

int htab_add(struct htab *t, struct hnode *n, uint64_t hash)
{
	if (t->n >= t->nb)
		grow(t);
	if (!t->nb)
		return -1;
	n->hash = hash;
	link_in(&t->b[hash & (t->nb - 1)], n);
	t->n++;
	return 0;
}

void htab_del(struct htab *t, struct hnode *n)
{
	if (!n->pprev)
		return;
	*n->pprev = n->next;
	if (n->next)
		n->next->pprev = n->pprev;
	n->next = NULL;
	n->pprev = NULL;
	t->n--;
}

struct hnode *htab_first(const struct htab *t, uint64_t hash)
{
	struct hnode *n;

	if (!t->nb)
		return NULL;
	for (n = t->b[hash & (t->nb - 1)]; n && n->hash != hash; n = n->next)
		;
	return n;
}

struct hnode *htab_next(const struct hnode *n, uint64_t hash)
{
	for (n = n->next; n && n->hash != hash; n = n->next)
		;
	return (struct hnode *)n;
}
