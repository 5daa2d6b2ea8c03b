// SPDX-License-Identifier: GPL-2.0
/*
 * ESP tunnel mode (RFC 4303), IPv4 in IPv4. The packet layout and the AEAD
 * calls follow esp4 so that Linux XFRM is a compatible peer:
 *
 *   outer IPv4 | [UDP] | SPI | seq | IV | inner IPv4 packet | pad | padlen | 4 | ICV
 *                      '-- AD -----'    '------------- encrypted ------------'
 *
 * An SA with encap espinudp (RFC 3948) puts a UDP header between the two, from
 * its local port to the peer's, checksum 0 (RFC 3948 3.1.2; esp4 does the same).
 * Inbound, such packets arrive through xfrm4_udp_encap_rcv(), which leaves the
 * UDP header in front of the ESP header.
 *
 * The transform is a geniv template (seqiv/echainiv) around the algorithm: it
 * writes the IV into the packet itself, derived from the sequence number.
 */

#include <linux/ip.h>
#include <linux/skbuff.h>
#include <crypto/aead.h>
#include <net/esp.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "compat.h"
#include "dev.h"
#include "esp.h"
#include "netns.h"
#include "sa.h"

DEFINE_PER_CPU(bool, espgw_xmit_recursion);

/* State of one packet between handing it to the crypto API and completion. */
struct espgw_skb_cb {
	struct espgw_sa *sa;
	void *tmp;
	unsigned int inner_len;
	u32 seq;
	u8 tos;			/* inner (out) or outer (in) TOS */
	bool df;		/* inner DF (out) */
	bool gro;		/* the outer device does GRO (in) */
	__be32 saddr;		/* outer source (in) */
	__be16 sport;		/* UDP source port (in, with encap) */
};

#define ESPGW_CB(skb) ((struct espgw_skb_cb *)(skb)->cb)

static_assert(sizeof(struct espgw_skb_cb) <= sizeof_field(struct sk_buff, cb));

/*
 * One allocation per packet: IV, AEAD request, and the scatterlist over the
 * whole skb (as esp4). Stored in the skb's cb; NULL when it cannot be had.
 */
static struct aead_request *esp_prepare(struct espgw_sa *sa, struct sk_buff *skb, int nfrags,
					u8 **iv)
{
	struct crypto_aead *aead = sa->aead;
	unsigned int len = crypto_aead_ivsize(aead);
	struct aead_request *req;
	struct scatterlist *sg;
	u8 *tmp;

	len = ALIGN(len, crypto_tfm_ctx_alignment());
	len += sizeof(struct aead_request) + crypto_aead_reqsize(aead);
	len = ALIGN(len, __alignof__(struct scatterlist));
	len += sizeof(struct scatterlist) * nfrags;
	tmp = kmalloc(len, GFP_ATOMIC);
	if (!tmp)
		return NULL;
	*iv = tmp;
	req = (struct aead_request *)PTR_ALIGN(tmp + crypto_aead_ivsize(aead),
					       crypto_tfm_ctx_alignment());
	aead_request_set_tfm(req, aead);
	sg = PTR_ALIGN((struct scatterlist *)((u8 *)(req + 1) + crypto_aead_reqsize(aead)),
		       __alignof__(struct scatterlist));
	sg_init_table(sg, nfrags);
	if (unlikely(skb_to_sgvec(skb, sg, 0, skb->len) < 0)) {
		kfree(tmp);
		return NULL;
	}
	aead_request_set_crypt(req, sg, sg, 0, *iv);	/* lengths set by the caller */
	ESPGW_CB(skb)->tmp = tmp;
	return req;
}

static void esp_drop(struct espgw_sa *sa, struct sk_buff *skb, enum espgw_drop why)
{
	espgw_stats_drop(sa->stats, why);
	espgw_stats_drop(sa->en->stats, why);
	kfree_skb(skb);
	espgw_sa_put(sa);
}

unsigned int espgw_esp_inner_mtu(const struct espgw_sa *sa, unsigned int pmtu)
{
	unsigned int room = pmtu - sizeof(struct iphdr) - espgw_sa_encap_len(sa) -
			    sizeof(struct ip_esp_hdr) - sa->ivlen - sa->icvlen;

	return round_down(room, sa->blksize) - 2;
}

/**
 * espgw_esp_route - the route to the SA's peer, from the SA's cache
 * @sa: outbound SA
 *
 * BH disabled. Return: a referenced route or an ERR_PTR.
 */
struct rtable *espgw_esp_route(struct espgw_sa *sa)
{
	struct flowi4 fl4 = {
		.daddr = READ_ONCE(sa->key.dst),
		.saddr = sa->src,
		.flowi4_proto = sa->encap ? IPPROTO_UDP : IPPROTO_ESP,
		.fl4_sport = sa->encap_lport,
		.fl4_dport = READ_ONCE(sa->encap_pport),
	};
	struct rtable *rt;
	__be32 saddr;

	rt = dst_cache_get_ip4(&sa->dst_cache, &saddr);
	if (rt)
		return rt;
	rt = ip_route_output_key(sa->en->net, &fl4);
	if (!IS_ERR(rt))
		dst_cache_set_ip4(&sa->dst_cache, &rt->dst, fl4.saddr);
	return rt;
}

/* Encrypted: put the outer header on and send it out as the gateway's own packet. */
static void esp_output_finish(struct sk_buff *skb, int err)
{
	struct espgw_skb_cb *cb = ESPGW_CB(skb);
	struct espgw_sa *sa = cb->sa;
	struct net *net = sa->en->net;
	struct rtable *rt;
	struct iphdr *iph;
	u8 tos = cb->tos;
	bool df = cb->df;

	kfree(cb->tmp);
	if (unlikely(err))
		return esp_drop(sa, skb, ESPGW_DROP_ERROR);
	/* a reassembled 64 KiB inner packet without DF does not fit in one outer */
	if (unlikely(skb->len + espgw_sa_encap_len(sa) + sizeof(*iph) > IP_MAX_MTU))
		return esp_drop(sa, skb, ESPGW_DROP_ERROR);

	rt = espgw_esp_route(sa);
	if (IS_ERR(rt))
		return esp_drop(sa, skb, ESPGW_DROP_ERROR);
	espgw_stats_add(sa->stats, cb->inner_len);
	espgw_stats_add(sa->en->stats_out, cb->inner_len);

	skb_dst_drop(skb);
	skb_dst_set(skb, &rt->dst);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	nf_reset_ct(skb);
	skb->protocol = htons(ETH_P_IP);
	skb->ip_summed = CHECKSUM_NONE;
	skb->ignore_df = !df;

	if (sa->encap) {
		struct udphdr *uh = skb_push(skb, sizeof(*uh));

		uh->source = sa->encap_lport;
		uh->dest = READ_ONCE(sa->encap_pport);
		uh->len = htons(skb->len);
		uh->check = 0;
		skb_reset_transport_header(skb);
	}
	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = INET_ECN_encapsulate(tos, tos);	/* DSCP copied, ECN per RFC 6040 */
	iph->frag_off = df ? htons(IP_DF) : 0;
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = sa->encap ? IPPROTO_UDP : IPPROTO_ESP;
	iph->saddr = sa->src;
	iph->daddr = READ_ONCE(sa->key.dst);
	iph->tot_len = htons(skb->len);
	ip_select_ident(net, skb, NULL);

	/* The outer packet passes POST_ROUTING again; the hook lets it be. */
	__this_cpu_write(espgw_xmit_recursion, true);
	err = ip_local_out(net, skb->sk, skb);
	__this_cpu_write(espgw_xmit_recursion, false);
	if (unlikely(net_xmit_eval(err)))
		espgw_stats_drop(sa->stats, ESPGW_DROP_ERROR);
	espgw_sa_put(sa);
}

static ESPGW_CRYPTO_DONE(esp_output_done, data)
{
	struct sk_buff *skb = espgw_crypto_done_data(data);

	local_bh_disable();
	esp_output_finish(skb, err);
	local_bh_enable();
}

void espgw_esp_output(struct espgw_sa *sa, struct sk_buff *skb)
{
	struct espgw_skb_cb *cb = ESPGW_CB(skb);
	unsigned int clen, padlen, hdrlen, tailen, i;
	struct aead_request *req;
	struct ip_esp_hdr *esph;
	struct sk_buff *trailer;
	struct iphdr *iph;
	int nfrags, err;
	u8 *tail, *iv;
	__be64 seq64;
	u64 seq;

	iph = ip_hdr(skb);
	cb->sa = sa;
	cb->inner_len = skb->len;
	cb->tos = iph->tos;
	cb->df = !!(iph->frag_off & htons(IP_DF));

	seq = atomic64_inc_return(&sa->seq);
	if (unlikely(seq > U32_MAX)) {
		espgw_sa_seq_exhausted(sa);
		return esp_drop(sa, skb, ESPGW_DROP_ERROR);
	}
	if (unlikely(!espgw_sa_account(sa, skb->len)))
		return esp_drop(sa, skb, ESPGW_DROP_ERROR);

	clen = ALIGN(skb->len + 2, sa->blksize);
	padlen = clen - skb->len - 2;
	tailen = padlen + 2 + sa->icvlen;
	hdrlen = sizeof(*esph) + sa->ivlen;

	if (skb_cow_head(skb, hdrlen + espgw_sa_encap_len(sa) + sizeof(struct iphdr) +
			 LL_MAX_HEADER))
		return esp_drop(sa, skb, ESPGW_DROP_ERROR);
	nfrags = skb_cow_data(skb, tailen, &trailer);
	if (nfrags < 0)
		return esp_drop(sa, skb, ESPGW_DROP_ERROR);

	/* RFC 4303 2.4: monotonic padding 1, 2, 3, ...; then pad length and next header */
	tail = skb_tail_pointer(trailer);
	for (i = 0; i < padlen; i++)
		tail[i] = i + 1;
	tail[padlen] = padlen;
	tail[padlen + 1] = IPPROTO_IPIP;
	pskb_put(skb, trailer, tailen);

	esph = skb_push(skb, hdrlen);
	esph->spi = sa->key.spi;
	esph->seq_no = htonl((u32)seq);

	req = esp_prepare(sa, skb, nfrags, &iv);
	if (!req)
		return esp_drop(sa, skb, ESPGW_DROP_ERROR);

	/* The geniv template turns the sequence number into the IV. */
	seq64 = cpu_to_be64(seq);
	memset(iv, 0, sa->ivlen);
	memcpy(iv + sa->ivlen - min_t(unsigned int, sa->ivlen, 8),
	       (u8 *)&seq64 + 8 - min_t(unsigned int, sa->ivlen, 8),
	       min_t(unsigned int, sa->ivlen, 8));
	aead_request_set_callback(req, 0, esp_output_done, skb);
	aead_request_set_crypt(req, req->src, req->dst, sa->ivlen + clen, iv);
	aead_request_set_ad(req, sizeof(*esph));

	err = crypto_aead_encrypt(req);
	if (err == -EINPROGRESS)
		return;
	esp_output_finish(skb, err);
}

/* Decrypted (or not): check everything, strip ESP, hand the inner packet on. */
static void esp_input_finish(struct sk_buff *skb, int err)
{
	struct espgw_skb_cb *cb = ESPGW_CB(skb);
	struct espgw_sa *sa = cb->sa;
	unsigned int hdrlen = sizeof(struct ip_esp_hdr) + sa->ivlen;
	u8 pad[256], nh[2], padlen, outer_tos = cb->tos;
	const struct iphdr *iph;
	int end, i, len;
	const u8 *p;

	kfree(cb->tmp);
	if (unlikely(err))
		return esp_drop(sa, skb, err == -EBADMSG ? ESPGW_DROP_AUTH : ESPGW_DROP_ERROR);
	/* Only now, authenticated, may the packet move the window (RFC 4303 3.4.3). */
	if (!espgw_replay_advance(sa, cb->seq))
		return esp_drop(sa, skb, ESPGW_DROP_REPLAY_LATE);
	/* Authentic and fresh: if it comes from elsewhere, the peer's NAT moved. */
	if (sa->encap && (cb->saddr != READ_ONCE(sa->src) ||
			  cb->sport != READ_ONCE(sa->encap_pport)))
		espgw_sa_new_mapping(sa, cb->saddr, cb->sport);

	if (skb_copy_bits(skb, skb->len - sa->icvlen - 2, nh, 2))
		return esp_drop(sa, skb, ESPGW_DROP_TRAILER);
	padlen = nh[0];
	end = skb->len - sa->icvlen - 2 - padlen;
	if (end < (int)hdrlen)
		return esp_drop(sa, skb, ESPGW_DROP_TRAILER);
	/* The sender fills padding with 1, 2, 3, ... (RFC 4303 2.4); check it. */
	p = skb_header_pointer(skb, end, padlen, pad);
	for (i = 0; p && i < padlen; i++)
		if (p[i] != i + 1)
			p = NULL;
	if (!p)
		return esp_drop(sa, skb, ESPGW_DROP_TRAILER);
	if (nh[1] == IPPROTO_NONE) {	/* dummy packet (RFC 4303 2.6): drop silently */
		consume_skb(skb);
		espgw_sa_put(sa);
		return;
	}
	if (nh[1] != IPPROTO_IPIP || pskb_trim(skb, end))
		return esp_drop(sa, skb, ESPGW_DROP_TRAILER);

	skb_pull_rcsum(skb, hdrlen);
	skb_reset_network_header(skb);
	if (!pskb_may_pull(skb, sizeof(struct iphdr)))
		return esp_drop(sa, skb, ESPGW_DROP_TRAILER);
	iph = ip_hdr(skb);
	len = ntohs(iph->tot_len);
	if (iph->version != 4 || iph->ihl < 5 || !pskb_may_pull(skb, iph->ihl * 4) ||
	    len > skb->len || len < iph->ihl * 4)
		return esp_drop(sa, skb, ESPGW_DROP_TRAILER);
	if (pskb_trim(skb, len))		/* TFC padding */
		return esp_drop(sa, skb, ESPGW_DROP_TRAILER);
	iph = ip_hdr(skb);
	/* The selector describes traffic toward the peer: reverse it. */
	if (!espgw_sel_match(&sa->sel, iph->daddr, iph->saddr, iph->protocol))
		return esp_drop(sa, skb, ESPGW_DROP_SELECTOR);
	if (!espgw_sa_account(sa, len))
		return esp_drop(sa, skb, ESPGW_DROP_ERROR);

	/* RFC 6040 decapsulation */
	if (INET_ECN_is_ce(outer_tos)) {
		if (INET_ECN_is_not_ect(iph->tos))
			return esp_drop(sa, skb, ESPGW_DROP_TRAILER);
		IP_ECN_set_ce(ip_hdr(skb));
	}

	espgw_stats_add(sa->stats, len);
	espgw_stats_add(sa->en->stats, len);
	skb_scrub_packet(skb, false);
	skb->ip_summed = CHECKSUM_NONE;
	skb_reset_transport_header(skb);
	espgw_dev_rx(sa->en, skb, cb->gro);
	espgw_sa_put(sa);
}

static ESPGW_CRYPTO_DONE(esp_input_done, data)
{
	struct sk_buff *skb = espgw_crypto_done_data(data);

	local_bh_disable();
	esp_input_finish(skb, err);
	local_bh_enable();
}

void espgw_esp_input(struct espgw_sa *sa, struct sk_buff *skb)
{
	struct espgw_skb_cb *cb = ESPGW_CB(skb);
	int elen = skb->len - sizeof(struct ip_esp_hdr) - sa->ivlen - sa->icvlen;
	struct aead_request *req;
	struct sk_buff *trailer;
	int nfrags, err;
	u8 *iv;

	cb->sa = sa;
	cb->tos = ip_hdr(skb)->tos;
	cb->saddr = ip_hdr(skb)->saddr;
	/* read now: the device is not held across an asynchronous decryption */
	cb->gro = !netif_elide_gro(skb->dev);
	cb->sport = 0;
	if (sa->encap)
		cb->sport = espgw_esp_udp_hdr(skb)->source;
	if (elen <= 0 || elen % sa->blksize)
		return esp_drop(sa, skb, ESPGW_DROP_TRAILER);
	cb->seq = ntohl(ip_esp_hdr(skb)->seq_no);
	if (!espgw_replay_check(sa, cb->seq))
		return esp_drop(sa, skb, ESPGW_DROP_REPLAY);

	/*
	 * Decrypt in place when the data is ours alone: not cloned (a tap, a
	 * second reader), no frag list, no page shared with another skb (splice,
	 * sendfile). Only otherwise copy it (skb_cow_data()).
	 */
	if (!skb_cloned(skb) && !skb_has_frag_list(skb) && !skb_has_shared_frag(skb)) {
		nfrags = skb_shinfo(skb)->nr_frags + 1;
	} else {
		nfrags = skb_cow_data(skb, 0, &trailer);
		if (nfrags < 0)
			return esp_drop(sa, skb, ESPGW_DROP_ERROR);
	}
	skb->ip_summed = CHECKSUM_NONE;

	req = esp_prepare(sa, skb, nfrags, &iv);
	if (!req)
		return esp_drop(sa, skb, ESPGW_DROP_ERROR);
	aead_request_set_callback(req, 0, esp_input_done, skb);
	aead_request_set_crypt(req, req->src, req->dst, skb->len - sizeof(struct ip_esp_hdr), iv);
	aead_request_set_ad(req, sizeof(struct ip_esp_hdr));

	err = crypto_aead_decrypt(req);
	if (err == -EINPROGRESS)
		return;
	esp_input_finish(skb, err);
}
