/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line values: numbers, SPIs, IPv4 addresses and prefixes, protocols,
 * hex keys, algorithm names. Each returns 0 or -EINVAL (-E2BIG for a key that
 * is too long, -EDOM for a prefix with host bits set) and never prints.
 */
#ifndef _ESPGW_PARSE_H_
#define _ESPGW_PARSE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What went wrong with a command line, e.g. "sa add: invalid SPI 'xyz'". */
struct argerr {
	char msg[256];
	/* not an error: a key was given on the command line itself, where ps shows it */
	bool key_in_argv;
};

/* Format the message into e; return -EINVAL. */
int argerr(struct argerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Unsigned decimal, or hex with 0x; no sign, no octal, no trailing junk. */
int arg_u64(const char *s, uint64_t *v);
int arg_u32(const char *s, uint32_t *v);
/* a.b.c.d; *be in network byte order */
int arg_addr(const char *s, uint32_t *be);
/* a.b.c.d/len or a.b.c.d (/32) */
int arg_prefix(const char *s, uint32_t *be, uint8_t *len);
/* protocol number 0-255 or a name (any, icmp, tcp, udp, gre, esp, ah, sctp) */
int arg_proto(const char *s, uint8_t *proto);
/* the name of a protocol number, NULL when it has none here */
const char *proto_name(uint8_t proto);
/* hex digits, optionally after 0x, an even number of them, at most max bytes */
int arg_hexkey(const char *s, uint8_t *key, size_t max, size_t *len);
/*
 * The text of a secret kept off the command line: the whole file path, or
 * with path "-" the next line of standard input (read a byte at a time, so a
 * second call reads the next line), into buf (NUL-terminated) without the
 * whitespace around it. 0, -E2BIG when it does not fit in cap - 1 bytes, or the
 * -errno of opening or reading. buf holds a secret: the caller wipes it.
 */
int arg_read_secret(const char *path, char *buf, size_t cap);
/* the spec's name (aes-gcm-16) or a short / Cisco alias (aes-gcm, esp-aes) */
int arg_enc_alg(const char *s, uint32_t *alg);
int arg_auth_alg(const char *s, uint32_t *alg);
/* one of n names, exactly or abbreviated (first match wins) */
int arg_enum(const char *s, const char *const *names, size_t n, uint32_t *v);
/* names[v] or "unknown" */
const char *enum_name(const char *const *names, size_t n, uint32_t v);

/* "a.b.c.d" of a network-order address into buf (16 bytes) */
const char *addr_str(uint32_t be, char *buf);

#endif /* _ESPGW_PARSE_H_ */
