// SPDX-License-Identifier: GPL-2.0
/*
 * The IKEv1 responder (RFC 2408, 2409): the engine's core. A datagram is
 * decoded by the bounds-checked codec (userspace/ike/), matched to its
 * exchange by cookies, and handed to the file of its exchange:
 *
 *   Initiator                         Responder (us)
 *   (Aggressive Mode: AM1 HDR, SA, KE, Ni, IDii; AM2 HDR, SA, KE, Nr, IDir,
 *   HASH_R; AM3 HDR[*], HASH_I: ike_am.c; then as after MM6)
 *   MM1  HDR, SA                  ->                          ike_mm.c
 *                                 <-  MM2  HDR, SA (one transform), VID
 *   MM3  HDR, KE, Ni              ->
 *                                 <-  MM4  HDR, KE, Nr
 *   MM5  HDR*, IDii, HASH_I       ->
 *                                 <-  MM6  HDR*, IDir, HASH_R
 *   QM1  HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr]  ->      ike_qm.c
 *                                 <-  QM2  HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr]
 *   QM3  HDR*, HASH(3)            ->  SAs and policy into espgw.ko (ike_child.c)
 *   informational: notifications, DELETE, DPD                 ike_info.c
 *   transaction: Mode-Config                                  modecfg.c
 *
 * Nothing a message asks for changes any state before the message is
 * authenticated (MM5 by HASH_I, every later one by its HASH), and an
 * authenticated message ID is never acted on twice. Every reply is kept,
 * and an identical retransmitted request gets it again, byte for byte.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <linux/espgw.h>

#include "ike_priv.h"
#include "kernel.h"
#include "log.h"
#include "json.h"
#include "pool.h"
#include "sa.h"

/* ---- small helpers ------------------------------------------------------- */

const char *sin_str(const struct sockaddr_in *a, char *buf)
{
	return inet_ntop(AF_INET, &a->sin_addr, buf, INET_ADDRSTRLEN);
}

const char *net_str(const struct conf_net *n, char *buf, size_t len)
{
	struct in_addr a = { htonl(n->addr) };
	char s[INET_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", inet_ntop(AF_INET, &a, s, sizeof(s)), n->plen);
	return buf;
}

uint32_t prefix_mask(uint8_t plen)
{
	return plen ? ~0u << (32 - plen) : 0;
}

void msg_digest(const uint8_t *buf, size_t len, uint8_t *out)
{
	struct ike_chunk c = IKE_CHUNK(buf, len);
	uint8_t full[IKE_MAX_HASH];

	ike_hash(IKE_HASH_SHA1, &c, 1, full);
	memcpy(out, full, DIGEST_LEN);
}

uint32_t random_u32(void)
{
	uint32_t v = 0;

	RAND_bytes((unsigned char *)&v, sizeof(v));
	return v;
}

void xmit(struct ike_engine *e, struct ike_sa *sa, const void *buf, size_t len)
{
	e->send(e->send_arg, &sa->local, &sa->peer, buf, len);
}

/* ---- what each address and identity holds --------------------------------- */

struct peer_acct *peer_get(struct ike_engine *e, uint32_t addr)
{
	uint64_t h = htab_hash(&e->peers, &addr, sizeof(addr));
	struct peer_acct *a;
	struct hnode *n;

	for (n = htab_first(&e->peers, h); n; n = htab_next(n, h)) {
		a = container_of(n, struct peer_acct, hn);
		if (a->addr == addr)
			return a;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->addr = addr;
	if (htab_add(&e->peers, &a->hn, h)) {
		free(a);
		return NULL;
	}
	return a;
}

void peer_put(struct ike_engine *e, struct peer_acct *a)
{
	if (!a || a->halves || a->sas)
		return;
	htab_del(&e->peers, &a->hn);
	free(a);
}

/* The identity's digest covers its type and all of its data (not a truncated copy). */
static struct id_acct *id_get(struct ike_engine *e, uint8_t type, const uint8_t *data,
			      size_t len)
{
	struct ike_chunk in[2] = { IKE_CHUNK(&type, 1), IKE_CHUNK(data, len) };
	uint8_t d[IKE_MAX_HASH];
	struct id_acct *a;
	struct hnode *n;
	uint64_t h;

	if (ike_hash(IKE_HASH_SHA1, in, 2, d))
		return NULL;
	h = htab_hash(&e->ids, d, sizeof(a->digest));
	for (n = htab_first(&e->ids, h); n; n = htab_next(n, h)) {
		a = container_of(n, struct id_acct, hn);
		if (!memcmp(a->digest, d, sizeof(a->digest)))
			return a;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	memcpy(a->digest, d, sizeof(a->digest));
	if (htab_add(&e->ids, &a->hn, h)) {
		free(a);
		return NULL;
	}
	return a;
}

/* sa leaves its identity's list; the identity goes with its last SA. */
static void id_put(struct ike_engine *e, struct ike_sa *sa)
{
	struct id_acct *a = sa->id_acct;

	if (sa->id_prev)
		sa->id_prev->id_next = sa->id_next;
	else
		a->first = sa->id_next;
	if (sa->id_next)
		sa->id_next->id_prev = sa->id_prev;
	sa->id_acct = NULL;
	if (--a->sas)
		return;
	htab_del(&e->ids, &a->hn);
	free(a);
}

/* ---- half-open exchanges -------------------------------------------------- */

static uint64_t init_hash(struct ike_engine *e, const uint8_t *ci, const struct sockaddr_in *p)
{
	uint8_t k[ISAKMP_COOKIE_LEN + 6];

	memcpy(k, ci, ISAKMP_COOKIE_LEN);
	memcpy(k + ISAKMP_COOKIE_LEN, &p->sin_addr.s_addr, 4);
	memcpy(k + ISAKMP_COOKIE_LEN + 4, &p->sin_port, 2);
	return htab_hash(&e->half_init, k, sizeof(k));
}

static uint64_t cookies_hash(const struct htab *t, const uint8_t *ci, const uint8_t *cr)
{
	uint8_t k[2 * ISAKMP_COOKIE_LEN];

	memcpy(k, ci, ISAKMP_COOKIE_LEN);
	memcpy(k + ISAKMP_COOKIE_LEN, cr, ISAKMP_COOKIE_LEN);
	return htab_hash(t, k, sizeof(k));
}

static bool same_peer(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr && a->sin_port == b->sin_port;
}

struct ike_half *half_find_init(struct ike_engine *e, const uint8_t *ci,
				const struct sockaddr_in *peer)
{
	uint64_t h = init_hash(e, ci, peer);
	struct hnode *n;

	for (n = htab_first(&e->half_init, h); n; n = htab_next(n, h)) {
		struct ike_half *x = container_of(n, struct ike_half, by_init);

		if (!memcmp(x->ci, ci, ISAKMP_COOKIE_LEN) && same_peer(&x->peer, peer))
			return x;
	}
	return NULL;
}

static struct ike_half *half_find_cookies(struct ike_engine *e, const uint8_t *ci,
					  const uint8_t *cr)
{
	uint64_t h = cookies_hash(&e->half_cookies, ci, cr);
	struct hnode *n;

	for (n = htab_first(&e->half_cookies, h); n; n = htab_next(n, h)) {
		struct ike_half *x = container_of(n, struct ike_half, by_cookies);

		if (!memcmp(x->ci, ci, ISAKMP_COOKIE_LEN) && !memcmp(x->cr, cr, ISAKMP_COOKIE_LEN))
			return x;
	}
	return NULL;
}

void half_add(struct ike_engine *e, struct ike_half *h)
{
	htab_add(&e->half_init, &h->by_init, init_hash(e, h->ci, &h->peer));
	htab_add(&e->half_cookies, &h->by_cookies, cookies_hash(&e->half_cookies, h->ci, h->cr));
	h->prev = e->halves_tail;
	if (e->halves_tail)
		e->halves_tail->next = h;
	else
		e->halves = h;
	e->halves_tail = h;
	e->nhalves++;
	h->acct->halves++;
}

struct peer_acct *half_room(struct ike_engine *e, uint32_t addr)
{
	while (e->nhalves >= e->lim.half_open && e->halves) {
		e->st.half_open_evicted++;
		half_free(e, e->halves);
	}
	return peer_get(e, addr);
}

void half_free(struct ike_engine *e, struct ike_half *h)
{
	htab_del(&e->half_init, &h->by_init);
	htab_del(&e->half_cookies, &h->by_cookies);
	if (h->prev)
		h->prev->next = h->next;
	else
		e->halves = h->next;
	if (h->next)
		h->next->prev = h->prev;
	else
		e->halves_tail = h->prev;
	e->nhalves--;
	h->acct->halves--;
	peer_put(e, h->acct);
	am_free(e, h);
	free(h);
}

/* ---- ISAKMP SAs ------------------------------------------------------------- */

static struct ike_sa *sa_find(struct ike_engine *e, const uint8_t *ci, const uint8_t *cr)
{
	uint64_t h = cookies_hash(&e->by_cookies, ci, cr);
	struct hnode *n;

	for (n = htab_first(&e->by_cookies, h); n; n = htab_next(n, h)) {
		struct ike_sa *sa = container_of(n, struct ike_sa, by_cookies);

		if (!memcmp(sa->ci, ci, ISAKMP_COOKIE_LEN) && !memcmp(sa->cr, cr, ISAKMP_COOKIE_LEN))
			return sa;
	}
	return NULL;
}

struct ike_sa *sa_from_half(struct ike_engine *e, struct ike_half *h)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));

	if (!sa)
		return NULL;
	sa->mm = calloc(1, sizeof(*sa->mm));
	if (sa->mm)
		sa->mm->sai_b = malloc(h->sai_len);
	if (!sa->mm || !sa->mm->sai_b) {
		if (sa->mm)
			free(sa->mm);
		free(sa);
		return NULL;
	}
	memcpy(sa->mm->sai_b, h->data, h->sai_len);
	sa->mm->sai_len = h->sai_len;
	memcpy(sa->ci, h->ci, ISAKMP_COOKIE_LEN);
	memcpy(sa->cr, h->cr, ISAKMP_COOKIE_LEN);
	sa->local = h->local;
	sa->peer = h->peer;
	sa->attrs = h->attrs;
	sa->lifetime = h->lifetime;
	sa->dpd_peer = h->dpd_peer;
	sa->xauth_done = h->no_xauth;
	sa->natt = h->natt;
	sa->created = h->created;
	sa->state = SA_MM4_SENT;
	sa->conn_id = ++e->next_conn_id;
	sa->acct = h->acct;
	sa->acct->sas++;
	htab_add(&e->by_cookies, &sa->by_cookies, cookies_hash(&e->by_cookies, sa->ci, sa->cr));
	sa->next = e->sas;
	if (e->sas)
		e->sas->prev = sa;
	e->sas = sa;
	e->key_exch++;
	half_free(e, h);
	return sa;
}

int sa_established(struct ike_engine *e, struct ike_sa *sa, const uint8_t *id, size_t len)
{
	sa->id_acct = id_get(e, sa->id_type, id, len);
	if (!sa->id_acct)
		return -1;
	sa->id_acct->sas++;
	sa->id_next = sa->id_acct->first;
	if (sa->id_next)
		sa->id_next->id_prev = sa;
	sa->id_acct->first = sa;
	e->key_exch--;
	sa->state = SA_ESTABLISHED;
	e->nsas++;
	if (sa->id_acct->sas > e->lim.sa_per_id) {
		e->st.sa_id_limit++;
		return -1;
	}
	return 0;
}

bool msgid_seen(const struct ike_sa *sa, uint32_t msgid)
{
	unsigned int i;

	for (i = 0; i < sa->nmsgids; i++)
		if (sa->msgids[i] == msgid)
			return true;
	return false;
}

bool msgid_fresh(struct ike_sa *sa, uint32_t msgid)
{
	if (msgid_seen(sa, msgid))
		return false;
	if (sa->nmsgids == sa->msgid_cap && sa->msgid_cap < IKE_MSGIDS) {
		unsigned int cap = sa->msgid_cap ? 2u * sa->msgid_cap : 8;
		uint32_t *m = realloc(sa->msgids, cap * sizeof(*m));

		if (m) {
			sa->msgids = m;
			sa->msgid_cap = (uint16_t)cap;
		}
	}
	if (sa->nmsgids < sa->msgid_cap) {
		sa->msgids[sa->nmsgids++] = msgid;
	} else if (sa->msgid_cap) {
		/* full: forget the oldest */
		sa->msgids[sa->msgid_next] = msgid;
		sa->msgid_next = (uint16_t)((sa->msgid_next + 1) % sa->msgid_cap);
	}
	return true;
}

void sa_heard(struct ike_engine *e, struct ike_sa *sa)
{
	sa->heard = e->now;
	sa->dpd_tries = 0;
}

int p2_accept(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m, const uint8_t *iv,
	      uint8_t *iv_next, const struct ike_p2_hash *hash, bool fresh, uint8_t *plain,
	      size_t cap, const char *what)
{
	char a[INET_ADDRSTRLEN];
	int ret;

	ret = ike_p2_open(&sa->keys, iv ? NULL : sa->p1_last, iv, iv_next, hash, m, plain, cap);
	if (ret) {
		e->st.bad_hash += ret == ISAKMP_E_HASH;
		log_ratelimited("ISAKMP (%u): %s from %s does not verify", sa->conn_id, what,
				sin_str(&sa->peer, a));
		return -1;
	}
	if (fresh && !msgid_fresh(sa, m->hdr.msgid)) {
		e->st.replays++;
		log_ratelimited("ISAKMP (%u): %s from %s replays message %08x: dropped",
				sa->conn_id, what, sin_str(&sa->peer, a), m->hdr.msgid);
		return -1;
	}
	sa_heard(e, sa);
	natt_follow(e, sa);
	return 0;
}

static void mc_release(struct ike_engine *e, struct ike_sa *sa);

static void sa_free(struct ike_engine *e, struct ike_sa *sa)
{
	unsigned int i;

	mc_release(e, sa);
	htab_del(&e->by_cookies, &sa->by_cookies);
	if (sa->prev)
		sa->prev->next = sa->next;
	else
		e->sas = sa->next;
	if (sa->next)
		sa->next->prev = sa->prev;
	while (sa->children)
		child_remove(e, sa->children);
	if (sa->state == SA_ESTABLISHED)
		e->nsas--;
	else
		e->key_exch--;
	if (sa->id_acct)
		id_put(e, sa);
	sa->acct->sas--;
	peer_put(e, sa->acct);
	ike_p1_keys_clear(&sa->keys);
	for (i = 0; i < QM_SLOTS; i++)
		qm_done(e, sa, sa->qm[i]);
	mm_done(sa);
	xauth_free(sa);
	free(sa->reply);
	free(sa->msgids);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

void ike_sa_delete(struct ike_engine *e, struct ike_sa *sa, bool tell)
{
	char a[INET_ADDRSTRLEN];

	if (tell && sa->state == SA_ESTABLISHED) {
		struct child *c;

		for (c = sa->children; c; c = c->next)
			send_delete_esp(e, sa, c->spi_in);
		send_delete_isakmp(e, sa);
	}
	if (sa->state == SA_ESTABLISHED)
		log_msg(LOG_INFO, "ISAKMP SA %u with %s deleted", sa->conn_id,
			sin_str(&sa->peer, a));
	sa_free(e, sa);
}

/* ---- Mode-Config (modecfg.c): what it needs of an SA ----------------------------------- */

static void mc_send(const struct modecfg_io *io, const void *buf, size_t len)
{
	xmit(io->e, io->sa, buf, len);
}

static bool mc_fresh(const struct modecfg_io *io, uint32_t msgid)
{
	struct ike_engine *e = io->e;
	struct ike_sa *sa = io->sa;

	if (!msgid_fresh(sa, msgid)) {
		e->st.replays++;
		return false;
	}
	sa_heard(e, sa);
	natt_follow(e, sa);
	return true;
}

static void mc_io(struct ike_engine *e, struct ike_sa *sa, struct modecfg_io *io)
{
	*io = (struct modecfg_io){
		.st = &sa->mc, .keys = &sa->keys, .p1_last = sa->p1_last, .ci = sa->ci,
		.cr = sa->cr, .conn_id = sa->conn_id, .peer = &sa->peer, .grp = sa->grp,
		.now = e->now, .send = mc_send, .fresh = mc_fresh, .e = e, .sa = sa,
	};
	/* the group's pool, else the isakmp client configuration pool */
	if (sa->grp && sa->grp->pool >= 0)
		io->pool = e->pools[sa->grp->pool];
	else if (e->conf->isakmp_pool >= 0)
		io->pool = e->pools[e->conf->isakmp_pool];
	io->key.id_type = sa->id_type;
	io->key.id_len = sa->id_len < POOL_ID_MAX ? sa->id_len : POOL_ID_MAX;
	memcpy(io->key.id, sa->id_data, io->key.id_len);
	if (sa->id_acct)
		memcpy(io->key.id_digest, sa->id_acct->digest, sizeof(io->key.id_digest));
	io->key.addr = sa->peer.sin_addr.s_addr;
	io->key.port = sa->peer.sin_port;
}

/* The pool is exhausted: refuse the client by ending its ISAKMP SA (it gets the DELETE). */
static void mc_refuse(struct ike_engine *e, struct ike_sa *sa)
{
	char a[INET_ADDRSTRLEN];

	log_msg(LOG_NOTICE, "ISAKMP (%u): %s refused: no address to give, ISAKMP SA deleted",
		sa->conn_id, sin_str(&sa->peer, a));
	ike_sa_delete(e, sa, true);
}

void mc_push(struct ike_engine *e, struct ike_sa *sa)
{
	struct modecfg_io io;

	mc_io(e, sa, &io);
	if (modecfg_push(&io) == -ENOSPC)
		mc_refuse(e, sa);
}

int mc_check_proxy(struct ike_engine *e, struct ike_sa *sa, uint32_t addr)
{
	struct modecfg_io io;

	mc_io(e, sa, &io);
	return modecfg_check_proxy(&io, addr);
}

static void mc_release(struct ike_engine *e, struct ike_sa *sa)
{
	struct modecfg_io io;

	mc_io(e, sa, &io);
	modecfg_release(&io);
}

static void mc_input(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m)
{
	struct modecfg_io io;

	mc_io(e, sa, &io);
	if (modecfg_input(&io, m) == -ENOSPC)
		mc_refuse(e, sa);
}

/* ---- entry points -------------------------------------------------------------------- */

static bool zero_cookie(const uint8_t *c)
{
	static const uint8_t zero[ISAKMP_COOKIE_LEN];

	return !memcmp(c, zero, sizeof(zero));
}

/* A datagram for no ISAKMP SA past MM3: MM1 or AM1 (new or again), MM3 or AM3. */
static void input_half(struct ike_engine *e, struct isakmp_msg *m, int ret, const uint8_t *rawd,
		       const struct sockaddr_in *local, const struct sockaddr_in *peer)
{
	bool am = m->hdr.exch == ISAKMP_EXCH_AGGRESSIVE;
	char a[INET_ADDRSTRLEN];
	struct ike_half *h;

	if ((m->hdr.exch == ISAKMP_EXCH_IDPROT || am) && ret == ISAKMP_OK &&
	    zero_cookie(m->hdr.rcookie)) {
		h = half_find_init(e, m->hdr.icookie, peer);
		if (!h)
			return am ? am1(e, m, rawd, local, peer) : mm1(e, m, rawd, local, peer);
		if (!memcmp(h->in_digest, rawd, DIGEST_LEN))	/* MM1/AM1 again: the same answer */
			e->send(e->send_arg, &h->local, &h->peer, h->data + h->sai_len,
				h->reply_len);
		return;
	}
	if (m->hdr.exch == ISAKMP_EXCH_IDPROT && ret == ISAKMP_OK) {
		h = half_find_cookies(e, m->hdr.icookie, m->hdr.rcookie);
		if (h && !h->am && same_peer(&h->peer, peer))
			return mm3(e, h, m, rawd);
	}
	if (am) {
		/* AM3, in clear or encrypted; with NAT-T from wherever the client floated */
		h = half_find_cookies(e, m->hdr.icookie, m->hdr.rcookie);
		if (h && h->am && (same_peer(&h->peer, peer) ||
				   (h->natt && h->peer.sin_addr.s_addr == peer->sin_addr.s_addr)))
			return am3(e, h, m, ret);
	}
	e->st.no_sa++;
	log_ratelimited("%s from %s for no known ISAKMP SA", isakmp_exch_name(m->hdr.exch),
			sin_str(peer, a));
}

void ike_input(struct ike_engine *e, const uint8_t *buf, size_t len,
	       const struct sockaddr_in *local, const struct sockaddr_in *peer, uint64_t now)
{
	uint8_t rawd[DIGEST_LEN];
	char a[INET_ADDRSTRLEN];
	struct isakmp_msg m;
	struct ike_sa *sa;
	int ret;

	e->now = now;
	e->st.datagrams++;
	e->in_local = *local;
	e->in_peer = *peer;
	ret = isakmp_decode(buf, len, &m);
	if (ret < 0) {
		e->st.malformed++;
		log_ratelimited("malformed ISAKMP message from %s: %s", sin_str(peer, a),
				isakmp_strerror(ret));
		return;
	}
	msg_digest(buf, len, rawd);
	sa = sa_find(e, m.hdr.icookie, m.hdr.rcookie);
	if (!sa)
		return input_half(e, &m, ret, rawd, local, peer);
	/* from elsewhere: a NAT-T client floating, or its NAT's new mapping - to be
	 * followed once the message authenticates (natt_follow()); else not its peer */
	if (!same_peer(&sa->peer, peer) && !(sa->natt && ret == ISAKMP_ENCRYPTED)) {
		e->st.no_sa++;
		log_ratelimited("ISAKMP (%u): message from %s, not from the SA's peer", sa->conn_id,
				sin_str(peer, a));
		return;
	}
	switch (m.hdr.exch) {
	case ISAKMP_EXCH_IDPROT:
		/* a retransmission of the last one we accepted: the same answer */
		if (sa->reply && !memcmp(sa->in_digest, rawd, DIGEST_LEN))
			xmit(e, sa, sa->reply, sa->reply_len);
		else if (sa->state == SA_MM4_SENT && ret == ISAKMP_ENCRYPTED)
			mm5(e, sa, &m, rawd);
		break;
	case ISAKMP_EXCH_AGGRESSIVE:
		/* AM3 again (there is no answer to give), or anything else: nothing to do */
		log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): Aggressive Mode message from %s after "
			  "phase 1: dropped", sa->conn_id, sin_str(peer, a));
		break;
	case ISAKMP_EXCH_QUICK:
		if (sa->state == SA_ESTABLISHED && !xauth_pending(e, sa))
			quick(e, sa, &m, rawd);
		else if (sa->state == SA_ESTABLISHED)
			log_ratelimited("ISAKMP (%u): Quick Mode from %s before XAUTH: dropped",
					sa->conn_id, sin_str(peer, a));
		break;
	case ISAKMP_EXCH_INFO:
		if (sa->state == SA_ESTABLISHED)
			info_input(e, sa, &m);
		break;
	case ISAKMP_EXCH_TRANSACTION:
		if (sa->state == SA_ESTABLISHED && xauth_pending(e, sa))
			xauth_input(e, sa, &m);
		else if (sa->state == SA_ESTABLISHED)
			mc_input(e, sa, &m);
		break;
	default:
		log_ratelimited("ISAKMP (%u): %s exchange from %s not supported", sa->conn_id,
				isakmp_exch_name(m.hdr.exch), sin_str(peer, a));
	}
}

unsigned int ike_timer(struct ike_engine *e, uint64_t now)
{
	struct ike_sa *sa, *next;
	unsigned int wait = 10;
	struct modecfg_io io;

	e->now = now;
	while (e->halves && now >= e->halves->created + IKE_HALF_OPEN_TIMEOUT) {
		e->st.half_open_expired++;
		half_free(e, e->halves);
	}
	for (sa = e->sas; sa; sa = next) {
		next = sa->next;
		if (sa->state != SA_ESTABLISHED) {
			if (now >= sa->created + IKE_HALF_OPEN_TIMEOUT) {
				e->st.half_open_expired++;
				ike_sa_delete(e, sa, false);
			}
			continue;
		}
		if (now >= sa->expires) {
			ike_sa_delete(e, sa, true);
			continue;
		}
		if (!dpd_timer(e, sa, now, &wait))
			continue;
		if (xauth_timer(e, sa, now, &wait)) {
			ike_sa_delete(e, sa, true);
			continue;
		}
		natt_timer(e, sa, now, &wait);
		mc_io(e, sa, &io);
		if (modecfg_timer(&io) == -ETIMEDOUT) {
			/* no address taken: the client cannot use the tunnel, tell it */
			ike_sa_delete(e, sa, true);
			continue;
		}
		qm_timer(e, sa, now, &wait);
	}
	return wait;
}

void ike_kernel_expire(struct ike_engine *e, const struct espgw_sa *ks)
{
	char a[INET_ADDRSTRLEN];
	struct child *c;

	if (ks->expire_kind != ESPGW_EXPIRE_KIND_HARD) {
		log_debug(LOG_CAT_ENGINE, "SA 0x%08x: soft lifetime reached", ks->spi);
		return;
	}
	/* by (destination, SPI), as the kernel knows the SA: an SPI alone is ambiguous */
	c = child_by_sa(e, ks->dst, ks->spi);
	if (!c)
		return;
	log_msg(LOG_INFO, "SA 0x%08x: hard lifetime reached: IPsec SAs with %s removed, "
		"DELETE sent", ks->spi, sin_str(&c->sa->peer, a));
	send_delete_esp(e, c->sa, c->spi_in);
	child_remove(e, c);
}

void ike_kernel_mapping(struct ike_engine *e, const struct espgw_sa *ks)
{
	struct child *c = child_by_sa(e, ks->dst, ks->spi);

	/* only an inbound SA (our address, our SPI) of a NAT-T client says so */
	if (!c || c->spi_in != ks->spi || ks->dst != c->sa->local.sin_addr.s_addr ||
	    !c->sa->encap || !ks->mapping_addr || !ks->mapping_port)
		return;
	e->in_local = c->sa->local;
	e->in_peer = (struct sockaddr_in){ .sin_family = AF_INET,
					   .sin_port = htons(ks->mapping_port) };
	e->in_peer.sin_addr.s_addr = ks->mapping_addr;
	natt_follow(e, c->sa);
}

/* ---- commands ---------------------------------------------------------------------- */

void ike_list(struct ike_engine *e, uint64_t now,
	      void (*cb)(void *arg, const struct ike_sa_info *info), void *arg)
{
	struct ike_sa *sa;

	for (sa = e->sas; sa; sa = sa->next) {
		struct ike_sa_info i = {
			.local = sa->local, .peer = sa->peer,
			.state = sa->state == SA_ESTABLISHED ? "QM_IDLE" : "MM_KEY_EXCH",
			.conn_id = sa->conn_id,
			.lifetime_left = sa->state == SA_ESTABLISHED ? (long)(sa->expires - now) : 0,
			.enc = sa->attrs.enc, .keybits = sa->attrs.keylen, .hash = sa->attrs.hash,
			.group = sa->attrs.group, .ipsec_sa_pairs = sa->nchildren,
			.lease = sa->mc.lease, .nat = natt_state(sa),
			.cfg_group = sa->grp ? sa->grp->name : NULL,
			.user = sa->xauth_user[0] ? sa->xauth_user : NULL,
		};

		cb(arg, &i);
	}
}

void ike_get_stats(struct ike_engine *e, struct ike_stats *st)
{
	*st = e->st;
	st->half_open = e->nhalves;
	st->key_exch = e->key_exch;
	st->isakmp_sas = e->nsas;
	st->ipsec_sa_pairs = e->npairs;
}

void ike_pool_show(struct ike_engine *e, FILE *f, bool json, uint64_t now)
{
	struct jw w;
	size_t i;

	if (json) {
		jw_init(&w, f);
		jw_arr_open(&w, NULL);
	}
	for (i = 0; i < e->conf->npools; i++)
		pool_show(e->pools[i], json ? &w : NULL, f, now);
	if (json) {
		jw_arr_close(&w);
		jw_end(&w);
	} else if (!e->conf->npools) {
		fputs("no pool configured ('ip local pool NAME FIRST LAST')\n", f);
	}
}

unsigned int ike_clear(struct ike_engine *e)
{
	unsigned int n = 0;

	while (e->sas) {
		ike_sa_delete(e, e->sas, true);
		n++;
	}
	while (e->halves)
		half_free(e, e->halves);
	return n;
}

static unsigned int limit(unsigned int conf, unsigned int def)
{
	return conf ? conf : def;
}

struct ike_engine *ike_engine_new(const struct conf *conf, struct kernel *k, ike_send_fn send,
				  void *send_arg)
{
	struct ike_engine *e = calloc(1, sizeof(*e));
	const struct conf_limits *l = &conf->limits;
	size_t i;

	if (!e)
		return NULL;
	e->conf = conf;
	e->lim = (struct ike_limits){
		.half_open = limit(l->half_open, IKE_HALF_OPEN_MAX),
		.half_open_per_peer = limit(l->half_open_per_peer, IKE_HALF_OPEN_PER_PEER),
		.key_exch = limit(l->key_exch, IKE_KEY_EXCH_MAX),
		.sa_per_peer = limit(l->sa_per_peer, IKE_SA_PER_PEER),
		.sa_per_id = limit(l->sa_per_id, IKE_SA_PER_ID),
		.sa = limit(l->sa, IKE_SA_MAX),
		.child = limit(l->child, IKE_CHILD_MAX),
		.aggressive = limit(l->aggressive, IKE_AM_MAX),
	};
	RAND_bytes(e->am_fake_key, sizeof(e->am_fake_key));
	/* with XAUTH a client must propose XAUTHInitPreShared; plain pre-shared keys are refused */
	for (i = 0; i < conf->npolicies && i < CONF_MAX_POLICIES; i++) {
		e->p1pol[i] = conf->policies[i];
		if (conf->xauth)
			e->p1pol[i].auth = IKE_AUTH_XAUTH_INIT_PSK;
	}
	e->k = k;
	e->send = send;
	e->send_arg = send_arg;
	htab_init(&e->by_cookies);
	htab_init(&e->half_init);
	htab_init(&e->half_cookies);
	htab_init(&e->peers);
	htab_init(&e->ids);
	htab_init(&e->spi_in);
	htab_init(&e->spi_out);
	htab_init(&e->policies);
	htab_init(&e->routes);
	for (i = 0; i < conf->npools; i++) {
		e->pools[i] = pool_new(&conf->pools[i], conf->lease_grace);
		if (!e->pools[i]) {
			while (i--)
				pool_free(e->pools[i]);
			free(e);
			return NULL;
		}
	}
	return e;
}

void ike_engine_free(struct ike_engine *e)
{
	size_t i;

	if (!e)
		return;
	ike_clear(e);
	for (i = 0; i < e->conf->npools; i++)
		pool_free(e->pools[i]);
	htab_free(&e->by_cookies);
	htab_free(&e->half_init);
	htab_free(&e->half_cookies);
	htab_free(&e->peers);
	htab_free(&e->ids);
	htab_free(&e->spi_in);
	htab_free(&e->spi_out);
	htab_free(&e->policies);
	htab_free(&e->routes);
	free(e);
}
