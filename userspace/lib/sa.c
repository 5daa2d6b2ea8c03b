// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "names-gen.h"
#include "parse.h"
#include "sa.h"
#include "util.h"

const struct espgw_attr_name espgw_lifetime_attrs[ESPGW_LIFETIME_N] = {
	{ ESPGW_A_LIFETIME_SOFT_BYTES, "soft-bytes", "soft_bytes" },
	{ ESPGW_A_LIFETIME_HARD_BYTES, "hard-bytes", "hard_bytes" },
	{ ESPGW_A_LIFETIME_SOFT_PACKETS, "soft-packets", "soft_packets" },
	{ ESPGW_A_LIFETIME_HARD_PACKETS, "hard-packets", "hard_packets" },
	{ ESPGW_A_LIFETIME_SOFT_SECS, "soft-secs", "soft_secs" },
	{ ESPGW_A_LIFETIME_HARD_SECS, "hard-secs", "hard_secs" },
};

static const struct espgw_attr_name stats_attrs[] = {
	{ ESPGW_A_SA_STATS_PACKETS, "packets", "packets" },
	{ ESPGW_A_SA_STATS_BYTES, "bytes", "bytes" },
	{ ESPGW_A_SA_STATS_AUTH_FAIL, "auth-fail", "auth_fail" },
	{ ESPGW_A_SA_STATS_REPLAY, "replay", "replay" },
	{ ESPGW_A_SA_STATS_REPLAY_LATE, "replay-late", "replay_late" },
	{ ESPGW_A_SA_STATS_SELECTOR, "selector", "selector" },
	{ ESPGW_A_SA_STATS_TRAILER, "trailer", "trailer" },
	{ ESPGW_A_SA_STATS_MTU, "mtu", "mtu" },
	{ ESPGW_A_SA_STATS_ERRORS, "errors", "errors" },
	{ ESPGW_A_SA_STATS_ENCAP, "encap", "encap" },
};

static struct nla_policy sa_policy[ESPGW_A_SA_MAX + 1] = {
	[ESPGW_A_SA_SPI] = { .type = NLA_U32 },
	[ESPGW_A_SA_DST] = { .type = NLA_U32 },
	[ESPGW_A_SA_SRC] = { .type = NLA_U32 },
	[ESPGW_A_SA_DIR] = { .type = NLA_U32 },
	[ESPGW_A_SA_ENC_ALG] = { .type = NLA_U32 },
	[ESPGW_A_SA_AUTH_ALG] = { .type = NLA_U32 },
	[ESPGW_A_SA_REPLAY_WINDOW] = { .type = NLA_U32 },
	[ESPGW_A_SA_FLAGS] = { .type = NLA_U32 },
	[ESPGW_A_SA_SELECTOR] = { .type = NLA_NESTED },
	[ESPGW_A_SA_LIFETIME] = { .type = NLA_NESTED },
	[ESPGW_A_SA_SEQ] = { .type = NLA_U64 },
	[ESPGW_A_SA_AGE] = { .type = NLA_U64 },
	[ESPGW_A_SA_STATS] = { .type = NLA_NESTED },
	[ESPGW_A_SA_EXPIRE_KIND] = { .type = NLA_U32 },
	[ESPGW_A_SA_ENCAP] = { .type = NLA_NESTED },
	[ESPGW_A_SA_MAPPING_ADDR] = { .type = NLA_U32 },
	[ESPGW_A_SA_MAPPING_PORT] = { .type = NLA_U16 },
};

static struct nla_policy encap_policy[ESPGW_A_ENCAP_MAX + 1] = {
	[ESPGW_A_ENCAP_TYPE] = { .type = NLA_U32 },
	[ESPGW_A_ENCAP_LOCAL_PORT] = { .type = NLA_U16 },
	[ESPGW_A_ENCAP_PEER_PORT] = { .type = NLA_U16 },
};

static int put_u32(struct nl_msg *msg, const struct espgw_sa *sa, int attr, uint32_t v)
{
	return sa->have & BIT(attr) ? nla_put_u32(msg, attr, v) : 0;
}

static int put_lifetime(struct nl_msg *msg, const uint64_t *lft)
{
	struct nlattr *nest = nla_nest_start(msg, ESPGW_A_SA_LIFETIME);
	size_t i;

	if (!nest)
		return -NLE_NOMEM;
	for (i = 0; i < ESPGW_LIFETIME_N; i++) {
		int attr = espgw_lifetime_attrs[i].attr;

		if (lft[attr] && nla_put_u64(msg, attr, lft[attr]))
			return -NLE_NOMEM;
	}
	return nla_nest_end(msg, nest);
}

/* the type, and the ports unless it is none */
static int put_encap(struct nl_msg *msg, const struct espgw_sa *sa)
{
	struct nlattr *nest = nla_nest_start(msg, ESPGW_A_SA_ENCAP);

	if (!nest || nla_put_u32(msg, ESPGW_A_ENCAP_TYPE, sa->encap_type))
		return -NLE_NOMEM;
	if (sa->encap_type != ESPGW_ENCAP_TYPE_NONE &&
	    (nla_put_u16(msg, ESPGW_A_ENCAP_LOCAL_PORT, htons(sa->encap_lport)) ||
	     nla_put_u16(msg, ESPGW_A_ENCAP_PEER_PORT, htons(sa->encap_pport))))
		return -NLE_NOMEM;
	return nla_nest_end(msg, nest);
}

int espgw_sa_put(struct nl_msg *msg, const struct espgw_sa *sa)
{
	int ret;

	ret = put_u32(msg, sa, ESPGW_A_SA_SPI, htonl(sa->spi)) ?:
	      put_u32(msg, sa, ESPGW_A_SA_DST, sa->dst) ?:
	      put_u32(msg, sa, ESPGW_A_SA_SRC, sa->src) ?:
	      put_u32(msg, sa, ESPGW_A_SA_DIR, sa->dir) ?:
	      put_u32(msg, sa, ESPGW_A_SA_ENC_ALG, sa->enc_alg) ?:
	      put_u32(msg, sa, ESPGW_A_SA_AUTH_ALG, sa->auth_alg) ?:
	      put_u32(msg, sa, ESPGW_A_SA_REPLAY_WINDOW, sa->replay_window) ?:
	      put_u32(msg, sa, ESPGW_A_SA_FLAGS, sa->flags);
	if (ret)
		return ret;
	if ((sa->have & BIT(ESPGW_A_SA_ENC_KEY)) &&
	    nla_put(msg, ESPGW_A_SA_ENC_KEY, sa->enc_key_len, sa->enc_key))
		return -NLE_NOMEM;
	if ((sa->have & BIT(ESPGW_A_SA_AUTH_KEY)) &&
	    nla_put(msg, ESPGW_A_SA_AUTH_KEY, sa->auth_key_len, sa->auth_key))
		return -NLE_NOMEM;
	if (sa->have & BIT(ESPGW_A_SA_SELECTOR)) {
		ret = espgw_selector_put(msg, ESPGW_A_SA_SELECTOR, &sa->sel);
		if (ret)
			return ret;
	}
	if (sa->have & BIT(ESPGW_A_SA_ENCAP)) {
		ret = put_encap(msg, sa);
		if (ret)
			return ret;
	}
	ret = put_u32(msg, sa, ESPGW_A_SA_MAPPING_ADDR, sa->mapping_addr);
	if (ret)
		return ret;
	if ((sa->have & BIT(ESPGW_A_SA_MAPPING_PORT)) &&
	    nla_put_u16(msg, ESPGW_A_SA_MAPPING_PORT, htons(sa->mapping_port)))
		return -NLE_NOMEM;
	if (sa->have & BIT(ESPGW_A_SA_LIFETIME))
		return put_lifetime(msg, sa->lifetime);
	return 0;
}

/* the u64 attributes of a nest that attrs names into v[attr]; others (padding) are skipped */
static int parse_u64s(struct nlattr *nest, uint64_t *v, int max,
		      const struct espgw_attr_name *attrs, size_t n)
{
	struct nlattr *tb[32];
	size_t i;

	if (max >= (int)ARRAY_SIZE(tb) || nla_parse_nested(tb, max, nest, NULL) < 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		struct nlattr *a = tb[attrs[i].attr];

		if (!a)
			continue;
		if (nla_len(a) != sizeof(uint64_t))
			return -EINVAL;
		v[attrs[i].attr] = nla_get_u64(a);
	}
	return 0;
}

static uint32_t get_u32(struct nlattr **tb, int attr)
{
	return tb[attr] ? nla_get_u32(tb[attr]) : 0;
}

/* the encap nest: a type, and for espinudp both ports */
static int parse_encap(struct nlattr *nest, struct espgw_sa *sa)
{
	struct nlattr *tb[ESPGW_A_ENCAP_MAX + 1];

	if (nla_parse_nested(tb, ESPGW_A_ENCAP_MAX, nest, encap_policy) < 0 ||
	    !tb[ESPGW_A_ENCAP_TYPE])
		return -EINVAL;
	sa->encap_type = nla_get_u32(tb[ESPGW_A_ENCAP_TYPE]);
	if (sa->encap_type == ESPGW_ENCAP_TYPE_NONE)
		return 0;
	if (!tb[ESPGW_A_ENCAP_LOCAL_PORT] || !tb[ESPGW_A_ENCAP_PEER_PORT])
		return -EINVAL;
	sa->encap_lport = ntohs(nla_get_u16(tb[ESPGW_A_ENCAP_LOCAL_PORT]));
	sa->encap_pport = ntohs(nla_get_u16(tb[ESPGW_A_ENCAP_PEER_PORT]));
	return 0;
}

int espgw_sa_parse(struct nl_msg *msg, struct espgw_sa *sa)
{
	struct nlattr *tb[ESPGW_A_SA_MAX + 1];
	int i;

	memset(sa, 0, sizeof(*sa));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, ESPGW_A_SA_MAX, sa_policy) < 0)
		return -EINVAL;
	if (!tb[ESPGW_A_SA_SPI] || !tb[ESPGW_A_SA_DST])
		return -EINVAL;
	for (i = 1; i <= ESPGW_A_SA_MAX; i++)
		if (tb[i] && i != ESPGW_A_SA_ENC_KEY && i != ESPGW_A_SA_AUTH_KEY)
			sa->have |= BIT(i);
	sa->spi = ntohl(get_u32(tb, ESPGW_A_SA_SPI));
	sa->dst = get_u32(tb, ESPGW_A_SA_DST);
	sa->src = get_u32(tb, ESPGW_A_SA_SRC);
	sa->dir = get_u32(tb, ESPGW_A_SA_DIR);
	sa->enc_alg = get_u32(tb, ESPGW_A_SA_ENC_ALG);
	sa->auth_alg = get_u32(tb, ESPGW_A_SA_AUTH_ALG);
	sa->replay_window = get_u32(tb, ESPGW_A_SA_REPLAY_WINDOW);
	sa->flags = get_u32(tb, ESPGW_A_SA_FLAGS);
	sa->expire_kind = get_u32(tb, ESPGW_A_SA_EXPIRE_KIND);
	if (tb[ESPGW_A_SA_SEQ])
		sa->seq = nla_get_u64(tb[ESPGW_A_SA_SEQ]);
	if (tb[ESPGW_A_SA_AGE])
		sa->age = nla_get_u64(tb[ESPGW_A_SA_AGE]);
	if (tb[ESPGW_A_SA_ENCAP] && parse_encap(tb[ESPGW_A_SA_ENCAP], sa))
		return -EINVAL;
	if (!tb[ESPGW_A_SA_MAPPING_ADDR] != !tb[ESPGW_A_SA_MAPPING_PORT])
		return -EINVAL;		/* an address without its port, or the reverse */
	sa->mapping_addr = get_u32(tb, ESPGW_A_SA_MAPPING_ADDR);
	if (tb[ESPGW_A_SA_MAPPING_PORT])
		sa->mapping_port = ntohs(nla_get_u16(tb[ESPGW_A_SA_MAPPING_PORT]));
	if (tb[ESPGW_A_SA_SELECTOR] && espgw_selector_parse(tb[ESPGW_A_SA_SELECTOR], &sa->sel))
		return -EINVAL;
	if (tb[ESPGW_A_SA_LIFETIME] &&
	    parse_u64s(tb[ESPGW_A_SA_LIFETIME], sa->lifetime, ESPGW_A_LIFETIME_MAX,
		       espgw_lifetime_attrs, ESPGW_LIFETIME_N))
		return -EINVAL;
	if (tb[ESPGW_A_SA_STATS] &&
	    parse_u64s(tb[ESPGW_A_SA_STATS], sa->stats, ESPGW_A_SA_STATS_MAX,
		       stats_attrs, ARRAY_SIZE(stats_attrs)))
		return -EINVAL;
	return 0;
}

void espgw_sa_wipe(struct espgw_sa *sa)
{
	explicit_bzero(sa, sizeof(*sa));
}

static bool has(const struct espgw_sa *sa, int attr)
{
	return sa->have & BIT(attr);
}

#define NAME(names, v) enum_name(names, ARRAY_SIZE(names), v)

static void json_flags(struct jw *w, uint32_t flags)
{
	size_t i;

	jw_arr_open(w, "flags");
	for (i = 0; i < 32; i++) {
		char bit[16];

		if (!(flags & BIT(i)))
			continue;
		if (i < ARRAY_SIZE(espgw_sa_flags_names)) {
			jw_str(w, NULL, espgw_sa_flags_names[i]);
		} else {
			snprintf(bit, sizeof(bit), "bit%zu", i);
			jw_str(w, NULL, bit);
		}
	}
	jw_arr_close(w);
}

static void json_u64s(struct jw *w, const char *key, const uint64_t *v,
		      const struct espgw_attr_name *attrs, size_t n)
{
	size_t i;

	jw_obj_open(w, key);
	for (i = 0; i < n; i++)
		jw_uint(w, attrs[i].key, v[attrs[i].attr]);
	jw_obj_close(w);
}

static void sa_json(const struct espgw_sa *sa, const char *key, struct out *o)
{
	char a[INET_ADDRSTRLEN];
	struct jw *w = o->jw;

	jw_obj_open(w, key);
	if (has(sa, ESPGW_A_SA_SRC))
		jw_str(w, "src", addr_str(sa->src, a));
	jw_str(w, "dst", addr_str(sa->dst, a));
	jw_uint(w, "spi", sa->spi);
	if (has(sa, ESPGW_A_SA_DIR))
		jw_str(w, "dir", NAME(espgw_dir_names, sa->dir));
	if (has(sa, ESPGW_A_SA_EXPIRE_KIND))
		jw_str(w, "expire_kind", NAME(espgw_expire_kind_names, sa->expire_kind));
	if (has(sa, ESPGW_A_SA_ENC_ALG))
		jw_str(w, "enc_alg", NAME(espgw_enc_alg_names, sa->enc_alg));
	if (has(sa, ESPGW_A_SA_AUTH_ALG))
		jw_str(w, "auth_alg", NAME(espgw_auth_alg_names, sa->auth_alg));
	if (has(sa, ESPGW_A_SA_REPLAY_WINDOW))
		jw_uint(w, "replay_window", sa->replay_window);
	if (has(sa, ESPGW_A_SA_FLAGS))
		json_flags(w, sa->flags);
	if (has(sa, ESPGW_A_SA_SELECTOR))
		espgw_selector_print(&sa->sel, "selector", o);
	if (has(sa, ESPGW_A_SA_LIFETIME))
		json_u64s(w, "lifetime", sa->lifetime, espgw_lifetime_attrs, ESPGW_LIFETIME_N);
	if (has(sa, ESPGW_A_SA_ENCAP)) {
		jw_obj_open(w, "encap");
		jw_str(w, "type", NAME(espgw_encap_type_names, sa->encap_type));
		if (sa->encap_type != ESPGW_ENCAP_TYPE_NONE) {
			jw_uint(w, "local_port", sa->encap_lport);
			jw_uint(w, "peer_port", sa->encap_pport);
		}
		jw_obj_close(w);
	}
	if (has(sa, ESPGW_A_SA_MAPPING_ADDR)) {
		jw_str(w, "mapping_addr", addr_str(sa->mapping_addr, a));
		jw_uint(w, "mapping_port", sa->mapping_port);
	}
	if (has(sa, ESPGW_A_SA_SEQ))
		jw_uint(w, "seq", sa->seq);
	if (has(sa, ESPGW_A_SA_AGE))
		jw_uint(w, "age", sa->age);
	if (o->stats && has(sa, ESPGW_A_SA_STATS))
		json_u64s(w, "stats", sa->stats, stats_attrs, ARRAY_SIZE(stats_attrs));
	jw_obj_close(w);
}

/* start a new text line of an SA: "\n\t", or a space with -o */
static void next_line(struct out *o)
{
	fputs(o->oneline ? " " : "\n\t", o->f);
}

static void text_algs(const struct espgw_sa *sa, struct out *o)
{
	next_line(o);
	fprintf(o->f, "enc %s", NAME(espgw_enc_alg_names, sa->enc_alg));
	if (sa->auth_alg != ESPGW_AUTH_ALG_NONE)
		fprintf(o->f, " auth %s", NAME(espgw_auth_alg_names, sa->auth_alg));
	if (has(sa, ESPGW_A_SA_REPLAY_WINDOW))
		fprintf(o->f, " replay-window %u", sa->replay_window);
	if (sa->flags & ESPGW_SA_FLAGS_LEGACY)
		fputs(" legacy", o->f);
}

/* "encap udp PEER:PORT local-port PORT"; the peer is src (in) or dst (out) */
static void text_encap(const struct espgw_sa *sa, struct out *o)
{
	char a[INET_ADDRSTRLEN];
	uint32_t peer = sa->dir == ESPGW_DIR_IN ? sa->src : sa->dst;

	next_line(o);
	if (sa->encap_type == ESPGW_ENCAP_TYPE_ESPINUDP)
		fputs("encap udp", o->f);
	else
		fprintf(o->f, "encap %s", NAME(espgw_encap_type_names, sa->encap_type));
	fprintf(o->f, " %s:%u local-port %u", addr_str(peer, a), sa->encap_pport,
		sa->encap_lport);
}

static void text_lifetime(const struct espgw_sa *sa, struct out *o)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < ESPGW_LIFETIME_N; i++) {
		uint64_t v = sa->lifetime[espgw_lifetime_attrs[i].attr];

		if (!v)
			continue;
		if (!*sep)
			next_line(o);
		fprintf(o->f, "%s%s %" PRIu64, sep, espgw_lifetime_attrs[i].name, v);
		sep = " ";
	}
}

/* the counters the way 'show crypto ipsec sa' names them */
static void text_stats(const struct espgw_sa *sa, struct out *o)
{
	const uint64_t *s = sa->stats;
	uint64_t pkts = s[ESPGW_A_SA_STATS_PACKETS], other = s[ESPGW_A_SA_STATS_ERRORS];

	next_line(o);
	if (sa->dir == ESPGW_DIR_OUT) {
		fprintf(o->f, "#pkts encaps: %" PRIu64 ", #pkts encrypt: %" PRIu64
			", #pkts digest: %" PRIu64 ", #bytes: %" PRIu64,
			pkts, pkts, pkts, s[ESPGW_A_SA_STATS_BYTES]);
		next_line(o);
		fprintf(o->f, "#send errors %" PRIu64 " (mtu %" PRIu64 ", other %" PRIu64 ")",
			s[ESPGW_A_SA_STATS_MTU] + other, s[ESPGW_A_SA_STATS_MTU], other);
		return;
	}
	fprintf(o->f, "#pkts decaps: %" PRIu64 ", #pkts decrypt: %" PRIu64
		", #pkts verify: %" PRIu64 ", #bytes: %" PRIu64,
		pkts, pkts, pkts, s[ESPGW_A_SA_STATS_BYTES]);
	next_line(o);
	fprintf(o->f, "#recv errors %" PRIu64 " (auth-fail %" PRIu64 ", replay %" PRIu64
		", replay-late %" PRIu64 ", selector %" PRIu64 ", trailer %" PRIu64
		", encap %" PRIu64 ", other %" PRIu64 ")",
		s[ESPGW_A_SA_STATS_AUTH_FAIL] + s[ESPGW_A_SA_STATS_REPLAY] +
		s[ESPGW_A_SA_STATS_REPLAY_LATE] + s[ESPGW_A_SA_STATS_SELECTOR] +
		s[ESPGW_A_SA_STATS_TRAILER] + s[ESPGW_A_SA_STATS_ENCAP] + other,
		s[ESPGW_A_SA_STATS_AUTH_FAIL], s[ESPGW_A_SA_STATS_REPLAY],
		s[ESPGW_A_SA_STATS_REPLAY_LATE],
		s[ESPGW_A_SA_STATS_SELECTOR], s[ESPGW_A_SA_STATS_TRAILER],
		s[ESPGW_A_SA_STATS_ENCAP], other);
}

static void sa_text(const struct espgw_sa *sa, struct out *o)
{
	char a[INET_ADDRSTRLEN];

	fputs("sa", o->f);
	if (has(sa, ESPGW_A_SA_SRC))
		fprintf(o->f, " src %s", addr_str(sa->src, a));
	fprintf(o->f, " dst %s spi 0x%08x", addr_str(sa->dst, a), sa->spi);
	if (has(sa, ESPGW_A_SA_DIR))
		fprintf(o->f, " dir %s", NAME(espgw_dir_names, sa->dir));
	if (has(sa, ESPGW_A_SA_ENC_ALG))
		text_algs(sa, o);
	if (has(sa, ESPGW_A_SA_SELECTOR)) {
		next_line(o);
		fputs("sel ", o->f);
		espgw_selector_print(&sa->sel, NULL, o);
	}
	if (has(sa, ESPGW_A_SA_ENCAP) && sa->encap_type != ESPGW_ENCAP_TYPE_NONE)
		text_encap(sa, o);
	if (has(sa, ESPGW_A_SA_MAPPING_ADDR))
		fprintf(o->f, " from %s:%u", addr_str(sa->mapping_addr, a), sa->mapping_port);
	text_lifetime(sa, o);
	if (has(sa, ESPGW_A_SA_SEQ) || has(sa, ESPGW_A_SA_AGE))
		next_line(o);
	if (has(sa, ESPGW_A_SA_SEQ))
		fprintf(o->f, "seq %" PRIu64 "%s", sa->seq, has(sa, ESPGW_A_SA_AGE) ? " " : "");
	if (has(sa, ESPGW_A_SA_AGE))
		fprintf(o->f, "age %" PRIu64 "s", sa->age);
	if (o->stats && has(sa, ESPGW_A_SA_STATS))
		text_stats(sa, o);
	fputc('\n', o->f);
}

void espgw_sa_print(const struct espgw_sa *sa, const char *key, struct out *o)
{
	if (o->jw)
		sa_json(sa, key, o);
	else
		sa_text(sa, o);
}
