/* SPDX-License-Identifier: GPL-2.0 */
/*
 * espgwd's privileges: once its sockets are bound and espgw.ko is open, it
 * becomes its own user (default espgw) and keeps CAP_NET_ADMIN alone, what it
 * needs to talk to espgw.ko and to add and remove reverse routes.
 */
#ifndef _ESPGW_PRIV_H_
#define _ESPGW_PRIV_H_

#include <stddef.h>
#include <sys/types.h>

#define PRIV_DEFAULT_USER	"espgw"

struct priv_user {
	char name[64];
	uid_t uid;
	gid_t gid;
};

/*
 * The user name: 0, or -ENOENT when there is no such user (err says how to
 * create one, or to pass -u root), another -errno when the lookup failed.
 */
int priv_lookup(const char *name, struct priv_user *u, char *err, size_t errlen);

/*
 * Become u for good (groups none, real/effective/saved uid and gid u's) with
 * CAP_NET_ADMIN as the only capability: permitted = effective = CAP_NET_ADMIN,
 * inheritable and ambient empty, every other capability out of the bounding
 * set, no_new_privs. u may be root: uid 0 with CAP_NET_ADMIN alone. Needs
 * root with CAP_SETPCAP, CAP_SETUID and CAP_SETGID. Returns 0 (checked), or -1
 * with err set: the process must then not go on.
 */
int priv_drop(const struct priv_user *u, char *err, size_t errlen);

#endif /* _ESPGW_PRIV_H_ */
