/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_NETNS_H_
#define _ESPGW_NETNS_H_

#include <linux/mutex.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/**
 * struct espgw_net - espgw's state in one network namespace
 * @net: the namespace this instance belongs to
 * @lock: serialises configuration changes (netlink handlers) in this namespace
 */
struct espgw_net {
	struct net *net;
	struct mutex lock;
};

extern unsigned int espgw_net_id;

static inline struct espgw_net *espgw_net(const struct net *net)
{
	return net_generic(net, espgw_net_id);
}

int espgw_netns_init(void);
void espgw_netns_uninit(void);

#endif /* _ESPGW_NETNS_H_ */
