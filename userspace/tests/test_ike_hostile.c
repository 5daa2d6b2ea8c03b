// SPDX-License-Identifier: GPL-2.0
/*
 * The responder against hostile peers, on the engine harness (a fake kernel
 * and clock, the library's initiator as the client). Each test is a defect
 * the engine had; each failed against it.
 */
#include "engine_harness.h"

#include <errno.h>

#include <linux/espgw.h>

#include "sa.h"

#define CONF_BASE EH_CONF_PULL

/* A second client, at from, driven step by step; qm_spi 0: a random SPI. */
struct peer {
	struct ike_init ini;
	struct sockaddr_in from;
	char id[80];
};

static const struct eh_dgram *ask_from(struct eh *h, struct peer *p, const uint8_t *b, int len)
{
	assert_true(len > 0);
	eh_send_from(h, b, (size_t)len, &p->from);
	return eh_recv(h);
}

static void peer_init(struct peer *p, uint32_t addr, uint16_t port, const char *id)
{
	struct ike_init_conf c = eh_client_default();

	snprintf(p->id, sizeof(p->id), "%s", id);
	c.id = p->id;
	c.id_len = strlen(p->id);
	assert_int_equal(ike_init_setup(&p->ini, &c, NULL), 0);
	p->from = eh_addr(addr, port);
}

/* Main Mode through MM6; false when the gateway did not answer a step. */
static bool peer_phase1(struct eh *h, struct peer *p)
{
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;

	d = ask_from(h, p, b, ike_init_mm1(&p->ini, b, sizeof(b)));
	if (!d || ike_init_mm2(&p->ini, d->buf, d->len))
		return false;
	d = ask_from(h, p, b, ike_init_mm3(&p->ini, b, sizeof(b)));
	if (!d || ike_init_mm4(&p->ini, d->buf, d->len))
		return false;
	d = ask_from(h, p, b, ike_init_mm5(&p->ini, b, sizeof(b)));
	return d && !ike_init_mm6(&p->ini, d->buf, d->len);
}

/* Mode-Config and Quick Mode with spi; the QM answer (NULL: none, e.g. a refusal went out). */
static const struct eh_dgram *peer_phase2(struct eh *h, struct peer *p, uint32_t spi)
{
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;

	d = ask_from(h, p, b, ike_init_request(&p->ini, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_reply(&p->ini, d->buf, d->len), 0);
	d = ask_from(h, p, b, ike_init_qm1(&p->ini, spi, b, sizeof(b)));
	if (!d || ike_init_qm2(&p->ini, d->buf, d->len))
		return d;
	assert_null(ask_from(h, p, b, ike_init_qm3(&p->ini, b, sizeof(b))));
	return d;
}

static unsigned int count(const char *s, const char *what)
{
	unsigned int n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

static bool has_sa(struct eh *h, uint32_t dst_host, uint32_t spi)
{
	return kernel_fake_sa(h->k, htonl(dst_host), spi) != NULL;
}

/*
 * 2. Two clients behind one NAT (one address, two ports): B offers as its SPI
 * the one A uses. The gateway refuses B's SA, and A's SAs stay: the clean-up
 * of a failed Quick Mode used to delete A's outbound SA.
 */
static void test_peer_spi_collision(void **state)
{
	struct eh *h = eh_new(CONF_BASE, NULL);
	struct peer b;
	const struct eh_dgram *d;

	(void)state;
	eh_connect(h);
	assert_true(has_sa(h, EH_CLIENT, h->ini.spi_in));
	peer_init(&b, EH_CLIENT, 4500, "client2");
	assert_true(peer_phase1(h, &b));
	d = peer_phase2(h, &b, h->ini.spi_in);		/* A's SPI toward this address */
	assert_non_null(d);
	{
		struct isakmp_notify_pl n;
		unsigned int i = 0;

		/* not QM2: a notification, under B's ISAKMP SA */
		assert_int_equal(ike_init_info(&b.ini, d->buf, d->len, &h->info, h->plain,
					       sizeof(h->plain)), 0);
		assert_int_equal(isakmp_decode_notify(isakmp_find(&h->info, ISAKMP_NP_N, &i),
						      &n), 0);
		assert_int_equal(n.type, ISAKMP_N_INVALID_SPI);
	}
	assert_true(has_sa(h, EH_CLIENT, h->ini.spi_in));	/* A's outbound SA */
	assert_true(has_sa(h, EH_GW, h->ini.spi_out));
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	ike_init_clear(&b.ini);
	eh_free(h);
}

/*
 * A failed install removes exactly what it installed: B's inbound SA when its
 * outbound one cannot go in, and nothing of A's.
 */
static void test_failed_install_cleans_its_own(void **state)
{
	struct eh *h = eh_new(CONF_BASE, NULL);
	uint8_t buf[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;
	struct peer b;

	(void)state;
	eh_connect(h);
	peer_init(&b, EH_CLIENT + 1, 500, "client2");
	assert_true(peer_phase1(h, &b));
	d = ask_from(h, &b, buf, ike_init_request(&b.ini, buf, sizeof(buf)));
	assert_int_equal(ike_init_reply(&b.ini, d->buf, d->len), 0);
	d = ask_from(h, &b, buf, ike_init_qm1(&b.ini, 0, buf, sizeof(buf)));
	assert_int_equal(ike_init_qm2(&b.ini, d->buf, d->len), 0);
	kernel_fake_fail_after(h->k, KFAKE_SA_ADD, 1, -ENOMEM);	/* inbound in, outbound not */
	eh_send_from(h, buf, (size_t)ike_init_qm3(&b.ini, buf, sizeof(buf)), &b.from);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	assert_true(has_sa(h, EH_GW, h->ini.spi_out));
	assert_true(has_sa(h, EH_CLIENT, h->ini.spi_in));
	assert_int_equal(kernel_fake_npolicies(h->k), 1);
	ike_init_clear(&b.ini);
	eh_free(h);
}

/*
 * 3. Kernel expiry events name (destination, SPI). Client B picks as its SPI
 * the gateway's inbound SPI of client A (SPIs are on the wire); when A's
 * inbound SA expires, A's SAs go, not B's: it used to be the first SA with
 * that SPI in either direction, and B's is newer.
 */
static void test_expiry_by_destination(void **state)
{
	struct eh *h = eh_new(CONF_BASE, NULL);
	struct espgw_sa ks = { 0 };
	struct peer b;

	(void)state;
	eh_connect(h);
	peer_init(&b, EH_CLIENT + 1, 500, "client2");
	assert_true(peer_phase1(h, &b));
	assert_non_null(peer_phase2(h, &b, h->ini.spi_out));	/* A's inbound SPI */
	assert_int_equal(kernel_fake_nsas(h->k), 4);
	ks.dst = htonl(EH_GW);
	ks.spi = h->ini.spi_out;
	ks.dir = ESPGW_DIR_IN;
	ks.expire_kind = ESPGW_EXPIRE_KIND_HARD;
	ike_kernel_expire(h->e, &ks);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	assert_false(has_sa(h, EH_GW, h->ini.spi_out));		/* A's went */
	assert_true(has_sa(h, EH_CLIENT + 1, b.ini.spi_in));	/* B's stay */
	assert_true(has_sa(h, EH_GW, b.ini.spi_out));
	ike_init_clear(&b.ini);
	eh_free(h);
}

/* Main Mode to MM5 for the harness's client; MM5 built, not sent. */
static int mm_to_mm5(struct eh *h, uint8_t *b)
{
	const struct eh_dgram *d;

	d = eh_ask(h, b, ike_init_mm1(&h->ini, b, IKE_INIT_MSG_MAX));
	assert_int_equal(ike_init_mm2(&h->ini, d->buf, d->len), 0);
	d = eh_ask(h, b, ike_init_mm3(&h->ini, b, IKE_INIT_MSG_MAX));
	assert_int_equal(ike_init_mm4(&h->ini, d->buf, d->len), 0);
	return ike_init_mm5(&h->ini, b, IKE_INIT_MSG_MAX);
}

/*
 * 4a. A bad MM5 (a forged one, or garbled) is dropped and counted; the SA
 * stays and the genuine MM5 completes Main Mode. It used to be decrypted
 * into the SA's IV and end the SA.
 */
static void test_bad_mm5_not_fatal(void **state)
{
	struct eh *h = eh_new(CONF_BASE, NULL);
	uint8_t b[IKE_INIT_MSG_MAX], bad[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;
	struct ike_stats st;
	int len;

	(void)state;
	len = mm_to_mm5(h, b);
	memcpy(bad, b, (size_t)len);
	bad[len - 1] ^= 0x40;				/* the last ciphertext block */
	eh_send(h, bad, (size_t)len);
	d = eh_recv(h);					/* INVALID-HASH-INFORMATION, unprotected */
	assert_non_null(d);
	d = eh_ask(h, b, len);
	assert_non_null(d);
	assert_int_equal(ike_init_mm6(&h->ini, d->buf, d->len), 0);
	ike_get_stats(h->e, &st);
	assert_int_equal(st.auth_failed, 1);
	eh_free(h);
}

/*
 * 4b. A datagram with the SA's cookies that is not the last accepted one no
 * longer replaces the digest retransmissions are recognised by: after junk,
 * the client's retransmitted MM5 still gets MM6 again, byte for byte.
 */
static void test_retransmission_after_junk(void **state)
{
	struct eh *h = eh_new(CONF_BASE, NULL);
	uint8_t b[IKE_INIT_MSG_MAX], junk[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;
	uint8_t mm6[IKE_INIT_MSG_MAX];
	size_t mm6_len;
	int len;

	(void)state;
	len = mm_to_mm5(h, b);
	d = eh_ask(h, b, len);
	assert_non_null(d);
	memcpy(mm6, d->buf, d->len);
	mm6_len = d->len;
	/* junk under the cookies: Main Mode, encrypted flag, garbage body */
	memcpy(junk, b, (size_t)len);
	junk[ISAKMP_HDR_LEN] ^= 0xff;
	eh_send(h, junk, (size_t)len);
	while (eh_recv(h))
		;
	eh_replay(h, h->nin - 2);			/* MM5 again */
	d = eh_recv(h);
	assert_non_null(d);
	assert_int_equal(d->len, mm6_len);
	assert_memory_equal(d->buf, mm6, mm6_len);
	eh_free(h);
}

/* Phase 1 and Mode-Config for the harness's client; QM1 built into b, not sent. */
static int to_qm1(struct eh *h, uint8_t *b)
{
	const struct eh_dgram *d;
	int len = mm_to_mm5(h, b);

	d = eh_ask(h, b, len);
	assert_int_equal(ike_init_mm6(&h->ini, d->buf, d->len), 0);
	d = eh_ask(h, b, ike_init_request(&h->ini, b, IKE_INIT_MSG_MAX));
	assert_int_equal(ike_init_reply(&h->ini, d->buf, d->len), 0);
	return ike_init_qm1(&h->ini, 0, b, IKE_INIT_MSG_MAX);
}

/*
 * 4c. A QM3 that fails HASH(3) changes nothing: the genuine QM3 after it
 * still installs the SAs. The Quick Mode IV used to move on with the bad one.
 */
static void test_bad_qm3_then_genuine(void **state)
{
	struct eh *h = eh_new(CONF_BASE, NULL);
	uint8_t b[IKE_INIT_MSG_MAX], bad[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;
	struct ike_stats st;
	int len;

	(void)state;
	d = eh_ask(h, b, to_qm1(h, b));
	assert_int_equal(ike_init_qm2(&h->ini, d->buf, d->len), 0);
	len = ike_init_qm3(&h->ini, b, sizeof(b));
	memcpy(bad, b, (size_t)len);
	bad[len - 1] ^= 1;
	assert_null(eh_ask(h, bad, len));
	assert_int_equal(kernel_fake_nsas(h->k), 0);
	assert_null(eh_ask(h, b, len));
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	ike_get_stats(h->e, &st);
	assert_int_equal(st.bad_hash, 1);
	eh_free(h);
}

/*
 * 5. A completed QM1 replayed (captured off the wire) gets no QM2, costs no
 * Quick Mode slot and no DH: the client's next Quick Mode still works. Each
 * replay used to get a fresh QM2 and a slot until the four were full.
 */
static void test_qm1_replay(void **state)
{
	struct eh *h = eh_new(CONF_BASE, NULL);
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;
	unsigned int qm1, i, replies = 0;
	struct ike_stats st;

	(void)state;
	d = eh_ask(h, b, to_qm1(h, b));
	qm1 = h->nin - 1;
	assert_int_equal(ike_init_qm2(&h->ini, d->buf, d->len), 0);
	assert_null(eh_ask(h, b, ike_init_qm3(&h->ini, b, sizeof(b))));
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	for (i = 0; i < 8; i++) {
		eh_replay(h, qm1);
		while (eh_recv(h))
			replies++;
	}
	/* a rekey: a new Quick Mode */
	d = eh_ask(h, b, ike_init_qm1(&h->ini, 0, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_qm2(&h->ini, d->buf, d->len), 0);
	assert_null(eh_ask(h, b, ike_init_qm3(&h->ini, b, sizeof(b))));
	assert_int_equal(kernel_fake_nsas(h->k), 4);
	assert_int_equal(replies, 0);
	ike_get_stats(h->e, &st);
	assert_int_equal(st.replays, 8);
	eh_free(h);
}

/*
 * The client's QM3 again after its Quick Mode is over (it did not know we had
 * it): dropped quietly, not taken for a new exchange that does not verify.
 */
static void test_qm3_again(void **state)
{
	struct eh *h = eh_new(CONF_BASE, NULL);
	struct ike_stats st;

	(void)state;
	eh_connect(h);
	eh_replay(h, h->nin - 1);			/* QM3 */
	assert_null(eh_recv(h));
	ike_get_stats(h->e, &st);
	assert_int_equal(st.bad_hash, 0);
	assert_int_equal(st.replays, 1);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	eh_free(h);
}

/* 5b. A replayed informational does nothing: an R-U-THERE is answered once. */
static void test_info_replay(void **state)
{
	struct eh *h = eh_new(CONF_BASE, NULL);
	uint8_t b[IKE_INIT_MSG_MAX];

	(void)state;
	eh_connect(h);
	assert_non_null(eh_ask(h, b, ike_init_dpd(&h->ini, ISAKMP_N_DPD_R_U_THERE, 7, b,
						sizeof(b))));
	eh_replay(h, h->nin - 1);
	assert_null(eh_recv(h));
	eh_free(h);
}

/*
 * 6. One holder of the key from one address: at most 'espgw limit
 * sa-per-peer' ISAKMP SAs (the next MM3 is dropped before any DH), so it
 * cannot take the whole pool.
 */
static void test_sa_per_peer(void **state)
{
	struct eh *h = eh_new(CONF_BASE "espgw limit sa-per-peer 3\n", NULL);
	struct peer p[4];
	struct ike_stats st;
	unsigned int i;
	char id[16];

	(void)state;
	for (i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "user%u", i);
		peer_init(&p[i], EH_CLIENT, (uint16_t)(1000 + i), id);
		assert_int_equal(peer_phase1(h, &p[i]), i < 3);
		ike_init_clear(&p[i].ini);
	}
	assert_int_equal(count(eh_show(h), "QM_IDLE"), 3);
	ike_get_stats(h->e, &st);
	assert_int_equal(st.sa_peer_limit, 1);
	assert_int_equal(st.isakmp_sas, 3);
	eh_free(h);
}

/* 6b. ... and per identity: the one past 'espgw limit sa-per-identity' gets a DELETE. */
static void test_sa_per_identity(void **state)
{
	struct eh *h = eh_new(CONF_BASE "espgw limit sa-per-identity 2\n", NULL);
	struct peer p[3];
	struct ike_stats st;
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		peer_init(&p[i], EH_CLIENT + i, 500, "same");
		assert_true(peer_phase1(h, &p[i]));
		ike_init_clear(&p[i].ini);
	}
	assert_int_equal(count(eh_show(h), "QM_IDLE"), 2);
	ike_get_stats(h->e, &st);
	assert_int_equal(st.sa_id_limit, 1);
	assert_int_equal(st.isakmp_sas, 2);
	eh_free(h);
}

/*
 * 6c. A lease in grace goes back only to its identity and mapping, the
 * whole identity: two identities that share their first 64 bytes are two
 * clients (leases used to be keyed by a truncated copy).
 */
static void test_grace_whole_identity(void **state)
{
	struct eh *h = eh_new(CONF_BASE, NULL);
	uint8_t b[IKE_INIT_MSG_MAX];
	char id[80];
	struct peer a, c;
	uint32_t first;

	(void)state;
	memset(id, 'x', 70);
	id[70] = 0;
	id[69] = 'A';
	peer_init(&a, EH_CLIENT, 500, id);
	assert_true(peer_phase1(h, &a));
	assert_non_null(peer_phase2(h, &a, 0));
	first = a.ini.addr;
	/* A leaves: its lease waits in grace for its identity and mapping */
	assert_null(ask_from(h, &a, b, ike_init_delete(&a.ini, ISAKMP_PROTO_ISAKMP, b, sizeof(b))));
	id[69] = 'B';			/* same first 64 bytes, same mapping */
	peer_init(&c, EH_CLIENT, 500, id);
	assert_true(peer_phase1(h, &c));
	assert_non_null(peer_phase2(h, &c, 0));
	assert_int_not_equal(c.ini.addr, first);
	ike_init_clear(&a.ini);
	ike_init_clear(&c.ini);
	eh_free(h);
}

/*
 * 7. DPD liveness counts only authenticated messages from the peer: junk
 * with the SA's cookies every few seconds, from anywhere, no longer keeps a
 * dead client's SAs and lease forever.
 */
static void test_dpd_not_fooled(void **state)
{
	struct eh *h = eh_new(CONF_BASE "crypto isakmp keepalive 10 2\n", NULL);
	struct ike_init_conf c = eh_client_default();
	uint8_t b[IKE_INIT_MSG_MAX];
	struct sockaddr_in other = eh_addr(0xcb007101, 500);
	unsigned int t;
	int len;

	(void)state;
	c.dpd = true;
	ike_init_clear(&h->ini);
	assert_int_equal(ike_init_setup(&h->ini, &c, NULL), 0);
	eh_connect(h);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	/* the client is gone; something sends informationals with its cookies */
	len = ike_init_dpd(&h->ini, ISAKMP_N_DPD_R_U_THERE, 99, b, sizeof(b));
	b[len - 1] ^= 1;	/* no key: not authentic */
	for (t = 0; t < 60; t += 2) {
		eh_send(h, b, (size_t)len);
		eh_send_from(h, b, (size_t)len, &other);
		eh_advance(h, 2);
		eh_forget(h);
	}
	assert_int_equal(kernel_fake_nsas(h->k), 0);	/* declared dead */
	assert_null(strstr(eh_show(h), "QM_IDLE"));
	eh_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peer_spi_collision),
		cmocka_unit_test(test_failed_install_cleans_its_own),
		cmocka_unit_test(test_expiry_by_destination),
		cmocka_unit_test(test_bad_mm5_not_fatal),
		cmocka_unit_test(test_retransmission_after_junk),
		cmocka_unit_test(test_bad_qm3_then_genuine),
		cmocka_unit_test(test_qm1_replay),
		cmocka_unit_test(test_qm3_again),
		cmocka_unit_test(test_info_replay),
		cmocka_unit_test(test_sa_per_peer),
		cmocka_unit_test(test_sa_per_identity),
		cmocka_unit_test(test_grace_whole_identity),
		cmocka_unit_test(test_dpd_not_fooled),
	};

	return cmocka_run_group_tests_name("ike_hostile", tests, NULL, NULL);
}
