/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_TOOL_H_
#define _ESPGW_TOOL_H_

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "nl.h"
#include "out.h"
#include "parse.h"

/* exit codes */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* the operation failed */
#define EXIT_USAGE	2	/* the command line is wrong */

struct tool {
	bool json;		/* -j */
	bool stats;		/* -s */
	bool oneline;		/* -o */
};

extern struct tool tool;

/* Open the family; on failure print why (module missing, ...) and return -1. */
int tool_nl_open(struct espgw_nl *nl);
/* Print a failed request: "espgw: <what>: <reason>[: <kernel's message>]". */
void tool_nl_error(const struct espgw_nl *nl, const char *what, int err);
void tool_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a command-line error from the argument parsers; return EXIT_USAGE. */
int tool_arg_error(const struct argerr *e);

/*
 * Send msg (consumed; NULL is taken as out of memory): open the family, call cb
 * for each reply. Errors are printed as "espgw: <what>: ...".
 * Return: EXIT_OK or EXIT_FAIL.
 */
int tool_request(const char *what, struct nl_msg *msg, espgw_nl_reply_cb cb, void *cb_arg);
/* Send what a request builder (request.h) made of a command line; ret is its return. */
int tool_send(const char *what, int ret, struct nl_msg *msg, const struct argerr *e);

/* Output set up from the options; with -j, a JSON array around a list when list is set. */
void tool_out_begin(struct out *o, struct jw *jw, bool list);
void tool_out_end(struct out *o, bool list);

struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/* Run the verb argv[0] (abbreviations allowed; the first verb when there is none). */
int tool_verb(const char *object, const struct verb *verbs, size_t n, int argc, char **argv);

int do_info(int argc, char **argv);
int do_ike(int argc, char **argv);
int do_pool(int argc, char **argv);
int do_sa(int argc, char **argv);
int do_policy(int argc, char **argv);
int do_flush(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_monitor(int argc, char **argv);

#endif /* _ESPGW_TOOL_H_ */
