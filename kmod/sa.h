/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ESPGW_SA_H_
#define _ESPGW_SA_H_

#include <linux/refcount.h>
#include <linux/rhashtable.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/udp.h>
#include <linux/workqueue.h>
#include <crypto/aead.h>
#include <net/dst_cache.h>

#include <uapi/linux/espgw.h>

#include "stats.h"

struct espgw_net;
struct nlattr;
struct netlink_ext_ack;

/* An address/prefix selector; masks are derived from the prefix lengths. */
struct espgw_sel {
	__be32 src, src_mask;
	__be32 dst, dst_mask;
	u8 src_plen, dst_plen;
	u8 proto;
};

/* Does (saddr, daddr, proto) fall under sel? */
static inline bool espgw_sel_match(const struct espgw_sel *sel, __be32 saddr, __be32 daddr,
				   u8 proto)
{
	return !((saddr ^ sel->src) & sel->src_mask) &&
	       !((daddr ^ sel->dst) & sel->dst_mask) &&
	       (!sel->proto || sel->proto == proto);
}

struct espgw_sa_key {
	__be32 dst;
	__be32 spi;
};

struct espgw_lifetime {
	u64 soft_bytes, hard_bytes;
	u64 soft_packets, hard_packets;
	u64 soft_secs, hard_secs;
};

/* bits in espgw_sa.expired */
enum {
	ESPGW_SA_SOFT,		/* soft limit reached (notified once) */
	ESPGW_SA_HARD,		/* hard limit reached: no more packets, removal queued */
};

/**
 * struct espgw_sa - one unidirectional ESP SA
 * @node: in espgw_net.sa_table
 * @serial: index in espgw_net.sa_ids (under espgw_net.lock)
 * @key: outer destination and SPI
 * @src: outer source
 * @dir: ESPGW_DIR_IN or ESPGW_DIR_OUT
 * @enc_alg: ESPGW_ENC_ALG_*
 * @auth_alg: ESPGW_AUTH_ALG_*
 * @flags: ESPGW_SA_FLAGS_*
 * @encap: ESPGW_ENCAP_TYPE_*: plain ESP or ESP in UDP (RFC 3948)
 * @encap_lport: with encap, this gateway's UDP port (source of outbound packets)
 * @encap_pport: with encap, the peer's UDP port (destination of outbound packets,
 *	expected source of inbound ones)
 * @aead: the transform (geniv-wrapped, as esp4 uses it); keys live only in it
 * @ivlen: explicit IV bytes on the wire
 * @icvlen: ICV bytes on the wire
 * @blksize: payload alignment (cipher block size, at least 4)
 * @sel: inbound SAs: what decrypted packets may carry (reversed: inner source
 *	in @sel.dst, inner destination in @sel.src)
 * @lft: lifetime limits (0: none)
 * @seq: outbound: last sequence number used
 * @cur_bytes: bytes through the SA (lifetime accounting)
 * @cur_packets: packets through the SA (lifetime accounting)
 * @add_time: when the SA was installed (ktime_get_real_seconds)
 * @replay_lock: serialises writers of @replay_top and @replay_bitmap; the check
 *	before decryption reads both without it (see espgw_replay_check())
 * @replay_window: window size in packets, 0: no replay protection
 * @replay_top: highest sequence number accepted
 * @replay_bitmap: RFC 6479 ring of words, bit n set when seq n was accepted
 * @expired: ESPGW_SA_SOFT / ESPGW_SA_HARD bits
 * @timer: time-based lifetimes
 * @expire_work: sends expiry notifications and removes hard-expired SAs
 * @free_work: frees the SA after an RCU grace period (crypto_free may sleep)
 * @dst_cache: outbound route to the peer
 * @mapping_time: inbound with encap: jiffies of the last new-mapping notification
 * @mapping_last: the mapping it told, address << 16 | port (host order)
 * @stats: per-CPU counters
 * @en: the namespace instance
 * @refcnt: one for the table, one per packet in flight, one per queued work
 * @unlinked: removed from the table (under espgw_net.lock)
 */
struct espgw_sa {
	struct rhash_head node;
	u32 serial;
	struct espgw_sa_key key;
	__be32 src;
	u8 dir;
	u8 enc_alg;
	u8 auth_alg;
	u32 flags;
	u8 encap;
	__be16 encap_lport;
	__be16 encap_pport;
	struct crypto_aead *aead;
	unsigned int ivlen;
	unsigned int icvlen;
	unsigned int blksize;
	struct espgw_sel sel;
	struct espgw_lifetime lft;
	atomic64_t seq;
	atomic64_t cur_bytes;
	atomic64_t cur_packets;
	time64_t add_time;
	spinlock_t replay_lock;
	u32 replay_window;
	u32 replay_top;
	unsigned long *replay_bitmap;
	unsigned long expired;
	struct timer_list timer;
	struct work_struct expire_work;
	struct rcu_work free_work;
	struct dst_cache dst_cache;
	unsigned long mapping_time;
	u64 mapping_last;
	struct espgw_pcpu_stats __percpu *stats;
	struct espgw_net *en;
	refcount_t refcnt;
	bool unlinked;
};

extern const struct rhashtable_params espgw_sa_params;

int espgw_sa_init(void);
void espgw_sa_uninit(void);
int espgw_sa_table_init(struct espgw_net *en);
void espgw_sa_table_destroy(struct espgw_net *en);

struct espgw_sa *espgw_sa_new(struct espgw_net *en, struct nlattr **attrs,
			      struct netlink_ext_ack *extack);
struct espgw_sa *espgw_sa_lookup(struct espgw_net *en, __be32 dst, __be32 spi);
int espgw_sa_del(struct espgw_net *en, __be32 dst, __be32 spi);
int espgw_sa_move(struct espgw_net *en, __be32 dst, __be32 spi, __be32 addr, __be16 port,
		  struct netlink_ext_ack *extack);
void espgw_sa_flush(struct espgw_net *en);
void espgw_sa_unlink(struct espgw_sa *sa);

/* Data path: account one packet of len bytes; false when the SA may carry no more. */
bool espgw_sa_account(struct espgw_sa *sa, unsigned int len);
void espgw_sa_seq_exhausted(struct espgw_sa *sa);

/* Bytes of UDP header in front of the SA's ESP header (0 or 8). */
static inline unsigned int espgw_sa_encap_len(const struct espgw_sa *sa)
{
	return sa->encap ? sizeof(struct udphdr) : 0;
}

void espgw_sa_new_mapping(struct espgw_sa *sa, __be32 addr, __be16 port);

bool espgw_replay_check(struct espgw_sa *sa, u32 seq);
bool espgw_replay_advance(struct espgw_sa *sa, u32 seq);

static inline bool espgw_sa_hold(struct espgw_sa *sa)
{
	return refcount_inc_not_zero(&sa->refcnt);
}

void espgw_sa_put(struct espgw_sa *sa);

#endif /* _ESPGW_SA_H_ */

int espgw_sel_parse(struct espgw_sel *sel, struct nlattr *nest, struct netlink_ext_ack *extack);
void espgw_sa_flush_wq(void);
