/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Responder-side proposal selection for phase 1 (ISAKMP SA) and phase 2
 * (ESP SAs in Quick Mode).
 *
 * Both work the way a Cisco router does: the configured policies are walked
 * in priority order and each is compared with every offered transform, in
 * the order offered; the first match wins. Exactly one transform comes out,
 * to be echoed in the reply (isakmp_put_sa_reply()). Every attribute takes
 * part in the comparison, and an attribute we do not understand makes the
 * transform unacceptable (RFC 2408 4.2).
 */
#ifndef _ESPGW_PROPOSAL_H_
#define _ESPGW_PROPOSAL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isakmp.h"

/* RFC 2407 4.5: a phase-2 SA with no proposed lifetime lasts 28800 s. */
#define IKE_P2_DEFAULT_LIFE_SEC	28800

enum ike_sel_err {
	IKE_SEL_OK = 0,
	IKE_SEL_NO_PROPOSAL = -1,	/* answer NO-PROPOSAL-CHOSEN */
	IKE_SEL_INVAL = -2,		/* bad arguments */
};

/* One "crypto isakmp policy N" block. */
struct ike_p1_policy {
	uint16_t enc;		/* enum ike_enc */
	uint16_t keybits;	/* AES: 128/192/256; DES, 3DES: 0 */
	uint16_t hash;		/* enum ike_hash_alg */
	uint16_t auth;		/* IKE_AUTH_PSK or IKE_AUTH_XAUTH_INIT_PSK */
	uint16_t group;		/* enum ike_group */
	uint32_t lifetime;	/* seconds */
};

struct ike_p1_choice {
	const struct ike_p1_policy *policy;	/* the policy that matched */
	unsigned int prop;			/* index into isakmp_sa.p */
	unsigned int trans;			/* index into isakmp_sa.t */
	struct ike_p1_attrs attrs;		/* the chosen transform's attributes */
	uint32_t lifetime;			/* what we will use: never above policy */
	bool notify_lifetime;			/* send RESPONDER-LIFETIME */
};

/* True when the algorithm choice needs the legacy switch (DES, MD5, group 1). */
bool ike_p1_policy_is_legacy(const struct ike_p1_policy *p);

int ike_p1_select(const struct ike_p1_policy *pol, size_t npol, bool legacy,
		  const struct isakmp_sa *sa, struct ike_p1_choice *c);

/* One transform of a "crypto ipsec transform-set". */
struct ike_p2_transform {
	uint8_t esp;		/* enum isakmp_esp_id */
	uint16_t keybits;	/* AES: 128/192/256; DES, 3DES: 0 */
	uint16_t auth;		/* enum ipsec_auth; IPSEC_AUTH_NONE with GCM */
};

struct ike_p2_policy {
	const struct ike_p2_transform *ts;	/* in preference order */
	size_t nts;
	uint16_t pfs_group;	/* 0: PFS optional with any allowed group ("set pfs" unset) */
	uint64_t life_sec;	/* 0: no limit of that kind */
	uint64_t life_kb;
	bool legacy;
	bool natt;		/* NAT-T in use: expect UDP-encapsulated tunnel mode */
};

struct ike_p2_choice {
	const struct ike_p2_transform *ts;
	unsigned int prop;
	unsigned int trans;
	struct ipsec_attrs attrs;
	uint32_t peer_spi;	/* the initiator's inbound SPI (our outbound) */
	uint64_t life_sec;	/* effective lifetimes, 0 = unlimited */
	uint64_t life_kb;
	bool notify_sec;	/* include in RESPONDER-LIFETIME */
	bool notify_kb;
};

bool ike_p2_transform_is_legacy(const struct ike_p2_transform *t);

/*
 * ke_len is the length of the KE payload in the Quick Mode message, 0 when
 * there is none: a transform with a group is acceptable only with a KE of
 * that group's size, one without only when there is no KE (RFC 2409 5.5).
 */
int ike_p2_select(const struct ike_p2_policy *pol, const struct isakmp_sa *sa, size_t ke_len,
		  struct ike_p2_choice *c);

/*
 * How much KEYMAT an ESP SA takes (RFC 2409 5.5: the encryption key comes
 * first, the authentication key follows): enc_len includes the 4-byte salt of
 * AES-GCM (RFC 4106 8.1). Returns 0, or -1 for an algorithm we do not do.
 */
int ike_esp_key_sizes(uint8_t esp, uint16_t keybits, uint16_t auth, size_t *enc_len,
		      size_t *auth_len);

#endif /* _ESPGW_PROPOSAL_H_ */
