// SPDX-License-Identifier: GPL-2.0
/* espgwd -> espgw.ko: SAs and policies over the espgw generic-netlink family. */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/rtnetlink.h>

#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include <linux/espgw.h>

#include "info.h"
#include "kernel.h"
#include "log.h"
#include "nl.h"
#include "request.h"

struct kernel_nl {
	struct kernel base;
	struct espgw_nl req;	/* requests and their acks */
	struct espgw_nl ev;	/* the events group */
	int rt;			/* rtnetlink, for reverse routes; -1 until first used */
	uint32_t rt_seq;
	uint32_t ifindex;	/* espgw0, once info-get has named it */
	bool dev_ready;		/* espgw0 has an IPv4 address (ours or the admin's) */
};

static const struct kernel_ops nl_ops;

static struct kernel_nl *knl(struct kernel *k)
{
	return (struct kernel_nl *)k;	/* base is the first member */
}

int kernel_open(struct kernel **kp)
{
	struct kernel_nl *k = calloc(1, sizeof(*k));
	int ret;

	if (!k)
		return -ENOMEM;
	ret = espgw_nl_open(&k->req);
	if (ret)
		goto err;
	ret = espgw_nl_open(&k->ev);
	if (ret)
		goto err_req;
	ret = espgw_nl_subscribe(&k->ev, ESPGW_MCGRP_EVENTS);
	if (ret)
		goto err_ev;
	nl_socket_set_nonblocking(k->ev.sk);
	k->rt = -1;
	k->base.ops = &nl_ops;
	*kp = &k->base;
	return 0;
err_ev:
	espgw_nl_close(&k->ev);
err_req:
	espgw_nl_close(&k->req);
err:
	free(k);
	return ret;
}

void kernel_close(struct kernel *kb)
{
	struct kernel_nl *k = knl(kb);

	if (!k)
		return;
	espgw_nl_close(&k->ev);
	espgw_nl_close(&k->req);
	if (k->rt >= 0)
		close(k->rt);
	free(k);
}

static int call(struct kernel_nl *k, struct nl_msg *msg, const char *what)
{
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = espgw_nl_call(&k->req, msg, NULL, NULL);
	if (ret)
		log_msg(LOG_ERR, "kernel: %s: %s%s%s", what, strerror(-ret),
			k->req.ext_msg[0] ? ": " : "", k->req.ext_msg);
	return ret;
}

static int nl_sa_add(struct kernel *k, const struct espgw_sa *sa)
{
	struct nl_msg *msg = espgw_req(ESPGW_CMD_SA_NEW, 0);

	if (msg && espgw_sa_put(msg, sa)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return call(knl(k), msg, "sa-new");
}

static int nl_sa_del(struct kernel *k, uint32_t dst, uint32_t spi)
{
	struct espgw_sa sa = { .have = 1u << ESPGW_A_SA_DST | 1u << ESPGW_A_SA_SPI,
			       .dst = dst, .spi = spi };
	struct nl_msg *msg = espgw_req(ESPGW_CMD_SA_DEL, 0);
	int ret;

	if (msg && espgw_sa_put(msg, &sa)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = call(knl(k), msg, "sa-del");
	return ret == -ENOENT ? 0 : ret;	/* already gone (hard expiry) */
}

static int nl_sa_move(struct kernel *k, uint32_t dst, uint32_t spi, uint32_t peer,
		      uint16_t peer_port)
{
	struct espgw_sa sa = {
		.have = 1u << ESPGW_A_SA_DST | 1u << ESPGW_A_SA_SPI | 1u << ESPGW_A_SA_MAPPING_ADDR |
			1u << ESPGW_A_SA_MAPPING_PORT,
		.dst = dst, .spi = spi, .mapping_addr = peer, .mapping_port = ntohs(peer_port),
	};
	struct nl_msg *msg = espgw_req(ESPGW_CMD_SA_SET, 0);

	if (msg && espgw_sa_put(msg, &sa)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return call(knl(k), msg, "sa-set");
}

static int nl_policy_add(struct kernel *k, const struct espgw_policy *p, bool replace)
{
	struct nl_msg *msg = espgw_req(replace ? ESPGW_CMD_POLICY_SET : ESPGW_CMD_POLICY_NEW, 0);

	if (msg && espgw_policy_put(msg, p)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return call(knl(k), msg, replace ? "policy-set" : "policy-new");
}

static int nl_policy_del(struct kernel *k, uint32_t id)
{
	struct espgw_policy p = { .have = 1u << ESPGW_A_POLICY_ID, .id = id };
	struct nl_msg *msg = espgw_req(ESPGW_CMD_POLICY_DEL, 0);
	int ret;

	if (msg && espgw_policy_put(msg, &p)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = call(knl(k), msg, "policy-del");
	return ret == -ENOENT ? 0 : ret;
}

int kernel_flush(struct kernel *k)
{
	return call(knl(k), espgw_req(ESPGW_CMD_FLUSH, 0), "flush");
}

int kernel_events_fd(struct kernel *k)
{
	return nl_socket_get_fd(knl(k)->ev.sk);
}

struct ev_ctx {
	kernel_event_cb cb;
	void *arg;
};

static int ev_valid(struct nl_msg *msg, void *arg)
{
	uint8_t cmd = genlmsg_hdr(nlmsg_hdr(msg))->cmd;
	struct ev_ctx *c = arg;
	struct espgw_sa sa;

	if (cmd != ESPGW_CMD_SA_EXPIRE_NTF && cmd != ESPGW_CMD_NEW_MAPPING_NTF)
		return NL_OK;
	if (!espgw_sa_parse(msg, &sa))
		c->cb(c->arg, &sa, cmd == ESPGW_CMD_NEW_MAPPING_NTF);
	return NL_OK;
}

/* notifications carry sequence number 0, not one of ours: a fresh nl_cb would drop them */
static int ev_no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

void kernel_events_read(struct kernel *k, kernel_event_cb cb, void *arg)
{
	struct ev_ctx c = { cb, arg };
	struct nl_cb *cbs = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cbs)
		return;
	nl_cb_set(cbs, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, ev_no_seq_check, NULL);
	nl_cb_set(cbs, NL_CB_VALID, NL_CB_CUSTOM, ev_valid, &c);
	while (nl_recvmsgs(knl(k)->ev.sk, cbs) > 0)
		;
	nl_cb_put(cbs);
}

/* ---- reverse routes (rtnetlink) ------------------------------------------------ */

struct rt_req {
	struct nlmsghdr n;
	struct rtmsg r;
	char attrs[64];
};

/* append an attribute; n heads a buffer with room for it (rt_req's attrs) */
static void rt_attr(struct nlmsghdr *n, unsigned short type, const void *data, unsigned short len)
{
	struct rtattr *a = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/*
 * Send q and read the answer into buf: the route (RTM_GETROUTE) or the ack.
 * Returns the answer's length, or a negative errno (the kernel's).
 */
static int rt_call(struct kernel_nl *k, void *req, char *buf, size_t cap)
{
	struct nlmsghdr *q = req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t n;

	if (k->rt < 0) {
		k->rt = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (k->rt < 0)
			return -errno;
	}
	q->nlmsg_seq = ++k->rt_seq;
	if (sendto(k->rt, q, q->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		n = recv(k->rt, buf, cap, 0);
		if (n < 0)
			return errno == EINTR ? -EINTR : -errno;
		if (n < (ssize_t)sizeof(*h) || !NLMSG_OK(h, (size_t)n))
			return -EPROTO;
		if (h->nlmsg_seq != k->rt_seq)
			continue;	/* a late answer to an earlier request */
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			return e->error;
		}
		return (int)n;
	}
}

static void rt_init(struct rt_req *q, uint16_t type, uint16_t flags, const struct conf_net *dst)
{
	uint32_t d = htonl(dst->addr);

	memset(q, 0, sizeof(*q));
	q->n.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	q->n.nlmsg_type = type;
	q->n.nlmsg_flags = NLM_F_REQUEST | flags;
	q->r.rtm_family = AF_INET;
	q->r.rtm_dst_len = dst->plen;
	rt_attr(&q->n, RTA_DST, &d, 4);
}

/*
 * Is there a main-table route to exactly dst, and is it ours (ESPGW_RTPROT)?
 * 1 ours, 0 none or another's (the exclusive add then tells them apart), <0 error.
 */
static int route_ours(struct kernel_nl *k, const struct conf_net *dst, char *buf, size_t cap)
{
	struct rt_req q;
	struct rtmsg *rm;
	int len;

	rt_init(&q, RTM_GETROUTE, 0, dst);
	q.r.rtm_flags = RTM_F_FIB_MATCH;	/* the route itself, not a lookup result */
	len = rt_call(k, &q, buf, cap);
	if (len == -ENETUNREACH || len == -EHOSTUNREACH || len == -ESRCH)
		return 0;
	if (len < 0)
		return len;
	rm = NLMSG_DATA((struct nlmsghdr *)buf);
	return rm->rtm_dst_len == dst->plen && rm->rtm_table == RT_TABLE_MAIN &&
	       rm->rtm_protocol == ESPGW_RTPROT;
}

/* espgw0's index, from info-get; 0 while the module has not created it */
static uint32_t dev_index(struct kernel_nl *k)
{
	struct espgw_info info = { .ifindex = 0 };
	struct nl_msg *msg;

	if (k->ifindex)
		return k->ifindex;
	msg = espgw_req(ESPGW_CMD_INFO_GET, 0);
	if (msg && !espgw_nl_call(&k->req, msg, espgw_info_reply, &info))
		k->ifindex = info.ifindex;
	return k->ifindex;
}

/*
 * The reverse route goes to espgw0, where the client's decrypted packets
 * arrive: the strict reverse-path filter (rp_filter 1) then passes them, and
 * the policy at POST_ROUTING takes the packets routed there into the tunnel.
 */
static int nl_route_add(struct kernel *kb, const struct conf_net *dst)
{
	struct kernel_nl *k = knl(kb);
	uint32_t oif = dev_index(k);
	char buf[4096];
	struct rt_req q;
	int ret;

	if (!oif) {
		ret = -ENODEV;
		goto err;
	}
	/* never over a route that is not ours; ours (left by an earlier run) is replaced */
	ret = route_ours(k, dst, buf, sizeof(buf));
	if (ret < 0)
		goto err;
	rt_init(&q, RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | (ret ? NLM_F_REPLACE : NLM_F_EXCL),
		dst);
	q.r.rtm_table = RT_TABLE_MAIN;
	q.r.rtm_protocol = ESPGW_RTPROT;
	q.r.rtm_type = RTN_UNICAST;
	q.r.rtm_scope = RT_SCOPE_LINK;
	rt_attr(&q.n, RTA_OIF, &oif, 4);
	ret = rt_call(k, &q, buf, sizeof(buf));
	if (!ret)
		return 0;
	if (ret == -EEXIST) {
		log_msg(LOG_WARNING, "kernel: reverse route to %u.%u.%u.%u/%u not added: the main "
			"table has another route to it", dst->addr >> 24, dst->addr >> 16 & 255,
			dst->addr >> 8 & 255, dst->addr & 255, dst->plen);
		return ret;
	}
err:
	log_msg(LOG_ERR, "kernel: reverse route to %u.%u.%u.%u/%u: %s", dst->addr >> 24,
		dst->addr >> 16 & 255, dst->addr >> 8 & 255, dst->addr & 255, dst->plen,
		strerror(-ret));
	return ret;
}

/* Does the interface have an IPv4 address? 1 yes, 0 no, <0 error. */
static int dev_has_addr(const char *name)
{
	struct ifreq ifr;
	int fd, ret;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ret = ioctl(fd, SIOCGIFADDR, &ifr) ? (errno == EADDRNOTAVAIL ? 0 : -errno) : 1;
	close(fd);
	return ret;
}

/* The source address the kernel would use toward to (network order), or 0. */
static uint32_t pref_src(struct kernel_nl *k, uint32_t to)
{
	struct conf_net t = { ntohl(to), 32 };
	uint32_t src = 0;
	struct rtattr *a;
	struct rt_req q;
	struct rtmsg *rm;
	char buf[4096];
	int len;

	rt_init(&q, RTM_GETROUTE, 0, &t);
	len = rt_call(k, &q, buf, sizeof(buf));
	if (len < 0)
		return 0;
	rm = NLMSG_DATA((struct nlmsghdr *)buf);
	len = (int)RTM_PAYLOAD((struct nlmsghdr *)buf);
	for (a = RTM_RTA(rm); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == RTA_PREFSRC && RTA_PAYLOAD(a) == 4)
			memcpy(&src, RTA_DATA(a), 4);
	return src;
}

/*
 * espgw0 without an address makes the kernel's reverse-path filter, strict
 * or loose (rp_filter 1 or 2, the default of many distributions), refuse
 * every packet arriving on it. Give it one, as IOS's "ip unnumbered" does:
 * the gateway's own address toward the protected network (inside), else its
 * IKE address, as a /32 without a prefix route. Once per run; an address the
 * admin gave it is left alone.
 */
static int nl_dev_setup(struct kernel *kb, const struct conf_net *inside, uint32_t ike_local)
{
	struct kernel_nl *k = knl(kb);
	struct {
		struct nlmsghdr n;
		struct ifaddrmsg ifa;
		char attrs[64];
	} q;
	char name[IF_NAMESIZE], buf[1024];
	uint32_t ifindex = dev_index(k), addr, flags = IFA_F_NOPREFIXROUTE;
	int ret;

	if (k->dev_ready)
		return 0;
	if (!ifindex || !if_indextoname(ifindex, name)) {
		log_msg(LOG_ERR, "kernel: the module's interface (espgw0) is missing");
		return -ENODEV;
	}
	ret = dev_has_addr(name);
	if (ret) {
		k->dev_ready = ret > 0;
		return ret < 0 ? ret : 0;
	}
	addr = pref_src(k, htonl(inside->addr));
	if (!addr)
		addr = ike_local;
	memset(&q, 0, sizeof(q));
	q.n.nlmsg_len = NLMSG_LENGTH(sizeof(q.ifa));
	q.n.nlmsg_type = RTM_NEWADDR;
	q.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	q.ifa.ifa_family = AF_INET;
	q.ifa.ifa_prefixlen = 32;
	q.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	q.ifa.ifa_index = ifindex;
	rt_attr(&q.n, IFA_LOCAL, &addr, 4);
	rt_attr(&q.n, IFA_ADDRESS, &addr, 4);
	rt_attr(&q.n, IFA_FLAGS, &flags, 4);
	ret = rt_call(k, &q, buf, sizeof(buf));
	if (ret && ret != -EEXIST) {
		log_msg(LOG_ERR, "kernel: giving %s an address: %s (with rp_filter 1 or 2 the "
			"kernel refuses the clients' packets on it)", name, strerror(-ret));
		return ret;
	}
	k->dev_ready = true;
	log_msg(LOG_INFO, "kernel: %s has address %u.%u.%u.%u/32 (unnumbered, for the "
		"reverse-path filter)", name, ntohl(addr) >> 24, ntohl(addr) >> 16 & 255,
		ntohl(addr) >> 8 & 255, ntohl(addr) & 255);
	return 0;
}

static int nl_route_del(struct kernel *kb, const struct conf_net *dst)
{
	struct kernel_nl *k = knl(kb);
	struct rt_req q;
	char buf[1024];
	int ret;

	rt_init(&q, RTM_DELROUTE, NLM_F_ACK, dst);
	q.r.rtm_table = RT_TABLE_MAIN;
	q.r.rtm_protocol = ESPGW_RTPROT;	/* only ours */
	q.r.rtm_scope = RT_SCOPE_NOWHERE;
	ret = rt_call(k, &q, buf, sizeof(buf));
	if (ret == -ESRCH || ret == -ENOENT)
		return 0;	/* already gone (the admin, or the interface went down) */
	if (ret)
		log_msg(LOG_ERR, "kernel: removing the reverse route to %u.%u.%u.%u/%u: %s",
			dst->addr >> 24, dst->addr >> 16 & 255, dst->addr >> 8 & 255,
			dst->addr & 255, dst->plen, strerror(-ret));
	return ret;
}

/* Delete every main-table route of ours: reverse routes an earlier espgwd left. */
int kernel_route_flush(struct kernel *kb)
{
	struct kernel_nl *k = knl(kb);
	struct conf_net stale[256];
	struct rt_req q;
	char buf[8192];
	size_t n = 0, i;
	bool done = false;
	int len, ret = 0;

	memset(&q, 0, sizeof(q));
	q.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	q.n.nlmsg_type = RTM_GETROUTE;
	q.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	q.r.rtm_family = AF_INET;
	len = rt_call(k, &q, buf, sizeof(buf));
	while (len > 0 && !done) {
		struct nlmsghdr *h;
		int left = len;

		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned int)left);
		     h = NLMSG_NEXT(h, left)) {
			struct rtmsg *rm = NLMSG_DATA(h);
			struct rtattr *a;
			int alen;

			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			if (rm->rtm_protocol != ESPGW_RTPROT || rm->rtm_table != RT_TABLE_MAIN ||
			    n == sizeof(stale) / sizeof(stale[0]))
				continue;
			alen = (int)RTM_PAYLOAD(h);
			for (a = RTM_RTA(rm); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
				if (a->rta_type == RTA_DST && RTA_PAYLOAD(a) == 4) {
					uint32_t d;

					memcpy(&d, RTA_DATA(a), 4);
					stale[n++] = (struct conf_net){ ntohl(d), rm->rtm_dst_len };
				}
			}
		}
		if (!done)
			len = (int)recv(k->rt, buf, sizeof(buf), 0);
	}
	for (i = 0; i < n; i++)
		if (nl_route_del(kb, &stale[i]))
			ret = -EIO;
	if (n)
		log_msg(LOG_INFO, "kernel: %zu reverse routes of an earlier run removed", n);
	return len < 0 ? len : ret;
}

static const struct kernel_ops nl_ops = {
	.sa_add = nl_sa_add,
	.sa_del = nl_sa_del,
	.sa_move = nl_sa_move,
	.policy_add = nl_policy_add,
	.policy_del = nl_policy_del,
	.route_add = nl_route_add,
	.dev_setup = nl_dev_setup,
	.route_del = nl_route_del,
};
