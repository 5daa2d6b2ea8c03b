// SPDX-License-Identifier: GPL-2.0
/*
 * The responder engine driven directly, with a real strongSwan 5.9.8 Main Mode
 * first message (userspace/fuzz/corpus/isakmp/strongswan-modern-mm1): it is
 * answered with one transform, a retransmission gets the same answer byte for
 * byte, a flood of new exchanges stops at the half-open cap, and malformed
 * input is dropped without an answer.
 *
 * Then end to end against the library's initiator on the fake kernel
 * (engine_harness.h): Main Mode, Mode-Config and Quick Mode up to the SAs and
 * the policy in the kernel, with their keys; the client's DELETEs, ike_clear(),
 * PFS, a pushed SET, a lost QM3, DPD both ways.
 */
#include "engine_harness.h"

#include "crypto.h"
#include "isakmp.h"
#include "proposal.h"

#define CONF_BASE EH_CONF_BASE
#define CONF_PULL EH_CONF_PULL

static const char *conf_text = CONF_BASE;

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

/* ---- end to end, against the initiator ---- */

/* The SA of spi at dst: the direction, the ends, and the KEYMAT the client derives too. */
static const struct espgw_sa *check_sa(struct eh *h, uint32_t dst, uint32_t src, uint32_t spi,
				       uint32_t dir)
{
	const struct ike_init_conf *c = &h->ini.conf;
	const struct espgw_sa *sa = kernel_fake_sa(h->k, htonl(dst), spi);
	uint8_t km[2 * ESPGW_KEY_MAX_LEN];
	size_t elen, alen;

	assert_non_null(sa);
	assert_int_equal(sa->dir, dir);
	assert_int_equal(sa->src, htonl(src));
	assert_int_equal(ike_esp_key_sizes(c->esp, c->esp_keybits, c->esp_auth, &elen, &alen), 0);
	assert_int_equal(sa->enc_key_len, elen);
	assert_int_equal(sa->auth_key_len, alen);
	assert_int_equal(ike_init_keymat(&h->ini, spi, km, elen + alen), 0);
	assert_memory_equal(sa->enc_key, km, elen);
	assert_memory_equal(sa->auth_key, km + elen, alen);
	return sa;
}

/*
 * The tunnel is up: exactly two SAs, inbound to the gateway with the SPI of
 * QM2 and outbound to the client with ours, keyed as the client keys them;
 * inbound traffic from the client's pool address to 10.2.2.0/24; one policy.
 */
static void check_tunnel(struct eh *h)
{
	const struct espgw_sa *in;

	assert_int_equal(kernel_fake_nsas(h->k), 2);
	assert_int_equal(kernel_fake_npolicies(h->k), 1);
	in = check_sa(h, EH_GW, EH_CLIENT, h->ini.spi_out, ESPGW_DIR_IN);
	check_sa(h, EH_CLIENT, EH_GW, h->ini.spi_in, ESPGW_DIR_OUT);
	assert_int_equal(in->sel.src, htonl(0x0a020200));
	assert_int_equal(in->sel.src_len, 24);
	assert_int_equal(in->sel.dst, h->ini.addr);
	assert_int_equal(in->sel.dst_len, 32);
	/* the configured anti-replay window (the default here), on the inbound SA */
	assert_true(in->have & 1u << ESPGW_A_SA_REPLAY_WINDOW);
	assert_int_equal(in->replay_window, CONF_REPLAY_WINDOW_DEFAULT);
	/* espgw0 is given an address once the module has it (the reverse-path filter) */
	assert_true(kernel_fake_calls(h->k, KFAKE_DEV_SETUP) >= 1);
}

static void test_tunnel_step_by_step(void **state)
{
	struct eh *h = eh_new(CONF_PULL, NULL);
	struct ike_init *c = &h->ini;
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;
	uint32_t addr;

	(void)state;
	d = eh_ask(h, b, ike_init_mm1(c, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(d->to.sin_addr.s_addr, htonl(EH_CLIENT));
	assert_int_equal(d->to.sin_port, htons(500));
	assert_int_equal(ike_init_mm2(c, d->buf, d->len), 0);
	d = eh_ask(h, b, ike_init_mm3(c, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_mm4(c, d->buf, d->len), 0);
	d = eh_ask(h, b, ike_init_mm5(c, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_mm6(c, d->buf, d->len), 0);	/* HASH_R verified */
	assert_true(c->established);
	assert_non_null(strstr(eh_show(h), "QM_IDLE"));

	d = eh_ask(h, b, ike_init_request(c, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_reply(c, d->buf, d->len), 0);
	addr = ntohl(c->addr);
	assert_true(addr >= 0x0a020101 && addr <= 0x0a0201fe);	/* from ourpool */

	d = eh_ask(h, b, ike_init_qm1(c, 0x12345678, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_qm2(c, d->buf, d->len), 0);	/* HASH(2) verified */
	assert_true(c->spi_out >= 256);
	assert_int_equal(kernel_fake_nsas(h->k), 0);		/* not before QM3 */
	assert_null(eh_ask(h, b, ike_init_qm3(c, b, sizeof(b))));
	assert_int_equal(c->spi_in, 0x12345678);
	check_tunnel(h);
	eh_free(h);
}

/* The client deletes its ESP SA, then its ISAKMP SA. */
static void test_client_deletes(void **state)
{
	struct eh *h = eh_new(CONF_PULL, NULL);
	uint8_t b[IKE_INIT_MSG_MAX];

	(void)state;
	eh_connect(h);
	check_tunnel(h);
	assert_null(eh_ask(h, b, ike_init_delete(&h->ini, ISAKMP_PROTO_ESP, b, sizeof(b))));
	assert_int_equal(kernel_fake_nsas(h->k), 0);
	assert_int_equal(kernel_fake_npolicies(h->k), 0);
	assert_non_null(strstr(eh_show(h), "198.51.100.10"));	/* the ISAKMP SA stays */

	assert_null(eh_ask(h, b, ike_init_delete(&h->ini, ISAKMP_PROTO_ISAKMP, b, sizeof(b))));
	assert_null(strstr(eh_show(h), "198.51.100.10"));
	/* nothing left to answer an R-U-THERE */
	assert_null(eh_ask(h, b, ike_init_dpd(&h->ini, ISAKMP_N_DPD_R_U_THERE, 1, b, sizeof(b))));
	eh_free(h);
}

/* 'espgw ike clear': a DELETE for the ESP SA (the gateway's SPI), then the ISAKMP SA's. */
static void test_clear_sends_deletes(void **state)
{
	struct eh *h = eh_new(CONF_PULL, NULL);
	uint8_t proto;
	uint32_t spi;

	(void)state;
	eh_connect(h);
	assert_int_equal(ike_clear(h->e), 1);
	assert_int_equal(eh_pending(h), 2);
	eh_delete_of(h, eh_recv(h), &proto, &spi);
	assert_int_equal(proto, ISAKMP_PROTO_ESP);
	assert_int_equal(spi, h->ini.spi_out);
	eh_delete_of(h, eh_recv(h), &proto, &spi);
	assert_int_equal(proto, ISAKMP_PROTO_ISAKMP);
	assert_int_equal(kernel_fake_nsas(h->k), 0);
	assert_int_equal(kernel_fake_npolicies(h->k), 0);
	assert_null(strstr(eh_show(h), "198.51.100.10"));
	eh_free(h);
}

/* PFS with group 14, INITIAL-CONTACT and the DPD VID: the keys still agree. */
static void test_pfs(void **state)
{
	struct ike_init_conf ic = eh_client_default();
	struct eh *h;

	(void)state;
	ic.pfs_group = IKE_GROUP_MODP2048;
	ic.initial_contact = true;
	ic.dpd = true;
	h = eh_new(CONF_PULL, &ic);
	eh_connect(h);
	assert_int_equal(h->ini.gqm_len, 256);
	check_tunnel(h);
	eh_free(h);
}

/* Mode-Config push: the SET is acknowledged, so the gateway does not resend it. */
static void test_set_acknowledged(void **state)
{
	struct eh *h = eh_new(CONF_PULL "crypto map intmap client configuration address initiate\n",
			      NULL);
	unsigned int i;

	(void)state;
	eh_connect(h);
	check_tunnel(h);
	assert_int_equal(eh_pending(h), 0);
	for (i = 0; i < 4; i++)
		eh_advance(h, 8);
	assert_int_equal(eh_pending(h), 0);
	eh_free(h);
}

/* Main Mode to MM6 for the harness's client; what else the gateway sent after MM6 is left. */
static void to_mm6(struct eh *h)
{
	struct ike_init *c = &h->ini;
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;

	d = eh_ask(h, b, ike_init_mm1(c, b, sizeof(b)));
	assert_int_equal(ike_init_mm2(c, d->buf, d->len), 0);
	d = eh_ask(h, b, ike_init_mm3(c, b, sizeof(b)));
	assert_int_equal(ike_init_mm4(c, d->buf, d->len), 0);
	d = eh_ask(h, b, ike_init_mm5(c, b, sizeof(b)));
	assert_int_equal(ike_init_mm6(c, d->buf, d->len), 0);
}

/*
 * A client that drops the push and pulls instead (libreswan does): once the
 * REPLY is sent, the SET is not sent again.
 */
static void test_set_pulled_instead(void **state)
{
	struct eh *h = eh_new(CONF_PULL "crypto map intmap client configuration address initiate\n",
			      NULL);
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;

	(void)state;
	to_mm6(h);
	assert_non_null(eh_recv(h));			/* the SET, dropped */
	d = eh_ask(h, b, ike_init_request(&h->ini, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_reply(&h->ini, d->buf, d->len), 0);
	eh_advance(h, 2);
	eh_advance(h, 4);
	eh_advance(h, 8);
	eh_advance(h, 16);
	assert_int_equal(eh_pending(h), 0);
	assert_non_null(strstr(eh_show(h), "QM_IDLE"));
	eh_free(h);
}

/* A client that neither acknowledges the push nor pulls has no address: its SA is ended. */
static void test_set_never_taken(void **state)
{
	struct eh *h = eh_new(CONF_PULL "crypto map intmap client configuration address initiate\n",
			      NULL);
	unsigned int i, sets = 0;
	uint8_t proto = 0;
	uint32_t spi;

	(void)state;
	to_mm6(h);
	for (i = 0; i < 32 && strstr(eh_show(h), "QM_IDLE"); i++)
		eh_advance(h, 1);
	while (eh_pending(h) > 1) {
		eh_recv(h);
		sets++;
	}
	assert_int_equal(sets, 4);			/* the SET and three resends */
	eh_delete_of(h, eh_recv(h), &proto, &spi);
	assert_int_equal(proto, ISAKMP_PROTO_ISAKMP);
	assert_null(strstr(eh_show(h), "QM_IDLE"));
	eh_free(h);
}

/* QM3 lost: QM2 comes again after 2 s, and for a replayed QM1, the same bytes. */
static void test_qm2_resent(void **state)
{
	struct eh *h = eh_new(CONF_PULL, NULL);
	struct ike_init *c = &h->ini;
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *qm2, *d;
	unsigned int qm1;
	int len;

	(void)state;
	d = eh_ask(h, b, ike_init_start(c, b, sizeof(b)));
	while (d && c->step < IKE_INIT_QM2) {
		len = ike_init_input(c, d->buf, d->len, b, sizeof(b));
		assert_true(len > 0);
		d = eh_ask(h, b, len);
	}
	qm1 = h->nin - 1;
	qm2 = d;
	assert_non_null(qm2);
	eh_advance(h, 1);
	assert_int_equal(eh_pending(h), 0);
	eh_advance(h, 1);
	d = eh_recv(h);
	assert_non_null(d);
	assert_int_equal(d->len, qm2->len);
	assert_memory_equal(d->buf, qm2->buf, d->len);
	eh_replay(h, qm1);
	d = eh_recv(h);
	assert_non_null(d);
	assert_memory_equal(d->buf, qm2->buf, d->len);
	len = ike_init_input(c, d->buf, d->len, b, sizeof(b));		/* QM3 */
	assert_int_equal(c->step, IKE_INIT_DONE);
	assert_null(eh_ask(h, b, len));
	check_tunnel(h);
	eh_free(h);
}

/* "crypto isakmp keepalive 10 2": R-U-THERE answered keeps the peer, five unanswered end it. */
/* XAUTH required: a client proposing plain pre-shared keys is refused, nothing held. */
static void test_xauth_required(void **state)
{
	struct eh *h = eh_new(EH_CONF_PULL "aaa authentication login vpnusers local\n"
			      "username alice secret 0 pw\n"
			      "crypto map intmap client authentication list vpnusers\n", NULL);
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;
	struct isakmp_notify_pl n;
	struct isakmp_msg m;
	unsigned int i = 0;
	struct ike_stats st;

	(void)state;
	d = eh_ask(h, b, ike_init_mm1(&h->ini, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(isakmp_decode(d->buf, d->len, &m), ISAKMP_OK);
	assert_int_equal(m.hdr.exch, ISAKMP_EXCH_INFO);
	assert_int_equal(isakmp_decode_notify(isakmp_find(&m, ISAKMP_NP_N, &i), &n), 0);
	assert_int_equal(n.type, ISAKMP_N_NO_PROPOSAL_CHOSEN);
	ike_get_stats(h->e, &st);
	assert_int_equal(st.half_open, 0);
	assert_int_equal(st.mm1, 0);
	eh_free(h);
}

static void test_dpd(void **state)
{
	struct ike_init_conf ic = eh_client_default();
	const struct isakmp_notify_pl *n;
	uint8_t b[IKE_INIT_MSG_MAX];
	struct eh *h;
	unsigned int i;

	(void)state;
	ic.dpd = true;
	h = eh_new(CONF_PULL "crypto isakmp keepalive 10 2\n", &ic);
	eh_connect(h);
	/* ours is answered */
	n = eh_notify_of(h, eh_ask(h, b, ike_init_dpd(&h->ini, ISAKMP_N_DPD_R_U_THERE, 77, b,
						      sizeof(b))));
	assert_int_equal(n->type, ISAKMP_N_DPD_R_U_THERE_ACK);
	assert_int_equal(n->len, 4);
	assert_int_equal(get_be32(n->data), 77);
	/* 10 s of silence: the gateway asks; the ACK keeps the tunnel */
	eh_advance(h, 9);
	assert_int_equal(eh_pending(h), 0);
	eh_advance(h, 1);
	n = eh_notify_of(h, eh_recv(h));
	assert_int_equal(n->type, ISAKMP_N_DPD_R_U_THERE);
	assert_int_equal(n->spi_size, 2 * ISAKMP_COOKIE_LEN);
	assert_int_equal(n->len, 4);
	eh_send(h, b, (size_t)ike_init_dpd(&h->ini, ISAKMP_N_DPD_R_U_THERE_ACK,
					   get_be32(n->data), b, sizeof(b)));
	eh_advance(h, 2);
	assert_int_equal(eh_pending(h), 0);
	/* then silence: five R-U-THEREs, 2 s apart, and the peer is dead */
	eh_advance(h, 8);
	for (i = 0; i < 4; i++)
		eh_advance(h, 2);
	assert_int_equal(eh_pending(h), 5);
	check_tunnel(h);
	eh_advance(h, 2);
	assert_int_equal(kernel_fake_nsas(h->k), 0);
	assert_null(strstr(eh_show(h), "198.51.100.10"));
	eh_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mm1_answer_and_retransmit),
		cmocka_unit_test(test_half_open_flood_one_address),
		cmocka_unit_test(test_half_open_flood_spoofed),
		cmocka_unit_test(test_malformed_dropped),
		cmocka_unit_test(test_tunnel_step_by_step),
		cmocka_unit_test(test_client_deletes),
		cmocka_unit_test(test_clear_sends_deletes),
		cmocka_unit_test(test_pfs),
		cmocka_unit_test(test_set_acknowledged),
		cmocka_unit_test(test_set_pulled_instead),
		cmocka_unit_test(test_set_never_taken),
		cmocka_unit_test(test_qm2_resent),
		cmocka_unit_test(test_dpd),
		cmocka_unit_test(test_xauth_required),
	};

	return cmocka_run_group_tests_name("ike_engine", tests, setup, NULL);
}
