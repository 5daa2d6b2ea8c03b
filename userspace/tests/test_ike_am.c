// SPDX-License-Identifier: GPL-2.0
/*
 * Aggressive Mode in the engine (RFC 2409 5.4), on the engine harness: a
 * group's name and key bring a client up to Quick Mode with its group's
 * pool and attributes only; a wrong key, an unknown group and a group
 * without a key look the same from outside; 'aggressive-mode disable';
 * replays; an AM3 that does not verify changes nothing; the caps; a client
 * behind a NAT.
 */
#include "engine_harness.h"

#include <linux/espgw.h>

#include "sa.h"

#define GROUPS \
	"ip local pool apool 10.2.5.1 10.2.5.10\n" \
	"ip local pool bpool 10.2.6.1 10.2.6.10\n" \
	"crypto isakmp client configuration group groupa\n" \
	" key akey-123\n" \
	" pool apool\n" \
	" dns 10.2.2.53\n" \
	" banner Welcome A\n" \
	"crypto isakmp client configuration group groupb\n" \
	" key bkey-456\n" \
	" pool bpool\n" \
	" dns 10.2.2.54\n" \
	" banner Welcome B\n" \
	"crypto isakmp client configuration group nokey\n" \
	" dns 10.2.2.99\n"

#define AM_CONF EH_CONF_PULL GROUPS

#define HOME		0xc0a80102	/* 192.168.1.2: a client behind its home router */
#define NAT_PORT	4501

/* A vpnc-like client of group (its key psk): KEY_ID = the group's name. */
static struct ike_init_conf am_client(const char *group, const char *psk)
{
	struct ike_init_conf c = eh_client_default();

	c.id = group;
	c.id_len = strlen(group);
	c.psk = IKE_CHUNK(psk, strlen(psk));
	return c;
}

/* AM1 and AM2 from (addr, 500): 0 when AM2 verified, else what ike_init_am2() said. */
static int am12(struct eh *h, struct ike_init *c, uint32_t addr, const struct eh_dgram **am2)
{
	struct sockaddr_in from = eh_addr(addr, 500);
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;
	int len = ike_init_am1(c, b, sizeof(b));

	assert_true(len > 0);
	eh_send_from(h, b, (size_t)len, &from);
	d = eh_recv(h);
	assert_non_null(d);
	if (am2)
		*am2 = d;
	return ike_init_am2(c, d->buf, d->len);
}

/*
 * The REPLY d opened with a copy of the client's chain: the attribute of type
 * as an address (host order; 0 when none), and the banner into banner.
 */
static uint32_t reply_attrs(struct ike_init *c, const struct eh_dgram *d, uint16_t type,
			    char *banner, size_t blen)
{
	uint8_t plain[IKE_INIT_MSG_MAX], iv[IKE_MAX_BLOCK];
	const struct isakmp_payload *pl;
	struct isakmp_modecfg mc;
	struct isakmp_attr a;
	struct isakmp_msg m;
	unsigned int i = 0;
	uint32_t v = 0;
	struct rbuf r;

	memcpy(iv, c->cfg_iv, sizeof(iv));
	assert_true(isakmp_decode(d->buf, d->len, &m) == ISAKMP_ENCRYPTED);
	assert_int_equal(ike_p2_open(&c->keys, NULL, iv, NULL, &IKE_P2_H1, &m, plain,
				     sizeof(plain)), 0);
	pl = isakmp_find(&m, ISAKMP_NP_ATTR, &i);
	assert_non_null(pl);
	assert_int_equal(isakmp_decode_modecfg(pl, &mc), 0);
	banner[0] = 0;
	rbuf_init(&r, mc.attrs, mc.attrs_len);
	while (isakmp_attr_next(&r, &a) > 0) {
		if (a.type == type && a.len == 4)
			v = get_be32(a.val);
		if (a.type == UNITY_BANNER && a.len < blen) {
			memcpy(banner, a.val, a.len);
			banner[a.len] = 0;
		}
	}
	return v;
}

/* After AM3: REQUEST/REPLY (the group's DNS server and banner), Quick Mode. */
static void after_am3(struct eh *h, struct ike_init *c, const struct sockaddr_in *from,
		      const struct sockaddr_in *to, uint32_t *dns, char *banner, size_t blen)
{
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;

	eh_send_to(h, b, (size_t)ike_init_request(c, b, sizeof(b)), from, to);
	d = eh_recv(h);
	assert_non_null(d);
	if (dns)
		*dns = reply_attrs(c, d, MODECFG_INTERNAL_IP4_DNS, banner, blen);
	assert_int_equal(ike_init_reply(c, d->buf, d->len), 0);
	eh_send_to(h, b, (size_t)ike_init_qm1(c, 0, b, sizeof(b)), from, to);
	d = eh_recv(h);
	assert_non_null(d);
	assert_int_equal(ike_init_qm2(c, d->buf, d->len), 0);
	eh_send_to(h, b, (size_t)ike_init_qm3(c, b, sizeof(b)), from, to);
	assert_null(eh_recv(h));
}

/* The rest of a client's exchange once AM2 verified: AM3, then as after MM6. */
static void am3_to_qm(struct eh *h, struct ike_init *c, const struct sockaddr_in *from,
		      const struct sockaddr_in *to, uint32_t *dns, char *banner, size_t blen)
{
	uint8_t b[IKE_INIT_MSG_MAX];

	eh_send_to(h, b, (size_t)ike_init_am3(c, b, sizeof(b)), from, to);
	assert_null(eh_recv(h));			/* nothing answers AM3 */
	after_am3(h, c, from, to, dns, banner, blen);
}

static void connect_am(struct eh *h, struct ike_init *c, uint32_t addr, uint32_t *dns,
		       char *banner, size_t blen)
{
	struct sockaddr_in from = eh_addr(addr, 500);

	assert_int_equal(am12(h, c, addr, NULL), 0);
	am3_to_qm(h, c, &from, &h->gw, dns, banner, blen);
}

static struct ike_stats stats(struct eh *h)
{
	struct ike_stats st;

	ike_get_stats(h->e, &st);
	return st;
}

/* Group A's name and key: Aggressive Mode to Quick Mode, A's pool, DNS and banner. */
static void test_am_tunnel(void **state)
{
	struct ike_init_conf c = am_client("groupa", "akey-123");
	struct eh *h = eh_new(AM_CONF, &c);
	char banner[64];
	uint32_t dns;

	(void)state;
	connect_am(h, &h->ini, EH_CLIENT, &dns, banner, sizeof(banner));
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	assert_non_null(kernel_fake_sa(h->k, htonl(EH_CLIENT), h->ini.spi_in));
	assert_non_null(kernel_fake_sa(h->k, htonl(EH_GW), h->ini.spi_out));
	assert_int_equal(ntohl(h->ini.addr) & 0xffffff00, 0x0a020500);	/* apool */
	assert_int_equal(dns, 0x0a020235);				/* 10.2.2.53 */
	assert_string_equal(banner, "Welcome A");
	assert_int_equal(stats(h).am1, 1);
	assert_int_equal(stats(h).isakmp_sas, 1);
	assert_int_equal(stats(h).key_exch, 0);
	assert_int_equal(stats(h).half_open, 0);
	assert_non_null(strstr(eh_show(h), "QM_IDLE"));
	assert_non_null(strstr(eh_show(h), "cfg_group=groupa"));
	assert_null(strstr(eh_show(h), "user="));		/* no XAUTH */
	eh_free(h);
}

/*
 * vpnc proposes a phase-1 lifetime of 2,147,483 s and, with the group key alone
 * (no XAUTH), waits after AM3 for a packet of the gateway's before it pulls its
 * address: "no response from target" after 7 s without one. The gateway cuts the
 * lifetime to its policy's and says so after AM3 in an informational
 * RESPONDER-LIFETIME (RFC 2407 4.6.3.1) for the ISAKMP SA; then as always.
 */
static void test_am_responder_lifetime(void **state)
{
	struct ike_init_conf c = am_client("groupa", "akey-123");
	struct sockaddr_in from = eh_addr(EH_CLIENT, 500);
	const struct isakmp_notify_pl *n;
	uint8_t b[IKE_INIT_MSG_MAX];
	uint64_t type = 0, dur = 0;
	const struct eh_dgram *d;
	struct isakmp_attr at;
	struct rbuf r;
	struct eh *h;

	(void)state;
	c.life_sec = 2147483;
	h = eh_new(AM_CONF, &c);
	assert_int_equal(am12(h, &h->ini, EH_CLIENT, NULL), 0);
	eh_send(h, b, (size_t)ike_init_am3(&h->ini, b, sizeof(b)));
	d = eh_recv(h);
	assert_non_null(d);			/* something follows AM3 */
	n = eh_notify_of(h, d);
	assert_int_equal(n->type, ISAKMP_N_RESPONDER_LIFETIME);
	assert_int_equal(n->proto, ISAKMP_PROTO_ISAKMP);
	assert_int_equal(n->spi_size, 2 * ISAKMP_COOKIE_LEN);
	assert_memory_equal(n->spi, h->ini.ci, ISAKMP_COOKIE_LEN);
	assert_memory_equal(n->spi + ISAKMP_COOKIE_LEN, h->ini.cr, ISAKMP_COOKIE_LEN);
	rbuf_init(&r, n->data, n->len);
	while (isakmp_attr_next(&r, &at) > 0) {
		if (at.type == IKE_ATTR_LIFE_TYPE)
			type = at.num;
		if (at.type == IKE_ATTR_LIFE_DURATION)
			dur = at.num;
	}
	assert_int_equal(type, IKE_LIFE_SECONDS);
	assert_int_equal(dur, 86400);		/* the policy's default */
	assert_null(eh_recv(h));
	after_am3(h, &h->ini, &from, &h->gw, NULL, NULL, 0);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	assert_non_null(strstr(eh_show(h), "QM_IDLE"));
	eh_free(h);
}

/* Two groups side by side: each client gets its own group's, never the other's. */
static void test_am_groups_apart(void **state)
{
	struct ike_init_conf ca = am_client("groupa", "akey-123");
	struct ike_init_conf cb = am_client("groupb", "bkey-456");
	struct eh *h = eh_new(AM_CONF, &ca);
	struct ike_init b;
	char banner[64];
	uint32_t dns;

	(void)state;
	assert_int_equal(ike_init_setup(&b, &cb, NULL), 0);
	connect_am(h, &b, EH_CLIENT + 1, &dns, banner, sizeof(banner));
	assert_int_equal(ntohl(b.addr) & 0xffffff00, 0x0a020600);	/* bpool */
	assert_int_equal(dns, 0x0a020236);
	assert_string_equal(banner, "Welcome B");
	connect_am(h, &h->ini, EH_CLIENT, &dns, banner, sizeof(banner));
	assert_int_equal(ntohl(h->ini.addr) & 0xffffff00, 0x0a020500);
	assert_int_equal(dns, 0x0a020235);
	assert_string_equal(banner, "Welcome A");
	assert_int_equal(kernel_fake_nsas(h->k), 4);
	/* group B's key with group A's name is not B's way into A, nor A's */
	ike_init_clear(&b);
	cb.id = "groupa";
	cb.id_len = 6;
	assert_int_equal(ike_init_setup(&b, &cb, NULL), 0);
	assert_int_equal(am12(h, &b, EH_CLIENT + 2, NULL), ISAKMP_E_HASH);
	ike_init_clear(&b);
	eh_free(h);
}

/* The shape of a datagram: its length, exchange and payload types, in order. */
static void shape(const struct eh_dgram *d, char *out, size_t len)
{
	struct isakmp_msg m;
	size_t i, n;

	assert_true(isakmp_decode(d->buf, d->len, &m) >= 0);
	n = (size_t)snprintf(out, len, "%zu/%u:", d->len, m.hdr.exch);
	for (i = 0; i < m.n && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, " %u.%u", m.pl[i].type, m.pl[i].len);
}

/*
 * A wrong key, a group nobody configured and a group without a key: the same
 * AM2 (all but the random bytes), the same refusal of AM3, nothing kept.
 */
static void test_am_refusals_alike(void **state)
{
	static const char *const names[] = { "groupa", "nosuchgroup", "nokey" };
	struct eh *h = eh_new(AM_CONF, NULL);
	char am2[3][256], fail[3][256];
	const struct eh_dgram *d;
	uint8_t b[IKE_INIT_MSG_MAX];
	struct ike_init c[3];
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct ike_init_conf cc = am_client(names[i], "not-the-key");
		struct sockaddr_in from = eh_addr(EH_CLIENT + i, 500);

		cc.am2_unverified = true;
		assert_int_equal(ike_init_setup(&c[i], &cc, NULL), 0);
		assert_int_equal(am12(h, &c[i], EH_CLIENT + i, &d), 0);
		shape(d, am2[i], sizeof(am2[i]));
		eh_send_from(h, b, (size_t)ike_init_am3(&c[i], b, sizeof(b)), &from);
		d = eh_recv(h);
		assert_non_null(d);
		shape(d, fail[i], sizeof(fail[i]));
		assert_null(eh_recv(h));
	}
	assert_string_equal(am2[0], am2[1]);
	assert_string_equal(am2[0], am2[2]);
	assert_string_equal(fail[0], fail[1]);
	assert_string_equal(fail[0], fail[2]);
	/* each is told INVALID-HASH-INFORMATION, in clear */
	{
		struct isakmp_notify_pl n;
		struct isakmp_msg m;
		unsigned int k = 0;

		d = &h->out[h->nout - 1];
		assert_int_equal(isakmp_decode(d->buf, d->len, &m), ISAKMP_OK);
		assert_int_equal(m.hdr.exch, ISAKMP_EXCH_INFO);
		assert_int_equal(isakmp_decode_notify(isakmp_find(&m, ISAKMP_NP_N, &k), &n), 0);
		assert_int_equal(n.type, ISAKMP_N_INVALID_HASH_INFORMATION);
	}
	assert_int_equal(stats(h).auth_failed, 3);
	assert_int_equal(stats(h).isakmp_sas, 0);
	assert_int_equal(stats(h).half_open, 3);	/* until they time out */
	assert_int_equal(kernel_fake_nsas(h->k), 0);
	eh_advance(h, 31);
	assert_int_equal(stats(h).half_open, 0);
	assert_int_equal(stats(h).key_exch, 0);
	for (i = 0; i < 3; i++)
		ike_init_clear(&c[i]);
	eh_free(h);
}

/* crypto isakmp aggressive-mode disable: AM1 unanswered, Main Mode as before. */
static void test_am_disabled(void **state)
{
	struct ike_init_conf c = am_client("groupa", "akey-123");
	struct eh *h = eh_new(AM_CONF "crypto isakmp aggressive-mode disable\n", &c);
	uint8_t b[IKE_INIT_MSG_MAX];
	struct ike_init mm;
	struct ike_init_conf def = eh_client_default();

	(void)state;
	eh_send(h, b, (size_t)ike_init_am1(&h->ini, b, sizeof(b)));
	assert_null(eh_recv(h));
	assert_int_equal(stats(h).am_disabled, 1);
	assert_int_equal(stats(h).half_open, 0);
	assert_int_equal(stats(h).key_exch, 0);
	ike_init_clear(&h->ini);
	assert_int_equal(ike_init_setup(&mm, &def, NULL), 0);
	h->ini = mm;
	eh_connect(h);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	eh_free(h);
}

/* AM1 again: the same AM2, byte for byte, no second exchange; AM3 again: nothing. */
static void test_am_replays(void **state)
{
	struct ike_init_conf c = am_client("groupa", "akey-123");
	struct eh *h = eh_new(AM_CONF, &c);
	const struct eh_dgram *d, *d2;

	(void)state;
	assert_int_equal(am12(h, &h->ini, EH_CLIENT, &d), 0);
	eh_replay(h, 0);
	d2 = eh_recv(h);
	assert_non_null(d2);
	assert_int_equal(d2->len, d->len);
	assert_memory_equal(d2->buf, d->buf, d->len);
	assert_int_equal(stats(h).am1, 1);
	assert_int_equal(stats(h).half_open, 1);
	assert_int_equal(stats(h).key_exch, 1);
	am3_to_qm(h, &h->ini, &h->client, &h->gw, NULL, NULL, 0);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	/* AM3 (the client's 2nd datagram) again: nothing answered, nothing changed */
	eh_replay(h, 2);
	assert_null(eh_recv(h));
	assert_int_equal(stats(h).isakmp_sas, 1);
	assert_int_equal(stats(h).key_exch, 0);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	/* AM1 again after phase 1: a new exchange, the tunnel untouched; it times out */
	eh_replay(h, 0);
	d = eh_recv(h);
	assert_non_null(d);
	assert_memory_not_equal(d->buf + 8, h->ini.cr, ISAKMP_COOKIE_LEN);
	assert_int_equal(stats(h).half_open, 1);
	assert_int_equal(stats(h).isakmp_sas, 1);
	eh_advance(h, 31);
	assert_int_equal(stats(h).half_open, 0);
	assert_int_equal(stats(h).key_exch, 0);
	assert_int_equal(stats(h).isakmp_sas, 1);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	eh_free(h);
}

/* An AM3 that does not verify is dropped, the client told; the genuine one still works. */
static void test_am3_bad_hash(void **state)
{
	struct ike_init_conf c = am_client("groupa", "akey-123");
	struct eh *h;
	uint8_t b[IKE_INIT_MSG_MAX], good[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;
	int len;

	(void)state;
	c.am3_plain = true;		/* RFC 2409's AM3, in clear: its HASH_I can be hit */
	h = eh_new(AM_CONF, &c);
	assert_int_equal(am12(h, &h->ini, EH_CLIENT, NULL), 0);
	len = ike_init_am3(&h->ini, good, sizeof(good));
	assert_true(len > 0);
	memcpy(b, good, (size_t)len);
	b[len - 1] ^= 1;		/* the last byte of HASH_I */
	eh_send(h, b, (size_t)len);
	d = eh_recv(h);
	assert_non_null(d);		/* INVALID-HASH-INFORMATION */
	assert_int_equal(stats(h).auth_failed, 1);
	assert_int_equal(stats(h).isakmp_sas, 0);
	assert_int_equal(stats(h).half_open, 1);
	eh_send(h, good, (size_t)len);
	assert_null(eh_recv(h));
	assert_int_equal(stats(h).isakmp_sas, 1);
	eh_free(h);

	/* encrypted, as vpnc sends it: a flipped bit garbles it, and it is dropped the same */
	c.am3_plain = false;
	h = eh_new(AM_CONF, &c);
	assert_int_equal(am12(h, &h->ini, EH_CLIENT, NULL), 0);
	len = ike_init_am3(&h->ini, good, sizeof(good));
	memcpy(b, good, (size_t)len);
	b[ISAKMP_HDR_LEN + 2] ^= 0x80;
	eh_send(h, b, (size_t)len);
	assert_non_null(eh_recv(h));
	assert_int_equal(stats(h).isakmp_sas, 0);
	assert_int_equal(kernel_fake_nsas(h->k), 0);
	eh_send(h, good, (size_t)len);
	assert_null(eh_recv(h));
	after_am3(h, &h->ini, &h->client, &h->gw, NULL, NULL, 0);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	eh_free(h);
}

/* The client's one DH group must be a policy's; its proposal checked like Main Mode's. */
static void test_am_no_proposal(void **state)
{
	struct ike_init_conf c = am_client("groupa", "akey-123");
	struct eh *h;
	uint8_t b[IKE_INIT_MSG_MAX];
	struct isakmp_notify_pl n;
	const struct eh_dgram *d;
	struct isakmp_msg m;
	unsigned int i = 0;

	(void)state;
	c.group = IKE_GROUP_MODP1024;		/* the policy has 14 */
	h = eh_new(AM_CONF, &c);
	d = eh_ask(h, b, ike_init_am1(&h->ini, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(isakmp_decode(d->buf, d->len, &m), ISAKMP_OK);
	assert_int_equal(isakmp_decode_notify(isakmp_find(&m, ISAKMP_NP_N, &i), &n), 0);
	assert_int_equal(n.type, ISAKMP_N_NO_PROPOSAL_CHOSEN);
	assert_int_equal(stats(h).key_exch, 0);
	assert_int_equal(stats(h).half_open, 0);
	eh_free(h);
}

/* AM1 costs a key pair: it counts against key-exchanges and aggressive-mode. */
static void test_am_caps(void **state)
{
	struct ike_init_conf c = am_client("groupa", "akey-123");
	struct eh *h = eh_new(AM_CONF "espgw limit aggressive-mode 2\n", &c);
	uint8_t b[IKE_INIT_MSG_MAX];
	struct sockaddr_in from;
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		from = eh_addr(EH_CLIENT + i, 500);
		eh_send_from(h, b, (size_t)ike_init_am1(&h->ini, b, sizeof(b)), &from);
	}
	assert_int_equal(eh_pending(h), 2);
	assert_int_equal(stats(h).am1_refused, 1);
	assert_int_equal(stats(h).key_exch, 2);
	eh_free(h);

	h = eh_new(AM_CONF "espgw limit key-exchanges 1\n", &c);
	for (i = 0; i < 2; i++) {
		from = eh_addr(EH_CLIENT + i, 500);
		eh_send_from(h, b, (size_t)ike_init_am1(&h->ini, b, sizeof(b)), &from);
	}
	assert_int_equal(eh_pending(h), 1);
	assert_int_equal(stats(h).am1_refused, 1);
	/* and a Main Mode MM3 finds no key exchange free either */
	eh_forget(h);
	{
		struct ike_init mm;
		struct ike_init_conf def = eh_client_default();
		const struct eh_dgram *d;

		assert_int_equal(ike_init_setup(&mm, &def, NULL), 0);
		from = eh_addr(EH_CLIENT + 7, 500);
		eh_send_from(h, b, (size_t)ike_init_mm1(&mm, b, sizeof(b)), &from);
		d = eh_recv(h);
		assert_non_null(d);
		assert_int_equal(ike_init_mm2(&mm, d->buf, d->len), 0);
		eh_send_from(h, b, (size_t)ike_init_mm3(&mm, b, sizeof(b)), &from);
		assert_null(eh_recv(h));
		assert_int_equal(stats(h).mm3_refused, 1);
		ike_init_clear(&mm);
	}
	/* the per-address quota of half-open exchanges holds for AM1s too */
	eh_free(h);
	h = eh_new(AM_CONF "espgw limit half-open-per-peer 2\n", &c);
	for (i = 0; i < 3; i++)
		eh_send(h, b, (size_t)ike_init_am1(&h->ini, b, sizeof(b)));
	assert_int_equal(eh_pending(h), 2);
	assert_int_equal(stats(h).mm1_peer_quota, 1);
	eh_free(h);
}

/* Behind a NAT: NAT-D in AM2 and AM3, the float to 4500 at AM3, ESP in UDP. */
static void test_am_behind_nat(void **state)
{
	struct ike_init_conf c = am_client("groupa", "akey-123");
	struct sockaddr_in from = eh_addr(EH_CLIENT, NAT_PORT), gw = eh_addr(EH_GW, 4500);
	const struct espgw_sa *out;
	struct eh *h;

	(void)state;
	c.natt = true;
	c.natd_self_addr = htonl(HOME);
	c.natd_self_port = htons(500);
	c.natd_gw_addr = htonl(EH_GW);
	c.natd_gw_port = htons(500);
	c.initial_contact = true;
	h = eh_new(AM_CONF, &c);
	assert_int_equal(am12(h, &h->ini, EH_CLIENT, NULL), 0);
	assert_true(h->ini.natt);
	assert_true(h->ini.nat_self);		/* AM2's NAT-D: it saw our NAT */
	assert_false(h->ini.nat_gw);
	am3_to_qm(h, &h->ini, &from, &gw, NULL, NULL, 0);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	out = kernel_fake_sa(h->k, htonl(EH_CLIENT), h->ini.spi_in);
	assert_non_null(out);
	assert_true(out->have & (1u << ESPGW_A_SA_ENCAP));
	assert_int_equal(out->encap_lport, 4500);
	assert_int_equal(out->encap_pport, NAT_PORT);
	assert_non_null(strstr(eh_show(h), "nat=peer"));
	eh_free(h);
}

/* Mode-Config pushed after AM3 (the document's 'initiate'): the SET verifies, the ACK is taken. */
static void test_am_push(void **state)
{
	struct ike_init_conf c = am_client("groupb", "bkey-456");
	struct eh *h = eh_new(AM_CONF "crypto map intmap client configuration address initiate\n",
			      &c);
	uint8_t b[IKE_INIT_MSG_MAX];
	const struct eh_dgram *d;
	unsigned int i;
	int len;

	(void)state;
	assert_int_equal(am12(h, &h->ini, EH_CLIENT, NULL), 0);
	d = eh_ask(h, b, ike_init_am3(&h->ini, b, sizeof(b)));	/* the SET */
	assert_non_null(d);
	len = ike_init_set(&h->ini, d->buf, d->len, b, sizeof(b));
	assert_true(len > 0);
	assert_int_equal(ntohl(h->ini.addr) & 0xffffff00, 0x0a020600);	/* bpool */
	assert_null(eh_ask(h, b, len));
	d = eh_ask(h, b, ike_init_qm1(&h->ini, 0, b, sizeof(b)));
	assert_non_null(d);
	assert_int_equal(ike_init_qm2(&h->ini, d->buf, d->len), 0);
	eh_send(h, b, (size_t)ike_init_qm3(&h->ini, b, sizeof(b)));
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	for (i = 0; i < 4; i++)
		eh_advance(h, 8);
	assert_int_equal(eh_pending(h), 0);		/* acknowledged: no SET again */
	eh_free(h);
}

/* The initiator's own run (ike_init_start/input/next) in Aggressive Mode, pulled and pushed. */
static void test_am_run(void **state)
{
	struct ike_init_conf c = am_client("groupa", "akey-123");
	struct eh *h;

	(void)state;
	c.aggressive = true;
	h = eh_new(AM_CONF, &c);
	eh_connect(h);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	assert_int_equal(ntohl(h->ini.addr) & 0xffffff00, 0x0a020500);
	eh_free(h);
	h = eh_new(AM_CONF "crypto map intmap client configuration address initiate\n", &c);
	eh_connect(h);
	assert_int_equal(kernel_fake_nsas(h->k), 2);
	eh_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_am_tunnel),
		cmocka_unit_test(test_am_groups_apart),
		cmocka_unit_test(test_am_refusals_alike),
		cmocka_unit_test(test_am_disabled),
		cmocka_unit_test(test_am_replays),
		cmocka_unit_test(test_am3_bad_hash),
		cmocka_unit_test(test_am_no_proposal),
		cmocka_unit_test(test_am_caps),
		cmocka_unit_test(test_am_behind_nat),
		cmocka_unit_test(test_am_push),
		cmocka_unit_test(test_am_run),
		cmocka_unit_test(test_am_responder_lifetime),
	};

	return cmocka_run_group_tests_name("ike_am", tests, NULL, NULL);
}
