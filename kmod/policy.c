// SPDX-License-Identifier: GPL-2.0
/*
 * The policy database. Remote-access policies name one client address on the
 * remote side (inside net <-> client/32), so those are hashed by that address
 * and found in O(1) however many clients there are; the few wider ones
 * (site prefixes, catch-alls) sit in a short list in priority order. A lookup
 * takes the best (lowest priority value) match of both.
 */

#include <linux/slab.h>
#include <net/netlink.h>

#include "netlink-gen.h"
#include "netns.h"
#include "policy.h"

#define ESPGW_POLICY_DEFAULT_PRIORITY 1000

static const struct rhashtable_params policy_params = {
	.key_len = sizeof(__be32),
	.key_offset = offsetof(struct espgw_policy, dst_key),
	.head_offset = offsetof(struct espgw_policy, hnode),
	.automatic_shrinking = true,
};

static bool policy_hashed(const struct espgw_policy *p)
{
	return p->sel.dst_plen == 32;
}

/* Best of the hashed candidates for key, then of the wide list. */
static struct espgw_policy *policy_lookup(struct espgw_net *en, __be32 key, __be32 saddr,
					  __be32 daddr, u8 proto, bool reverse)
{
	struct espgw_policy *p, *best = NULL;
	struct rhlist_head *list, *pos;

	list = rhltable_lookup(&en->policy_by_dst, &key, policy_params);
	rhl_for_each_entry_rcu(p, pos, list, hnode) {
		bool hit = reverse ? espgw_sel_match(&p->sel, daddr, saddr, proto) :
				     espgw_sel_match(&p->sel, saddr, daddr, proto);

		if (hit && (!best || p->priority < best->priority))
			best = p;
	}
	list_for_each_entry_rcu(p, &en->policy_wide, wide) {
		bool hit;

		if (best && p->priority >= best->priority)
			break;
		hit = reverse ? espgw_sel_match(&p->sel, daddr, saddr, proto) :
				espgw_sel_match(&p->sel, saddr, daddr, proto);
		if (hit)
			return p;
	}
	return best;
}

struct espgw_policy *espgw_policy_lookup_out(struct espgw_net *en, __be32 saddr, __be32 daddr,
					     u8 proto)
{
	return policy_lookup(en, daddr, saddr, daddr, proto, false);
}

struct espgw_policy *espgw_policy_lookup_in(struct espgw_net *en, __be32 saddr, __be32 daddr,
					    u8 proto)
{
	return policy_lookup(en, saddr, saddr, daddr, proto, true);
}

struct espgw_policy *espgw_policy_find(struct espgw_net *en, u32 id)
{
	lockdep_assert_held(&en->lock);
	return xa_load(&en->policy_ids, id);
}

u64 espgw_policy_packets(const struct espgw_policy *p)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(*per_cpu_ptr(p->packets, cpu));
	return n;
}

static void policy_free_rcu(struct rcu_head *head)
{
	struct espgw_policy *p = container_of(head, struct espgw_policy, rcu);

	free_percpu(p->packets);
	kfree(p);
}

static void policy_free(struct espgw_policy *p)
{
	free_percpu(p->packets);
	kfree(p);
}

/* Into the data path's tables; the id's slot is the caller's. */
static int policy_link(struct espgw_net *en, struct espgw_policy *np)
{
	struct espgw_policy *p;
	int err;

	if (policy_hashed(np)) {
		np->dst_key = np->sel.dst;
		err = rhltable_insert(&en->policy_by_dst, &np->hnode, policy_params);
		if (err)
			return err;
	} else {
		/* after the last one of equal priority: first installed wins ties */
		list_for_each_entry(p, &en->policy_wide, wide)
			if (p->priority > np->priority)
				break;
		list_add_tail_rcu(&np->wide, &p->wide);
	}
	return 0;
}

static void policy_unlink(struct espgw_net *en, struct espgw_policy *p)
{
	if (policy_hashed(p))
		rhltable_remove(&en->policy_by_dst, &p->hnode, policy_params);
	else
		list_del_rcu(&p->wide);
}

/**
 * espgw_policy_new - install (or with replace, swap in) a policy
 * @en: namespace instance, locked
 * @attrs: policy-new attributes
 * @replace: policy-set: the policy with this id is replaced atomically for
 *	readers (the new one is linked before the old one is unlinked)
 * @extack: error messages
 *
 * Return: 0 or a negative errno.
 */
int espgw_policy_new(struct espgw_net *en, struct nlattr **attrs, bool replace,
		     struct netlink_ext_ack *extack)
{
	struct espgw_policy *p, *old;
	int err;

	lockdep_assert_held(&en->lock);
	if (en->dead)
		return -ENODEV;
	if (!attrs[ESPGW_A_POLICY_ID] || !attrs[ESPGW_A_POLICY_SELECTOR] ||
	    !attrs[ESPGW_A_POLICY_ACTION]) {
		NL_SET_ERR_MSG(extack, "policy-new needs id, selector and action");
		return -EINVAL;
	}
	old = espgw_policy_find(en, nla_get_u32(attrs[ESPGW_A_POLICY_ID]));
	if (old && !replace) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[ESPGW_A_POLICY_ID], "a policy with this id exists");
		return -EEXIST;
	}
	if (!old && replace) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[ESPGW_A_POLICY_ID], "no policy with this id to replace");
		return -ENOENT;
	}

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->packets = alloc_percpu(u64);
	if (!p->packets) {
		kfree(p);
		return -ENOMEM;
	}
	p->id = nla_get_u32(attrs[ESPGW_A_POLICY_ID]);
	p->priority = attrs[ESPGW_A_POLICY_PRIORITY] ?
		      nla_get_u32(attrs[ESPGW_A_POLICY_PRIORITY]) : ESPGW_POLICY_DEFAULT_PRIORITY;
	p->action = nla_get_u32(attrs[ESPGW_A_POLICY_ACTION]);
	p->last_acquire = jiffies - HZ;
	err = espgw_sel_parse(&p->sel, attrs[ESPGW_A_POLICY_SELECTOR], extack);
	if (err)
		goto err_free;
	err = -EINVAL;
	if (p->action == ESPGW_ACTION_PROTECT) {
		if (!attrs[ESPGW_A_POLICY_SA_DST] || !attrs[ESPGW_A_POLICY_SA_SPI]) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[ESPGW_A_POLICY_ACTION],
					    "protect needs sa-dst and sa-spi");
			goto err_free;
		}
		p->sa_key.dst = nla_get_be32(attrs[ESPGW_A_POLICY_SA_DST]);
		p->sa_key.spi = nla_get_be32(attrs[ESPGW_A_POLICY_SA_SPI]);
	} else if (attrs[ESPGW_A_POLICY_SA_DST] || attrs[ESPGW_A_POLICY_SA_SPI]) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[ESPGW_A_POLICY_SA_DST] ?: attrs[ESPGW_A_POLICY_SA_SPI],
				    "only a protect policy names an SA");
		goto err_free;
	}

	if (!old) {
		err = xa_insert(&en->policy_ids, p->id, p, GFP_KERNEL);
		if (err)
			goto err_free;
	}
	err = policy_link(en, p);
	if (err) {
		if (!old)
			xa_erase(&en->policy_ids, p->id);
		goto err_free;
	}
	if (old) {
		/* the count goes on (on one CPU: only the sum is ever read) */
		this_cpu_add(*p->packets, espgw_policy_packets(old));
		xa_store(&en->policy_ids, p->id, p, GFP_KERNEL);	/* the slot exists */
		policy_unlink(en, old);
		call_rcu(&old->rcu, policy_free_rcu);
	} else {
		WRITE_ONCE(en->policy_count, en->policy_count + 1);
	}
	en->gen++;
	return 0;

err_free:
	policy_free(p);
	return err;
}

/**
 * espgw_policy_del - remove policy id
 * @en: namespace instance, locked
 * @id: the policy
 *
 * Return: 0 or -ENOENT.
 */
int espgw_policy_del(struct espgw_net *en, u32 id)
{
	struct espgw_policy *p = espgw_policy_find(en, id);

	if (!p)
		return -ENOENT;
	policy_unlink(en, p);
	xa_erase(&en->policy_ids, id);
	WRITE_ONCE(en->policy_count, en->policy_count - 1);
	en->gen++;
	call_rcu(&p->rcu, policy_free_rcu);
	return 0;
}

void espgw_policy_flush(struct espgw_net *en)
{
	struct espgw_policy *p;
	unsigned long id;

	lockdep_assert_held(&en->lock);
	xa_for_each(&en->policy_ids, id, p) {
		policy_unlink(en, p);
		xa_erase(&en->policy_ids, id);
		call_rcu(&p->rcu, policy_free_rcu);
	}
	WRITE_ONCE(en->policy_count, 0);
	en->gen++;
}

int espgw_policy_table_init(struct espgw_net *en)
{
	INIT_LIST_HEAD(&en->policy_wide);
	xa_init(&en->policy_ids);
	return rhltable_init(&en->policy_by_dst, &policy_params);
}

void espgw_policy_table_destroy(struct espgw_net *en)
{
	rhltable_destroy(&en->policy_by_dst);
	xa_destroy(&en->policy_ids);
}
