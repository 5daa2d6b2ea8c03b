// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static bool use_syslog, quiet, to_journal;
static unsigned int debug_cats;

void log_quiet(bool on)
{
	quiet = on;
}

/*
 * systemd connects stderr to the journal and says so in $JOURNAL_STREAM,
 * "device:inode" of that stream (an inherited variable names another file).
 */
static bool stderr_is_journal(void)
{
	const char *s = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!s || sscanf(s, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st))
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void log_init(bool to_syslog, unsigned int debug)
{
	use_syslog = to_syslog;
	to_journal = stderr_is_journal();
	debug_cats = debug;
	if (use_syslog)
		openlog("espgwd", LOG_PID, LOG_DAEMON);
}

int log_parse_cats(const char *s, unsigned int *cats)
{
	static const struct { const char *name; unsigned int cat; } names[] = {
		{ "isakmp", LOG_CAT_ISAKMP }, { "ipsec", LOG_CAT_IPSEC },
		{ "engine", LOG_CAT_ENGINE },
		{ "all", LOG_CAT_ISAKMP | LOG_CAT_IPSEC | LOG_CAT_ENGINE },
	};
	char buf[128], *tok, *save;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(tok, names[i].name))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return -1;
		*cats |= names[i].cat;
	}
	return 0;
}

bool log_enabled(unsigned int cat)
{
	return debug_cats & cat;
}

static void vlog(int prio, const char *fmt, va_list ap)
{
	if (quiet) {
		char buf[512];

		vsnprintf(buf, sizeof(buf), fmt, ap);	/* formatted all the same */
		return;
	}
	if (use_syslog) {
		vsyslog(prio, fmt, ap);
		return;
	}
	if (to_journal) {
		/* the journal reads the priority and has its own timestamps */
		fprintf(stderr, "<%d>", prio);
	} else {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld ", when, ts.tv_nsec / 1000000);
	}
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, fmt, ap);
	va_end(ap);
}

void log_debug(unsigned int cat, const char *fmt, ...)
{
	va_list ap;

	if (!(debug_cats & cat))
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void log_ratelimited(const char *fmt, ...)
{
	static time_t window;
	static unsigned int burst, missed;
	time_t now = time(NULL);
	va_list ap;

	if (now != window) {
		if (missed)
			log_msg(LOG_NOTICE, "%u messages about bad input suppressed", missed);
		window = now;
		burst = missed = 0;
	}
	if (++burst > 10) {
		missed++;
		return;
	}
	va_start(ap, fmt);
	vlog(LOG_NOTICE, fmt, ap);
	va_end(ap);
}
