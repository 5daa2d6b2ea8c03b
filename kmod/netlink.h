/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_NETLINK_H_
#define _ESPGW_NETLINK_H_

#include <linux/ip.h>

struct espgw_net;
struct espgw_policy;
struct espgw_sa;

int espgw_nl_init(void);
void espgw_nl_uninit(void);

/* events group; process context */
void espgw_nl_sa_expire_notify(struct espgw_sa *sa, u32 kind);
/* events group; any context */
void espgw_nl_acquire_notify(struct espgw_net *en, struct espgw_policy *p,
			     const struct iphdr *iph);
/* events group; any context; the caller holds a reference on sa */
void espgw_nl_new_mapping_notify(struct espgw_sa *sa, __be32 addr, __be16 port);

#endif /* _ESPGW_NETLINK_H_ */
