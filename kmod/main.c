// SPDX-License-Identifier: GPL-2.0
/*
 * espgw: remote-access IPsec gateway data plane (ESP tunnel mode and the
 * policy / NAT-bypass classifier in the netfilter path).
 */

#include <linux/module.h>
#include <net/genetlink.h>

#include <uapi/linux/espgw.h>

#include "compat.h"
#include "hooks.h"
#include "netlink.h"
#include "netns.h"
#include "sa.h"

static int __init espgw_init(void)
{
	int ret;

	ret = espgw_sa_init();
	if (ret)
		goto err;
	ret = espgw_netns_init();
	if (ret)
		goto err_sa;
	ret = espgw_hooks_init();
	if (ret)
		goto err_netns;
	/* Last: configuration may arrive as soon as the family exists. */
	ret = espgw_nl_init();
	if (ret)
		goto err_hooks;

	pr_info("version %s loaded\n", ESPGW_VERSION);
	return 0;

err_hooks:
	espgw_hooks_uninit();
err_netns:
	espgw_netns_uninit();
err_sa:
	espgw_sa_uninit();
err:
	return ret;
}

static void __exit espgw_exit(void)
{
	espgw_nl_uninit();
	espgw_hooks_uninit();
	espgw_netns_uninit();
	espgw_sa_uninit();
	pr_info("unloaded\n");
}

module_init(espgw_init);
module_exit(espgw_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("espgw: remote-access IPsec gateway (ESP tunnel + policy classifier)");
MODULE_AUTHOR("The espgw developers");
MODULE_VERSION(ESPGW_VERSION);
MODULE_ALIAS_GENL_FAMILY(ESPGW_FAMILY_NAME);
