// SPDX-License-Identifier: GPL-2.0
/*
 * Main Mode with pre-shared keys (RFC 2409 5, 5.4), the responder's side.
 *
 * Holding against a flood: an MM1 costs one small half-open entry (struct
 * ike_half) and proves nothing, since its source may be spoofed. Each
 * address may hold IKE_HALF_OPEN_PER_PEER of them (more are dropped before
 * any work), and when the table is full the oldest entry makes room, so a
 * flood from one address locks out only itself and a spoofed flood only
 * shortens how long an unanswered MM2 waits. IKEv1 leaves no room for
 * stateless cookies: HASH_I and HASH_R cover the initiator's whole SA
 * payload of MM1, so it must be kept until MM5. MM3 echoes our cookie,
 * showing the peer receives at its address: only then is the Diffie-Hellman
 * work done and an ISAKMP SA made, within the caps per address and in all.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "algs.h"
#include "ike_priv.h"
#include "log.h"
#include "proposal.h"

void mm_done(struct ike_sa *sa)
{
	if (!sa->mm)
		return;
	free(sa->mm->sai_b);
	OPENSSL_cleanse(sa->mm, sizeof(*sa->mm));
	free(sa->mm);
	sa->mm = NULL;
}

/* Send a reply and keep it, with the digest of the request it answers. */
static void mm_reply(struct ike_engine *e, struct ike_sa *sa, const uint8_t *rawd,
		     const uint8_t *buf, size_t len)
{
	uint8_t *r = realloc(sa->reply, len);

	if (r) {	/* without it a retransmitted request goes unanswered, no worse */
		memcpy(r, buf, len);
		sa->reply = r;
		sa->reply_len = len;
		memcpy(sa->in_digest, rawd, DIGEST_LEN);
	}
	xmit(e, sa, buf, len);
}

struct peer_acct *peer_find(struct ike_engine *e, uint32_t addr)
{
	uint64_t h = htab_hash(&e->peers, &addr, sizeof(addr));
	struct hnode *n;

	for (n = htab_first(&e->peers, h); n; n = htab_next(n, h))
		if (container_of(n, struct peer_acct, hn)->addr == addr)
			return container_of(n, struct peer_acct, hn);
	return NULL;
}

void mm1(struct ike_engine *e, const struct isakmp_msg *m, const uint8_t *rawd,
	 const struct sockaddr_in *local, const struct sockaddr_in *peer)
{
	const struct ike_p1_policy *pol;
	const struct isakmp_payload *pl;
	const struct conf_psk *psk;
	struct isakmp_hdr hdr = m->hdr;
	struct peer_acct *acct;
	struct ike_p1_choice c;
	char a[INET_ADDRSTRLEN];
	struct isakmp_enc enc;
	struct isakmp_sa isa;
	uint8_t buf[MSG_MAX];
	const uint8_t *vid;
	struct ike_half *h;
	unsigned int i = 0;
	uint8_t natt;
	size_t vlen;
	int len;

	acct = peer_find(e, peer->sin_addr.s_addr);
	if (acct && acct->halves >= e->lim.half_open_per_peer) {
		e->st.mm1_peer_quota++;
		log_ratelimited("MM1 from %s dropped: it has %u half-open exchanges",
				sin_str(peer, a), acct->halves);
		return;
	}
	pl = isakmp_find(m, ISAKMP_NP_SA, &i);
	if (!pl || m->hdr.msgid || isakmp_decode_sa(pl, &isa)) {
		e->st.malformed++;
		log_ratelimited("MM1 from %s: no usable SA payload", sin_str(peer, a));
		notify_plain(e, local, peer, &m->hdr, ISAKMP_N_PAYLOAD_MALFORMED);
		return;
	}
	/* with XAUTH the policies ask for XAUTHInitPreShared, but of a no-xauth key's peers */
	psk = conf_psk_lookup(e->conf, ntohl(peer->sin_addr.s_addr));
	pol = psk && psk->no_xauth ? e->conf->policies : e->p1pol;
	if (ike_p1_select(pol, e->conf->npolicies, e->conf->legacy, &isa, &c)) {
		log_ratelimited("phase 1 with %s: no proposal matches an isakmp policy",
				sin_str(peer, a));
		notify_plain(e, local, peer, &m->hdr, ISAKMP_N_NO_PROPOSAL_CHOSEN);
		return;
	}
	acct = half_room(e, peer->sin_addr.s_addr);
	if (!acct)
		return;

	/* MM2: our cookie, the one transform chosen, DPD */
	RAND_bytes(hdr.rcookie, ISAKMP_COOKIE_LEN);
	hdr.flags = 0;
	isakmp_enc_init(&enc, buf, sizeof(buf), &hdr);
	isakmp_put_sa_reply(&enc, &isa, &isa.p[c.prop], &isa.t[c.trans], NULL, 0);
	vid = isakmp_vid_bytes(ISAKMP_VID_DPD, &vlen);
	if (vid)
		isakmp_put_data(&enc, ISAKMP_NP_VID, vid, vlen);
	vid = e->conf->xauth ? isakmp_vid_bytes(ISAKMP_VID_XAUTH, &vlen) : NULL;
	if (vid)		/* we do XAUTH (racoon and Cisco clients look for it) */
		isakmp_put_data(&enc, ISAKMP_NP_VID, vid, vlen);
	natt = natt_choose(e, m);
	natt_put_vid(&enc, natt);
	len = isakmp_enc_finish(&enc);
	h = len > 0 ? calloc(1, sizeof(*h) + pl->len + (size_t)len) : NULL;
	if (!h) {
		peer_put(e, acct);
		return;
	}
	memcpy(h->ci, m->hdr.icookie, ISAKMP_COOKIE_LEN);
	memcpy(h->cr, hdr.rcookie, ISAKMP_COOKIE_LEN);
	h->local = *local;
	h->peer = *peer;
	h->created = e->now;
	h->attrs = c.attrs;
	h->lifetime = c.lifetime;
	h->acct = acct;
	h->natt = natt;
	h->no_xauth = psk && psk->no_xauth;
	for (i = 0; (pl = isakmp_find(m, ISAKMP_NP_VID, &i));)
		if (isakmp_vid_classify(pl->body, pl->len) == ISAKMP_VID_DPD)
			h->dpd_peer = true;
	i = 0;
	pl = isakmp_find(m, ISAKMP_NP_SA, &i);
	memcpy(h->data, pl->body, pl->len);
	h->sai_len = pl->len;
	memcpy(h->data + h->sai_len, buf, (size_t)len);
	h->reply_len = (uint16_t)len;
	memcpy(h->in_digest, rawd, DIGEST_LEN);
	half_add(e, h);
	e->st.mm1++;
	log_debug(LOG_CAT_ISAKMP, "MM1 from %s: policy %u accepted (%s %s group %u, lifetime %u)",
		  sin_str(peer, a), e->conf->policy_prio[c.policy - pol],
		  ike_alg_enc_show(c.attrs.enc, c.attrs.keylen), ike_alg_hash_show(c.attrs.hash),
		  c.attrs.group, c.lifetime);
	e->send(e->send_arg, local, peer, buf, (size_t)len);
}

/* May the half-open exchange h become an ISAKMP SA? Counted and logged when not. */
static bool admit(struct ike_engine *e, const struct ike_half *h)
{
	char a[INET_ADDRSTRLEN];

	if (e->key_exch >= e->lim.key_exch) {
		e->st.mm3_refused++;
		log_ratelimited("MM3 from %s dropped: %u key exchanges in progress",
				sin_str(&h->peer, a), e->key_exch);
		return false;
	}
	if (h->acct->sas >= e->lim.sa_per_peer) {
		e->st.sa_peer_limit++;
		log_ratelimited("MM3 from %s dropped: it has %u ISAKMP SAs (espgw limit "
				"sa-per-peer %u)", sin_str(&h->peer, a), h->acct->sas,
				e->lim.sa_per_peer);
		return false;
	}
	if (e->nsas + e->key_exch >= e->lim.sa) {
		e->st.sa_limit++;
		log_ratelimited("MM3 from %s dropped: %u ISAKMP SAs (espgw limit sa %u)",
				sin_str(&h->peer, a), e->nsas + e->key_exch, e->lim.sa);
		return false;
	}
	return true;
}

void mm3(struct ike_engine *e, struct ike_half *h, const struct isakmp_msg *m,
	 const uint8_t *rawd)
{
	const struct isakmp_payload *pke, *pni;
	const struct conf_psk *psk;
	uint8_t gxy[IKE_MAX_DH], buf[MSG_MAX];
	struct isakmp_enc enc;
	struct isakmp_hdr hdr = m->hdr;
	char a[INET_ADDRSTRLEN];
	const uint8_t *ke, *ni;
	uint16_t kelen, nilen;
	struct ike_sa *sa;
	struct ike_dh *dh;
	unsigned int i = 0, j = 0;
	struct mm *mm;
	size_t glen;
	int len;

	pke = isakmp_find(m, ISAKMP_NP_KE, &i);
	pni = isakmp_find(m, ISAKMP_NP_NONCE, &j);
	glen = ike_dh_len(h->attrs.group);
	if (!pke || !pni || isakmp_decode_data(pke, ISAKMP_NP_KE, &ke, &kelen) ||
	    isakmp_decode_nonce(pni, &ni, &nilen) || kelen != glen) {
		e->st.malformed++;
		log_ratelimited("MM3 from %s: bad KE or nonce", sin_str(&h->peer, a));
		return;		/* the genuine MM3 may still come */
	}
	psk = conf_psk_lookup(e->conf, ntohl(h->peer.sin_addr.s_addr));
	if (!psk) {
		log_ratelimited("phase 1 with %s: no pre-shared key for this address",
				sin_str(&h->peer, a));
		notify_plain(e, &h->local, &h->peer, &m->hdr, ISAKMP_N_AUTHENTICATION_FAILED);
		half_free(e, h);
		return;
	}
	if (!admit(e, h))
		return;
	sa = sa_from_half(e, h);
	if (!sa)
		return;
	mm = sa->mm;
	mm->glen = glen;
	memcpy(mm->gxi, ke, kelen);
	memcpy(mm->ni, ni, nilen);
	mm->ni_len = nilen;
	RAND_bytes(mm->nr, NONCE_LEN);

	dh = ike_dh_new(sa->attrs.group);
	if (!dh || ike_dh_public(dh, mm->gxr, mm->glen) ||
	    ike_dh_shared(dh, mm->gxi, mm->glen, gxy) ||
	    ike_p1_keys_psk(&sa->keys, sa->attrs.hash, sa->attrs.enc, sa->attrs.keylen,
			    IKE_CHUNK(psk->key, psk->keylen), IKE_CHUNK(mm->ni, mm->ni_len),
			    IKE_CHUNK(mm->nr, NONCE_LEN), IKE_CHUNK(gxy, mm->glen), sa->ci, sa->cr) ||
	    ike_p1_iv(&sa->keys, IKE_CHUNK(mm->gxi, mm->glen), IKE_CHUNK(mm->gxr, mm->glen),
		      sa->iv)) {
		ike_dh_free(dh);
		OPENSSL_cleanse(gxy, sizeof(gxy));
		log_ratelimited("ISAKMP (%u): key exchange with %s failed", sa->conn_id,
				sin_str(&sa->peer, a));
		notify_plain(e, &sa->local, &sa->peer, &m->hdr, ISAKMP_N_INVALID_KEY_INFORMATION);
		ike_sa_delete(e, sa, false);
		return;
	}
	ike_dh_free(dh);
	OPENSSL_cleanse(gxy, sizeof(gxy));
	log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): MM3 from %s: SKEYID state generated",
		  sa->conn_id, sin_str(&sa->peer, a));

	natt_mm3(e, sa, m);
	hdr.flags = 0;
	isakmp_enc_init(&enc, buf, sizeof(buf), &hdr);
	isakmp_put_data(&enc, ISAKMP_NP_KE, mm->gxr, mm->glen);
	isakmp_put_data(&enc, ISAKMP_NP_NONCE, mm->nr, NONCE_LEN);
	natt_put_natd(e, sa, &enc);
	len = isakmp_enc_finish(&enc);
	if (len > 0)
		mm_reply(e, sa, rawd, buf, (size_t)len);
}

static bool same_identity(const struct ike_sa *a, const struct ike_sa *b)
{
	return a->id_acct == b->id_acct && a->peer.sin_addr.s_addr == b->peer.sin_addr.s_addr &&
	       a->peer.sin_port == b->peer.sin_port;
}

void initial_contact(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_sa *o, *next;

	for (o = sa->id_acct ? sa->id_acct->first : NULL; o; o = next) {
		next = o->id_next;
		if (o != sa && o->state == SA_ESTABLISHED && same_identity(o, sa)) {
			log_msg(LOG_INFO, "INITIAL-CONTACT: replacing ISAKMP SA %u", o->conn_id);
			ike_sa_delete(e, o, false);
		}
	}
}

/* MM5 decrypts and HASH_I verifies: what it says, or -1 (nothing changed). */
static int mm5_open(struct ike_sa *sa, struct isakmp_msg *m, uint8_t *plain, size_t cap,
		    uint8_t *iv, struct isakmp_id *id, struct ike_auth_in *ain)
{
	const struct isakmp_payload *pid, *phash;
	uint8_t hash[IKE_MAX_HASH];
	const uint8_t *hd;
	unsigned int i = 0, j = 0;
	uint16_t hl;

	memcpy(iv, sa->iv, IKE_MAX_BLOCK);
	if (ike_msg_decrypt(&sa->keys, iv, m, plain, cap))
		return -1;
	pid = isakmp_find(m, ISAKMP_NP_ID, &i);
	phash = isakmp_find(m, ISAKMP_NP_HASH, &j);
	if (!pid || !phash || isakmp_decode_id(pid, id) ||
	    isakmp_decode_data(phash, ISAKMP_NP_HASH, &hd, &hl) || hl != sa->keys.prf_len)
		return -1;
	*ain = (struct ike_auth_in){
		.gxi = IKE_CHUNK(sa->mm->gxi, sa->mm->glen),
		.gxr = IKE_CHUNK(sa->mm->gxr, sa->mm->glen),
		.ckyi = sa->ci, .ckyr = sa->cr,
		.sai_b = IKE_CHUNK(sa->mm->sai_b, sa->mm->sai_len),
		.id_b = IKE_CHUNK(id->body, id->body_len),
	};
	if (ike_hash_i(&sa->keys, ain, hash) || CRYPTO_memcmp(hash, hd, hl))
		return -1;
	return 0;
}

void mm5(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m, const uint8_t *rawd)
{
	uint8_t plain[MSG_MAX], buf[MSG_MAX], hash[IKE_MAX_HASH], idb[8], iv[IKE_MAX_BLOCK];
	const struct isakmp_payload *pn;
	struct ike_auth_in ain;
	struct isakmp_notify_pl n;
	struct isakmp_enc enc;
	struct isakmp_hdr hdr = m->hdr;
	char a[INET_ADDRSTRLEN];
	struct isakmp_id id;
	unsigned int i;
	int len;

	if (mm5_open(sa, m, plain, sizeof(plain), iv, &id, &ain)) {
		/* dropped, the SA kept: the genuine MM5 may still come (or time out) */
		e->st.auth_failed++;
		log_ratelimited("phase 1 with %s failed: MM5 did not authenticate (wrong "
				"pre-shared key?)", sin_str(&sa->peer, a));
		notify_plain(e, &sa->local, &sa->peer, &m->hdr, ISAKMP_N_INVALID_HASH_INFORMATION);
		return;
	}
	memcpy(sa->iv, iv, sizeof(sa->iv));	/* authenticated: the chain moves on */
	natt_follow(e, sa);			/* floated to 4500 */
	sa->id_type = id.type;
	sa->id_len = id.len < sizeof(sa->id_data) ? id.len : sizeof(sa->id_data);
	memcpy(sa->id_data, id.data, sa->id_len);
	for (i = 0; (pn = isakmp_find(m, ISAKMP_NP_N, &i));)
		if (!isakmp_decode_notify(pn, &n) && n.type == ISAKMP_N_INITIAL_CONTACT)
			sa->initial_contact = true;

	/* IDir: our address, echoing the initiator's protocol and port */
	idb[0] = ISAKMP_ID_IPV4_ADDR;
	idb[1] = id.proto;
	idb[2] = id.port >> 8;
	idb[3] = id.port & 0xff;
	memcpy(idb + 4, &sa->local.sin_addr.s_addr, 4);
	ain.id_b = IKE_CHUNK(idb, sizeof(idb));
	if (ike_hash_r(&sa->keys, &ain, hash))
		return;
	hdr.flags = 0;
	isakmp_enc_init(&enc, buf, sizeof(buf), &hdr);
	isakmp_put_id(&enc, ISAKMP_ID_IPV4_ADDR, id.proto, id.port, idb + 4, 4);
	isakmp_put_data(&enc, ISAKMP_NP_HASH, hash, sa->keys.prf_len);
	len = isakmp_enc_finish(&enc);
	if (len > 0)
		len = ike_msg_encrypt(&sa->keys, sa->iv, buf, (size_t)len, sizeof(buf));
	if (len <= 0)
		return;
	memcpy(sa->p1_last, sa->iv, sizeof(sa->p1_last));
	mm_done(sa);
	sa->expires = e->now + sa->lifetime;
	sa_heard(e, sa);
	mm_reply(e, sa, rawd, buf, (size_t)len);
	if (sa_established(e, sa, id.data, id.len)) {
		log_msg(LOG_WARNING, "ISAKMP (%u): %s refused: its identity has %u ISAKMP SAs "
			"(espgw limit sa-per-identity %u)", sa->conn_id, sin_str(&sa->peer, a),
			sa->id_acct ? sa->id_acct->sas - 1 : 0, e->lim.sa_per_id);
		ike_sa_delete(e, sa, true);
		return;
	}
	log_msg(LOG_INFO, "ISAKMP SA %u established with %s (%s %s group %u, %u s)",
		sa->conn_id, sin_str(&sa->peer, a), ike_alg_enc_show(sa->attrs.enc,
								      sa->attrs.keylen),
		ike_alg_hash_show(sa->attrs.hash), sa->attrs.group, sa->lifetime);
	sa->grp = conf_group_for(e->conf, sa->id_type, id.data, id.len);
	if (sa->grp)
		log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): client configuration group %s",
			  sa->conn_id, sa->grp->name);
	if (sa->initial_contact)
		initial_contact(e, sa);
	xauth_or_modecfg(e, sa);
}
