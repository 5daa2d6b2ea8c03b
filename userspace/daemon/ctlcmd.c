// SPDX-License-Identifier: GPL-2.0
/*
 * The commands of espgwd's control socket: what the engine has, handed to
 * the tool as records (ctlrec.h), which it formats ('espgw ike show|stats|
 * clear'); 'pool show' is still formatted here.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>

#include "ctlcmd.h"
#include "ctlrec.h"
#include "ike.h"

static void put_sa(void *arg, const struct ike_sa_info *i)
{
	char a[INET_ADDRSTRLEN];
	FILE *f = arg;

	ctlrec_begin(f, "sa");
	ctlrec_str(f, "dst", inet_ntop(AF_INET, &i->local.sin_addr, a, sizeof(a)));
	ctlrec_u64(f, "dport", ntohs(i->local.sin_port));
	ctlrec_str(f, "src", inet_ntop(AF_INET, &i->peer.sin_addr, a, sizeof(a)));
	ctlrec_u64(f, "sport", ntohs(i->peer.sin_port));
	ctlrec_str(f, "state", i->state);
	ctlrec_u64(f, "conn_id", i->conn_id);
	ctlrec_i64(f, "lifetime_left", i->lifetime_left);
	ctlrec_u64(f, "enc", i->enc);
	ctlrec_u64(f, "keylen", i->keybits);
	ctlrec_u64(f, "hash", i->hash);
	ctlrec_u64(f, "group", i->group);
	ctlrec_u64(f, "ipsec_sa_pairs", i->ipsec_sa_pairs);
	ctlrec_str(f, "nat", i->nat);
	if (i->cfg_group)
		ctlrec_str(f, "cfg_group", i->cfg_group);
	if (i->user)
		ctlrec_str(f, "user", i->user);
	if (i->lease) {
		struct in_addr l = { htonl(i->lease) };

		ctlrec_str(f, "lease", inet_ntop(AF_INET, &l, a, sizeof(a)));
	}
	ctlrec_end(f);
}

/* 'espgw ike stats': every counter of struct ike_stats, in this order */
#define STAT(x) { #x, offsetof(struct ike_stats, x) }
static const struct {
	const char *name;
	size_t off;
} stats[] = {
	STAT(datagrams), STAT(malformed), STAT(no_sa), STAT(mm1), STAT(mm1_peer_quota),
	STAT(half_open_evicted), STAT(half_open_expired), STAT(mm3_refused), STAT(am1),
	STAT(am1_refused), STAT(am_disabled), STAT(auth_failed),
	STAT(bad_hash), STAT(replays), STAT(sa_peer_limit), STAT(sa_id_limit), STAT(sa_limit),
	STAT(child_limit), STAT(spi_in_use), STAT(half_open), STAT(key_exch), STAT(isakmp_sas),
	STAT(ipsec_sa_pairs),
};

static void put_stats(struct ike_engine *e, FILE *f)
{
	struct ike_stats st;
	size_t i;

	ike_get_stats(e, &st);
	ctlrec_begin(f, "stats");
	for (i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
		ctlrec_u64(f, stats[i].name, *(const uint64_t *)((const char *)&st + stats[i].off));
	ctlrec_end(f);
}

void ctl_command(struct ike_engine *e, const char *cmd, FILE *out, uint64_t now)
{
	if (!strcmp(cmd, "show")) {
		ike_list(e, now, put_sa, out);
	} else if (!strcmp(cmd, "stats")) {
		put_stats(e, out);
	} else if (!strcmp(cmd, "clear")) {
		ctlrec_begin(out, "cleared");
		ctlrec_u64(out, "isakmp_sas", ike_clear(e));
		ctlrec_end(out);
	} else if (!strcmp(cmd, "pool show")) {
		ike_pool_show(e, out, false, now);
	} else if (!strcmp(cmd, "pool show json")) {
		ike_pool_show(e, out, true, now);
	} else {
		fprintf(out, "error: unknown command '%s'\n", cmd);
	}
}
