// SPDX-License-Identifier: GPL-2.0
/*
 * Quick Mode (RFC 2409 5.5), the responder's side: QM1 chooses one ESP
 * transform of our transform sets and the client's proxy IDs (its own
 * address, leased or outside; an inside network we protect), QM2 answers,
 * QM3 installs the SA pair and the policy (ike_child.c).
 *
 * A QM1 is acted on once: its message ID is remembered when its HASH(1)
 * verifies, and a replay is dropped. Its SPIs are reserved from QM1 on, so
 * a concurrent Quick Mode cannot take them, and a peer SPI that already
 * sends toward that peer's address is refused.
 */

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "algs.h"
#include "ike_priv.h"
#include "log.h"
#include "proposal.h"

static int id_net(const struct isakmp_payload *pl, struct isakmp_id *id, struct conf_net *n)
{
	uint32_t first, last, size;

	if (isakmp_decode_id(pl, id) || isakmp_id_ipv4(id, &first, &last))
		return -1;
	size = last - first + 1;
	if (first == 0 && last == 0xffffffff) {
		*n = (struct conf_net){ 0, 0 };
		return 0;
	}
	if (size & (size - 1) || first & (size - 1))
		return -1;	/* a range that is not a prefix */
	n->addr = first;
	n->plen = (uint8_t)(32 - __builtin_ctz(size));
	return 0;
}

void qm_done(struct ike_engine *e, struct ike_sa *sa, struct qm *q)
{
	unsigned int i;

	if (!q)
		return;
	for (i = 0; i < QM_SLOTS; i++)
		if (sa->qm[i] == q)
			sa->qm[i] = NULL;
	if (q->c)
		child_unreserve(e, q->c);
	OPENSSL_cleanse(q, sizeof(*q));
	free(q);
}

static void qm_fail(struct ike_engine *e, struct ike_sa *sa, struct qm *q, uint16_t type,
		    const char *why)
{
	char a[INET_ADDRSTRLEN];

	log_msg(LOG_NOTICE, "phase 2 with %s refused: %s", sin_str(&sa->peer, a), why);
	notify_protected(e, sa, type);
	qm_done(e, sa, q);
}

/* The local side a client asks for must lie within a protected network. */
static bool local_allowed(const struct conf *conf, struct conf_net *want)
{
	size_t i;

	if (want->plen == 0 && conf->dynmap.nnets == 1) {
		*want = conf->dynmap.nets[0];	/* 0.0.0.0/0 narrowed to what we protect */
		return true;
	}
	for (i = 0; i < conf->dynmap.nnets; i++) {
		const struct conf_net *n = &conf->dynmap.nets[i];

		if (want->plen >= n->plen && !((want->addr ^ n->addr) & prefix_mask(n->plen)))
			return true;
	}
	return false;
}

/* The proxy IDs of QM1 into c (RFC 2409 5.5: none means the two peers themselves). */
static const char *qm1_ids(struct ike_engine *e, struct ike_sa *sa,
			   const struct isakmp_payload *pidi, const struct isakmp_payload *pidr,
			   struct isakmp_id *idi, struct isakmp_id *idr, struct conf_net *local,
			   struct conf_net *remote)
{
	if (pidi) {
		if (id_net(pidi, idi, remote) || id_net(pidr, idr, local))
			return "proxy IDs are not IPv4 addresses, subnets or prefixes";
	} else {
		*remote = (struct conf_net){ ntohl(sa->peer.sin_addr.s_addr), 32 };
		*local = (struct conf_net){ ntohl(sa->local.sin_addr.s_addr), 32 };
	}
	if (remote->plen != 32)
		return "a remote-access client proposes one address for itself";
	if (mc_check_proxy(e, sa, remote->addr))
		return "the client's proxy ID is not its own (leased or outside) address";
	if (!local_allowed(e->conf, local))
		return "the network asked for is not a protected network";
	return NULL;
}

static unsigned int qms_open(const struct ike_sa *sa)
{
	unsigned int i, n = 0;

	for (i = 0; i < QM_SLOTS; i++)
		n += sa->qm[i] != NULL;
	return n;
}

static void qm1(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m, struct qm *q)
{
	const struct conf *conf = e->conf;
	const struct conf_dynmap *dm = &conf->dynmap;
	struct ike_p2_transform ts[CONF_MAX_TSETS];
	const struct isakmp_payload *psa, *pni, *pke, *pidi, *pidr;
	struct ike_p2_hash h2;
	struct isakmp_id idi, idr;
	struct conf_net local, remote;
	struct ike_p2_policy pol;
	struct ike_p2_choice ch;
	struct isakmp_sa isa;
	struct isakmp_enc enc;
	struct isakmp_hdr h = m->hdr;
	uint8_t buf[MSG_MAX], gxr[IKE_MAX_DH];
	const uint8_t *ni, *ke = NULL;
	uint16_t nilen, kelen = 0;
	char l[40], r[40];
	const char *why;
	unsigned int i = 0;
	size_t k, glen = 0;
	uint32_t spi_be;
	int len;

	psa = isakmp_find(m, ISAKMP_NP_SA, &i);
	i = 0;
	pni = isakmp_find(m, ISAKMP_NP_NONCE, &i);
	i = 0;
	pke = isakmp_find(m, ISAKMP_NP_KE, &i);
	i = 0;
	pidi = isakmp_find(m, ISAKMP_NP_ID, &i);
	pidr = pidi ? isakmp_find(m, ISAKMP_NP_ID, &i) : NULL;
	if (!psa || !pni || isakmp_decode_sa(psa, &isa) || isakmp_decode_nonce(pni, &ni, &nilen) ||
	    (pke && isakmp_decode_data(pke, ISAKMP_NP_KE, &ke, &kelen)) || (pidi && !pidr))
		return qm_fail(e, sa, q, ISAKMP_N_PAYLOAD_MALFORMED, "malformed QM1");

	for (k = 0; k < dm->ntsets; k++)
		ts[k] = conf->tsets[dm->tsets[k]].t;
	pol = (struct ike_p2_policy){
		.ts = ts, .nts = dm->ntsets, .pfs_group = dm->pfs_group,
		.life_sec = dm->life_sec ? dm->life_sec : conf->sa_life_sec,
		.life_kb = dm->life_kb ? dm->life_kb : conf->sa_life_kb,
		.legacy = conf->legacy,
		.natt = sa->encap,
	};
	if (ike_p2_select(&pol, &isa, kelen, &ch))
		return qm_fail(e, sa, q, ISAKMP_N_NO_PROPOSAL_CHOSEN,
			       "no proposal matches the transform sets");
	why = qm1_ids(e, sa, pidi, pidr, &idi, &idr, &local, &remote);
	if (why)
		return qm_fail(e, sa, q, ISAKMP_N_INVALID_ID_INFORMATION, why);
	if (sa->nchildren + qms_open(sa) > e->lim.child) {
		e->st.child_limit++;
		return qm_fail(e, sa, q, ISAKMP_N_NO_PROPOSAL_CHOSEN,
			       "too many IPsec SAs under this ISAKMP SA (espgw limit "
			       "ipsec-sa-per-isakmp-sa)");
	}
	if (peer_spi_in_use(e, sa->peer.sin_addr.s_addr, ch.peer_spi)) {
		e->st.spi_in_use++;
		return qm_fail(e, sa, q, ISAKMP_N_INVALID_SPI,
			       "its SPI is already in use toward its address");
	}
	q->c = child_reserve(e, sa, ch.peer_spi);
	if (!q->c)
		return qm_fail(e, sa, q, ISAKMP_N_NO_PROPOSAL_CHOSEN, "out of memory");
	q->c->local = local;
	q->c->remote = remote;
	q->c->esp = ch.ts->esp;
	q->c->keybits = ch.ts->keybits;
	q->c->auth = ch.ts->auth;
	q->c->encap = sa->encap;
	memcpy(q->ni, ni, nilen);
	q->ni_len = nilen;
	RAND_bytes(q->nr, NONCE_LEN);
	q->life_sec = ch.life_sec;
	q->life_kb = ch.life_kb;
	if (ch.attrs.group) {
		struct ike_dh *dh = ike_dh_new(ch.attrs.group);

		glen = ike_dh_len(ch.attrs.group);
		if (!dh || ike_dh_public(dh, gxr, glen) || ike_dh_shared(dh, ke, kelen, q->gqm)) {
			ike_dh_free(dh);
			return qm_fail(e, sa, q, ISAKMP_N_INVALID_KEY_INFORMATION, "PFS failed");
		}
		ike_dh_free(dh);
		q->gqm_len = glen;
	}

	spi_be = htonl(q->c->spi_in);
	h.flags = 0;
	ike_p2_begin(&enc, buf, sizeof(buf), &h, &sa->keys);
	isakmp_put_sa_reply(&enc, &isa, &isa.p[ch.prop], &isa.t[ch.trans], &spi_be, 4);
	isakmp_put_data(&enc, ISAKMP_NP_NONCE, q->nr, NONCE_LEN);
	if (glen)
		isakmp_put_data(&enc, ISAKMP_NP_KE, gxr, glen);
	if (pidi) {
		uint32_t a = htonl(local.addr), msk = htonl(prefix_mask(local.plen));
		uint8_t sub[8];

		isakmp_put_id(&enc, idi.type, idi.proto, idi.port, idi.data, idi.len);
		memcpy(sub, &a, 4);
		memcpy(sub + 4, &msk, 4);
		if (local.plen == 32)
			isakmp_put_id(&enc, ISAKMP_ID_IPV4_ADDR, idr.proto, idr.port, sub, 4);
		else
			isakmp_put_id(&enc, ISAKMP_ID_IPV4_ADDR_SUBNET, idr.proto, idr.port, sub, 8);
	}
	if (ch.notify_sec || ch.notify_kb)
		isakmp_put_responder_lifetime(&enc, ISAKMP_PROTO_ESP, &spi_be, 4,
					      ch.notify_sec ? ch.life_sec : 0,
					      ch.notify_kb ? ch.life_kb : 0);
	len = isakmp_enc_finish(&enc);
	h2 = (struct ike_p2_hash){ IKE_P2_HASH2, IKE_CHUNK(q->ni, q->ni_len), IKE_CHUNK(NULL, 0) };
	if (len > 0)
		len = ike_p2_seal(&sa->keys, NULL, q->iv, &h2, buf, (size_t)len, sizeof(buf));
	if (len <= 0)
		return qm_fail(e, sa, q, ISAKMP_N_PAYLOAD_MALFORMED, "cannot build QM2");
	memcpy(q->reply, buf, (size_t)len);
	q->reply_len = (size_t)len;
	q->retx = 0;
	q->next_retx = e->now + 2;
	xmit(e, sa, buf, (size_t)len);
	log_debug(LOG_CAT_IPSEC, "ISAKMP (%u): QM2 sent: %s <-> %s, %s %s%s", sa->conn_id,
		  net_str(&local, l, sizeof(l)), net_str(&remote, r, sizeof(r)),
		  ike_alg_esp_show(q->c->esp, q->c->keybits), ike_alg_esp_auth_show(q->c->auth),
		  glen ? ", PFS" : "");
}

static void qm3(struct ike_engine *e, struct ike_sa *sa, struct qm *q)
{
	char a[INET_ADDRSTRLEN], l[40], r[40];
	struct child *c = q->c;

	if (child_install(e, sa, q)) {
		log_msg(LOG_ERR, "ISAKMP (%u): installing the IPsec SAs failed", sa->conn_id);
		qm_done(e, sa, q);	/* what was installed is gone, the reservation too */
		return;
	}
	q->c = NULL;	/* the SA's now */
	log_msg(LOG_INFO, "IPsec SAs up with %s: %s <-> %s, spi in 0x%08x out 0x%08x",
		sin_str(&sa->peer, a), net_str(&c->local, l, sizeof(l)),
		net_str(&c->remote, r, sizeof(r)), c->spi_in, c->spi_out);
	qm_done(e, sa, q);
}

static struct qm *qm_find(struct ike_sa *sa, uint32_t msgid)
{
	unsigned int i;

	for (i = 0; i < QM_SLOTS; i++)
		if (sa->qm[i] && sa->qm[i]->msgid == msgid)
			return sa->qm[i];
	return NULL;
}

/* A slot for a new Quick Mode, NULL when all are busy or there is no memory. */
static struct qm *qm_new(struct ike_sa *sa, uint32_t msgid)
{
	unsigned int i;

	for (i = 0; i < QM_SLOTS; i++) {
		if (sa->qm[i])
			continue;
		sa->qm[i] = calloc(1, sizeof(struct qm));
		if (sa->qm[i])
			sa->qm[i]->msgid = msgid;
		return sa->qm[i];
	}
	return NULL;
}

void quick(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m, const uint8_t *rawd)
{
	uint8_t plain[MSG_MAX], iv[IKE_MAX_BLOCK];
	char a[INET_ADDRSTRLEN];
	struct ike_p2_hash h3;
	struct qm *q;

	if (!m->hdr.msgid || !(m->hdr.flags & ISAKMP_FLAG_ENC))
		return;
	q = qm_find(sa, m->hdr.msgid);
	if (q) {
		if (!memcmp(q->in_digest, rawd, DIGEST_LEN)) {
			xmit(e, sa, q->reply, q->reply_len);	/* QM1 again: QM2 again */
			return;
		}
		/* QM3: the IV moves on only once HASH(3) verifies */
		h3 = (struct ike_p2_hash){ IKE_P2_HASH3, IKE_CHUNK(q->ni, q->ni_len),
					   IKE_CHUNK(q->nr, NONCE_LEN) };
		if (!p2_accept(e, sa, m, q->iv, q->iv, &h3, false, plain, sizeof(plain), "QM3"))
			qm3(e, sa, q);
		return;
	}
	/* the ID of a Quick Mode that is over: its QM3 again (the client did not know we
	 * had it), or a replay; either way nothing to do, and no need to decrypt */
	if (msgid_seen(sa, m->hdr.msgid)) {
		e->st.replays++;
		log_debug(LOG_CAT_IPSEC, "ISAKMP (%u): Quick Mode message %08x again from %s: "
			  "that exchange is over", sa->conn_id, m->hdr.msgid,
			  sin_str(&sa->peer, a));
		return;
	}
	if (p2_accept(e, sa, m, NULL, iv, &IKE_P2_H1, true, plain, sizeof(plain), "QM1"))
		return;
	q = qm_new(sa, m->hdr.msgid);
	if (!q) {
		log_ratelimited("ISAKMP (%u): too many Quick Modes at once from %s", sa->conn_id,
				sin_str(&sa->peer, a));
		return;
	}
	log_debug(LOG_CAT_IPSEC, "ISAKMP (%u): Quick Mode message %08x from %s", sa->conn_id,
		  m->hdr.msgid, sin_str(&sa->peer, a));
	memcpy(q->iv, iv, sizeof(q->iv));		/* QM2 continues the chain */
	memcpy(q->in_digest, rawd, DIGEST_LEN);
	qm1(e, sa, m, q);
}

void qm_timer(struct ike_engine *e, struct ike_sa *sa, uint64_t now, unsigned int *wait)
{
	unsigned int i;

	for (i = 0; i < QM_SLOTS; i++) {
		struct qm *q = sa->qm[i];

		if (!q)
			continue;
		if (now < q->next_retx) {
			if (q->next_retx - now < *wait)
				*wait = (unsigned int)(q->next_retx - now);
			continue;
		}
		if (q->retx >= IKE_QM_RETRANSMITS) {
			log_msg(LOG_NOTICE, "ISAKMP (%u): no QM3, Quick Mode abandoned",
				sa->conn_id);
			qm_done(e, sa, q);
			continue;
		}
		q->retx++;
		q->next_retx = now + (2u << q->retx);
		xmit(e, sa, q->reply, q->reply_len);
		if (2u << q->retx < *wait)
			*wait = 2u << q->retx;
	}
}
