// SPDX-License-Identifier: GPL-2.0
/*
 * espgwd.conf: the words of a line and their values, errors and warnings,
 * the algorithm words (from the vocabulary, algs.h), and the router commands
 * espgwd accepts and ignores.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

/* ------------------------------------------------------------------ errors */

/* Append "name:line: msg" to the error text, one line per error. */
static void add_err(struct st *s, int line, const char *msg)
{
	size_t n;

	s->nerr++;
	if (!s->err || !s->errlen)
		return;
	n = strlen(s->err);
	if (s->nerr > CONF_MAX_ERRORS) {
		if (s->nerr == CONF_MAX_ERRORS + 1)
			snprintf(s->err + n, s->errlen - n, "%s%s:%d: too many errors, the rest of "
				 "the file is not checked", n ? "\n" : "", s->name, line);
		return;
	}
	snprintf(s->err + n, s->errlen - n, "%s%s:%d: %s", n ? "\n" : "", s->name, line, msg);
}

int cf_perr(struct st *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	add_err(s, s->line, msg);
	s->failed = true;
	return -1;
}

void cf_lerr(struct st *s, int line, const char *fmt, ...)
{
	struct p_late *l;
	va_list ap;

	s->failed = true;
	if (s->nlate == CONF_MAX_ERRORS)
		return;
	l = &s->late[s->nlate];
	l->key = line ? line : 0x7fffffff;
	l->seq = (int)s->nlate;
	l->line = line;
	va_start(ap, fmt);
	vsnprintf(l->msg, sizeof(l->msg), fmt, ap);
	va_end(ap);
	s->nlate++;
}

static int late_cmp(const void *a, const void *b)
{
	const struct p_late *x = a, *y = b;

	if (x->key != y->key)
		return (x->key > y->key) - (x->key < y->key);
	return (x->seq > y->seq) - (x->seq < y->seq);	/* as found */
}

void cf_late_flush(struct st *s)
{
	size_t i;

	qsort(s->late, s->nlate, sizeof(s->late[0]), late_cmp);
	for (i = 0; i < s->nlate; i++)
		add_err(s, s->late[i].line, s->late[i].msg);
	s->nlate = 0;
}

/* ---------------------------------------------------------------- warnings */

static void warn_str(struct st *s, const char *msg)
{
	size_t n;
	char *p;

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

void cf_warn(struct st *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn_str(s, msg);
}

void cf_legacy_use(struct st *s, int line, const char *fmt, ...)
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

/* ------------------------------------------------------------------ values */

bool cf_is_num(const char *t)
{
	if (!*t)
		return false;
	for (; *t; t++)
		if (!isdigit((unsigned char)*t))
			return false;
	return true;
}

int cf_num(struct st *s, const char *what, const char *t, uint64_t min, uint64_t max,
	   uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (!cf_is_num(t) || strlen(t) > 19)
		return cf_perr(s, "%s: '%s' is not a number", what, t);
	for (p = t; *p; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (v < min || v > max)
		return cf_perr(s, "%s: %s is out of range (%llu-%llu)", what, t,
			       (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

bool cf_parse_ip(const char *t, uint32_t *out)
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

int cf_ip(struct st *s, const char *what, const char *t, uint32_t *out)
{
	if (!cf_parse_ip(t, out))
		return cf_perr(s, "%s: '%s' is not an IPv4 address", what, t);
	return 0;
}

int cf_netmask(struct st *s, const char *what, const char *t, uint8_t *plen)
{
	uint32_t m;
	int l;

	if (!cf_parse_ip(t, &m))
		return cf_perr(s, "%s: '%s' is not a netmask", what, t);
	l = mask_plen(m);
	if (l < 0)
		return cf_perr(s, "%s: '%s' is not a netmask (its ones must be contiguous)", what,
			       t);
	*plen = (uint8_t)l;
	return 0;
}

int cf_name_copy(struct st *s, const char *what, const char *t, char *out)
{
	if (strlen(t) >= CONF_NAME_MAX)
		return cf_perr(s, "%s: name '%.40s...' is too long (at most %d characters)", what,
			       t, CONF_NAME_MAX - 1);
	strcpy(out, t);
	return 0;
}

int cf_want(struct st *s, int min, int max, const char *usage)
{
	if (s->ntok < min)
		return cf_perr(s, "incomplete command, expected '%s'", usage);
	if (s->ntok > max)
		return cf_perr(s, "unexpected '%s' after '%s'", s->tok[max], usage);
	return 0;
}

void cf_join(const struct st *s, int from, int to, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	buf[0] = 0;
	for (i = from; i < to && i < s->ntok && o + 1 < len; i++) {
		int n = snprintf(buf + o, len - o, "%s%s", i > from ? " " : "", s->tok[i]);

		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (o >= len && len > 4)
		strcpy(buf + len - 4, "...");
}

int cf_tokenize(struct st *s, char *buf)
{
	char *p = buf;

	s->ntok = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		if (s->ntok == MAX_TOKS)
			return cf_perr(s, "too many words on the line (at most %d)", MAX_TOKS);
		s->tok[s->ntok++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = 0;
	}
}

/* --------------------------------------------------------- algorithm words */

bool cf_alg_at(enum ike_alg_kind kind, size_t i, struct cf_alg *a)
{
#define AT(tab, n, bits)							\
	do {									\
		if (i >= (n))							\
			return false;						\
		*a = (struct cf_alg){ (tab)[i].name, (bits), (tab)[i].legacy };	\
		return true;							\
	} while (0)

	switch (kind) {
	case IKE_ALG_ENC:
		AT(ike_alg_encs, ike_alg_nencs, ike_alg_encs[i].keybits);
	case IKE_ALG_HASH:
		AT(ike_alg_hashes, ike_alg_nhashes, 0);
	case IKE_ALG_GROUP:
		AT(ike_alg_groups, ike_alg_ngroups, 0);
	case IKE_ALG_ESP:
		AT(ike_alg_esps, ike_alg_nesps, ike_alg_esps[i].keybits);
	case IKE_ALG_ESP_AUTH:
		AT(ike_alg_esp_auths, ike_alg_nesp_auths, 0);
	}
	return false;
#undef AT
}

unsigned int cf_keybits(const char *t)
{
	if (!cf_is_num(t) || t[0] == '0' || strlen(t) > 5)
		return 0;
	return (unsigned int)atoi(t);
}

/* A list of distinct words, joined for a message. */
struct words {
	char w[16][24];
	size_t n;
};

static void words_add(struct words *l, const char *w)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->w[i], w))
			return;
	if (l->n < N_ELEMS(l->w))
		snprintf(l->w[l->n++], sizeof(l->w[0]), "%s", w);
}

/* "a, b or c" with sep ", " and last " or " */
static const char *words_join(const struct words *l, const char *sep, const char *last,
			      char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < l->n; i++) {
		int k = snprintf(buf + o, len - o, "%s%s", !i ? "" : i + 1 < l->n ? sep : last,
				 l->w[i]);

		if (k < 0 || (size_t)k >= len - o)
			break;
		o += (size_t)k;
	}
	return buf;
}

/* The key sizes of the word name (of every word when NULL). */
static void sizes(enum ike_alg_kind kind, const char *name, struct words *l)
{
	struct cf_alg a;
	char b[12];
	size_t i;

	for (i = 0; cf_alg_at(kind, i, &a); i++) {
		if (!a.keybits || (name && strcmp(a.name, name)))
			continue;
		snprintf(b, sizeof(b), "%u", a.keybits);
		words_add(l, b);
	}
}

const char *cf_alg_alts(enum ike_alg_kind kind, const char *prefix, char *buf, size_t len)
{
	struct words l = { .n = 0 }, sz = { .n = 0 };
	char w[32], z[40];
	struct cf_alg a;
	size_t i, o;

	for (i = 0; cf_alg_at(kind, i, &a); i++) {
		snprintf(w, sizeof(w), "%s%s", prefix ? prefix : "", a.name);
		words_add(&l, w);
	}
	words_join(&l, "|", "|", buf, len);
	sizes(kind, NULL, &sz);
	o = strlen(buf);
	if (sz.n)
		snprintf(buf + o, len - o, " [%s]", words_join(&sz, "|", "|", z, sizeof(z)));
	return buf;
}

const char *cf_alg_sizes(enum ike_alg_kind kind, const char *name, char *buf, size_t len)
{
	struct words l = { .n = 0 };

	sizes(kind, name, &l);
	return words_join(&l, ", ", " or ", buf, len);
}

const char *cf_alg_modern(enum ike_alg_kind kind, char *buf, size_t len)
{
	struct words l = { .n = 0 };
	struct cf_alg a;
	size_t i;

	for (i = 0; cf_alg_at(kind, i, &a); i++)
		if (!a.legacy)
			words_add(&l, a.name);
	return words_join(&l, ", ", ", ", buf, len);
}

/* How the legacy switch's warning names an algorithm: esp-md5-hmac is MD5, group 1 DH group 1. */
static void legacy_name(enum ike_alg_kind kind, const char *name, char *out, size_t len)
{
	size_t n, i;

	if (kind == IKE_ALG_GROUP) {
		snprintf(out, len, "DH group %s", name);
		return;
	}
	if (!strncmp(name, "esp-", 4))
		name += 4;
	n = strlen(name);
	if (n > 5 && !strcmp(name + n - 5, "-hmac"))
		n -= 5;
	for (i = 0; i < n && i + 1 < len; i++)
		out[i] = (char)toupper((unsigned char)name[i]);
	out[i] = 0;
}

const char *cf_legacy_names(char *buf, size_t len)
{
	static const enum ike_alg_kind kinds[] = {
		IKE_ALG_ENC, IKE_ALG_HASH, IKE_ALG_GROUP, IKE_ALG_ESP, IKE_ALG_ESP_AUTH,
	};
	struct words l = { .n = 0 };
	struct cf_alg a;
	char w[24];
	size_t k, i;

	for (k = 0; k < N_ELEMS(kinds); k++) {
		for (i = 0; cf_alg_at(kinds[k], i, &a); i++) {
			if (!a.legacy)
				continue;
			legacy_name(kinds[k], a.name, w, sizeof(w));
			words_add(&l, w);
		}
	}
	return words_join(&l, ", ", " and ", buf, len);
}

/* ------------------------------------------------------- ignored commands */

struct ignored {
	const char *w1, *w2;	/* first word, and second when it matters */
	bool block;		/* opens a block whose lines are ignored too */
	bool echo;		/* the line may be shown (no secrets in it) */
	const char *hint;	/* what replaces it on Linux; in the summary when act */
	bool act;		/* the gateway needs it done otherwise */
};

static const struct ignored ignored_kinds[] = {
	{ "Building", NULL, false, true, "show running-config header", false },
	{ "Current", NULL, false, true, "show running-config header", false },
	{ "version", NULL, false, true, "the router's software version", false },
	{ "service", NULL, false, true, "router housekeeping", false },
	{ "hostname", NULL, false, true, "set the host name with hostnamectl", true },
	{ "enable", NULL, false, false, "the router's own passwords, not shown", false },
	{ "aaa", NULL, false, true, "router authentication; espgwd reads only 'aaa authentication "
	  "login LIST local'", false },
	{ "cns", NULL, false, true, "Cisco network services", false },
	{ "logging", NULL, false, true, "logs go to stderr or syslog", false },
	{ "ntp", NULL, false, true, "keep time with an NTP client", true },
	{ "clock", NULL, false, true, "keep time with an NTP client", true },
	{ "boot", NULL, false, true, "router boot", false },
	{ "snmp-server", NULL, false, false, "router SNMP, not shown", false },
	{ "memory-size", NULL, false, true, "router memory", false },
	{ "interface", NULL, true, true, "configure with ip addr", true },
	{ "ip", "nat", false, true, "NAT with nftables", true },
	{ "ip", "route", false, true, "configure with ip route", true },
	{ "ip", "subnet-zero", false, true, "always so on Linux", false },
	{ "ip", "classless", false, true, "always so on Linux", false },
	{ "ip", "http", false, true, "the router's web server", false },
	{ "ip", "cef", false, true, "Linux forwards with net.ipv4.ip_forward=1", true },
	{ "ip", "domain-name", false, true, "set in /etc/resolv.conf", true },
	{ "ip", "domain", false, true, "set in /etc/resolv.conf", true },
	{ "ip", "name-server", false, true, "set in /etc/resolv.conf", true },
	{ "ip", "ssh", false, true, "the router's SSH server", false },
	{ "ip", "dhcp", false, true, "run a DHCP server", true },
	{ "ip", "forward-protocol", false, true, "router forwarding", false },
	{ "ip", "access-list", true, true, "named ACLs are not read; use access-list N", true },
	{ "route-map", NULL, true, true, "nftables rules", true },
	{ "router", NULL, true, true, "run a routing daemon", true },
	{ "line", NULL, true, true, "router consoles", false },
	{ "control-plane", NULL, true, true, "router control plane", false },
	{ "no", NULL, false, true, "router defaults", false },
	{ "end", NULL, false, true, "end of the router's configuration", false },
};

_Static_assert(N_ELEMS(ignored_kinds) <= CONF_IGNORED_KINDS, "CONF_IGNORED_KINDS");

static const struct ignored *find_ignored(const struct st *s, size_t *idx)
{
	size_t i;

	for (i = 0; i < N_ELEMS(ignored_kinds); i++) {
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

bool cf_is_ignored(const struct st *s)
{
	size_t i;

	return find_ignored(s, &i) != NULL;
}

int cf_ignored(struct st *s)
{
	const struct ignored *k;
	char text[160];
	size_t idx = 0;

	k = find_ignored(s, &idx);
	if (!strcmp(s->tok[0], "no") && s->ntok >= 2 &&
	    (!strcmp(s->tok[1], "crypto") || !strcmp(s->tok[1], "espgw")))
		return cf_perr(s, "'no %s ...': remove the line instead", s->tok[1]);
	if (!s->ign[idx].n++) {
		if (k->echo)
			cf_join(s, 0, s->ntok, text, sizeof(text));
		else
			snprintf(text, sizeof(text), "%s%s%s", k->w1, k->w2 ? " " : "",
				 k->w2 ? k->w2 : "");
		snprintf(s->ign[idx].text, sizeof(s->ign[idx].text), "%s", text);
		s->ign[idx].line = s->line;
		s->ign_order[s->nign++] = idx;
	}
	if (k->block) {
		s->blk = !strcmp(k->w1, "interface") ? BLK_IFACE : BLK_IGNORED;
		if (s->blk == BLK_IFACE)
			cf_join(s, 1, s->ntok, s->iface, sizeof(s->iface));
	}
	return 0;
}

/*
 * One warning for every router command ignored, in the order first seen:
 * "ignored 20 router commands that espgwd does not read (...): version
 * 12.0 (line 3); service timestamps debug uptime (line 4, and 2 more); interface
 * Ethernet0 (line 16: configure with ip addr); ..." A kind the gateway needs done
 * some other way on Linux carries its hint.
 */
void cf_ignored_summary(struct st *s)
{
	unsigned int lines = 0;
	char *msg = NULL;
	size_t len = 0, i;
	FILE *f;

	if (!s->nign)
		return;
	for (i = 0; i < s->nign; i++)
		lines += s->ign[s->ign_order[i]].n;
	f = open_memstream(&msg, &len);
	if (!f) {
		s->oom = true;
		return;
	}
	fprintf(f, "ignored %u router command%s that espgwd does not read "
		"(docs/config-mapping.md says what replaces each on Linux): ", lines,
		lines == 1 ? "" : "s");
	for (i = 0; i < s->nign; i++) {
		size_t k = s->ign_order[i];

		fprintf(f, "%s%s (line %d", i ? "; " : "", s->ign[k].text, s->ign[k].line);
		if (s->ign[k].n > 1)
			fprintf(f, ", and %u more", s->ign[k].n - 1);
		if (ignored_kinds[k].act)
			fprintf(f, ": %s", ignored_kinds[k].hint);
		fputc(')', f);
	}
	if (fclose(f) || !msg) {
		free(msg);
		s->oom = true;
		return;
	}
	warn_str(s, msg);
	free(msg);
}
