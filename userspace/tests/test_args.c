// SPDX-License-Identifier: GPL-2.0
/*
 * Command lines into requests: value parsers, the sa / policy / flush grammars,
 * and the exact netlink messages they build, parsed back with the spec's ids.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <netlink/genl/genl.h>
#include <linux/espgw.h>

#include "args.h"
#include "parse.h"
#include "request.h"

#define MAXARGS 64

/* split a command line at spaces into a static argv */
static int split(const char *line, char ***argv)
{
	static char buf[1024];
	static char *args[MAXARGS];
	int argc = 0;
	char *tok, *save = NULL;

	assert_true(strlen(line) < sizeof(buf));
	strcpy(buf, line);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		assert_true(argc < MAXARGS);
		args[argc++] = tok;
	}
	*argv = args;
	return argc;
}

static uint32_t be(const char *addr)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, addr, &a), 1);
	return a.s_addr;
}

/* ---- values ---- */

static void test_numbers(void **state)
{
	uint32_t v;
	uint64_t w;

	(void)state;
	assert_int_equal(arg_u32("256", &v), 0);
	assert_int_equal(v, 256);
	assert_int_equal(arg_u32("0x1F2e", &v), 0);
	assert_int_equal(v, 0x1f2e);
	assert_int_equal(arg_u32("010", &v), 0);
	assert_int_equal(v, 10);	/* decimal, not octal */
	assert_int_equal(arg_u32("4294967295", &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(arg_u32("4294967296", &v), -EINVAL);
	assert_int_equal(arg_u32("0x100000000", &v), -EINVAL);
	assert_int_equal(arg_u32("xyz", &v), -EINVAL);
	assert_int_equal(arg_u32("", &v), -EINVAL);
	assert_int_equal(arg_u32("0x", &v), -EINVAL);
	assert_int_equal(arg_u32("-1", &v), -EINVAL);
	assert_int_equal(arg_u32("12a", &v), -EINVAL);
	assert_int_equal(arg_u32(" 1", &v), -EINVAL);
	assert_int_equal(arg_u64("18446744073709551615", &w), 0);
	assert_true(w == UINT64_MAX);
	assert_int_equal(arg_u64("18446744073709551616", &w), -EINVAL);
}

static void test_prefixes(void **state)
{
	uint32_t a;
	uint8_t len;

	(void)state;
	assert_int_equal(arg_prefix("10.1.1.0/24", &a, &len), 0);
	assert_int_equal(a, be("10.1.1.0"));
	assert_int_equal(len, 24);
	assert_int_equal(arg_prefix("10.2.2.5", &a, &len), 0);
	assert_int_equal(len, 32);
	assert_int_equal(arg_prefix("0.0.0.0/0", &a, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(arg_prefix("10.1.1.1/24", &a, &len), -EDOM);
	assert_int_equal(arg_prefix("10.1.1.0/33", &a, &len), -EINVAL);
	assert_int_equal(arg_prefix("10.1.1.0/", &a, &len), -EINVAL);
	assert_int_equal(arg_prefix("10.1.1.0/-1", &a, &len), -EINVAL);
	assert_int_equal(arg_prefix("10.1.1/24", &a, &len), -EINVAL);
	assert_int_equal(arg_prefix("host/24", &a, &len), -EINVAL);
	assert_int_equal(arg_addr("192.0.2.1", &a), 0);
	assert_int_equal(a, be("192.0.2.1"));
	assert_int_equal(arg_addr("192.0.2.256", &a), -EINVAL);
}

static void test_protos(void **state)
{
	uint8_t p;

	(void)state;
	assert_int_equal(arg_proto("tcp", &p), 0);
	assert_int_equal(p, 6);
	assert_int_equal(arg_proto("udp", &p), 0);
	assert_int_equal(p, 17);
	assert_int_equal(arg_proto("icmp", &p), 0);
	assert_int_equal(p, 1);
	assert_int_equal(arg_proto("any", &p), 0);
	assert_int_equal(p, 0);
	assert_int_equal(arg_proto("47", &p), 0);
	assert_int_equal(p, 47);
	assert_int_equal(arg_proto("256", &p), -EINVAL);
	assert_int_equal(arg_proto("tc", &p), -EINVAL);
	assert_string_equal(proto_name(17), "udp");
	assert_null(proto_name(99));
}

static void test_keys(void **state)
{
	uint8_t key[ESPGW_KEY_MAX_LEN];
	char hex[2 * ESPGW_KEY_MAX_LEN + 3];
	size_t len;

	(void)state;
	assert_int_equal(arg_hexkey("0x00ff10Ab", key, sizeof(key), &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(key, "\x00\xff\x10\xab", 4);
	assert_int_equal(arg_hexkey("a0b1", key, sizeof(key), &len), 0);
	assert_int_equal(len, 2);
	assert_int_equal(arg_hexkey("abc", key, sizeof(key), &len), -EINVAL);
	assert_int_equal(arg_hexkey("0x", key, sizeof(key), &len), -EINVAL);
	assert_int_equal(arg_hexkey("zz", key, sizeof(key), &len), -EINVAL);
	memset(hex, 'a', sizeof(hex) - 1);
	hex[2 * ESPGW_KEY_MAX_LEN] = '\0';
	assert_int_equal(arg_hexkey(hex, key, sizeof(key), &len), 0);
	assert_int_equal(len, ESPGW_KEY_MAX_LEN);
	strcat(hex, "aa");
	assert_int_equal(arg_hexkey(hex, key, sizeof(key), &len), -E2BIG);
}

static void test_algorithms(void **state)
{
	static const struct {
		const char *name;
		uint32_t alg;
	} enc[] = {
		{ "aes-gcm-16", ESPGW_ENC_ALG_AES_GCM_16 }, { "aes-gcm", ESPGW_ENC_ALG_AES_GCM_16 },
		{ "aes-cbc", ESPGW_ENC_ALG_AES_CBC }, { "aes", ESPGW_ENC_ALG_AES_CBC },
		{ "des-cbc", ESPGW_ENC_ALG_DES_CBC }, { "des", ESPGW_ENC_ALG_DES_CBC },
		{ "3des-cbc", ESPGW_ENC_ALG_3DES_CBC }, { "3des", ESPGW_ENC_ALG_3DES_CBC },
		{ "esp-3des", ESPGW_ENC_ALG_3DES_CBC },
		{ "chacha20-poly1305", ESPGW_ENC_ALG_CHACHA20_POLY1305 },
	}, auth[] = {
		{ "hmac-md5-96", ESPGW_AUTH_ALG_HMAC_MD5_96 }, { "hmac-md5", ESPGW_AUTH_ALG_HMAC_MD5_96 },
		{ "hmac-sha1-96", ESPGW_AUTH_ALG_HMAC_SHA1_96 },
		{ "hmac-sha1", ESPGW_AUTH_ALG_HMAC_SHA1_96 },
		{ "esp-sha-hmac", ESPGW_AUTH_ALG_HMAC_SHA1_96 },
		{ "hmac-sha256-128", ESPGW_AUTH_ALG_HMAC_SHA256_128 },
		{ "hmac-sha256", ESPGW_AUTH_ALG_HMAC_SHA256_128 },
	};
	uint32_t v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(enc) / sizeof(enc[0]); i++) {
		assert_int_equal(arg_enc_alg(enc[i].name, &v), 0);
		assert_int_equal(v, enc[i].alg);
	}
	for (i = 0; i < sizeof(auth) / sizeof(auth[0]); i++) {
		assert_int_equal(arg_auth_alg(auth[i].name, &v), 0);
		assert_int_equal(v, auth[i].alg);
	}
	assert_int_equal(arg_enc_alg("none", &v), -EINVAL);
	assert_int_equal(arg_enc_alg("aes-g", &v), -EINVAL);
	assert_int_equal(arg_enc_alg("hmac-sha1", &v), -EINVAL);
	assert_int_equal(arg_auth_alg("none", &v), -EINVAL);
	assert_int_equal(arg_auth_alg("aes", &v), -EINVAL);
}

/* ---- requests ---- */

static struct nlmsghdr *check_header(struct nl_msg *msg, int cmd, int flags)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = genlmsg_hdr(nlh);

	assert_int_equal(nlh->nlmsg_flags, flags);
	assert_int_equal(gh->cmd, cmd);
	assert_int_equal(gh->version, ESPGW_FAMILY_VERSION);
	return nlh;
}

/* the raw bytes of a 4-byte attribute: network order on the wire */
static void assert_be32(struct nlattr *a, uint32_t host)
{
	uint32_t n = htonl(host);

	assert_non_null(a);
	assert_int_equal(nla_len(a), 4);
	assert_memory_equal(nla_data(a), &n, 4);
}

static void test_sa_add_request(void **state)
{
	struct nlattr *tb[ESPGW_A_SA_MAX + 1], *sel[ESPGW_A_SELECTOR_MAX + 1];
	struct nlattr *lft[ESPGW_A_LIFETIME_MAX + 1];
	struct nl_msg *msg;
	struct argerr e;
	char **argv;
	int argc, i;

	(void)state;
	argc = split("src 198.51.100.2 dst 192.0.2.1 spi 0x1234 dir in "
		     "enc aes 0x000102030405060708090a0b0c0d0e0f auth hmac-sha1 "
		     "00112233445566778899aabbccddeeff00112233 replay-window 1024 legacy "
		     "sel src 10.1.1.0/24 dst 10.2.2.5 proto tcp soft-bytes 1000 hard-secs 3600",
		     &argv);
	assert_int_equal(espgw_req_sa_add(argc, argv, &msg, &e), 0);
	check_header(msg, ESPGW_CMD_SA_NEW, 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, ESPGW_A_SA_MAX, NULL), 0);
	assert_be32(tb[ESPGW_A_SA_SPI], 0x1234);
	assert_be32(tb[ESPGW_A_SA_DST], 0xc0000201);
	assert_be32(tb[ESPGW_A_SA_SRC], 0xc6336402);
	assert_int_equal(nla_get_u32(tb[ESPGW_A_SA_DIR]), ESPGW_DIR_IN);
	assert_int_equal(nla_get_u32(tb[ESPGW_A_SA_ENC_ALG]), ESPGW_ENC_ALG_AES_CBC);
	assert_int_equal(nla_len(tb[ESPGW_A_SA_ENC_KEY]), 16);
	assert_memory_equal(nla_data(tb[ESPGW_A_SA_ENC_KEY]),
			    "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 16);
	assert_int_equal(nla_get_u32(tb[ESPGW_A_SA_AUTH_ALG]), ESPGW_AUTH_ALG_HMAC_SHA1_96);
	assert_int_equal(nla_len(tb[ESPGW_A_SA_AUTH_KEY]), 20);
	assert_int_equal(nla_get_u32(tb[ESPGW_A_SA_REPLAY_WINDOW]), 1024);
	assert_int_equal(nla_get_u32(tb[ESPGW_A_SA_FLAGS]), ESPGW_SA_FLAGS_LEGACY);
	/* nothing a sa-new request may not carry */
	for (i = ESPGW_A_SA_SEQ; i <= ESPGW_A_SA_MAX; i++)
		assert_null(tb[i]);
	assert_null(tb[ESPGW_A_SA_PAD]);

	assert_int_equal(nla_parse_nested(sel, ESPGW_A_SELECTOR_MAX, tb[ESPGW_A_SA_SELECTOR],
					  NULL), 0);
	assert_be32(sel[ESPGW_A_SELECTOR_SRC], 0x0a010100);
	assert_int_equal(nla_get_u8(sel[ESPGW_A_SELECTOR_SRC_PREFIX_LEN]), 24);
	assert_be32(sel[ESPGW_A_SELECTOR_DST], 0x0a020205);
	assert_int_equal(nla_get_u8(sel[ESPGW_A_SELECTOR_DST_PREFIX_LEN]), 32);
	assert_int_equal(nla_get_u8(sel[ESPGW_A_SELECTOR_PROTO]), 6);

	assert_int_equal(nla_parse_nested(lft, ESPGW_A_LIFETIME_MAX, tb[ESPGW_A_SA_LIFETIME],
					  NULL), 0);
	assert_true(nla_get_u64(lft[ESPGW_A_LIFETIME_SOFT_BYTES]) == 1000);
	assert_true(nla_get_u64(lft[ESPGW_A_LIFETIME_HARD_SECS]) == 3600);
	assert_null(lft[ESPGW_A_LIFETIME_HARD_BYTES]);
	assert_null(lft[ESPGW_A_LIFETIME_SOFT_PACKETS]);
	nlmsg_free(msg);
}

static void test_sa_add_minimal_aead(void **state)
{
	struct nlattr *tb[ESPGW_A_SA_MAX + 1];
	struct nl_msg *msg;
	struct argerr e;
	char **argv;
	int argc;

	(void)state;
	/* keywords in any order, SPI in decimal, key without 0x */
	argc = split("enc aes-gcm-16 00112233445566778899aabbccddeeff01020304 dir out "
		     "spi 4096 dst 192.0.2.1 src 198.51.100.2", &argv);
	assert_int_equal(espgw_req_sa_add(argc, argv, &msg, &e), 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, ESPGW_A_SA_MAX, NULL), 0);
	assert_be32(tb[ESPGW_A_SA_SPI], 4096);
	assert_int_equal(nla_get_u32(tb[ESPGW_A_SA_DIR]), ESPGW_DIR_OUT);
	assert_int_equal(nla_get_u32(tb[ESPGW_A_SA_ENC_ALG]), ESPGW_ENC_ALG_AES_GCM_16);
	assert_int_equal(nla_len(tb[ESPGW_A_SA_ENC_KEY]), 20);
	/* optional attributes not given are not sent: the kernel's defaults apply */
	assert_null(tb[ESPGW_A_SA_AUTH_ALG]);
	assert_null(tb[ESPGW_A_SA_AUTH_KEY]);
	assert_null(tb[ESPGW_A_SA_REPLAY_WINDOW]);
	assert_null(tb[ESPGW_A_SA_FLAGS]);
	assert_null(tb[ESPGW_A_SA_SELECTOR]);
	assert_null(tb[ESPGW_A_SA_LIFETIME]);
	assert_null(tb[ESPGW_A_SA_ENCAP]);
	nlmsg_free(msg);
}

/* the encap nest of a sa add line: type, local and peer port, or NULL when absent */
static struct nlattr **encap_of(const char *line, struct nl_msg **msg)
{
	static struct nlattr *enc[ESPGW_A_ENCAP_MAX + 1];
	struct nlattr *tb[ESPGW_A_SA_MAX + 1];
	struct argerr e;
	char **argv;
	int argc = split(line, &argv);

	assert_int_equal(espgw_req_sa_add(argc, argv, msg, &e), 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(*msg), 0, tb, ESPGW_A_SA_MAX, NULL), 0);
	if (!tb[ESPGW_A_SA_ENCAP])
		return NULL;
	assert_int_equal(nla_parse_nested(enc, ESPGW_A_ENCAP_MAX, tb[ESPGW_A_SA_ENCAP], NULL), 0);
	return enc;
}

static void assert_port(struct nlattr *a, uint16_t port)
{
	uint16_t n = htons(port);

	assert_non_null(a);
	assert_int_equal(nla_len(a), 2);
	assert_memory_equal(nla_data(a), &n, 2);	/* network byte order */
}

#define ENCAP_IN "src 198.51.100.2 dst 192.0.2.1 spi 0x1234 dir in enc aes-gcm " \
	"00112233445566778899aabbccddeeff01020304 sel src 10.1.1.0/24 dst 10.2.2.5 "
#define ENCAP_OUT "src 192.0.2.1 dst 198.51.100.2 spi 0x4321 dir out enc aes-gcm " \
	"00112233445566778899aabbccddeeff01020304 "

/* sport/dport are the packets' ports, like src/dst: the request carries local/peer */
static void test_sa_add_encap(void **state)
{
	struct nlattr **enc;
	struct nl_msg *msg;

	(void)state;
	/* inbound: from the peer's 40001 to our 4500 */
	enc = encap_of(ENCAP_IN "encap espinudp sport 40001 dport 4500", &msg);
	assert_non_null(enc);
	assert_int_equal(nla_get_u32(enc[ESPGW_A_ENCAP_TYPE]), ESPGW_ENCAP_TYPE_ESPINUDP);
	assert_port(enc[ESPGW_A_ENCAP_LOCAL_PORT], 4500);
	assert_port(enc[ESPGW_A_ENCAP_PEER_PORT], 40001);
	nlmsg_free(msg);
	/* outbound: from our 4500 to the peer's 40001; dport first, encap before dir */
	enc = encap_of("encap espinudp dport 40001 sport 4500 " ENCAP_OUT, &msg);
	assert_non_null(enc);
	assert_port(enc[ESPGW_A_ENCAP_LOCAL_PORT], 4500);
	assert_port(enc[ESPGW_A_ENCAP_PEER_PORT], 40001);
	nlmsg_free(msg);
	/* none: the type alone */
	enc = encap_of(ENCAP_OUT "encap none", &msg);
	assert_non_null(enc);
	assert_int_equal(nla_get_u32(enc[ESPGW_A_ENCAP_TYPE]), ESPGW_ENCAP_TYPE_NONE);
	assert_null(enc[ESPGW_A_ENCAP_LOCAL_PORT]);
	assert_null(enc[ESPGW_A_ENCAP_PEER_PORT]);
	nlmsg_free(msg);
	/* the extremes of a port; a keyword after the ports */
	enc = encap_of(ENCAP_OUT "encap espinudp sport 1 dport 65535 replay-window 0", &msg);
	assert_port(enc[ESPGW_A_ENCAP_LOCAL_PORT], 1);
	assert_port(enc[ESPGW_A_ENCAP_PEER_PORT], 65535);
	nlmsg_free(msg);
}

#define SA_BASE "src 1.1.1.1 dst 2.2.2.2 spi 0x100 dir out enc aes 00112233445566778899aabbccddeeff"

static const struct {
	const char *line;
	const char *msg;
} sa_add_errors[] = {
	{ "src 1.1.1.1 dst 2.2.2.2 spi xyz", "sa add: invalid SPI 'xyz'" },
	{ "src 1.1.1.1 spi 1 dir out enc aes 0011", "sa add: missing 'dst'" },
	{ "dst 2.2.2.2 spi 1 dir out enc aes 0011", "sa add: missing 'src'" },
	{ "src 1.1.1.1 dst 2.2.2.2 dir out enc aes 0011", "sa add: missing 'spi'" },
	{ "src 1.1.1.1 dst 2.2.2.2 spi 1 enc aes 0011", "sa add: missing 'dir'" },
	{ "src 1.1.1.1 dst 2.2.2.2 spi 1 dir out", "sa add: missing 'enc'" },
	{ SA_BASE " colour blue", "sa add: unknown keyword 'colour'" },
	{ SA_BASE " spi", "sa add: 'spi' given twice" },
	{ SA_BASE " replay-window", "sa add: 'replay-window' needs a value" },
	{ SA_BASE " replay-window lots", "sa add: invalid number 'lots' for 'replay-window'" },
	{ SA_BASE " soft-bytes 1 soft-bytes 2", "sa add: 'soft-bytes' given twice" },
	{ SA_BASE " hard-packets -5", "sa add: invalid number '-5' for 'hard-packets'" },
	{ "src 1.1.1 dst 2.2.2.2", "sa add: invalid address '1.1.1' for 'src'" },
	{ "src 1.1.1.1 dst 2.2.2.2 spi 1 dir sideways", "sa add: invalid direction 'sideways' (in or out)" },
	{ "src 1.1.1.1 enc blowfish 0011", "sa add: unknown encryption algorithm 'blowfish'" },
	{ "src 1.1.1.1 auth sha512 0011", "sa add: unknown integrity algorithm 'sha512'" },
	{ "src 1.1.1.1 enc aes", "sa add: 'enc aes' needs a key" },
	{ "src 1.1.1.1 enc aes 0x001", "sa add: invalid enc key (hex digits, an even number of them)" },
	{ "src 1.1.1.1 auth sha1 secret", "sa add: invalid auth key (hex digits, an even number of them)" },
	{ SA_BASE " sel src 10.0.0.0/8", "sa add: missing 'sel dst'" },
	{ SA_BASE " sel dst 10.0.0.0/8 proto tcp", "sa add: missing 'sel src'" },
	{ SA_BASE " sel src 10.0.0.1/8 dst 10.2.0.0/16", "sa add: prefix '10.0.0.1/8' for 'sel src' has host bits set" },
	{ SA_BASE " sel src 10.0.0.0/8 dst 10.2.0.0/99", "sa add: invalid prefix '10.2.0.0/99' for 'sel dst' (a.b.c.d/len)" },
	{ SA_BASE " sel src 10.0.0.0/8 dst 10.2.0.0/16 proto bogus", "sa add: invalid protocol 'bogus' (a number or any, icmp, tcp, udp)" },
	{ SA_BASE " sel src 10.0.0.0/8 dst 10.2.0.0/16 sel", "sa add: 'sel' given twice" },
	{ SA_BASE " encap", "sa add: 'encap' needs a value" },
	{ SA_BASE " encap espintcp", "sa add: invalid encap 'espintcp' (espinudp or none)" },
	{ SA_BASE " encap espinudp", "sa add: missing 'encap ... sport'" },
	{ SA_BASE " encap espinudp sport 4500", "sa add: missing 'encap ... dport'" },
	{ SA_BASE " encap espinudp dport 4500", "sa add: missing 'encap ... sport'" },
	{ SA_BASE " encap espinudp sport 0 dport 4500", "sa add: invalid port '0' for 'sport' (1-65535)" },
	{ SA_BASE " encap espinudp sport 4500 dport 65536", "sa add: invalid port '65536' for 'dport' (1-65535)" },
	{ SA_BASE " encap espinudp sport 4500 dport", "sa add: 'dport' needs a value" },
	{ SA_BASE " encap espinudp sport 4500 sport 4501", "sa add: 'sport' given twice" },
	{ SA_BASE " encap espinudp sport 4500 dport 4500 encap none", "sa add: 'encap' given twice" },
	{ SA_BASE " encap none sport 4500", "sa add: unknown keyword 'sport'" },
	{ SA_BASE " sport 4500", "sa add: unknown keyword 'sport'" },
};

static void test_sa_add_errors(void **state)
{
	struct nl_msg *msg;
	struct argerr e;
	char **argv;
	size_t i;
	int argc;

	(void)state;
	for (i = 0; i < sizeof(sa_add_errors) / sizeof(sa_add_errors[0]); i++) {
		argc = split(sa_add_errors[i].line, &argv);
		memset(&e, 0, sizeof(e));
		msg = (struct nl_msg *)&e;
		assert_int_equal(espgw_req_sa_add(argc, argv, &msg, &e), -EINVAL);
		assert_null(msg);
		assert_string_equal(e.msg, sa_add_errors[i].msg);
	}
}

/* a key, even a malformed or oversized one, never appears in a message */
static void test_sa_add_errors_never_show_keys(void **state)
{
	static const char *const lines[] = {
		"src 1.1.1.1 enc aes 0x5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e7X",
		"src 1.1.1.1 auth hmac-sha1 5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e",
		"src 1.1.1.1 enc aes 5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e7"
		"5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e7",
		"src 1.1.1.1 enc aes 5ec2e75ec2e7 extra",
	};
	struct nl_msg *msg;
	struct argerr e;
	char **argv;
	size_t i;
	int argc;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		argc = split(lines[i], &argv);
		assert_int_equal(espgw_req_sa_add(argc, argv, &msg, &e), -EINVAL);
		assert_null(strstr(e.msg, "5ec2e7"));
	}
	assert_non_null(strstr(e.msg, "unknown keyword 'extra'"));
}

/* ---- keys off the command line: @FILE, @- ---- */

#define ENC_HEX		"000102030405060708090a0b0c0d0e0f"
#define AUTH_HEX	"00112233445566778899aabbccddeeff00112233"
#define KEY_BASE	"src 198.51.100.2 dst 192.0.2.1 spi 0x1234 dir out "

static char key_dir[64];

/* a file holding text (a key, say), in a directory of the test's own; its path in path */
static void key_file(const char *text, char *path, size_t len)
{
	static unsigned int n;
	char *dir = key_dir;
	FILE *f;

	if (!dir[0]) {
		snprintf(key_dir, sizeof(key_dir), "/tmp/espgw-args-XXXXXX");
		assert_non_null(mkdtemp(dir));
	}
	snprintf(path, len, "%s/key%u", dir, n++);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* standard input (fd 0) reads text until stdin_restore(); returns the old fd 0 */
static int stdin_from(const char *text)
{
	char path[128];
	int saved = dup(0), fd;

	assert_true(saved >= 0);
	key_file(text, path, sizeof(path));
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	unlink(path);
	return saved;
}

static void stdin_restore(int saved)
{
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
}

/* sa add of line into msg's attributes; returns espgw_req_sa_add's result */
static int sa_add_attrs(const char *line, struct nlattr **tb, struct nl_msg **msg,
			struct argerr *e)
{
	char **argv;
	int argc = split(line, &argv), ret;

	*msg = NULL;
	ret = espgw_req_sa_add(argc, argv, msg, e);
	if (!ret)
		assert_int_equal(genlmsg_parse(nlmsg_hdr(*msg), 0, tb, ESPGW_A_SA_MAX, NULL), 0);
	return ret;
}

static void assert_keys(struct nlattr **tb)
{
	assert_int_equal(nla_len(tb[ESPGW_A_SA_ENC_KEY]), 16);
	assert_memory_equal(nla_data(tb[ESPGW_A_SA_ENC_KEY]),
			    "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 16);
	assert_int_equal(nla_len(tb[ESPGW_A_SA_AUTH_KEY]), 20);
	assert_memory_equal(nla_data(tb[ESPGW_A_SA_AUTH_KEY]),
			    "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff"
			    "\x00\x11\x22\x33", 20);
}

static void test_sa_add_key_files(void **state)
{
	struct nlattr *tb[ESPGW_A_SA_MAX + 1];
	char enc[128], auth[128], line[512];
	struct nl_msg *msg;
	struct argerr e;

	(void)state;
	/* 0x or not, whitespace and newlines around it ignored */
	key_file("  0x" ENC_HEX "\n", enc, sizeof(enc));
	key_file(AUTH_HEX "\n\n", auth, sizeof(auth));
	snprintf(line, sizeof(line), KEY_BASE "enc aes @%s auth hmac-sha1 @%s", enc, auth);
	assert_int_equal(sa_add_attrs(line, tb, &msg, &e), 0);
	assert_keys(tb);
	nlmsg_free(msg);
	/* one from a file, one on the command line */
	snprintf(line, sizeof(line), KEY_BASE "enc aes " ENC_HEX " auth hmac-sha1 @%s", auth);
	assert_int_equal(sa_add_attrs(line, tb, &msg, &e), 0);
	assert_keys(tb);
	nlmsg_free(msg);
}

static void test_sa_add_keys_stdin(void **state)
{
	struct nlattr *tb[ESPGW_A_SA_MAX + 1];
	char auth[128], line[512];
	struct nl_msg *msg;
	struct argerr e;
	int saved;

	(void)state;
	/* one line each, in the order of the command line */
	saved = stdin_from(ENC_HEX "\n 0x" AUTH_HEX " \n");
	assert_int_equal(sa_add_attrs(KEY_BASE "enc aes @- auth hmac-sha1 @-", tb, &msg, &e), 0);
	stdin_restore(saved);
	assert_keys(tb);
	nlmsg_free(msg);

	saved = stdin_from(AUTH_HEX "\r\n" ENC_HEX);	/* no newline at the end */
	assert_int_equal(sa_add_attrs(KEY_BASE "auth hmac-sha1 @- enc aes @-", tb, &msg, &e), 0);
	stdin_restore(saved);
	assert_keys(tb);
	nlmsg_free(msg);

	/* one from standard input, one from a file */
	key_file(AUTH_HEX, auth, sizeof(auth));
	snprintf(line, sizeof(line), KEY_BASE "auth hmac-sha1 @%s enc aes @-", auth);
	saved = stdin_from(ENC_HEX "\n");
	assert_int_equal(sa_add_attrs(line, tb, &msg, &e), 0);
	stdin_restore(saved);
	assert_keys(tb);
	nlmsg_free(msg);
}

static void test_sa_add_key_file_errors(void **state)
{
	struct nlattr *tb[ESPGW_A_SA_MAX + 1];
	char path[128], line[512], big[400];
	struct nl_msg *msg;
	struct argerr e;
	int saved;

	(void)state;
	assert_int_equal(sa_add_attrs(KEY_BASE "enc aes @/nonexistent/key", tb, &msg, &e),
			 -EINVAL);
	assert_null(msg);
	assert_string_equal(e.msg, "sa add: cannot read the enc key from '/nonexistent/key': "
			    "No such file or directory");

	key_file(" \n", path, sizeof(path));
	snprintf(line, sizeof(line), KEY_BASE "enc aes @%s", path);
	assert_int_equal(sa_add_attrs(line, tb, &msg, &e), -EINVAL);
	snprintf(line, sizeof(line), "sa add: no enc key in '%s'", path);
	assert_string_equal(e.msg, line);

	/* a bad key in a file is not shown either */
	key_file("5ec2e75ec2e7 5ec2e7\n", path, sizeof(path));
	snprintf(line, sizeof(line), KEY_BASE "enc aes " ENC_HEX " auth sha1 @%s", path);
	assert_int_equal(sa_add_attrs(line, tb, &msg, &e), -EINVAL);
	assert_string_equal(e.msg, "sa add: invalid auth key (hex digits, an even number of them)");

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	key_file(big, path, sizeof(path));
	snprintf(line, sizeof(line), KEY_BASE "enc aes @%s", path);
	assert_int_equal(sa_add_attrs(line, tb, &msg, &e), -EINVAL);
	assert_string_equal(e.msg, "sa add: enc key longer than 64 bytes");

	/* a directory is no key file */
	assert_int_equal(sa_add_attrs(KEY_BASE "enc aes @/", tb, &msg, &e), -EINVAL);
	assert_string_equal(e.msg, "sa add: cannot read the enc key from '/': Is a directory");

	/* standard input has one line for two @- */
	saved = stdin_from(ENC_HEX "\n");
	assert_int_equal(sa_add_attrs(KEY_BASE "enc aes @- auth sha1 @-", tb, &msg, &e),
			 -EINVAL);
	stdin_restore(saved);
	assert_string_equal(e.msg, "sa add: no auth key in standard input");
}

/* a key given as hex is noted (the tool warns); one from a file or stdin is not */
static void test_sa_add_key_in_argv(void **state)
{
	struct nlattr *tb[ESPGW_A_SA_MAX + 1];
	char enc[128], line[512];
	struct nl_msg *msg;
	struct argerr e;

	(void)state;
	key_file(ENC_HEX, enc, sizeof(enc));
	snprintf(line, sizeof(line), KEY_BASE "enc aes @%s", enc);
	e.key_in_argv = true;
	assert_int_equal(sa_add_attrs(line, tb, &msg, &e), 0);
	assert_false(e.key_in_argv);
	nlmsg_free(msg);
	assert_int_equal(sa_add_attrs(KEY_BASE "enc aes " ENC_HEX, tb, &msg, &e), 0);
	assert_true(e.key_in_argv);
	nlmsg_free(msg);
	/* noted even when the command line is wrong: ps saw it all the same */
	assert_int_equal(sa_add_attrs("src 1.1.1.1 enc aes 0011", tb, &msg, &e), -EINVAL);
	assert_true(e.key_in_argv);
	snprintf(line, sizeof(line), "src 1.1.1.1 enc aes @%s", enc);
	assert_int_equal(sa_add_attrs(line, tb, &msg, &e), -EINVAL);
	assert_false(e.key_in_argv);
}

static void test_read_secret(void **state)
{
	char path[128], buf[16];
	int saved;

	(void)state;
	key_file("\t abc def \n\n", path, sizeof(path));
	assert_int_equal(arg_read_secret(path, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "abc def");	/* only the whitespace around it goes */
	key_file("0123456789abcde", path, sizeof(path));	/* 15: fits */
	assert_int_equal(arg_read_secret(path, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0123456789abcde");
	key_file("0123456789abcdef", path, sizeof(path));
	assert_int_equal(arg_read_secret(path, buf, sizeof(buf)), -E2BIG);
	assert_int_equal(arg_read_secret("/nonexistent", buf, sizeof(buf)), -ENOENT);

	/* standard input a line at a time, nothing read beyond it */
	saved = stdin_from("one\n  two  \n\n0123456789abcdef\nlast");
	assert_int_equal(arg_read_secret("-", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "one");
	assert_int_equal(arg_read_secret("-", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "two");
	assert_int_equal(arg_read_secret("-", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(arg_read_secret("-", buf, sizeof(buf)), -E2BIG);
	stdin_restore(saved);
}

static void test_sa_delete_request(void **state)
{
	struct nlattr *tb[ESPGW_A_SA_MAX + 1];
	struct nl_msg *msg;
	struct argerr e;
	char **argv;
	int argc, i, n = 0;

	(void)state;
	argc = split("spi 0xc0ffee dst 192.0.2.1", &argv);
	assert_int_equal(espgw_req_sa_delete(argc, argv, &msg, &e), 0);
	check_header(msg, ESPGW_CMD_SA_DEL, 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, ESPGW_A_SA_MAX, NULL), 0);
	assert_be32(tb[ESPGW_A_SA_SPI], 0xc0ffee);
	assert_be32(tb[ESPGW_A_SA_DST], 0xc0000201);
	for (i = 1; i <= ESPGW_A_SA_MAX; i++)
		n += tb[i] != NULL;
	assert_int_equal(n, 2);
	nlmsg_free(msg);

	argc = split("dst 192.0.2.1", &argv);
	assert_int_equal(espgw_req_sa_delete(argc, argv, &msg, &e), -EINVAL);
	assert_string_equal(e.msg, "sa delete: missing 'spi'");
	argc = split("spi 1 src 1.2.3.4", &argv);
	assert_int_equal(espgw_req_sa_delete(argc, argv, &msg, &e), -EINVAL);
	assert_string_equal(e.msg, "sa delete: unknown keyword 'src'");
}

static void test_sa_show_filter(void **state)
{
	struct espgw_sa sa;
	struct argerr e;
	char **argv;
	int argc;

	(void)state;
	assert_int_equal(espgw_args_sa_id("sa show", 0, NULL, false, &sa, &e), 0);
	assert_int_equal(sa.have, 0);
	argc = split("dst 10.0.0.1", &argv);
	assert_int_equal(espgw_args_sa_id("sa show", argc, argv, false, &sa, &e), 0);
	assert_int_equal(sa.have, 1u << ESPGW_A_SA_DST);
	argc = split("spi 0x", &argv);
	assert_int_equal(espgw_args_sa_id("sa show", argc, argv, false, &sa, &e), -EINVAL);
	assert_string_equal(e.msg, "sa show: invalid SPI '0x'");
}

static void test_policy_add_request(void **state)
{
	struct nlattr *tb[ESPGW_A_POLICY_MAX + 1], *sel[ESPGW_A_SELECTOR_MAX + 1];
	struct nl_msg *msg;
	struct argerr e;
	char **argv;
	int argc;

	(void)state;
	argc = split("id 7 priority 100 src 10.1.1.0/24 dst 10.2.2.0/24 proto udp "
		     "action protect sa spi 0x1234 dst 192.0.2.1", &argv);
	assert_int_equal(espgw_req_policy_add(false, argc, argv, &msg, &e), 0);
	check_header(msg, ESPGW_CMD_POLICY_NEW, 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, ESPGW_A_POLICY_MAX, NULL), 0);
	assert_int_equal(nla_get_u32(tb[ESPGW_A_POLICY_ID]), 7);
	assert_int_equal(nla_get_u32(tb[ESPGW_A_POLICY_PRIORITY]), 100);
	assert_int_equal(nla_get_u32(tb[ESPGW_A_POLICY_ACTION]), ESPGW_ACTION_PROTECT);
	assert_be32(tb[ESPGW_A_POLICY_SA_DST], 0xc0000201);
	assert_be32(tb[ESPGW_A_POLICY_SA_SPI], 0x1234);
	assert_null(tb[ESPGW_A_POLICY_PACKETS]);
	assert_int_equal(nla_parse_nested(sel, ESPGW_A_SELECTOR_MAX, tb[ESPGW_A_POLICY_SELECTOR],
					  NULL), 0);
	assert_be32(sel[ESPGW_A_SELECTOR_SRC], 0x0a010100);
	assert_int_equal(nla_get_u8(sel[ESPGW_A_SELECTOR_SRC_PREFIX_LEN]), 24);
	assert_be32(sel[ESPGW_A_SELECTOR_DST], 0x0a020200);
	assert_int_equal(nla_get_u8(sel[ESPGW_A_SELECTOR_PROTO]), 17);
	nlmsg_free(msg);
}

static void test_policy_replace_sets_flag(void **state)
{
	struct nlattr *tb[ESPGW_A_POLICY_MAX + 1], *sel[ESPGW_A_SELECTOR_MAX + 1];
	struct nl_msg *msg;
	struct argerr e;
	char **argv;
	int argc;

	(void)state;
	argc = split("id 7 src 10.1.1.0/24 dst 0.0.0.0/0 action bypass", &argv);
	assert_int_equal(espgw_req_policy_add(true, argc, argv, &msg, &e), 0);
	check_header(msg, ESPGW_CMD_POLICY_SET, 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, ESPGW_A_POLICY_MAX, NULL), 0);
	assert_int_equal(nla_get_u32(tb[ESPGW_A_POLICY_ACTION]), ESPGW_ACTION_BYPASS);
	assert_null(tb[ESPGW_A_POLICY_PRIORITY]);
	assert_null(tb[ESPGW_A_POLICY_SA_DST]);
	assert_null(tb[ESPGW_A_POLICY_SA_SPI]);
	assert_int_equal(nla_parse_nested(sel, ESPGW_A_SELECTOR_MAX, tb[ESPGW_A_POLICY_SELECTOR],
					  NULL), 0);
	assert_int_equal(nla_get_u8(sel[ESPGW_A_SELECTOR_DST_PREFIX_LEN]), 0);
	assert_int_equal(nla_get_u8(sel[ESPGW_A_SELECTOR_PROTO]), 0);
	nlmsg_free(msg);

	/* actions may be abbreviated */
	argc = split("id 8 src 10.1.1.0/24 dst 10.9.0.0/16 action disc", &argv);
	assert_int_equal(espgw_req_policy_add(false, argc, argv, &msg, &e), 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, ESPGW_A_POLICY_MAX, NULL), 0);
	assert_int_equal(nla_get_u32(tb[ESPGW_A_POLICY_ACTION]), ESPGW_ACTION_DISCARD);
	nlmsg_free(msg);
}

static const struct {
	const char *line;
	const char *msg;
} policy_errors[] = {
	{ "src 10.0.0.0/8 dst 10.2.0.0/16 action protect", "policy add: missing 'id'" },
	{ "id 1 dst 10.2.0.0/16 action protect", "policy add: missing 'src'" },
	{ "id 1 src 10.0.0.0/8 action protect", "policy add: missing 'dst'" },
	{ "id 1 src 10.0.0.0/8 dst 10.2.0.0/16", "policy add: missing 'action'" },
	{ "id one", "policy add: invalid number 'one' for 'id'" },
	{ "id 1 action encrypt", "policy add: invalid action 'encrypt' (protect, bypass or discard)" },
	{ "id 1 src 10.0.0.0/8 src 10.0.0.0/8", "policy add: 'src' given twice" },
	{ "id 1 action protect sa dst 1.2.3.4", "policy add: missing 'sa spi'" },
	{ "id 1 action protect sa spi 5", "policy add: missing 'sa dst'" },
	{ "id 1 action protect sa", "policy add: missing 'sa dst'" },
	{ "id 1 action protect sa dst 1.2.3 spi 5", "policy add: invalid address '1.2.3' for 'sa dst'" },
	{ "id 1 sel src 10.0.0.0/8", "policy add: unknown keyword 'sel'" },
};

static void test_policy_add_errors(void **state)
{
	struct nl_msg *msg;
	struct argerr e;
	char **argv;
	size_t i;
	int argc;

	(void)state;
	for (i = 0; i < sizeof(policy_errors) / sizeof(policy_errors[0]); i++) {
		argc = split(policy_errors[i].line, &argv);
		assert_int_equal(espgw_req_policy_add(false, argc, argv, &msg, &e), -EINVAL);
		assert_null(msg);
		assert_string_equal(e.msg, policy_errors[i].msg);
	}
	argc = split("id 1", &argv);
	assert_int_equal(espgw_req_policy_add(true, argc, argv, &msg, &e), -EINVAL);
	assert_string_equal(e.msg, "policy replace: missing 'src'");
}

static void test_policy_delete_and_flush(void **state)
{
	struct nlattr *tb[ESPGW_A_POLICY_MAX + 1], *ftb[ESPGW_A_FLUSH_MAX + 1];
	struct nl_msg *msg;
	struct argerr e;
	char **argv;
	int argc;

	(void)state;
	argc = split("id 42", &argv);
	assert_int_equal(espgw_req_policy_delete(argc, argv, &msg, &e), 0);
	check_header(msg, ESPGW_CMD_POLICY_DEL, 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, ESPGW_A_POLICY_MAX, NULL), 0);
	assert_int_equal(nla_get_u32(tb[ESPGW_A_POLICY_ID]), 42);
	assert_null(tb[ESPGW_A_POLICY_SELECTOR]);
	nlmsg_free(msg);
	assert_int_equal(espgw_req_policy_delete(0, argv, &msg, &e), -EINVAL);
	assert_string_equal(e.msg, "policy delete: missing 'id'");

	assert_int_equal(espgw_req_flush("sa flush", ESPGW_FLUSH_WHAT_SA, 0, argv, &msg, &e), 0);
	check_header(msg, ESPGW_CMD_FLUSH, 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, ftb, ESPGW_A_FLUSH_MAX, NULL), 0);
	assert_int_equal(nla_get_u32(ftb[ESPGW_A_FLUSH_WHAT]), ESPGW_FLUSH_WHAT_SA);
	nlmsg_free(msg);
	argc = split("now", &argv);
	assert_int_equal(espgw_req_flush("flush", ESPGW_FLUSH_WHAT_ALL, argc, argv, &msg, &e),
			 -EINVAL);
	assert_string_equal(e.msg, "flush: unexpected argument 'now'");
}

static int remove_key_dir(void **state)
{
	char cmd[128];

	(void)state;
	if (!key_dir[0])
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", key_dir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_protos),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_algorithms),
		cmocka_unit_test(test_sa_add_request),
		cmocka_unit_test(test_sa_add_minimal_aead),
		cmocka_unit_test(test_sa_add_encap),
		cmocka_unit_test(test_sa_add_errors),
		cmocka_unit_test(test_sa_add_errors_never_show_keys),
		cmocka_unit_test(test_sa_add_key_files),
		cmocka_unit_test(test_sa_add_keys_stdin),
		cmocka_unit_test(test_sa_add_key_file_errors),
		cmocka_unit_test(test_sa_add_key_in_argv),
		cmocka_unit_test(test_read_secret),
		cmocka_unit_test(test_sa_delete_request),
		cmocka_unit_test(test_sa_show_filter),
		cmocka_unit_test(test_policy_add_request),
		cmocka_unit_test(test_policy_replace_sets_flag),
		cmocka_unit_test(test_policy_add_errors),
		cmocka_unit_test(test_policy_delete_and_flush),
	};

	return cmocka_run_group_tests_name("args", tests, NULL, remove_key_dir);
}
