// SPDX-License-Identifier: GPL-2.0
/*
 * espgw-pktinject: send a prepared stream of Ethernet frames out of one interface
 * as fast as the kernel takes them, for bench/cost's decrypt direction (a stream
 * of valid ESP with increasing sequence numbers, made on the host by
 * bench/espstream.py). Frames go through a packet socket with the qdisc bypassed,
 * 32 per sendmmsg(); on a one-CPU guest the receiving side's softirq runs inside
 * each call, so the elapsed time covers the gateway's work.
 *
 *   espgw-pktinject IFACE DSTMAC FILE
 *
 * FILE: frames, each a 2-byte big-endian length and the frame; the destination
 * and source MAC addresses are filled in here (DSTMAC, IFACE's own). Prints
 * "sent N frames in T ns: P ns per frame" (CLOCK_MONOTONIC, guest time).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#define BATCH 32

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct mmsghdr msgs[BATCH];
	struct iovec iovs[BATCH];
	uint8_t dst[6], src[6], *data;
	size_t off, size, nframes = 0, sent = 0, cap = 0;
	struct ifreq ifr;
	struct stat st;
	uint8_t **frames = NULL;
	uint16_t *lens = NULL;
	uint64_t t0, t1;
	int fd, s, one = 1;

	if (argc != 4 || parse_mac(argv[2], dst) || strlen(argv[1]) >= IFNAMSIZ) {
		fprintf(stderr, "usage: espgw-pktinject IFACE DSTMAC FILE\n");
		return 2;
	}
	fd = open(argv[3], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || st.st_size <= 0) {
		fprintf(stderr, "espgw-pktinject: %s: %s\n", argv[3], strerror(errno));
		return 1;
	}
	size = (size_t)st.st_size;
	data = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (data == MAP_FAILED) {
		perror("espgw-pktinject: mmap");
		return 1;
	}
	close(fd);

	s = socket(AF_PACKET, SOCK_RAW, 0);
	if (s < 0) {
		perror("espgw-pktinject: socket");
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, argv[1]);
	if (ioctl(s, SIOCGIFHWADDR, &ifr)) {
		fprintf(stderr, "espgw-pktinject: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memcpy(src, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, dst, 6);
	if (setsockopt(s, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
		perror("espgw-pktinject: PACKET_QDISC_BYPASS (going through the qdisc)");

	/* index the frames, every length checked against what is left */
	for (off = 0; off + 2 <= size;) {
		uint16_t len = (uint16_t)(data[off] << 8 | data[off + 1]);

		if (len < ETH_HLEN || len > size - off - 2) {
			fprintf(stderr, "espgw-pktinject: %s: bad frame length %u at %zu\n",
				argv[3], len, off);
			return 1;
		}
		if (nframes == cap) {
			cap = cap ? 2 * cap : 1024;
			frames = realloc(frames, cap * sizeof(*frames));
			lens = realloc(lens, cap * sizeof(*lens));
			if (!frames || !lens) {
				fprintf(stderr, "espgw-pktinject: out of memory\n");
				return 1;
			}
		}
		frames[nframes] = data + off + 2;
		memcpy(frames[nframes], dst, 6);
		memcpy(frames[nframes] + 6, src, 6);
		lens[nframes++] = len;
		off += 2u + len;
	}
	if (!nframes || off != size) {
		fprintf(stderr, "espgw-pktinject: %s: no frames or trailing bytes\n", argv[3]);
		return 1;
	}

	memset(msgs, 0, sizeof(msgs));
	t0 = now_ns();
	while (sent < nframes) {
		unsigned int i, n = nframes - sent < BATCH ? (unsigned int)(nframes - sent) : BATCH;
		int r;

		for (i = 0; i < n; i++) {
			iovs[i].iov_base = frames[sent + i];
			iovs[i].iov_len = lens[sent + i];
			msgs[i].msg_hdr.msg_iov = &iovs[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &sll;
			msgs[i].msg_hdr.msg_namelen = sizeof(sll);
		}
		r = sendmmsg(s, msgs, n, 0);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN)
				continue;
			perror("espgw-pktinject: sendmmsg");
			return 1;
		}
		sent += (size_t)r;
	}
	t1 = now_ns();
	printf("sent %zu frames in %llu ns: %llu ns per frame\n", sent,
	       (unsigned long long)(t1 - t0), (unsigned long long)((t1 - t0) / sent));
	return 0;
}
