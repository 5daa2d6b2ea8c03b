// SPDX-License-Identifier: GPL-2.0
/*
 * Mode-Config transaction exchanges (modecfg.h). Everything read from the
 * client goes through the codec: ike_msg_decrypt() decodes the payload chain,
 * isakmp_decode_modecfg() checks the ATTR payload and its attributes.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "buf.h"
#include "log.h"
#include "modecfg.h"

static const char *ip_str(uint32_t host, char *buf)
{
	struct in_addr a = { htonl(host) };

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static const char *peer_str(const struct modecfg_io *io, char *buf)
{
	return inet_ntop(AF_INET, &io->peer->sin_addr, buf, INET_ADDRSTRLEN);
}

static const char *type_name(uint8_t type)
{
	switch (type) {
	case MODECFG_REQUEST:	return "REQUEST";
	case MODECFG_REPLY:	return "REPLY";
	case MODECFG_SET:	return "SET";
	case MODECFG_ACK:	return "ACK";
	default:		return "unknown";
	}
}

/* What the client's group configures: DNS, NBNS, Unity split-include, domain, banner. */
static void put_group(struct isakmp_enc *enc, const struct conf_group *g)
{
	uint8_t split[CONF_MAX_NETS * UNITY_SPLIT_ENTRY];
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->ndns; i++) {
		uint32_t a = htonl(g->dns[i]);

		isakmp_put_attr_tlv(enc, MODECFG_INTERNAL_IP4_DNS, &a, 4);
	}
	for (i = 0; i < g->nwins; i++) {
		uint32_t a = htonl(g->wins[i]);

		isakmp_put_attr_tlv(enc, MODECFG_INTERNAL_IP4_NBNS, &a, 4);
	}
	if (g->nsplit) {
		/* address, mask, then protocol and ports, zero: any */
		memset(split, 0, sizeof(split));
		for (i = 0; i < g->nsplit; i++) {
			uint32_t a = htonl(g->split[i].addr);
			uint32_t m = htonl(g->split[i].plen ? ~0u << (32 - g->split[i].plen) : 0);

			memcpy(split + i * UNITY_SPLIT_ENTRY, &a, 4);
			memcpy(split + i * UNITY_SPLIT_ENTRY + 4, &m, 4);
		}
		isakmp_put_attr_tlv(enc, UNITY_SPLIT_INCLUDE, split,
				    (uint16_t)(g->nsplit * UNITY_SPLIT_ENTRY));
	}
	if (g->domain[0])
		isakmp_put_attr_tlv(enc, UNITY_DEF_DOMAIN, g->domain, (uint16_t)strlen(g->domain));
	if (g->banner[0])
		isakmp_put_attr_tlv(enc, UNITY_BANNER, g->banner, (uint16_t)strlen(g->banner));
}

/*
 * HDR*, HASH, ATTR(type, ident: ADDR, NETMASK, then the group's attributes)
 * sealed (p1_last: a new exchange's IV, else iv's chain; iv is left at the
 * last block). Returns the length or a negative error.
 */
static int build(const struct modecfg_io *io, uint32_t msgid, const uint8_t *p1_last,
		 uint8_t *iv, uint8_t type, uint16_t ident, uint32_t addr, uint8_t *buf,
		 size_t cap)
{
	struct isakmp_hdr h = { .exch = ISAKMP_EXCH_TRANSACTION, .msgid = msgid };
	uint32_t a = htonl(addr), msk = 0xffffffff;	/* one host, as Apple recommends */
	struct isakmp_enc enc;
	int len;

	memcpy(h.icookie, io->ci, ISAKMP_COOKIE_LEN);
	memcpy(h.rcookie, io->cr, ISAKMP_COOKIE_LEN);
	ike_p2_begin(&enc, buf, cap, &h, io->keys);
	isakmp_put_modecfg_begin(&enc, type, ident);
	isakmp_put_attr_tlv(&enc, MODECFG_INTERNAL_IP4_ADDRESS, &a, 4);
	isakmp_put_attr_tlv(&enc, MODECFG_INTERNAL_IP4_NETMASK, &msk, 4);
	put_group(&enc, io->grp);
	isakmp_put_end(&enc);
	len = isakmp_enc_finish(&enc);
	if (len <= 0)
		return len < 0 ? len : -EINVAL;
	return ike_p2_seal(io->keys, p1_last, iv, &IKE_P2_H1, buf, (size_t)len, cap);
}

/* Open (decrypt, verify HASH(1)) from the chain iv or a new exchange's IV; decode ATTR. */
static int open_msg(const struct modecfg_io *io, struct isakmp_msg *m, const uint8_t *p1_last,
		    const uint8_t *iv, uint8_t *iv_next, uint8_t *plain, size_t cap,
		    struct isakmp_modecfg *c)
{
	const struct isakmp_payload *pl;
	unsigned int i = 0;

	if (ike_p2_open(io->keys, p1_last, iv, iv_next, &IKE_P2_H1, m, plain, cap))
		return -1;
	pl = isakmp_find(m, ISAKMP_NP_ATTR, &i);
	if (!pl || isakmp_decode_modecfg(pl, c))
		return -1;
	return 0;
}

/*
 * The SA's address: the one it holds, else a new lease (logged either way on
 * failure). -ENOSPC when the pool is exhausted: the caller ends the ISAKMP SA.
 */
static int lease(struct modecfg_io *io)
{
	char a[INET_ADDRSTRLEN], p[INET_ADDRSTRLEN];

	if (io->st->lease)
		return 0;
	if (!io->pool) {
		log_ratelimited("ISAKMP (%u): Mode-Config from %s but no address pool "
				"('crypto isakmp client configuration address-pool local NAME')",
				io->conn_id, peer_str(io, p));
		return -1;
	}
	if (pool_lease(io->pool, &io->key, io->now, &io->st->lease)) {
		io->st->lease = 0;
		log_msg(LOG_WARNING, "ISAKMP (%u): no address for %s: pool %s is exhausted, "
			"refusing the client", io->conn_id, peer_str(io, p), pool_name(io->pool));
		return -ENOSPC;
	}
	log_msg(LOG_INFO, "ISAKMP (%u): %s leased to %s from pool %s", io->conn_id,
		ip_str(io->st->lease, a), peer_str(io, p), pool_name(io->pool));
	return 0;
}

int modecfg_push(struct modecfg_io *io)
{
	struct modecfg_sa *st = io->st;
	uint8_t iv[IKE_MAX_BLOCK];
	char a[INET_ADDRSTRLEN];
	uint32_t msgid = 0;
	uint16_t ident = 0;
	int len, ret;

	if (st->set_msgid)
		return -1;
	ret = lease(io);
	if (ret)
		return ret;
	if (!st->set_msg) {
		st->set_msg = malloc(MODECFG_MSG_MAX);
		if (!st->set_msg)
			return -ENOMEM;
	}
	RAND_bytes((unsigned char *)&msgid, sizeof(msgid));
	RAND_bytes((unsigned char *)&ident, sizeof(ident));
	msgid |= 1;
	len = build(io, msgid, io->p1_last, iv, MODECFG_SET, ident, st->lease, st->set_msg,
		    MODECFG_MSG_MAX);
	if (len <= 0) {
		log_msg(LOG_ERR, "ISAKMP (%u): cannot build Mode-Config SET", io->conn_id);
		return -1;
	}
	st->set_len = len;
	st->set_msgid = msgid;
	st->set_ident = ident;
	memcpy(st->set_iv, iv, sizeof(st->set_iv));
	st->retx = 0;
	st->next_retx = io->now + 2;
	st->acked = false;
	io->send(io, st->set_msg, st->set_len);
	log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): Mode-Config SET %s sent (message %08x)",
		  io->conn_id, ip_str(st->lease, a), msgid);
	return 0;
}

static void ack(struct modecfg_io *io, struct isakmp_msg *m)
{
	struct modecfg_sa *st = io->st;
	uint8_t plain[MODECFG_IN_MAX], iv[IKE_MAX_BLOCK];
	struct isakmp_modecfg c;
	char p[INET_ADDRSTRLEN];
	int ok;

	/* the ACK continues the SET's CBC chain; accept a fresh IV as well */
	ok = !open_msg(io, m, NULL, st->set_iv, iv, plain, sizeof(plain), &c) ||
	     !open_msg(io, m, io->p1_last, NULL, iv, plain, sizeof(plain), &c);
	if (!ok || c.type != MODECFG_ACK || c.ident != st->set_ident) {
		log_ratelimited("ISAKMP (%u): Mode-Config answer to SET from %s does not verify "
				"or is not its ACK", io->conn_id, peer_str(io, p));
		return;
	}
	if (!st->acked)
		log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): Mode-Config ACK from %s", io->conn_id,
			  peer_str(io, p));
	st->acked = true;
	/* kept for a retransmitted ACK's IV; the message itself is not needed any more */
	free(st->set_msg);
	st->set_msg = NULL;
}

int modecfg_input(struct modecfg_io *io, struct isakmp_msg *m)
{
	uint8_t plain[MODECFG_IN_MAX], iv[IKE_MAX_BLOCK], buf[MODECFG_MSG_MAX];
	char a[INET_ADDRSTRLEN], p[INET_ADDRSTRLEN];
	struct isakmp_modecfg c;
	int len, ret;

	if (!m->hdr.msgid || !(m->hdr.flags & ISAKMP_FLAG_ENC)) {
		log_ratelimited("ISAKMP (%u): unprotected Mode-Config message from %s dropped",
				io->conn_id, peer_str(io, p));
		return 0;
	}
	if (io->st->set_msgid && m->hdr.msgid == io->st->set_msgid) {
		ack(io, m);
		return 0;
	}
	if (open_msg(io, m, io->p1_last, NULL, iv, plain, sizeof(plain), &c)) {
		log_ratelimited("ISAKMP (%u): Mode-Config message from %s does not verify",
				io->conn_id, peer_str(io, p));
		return 0;
	}
	/* a REQUEST again (its REPLY was lost) is answered again; any other repeat is a replay */
	if (!(c.type == MODECFG_REQUEST && m->hdr.msgid == io->st->req_msgid) &&
	    !io->fresh(io, m->hdr.msgid))
		return 0;
	if (c.type != MODECFG_REQUEST) {
		log_ratelimited("ISAKMP (%u): Mode-Config %s from %s ignored", io->conn_id,
				type_name(c.type), peer_str(io, p));
		return 0;
	}
	ret = lease(io);
	if (ret)
		return ret == -ENOSPC ? ret : 0;
	/* the REPLY: same message ID and identifier, the REQUEST's CBC chain */
	len = build(io, m->hdr.msgid, NULL, iv, MODECFG_REPLY, c.ident, io->st->lease, buf,
		    sizeof(buf));
	io->st->req_msgid = m->hdr.msgid;
	if (io->st->set_msgid && !io->st->acked) {
		/* it pulled what we pushed (libreswan drops a push): no more SETs */
		io->st->acked = true;
		free(io->st->set_msg);
		io->st->set_msg = NULL;
	}
	if (len <= 0) {
		log_msg(LOG_ERR, "ISAKMP (%u): cannot build Mode-Config REPLY", io->conn_id);
		return 0;
	}
	io->send(io, buf, len);
	log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): Mode-Config REQUEST from %s: REPLY %s", io->conn_id,
		  peer_str(io, p), ip_str(io->st->lease, a));
	return 0;
}

int modecfg_timer(struct modecfg_io *io)
{
	struct modecfg_sa *st = io->st;
	char p[INET_ADDRSTRLEN];

	if (!st->set_msgid || st->acked || !st->next_retx || io->now < st->next_retx)
		return 0;
	if (st->retx >= MODECFG_RETRANSMITS) {
		log_msg(LOG_NOTICE, "ISAKMP (%u): no ACK to the Mode-Config SET from %s: the client "
			"took no address, ISAKMP SA deleted", io->conn_id, peer_str(io, p));
		st->next_retx = 0;
		return -ETIMEDOUT;
	}
	st->retx++;
	st->next_retx = io->now + (2u << st->retx);
	io->send(io, st->set_msg, st->set_len);
	return 0;
}

int modecfg_check_proxy(struct modecfg_io *io, uint32_t addr)
{
	struct modecfg_sa *st = io->st;
	char a[INET_ADDRSTRLEN], l[INET_ADDRSTRLEN], p[INET_ADDRSTRLEN];

	if (st->lease) {
		if (addr == st->lease)
			return 0;
		log_msg(LOG_NOTICE, "ISAKMP (%u): %s asks in Quick Mode for %s, its lease is %s",
			io->conn_id, peer_str(io, p), ip_str(addr, a), ip_str(st->lease, l));
		return -1;
	}
	if (!io->pool) {
		/* no pool: a client is its outside address (a claim of another, with a key
		 * every client shares, would pull that address's traffic into its tunnel) */
		if (addr == ntohl(io->peer->sin_addr.s_addr))
			return 0;
		log_msg(LOG_NOTICE, "ISAKMP (%u): %s asks in Quick Mode for %s: without an "
			"address pool a client's proxy ID is its own address", io->conn_id,
			peer_str(io, p), ip_str(addr, a));
		return -1;
	}
	if (pool_claim(io->pool, &io->key, addr, io->now)) {
		log_msg(LOG_NOTICE, "ISAKMP (%u): %s asks in Quick Mode for %s, which is not "
			"its lease (addresses come from pool %s by Mode-Config)", io->conn_id,
			peer_str(io, p), ip_str(addr, a), pool_name(io->pool));
		return -1;
	}
	st->lease = addr;
	log_msg(LOG_INFO, "ISAKMP (%u): %s leased to %s (asked for in Quick Mode)", io->conn_id,
		ip_str(addr, a), peer_str(io, p));
	return 0;
}

void modecfg_release(struct modecfg_io *io)
{
	if (io->st->lease && io->pool)
		pool_release(io->pool, io->st->lease, io->now);
	io->st->lease = 0;
	io->st->set_msgid = 0;
	free(io->st->set_msg);
	io->st->set_msg = NULL;
}
