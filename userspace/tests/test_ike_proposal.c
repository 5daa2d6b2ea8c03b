// SPDX-License-Identifier: GPL-2.0
/* Phase-1 and phase-2 proposal selection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "crypto.h"
#include "isakmp.h"
#include "proposal.h"

/* A transform to offer: id and (class, value) pairs, ended by class 0. */
struct tdesc {
	uint8_t id;
	uint32_t attrs[24];
};

struct pdesc {
	uint8_t num;
	uint8_t proto;
	uint32_t spi;
	uint8_t spi_size;
	const struct tdesc *t;
	unsigned int nt;
};

/* The encoded message must outlive the decoded SA, which points into it. */
struct offer {
	uint8_t msg[8192];
	struct isakmp_sa sa;
};

static const struct isakmp_hdr hdr0 = { .exch = ISAKMP_EXCH_IDPROT };

static void build(struct offer *o, const struct pdesc *p, unsigned int np)
{
	struct isakmp_enc e;
	struct isakmp_msg m;
	unsigned int i, j, k;
	uint8_t spi[8];
	int len;

	isakmp_enc_init(&e, o->msg, sizeof(o->msg), &hdr0);
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	for (i = 0; i < np; i++) {
		memset(spi, 0, sizeof(spi));
		put_be32(spi, p[i].spi);
		isakmp_put_prop_begin(&e, p[i].num, p[i].proto, spi, p[i].spi_size, p[i].nt);
		for (j = 0; j < p[i].nt; j++) {
			const struct tdesc *t = &p[i].t[j];

			isakmp_put_trans_begin(&e, j + 1, t->id);
			for (k = 0; t->attrs[k]; k += 2)
				isakmp_put_attr(&e, t->attrs[k], t->attrs[k + 1]);
			isakmp_put_end(&e);
		}
		isakmp_put_end(&e);
	}
	isakmp_put_end(&e);
	len = isakmp_enc_finish(&e);
	assert_true(len > 0);
	assert_int_equal(isakmp_decode(o->msg, len, &m), ISAKMP_OK);
	assert_int_equal(isakmp_decode_sa(&m.pl[0], &o->sa), ISAKMP_OK);
}

/* ---- phase 1 ---- */

#define P1(enc, kl, hash, auth, group, life) { .id = ISAKMP_KEY_IKE, .attrs = {		\
	IKE_ATTR_ENC, enc, IKE_ATTR_HASH, hash, IKE_ATTR_AUTH, auth,			\
	IKE_ATTR_GROUP_DESC, group, IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS,			\
	IKE_ATTR_LIFE_DURATION, life, (kl) ? IKE_ATTR_KEY_LENGTH : 0, kl } }

static int p1_offer(struct offer *o, const struct tdesc *t, unsigned int nt)
{
	const struct pdesc p = { 1, ISAKMP_PROTO_ISAKMP, 0, 0, t, nt };

	build(o, &p, 1);
	return 0;
}

static const struct ike_p1_policy pol_modern[] = {
	{ IKE_ENC_AES_CBC, 256, IKE_HASH_SHA2_256, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 86400 },
	{ IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 86400 },
	{ IKE_ENC_3DES, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP1024, 86400 },
};

/* The document's router policy: des-md5-modp768, pre-share, 1 day. */
static const struct ike_p1_policy pol_doc[] = {
	{ IKE_ENC_DES, 0, IKE_HASH_MD5, IKE_AUTH_PSK, IKE_GROUP_MODP768, 86400 },
};

static struct offer o1, o2;

static void test_p1_strongswan_modern(void **state)
{
	/* aes128-sha1-modp2048, as the client profile in interop 5.1 */
	static const struct tdesc t[] = {
		P1(IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 10800),
	};
	struct ike_p1_choice c;

	(void)state;
	p1_offer(&o1, t, 1);
	assert_int_equal(ike_p1_select(pol_modern, 3, false, &o1.sa, &c), IKE_SEL_OK);
	assert_ptr_equal(c.policy, &pol_modern[1]);
	assert_int_equal(c.prop, 0);
	assert_int_equal(c.trans, 0);
	assert_int_equal(c.attrs.keylen, 128);
	assert_int_equal(c.lifetime, 10800);
	assert_false(c.notify_lifetime);
}

/* Cisco order: our policies by priority first, then the peer's order. */
static void test_p1_policy_priority_wins(void **state)
{
	static const struct tdesc t[] = {
		P1(IKE_ENC_3DES, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP1024, 86400),
		P1(IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 86400),
	};
	static const struct ike_p1_policy rev[] = {
		{ IKE_ENC_3DES, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP1024, 86400 },
		{ IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 86400 },
	};
	struct ike_p1_choice c;

	(void)state;
	p1_offer(&o1, t, 2);
	assert_int_equal(ike_p1_select(pol_modern, 3, false, &o1.sa, &c), IKE_SEL_OK);
	assert_int_equal(c.trans, 1);
	assert_ptr_equal(c.policy, &pol_modern[1]);
	/* 3DES is legacy */
	assert_int_equal(ike_p1_select(rev, 2, false, &o1.sa, &c), IKE_SEL_OK);
	assert_int_equal(c.trans, 1);
	assert_int_equal(ike_p1_select(rev, 2, true, &o1.sa, &c), IKE_SEL_OK);
	assert_int_equal(c.trans, 0);
	assert_ptr_equal(c.policy, &rev[0]);
}

/* vpnc: 12 XAUTH transforms first, then the same 12 with plain PSK (interop 0.2). */
static void test_p1_vpnc_xauth_then_psk(void **state)
{
	static const uint16_t encs[3][2] = {
		{ IKE_ENC_AES_CBC, 256 }, { IKE_ENC_AES_CBC, 128 }, { IKE_ENC_3DES, 0 },
	};
	static const uint16_t hashes[2] = { IKE_HASH_SHA1, IKE_HASH_MD5 };
	static const uint16_t grps[2] = { IKE_GROUP_MODP1024, IKE_GROUP_MODP1536 };
	static const struct ike_p1_policy xauth[] = {
		{ IKE_ENC_3DES, 0, IKE_HASH_SHA1, IKE_AUTH_XAUTH_INIT_PSK, IKE_GROUP_MODP1024,
		  86400 },
	};
	static struct tdesc t[24];
	struct ike_p1_choice c;
	unsigned int n = 0, a, e, h, g;

	(void)state;
	for (a = 0; a < 2; a++)
		for (e = 0; e < 3; e++)
			for (h = 0; h < 2; h++)
				for (g = 0; g < 2; g++) {
					struct tdesc x = P1(encs[e][0], encs[e][1], hashes[h],
							    a ? IKE_AUTH_PSK :
								IKE_AUTH_XAUTH_INIT_PSK,
							    grps[g], 2147483);
					uint32_t kl = x.attrs[13];

					/* vpnc puts the key length first (interop 0.7) */
					if (kl) {
						memmove(x.attrs + 2, x.attrs,
							12 * sizeof(x.attrs[0]));
						x.attrs[0] = IKE_ATTR_KEY_LENGTH;
						x.attrs[1] = kl;
					}
					t[n++] = x;
				}
	p1_offer(&o1, t, 24);
	/* plain PSK policy: the first PSK transform with 3DES/SHA1/modp1024 (legacy) */
	assert_int_equal(ike_p1_select(pol_modern, 3, true, &o1.sa, &c), IKE_SEL_OK);
	assert_ptr_equal(c.policy, &pol_modern[2]);
	assert_int_equal(c.trans, 12 + 8);	/* PSK block, 3DES, SHA1, modp1024 */
	assert_int_equal(c.attrs.auth, IKE_AUTH_PSK);
	assert_int_equal(c.lifetime, 86400);
	assert_true(c.notify_lifetime);		/* vpnc asks for 2147483 s */
	/* XAUTH policy: the XAUTH twin */
	assert_int_equal(ike_p1_select(xauth, 1, true, &o1.sa, &c), IKE_SEL_OK);
	assert_int_equal(c.trans, 8);
	assert_int_equal(c.attrs.auth, IKE_AUTH_XAUTH_INIT_PSK);
}

static void test_p1_every_attribute_counts(void **state)
{
	static const struct ike_p1_policy p[] = {
		{ IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 86400 },
	};
	static const struct tdesc miss[] = {
		P1(IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_RSA_SIG, IKE_GROUP_MODP2048, 60),
		P1(IKE_ENC_AES_CBC, 256, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 60),
		P1(IKE_ENC_AES_CBC, 128, IKE_HASH_SHA2_256, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 60),
		P1(IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP1536, 60),
		P1(IKE_ENC_3DES, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 60),
		P1(IKE_ENC_AES_CBC, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 60),
		P1(IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_XAUTH_INIT_PSK,
		   IKE_GROUP_MODP2048, 60),
	};
	struct ike_p1_choice c;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(miss) / sizeof(miss[0]); i++) {
		p1_offer(&o1, &miss[i], 1);
		assert_int_equal(ike_p1_select(p, 1, true, &o1.sa, &c), IKE_SEL_NO_PROPOSAL);
	}
}

static void test_p1_fixed_key_lengths(void **state)
{
	static const struct tdesc ok = P1(IKE_ENC_3DES, 192, IKE_HASH_SHA1, IKE_AUTH_PSK,
					  IKE_GROUP_MODP1024, 600);
	static const struct tdesc bad = P1(IKE_ENC_3DES, 128, IKE_HASH_SHA1, IKE_AUTH_PSK,
					   IKE_GROUP_MODP1024, 600);
	struct ike_p1_choice c;

	(void)state;
	p1_offer(&o1, &ok, 1);
	assert_int_equal(ike_p1_select(pol_modern, 3, true, &o1.sa, &c), IKE_SEL_OK);
	assert_ptr_equal(c.policy, &pol_modern[2]);
	p1_offer(&o1, &bad, 1);
	assert_int_equal(ike_p1_select(pol_modern, 3, false, &o1.sa, &c), IKE_SEL_NO_PROPOSAL);
}

static void test_p1_legacy_gate(void **state)
{
	static const struct tdesc doc = P1(IKE_ENC_DES, 0, IKE_HASH_MD5, IKE_AUTH_PSK,
					   IKE_GROUP_MODP768, 86400);
	static const struct ike_p1_policy one_each[] = {
		{ IKE_ENC_3DES, 0, IKE_HASH_MD5, IKE_AUTH_PSK, IKE_GROUP_MODP1024, 86400 },
		{ IKE_ENC_3DES, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP768, 86400 },
		{ IKE_ENC_DES, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP1024, 86400 },
	};
	static const struct tdesc t[] = {
		P1(IKE_ENC_3DES, 0, IKE_HASH_MD5, IKE_AUTH_PSK, IKE_GROUP_MODP1024, 86400),
		P1(IKE_ENC_3DES, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP768, 86400),
		P1(IKE_ENC_DES, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP1024, 86400),
	};
	struct ike_p1_choice c;
	unsigned int i;

	(void)state;
	p1_offer(&o1, &doc, 1);
	assert_int_equal(ike_p1_select(pol_doc, 1, false, &o1.sa, &c), IKE_SEL_NO_PROPOSAL);
	assert_int_equal(ike_p1_select(pol_doc, 1, true, &o1.sa, &c), IKE_SEL_OK);
	assert_int_equal(c.lifetime, 86400);
	assert_false(c.notify_lifetime);
	assert_true(ike_p1_policy_is_legacy(&pol_doc[0]));
	assert_false(ike_p1_policy_is_legacy(&pol_modern[0]));
	/* each of DES, MD5 and group 1 alone needs the switch */
	for (i = 0; i < 3; i++) {
		assert_true(ike_p1_policy_is_legacy(&one_each[i]));
		p1_offer(&o1, &t[i], 1);
		assert_int_equal(ike_p1_select(&one_each[i], 1, false, &o1.sa, &c),
				 IKE_SEL_NO_PROPOSAL);
		assert_int_equal(ike_p1_select(&one_each[i], 1, true, &o1.sa, &c), IKE_SEL_OK);
	}
}

static void test_p1_lifetimes(void **state)
{
	static const struct ike_p1_policy p[] = {
		{ IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 3600 },
	};
	static const struct tdesc longer = P1(IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK,
					      IKE_GROUP_MODP2048, 86400);
	static const struct tdesc none = { ISAKMP_KEY_IKE, {
		IKE_ATTR_ENC, IKE_ENC_AES_CBC, IKE_ATTR_KEY_LENGTH, 128, IKE_ATTR_HASH,
		IKE_HASH_SHA1, IKE_ATTR_AUTH, IKE_AUTH_PSK, IKE_ATTR_GROUP_DESC,
		IKE_GROUP_MODP2048 } };
	struct ike_p1_choice c;

	(void)state;
	p1_offer(&o1, &longer, 1);
	assert_int_equal(ike_p1_select(p, 1, false, &o1.sa, &c), IKE_SEL_OK);
	assert_int_equal(c.lifetime, 3600);
	assert_true(c.notify_lifetime);
	p1_offer(&o1, &none, 1);
	assert_int_equal(ike_p1_select(p, 1, false, &o1.sa, &c), IKE_SEL_OK);
	assert_int_equal(c.lifetime, 3600);
	assert_true(c.notify_lifetime);
}

static void test_p1_unacceptable_attributes(void **state)
{
	static const struct ike_p1_policy p[] = {
		{ IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 3600 },
	};
	/* the good transform plus one extra attribute each */
	static const uint32_t extra[][2] = {
		{ 99, 1 },				/* unknown class */
		{ IKE_ATTR_PRF, 1 },			/* no PRFs defined for IKEv1 */
		{ IKE_ATTR_GROUP_TYPE, 2 },		/* elliptic curve group type */
		{ IKE_ATTR_GROUP_PRIME, 23 },		/* custom group */
		{ IKE_ATTR_ENC, IKE_ENC_AES_CBC },	/* duplicate: malformed */
	};
	struct ike_p1_choice c;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		struct tdesc t[2] = {
			P1(IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048,
			   60),
			P1(IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048,
			   60),
		};

		t[0].attrs[14] = extra[i][0];
		t[0].attrs[15] = extra[i][1];
		p1_offer(&o1, t, 1);
		assert_int_equal(ike_p1_select(p, 1, false, &o1.sa, &c), IKE_SEL_NO_PROPOSAL);
		/* a clean transform after it is still found */
		p1_offer(&o1, t, 2);
		assert_int_equal(ike_p1_select(p, 1, false, &o1.sa, &c), IKE_SEL_OK);
		assert_int_equal(c.trans, 1);
	}
	/* group type MODP spelled out is fine */
	{
		struct tdesc t = P1(IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK,
				    IKE_GROUP_MODP2048, 60);

		t.attrs[14] = IKE_ATTR_GROUP_TYPE;
		t.attrs[15] = IKE_GROUP_TYPE_MODP;
		p1_offer(&o1, &t, 1);
		assert_int_equal(ike_p1_select(p, 1, false, &o1.sa, &c), IKE_SEL_OK);
	}
}

static void test_p1_proposal_shapes(void **state)
{
	static const struct tdesc good[] = {
		P1(IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 60),
	};
	static const struct tdesc wrong_id[] = {
		{ .id = 2, .attrs = { IKE_ATTR_ENC, IKE_ENC_AES_CBC, IKE_ATTR_KEY_LENGTH, 128,
				      IKE_ATTR_HASH, IKE_HASH_SHA1, IKE_ATTR_AUTH, IKE_AUTH_PSK,
				      IKE_ATTR_GROUP_DESC, IKE_GROUP_MODP2048 } },
	};
	const struct pdesc two[] = {
		{ 1, ISAKMP_PROTO_ESP, 0x1000, 4, good, 1 },	/* wrong protocol */
		{ 2, ISAKMP_PROTO_ISAKMP, 0, 0, wrong_id, 1 },	/* wrong transform id */
		{ 3, ISAKMP_PROTO_ISAKMP, 0, 0, good, 1 },
	};
	struct ike_p1_choice c;

	(void)state;
	build(&o1, two, 3);
	assert_int_equal(ike_p1_select(pol_modern, 3, false, &o1.sa, &c), IKE_SEL_OK);
	assert_int_equal(c.prop, 2);
	assert_int_equal(c.trans, 2);
	assert_int_equal(ike_p1_select(pol_modern, 0, false, &o1.sa, &c), IKE_SEL_NO_PROPOSAL);
	assert_int_equal(ike_p1_select(NULL, 0, false, &o1.sa, &c), IKE_SEL_INVAL);
	assert_int_equal(ike_p1_select(pol_modern, 3, false, NULL, &c), IKE_SEL_INVAL);
}

static void test_p1_unusable_policies_skipped(void **state)
{
	static const struct ike_p1_policy p[] = {
		/* RSA signatures: not something we can do */
		{ IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_RSA_SIG, IKE_GROUP_MODP2048, 60 },
		/* AES without a key length, and an unknown group */
		{ IKE_ENC_AES_CBC, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 60 },
		{ IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, 3, 60 },
	};
	static const struct tdesc t[] = {
		P1(IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_RSA_SIG, IKE_GROUP_MODP2048, 60),
		P1(IKE_ENC_AES_CBC, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 60),
		P1(IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, 3, 60),
	};
	struct ike_p1_choice c;

	(void)state;
	p1_offer(&o1, t, 3);
	assert_int_equal(ike_p1_select(p, 3, true, &o1.sa, &c), IKE_SEL_NO_PROPOSAL);
}

/* The chosen transform goes back in a one-proposal, one-transform SA. */
static void test_p1_reply_sa(void **state)
{
	static const struct tdesc t[] = {
		P1(IKE_ENC_3DES, 0, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP1024, 600),
		P1(IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 600),
	};
	struct ike_p1_choice c;
	struct isakmp_enc e;
	struct isakmp_msg m;
	int len;

	(void)state;
	p1_offer(&o1, t, 2);
	assert_int_equal(ike_p1_select(pol_modern, 3, false, &o1.sa, &c), IKE_SEL_OK);
	isakmp_enc_init(&e, o2.msg, sizeof(o2.msg), &hdr0);
	isakmp_put_sa_reply(&e, &o1.sa, &o1.sa.p[c.prop], &o1.sa.t[c.trans], NULL, 0);
	len = isakmp_enc_finish(&e);
	assert_true(len > 0);
	assert_int_equal(isakmp_decode(o2.msg, len, &m), ISAKMP_OK);
	assert_int_equal(isakmp_decode_sa(&m.pl[0], &o2.sa), ISAKMP_OK);
	assert_int_equal(o2.sa.nprop, 1);
	assert_int_equal(o2.sa.ntrans, 1);
	assert_int_equal(o2.sa.t[0].num, 2);
	/* and our own selection accepts our own reply */
	assert_int_equal(ike_p1_select(pol_modern, 3, false, &o2.sa, &c), IKE_SEL_OK);
	assert_int_equal(c.attrs.group, IKE_GROUP_MODP2048);
}

/* ---- phase 2 ---- */

#define ESP(tid, kl, auth, encap, group, sec, kb) { .id = tid, .attrs = {			\
	IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS, IPSEC_ATTR_LIFE_DURATION, sec,		\
	IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_KILOBYTES, IPSEC_ATTR_LIFE_DURATION, kb,		\
	IPSEC_ATTR_ENCAP_MODE, encap, IPSEC_ATTR_AUTH_ALG, auth,				\
	(kl) ? IPSEC_ATTR_KEY_LENGTH : 0, kl, (group) ? IPSEC_ATTR_GROUP_DESC : 0, group } }

/* build() stops at class 0: kl = 0 ends the list there, so it also drops the group. */
static struct ike_p2_transform ts_modern[] = {
	{ ESP_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1 },
	{ ESP_AES_GCM_16, 128, IPSEC_AUTH_NONE },
	{ ESP_3DES, 0, IPSEC_AUTH_HMAC_SHA1 },
};

static struct ike_p2_policy p2_modern = {
	.ts = ts_modern, .nts = 3, .life_sec = 3600, .life_kb = 4608000,
};

static void p2_offer(struct offer *o, const struct tdesc *t, unsigned int nt)
{
	const struct pdesc p = { 1, ISAKMP_PROTO_ESP, 0xc0ffee01, 4, t, nt };

	build(o, &p, 1);
}

static void test_p2_strongswan_aes_sha1(void **state)
{
	static const struct tdesc t[] = {
		{ ESP_AES_CBC, { IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS, IPSEC_ATTR_LIFE_DURATION,
				 3600, IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_TUNNEL,
				 IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA1, IPSEC_ATTR_KEY_LENGTH,
				 128 } },
	};
	struct ike_p2_choice c;

	(void)state;
	p2_offer(&o1, t, 1);
	assert_int_equal(ike_p2_select(&p2_modern, &o1.sa, 0, &c), IKE_SEL_OK);
	assert_ptr_equal(c.ts, &ts_modern[0]);
	assert_int_equal(c.peer_spi, 0xc0ffee01);
	assert_int_equal(c.life_sec, 3600);
	assert_false(c.notify_sec);
	/* no volume limit offered: ours applies and the peer is told */
	assert_int_equal(c.life_kb, 4608000);
	assert_true(c.notify_kb);
}

static void test_p2_responder_lifetime(void **state)
{
	static const struct tdesc longer[] = {
		ESP(ESP_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1, IPSEC_ENCAP_TUNNEL, 0, 28800, 9000000),
	};
	static const struct tdesc shorter[] = {
		ESP(ESP_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1, IPSEC_ENCAP_TUNNEL, 0, 1200, 1000),
	};
	static const struct tdesc none[] = {
		{ ESP_AES_CBC, { IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA1, IPSEC_ATTR_KEY_LENGTH,
				 128 } },
	};
	struct ike_p2_policy nolimit = p2_modern;
	struct ike_p2_choice c;

	(void)state;
	p2_offer(&o1, longer, 1);
	assert_int_equal(ike_p2_select(&p2_modern, &o1.sa, 0, &c), IKE_SEL_OK);
	assert_int_equal(c.life_sec, 3600);
	assert_int_equal(c.life_kb, 4608000);
	assert_true(c.notify_sec);
	assert_true(c.notify_kb);
	p2_offer(&o1, shorter, 1);
	assert_int_equal(ike_p2_select(&p2_modern, &o1.sa, 0, &c), IKE_SEL_OK);
	assert_int_equal(c.life_sec, 1200);
	assert_int_equal(c.life_kb, 1000);
	assert_false(c.notify_sec);
	assert_false(c.notify_kb);
	/* nothing offered: RFC 2407's 28800 s default is above our 3600 */
	p2_offer(&o1, none, 1);
	assert_int_equal(ike_p2_select(&p2_modern, &o1.sa, 0, &c), IKE_SEL_OK);
	assert_int_equal(c.life_sec, 3600);
	assert_true(c.notify_sec);
	/* without limits of our own we take the peer's */
	nolimit.life_sec = 0;
	nolimit.life_kb = 0;
	p2_offer(&o1, longer, 1);
	assert_int_equal(ike_p2_select(&nolimit, &o1.sa, 0, &c), IKE_SEL_OK);
	assert_int_equal(c.life_sec, 28800);
	assert_int_equal(c.life_kb, 9000000);
	assert_false(c.notify_sec || c.notify_kb);
}

static void test_p2_gcm(void **state)
{
	static const struct tdesc gcm[] = {
		{ ESP_AES_GCM_16, { IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_TUNNEL,
				    IPSEC_ATTR_KEY_LENGTH, 128 } },
	};
	static const struct tdesc gcm_auth[] = {
		ESP(ESP_AES_GCM_16, 128, IPSEC_AUTH_HMAC_SHA1, IPSEC_ENCAP_TUNNEL, 0, 60, 60),
	};
	struct ike_p2_choice c;

	(void)state;
	p2_offer(&o1, gcm, 1);
	assert_int_equal(ike_p2_select(&p2_modern, &o1.sa, 0, &c), IKE_SEL_OK);
	assert_ptr_equal(c.ts, &ts_modern[1]);
	assert_int_equal(c.attrs.auth, IPSEC_AUTH_NONE);
	p2_offer(&o1, gcm_auth, 1);
	assert_int_equal(ike_p2_select(&p2_modern, &o1.sa, 0, &c), IKE_SEL_NO_PROPOSAL);
}

static void test_p2_pfs(void **state)
{
	static const struct tdesc g2[] = {
		ESP(ESP_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1, IPSEC_ENCAP_TUNNEL, IKE_GROUP_MODP1024,
		    3600, 1000),
	};
	static const struct tdesc g1[] = {
		ESP(ESP_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1, IPSEC_ENCAP_TUNNEL, IKE_GROUP_MODP768,
		    3600, 1000),
	};
	static const struct tdesc nog[] = {
		ESP(ESP_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1, IPSEC_ENCAP_TUNNEL, 0, 3600, 1000),
	};
	struct ike_p2_policy p = p2_modern;
	struct ike_p2_choice c;

	(void)state;
	/* "set pfs" unset: a KE with any allowed group is fine (interop 0.6) */
	p2_offer(&o1, g2, 1);
	assert_int_equal(ike_p2_select(&p, &o1.sa, 128, &c), IKE_SEL_OK);
	assert_int_equal(c.attrs.group, IKE_GROUP_MODP1024);
	/* a group without a KE, or a KE of the wrong size, is not */
	assert_int_equal(ike_p2_select(&p, &o1.sa, 0, &c), IKE_SEL_NO_PROPOSAL);
	assert_int_equal(ike_p2_select(&p, &o1.sa, 256, &c), IKE_SEL_NO_PROPOSAL);
	/* a KE without a group in the transform neither */
	p2_offer(&o1, nog, 1);
	assert_int_equal(ike_p2_select(&p, &o1.sa, 128, &c), IKE_SEL_NO_PROPOSAL);
	assert_int_equal(ike_p2_select(&p, &o1.sa, 0, &c), IKE_SEL_OK);
	/* "set pfs group14": no PFS, or another group, is refused */
	p.pfs_group = IKE_GROUP_MODP2048;
	assert_int_equal(ike_p2_select(&p, &o1.sa, 0, &c), IKE_SEL_NO_PROPOSAL);
	p2_offer(&o1, g2, 1);
	assert_int_equal(ike_p2_select(&p, &o1.sa, 128, &c), IKE_SEL_NO_PROPOSAL);
	p.pfs_group = IKE_GROUP_MODP1024;
	assert_int_equal(ike_p2_select(&p, &o1.sa, 128, &c), IKE_SEL_OK);
	/* group 1 only with legacy on */
	p.pfs_group = 0;
	p2_offer(&o1, g1, 1);
	assert_int_equal(ike_p2_select(&p, &o1.sa, 96, &c), IKE_SEL_NO_PROPOSAL);
	p.legacy = true;
	assert_int_equal(ike_p2_select(&p, &o1.sa, 96, &c), IKE_SEL_OK);
}

static void test_p2_encapsulation(void **state)
{
	static const uint16_t modes[] = {
		0, IPSEC_ENCAP_TUNNEL, IPSEC_ENCAP_TRANSPORT, IPSEC_ENCAP_UDP_TUNNEL,
		IPSEC_ENCAP_UDP_TUNNEL_DRAFT, IPSEC_ENCAP_UDP_TRANSPORT,
		IPSEC_ENCAP_UDP_TRANSPORT_DRAFT,
	};
	static const bool plain_ok[] = { true, true, false, false, false, false, false };
	static const bool natt_ok[] = { false, false, false, true, true, false, false };
	struct ike_p2_policy p = p2_modern;
	struct ike_p2_choice c;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct tdesc t = {
			ESP_AES_CBC, { IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA1,
				       IPSEC_ATTR_KEY_LENGTH, 128,
				       modes[i] ? IPSEC_ATTR_ENCAP_MODE : 0, modes[i] },
		};

		p2_offer(&o1, &t, 1);
		p.natt = false;
		assert_int_equal(ike_p2_select(&p, &o1.sa, 0, &c),
				 plain_ok[i] ? IKE_SEL_OK : IKE_SEL_NO_PROPOSAL);
		p.natt = true;
		assert_int_equal(ike_p2_select(&p, &o1.sa, 0, &c),
				 natt_ok[i] ? IKE_SEL_OK : IKE_SEL_NO_PROPOSAL);
		if (natt_ok[i])
			assert_int_equal(c.attrs.encap, modes[i]);
	}
}

static void test_p2_legacy_document_profile(void **state)
{
	/* the document's transform set: esp-des esp-md5-hmac */
	static const struct ike_p2_transform ts_doc[] = { { ESP_DES, 0, IPSEC_AUTH_HMAC_MD5 } };
	static const struct tdesc t[] = {
		ESP(ESP_DES, 0, IPSEC_AUTH_HMAC_MD5, IPSEC_ENCAP_TUNNEL, 0, 3600, 4608000),
	};
	struct ike_p2_policy p = { .ts = ts_doc, .nts = 1, .life_sec = 3600, .life_kb = 4608000 };
	struct ike_p2_choice c;

	(void)state;
	assert_true(ike_p2_transform_is_legacy(&ts_doc[0]));
	assert_false(ike_p2_transform_is_legacy(&ts_modern[0]));
	p2_offer(&o1, t, 1);
	assert_int_equal(ike_p2_select(&p, &o1.sa, 0, &c), IKE_SEL_NO_PROPOSAL);
	p.legacy = true;
	assert_int_equal(ike_p2_select(&p, &o1.sa, 0, &c), IKE_SEL_OK);
	assert_false(c.notify_sec);
	assert_false(c.notify_kb);
}

static void test_p2_priority_and_key_lengths(void **state)
{
	static const struct tdesc t[] = {
		ESP(ESP_AES_CBC, 256, IPSEC_AUTH_HMAC_SHA1, IPSEC_ENCAP_TUNNEL, 0, 60, 60),
		ESP(ESP_AES_CBC, 0, IPSEC_AUTH_HMAC_SHA1, IPSEC_ENCAP_TUNNEL, 0, 60, 60),
		ESP(ESP_3DES, 192, IPSEC_AUTH_HMAC_SHA1, IPSEC_ENCAP_TUNNEL, 0, 60, 60),
		ESP(ESP_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1, IPSEC_ENCAP_TUNNEL, 0, 60, 60),
	};
	static const struct ike_p2_transform ts[] = {
		{ ESP_3DES, 0, IPSEC_AUTH_HMAC_SHA1 },
		{ ESP_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1 },
	};
	struct ike_p2_policy p = { .ts = ts, .nts = 2, .legacy = true };	/* 3DES */
	struct ike_p2_choice c;

	(void)state;
	p2_offer(&o1, t, 4);
	/* our first transform wins even though the peer listed it third */
	assert_int_equal(ike_p2_select(&p, &o1.sa, 0, &c), IKE_SEL_OK);
	assert_int_equal(c.trans, 2);
	/* AES-256 and AES without a key length never match AES-128 */
	p.ts = ts + 1;
	p.nts = 1;
	assert_int_equal(ike_p2_select(&p, &o1.sa, 0, &c), IKE_SEL_OK);
	assert_int_equal(c.trans, 3);
}

static void test_p2_proposal_shapes(void **state)
{
	static const struct tdesc esp[] = {
		ESP(ESP_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1, IPSEC_ENCAP_TUNNEL, 0, 60, 60),
	};
	static const struct tdesc ah[] = {
		{ 3, { IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA1 } },
	};
	static const struct tdesc ecn[] = {
		{ ESP_AES_CBC, { IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA1, IPSEC_ATTR_KEY_LENGTH,
				 128, IPSEC_ATTR_ECN_TUNNEL, 1 } },
		{ ESP_AES_CBC, { IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA1, IPSEC_ATTR_KEY_LENGTH,
				 128, IPSEC_ATTR_KEY_ROUNDS, 10 } },
	};
	const struct pdesc props[] = {
		{ 1, ISAKMP_PROTO_AH, 0x2000, 4, ah, 1 },	/* AH + ESP bundle: out */
		{ 1, ISAKMP_PROTO_ESP, 0x2001, 4, esp, 1 },
		{ 2, ISAKMP_PROTO_ESP, 0x2002, 8, esp, 1 },	/* SPI size 8: out */
		{ 3, ISAKMP_PROTO_ESP, 0x00ff, 4, esp, 1 },	/* reserved SPI: out */
		{ 4, ISAKMP_PROTO_ESP, 0x2004, 4, ecn, 2 },	/* unknown attributes: out */
		{ 5, ISAKMP_PROTO_ESP, 0x2005, 4, esp, 1 },
	};
	struct ike_p2_choice c;

	(void)state;
	build(&o1, props, 6);
	assert_int_equal(ike_p2_select(&p2_modern, &o1.sa, 0, &c), IKE_SEL_OK);
	assert_int_equal(c.prop, 5);
	assert_int_equal(c.peer_spi, 0x2005);
	build(&o1, props, 5);
	assert_int_equal(ike_p2_select(&p2_modern, &o1.sa, 0, &c), IKE_SEL_NO_PROPOSAL);
	assert_int_equal(ike_p2_select(NULL, &o1.sa, 0, &c), IKE_SEL_INVAL);
}

static void test_esp_key_sizes(void **state)
{
	static const struct {
		uint8_t esp;
		uint16_t keybits, auth;
		int ret;
		size_t enc, auth_len;
	} t[] = {
		{ ESP_DES, 0, IPSEC_AUTH_HMAC_MD5, 0, 8, 16 },
		{ ESP_3DES, 0, IPSEC_AUTH_HMAC_SHA1, 0, 24, 20 },
		{ ESP_3DES, 192, IPSEC_AUTH_HMAC_SHA1, 0, 24, 20 },
		{ ESP_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1, 0, 16, 20 },
		{ ESP_AES_CBC, 256, IPSEC_AUTH_HMAC_SHA2_256, 0, 32, 32 },
		{ ESP_AES_CBC, 192, IPSEC_AUTH_HMAC_SHA2_256, 0, 24, 32 },
		{ ESP_AES_CBC, 192, IPSEC_AUTH_HMAC_SHA2_512, -1, 0, 0 },	/* not in espgw.ko */
		{ ESP_AES_GCM_16, 128, IPSEC_AUTH_NONE, 0, 20, 0 },	/* key + salt */
		{ ESP_AES_GCM_16, 256, IPSEC_AUTH_NONE, 0, 36, 0 },
		{ ESP_AES_GCM_8, 256, IPSEC_AUTH_NONE, -1, 0, 0 },	/* 8-byte ICV: not done */
		{ ESP_AES_CBC, 0, IPSEC_AUTH_HMAC_SHA1, -1, 0, 0 },	/* AES needs a length */
		{ ESP_AES_CBC, 128, IPSEC_AUTH_NONE, -1, 0, 0 },	/* CBC needs integrity */
		{ ESP_AES_GCM_16, 128, IPSEC_AUTH_HMAC_SHA1, -1, 0, 0 },
		{ ESP_3DES, 128, IPSEC_AUTH_HMAC_SHA1, -1, 0, 0 },
		{ ESP_NULL, 0, IPSEC_AUTH_HMAC_SHA1, -1, 0, 0 },
		{ ESP_AES_CBC, 128, IPSEC_AUTH_DES_MAC, -1, 0, 0 },
	};
	size_t enc, auth;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enc = auth = 99;
		assert_int_equal(ike_esp_key_sizes(t[i].esp, t[i].keybits, t[i].auth, &enc, &auth),
				 t[i].ret);
		if (t[i].ret)
			continue;
		assert_int_equal(enc, t[i].enc);
		assert_int_equal(auth, t[i].auth_len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p1_strongswan_modern),
		cmocka_unit_test(test_p1_policy_priority_wins),
		cmocka_unit_test(test_p1_vpnc_xauth_then_psk),
		cmocka_unit_test(test_p1_every_attribute_counts),
		cmocka_unit_test(test_p1_fixed_key_lengths),
		cmocka_unit_test(test_p1_legacy_gate),
		cmocka_unit_test(test_p1_lifetimes),
		cmocka_unit_test(test_p1_unacceptable_attributes),
		cmocka_unit_test(test_p1_proposal_shapes),
		cmocka_unit_test(test_p1_unusable_policies_skipped),
		cmocka_unit_test(test_p1_reply_sa),
		cmocka_unit_test(test_p2_strongswan_aes_sha1),
		cmocka_unit_test(test_p2_responder_lifetime),
		cmocka_unit_test(test_p2_gcm),
		cmocka_unit_test(test_p2_pfs),
		cmocka_unit_test(test_p2_encapsulation),
		cmocka_unit_test(test_p2_legacy_document_profile),
		cmocka_unit_test(test_p2_priority_and_key_lengths),
		cmocka_unit_test(test_p2_proposal_shapes),
		cmocka_unit_test(test_esp_key_sizes),
	};

	return cmocka_run_group_tests_name("ike_proposal", tests, NULL, NULL);
}
