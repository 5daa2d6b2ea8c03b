// SPDX-License-Identifier: GPL-2.0
/*
 * Informational exchanges (RFC 2408 4.8, RFC 2409 5.7): notifications and
 * DELETEs both ways, and dead peer detection (RFC 3706). What the peer sends
 * counts only once its HASH verifies and its message ID is new: a replayed
 * DELETE, INITIAL-CONTACT or R-U-THERE does nothing, and only such a message
 * (or another authenticated one) shows DPD that the peer is alive.
 */

#include <string.h>

#include <openssl/rand.h>

#include "ike_priv.h"
#include "log.h"

void notify_plain(struct ike_engine *e, const struct sockaddr_in *local,
		  const struct sockaddr_in *peer, const struct isakmp_hdr *in, uint16_t type)
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
		e->send(e->send_arg, local, peer, buf, (size_t)len);
}

/* An informational exchange of our own under the ISAKMP SA: HASH(1), then what fill() puts. */
static void send_info(struct ike_engine *e, struct ike_sa *sa,
		      void (*fill)(struct isakmp_enc *enc, const void *arg), const void *arg)
{
	struct isakmp_hdr h = { .exch = ISAKMP_EXCH_INFO, .msgid = random_u32() | 1 };
	uint8_t buf[MSG_MAX], iv[IKE_MAX_BLOCK];
	struct isakmp_enc enc;
	int len;

	memcpy(h.icookie, sa->ci, ISAKMP_COOKIE_LEN);
	memcpy(h.rcookie, sa->cr, ISAKMP_COOKIE_LEN);
	ike_p2_begin(&enc, buf, sizeof(buf), &h, &sa->keys);
	fill(&enc, arg);
	len = isakmp_enc_finish(&enc);
	if (len > 0)
		len = ike_p2_seal(&sa->keys, sa->p1_last, iv, &IKE_P2_H1, buf, (size_t)len,
				  sizeof(buf));
	if (len > 0)
		xmit(e, sa, buf, (size_t)len);
}

struct del_arg {
	uint8_t proto;
	const void *spis;
	uint8_t spi_size;
};

static void fill_delete(struct isakmp_enc *enc, const void *arg)
{
	const struct del_arg *d = arg;

	isakmp_put_delete(enc, ISAKMP_DOI_IPSEC, d->proto, d->spi_size, d->spis, 1);
}

void send_delete_esp(struct ike_engine *e, struct ike_sa *sa, uint32_t spi_in)
{
	uint32_t spi = htonl(spi_in);
	struct del_arg d = { ISAKMP_PROTO_ESP, &spi, 4 };

	send_info(e, sa, fill_delete, &d);
}

void send_delete_isakmp(struct ike_engine *e, struct ike_sa *sa)
{
	uint8_t cookies[2 * ISAKMP_COOKIE_LEN];
	struct del_arg d = { ISAKMP_PROTO_ISAKMP, cookies, sizeof(cookies) };

	memcpy(cookies, sa->ci, ISAKMP_COOKIE_LEN);
	memcpy(cookies + ISAKMP_COOKIE_LEN, sa->cr, ISAKMP_COOKIE_LEN);
	send_info(e, sa, fill_delete, &d);
}

/* A notification about the ISAKMP SA: its cookies as the SPI (RFC 3706), or none. */
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

void notify_protected(struct ike_engine *e, struct ike_sa *sa, uint16_t type)
{
	struct notify_arg n = { .type = type };

	send_info(e, sa, fill_notify, &n);
}

/*
 * RESPONDER-LIFETIME (RFC 2407 4.6.3.1) for the ISAKMP SA, its cookies as the SPI:
 * the lifetime the client's proposal was cut down to
 */
static void fill_p1_lifetime(struct isakmp_enc *enc, const void *arg)
{
	const struct ike_sa *sa = arg;
	uint8_t spi[2 * ISAKMP_COOKIE_LEN];

	memcpy(spi, sa->ci, ISAKMP_COOKIE_LEN);
	memcpy(spi + ISAKMP_COOKIE_LEN, sa->cr, ISAKMP_COOKIE_LEN);
	isakmp_put_responder_lifetime(enc, ISAKMP_PROTO_ISAKMP, spi, sizeof(spi), sa->lifetime, 0);
}

void notify_p1_lifetime(struct ike_engine *e, struct ike_sa *sa)
{
	send_info(e, sa, fill_p1_lifetime, sa);
}

/* ---- DPD (RFC 3706): "crypto isakmp keepalive SECONDS RETRY" ----------------------- */

#define DPD_TRIES	5	/* R-U-THEREs without an answer before the peer is dead */

static void send_dpd(struct ike_engine *e, struct ike_sa *sa, uint16_t type, uint32_t seq)
{
	uint8_t spi[2 * ISAKMP_COOKIE_LEN];
	uint32_t be = htonl(seq);
	struct notify_arg n = { type, spi, sizeof(spi), &be, 4 };

	memcpy(spi, sa->ci, ISAKMP_COOKIE_LEN);
	memcpy(spi + ISAKMP_COOKIE_LEN, sa->cr, ISAKMP_COOKIE_LEN);
	send_info(e, sa, fill_notify, &n);
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
 */
bool dpd_timer(struct ike_engine *e, struct ike_sa *sa, uint64_t now, unsigned int *wait)
{
	const struct conf *conf = e->conf;
	char a[INET_ADDRSTRLEN];

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
			"deleting its SAs", sa->conn_id, sin_str(&sa->peer, a), sa->dpd_tries);
		ike_sa_delete(e, sa, false);
		return false;
	}
	sa->dpd_tries++;
	sa->dpd_next = now + conf->dpd_retry;
	send_dpd(e, sa, ISAKMP_N_DPD_R_U_THERE, ++sa->dpd_seq);
	log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): DPD R-U-THERE %u to %s", sa->conn_id, sa->dpd_seq,
		  sin_str(&sa->peer, a));
	if (conf->dpd_retry < *wait)
		*wait = conf->dpd_retry;
	return true;
}

/* ---- what the peer tells us ------------------------------------------------------- */

static void peer_notify(struct ike_engine *e, struct ike_sa *sa, const struct isakmp_notify_pl *n)
{
	char a[INET_ADDRSTRLEN];
	uint32_t seq;

	switch (n->type) {
	case ISAKMP_N_DPD_R_U_THERE:
		if (n->len != 4)
			break;
		memcpy(&seq, n->data, 4);
		send_dpd(e, sa, ISAKMP_N_DPD_R_U_THERE_ACK, ntohl(seq));
		break;
	case ISAKMP_N_DPD_R_U_THERE_ACK:
		dpd_ack(sa, n);
		break;
	case ISAKMP_N_INITIAL_CONTACT:
		initial_contact(e, sa);
		break;
	default:
		log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): notify %s from %s", sa->conn_id,
			  isakmp_notify_name(n->type), sin_str(&sa->peer, a));
	}
}

/* DELETE: true when it was the ISAKMP SA's own (sa is gone). */
static bool peer_delete(struct ike_engine *e, struct ike_sa *sa, const struct isakmp_delete *d)
{
	char a[INET_ADDRSTRLEN];
	unsigned int k;

	if (d->proto == ISAKMP_PROTO_ISAKMP) {
		log_msg(LOG_INFO, "ISAKMP SA %u: %s deleted it", sa->conn_id,
			sin_str(&sa->peer, a));
		ike_sa_delete(e, sa, false);
		return true;
	}
	if (d->proto != ISAKMP_PROTO_ESP || d->spi_size != 4)
		return false;
	for (k = 0; k < d->nspi; k++) {
		struct child *c;
		uint32_t spi;

		memcpy(&spi, d->spis + 4 * k, 4);
		c = child_of_sa(sa, ntohl(spi));
		if (c)
			child_remove(e, c);
	}
	return false;
}

void info_input(struct ike_engine *e, struct ike_sa *sa, struct isakmp_msg *m)
{
	const struct isakmp_payload *pl;
	struct isakmp_notify_pl n;
	struct isakmp_delete d;
	uint8_t plain[MSG_MAX];
	unsigned int i;

	if (!(m->hdr.flags & ISAKMP_FLAG_ENC) ||
	    p2_accept(e, sa, m, NULL, NULL, &IKE_P2_H1, true, plain, sizeof(plain), "informational"))
		return;
	for (i = 0; (pl = isakmp_find(m, ISAKMP_NP_N, &i));)
		if (!isakmp_decode_notify(pl, &n))
			peer_notify(e, sa, &n);
	for (i = 0; (pl = isakmp_find(m, ISAKMP_NP_D, &i));)
		if (!isakmp_decode_delete(pl, &d) && peer_delete(e, sa, &d))
			return;
}
