// SPDX-License-Identifier: GPL-2.0
/*
 * XAUTH (draft-beaulieu-ike-xauth-02) against local users, the gateway's
 * side: after phase 1 (Main or Aggressive Mode) with XAUTHInitPreShared
 * (65001), when 'crypto map M client authentication list L' asks for it.
 *
 *   REQUEST(XAUTH-TYPE generic, USER-NAME, USER-PASSWORD)  ->
 *                                    <-  REPLY(USER-NAME, USER-PASSWORD)
 *   (a wrong name or password: another REQUEST, three in all)
 *   SET(XAUTH-STATUS 1 or 0)          ->
 *                                    <-  ACK
 *   then Mode-Config, pushed or pulled; with status 0 a DELETE instead
 *
 * Each message is a transaction exchange protected like Mode-Config's
 * (HASH(1), the IV of a new exchange, the answer on its chain). Until the
 * ACK of status 1 nothing else of the client's is served: no Quick Mode, no
 * Mode-Config; a client that does not answer within 'crypto isakmp xauth
 * timeout' is deleted. The check takes the same time for a user that does
 * not exist (the first user's hash is computed instead), and no password is
 * kept or logged.
 */

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike_priv.h"
#include "log.h"
#include "passwd.h"

#define XAUTH_TRIES	3	/* REQUESTs before the SET of status 0 */
#define XAUTH_RETX	5	/* seconds between retransmissions of our message */
#define XAUTH_MSG_MAX	256

struct xauth {
	uint32_t msgid;			/* our REQUEST or SET, its answer awaited */
	uint16_t ident;
	uint8_t iv[IKE_MAX_BLOCK];	/* last block of our message: its answer's IV */
	uint8_t msg[XAUTH_MSG_MAX];	/* as sent, for retransmissions */
	size_t len;
	unsigned int tries;		/* REPLYs that did not authenticate */
	bool set_sent, status;		/* the SET is out, with this status */
	uint64_t deadline, next_retx;
	char user[CONF_USER_MAX];
};

void xauth_free(struct ike_sa *sa)
{
	if (!sa->xa)
		return;
	OPENSSL_cleanse(sa->xa, sizeof(*sa->xa));
	free(sa->xa);
	sa->xa = NULL;
}

/* Our REQUEST (status < 0) or SET (status 0 or 1), a new exchange; kept for retransmission. */
static int xauth_send(struct ike_engine *e, struct ike_sa *sa, int status)
{
	struct isakmp_hdr h = { .exch = ISAKMP_EXCH_TRANSACTION };
	struct xauth *xa = sa->xa;
	struct isakmp_enc enc;
	int len;

	h.msgid = random_u32() | 1;
	memcpy(h.icookie, sa->ci, ISAKMP_COOKIE_LEN);
	memcpy(h.rcookie, sa->cr, ISAKMP_COOKIE_LEN);
	RAND_bytes((unsigned char *)&xa->ident, sizeof(xa->ident));
	ike_p2_begin(&enc, xa->msg, sizeof(xa->msg), &h, &sa->keys);
	isakmp_put_modecfg_begin(&enc, status < 0 ? MODECFG_REQUEST : MODECFG_SET, xa->ident);
	if (status < 0) {
		isakmp_put_attr(&enc, XAUTH_TYPE, 0);		/* generic */
		isakmp_put_attr_tlv(&enc, XAUTH_USER_NAME, NULL, 0);
		isakmp_put_attr_tlv(&enc, XAUTH_USER_PASSWORD, NULL, 0);
	} else {
		isakmp_put_attr(&enc, XAUTH_STATUS, (uint64_t)status);
	}
	isakmp_put_end(&enc);
	len = isakmp_enc_finish(&enc);
	if (len > 0)
		len = ike_p2_seal(&sa->keys, sa->p1_last, xa->iv, &IKE_P2_H1, xa->msg, (size_t)len,
				  sizeof(xa->msg));
	if (len <= 0)
		return -1;
	xa->len = (size_t)len;
	xa->msgid = h.msgid;
	xa->next_retx = e->now + XAUTH_RETX;
	xmit(e, sa, xa->msg, xa->len);
	return 0;
}

void xauth_or_modecfg(struct ike_engine *e, struct ike_sa *sa)
{
	char a[INET_ADDRSTRLEN];

	if (!e->conf->xauth || sa->xauth_done) {	/* no XAUTH, or a no-xauth key's peer */
		if (e->conf->modecfg & CONF_MODECFG_INITIATE)
			mc_push(e, sa);
		return;
	}
	sa->xa = calloc(1, sizeof(*sa->xa));
	if (!sa->xa || xauth_send(e, sa, -1)) {
		log_msg(LOG_ERR, "ISAKMP (%u): cannot start XAUTH with %s: ISAKMP SA deleted",
			sa->conn_id, sin_str(&sa->peer, a));
		ike_sa_delete(e, sa, true);
		return;
	}
	sa->xa->deadline = e->now + e->conf->xauth_timeout;
	log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): XAUTH REQUEST to %s", sa->conn_id,
		  sin_str(&sa->peer, a));
}

bool xauth_pending(const struct ike_engine *e, const struct ike_sa *sa)
{
	return e->conf->xauth && !sa->xauth_done;
}

/* A REPLY's name and password: do they make a local user? Constant time whoever it names. */
static bool check_user(struct ike_engine *e, struct xauth *xa, const struct isakmp_modecfg *mc)
{
	const uint8_t *name = NULL, *pw = NULL;
	const struct conf_user *u = NULL;
	uint16_t nlen = 0, plen = 0;
	struct isakmp_attr at;
	struct rbuf r;
	bool ok;

	rbuf_init(&r, mc->attrs, mc->attrs_len);
	while (isakmp_attr_next(&r, &at) > 0) {
		if (at.type == XAUTH_USER_NAME && !at.tv) {
			name = at.val;
			nlen = at.len;
		} else if (at.type == XAUTH_USER_PASSWORD && !at.tv) {
			pw = at.val;
			plen = at.len;
		}
	}
	/* some clients count a terminating NUL in */
	if (name && nlen && !name[nlen - 1])
		nlen--;
	if (pw && plen && !pw[plen - 1])
		plen--;
	if (name && nlen && nlen < CONF_USER_MAX && !memchr(name, 0, nlen))
		u = conf_user_find(e->conf, (const char *)name, nlen);
	if (!e->conf->nusers || !pw)
		return false;
	ok = passwd_verify(u ? u->hash : e->conf->users[0].hash, (const char *)pw, plen);
	xa->user[0] = 0;
	if (u) {
		memcpy(xa->user, name, nlen);
		xa->user[nlen] = 0;
	}
	return ok && u;
}

/* The client's answer to our REQUEST or SET; false when the SA was deleted. */
bool xauth_input(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m)
{
	uint8_t plain[MSG_MAX], iv[IKE_MAX_BLOCK];
	const struct isakmp_payload *pl;
	struct xauth *xa = sa->xa;
	struct isakmp_modecfg mc;
	char a[INET_ADDRSTRLEN];
	unsigned int i = 0;
	bool ok;

	if (!xa || m->hdr.msgid != xa->msgid) {
		log_ratelimited("ISAKMP (%u): transaction from %s before XAUTH is done: dropped",
				sa->conn_id, sin_str(&sa->peer, a));
		return true;
	}
	/* on our message's chain; an ACK may come with a new exchange's IV too */
	if (xa->set_sent && !ike_p2_open(&sa->keys, NULL, xa->iv, iv, &IKE_P2_H1, m, plain,
					 sizeof(plain))) {
		sa_heard(e, sa);
		natt_follow(e, sa);
	} else if (p2_accept(e, sa, m, xa->set_sent ? NULL : xa->iv, iv, &IKE_P2_H1, false,
			     plain, sizeof(plain), "XAUTH answer")) {
		return true;
	}
	/*
	 * The identifier is not checked: strongSwan's XAUTH client answers the
	 * REQUEST with identifier 0 (its ACK echoes the SET's). The message ID and
	 * HASH, checked above, already bind the answer to our message.
	 */
	pl = isakmp_find(m, ISAKMP_NP_ATTR, &i);
	if (!pl || isakmp_decode_modecfg(pl, &mc) ||
	    mc.type != (xa->set_sent ? MODECFG_ACK : MODECFG_REPLY)) {
		log_ratelimited("ISAKMP (%u): XAUTH answer from %s is not the one asked for",
				sa->conn_id, sin_str(&sa->peer, a));
		OPENSSL_cleanse(plain, sizeof(plain));
		return true;
	}
	if (xa->set_sent) {		/* the ACK */
		if (!xa->status) {
			log_msg(LOG_NOTICE, "ISAKMP (%u): XAUTH with %s failed: ISAKMP SA deleted",
				sa->conn_id, sin_str(&sa->peer, a));
			ike_sa_delete(e, sa, true);
			return false;
		}
		log_msg(LOG_INFO, "ISAKMP (%u): XAUTH: %s is user %s", sa->conn_id,
			sin_str(&sa->peer, a), xa->user);
		sa->xauth_done = true;
		memcpy(sa->xauth_user, xa->user, sizeof(sa->xauth_user));
		xauth_free(sa);
		if (e->conf->modecfg & CONF_MODECFG_INITIATE)
			mc_push(e, sa);
		return true;
	}
	ok = check_user(e, xa, &mc);
	OPENSSL_cleanse(plain, sizeof(plain));
	if (!ok) {
		xa->tries++;
		e->st.auth_failed++;
		log_msg(LOG_NOTICE, "ISAKMP (%u): XAUTH from %s: wrong user name or password (%u "
			"of %u)", sa->conn_id, sin_str(&sa->peer, a), xa->tries, XAUTH_TRIES);
	}
	if (!ok && xa->tries < XAUTH_TRIES) {
		if (xauth_send(e, sa, -1))
			goto fail;
		return true;
	}
	xa->set_sent = true;
	xa->status = ok;
	if (xauth_send(e, sa, ok ? 1 : 0))
		goto fail;
	return true;
fail:
	ike_sa_delete(e, sa, true);
	return false;
}

int xauth_timer(struct ike_engine *e, struct ike_sa *sa, uint64_t now, unsigned int *wait)
{
	struct xauth *xa = sa->xa;
	char a[INET_ADDRSTRLEN];

	if (!xa)
		return 0;
	if (now >= xa->deadline) {
		log_msg(LOG_NOTICE, "ISAKMP (%u): XAUTH with %s timed out: ISAKMP SA deleted",
			sa->conn_id, sin_str(&sa->peer, a));
		return -1;
	}
	if (now >= xa->next_retx) {
		xmit(e, sa, xa->msg, xa->len);
		xa->next_retx = now + XAUTH_RETX;
	}
	if (xa->next_retx - now < *wait)
		*wait = (unsigned int)(xa->next_retx - now);
	return 0;
}
