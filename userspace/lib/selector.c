// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>

#include <netlink/attr.h>

#include <linux/espgw.h>

#include "parse.h"
#include "selector.h"

static struct nla_policy selector_policy[ESPGW_A_SELECTOR_MAX + 1] = {
	[ESPGW_A_SELECTOR_SRC] = { .type = NLA_U32 },
	[ESPGW_A_SELECTOR_SRC_PREFIX_LEN] = { .type = NLA_U8 },
	[ESPGW_A_SELECTOR_DST] = { .type = NLA_U32 },
	[ESPGW_A_SELECTOR_DST_PREFIX_LEN] = { .type = NLA_U8 },
	[ESPGW_A_SELECTOR_PROTO] = { .type = NLA_U8 },
};

int espgw_selector_put(struct nl_msg *msg, int attr, const struct espgw_selector *sel)
{
	struct nlattr *nest = nla_nest_start(msg, attr);

	if (!nest)
		return -NLE_NOMEM;
	if (nla_put_u32(msg, ESPGW_A_SELECTOR_SRC, sel->src) ||
	    nla_put_u8(msg, ESPGW_A_SELECTOR_SRC_PREFIX_LEN, sel->src_len) ||
	    nla_put_u32(msg, ESPGW_A_SELECTOR_DST, sel->dst) ||
	    nla_put_u8(msg, ESPGW_A_SELECTOR_DST_PREFIX_LEN, sel->dst_len) ||
	    nla_put_u8(msg, ESPGW_A_SELECTOR_PROTO, sel->proto))
		return -NLE_NOMEM;
	return nla_nest_end(msg, nest);
}

int espgw_selector_parse(struct nlattr *nest, struct espgw_selector *sel)
{
	struct nlattr *tb[ESPGW_A_SELECTOR_MAX + 1];

	memset(sel, 0, sizeof(*sel));
	if (nla_parse_nested(tb, ESPGW_A_SELECTOR_MAX, nest, selector_policy) < 0)
		return -EINVAL;
	if (tb[ESPGW_A_SELECTOR_SRC])
		sel->src = nla_get_u32(tb[ESPGW_A_SELECTOR_SRC]);
	if (tb[ESPGW_A_SELECTOR_SRC_PREFIX_LEN])
		sel->src_len = nla_get_u8(tb[ESPGW_A_SELECTOR_SRC_PREFIX_LEN]);
	if (tb[ESPGW_A_SELECTOR_DST])
		sel->dst = nla_get_u32(tb[ESPGW_A_SELECTOR_DST]);
	if (tb[ESPGW_A_SELECTOR_DST_PREFIX_LEN])
		sel->dst_len = nla_get_u8(tb[ESPGW_A_SELECTOR_DST_PREFIX_LEN]);
	if (tb[ESPGW_A_SELECTOR_PROTO])
		sel->proto = nla_get_u8(tb[ESPGW_A_SELECTOR_PROTO]);
	if (sel->src_len > 32 || sel->dst_len > 32)
		return -EINVAL;
	return 0;
}

static void print_proto(uint8_t proto, FILE *f)
{
	const char *name = proto_name(proto);

	if (name)
		fprintf(f, "proto %s", name);
	else
		fprintf(f, "proto %u", proto);
}

void espgw_selector_print(const struct espgw_selector *sel, const char *key, struct out *o)
{
	char a[INET_ADDRSTRLEN];

	if (o->jw) {
		jw_obj_open(o->jw, key);
		jw_str(o->jw, "src", addr_str(sel->src, a));
		jw_uint(o->jw, "src_prefix_len", sel->src_len);
		jw_str(o->jw, "dst", addr_str(sel->dst, a));
		jw_uint(o->jw, "dst_prefix_len", sel->dst_len);
		jw_uint(o->jw, "proto", sel->proto);
		jw_obj_close(o->jw);
		return;
	}
	fprintf(o->f, "src %s/%u ", addr_str(sel->src, a), sel->src_len);
	fprintf(o->f, "dst %s/%u ", addr_str(sel->dst, a), sel->dst_len);
	print_proto(sel->proto, o->f);
}
