// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/espgw.h>

#include "names-gen.h"
#include "parse.h"
#include "policy.h"
#include "util.h"

static struct nla_policy policy_policy[ESPGW_A_POLICY_MAX + 1] = {
	[ESPGW_A_POLICY_ID] = { .type = NLA_U32 },
	[ESPGW_A_POLICY_PRIORITY] = { .type = NLA_U32 },
	[ESPGW_A_POLICY_SELECTOR] = { .type = NLA_NESTED },
	[ESPGW_A_POLICY_ACTION] = { .type = NLA_U32 },
	[ESPGW_A_POLICY_SA_DST] = { .type = NLA_U32 },
	[ESPGW_A_POLICY_SA_SPI] = { .type = NLA_U32 },
	[ESPGW_A_POLICY_PACKETS] = { .type = NLA_U64 },
};

static bool has(const struct espgw_policy *p, int attr)
{
	return p->have & BIT(attr);
}

static int put_u32(struct nl_msg *msg, const struct espgw_policy *p, int attr, uint32_t v)
{
	return has(p, attr) ? nla_put_u32(msg, attr, v) : 0;
}

int espgw_policy_put(struct nl_msg *msg, const struct espgw_policy *p)
{
	int ret;

	ret = put_u32(msg, p, ESPGW_A_POLICY_ID, p->id) ?:
	      put_u32(msg, p, ESPGW_A_POLICY_PRIORITY, p->priority) ?:
	      put_u32(msg, p, ESPGW_A_POLICY_ACTION, p->action) ?:
	      put_u32(msg, p, ESPGW_A_POLICY_SA_DST, p->sa_dst) ?:
	      put_u32(msg, p, ESPGW_A_POLICY_SA_SPI, htonl(p->sa_spi));
	if (ret || !has(p, ESPGW_A_POLICY_SELECTOR))
		return ret;
	return espgw_selector_put(msg, ESPGW_A_POLICY_SELECTOR, &p->sel);
}

int espgw_policy_parse(struct nl_msg *msg, struct espgw_policy *p)
{
	struct nlattr *tb[ESPGW_A_POLICY_MAX + 1];
	int i;

	memset(p, 0, sizeof(*p));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, ESPGW_A_POLICY_MAX, policy_policy) < 0)
		return -EINVAL;
	if (!tb[ESPGW_A_POLICY_ID])
		return -EINVAL;
	for (i = ESPGW_A_POLICY_ID; i <= ESPGW_A_POLICY_MAX; i++)
		if (tb[i])
			p->have |= BIT(i);
	p->id = nla_get_u32(tb[ESPGW_A_POLICY_ID]);
	if (tb[ESPGW_A_POLICY_PRIORITY])
		p->priority = nla_get_u32(tb[ESPGW_A_POLICY_PRIORITY]);
	if (tb[ESPGW_A_POLICY_ACTION])
		p->action = nla_get_u32(tb[ESPGW_A_POLICY_ACTION]);
	if (tb[ESPGW_A_POLICY_SA_DST])
		p->sa_dst = nla_get_u32(tb[ESPGW_A_POLICY_SA_DST]);
	if (tb[ESPGW_A_POLICY_SA_SPI])
		p->sa_spi = ntohl(nla_get_u32(tb[ESPGW_A_POLICY_SA_SPI]));
	if (tb[ESPGW_A_POLICY_PACKETS])
		p->packets = nla_get_u64(tb[ESPGW_A_POLICY_PACKETS]);
	if (tb[ESPGW_A_POLICY_SELECTOR] &&
	    espgw_selector_parse(tb[ESPGW_A_POLICY_SELECTOR], &p->sel))
		return -EINVAL;
	return 0;
}

#define ACTION(v) enum_name(espgw_action_names, ARRAY_SIZE(espgw_action_names), v)

static void policy_json(const struct espgw_policy *p, const char *key, struct out *o)
{
	char a[INET_ADDRSTRLEN];
	struct jw *w = o->jw;

	jw_obj_open(w, key);
	jw_uint(w, "id", p->id);
	if (has(p, ESPGW_A_POLICY_PRIORITY))
		jw_uint(w, "priority", p->priority);
	if (has(p, ESPGW_A_POLICY_SELECTOR))
		espgw_selector_print(&p->sel, "selector", o);
	if (has(p, ESPGW_A_POLICY_ACTION))
		jw_str(w, "action", ACTION(p->action));
	if (has(p, ESPGW_A_POLICY_SA_DST))
		jw_str(w, "sa_dst", addr_str(p->sa_dst, a));
	if (has(p, ESPGW_A_POLICY_SA_SPI))
		jw_uint(w, "sa_spi", p->sa_spi);
	if (o->stats && has(p, ESPGW_A_POLICY_PACKETS))
		jw_uint(w, "packets", p->packets);
	jw_obj_close(w);
}

static void policy_text(const struct espgw_policy *p, struct out *o)
{
	char a[INET_ADDRSTRLEN];

	fprintf(o->f, "policy id %u", p->id);
	if (has(p, ESPGW_A_POLICY_PRIORITY))
		fprintf(o->f, " priority %u", p->priority);
	if (has(p, ESPGW_A_POLICY_SELECTOR)) {
		fputc(' ', o->f);
		espgw_selector_print(&p->sel, NULL, o);
	}
	if (has(p, ESPGW_A_POLICY_ACTION))
		fprintf(o->f, " action %s", ACTION(p->action));
	if (has(p, ESPGW_A_POLICY_SA_DST) || has(p, ESPGW_A_POLICY_SA_SPI))
		fprintf(o->f, " sa dst %s spi 0x%08x", addr_str(p->sa_dst, a), p->sa_spi);
	if (o->stats && has(p, ESPGW_A_POLICY_PACKETS))
		fprintf(o->f, " packets %" PRIu64, p->packets);
	fputc('\n', o->f);
}

void espgw_policy_print(const struct espgw_policy *p, const char *key, struct out *o)
{
	if (o->jw)
		policy_json(p, key, o);
	else
		policy_text(p, o);
}
