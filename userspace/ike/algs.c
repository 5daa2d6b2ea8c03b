// SPDX-License-Identifier: GPL-2.0
/* The algorithm vocabulary; see algs.h. */
#include <stdio.h>
#include <string.h>

#include <linux/espgw.h>

#include "algs.h"
#include "isakmp.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

const struct ike_alg_enc ike_alg_encs[] = {
	{ "des",  IKE_ENC_DES,     0,   true,  "des",     "DES-CBC",      8,  8,  true },
	{ "3des", IKE_ENC_3DES,    0,   true,  "3des",    "DES-EDE3-CBC", 24, 8,  true },
	{ "aes",  IKE_ENC_AES_CBC, 128, true,  "aes-128", "AES-128-CBC",  16, 16, false },
	{ "aes",  IKE_ENC_AES_CBC, 192, false, "aes-192", "AES-192-CBC",  24, 16, false },
	{ "aes",  IKE_ENC_AES_CBC, 256, false, "aes-256", "AES-256-CBC",  32, 16, false },
};
const size_t ike_alg_nencs = N(ike_alg_encs);

const struct ike_alg_hash ike_alg_hashes[] = {
	{ "md5",    IKE_HASH_MD5,      "md5",    "MD5",      16, true },
	{ "sha",    IKE_HASH_SHA1,     "sha",    "SHA1",     20, false },
	{ "sha256", IKE_HASH_SHA2_256, "sha256", "SHA2-256", 32, false },
	{ "sha384", IKE_HASH_SHA2_384, "sha384", "SHA2-384", 48, false },
	{ "sha512", IKE_HASH_SHA2_512, "sha512", "SHA2-512", 64, false },
};
const size_t ike_alg_nhashes = N(ike_alg_hashes);

/* exponent sizes: RFC 3526 section 8's strength estimates, doubled */
const struct ike_alg_group ike_alg_groups[] = {
	{ "1",  IKE_GROUP_MODP768,  "modp768",  96,  256, BN_get_rfc2409_prime_768,  true },
	{ "2",  IKE_GROUP_MODP1024, "modp1024", 128, 256, BN_get_rfc2409_prime_1024, false },
	{ "5",  IKE_GROUP_MODP1536, "modp1536", 192, 256, BN_get_rfc3526_prime_1536, false },
	{ "14", IKE_GROUP_MODP2048, "modp2048", 256, 256, BN_get_rfc3526_prime_2048, false },
	{ "15", IKE_GROUP_MODP3072, "modp3072", 384, 320, BN_get_rfc3526_prime_3072, false },
	{ "16", IKE_GROUP_MODP4096, "modp4096", 512, 384, BN_get_rfc3526_prime_4096, false },
};
const size_t ike_alg_ngroups = N(ike_alg_groups);

const struct ike_alg_esp ike_alg_esps[] = {
	{ "esp-des",  ESP_DES,        0,   true,  false, 8,  ESPGW_ENC_ALG_DES_CBC,
	  "esp-des", true },
	{ "esp-3des", ESP_3DES,       0,   true,  false, 24, ESPGW_ENC_ALG_3DES_CBC,
	  "esp-3des", true },
	{ "esp-aes",  ESP_AES_CBC,    128, true,  false, 16, ESPGW_ENC_ALG_AES_CBC,
	  "esp-aes-128", false },
	{ "esp-aes",  ESP_AES_CBC,    192, false, false, 24, ESPGW_ENC_ALG_AES_CBC,
	  "esp-aes-192", false },
	{ "esp-aes",  ESP_AES_CBC,    256, false, false, 32, ESPGW_ENC_ALG_AES_CBC,
	  "esp-aes-256", false },
	{ "esp-gcm",  ESP_AES_GCM_16, 128, true,  true,  20, ESPGW_ENC_ALG_AES_GCM_16,
	  "esp-gcm-128", false },
	{ "esp-gcm",  ESP_AES_GCM_16, 256, false, true,  36, ESPGW_ENC_ALG_AES_GCM_16,
	  "esp-gcm-256", false },
};
const size_t ike_alg_nesps = N(ike_alg_esps);

const struct ike_alg_esp_auth ike_alg_esp_auths[] = {
	{ "esp-md5-hmac",    IPSEC_AUTH_HMAC_MD5,      16, ESPGW_AUTH_ALG_HMAC_MD5_96,
	  "esp-md5-hmac", true },
	{ "esp-sha-hmac",    IPSEC_AUTH_HMAC_SHA1,     20, ESPGW_AUTH_ALG_HMAC_SHA1_96,
	  "esp-sha-hmac", false },
	{ "esp-sha256-hmac", IPSEC_AUTH_HMAC_SHA2_256, 32, ESPGW_AUTH_ALG_HMAC_SHA256_128,
	  "esp-sha256-hmac", false },
};
const size_t ike_alg_nesp_auths = N(ike_alg_esp_auths);

/* A word and a key size: the entry of that size, or with keybits 0 the word's default. */
const struct ike_alg_enc *ike_alg_enc_by_name(const char *name, unsigned int keybits)
{
	size_t i;

	for (i = 0; i < N(ike_alg_encs); i++) {
		const struct ike_alg_enc *a = &ike_alg_encs[i];

		if (!strcmp(a->name, name) && (keybits ? a->keybits == keybits : a->keybits_default))
			return a;
	}
	return NULL;
}

const struct ike_alg_esp *ike_alg_esp_by_name(const char *name, unsigned int keybits)
{
	size_t i;

	for (i = 0; i < N(ike_alg_esps); i++) {
		const struct ike_alg_esp *a = &ike_alg_esps[i];

		if (!strcmp(a->name, name) && (keybits ? a->keybits == keybits : a->keybits_default))
			return a;
	}
	return NULL;
}

/* By number: a fixed-size cipher also matches a key length equal to its own size. */
const struct ike_alg_enc *ike_alg_enc_by_id(unsigned int id, unsigned int keybits)
{
	size_t i;

	for (i = 0; i < N(ike_alg_encs); i++) {
		const struct ike_alg_enc *a = &ike_alg_encs[i];

		if (a->id == id && (a->keybits == keybits ||
				    (!a->keybits && keybits == a->key_len * 8u)))
			return a;
	}
	return NULL;
}

const struct ike_alg_esp *ike_alg_esp_by_id(unsigned int id, unsigned int keybits)
{
	size_t i;

	for (i = 0; i < N(ike_alg_esps); i++) {
		const struct ike_alg_esp *a = &ike_alg_esps[i];

		if (a->id == id && (a->keybits == keybits ||
				    (!a->keybits && keybits == a->key_len * 8u)))
			return a;
	}
	return NULL;
}

#define FIND(tab, field)						\
	do {								\
		size_t i_;						\
		for (i_ = 0; i_ < N(tab); i_++)				\
			if (field)					\
				return &(tab)[i_];			\
		return NULL;						\
	} while (0)

const struct ike_alg_hash *ike_alg_hash_by_name(const char *name)
{
	FIND(ike_alg_hashes, !strcmp(ike_alg_hashes[i_].name, name));
}

const struct ike_alg_hash *ike_alg_hash_by_id(unsigned int id)
{
	FIND(ike_alg_hashes, ike_alg_hashes[i_].id == id);
}

const struct ike_alg_group *ike_alg_group_by_name(const char *name)
{
	FIND(ike_alg_groups, !strcmp(ike_alg_groups[i_].name, name));
}

const struct ike_alg_group *ike_alg_group_by_id(unsigned int id)
{
	FIND(ike_alg_groups, ike_alg_groups[i_].id == id);
}

const struct ike_alg_esp_auth *ike_alg_esp_auth_by_name(const char *name)
{
	FIND(ike_alg_esp_auths, !strcmp(ike_alg_esp_auths[i_].name, name));
}

const struct ike_alg_esp_auth *ike_alg_esp_auth_by_id(unsigned int id)
{
	FIND(ike_alg_esp_auths, ike_alg_esp_auths[i_].id == id);
}

const char *ike_alg_enc_show(unsigned int id, unsigned int keybits)
{
	const struct ike_alg_enc *a = ike_alg_enc_by_id(id, keybits);

	return a ? a->show : "?";
}

const char *ike_alg_hash_show(unsigned int id)
{
	const struct ike_alg_hash *a = ike_alg_hash_by_id(id);

	return a ? a->show : "?";
}

const char *ike_alg_group_show(unsigned int id)
{
	const struct ike_alg_group *a = ike_alg_group_by_id(id);

	return a ? a->show : id ? "?" : "none";
}

const char *ike_alg_esp_show(unsigned int id, unsigned int keybits)
{
	const struct ike_alg_esp *a = ike_alg_esp_by_id(id, keybits);

	return a ? a->show : "?";
}

const char *ike_alg_esp_auth_show(unsigned int id)
{
	const struct ike_alg_esp_auth *a = ike_alg_esp_auth_by_id(id);

	return a ? a->show : id ? "?" : "none";
}

static const char *word(enum ike_alg_kind kind, size_t i, size_t *n)
{
	switch (kind) {
	case IKE_ALG_ENC:	*n = N(ike_alg_encs); return i < *n ? ike_alg_encs[i].name : NULL;
	case IKE_ALG_HASH:	*n = N(ike_alg_hashes); return i < *n ? ike_alg_hashes[i].name : NULL;
	case IKE_ALG_GROUP:	*n = N(ike_alg_groups); return i < *n ? ike_alg_groups[i].name : NULL;
	case IKE_ALG_ESP:	*n = N(ike_alg_esps); return i < *n ? ike_alg_esps[i].name : NULL;
	case IKE_ALG_ESP_AUTH:
		*n = N(ike_alg_esp_auths);
		return i < *n ? ike_alg_esp_auths[i].name : NULL;
	}
	*n = 0;
	return NULL;
}

const char *ike_alg_words(enum ike_alg_kind kind, const char *prefix, char *buf, size_t len)
{
	const char *w, *prev = NULL;
	size_t i, n, o = 0;

	if (!len)
		return buf;
	buf[0] = 0;
	for (i = 0; (w = word(kind, i, &n)); i++) {
		int k;

		if (prev && !strcmp(prev, w))	/* the sizes of one word follow each other */
			continue;
		k = snprintf(buf + o, len - o, "%s%s%s", o ? ", " : "", prefix ? prefix : "", w);
		if (k < 0 || (size_t)k >= len - o)
			break;
		o += (size_t)k;
		prev = w;
	}
	return buf;
}
