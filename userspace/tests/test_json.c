// SPDX-License-Identifier: GPL-2.0
/* The -j output writer: structure, commas, escaping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"

static char *render(void (*fn)(struct jw *))
{
	static char buf[512];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct jw w;

	assert_non_null(f);
	jw_init(&w, f);
	fn(&w);
	fclose(f);
	return buf;
}

static void doc_nested(struct jw *w)
{
	jw_obj_open(w, NULL);
	jw_str(w, "version", "1.0");
	jw_arr_open(w, "algs");
	jw_str(w, NULL, "aes");
	jw_str(w, NULL, "des");
	jw_arr_close(w);
	jw_obj_open(w, "stats");
	jw_uint(w, "packets", 18446744073709551615ULL);
	jw_int(w, "delta", -3);
	jw_bool(w, "up", true);
	jw_obj_close(w);
	jw_obj_close(w);
	jw_end(w);
}

static void test_nested(void **state)
{
	(void)state;
	assert_string_equal(render(doc_nested),
			    "{\"version\":\"1.0\",\"algs\":[\"aes\",\"des\"],"
			    "\"stats\":{\"packets\":18446744073709551615,\"delta\":-3,\"up\":true}}\n");
}

static void doc_escape(struct jw *w)
{
	jw_obj_open(w, NULL);
	jw_str(w, "k\"ey", "a\\b\n\t\x01\"");
	jw_str(w, "null", NULL);
	jw_obj_close(w);
	jw_end(w);
}

static void test_escape(void **state)
{
	(void)state;
	assert_string_equal(render(doc_escape),
			    "{\"k\\\"ey\":\"a\\\\b\\n\\t\\u0001\\\"\",\"null\":\"\"}\n");
}

static void doc_empty(struct jw *w)
{
	jw_arr_open(w, NULL);
	jw_arr_close(w);
	jw_end(w);
}

static void test_empty_array(void **state)
{
	(void)state;
	assert_string_equal(render(doc_empty), "[]\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_empty_array),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
