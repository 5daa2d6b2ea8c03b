/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_ESP_H_
#define _ESPGW_ESP_H_

struct espgw_sa;
struct sk_buff;

/* Both consume the skb and one reference on the SA. BH disabled. */
void espgw_esp_output(struct espgw_sa *sa, struct sk_buff *skb);
void espgw_esp_input(struct espgw_sa *sa, struct sk_buff *skb);
/* Largest inner packet the SA carries without outer fragmentation on a path of pmtu. */
unsigned int espgw_esp_inner_mtu(const struct espgw_sa *sa, unsigned int pmtu);
struct rtable *espgw_esp_route(struct espgw_sa *sa);

DECLARE_PER_CPU(bool, espgw_xmit_recursion);

#endif /* _ESPGW_ESP_H_ */
