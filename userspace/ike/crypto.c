// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv1 cryptography on OpenSSL 3; see crypto.h.
 *
 * Only non-deprecated OpenSSL 3 interfaces: EVP_MD/EVP_MAC for hash and HMAC,
 * EVP_CIPHER with padding off, and BIGNUM for Diffie-Hellman. DH is done with
 * a plain constant-time modexp rather than EVP_PKEY: the RFC 2409 groups 1
 * and 2 are below what OpenSSL 3's DH key management accepts for generation,
 * and IKEv1 needs nothing beyond g^x mod p anyway.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include "algs.h"
#include "crypto.h"
#include "isakmp.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/*
 * The algorithms are the vocabulary's (algs.h); OpenSSL's implementations
 * are fetched once, in the same order.
 */
#define MAX_ALGS 16

static EVP_MD *mds[MAX_ALGS];
static EVP_CIPHER *ciphers[MAX_ALGS];

static EVP_MAC *hmac;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_err;

static void do_init(void)
{
	unsigned int i;

	/*
	 * Loading any provider explicitly stops the default one from being
	 * loaded implicitly, so load both. Legacy is only needed for DES; if
	 * it is missing, DES is simply unavailable.
	 */
	if (!OSSL_PROVIDER_load(NULL, "default")) {
		init_err = -1;
		return;
	}
	OSSL_PROVIDER_load(NULL, "legacy");
	for (i = 0; i < ike_alg_nhashes && i < MAX_ALGS; i++)
		mds[i] = EVP_MD_fetch(NULL, ike_alg_hashes[i].ossl, NULL);
	for (i = 0; i < ike_alg_nencs && i < MAX_ALGS; i++)
		ciphers[i] = EVP_CIPHER_fetch(NULL, ike_alg_encs[i].ossl, NULL);
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!hmac)
		init_err = -1;
}

int ike_crypto_init(void)
{
	pthread_once(&init_once, do_init);
	return init_err;
}

/* The vocabulary's entry and OpenSSL's digest, NULL when either is missing. */
static const struct ike_alg_hash *find_hash(unsigned int id, EVP_MD **md)
{
	const struct ike_alg_hash *h = ike_crypto_init() ? NULL : ike_alg_hash_by_id(id);
	size_t i = h ? (size_t)(h - ike_alg_hashes) : MAX_ALGS;

	if (i >= MAX_ALGS || !mds[i])
		return NULL;
	*md = mds[i];
	return h;
}

size_t ike_hash_len(unsigned int hash)
{
	EVP_MD *md;
	const struct ike_alg_hash *h = find_hash(hash, &md);

	return h ? h->len : 0;
}

int ike_hash(unsigned int hash, const struct ike_chunk *in, size_t n, uint8_t *out)
{
	EVP_MD *md = NULL;
	const struct ike_alg_hash *h = find_hash(hash, &md);
	EVP_MD_CTX *ctx;
	int ok;
	size_t i;

	if (!h)
		return -1;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -1;
	ok = EVP_DigestInit_ex2(ctx, md, NULL);
	for (i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, in[i].p, in[i].len);
	ok = ok && EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

int ike_prf(unsigned int hash, const void *key, size_t keylen, const struct ike_chunk *in,
	    size_t n, uint8_t *out)
{
	EVP_MD *md;
	const struct ike_alg_hash *h = find_hash(hash, &md);
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	size_t outl, i;
	int ok;

	if (!h)
		return -1;
	ctx = EVP_MAC_CTX_new(hmac);
	if (!ctx)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)h->ossl, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* a zero-length key is legal HMAC; give OpenSSL a valid pointer for it */
	ok = EVP_MAC_init(ctx, keylen ? key : (const void *)"", keylen, params);
	for (i = 0; ok && i < n; i++)
		ok = EVP_MAC_update(ctx, in[i].p, in[i].len);
	ok = ok && EVP_MAC_final(ctx, out, &outl, h->len) && outl == h->len;
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -1;
}

static const struct ike_alg_enc *find_cipher(unsigned int enc, unsigned int keybits,
					     EVP_CIPHER **c)
{
	const struct ike_alg_enc *a = ike_crypto_init() ? NULL : ike_alg_enc_by_id(enc, keybits);
	size_t i = a ? (size_t)(a - ike_alg_encs) : MAX_ALGS;

	if (i >= MAX_ALGS || !ciphers[i])
		return NULL;
	*c = ciphers[i];
	return a;
}

size_t ike_cipher_block(unsigned int enc)
{
	size_t i;

	for (i = 0; i < ike_alg_nencs; i++)
		if (ike_alg_encs[i].id == enc)
			return ike_alg_encs[i].block;
	return 0;
}

int ike_cipher_keylen(unsigned int enc, unsigned int keybits)
{
	EVP_CIPHER *c;
	const struct ike_alg_enc *a = find_cipher(enc, keybits, &c);

	return a ? (int)a->key_len : -1;
}

int ike_cipher(unsigned int enc, unsigned int keybits, const uint8_t *key, uint8_t *iv,
	       const uint8_t *in, uint8_t *out, size_t len, bool encrypt)
{
	EVP_CIPHER *evp = NULL;
	const struct ike_alg_enc *c = find_cipher(enc, keybits, &evp);
	uint8_t next_iv[IKE_MAX_BLOCK];
	EVP_CIPHER_CTX *ctx;
	int ok, outl = 0, fl = 0;

	if (!c || len % c->block || len > INT32_MAX)
		return -1;
	if (!len)
		return 0;
	/* decrypting in place would overwrite the last ciphertext block */
	if (!encrypt)
		memcpy(next_iv, in + len - c->block, c->block);
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -1;
	ok = EVP_CipherInit_ex2(ctx, evp, key, iv, encrypt, NULL) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_CipherUpdate(ctx, out, &outl, in, (int)len) &&
	     EVP_CipherFinal_ex(ctx, out + outl, &fl) && (size_t)(outl + fl) == len;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		return -1;
	memcpy(iv, encrypt ? out + len - c->block : next_iv, c->block);
	return 0;
}

/* ---- Diffie-Hellman ---- */

/*
 * The primes are OpenSSL's copies of RFC 2409 6.1/6.2 and RFC 3526 2-5; the
 * unit test checks them against the RFCs' pi-based formulas.
 */
struct ike_dh {
	const struct ike_alg_group *g;
	BIGNUM *p;
	BIGNUM *x;
	BIGNUM *gx;
};

size_t ike_dh_len(unsigned int group)
{
	const struct ike_alg_group *g = ike_alg_group_by_id(group);

	return g ? g->len : 0;
}

void ike_dh_free(struct ike_dh *dh)
{
	if (!dh)
		return;
	BN_free(dh->p);
	BN_clear_free(dh->x);
	BN_free(dh->gx);
	OPENSSL_free(dh);
}

/* Allocate and, if x is NULL, draw a random private exponent; then g^x. */
static struct ike_dh *dh_make(unsigned int group, const uint8_t *x, size_t xlen)
{
	const struct ike_alg_group *g = ike_alg_group_by_id(group);
	struct ike_dh *dh;
	BIGNUM *two = NULL;
	BN_CTX *ctx = NULL;
	bool ok = false;

	if (!g || ike_crypto_init())
		return NULL;
	dh = OPENSSL_zalloc(sizeof(*dh));
	if (!dh)
		return NULL;
	dh->g = g;
	dh->p = g->prime(NULL);
	dh->x = BN_secure_new();
	dh->gx = BN_new();
	two = BN_new();
	ctx = BN_CTX_new();
	if (!dh->p || !dh->x || !dh->gx || !two || !ctx || !BN_set_word(two, 2))
		goto out;
	BN_set_flags(dh->x, BN_FLG_CONSTTIME);
	if (x) {
		if (!BN_bin2bn(x, xlen, dh->x))
			goto out;
		/* 1 < x < p - 1 */
		if (BN_is_zero(dh->x) || BN_is_one(dh->x) || BN_cmp(dh->x, dh->p) >= 0)
			goto out;
	} else if (!BN_priv_rand_ex(dh->x, g->exp_bits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY,
				    0, ctx)) {
		goto out;
	}
	ok = BN_mod_exp_mont_consttime(dh->gx, two, dh->x, dh->p, ctx, NULL);
out:
	BN_free(two);
	BN_CTX_free(ctx);
	if (!ok) {
		ike_dh_free(dh);
		return NULL;
	}
	return dh;
}

struct ike_dh *ike_dh_new(unsigned int group)
{
	return dh_make(group, NULL, 0);
}

struct ike_dh *ike_dh_new_priv(unsigned int group, const uint8_t *x, size_t xlen)
{
	if (!x || !xlen)
		return NULL;
	return dh_make(group, x, xlen);
}

int ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t len)
{
	if (len != dh->g->len)
		return -1;
	return BN_bn2binpad(dh->gx, out, len) == (int)len ? 0 : -1;
}

int ike_dh_shared(const struct ike_dh *dh, const uint8_t *peer, size_t peer_len, uint8_t *out)
{
	BIGNUM *y = NULL, *z = NULL, *pm1 = NULL;
	BN_CTX *ctx = NULL;
	int ret = -1;

	/* RFC 2409 5: the KE value is padded to the group size; refuse anything else */
	if (peer_len != dh->g->len)
		return -1;
	y = BN_bin2bn(peer, peer_len, NULL);
	z = BN_secure_new();
	pm1 = BN_dup(dh->p);
	ctx = BN_CTX_new();
	if (!y || !z || !pm1 || !ctx || !BN_sub_word(pm1, 1))
		goto out;
	/*
	 * 1 < y < p - 1: 0, 1 and p - 1 would force the secret into a
	 * subgroup of order 1 or 2 (small-subgroup confinement).
	 */
	if (BN_is_zero(y) || BN_is_one(y) || BN_cmp(y, pm1) >= 0)
		goto out;
	if (!BN_mod_exp_mont_consttime(z, y, dh->x, dh->p, ctx, NULL))
		goto out;
	if (BN_bn2binpad(z, out, dh->g->len) != (int)dh->g->len)
		goto out;
	ret = 0;
out:
	BN_free(y);
	BN_clear_free(z);
	BN_free(pm1);
	BN_CTX_free(ctx);
	return ret;
}

/* ---- RFC 2409 key derivation ---- */

void ike_p1_keys_clear(struct ike_p1_keys *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

int ike_p1_skeyid_psk(struct ike_p1_keys *k, unsigned int hash, unsigned int enc,
		      unsigned int keybits, struct ike_chunk psk, struct ike_chunk ni,
		      struct ike_chunk nr)
{
	const struct ike_chunk nonces[] = { ni, nr };
	int keylen;

	memset(k, 0, sizeof(*k));
	k->hash = hash;
	k->enc = enc;
	k->keybits = keybits;
	k->prf_len = ike_hash_len(hash);
	keylen = ike_cipher_keylen(enc, keybits);
	k->block = ike_cipher_block(enc);
	if (!k->prf_len || keylen < 0)
		return -1;
	k->key_len = keylen;
	/* RFC 2409 5: SKEYID for pre-shared keys */
	if (ike_prf(hash, psk.p, psk.len, nonces, 2, k->skeyid)) {
		ike_p1_keys_clear(k);
		return -1;
	}
	return 0;
}

int ike_p1_keys_derive(struct ike_p1_keys *k, struct ike_chunk gxy, const uint8_t *ckyi,
		       const uint8_t *ckyr)
{
	static const uint8_t zero = 0, one = 1, two = 2;
	const struct ike_chunk d_in[] = {
		gxy, IKE_CHUNK(ckyi, 8), IKE_CHUNK(ckyr, 8), IKE_CHUNK(&zero, 1),
	};
	const struct ike_chunk a_in[] = {
		IKE_CHUNK(k->skeyid_d, k->prf_len), gxy, IKE_CHUNK(ckyi, 8),
		IKE_CHUNK(ckyr, 8), IKE_CHUNK(&one, 1),
	};
	const struct ike_chunk e_in[] = {
		IKE_CHUNK(k->skeyid_a, k->prf_len), gxy, IKE_CHUNK(ckyi, 8),
		IKE_CHUNK(ckyr, 8), IKE_CHUNK(&two, 1),
	};
	uint8_t block[IKE_MAX_HASH];
	unsigned int hash = k->hash;
	size_t have, n;

	if (!k->prf_len)
		return -1;
	/* RFC 2409 5: SKEYID_d, _a, _e */
	if (ike_prf(hash, k->skeyid, k->prf_len, d_in, 4, k->skeyid_d) ||
	    ike_prf(hash, k->skeyid, k->prf_len, a_in, 5, k->skeyid_a) ||
	    ike_prf(hash, k->skeyid, k->prf_len, e_in, 5, k->skeyid_e))
		goto fail;
	if (k->key_len <= k->prf_len) {
		memcpy(k->key, k->skeyid_e, k->key_len);
		return 0;
	}
	/*
	 * RFC 2409 appendix B: SKEYID_e too short for the cipher. K1 =
	 * prf(SKEYID_e, 0) with 0 a single octet, Kn = prf(SKEYID_e, Kn-1),
	 * key = first bytes of K1 | K2 | ...
	 */
	{
		struct ike_chunk in = IKE_CHUNK(&zero, 1);

		for (have = 0; have < k->key_len; have += n) {
			if (ike_prf(hash, k->skeyid_e, k->prf_len, &in, 1, block))
				goto fail;
			n = k->key_len - have < k->prf_len ? k->key_len - have : k->prf_len;
			memcpy(k->key + have, block, n);
			in = IKE_CHUNK(k->key + have, k->prf_len);
			/* the next round needs the whole Kn, not the truncated copy */
			if (n < k->prf_len)
				break;
		}
	}
	OPENSSL_cleanse(block, sizeof(block));
	return 0;
fail:
	OPENSSL_cleanse(block, sizeof(block));
	ike_p1_keys_clear(k);
	return -1;
}

int ike_p1_keys_psk(struct ike_p1_keys *k, unsigned int hash, unsigned int enc,
		    unsigned int keybits, struct ike_chunk psk, struct ike_chunk ni,
		    struct ike_chunk nr, struct ike_chunk gxy, const uint8_t *ckyi,
		    const uint8_t *ckyr)
{
	if (ike_p1_skeyid_psk(k, hash, enc, keybits, psk, ni, nr))
		return -1;
	return ike_p1_keys_derive(k, gxy, ckyi, ckyr);
}

int ike_p1_iv(const struct ike_p1_keys *k, struct ike_chunk gxi, struct ike_chunk gxr,
	      uint8_t *iv)
{
	const struct ike_chunk in[] = { gxi, gxr };
	uint8_t h[IKE_MAX_HASH];

	if (!k->block || k->block > k->prf_len || ike_hash(k->hash, in, 2, h))
		return -1;
	memcpy(iv, h, k->block);
	return 0;
}

int ike_p2_iv(const struct ike_p1_keys *k, const uint8_t *last_block, uint32_t msgid,
	      uint8_t *iv)
{
	uint8_t mid[4], h[IKE_MAX_HASH];
	struct ike_chunk in[2];

	put_be32(mid, msgid);
	in[0] = IKE_CHUNK(last_block, k->block);
	in[1] = IKE_CHUNK(mid, 4);
	if (!k->block || k->block > k->prf_len || ike_hash(k->hash, in, 2, h))
		return -1;
	memcpy(iv, h, k->block);
	return 0;
}

int ike_hash_i(const struct ike_p1_keys *k, const struct ike_auth_in *a, uint8_t *out)
{
	const struct ike_chunk in[] = {
		a->gxi, a->gxr, IKE_CHUNK(a->ckyi, 8), IKE_CHUNK(a->ckyr, 8), a->sai_b, a->id_b,
	};

	return ike_prf(k->hash, k->skeyid, k->prf_len, in, ARRAY_SIZE(in), out);
}

int ike_hash_r(const struct ike_p1_keys *k, const struct ike_auth_in *a, uint8_t *out)
{
	const struct ike_chunk in[] = {
		a->gxr, a->gxi, IKE_CHUNK(a->ckyr, 8), IKE_CHUNK(a->ckyi, 8), a->sai_b, a->id_b,
	};

	return ike_prf(k->hash, k->skeyid, k->prf_len, in, ARRAY_SIZE(in), out);
}

int ike_qm_hash1(const struct ike_p1_keys *k, uint32_t msgid, struct ike_chunk rest,
		 uint8_t *out)
{
	uint8_t mid[4];
	struct ike_chunk in[2];

	put_be32(mid, msgid);
	in[0] = IKE_CHUNK(mid, 4);
	in[1] = rest;
	return ike_prf(k->hash, k->skeyid_a, k->prf_len, in, 2, out);
}

int ike_qm_hash2(const struct ike_p1_keys *k, uint32_t msgid, struct ike_chunk ni_b,
		 struct ike_chunk rest, uint8_t *out)
{
	uint8_t mid[4];
	struct ike_chunk in[3];

	put_be32(mid, msgid);
	in[0] = IKE_CHUNK(mid, 4);
	in[1] = ni_b;
	in[2] = rest;
	return ike_prf(k->hash, k->skeyid_a, k->prf_len, in, 3, out);
}

int ike_qm_hash3(const struct ike_p1_keys *k, uint32_t msgid, struct ike_chunk ni_b,
		 struct ike_chunk nr_b, uint8_t *out)
{
	static const uint8_t zero;
	uint8_t mid[4];
	struct ike_chunk in[4];

	put_be32(mid, msgid);
	in[0] = IKE_CHUNK(&zero, 1);
	in[1] = IKE_CHUNK(mid, 4);
	in[2] = ni_b;
	in[3] = nr_b;
	return ike_prf(k->hash, k->skeyid_a, k->prf_len, in, 4, out);
}

int ike_keymat(const struct ike_p1_keys *k, struct ike_chunk gqm, uint8_t proto, uint32_t spi,
	       struct ike_chunk ni_b, struct ike_chunk nr_b, uint8_t *out, size_t len)
{
	uint8_t spib[4], block[IKE_MAX_HASH];
	struct ike_chunk in[6];
	size_t have, n;
	int ret = 0;

	if (!k->prf_len)
		return -1;
	put_be32(spib, spi);
	/* in[0] is the previous Kn, absent in the first round */
	in[1] = gqm;
	in[2] = IKE_CHUNK(&proto, 1);
	in[3] = IKE_CHUNK(spib, 4);
	in[4] = ni_b;
	in[5] = nr_b;
	for (have = 0; have < len; have += n) {
		bool first = have == 0;

		ret = ike_prf(k->hash, k->skeyid_d, k->prf_len, first ? in + 1 : in,
			      first ? 5 : 6, block);
		if (ret)
			break;
		n = len - have < k->prf_len ? len - have : k->prf_len;
		memcpy(out + have, block, n);
		in[0] = IKE_CHUNK(out + have, k->prf_len);
		if (n < k->prf_len)
			break;
	}
	OPENSSL_cleanse(block, sizeof(block));
	return ret;
}

int ike_msg_encrypt(const struct ike_p1_keys *k, uint8_t *iv, uint8_t *msg, size_t len,
		    size_t cap)
{
	size_t body, pad;

	if (!k->block || len < ISAKMP_HDR_LEN || len > cap)
		return ISAKMP_E_INVAL;
	body = len - ISAKMP_HDR_LEN;
	pad = (k->block - body % k->block) % k->block;
	/* an empty body would leave nothing to carry the IV chain on */
	if (!body || pad > cap - len || len + pad > ISAKMP_MAX_MSG)
		return body ? ISAKMP_E_NO_SPACE : ISAKMP_E_INVAL;
	memset(msg + len, 0, pad);
	len += pad;
	msg[19] |= ISAKMP_FLAG_ENC;
	put_be32(msg + 24, len);
	if (ike_cipher(k->enc, k->keybits, k->key, iv, msg + ISAKMP_HDR_LEN, msg + ISAKMP_HDR_LEN,
		       len - ISAKMP_HDR_LEN, true))
		return ISAKMP_E_CRYPTO;
	return (int)len;
}

int ike_msg_decrypt(const struct ike_p1_keys *k, uint8_t *iv, struct isakmp_msg *m, uint8_t *out,
		    size_t cap)
{
	if (!(m->hdr.flags & ISAKMP_FLAG_ENC))
		return ISAKMP_E_INVAL;
	if (!k->block || !m->body_len || m->body_len % k->block)
		return ISAKMP_E_CRYPT_LEN;
	if (m->body_len > cap)
		return ISAKMP_E_NO_SPACE;
	if (ike_cipher(k->enc, k->keybits, k->key, iv, m->body, out, m->body_len, false))
		return ISAKMP_E_CRYPTO;
	return isakmp_decode_chain(m, m->hdr.np, out, m->body_len, true);
}

int ike_natd_hash(unsigned int hash, const uint8_t *ckyi, const uint8_t *ckyr, const void *addr,
		  size_t addr_len, uint16_t port, uint8_t *out)
{
	uint8_t portb[2];
	struct ike_chunk in[4];

	if (addr_len != 4 && addr_len != 16)
		return -1;
	put_be16(portb, port);
	in[0] = IKE_CHUNK(ckyi, 8);
	in[1] = IKE_CHUNK(ckyr, 8);
	in[2] = IKE_CHUNK(addr, addr_len);
	in[3] = IKE_CHUNK(portb, 2);
	return ike_hash(hash, in, 4, out);
}

/* ---- phase-2 messages ---- */

void ike_p2_begin(struct isakmp_enc *enc, void *buf, size_t cap, const struct isakmp_hdr *h,
		  const struct ike_p1_keys *k)
{
	static const uint8_t zero[IKE_MAX_HASH];

	isakmp_enc_init(enc, buf, cap, h);
	isakmp_put_data(enc, ISAKMP_NP_HASH, zero, k->prf_len);
}

/* The HASH a phase-2 message should carry; rest is what follows the HASH payload. */
static int p2_hash(const struct ike_p1_keys *k, const struct ike_p2_hash *h, uint32_t msgid,
		   struct ike_chunk rest, uint8_t *out)
{
	switch (h->kind) {
	case IKE_P2_HASH1:
		return ike_qm_hash1(k, msgid, rest, out);
	case IKE_P2_HASH2:
		return ike_qm_hash2(k, msgid, h->ni, rest, out);
	case IKE_P2_HASH3:
		return ike_qm_hash3(k, msgid, h->ni, h->nr, out);
	}
	return -1;
}

int ike_p2_seal(const struct ike_p1_keys *k, const uint8_t *p1_last, uint8_t *iv,
		const struct ike_p2_hash *hash, uint8_t *msg, size_t len, size_t cap)
{
	size_t hoff = ISAKMP_HDR_LEN + ISAKMP_GEN_LEN;
	uint32_t msgid;

	if (len < hoff + k->prf_len || len > cap || msg[16] != ISAKMP_NP_HASH)
		return ISAKMP_E_INVAL;
	msgid = (uint32_t)msg[20] << 24 | (uint32_t)msg[21] << 16 | (uint32_t)msg[22] << 8 |
		msg[23];
	if (p1_last && ike_p2_iv(k, p1_last, msgid, iv))
		return ISAKMP_E_CRYPTO;
	if (p2_hash(k, hash, msgid, IKE_CHUNK(msg + hoff + k->prf_len, len - hoff - k->prf_len),
		    msg + hoff))
		return ISAKMP_E_CRYPTO;
	return ike_msg_encrypt(k, iv, msg, len, cap);
}

int ike_p2_open(const struct ike_p1_keys *k, const uint8_t *p1_last, const uint8_t *iv,
		uint8_t *iv_next, const struct ike_p2_hash *hash, struct isakmp_msg *m,
		uint8_t *out, size_t cap)
{
	uint8_t scratch[IKE_MAX_BLOCK], want[IKE_MAX_HASH];
	const uint8_t *h, *rest;
	uint16_t hl;
	size_t rl;
	int ret;

	if (p1_last) {
		if (ike_p2_iv(k, p1_last, m->hdr.msgid, scratch))
			return ISAKMP_E_CRYPTO;
	} else {
		memcpy(scratch, iv, sizeof(scratch));
	}
	ret = ike_msg_decrypt(k, scratch, m, out, cap);
	if (ret)
		return ret;
	ret = isakmp_hashed(m, &h, &hl, &rest, &rl);
	if (ret)
		return ret;
	if (hl != k->prf_len || p2_hash(k, hash, m->hdr.msgid, IKE_CHUNK(rest, rl), want) ||
	    CRYPTO_memcmp(want, h, hl))
		return ISAKMP_E_HASH;
	if (iv_next)
		memcpy(iv_next, scratch, sizeof(scratch));
	return 0;
}
