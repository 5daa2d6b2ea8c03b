// SPDX-License-Identifier: GPL-2.0
/*
 * espgwd.conf: phase 2. Transform sets (their words are the vocabulary's,
 * algs.h), SA lifetimes, the dynamic map, the crypto map and the interface
 * it is applied to.
 */
#include <stdio.h>
#include <string.h>

#include "conf_priv.h"

/* -------------------------------------------- crypto ipsec transform-set */

/* An ESP authentication word of IOS's that the vocabulary lacks: espgw.ko cannot install it. */
static bool esp_auth_shaped(const char *x)
{
	size_t n = strlen(x);

	return n > 9 && !strncmp(x, "esp-", 4) && !strcmp(x + n - 5, "-hmac");
}

/* One ESP encryption word at tok[*j], with its key size when it takes one. */
static int tset_enc(struct st *s, int *j, const struct ike_alg_esp **enc)
{
	const char *x = s->tok[*j], *b;
	const struct ike_alg_esp *e = ike_alg_esp_by_name(x, 0);
	unsigned int bits;
	char sizes[64];

	if (*enc)
		return cf_perr(s, "transform-set %s: '%s' after '%s': one encryption only",
			       s->tok[3], x, (*enc)->name);
	if (e->keybits && *j + 1 < s->ntok && cf_is_num(s->tok[*j + 1])) {
		b = s->tok[++*j];
		bits = cf_keybits(b);
		e = bits ? ike_alg_esp_by_name(x, bits) : NULL;
		if (!e)
			return cf_perr(s, "%s: key size '%s' is not %s", x, b,
				       cf_alg_sizes(IKE_ALG_ESP, x, sizes, sizeof(sizes)));
	}
	*enc = e;
	return 0;
}

/* crypto ipsec transform-set NAME ESP-ENCRYPTION [ESP-AUTH] */
int cf_tset_def(struct st *s)
{
	const struct ike_alg_esp_auth *auth = NULL, *a;
	const struct ike_alg_esp *enc = NULL;
	struct conf *c = s->c;
	struct conf_tset *t;
	char w1[128], w2[128];
	size_t i;
	int j;

	if (s->ntok < 5)
		return cf_perr(s, "incomplete command, expected 'crypto ipsec transform-set NAME "
			       "ESP-ENCRYPTION [ESP-AUTH]'");
	for (i = 0; i < c->ntsets; i++)
		if (!strcmp(c->tsets[i].name, s->tok[3]))
			return cf_perr(s, "duplicate transform-set '%s' (first at line %d)",
				       s->tok[3], c->tsets[i].line);
	if (c->ntsets == CONF_MAX_TSETS)
		return cf_perr(s, "too many transform sets (at most %d)", CONF_MAX_TSETS);
	t = &c->tsets[c->ntsets];
	memset(t, 0, sizeof(*t));
	if (cf_name_copy(s, "transform-set", s->tok[3], t->name))
		return -1;
	t->line = s->line;
	for (j = 4; j < s->ntok; j++) {
		const char *x = s->tok[j];

		if (ike_alg_esp_by_name(x, 0)) {
			if (tset_enc(s, &j, &enc))
				return -1;
			continue;
		}
		a = ike_alg_esp_auth_by_name(x);
		if (a) {
			if (auth)
				return cf_perr(s, "transform-set %s: '%s' after '%s': one "
					       "authentication only", t->name, x, auth->name);
			auth = a;
			continue;
		}
		if (!strncmp(x, "ah-", 3))
			return cf_perr(s, "transform-set %s: '%s': AH is not supported (ESP only)",
				       t->name, x);
		if (!strcmp(x, "esp-chacha20-poly1305"))
			return cf_perr(s, "transform-set %s: '%s' is not supported (IKEv1 has no "
				       "ESP transform id for it)", t->name, x);
		if (esp_auth_shaped(x))
			return cf_perr(s, "transform-set %s: '%s' is not supported by espgw.ko "
				       "(%s)", t->name, x,
				       ike_alg_words(IKE_ALG_ESP_AUTH, NULL, w1, sizeof(w1)));
		return cf_perr(s, "transform-set %s: unknown transform '%s' (%s, %s)", t->name, x,
			       ike_alg_words(IKE_ALG_ESP, NULL, w1, sizeof(w1)),
			       ike_alg_words(IKE_ALG_ESP_AUTH, NULL, w2, sizeof(w2)));
	}
	if (!enc)
		return cf_perr(s, "transform-set %s has no ESP encryption (%s...)", t->name,
			       cf_alg_modern(IKE_ALG_ESP, w1, sizeof(w1)));
	if (enc->aead && auth)
		return cf_perr(s, "transform-set %s: '%s' with %s, which authenticates itself",
			       t->name, auth->name, enc->name);
	if (!enc->aead && !auth)
		return cf_perr(s, "transform-set %s: %s needs an authentication transform (%s...)",
			       t->name, enc->name, cf_alg_modern(IKE_ALG_ESP_AUTH, w1, sizeof(w1)));
	t->t.esp = enc->id;
	t->t.keybits = enc->keybits;
	t->t.auth = auth ? auth->id : IPSEC_AUTH_NONE;
	if (enc->legacy)
		cf_legacy_use(s, s->line, "%s in transform-set %s", enc->name, t->name);
	if (auth && auth->legacy)
		cf_legacy_use(s, s->line, "%s in transform-set %s", auth->name, t->name);
	c->ntsets++;
	s->blk = BLK_TSET;
	return 0;
}

static int tset_mode(struct st *s)
{
	if (strcmp(s->tok[1], "tunnel"))
		return cf_perr(s, "mode '%s' is not supported: espgwd does tunnel mode only",
			       s->tok[1]);
	return 0;
}

static void tset_name(const struct st *s, char *buf, size_t len)
{
	(void)s;
	snprintf(buf, len, "crypto ipsec transform-set");
}

static const struct conf_cmd tset_cmds[] = {
	{ .w = { "mode" }, .fn = tset_mode, .min = 2, .max = 2, .usage = "mode tunnel" },
};

const struct conf_block cf_tset_block = {
	tset_cmds, N_ELEMS(tset_cmds), tset_name, NULL,
};

/* "... lifetime seconds N|kilobytes N" at tok[i] */
static int sa_lifetime(struct st *s, int i, uint64_t *sec, uint64_t *kb)
{
	if (s->ntok != i + 2)
		return s->ntok < i + 2 ?
		       cf_perr(s, "incomplete command, expected 'lifetime seconds N|kilobytes N'") :
		       cf_perr(s, "unexpected '%s' after the lifetime", s->tok[i + 2]);
	if (!strcmp(s->tok[i], "seconds"))
		return cf_num(s, "lifetime seconds", s->tok[i + 1], P2_SEC_MIN, P2_SEC_MAX, sec);
	if (!strcmp(s->tok[i], "kilobytes"))
		return cf_num(s, "lifetime kilobytes", s->tok[i + 1], P2_KB_MIN, P2_KB_MAX, kb);
	return cf_perr(s, "lifetime: expected 'seconds' or 'kilobytes', not '%s'", s->tok[i]);
}

/* crypto ipsec security-association lifetime seconds N|kilobytes N */
int cf_sa_lifetime(struct st *s)
{
	return sa_lifetime(s, 4, &s->c->sa_life_sec, &s->c->sa_life_kb);
}

/* crypto ipsec security-association replay window-size [N]: IOS's sizes; no N is 64 */
int cf_sa_replay_window(struct st *s)
{
	static const uint32_t sizes[] = { 64, 128, 256, 512, 1024 };
	uint64_t n = 64;
	size_t i;

	if (s->ntok == 6 && cf_num(s, "replay window-size", s->tok[5], 64, 1024, &n))
		return -1;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (n == sizes[i]) {
			s->c->sa_replay_window = (uint32_t)n;
			return 0;
		}
	return cf_perr(s, "replay window-size: expected 64, 128, 256, 512 or 1024, not '%s'",
		       s->tok[5]);
}

/* crypto ipsec security-association replay disable */
int cf_sa_replay_off(struct st *s)
{
	s->c->sa_replay_window = 0;
	return 0;
}

/* ------------------------------------------------------------ dynamic map */

int cf_open_dynmap(struct st *s)
{
	struct p_dynmap *d;
	uint64_t seq;
	size_t i;

	if (cf_num(s, "crypto dynamic-map", s->tok[3], 1, 65535, &seq))
		return -1;
	for (i = 0; i < s->ndm; i++)
		if (!strcmp(s->dm[i].d.name, s->tok[2]) && s->dm[i].d.seq == seq)
			return cf_perr(s, "duplicate crypto dynamic-map %s %s (first at line %d)",
				       s->tok[2], s->tok[3], s->dm[i].d.line);
	if (s->ndm == MAX_DYNMAPS)
		return cf_perr(s, "too many dynamic-map entries (at most %d)", MAX_DYNMAPS);
	d = &s->dm[s->ndm];
	memset(d, 0, sizeof(*d));
	if (cf_name_copy(s, "crypto dynamic-map", s->tok[2], d->d.name))
		return -1;
	d->d.seq = (unsigned int)seq;
	d->d.line = s->line;
	s->blk = BLK_DYNMAP;
	s->blk_idx = (int)s->ndm++;
	return 0;
}

#define DYNMAP(s)	(&(s)->dm[(s)->blk_idx])

static int dynmap_match(struct st *s)
{
	struct p_dynmap *d = DYNMAP(s);

	if (d->acl_line)
		return cf_perr(s, "duplicate match address (first at line %d)", d->acl_line);
	if (cf_name_copy(s, "match address", s->tok[2], d->acl))
		return -1;
	d->acl_line = s->line;
	return 0;
}

/* "reverse-route" (12.x) or "reverse-route static" (later IOS) */
static int dynmap_rri(struct st *s)
{
	if (s->ntok > 2 || (s->ntok == 2 && strcmp(s->tok[1], "static")))
		return cf_perr(s, "expected 'reverse-route [static]'");
	DYNMAP(s)->d.reverse_route = true;
	return 0;
}

static int dynmap_tsets(struct st *s)
{
	struct p_dynmap *d = DYNMAP(s);
	size_t k;
	int i;

	if (d->tset_line)
		return cf_perr(s, "duplicate set transform-set (first at line %d)", d->tset_line);
	if (s->ntok - 2 > CONF_MAX_TSETS)
		return cf_perr(s, "too many transform sets (at most %d)", CONF_MAX_TSETS);
	for (i = 2; i < s->ntok; i++) {
		for (k = 0; k < d->d.ntsets; k++)
			if (!strcmp(d->tset[k], s->tok[i]))
				return cf_perr(s, "transform-set '%s' named twice", s->tok[i]);
		if (cf_name_copy(s, "set transform-set", s->tok[i], d->tset[d->d.ntsets]))
			return -1;
		d->d.ntsets++;
	}
	d->tset_line = s->line;
	return 0;
}

/* set pfs [groupN]: the groups are the vocabulary's; alone, the router's default, group 1 */
static int dynmap_pfs(struct st *s)
{
	struct p_dynmap *d = DYNMAP(s);
	const struct ike_alg_group *g;
	char usage[160], w[128];

	snprintf(usage, sizeof(usage), "set pfs [%s]",
		 cf_alg_alts(IKE_ALG_GROUP, "group", w, sizeof(w)));
	if (cf_want(s, 2, 3, usage))
		return -1;
	if (s->ntok == 2)
		g = ike_alg_group_by_id(IKE_GROUP_MODP768);
	else if (!strncmp(s->tok[2], "group", 5))
		g = ike_alg_group_by_name(s->tok[2] + 5);
	else
		g = NULL;
	if (!g)
		return cf_perr(s, "set pfs: '%s' is not supported (%s)",
			       s->ntok > 2 ? s->tok[2] : "",
			       ike_alg_words(IKE_ALG_GROUP, "group", w, sizeof(w)));
	d->d.pfs_group = g->id;
	d->pfs_line = s->line;
	if (g->legacy)
		cf_legacy_use(s, s->line, "set pfs group%s in dynamic-map %s %u", g->name,
			      d->d.name, d->d.seq);
	return 0;
}

static int dynmap_life(struct st *s)
{
	return sa_lifetime(s, 3, &DYNMAP(s)->d.life_sec, &DYNMAP(s)->d.life_kb);
}

static int dynmap_local_net(struct st *s)
{
	struct p_dynmap *d = DYNMAP(s);
	uint32_t a = 0;
	uint8_t plen = 0;

	if (cf_ip(s, "set local-network", s->tok[2], &a) ||
	    cf_netmask(s, "set local-network", s->tok[3], &plen))
		return -1;
	if (a & ~plen_mask(plen))
		return cf_perr(s, "set local-network: %s has bits outside the mask %s", s->tok[2],
			       s->tok[3]);
	return cf_add_net(s, d->d.nets, &d->d.nnets, "the dynamic map", a, plen, s->line);
}

static int dynmap_peer(struct st *s)
{
	return cf_perr(s, "'set peer' is not supported: a dynamic map accepts any peer");
}

static void dynmap_name(const struct st *s, char *buf, size_t len)
{
	snprintf(buf, len, "crypto dynamic-map %s %u", s->dm[s->blk_idx].d.name,
		 s->dm[s->blk_idx].d.seq);
}

static const struct conf_cmd dynmap_cmds[] = {
	{ .w = { "match", "address" }, .fn = dynmap_match, .min = 3, .max = 3, .hint = 1,
	  .usage = "match address ACL" },
	{ .w = { "set", "transform-set" }, .fn = dynmap_tsets, .min = 3, .max = MAX_TOKS,
	  .usage = "set transform-set NAME [NAME...]" },
	{ .w = { "set", "pfs" }, .fn = dynmap_pfs },
	{ .w = { "set", "security-association", "lifetime" }, .fn = dynmap_life, .hint = 2,
	  .usage = "set security-association lifetime seconds N|kilobytes N" },
	{ .w = { "set", "local-network" }, .fn = dynmap_local_net, .min = 4, .max = 4,
	  .usage = "set local-network A.B.C.D MASK" },
	{ .w = { "set", "peer" }, .fn = dynmap_peer },
	{ .w = { "reverse-route" }, .fn = dynmap_rri },
};

const struct conf_block cf_dynmap_block = {
	dynmap_cmds, N_ELEMS(dynmap_cmds), dynmap_name, NULL,
};

/* -------------------------------------------------------------- crypto map */

/* "crypto map NAME": the crypto map applied to an interface */
static int crypto_map_name(struct st *s, const char *name, int *line)
{
	if (!s->c->crypto_map[0]) {
		if (cf_name_copy(s, "crypto map", name, s->c->crypto_map))
			return -1;
		s->map_line = s->line;
	} else if (strcmp(s->c->crypto_map, name)) {
		return cf_perr(s, "crypto map '%s': espgwd has one crypto map, '%s' (line %d)",
			       name, s->c->crypto_map, s->map_line);
	}
	if (line)
		*line = s->line;
	return 0;
}

/* crypto map NAME, in an interface (or flush left after it) */
static int iface_crypto_map(struct st *s)
{
	if (crypto_map_name(s, s->tok[2], &s->iface_map_line))
		return -1;
	strcpy(s->iface_map, s->tok[2]);
	if (!(s->ignored_seen & (1ull << 63))) {
		s->ignored_seen |= 1ull << 63;
		cf_warn(s, "ignored: crypto map %s on %s%s (espgwd answers on every local address)",
			s->tok[2], s->iface[0] ? "interface " : "an interface", s->iface);
	}
	return 0;
}

/* crypto map NAME client configuration address initiate|respond */
static int map_client(struct st *s)
{
	if (strcmp(s->tok[6], "initiate") && strcmp(s->tok[6], "respond"))
		return cf_perr(s, "client configuration address: expected 'initiate' or "
			       "'respond', not '%s'", s->tok[6]);
	if (crypto_map_name(s, s->tok[2], NULL))
		return -1;
	s->c->modecfg |= s->tok[6][0] == 'i' ? CONF_MODECFG_INITIATE : CONF_MODECFG_RESPOND;
	if (!s->modecfg_line)
		s->modecfg_line = s->line;
	return 0;
}

/*
 * Easy VPN's "crypto map M isakmp authorization list L": the router's AAA
 * lookup of the group; espgwd finds the group by the client's identity.
 */
static int map_authz(struct st *s)
{
	if (crypto_map_name(s, s->tok[2], NULL))
		return -1;
	if (!s->authz_warned) {
		cf_warn(s, "ignored: crypto map %s isakmp authorization (espgwd needs no AAA: a "
			"client's group is the one named by its identity)", s->tok[2]);
		s->authz_warned = true;
	}
	return 0;
}

/*
 * Easy VPN's "crypto map M client authentication list L": XAUTH, against
 * the method list L of "aaa authentication login L local" (resolved at the
 * end, conf_user.c).
 */
static int map_authlist(struct st *s)
{
	if (crypto_map_name(s, s->tok[2], NULL))
		return -1;
	if (s->authlist_line)
		return cf_perr(s, "duplicate crypto map %s client authentication list (first at "
			       "line %d)", s->tok[2], s->authlist_line);
	if (cf_name_copy(s, "client authentication list", s->tok[6], s->authlist))
		return -1;
	s->authlist_line = s->line;
	return 0;
}

/* crypto map NAME SEQ ipsec-isakmp dynamic DYNMAP */
static int map_entry(struct st *s)
{
	uint64_t seq;

	if (cf_num(s, "crypto map", s->tok[3], 1, 65535, &seq))
		return -1;
	if (s->ntok < 5 || strcmp(s->tok[4], "ipsec-isakmp"))
		return cf_perr(s, "crypto map %s %s: expected 'ipsec-isakmp dynamic DYNMAP'",
			       s->tok[2], s->tok[3]);
	if (s->ntok == 5)
		return cf_perr(s, "static crypto map entries are not supported: use 'crypto map "
			       "%s %s ipsec-isakmp dynamic DYNMAP'", s->tok[2], s->tok[3]);
	if (strcmp(s->tok[5], "dynamic"))
		return cf_perr(s, "crypto map %s %s ipsec-isakmp: expected 'dynamic', not '%s'",
			       s->tok[2], s->tok[3], s->tok[5]);
	if (cf_want(s, 7, 7, "crypto map NAME SEQ ipsec-isakmp dynamic DYNMAP"))
		return -1;
	if (s->bind_line)
		return cf_perr(s, "espgwd takes one crypto map entry (first at line %d)",
			       s->bind_line);
	if (crypto_map_name(s, s->tok[2], NULL) ||
	    cf_name_copy(s, "dynamic", s->tok[6], s->bind_dynmap))
		return -1;
	s->bind_seq = (unsigned int)seq;
	s->bind_line = s->line;
	return 0;
}

/* what follows "crypto map NAME" */
static const struct conf_cmd map_cmds[] = {
	{ .w = { "client", "configuration", "address" }, .fn = map_client, .min = 7, .max = 7,
	  .hint = 2, .usage = "crypto map NAME client configuration address initiate|respond" },
	{ .w = { "client", "authentication", "list" }, .fn = map_authlist, .min = 7, .max = 7,
	  .hint = 2, .usage = "crypto map NAME client authentication list LIST" },
	{ .w = { "isakmp", "authorization" }, .fn = map_authz },
	{ .w = { CMD_NUM }, .fn = map_entry },
};

int cf_crypto_map(struct st *s)
{
	if (s->ntok < 3)
		return cf_perr(s, "incomplete command 'crypto map'");
	if (s->ntok == 3)
		return iface_crypto_map(s);
	return cf_dispatch(s, map_cmds, N_ELEMS(map_cmds), 3, NULL);
}

/* interface X: only its crypto map is read */
static const struct conf_cmd iface_cmds[] = {
	{ .w = { "crypto", "map" }, .fn = iface_crypto_map, .min = 3, .max = 3,
	  .usage = "crypto map NAME" },
};

const struct conf_block cf_iface_block = {
	iface_cmds, N_ELEMS(iface_cmds), NULL, NULL,
};

/*
 * NAT traversal: "crypto ipsec nat-transparency udp-encapsulation" (the
 * default), its "no" form, and espgw's "espgw nat-transparency force".
 */
static int set_natt(struct st *s, enum conf_natt v)
{
	if (s->natt_line && s->c->natt != v)
		return cf_perr(s, "nat-transparency set differently at line %d", s->natt_line);
	s->natt_line = s->line;
	s->c->natt = v;
	return 0;
}

int cf_natt_on(struct st *s)
{
	return set_natt(s, CONF_NATT_ON);
}

int cf_natt_off(struct st *s)
{
	return set_natt(s, CONF_NATT_OFF);
}

int cf_natt_force(struct st *s)
{
	return set_natt(s, CONF_NATT_FORCE);
}
