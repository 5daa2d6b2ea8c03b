// SPDX-License-Identifier: GPL-2.0
/* espgw policy add|replace|delete|show|flush|help */

#include <errno.h>
#include <stdio.h>

#include <linux/espgw.h>

#include "args.h"
#include "espgw.h"
#include "policy.h"
#include "util.h"

static int put_policy(struct nl_msg *msg, const void *arg)
{
	return espgw_policy_put(msg, arg);
}

static int put_flush_policy(struct nl_msg *msg, const void *arg)
{
	(void)arg;
	return nla_put_u32(msg, ESPGW_A_FLUSH_WHAT, ESPGW_FLUSH_WHAT_POLICY);
}

static int policy_new(const char *what, int flags, int argc, char **argv)
{
	struct espgw_policy p;
	struct argerr e;

	if (espgw_args_policy_add(what, argc, argv, &p, &e))
		return tool_arg_error(&e);
	return tool_request(what, ESPGW_CMD_POLICY_NEW, flags, put_policy, &p, NULL, NULL);
}

static int policy_add(int argc, char **argv)
{
	return policy_new("policy add", NLM_F_CREATE | NLM_F_EXCL, argc, argv);
}

static int policy_replace(int argc, char **argv)
{
	return policy_new("policy replace", NLM_F_CREATE | NLM_F_REPLACE, argc, argv);
}

static int policy_delete(int argc, char **argv)
{
	struct espgw_policy p;
	struct argerr e;

	if (espgw_args_policy_id("policy delete", argc, argv, true, &p, &e))
		return tool_arg_error(&e);
	return tool_request("policy delete", ESPGW_CMD_POLICY_DEL, 0, put_policy, &p, NULL, NULL);
}

static int show_reply(struct nl_msg *msg, void *arg)
{
	struct espgw_policy p;

	if (espgw_policy_parse(msg, &p))
		return -EBADMSG;
	espgw_policy_print(&p, NULL, arg);
	return 0;
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
	if (p.have & BIT(ESPGW_A_POLICY_ID))
		ret = tool_request("policy show", ESPGW_CMD_POLICY_GET, 0, put_policy, &p,
				   show_reply, &out);
	else
		ret = tool_request("policy show", ESPGW_CMD_POLICY_GET, NLM_F_DUMP, NULL, NULL,
				   show_reply, &out);
	tool_out_end(&out, true);
	return ret;
}

static int policy_flush(int argc, char **argv)
{
	struct argerr e;

	if (espgw_args_none("policy flush", argc, argv, &e))
		return tool_arg_error(&e);
	return tool_request("policy flush", ESPGW_CMD_FLUSH, 0, put_flush_policy, NULL,
			    NULL, NULL);
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
