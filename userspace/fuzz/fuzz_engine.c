// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the responder engine itself (userspace/daemon/ike*.c,
 * modecfg.c, pool.c) on the fake kernel and a fake clock. An input is a
 * script of operations, each [op][len][len bytes]:
 *
 *   STEP c       client c (of three, behind one address) takes the engine's last
 *                answer to it and sends its next message: MM1 ... QM3, with the
 *                pre-shared key, so a script gets past Main Mode; client 1 is
 *                behind a NAT (NAT-D says so) and floats to port 4500; client 2
 *                does Aggressive Mode with a group's name and key (AM1 ... AM3,
 *                then the same)
 *   RAW c        the bytes as a datagram from client c
 *   SEALED c     a protected phase-2 message of client c: exchange type and
 *                payload chain from the bytes, HASH(1) and encryption right,
 *                so the engine's Quick Mode, informational and Mode-Config
 *                code sees authentic but arbitrary messages
 *   REPLAY       an earlier datagram again, from where it came
 *   CLOCK        the clock on by n seconds, and the engine's timer
 *   EXPIRE       a kernel expiry event for one of the fake kernel's SAs, or a
 *                new-mapping event (a NAT rebinding seen in ESP)
 *   CMD          a control command (show, stats, clear, pool show)
 *
 * Seeds (corpus/engine/) bring a client's tunnel up, then go on. The
 * engine's own invariants are checked after each operation: what it counts
 * against what the fake kernel holds.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/espgw.h>

#include "conf.h"
#include "crypto.h"
#include "ctlcmd.h"
#include "ike.h"
#include "initiator.h"
#include "isakmp.h"
#include "kernel_fake.h"
#include "log.h"
#include "sa.h"

enum op { OP_STEP, OP_RAW, OP_SEALED, OP_REPLAY, OP_CLOCK, OP_EXPIRE, OP_CMD, OP_N };

#define CLIENTS		3
#define KEEP		32	/* datagrams kept for REPLAY */
#define QLEN		4	/* answers kept per client */

static const char conf_text[] =
	"crypto isakmp policy 10\n"
	" encryption aes 128\n"
	" hash sha\n"
	" authentication pre-share\n"
	" group 1\n"
	"crypto isakmp key cisco123 address 0.0.0.0\n"
	"crypto isakmp keepalive 10 2\n"
	"crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac\n"
	"crypto dynamic-map dynmap 10\n"
	" set transform-set ts1\n"
	" set local-network 10.2.2.0 255.255.255.0\n"
	" reverse-route\n"
	"crypto map intmap 10 ipsec-isakmp dynamic dynmap\n"
	"crypto isakmp client configuration address-pool local ourpool\n"
	"crypto map intmap client configuration address respond\n"
	"crypto map intmap client configuration address initiate\n"
	"crypto isakmp client configuration group client1\n"
	" dns 10.2.2.53\n"
	" domain example.com\n"
	"crypto isakmp client configuration group amgroup\n"
	" key amkey\n"
	" dns 10.2.2.54\n"
	" banner Aggressive\n"
	"ip local pool ourpool 10.2.1.1 10.2.1.4\n"
	"espgw legacy\n"
	"espgw lease-grace 5\n"
	"espgw limit ipsec-sa-per-isakmp-sa 3\n";

struct dgram {
	struct sockaddr_in from, to;
	size_t len;
	uint8_t buf[IKE_INIT_MSG_MAX];
};

static struct {
	struct conf conf;
	struct ike_dh *dh;
	struct kernel *k;
	struct ike_engine *e;
	struct ike_init ini[CLIENTS];
	struct sockaddr_in gw, from[CLIENTS];
	uint64_t now;
	/* the engine's answers to each client not yet taken, oldest first */
	uint8_t q[CLIENTS][QLEN][IKE_INIT_MSG_MAX];
	size_t q_len[CLIENTS][QLEN];
	unsigned int qn[CLIENTS];
	struct dgram sent[KEEP];
	unsigned int nsent;
} f;

/* Client c's mapping as the gateway sees it, and the gateway's port it sends to. */
static bool floated(unsigned int c)
{
	const struct ike_init *in = &f.ini[c];

	return in->natt && (in->nat_self || in->nat_gw) && in->step >= IKE_INIT_MM6;
}

static struct sockaddr_in from_of(unsigned int c)
{
	struct sockaddr_in a = f.from[c];

	if (floated(c))
		a.sin_port = htons(4501);
	return a;
}

static int capture(void *arg, const struct sockaddr_in *local, const struct sockaddr_in *peer,
		   const void *buf, size_t len)
{
	unsigned int c;

	(void)arg;
	(void)local;
	if (len > IKE_INIT_MSG_MAX)
		abort();		/* larger than anything it should send */
	for (c = 0; c < CLIENTS; c++) {
		struct sockaddr_in a = from_of(c);

		if (peer->sin_addr.s_addr != a.sin_addr.s_addr || peer->sin_port != a.sin_port)
			continue;
		if (f.qn[c] == QLEN) {		/* full: the oldest goes */
			memmove(f.q[c][0], f.q[c][1], (QLEN - 1) * sizeof(f.q[c][0]));
			memmove(f.q_len[c], f.q_len[c] + 1, (QLEN - 1) * sizeof(f.q_len[c][0]));
			f.qn[c]--;
		}
		memcpy(f.q[c][f.qn[c]], buf, len);
		f.q_len[c][f.qn[c]++] = len;
	}
	return 0;
}

static void send_from(unsigned int c, const uint8_t *buf, size_t len)
{
	struct dgram *d = &f.sent[f.nsent++ % KEEP];

	if (len > sizeof(d->buf))
		return;
	d->from = from_of(c);
	d->to = f.gw;
	if (floated(c))
		d->to.sin_port = htons(4500);
	d->len = len;
	memcpy(d->buf, buf, len);
	ike_input(f.e, d->buf, len, &d->to, &d->from, f.now);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const uint8_t x[32] = { 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	char err[256];

	(void)argc;
	(void)argv;
	log_quiet(true);
	if (ike_crypto_init() || conf_parse("fuzz.conf", conf_text, &f.conf, err, sizeof(err))) {
		fprintf(stderr, "fuzz_engine: %s\n", err);
		abort();
	}
	/* one fixed DH key pair for the clients: group 1 keeps an input fast */
	f.dh = ike_dh_new_priv(IKE_GROUP_MODP768, x, sizeof(x));
	if (!f.dh)
		abort();
	return 0;
}

static void setup(void)
{
	static const char *const ids[CLIENTS] = { "client1", "client2", "amgroup" };
	unsigned int c;

	memset(f.qn, 0, sizeof(f.qn));
	f.nsent = 0;
	f.now = 1000;
	f.gw = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(500) };
	f.gw.sin_addr.s_addr = htonl(0xc0000201);
	f.k = kernel_fake_new();
	f.e = f.k ? ike_engine_new(&f.conf, f.k, capture, NULL) : NULL;
	if (!f.e)
		abort();
	for (c = 0; c < CLIENTS; c++) {
		struct ike_init_conf ic = {
			.psk = c == 2 ? IKE_CHUNK("amkey", 5) : IKE_CHUNK("cisco123", 8),
			.aggressive = c == 2, .enc = IKE_ENC_AES_CBC, .keybits = 128,
			.hash = IKE_HASH_SHA1, .auth = IKE_AUTH_PSK, .group = IKE_GROUP_MODP768,
			.life_sec = 28800, .id_type = ISAKMP_ID_KEY_ID, .id = ids[c],
			.id_len = strlen(ids[c]), .initial_contact = c == 0, .dpd = true,
			.modecfg = true, .esp = ESP_AES_CBC, .esp_keybits = 128,
			.esp_auth = IPSEC_AUTH_HMAC_SHA1, .esp_life_sec = 3600, .proxy_ids = true,
			.remote_net = htonl(0x0a020200), .remote_mask = htonl(0xffffff00),
			/* client 1 behind a NAT: its own address is a private one */
			.natt = c == 1, .natd_self_addr = htonl(0xc0a80102),
			.natd_self_port = htons(500), .natd_gw_addr = htonl(0xc0000201),
			.natd_gw_port = htons(500),
		};

		if (ike_init_setup(&f.ini[c], &ic, f.dh))
			abort();
		f.from[c] = (struct sockaddr_in){ .sin_family = AF_INET,
						  .sin_port = htons(c == 1 ? 4500 : 500 + c) };
		f.from[c].sin_addr.s_addr = htonl(0xc633640a);
	}
}

static void teardown(void)
{
	unsigned int c;

	if (getenv("FUZZ_ENGINE_VERBOSE")) {	/* what a seed reached */
		struct ike_stats st;

		ike_get_stats(f.e, &st);
		fprintf(stderr, "fuzz_engine: %llu ISAKMP SAs, %llu IPsec SA pairs, %zu kernel SAs, "
			"steps %d %d %d\n", (unsigned long long)st.isakmp_sas,
			(unsigned long long)st.ipsec_sa_pairs, kernel_fake_nsas(f.k), f.ini[0].step,
			f.ini[1].step, f.ini[2].step);
	}
	ike_engine_free(f.e);
	/* every ISAKMP SA gone: nothing of them may be left in the kernel */
	if (kernel_fake_nsas(f.k) || kernel_fake_npolicies(f.k) || kernel_fake_nroutes(f.k))
		abort();
	kernel_fake_free(f.k);
	for (c = 0; c < CLIENTS; c++)
		ike_init_clear(&f.ini[c]);
}

/* What the engine counts must be what the kernel holds. */
static void check(void)
{
	struct ike_stats st;

	ike_get_stats(f.e, &st);
	if (kernel_fake_nsas(f.k) != 2 * st.ipsec_sa_pairs)
		abort();
	if (kernel_fake_npolicies(f.k) > st.ipsec_sa_pairs)
		abort();
}

/* Client c's next message: MM1 first, then what its oldest waiting answers call for. */
static void step(unsigned int c)
{
	static uint8_t msg[IKE_INIT_MSG_MAX], out[IKE_INIT_MSG_MAX];
	size_t len;
	int ret = 0;

	if (f.ini[c].step == IKE_INIT_MM2 && !f.ini[c].sai_len) {
		ret = ike_init_start(&f.ini[c], out, sizeof(out));
	} else {
		while (f.qn[c] && ret == 0) {
			len = f.q_len[c][0];
			memcpy(msg, f.q[c][0], len);
			memmove(f.q[c][0], f.q[c][1], (QLEN - 1) * sizeof(f.q[c][0]));
			memmove(f.q_len[c], f.q_len[c] + 1, (QLEN - 1) * sizeof(f.q_len[c][0]));
			f.qn[c]--;
			ret = ike_init_input(&f.ini[c], msg, len, out, sizeof(out));
		}
	}
	if (ret > 0)
		send_from(c, out, (size_t)ret);
	/* after AM3: what follows needs no answer */
	while (f.ini[c].next_now && (ret = ike_init_next(&f.ini[c], out, sizeof(out))) > 0)
		send_from(c, out, (size_t)ret);
}

/*
 * A protected phase-2 message of client c: d[0] the exchange, d[1] the first
 * payload type, the rest the payload chain as it is; HASH(1) over it.
 */
static void sealed(unsigned int c, const uint8_t *d, size_t n)
{
	static const uint8_t exch[] = { ISAKMP_EXCH_QUICK, ISAKMP_EXCH_INFO,
					ISAKMP_EXCH_TRANSACTION, ISAKMP_EXCH_IDPROT };
	struct ike_init *in = &f.ini[c];
	uint8_t buf[IKE_INIT_MSG_MAX], iv[IKE_MAX_BLOCK];
	size_t hl = in->keys.prf_len, len;
	uint32_t msgid;
	int ret;

	if (!in->established || n < 6 || ISAKMP_HDR_LEN + 4 + hl + n - 6 > sizeof(buf) - 64)
		return;
	memcpy(&msgid, d + 2, 4);		/* the message ID too: replays, collisions */
	memset(buf, 0, ISAKMP_HDR_LEN);
	memcpy(buf, in->ci, ISAKMP_COOKIE_LEN);
	memcpy(buf + 8, in->cr, ISAKMP_COOKIE_LEN);
	buf[16] = ISAKMP_NP_HASH;
	buf[17] = ISAKMP_VERSION;
	buf[18] = exch[d[0] % sizeof(exch)];
	memcpy(buf + 20, &msgid, 4);
	buf[ISAKMP_HDR_LEN] = d[1];		/* HASH's next payload */
	buf[ISAKMP_HDR_LEN + 2] = (uint8_t)((4 + hl) >> 8);
	buf[ISAKMP_HDR_LEN + 3] = (uint8_t)(4 + hl);
	memset(buf + ISAKMP_HDR_LEN + 4, 0, hl);
	memcpy(buf + ISAKMP_HDR_LEN + 4 + hl, d + 6, n - 6);
	len = ISAKMP_HDR_LEN + 4 + hl + n - 6;
	buf[24] = (uint8_t)(len >> 24);
	buf[25] = (uint8_t)(len >> 16);
	buf[26] = (uint8_t)(len >> 8);
	buf[27] = (uint8_t)len;
	ret = ike_p2_seal(&in->keys, in->p1_last, iv, &IKE_P2_H1, buf, len, sizeof(buf));
	if (ret > 0)
		send_from(c, buf, (size_t)ret);
}

static void expire(const uint8_t *d, size_t n)
{
	const struct espgw_sa *sa;
	struct espgw_sa ks = { 0 };

	if (n < 1 || !kernel_fake_nsas(f.k))
		return;
	sa = kernel_fake_sa_at(f.k, (d[0] >> 1) % kernel_fake_nsas(f.k));
	ks.dst = sa->dst;
	ks.spi = sa->spi;
	ks.dir = sa->dir;
	if (n >= 7 && d[0] & 0x80) {
		/* a new-mapping event (the kernel sends them for inbound SAs only) */
		memcpy(&ks.mapping_addr, d + 1, 4);
		ks.mapping_port = (uint16_t)(d[5] << 8 | d[6]);
		ike_kernel_mapping(f.e, &ks);
		return;
	}
	ks.expire_kind = d[0] & 1 ? ESPGW_EXPIRE_KIND_HARD : ESPGW_EXPIRE_KIND_SOFT;
	ike_kernel_expire(f.e, &ks);
}

static void cmd(const uint8_t *d, size_t n)
{
	static const char *const cmds[] = { "show", "stats", "pool show", "pool show json",
					    "clear" };
	static char out[1 << 16];
	FILE *o;

	if (n < 1)
		return;
	o = fmemopen(out, sizeof(out), "w");
	if (!o)
		return;
	ctl_command(f.e, cmds[d[0] % 5], o, f.now);
	fclose(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;

	setup();
	while (i + 3 <= size) {
		unsigned int op = (data[i] & 0x0f) % OP_N, c = (data[i] >> 4) % CLIENTS;
		size_t n = (size_t)data[i + 1] << 8 | data[i + 2];
		const uint8_t *d = data + i + 3;

		if (n > size - i - 3)
			n = size - i - 3;
		i += 3 + n;
		switch (op) {
		case OP_STEP:
			step(c);
			break;
		case OP_RAW:
			send_from(c, d, n);
			break;
		case OP_SEALED:
			sealed(c, d, n);
			break;
		case OP_REPLAY:
			if (n && f.nsent) {
				struct dgram *g = &f.sent[d[0] % (f.nsent < KEEP ? f.nsent : KEEP)];
				struct dgram copy = *g;

				ike_input(f.e, copy.buf, copy.len, &copy.to, &copy.from, f.now);
			}
			break;
		case OP_CLOCK:
			f.now += n ? d[0] : 1;
			ike_timer(f.e, f.now);
			break;
		case OP_EXPIRE:
			expire(d, n);
			break;
		case OP_CMD:
			cmd(d, n);
			break;
		}
		check();
	}
	teardown();
	return 0;
}
