/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place for API drift between the supported kernels (Debian 12's 6.1
 * and 6.12). Debian backports renames into its stable kernels, so prefer
 * feature tests on the headers over LINUX_VERSION_CODE where one exists.
 */
#ifndef _ESPGW_COMPAT_H_
#define _ESPGW_COMPAT_H_

#include <linux/version.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>

#ifndef ESPGW_VERSION
#define ESPGW_VERSION "unknown"
#endif

/* Parsed attributes of a dump request: genl_dumpit_info() in 6.1,
 * genl_info_dump() since 6.7.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define espgw_dump_attrs(cb) (genl_info_dump(cb)->attrs)
#else
#define espgw_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif

/* Crypto completion callbacks take the request's data pointer since 6.3. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define ESPGW_CRYPTO_DONE(name, arg) void name(void *arg, int err)
#define espgw_crypto_done_data(arg) (arg)
#else
#define ESPGW_CRYPTO_DONE(name, arg) void name(struct crypto_async_request *arg, int err)
#define espgw_crypto_done_data(arg) ((arg)->data)
#endif

/* skb_gso_segment() moved to <net/gso.h> in 6.4 (probed in Kbuild). */
#ifdef ESPGW_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

/*
 * A device that must stay in its namespace, and lockless xmit: feature bits
 * in 6.1, net_device bitfields in Debian's 6.12 (probed by the macros).
 */
#ifdef NETIF_F_NETNS_LOCAL
#define espgw_dev_set_netns_local(dev) ((dev)->features |= NETIF_F_NETNS_LOCAL)
#else
#define espgw_dev_set_netns_local(dev) ((dev)->netns_immutable = true)
#endif
#ifdef NETIF_F_LLTX
#define espgw_dev_set_lltx(dev) ((dev)->features |= NETIF_F_LLTX)
#else
#define espgw_dev_set_lltx(dev) ((dev)->lltx = true)
#endif

#endif /* _ESPGW_COMPAT_H_ */
