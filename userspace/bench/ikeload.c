// SPDX-License-Identifier: GPL-2.0
/*
 * espgw-ikeload: an IKEv1 load generator for bench/ike-load. N remote-access
 * clients, at most W at a time, each on its own UDP socket (its own port: a
 * distinct NAT mapping) with its own identity (ID_KEY_ID "loadNNNNN"), do
 * against one gateway what a stock client does:
 *
 *   Main Mode, pre-shared key      MM1 ->  <- MM2   MM3 ->  <- MM4   MM5 ->  <- MM6
 *   Mode-Config pull               REQUEST(ADDR) ->  <- REPLY(ADDR ...)
 *   Quick Mode to the inside net   QM1 ->  <- QM2   QM3 ->
 *
 * HASH_R and HASH(2) are verified, so a tunnel counts only when the gateway
 * really negotiated it. All clients share one DH key pair (each still
 * computes its own shared secret): the generator then spends half the
 * modular exponentiations the gateway does, so the gateway is what is
 * measured. Lost messages are resent (3 s, three times). The
 * gateway's side (its SAs in the kernel) is the bench script's business.
 *
 * Built on the same protocol library as espgwd (userspace/ike), as an
 * initiator; it is a measuring tool, not a client for real use.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "crypto.h"
#include "isakmp.h"

#define MSG_MAX		2048
#define NONCE_LEN	20
#define RETX_SEC	3.0
#define RETX_MAX	3

enum step { S_MM2, S_MM4, S_MM6, S_REPLY, S_QM2, S_DONE, S_FAILED };

struct client {
	unsigned int idx;
	int fd;
	enum step st;
	uint8_t ci[ISAKMP_COOKIE_LEN], cr[ISAKMP_COOKIE_LEN];
	uint8_t gxi[IKE_MAX_DH], gxr[IKE_MAX_DH];
	size_t glen;
	uint8_t ni[NONCE_LEN], nr[256], qni[NONCE_LEN];
	uint16_t nr_len;
	uint8_t sai_b[128];
	size_t sai_len;
	uint8_t idi_b[64];
	size_t idi_len;
	struct ike_p1_keys keys;
	uint8_t iv[IKE_MAX_BLOCK], p1_last[IKE_MAX_BLOCK];
	uint32_t msgid;
	uint32_t vip;			/* network order */
	uint8_t out[MSG_MAX];		/* last message sent, for retransmission */
	size_t out_len;
	double sent;
	unsigned int retx;
};

static struct {
	struct sockaddr_in gw, src;
	const char *psk;
	unsigned int group;		/* MODP group of phase 1 */
	uint32_t net, mask;		/* the inside network, network order */
	unsigned int n, window, done, failed, retx, started;
	unsigned int retx_step[S_FAILED];	/* by the answer waited for */
	int verbose;
	struct ike_dh *dh;		/* the clients' shared key pair */
	uint8_t gx[IKE_MAX_DH];
} o = { .psk = "cisco123", .group = IKE_GROUP_MODP1024, .n = 1000, .window = 20 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* why clients failed, for the summary */
static struct {
	const char *why;
	unsigned int n;
} reasons[16];

static void fail(struct client *c, const char *why)
{
	size_t i;

	if (o.verbose)
		fprintf(stderr, "client %u: %s\n", c->idx, why);
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		if (!reasons[i].why || reasons[i].why == why) {
			reasons[i].why = why;
			reasons[i].n++;
			break;
		}
	}
	c->st = S_FAILED;
}

static void send_msg(struct client *c, size_t len)
{
	c->out_len = len;
	c->sent = now();
	c->retx = 0;
	if (send(c->fd, c->out, len, 0) < 0 && o.verbose)
		perror("ikeload: send");
}

static void hdr(struct client *c, struct isakmp_hdr *h, uint8_t exch, uint32_t msgid)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->icookie, c->ci, ISAKMP_COOKIE_LEN);
	memcpy(h->rcookie, c->cr, ISAKMP_COOKIE_LEN);
	h->exch = exch;
	h->msgid = msgid;
}

/* MM1: one proposal, one transform: AES-128-CBC, SHA-1, PSK, the group, 8 h. */
static int mm1(struct client *c)
{
	struct isakmp_hdr h;
	struct isakmp_enc e;
	int len;

	RAND_bytes(c->ci, sizeof(c->ci));
	memset(c->cr, 0, sizeof(c->cr));
	hdr(c, &h, ISAKMP_EXCH_IDPROT, 0);
	isakmp_enc_init(&e, c->out, sizeof(c->out), &h);
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_put_prop_begin(&e, 1, ISAKMP_PROTO_ISAKMP, NULL, 0, 1);
	isakmp_put_trans_begin(&e, 1, ISAKMP_KEY_IKE);
	isakmp_put_attr(&e, IKE_ATTR_ENC, IKE_ENC_AES_CBC);
	isakmp_put_attr(&e, IKE_ATTR_KEY_LENGTH, 128);
	isakmp_put_attr(&e, IKE_ATTR_HASH, IKE_HASH_SHA1);
	isakmp_put_attr(&e, IKE_ATTR_AUTH, IKE_AUTH_PSK);
	isakmp_put_attr(&e, IKE_ATTR_GROUP_DESC, o.group);
	isakmp_put_attr(&e, IKE_ATTR_LIFE_TYPE, 1);
	isakmp_put_attr(&e, IKE_ATTR_LIFE_DURATION, 28800);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	len = isakmp_enc_finish(&e);
	if (len <= 0)
		return -1;
	/* SAi_b: the SA payload body, for HASH_I and HASH_R */
	c->sai_len = (size_t)(c->out[ISAKMP_HDR_LEN + 2] << 8 | c->out[ISAKMP_HDR_LEN + 3]) -
		     ISAKMP_GEN_LEN;
	if (c->sai_len > sizeof(c->sai_b))
		return -1;
	memcpy(c->sai_b, c->out + ISAKMP_HDR_LEN + ISAKMP_GEN_LEN, c->sai_len);
	c->st = S_MM2;
	send_msg(c, (size_t)len);
	return 0;
}

static void mm3(struct client *c, const struct isakmp_msg *m)
{
	struct isakmp_hdr h;
	struct isakmp_enc e;
	unsigned int i = 0;
	int len;

	if (!isakmp_find(m, ISAKMP_NP_SA, &i))
		return fail(c, "MM2 without SA");
	memcpy(c->cr, m->hdr.rcookie, ISAKMP_COOKIE_LEN);
	c->glen = ike_dh_len(o.group);
	memcpy(c->gxi, o.gx, c->glen);
	RAND_bytes(c->ni, sizeof(c->ni));
	hdr(c, &h, ISAKMP_EXCH_IDPROT, 0);
	isakmp_enc_init(&e, c->out, sizeof(c->out), &h);
	isakmp_put_data(&e, ISAKMP_NP_KE, c->gxi, c->glen);
	isakmp_put_data(&e, ISAKMP_NP_NONCE, c->ni, sizeof(c->ni));
	len = isakmp_enc_finish(&e);
	if (len <= 0)
		return fail(c, "MM3 encoding");
	c->st = S_MM4;
	send_msg(c, (size_t)len);
}

static void mm5(struct client *c, const struct isakmp_msg *m)
{
	const struct isakmp_payload *ke, *no;
	uint8_t gxy[IKE_MAX_DH], hash[IKE_MAX_HASH], id[16];
	const uint8_t *d;
	struct ike_auth_in in;
	struct isakmp_hdr h;
	struct isakmp_enc e;
	unsigned int i = 0, j = 0;
	uint16_t dl;
	int len, idl;

	ke = isakmp_find(m, ISAKMP_NP_KE, &i);
	no = isakmp_find(m, ISAKMP_NP_NONCE, &j);
	if (!ke && !no)
		return;		/* MM2 again: the gateway answered a retransmitted MM1 */
	if (!ke || !no || isakmp_decode_data(ke, ISAKMP_NP_KE, &d, &dl) || dl != c->glen)
		return fail(c, "MM4 without a good KE");
	memcpy(c->gxr, d, dl);
	if (isakmp_decode_nonce(no, &d, &dl))
		return fail(c, "MM4 without a good nonce");
	memcpy(c->nr, d, dl);
	c->nr_len = dl;
	if (ike_dh_shared(o.dh, c->gxr, c->glen, gxy) ||
	    ike_p1_keys_psk(&c->keys, IKE_HASH_SHA1, IKE_ENC_AES_CBC, 128,
			    IKE_CHUNK(o.psk, strlen(o.psk)), IKE_CHUNK(c->ni, sizeof(c->ni)),
			    IKE_CHUNK(c->nr, c->nr_len), IKE_CHUNK(gxy, c->glen), c->ci, c->cr) ||
	    ike_p1_iv(&c->keys, IKE_CHUNK(c->gxi, c->glen), IKE_CHUNK(c->gxr, c->glen), c->iv))
		return fail(c, "phase-1 keys");
	OPENSSL_cleanse(gxy, sizeof(gxy));

	/* IDii: ID_KEY_ID "loadNNNNN", UDP/500 */
	idl = snprintf((char *)id, sizeof(id), "load%05u", c->idx);
	c->idi_b[0] = ISAKMP_ID_KEY_ID;
	c->idi_b[1] = 17;
	c->idi_b[2] = 500 >> 8;
	c->idi_b[3] = 500 & 255;
	memcpy(c->idi_b + 4, id, (size_t)idl);
	c->idi_len = 4 + (size_t)idl;
	in = (struct ike_auth_in){ IKE_CHUNK(c->gxi, c->glen), IKE_CHUNK(c->gxr, c->glen), c->ci,
				   c->cr, IKE_CHUNK(c->sai_b, c->sai_len),
				   IKE_CHUNK(c->idi_b, c->idi_len) };
	if (ike_hash_i(&c->keys, &in, hash))
		return fail(c, "HASH_I");
	hdr(c, &h, ISAKMP_EXCH_IDPROT, 0);
	isakmp_enc_init(&e, c->out, sizeof(c->out), &h);
	isakmp_put_id(&e, ISAKMP_ID_KEY_ID, 17, 500, id, (size_t)idl);
	isakmp_put_data(&e, ISAKMP_NP_HASH, hash, c->keys.prf_len);
	len = isakmp_enc_finish(&e);
	if (len > 0)
		len = ike_msg_encrypt(&c->keys, c->iv, c->out, (size_t)len, sizeof(c->out));
	if (len <= 0)
		return fail(c, "MM5 encoding");
	c->st = S_MM6;
	send_msg(c, (size_t)len);
}

/* A protected message of an exchange after phase 1: HASH(1), then what fill puts. */
static int p2_msg(struct client *c, uint8_t exch, void (*fill)(struct client *, struct isakmp_enc *))
{
	size_t hoff = ISAKMP_HDR_LEN + ISAKMP_GEN_LEN, hl = c->keys.prf_len;
	uint8_t zero[IKE_MAX_HASH] = { 0 };
	struct isakmp_hdr h;
	struct isakmp_enc e;
	int len;

	RAND_bytes((unsigned char *)&c->msgid, sizeof(c->msgid));
	c->msgid |= 1;
	if (ike_p2_iv(&c->keys, c->p1_last, c->msgid, c->iv))
		return -1;
	hdr(c, &h, exch, c->msgid);
	isakmp_enc_init(&e, c->out, sizeof(c->out), &h);
	isakmp_put_data(&e, ISAKMP_NP_HASH, zero, hl);
	fill(c, &e);
	len = isakmp_enc_finish(&e);
	if (len <= 0 ||
	    ike_qm_hash1(&c->keys, c->msgid, IKE_CHUNK(c->out + hoff + hl, (size_t)len - hoff - hl),
			 c->out + hoff))
		return -1;
	len = ike_msg_encrypt(&c->keys, c->iv, c->out, (size_t)len, sizeof(c->out));
	if (len <= 0)
		return -1;
	send_msg(c, (size_t)len);
	return 0;
}

static void fill_request(struct client *c, struct isakmp_enc *e)
{
	uint16_t ident;

	RAND_bytes((unsigned char *)&ident, sizeof(ident));
	(void)c;
	isakmp_put_modecfg_begin(e, MODECFG_REQUEST, ident);
	isakmp_put_attr_tlv(e, MODECFG_INTERNAL_IP4_ADDRESS, NULL, 0);
	isakmp_put_end(e);
}

static void mm6(struct client *c, struct isakmp_msg *m, uint8_t *plain)
{
	const struct isakmp_payload *idp, *hp;
	uint8_t want[IKE_MAX_HASH];
	struct isakmp_id idr;
	struct ike_auth_in in;
	const uint8_t *d;
	unsigned int i = 0, j = 0;
	uint16_t dl;

	if (ike_msg_decrypt(&c->keys, c->iv, m, plain, MSG_MAX))
		return fail(c, "MM6 does not decrypt");
	idp = isakmp_find(m, ISAKMP_NP_ID, &i);
	hp = isakmp_find(m, ISAKMP_NP_HASH, &j);
	if (!idp || !hp || isakmp_decode_id(idp, &idr) ||
	    isakmp_decode_data(hp, ISAKMP_NP_HASH, &d, &dl) || dl != c->keys.prf_len)
		return fail(c, "MM6 without ID and HASH");
	in = (struct ike_auth_in){ IKE_CHUNK(c->gxi, c->glen), IKE_CHUNK(c->gxr, c->glen), c->ci,
				   c->cr, IKE_CHUNK(c->sai_b, c->sai_len),
				   IKE_CHUNK(idr.body, idr.body_len) };
	if (ike_hash_r(&c->keys, &in, want) || CRYPTO_memcmp(want, d, dl))
		return fail(c, "HASH_R does not verify");
	memcpy(c->p1_last, c->iv, sizeof(c->p1_last));
	c->st = S_REPLY;
	if (p2_msg(c, ISAKMP_EXCH_TRANSACTION, fill_request))
		fail(c, "REQUEST encoding");
}

static void fill_qm1(struct client *c, struct isakmp_enc *e)
{
	uint32_t spi;

	RAND_bytes((unsigned char *)&spi, sizeof(spi));
	spi |= htonl(0x100);	/* not in the reserved range 1-255 */
	RAND_bytes(c->qni, sizeof(c->qni));
	isakmp_put_sa_begin(e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_put_prop_begin(e, 1, ISAKMP_PROTO_ESP, &spi, 4, 1);
	isakmp_put_trans_begin(e, 1, ESP_AES_CBC);
	isakmp_put_attr(e, IPSEC_ATTR_LIFE_TYPE, 1);
	isakmp_put_attr(e, IPSEC_ATTR_LIFE_DURATION, 3600);
	isakmp_put_attr(e, IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_TUNNEL);
	isakmp_put_attr(e, IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA1);
	isakmp_put_attr(e, IPSEC_ATTR_KEY_LENGTH, 128);
	isakmp_put_end(e);
	isakmp_put_end(e);
	isakmp_put_end(e);
	isakmp_put_data(e, ISAKMP_NP_NONCE, c->qni, sizeof(c->qni));
	{
		uint32_t net[2] = { o.net, o.mask };

		isakmp_put_id(e, ISAKMP_ID_IPV4_ADDR, 0, 0, &c->vip, 4);
		isakmp_put_id(e, ISAKMP_ID_IPV4_ADDR_SUBNET, 0, 0, net, 8);
	}
}

static void reply(struct client *c, struct isakmp_msg *m, uint8_t *plain)
{
	const struct isakmp_payload *pl;
	struct isakmp_modecfg mc;
	struct isakmp_attr a;
	unsigned int i = 0;
	struct rbuf r;

	if (m->hdr.exch != ISAKMP_EXCH_TRANSACTION || m->hdr.msgid != c->msgid)
		return;		/* a SET or an informational: not for this tool */
	if (ike_msg_decrypt(&c->keys, c->iv, m, plain, MSG_MAX))
		return fail(c, "REPLY does not decrypt");
	pl = isakmp_find(m, ISAKMP_NP_ATTR, &i);
	if (!pl || isakmp_decode_modecfg(pl, &mc) || mc.type != MODECFG_REPLY)
		return fail(c, "no Mode-Config REPLY");
	c->vip = 0;
	rbuf_init(&r, mc.attrs, mc.attrs_len);
	while (isakmp_attr_next(&r, &a) > 0)
		if (a.type == MODECFG_INTERNAL_IP4_ADDRESS && a.len == 4)
			memcpy(&c->vip, a.val, 4);
	if (!c->vip)
		return fail(c, "REPLY without an address");
	c->st = S_QM2;
	if (p2_msg(c, ISAKMP_EXCH_QUICK, fill_qm1))
		fail(c, "QM1 encoding");
}

static void qm2(struct client *c, struct isakmp_msg *m, uint8_t *plain)
{
	const struct isakmp_payload *no;
	const uint8_t *hash, *rest, *d;
	uint8_t want[IKE_MAX_HASH];
	struct isakmp_hdr h;
	struct isakmp_enc e;
	unsigned int i = 0;
	uint16_t hl, dl;
	size_t rl;
	int len;

	if (m->hdr.exch != ISAKMP_EXCH_QUICK || m->hdr.msgid != c->msgid)
		return;
	if (ike_msg_decrypt(&c->keys, c->iv, m, plain, MSG_MAX))
		return fail(c, "QM2 does not decrypt");
	no = isakmp_find(m, ISAKMP_NP_NONCE, &i);
	if (!no || isakmp_decode_nonce(no, &d, &dl) ||
	    isakmp_hashed(m, &hash, &hl, &rest, &rl) || hl != c->keys.prf_len ||
	    ike_qm_hash2(&c->keys, c->msgid, IKE_CHUNK(c->qni, sizeof(c->qni)), IKE_CHUNK(rest, rl),
			 want) || CRYPTO_memcmp(want, hash, hl))
		return fail(c, "QM2 does not verify");
	memcpy(c->nr, d, dl);
	c->nr_len = dl;
	hdr(c, &h, ISAKMP_EXCH_QUICK, c->msgid);
	isakmp_enc_init(&e, c->out, sizeof(c->out), &h);
	if (ike_qm_hash3(&c->keys, c->msgid, IKE_CHUNK(c->qni, sizeof(c->qni)),
			 IKE_CHUNK(c->nr, c->nr_len), want))
		return fail(c, "HASH(3)");
	isakmp_put_data(&e, ISAKMP_NP_HASH, want, c->keys.prf_len);
	len = isakmp_enc_finish(&e);
	if (len > 0)
		len = ike_msg_encrypt(&c->keys, c->iv, c->out, (size_t)len, sizeof(c->out));
	if (len <= 0)
		return fail(c, "QM3 encoding");
	send_msg(c, (size_t)len);
	c->st = S_DONE;
}

static void input(struct client *c)
{
	uint8_t buf[MSG_MAX], plain[MSG_MAX];
	struct isakmp_msg m;
	ssize_t n;
	int ret;

	n = recv(c->fd, buf, sizeof(buf), 0);
	if (n <= 0)
		return;
	ret = isakmp_decode(buf, (size_t)n, &m);
	if (ret < 0 || memcmp(m.hdr.icookie, c->ci, ISAKMP_COOKIE_LEN))
		return;
	if (m.hdr.exch == ISAKMP_EXCH_INFO) {
		if (ret == ISAKMP_OK && isakmp_count(&m, ISAKMP_NP_N))
			fail(c, "the gateway sent an unprotected notification");
		return;
	}
	switch (c->st) {
	case S_MM2:
		if (ret == ISAKMP_OK)
			mm3(c, &m);
		break;
	case S_MM4:
		if (ret == ISAKMP_OK && !memcmp(m.hdr.rcookie, c->cr, ISAKMP_COOKIE_LEN))
			mm5(c, &m);
		break;
	case S_MM6:
		if (ret == ISAKMP_ENCRYPTED && m.hdr.exch == ISAKMP_EXCH_IDPROT)
			mm6(c, &m, plain);
		break;
	case S_REPLY:
		if (ret == ISAKMP_ENCRYPTED)
			reply(c, &m, plain);
		break;
	case S_QM2:
		if (ret == ISAKMP_ENCRYPTED)
			qm2(c, &m, plain);
		break;
	default:
		break;
	}
}

static int client_start(struct client *c, unsigned int idx)
{
	memset(c, 0, sizeof(*c));
	c->idx = idx;
	c->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		return -1;
	if (bind(c->fd, (struct sockaddr *)&o.src, sizeof(o.src)) ||
	    connect(c->fd, (struct sockaddr *)&o.gw, sizeof(o.gw))) {
		close(c->fd);
		return -1;
	}
	return mm1(c);
}

static void client_end(struct client *c)
{
	if (c->st == S_DONE)
		o.done++;
	else
		o.failed++;
	ike_p1_keys_clear(&c->keys);
	close(c->fd);
	c->fd = -1;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: espgw-ikeload -g GATEWAY -s SOURCE -l NET/PLEN [-n CLIENTS] [-w WINDOW]\n"
		   "                     [-k PSK] [-G MODP-GROUP] [-v]\n"
		   "IKEv1 Main Mode (PSK, aes128-sha1), Mode-Config pull and Quick Mode (ESP\n"
		   "aes128-sha1 to NET/PLEN) for CLIENTS (1000) clients, WINDOW (20) at a time.\n");
}

int main(int argc, char **argv)
{
	struct client *cl;
	struct pollfd *pfd;
	double t0, t;
	unsigned int plen = 0, next = 0, i;
	char net[32] = "", *slash;
	int opt;

	o.gw.sin_family = o.src.sin_family = AF_INET;
	o.gw.sin_port = htons(500);
	while ((opt = getopt(argc, argv, "g:s:l:n:w:k:G:vh")) != -1) {
		switch (opt) {
		case 'g': inet_pton(AF_INET, optarg, &o.gw.sin_addr); break;
		case 's': inet_pton(AF_INET, optarg, &o.src.sin_addr); break;
		case 'l': snprintf(net, sizeof(net), "%s", optarg); break;
		case 'n': o.n = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'w': o.window = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'k': o.psk = optarg; break;
		case 'G': o.group = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'v': o.verbose = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	slash = strchr(net, '/');
	if (slash) {
		*slash = 0;
		plen = (unsigned int)atoi(slash + 1);
	}
	if (!o.gw.sin_addr.s_addr || !o.src.sin_addr.s_addr || !slash || plen < 1 || plen > 32 ||
	    inet_pton(AF_INET, net, &o.net) != 1 || !o.n || !o.window || !ike_dh_len(o.group)) {
		usage(stderr);
		return 2;
	}
	o.mask = htonl(~0u << (32 - plen));
	if (ike_crypto_init())
		return 1;
	o.dh = ike_dh_new(o.group);
	if (!o.dh || ike_dh_public(o.dh, o.gx, ike_dh_len(o.group)))
		return 1;
	if (o.window > o.n)
		o.window = o.n;
	cl = calloc(o.window, sizeof(*cl));
	pfd = calloc(o.window, sizeof(*pfd));
	if (!cl || !pfd)
		return 1;
	for (i = 0; i < o.window; i++)
		cl[i].fd = -1;
	t0 = now();
	while (o.done + o.failed < o.n) {
		for (i = 0; i < o.window; i++) {
			struct client *c = &cl[i];

			if (c->fd >= 0 && (c->st == S_DONE || c->st == S_FAILED))
				client_end(c);
			if (c->fd < 0 && next < o.n && client_start(c, next++)) {
				o.failed++;
				c->fd = -1;
			}
			pfd[i] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
		}
		if (poll(pfd, o.window, 200) < 0 && errno != EINTR)
			break;
		t = now();
		for (i = 0; i < o.window; i++) {
			struct client *c = &cl[i];

			if (c->fd < 0)
				continue;
			if (pfd[i].revents & POLLIN)
				input(c);
			if (c->st == S_DONE || c->st == S_FAILED || t - c->sent < RETX_SEC)
				continue;
			if (c->retx == RETX_MAX) {
				fail(c, "no answer");
				continue;
			}
			c->retx++;
			o.retx++;
			o.retx_step[c->st]++;
			c->sent = t;
			if (send(c->fd, c->out, c->out_len, 0) < 0 && o.verbose)
				perror("ikeload: send");
		}
	}
	t = now() - t0;
	printf("ikeload: %u of %u tunnels up in %.1f s: %.1f tunnels/s (%u failed, %u "
	       "retransmissions)\n", o.done, o.n, t, o.done / t, o.failed, o.retx);
	if (o.retx) {
		static const char *const step[] = { "MM2", "MM4", "MM6", "REPLY", "QM2" };

		printf("ikeload: resent while waiting for:");
		for (i = 0; i < sizeof(step) / sizeof(step[0]); i++)
			if (o.retx_step[i])
				printf(" %s %u", step[i], o.retx_step[i]);
		printf("\n");
	}
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]) && reasons[i].why; i++)
		printf("ikeload: %u failed: %s\n", reasons[i].n, reasons[i].why);
	free(cl);
	free(pfd);
	ike_dh_free(o.dh);
	return o.failed ? 1 : 0;
}
