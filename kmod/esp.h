/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_ESP_H_
#define _ESPGW_ESP_H_

#include <linux/ip.h>
#include <linux/skbuff.h>
#include <linux/udp.h>

struct espgw_sa;

/*
 * ESP in UDP as xfrm4_udp_encap_rcv() passes it on: the UDP header is pulled
 * but still in the head, between the IP header and the ESP header.
 */
static inline const struct udphdr *espgw_esp_udp_hdr(const struct sk_buff *skb)
{
	return (const struct udphdr *)(skb_network_header(skb) + ip_hdrlen(skb));
}

/* Both consume the skb and one reference on the SA. BH disabled. */
void espgw_esp_output(struct espgw_sa *sa, struct sk_buff *skb);
void espgw_esp_input(struct espgw_sa *sa, struct sk_buff *skb);
/* Largest inner packet the SA carries without outer fragmentation on a path of pmtu. */
unsigned int espgw_esp_inner_mtu(const struct espgw_sa *sa, unsigned int pmtu);
struct rtable *espgw_esp_route(struct espgw_sa *sa);

DECLARE_PER_CPU(bool, espgw_xmit_recursion);

#endif /* _ESPGW_ESP_H_ */
