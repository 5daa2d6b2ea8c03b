/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_HOOKS_H_
#define _ESPGW_HOOKS_H_

struct net;

int espgw_hooks_init(void);
void espgw_hooks_uninit(void);
int espgw_hooks_register(struct net *net);
void espgw_hooks_unregister(struct net *net);

#endif /* _ESPGW_HOOKS_H_ */
