// SPDX-License-Identifier: GPL-2.0
/*
 * sd_notify without libsystemd (sdnotify.c): what systemd's end of
 * $NOTIFY_SOCKET receives, on an abstract name ('@') and on a path, and
 * nothing sent nor any error when espgwd does not run under systemd. Then the
 * daemon itself: started with NOTIFY_SOCKET set, it says READY=1 once it
 * listens, and STOPPING=1 on SIGTERM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "sdnotify.h"

#define DAEMON "build/bin/espgwd"

/* a datagram socket bound to NAME ('@' abstract, else a path) */
static int listener(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	else
		alen++;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, alen), 0);
	return fd;
}

/* the next datagram within MS milliseconds, or "" */
static const char *recv_msg(int fd, int ms, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	buf[0] = '\0';
	if (poll(&p, 1, ms) != 1)
		return buf;
	n = recv(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void test_abstract(void **state)
{
	char name[64], buf[256];
	int fd;

	(void)state;
	snprintf(name, sizeof(name), "@espgw-test-notify-%d", (int)getpid());
	fd = listener(name);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(sd_notify_send("READY=1"), 1);
	assert_string_equal(recv_msg(fd, 1000, buf, sizeof(buf)), "READY=1");
	assert_int_equal(sd_notify_send("STOPPING=1\nSTATUS=shutting down"), 1);
	assert_string_equal(recv_msg(fd, 1000, buf, sizeof(buf)),
			    "STOPPING=1\nSTATUS=shutting down");
	unsetenv("NOTIFY_SOCKET");
	close(fd);
}

static void test_path(void **state)
{
	char dir[] = "/tmp/espgw-notify-XXXXXX", path[128], buf[256];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = listener(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(sd_notify_send("READY=1"), 1);
	assert_string_equal(recv_msg(fd, 1000, buf, sizeof(buf)), "READY=1");
	unsetenv("NOTIFY_SOCKET");
	close(fd);
	unlink(path);
	rmdir(dir);
}

static void test_not_under_systemd(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(sd_notify_send("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	assert_int_equal(sd_notify_send("READY=1"), 0);
	unsetenv("NOTIFY_SOCKET");
}

static void test_bad_names(void **state)
{
	char longname[200];

	(void)state;
	setenv("NOTIFY_SOCKET", "relative/notify", 1);
	assert_int_equal(sd_notify_send("READY=1"), -EAFNOSUPPORT);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	setenv("NOTIFY_SOCKET", longname, 1);
	assert_int_equal(sd_notify_send("READY=1"), -ENAMETOOLONG);
	/* nobody listening there */
	setenv("NOTIFY_SOCKET", "/nonexistent/espgw-notify", 1);
	assert_int_equal(sd_notify_send("READY=1"), -ENOENT);
	unsetenv("NOTIFY_SOCKET");
}

/*
 * The daemon needs root and espgw.ko; without them it must not say READY=1:
 * it exits with an error and the socket sees nothing.
 */
static void test_daemon_not_ready_on_failure(void **state)
{
	char name[64], buf[256];
	int fd, status;
	pid_t pid;

	(void)state;
	snprintf(name, sizeof(name), "@espgw-test-notify-d-%d", (int)getpid());
	fd = listener(name);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 2);
		setenv("NOTIFY_SOCKET", name, 1);
		/* no such configuration: fails before anything is opened */
		execl(DAEMON, DAEMON, "-f", "/nonexistent/espgwd.conf", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_string_equal(recv_msg(fd, 200, buf, sizeof(buf)), "");
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abstract),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_not_under_systemd),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_daemon_not_ready_on_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
