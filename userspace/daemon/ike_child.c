// SPDX-License-Identifier: GPL-2.0
/*
 * The IPsec SAs ("children") of the ISAKMP SAs against the kernel: the pair
 * of ESP SAs, the policy that sends into the outbound one, the reverse route.
 *
 * The kernel knows an SA by (destination, SPI), and so do we: inbound SAs by
 * (our address, our SPI) in e->spi_in, outbound ones by (the peer's address,
 * the peer's SPI) in e->spi_out. Both are reserved from QM1 on. A policy
 * (one per selector) and a reverse route (one per client network) are
 * shared by the children that need them - a rekey, a client re-authenticating
 * - and reference-counted: make-before-break, and removed with their last
 * user. A failed install removes exactly what it installed.
 */

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include <linux/espgw.h>

#include "algs.h"
#include "ike_priv.h"
#include "kernel.h"
#include "log.h"
#include "proposal.h"
#include "sa.h"

static uint64_t sa_key(const struct htab *t, uint32_t addr, uint32_t spi)
{
	uint32_t k[2] = { addr, spi };

	return htab_hash(t, k, sizeof(k));
}

static struct child *find_in(struct ike_engine *e, uint32_t local, uint32_t spi)
{
	uint64_t h = sa_key(&e->spi_in, local, spi);
	struct hnode *n;

	for (n = htab_first(&e->spi_in, h); n; n = htab_next(n, h)) {
		struct child *c = container_of(n, struct child, by_in);

		if (c->spi_in == spi && c->sa->local.sin_addr.s_addr == local)
			return c;
	}
	return NULL;
}

static struct child *find_out(struct ike_engine *e, uint32_t peer, uint32_t spi)
{
	uint64_t h = sa_key(&e->spi_out, peer, spi);
	struct hnode *n;

	for (n = htab_first(&e->spi_out, h); n; n = htab_next(n, h)) {
		struct child *c = container_of(n, struct child, by_out);

		if (c->spi_out == spi && c->sa->peer.sin_addr.s_addr == peer)
			return c;
	}
	return NULL;
}

bool peer_spi_in_use(struct ike_engine *e, uint32_t peer, uint32_t spi)
{
	return find_out(e, peer, spi) != NULL;
}

struct child *child_by_sa(struct ike_engine *e, uint32_t dst, uint32_t spi)
{
	struct child *c = find_in(e, dst, spi);

	return c ? c : find_out(e, dst, spi);
}

struct child *child_of_sa(struct ike_sa *sa, uint32_t spi)
{
	struct child *c;

	for (c = sa->children; c; c = c->next)
		if (c->spi_out == spi || c->spi_in == spi)
			return c;
	return NULL;
}

struct child *child_reserve(struct ike_engine *e, struct ike_sa *sa, uint32_t spi_out)
{
	uint32_t local = sa->local.sin_addr.s_addr;
	struct child *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->sa = sa;
	c->spi_out = spi_out;
	do
		c->spi_in = random_u32();
	while (c->spi_in < 256 || find_in(e, local, c->spi_in));	/* RFC 4303: 1-255 reserved */
	if (htab_add(&e->spi_in, &c->by_in, sa_key(&e->spi_in, local, c->spi_in)) ||
	    htab_add(&e->spi_out, &c->by_out, sa_key(&e->spi_out, sa->peer.sin_addr.s_addr,
						      spi_out))) {
		child_unreserve(e, c);
		return NULL;
	}
	return c;
}

void child_unreserve(struct ike_engine *e, struct child *c)
{
	htab_del(&e->spi_in, &c->by_in);
	htab_del(&e->spi_out, &c->by_out);
	free(c);
}

static void sel_from(struct espgw_selector *s, const struct child *c)
{
	s->src = htonl(c->local.addr);
	s->src_len = c->local.plen;
	s->dst = htonl(c->remote.addr);
	s->dst_len = c->remote.plen;
	s->proto = 0;
}

/* One direction's SA from its KEYMAT (encryption key first, then the auth key). */
static int install_sa(struct ike_engine *e, struct ike_sa *sa, struct qm *q, bool in)
{
	const struct child *c = q->c;
	const struct ike_alg_esp *ea = ike_alg_esp_by_id(c->esp, c->keybits);
	const struct ike_alg_esp_auth *aa = ike_alg_esp_auth_by_id(c->auth);
	struct ike_p2_transform t = { c->esp, c->keybits, c->auth };
	uint32_t spi = in ? c->spi_in : c->spi_out;
	struct espgw_sa ks = { 0 };
	uint8_t km[2 * ESPGW_KEY_MAX_LEN];
	size_t elen, alen;
	int ret;

	if (!ea || ike_esp_key_sizes(c->esp, c->keybits, c->auth, &elen, &alen) ||
	    elen > ESPGW_KEY_MAX_LEN || alen > ESPGW_KEY_MAX_LEN)
		return -EINVAL;
	if (ike_keymat(&sa->keys, IKE_CHUNK(q->gqm, q->gqm_len), ISAKMP_PROTO_ESP, spi,
		       IKE_CHUNK(q->ni, q->ni_len), IKE_CHUNK(q->nr, NONCE_LEN), km, elen + alen))
		return -EINVAL;
	ks.have = 1u << ESPGW_A_SA_SPI | 1u << ESPGW_A_SA_DST | 1u << ESPGW_A_SA_SRC |
		  1u << ESPGW_A_SA_DIR | 1u << ESPGW_A_SA_ENC_ALG | 1u << ESPGW_A_SA_ENC_KEY |
		  1u << ESPGW_A_SA_FLAGS | 1u << ESPGW_A_SA_LIFETIME;
	ks.spi = spi;
	ks.dir = in ? ESPGW_DIR_IN : ESPGW_DIR_OUT;
	ks.dst = in ? sa->local.sin_addr.s_addr : sa->peer.sin_addr.s_addr;
	ks.src = in ? sa->peer.sin_addr.s_addr : sa->local.sin_addr.s_addr;
	ks.enc_alg = ea->kernel;
	memcpy(ks.enc_key, km, elen);
	ks.enc_key_len = (uint8_t)elen;
	if (alen) {
		ks.have |= 1u << ESPGW_A_SA_AUTH_ALG | 1u << ESPGW_A_SA_AUTH_KEY;
		ks.auth_alg = aa ? aa->kernel : ESPGW_AUTH_ALG_NONE;
		memcpy(ks.auth_key, km + elen, alen);
		ks.auth_key_len = (uint8_t)alen;
	}
	ks.flags = ike_p2_transform_is_legacy(&t) ? ESPGW_SA_FLAGS_LEGACY : 0;
	if (in) {
		ks.have |= 1u << ESPGW_A_SA_SELECTOR | 1u << ESPGW_A_SA_REPLAY_WINDOW;
		sel_from(&ks.sel, c);
		ks.replay_window = e->conf->sa_replay_window;
	}
	if (c->encap) {
		/* ESP in UDP (RFC 3948), between our NAT-T port and the client's mapping */
		ks.have |= 1u << ESPGW_A_SA_ENCAP;
		ks.encap_type = ESPGW_ENCAP_TYPE_ESPINUDP;
		ks.encap_lport = ntohs(sa->local.sin_port);
		ks.encap_pport = ntohs(sa->peer.sin_port);
	}
	/* hard limits as negotiated; soft at 90% so a rekey has room */
	ks.lifetime[ESPGW_A_LIFETIME_HARD_SECS] = q->life_sec;
	ks.lifetime[ESPGW_A_LIFETIME_SOFT_SECS] = q->life_sec * 9 / 10;
	ks.lifetime[ESPGW_A_LIFETIME_HARD_BYTES] = q->life_kb * 1024;
	ks.lifetime[ESPGW_A_LIFETIME_SOFT_BYTES] = q->life_kb * 1024 / 10 * 9;
	ret = kernel_sa_add(e->k, &ks);
	OPENSSL_cleanse(km, sizeof(km));
	espgw_sa_wipe(&ks);
	return ret;
}

static uint64_t net_key(const struct htab *t, const struct conf_net *a, const struct conf_net *b)
{
	uint32_t k[4] = { a->addr, a->plen, b ? b->addr : 0, b ? b->plen : 0 };

	return htab_hash(t, k, sizeof(k));
}

static bool net_eq(const struct conf_net *a, const struct conf_net *b)
{
	return a->addr == b->addr && a->plen == b->plen;
}

static struct policy_ref *policy_find(struct ike_engine *e, const struct child *c, uint64_t h)
{
	struct hnode *n;

	for (n = htab_first(&e->policies, h); n; n = htab_next(n, h)) {
		struct policy_ref *p = container_of(n, struct policy_ref, hn);

		if (net_eq(&p->local, &c->local) && net_eq(&p->remote, &c->remote))
			return p;
	}
	return NULL;
}

/* The kernel's policy for p's selector, sending into c's outbound SA. */
static int policy_point(struct ike_engine *e, struct policy_ref *p, struct child *c,
			bool replace)
{
	struct espgw_policy kp = {
		.have = 1u << ESPGW_A_POLICY_ID | 1u << ESPGW_A_POLICY_SELECTOR |
			1u << ESPGW_A_POLICY_ACTION | 1u << ESPGW_A_POLICY_SA_DST |
			1u << ESPGW_A_POLICY_SA_SPI,
		.id = p->id,
		.action = ESPGW_ACTION_PROTECT,
		.sa_dst = c->sa->peer.sin_addr.s_addr,
		.sa_spi = c->spi_out,
	};
	int ret;

	sel_from(&kp.sel, c);
	ret = kernel_policy_add(e->k, &kp, replace);
	if (!ret)
		p->target = c;
	return ret;
}

/* c takes the policy of its selector (a new one, or the one it shares: replaced in place). */
static int policy_take(struct ike_engine *e, struct child *c)
{
	uint64_t h = net_key(&e->policies, &c->local, &c->remote);
	struct policy_ref *p = policy_find(e, c, h);
	int ret;

	if (p) {
		ret = policy_point(e, p, c, true);
		if (ret)
			return ret;
		p->refs++;
		c->pol = p;
		return 0;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->local = c->local;
	p->remote = c->remote;
	p->id = ++e->next_policy_id;
	ret = policy_point(e, p, c, false);
	if (ret || htab_add(&e->policies, &p->hn, h)) {
		if (!ret)
			kernel_policy_del(e->k, p->id);
		free(p);
		return ret ? ret : -ENOMEM;
	}
	p->refs = 1;
	c->pol = p;
	return 0;
}

/* c lets go of its policy: gone with the last user, else pointed at the newest other one. */
static void policy_drop(struct ike_engine *e, struct child *c)
{
	struct policy_ref *p = c->pol;
	struct child *o, *best = NULL;
	struct ike_sa *s;

	c->pol = NULL;
	if (--p->refs == 0) {
		kernel_policy_del(e->k, p->id);
		htab_del(&e->policies, &p->hn);
		free(p);
		return;
	}
	if (p->target != c)
		return;
	/* the SA it sent into goes: the newest child still sharing it takes over */
	for (s = e->sas; s && !best; s = s->next)
		for (o = s->children; o; o = o->next)
			if (o != c && o->pol == p && (!best || o->installed > best->installed))
				best = o;
	if (best)
		policy_point(e, p, best, true);
}

static void route_take(struct ike_engine *e, struct child *c)
{
	uint64_t h = net_key(&e->routes, &c->remote, NULL);
	char a[INET_ADDRSTRLEN], r[40];
	struct route_ref *rt;
	struct hnode *n;

	if (!e->conf->dynmap.reverse_route)
		return;
	for (n = htab_first(&e->routes, h); n; n = htab_next(n, h)) {
		rt = container_of(n, struct route_ref, hn);
		if (net_eq(&rt->net, &c->remote)) {
			rt->refs++;
			c->route = rt;
			return;
		}
	}
	rt = calloc(1, sizeof(*rt));
	if (!rt)
		return;
	rt->net = c->remote;
	rt->refs = 1;
	if (htab_add(&e->routes, &rt->hn, h)) {
		free(rt);
		return;
	}
	c->route = rt;
	if (!kernel_route_add(e->k, &c->remote))
		log_debug(LOG_CAT_IPSEC, "ISAKMP (%u): adding static route for %s to %s",
			  c->sa->conn_id, net_str(&c->remote, r, sizeof(r)),
			  sin_str(&c->sa->peer, a));
}

static void route_drop(struct ike_engine *e, struct child *c)
{
	struct route_ref *rt = c->route;

	c->route = NULL;
	if (!rt || --rt->refs)
		return;
	kernel_route_del(e->k, &rt->net);
	htab_del(&e->routes, &rt->hn);
	free(rt);
}

int child_install(struct ike_engine *e, struct ike_sa *sa, struct qm *q)
{
	struct child *c = q->c;
	uint32_t local = sa->local.sin_addr.s_addr, peer = sa->peer.sin_addr.s_addr;
	int ret;

	c->installed = e->now;
	/* inbound first: the peer may send as soon as it has sent QM3 */
	ret = install_sa(e, sa, q, true);
	if (ret)
		return ret;
	ret = install_sa(e, sa, q, false);
	if (ret) {
		kernel_sa_del(e->k, local, c->spi_in);
		return ret;
	}
	ret = policy_take(e, c);
	if (ret) {
		kernel_sa_del(e->k, peer, c->spi_out);
		kernel_sa_del(e->k, local, c->spi_in);
		return ret;
	}
	c->next = sa->children;
	sa->children = c;
	sa->nchildren++;
	e->npairs++;
	kernel_dev_setup(e->k, &c->local, local);	/* not fatal: the tunnel works with rp_filter 0 */
	route_take(e, c);
	return 0;
}

void child_follow(struct ike_engine *e, struct child *c, const struct sockaddr_in *old)
{
	uint32_t peer = c->sa->peer.sin_addr.s_addr;

	htab_del(&e->spi_out, &c->by_out);
	htab_add(&e->spi_out, &c->by_out, sa_key(&e->spi_out, peer, c->spi_out));
	kernel_sa_move(e->k, old->sin_addr.s_addr, c->spi_out, peer, c->sa->peer.sin_port);
	kernel_sa_move(e->k, c->sa->local.sin_addr.s_addr, c->spi_in, peer,
		       c->sa->peer.sin_port);
	if (c->pol && c->pol->target == c)
		policy_point(e, c->pol, c, true);
}

void child_remove(struct ike_engine *e, struct child *c)
{
	struct ike_sa *sa = c->sa;
	struct child **pp;

	for (pp = &sa->children; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	sa->nchildren--;
	e->npairs--;
	policy_drop(e, c);
	route_drop(e, c);
	kernel_sa_del(e->k, sa->peer.sin_addr.s_addr, c->spi_out);
	kernel_sa_del(e->k, sa->local.sin_addr.s_addr, c->spi_in);
	log_debug(LOG_CAT_IPSEC, "IPsec SAs removed: spi in 0x%08x out 0x%08x", c->spi_in,
		  c->spi_out);
	child_unreserve(e, c);
}
