// SPDX-License-Identifier: GPL-2.0
/* espgw stats [show], espgw flush */

#include <errno.h>

#include <linux/espgw.h>

#include "args.h"
#include "espgw.h"
#include "request.h"
#include "stats.h"
#include "util.h"

static int stats_reply(struct nl_msg *msg, void *arg)
{
	struct espgw_stats *st = arg;

	return espgw_stats_parse(msg, st) ? -EBADMSG : 0;
}

int do_stats(int argc, char **argv)
{
	struct espgw_stats st;
	struct argerr e;
	struct out out;
	struct jw jw;
	int ret;

	if (argc > 0 && matches(argv[0], "show")) {
		argc--;
		argv++;
	}
	if (espgw_args_none("stats", argc, argv, &e))
		return tool_arg_error(&e);
	ret = tool_request("stats", espgw_req(ESPGW_CMD_STATS_GET, 0), stats_reply, &st);
	if (ret)
		return ret;
	tool_out_begin(&out, &jw, false);
	espgw_stats_print(&st, &out);
	return EXIT_OK;
}

int do_flush(int argc, char **argv)
{
	struct nl_msg *msg;
	struct argerr e;
	int ret = espgw_req_flush("flush", ESPGW_FLUSH_WHAT_ALL, argc, argv, &msg, &e);

	return tool_send("flush", ret, msg, &e);
}
