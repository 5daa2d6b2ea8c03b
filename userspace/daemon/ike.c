// SPDX-License-Identifier: GPL-2.0
/*
 * The IKEv1 responder (RFC 2408, 2409): Main Mode with pre-shared keys,
 * Quick Mode, informational exchanges.
 *
 *   Initiator                         Responder (us)
 *   MM1  HDR, SA                  ->
 *                                 <-  MM2  HDR, SA (one transform), VID
 *   MM3  HDR, KE, Ni              ->
 *                                 <-  MM4  HDR, KE, Nr
 *   MM5  HDR*, IDii, HASH_I       ->
 *                                 <-  MM6  HDR*, IDir, HASH_R
 *   QM1  HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr]  ->
 *                                 <-  QM2  HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr]
 *   QM3  HDR*, HASH(3)            ->  SAs and policy into espgw.ko
 *
 * Every reply is kept, and an identical retransmitted request gets it again,
 * byte for byte. Everything read from the network goes through the
 * bounds-checked codec in userspace/ike/.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <linux/espgw.h>

#include "crypto.h"
#include "ike.h"
#include "isakmp.h"
#include "kernel.h"
#include "json.h"
#include "log.h"
#include "modecfg.h"
#include "policy.h"
#include "pool.h"
#include "proposal.h"
#include "sa.h"

#define MSG_MAX		4096	/* our replies; the largest is MM4 with a 4096-bit KE */
#define NONCE_LEN	32
#define DIGEST_LEN	20	/* SHA-1 of a received datagram, for retransmissions */

enum sa_state {
	SA_MM2_SENT,		/* answered MM1, waiting for MM3 */
	SA_MM4_SENT,		/* answered MM3, waiting for MM5 */
	SA_ESTABLISHED,		/* Quick Mode and informational from here on */
};

/* One pair of ESP SAs and the policy that sends into the outbound one. */
struct child {
	struct child *next;
	uint32_t spi_in, spi_out;	/* host order: ours, the peer's */
	uint32_t policy_id;
	struct conf_net local, remote;
	uint8_t esp;
	uint16_t keybits, auth;
	uint64_t installed;
};

/* A Quick Mode waiting for its third message. */
struct qm {
	uint32_t msgid;			/* 0: free */
	uint8_t iv[IKE_MAX_BLOCK];
	uint8_t in_digest[DIGEST_LEN];	/* QM1, to spot retransmissions */
	uint8_t ni[256];
	uint16_t ni_len;
	uint8_t nr[NONCE_LEN];
	uint8_t gqm[IKE_MAX_DH];	/* PFS shared secret */
	size_t gqm_len;
	struct child c;			/* what QM3 installs */
	uint64_t life_sec, life_kb;
	uint8_t reply[MSG_MAX];		/* QM2 as sent */
	size_t reply_len;
	unsigned int retx;
	uint64_t next_retx;
};

#define QM_SLOTS 4

/* Main Mode's working state: freed once phase 1 is done. */
struct mm {
	uint8_t *sai_b;			/* the initiator's SA payload body (HASH_I/R) */
	uint16_t sai_len;
	uint8_t gxi[IKE_MAX_DH], gxr[IKE_MAX_DH];
	size_t glen;
	uint8_t ni[256];
	uint16_t ni_len;
	uint8_t nr[NONCE_LEN];
};

/*
 * An ISAKMP SA. What only an exchange in progress needs (Main Mode's DH
 * values and nonces, a Quick Mode's) lives on the heap for that exchange, so
 * an established tunnel costs a few hundred bytes here.
 */
struct ike_sa {
	struct ike_sa *next;
	unsigned int conn_id;
	uint8_t ci[ISAKMP_COOKIE_LEN], cr[ISAKMP_COOKIE_LEN];
	struct sockaddr_in local, peer;
	enum sa_state state;
	uint64_t created, expires;
	struct ike_p1_attrs attrs;
	uint32_t lifetime;
	struct mm *mm;			/* until Main Mode is done */
	struct ike_p1_keys keys;
	uint8_t iv[IKE_MAX_BLOCK];	/* Main Mode CBC chain */
	uint8_t p1_last[IKE_MAX_BLOCK];	/* last block of MM6: base of phase-2 IVs */
	/* the peer's identity (IDii), for INITIAL-CONTACT and 'ike show' */
	uint8_t id_type;
	uint8_t id_data[64];
	uint16_t id_len;
	bool initial_contact;
	uint8_t in_digest[DIGEST_LEN];	/* last Main Mode message received */
	uint8_t *reply;			/* and our answer to it (heap) */
	size_t reply_len;
	struct qm *qm[QM_SLOTS];	/* Quick Modes in progress (heap) */
	struct child *children;
	const struct conf_group *grp;	/* the client's configuration group, or NULL */
	/* DPD (RFC 3706): the peer sent the DPD VID; when we last heard from it;
	 * R-U-THEREs sent without an answer, the last one's sequence number */
	bool dpd_peer;
	uint64_t heard;
	unsigned int dpd_tries;
	uint32_t dpd_seq, dpd_first;
	uint64_t dpd_next;
	struct modecfg_sa mc;		/* Mode-Config: lease, our SET */
};

struct ike_engine {
	const struct conf *conf;
	struct kernel *k;
	ike_send_fn send;
	void *send_arg;
	struct ike_sa *sas;
	unsigned int half_open;
	unsigned int next_conn_id;
	uint32_t next_policy_id;
	uint64_t now;
	struct pool *pools[CONF_MAX_POOLS];	/* one per 'ip local pool' */
};

/* ---- small helpers ------------------------------------------------------- */

static const char *addr_str(const struct sockaddr_in *a, char *buf)
{
	return inet_ntop(AF_INET, &a->sin_addr, buf, INET_ADDRSTRLEN);
}

static const char *net_str(const struct conf_net *n, char *buf, size_t len)
{
	struct in_addr a = { htonl(n->addr) };
	char s[INET_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", inet_ntop(AF_INET, &a, s, sizeof(s)), n->plen);
	return buf;
}

static uint32_t mask(uint8_t plen)
{
	return plen ? ~0u << (32 - plen) : 0;
}

static bool net_covers(const struct conf_net *outer, const struct conf_net *inner)
{
	return inner->plen >= outer->plen && !((inner->addr ^ outer->addr) & mask(outer->plen));
}

static void digest(const uint8_t *buf, size_t len, uint8_t *out)
{
	struct ike_chunk c = IKE_CHUNK(buf, len);
	uint8_t full[IKE_MAX_HASH];

	ike_hash(IKE_HASH_SHA1, &c, 1, full);
	memcpy(out, full, DIGEST_LEN);
}

static uint32_t random_u32(void)
{
	uint32_t v = 0;

	RAND_bytes((unsigned char *)&v, sizeof(v));
	return v;
}

static void xmit(struct ike_engine *e, struct ike_sa *sa, const void *buf, size_t len)
{
	e->send(e->send_arg, &sa->local, &sa->peer, buf, len);
}

/* ---- SA table ---------------------------------------------------------------- */

static struct ike_sa *sa_find(struct ike_engine *e, const struct isakmp_hdr *h,
			      const struct sockaddr_in *peer)
{
	static const uint8_t zero[ISAKMP_COOKIE_LEN];
	bool no_cr = !memcmp(h->rcookie, zero, sizeof(zero));
	struct ike_sa *sa;

	for (sa = e->sas; sa; sa = sa->next) {
		if (memcmp(sa->ci, h->icookie, ISAKMP_COOKIE_LEN))
			continue;
		if (no_cr ? sa->state == SA_MM2_SENT && sa->peer.sin_addr.s_addr ==
			    peer->sin_addr.s_addr && sa->peer.sin_port == peer->sin_port :
			    !memcmp(sa->cr, h->rcookie, ISAKMP_COOKIE_LEN))
			return sa;
	}
	return NULL;
}

static void child_remove(struct ike_engine *e, struct ike_sa *sa, struct child *c);
/* Mode-Config glue, near the end */
static void mc_release(struct ike_engine *e, struct ike_sa *sa);
static void mc_push(struct ike_engine *e, struct ike_sa *sa);
static int mc_check_proxy(struct ike_engine *e, struct ike_sa *sa, uint32_t addr);

static void mm_done(struct ike_sa *sa)
{
	if (!sa->mm)
		return;
	free(sa->mm->sai_b);
	OPENSSL_cleanse(sa->mm, sizeof(*sa->mm));
	free(sa->mm);
	sa->mm = NULL;
}

/* A Quick Mode is over (done, refused, abandoned): wipe and free its slot. */
static void qm_done(struct ike_sa *sa, struct qm *q)
{
	unsigned int i;

	if (!q)
		return;
	for (i = 0; i < QM_SLOTS; i++)
		if (sa->qm[i] == q)
			sa->qm[i] = NULL;
	OPENSSL_cleanse(q, sizeof(*q));
	free(q);
}

static void sa_free(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_sa **pp;
	unsigned int i;

	mc_release(e, sa);
	for (pp = &e->sas; *pp; pp = &(*pp)->next) {
		if (*pp == sa) {
			*pp = sa->next;
			break;
		}
	}
	while (sa->children)
		child_remove(e, sa, sa->children);
	if (sa->state != SA_ESTABLISHED)
		e->half_open--;
	ike_p1_keys_clear(&sa->keys);
	for (i = 0; i < QM_SLOTS; i++)
		qm_done(sa, sa->qm[i]);
	mm_done(sa);
	free(sa->reply);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

/* ---- sending notifications and deletes -------------------------------------- */

/* Before phase 1 is done: an unprotected informational (RFC 2408 5.5 allows it). */
static void notify_plain(struct ike_engine *e, const struct sockaddr_in *local,
			 const struct sockaddr_in *peer, const struct isakmp_hdr *in,
			 uint16_t type)
{
	struct isakmp_hdr h = { .exch = ISAKMP_EXCH_INFO };
	struct isakmp_enc enc;
	uint8_t buf[256];
	int len;

	memcpy(h.icookie, in->icookie, ISAKMP_COOKIE_LEN);
	memcpy(h.rcookie, in->rcookie, ISAKMP_COOKIE_LEN);
	isakmp_enc_init(&enc, buf, sizeof(buf), &h);
	isakmp_put_notify(&enc, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, type, NULL, 0, NULL, 0);
	len = isakmp_enc_finish(&enc);
	if (len > 0)
		e->send(e->send_arg, local, peer, buf, len);
}

/*
 * An informational exchange under the ISAKMP SA: HASH(1) first, then what
 * fill() puts (RFC 2409 5.7), encrypted with an IV of its own message ID.
 */
static void send_info(struct ike_engine *e, struct ike_sa *sa,
		      void (*fill)(struct isakmp_enc *enc, const void *arg), const void *arg)
{
	struct isakmp_hdr h = { .exch = ISAKMP_EXCH_INFO, .msgid = random_u32() | 1 };
	size_t hoff = ISAKMP_HDR_LEN + ISAKMP_GEN_LEN, hlen = sa->keys.prf_len;
	uint8_t buf[MSG_MAX], iv[IKE_MAX_BLOCK], zero[IKE_MAX_HASH] = { 0 };
	struct isakmp_enc enc;
	int len;

	memcpy(h.icookie, sa->ci, ISAKMP_COOKIE_LEN);
	memcpy(h.rcookie, sa->cr, ISAKMP_COOKIE_LEN);
	isakmp_enc_init(&enc, buf, sizeof(buf), &h);
	isakmp_put_data(&enc, ISAKMP_NP_HASH, zero, hlen);
	fill(&enc, arg);
	len = isakmp_enc_finish(&enc);
	if (len <= 0 ||
	    ike_qm_hash1(&sa->keys, h.msgid, IKE_CHUNK(buf + hoff + hlen, len - hoff - hlen),
			 buf + hoff) ||
	    ike_p2_iv(&sa->keys, sa->p1_last, h.msgid, iv))
		return;
	len = ike_msg_encrypt(&sa->keys, iv, buf, len, sizeof(buf));
	if (len > 0)
		xmit(e, sa, buf, len);
}

struct del_arg {
	uint8_t proto;
	const void *spis;
	uint8_t spi_size;
	uint16_t n;
};

static void fill_delete(struct isakmp_enc *enc, const void *arg)
{
	const struct del_arg *d = arg;

	isakmp_put_delete(enc, ISAKMP_DOI_IPSEC, d->proto, d->spi_size, d->spis, d->n);
}

struct notify_arg {
	uint16_t type;
	const void *spi;
	uint8_t spi_size;
	const void *data;
	size_t len;
};

static void fill_notify(struct isakmp_enc *enc, const void *arg)
{
	const struct notify_arg *n = arg;

	isakmp_put_notify(enc, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, n->type, n->spi,
			  n->spi_size, n->data, n->len);
}

static void notify_protected(struct ike_engine *e, struct ike_sa *sa, uint16_t type)
{
	struct notify_arg n = { .type = type };

	send_info(e, sa, fill_notify, &n);
}

/* ---- children: the kernel side ---------------------------------------------- */

static uint32_t kernel_enc(uint8_t esp)
{
	switch (esp) {
	case ESP_DES:		return ESPGW_ENC_ALG_DES_CBC;
	case ESP_3DES:		return ESPGW_ENC_ALG_3DES_CBC;
	case ESP_AES_CBC:	return ESPGW_ENC_ALG_AES_CBC;
	case ESP_AES_GCM_16:	return ESPGW_ENC_ALG_AES_GCM_16;
	default:		return ESPGW_ENC_ALG_NONE;
	}
}

static uint32_t kernel_auth(uint16_t auth)
{
	switch (auth) {
	case IPSEC_AUTH_HMAC_MD5:	return ESPGW_AUTH_ALG_HMAC_MD5_96;
	case IPSEC_AUTH_HMAC_SHA1:	return ESPGW_AUTH_ALG_HMAC_SHA1_96;
	case IPSEC_AUTH_HMAC_SHA2_256:	return ESPGW_AUTH_ALG_HMAC_SHA256_128;
	default:			return ESPGW_AUTH_ALG_NONE;
	}
}

static void sel_from(struct espgw_selector *s, const struct child *c)
{
	s->src = htonl(c->local.addr);
	s->src_len = c->local.plen;
	s->dst = htonl(c->remote.addr);
	s->dst_len = c->remote.plen;
	s->proto = 0;
}

/* One direction's SA from its KEYMAT (encryption key first, then the auth key). */
static int install_sa(struct ike_engine *e, struct ike_sa *sa, struct qm *q, bool in)
{
	const struct child *c = &q->c;
	struct ike_p2_transform t = { c->esp, c->keybits, c->auth };
	uint32_t spi = in ? c->spi_in : c->spi_out;
	struct espgw_sa ks = { 0 };
	uint8_t km[2 * ESPGW_KEY_MAX_LEN];
	size_t elen, alen;
	int ret;

	if (ike_esp_key_sizes(c->esp, c->keybits, c->auth, &elen, &alen) ||
	    elen > ESPGW_KEY_MAX_LEN || alen > ESPGW_KEY_MAX_LEN)
		return -EINVAL;
	if (ike_keymat(&sa->keys, IKE_CHUNK(q->gqm, q->gqm_len), ISAKMP_PROTO_ESP, spi,
		       IKE_CHUNK(q->ni, q->ni_len), IKE_CHUNK(q->nr, NONCE_LEN), km, elen + alen))
		return -EINVAL;
	ks.have = 1u << ESPGW_A_SA_SPI | 1u << ESPGW_A_SA_DST | 1u << ESPGW_A_SA_SRC |
		  1u << ESPGW_A_SA_DIR | 1u << ESPGW_A_SA_ENC_ALG | 1u << ESPGW_A_SA_ENC_KEY |
		  1u << ESPGW_A_SA_FLAGS | 1u << ESPGW_A_SA_LIFETIME;
	ks.spi = spi;
	ks.dir = in ? ESPGW_DIR_IN : ESPGW_DIR_OUT;
	ks.dst = in ? sa->local.sin_addr.s_addr : sa->peer.sin_addr.s_addr;
	ks.src = in ? sa->peer.sin_addr.s_addr : sa->local.sin_addr.s_addr;
	ks.enc_alg = kernel_enc(c->esp);
	memcpy(ks.enc_key, km, elen);
	ks.enc_key_len = elen;
	if (alen) {
		ks.have |= 1u << ESPGW_A_SA_AUTH_ALG | 1u << ESPGW_A_SA_AUTH_KEY;
		ks.auth_alg = kernel_auth(c->auth);
		memcpy(ks.auth_key, km + elen, alen);
		ks.auth_key_len = alen;
	}
	ks.flags = ike_p2_transform_is_legacy(&t) ? ESPGW_SA_FLAGS_LEGACY : 0;
	if (in) {
		ks.have |= 1u << ESPGW_A_SA_SELECTOR;
		sel_from(&ks.sel, c);
	}
	/* hard limits as negotiated; soft at 90% so a rekey has room */
	ks.lifetime[ESPGW_A_LIFETIME_HARD_SECS] = q->life_sec;
	ks.lifetime[ESPGW_A_LIFETIME_SOFT_SECS] = q->life_sec * 9 / 10;
	ks.lifetime[ESPGW_A_LIFETIME_HARD_BYTES] = q->life_kb * 1024;
	ks.lifetime[ESPGW_A_LIFETIME_SOFT_BYTES] = q->life_kb * 1024 / 10 * 9;
	ret = kernel_sa_add(e->k, &ks);
	OPENSSL_cleanse(km, sizeof(km));
	espgw_sa_wipe(&ks);
	return ret;
}

/* The policy for (local, remote): replaced in place at rekey (make-before-break). */
static int install_policy(struct ike_engine *e, struct ike_sa *sa, struct child *c)
{
	struct espgw_policy p = {
		.have = 1u << ESPGW_A_POLICY_ID | 1u << ESPGW_A_POLICY_SELECTOR |
			1u << ESPGW_A_POLICY_ACTION | 1u << ESPGW_A_POLICY_SA_DST |
			1u << ESPGW_A_POLICY_SA_SPI,
		.action = ESPGW_ACTION_PROTECT,
		.sa_dst = sa->peer.sin_addr.s_addr,
		.sa_spi = c->spi_out,
	};
	struct ike_sa *s;
	struct child *o;

	sel_from(&p.sel, c);
	for (s = e->sas; s; s = s->next)
		for (o = s->children; o; o = o->next)
			if (o->local.addr == c->local.addr && o->local.plen == c->local.plen &&
			    o->remote.addr == c->remote.addr && o->remote.plen == c->remote.plen) {
				c->policy_id = p.id = o->policy_id;
				return kernel_policy_add(e->k, &p, true);
			}
	c->policy_id = p.id = ++e->next_policy_id;
	return kernel_policy_add(e->k, &p, false);
}

static bool policy_shared(struct ike_engine *e, const struct child *c)
{
	struct ike_sa *s;
	struct child *o;

	for (s = e->sas; s; s = s->next)
		for (o = s->children; o; o = o->next)
			if (o != c && o->policy_id == c->policy_id)
				return true;
	return false;
}

/* Does another child (a rekeyed or re-authenticated one) send to c's remote network? */
static bool route_shared(struct ike_engine *e, const struct child *c)
{
	struct ike_sa *s;
	struct child *o;

	for (s = e->sas; s; s = s->next)
		for (o = s->children; o; o = o->next)
			if (o != c && o->remote.addr == c->remote.addr &&
			    o->remote.plen == c->remote.plen)
				return true;
	return false;
}

/*
 * Remove a child's SAs (and its policy unless a newer child took it over, and
 * its reverse route unless another child needs it).
 */
static void child_remove(struct ike_engine *e, struct ike_sa *sa, struct child *c)
{
	struct child **pp;

	for (pp = &sa->children; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	if (!policy_shared(e, c))
		kernel_policy_del(e->k, c->policy_id);
	if (e->conf->dynmap.reverse_route && !route_shared(e, c))
		kernel_route_del(e->k, &c->remote);
	kernel_sa_del(e->k, sa->peer.sin_addr.s_addr, c->spi_out);
	kernel_sa_del(e->k, sa->local.sin_addr.s_addr, c->spi_in);
	log_debug(LOG_CAT_IPSEC, "IPsec SAs removed: spi in 0x%08x out 0x%08x", c->spi_in,
		  c->spi_out);
	free(c);
}

/* Tell the peer, then forget the SA and everything under it. */
static void sa_delete(struct ike_engine *e, struct ike_sa *sa, bool tell)
{
	char a[INET_ADDRSTRLEN];

	if (tell && sa->state == SA_ESTABLISHED) {
		struct child *c;
		uint8_t cookies[2 * ISAKMP_COOKIE_LEN];
		struct del_arg d;

		for (c = sa->children; c; c = c->next) {
			uint32_t spi = htonl(c->spi_in);

			d = (struct del_arg){ ISAKMP_PROTO_ESP, &spi, 4, 1 };
			send_info(e, sa, fill_delete, &d);
		}
		memcpy(cookies, sa->ci, ISAKMP_COOKIE_LEN);
		memcpy(cookies + ISAKMP_COOKIE_LEN, sa->cr, ISAKMP_COOKIE_LEN);
		d = (struct del_arg){ ISAKMP_PROTO_ISAKMP, cookies, sizeof(cookies), 1 };
		send_info(e, sa, fill_delete, &d);
	}
	if (sa->state == SA_ESTABLISHED)
		log_msg(LOG_INFO, "ISAKMP SA %u with %s deleted", sa->conn_id,
			addr_str(&sa->peer, a));
	sa_free(e, sa);
}

/* ---- Main Mode --------------------------------------------------------------- */

static void mm_reply(struct ike_engine *e, struct ike_sa *sa, const uint8_t *buf, size_t len)
{
	uint8_t *r = realloc(sa->reply, len);

	if (r) {	/* without it a retransmitted request goes unanswered, no worse */
		memcpy(r, buf, len);
		sa->reply = r;
		sa->reply_len = len;
	}
	xmit(e, sa, buf, len);
}

static void mm1(struct ike_engine *e, const struct isakmp_msg *m, const uint8_t *raw,
		size_t rawlen, const struct sockaddr_in *local, const struct sockaddr_in *peer)
{
	const struct isakmp_payload *pl;
	struct isakmp_hdr h = m->hdr;
	struct ike_p1_choice c;
	char a[INET_ADDRSTRLEN];
	struct isakmp_enc enc;
	struct isakmp_sa isa;
	uint8_t buf[MSG_MAX];
	const uint8_t *vid;
	struct ike_sa *sa;
	unsigned int i = 0;
	size_t vlen;
	int len;

	pl = isakmp_find(m, ISAKMP_NP_SA, &i);
	if (!pl || m->hdr.msgid || isakmp_decode_sa(pl, &isa)) {
		log_ratelimited("MM1 from %s: no usable SA payload", addr_str(peer, a));
		notify_plain(e, local, peer, &m->hdr, ISAKMP_N_PAYLOAD_MALFORMED);
		return;
	}
	if (e->half_open >= IKE_HALF_OPEN_MAX) {
		log_ratelimited("MM1 from %s dropped: %u half-open exchanges", addr_str(peer, a),
				e->half_open);
		return;
	}
	if (ike_p1_select(e->conf->policies, e->conf->npolicies, e->conf->legacy, &isa, &c)) {
		log_msg(LOG_NOTICE, "phase 1 with %s: no proposal matches an isakmp policy",
			addr_str(peer, a));
		notify_plain(e, local, peer, &m->hdr, ISAKMP_N_NO_PROPOSAL_CHOSEN);
		return;
	}

	sa = calloc(1, sizeof(*sa));
	if (!sa)
		return;
	sa->mm = calloc(1, sizeof(*sa->mm));
	if (sa->mm)
		sa->mm->sai_b = malloc(pl->len);
	if (!sa->mm || !sa->mm->sai_b) {
		free(sa->mm);
		free(sa);
		return;
	}
	memcpy(sa->mm->sai_b, pl->body, pl->len);
	sa->mm->sai_len = pl->len;
	memcpy(sa->ci, m->hdr.icookie, ISAKMP_COOKIE_LEN);
	RAND_bytes(sa->cr, ISAKMP_COOKIE_LEN);
	sa->local = *local;
	sa->peer = *peer;
	sa->attrs = c.attrs;
	sa->lifetime = c.lifetime;
	sa->state = SA_MM2_SENT;
	sa->created = e->now;
	for (i = 0; (pl = isakmp_find(m, ISAKMP_NP_VID, &i));)
		if (isakmp_vid_classify(pl->body, pl->len) == ISAKMP_VID_DPD)
			sa->dpd_peer = true;
	sa->conn_id = ++e->next_conn_id;
	digest(raw, rawlen, sa->in_digest);
	sa->next = e->sas;
	e->sas = sa;
	e->half_open++;
	log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): MM1 from %s: policy %u accepted (enc %u/%u hash %u group %u, lifetime %u)",
		  sa->conn_id, addr_str(peer, a),
		  e->conf->policy_prio[c.policy - e->conf->policies], c.attrs.enc, c.attrs.keylen,
		  c.attrs.hash, c.attrs.group, c.lifetime);

	memcpy(h.rcookie, sa->cr, ISAKMP_COOKIE_LEN);
	h.flags = 0;
	isakmp_enc_init(&enc, buf, sizeof(buf), &h);
	isakmp_put_sa_reply(&enc, &isa, &isa.p[c.prop], &isa.t[c.trans], NULL, 0);
	vid = isakmp_vid_bytes(ISAKMP_VID_DPD, &vlen);
	if (vid)
		isakmp_put_data(&enc, ISAKMP_NP_VID, vid, vlen);
	len = isakmp_enc_finish(&enc);
	if (len > 0)
		mm_reply(e, sa, buf, len);
}

static void mm3(struct ike_engine *e, struct ike_sa *sa, const struct isakmp_msg *m)
{
	struct mm *mm = sa->mm;
	const uint8_t *ke, *ni;
	uint16_t kelen, nilen;
	const struct isakmp_payload *pke, *pni;
	const struct conf_psk *psk;
	uint8_t gxy[IKE_MAX_DH], buf[MSG_MAX];
	struct isakmp_enc enc;
	struct isakmp_hdr h = m->hdr;
	char a[INET_ADDRSTRLEN];
	struct ike_dh *dh;
	unsigned int i = 0, j = 0;
	int len;

	pke = isakmp_find(m, ISAKMP_NP_KE, &i);
	pni = isakmp_find(m, ISAKMP_NP_NONCE, &j);
	mm->glen = ike_dh_len(sa->attrs.group);
	if (!pke || !pni || isakmp_decode_data(pke, ISAKMP_NP_KE, &ke, &kelen) ||
	    isakmp_decode_nonce(pni, &ni, &nilen) || kelen != mm->glen) {
		log_ratelimited("ISAKMP (%u): MM3 from %s: bad KE or nonce", sa->conn_id,
				addr_str(&sa->peer, a));
		notify_plain(e, &sa->local, &sa->peer, &m->hdr, ISAKMP_N_PAYLOAD_MALFORMED);
		sa_delete(e, sa, false);
		return;
	}
	psk = conf_psk_lookup(e->conf, ntohl(sa->peer.sin_addr.s_addr));
	if (!psk) {
		log_msg(LOG_NOTICE, "phase 1 with %s: no pre-shared key for this address",
			addr_str(&sa->peer, a));
		notify_plain(e, &sa->local, &sa->peer, &m->hdr, ISAKMP_N_AUTHENTICATION_FAILED);
		sa_delete(e, sa, false);
		return;
	}
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
				addr_str(&sa->peer, a));
		notify_plain(e, &sa->local, &sa->peer, &m->hdr, ISAKMP_N_INVALID_KEY_INFORMATION);
		sa_delete(e, sa, false);
		return;
	}
	ike_dh_free(dh);
	OPENSSL_cleanse(gxy, sizeof(gxy));
	log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): SKEYID state generated", sa->conn_id);

	h.flags = 0;
	isakmp_enc_init(&enc, buf, sizeof(buf), &h);
	isakmp_put_data(&enc, ISAKMP_NP_KE, mm->gxr, mm->glen);
	isakmp_put_data(&enc, ISAKMP_NP_NONCE, mm->nr, NONCE_LEN);
	len = isakmp_enc_finish(&enc);
	if (len > 0) {
		sa->state = SA_MM4_SENT;
		mm_reply(e, sa, buf, len);
	}
}

static bool same_identity(const struct ike_sa *a, const struct ike_sa *b)
{
	return a->id_type == b->id_type && a->id_len == b->id_len &&
	       !memcmp(a->id_data, b->id_data, a->id_len) &&
	       a->peer.sin_addr.s_addr == b->peer.sin_addr.s_addr &&
	       a->peer.sin_port == b->peer.sin_port;
}

/* RFC 2407 4.6.3.3: the peer rebooted; what it had with us before is gone. */
static void initial_contact(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_sa *o, *next;

	for (o = e->sas; o; o = next) {
		next = o->next;
		if (o != sa && o->state == SA_ESTABLISHED && same_identity(o, sa)) {
			log_msg(LOG_INFO, "INITIAL-CONTACT: replacing ISAKMP SA %u", o->conn_id);
			sa_delete(e, o, false);
		}
	}
}

static void mm5(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m)
{
	const struct isakmp_payload *pid, *phash, *pn;
	uint8_t plain[MSG_MAX], buf[MSG_MAX], hash[IKE_MAX_HASH], idb[8];
	struct ike_auth_in ain;
	struct isakmp_notify_pl n;
	struct isakmp_enc enc;
	struct isakmp_hdr h = m->hdr;
	char a[INET_ADDRSTRLEN];
	struct isakmp_id id;
	const uint8_t *hd;
	unsigned int i = 0;
	uint16_t hl;
	int len;

	if (ike_msg_decrypt(&sa->keys, sa->iv, m, plain, sizeof(plain)))
		goto auth_failed;
	i = 0;
	pid = isakmp_find(m, ISAKMP_NP_ID, &i);
	i = 0;
	phash = isakmp_find(m, ISAKMP_NP_HASH, &i);
	if (!pid || !phash || isakmp_decode_id(pid, &id) ||
	    isakmp_decode_data(phash, ISAKMP_NP_HASH, &hd, &hl) || hl != sa->keys.prf_len)
		goto auth_failed;
	ain = (struct ike_auth_in){
		.gxi = IKE_CHUNK(sa->mm->gxi, sa->mm->glen),
		.gxr = IKE_CHUNK(sa->mm->gxr, sa->mm->glen),
		.ckyi = sa->ci, .ckyr = sa->cr,
		.sai_b = IKE_CHUNK(sa->mm->sai_b, sa->mm->sai_len),
		.id_b = IKE_CHUNK(id.body, id.body_len),
	};
	if (ike_hash_i(&sa->keys, &ain, hash) || CRYPTO_memcmp(hash, hd, hl))
		goto auth_failed;

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
		goto auth_failed;
	h.flags = 0;
	isakmp_enc_init(&enc, buf, sizeof(buf), &h);
	isakmp_put_id(&enc, ISAKMP_ID_IPV4_ADDR, id.proto, id.port, idb + 4, 4);
	isakmp_put_data(&enc, ISAKMP_NP_HASH, hash, sa->keys.prf_len);
	len = isakmp_enc_finish(&enc);
	if (len > 0)
		len = ike_msg_encrypt(&sa->keys, sa->iv, buf, len, sizeof(buf));
	if (len <= 0)
		return;
	memcpy(sa->p1_last, sa->iv, sizeof(sa->p1_last));
	sa->state = SA_ESTABLISHED;
	mm_done(sa);
	sa->expires = e->now + sa->lifetime;
	e->half_open--;
	mm_reply(e, sa, buf, len);
	log_msg(LOG_INFO, "ISAKMP SA %u established with %s (enc %u/%u, hash %u, group %u, %u s)",
		sa->conn_id, addr_str(&sa->peer, a), sa->attrs.enc, sa->attrs.keylen,
		sa->attrs.hash, sa->attrs.group, sa->lifetime);
	sa->grp = conf_group_for(e->conf, sa->id_type, sa->id_data, sa->id_len);
	if (sa->grp)
		log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): client configuration group %s",
			  sa->conn_id, sa->grp->name);
	if (sa->initial_contact)
		initial_contact(e, sa);
	if (e->conf->modecfg & CONF_MODECFG_INITIATE)
		mc_push(e, sa);
	return;

auth_failed:
	log_msg(LOG_NOTICE, "phase 1 with %s failed: MM5 did not authenticate (wrong pre-shared key?)",
		addr_str(&sa->peer, a));
	notify_plain(e, &sa->local, &sa->peer, &m->hdr, ISAKMP_N_INVALID_HASH_INFORMATION);
	sa_delete(e, sa, false);
}

/* ---- Quick Mode ------------------------------------------------------------------ */

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
	n->plen = 32 - __builtin_ctz(size ? size : 1);
	if (!size)
		n->plen = 0;
	return 0;
}

/* The Quick Mode of msgid, or a new one (NULL when all slots are busy or no memory). */
static struct qm *qm_slot(struct ike_sa *sa, uint32_t msgid)
{
	int free_slot = -1;
	unsigned int i;

	for (i = 0; i < QM_SLOTS; i++) {
		if (sa->qm[i] && sa->qm[i]->msgid == msgid)
			return sa->qm[i];
		if ((!sa->qm[i] || !sa->qm[i]->msgid) && free_slot < 0)
			free_slot = (int)i;
	}
	if (free_slot < 0)
		return NULL;
	if (!sa->qm[free_slot])
		sa->qm[free_slot] = calloc(1, sizeof(struct qm));
	return sa->qm[free_slot];
}

static void qm_fail(struct ike_engine *e, struct ike_sa *sa, struct qm *q, uint16_t type,
		    const char *why)
{
	char a[INET_ADDRSTRLEN];

	log_msg(LOG_NOTICE, "phase 2 with %s refused: %s", addr_str(&sa->peer, a), why);
	notify_protected(e, sa, type);
	qm_done(sa, q);
}

/* The local side a client asks for must lie within a protected network. */
static bool local_allowed(const struct conf *conf, struct conf_net *want)
{
	size_t i;

	if (want->plen == 0 && conf->dynmap.nnets == 1) {
		*want = conf->dynmap.nets[0];	/* 0.0.0.0/0 narrowed to what we protect */
		return true;
	}
	for (i = 0; i < conf->dynmap.nnets; i++)
		if (net_covers(&conf->dynmap.nets[i], want))
			return true;
	return false;
}

static bool spi_in_use(struct ike_engine *e, const struct qm *self, uint32_t spi)
{
	struct ike_sa *s;
	struct child *c;
	unsigned int i;

	for (s = e->sas; s; s = s->next) {
		for (c = s->children; c; c = c->next)
			if (c->spi_in == spi)
				return true;
		for (i = 0; i < QM_SLOTS; i++)
			if (s->qm[i] && s->qm[i] != self && s->qm[i]->msgid &&
			    s->qm[i]->c.spi_in == spi)
				return true;
	}
	return false;
}

static void qm1(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m, struct qm *q,
		const uint8_t *rawd)
{
	const struct conf *conf = e->conf;
	const struct conf_dynmap *dm = &conf->dynmap;
	struct ike_p2_transform ts[CONF_MAX_TSETS];
	const struct isakmp_payload *psa, *pni, *pke, *pidi, *pidr;
	struct isakmp_id idi, idr;
	struct ike_p2_policy pol;
	struct ike_p2_choice ch;
	struct isakmp_sa isa;
	struct isakmp_enc enc;
	struct isakmp_hdr h = m->hdr;
	uint8_t buf[MSG_MAX], zero[IKE_MAX_HASH] = { 0 }, gxr[IKE_MAX_DH];
	size_t hoff = ISAKMP_HDR_LEN + ISAKMP_GEN_LEN, hl = sa->keys.prf_len, glen = 0;
	const uint8_t *ni, *ke = NULL;
	uint16_t nilen, kelen = 0;
	char l[40], r[40];
	unsigned int i = 0;
	uint32_t spi_be;
	size_t k;
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
	};
	if (ike_p2_select(&pol, &isa, kelen, &ch))
		return qm_fail(e, sa, q, ISAKMP_N_NO_PROPOSAL_CHOSEN,
			       "no proposal matches the transform sets");

	if (pidi) {
		if (id_net(pidi, &idi, &q->c.remote) || id_net(pidr, &idr, &q->c.local))
			return qm_fail(e, sa, q, ISAKMP_N_INVALID_ID_INFORMATION,
				       "proxy IDs are not IPv4 addresses, subnets or prefixes");
	} else {
		/* no IDs: between the two peers themselves (RFC 2409 5.5) */
		q->c.remote = (struct conf_net){ ntohl(sa->peer.sin_addr.s_addr), 32 };
		q->c.local = (struct conf_net){ ntohl(sa->local.sin_addr.s_addr), 32 };
	}
	if (q->c.remote.plen != 32)
		return qm_fail(e, sa, q, ISAKMP_N_INVALID_ID_INFORMATION,
			       "a remote-access client proposes one address for itself");
	if (mc_check_proxy(e, sa, q->c.remote.addr))
		return qm_fail(e, sa, q, ISAKMP_N_INVALID_ID_INFORMATION,
			       "the client's proxy ID is not its own (leased or outside) address");
	if (!local_allowed(conf, &q->c.local))
		return qm_fail(e, sa, q, ISAKMP_N_INVALID_ID_INFORMATION,
			       "the network asked for is not a protected network");

	q->msgid = m->hdr.msgid;
	memcpy(q->in_digest, rawd, DIGEST_LEN);
	memcpy(q->ni, ni, nilen);
	q->ni_len = nilen;
	RAND_bytes(q->nr, NONCE_LEN);
	q->c.esp = ch.ts->esp;
	q->c.keybits = ch.ts->keybits;
	q->c.auth = ch.ts->auth;
	q->c.spi_out = ch.peer_spi;
	q->life_sec = ch.life_sec;
	q->life_kb = ch.life_kb;
	do
		q->c.spi_in = random_u32();
	while (q->c.spi_in < 256 || spi_in_use(e, q, q->c.spi_in));
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

	spi_be = htonl(q->c.spi_in);
	h.flags = 0;
	isakmp_enc_init(&enc, buf, sizeof(buf), &h);
	isakmp_put_data(&enc, ISAKMP_NP_HASH, zero, hl);
	isakmp_put_sa_reply(&enc, &isa, &isa.p[ch.prop], &isa.t[ch.trans], &spi_be, 4);
	isakmp_put_data(&enc, ISAKMP_NP_NONCE, q->nr, NONCE_LEN);
	if (glen)
		isakmp_put_data(&enc, ISAKMP_NP_KE, gxr, glen);
	if (pidi) {
		uint32_t a = htonl(q->c.local.addr), msk = htonl(mask(q->c.local.plen));
		uint8_t sub[8];

		isakmp_put_id(&enc, idi.type, idi.proto, idi.port, idi.data, idi.len);
		memcpy(sub, &a, 4);
		memcpy(sub + 4, &msk, 4);
		if (q->c.local.plen == 32)
			isakmp_put_id(&enc, ISAKMP_ID_IPV4_ADDR, idr.proto, idr.port, sub, 4);
		else
			isakmp_put_id(&enc, ISAKMP_ID_IPV4_ADDR_SUBNET, idr.proto, idr.port, sub, 8);
	}
	if (ch.notify_sec || ch.notify_kb)
		isakmp_put_responder_lifetime(&enc, ISAKMP_PROTO_ESP, &spi_be, 4,
					      ch.notify_sec ? ch.life_sec : 0,
					      ch.notify_kb ? ch.life_kb : 0);
	len = isakmp_enc_finish(&enc);
	if (len <= 0 ||
	    ike_qm_hash2(&sa->keys, q->msgid, IKE_CHUNK(q->ni, q->ni_len),
			 IKE_CHUNK(buf + hoff + hl, len - hoff - hl), buf + hoff))
		return qm_fail(e, sa, q, ISAKMP_N_PAYLOAD_MALFORMED, "cannot build QM2");
	len = ike_msg_encrypt(&sa->keys, q->iv, buf, len, sizeof(buf));
	if (len <= 0)
		return qm_fail(e, sa, q, ISAKMP_N_PAYLOAD_MALFORMED, "cannot encrypt QM2");
	memcpy(q->reply, buf, len);
	q->reply_len = len;
	q->retx = 0;
	q->next_retx = e->now + 2;
	xmit(e, sa, buf, len);
	log_debug(LOG_CAT_IPSEC, "ISAKMP (%u): QM2 sent: %s <-> %s, esp %u/%u auth %u%s",
		  sa->conn_id, net_str(&q->c.local, l, sizeof(l)),
		  net_str(&q->c.remote, r, sizeof(r)), q->c.esp, q->c.keybits, q->c.auth,
		  glen ? ", PFS" : "");
}

static void qm3(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m, struct qm *q)
{
	const uint8_t *hash, *rest;
	uint8_t want[IKE_MAX_HASH];
	char a[INET_ADDRSTRLEN], l[40], r[40];
	struct child *c;
	uint16_t hl;
	size_t rl;

	if (isakmp_hashed(m, &hash, &hl, &rest, &rl) || hl != sa->keys.prf_len ||
	    ike_qm_hash3(&sa->keys, q->msgid, IKE_CHUNK(q->ni, q->ni_len),
			 IKE_CHUNK(q->nr, NONCE_LEN), want) || CRYPTO_memcmp(want, hash, hl)) {
		log_ratelimited("ISAKMP (%u): QM3 from %s does not verify", sa->conn_id,
				addr_str(&sa->peer, a));
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return;
	*c = q->c;
	c->installed = e->now;
	/* inbound first: the peer may send as soon as it has sent QM3 */
	if (install_sa(e, sa, q, true) || install_sa(e, sa, q, false) ||
	    install_policy(e, sa, c)) {
		log_msg(LOG_ERR, "ISAKMP (%u): installing the IPsec SAs failed", sa->conn_id);
		kernel_sa_del(e->k, sa->local.sin_addr.s_addr, c->spi_in);
		kernel_sa_del(e->k, sa->peer.sin_addr.s_addr, c->spi_out);
		free(c);
		qm_done(sa, q);
		return;
	}
	c->next = sa->children;
	sa->children = c;
	if (e->conf->dynmap.reverse_route && !route_shared(e, c) &&
	    !kernel_route_add(e->k, &c->remote, sa->peer.sin_addr.s_addr))
		log_debug(LOG_CAT_IPSEC, "ISAKMP (%u): adding static route for %s", sa->conn_id,
			  net_str(&c->remote, r, sizeof(r)));
	log_msg(LOG_INFO, "IPsec SAs up with %s: %s <-> %s, spi in 0x%08x out 0x%08x",
		addr_str(&sa->peer, a), net_str(&c->local, l, sizeof(l)),
		net_str(&c->remote, r, sizeof(r)), c->spi_in, c->spi_out);
	qm_done(sa, q);
}

static void quick(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m,
		  const uint8_t *rawd)
{
	uint8_t plain[MSG_MAX], iv[IKE_MAX_BLOCK], want[IKE_MAX_HASH];
	const uint8_t *hash, *rest;
	char a[INET_ADDRSTRLEN];
	struct qm *q;
	uint16_t hl;
	size_t rl;
	bool fresh;

	if (!m->hdr.msgid || !(m->hdr.flags & ISAKMP_FLAG_ENC))
		return;
	q = qm_slot(sa, m->hdr.msgid);
	if (!q) {
		log_ratelimited("ISAKMP (%u): too many Quick Modes at once from %s", sa->conn_id,
				addr_str(&sa->peer, a));
		return;
	}
	fresh = q->msgid != m->hdr.msgid;
	if (!fresh && !memcmp(q->in_digest, rawd, DIGEST_LEN)) {
		xmit(e, sa, q->reply, q->reply_len);	/* QM1 again: QM2 again */
		return;
	}
	if (fresh) {
		memset(q, 0, sizeof(*q));
		if (ike_p2_iv(&sa->keys, sa->p1_last, m->hdr.msgid, q->iv)) {
			log_msg(LOG_ERR, "ISAKMP (%u): cannot derive the Quick Mode IV", sa->conn_id);
			return;
		}
	}
	log_debug(LOG_CAT_IPSEC, "ISAKMP (%u): Quick Mode message %08x from %s%s", sa->conn_id,
		  m->hdr.msgid, addr_str(&sa->peer, a), fresh ? " (new)" : "");
	memcpy(iv, q->iv, sizeof(iv));
	if (ike_msg_decrypt(&sa->keys, iv, m, plain, sizeof(plain)) ||
	    isakmp_hashed(m, &hash, &hl, &rest, &rl) || hl != sa->keys.prf_len) {
		log_ratelimited("ISAKMP (%u): undecodable Quick Mode message from %s", sa->conn_id,
				addr_str(&sa->peer, a));
		if (fresh)
			qm_done(sa, q);
		return;
	}
	if (fresh) {
		if (ike_qm_hash1(&sa->keys, m->hdr.msgid, IKE_CHUNK(rest, rl), want) ||
		    CRYPTO_memcmp(want, hash, hl)) {
			log_ratelimited("ISAKMP (%u): QM1 from %s: HASH(1) does not verify",
					sa->conn_id, addr_str(&sa->peer, a));
			qm_done(sa, q);
			return;
		}
		memcpy(q->iv, iv, sizeof(iv));		/* QM2 continues the chain */
		qm1(e, sa, m, q, rawd);
		return;
	}
	memcpy(q->iv, iv, sizeof(iv));
	qm3(e, sa, m, q);
}

/* ---- informational ------------------------------------------------------------------ */

static void fill_dpd_ack(struct isakmp_enc *enc, const void *arg)
{
	const struct isakmp_notify_pl *n = arg;

	isakmp_put_notify(enc, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, ISAKMP_N_DPD_R_U_THERE_ACK,
			  n->spi, n->spi_size, n->data, n->len);
}

static struct child *child_by_spi(struct ike_sa *sa, uint32_t spi)
{
	struct child *c;

	for (c = sa->children; c; c = c->next)
		if (c->spi_out == spi || c->spi_in == spi)
			return c;
	return NULL;
}

/* ---- DPD (RFC 3706): "crypto isakmp keepalive SECONDS RETRY" ----------------------- */

#define DPD_TRIES	5	/* R-U-THEREs without an answer before the peer is dead */

struct dpd_arg {
	const uint8_t *ci, *cr;
	uint32_t seq;
};

static void fill_dpd(struct isakmp_enc *enc, const void *arg)
{
	const struct dpd_arg *d = arg;
	uint8_t spi[2 * ISAKMP_COOKIE_LEN];
	uint32_t seq = htonl(d->seq);

	memcpy(spi, d->ci, ISAKMP_COOKIE_LEN);
	memcpy(spi + ISAKMP_COOKIE_LEN, d->cr, ISAKMP_COOKIE_LEN);
	isakmp_put_notify(enc, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, ISAKMP_N_DPD_R_U_THERE,
			  spi, sizeof(spi), &seq, 4);
}

static void dpd_ack(struct ike_sa *sa, const struct isakmp_notify_pl *n)
{
	uint32_t seq;

	if (!sa->dpd_tries || n->len != 4)
		return;
	memcpy(&seq, n->data, 4);
	seq = ntohl(seq);
	if (seq - sa->dpd_first <= sa->dpd_seq - sa->dpd_first)	/* one of ours, wrap-safe */
		sa->dpd_tries = 0;
}

/*
 * After dpd_sec seconds without a word from a peer that does DPD, ask
 * R-U-THERE every dpd_retry seconds; DPD_TRIES unanswered and the peer is
 * dead: its ISAKMP SA goes, and with it its IPsec SAs, routes and lease.
 * Returns false when the SA was deleted.
 */
static bool dpd_timer(struct ike_engine *e, struct ike_sa *sa, uint64_t now, unsigned int *wait)
{
	const struct conf *conf = e->conf;
	char a[INET_ADDRSTRLEN];
	struct dpd_arg d;

	if (!conf->dpd_sec || !sa->dpd_peer)
		return true;
	if (!sa->dpd_tries) {
		if (now < sa->heard + conf->dpd_sec) {
			if (sa->heard + conf->dpd_sec - now < *wait)
				*wait = (unsigned int)(sa->heard + conf->dpd_sec - now);
			return true;
		}
		if (!sa->dpd_seq)
			RAND_bytes((unsigned char *)&sa->dpd_seq, sizeof(sa->dpd_seq));
		sa->dpd_first = sa->dpd_seq + 1;
	} else if (now < sa->dpd_next) {
		if (sa->dpd_next - now < *wait)
			*wait = (unsigned int)(sa->dpd_next - now);
		return true;
	} else if (sa->dpd_tries >= DPD_TRIES) {
		log_msg(LOG_NOTICE, "ISAKMP (%u): %s is dead (%u R-U-THERE unanswered): "
			"deleting its SAs", sa->conn_id, addr_str(&sa->peer, a), sa->dpd_tries);
		sa_delete(e, sa, false);
		return false;
	}
	sa->dpd_tries++;
	sa->dpd_next = now + conf->dpd_retry;
	d = (struct dpd_arg){ sa->ci, sa->cr, ++sa->dpd_seq };
	send_info(e, sa, fill_dpd, &d);
	log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): DPD R-U-THERE %u to %s", sa->conn_id, d.seq,
		  addr_str(&sa->peer, a));
	if (conf->dpd_retry < *wait)
		*wait = conf->dpd_retry;
	return true;
}

static void info(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m)
{
	uint8_t plain[MSG_MAX], iv[IKE_MAX_BLOCK], want[IKE_MAX_HASH];
	const struct isakmp_payload *pl;
	const uint8_t *hash, *rest;
	struct isakmp_notify_pl n;
	struct isakmp_delete d;
	char a[INET_ADDRSTRLEN];
	unsigned int i, k;
	uint16_t hl;
	size_t rl;

	if (!(m->hdr.flags & ISAKMP_FLAG_ENC) ||
	    ike_p2_iv(&sa->keys, sa->p1_last, m->hdr.msgid, iv) ||
	    ike_msg_decrypt(&sa->keys, iv, m, plain, sizeof(plain)) ||
	    isakmp_hashed(m, &hash, &hl, &rest, &rl) || hl != sa->keys.prf_len ||
	    ike_qm_hash1(&sa->keys, m->hdr.msgid, IKE_CHUNK(rest, rl), want) ||
	    CRYPTO_memcmp(want, hash, hl)) {
		log_ratelimited("ISAKMP (%u): informational from %s does not verify", sa->conn_id,
				addr_str(&sa->peer, a));
		return;
	}
	for (i = 0; (pl = isakmp_find(m, ISAKMP_NP_N, &i));) {
		if (isakmp_decode_notify(pl, &n))
			continue;
		if (n.type == ISAKMP_N_DPD_R_U_THERE)
			send_info(e, sa, fill_dpd_ack, &n);
		else if (n.type == ISAKMP_N_DPD_R_U_THERE_ACK)
			dpd_ack(sa, &n);
		else if (n.type == ISAKMP_N_INITIAL_CONTACT)
			initial_contact(e, sa);
		else
			log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): notify %s from %s", sa->conn_id,
				  isakmp_notify_name(n.type), addr_str(&sa->peer, a));
	}
	for (i = 0; (pl = isakmp_find(m, ISAKMP_NP_D, &i));) {
		if (isakmp_decode_delete(pl, &d))
			continue;
		if (d.proto == ISAKMP_PROTO_ISAKMP) {
			log_msg(LOG_INFO, "ISAKMP SA %u: %s deleted it", sa->conn_id,
				addr_str(&sa->peer, a));
			sa_delete(e, sa, false);
			return;
		}
		if (d.proto != ISAKMP_PROTO_ESP || d.spi_size != 4)
			continue;
		for (k = 0; k < d.nspi; k++) {
			uint32_t spi;
			struct child *c;

			memcpy(&spi, d.spis + 4 * k, 4);
			c = child_by_spi(sa, ntohl(spi));
			if (c)
				child_remove(e, sa, c);
		}
	}
}

/* ---- Mode-Config (modecfg.c): what it needs of an SA ----------------------------------- */

static void mc_send(const struct modecfg_io *io, const void *buf, size_t len)
{
	xmit(io->e, io->sa, buf, len);
}

static void mc_io(struct ike_engine *e, struct ike_sa *sa, struct modecfg_io *io)
{
	*io = (struct modecfg_io){
		.st = &sa->mc, .keys = &sa->keys, .p1_last = sa->p1_last, .ci = sa->ci,
		.cr = sa->cr, .conn_id = sa->conn_id, .peer = &sa->peer, .grp = sa->grp,
		.now = e->now, .send = mc_send, .e = e, .sa = sa,
	};
	/* the group's pool, else the isakmp client configuration pool */
	if (sa->grp && sa->grp->pool >= 0)
		io->pool = e->pools[sa->grp->pool];
	else if (e->conf->isakmp_pool >= 0)
		io->pool = e->pools[e->conf->isakmp_pool];
	io->key.id_type = sa->id_type;
	io->key.id_len = sa->id_len < POOL_ID_MAX ? sa->id_len : POOL_ID_MAX;
	memcpy(io->key.id, sa->id_data, io->key.id_len);
	io->key.addr = sa->peer.sin_addr.s_addr;
	io->key.port = sa->peer.sin_port;
}

/* The pool is exhausted: refuse the client by ending its ISAKMP SA (it gets the DELETE). */
static void mc_refuse(struct ike_engine *e, struct ike_sa *sa)
{
	char a[INET_ADDRSTRLEN];

	log_msg(LOG_NOTICE, "ISAKMP (%u): %s refused: no address to give, ISAKMP SA deleted",
		sa->conn_id, addr_str(&sa->peer, a));
	sa_delete(e, sa, true);
}

static void mc_push(struct ike_engine *e, struct ike_sa *sa)
{
	struct modecfg_io io;

	mc_io(e, sa, &io);
	if (modecfg_push(&io) == -ENOSPC)
		mc_refuse(e, sa);
}

static int mc_check_proxy(struct ike_engine *e, struct ike_sa *sa, uint32_t addr)
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

static void mc_timer(struct ike_engine *e, struct ike_sa *sa)
{
	struct modecfg_io io;

	mc_io(e, sa, &io);
	modecfg_timer(&io);
}

/* ---- entry points -------------------------------------------------------------------- */

void ike_input(struct ike_engine *e, const uint8_t *buf, size_t len,
	       const struct sockaddr_in *local, const struct sockaddr_in *peer, uint64_t now)
{
	uint8_t rawd[DIGEST_LEN];
	char a[INET_ADDRSTRLEN];
	struct isakmp_msg m;
	struct ike_sa *sa;
	int ret;

	e->now = now;
	ret = isakmp_decode(buf, len, &m);
	if (ret < 0) {
		log_ratelimited("malformed ISAKMP message from %s: %s", addr_str(peer, a),
				isakmp_strerror(ret));
		return;
	}
	digest(buf, len, rawd);
	sa = sa_find(e, &m.hdr, peer);
	if (!sa) {
		static const uint8_t zero[ISAKMP_COOKIE_LEN];

		if (m.hdr.exch == ISAKMP_EXCH_IDPROT && !memcmp(m.hdr.rcookie, zero, sizeof(zero)) &&
		    ret == ISAKMP_OK)
			mm1(e, &m, buf, len, local, peer);
		else
			log_ratelimited("%s from %s for no known ISAKMP SA",
					isakmp_exch_name(m.hdr.exch), addr_str(peer, a));
		return;
	}
	sa->heard = now;	/* for DPD: the peer is alive, whatever it sent */
	sa->dpd_tries = 0;
	if (m.hdr.exch == ISAKMP_EXCH_IDPROT && !memcmp(sa->in_digest, rawd, DIGEST_LEN)) {
		xmit(e, sa, sa->reply, sa->reply_len);	/* a retransmission: same answer */
		return;
	}
	switch (m.hdr.exch) {
	case ISAKMP_EXCH_IDPROT:
		memcpy(sa->in_digest, rawd, DIGEST_LEN);
		if (sa->state == SA_MM2_SENT && ret == ISAKMP_OK)
			mm3(e, sa, &m);
		else if (sa->state == SA_MM4_SENT && ret == ISAKMP_ENCRYPTED)
			mm5(e, sa, &m);
		break;
	case ISAKMP_EXCH_QUICK:
		if (sa->state == SA_ESTABLISHED)
			quick(e, sa, &m, rawd);
		break;
	case ISAKMP_EXCH_INFO:
		if (sa->state == SA_ESTABLISHED)
			info(e, sa, &m);
		break;
	case ISAKMP_EXCH_TRANSACTION:
		if (sa->state == SA_ESTABLISHED)
			mc_input(e, sa, &m);
		break;
	default:
		log_ratelimited("ISAKMP (%u): %s exchange from %s not supported", sa->conn_id,
				isakmp_exch_name(m.hdr.exch), addr_str(peer, a));
	}
}

unsigned int ike_timer(struct ike_engine *e, uint64_t now)
{
	struct ike_sa *sa, *next;
	unsigned int wait = 10, i;

	e->now = now;
	for (sa = e->sas; sa; sa = next) {
		next = sa->next;
		if (sa->state != SA_ESTABLISHED) {
			if (now >= sa->created + IKE_HALF_OPEN_TIMEOUT)
				sa_delete(e, sa, false);
			continue;
		}
		if (now >= sa->expires) {
			sa_delete(e, sa, true);
			continue;
		}
		if (!dpd_timer(e, sa, now, &wait))
			continue;
		mc_timer(e, sa);
		for (i = 0; i < QM_SLOTS; i++) {
			struct qm *q = sa->qm[i];

			if (!q || !q->msgid || now < q->next_retx)
				continue;
			if (q->retx >= IKE_QM_RETRANSMITS) {
				log_msg(LOG_NOTICE, "ISAKMP (%u): no QM3, Quick Mode abandoned",
					sa->conn_id);
				qm_done(sa, q);
				continue;
			}
			q->retx++;
			q->next_retx = now + (2u << q->retx);
			xmit(e, sa, q->reply, q->reply_len);
			if (2u << q->retx < wait)
				wait = 2u << q->retx;
		}
	}
	return wait;
}

void ike_kernel_expire(struct ike_engine *e, const struct espgw_sa *ks)
{
	struct ike_sa *sa;
	struct child *c;

	if (ks->expire_kind != ESPGW_EXPIRE_KIND_HARD) {
		log_debug(LOG_CAT_ENGINE, "SA 0x%08x: soft lifetime reached", ks->spi);
		return;
	}
	for (sa = e->sas; sa; sa = sa->next) {
		c = child_by_spi(sa, ks->spi);
		if (c) {
			uint32_t spi = htonl(c->spi_in);
			struct del_arg d = { ISAKMP_PROTO_ESP, &spi, 4, 1 };

			char a[INET_ADDRSTRLEN];

			log_msg(LOG_INFO, "SA 0x%08x: hard lifetime reached: IPsec SAs with %s "
				"removed, DELETE sent", ks->spi, addr_str(&sa->peer, a));
			send_info(e, sa, fill_delete, &d);
			child_remove(e, sa, c);
			return;
		}
	}
}

static const char *state_name(const struct ike_sa *sa)
{
	switch (sa->state) {
	case SA_MM2_SENT:	return "MM_SA_SETUP";
	case SA_MM4_SENT:	return "MM_KEY_EXCH";
	default:		return "QM_IDLE";
	}
}

/* 'show crypto isakmp sa detail' words: des, 3des, aes-128...; md5, sha, sha256... */
static const char *enc_str(const struct ike_p1_attrs *a, char *buf, size_t len)
{
	switch (a->enc) {
	case IKE_ENC_DES:	return "des";
	case IKE_ENC_3DES:	return "3des";
	case IKE_ENC_AES_CBC:	snprintf(buf, len, "aes-%u", a->keylen); return buf;
	default:		snprintf(buf, len, "%u", a->enc); return buf;
	}
}

static const char *hash_str(uint16_t hash)
{
	switch (hash) {
	case IKE_HASH_MD5:	return "md5";
	case IKE_HASH_SHA1:	return "sha";
	case IKE_HASH_SHA2_256:	return "sha256";
	case IKE_HASH_SHA2_384:	return "sha384";
	case IKE_HASH_SHA2_512:	return "sha512";
	default:		return "?";
	}
}

void ike_show(struct ike_engine *e, FILE *f, bool json, uint64_t now)
{
	char l[INET_ADDRSTRLEN], p[INET_ADDRSTRLEN], v[INET_ADDRSTRLEN], ebuf[16];
	const char *sep = "";
	struct ike_sa *sa;
	struct child *c;

	if (json)
		fputs("[", f);
	else
		fprintf(f, "%-15s %-15s %-12s %7s %9s %-7s %-6s %5s %9s %s\n", "dst", "src",
			"state", "conn-id", "lifetime", "enc", "hash", "group", "ipsec-sas", "lease");
	for (sa = e->sas; sa; sa = sa->next) {
		unsigned int n = 0;
		long left = sa->state == SA_ESTABLISHED ? (long)(sa->expires - now) : 0;

		for (c = sa->children; c; c = c->next)
			n++;
		addr_str(&sa->local, l);
		addr_str(&sa->peer, p);
		if (sa->mc.lease) {
			struct in_addr va = { htonl(sa->mc.lease) };

			inet_ntop(AF_INET, &va, v, sizeof(v));
		} else {
			strcpy(v, "-");
		}
		if (json)
			fprintf(f, "%s{\"dst\":\"%s\",\"src\":\"%s\",\"state\":\"%s\",\"conn_id\":%u,"
				"\"lifetime_left\":%ld,\"enc\":%u,\"keylen\":%u,\"hash\":%u,"
				"\"group\":%u,\"ipsec_sa_pairs\":%u,\"lease\":%s%s%s}", sep, l, p,
				state_name(sa), sa->conn_id, left, sa->attrs.enc, sa->attrs.keylen,
				sa->attrs.hash, sa->attrs.group, n, sa->mc.lease ? "\"" : "",
				sa->mc.lease ? v : "null", sa->mc.lease ? "\"" : "");
		else
			fprintf(f, "%-15s %-15s %-12s %7u %9ld %-7s %-6s %5u %9u %s\n", l, p,
				state_name(sa), sa->conn_id, left,
				enc_str(&sa->attrs, ebuf, sizeof(ebuf)), hash_str(sa->attrs.hash),
				sa->attrs.group, n, v);
		sep = ",";
	}
	if (json)
		fputs("]\n", f);
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
		sa_delete(e, e->sas, true);
		n++;
	}
	return n;
}

struct ike_engine *ike_engine_new(const struct conf *conf, struct kernel *k, ike_send_fn send,
				  void *send_arg)
{
	struct ike_engine *e = calloc(1, sizeof(*e));
	size_t i;

	if (!e)
		return NULL;
	e->conf = conf;
	e->k = k;
	e->send = send;
	e->send_arg = send_arg;
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
	free(e);
}
