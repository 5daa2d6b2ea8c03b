// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include <linux/espgw.h>

#include "nl.h"

int espgw_nl_open(struct espgw_nl *nl)
{
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		ret = -nl_syserr2nlerr(ret);
		goto err;
	}
	/* Ask for the kernel's error strings; keep acks small. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	nl->family = genl_ctrl_resolve(nl->sk, ESPGW_FAMILY_NAME);
	if (nl->family < 0) {
		ret = nl->family == -NLE_OBJ_NOTFOUND ? -ENOENT : -EIO;
		goto err;
	}
	return 0;
err:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return ret;
}

void espgw_nl_close(struct espgw_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *espgw_nl_msg(struct espgw_nl *nl, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags, cmd,
			 ESPGW_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct call {
	struct espgw_nl *nl;
	espgw_nl_reply_cb cb;
	void *arg;
	int err;
	int done;
};

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct call *c = arg;

	if (c->cb && !c->err) {
		int ret = c->cb(msg, c->arg);

		if (ret < 0)
			c->err = ret;
	}
	return NL_OK;
}

static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct call *c = arg;

	(void)msg;
	c->done = 1;
	return NL_STOP;
}

/* Pull NLMSGERR_ATTR_MSG out of an error message (NETLINK_EXT_ACK + CAP_ACK). */
static void ext_ack_msg(struct espgw_nl *nl, struct nlmsgerr *e)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int off, len;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = NLMSG_HDRLEN + sizeof(*e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)h->nlmsg_len - off;
	if (len <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)h + off), len, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(nl->ext_msg, tb[NLMSGERR_ATTR_MSG], sizeof(nl->ext_msg));
}

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct call *c = arg;

	(void)nla;
	if (e->error) {
		c->err = e->error;
		ext_ack_msg(c->nl, e);
	}
	c->done = 1;
	return NL_STOP;
}

int espgw_nl_call(struct espgw_nl *nl, struct nl_msg *msg, espgw_nl_reply_cb cb, void *arg)
{
	struct call c = { .nl = nl, .cb = cb, .arg = arg };
	struct nl_cb *cbs;
	int ret;

	nl->ext_msg[0] = '\0';
	nlmsg_hdr(msg)->nlmsg_type = (uint16_t)nl->family;
	cbs = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cbs) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cbs, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &c);
	nl_cb_set(cbs, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &c);
	nl_cb_set(cbs, NL_CB_ACK, NL_CB_CUSTOM, finish_cb, &c);
	nl_cb_err(cbs, NL_CB_CUSTOM, err_cb, &c);

	ret = nl_send_auto(nl->sk, msg);
	/* requests can carry keys: leave none in freed memory */
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	while (ret >= 0 && !c.done)
		ret = nl_recvmsgs(nl->sk, cbs);
	nl_cb_put(cbs);
	if (c.err)
		return c.err;
	if (ret < 0)
		return -EIO;
	return 0;
}

int espgw_nl_subscribe(struct espgw_nl *nl, const char *group)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, ESPGW_FAMILY_NAME, group);

	if (grp < 0)
		return -ENOENT;
	/* notifications carry no sequence number of ours */
	nl_socket_disable_seq_check(nl->sk);
	if (setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &grp, sizeof(grp)))
		return -errno;
	return 0;
}
