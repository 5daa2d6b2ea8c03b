// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include <linux/espgw.h>

#include "names-gen.h"
#include "nl.h"
#include "util.h"

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

/*
 * Note where each attribute (and nested attribute) of the request sits, so an
 * NLMSGERR_ATTR_OFFS in the answer can be named after the request is wiped.
 */
static void index_attrs(struct espgw_nl *nl, const struct nlmsghdr *h)
{
	const struct genlmsghdr *g = nlmsg_data(h);
	const struct espgw_attr_set *set;
	const char *base = (const char *)h;
	const size_t max = ARRAY_SIZE(nl->attrs);
	struct nlattr *a, *na;
	int rem, nrem;

	nl->n_attrs = 0;
	nl->cmd = g->cmd;
	set = g->cmd < ARRAY_SIZE(espgw_cmd_attr_sets) ? espgw_cmd_attr_sets[g->cmd] : NULL;
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
		short parent = (short)nl->n_attrs;
		unsigned int type = nla_type(a);

		if (nl->n_attrs >= max)
			return;
		nl->attrs[nl->n_attrs++] = (struct espgw_nl_attr){
			(unsigned int)((const char *)a - base), (unsigned short)type, -1 };
		if (!set || !set->nested || type >= set->n || !set->nested[type])
			continue;
		nla_for_each_nested(na, a, nrem) {
			if (nl->n_attrs >= max)
				return;
			nl->attrs[nl->n_attrs++] = (struct espgw_nl_attr){
				(unsigned int)((const char *)na - base), (unsigned short)nla_type(na),
				parent };
		}
	}
}

static const char *attr_name(const struct espgw_attr_set *set, unsigned int type)
{
	return set && type < set->n && set->names[type] ? set->names[type] : NULL;
}

/* "replay-window", or "selector src-prefix-len" for a nested one */
static void name_bad_attr(struct espgw_nl *nl, uint32_t off)
{
	const struct espgw_attr_set *set = nl->cmd < ARRAY_SIZE(espgw_cmd_attr_sets) ?
					   espgw_cmd_attr_sets[nl->cmd] : NULL;
	const struct espgw_nl_attr *a = NULL;
	const char *outer, *inner;
	unsigned int i;

	for (i = 0; i < nl->n_attrs; i++)
		if (nl->attrs[i].off == off)
			a = &nl->attrs[i];
	if (!a || !set)
		return;
	if (a->parent < 0) {
		outer = attr_name(set, a->type);
		if (outer)
			snprintf(nl->bad_attr, sizeof(nl->bad_attr), "%s", outer);
		return;
	}
	outer = attr_name(set, nl->attrs[a->parent].type);
	inner = set->nested && nl->attrs[a->parent].type < set->n ?
		attr_name(set->nested[nl->attrs[a->parent].type], a->type) : NULL;
	if (outer && inner)
		snprintf(nl->bad_attr, sizeof(nl->bad_attr), "%s %s", outer, inner);
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
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) == sizeof(uint32_t))
		name_bad_attr(nl, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
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
	nl->bad_attr[0] = '\0';
	nlmsg_hdr(msg)->nlmsg_type = (uint16_t)nl->family;
	index_attrs(nl, nlmsg_hdr(msg));
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
