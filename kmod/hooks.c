// SPDX-License-Identifier: GPL-2.0
/*
 * Where packets meet espgw:
 *
 * - POST_ROUTING at NF_IP_PRI_NAT_SRC - 1: forwarded and locally generated
 *   packets, after DNAT and before SNAT/masquerade. A protect policy steals the
 *   packet, encrypts it and sends the ESP packet as the gateway's own, so
 *   source NAT never sees VPN traffic.
 * - PRE_ROUTING at NF_IP_PRI_RAW + 1 (after defragmentation): clear text that
 *   claims to come from a protected peer address, on any device but espgw0,
 *   is dropped.
 * - the xfrm4 ESP protocol chain, above esp4/vti/xfrmi: ESP for one of our
 *   SPIs is ours; any other SPI goes on to XFRM when XFRM knows it. Its input
 *   handler gets ESP in UDP (RFC 3948) from the UDP_ENCAP_ESPINUDP socket the
 *   daemon holds on 4500, the same way.
 */

#include <linux/ip.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/udp.h>
#include <net/esp.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "compat.h"
#include "esp.h"
#include "hooks.h"
#include "netlink.h"
#include "netns.h"
#include "policy.h"
#include "sa.h"

#define IKE_PORT	500
#define IKE_NATT_PORT	4500

/* An ESP packet, or UDP to or from the IKE ports (500, 4500). */
static bool is_ike_or_esp(struct sk_buff *skb, const struct iphdr *iph)
{
	const struct udphdr *uh;
	struct udphdr buf;

	if (iph->protocol == IPPROTO_ESP)
		return true;
	if (iph->protocol != IPPROTO_UDP || ip_is_fragment(iph))
		return false;
	uh = skb_header_pointer(skb, iph->ihl * 4, sizeof(buf), &buf);
	return uh && (uh->source == htons(IKE_PORT) || uh->dest == htons(IKE_PORT) ||
		      uh->source == htons(IKE_NATT_PORT) || uh->dest == htons(IKE_NATT_PORT));
}

static void frag_needed(struct espgw_sa *sa, struct sk_buff *skb, unsigned int mtu)
{
	espgw_stats_drop(sa->stats, ESPGW_DROP_MTU);
	espgw_stats_drop(sa->en->stats, ESPGW_DROP_MTU);
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
	kfree_skb(skb);
	espgw_sa_put(sa);
}

/* Takes the skb and the SA reference; BH disabled. */
static void espgw_output(struct espgw_sa *sa, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	bool df = iph->frag_off & htons(IP_DF);
	struct sk_buff *segs, *seg, *next;
	unsigned int mtu;
	struct rtable *rt;

	rt = espgw_esp_route(sa);
	if (IS_ERR(rt)) {
		espgw_stats_drop(sa->stats, ESPGW_DROP_ERROR);
		kfree_skb(skb);
		espgw_sa_put(sa);
		return;
	}
	mtu = espgw_esp_inner_mtu(sa, dst_mtu(&rt->dst));
	ip_rt_put(rt);
	if (df && (skb_is_gso(skb) ? !skb_gso_validate_network_len(skb, mtu) : skb->len > mtu))
		return frag_needed(sa, skb, mtu);

#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	/* The packet leaves the stack here: confirm its conntrack entry now, as
	 * the confirm hook would have, or the flow never becomes established.
	 */
	if (skb_nfct(skb) && nf_conntrack_confirm(skb) != NF_ACCEPT) {
		espgw_stats_drop(sa->stats, ESPGW_DROP_ERROR);
		kfree_skb(skb);
		espgw_sa_put(sa);
		return;
	}
#endif

	if (!skb_is_gso(skb)) {
		if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) {
			espgw_stats_drop(sa->stats, ESPGW_DROP_ERROR);
			kfree_skb(skb);
			espgw_sa_put(sa);
			return;
		}
		espgw_esp_output(sa, skb);
		return;
	}

	/* No ESP offload: segment (with checksums done in software) and send each. */
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		espgw_stats_drop(sa->stats, ESPGW_DROP_ERROR);
		kfree_skb(skb);
		espgw_sa_put(sa);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		if (seg->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(seg)) {
			kfree_skb(seg);
			continue;
		}
		if (espgw_sa_hold(sa))
			espgw_esp_output(sa, seg);
		else
			kfree_skb(seg);
	}
	espgw_sa_put(sa);
}

/* BH disabled: the recursion guard is this CPU's until the packet is sent */
static unsigned int espgw_out_bh(struct espgw_net *en, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct espgw_policy *p;
	struct espgw_sa *sa;

	if (__this_cpu_read(espgw_xmit_recursion))
		return NF_ACCEPT;
	/*
	 * The gateway's own IKE and ESP (espgwd's, XFRM's) are never policy
	 * traffic. Forwarded packets that look like IKE or ESP are: an inside
	 * host's UDP to port 500 toward a client is encrypted like any other.
	 */
	if (!(IPCB(skb)->flags & IPSKB_FORWARDED) && is_ike_or_esp(skb, iph))
		return NF_ACCEPT;

	p = espgw_policy_lookup_out(en, iph->saddr, iph->daddr, iph->protocol);
	if (!p)
		return NF_ACCEPT;
	espgw_policy_count(p);
	if (p->action == ESPGW_ACTION_BYPASS)
		return NF_ACCEPT;
	if (p->action == ESPGW_ACTION_DISCARD) {
		espgw_stats_drop(en->stats, ESPGW_DROP_DISCARD);
		return NF_DROP;
	}

	sa = espgw_sa_lookup(en, p->sa_key.dst, p->sa_key.spi);
	if (!sa || sa->dir != ESPGW_DIR_OUT || test_bit(ESPGW_SA_HARD, &sa->expired) ||
	    !espgw_sa_hold(sa)) {
		espgw_stats_drop(en->stats, ESPGW_DROP_NO_SA_OUT);
		/* one acquire a second per policy (racy by design: a rate limit) */
		if (time_after(jiffies, READ_ONCE(p->last_acquire) + HZ)) {
			WRITE_ONCE(p->last_acquire, jiffies);
			espgw_nl_acquire_notify(en, p, iph);
		}
		return NF_DROP;
	}

	espgw_output(sa, skb);
	return NF_STOLEN;
}

static unsigned int espgw_nf_out(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct espgw_net *en = espgw_net(state->net);
	unsigned int verdict;

	if (!READ_ONCE(en->policy_count))
		return NF_ACCEPT;
	/*
	 * The gateway's own packets reach POST_ROUTING in process context,
	 * preemptible: reading the per-CPU guard there and acting on it after
	 * a migration would mix two CPUs' states.
	 */
	local_bh_disable();
	verdict = espgw_out_bh(en, skb);
	local_bh_enable();
	return verdict;
}

static unsigned int espgw_nf_in(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct espgw_net *en = espgw_net(state->net);
	const struct iphdr *iph = ip_hdr(skb);
	struct espgw_policy *p;

	if (!READ_ONCE(en->policy_count) || skb->dev == rcu_access_pointer(en->dev))
		return NF_ACCEPT;
	p = espgw_policy_lookup_in(en, iph->saddr, iph->daddr, iph->protocol);
	if (!p || p->action != ESPGW_ACTION_PROTECT)
		return NF_ACCEPT;
	/*
	 * A client whose tunnel covers the gateway's own address sends its IKE
	 * and ESP from inside the policy: those are for the gateway. Only here,
	 * off the common path, does that cost a FIB lookup.
	 */
	if (is_ike_or_esp(skb, iph) && inet_addr_type(state->net, iph->daddr) == RTN_LOCAL)
		return NF_ACCEPT;
	espgw_stats_drop(en->stats, ESPGW_DROP_PLAINTEXT);
	return NF_DROP;
}

static const struct nf_hook_ops espgw_nf_ops[] = {
	{
		.hook		= espgw_nf_out,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP_PRI_NAT_SRC - 1,
	},
	{
		.hook		= espgw_nf_in,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_RAW + 1,
	},
};

int espgw_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, espgw_nf_ops, ARRAY_SIZE(espgw_nf_ops));
}

void espgw_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, espgw_nf_ops, ARRAY_SIZE(espgw_nf_ops));
}

/* ---- ESP receive ------------------------------------------------------- */

/*
 * Does the packet come the way its SA says: plain ESP for plain ESP, and ESP in
 * UDP to the SA's local port for encap espinudp (whatever socket the kernel
 * found for it)?
 */
static bool encap_ok(const struct espgw_sa *sa, const struct sk_buff *skb, bool udp)
{
	if (!udp || !sa->encap)
		return !udp && !sa->encap;
	return espgw_esp_udp_hdr(skb)->dest == sa->encap_lport;
}

/*
 * ESP for this namespace, plain (udp false) or ESP in UDP. skb->data is at the
 * ESP header either way. An SPI of ours is ours, whatever happens to the packet
 * next; an SPI XFRM owns goes on to it (-EINVAL); any other is dropped and
 * counted. As XFRM's xfrm_input() does, a packet whose encapsulation is not its
 * SA's is dropped before decryption (and so is ESP in UDP to another port).
 */
static int espgw_esp_rcv(struct sk_buff *skb, bool udp)
{
	struct net *net = dev_net(skb->dev);
	struct espgw_net *en = espgw_net(net);
	struct xfrm_state *x;
	struct espgw_sa *sa;
	__be32 spi, daddr;

	if (!READ_ONCE(en->sa_count))
		return -EINVAL;
	if (!pskb_may_pull(skb, sizeof(struct ip_esp_hdr)))
		return -EINVAL;	/* too short to name an SPI: XFRM drops it */
	spi = ip_esp_hdr(skb)->spi;
	daddr = ip_hdr(skb)->daddr;

	rcu_read_lock();
	sa = espgw_sa_lookup(en, daddr, spi);
	if (sa && (sa->dir != ESPGW_DIR_IN || test_bit(ESPGW_SA_HARD, &sa->expired) ||
		   !espgw_sa_hold(sa)))
		sa = NULL;
	rcu_read_unlock();
	if (sa) {
		enum espgw_drop why;

		if (!encap_ok(sa, skb, udp)) {
			why = ESPGW_DROP_ENCAP;
		} else if (!pskb_may_pull(skb, sizeof(struct ip_esp_hdr) + sa->ivlen)) {
			why = ESPGW_DROP_TRAILER;
		} else {
			espgw_esp_input(sa, skb);
			return 0;
		}
		espgw_stats_drop(sa->stats, why);
		espgw_stats_drop(en->stats, why);
		kfree_skb(skb);
		espgw_sa_put(sa);
		return 0;
	}

	/* Not ours. If the kernel's own IPsec owns the SPI, let it have it. */
	x = xfrm_state_lookup(net, skb->mark, (const xfrm_address_t *)&daddr, spi,
			      IPPROTO_ESP, AF_INET);
	if (x) {
		xfrm_state_put(x);
		return -EINVAL;
	}
	espgw_stats_drop(en->stats, ESPGW_DROP_NO_SA);
	kfree_skb(skb);
	return 0;
}

/* Plain ESP (IP protocol 50), from xfrm4_esp_rcv(). */
static int espgw_esp4_rcv(struct sk_buff *skb)
{
	return espgw_esp_rcv(skb, false);
}

/*
 * The xfrm4 input handlers, from xfrm4_rcv_encap(). Two callers matter:
 *
 * - esp4's own handler (xfrm4_rcv) for plain ESP espgw_esp4_rcv() declined,
 *   encap_type 0: XFRM's, go on;
 * - xfrm4_udp_encap_rcv() on a socket with UDP_ENCAP_ESPINUDP (espgwd's on
 *   4500; it has already handed IKE to the socket and dropped NAT keepalives),
 *   encap_type UDP_ENCAP_ESPINUDP: the UDP header is pulled but kept in the
 *   head between the IP header (its tot_len shortened by 8, the protocol still
 *   UDP) and the ESP header, the transport header.
 *
 * Anything else (TCP encapsulation, the non-IKE marker of 6.1) is XFRM's.
 */
static int espgw_esp4_input(struct sk_buff *skb, int nexthdr, __be32 spi, int encap_type)
{
	if (encap_type != UDP_ENCAP_ESPINUDP)
		return -EINVAL;
	return espgw_esp_rcv(skb, true);
}

static int espgw_esp4_cb(struct sk_buff *skb, int err)
{
	return 1;		/* not ours: let the next handler see it */
}

/* ICMP about an ESP packet we sent: learn the path MTU toward the peer. */
static int espgw_esp4_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct ip_esp_hdr *esph = (const struct ip_esp_hdr *)(skb->data + (iph->ihl << 2));
	struct net *net = dev_net(skb->dev);
	struct espgw_net *en = espgw_net(net);
	bool ours;

	if (!READ_ONCE(en->sa_count))
		return -ENOENT;
	rcu_read_lock();
	ours = espgw_sa_lookup(en, iph->daddr, esph->spi);
	rcu_read_unlock();
	if (!ours)
		return -ENOENT;
	if (icmp_hdr(skb)->type == ICMP_DEST_UNREACH && icmp_hdr(skb)->code == ICMP_FRAG_NEEDED)
		ipv4_update_pmtu(skb, net, info, 0, IPPROTO_ESP);
	else if (icmp_hdr(skb)->type == ICMP_REDIRECT)
		ipv4_redirect(skb, net, 0, IPPROTO_ESP);
	return 0;
}

static struct xfrm4_protocol espgw_esp4_protocol __read_mostly = {
	.handler	= espgw_esp4_rcv,
	.input_handler	= espgw_esp4_input,
	.cb_handler	= espgw_esp4_cb,
	.err_handler	= espgw_esp4_err,
	.priority	= 200,	/* before esp4 (0), xfrmi (10), vti (100) */
};

int __init espgw_hooks_init(void)
{
	return xfrm4_protocol_register(&espgw_esp4_protocol, IPPROTO_ESP);
}

void espgw_hooks_uninit(void)
{
	xfrm4_protocol_deregister(&espgw_esp4_protocol, IPPROTO_ESP);
}
