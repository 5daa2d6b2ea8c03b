/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IKEv1 responder: Main Mode with pre-shared keys, Quick Mode, and
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

/* 'espgw ike show': like 'show crypto isakmp sa' (json: one object). */
void ike_show(struct ike_engine *e, FILE *f, bool json, uint64_t now);
/* 'espgw pool show': like 'show ip local pool', every pool and its leases (json: an array). */
void ike_pool_show(struct ike_engine *e, FILE *f, bool json, uint64_t now);
/* 'espgw ike clear': delete every ISAKMP SA and its IPsec SAs. Returns how many. */
unsigned int ike_clear(struct ike_engine *e);

/* Limits */
#define IKE_HALF_OPEN_MAX	1024	/* phase-1 exchanges not yet authenticated */
#define IKE_HALF_OPEN_TIMEOUT	30	/* seconds to finish Main Mode */
#define IKE_QM_RETRANSMITS	3	/* QM2 resent 2, 6 and 14 s after it was first sent */

#endif /* _ESPGW_IKE_H_ */
