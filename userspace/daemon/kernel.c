// SPDX-License-Identifier: GPL-2.0
/* espgwd -> espgw.ko: SAs and policies over the espgw generic-netlink family. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include <linux/espgw.h>

#include "kernel.h"
#include "log.h"
#include "nl.h"
#include "request.h"

struct kernel {
	struct espgw_nl req;	/* requests and their acks */
	struct espgw_nl ev;	/* the events group */
};

int kernel_open(struct kernel **kp)
{
	struct kernel *k = calloc(1, sizeof(*k));
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
	*kp = k;
	return 0;
err_ev:
	espgw_nl_close(&k->ev);
err_req:
	espgw_nl_close(&k->req);
err:
	free(k);
	return ret;
}

void kernel_close(struct kernel *k)
{
	if (!k)
		return;
	espgw_nl_close(&k->ev);
	espgw_nl_close(&k->req);
	free(k);
}

static int call(struct kernel *k, struct nl_msg *msg, const char *what)
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

int kernel_sa_add(struct kernel *k, const struct espgw_sa *sa)
{
	struct nl_msg *msg = espgw_req(ESPGW_CMD_SA_NEW, 0);

	if (msg && espgw_sa_put(msg, sa)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return call(k, msg, "sa-new");
}

int kernel_sa_del(struct kernel *k, uint32_t dst, uint32_t spi)
{
	struct espgw_sa sa = { .have = 1u << ESPGW_A_SA_DST | 1u << ESPGW_A_SA_SPI,
			       .dst = dst, .spi = spi };
	struct nl_msg *msg = espgw_req(ESPGW_CMD_SA_DEL, 0);
	int ret;

	if (msg && espgw_sa_put(msg, &sa)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = call(k, msg, "sa-del");
	return ret == -ENOENT ? 0 : ret;	/* already gone (hard expiry) */
}

int kernel_policy_add(struct kernel *k, const struct espgw_policy *p, bool replace)
{
	struct nl_msg *msg = espgw_req(replace ? ESPGW_CMD_POLICY_SET : ESPGW_CMD_POLICY_NEW, 0);

	if (msg && espgw_policy_put(msg, p)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return call(k, msg, replace ? "policy-set" : "policy-new");
}

int kernel_policy_del(struct kernel *k, uint32_t id)
{
	struct espgw_policy p = { .have = 1u << ESPGW_A_POLICY_ID, .id = id };
	struct nl_msg *msg = espgw_req(ESPGW_CMD_POLICY_DEL, 0);
	int ret;

	if (msg && espgw_policy_put(msg, &p)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = call(k, msg, "policy-del");
	return ret == -ENOENT ? 0 : ret;
}

int kernel_flush(struct kernel *k)
{
	return call(k, espgw_req(ESPGW_CMD_FLUSH, 0), "flush");
}

int kernel_events_fd(struct kernel *k)
{
	return nl_socket_get_fd(k->ev.sk);
}

struct ev_ctx {
	kernel_expire_cb cb;
	void *arg;
};

static int ev_valid(struct nl_msg *msg, void *arg)
{
	struct ev_ctx *c = arg;
	struct espgw_sa sa;

	if (genlmsg_hdr(nlmsg_hdr(msg))->cmd != ESPGW_CMD_SA_EXPIRE_NTF)
		return NL_OK;
	if (!espgw_sa_parse(msg, &sa))
		c->cb(c->arg, &sa);
	return NL_OK;
}

void kernel_events_read(struct kernel *k, kernel_expire_cb cb, void *arg)
{
	struct ev_ctx c = { cb, arg };
	struct nl_cb *cbs = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cbs)
		return;
	nl_cb_set(cbs, NL_CB_VALID, NL_CB_CUSTOM, ev_valid, &c);
	while (nl_recvmsgs(k->ev.sk, cbs) > 0)
		;
	nl_cb_put(cbs);
}
