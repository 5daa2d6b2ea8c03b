// SPDX-License-Identifier: GPL-2.0
/*
 * espgw-ikeload: an IKEv1 load generator for bench/ike-load. N remote-access
 * clients, at most W at a time, each on its own UDP socket (its own port: a
 * distinct NAT mapping) with its own identity (ID_KEY_ID "loadNNNNN"), do
 * against one gateway what a stock client does:
 *
 *   Main Mode, pre-shared key      MM1 ->  <- MM2   MM3 ->  <- MM4   MM5 ->  <- MM6
 *   Mode-Config pull               REQUEST(ADDR) ->  <- REPLY(ADDR ...)
 *   Quick Mode to the inside net   QM1 ->  <- QM2   QM3 ->
 *
 * HASH_R, the REPLY's HASH and HASH(2) are verified, so a tunnel counts only
 * when the gateway really negotiated it (a SET, should the gateway push one,
 * is acknowledged). All clients share one DH key pair (each still computes
 * its own shared secret): the generator then spends half the modular
 * exponentiations the gateway does, so the gateway is what is measured. Lost
 * messages are resent (3 s, three times). The gateway's side (its SAs in the
 * kernel) is the bench script's business.
 *
 * The protocol is the initiator of espgwd's protocol library
 * (userspace/ike/initiator.h); this file is the sockets, the clock and the
 * count. It is a measuring tool, not a client for real use.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "initiator.h"
#include "isakmp.h"

#define RETX_SEC	3.0
#define RETX_MAX	3

struct client {
	unsigned int idx;
	int fd;
	struct ike_init ini;		/* the protocol: initiator.h */
	char id[16];			/* its identity */
	uint8_t out[IKE_INIT_MSG_MAX];	/* last message sent, for retransmission */
	size_t out_len;
	double sent;
	unsigned int retx;
};

static struct {
	struct sockaddr_in gw, src;
	struct ike_init_conf conf;	/* every client's, but for its identity */
	unsigned int n, window, done, failed, retx, started;
	unsigned int retx_step[IKE_INIT_DONE];	/* by the answer waited for */
	int verbose;
	struct ike_dh *dh;		/* the clients' shared key pair */
} o = {
	.conf = {
		/* Main Mode: AES-128-CBC, SHA-1, PSK, the group, 8 h */
		.psk = IKE_CHUNK("cisco123", 8), .enc = IKE_ENC_AES_CBC, .keybits = 128,
		.hash = IKE_HASH_SHA1, .auth = IKE_AUTH_PSK, .group = IKE_GROUP_MODP1024,
		.life_sec = 28800, .id_type = ISAKMP_ID_KEY_ID, .modecfg = true,
		/* Quick Mode: ESP AES-128-CBC, HMAC-SHA1, 1 h, the Mode-Config address to NET */
		.esp = ESP_AES_CBC, .esp_keybits = 128, .esp_auth = IPSEC_AUTH_HMAC_SHA1,
		.esp_life_sec = 3600, .proxy_ids = true,
	},
	.n = 1000, .window = 20,
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* why clients failed, for the summary */
static struct {
	const char *why;
	unsigned int n;
} reasons[16];

static bool over(const struct client *c)
{
	return c->ini.step == IKE_INIT_DONE || c->ini.step == IKE_INIT_FAILED;
}

static void fail(struct client *c, const char *why)
{
	size_t i;

	c->ini.step = IKE_INIT_FAILED;
	if (o.verbose)
		fprintf(stderr, "client %u: %s\n", c->idx, why);
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		if (!reasons[i].why || reasons[i].why == why) {
			reasons[i].why = why;
			reasons[i].n++;
			break;
		}
	}
}

static void xmit(struct client *c, const uint8_t *buf, size_t len)
{
	if (send(c->fd, buf, len, 0) < 0 && o.verbose)
		perror("ikeload: send");
}

/* The next message of the exchange: kept for retransmission. */
static void send_msg(struct client *c, const uint8_t *buf, size_t len)
{
	memmove(c->out, buf, len);
	c->out_len = len;
	c->sent = now();
	c->retx = 0;
	xmit(c, c->out, len);
}

static void input(struct client *c)
{
	uint8_t buf[IKE_INIT_MSG_MAX], next[IKE_INIT_MSG_MAX];
	enum ike_init_step st = c->ini.step;
	ssize_t n;
	int len;

	n = recv(c->fd, buf, sizeof(buf), 0);
	if (n <= 0)
		return;
	len = ike_init_input(&c->ini, buf, (size_t)n, next, sizeof(next));
	if (len < 0)
		fail(c, c->ini.why);
	else if (len > 0 && c->ini.step != st)
		send_msg(c, next, (size_t)len);
	else if (len > 0)
		xmit(c, next, (size_t)len);	/* an ACK to a SET */
}

static int client_start(struct client *c, unsigned int idx)
{
	struct ike_init_conf conf = o.conf;
	int len;

	memset(c, 0, sizeof(*c));
	c->idx = idx;
	/* IDii: ID_KEY_ID "loadNNNNN" */
	conf.id = c->id;
	conf.id_len = (size_t)snprintf(c->id, sizeof(c->id), "load%05u", idx);
	c->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		return -1;
	if (bind(c->fd, (struct sockaddr *)&o.src, sizeof(o.src)) ||
	    connect(c->fd, (struct sockaddr *)&o.gw, sizeof(o.gw)) ||
	    ike_init_setup(&c->ini, &conf, o.dh)) {
		close(c->fd);
		return -1;
	}
	len = ike_init_start(&c->ini, c->out, sizeof(c->out));
	if (len <= 0) {
		ike_init_clear(&c->ini);
		close(c->fd);
		return -1;
	}
	send_msg(c, c->out, (size_t)len);
	return 0;
}

static void client_end(struct client *c)
{
	if (c->ini.step == IKE_INIT_DONE)
		o.done++;
	else
		o.failed++;
	ike_init_clear(&c->ini);
	close(c->fd);
	c->fd = -1;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: espgw-ikeload -g GATEWAY -s SOURCE -l NET/PLEN [-n CLIENTS] [-w WINDOW]\n"
		   "                     [-k PSK] [-G MODP-GROUP] [-v]\n"
		   "IKEv1 Main Mode (PSK, aes128-sha1), Mode-Config pull and Quick Mode (ESP\n"
		   "aes128-sha1 to NET/PLEN) for CLIENTS (1000) clients, WINDOW (20) at a time.\n");
}

int main(int argc, char **argv)
{
	struct client *cl;
	struct pollfd *pfd;
	double t0, t;
	unsigned int plen = 0, next = 0, i;
	char net[32] = "", *slash;
	int opt;

	o.gw.sin_family = o.src.sin_family = AF_INET;
	o.gw.sin_port = htons(500);
	while ((opt = getopt(argc, argv, "g:s:l:n:w:k:G:vh")) != -1) {
		switch (opt) {
		case 'g': inet_pton(AF_INET, optarg, &o.gw.sin_addr); break;
		case 's': inet_pton(AF_INET, optarg, &o.src.sin_addr); break;
		case 'l': snprintf(net, sizeof(net), "%s", optarg); break;
		case 'n': o.n = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'w': o.window = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'k': o.conf.psk = IKE_CHUNK(optarg, strlen(optarg)); break;
		case 'G': o.conf.group = (uint16_t)strtoul(optarg, NULL, 0); break;
		case 'v': o.verbose = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	slash = strchr(net, '/');
	if (slash) {
		*slash = 0;
		plen = (unsigned int)atoi(slash + 1);
	}
	if (!o.gw.sin_addr.s_addr || !o.src.sin_addr.s_addr || !slash || plen < 1 || plen > 32 ||
	    inet_pton(AF_INET, net, &o.conf.remote_net) != 1 || !o.n || !o.window ||
	    !ike_dh_len(o.conf.group)) {
		usage(stderr);
		return 2;
	}
	o.conf.remote_mask = htonl(~0u << (32 - plen));
	if (ike_crypto_init())
		return 1;
	o.dh = ike_dh_new(o.conf.group);
	if (!o.dh)
		return 1;
	if (o.window > o.n)
		o.window = o.n;
	cl = calloc(o.window, sizeof(*cl));
	pfd = calloc(o.window, sizeof(*pfd));
	if (!cl || !pfd)
		return 1;
	for (i = 0; i < o.window; i++)
		cl[i].fd = -1;
	t0 = now();
	while (o.done + o.failed < o.n) {
		for (i = 0; i < o.window; i++) {
			struct client *c = &cl[i];

			if (c->fd >= 0 && over(c))
				client_end(c);
			if (c->fd < 0 && next < o.n && client_start(c, next++)) {
				o.failed++;
				c->fd = -1;
			}
			pfd[i] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
		}
		if (poll(pfd, o.window, 200) < 0 && errno != EINTR)
			break;
		t = now();
		for (i = 0; i < o.window; i++) {
			struct client *c = &cl[i];

			if (c->fd < 0)
				continue;
			if (pfd[i].revents & POLLIN)
				input(c);
			if (over(c) || t - c->sent < RETX_SEC)
				continue;
			if (c->retx == RETX_MAX) {
				fail(c, "no answer");
				continue;
			}
			c->retx++;
			o.retx++;
			o.retx_step[c->ini.step]++;
			c->sent = t;
			xmit(c, c->out, c->out_len);
		}
	}
	t = now() - t0;
	printf("ikeload: %u of %u tunnels up in %.1f s: %.1f tunnels/s (%u failed, %u "
	       "retransmissions)\n", o.done, o.n, t, o.done / t, o.failed, o.retx);
	if (o.retx) {
		static const char *const step[] = { "MM2", "MM4", "MM6", "REPLY", "QM2" };

		printf("ikeload: resent while waiting for:");
		for (i = 0; i < sizeof(step) / sizeof(step[0]); i++)
			if (o.retx_step[i])
				printf(" %s %u", step[i], o.retx_step[i]);
		printf("\n");
	}
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]) && reasons[i].why; i++)
		printf("ikeload: %u failed: %s\n", reasons[i].n, reasons[i].why);
	free(cl);
	free(pfd);
	ike_dh_free(o.dh);
	return o.failed ? 1 : 0;
}
