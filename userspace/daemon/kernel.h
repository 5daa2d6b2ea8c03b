/* SPDX-License-Identifier: GPL-2.0 */
/* espgwd's side of the espgw netlink family: install and remove SAs and policies. */
#ifndef _ESPGW_KERNEL_H_
#define _ESPGW_KERNEL_H_

#include <stdint.h>

#include "conf.h"

#include "policy.h"
#include "sa.h"

struct kernel;

/* Each returns 0 or a negative errno, logging the kernel's message on failure. */
int kernel_open(struct kernel **k);
void kernel_close(struct kernel *k);
int kernel_sa_add(struct kernel *k, const struct espgw_sa *sa);
int kernel_sa_del(struct kernel *k, uint32_t dst, uint32_t spi);	/* dst network, spi host */
int kernel_policy_add(struct kernel *k, const struct espgw_policy *p, bool replace);
int kernel_policy_del(struct kernel *k, uint32_t id);
int kernel_flush(struct kernel *k);
/*
 * Reverse routes ("reverse-route" in the dynamic map): dst (a client's network)
 * via the next hop and interface the kernel uses for peer (network order),
 * in the main table with protocol ESPGW_RTPROT ('ip route show proto 245').
 * Never over another route to dst (-EEXIST, logged); one of ours (left by an
 * earlier run) is replaced. Deleting one that is gone is not an error.
 */
#define ESPGW_RTPROT	245
int kernel_route_add(struct kernel *k, const struct conf_net *dst, uint32_t peer);
int kernel_route_del(struct kernel *k, const struct conf_net *dst);
/* Remove every reverse route (protocol ESPGW_RTPROT) from the main table. */
int kernel_route_flush(struct kernel *k);
/* A socket subscribed to the events group, and a handler for what it reads. */
int kernel_events_fd(struct kernel *k);
typedef void (*kernel_expire_cb)(void *arg, const struct espgw_sa *sa);
void kernel_events_read(struct kernel *k, kernel_expire_cb cb, void *arg);

#endif /* _ESPGW_KERNEL_H_ */
