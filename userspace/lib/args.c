// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/espgw.h>

#include "args.h"
#include "names-gen.h"
#include "util.h"

/* the rest of a command line */
struct cur {
	const char *cmd;	/* "sa add", for messages */
	int argc;
	char **argv;
	struct argerr *e;
};

static const char *take(struct cur *c)
{
	c->argc--;
	return *c->argv++;
}

static bool next_is(const struct cur *c, const char *kw)
{
	return c->argc > 0 && !strcmp(c->argv[0], kw);
}

/* the value after keyword kw, or NULL (e set) when there is none */
static const char *value(struct cur *c, const char *kw)
{
	if (c->argc == 0) {
		argerr(c->e, "%s: '%s' needs a value", c->cmd, kw);
		return NULL;
	}
	return take(c);
}

/* set bit in *seen, or complain that kw came twice */
static int once(struct cur *c, uint32_t *seen, int bit, const char *kw)
{
	if (*seen & BIT(bit))
		return argerr(c->e, "%s: '%s' given twice", c->cmd, kw);
	*seen |= BIT(bit);
	return 0;
}

static int missing(struct cur *c, const char *kw)
{
	return argerr(c->e, "%s: missing '%s'", c->cmd, kw);
}

static int addr_val(struct cur *c, const char *kw, uint32_t *be)
{
	const char *v = value(c, kw);

	if (!v)
		return -EINVAL;
	if (arg_addr(v, be))
		return argerr(c->e, "%s: invalid address '%s' for '%s'", c->cmd, v, kw);
	return 0;
}

static int spi_val(struct cur *c, uint32_t *spi)
{
	const char *v = value(c, "spi");

	if (!v)
		return -EINVAL;
	if (arg_u32(v, spi))
		return argerr(c->e, "%s: invalid SPI '%s'", c->cmd, v);
	return 0;
}

static int u32_val(struct cur *c, const char *kw, uint32_t *n)
{
	const char *v = value(c, kw);

	if (!v)
		return -EINVAL;
	if (arg_u32(v, n))
		return argerr(c->e, "%s: invalid number '%s' for '%s'", c->cmd, v, kw);
	return 0;
}

static int u64_val(struct cur *c, const char *kw, uint64_t *n)
{
	const char *v = value(c, kw);

	if (!v)
		return -EINVAL;
	if (arg_u64(v, n))
		return argerr(c->e, "%s: invalid number '%s' for '%s'", c->cmd, v, kw);
	return 0;
}

static int prefix_val(struct cur *c, const char *kw, uint32_t *be, uint8_t *len)
{
	const char *v = value(c, kw);
	int ret;

	if (!v)
		return -EINVAL;
	ret = arg_prefix(v, be, len);
	if (ret == -EDOM)
		return argerr(c->e, "%s: prefix '%s' for '%s' has host bits set", c->cmd, v, kw);
	if (ret)
		return argerr(c->e, "%s: invalid prefix '%s' for '%s' (a.b.c.d/len)",
			      c->cmd, v, kw);
	return 0;
}

static int proto_val(struct cur *c, uint8_t *proto)
{
	const char *v = value(c, "proto");

	if (!v)
		return -EINVAL;
	if (arg_proto(v, proto))
		return argerr(c->e, "%s: invalid protocol '%s' (a number or any, icmp, tcp, udp)",
			      c->cmd, v);
	return 0;
}

/*
 * KEY: @PATH (the file), @- (a line of standard input), or the hex itself
 * (noted in e: ps shows it). 0, -EINVAL / -E2BIG for a bad key, or -ENOENT
 * with e set when it cannot be read. Messages never include the key.
 */
static int key_val(struct cur *c, const char *kw, const char *arg, uint8_t *key, size_t *len)
{
	/* the hex with 0x, and room for whitespace around it */
	char text[2 * ESPGW_KEY_MAX_LEN + 64], where[128];
	int ret;

	if (arg[0] != '@') {
		c->e->key_in_argv = true;
		return arg_hexkey(arg, key, ESPGW_KEY_MAX_LEN, len);
	}
	if (!strcmp(arg, "@-"))
		snprintf(where, sizeof(where), "standard input");
	else
		snprintf(where, sizeof(where), "'%s'", arg + 1);
	ret = arg_read_secret(arg + 1, text, sizeof(text));
	if (ret && ret != -E2BIG) {
		argerr(c->e, "%s: cannot read the %s key from %s: %s", c->cmd, kw, where,
		       strerror(-ret));
		return -ENOENT;
	}
	if (!ret && !text[0]) {
		argerr(c->e, "%s: no %s key in %s", c->cmd, kw, where);
		return -ENOENT;
	}
	if (!ret)
		ret = arg_hexkey(text, key, ESPGW_KEY_MAX_LEN, len);
	explicit_bzero(text, sizeof(text));
	return ret;
}

/* enc|auth ALG KEY */
static int alg_key(struct cur *c, bool enc, uint32_t *alg, uint8_t *key, uint8_t *key_len)
{
	const char *kw = enc ? "enc" : "auth", *name, *hex;
	size_t len;
	int ret;

	name = value(c, kw);
	if (!name)
		return -EINVAL;
	if (enc ? arg_enc_alg(name, alg) : arg_auth_alg(name, alg))
		return argerr(c->e, "%s: unknown %s algorithm '%s'", c->cmd,
			      enc ? "encryption" : "integrity", name);
	if (c->argc == 0)
		return argerr(c->e, "%s: '%s %s' needs a key", c->cmd, kw, name);
	hex = take(c);
	ret = key_val(c, kw, hex, key, &len);
	if (ret == -ENOENT)
		return -EINVAL;		/* e says why */
	/* never echo the key */
	if (ret == -E2BIG)
		return argerr(c->e, "%s: %s key longer than %d bytes", c->cmd, kw,
			      ESPGW_KEY_MAX_LEN);
	if (ret)
		return argerr(c->e, "%s: invalid %s key (hex digits, an even number of them)",
			      c->cmd, kw);
	*key_len = (uint8_t)len;
	return 0;
}

/* sel src PFX dst PFX [proto P], in any order */
static int sel_args(struct cur *c, struct espgw_selector *sel)
{
	uint32_t seen = 0;

	for (;;) {
		if (next_is(c, "src") && !(seen & BIT(0))) {
			take(c);
			seen |= BIT(0);
			if (prefix_val(c, "sel src", &sel->src, &sel->src_len))
				return -EINVAL;
		} else if (next_is(c, "dst") && !(seen & BIT(1))) {
			take(c);
			seen |= BIT(1);
			if (prefix_val(c, "sel dst", &sel->dst, &sel->dst_len))
				return -EINVAL;
		} else if (next_is(c, "proto") && !(seen & BIT(2))) {
			take(c);
			seen |= BIT(2);
			if (proto_val(c, &sel->proto))
				return -EINVAL;
		} else {
			break;
		}
	}
	if (!(seen & BIT(0)))
		return missing(c, "sel src");
	if (!(seen & BIT(1)))
		return missing(c, "sel dst");
	return 0;
}

static int lifetime_arg(struct cur *c, const char *kw, struct espgw_sa *sa, uint32_t *seen)
{
	size_t i;

	for (i = 0; i < ESPGW_LIFETIME_N; i++) {
		int attr = espgw_lifetime_attrs[i].attr;

		if (strcmp(kw, espgw_lifetime_attrs[i].name))
			continue;
		if (once(c, seen, attr, kw) || u64_val(c, kw, &sa->lifetime[attr]))
			return -EINVAL;
		sa->have |= BIT(ESPGW_A_SA_LIFETIME);
		return 0;
	}
	return argerr(c->e, "%s: unknown keyword '%s'", c->cmd, kw);
}

static int dir_val(struct cur *c, uint32_t *dir)
{
	const char *v = value(c, "dir");

	if (!v)
		return -EINVAL;
	if (!strcmp(v, "in"))
		*dir = ESPGW_DIR_IN;
	else if (!strcmp(v, "out"))
		*dir = ESPGW_DIR_OUT;
	else
		return argerr(c->e, "%s: invalid direction '%s' (in or out)", c->cmd, v);
	return 0;
}

/* what sa add collects beyond struct espgw_sa */
struct sa_add_ctx {
	uint32_t lft_seen;	/* lifetime keywords given */
	uint32_t sport, dport;	/* encap ports of the SA's packets, as given */
};

static int port_val(struct cur *c, const char *kw, uint32_t *port)
{
	const char *v = value(c, kw);

	if (!v)
		return -EINVAL;
	if (arg_u32(v, port) || *port == 0 || *port > 65535)
		return argerr(c->e, "%s: invalid port '%s' for '%s' (1-65535)", c->cmd, v, kw);
	return 0;
}

/* encap espinudp sport PORT dport PORT (either order) | encap none */
static int encap_args(struct cur *c, struct espgw_sa *sa, struct sa_add_ctx *x)
{
	const char *v = value(c, "encap");
	uint32_t seen = 0;

	if (!v)
		return -EINVAL;
	if (arg_enum(v, espgw_encap_type_names, ARRAY_SIZE(espgw_encap_type_names),
		     &sa->encap_type))
		return argerr(c->e, "%s: invalid encap '%s' (espinudp or none)", c->cmd, v);
	if (sa->encap_type == ESPGW_ENCAP_TYPE_NONE)
		return 0;
	while (next_is(c, "sport") || next_is(c, "dport")) {
		const char *kw = take(c);
		bool src = !strcmp(kw, "sport");
		int ret = once(c, &seen, src, kw) ?: port_val(c, kw, src ? &x->sport : &x->dport);

		if (ret)
			return ret;
	}
	if (!(seen & BIT(1)))
		return missing(c, "encap ... sport");
	if (!(seen & BIT(0)))
		return missing(c, "encap ... dport");
	return 0;
}

static int sa_add_arg(struct cur *c, const char *kw, struct espgw_sa *sa, struct sa_add_ctx *x)
{
	uint32_t *have = &sa->have;

	if (!strcmp(kw, "src"))
		return once(c, have, ESPGW_A_SA_SRC, kw) ?: addr_val(c, kw, &sa->src);
	if (!strcmp(kw, "dst"))
		return once(c, have, ESPGW_A_SA_DST, kw) ?: addr_val(c, kw, &sa->dst);
	if (!strcmp(kw, "spi"))
		return once(c, have, ESPGW_A_SA_SPI, kw) ?: spi_val(c, &sa->spi);
	if (!strcmp(kw, "dir"))
		return once(c, have, ESPGW_A_SA_DIR, kw) ?: dir_val(c, &sa->dir);
	if (!strcmp(kw, "enc")) {
		*have |= BIT(ESPGW_A_SA_ENC_KEY);
		return once(c, have, ESPGW_A_SA_ENC_ALG, kw) ?:
		       alg_key(c, true, &sa->enc_alg, sa->enc_key, &sa->enc_key_len);
	}
	if (!strcmp(kw, "auth")) {
		*have |= BIT(ESPGW_A_SA_AUTH_KEY);
		return once(c, have, ESPGW_A_SA_AUTH_ALG, kw) ?:
		       alg_key(c, false, &sa->auth_alg, sa->auth_key, &sa->auth_key_len);
	}
	if (!strcmp(kw, "replay-window"))
		return once(c, have, ESPGW_A_SA_REPLAY_WINDOW, kw) ?:
		       u32_val(c, kw, &sa->replay_window);
	if (!strcmp(kw, "legacy")) {
		sa->flags |= ESPGW_SA_FLAGS_LEGACY;
		return once(c, have, ESPGW_A_SA_FLAGS, kw);
	}
	if (!strcmp(kw, "sel"))
		return once(c, have, ESPGW_A_SA_SELECTOR, kw) ?: sel_args(c, &sa->sel);
	if (!strcmp(kw, "encap"))
		return once(c, have, ESPGW_A_SA_ENCAP, kw) ?: encap_args(c, sa, x);
	return lifetime_arg(c, kw, sa, &x->lft_seen);
}

int espgw_args_sa_add(const char *cmd, int argc, char **argv, struct espgw_sa *sa,
		      struct argerr *e)
{
	struct cur c = { .cmd = cmd, .argc = argc, .argv = argv, .e = e };
	static const struct {
		int attr;
		const char *kw;
	} required[] = {
		{ ESPGW_A_SA_SRC, "src" }, { ESPGW_A_SA_DST, "dst" }, { ESPGW_A_SA_SPI, "spi" },
		{ ESPGW_A_SA_DIR, "dir" }, { ESPGW_A_SA_ENC_ALG, "enc" },
	};
	struct sa_add_ctx x = { 0 };
	size_t i;

	memset(sa, 0, sizeof(*sa));
	e->key_in_argv = false;
	while (c.argc > 0)
		if (sa_add_arg(&c, take(&c), sa, &x))
			goto err;
	for (i = 0; i < ARRAY_SIZE(required); i++) {
		if (!(sa->have & BIT(required[i].attr))) {
			missing(&c, required[i].kw);
			goto err;
		}
	}
	/* sport and dport are the ports of the SA's packets, as src and dst are its addresses */
	sa->encap_lport = (uint16_t)(sa->dir == ESPGW_DIR_IN ? x.dport : x.sport);
	sa->encap_pport = (uint16_t)(sa->dir == ESPGW_DIR_IN ? x.sport : x.dport);
	return 0;
err:
	espgw_sa_wipe(sa);
	return -EINVAL;
}

int espgw_args_sa_id(const char *cmd, int argc, char **argv, bool required,
		     struct espgw_sa *sa, struct argerr *e)
{
	struct cur c = { .cmd = cmd, .argc = argc, .argv = argv, .e = e };

	memset(sa, 0, sizeof(*sa));
	while (c.argc > 0) {
		const char *kw = take(&c);
		int ret;

		if (!strcmp(kw, "dst"))
			ret = once(&c, &sa->have, ESPGW_A_SA_DST, kw) ?: addr_val(&c, kw, &sa->dst);
		else if (!strcmp(kw, "spi"))
			ret = once(&c, &sa->have, ESPGW_A_SA_SPI, kw) ?: spi_val(&c, &sa->spi);
		else
			ret = argerr(e, "%s: unknown keyword '%s'", cmd, kw);
		if (ret)
			return ret;
	}
	if (required && !(sa->have & BIT(ESPGW_A_SA_DST)))
		return missing(&c, "dst");
	if (required && !(sa->have & BIT(ESPGW_A_SA_SPI)))
		return missing(&c, "spi");
	return 0;
}

static int action_val(struct cur *c, uint32_t *action)
{
	const char *v = value(c, "action");

	if (!v)
		return -EINVAL;
	if (arg_enum(v, espgw_action_names, ARRAY_SIZE(espgw_action_names), action))
		return argerr(c->e, "%s: invalid action '%s' (protect, bypass or discard)",
			      c->cmd, v);
	return 0;
}

/* sa dst B spi SPI, in either order */
static int policy_sa_args(struct cur *c, struct espgw_policy *p)
{
	uint32_t *have = &p->have;

	while (next_is(c, "dst") || next_is(c, "spi")) {
		const char *kw = take(c);
		int ret;

		if (!strcmp(kw, "dst"))
			ret = once(c, have, ESPGW_A_POLICY_SA_DST, "sa dst") ?:
			      addr_val(c, "sa dst", &p->sa_dst);
		else
			ret = once(c, have, ESPGW_A_POLICY_SA_SPI, "sa spi") ?:
			      spi_val(c, &p->sa_spi);
		if (ret)
			return ret;
	}
	if (!(*have & BIT(ESPGW_A_POLICY_SA_DST)))
		return missing(c, "sa dst");
	if (!(*have & BIT(ESPGW_A_POLICY_SA_SPI)))
		return missing(c, "sa spi");
	return 0;
}

/* src, dst, proto of the policy's selector; bits 0-2 of *seen */
static int policy_sel_arg(struct cur *c, const char *kw, struct espgw_policy *p, uint32_t *seen)
{
	struct espgw_selector *sel = &p->sel;

	p->have |= BIT(ESPGW_A_POLICY_SELECTOR);
	if (!strcmp(kw, "src"))
		return once(c, seen, 0, kw) ?: prefix_val(c, kw, &sel->src, &sel->src_len);
	if (!strcmp(kw, "dst"))
		return once(c, seen, 1, kw) ?: prefix_val(c, kw, &sel->dst, &sel->dst_len);
	return once(c, seen, 2, kw) ?: proto_val(c, &sel->proto);
}

static int policy_add_arg(struct cur *c, const char *kw, struct espgw_policy *p, uint32_t *seen)
{
	uint32_t *have = &p->have;

	if (!strcmp(kw, "id"))
		return once(c, have, ESPGW_A_POLICY_ID, kw) ?: u32_val(c, kw, &p->id);
	if (!strcmp(kw, "priority"))
		return once(c, have, ESPGW_A_POLICY_PRIORITY, kw) ?: u32_val(c, kw, &p->priority);
	if (!strcmp(kw, "src") || !strcmp(kw, "dst") || !strcmp(kw, "proto"))
		return policy_sel_arg(c, kw, p, seen);
	if (!strcmp(kw, "action"))
		return once(c, have, ESPGW_A_POLICY_ACTION, kw) ?: action_val(c, &p->action);
	if (!strcmp(kw, "sa"))
		return once(c, seen, 3, kw) ?: policy_sa_args(c, p);
	return argerr(c->e, "%s: unknown keyword '%s'", c->cmd, kw);
}

int espgw_args_policy_add(const char *cmd, int argc, char **argv, struct espgw_policy *p,
			  struct argerr *e)
{
	struct cur c = { .cmd = cmd, .argc = argc, .argv = argv, .e = e };
	uint32_t seen = 0;

	memset(p, 0, sizeof(*p));
	while (c.argc > 0)
		if (policy_add_arg(&c, take(&c), p, &seen))
			return -EINVAL;
	if (!(p->have & BIT(ESPGW_A_POLICY_ID)))
		return missing(&c, "id");
	if (!(seen & BIT(0)))
		return missing(&c, "src");
	if (!(seen & BIT(1)))
		return missing(&c, "dst");
	if (!(p->have & BIT(ESPGW_A_POLICY_ACTION)))
		return missing(&c, "action");
	return 0;
}

int espgw_args_policy_id(const char *cmd, int argc, char **argv, bool required,
			 struct espgw_policy *p, struct argerr *e)
{
	struct cur c = { .cmd = cmd, .argc = argc, .argv = argv, .e = e };

	memset(p, 0, sizeof(*p));
	while (c.argc > 0) {
		const char *kw = take(&c);

		if (strcmp(kw, "id"))
			return argerr(e, "%s: unknown keyword '%s'", cmd, kw);
		if (once(&c, &p->have, ESPGW_A_POLICY_ID, kw) || u32_val(&c, kw, &p->id))
			return -EINVAL;
	}
	if (required && !(p->have & BIT(ESPGW_A_POLICY_ID)))
		return missing(&c, "id");
	return 0;
}

int espgw_args_none(const char *cmd, int argc, char **argv, struct argerr *e)
{
	if (argc > 0)
		return argerr(e, "%s: unexpected argument '%s'", cmd, argv[0]);
	return 0;
}
