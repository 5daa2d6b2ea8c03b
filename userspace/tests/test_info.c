// SPDX-License-Identifier: GPL-2.0
/* info-get replies: parsing real netlink encodings, text and JSON output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <netlink/genl/genl.h>
#include <linux/espgw.h>

#include "info.h"

static struct nl_msg *reply(bool with_version)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 0, 0x20, 0, 0, ESPGW_CMD_INFO_GET, 1));
	if (with_version)
		assert_int_equal(nla_put_string(msg, ESPGW_A_INFO_VERSION, "v1-test"), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_INFO_FEATURES, ESPGW_FEATURE_POLICY), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_INFO_ENC_ALGS,
				     1u << ESPGW_ENC_ALG_AES_GCM_16 | 1u << ESPGW_ENC_ALG_DES_CBC), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_INFO_AUTH_ALGS, 0), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_INFO_REPLAY_WINDOW_MAX, 4096), 0);
	return msg;
}

static char *print(const struct espgw_info *info, bool json)
{
	static char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	espgw_info_print(info, f, json);
	fclose(f);
	return buf;
}

static void test_parse_and_print(void **state)
{
	struct nl_msg *msg = reply(true);
	struct espgw_info info;

	(void)state;
	assert_int_equal(espgw_info_parse(msg, &info), 0);
	nlmsg_free(msg);
	assert_string_equal(info.version, "v1-test");
	assert_int_equal(info.replay_window_max, 4096);
	assert_string_equal(print(&info, false),
			    "version: v1-test\n"
			    "features: policy\n"
			    "encryption: des-cbc aes-gcm-16\n"
			    "integrity: none\n"
			    "replay window max: 4096\n");
	assert_string_equal(print(&info, true),
			    "{\"version\":\"v1-test\",\"replay_window_max\":4096,"
			    "\"features\":[\"policy\"],\"encryption\":[\"des-cbc\",\"aes-gcm-16\"],"
			    "\"integrity\":[]}\n");
}

/* the namespace's device, by name: ifindex 1 is lo in any namespace */
static void test_device(void **state)
{
	struct nl_msg *msg = reply(true);
	struct espgw_info info;

	(void)state;
	assert_int_equal(nla_put_u32(msg, ESPGW_A_INFO_IFINDEX, 1), 0);
	assert_int_equal(espgw_info_parse(msg, &info), 0);
	nlmsg_free(msg);
	assert_int_equal(info.ifindex, 1);
	assert_non_null(strstr(print(&info, false), "replay window max: 4096\ndevice: lo\n"));
	assert_non_null(strstr(print(&info, true), "\"ifindex\":1,\"device\":\"lo\"}"));
}

static void test_missing_version_rejected(void **state)
{
	struct nl_msg *msg = reply(false);
	struct espgw_info info;

	(void)state;
	assert_int_equal(espgw_info_parse(msg, &info), -EINVAL);
	nlmsg_free(msg);
}

static void test_unknown_bits_named(void **state)
{
	struct espgw_info info = { .version = "x", .features = 1u << 30 };

	(void)state;
	assert_non_null(strstr(print(&info, false), "features: bit30\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_print),
		cmocka_unit_test(test_device),
		cmocka_unit_test(test_missing_version_rejected),
		cmocka_unit_test(test_unknown_bits_named),
	};

	return cmocka_run_group_tests_name("info", tests, NULL, NULL);
}
