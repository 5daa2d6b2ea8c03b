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
 * The commands are tables (struct conf_cmd): the top-level ones here, those
 * of each block kind with the block's code (conf_isakmp.c, conf_ipsec.c).
 * A line runs the command whose words it starts with; the error for a line
 * that matches none is made from the table, so that what it names cannot
 * drift from what is read.
 *
 * References (transform sets, ACLs, pools, the dynamic map) may be defined
 * after their use: they are resolved once the whole file is read, and so are
 * the checks that need all of it (legacy algorithms, mandatory pieces). Of
 * those, the error on the earliest line is the one reported.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf_priv.h"

#define FILE_MAX	(1 << 20)

/* ------------------------------------------------------------- dispatch */

const char CMD_NUM[] = "<number>";

static int cmd_len(const struct conf_cmd *c)
{
	int i;

	for (i = 0; i < CMD_WORDS && c->w[i]; i++)
		;
	return i;
}

/* How many of c's words the line has, from tok[from]. */
static int cmd_depth(const struct st *s, const struct conf_cmd *c, int from)
{
	int i;

	for (i = 0; i < CMD_WORDS && c->w[i] && from + i < s->ntok; i++)
		if (c->w[i] == CMD_NUM ? !cf_is_num(s->tok[from + i]) :
		    strcmp(c->w[i], s->tok[from + i]))
			break;
	return i;
}

/* The command the line is (the longest of those it has all the words of); *depth: the
 * most words it has of any. */
static const struct conf_cmd *cmd_find(const struct st *s, const struct conf_cmd *tab, size_t n,
				       int from, int *depth)
{
	const struct conf_cmd *best = NULL;
	size_t i;

	*depth = 0;
	for (i = 0; i < n; i++) {
		int d = cmd_depth(s, &tab[i], from);

		if (d == cmd_len(&tab[i]) && (!best || d > cmd_len(best)))
			best = &tab[i];
		if (d > *depth)
			*depth = d;
	}
	return best;
}

/* Bytes of b's leading words that a starts with too, the blank after them included. */
static size_t same_words(const char *a, const char *b)
{
	size_t i, end = 0;

	for (i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == ' ')
			end = i + 1;
	return end;
}

/* The error for a line that is none of tab's commands; d: the most words it has of one. */
static int unmatched(struct st *s, const struct conf_cmd *tab, size_t n, int from, int d,
		     const char *block)
{
	char words[512], alts[400], list[200];
	const char *first = NULL;
	size_t i, oa = 0, ol = 0;

	/* "expected 'A' or '... B'": the commands whose hint words the line has */
	alts[0] = list[0] = 0;
	for (i = 0; i < n && oa < sizeof(alts); i++) {
		const struct conf_cmd *c = &tab[i];

		if (!c->hint || cmd_depth(s, c, from) < c->hint)
			continue;
		oa += (size_t)snprintf(alts + oa, sizeof(alts) - oa, first ? "' or '... %s" : "%s",
				       first ? c->usage + same_words(first, c->usage) : c->usage);
		if (!first)
			first = c->usage;
	}
	if (first)
		return cf_perr(s, "expected '%s'", alts);
	/* the listed commands that start as the line does: " (espgw legacy, ...)" */
	for (i = 0; i < n && ol < sizeof(list); i++) {
		const struct conf_cmd *c = &tab[i];
		int k;

		if (!c->listed || cmd_depth(s, c, from) < d)
			continue;
		for (k = 0; k < cmd_len(c) && ol < sizeof(list); k++)
			ol += (size_t)snprintf(list + ol, sizeof(list) - ol, "%s%s",
					       k ? " " : ol ? ", " : " (", c->w[k]);
	}
	if (ol && ol < sizeof(list))
		snprintf(list + ol, sizeof(list) - ol, ")");
	/* the words the line has of a command, and the first it has wrong */
	cf_join(s, 0, from + d + 1, words, sizeof(words));
	if (block)
		return cf_perr(s, "unknown command '%s' in %s%s", words, block, list);
	if (from + d >= s->ntok)
		return cf_perr(s, "incomplete command '%s'%s", words, list);
	return cf_perr(s, "unknown command '%s'%s", words, list);
}

int cf_dispatch(struct st *s, const struct conf_cmd *tab, size_t n, int from, const char *block)
{
	const struct conf_cmd *c;
	int d;

	c = cmd_find(s, tab, n, from, &d);
	if (!c)
		return unmatched(s, tab, n, from, d, block);
	if (c->min && cf_want(s, c->min, c->max, c->usage))
		return -1;
	return c->fn(s);
}

/* ------------------------------------------------------ top-level commands */

static int espgw_legacy(struct st *s)
{
	if (!s->legacy_line)
		s->legacy_line = s->line;
	s->c->legacy = true;
	return 0;
}

static int espgw_lease_grace(struct st *s)
{
	uint64_t v;

	if (cf_num(s, "espgw lease-grace", s->tok[2], 0, 86400, &v))
		return -1;
	if (s->grace_line)
		return cf_perr(s, "duplicate espgw lease-grace (first at line %d)", s->grace_line);
	s->grace_line = s->line;
	s->c->lease_grace = (unsigned int)v;
	return 0;
}

/* "espgw limit WHAT N": the engine's caps (ike.h), by the name of each */
static const struct {
	const char *name;
	size_t off;
	unsigned int max;
} limits[] = {
	{ "half-open", offsetof(struct conf_limits, half_open), 1000000 },
	{ "half-open-per-peer", offsetof(struct conf_limits, half_open_per_peer), 100000 },
	{ "key-exchanges", offsetof(struct conf_limits, key_exch), 100000 },
	{ "sa-per-peer", offsetof(struct conf_limits, sa_per_peer), 1000000 },
	{ "sa-per-identity", offsetof(struct conf_limits, sa_per_id), 1000000 },
	{ "sa", offsetof(struct conf_limits, sa), 1000000 },
	{ "ipsec-sa-per-isakmp-sa", offsetof(struct conf_limits, child), 1024 },
	{ "aggressive-mode", offsetof(struct conf_limits, aggressive), 100000 },
};

static int set_limit(struct st *s, const char *name, const char *val, const char *what)
{
	char list[256] = "";
	uint64_t v;
	size_t i, o = 0;

	for (i = 0; i < N_ELEMS(limits); i++) {
		if (strcmp(limits[i].name, name))
			continue;
		if (cf_num(s, what, val, 1, limits[i].max, &v))
			return -1;
		*(unsigned int *)((char *)&s->c->limits + limits[i].off) = (unsigned int)v;
		return 0;
	}
	for (i = 0; i < N_ELEMS(limits) && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
				      limits[i].name);
	return cf_perr(s, "espgw limit: unknown limit '%s' (%s)", name, list);
}

static int espgw_limit(struct st *s)
{
	return set_limit(s, s->tok[2], s->tok[3], "espgw limit");
}

/* IOS: "crypto call admission limit ike sa N" and "... ike in-negotiation-sa N" */
static int call_admission(struct st *s)
{
	if (!strcmp(s->tok[5], "sa"))
		return set_limit(s, "sa", s->tok[6], "crypto call admission limit ike sa");
	if (!strcmp(s->tok[5], "in-negotiation-sa"))
		return set_limit(s, "key-exchanges", s->tok[6],
				 "crypto call admission limit ike in-negotiation-sa");
	return cf_perr(s, "crypto call admission limit ike: expected 'sa N' or "
		       "'in-negotiation-sa N', not '%s'", s->tok[5]);
}

static const struct conf_cmd top_cmds[] = {
	{ .w = { "crypto", "isakmp", "policy" }, .fn = cf_open_policy, .min = 4, .max = 4,
	  .usage = "crypto isakmp policy PRIORITY" },
	{ .w = { "crypto", "isakmp", "key" }, .fn = cf_isakmp_key },
	{ .w = { "crypto", "isakmp", "keepalive" }, .fn = cf_isakmp_keepalive },
	{ .w = { "crypto", "isakmp", "nat", "keepalive" }, .fn = cf_nat_keepalive, .min = 5,
	  .max = 5, .hint = 3, .usage = "crypto isakmp nat keepalive SECONDS" },
	{ .w = { "crypto", "isakmp", "aggressive-mode", "disable" }, .fn = cf_aggressive_off,
	  .min = 4, .max = 4, .hint = 3, .usage = "crypto isakmp aggressive-mode disable" },
	{ .w = { "crypto", "isakmp", "xauth", "timeout" }, .fn = cf_xauth_timeout, .min = 5,
	  .max = 5, .hint = 3, .usage = "crypto isakmp xauth timeout SECONDS" },
	{ .w = { "crypto", "ipsec", "nat-transparency", "udp-encapsulation" }, .fn = cf_natt_on,
	  .min = 4, .max = 4, .hint = 3, .usage = "crypto ipsec nat-transparency udp-encapsulation" },
	{ .w = { "no", "crypto", "ipsec", "nat-transparency", "udp-encapsulation" },
	  .fn = cf_natt_off, .min = 5, .max = 5, .lead = 4,
	  .usage = "no crypto ipsec nat-transparency udp-encapsulation" },
	{ .w = { "crypto", "isakmp", "client", "configuration", "address-pool", "local" },
	  .fn = cf_address_pool, .min = 7, .max = 7, .hint = 3,
	  .usage = "crypto isakmp client configuration address-pool local NAME" },
	{ .w = { "crypto", "isakmp", "client", "configuration", "group" },
	  .fn = cf_open_group, .min = 6, .max = 6, .hint = 3,
	  .usage = "crypto isakmp client configuration group NAME" },
	{ .w = { "crypto", "ipsec", "transform-set" }, .fn = cf_tset_def },
	{ .w = { "crypto", "ipsec", "security-association", "lifetime" }, .fn = cf_sa_lifetime,
	  .hint = 3, .usage = "crypto ipsec security-association lifetime seconds N|kilobytes N" },
	{ .w = { "crypto", "ipsec", "security-association", "replay", "window-size" },
	  .fn = cf_sa_replay_window, .min = 5, .max = 6, .hint = 3,
	  .usage = "crypto ipsec security-association replay window-size [64|128|256|512|1024]" },
	{ .w = { "crypto", "ipsec", "security-association", "replay", "disable" },
	  .fn = cf_sa_replay_off, .min = 5, .max = 5, .hint = 3,
	  .usage = "crypto ipsec security-association replay disable" },
	{ .w = { "crypto", "dynamic-map" }, .fn = cf_open_dynmap, .min = 4, .max = 4,
	  .usage = "crypto dynamic-map NAME SEQ" },
	{ .w = { "crypto", "map" }, .fn = cf_crypto_map },
	{ .w = { "access-list" }, .fn = cf_access_list },
	{ .w = { "ip", "local", "pool" }, .fn = cf_ip_local_pool, .min = 5, .max = 6, .lead = 2,
	  .usage = "ip local pool NAME FIRST [LAST]" },
	{ .w = { "espgw", "legacy" }, .fn = espgw_legacy, .min = 2, .max = 2, .listed = true,
	  .usage = "espgw legacy" },
	{ .w = { "espgw", "lease-grace" }, .fn = espgw_lease_grace, .min = 3, .max = 3,
	  .listed = true, .usage = "espgw lease-grace SECONDS" },
	{ .w = { "espgw", "limit" }, .fn = espgw_limit, .min = 4, .max = 4, .listed = true,
	  .usage = "espgw limit WHAT N" },
	{ .w = { "espgw", "nat-transparency", "force" }, .fn = cf_natt_force, .min = 3, .max = 3,
	  .listed = true, .usage = "espgw nat-transparency force" },
	{ .w = { "username" }, .fn = cf_username },
	{ .w = { "aaa", "authentication", "login" }, .fn = cf_aaa_login, .lead = 3,
	  .usage = "aaa authentication login LIST local" },
	{ .w = { "crypto", "call", "admission", "limit", "ike" }, .fn = call_admission,
	  .min = 7, .max = 7, .hint = 2,
	  .usage = "crypto call admission limit ike sa|in-negotiation-sa N" },
};

/* A line of espgwd's own top-level commands (not the router's ignored ones). */
static bool is_top_cmd(const struct st *s)
{
	size_t i;

	for (i = 0; i < N_ELEMS(top_cmds); i++)
		if (cmd_depth(s, &top_cmds[i], 0) >= (top_cmds[i].lead ? top_cmds[i].lead : 1))
			return true;
	return false;
}

static int top(struct st *s)
{
	if (is_top_cmd(s))
		return cf_dispatch(s, top_cmds, N_ELEMS(top_cmds), 0, NULL);
	return cf_ignored(s);
}

/* ------------------------------------------------------------------ blocks */

static const struct conf_block *const blocks[BLK_KINDS] = {
	[BLK_POLICY] = &cf_policy_block,
	[BLK_TSET] = &cf_tset_block,
	[BLK_DYNMAP] = &cf_dynmap_block,
	[BLK_GROUP] = &cf_group_block,
	[BLK_IFACE] = &cf_iface_block,
	/* BLK_IGNORED: none, every line is ignored */
};

static int close_block(struct st *s)
{
	const struct conf_block *b = blocks[s->blk];
	int rc = 0, line = s->line;

	/* a block with a wrong line: what it lacks is most likely that line */
	if (b && b->close && !s->blk_failed)
		rc = b->close(s);
	s->line = line;
	s->blk = BLK_NONE;
	s->blk_failed = false;
	return rc;
}

/* A line of the open block. */
static int sub(struct st *s)
{
	const struct conf_block *b = blocks[s->blk];
	char name[CONF_NAME_MAX + 64];
	int d;

	if (s->blk == BLK_NONE)
		return cf_perr(s, "indented line outside a block: '%s'", s->tok[0]);
	if (!b || (!b->name && !cmd_find(s, b->cmds, b->ncmds, 0, &d)))
		return 0;
	name[0] = 0;
	if (b->name)
		b->name(s, name, sizeof(name));
	return cf_dispatch(s, b->cmds, b->ncmds, 0, name);
}

/* ----------------------------------------------------------------- finish */

static void resolve_groups(struct st *s)
{
	struct conf *c = s->c;
	size_t i;

	for (i = 0; i < c->ngroups; i++) {
		struct conf_group *g = &c->groups[i];
		struct p_group *pg = &s->grp[i];

		if (pg->pool_line) {
			g->pool = cf_find_pool(c, pg->pool);
			if (g->pool < 0)
				cf_lerr(s, pg->pool_line, "ip local pool %s is not defined",
					pg->pool);
		}
		if (pg->acl_line &&
		    cf_acl_nets(s, pg->acl, pg->acl_line, "acl", g->split, &g->nsplit))
			return;
		if (!pg->pool_line && !s->pool_ref_line && c->modecfg)
			cf_lerr(s, g->line, "client configuration group %s has no pool and "
				"there is no 'crypto isakmp client configuration address-pool "
				"local NAME'", g->name);
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
				cf_lerr(s, x->tset_line, "transform-set '%s' is not defined",
					x->tset[k]);
			else
				x->d.tsets[k] = (unsigned int)t;
		}
		if (!x->tset_line)
			cf_lerr(s, x->d.line, "crypto dynamic-map %s %u has no 'set transform-set'",
				x->d.name, x->d.seq);
		if (x->acl_line && cf_acl_nets(s, x->acl, x->acl_line, "match address", x->d.nets,
					       &x->d.nnets))
			return;
		if (!x->d.nnets && !x->acl_line)
			cf_lerr(s, x->d.line, "crypto dynamic-map %s %u has no protected network "
				"('match address ACL' or 'set local-network A.B.C.D MASK')",
				x->d.name, x->d.seq);
	}
	if (!s->bind_line) {
		if (s->ndm)
			cf_lerr(s, s->dm[0].d.line, "crypto dynamic-map %s %u is not used: no "
				"'crypto map NAME SEQ ipsec-isakmp dynamic %s'", s->dm[0].d.name,
				s->dm[0].d.seq, s->dm[0].d.name);
		else
			cf_lerr(s, 0, "no dynamic map: 'crypto dynamic-map NAME SEQ' and 'crypto "
				"map NAME SEQ ipsec-isakmp dynamic NAME' are needed");
		return;
	}
	for (i = 0; i < s->ndm; i++) {
		if (strcmp(s->dm[i].d.name, s->bind_dynmap)) {
			cf_warn(s, "ignored: crypto dynamic-map %s %u (no crypto map uses it)",
				s->dm[i].d.name, s->dm[i].d.seq);
			continue;
		}
		if (d) {
			cf_lerr(s, s->dm[i].d.line, "espgwd takes one entry per dynamic map: "
				"crypto dynamic-map %s %u (and %u at line %d)", s->dm[i].d.name,
				s->dm[i].d.seq, d->d.seq, d->d.line);
			continue;
		}
		d = &s->dm[i];
	}
	if (!d) {
		cf_lerr(s, s->bind_line, "crypto dynamic-map %s is not defined", s->bind_dynmap);
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
		cf_lerr(s, 0, "no crypto isakmp policy");
	for (i = 0; i < c->ngroups && !c->groups[i].key; i++)
		;
	if (!c->npsks && i == c->ngroups)
		cf_lerr(s, 0, "no key: 'crypto isakmp key SECRET address A.B.C.D [MASK]' (or a "
			"client configuration group's 'key SECRET', for Aggressive Mode)");
	if (!c->ntsets)
		cf_lerr(s, 0, "no transform set: 'crypto ipsec transform-set NAME ESP-ENC "
			"[ESP-AUTH]'");
	resolve_dynmap(s);
	if (s->pool_ref_line) {
		c->isakmp_pool = cf_find_pool(c, s->pool_ref);
		if (c->isakmp_pool < 0)
			cf_lerr(s, s->pool_ref_line, "ip local pool %s is not defined",
				s->pool_ref);
	}
	resolve_groups(s);
	cf_resolve_xauth(s);
	if (c->modecfg && !s->pool_ref_line && !conf_group_for(c, 0, NULL, 0))
		cf_lerr(s, s->modecfg_line, "client configuration address needs 'crypto isakmp "
			"client configuration address-pool local NAME' (or a client configuration "
			"group 'default' with a pool)");
	if (s->iface_map_line && !s->bind_line)
		cf_lerr(s, s->iface_map_line, "crypto map %s is not defined", s->iface_map);
	if (!c->legacy && s->nleg) {
		struct p_legacy *first = &s->leg[0];

		for (i = 1; i < s->nleg; i++)
			if (s->leg[i].line < first->line)
				first = &s->leg[i];
		cf_lerr(s, first->line, "%s is a legacy algorithm: add 'espgw legacy' to allow it",
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

/* --------------------------------------------------------------- warnings */

/* Append NUL-separated messages (len bytes, the last NUL included) to c->warnings. */
static int add_warnings(struct conf *c, const char *msgs, size_t len)
{
	char *w = realloc(c->warnings, c->warnings_len + len);

	if (!w)
		return -1;
	memcpy(w + c->warnings_len, msgs, len);
	c->warnings = w;
	c->warnings_len += len;
	return 0;
}

/* The loud warning, first: what the legacy switch lets through. */
static char *legacy_warning(struct st *s)
{
	size_t len = 256, i, o;
	char names[128];
	char *w;

	for (i = 0; i < s->nleg; i++)
		len += strlen(s->leg[i].what) + 2;
	w = malloc(len);
	if (!w)
		return NULL;
	o = (size_t)snprintf(w, len, "legacy algorithms enabled ('espgw legacy', line %d): "
			     "%s are accepted, though broken; ", s->legacy_line,
			     cf_legacy_names(names, sizeof(names)));
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
	char *lw;
	int rc;

	if (c->legacy) {
		lw = legacy_warning(s);
		rc = lw ? add_warnings(c, lw, strlen(lw) + 1) : -1;
		free(lw);
		if (rc)
			return -1;
	}
	if (s->warnlen && add_warnings(c, s->warn, s->warnlen))
		return -1;
	return 0;
}

/* ------------------------------------------------------------------- API */

static bool is_top_level(const struct st *s)
{
	return is_top_cmd(s) || cf_is_ignored(s);
}

int conf_parse(const char *name, const char *text, struct conf *c, char *err, size_t errlen)
{
	char buf[LINE_MAX_LEN + 2];
	const char *p = text;
	struct st *s;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	c->sa_life_sec = 3600;
	c->sa_life_kb = 4608000;
	c->sa_replay_window = CONF_REPLAY_WINDOW_DEFAULT;
	c->isakmp_pool = -1;
	c->lease_grace = CONF_GRACE_DEFAULT;
	c->natt_keepalive = CONF_NATT_KEEPALIVE_DEFAULT;
	c->xauth_timeout = CONF_XAUTH_TIMEOUT_DEFAULT;
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

	/* a UTF-8 byte order mark, as editors on Windows write one */
	if (!strncmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	/* A wrong line is reported and reading goes on: every error in one run. */
	while (*p && s->nerr <= CONF_MAX_ERRORS) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		bool indented;

		s->line++;
		if (len > LINE_MAX_LEN) {
			cf_perr(s, "line too long (at most %d characters)", LINE_MAX_LEN);
			p += len + (nl ? 1 : 0);
			continue;
		}
		memcpy(buf, p, len);
		buf[len] = 0;
		p += len + (nl ? 1 : 0);
		if (len && buf[len - 1] == '\r')
			buf[--len] = 0;
		/* text pasted from a web page or a word processor: a no-break space
		 * (U+00A0, UTF-8 C2 A0) separates words as a space does */
		for (char *q = buf; (q = strstr(q, "\xc2\xa0")); q += 2)
			q[0] = q[1] = ' ';
		indented = buf[0] == ' ' || buf[0] == '\t';
		if (cf_tokenize(s, buf))
			continue;
		if (!s->ntok || s->tok[0][0] == '!')
			continue;
		if (indented && s->skip_indented)
			continue;
		if (!indented)
			s->skip_indented = false;
		if (indented || (!is_top_level(s) && s->blk != BLK_NONE)) {
			if (sub(s))
				s->blk_failed = true;
		} else if (is_top_level(s)) {
			close_block(s);
			/* the indented lines under a wrong first line would only repeat it */
			if (top(s)) {
				s->blk = BLK_NONE;
				s->skip_indented = true;
			}
		} else {
			cf_perr(s, "unknown command '%s'", s->tok[0]);
		}
	}
	if (s->nerr <= CONF_MAX_ERRORS)
		close_block(s);
	/*
	 * What spans lines (references, missing pieces) once the lines are right:
	 * after a wrong line it would mostly report what that line failed to define.
	 */
	if (!s->failed)
		finish(s);
	cf_late_flush(s);
	if (s->failed)
		goto out;
	cf_ignored_summary(s);
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

/* What secrets the file holds (it must not be readable by others), NULL when none. */
static const char *conf_secrets(const struct conf *c)
{
	bool keys = c->npsks > 0;
	size_t i;

	for (i = 0; i < c->ngroups; i++)
		if (c->groups[i].key)
			keys = true;
	if (keys && c->nusers)
		return "pre-shared keys and password hashes";
	return keys ? "pre-shared keys" : c->nusers ? "password hashes" : NULL;
}

/* A conf_load() error, "path:0: what", returning -1. */
static int __attribute__((format(printf, 4, 5))) load_err(const char *path, char *err,
							   size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !errlen)
		return -1;
	n = snprintf(err, errlen, "%s:0: ", path);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int conf_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	struct stat st;
	char *text, *msg;
	FILE *f;
	size_t n;
	int rc;

	memset(c, 0, sizeof(*c));
	c->isakmp_pool = -1;
	f = fopen(path, "r");
	if (!f)
		return load_err(path, err, errlen, "cannot open: %s", strerror(errno));
	/* the file that is read, not whatever the path names by now */
	if (fstat(fileno(f), &st)) {
		rc = errno;
		fclose(f);
		return load_err(path, err, errlen, "cannot stat: %s", strerror(rc));
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		fclose(f);
		return load_err(path, err, errlen, "writable by other users: chmod 600 %s", path);
	}
	text = malloc(FILE_MAX + 1);
	if (!text) {
		fclose(f);
		return load_err(path, err, errlen, "out of memory");
	}
	n = fread(text, 1, FILE_MAX + 1, f);
	rc = ferror(f) ? -1 : 0;
	fclose(f);
	if (rc || n > FILE_MAX || memchr(text, 0, n)) {
		explicit_bzero(text, n);
		free(text);
		return load_err(path, err, errlen, "%s", rc ? "read error" : n > FILE_MAX ?
				"file too large (1 MiB at most)" : "not a text file (NUL byte)");
	}
	text[n] = 0;
	rc = conf_parse(path, text, c, err, errlen);
	explicit_bzero(text, n);
	free(text);
	if (rc || !(st.st_mode & S_IROTH) || !conf_secrets(c))
		return rc;
	if (asprintf(&msg, "%s is readable by other users and holds %s: chmod 600 %s", path,
		     conf_secrets(c), path) < 0)
		msg = NULL;
	rc = msg ? add_warnings(c, msg, strlen(msg) + 1) : -1;
	free(msg);
	if (rc) {
		conf_free(c);
		return load_err(path, err, errlen, "out of memory");
	}
	return 0;
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
	for (i = 0; i < c->ngroups && i < CONF_MAX_GROUPS; i++) {
		if (c->groups[i].key) {
			explicit_bzero(c->groups[i].key, c->groups[i].keylen);
			free(c->groups[i].key);
		}
	}
	for (i = 0; i < c->nusers; i++) {
		if (c->users[i].hash) {
			explicit_bzero(c->users[i].hash, strlen(c->users[i].hash));
			free(c->users[i].hash);
		}
	}
	free(c->users);
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

/* ID_FQDN 2, ID_USER_FQDN 3, ID_KEY_ID 11 (RFC 2407 4.6.2.1): a name, the group's */
static bool group_named(const struct conf_group *g, uint8_t id_type, const uint8_t *id,
			size_t len)
{
	return (id_type == 2 || id_type == 3 || id_type == 11) && strlen(g->name) == len &&
	       !memcmp(g->name, id, len);
}

const struct conf_group *conf_group_for(const struct conf *c, uint8_t id_type,
					const uint8_t *id, size_t len)
{
	const struct conf_group *def = NULL;
	size_t i;

	for (i = 0; i < c->ngroups; i++) {
		const struct conf_group *g = &c->groups[i];

		if (g->key)
			continue;	/* entered with its key, in Aggressive Mode */
		if (group_named(g, id_type, id, len))
			return g;
		if (!strcmp(g->name, "default"))
			def = g;
	}
	return def;
}

const struct conf_group *conf_group_keyed(const struct conf *c, uint8_t id_type,
					  const uint8_t *id, size_t len)
{
	size_t i;

	for (i = 0; i < c->ngroups; i++)
		if (c->groups[i].key && group_named(&c->groups[i], id_type, id, len))
			return &c->groups[i];
	return NULL;
}

const struct conf_user *conf_user_find(const struct conf *c, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < c->nusers; i++)
		if (strlen(c->users[i].name) == len && !memcmp(c->users[i].name, name, len))
			return &c->users[i];
	return NULL;
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
	char err[CONF_ERR_MAX];
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
		"with %zu protected %s, %zu %s%s%s%s\n", path, c->npolicies,
		c->npolicies == 1 ? "policy" : "policies", c->npsks, c->npsks == 1 ? "key" : "keys",
		c->ntsets, c->ntsets == 1 ? "set" : "sets", c->dynmap.name, c->dynmap.seq,
		c->dynmap.nnets, c->dynmap.nnets == 1 ? "network" : "networks", c->npools,
		c->npools == 1 ? "pool" : "pools", c->legacy ? ", legacy on" : "",
		c->xauth ? ", XAUTH" : "", c->aggressive_off ? ", Aggressive Mode off" : "");
	conf_free(c);
	free(c);
	return 0;
}
