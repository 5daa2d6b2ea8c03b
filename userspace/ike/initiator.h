/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An IKEv1 initiator, for the load generator and the engine's tests (not a
 * client for real use): what a stock remote-access client does against one
 * gateway.
 *
 *   Main Mode, pre-shared key      MM1 ->  <- MM2   MM3 ->  <- MM4   MM5 ->  <- MM6
 *   or Aggressive Mode, group key  AM1 ->  <- AM2   AM3 ->
 *   Mode-Config pull (optional)    REQUEST(ADDR) ->  <- REPLY(ADDR ...)
 *   Quick Mode                     QM1 ->  <- QM2   QM3 ->
 *
 * One struct ike_init per client. Each message has a function: those named
 * after a message we send build it into the caller's buffer and return its
 * length; those named after an answer take it (the datagram as received) and
 * return 0. A test can therefore step through, replay, reorder or corrupt
 * messages; the state is public for tests that want to look or tamper.
 * ike_init_start() and ike_init_input() chain the steps for a client that
 * just runs the exchange (the load generator), ike_init_run() runs it against
 * a callback.
 *
 * HASH_R, the REPLY's HASH(1) and HASH(2) are verified: nothing counts that
 * the gateway did not really negotiate. Every protected phase-2 message goes
 * through ike_p2_seal() / ike_p2_open(); everything received through the
 * codec (isakmp.h). A take function changes nothing in the state unless it
 * returns 0. Building MM5, QM3 or an ACK moves its CBC chain on: to send one
 * again, resend the datagram rather than build it anew.
 *
 * Errors are negative enum isakmp_err (ISAKMP_E_HASH: a HASH does not
 * verify; ISAKMP_E_INVAL: anything else wrong with the answer or the
 * configuration), and in->why says in words what went wrong.
 */
#ifndef _ESPGW_INITIATOR_H_
#define _ESPGW_INITIATOR_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "isakmp.h"

#define IKE_INIT_MSG_MAX	4096	/* every message either way fits (MM3 with 4096-bit KE) */
#define IKE_INIT_NONCE_LEN	20
#define IKE_INIT_ID_MAX		128	/* identity data (IDii) */

/* A take function's answer for a datagram that is not the one it takes: nothing changed. */
#define IKE_INIT_OTHER		2

struct ike_init_conf {
	struct ike_chunk psk;
	/* phase 1: one proposal, one transform */
	uint16_t enc, keybits;		/* enum ike_enc; AES: 128/192/256, else 0 */
	uint16_t hash;			/* enum ike_hash_alg */
	uint16_t auth;			/* IKE_AUTH_PSK (the others only to see them refused) */
	uint16_t group;			/* enum ike_group */
	uint32_t life_sec;		/* 0: no lifetime attributes */
	/* IDii, protocol UDP port 500: ISAKMP_ID_KEY_ID "name", ISAKMP_ID_IPV4_ADDR ... */
	uint8_t id_type;
	const void *id;
	size_t id_len;			/* at most IKE_INIT_ID_MAX */
	bool initial_contact;		/* N(INITIAL-CONTACT) in MM5 (AM3) */
	bool aggressive;		/* ike_init_start(): Aggressive Mode, not Main Mode */
	bool am3_plain;			/* Aggressive Mode: AM3 in clear (RFC 2409's HDR, HASH_I) */
	bool am2_unverified;		/* tests: take an AM2 whose HASH_R does not verify (a
					 * wrong key), to send the gateway an AM3 anyway */
	bool dpd;			/* the DPD vendor ID (RFC 3706) in MM1 */
	bool modecfg;			/* ask for an address (REQUEST) before Quick Mode */
	/* XAUTH: what a REPLY answers the gateway's REQUEST with (auth: IKE_AUTH_XAUTH_INIT_PSK) */
	const char *xauth_user, *xauth_pass;
	bool xauth_reply_ident0;	/* the REPLY with identifier 0, as strongSwan's client does */
	/*
	 * NAT-T (RFC 3947): its VID in MM1, NAT-D payloads in MM3 of the addresses
	 * and ports (network order) it believes it sends from and to: a NAT
	 * between it and the gateway makes what the gateway sees differ.
	 */
	bool natt;
	bool natt_draft;		/* draft-ietf-ipsec-nat-t-ike-02 instead: its VID,
					 * NAT-D number (130) and UDP tunnel mode (61443) */
	uint32_t natd_self_addr, natd_gw_addr;
	uint16_t natd_self_port, natd_gw_port;
	/* Quick Mode: one ESP transform, tunnel mode */
	uint8_t esp;			/* enum isakmp_esp_id */
	uint16_t esp_keybits;
	uint16_t esp_auth;		/* enum ipsec_auth; IPSEC_AUTH_NONE: no attribute */
	uint16_t pfs_group;		/* 0: no PFS (no KE, no group attribute) */
	uint32_t esp_life_sec;		/* 0: no lifetime attributes */
	/*
	 * Proxy IDs: IDci = own address/32 (ID_IPV4_ADDR), IDcr = remote_net
	 * (ID_IPV4_ADDR_SUBNET); without them none are sent (the peers themselves).
	 */
	bool proxy_ids;
	uint32_t own_addr;		/* network order; 0: the Mode-Config address */
	uint32_t remote_net, remote_mask;	/* network order */
};

/* What ike_init_input() waits for (the order is the exchange's). */
enum ike_init_step {
	IKE_INIT_MM2,
	IKE_INIT_MM4,
	IKE_INIT_AM2,		/* Aggressive Mode (conf.aggressive) instead of MM2 to MM6 */
	IKE_INIT_MM6,
	IKE_INIT_XAUTH,		/* phase 1 done: the gateway's XAUTH (conf.xauth_user) */
	IKE_INIT_REPLY,
	IKE_INIT_QM2,
	IKE_INIT_DONE,		/* QM3 sent */
	IKE_INIT_FAILED,
};

struct ike_init {
	struct ike_init_conf conf;	/* a copy: tests may change it between steps */
	enum ike_init_step step;
	const char *why;		/* the last failure, a static string */
	struct ike_dh *dh;		/* phase-1 key pair */
	bool own_dh;			/* made by ike_init_setup(), freed by ike_init_clear() */
	/* Main Mode */
	uint8_t ci[ISAKMP_COOKIE_LEN], cr[ISAKMP_COOKIE_LEN];
	uint8_t gxi[IKE_MAX_DH], gxr[IKE_MAX_DH];
	size_t glen;
	uint8_t ni[IKE_INIT_NONCE_LEN], nr[256];
	uint16_t nr_len;
	uint8_t sai_b[256];		/* our SA payload body, for HASH_I and HASH_R */
	size_t sai_len;
	struct ike_p1_keys keys;
	uint8_t iv[IKE_MAX_BLOCK];	/* Main Mode CBC chain */
	uint8_t p1_last[IKE_MAX_BLOCK];	/* its last block after MM6: base of phase-2 IVs */
	bool established;		/* MM6 verified */
	/* NAT-T: the gateway chose it; what MM4's NAT-D says */
	bool natt, nat_self, nat_gw;
	/* Mode-Config */
	uint32_t cfg_msgid;		/* our REQUEST's */
	uint16_t cfg_ident;
	uint8_t cfg_iv[IKE_MAX_BLOCK];
	uint32_t addr;			/* the address the REPLY gave, network order; 0 none */
	/* XAUTH: REQUESTs answered, the SET's status (-1: none yet) */
	unsigned int xauth_requests;
	int xauth_status;
	/* the message just built needs no answer (AM3, the ACK of XAUTH's status): the next
	 * one is to be sent at once, ike_init_next() builds it */
	bool next_now;
	/* Quick Mode */
	uint32_t qm_msgid;
	uint8_t qm_iv[IKE_MAX_BLOCK];
	uint8_t qni[IKE_INIT_NONCE_LEN], qnr[256];
	uint16_t qnr_len;
	uint32_t spi_in;		/* host order: ours, offered in QM1 (the gateway's out) */
	uint32_t spi_out;		/* the gateway's, from QM2 (we would send to it) */
	struct ike_dh *qm_dh;		/* PFS */
	uint8_t gqm[IKE_MAX_DH];	/* PFS shared secret */
	size_t gqm_len;
};

/*
 * Ready for MM1: conf copied (what it points to must outlive in), dh is the
 * phase-1 key pair of conf->group, shared with other clients and left to the
 * caller, or NULL for a fresh one of in's own. 0 or a negative error.
 */
int ike_init_setup(struct ike_init *in, const struct ike_init_conf *conf, struct ike_dh *dh);
/* Wipe the secrets and free what in owns. */
void ike_init_clear(struct ike_init *in);

/* Main Mode. MM1 picks a fresh initiator cookie each time. */
int ike_init_mm1(struct ike_init *in, uint8_t *buf, size_t cap);
int ike_init_mm2(struct ike_init *in, const uint8_t *msg, size_t len);
int ike_init_mm3(struct ike_init *in, uint8_t *buf, size_t cap);
int ike_init_mm4(struct ike_init *in, const uint8_t *msg, size_t len);
int ike_init_mm5(struct ike_init *in, uint8_t *buf, size_t cap);
int ike_init_mm6(struct ike_init *in, const uint8_t *msg, size_t len);

/*
 * Aggressive Mode: IDii (conf->id, an ID_KEY_ID for a group) names the
 * gateway's group, conf->psk is its key. AM1 picks a fresh initiator cookie
 * and nonce; AM2 is taken when HASH_R verifies (the keys derived, NAT-D
 * read); AM3 (HASH_I [, NAT-D, NAT-D] [, INITIAL-CONTACT], encrypted unless
 * conf->am3_plain) ends phase 1: Mode-Config and Quick Mode follow as after
 * MM6. ike_init_start()/ike_init_input() do it with conf->aggressive.
 */
int ike_init_am1(struct ike_init *in, uint8_t *buf, size_t cap);
int ike_init_am2(struct ike_init *in, const uint8_t *msg, size_t len);
int ike_init_am3(struct ike_init *in, uint8_t *buf, size_t cap);

/* Mode-Config: REQUEST(INTERNAL_IP4_ADDRESS) with a fresh message ID; its REPLY gives in->addr. */
int ike_init_request(struct ike_init *in, uint8_t *buf, size_t cap);
int ike_init_reply(struct ike_init *in, const uint8_t *msg, size_t len);
/* The gateway's SET, answered with ACK(INTERNAL_IP4_ADDRESS) in buf: the ACK's length. */
int ike_init_set(struct ike_init *in, const uint8_t *msg, size_t len, uint8_t *buf, size_t cap);

/*
 * XAUTH (draft-beaulieu-ike-xauth-02): the gateway's REQUEST answered with a
 * REPLY of conf->xauth_user and xauth_pass, or its SET(XAUTH-STATUS)
 * acknowledged (in->xauth_status gets the status). The answer's length.
 */
int ike_init_xauth(struct ike_init *in, const uint8_t *msg, size_t len, uint8_t *buf,
		   size_t cap);

/* Quick Mode. QM1 offers spi (host order; 0: a random one), with a fresh message ID. */
int ike_init_qm1(struct ike_init *in, uint32_t spi, uint8_t *buf, size_t cap);
int ike_init_qm2(struct ike_init *in, const uint8_t *msg, size_t len);
int ike_init_qm3(struct ike_init *in, uint8_t *buf, size_t cap);
/* KEYMAT (RFC 2409 5.5) of the SA with spi (in->spi_in or in->spi_out), len bytes. */
int ike_init_keymat(const struct ike_init *in, uint32_t spi, uint8_t *out, size_t len);

/*
 * Informational exchanges, each with a fresh message ID: a notification
 * about the ISAKMP SA (SPI = the cookies) with data; R-U-THERE or its ACK
 * with a sequence number; a DELETE of our ESP SA (in->spi_in) or, for
 * ISAKMP_PROTO_ISAKMP, of the ISAKMP SA.
 */
int ike_init_notify(struct ike_init *in, uint16_t type, const void *data, size_t dlen,
		    uint8_t *buf, size_t cap);
int ike_init_dpd(struct ike_init *in, uint16_t type, uint32_t seq, uint8_t *buf, size_t cap);
int ike_init_delete(struct ike_init *in, uint8_t proto, uint8_t *buf, size_t cap);
/*
 * A protected informational from the gateway, HASH(1) verified: m is
 * decoded into plain (cap bytes), for the caller to look at with the codec.
 */
int ike_init_info(struct ike_init *in, const uint8_t *msg, size_t len, struct isakmp_msg *m,
		  uint8_t *plain, size_t cap);

/*
 * The whole exchange, one datagram at a time. ike_init_start() builds MM1.
 * ike_init_input() takes what the gateway sent and builds into buf what is
 * to be sent next. Returns its length: the next message when in->step moved
 * on (after QM2: QM3, and in->step is IKE_INIT_DONE), an ACK when the
 * datagram was a SET; 0 when there is nothing to send (not the answer
 * waited for, a retransmission); negative when the exchange failed
 * (in->step is IKE_INIT_FAILED).
 */
int ike_init_start(struct ike_init *in, uint8_t *buf, size_t cap);
int ike_init_input(struct ike_init *in, const uint8_t *msg, size_t len, uint8_t *buf,
		   size_t cap);
/* With in->next_now: the message that follows without an answer (0: none). */
int ike_init_next(struct ike_init *in, uint8_t *buf, size_t cap);

/*
 * Send len bytes of buf to the gateway (none when len is 0), then put its
 * next datagram into reply (cap bytes): its length, 0 when there is none.
 */
typedef int (*ike_init_io_fn)(void *arg, const uint8_t *buf, size_t len, uint8_t *reply,
			      size_t cap);
/* Run the exchange to QM3 sent: 0, or negative (in->why says why). */
int ike_init_run(struct ike_init *in, ike_init_io_fn io, void *arg);

#endif /* _ESPGW_INITIATOR_H_ */
