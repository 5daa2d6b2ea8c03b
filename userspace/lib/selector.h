/* SPDX-License-Identifier: GPL-2.0 */
/* The selector nest shared by SAs and policies. */
#ifndef _ESPGW_SELECTOR_H_
#define _ESPGW_SELECTOR_H_

#include <stdint.h>

#include <netlink/msg.h>

#include "out.h"

struct espgw_selector {
	uint32_t src;		/* network byte order */
	uint32_t dst;		/* network byte order */
	uint8_t src_len;
	uint8_t dst_len;
	uint8_t proto;		/* 0: any */
};

/* Put sel as the nest attr. Return: 0 or a libnl error. */
int espgw_selector_put(struct nl_msg *msg, int attr, const struct espgw_selector *sel);
/* Parse a selector nest. Return: 0 or -EINVAL. */
int espgw_selector_parse(struct nlattr *nest, struct espgw_selector *sel);
/* text "src A/L dst B/L proto P", or a JSON object named key */
void espgw_selector_print(const struct espgw_selector *sel, const char *key, struct out *o);

#endif /* _ESPGW_SELECTOR_H_ */
