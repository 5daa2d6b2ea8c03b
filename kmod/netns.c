// SPDX-License-Identifier: GPL-2.0
/* Per-network-namespace state: each namespace is an independent gateway. */

#include "netns.h"

unsigned int espgw_net_id __read_mostly;

static int __net_init espgw_net_init(struct net *net)
{
	struct espgw_net *en = espgw_net(net);

	en->net = net;
	mutex_init(&en->lock);
	pr_debug("netns %u created\n", net->ns.inum);
	return 0;
}

static void __net_exit espgw_net_exit(struct net *net)
{
	struct espgw_net *en = espgw_net(net);

	mutex_destroy(&en->lock);
	pr_debug("netns %u destroyed\n", net->ns.inum);
}

static struct pernet_operations espgw_net_ops = {
	.init = espgw_net_init,
	.exit = espgw_net_exit,
	.id = &espgw_net_id,
	.size = sizeof(struct espgw_net),
};

/**
 * espgw_netns_init - register the per-namespace state
 *
 * Return: 0 or a negative errno.
 */
int espgw_netns_init(void)
{
	return register_pernet_subsys(&espgw_net_ops);
}

/**
 * espgw_netns_uninit - tear down the state of every namespace
 */
void espgw_netns_uninit(void)
{
	unregister_pernet_subsys(&espgw_net_ops);
}
