// SPDX-License-Identifier: GPL-2.0
/*
 * espgwd.conf: crypto isakmp. Policy blocks (their algorithms are the
 * vocabulary's, algs.h), keys, client configuration groups and their keys,
 * keepalive, Aggressive Mode, XAUTH's timeout and the Mode-Config address
 * pool.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

/* ------------------------------------------------- crypto isakmp policy N */

int cf_open_policy(struct st *s)
{
	struct p_policy *p;
	uint64_t prio;
	size_t i;

	if (cf_num(s, "crypto isakmp policy", s->tok[3], 1, 10000, &prio))
		return -1;
	for (i = 0; i < s->npol; i++)
		if (s->pol[i].prio == prio)
			return cf_perr(s, "duplicate crypto isakmp policy %s (first at line %d)",
				       s->tok[3], s->pol[i].line);
	if (s->npol == CONF_MAX_POLICIES)
		return cf_perr(s, "too many isakmp policies (at most %d)", CONF_MAX_POLICIES);
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

/* "hash md5|sha|...": the usage of an algorithm command, from the vocabulary */
static int want_alg(struct st *s, int max, const char *cmd, enum ike_alg_kind kind)
{
	char usage[160], alts[128];

	snprintf(usage, sizeof(usage), "%s %s", cmd, cf_alg_alts(kind, NULL, alts, sizeof(alts)));
	return cf_want(s, 2, max, usage);
}

static int policy_encryption(struct st *s)
{
	struct p_policy *p = &s->pol[s->blk_idx];
	const struct ike_alg_enc *e;
	char words[128];

	if (want_alg(s, 3, "encryption", IKE_ALG_ENC))
		return -1;
	e = ike_alg_enc_by_name(s->tok[1], 0);
	if (!e)
		return cf_perr(s, "encryption: unknown algorithm '%s' (%s)", s->tok[1],
			       ike_alg_words(IKE_ALG_ENC, NULL, words, sizeof(words)));
	if (s->ntok > 2) {
		unsigned int bits = cf_keybits(s->tok[2]);

		if (!e->keybits)
			return cf_perr(s, "unexpected '%s': %s has a fixed key size", s->tok[2],
				       s->tok[1]);
		e = bits ? ike_alg_enc_by_name(s->tok[1], bits) : NULL;
		if (!e)
			return cf_perr(s, "encryption %s: key size '%s' is not %s", s->tok[1],
				       s->tok[2], cf_alg_sizes(IKE_ALG_ENC, s->tok[1], words,
							       sizeof(words)));
	}
	p->p.enc = e->id;
	p->p.keybits = e->keybits;
	p->enc_line = s->line;
	return 0;
}

static int policy_hash(struct st *s)
{
	struct p_policy *p = &s->pol[s->blk_idx];
	const struct ike_alg_hash *h;
	char words[128];

	if (want_alg(s, 2, "hash", IKE_ALG_HASH))
		return -1;
	h = ike_alg_hash_by_name(s->tok[1]);
	if (!h)
		return cf_perr(s, "hash: unknown algorithm '%s' (%s)", s->tok[1],
			       ike_alg_words(IKE_ALG_HASH, NULL, words, sizeof(words)));
	p->p.hash = h->id;
	p->hash_line = s->line;
	return 0;
}

static int policy_group(struct st *s)
{
	struct p_policy *p = &s->pol[s->blk_idx];
	const struct ike_alg_group *g;
	char words[128];

	if (want_alg(s, 2, "group", IKE_ALG_GROUP))
		return -1;
	g = ike_alg_group_by_name(s->tok[1]);
	if (!g)
		return cf_perr(s, "group: '%s' is not supported (%s)", s->tok[1],
			       ike_alg_words(IKE_ALG_GROUP, NULL, words, sizeof(words)));
	p->p.group = g->id;
	p->group_line = s->line;
	return 0;
}

static int policy_auth(struct st *s)
{
	struct p_policy *p = &s->pol[s->blk_idx];

	if (strcmp(s->tok[1], "pre-share"))
		return cf_perr(s, "authentication '%s' is not supported: espgwd authenticates "
			       "with pre-shared keys only (authentication pre-share)", s->tok[1]);
	p->p.auth = IKE_AUTH_PSK;
	p->auth_set = true;
	return 0;
}

static int policy_lifetime(struct st *s)
{
	uint64_t v;

	if (cf_num(s, "lifetime", s->tok[1], P1_LIFE_MIN, P1_LIFE_MAX, &v))
		return -1;
	s->pol[s->blk_idx].p.lifetime = (uint32_t)v;
	return 0;
}

/* A legacy algorithm of the policy, written at line or (line 0) by default. */
static void policy_legacy(struct st *s, const struct p_policy *p, bool legacy, int line,
			  const char *what, const char *name)
{
	if (legacy)
		cf_legacy_use(s, line ? line : p->line, "%s%s %s in isakmp policy %u",
			      line ? "" : "the default ", what, name, p->prio);
}

static int close_policy(struct st *s)
{
	struct p_policy *p = &s->pol[s->blk_idx];
	const struct ike_alg_enc *e = ike_alg_enc_by_id(p->p.enc, p->p.keybits);
	const struct ike_alg_hash *h = ike_alg_hash_by_id(p->p.hash);
	const struct ike_alg_group *g = ike_alg_group_by_id(p->p.group);

	if (!p->auth_set) {
		s->line = p->line;
		return cf_perr(s, "crypto isakmp policy %u has no 'authentication pre-share' (the "
			       "router's default, rsa-sig, is not supported)", p->prio);
	}
	policy_legacy(s, p, e && e->legacy, p->enc_line, "encryption", e ? e->name : "?");
	policy_legacy(s, p, h && h->legacy, p->hash_line, "hash", h ? h->name : "?");
	policy_legacy(s, p, g && g->legacy, p->group_line, "group", g ? g->name : "?");
	return 0;
}

static void policy_name(const struct st *s, char *buf, size_t len)
{
	snprintf(buf, len, "crypto isakmp policy %u", s->pol[s->blk_idx].prio);
}

static const struct conf_cmd policy_cmds[] = {
	{ .w = { "encryption" }, .fn = policy_encryption },
	{ .w = { "hash" }, .fn = policy_hash },
	{ .w = { "authentication" }, .fn = policy_auth, .min = 2, .max = 2,
	  .usage = "authentication pre-share" },
	{ .w = { "group" }, .fn = policy_group },
	{ .w = { "lifetime" }, .fn = policy_lifetime, .min = 2, .max = 2,
	  .usage = "lifetime SECONDS" },
};

const struct conf_block cf_policy_block = {
	policy_cmds, N_ELEMS(policy_cmds), policy_name, close_policy,
};

/* ---------------------------- crypto isakmp key [0] SECRET address A [MASK] */

int cf_isakmp_key(struct st *s)
{
	struct conf *c = s->c;
	bool no_xauth = false;
	struct conf_psk *k;
	int i = 3, ai;
	uint32_t a;
	uint8_t plen;
	size_t j;

	if (s->ntok < 6)
		return cf_perr(s, "incomplete command, expected 'crypto isakmp key SECRET address "
			       "A.B.C.D [MASK]'");
	if (strcmp(s->tok[4], "address") && s->ntok >= 7 && !strcmp(s->tok[5], "address")) {
		if (!strcmp(s->tok[3], "6"))
			return cf_perr(s, "encrypted keys (type 6) are not supported: write the "
				       "key in clear");
		if (strcmp(s->tok[3], "0"))
			return cf_perr(s, "key type '%s' is not supported (0: key in clear)",
				       s->tok[3]);
		i = 4;
	}
	ai = i + 1;
	if (!strcmp(s->tok[ai], "hostname"))
		return cf_perr(s, "crypto isakmp key: peers by 'hostname' are not supported, use "
			       "'address'");
	if (strcmp(s->tok[ai], "address"))
		return cf_perr(s, "crypto isakmp key: expected 'address', not '%s'", s->tok[ai]);
	if (ai + 1 >= s->ntok)
		return cf_perr(s, "incomplete command, expected 'crypto isakmp key SECRET address "
			       "A.B.C.D [MASK]'");
	if (cf_ip(s, "crypto isakmp key", s->tok[ai + 1], &a))
		return -1;
	plen = a ? 32 : 0;
	j = (size_t)ai + 2;
	if (j < (size_t)s->ntok && strcmp(s->tok[j], "no-xauth")) {
		if (cf_netmask(s, "crypto isakmp key", s->tok[j], &plen))
			return -1;
		a &= plen_mask(plen);
		j++;
	}
	if (j < (size_t)s->ntok && !strcmp(s->tok[j], "no-xauth")) {
		no_xauth = true;
		j++;
	}
	if (j < (size_t)s->ntok)
		return cf_perr(s, "crypto isakmp key: unexpected '%s'", s->tok[j]);
	for (j = 0; j < c->npsks; j++)
		if (c->psks[j].peer.addr == a && c->psks[j].peer.plen == plen)
			return cf_perr(s, "duplicate key for peer %s/%u (first at line %d)",
				       s->tok[ai + 1], plen, c->psks[j].line);
	if (c->npsks == CONF_MAX_PSKS)
		return cf_perr(s, "too many keys (at most %d)", CONF_MAX_PSKS);
	k = &c->psks[c->npsks];
	k->key = strdup(s->tok[i]);
	if (!k->key)
		return cf_perr(s, "out of memory");
	k->keylen = strlen(k->key);
	k->peer.addr = a;
	k->peer.plen = plen;
	k->no_xauth = no_xauth;
	k->line = s->line;
	c->npsks++;
	return 0;
}

/* ------------------------------- crypto isakmp client configuration group */

int cf_open_group(struct st *s)
{
	struct conf *c = s->c;
	struct conf_group *g;
	size_t i;

	for (i = 0; i < c->ngroups; i++)
		if (!strcmp(c->groups[i].name, s->tok[5]))
			return cf_perr(s, "client configuration group %s defined twice (first at "
				       "line %d)", s->tok[5], c->groups[i].line);
	if (c->ngroups == CONF_MAX_GROUPS)
		return cf_perr(s, "too many client configuration groups (at most %d)",
			       CONF_MAX_GROUPS);
	g = &c->groups[c->ngroups];
	memset(g, 0, sizeof(*g));
	memset(&s->grp[c->ngroups], 0, sizeof(s->grp[0]));
	if (cf_name_copy(s, "client configuration group", s->tok[5], g->name))
		return -1;
	g->pool = -1;
	g->line = s->line;
	s->blk = BLK_GROUP;
	s->blk_idx = (int)c->ngroups++;
	return 0;
}

#define GROUP(s)	(&(s)->c->groups[(s)->blk_idx])
#define PGROUP(s)	(&(s)->grp[(s)->blk_idx])

/* "dns A [B]" / "wins A [B]" */
static int group_servers(struct st *s, uint32_t *out, size_t *n, int *line)
{
	const char *what = s->tok[0];
	int i;

	if (*line)
		return cf_perr(s, "duplicate %s (first at line %d)", what, *line);
	if (s->ntok < 2)
		return cf_perr(s, "incomplete command, expected '%s A.B.C.D [A.B.C.D]'", what);
	if (s->ntok > 1 + CONF_MAX_SERVERS)
		return cf_perr(s, "%s: at most %d servers", what, CONF_MAX_SERVERS);
	for (i = 1; i < s->ntok; i++) {
		if (cf_ip(s, what, s->tok[i], &out[i - 1]))
			return -1;
		if (!out[i - 1] || out[i - 1] == 0xffffffffu)
			return cf_perr(s, "%s: %s is not a server address", what, s->tok[i]);
	}
	*n = (size_t)s->ntok - 1;
	*line = s->line;
	return 0;
}

static int group_dns(struct st *s)
{
	return group_servers(s, GROUP(s)->dns, &GROUP(s)->ndns, &PGROUP(s)->dns_line);
}

static int group_wins(struct st *s)
{
	return group_servers(s, GROUP(s)->wins, &GROUP(s)->nwins, &PGROUP(s)->wins_line);
}

static int group_domain(struct st *s)
{
	struct p_group *pg = PGROUP(s);
	size_t i, len;

	if (pg->domain_line)
		return cf_perr(s, "duplicate domain (first at line %d)", pg->domain_line);
	len = strlen(s->tok[1]);
	if (len >= CONF_DOMAIN_MAX)
		return cf_perr(s, "domain: '%s' is too long (at most %d characters)", s->tok[1],
			       CONF_DOMAIN_MAX - 1);
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s->tok[1][i]) && !strchr(".-_", s->tok[1][i]))
			return cf_perr(s, "domain: '%s' is not a domain name", s->tok[1]);
	memcpy(GROUP(s)->domain, s->tok[1], len + 1);
	pg->domain_line = s->line;
	return 0;
}

static int group_banner(struct st *s)
{
	struct p_group *pg = PGROUP(s);
	size_t len = 0;
	int i;

	if (pg->banner_line)
		return cf_perr(s, "duplicate banner (first at line %d)", pg->banner_line);
	for (i = 1; i < s->ntok; i++)
		len += strlen(s->tok[i]) + (i > 1);
	if (len >= CONF_BANNER_MAX)
		return cf_perr(s, "banner: too long (%zu characters, at most %d)", len,
			       CONF_BANNER_MAX - 1);
	cf_join(s, 1, s->ntok, GROUP(s)->banner, sizeof(GROUP(s)->banner));
	pg->banner_line = s->line;
	return 0;
}

/* "pool NAME" / "acl ACL": a reference, resolved at the end */
static int group_ref(struct st *s, char *name, int *line)
{
	if (*line)
		return cf_perr(s, "duplicate %s (first at line %d)", s->tok[0], *line);
	if (cf_name_copy(s, s->tok[0], s->tok[1], name))
		return -1;
	*line = s->line;
	return 0;
}

static int group_pool(struct st *s)
{
	return group_ref(s, PGROUP(s)->pool, &PGROUP(s)->pool_line);
}

static int group_acl(struct st *s)
{
	return group_ref(s, PGROUP(s)->acl, &PGROUP(s)->acl_line);
}

/* "key [0] SECRET": the group's pre-shared key, for Aggressive Mode */
static int group_key(struct st *s)
{
	struct conf_group *g = GROUP(s);
	struct p_group *pg = PGROUP(s);
	const char *k = s->tok[1];

	if (pg->key_line)
		return cf_perr(s, "duplicate key (first at line %d)", pg->key_line);
	if (s->ntok == 3) {
		if (!strcmp(s->tok[1], "6"))
			return cf_perr(s, "group key: encrypted keys (type 6) are not supported: "
				       "write the key in clear");
		if (strcmp(s->tok[1], "0"))
			return cf_perr(s, "group key: key type '%s' is not supported (0: key in "
				       "clear)", s->tok[1]);
		k = s->tok[2];
	}
	g->key = strdup(k);
	if (!g->key)
		return cf_perr(s, "out of memory");
	g->keylen = strlen(k);
	pg->key_line = s->line;
	return 0;
}

static void group_name(const struct st *s, char *buf, size_t len)
{
	snprintf(buf, len, "client configuration group %s", s->c->groups[s->blk_idx].name);
}

/* in the order an unknown command's message lists them */
static const struct conf_cmd group_cmds[] = {
	{ .w = { "dns" }, .fn = group_dns, .listed = true },
	{ .w = { "wins" }, .fn = group_wins, .listed = true },
	{ .w = { "domain" }, .fn = group_domain, .min = 2, .max = 2, .listed = true,
	  .usage = "domain NAME" },
	{ .w = { "pool" }, .fn = group_pool, .min = 2, .max = 2, .listed = true,
	  .usage = "pool NAME" },
	{ .w = { "acl" }, .fn = group_acl, .min = 2, .max = 2, .listed = true,
	  .usage = "acl ACL" },
	{ .w = { "banner" }, .fn = group_banner, .min = 2, .max = MAX_TOKS, .listed = true,
	  .usage = "banner TEXT" },
	{ .w = { "key" }, .fn = group_key, .min = 2, .max = 3, .listed = true,
	  .usage = "key [0] SECRET" },
};

const struct conf_block cf_group_block = {
	group_cmds, N_ELEMS(group_cmds), group_name, NULL,
};

/* ------------------------------------------------------- keepalive, pool */

/* crypto isakmp keepalive SECONDS [RETRY] [periodic|on-demand] */
int cf_isakmp_keepalive(struct st *s)
{
	uint64_t sec, retry = 2;
	int n = s->ntok;

	if (n >= 4 && (!strcmp(s->tok[n - 1], "periodic") || !strcmp(s->tok[n - 1], "on-demand")))
		n--;
	if (n < 4 || n > 5)
		return cf_perr(s, "expected 'crypto isakmp keepalive SECONDS [RETRY] "
			       "[periodic|on-demand]'");
	if (cf_num(s, "crypto isakmp keepalive", s->tok[3], 10, 3600, &sec) ||
	    (n == 5 && cf_num(s, "crypto isakmp keepalive", s->tok[4], 2, 60, &retry)))
		return -1;
	if (s->keepalive_line)
		return cf_perr(s, "duplicate crypto isakmp keepalive (first at line %d)",
			       s->keepalive_line);
	s->keepalive_line = s->line;
	s->c->dpd_sec = (unsigned int)sec;
	s->c->dpd_retry = (unsigned int)retry;
	return 0;
}

/* crypto isakmp nat keepalive SECONDS */
int cf_nat_keepalive(struct st *s)
{
	uint64_t sec;

	if (cf_num(s, "crypto isakmp nat keepalive", s->tok[4], 5, 3600, &sec))
		return -1;
	if (s->nat_keepalive_line)
		return cf_perr(s, "duplicate crypto isakmp nat keepalive (first at line %d)",
			       s->nat_keepalive_line);
	s->nat_keepalive_line = s->line;
	s->c->natt_keepalive = (unsigned int)sec;
	return 0;
}

/* crypto isakmp aggressive-mode disable */
int cf_aggressive_off(struct st *s)
{
	if (s->aggr_line)
		return cf_perr(s, "duplicate crypto isakmp aggressive-mode disable (first at line %d)",
			       s->aggr_line);
	s->aggr_line = s->line;
	s->c->aggressive_off = true;
	return 0;
}

/* crypto isakmp xauth timeout SECONDS (IOS: 5-90) */
int cf_xauth_timeout(struct st *s)
{
	uint64_t sec;

	if (cf_num(s, "crypto isakmp xauth timeout", s->tok[4], 5, 90, &sec))
		return -1;
	if (s->xauth_timeout_line)
		return cf_perr(s, "duplicate crypto isakmp xauth timeout (first at line %d)",
			       s->xauth_timeout_line);
	s->xauth_timeout_line = s->line;
	s->c->xauth_timeout = (unsigned int)sec;
	return 0;
}

/* crypto isakmp client configuration address-pool local NAME */
int cf_address_pool(struct st *s)
{
	if (s->pool_ref_line)
		return cf_perr(s, "duplicate address-pool (first at line %d)", s->pool_ref_line);
	if (cf_name_copy(s, "address-pool", s->tok[6], s->pool_ref))
		return -1;
	s->pool_ref_line = s->line;
	return 0;
}
