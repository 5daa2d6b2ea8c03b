/* SPDX-License-Identifier: GPL-2.0 */
/*
 * espgwd's IKE socket: datagrams read in batches (recvmmsg), answers queued
 * and sent in batches (sendmmsg), each from the address the client spoke to
 * (IP_PKTINFO). A flood costs two system calls per batch, not per datagram,
 * and one poll round reads at most UDP_ROUND datagrams, so timers and the
 * control socket are served however fast datagrams come.
 */
#ifndef _ESPGW_UDP_H_
#define _ESPGW_UDP_H_

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define UDP_BATCH	64	/* datagrams per system call */
#define UDP_ROUND	512	/* datagrams read per poll round */

struct udp;
struct ike_engine;

/* Bound to port on every address. NULL with errno on failure. */
struct udp *udp_open(uint16_t port);
void udp_close(struct udp *u);
int udp_fd(const struct udp *u);
/* ike_send_fn: queue a datagram (sent when the queue is full or at udp_flush()). */
int udp_send(void *arg, const struct sockaddr_in *local, const struct sockaddr_in *peer,
	     const void *buf, size_t len);
void udp_flush(struct udp *u);
/* Read what is waiting (at most UDP_ROUND) into the engine, at now; then flush. */
void udp_read(struct udp *u, struct ike_engine *e, uint64_t now);

#endif /* _ESPGW_UDP_H_ */
