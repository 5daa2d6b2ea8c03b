// SPDX-License-Identifier: GPL-2.0
/*
 * XAUTH against local users (draft-beaulieu-ike-xauth-02) in the engine, on
 * the engine harness: after Main or Aggressive Mode the gateway asks for a
 * user name and password, three tries, SET STATUS and ACK, then Mode-Config
 * and Quick Mode; nothing else is served before; a wrong password three
 * times, or no answer, ends in a DELETE with nothing installed.
 */
#include "engine_harness.h"

#define XAUTH_CONF EH_CONF_PULL \
	"ip local pool apool 10.2.5.1 10.2.5.10\n" \
	"crypto isakmp client configuration group groupa\n" \
	" key akey-123\n" \
	" pool apool\n" \
	"aaa new-model\n" \
	"aaa authentication login vpnusers local\n" \
	"username alice secret 0 Wonderland9\n" \
	"username bob secret 0 Rabbit-hole\n" \
	"crypto map intmap client authentication list vpnusers\n"

static struct ike_init_conf xclient(const char *user, const char *pass)
{
	struct ike_init_conf c = eh_client_default();

	c.auth = IKE_AUTH_XAUTH_INIT_PSK;
	c.xauth_user = user;
	c.xauth_pass = pass;
	return c;
}

static struct ike_stats stats(struct eh *h)
{
	struct ike_stats st;

	ike_get_stats(h->e, &st);
	return st;
}

/* Main Mode MM1 to MM6; the gateway's XAUTH REQUEST follows MM6 at once: returned. */
static const struct eh_dgram *main_mode(struct eh *h)
{
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;

	d = eh_ask(h, b, ike_init_mm1(&h->ini, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_mm2(&h->ini, d->buf, d->len), 0);
	d = eh_ask(h, b, ike_init_mm3(&h->ini, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_mm4(&h->ini, d->buf, d->len), 0);
	d = eh_ask(h, b, ike_init_mm5(&h->ini, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_mm6(&h->ini, d->buf, d->len), 0);
	return eh_recv(h);
}

/* Answer the gateway's message d (REQUEST or SET); its next message (NULL: none). */
static const struct eh_dgram *answer(struct eh *h, const struct eh_dgram *d)
{
	uint8_t b[IKE_INIT_MSG_MAX];
	int len;

	assert_non_null(d);
	len = ike_init_xauth(&h->ini, d->buf, d->len, b, sizeof(b));
	if (len <= 0)
		fail_msg("XAUTH answer: %s", h->ini.why);
	return eh_ask(h, b, len);
}

/* After XAUTH: Mode-Config pulled, Quick Mode; the tunnel is up. */
static void modecfg_and_qm(struct eh *h)
{
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;

	d = eh_ask(h, b, ike_init_request(&h->ini, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_reply(&h->ini, d->buf, d->len), 0);
	d = eh_ask(h, b, ike_init_qm1(&h->ini, 0, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_qm2(&h->ini, d->buf, d->len), 0);
	eh_send(h, b, (size_t)ike_init_qm3(&h->ini, b, sizeof(b)));
	assert_int_equal(kernel_fake_nsas(h->k), 2);
}

/*
 * strongSwan's XAUTH client (xauth-generic) answers the REQUEST with a REPLY whose
 * identifier is 0, not the REQUEST's (its ACK echoes the SET's): the message ID
 * and HASH bind the answer to the exchange, and the gateway takes it.
 */
static void test_xauth_reply_ident0(void **state)
{
	struct ike_init_conf c = xclient("alice", "Wonderland9");
	const struct eh_dgram *d;
	struct eh *h;

	(void)state;
	c.xauth_reply_ident0 = true;
	h = eh_new(XAUTH_CONF, &c);
	d = answer(h, main_mode(h));		/* REPLY (identifier 0) -> SET(STATUS 1) */
	assert_non_null(d);
	assert_null(answer(h, d));		/* SET -> ACK */
	assert_int_equal(h->ini.xauth_status, 1);
	modecfg_and_qm(h);
	assert_non_null(strstr(eh_show(h), "user=alice"));
	eh_free(h);
}

/* Main Mode + XAUTH: nothing but XAUTH before the ACK of status 1, then the tunnel. */
static void test_xauth_main_mode(void **state)
{
	struct ike_init_conf c = xclient("alice", "Wonderland9");
	struct eh *h = eh_new(XAUTH_CONF, &c);
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *req, *d;

	(void)state;
	req = main_mode(h);
	assert_non_null(req);
	/* before XAUTH: Quick Mode and Mode-Config get nothing */
	h->ini.conf.own_addr = htonl(0x0a020101);
	assert_null(eh_ask(h, b, ike_init_qm1(&h->ini, 0, b, sizeof(b))));
	h->ini.conf.own_addr = 0;
	assert_null(eh_ask(h, b, ike_init_request(&h->ini, b, sizeof(b))));
	h->ini.cfg_msgid = 0;
	d = answer(h, req);			/* REPLY -> SET(STATUS 1) */
	assert_non_null(d);
	assert_null(answer(h, d));		/* SET -> ACK */
	assert_int_equal(h->ini.xauth_status, 1);
	assert_int_equal(h->ini.xauth_requests, 1);
	modecfg_and_qm(h);
	assert_non_null(strstr(eh_show(h), "user=alice"));
	eh_free(h);
}

/* Aggressive Mode with group A's key, then XAUTH: A's pool. */
static void test_xauth_aggressive_mode(void **state)
{
	struct ike_init_conf c = xclient("bob", "Rabbit-hole");
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;
	struct eh *h;

	(void)state;
	c.id = "groupa";
	c.id_len = 6;
	c.psk = IKE_CHUNK("akey-123", 8);
	h = eh_new(XAUTH_CONF, &c);
	d = eh_ask(h, b, ike_init_am1(&h->ini, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_am2(&h->ini, d->buf, d->len), 0);
	d = eh_ask(h, b, ike_init_am3(&h->ini, b, sizeof(b)));	/* the REQUEST */
	d = answer(h, d);
	assert_null(answer(h, d));
	assert_int_equal(h->ini.xauth_status, 1);
	modecfg_and_qm(h);
	assert_int_equal(ntohl(h->ini.addr) & 0xffffff00, 0x0a020500);
	assert_non_null(strstr(eh_show(h), "user=bob"));
	assert_non_null(strstr(eh_show(h), "cfg_group=groupa"));
	eh_free(h);
}

/* XAUTH, then Mode-Config pushed (the document's 'initiate'): the SET comes after the ACK. */
static void test_xauth_then_push(void **state)
{
	struct ike_init_conf c = xclient("alice", "Wonderland9");
	struct eh *h = eh_new(XAUTH_CONF "crypto map intmap client configuration address "
			      "initiate\n", &c);
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;
	int len;

	(void)state;
	d = main_mode(h);			/* XAUTH's REQUEST, no SET yet */
	assert_null(eh_recv(h));
	d = answer(h, d);			/* SET(STATUS 1) */
	d = answer(h, d);			/* ACK: now Mode-Config's SET */
	assert_non_null(d);
	assert_int_equal(h->ini.xauth_status, 1);
	len = ike_init_set(&h->ini, d->buf, d->len, b, sizeof(b));
	assert_true(len > 0);
	assert_true(h->ini.addr != 0);
	assert_null(eh_ask(h, b, len));
	eh_free(h);
}

/* Wrong three times (a wrong password, an unknown user, alike): SET 0, DELETE, nothing in. */
static void test_xauth_three_wrong(void **state)
{
	struct ike_init_conf c = xclient("alice", "wonderland9");
	struct eh *h = eh_new(XAUTH_CONF, &c);
	const struct eh_dgram *d;
	uint8_t proto;
	uint32_t spi;

	(void)state;
	d = main_mode(h);
	d = answer(h, d);			/* wrong: another REQUEST */
	h->ini.conf.xauth_user = "mallory";	/* no such user: the same answer */
	h->ini.conf.xauth_pass = "Wonderland9";
	d = answer(h, d);
	h->ini.conf.xauth_user = "alice";
	h->ini.conf.xauth_pass = "";
	d = answer(h, d);			/* the third: SET(STATUS 0) */
	assert_int_equal(h->ini.xauth_requests, 3);
	d = answer(h, d);			/* ACK -> DELETE */
	assert_int_equal(h->ini.xauth_status, 0);
	eh_delete_of(h, d, &proto, &spi);
	assert_int_equal(proto, ISAKMP_PROTO_ISAKMP);
	assert_int_equal(stats(h).isakmp_sas, 0);
	assert_int_equal(stats(h).auth_failed, 3);
	assert_int_equal(kernel_fake_nsas(h->k), 0);
	eh_free(h);
}

/* A client that never answers XAUTH is retried, then deleted at the timeout. */
static void test_xauth_timeout(void **state)
{
	struct ike_init_conf c = xclient("alice", "Wonderland9");
	struct eh *h = eh_new(XAUTH_CONF "crypto isakmp xauth timeout 20\n", &c);
	const struct eh_dgram *req, *d;
	uint8_t proto;
	uint32_t spi;

	(void)state;
	req = main_mode(h);
	assert_non_null(req);
	eh_advance(h, 6);
	d = eh_recv(h);				/* the REQUEST again, byte for byte */
	assert_non_null(d);
	assert_int_equal(d->len, req->len);
	assert_memory_equal(d->buf, req->buf, req->len);
	while (eh_recv(h))
		;
	eh_advance(h, 15);
	d = eh_recv(h);
	assert_non_null(d);
	eh_delete_of(h, d, &proto, &spi);
	assert_int_equal(proto, ISAKMP_PROTO_ISAKMP);
	assert_int_equal(stats(h).isakmp_sas, 0);
	eh_free(h);
}

/* Where XAUTH is required, a client proposing plain pre-shared keys is refused at once. */
static void test_xauth_required(void **state)
{
	struct ike_init_conf c = xclient("alice", "Wonderland9");
	uint8_t b[IKE_INIT_MSG_MAX];
	struct isakmp_notify_pl n;
	const struct eh_dgram *d;
	struct isakmp_msg m;
	unsigned int i = 0;
	struct eh *h;

	(void)state;
	c.auth = IKE_AUTH_PSK;
	c.id = "groupa";
	c.id_len = 6;
	c.psk = IKE_CHUNK("akey-123", 8);
	h = eh_new(XAUTH_CONF, &c);
	d = eh_ask(h, b, ike_init_am1(&h->ini, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(isakmp_decode(d->buf, d->len, &m), ISAKMP_OK);
	assert_int_equal(isakmp_decode_notify(isakmp_find(&m, ISAKMP_NP_N, &i), &n), 0);
	assert_int_equal(n.type, ISAKMP_N_NO_PROPOSAL_CHOSEN);
	assert_int_equal(stats(h).key_exch, 0);
	eh_free(h);
}

/* A key with no-xauth: its peer comes in with plain pre-shared keys and is not asked. */
static void test_xauth_no_xauth_key(void **state)
{
	struct ike_init_conf c = eh_client_default();
	struct eh *h;

	(void)state;
	c.psk = IKE_CHUNK("site2site", 9);
	h = eh_new(XAUTH_CONF "crypto isakmp key site2site address 198.51.100.10 no-xauth\n", &c);
	eh_connect(h);				/* Main Mode, REQUEST/REPLY, Quick Mode */
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	assert_int_equal(h->ini.xauth_requests, 0);
	eh_free(h);
}

/* The initiator's own run with XAUTH, Main and Aggressive Mode, pulled and pushed. */
static void test_xauth_run(void **state)
{
	struct ike_init_conf c = xclient("alice", "Wonderland9");
	struct eh *h;

	(void)state;
	h = eh_new(XAUTH_CONF, &c);
	eh_connect(h);
	assert_int_equal(h->ini.xauth_status, 1);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	eh_free(h);
	c.aggressive = true;
	c.id = "groupa";
	c.id_len = 6;
	c.psk = IKE_CHUNK("akey-123", 8);
	h = eh_new(XAUTH_CONF "crypto map intmap client configuration address initiate\n", &c);
	eh_connect(h);
	assert_int_equal(h->ini.xauth_status, 1);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	eh_free(h);
	/* a wrong password: the run fails, nothing installed */
	c.xauth_pass = "nope";
	h = eh_new(XAUTH_CONF, &c);
	assert_true(ike_init_run(&h->ini, eh_io, h) < 0);
	assert_int_equal(h->ini.xauth_status, 0);
	assert_int_equal(kernel_fake_nsas(h->k), 0);
	eh_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xauth_main_mode),
		cmocka_unit_test(test_xauth_reply_ident0),
		cmocka_unit_test(test_xauth_aggressive_mode),
		cmocka_unit_test(test_xauth_then_push),
		cmocka_unit_test(test_xauth_three_wrong),
		cmocka_unit_test(test_xauth_timeout),
		cmocka_unit_test(test_xauth_required),
		cmocka_unit_test(test_xauth_no_xauth_key),
		cmocka_unit_test(test_xauth_run),
	};

	return cmocka_run_group_tests_name("ike_xauth", tests, NULL, NULL);
}
