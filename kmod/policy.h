/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_POLICY_H_
#define _ESPGW_POLICY_H_

#include <linux/rhashtable.h>

#include "sa.h"

/**
 * struct espgw_policy - one security policy
 * @hnode: in espgw_net.policy_by_dst when the remote side is one address
 * @wide: in espgw_net.policy_wide otherwise (priority order, RCU)
 * @dst_key: the single remote address (hash key)
 * @id: the caller's handle
 * @priority: lower wins
 * @sel: the selector, as traffic leaves toward the peer
 * @action: ESPGW_ACTION_*
 * @sa_key: with protect, the outbound SA (looked up per packet, so an SA
 *	installed later or replaced at rekey is picked up without relinking)
 * @last_acquire: jiffies of the last acquire notification (rate limit)
 * @packets: packets that matched, per CPU (espgw_policy_packets() sums them)
 * @rcu: freeing
 */
struct espgw_policy {
	struct rhlist_head hnode;
	struct list_head wide;
	__be32 dst_key;
	u32 id;
	u32 priority;
	struct espgw_sel sel;
	u8 action;
	struct espgw_sa_key sa_key;
	unsigned long last_acquire;
	u64 __percpu *packets;
	struct rcu_head rcu;
};

int espgw_policy_table_init(struct espgw_net *en);
void espgw_policy_table_destroy(struct espgw_net *en);
int espgw_policy_new(struct espgw_net *en, struct nlattr **attrs, bool replace,
		     struct netlink_ext_ack *extack);
int espgw_policy_del(struct espgw_net *en, u32 id);
struct espgw_policy *espgw_policy_find(struct espgw_net *en, u32 id);
void espgw_policy_flush(struct espgw_net *en);
u64 espgw_policy_packets(const struct espgw_policy *p);

/* Data path: one more packet matched p. */
static inline void espgw_policy_count(struct espgw_policy *p)
{
	this_cpu_inc(*p->packets);
}

/* Data path, under RCU: the best policy for a packet leaving toward daddr. */
struct espgw_policy *espgw_policy_lookup_out(struct espgw_net *en, __be32 saddr, __be32 daddr,
					     u8 proto);
/* The best policy whose reverse covers a packet arriving from saddr. */
struct espgw_policy *espgw_policy_lookup_in(struct espgw_net *en, __be32 saddr, __be32 daddr,
					    u8 proto);

#endif /* _ESPGW_POLICY_H_ */
