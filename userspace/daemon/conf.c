// SPDX-License-Identifier: GPL-2.0
/*
 * espgwd.conf parser: the Cisco IOS crypto commands of the source document's
 * router configuration (docs/espgwd.conf.5 is the reference).
 *
 * The file is read the way a router reads a pasted configuration: a line that
 * starts with blanks belongs to the block opened by the last block command
 * ("crypto isakmp policy 1", "crypto dynamic-map dynmap 10", "interface
 * Ethernet0", ...); an unindented line that is not a top-level command also
 * belongs to the open block (a router in a sub-mode does the same with what
 * is typed or pasted flush left), so the document's configuration parses as
 * it is printed. Lines of the router's configuration that espgwd has no
 * business with (interfaces, NAT, routes, consoles...) are accepted and
 * reported once per kind by conf_warning(); anything else unknown, and every
 * malformed value, is an error "name:line: what is wrong".
 *
 * References (transform sets, ACLs, pools, the dynamic map) may be defined
 * after their use: they are resolved once the whole file is read, and so are
 * the checks that need all of it (legacy algorithms, mandatory pieces). Of
 * those, the error on the earliest line is the one reported.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

#define LINE_MAX_LEN	1024
#define MAX_TOKS	32
#define MAX_DYNMAPS	16
#define MAX_ACL_ENTRIES	1024
#define MAX_LEGACY	64
#define FILE_MAX	(1 << 20)

#define P1_LIFE_MIN	60
#define P1_LIFE_MAX	86400
#define P2_SEC_MIN	120
#define P2_SEC_MAX	86400
#define P2_KB_MIN	2560
#define P2_KB_MAX	4194303

enum blk {
	BLK_NONE,
	BLK_POLICY,	/* crypto isakmp policy N */
	BLK_TSET,	/* crypto ipsec transform-set NAME ... */
	BLK_DYNMAP,	/* crypto dynamic-map NAME SEQ */
	BLK_GROUP,	/* crypto isakmp client configuration group NAME */
	BLK_IFACE,	/* interface X: ignored but for "crypto map NAME" */
	BLK_IGNORED,	/* route-map, line, router...: everything ignored */
};

struct p_policy {
	unsigned int prio;
	struct ike_p1_policy p;
	int line, enc_line, hash_line, group_line;
	bool auth_set;
};

struct p_dynmap {
	struct conf_dynmap d;
	char tset[CONF_MAX_TSETS][CONF_NAME_MAX];
	int tset_line;
	char acl[CONF_NAME_MAX];
	int acl_line;
	int pfs_line;
};

struct p_group {
	char pool[CONF_NAME_MAX];
	int pool_line;
	char acl[CONF_NAME_MAX];
	int acl_line;
	int dns_line, wins_line, domain_line, banner_line;
};

struct p_acl {
	char name[CONF_NAME_MAX];
	bool permit;
	bool ip;		/* an "ip" entry (or a standard ACL's): usable by match address */
	uint32_t src, swild;	/* host order */
	int line;
};

struct p_legacy {
	int line;
	char what[96];
};

struct st {
	const char *name;
	struct conf *c;
	char *err;
	size_t errlen;
	int line;
	int err_line;		/* late errors: the earliest wins; -1 none */
	bool failed;

	char *tok[MAX_TOKS];
	int ntok;

	enum blk blk;
	int blk_idx;
	char iface[CONF_NAME_MAX * 2];

	struct p_policy pol[CONF_MAX_POLICIES];
	size_t npol;
	struct p_dynmap dm[MAX_DYNMAPS];
	size_t ndm;
	struct p_acl *acl;
	size_t nacl;
	struct p_legacy leg[MAX_LEGACY];
	size_t nleg;
	int legacy_line;

	char pool_ref[CONF_NAME_MAX];
	int pool_ref_line;
	struct p_group grp[CONF_MAX_GROUPS];
	int grace_line;
	int keepalive_line;
	bool authz_warned;
	int pool_first_range_line[CONF_MAX_POOLS][CONF_MAX_RANGES];

	/* the crypto map: its name from the first line that names it */
	int map_line;
	char bind_dynmap[CONF_NAME_MAX];
	unsigned int bind_seq;
	int bind_line;
	int modecfg_line;
	char iface_map[CONF_NAME_MAX];
	int iface_map_line;

	uint64_t ignored_seen;	/* bit per ignored kind */
	char *warn;			/* ignored-line warnings, NUL-separated */
	size_t warnlen, warncap;
	bool oom;
};

/* ------------------------------------------------------------------ errors */

static void __attribute__((format(printf, 3, 0))) verr_at(struct st *s, int line, const char *fmt,
							   va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (s->err && s->errlen)
		snprintf(s->err, s->errlen, "%s:%d: %s", s->name, line, msg);
}

/* An error on the current line: parsing stops. */
static int __attribute__((format(printf, 2, 3))) perr(struct st *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr_at(s, s->line, fmt, ap);
	va_end(ap);
	s->failed = true;
	return -1;
}

/* An error found after the whole file is read: the earliest line wins (0 = last). */
static void __attribute__((format(printf, 3, 4))) lerr(struct st *s, int line, const char *fmt,
						       ...)
{
	va_list ap;
	int key = line ? line : 0x7fffffff;

	if (s->err_line >= 0 && s->err_line <= key)
		return;
	s->err_line = key;
	va_start(ap, fmt);
	verr_at(s, line, fmt, ap);
	va_end(ap);
	s->failed = true;
}

/* ---------------------------------------------------------------- warnings */

static void __attribute__((format(printf, 2, 3))) warn(struct st *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t n;
	char *p;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(msg) + 1;
	if (s->warnlen + n > s->warncap) {
		size_t cap = s->warncap ? s->warncap * 2 : 1024;

		while (cap < s->warnlen + n)
			cap *= 2;
		p = realloc(s->warn, cap);
		if (!p) {
			s->oom = true;
			return;
		}
		s->warn = p;
		s->warncap = cap;
	}
	memcpy(s->warn + s->warnlen, msg, n);
	s->warnlen += n;
}

/* ------------------------------------------------------------------ values */

static bool is_num(const char *t)
{
	if (!*t)
		return false;
	for (; *t; t++)
		if (!isdigit((unsigned char)*t))
			return false;
	return true;
}

static int num(struct st *s, const char *what, const char *t, uint64_t min, uint64_t max,
	       uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (!is_num(t) || strlen(t) > 19)
		return perr(s, "%s: '%s' is not a number", what, t);
	for (p = t; *p; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (v < min || v > max)
		return perr(s, "%s: %s is out of range (%llu-%llu)", what, t,
			    (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

static bool parse_ip(const char *t, uint32_t *out)
{
	uint32_t a = 0;
	int part, digits;

	for (part = 0; part < 4; part++) {
		unsigned int v = 0;

		for (digits = 0; isdigit((unsigned char)*t); t++, digits++) {
			if (digits == 3)
				return false;
			v = v * 10 + (unsigned int)(*t - '0');
		}
		if (!digits || v > 255)
			return false;
		a = a << 8 | v;
		if (part < 3 && *t++ != '.')
			return false;
	}
	if (*t)
		return false;
	*out = a;
	return true;
}

static int ip(struct st *s, const char *what, const char *t, uint32_t *out)
{
	if (!parse_ip(t, out))
		return perr(s, "%s: '%s' is not an IPv4 address", what, t);
	return 0;
}

/* A netmask (255.255.255.0) as a prefix length; -1 when not contiguous. */
static int mask_plen(uint32_t m)
{
	uint32_t inv = ~m;

	if (inv & (inv + 1))
		return -1;
	return m ? 32 - __builtin_ctz(m) : 0;
}

static uint32_t plen_mask(unsigned int plen)
{
	return plen ? 0xffffffffu << (32 - plen) : 0;
}

static int netmask(struct st *s, const char *what, const char *t, uint8_t *plen)
{
	uint32_t m;
	int l;

	if (!parse_ip(t, &m))
		return perr(s, "%s: '%s' is not a netmask", what, t);
	l = mask_plen(m);
	if (l < 0)
		return perr(s, "%s: '%s' is not a netmask (its ones must be contiguous)", what, t);
	*plen = (uint8_t)l;
	return 0;
}

static int name_copy(struct st *s, const char *what, const char *t, char *out)
{
	if (strlen(t) >= CONF_NAME_MAX)
		return perr(s, "%s: name '%.40s...' is too long (at most %d characters)", what, t,
			    CONF_NAME_MAX - 1);
	strcpy(out, t);
	return 0;
}

static int want(struct st *s, int min, int max, const char *usage)
{
	if (s->ntok < min)
		return perr(s, "incomplete command, expected '%s'", usage);
	if (s->ntok > max)
		return perr(s, "unexpected '%s' after '%s'", s->tok[max], usage);
	return 0;
}

static void legacy_use(struct st *s, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void legacy_use(struct st *s, int line, const char *fmt, ...)
{
	va_list ap;

	if (s->nleg == MAX_LEGACY)
		return;
	s->leg[s->nleg].line = line;
	va_start(ap, fmt);
	vsnprintf(s->leg[s->nleg].what, sizeof(s->leg[0].what), fmt, ap);
	va_end(ap);
	s->nleg++;
}

/* ------------------------------------------------------- ignored commands */

struct ignored {
	const char *w1, *w2;	/* first word, and second when it matters */
	bool block;		/* opens a block whose lines are ignored too */
	bool echo;		/* the line may be shown (no secrets in it) */
	const char *hint;
};

static const struct ignored ignored_kinds[] = {
	{ "Building", NULL, false, true, "show running-config header" },
	{ "Current", NULL, false, true, "show running-config header" },
	{ "version", NULL, false, true, "the router's software version" },
	{ "service", NULL, false, true, "router housekeeping" },
	{ "hostname", NULL, false, true, "set the host name with hostnamectl" },
	{ "enable", NULL, false, false, "the router's own passwords, not shown" },
	{ "username", NULL, false, false, "router logins, not shown" },
	{ "aaa", NULL, false, true, "router authentication" },
	{ "cns", NULL, false, true, "Cisco network services" },
	{ "logging", NULL, false, true, "logs go to stderr or syslog" },
	{ "ntp", NULL, false, true, "keep time with an NTP client" },
	{ "clock", NULL, false, true, "keep time with an NTP client" },
	{ "boot", NULL, false, true, "router boot" },
	{ "snmp-server", NULL, false, false, "router SNMP, not shown" },
	{ "memory-size", NULL, false, true, "router memory" },
	{ "interface", NULL, true, true, "configure with ip addr" },
	{ "ip", "nat", false, true, "NAT with nftables, see docs/config-mapping.md" },
	{ "ip", "route", false, true, "configure with ip route" },
	{ "ip", "subnet-zero", false, true, "always so on Linux" },
	{ "ip", "classless", false, true, "always so on Linux" },
	{ "ip", "http", false, true, "the router's web server" },
	{ "ip", "cef", false, true, "Linux forwards with net.ipv4.ip_forward=1" },
	{ "ip", "domain-name", false, true, "set in /etc/resolv.conf" },
	{ "ip", "domain", false, true, "set in /etc/resolv.conf" },
	{ "ip", "name-server", false, true, "set in /etc/resolv.conf" },
	{ "ip", "ssh", false, true, "the router's SSH server" },
	{ "ip", "dhcp", false, true, "run a DHCP server" },
	{ "ip", "forward-protocol", false, true, "router forwarding" },
	{ "ip", "access-list", true, true, "named ACLs are not read; use access-list N" },
	{ "route-map", NULL, true, true, "nftables rules, see docs/config-mapping.md" },
	{ "router", NULL, true, true, "run a routing daemon" },
	{ "line", NULL, true, true, "router consoles" },
	{ "control-plane", NULL, true, true, "router control plane" },
	{ "no", NULL, false, true, "router defaults" },
	{ "end", NULL, false, true, "end of the router's configuration" },
};

static const struct ignored *find_ignored(struct st *s, size_t *idx)
{
	size_t i;

	for (i = 0; i < sizeof(ignored_kinds) / sizeof(ignored_kinds[0]); i++) {
		const struct ignored *k = &ignored_kinds[i];

		if (strcmp(s->tok[0], k->w1))
			continue;
		if (k->w2 && (s->ntok < 2 || strcmp(s->tok[1], k->w2)))
			continue;
		*idx = i;
		return k;
	}
	return NULL;
}

static bool is_top_level(struct st *s)
{
	size_t i;

	if (!strcmp(s->tok[0], "crypto") || !strcmp(s->tok[0], "access-list") ||
	    !strcmp(s->tok[0], "espgw"))
		return true;
	if (!strcmp(s->tok[0], "ip") && s->ntok >= 2 && !strcmp(s->tok[1], "local"))
		return true;
	return find_ignored(s, &i) != NULL;
}

static void join(struct st *s, int from, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	buf[0] = 0;
	for (i = from; i < s->ntok && o + 1 < len; i++) {
		int n = snprintf(buf + o, len - o, "%s%s", i > from ? " " : "", s->tok[i]);

		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (o >= len && len > 4)
		strcpy(buf + len - 4, "...");
}

static int do_ignored(struct st *s)
{
	const struct ignored *k;
	char text[200];
	size_t idx = 0;

	k = find_ignored(s, &idx);
	if (!strcmp(s->tok[0], "no") && s->ntok >= 2 &&
	    (!strcmp(s->tok[1], "crypto") || !strcmp(s->tok[1], "espgw")))
		return perr(s, "'no %s ...': remove the line instead", s->tok[1]);
	if (!(s->ignored_seen & (1ull << idx))) {
		s->ignored_seen |= 1ull << idx;
		if (k->echo)
			join(s, 0, text, sizeof(text));
		else
			snprintf(text, sizeof(text), "%s%s%s", k->w1, k->w2 ? " " : "",
				 k->w2 ? k->w2 : "");
		warn(s, "ignored: %s (%s)", text, k->hint);
	}
	if (k->block) {
		s->blk = !strcmp(k->w1, "interface") ? BLK_IFACE : BLK_IGNORED;
		if (s->blk == BLK_IFACE)
			join(s, 1, s->iface, sizeof(s->iface));
	}
	return 0;
}

/* "crypto map NAME": the crypto map applied to an interface */
static int crypto_map_name(struct st *s, const char *name, int *line)
{
	if (!s->c->crypto_map[0]) {
		if (name_copy(s, "crypto map", name, s->c->crypto_map))
			return -1;
		s->map_line = s->line;
	} else if (strcmp(s->c->crypto_map, name)) {
		return perr(s, "crypto map '%s': espgwd has one crypto map, '%s' (line %d)", name,
			    s->c->crypto_map, s->map_line);
	}
	if (line)
		*line = s->line;
	return 0;
}

static int iface_crypto_map(struct st *s)
{
	if (want(s, 3, 3, "crypto map NAME"))
		return -1;
	if (crypto_map_name(s, s->tok[2], &s->iface_map_line))
		return -1;
	strcpy(s->iface_map, s->tok[2]);
	if (!(s->ignored_seen & (1ull << 63))) {
		s->ignored_seen |= 1ull << 63;
		warn(s, "ignored: crypto map %s on %s%s (espgwd answers on every local address)",
		     s->tok[2], s->iface[0] ? "interface " : "an interface", s->iface);
	}
	return 0;
}

/* ------------------------------------------------------ crypto isakmp ... */

static int open_policy(struct st *s)
{
	struct p_policy *p;
	uint64_t prio;
	size_t i;

	if (want(s, 4, 4, "crypto isakmp policy PRIORITY") ||
	    num(s, "crypto isakmp policy", s->tok[3], 1, 10000, &prio))
		return -1;
	for (i = 0; i < s->npol; i++)
		if (s->pol[i].prio == prio)
			return perr(s, "duplicate crypto isakmp policy %s (first at line %d)",
				    s->tok[3], s->pol[i].line);
	if (s->npol == CONF_MAX_POLICIES)
		return perr(s, "too many isakmp policies (at most %d)", CONF_MAX_POLICIES);
	p = &s->pol[s->npol];
	memset(p, 0, sizeof(*p));
	p->prio = (unsigned int)prio;
	p->line = s->line;
	/* the router's defaults */
	p->p.enc = IKE_ENC_DES;
	p->p.hash = IKE_HASH_SHA1;
	p->p.group = IKE_GROUP_MODP768;
	p->p.lifetime = 86400;
	s->blk = BLK_POLICY;
	s->blk_idx = (int)s->npol++;
	return 0;
}

static int policy_sub(struct st *s)
{
	struct p_policy *p = &s->pol[s->blk_idx];
	const char *cmd = s->tok[0];
	uint64_t v;

	if (!strcmp(cmd, "encryption")) {
		if (want(s, 2, 3, "encryption des|3des|aes [128|192|256]"))
			return -1;
		p->p.keybits = 0;
		if (!strcmp(s->tok[1], "des") || !strcmp(s->tok[1], "3des")) {
			if (s->ntok > 2)
				return perr(s, "unexpected '%s': %s has a fixed key size", s->tok[2],
					    s->tok[1]);
			p->p.enc = s->tok[1][0] == 'd' ? IKE_ENC_DES : IKE_ENC_3DES;
		} else if (!strcmp(s->tok[1], "aes")) {
			p->p.enc = IKE_ENC_AES_CBC;
			p->p.keybits = 128;
			if (s->ntok > 2) {
				if (strcmp(s->tok[2], "128") && strcmp(s->tok[2], "192") &&
				    strcmp(s->tok[2], "256"))
					return perr(s, "encryption aes: key size '%s' is not 128, "
						    "192 or 256", s->tok[2]);
				p->p.keybits = (uint16_t)atoi(s->tok[2]);
			}
		} else {
			return perr(s, "encryption: unknown algorithm '%s' (des, 3des, aes)",
				    s->tok[1]);
		}
		p->enc_line = s->line;
	} else if (!strcmp(cmd, "hash")) {
		static const struct { const char *n; uint16_t v; } h[] = {
			{ "md5", IKE_HASH_MD5 }, { "sha", IKE_HASH_SHA1 },
			{ "sha256", IKE_HASH_SHA2_256 }, { "sha384", IKE_HASH_SHA2_384 },
			{ "sha512", IKE_HASH_SHA2_512 },
		};
		size_t i;

		if (want(s, 2, 2, "hash md5|sha|sha256|sha384|sha512"))
			return -1;
		for (i = 0; i < sizeof(h) / sizeof(h[0]); i++)
			if (!strcmp(s->tok[1], h[i].n))
				break;
		if (i == sizeof(h) / sizeof(h[0]))
			return perr(s, "hash: unknown algorithm '%s' (md5, sha, sha256, sha384, "
				    "sha512)", s->tok[1]);
		p->p.hash = h[i].v;
		p->hash_line = s->line;
	} else if (!strcmp(cmd, "authentication")) {
		if (want(s, 2, 2, "authentication pre-share"))
			return -1;
		if (strcmp(s->tok[1], "pre-share"))
			return perr(s, "authentication '%s' is not supported: espgwd authenticates "
				    "with pre-shared keys only (authentication pre-share)",
				    s->tok[1]);
		p->p.auth = IKE_AUTH_PSK;
		p->auth_set = true;
	} else if (!strcmp(cmd, "group")) {
		if (want(s, 2, 2, "group 1|2|5|14|15|16"))
			return -1;
		if (!is_num(s->tok[1]) ||
		    (strcmp(s->tok[1], "1") && strcmp(s->tok[1], "2") && strcmp(s->tok[1], "5") &&
		     strcmp(s->tok[1], "14") && strcmp(s->tok[1], "15") && strcmp(s->tok[1], "16")))
			return perr(s, "group: '%s' is not supported (1, 2, 5, 14, 15, 16)",
				    s->tok[1]);
		p->p.group = (uint16_t)atoi(s->tok[1]);
		p->group_line = s->line;
	} else if (!strcmp(cmd, "lifetime")) {
		if (want(s, 2, 2, "lifetime SECONDS") ||
		    num(s, "lifetime", s->tok[1], P1_LIFE_MIN, P1_LIFE_MAX, &v))
			return -1;
		p->p.lifetime = (uint32_t)v;
	} else {
		return perr(s, "unknown command '%s' in crypto isakmp policy %u", cmd, p->prio);
	}
	return 0;
}

static int close_policy(struct st *s)
{
	struct p_policy *p = &s->pol[s->blk_idx];
	int l;

	if (!p->auth_set) {
		s->line = p->line;
		return perr(s, "crypto isakmp policy %u has no 'authentication pre-share' (the "
			    "router's default, rsa-sig, is not supported)", p->prio);
	}
	if (p->p.enc == IKE_ENC_DES || p->p.enc == IKE_ENC_3DES) {
		l = p->enc_line ? p->enc_line : p->line;
		legacy_use(s, l, "%sencryption %s in isakmp policy %u",
			   p->enc_line ? "" : "the default ",
			   p->p.enc == IKE_ENC_DES ? "des" : "3des", p->prio);
	}
	if (p->p.hash == IKE_HASH_MD5)
		legacy_use(s, p->hash_line, "hash md5 in isakmp policy %u", p->prio);
	if (p->p.group == IKE_GROUP_MODP768) {
		l = p->group_line ? p->group_line : p->line;
		legacy_use(s, l, "%sgroup 1 in isakmp policy %u", p->group_line ? "" : "the default ",
			   p->prio);
	}
	return 0;
}

/* crypto isakmp key [0] SECRET address A.B.C.D [MASK] [no-xauth] */
static int isakmp_key(struct st *s)
{
	struct conf *c = s->c;
	struct conf_psk *k;
	int i = 3, ai;
	uint32_t a;
	uint8_t plen;
	size_t j;

	if (s->ntok < 6)
		return perr(s, "incomplete command, expected 'crypto isakmp key SECRET address "
			    "A.B.C.D [MASK]'");
	if (strcmp(s->tok[4], "address") && s->ntok >= 7 && !strcmp(s->tok[5], "address")) {
		if (!strcmp(s->tok[3], "6"))
			return perr(s, "encrypted keys (type 6) are not supported: write the key in "
				    "clear");
		if (strcmp(s->tok[3], "0"))
			return perr(s, "key type '%s' is not supported (0: key in clear)",
				    s->tok[3]);
		i = 4;
	}
	ai = i + 1;
	if (!strcmp(s->tok[ai], "hostname"))
		return perr(s, "crypto isakmp key: peers by 'hostname' are not supported, use "
			    "'address'");
	if (strcmp(s->tok[ai], "address"))
		return perr(s, "crypto isakmp key: expected 'address', not '%s'", s->tok[ai]);
	if (ai + 1 >= s->ntok)
		return perr(s, "incomplete command, expected 'crypto isakmp key SECRET address "
			    "A.B.C.D [MASK]'");
	if (ip(s, "crypto isakmp key", s->tok[ai + 1], &a))
		return -1;
	plen = a ? 32 : 0;
	j = (size_t)ai + 2;
	if (j < (size_t)s->ntok && strcmp(s->tok[j], "no-xauth")) {
		if (netmask(s, "crypto isakmp key", s->tok[j], &plen))
			return -1;
		a &= plen_mask(plen);
		j++;
	}
	if (j < (size_t)s->ntok && !strcmp(s->tok[j], "no-xauth"))
		j++;
	if (j < (size_t)s->ntok)
		return perr(s, "crypto isakmp key: unexpected '%s'", s->tok[j]);
	for (j = 0; j < c->npsks; j++)
		if (c->psks[j].peer.addr == a && c->psks[j].peer.plen == plen)
			return perr(s, "duplicate key for peer %s/%u (first at line %d)",
				    s->tok[ai + 1], plen, c->psks[j].line);
	if (c->npsks == CONF_MAX_PSKS)
		return perr(s, "too many keys (at most %d)", CONF_MAX_PSKS);
	k = &c->psks[c->npsks];
	k->key = strdup(s->tok[i]);
	if (!k->key)
		return perr(s, "out of memory");
	k->keylen = strlen(k->key);
	k->peer.addr = a;
	k->peer.plen = plen;
	k->line = s->line;
	c->npsks++;
	return 0;
}

/* ------------------------------- crypto isakmp client configuration group */

static int open_group(struct st *s)
{
	struct conf *c = s->c;
	struct conf_group *g;
	size_t i;

	if (want(s, 6, 6, "crypto isakmp client configuration group NAME"))
		return -1;
	for (i = 0; i < c->ngroups; i++)
		if (!strcmp(c->groups[i].name, s->tok[5]))
			return perr(s, "client configuration group %s defined twice (first at "
				    "line %d)", s->tok[5], c->groups[i].line);
	if (c->ngroups == CONF_MAX_GROUPS)
		return perr(s, "too many client configuration groups (at most %d)",
			    CONF_MAX_GROUPS);
	g = &c->groups[c->ngroups];
	memset(g, 0, sizeof(*g));
	memset(&s->grp[c->ngroups], 0, sizeof(s->grp[0]));
	if (name_copy(s, "client configuration group", s->tok[5], g->name))
		return -1;
	g->pool = -1;
	g->line = s->line;
	s->blk = BLK_GROUP;
	s->blk_idx = (int)c->ngroups++;
	return 0;
}

/* "dns A [B]" / "wins A [B]" */
static int group_servers(struct st *s, const char *what, uint32_t *out, size_t *n, int *line)
{
	int i;

	if (*line)
		return perr(s, "duplicate %s (first at line %d)", what, *line);
	if (s->ntok < 2)
		return perr(s, "incomplete command, expected '%s A.B.C.D [A.B.C.D]'", what);
	if (s->ntok > 1 + CONF_MAX_SERVERS)
		return perr(s, "%s: at most %d servers", what, CONF_MAX_SERVERS);
	for (i = 1; i < s->ntok; i++) {
		if (ip(s, what, s->tok[i], &out[i - 1]))
			return -1;
		if (!out[i - 1] || out[i - 1] == 0xffffffffu)
			return perr(s, "%s: %s is not a server address", what, s->tok[i]);
	}
	*n = (size_t)s->ntok - 1;
	*line = s->line;
	return 0;
}

static int group_sub(struct st *s)
{
	struct conf_group *g = &s->c->groups[s->blk_idx];
	struct p_group *pg = &s->grp[s->blk_idx];
	const char *cmd = s->tok[0];

	if (!strcmp(cmd, "dns"))
		return group_servers(s, "dns", g->dns, &g->ndns, &pg->dns_line);
	if (!strcmp(cmd, "wins"))
		return group_servers(s, "wins", g->wins, &g->nwins, &pg->wins_line);
	if (!strcmp(cmd, "domain")) {
		size_t i, len;

		if (want(s, 2, 2, "domain NAME"))
			return -1;
		if (pg->domain_line)
			return perr(s, "duplicate domain (first at line %d)", pg->domain_line);
		len = strlen(s->tok[1]);
		if (len >= CONF_DOMAIN_MAX)
			return perr(s, "domain: '%s' is too long (at most %d characters)",
				    s->tok[1], CONF_DOMAIN_MAX - 1);
		for (i = 0; i < len; i++)
			if (!isalnum((unsigned char)s->tok[1][i]) && !strchr(".-_", s->tok[1][i]))
				return perr(s, "domain: '%s' is not a domain name", s->tok[1]);
		memcpy(g->domain, s->tok[1], len + 1);
		pg->domain_line = s->line;
		return 0;
	}
	if (!strcmp(cmd, "banner")) {
		if (s->ntok < 2)
			return perr(s, "incomplete command, expected 'banner TEXT'");
		if (pg->banner_line)
			return perr(s, "duplicate banner (first at line %d)", pg->banner_line);
		{
			size_t len = 0;
			int i;

			for (i = 1; i < s->ntok; i++)
				len += strlen(s->tok[i]) + (i > 1);
			if (len >= CONF_BANNER_MAX)
				return perr(s, "banner: too long (%zu characters, at most %d)", len,
					    CONF_BANNER_MAX - 1);
		}
		join(s, 1, g->banner, sizeof(g->banner));
		pg->banner_line = s->line;
		return 0;
	}
	if (!strcmp(cmd, "pool")) {
		if (want(s, 2, 2, "pool NAME"))
			return -1;
		if (pg->pool_line)
			return perr(s, "duplicate pool (first at line %d)", pg->pool_line);
		if (name_copy(s, "pool", s->tok[1], pg->pool))
			return -1;
		pg->pool_line = s->line;
		return 0;
	}
	if (!strcmp(cmd, "acl")) {
		if (want(s, 2, 2, "acl ACL"))
			return -1;
		if (pg->acl_line)
			return perr(s, "duplicate acl (first at line %d)", pg->acl_line);
		if (name_copy(s, "acl", s->tok[1], pg->acl))
			return -1;
		pg->acl_line = s->line;
		return 0;
	}
	if (!strcmp(cmd, "key"))
		return perr(s, "group key: group authentication needs Aggressive Mode, which "
			    "espgwd does not do yet; use 'crypto isakmp key SECRET address ...'");
	return perr(s, "unknown command '%s' in client configuration group %s (dns, wins, "
		    "domain, pool, acl, banner)", cmd, g->name);
}

/* crypto isakmp keepalive SECONDS [RETRY] [periodic|on-demand] */
static int isakmp_keepalive(struct st *s)
{
	uint64_t sec, retry = 2;
	int n = s->ntok;

	if (n >= 4 && (!strcmp(s->tok[n - 1], "periodic") || !strcmp(s->tok[n - 1], "on-demand")))
		n--;
	if (n < 4 || n > 5)
		return perr(s, "expected 'crypto isakmp keepalive SECONDS [RETRY] "
			    "[periodic|on-demand]'");
	if (num(s, "crypto isakmp keepalive", s->tok[3], 10, 3600, &sec) ||
	    (n == 5 && num(s, "crypto isakmp keepalive", s->tok[4], 2, 60, &retry)))
		return -1;
	if (s->keepalive_line)
		return perr(s, "duplicate crypto isakmp keepalive (first at line %d)",
			    s->keepalive_line);
	s->keepalive_line = s->line;
	s->c->dpd_sec = (unsigned int)sec;
	s->c->dpd_retry = (unsigned int)retry;
	return 0;
}

static int crypto_isakmp(struct st *s)
{
	if (s->ntok < 3)
		return perr(s, "incomplete command 'crypto isakmp'");
	if (!strcmp(s->tok[2], "policy"))
		return open_policy(s);
	if (!strcmp(s->tok[2], "key"))
		return isakmp_key(s);
	if (!strcmp(s->tok[2], "keepalive"))
		return isakmp_keepalive(s);
	if (!strcmp(s->tok[2], "client")) {
		if (s->ntok >= 5 && !strcmp(s->tok[3], "configuration") &&
		    !strcmp(s->tok[4], "group"))
			return open_group(s);
		/* crypto isakmp client configuration address-pool local NAME */
		if (s->ntok < 6 || strcmp(s->tok[3], "configuration") ||
		    strcmp(s->tok[4], "address-pool") || strcmp(s->tok[5], "local"))
			return perr(s, "expected 'crypto isakmp client configuration address-pool "
				    "local NAME' or '... group NAME'");
		if (want(s, 7, 7, "crypto isakmp client configuration address-pool local NAME"))
			return -1;
		if (s->pool_ref_line)
			return perr(s, "duplicate address-pool (first at line %d)", s->pool_ref_line);
		if (name_copy(s, "address-pool", s->tok[6], s->pool_ref))
			return -1;
		s->pool_ref_line = s->line;
		return 0;
	}
	return perr(s, "unknown command 'crypto isakmp %s'", s->tok[2]);
}

/* ------------------------------------------------------- crypto ipsec ... */

static int tset_def(struct st *s)
{
	struct conf *c = s->c;
	struct conf_tset *t;
	const char *enc = NULL, *auth = NULL;
	size_t i;
	int j;

	if (s->ntok < 5)
		return perr(s, "incomplete command, expected 'crypto ipsec transform-set NAME "
			    "ESP-ENCRYPTION [ESP-AUTH]'");
	for (i = 0; i < c->ntsets; i++)
		if (!strcmp(c->tsets[i].name, s->tok[3]))
			return perr(s, "duplicate transform-set '%s' (first at line %d)", s->tok[3],
				    c->tsets[i].line);
	if (c->ntsets == CONF_MAX_TSETS)
		return perr(s, "too many transform sets (at most %d)", CONF_MAX_TSETS);
	t = &c->tsets[c->ntsets];
	memset(t, 0, sizeof(*t));
	if (name_copy(s, "transform-set", s->tok[3], t->name))
		return -1;
	t->line = s->line;
	for (j = 4; j < s->ntok; j++) {
		const char *x = s->tok[j];
		uint16_t au = IPSEC_AUTH_NONE;

		if (!strcmp(x, "esp-des") || !strcmp(x, "esp-3des") || !strcmp(x, "esp-aes") ||
		    !strcmp(x, "esp-gcm")) {
			if (enc)
				return perr(s, "transform-set %s: '%s' after '%s': one encryption "
					    "only", t->name, x, enc);
			enc = x;
			if (!strcmp(x, "esp-des")) {
				t->t.esp = ESP_DES;
			} else if (!strcmp(x, "esp-3des")) {
				t->t.esp = ESP_3DES;
			} else {
				bool gcm = x[4] == 'g';

				t->t.esp = gcm ? ESP_AES_GCM_16 : ESP_AES_CBC;
				t->t.keybits = 128;
				if (j + 1 < s->ntok && is_num(s->tok[j + 1])) {
					const char *b = s->tok[++j];

					if (strcmp(b, "128") && strcmp(b, "256") &&
					    (gcm || strcmp(b, "192")))
						return perr(s, "%s: key size '%s' is not %s", x, b,
							    gcm ? "128 or 256" : "128, 192 or 256");
					t->t.keybits = (uint16_t)atoi(b);
				}
			}
			continue;
		}
		if (!strcmp(x, "esp-md5-hmac"))
			au = IPSEC_AUTH_HMAC_MD5;
		else if (!strcmp(x, "esp-sha-hmac"))
			au = IPSEC_AUTH_HMAC_SHA1;
		else if (!strcmp(x, "esp-sha256-hmac"))
			au = IPSEC_AUTH_HMAC_SHA2_256;
		else if (!strcmp(x, "esp-sha384-hmac"))
			au = IPSEC_AUTH_HMAC_SHA2_384;
		else if (!strcmp(x, "esp-sha512-hmac"))
			au = IPSEC_AUTH_HMAC_SHA2_512;
		if (au != IPSEC_AUTH_NONE) {
			if (auth)
				return perr(s, "transform-set %s: '%s' after '%s': one "
					    "authentication only", t->name, x, auth);
			auth = x;
			t->t.auth = au;
			continue;
		}
		if (!strncmp(x, "ah-", 3))
			return perr(s, "transform-set %s: '%s': AH is not supported (ESP only)",
				    t->name, x);
		if (!strcmp(x, "esp-chacha20-poly1305"))
			return perr(s, "transform-set %s: '%s' is not supported (IKEv1 has no ESP "
				    "transform id for it)", t->name, x);
		return perr(s, "transform-set %s: unknown transform '%s' (esp-des, esp-3des, "
			    "esp-aes, esp-gcm, esp-md5-hmac, esp-sha-hmac, esp-sha256-hmac, "
			    "esp-sha384-hmac, esp-sha512-hmac)", t->name, x);
	}
	if (!enc)
		return perr(s, "transform-set %s has no ESP encryption (esp-aes, esp-gcm...)",
			    t->name);
	if (t->t.esp == ESP_AES_GCM_16 && auth)
		return perr(s, "transform-set %s: '%s' with esp-gcm, which authenticates itself",
			    t->name, auth);
	if (t->t.esp != ESP_AES_GCM_16 && !auth)
		return perr(s, "transform-set %s: %s needs an authentication transform "
			    "(esp-sha-hmac, esp-sha256-hmac...)", t->name, enc);
	if (t->t.esp == ESP_DES || t->t.esp == ESP_3DES)
		legacy_use(s, s->line, "%s in transform-set %s", enc, t->name);
	if (t->t.auth == IPSEC_AUTH_HMAC_MD5)
		legacy_use(s, s->line, "esp-md5-hmac in transform-set %s", t->name);
	c->ntsets++;
	s->blk = BLK_TSET;
	return 0;
}

static int tset_sub(struct st *s)
{
	if (strcmp(s->tok[0], "mode"))
		return perr(s, "unknown command '%s' in crypto ipsec transform-set", s->tok[0]);
	if (want(s, 2, 2, "mode tunnel"))
		return -1;
	if (strcmp(s->tok[1], "tunnel"))
		return perr(s, "mode '%s' is not supported: espgwd does tunnel mode only",
			    s->tok[1]);
	return 0;
}

/* "... lifetime seconds N|kilobytes N" at tok[i] */
static int sa_lifetime(struct st *s, int i, uint64_t *sec, uint64_t *kb)
{
	if (s->ntok != i + 2)
		return s->ntok < i + 2 ?
		       perr(s, "incomplete command, expected 'lifetime seconds N|kilobytes N'") :
		       perr(s, "unexpected '%s' after the lifetime", s->tok[i + 2]);
	if (!strcmp(s->tok[i], "seconds"))
		return num(s, "lifetime seconds", s->tok[i + 1], P2_SEC_MIN, P2_SEC_MAX, sec);
	if (!strcmp(s->tok[i], "kilobytes"))
		return num(s, "lifetime kilobytes", s->tok[i + 1], P2_KB_MIN, P2_KB_MAX, kb);
	return perr(s, "lifetime: expected 'seconds' or 'kilobytes', not '%s'", s->tok[i]);
}

static int crypto_ipsec(struct st *s)
{
	if (s->ntok >= 3 && !strcmp(s->tok[2], "transform-set"))
		return tset_def(s);
	if (s->ntok >= 4 && !strcmp(s->tok[2], "security-association") &&
	    !strcmp(s->tok[3], "lifetime"))
		return sa_lifetime(s, 4, &s->c->sa_life_sec, &s->c->sa_life_kb);
	return perr(s, "unknown command 'crypto ipsec%s%s'", s->ntok > 2 ? " " : "",
		    s->ntok > 2 ? s->tok[2] : "");
}

/* ------------------------------------------------------ dynamic map, map */

static int open_dynmap(struct st *s)
{
	struct p_dynmap *d;
	uint64_t seq;
	size_t i;

	if (want(s, 4, 4, "crypto dynamic-map NAME SEQ") ||
	    num(s, "crypto dynamic-map", s->tok[3], 1, 65535, &seq))
		return -1;
	for (i = 0; i < s->ndm; i++)
		if (!strcmp(s->dm[i].d.name, s->tok[2]) && s->dm[i].d.seq == seq)
			return perr(s, "duplicate crypto dynamic-map %s %s (first at line %d)",
				    s->tok[2], s->tok[3], s->dm[i].d.line);
	if (s->ndm == MAX_DYNMAPS)
		return perr(s, "too many dynamic-map entries (at most %d)", MAX_DYNMAPS);
	d = &s->dm[s->ndm];
	memset(d, 0, sizeof(*d));
	if (name_copy(s, "crypto dynamic-map", s->tok[2], d->d.name))
		return -1;
	d->d.seq = (unsigned int)seq;
	d->d.line = s->line;
	s->blk = BLK_DYNMAP;
	s->blk_idx = (int)s->ndm++;
	return 0;
}

/* Add a network to a list of at most CONF_MAX_NETS (owner names the list in errors). */
static int add_net(struct st *s, struct conf_net *nets, size_t *n, const char *owner,
		   uint32_t addr, uint8_t plen, int line)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (nets[i].addr == addr && nets[i].plen == plen)
			return 0;
	if (*n == CONF_MAX_NETS) {
		s->line = line;
		return perr(s, "too many networks in %s (at most %d)", owner, CONF_MAX_NETS);
	}
	nets[*n].addr = addr;
	nets[*n].plen = plen;
	(*n)++;
	return 0;
}

static int dynmap_sub(struct st *s)
{
	struct p_dynmap *d = &s->dm[s->blk_idx];
	const char *cmd = s->tok[0];
	int i;

	if (!strcmp(cmd, "match")) {
		if (s->ntok < 2 || strcmp(s->tok[1], "address"))
			return perr(s, "expected 'match address ACL'");
		if (want(s, 3, 3, "match address ACL"))
			return -1;
		if (d->acl_line)
			return perr(s, "duplicate match address (first at line %d)", d->acl_line);
		if (name_copy(s, "match address", s->tok[2], d->acl))
			return -1;
		d->acl_line = s->line;
		return 0;
	}
	if (!strcmp(cmd, "reverse-route")) {
		/* "reverse-route" (12.x) or "reverse-route static" (later IOS) */
		if (s->ntok > 2 || (s->ntok == 2 && strcmp(s->tok[1], "static")))
			return perr(s, "expected 'reverse-route [static]'");
		d->d.reverse_route = true;
		return 0;
	}
	if (strcmp(cmd, "set") || s->ntok < 2)
		return perr(s, "unknown command '%s' in crypto dynamic-map %s %u", cmd, d->d.name,
			    d->d.seq);
	if (!strcmp(s->tok[1], "transform-set")) {
		if (s->ntok < 3)
			return perr(s, "incomplete command, expected 'set transform-set NAME "
				    "[NAME...]'");
		if (d->tset_line)
			return perr(s, "duplicate set transform-set (first at line %d)",
				    d->tset_line);
		if (s->ntok - 2 > CONF_MAX_TSETS)
			return perr(s, "too many transform sets (at most %d)", CONF_MAX_TSETS);
		for (i = 2; i < s->ntok; i++) {
			size_t k;

			for (k = 0; k < d->d.ntsets; k++)
				if (!strcmp(d->tset[k], s->tok[i]))
					return perr(s, "transform-set '%s' named twice", s->tok[i]);
			if (name_copy(s, "set transform-set", s->tok[i], d->tset[d->d.ntsets]))
				return -1;
			d->d.ntsets++;
		}
		d->tset_line = s->line;
		return 0;
	}
	if (!strcmp(s->tok[1], "pfs")) {
		static const char *const g[] = { "group1", "group2", "group5", "group14",
						 "group15", "group16" };
		size_t k;

		if (want(s, 2, 3, "set pfs [group1|group2|group5|group14|group15|group16]"))
			return -1;
		if (s->ntok == 2) {
			d->d.pfs_group = IKE_GROUP_MODP768;	/* the router's default */
		} else {
			for (k = 0; k < sizeof(g) / sizeof(g[0]); k++)
				if (!strcmp(s->tok[2], g[k]))
					break;
			if (k == sizeof(g) / sizeof(g[0]))
				return perr(s, "set pfs: '%s' is not supported (group1, group2, "
					    "group5, group14, group15, group16)", s->tok[2]);
			d->d.pfs_group = (uint16_t)atoi(s->tok[2] + 5);
		}
		d->pfs_line = s->line;
		if (d->d.pfs_group == IKE_GROUP_MODP768)
			legacy_use(s, s->line, "set pfs group1 in dynamic-map %s %u", d->d.name,
				   d->d.seq);
		return 0;
	}
	if (!strcmp(s->tok[1], "security-association")) {
		if (s->ntok < 3 || strcmp(s->tok[2], "lifetime"))
			return perr(s, "expected 'set security-association lifetime seconds "
				    "N|kilobytes N'");
		return sa_lifetime(s, 3, &d->d.life_sec, &d->d.life_kb);
	}
	if (!strcmp(s->tok[1], "local-network")) {
		uint32_t a = 0;
		uint8_t plen = 0;

		if (want(s, 4, 4, "set local-network A.B.C.D MASK") ||
		    ip(s, "set local-network", s->tok[2], &a) ||
		    netmask(s, "set local-network", s->tok[3], &plen))
			return -1;
		if (a & ~plen_mask(plen))
			return perr(s, "set local-network: %s has bits outside the mask %s",
				    s->tok[2], s->tok[3]);
		return add_net(s, d->d.nets, &d->d.nnets, "the dynamic map", a, plen, s->line);
	}
	if (!strcmp(s->tok[1], "peer"))
		return perr(s, "'set peer' is not supported: a dynamic map accepts any peer");
	return perr(s, "unknown command 'set %s' in crypto dynamic-map %s %u", s->tok[1],
		    d->d.name, d->d.seq);
}

static int crypto_map(struct st *s)
{
	uint64_t seq;

	if (s->ntok < 3)
		return perr(s, "incomplete command 'crypto map'");
	if (s->ntok == 3)
		return iface_crypto_map(s);
	if (!strcmp(s->tok[3], "client")) {
		/* crypto map NAME client configuration address initiate|respond */
		if (s->ntok < 6 || strcmp(s->tok[4], "configuration") ||
		    strcmp(s->tok[5], "address"))
			return perr(s, "expected 'crypto map NAME client configuration address "
				    "initiate|respond'");
		if (want(s, 7, 7, "crypto map NAME client configuration address initiate|respond"))
			return -1;
		if (strcmp(s->tok[6], "initiate") && strcmp(s->tok[6], "respond"))
			return perr(s, "client configuration address: expected 'initiate' or "
				    "'respond', not '%s'", s->tok[6]);
		if (crypto_map_name(s, s->tok[2], NULL))
			return -1;
		s->c->modecfg |= s->tok[6][0] == 'i' ? CONF_MODECFG_INITIATE :
						       CONF_MODECFG_RESPOND;
		if (!s->modecfg_line)
			s->modecfg_line = s->line;
		return 0;
	}
	if (!strcmp(s->tok[3], "isakmp") && s->ntok >= 5 && !strcmp(s->tok[4], "authorization")) {
		/* Easy VPN's "crypto map M isakmp authorization list L": the router's AAA
		 * lookup of the group; espgwd finds the group by the client's identity */
		if (crypto_map_name(s, s->tok[2], NULL))
			return -1;
		if (!s->authz_warned) {
			warn(s, "ignored: crypto map %s isakmp authorization (espgwd needs no AAA: "
			     "a client's group is the one named by its identity)", s->tok[2]);
			s->authz_warned = true;
		}
		return 0;
	}
	if (!is_num(s->tok[3]))
		return perr(s, "unknown command 'crypto map %s %s'", s->tok[2], s->tok[3]);
	if (num(s, "crypto map", s->tok[3], 1, 65535, &seq))
		return -1;
	if (s->ntok < 5 || strcmp(s->tok[4], "ipsec-isakmp"))
		return perr(s, "crypto map %s %s: expected 'ipsec-isakmp dynamic DYNMAP'",
			    s->tok[2], s->tok[3]);
	if (s->ntok == 5)
		return perr(s, "static crypto map entries are not supported: use 'crypto map "
			    "%s %s ipsec-isakmp dynamic DYNMAP'", s->tok[2], s->tok[3]);
	if (strcmp(s->tok[5], "dynamic"))
		return perr(s, "crypto map %s %s ipsec-isakmp: expected 'dynamic', not '%s'",
			    s->tok[2], s->tok[3], s->tok[5]);
	if (want(s, 7, 7, "crypto map NAME SEQ ipsec-isakmp dynamic DYNMAP"))
		return -1;
	if (s->bind_line)
		return perr(s, "espgwd takes one crypto map entry (first at line %d)", s->bind_line);
	if (crypto_map_name(s, s->tok[2], NULL) ||
	    name_copy(s, "dynamic", s->tok[6], s->bind_dynmap))
		return -1;
	s->bind_seq = (unsigned int)seq;
	s->bind_line = s->line;
	return 0;
}

static int crypto(struct st *s)
{
	if (s->ntok < 2)
		return perr(s, "incomplete command 'crypto'");
	if (!strcmp(s->tok[1], "isakmp"))
		return crypto_isakmp(s);
	if (!strcmp(s->tok[1], "ipsec"))
		return crypto_ipsec(s);
	if (!strcmp(s->tok[1], "dynamic-map"))
		return open_dynmap(s);
	if (!strcmp(s->tok[1], "map"))
		return crypto_map(s);
	return perr(s, "unknown command 'crypto %s'", s->tok[1]);
}

/* ------------------------------------------------------------- ACL, pools */

/* SRC WILD | any | host A at tok[*i]; advances *i */
static int acl_addr(struct st *s, int *i, uint32_t *a, uint32_t *wild)
{
	const char *t;

	if (*i >= s->ntok)
		return perr(s, "access-list: incomplete entry, expected an address");
	t = s->tok[*i];
	if (!strcmp(t, "any")) {
		*a = 0;
		*wild = 0xffffffffu;
		(*i)++;
		return 0;
	}
	if (!strcmp(t, "host")) {
		if (*i + 1 >= s->ntok)
			return perr(s, "access-list: 'host' without an address");
		if (ip(s, "access-list", s->tok[*i + 1], a))
			return -1;
		*wild = 0;
		*i += 2;
		return 0;
	}
	if (ip(s, "access-list", t, a))
		return -1;
	if (*i + 1 >= s->ntok)
		return perr(s, "access-list: %s without a wildcard mask", t);
	if (!parse_ip(s->tok[*i + 1], wild))
		return perr(s, "access-list: '%s' is not a wildcard mask", s->tok[*i + 1]);
	*i += 2;
	return 0;
}

static int access_list(struct st *s)
{
	struct p_acl e;
	uint64_t n;
	uint32_t da, dw;
	int i = 3;

	if (s->ntok < 3)
		return perr(s, "incomplete command, expected 'access-list N permit|deny ...'");
	if (!is_num(s->tok[1]))
		return perr(s, "access-list: '%s' is not an access-list number", s->tok[1]);
	if (num(s, "access-list", s->tok[1], 1, 2699, &n))
		return -1;
	if ((n >= 200 && n < 1300))
		return perr(s, "access-list %s: only IP access lists (1-199, 1300-2699)",
			    s->tok[1]);
	if (!strcmp(s->tok[2], "remark"))
		return 0;
	memset(&e, 0, sizeof(e));
	if (!strcmp(s->tok[2], "permit"))
		e.permit = true;
	else if (strcmp(s->tok[2], "deny"))
		return perr(s, "access-list %s: expected 'permit', 'deny' or 'remark', not '%s'",
			    s->tok[1], s->tok[2]);
	strcpy(e.name, s->tok[1]);
	e.line = s->line;
	if (n < 100 || (n >= 1300 && n < 2000)) {
		/* standard: permit|deny SRC [WILD] | any | host A */
		if (s->ntok == 4 && parse_ip(s->tok[3], &e.src)) {
			e.swild = 0;	/* a bare address is a host */
			i = 4;
		} else if (acl_addr(s, &i, &e.src, &e.swild)) {
			return -1;
		}
		if (i < s->ntok)
			return perr(s, "access-list %s: unexpected '%s'", s->tok[1], s->tok[i]);
		e.ip = true;
	} else {
		if (s->ntok < 4)
			return perr(s, "access-list %s: incomplete entry, expected 'ip SRC WILD "
				    "DST WILD'", s->tok[1]);
		if (!strcmp(s->tok[3], "ip")) {
			i = 4;
			if (acl_addr(s, &i, &e.src, &e.swild) || acl_addr(s, &i, &da, &dw))
				return -1;
			if (i < s->ntok)
				return perr(s, "access-list %s: unexpected '%s'", s->tok[1],
					    s->tok[i]);
			e.ip = true;
		}
		/* other protocols: kept only to refuse them if match address uses the ACL */
	}
	if (s->nacl % 64 == 0) {
		struct p_acl *p;

		if (s->nacl == MAX_ACL_ENTRIES)
			return perr(s, "too many access-list entries (at most %d)", MAX_ACL_ENTRIES);
		p = realloc(s->acl, (s->nacl + 64) * sizeof(*p));
		if (!p)
			return perr(s, "out of memory");
		s->acl = p;
	}
	s->acl[s->nacl++] = e;
	return 0;
}

static int ip_local_pool(struct st *s)
{
	struct conf *c = s->c;
	struct conf_pool *p = NULL;
	uint32_t first, last;
	size_t i, j;

	if (s->ntok < 3 || strcmp(s->tok[2], "pool"))
		return perr(s, "unknown command 'ip local%s%s'", s->ntok > 2 ? " " : "",
			    s->ntok > 2 ? s->tok[2] : "");
	if (want(s, 5, 6, "ip local pool NAME FIRST [LAST]") ||
	    ip(s, "ip local pool", s->tok[4], &first))
		return -1;
	last = first;
	if (s->ntok == 6 && ip(s, "ip local pool", s->tok[5], &last))
		return -1;
	if (last < first)
		return perr(s, "ip local pool %s: %s is below %s", s->tok[3], s->tok[5], s->tok[4]);
	for (i = 0; i < c->npools; i++) {
		for (j = 0; j < c->pools[i].nranges; j++)
			if (first <= c->pools[i].ranges[j].last &&
			    last >= c->pools[i].ranges[j].first)
				return perr(s, "ip local pool %s: range overlaps pool %s (line %d)",
					    s->tok[3], c->pools[i].name,
					    s->pool_first_range_line[i][j]);
		if (!strcmp(c->pools[i].name, s->tok[3]))
			p = &c->pools[i];
	}
	if (!p) {
		if (c->npools == CONF_MAX_POOLS)
			return perr(s, "too many pools (at most %d)", CONF_MAX_POOLS);
		p = &c->pools[c->npools];
		memset(p, 0, sizeof(*p));
		if (name_copy(s, "ip local pool", s->tok[3], p->name))
			return -1;
		p->line = s->line;
		c->npools++;
	}
	if (p->nranges == CONF_MAX_RANGES)
		return perr(s, "ip local pool %s: too many ranges (at most %d)", p->name,
			    CONF_MAX_RANGES);
	s->pool_first_range_line[p - c->pools][p->nranges] = s->line;
	p->ranges[p->nranges].first = first;
	p->ranges[p->nranges].last = last;
	p->nranges++;
	return 0;
}

/* --------------------------------------------------------------- dispatch */

static int close_block(struct st *s)
{
	int rc = 0, line = s->line;

	if (s->blk == BLK_POLICY)
		rc = close_policy(s);
	s->line = line;
	s->blk = BLK_NONE;
	return rc;
}

static int top(struct st *s)
{
	const char *cmd = s->tok[0];

	if (!strcmp(cmd, "crypto"))
		return crypto(s);
	if (!strcmp(cmd, "access-list"))
		return access_list(s);
	if (!strcmp(cmd, "ip") && !strcmp(s->tok[1], "local"))
		return ip_local_pool(s);
	if (!strcmp(cmd, "espgw")) {
		if (s->ntok >= 2 && !strcmp(s->tok[1], "legacy")) {
			if (want(s, 2, 2, "espgw legacy"))
				return -1;
			if (!s->legacy_line)
				s->legacy_line = s->line;
			s->c->legacy = true;
			return 0;
		}
		if (s->ntok >= 2 && !strcmp(s->tok[1], "lease-grace")) {
			uint64_t v;

			if (want(s, 3, 3, "espgw lease-grace SECONDS") ||
			    num(s, "espgw lease-grace", s->tok[2], 0, 86400, &v))
				return -1;
			if (s->grace_line)
				return perr(s, "duplicate espgw lease-grace (first at line %d)",
					    s->grace_line);
			s->grace_line = s->line;
			s->c->lease_grace = (unsigned int)v;
			return 0;
		}
		return perr(s, "unknown command 'espgw%s%s' (espgw legacy, espgw lease-grace)",
			    s->ntok > 1 ? " " : "",
			    s->ntok > 1 ? s->tok[1] : "");
	}
	return do_ignored(s);
}

static int sub(struct st *s)
{
	switch (s->blk) {
	case BLK_POLICY:
		return policy_sub(s);
	case BLK_TSET:
		return tset_sub(s);
	case BLK_DYNMAP:
		return dynmap_sub(s);
	case BLK_GROUP:
		return group_sub(s);
	case BLK_IFACE:
		if (!strcmp(s->tok[0], "crypto") && s->ntok >= 2 && !strcmp(s->tok[1], "map"))
			return iface_crypto_map(s);
		return 0;
	case BLK_IGNORED:
		return 0;
	case BLK_NONE:
		break;
	}
	return perr(s, "indented line outside a block: '%s'", s->tok[0]);
}

static int tokenize(struct st *s, char *buf)
{
	char *p = buf;

	s->ntok = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		if (s->ntok == MAX_TOKS)
			return perr(s, "too many words on the line (at most %d)", MAX_TOKS);
		s->tok[s->ntok++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = 0;
	}
}

/* ----------------------------------------------------------------- finish */

/*
 * The source networks of ACL's permit entries into nets (what 'match address'
 * and a group's 'acl' use), errors at the entries' lines. -1 stops the
 * resolution (too many networks); a missing or empty ACL is an error too.
 */
static int acl_nets(struct st *s, const char *acl, int use_line, const char *use,
		    struct conf_net *nets, size_t *n)
{
	bool found = false, permit = false;
	size_t k;

	for (k = 0; k < s->nacl; k++) {
		struct p_acl *e = &s->acl[k];
		int pl;

		if (strcmp(e->name, acl))
			continue;
		found = true;
		if (!e->ip) {
			lerr(s, e->line, "access-list %s is used by %s (line %d): only 'ip' entries",
			     e->name, use, use_line);
			continue;
		}
		if (!e->permit)
			continue;
		permit = true;
		pl = mask_plen(~e->swild);
		if (pl < 0) {
			char w[16];

			snprintf(w, sizeof(w), "%u.%u.%u.%u", e->swild >> 24, e->swild >> 16 & 255,
				 e->swild >> 8 & 255, e->swild & 255);
			lerr(s, e->line, "access-list %s: wildcard %s is not a prefix (%s at line "
			     "%d)", e->name, w, use, use_line);
			continue;
		}
		if (add_net(s, nets, n, use, e->src & ~e->swild, (uint8_t)pl, e->line))
			return -1;
	}
	if (!found)
		lerr(s, use_line, "access-list %s is not defined", acl);
	else if (!permit)
		lerr(s, use_line, "access-list %s permits nothing", acl);
	return 0;
}

static int find_pool(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->npools; i++)
		if (!strcmp(c->pools[i].name, name))
			return (int)i;
	return -1;
}

static void resolve_groups(struct st *s)
{
	struct conf *c = s->c;
	size_t i;

	for (i = 0; i < c->ngroups; i++) {
		struct conf_group *g = &c->groups[i];
		struct p_group *pg = &s->grp[i];

		if (pg->pool_line) {
			g->pool = find_pool(c, pg->pool);
			if (g->pool < 0)
				lerr(s, pg->pool_line, "ip local pool %s is not defined", pg->pool);
		}
		if (pg->acl_line && acl_nets(s, pg->acl, pg->acl_line, "acl", g->split, &g->nsplit))
			return;
		if (!pg->pool_line && !s->pool_ref_line && c->modecfg)
			lerr(s, g->line, "client configuration group %s has no pool and there is no "
			     "'crypto isakmp client configuration address-pool local NAME'",
			     g->name);
	}
}

static void resolve_dynmap(struct st *s)
{
	struct conf *c = s->c;
	struct p_dynmap *d = NULL;
	size_t i, k;

	for (i = 0; i < s->ndm; i++) {
		struct p_dynmap *x = &s->dm[i];

		/* references are checked in every entry, used or not */
		for (k = 0; k < x->d.ntsets; k++) {
			size_t t;

			for (t = 0; t < c->ntsets; t++)
				if (!strcmp(c->tsets[t].name, x->tset[k]))
					break;
			if (t == c->ntsets)
				lerr(s, x->tset_line, "transform-set '%s' is not defined", x->tset[k]);
			else
				x->d.tsets[k] = (unsigned int)t;
		}
		if (!x->tset_line)
			lerr(s, x->d.line, "crypto dynamic-map %s %u has no 'set transform-set'",
			     x->d.name, x->d.seq);
		if (x->acl_line && acl_nets(s, x->acl, x->acl_line, "match address", x->d.nets,
					    &x->d.nnets))
			return;
		if (!x->d.nnets && !x->acl_line)
			lerr(s, x->d.line, "crypto dynamic-map %s %u has no protected network "
			     "('match address ACL' or 'set local-network A.B.C.D MASK')",
			     x->d.name, x->d.seq);
	}
	if (!s->bind_line) {
		if (s->ndm)
			lerr(s, s->dm[0].d.line, "crypto dynamic-map %s %u is not used: no 'crypto "
			     "map NAME SEQ ipsec-isakmp dynamic %s'", s->dm[0].d.name,
			     s->dm[0].d.seq, s->dm[0].d.name);
		else
			lerr(s, 0, "no dynamic map: 'crypto dynamic-map NAME SEQ' and 'crypto map "
			     "NAME SEQ ipsec-isakmp dynamic NAME' are needed");
		return;
	}
	for (i = 0; i < s->ndm; i++) {
		if (strcmp(s->dm[i].d.name, s->bind_dynmap)) {
			char t[160];

			snprintf(t, sizeof(t), "ignored: crypto dynamic-map %s %u (no crypto map "
				 "uses it)", s->dm[i].d.name, s->dm[i].d.seq);
			warn(s, "%s", t);
			continue;
		}
		if (d) {
			lerr(s, s->dm[i].d.line, "espgwd takes one entry per dynamic map: crypto "
			     "dynamic-map %s %u (and %u at line %d)", s->dm[i].d.name,
			     s->dm[i].d.seq, d->d.seq, d->d.line);
			continue;
		}
		d = &s->dm[i];
	}
	if (!d) {
		lerr(s, s->bind_line, "crypto dynamic-map %s is not defined", s->bind_dynmap);
		return;
	}
	c->dynmap = d->d;
	c->have_dynmap = true;
}

static void finish(struct st *s)
{
	struct conf *c = s->c;
	size_t i, j;

	if (!s->npol)
		lerr(s, 0, "no crypto isakmp policy");
	if (!c->npsks)
		lerr(s, 0, "no key: 'crypto isakmp key SECRET address A.B.C.D [MASK]'");
	if (!c->ntsets)
		lerr(s, 0, "no transform set: 'crypto ipsec transform-set NAME ESP-ENC "
		     "[ESP-AUTH]'");
	resolve_dynmap(s);
	if (s->pool_ref_line) {
		c->isakmp_pool = find_pool(c, s->pool_ref);
		if (c->isakmp_pool < 0)
			lerr(s, s->pool_ref_line, "ip local pool %s is not defined", s->pool_ref);
	}
	resolve_groups(s);
	if (c->modecfg && !s->pool_ref_line && !conf_group_for(c, 0, NULL, 0))
		lerr(s, s->modecfg_line, "client configuration address needs 'crypto isakmp "
		     "client configuration address-pool local NAME' (or a client configuration "
		     "group 'default' with a pool)");
	if (s->iface_map_line && !s->bind_line)
		lerr(s, s->iface_map_line, "crypto map %s is not defined", s->iface_map);
	if (!c->legacy && s->nleg) {
		struct p_legacy *first = &s->leg[0];

		for (i = 1; i < s->nleg; i++)
			if (s->leg[i].line < first->line)
				first = &s->leg[i];
		lerr(s, first->line, "%s is a legacy algorithm: add 'espgw legacy' to allow it",
		     first->what);
	}
	/* policies, sorted by priority (insertion: at most 32) */
	for (i = 0; i < s->npol; i++) {
		struct p_policy tmp = s->pol[i];

		for (j = i; j > 0 && s->pol[j - 1].prio > tmp.prio; j--)
			s->pol[j] = s->pol[j - 1];
		s->pol[j] = tmp;
	}
	for (i = 0; i < s->npol; i++) {
		c->policies[i] = s->pol[i].p;
		c->policy_prio[i] = s->pol[i].prio;
	}
	c->npolicies = s->npol;
}

/* The loud warning, first: what the legacy switch lets through. */
static char *legacy_warning(struct st *s)
{
	size_t len = 256, i, o;
	char *w;

	for (i = 0; i < s->nleg; i++)
		len += strlen(s->leg[i].what) + 2;
	w = malloc(len);
	if (!w)
		return NULL;
	o = (size_t)snprintf(w, len, "legacy algorithms enabled ('espgw legacy', line %d): "
			     "DES, 3DES, MD5 and DH group 1 are accepted, though broken; ",
			     s->legacy_line);
	if (!s->nleg) {
		snprintf(w + o, len - o, "none is configured");
		return w;
	}
	o += (size_t)snprintf(w + o, len - o, "in use: ");
	for (i = 0; i < s->nleg; i++)
		o += (size_t)snprintf(w + o, len - o, "%s%s", i ? ", " : "", s->leg[i].what);
	return w;
}

static int build_warnings(struct st *s)
{
	struct conf *c = s->c;
	char *lw = NULL;
	size_t ll = 0;

	if (c->legacy) {
		lw = legacy_warning(s);
		if (!lw)
			return -1;
		ll = strlen(lw) + 1;
	}
	if (!ll && !s->warnlen)
		return 0;
	c->warnings = malloc(ll + s->warnlen);
	if (!c->warnings) {
		free(lw);
		return -1;
	}
	if (ll)
		memcpy(c->warnings, lw, ll);
	if (s->warnlen)
		memcpy(c->warnings + ll, s->warn, s->warnlen);
	c->warnings_len = ll + s->warnlen;
	free(lw);
	return 0;
}

/* ------------------------------------------------------------------- API */

int conf_parse(const char *name, const char *text, struct conf *c, char *err, size_t errlen)
{
	char buf[LINE_MAX_LEN + 2];
	const char *p = text;
	struct st *s;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	c->sa_life_sec = 3600;
	c->sa_life_kb = 4608000;
	c->isakmp_pool = -1;
	c->lease_grace = CONF_GRACE_DEFAULT;
	if (err && errlen)
		err[0] = 0;
	s = calloc(1, sizeof(*s));
	if (!s) {
		if (err && errlen)
			snprintf(err, errlen, "%s:0: out of memory", name);
		return -1;
	}
	s->name = name;
	s->c = c;
	s->err = err;
	s->errlen = errlen;
	s->err_line = -1;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		bool indented;

		s->line++;
		if (len > LINE_MAX_LEN) {
			perr(s, "line too long (at most %d characters)", LINE_MAX_LEN);
			goto out;
		}
		memcpy(buf, p, len);
		buf[len] = 0;
		p += len + (nl ? 1 : 0);
		if (len && buf[len - 1] == '\r')
			buf[--len] = 0;
		indented = buf[0] == ' ' || buf[0] == '\t';
		if (tokenize(s, buf))
			goto out;
		if (!s->ntok || s->tok[0][0] == '!')
			continue;
		if (indented) {
			if (sub(s))
				goto out;
		} else if (is_top_level(s)) {
			if (close_block(s) || top(s))
				goto out;
		} else if (s->blk != BLK_NONE) {
			if (sub(s))
				goto out;
		} else {
			perr(s, "unknown command '%s'", s->tok[0]);
			goto out;
		}
	}
	if (close_block(s))
		goto out;
	finish(s);
	if (s->failed)
		goto out;
	if (s->oom || build_warnings(s)) {
		if (err && errlen)
			snprintf(err, errlen, "%s:0: out of memory", name);
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(buf, sizeof(buf));
	free(s->acl);
	free(s->warn);
	free(s);
	if (rc)
		conf_free(c);
	return rc;
}

int conf_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	FILE *f;
	char *text;
	size_t n;
	int rc;

	memset(c, 0, sizeof(*c));
	c->isakmp_pool = -1;
	f = fopen(path, "r");
	if (!f) {
		if (err && errlen)
			snprintf(err, errlen, "%s:0: cannot open: %s", path, strerror(errno));
		return -1;
	}
	text = malloc(FILE_MAX + 1);
	if (!text) {
		fclose(f);
		if (err && errlen)
			snprintf(err, errlen, "%s:0: out of memory", path);
		return -1;
	}
	n = fread(text, 1, FILE_MAX + 1, f);
	rc = ferror(f) ? -1 : 0;
	fclose(f);
	if (rc || n > FILE_MAX || memchr(text, 0, n)) {
		if (err && errlen)
			snprintf(err, errlen, "%s:0: %s", path,
				 rc ? "read error" : n > FILE_MAX ? "file too large (1 MiB at most)" :
				 "not a text file (NUL byte)");
		explicit_bzero(text, n);
		free(text);
		return -1;
	}
	text[n] = 0;
	rc = conf_parse(path, text, c, err, errlen);
	explicit_bzero(text, n);
	free(text);
	return rc;
}

void conf_free(struct conf *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->npsks && i < CONF_MAX_PSKS; i++) {
		if (c->psks[i].key) {
			explicit_bzero(c->psks[i].key, c->psks[i].keylen);
			free(c->psks[i].key);
		}
	}
	free(c->warnings);
	explicit_bzero(c, sizeof(*c));
	c->isakmp_pool = -1;
}

const struct conf_psk *conf_psk_lookup(const struct conf *c, uint32_t peer)
{
	const struct conf_psk *best = NULL;
	size_t i;

	for (i = 0; i < c->npsks; i++) {
		const struct conf_psk *k = &c->psks[i];

		if ((peer & plen_mask(k->peer.plen)) != k->peer.addr)
			continue;
		if (!best || k->peer.plen > best->peer.plen)
			best = k;
	}
	return best;
}

const struct conf_group *conf_group_for(const struct conf *c, uint8_t id_type,
					const uint8_t *id, size_t len)
{
	const struct conf_group *def = NULL;
	size_t i;

	for (i = 0; i < c->ngroups; i++) {
		const struct conf_group *g = &c->groups[i];

		/* ID_FQDN 2, ID_USER_FQDN 3, ID_KEY_ID 11 (RFC 2407 4.6.2.1) */
		if ((id_type == 2 || id_type == 3 || id_type == 11) && strlen(g->name) == len &&
		    !memcmp(g->name, id, len))
			return g;
		if (!strcmp(g->name, "default"))
			def = g;
	}
	return def;
}

const char *conf_warning(const struct conf *c, size_t *iter)
{
	const char *w;

	if (!c->warnings || *iter >= c->warnings_len)
		return NULL;
	w = c->warnings + *iter;
	*iter += strlen(w) + 1;
	return w;
}

int conf_check(const char *path, FILE *out)
{
	struct conf *c = malloc(sizeof(*c));
	char err[512];
	const char *w;
	size_t it = 0;

	if (!c) {
		fprintf(out, "%s:0: out of memory\n", path);
		return 1;
	}
	if (conf_load(path, c, err, sizeof(err))) {
		fprintf(out, "%s\n", err);
		free(c);
		return 1;
	}
	while ((w = conf_warning(c, &it)))
		fprintf(out, "%s: warning: %s\n", path, w);
	fprintf(out, "%s: OK: %zu isakmp %s, %zu %s, %zu transform %s, dynamic map %s %u "
		"with %zu protected %s, %zu %s%s\n", path, c->npolicies,
		c->npolicies == 1 ? "policy" : "policies", c->npsks, c->npsks == 1 ? "key" : "keys",
		c->ntsets, c->ntsets == 1 ? "set" : "sets", c->dynmap.name, c->dynmap.seq,
		c->dynmap.nnets, c->dynmap.nnets == 1 ? "network" : "networks", c->npools,
		c->npools == 1 ? "pool" : "pools", c->legacy ? ", legacy on" : "");
	conf_free(c);
	free(c);
	return 0;
}
