/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_UTIL_H_
#define _ESPGW_UTIL_H_

#include <stdbool.h>
#include <string.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#ifndef BIT
#define BIT(n) (1u << (n))
#endif

/* ip-style abbreviation: true when arg is a non-empty prefix of word */
static inline bool matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n > 0 && n <= strlen(word) && !strncmp(arg, word, n);
}

#endif /* _ESPGW_UTIL_H_ */
