/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_NETNS_H_
#define _ESPGW_NETNS_H_

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "stats.h"

/**
 * struct espgw_net - espgw's state in one network namespace (one gateway)
 * @net: the namespace this instance belongs to
 * @lock: serialises configuration changes; protects @sa_list, @policy_list,
 *	the writers of @sa_table/@policy_by_dst/@policy_wide, @dev creation, @gen
 * @sa_table: SAs by (outer destination, SPI); RCU lookups from the data path
 * @sa_list: every SA, oldest first (dumps, flush)
 * @policy_by_dst: policies whose remote side is a single address, by that address
 * @policy_wide: the other policies, in priority order (RCU list)
 * @policy_list: every policy in id order (dumps, flush)
 * @sa_count: number of SAs; 0 lets the data path skip this namespace
 * @policy_count: number of policies; 0 lets the hooks skip this namespace
 * @gen: generation, bumped on every change (dump consistency)
 * @dev: the ingress device decrypted packets arrive on (created on first SA)
 * @stats: packets decrypted (in), and drop reasons
 * @stats_out: packets encrypted (out)
 * @sa_alive: SAs not yet freed (the namespace waits for them at exit)
 * @mappings: new-mapping notifications due (after the per-SA rate limit)
 * @dead: the namespace is going away; no new objects
 */
struct espgw_net {
	struct net *net;
	struct mutex lock;
	struct rhashtable sa_table;
	struct list_head sa_list;
	struct rhltable policy_by_dst;
	struct list_head policy_wide;
	struct list_head policy_list;
	unsigned int sa_count;
	unsigned int policy_count;
	u32 gen;
	struct net_device __rcu *dev;
	struct espgw_pcpu_stats __percpu *stats;
	struct espgw_pcpu_stats __percpu *stats_out;
	atomic_t sa_alive;
	atomic64_t mappings;
	bool dead;
};

extern unsigned int espgw_net_id;

static inline struct espgw_net *espgw_net(const struct net *net)
{
	return net_generic(net, espgw_net_id);
}

int espgw_netns_init(void);
void espgw_netns_uninit(void);

#endif /* _ESPGW_NETNS_H_ */
