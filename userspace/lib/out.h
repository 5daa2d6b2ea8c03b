/* SPDX-License-Identifier: GPL-2.0 */
/* Where and how show commands print: text or JSON (-j), counters (-s), one line (-o). */
#ifndef _ESPGW_OUT_H_
#define _ESPGW_OUT_H_

#include <stdbool.h>
#include <stdio.h>

#include "json.h"

struct out {
	FILE *f;
	struct jw *jw;		/* JSON when set, text otherwise */
	bool stats;		/* -s: counters */
	bool oneline;		/* -o: an SA on one line */
};

#endif /* _ESPGW_OUT_H_ */
