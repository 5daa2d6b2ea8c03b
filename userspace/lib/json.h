/* SPDX-License-Identifier: GPL-2.0 */
/* A small streaming JSON writer for -j output. */
#ifndef _ESPGW_JSON_H_
#define _ESPGW_JSON_H_

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 16

struct jw {
	FILE *f;
	int depth;
	bool need_comma[JW_MAX_DEPTH];
};

void jw_init(struct jw *w, FILE *f);
/* key is NULL at top level and inside arrays */
void jw_obj_open(struct jw *w, const char *key);
void jw_obj_close(struct jw *w);
void jw_arr_open(struct jw *w, const char *key);
void jw_arr_close(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *val);
void jw_uint(struct jw *w, const char *key, uint64_t val);
void jw_int(struct jw *w, const char *key, int64_t val);
void jw_bool(struct jw *w, const char *key, bool val);
void jw_null(struct jw *w, const char *key);
/* ends the document with a newline */
void jw_end(struct jw *w);

#endif /* _ESPGW_JSON_H_ */
