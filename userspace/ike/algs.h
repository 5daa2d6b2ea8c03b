/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The algorithm vocabulary of the daemon side: one table entry per
 * algorithm, naming it everywhere it is named - the IOS word espgwd.conf
 * reads ("aes 256", "esp-sha-hmac"), its ISAKMP number, what 'espgw ike
 * show' and the logs print, the OpenSSL name the IKE crypto runs it with,
 * the espgw.ko number an ESP SA is installed with, its key sizes, and
 * whether it is a legacy algorithm that needs 'espgw legacy'.
 *
 * Adding an IKE or ESP algorithm is one entry here (and, for ESP, one in
 * the kernel's table, kmod/alg.c, with its number in uapi/espgw.yaml).
 */
#ifndef _ESPGW_ALGS_H_
#define _ESPGW_ALGS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/bn.h>

/* Phase-1 encryption: "encryption des|3des|aes [128|192|256]" */
struct ike_alg_enc {
	const char *name;	/* IOS word */
	uint16_t id;		/* enum ike_enc */
	uint16_t keybits;	/* the key length attribute; 0: a fixed-size cipher (none sent) */
	bool keybits_default;	/* this entry is what the bare word means */
	const char *show;	/* "des", "3des", "aes-128" */
	const char *ossl;	/* OpenSSL cipher */
	uint8_t key_len, block;	/* bytes */
	bool legacy;
};

/* Phase-1 hash (and HMAC prf): "hash md5|sha|sha256|sha384|sha512" */
struct ike_alg_hash {
	const char *name;
	uint16_t id;		/* enum ike_hash_alg */
	const char *show;
	const char *ossl;	/* OpenSSL digest */
	uint8_t len;
	bool legacy;
};

/* MODP Diffie-Hellman groups: "group 1|2|5|14|15|16", "set pfs group14" */
struct ike_alg_group {
	const char *name;	/* "1", "2", ... */
	uint16_t id;		/* enum ike_group */
	const char *show;	/* "modp1024" */
	uint16_t len;		/* bytes of the prime and of each public value */
	uint16_t exp_bits;	/* private exponent size: twice the group's strength */
	BIGNUM *(*prime)(BIGNUM *);	/* OpenSSL's copy of the RFC 2409 / 3526 prime */
	bool legacy;
};

/* ESP encryption: "esp-des", "esp-3des", "esp-aes [128|192|256]", "esp-gcm [128|256]" */
struct ike_alg_esp {
	const char *name;
	uint8_t id;		/* enum isakmp_esp_id */
	uint16_t keybits;	/* 0: fixed size, no key length attribute */
	bool keybits_default;
	bool aead;		/* authenticates itself: no ESP auth transform */
	uint8_t key_len;	/* KEYMAT bytes, with the 4-byte salt of GCM (RFC 4106 8.1) */
	uint32_t kernel;	/* enum espgw_enc_alg */
	const char *show;	/* "esp-aes-128" */
	bool legacy;
};

/* ESP authentication: "esp-md5-hmac", "esp-sha-hmac", ... */
struct ike_alg_esp_auth {
	const char *name;
	uint16_t id;		/* enum ipsec_auth */
	uint8_t key_len;
	uint32_t kernel;	/* enum espgw_auth_alg; ESPGW_AUTH_ALG_NONE: espgw.ko lacks it */
	const char *show;
	bool legacy;
};

/*
 * Lookups by IOS word (keybits 0: the word's default size) and by number.
 * NULL when unknown.
 */
const struct ike_alg_enc *ike_alg_enc_by_name(const char *name, unsigned int keybits);
const struct ike_alg_enc *ike_alg_enc_by_id(unsigned int id, unsigned int keybits);
const struct ike_alg_hash *ike_alg_hash_by_name(const char *name);
const struct ike_alg_hash *ike_alg_hash_by_id(unsigned int id);
const struct ike_alg_group *ike_alg_group_by_name(const char *name);
const struct ike_alg_group *ike_alg_group_by_id(unsigned int id);
const struct ike_alg_esp *ike_alg_esp_by_name(const char *name, unsigned int keybits);
const struct ike_alg_esp *ike_alg_esp_by_id(unsigned int id, unsigned int keybits);
const struct ike_alg_esp_auth *ike_alg_esp_auth_by_name(const char *name);
const struct ike_alg_esp_auth *ike_alg_esp_auth_by_id(unsigned int id);

/* The whole tables, for iteration (crypto.c fetches OpenSSL's implementations from them). */
extern const struct ike_alg_enc ike_alg_encs[];
extern const size_t ike_alg_nencs;
extern const struct ike_alg_hash ike_alg_hashes[];
extern const size_t ike_alg_nhashes;
extern const struct ike_alg_group ike_alg_groups[];
extern const size_t ike_alg_ngroups;
extern const struct ike_alg_esp ike_alg_esps[];
extern const size_t ike_alg_nesps;
extern const struct ike_alg_esp_auth ike_alg_esp_auths[];
extern const size_t ike_alg_nesp_auths;

/* Names for logs and 'espgw ike show': "?" (never NULL) for an unknown number. */
const char *ike_alg_enc_show(unsigned int id, unsigned int keybits);
const char *ike_alg_hash_show(unsigned int id);
const char *ike_alg_group_show(unsigned int id);
const char *ike_alg_esp_show(unsigned int id, unsigned int keybits);
const char *ike_alg_esp_auth_show(unsigned int id);

enum ike_alg_kind {
	IKE_ALG_ENC,
	IKE_ALG_HASH,
	IKE_ALG_GROUP,
	IKE_ALG_ESP,
	IKE_ALG_ESP_AUTH,
};

/*
 * The distinct IOS words of a kind, "des, 3des, aes", for error messages
 * (prefix is put before each word: "group" for "group1, group2, ..."; may
 * be NULL). Truncated to fit len.
 */
const char *ike_alg_words(enum ike_alg_kind kind, const char *prefix, char *buf, size_t len);

#endif /* _ESPGW_ALGS_H_ */
