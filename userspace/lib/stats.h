/* SPDX-License-Identifier: GPL-2.0 */
/* stats-get: per-namespace totals and drop reasons. */
#ifndef _ESPGW_STATS_H_
#define _ESPGW_STATS_H_

#include <stdint.h>

#include <netlink/msg.h>

#include <linux/espgw.h>

#include "out.h"

struct espgw_stats {
	uint64_t v[ESPGW_A_STATS_MAX + 1];	/* by ESPGW_A_STATS_* */
};

/* Return: 0, or -EINVAL when malformed. */
int espgw_stats_parse(struct nl_msg *msg, struct espgw_stats *st);
void espgw_stats_print(const struct espgw_stats *st, struct out *o);

#endif /* _ESPGW_STATS_H_ */
