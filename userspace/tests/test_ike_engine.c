// SPDX-License-Identifier: GPL-2.0
/*
 * The responder engine driven directly, with a real strongSwan 5.9.8 Main Mode
 * first message (userspace/fuzz/corpus/isakmp/strongswan-modern-mm1): it is
 * answered with one transform, a retransmission gets the same answer byte for
 * byte, a flood of new exchanges stops at the half-open cap, and malformed
 * input is dropped without an answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"
#include "crypto.h"
#include "ike.h"
#include "isakmp.h"

static const char *conf_text =
	"crypto isakmp policy 10\n"
	" encryption aes 128\n"
	" hash sha\n"
	" authentication pre-share\n"
	" group 14\n"
	"crypto isakmp key cisco123 address 0.0.0.0\n"
	"crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac\n"
	"crypto dynamic-map dynmap 10\n"
	" set transform-set ts1\n"
	" set local-network 10.2.2.0 255.255.255.0\n"
	"crypto map intmap 10 ipsec-isakmp dynamic dynmap\n";

struct capture {
	unsigned int n;
	uint8_t last[4096];
	size_t last_len;
};

static int capture_send(void *arg, const struct sockaddr_in *local, const struct sockaddr_in *peer,
			const void *buf, size_t len)
{
	struct capture *c = arg;

	(void)local;
	(void)peer;
	assert_true(len <= sizeof(c->last));
	memcpy(c->last, buf, len);
	c->last_len = len;
	c->n++;
	return 0;
}

static uint8_t mm1[2048];
static size_t mm1_len;

static int setup(void **state)
{
	FILE *f = fopen("userspace/fuzz/corpus/isakmp/strongswan-modern-mm1", "rb");

	(void)state;
	assert_non_null(f);
	mm1_len = fread(mm1, 1, sizeof(mm1), f);
	fclose(f);
	assert_true(mm1_len > ISAKMP_HDR_LEN);
	assert_int_equal(ike_crypto_init(), 0);
	return 0;
}

static void addrs(struct sockaddr_in *local, struct sockaddr_in *peer, uint32_t peer_ip)
{
	memset(local, 0, sizeof(*local));
	memset(peer, 0, sizeof(*peer));
	local->sin_family = peer->sin_family = AF_INET;
	local->sin_port = peer->sin_port = htons(500);
	local->sin_addr.s_addr = htonl(0xc0000201);	/* 192.0.2.1 */
	peer->sin_addr.s_addr = htonl(peer_ip);
}

static void test_mm1_answer_and_retransmit(void **state)
{
	struct sockaddr_in local, peer;
	struct capture cap = { 0 };
	uint8_t first[4096];
	struct isakmp_msg m;
	struct isakmp_sa sa;
	struct ike_engine *e;
	struct conf conf;
	size_t first_len;
	unsigned int i = 0;
	char err[256];

	(void)state;
	assert_int_equal(conf_parse("t.conf", conf_text, &conf, err, sizeof(err)), 0);
	e = ike_engine_new(&conf, NULL, capture_send, &cap);
	assert_non_null(e);
	addrs(&local, &peer, 0xc633640a);	/* 198.51.100.10 */

	ike_input(e, mm1, mm1_len, &local, &peer, 100);
	assert_int_equal(cap.n, 1);
	assert_int_equal(isakmp_decode(cap.last, cap.last_len, &m), ISAKMP_OK);
	assert_int_equal(m.hdr.exch, ISAKMP_EXCH_IDPROT);
	assert_memory_equal(m.hdr.icookie, mm1, ISAKMP_COOKIE_LEN);
	assert_int_equal(isakmp_decode_sa(isakmp_find(&m, ISAKMP_NP_SA, &i), &sa), 0);
	assert_int_equal(sa.nprop, 1);
	assert_int_equal(sa.ntrans, 1);	/* exactly one transform chosen */
	memcpy(first, cap.last, cap.last_len);
	first_len = cap.last_len;

	/* the same datagram again: the same answer, byte for byte, no new SA */
	ike_input(e, mm1, mm1_len, &local, &peer, 101);
	assert_int_equal(cap.n, 2);
	assert_int_equal(cap.last_len, first_len);
	assert_memory_equal(cap.last, first, first_len);

	ike_engine_free(e);
	conf_free(&conf);
}

/*
 * A flood of fresh MM1s from one address (no spoofing; about what 35 packets/s
 * for 30 s make) used to fill the half-open table and lock every other client
 * out. Now that address gets its quota and the rest of its MM1s are dropped
 * before any work, counted; another client is still answered.
 */
static void test_half_open_flood_one_address(void **state)
{
	struct sockaddr_in local, peer, other;
	struct capture cap = { 0 };
	struct ike_stats st;
	struct ike_engine *e;
	struct conf conf;
	uint8_t msg[2048];
	unsigned int i;
	char err[256];

	(void)state;
	assert_int_equal(conf_parse("t.conf", conf_text, &conf, err, sizeof(err)), 0);
	e = ike_engine_new(&conf, NULL, capture_send, &cap);
	addrs(&local, &peer, 0xc6336400);
	addrs(&local, &other, 0xc6336401);
	memcpy(msg, mm1, mm1_len);
	for (i = 0; i < 1024 + 100; i++) {
		memcpy(msg, &i, sizeof(i));		/* a fresh initiator cookie each */
		ike_input(e, msg, mm1_len, &local, &peer, 200);
	}
	assert_int_equal(cap.n, IKE_HALF_OPEN_PER_PEER);
	ike_get_stats(e, &st);
	assert_int_equal(st.mm1_peer_quota, 1024 + 100 - IKE_HALF_OPEN_PER_PEER);
	assert_int_equal(st.half_open, IKE_HALF_OPEN_PER_PEER);
	/* someone else is not locked out */
	memcpy(msg, &i, sizeof(i));
	ike_input(e, msg, mm1_len, &local, &other, 201);
	assert_int_equal(cap.n, IKE_HALF_OPEN_PER_PEER + 1);
	/* they time out and make room again */
	ike_timer(e, 200 + IKE_HALF_OPEN_TIMEOUT);
	ike_get_stats(e, &st);
	assert_int_equal(st.half_open_expired, IKE_HALF_OPEN_PER_PEER);
	i++;
	memcpy(msg, &i, sizeof(i));
	ike_input(e, msg, mm1_len, &local, &peer, 200 + IKE_HALF_OPEN_TIMEOUT);
	assert_int_equal(cap.n, IKE_HALF_OPEN_PER_PEER + 2);
	ike_engine_free(e);
	conf_free(&conf);
}

/*
 * A spoofed flood (a new source address each time): every MM1 is answered,
 * the oldest unanswered exchanges make room, and memory stays bounded by
 * the table's size.
 */
static void test_half_open_flood_spoofed(void **state)
{
	struct sockaddr_in local, peer;
	struct capture cap = { 0 };
	struct ike_stats st;
	struct ike_engine *e;
	struct conf conf;
	uint8_t msg[2048];
	unsigned int i;
	char err[256];

	(void)state;
	assert_int_equal(conf_parse("t.conf", conf_text, &conf, err, sizeof(err)), 0);
	e = ike_engine_new(&conf, NULL, capture_send, &cap);
	memcpy(msg, mm1, mm1_len);
	for (i = 0; i < IKE_HALF_OPEN_MAX + 100; i++) {
		addrs(&local, &peer, 0x0a000000 + i);
		memcpy(msg, &i, sizeof(i));
		ike_input(e, msg, mm1_len, &local, &peer, 300);
	}
	assert_int_equal(cap.n, IKE_HALF_OPEN_MAX + 100);
	ike_get_stats(e, &st);
	assert_int_equal(st.half_open, IKE_HALF_OPEN_MAX);
	assert_int_equal(st.half_open_evicted, 100);
	ike_engine_free(e);
	conf_free(&conf);
}

static void test_malformed_dropped(void **state)
{
	struct sockaddr_in local, peer;
	struct capture cap = { 0 };
	struct ike_engine *e;
	struct conf conf;
	uint8_t msg[2048];
	size_t cut;
	char err[256];

	(void)state;
	assert_int_equal(conf_parse("t.conf", conf_text, &conf, err, sizeof(err)), 0);
	e = ike_engine_new(&conf, NULL, capture_send, &cap);
	addrs(&local, &peer, 0xc6336401);
	/* every truncation of a valid MM1: no crash, no state, no answer */
	for (cut = 0; cut < mm1_len; cut++) {
		memcpy(msg, mm1, cut);
		ike_input(e, msg, cut, &local, &peer, 300);
	}
	assert_int_equal(cap.n, 0);
	ike_engine_free(e);
	conf_free(&conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mm1_answer_and_retransmit),
		cmocka_unit_test(test_half_open_flood_one_address),
		cmocka_unit_test(test_half_open_flood_spoofed),
		cmocka_unit_test(test_malformed_dropped),
	};

	return cmocka_run_group_tests_name("ike_engine", tests, setup, NULL);
}
