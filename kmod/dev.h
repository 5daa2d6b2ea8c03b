/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_DEV_H_
#define _ESPGW_DEV_H_

struct espgw_net;
struct sk_buff;

int espgw_dev_ensure(struct espgw_net *en);
void espgw_dev_destroy(struct espgw_net *en);
void espgw_dev_rx(struct espgw_net *en, struct sk_buff *skb, bool gro);

#endif /* _ESPGW_DEV_H_ */
