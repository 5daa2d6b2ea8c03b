// SPDX-License-Identifier: GPL-2.0
/*
 * NAT traversal (RFC 3947 for IKE, RFC 3948 for ESP; the drafts 02 and 03
 * older clients still speak, with their own payload numbers and modes).
 *
 *   MM1  the client's NAT-T vendor IDs  ->  MM2 the best one both do
 *   MM3  NAT-D(us as it sees us), NAT-D(itself)  ->  MM4 NAT-D(it as we see it),
 *        NAT-D(us)
 *   MM5 on: from port 4500, IKE behind the non-ESP marker (udp.c)
 *   Quick Mode: a UDP-encapsulated tunnel mode; the SAs carry the ports
 *
 * A NAT-D payload is the hash of the cookies, an address and a port: a client
 * whose own one does not come out as we see it is behind a NAT, and so are we
 * when its hash of our address and port does not match ours. Either way ESP
 * goes in UDP, and espgwd keeps the client's NAT mapping open with keepalives.
 * With 'espgw nat-transparency force' our NAT-D of ourselves is one that
 * cannot match, so every client that does NAT-T floats and encapsulates.
 *
 * When an authenticated message comes from another address or port than the
 * SA's (the float to 4500, or a NAT that gave the client a new mapping), the
 * SA and its IPsec SAs follow it; nothing unauthenticated moves anything.
 */

#include <arpa/inet.h>
#include <string.h>

#include <openssl/rand.h>

#include "ike_priv.h"
#include "kernel.h"
#include "log.h"

/* best first */
static const struct {
	enum isakmp_vid vid;
	uint8_t kind;
} vids[] = {
	{ ISAKMP_VID_NATT_RFC3947, NATT_RFC },
	{ ISAKMP_VID_NATT_03, NATT_03 },
	{ ISAKMP_VID_NATT_02N, NATT_02N },
	{ ISAKMP_VID_NATT_02, NATT_02 },
};

uint8_t natt_choose(const struct ike_engine *e, const struct isakmp_msg *m)
{
	const struct isakmp_payload *pl;
	unsigned int i = 0, best = sizeof(vids) / sizeof(vids[0]), k;

	if (e->conf->natt == CONF_NATT_OFF)
		return NATT_NONE;
	while ((pl = isakmp_find(m, ISAKMP_NP_VID, &i))) {
		enum isakmp_vid v = isakmp_vid_classify(pl->body, pl->len);

		for (k = 0; k < best; k++)
			if (vids[k].vid == v)
				best = k;
	}
	return best < sizeof(vids) / sizeof(vids[0]) ? vids[best].kind : NATT_NONE;
}

void natt_put_vid(struct isakmp_enc *enc, uint8_t natt)
{
	const uint8_t *vid;
	size_t i, len;

	for (i = 0; i < sizeof(vids) / sizeof(vids[0]); i++) {
		if (vids[i].kind != natt)
			continue;
		vid = isakmp_vid_bytes(vids[i].vid, &len);
		if (vid)
			isakmp_put_data(enc, ISAKMP_NP_VID, vid, len);
	}
}

static uint8_t natd_type(uint8_t natt)
{
	return natt == NATT_RFC ? ISAKMP_NP_NATD : ISAKMP_NP_NATD_DRAFT;
}

static int natd(const struct ike_sa *sa, const struct sockaddr_in *a, uint8_t *out)
{
	return ike_natd_hash(sa->attrs.hash, sa->ci, sa->cr, &a->sin_addr.s_addr, 4,
			     ntohs(a->sin_port), out);
}

void natt_mm3(struct ike_engine *e, struct ike_sa *sa, const struct isakmp_msg *m)
{
	uint8_t us[IKE_MAX_HASH], peer[IKE_MAX_HASH], us2[IKE_MAX_HASH], peer2[IKE_MAX_HASH];
	size_t hl = ike_hash_len(sa->attrs.hash);
	bool first = true, us_ok = false, peer_ok = false;
	const struct isakmp_payload *pl;
	char a[INET_ADDRSTRLEN];
	unsigned int i = 0, n = 0;

	if (sa->natt == NATT_NONE)
		return;
	/* as the SA knows the ends, and as this message came (AM3 may come after the float) */
	if (natd(sa, &sa->local, us) || natd(sa, &sa->peer, peer) ||
	    natd(sa, &e->in_local, us2) || natd(sa, &e->in_peer, peer2)) {
		sa->natt = NATT_NONE;
		return;
	}
	while ((pl = isakmp_find(m, natd_type(sa->natt), &i))) {
		if (pl->len != hl)
			continue;
		n++;
		if (first)	/* its view of us */
			us_ok = !memcmp(pl->body, us, hl) || !memcmp(pl->body, us2, hl);
		else if (!memcmp(pl->body, peer, hl) || !memcmp(pl->body, peer2, hl))
			peer_ok = true;				/* one of its own */
		first = false;
	}
	if (n < 2) {	/* a VID but no NAT-D: it does not do NAT-T after all */
		sa->natt = NATT_NONE;
		return;
	}
	sa->nat_local = !us_ok;
	sa->nat_peer = !peer_ok;
	sa->encap = sa->nat_local || sa->nat_peer || e->conf->natt == CONF_NATT_FORCE;
	log_debug(LOG_CAT_ISAKMP, "ISAKMP (%u): NAT-T with %s: NAT %s%s", sa->conn_id,
		  sin_str(&sa->peer, a), natt_state(sa), sa->encap ? ", ESP in UDP" : "");
}

void natt_put_natd_for(struct ike_engine *e, uint8_t natt, unsigned int hash, const uint8_t *ci,
		       const uint8_t *cr, const struct sockaddr_in *local,
		       const struct sockaddr_in *peer, struct isakmp_enc *enc)
{
	uint8_t h[IKE_MAX_HASH];
	size_t hl = ike_hash_len(hash);

	if (natt == NATT_NONE)
		return;
	/* the remote end as we see it, then ourselves */
	if (ike_natd_hash(hash, ci, cr, &peer->sin_addr.s_addr, 4, ntohs(peer->sin_port), h))
		return;
	isakmp_put_data(enc, natd_type(natt), h, hl);
	if (e->conf->natt == CONF_NATT_FORCE)
		RAND_bytes(h, (int)hl);		/* "behind a NAT": the client floats */
	else if (ike_natd_hash(hash, ci, cr, &local->sin_addr.s_addr, 4, ntohs(local->sin_port),
			       h))
		return;
	isakmp_put_data(enc, natd_type(natt), h, hl);
}

void natt_put_natd(struct ike_engine *e, struct ike_sa *sa, struct isakmp_enc *enc)
{
	natt_put_natd_for(e, sa->natt, sa->attrs.hash, sa->ci, sa->cr, &sa->local, &sa->peer, enc);
}

const char *natt_state(const struct ike_sa *sa)
{
	if (sa->natt == NATT_NONE)
		return "off";
	if (sa->nat_peer && sa->nat_local)
		return "both";
	return sa->nat_peer ? "peer" : sa->nat_local ? "local" : sa->encap ? "forced" : "none";
}

static bool same(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr && a->sin_port == b->sin_port;
}

void natt_follow(struct ike_engine *e, struct ike_sa *sa)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	struct sockaddr_in old = sa->peer;
	struct peer_acct *acct;
	struct child *c;

	if (same(&sa->peer, &e->in_peer) && same(&sa->local, &e->in_local))
		return;
	log_msg(LOG_INFO, "ISAKMP (%u): %s:%u is now %s:%u (to our port %u)", sa->conn_id,
		sin_str(&sa->peer, a), ntohs(sa->peer.sin_port), sin_str(&e->in_peer, b),
		ntohs(e->in_peer.sin_port), ntohs(e->in_local.sin_port));
	if (sa->peer.sin_addr.s_addr != e->in_peer.sin_addr.s_addr) {
		acct = peer_get(e, e->in_peer.sin_addr.s_addr);
		if (acct) {
			acct->sas++;
			sa->acct->sas--;
			peer_put(e, sa->acct);
			sa->acct = acct;
		}
	}
	sa->peer = e->in_peer;
	sa->local = e->in_local;
	for (c = sa->children; c; c = c->next)
		child_follow(e, c, &old);
}

void natt_timer(struct ike_engine *e, struct ike_sa *sa, uint64_t now, unsigned int *wait)
{
	static const uint8_t keepalive = 0xff;
	unsigned int every = e->conf->natt_keepalive;

	if (!sa->encap || !(sa->nat_peer || sa->nat_local) || !every)
		return;
	if (now >= sa->ka_next) {
		/* RFC 3948 4: one 0xFF byte, from our NAT-T port, to the client's mapping */
		xmit(e, sa, &keepalive, 1);
		sa->ka_next = now + every;
	}
	if (sa->ka_next - now < *wait)
		*wait = (unsigned int)(sa->ka_next - now);
}
