/* SPDX-License-Identifier: GPL-2.0 */
/* Per-CPU counters: one set per SA, one per namespace. */
#ifndef _ESPGW_STATS_H_
#define _ESPGW_STATS_H_

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

/* Why a packet was dropped; the same reasons are counted per SA and per namespace. */
enum espgw_drop {
	ESPGW_DROP_AUTH,	/* ICV did not verify */
	ESPGW_DROP_REPLAY,	/* outside or already seen in the replay window, before decryption */
	ESPGW_DROP_REPLAY_LATE,	/* the same, found only after decryption */
	ESPGW_DROP_SELECTOR,	/* inner addresses not covered by the SA */
	ESPGW_DROP_TRAILER,	/* bad padding, next header, length or inner header */
	ESPGW_DROP_MTU,		/* too big for the tunnel with DF set */
	ESPGW_DROP_ERROR,	/* memory, crypto, route, sequence number exhausted */
	ESPGW_DROP_ENCAP,	/* plain ESP for a UDP-encapsulated SA, or the reverse */
	ESPGW_DROP_NO_SA,	/* inbound SPI nobody owns (namespace only) */
	ESPGW_DROP_NO_SA_OUT,	/* protect policy without a usable SA (namespace only) */
	ESPGW_DROP_PLAINTEXT,	/* clear text from a protected address (namespace only) */
	ESPGW_DROP_DISCARD,	/* discard policy (namespace only) */
	ESPGW_DROP_MAX,
};

struct espgw_pcpu_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t drops[ESPGW_DROP_MAX];
	struct u64_stats_sync syncp;
};

struct espgw_stats_sum {
	u64 packets;
	u64 bytes;
	u64 drops[ESPGW_DROP_MAX];
};

static inline void espgw_stats_add(struct espgw_pcpu_stats __percpu *s, unsigned int len)
{
	struct espgw_pcpu_stats *p = get_cpu_ptr(s);

	u64_stats_update_begin(&p->syncp);
	u64_stats_inc(&p->packets);
	u64_stats_add(&p->bytes, len);
	u64_stats_update_end(&p->syncp);
	put_cpu_ptr(s);
}

static inline void espgw_stats_drop(struct espgw_pcpu_stats __percpu *s, enum espgw_drop why)
{
	struct espgw_pcpu_stats *p = get_cpu_ptr(s);

	u64_stats_update_begin(&p->syncp);
	u64_stats_inc(&p->drops[why]);
	u64_stats_update_end(&p->syncp);
	put_cpu_ptr(s);
}

static inline void espgw_stats_read(struct espgw_pcpu_stats __percpu *s,
				    struct espgw_stats_sum *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct espgw_pcpu_stats *p = per_cpu_ptr(s, cpu);
		struct espgw_stats_sum one;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&p->syncp);
			one.packets = u64_stats_read(&p->packets);
			one.bytes = u64_stats_read(&p->bytes);
			for (i = 0; i < ESPGW_DROP_MAX; i++)
				one.drops[i] = u64_stats_read(&p->drops[i]);
		} while (u64_stats_fetch_retry(&p->syncp, start));
		sum->packets += one.packets;
		sum->bytes += one.bytes;
		for (i = 0; i < ESPGW_DROP_MAX; i++)
			sum->drops[i] += one.drops[i];
	}
}

#endif /* _ESPGW_STATS_H_ */
