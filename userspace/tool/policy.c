// SPDX-License-Identifier: GPL-2.0
/* espgw policy add|replace|delete|show|flush|help */

#include <errno.h>
#include <stdio.h>

#include <linux/espgw.h>

#include "args.h"
#include "espgw.h"
#include "policy.h"
#include "request.h"
#include "util.h"

static int policy_add(int argc, char **argv)
{
	struct nl_msg *msg;
	struct argerr e;
	int ret = espgw_req_policy_add(false, argc, argv, &msg, &e);

	return tool_send("policy add", ret, msg, &e);
}

static int policy_replace(int argc, char **argv)
{
	struct nl_msg *msg;
	struct argerr e;
	int ret = espgw_req_policy_add(true, argc, argv, &msg, &e);

	return tool_send("policy replace", ret, msg, &e);
}

static int policy_delete(int argc, char **argv)
{
	struct nl_msg *msg;
	struct argerr e;
	int ret = espgw_req_policy_delete(argc, argv, &msg, &e);

	return tool_send("policy delete", ret, msg, &e);
}

static int policy_flush(int argc, char **argv)
{
	struct nl_msg *msg;
	struct argerr e;
	int ret = espgw_req_flush("policy flush", ESPGW_FLUSH_WHAT_POLICY, argc, argv, &msg, &e);

	return tool_send("policy flush", ret, msg, &e);
}

static int show_reply(struct nl_msg *msg, void *arg)
{
	struct espgw_policy p;

	if (espgw_policy_parse(msg, &p))
		return -EBADMSG;
	espgw_policy_print(&p, NULL, arg);
	return 0;
}

/* policy-get for one policy (id given), a dump otherwise */
static struct nl_msg *show_request(const struct espgw_policy *p)
{
	struct nl_msg *msg;

	if (!(p->have & BIT(ESPGW_A_POLICY_ID)))
		return espgw_req(ESPGW_CMD_POLICY_GET, NLM_F_DUMP);
	msg = espgw_req(ESPGW_CMD_POLICY_GET, 0);
	if (msg && espgw_policy_put(msg, p)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int policy_show(int argc, char **argv)
{
	struct espgw_policy p;
	struct argerr e;
	struct out out;
	struct jw jw;
	int ret;

	if (espgw_args_policy_id("policy show", argc, argv, false, &p, &e))
		return tool_arg_error(&e);
	tool_out_begin(&out, &jw, true);
	ret = tool_request("policy show", show_request(&p), show_reply, &out);
	tool_out_end(&out, true);
	return ret;
}

static int policy_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Usage: espgw policy { add | replace } id ID [ priority PRIO ]\n"
	       "                    src PREFIX dst PREFIX [ proto PROTO ]\n"
	       "                    action { protect | bypass | discard } [ sa dst ADDR spi SPI ]\n"
	       "       espgw policy delete id ID\n"
	       "       espgw [ -s ] policy show [ id ID ]\n"
	       "       espgw policy flush\n"
	       "ID := 1 or more    PRIO := lower is tried first (default 1000)\n"
	       "PREFIX := a.b.c.d[/len]    PROTO := any | icmp | tcp | udp | NUMBER\n"
	       "src is the inside side, dst the remote side, as traffic leaves toward the peer;\n"
	       "protect names the outbound SA. replace swaps the policy with the same id.\n");
	return EXIT_OK;
}

static const struct verb policy_verbs[] = {
	{ "show", policy_show },
	{ "add", policy_add },
	{ "replace", policy_replace },
	{ "delete", policy_delete },
	{ "flush", policy_flush },
	{ "list", policy_show },
	{ "help", policy_help },
};

int do_policy(int argc, char **argv)
{
	return tool_verb("policy", policy_verbs, ARRAY_SIZE(policy_verbs), argc, argv);
}
