// SPDX-License-Identifier: GPL-2.0
/*
 * ISAKMP codec: decode of a hand-assembled Main Mode message, encoder round
 * trips, and one reject test for every malformed-length case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "crypto.h"
#include "isakmp.h"

/*
 * MM1 as a client would send it, assembled by hand from RFC 2408 figures 2-6
 * (not with our encoder), so the encoder can be checked against it too.
 * Offsets: SA at 28, proposal at 40, T1 at 48, T2 at 84, VID at 120.
 */
static const uint8_t mm1[] = {
	/* header: cookies, np=SA, 1.0, Main Mode, flags 0, msgid 0, length 140 */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x10, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x8c,
	/* SA: np=VID, len 92, DOI IPsec, SIT_IDENTITY_ONLY */
	0x0d, 0x00, 0x00, 0x5c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	/* proposal: last, len 80, #1, PROTO_ISAKMP, no SPI, 2 transforms */
	0x00, 0x00, 0x00, 0x50, 0x01, 0x01, 0x00, 0x02,
	/* T1: more follow, len 36, #1, KEY_IKE; key length first as vpnc does */
	0x03, 0x00, 0x00, 0x24, 0x01, 0x01, 0x00, 0x00,
	0x80, 0x0e, 0x00, 0x80,		/* key length 128 */
	0x80, 0x01, 0x00, 0x07,		/* AES-CBC */
	0x80, 0x02, 0x00, 0x02,		/* SHA1 */
	0x80, 0x03, 0x00, 0x01,		/* PSK */
	0x80, 0x04, 0x00, 0x0e,		/* group 14 */
	0x80, 0x0b, 0x00, 0x01,		/* life type seconds */
	0x80, 0x0c, 0x70, 0x80,		/* 28800 s */
	/* T2: last, len 36, #2, KEY_IKE */
	0x00, 0x00, 0x00, 0x24, 0x02, 0x01, 0x00, 0x00,
	0x80, 0x01, 0x00, 0x01,		/* DES */
	0x80, 0x02, 0x00, 0x01,		/* MD5 */
	0x80, 0x03, 0x00, 0x01,		/* PSK */
	0x80, 0x04, 0x00, 0x01,		/* group 1 */
	0x80, 0x0b, 0x00, 0x01,		/* life type seconds */
	0x00, 0x0c, 0x00, 0x04, 0x00, 0x01, 0x51, 0x80,	/* 86400 s, long form */
	/* VID: last, len 20, RFC 3706 DPD */
	0x00, 0x00, 0x00, 0x14,
	0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
	0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
};

#define OFF_SA		28
#define OFF_P		40
#define OFF_T1		48
#define OFF_T2		84
#define OFF_VID		120

static uint8_t pkt[2048];

/* A copy of mm1 to mutate; returns its length. */
static size_t mm1_copy(void)
{
	memcpy(pkt, mm1, sizeof(mm1));
	return sizeof(mm1);
}

static void set16(size_t off, uint16_t v)
{
	put_be16(pkt + off, v);
}

static int decode_pkt(size_t len)
{
	struct isakmp_msg m;

	return isakmp_decode(pkt, len, &m);
}

static const struct isakmp_hdr hdr0 = {
	.icookie = { 1, 2, 3, 4, 5, 6, 7, 8 },
	.exch = ISAKMP_EXCH_IDPROT,
};

static void test_decode_mm1(void **state)
{
	const struct isakmp_payload *pl;
	struct ike_p1_attrs a;
	struct isakmp_sa sa;
	struct isakmp_msg m;
	const uint8_t *vid;
	uint16_t vlen;

	(void)state;
	assert_int_equal(isakmp_decode(mm1, sizeof(mm1), &m), ISAKMP_OK);
	assert_int_equal(m.hdr.exch, ISAKMP_EXCH_IDPROT);
	assert_int_equal(m.hdr.length, sizeof(mm1));
	assert_int_equal(m.hdr.icookie[7], 8);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.pl[0].type, ISAKMP_NP_SA);
	assert_int_equal(m.pl[0].len, 88);
	assert_ptr_equal(m.pl[0].body, mm1 + OFF_SA + 4);
	assert_int_equal(isakmp_count(&m, ISAKMP_NP_VID), 1);
	pl = isakmp_find(&m, ISAKMP_NP_VID, NULL);
	assert_non_null(pl);
	assert_int_equal(isakmp_decode_data(pl, ISAKMP_NP_VID, &vid, &vlen), ISAKMP_OK);
	assert_int_equal(vlen, 16);
	assert_int_equal(vid[0], 0xaf);

	assert_int_equal(isakmp_decode_sa(&m.pl[0], &sa), ISAKMP_OK);
	assert_int_equal(sa.doi, ISAKMP_DOI_IPSEC);
	assert_int_equal(sa.nprop, 1);
	assert_int_equal(sa.p[0].proto, ISAKMP_PROTO_ISAKMP);
	assert_int_equal(sa.p[0].ntrans, 2);
	assert_int_equal(sa.ntrans, 2);
	assert_int_equal(sa.t[1].num, 2);
	assert_ptr_equal(sa.t[1].raw, mm1 + OFF_T2);

	/* attributes in any order: key length came first */
	assert_int_equal(isakmp_p1_attrs(&sa.t[0], &a), ISAKMP_OK);
	assert_int_equal(a.enc, IKE_ENC_AES_CBC);
	assert_int_equal(a.keylen, 128);
	assert_int_equal(a.hash, IKE_HASH_SHA1);
	assert_int_equal(a.auth, IKE_AUTH_PSK);
	assert_int_equal(a.group, IKE_GROUP_MODP2048);
	assert_int_equal(a.life_sec, 28800);
	assert_int_equal(a.life_kb, 0);
	assert_int_equal(a.unknown, 0);
	assert_int_equal(isakmp_p1_attrs(&sa.t[1], &a), ISAKMP_OK);
	assert_int_equal(a.enc, IKE_ENC_DES);
	assert_int_equal(a.hash, IKE_HASH_MD5);
	assert_int_equal(a.group, IKE_GROUP_MODP768);
	assert_int_equal(a.keylen, 0);
	assert_int_equal(a.life_sec, 86400);
}

/* Our encoder must produce the hand-assembled bytes exactly. */
static void test_encode_mm1_matches(void **state)
{
	static const uint8_t dpd[16] = {
		0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
		0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
	};
	uint8_t out[256];
	struct isakmp_enc e;

	(void)state;
	isakmp_enc_init(&e, out, sizeof(out), &hdr0);
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_put_prop_begin(&e, 1, ISAKMP_PROTO_ISAKMP, NULL, 0, 2);
	isakmp_put_trans_begin(&e, 1, ISAKMP_KEY_IKE);
	isakmp_put_attr(&e, IKE_ATTR_KEY_LENGTH, 128);
	isakmp_put_attr(&e, IKE_ATTR_ENC, IKE_ENC_AES_CBC);
	isakmp_put_attr(&e, IKE_ATTR_HASH, IKE_HASH_SHA1);
	isakmp_put_attr(&e, IKE_ATTR_AUTH, IKE_AUTH_PSK);
	isakmp_put_attr(&e, IKE_ATTR_GROUP_DESC, IKE_GROUP_MODP2048);
	isakmp_put_attr(&e, IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	isakmp_put_attr(&e, IKE_ATTR_LIFE_DURATION, 28800);
	isakmp_put_end(&e);
	isakmp_put_trans_begin(&e, 2, ISAKMP_KEY_IKE);
	isakmp_put_attr(&e, IKE_ATTR_ENC, IKE_ENC_DES);
	isakmp_put_attr(&e, IKE_ATTR_HASH, IKE_HASH_MD5);
	isakmp_put_attr(&e, IKE_ATTR_AUTH, IKE_AUTH_PSK);
	isakmp_put_attr(&e, IKE_ATTR_GROUP_DESC, IKE_GROUP_MODP768);
	isakmp_put_attr(&e, IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	isakmp_put_attr(&e, IKE_ATTR_LIFE_DURATION, 86400);	/* > 16 bits: long form */
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_data(&e, ISAKMP_NP_VID, dpd, sizeof(dpd));
	assert_int_equal(isakmp_enc_finish(&e), sizeof(mm1));
	assert_memory_equal(out, mm1, sizeof(mm1));
}

/* Quick Mode QM1 shape: HASH, SA(ESP), NONCE, KE, IDci, IDcr. */
static void test_roundtrip_quick_mode(void **state)
{
	static const uint8_t spi[4] = { 0xc0, 0xff, 0xee, 0x01 };
	static const uint8_t hash[20] = { 0x11 }, nonce[16] = { 0x22 }, ke[128] = { 0x33 };
	static const uint8_t ci[4] = { 192, 168, 1, 10 }, cr[8] = { 10, 2, 2, 0, 255, 255, 255, 0 };
	struct isakmp_hdr h = hdr0;
	const struct isakmp_payload *pl;
	struct ipsec_attrs a;
	struct isakmp_id id;
	struct isakmp_sa sa;
	struct isakmp_msg m;
	uint8_t out[512];
	struct isakmp_enc e;
	const uint8_t *d;
	unsigned int from = 0;
	uint16_t dl;
	int len;

	(void)state;
	h.exch = ISAKMP_EXCH_QUICK;
	h.msgid = 0x12345678;
	isakmp_enc_init(&e, out, sizeof(out), &h);
	isakmp_put_data(&e, ISAKMP_NP_HASH, hash, sizeof(hash));
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_put_prop_begin(&e, 1, ISAKMP_PROTO_ESP, spi, 4, 2);
	isakmp_put_trans_begin(&e, 1, ESP_AES_CBC);
	isakmp_put_attr(&e, IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	isakmp_put_attr(&e, IPSEC_ATTR_LIFE_DURATION, 3600);
	isakmp_put_attr(&e, IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_KILOBYTES);
	isakmp_put_attr(&e, IPSEC_ATTR_LIFE_DURATION, 4608000);
	isakmp_put_attr(&e, IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_TUNNEL);
	isakmp_put_attr(&e, IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA1);
	isakmp_put_attr(&e, IPSEC_ATTR_KEY_LENGTH, 256);
	isakmp_put_attr(&e, IPSEC_ATTR_GROUP_DESC, IKE_GROUP_MODP1024);
	isakmp_put_end(&e);
	isakmp_put_trans_begin(&e, 2, ESP_3DES);
	isakmp_put_attr(&e, IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_MD5);
	isakmp_put_attr(&e, IPSEC_ATTR_ECN_TUNNEL, 1);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_data(&e, ISAKMP_NP_NONCE, nonce, sizeof(nonce));
	isakmp_put_data(&e, ISAKMP_NP_KE, ke, sizeof(ke));
	isakmp_put_id(&e, ISAKMP_ID_IPV4_ADDR, 17, 500, ci, sizeof(ci));
	isakmp_put_id(&e, ISAKMP_ID_IPV4_ADDR_SUBNET, 0, 0, cr, sizeof(cr));
	len = isakmp_enc_finish(&e);
	assert_true(len > 0);

	assert_int_equal(isakmp_decode(out, len, &m), ISAKMP_OK);
	assert_int_equal(m.hdr.msgid, 0x12345678);
	assert_int_equal(m.hdr.np, ISAKMP_NP_HASH);
	assert_int_equal(m.n, 6);
	assert_int_equal(m.pl[0].type, ISAKMP_NP_HASH);
	assert_int_equal(m.pl[1].type, ISAKMP_NP_SA);
	assert_int_equal(m.pl[2].type, ISAKMP_NP_NONCE);
	assert_int_equal(m.pl[3].type, ISAKMP_NP_KE);
	assert_int_equal(m.pl[4].type, ISAKMP_NP_ID);
	assert_int_equal(m.pl[5].type, ISAKMP_NP_ID);
	/* QM HASH(1) covers everything after the HASH payload: raw pointers allow it */
	assert_ptr_equal(m.pl[1].raw, out + ISAKMP_HDR_LEN + 4 + sizeof(hash));

	assert_int_equal(isakmp_decode_sa(&m.pl[1], &sa), ISAKMP_OK);
	assert_int_equal(sa.p[0].proto, ISAKMP_PROTO_ESP);
	assert_int_equal(sa.p[0].spi_size, 4);
	assert_memory_equal(sa.p[0].spi, spi, 4);
	assert_int_equal(isakmp_ipsec_attrs(&sa.t[0], &a), ISAKMP_OK);
	assert_int_equal(sa.t[0].id, ESP_AES_CBC);
	assert_int_equal(a.life_sec, 3600);
	assert_int_equal(a.life_kb, 4608000);
	assert_int_equal(a.encap, IPSEC_ENCAP_TUNNEL);
	assert_int_equal(a.auth, IPSEC_AUTH_HMAC_SHA1);
	assert_int_equal(a.keylen, 256);
	assert_int_equal(a.group, IKE_GROUP_MODP1024);
	assert_int_equal(isakmp_ipsec_attrs(&sa.t[1], &a), ISAKMP_OK);
	assert_int_equal(a.auth, IPSEC_AUTH_HMAC_MD5);
	assert_int_equal(a.unknown, 1);		/* ECN: known to RFC 3168, not to us */
	assert_int_equal(a.group, 0);

	pl = isakmp_find(&m, ISAKMP_NP_KE, NULL);
	assert_int_equal(isakmp_decode_data(pl, ISAKMP_NP_KE, &d, &dl), ISAKMP_OK);
	assert_int_equal(dl, 128);
	assert_int_equal(d[0], 0x33);
	assert_int_equal(isakmp_decode_data(pl, ISAKMP_NP_NONCE, &d, &dl), ISAKMP_E_WRONG_TYPE);

	pl = isakmp_find(&m, ISAKMP_NP_ID, &from);
	assert_int_equal(isakmp_decode_id(pl, &id), ISAKMP_OK);
	assert_int_equal(id.type, ISAKMP_ID_IPV4_ADDR);
	assert_int_equal(id.proto, 17);
	assert_int_equal(id.port, 500);
	assert_int_equal(id.len, 4);
	assert_memory_equal(id.data, ci, 4);
	assert_int_equal(id.body_len, 8);
	pl = isakmp_find(&m, ISAKMP_NP_ID, &from);
	assert_int_equal(isakmp_decode_id(pl, &id), ISAKMP_OK);
	assert_int_equal(id.type, ISAKMP_ID_IPV4_ADDR_SUBNET);
	assert_memory_equal(id.data, cr, 8);
	assert_null(isakmp_find(&m, ISAKMP_NP_ID, &from));
}

static void test_roundtrip_informational(void **state)
{
	static const uint8_t cookies[16] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	};
	static const uint8_t spis[8] = { 0, 0, 0x10, 0x01, 0, 0, 0x10, 0x02 };
	static const uint8_t life[] = { 0x80, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x04,
					0x00, 0x00, 0x0e, 0x10 };
	struct isakmp_hdr h = hdr0;
	struct isakmp_notify_pl n;
	struct isakmp_delete d;
	struct isakmp_msg m;
	uint8_t out[256];
	struct isakmp_enc e;
	int len;

	(void)state;
	h.exch = ISAKMP_EXCH_INFO;
	isakmp_enc_init(&e, out, sizeof(out), &h);
	isakmp_put_notify(&e, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, ISAKMP_N_INITIAL_CONTACT,
			  cookies, 16, NULL, 0);
	isakmp_put_notify(&e, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ESP, ISAKMP_N_RESPONDER_LIFETIME,
			  spis, 4, life, sizeof(life));
	isakmp_put_delete(&e, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ESP, 4, spis, 2);
	isakmp_put_delete(&e, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, 16, cookies, 1);
	len = isakmp_enc_finish(&e);
	assert_true(len > 0);
	assert_int_equal(isakmp_decode(out, len, &m), ISAKMP_OK);
	assert_int_equal(m.n, 4);

	assert_int_equal(isakmp_decode_notify(&m.pl[0], &n), ISAKMP_OK);
	assert_int_equal(n.type, ISAKMP_N_INITIAL_CONTACT);
	assert_int_equal(n.spi_size, 16);
	assert_memory_equal(n.spi, cookies, 16);
	assert_int_equal(n.len, 0);
	assert_int_equal(isakmp_decode_notify(&m.pl[1], &n), ISAKMP_OK);
	assert_int_equal(n.type, ISAKMP_N_RESPONDER_LIFETIME);
	assert_int_equal(n.proto, ISAKMP_PROTO_ESP);
	assert_int_equal(n.len, sizeof(life));
	assert_memory_equal(n.data, life, sizeof(life));

	assert_int_equal(isakmp_decode_delete(&m.pl[2], &d), ISAKMP_OK);
	assert_int_equal(d.nspi, 2);
	assert_int_equal(d.spi_size, 4);
	assert_int_equal(get_be32(d.spis + 4), 0x1002);
	assert_int_equal(isakmp_decode_delete(&m.pl[3], &d), ISAKMP_OK);
	assert_int_equal(d.proto, ISAKMP_PROTO_ISAKMP);
	assert_int_equal(d.nspi, 1);
	assert_int_equal(isakmp_decode_delete(&m.pl[0], &d), ISAKMP_E_WRONG_TYPE);
}

static void test_roundtrip_modecfg(void **state)
{
	static const uint8_t ip[4] = { 10, 1, 1, 1 };
	static const uint8_t split[14] = { 10, 2, 2, 0, 255, 255, 255, 0 };
	struct isakmp_hdr h = hdr0;
	struct isakmp_modecfg c;
	struct isakmp_attr a;
	struct isakmp_msg m;
	uint8_t out[256];
	struct isakmp_enc e;
	struct rbuf r;
	int len;

	(void)state;
	h.exch = ISAKMP_EXCH_TRANSACTION;
	isakmp_enc_init(&e, out, sizeof(out), &h);
	isakmp_put_modecfg_begin(&e, MODECFG_REPLY, 0xbeef);
	isakmp_put_attr_tlv(&e, MODECFG_INTERNAL_IP4_ADDRESS, ip, 4);
	isakmp_put_attr_tlv(&e, UNITY_SPLIT_INCLUDE, split, sizeof(split));
	isakmp_put_attr(&e, XAUTH_STATUS, 1);
	isakmp_put_attr_tlv(&e, MODECFG_INTERNAL_IP4_DNS, NULL, 0);
	isakmp_put_end(&e);
	len = isakmp_enc_finish(&e);
	assert_true(len > 0);
	assert_int_equal(isakmp_decode(out, len, &m), ISAKMP_OK);
	assert_int_equal(isakmp_decode_modecfg(&m.pl[0], &c), ISAKMP_OK);
	assert_int_equal(c.type, MODECFG_REPLY);
	assert_int_equal(c.ident, 0xbeef);
	rbuf_init(&r, c.attrs, c.attrs_len);
	assert_int_equal(isakmp_attr_next(&r, &a), 1);
	assert_int_equal(a.type, MODECFG_INTERNAL_IP4_ADDRESS);
	assert_false(a.tv);
	assert_int_equal(a.len, 4);
	assert_int_equal(a.num, 0x0a010101);
	assert_int_equal(isakmp_attr_next(&r, &a), 1);
	assert_int_equal(a.type, UNITY_SPLIT_INCLUDE);
	assert_int_equal(a.len, 14);
	assert_int_equal(isakmp_attr_next(&r, &a), 1);
	assert_int_equal(a.type, XAUTH_STATUS);
	assert_true(a.tv);
	assert_int_equal(a.num, 1);
	assert_int_equal(isakmp_attr_next(&r, &a), 1);
	assert_int_equal(a.type, MODECFG_INTERNAL_IP4_DNS);
	assert_int_equal(a.len, 0);
	assert_int_equal(isakmp_attr_next(&r, &a), 0);
}

/* The responder echoes one chosen transform in a one-proposal SA. */
static void test_sa_reply(void **state)
{
	static const uint8_t myspi[4] = { 0xde, 0xad, 0xbe, 0xef };
	struct isakmp_sa sa, sa2;
	struct isakmp_msg m, m2;
	struct ike_p1_attrs a;
	uint8_t out[256];
	struct isakmp_enc e;
	int len;

	(void)state;
	assert_int_equal(isakmp_decode(mm1, sizeof(mm1), &m), ISAKMP_OK);
	assert_int_equal(isakmp_decode_sa(&m.pl[0], &sa), ISAKMP_OK);
	isakmp_enc_init(&e, out, sizeof(out), &hdr0);
	isakmp_put_sa_reply(&e, &sa, &sa.p[0], &sa.t[1], myspi, 4);
	len = isakmp_enc_finish(&e);
	assert_true(len > 0);
	assert_int_equal(isakmp_decode(out, len, &m2), ISAKMP_OK);
	assert_int_equal(isakmp_decode_sa(&m2.pl[0], &sa2), ISAKMP_OK);
	assert_int_equal(sa2.nprop, 1);
	assert_int_equal(sa2.ntrans, 1);
	assert_int_equal(sa2.p[0].spi_size, 4);
	assert_memory_equal(sa2.p[0].spi, myspi, 4);
	assert_int_equal(sa2.t[0].num, 2);
	/* the transform went back byte for byte */
	assert_int_equal(sa2.t[0].raw_len, sa.t[1].raw_len);
	assert_memory_equal(sa2.t[0].raw, sa.t[1].raw, sa.t[1].raw_len);
	assert_int_equal(isakmp_p1_attrs(&sa2.t[0], &a), ISAKMP_OK);
	assert_int_equal(a.enc, IKE_ENC_DES);
}

static void test_encrypted_and_padding(void **state)
{
	uint8_t plain[64];
	struct isakmp_msg m;
	size_t len = mm1_copy();

	(void)state;
	pkt[19] = ISAKMP_FLAG_ENC;
	assert_int_equal(isakmp_decode(pkt, len, &m), ISAKMP_ENCRYPTED);
	assert_int_equal(m.body_len, len - ISAKMP_HDR_LEN);
	assert_ptr_equal(m.body, pkt + ISAKMP_HDR_LEN);
	/* "decrypted" body: a HASH payload then 8 bytes of padding */
	memset(plain, 0, sizeof(plain));
	plain[3] = 24;
	assert_int_equal(isakmp_decode_chain(&m, ISAKMP_NP_HASH, plain, 32, true), ISAKMP_OK);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.pl[0].len, 20);
	assert_int_equal(isakmp_decode_chain(&m, ISAKMP_NP_HASH, plain, 32, false),
			 ISAKMP_E_TRAILING);
}

static void test_unknown_payload_skipped(void **state)
{
	struct isakmp_msg m;
	uint8_t out[128];
	struct isakmp_enc e;
	int len;

	(void)state;
	isakmp_enc_init(&e, out, sizeof(out), &hdr0);
	isakmp_put_data(&e, 200, "abcd", 4);
	isakmp_put_data(&e, ISAKMP_NP_VID, "vid!", 4);
	len = isakmp_enc_finish(&e);
	assert_int_equal(isakmp_decode(out, len, &m), ISAKMP_OK);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.skipped, 1);
	assert_int_equal(m.pl[0].type, ISAKMP_NP_VID);
	/* the same with the critical bit: refused */
	out[ISAKMP_HDR_LEN + 1] = ISAKMP_PL_CRITICAL;
	assert_int_equal(isakmp_decode(out, len, &m), ISAKMP_E_UNKNOWN_CRITICAL);
}

static void test_attr_forms_and_long_life(void **state)
{
	static const uint8_t attrs[] = {
		0x80, 0x0b, 0x00, 0x02,				/* life type KB */
		0x00, 0x0c, 0x00, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34, /* 12 bytes */
		0x80, 0x0b, 0x00, 0x01,				/* life type seconds */
		0x00, 0x0c, 0x00, 0x0a, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,	/* > 2^64: saturates */
		0x00, 0x01, 0x00, 0x02, 0x00, 0x05,		/* enc 3DES in long form */
		0x80, 0x06, 0x00, 0x01,				/* group prime: custom */
		0x80, 0x63, 0x00, 0x01,				/* class 99: unknown */
	};
	struct isakmp_transform t = { .attrs = attrs, .attrs_len = sizeof(attrs) };
	struct ike_p1_attrs a;

	(void)state;
	assert_int_equal(isakmp_p1_attrs(&t, &a), ISAKMP_OK);
	assert_int_equal(a.life_kb, 0x1234);
	assert_int_equal(a.life_sec, UINT64_MAX);
	assert_int_equal(a.enc, IKE_ENC_3DES);
	assert_true(a.custom_group);
	assert_int_equal(a.unknown, 1);
}

static void test_encoder_errors(void **state)
{
	static const uint8_t big[64];
	uint8_t out[64];
	struct isakmp_enc e;

	(void)state;
	isakmp_enc_init(&e, out, sizeof(out), &hdr0);
	isakmp_put_data(&e, ISAKMP_NP_VID, big, sizeof(big));
	assert_int_equal(isakmp_enc_finish(&e), ISAKMP_E_NO_SPACE);

	/* overflow inside a nested payload keeps the nesting straight */
	isakmp_enc_init(&e, out, 40, &hdr0);
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_put_prop_begin(&e, 1, ISAKMP_PROTO_ISAKMP, NULL, 0, 1);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	assert_int_equal(isakmp_enc_finish(&e), ISAKMP_E_NO_SPACE);

	isakmp_enc_init(&e, out, sizeof(out), &hdr0);
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	assert_int_equal(isakmp_enc_finish(&e), ISAKMP_E_NESTING);

	isakmp_enc_init(&e, out, sizeof(out), &hdr0);
	isakmp_put_end(&e);
	assert_int_equal(isakmp_enc_finish(&e), ISAKMP_E_INVAL);

	isakmp_enc_init(&e, out, sizeof(out), &hdr0);
	assert_true(isakmp_put_begin(&e, ISAKMP_NP_SA));
	assert_true(isakmp_put_begin(&e, ISAKMP_NP_P));
	assert_true(isakmp_put_begin(&e, ISAKMP_NP_T));
	assert_false(isakmp_put_begin(&e, ISAKMP_NP_T));	/* too deep */
	assert_int_equal(isakmp_enc_finish(&e), ISAKMP_E_INVAL);

	/* an empty message is just a header */
	isakmp_enc_init(&e, out, sizeof(out), &hdr0);
	assert_int_equal(isakmp_enc_finish(&e), ISAKMP_HDR_LEN);
	assert_int_equal(out[16], ISAKMP_NP_NONE);
}

static void test_names(void **state)
{
	int i;

	(void)state;
	for (i = ISAKMP_OK; i >= ISAKMP_E_LAST; i--)
		assert_string_not_equal(isakmp_strerror(i), "unknown error");
	assert_string_equal(isakmp_strerror(ISAKMP_E_LAST - 1), "unknown error");
	assert_string_equal(isakmp_strerror(ISAKMP_ENCRYPTED), "message is encrypted");
	assert_string_equal(isakmp_strerror(2), "unknown error");
	assert_string_equal(isakmp_exch_name(ISAKMP_EXCH_QUICK), "QUICK");
	assert_string_equal(isakmp_payload_name(ISAKMP_NP_NATD), "NAT-D");
	assert_string_equal(isakmp_notify_name(ISAKMP_N_INITIAL_CONTACT), "INITIAL-CONTACT");
	assert_string_equal(isakmp_notify_name(14), "NO-PROPOSAL-CHOSEN");
	assert_string_equal(isakmp_notify_name(999), "UNKNOWN");
}

static void test_responder_lifetime(void **state)
{
	static const uint8_t spi[4] = { 0x12, 0x34, 0x56, 0x78 };
	static const struct { uint16_t type; uint64_t val; } want[] = {
		{ IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS }, { IPSEC_ATTR_LIFE_DURATION, 3600 },
		{ IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_KILOBYTES }, { IPSEC_ATTR_LIFE_DURATION, 4608000 },
	};
	struct isakmp_notify_pl n;
	struct isakmp_attr a;
	struct isakmp_msg m;
	uint8_t out[128];
	struct isakmp_enc e;
	struct rbuf r;
	unsigned int i;
	int len;

	(void)state;
	isakmp_enc_init(&e, out, sizeof(out), &hdr0);
	isakmp_put_responder_lifetime(&e, ISAKMP_PROTO_ESP, spi, 4, 3600, 4608000);
	isakmp_put_responder_lifetime(&e, ISAKMP_PROTO_ISAKMP, NULL, 0, 86400, 0);
	len = isakmp_enc_finish(&e);
	assert_true(len > 0);
	assert_int_equal(isakmp_decode(out, len, &m), ISAKMP_OK);
	assert_int_equal(isakmp_decode_notify(&m.pl[0], &n), ISAKMP_OK);
	assert_int_equal(n.type, ISAKMP_N_RESPONDER_LIFETIME);
	assert_int_equal(n.doi, ISAKMP_DOI_IPSEC);
	assert_memory_equal(n.spi, spi, 4);
	rbuf_init(&r, n.data, n.len);
	for (i = 0; i < 4; i++) {
		assert_int_equal(isakmp_attr_next(&r, &a), 1);
		assert_int_equal(a.type, want[i].type);
		assert_int_equal(a.num, want[i].val);
	}
	assert_int_equal(isakmp_attr_next(&r, &a), 0);
	/* phase 1: the IKE attribute classes, only the limit given */
	assert_int_equal(isakmp_decode_notify(&m.pl[1], &n), ISAKMP_OK);
	assert_int_equal(n.proto, ISAKMP_PROTO_ISAKMP);
	rbuf_init(&r, n.data, n.len);
	assert_int_equal(isakmp_attr_next(&r, &a), 1);
	assert_int_equal(a.type, IKE_ATTR_LIFE_TYPE);
	assert_int_equal(isakmp_attr_next(&r, &a), 1);
	assert_int_equal(a.type, IKE_ATTR_LIFE_DURATION);
	assert_false(a.tv);
	assert_int_equal(a.num, 86400);
	assert_int_equal(isakmp_attr_next(&r, &a), 0);
}

static void test_nonce_length(void **state)
{
	static const uint8_t n[257];
	struct isakmp_payload pl = { .type = ISAKMP_NP_NONCE, .body = n };
	const uint8_t *d;
	uint16_t len;

	(void)state;
	pl.len = 7;
	assert_int_equal(isakmp_decode_nonce(&pl, &d, &len), ISAKMP_E_NONCE_LEN);
	pl.len = 8;
	assert_int_equal(isakmp_decode_nonce(&pl, &d, &len), ISAKMP_OK);
	assert_int_equal(len, 8);
	pl.len = 256;
	assert_int_equal(isakmp_decode_nonce(&pl, &d, &len), ISAKMP_OK);
	pl.len = 257;
	assert_int_equal(isakmp_decode_nonce(&pl, &d, &len), ISAKMP_E_NONCE_LEN);
	pl.type = ISAKMP_NP_KE;
	assert_int_equal(isakmp_decode_nonce(&pl, &d, &len), ISAKMP_E_WRONG_TYPE);
}

static int id4(uint8_t type, const uint8_t *data, uint16_t len, uint32_t *a, uint32_t *b)
{
	struct isakmp_id id = { .type = type, .data = data, .len = len };

	return isakmp_id_ipv4(&id, a, b);
}

static void test_id_ipv4(void **state)
{
	static const uint8_t host[4] = { 192, 168, 1, 10 };
	static const uint8_t net[8] = { 10, 2, 2, 7, 255, 255, 255, 0 };
	static const uint8_t any[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t holes[8] = { 10, 0, 0, 0, 255, 0, 255, 0 };
	static const uint8_t range[8] = { 10, 2, 2, 10, 10, 2, 2, 20 };
	static const uint8_t back[8] = { 10, 2, 2, 20, 10, 2, 2, 10 };
	uint32_t a, b;

	(void)state;
	assert_int_equal(id4(ISAKMP_ID_IPV4_ADDR, host, 4, &a, &b), ISAKMP_OK);
	assert_int_equal(a, 0xc0a8010a);
	assert_int_equal(b, 0xc0a8010a);
	assert_int_equal(id4(ISAKMP_ID_IPV4_ADDR_SUBNET, net, 8, &a, &b), ISAKMP_OK);
	assert_int_equal(a, 0x0a020200);	/* host bits masked off */
	assert_int_equal(b, 0x0a0202ff);
	/* 0.0.0.0/0, as Unity clients propose for the remote side */
	assert_int_equal(id4(ISAKMP_ID_IPV4_ADDR_SUBNET, any, 8, &a, &b), ISAKMP_OK);
	assert_int_equal(a, 0);
	assert_int_equal(b, 0xffffffff);
	assert_int_equal(id4(ISAKMP_ID_IPV4_ADDR_RANGE, range, 8, &a, &b), ISAKMP_OK);
	assert_int_equal(b - a, 10);
	assert_int_equal(id4(ISAKMP_ID_IPV4_ADDR_RANGE, back, 8, &a, &b), ISAKMP_E_ID_VALUE);
	assert_int_equal(id4(ISAKMP_ID_IPV4_ADDR_SUBNET, holes, 8, &a, &b), ISAKMP_E_ID_VALUE);
	/* the malformed-length cases */
	assert_int_equal(id4(ISAKMP_ID_IPV4_ADDR, host, 3, &a, &b), ISAKMP_E_ID_LEN);
	assert_int_equal(id4(ISAKMP_ID_IPV4_ADDR, net, 8, &a, &b), ISAKMP_E_ID_LEN);
	assert_int_equal(id4(ISAKMP_ID_IPV4_ADDR_SUBNET, net, 4, &a, &b), ISAKMP_E_ID_LEN);
	assert_int_equal(id4(ISAKMP_ID_IPV4_ADDR_RANGE, range, 7, &a, &b), ISAKMP_E_ID_LEN);
	assert_int_equal(id4(ISAKMP_ID_FQDN, host, 4, &a, &b), ISAKMP_E_ID_TYPE);
}

/* The VIDs are MD5 digests of well-known strings: check ours against them. */
static void test_vendor_ids(void **state)
{
	static const struct {
		enum isakmp_vid vid;
		const char *str;
		size_t md5_bytes;	/* how much of the digest the VID uses */
	} t[] = {
		{ ISAKMP_VID_NATT_RFC3947, "RFC 3947", 16 },
		{ ISAKMP_VID_NATT_02, "draft-ietf-ipsec-nat-t-ike-02", 16 },
		{ ISAKMP_VID_NATT_02N, "draft-ietf-ipsec-nat-t-ike-02\n", 16 },
		{ ISAKMP_VID_NATT_03, "draft-ietf-ipsec-nat-t-ike-03", 16 },
		{ ISAKMP_VID_XAUTH, "draft-ietf-ipsra-isakmp-xauth-06.txt", 8 },
		{ ISAKMP_VID_UNITY, "CISCO-UNITY", 14 },
		{ ISAKMP_VID_FRAGMENTATION, "FRAGMENTATION", 16 },
	};
	static const uint8_t unity_v12[16] = {
		0x12, 0xf5, 0xf2, 0x8c, 0x45, 0x71, 0x68, 0xa9,
		0x70, 0x2d, 0x9f, 0xe2, 0x74, 0xcc, 0x01, 0x02,
	};
	uint8_t md5[16];
	const uint8_t *b;
	unsigned int i;
	size_t len;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ike_chunk in = IKE_CHUNK(t[i].str, strlen(t[i].str));

		assert_int_equal(ike_hash(IKE_HASH_MD5, &in, 1, md5), 0);
		b = isakmp_vid_bytes(t[i].vid, &len);
		assert_non_null(b);
		assert_memory_equal(b, md5, t[i].md5_bytes);
		assert_int_equal(isakmp_vid_classify(b, len), t[i].vid);
		assert_string_not_equal(isakmp_vid_name(t[i].vid), "unknown");
	}
	/* DPD is a plain constant (RFC 3706 2.2) */
	b = isakmp_vid_bytes(ISAKMP_VID_DPD, &len);
	assert_int_equal(len, 16);
	assert_int_equal(isakmp_vid_classify(b, len), ISAKMP_VID_DPD);
	/* exact matches must have the exact length; suffixed ones any suffix */
	assert_int_equal(isakmp_vid_classify(b, 15), ISAKMP_VID_UNKNOWN);
	assert_int_equal(isakmp_vid_classify(unity_v12, 16), ISAKMP_VID_UNITY);
	assert_int_equal(isakmp_vid_classify(unity_v12, 13), ISAKMP_VID_UNKNOWN);
	b = isakmp_vid_bytes(ISAKMP_VID_FRAGMENTATION, &len);
	assert_int_equal(isakmp_vid_classify(b, 16), ISAKMP_VID_FRAGMENTATION);
	assert_int_equal(isakmp_vid_classify(b, 0), ISAKMP_VID_UNKNOWN);
	assert_null(isakmp_vid_bytes(ISAKMP_VID_UNKNOWN, &len));
	assert_null(isakmp_vid_bytes(ISAKMP_VID_COUNT, &len));
	assert_string_equal(isakmp_vid_name(ISAKMP_VID_UNKNOWN), "unknown");
}

static void test_hashed_span(void **state)
{
	static const uint8_t h20[20] = { 0xab };
	const uint8_t *hash, *rest;
	struct isakmp_hdr h = hdr0;
	struct isakmp_msg m;
	uint8_t out[256];
	struct isakmp_enc e;
	uint16_t hlen;
	size_t rlen;
	int len;

	(void)state;
	h.exch = ISAKMP_EXCH_QUICK;
	isakmp_enc_init(&e, out, sizeof(out), &h);
	isakmp_put_data(&e, ISAKMP_NP_HASH, h20, 20);
	isakmp_put_data(&e, ISAKMP_NP_NONCE, h20, 16);
	isakmp_put_data(&e, 200, "xyz", 3);		/* unknown: skipped, still hashed */
	len = isakmp_enc_finish(&e);
	/* as if decrypted: 5 bytes of padding after the chain */
	memset(out + len, 0, 5);
	assert_int_equal(isakmp_decode_hdr(out, len, &m.hdr), ISAKMP_OK);
	assert_int_equal(isakmp_decode_chain(&m, ISAKMP_NP_HASH, out + ISAKMP_HDR_LEN,
					     len - ISAKMP_HDR_LEN + 5, true), ISAKMP_OK);
	assert_int_equal(m.skipped, 1);
	assert_int_equal(isakmp_hashed(&m, &hash, &hlen, &rest, &rlen), ISAKMP_OK);
	assert_int_equal(hlen, 20);
	assert_int_equal(hash[0], 0xab);
	assert_ptr_equal(rest, out + ISAKMP_HDR_LEN + 24);
	assert_int_equal(rlen, 20 + 7);			/* NONCE and the unknown payload */
	/* a HASH alone covers nothing */
	out[ISAKMP_HDR_LEN] = ISAKMP_NP_NONE;
	assert_int_equal(isakmp_decode_chain(&m, ISAKMP_NP_HASH, out + ISAKMP_HDR_LEN, 24, false),
			 ISAKMP_OK);
	assert_int_equal(isakmp_hashed(&m, &hash, &hlen, &rest, &rlen), ISAKMP_OK);
	assert_int_equal(rlen, 0);
	/* HASH not first */
	assert_int_equal(isakmp_decode_chain(&m, ISAKMP_NP_NONCE, out + ISAKMP_HDR_LEN + 24,
					     27, false), ISAKMP_OK);
	assert_int_equal(isakmp_hashed(&m, &hash, &hlen, &rest, &rlen), ISAKMP_E_HASH_FIRST);
	assert_int_equal(isakmp_decode(mm1, sizeof(mm1), &m), ISAKMP_OK);
	assert_int_equal(isakmp_hashed(&m, &hash, &hlen, &rest, &rlen), ISAKMP_E_HASH_FIRST);
}

/* ---- one reject test per malformed-length case ---- */

static void test_reject_datagram_shorter_than_header(void **state)
{
	struct isakmp_hdr h;

	(void)state;
	mm1_copy();
	assert_int_equal(decode_pkt(ISAKMP_HDR_LEN - 1), ISAKMP_E_HDR_SHORT);
	assert_int_equal(isakmp_decode_hdr(pkt, 0, &h), ISAKMP_E_HDR_SHORT);
}

static void test_reject_header_length_below_header(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	put_be32(pkt + 24, ISAKMP_HDR_LEN - 1);
	assert_int_equal(decode_pkt(len), ISAKMP_E_HDR_LEN_SHORT);
	put_be32(pkt + 24, 0);
	assert_int_equal(decode_pkt(len), ISAKMP_E_HDR_LEN_SHORT);
}

static void test_reject_header_length_beyond_datagram(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	put_be32(pkt + 24, len + 1);
	assert_int_equal(decode_pkt(len), ISAKMP_E_HDR_LEN_TRUNCATED);
	put_be32(pkt + 24, 0xffffffff);
	assert_int_equal(decode_pkt(len), ISAKMP_E_HDR_LEN_TRUNCATED);
	/* the whole message cut short in flight */
	mm1_copy();
	assert_int_equal(decode_pkt(len - 1), ISAKMP_E_HDR_LEN_TRUNCATED);
}

static void test_reject_datagram_beyond_header_length(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	pkt[len] = 0;
	assert_int_equal(decode_pkt(len + 1), ISAKMP_E_HDR_LEN_TRAILING);
}

static void test_reject_major_version(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	pkt[17] = 0x20;		/* IKEv2 */
	assert_int_equal(decode_pkt(len), ISAKMP_E_VERSION);
	pkt[17] = 0x11;		/* minor version is tolerated */
	assert_int_equal(decode_pkt(len), ISAKMP_OK);
}

static void test_reject_payload_length_below_4(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	set16(OFF_SA + 2, 3);
	assert_int_equal(decode_pkt(len), ISAKMP_E_PAYLOAD_LEN_SHORT);
	mm1_copy();
	set16(OFF_VID + 2, 0);	/* a zero length would loop forever if accepted */
	assert_int_equal(decode_pkt(len), ISAKMP_E_PAYLOAD_LEN_SHORT);
}

static void test_reject_payload_length_beyond_message(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	set16(OFF_VID + 2, 21);
	assert_int_equal(decode_pkt(len), ISAKMP_E_PAYLOAD_LEN_OVERFLOW);
	mm1_copy();
	set16(OFF_SA + 2, 0xffff);
	assert_int_equal(decode_pkt(len), ISAKMP_E_PAYLOAD_LEN_OVERFLOW);
}

static void test_reject_chain_runs_past_end(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	pkt[OFF_VID] = ISAKMP_NP_VID;	/* says another payload follows; none does */
	assert_int_equal(decode_pkt(len), ISAKMP_E_PAYLOAD_HDR_SHORT);
	/* ... or only part of a generic header follows */
	pkt[len] = 0;
	pkt[len + 1] = 0;
	put_be32(pkt + 24, len + 2);
	assert_int_equal(decode_pkt(len + 2), ISAKMP_E_PAYLOAD_HDR_SHORT);
}

static void test_reject_bytes_after_last_payload(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	memset(pkt + len, 0, 4);
	put_be32(pkt + 24, len + 4);
	assert_int_equal(decode_pkt(len + 4), ISAKMP_E_TRAILING);
}

/* A message with one payload whose body is n bytes of zeros. */
static int decode_short_body(uint8_t type, size_t n)
{
	static const uint8_t zeros[16];
	struct isakmp_msg m;
	struct isakmp_enc e;
	int len;

	isakmp_enc_init(&e, pkt, sizeof(pkt), &hdr0);
	isakmp_put_data(&e, type, zeros, n);
	len = isakmp_enc_finish(&e);
	assert_true(len > 0);
	return isakmp_decode(pkt, len, &m);
}

static void test_reject_payloads_shorter_than_fixed_part(void **state)
{
	(void)state;
	assert_int_equal(decode_short_body(ISAKMP_NP_SA, 7), ISAKMP_E_PAYLOAD_FIXED_SHORT);
	assert_int_equal(decode_short_body(ISAKMP_NP_ID, 3), ISAKMP_E_PAYLOAD_FIXED_SHORT);
	assert_int_equal(decode_short_body(ISAKMP_NP_N, 7), ISAKMP_E_PAYLOAD_FIXED_SHORT);
	assert_int_equal(decode_short_body(ISAKMP_NP_D, 7), ISAKMP_E_PAYLOAD_FIXED_SHORT);
	assert_int_equal(decode_short_body(ISAKMP_NP_ATTR, 3), ISAKMP_E_PAYLOAD_FIXED_SHORT);
	assert_int_equal(decode_short_body(ISAKMP_NP_CERT, 0), ISAKMP_E_PAYLOAD_FIXED_SHORT);
	assert_int_equal(decode_short_body(ISAKMP_NP_CR, 0), ISAKMP_E_PAYLOAD_FIXED_SHORT);
	assert_int_equal(decode_short_body(ISAKMP_NP_NATOA, 3), ISAKMP_E_PAYLOAD_FIXED_SHORT);
	/* exactly the fixed part is fine where nothing else is required */
	assert_int_equal(decode_short_body(ISAKMP_NP_ID, 4), ISAKMP_OK);
	assert_int_equal(decode_short_body(ISAKMP_NP_N, 8), ISAKMP_OK);
	assert_int_equal(decode_short_body(ISAKMP_NP_D, 8), ISAKMP_OK);
	assert_int_equal(decode_short_body(ISAKMP_NP_ATTR, 4), ISAKMP_OK);
	assert_int_equal(decode_short_body(ISAKMP_NP_KE, 0), ISAKMP_OK);
}

static void test_reject_too_many_payloads(void **state)
{
	struct isakmp_msg m;
	struct isakmp_enc e;
	int i, len;

	(void)state;
	isakmp_enc_init(&e, pkt, sizeof(pkt), &hdr0);
	for (i = 0; i <= ISAKMP_MAX_PAYLOADS; i++)
		isakmp_put_data(&e, ISAKMP_NP_VID, NULL, 0);
	len = isakmp_enc_finish(&e);
	assert_int_equal(isakmp_decode(pkt, len, &m), ISAKMP_E_TOO_MANY_PAYLOADS);
}

static void test_reject_proposal_at_top_level(void **state)
{
	(void)state;
	assert_int_equal(decode_short_body(ISAKMP_NP_P, 8), ISAKMP_E_BAD_NESTING);
	assert_int_equal(decode_short_body(ISAKMP_NP_T, 8), ISAKMP_E_BAD_NESTING);
}

static void test_reject_sa_doi_and_situation(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	pkt[OFF_SA + 7] = 2;
	assert_int_equal(decode_pkt(len), ISAKMP_E_SA_DOI);
	mm1_copy();
	pkt[OFF_SA + 11] = ISAKMP_SIT_SECRECY;
	assert_int_equal(decode_pkt(len), ISAKMP_E_SA_SITUATION);
}

static void test_reject_sa_without_proposal(void **state)
{
	struct isakmp_msg m;
	struct isakmp_enc e;
	int len;

	(void)state;
	isakmp_enc_init(&e, pkt, sizeof(pkt), &hdr0);
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_put_end(&e);
	len = isakmp_enc_finish(&e);
	assert_int_equal(isakmp_decode(pkt, len, &m), ISAKMP_E_SA_NO_PROPOSAL);
}

static void test_reject_proposal_lengths(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	set16(OFF_P + 2, 3);
	assert_int_equal(decode_pkt(len), ISAKMP_E_PAYLOAD_LEN_SHORT);
	mm1_copy();
	set16(OFF_P + 2, 81);			/* one past the SA */
	assert_int_equal(decode_pkt(len), ISAKMP_E_PAYLOAD_LEN_OVERFLOW);
	mm1_copy();
	set16(OFF_P + 2, 7);			/* shorter than its 4 fixed bytes */
	assert_int_equal(decode_pkt(len), ISAKMP_E_PAYLOAD_FIXED_SHORT);
	mm1_copy();
	pkt[OFF_P + 6] = 200;			/* SPI size past the proposal */
	assert_int_equal(decode_pkt(len), ISAKMP_E_PROP_SPI_LEN);
	mm1_copy();
	set16(OFF_P + 2, 76);			/* proposal ends inside T2 */
	assert_int_equal(decode_pkt(len), ISAKMP_E_PAYLOAD_LEN_OVERFLOW);
}

static void test_reject_proposal_chain(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	pkt[OFF_P] = ISAKMP_NP_KE;		/* a KE cannot follow a proposal */
	assert_int_equal(decode_pkt(len), ISAKMP_E_PROP_CHAIN);
	mm1_copy();
	pkt[OFF_P] = ISAKMP_NP_P;		/* announced proposal missing */
	assert_int_equal(decode_pkt(len), ISAKMP_E_PAYLOAD_HDR_SHORT);
}

/* SA with proposals numbered as given, one transform each. */
static int decode_props(const uint8_t *nums, int n, int ntrans_each)
{
	struct isakmp_msg m;
	struct isakmp_enc e;
	int i, j, len;

	isakmp_enc_init(&e, pkt, sizeof(pkt), &hdr0);
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	for (i = 0; i < n; i++) {
		isakmp_put_prop_begin(&e, nums[i], ISAKMP_PROTO_ESP, "spi!", 4, ntrans_each);
		for (j = 0; j < ntrans_each; j++) {
			isakmp_put_trans_begin(&e, j + 1, ESP_AES_CBC);
			isakmp_put_end(&e);
		}
		isakmp_put_end(&e);
	}
	isakmp_put_end(&e);
	len = isakmp_enc_finish(&e);
	assert_true(len > 0);
	return isakmp_decode(pkt, len, &m);
}

static void test_reject_proposal_order(void **state)
{
	static const uint8_t ok[] = { 1, 1, 2 }, bad[] = { 2, 1 };

	(void)state;
	assert_int_equal(decode_props(ok, 3, 1), ISAKMP_OK);
	assert_int_equal(decode_props(bad, 2, 1), ISAKMP_E_PROP_ORDER);
}

static void test_reject_too_many_proposals(void **state)
{
	uint8_t nums[ISAKMP_MAX_PROPOSALS + 1];
	int i;

	(void)state;
	for (i = 0; i < (int)sizeof(nums); i++)
		nums[i] = i + 1;
	assert_int_equal(decode_props(nums, ISAKMP_MAX_PROPOSALS, 1), ISAKMP_OK);
	assert_int_equal(decode_props(nums, ISAKMP_MAX_PROPOSALS + 1, 1),
			 ISAKMP_E_TOO_MANY_PROPOSALS);
}

static void test_reject_too_many_transforms(void **state)
{
	static const uint8_t one[] = { 1 }, two[] = { 1, 2 };

	(void)state;
	assert_int_equal(decode_props(one, 1, ISAKMP_MAX_TRANSFORMS), ISAKMP_OK);
	assert_int_equal(decode_props(one, 1, ISAKMP_MAX_TRANSFORMS + 1),
			 ISAKMP_E_TOO_MANY_TRANSFORMS);
	/* the cap is over all proposals together */
	assert_int_equal(decode_props(two, 2, ISAKMP_MAX_TRANSFORMS / 2 + 1),
			 ISAKMP_E_TOO_MANY_TRANSFORMS);
}

static void test_reject_transform_count(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	pkt[OFF_P + 7] = 3;			/* says 3, has 2 */
	assert_int_equal(decode_pkt(len), ISAKMP_E_TRANS_COUNT);
	pkt[OFF_P + 7] = 1;			/* says 1, has 2 */
	assert_int_equal(decode_pkt(len), ISAKMP_E_TRANS_COUNT);
	pkt[OFF_P + 7] = 0;
	assert_int_equal(decode_pkt(len), ISAKMP_E_TRANS_COUNT);
	mm1_copy();
	pkt[OFF_T2] = ISAKMP_NP_T;		/* last transform claims a successor */
	assert_int_equal(decode_pkt(len), ISAKMP_E_TRANS_COUNT);
}

static void test_reject_transform_chain(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	pkt[OFF_T1] = ISAKMP_NP_SA;
	assert_int_equal(decode_pkt(len), ISAKMP_E_TRANS_CHAIN);
	mm1_copy();
	pkt[OFF_T1] = ISAKMP_NP_NONE;		/* T2 left dangling after the "last" */
	assert_int_equal(decode_pkt(len), ISAKMP_E_TRAILING);
}

static void test_reject_transform_lengths(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	set16(OFF_T1 + 2, 7);			/* shorter than its 4 fixed bytes */
	assert_int_equal(decode_pkt(len), ISAKMP_E_PAYLOAD_FIXED_SHORT);
	mm1_copy();
	set16(OFF_T1 + 2, 2);
	assert_int_equal(decode_pkt(len), ISAKMP_E_PAYLOAD_LEN_SHORT);
	mm1_copy();
	set16(OFF_T2 + 2, 37);			/* past the proposal */
	assert_int_equal(decode_pkt(len), ISAKMP_E_PAYLOAD_LEN_OVERFLOW);
}

static void test_reject_truncated_attribute(void **state)
{
	size_t len = mm1_copy();

	(void)state;
	/* T2 cut so that its long-form life duration loses 2 of its 4 bytes */
	set16(OFF_T2 + 2, 34);
	set16(OFF_P + 2, 78);
	set16(OFF_SA + 2, 90);
	memmove(pkt + OFF_VID - 2, pkt + OFF_VID, 20);
	put_be32(pkt + 24, len - 2);
	assert_int_equal(decode_pkt(len - 2), ISAKMP_E_ATTR_SHORT);
	/* a TLV whose header itself is cut: T2 three bytes shorter */
	mm1_copy();
	set16(OFF_T2 + 2, 29);
	set16(OFF_P + 2, 73);
	set16(OFF_SA + 2, 85);
	memmove(pkt + OFF_VID - 7, pkt + OFF_VID, 20);
	put_be32(pkt + 24, len - 7);
	assert_int_equal(decode_pkt(len - 7), ISAKMP_E_ATTR_SHORT);
}

static int p1_attrs_of(const uint8_t *attrs, size_t len)
{
	struct isakmp_transform t = { .attrs = attrs, .attrs_len = len };
	struct ike_p1_attrs a;

	return isakmp_p1_attrs(&t, &a);
}

static int ipsec_attrs_of(const uint8_t *attrs, size_t len)
{
	struct isakmp_transform t = { .attrs = attrs, .attrs_len = len };
	struct ipsec_attrs a;

	return isakmp_ipsec_attrs(&t, &a);
}

static void test_reject_attribute_values(void **state)
{
	static const uint8_t enc_too_big[] = { 0x00, 0x01, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00 };
	static const uint8_t enc_too_long[] = { 0x00, 0x01, 0x00, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 7 };
	static const uint8_t dup[] = { 0x80, 0x01, 0x00, 0x07, 0x80, 0x01, 0x00, 0x05 };
	static const uint8_t dup_life[] = { 0x80, 0x0b, 0x00, 0x01, 0x80, 0x0c, 0x00, 0x10,
					    0x80, 0x0b, 0x00, 0x01, 0x80, 0x0c, 0x00, 0x20 };
	static const uint8_t life_first[] = { 0x80, 0x0c, 0x00, 0x10, 0x80, 0x0b, 0x00, 0x01 };
	static const uint8_t life_twice[] = { 0x80, 0x0b, 0x00, 0x01, 0x80, 0x0c, 0x00, 0x10,
					      0x80, 0x0c, 0x00, 0x10 };
	static const uint8_t life_type3[] = { 0x80, 0x0b, 0x00, 0x03 };
	static const uint8_t p2_dup[] = { 0x80, 0x05, 0x00, 0x02, 0x80, 0x05, 0x00, 0x02 };
	static const uint8_t p2_life_first[] = { 0x80, 0x02, 0x0e, 0x10 };
	static const uint8_t cut[] = { 0x80 };

	(void)state;
	assert_int_equal(p1_attrs_of(enc_too_big, sizeof(enc_too_big)), ISAKMP_E_ATTR_TOO_LONG);
	assert_int_equal(p1_attrs_of(enc_too_long, sizeof(enc_too_long)), ISAKMP_E_ATTR_TOO_LONG);
	assert_int_equal(p1_attrs_of(dup, sizeof(dup)), ISAKMP_E_ATTR_DUPLICATE);
	assert_int_equal(p1_attrs_of(dup_life, sizeof(dup_life)), ISAKMP_E_ATTR_DUPLICATE);
	assert_int_equal(p1_attrs_of(life_first, sizeof(life_first)), ISAKMP_E_ATTR_LIFE_ORDER);
	assert_int_equal(p1_attrs_of(life_twice, sizeof(life_twice)), ISAKMP_E_ATTR_LIFE_ORDER);
	assert_int_equal(p1_attrs_of(life_type3, sizeof(life_type3)), ISAKMP_E_ATTR_LIFE_TYPE);
	assert_int_equal(p1_attrs_of(cut, sizeof(cut)), ISAKMP_E_ATTR_SHORT);
	assert_int_equal(ipsec_attrs_of(p2_dup, sizeof(p2_dup)), ISAKMP_E_ATTR_DUPLICATE);
	assert_int_equal(ipsec_attrs_of(p2_life_first, sizeof(p2_life_first)),
			 ISAKMP_E_ATTR_LIFE_ORDER);
	assert_int_equal(ipsec_attrs_of(cut, sizeof(cut)), ISAKMP_E_ATTR_SHORT);
}

static int decode_notify_raw(const uint8_t *body, size_t n)
{
	struct isakmp_msg m;
	struct isakmp_enc e;
	int len;

	isakmp_enc_init(&e, pkt, sizeof(pkt), &hdr0);
	isakmp_put_data(&e, body[0], body + 1, n - 1);
	len = isakmp_enc_finish(&e);
	return isakmp_decode(pkt, len, &m);
}

static void test_reject_notify_spi_size(void **state)
{
	/* type byte, then DOI 1, proto ISAKMP, SPI size 16, INITIAL-CONTACT, 8 SPI bytes */
	static const uint8_t n[] = { ISAKMP_NP_N, 0, 0, 0, 1, 1, 16, 0x60, 0x02,
				     1, 2, 3, 4, 5, 6, 7, 8 };

	(void)state;
	assert_int_equal(decode_notify_raw(n, sizeof(n)), ISAKMP_E_NOTIFY_SPI_LEN);
}

static void test_reject_delete_lengths(void **state)
{
	/* DOI 1, ESP, SPI size 4, 2 SPIs, but only one SPI present */
	static const uint8_t d_short[] = { ISAKMP_NP_D, 0, 0, 0, 1, 3, 4, 0, 2, 1, 2, 3, 4 };
	/* one SPI announced, two present */
	static const uint8_t d_long[] = { ISAKMP_NP_D, 0, 0, 0, 1, 3, 4, 0, 1, 1, 2, 3, 4,
					  5, 6, 7, 8 };
	/* SPI size 0 with a count */
	static const uint8_t d_zero[] = { ISAKMP_NP_D, 0, 0, 0, 1, 3, 0, 0, 5 };
	/* 65535 SPIs of 255 bytes: the product must not overflow */
	static const uint8_t d_huge[] = { ISAKMP_NP_D, 0, 0, 0, 1, 3, 0xff, 0xff, 0xff };

	(void)state;
	assert_int_equal(decode_notify_raw(d_short, sizeof(d_short)), ISAKMP_E_DELETE_LEN);
	assert_int_equal(decode_notify_raw(d_long, sizeof(d_long)), ISAKMP_E_DELETE_LEN);
	assert_int_equal(decode_notify_raw(d_zero, sizeof(d_zero)), ISAKMP_E_DELETE_SPI_SIZE);
	assert_int_equal(decode_notify_raw(d_huge, sizeof(d_huge)), ISAKMP_E_DELETE_LEN);
}

static void test_reject_modecfg_attribute(void **state)
{
	/* REPLY, id 1, then a TLV claiming 8 bytes with 2 present */
	static const uint8_t c[] = { ISAKMP_NP_ATTR, 2, 0, 0, 1, 0x00, 0x01, 0x00, 0x08, 10, 1 };

	(void)state;
	assert_int_equal(decode_notify_raw(c, sizeof(c)), ISAKMP_E_ATTR_SHORT);
}

static void test_reject_wrong_decoder(void **state)
{
	struct isakmp_notify_pl n;
	struct isakmp_modecfg c;
	struct isakmp_msg m;
	struct isakmp_id id;
	struct isakmp_sa sa;

	(void)state;
	assert_int_equal(isakmp_decode(mm1, sizeof(mm1), &m), ISAKMP_OK);
	assert_int_equal(isakmp_decode_id(&m.pl[0], &id), ISAKMP_E_WRONG_TYPE);
	assert_int_equal(isakmp_decode_notify(&m.pl[0], &n), ISAKMP_E_WRONG_TYPE);
	assert_int_equal(isakmp_decode_modecfg(&m.pl[0], &c), ISAKMP_E_WRONG_TYPE);
	assert_int_equal(isakmp_decode_sa(&m.pl[1], &sa), ISAKMP_E_WRONG_TYPE);
}

/* Every prefix and every single-byte corruption of a valid message decodes or fails cleanly. */
static void test_truncations_and_bitflips(void **state)
{
	struct isakmp_msg m;
	struct isakmp_sa sa;
	size_t len, i;
	unsigned int j;
	int bit;

	(void)state;
	for (len = 0; len < sizeof(mm1); len++) {
		mm1_copy();
		put_be32(pkt + 24, len);
		assert_true(decode_pkt(len) < 0);
	}
	for (i = 0; i < sizeof(mm1); i++) {
		for (bit = 0; bit < 8; bit++) {
			mm1_copy();
			pkt[i] ^= 1 << bit;
			if (isakmp_decode(pkt, sizeof(mm1), &m) != ISAKMP_OK)
				continue;
			/* accepted: then every payload must decode without error */
			for (j = 0; j < m.n; j++)
				if (m.pl[j].type == ISAKMP_NP_SA)
					assert_int_equal(isakmp_decode_sa(&m.pl[j], &sa),
							 ISAKMP_OK);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_mm1),
		cmocka_unit_test(test_encode_mm1_matches),
		cmocka_unit_test(test_roundtrip_quick_mode),
		cmocka_unit_test(test_roundtrip_informational),
		cmocka_unit_test(test_roundtrip_modecfg),
		cmocka_unit_test(test_sa_reply),
		cmocka_unit_test(test_encrypted_and_padding),
		cmocka_unit_test(test_unknown_payload_skipped),
		cmocka_unit_test(test_attr_forms_and_long_life),
		cmocka_unit_test(test_encoder_errors),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_responder_lifetime),
		cmocka_unit_test(test_nonce_length),
		cmocka_unit_test(test_id_ipv4),
		cmocka_unit_test(test_vendor_ids),
		cmocka_unit_test(test_hashed_span),
		cmocka_unit_test(test_reject_datagram_shorter_than_header),
		cmocka_unit_test(test_reject_header_length_below_header),
		cmocka_unit_test(test_reject_header_length_beyond_datagram),
		cmocka_unit_test(test_reject_datagram_beyond_header_length),
		cmocka_unit_test(test_reject_major_version),
		cmocka_unit_test(test_reject_payload_length_below_4),
		cmocka_unit_test(test_reject_payload_length_beyond_message),
		cmocka_unit_test(test_reject_chain_runs_past_end),
		cmocka_unit_test(test_reject_bytes_after_last_payload),
		cmocka_unit_test(test_reject_payloads_shorter_than_fixed_part),
		cmocka_unit_test(test_reject_too_many_payloads),
		cmocka_unit_test(test_reject_proposal_at_top_level),
		cmocka_unit_test(test_reject_sa_doi_and_situation),
		cmocka_unit_test(test_reject_sa_without_proposal),
		cmocka_unit_test(test_reject_proposal_lengths),
		cmocka_unit_test(test_reject_proposal_chain),
		cmocka_unit_test(test_reject_proposal_order),
		cmocka_unit_test(test_reject_too_many_proposals),
		cmocka_unit_test(test_reject_too_many_transforms),
		cmocka_unit_test(test_reject_transform_count),
		cmocka_unit_test(test_reject_transform_chain),
		cmocka_unit_test(test_reject_transform_lengths),
		cmocka_unit_test(test_reject_truncated_attribute),
		cmocka_unit_test(test_reject_attribute_values),
		cmocka_unit_test(test_reject_notify_spi_size),
		cmocka_unit_test(test_reject_delete_lengths),
		cmocka_unit_test(test_reject_modecfg_attribute),
		cmocka_unit_test(test_reject_wrong_decoder),
		cmocka_unit_test(test_truncations_and_bitflips),
	};

	return cmocka_run_group_tests_name("ike_isakmp", tests, NULL, NULL);
}
