/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place for API drift between the supported kernels (Debian 12's 6.1
 * and 6.12). Debian backports renames into its stable kernels, so prefer
 * feature tests on the headers over LINUX_VERSION_CODE where one exists.
 */
#ifndef _ESPGW_COMPAT_H_
#define _ESPGW_COMPAT_H_

#include <linux/version.h>
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

#endif /* _ESPGW_COMPAT_H_ */
