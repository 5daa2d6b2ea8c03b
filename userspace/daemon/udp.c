// SPDX-License-Identifier: GPL-2.0
/* espgwd's IKE socket; see udp.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/udp.h>
#include <unistd.h>

#include "ike.h"
#include "log.h"
#include "udp.h"

#define DGRAM_MAX	65536	/* received: a whole UDP payload */
#define TX_MAX		4096	/* sent: the engine's largest message */
#define MARKER		4	/* the non-ESP marker of IKE on port 4500 */

union pktinfo_cmsg {
	char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct cmsghdr align;
};

struct udp {
	int fd[2];			/* IKE, NAT-T (-1: none) */
	uint16_t port[2];
	/* receiving */
	struct mmsghdr rx[UDP_BATCH];
	struct iovec rx_iov[UDP_BATCH];
	struct sockaddr_in rx_peer[UDP_BATCH];
	union pktinfo_cmsg rx_ctl[UDP_BATCH];
	uint8_t *rx_buf;		/* UDP_BATCH * DGRAM_MAX */
	/* sending */
	struct mmsghdr tx[UDP_BATCH];
	struct iovec tx_iov[UDP_BATCH];
	struct sockaddr_in tx_peer[UDP_BATCH];
	union pktinfo_cmsg tx_ctl[UDP_BATCH];
	uint8_t tx_buf[UDP_BATCH][MARKER + TX_MAX];
	unsigned int ntx[2];	/* queued for each socket: tx[] holds 0's first, then 1's */
	struct mmsghdr tx1[UDP_BATCH];
};

static int sock_open(uint16_t port, bool natt)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd, one = 1, encap = UDP_ENCAP_ESPINUDP, err;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    (natt && setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &encap, sizeof(encap)))) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

struct udp *udp_open(uint16_t port, uint16_t natt_port)
{
	struct udp *u = calloc(1, sizeof(*u));
	int err;

	if (!u)
		return NULL;
	u->fd[0] = u->fd[1] = -1;
	u->port[0] = port;
	u->port[1] = natt_port;
	u->rx_buf = malloc((size_t)UDP_BATCH * DGRAM_MAX);
	if (!u->rx_buf)
		goto err;
	u->fd[0] = sock_open(port, false);
	if (u->fd[0] < 0)
		goto err;
	if (natt_port) {
		u->fd[1] = sock_open(natt_port, true);
		if (u->fd[1] < 0)
			goto err;
	}
	return u;
err:
	err = errno;
	udp_close(u);
	errno = err;
	return NULL;
}

void udp_close(struct udp *u)
{
	if (!u)
		return;
	if (u->fd[0] >= 0)
		close(u->fd[0]);
	if (u->fd[1] >= 0)
		close(u->fd[1]);
	free(u->rx_buf);
	free(u);
}

unsigned int udp_fds(const struct udp *u, int *fds)
{
	fds[0] = u->fd[0];
	fds[1] = u->fd[1];
	return u->fd[1] >= 0 ? 2 : 1;
}

static void flush_one(int fd, struct mmsghdr *m, unsigned int n)
{
	unsigned int done = 0;
	int k;

	while (done < n) {
		k = sendmmsg(fd, m + done, n - done, 0);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			/* one that cannot go (no route...): skip it, send the rest */
			log_ratelimited("IKE socket: send failed: %s", strerror(errno));
			k = 1;
		}
		done += (unsigned int)k;
	}
}

void udp_flush(struct udp *u)
{
	flush_one(u->fd[0], u->tx, u->ntx[0]);
	if (u->fd[1] >= 0)
		flush_one(u->fd[1], u->tx1, u->ntx[1]);
	u->ntx[0] = u->ntx[1] = 0;
}

int udp_send(void *arg, const struct sockaddr_in *local, const struct sockaddr_in *peer,
	     const void *buf, size_t len)
{
	struct udp *u = arg;
	bool natt = u->fd[1] >= 0 && local->sin_port == htons(u->port[1]);
	/* IKE on 4500 behind the non-ESP marker; a NAT keepalive is one 0xFF byte, bare */
	size_t mark = natt && !(len == 1 && *(const uint8_t *)buf == 0xff) ? MARKER : 0;
	struct mmsghdr *m;
	unsigned int i;
	struct msghdr *mh;
	struct cmsghdr *cm;
	struct in_pktinfo *pi;

	if (len > TX_MAX)
		return -EMSGSIZE;
	if (u->ntx[0] + u->ntx[1] == UDP_BATCH)
		udp_flush(u);
	i = u->ntx[0] + u->ntx[1];	/* buffers: any free slot */
	m = natt ? &u->tx1[u->ntx[1]++] : &u->tx[u->ntx[0]++];
	memset(u->tx_buf[i], 0, mark);
	memcpy(u->tx_buf[i] + mark, buf, len);
	u->tx_peer[i] = *peer;
	u->tx_iov[i] = (struct iovec){ u->tx_buf[i], mark + len };
	memset(&u->tx_ctl[i], 0, sizeof(u->tx_ctl[i]));
	mh = &m->msg_hdr;
	*mh = (struct msghdr){
		.msg_name = &u->tx_peer[i], .msg_namelen = sizeof(u->tx_peer[i]),
		.msg_iov = &u->tx_iov[i], .msg_iovlen = 1,
		.msg_control = u->tx_ctl[i].buf, .msg_controllen = sizeof(u->tx_ctl[i].buf),
	};
	/* answer from the address the client spoke to */
	cm = CMSG_FIRSTHDR(mh);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(*pi));
	pi = (struct in_pktinfo *)CMSG_DATA(cm);
	pi->ipi_spec_dst = local->sin_addr;
	return 0;
}

void udp_read(struct udp *u, unsigned int sock, struct ike_engine *e, uint64_t now)
{
	unsigned int got = 0, i;
	int n;

	while (got < UDP_ROUND) {
		for (i = 0; i < UDP_BATCH; i++) {
			u->rx_iov[i] = (struct iovec){ u->rx_buf + (size_t)i * DGRAM_MAX, DGRAM_MAX };
			u->rx[i].msg_hdr = (struct msghdr){
				.msg_name = &u->rx_peer[i], .msg_namelen = sizeof(u->rx_peer[i]),
				.msg_iov = &u->rx_iov[i], .msg_iovlen = 1,
				.msg_control = u->rx_ctl[i].buf,
				.msg_controllen = sizeof(u->rx_ctl[i].buf),
			};
		}
		n = recvmmsg(u->fd[sock], u->rx, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		for (i = 0; i < (unsigned int)n; i++) {
			struct msghdr *mh = &u->rx[i].msg_hdr;
			struct sockaddr_in local = { .sin_family = AF_INET,
						     .sin_port = htons(u->port[sock]) };
			const uint8_t *d = mh->msg_iov->iov_base;
			size_t len = u->rx[i].msg_len;
			struct cmsghdr *cm;

			if (sock == 1) {
				/* the kernel passes only IKE here: behind its non-ESP marker */
				if (len < MARKER || d[0] || d[1] || d[2] || d[3])
					continue;
				d += MARKER;
				len -= MARKER;
			}
			for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm))
				if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO)
					local.sin_addr =
						((struct in_pktinfo *)CMSG_DATA(cm))->ipi_addr;
			ike_input(e, d, len, &local, &u->rx_peer[i], now);
		}
		got += (unsigned int)n;
		if (n < UDP_BATCH)
			break;
	}
	udp_flush(u);
}
