// SPDX-License-Identifier: GPL-2.0
/* Phase-1 and phase-2 proposal selection; see proposal.h. */
#include <string.h>

#include "algs.h"
#include "crypto.h"
#include "proposal.h"

static bool group_is_legacy(uint16_t group)
{
	const struct ike_alg_group *g = ike_alg_group_by_id(group);

	return g && g->legacy;
}

bool ike_p1_policy_is_legacy(const struct ike_p1_policy *p)
{
	const struct ike_alg_enc *e = ike_alg_enc_by_id(p->enc, p->keybits);
	const struct ike_alg_hash *h = ike_alg_hash_by_id(p->hash);

	return (e && e->legacy) || (h && h->legacy) || group_is_legacy(p->group);
}

/* A policy we can actually run: known algorithms, an authentication we do. */
static bool p1_policy_usable(const struct ike_p1_policy *p, bool legacy)
{
	if (!legacy && ike_p1_policy_is_legacy(p))
		return false;
	if (p->auth != IKE_AUTH_PSK && p->auth != IKE_AUTH_XAUTH_INIT_PSK)
		return false;
	return ike_cipher_keylen(p->enc, p->keybits) > 0 && ike_hash_len(p->hash) &&
	       ike_dh_len(p->group);
}

/*
 * The key length attribute: required for AES (RFC 3602 5.3), and for the
 * fixed-size ciphers either absent or equal to their size.
 */
static bool keylen_matches(bool variable, uint16_t offered, uint16_t want, int fixed_bytes)
{
	if (variable)
		return offered && offered == want;
	return !offered || offered == fixed_bytes * 8;
}

static bool p1_matches(const struct ike_p1_policy *p, const struct ike_p1_attrs *a)
{
	if (a->unknown || a->custom_group || a->prf)
		return false;
	if (a->group_type && a->group_type != IKE_GROUP_TYPE_MODP)
		return false;
	if (a->enc != p->enc || a->hash != p->hash || a->auth != p->auth || a->group != p->group)
		return false;
	return keylen_matches(p->enc == IKE_ENC_AES_CBC, a->keylen, p->keybits,
			      ike_cipher_keylen(p->enc, p->keybits));
}

int ike_p1_select(const struct ike_p1_policy *pol, size_t npol, bool legacy,
		  const struct isakmp_sa *sa, struct ike_p1_choice *c)
{
	size_t i;
	unsigned int j, k;

	if (!pol || !sa || !c)
		return IKE_SEL_INVAL;
	memset(c, 0, sizeof(*c));
	for (i = 0; i < npol; i++) {
		const struct ike_p1_policy *p = &pol[i];

		if (!p1_policy_usable(p, legacy))
			continue;
		for (j = 0; j < sa->nprop; j++) {
			const struct isakmp_proposal *pr = &sa->p[j];

			if (pr->proto != ISAKMP_PROTO_ISAKMP)
				continue;
			for (k = pr->first; k < pr->first + pr->ntrans; k++) {
				const struct isakmp_transform *t = &sa->t[k];
				struct ike_p1_attrs a;

				if (t->id != ISAKMP_KEY_IKE || isakmp_p1_attrs(t, &a) ||
				    !p1_matches(p, &a))
					continue;
				c->policy = p;
				c->prop = j;
				c->trans = k;
				c->attrs = a;
				/*
				 * Interop R1: accept any lifetime, keep the
				 * shorter one, and tell the peer ours when it
				 * asked for more or for nothing in particular.
				 */
				if (a.life_sec && a.life_sec <= p->lifetime) {
					c->lifetime = a.life_sec;
				} else {
					c->lifetime = p->lifetime;
					c->notify_lifetime = true;
				}
				return IKE_SEL_OK;
			}
		}
	}
	return IKE_SEL_NO_PROPOSAL;
}

bool ike_p2_transform_is_legacy(const struct ike_p2_transform *t)
{
	const struct ike_alg_esp *e = ike_alg_esp_by_id(t->esp, t->keybits);
	const struct ike_alg_esp_auth *a = ike_alg_esp_auth_by_id(t->auth);

	return (e && e->legacy) || (a && a->legacy);
}

/*
 * RFC 2407 4.5 leaves an absent encapsulation mode host-dependent; we only
 * do tunnel mode, so absent means tunnel. Under NAT-T only the UDP tunnel
 * modes (RFC 3947 and draft numbers) fit.
 */
static bool encap_matches(uint16_t encap, bool natt)
{
	if (natt)
		return encap == IPSEC_ENCAP_UDP_TUNNEL || encap == IPSEC_ENCAP_UDP_TUNNEL_DRAFT;
	return encap == 0 || encap == IPSEC_ENCAP_TUNNEL;
}

/* PFS: the transform's group must agree with the presence and size of KE. */
static bool pfs_matches(const struct ike_p2_policy *pol, uint16_t group, size_t ke_len)
{
	if (!ke_len)
		return !group && !pol->pfs_group;
	if (!group || !ike_dh_len(group) || ike_dh_len(group) != ke_len)
		return false;
	if (group_is_legacy(group) && !pol->legacy)
		return false;
	return !pol->pfs_group || group == pol->pfs_group;
}

static bool p2_matches(const struct ike_p2_policy *pol, const struct ike_p2_transform *ts,
		       const struct isakmp_transform *t, const struct ipsec_attrs *a,
		       size_t ke_len)
{
	const struct ike_alg_esp *e;

	if (a->unknown || a->key_rounds)
		return false;
	if (t->id != ts->esp || a->auth != ts->auth)
		return false;
	e = ike_alg_esp_by_id(ts->esp, ts->keybits);
	if (!e || !keylen_matches(e->keybits != 0, a->keylen, ts->keybits,
				  e->keybits ? 0 : e->key_len))
		return false;
	return encap_matches(a->encap, pol->natt) && pfs_matches(pol, a->group, ke_len);
}

/* Lifetimes (RFC 2407 4.5): keep the shorter, flag what the peer must learn. */
static void p2_lifetimes(const struct ike_p2_policy *pol, const struct ipsec_attrs *a,
			 struct ike_p2_choice *c)
{
	uint64_t sec = a->life_sec ? a->life_sec : IKE_P2_DEFAULT_LIFE_SEC;

	if (pol->life_sec && pol->life_sec < sec) {
		c->life_sec = pol->life_sec;
		c->notify_sec = true;
	} else {
		c->life_sec = sec;
	}
	/* no kilobyte attribute means no volume limit on the peer's side */
	if (pol->life_kb && (!a->life_kb || pol->life_kb < a->life_kb)) {
		c->life_kb = pol->life_kb;
		c->notify_kb = true;
	} else {
		c->life_kb = a->life_kb;
	}
}

/*
 * A proposal number names a set of protocols offered together (RFC 2408
 * 4.2). We do ESP alone: a number that also carries AH or IPComp is out.
 */
static bool esp_only(const struct isakmp_sa *sa, unsigned int j)
{
	unsigned int i;

	for (i = 0; i < sa->nprop; i++)
		if (sa->p[i].num == sa->p[j].num && sa->p[i].proto != ISAKMP_PROTO_ESP)
			return false;
	return sa->p[j].proto == ISAKMP_PROTO_ESP;
}

int ike_p2_select(const struct ike_p2_policy *pol, const struct isakmp_sa *sa, size_t ke_len,
		  struct ike_p2_choice *c)
{
	size_t i;
	unsigned int j, k;

	if (!pol || !sa || !c || (pol->nts && !pol->ts))
		return IKE_SEL_INVAL;
	memset(c, 0, sizeof(*c));
	for (i = 0; i < pol->nts; i++) {
		const struct ike_p2_transform *ts = &pol->ts[i];

		if (!pol->legacy && ike_p2_transform_is_legacy(ts))
			continue;
		for (j = 0; j < sa->nprop; j++) {
			const struct isakmp_proposal *pr = &sa->p[j];
			uint32_t spi;

			if (!esp_only(sa, j) || pr->spi_size != 4)
				continue;
			/* RFC 4303 2.1: SPIs 0-255 are reserved */
			spi = get_be32(pr->spi);
			if (spi < 256)
				continue;
			for (k = pr->first; k < pr->first + pr->ntrans; k++) {
				const struct isakmp_transform *t = &sa->t[k];
				struct ipsec_attrs a;

				if (isakmp_ipsec_attrs(t, &a) ||
				    !p2_matches(pol, ts, t, &a, ke_len))
					continue;
				c->ts = ts;
				c->prop = j;
				c->trans = k;
				c->attrs = a;
				c->peer_spi = spi;
				p2_lifetimes(pol, &a, c);
				return IKE_SEL_OK;
			}
		}
	}
	return IKE_SEL_NO_PROPOSAL;
}

int ike_esp_key_sizes(uint8_t esp, uint16_t keybits, uint16_t auth, size_t *enc_len,
		      size_t *auth_len)
{
	const struct ike_alg_esp *e = ike_alg_esp_by_id(esp, keybits);
	const struct ike_alg_esp_auth *a = ike_alg_esp_auth_by_id(auth);

	/* combined-mode ciphers authenticate themselves: no auth algorithm */
	if (!e || (e->aead ? auth != IPSEC_AUTH_NONE : !a))
		return -1;
	*enc_len = e->key_len;
	*auth_len = a ? a->key_len : 0;
	return 0;
}
