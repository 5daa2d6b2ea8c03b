/* SPDX-License-Identifier: GPL-2.0 */
/* Talking to espgw.ko over its generic-netlink family (libnl). */
#ifndef _ESPGW_NL_H_
#define _ESPGW_NL_H_

#include <netlink/genl/genl.h>
#include <netlink/msg.h>

struct espgw_nl {
	struct nl_sock *sk;
	int family;
	/* the kernel's extended-ack message for the last failed request */
	char ext_msg[256];
	/* the attribute the kernel pointed at (NLMSGERR_ATTR_OFFS), by name: "replay-window" */
	char bad_attr[64];
	/* where each attribute of the request in flight was: offset, type, parent index */
	struct espgw_nl_attr {
		unsigned int off;
		unsigned short type;
		short parent;
	} attrs[48];
	unsigned int n_attrs;
	unsigned char cmd;
};

typedef int (*espgw_nl_reply_cb)(struct nl_msg *msg, void *arg);

/* Return: 0, -ENOENT when the family does not exist (module not loaded), or -errno. */
int espgw_nl_open(struct espgw_nl *nl);
void espgw_nl_close(struct espgw_nl *nl);
/* A request for cmd with the genl header filled in; NULL on allocation failure. */
struct nl_msg *espgw_nl_msg(struct espgw_nl *nl, int cmd, int flags);
/*
 * Send msg (consumed; its family is set to ours, so a request built before
 * the socket was open, with family 0, works), call cb for every reply message, wait for the ack or the
 * end of a dump. Return: 0 or -errno from the kernel (ext_msg holds its text).
 */
int espgw_nl_call(struct espgw_nl *nl, struct nl_msg *msg, espgw_nl_reply_cb cb, void *arg);
/*
 * Join the multicast group (ESPGW_MCGRP_*) and stop checking sequence numbers.
 * Return: 0, -ENOENT (no such group), or -errno (-EPERM without CAP_NET_ADMIN).
 */
int espgw_nl_subscribe(struct espgw_nl *nl, const char *group);

#endif /* _ESPGW_NL_H_ */
