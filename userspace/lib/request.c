// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include <netlink/genl/genl.h>

#include <linux/espgw.h>

#include "args.h"
#include "request.h"

struct nl_msg *espgw_req(int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0, 0, flags, cmd, ESPGW_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void req_free(struct nl_msg *msg)
{
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
}

static int no_memory(const char *cmd, struct argerr *e)
{
	argerr(e, "%s: out of memory", cmd);
	return -ENOMEM;
}

static int sa_req(const char *cmd, int nlcmd, int flags, const struct espgw_sa *sa,
		  struct nl_msg **msg, struct argerr *e)
{
	*msg = espgw_req(nlcmd, flags);
	if (!*msg)
		return no_memory(cmd, e);
	if (espgw_sa_put(*msg, sa)) {
		req_free(*msg);
		*msg = NULL;
		return no_memory(cmd, e);
	}
	return 0;
}

int espgw_req_sa_add(int argc, char **argv, struct nl_msg **msg, struct argerr *e)
{
	struct espgw_sa sa;
	int ret;

	*msg = NULL;
	ret = espgw_args_sa_add("sa add", argc, argv, &sa, e);
	if (!ret)
		ret = sa_req("sa add", ESPGW_CMD_SA_NEW, 0, &sa, msg, e);
	espgw_sa_wipe(&sa);
	return ret;
}

int espgw_req_sa_delete(int argc, char **argv, struct nl_msg **msg, struct argerr *e)
{
	struct espgw_sa sa;

	*msg = NULL;
	if (espgw_args_sa_id("sa delete", argc, argv, true, &sa, e))
		return -EINVAL;
	return sa_req("sa delete", ESPGW_CMD_SA_DEL, 0, &sa, msg, e);
}

static int policy_req(const char *cmd, int nlcmd, int flags, const struct espgw_policy *p,
		      struct nl_msg **msg, struct argerr *e)
{
	*msg = espgw_req(nlcmd, flags);
	if (!*msg)
		return no_memory(cmd, e);
	if (espgw_policy_put(*msg, p)) {
		nlmsg_free(*msg);
		*msg = NULL;
		return no_memory(cmd, e);
	}
	return 0;
}

int espgw_req_policy_add(bool replace, int argc, char **argv, struct nl_msg **msg,
			 struct argerr *e)
{
	const char *cmd = replace ? "policy replace" : "policy add";
	struct espgw_policy p;

	*msg = NULL;
	if (espgw_args_policy_add(cmd, argc, argv, &p, e))
		return -EINVAL;
	/* generic netlink refuses NLM_F_REPLACE/EXCL on do requests (they alias the dump bits) */
	return policy_req(cmd, replace ? ESPGW_CMD_POLICY_SET : ESPGW_CMD_POLICY_NEW, 0, &p, msg, e);
}

int espgw_req_policy_delete(int argc, char **argv, struct nl_msg **msg, struct argerr *e)
{
	struct espgw_policy p;

	*msg = NULL;
	if (espgw_args_policy_id("policy delete", argc, argv, true, &p, e))
		return -EINVAL;
	return policy_req("policy delete", ESPGW_CMD_POLICY_DEL, 0, &p, msg, e);
}

int espgw_req_flush(const char *cmd, uint32_t what, int argc, char **argv, struct nl_msg **msg,
		    struct argerr *e)
{
	*msg = NULL;
	if (espgw_args_none(cmd, argc, argv, e))
		return -EINVAL;
	*msg = espgw_req(ESPGW_CMD_FLUSH, 0);
	if (!*msg || nla_put_u32(*msg, ESPGW_A_FLUSH_WHAT, what)) {
		if (*msg)
			nlmsg_free(*msg);
		*msg = NULL;
		return no_memory(cmd, e);
	}
	return 0;
}
