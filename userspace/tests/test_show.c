// SPDX-License-Identifier: GPL-2.0
/*
 * Replies and notifications as the kernel encodes them (sa-get, policy-get,
 * stats-get, sa-expire-ntf, acquire-ntf, new-mapping-ntf): parsing, text (Cisco counter names
 * with -s) and JSON output, and that no key is ever printed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <netlink/genl/genl.h>
#include <linux/espgw.h>

#include "event.h"
#include "policy.h"
#include "sa.h"
#include "stats.h"

static uint32_t be(const char *addr)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, addr, &a), 1);
	return a.s_addr;
}

static struct nl_msg *genl(int cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 0, 0x20, 0, 0, cmd, 1));
	return msg;
}

static void put_selector(struct nl_msg *msg, int attr, const char *src, int slen,
			 const char *dst, int dlen, int proto)
{
	struct nlattr *nest = nla_nest_start(msg, attr);

	assert_non_null(nest);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SELECTOR_SRC, be(src)), 0);
	assert_int_equal(nla_put_u8(msg, ESPGW_A_SELECTOR_SRC_PREFIX_LEN, slen), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SELECTOR_DST, be(dst)), 0);
	assert_int_equal(nla_put_u8(msg, ESPGW_A_SELECTOR_DST_PREFIX_LEN, dlen), 0);
	assert_int_equal(nla_put_u8(msg, ESPGW_A_SELECTOR_PROTO, proto), 0);
	nla_nest_end(msg, nest);
}

/* stats nest with a zero-length pad attribute first, as nla_put_64bit() may add */
static void put_sa_stats(struct nl_msg *msg, const uint64_t *v)
{
	struct nlattr *nest = nla_nest_start(msg, ESPGW_A_SA_STATS);
	int i;

	assert_int_equal(nla_put(msg, ESPGW_A_SA_STATS_PAD, 0, NULL), 0);
	for (i = ESPGW_A_SA_STATS_PACKETS; i <= ESPGW_A_SA_STATS_MAX; i++)
		assert_int_equal(nla_put_u64(msg, i, v[i]), 0);
	nla_nest_end(msg, nest);
}

static const uint64_t out_stats[ESPGW_A_SA_STATS_MAX + 1] = {
	[ESPGW_A_SA_STATS_PACKETS] = 10, [ESPGW_A_SA_STATS_BYTES] = 840,
	[ESPGW_A_SA_STATS_MTU] = 2, [ESPGW_A_SA_STATS_ERRORS] = 1,
};

static const uint64_t in_stats[ESPGW_A_SA_STATS_MAX + 1] = {
	[ESPGW_A_SA_STATS_PACKETS] = 7, [ESPGW_A_SA_STATS_BYTES] = 588,
	[ESPGW_A_SA_STATS_AUTH_FAIL] = 3, [ESPGW_A_SA_STATS_REPLAY] = 4,
	[ESPGW_A_SA_STATS_SELECTOR] = 5, [ESPGW_A_SA_STATS_TRAILER] = 6,
	[ESPGW_A_SA_STATS_ERRORS] = 1, [ESPGW_A_SA_STATS_ENCAP] = 2,
	[ESPGW_A_SA_STATS_REPLAY_LATE] = 8,
};

static void put_encap(struct nl_msg *msg, uint32_t type, uint16_t lport, uint16_t pport)
{
	struct nlattr *nest = nla_nest_start(msg, ESPGW_A_SA_ENCAP);

	assert_non_null(nest);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_ENCAP_TYPE, type), 0);
	if (lport)
		assert_int_equal(nla_put_u16(msg, ESPGW_A_ENCAP_LOCAL_PORT, htons(lport)), 0);
	if (pport)
		assert_int_equal(nla_put_u16(msg, ESPGW_A_ENCAP_PEER_PORT, htons(pport)), 0);
	nla_nest_end(msg, nest);
}

/* an sa-get reply for an outbound AES-GCM SA with lifetimes, or an inbound CBC one */
static struct nl_msg *sa_reply(bool in)
{
	struct nl_msg *msg = genl(ESPGW_CMD_SA_GET);
	struct nlattr *lft;

	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_SPI, htonl(in ? 0xc0ffee : 0x1234)), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_DST, be(in ? "192.0.2.1" : "198.51.100.2")), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_SRC, be(in ? "198.51.100.2" : "192.0.2.1")), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_DIR, in ? ESPGW_DIR_IN : ESPGW_DIR_OUT), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_ENC_ALG,
				     in ? ESPGW_ENC_ALG_3DES_CBC : ESPGW_ENC_ALG_AES_GCM_16), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_AUTH_ALG,
				     in ? ESPGW_AUTH_ALG_HMAC_MD5_96 : ESPGW_AUTH_ALG_NONE), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_REPLAY_WINDOW, in ? 64 : 0), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_FLAGS, in ? ESPGW_SA_FLAGS_LEGACY : 0), 0);
	if (in)
		put_selector(msg, ESPGW_A_SA_SELECTOR, "10.1.1.0", 24, "10.2.2.5", 32, 0);
	if (!in) {
		lft = nla_nest_start(msg, ESPGW_A_SA_LIFETIME);
		assert_int_equal(nla_put_u64(msg, ESPGW_A_LIFETIME_SOFT_BYTES, 1000), 0);
		assert_int_equal(nla_put_u64(msg, ESPGW_A_LIFETIME_HARD_SECS, 3600), 0);
		nla_nest_end(msg, lft);
	}
	assert_int_equal(nla_put_u64(msg, ESPGW_A_SA_SEQ, in ? 7 : 10), 0);
	assert_int_equal(nla_put_u64(msg, ESPGW_A_SA_AGE, 120), 0);
	put_sa_stats(msg, in ? in_stats : out_stats);
	return msg;
}

static char buf[4096];

/* print into buf: text or JSON, with or without counters, one line or not */
static const char *show_sa(struct nl_msg *msg, bool json, bool stats, bool oneline)
{
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct out o = { .f = f, .stats = stats, .oneline = oneline };
	struct espgw_sa sa;
	struct jw jw;

	assert_non_null(f);
	assert_int_equal(espgw_sa_parse(msg, &sa), 0);
	nlmsg_free(msg);
	if (json) {
		jw_init(&jw, f);
		o.jw = &jw;
	}
	espgw_sa_print(&sa, NULL, &o);
	if (json)
		jw_end(&jw);
	fclose(f);
	return buf;
}

static void test_sa_out_text(void **state)
{
	(void)state;
	assert_string_equal(show_sa(sa_reply(false), false, false, false),
			    "sa src 192.0.2.1 dst 198.51.100.2 spi 0x00001234 dir out\n"
			    "\tenc aes-gcm-16 replay-window 0\n"
			    "\tsoft-bytes 1000 hard-secs 3600\n"
			    "\tseq 10 age 120s\n");
	assert_string_equal(show_sa(sa_reply(false), false, true, false),
			    "sa src 192.0.2.1 dst 198.51.100.2 spi 0x00001234 dir out\n"
			    "\tenc aes-gcm-16 replay-window 0\n"
			    "\tsoft-bytes 1000 hard-secs 3600\n"
			    "\tseq 10 age 120s\n"
			    "\t#pkts encaps: 10, #pkts encrypt: 10, #pkts digest: 10, #bytes: 840\n"
			    "\t#send errors 3 (mtu 2, other 1)\n");
}

static void test_sa_in_text(void **state)
{
	(void)state;
	assert_string_equal(show_sa(sa_reply(true), false, true, false),
			    "sa src 198.51.100.2 dst 192.0.2.1 spi 0x00c0ffee dir in\n"
			    "\tenc 3des-cbc auth hmac-md5-96 replay-window 64 legacy\n"
			    "\tsel src 10.1.1.0/24 dst 10.2.2.5/32 proto any\n"
			    "\tseq 7 age 120s\n"
			    "\t#pkts decaps: 7, #pkts decrypt: 7, #pkts verify: 7, #bytes: 588\n"
			    "\t#recv errors 29 (auth-fail 3, replay 4, replay-late 8, selector 5, "
			    "trailer 6, encap 2, other 1)\n");
	assert_string_equal(show_sa(sa_reply(true), false, false, true),
			    "sa src 198.51.100.2 dst 192.0.2.1 spi 0x00c0ffee dir in "
			    "enc 3des-cbc auth hmac-md5-96 replay-window 64 legacy "
			    "sel src 10.1.1.0/24 dst 10.2.2.5/32 proto any seq 7 age 120s\n");
}

static void test_sa_json(void **state)
{
	(void)state;
	assert_string_equal(show_sa(sa_reply(true), true, true, false),
			    "{\"src\":\"198.51.100.2\",\"dst\":\"192.0.2.1\",\"spi\":12648430,"
			    "\"dir\":\"in\",\"enc_alg\":\"3des-cbc\",\"auth_alg\":\"hmac-md5-96\","
			    "\"replay_window\":64,\"flags\":[\"legacy\"],"
			    "\"selector\":{\"src\":\"10.1.1.0\",\"src_prefix_len\":24,"
			    "\"dst\":\"10.2.2.5\",\"dst_prefix_len\":32,\"proto\":0},"
			    "\"seq\":7,\"age\":120,"
			    "\"stats\":{\"packets\":7,\"bytes\":588,\"auth_fail\":3,\"replay\":4,"
			    "\"replay_late\":8,\"selector\":5,\"trailer\":6,\"mtu\":0,\"errors\":1,\"encap\":2}}\n");
	/* counters only with -s */
	assert_null(strstr(show_sa(sa_reply(false), true, false, false), "stats"));
	assert_non_null(strstr(buf, "\"enc_alg\":\"aes-gcm-16\",\"auth_alg\":\"none\""));
	assert_non_null(strstr(buf, "\"flags\":[]"));
	assert_null(strstr(buf, "\"encap\":{"));	/* plain ESP: no encap object */
	assert_non_null(strstr(buf, "\"lifetime\":{\"soft_bytes\":1000,\"hard_bytes\":0,"
				    "\"soft_packets\":0,\"hard_packets\":0,\"soft_secs\":0,"
				    "\"hard_secs\":3600}"));
}

/* ESP in UDP: the peer is src for an inbound SA, dst for an outbound one */
static void test_sa_encap(void **state)
{
	struct nl_msg *msg;

	(void)state;
	msg = sa_reply(true);
	put_encap(msg, ESPGW_ENCAP_TYPE_ESPINUDP, 4500, 40001);
	assert_string_equal(show_sa(msg, false, false, false),
			    "sa src 198.51.100.2 dst 192.0.2.1 spi 0x00c0ffee dir in\n"
			    "\tenc 3des-cbc auth hmac-md5-96 replay-window 64 legacy\n"
			    "\tsel src 10.1.1.0/24 dst 10.2.2.5/32 proto any\n"
			    "\tencap udp 198.51.100.2:40001 local-port 4500\n"
			    "\tseq 7 age 120s\n");
	msg = sa_reply(false);
	put_encap(msg, ESPGW_ENCAP_TYPE_ESPINUDP, 4500, 4500);
	assert_non_null(strstr(show_sa(msg, false, false, true),
			       " replay-window 0 encap udp 198.51.100.2:4500 local-port 4500 soft-bytes"));
	msg = sa_reply(false);
	put_encap(msg, ESPGW_ENCAP_TYPE_ESPINUDP, 4500, 40001);
	assert_non_null(strstr(show_sa(msg, true, false, false),
			       "\"encap\":{\"type\":\"espinudp\",\"local_port\":4500,"
			       "\"peer_port\":40001},\"seq\":10"));
	/* type none: nothing in text, the type in JSON */
	msg = sa_reply(false);
	put_encap(msg, ESPGW_ENCAP_TYPE_NONE, 0, 0);
	assert_null(strstr(show_sa(msg, false, false, false), "encap"));
	msg = sa_reply(false);
	put_encap(msg, ESPGW_ENCAP_TYPE_NONE, 0, 0);
	assert_non_null(strstr(show_sa(msg, true, false, false), "\"encap\":{\"type\":\"none\"}"));
}

static void test_sa_encap_malformed(void **state)
{
	struct nl_msg *msg;
	struct espgw_sa sa;

	(void)state;
	/* espinudp without its peer port */
	msg = sa_reply(false);
	put_encap(msg, ESPGW_ENCAP_TYPE_ESPINUDP, 4500, 0);
	assert_int_equal(espgw_sa_parse(msg, &sa), -EINVAL);
	nlmsg_free(msg);
	/* no type (an empty nest: libnl would trim nla_nest_start/end's) */
	msg = sa_reply(false);
	assert_int_equal(nla_put(msg, ESPGW_A_SA_ENCAP, 0, NULL), 0);
	assert_int_equal(espgw_sa_parse(msg, &sa), -EINVAL);
	nlmsg_free(msg);
	/* a port of the wrong size */
	msg = sa_reply(false);
	{
		struct nlattr *nest = nla_nest_start(msg, ESPGW_A_SA_ENCAP);

		assert_int_equal(nla_put_u32(msg, ESPGW_A_ENCAP_TYPE, ESPGW_ENCAP_TYPE_ESPINUDP), 0);
		assert_int_equal(nla_put_u8(msg, ESPGW_A_ENCAP_LOCAL_PORT, 1), 0);
		assert_int_equal(nla_put_u16(msg, ESPGW_A_ENCAP_PEER_PORT, 1), 0);
		nla_nest_end(msg, nest);
	}
	assert_int_equal(espgw_sa_parse(msg, &sa), -EINVAL);
	nlmsg_free(msg);
}

/* a reply that (wrongly) carried key attributes: never shown */
static void test_sa_keys_never_printed(void **state)
{
	struct nl_msg *msg = sa_reply(false);

	(void)state;
	assert_int_equal(nla_put(msg, ESPGW_A_SA_ENC_KEY, 6, "SECRET"), 0);
	assert_int_equal(nla_put(msg, ESPGW_A_SA_AUTH_KEY, 6, "SECRET"), 0);
	assert_null(strstr(show_sa(msg, false, true, false), "SECRET"));
	msg = sa_reply(false);
	assert_int_equal(nla_put(msg, ESPGW_A_SA_ENC_KEY, 6, "SECRET"), 0);
	assert_null(strstr(show_sa(msg, true, true, false), "SECRET"));
	assert_null(strstr(buf, "key"));
}

static void test_sa_malformed(void **state)
{
	struct nl_msg *msg = genl(ESPGW_CMD_SA_GET);
	struct espgw_sa sa;
	struct nlattr *nest;

	(void)state;
	/* no spi */
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_DST, be("192.0.2.1")), 0);
	assert_int_equal(espgw_sa_parse(msg, &sa), -EINVAL);
	nlmsg_free(msg);
	/* a counter that is not 8 bytes */
	msg = genl(ESPGW_CMD_SA_GET);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_DST, be("192.0.2.1")), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_SPI, htonl(256)), 0);
	nest = nla_nest_start(msg, ESPGW_A_SA_STATS);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_STATS_PACKETS, 1), 0);
	nla_nest_end(msg, nest);
	assert_int_equal(espgw_sa_parse(msg, &sa), -EINVAL);
	nlmsg_free(msg);
	/* a prefix length over 32 */
	msg = genl(ESPGW_CMD_SA_GET);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_DST, be("192.0.2.1")), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_SPI, htonl(256)), 0);
	put_selector(msg, ESPGW_A_SA_SELECTOR, "10.0.0.0", 33, "10.0.0.0", 8, 0);
	assert_int_equal(espgw_sa_parse(msg, &sa), -EINVAL);
	nlmsg_free(msg);
}

static struct nl_msg *policy_reply(bool protect)
{
	struct nl_msg *msg = genl(ESPGW_CMD_POLICY_GET);

	assert_int_equal(nla_put_u32(msg, ESPGW_A_POLICY_ID, protect ? 10 : 2), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_POLICY_PRIORITY, protect ? 1000 : 5), 0);
	put_selector(msg, ESPGW_A_POLICY_SELECTOR, "10.1.1.0", 24,
		     protect ? "10.2.2.0" : "0.0.0.0", protect ? 24 : 0, protect ? 0 : 6);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_POLICY_ACTION,
				     protect ? ESPGW_ACTION_PROTECT : ESPGW_ACTION_BYPASS), 0);
	if (protect) {
		assert_int_equal(nla_put_u32(msg, ESPGW_A_POLICY_SA_DST, be("198.51.100.2")), 0);
		assert_int_equal(nla_put_u32(msg, ESPGW_A_POLICY_SA_SPI, htonl(0x1234)), 0);
	}
	assert_int_equal(nla_put_u64(msg, ESPGW_A_POLICY_PACKETS, 99), 0);
	return msg;
}

static const char *show_policy(struct nl_msg *msg, bool json, bool stats)
{
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct out o = { .f = f, .stats = stats };
	struct espgw_policy p;
	struct jw jw;

	assert_non_null(f);
	assert_int_equal(espgw_policy_parse(msg, &p), 0);
	nlmsg_free(msg);
	if (json) {
		jw_init(&jw, f);
		o.jw = &jw;
	}
	espgw_policy_print(&p, NULL, &o);
	if (json)
		jw_end(&jw);
	fclose(f);
	return buf;
}

static void test_policy_output(void **state)
{
	(void)state;
	assert_string_equal(show_policy(policy_reply(true), false, false),
			    "policy id 10 priority 1000 src 10.1.1.0/24 dst 10.2.2.0/24 proto any "
			    "action protect sa dst 198.51.100.2 spi 0x00001234\n");
	assert_string_equal(show_policy(policy_reply(false), false, true),
			    "policy id 2 priority 5 src 10.1.1.0/24 dst 0.0.0.0/0 proto tcp "
			    "action bypass packets 99\n");
	assert_string_equal(show_policy(policy_reply(true), true, true),
			    "{\"id\":10,\"priority\":1000,\"selector\":{\"src\":\"10.1.1.0\","
			    "\"src_prefix_len\":24,\"dst\":\"10.2.2.0\",\"dst_prefix_len\":24,"
			    "\"proto\":0},\"action\":\"protect\",\"sa_dst\":\"198.51.100.2\","
			    "\"sa_spi\":4660,\"packets\":99}\n");
}

static void test_policy_malformed(void **state)
{
	struct nl_msg *msg = genl(ESPGW_CMD_POLICY_GET);
	struct espgw_policy p;

	(void)state;
	assert_int_equal(nla_put_u32(msg, ESPGW_A_POLICY_PRIORITY, 1), 0);
	assert_int_equal(espgw_policy_parse(msg, &p), -EINVAL);
	nlmsg_free(msg);
}

static void test_stats_output(void **state)
{
	struct nl_msg *msg = genl(ESPGW_CMD_STATS_GET);
	struct espgw_stats st;
	struct out o = { 0 };
	struct jw jw;
	FILE *f;
	int i;

	(void)state;
	assert_int_equal(nla_put(msg, ESPGW_A_STATS_PAD, 0, NULL), 0);
	for (i = ESPGW_A_STATS_OUT_PACKETS; i <= ESPGW_A_STATS_ERRORS; i++)
		assert_int_equal(nla_put_u64(msg, i, 100 + i), 0);
	assert_int_equal(nla_put_u64(msg, ESPGW_A_STATS_ENCAP, 116), 0);
	assert_int_equal(nla_put_u64(msg, ESPGW_A_STATS_MAPPING, 117), 0);
	assert_int_equal(nla_put_u64(msg, ESPGW_A_STATS_REPLAY_LATE, 118), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_STATS_SA_COUNT, 4), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_STATS_POLICY_COUNT, 3), 0);
	assert_int_equal(espgw_stats_parse(msg, &st), 0);
	nlmsg_free(msg);

	f = fmemopen(buf, sizeof(buf), "w");
	o.f = f;
	espgw_stats_print(&st, &o);
	fclose(f);
	assert_string_equal(buf,
			    "sa count: 4\n"
			    "policy count: 3\n"
			    "out packets: 102\n"
			    "in packets: 103\n"
			    "new mappings: 117\n"
			    "drops:\n"
			    "  no-sa: 104\n"
			    "  no-sa-out: 105\n"
			    "  plaintext: 106\n"
			    "  discard: 107\n"
			    "  auth-fail: 108\n"
			    "  replay: 109\n"
			    "  replay-late: 118\n"
			    "  selector: 110\n"
			    "  trailer: 111\n"
			    "  mtu: 112\n"
			    "  encap: 116\n"
			    "  errors: 113\n");

	f = fmemopen(buf, sizeof(buf), "w");
	o.f = f;
	jw_init(&jw, f);
	o.jw = &jw;
	espgw_stats_print(&st, &o);
	fclose(f);
	assert_string_equal(buf,
			    "{\"sa_count\":4,\"policy_count\":3,\"out_packets\":102,\"in_packets\":103,"
			    "\"mapping\":117,\"no_sa\":104,\"no_sa_out\":105,\"plaintext\":106,"
			    "\"discard\":107,\"auth_fail\":108,\"replay\":109,\"replay_late\":118,\"selector\":110,"
			    "\"trailer\":111,\"mtu\":112,\"encap\":116,\"errors\":113}\n");

	/* a counter of the wrong size */
	msg = genl(ESPGW_CMD_STATS_GET);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_STATS_NO_SA, 1), 0);
	assert_int_equal(espgw_stats_parse(msg, &st), -EINVAL);
	nlmsg_free(msg);
}

static struct nl_msg *expire_ntf(int kind)
{
	struct nl_msg *msg = genl(ESPGW_CMD_SA_EXPIRE_NTF);

	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_SPI, htonl(0x1234)), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_DST, be("198.51.100.2")), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_SRC, be("192.0.2.1")), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_DIR, ESPGW_DIR_OUT), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_EXPIRE_KIND, kind), 0);
	assert_int_equal(nla_put_u64(msg, ESPGW_A_SA_SEQ, 10), 0);
	put_sa_stats(msg, out_stats);
	return msg;
}

static struct nl_msg *acquire_ntf(void)
{
	struct nl_msg *msg = genl(ESPGW_CMD_ACQUIRE_NTF);

	assert_int_equal(nla_put_u32(msg, ESPGW_A_POLICY_ID, 10), 0);
	put_selector(msg, ESPGW_A_POLICY_SELECTOR, "10.1.1.0", 24, "10.2.2.7", 32, 1);
	return msg;
}

/* an inbound NAT-T SA's packet came from 203.0.113.7:40001 */
static struct nl_msg *mapping_ntf(bool with_port)
{
	struct nl_msg *msg = genl(ESPGW_CMD_NEW_MAPPING_NTF);

	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_SPI, htonl(0x1001)), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_DST, be("192.0.2.1")), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_SRC, be("198.51.100.10")), 0);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_DIR, ESPGW_DIR_IN), 0);
	put_encap(msg, ESPGW_ENCAP_TYPE_ESPINUDP, 4500, 4500);
	assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_MAPPING_ADDR, be("203.0.113.7")), 0);
	if (with_port)
		assert_int_equal(nla_put_u16(msg, ESPGW_A_SA_MAPPING_PORT, htons(40001)), 0);
	return msg;
}

static const char *event(struct nl_msg *msg, bool json, int expect)
{
	FILE *f;

	buf[0] = '\0';
	f = fmemopen(buf, sizeof(buf), "w");
	assert_non_null(f);
	assert_int_equal(espgw_event_print(msg, f, json), expect);
	nlmsg_free(msg);
	fclose(f);
	return buf;
}

static void test_events_text(void **state)
{
	(void)state;
	assert_string_equal(event(expire_ntf(ESPGW_EXPIRE_KIND_SOFT), false, 1),
			    "expire soft sa src 192.0.2.1 dst 198.51.100.2 spi 0x00001234 dir out "
			    "seq 10 #pkts encaps: 10, #pkts encrypt: 10, #pkts digest: 10, "
			    "#bytes: 840 #send errors 3 (mtu 2, other 1)\n");
	assert_string_equal(event(expire_ntf(ESPGW_EXPIRE_KIND_HARD), false, 1),
			    "expire hard sa src 192.0.2.1 dst 198.51.100.2 spi 0x00001234 dir out "
			    "seq 10 #pkts encaps: 10, #pkts encrypt: 10, #pkts digest: 10, "
			    "#bytes: 840 #send errors 3 (mtu 2, other 1)\n");
	assert_string_equal(event(acquire_ntf(), false, 1),
			    "acquire policy id 10 src 10.1.1.0/24 dst 10.2.2.7/32 proto icmp\n");
}

static void test_events_json(void **state)
{
	(void)state;
	assert_string_equal(event(expire_ntf(ESPGW_EXPIRE_KIND_HARD), true, 1),
			    "{\"event\":\"expire\",\"sa\":{\"src\":\"192.0.2.1\","
			    "\"dst\":\"198.51.100.2\",\"spi\":4660,\"dir\":\"out\","
			    "\"expire_kind\":\"hard\",\"seq\":10,\"stats\":{\"packets\":10,"
			    "\"bytes\":840,\"auth_fail\":0,\"replay\":0,\"replay_late\":0,\"selector\":0,\"trailer\":0,"
			    "\"mtu\":2,\"errors\":1,\"encap\":0}}}\n");
	assert_string_equal(event(acquire_ntf(), true, 1),
			    "{\"event\":\"acquire\",\"policy\":{\"id\":10,\"selector\":"
			    "{\"src\":\"10.1.1.0\",\"src_prefix_len\":24,\"dst\":\"10.2.2.7\","
			    "\"dst_prefix_len\":32,\"proto\":1}}}\n");
}

static void test_events_mapping(void **state)
{
	(void)state;
	assert_string_equal(event(mapping_ntf(true), false, 1),
			    "new-mapping sa src 198.51.100.10 dst 192.0.2.1 spi 0x00001001 dir in "
			    "encap udp 198.51.100.10:4500 local-port 4500 from 203.0.113.7:40001\n");
	assert_string_equal(event(mapping_ntf(true), true, 1),
			    "{\"event\":\"new-mapping\",\"sa\":{\"src\":\"198.51.100.10\","
			    "\"dst\":\"192.0.2.1\",\"spi\":4097,\"dir\":\"in\",\"encap\":"
			    "{\"type\":\"espinudp\",\"local_port\":4500,\"peer_port\":4500},"
			    "\"mapping_addr\":\"203.0.113.7\",\"mapping_port\":40001}}\n");
	/* the address without its port: malformed, nothing printed */
	assert_string_equal(event(mapping_ntf(false), true, -EINVAL), "");
	/* no mapping at all */
	{
		struct nl_msg *msg = genl(ESPGW_CMD_NEW_MAPPING_NTF);

		assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_SPI, htonl(0x1001)), 0);
		assert_int_equal(nla_put_u32(msg, ESPGW_A_SA_DST, be("192.0.2.1")), 0);
		assert_string_equal(event(msg, false, -EINVAL), "");
	}
}

static void test_events_other(void **state)
{
	struct nl_msg *msg;

	(void)state;
	/* not a notification: nothing printed */
	assert_string_equal(event(genl(ESPGW_CMD_INFO_GET), false, 0), "");
	/* malformed: reported, nothing printed */
	msg = genl(ESPGW_CMD_ACQUIRE_NTF);
	assert_string_equal(event(msg, true, -EINVAL), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sa_out_text),
		cmocka_unit_test(test_sa_in_text),
		cmocka_unit_test(test_sa_json),
		cmocka_unit_test(test_sa_encap),
		cmocka_unit_test(test_sa_encap_malformed),
		cmocka_unit_test(test_sa_keys_never_printed),
		cmocka_unit_test(test_sa_malformed),
		cmocka_unit_test(test_policy_output),
		cmocka_unit_test(test_policy_malformed),
		cmocka_unit_test(test_stats_output),
		cmocka_unit_test(test_events_text),
		cmocka_unit_test(test_events_json),
		cmocka_unit_test(test_events_mapping),
		cmocka_unit_test(test_events_other),
	};

	return cmocka_run_group_tests_name("show", tests, NULL, NULL);
}
