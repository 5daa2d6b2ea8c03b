// SPDX-License-Identifier: GPL-2.0
/* espgwd's IKE socket; see udp.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ike.h"
#include "log.h"
#include "udp.h"

#define DGRAM_MAX	65536	/* received: a whole UDP payload */
#define TX_MAX		4096	/* sent: the engine's largest message */

union pktinfo_cmsg {
	char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct cmsghdr align;
};

struct udp {
	int fd;
	uint16_t port;
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
	uint8_t tx_buf[UDP_BATCH][TX_MAX];
	unsigned int ntx;
};

struct udp *udp_open(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct udp *u = calloc(1, sizeof(*u));
	int one = 1, err;

	if (!u)
		return NULL;
	u->port = port;
	u->rx_buf = malloc((size_t)UDP_BATCH * DGRAM_MAX);
	u->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (!u->rx_buf || u->fd < 0 ||
	    setsockopt(u->fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) ||
	    setsockopt(u->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(u->fd, (struct sockaddr *)&a, sizeof(a))) {
		err = errno;
		udp_close(u);
		errno = err;
		return NULL;
	}
	return u;
}

void udp_close(struct udp *u)
{
	if (!u)
		return;
	if (u->fd >= 0)
		close(u->fd);
	free(u->rx_buf);
	free(u);
}

int udp_fd(const struct udp *u)
{
	return u->fd;
}

void udp_flush(struct udp *u)
{
	unsigned int done = 0;
	int n;

	while (done < u->ntx) {
		n = sendmmsg(u->fd, u->tx + done, u->ntx - done, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* one that cannot go (no route...): skip it, send the rest */
			log_ratelimited("IKE socket: send failed: %s", strerror(errno));
			n = 1;
		}
		done += (unsigned int)n;
	}
	u->ntx = 0;
}

int udp_send(void *arg, const struct sockaddr_in *local, const struct sockaddr_in *peer,
	     const void *buf, size_t len)
{
	struct udp *u = arg;
	unsigned int i;
	struct msghdr *mh;
	struct cmsghdr *cm;
	struct in_pktinfo *pi;

	if (len > TX_MAX)
		return -EMSGSIZE;
	if (u->ntx == UDP_BATCH)
		udp_flush(u);
	i = u->ntx++;
	memcpy(u->tx_buf[i], buf, len);
	u->tx_peer[i] = *peer;
	u->tx_iov[i] = (struct iovec){ u->tx_buf[i], len };
	memset(&u->tx_ctl[i], 0, sizeof(u->tx_ctl[i]));
	mh = &u->tx[i].msg_hdr;
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

void udp_read(struct udp *u, struct ike_engine *e, uint64_t now)
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
		n = recvmmsg(u->fd, u->rx, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		for (i = 0; i < (unsigned int)n; i++) {
			struct msghdr *mh = &u->rx[i].msg_hdr;
			struct sockaddr_in local = { .sin_family = AF_INET,
						     .sin_port = htons(u->port) };
			struct cmsghdr *cm;

			for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm))
				if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO)
					local.sin_addr =
						((struct in_pktinfo *)CMSG_DATA(cm))->ipi_addr;
			ike_input(e, mh->msg_iov->iov_base, u->rx[i].msg_len, &local,
				  &u->rx_peer[i], now);
		}
		got += (unsigned int)n;
		if (n < UDP_BATCH)
			break;
	}
	udp_flush(u);
}
