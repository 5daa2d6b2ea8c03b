/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IKEv1 responder: Main Mode with pre-shared keys, Aggressive Mode with
 * a group's key, Quick Mode, and
 * informational exchanges, for remote-access clients. Sockets, clock and
 * kernel are the caller's: the engine is fed datagrams and the time, and
 * answers through the send callback, so tests can drive it directly.
 */
#ifndef _ESPGW_IKE_H_
#define _ESPGW_IKE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include "conf.h"

struct kernel;
struct ike_engine;
struct espgw_sa;

typedef int (*ike_send_fn)(void *arg, const struct sockaddr_in *local,
			   const struct sockaddr_in *peer, const void *buf, size_t len);

struct ike_engine *ike_engine_new(const struct conf *conf, struct kernel *k, ike_send_fn send,
				  void *send_arg);
/* Delete every SA (sending DELETEs), then free. */
void ike_engine_free(struct ike_engine *e);

/* One datagram received on local from peer, at now (seconds, monotonic). */
void ike_input(struct ike_engine *e, const uint8_t *buf, size_t len,
	       const struct sockaddr_in *local, const struct sockaddr_in *peer, uint64_t now);
/* Retransmissions, timeouts, lifetimes. Returns seconds until it wants to run again. */
unsigned int ike_timer(struct ike_engine *e, uint64_t now);
/* The kernel reported an SA's lifetime expiry. */
void ike_kernel_expire(struct ike_engine *e, const struct espgw_sa *sa);
/*
 * The kernel saw an authenticated, fresh ESP-in-UDP packet of an inbound SA
 * from a new address or port (sa->mapping_addr, sa->mapping_port): the
 * client's NAT gave it a new mapping, and its ISAKMP SA and IPsec SAs move
 * there.
 */
void ike_kernel_mapping(struct ike_engine *e, const struct espgw_sa *sa);

/* One ISAKMP SA as 'espgw ike show' shows it ('show crypto isakmp sa'). */
struct ike_sa_info {
	struct sockaddr_in local, peer;
	const char *state;		/* MM_KEY_EXCH, QM_IDLE */
	unsigned int conn_id;
	long lifetime_left;		/* seconds; 0 before phase 1 is done */
	uint16_t enc, keybits, hash, group;
	unsigned int ipsec_sa_pairs;
	uint32_t lease;			/* host order, 0: none */
	const char *nat;		/* NAT-T: off, none, peer, local, both, forced */
	const char *cfg_group;		/* the client configuration group, NULL: none */
	const char *user;		/* the XAUTH user, NULL: none */
};

/* Every ISAKMP SA past its first exchange, newest first. */
void ike_list(struct ike_engine *e, uint64_t now,
	      void (*cb)(void *arg, const struct ike_sa_info *info), void *arg);

/* What the engine refused or dropped, and why ('espgw ike stats'). */
struct ike_stats {
	uint64_t datagrams;		/* received */
	uint64_t malformed;		/* not ISAKMP, or a broken payload chain */
	uint64_t no_sa;			/* for no ISAKMP SA we know */
	uint64_t mm1;			/* Main Mode first messages answered */
	uint64_t mm1_peer_quota;	/* dropped: their source has too many half-open */
	uint64_t half_open_evicted;	/* unanswered half-open pushed out by newer ones */
	uint64_t half_open_expired;	/* half-open that never finished in time */
	uint64_t mm3_refused;		/* MM3 dropped: too many key exchanges in progress */
	uint64_t am1;			/* Aggressive Mode first messages answered */
	uint64_t am1_refused;		/* AM1 dropped: too many key exchanges or AM in progress */
	uint64_t am_disabled;		/* AM1 dropped: crypto isakmp aggressive-mode disable */
	uint64_t auth_failed;		/* MM5 that did not authenticate */
	uint64_t bad_hash;		/* phase-2 messages whose HASH did not verify */
	uint64_t replays;		/* phase-2 messages with a message ID seen before */
	uint64_t sa_peer_limit;		/* phase 1 refused: too many ISAKMP SAs from the address */
	uint64_t sa_id_limit;		/* phase 1 refused: too many ISAKMP SAs of the identity */
	uint64_t sa_limit;		/* phase 1 refused: the ISAKMP SA table is full */
	uint64_t child_limit;		/* Quick Mode refused: too many IPsec SAs on one ISAKMP SA */
	uint64_t spi_in_use;		/* Quick Mode refused: the peer's SPI is already in use */
	uint64_t half_open;		/* now: unanswered MM1s held */
	uint64_t key_exch;		/* now: phase 1 past MM3, not yet authenticated */
	uint64_t isakmp_sas;		/* now: established */
	uint64_t ipsec_sa_pairs;	/* now */
};

void ike_get_stats(struct ike_engine *e, struct ike_stats *st);
/* 'espgw pool show': like 'show ip local pool', every pool and its leases (json: an array). */
void ike_pool_show(struct ike_engine *e, FILE *f, bool json, uint64_t now);
/* 'espgw ike clear': delete every ISAKMP SA and its IPsec SAs. Returns how many. */
unsigned int ike_clear(struct ike_engine *e);

/*
 * Limits, each overridden by an 'espgw limit' line (conf.h) when set. A
 * half-open exchange is one that has only answered MM1: it costs little
 * and proves nothing (the source may be spoofed), so when the table is
 * full the oldest one makes room. Past MM3 the peer has shown it receives
 * at its address; those are capped per address with its other ISAKMP SAs.
 */
#define IKE_HALF_OPEN_MAX	8192	/* unanswered MM1s held, oldest evicted beyond */
#define IKE_HALF_OPEN_PER_PEER	32	/* of those, from one address: more are dropped */
#define IKE_KEY_EXCH_MAX	1024	/* past MM3, not yet authenticated: more MM3s dropped */
#define IKE_SA_PER_PEER		64	/* ISAKMP SAs from one outside address */
#define IKE_SA_PER_ID		64	/* ISAKMP SAs of one phase-1 identity */
#define IKE_SA_MAX		100000	/* ISAKMP SAs in all */
#define IKE_CHILD_MAX		16	/* IPsec SA pairs under one ISAKMP SA */
#define IKE_AM_MAX		512	/* Aggressive Mode exchanges waiting for AM3 */
#define IKE_HALF_OPEN_TIMEOUT	30	/* seconds to finish Main Mode */
#define IKE_QM_RETRANSMITS	3	/* QM2 resent 2, 6 and 14 s after it was first sent */
#define IKE_MSGIDS		128	/* message IDs remembered per ISAKMP SA, against replays */

#endif /* _ESPGW_IKE_H_ */
