// SPDX-License-Identifier: GPL-2.0
/*
 * The IKEv1 initiator of the load generator and the tests (initiator.h).
 * Messages are built with the encoder, received ones read only through the
 * decoder; phase-2 messages are sealed and opened by ike_p2_seal() and
 * ike_p2_open(). A take function works on copies of the IVs and keys and
 * stores them only once the whole answer is good.
 */
#include <arpa/inet.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "initiator.h"

#define P2_HASH2(n)	((struct ike_p2_hash){ .kind = IKE_P2_HASH2, .ni = (n) })

static int fail(struct ike_init *in, int err, const char *why)
{
	in->why = why;
	return err;
}

static uint32_t fresh_msgid(void)
{
	uint32_t id = 0;

	RAND_bytes((unsigned char *)&id, sizeof(id));
	return id | 1;		/* never 0: that is phase 1's */
}

static struct ike_chunk qni(const struct ike_init *in)
{
	return IKE_CHUNK(in->qni, sizeof(in->qni));
}

/* Our header: the cookies, the exchange and its message ID. */
static void hdr(const struct ike_init *in, struct isakmp_hdr *h, uint8_t exch, uint32_t msgid)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->icookie, in->ci, ISAKMP_COOKIE_LEN);
	memcpy(h->rcookie, in->cr, ISAKMP_COOKIE_LEN);
	h->exch = exch;
	h->msgid = msgid;
}

/*
 * Decode a received datagram and see that it is ours and what the caller
 * takes: the exchange, encrypted or not, our cookie (and the responder's once
 * we have it). IKE_INIT_OTHER otherwise.
 */
static int take(struct ike_init *in, const uint8_t *msg, size_t len, struct isakmp_msg *m,
		uint8_t exch, bool encrypted, bool cr_known)
{
	int ret = isakmp_decode(msg, len, m);

	if (ret < 0)
		return fail(in, ret, "undecodable message");
	if (m->hdr.exch != exch || (ret == ISAKMP_ENCRYPTED) != encrypted ||
	    memcmp(m->hdr.icookie, in->ci, ISAKMP_COOKIE_LEN) ||
	    (cr_known && memcmp(m->hdr.rcookie, in->cr, ISAKMP_COOKIE_LEN)))
		return IKE_INIT_OTHER;
	return 0;
}

/* The same for a protected message of an exchange after phase 1. */
static int take_p2(struct ike_init *in, const uint8_t *msg, size_t len, struct isakmp_msg *m,
		   uint8_t exch)
{
	if (!in->established)
		return fail(in, ISAKMP_E_INVAL, "no ISAKMP SA yet");
	return take(in, msg, len, m, exch, true, true);
}

/* ---- Main Mode ---- */

int ike_init_setup(struct ike_init *in, const struct ike_init_conf *conf, struct ike_dh *dh)
{
	memset(in, 0, sizeof(*in));
	in->conf = *conf;
	in->xauth_status = -1;
	in->glen = ike_dh_len(conf->group);
	if (!in->glen || conf->id_len > IKE_INIT_ID_MAX)
		return fail(in, ISAKMP_E_INVAL, "bad configuration");
	if (!dh) {
		dh = ike_dh_new(conf->group);
		if (!dh)
			return fail(in, ISAKMP_E_CRYPTO, "no DH key pair");
		in->own_dh = true;
	}
	in->dh = dh;
	if (ike_dh_public(dh, in->gxi, in->glen)) {
		ike_init_clear(in);
		return fail(in, ISAKMP_E_INVAL, "the DH key pair is not of the group");
	}
	return 0;
}

void ike_init_clear(struct ike_init *in)
{
	if (in->own_dh)
		ike_dh_free(in->dh);
	ike_dh_free(in->qm_dh);
	ike_p1_keys_clear(&in->keys);
	OPENSSL_cleanse(in, sizeof(*in));
}

static int first_msg(struct ike_init *in, uint8_t *buf, size_t cap, bool aggressive);

/* HDR, SA(one proposal, one transform) [, VID(DPD)] [, VID(NAT-T)] */
int ike_init_mm1(struct ike_init *in, uint8_t *buf, size_t cap)
{
	return first_msg(in, buf, cap, false);
}

/* HDR, SA, KE, Ni, IDii [, VID(DPD)] [, VID(NAT-T)] */
int ike_init_am1(struct ike_init *in, uint8_t *buf, size_t cap)
{
	return first_msg(in, buf, cap, true);
}

static int first_msg(struct ike_init *in, uint8_t *buf, size_t cap, bool aggressive)
{
	const struct ike_init_conf *c = &in->conf;
	const struct isakmp_payload *sa;
	struct isakmp_hdr h;
	struct isakmp_enc e;
	struct isakmp_msg m;
	unsigned int i = 0;
	const uint8_t *vid;
	size_t vlen;
	int len;

	RAND_bytes(in->ci, sizeof(in->ci));
	memset(in->cr, 0, sizeof(in->cr));
	hdr(in, &h, aggressive ? ISAKMP_EXCH_AGGRESSIVE : ISAKMP_EXCH_IDPROT, 0);
	isakmp_enc_init(&e, buf, cap, &h);
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_put_prop_begin(&e, 1, ISAKMP_PROTO_ISAKMP, NULL, 0, 1);
	isakmp_put_trans_begin(&e, 1, ISAKMP_KEY_IKE);
	isakmp_put_attr(&e, IKE_ATTR_ENC, c->enc);
	if (c->keybits)
		isakmp_put_attr(&e, IKE_ATTR_KEY_LENGTH, c->keybits);
	isakmp_put_attr(&e, IKE_ATTR_HASH, c->hash);
	isakmp_put_attr(&e, IKE_ATTR_AUTH, c->auth);
	isakmp_put_attr(&e, IKE_ATTR_GROUP_DESC, c->group);
	if (c->life_sec) {
		isakmp_put_attr(&e, IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
		isakmp_put_attr(&e, IKE_ATTR_LIFE_DURATION, c->life_sec);
	}
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	if (aggressive) {
		RAND_bytes(in->ni, sizeof(in->ni));
		isakmp_put_data(&e, ISAKMP_NP_KE, in->gxi, in->glen);
		isakmp_put_data(&e, ISAKMP_NP_NONCE, in->ni, sizeof(in->ni));
		isakmp_put_id(&e, c->id_type, 17, 500, c->id, c->id_len);
	}
	vid = c->dpd ? isakmp_vid_bytes(ISAKMP_VID_DPD, &vlen) : NULL;
	if (vid)
		isakmp_put_data(&e, ISAKMP_NP_VID, vid, vlen);
	vid = c->natt ? isakmp_vid_bytes(c->natt_draft ? ISAKMP_VID_NATT_02 :
					 ISAKMP_VID_NATT_RFC3947, &vlen) : NULL;
	if (vid)
		isakmp_put_data(&e, ISAKMP_NP_VID, vid, vlen);
	len = isakmp_enc_finish(&e);
	if (len <= 0)
		return fail(in, len ? len : ISAKMP_E_INVAL, "first message encoding");
	/* SAi_b, for HASH_I and HASH_R: read back through the decoder */
	if (isakmp_decode(buf, (size_t)len, &m) || !(sa = isakmp_find(&m, ISAKMP_NP_SA, &i)) ||
	    sa->len > sizeof(in->sai_b))
		return fail(in, ISAKMP_E_INVAL, "first message encoding");
	memcpy(in->sai_b, sa->body, sa->len);
	in->sai_len = sa->len;
	return len;
}

/* The responder's cookie and our one transform, chosen. */
int ike_init_mm2(struct ike_init *in, const uint8_t *msg, size_t len)
{
	const struct ike_init_conf *c = &in->conf;
	const struct isakmp_payload *pl;
	struct ike_p1_attrs a;
	struct isakmp_msg m;
	struct isakmp_sa sa;
	unsigned int i = 0;
	int ret;

	ret = take(in, msg, len, &m, ISAKMP_EXCH_IDPROT, false, false);
	if (ret)
		return ret;
	pl = isakmp_find(&m, ISAKMP_NP_SA, &i);
	if (!pl)
		return fail(in, ISAKMP_E_INVAL, "MM2 without SA");
	if (isakmp_decode_sa(pl, &sa) || sa.nprop != 1 || sa.ntrans != 1 ||
	    sa.p[0].proto != ISAKMP_PROTO_ISAKMP || isakmp_p1_attrs(&sa.t[0], &a) ||
	    a.enc != c->enc || a.keylen != c->keybits || a.hash != c->hash ||
	    a.auth != c->auth || a.group != c->group)
		return fail(in, ISAKMP_E_INVAL, "MM2 does not choose our transform");
	memcpy(in->cr, m.hdr.rcookie, ISAKMP_COOKIE_LEN);
	in->natt = false;
	for (i = 0; c->natt && (pl = isakmp_find(&m, ISAKMP_NP_VID, &i));)
		if (isakmp_vid_classify(pl->body, pl->len) ==
		    (c->natt_draft ? ISAKMP_VID_NATT_02 : ISAKMP_VID_NATT_RFC3947))
			in->natt = true;
	return 0;
}

static uint8_t natd_np(const struct ike_init_conf *c)
{
	return c->natt_draft ? ISAKMP_NP_NATD_DRAFT : ISAKMP_NP_NATD;
}

static int natd(const struct ike_init *in, uint32_t addr, uint16_t port, uint8_t *out)
{
	return ike_natd_hash(in->conf.hash, in->ci, in->cr, &addr, 4, ntohs(port), out);
}

/* HDR, KE, Ni [, NAT-D(the gateway), NAT-D(us)] */
int ike_init_mm3(struct ike_init *in, uint8_t *buf, size_t cap)
{
	const struct ike_init_conf *c = &in->conf;
	uint8_t d[IKE_MAX_HASH];
	struct isakmp_hdr h;
	struct isakmp_enc e;
	int len;

	RAND_bytes(in->ni, sizeof(in->ni));
	hdr(in, &h, ISAKMP_EXCH_IDPROT, 0);
	isakmp_enc_init(&e, buf, cap, &h);
	isakmp_put_data(&e, ISAKMP_NP_KE, in->gxi, in->glen);
	isakmp_put_data(&e, ISAKMP_NP_NONCE, in->ni, sizeof(in->ni));
	if (in->natt) {
		if (natd(in, c->natd_gw_addr, c->natd_gw_port, d))
			return fail(in, ISAKMP_E_CRYPTO, "NAT-D");
		isakmp_put_data(&e, natd_np(c), d, ike_hash_len(c->hash));
		if (natd(in, c->natd_self_addr, c->natd_self_port, d))
			return fail(in, ISAKMP_E_CRYPTO, "NAT-D");
		isakmp_put_data(&e, natd_np(c), d, ike_hash_len(c->hash));
	}
	len = isakmp_enc_finish(&e);
	return len > 0 ? len : fail(in, len ? len : ISAKMP_E_INVAL, "MM3 encoding");
}

/* KE and Nr: the shared secret, SKEYID and friends, the Main Mode IV. */
int ike_init_mm4(struct ike_init *in, const uint8_t *msg, size_t len)
{
	const struct ike_init_conf *c = &in->conf;
	const struct isakmp_payload *ke, *no;
	uint8_t gxy[IKE_MAX_DH], iv[IKE_MAX_BLOCK];
	const uint8_t *kd, *nd;
	struct ike_p1_keys k;
	struct isakmp_msg m;
	unsigned int i = 0, j = 0;
	uint16_t kl, nl;
	int ret;

	ret = take(in, msg, len, &m, ISAKMP_EXCH_IDPROT, false, true);
	if (ret)
		return ret;
	ke = isakmp_find(&m, ISAKMP_NP_KE, &i);
	no = isakmp_find(&m, ISAKMP_NP_NONCE, &j);
	if (!ke && !no)
		return IKE_INIT_OTHER;	/* MM2 again: the gateway answered a retransmitted MM1 */
	if (!ke || isakmp_decode_data(ke, ISAKMP_NP_KE, &kd, &kl) || kl != in->glen)
		return fail(in, ISAKMP_E_INVAL, "MM4 without a good KE");
	if (!no || isakmp_decode_nonce(no, &nd, &nl))
		return fail(in, ISAKMP_E_INVAL, "MM4 without a good nonce");
	ret = ike_dh_shared(in->dh, kd, kl, gxy) ||
	      ike_p1_keys_psk(&k, c->hash, c->enc, c->keybits, c->psk,
			      IKE_CHUNK(in->ni, sizeof(in->ni)), IKE_CHUNK(nd, nl),
			      IKE_CHUNK(gxy, in->glen), in->ci, in->cr) ||
	      ike_p1_iv(&k, IKE_CHUNK(in->gxi, in->glen), IKE_CHUNK(kd, kl), iv);
	OPENSSL_cleanse(gxy, sizeof(gxy));
	if (ret) {
		ike_p1_keys_clear(&k);
		return fail(in, ISAKMP_E_CRYPTO, "phase-1 keys");
	}
	if (in->natt) {
		const struct isakmp_payload *pd;
		uint8_t self[IKE_MAX_HASH], gw[IKE_MAX_HASH];
		size_t hl = ike_hash_len(c->hash);
		unsigned int n = 0;

		in->nat_self = in->nat_gw = true;
		if (natd(in, c->natd_self_addr, c->natd_self_port, self) ||
		    natd(in, c->natd_gw_addr, c->natd_gw_port, gw)) {
			ike_p1_keys_clear(&k);
			return fail(in, ISAKMP_E_CRYPTO, "NAT-D");
		}
		for (i = 0; (pd = isakmp_find(&m, natd_np(c), &i)); n++) {
			if (pd->len != hl)
				continue;
			if (!n && !memcmp(pd->body, self, hl))
				in->nat_self = false;	/* the gateway sees us as we are */
			else if (n && !memcmp(pd->body, gw, hl))
				in->nat_gw = false;
		}
		if (n < 2) {
			ike_p1_keys_clear(&k);
			return fail(in, ISAKMP_E_INVAL, "MM4 without NAT-D");
		}
	}
	memcpy(in->gxr, kd, kl);
	memcpy(in->nr, nd, nl);
	in->nr_len = nl;
	in->keys = k;
	memcpy(in->iv, iv, sizeof(in->iv));
	ike_p1_keys_clear(&k);
	return 0;
}

static struct ike_auth_in auth_in(const struct ike_init *in, const uint8_t *id_b, size_t id_len)
{
	return (struct ike_auth_in){
		.gxi = IKE_CHUNK(in->gxi, in->glen), .gxr = IKE_CHUNK(in->gxr, in->glen),
		.ckyi = in->ci, .ckyr = in->cr,
		.sai_b = IKE_CHUNK(in->sai_b, in->sai_len), .id_b = IKE_CHUNK(id_b, id_len),
	};
}

/* HASH_I over our IDii_b (type, UDP, port 500, data), as MM5 and AM3 send it */
static int own_hash_i(const struct ike_init *in, uint8_t *hash)
{
	const struct ike_init_conf *c = &in->conf;
	uint8_t idb[4 + IKE_INIT_ID_MAX];
	struct ike_auth_in ai;

	idb[0] = c->id_type;
	idb[1] = 17;
	put_be16(idb + 2, 500);
	if (c->id_len)
		memcpy(idb + 4, c->id, c->id_len);
	ai = auth_in(in, idb, 4 + c->id_len);
	return ike_hash_i(&in->keys, &ai, hash);
}

/* HDR*, IDii, HASH_I [, N(INITIAL-CONTACT)] */
int ike_init_mm5(struct ike_init *in, uint8_t *buf, size_t cap)
{
	const struct ike_init_conf *c = &in->conf;
	uint8_t hash[IKE_MAX_HASH], spi[2 * ISAKMP_COOKIE_LEN];
	struct isakmp_hdr h;
	struct isakmp_enc e;
	int len;

	if (!in->keys.prf_len)
		return fail(in, ISAKMP_E_INVAL, "no phase-1 keys yet");
	if (own_hash_i(in, hash))
		return fail(in, ISAKMP_E_CRYPTO, "HASH_I");
	hdr(in, &h, ISAKMP_EXCH_IDPROT, 0);
	isakmp_enc_init(&e, buf, cap, &h);
	isakmp_put_id(&e, c->id_type, 17, 500, c->id, c->id_len);
	isakmp_put_data(&e, ISAKMP_NP_HASH, hash, in->keys.prf_len);
	if (c->initial_contact) {
		memcpy(spi, in->ci, ISAKMP_COOKIE_LEN);
		memcpy(spi + ISAKMP_COOKIE_LEN, in->cr, ISAKMP_COOKIE_LEN);
		isakmp_put_notify(&e, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP,
				  ISAKMP_N_INITIAL_CONTACT, spi, sizeof(spi), NULL, 0);
	}
	len = isakmp_enc_finish(&e);
	if (len > 0)
		len = ike_msg_encrypt(&in->keys, in->iv, buf, (size_t)len, cap);
	return len > 0 ? len : fail(in, len ? len : ISAKMP_E_INVAL, "MM5 encoding");
}

/* HDR*, IDir, HASH_R: verified, phase 1 is done. */
int ike_init_mm6(struct ike_init *in, const uint8_t *msg, size_t len)
{
	uint8_t plain[IKE_INIT_MSG_MAX], iv[IKE_MAX_BLOCK], want[IKE_MAX_HASH];
	const struct isakmp_payload *idp, *hp;
	struct ike_auth_in ai;
	struct isakmp_id idr;
	struct isakmp_msg m;
	const uint8_t *d;
	unsigned int i = 0, j = 0;
	uint16_t dl;
	int ret;

	if (!in->keys.prf_len)
		return fail(in, ISAKMP_E_INVAL, "no phase-1 keys yet");
	ret = take(in, msg, len, &m, ISAKMP_EXCH_IDPROT, true, true);
	if (ret)
		return ret;
	memcpy(iv, in->iv, sizeof(iv));
	if (ike_msg_decrypt(&in->keys, iv, &m, plain, sizeof(plain)))
		return fail(in, ISAKMP_E_INVAL, "MM6 does not decrypt");
	idp = isakmp_find(&m, ISAKMP_NP_ID, &i);
	hp = isakmp_find(&m, ISAKMP_NP_HASH, &j);
	if (!idp || !hp || isakmp_decode_id(idp, &idr) ||
	    isakmp_decode_data(hp, ISAKMP_NP_HASH, &d, &dl) || dl != in->keys.prf_len)
		return fail(in, ISAKMP_E_INVAL, "MM6 without ID and HASH");
	ai = auth_in(in, idr.body, idr.body_len);
	if (ike_hash_r(&in->keys, &ai, want) || CRYPTO_memcmp(want, d, dl))
		return fail(in, ISAKMP_E_HASH, "HASH_R does not verify");
	memcpy(in->iv, iv, sizeof(in->iv));
	memcpy(in->p1_last, iv, sizeof(in->p1_last));
	in->established = true;
	return 0;
}

/* ---- Aggressive Mode ---- */

/* The gateway's NAT-D payloads (msg m, the gateway's cookie cr): who is behind a NAT. */
static int natd_read(const struct ike_init *in, const struct isakmp_msg *m, const uint8_t *cr,
		     bool *nat_self, bool *nat_gw)
{
	const struct ike_init_conf *c = &in->conf;
	uint8_t self[IKE_MAX_HASH], gw[IKE_MAX_HASH];
	size_t hl = ike_hash_len(c->hash);
	const struct isakmp_payload *pd;
	unsigned int i = 0, n = 0;

	*nat_self = *nat_gw = true;
	if (ike_natd_hash(c->hash, in->ci, cr, &c->natd_self_addr, 4, ntohs(c->natd_self_port),
			  self) ||
	    ike_natd_hash(c->hash, in->ci, cr, &c->natd_gw_addr, 4, ntohs(c->natd_gw_port), gw))
		return -1;
	for (; (pd = isakmp_find(m, natd_np(c), &i)); n++) {
		if (pd->len != hl)
			continue;
		if (!n && !memcmp(pd->body, self, hl))
			*nat_self = false;	/* the gateway sees us as we are */
		else if (n && !memcmp(pd->body, gw, hl))
			*nat_gw = false;
	}
	return n < 2 ? -1 : 0;
}

/* HDR, SA, KE, Nr, IDir, HASH_R [, VID...] [, NAT-D, NAT-D]: HASH_R verified. */
int ike_init_am2(struct ike_init *in, const uint8_t *msg, size_t len)
{
	const struct ike_init_conf *c = &in->conf;
	const struct isakmp_payload *pl, *ke, *no, *idp, *hp;
	uint8_t gxy[IKE_MAX_DH], iv[IKE_MAX_BLOCK], want[IKE_MAX_HASH], cr[ISAKMP_COOKIE_LEN];
	bool natt = false, nat_self = false, nat_gw = false;
	const uint8_t *kd, *nd, *hd;
	uint16_t kl, nl, hl;
	struct ike_p1_attrs a;
	struct ike_auth_in ai;
	struct ike_p1_keys k;
	struct isakmp_id idr;
	struct isakmp_msg m;
	struct isakmp_sa sa;
	unsigned int i = 0, j = 0, l = 0, q = 0, r = 0;
	int ret;

	ret = take(in, msg, len, &m, ISAKMP_EXCH_AGGRESSIVE, false, false);
	if (ret)
		return ret;
	pl = isakmp_find(&m, ISAKMP_NP_SA, &i);
	ke = isakmp_find(&m, ISAKMP_NP_KE, &j);
	no = isakmp_find(&m, ISAKMP_NP_NONCE, &l);
	idp = isakmp_find(&m, ISAKMP_NP_ID, &q);
	hp = isakmp_find(&m, ISAKMP_NP_HASH, &r);
	if (!pl || isakmp_decode_sa(pl, &sa) || sa.nprop != 1 || sa.ntrans != 1 ||
	    sa.p[0].proto != ISAKMP_PROTO_ISAKMP || isakmp_p1_attrs(&sa.t[0], &a) ||
	    a.enc != c->enc || a.keylen != c->keybits || a.hash != c->hash ||
	    a.auth != c->auth || a.group != c->group)
		return fail(in, ISAKMP_E_INVAL, "AM2 does not choose our transform");
	if (!ke || isakmp_decode_data(ke, ISAKMP_NP_KE, &kd, &kl) || kl != in->glen ||
	    !no || isakmp_decode_nonce(no, &nd, &nl) || !idp || isakmp_decode_id(idp, &idr) ||
	    !hp || isakmp_decode_data(hp, ISAKMP_NP_HASH, &hd, &hl))
		return fail(in, ISAKMP_E_INVAL, "AM2 without KE, nonce, ID and HASH");
	memcpy(cr, m.hdr.rcookie, sizeof(cr));
	ret = ike_dh_shared(in->dh, kd, kl, gxy) ||
	      ike_p1_keys_psk(&k, c->hash, c->enc, c->keybits, c->psk,
			      IKE_CHUNK(in->ni, sizeof(in->ni)), IKE_CHUNK(nd, nl),
			      IKE_CHUNK(gxy, in->glen), in->ci, cr) ||
	      ike_p1_iv(&k, IKE_CHUNK(in->gxi, in->glen), IKE_CHUNK(kd, kl), iv);
	OPENSSL_cleanse(gxy, sizeof(gxy));
	if (ret) {
		ike_p1_keys_clear(&k);
		return fail(in, ISAKMP_E_CRYPTO, "phase-1 keys");
	}
	ai = (struct ike_auth_in){
		.gxi = IKE_CHUNK(in->gxi, in->glen), .gxr = IKE_CHUNK(kd, kl), .ckyi = in->ci,
		.ckyr = cr, .sai_b = IKE_CHUNK(in->sai_b, in->sai_len),
		.id_b = IKE_CHUNK(idr.body, idr.body_len),
	};
	if (hl != k.prf_len || ike_hash_r(&k, &ai, want) ||
	    (CRYPTO_memcmp(want, hd, hl) && !c->am2_unverified)) {
		ike_p1_keys_clear(&k);
		return fail(in, ISAKMP_E_HASH, "HASH_R does not verify");
	}
	for (i = 0; c->natt && (pl = isakmp_find(&m, ISAKMP_NP_VID, &i));)
		if (isakmp_vid_classify(pl->body, pl->len) ==
		    (c->natt_draft ? ISAKMP_VID_NATT_02 : ISAKMP_VID_NATT_RFC3947))
			natt = true;
	if (natt && natd_read(in, &m, cr, &nat_self, &nat_gw)) {
		ike_p1_keys_clear(&k);
		return fail(in, ISAKMP_E_INVAL, "AM2 without NAT-D");
	}
	memcpy(in->cr, cr, sizeof(in->cr));
	memcpy(in->gxr, kd, kl);
	memcpy(in->nr, nd, nl);
	in->nr_len = nl;
	in->keys = k;
	memcpy(in->iv, iv, sizeof(in->iv));
	in->natt = natt;
	in->nat_self = nat_self;
	in->nat_gw = nat_gw;
	ike_p1_keys_clear(&k);
	return 0;
}

/* HDR[*], HASH_I [, NAT-D(the gateway), NAT-D(us)] [, N(INITIAL-CONTACT)]: phase 1 done. */
int ike_init_am3(struct ike_init *in, uint8_t *buf, size_t cap)
{
	const struct ike_init_conf *c = &in->conf;
	uint8_t hash[IKE_MAX_HASH], spi[2 * ISAKMP_COOKIE_LEN];
	uint8_t d[IKE_MAX_HASH], iv[IKE_MAX_BLOCK];
	struct isakmp_hdr h;
	struct isakmp_enc e;
	int len;

	if (!in->keys.prf_len || !in->nr_len)
		return fail(in, ISAKMP_E_INVAL, "no AM2 yet");
	if (own_hash_i(in, hash))
		return fail(in, ISAKMP_E_CRYPTO, "HASH_I");
	hdr(in, &h, ISAKMP_EXCH_AGGRESSIVE, 0);
	isakmp_enc_init(&e, buf, cap, &h);
	isakmp_put_data(&e, ISAKMP_NP_HASH, hash, in->keys.prf_len);
	if (in->natt) {
		if (natd(in, c->natd_gw_addr, c->natd_gw_port, d))
			return fail(in, ISAKMP_E_CRYPTO, "NAT-D");
		isakmp_put_data(&e, natd_np(c), d, ike_hash_len(c->hash));
		if (natd(in, c->natd_self_addr, c->natd_self_port, d))
			return fail(in, ISAKMP_E_CRYPTO, "NAT-D");
		isakmp_put_data(&e, natd_np(c), d, ike_hash_len(c->hash));
	}
	if (c->initial_contact) {
		memcpy(spi, in->ci, ISAKMP_COOKIE_LEN);
		memcpy(spi + ISAKMP_COOKIE_LEN, in->cr, ISAKMP_COOKIE_LEN);
		isakmp_put_notify(&e, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP,
				  ISAKMP_N_INITIAL_CONTACT, spi, sizeof(spi), NULL, 0);
	}
	len = isakmp_enc_finish(&e);
	memcpy(iv, in->iv, sizeof(iv));
	if (len > 0 && !c->am3_plain)
		len = ike_msg_encrypt(&in->keys, iv, buf, (size_t)len, cap);
	if (len <= 0)
		return fail(in, len ? len : ISAKMP_E_INVAL, "AM3 encoding");
	/* the last phase-1 block is the base of phase-2 IVs (AM3 in clear: the first IV) */
	memcpy(in->iv, iv, sizeof(in->iv));
	memcpy(in->p1_last, iv, sizeof(in->p1_last));
	in->established = true;
	return len;
}

/* ---- phase 2: HDR*, HASH, ... ---- */

static int p2_begin(struct ike_init *in, struct isakmp_enc *e, uint8_t *buf, size_t cap,
		    uint8_t exch, uint32_t msgid)
{
	struct isakmp_hdr h;

	if (!in->established)
		return fail(in, ISAKMP_E_INVAL, "no ISAKMP SA yet");
	hdr(in, &h, exch, msgid);
	ike_p2_begin(e, buf, cap, &h, &in->keys);
	return 0;
}

/* Finish and seal: p1_last for a new exchange's IV, else iv goes on. */
static int p2_seal(struct ike_init *in, struct isakmp_enc *e, const uint8_t *p1_last,
		   uint8_t *iv, const struct ike_p2_hash *hash, const char *what)
{
	int len = isakmp_enc_finish(e);

	if (len > 0)
		len = ike_p2_seal(&in->keys, p1_last, iv, hash, e->w.p, (size_t)len, e->w.cap);
	return len > 0 ? len : fail(in, len ? len : ISAKMP_E_INVAL, what);
}

/* INTERNAL_IP4_ADDRESS of a Mode-Config payload, network order; 0 when it has none. */
static uint32_t cfg_addr(const struct isakmp_modecfg *mc)
{
	struct isakmp_attr a;
	uint32_t addr = 0;
	struct rbuf r;

	rbuf_init(&r, mc->attrs, mc->attrs_len);
	while (isakmp_attr_next(&r, &a) > 0)
		if (a.type == MODECFG_INTERNAL_IP4_ADDRESS && a.len == 4)
			memcpy(&addr, a.val, 4);
	return addr;
}

/*
 * Open a transaction message into plain (IKE_INIT_MSG_MAX bytes) and decode
 * its ATTR payload: a SET opens an exchange (fresh: the IV from p1_last), a
 * REPLY continues our REQUEST's chain (from iv). iv_next gets the next IV;
 * bad is in->why when it is not a good message of type.
 */
static int cfg_open(struct ike_init *in, const uint8_t *msg, size_t len, bool fresh,
		    const uint8_t *iv, uint8_t *iv_next, struct isakmp_msg *m, uint8_t *plain,
		    struct isakmp_modecfg *mc, uint8_t type, const char *bad)
{
	const struct isakmp_payload *pl;
	unsigned int i = 0;
	int ret;

	ret = take_p2(in, msg, len, m, ISAKMP_EXCH_TRANSACTION);
	if (ret)
		return ret;
	if (!fresh && m->hdr.msgid != in->cfg_msgid)
		return IKE_INIT_OTHER;
	ret = ike_p2_open(&in->keys, fresh ? in->p1_last : NULL, iv, iv_next, &IKE_P2_H1, m,
			  plain, IKE_INIT_MSG_MAX);
	if (ret)
		return fail(in, ret, bad);
	pl = isakmp_find(m, ISAKMP_NP_ATTR, &i);
	if (!pl || isakmp_decode_modecfg(pl, mc) || mc->type != type)
		return fail(in, ISAKMP_E_INVAL, bad);
	return 0;
}

/* HDR*, HASH(1), ATTR(REQUEST: INTERNAL_IP4_ADDRESS) */
int ike_init_request(struct ike_init *in, uint8_t *buf, size_t cap)
{
	struct isakmp_enc e;
	uint16_t ident;
	uint32_t msgid = fresh_msgid();
	int len;

	if (p2_begin(in, &e, buf, cap, ISAKMP_EXCH_TRANSACTION, msgid))
		return ISAKMP_E_INVAL;
	RAND_bytes((unsigned char *)&ident, sizeof(ident));
	isakmp_put_modecfg_begin(&e, MODECFG_REQUEST, ident);
	isakmp_put_attr_tlv(&e, MODECFG_INTERNAL_IP4_ADDRESS, NULL, 0);
	isakmp_put_end(&e);
	len = p2_seal(in, &e, in->p1_last, in->cfg_iv, &IKE_P2_H1, "REQUEST encoding");
	if (len > 0) {
		in->cfg_msgid = msgid;
		in->cfg_ident = ident;
	}
	return len;
}

/* The REPLY continues the REQUEST's CBC chain. */
int ike_init_reply(struct ike_init *in, const uint8_t *msg, size_t len)
{
	uint8_t plain[IKE_INIT_MSG_MAX], iv[IKE_MAX_BLOCK];
	struct isakmp_modecfg mc;
	struct isakmp_msg m;
	uint32_t addr;
	int ret;

	if (!in->cfg_msgid)
		return IKE_INIT_OTHER;
	ret = cfg_open(in, msg, len, false, in->cfg_iv, iv, &m, plain, &mc, MODECFG_REPLY,
		       "no good Mode-Config REPLY");
	if (ret)
		return ret;
	addr = cfg_addr(&mc);
	if (!addr)
		return fail(in, ISAKMP_E_INVAL, "REPLY without an address");
	in->addr = addr;
	memcpy(in->cfg_iv, iv, sizeof(in->cfg_iv));
	return 0;
}

/* The gateway's SET opens an exchange; our ACK continues its CBC chain. */
int ike_init_set(struct ike_init *in, const uint8_t *msg, size_t len, uint8_t *buf, size_t cap)
{
	uint8_t plain[IKE_INIT_MSG_MAX], iv[IKE_MAX_BLOCK];
	struct isakmp_modecfg mc;
	struct isakmp_enc e;
	struct isakmp_msg m;
	uint32_t addr;
	int ret;

	ret = cfg_open(in, msg, len, true, NULL, iv, &m, plain, &mc, MODECFG_SET, "no good SET");
	if (ret)
		return ret;
	addr = cfg_addr(&mc);
	if (p2_begin(in, &e, buf, cap, ISAKMP_EXCH_TRANSACTION, m.hdr.msgid))
		return ISAKMP_E_INVAL;
	isakmp_put_modecfg_begin(&e, MODECFG_ACK, mc.ident);
	isakmp_put_attr_tlv(&e, MODECFG_INTERNAL_IP4_ADDRESS, NULL, 0);
	isakmp_put_end(&e);
	ret = p2_seal(in, &e, NULL, iv, &IKE_P2_H1, "ACK encoding");
	if (ret > 0 && addr)
		in->addr = addr;
	return ret;
}

int ike_init_xauth(struct ike_init *in, const uint8_t *msg, size_t len, uint8_t *buf,
		   size_t cap)
{
	const struct ike_init_conf *c = &in->conf;
	uint8_t plain[IKE_INIT_MSG_MAX], iv[IKE_MAX_BLOCK];
	const struct isakmp_payload *pl;
	struct isakmp_modecfg mc;
	struct isakmp_attr a;
	struct isakmp_enc e;
	struct isakmp_msg m;
	unsigned int i = 0;
	int ret, status = -1;
	struct rbuf r;

	ret = take_p2(in, msg, len, &m, ISAKMP_EXCH_TRANSACTION);
	if (ret)
		return ret;
	ret = ike_p2_open(&in->keys, in->p1_last, NULL, iv, &IKE_P2_H1, &m, plain, sizeof(plain));
	if (ret)
		return fail(in, ret, "XAUTH message does not verify");
	pl = isakmp_find(&m, ISAKMP_NP_ATTR, &i);
	if (!pl || isakmp_decode_modecfg(pl, &mc) ||
	    (mc.type != MODECFG_REQUEST && mc.type != MODECFG_SET))
		return fail(in, ISAKMP_E_INVAL, "no XAUTH REQUEST or SET");
	rbuf_init(&r, mc.attrs, mc.attrs_len);
	while (isakmp_attr_next(&r, &a) > 0)
		if (a.type == XAUTH_STATUS)
			status = (int)a.num;
	if (mc.type == MODECFG_SET && status < 0)
		return fail(in, ISAKMP_E_INVAL, "SET without XAUTH-STATUS");
	if (p2_begin(in, &e, buf, cap, ISAKMP_EXCH_TRANSACTION, m.hdr.msgid))
		return ISAKMP_E_INVAL;
	isakmp_put_modecfg_begin(&e, mc.type == MODECFG_SET ? MODECFG_ACK : MODECFG_REPLY,
				 mc.type != MODECFG_SET && c->xauth_reply_ident0 ? 0 : mc.ident);
	if (mc.type == MODECFG_SET) {
		isakmp_put_attr(&e, XAUTH_STATUS, (uint64_t)status);
	} else {
		isakmp_put_attr_tlv(&e, XAUTH_USER_NAME, c->xauth_user,
				    c->xauth_user ? (uint16_t)strlen(c->xauth_user) : 0);
		isakmp_put_attr_tlv(&e, XAUTH_USER_PASSWORD, c->xauth_pass,
				    c->xauth_pass ? (uint16_t)strlen(c->xauth_pass) : 0);
	}
	isakmp_put_end(&e);
	ret = p2_seal(in, &e, NULL, iv, &IKE_P2_H1, "XAUTH answer encoding");
	if (ret > 0) {
		if (mc.type == MODECFG_SET)
			in->xauth_status = status;
		else
			in->xauth_requests++;
	}
	return ret;
}

/* HDR*, HASH(1), SA(ESP, our SPI), Ni [, KE] [, IDci, IDcr] */
int ike_init_qm1(struct ike_init *in, uint32_t spi, uint8_t *buf, size_t cap)
{
	const struct ike_init_conf *c = &in->conf;
	uint32_t own = c->own_addr ? c->own_addr : in->addr, msgid = fresh_msgid(), spi_be;
	uint32_t net[2] = { c->remote_net, c->remote_mask };
	uint8_t gx[IKE_MAX_DH];
	size_t glen = ike_dh_len(c->pfs_group);
	struct isakmp_enc e;
	int len;

	if (c->proxy_ids && !own)
		return fail(in, ISAKMP_E_INVAL, "no address for the proxy ID");
	if (c->pfs_group && !glen)
		return fail(in, ISAKMP_E_INVAL, "bad PFS group");
	if (p2_begin(in, &e, buf, cap, ISAKMP_EXCH_QUICK, msgid))
		return ISAKMP_E_INVAL;
	if (!spi) {
		RAND_bytes((unsigned char *)&spi, sizeof(spi));
		spi |= 0x100;	/* not in the reserved range 0-255 */
	}
	ike_dh_free(in->qm_dh);
	in->qm_dh = NULL;
	if (c->pfs_group) {
		in->qm_dh = ike_dh_new(c->pfs_group);
		if (!in->qm_dh || ike_dh_public(in->qm_dh, gx, glen))
			return fail(in, ISAKMP_E_CRYPTO, "no PFS key pair");
	}
	RAND_bytes(in->qni, sizeof(in->qni));
	spi_be = htonl(spi);
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_put_prop_begin(&e, 1, ISAKMP_PROTO_ESP, &spi_be, 4, 1);
	isakmp_put_trans_begin(&e, 1, c->esp);
	if (c->esp_life_sec) {
		isakmp_put_attr(&e, IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
		isakmp_put_attr(&e, IPSEC_ATTR_LIFE_DURATION, c->esp_life_sec);
	}
	isakmp_put_attr(&e, IPSEC_ATTR_ENCAP_MODE, !(in->natt && (in->nat_self || in->nat_gw)) ?
			IPSEC_ENCAP_TUNNEL : c->natt_draft ? IPSEC_ENCAP_UDP_TUNNEL_DRAFT :
			IPSEC_ENCAP_UDP_TUNNEL);
	if (c->pfs_group)
		isakmp_put_attr(&e, IPSEC_ATTR_GROUP_DESC, c->pfs_group);
	if (c->esp_auth)
		isakmp_put_attr(&e, IPSEC_ATTR_AUTH_ALG, c->esp_auth);
	if (c->esp_keybits)
		isakmp_put_attr(&e, IPSEC_ATTR_KEY_LENGTH, c->esp_keybits);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_data(&e, ISAKMP_NP_NONCE, in->qni, sizeof(in->qni));
	if (c->pfs_group)
		isakmp_put_data(&e, ISAKMP_NP_KE, gx, glen);
	if (c->proxy_ids) {
		isakmp_put_id(&e, ISAKMP_ID_IPV4_ADDR, 0, 0, &own, 4);
		isakmp_put_id(&e, ISAKMP_ID_IPV4_ADDR_SUBNET, 0, 0, net, 8);
	}
	len = p2_seal(in, &e, in->p1_last, in->qm_iv, &IKE_P2_H1, "QM1 encoding");
	if (len > 0) {
		in->qm_msgid = msgid;
		in->spi_in = spi;
		in->spi_out = 0;
		in->qnr_len = 0;
	}
	return len;
}

/* HASH(2) verified; the gateway's SPI, Nr and (PFS) KE. */
int ike_init_qm2(struct ike_init *in, const uint8_t *msg, size_t len)
{
	const struct ike_init_conf *c = &in->conf;
	uint8_t plain[IKE_INIT_MSG_MAX], iv[IKE_MAX_BLOCK], gqm[IKE_MAX_DH];
	const struct isakmp_payload *sap, *no, *ke;
	size_t glen = ike_dh_len(c->pfs_group);
	const uint8_t *nd, *kd;
	struct isakmp_msg m;
	struct isakmp_sa sa;
	unsigned int i = 0, j = 0, k = 0;
	uint16_t nl, kl;
	uint32_t spi;
	int ret;

	ret = take_p2(in, msg, len, &m, ISAKMP_EXCH_QUICK);
	if (ret)
		return ret;
	if (!in->qm_msgid || m.hdr.msgid != in->qm_msgid)
		return IKE_INIT_OTHER;
	ret = ike_p2_open(&in->keys, NULL, in->qm_iv, iv, &P2_HASH2(qni(in)), &m, plain,
			  sizeof(plain));
	if (ret)
		return fail(in, ret, ret == ISAKMP_E_HASH ? "QM2 does not verify" :
			    "QM2 does not decrypt");
	sap = isakmp_find(&m, ISAKMP_NP_SA, &i);
	if (!sap || isakmp_decode_sa(sap, &sa) || sa.nprop != 1 || sa.ntrans != 1 ||
	    sa.p[0].proto != ISAKMP_PROTO_ESP || sa.p[0].spi_size != 4 || sa.t[0].id != c->esp)
		return fail(in, ISAKMP_E_INVAL, "QM2 does not choose our transform");
	no = isakmp_find(&m, ISAKMP_NP_NONCE, &j);
	if (!no || isakmp_decode_nonce(no, &nd, &nl))
		return fail(in, ISAKMP_E_INVAL, "QM2 without a good nonce");
	ke = isakmp_find(&m, ISAKMP_NP_KE, &k);
	if (c->pfs_group &&
	    (!ke || isakmp_decode_data(ke, ISAKMP_NP_KE, &kd, &kl) ||
	     ike_dh_shared(in->qm_dh, kd, kl, gqm)))
		return fail(in, ISAKMP_E_INVAL, "QM2 without a good KE");
	if (!c->pfs_group && ke)
		return fail(in, ISAKMP_E_INVAL, "QM2 with a KE we did not ask for");
	memcpy(&spi, sa.p[0].spi, 4);
	in->spi_out = ntohl(spi);
	memcpy(in->qnr, nd, nl);
	in->qnr_len = nl;
	in->gqm_len = c->pfs_group ? glen : 0;
	memcpy(in->gqm, gqm, in->gqm_len);
	OPENSSL_cleanse(gqm, sizeof(gqm));
	memcpy(in->qm_iv, iv, sizeof(in->qm_iv));
	return 0;
}

/* HDR*, HASH(3) */
int ike_init_qm3(struct ike_init *in, uint8_t *buf, size_t cap)
{
	struct ike_p2_hash h3 = { IKE_P2_HASH3, qni(in), IKE_CHUNK(in->qnr, in->qnr_len) };
	struct isakmp_enc e;

	if (!in->qnr_len)
		return fail(in, ISAKMP_E_INVAL, "no QM2 yet");
	if (p2_begin(in, &e, buf, cap, ISAKMP_EXCH_QUICK, in->qm_msgid))
		return ISAKMP_E_INVAL;
	return p2_seal(in, &e, NULL, in->qm_iv, &h3, "QM3 encoding");
}

int ike_init_keymat(const struct ike_init *in, uint32_t spi, uint8_t *out, size_t len)
{
	return ike_keymat(&in->keys, IKE_CHUNK(in->gqm, in->gqm_len), ISAKMP_PROTO_ESP, spi,
			  qni(in), IKE_CHUNK(in->qnr, in->qnr_len), out, len);
}

/* ---- informational ---- */

static void cookies(const struct ike_init *in, uint8_t *spi)
{
	memcpy(spi, in->ci, ISAKMP_COOKIE_LEN);
	memcpy(spi + ISAKMP_COOKIE_LEN, in->cr, ISAKMP_COOKIE_LEN);
}

int ike_init_notify(struct ike_init *in, uint16_t type, const void *data, size_t dlen,
		    uint8_t *buf, size_t cap)
{
	uint8_t spi[2 * ISAKMP_COOKIE_LEN], iv[IKE_MAX_BLOCK];
	struct isakmp_enc e;

	if (p2_begin(in, &e, buf, cap, ISAKMP_EXCH_INFO, fresh_msgid()))
		return ISAKMP_E_INVAL;
	cookies(in, spi);
	isakmp_put_notify(&e, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, type, spi, sizeof(spi), data,
			  dlen);
	return p2_seal(in, &e, in->p1_last, iv, &IKE_P2_H1, "informational encoding");
}

int ike_init_dpd(struct ike_init *in, uint16_t type, uint32_t seq, uint8_t *buf, size_t cap)
{
	uint8_t s[4];

	put_be32(s, seq);
	return ike_init_notify(in, type, s, sizeof(s), buf, cap);
}

int ike_init_delete(struct ike_init *in, uint8_t proto, uint8_t *buf, size_t cap)
{
	uint8_t spi[2 * ISAKMP_COOKIE_LEN], iv[IKE_MAX_BLOCK];
	bool esp = proto != ISAKMP_PROTO_ISAKMP;
	struct isakmp_enc e;

	if (p2_begin(in, &e, buf, cap, ISAKMP_EXCH_INFO, fresh_msgid()))
		return ISAKMP_E_INVAL;
	if (esp)
		put_be32(spi, in->spi_in);
	else
		cookies(in, spi);
	isakmp_put_delete(&e, ISAKMP_DOI_IPSEC, proto, esp ? 4 : sizeof(spi), spi, 1);
	return p2_seal(in, &e, in->p1_last, iv, &IKE_P2_H1, "DELETE encoding");
}

int ike_init_info(struct ike_init *in, const uint8_t *msg, size_t len, struct isakmp_msg *m,
		  uint8_t *plain, size_t cap)
{
	int ret = take_p2(in, msg, len, m, ISAKMP_EXCH_INFO);

	if (ret)
		return ret;
	ret = ike_p2_open(&in->keys, in->p1_last, NULL, NULL, &IKE_P2_H1, m, plain, cap);
	return ret ? fail(in, ret, "informational does not verify") : 0;
}

/* ---- the whole exchange ---- */

int ike_init_start(struct ike_init *in, uint8_t *buf, size_t cap)
{
	int len = in->conf.aggressive ? ike_init_am1(in, buf, cap) : ike_init_mm1(in, buf, cap);

	in->step = len <= 0 ? IKE_INIT_FAILED : in->conf.aggressive ? IKE_INIT_AM2 : IKE_INIT_MM2;
	return len;
}

/* After phase 1, XAUTH or the REPLY: what comes next, and the step that waits for its answer. */
static int after_p1(struct ike_init *in, uint8_t *buf, size_t cap, bool reply_done)
{
	if (in->conf.xauth_user && in->xauth_status != 1) {
		in->step = IKE_INIT_XAUTH;	/* the gateway asks */
		return 0;
	}
	if (in->conf.modecfg && !reply_done) {
		in->step = IKE_INIT_REPLY;
		return ike_init_request(in, buf, cap);
	}
	in->step = IKE_INIT_QM2;
	return ike_init_qm1(in, 0, buf, cap);
}

int ike_init_input(struct ike_init *in, const uint8_t *msg, size_t len, uint8_t *buf,
		   size_t cap)
{
	struct isakmp_msg m;
	int ret;

	ret = isakmp_decode(msg, len, &m);
	if (ret < 0 || memcmp(m.hdr.icookie, in->ci, ISAKMP_COOKIE_LEN) ||
	    in->step >= IKE_INIT_DONE)
		return 0;
	if (m.hdr.exch == ISAKMP_EXCH_INFO) {
		if (ret == ISAKMP_OK && isakmp_count(&m, ISAKMP_NP_N)) {
			ret = fail(in, ISAKMP_E_INVAL,
				   "the gateway sent an unprotected notification");
			goto failed;
		}
		return 0;
	}
	/* XAUTH's REQUEST and SET, until its status */
	if (in->established && m.hdr.exch == ISAKMP_EXCH_TRANSACTION && in->conf.xauth_user &&
	    in->xauth_status != 1) {
		ret = ike_init_xauth(in, msg, len, buf, cap);
		if (ret > 0 && in->xauth_status == 0) {
			in->step = IKE_INIT_FAILED;	/* refused: the ACK still goes out */
		} else if (ret > 0 && in->xauth_status == 1) {
			in->next_now = true;
		}
		return ret >= ISAKMP_HDR_LEN ? ret : 0;
	}
	/* a SET may come whenever phase 1 is done; one that does not verify is dropped */
	if (in->established && m.hdr.exch == ISAKMP_EXCH_TRANSACTION &&
	    (!in->cfg_msgid || m.hdr.msgid != in->cfg_msgid)) {
		ret = ike_init_set(in, msg, len, buf, cap);
		return ret >= ISAKMP_HDR_LEN ? ret : 0;
	}
	switch (in->step) {
	case IKE_INIT_MM2:
		ret = ike_init_mm2(in, msg, len);
		if (!ret) {
			in->step = IKE_INIT_MM4;
			ret = ike_init_mm3(in, buf, cap);
		}
		break;
	case IKE_INIT_MM4:
		ret = ike_init_mm4(in, msg, len);
		if (!ret) {
			in->step = IKE_INIT_MM6;
			ret = ike_init_mm5(in, buf, cap);
		}
		break;
	case IKE_INIT_MM6:
		ret = ike_init_mm6(in, msg, len);
		if (!ret)
			ret = after_p1(in, buf, cap, false);
		if (!ret)
			return 0;		/* XAUTH: the gateway speaks next */
		break;
	case IKE_INIT_AM2:
		ret = ike_init_am2(in, msg, len);
		if (!ret) {
			ret = ike_init_am3(in, buf, cap);
			in->step = IKE_INIT_MM6;	/* phase 1 done: what follows MM6 */
			in->next_now = ret > 0;
		}
		break;
	case IKE_INIT_REPLY:
		ret = ike_init_reply(in, msg, len);
		if (!ret)
			ret = after_p1(in, buf, cap, true);
		break;
	case IKE_INIT_QM2:
		ret = ike_init_qm2(in, msg, len);
		if (!ret) {
			in->step = IKE_INIT_DONE;
			ret = ike_init_qm3(in, buf, cap);
		}
		break;
	default:
		return 0;
	}
	if (ret == IKE_INIT_OTHER)
		return 0;
	if (ret > 0)
		return ret;
failed:
	in->step = IKE_INIT_FAILED;
	return ret < 0 ? ret : ISAKMP_E_INVAL;
}

int ike_init_next(struct ike_init *in, uint8_t *buf, size_t cap)
{
	int len;

	if (!in->next_now)
		return 0;
	in->next_now = false;
	len = after_p1(in, buf, cap, false);
	if (len < 0)
		in->step = IKE_INIT_FAILED;
	return len;
}

int ike_init_run(struct ike_init *in, ike_init_io_fn io, void *arg)
{
	uint8_t out[IKE_INIT_MSG_MAX], msg[IKE_INIT_MSG_MAX];
	int len = ike_init_start(in, out, sizeof(out)), n;

	while (len >= 0) {
		n = io(arg, out, (size_t)len, msg, sizeof(msg));
		if (in->step == IKE_INIT_DONE)
			return 0;
		if (in->step == IKE_INIT_FAILED)
			return fail(in, ISAKMP_E_INVAL, in->why ? in->why : "refused");
		len = n > 0 ? ike_init_input(in, msg, (size_t)n, out, sizeof(out)) : 0;
		if (len)
			continue;
		/* AM3 or XAUTH's ACK needs no answer: the next message goes at once */
		if (in->next_now) {
			len = ike_init_next(in, out, sizeof(out));
			continue;
		}
		if (n <= 0) {
			in->step = IKE_INIT_FAILED;
			return fail(in, ISAKMP_E_INVAL, "no answer");
		}
	}
	return len;
}
