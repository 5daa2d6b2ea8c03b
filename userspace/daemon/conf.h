/* SPDX-License-Identifier: GPL-2.0 */
/*
 * espgwd.conf: the gateway's configuration, in the words of the source
 * document's router configuration (Cisco IOS crypto commands), so that a
 * router's configuration maps to it one line to one line. docs/espgwd.conf.5
 * is the reference; docs/examples/cisco-14123.conf the document's own.
 */
#ifndef _ESPGW_CONF_H_
#define _ESPGW_CONF_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proposal.h"

#define CONF_NAME_MAX	32
#define CONF_MAX_POLICIES 32
#define CONF_MAX_TSETS	16
#define CONF_MAX_TRANSFORMS 4	/* per transform set: one ESP encryption (+ one auth) */
#define CONF_MAX_NETS	32
#define CONF_MAX_PSKS	256
#define CONF_MAX_POOLS	16
#define CONF_MAX_RANGES	8
#define CONF_MAX_GROUPS	16
#define CONF_MAX_SERVERS 2	/* DNS or WINS servers per group */
#define CONF_DOMAIN_MAX	128
#define CONF_BANNER_MAX	512
#define CONF_GRACE_DEFAULT 60	/* seconds a released lease waits for its client */
#define CONF_NATT_KEEPALIVE_DEFAULT 20	/* seconds between NAT keepalives */
#define CONF_USER_MAX	64	/* bytes of a user name, NUL included */
/*
 * 1024 packets, IOS's largest, where IOS defaults to 64: on a multi-core gateway
 * packets of one SA are decrypted on several CPUs and reach the window out of
 * order, and 64 is well within what that reorders under load (docs/performance.md).
 */
#define CONF_REPLAY_WINDOW_DEFAULT 1024
#define CONF_XAUTH_TIMEOUT_DEFAULT 60	/* seconds a client has to answer XAUTH */

/* An IPv4 prefix, host byte order, addr already masked. */
struct conf_net {
	uint32_t addr;
	uint8_t plen;
};

/* "crypto isakmp key SECRET address A.B.C.D [MASK]": 0.0.0.0/0 is the wildcard. */
struct conf_psk {
	struct conf_net peer;
	char *key;		/* NUL-terminated, heap; wiped by conf_free() */
	size_t keylen;
	bool no_xauth;		/* "... no-xauth": its peers are not asked for XAUTH */
	int line;
};

/* "crypto ipsec transform-set NAME esp-des esp-md5-hmac" */
struct conf_tset {
	char name[CONF_NAME_MAX];
	struct ike_p2_transform t;	/* one ESP transform: encryption + auth */
	int line;
};

/* One entry of "crypto dynamic-map NAME SEQ": what a client may get in phase 2. */
struct conf_dynmap {
	char name[CONF_NAME_MAX];
	unsigned int seq;
	/* "set transform-set A [B ...]", in preference order (indices into conf.tsets) */
	unsigned int tsets[CONF_MAX_TSETS];
	size_t ntsets;
	uint16_t pfs_group;	/* "set pfs group2" -> IKE_GROUP_MODP1024; 0 = PFS not required */
	uint64_t life_sec;	/* "set security-association lifetime seconds N"; 0 = global */
	uint64_t life_kb;	/* "... kilobytes N"; 0 = global */
	/* the inside networks a client may reach: "match address ACL" (the source
	 * side of the ACL's permit entries) and/or "set local-network A.B.C.D MASK" */
	struct conf_net nets[CONF_MAX_NETS];
	size_t nnets;
	/* "reverse-route": a route for each client's network toward its next hop */
	bool reverse_route;
	int line;
};

/*
 * "crypto isakmp client configuration group NAME": what Mode-Config gives
 * the clients of a group besides the address. A group with a "key" is
 * entered in Aggressive Mode only, by a client whose phase-1 identity
 * (ID_KEY_ID, ID_FQDN or ID_USER_FQDN) is the group's name and that proves
 * the key. A group without one is what a Main Mode client (wildcard key by
 * address) gets whose identity names it, else the group "default" when
 * there is one.
 */
struct conf_group {
	char name[CONF_NAME_MAX];
	char *key;				/* "key SECRET": heap, wiped by conf_free(); NULL none */
	size_t keylen;
	uint32_t dns[CONF_MAX_SERVERS], wins[CONF_MAX_SERVERS];	/* host order */
	size_t ndns, nwins;
	char domain[CONF_DOMAIN_MAX];		/* "domain NAME", "" none */
	char banner[CONF_BANNER_MAX];		/* "banner TEXT", "" none */
	/* "acl ACL": the permit entries' source networks, sent as Unity split-include */
	struct conf_net split[CONF_MAX_NETS];
	size_t nsplit;
	int pool;				/* "pool NAME" -> index; -1: the isakmp pool */
	int line;
};

/*
 * "username NAME secret HASH" (a crypt(3) hash: yescrypt, SHA-512...; a
 * clear secret is hashed as the file is read): a local user for XAUTH.
 */
struct conf_user {
	char name[CONF_USER_MAX];
	char *hash;		/* heap, wiped by conf_free() */
	int line;
};

/* "ip local pool NAME FIRST [LAST]" (several lines with one name add ranges) */
struct conf_pool {
	char name[CONF_NAME_MAX];
	struct { uint32_t first, last; } ranges[CONF_MAX_RANGES];	/* host order */
	size_t nranges;
	int line;
};

enum conf_modecfg {
	CONF_MODECFG_NONE = 0,
	CONF_MODECFG_INITIATE = 1,	/* "crypto map M client configuration address initiate" */
	CONF_MODECFG_RESPOND = 2,	/* "... respond"; both may be set */
};

/* "espgw limit WHAT N": the engine's caps (ike.h has what they mean); 0: the default */
struct conf_limits {
	unsigned int half_open;		/* half-open */
	unsigned int half_open_per_peer;	/* half-open-per-peer */
	unsigned int key_exch;		/* key-exchanges */
	unsigned int sa_per_peer;	/* sa-per-peer */
	unsigned int sa_per_id;		/* sa-per-identity */
	unsigned int sa;		/* sa */
	unsigned int child;		/* ipsec-sa-per-isakmp-sa */
	unsigned int aggressive;	/* aggressive-mode */
};

/* NAT traversal (RFC 3947): "crypto ipsec nat-transparency udp-encapsulation" */
enum conf_natt {
	CONF_NATT_ON = 0,	/* the default: ESP in UDP when a NAT is detected */
	CONF_NATT_OFF,		/* "no crypto ipsec nat-transparency udp-encapsulation" */
	CONF_NATT_FORCE,	/* "espgw nat-transparency force": ESP in UDP with any client
				 * that does NAT-T, NAT or not */
};

struct conf {
	/* "espgw legacy" (espgw's own line): allow DES, 3DES, MD5, group 1; warn loudly */
	bool legacy;
	/* "crypto isakmp policy N" blocks, sorted by N (lower first) */
	struct ike_p1_policy policies[CONF_MAX_POLICIES];
	unsigned int policy_prio[CONF_MAX_POLICIES];
	size_t npolicies;
	struct conf_psk psks[CONF_MAX_PSKS];
	size_t npsks;
	struct conf_tset tsets[CONF_MAX_TSETS];
	size_t ntsets;
	/* the dynamic map the crypto map uses ("crypto map M 10 ipsec-isakmp dynamic D") */
	struct conf_dynmap dynmap;
	bool have_dynmap;
	/* "crypto ipsec security-association lifetime seconds|kilobytes N" */
	uint64_t sa_life_sec;		/* default 3600 */
	uint64_t sa_life_kb;		/* default 4608000 */
	uint32_t sa_replay_window;	/* inbound SAs' anti-replay window, packets; 0 = off */
	struct conf_pool pools[CONF_MAX_POOLS];
	size_t npools;
	/* "crypto isakmp client configuration address-pool local NAME" -> index, -1 none */
	int isakmp_pool;
	unsigned int modecfg;		/* enum conf_modecfg bits */
	struct conf_group groups[CONF_MAX_GROUPS];
	size_t ngroups;
	/* "espgw lease-grace SECONDS": how long a released lease waits for its client */
	unsigned int lease_grace;
	/* "crypto isakmp keepalive SECONDS [RETRY]": DPD (RFC 3706); 0 off */
	unsigned int dpd_sec, dpd_retry;
	char crypto_map[CONF_NAME_MAX];
	struct conf_limits limits;
	enum conf_natt natt;
	/* "crypto isakmp nat keepalive SECONDS": to clients behind a NAT (default 20) */
	unsigned int natt_keepalive;
	/* "crypto isakmp aggressive-mode disable" */
	bool aggressive_off;
	/*
	 * XAUTH: "crypto map M client authentication list L" with "aaa
	 * authentication login L local": clients are asked for a user name and
	 * password after phase 1, checked against the "username" lines; they must
	 * propose XAUTHInitPreShared (65001), not plain pre-shared keys
	 */
	bool xauth;
	unsigned int xauth_timeout;	/* "crypto isakmp xauth timeout SECONDS" */
	struct conf_user *users;	/* heap */
	size_t nusers;
	/* what conf_warning() returns: NUL-separated messages, heap, freed by conf_free() */
	char *warnings;
	size_t warnings_len;
};

/* Room for every error conf_load() reports at once (CONF_ERR_MAX bytes). */
#define CONF_ERR_MAX 8192

/*
 * Read path into c. On failure returns -1 and writes "path:line: what is
 * wrong" into err (errlen bytes), one line per error, every error of the file
 * (up to 20; the checks across lines run once every line is right); nothing
 * is left allocated. A missing
 * mandatory piece (no isakmp policy, no key, no transform set, no dynamic
 * map, no protected network) is an error with the line of the block at fault
 * (or line 0 when there is none at all). The file holds the keys: one that its
 * group or other users may write is refused, one other users may read gets a
 * warning.
 */
int conf_load(const char *path, struct conf *c, char *err, size_t errlen);
/* The same from a string (tests); name is used in messages. */
int conf_parse(const char *name, const char *text, struct conf *c, char *err, size_t errlen);
/* Wipes the keys and frees what conf_load allocated. */
void conf_free(struct conf *c);
/* The most specific key for a peer (host order), NULL when none covers it. */
const struct conf_psk *conf_psk_lookup(const struct conf *c, uint32_t peer);
/*
 * The group of a Main Mode client with phase-1 identity (type, data, len):
 * the one named so for ID_KEY_ID/ID_FQDN/ID_USER_FQDN, else "default", else
 * NULL; never a group with a key (that is entered with its key only).
 */
const struct conf_group *conf_group_for(const struct conf *c, uint8_t id_type,
					const uint8_t *id, size_t len);
/* Aggressive Mode: the group with a key whose name the identity is, else NULL. */
const struct conf_group *conf_group_keyed(const struct conf *c, uint8_t id_type,
					  const uint8_t *id, size_t len);
/* The local user so named (len bytes), NULL when there is none. */
const struct conf_user *conf_user_find(const struct conf *c, const char *name, size_t len);
/* Warnings to log at start (legacy algorithms in use...), one per call; NULL when done. */
const char *conf_warning(const struct conf *c, size_t *iter);
/*
 * 'espgwd -t': load path, print to out the error, or the warnings and a one-line
 * summary ("path: OK: ..."). Returns the exit status: 0 good, 1 bad.
 */
int conf_check(const char *path, FILE *out);

#endif /* _ESPGW_CONF_H_ */
