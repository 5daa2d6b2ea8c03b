/* SPDX-License-Identifier: GPL-2.0 */
/*
 * espgwd's IKE sockets: UDP 500, and UDP 4500 for NAT traversal (RFC 3947,
 * 3948). Datagrams are read in batches (recvmmsg), answers queued and sent in
 * batches (sendmmsg), each from the address the client spoke to (IP_PKTINFO).
 * A flood costs two system calls per batch, not per datagram, and one poll
 * round reads at most UDP_ROUND datagrams a socket, so timers and the control
 * socket are served however fast datagrams come.
 *
 * The 4500 socket is set up for ESP in UDP (UDP_ENCAP_ESPINUDP): the kernel
 * takes the ESP packets (espgw.ko those of its SAs), drops NAT keepalives and
 * hands the socket the IKE messages behind their non-ESP marker (four zero
 * bytes), which is taken off here and put on what is sent from port 4500.
 * The engine sees the local port in each datagram's address; a one-byte 0xFF
 * "message" to port 4500 is a NAT keepalive and goes without the marker.
 */
#ifndef _ESPGW_UDP_H_
#define _ESPGW_UDP_H_

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define UDP_BATCH	64	/* datagrams per system call */
#define UDP_NATT_PORT	4500
#define UDP_ROUND	512	/* datagrams read per poll round */

struct udp;
struct ike_engine;

/* Bound to port (and natt_port, 0: none) on every address. NULL with errno on failure. */
struct udp *udp_open(uint16_t port, uint16_t natt_port);
void udp_close(struct udp *u);
/* The sockets to poll: 1 or 2 file descriptors into fds; how many. */
unsigned int udp_fds(const struct udp *u, int *fds);
/* ike_send_fn: queue a datagram (sent when the queue is full or at udp_flush()). */
int udp_send(void *arg, const struct sockaddr_in *local, const struct sockaddr_in *peer,
	     const void *buf, size_t len);
void udp_flush(struct udp *u);
/* Read what is waiting on socket i (at most UDP_ROUND) into the engine, at now; then flush. */
void udp_read(struct udp *u, unsigned int i, struct ike_engine *e, uint64_t now);

#endif /* _ESPGW_UDP_H_ */
