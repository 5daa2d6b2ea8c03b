/* SPDX-License-Identifier: GPL-2.0 */
/* One ESP SA: the sa-new/del/get request attributes, replies and expire notifications. */
#ifndef _ESPGW_SA_H_
#define _ESPGW_SA_H_

#include <stdbool.h>
#include <stdint.h>

#include <netlink/msg.h>

#include <linux/espgw.h>

#include "out.h"
#include "selector.h"

struct espgw_sa {
	uint32_t have;		/* BIT(ESPGW_A_SA_*) of the attributes set below */
	uint32_t spi;		/* host byte order */
	uint32_t dst;		/* network byte order */
	uint32_t src;		/* network byte order */
	uint32_t dir;
	uint32_t enc_alg;
	uint32_t auth_alg;
	uint32_t replay_window;
	uint32_t flags;
	uint32_t expire_kind;
	uint32_t encap_type;	/* ESPGW_ENCAP_TYPE_*; sent with BIT(ESPGW_A_SA_ENCAP) */
	uint16_t encap_lport;	/* host byte order: this gateway's UDP port */
	uint16_t encap_pport;	/* host byte order: the peer's */
	uint32_t mapping_addr;	/* new-mapping-ntf: network byte order */
	uint16_t mapping_port;	/* new-mapping-ntf: host byte order */
	uint8_t enc_key[ESPGW_KEY_MAX_LEN];
	uint8_t auth_key[ESPGW_KEY_MAX_LEN];
	uint8_t enc_key_len;
	uint8_t auth_key_len;
	struct espgw_selector sel;
	uint64_t lifetime[ESPGW_A_LIFETIME_MAX + 1];	/* by ESPGW_A_LIFETIME_* */
	uint64_t seq;
	uint64_t age;
	uint64_t stats[ESPGW_A_SA_STATS_MAX + 1];	/* by ESPGW_A_SA_STATS_* */
};

/*
 * Put the request attributes sa->have names (spi, dst, src, dir, algorithms,
 * keys, replay window, flags, selector, lifetime, encap, the mapping of sa-set; never
 * the reply-only ones).
 * Return: 0 or a libnl error.
 */
int espgw_sa_put(struct nl_msg *msg, const struct espgw_sa *sa);
/*
 * Parse an sa-get reply, an sa-expire-ntf or a new-mapping-ntf.
 * Return: 0, or -EINVAL (malformed, no spi/dst).
 */
int espgw_sa_parse(struct nl_msg *msg, struct espgw_sa *sa);
/* Print one SA (never a key); the counters with o->stats. */
void espgw_sa_print(const struct espgw_sa *sa, const char *key, struct out *o);
/* Forget the keys. */
void espgw_sa_wipe(struct espgw_sa *sa);

/* an attribute with its keyword (spec name) and JSON key */
struct espgw_attr_name {
	int attr;
	const char *name;
	const char *key;
};

/* the lifetime limits: soft-bytes ... hard-secs */
#define ESPGW_LIFETIME_N 6
extern const struct espgw_attr_name espgw_lifetime_attrs[ESPGW_LIFETIME_N];

#endif /* _ESPGW_SA_H_ */
