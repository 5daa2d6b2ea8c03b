// SPDX-License-Identifier: GPL-2.0
/*
 * espgwd.conf: the document's configuration (the shipped example, and the
 * router's configuration pasted as the document prints it), every error with
 * its exact "name:line: message", defaults, key lookup, legacy gating,
 * warnings for the router lines espgwd ignores.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "passwd.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static struct conf C;
static char ERR[CONF_ERR_MAX];

/* The example lives in docs/; the tests run from the top of the tree (make unit). */
static const char *example_path(void)
{
	static const char *const cand[] = {
		"docs/examples/cisco-14123.conf",
		"../docs/examples/cisco-14123.conf",
		"../../docs/examples/cisco-14123.conf",
	};
	size_t i;

	for (i = 0; i < sizeof(cand) / sizeof(cand[0]); i++)
		if (access(cand[i], R_OK) == 0)
			return cand[i];
	return cand[0];
}

static int parse(const char *text)
{
	return conf_parse("t.conf", text, &C, ERR, sizeof(ERR));
}

static void ok(const char *text)
{
	if (parse(text))
		fail_msg("unexpected error: %s", ERR);
}

static void bad(const char *text, const char *want)
{
	if (!parse(text)) {
		conf_free(&C);
		fail_msg("accepted, expected: %s", want);
	}
	assert_string_equal(ERR, want);
	/* nothing is left behind */
	assert_int_equal(C.npsks, 0);
	assert_null(C.warnings);
}

/* the warnings, joined with '|' */
static const char *warnings(void)
{
	static char buf[4096];
	const char *w;
	size_t it = 0;

	buf[0] = 0;
	while ((w = conf_warning(&C, &it))) {
		if (buf[0])
			strcat(buf, "|");
		strcat(buf, w);
	}
	return buf;
}

/* ------------------------------------------------- the document's config */

#define LEGACY_DOC "in use: the default encryption des in isakmp policy 1, hash md5 in isakmp " \
	"policy 1, the default group 1 in isakmp policy 1, esp-des in transform-set trans1, " \
	"esp-md5-hmac in transform-set trans1"

static void check_document(void)
{
	assert_true(C.legacy);
	assert_int_equal(C.npolicies, 1);
	assert_int_equal(C.policy_prio[0], 1);
	assert_int_equal(C.policies[0].enc, IKE_ENC_DES);
	assert_int_equal(C.policies[0].keybits, 0);
	assert_int_equal(C.policies[0].hash, IKE_HASH_MD5);
	assert_int_equal(C.policies[0].auth, IKE_AUTH_PSK);
	assert_int_equal(C.policies[0].group, IKE_GROUP_MODP768);
	assert_int_equal(C.policies[0].lifetime, 86400);

	assert_int_equal(C.npsks, 1);
	assert_int_equal(C.psks[0].peer.addr, 0);
	assert_int_equal(C.psks[0].peer.plen, 0);
	assert_string_equal(C.psks[0].key, "cisco123");
	assert_int_equal(C.psks[0].keylen, 8);

	assert_int_equal(C.ntsets, 1);
	assert_string_equal(C.tsets[0].name, "trans1");
	assert_int_equal(C.tsets[0].t.esp, ESP_DES);
	assert_int_equal(C.tsets[0].t.keybits, 0);
	assert_int_equal(C.tsets[0].t.auth, IPSEC_AUTH_HMAC_MD5);

	assert_true(C.have_dynmap);
	assert_string_equal(C.dynmap.name, "dynmap");
	assert_int_equal(C.dynmap.seq, 10);
	assert_int_equal(C.dynmap.ntsets, 1);
	assert_int_equal(C.dynmap.tsets[0], 0);
	assert_int_equal(C.dynmap.pfs_group, 0);
	assert_int_equal(C.dynmap.life_sec, 0);
	assert_int_equal(C.dynmap.life_kb, 0);
	assert_int_equal(C.dynmap.nnets, 1);
	assert_int_equal(C.dynmap.nets[0].addr, IP(10, 2, 2, 0));
	assert_int_equal(C.dynmap.nets[0].plen, 24);

	assert_int_equal(C.sa_life_sec, 3600);
	assert_int_equal(C.sa_life_kb, 4608000);
	assert_int_equal(C.npools, 1);
	assert_string_equal(C.pools[0].name, "ourpool");
	assert_int_equal(C.pools[0].nranges, 1);
	assert_int_equal(C.pools[0].ranges[0].first, IP(10, 2, 1, 1));
	assert_int_equal(C.pools[0].ranges[0].last, IP(10, 2, 1, 254));
	assert_int_equal(C.isakmp_pool, 0);
	assert_int_equal(C.modecfg, CONF_MODECFG_INITIATE | CONF_MODECFG_RESPOND);
	assert_string_equal(C.crypto_map, "intmap");
}

static void test_example_file(void **state)
{
	char want[1024];
	struct stat st;

	(void)state;
	if (conf_load(example_path(), &C, ERR, sizeof(ERR)))
		fail_msg("%s", ERR);
	check_document();
	assert_int_equal(C.policies[0].lifetime, 86400);
	assert_int_equal(C.psks[0].line, 40);
	/* a checkout is usually 0644: the file holds a key, so conf_load warns */
	assert_int_equal(stat(example_path(), &st), 0);
	snprintf(want, sizeof(want), "legacy algorithms enabled ('espgw legacy', line 27): DES, "
		 "3DES, MD5 and DH group 1 are accepted, though broken; " LEGACY_DOC);
	if (st.st_mode & S_IROTH)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "|%s is readable by "
			 "other users and holds pre-shared keys: chmod 600 %s", example_path(),
			 example_path());
	assert_string_equal(warnings(), want);
	conf_free(&C);
	assert_int_equal(C.npsks, 0);
	assert_null(C.warnings);
}

/* The router's configuration as the document prints it (flush left, as it
 * came out of the PDF), with the two lines espgwd needs added at the end of
 * their block. */
static const char doc_router[] =
	"Current configuration:\n"
	"!\n"
	"version 12.0\n"
	"service timestamps debug uptime\n"
	"service timestamps log uptime\n"
	"no service password-encryption\n"
	"!\n"
	"hostname Router\n"
	"!\n"
	"enable secret 5 $1$v5OP$mPuiEQn8ULa8hVMYVOVlD.\n"
	"enable password ww\n"
	"!\n"
	"ip subnet-zero\n"
	"!\n"
	"cns event-service server\n"
	"!\n"
	"\n"
	"!--- IKE configuration.\n"
	"\n"
	"crypto isakmp policy 1\n"
	"hash md5\n"
	"authentication pre-share\n"
	"crypto isakmp key cisco123 address 0.0.0.0\n"
	"crypto isakmp client configuration address-pool local ourpool\n"
	"!\n"
	"\n"
	"!--- IPSec configuration.\n"
	"\n"
	"crypto ipsec transform-set trans1 esp-des esp-md5-hmac\n"
	"!\n"
	"crypto dynamic-map dynmap 10\n"
	"set transform-set trans1\n"
	"set local-network 10.2.2.0 255.255.255.0\n"
	"!\n"
	"crypto map intmap client configuration address initiate\n"
	"crypto map intmap client configuration address respond\n"
	"crypto map intmap 10 ipsec-isakmp dynamic dynmap\n"
	"!\n"
	"interface Ethernet0\n"
	"ip address 201.70.32.101 255.255.255.0\n"
	"no ip directed-broadcast\n"
	"ip nat outside\n"
	"no ip route-cache\n"
	"no ip mroute-cache\n"
	"crypto map intmap\n"
	"!\n"
	"interface Serial1\n"
	"ip address 10.2.2.1 255.255.255.0\n"
	"no ip directed-broadcast\n"
	"ip nat inside\n"
	"!\n"
	"\n"
	"ip local pool ourpool 10.2.1.1 10.2.1.254\n"
	"ip nat pool outsidepool 201.70.32.150 201.70.32.160 netmask 255.255.255.0\n"
	"\n"
	"!--- Except the private network to private network traffic\n"
	"!--- from the NAT process.\n"
	"\n"
	"ip nat inside source route-map nonat pool outsidepool\n"
	"ip classless\n"
	"ip route 0.0.0.0 0.0.0.0 201.70.32.1\n"
	"no ip http server\n"
	"\n"
	"!--- Except the private network to private network traffic\n"
	"!--- from the NAT process.\n"
	"\n"
	"access-list 101 deny ip 10.2.2.0 0.0.0.255 10.2.1.0 0.0.0.255\n"
	"access-list 101 permit ip 10.2.2.0 0.0.0.255 any\n"
	"route-map nonat permit 10\n"
	"match ip address 101\n"
	"!\n"
	"line con 0\n"
	"transport input none\n"
	"line aux 0\n"
	"line vty 0 4\n"
	"password ww\n"
	"login\n"
	"!\n"
	"end\n"
	"espgw legacy\n";

static void test_document_pasted(void **state)
{
	(void)state;
	ok(doc_router);
	check_document();
	assert_string_equal(warnings(),
		"legacy algorithms enabled ('espgw legacy', line 80): DES, 3DES, MD5 and DH group 1 "
		"are accepted, though broken; " LEGACY_DOC "|"
		"ignored: crypto map intmap on interface Ethernet0 (espgwd answers on every local "
		"address)|"
		/* one warning for the rest, in the order first seen, a count for each kind,
		 * a hint where the gateway needs it done on Linux */
		"ignored 28 router commands that espgwd does not read (docs/config-mapping.md "
		"says what replaces each on Linux): Current configuration: (line 1); version 12.0 "
		"(line 3); service timestamps debug uptime (line 4, and 1 more); no service "
		"password-encryption (line 6, and 5 more); hostname Router (line 8: set the host "
		"name with hostnamectl); enable (line 10, and 1 more); ip subnet-zero (line 13); "
		"cns event-service server (line 15); interface Ethernet0 (line 39, and 1 more: "
		"configure with ip addr); ip nat outside (line 42, and 3 more: NAT with nftables); "
		"ip classless (line 60); ip route 0.0.0.0 0.0.0.0 201.70.32.1 (line 61: configure "
		"with ip route); route-map nonat permit 10 (line 69: nftables rules); line con 0 "
		"(line 72, and 2 more); end (line 79)");
	/* no secret leaks into a warning */
	assert_null(strstr(warnings(), "ww"));
	assert_null(strstr(warnings(), "v5OP"));
	conf_free(&C);
}

/* The same, indented the way a router prints its running configuration. */
static void test_document_indented(void **state)
{
	(void)state;
	ok("espgw legacy\n"
	   "crypto isakmp policy 1\n"
	   " hash md5\n"
	   " authentication pre-share\n"
	   "crypto isakmp key cisco123 address 0.0.0.0\n"
	   "crypto isakmp client configuration address-pool local ourpool\n"
	   "crypto ipsec transform-set trans1 esp-des esp-md5-hmac\n"
	   " mode tunnel\n"
	   "crypto dynamic-map dynmap 10\n"
	   " set transform-set trans1\n"
	   " set local-network 10.2.2.0 255.255.255.0\n"
	   "crypto map intmap client configuration address initiate\n"
	   "crypto map intmap client configuration address respond\n"
	   "crypto map intmap 10 ipsec-isakmp dynamic dynmap\n"
	   "interface Ethernet0\n"
	   " ip address 201.70.32.101 255.255.255.0\n"
	   " crypto map intmap\n"
	   "ip local pool ourpool 10.2.1.1 10.2.1.254\n");
	check_document();
	conf_free(&C);
}

/* -------------------------------------------------------------- a modern one */

#define MODERN_HEAD \
	"crypto isakmp policy 10\n" \
	" encryption aes 256\n" \
	" hash sha256\n" \
	" authentication pre-share\n" \
	" group 14\n" \
	" lifetime 28800\n" \
	"crypto isakmp policy 5\n" \
	" encryption aes\n" \
	" authentication pre-share\n" \
	" group 2\n" \
	"crypto isakmp key s3cret address 0.0.0.0 0.0.0.0\n" \
	"crypto ipsec transform-set gcm esp-gcm 256\n" \
	"crypto ipsec transform-set cbc esp-aes esp-sha-hmac\n"

#define MODERN_DYNMAP \
	"crypto dynamic-map dm 1\n" \
	" set transform-set gcm cbc\n" \
	" match address 150\n"

#define MODERN_TAIL \
	"crypto map vpn 10 ipsec-isakmp dynamic dm\n" \
	"access-list 150 permit ip 10.2.2.0 0.0.0.255 10.2.1.0 0.0.0.255\n"

#define MODERN MODERN_HEAD MODERN_DYNMAP MODERN_TAIL

static void test_modern_and_defaults(void **state)
{
	(void)state;
	ok(MODERN);
	assert_false(C.legacy);
	/* sorted by priority */
	assert_int_equal(C.npolicies, 2);
	assert_int_equal(C.policy_prio[0], 5);
	assert_int_equal(C.policies[0].enc, IKE_ENC_AES_CBC);
	assert_int_equal(C.policies[0].keybits, 128);
	assert_int_equal(C.policies[0].hash, IKE_HASH_SHA1);	/* default */
	assert_int_equal(C.policies[0].group, IKE_GROUP_MODP1024);
	assert_int_equal(C.policies[0].lifetime, 86400);	/* default */
	assert_int_equal(C.policy_prio[1], 10);
	assert_int_equal(C.policies[1].keybits, 256);
	assert_int_equal(C.policies[1].hash, IKE_HASH_SHA2_256);
	assert_int_equal(C.policies[1].group, IKE_GROUP_MODP2048);
	assert_int_equal(C.policies[1].lifetime, 28800);
	/* a mask of 0.0.0.0 is the wildcard too */
	assert_int_equal(C.npsks, 1);
	assert_int_equal(C.psks[0].peer.plen, 0);
	assert_int_equal(C.ntsets, 2);
	assert_int_equal(C.tsets[0].t.esp, ESP_AES_GCM_16);
	assert_int_equal(C.tsets[0].t.keybits, 256);
	assert_int_equal(C.tsets[0].t.auth, IPSEC_AUTH_NONE);
	assert_int_equal(C.tsets[1].t.esp, ESP_AES_CBC);
	assert_int_equal(C.tsets[1].t.keybits, 128);		/* default */
	assert_int_equal(C.tsets[1].t.auth, IPSEC_AUTH_HMAC_SHA1);
	assert_int_equal(C.dynmap.ntsets, 2);
	assert_int_equal(C.dynmap.tsets[0], 0);
	assert_int_equal(C.dynmap.tsets[1], 1);
	assert_int_equal(C.dynmap.nnets, 1);
	assert_int_equal(C.dynmap.nets[0].addr, IP(10, 2, 2, 0));
	assert_int_equal(C.dynmap.nets[0].plen, 24);
	/* defaults */
	assert_int_equal(C.dynmap.pfs_group, 0);
	assert_int_equal(C.dynmap.life_sec, 0);
	assert_int_equal(C.dynmap.life_kb, 0);
	assert_int_equal(C.sa_life_sec, 3600);
	assert_int_equal(C.sa_life_kb, 4608000);
	assert_int_equal(C.isakmp_pool, -1);
	assert_int_equal(C.npools, 0);
	assert_int_equal(C.modecfg, CONF_MODECFG_NONE);
	assert_string_equal(C.crypto_map, "vpn");
	assert_string_equal(warnings(), "");
	conf_free(&C);
}

static void test_lifetimes_pfs_acl_pools(void **state)
{
	(void)state;
	ok(MODERN_HEAD
	   "crypto ipsec security-association lifetime seconds 7200\n"
	   "crypto ipsec security-association lifetime kilobytes 100000\n"
	   "crypto dynamic-map dm 1\n"
	   " set transform-set cbc\n"
	   " set pfs group14\n"
	   " set security-association lifetime seconds 1800\n"
	   " set security-association lifetime kilobytes 50000\n"
	   " match address 150\n"
	   " set local-network 192.168.0.0 255.255.0.0\n"
	   " set local-network 10.2.2.0 255.255.255.0\n"
	   "crypto map vpn 10 ipsec-isakmp dynamic dm\n"
	   "crypto map vpn client configuration address respond\n"
	   "access-list 150 remark the inside\n"
	   "access-list 150 deny ip 10.9.0.0 0.0.255.255 any\n"
	   "access-list 150 permit ip 10.2.2.0 0.0.0.255 any\n"
	   "access-list 150 permit ip host 10.3.3.3 10.2.1.0 0.0.0.255\n"
	   "access-list 150 permit ip 10.4.4.77 0.0.0.63 host 10.2.1.1\n"
	   "crypto isakmp client configuration address-pool local second\n"
	   "ip local pool first 172.16.0.1 172.16.0.9\n"
	   "ip local pool second 10.2.1.1 10.2.1.100\n"
	   "ip local pool second 10.2.1.200\n");
	assert_int_equal(C.sa_life_sec, 7200);
	assert_int_equal(C.sa_life_kb, 100000);
	assert_int_equal(C.dynmap.pfs_group, IKE_GROUP_MODP2048);
	assert_int_equal(C.dynmap.life_sec, 1800);
	assert_int_equal(C.dynmap.life_kb, 50000);
	assert_int_equal(C.dynmap.ntsets, 1);
	assert_int_equal(C.dynmap.tsets[0], 1);
	/* local-network first (in file order), then the ACL's permits, once each */
	assert_int_equal(C.dynmap.nnets, 4);
	assert_int_equal(C.dynmap.nets[0].addr, IP(192, 168, 0, 0));
	assert_int_equal(C.dynmap.nets[0].plen, 16);
	assert_int_equal(C.dynmap.nets[1].addr, IP(10, 2, 2, 0));
	assert_int_equal(C.dynmap.nets[1].plen, 24);
	assert_int_equal(C.dynmap.nets[2].addr, IP(10, 3, 3, 3));
	assert_int_equal(C.dynmap.nets[2].plen, 32);
	assert_int_equal(C.dynmap.nets[3].addr, IP(10, 4, 4, 64));	/* masked */
	assert_int_equal(C.dynmap.nets[3].plen, 26);
	assert_int_equal(C.npools, 2);
	assert_int_equal(C.isakmp_pool, 1);
	assert_int_equal(C.pools[1].nranges, 2);
	assert_int_equal(C.pools[1].ranges[1].first, IP(10, 2, 1, 200));
	assert_int_equal(C.pools[1].ranges[1].last, IP(10, 2, 1, 200));
	assert_int_equal(C.modecfg, CONF_MODECFG_RESPOND);
	conf_free(&C);
}

/* Client configuration groups: attributes, per-group pools, split ACL, lookup by identity. */
static void test_groups(void **state)
{
	const struct conf_group *g;

	(void)state;
	ok(MODERN_HEAD
	   "crypto dynamic-map dm 1\n"
	   " set transform-set gcm cbc\n"
	   " match address 150\n"
	   " reverse-route static\n"
	   MODERN_TAIL
	   "crypto isakmp client configuration address-pool local ourpool\n"
	   "crypto map vpn client configuration address initiate\n"
	   "ip local pool ourpool 10.2.1.1 10.2.1.254\n"
	   "ip local pool salespool 10.2.3.1 10.2.3.20\n"
	   "crypto isakmp client configuration group sales\n"
	   " dns 10.2.2.53 10.2.2.54\n"
	   " wins 10.2.2.55\n"
	   " domain example.net\n"
	   " pool salespool\n"
	   " acl 170\n"
	   " banner Welcome to   the inside\n"
	   "crypto isakmp client configuration group default\n"
	   " dns 10.2.2.53\n"
	   "access-list 170 permit ip 10.2.2.0 0.0.0.255 any\n"
	   "access-list 170 permit ip host 10.9.9.9 any\n"
	   "espgw lease-grace 5\n");
	assert_int_equal(C.ngroups, 2);
	assert_true(C.dynmap.reverse_route);
	assert_int_equal(C.lease_grace, 5);
	g = &C.groups[0];
	assert_string_equal(g->name, "sales");
	assert_int_equal(g->ndns, 2);
	assert_int_equal(g->dns[1], IP(10, 2, 2, 54));
	assert_int_equal(g->nwins, 1);
	assert_int_equal(g->wins[0], IP(10, 2, 2, 55));
	assert_string_equal(g->domain, "example.net");
	assert_string_equal(g->banner, "Welcome to the inside");
	assert_int_equal(g->pool, 1);
	assert_int_equal(g->nsplit, 2);
	assert_int_equal(g->split[0].addr, IP(10, 2, 2, 0));
	assert_int_equal(g->split[0].plen, 24);
	assert_int_equal(g->split[1].plen, 32);
	assert_int_equal(C.groups[1].pool, -1);		/* the isakmp pool */
	/* the group whose name is the client's KEY_ID/FQDN/USER_FQDN, else default */
	assert_ptr_equal(conf_group_for(&C, 11, (const uint8_t *)"sales", 5), &C.groups[0]);
	assert_ptr_equal(conf_group_for(&C, 2, (const uint8_t *)"sales", 5), &C.groups[0]);
	assert_ptr_equal(conf_group_for(&C, 11, (const uint8_t *)"sale", 4), &C.groups[1]);
	assert_ptr_equal(conf_group_for(&C, 1, (const uint8_t *)"sales", 5), &C.groups[1]);
	conf_free(&C);
	/* IOS Easy VPN's AAA hook is read and reported once, not refused */
	ok(MODERN "crypto map vpn isakmp authorization list vpnlist\n");
	assert_non_null(strstr(warnings(), "ignored: crypto map vpn isakmp authorization"));
	conf_free(&C);
	/* a banner too long is an error, like a domain, not cut */
	{
		char text[2048];

		snprintf(text, sizeof(text), "crypto isakmp client configuration group g\n"
			 " banner %0600d\n", 0);
		bad(text, "t.conf:2: banner: too long (600 characters, at most 511)");
	}
	/* without a default group, others get none; defaults: no reverse route, 60 s */
	ok(MODERN "crypto isakmp client configuration group sales\n dns 10.2.2.53\n");
	assert_null(conf_group_for(&C, 11, (const uint8_t *)"other", 5));
	assert_false(C.dynmap.reverse_route);
	assert_int_equal(C.lease_grace, 60);
	assert_int_equal(C.dpd_sec, 0);
	conf_free(&C);
	/* DPD: IOS's keepalive, with its defaults and ranges */
	ok(MODERN "crypto isakmp keepalive 20\n");
	assert_int_equal(C.dpd_sec, 20);
	assert_int_equal(C.dpd_retry, 2);
	conf_free(&C);
	ok(MODERN "crypto isakmp keepalive 10 5 periodic\n");
	assert_int_equal(C.dpd_sec, 10);
	assert_int_equal(C.dpd_retry, 5);
	conf_free(&C);
	bad("crypto isakmp keepalive 5\n",
	    "t.conf:1: crypto isakmp keepalive: 5 is out of range (10-3600)");
	bad("crypto isakmp keepalive\n",
	    "t.conf:1: expected 'crypto isakmp keepalive SECONDS [RETRY] [periodic|on-demand]'");
}

/* the inbound SAs' anti-replay window: 1024 unless set, IOS's sizes, or off */
static void test_replay_window(void **state)
{
	(void)state;
	ok(MODERN);
	assert_int_equal(C.sa_replay_window, 1024);
	conf_free(&C);
	ok(MODERN "crypto ipsec security-association replay window-size 256\n");
	assert_int_equal(C.sa_replay_window, 256);
	conf_free(&C);
	ok(MODERN "crypto ipsec security-association replay window-size\n");
	assert_int_equal(C.sa_replay_window, 64);
	conf_free(&C);
	ok(MODERN "crypto ipsec security-association replay disable\n");
	assert_int_equal(C.sa_replay_window, 0);
	conf_free(&C);
	bad("crypto ipsec security-association replay window-size 100\n",
	    "t.conf:1: replay window-size: expected 64, 128, 256, 512 or 1024, not '100'");
	bad("crypto ipsec security-association replay window-size 2048\n",
	    "t.conf:1: replay window-size: 2048 is out of range (64-1024)");
	bad("crypto ipsec security-association replay disable now\n",
	    "t.conf:1: unexpected 'now' after 'crypto ipsec security-association replay disable'");
}

static void test_crlf_tabs_comments(void **state)
{
	(void)state;
	ok("! comment\r\n"
	   "crypto isakmp policy 1\r\n"
	   "\tencryption aes 192\r\n"
	   "\t! a comment inside the block\r\n"
	   "\tauthentication pre-share\r\n"
	   "\tgroup 5\r\n"
	   "crypto isakmp key 0 k address 0.0.0.0 no-xauth\r\n"
	   "crypto ipsec transform-set t esp-sha256-hmac esp-aes 256\r\n"
	   "crypto dynamic-map d 5\r\n"
	   "\tset transform-set t\r\n"
	   "\tset local-network 10.0.0.0 255.0.0.0\r\n"
	   "crypto map m 1 ipsec-isakmp dynamic d");
	assert_int_equal(C.policies[0].keybits, 192);
	assert_int_equal(C.policies[0].group, IKE_GROUP_MODP1536);
	assert_string_equal(C.psks[0].key, "k");
	assert_int_equal(C.tsets[0].t.esp, ESP_AES_CBC);
	assert_int_equal(C.tsets[0].t.keybits, 256);
	assert_int_equal(C.tsets[0].t.auth, IPSEC_AUTH_HMAC_SHA2_256);
	conf_free(&C);
}

/* ---------------------------------------------------------------- limits */

static void test_nat_transparency(void **state)
{
	(void)state;
	ok(MODERN);
	assert_int_equal(C.natt, CONF_NATT_ON);
	assert_int_equal(C.natt_keepalive, 20);
	conf_free(&C);
	ok(MODERN "crypto ipsec nat-transparency udp-encapsulation\n"
	   "crypto isakmp nat keepalive 30\n");
	assert_int_equal(C.natt, CONF_NATT_ON);
	assert_int_equal(C.natt_keepalive, 30);
	conf_free(&C);
	ok(MODERN "no crypto ipsec nat-transparency udp-encapsulation\n");
	assert_int_equal(C.natt, CONF_NATT_OFF);
	conf_free(&C);
	ok(MODERN "espgw nat-transparency force\n");
	assert_int_equal(C.natt, CONF_NATT_FORCE);
	conf_free(&C);
}

static void test_limits(void **state)
{
	(void)state;
	ok(MODERN);
	assert_int_equal(C.limits.sa_per_peer, 0);	/* 0: the engine's default */
	conf_free(&C);
	ok(MODERN "espgw limit half-open 100\nespgw limit half-open-per-peer 4\n"
	   "espgw limit sa-per-peer 2000\nespgw limit sa-per-identity 3\n"
	   "espgw limit ipsec-sa-per-isakmp-sa 2\n"
	   "crypto call admission limit ike sa 5000\n"
	   "crypto call admission limit ike in-negotiation-sa 50\n");
	assert_int_equal(C.limits.half_open, 100);
	assert_int_equal(C.limits.half_open_per_peer, 4);
	assert_int_equal(C.limits.sa_per_peer, 2000);
	assert_int_equal(C.limits.sa_per_id, 3);
	assert_int_equal(C.limits.child, 2);
	assert_int_equal(C.limits.sa, 5000);
	assert_int_equal(C.limits.key_exch, 50);
	conf_free(&C);
	bad(MODERN "espgw limit sa-per-pear 3\n",
	    "t.conf:19: espgw limit: unknown limit 'sa-per-pear' (half-open, half-open-per-peer, "
	    "key-exchanges, sa-per-peer, sa-per-identity, sa, ipsec-sa-per-isakmp-sa, "
	    "aggressive-mode)");
	bad(MODERN "espgw limit sa 0\n",
	    "t.conf:19: espgw limit: 0 is out of range (1-1000000)");
	bad(MODERN "espgw limit sa\n",
	    "t.conf:19: incomplete command, expected 'espgw limit WHAT N'");
	bad(MODERN "crypto call admission limit ike tunnels 3\n",
	    "t.conf:19: crypto call admission limit ike: expected 'sa N' or 'in-negotiation-sa N', "
	    "not 'tunnels'");
}

/* ------------------------------------------------------------------ keys */

static void test_psk_lookup(void **state)
{
	const struct conf_psk *k;

	(void)state;
	ok(MODERN
	   "crypto isakmp key net24 address 192.0.2.0 255.255.255.0\n"
	   "crypto isakmp key host7 address 192.0.2.7\n"
	   "crypto isakmp key net16 address 192.0.77.1 255.255.0.0\n");
	assert_int_equal(C.npsks, 4);
	assert_int_equal(C.psks[3].peer.addr, IP(192, 0, 0, 0));	/* masked */
	assert_int_equal(C.psks[3].peer.plen, 16);
	k = conf_psk_lookup(&C, IP(192, 0, 2, 7));
	assert_non_null(k);
	assert_string_equal(k->key, "host7");
	assert_int_equal(k->line, 20);
	assert_string_equal(conf_psk_lookup(&C, IP(192, 0, 2, 8))->key, "net24");
	assert_string_equal(conf_psk_lookup(&C, IP(192, 0, 3, 1))->key, "net16");
	assert_string_equal(conf_psk_lookup(&C, IP(198, 51, 100, 1))->key, "s3cret");
	assert_string_equal(conf_psk_lookup(&C, 0)->key, "s3cret");
	conf_free(&C);

	/* no wildcard: a stranger has no key */
	ok("crypto isakmp policy 1\n authentication pre-share\n group 14\n encryption aes\n"
	   "crypto isakmp key only address 203.0.113.9\n"
	   "crypto ipsec transform-set t esp-gcm\n"
	   "crypto dynamic-map d 1\n set transform-set t\n"
	   " set local-network 10.0.0.0 255.0.0.0\n"
	   "crypto map m 1 ipsec-isakmp dynamic d\n");
	assert_int_equal(C.psks[0].peer.plen, 32);
	assert_null(conf_psk_lookup(&C, IP(203, 0, 113, 8)));
	assert_string_equal(conf_psk_lookup(&C, IP(203, 0, 113, 9))->key, "only");
	conf_free(&C);
}

/* ---------------------------------------------------------------- legacy */

static void test_legacy_gating(void **state)
{
	(void)state;
	/* the document without 'espgw legacy': refused at the first legacy line */
	bad(MODERN "crypto isakmp policy 1\n hash md5\n authentication pre-share\n",
	    "t.conf:19: the default encryption des in isakmp policy 1 is a legacy algorithm: add "
	    "'espgw legacy' to allow it");
	bad(MODERN "crypto isakmp policy 1\n encryption 3des\n authentication pre-share\n"
	    " group 2\n",
	    "t.conf:20: encryption 3des in isakmp policy 1 is a legacy algorithm: add 'espgw "
	    "legacy' to allow it");
	bad(MODERN "crypto isakmp policy 1\n encryption aes\n authentication pre-share\n"
	    " hash md5\n group 2\n",
	    "t.conf:22: hash md5 in isakmp policy 1 is a legacy algorithm: add 'espgw legacy' "
	    "to allow it");
	bad(MODERN "crypto isakmp policy 1\n encryption aes\n authentication pre-share\n",
	    "t.conf:19: the default group 1 in isakmp policy 1 is a legacy algorithm: add 'espgw "
	    "legacy' to allow it");
	bad(MODERN "crypto ipsec transform-set old esp-3des esp-sha-hmac\n",
	    "t.conf:19: esp-3des in transform-set old is a legacy algorithm: add 'espgw legacy' "
	    "to allow it");
	bad(MODERN "crypto ipsec transform-set old esp-aes esp-md5-hmac\n",
	    "t.conf:19: esp-md5-hmac in transform-set old is a legacy algorithm: add 'espgw "
	    "legacy' to allow it");
	bad(MODERN_HEAD "crypto dynamic-map dm 1\n set transform-set gcm cbc\n set pfs\n"
	    " match address 150\n" MODERN_TAIL,
	    "t.conf:16: set pfs group1 in dynamic-map dm 1 is a legacy algorithm: add 'espgw "
	    "legacy' to allow it");
	/* with it: accepted, and the warning says what is in use */
	ok(MODERN "crypto ipsec transform-set old esp-3des esp-sha-hmac\nespgw legacy\n");
	assert_true(C.legacy);
	assert_string_equal(warnings(),
			    "legacy algorithms enabled ('espgw legacy', line 20): DES, 3DES, MD5 and "
			    "DH group 1 are accepted, though broken; in use: esp-3des in "
			    "transform-set old");
	conf_free(&C);
	ok("espgw legacy\n" MODERN);
	assert_string_equal(warnings(),
			    "legacy algorithms enabled ('espgw legacy', line 1): DES, 3DES, MD5 and "
			    "DH group 1 are accepted, though broken; none is configured");
	conf_free(&C);
}

/* ---------------------------------------------------------------- errors */

struct bad_case {
	const char *text;
	const char *err;
};

static void test_errors_syntax(void **state)
{
	static const struct bad_case cases[] = {
		{ MODERN "crypto isakmp nat keepalive 2\n",
		  "t.conf:19: crypto isakmp nat keepalive: 2 is out of range (5-3600)" },
		{ MODERN "crypto isakmp nat traversal\n",
		  "t.conf:19: expected 'crypto isakmp nat keepalive SECONDS'" },
		{ MODERN "crypto ipsec nat-transparency spi-matching\n",
		  "t.conf:19: expected 'crypto ipsec nat-transparency udp-encapsulation'" },
		{ MODERN "no crypto ipsec nat-transparency udp-encapsulation\n"
		  "espgw nat-transparency force\n",
		  "t.conf:20: nat-transparency set differently at line 19" },
		{ MODERN "crypto ca trustpoint x\n", "t.conf:19: unknown command 'crypto ca'" },
		{ MODERN "crypto ipsec df-bit clear\n",
		  "t.conf:19: unknown command 'crypto ipsec df-bit'" },
		{ MODERN "snmp community public\n", "t.conf:19: unknown command 'snmp'" },
		{ "  hash md5\n", "t.conf:1: indented line outside a block: 'hash'" },
		{ "crypto isakmp policy 1\n authentication rsa-sig\n",
		  "t.conf:2: authentication 'rsa-sig' is not supported: espgwd authenticates "
		  "with pre-shared keys only (authentication pre-share)" },
		{ "crypto isakmp policy 1\n encryption aes\n group 14\n" MODERN,
		  "t.conf:1: crypto isakmp policy 1 has no 'authentication pre-share' (the "
		  "router's default, rsa-sig, is not supported)" },
		{ "crypto isakmp policy 1\n hash md4\n",
		  "t.conf:2: hash: unknown algorithm 'md4' (md5, sha, sha256, sha384, sha512)" },
		{ "crypto isakmp policy 1\n encryption aes 512\n",
		  "t.conf:2: encryption aes: key size '512' is not 128, 192 or 256" },
		{ "crypto isakmp policy 1\n encryption blowfish\n",
		  "t.conf:2: encryption: unknown algorithm 'blowfish' (des, 3des, aes)" },
		{ "crypto isakmp policy 1\n encryption des 56\n",
		  "t.conf:2: unexpected '56': des has a fixed key size" },
		{ "crypto isakmp policy 1\n group 19\n",
		  "t.conf:2: group: '19' is not supported (1, 2, 5, 14, 15, 16)" },
		{ "crypto isakmp policy 1\n lifetime 10\n",
		  "t.conf:2: lifetime: 10 is out of range (60-86400)" },
		{ "crypto isakmp policy 1\n lifetime 1h\n",
		  "t.conf:2: lifetime: '1h' is not a number" },
		{ "crypto isakmp policy 1\n set pfs group2\n",
		  "t.conf:2: unknown command 'set' in crypto isakmp policy 1" },
		{ "crypto isakmp policy 0\n",
		  "t.conf:1: crypto isakmp policy: 0 is out of range (1-10000)" },
		{ "crypto isakmp policy\n",
		  "t.conf:1: incomplete command, expected 'crypto isakmp policy PRIORITY'" },
		{ "crypto isakmp policy 1\n authentication pre-share\ncrypto isakmp policy 1\n",
		  "t.conf:3: duplicate crypto isakmp policy 1 (first at line 1)" },
		{ "crypto isakmp key k address 0.0.0.300\n",
		  "t.conf:1: crypto isakmp key: '0.0.0.300' is not an IPv4 address" },
		{ "crypto isakmp key k address 10.0.0.0 255.0.255.0\n",
		  "t.conf:1: crypto isakmp key: '255.0.255.0' is not a netmask (its ones must be "
		  "contiguous)" },
		{ "crypto isakmp key k address 10.0.0.1 255.255.255.255 extra\n",
		  "t.conf:1: crypto isakmp key: unexpected 'extra'" },
		{ "crypto isakmp key k hostname vpn.example\n",
		  "t.conf:1: crypto isakmp key: peers by 'hostname' are not supported, use "
		  "'address'" },
		{ "crypto isakmp key 6 xyz address 0.0.0.0\n",
		  "t.conf:1: encrypted keys (type 6) are not supported: write the key in clear" },
		{ "crypto isakmp key a address 0.0.0.0\ncrypto isakmp key b address 0.0.0.0\n",
		  "t.conf:2: duplicate key for peer 0.0.0.0/0 (first at line 1)" },
		{ "crypto isakmp key a address 10.1.0.0 255.255.0.0\n"
		  "crypto isakmp key b address 10.1.2.3 255.255.0.0\n",
		  "t.conf:2: duplicate key for peer 10.1.2.3/16 (first at line 1)" },
		{ "crypto ipsec transform-set t esp-gcm esp-sha-hmac\n",
		  "t.conf:1: transform-set t: 'esp-sha-hmac' with esp-gcm, which authenticates "
		  "itself" },
		{ "crypto ipsec transform-set t esp-gcm 192\n",
		  "t.conf:1: esp-gcm: key size '192' is not 128 or 256" },
		{ "crypto ipsec transform-set t esp-aes 512 esp-sha-hmac\n",
		  "t.conf:1: esp-aes: key size '512' is not 128, 192 or 256" },
		{ "crypto ipsec transform-set t esp-aes\n",
		  "t.conf:1: transform-set t: esp-aes needs an authentication transform "
		  "(esp-sha-hmac, esp-sha256-hmac...)" },
		{ "crypto ipsec transform-set t esp-sha-hmac\n",
		  "t.conf:1: transform-set t has no ESP encryption (esp-aes, esp-gcm...)" },
		{ "crypto ipsec transform-set t esp-aes esp-3des esp-sha-hmac\n",
		  "t.conf:1: transform-set t: 'esp-3des' after 'esp-aes': one encryption only" },
		{ "crypto ipsec transform-set t esp-aes esp-sha-hmac esp-md5-hmac\n",
		  "t.conf:1: transform-set t: 'esp-md5-hmac' after 'esp-sha-hmac': one "
		  "authentication only" },
		{ "crypto ipsec transform-set t ah-sha-hmac esp-aes\n",
		  "t.conf:1: transform-set t: 'ah-sha-hmac': AH is not supported (ESP only)" },
		{ "crypto ipsec transform-set t esp-chacha20-poly1305\n",
		  "t.conf:1: transform-set t: 'esp-chacha20-poly1305' is not supported (IKEv1 has "
		  "no ESP transform id for it)" },
		{ "crypto ipsec transform-set t esp-null esp-sha-hmac\n",
		  "t.conf:1: transform-set t: unknown transform 'esp-null' (esp-des, esp-3des, "
		  "esp-aes, esp-gcm, esp-md5-hmac, esp-sha-hmac, esp-sha256-hmac)" },
		/* IOS has them, espgw.ko cannot install them: refused, not unknown */
		{ "crypto ipsec transform-set t esp-aes esp-sha512-hmac\n",
		  "t.conf:1: transform-set t: 'esp-sha512-hmac' is not supported by espgw.ko "
		  "(esp-md5-hmac, esp-sha-hmac, esp-sha256-hmac)" },
		{ "crypto ipsec transform-set t esp-sha384-hmac esp-aes 256\n",
		  "t.conf:1: transform-set t: 'esp-sha384-hmac' is not supported by espgw.ko "
		  "(esp-md5-hmac, esp-sha-hmac, esp-sha256-hmac)" },
		{ "crypto ipsec transform-set t esp-gcm\ncrypto ipsec transform-set t esp-gcm\n",
		  "t.conf:2: duplicate transform-set 't' (first at line 1)" },
		{ "crypto ipsec transform-set t esp-gcm\n mode transport\n",
		  "t.conf:2: mode 'transport' is not supported: espgwd does tunnel mode only" },
		{ "crypto ipsec security-association lifetime seconds 60\n",
		  "t.conf:1: lifetime seconds: 60 is out of range (120-86400)" },
		{ "crypto ipsec security-association lifetime hours 1\n",
		  "t.conf:1: lifetime: expected 'seconds' or 'kilobytes', not 'hours'" },
		{ "crypto dynamic-map d 1\n set pfs group19\n",
		  "t.conf:2: set pfs: 'group19' is not supported (group1, group2, group5, group14, "
		  "group15, group16)" },
		{ "crypto dynamic-map d 1\n set peer 192.0.2.1\n",
		  "t.conf:2: 'set peer' is not supported: a dynamic map accepts any peer" },
		{ "crypto dynamic-map d 1\n reverse-route remote-peer\n",
		  "t.conf:2: expected 'reverse-route [static]'" },
		{ "crypto isakmp client configuration group g\n dns 10.0.0.1 10.0.0.2 10.0.0.3\n",
		  "t.conf:2: dns: at most 2 servers" },
		{ "crypto isakmp client configuration group g\n wins\n",
		  "t.conf:2: incomplete command, expected 'wins A.B.C.D [A.B.C.D]'" },
		{ "crypto isakmp client configuration group g\n dns 10.0.0.1\n dns 10.0.0.2\n",
		  "t.conf:3: duplicate dns (first at line 2)" },
		{ "crypto isakmp client configuration group g\n dns 0.0.0.0\n",
		  "t.conf:2: dns: 0.0.0.0 is not a server address" },
		{ "crypto isakmp client configuration group g\n domain a/b\n",
		  "t.conf:2: domain: 'a/b' is not a domain name" },
		{ "crypto isakmp client configuration group g\n key 6 AbCdEf\n",
		  "t.conf:2: group key: encrypted keys (type 6) are not supported: write the key in "
		  "clear" },
		{ "crypto isakmp client configuration group g\n key 7 0822455D0A16\n",
		  "t.conf:2: group key: key type '7' is not supported (0: key in clear)" },
		{ "crypto isakmp client configuration group g\n key a\n key b\n",
		  "t.conf:3: duplicate key (first at line 2)" },
		{ "crypto isakmp client configuration group g\n key\n",
		  "t.conf:2: incomplete command, expected 'key [0] SECRET'" },
		{ "crypto isakmp client configuration group g\n split-dns x\n",
		  "t.conf:2: unknown command 'split-dns' in client configuration group g (dns, wins, "
		  "domain, pool, acl, banner, key)" },
		{ "crypto isakmp client configuration group g\n"
		  "crypto isakmp client configuration group g\n",
		  "t.conf:2: client configuration group g defined twice (first at line 1)" },
		{ "espgw lease-grace 86401\n",
		  "t.conf:1: espgw lease-grace: 86401 is out of range (0-86400)" },
		{ "crypto dynamic-map d 1\n set local-network 10.2.2.1 255.255.255.0\n",
		  "t.conf:2: set local-network: 10.2.2.1 has bits outside the mask 255.255.255.0" },
		{ "crypto dynamic-map d 1\n set transform-set a a\n",
		  "t.conf:2: transform-set 'a' named twice" },
		{ "crypto dynamic-map d 1\ncrypto dynamic-map d 1\n",
		  "t.conf:2: duplicate crypto dynamic-map d 1 (first at line 1)" },
		{ "crypto map m 10 ipsec-isakmp\n",
		  "t.conf:1: static crypto map entries are not supported: use 'crypto map m 10 "
		  "ipsec-isakmp dynamic DYNMAP'" },
		{ "crypto map m 10 ipsec-isakmp dynamic d\ncrypto map m 20 ipsec-isakmp dynamic e\n",
		  "t.conf:2: espgwd takes one crypto map entry (first at line 1)" },
		{ "crypto map m 10 ipsec-isakmp dynamic d\n"
		  "crypto map other client configuration address initiate\n",
		  "t.conf:2: crypto map 'other': espgwd has one crypto map, 'm' (line 1)" },
		{ "crypto map m client configuration address push\n",
		  "t.conf:1: client configuration address: expected 'initiate' or 'respond', not "
		  "'push'" },
		{ "access-list 101 permit ip 10.2.2.0 0.0.0.255\n",
		  "t.conf:1: access-list: incomplete entry, expected an address" },
		{ "access-list 101 permit ip 10.2.2.0 0.0.0.256 any\n",
		  "t.conf:1: access-list: '0.0.0.256' is not a wildcard mask" },
		{ "access-list 101 allow ip any any\n",
		  "t.conf:1: access-list 101: expected 'permit', 'deny' or 'remark', not 'allow'" },
		{ "access-list 101 permit ip any any log\n",
		  "t.conf:1: access-list 101: unexpected 'log'" },
		{ "access-list 500 permit ip any any\n",
		  "t.conf:1: access-list 500: only IP access lists (1-199, 1300-2699)" },
		{ "ip local pool p 10.2.1.9 10.2.1.1\n",
		  "t.conf:1: ip local pool p: 10.2.1.1 is below 10.2.1.9" },
		{ "ip local pool p 10.2.1.1 10.2.1.9\nip local pool q 10.2.1.5 10.2.1.20\n",
		  "t.conf:2: ip local pool q: range overlaps pool p (line 1)" },
		{ "ip local pool p 10.2.1.1 10.2.1.x\n",
		  "t.conf:1: ip local pool: '10.2.1.x' is not an IPv4 address" },
		{ "ip local pool thisnameiswaytoolongforanespgwpool 10.2.1.1\n",
		  "t.conf:1: ip local pool: name 'thisnameiswaytoolongforanespgwpool...' is too "
		  "long (at most 31 characters)" },
		{ "espgw legacyy\n",
		  "t.conf:1: unknown command 'espgw legacyy' (espgw legacy, espgw lease-grace, "
		  "espgw limit, espgw nat-transparency force)" },
		{ "no crypto isakmp policy 1\n",
		  "t.conf:1: 'no crypto ...': remove the line instead" },
		{ "crypto isakmp client configuration address-pool local a\n"
		  "crypto isakmp client configuration address-pool local b\n",
		  "t.conf:2: duplicate address-pool (first at line 1)" },
		/* usages and word lists made from the command and algorithm tables */
		{ "crypto isakmp policy 1\n encryption\n",
		  "t.conf:2: incomplete command, expected 'encryption des|3des|aes "
		  "[128|192|256]'" },
		{ "crypto isakmp policy 1\n encryption aes 0\n",
		  "t.conf:2: encryption aes: key size '0' is not 128, 192 or 256" },
		{ "crypto isakmp policy 1\n hash\n",
		  "t.conf:2: incomplete command, expected 'hash md5|sha|sha256|sha384|sha512'" },
		{ "crypto isakmp policy 1\n group 2 5\n",
		  "t.conf:2: unexpected '5' after 'group 1|2|5|14|15|16'" },
		{ "crypto dynamic-map d 1\n set pfs group2 group5\n",
		  "t.conf:2: unexpected 'group5' after 'set pfs [group1|group2|group5|group14|"
		  "group15|group16]'" },
		{ "crypto dynamic-map d 1\n match acl 101\n",
		  "t.conf:2: expected 'match address ACL'" },
		{ "crypto dynamic-map d 1\n set security-association idle-time 60\n",
		  "t.conf:2: expected 'set security-association lifetime seconds N|kilobytes N'" },
		{ "crypto dynamic-map d 1\n set nat demux\n",
		  "t.conf:2: unknown command 'set nat' in crypto dynamic-map d 1" },
		{ "crypto isakmp client configuration\n",
		  "t.conf:1: expected 'crypto isakmp client configuration address-pool local NAME' "
		  "or '... group NAME'" },
		{ "crypto isakmp\n", "t.conf:1: incomplete command 'crypto isakmp'" },
		{ "crypto map m foo\n", "t.conf:1: unknown command 'crypto map m foo'" },
		{ "crypto map m client configuration\n",
		  "t.conf:1: expected 'crypto map NAME client configuration address "
		  "initiate|respond'" },
		{ "crypto ipsec transform-set t esp-gcm\n tunnel\n",
		  "t.conf:2: unknown command 'tunnel' in crypto ipsec transform-set" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bad(cases[i].text, cases[i].err);
	}
}

/* Found after the whole file is read: references, mandatory pieces. */
#define NO_KEY "t.conf:0: no key: 'crypto isakmp key SECRET address A.B.C.D [MASK]' (or a " \
	"client configuration group's 'key SECRET', for Aggressive Mode)"
#define NO_TSET "t.conf:0: no transform set: 'crypto ipsec transform-set NAME ESP-ENC [ESP-AUTH]'"
#define NO_DYNMAP "t.conf:0: no dynamic map: 'crypto dynamic-map NAME SEQ' and " \
	"'crypto map NAME SEQ ipsec-isakmp dynamic NAME' are needed"

static void test_errors_references(void **state)
{
	static const struct bad_case cases[] = {
		{ MODERN_HEAD "crypto dynamic-map dm 1\n set transform-set gcm nope\n"
		  " match address 150\n" MODERN_TAIL,
		  "t.conf:15: transform-set 'nope' is not defined" },
		{ MODERN_HEAD "crypto dynamic-map dm 1\n set transform-set gcm\n"
		  " match address 151\n" MODERN_TAIL,
		  "t.conf:16: access-list 151 is not defined" },
		{ MODERN_HEAD "crypto dynamic-map dm 1\n set transform-set gcm\n"
		  " match address 150\n" "crypto map vpn 10 ipsec-isakmp dynamic dm\n"
		  "access-list 150 deny ip 10.2.2.0 0.0.0.255 any\n",
		  "t.conf:16: access-list 150 permits nothing" },
		{ MODERN_HEAD "crypto dynamic-map dm 1\n set transform-set gcm\n"
		  " match address 150\n" "crypto map vpn 10 ipsec-isakmp dynamic dm\n"
		  "access-list 150 permit ip 10.2.0.255 0.0.255.0 any\n",
		  "t.conf:18: access-list 150: wildcard 0.0.255.0 is not a prefix (match address "
		  "at line 16)" },
		{ MODERN_HEAD "crypto dynamic-map dm 1\n set transform-set gcm\n"
		  " match address 150\n" "crypto map vpn 10 ipsec-isakmp dynamic dm\n"
		  "access-list 150 permit ip 10.2.2.0 0.0.0.255 any\n"
		  "access-list 150 permit tcp any any eq 80\n",
		  "t.conf:19: access-list 150 is used by match address (line 16): only 'ip' "
		  "entries" },
		{ MODERN "crypto isakmp client configuration address-pool local nopool\n",
		  "t.conf:19: ip local pool nopool is not defined" },
		{ MODERN_HEAD MODERN_DYNMAP "crypto map vpn 10 ipsec-isakmp dynamic other\n"
		  "access-list 150 permit ip 10.2.2.0 0.0.0.255 any\n",
		  "t.conf:17: crypto dynamic-map other is not defined" },
		{ MODERN "crypto map vpn client configuration address initiate\n",
		  "t.conf:19: client configuration address needs 'crypto isakmp client "
		  "configuration address-pool local NAME' (or a client configuration group "
		  "'default' with a pool)" },
		{ MODERN "crypto isakmp client configuration address-pool local ourpool\n"
		  "ip local pool ourpool 10.2.1.1 10.2.1.9\n"
		  "crypto isakmp client configuration group sales\n pool nopool\n",
		  "t.conf:22: ip local pool nopool is not defined" },
		{ MODERN "crypto map vpn client configuration address initiate\n"
		  "crypto isakmp client configuration group sales\n dns 10.0.0.1\n",
		  "t.conf:19: client configuration address needs 'crypto isakmp client "
		  "configuration address-pool local NAME' (or a client configuration group "
		  "'default' with a pool)\n"
		  "t.conf:20: client configuration group sales has no pool and there is no "
		  "'crypto isakmp client configuration address-pool local NAME'" },
		{ MODERN "crypto isakmp client configuration group sales\n acl 160\n",
		  "t.conf:20: access-list 160 is not defined" },
		{ MODERN "crypto dynamic-map dm 2\n set transform-set gcm\n"
		  " set local-network 10.0.0.0 255.0.0.0\n",
		  "t.conf:19: espgwd takes one entry per dynamic map: crypto dynamic-map dm 2 (and "
		  "1 at line 14)" },
		/* mandatory pieces */
		{ MODERN_HEAD "crypto dynamic-map dm 1\n set local-network 10.0.0.0 255.0.0.0\n"
		  MODERN_TAIL,
		  "t.conf:14: crypto dynamic-map dm 1 has no 'set transform-set'" },
		{ MODERN_HEAD "crypto dynamic-map dm 1\n set transform-set gcm\n" MODERN_TAIL,
		  "t.conf:14: crypto dynamic-map dm 1 has no protected network ('match address "
		  "ACL' or 'set local-network A.B.C.D MASK')" },
		{ MODERN_HEAD MODERN_DYNMAP,
		  "t.conf:14: crypto dynamic-map dm 1 is not used: no 'crypto map NAME SEQ "
		  "ipsec-isakmp dynamic dm'\n"
		  "t.conf:16: access-list 150 is not defined" },
		{ MODERN_HEAD, NO_DYNMAP },
		/* what is missing, all of it, in the order of the file's parts */
		{ "crypto isakmp key k address 0.0.0.0\n",
		  "t.conf:0: no crypto isakmp policy\n" NO_TSET "\n" NO_DYNMAP },
		{ "crypto isakmp policy 1\n authentication pre-share\n group 2\n encryption aes\n",
		  NO_KEY "\n" NO_TSET "\n" NO_DYNMAP },
		{ "crypto isakmp policy 1\n authentication pre-share\n group 2\n encryption aes\n"
		  "crypto isakmp key k address 0.0.0.0\n",
		  NO_TSET "\n" NO_DYNMAP },
		{ "", "t.conf:0: no crypto isakmp policy\n" NO_KEY "\n" NO_TSET "\n" NO_DYNMAP },
		{ "interface e0\n crypto map vpn\n" MODERN_HEAD,
		  "t.conf:2: crypto map vpn is not defined\n" NO_DYNMAP },
		/* all of them, in line order: the undefined pool (line 1), the missing
		 * ACL (line 17), the legacy algorithms of policy 1 (line 20) */
		{ "crypto isakmp client configuration address-pool local nopool\n"
		  MODERN_HEAD "crypto dynamic-map dm 1\n set transform-set gcm\n"
		  " match address 151\n" MODERN_TAIL
		  "crypto isakmp policy 1\n hash md5\n authentication pre-share\n",
		  "t.conf:1: ip local pool nopool is not defined\n"
		  "t.conf:17: access-list 151 is not defined\n"
		  "t.conf:20: the default encryption des in isakmp policy 1 is a legacy algorithm: "
		  "add 'espgw legacy' to allow it" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bad(cases[i].text, cases[i].err);
	}
}

/* Pasted text: a UTF-8 BOM, CRLF line ends and no-break spaces read as IOS reads them. */
static void test_pasted_text(void **state)
{
	static const char src[] = MODERN;
	char text[4096] = "\xef\xbb\xbf";
	const char *p;
	char *q;

	(void)state;
	/* MODERN with CRLF ends, a no-break space between words and as an indent */
	q = text + strlen(text);
	for (p = src; *p; p++) {
		if (*p == '\n')
			*q++ = '\r';
		if (*p == ' ' && p > src && (p[-1] == '\n' ||
					     (p - src >= 6 && !strncmp(p - 6, "crypto", 6)))) {
			*q++ = '\xc2';
			*q++ = '\xa0';
			continue;
		}
		*q++ = *p;
	}
	*q = 0;
	assert_non_null(strstr(text, "crypto\xc2\xa0isakmp"));
	assert_non_null(strstr(text, "\r\n\xc2\xa0" "encryption"));
	ok(text);
	assert_int_equal(C.npolicies, 2);
	assert_int_equal(C.policies[1].keybits, 256);
	assert_int_equal(C.npsks, 1);
	conf_free(&C);
}

/* Every wrong line in one run, in order; no echo of a wrong block's lines; at most 20. */
static void test_errors_all_at_once(void **state)
{
	char many[2048] = "";
	int i;

	(void)state;
	bad("crypto isakmp policy 1\n encryption foo\n hash bar\n"
	    "ip local pool p 10.2.1.300 10.2.1.2\nfoo bar\n"
	    "crypto ipsec transform-set t esp-nothing\n mode tunnel\n",
	    "t.conf:2: encryption: unknown algorithm 'foo' (des, 3des, aes)\n"
	    "t.conf:3: hash: unknown algorithm 'bar' (md5, sha, sha256, sha384, sha512)\n"
	    "t.conf:4: ip local pool: '10.2.1.300' is not an IPv4 address\n"
	    "t.conf:5: unknown command 'foo'\n"
	    "t.conf:6: transform-set t: unknown transform 'esp-nothing' (esp-des, esp-3des, "
	    "esp-aes, esp-gcm, esp-md5-hmac, esp-sha-hmac, esp-sha256-hmac)");
	/* the indented lines under a wrong first line are not reported again */
	bad("crypto isakmp policy x\n encryption foo\n hash bar\nfoo\n",
	    "t.conf:1: crypto isakmp policy: 'x' is not a number\n"
	    "t.conf:4: unknown command 'foo'");
	/* a block with a wrong line is not also reported for what it then lacks */
	bad(MODERN "crypto isakmp policy 1\n authentication rsa-sig\n",
	    "t.conf:20: authentication 'rsa-sig' is not supported: espgwd authenticates with "
	    "pre-shared keys only (authentication pre-share)");
	for (i = 1; i <= 25; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "bogus%d x\n", i);
	assert_int_not_equal(parse(many), 0);
	assert_non_null(strstr(ERR, "t.conf:20: unknown command 'bogus20'\n"
				    "t.conf:21: too many errors, the rest of the file is not checked"));
	assert_null(strstr(ERR, "bogus21"));
	assert_int_equal(C.npsks, 0);
}

static void test_long_line_and_load_errors(void **state)
{
	char *text = malloc(2000);

	(void)state;
	assert_non_null(text);
	strcpy(text, "crypto isakmp policy 1\n authentication pre-share\n!");
	memset(text + strlen(text), 'x', 1100);
	strcpy(text + strlen("crypto isakmp policy 1\n authentication pre-share\n!") + 1100,
	       "\n");
	bad(text, "t.conf:3: line too long (at most 1024 characters)");
	free(text);

	assert_int_equal(conf_load("/nonexistent/espgwd.conf", &C, ERR, sizeof(ERR)), -1);
	assert_string_equal(ERR, "/nonexistent/espgwd.conf:0: cannot open: No such file or "
			    "directory");
	/* a NULL error buffer is allowed */
	assert_int_equal(conf_parse("t.conf", "bogus\n", &C, NULL, 0), -1);
}

/* ------------------------------------------------------- the file's mode */

/* conf_load() of text in a temporary file with mode; path gets the file's name. */
static int load_mode(char *path, mode_t mode, const char *text)
{
	int fd, rc;

	strcpy(path, "/tmp/test_conf_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	rc = conf_load(path, &C, ERR, sizeof(ERR));
	unlink(path);
	return rc;
}

/* Writable by group or others: refused before it is read. */
static void test_file_writable(void **state)
{
	static const mode_t modes[] = { 0620, 0602, 0660, 0666, 0622 };
	char path[32], want[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_int_equal(load_mode(path, modes[i], MODERN), -1);
		snprintf(want, sizeof(want), "%s:0: writable by other users: chmod 600 %s", path,
			 path);
		assert_string_equal(ERR, want);
		assert_int_equal(C.npsks, 0);
	}
}

/* Readable by others, with the keys in it: accepted, with a warning after the others. */
static void test_file_readable(void **state)
{
	static const struct {
		mode_t mode;
		const char *text;
		const char *warn;	/* the warnings before the file's own; NULL: none at all */
	} cases[] = {
		{ 0600, MODERN, NULL },
		{ 0400, MODERN, NULL },
		{ 0640, MODERN, NULL },		/* its group may read it */
		{ 0440, MODERN, NULL },
		{ 0604, MODERN, "" },
		{ 0644, "espgw legacy\n" MODERN, "legacy algorithms enabled ('espgw legacy', line "
		  "1): DES, 3DES, MD5 and DH group 1 are accepted, though broken; none is "
		  "configured|" },
	};
	char path[32], want[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (load_mode(path, cases[i].mode, cases[i].text))
			fail_msg("mode %o: %s", cases[i].mode, ERR);
		want[0] = 0;
		if (cases[i].warn)
			snprintf(want, sizeof(want), "%s%s is readable by other users and holds "
				 "pre-shared keys: chmod 600 %s", cases[i].warn, path, path);
		assert_string_equal(warnings(), want);
		conf_free(&C);
	}
}

/* ------------------------------------------- Aggressive Mode and XAUTH */

/* Group keys: a keyed group is entered in Aggressive Mode only, by its name and key. */
static void test_group_keys(void **state)
{
	const struct conf_group *g;

	(void)state;
	ok(MODERN
	   "ip local pool salespool 10.2.3.1 10.2.3.20\n"
	   "crypto isakmp client configuration group sales\n"
	   " key s4lesKey\n"
	   " pool salespool\n"
	   "crypto isakmp client configuration group eng\n"
	   " key 0 3ngKey\n"
	   "crypto isakmp client configuration group default\n"
	   " dns 10.2.2.53\n");
	assert_int_equal(C.ngroups, 3);
	g = &C.groups[0];
	assert_string_equal(g->key, "s4lesKey");
	assert_int_equal(g->keylen, 8);
	assert_string_equal(C.groups[1].key, "3ngKey");	/* type 0: in clear */
	assert_null(C.groups[2].key);
	assert_false(C.aggressive_off);
	/* Aggressive Mode: the keyed group of that name, by KEY_ID, FQDN or USER_FQDN */
	assert_ptr_equal(conf_group_keyed(&C, 11, (const uint8_t *)"sales", 5), g);
	assert_ptr_equal(conf_group_keyed(&C, 2, (const uint8_t *)"eng", 3), &C.groups[1]);
	assert_ptr_equal(conf_group_keyed(&C, 3, (const uint8_t *)"eng", 3), &C.groups[1]);
	assert_null(conf_group_keyed(&C, 1, (const uint8_t *)"sales", 5));
	assert_null(conf_group_keyed(&C, 11, (const uint8_t *)"sale", 4));
	assert_null(conf_group_keyed(&C, 11, (const uint8_t *)"default", 7));	/* no key */
	/* Main Mode never lands in a keyed group by naming it: default */
	assert_ptr_equal(conf_group_for(&C, 11, (const uint8_t *)"sales", 5), &C.groups[2]);
	conf_free(&C);
	assert_int_equal(C.ngroups, 0);
	/* a group key is enough of a key: no 'crypto isakmp key' needed */
	ok("crypto isakmp policy 10\n encryption aes\n authentication pre-share\n group 2\n"
	   "crypto ipsec transform-set t esp-aes esp-sha-hmac\n"
	   "crypto dynamic-map dm 1\n set transform-set t\n set local-network 10.2.2.0 "
	   "255.255.255.0\ncrypto map vpn 10 ipsec-isakmp dynamic dm\n"
	   "crypto isakmp client configuration group vpnc\n key grp\n"
	   "crypto isakmp aggressive-mode disable\n");
	assert_int_equal(C.npsks, 0);
	assert_true(C.aggressive_off);
	conf_free(&C);
	bad(MODERN "crypto isakmp aggressive-mode disable\ncrypto isakmp aggressive-mode disable\n",
	    "t.conf:20: duplicate crypto isakmp aggressive-mode disable (first at line 19)");
	bad(MODERN "crypto isakmp aggressive-mode\n",
	    "t.conf:19: expected 'crypto isakmp aggressive-mode disable'");
	ok(MODERN "espgw limit aggressive-mode 7\n");
	assert_int_equal(C.limits.aggressive, 7);
	conf_free(&C);
}

/* The warnings and the error, joined, must never show text. */
static void no_secret_shown(const char *text)
{
	assert_null(strstr(warnings(), text));
	assert_null(strstr(ERR, text));
}

/* username NAME secret: hashed as read, never the clear password kept. */
static void test_users(void **state)
{
	char text[1024], hash[256];
	const struct conf_user *u;

	(void)state;
	ok(MODERN "username alice secret 0 Wonderland9\n"
	   "username bob privilege 15 secret Rabbit-hole\n");
	assert_int_equal(C.nusers, 2);
	u = conf_user_find(&C, "alice", 5);
	assert_non_null(u);
	assert_int_equal(u->line, 19);
	assert_int_equal(strncmp(u->hash, "$y$", 3), 0);	/* yescrypt */
	assert_null(strstr(u->hash, "Wonderland9"));
	assert_true(passwd_verify(u->hash, "Wonderland9", 11));
	assert_false(passwd_verify(u->hash, "Wonderland", 10));
	assert_false(passwd_verify(u->hash, "Wonderland9x", 12));
	assert_false(passwd_verify(u->hash, "Wonderland9\0", 12));	/* a NUL: never */
	u = conf_user_find(&C, "bob", 3);
	assert_non_null(u);
	assert_true(passwd_verify(u->hash, "Rabbit-hole", 11));
	assert_null(conf_user_find(&C, "bo", 2));
	assert_null(conf_user_find(&C, "carol", 5));
	/* warned about, without the password */
	assert_non_null(strstr(warnings(), "username alice (line 19): the password is in clear"));
	no_secret_shown("Wonderland9");
	no_secret_shown("Rabbit-hole");
	assert_false(C.xauth);
	conf_free(&C);
	assert_int_equal(C.nusers, 0);

	/* a hash as espgw hash-password makes it: taken as it is, no warning */
	assert_int_equal(passwd_hash("Looking-glass", NULL, hash, sizeof(hash)), 0);
	assert_int_equal(passwd_check(hash), PASSWD_GOOD);
	snprintf(text, sizeof(text), MODERN "username carol secret 9 %s\n", hash);
	ok(text);
	assert_string_equal(conf_user_find(&C, "carol", 5)->hash, hash);
	assert_string_equal(warnings(), "");
	conf_free(&C);
	assert_int_equal(passwd_hash("Looking-glass", "sha512", hash, sizeof(hash)), 0);
	assert_int_equal(strncmp(hash, "$6$", 3), 0);
	assert_int_equal(passwd_hash("x", "md5", hash, sizeof(hash)), -1);

	/* what espgwd cannot check: a warning without XAUTH (router logins), never a secret */
	ok(MODERN "username admin password 7 0822455D0A16\n"
	   "username oper secret 8 $8$dsYGNam3K1SIJO$7nv/35M/qr6t.dVc7UY9zrJDWRVqncHub1PE9UlMQFs\n"
	   "username nobody nopassword\n");
	assert_int_equal(C.nusers, 0);
	assert_non_null(strstr(warnings(), "ignored (line 19): username admin: a type 7 password "
				      "is not taken for XAUTH"));
	assert_non_null(strstr(warnings(), "ignored (line 20): username oper: the secret is not a "
				      "crypt(3) hash espgwd can check"));
	assert_non_null(strstr(warnings(), "ignored (line 21): username nobody: nopassword"));
	no_secret_shown("0822455D0A16");
	no_secret_shown("dsYGNam3K1SIJO");
	conf_free(&C);

	bad(MODERN "username alice secret a\nusername alice secret b\n",
	    "t.conf:20: duplicate username alice (first at line 19)");
	no_secret_shown("secret a");
	bad(MODERN "username alice secret 3 abc\n",
	    "t.conf:19: username alice: secret type '3' is not known (0: in clear, 5, 8, 9: a "
	    "hash)");
	bad(MODERN "username alice\n",
	    "t.conf:19: incomplete command, expected 'username NAME secret HASH'");
	bad(MODERN "username alice secret\n",
	    "t.conf:19: incomplete command, expected 'username NAME secret [TYPE] VALUE'");
	bad(MODERN "username alice secret 0 pw extra\n",
	    "t.conf:19: username alice: unexpected words after the secret");
	no_secret_shown("pw extra");
}

#define XAUTH_CONF MODERN "aaa new-model\naaa authentication login vpnusers local\n" \
	"crypto map vpn client authentication list vpnusers\n"

/* crypto map M client authentication list L + aaa authentication login L local: XAUTH. */
static void test_xauth_conf(void **state)
{
	(void)state;
	ok(XAUTH_CONF "username alice secret 0 pw\n");
	assert_true(C.xauth);
	assert_int_equal(C.xauth_timeout, 60);
	conf_free(&C);
	ok(XAUTH_CONF "username alice secret 0 pw\ncrypto isakmp xauth timeout 30\n");
	assert_int_equal(C.xauth_timeout, 30);
	conf_free(&C);
	ok(MODERN "aaa authentication login vpnusers local\n");	/* not used: no XAUTH */
	assert_false(C.xauth);
	conf_free(&C);
	bad(XAUTH_CONF, "t.conf:21: client authentication list vpnusers: no user ('username NAME "
	    "secret HASH')");
	bad(MODERN "crypto map vpn client authentication list vpnusers\nusername a secret 0 b\n",
	    "t.conf:19: client authentication list vpnusers: no 'aaa authentication login "
	    "vpnusers local'");
	bad(MODERN "aaa authentication login vpnusers group radius\n"
	    "crypto map vpn client authentication list vpnusers\nusername a secret 0 b\n",
	    "t.conf:19: aaa authentication login vpnusers: espgwd checks XAUTH against local users "
	    "only ('local'; RADIUS is not done yet)");
	/* with XAUTH, a user nobody can log in as is an error */
	bad(XAUTH_CONF "username alice secret 0 pw\nusername admin password 7 0822455D0A16\n",
	    "t.conf:23: username admin: a type 7 password is not taken for XAUTH: make a secret "
	    "with 'espgw hash-password'");
	bad(XAUTH_CONF "username alice secret 0 pw\ncrypto isakmp xauth timeout 4\n",
	    "t.conf:23: crypto isakmp xauth timeout: 4 is out of range (5-90)");
	bad(MODERN "crypto map other client authentication list x\n",
	    "t.conf:19: crypto map 'other': espgwd has one crypto map, 'vpn' (line 17)");
}

/* ------------------------------------------------------------ the checker */

static void test_check(void **state)
{
	char path[] = "/tmp/test_conf_XXXXXX";
	char out[2048];
	FILE *f, *o;
	int fd;

	(void)state;
	o = fmemopen(out, sizeof(out), "w");
	assert_non_null(o);
	assert_int_equal(conf_check(example_path(), o), 0);
	fclose(o);
	assert_non_null(strstr(out, ": warning: legacy algorithms enabled"));
	assert_non_null(strstr(out, "cisco-14123.conf: OK: 1 isakmp policy, 1 key, 1 transform "
				    "set, dynamic map dynmap 10 with 1 protected network, 1 pool, "
				    "legacy on\n"));

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("crypto isakmp policy 1\n hash md4\n", f);
	fclose(f);
	o = fmemopen(out, sizeof(out), "w");
	assert_int_equal(conf_check(path, o), 1);
	fclose(o);
	unlink(path);
	assert_non_null(strstr(out, ":2: hash: unknown algorithm 'md4'"));
	assert_int_equal(strncmp(out, path, strlen(path)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_replay_window),
		cmocka_unit_test(test_document_pasted),
		cmocka_unit_test(test_document_indented),
		cmocka_unit_test(test_modern_and_defaults),
		cmocka_unit_test(test_lifetimes_pfs_acl_pools),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_crlf_tabs_comments),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_nat_transparency),
		cmocka_unit_test(test_psk_lookup),
		cmocka_unit_test(test_legacy_gating),
		cmocka_unit_test(test_errors_syntax),
		cmocka_unit_test(test_errors_references),
		cmocka_unit_test(test_errors_all_at_once),
		cmocka_unit_test(test_pasted_text),
		cmocka_unit_test(test_long_line_and_load_errors),
		cmocka_unit_test(test_file_writable),
		cmocka_unit_test(test_file_readable),
		cmocka_unit_test(test_group_keys),
		cmocka_unit_test(test_users),
		cmocka_unit_test(test_xauth_conf),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
