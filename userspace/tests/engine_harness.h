/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test plumbing for the responder engine (ike.h) against the initiator of
 * the protocol library (initiator.h): one engine on the fake kernel, one
 * client, a fake clock, and every datagram either way kept in order.
 *
 *   struct eh *h = eh_new(conf_text, NULL);	  NULL: eh_client_default()
 *   eh_connect(h);				  the whole exchange, asserted
 *   len = ike_init_delete(&h->ini, ISAKMP_PROTO_ESP, b, sizeof(b));
 *   eh_send(h, b, len);			  any datagram, from the client
 *   eh_send_from(h, b, len, &other);		  ... or from anywhere
 *   eh_replay(h, 3);				  the client's 4th datagram again
 *   d = eh_recv(h);				  the engine's next answer, or NULL
 *   eh_advance(h, 10);				  the clock, and the engine's timer
 *   eh_free(h);
 *
 * A test that steps through the exchange builds each message with the
 * ike_init_*() functions and hands each answer back to them (eh_ask() sends
 * and returns the answer). Assertions are cmocka's.
 */
#ifndef _ESPGW_ENGINE_HARNESS_H_
#define _ESPGW_ENGINE_HARNESS_H_

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"
#include "ctlcmd.h"
#include "ike.h"
#include "initiator.h"
#include "kernel_fake.h"

/* The gateway: wildcard key cisco123, AES-128/SHA-1/group 14, ESP AES-128/SHA-1 to 10.2.2.0/24 */
#define EH_CONF_BASE \
	"crypto isakmp policy 10\n" \
	" encryption aes 128\n" \
	" hash sha\n" \
	" authentication pre-share\n" \
	" group 14\n" \
	"crypto isakmp key cisco123 address 0.0.0.0\n" \
	"crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac\n" \
	"crypto dynamic-map dynmap 10\n" \
	" set transform-set ts1\n" \
	" set local-network 10.2.2.0 255.255.255.0\n" \
	"crypto map intmap 10 ipsec-isakmp dynamic dynmap\n"

/* ... and Mode-Config pull from a pool */
#define EH_CONF_PULL EH_CONF_BASE \
	"crypto isakmp client configuration address-pool local ourpool\n" \
	"crypto map intmap client configuration address respond\n" \
	"ip local pool ourpool 10.2.1.1 10.2.1.254\n"

#define EH_MAX_DGRAMS	128		/* kept each way; eh_forget() makes room */
#define EH_GW		0xc0000201	/* 192.0.2.1:500, host order */
#define EH_CLIENT	0xc633640a	/* 198.51.100.10:500 */
#define EH_START	1000		/* the clock at eh_new() */

struct eh_dgram {
	struct sockaddr_in from, to;
	size_t len;
	uint8_t buf[IKE_INIT_MSG_MAX];
};

struct eh {
	struct conf conf;
	struct kernel *k;		/* kernel_fake_*() */
	struct ike_engine *e;
	struct ike_init ini;		/* the client */
	struct sockaddr_in gw, client;
	uint64_t now;
	/* what the engine sent; eh_recv() takes them in order from out[next] */
	struct eh_dgram out[EH_MAX_DGRAMS];
	unsigned int nout, next;
	/* what was sent to the engine */
	struct eh_dgram in[EH_MAX_DGRAMS];
	unsigned int nin;
	/* an informational opened by eh_delete_of() or eh_notify_of(), the text of eh_show() */
	struct isakmp_msg info;
	uint8_t plain[IKE_INIT_MSG_MAX];
	struct isakmp_notify_pl notify;
	char show[8192];
};

static inline struct sockaddr_in eh_addr(uint32_t host, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(host);
	return a;
}

/*
 * The client: PSK cisco123, AES-128/SHA-1/group 14, ID_KEY_ID "client1",
 * Mode-Config pull, ESP AES-128/HMAC-SHA1 from its address to 10.2.2.0/24.
 */
static inline struct ike_init_conf eh_client_default(void)
{
	static const char id[] = "client1";

	return (struct ike_init_conf){
		.psk = IKE_CHUNK("cisco123", 8), .enc = IKE_ENC_AES_CBC, .keybits = 128,
		.hash = IKE_HASH_SHA1, .auth = IKE_AUTH_PSK, .group = IKE_GROUP_MODP2048,
		.life_sec = 28800, .id_type = ISAKMP_ID_KEY_ID, .id = id,
		.id_len = sizeof(id) - 1, .modecfg = true, .esp = ESP_AES_CBC,
		.esp_keybits = 128, .esp_auth = IPSEC_AUTH_HMAC_SHA1, .esp_life_sec = 3600,
		.proxy_ids = true, .remote_net = htonl(0x0a020200),
		.remote_mask = htonl(0xffffff00),
	};
}

static inline int eh_capture(void *arg, const struct sockaddr_in *local,
			     const struct sockaddr_in *peer, const void *buf, size_t len)
{
	struct eh *h = arg;
	struct eh_dgram *d;

	if (h->nout == EH_MAX_DGRAMS)
		fail_msg("harness: the engine sent more than %d datagrams: eh_forget()",
			 EH_MAX_DGRAMS);
	assert_true(len <= sizeof(d->buf));
	d = &h->out[h->nout++];
	d->from = *local;
	d->to = *peer;
	d->len = len;
	memcpy(d->buf, buf, len);
	return 0;
}

/* An engine on conf_text, a client on ic (NULL: eh_client_default()), the clock at EH_START. */
static inline struct eh *eh_new(const char *conf_text, const struct ike_init_conf *ic)
{
	struct ike_init_conf def = eh_client_default();
	struct eh *h = calloc(1, sizeof(*h));
	char err[256];

	assert_non_null(h);
	assert_int_equal(ike_crypto_init(), 0);
	if (conf_parse("harness.conf", conf_text, &h->conf, err, sizeof(err)))
		fail_msg("harness: %s", err);
	h->k = kernel_fake_new();
	assert_non_null(h->k);
	h->e = ike_engine_new(&h->conf, h->k, eh_capture, h);
	assert_non_null(h->e);
	assert_int_equal(ike_init_setup(&h->ini, ic ? ic : &def, NULL), 0);
	h->gw = eh_addr(EH_GW, 500);
	h->client = eh_addr(EH_CLIENT, 500);
	h->now = EH_START;
	return h;
}

static inline void eh_free(struct eh *h)
{
	ike_engine_free(h->e);
	kernel_fake_free(h->k);
	conf_free(&h->conf);
	ike_init_clear(&h->ini);
	free(h);
}

/* Forget every datagram kept so far (for tests that send floods). */
static inline void eh_forget(struct eh *h)
{
	h->nout = h->next = h->nin = 0;
}

/* Any datagram, from any address and port, to the gateway's port to, at the current time. */
static inline void eh_send_to(struct eh *h, const void *buf, size_t len,
			      const struct sockaddr_in *from, const struct sockaddr_in *to)
{
	struct eh_dgram *d;

	if (h->nin == EH_MAX_DGRAMS)
		fail_msg("harness: more than %d datagrams sent: eh_forget()", EH_MAX_DGRAMS);
	assert_true(len <= sizeof(d->buf));
	d = &h->in[h->nin++];
	d->from = *from;
	d->to = *to;
	d->len = len;
	memcpy(d->buf, buf, len);
	ike_input(h->e, d->buf, len, to, from, h->now);
}

/* ... to port 500 */
static inline void eh_send_from(struct eh *h, const void *buf, size_t len,
				const struct sockaddr_in *from)
{
	eh_send_to(h, buf, len, from, &h->gw);
}

static inline void eh_send(struct eh *h, const void *buf, size_t len)
{
	assert_true(len > 0);
	eh_send_from(h, buf, len, &h->client);
}

/* The i-th datagram sent to the engine, again, from where it came. */
static inline void eh_replay(struct eh *h, unsigned int i)
{
	assert_true(i < h->nin);
	eh_send_to(h, h->in[i].buf, h->in[i].len, &h->in[i].from, &h->in[i].to);
}

/* The engine's next datagram not yet taken, or NULL. */
static inline const struct eh_dgram *eh_recv(struct eh *h)
{
	return h->next < h->nout ? &h->out[h->next++] : NULL;
}

static inline unsigned int eh_pending(const struct eh *h)
{
	return h->nout - h->next;
}

/* Send from the client, take the engine's next datagram (NULL: none). */
static inline const struct eh_dgram *eh_ask(struct eh *h, const void *buf, int len)
{
	assert_true(len > 0);
	eh_send(h, buf, (size_t)len);
	return eh_recv(h);
}

/* Move the clock on and run the engine's timer; its answer (seconds until it wants to run). */
static inline unsigned int eh_advance(struct eh *h, uint64_t secs)
{
	h->now += secs;
	return ike_timer(h->e, h->now);
}

/* ike_init_io_fn for ike_init_run(). */
static inline int eh_io(void *arg, const uint8_t *buf, size_t len, uint8_t *reply, size_t cap)
{
	struct eh *h = arg;
	const struct eh_dgram *d;

	if (len)
		eh_send(h, buf, len);
	d = eh_recv(h);
	if (!d)
		return 0;
	assert_true(d->len <= cap);
	memcpy(reply, d->buf, d->len);
	return (int)d->len;
}

/* The whole exchange, MM1 to QM3; the client must end with its tunnel. */
static inline void eh_connect(struct eh *h)
{
	if (ike_init_run(&h->ini, eh_io, h))
		fail_msg("harness: the exchange failed: %s", h->ini.why);
	assert_int_equal(h->ini.step, IKE_INIT_DONE);
}

/* d is a protected informational (HASH(1) verified) with a payload of type: the first. */
static inline const struct isakmp_payload *eh_info_payload(struct eh *h,
							   const struct eh_dgram *d, uint8_t type)
{
	unsigned int i = 0;

	assert_non_null(d);
	assert_int_equal(ike_init_info(&h->ini, d->buf, d->len, &h->info, h->plain,
				       sizeof(h->plain)), 0);
	return isakmp_find(&h->info, type, &i);
}

/* d is a protected informational with a notification: the first (in h->notify). */
static inline const struct isakmp_notify_pl *eh_notify_of(struct eh *h, const struct eh_dgram *d)
{
	const struct isakmp_payload *pl = eh_info_payload(h, d, ISAKMP_NP_N);

	assert_non_null(pl);
	assert_int_equal(isakmp_decode_notify(pl, &h->notify), 0);
	return &h->notify;
}

/*
 * d is a protected informational with a DELETE: its protocol, and its first
 * SPI for ESP (host order; for ISAKMP the cookies are checked).
 */
static inline void eh_delete_of(struct eh *h, const struct eh_dgram *d, uint8_t *proto,
				uint32_t *spi)
{
	const struct isakmp_payload *pl = eh_info_payload(h, d, ISAKMP_NP_D);
	struct isakmp_delete del;

	assert_non_null(pl);
	assert_int_equal(isakmp_decode_delete(pl, &del), 0);
	assert_int_equal(del.nspi, 1);
	*proto = del.proto;
	*spi = 0;
	if (del.proto == ISAKMP_PROTO_ESP) {
		assert_int_equal(del.spi_size, 4);
		*spi = get_be32(del.spis);
	} else {
		assert_int_equal(del.spi_size, 2 * ISAKMP_COOKIE_LEN);
		assert_memory_equal(del.spis, h->ini.ci, ISAKMP_COOKIE_LEN);
		assert_memory_equal(del.spis + ISAKMP_COOKIE_LEN, h->ini.cr, ISAKMP_COOKIE_LEN);
	}
}

/* What espgwd answers 'espgw ike show' with: records (in h->show, until the next call). */
static inline const char *eh_show(struct eh *h)
{
	FILE *f;

	memset(h->show, 0, sizeof(h->show));
	f = fmemopen(h->show, sizeof(h->show) - 1, "w");
	assert_non_null(f);
	ctl_command(h->e, "show", f, h->now);
	fclose(f);
	return h->show;
}

#endif /* _ESPGW_ENGINE_HARNESS_H_ */
