// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "stats.h"
#include "util.h"

struct stat_desc {
	int attr;
	const char *text;	/* text label */
	const char *key;	/* JSON key */
	bool drop;		/* a drop reason */
};

static const struct stat_desc descs[] = {
	{ ESPGW_A_STATS_SA_COUNT, "sa count", "sa_count", false },
	{ ESPGW_A_STATS_POLICY_COUNT, "policy count", "policy_count", false },
	{ ESPGW_A_STATS_OUT_PACKETS, "out packets", "out_packets", false },
	{ ESPGW_A_STATS_IN_PACKETS, "in packets", "in_packets", false },
	{ ESPGW_A_STATS_MAPPING, "new mappings", "mapping", false },
	{ ESPGW_A_STATS_NO_SA, "no-sa", "no_sa", true },
	{ ESPGW_A_STATS_NO_SA_OUT, "no-sa-out", "no_sa_out", true },
	{ ESPGW_A_STATS_PLAINTEXT, "plaintext", "plaintext", true },
	{ ESPGW_A_STATS_DISCARD, "discard", "discard", true },
	{ ESPGW_A_STATS_AUTH_FAIL, "auth-fail", "auth_fail", true },
	{ ESPGW_A_STATS_REPLAY, "replay", "replay", true },
	{ ESPGW_A_STATS_REPLAY_LATE, "replay-late", "replay_late", true },
	{ ESPGW_A_STATS_SELECTOR, "selector", "selector", true },
	{ ESPGW_A_STATS_TRAILER, "trailer", "trailer", true },
	{ ESPGW_A_STATS_MTU, "mtu", "mtu", true },
	{ ESPGW_A_STATS_ENCAP, "encap", "encap", true },
	{ ESPGW_A_STATS_ERRORS, "errors", "errors", true },
};

static bool is_u32(int attr)
{
	return attr == ESPGW_A_STATS_SA_COUNT || attr == ESPGW_A_STATS_POLICY_COUNT;
}

int espgw_stats_parse(struct nl_msg *msg, struct espgw_stats *st)
{
	struct nlattr *tb[ESPGW_A_STATS_MAX + 1];
	int i;

	memset(st, 0, sizeof(*st));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, ESPGW_A_STATS_MAX, NULL) < 0)
		return -EINVAL;
	for (i = ESPGW_A_STATS_OUT_PACKETS; i <= ESPGW_A_STATS_MAX; i++) {
		if (!tb[i])
			continue;
		if (is_u32(i)) {
			if (nla_len(tb[i]) != sizeof(uint32_t))
				return -EINVAL;
			st->v[i] = nla_get_u32(tb[i]);
		} else {
			if (nla_len(tb[i]) != sizeof(uint64_t))
				return -EINVAL;
			st->v[i] = nla_get_u64(tb[i]);
		}
	}
	return 0;
}

void espgw_stats_print(const struct espgw_stats *st, struct out *o)
{
	bool drops = false;
	size_t i;

	if (o->jw)
		jw_obj_open(o->jw, NULL);
	for (i = 0; i < ARRAY_SIZE(descs); i++) {
		uint64_t v = st->v[descs[i].attr];

		if (o->jw) {
			jw_uint(o->jw, descs[i].key, v);
			continue;
		}
		if (descs[i].drop && !drops) {
			fputs("drops:\n", o->f);
			drops = true;
		}
		fprintf(o->f, "%s%s: %" PRIu64 "\n", descs[i].drop ? "  " : "", descs[i].text, v);
	}
	if (o->jw) {
		jw_obj_close(o->jw);
		jw_end(o->jw);
	}
}
