// SPDX-License-Identifier: GPL-2.0
/* Per-network-namespace state: each namespace is an independent gateway. */

#include <linux/rtnetlink.h>
#include <linux/wait_bit.h>

#include "dev.h"
#include "hooks.h"
#include "netns.h"
#include "policy.h"
#include "sa.h"

unsigned int espgw_net_id __read_mostly;

static int __net_init espgw_net_init(struct net *net)
{
	struct espgw_net *en = espgw_net(net);
	int err;

	en->net = net;
	mutex_init(&en->lock);
	atomic_set(&en->sa_alive, 0);
	en->stats = netdev_alloc_pcpu_stats(struct espgw_pcpu_stats);
	en->stats_out = netdev_alloc_pcpu_stats(struct espgw_pcpu_stats);
	if (!en->stats || !en->stats_out) {
		err = -ENOMEM;
		goto err_stats;
	}
	err = espgw_sa_table_init(en);
	if (err)
		goto err_stats;
	err = espgw_policy_table_init(en);
	if (err)
		goto err_sa;
	err = espgw_hooks_register(net);
	if (err)
		goto err_policy;
	pr_debug("netns %u created\n", net->ns.inum);
	return 0;

err_policy:
	espgw_policy_table_destroy(en);
err_sa:
	espgw_sa_table_destroy(en);
err_stats:
	free_percpu(en->stats_out);
	free_percpu(en->stats);
	return err;
}

/* Before any device goes: drop every object, so cached routes let go of devices. */
static void __net_exit espgw_net_pre_exit(struct net *net)
{
	struct espgw_net *en = espgw_net(net);

	mutex_lock(&en->lock);
	en->dead = true;
	espgw_policy_flush(en);
	espgw_sa_flush(en);
	mutex_unlock(&en->lock);
}

static void __net_exit espgw_net_exit(struct net *net)
{
	struct espgw_net *en = espgw_net(net);

	espgw_hooks_unregister(net);
	rtnl_lock();
	espgw_dev_destroy(en);	/* module unload; a dying namespace already lost it */
	rtnl_unlock();
	/* SAs still referenced by packets in flight (async crypto) go last. */
	espgw_sa_flush_wq();
	wait_var_event(&en->sa_alive, !atomic_read(&en->sa_alive));
	espgw_policy_table_destroy(en);
	espgw_sa_table_destroy(en);
	free_percpu(en->stats_out);
	free_percpu(en->stats);
	mutex_destroy(&en->lock);
	pr_debug("netns %u destroyed\n", net->ns.inum);
}

static struct pernet_operations espgw_net_ops = {
	.init = espgw_net_init,
	.pre_exit = espgw_net_pre_exit,
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
