// SPDX-License-Identifier: GPL-2.0
/* Passwords of local users: crypt(3) hashes (passwd.h). */
#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "passwd.h"

enum passwd_quality passwd_check(const char *hash)
{
	if (!hash || hash[0] != '$')
		return PASSWD_BAD;	/* DES crypt, or a clear password */
	switch (crypt_checksalt(hash)) {
	case CRYPT_SALT_OK:
		return PASSWD_GOOD;
	case CRYPT_SALT_METHOD_LEGACY:
	case CRYPT_SALT_TOO_CHEAP:
		return PASSWD_WEAK;
	default:
		return PASSWD_BAD;
	}
}

int passwd_hash(const char *pw, const char *method, char *out, size_t cap)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *d;
	const char *prefix;
	int ret = -1;
	char *h;

	if (!method || !strcmp(method, "yescrypt"))
		prefix = "$y$";
	else if (!strcmp(method, "sha512"))
		prefix = "$6$";
	else
		return -1;
	if (strlen(pw) > PASSWD_MAX || !crypt_gensalt_rn(prefix, 0, NULL, 0, salt, sizeof(salt)))
		return -1;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	h = crypt_r(pw, salt, d);
	if (h && h[0] == '$' && strlen(h) < cap) {
		strcpy(out, h);
		ret = 0;
	}
	OPENSSL_cleanse(d, sizeof(*d));
	free(d);
	return ret;
}

bool passwd_verify(const char *hash, const char *pw, size_t len)
{
	char buf[PASSWD_MAX + 1];
	struct crypt_data *d;
	bool ok = false;
	size_t hl;
	char *h;

	if (!hash || len > PASSWD_MAX || memchr(pw, 0, len))
		return false;
	memcpy(buf, pw, len);
	buf[len] = 0;
	d = calloc(1, sizeof(*d));
	if (d) {
		h = crypt_r(buf, hash, d);
		hl = strlen(hash);
		/* crypt_r() gives "*0" or "*1" for a hash it cannot use: never equal */
		ok = h && strlen(h) == hl && !CRYPTO_memcmp(h, hash, hl);
		OPENSSL_cleanse(d, sizeof(*d));
		free(d);
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return ok;
}
