// SPDX-License-Identifier: GPL-2.0
/*
 * Text: "expire soft sa src A dst B spi 0x... dir out seq N #pkts ...",
 *       "acquire policy id N src P dst P proto any",
 *       "new-mapping sa src A dst B spi 0x... dir in encap udp A:P local-port P from C:Q".
 * JSON: {"event":"expire","sa":{...}}, {"event":"acquire","policy":{...}},
 *       {"event":"new-mapping","sa":{...,"mapping_addr":"C","mapping_port":Q}}.
 */
#include <errno.h>

#include <netlink/genl/genl.h>

#include <linux/espgw.h>

#include "event.h"
#include "names-gen.h"
#include "parse.h"
#include "policy.h"
#include "sa.h"
#include "util.h"

static void begin(struct out *o, const char *event)
{
	if (o->jw) {
		jw_obj_open(o->jw, NULL);
		jw_str(o->jw, "event", event);
	} else {
		fprintf(o->f, "%s ", event);
	}
}

static void end(struct out *o)
{
	if (o->jw) {
		jw_obj_close(o->jw);
		jw_end(o->jw);
	}
	fflush(o->f);
}

static int print_expire(struct nl_msg *msg, struct out *o)
{
	struct espgw_sa sa;

	if (espgw_sa_parse(msg, &sa))
		return -EINVAL;
	begin(o, "expire");
	if (!o->jw)
		fprintf(o->f, "%s ", enum_name(espgw_expire_kind_names,
					       ARRAY_SIZE(espgw_expire_kind_names), sa.expire_kind));
	espgw_sa_print(&sa, "sa", o);
	end(o);
	return 1;
}

static int print_mapping(struct nl_msg *msg, struct out *o)
{
	struct espgw_sa sa;

	if (espgw_sa_parse(msg, &sa) || !(sa.have & BIT(ESPGW_A_SA_MAPPING_ADDR)))
		return -EINVAL;
	begin(o, "new-mapping");
	espgw_sa_print(&sa, "sa", o);
	end(o);
	return 1;
}

static int print_acquire(struct nl_msg *msg, struct out *o)
{
	struct espgw_policy p;

	if (espgw_policy_parse(msg, &p))
		return -EINVAL;
	begin(o, "acquire");
	espgw_policy_print(&p, "policy", o);
	end(o);
	return 1;
}

int espgw_event_print(struct nl_msg *msg, FILE *f, bool json)
{
	struct out o = { .f = f, .stats = true, .oneline = true };
	struct jw jw;

	if (json) {
		jw_init(&jw, f);
		o.jw = &jw;
	}
	switch (genlmsg_hdr(nlmsg_hdr(msg))->cmd) {
	case ESPGW_CMD_SA_EXPIRE_NTF:
		return print_expire(msg, &o);
	case ESPGW_CMD_ACQUIRE_NTF:
		return print_acquire(msg, &o);
	case ESPGW_CMD_NEW_MAPPING_NTF:
		return print_mapping(msg, &o);
	default:
		return 0;
	}
}
