/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv1 cryptography on OpenSSL 3: hashes and HMAC prf, CBC ciphers without
 * padding, MODP Diffie-Hellman, and the RFC 2409 key derivation for
 * pre-shared keys (SKEYID and friends, IVs, HASH_I/R, Quick Mode hashes,
 * KEYMAT).
 *
 * Algorithms are named by their ISAKMP numbers (isakmp.h): enum ike_hash_alg,
 * enum ike_enc with a key length in bits, enum ike_group. Functions return 0
 * on success and a negative value on failure (unsupported algorithm, bad
 * length, OpenSSL error).
 */
#ifndef _ESPGW_CRYPTO_H_
#define _ESPGW_CRYPTO_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IKE_MAX_HASH	64	/* SHA2-512 */
#define IKE_MAX_BLOCK	16	/* AES */
#define IKE_MAX_KEY	32	/* AES-256 */
#define IKE_MAX_DH	512	/* MODP 4096 */

/* A piece of input: the prf and hash inputs are concatenations (RFC 2409 5). */
struct ike_chunk {
	const void *p;
	size_t len;
};

#define IKE_CHUNK(ptr, n)	((struct ike_chunk){ .p = (ptr), .len = (n) })

/* Load OpenSSL's default and legacy providers (legacy: DES). Idempotent. */
int ike_crypto_init(void);

/* Digest length in bytes, 0 when the algorithm is not supported. */
size_t ike_hash_len(unsigned int hash);
int ike_hash(unsigned int hash, const struct ike_chunk *in, size_t n, uint8_t *out);
/* RFC 2409 4: without a PRF attribute the prf is HMAC with the negotiated hash. */
int ike_prf(unsigned int hash, const void *key, size_t keylen, const struct ike_chunk *in,
	    size_t n, uint8_t *out);

/* Block size in bytes, 0 when not supported. */
size_t ike_cipher_block(unsigned int enc);
/*
 * Key length in bytes for enc with keybits (0: the cipher's fixed size, as
 * for DES and 3DES, which take no key length attribute); negative when the
 * combination is invalid.
 */
int ike_cipher_keylen(unsigned int enc, unsigned int keybits);
/*
 * CBC over len bytes (a multiple of the block size: ISAKMP pads itself,
 * RFC 2409 5.3). iv is updated to the last ciphertext block, which is the IV
 * of the next message (RFC 2409 appendix B). in and out may be the same.
 */
int ike_cipher(unsigned int enc, unsigned int keybits, const uint8_t *key, uint8_t *iv,
	       const uint8_t *in, uint8_t *out, size_t len, bool encrypt);

/* MODP Diffie-Hellman. */
struct ike_dh;

/* Size of the group's prime (and of public values and secrets) in bytes. */
size_t ike_dh_len(unsigned int group);
/* A fresh key pair. */
struct ike_dh *ike_dh_new(unsigned int group);
/* A key pair from a given private exponent (big-endian); for tests. */
struct ike_dh *ike_dh_new_priv(unsigned int group, const uint8_t *x, size_t xlen);
void ike_dh_free(struct ike_dh *dh);
/* g^x left-padded to ike_dh_len() bytes (RFC 2409 5: KE data is group-sized). */
int ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t len);
/*
 * g^xy from the peer's public value, which must be exactly group-sized and
 * in [2, p-2]; out gets ike_dh_len() bytes, left-padded.
 */
int ike_dh_shared(const struct ike_dh *dh, const uint8_t *peer, size_t peer_len, uint8_t *out);

/* Phase-1 keying material (RFC 2409 5 and appendix B). */
struct ike_p1_keys {
	unsigned int hash;
	unsigned int enc;
	unsigned int keybits;
	size_t prf_len;			/* = hash length */
	size_t key_len;			/* cipher key bytes */
	size_t block;			/* cipher block bytes */
	uint8_t skeyid[IKE_MAX_HASH];
	uint8_t skeyid_d[IKE_MAX_HASH];
	uint8_t skeyid_a[IKE_MAX_HASH];
	uint8_t skeyid_e[IKE_MAX_HASH];
	uint8_t key[IKE_MAX_KEY];	/* from SKEYID_e, expanded when too short */
};

/*
 * SKEYID = prf(pre-shared-key, Ni_b | Nr_b), then SKEYID_d, _a, _e and the
 * encryption key. ni and nr are the nonce payload bodies, gxy the shared
 * secret, cookies 8 bytes each.
 */
int ike_p1_keys_psk(struct ike_p1_keys *k, unsigned int hash, unsigned int enc,
		    unsigned int keybits, struct ike_chunk psk, struct ike_chunk ni,
		    struct ike_chunk nr, struct ike_chunk gxy, const uint8_t *ckyi,
		    const uint8_t *ckyr);
/*
 * The same in two steps, for Aggressive Mode, whose responder proves itself
 * (HASH_R needs SKEYID only) before it needs the shared secret: SKEYID and
 * the sizes first, then SKEYID_d, _a, _e and the key from g^xy.
 */
int ike_p1_skeyid_psk(struct ike_p1_keys *k, unsigned int hash, unsigned int enc,
		      unsigned int keybits, struct ike_chunk psk, struct ike_chunk ni,
		      struct ike_chunk nr);
int ike_p1_keys_derive(struct ike_p1_keys *k, struct ike_chunk gxy, const uint8_t *ckyi,
		       const uint8_t *ckyr);
/* Wipe the secrets. */
void ike_p1_keys_clear(struct ike_p1_keys *k);

/* Phase-1 IV = hash(g^xi | g^xr) truncated to the block size (RFC 2409 B). */
int ike_p1_iv(const struct ike_p1_keys *k, struct ike_chunk gxi, struct ike_chunk gxr,
	      uint8_t *iv);
/*
 * Phase-2 and informational IV = hash(last phase-1 CBC block | M-ID)
 * truncated (RFC 2409 B): last_block is the last ciphertext block of the
 * final phase-1 message (our IV state after it).
 */
int ike_p2_iv(const struct ike_p1_keys *k, const uint8_t *last_block, uint32_t msgid,
	      uint8_t *iv);

/* Inputs of HASH_I / HASH_R (RFC 2409 5). */
struct ike_auth_in {
	struct ike_chunk gxi, gxr;	/* KE payload bodies */
	const uint8_t *ckyi, *ckyr;
	struct ike_chunk sai_b;		/* the initiator's SA payload body */
	struct ike_chunk id_b;		/* IDii_b for HASH_I, IDir_b for HASH_R */
};

/* HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b) */
int ike_hash_i(const struct ike_p1_keys *k, const struct ike_auth_in *in, uint8_t *out);
/* HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b) */
int ike_hash_r(const struct ike_p1_keys *k, const struct ike_auth_in *in, uint8_t *out);

/*
 * Quick Mode (RFC 2409 5.5), rest = the message bytes after the HASH
 * payload, generic headers included:
 * HASH(1) = prf(SKEYID_a, M-ID | rest), also the informational hash (5.7);
 * HASH(2) = prf(SKEYID_a, M-ID | Ni_b | rest);
 * HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b).
 */
int ike_qm_hash1(const struct ike_p1_keys *k, uint32_t msgid, struct ike_chunk rest,
		 uint8_t *out);
int ike_qm_hash2(const struct ike_p1_keys *k, uint32_t msgid, struct ike_chunk ni_b,
		 struct ike_chunk rest, uint8_t *out);
int ike_qm_hash3(const struct ike_p1_keys *k, uint32_t msgid, struct ike_chunk ni_b,
		 struct ike_chunk nr_b, uint8_t *out);

/*
 * KEYMAT for one SA (RFC 2409 5.5): prf(SKEYID_d, [g(qm)^xy |] protocol |
 * SPI | Ni_b | Nr_b), expanded K1 | K2 | ... with Kn+1 = prf(SKEYID_d, Kn |
 * [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b) up to len bytes. gqm.len == 0
 * means no PFS. spi is the SPI of the SA being keyed, in host order.
 */
int ike_keymat(const struct ike_p1_keys *k, struct ike_chunk gqm, uint8_t proto, uint32_t spi,
	       struct ike_chunk ni_b, struct ike_chunk nr_b, uint8_t *out, size_t len);

/*
 * NAT-D payload data (RFC 3947 3.2): hash(CKY-I | CKY-R | IP | Port) with the
 * negotiated hash; addr is 4 or 16 bytes in network order, port host order.
 */
int ike_natd_hash(unsigned int hash, const uint8_t *ckyi, const uint8_t *ckyr, const void *addr,
		  size_t addr_len, uint16_t port, uint8_t *out);

/*
 * Encrypt a message built with isakmp_enc (len bytes at msg, header
 * included) in place: zero padding up to a whole number of blocks (RFC 2409
 * leaves its content open; strongSwan pads with zeros too), the encryption
 * flag and the new length in the header, then CBC from iv, which is left at
 * the last ciphertext block. Returns the new length or a negative
 * enum isakmp_err.
 */
int ike_msg_encrypt(const struct ike_p1_keys *k, uint8_t *iv, uint8_t *msg, size_t len,
		    size_t cap);

struct isakmp_msg;

/*
 * Decrypt the body of a message that isakmp_decode() reported as
 * ISAKMP_ENCRYPTED into out (cap bytes) and decode its payloads there, the
 * padding allowed. iv is left at the body's last ciphertext block. Returns 0
 * or a negative enum isakmp_err.
 */
int ike_msg_decrypt(const struct ike_p1_keys *k, uint8_t *iv, struct isakmp_msg *m, uint8_t *out,
		    size_t cap);

/*
 * Phase-2 messages (Quick Mode, informational, Mode-Config transactions;
 * RFC 2409 5.5 and 5.7): the first payload is a HASH over the message ID
 * and what follows, and the body is encrypted with an IV of the exchange's
 * own. Every exchange protects and opens its messages with these.
 */
enum ike_p2_hash_kind {
	IKE_P2_HASH1,	/* prf(SKEYID_a, M-ID | rest): QM1, informational, transaction */
	IKE_P2_HASH2,	/* prf(SKEYID_a, M-ID | Ni_b | rest): QM2 */
	IKE_P2_HASH3,	/* prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b): QM3, nothing after it */
};

struct ike_p2_hash {
	enum ike_p2_hash_kind kind;
	struct ike_chunk ni, nr;	/* Ni_b (HASH2, HASH3), Nr_b (HASH3) */
};

#define IKE_P2_H1	((struct ike_p2_hash){ .kind = IKE_P2_HASH1 })

struct isakmp_enc;
struct isakmp_hdr;

/* Start a phase-2 message in buf: the header, then a HASH placeholder of the prf's size. */
void ike_p2_begin(struct isakmp_enc *enc, void *buf, size_t cap, const struct isakmp_hdr *h,
		  const struct ike_p1_keys *k);
/*
 * Seal the message begun with ike_p2_begin() (len bytes): the HASH filled in,
 * then encrypted. With p1_last (the last phase-1 block) the IV is that of a
 * new exchange with the header's message ID, else iv continues an exchange's
 * CBC chain; iv is left at the last ciphertext block either way. Returns the
 * new length or a negative enum isakmp_err.
 */
int ike_p2_seal(const struct ike_p1_keys *k, const uint8_t *p1_last, uint8_t *iv,
		const struct ike_p2_hash *hash, uint8_t *msg, size_t len, size_t cap);
/*
 * Open a received phase-2 message (isakmp_decode() said ISAKMP_ENCRYPTED):
 * decrypt into out (cap bytes) from the IV of a new exchange (p1_last given)
 * or from iv, decode, and verify the HASH. Nothing is changed unless it
 * verifies: only then does iv_next (NULL: not wanted; may be iv) get the last
 * ciphertext block, the next message's IV. Returns 0, ISAKMP_E_HASH when the
 * HASH does not verify, or another negative enum isakmp_err.
 */
int ike_p2_open(const struct ike_p1_keys *k, const uint8_t *p1_last, const uint8_t *iv,
		uint8_t *iv_next, const struct ike_p2_hash *hash, struct isakmp_msg *m,
		uint8_t *out, size_t cap);

#endif /* _ESPGW_CRYPTO_H_ */
