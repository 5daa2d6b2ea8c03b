// SPDX-License-Identifier: GPL-2.0
/*
 * ISAKMP codec: RFC 2408 message, payload and attribute formats, with the
 * IPsec DOI (RFC 2407) and Mode-Config (draft-dukes-ike-mode-cfg-02) bodies.
 *
 * Decoding validates the whole message up front, so that a message either is
 * rejected with one specific error or every payload in it can be decoded
 * afterwards without failure.
 */
#include <string.h>

#include "isakmp.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static const char *const err_names[] = {
	[ISAKMP_OK] = "ok",
	[-ISAKMP_E_HDR_SHORT] = "datagram shorter than the ISAKMP header",
	[-ISAKMP_E_HDR_LEN_SHORT] = "header length below 28",
	[-ISAKMP_E_HDR_LEN_TRUNCATED] = "header length beyond the datagram",
	[-ISAKMP_E_HDR_LEN_TRAILING] = "datagram longer than the header length",
	[-ISAKMP_E_VERSION] = "unsupported major version",
	[-ISAKMP_E_PAYLOAD_HDR_SHORT] = "truncated generic payload header",
	[-ISAKMP_E_PAYLOAD_LEN_SHORT] = "payload length below 4",
	[-ISAKMP_E_PAYLOAD_LEN_OVERFLOW] = "payload length beyond the enclosing data",
	[-ISAKMP_E_PAYLOAD_FIXED_SHORT] = "payload shorter than its fixed part",
	[-ISAKMP_E_TRAILING] = "bytes after the last payload",
	[-ISAKMP_E_TOO_MANY_PAYLOADS] = "too many payloads",
	[-ISAKMP_E_UNKNOWN_CRITICAL] = "unknown critical payload",
	[-ISAKMP_E_BAD_NESTING] = "proposal or transform outside an SA",
	[-ISAKMP_E_SA_DOI] = "SA DOI is not IPsec",
	[-ISAKMP_E_SA_SITUATION] = "unsupported SA situation",
	[-ISAKMP_E_SA_NO_PROPOSAL] = "SA without proposals",
	[-ISAKMP_E_PROP_CHAIN] = "non-proposal payload inside an SA",
	[-ISAKMP_E_PROP_SPI_LEN] = "proposal SPI size beyond the proposal",
	[-ISAKMP_E_PROP_ORDER] = "proposal numbers not ascending",
	[-ISAKMP_E_TOO_MANY_PROPOSALS] = "too many proposals",
	[-ISAKMP_E_TRANS_CHAIN] = "non-transform payload inside a proposal",
	[-ISAKMP_E_TRANS_COUNT] = "transform count does not match the proposal",
	[-ISAKMP_E_TOO_MANY_TRANSFORMS] = "too many transforms",
	[-ISAKMP_E_ATTR_SHORT] = "truncated attribute",
	[-ISAKMP_E_ATTR_TOO_LONG] = "attribute value too long",
	[-ISAKMP_E_ATTR_DUPLICATE] = "duplicate attribute",
	[-ISAKMP_E_ATTR_LIFE_ORDER] = "life duration without a life type",
	[-ISAKMP_E_ATTR_LIFE_TYPE] = "unknown life type",
	[-ISAKMP_E_NOTIFY_SPI_LEN] = "notify SPI size beyond the payload",
	[-ISAKMP_E_DELETE_LEN] = "delete SPI list length mismatch",
	[-ISAKMP_E_DELETE_SPI_SIZE] = "delete with SPIs of size 0",
	[-ISAKMP_E_WRONG_TYPE] = "wrong payload type for decoder",
	[-ISAKMP_E_NO_SPACE] = "output buffer too small",
	[-ISAKMP_E_NESTING] = "payload nesting mismatch",
	[-ISAKMP_E_INVAL] = "invalid argument",
	[-ISAKMP_E_NONCE_LEN] = "nonce length outside 8..256",
	[-ISAKMP_E_ID_LEN] = "ID data length wrong for its type",
	[-ISAKMP_E_ID_TYPE] = "ID is not an IPv4 address, subnet or range",
	[-ISAKMP_E_ID_VALUE] = "non-contiguous ID mask or reversed range",
	[-ISAKMP_E_CRYPT_LEN] = "encrypted body is not whole cipher blocks",
	[-ISAKMP_E_CRYPTO] = "cipher failure",
	[-ISAKMP_E_HASH_FIRST] = "HASH is not the first payload",
	[-ISAKMP_E_HASH] = "HASH does not verify",
};

const char *isakmp_strerror(int err)
{
	unsigned int i = err < 0 ? (unsigned int)-err : 0;

	if (err == ISAKMP_ENCRYPTED)
		return "message is encrypted";
	if (err > 0)
		return "unknown error";
	if (i < ARRAY_SIZE(err_names) && err_names[i])
		return err_names[i];
	return "unknown error";
}

const char *isakmp_exch_name(unsigned int exch)
{
	switch (exch) {
	case ISAKMP_EXCH_NONE:		return "NONE";
	case ISAKMP_EXCH_BASE:		return "BASE";
	case ISAKMP_EXCH_IDPROT:	return "MAIN";
	case ISAKMP_EXCH_AUTH_ONLY:	return "AUTH_ONLY";
	case ISAKMP_EXCH_AGGRESSIVE:	return "AGGRESSIVE";
	case ISAKMP_EXCH_INFO:		return "INFORMATIONAL";
	case ISAKMP_EXCH_TRANSACTION:	return "TRANSACTION";
	case ISAKMP_EXCH_QUICK:		return "QUICK";
	case ISAKMP_EXCH_NEW_GROUP:	return "NEW_GROUP";
	}
	return "UNKNOWN";
}

const char *isakmp_payload_name(unsigned int type)
{
	switch (type) {
	case ISAKMP_NP_NONE:	return "NONE";
	case ISAKMP_NP_SA:	return "SA";
	case ISAKMP_NP_P:	return "PROPOSAL";
	case ISAKMP_NP_T:	return "TRANSFORM";
	case ISAKMP_NP_KE:	return "KE";
	case ISAKMP_NP_ID:	return "ID";
	case ISAKMP_NP_CERT:	return "CERT";
	case ISAKMP_NP_CR:	return "CERTREQ";
	case ISAKMP_NP_HASH:	return "HASH";
	case ISAKMP_NP_SIG:	return "SIG";
	case ISAKMP_NP_NONCE:	return "NONCE";
	case ISAKMP_NP_N:	return "NOTIFY";
	case ISAKMP_NP_D:	return "DELETE";
	case ISAKMP_NP_VID:	return "VID";
	case ISAKMP_NP_ATTR:	return "ATTR";
	case ISAKMP_NP_NATD:	return "NAT-D";
	case ISAKMP_NP_NATOA:	return "NAT-OA";
	case ISAKMP_NP_NATD_DRAFT:	return "NAT-D(draft)";
	case ISAKMP_NP_NATOA_DRAFT:	return "NAT-OA(draft)";
	case ISAKMP_NP_FRAG:	return "FRAGMENT";
	}
	return "UNKNOWN";
}

const char *isakmp_notify_name(unsigned int type)
{
	static const char *const errs[] = {
		NULL, "INVALID-PAYLOAD-TYPE", "DOI-NOT-SUPPORTED", "SITUATION-NOT-SUPPORTED",
		"INVALID-COOKIE", "INVALID-MAJOR-VERSION", "INVALID-MINOR-VERSION",
		"INVALID-EXCHANGE-TYPE", "INVALID-FLAGS", "INVALID-MESSAGE-ID",
		"INVALID-PROTOCOL-ID", "INVALID-SPI", "INVALID-TRANSFORM-ID",
		"ATTRIBUTES-NOT-SUPPORTED", "NO-PROPOSAL-CHOSEN", "BAD-PROPOSAL-SYNTAX",
		"PAYLOAD-MALFORMED", "INVALID-KEY-INFORMATION", "INVALID-ID-INFORMATION",
		"INVALID-CERT-ENCODING", "INVALID-CERTIFICATE", "CERT-TYPE-UNSUPPORTED",
		"INVALID-CERT-AUTHORITY", "INVALID-HASH-INFORMATION", "AUTHENTICATION-FAILED",
		"INVALID-SIGNATURE", "ADDRESS-NOTIFICATION", "NOTIFY-SA-LIFETIME",
		"CERTIFICATE-UNAVAILABLE", "UNSUPPORTED-EXCHANGE-TYPE", "UNEQUAL-PAYLOAD-LENGTHS",
	};

	if (type < ARRAY_SIZE(errs) && errs[type])
		return errs[type];
	switch (type) {
	case ISAKMP_N_CONNECTED:		return "CONNECTED";
	case ISAKMP_N_RESPONDER_LIFETIME:	return "RESPONDER-LIFETIME";
	case ISAKMP_N_REPLAY_STATUS:		return "REPLAY-STATUS";
	case ISAKMP_N_INITIAL_CONTACT:		return "INITIAL-CONTACT";
	case ISAKMP_N_DPD_R_U_THERE:		return "R-U-THERE";
	case ISAKMP_N_DPD_R_U_THERE_ACK:	return "R-U-THERE-ACK";
	case ISAKMP_N_CISCO_LOAD_BALANCE:	return "CISCO-LOAD-BALANCE";
	}
	return "UNKNOWN";
}

struct vid_desc {
	const char *name;
	uint8_t bytes[20];
	uint8_t len;		/* what we send */
	uint8_t match;		/* prefix that identifies it */
};

static const struct vid_desc vids[ISAKMP_VID_COUNT] = {
	[ISAKMP_VID_NATT_RFC3947] = { "NAT-T (RFC 3947)", {
		0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
		0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f }, 16, 16 },
	[ISAKMP_VID_NATT_02] = { "NAT-T (draft-02)", {
		0xcd, 0x60, 0x46, 0x43, 0x35, 0xdf, 0x21, 0xf8,
		0x7c, 0xfd, 0xb2, 0xfc, 0x68, 0xb6, 0xa4, 0x48 }, 16, 16 },
	[ISAKMP_VID_NATT_02N] = { "NAT-T (draft-02\\n)", {
		0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e,
		0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b, 0x1f }, 16, 16 },
	[ISAKMP_VID_NATT_03] = { "NAT-T (draft-03)", {
		0x7d, 0x94, 0x19, 0xa6, 0x53, 0x10, 0xca, 0x6f,
		0x2c, 0x17, 0x9d, 0x92, 0x15, 0x52, 0x9d, 0x56 }, 16, 16 },
	[ISAKMP_VID_DPD] = { "DPD", {
		0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
		0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00 }, 16, 16 },
	[ISAKMP_VID_XAUTH] = { "XAUTH", {
		0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12 }, 8, 8 },
	[ISAKMP_VID_UNITY] = { "Cisco Unity", {
		0x12, 0xf5, 0xf2, 0x8c, 0x45, 0x71, 0x68, 0xa9,
		0x70, 0x2d, 0x9f, 0xe2, 0x74, 0xcc, 0x01, 0x00 }, 16, 14 },
	[ISAKMP_VID_FRAGMENTATION] = { "FRAGMENTATION", {
		0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc, 0xe8, 0x85,
		0x25, 0xe7, 0xde, 0x7f, 0x00, 0xd6, 0xc2, 0xd3,
		0x80, 0x00, 0x00, 0x00 }, 20, 16 },
};

enum isakmp_vid isakmp_vid_classify(const uint8_t *data, size_t len)
{
	unsigned int i;

	for (i = 1; i < ISAKMP_VID_COUNT; i++) {
		const struct vid_desc *v = &vids[i];

		/* exact length where there is no version or flag suffix */
		if (len < v->match || (v->match == v->len && len != v->len))
			continue;
		if (!memcmp(data, v->bytes, v->match))
			return i;
	}
	return ISAKMP_VID_UNKNOWN;
}

const uint8_t *isakmp_vid_bytes(enum isakmp_vid vid, size_t *len)
{
	if (vid <= ISAKMP_VID_UNKNOWN || vid >= ISAKMP_VID_COUNT)
		return NULL;
	*len = vids[vid].len;
	return vids[vid].bytes;
}

const char *isakmp_vid_name(enum isakmp_vid vid)
{
	if (vid <= ISAKMP_VID_UNKNOWN || vid >= ISAKMP_VID_COUNT)
		return "unknown";
	return vids[vid].name;
}

int isakmp_decode_hdr(const uint8_t *p, size_t len, struct isakmp_hdr *h)
{
	struct rbuf r;

	if (len < ISAKMP_HDR_LEN)
		return ISAKMP_E_HDR_SHORT;
	rbuf_init(&r, p, len);
	rbuf_bytes(&r, h->icookie, ISAKMP_COOKIE_LEN);
	rbuf_bytes(&r, h->rcookie, ISAKMP_COOKIE_LEN);
	rbuf_u8(&r, &h->np);
	rbuf_u8(&r, &h->version);
	rbuf_u8(&r, &h->exch);
	rbuf_u8(&r, &h->flags);
	rbuf_u32(&r, &h->msgid);
	if (!rbuf_u32(&r, &h->length))
		return ISAKMP_E_HDR_SHORT;
	if ((h->version >> 4) != (ISAKMP_VERSION >> 4))
		return ISAKMP_E_VERSION;
	if (h->length < ISAKMP_HDR_LEN)
		return ISAKMP_E_HDR_LEN_SHORT;
	if (h->length > len)
		return ISAKMP_E_HDR_LEN_TRUNCATED;
	/*
	 * RFC 2408 3.1: the length is that of the total message. Nothing we
	 * talk to pads a datagram, so extra bytes mean a framing bug or an
	 * attack; refuse rather than guess which length is right.
	 */
	if (h->length < len)
		return ISAKMP_E_HDR_LEN_TRAILING;
	return ISAKMP_OK;
}

/* Size of the fixed part after the generic header; -1 for types we do not know. */
static int fixed_len(uint8_t type)
{
	switch (type) {
	case ISAKMP_NP_SA:	return 8;	/* DOI, situation: RFC 2407 4.6.1 */
	case ISAKMP_NP_KE:	return 0;
	case ISAKMP_NP_ID:	return 4;	/* type, proto, port: RFC 2407 4.6.2 */
	case ISAKMP_NP_CERT:	return 1;	/* encoding */
	case ISAKMP_NP_CR:	return 1;
	case ISAKMP_NP_HASH:	return 0;
	case ISAKMP_NP_SIG:	return 0;
	case ISAKMP_NP_NONCE:	return 0;
	case ISAKMP_NP_N:	return 8;	/* DOI, proto, SPI size, type: RFC 2408 3.14 */
	case ISAKMP_NP_D:	return 8;	/* DOI, proto, SPI size, #SPIs: 3.15 */
	case ISAKMP_NP_VID:	return 0;
	case ISAKMP_NP_ATTR:	return 4;	/* type, reserved, identifier */
	case ISAKMP_NP_NATD:
	case ISAKMP_NP_NATD_DRAFT:
		return 0;
	case ISAKMP_NP_NATOA:
	case ISAKMP_NP_NATOA_DRAFT:
		return 4;	/* ID type, 3 reserved */
	case ISAKMP_NP_FRAG:	return 4;	/* id, number, flags */
	}
	return -1;
}

/*
 * Read one generic payload header and carve the payload out of r. *np gets
 * the next-payload field, *res the reserved byte, body the bytes after the
 * generic header.
 */
static int gen_payload(struct rbuf *r, uint8_t *np, uint8_t *res, struct rbuf *body,
		       const uint8_t **raw, uint16_t *raw_len)
{
	uint16_t len;

	if (rbuf_left(r) < ISAKMP_GEN_LEN)
		return ISAKMP_E_PAYLOAD_HDR_SHORT;
	*raw = rbuf_pos(r);
	rbuf_peek_u8(r, 0, np);
	rbuf_peek_u8(r, 1, res);
	rbuf_peek_u16(r, 2, &len);
	if (len < ISAKMP_GEN_LEN)
		return ISAKMP_E_PAYLOAD_LEN_SHORT;
	if (len > rbuf_left(r))
		return ISAKMP_E_PAYLOAD_LEN_OVERFLOW;
	rbuf_skip(r, ISAKMP_GEN_LEN);
	rbuf_sub(r, len - ISAKMP_GEN_LEN, body);
	*raw_len = len;
	return ISAKMP_OK;
}

static int validate_payload(const struct isakmp_payload *pl);

int isakmp_decode_chain(struct isakmp_msg *m, uint8_t first_np, const uint8_t *p, size_t len,
			bool pad_ok)
{
	uint8_t np = first_np;
	struct rbuf r;
	int err;

	m->n = 0;
	m->skipped = 0;
	m->first_np = first_np;
	m->chain = p;
	m->chain_end = p;
	rbuf_init(&r, p, len);
	while (np != ISAKMP_NP_NONE) {
		struct isakmp_payload *pl;
		uint8_t next, res;
		struct rbuf body;
		const uint8_t *raw;
		uint16_t raw_len;
		int fixed;

		err = gen_payload(&r, &next, &res, &body, &raw, &raw_len);
		if (err)
			return err;
		if (np == ISAKMP_NP_P || np == ISAKMP_NP_T)
			return ISAKMP_E_BAD_NESTING;
		fixed = fixed_len(np);
		if (fixed < 0) {
			/* RFC 2408 5.2 would refuse; we skip so new extensions pass. */
			if (res & ISAKMP_PL_CRITICAL)
				return ISAKMP_E_UNKNOWN_CRITICAL;
			m->skipped++;
			np = next;
			continue;
		}
		if (rbuf_left(&body) < (size_t)fixed)
			return ISAKMP_E_PAYLOAD_FIXED_SHORT;
		if (m->n == ISAKMP_MAX_PAYLOADS)
			return ISAKMP_E_TOO_MANY_PAYLOADS;
		pl = &m->pl[m->n++];
		pl->type = np;
		pl->reserved = res;
		pl->raw = raw;
		pl->raw_len = raw_len;
		pl->body = rbuf_pos(&body);
		pl->len = raw_len - ISAKMP_GEN_LEN;
		err = validate_payload(pl);
		if (err)
			return err;
		np = next;
	}
	m->chain_end = rbuf_pos(&r);
	/*
	 * RFC 2409 5.3: an encrypted message is padded to the block size and
	 * the padding is not described by any payload.
	 */
	if (rbuf_left(&r) && !pad_ok)
		return ISAKMP_E_TRAILING;
	return ISAKMP_OK;
}

int isakmp_decode(const uint8_t *p, size_t len, struct isakmp_msg *m)
{
	int err;

	memset(m, 0, sizeof(*m));
	err = isakmp_decode_hdr(p, len, &m->hdr);
	if (err)
		return err;
	m->raw = p;
	m->raw_len = m->hdr.length;
	m->body = p + ISAKMP_HDR_LEN;
	m->body_len = m->hdr.length - ISAKMP_HDR_LEN;
	if (m->hdr.flags & ISAKMP_FLAG_ENC)
		return ISAKMP_ENCRYPTED;
	return isakmp_decode_chain(m, m->hdr.np, m->body, m->body_len, false);
}

int isakmp_hashed(const struct isakmp_msg *m, const uint8_t **hash, uint16_t *hash_len,
		  const uint8_t **rest, size_t *rest_len)
{
	const struct isakmp_payload *h = &m->pl[0];

	/* the first payload of the chain, not merely the first one we kept */
	if (m->first_np != ISAKMP_NP_HASH || !m->n || h->raw != m->chain)
		return ISAKMP_E_HASH_FIRST;
	*hash = h->body;
	*hash_len = h->len;
	*rest = h->raw + h->raw_len;
	*rest_len = m->chain_end - *rest;
	return ISAKMP_OK;
}

const struct isakmp_payload *isakmp_find(const struct isakmp_msg *m, uint8_t type,
					 unsigned int *from)
{
	unsigned int i = from ? *from : 0;

	for (; i < m->n; i++) {
		if (m->pl[i].type == type) {
			if (from)
				*from = i + 1;
			return &m->pl[i];
		}
	}
	if (from)
		*from = m->n;
	return NULL;
}

unsigned int isakmp_count(const struct isakmp_msg *m, uint8_t type)
{
	unsigned int i, n = 0;

	for (i = 0; i < m->n; i++)
		n += m->pl[i].type == type;
	return n;
}

int isakmp_attr_next(struct rbuf *r, struct isakmp_attr *a)
{
	uint16_t t, v;
	unsigned int i;

	if (rbuf_left(r) == 0)
		return 0;
	if (!rbuf_u16(r, &t))
		return ISAKMP_E_ATTR_SHORT;
	a->type = t & ISAKMP_ATTR_TYPE_MASK;
	a->tv = t & ISAKMP_ATTR_AF;
	if (a->tv) {
		a->len = 2;
	} else {
		if (!rbuf_u16(r, &v))
			return ISAKMP_E_ATTR_SHORT;
		a->len = v;
	}
	if (!rbuf_ptr(r, a->len, &a->val))
		return ISAKMP_E_ATTR_SHORT;
	a->num = 0;
	if (a->len <= 8)
		for (i = 0; i < a->len; i++)
			a->num = a->num << 8 | a->val[i];
	return 1;
}

static int check_attrs(const uint8_t *p, size_t len)
{
	struct isakmp_attr a;
	struct rbuf r;
	int ret;

	rbuf_init(&r, p, len);
	while ((ret = isakmp_attr_next(&r, &a)) > 0)
		;
	return ret;
}

/* One transform payload body (RFC 2408 3.6). */
static int decode_transform(struct rbuf *body, struct isakmp_transform *t)
{
	uint16_t rsv;
	int err;

	if (rbuf_left(body) < 4)
		return ISAKMP_E_PAYLOAD_FIXED_SHORT;
	rbuf_u8(body, &t->num);
	rbuf_u8(body, &t->id);
	rbuf_u16(body, &rsv);
	t->attrs = rbuf_pos(body);
	t->attrs_len = rbuf_left(body);
	err = check_attrs(t->attrs, t->attrs_len);
	return err < 0 ? err : ISAKMP_OK;
}

/* One proposal payload body (RFC 2408 3.5) and its transforms. */
static int decode_proposal(struct rbuf *body, struct isakmp_sa *sa, struct isakmp_proposal *p)
{
	uint8_t np = ISAKMP_NP_T, nt;
	int err;

	if (rbuf_left(body) < 4)
		return ISAKMP_E_PAYLOAD_FIXED_SHORT;
	rbuf_u8(body, &p->num);
	rbuf_u8(body, &p->proto);
	rbuf_u8(body, &p->spi_size);
	rbuf_u8(body, &nt);
	if (!rbuf_ptr(body, p->spi_size, &p->spi))
		return ISAKMP_E_PROP_SPI_LEN;
	p->first = sa->ntrans;
	p->ntrans = 0;
	while (rbuf_left(body)) {
		struct isakmp_transform *t;
		struct rbuf tb;
		uint8_t next, res;

		if (np != ISAKMP_NP_T)
			return np == ISAKMP_NP_NONE ? ISAKMP_E_TRAILING : ISAKMP_E_TRANS_CHAIN;
		if (sa->ntrans == ISAKMP_MAX_TRANSFORMS)
			return ISAKMP_E_TOO_MANY_TRANSFORMS;
		t = &sa->t[sa->ntrans];
		err = gen_payload(body, &next, &res, &tb, &t->raw, &t->raw_len);
		if (err)
			return err;
		err = decode_transform(&tb, t);
		if (err)
			return err;
		sa->ntrans++;
		p->ntrans++;
		np = next;
	}
	if (np != ISAKMP_NP_NONE)
		return np == ISAKMP_NP_T ? ISAKMP_E_TRANS_COUNT : ISAKMP_E_TRANS_CHAIN;
	/* RFC 2408 3.5: the count must match the transforms that follow */
	if (p->ntrans != nt || nt == 0)
		return ISAKMP_E_TRANS_COUNT;
	return ISAKMP_OK;
}

int isakmp_decode_sa(const struct isakmp_payload *pl, struct isakmp_sa *sa)
{
	uint8_t np = ISAKMP_NP_P;
	struct rbuf r;
	int err;

	if (pl->type != ISAKMP_NP_SA)
		return ISAKMP_E_WRONG_TYPE;
	sa->nprop = 0;
	sa->ntrans = 0;
	rbuf_init(&r, pl->body, pl->len);
	if (!rbuf_u32(&r, &sa->doi) || !rbuf_u32(&r, &sa->situation))
		return ISAKMP_E_PAYLOAD_FIXED_SHORT;
	if (sa->doi != ISAKMP_DOI_IPSEC)
		return ISAKMP_E_SA_DOI;
	/*
	 * RFC 2407 4.2: secrecy and integrity situations add labelled-domain
	 * fields nobody implements; identity-only is what every client sends.
	 */
	if (sa->situation != ISAKMP_SIT_IDENTITY_ONLY)
		return ISAKMP_E_SA_SITUATION;
	while (rbuf_left(&r)) {
		struct isakmp_proposal *p;
		const uint8_t *raw;
		uint16_t raw_len;
		uint8_t next, res;
		struct rbuf pb;

		if (np != ISAKMP_NP_P)
			return np == ISAKMP_NP_NONE ? ISAKMP_E_TRAILING : ISAKMP_E_PROP_CHAIN;
		if (sa->nprop == ISAKMP_MAX_PROPOSALS)
			return ISAKMP_E_TOO_MANY_PROPOSALS;
		p = &sa->p[sa->nprop];
		err = gen_payload(&r, &next, &res, &pb, &raw, &raw_len);
		if (err)
			return err;
		err = decode_proposal(&pb, sa, p);
		if (err)
			return err;
		/*
		 * RFC 2408 4.2: equal numbers are one proposal over several
		 * protocols (AND), higher numbers are alternatives (OR).
		 */
		if (sa->nprop && p->num < sa->p[sa->nprop - 1].num)
			return ISAKMP_E_PROP_ORDER;
		sa->nprop++;
		np = next;
	}
	if (!sa->nprop)
		return ISAKMP_E_SA_NO_PROPOSAL;
	if (np != ISAKMP_NP_NONE)
		return np == ISAKMP_NP_P ? ISAKMP_E_PAYLOAD_HDR_SHORT : ISAKMP_E_PROP_CHAIN;
	return ISAKMP_OK;
}

/* A numeric attribute that must fit 16 bits, in either form. */
static int attr_u16(const struct isakmp_attr *a, uint16_t *v)
{
	if (a->len > 8 || a->num > 0xffff)
		return ISAKMP_E_ATTR_TOO_LONG;
	*v = a->num;
	return ISAKMP_OK;
}

/*
 * Life durations are variable length (RFC 2407 4.5): values wider than 64
 * bits saturate, which for a lifetime means "longer than we allow anyway".
 */
static uint64_t attr_u64(const struct isakmp_attr *a)
{
	uint16_t i;

	if (a->len <= 8)
		return a->num;
	for (i = 0; i < a->len - 8; i++)
		if (a->val[i])
			return UINT64_MAX;
	return get_be32(a->val + a->len - 8) * (uint64_t)0x100000000 +
	       get_be32(a->val + a->len - 4);
}

/* Life type / duration pairs, shared by both phases (RFC 2407 4.5, 2409 App A). */
struct life_state {
	uint16_t cur;		/* life type waiting for its duration */
	bool sec, kb;		/* already seen */
};

static int life_type(struct life_state *ls, const struct isakmp_attr *a)
{
	uint16_t v;
	int err = attr_u16(a, &v);

	if (err)
		return err;
	if (v != IKE_LIFE_SECONDS && v != IKE_LIFE_KILOBYTES)
		return ISAKMP_E_ATTR_LIFE_TYPE;
	if ((v == IKE_LIFE_SECONDS && ls->sec) || (v == IKE_LIFE_KILOBYTES && ls->kb))
		return ISAKMP_E_ATTR_DUPLICATE;
	ls->cur = v;
	return ISAKMP_OK;
}

/* "The Life Duration attribute MUST follow the Life Type" (RFC 2407 4.5). */
static int life_duration(struct life_state *ls, const struct isakmp_attr *a, uint64_t *sec,
			 uint64_t *kb)
{
	if (!ls->cur)
		return ISAKMP_E_ATTR_LIFE_ORDER;
	if (ls->cur == IKE_LIFE_SECONDS) {
		*sec = attr_u64(a);
		ls->sec = true;
	} else {
		*kb = attr_u64(a);
		ls->kb = true;
	}
	ls->cur = 0;
	return ISAKMP_OK;
}

/* Mark class type seen in a 64-bit set; classes past 63 are not tracked. */
static bool seen_before(uint64_t *seen, uint16_t type)
{
	uint64_t bit;

	if (type >= 64)
		return false;
	bit = (uint64_t)1 << type;
	if (*seen & bit)
		return true;
	*seen |= bit;
	return false;
}

int isakmp_p1_attrs(const struct isakmp_transform *t, struct ike_p1_attrs *out)
{
	struct life_state ls = { 0 };
	struct isakmp_attr a;
	uint64_t seen = 0;
	struct rbuf r;
	int ret, err;

	memset(out, 0, sizeof(*out));
	rbuf_init(&r, t->attrs, t->attrs_len);
	while ((ret = isakmp_attr_next(&r, &a)) > 0) {
		uint16_t *dst = NULL;

		if (a.type != IKE_ATTR_LIFE_TYPE && a.type != IKE_ATTR_LIFE_DURATION &&
		    seen_before(&seen, a.type))
			return ISAKMP_E_ATTR_DUPLICATE;
		switch (a.type) {
		case IKE_ATTR_ENC:		dst = &out->enc; break;
		case IKE_ATTR_HASH:		dst = &out->hash; break;
		case IKE_ATTR_AUTH:		dst = &out->auth; break;
		case IKE_ATTR_GROUP_DESC:	dst = &out->group; break;
		case IKE_ATTR_GROUP_TYPE:	dst = &out->group_type; break;
		case IKE_ATTR_PRF:		dst = &out->prf; break;
		case IKE_ATTR_KEY_LENGTH:	dst = &out->keylen; break;
		case IKE_ATTR_LIFE_TYPE:
			err = life_type(&ls, &a);
			if (err)
				return err;
			continue;
		case IKE_ATTR_LIFE_DURATION:
			err = life_duration(&ls, &a, &out->life_sec, &out->life_kb);
			if (err)
				return err;
			continue;
		case IKE_ATTR_GROUP_PRIME:
		case IKE_ATTR_GROUP_GEN1:
		case IKE_ATTR_GROUP_GEN2:
		case IKE_ATTR_GROUP_CURVE_A:
		case IKE_ATTR_GROUP_CURVE_B:
		case IKE_ATTR_FIELD_SIZE:
		case IKE_ATTR_GROUP_ORDER:
			out->custom_group = true;
			continue;
		default:
			out->unknown++;
			continue;
		}
		err = attr_u16(&a, dst);
		if (err)
			return err;
	}
	return ret < 0 ? ret : ISAKMP_OK;
}

int isakmp_ipsec_attrs(const struct isakmp_transform *t, struct ipsec_attrs *out)
{
	struct life_state ls = { 0 };
	struct isakmp_attr a;
	uint64_t seen = 0;
	struct rbuf r;
	int ret, err;

	memset(out, 0, sizeof(*out));
	rbuf_init(&r, t->attrs, t->attrs_len);
	while ((ret = isakmp_attr_next(&r, &a)) > 0) {
		uint16_t *dst = NULL;

		if (a.type != IPSEC_ATTR_LIFE_TYPE && a.type != IPSEC_ATTR_LIFE_DURATION &&
		    seen_before(&seen, a.type))
			return ISAKMP_E_ATTR_DUPLICATE;
		switch (a.type) {
		case IPSEC_ATTR_ENCAP_MODE:	dst = &out->encap; break;
		case IPSEC_ATTR_AUTH_ALG:	dst = &out->auth; break;
		case IPSEC_ATTR_GROUP_DESC:	dst = &out->group; break;
		case IPSEC_ATTR_KEY_LENGTH:	dst = &out->keylen; break;
		case IPSEC_ATTR_KEY_ROUNDS:	dst = &out->key_rounds; break;
		case IPSEC_ATTR_LIFE_TYPE:
			err = life_type(&ls, &a);
			if (err)
				return err;
			continue;
		case IPSEC_ATTR_LIFE_DURATION:
			err = life_duration(&ls, &a, &out->life_sec, &out->life_kb);
			if (err)
				return err;
			continue;
		default:
			out->unknown++;
			continue;
		}
		err = attr_u16(&a, dst);
		if (err)
			return err;
	}
	return ret < 0 ? ret : ISAKMP_OK;
}

int isakmp_decode_data(const struct isakmp_payload *pl, uint8_t type, const uint8_t **data,
		       uint16_t *len)
{
	if (pl->type != type || fixed_len(type) != 0)
		return ISAKMP_E_WRONG_TYPE;
	*data = pl->body;
	*len = pl->len;
	return ISAKMP_OK;
}

int isakmp_decode_nonce(const struct isakmp_payload *pl, const uint8_t **data, uint16_t *len)
{
	int err = isakmp_decode_data(pl, ISAKMP_NP_NONCE, data, len);

	if (err)
		return err;
	if (*len < 8 || *len > 256)
		return ISAKMP_E_NONCE_LEN;
	return ISAKMP_OK;
}

int isakmp_id_ipv4(const struct isakmp_id *id, uint32_t *first, uint32_t *last)
{
	uint32_t a, b;

	switch (id->type) {
	case ISAKMP_ID_IPV4_ADDR:
		if (id->len != 4)
			return ISAKMP_E_ID_LEN;
		*first = *last = get_be32(id->data);
		return ISAKMP_OK;
	case ISAKMP_ID_IPV4_ADDR_SUBNET:
	case ISAKMP_ID_IPV4_ADDR_RANGE:
		if (id->len != 8)
			return ISAKMP_E_ID_LEN;
		a = get_be32(id->data);
		b = get_be32(id->data + 4);
		break;
	default:
		return ISAKMP_E_ID_TYPE;
	}
	if (id->type == ISAKMP_ID_IPV4_ADDR_RANGE) {
		if (a > b)
			return ISAKMP_E_ID_VALUE;
		*first = a;
		*last = b;
		return ISAKMP_OK;
	}
	/* contiguous mask: its complement plus one is a power of two (or zero) */
	if ((~b + 1) & ~b)
		return ISAKMP_E_ID_VALUE;
	*first = a & b;
	*last = (a & b) | ~b;
	return ISAKMP_OK;
}

int isakmp_decode_id(const struct isakmp_payload *pl, struct isakmp_id *id)
{
	struct rbuf r;

	if (pl->type != ISAKMP_NP_ID)
		return ISAKMP_E_WRONG_TYPE;
	rbuf_init(&r, pl->body, pl->len);
	rbuf_u8(&r, &id->type);
	rbuf_u8(&r, &id->proto);
	if (!rbuf_u16(&r, &id->port))
		return ISAKMP_E_PAYLOAD_FIXED_SHORT;
	id->data = rbuf_pos(&r);
	id->len = rbuf_left(&r);
	id->body = pl->body;
	id->body_len = pl->len;
	return ISAKMP_OK;
}

int isakmp_decode_notify(const struct isakmp_payload *pl, struct isakmp_notify_pl *n)
{
	struct rbuf r;

	if (pl->type != ISAKMP_NP_N)
		return ISAKMP_E_WRONG_TYPE;
	rbuf_init(&r, pl->body, pl->len);
	rbuf_u32(&r, &n->doi);
	rbuf_u8(&r, &n->proto);
	rbuf_u8(&r, &n->spi_size);
	if (!rbuf_u16(&r, &n->type))
		return ISAKMP_E_PAYLOAD_FIXED_SHORT;
	if (!rbuf_ptr(&r, n->spi_size, &n->spi))
		return ISAKMP_E_NOTIFY_SPI_LEN;
	n->data = rbuf_pos(&r);
	n->len = rbuf_left(&r);
	return ISAKMP_OK;
}

int isakmp_decode_delete(const struct isakmp_payload *pl, struct isakmp_delete *d)
{
	struct rbuf r;

	if (pl->type != ISAKMP_NP_D)
		return ISAKMP_E_WRONG_TYPE;
	rbuf_init(&r, pl->body, pl->len);
	rbuf_u32(&r, &d->doi);
	rbuf_u8(&r, &d->proto);
	rbuf_u8(&r, &d->spi_size);
	if (!rbuf_u16(&r, &d->nspi))
		return ISAKMP_E_PAYLOAD_FIXED_SHORT;
	if (!d->spi_size && d->nspi)
		return ISAKMP_E_DELETE_SPI_SIZE;
	/* RFC 2408 3.15: exactly #SPIs SPIs of SPI-size octets follow */
	if ((size_t)d->spi_size * d->nspi != rbuf_left(&r))
		return ISAKMP_E_DELETE_LEN;
	d->spis = rbuf_pos(&r);
	return ISAKMP_OK;
}

int isakmp_decode_modecfg(const struct isakmp_payload *pl, struct isakmp_modecfg *c)
{
	struct rbuf r;
	uint8_t rsv;
	int err;

	if (pl->type != ISAKMP_NP_ATTR)
		return ISAKMP_E_WRONG_TYPE;
	rbuf_init(&r, pl->body, pl->len);
	rbuf_u8(&r, &c->type);
	rbuf_u8(&r, &rsv);
	if (!rbuf_u16(&r, &c->ident))
		return ISAKMP_E_PAYLOAD_FIXED_SHORT;
	c->attrs = rbuf_pos(&r);
	c->attrs_len = rbuf_left(&r);
	err = check_attrs(c->attrs, c->attrs_len);
	return err < 0 ? err : ISAKMP_OK;
}

/* Run the type's own decoder so the whole message is known good. */
static int validate_payload(const struct isakmp_payload *pl)
{
	union {
		struct isakmp_id id;
		struct isakmp_notify_pl n;
		struct isakmp_delete d;
		struct isakmp_modecfg c;
	} u;
	struct isakmp_sa sa;	/* about 2.5 KiB */

	switch (pl->type) {
	case ISAKMP_NP_SA:	return isakmp_decode_sa(pl, &sa);
	case ISAKMP_NP_ID:	return isakmp_decode_id(pl, &u.id);
	case ISAKMP_NP_N:	return isakmp_decode_notify(pl, &u.n);
	case ISAKMP_NP_D:	return isakmp_decode_delete(pl, &u.d);
	case ISAKMP_NP_ATTR:	return isakmp_decode_modecfg(pl, &u.c);
	}
	return ISAKMP_OK;
}

/* ---- encoder ---- */

#define NO_NP	((size_t)-1)

void isakmp_enc_init(struct isakmp_enc *e, void *buf, size_t cap, const struct isakmp_hdr *h)
{
	memset(e, 0, sizeof(*e));
	wbuf_init(&e->w, buf, cap);
	wbuf_bytes(&e->w, h->icookie, ISAKMP_COOKIE_LEN);
	wbuf_bytes(&e->w, h->rcookie, ISAKMP_COOKIE_LEN);
	wbuf_u8(&e->w, ISAKMP_NP_NONE);		/* patched by the first payload */
	wbuf_u8(&e->w, h->version ? h->version : ISAKMP_VERSION);
	wbuf_u8(&e->w, h->exch);
	wbuf_u8(&e->w, h->flags);
	wbuf_u32(&e->w, h->msgid);
	wbuf_u32(&e->w, 0);			/* patched by isakmp_enc_finish */
	e->np_off[0] = 2 * ISAKMP_COOKIE_LEN;
	e->depth = 0;
}

bool isakmp_put_begin(struct isakmp_enc *e, uint8_t type)
{
	size_t off = e->w.len;
	int d = e->depth;

	if (d >= ISAKMP_ENC_DEPTH - 1) {
		e->bad = true;
		return false;
	}
	/*
	 * Even when the header does not fit, descend, so that the caller's
	 * matching isakmp_put_end() keeps the nesting straight; the sticky
	 * wbuf error makes isakmp_enc_finish() report the lack of space.
	 */
	if (wbuf_zero(&e->w, ISAKMP_GEN_LEN)) {
		/* chain the previous sibling (or the header) to this payload */
		if (e->np_off[d] != NO_NP)
			wbuf_set_u8(&e->w, e->np_off[d], type);
		e->np_off[d] = off;
	}
	e->depth = ++d;
	e->start[d] = off;
	e->np_off[d] = NO_NP;
	return true;
}

void isakmp_put_end(struct isakmp_enc *e)
{
	size_t len;

	if (e->depth == 0) {
		e->bad = true;
		return;
	}
	if (wbuf_ok(&e->w)) {
		len = e->w.len - e->start[e->depth];
		if (len > 0xffff)
			e->bad = true;
		else
			wbuf_set_u16(&e->w, e->start[e->depth] + 2, len);
	}
	e->depth--;
}

int isakmp_enc_finish(struct isakmp_enc *e)
{
	if (e->bad)
		return ISAKMP_E_INVAL;
	if (e->depth)
		return ISAKMP_E_NESTING;
	if (!wbuf_ok(&e->w) || e->w.len > ISAKMP_MAX_MSG)
		return ISAKMP_E_NO_SPACE;
	wbuf_set_u32(&e->w, 24, e->w.len);
	return (int)e->w.len;
}

void isakmp_put_attr(struct isakmp_enc *e, uint16_t type, uint64_t val)
{
	type &= ISAKMP_ATTR_TYPE_MASK;
	if (val <= 0xffff) {
		wbuf_u16(&e->w, type | ISAKMP_ATTR_AF);
		wbuf_u16(&e->w, val);
	} else if (val <= 0xffffffff) {
		wbuf_u16(&e->w, type);
		wbuf_u16(&e->w, 4);
		wbuf_u32(&e->w, val);
	} else {
		wbuf_u16(&e->w, type);
		wbuf_u16(&e->w, 8);
		wbuf_u32(&e->w, val >> 32);
		wbuf_u32(&e->w, val & 0xffffffff);
	}
}

void isakmp_put_attr_tlv(struct isakmp_enc *e, uint16_t type, const void *val, uint16_t len)
{
	wbuf_u16(&e->w, type & ISAKMP_ATTR_TYPE_MASK);
	wbuf_u16(&e->w, len);
	wbuf_bytes(&e->w, val, len);
}

void isakmp_put_data(struct isakmp_enc *e, uint8_t type, const void *data, size_t len)
{
	if (!isakmp_put_begin(e, type))
		return;
	wbuf_bytes(&e->w, data, len);
	isakmp_put_end(e);
}

void isakmp_put_id(struct isakmp_enc *e, uint8_t id_type, uint8_t proto, uint16_t port,
		   const void *data, size_t len)
{
	if (!isakmp_put_begin(e, ISAKMP_NP_ID))
		return;
	wbuf_u8(&e->w, id_type);
	wbuf_u8(&e->w, proto);
	wbuf_u16(&e->w, port);
	wbuf_bytes(&e->w, data, len);
	isakmp_put_end(e);
}

void isakmp_put_notify(struct isakmp_enc *e, uint32_t doi, uint8_t proto, uint16_t type,
		       const void *spi, uint8_t spi_size, const void *data, size_t len)
{
	if (!isakmp_put_begin(e, ISAKMP_NP_N))
		return;
	wbuf_u32(&e->w, doi);
	wbuf_u8(&e->w, proto);
	wbuf_u8(&e->w, spi_size);
	wbuf_u16(&e->w, type);
	wbuf_bytes(&e->w, spi, spi_size);
	wbuf_bytes(&e->w, data, len);
	isakmp_put_end(e);
}

void isakmp_put_delete(struct isakmp_enc *e, uint32_t doi, uint8_t proto, uint8_t spi_size,
		       const void *spis, uint16_t nspi)
{
	if (!isakmp_put_begin(e, ISAKMP_NP_D))
		return;
	wbuf_u32(&e->w, doi);
	wbuf_u8(&e->w, proto);
	wbuf_u8(&e->w, spi_size);
	wbuf_u16(&e->w, nspi);
	wbuf_bytes(&e->w, spis, (size_t)spi_size * nspi);
	isakmp_put_end(e);
}

void isakmp_put_sa_begin(struct isakmp_enc *e, uint32_t doi, uint32_t situation)
{
	if (!isakmp_put_begin(e, ISAKMP_NP_SA))
		return;
	wbuf_u32(&e->w, doi);
	wbuf_u32(&e->w, situation);
}

void isakmp_put_prop_begin(struct isakmp_enc *e, uint8_t num, uint8_t proto, const void *spi,
			   uint8_t spi_size, uint8_t ntrans)
{
	if (!isakmp_put_begin(e, ISAKMP_NP_P))
		return;
	wbuf_u8(&e->w, num);
	wbuf_u8(&e->w, proto);
	wbuf_u8(&e->w, spi_size);
	wbuf_u8(&e->w, ntrans);
	wbuf_bytes(&e->w, spi, spi_size);
}

void isakmp_put_trans_begin(struct isakmp_enc *e, uint8_t num, uint8_t id)
{
	if (!isakmp_put_begin(e, ISAKMP_NP_T))
		return;
	wbuf_u8(&e->w, num);
	wbuf_u8(&e->w, id);
	wbuf_u16(&e->w, 0);
}

void isakmp_put_sa_reply(struct isakmp_enc *e, const struct isakmp_sa *sa,
			 const struct isakmp_proposal *p, const struct isakmp_transform *t,
			 const void *spi, uint8_t spi_size)
{
	isakmp_put_sa_begin(e, sa->doi, sa->situation);
	isakmp_put_prop_begin(e, p->num, p->proto, spi, spi_size, 1);
	isakmp_put_trans_begin(e, t->num, t->id);
	wbuf_bytes(&e->w, t->attrs, t->attrs_len);
	isakmp_put_end(e);
	isakmp_put_end(e);
	isakmp_put_end(e);
}

void isakmp_put_modecfg_begin(struct isakmp_enc *e, uint8_t type, uint16_t ident)
{
	if (!isakmp_put_begin(e, ISAKMP_NP_ATTR))
		return;
	wbuf_u8(&e->w, type);
	wbuf_u8(&e->w, 0);
	wbuf_u16(&e->w, ident);
}

void isakmp_put_responder_lifetime(struct isakmp_enc *e, uint8_t proto, const void *spi,
				   uint8_t spi_size, uint64_t sec, uint64_t kb)
{
	bool p1 = proto == ISAKMP_PROTO_ISAKMP;
	uint16_t type = p1 ? IKE_ATTR_LIFE_TYPE : IPSEC_ATTR_LIFE_TYPE;
	uint16_t dur = p1 ? IKE_ATTR_LIFE_DURATION : IPSEC_ATTR_LIFE_DURATION;

	if (!isakmp_put_begin(e, ISAKMP_NP_N))
		return;
	wbuf_u32(&e->w, ISAKMP_DOI_IPSEC);
	wbuf_u8(&e->w, proto);
	wbuf_u8(&e->w, spi_size);
	wbuf_u16(&e->w, ISAKMP_N_RESPONDER_LIFETIME);
	wbuf_bytes(&e->w, spi, spi_size);
	if (sec) {
		isakmp_put_attr(e, type, IKE_LIFE_SECONDS);
		isakmp_put_attr(e, dur, sec);
	}
	if (kb) {
		isakmp_put_attr(e, type, IKE_LIFE_KILOBYTES);
		isakmp_put_attr(e, dur, kb);
	}
	isakmp_put_end(e);
}
