// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/espgw.h>

#include "names-gen.h"
#include "parse.h"
#include "util.h"

int argerr(struct argerr *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int arg_u64(const char *s, uint64_t *v)
{
	unsigned int base = 10;
	uint64_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		int d = hexval(*s);

		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		if (n > (UINT64_MAX - (unsigned int)d) / base)
			return -EINVAL;
		n = n * base + (unsigned int)d;
	}
	*v = n;
	return 0;
}

int arg_u32(const char *s, uint32_t *v)
{
	uint64_t n;

	if (arg_u64(s, &n) || n > UINT32_MAX)
		return -EINVAL;
	*v = (uint32_t)n;
	return 0;
}

int arg_addr(const char *s, uint32_t *be)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*be = a.s_addr;
	return 0;
}

int arg_prefix(const char *s, uint32_t *be, uint8_t *len)
{
	const char *slash = strchr(s, '/');
	char addr[INET_ADDRSTRLEN];
	uint32_t n = 32, mask;

	if (slash) {
		if ((size_t)(slash - s) >= sizeof(addr) || !isdigit((unsigned char)slash[1]) ||
		    arg_u32(slash + 1, &n) || n > 32)
			return -EINVAL;
		memcpy(addr, s, (size_t)(slash - s));
		addr[slash - s] = '\0';
		s = addr;
	}
	if (arg_addr(s, be))
		return -EINVAL;
	mask = n ? htonl(~0u << (32 - n)) : 0;
	if (*be & ~mask)
		return -EDOM;
	*len = (uint8_t)n;
	return 0;
}

static const struct {
	const char *name;
	uint8_t proto;
} protos[] = {
	{ "any", 0 }, { "icmp", 1 }, { "tcp", 6 }, { "udp", 17 },
	{ "gre", 47 }, { "esp", 50 }, { "ah", 51 }, { "sctp", 132 },
};

int arg_proto(const char *s, uint8_t *proto)
{
	uint32_t n;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		if (!strcmp(s, protos[i].name)) {
			*proto = protos[i].proto;
			return 0;
		}
	}
	if (!isdigit((unsigned char)s[0]) || arg_u32(s, &n) || n > 255)
		return -EINVAL;
	*proto = (uint8_t)n;
	return 0;
}

const char *proto_name(uint8_t proto)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protos); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	return NULL;
}

int arg_hexkey(const char *s, uint8_t *key, size_t max, size_t *len)
{
	size_t n, i;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	n = strlen(s);
	if (!n || n % 2)
		return -EINVAL;
	if (n / 2 > max)
		return -E2BIG;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return 0;
}

/* up to cap - 1 bytes of fd, to EOF or (line) its first newline; -E2BIG beyond */
static int read_text(int fd, bool line, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	char ch;

	for (;;) {
		ssize_t r = line ? read(fd, &ch, 1) : read(fd, buf + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		if (line) {
			if (ch == '\n')
				break;
			if (n == cap)
				return -E2BIG;
			buf[n] = ch;
			r = 1;
		}
		n += (size_t)r;
		if (n == cap)
			return -E2BIG;
	}
	*len = n;
	return 0;
}

int arg_read_secret(const char *path, char *buf, size_t cap)
{
	bool in = !strcmp(path, "-");
	size_t len = 0, start = 0;
	int fd, ret;

	if (cap < 1)
		return -E2BIG;
	fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	ret = read_text(fd, in, buf, cap, &len);
	if (!in)
		close(fd);
	if (ret) {
		explicit_bzero(buf, cap);
		return ret;
	}
	while (len > 0 && isspace((unsigned char)buf[len - 1]))
		len--;
	while (start < len && isspace((unsigned char)buf[start]))
		start++;
	memmove(buf, buf + start, len - start);
	explicit_bzero(buf + len - start, cap - (len - start));
	return 0;
}

struct alias {
	const char *name;
	uint32_t val;
};

static const struct alias enc_aliases[] = {
	{ "des", ESPGW_ENC_ALG_DES_CBC },
	{ "3des", ESPGW_ENC_ALG_3DES_CBC },
	{ "aes", ESPGW_ENC_ALG_AES_CBC },
	{ "aes-gcm", ESPGW_ENC_ALG_AES_GCM_16 },
	{ "chacha20", ESPGW_ENC_ALG_CHACHA20_POLY1305 },
	/* Cisco transform names */
	{ "esp-des", ESPGW_ENC_ALG_DES_CBC },
	{ "esp-3des", ESPGW_ENC_ALG_3DES_CBC },
	{ "esp-aes", ESPGW_ENC_ALG_AES_CBC },
	{ "esp-gcm", ESPGW_ENC_ALG_AES_GCM_16 },
};

static const struct alias auth_aliases[] = {
	{ "hmac-md5", ESPGW_AUTH_ALG_HMAC_MD5_96 },
	{ "hmac-sha1", ESPGW_AUTH_ALG_HMAC_SHA1_96 },
	{ "hmac-sha256", ESPGW_AUTH_ALG_HMAC_SHA256_128 },
	{ "md5", ESPGW_AUTH_ALG_HMAC_MD5_96 },
	{ "sha1", ESPGW_AUTH_ALG_HMAC_SHA1_96 },
	{ "sha256", ESPGW_AUTH_ALG_HMAC_SHA256_128 },
	{ "esp-md5-hmac", ESPGW_AUTH_ALG_HMAC_MD5_96 },
	{ "esp-sha-hmac", ESPGW_AUTH_ALG_HMAC_SHA1_96 },
	{ "esp-sha256-hmac", ESPGW_AUTH_ALG_HMAC_SHA256_128 },
};

/* exact spec name (not "none") or alias; no abbreviations, they would be ambiguous */
static int alg(const char *s, const char *const *names, size_t n,
	       const struct alias *aliases, size_t naliases, uint32_t *v)
{
	size_t i;

	for (i = 1; i < n; i++) {
		if (!strcmp(s, names[i])) {
			*v = (uint32_t)i;
			return 0;
		}
	}
	for (i = 0; i < naliases; i++) {
		if (!strcmp(s, aliases[i].name)) {
			*v = aliases[i].val;
			return 0;
		}
	}
	return -EINVAL;
}

int arg_enc_alg(const char *s, uint32_t *v)
{
	return alg(s, espgw_enc_alg_names, ARRAY_SIZE(espgw_enc_alg_names),
		   enc_aliases, ARRAY_SIZE(enc_aliases), v);
}

int arg_auth_alg(const char *s, uint32_t *v)
{
	return alg(s, espgw_auth_alg_names, ARRAY_SIZE(espgw_auth_alg_names),
		   auth_aliases, ARRAY_SIZE(auth_aliases), v);
}

int arg_enum(const char *s, const char *const *names, size_t n, uint32_t *v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (names[i] && matches(s, names[i])) {
			*v = (uint32_t)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *enum_name(const char *const *names, size_t n, uint32_t v)
{
	return v < n && names[v] ? names[v] : "unknown";
}

const char *addr_str(uint32_t be, char *buf)
{
	struct in_addr a = { .s_addr = be };

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}
