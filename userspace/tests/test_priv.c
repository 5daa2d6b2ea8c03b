// SPDX-License-Identifier: GPL-2.0
/*
 * espgwd's privilege drop (priv.c), done in a child process and checked the
 * way an admin would, in /proc/self/status: the user's uid and gid, no
 * supplementary groups, CAP_NET_ADMIN alone in the permitted, effective and
 * bounding sets, nothing inheritable or ambient, no_new_privs. Dropping needs
 * root; as another user those tests are skipped. No user is created: the
 * child becomes uid/gid 65534 by number. And espgwd refuses to start, saying
 * how to create one, when its user does not exist.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "priv.h"

#define DAEMON "build/bin/espgwd"

static void test_lookup(void **state)
{
	struct priv_user u;
	char err[512];

	(void)state;
	assert_int_equal(priv_lookup("root", &u, err, sizeof(err)), 0);
	assert_int_equal(u.uid, 0);
	assert_int_equal(u.gid, 0);
	assert_string_equal(u.name, "root");
	assert_int_equal(priv_lookup("espgw-no-such-user", &u, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "user 'espgw-no-such-user' does not exist"));
	assert_non_null(strstr(err, "useradd --system --no-create-home --shell /usr/sbin/nologin "
				    "espgw-no-such-user"));
	assert_non_null(strstr(err, "-u root"));
	assert_int_equal(priv_lookup("", &u, err, sizeof(err)), -EINVAL);
}

/* "Name:\tvalue" of /proc/self/status, into val */
static int status_field(const char *name, char *val, size_t len)
{
	char line[256];
	size_t n = strlen(name);
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, n) || line[n] != ':')
			continue;
		snprintf(val, len, "%s", line + n + 1 + strspn(line + n + 1, " \t"));
		val[strcspn(val, "\n")] = '\0';
		fclose(f);
		return 0;
	}
	fclose(f);
	return -1;
}

static const struct {
	const char *name;
	const char *want;	/* NULL: the uid/gid line, filled in */
} fields[] = {
	{ "Uid", NULL }, { "Gid", NULL }, { "Groups", "" },
	{ "CapInh", "0000000000000000" }, { "CapPrm", "0000000000001000" },
	{ "CapEff", "0000000000001000" }, { "CapBnd", "0000000000001000" },
	{ "CapAmb", "0000000000000000" }, { "NoNewPrivs", "1" },
};

/* in a child: drop to uid/gid, check every field; the exit status says which failed */
static void drop_in_child(uid_t uid, gid_t gid)
{
	struct priv_user u = { .uid = uid, .gid = gid };
	char err[512], val[256], want[64];
	size_t i;
	pid_t pid;
	int st;

	snprintf(u.name, sizeof(u.name), "uid%u", (unsigned int)uid);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (priv_drop(&u, err, sizeof(err))) {
			fprintf(stderr, "priv_drop: %s\n", err);
			_exit(100);
		}
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			if (fields[i].want)
				snprintf(want, sizeof(want), "%s", fields[i].want);
			else
				snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", i ? gid : uid,
					 i ? gid : uid, i ? gid : uid, i ? gid : uid);
			if (status_field(fields[i].name, val, sizeof(val)) || strcmp(val, want)) {
				fprintf(stderr, "%s: '%s', not '%s'\n", fields[i].name, val, want);
				_exit(1 + (int)i);
			}
		}
		/* and no way back */
		if (uid && (setuid(0) == 0 || seteuid(0) == 0))
			_exit(90);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static int need_root(void **state)
{
	(void)state;
	/* root with CAP_SETPCAP (reducing the bounding set needs it) */
	if (geteuid() != 0 || prctl(PR_CAPBSET_READ, 8 /* CAP_SETPCAP */, 0, 0, 0) != 1)
		skip();
	return 0;
}

static void test_drop_to_user(void **state)
{
	(void)state;
	drop_in_child(65534, 65534);
}

static void test_drop_root_keeps_uid_0(void **state)
{
	(void)state;
	drop_in_child(0, 0);
}

/* espgwd -u with a user that does not exist: refused before anything is touched */
static void test_daemon_refuses_unknown_user(void **state)
{
	char out[2048];
	size_t n;
	FILE *p;
	int st;

	(void)state;
	if (access(DAEMON, X_OK))
		skip();
	p = popen(DAEMON " -f docs/examples/cisco-14123.conf -u espgw-no-such-user "
		  "-c /nonexistent/espgwd.sock -p 1 2>&1", "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	st = pclose(p);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	assert_non_null(strstr(out, "user 'espgw-no-such-user' does not exist: create it "
				    "(useradd --system --no-create-home --shell /usr/sbin/nologin "
				    "espgw-no-such-user) or run espgwd -u root"));
	/* and the usage says so */
	p = popen(DAEMON " -h", "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	assert_non_null(strstr(out, "-u USER"));
	assert_non_null(strstr(out, "/run/espgw/espgwd.sock"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test_setup(test_drop_to_user, need_root),
		cmocka_unit_test_setup(test_drop_root_keeps_uid_0, need_root),
		cmocka_unit_test(test_daemon_refuses_unknown_user),
	};

	return cmocka_run_group_tests_name("priv", tests, NULL, NULL);
}
