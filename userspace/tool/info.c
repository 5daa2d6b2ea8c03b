// SPDX-License-Identifier: GPL-2.0
/* espgw info [show] */

#include <errno.h>
#include <stdio.h>

#include <linux/espgw.h>

#include "espgw.h"
#include "info.h"
#include "util.h"

int do_info(int argc, char **argv)
{
	struct espgw_info info;
	struct espgw_nl nl;
	struct nl_msg *msg;
	int ret;

	if (argc > 0 && !matches(argv[0], "show")) {
		tool_usage_error("info: unknown verb '%s'", argv[0]);
		return EXIT_USAGE;
	}
	if (argc > 1) {
		tool_usage_error("info show: unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	if (tool_nl_open(&nl))
		return EXIT_FAIL;
	msg = espgw_nl_msg(&nl, ESPGW_CMD_INFO_GET, 0);
	if (!msg) {
		espgw_nl_close(&nl);
		return EXIT_FAIL;
	}
	info.version[0] = '\0';
	ret = espgw_nl_call(&nl, msg, espgw_info_reply, &info);
	if (!ret && !info.version[0])
		ret = -EBADMSG;
	if (ret) {
		tool_nl_error(&nl, "info", ret);
		espgw_nl_close(&nl);
		return EXIT_FAIL;
	}
	espgw_nl_close(&nl);
	espgw_info_print(&info, stdout, tool.json);
	return EXIT_OK;
}
