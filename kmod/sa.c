// SPDX-License-Identifier: GPL-2.0
/*
 * The SA database: creation from netlink attributes (with the crypto transform
 * esp4 would use), lookup by (outer destination, SPI) under RCU, lifetimes,
 * anti-replay, teardown.
 */

#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <crypto/authenc.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <linux/inetdevice.h>

#include "netlink-gen.h"

#include "netlink.h"
#include "netns.h"
#include "sa.h"

static struct workqueue_struct *espgw_wq;

const struct rhashtable_params espgw_sa_params = {
	.key_len = sizeof(struct espgw_sa_key),
	.key_offset = offsetof(struct espgw_sa, key),
	.head_offset = offsetof(struct espgw_sa, node),
	.automatic_shrinking = true,
};

/* Algorithms: crypto API names (as XFRM's esp4 builds them) and key sizes. */
struct enc_desc {
	const char *name;	/* inner algorithm */
	const char *geniv;	/* IV generator template */
	u8 keylens[3];		/* accepted key lengths (with salt for AEAD), 0 = unused */
	bool aead;
	bool legacy;
};

static const struct enc_desc enc_descs[] = {
	[ESPGW_ENC_ALG_DES_CBC]	= { "cbc(des)", "echainiv", { 8 }, false, true },
	[ESPGW_ENC_ALG_3DES_CBC] = { "cbc(des3_ede)", "echainiv", { 24 }, false, true },
	[ESPGW_ENC_ALG_AES_CBC]	= { "cbc(aes)", "echainiv", { 16, 24, 32 }, false, false },
	[ESPGW_ENC_ALG_AES_GCM_16] = { "rfc4106(gcm(aes))", "seqiv", { 20, 28, 36 }, true, false },
	[ESPGW_ENC_ALG_CHACHA20_POLY1305] = { "rfc7539esp(chacha20,poly1305)", "seqiv", { 36 },
					      true, false },
};

struct auth_desc {
	const char *name;
	u8 keylen;
	u8 icvlen;
	bool legacy;
};

static const struct auth_desc auth_descs[] = {
	[ESPGW_AUTH_ALG_HMAC_MD5_96]	 = { "hmac(md5)", 16, 12, true },
	[ESPGW_AUTH_ALG_HMAC_SHA1_96]	 = { "hmac(sha1)", 20, 12, false },
	[ESPGW_AUTH_ALG_HMAC_SHA256_128] = { "hmac(sha256)", 32, 16, false },
};

static bool keylen_ok(const struct enc_desc *d, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(d->keylens); i++)
		if (d->keylens[i] && d->keylens[i] == len)
			return true;
	return false;
}

/*
 * A test knob: wrap every SA's AEAD in cryptd, so that encryption and decryption
 * complete asynchronously (-EINPROGRESS, then the callback from cryptd's worker),
 * as hardware and SIMD implementations do. Under emulation the guest CPU has no
 * AES-NI and the async branches never run otherwise; 'make check-debug' runs the
 * data-plane selftests with it.
 */
static bool force_async;
module_param(force_async, bool, 0444);
MODULE_PARM_DESC(force_async, "complete all ESP crypto asynchronously through cryptd (for tests)");

/*
 * cryptd instances are found by driver name only (their cra_name is the inner
 * algorithm's): "cryptd(<the synchronous implementation's driver name>)".
 */
static int sa_cryptd_name(char *name, size_t size)
{
	struct crypto_aead *sync = crypto_alloc_aead(name, 0, CRYPTO_ALG_ASYNC);
	int n;

	if (IS_ERR(sync))
		return PTR_ERR(sync);
	n = snprintf(name, size, "cryptd(%s)", crypto_tfm_alg_driver_name(crypto_aead_tfm(sync)));
	crypto_free_aead(sync);
	return n >= size ? -ENAMETOOLONG : 0;
}

/*
 * Build the transform. Keys go straight from the request into the tfm; the
 * authenc key blob is wiped after use.
 */
static int sa_init_crypto(struct espgw_sa *sa, struct nlattr **attrs,
			  struct netlink_ext_ack *extack)
{
	const struct enc_desc *e = &enc_descs[sa->enc_alg];
	struct nlattr *ekey = attrs[ESPGW_A_SA_ENC_KEY];
	struct nlattr *akey = attrs[ESPGW_A_SA_AUTH_KEY];
	char name[CRYPTO_MAX_ALG_NAME];
	unsigned int icvlen;
	int err;

	if (e->aead) {
		if (sa->auth_alg != ESPGW_AUTH_ALG_NONE || akey) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[ESPGW_A_SA_AUTH_ALG] ?: akey,
					    "AEAD algorithm takes no separate integrity algorithm");
			return -EINVAL;
		}
		snprintf(name, sizeof(name), "%s(%s)", e->geniv, e->name);
		icvlen = 16;
	} else {
		const struct auth_desc *a;

		if (sa->auth_alg == ESPGW_AUTH_ALG_NONE) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[ESPGW_A_SA_ENC_ALG],
					    "this encryption algorithm needs an integrity algorithm (auth-alg)");
			return -EINVAL;
		}
		a = &auth_descs[sa->auth_alg];
		if (a->legacy && !(sa->flags & ESPGW_SA_FLAGS_LEGACY)) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[ESPGW_A_SA_AUTH_ALG],
					    "legacy integrity algorithm needs the legacy flag");
			return -EINVAL;
		}
		if (!akey || nla_len(akey) != a->keylen) {
			NL_SET_ERR_MSG_ATTR(extack, akey ?: attrs[ESPGW_A_SA_AUTH_ALG],
					    "auth-key missing or of the wrong length for auth-alg");
			return -EINVAL;
		}
		snprintf(name, sizeof(name), "%s(authenc(%s,%s))", e->geniv, a->name, e->name);
		icvlen = a->icvlen;
	}

	if (force_async) {
		err = sa_cryptd_name(name, sizeof(name));
		if (err) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[ESPGW_A_SA_ENC_ALG],
					    "force_async: no synchronous implementation to put behind cryptd");
			return err;
		}
	}
	sa->aead = crypto_alloc_aead(name, 0, 0);
	if (IS_ERR(sa->aead)) {
		err = PTR_ERR(sa->aead);
		sa->aead = NULL;
		NL_SET_ERR_MSG_ATTR(extack, attrs[ESPGW_A_SA_ENC_ALG],
				    "the kernel's crypto API does not provide this algorithm");
		return err;
	}

	if (e->aead) {
		err = crypto_aead_setkey(sa->aead, nla_data(ekey), nla_len(ekey));
	} else {
		unsigned int alen = nla_len(akey), elen = nla_len(ekey);
		struct crypto_authenc_key_param *param;
		unsigned int blen = RTA_SPACE(sizeof(*param)) + alen + elen;
		struct rtattr *rta;
		u8 *blob;

		blob = kmalloc(blen, GFP_KERNEL);
		if (!blob)
			return -ENOMEM;
		rta = (struct rtattr *)blob;
		rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
		rta->rta_len = RTA_LENGTH(sizeof(*param));
		param = RTA_DATA(rta);
		param->enckeylen = cpu_to_be32(elen);
		memcpy(blob + RTA_SPACE(sizeof(*param)), nla_data(akey), alen);
		memcpy(blob + RTA_SPACE(sizeof(*param)) + alen, nla_data(ekey), elen);
		err = crypto_aead_setkey(sa->aead, blob, blen);
		kfree_sensitive(blob);
	}
	if (!err)
		err = crypto_aead_setauthsize(sa->aead, icvlen);
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, ekey, "the crypto API refused the key");
		return err;
	}
	sa->ivlen = crypto_aead_ivsize(sa->aead);
	sa->icvlen = icvlen;
	sa->blksize = ALIGN(crypto_aead_blocksize(sa->aead), 4);
	return 0;
}

static void sa_sel_from_attrs(struct espgw_sel *sel, struct nlattr **tb)
{
	memset(sel, 0, sizeof(*sel));
	if (tb[ESPGW_A_SELECTOR_SRC])
		sel->src = nla_get_be32(tb[ESPGW_A_SELECTOR_SRC]);
	if (tb[ESPGW_A_SELECTOR_DST])
		sel->dst = nla_get_be32(tb[ESPGW_A_SELECTOR_DST]);
	sel->src_plen = tb[ESPGW_A_SELECTOR_SRC_PREFIX_LEN] ?
			nla_get_u8(tb[ESPGW_A_SELECTOR_SRC_PREFIX_LEN]) : (sel->src ? 32 : 0);
	sel->dst_plen = tb[ESPGW_A_SELECTOR_DST_PREFIX_LEN] ?
			nla_get_u8(tb[ESPGW_A_SELECTOR_DST_PREFIX_LEN]) : (sel->dst ? 32 : 0);
	if (tb[ESPGW_A_SELECTOR_PROTO])
		sel->proto = nla_get_u8(tb[ESPGW_A_SELECTOR_PROTO]);
	sel->src_mask = inet_make_mask(sel->src_plen);
	sel->dst_mask = inet_make_mask(sel->dst_plen);
	sel->src &= sel->src_mask;
	sel->dst &= sel->dst_mask;
}

/**
 * espgw_sel_parse - parse a selector nest
 * @sel: filled in; addresses are masked to their prefix
 * @nest: the ESPGW_A_*_SELECTOR attribute
 * @extack: for the error message
 *
 * Return: 0 or -EINVAL.
 */
int espgw_sel_parse(struct espgw_sel *sel, struct nlattr *nest, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[ESPGW_A_SELECTOR_MAX + 1];
	int err;

	err = nla_parse_nested(tb, ESPGW_A_SELECTOR_MAX, nest, espgw_selector_nl_policy, extack);
	if (err)
		return err;
	sa_sel_from_attrs(sel, tb);
	return 0;
}

static void sa_lifetime_parse(struct espgw_lifetime *l, struct nlattr *nest)
{
	struct nlattr *tb[ESPGW_A_LIFETIME_MAX + 1];

	memset(l, 0, sizeof(*l));
	if (!nest || nla_parse_nested(tb, ESPGW_A_LIFETIME_MAX, nest, espgw_lifetime_nl_policy,
				      NULL))
		return;
#define LFT(f, a) do { if (tb[a]) l->f = nla_get_u64(tb[a]); } while (0)
	LFT(soft_bytes, ESPGW_A_LIFETIME_SOFT_BYTES);
	LFT(hard_bytes, ESPGW_A_LIFETIME_HARD_BYTES);
	LFT(soft_packets, ESPGW_A_LIFETIME_SOFT_PACKETS);
	LFT(hard_packets, ESPGW_A_LIFETIME_HARD_PACKETS);
	LFT(soft_secs, ESPGW_A_LIFETIME_SOFT_SECS);
	LFT(hard_secs, ESPGW_A_LIFETIME_HARD_SECS);
#undef LFT
}

/*
 * The encap nest (validated by the policy: type in range, ports not 0). Type
 * espinudp needs both ports; none takes none. The local port cannot be IKE's 500:
 * IKE there carries no non-ESP marker, so ESP in UDP and IKE cannot share it
 * (RFC 3948 2.2, RFC 3947 4).
 */
static int sa_encap_parse(struct espgw_sa *sa, struct nlattr *nest,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[ESPGW_A_ENCAP_MAX + 1];
	int err;

	if (!nest)
		return 0;
	err = nla_parse_nested(tb, ESPGW_A_ENCAP_MAX, nest, espgw_encap_nl_policy, extack);
	if (err)
		return err;
	if (!tb[ESPGW_A_ENCAP_TYPE]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "encap needs a type");
		return -EINVAL;
	}
	sa->encap = nla_get_u32(tb[ESPGW_A_ENCAP_TYPE]);
	if (sa->encap == ESPGW_ENCAP_TYPE_NONE) {
		if (tb[ESPGW_A_ENCAP_LOCAL_PORT] || tb[ESPGW_A_ENCAP_PEER_PORT]) {
			NL_SET_ERR_MSG_ATTR(extack, nest, "encap none takes no ports");
			return -EINVAL;
		}
		return 0;
	}
	if (!tb[ESPGW_A_ENCAP_LOCAL_PORT] || !tb[ESPGW_A_ENCAP_PEER_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "encap espinudp needs local-port and peer-port");
		return -EINVAL;
	}
	sa->encap_lport = nla_get_be16(tb[ESPGW_A_ENCAP_LOCAL_PORT]);
	sa->encap_pport = nla_get_be16(tb[ESPGW_A_ENCAP_PEER_PORT]);
	if (sa->encap_lport == htons(500)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ESPGW_A_ENCAP_LOCAL_PORT],
				    "local-port 500 is IKE's, without the non-ESP marker: ESP in UDP cannot share it");
		return -EINVAL;
	}
	return 0;
}

/* ---- NAT mappings ------------------------------------------------------ */

#define MAPPING_MIN	HZ		/* between two notifications of one SA */
#define MAPPING_REPEAT	(10 * HZ)	/* before the same mapping is told again */

/**
 * espgw_sa_new_mapping - an inbound SA's peer seems to have moved
 * @sa: inbound SA with encap, referenced by the caller
 * @addr: outer source address of the packet
 * @port: its UDP source port
 *
 * Called for a packet that authenticated and passed the replay check, when
 * (addr, port) is not the SA's peer. Tells the daemon, rate-limited: a mapping
 * other than the last one told at most once a MAPPING_MIN, the same one again
 * after MAPPING_REPEAT. Moves nothing. BH disabled.
 */
void espgw_sa_new_mapping(struct espgw_sa *sa, __be32 addr, __be16 port)
{
	u64 map = (u64)be32_to_cpu(addr) << 16 | be16_to_cpu(port);
	unsigned long now = jiffies, last = READ_ONCE(sa->mapping_time);
	unsigned long wait = READ_ONCE(sa->mapping_last) == map ? MAPPING_REPEAT : MAPPING_MIN;

	if (time_before(now, last + wait))
		return;
	/* packets of one SA complete on several CPUs: one of them tells */
	if (cmpxchg(&sa->mapping_time, last, now) != last)
		return;
	WRITE_ONCE(sa->mapping_last, map);
	atomic64_inc(&sa->en->mappings);
	espgw_nl_new_mapping_notify(sa, addr, port);
}

/* ---- lifetimes ------------------------------------------------------- */

enum { SA_SOFT_SENT = 2, SA_HARD_SENT = 3 };

static void sa_expire(struct espgw_sa *sa, int kind)
{
	if (test_and_set_bit(kind, &sa->expired))
		return;
	if (!espgw_sa_hold(sa))
		return;
	if (!queue_work(espgw_wq, &sa->expire_work))
		espgw_sa_put(sa);
}

static void sa_expire_work(struct work_struct *work)
{
	struct espgw_sa *sa = container_of(work, struct espgw_sa, expire_work);
	struct espgw_net *en = sa->en;

	if (test_bit(ESPGW_SA_HARD, &sa->expired)) {
		mutex_lock(&en->lock);
		if (!sa->unlinked) {
			if (!test_and_set_bit(SA_HARD_SENT, &sa->expired))
				espgw_nl_sa_expire_notify(sa, ESPGW_EXPIRE_KIND_HARD);
			espgw_sa_unlink(sa);
		}
		mutex_unlock(&en->lock);
	} else if (test_bit(ESPGW_SA_SOFT, &sa->expired) &&
		   !test_and_set_bit(SA_SOFT_SENT, &sa->expired)) {
		espgw_nl_sa_expire_notify(sa, ESPGW_EXPIRE_KIND_SOFT);
	}
	espgw_sa_put(sa);
}

static void sa_timer_arm(struct espgw_sa *sa)
{
	u64 next = 0;

	if (sa->lft.soft_secs && !test_bit(ESPGW_SA_SOFT, &sa->expired))
		next = sa->lft.soft_secs;
	else if (sa->lft.hard_secs && !test_bit(ESPGW_SA_HARD, &sa->expired))
		next = sa->lft.hard_secs;
	if (next) {
		time64_t at = sa->add_time + next - ktime_get_real_seconds();

		mod_timer(&sa->timer, jiffies + (at > 0 ? at * HZ : 0));
	}
}

static void sa_timer_fn(struct timer_list *t)
{
	struct espgw_sa *sa = from_timer(sa, t, timer);
	time64_t age = ktime_get_real_seconds() - sa->add_time;

	if (sa->lft.hard_secs && age >= sa->lft.hard_secs)
		sa_expire(sa, ESPGW_SA_HARD);
	else if (sa->lft.soft_secs && age >= sa->lft.soft_secs)
		sa_expire(sa, ESPGW_SA_SOFT);
	sa_timer_arm(sa);
}

/**
 * espgw_sa_seq_exhausted - an outbound SA has used its last sequence number
 * @sa: the SA
 *
 * RFC 4303 3.3.3: without ESN the counter never cycles. The SA ends as at its
 * hard limit: no more packets, the daemon told (a hard expire), then removed.
 */
void espgw_sa_seq_exhausted(struct espgw_sa *sa)
{
	sa_expire(sa, ESPGW_SA_HARD);
}

/**
 * espgw_sa_account - count a packet against the SA's lifetime
 * @sa: the SA
 * @len: bytes of the inner packet
 *
 * Return: false when the hard limit is reached and the packet must be dropped.
 */
bool espgw_sa_account(struct espgw_sa *sa, unsigned int len)
{
	u64 bytes = atomic64_add_return(len, &sa->cur_bytes);
	u64 pkts = atomic64_inc_return(&sa->cur_packets);
	const struct espgw_lifetime *l = &sa->lft;

	if (unlikely(test_bit(ESPGW_SA_HARD, &sa->expired)))
		return false;
	if ((l->hard_bytes && bytes > l->hard_bytes) ||
	    (l->hard_packets && pkts > l->hard_packets)) {
		sa_expire(sa, ESPGW_SA_HARD);
		return false;
	}
	if (unlikely((l->soft_bytes && bytes > l->soft_bytes) ||
		     (l->soft_packets && pkts > l->soft_packets)))
		sa_expire(sa, ESPGW_SA_SOFT);
	return true;
}

/* ---- anti-replay (RFC 6479: a ring of words, no shifting) ------------- */

static unsigned int replay_words(u32 window)
{
	return DIV_ROUND_UP(window, BITS_PER_LONG) + 1;
}

/**
 * espgw_replay_check - may a packet with this sequence number be new?
 * @sa: inbound SA
 * @seq: sequence number from the ESP header
 *
 * Called before the ICV is verified, so it changes nothing, and without the
 * lock. espgw_replay_advance() clears a word of the ring before it publishes
 * the top that moves onto it (release), and this reads the top first (acquire):
 * a top seen here comes with its cleared words, so a stale bit can only belong
 * to a sequence number that the window has already left behind. A packet that
 * passes here is checked again, under the lock, once authenticated.
 *
 * Return: true if the packet should go on to decryption.
 */
bool espgw_replay_check(struct espgw_sa *sa, u32 seq)
{
	unsigned int nbits = replay_words(sa->replay_window) * BITS_PER_LONG;
	u32 top = smp_load_acquire(&sa->replay_top);

	if (!sa->replay_window)
		return true;
	if (seq == 0)
		return false;
	if (seq > top)
		return true;
	if ((u64)seq + sa->replay_window <= top)
		return false;
	return !test_bit(seq % nbits, sa->replay_bitmap);
}

/**
 * espgw_replay_advance - record an authenticated sequence number
 * @sa: inbound SA
 * @seq: sequence number, already authenticated
 *
 * Return: false if it was seen before or is too old (a replay).
 */
bool espgw_replay_advance(struct espgw_sa *sa, u32 seq)
{
	unsigned int nwords = replay_words(sa->replay_window);
	unsigned int nbits = nwords * BITS_PER_LONG;
	bool ret = true;

	if (!sa->replay_window)
		return true;
	if (seq == 0)
		return false;
	spin_lock_bh(&sa->replay_lock);
	if (seq > sa->replay_top) {
		u32 cur = sa->replay_top / BITS_PER_LONG, next = seq / BITS_PER_LONG;
		u32 diff = min_t(u32, next - cur, nwords), i;

		for (i = 1; i <= diff; i++)
			WRITE_ONCE(sa->replay_bitmap[(cur + i) % nwords], 0);
		smp_store_release(&sa->replay_top, seq);
	} else if ((u64)seq + sa->replay_window <= sa->replay_top) {
		ret = false;
		goto out;
	}
	if (__test_and_set_bit(seq % nbits, sa->replay_bitmap))
		ret = false;
out:
	spin_unlock_bh(&sa->replay_lock);
	return ret;
}

/* ---- lifecycle -------------------------------------------------------- */

static void sa_free_work(struct work_struct *work)
{
	struct espgw_sa *sa = container_of(to_rcu_work(work), struct espgw_sa, free_work);
	struct espgw_net *en = sa->en;

	if (sa->aead)
		crypto_free_aead(sa->aead);	/* wipes the keys */
	dst_cache_destroy(&sa->dst_cache);
	free_percpu(sa->stats);
	kfree(sa->replay_bitmap);
	pr_debug("sa %08x destroyed\n", be32_to_cpu(sa->key.spi));
	kfree(sa);
	if (atomic_dec_and_test(&en->sa_alive))
		wake_up_var(&en->sa_alive);
}

/**
 * espgw_sa_put - drop a reference; the last one frees the SA after RCU
 * @sa: the SA
 */
void espgw_sa_put(struct espgw_sa *sa)
{
	if (refcount_dec_and_test(&sa->refcnt))
		queue_rcu_work(espgw_wq, &sa->free_work);
}

/**
 * espgw_sa_new - create and insert an SA from an sa-new request
 * @en: namespace instance, locked
 * @attrs: the request's attributes (validated by the op policy)
 * @extack: for errors; each names the attribute at fault
 *
 * Return: the SA or an ERR_PTR.
 */
struct espgw_sa *espgw_sa_new(struct espgw_net *en, struct nlattr **attrs,
			      struct netlink_ext_ack *extack)
{
	const struct enc_desc *e;
	struct espgw_sa *sa;
	int err;

	lockdep_assert_held(&en->lock);
	if (en->dead)
		return ERR_PTR(-ENODEV);
	if (!attrs[ESPGW_A_SA_SPI] || !attrs[ESPGW_A_SA_DST] || !attrs[ESPGW_A_SA_SRC] ||
	    !attrs[ESPGW_A_SA_DIR] || !attrs[ESPGW_A_SA_ENC_ALG] || !attrs[ESPGW_A_SA_ENC_KEY]) {
		NL_SET_ERR_MSG(extack, "sa-new needs spi, dst, src, dir, enc-alg and enc-key");
		return ERR_PTR(-EINVAL);
	}
	if (be32_to_cpu(nla_get_be32(attrs[ESPGW_A_SA_SPI])) < 256) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[ESPGW_A_SA_SPI], "SPI 0-255 is reserved");
		return ERR_PTR(-EINVAL);
	}

	sa = kzalloc(sizeof(*sa), GFP_KERNEL);
	if (!sa)
		return ERR_PTR(-ENOMEM);
	sa->key.spi = nla_get_be32(attrs[ESPGW_A_SA_SPI]);
	sa->key.dst = nla_get_be32(attrs[ESPGW_A_SA_DST]);
	sa->src = nla_get_be32(attrs[ESPGW_A_SA_SRC]);
	sa->dir = nla_get_u32(attrs[ESPGW_A_SA_DIR]);
	sa->enc_alg = nla_get_u32(attrs[ESPGW_A_SA_ENC_ALG]);
	sa->auth_alg = attrs[ESPGW_A_SA_AUTH_ALG] ? nla_get_u32(attrs[ESPGW_A_SA_AUTH_ALG]) : 0;
	sa->flags = attrs[ESPGW_A_SA_FLAGS] ? nla_get_u32(attrs[ESPGW_A_SA_FLAGS]) : 0;
	sa->replay_window = attrs[ESPGW_A_SA_REPLAY_WINDOW] ?
			    nla_get_u32(attrs[ESPGW_A_SA_REPLAY_WINDOW]) : 64;
	sa->en = en;
	sa->mapping_time = jiffies - MAPPING_REPEAT;
	atomic_inc(&en->sa_alive);
	sa->add_time = ktime_get_real_seconds();
	refcount_set(&sa->refcnt, 1);
	spin_lock_init(&sa->replay_lock);
	timer_setup(&sa->timer, sa_timer_fn, 0);
	INIT_WORK(&sa->expire_work, sa_expire_work);
	INIT_RCU_WORK(&sa->free_work, sa_free_work);
	sa_lifetime_parse(&sa->lft, attrs[ESPGW_A_SA_LIFETIME]);

	err = -EINVAL;
	e = &enc_descs[sa->enc_alg];
	if (sa->enc_alg == ESPGW_ENC_ALG_NONE) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[ESPGW_A_SA_ENC_ALG], "enc-alg none is not allowed");
		goto err_free;
	}
	if (e->legacy && !(sa->flags & ESPGW_SA_FLAGS_LEGACY)) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[ESPGW_A_SA_ENC_ALG],
				    "legacy encryption algorithm needs the legacy flag");
		goto err_free;
	}
	if (!keylen_ok(e, nla_len(attrs[ESPGW_A_SA_ENC_KEY]))) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[ESPGW_A_SA_ENC_KEY],
				    "enc-key has the wrong length for enc-alg");
		goto err_free;
	}
	if (sa->dir == ESPGW_DIR_IN) {
		if (!attrs[ESPGW_A_SA_SELECTOR]) {
			NL_SET_ERR_MSG(extack, "an inbound SA needs a selector");
			goto err_free;
		}
		err = espgw_sel_parse(&sa->sel, attrs[ESPGW_A_SA_SELECTOR], extack);
		if (err)
			goto err_free;
		if (sa->replay_window) {
			sa->replay_bitmap = kcalloc(replay_words(sa->replay_window),
						    sizeof(unsigned long), GFP_KERNEL);
			err = -ENOMEM;
			if (!sa->replay_bitmap)
				goto err_free;
		}
	} else if (attrs[ESPGW_A_SA_SELECTOR]) {
		err = espgw_sel_parse(&sa->sel, attrs[ESPGW_A_SA_SELECTOR], extack);
		if (err)
			goto err_free;
	}

	err = sa_encap_parse(sa, attrs[ESPGW_A_SA_ENCAP], extack);
	if (err)
		goto err_free;

	err = -ENOMEM;
	sa->stats = netdev_alloc_pcpu_stats(struct espgw_pcpu_stats);
	if (!sa->stats)
		goto err_free;
	err = dst_cache_init(&sa->dst_cache, GFP_KERNEL);
	if (err)
		goto err_free;
	err = sa_init_crypto(sa, attrs, extack);
	if (err)
		goto err_free;

	/* a serial first (seen only under en->lock), then visible to packets */
	err = xa_alloc_cyclic(&en->sa_ids, &sa->serial, sa, xa_limit_32b, &en->sa_next,
			      GFP_KERNEL);
	if (err < 0)
		goto err_free;
	err = rhashtable_lookup_insert_fast(&en->sa_table, &sa->node, espgw_sa_params);
	if (err) {
		xa_erase(&en->sa_ids, sa->serial);
		if (err == -EEXIST)
			NL_SET_ERR_MSG_ATTR(extack, attrs[ESPGW_A_SA_SPI],
					    "an SA with this dst and spi exists");
		goto err_free;
	}
	WRITE_ONCE(en->sa_count, en->sa_count + 1);
	en->gen++;
	sa_timer_arm(sa);
	pr_debug("sa %08x created\n", be32_to_cpu(sa->key.spi));
	return sa;

err_free:
	sa->unlinked = true;
	espgw_sa_put(sa);
	return ERR_PTR(err);
}

/**
 * espgw_sa_lookup - find an SA; caller holds rcu_read_lock and takes a
 * reference if the SA is used outside it
 * @en: namespace instance
 * @dst: outer destination
 * @spi: SPI
 *
 * Return: the SA or NULL.
 */
struct espgw_sa *espgw_sa_lookup(struct espgw_net *en, __be32 dst, __be32 spi)
{
	struct espgw_sa_key key = { .dst = dst, .spi = spi };

	return rhashtable_lookup(&en->sa_table, &key, espgw_sa_params);
}

/* Remove an SA from the namespace (and from the table when hashed). */
static void sa_unlink(struct espgw_sa *sa, bool hashed)
{
	struct espgw_net *en = sa->en;

	lockdep_assert_held(&en->lock);
	if (hashed)
		rhashtable_remove_fast(&en->sa_table, &sa->node, espgw_sa_params);
	xa_erase(&en->sa_ids, sa->serial);
	WRITE_ONCE(en->sa_count, en->sa_count - 1);
	en->gen++;
	sa->unlinked = true;
	set_bit(ESPGW_SA_HARD, &sa->expired);	/* no more packets */
	timer_shutdown_sync(&sa->timer);
	espgw_sa_put(sa);
}

/**
 * espgw_sa_unlink - remove an SA from the namespace; packets holding a
 * reference finish with it
 * @sa: the SA, linked; espgw_net.lock held
 */
void espgw_sa_unlink(struct espgw_sa *sa)
{
	sa_unlink(sa, true);
}

/**
 * espgw_sa_move - move an ESP-in-UDP SA to its peer's new NAT mapping
 * @en: namespace instance, locked
 * @dst: outer destination (the SA's name)
 * @spi: SPI
 * @addr: the peer's new address
 * @port: its new UDP port
 * @extack: what went wrong
 *
 * An outbound SA gets a new destination, under which it is found from then
 * on (it is rehashed; packets between the two steps find no SA and are
 * dropped as such), an inbound one a new source. Either keeps its keys,
 * counters, sequence numbers and replay window.
 *
 * Return: 0, -ENOENT, -EINVAL (not ESP in UDP) or -EEXIST (the new name is taken).
 */
int espgw_sa_move(struct espgw_net *en, __be32 dst, __be32 spi, __be32 addr, __be16 port,
		  struct netlink_ext_ack *extack)
{
	struct espgw_sa *sa;
	int err;

	lockdep_assert_held(&en->lock);
	sa = rhashtable_lookup_fast(&en->sa_table, &(struct espgw_sa_key){ dst, spi },
				    espgw_sa_params);
	if (!sa) {
		NL_SET_ERR_MSG(extack, "no such SA");
		return -ENOENT;
	}
	if (sa->encap != ESPGW_ENCAP_TYPE_ESPINUDP) {
		NL_SET_ERR_MSG(extack, "only an SA with encap espinudp follows a NAT mapping");
		return -EINVAL;
	}
	if (sa->dir == ESPGW_DIR_IN) {
		WRITE_ONCE(sa->src, addr);
		WRITE_ONCE(sa->encap_pport, port);
		return 0;
	}
	if (addr != dst) {
		if (rhashtable_lookup_fast(&en->sa_table, &(struct espgw_sa_key){ addr, spi },
					   espgw_sa_params)) {
			NL_SET_ERR_MSG(extack, "an SA with that dst and spi exists");
			return -EEXIST;
		}
		rhashtable_remove_fast(&en->sa_table, &sa->node, espgw_sa_params);
		WRITE_ONCE(sa->key.dst, addr);
		err = rhashtable_insert_fast(&en->sa_table, &sa->node, espgw_sa_params);
		if (err) {
			WRITE_ONCE(sa->key.dst, dst);
			/* cannot happen (the slot was just ours); if it does, the SA goes */
			if (rhashtable_insert_fast(&en->sa_table, &sa->node, espgw_sa_params))
				sa_unlink(sa, false);
			return err;
		}
		en->gen++;
	}
	WRITE_ONCE(sa->encap_pport, port);
	dst_cache_reset(&sa->dst_cache);	/* the route is to the new address */
	return 0;
}

/**
 * espgw_sa_del - remove the SA (dst, spi)
 * @en: namespace instance, locked
 * @dst: outer destination
 * @spi: SPI
 *
 * Return: 0 or -ENOENT.
 */
int espgw_sa_del(struct espgw_net *en, __be32 dst, __be32 spi)
{
	struct espgw_sa *sa;

	lockdep_assert_held(&en->lock);
	sa = rhashtable_lookup_fast(&en->sa_table, &(struct espgw_sa_key){ dst, spi },
				    espgw_sa_params);
	if (!sa)
		return -ENOENT;
	espgw_sa_unlink(sa);
	return 0;
}

/**
 * espgw_sa_flush - remove every SA of the namespace
 * @en: namespace instance, locked
 */
void espgw_sa_flush(struct espgw_net *en)
{
	struct espgw_sa *sa;
	unsigned long i;

	lockdep_assert_held(&en->lock);
	xa_for_each(&en->sa_ids, i, sa)
		espgw_sa_unlink(sa);
}

int espgw_sa_table_init(struct espgw_net *en)
{
	xa_init_flags(&en->sa_ids, XA_FLAGS_ALLOC);
	return rhashtable_init(&en->sa_table, &espgw_sa_params);
}

void espgw_sa_table_destroy(struct espgw_net *en)
{
	rhashtable_destroy(&en->sa_table);
	xa_destroy(&en->sa_ids);
}

int __init espgw_sa_init(void)
{
	espgw_wq = alloc_workqueue("espgw", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	return espgw_wq ? 0 : -ENOMEM;
}

/* After every namespace is gone: wait for RCU frees, then drain the queue. */
void espgw_sa_uninit(void)
{
	rcu_barrier();
	destroy_workqueue(espgw_wq);
}

/**
 * espgw_sa_flush_wq - wait until queued expiry and free work has run
 */
void espgw_sa_flush_wq(void)
{
	rcu_barrier();
	flush_workqueue(espgw_wq);
}
