// SPDX-License-Identifier: GPL-2.0
/*
 * espgw: the control tool, in iproute2's grammar: espgw [OPTIONS] OBJECT [VERB [ARGS]].
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "espgw.h"
#include "util.h"

struct tool tool;

struct object {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *verbs;
	const char *help;
};

static int do_help(int argc, char **argv);
static int do_version(int argc, char **argv);

static const struct object objects[] = {
	{ "info",	do_info,	"[show]",	"module version and capabilities" },
	{ "version",	do_version,	"",		"version of this tool" },
	{ "help",	do_help,	"",		"this list" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: espgw [OPTIONS] OBJECT [VERB [ARGUMENTS]]\n"
		   "Options: -j | --json    JSON output\n"
		   "         -V | --version the tool's version\n"
		   "Objects and verbs (names may be abbreviated):\n");
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		fprintf(f, "  %-9s %-10s %s\n", objects[i].name, objects[i].verbs, objects[i].help);
	fprintf(f, "Exit status: 0 ok, 1 the operation failed, 2 the command line is wrong.\n");
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return EXIT_OK;
}

static int do_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("espgw %s\n", ESPGW_VERSION);
	return EXIT_OK;
}

void tool_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("espgw: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see 'espgw help')\n", stderr);
}

int tool_nl_open(struct espgw_nl *nl)
{
	int ret = espgw_nl_open(nl);

	if (!ret)
		return 0;
	if (ret == -ENOENT)
		fprintf(stderr, "espgw: the espgw kernel module is not loaded (modprobe espgw)\n");
	else
		fprintf(stderr, "espgw: cannot open generic netlink: %s\n", strerror(-ret));
	return -1;
}

void tool_nl_error(const struct espgw_nl *nl, const char *what, int err)
{
	if (err == -EPERM)
		fprintf(stderr, "espgw: %s: permission denied: this needs CAP_NET_ADMIN (run as root)\n",
			what);
	else
		fprintf(stderr, "espgw: %s: %s%s%s\n", what, strerror(-err),
			nl->ext_msg[0] ? ": " : "", nl->ext_msg);
}

int main(int argc, char **argv)
{
	size_t i;

	for (argc--, argv++; argc > 0 && argv[0][0] == '-' && argv[0][1]; argc--, argv++) {
		const char *opt = argv[0] + (argv[0][1] == '-' ? 2 : 1);

		if (!strcmp(opt, "j") || !strcmp(opt, "json"))
			tool.json = true;
		else if (!strcmp(opt, "V") || !strcmp(opt, "version"))
			return do_version(0, NULL);
		else if (!strcmp(opt, "h") || !strcmp(opt, "help"))
			return do_help(0, NULL);
		else {
			tool_usage_error("unknown option '%s'", argv[0]);
			return EXIT_USAGE;
		}
	}
	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		if (matches(argv[0], objects[i].name))
			return objects[i].fn(argc - 1, argv + 1);
	tool_usage_error("unknown object '%s'", argv[0]);
	return EXIT_USAGE;
}
