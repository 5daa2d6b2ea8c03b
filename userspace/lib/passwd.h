/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Passwords of local users (XAUTH against 'username NAME secret ...'):
 * crypt(3) hashes from glibc's libcrypt (libxcrypt), yescrypt ("$y$") or
 * SHA-512 ("$6$"). A password itself is never kept: the configuration holds
 * the hash, 'espgw hash-password' makes one, and a clear secret in the file
 * is hashed as it is read.
 */
#ifndef _ESPGW_PASSWD_H_
#define _ESPGW_PASSWD_H_

#include <stdbool.h>
#include <stddef.h>

#define PASSWD_HASH_MAX	256	/* a hash string, NUL included (crypt(3)'s CRYPT_OUTPUT_SIZE is 384) */
#define PASSWD_MAX	128	/* the longest password taken */

enum passwd_quality {
	PASSWD_GOOD,		/* a hash crypt(3) verifies with a current method */
	PASSWD_WEAK,		/* it verifies, but the method is legacy or too cheap (md5crypt...) */
	PASSWD_BAD,		/* not a hash crypt(3) can verify (IOS's own type 8 and 9, DES) */
};

/* What a configured hash is worth; only strings starting with '$' are hashes. */
enum passwd_quality passwd_check(const char *hash);
/*
 * A fresh hash of pw (NUL-terminated, at most PASSWD_MAX bytes) into out (cap
 * bytes, PASSWD_HASH_MAX will do) by method: "yescrypt" (also NULL) or
 * "sha512". 0, or -1 (bad method, password too long, no randomness).
 */
int passwd_hash(const char *pw, const char *method, char *out, size_t cap);
/*
 * Does the password pw (len bytes, from the wire: not NUL-terminated, never
 * with a NUL in it) match hash? The comparison takes the same time whatever
 * matches.
 */
bool passwd_verify(const char *hash, const char *pw, size_t len);

#endif /* _ESPGW_PASSWD_H_ */
