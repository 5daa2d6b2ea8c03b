// SPDX-License-Identifier: GPL-2.0
/* espgw monitor: one line (or JSON object) per expire / acquire event until SIGINT/SIGTERM. */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <netlink/socket.h>

#include <linux/espgw.h>

#include "args.h"
#include "espgw.h"
#include "event.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	(void)arg;
	if (espgw_event_print(msg, stdout, tool.json) < 0)
		fprintf(stderr, "espgw: monitor: malformed notification ignored\n");
	return NL_OK;
}

/* notifications carry no sequence number of ours */
static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* Catch SIGINT/SIGTERM; they stay blocked except inside ppoll(), which *old lets through. */
static void catch_signals(sigset_t *old)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, old);
}

static int receive(struct espgw_nl *nl, struct nl_cb *cb)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	sigset_t old;
	int ret;

	catch_signals(&old);
	while (!stop) {
		ret = ppoll(&pfd, 1, NULL, &old);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			fprintf(stderr, "espgw: monitor: poll: %s\n", strerror(errno));
			return EXIT_FAIL;
		}
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret == -NLE_NOMEM) {
			/* ENOBUFS: the socket overran; say so and go on */
			fprintf(stderr, "espgw: monitor: events were lost (receive buffer full)\n");
		} else if (ret < 0 && ret != -NLE_AGAIN && ret != -NLE_INTR) {
			fprintf(stderr, "espgw: monitor: %s\n", nl_geterror(ret));
			return EXIT_FAIL;
		}
	}
	return EXIT_OK;
}

int do_monitor(int argc, char **argv)
{
	struct espgw_nl nl;
	struct argerr e;
	struct nl_cb *cb;
	int ret;

	if (espgw_args_none("monitor", argc, argv, &e))
		return tool_arg_error(&e);
	if (tool_nl_open(&nl))
		return EXIT_FAIL;
	ret = espgw_nl_subscribe(&nl, ESPGW_MCGRP_EVENTS);
	if (ret == -ENOENT)
		fprintf(stderr, "espgw: monitor: the module has no '%s' group\n",
			ESPGW_MCGRP_EVENTS);
	else if (ret)
		tool_nl_error(&nl, "monitor", ret);
	if (ret) {
		espgw_nl_close(&nl);
		return EXIT_FAIL;
	}
	nl_socket_set_nonblocking(nl.sk);
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		espgw_nl_close(&nl);
		return EXIT_FAIL;
	}
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, event_cb, NULL);
	ret = receive(&nl, cb);
	nl_cb_put(cb);
	espgw_nl_close(&nl);
	return ret;
}
