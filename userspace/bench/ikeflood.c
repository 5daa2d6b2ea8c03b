// SPDX-License-Identifier: GPL-2.0
/*
 * espgw-ikeflood: an unauthenticated flood of IKEv1 Main Mode first messages
 * (MM1) at a gateway, for selftests/test-flood.sh. Each MM1 carries a fresh
 * random initiator cookie and the SA payload a stock client offers (one
 * proposal, three transforms, the XAUTH, DPD and NAT-T vendor IDs), so that
 * a gateway that keeps state for every MM1 keeps it for these too. The rate
 * is bounded against the clock; messages go out by sendmmsg() in batches.
 *
 *   own address: UDP sockets (-p of them, each its own source port), the
 *                gateway's answers read and counted
 *   spoofed:     a raw socket (IP_HDRINCL), each source drawn at random
 *                from -S PREFIX/LEN, source port 500; the answers go to
 *                whoever routes that prefix
 *
 * It runs for -t seconds or until SIGINT/SIGTERM, then prints what it sent
 * and the rate it achieved. It is a measuring tool: it never completes an
 * exchange.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "isakmp.h"

#define BATCH_MAX	256
#define PKT_MAX		512
#define SOCKS_MAX	64
#define CATCHUP_NS	100000000ull	/* at most 100 ms of lag is made up */

static struct {
	struct sockaddr_in gw, src;
	unsigned int rate, batch, nsocks;
	double duration;
	uint32_t spoof_net, spoof_mask;	/* host order */
	bool spoof;
} o = { .rate = 5000, .batch = 32, .nsocks = 1 };

static volatile sig_atomic_t stop;
static uint64_t rng;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: cookies need to be fresh, not secret */
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

/* MM1 with a zero initiator cookie: the template every message is made from */
static int mm1_template(uint8_t *buf, size_t cap)
{
	static const struct {
		uint16_t enc, keylen, group;
	} tr[] = {
		{ IKE_ENC_AES_CBC, 128, IKE_GROUP_MODP1024 },
		{ IKE_ENC_AES_CBC, 128, IKE_GROUP_MODP2048 },
		{ IKE_ENC_3DES, 0, IKE_GROUP_MODP1024 },
	};
	static const enum isakmp_vid vids[] = {
		ISAKMP_VID_XAUTH, ISAKMP_VID_DPD, ISAKMP_VID_NATT_RFC3947,
	};
	struct isakmp_hdr h = { .exch = ISAKMP_EXCH_IDPROT };
	struct isakmp_enc e;
	const uint8_t *vid;
	size_t i, vlen;

	isakmp_enc_init(&e, buf, cap, &h);
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_put_prop_begin(&e, 1, ISAKMP_PROTO_ISAKMP, NULL, 0, sizeof(tr) / sizeof(tr[0]));
	for (i = 0; i < sizeof(tr) / sizeof(tr[0]); i++) {
		isakmp_put_trans_begin(&e, (uint8_t)(i + 1), ISAKMP_KEY_IKE);
		isakmp_put_attr(&e, IKE_ATTR_ENC, tr[i].enc);
		if (tr[i].keylen)
			isakmp_put_attr(&e, IKE_ATTR_KEY_LENGTH, tr[i].keylen);
		isakmp_put_attr(&e, IKE_ATTR_HASH, IKE_HASH_SHA1);
		isakmp_put_attr(&e, IKE_ATTR_AUTH, IKE_AUTH_PSK);
		isakmp_put_attr(&e, IKE_ATTR_GROUP_DESC, tr[i].group);
		isakmp_put_attr(&e, IKE_ATTR_LIFE_TYPE, 1);
		isakmp_put_attr(&e, IKE_ATTR_LIFE_DURATION, 28800);
		isakmp_put_end(&e);
	}
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	for (i = 0; i < sizeof(vids) / sizeof(vids[0]); i++) {
		vid = isakmp_vid_bytes(vids[i], &vlen);
		if (vid)
			isakmp_put_data(&e, ISAKMP_NP_VID, vid, vlen);
	}
	return isakmp_enc_finish(&e);
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

/* spoofed: IPv4 + UDP headers around the MM1 at off; a random source in the prefix */
static void spoof_headers(uint8_t *pkt, size_t mlen)
{
	struct iphdr *ip = (struct iphdr *)pkt;
	struct udphdr *udp = (struct udphdr *)(pkt + sizeof(*ip));
	uint32_t host, sum;

	do
		host = (uint32_t)rnd() & ~o.spoof_mask;
	while (o.spoof_mask != ~0u && o.spoof_mask != ~1u &&
	       (host == 0 || host == ~o.spoof_mask));	/* not the net or broadcast */
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons((uint16_t)(sizeof(*ip) + sizeof(*udp) + mlen));
	ip->saddr = htonl(o.spoof_net | host);
	ip->daddr = o.gw.sin_addr.s_addr;	/* id and checksum: the kernel's */
	udp->source = htons(500);
	udp->dest = o.gw.sin_port;
	udp->len = htons((uint16_t)(sizeof(*udp) + mlen));
	udp->check = 0;
	sum = csum_add(0, (uint8_t *)&ip->saddr, 8);
	sum += IPPROTO_UDP + (uint32_t)(sizeof(*udp) + mlen);
	sum = csum_add(sum, (uint8_t *)udp, sizeof(*udp) + mlen);
	udp->check = htons(csum_fold(sum));
	if (!udp->check)
		udp->check = 0xffff;
}

static int open_sockets(int *fds)
{
	unsigned int i;
	int one = 1;

	if (o.spoof) {
		fds[0] = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
		if (fds[0] < 0 ||
		    setsockopt(fds[0], IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
			perror("ikeflood: raw socket");
			return -1;
		}
		return 0;
	}
	for (i = 0; i < o.nsocks; i++) {
		fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		/* not connected: an ICMP error must not fail the next send */
		if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&o.src, sizeof(o.src))) {
			perror("ikeflood: UDP socket");
			return -1;
		}
	}
	return 0;
}

/* own address: read and count what the gateway sent back, without waiting */
static unsigned long drain(int fd)
{
	static uint8_t rbuf[BATCH_MAX][PKT_MAX];
	struct mmsghdr rm[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	unsigned long got = 0;
	unsigned int i;
	int n;

	for (i = 0; i < BATCH_MAX; i++) {
		iov[i] = (struct iovec){ rbuf[i], PKT_MAX };
		rm[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	while ((n = recvmmsg(fd, rm, BATCH_MAX, MSG_DONTWAIT, NULL)) > 0)
		got += (unsigned long)n;
	return got;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: espgw-ikeflood -g GATEWAY [-r RATE] [-t SECONDS] [-b BATCH]\n"
		   "                      [-s SOURCE] [-p PORTS] | [-S PREFIX/LEN]\n"
		   "IKEv1 Main Mode first messages, each with a fresh initiator cookie, to\n"
		   "GATEWAY:500 at RATE (5000) a second in batches of BATCH (32), for SECONDS\n"
		   "(until killed by default): from this host's address (bound to SOURCE if\n"
		   "given) on PORTS (1) UDP source ports, or with -S from random sources in\n"
		   "PREFIX/LEN through a raw socket (needs CAP_NET_RAW).\n");
}

static int parse_prefix(char *arg)
{
	char *slash = strchr(arg, '/');
	struct in_addr a;
	unsigned int plen;

	if (!slash)
		return -1;
	*slash = 0;
	plen = (unsigned int)strtoul(slash + 1, NULL, 10);
	if (inet_pton(AF_INET, arg, &a) != 1 || plen < 1 || plen > 32)
		return -1;
	o.spoof_mask = ~0u << (32 - plen);
	o.spoof_net = ntohl(a.s_addr) & o.spoof_mask;
	o.spoof = true;
	return 0;
}

/* one batch of want messages on fd; returns how many the kernel took */
static unsigned int send_batch(int fd, struct mmsghdr *mm, uint8_t (*pkt)[PKT_MAX], size_t off,
			       size_t mlen, unsigned int want)
{
	unsigned int i;
	int n;

	for (i = 0; i < want; i++) {
		uint64_t c = rnd();

		memcpy(pkt[i] + off, &c, ISAKMP_COOKIE_LEN);
		if (o.spoof)
			spoof_headers(pkt[i], mlen);
	}
	n = sendmmsg(fd, mm, want, 0);
	return n > 0 ? (unsigned int)n : 0;
}

int main(int argc, char **argv)
{
	static uint8_t pkt[BATCH_MAX][PKT_MAX];
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long sent = 0, tried = 0, answers = 0;
	uint64_t t0, t, due, slots = 0, lag_max, end = 0, next;
	struct mmsghdr mm[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	unsigned int i, want, sock = 0;
	int fds[SOCKS_MAX], opt, mlen;
	bool bad = false;
	struct timespec ts;
	size_t off, len;
	double secs;

	o.gw.sin_family = o.src.sin_family = AF_INET;
	o.gw.sin_port = htons(500);
	while ((opt = getopt(argc, argv, "g:r:t:b:s:p:S:h")) != -1) {
		switch (opt) {
		case 'g':
			bad |= inet_pton(AF_INET, optarg, &o.gw.sin_addr) != 1;
			break;
		case 's':
			bad |= inet_pton(AF_INET, optarg, &o.src.sin_addr) != 1;
			break;
		case 'S':
			bad |= parse_prefix(optarg) != 0;
			break;
		case 'r': o.rate = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 't': o.duration = strtod(optarg, NULL); break;
		case 'b': o.batch = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'p': o.nsocks = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (bad || optind != argc || !o.gw.sin_addr.s_addr || !o.rate || !o.batch ||
	    o.batch > BATCH_MAX || !o.nsocks || o.nsocks > SOCKS_MAX || o.duration < 0) {
		usage(stderr);
		return 2;
	}
	if (getrandom(&rng, sizeof(rng), 0) != sizeof(rng) || !rng)
		rng = now_ns() | 1;
	off = o.spoof ? sizeof(struct iphdr) + sizeof(struct udphdr) : 0;
	mlen = mm1_template(pkt[0] + off, PKT_MAX - off);
	if (mlen <= 0) {
		fprintf(stderr, "ikeflood: MM1 does not encode\n");
		return 1;
	}
	len = off + (size_t)mlen;
	for (i = 0; i < o.batch; i++) {
		memcpy(pkt[i], pkt[0], len);
		iov[i] = (struct iovec){ pkt[i], len };
		mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &o.gw,
						       .msg_namelen = sizeof(o.gw),
						       .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	if (open_sockets(fds))
		return 1;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/*
	 * slots: messages the clock has allowed so far. A sender that fell
	 * behind (descheduled) makes up at most CATCHUP_NS of it (or a batch),
	 * so that it never bursts; the rate it reports is what it really sent.
	 */
	lag_max = (uint64_t)o.rate * CATCHUP_NS / 1000000000u;
	if (lag_max < o.batch)		/* a slow rate still sends whole batches */
		lag_max = o.batch;
	t0 = now_ns();
	if (o.duration)
		end = t0 + (uint64_t)(o.duration * 1e9);
	for (;;) {
		t = now_ns();
		if (end && t > end)
			t = end;
		due = (uint64_t)((unsigned __int128)(t - t0) * o.rate / 1000000000u);
		if (due > slots + lag_max)
			slots = due - lag_max;
		while (due > slots) {
			want = due - slots < o.batch ? (unsigned int)(due - slots) : o.batch;
			slots += want;
			tried += want;
			sent += send_batch(fds[sock], mm, pkt, off, (size_t)mlen, want);
			if (!o.spoof) {
				answers += drain(fds[sock]);
				sock = (sock + 1) % o.nsocks;
			}
		}
		if (stop || (end && t >= end))
			break;
		/* sleep until a whole batch is due */
		next = t0 + (uint64_t)((unsigned __int128)(slots + o.batch) * 1000000000u / o.rate);
		if (end && next > end)
			next = end;
		ts.tv_sec = (time_t)(next / 1000000000u);
		ts.tv_nsec = (long)(next % 1000000000u);
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	secs = (double)(now_ns() - t0) / 1e9;
	for (i = 0; !o.spoof && i < o.nsocks; i++)
		answers += drain(fds[i]);
	printf("ikeflood: %lu MM1 sent in %.1f s: %.0f/s (target %u/s), %lu not sent",
	       sent, secs, sent / secs, o.rate, tried - sent);
	if (o.spoof)
		printf(", sources random in %s/%u\n",
		       inet_ntoa((struct in_addr){ htonl(o.spoof_net) }),
		       (unsigned int)__builtin_popcount(o.spoof_mask));
	else
		printf(", %lu answers received on %u port%s\n", answers, o.nsocks,
		       o.nsocks > 1 ? "s" : "");
	return 0;
}
