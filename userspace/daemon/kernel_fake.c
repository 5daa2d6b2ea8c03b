// SPDX-License-Identifier: GPL-2.0
/* The fake kernel of tests and the fuzzer; see kernel_fake.h. Linear tables: small by design. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_fake.h"

#define FAKE_MAX 4096

struct kernel_fake {
	struct kernel base;
	struct espgw_sa *sas;
	size_t nsas;
	struct espgw_policy *pols;
	size_t npols;
	struct conf_net *routes;
	size_t nroutes;
	int fail[KFAKE_NOPS];
	unsigned int skip[KFAKE_NOPS];
	unsigned int calls[KFAKE_NOPS];
};

static struct kernel_fake *kf(struct kernel *k)
{
	return (struct kernel_fake *)k;
}

/* Count the call; the injected error if one is due. */
static int enter(struct kernel *k, enum kernel_fake_op op)
{
	struct kernel_fake *f = kf(k);
	int err = f->fail[op];

	f->calls[op]++;
	if (f->skip[op]) {
		f->skip[op]--;
		return 0;
	}
	f->fail[op] = 0;
	return err;
}

static struct espgw_sa *find_sa(struct kernel_fake *f, uint32_t dst, uint32_t spi)
{
	size_t i;

	for (i = 0; i < f->nsas; i++)
		if (f->sas[i].dst == dst && f->sas[i].spi == spi)
			return &f->sas[i];
	return NULL;
}

static int fake_sa_add(struct kernel *k, const struct espgw_sa *sa)
{
	struct kernel_fake *f = kf(k);
	int err = enter(k, KFAKE_SA_ADD);

	if (err)
		return err;
	if (find_sa(f, sa->dst, sa->spi))
		return -EEXIST;
	if (f->nsas == FAKE_MAX)
		return -ENOSPC;
	f->sas[f->nsas++] = *sa;
	return 0;
}

static int fake_sa_del(struct kernel *k, uint32_t dst, uint32_t spi)
{
	struct kernel_fake *f = kf(k);
	struct espgw_sa *s;
	int err = enter(k, KFAKE_SA_DEL);

	if (err)
		return err;
	s = find_sa(f, dst, spi);
	if (s)
		*s = f->sas[--f->nsas];
	return 0;
}

static int fake_sa_move(struct kernel *k, uint32_t dst, uint32_t spi, uint32_t peer,
			uint16_t peer_port)
{
	struct kernel_fake *f = kf(k);
	struct espgw_sa *s;
	int err = enter(k, KFAKE_SA_MOVE);

	(void)peer_port;
	if (err)
		return err;
	s = find_sa(f, dst, spi);
	if (!s)
		return -ENOENT;
	if (s->dir == ESPGW_DIR_IN) {
		s->src = peer;
		return 0;
	}
	if (peer != dst && find_sa(f, peer, spi))
		return -EEXIST;
	s->dst = peer;
	return 0;
}

static struct espgw_policy *find_pol(struct kernel_fake *f, uint32_t id)
{
	size_t i;

	for (i = 0; i < f->npols; i++)
		if (f->pols[i].id == id)
			return &f->pols[i];
	return NULL;
}

static int fake_policy_add(struct kernel *k, const struct espgw_policy *p, bool replace)
{
	struct kernel_fake *f = kf(k);
	struct espgw_policy *o;
	int err = enter(k, KFAKE_POLICY_ADD);

	if (err)
		return err;
	o = find_pol(f, p->id);
	if (o) {
		if (!replace)
			return -EEXIST;
		*o = *p;
		return 0;
	}
	if (f->npols == FAKE_MAX)
		return -ENOSPC;
	f->pols[f->npols++] = *p;
	return 0;
}

static int fake_policy_del(struct kernel *k, uint32_t id)
{
	struct kernel_fake *f = kf(k);
	struct espgw_policy *o;
	int err = enter(k, KFAKE_POLICY_DEL);

	if (err)
		return err;
	o = find_pol(f, id);
	if (o)
		*o = f->pols[--f->npols];
	return 0;
}

static struct conf_net *find_route(struct kernel_fake *f, const struct conf_net *dst)
{
	size_t i;

	for (i = 0; i < f->nroutes; i++)
		if (f->routes[i].addr == dst->addr && f->routes[i].plen == dst->plen)
			return &f->routes[i];
	return NULL;
}

static int fake_route_add(struct kernel *k, const struct conf_net *dst)
{
	struct kernel_fake *f = kf(k);
	int err = enter(k, KFAKE_ROUTE_ADD);

	if (err)
		return err;
	if (find_route(f, dst))
		return 0;	/* ours: replaced */
	if (f->nroutes == FAKE_MAX)
		return -ENOSPC;
	f->routes[f->nroutes++] = *dst;
	return 0;
}

static int fake_route_del(struct kernel *k, const struct conf_net *dst)
{
	struct kernel_fake *f = kf(k);
	struct conf_net *r;
	int err = enter(k, KFAKE_ROUTE_DEL);

	if (err)
		return err;
	r = find_route(f, dst);
	if (r)
		*r = f->routes[--f->nroutes];
	return 0;
}

static int fake_dev_setup(struct kernel *k, const struct conf_net *inside, uint32_t ike_local)
{
	(void)inside;
	(void)ike_local;
	return enter(k, KFAKE_DEV_SETUP);
}

static const struct kernel_ops fake_ops = {
	.sa_add = fake_sa_add,
	.sa_del = fake_sa_del,
	.sa_move = fake_sa_move,
	.policy_add = fake_policy_add,
	.policy_del = fake_policy_del,
	.route_add = fake_route_add,
	.route_del = fake_route_del,
	.dev_setup = fake_dev_setup,
};

struct kernel *kernel_fake_new(void)
{
	struct kernel_fake *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->sas = calloc(FAKE_MAX, sizeof(*f->sas));
	f->pols = calloc(FAKE_MAX, sizeof(*f->pols));
	f->routes = calloc(FAKE_MAX, sizeof(*f->routes));
	if (!f->sas || !f->pols || !f->routes) {
		kernel_fake_free(&f->base);
		return NULL;
	}
	f->base.ops = &fake_ops;
	return &f->base;
}

void kernel_fake_free(struct kernel *k)
{
	struct kernel_fake *f = kf(k);

	if (!f)
		return;
	free(f->sas);
	free(f->pols);
	free(f->routes);
	free(f);
}

const struct espgw_sa *kernel_fake_sa(struct kernel *k, uint32_t dst, uint32_t spi)
{
	return find_sa(kf(k), dst, spi);
}

const struct espgw_sa *kernel_fake_sa_at(struct kernel *k, size_t n)
{
	return n < kf(k)->nsas ? &kf(k)->sas[n] : NULL;
}

size_t kernel_fake_nsas(struct kernel *k)
{
	return kf(k)->nsas;
}

size_t kernel_fake_npolicies(struct kernel *k)
{
	return kf(k)->npols;
}

size_t kernel_fake_nroutes(struct kernel *k)
{
	return kf(k)->nroutes;
}

const struct espgw_policy *kernel_fake_policy(struct kernel *k, uint32_t id)
{
	return find_pol(kf(k), id);
}

void kernel_fake_fail_next(struct kernel *k, enum kernel_fake_op op, int err)
{
	kernel_fake_fail_after(k, op, 0, err);
}

void kernel_fake_fail_after(struct kernel *k, enum kernel_fake_op op, unsigned int skip, int err)
{
	kf(k)->skip[op] = skip;
	kf(k)->fail[op] = err;
}

unsigned int kernel_fake_calls(struct kernel *k, enum kernel_fake_op op)
{
	return kf(k)->calls[op];
}
