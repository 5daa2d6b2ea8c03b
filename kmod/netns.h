/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_NETNS_H_
#define _ESPGW_NETNS_H_

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "stats.h"

/**
 * struct espgw_net - espgw's state in one network namespace (one gateway)
 * @net: the namespace this instance belongs to
 * @lock: serialises configuration changes; protects @sa_ids, @sa_next,
 *	@policy_ids, the writers of @sa_table/@policy_by_dst/@policy_wide, @dev
 *	creation, @gen
 * @sa_table: SAs by (outer destination, SPI); RCU lookups from the data path
 * @sa_ids: every SA by its serial number, oldest first (dumps resume at a
 *	serial, not by skipping; flush)
 * @sa_next: the next serial (xa_alloc_cyclic)
 * @policy_by_dst: policies whose remote side is a single address, by that address
 * @policy_wide: the other policies, in priority order (RCU list)
 * @policy_ids: every policy by id (find, dumps in id order, flush)
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
	struct xarray sa_ids;
	u32 sa_next;
	struct rhltable policy_by_dst;
	struct list_head policy_wide;
	struct xarray policy_ids;
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
