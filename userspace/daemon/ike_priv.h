/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The responder engine's insides, shared by its files:
 *
 *   ike.c        the engine: SA table, dispatch of datagrams, timers, commands
 *   ike_mm.c     Main Mode (phase 1)
 *   ike_am.c     Aggressive Mode (phase 1 with a group's key)
 *   ike_xauth.c  XAUTH against local users, after phase 1
 *   ike_qm.c     Quick Mode (phase 2)
 *   ike_info.c   informational exchanges: notifications, DELETE, DPD
 *   ike_child.c  the IPsec SAs against the kernel: SPIs, policies, routes
 *
 * Nothing here is for other parts of the daemon: they use ike.h.
 */
#ifndef _ESPGW_IKE_PRIV_H_
#define _ESPGW_IKE_PRIV_H_

#include <netinet/in.h>

#include "crypto.h"
#include "htab.h"
#include "ike.h"
#include "isakmp.h"
#include "modecfg.h"

#define MSG_MAX		4096	/* our replies; the largest is MM4 with a 4096-bit KE */
#define NONCE_LEN	32
#define DIGEST_LEN	20	/* SHA-1 of a received datagram, for retransmissions */
#define QM_SLOTS	4

enum sa_state {
	SA_MM4_SENT,		/* answered MM3, waiting for MM5 */
	SA_ESTABLISHED,		/* Quick Mode and informational from here on */
};

/* The NAT traversal a peer and we both do (RFC 3947, or a draft it grew from). */
enum natt_kind {
	NATT_NONE,
	NATT_02,	/* draft-ietf-ipsec-nat-t-ike-02 */
	NATT_02N,	/* the same with a newline in its VID */
	NATT_03,	/* draft-ietf-ipsec-nat-t-ike-03 */
	NATT_RFC,	/* RFC 3947 */
};

/* What one outside address holds: the caps per peer count these. */
struct peer_acct {
	struct hnode hn;		/* e->peers, by address */
	uint32_t addr;			/* network order */
	unsigned int halves;		/* half-open exchanges */
	unsigned int sas;		/* ISAKMP SAs past MM3 */
};

/* How many ISAKMP SAs one phase-1 identity holds (by a digest of the whole identity). */
struct id_acct {
	struct hnode hn;		/* e->ids */
	uint8_t digest[20];
	unsigned int sas;
	struct ike_sa *first;		/* its SAs, through id_next */
};

/*
 * A half-open exchange: MM1 answered, nothing else known of the peer (its
 * address may be spoofed). Only what MM3 needs is kept - the proposal chosen
 * and the initiator's SA payload (HASH_I and HASH_R cover it, so it cannot
 * be forgotten and asked for again) - and the oldest make room for new ones.
 */
struct ike_half {
	struct ike_half *next, *prev;	/* e->halves, oldest first */
	struct hnode by_init;		/* e->half_init: (CKY-I, peer address and port) */
	struct hnode by_cookies;	/* e->half_cookies: (CKY-I, CKY-R) */
	struct peer_acct *acct;
	uint8_t ci[ISAKMP_COOKIE_LEN], cr[ISAKMP_COOKIE_LEN];
	struct sockaddr_in local, peer;
	uint64_t created;
	struct ike_p1_attrs attrs;
	uint32_t lifetime;
	bool dpd_peer;
	bool no_xauth;			/* its key says no-xauth: not asked for XAUTH */
	uint8_t natt;			/* enum natt_kind */
	uint8_t in_digest[DIGEST_LEN];	/* MM1 (AM1), to spot retransmissions */
	struct am *am;			/* Aggressive Mode: its working state; NULL for Main Mode */
	uint16_t sai_len, reply_len;
	uint8_t data[];			/* SAi_b, then our MM2 (AM2) */
};

/*
 * Aggressive Mode's half-open working state (ike_am.c): AM1 answered, AM3
 * awaited. It costs a Diffie-Hellman key pair, so it counts as a key
 * exchange (e->key_exch) and against the Aggressive Mode cap (e->nam) until
 * it goes, with its half.
 */
struct am {
	struct ike_dh *dh;		/* our key pair */
	uint8_t gxi[IKE_MAX_DH], gxr[IKE_MAX_DH];
	size_t glen;
	uint8_t ni[256];
	uint16_t ni_len;
	uint8_t nr[NONCE_LEN];
	struct ike_p1_keys keys;	/* SKEYID from AM1; the rest once AM3 comes */
	bool derived;			/* keys complete (g^xy done), iv set */
	uint8_t iv[IKE_MAX_BLOCK];	/* phase-1 IV: hash(g^xi | g^xr) */
	const struct conf_group *grp;	/* the group named; NULL: none with a key (never verifies) */
	uint8_t idi_b[4 + 256];		/* IDii_b, what HASH_I covers */
	uint16_t idi_len;
	bool tell_lifetime;		/* the client's lifetime was cut: RESPONDER-LIFETIME */
};

struct child;

/*
 * The kernel's policy for one selector (local, remote), shared by the
 * children that protect it (a rekey, a client re-authenticating): it sends
 * into the newest one, and goes when the last one does.
 */
struct policy_ref {
	struct hnode hn;		/* e->policies, by selector */
	struct conf_net local, remote;
	uint32_t id;
	unsigned int refs;
	struct child *target;		/* the child whose outbound SA the policy uses */
};

/* A reverse route to a client's network, shared the same way. */
struct route_ref {
	struct hnode hn;		/* e->routes, by network */
	struct conf_net net;
	unsigned int refs;
};

/* One pair of ESP SAs and the policy that sends into the outbound one. */
struct child {
	struct child *next;		/* the ISAKMP SA's children, newest first */
	struct ike_sa *sa;
	struct hnode by_in;		/* e->spi_in: (our address, spi_in) */
	struct hnode by_out;		/* e->spi_out: (peer's address, spi_out) */
	uint32_t spi_in, spi_out;	/* host order: ours, the peer's */
	struct conf_net local, remote;
	uint8_t esp;
	uint16_t keybits, auth;
	bool encap;			/* ESP in UDP, to the SA's peer port from its local port */
	uint64_t installed;
	struct policy_ref *pol;		/* NULL until installed */
	struct route_ref *route;
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
	struct child *c;		/* what QM3 installs; its SPIs reserved meanwhile */
	uint64_t life_sec, life_kb;
	uint8_t reply[MSG_MAX];		/* QM2 as sent */
	size_t reply_len;
	unsigned int retx;
	uint64_t next_retx;
};

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
	struct ike_sa *next, *prev;	/* e->sas, newest first */
	struct hnode by_cookies;	/* e->by_cookies: (CKY-I, CKY-R) */
	struct peer_acct *acct;
	struct id_acct *id_acct;	/* from MM5 on */
	struct ike_sa *id_next, *id_prev;	/* the identity's SAs */
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
	/* NAT traversal: the kind both do, who is behind a NAT (NAT-D, MM3), whether
	 * ESP goes in UDP, when the next keepalive is due */
	uint8_t natt;			/* enum natt_kind */
	bool nat_peer, nat_local, encap;
	uint64_t ka_next;
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
	unsigned int nchildren;
	/* message IDs of the peer's phase-2 messages that verified: a replay is dropped
	 * (heap, grows to IKE_MSGIDS, then the oldest is forgotten) */
	uint32_t *msgids;
	uint16_t nmsgids, msgid_next, msgid_cap;
	const struct conf_group *grp;	/* the client's configuration group, or NULL */
	/* DPD (RFC 3706): the peer sent the DPD VID; when we last heard from it;
	 * R-U-THEREs sent without an answer, the last one's sequence number */
	bool dpd_peer;
	uint64_t heard;
	unsigned int dpd_tries;
	uint32_t dpd_seq, dpd_first;
	uint64_t dpd_next;
	struct modecfg_sa mc;		/* Mode-Config: lease, our SET */
	struct xauth *xa;		/* XAUTH in progress (heap) */
	bool xauth_done;		/* the client authenticated as a local user (or need not:
					 * its key says no-xauth) */
	char xauth_user[CONF_USER_MAX];	/* who, for 'ike show'; "" none */
};

/* The limits in force: the configuration's, or ike.h's defaults. */
struct ike_limits {
	unsigned int half_open, half_open_per_peer, key_exch, sa_per_peer, sa_per_id, sa, child;
	unsigned int aggressive;
};

struct ike_engine {
	const struct conf *conf;
	struct ike_limits lim;
	struct kernel *k;
	ike_send_fn send;
	void *send_arg;
	struct ike_sa *sas;		/* past MM3, newest first */
	struct ike_half *halves, *halves_tail;	/* oldest first */
	unsigned int nhalves;
	struct htab by_cookies, half_init, half_cookies, peers, ids;
	struct htab spi_in, spi_out;	/* children by (address, SPI), either direction */
	struct htab policies, routes;
	unsigned int key_exch;		/* SAs in MM4_SENT, Aggressive Mode halves */
	unsigned int nam;		/* Aggressive Mode halves */
	uint8_t am_fake_key[32];	/* what an AM1 naming no keyed group is answered with */
	/* the isakmp policies as phase 1 offers them: with XAUTH, XAUTHInitPreShared */
	struct ike_p1_policy p1pol[CONF_MAX_POLICIES];
	unsigned int nsas;		/* established */
	unsigned int npairs;		/* children */
	struct ike_stats st;
	/* the datagram being handled: where it came from, what it came to */
	struct sockaddr_in in_local, in_peer;
	unsigned int next_conn_id;
	uint32_t next_policy_id;
	uint64_t now;
	struct pool *pools[CONF_MAX_POOLS];	/* one per 'ip local pool' */
};

/* ike.c: helpers and the SA table */
const char *sin_str(const struct sockaddr_in *a, char *buf);
const char *net_str(const struct conf_net *n, char *buf, size_t len);
uint32_t prefix_mask(uint8_t plen);
void msg_digest(const uint8_t *buf, size_t len, uint8_t *out);
uint32_t random_u32(void);
void xmit(struct ike_engine *e, struct ike_sa *sa, const void *buf, size_t len);
/* The peer's address book entry (created), NULL on allocation failure. */
struct peer_acct *peer_get(struct ike_engine *e, uint32_t addr);
/* Drop it when nothing is counted in it any more. */
void peer_put(struct ike_engine *e, struct peer_acct *a);
struct ike_half *half_find_init(struct ike_engine *e, const uint8_t *ci,
				const struct sockaddr_in *peer);
void half_add(struct ike_engine *e, struct ike_half *h);
void half_free(struct ike_engine *e, struct ike_half *h);
/*
 * Room for one more half-open exchange (the oldest evicted while the table is
 * full), and the peer's account for it; NULL on allocation failure.
 */
struct peer_acct *half_room(struct ike_engine *e, uint32_t addr);
/* A half-open exchange becomes an ISAKMP SA in MM4_SENT (h is freed); NULL: no memory. */
struct ike_sa *sa_from_half(struct ike_engine *e, struct ike_half *h);
/* Phase 1 is done: count it against its (whole) identity; -1 when the identity's cap is reached. */
int sa_established(struct ike_engine *e, struct ike_sa *sa, const uint8_t *id, size_t len);
/* A message ID the peer used before on this SA. */
bool msgid_seen(const struct ike_sa *sa, uint32_t msgid);
/* A verified phase-2 message ID: true (and remembered) when new, false for a replay. */
bool msgid_fresh(struct ike_sa *sa, uint32_t msgid);
/* An authenticated message from the peer: it is alive (DPD). */
void sa_heard(struct ike_engine *e, struct ike_sa *sa);
/*
 * Open a phase-2 message from sa's peer and accept it: decrypted into plain
 * (from iv's chain, or with iv NULL a new exchange's IV) and its HASH
 * verified - only then does iv_next (may be NULL) get the next IV - and,
 * with fresh, its message ID new. Counted and logged ('what') when not; the peer is alive when it is.
 * 0 or -1.
 */
int p2_accept(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m, const uint8_t *iv,
	      uint8_t *iv_next, const struct ike_p2_hash *hash, bool fresh, uint8_t *plain,
	      size_t cap, const char *what);
/* Tell the peer (DELETEs) when tell and phase 1 is done, then forget the SA and its children. */
void ike_sa_delete(struct ike_engine *e, struct ike_sa *sa, bool tell);
/* Mode-Config, through modecfg.c */
void mc_push(struct ike_engine *e, struct ike_sa *sa);
int mc_check_proxy(struct ike_engine *e, struct ike_sa *sa, uint32_t addr);

/* The peer's address book entry if it has one. */
struct peer_acct *peer_find(struct ike_engine *e, uint32_t addr);

/* ike_am.c */
void am1(struct ike_engine *e, const struct isakmp_msg *m, const uint8_t *rawd,
	 const struct sockaddr_in *local, const struct sockaddr_in *peer);
void am3(struct ike_engine *e, struct ike_half *h, struct isakmp_msg *m, int ret);
/* An Aggressive Mode half goes: its key pair and secrets, its counts. */
void am_free(struct ike_engine *e, struct ike_half *h);

/* ike_xauth.c */
/* Phase 1 is done: XAUTH when it is configured, else Mode-Config's push if configured. */
void xauth_or_modecfg(struct ike_engine *e, struct ike_sa *sa);
/* XAUTH is required and the client has not passed it: nothing but XAUTH is served. */
bool xauth_pending(const struct ike_engine *e, const struct ike_sa *sa);
/* The client's REPLY or ACK; false when the SA was deleted. */
bool xauth_input(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m);
/* Retransmission and the timeout; -1: delete the SA. May lower *wait. */
int xauth_timer(struct ike_engine *e, struct ike_sa *sa, uint64_t now, unsigned int *wait);
void xauth_free(struct ike_sa *sa);

/* ike_mm.c */
void mm1(struct ike_engine *e, const struct isakmp_msg *m, const uint8_t *rawd,
	 const struct sockaddr_in *local, const struct sockaddr_in *peer);
void mm3(struct ike_engine *e, struct ike_half *h, const struct isakmp_msg *m,
	 const uint8_t *rawd);
void mm5(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m, const uint8_t *rawd);
void mm_done(struct ike_sa *sa);
/* RFC 2407 4.6.3.3: the peer rebooted; its older ISAKMP SAs with us go. */
void initial_contact(struct ike_engine *e, struct ike_sa *sa);

/* ike_natt.c: NAT traversal (RFC 3947; drafts 02 and 03) */
/* MM1: the NAT-T both sides do (the best of the peer's VIDs), NATT_NONE when off. */
uint8_t natt_choose(const struct ike_engine *e, const struct isakmp_msg *m);
/* MM2: our VID for it. */
void natt_put_vid(struct isakmp_enc *enc, uint8_t natt);
/* MM3 (AM3): who is behind a NAT, from the peer's NAT-D payloads; ESP in UDP or not. */
void natt_mm3(struct ike_engine *e, struct ike_sa *sa, const struct isakmp_msg *m);
/* MM4: our NAT-D payloads. */
void natt_put_natd(struct ike_engine *e, struct ike_sa *sa, struct isakmp_enc *enc);
/* AM2: the same before there is an SA. */
void natt_put_natd_for(struct ike_engine *e, uint8_t natt, unsigned int hash, const uint8_t *ci,
		       const uint8_t *cr, const struct sockaddr_in *local,
		       const struct sockaddr_in *peer, struct isakmp_enc *enc);
/*
 * An authenticated message came from another address or port than the SA's
 * (the client floated to 4500, or its NAT gave it a new mapping): the SA and
 * its IPsec SAs follow it.
 */
void natt_follow(struct ike_engine *e, struct ike_sa *sa);
/* NAT keepalives to clients behind a NAT; may lower *wait. */
void natt_timer(struct ike_engine *e, struct ike_sa *sa, uint64_t now, unsigned int *wait);
/* 'ike show': "none", "peer", "local", "both" */
const char *natt_state(const struct ike_sa *sa);

/* ike_qm.c */
void quick(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m, const uint8_t *rawd);
/* Retransmit QM2s, abandon Quick Modes without QM3; may lower *wait. */
void qm_timer(struct ike_engine *e, struct ike_sa *sa, uint64_t now, unsigned int *wait);
void qm_done(struct ike_engine *e, struct ike_sa *sa, struct qm *q);

/* ike_info.c */
/* Before phase 1 is done: an unprotected notification (RFC 2408 5.5 allows it). */
void notify_plain(struct ike_engine *e, const struct sockaddr_in *local,
		  const struct sockaddr_in *peer, const struct isakmp_hdr *in, uint16_t type);
void notify_protected(struct ike_engine *e, struct ike_sa *sa, uint16_t type);
void notify_p1_lifetime(struct ike_engine *e, struct ike_sa *sa);
/* DELETE for one of our inbound ESP SAs, or (spi NULL) for the ISAKMP SA itself. */
void send_delete_esp(struct ike_engine *e, struct ike_sa *sa, uint32_t spi_in);
void send_delete_isakmp(struct ike_engine *e, struct ike_sa *sa);
void info_input(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m);
/* DPD probing; false when the peer was declared dead (the SA is gone). */
bool dpd_timer(struct ike_engine *e, struct ike_sa *sa, uint64_t now, unsigned int *wait);

/* ike_child.c */
/* A child for a Quick Mode, its SPIs reserved: spi_in drawn here, spi_out the peer's. */
struct child *child_reserve(struct ike_engine *e, struct ike_sa *sa, uint32_t spi_out);
/* Give back a reservation that was never installed. */
void child_unreserve(struct ike_engine *e, struct child *c);
/* Install the reserved child's SAs and policy (keys from the Quick Mode), link it to sa. */
int child_install(struct ike_engine *e, struct ike_sa *sa, struct qm *q);
/* Remove a child's SAs, and its policy and route unless another child still needs them. */
void child_remove(struct ike_engine *e, struct child *c);
/* The child whose SA is (dst, spi), dst in network order: inbound or outbound. */
struct child *child_by_sa(struct ike_engine *e, uint32_t dst, uint32_t spi);
/* One of sa's children by either of its SPIs (a DELETE from the peer names our inbound). */
struct child *child_of_sa(struct ike_sa *sa, uint32_t spi);
bool peer_spi_in_use(struct ike_engine *e, uint32_t peer, uint32_t spi);
/* c's ISAKMP SA moved from old (NAT-T): its outbound SA, policy and tables follow. */
void child_follow(struct ike_engine *e, struct child *c, const struct sockaddr_in *old);

#endif /* _ESPGW_IKE_PRIV_H_ */
