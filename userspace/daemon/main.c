// SPDX-License-Identifier: GPL-2.0
/*
 * espgwd: the gateway's IKEv1 daemon. Answers remote-access clients on UDP
 * 500, puts the SAs they negotiate into espgw.ko, and takes 'espgw ike'
 * commands on a control socket.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "crypto.h"
#include "ctl.h"
#include "ctlcmd.h"
#include "ike.h"
#include "kernel.h"
#include "log.h"
#include "priv.h"
#include "sdnotify.h"
#include "udp.h"

#define DEFAULT_CONF	"/etc/espgw/espgwd.conf"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: espgwd [-f FILE] [-t] [-d CATS] [-s] [-c SOCKET] [-p PORT] [-P PORT]\n"
		   "              [-u USER]\n"
		   "  -f FILE    configuration (default " DEFAULT_CONF ")\n"
		   "  -t         check the configuration and exit\n"
		   "  -d CATS    debug categories: isakmp,ipsec,engine or all\n"
		   "  -s         log to syslog instead of stderr\n"
		   "  -c SOCKET  control socket (default " CTL_DEFAULT_PATH ")\n"
		   "  -p PORT    IKE port (default 500)\n"
		   "  -P PORT    NAT traversal port (default 4500; 0: none)\n"
		   "  -u USER    once the sockets are open, run as USER with CAP_NET_ADMIN alone\n"
		   "             (default " PRIV_DEFAULT_USER
		   "; -u root keeps uid 0, not the other capabilities)\n");
}

/* One command a connection (ctlcmd.c), the answer, then close (ctl.c). */
static void on_command(void *arg, const char *cmd, FILE *f)
{
	ctl_command(arg, cmd, f, now_sec());
}

static void on_kernel_event(void *arg, const struct espgw_sa *sa, bool new_mapping)
{
	if (new_mapping)
		ike_kernel_mapping(arg, sa);
	else
		ike_kernel_expire(arg, sa);
}

/* A UDP port for -p/-P: 0..65535 in decimal, all of it; else -1. */
static int parse_port(const char *arg)
{
	unsigned long v;
	char *end;

	if (!*arg || *arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || v > 65535)
		return -1;
	return (int)v;
}

int main(int argc, char **argv)
{
	const char *conf_path = DEFAULT_CONF, *ctl_path = CTL_DEFAULT_PATH, *warn;
	const char *user = PRIV_DEFAULT_USER;
	unsigned int debug = 0, timeout;
	bool check = false, use_syslog = false;
	struct pollfd pfd[3 + CTL_POLLFDS];
	struct ctl_conf cc = { 0 };
	struct priv_user pu;
	struct ike_engine *e;
	struct kernel *k;
	struct conf conf;
	struct ctl *ctl;
	char err[CONF_ERR_MAX];
	uint16_t port = 500, natt_port = UDP_NATT_PORT;
	int opt, ret, ctl_ms, fds[2];
	unsigned int nudp, i;
	struct udp *udp;
	size_t it = 0, nctl;

	while ((opt = getopt(argc, argv, "f:td:sc:p:P:u:h")) != -1) {
		switch (opt) {
		case 'f': conf_path = optarg; break;
		case 't': check = true; break;
		case 's': use_syslog = true; break;
		case 'c': ctl_path = optarg; break;
		case 'p':
		case 'P':
			ret = parse_port(optarg);
			if (ret < 0 || (opt == 'p' && ret == 0)) {
				fprintf(stderr, "espgwd: -%c %s: not a UDP port (%s65535)\n", opt,
					optarg, opt == 'p' ? "1 to " : "0 to ");
				return 2;
			}
			if (opt == 'p')
				port = (uint16_t)ret;
			else
				natt_port = (uint16_t)ret;
			break;
		case 'u': user = optarg; break;
		case 'd':
			if (log_parse_cats(optarg, &debug)) {
				fprintf(stderr, "espgwd: unknown debug category in '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "espgwd: unexpected argument '%s' (the configuration is -f FILE)\n",
			argv[optind]);
		return 2;
	}
	log_init(use_syslog, debug);
	if (conf_load(conf_path, &conf, err, sizeof(err))) {
		/* one error a line, each with the program's name */
		for (char *line = strtok(err, "\n"); line; line = strtok(NULL, "\n"))
			fprintf(stderr, "espgwd: %s\n", line);
		return 1;
	}
	while ((warn = conf_warning(&conf, &it)))
		log_msg(LOG_WARNING, "%s: warning: %s", conf_path, warn);
	if (check) {
		printf("%s: configuration ok\n", conf_path);
		conf_free(&conf);
		return 0;
	}
	/* before anything is touched: the kernel is flushed below */
	if (priv_lookup(user, &pu, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s", err);
		conf_free(&conf);
		return 1;
	}
	if (ike_crypto_init()) {
		log_msg(LOG_ERR, "OpenSSL initialisation failed");
		return 1;
	}
	ret = kernel_open(&k);
	if (ret) {
		log_msg(LOG_ERR, "cannot talk to espgw.ko: %s", ret == -ENOENT ?
			"the espgw kernel module is not loaded (modprobe espgw)" : strerror(-ret));
		return 1;
	}
	/* Everything in this namespace's espgw is ours, and so are the routes of
	 * protocol ESPGW_RTPROT: start clean after a restart. */
	kernel_flush(k);
	kernel_route_flush(k);
	if (conf.natt == CONF_NATT_OFF)
		natt_port = 0;
	udp = udp_open(port, natt_port);
	if (!udp) {
		log_msg(LOG_ERR, "cannot listen on UDP ports %u and %u: %s", port, natt_port,
			strerror(errno));
		return 1;
	}
	e = ike_engine_new(&conf, k, udp_send, udp);
	if (!e)
		return 1;
	cc.path = ctl_path;
	cc.own_dir = !strcmp(ctl_path, CTL_DEFAULT_PATH);
	cc.uid = pu.uid;
	cc.gid = pu.gid;
	cc.handler = on_command;
	cc.arg = e;
	ctl = ctl_open(&cc, err, sizeof(err));
	if (!ctl) {
		log_msg(LOG_ERR, "%s", err);
		return 1;
	}
	/* every socket is open: network input is parsed without root's powers */
	if (priv_drop(&pu, err, sizeof(err))) {
		log_msg(LOG_ERR, "cannot drop privileges to %s: %s", pu.name, err);
		ctl_close(ctl);
		return 1;
	}
	log_debug(LOG_CAT_ENGINE, "running as %s (uid %u) with CAP_NET_ADMIN only", pu.name,
		  (unsigned int)pu.uid);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (natt_port)
		log_msg(LOG_INFO, "espgwd %s listening on UDP %u and %u (NAT traversal)",
			ESPGW_VERSION, port, natt_port);
	else
		log_msg(LOG_INFO, "espgwd %s listening on UDP %u", ESPGW_VERSION, port);
	/* systemd's Type=notify: the sockets are open, the kernel answers */
	ret = sd_notify_send("READY=1");
	if (ret < 0)
		log_msg(LOG_WARNING, "cannot notify systemd ($NOTIFY_SOCKET): %s", strerror(-ret));

	nudp = udp_fds(udp, fds);
	for (i = 0; i < nudp; i++)
		pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	pfd[nudp] = (struct pollfd){ .fd = kernel_events_fd(k), .events = POLLIN };
	timeout = 1;
	while (!stop) {
		nctl = ctl_pollfds(ctl, pfd + nudp + 1);
		ctl_ms = ctl_timeout(ctl);
		if (ctl_ms < 0 || ctl_ms > (int)timeout * 1000)
			ctl_ms = (int)timeout * 1000;
		if (poll(pfd, nudp + 1 + nctl, ctl_ms) < 0 && errno != EINTR)
			break;
		for (i = 0; i < nudp; i++)
			if (pfd[i].revents & POLLIN)
				udp_read(udp, i, e, now_sec());
		if (pfd[nudp].revents & POLLIN)
			kernel_events_read(k, on_kernel_event, e);
		ctl_run(ctl, pfd + nudp + 1, nctl);
		timeout = ike_timer(e, now_sec());
		udp_flush(udp);		/* what the timer, events and commands sent */
		if (timeout > 1)
			timeout = 1;
	}
	log_msg(LOG_INFO, "shutting down: deleting every SA");
	sd_notify_send("STOPPING=1");
	ike_engine_free(e);
	udp_flush(udp);
	kernel_flush(k);
	kernel_close(k);
	udp_close(udp);
	ret = ctl_close(ctl);
	if (ret)
		log_msg(LOG_WARNING, "cannot remove the control socket %s: %s", ctl_path,
			strerror(-ret));
	conf_free(&conf);
	return 0;
}
