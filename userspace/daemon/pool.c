// SPDX-License-Identifier: GPL-2.0
/*
 * Address pools: leases keyed by identity and NAT mapping, with a grace
 * period after the last ISAKMP SA holding a lease goes (pool.h).
 *
 * Leases live in an array; a free address is found by walking the ranges
 * in order and skipping the leased ones. Pools are a few hundred addresses
 * and leases are taken once per phase 1, so that is plenty.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "json.h"
#include "log.h"
#include "pool.h"

struct lease {
	uint32_t addr;		/* host order */
	unsigned int refs;	/* ISAKMP SAs holding it; 0: in grace */
	uint64_t grace_end;
	struct pool_key key;
};

struct pool {
	struct conf_pool cp;
	unsigned int grace;
	struct lease *l;
	size_t n, cap;
};

struct pool *pool_new(const struct conf_pool *cp, unsigned int grace)
{
	struct pool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->cp = *cp;
	p->grace = grace;
	return p;
}

void pool_free(struct pool *p)
{
	if (!p)
		return;
	free(p->l);
	free(p);
}

const char *pool_name(const struct pool *p)
{
	return p->cp.name;
}

static bool key_eq(const struct pool_key *a, const struct pool_key *b)
{
	return a->id_type == b->id_type && a->id_len == b->id_len &&
	       !memcmp(a->id, b->id, a->id_len) &&
	       !memcmp(a->id_digest, b->id_digest, sizeof(a->id_digest)) &&
	       a->addr == b->addr && a->port == b->port;
}

/* Drop leases whose grace period is over. */
static void expire(struct pool *p, uint64_t now)
{
	size_t i = 0;

	while (i < p->n) {
		if (!p->l[i].refs && now >= p->l[i].grace_end)
			p->l[i] = p->l[--p->n];
		else
			i++;
	}
}

static struct lease *by_key(struct pool *p, const struct pool_key *key)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (key_eq(&p->l[i].key, key))
			return &p->l[i];
	return NULL;
}

static struct lease *by_addr(struct pool *p, uint32_t addr)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->l[i].addr == addr)
			return &p->l[i];
	return NULL;
}

bool pool_contains(const struct pool *p, uint32_t addr)
{
	size_t i;

	for (i = 0; i < p->cp.nranges; i++)
		if (addr >= p->cp.ranges[i].first && addr <= p->cp.ranges[i].last)
			return true;
	return false;
}

static const char *ip_str(uint32_t addr, char *buf)
{
	struct in_addr a = { htonl(addr) };

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static int add(struct pool *p, const struct pool_key *key, uint32_t addr)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		struct lease *l = realloc(p->l, cap * sizeof(*l));

		if (!l)
			return -ENOMEM;
		p->l = l;
		p->cap = cap;
	}
	p->l[p->n++] = (struct lease){ .addr = addr, .refs = 1, .key = *key };
	return 0;
}

int pool_lease(struct pool *p, const struct pool_key *key, uint64_t now, uint32_t *addr)
{
	struct lease *l;
	uint64_t a;
	size_t i;
	int ret;

	expire(p, now);
	l = by_key(p, key);
	if (l) {
		l->refs++;
		*addr = l->addr;
		return 0;
	}
	for (i = 0; i < p->cp.nranges; i++) {
		for (a = p->cp.ranges[i].first; a <= p->cp.ranges[i].last; a++) {
			if (by_addr(p, (uint32_t)a))
				continue;
			ret = add(p, key, (uint32_t)a);
			if (ret)
				return ret;
			*addr = (uint32_t)a;
			return 0;
		}
	}
	log_msg(LOG_WARNING, "ip local pool %s exhausted: no address for a new client "
		"(%zu leases)", p->cp.name, p->n);
	return -ENOSPC;
}

int pool_claim(struct pool *p, const struct pool_key *key, uint32_t addr, uint64_t now)
{
	struct lease *l;

	if (!pool_contains(p, addr))
		return -ERANGE;
	expire(p, now);
	l = by_key(p, key);
	if (!l || l->addr != addr)
		return -EACCES;		/* not its lease: only Mode-Config hands them out */
	l->refs++;
	return 0;
}

void pool_release(struct pool *p, uint32_t addr, uint64_t now)
{
	struct lease *l = by_addr(p, addr);
	char a[INET_ADDRSTRLEN];

	if (!l || !l->refs)
		return;
	if (--l->refs)
		return;
	l->grace_end = now + p->grace;
	log_debug(LOG_CAT_ISAKMP, "pool %s: %s released, kept %u s for its client", p->cp.name,
		  ip_str(addr, a), p->grace);
}

size_t pool_count(struct pool *p, uint64_t now)
{
	expire(p, now);
	return p->n;
}

static uint64_t pool_size(const struct pool *p)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < p->cp.nranges; i++)
		n += (uint64_t)p->cp.ranges[i].last - p->cp.ranges[i].first + 1;
	return n;
}

/* A lease's identity for people: an address, a name, or hex. */
static void id_str(const struct pool_key *k, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = 0;
	if (k->id_type == 1 && k->id_len == 4) {		/* ID_IPV4_ADDR */
		inet_ntop(AF_INET, k->id, buf, (socklen_t)len);
		return;
	}
	if (k->id_type == 2 || k->id_type == 3 || k->id_type == 11) {	/* names */
		for (i = 0; i < k->id_len && o + 1 < len; i++)
			buf[o++] = k->id[i] >= 0x20 && k->id[i] < 0x7f ? (char)k->id[i] : '?';
		buf[o] = 0;
		return;
	}
	for (i = 0; i < k->id_len && o + 3 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%02x", k->id[i]);
}

void pool_show(struct pool *p, struct jw *w, FILE *f, uint64_t now)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], id[2 * POOL_ID_MAX + 1];
	uint64_t size = pool_size(p);
	size_t i, active = 0;

	expire(p, now);
	for (i = 0; i < p->n; i++)
		active += p->l[i].refs > 0;
	if (w) {
		jw_obj_open(w, NULL);
		jw_str(w, "name", p->cp.name);
		jw_arr_open(w, "ranges");
		for (i = 0; i < p->cp.nranges; i++) {
			jw_obj_open(w, NULL);
			jw_str(w, "first", ip_str(p->cp.ranges[i].first, a));
			jw_str(w, "last", ip_str(p->cp.ranges[i].last, b));
			jw_obj_close(w);
		}
		jw_arr_close(w);
		jw_uint(w, "size", size);
		jw_uint(w, "in_use", active);
		jw_uint(w, "in_grace", p->n - active);
		jw_uint(w, "free", size - p->n);
		jw_arr_open(w, "leases");
	} else {
		fprintf(f, "pool %s:", p->cp.name);
		for (i = 0; i < p->cp.nranges; i++)
			fprintf(f, " %s-%s", ip_str(p->cp.ranges[i].first, a),
				ip_str(p->cp.ranges[i].last, b));
		fprintf(f, ", %llu addresses, %zu in use, %zu in grace, %llu free\n",
			(unsigned long long)size, active, p->n - active,
			(unsigned long long)(size - p->n));
	}
	for (i = 0; i < p->n; i++) {
		const struct lease *l = &p->l[i];
		struct in_addr oa = { l->key.addr };
		uint64_t left = l->refs ? 0 : l->grace_end - now;

		inet_ntop(AF_INET, &oa, b, sizeof(b));
		id_str(&l->key, id, sizeof(id));
		if (w) {
			jw_obj_open(w, NULL);
			jw_str(w, "address", ip_str(l->addr, a));
			jw_str(w, "state", l->refs ? "active" : "grace");
			jw_uint(w, "isakmp_sas", l->refs);
			if (!l->refs)
				jw_uint(w, "grace_left", left);
			jw_str(w, "peer", b);
			jw_uint(w, "port", ntohs(l->key.port));
			jw_str(w, "id", id);
			jw_obj_close(w);
		} else if (l->refs) {
			fprintf(f, "  %-15s active  %s:%u id %s\n", ip_str(l->addr, a), b,
				ntohs(l->key.port), id);
		} else {
			fprintf(f, "  %-15s grace   %s:%u id %s (%llu s left)\n", ip_str(l->addr, a),
				b, ntohs(l->key.port), id, (unsigned long long)left);
		}
	}
	if (w) {
		jw_arr_close(w);
		jw_obj_close(w);
	}
}
