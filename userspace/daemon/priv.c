// SPDX-License-Identifier: GPL-2.0
/*
 * Dropping root: PR_SET_KEEPCAPS, the bounding set reduced while
 * CAP_SETPCAP is still there, setgroups/setresgid/setresuid, then capset()
 * (the raw system call, no libcap) to CAP_NET_ADMIN alone, ambient cleared,
 * no_new_privs, and a check that it all took.
 */

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "priv.h"

#define KEEP_CAP	CAP_NET_ADMIN

__attribute__((format(printf, 3, 4)))
static int seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

int priv_lookup(const char *name, struct priv_user *u, char *err, size_t errlen)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	int ret;

	memset(u, 0, sizeof(*u));
	if (!*name || strlen(name) >= sizeof(u->name)) {
		seterr(err, errlen, "invalid user name '%s'", name);
		return -EINVAL;
	}
	ret = getpwnam_r(name, &pw, buf, sizeof(buf), &res);
	if (ret) {
		seterr(err, errlen, "cannot look up user '%s': %s", name, strerror(ret));
		return -ret;
	}
	if (!res) {
		seterr(err, errlen, "user '%s' does not exist: create it (useradd --system "
		       "--no-create-home --shell /usr/sbin/nologin %s) or run espgwd -u root",
		       name, name);
		return -ENOENT;
	}
	strcpy(u->name, name);
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	return 0;
}

/* the highest capability number the running kernel knows */
static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int n = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &n) != 1 || n < 0 || n > 63)
			n = CAP_LAST_CAP;
		fclose(f);
	}
	return n;
}

static int caps_get(struct __user_cap_data_struct *d)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	memset(d, 0, sizeof(*d) * _LINUX_CAPABILITY_U32S_3);
	return (int)syscall(SYS_capget, &h, d);
}

/* permitted = effective = CAP_NET_ADMIN, inheritable empty */
static int caps_set_keep(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	d[CAP_TO_INDEX(KEEP_CAP)].permitted = CAP_TO_MASK(KEEP_CAP);
	d[CAP_TO_INDEX(KEEP_CAP)].effective = CAP_TO_MASK(KEEP_CAP);
	return (int)syscall(SYS_capset, &h, d);
}

/* what priv_drop() must have left, checked from the kernel's side */
static int check(const struct priv_user *u, char *err, size_t errlen)
{
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	uid_t r, e, s;
	gid_t rg, eg, sg;
	int i, last = last_cap();

	if (getresuid(&r, &e, &s) || r != u->uid || e != u->uid || s != u->uid ||
	    getresgid(&rg, &eg, &sg) || rg != u->gid || eg != u->gid || sg != u->gid ||
	    getgroups(0, NULL) != 0)
		return seterr(err, errlen, "the user and group did not change");
	if (caps_get(d))
		return seterr(err, errlen, "capget: %s", strerror(errno));
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		uint32_t want = i == CAP_TO_INDEX(KEEP_CAP) ? CAP_TO_MASK(KEEP_CAP) : 0;

		if (d[i].permitted != want || d[i].effective != want || d[i].inheritable)
			return seterr(err, errlen, "capabilities other than CAP_NET_ADMIN remain");
	}
	for (i = 0; i <= last; i++)
		if (i != KEEP_CAP && prctl(PR_CAPBSET_READ, i, 0, 0, 0) != 0)
			return seterr(err, errlen, "capability %d remains in the bounding set", i);
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return seterr(err, errlen, "no_new_privs is not set");
	/* without CAP_SETUID there is no way back */
	if (u->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return seterr(err, errlen, "could become root again");
	return 0;
}

int priv_drop(const struct priv_user *u, char *err, size_t errlen)
{
	int cap, last = last_cap();

	/* the permitted set survives the change of uid; effective comes back with capset */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return seterr(err, errlen, "PR_SET_KEEPCAPS: %s", strerror(errno));
	/* while CAP_SETPCAP is still effective */
	for (cap = 0; cap <= last; cap++) {
		if (cap == KEEP_CAP)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			return seterr(err, errlen, "cannot drop capability %d from the bounding "
				      "set: %s (espgwd must start as root)", cap, strerror(errno));
	}
	if (setgroups(0, NULL))
		return seterr(err, errlen, "setgroups: %s", strerror(errno));
	if (setresgid(u->gid, u->gid, u->gid))
		return seterr(err, errlen, "cannot become group %u: %s", (unsigned int)u->gid,
			      strerror(errno));
	if (setresuid(u->uid, u->uid, u->uid))
		return seterr(err, errlen, "cannot become user %s (uid %u): %s", u->name,
			      (unsigned int)u->uid, strerror(errno));
	if (caps_set_keep())
		return seterr(err, errlen, "capset: %s", strerror(errno));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return seterr(err, errlen, "cannot clear the ambient set: %s", strerror(errno));
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0))
		return seterr(err, errlen, "PR_SET_KEEPCAPS: %s", strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return seterr(err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	return check(u, err, errlen);
}
