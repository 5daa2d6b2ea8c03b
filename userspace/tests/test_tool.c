// SPDX-License-Identifier: GPL-2.0
/*
 * The espgw binary's command-line handling, run as a program: exit status 2
 * and a message naming the bad argument for every command-line error, before
 * any netlink socket is opened (so no module is needed). Skipped when
 * build/bin/espgw has not been built ('make userspace unit' builds it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "passwd.h"

#define TOOL "build/bin/espgw"

static char out[8192];

/* run "PREFIX espgw ARGS" with stdout and stderr together in out; return the exit status */
static int run_with(const char *prefix, const char *args)
{
	char cmd[1024];
	size_t n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "%s%s %s 2>&1", prefix, TOOL, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	st = pclose(p);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static int run(const char *args)
{
	return run_with("", args);
}

static int need_tool(void **state)
{
	(void)state;
	if (access(TOOL, X_OK))
		skip();
	return 0;
}

static const struct {
	const char *args;
	const char *msg;
} usage_errors[] = {
	{ "sa add src 1.1.1.1 dst 2.2.2.2 spi xyz", "espgw: sa add: invalid SPI 'xyz'\n" },
	{ "sa add src 1.1.1.1 spi 1 dir out enc aes @/dev/null", "espgw: sa add: no enc key in "
	  "'/dev/null'\n" },
	{ "sa a src 1.1.1.1 bogus", "espgw: sa add: unknown keyword 'bogus'\n" },
	{ "sa del dst 2.2.2.2", "espgw: sa delete: missing 'spi'\n" },
	{ "sa show spi", "espgw: sa show: 'spi' needs a value\n" },
	{ "sa flush now", "espgw: sa flush: unexpected argument 'now'\n" },
	{ "sa frobnicate", "espgw: sa: unknown verb 'frobnicate' (see 'espgw help')\n" },
	{ "policy add id 1 src 10.0.0.0/8", "espgw: policy add: missing 'dst'\n" },
	{ "policy replace id 1 src 10.0.0.0/8 dst 10.2.0.0/16 action maybe",
	  "espgw: policy replace: invalid action 'maybe' (protect, bypass or discard)\n" },
	{ "policy delete", "espgw: policy delete: missing 'id'\n" },
	{ "policy show id x", "espgw: policy show: invalid number 'x' for 'id'\n" },
	{ "flush sa", "espgw: flush: unexpected argument 'sa'\n" },
	{ "stats extra", "espgw: stats: unexpected argument 'extra'\n" },
	{ "monitor all", "espgw: monitor: unexpected argument 'all'\n" },
	{ "-x sa", "espgw: unknown option '-x' (see 'espgw help')\n" },
	{ "nothing", "espgw: unknown object 'nothing' (see 'espgw help')\n" },
};

static void test_usage_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(usage_errors) / sizeof(usage_errors[0]); i++) {
		assert_int_equal(run(usage_errors[i].args), 2);
		assert_string_equal(out, usage_errors[i].msg);
	}
}

#define WARNING "espgw: warning: a key on the command line is visible to other users (ps): " \
		"use @FILE or @-\n"

static void test_key_not_echoed(void **state)
{
	(void)state;
	assert_int_equal(run("sa add src 1.1.1.1 enc aes 5ec2e75ec2e7Z"), 2);
	assert_null(strstr(out, "5ec2e7"));
	assert_non_null(strstr(out, "invalid enc key"));
	/* nor from standard input */
	assert_int_equal(run_with("echo 5ec2e75ec2e7Z | ", "sa add src 1.1.1.1 enc aes @-"), 2);
	assert_null(strstr(out, "5ec2e7"));
	assert_string_equal(out, "espgw: sa add: invalid enc key (hex digits, an even number of "
			    "them)\n");
}

/* a key on the command line (which ps shows) is warned about; @FILE and @- are not */
static void test_key_on_command_line_warns(void **state)
{
	char path[] = "/tmp/espgw-tool-key-XXXXXX", args[256];
	int fd;

	(void)state;
	assert_int_equal(run("sa add src 1.1.1.1 spi 1 dir out enc aes 0011"), 2);
	assert_string_equal(out, WARNING "espgw: sa add: missing 'dst'\n");
	assert_int_equal(run("sa add src 1.1.1.1 spi 1 dir out auth sha1 00112233 enc aes "
			     "@/dev/null"), 2);
	assert_string_equal(out, WARNING "espgw: sa add: no enc key in '/dev/null'\n");

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0x0011\n", 7), 7);
	close(fd);
	snprintf(args, sizeof(args), "sa add src 1.1.1.1 spi 1 dir out enc aes @%s", path);
	assert_int_equal(run(args), 2);
	assert_string_equal(out, "espgw: sa add: missing 'dst'\n");
	unlink(path);
	assert_int_equal(run_with("printf '0011\\n00112233\\n' | ",
				  "sa add src 1.1.1.1 spi 1 dir out enc aes @- auth sha1 @-"), 2);
	assert_string_equal(out, "espgw: sa add: missing 'dst'\n");
}

/*
 * A valid request gets as far as the kernel (here: no module, or a fresh
 * namespace's empty gateway), never "out of memory": once the request was read
 * before it was built (argument evaluation order).
 */
static void test_valid_request_is_sent(void **state)
{
	static const char *const cmds[] = {
		"sa add src 192.0.2.1 dst 198.51.100.10 spi 0x2001 dir out enc aes-gcm-16 "
		"000102030405060708090a0b0c0d0e0f10111213",
		"sa delete dst 198.51.100.10 spi 0x2001",
		"policy add id 1 src 10.2.2.0/24 dst 10.2.1.1/32 action discard",
		"policy replace id 1 src 10.2.2.0/24 dst 10.2.1.1/32 action bypass",
		"policy delete id 1",
		"flush",
	};
	char args[512];
	size_t i;
	int st;

	(void)state;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		/* in a namespace of its own when we may, so no real gateway is touched */
		snprintf(args, sizeof(args), "%s", cmds[i]);
		st = geteuid() == 0 && !system("unshare -n true 2>/dev/null") ?
		     run_with("unshare -n ", args) : run(args);
		assert_null(strstr(out, "out of memory"));
		assert_int_not_equal(st, 2);
	}
}

static void test_help(void **state)
{
	static const char *const objects[] = { "sa ", "policy ", "flush ", "stats ", "monitor ",
					       "info " };
	size_t i;

	(void)state;
	assert_int_equal(run("help"), 0);
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		assert_non_null(strstr(out, objects[i]));
	assert_non_null(strstr(out, "-s | --stats"));
	assert_int_equal(run("sa help"), 0);
	assert_non_null(strstr(out, "espgw sa add src ADDR dst ADDR spi SPI"));
	assert_int_equal(run("policy help"), 0);
	assert_non_null(strstr(out, "espgw policy { add | replace } id ID"));
}

/* espgw hash-password: the hash of a line of stdin, never the password itself */
static void test_hash_password(void **state)
{
	(void)state;
	assert_int_equal(run_with("printf 'Wonderland9\\n' | ", "hash-password"), 0);
	assert_int_equal(strncmp(out, "$y$", 3), 0);
	assert_null(strstr(out, "Wonderland9"));
	out[strcspn(out, "\n")] = 0;
	assert_true(passwd_verify(out, "Wonderland9", 11));
	assert_false(passwd_verify(out, "Wonderland", 10));
	assert_int_equal(run_with("printf 'pw' | ", "hash-password sha512"), 0);
	assert_int_equal(strncmp(out, "$6$", 3), 0);
	assert_int_equal(run_with("printf '' | ", "hash-password"), 1);
	assert_string_equal(out, "espgw: hash-password: no password on standard input\n");
	assert_int_equal(run_with("printf pw | ", "hash-password md5"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_usage_errors, need_tool),
		cmocka_unit_test_setup(test_key_not_echoed, need_tool),
		cmocka_unit_test_setup(test_key_on_command_line_warns, need_tool),
		cmocka_unit_test_setup(test_valid_request_is_sent, need_tool),
		cmocka_unit_test_setup(test_help, need_tool),
		cmocka_unit_test_setup(test_hash_password, need_tool),
	};

	return cmocka_run_group_tests_name("tool", tests, NULL, NULL);
}
