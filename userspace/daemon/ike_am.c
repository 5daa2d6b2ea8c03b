// SPDX-License-Identifier: GPL-2.0
/*
 * Aggressive Mode with a group's pre-shared key (RFC 2409 5, 5.4), the
 * responder's side: how vpnc, Shrew, the built-in clients of macOS, iOS and
 * Android and the old Cisco client come in.
 *
 *   AM1  HDR, SA, KE, Ni, IDii [, VID...]         ->
 *                  <-  AM2  HDR, SA, KE, Nr, IDir, HASH_R [, VID...] [, NAT-D, NAT-D]
 *   AM3  HDR[*], HASH_I [, NAT-D, NAT-D] [, N(INITIAL-CONTACT)]  ->  established
 *
 * IDii names the group (ID_KEY_ID, ID_FQDN or ID_USER_FQDN): the 'crypto
 * isakmp client configuration group' of that name whose 'key' is the
 * pre-shared key, and whose pool, DNS, split networks and banner the client
 * then gets. A name that is no such group is answered exactly as a known
 * group is, with a random key of the engine's instead of the group's, and
 * its AM3 fails exactly as one with a wrong key does: nothing the client
 * sees tells which.
 *
 * Holding against a flood: an AM1 costs a Diffie-Hellman key pair before
 * anything shows that its source receives at its address. It takes a place
 * in the half-open FIFO and the per-address quota, as an MM1 does, and
 * counts as a key exchange (espgw limit key-exchanges) and against the cap
 * of Aggressive Mode exchanges (espgw limit aggressive-mode), which keeps
 * them from taking all the key exchanges Main Mode needs; beyond a cap an
 * AM1 is dropped before any work. AM2 needs no g^xy (HASH_R is keyed with
 * SKEYID only); AM3 echoes our cookie, and only then is g^xy computed.
 *
 * Nothing changes before HASH_I verifies: an AM3 that does not is dropped,
 * the client told, and the genuine one may still come. Aggressive Mode with
 * a pre-shared key lets an eavesdropper test guesses of the key offline
 * against HASH_R: the documentation says so and recommends XAUTH with it.
 */

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "algs.h"
#include "ike_priv.h"
#include "log.h"
#include "proposal.h"

void am_free(struct ike_engine *e, struct ike_half *h)
{
	struct am *a = h->am;

	if (!a)
		return;
	ike_dh_free(a->dh);
	ike_p1_keys_clear(&a->keys);
	OPENSSL_cleanse(a, sizeof(*a));
	free(a);
	h->am = NULL;
	e->key_exch--;
	e->nam--;
}

/* What AM1 must carry: its payloads decoded, NULL pieces when not there. */
struct am1_in {
	struct isakmp_sa isa;
	const struct isakmp_payload *sa;
	const uint8_t *ke, *ni;
	uint16_t kelen, nilen;
	struct isakmp_id id;
};

static int am1_decode(const struct isakmp_msg *m, struct am1_in *in)
{
	const struct isakmp_payload *pke, *pni, *pid;
	unsigned int i = 0, j = 0, k = 0, l = 0;

	in->sa = isakmp_find(m, ISAKMP_NP_SA, &i);
	pke = isakmp_find(m, ISAKMP_NP_KE, &j);
	pni = isakmp_find(m, ISAKMP_NP_NONCE, &k);
	pid = isakmp_find(m, ISAKMP_NP_ID, &l);
	if (!in->sa || !pke || !pni || !pid || m->hdr.msgid || isakmp_decode_sa(in->sa, &in->isa) ||
	    isakmp_decode_data(pke, ISAKMP_NP_KE, &in->ke, &in->kelen) ||
	    isakmp_decode_nonce(pni, &in->ni, &in->nilen) || isakmp_decode_id(pid, &in->id) ||
	    in->id.body_len > sizeof(((struct am *)0)->idi_b) || in->sa->len > 2048)
		return -1;
	return 0;
}

/* May an AM1 from peer take a key exchange? Counted and logged when not. */
static bool am_admit(struct ike_engine *e, const struct sockaddr_in *peer)
{
	const struct peer_acct *acct = peer_find(e, peer->sin_addr.s_addr);
	char a[INET_ADDRSTRLEN];

	if (acct && acct->halves >= e->lim.half_open_per_peer) {
		e->st.mm1_peer_quota++;
		log_ratelimited("AM1 from %s dropped: it has %u half-open exchanges",
				sin_str(peer, a), acct->halves);
		return false;
	}
	if (e->key_exch >= e->lim.key_exch || e->nam >= e->lim.aggressive) {
		e->st.am1_refused++;
		log_ratelimited("AM1 from %s dropped: %u key exchanges, %u of them Aggressive Mode, "
				"in progress", sin_str(peer, a), e->key_exch, e->nam);
		return false;
	}
	return true;
}

/* AM2 into buf: SA, KE, Nr, IDir, HASH_R, VIDs, NAT-D. Its length, or <= 0. */
static int am2_build(struct ike_engine *e, struct ike_half *h, const struct am1_in *in,
		     const struct ike_p1_choice *c, const struct isakmp_hdr *hdr, uint8_t *buf,
		     size_t cap)
{
	struct am *a = h->am;
	uint8_t idr[8], hash[IKE_MAX_HASH];
	struct ike_auth_in ain = {
		.gxi = IKE_CHUNK(a->gxi, a->glen), .gxr = IKE_CHUNK(a->gxr, a->glen),
		.ckyi = h->ci, .ckyr = h->cr, .sai_b = IKE_CHUNK(h->data, h->sai_len),
		.id_b = IKE_CHUNK(idr, sizeof(idr)),
	};
	struct isakmp_enc enc;
	const uint8_t *vid;
	size_t vlen;

	/* IDir: our address, echoing the initiator's protocol and port */
	idr[0] = ISAKMP_ID_IPV4_ADDR;
	idr[1] = in->id.proto;
	idr[2] = in->id.port >> 8;
	idr[3] = in->id.port & 0xff;
	memcpy(idr + 4, &h->local.sin_addr.s_addr, 4);
	if (ike_hash_r(&a->keys, &ain, hash))
		return -1;
	isakmp_enc_init(&enc, buf, cap, hdr);
	isakmp_put_sa_reply(&enc, &in->isa, &in->isa.p[c->prop], &in->isa.t[c->trans], NULL, 0);
	isakmp_put_data(&enc, ISAKMP_NP_KE, a->gxr, a->glen);
	isakmp_put_data(&enc, ISAKMP_NP_NONCE, a->nr, NONCE_LEN);
	isakmp_put_id(&enc, ISAKMP_ID_IPV4_ADDR, in->id.proto, in->id.port, idr + 4, 4);
	isakmp_put_data(&enc, ISAKMP_NP_HASH, hash, a->keys.prf_len);
	vid = isakmp_vid_bytes(ISAKMP_VID_DPD, &vlen);
	if (vid)
		isakmp_put_data(&enc, ISAKMP_NP_VID, vid, vlen);
	vid = e->conf->xauth ? isakmp_vid_bytes(ISAKMP_VID_XAUTH, &vlen) : NULL;
	if (vid)		/* we do XAUTH (racoon and Cisco clients look for it) */
		isakmp_put_data(&enc, ISAKMP_NP_VID, vid, vlen);
	natt_put_vid(&enc, h->natt);
	natt_put_natd_for(e, h->natt, c->attrs.hash, h->ci, h->cr, &h->local, &h->peer, &enc);
	return isakmp_enc_finish(&enc);
}

/* The working state of an AM1: our key pair and nonce, SKEYID from the group's key. */
static struct am *am_new(struct ike_engine *e, const struct am1_in *in,
			 const struct ike_p1_choice *c)
{
	const struct conf_group *g;
	struct ike_chunk psk;
	struct am *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	g = conf_group_keyed(e->conf, in->id.type, in->id.data, in->id.len);
	a->grp = g;
	psk = g ? IKE_CHUNK(g->key, g->keylen) : IKE_CHUNK(e->am_fake_key, sizeof(e->am_fake_key));
	a->glen = in->kelen;
	memcpy(a->gxi, in->ke, in->kelen);
	memcpy(a->ni, in->ni, in->nilen);
	a->ni_len = in->nilen;
	memcpy(a->idi_b, in->id.body, in->id.body_len);
	a->idi_len = in->id.body_len;
	RAND_bytes(a->nr, NONCE_LEN);
	a->dh = ike_dh_new(c->attrs.group);
	if (!a->dh || ike_dh_public(a->dh, a->gxr, a->glen) ||
	    ike_p1_skeyid_psk(&a->keys, c->attrs.hash, c->attrs.enc, c->attrs.keylen, psk,
			      IKE_CHUNK(a->ni, a->ni_len), IKE_CHUNK(a->nr, NONCE_LEN))) {
		ike_dh_free(a->dh);
		OPENSSL_cleanse(a, sizeof(*a));
		free(a);
		return NULL;
	}
	return a;
}

void am1(struct ike_engine *e, const struct isakmp_msg *m, const uint8_t *rawd,
	 const struct sockaddr_in *local, const struct sockaddr_in *peer)
{
	const struct isakmp_payload *pl;
	struct isakmp_hdr hdr = m->hdr;
	char a[INET_ADDRSTRLEN];
	struct ike_p1_choice c;
	struct peer_acct *acct;
	uint8_t buf[MSG_MAX];
	struct am1_in in;
	struct ike_half *h;
	struct am *am;
	unsigned int i;
	int len;

	if (e->conf->aggressive_off) {
		e->st.am_disabled++;
		log_ratelimited("AM1 from %s dropped: crypto isakmp aggressive-mode disable",
				sin_str(peer, a));
		return;
	}
	if (!am_admit(e, peer))
		return;
	if (am1_decode(m, &in)) {
		e->st.malformed++;
		log_ratelimited("AM1 from %s: no usable SA, KE, nonce and ID", sin_str(peer, a));
		notify_plain(e, local, peer, &m->hdr, ISAKMP_N_PAYLOAD_MALFORMED);
		return;
	}
	/* the client's one DH group: the policy chosen must be of it (its KE's size) */
	if (ike_p1_select(e->p1pol, e->conf->npolicies, e->conf->legacy, &in.isa, &c) ||
	    ike_dh_len(c.attrs.group) != in.kelen) {
		log_ratelimited("phase 1 (Aggressive Mode) with %s: no proposal matches an isakmp "
				"policy", sin_str(peer, a));
		notify_plain(e, local, peer, &m->hdr, ISAKMP_N_NO_PROPOSAL_CHOSEN);
		return;
	}
	acct = half_room(e, peer->sin_addr.s_addr);
	if (!acct)
		return;
	am = am_new(e, &in, &c);
	h = am ? calloc(1, sizeof(*h) + in.sa->len + MSG_MAX) : NULL;
	if (!h) {
		if (am) {
			ike_dh_free(am->dh);
			OPENSSL_cleanse(am, sizeof(*am));
			free(am);
		}
		peer_put(e, acct);
		return;
	}
	RAND_bytes(hdr.rcookie, ISAKMP_COOKIE_LEN);
	hdr.flags = 0;
	memcpy(h->ci, m->hdr.icookie, ISAKMP_COOKIE_LEN);
	memcpy(h->cr, hdr.rcookie, ISAKMP_COOKIE_LEN);
	h->local = *local;
	h->peer = *peer;
	h->created = e->now;
	h->attrs = c.attrs;
	h->lifetime = c.lifetime;
	am->tell_lifetime = c.notify_lifetime;
	h->acct = acct;
	h->natt = natt_choose(e, m);
	h->am = am;
	for (i = 0; (pl = isakmp_find(m, ISAKMP_NP_VID, &i));)
		if (isakmp_vid_classify(pl->body, pl->len) == ISAKMP_VID_DPD)
			h->dpd_peer = true;
	memcpy(h->data, in.sa->body, in.sa->len);
	h->sai_len = in.sa->len;
	memcpy(h->in_digest, rawd, DIGEST_LEN);
	len = am2_build(e, h, &in, &c, &hdr, buf, sizeof(buf));
	e->key_exch++;		/* counted from here on: am_free() takes it back */
	e->nam++;
	if (len <= 0) {
		am_free(e, h);
		free(h);
		peer_put(e, acct);
		return;
	}
	memcpy(h->data + h->sai_len, buf, (size_t)len);
	h->reply_len = (uint16_t)len;
	half_add(e, h);
	e->st.am1++;
	log_debug(LOG_CAT_ISAKMP, "AM1 from %s: policy %u accepted (%s %s group %u, lifetime %u)",
		  sin_str(peer, a), e->conf->policy_prio[c.policy - e->p1pol],
		  ike_alg_enc_show(c.attrs.enc, c.attrs.keylen), ike_alg_hash_show(c.attrs.hash),
		  c.attrs.group, c.lifetime);
	e->send(e->send_arg, local, peer, buf, (size_t)len);
}

/* g^xy, the rest of the keys and the phase-1 IV, once (they depend on nothing AM3 says). */
static int am_derive(struct ike_half *h)
{
	struct am *a = h->am;
	uint8_t gxy[IKE_MAX_DH];
	int ret;

	if (a->derived)
		return 0;
	ret = ike_dh_shared(a->dh, a->gxi, a->glen, gxy) ||
	      ike_p1_keys_derive(&a->keys, IKE_CHUNK(gxy, a->glen), h->ci, h->cr) ||
	      ike_p1_iv(&a->keys, IKE_CHUNK(a->gxi, a->glen), IKE_CHUNK(a->gxr, a->glen), a->iv);
	OPENSSL_cleanse(gxy, sizeof(gxy));
	if (ret)
		return -1;
	a->derived = true;
	return 0;
}

/*
 * AM3 opened (decrypted when it is) and HASH_I verified: 0, with iv at the
 * phase-1 chain after it; -1 and nothing changed otherwise. A group that is
 * not one never verifies, after the same work.
 */
static int am3_open(struct ike_half *h, struct isakmp_msg *m, int ret, uint8_t *plain,
		    size_t cap, uint8_t *iv)
{
	struct am *a = h->am;
	struct ike_auth_in ain = {
		.gxi = IKE_CHUNK(a->gxi, a->glen), .gxr = IKE_CHUNK(a->gxr, a->glen),
		.ckyi = h->ci, .ckyr = h->cr, .sai_b = IKE_CHUNK(h->data, h->sai_len),
		.id_b = IKE_CHUNK(a->idi_b, a->idi_len),
	};
	const struct isakmp_payload *phash;
	uint8_t want[IKE_MAX_HASH];
	const uint8_t *hd;
	unsigned int i = 0;
	uint16_t hl;
	bool ok;

	memcpy(iv, a->iv, IKE_MAX_BLOCK);
	if (ret == ISAKMP_ENCRYPTED && ike_msg_decrypt(&a->keys, iv, m, plain, cap))
		return -1;
	phash = isakmp_find(m, ISAKMP_NP_HASH, &i);
	if (!phash || isakmp_decode_data(phash, ISAKMP_NP_HASH, &hd, &hl) ||
	    hl != a->keys.prf_len || ike_hash_i(&a->keys, &ain, want))
		return -1;
	ok = !CRYPTO_memcmp(want, hd, hl);
	return ok && a->grp ? 0 : -1;
}

/* Phase 1 is done: the ISAKMP SA, from the half h and what AM3 said. */
static void am_established(struct ike_engine *e, struct ike_half *h, struct isakmp_msg *m,
			   const uint8_t *iv)
{
	const struct isakmp_payload *pn;
	struct isakmp_notify_pl n;
	char a[INET_ADDRSTRLEN];
	struct am *am = h->am;
	bool tell_lifetime = am->tell_lifetime;
	struct ike_sa *sa;
	uint8_t idk[64 + 6];
	unsigned int i;
	size_t len;

	/* the half's counts go to the SA: sa_from_half() counts it as a key exchange */
	h->am = NULL;
	e->key_exch--;
	e->nam--;
	sa = sa_from_half(e, h);
	if (!sa) {
		h->am = am;		/* freed with its counts by the timer */
		e->key_exch++;
		e->nam++;
		return;
	}
	mm_done(sa);
	sa->keys = am->keys;
	memcpy(sa->iv, iv, sizeof(sa->iv));
	memcpy(sa->p1_last, iv, sizeof(sa->p1_last));
	sa->grp = am->grp;
	/* IDii: the group's name, already matched byte for byte */
	len = am->idi_len - 4u;
	sa->id_type = am->idi_b[0];
	sa->id_len = (uint16_t)(len < sizeof(sa->id_data) ? len : sizeof(sa->id_data));
	memcpy(sa->id_data, am->idi_b + 4, sa->id_len);
	ike_dh_free(am->dh);
	OPENSSL_cleanse(am, sizeof(*am));
	free(am);
	natt_mm3(e, sa, m);
	natt_follow(e, sa);		/* floated to 4500 */
	for (i = 0; (pn = isakmp_find(m, ISAKMP_NP_N, &i));)
		if (!isakmp_decode_notify(pn, &n) && n.type == ISAKMP_N_INITIAL_CONTACT)
			sa->initial_contact = true;
	sa->expires = e->now + sa->lifetime;
	sa_heard(e, sa);
	/*
	 * Every member of a group names it: the identity counted (and replaced by
	 * INITIAL-CONTACT) is the group's name at the client's outside address and port
	 */
	memcpy(idk, sa->id_data, sa->id_len);
	memcpy(idk + sa->id_len, &sa->peer.sin_addr.s_addr, 4);
	memcpy(idk + sa->id_len + 4, &sa->peer.sin_port, 2);
	if (sa_established(e, sa, idk, sa->id_len + 6u)) {
		log_msg(LOG_WARNING, "ISAKMP (%u): %s refused: its identity has %u ISAKMP SAs "
			"(espgw limit sa-per-identity %u)", sa->conn_id, sin_str(&sa->peer, a),
			sa->id_acct ? sa->id_acct->sas - 1 : 0, e->lim.sa_per_id);
		ike_sa_delete(e, sa, true);
		return;
	}
	log_msg(LOG_INFO, "ISAKMP SA %u established with %s in Aggressive Mode, group %s (%s %s "
		"group %u, %u s)", sa->conn_id, sin_str(&sa->peer, a), sa->grp->name,
		ike_alg_enc_show(sa->attrs.enc, sa->attrs.keylen), ike_alg_hash_show(sa->attrs.hash),
		sa->attrs.group, sa->lifetime);
	if (sa->initial_contact)
		initial_contact(e, sa);
	/*
	 * The lifetime we cut the client's down to, before anything else: vpnc
	 * proposes 2,147,483 s, takes this informational before XAUTH, and with the
	 * group key alone (no XAUTH) waits after AM3 for a packet of ours at all
	 * before it pulls its address
	 */
	if (tell_lifetime)
		notify_p1_lifetime(e, sa);
	xauth_or_modecfg(e, sa);
}

void am3(struct ike_engine *e, struct ike_half *h, struct isakmp_msg *m, int ret)
{
	uint8_t plain[MSG_MAX], iv[IKE_MAX_BLOCK];
	char a[INET_ADDRSTRLEN];

	if (am_derive(h)) {
		log_ratelimited("Aggressive Mode with %s: key exchange failed", sin_str(&h->peer, a));
		notify_plain(e, &e->in_local, &e->in_peer, &m->hdr, ISAKMP_N_INVALID_KEY_INFORMATION);
		half_free(e, h);
		return;
	}
	if (am3_open(h, m, ret, plain, sizeof(plain), iv)) {
		/* dropped, the half kept: the genuine AM3 may still come (or time out) */
		e->st.auth_failed++;
		log_ratelimited("phase 1 (Aggressive Mode) with %s failed: AM3 did not authenticate "
				"(%s)", sin_str(&h->peer, a), h->am->grp ? "wrong group key?" :
				"no client configuration group with a key has the name it gave");
		notify_plain(e, &e->in_local, &e->in_peer, &m->hdr, ISAKMP_N_INVALID_HASH_INFORMATION);
		return;
	}
	if (h->acct->sas >= e->lim.sa_per_peer) {
		e->st.sa_peer_limit++;
		log_ratelimited("AM3 from %s dropped: it has %u ISAKMP SAs (espgw limit sa-per-peer "
				"%u)", sin_str(&h->peer, a), h->acct->sas, e->lim.sa_per_peer);
		half_free(e, h);
		return;
	}
	if (e->nsas + e->key_exch > e->lim.sa) {
		e->st.sa_limit++;
		log_ratelimited("AM3 from %s dropped: %u ISAKMP SAs (espgw limit sa %u)",
				sin_str(&h->peer, a), e->nsas + e->key_exch - 1, e->lim.sa);
		half_free(e, h);
		return;
	}
	am_established(e, h, m, iv);
}
