// SPDX-License-Identifier: GPL-2.0
/*
 * The ingress device, espgw0: decrypted packets enter the stack through it,
 * so routing, conntrack and nftables see them arrive on espgw0 (and iifname
 * "espgw0" rules work), and the plain-text check in PRE_ROUTING can tell a
 * packet that came through a tunnel from one that claims a client's address
 * on the wire. One per namespace, created with the first SA, never moved to
 * another namespace; it only receives (routing traffic into it drops).
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/gro_cells.h>
#include <net/ip.h>

#include "compat.h"
#include "dev.h"
#include "netns.h"

struct espgw_dev {
	struct espgw_net *en;
	struct gro_cells cells;
};

static int espgw_dev_init(struct net_device *dev)
{
	struct espgw_dev *priv = netdev_priv(dev);
	int err;

	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
	err = gro_cells_init(&priv->cells, dev);
	if (err) {
		free_percpu(dev->tstats);
		dev->tstats = NULL;
	}
	return err;
}

static void espgw_dev_uninit(struct net_device *dev)
{
	struct espgw_dev *priv = netdev_priv(dev);

	/* Under RTNL; data path readers see NULL or a device still alive for
	 * an RCU grace period (unregister waits for one).
	 */
	if (priv->en && rtnl_dereference(priv->en->dev) == dev)
		rcu_assign_pointer(priv->en->dev, NULL);
	gro_cells_destroy(&priv->cells);
}

static void espgw_dev_free(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static netdev_tx_t espgw_dev_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_core_stats_tx_dropped_inc(dev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops espgw_dev_ops = {
	.ndo_init		= espgw_dev_init,
	.ndo_uninit		= espgw_dev_uninit,
	.ndo_start_xmit		= espgw_dev_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

static void espgw_dev_setup(struct net_device *dev)
{
	dev->netdev_ops = &espgw_dev_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->mtu = ETH_DATA_LEN;
	dev->min_mtu = 68;
	dev->max_mtu = IP_MAX_MTU;
	dev->tx_queue_len = 0;
	dev->needs_free_netdev = true;
	dev->priv_destructor = espgw_dev_free;
	espgw_dev_set_netns_local(dev);
	espgw_dev_set_lltx(dev);
}

/**
 * espgw_dev_ensure - create and bring up the namespace's espgw0 if needed
 * @en: namespace instance; RTNL held, espgw_net.lock not held
 *
 * Return: 0 or a negative errno.
 */
int espgw_dev_ensure(struct espgw_net *en)
{
	struct espgw_dev *priv;
	struct net_device *dev;
	int err;

	ASSERT_RTNL();
	if (rtnl_dereference(en->dev))
		return 0;
	dev = alloc_netdev(sizeof(*priv), "espgw%d", NET_NAME_ENUM, espgw_dev_setup);
	if (!dev)
		return -ENOMEM;
	dev_net_set(dev, en->net);
	priv = netdev_priv(dev);
	priv->en = en;
	err = register_netdevice(dev);
	if (err) {
		free_netdev(dev);
		return err;
	}
	rcu_assign_pointer(en->dev, dev);
	err = dev_open(dev, NULL);
	if (err)
		netdev_warn(dev, "cannot bring up: %d\n", err);
	return 0;
}

/**
 * espgw_dev_destroy - unregister espgw0 (module unload)
 * @en: namespace instance; RTNL held
 */
void espgw_dev_destroy(struct espgw_net *en)
{
	struct net_device *dev = rtnl_dereference(en->dev);

	ASSERT_RTNL();
	if (dev)
		unregister_netdevice(dev);
}

/**
 * espgw_dev_rx - hand a decrypted inner packet to the stack through espgw0
 * @en: namespace instance
 * @skb: the inner IPv4 packet, scrubbed; consumed
 * @gro: the device the ESP arrived on does GRO
 *
 * As XFRM does, decrypted packets go through GRO (espgw0's per-CPU cells, one
 * more NAPI poll) only when the outer device has GRO on and espgw0 too
 * (ethtool -K espgw0 gro off turns it off); otherwise netif_rx() queues them
 * to the backlog, which a packet that itself came through the backlog (veth,
 * tun, RPS) finds still being polled: no further softirq round.
 *
 * BH context.
 */
void espgw_dev_rx(struct espgw_net *en, struct sk_buff *skb, bool gro)
{
	struct net_device *dev;
	struct espgw_dev *priv;

	rcu_read_lock();
	dev = rcu_dereference(en->dev);
	if (unlikely(!dev || !(dev->flags & IFF_UP))) {
		rcu_read_unlock();
		kfree_skb(skb);
		return;
	}
	priv = netdev_priv(dev);
	skb->dev = dev;
	skb->protocol = htons(ETH_P_IP);
	skb->pkt_type = PACKET_HOST;
	skb_reset_mac_header(skb);
	dev_sw_netstats_rx_add(dev, skb->len);
	if (gro)
		gro_cells_receive(&priv->cells, skb);
	else
		netif_rx(skb);
	rcu_read_unlock();
}
