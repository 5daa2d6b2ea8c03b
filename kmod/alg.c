// SPDX-License-Identifier: GPL-2.0
/*
 * ESP algorithms and the kernel crypto API names that implement them. The names
 * are the ones esp4 uses (net/xfrm/xfrm_algo.c), so the kernel picks the same
 * (possibly accelerated, possibly asynchronous) implementations as XFRM.
 */

#include <linux/crypto.h>
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>

#include "alg.h"

static const char *const enc_names[] = {
	[ESPGW_ENC_ALG_DES_CBC]			= "cbc(des)",
	[ESPGW_ENC_ALG_3DES_CBC]		= "cbc(des3_ede)",
	[ESPGW_ENC_ALG_AES_CBC]			= "cbc(aes)",
	[ESPGW_ENC_ALG_AES_GCM_16]		= "rfc4106(gcm(aes))",
	[ESPGW_ENC_ALG_CHACHA20_POLY1305]	= "rfc7539esp(chacha20,poly1305)",
};

static const char *const auth_names[] = {
	[ESPGW_AUTH_ALG_HMAC_MD5_96]		= "hmac(md5)",
	[ESPGW_AUTH_ALG_HMAC_SHA1_96]		= "hmac(sha1)",
	[ESPGW_AUTH_ALG_HMAC_SHA256_128]	= "hmac(sha256)",
};

/* crypto_has_aead() only exists since 6.2: probe by allocating. */
static bool aead_available(const char *name)
{
	struct crypto_aead *tfm = crypto_alloc_aead(name, 0, 0);

	if (IS_ERR(tfm))
		return false;
	crypto_free_aead(tfm);
	return true;
}

static bool enc_is_aead(unsigned int alg)
{
	return alg == ESPGW_ENC_ALG_AES_GCM_16 ||
	       alg == ESPGW_ENC_ALG_CHACHA20_POLY1305;
}

/**
 * espgw_alg_enc_available - which encryption algorithms the crypto API has
 *
 * May load crypto modules; process context only.
 *
 * Return: mask of (1 << ESPGW_ENC_ALG_*).
 */
u32 espgw_alg_enc_available(void)
{
	u32 mask = 0;
	unsigned int i;

	for (i = 1; i < ARRAY_SIZE(enc_names); i++) {
		bool ok = enc_is_aead(i) ? aead_available(enc_names[i]) :
					   crypto_has_skcipher(enc_names[i], 0, 0);
		if (ok)
			mask |= BIT(i);
	}
	return mask;
}

/**
 * espgw_alg_auth_available - which integrity algorithms the crypto API has
 *
 * May load crypto modules; process context only.
 *
 * Return: mask of (1 << ESPGW_AUTH_ALG_*).
 */
u32 espgw_alg_auth_available(void)
{
	u32 mask = 0;
	unsigned int i;

	for (i = 1; i < ARRAY_SIZE(auth_names); i++)
		if (crypto_has_ahash(auth_names[i], 0, 0))
			mask |= BIT(i);
	return mask;
}
