/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address pools ("ip local pool NAME FIRST [LAST]"): leases of inside
 * addresses to remote-access clients, for Mode-Config.
 *
 * A lease is keyed by the client's phase-1 identity (ID type and data, all
 * of it) and its outside address and port (the NAT mapping), so the same client
 * re-authenticating gets the same address and two clients never share one.
 * Each ISAKMP SA holding the lease counts as a reference; when the last one
 * goes the lease is kept for a grace period, during which only the same
 * client can take it back, and then returns to the pool.
 */
#ifndef _ESPGW_POOL_H_
#define _ESPGW_POOL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"

#define POOL_ID_MAX	64	/* identity bytes kept (longer ones are truncated) */

struct pool_key {
	uint8_t id_type;
	uint16_t id_len;
	uint8_t id[POOL_ID_MAX];	/* for people: the identity, truncated */
	uint8_t id_digest[20];		/* SHA-1 of type and the whole identity: what matches */
	uint32_t addr;		/* outside address, network order */
	uint16_t port;		/* outside port, network order */
};

struct pool;

/* A pool over cp's ranges (copied); grace in seconds. NULL on allocation failure. */
struct pool *pool_new(const struct conf_pool *cp, unsigned int grace);
void pool_free(struct pool *p);

/*
 * The address for key at now (host order into *addr): the one it already
 * holds or held within the grace period, else the lowest free one. Each
 * success takes a reference for pool_release(). -ENOSPC when the pool is
 * exhausted (logged), -ENOMEM.
 */
int pool_lease(struct pool *p, const struct pool_key *key, uint64_t now, uint32_t *addr);
/*
 * The same for one address the client asks for in Quick Mode without having
 * done Mode-Config on this ISAKMP SA (a client re-authenticating): succeeds
 * only if addr is key's lease, active or in grace. -ERANGE (not in the pool),
 * -EACCES (not key's lease: a client cannot pick its own address).
 */
int pool_claim(struct pool *p, const struct pool_key *key, uint32_t addr, uint64_t now);
/* Drop one reference to addr's lease; the last one starts the grace period. */
void pool_release(struct pool *p, uint32_t addr, uint64_t now);
/* True when addr (host order) lies in one of the pool's ranges. */
bool pool_contains(const struct pool *p, uint32_t addr);
/* Leases held or in grace at now (expired ones are dropped). */
size_t pool_count(struct pool *p, uint64_t now);
const char *pool_name(const struct pool *p);
/*
 * 'espgw pool show': the pool (ranges, size, in use, in grace, free) and one
 * line per lease (address, state, peer and port, identity); as one JSON
 * object into w when w is not NULL, else text into f.
 */
struct jw;
void pool_show(struct pool *p, struct jw *w, FILE *f, uint64_t now);

#endif /* _ESPGW_POOL_H_ */
