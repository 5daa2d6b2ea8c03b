// SPDX-License-Identifier: GPL-2.0
/* Phase-1 and phase-2 proposal selection; see proposal.h. */
#include <string.h>

#include "crypto.h"
#include "proposal.h"

static bool group_is_legacy(uint16_t group)
{
	return group == IKE_GROUP_MODP768;
}

bool ike_p1_policy_is_legacy(const struct ike_p1_policy *p)
{
	return p->enc == IKE_ENC_DES || p->hash == IKE_HASH_MD5 || group_is_legacy(p->group);
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
	return t->esp == ESP_DES || t->auth == IPSEC_AUTH_HMAC_MD5;
}

static bool esp_is_aes(uint8_t id)
{
	return id == ESP_AES_CBC || id == ESP_AES_GCM_8 || id == ESP_AES_GCM_12 ||
	       id == ESP_AES_GCM_16;
}

static int esp_fixed_bytes(uint8_t id)
{
	switch (id) {
	case ESP_DES:	return 8;
	case ESP_3DES:	return 24;
	}
	return 0;
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
	if (a->unknown || a->key_rounds)
		return false;
	if (t->id != ts->esp || a->auth != ts->auth)
		return false;
	if (!keylen_matches(esp_is_aes(ts->esp), a->keylen, ts->keybits,
			    esp_fixed_bytes(ts->esp)))
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
	bool aead = false;

	switch (esp) {
	case ESP_DES:
	case ESP_3DES:
		if (keybits && keybits != esp_fixed_bytes(esp) * 8)
			return -1;
		*enc_len = esp_fixed_bytes(esp);
		break;
	case ESP_AES_CBC:
	case ESP_AES_GCM_8:
	case ESP_AES_GCM_12:
	case ESP_AES_GCM_16:
		if (keybits != 128 && keybits != 192 && keybits != 256)
			return -1;
		aead = esp != ESP_AES_CBC;
		*enc_len = keybits / 8 + (aead ? 4 : 0);
		break;
	default:
		return -1;
	}
	/* combined-mode ciphers authenticate themselves: no auth algorithm */
	if (aead != (auth == IPSEC_AUTH_NONE))
		return -1;
	switch (auth) {
	case IPSEC_AUTH_NONE:		*auth_len = 0; break;
	case IPSEC_AUTH_HMAC_MD5:	*auth_len = 16; break;
	case IPSEC_AUTH_HMAC_SHA1:	*auth_len = 20; break;
	case IPSEC_AUTH_HMAC_SHA2_256:	*auth_len = 32; break;
	case IPSEC_AUTH_HMAC_SHA2_384:	*auth_len = 48; break;
	case IPSEC_AUTH_HMAC_SHA2_512:	*auth_len = 64; break;
	default:
		return -1;
	}
	return 0;
}
