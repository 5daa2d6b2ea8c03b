/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mode-Config (draft-dukes-ike-mode-cfg, draft-ietf-ipsec-isakmp-mode-cfg-05)
 * for the IKEv1 responder: transaction exchanges under an established
 * ISAKMP SA, protected like informational ones (HASH(1) = prf(SKEYID_a,
 * M-ID | payloads), IV from the last phase-1 block and the message ID).
 *
 *   push ("initiate"):  SET(ADDR, NETMASK, ...)  ->     <- ACK
 *   pull ("respond"):   <- REQUEST(ADDR ...)    REPLY(ADDR, NETMASK, ...) ->
 *
 * "..." is what the client's group configures: DNS and NBNS servers, the
 * Cisco Unity split-include networks, default domain and banner, each only
 * when configured (never an empty attribute), in a REPLY whether asked for
 * or not.
 *
 * A REQUEST is always answered, push configured or not. The address comes
 * from the pool (pool.h); Quick Mode then accepts only it as the client's
 * proxy ID.
 */
#ifndef _ESPGW_MODECFG_H_
#define _ESPGW_MODECFG_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "crypto.h"
#include "isakmp.h"
#include "pool.h"

/* our SET or REPLY: header, HASH, address, netmask, the group's attributes, padding */
#define MODECFG_MSG_MAX		1536
#define UNITY_SPLIT_ENTRY	14	/* address, mask, protocol, ports */
#define MODECFG_IN_MAX		4096	/* a received message, decrypted */
#define MODECFG_RETRANSMITS	3	/* SET resent 2, 6 and 14 s after it was first sent */

/* Mode-Config state of one ISAKMP SA (embedded in it). */
struct modecfg_sa {
	uint32_t lease;			/* host order; 0: none */
	uint32_t req_msgid;		/* the last REQUEST answered, for its retransmissions */
	/* our SET until it is acknowledged */
	uint32_t set_msgid;		/* 0: none outstanding */
	uint16_t set_ident;
	uint8_t set_iv[IKE_MAX_BLOCK];	/* last block of the SET: the ACK's IV */
	uint8_t *set_msg;		/* heap, MODECFG_MSG_MAX; freed at ACK or release */
	size_t set_len;
	unsigned int retx;
	uint64_t next_retx;
	bool acked;
};

struct modecfg_io;
typedef void (*modecfg_send_fn)(const struct modecfg_io *io, const void *buf, size_t len);
/* A message verified: is its ID new (then remembered), or a replay to drop? */
typedef bool (*modecfg_fresh_fn)(const struct modecfg_io *io, uint32_t msgid);

/* What Mode-Config uses of an ISAKMP SA and the engine, filled in by ike.c. */
struct modecfg_io {
	struct modecfg_sa *st;
	const struct ike_p1_keys *keys;
	const uint8_t *p1_last;		/* phase-2 IV base */
	const uint8_t *ci, *cr;		/* cookies */
	unsigned int conn_id;
	const struct sockaddr_in *peer;
	struct pool *pool;		/* NULL: no address pool configured */
	const struct conf_group *grp;	/* the client's group (attributes), or NULL */
	struct pool_key key;		/* the client, for its lease */
	uint64_t now;
	modecfg_send_fn send;
	modecfg_fresh_fn fresh;
	void *e, *sa;			/* for send and fresh */
};

/*
 * Lease an address and send SET; retransmitted by modecfg_timer() until ACK.
 * -ENOSPC: the pool is exhausted (logged), the caller refuses the client by
 * deleting the ISAKMP SA; other errors are logged.
 */
int modecfg_push(struct modecfg_io *io);
/*
 * A transaction exchange message from the client: REQUEST (answered with
 * REPLY) or ACK. Acted on only when its HASH verifies and io->fresh() says
 * its message ID is new; a retransmitted REQUEST (the same message ID) gets
 * the REPLY again. -ENOSPC as for modecfg_push(), else 0 (problems logged).
 */
int modecfg_input(struct modecfg_io *io, struct isakmp_msg *m);
/*
 * Retransmit an unacknowledged SET (after 2, 6, 14 s), then give up:
 * -ETIMEDOUT, and the caller ends the ISAKMP SA (the client has no address).
 * A REQUEST answered meanwhile ends the SETs as an ACK does.
 */
int modecfg_timer(struct modecfg_io *io);
/*
 * Quick Mode: may the client use addr (host order) as its proxy ID? With a
 * lease only that one. Without one, when a pool applies, only the address
 * the pool holds for this client (a client re-authenticating without
 * Mode-Config); any other address, in the pool or not, is refused. Without
 * a pool, only the client's own (outside) address. 0 or -1 (logged).
 */
int modecfg_check_proxy(struct modecfg_io *io, uint32_t addr);
/* The ISAKMP SA goes: its lease starts its grace period. */
void modecfg_release(struct modecfg_io *io);

#endif /* _ESPGW_MODECFG_H_ */
