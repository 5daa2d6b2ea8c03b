/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_TOOL_H_
#define _ESPGW_TOOL_H_

#include <stdbool.h>

#include "nl.h"

/* exit codes */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* the operation failed */
#define EXIT_USAGE	2	/* the command line is wrong */

struct tool {
	bool json;
};

extern struct tool tool;

/* Open the family; on failure print why (module missing, ...) and return -1. */
int tool_nl_open(struct espgw_nl *nl);
/* Print a failed request: "espgw: <what>: <reason>[: <kernel's message>]". */
void tool_nl_error(const struct espgw_nl *nl, const char *what, int err);
void tool_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int do_info(int argc, char **argv);

#endif /* _ESPGW_TOOL_H_ */
