// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the ISAKMP decoder: whole messages, every payload
 * decoder, attribute parsing, proposal selection and the reply encoder.
 *
 * Build (clang): clang -g -O1 -fsanitize=fuzzer,address,undefined
 *   -Iuserspace/ike userspace/fuzz/fuzz_isakmp.c userspace/ike/{buf,isakmp,crypto,proposal}.c
 *   -lssl -lcrypto
 * Run: ./fuzz_isakmp -max_total_time=300 corpus-dir userspace/fuzz/corpus/isakmp
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "isakmp.h"
#include "proposal.h"

static const struct ike_p1_policy p1pol[] = {
	{ IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK, IKE_GROUP_MODP2048, 86400 },
	{ IKE_ENC_DES, 0, IKE_HASH_MD5, IKE_AUTH_PSK, IKE_GROUP_MODP768, 86400 },
};

static const struct ike_p2_transform ts[] = {
	{ ESP_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1 },
	{ ESP_AES_GCM_16, 128, IPSEC_AUTH_NONE },
	{ ESP_DES, 0, IPSEC_AUTH_HMAC_MD5 },
};

static const struct ike_p2_policy p2pol = {
	.ts = ts, .nts = 3, .life_sec = 3600, .life_kb = 4608000, .legacy = true,
};

/* Any accepted SA must re-encode as a reply that decodes again. */
static void reply_roundtrip(const struct isakmp_sa *sa, unsigned int prop, unsigned int trans)
{
	static uint8_t out[ISAKMP_MAX_MSG];
	static const struct isakmp_hdr h;
	static struct isakmp_sa sa2;
	struct isakmp_enc e;
	struct isakmp_msg m;
	int len;

	isakmp_enc_init(&e, out, sizeof(out), &h);
	isakmp_put_sa_reply(&e, sa, &sa->p[prop], &sa->t[trans], "\x01\x02\x03\x04", 4);
	len = isakmp_enc_finish(&e);
	if (len < 0)
		abort();
	if (isakmp_decode(out, len, &m) != ISAKMP_OK || isakmp_decode_sa(&m.pl[0], &sa2))
		abort();
	if (sa2.ntrans != 1 || sa2.t[0].attrs_len != sa->t[trans].attrs_len ||
	    memcmp(sa2.t[0].attrs, sa->t[trans].attrs, sa->t[trans].attrs_len))
		abort();
}

static void payloads(const struct isakmp_msg *m)
{
	static struct isakmp_sa sa;
	const uint8_t *hash, *rest;
	unsigned int i, j;
	uint16_t hlen;
	size_t rlen;

	/* the hashed span must lie inside the chain */
	if (isakmp_hashed(m, &hash, &hlen, &rest, &rlen) == ISAKMP_OK &&
	    (rest < m->chain || rest + rlen != m->chain_end))
		abort();

	for (i = 0; i < m->n; i++) {
		const struct isakmp_payload *pl = &m->pl[i];
		struct isakmp_notify_pl n;
		struct isakmp_modecfg c;
		struct isakmp_delete d;
		struct isakmp_attr a;
		struct isakmp_id id;
		struct ike_p1_choice c1;
		struct ike_p2_choice c2;
		const uint8_t *data;
		uint16_t len;
		uint32_t lo, hi;
		struct rbuf r;

		switch (pl->type) {
		case ISAKMP_NP_SA:
			/* the message decoder validated it: this must not fail */
			if (isakmp_decode_sa(pl, &sa))
				abort();
			for (j = 0; j < sa.ntrans; j++) {
				struct ike_p1_attrs a1;
				struct ipsec_attrs a2;

				isakmp_p1_attrs(&sa.t[j], &a1);
				isakmp_ipsec_attrs(&sa.t[j], &a2);
			}
			if (!ike_p1_select(p1pol, 2, true, &sa, &c1))
				reply_roundtrip(&sa, c1.prop, c1.trans);
			if (!ike_p2_select(&p2pol, &sa, 0, &c2))
				reply_roundtrip(&sa, c2.prop, c2.trans);
			ike_p2_select(&p2pol, &sa, 128, &c2);
			break;
		case ISAKMP_NP_ID:
			if (isakmp_decode_id(pl, &id))
				abort();
			isakmp_id_ipv4(&id, &lo, &hi);
			break;
		case ISAKMP_NP_N:
			if (isakmp_decode_notify(pl, &n))
				abort();
			rbuf_init(&r, n.data, n.len);
			while (isakmp_attr_next(&r, &a) > 0)
				;
			break;
		case ISAKMP_NP_D:
			if (isakmp_decode_delete(pl, &d))
				abort();
			break;
		case ISAKMP_NP_ATTR:
			if (isakmp_decode_modecfg(pl, &c))
				abort();
			rbuf_init(&r, c.attrs, c.attrs_len);
			while (isakmp_attr_next(&r, &a) > 0)
				;
			break;
		case ISAKMP_NP_NONCE:
			isakmp_decode_nonce(pl, &data, &len);
			break;
		default:
			isakmp_decode_data(pl, pl->type, &data, &len);
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fixed phase-1 keys, so that encrypted inputs also go through decryption. */
static struct ike_p1_keys keys;

static void init_keys(void)
{
	static const uint8_t cky[8];

	if (keys.prf_len)
		return;
	if (ike_p1_keys_psk(&keys, IKE_HASH_SHA1, IKE_ENC_AES_CBC, 128, IKE_CHUNK("psk", 3),
			    IKE_CHUNK("nonce-i!", 8), IKE_CHUNK("nonce-r!", 8),
			    IKE_CHUNK("g^xy", 4), cky, cky))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t plain[ISAKMP_MAX_MSG];
	static struct isakmp_msg m;
	uint8_t iv[IKE_MAX_BLOCK] = { 0 };
	int err;

	init_keys();
	err = isakmp_decode(data, size, &m);
	if (err == ISAKMP_OK) {
		payloads(&m);
	} else if (err == ISAKMP_ENCRYPTED) {
		/* treat the body as if it were the decrypted plaintext ... */
		if (isakmp_decode_chain(&m, m.hdr.np, m.body, m.body_len, true) == ISAKMP_OK)
			payloads(&m);
		/* ... and decrypt it for real */
		if (ike_msg_decrypt(&keys, iv, &m, plain, sizeof(plain)) == ISAKMP_OK)
			payloads(&m);
	}
	return 0;
}
