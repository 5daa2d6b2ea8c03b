// SPDX-License-Identifier: GPL-2.0
/*
 * The espgw generic-netlink family. Policies and the ops table are generated
 * from uapi/espgw.yaml into netlink-gen.c; this file holds the handlers.
 * Every request acts on the namespace of the socket that sent it.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>

#include "alg.h"
#include "compat.h"
#include "dev.h"
#include "netlink.h"
#include "netlink-gen.h"
#include "netns.h"
#include "policy.h"
#include "sa.h"

static struct genl_family espgw_nl_family __ro_after_init = {
	.name		= ESPGW_FAMILY_NAME,
	.version	= ESPGW_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= espgw_nl_ops,
	.n_ops		= ARRAY_SIZE(espgw_nl_ops),
	.mcgrps		= espgw_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(espgw_nl_mcgrps),
};

static struct espgw_net *info_en(struct genl_info *info)
{
	return espgw_net(genl_info_net(info));
}

/* ---- info ---------------------------------------------------------------- */

int espgw_nl_info_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct espgw_net *en = info_en(info);
	struct net_device *dev;
	struct sk_buff *msg;
	int ifindex;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &espgw_nl_family, 0, ESPGW_CMD_INFO_GET);
	if (!hdr)
		goto nla_put_failure;
	if (nla_put_string(msg, ESPGW_A_INFO_VERSION, ESPGW_VERSION) ||
	    nla_put_u32(msg, ESPGW_A_INFO_FEATURES,
			ESPGW_FEATURE_ESP_TUNNEL | ESPGW_FEATURE_POLICY |
			ESPGW_FEATURE_ESP_IN_UDP) ||
	    nla_put_u32(msg, ESPGW_A_INFO_ENC_ALGS, espgw_alg_enc_available()) ||
	    nla_put_u32(msg, ESPGW_A_INFO_AUTH_ALGS, espgw_alg_auth_available()) ||
	    nla_put_u32(msg, ESPGW_A_INFO_REPLAY_WINDOW_MAX, ESPGW_REPLAY_WINDOW_MAX))
		goto nla_put_failure;
	rcu_read_lock();
	dev = rcu_dereference(en->dev);
	ifindex = dev ? dev->ifindex : 0;
	rcu_read_unlock();
	if (ifindex && nla_put_u32(msg, ESPGW_A_INFO_IFINDEX, ifindex))
		goto nla_put_failure;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* ---- shared fillers -------------------------------------------------------- */

static int put_sel(struct sk_buff *msg, int attr, const struct espgw_sel *sel)
{
	struct nlattr *nest = nla_nest_start(msg, attr);

	if (!nest ||
	    nla_put_be32(msg, ESPGW_A_SELECTOR_SRC, sel->src) ||
	    nla_put_u8(msg, ESPGW_A_SELECTOR_SRC_PREFIX_LEN, sel->src_plen) ||
	    nla_put_be32(msg, ESPGW_A_SELECTOR_DST, sel->dst) ||
	    nla_put_u8(msg, ESPGW_A_SELECTOR_DST_PREFIX_LEN, sel->dst_plen) ||
	    nla_put_u8(msg, ESPGW_A_SELECTOR_PROTO, sel->proto))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_u64(struct sk_buff *msg, int attr, u64 v, int pad)
{
	return nla_put_u64_64bit(msg, attr, v, pad);
}

static int put_sa_stats(struct sk_buff *msg, struct espgw_sa *sa)
{
	struct espgw_stats_sum s;
	struct nlattr *nest;
	const int pad = ESPGW_A_SA_STATS_PAD;

	espgw_stats_read(sa->stats, &s);
	nest = nla_nest_start(msg, ESPGW_A_SA_STATS);
	if (!nest ||
	    put_u64(msg, ESPGW_A_SA_STATS_PACKETS, s.packets, pad) ||
	    put_u64(msg, ESPGW_A_SA_STATS_BYTES, s.bytes, pad) ||
	    put_u64(msg, ESPGW_A_SA_STATS_AUTH_FAIL, s.drops[ESPGW_DROP_AUTH], pad) ||
	    put_u64(msg, ESPGW_A_SA_STATS_REPLAY, s.drops[ESPGW_DROP_REPLAY], pad) ||
	    put_u64(msg, ESPGW_A_SA_STATS_SELECTOR, s.drops[ESPGW_DROP_SELECTOR], pad) ||
	    put_u64(msg, ESPGW_A_SA_STATS_TRAILER, s.drops[ESPGW_DROP_TRAILER], pad) ||
	    put_u64(msg, ESPGW_A_SA_STATS_MTU, s.drops[ESPGW_DROP_MTU], pad) ||
	    put_u64(msg, ESPGW_A_SA_STATS_ERRORS, s.drops[ESPGW_DROP_ERROR], pad) ||
	    put_u64(msg, ESPGW_A_SA_STATS_ENCAP, s.drops[ESPGW_DROP_ENCAP], pad) ||
	    put_u64(msg, ESPGW_A_SA_STATS_REPLAY_LATE, s.drops[ESPGW_DROP_REPLAY_LATE], pad))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_lifetime(struct sk_buff *msg, const struct espgw_lifetime *l)
{
	const int pad = ESPGW_A_LIFETIME_PAD;
	struct nlattr *nest = nla_nest_start(msg, ESPGW_A_SA_LIFETIME);

	if (!nest ||
	    put_u64(msg, ESPGW_A_LIFETIME_SOFT_BYTES, l->soft_bytes, pad) ||
	    put_u64(msg, ESPGW_A_LIFETIME_HARD_BYTES, l->hard_bytes, pad) ||
	    put_u64(msg, ESPGW_A_LIFETIME_SOFT_PACKETS, l->soft_packets, pad) ||
	    put_u64(msg, ESPGW_A_LIFETIME_HARD_PACKETS, l->hard_packets, pad) ||
	    put_u64(msg, ESPGW_A_LIFETIME_SOFT_SECS, l->soft_secs, pad) ||
	    put_u64(msg, ESPGW_A_LIFETIME_HARD_SECS, l->hard_secs, pad))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* The encap nest of an SA with encapsulation; nothing for plain ESP. */
static int put_encap(struct sk_buff *msg, const struct espgw_sa *sa)
{
	struct nlattr *nest;

	if (!sa->encap)
		return 0;
	nest = nla_nest_start(msg, ESPGW_A_SA_ENCAP);
	if (!nest ||
	    nla_put_u32(msg, ESPGW_A_ENCAP_TYPE, sa->encap) ||
	    nla_put_be16(msg, ESPGW_A_ENCAP_LOCAL_PORT, sa->encap_lport) ||
	    nla_put_be16(msg, ESPGW_A_ENCAP_PEER_PORT, sa->encap_pport))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* Everything about an SA but its keys. */
static int sa_fill(struct sk_buff *msg, struct espgw_sa *sa, u32 portid, u32 seq, int flags,
		   u8 cmd, u32 kind)
{
	u64 last = sa->dir == ESPGW_DIR_OUT ? atomic64_read(&sa->seq) : READ_ONCE(sa->replay_top);
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &espgw_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_be32(msg, ESPGW_A_SA_SPI, sa->key.spi) ||
	    nla_put_be32(msg, ESPGW_A_SA_DST, sa->key.dst) ||
	    nla_put_be32(msg, ESPGW_A_SA_SRC, sa->src) ||
	    nla_put_u32(msg, ESPGW_A_SA_DIR, sa->dir) ||
	    put_u64(msg, ESPGW_A_SA_SEQ, last, ESPGW_A_SA_PAD) ||
	    put_sa_stats(msg, sa))
		goto err;
	if (cmd == ESPGW_CMD_SA_EXPIRE_NTF) {
		if (nla_put_u32(msg, ESPGW_A_SA_EXPIRE_KIND, kind))
			goto err;
	} else if (nla_put_u32(msg, ESPGW_A_SA_ENC_ALG, sa->enc_alg) ||
		   nla_put_u32(msg, ESPGW_A_SA_AUTH_ALG, sa->auth_alg) ||
		   nla_put_u32(msg, ESPGW_A_SA_REPLAY_WINDOW, sa->replay_window) ||
		   nla_put_u32(msg, ESPGW_A_SA_FLAGS, sa->flags) ||
		   put_sel(msg, ESPGW_A_SA_SELECTOR, &sa->sel) ||
		   put_lifetime(msg, &sa->lft) ||
		   put_encap(msg, sa) ||
		   put_u64(msg, ESPGW_A_SA_AGE, ktime_get_real_seconds() - sa->add_time,
			   ESPGW_A_SA_PAD)) {
		goto err;
	}
	genlmsg_end(msg, hdr);
	return 0;
err:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

static int policy_fill(struct sk_buff *msg, struct espgw_policy *p, u32 portid, u32 seq,
		       int flags)
{
	void *hdr = genlmsg_put(msg, portid, seq, &espgw_nl_family, flags, ESPGW_CMD_POLICY_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, ESPGW_A_POLICY_ID, p->id) ||
	    nla_put_u32(msg, ESPGW_A_POLICY_PRIORITY, p->priority) ||
	    nla_put_u32(msg, ESPGW_A_POLICY_ACTION, p->action) ||
	    put_sel(msg, ESPGW_A_POLICY_SELECTOR, &p->sel) ||
	    put_u64(msg, ESPGW_A_POLICY_PACKETS, espgw_policy_packets(p), ESPGW_A_POLICY_PAD))
		goto err;
	if (p->action == ESPGW_ACTION_PROTECT &&
	    (nla_put_be32(msg, ESPGW_A_POLICY_SA_DST, p->sa_key.dst) ||
	     nla_put_be32(msg, ESPGW_A_POLICY_SA_SPI, p->sa_key.spi)))
		goto err;
	genlmsg_end(msg, hdr);
	return 0;
err:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

/* ---- SAs ------------------------------------------------------------------- */

int espgw_nl_sa_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct espgw_net *en = info_en(info);
	struct espgw_sa *sa;
	int err;

	/* Decrypted packets need espgw0; RTNL is taken outside en->lock. */
	if (info->attrs[ESPGW_A_SA_DIR] &&
	    nla_get_u32(info->attrs[ESPGW_A_SA_DIR]) == ESPGW_DIR_IN) {
		rtnl_lock();
		err = espgw_dev_ensure(en);
		rtnl_unlock();
		if (err) {
			NL_SET_ERR_MSG(info->extack, "cannot create the espgw0 ingress device");
			return err;
		}
	}
	mutex_lock(&en->lock);
	sa = espgw_sa_new(en, info->attrs, info->extack);
	mutex_unlock(&en->lock);
	return PTR_ERR_OR_ZERO(sa);
}

static int sa_key_attrs(struct genl_info *info, __be32 *dst, __be32 *spi)
{
	if (!info->attrs[ESPGW_A_SA_SPI] || !info->attrs[ESPGW_A_SA_DST]) {
		NL_SET_ERR_MSG(info->extack, "an SA is named by dst and spi");
		return -EINVAL;
	}
	*dst = nla_get_be32(info->attrs[ESPGW_A_SA_DST]);
	*spi = nla_get_be32(info->attrs[ESPGW_A_SA_SPI]);
	return 0;
}

int espgw_nl_sa_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct espgw_net *en = info_en(info);
	__be32 dst, spi;
	int err;

	err = sa_key_attrs(info, &dst, &spi);
	if (err)
		return err;
	mutex_lock(&en->lock);
	err = espgw_sa_del(en, dst, spi);
	mutex_unlock(&en->lock);
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[ESPGW_A_SA_SPI], "no such SA");
	return err;
}

int espgw_nl_sa_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct espgw_net *en = info_en(info);
	__be32 dst, spi, addr;
	__be16 port;
	int err;

	err = sa_key_attrs(info, &dst, &spi);
	if (err)
		return err;
	if (!info->attrs[ESPGW_A_SA_MAPPING_ADDR] || !info->attrs[ESPGW_A_SA_MAPPING_PORT]) {
		NL_SET_ERR_MSG(info->extack, "sa-set needs mapping-addr and mapping-port");
		return -EINVAL;
	}
	addr = nla_get_be32(info->attrs[ESPGW_A_SA_MAPPING_ADDR]);
	port = nla_get_be16(info->attrs[ESPGW_A_SA_MAPPING_PORT]);
	if (!addr || ipv4_is_multicast(addr) || ipv4_is_lbcast(addr) || !port) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[addr ? ESPGW_A_SA_MAPPING_PORT :
						ESPGW_A_SA_MAPPING_ADDR], "not a peer's address and port");
		return -EINVAL;
	}
	mutex_lock(&en->lock);
	err = espgw_sa_move(en, dst, spi, addr, port, info->extack);
	mutex_unlock(&en->lock);
	return err;
}

int espgw_nl_sa_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct espgw_net *en = info_en(info);
	struct espgw_sa *sa;
	struct sk_buff *msg;
	__be32 dst, spi;
	int err;

	err = sa_key_attrs(info, &dst, &spi);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&en->lock);
	sa = rhashtable_lookup_fast(&en->sa_table, &(struct espgw_sa_key){ dst, spi },
				    espgw_sa_params);
	err = sa ? sa_fill(msg, sa, info->snd_portid, info->snd_seq, 0, ESPGW_CMD_SA_GET, 0) :
		   -ENOENT;
	mutex_unlock(&en->lock);
	if (err) {
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[ESPGW_A_SA_SPI], "no such SA");
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Dumps resume at the index (SA serial, policy id) of the first object that did
 * not fit, found in O(log n), so a dump of n objects costs O(n log n) and not
 * O(n^2); a change in between sets NLM_F_DUMP_INTR. cb->args[1] marks the end.
 */
int espgw_nl_sa_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct espgw_net *en = espgw_net(sock_net(skb->sk));
	unsigned long idx;
	struct espgw_sa *sa;

	if (cb->args[1])
		return 0;
	mutex_lock(&en->lock);
	cb->seq = en->gen;
	xa_for_each_start(&en->sa_ids, idx, sa, cb->args[0]) {
		if (sa_fill(skb, sa, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			    NLM_F_MULTI, ESPGW_CMD_SA_GET, 0)) {
			cb->args[0] = idx;
			goto out;
		}
		genl_dump_check_consistent(cb, genlmsg_data(nlmsg_data(nlmsg_hdr(skb))));
	}
	cb->args[1] = 1;
out:
	mutex_unlock(&en->lock);
	return skb->len;
}

/* ---- policies -------------------------------------------------------------- */

static int policy_new(struct genl_info *info, bool replace)
{
	struct espgw_net *en = info_en(info);
	int err;

	mutex_lock(&en->lock);
	err = espgw_policy_new(en, info->attrs, replace, info->extack);
	mutex_unlock(&en->lock);
	return err;
}

int espgw_nl_policy_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	return policy_new(info, false);
}

int espgw_nl_policy_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return policy_new(info, true);
}

int espgw_nl_policy_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct espgw_net *en = info_en(info);
	int err;

	if (GENL_REQ_ATTR_CHECK(info, ESPGW_A_POLICY_ID))
		return -EINVAL;
	mutex_lock(&en->lock);
	err = espgw_policy_del(en, nla_get_u32(info->attrs[ESPGW_A_POLICY_ID]));
	mutex_unlock(&en->lock);
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[ESPGW_A_POLICY_ID], "no such policy");
	return err;
}

int espgw_nl_policy_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct espgw_net *en = info_en(info);
	struct espgw_policy *p;
	struct sk_buff *msg;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, ESPGW_A_POLICY_ID))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&en->lock);
	p = espgw_policy_find(en, nla_get_u32(info->attrs[ESPGW_A_POLICY_ID]));
	err = p ? policy_fill(msg, p, info->snd_portid, info->snd_seq, 0) : -ENOENT;
	mutex_unlock(&en->lock);
	if (err) {
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[ESPGW_A_POLICY_ID],
					    "no such policy");
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

int espgw_nl_policy_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct espgw_net *en = espgw_net(sock_net(skb->sk));
	struct espgw_policy *p;
	unsigned long idx;

	if (cb->args[1])
		return 0;
	mutex_lock(&en->lock);
	cb->seq = en->gen;
	xa_for_each_start(&en->policy_ids, idx, p, cb->args[0]) {
		if (policy_fill(skb, p, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				NLM_F_MULTI)) {
			cb->args[0] = idx;
			goto out;
		}
		genl_dump_check_consistent(cb, genlmsg_data(nlmsg_data(nlmsg_hdr(skb))));
	}
	cb->args[1] = 1;
out:
	mutex_unlock(&en->lock);
	return skb->len;
}

/* ---- flush, stats ------------------------------------------------------------ */

int espgw_nl_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct espgw_net *en = info_en(info);
	u32 what = info->attrs[ESPGW_A_FLUSH_WHAT] ?
		   nla_get_u32(info->attrs[ESPGW_A_FLUSH_WHAT]) : ESPGW_FLUSH_WHAT_ALL;

	mutex_lock(&en->lock);
	if (what != ESPGW_FLUSH_WHAT_SA)
		espgw_policy_flush(en);
	if (what != ESPGW_FLUSH_WHAT_POLICY)
		espgw_sa_flush(en);
	mutex_unlock(&en->lock);
	return 0;
}

int espgw_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct espgw_net *en = info_en(info);
	const int pad = ESPGW_A_STATS_PAD;
	struct espgw_stats_sum s;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &espgw_nl_family, 0, ESPGW_CMD_STATS_GET);
	if (!hdr)
		goto err;
	espgw_stats_read(en->stats_out, &s);
	if (put_u64(msg, ESPGW_A_STATS_OUT_PACKETS, s.packets, pad))
		goto err;
	espgw_stats_read(en->stats, &s);
	if (put_u64(msg, ESPGW_A_STATS_IN_PACKETS, s.packets, pad) ||
	    put_u64(msg, ESPGW_A_STATS_AUTH_FAIL, s.drops[ESPGW_DROP_AUTH], pad) ||
	    put_u64(msg, ESPGW_A_STATS_REPLAY, s.drops[ESPGW_DROP_REPLAY], pad) ||
	    put_u64(msg, ESPGW_A_STATS_SELECTOR, s.drops[ESPGW_DROP_SELECTOR], pad) ||
	    put_u64(msg, ESPGW_A_STATS_TRAILER, s.drops[ESPGW_DROP_TRAILER], pad) ||
	    put_u64(msg, ESPGW_A_STATS_MTU, s.drops[ESPGW_DROP_MTU], pad) ||
	    put_u64(msg, ESPGW_A_STATS_ERRORS, s.drops[ESPGW_DROP_ERROR], pad) ||
	    put_u64(msg, ESPGW_A_STATS_NO_SA, s.drops[ESPGW_DROP_NO_SA], pad) ||
	    put_u64(msg, ESPGW_A_STATS_NO_SA_OUT, s.drops[ESPGW_DROP_NO_SA_OUT], pad) ||
	    put_u64(msg, ESPGW_A_STATS_PLAINTEXT, s.drops[ESPGW_DROP_PLAINTEXT], pad) ||
	    put_u64(msg, ESPGW_A_STATS_DISCARD, s.drops[ESPGW_DROP_DISCARD], pad) ||
	    nla_put_u32(msg, ESPGW_A_STATS_SA_COUNT, READ_ONCE(en->sa_count)) ||
	    nla_put_u32(msg, ESPGW_A_STATS_POLICY_COUNT, READ_ONCE(en->policy_count)) ||
	    put_u64(msg, ESPGW_A_STATS_ENCAP, s.drops[ESPGW_DROP_ENCAP], pad) ||
	    put_u64(msg, ESPGW_A_STATS_MAPPING, atomic64_read(&en->mappings), pad) ||
	    put_u64(msg, ESPGW_A_STATS_REPLAY_LATE, s.drops[ESPGW_DROP_REPLAY_LATE], pad))
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* ---- notifications ------------------------------------------------------------ */

/*
 * Events come from packets (BH) and from the expiry work, both of which can
 * still run while the module goes away, after the family is unregistered
 * and its multicast group may already belong to another family. They go out
 * only while this is set, read under RCU; espgw_nl_uninit() clears it and
 * waits for readers before it unregisters the family.
 */
static bool espgw_nl_live;

static bool nl_listeners(struct net *net)
{
	return READ_ONCE(espgw_nl_live) &&
	       genl_has_listeners(&espgw_nl_family, net, ESPGW_NLGRP_EVENTS);
}

static void nl_multicast(struct net *net, struct sk_buff *msg)
{
	rcu_read_lock();
	if (READ_ONCE(espgw_nl_live))
		genlmsg_multicast_netns(&espgw_nl_family, net, msg, 0, ESPGW_NLGRP_EVENTS,
					GFP_ATOMIC);
	else
		nlmsg_free(msg);
	rcu_read_unlock();
}

void espgw_nl_sa_expire_notify(struct espgw_sa *sa, u32 kind)
{
	struct net *net = sa->en->net;
	struct sk_buff *msg;

	if (!nl_listeners(net))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (sa_fill(msg, sa, 0, 0, 0, ESPGW_CMD_SA_EXPIRE_NTF, kind)) {
		nlmsg_free(msg);
		return;
	}
	nl_multicast(net, msg);
}

void espgw_nl_acquire_notify(struct espgw_net *en, struct espgw_policy *p,
			     const struct iphdr *iph)
{
	struct espgw_sel sel = {
		.src = iph->saddr, .src_plen = 32,
		.dst = iph->daddr, .dst_plen = 32,
		.proto = iph->protocol,
	};
	struct sk_buff *msg;
	void *hdr;

	if (!nl_listeners(en->net))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &espgw_nl_family, 0, ESPGW_CMD_ACQUIRE_NTF);
	if (!hdr || nla_put_u32(msg, ESPGW_A_POLICY_ID, p->id) ||
	    put_sel(msg, ESPGW_A_POLICY_SELECTOR, &sel)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	nl_multicast(en->net, msg);
}

/*
 * An inbound SA's authenticated packet came from another address or port:
 * the SA, its encapsulation, and where the packet came from.
 */
void espgw_nl_new_mapping_notify(struct espgw_sa *sa, __be32 addr, __be16 port)
{
	struct net *net = sa->en->net;
	struct sk_buff *msg;
	void *hdr;

	if (!nl_listeners(net))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &espgw_nl_family, 0, ESPGW_CMD_NEW_MAPPING_NTF);
	if (!hdr ||
	    nla_put_be32(msg, ESPGW_A_SA_SPI, sa->key.spi) ||
	    nla_put_be32(msg, ESPGW_A_SA_DST, sa->key.dst) ||
	    nla_put_be32(msg, ESPGW_A_SA_SRC, sa->src) ||
	    nla_put_u32(msg, ESPGW_A_SA_DIR, sa->dir) ||
	    put_encap(msg, sa) ||
	    nla_put_be32(msg, ESPGW_A_SA_MAPPING_ADDR, addr) ||
	    nla_put_be16(msg, ESPGW_A_SA_MAPPING_PORT, port)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	nl_multicast(net, msg);
}

/**
 * espgw_nl_init - register the generic-netlink family
 *
 * Return: 0 or a negative errno.
 */
int __init espgw_nl_init(void)
{
	int ret = genl_register_family(&espgw_nl_family);

	if (!ret)
		WRITE_ONCE(espgw_nl_live, true);
	return ret;
}

/**
 * espgw_nl_uninit - unregister the family; no handler runs after it returns
 *
 * Events stop first: once no reader can see espgw_nl_live set, nothing
 * multicasts on the family's group, whatever traffic and expiry still do
 * until the namespaces are torn down.
 */
void espgw_nl_uninit(void)
{
	WRITE_ONCE(espgw_nl_live, false);
	synchronize_rcu();
	genl_unregister_family(&espgw_nl_family);
}
