// SPDX-License-Identifier: GPL-2.0
/*
 * The espgw generic-netlink family. Policies and the ops table are generated
 * from uapi/espgw.yaml into netlink-gen.c; this file holds the handlers.
 */

#include <net/genetlink.h>

#include "alg.h"
#include "compat.h"
#include "netlink.h"
#include "netlink-gen.h"
#include "netns.h"

/* Largest anti-replay window the data plane will accept (RFC 6479 bitmap). */
#define ESPGW_REPLAY_WINDOW_MAX 4096

static struct genl_family espgw_nl_family __ro_after_init = {
	.name		= ESPGW_FAMILY_NAME,
	.version	= ESPGW_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= espgw_nl_ops,
	.n_ops		= ARRAY_SIZE(espgw_nl_ops),
	.mcgrps		= espgw_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(espgw_nl_mcgrps),
};

int espgw_nl_info_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &espgw_nl_family, 0,
				ESPGW_CMD_INFO_GET);
	if (!hdr)
		goto nla_put_failure;

	if (nla_put_string(msg, ESPGW_A_INFO_VERSION, ESPGW_VERSION) ||
	    nla_put_u32(msg, ESPGW_A_INFO_FEATURES, 0) ||
	    nla_put_u32(msg, ESPGW_A_INFO_ENC_ALGS, espgw_alg_enc_available()) ||
	    nla_put_u32(msg, ESPGW_A_INFO_AUTH_ALGS, espgw_alg_auth_available()) ||
	    nla_put_u32(msg, ESPGW_A_INFO_REPLAY_WINDOW_MAX,
			ESPGW_REPLAY_WINDOW_MAX))
		goto nla_put_failure;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/**
 * espgw_nl_init - register the generic-netlink family
 *
 * Return: 0 or a negative errno.
 */
int __init espgw_nl_init(void)
{
	return genl_register_family(&espgw_nl_family);
}

/**
 * espgw_nl_uninit - unregister the family; no handler runs after it returns
 */
void espgw_nl_uninit(void)
{
	genl_unregister_family(&espgw_nl_family);
}
