// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <net/if.h>

#include <netlink/genl/genl.h>

#include <linux/espgw.h>

#include "info.h"
#include "json.h"
#include "names-gen.h"
#include "util.h"

static struct nla_policy info_policy[ESPGW_A_INFO_MAX + 1] = {
	[ESPGW_A_INFO_VERSION] = { .type = NLA_STRING },
	[ESPGW_A_INFO_FEATURES] = { .type = NLA_U32 },
	[ESPGW_A_INFO_ENC_ALGS] = { .type = NLA_U32 },
	[ESPGW_A_INFO_AUTH_ALGS] = { .type = NLA_U32 },
	[ESPGW_A_INFO_REPLAY_WINDOW_MAX] = { .type = NLA_U32 },
	[ESPGW_A_INFO_IFINDEX] = { .type = NLA_U32 },
};

int espgw_info_parse(struct nl_msg *msg, struct espgw_info *out)
{
	struct nlattr *tb[ESPGW_A_INFO_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, ESPGW_A_INFO_MAX, info_policy) < 0)
		return -EINVAL;
	if (!tb[ESPGW_A_INFO_VERSION])
		return -EINVAL;
	nla_strlcpy(out->version, tb[ESPGW_A_INFO_VERSION], sizeof(out->version));
	if (tb[ESPGW_A_INFO_FEATURES])
		out->features = nla_get_u32(tb[ESPGW_A_INFO_FEATURES]);
	if (tb[ESPGW_A_INFO_ENC_ALGS])
		out->enc_algs = nla_get_u32(tb[ESPGW_A_INFO_ENC_ALGS]);
	if (tb[ESPGW_A_INFO_AUTH_ALGS])
		out->auth_algs = nla_get_u32(tb[ESPGW_A_INFO_AUTH_ALGS]);
	if (tb[ESPGW_A_INFO_REPLAY_WINDOW_MAX])
		out->replay_window_max = nla_get_u32(tb[ESPGW_A_INFO_REPLAY_WINDOW_MAX]);
	if (tb[ESPGW_A_INFO_IFINDEX])
		out->ifindex = nla_get_u32(tb[ESPGW_A_INFO_IFINDEX]);
	return 0;
}

int espgw_info_reply(struct nl_msg *msg, void *arg)
{
	return espgw_info_parse(msg, arg);
}

/* Names of the bits set in mask; index 0 is skipped when skip0 (enum "none"). */
static void print_mask(FILE *f, struct jw *w, const char *key, uint32_t mask,
		       const char *const *names, size_t n, bool skip0)
{
	bool any = false;
	size_t i;

	if (w)
		jw_arr_open(w, key);
	else
		fprintf(f, "%s:", key);
	for (i = skip0 ? 1 : 0; i < 32; i++) {
		char unknown[16];
		const char *name = i < n ? names[i] : NULL;

		if (!(mask & (1u << i)))
			continue;
		if (!name) {
			snprintf(unknown, sizeof(unknown), "bit%zu", i);
			name = unknown;
		}
		if (w)
			jw_str(w, NULL, name);
		else
			fprintf(f, " %s", name);
		any = true;
	}
	if (w)
		jw_arr_close(w);
	else
		fprintf(f, "%s\n", any ? "" : " none");
}

void espgw_info_print(const struct espgw_info *info, FILE *f, bool json)
{
	char dev[IF_NAMESIZE + 16];
	struct jw jw, *w = NULL;

	if (json) {
		w = &jw;
		jw_init(w, f);
		jw_obj_open(w, NULL);
		jw_str(w, "version", info->version);
		jw_uint(w, "replay_window_max", info->replay_window_max);
	} else {
		fprintf(f, "version: %s\n", info->version);
	}
	print_mask(f, w, "features", info->features, espgw_feature_names,
		   ARRAY_SIZE(espgw_feature_names), false);
	print_mask(f, w, "encryption", info->enc_algs, espgw_enc_alg_names,
		   ARRAY_SIZE(espgw_enc_alg_names), true);
	print_mask(f, w, "integrity", info->auth_algs, espgw_auth_alg_names,
		   ARRAY_SIZE(espgw_auth_alg_names), true);
	if (info->ifindex && !if_indextoname(info->ifindex, dev))
		snprintf(dev, sizeof(dev), "ifindex %u", info->ifindex);
	if (json) {
		if (info->ifindex) {
			jw_uint(w, "ifindex", info->ifindex);
			jw_str(w, "device", dev);
		}
		jw_obj_close(w);
		jw_end(w);
	} else {
		fprintf(f, "replay window max: %u\n", info->replay_window_max);
		if (info->ifindex)
			fprintf(f, "device: %s\n", dev);
	}
}
