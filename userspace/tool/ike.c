// SPDX-License-Identifier: GPL-2.0
/*
 * espgw ike show|clear and espgw pool show: ask espgwd over its control
 * socket, like the router's 'show crypto isakmp sa', 'clear crypto isakmp'
 * and 'show ip local pool'. The socket is $ESPGWD_SOCKET, or /run/espgw/espgwd.sock.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "espgw.h"
#include "util.h"

static const char *ctl_path(void)
{
	const char *p = getenv("ESPGWD_SOCKET");

	return p && *p ? p : CTL_DEFAULT_PATH;
}

static int ask(const char *what, const char *cmd)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	const char *path = ctl_path();
	char buf[4096];
	ssize_t n;
	int fd;

	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "espgw: %s: control socket path too long: %s\n", what, path);
		return EXIT_FAIL;
	}
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		fprintf(stderr, "espgw: %s: espgwd is not running (no control socket %s: %s)\n",
			what, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_FAIL;
	}
	if (write(fd, cmd, strlen(cmd)) < 0 || shutdown(fd, SHUT_WR)) {
		fprintf(stderr, "espgw: %s: %s\n", what, strerror(errno));
		close(fd);
		return EXIT_FAIL;
	}
	/* espgwd's answer; one it could not give starts with "error: " */
	n = read(fd, buf, sizeof(buf));
	if (n >= 7 && !memcmp(buf, "error: ", 7)) {
		fprintf(stderr, "espgw: %s: espgwd says: %.*s", what, (int)n, buf);
		close(fd);
		return EXIT_FAIL;
	}
	while (n > 0) {
		fwrite(buf, 1, n, stdout);
		n = read(fd, buf, sizeof(buf));
	}
	close(fd);
	return EXIT_OK;
}

static int ike_show(int argc, char **argv)
{
	if (argc > 0) {
		tool_usage_error("ike show: unexpected argument '%s'", argv[0]);
		return EXIT_USAGE;
	}
	return ask("ike show", tool.json ? "show json" : "show");
}

static int ike_clear(int argc, char **argv)
{
	if (argc > 0) {
		tool_usage_error("ike clear: unexpected argument '%s'", argv[0]);
		return EXIT_USAGE;
	}
	return ask("ike clear", "clear");
}

int do_ike(int argc, char **argv)
{
	static const struct verb verbs[] = {
		{ "show", ike_show },
		{ "clear", ike_clear },
	};

	return tool_verb("ike", verbs, ARRAY_SIZE(verbs), argc, argv);
}

static int pool_show(int argc, char **argv)
{
	if (argc > 0) {
		tool_usage_error("pool show: unexpected argument '%s'", argv[0]);
		return EXIT_USAGE;
	}
	return ask("pool show", tool.json ? "pool show json" : "pool show");
}

int do_pool(int argc, char **argv)
{
	static const struct verb verbs[] = {
		{ "show", pool_show },
	};

	return tool_verb("pool", verbs, ARRAY_SIZE(verbs), argc, argv);
}
