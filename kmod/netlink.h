/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_NETLINK_H_
#define _ESPGW_NETLINK_H_

int espgw_nl_init(void);
void espgw_nl_uninit(void);

#endif /* _ESPGW_NETLINK_H_ */
