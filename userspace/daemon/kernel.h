/* SPDX-License-Identifier: GPL-2.0 */
/* espgwd's side of the espgw netlink family: install and remove SAs and policies. */
#ifndef _ESPGW_KERNEL_H_
#define _ESPGW_KERNEL_H_

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf.h"

#include "policy.h"
#include "sa.h"

struct kernel;

/*
 * What the engine asks of the kernel. kernel_open() gives espgw.ko over
 * netlink; tests and the fuzzer use a fake one (kernel_fake.h). Each call
 * returns 0 or a negative errno (the netlink one logs the kernel's message).
 */
struct kernel_ops {
	int (*sa_add)(struct kernel *k, const struct espgw_sa *sa);
	/* dst network order, spi host order; an SA already gone is not an error */
	int (*sa_del)(struct kernel *k, uint32_t dst, uint32_t spi);
	/*
	 * The SA (dst, spi)'s peer end is now peer, UDP port peer_port (network
	 * order): an outbound SA's destination, an inbound one's source (NAT-T).
	 */
	int (*sa_move)(struct kernel *k, uint32_t dst, uint32_t spi, uint32_t peer,
		       uint16_t peer_port);
	int (*policy_add)(struct kernel *k, const struct espgw_policy *p, bool replace);
	int (*policy_del)(struct kernel *k, uint32_t id);
	int (*route_add)(struct kernel *k, const struct conf_net *dst);
	int (*route_del)(struct kernel *k, const struct conf_net *dst);
	int (*dev_setup)(struct kernel *k, const struct conf_net *inside, uint32_t ike_local);
};

/* Every implementation starts with this. */
struct kernel {
	const struct kernel_ops *ops;
};

#define KERNEL_CALL(k, op, ...) ((k) ? (k)->ops->op((k), __VA_ARGS__) : -ENODEV)

static inline int kernel_sa_add(struct kernel *k, const struct espgw_sa *sa)
{
	return KERNEL_CALL(k, sa_add, sa);
}

static inline int kernel_sa_del(struct kernel *k, uint32_t dst, uint32_t spi)
{
	return KERNEL_CALL(k, sa_del, dst, spi);
}

static inline int kernel_sa_move(struct kernel *k, uint32_t dst, uint32_t spi, uint32_t peer,
				 uint16_t peer_port)
{
	return KERNEL_CALL(k, sa_move, dst, spi, peer, peer_port);
}

static inline int kernel_policy_add(struct kernel *k, const struct espgw_policy *p, bool replace)
{
	return KERNEL_CALL(k, policy_add, p, replace);
}

static inline int kernel_policy_del(struct kernel *k, uint32_t id)
{
	return KERNEL_CALL(k, policy_del, id);
}

/*
 * Reverse routes ("reverse-route" in the dynamic map): dst (a client's network)
 * to espgw0, where its decrypted packets arrive, in the main table with protocol ESPGW_RTPROT ('ip route show proto 245').
 * Never over another route to dst (-EEXIST, logged); one of ours (left by an
 * earlier run) is replaced. Deleting one that is gone is not an error.
 */
#define ESPGW_RTPROT	245

static inline int kernel_route_add(struct kernel *k, const struct conf_net *dst)
{
	return KERNEL_CALL(k, route_add, dst);
}

static inline int kernel_route_del(struct kernel *k, const struct conf_net *dst)
{
	return KERNEL_CALL(k, route_del, dst);
}

/*
 * After an SA pair is installed (the module has created espgw0): give espgw0
 * an address if it has none, the gateway's own toward inside (a protected
 * network) or else ike_local (network order), so that the reverse-path
 * filter passes packets arriving on it. Done once; a failure is logged.
 */
static inline int kernel_dev_setup(struct kernel *k, const struct conf_net *inside,
				   uint32_t ike_local)
{
	return KERNEL_CALL(k, dev_setup, inside, ike_local);
}

/* espgw.ko over netlink: the rest is for main.c only. */
int kernel_open(struct kernel **k);
void kernel_close(struct kernel *k);
int kernel_flush(struct kernel *k);
/* Remove every reverse route (protocol ESPGW_RTPROT) from the main table. */
int kernel_route_flush(struct kernel *k);
/* A socket subscribed to the events group, and a handler for what it reads. */
int kernel_events_fd(struct kernel *k);
/* An SA's lifetime expired, or (new_mapping) an inbound SA saw its peer at a new mapping. */
typedef void (*kernel_event_cb)(void *arg, const struct espgw_sa *sa, bool new_mapping);
void kernel_events_read(struct kernel *k, kernel_event_cb cb, void *arg);

#endif /* _ESPGW_KERNEL_H_ */
