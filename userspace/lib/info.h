/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_INFO_H_
#define _ESPGW_INFO_H_

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <netlink/msg.h>

struct espgw_info {
	char version[64];
	uint32_t features;
	uint32_t enc_algs;
	uint32_t auth_algs;
	uint32_t replay_window_max;
	uint32_t ifindex;	/* espgw0; 0 until the first SA creates it */
};

/* Parse an info-get reply. Return: 0, or -EINVAL when it is malformed. */
int espgw_info_parse(struct nl_msg *msg, struct espgw_info *out);
/* espgw_info_parse as a reply callback of espgw_nl_call (arg: struct espgw_info *) */
int espgw_info_reply(struct nl_msg *msg, void *arg);
void espgw_info_print(const struct espgw_info *info, FILE *f, bool json);

#endif /* _ESPGW_INFO_H_ */
