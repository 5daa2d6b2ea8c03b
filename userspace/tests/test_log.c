// SPDX-License-Identifier: GPL-2.0
/*
 * espgwd's log lines on stderr (log.c) as they reach the reader: run by hand,
 * each starts with the local time; under systemd, whose journal stamps lines
 * itself, each starts with its syslog priority ("<4>" a warning) and carries no
 * time. The journal is recognised by $JOURNAL_STREAM naming stderr's own
 * device and inode, not by the variable alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"

enum js { JS_UNSET, JS_DEV_INO, JS_GARBAGE };

/*
 * Log one warning and one debug line with stderr on a file, $JOURNAL_STREAM as
 * JS says, of that file or of another one; returns what the file holds.
 */
static char *logged(enum js js, bool same_file)
{
	char path[] = "/tmp/espgw-log-XXXXXX", other[] = "/tmp/espgw-log-o-XXXXXX", env[64];
	static char out[1024];
	int fd = mkstemp(path), ofd = mkstemp(other), saved = dup(2);
	struct stat st;
	FILE *f;
	size_t n;

	assert_true(fd >= 0 && ofd >= 0 && saved >= 0);
	assert_int_equal(fstat(same_file ? fd : ofd, &st), 0);
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	if (js == JS_DEV_INO)
		setenv("JOURNAL_STREAM", env, 1);
	else if (js == JS_GARBAGE)
		setenv("JOURNAL_STREAM", "garbage", 1);
	else
		unsetenv("JOURNAL_STREAM");
	fflush(stderr);
	dup2(fd, 2);
	log_init(false, LOG_CAT_ISAKMP);
	log_msg(LOG_WARNING, "pool %s is %d%% used", "ourpool", 90);
	log_debug(LOG_CAT_ISAKMP, "MM1 from %s", "198.51.100.10");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	unsetenv("JOURNAL_STREAM");
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	close(fd);
	close(ofd);
	unlink(path);
	unlink(other);
	return out;
}

static void assert_matches(const char *text, const char *re)
{
	regex_t r;
	int rc;

	assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
	rc = regexec(&r, text, 0, NULL, 0);
	regfree(&r);
	if (rc)
		fail_msg("'%s' does not match /%s/", text, re);
}

#define TS "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3} "

static void test_by_hand_timestamps(void **state)
{
	(void)state;
	assert_matches(logged(JS_UNSET, false),
		       "^" TS "pool ourpool is 90% used\n" TS "MM1 from 198\\.51\\.100\\.10\n$");
}

static void test_journal_priorities(void **state)
{
	(void)state;
	assert_string_equal(logged(JS_DEV_INO, true),
			    "<4>pool ourpool is 90% used\n<7>MM1 from 198.51.100.10\n");
}

/* inherited from a shell started by systemd: stderr is not that stream */
static void test_journal_stream_of_another_file(void **state)
{
	(void)state;
	assert_matches(logged(JS_DEV_INO, false), "^" TS "pool ourpool is 90% used\n" TS);
	assert_matches(logged(JS_GARBAGE, true), "^" TS "pool ourpool");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_hand_timestamps),
		cmocka_unit_test(test_journal_priorities),
		cmocka_unit_test(test_journal_stream_of_another_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
