/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The requests the tool's data-plane verbs send, built from their command
 * lines before any socket is open: the messages carry family id 0, and the
 * sender sets nlmsg_type to the resolved family (espgw_nl_call does).
 * Each returns 0 with *msg set, or -EINVAL / -ENOMEM with the reason in e.
 */
#ifndef _ESPGW_REQUEST_H_
#define _ESPGW_REQUEST_H_

#include <stdbool.h>
#include <stdint.h>

#include <netlink/msg.h>

#include "parse.h"

/* A request for cmd with the genl header and flags, family 0; NULL without memory. */
struct nl_msg *espgw_req(int cmd, int flags);

/* sa-new; the keys are wiped from everything but *msg */
int espgw_req_sa_add(int argc, char **argv, struct nl_msg **msg, struct argerr *e);
/* sa-del: dst B spi SPI */
int espgw_req_sa_delete(int argc, char **argv, struct nl_msg **msg, struct argerr *e);
/* policy-new, or policy-set with replace */
int espgw_req_policy_add(bool replace, int argc, char **argv, struct nl_msg **msg,
			 struct argerr *e);
/* policy-del: id N */
int espgw_req_policy_delete(int argc, char **argv, struct nl_msg **msg, struct argerr *e);
/* flush of what (ESPGW_FLUSH_WHAT_*), no arguments; cmd names the command for messages */
int espgw_req_flush(const char *cmd, uint32_t what, int argc, char **argv, struct nl_msg **msg,
		    struct argerr *e);

#endif /* _ESPGW_REQUEST_H_ */
