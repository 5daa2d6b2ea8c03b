/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging for espgwd: to stderr (foreground) or syslog, with debug categories
 * that mirror the router's 'debug crypto isakmp|ipsec|engine'.
 */
#ifndef _ESPGW_LOG_H_
#define _ESPGW_LOG_H_

#include <stdbool.h>
#include <syslog.h>

enum log_cat {
	LOG_CAT_ISAKMP	= 1 << 0,	/* phase 1, informational */
	LOG_CAT_IPSEC	= 1 << 1,	/* phase 2, SAs */
	LOG_CAT_ENGINE	= 1 << 2,	/* kernel: SAs and policies installed, expiries */
};

void log_init(bool to_syslog, unsigned int debug);
/* Format every message but print none (the fuzzer). */
void log_quiet(bool on);
/* "isakmp,ipsec,engine" or "all"; returns -1 on an unknown name */
int log_parse_cats(const char *s, unsigned int *cats);
bool log_enabled(unsigned int cat);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_debug(unsigned int cat, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * For complaints about network input: at most a burst of 10 then one a second,
 * so a flood of bad packets cannot flood the log.
 */
void log_ratelimited(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* _ESPGW_LOG_H_ */
