// SPDX-License-Identifier: GPL-2.0
/*
 * espgw: the control tool, in iproute2's grammar: espgw [OPTIONS] OBJECT [VERB [ARGS]].
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "espgw.h"
#include "passwd.h"
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
static int do_hash_password(int argc, char **argv);

static const struct object objects[] = {
	{ "sa",		do_sa,		"add|delete|show|flush|help",	"ESP SAs (-s: counters)" },
	{ "policy",	do_policy,	"add|replace|delete|show|flush|help",
							"policies (-s: packets matched)" },
	{ "flush",	do_flush,	"",		"remove every SA and policy" },
	{ "stats",	do_stats,	"[show]",	"totals and drop reasons" },
	{ "monitor",	do_monitor,	"",		"print expire and acquire events" },
	{ "info",	do_info,	"[show]",	"module version and capabilities" },
	{ "ike",	do_ike,		"show|clear",	"ISAKMP SAs of espgwd (show crypto isakmp sa)" },
	{ "pool",	do_pool,	"show",		"address pools and leases of espgwd" },
	{ "version",	do_version,	"",		"version of this tool" },
	{ "help",	do_help,	"",		"this list" },
	{ "hash-password", do_hash_password, "[yescrypt|sha512]",
				"a password from stdin, hashed for 'username NAME secret'" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: espgw [OPTIONS] OBJECT [VERB [ARGUMENTS]]\n"
		   "Options: -j | --json     JSON output\n"
		   "         -s | --stats    counters\n"
		   "         -o | --oneline  one line per SA\n"
		   "         -V | --version  the tool's version\n"
		   "Objects and verbs (names may be abbreviated; 'espgw OBJECT help' for arguments):\n");
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		fprintf(f, "  %-8s %-35s %s\n", objects[i].name, objects[i].verbs, objects[i].help);
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

/*
 * espgw hash-password [yescrypt|sha512]: one line of standard input (not
 * echoed on a terminal), its crypt(3) hash on standard output, for
 * 'username NAME secret 9 HASH' in espgwd.conf.
 */
static int do_hash_password(int argc, char **argv)
{
	char pw[PASSWD_MAX + 2], hash[PASSWD_HASH_MAX];
	const char *method = argc > 0 ? argv[0] : NULL;
	struct termios t, quiet;
	bool tty = isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &t);
	size_t n;
	int ret;

	if (argc > 1 || (method && strcmp(method, "yescrypt") && strcmp(method, "sha512"))) {
		tool_usage_error("hash-password: expected 'espgw hash-password [yescrypt|sha512]'");
		return EXIT_USAGE;
	}
	if (tty) {
		fputs("Password: ", stderr);
		quiet = t;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	ret = fgets(pw, sizeof(pw), stdin) ? 0 : -1;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
		fputc('\n', stderr);
	}
	n = ret ? 0 : strcspn(pw, "\r\n");
	if (!ret && !pw[n] && n > PASSWD_MAX)
		ret = -2;
	pw[n] = 0;
	if (!ret && !n)
		ret = -3;
	if (!ret && passwd_hash(pw, method, hash, sizeof(hash)))
		ret = -4;
	explicit_bzero(pw, sizeof(pw));
	switch (ret) {
	case 0:
		printf("%s\n", hash);
		explicit_bzero(hash, sizeof(hash));
		return EXIT_OK;
	case -1:
	case -3:
		fputs("espgw: hash-password: no password on standard input\n", stderr);
		break;
	case -2:
		fprintf(stderr, "espgw: hash-password: the password is longer than %d characters\n",
			PASSWD_MAX);
		break;
	default:
		fputs("espgw: hash-password: cannot hash (no randomness?)\n", stderr);
	}
	return EXIT_FAIL;
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
	const char *reason = strerror(-err);

	if (err == -EPERM) {
		fprintf(stderr, "espgw: %s: permission denied: this needs CAP_NET_ADMIN (run as root)\n",
			what);
		return;
	}
	if (err == -ENOENT)
		reason = "not found";
	else if (err == -EEXIST)
		reason = "already exists";
	fprintf(stderr, "espgw: %s: %s%s%s%s%s%s\n", what, reason, nl->ext_msg[0] ? ": " : "",
		nl->ext_msg, nl->bad_attr[0] ? " (attribute '" : "", nl->bad_attr,
		nl->bad_attr[0] ? "')" : "");
}

int tool_arg_error(const struct argerr *e)
{
	fprintf(stderr, "espgw: %s\n", e->msg);
	return EXIT_USAGE;
}

int tool_request(const char *what, struct nl_msg *msg, espgw_nl_reply_cb cb, void *cb_arg)
{
	struct espgw_nl nl;
	int ret;

	if (!msg) {
		fprintf(stderr, "espgw: %s: out of memory\n", what);
		return EXIT_FAIL;
	}
	if (tool_nl_open(&nl)) {
		explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
		nlmsg_free(msg);
		return EXIT_FAIL;
	}
	ret = espgw_nl_call(&nl, msg, cb, cb_arg);
	if (ret)
		tool_nl_error(&nl, what, ret);
	espgw_nl_close(&nl);
	return ret ? EXIT_FAIL : EXIT_OK;
}

int tool_send(const char *what, int ret, struct nl_msg *msg, const struct argerr *e)
{
	if (ret == -EINVAL)
		return tool_arg_error(e);
	if (ret) {
		fprintf(stderr, "espgw: %s\n", e->msg);
		return EXIT_FAIL;
	}
	return tool_request(what, msg, NULL, NULL);
}

void tool_out_begin(struct out *o, struct jw *jw, bool list)
{
	memset(o, 0, sizeof(*o));
	o->f = stdout;
	o->stats = tool.stats;
	o->oneline = tool.oneline;
	if (!tool.json)
		return;
	o->jw = jw;
	jw_init(jw, stdout);
	if (list)
		jw_arr_open(jw, NULL);
}

void tool_out_end(struct out *o, bool list)
{
	if (!o->jw)
		return;
	if (list)
		jw_arr_close(o->jw);
	jw_end(o->jw);
}

int tool_verb(const char *object, const struct verb *verbs, size_t n, int argc, char **argv)
{
	size_t i;

	if (argc == 0)
		return verbs[0].fn(0, argv);
	for (i = 0; i < n; i++)
		if (matches(argv[0], verbs[i].name))
			return verbs[i].fn(argc - 1, argv + 1);
	tool_usage_error("%s: unknown verb '%s'", object, argv[0]);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	size_t i;

	for (argc--, argv++; argc > 0 && argv[0][0] == '-' && argv[0][1]; argc--, argv++) {
		const char *opt = argv[0] + (argv[0][1] == '-' ? 2 : 1);

		if (!strcmp(opt, "j") || !strcmp(opt, "json"))
			tool.json = true;
		else if (!strcmp(opt, "s") || !strcmp(opt, "stats"))
			tool.stats = true;
		else if (!strcmp(opt, "o") || !strcmp(opt, "oneline"))
			tool.oneline = true;
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
