/* SPDX-License-Identifier: GPL-2.0 */
/* One policy: policy-new/del/get requests, replies and acquire notifications. */
#ifndef _ESPGW_POLICY_H_
#define _ESPGW_POLICY_H_

#include <stdint.h>

#include <netlink/msg.h>

#include "out.h"
#include "selector.h"

struct espgw_policy {
	uint32_t have;		/* BIT(ESPGW_A_POLICY_*) of the attributes set below */
	uint32_t id;
	uint32_t priority;
	uint32_t action;
	uint32_t sa_dst;	/* network byte order */
	uint32_t sa_spi;	/* host byte order */
	struct espgw_selector sel;
	uint64_t packets;
};

/* Put the request attributes p->have names (never packets). Return: 0 or a libnl error. */
int espgw_policy_put(struct nl_msg *msg, const struct espgw_policy *p);
/* Parse a policy-get reply or an acquire-ntf. Return: 0, or -EINVAL (malformed, no id). */
int espgw_policy_parse(struct nl_msg *msg, struct espgw_policy *p);
/* One line; the packet counter with o->stats. */
void espgw_policy_print(const struct espgw_policy *p, const char *key, struct out *o);

#endif /* _ESPGW_POLICY_H_ */
