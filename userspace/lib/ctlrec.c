// SPDX-License-Identifier: GPL-2.0
/* Control-socket records; see ctlrec.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctlrec.h"

void ctlrec_begin(FILE *f, const char *type)
{
	fputs(type, f);
}

void ctlrec_str(FILE *f, const char *key, const char *val)
{
	const unsigned char *p;

	fprintf(f, " %s=", key);
	for (p = (const unsigned char *)val; *p; p++) {
		if (*p < '!' || *p > '~' || *p == '%' || *p == '=')
			fprintf(f, "%%%02X", *p);
		else
			fputc(*p, f);
	}
}

void ctlrec_u64(FILE *f, const char *key, uint64_t val)
{
	fprintf(f, " %s=%" PRIu64, key, val);
}

void ctlrec_i64(FILE *f, const char *key, int64_t val)
{
	fprintf(f, " %s=%" PRId64, key, val);
}

void ctlrec_end(FILE *f)
{
	fputc('\n', f);
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Unescape in place. -1 on a broken escape. */
static int unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '%') {
			int hi = hex(s[1]), lo = hi < 0 ? -1 : hex(s[2]);

			if (lo < 0)
				return -1;
			*o++ = (char)(hi << 4 | lo);
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
	return 0;
}

int ctlrec_parse(char *line, struct ctlrec *r)
{
	char *save = NULL, *tok;

	line[strcspn(line, "\n")] = 0;
	r->n = 0;
	r->type = strtok_r(line, " ", &save);
	if (!r->type)
		return -1;
	while ((tok = strtok_r(NULL, " ", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq || eq == tok || r->n == CTLREC_MAX_KV)
			return -1;
		*eq = 0;
		if (unescape(eq + 1))
			return -1;
		r->kv[r->n].key = tok;
		r->kv[r->n].val = eq + 1;
		r->n++;
	}
	return 0;
}

const char *ctlrec_get(const struct ctlrec *r, const char *key)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->kv[i].key, key))
			return r->kv[i].val;
	return NULL;
}

uint64_t ctlrec_u64_of(const struct ctlrec *r, const char *key, uint64_t def)
{
	const char *v = ctlrec_get(r, key);
	char *end;
	uint64_t x;

	if (!v || !*v)
		return def;
	x = strtoull(v, &end, 10);
	return *end ? def : x;
}

int64_t ctlrec_i64_of(const struct ctlrec *r, const char *key, int64_t def)
{
	const char *v = ctlrec_get(r, key);
	char *end;
	int64_t x;

	if (!v || !*v)
		return def;
	x = strtoll(v, &end, 10);
	return *end ? def : x;
}
