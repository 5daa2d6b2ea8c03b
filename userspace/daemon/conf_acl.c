// SPDX-License-Identifier: GPL-2.0
/*
 * espgwd.conf: access lists (what match address and a group's acl protect
 * or split-include), ip local pools, and the lists of networks they become.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

/* ------------------------------------------------------------- access-list */

/* SRC WILD | any | host A at tok[*i]; advances *i */
static int acl_addr(struct st *s, int *i, uint32_t *a, uint32_t *wild)
{
	const char *t;

	if (*i >= s->ntok)
		return cf_perr(s, "access-list: incomplete entry, expected an address");
	t = s->tok[*i];
	if (!strcmp(t, "any")) {
		*a = 0;
		*wild = 0xffffffffu;
		(*i)++;
		return 0;
	}
	if (!strcmp(t, "host")) {
		if (*i + 1 >= s->ntok)
			return cf_perr(s, "access-list: 'host' without an address");
		if (cf_ip(s, "access-list", s->tok[*i + 1], a))
			return -1;
		*wild = 0;
		*i += 2;
		return 0;
	}
	if (cf_ip(s, "access-list", t, a))
		return -1;
	if (*i + 1 >= s->ntok)
		return cf_perr(s, "access-list: %s without a wildcard mask", t);
	if (!cf_parse_ip(s->tok[*i + 1], wild))
		return cf_perr(s, "access-list: '%s' is not a wildcard mask", s->tok[*i + 1]);
	*i += 2;
	return 0;
}

/* access-list N permit|deny|remark ... */
int cf_access_list(struct st *s)
{
	struct p_acl e;
	uint64_t n;
	uint32_t da, dw;
	int i = 3;

	if (s->ntok < 3)
		return cf_perr(s, "incomplete command, expected 'access-list N permit|deny ...'");
	if (!cf_is_num(s->tok[1]))
		return cf_perr(s, "access-list: '%s' is not an access-list number", s->tok[1]);
	if (cf_num(s, "access-list", s->tok[1], 1, 2699, &n))
		return -1;
	if ((n >= 200 && n < 1300))
		return cf_perr(s, "access-list %s: only IP access lists (1-199, 1300-2699)",
			       s->tok[1]);
	if (!strcmp(s->tok[2], "remark"))
		return 0;
	memset(&e, 0, sizeof(e));
	if (!strcmp(s->tok[2], "permit"))
		e.permit = true;
	else if (strcmp(s->tok[2], "deny"))
		return cf_perr(s, "access-list %s: expected 'permit', 'deny' or 'remark', not "
			       "'%s'", s->tok[1], s->tok[2]);
	strcpy(e.name, s->tok[1]);
	e.line = s->line;
	if (n < 100 || (n >= 1300 && n < 2000)) {
		/* standard: permit|deny SRC [WILD] | any | host A */
		if (s->ntok == 4 && cf_parse_ip(s->tok[3], &e.src)) {
			e.swild = 0;	/* a bare address is a host */
			i = 4;
		} else if (acl_addr(s, &i, &e.src, &e.swild)) {
			return -1;
		}
		if (i < s->ntok)
			return cf_perr(s, "access-list %s: unexpected '%s'", s->tok[1], s->tok[i]);
		e.ip = true;
	} else {
		if (s->ntok < 4)
			return cf_perr(s, "access-list %s: incomplete entry, expected 'ip SRC WILD "
				       "DST WILD'", s->tok[1]);
		if (!strcmp(s->tok[3], "ip")) {
			i = 4;
			if (acl_addr(s, &i, &e.src, &e.swild) || acl_addr(s, &i, &da, &dw))
				return -1;
			if (i < s->ntok)
				return cf_perr(s, "access-list %s: unexpected '%s'", s->tok[1],
					       s->tok[i]);
			e.ip = true;
		}
		/* other protocols: kept only to refuse them if match address uses the ACL */
	}
	if (s->nacl % 64 == 0) {
		struct p_acl *p;

		if (s->nacl == MAX_ACL_ENTRIES)
			return cf_perr(s, "too many access-list entries (at most %d)",
				       MAX_ACL_ENTRIES);
		p = realloc(s->acl, (s->nacl + 64) * sizeof(*p));
		if (!p)
			return cf_perr(s, "out of memory");
		s->acl = p;
	}
	s->acl[s->nacl++] = e;
	return 0;
}

/* ----------------------------------------------------------- ip local pool */

/* ip local pool NAME FIRST [LAST] */
int cf_ip_local_pool(struct st *s)
{
	struct conf *c = s->c;
	struct conf_pool *p = NULL;
	uint32_t first, last;
	size_t i, j;

	if (cf_ip(s, "ip local pool", s->tok[4], &first))
		return -1;
	last = first;
	if (s->ntok == 6 && cf_ip(s, "ip local pool", s->tok[5], &last))
		return -1;
	if (last < first)
		return cf_perr(s, "ip local pool %s: %s is below %s", s->tok[3], s->tok[5],
			       s->tok[4]);
	for (i = 0; i < c->npools; i++) {
		for (j = 0; j < c->pools[i].nranges; j++)
			if (first <= c->pools[i].ranges[j].last &&
			    last >= c->pools[i].ranges[j].first)
				return cf_perr(s, "ip local pool %s: range overlaps pool %s (line "
					       "%d)", s->tok[3], c->pools[i].name,
					       s->pool_first_range_line[i][j]);
		if (!strcmp(c->pools[i].name, s->tok[3]))
			p = &c->pools[i];
	}
	if (!p) {
		if (c->npools == CONF_MAX_POOLS)
			return cf_perr(s, "too many pools (at most %d)", CONF_MAX_POOLS);
		p = &c->pools[c->npools];
		memset(p, 0, sizeof(*p));
		if (cf_name_copy(s, "ip local pool", s->tok[3], p->name))
			return -1;
		p->line = s->line;
		c->npools++;
	}
	if (p->nranges == CONF_MAX_RANGES)
		return cf_perr(s, "ip local pool %s: too many ranges (at most %d)", p->name,
			       CONF_MAX_RANGES);
	s->pool_first_range_line[p - c->pools][p->nranges] = s->line;
	p->ranges[p->nranges].first = first;
	p->ranges[p->nranges].last = last;
	p->nranges++;
	return 0;
}

int cf_find_pool(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->npools; i++)
		if (!strcmp(c->pools[i].name, name))
			return (int)i;
	return -1;
}

/* ---------------------------------------------------------------- networks */

int cf_add_net(struct st *s, struct conf_net *nets, size_t *n, const char *owner, uint32_t addr,
	       uint8_t plen, int line)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (nets[i].addr == addr && nets[i].plen == plen)
			return 0;
	if (*n == CONF_MAX_NETS) {
		s->line = line;
		return cf_perr(s, "too many networks in %s (at most %d)", owner, CONF_MAX_NETS);
	}
	nets[*n].addr = addr;
	nets[*n].plen = plen;
	(*n)++;
	return 0;
}

/*
 * The source networks of ACL's permit entries into nets (what 'match address'
 * and a group's 'acl' use), errors at the entries' lines. -1 stops the
 * resolution (too many networks); a missing or empty ACL is an error too.
 */
int cf_acl_nets(struct st *s, const char *acl, int use_line, const char *use,
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
			cf_lerr(s, e->line, "access-list %s is used by %s (line %d): only 'ip' "
				"entries", e->name, use, use_line);
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
			cf_lerr(s, e->line, "access-list %s: wildcard %s is not a prefix (%s at "
				"line %d)", e->name, w, use, use_line);
			continue;
		}
		if (cf_add_net(s, nets, n, use, e->src & ~e->swild, (uint8_t)pl, e->line))
			return -1;
	}
	if (!found)
		cf_lerr(s, use_line, "access-list %s is not defined", acl);
	else if (!permit)
		cf_lerr(s, use_line, "access-list %s permits nothing", acl);
	return 0;
}
