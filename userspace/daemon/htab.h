/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intrusive chained hash tables for the engine's lookups (SAs by cookies,
 * ESP SAs by destination and SPI, policies by selector...). Peers choose
 * most of the keys (cookies, SPIs), so the hash is keyed with a secret
 * drawn at start (SipHash-1-3): a peer cannot aim for one bucket. A table
 * doubles when it holds more entries than buckets.
 *
 *	struct thing { struct hnode hn; uint32_t key; };
 *	htab_add(&t, &x->hn, htab_hash(&t, &x->key, sizeof(x->key)));
 *	for (n = htab_first(&t, h); n; n = htab_next(n, h))
 *		if (container_of(n, struct thing, hn)->key == key) ...
 */
#ifndef _ESPGW_HTAB_H_
#define _ESPGW_HTAB_H_

#include <stddef.h>
#include <stdint.h>

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#endif

struct hnode {
	struct hnode *next, **pprev;
	uint64_t hash;
};

struct htab {
	struct hnode **b;
	size_t nb;		/* a power of two; 0 until the first add */
	size_t n;
	uint64_t k0, k1;	/* the hash key */
};

/* An empty table with a random key. */
void htab_init(struct htab *t);
/* Frees the buckets; the entries are the caller's. */
void htab_free(struct htab *t);
uint64_t htab_hash(const struct htab *t, const void *key, size_t len);
/* 0, or -1 when the first bucket array cannot be allocated (a failed growth is harmless). */
int htab_add(struct htab *t, struct hnode *n, uint64_t hash);
void htab_del(struct htab *t, struct hnode *n);
/* The first / next entry with this hash (compare the keys: hashes collide). */
struct hnode *htab_first(const struct htab *t, uint64_t hash);
struct hnode *htab_next(const struct hnode *n, uint64_t hash);

#endif /* _ESPGW_HTAB_H_ */
