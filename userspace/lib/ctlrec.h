/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What espgwd answers on its control socket: data, one record a line,
 *
 *	TYPE key=value key=value ...
 *
 * with bytes outside '!'..'~', and '%' and '=', escaped as %XX. espgwd writes
 * them (ctlcmd.c), the tool reads them and formats text or JSON (tool/ike.c);
 * an answer it could not give is one line "error: ...".
 */
#ifndef _ESPGW_CTLREC_H_
#define _ESPGW_CTLREC_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CTLREC_MAX_KV	48
#define CTLREC_LINE_MAX	4096

struct ctlrec {
	const char *type;
	unsigned int n;
	struct {
		const char *key, *val;	/* val unescaped */
	} kv[CTLREC_MAX_KV];
};

void ctlrec_begin(FILE *f, const char *type);
void ctlrec_str(FILE *f, const char *key, const char *val);
void ctlrec_u64(FILE *f, const char *key, uint64_t val);
void ctlrec_i64(FILE *f, const char *key, int64_t val);
void ctlrec_end(FILE *f);

/* Parse line (changed in place, the record points into it). 0, or -1 when malformed. */
int ctlrec_parse(char *line, struct ctlrec *r);
/* The value of key, NULL when absent. */
const char *ctlrec_get(const struct ctlrec *r, const char *key);
/* The value as a number, def when absent or not a number. */
uint64_t ctlrec_u64_of(const struct ctlrec *r, const char *key, uint64_t def);
int64_t ctlrec_i64_of(const struct ctlrec *r, const char *key, int64_t def);

#endif /* _ESPGW_CTLREC_H_ */
