// SPDX-License-Identifier: GPL-2.0
/*
 * espgwd's control socket (ctl.c): born 0600 whatever the umask, never
 * following a symlink, its own directory checked; and served from the poll
 * loop without blocking it: a client that sends nothing, or does not read a
 * large answer, does not keep another client from its answer, and is closed
 * at its deadline (a fake clock here). Every test runs under a 10 s alarm: a
 * server that blocks fails the test instead of hanging it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "ctl.h"

#define BIG	(1024 * 1024)

static char dir[64], path[128], target[128];
static uint64_t clock_ms;

static uint64_t fake_now(void)
{
	return clock_ms;
}

static void handler(void *arg, const char *cmd, FILE *out)
{
	size_t i;

	(*(unsigned int *)arg)++;
	if (!strcmp(cmd, "show")) {
		fputs("state ok\n", out);
	} else if (!strcmp(cmd, "big")) {
		for (i = 0; i < BIG / 64; i++)
			fprintf(out, "%063zu\n", i);
	} else {
		fprintf(out, "error: unknown command '%s'\n", cmd);
	}
}

static unsigned int handled;

/*
 * bind() as the library calls it, seen from here: the mode the socket has the
 * moment it appears, and (race_symlink) an attacker who swaps it for a symlink
 * to target right then, before the server's next step.
 */
static mode_t born_mode;
static bool race_symlink;

int bind(int fd, const struct sockaddr *a, socklen_t len)
{
	const struct sockaddr_un *u = (const struct sockaddr_un *)a;
	int ret = (int)syscall(SYS_bind, fd, a, len);
	struct stat st;

	if (ret || a->sa_family != AF_UNIX || !u->sun_path[0] || strcmp(u->sun_path, path))
		return ret;
	if (!lstat(u->sun_path, &st))
		born_mode = st.st_mode;
	if (race_symlink) {
		char moved[160];

		snprintf(moved, sizeof(moved), "%s.moved", path);
		if (rename(path, moved) || symlink(target, path))
			abort();
	}
	return ret;
}

static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("timed out: the control socket blocked the loop");
}

static int setup(void **state)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_NODEFER };

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/espgw-ctl-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/espgwd.sock", dir);
	snprintf(target, sizeof(target), "%s/precious", dir);
	born_mode = 0;
	race_symlink = false;
	clock_ms = 1000000;
	handled = 0;
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGALRM, &sa, NULL);
	alarm(10);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	alarm(0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static struct ctl *open_ctl(const char *p, bool own, bool fake_clock)
{
	struct ctl_conf conf = {
		.path = p, .own_dir = own, .uid = geteuid(), .gid = getegid(),
		.handler = handler, .arg = &handled, .now_ms = fake_clock ? fake_now : NULL,
	};
	char err[256];
	struct ctl *c = ctl_open(&conf, err, sizeof(err));

	if (!c)
		print_message("ctl_open: %s\n", err);
	return c;
}

/* one turn of a daemon's loop: poll what ctl wants (at most ms), serve */
static void turn(struct ctl *c, int ms)
{
	struct pollfd pfd[CTL_POLLFDS];
	size_t n = ctl_pollfds(c, pfd);

	assert_true(n >= 1 && n <= CTL_POLLFDS);
	assert_true(poll(pfd, n, ms) >= 0);
	ctl_run(c, pfd, n);
}

static int client(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	strcpy(a.sun_path, path);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static void say(int fd, const char *cmd)
{
	assert_int_equal(write(fd, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
}

/*
 * Drive the loop until fd's answer has come whole (EOF), reading it as a
 * client does; returns its length, with the first cap bytes in buf.
 */
static size_t answer(struct ctl *c, int fd, char *buf, size_t cap)
{
	size_t len = 0;
	char tmp[65536];
	int i;

	for (i = 0; i < 5000; i++) {
		ssize_t n = read(fd, tmp, sizeof(tmp));

		/* the end: EOF, or a reset when the server did not read all we sent */
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			break;
		if (n < 0) {
			assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
			turn(c, 10);
			continue;
		}
		if (len < cap)
			memcpy(buf + len, tmp, (size_t)n < cap - len ? (size_t)n : cap - len);
		len += (size_t)n;
	}
	assert_true(i < 5000);
	if (len < cap)
		buf[len] = '\0';
	return len;
}

/* EOF (or a reset) on fd: the server closed it */
static bool closed(int fd)
{
	char b[4096];
	ssize_t n;

	do
		n = read(fd, b, sizeof(b));
	while (n > 0);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

/* ---- the socket on the filesystem ---- */

static void write_target(void)
{
	FILE *f = fopen(target, "w");

	assert_non_null(f);
	fputs("precious\n", f);
	fclose(f);
	assert_int_equal(chmod(target, 0644), 0);
}

static void assert_target_untouched(void)
{
	char buf[64] = { 0 };
	struct stat st;
	FILE *f;

	assert_int_equal(lstat(target, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0644);
	f = fopen(target, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "precious\n");
}

static void test_born_0600(void **state)
{
	struct ctl *c;
	struct stat st;
	mode_t old;

	(void)state;
	old = umask(0);
	c = open_ctl(path, false, false);
	assert_int_equal(umask(old), 0);	/* the caller's umask is back */
	assert_non_null(c);
	/* 0600 the moment it exists, not after a chmod */
	assert_true(S_ISSOCK(born_mode));
	assert_int_equal(born_mode & 07777, 0600);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(ctl_close(c), 0);
	assert_int_equal(lstat(path, &st), -1);		/* removed at close */
}

/* A symlink put at the path right after bind (a racing attacker) is never followed. */
static void test_symlink_race_not_followed(void **state)
{
	struct ctl *c;

	(void)state;
	write_target();
	race_symlink = true;
	umask(0);
	c = open_ctl(path, false, false);
	umask(022);
	assert_target_untouched();
	ctl_close(c);
	assert_target_untouched();
}

/* A symlink planted at the path before the start: refused, not followed, left alone. */
static void test_symlink_planted_refused(void **state)
{
	struct stat st;
	struct ctl *c;

	(void)state;
	write_target();
	assert_int_equal(symlink(target, path), 0);
	c = open_ctl(path, false, false);
	assert_null(c);
	assert_target_untouched();
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* and a regular file is not removed either */
	unlink(path);
	assert_int_equal(rename(target, path), 0);
	assert_null(open_ctl(path, false, false));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

/* A socket left by an earlier run is replaced. */
static void test_stale_socket_replaced(void **state)
{
	struct ctl *c;
	char buf[64];
	int fd;

	(void)state;
	c = open_ctl(path, false, false);
	assert_non_null(c);
	/* as if killed: the socket stays on the filesystem */
	assert_int_equal(link(path, target), 0);
	ctl_close(c);
	assert_int_equal(rename(target, path), 0);
	c = open_ctl(path, false, false);
	assert_non_null(c);
	fd = client();
	say(fd, "show\n");
	answer(c, fd, buf, sizeof(buf));
	assert_string_equal(buf, "state ok\n");
	close(fd);
	ctl_close(c);
}

/* espgwd's own directory: made 0750, checked with lstat, given to the daemon's user */
static void test_own_dir(void **state)
{
	struct ctl_conf conf = { .handler = handler, .arg = &handled };
	char sub[96], err[256], link_path[112];
	struct stat st;
	struct ctl *c;

	(void)state;
	snprintf(sub, sizeof(sub), "%s/run", dir);
	snprintf(path, sizeof(path), "%s/run/espgwd.sock", dir);
	conf.path = path;
	conf.own_dir = true;
	conf.uid = geteuid();
	conf.gid = getegid();
	umask(0);
	c = ctl_open(&conf, err, sizeof(err));
	umask(022);
	assert_non_null(c);
	assert_int_equal(lstat(sub, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0750);
	ctl_close(c);

	/* writable by others: refused */
	assert_int_equal(chmod(sub, 0777), 0);
	assert_null(ctl_open(&conf, err, sizeof(err)));
	assert_non_null(strstr(err, "writable by group or others"));
	assert_int_equal(chmod(sub, 0750), 0);

	/* a symlink to a directory: refused */
	snprintf(link_path, sizeof(link_path), "%s/real", dir);
	assert_int_equal(rename(sub, link_path), 0);
	assert_int_equal(symlink(link_path, sub), 0);
	assert_null(ctl_open(&conf, err, sizeof(err)));
	assert_non_null(strstr(err, "symlink"));
	assert_int_equal(unlink(sub), 0);
	assert_int_equal(rename(link_path, sub), 0);

	if (geteuid() != 0)
		return;
	/* root: given to the daemon's user, which may own it on the next start */
	conf.uid = 65534;
	conf.gid = 65534;
	c = ctl_open(&conf, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(lstat(sub, &st), 0);
	assert_int_equal(st.st_uid, 65534);
	assert_int_equal(st.st_gid, 65534);
	ctl_close(c);
	c = ctl_open(&conf, err, sizeof(err));
	assert_non_null(c);
	ctl_close(c);
	/* somebody else's: refused */
	assert_int_equal(chown(sub, 12345, 12345), 0);
	assert_null(ctl_open(&conf, err, sizeof(err)));
	assert_non_null(strstr(err, "belongs to uid 12345"));
}

/* ---- serving without blocking ---- */

static void test_silent_client_does_not_block(void **state)
{
	struct ctl *c;
	char buf[64];
	int idle, fd;

	(void)state;
	c = open_ctl(path, false, false);
	assert_non_null(c);
	idle = client();		/* connects first and says nothing */
	turn(c, 0);
	fd = client();
	say(fd, "show");
	shutdown(fd, SHUT_WR);
	answer(c, fd, buf, sizeof(buf));
	assert_string_equal(buf, "state ok\n");
	close(fd);
	/* the first one is still there, waiting */
	assert_int_equal(ctl_conns(c), 1);
	assert_false(closed(idle));
	close(idle);
	ctl_close(c);
}

static void test_unread_big_answer_does_not_block(void **state)
{
	struct ctl *c;
	char buf[64];
	int greedy, fd;
	size_t len;

	(void)state;
	c = open_ctl(path, false, false);
	assert_non_null(c);
	greedy = client();
	say(greedy, "big\n");		/* and never reads */
	turn(c, 0);
	turn(c, 0);
	fd = client();
	say(fd, "show\n");
	answer(c, fd, buf, sizeof(buf));
	assert_string_equal(buf, "state ok\n");
	close(fd);
	assert_int_equal(ctl_conns(c), 1);
	/* the big answer is all there when it is read at last */
	len = answer(c, greedy, buf, sizeof(buf));
	assert_int_equal(len, BIG);
	assert_memory_equal(buf, "0000000000000000000000000000000"
			    "00000000000000000000000000000000\n", 64);
	assert_int_equal(ctl_conns(c), 0);
	close(greedy);
	ctl_close(c);
}

static void test_deadlines(void **state)
{
	struct ctl *c;
	int silent, greedy;

	(void)state;
	c = open_ctl(path, false, true);
	assert_non_null(c);
	assert_int_equal(ctl_timeout(c), -1);
	silent = client();
	turn(c, 0);
	assert_int_equal(ctl_conns(c), 1);
	assert_int_equal(ctl_timeout(c), CTL_CMD_MS);
	clock_ms += CTL_CMD_MS - 1;
	turn(c, 0);
	assert_int_equal(ctl_conns(c), 1);
	assert_false(closed(silent));
	clock_ms += 1;
	assert_int_equal(ctl_timeout(c), 0);
	turn(c, 0);
	assert_int_equal(ctl_conns(c), 0);
	assert_true(closed(silent));
	close(silent);

	/* sent its command, does not read: closed after CTL_TOTAL_MS in all */
	greedy = client();
	say(greedy, "big\n");
	turn(c, 0);
	turn(c, 0);
	assert_int_equal(ctl_conns(c), 1);
	clock_ms += CTL_CMD_MS + 1;	/* its command came in time */
	turn(c, 0);
	assert_int_equal(ctl_conns(c), 1);
	assert_int_equal(ctl_timeout(c), CTL_TOTAL_MS - CTL_CMD_MS - 1);
	clock_ms += CTL_TOTAL_MS - CTL_CMD_MS - 1;
	turn(c, 0);
	assert_int_equal(ctl_conns(c), 0);
	assert_true(closed(greedy));
	close(greedy);
	ctl_close(c);
}

static void test_connection_limit(void **state)
{
	int fds[CTL_MAX_CONN], extra, i;
	struct ctl *c;
	char buf[128];

	(void)state;
	c = open_ctl(path, false, false);
	assert_non_null(c);
	for (i = 0; i < CTL_MAX_CONN; i++) {
		fds[i] = client();
		turn(c, 0);
	}
	assert_int_equal(ctl_conns(c), CTL_MAX_CONN);
	extra = client();
	say(extra, "show\n");
	answer(c, extra, buf, sizeof(buf));
	assert_non_null(strstr(buf, "error: too many"));
	close(extra);
	assert_int_equal(ctl_conns(c), CTL_MAX_CONN);
	/* one leaves: the next is served */
	close(fds[0]);
	turn(c, 0);
	assert_int_equal(ctl_conns(c), CTL_MAX_CONN - 1);
	extra = client();
	say(extra, "show\n");
	answer(c, extra, buf, sizeof(buf));
	assert_string_equal(buf, "state ok\n");
	close(extra);
	for (i = 1; i < CTL_MAX_CONN; i++)
		close(fds[i]);
	ctl_close(c);
}

static void test_command_lines(void **state)
{
	char buf[256], line[CTL_CMD_MAX + 8];
	struct ctl *c;
	int fd;

	(void)state;
	c = open_ctl(path, false, false);
	assert_non_null(c);
	fd = client();
	say(fd, "show\r\n");
	answer(c, fd, buf, sizeof(buf));
	assert_string_equal(buf, "state ok\n");
	close(fd);

	fd = client();
	say(fd, "frobnicate\nshow\n");	/* one command a connection */
	answer(c, fd, buf, sizeof(buf));
	assert_string_equal(buf, "error: unknown command 'frobnicate'\n");
	close(fd);

	fd = client();
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	say(fd, line);
	answer(c, fd, buf, sizeof(buf));
	assert_string_equal(buf, "error: command too long\n");
	close(fd);
	assert_int_equal(handled, 2);
	ctl_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_born_0600, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_race_not_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_planted_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_socket_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_own_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silent_client_does_not_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unread_big_answer_does_not_block, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deadlines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connection_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_command_lines, setup, teardown),
	};

	return cmocka_run_group_tests_name("ctl", tests, NULL, NULL);
}
