/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The espgwd.conf parser's insides, shared by its files:
 *   conf.c         the driver: lines, blocks, the top-level command table,
 *                  resolution of references, warnings, the API of conf.h
 *   conf_lex.c     words and values, errors, warnings, algorithm words, the
 *                  router commands espgwd ignores
 *   conf_isakmp.c  crypto isakmp: policies, keys, groups, keepalive, pool
 *   conf_ipsec.c   crypto ipsec, dynamic map, crypto map, interfaces
 *   conf_acl.c     access-list, ip local pool, networks
 *   conf_user.c    username, aaa authentication login: XAUTH's local users
 * Nothing here is for the daemon: it reads struct conf (conf.h).
 */
#ifndef _ESPGW_CONF_PRIV_H_
#define CONF_IGNORED_KINDS	48	/* kinds of router command ignored (conf_lex.c) */
#define _ESPGW_CONF_PRIV_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "algs.h"
#include "conf.h"

#define LINE_MAX_LEN	1024
#define MAX_TOKS	32
#define MAX_DYNMAPS	16
#define MAX_ACL_ENTRIES	1024
#define MAX_LEGACY	64

#define P1_LIFE_MIN	60
#define P1_LIFE_MAX	86400
#define P2_SEC_MIN	120
#define P2_SEC_MAX	86400
#define P2_KB_MIN	2560
#define P2_KB_MAX	4194303

#define N_ELEMS(a)	(sizeof(a) / sizeof((a)[0]))

enum blk {
	BLK_NONE,
	BLK_POLICY,	/* crypto isakmp policy N */
	BLK_TSET,	/* crypto ipsec transform-set NAME ... */
	BLK_DYNMAP,	/* crypto dynamic-map NAME SEQ */
	BLK_GROUP,	/* crypto isakmp client configuration group NAME */
	BLK_IFACE,	/* interface X: ignored but for "crypto map NAME" */
	BLK_IGNORED,	/* route-map, line, router...: everything ignored */
	BLK_KINDS
};

struct p_policy {
	unsigned int prio;
	struct ike_p1_policy p;
	int line, enc_line, hash_line, group_line;
	bool auth_set;
};

struct p_dynmap {
	struct conf_dynmap d;
	char tset[CONF_MAX_TSETS][CONF_NAME_MAX];
	int tset_line;
	char acl[CONF_NAME_MAX];
	int acl_line;
	int pfs_line;
};

struct p_group {
	char pool[CONF_NAME_MAX];
	int pool_line;
	char acl[CONF_NAME_MAX];
	int acl_line;
	int dns_line, wins_line, domain_line, banner_line, key_line;
};

/* "aaa authentication login NAME METHOD...": a method list */
struct p_aaa {
	char name[CONF_NAME_MAX];
	bool local;		/* its methods include local (or local-case) */
	int line;
};

/* A user who cannot log in (no usable secret): an error if XAUTH is configured, else a warning */
struct p_baduser {
	int line;
	char what[160];
};

#define MAX_AAA		8
#define MAX_BADUSERS	16

struct p_acl {
	char name[CONF_NAME_MAX];
	bool permit;
	bool ip;		/* an "ip" entry (or a standard ACL's): usable by match address */
	uint32_t src, swild;	/* host order */
	int line;
};

/* Every error of a file is reported in one run, up to this many. */
#define CONF_MAX_ERRORS 20

struct p_late {
	int key, seq, line;
	char msg[256];
};

struct p_legacy {
	int line;
	char what[96];
};

/* The parser's state: the file being read and what is not yet resolved. */
struct st {
	const char *name;
	struct conf *c;
	char *err;
	size_t errlen;
	int line;
	int nerr;		/* errors written to err so far */
	struct p_late late[CONF_MAX_ERRORS];	/* cf_lerr()'s, until cf_late_flush() */
	size_t nlate;
	bool failed;

	char *tok[MAX_TOKS];
	int ntok;

	enum blk blk;
	bool blk_failed;	/* a line of the open block was wrong */
	bool skip_indented;	/* the last top-level line was wrong: skip what it opened */
	int blk_idx;
	char iface[CONF_NAME_MAX * 2];

	struct p_policy pol[CONF_MAX_POLICIES];
	size_t npol;
	struct p_dynmap dm[MAX_DYNMAPS];
	size_t ndm;
	struct p_acl *acl;
	size_t nacl;
	struct p_legacy leg[MAX_LEGACY];
	size_t nleg;
	int legacy_line;

	char pool_ref[CONF_NAME_MAX];
	int pool_ref_line;
	struct p_group grp[CONF_MAX_GROUPS];
	int grace_line;
	int keepalive_line;
	int nat_keepalive_line;
	int natt_line;
	int aggr_line;
	int xauth_timeout_line;
	bool authz_warned;
	struct p_aaa aaa[MAX_AAA];
	size_t naaa;
	char authlist[CONF_NAME_MAX];	/* crypto map M client authentication list NAME */
	int authlist_line;
	struct p_baduser bad[MAX_BADUSERS];
	size_t nbad;
	size_t userscap;
	int pool_first_range_line[CONF_MAX_POOLS][CONF_MAX_RANGES];

	/* the crypto map: its name from the first line that names it */
	int map_line;
	char bind_dynmap[CONF_NAME_MAX];
	unsigned int bind_seq;
	int bind_line;
	int modecfg_line;
	char iface_map[CONF_NAME_MAX];
	int iface_map_line;

	uint64_t ignored_seen;	/* bit 63: 'crypto map M' on an interface, warned */
	/* router commands ignored, by kind, for the one summary warning */
	struct {
		int line;		/* first */
		unsigned int n;		/* lines */
		char text[160];		/* the first line, or its kind when it may hold secrets */
	} ign[CONF_IGNORED_KINDS];
	uint8_t ign_order[CONF_IGNORED_KINDS];	/* kinds in the order first seen */
	size_t nign;
	char *warn;			/* ignored-line warnings, NUL-separated */
	size_t warnlen, warncap;
	bool oom;
};

/* ------------------------------------------------------- keyword tables */

#define CMD_WORDS	6
/* In a command's words: any decimal number ("crypto map NAME SEQ ..."). */
extern const char CMD_NUM[];

/*
 * One command of a table: the words that name it, matched against the
 * line's words from where the table starts, and its handler. When a line
 * matches no command, the error is made from the table (see cf_dispatch).
 */
struct conf_cmd {
	const char *w[CMD_WORDS];	/* NULL-terminated */
	int (*fn)(struct st *s);
	/* the words on the line in all, these included; 0: fn counts them */
	unsigned char min, max;
	/* a line that matches this many words of w but not the rest is told
	 * "expected 'usage'"; 0: it is an unknown command */
	unsigned char hint;
	/* top-level: the words that make a line this command (one if 0), closing
	 * the open block; fewer is a line of the block ("ip" but "ip local") */
	unsigned char lead;
	/* named in the list an unknown command of its first words gets */
	bool listed;
	const char *usage;
};

/* What a block command opens: the commands of its lines, and how it ends. */
struct conf_block {
	const struct conf_cmd *cmds;
	size_t ncmds;
	/* the block in messages ("crypto isakmp policy 1"); NULL: unknown lines
	 * are ignored (an interface's ip address, ...) */
	void (*name)(const struct st *s, char *buf, size_t len);
	int (*close)(struct st *s);	/* may be NULL */
};

/*
 * Run the line's command from tab, matching its words from tok[from]. A
 * line that matches none is an error: "expected 'USAGE'" after a command's
 * hint words, else "unknown command 'WORDS'" (in block, when not NULL; with
 * the list of the listed commands that start so), or "incomplete command
 * 'WORDS'" for a top-level line that ends too soon.
 */
int cf_dispatch(struct st *s, const struct conf_cmd *tab, size_t n, int from, const char *block);

/* conf_isakmp.c */
int cf_open_policy(struct st *s);
int cf_isakmp_key(struct st *s);
int cf_isakmp_keepalive(struct st *s);
int cf_nat_keepalive(struct st *s);
int cf_natt_on(struct st *s);
int cf_natt_off(struct st *s);
int cf_natt_force(struct st *s);
int cf_open_group(struct st *s);
int cf_address_pool(struct st *s);
int cf_aggressive_off(struct st *s);
int cf_xauth_timeout(struct st *s);
/* conf_user.c: username, aaa authentication login */
int cf_username(struct st *s);
int cf_aaa_login(struct st *s);
/* After the whole file: XAUTH's list resolved, the users nobody can log in as reported. */
void cf_resolve_xauth(struct st *s);
extern const struct conf_block cf_policy_block, cf_group_block;

/* conf_ipsec.c */
int cf_tset_def(struct st *s);
int cf_sa_lifetime(struct st *s);
int cf_sa_replay_window(struct st *s);
int cf_sa_replay_off(struct st *s);
int cf_open_dynmap(struct st *s);
int cf_crypto_map(struct st *s);
extern const struct conf_block cf_tset_block, cf_dynmap_block, cf_iface_block;

/* conf_acl.c */
int cf_access_list(struct st *s);
int cf_ip_local_pool(struct st *s);
/* Add a network to a list of at most CONF_MAX_NETS (owner names the list in errors). */
int cf_add_net(struct st *s, struct conf_net *nets, size_t *n, const char *owner, uint32_t addr,
	       uint8_t plen, int line);
/* The source networks of an ACL's permit entries into nets; -1 stops the resolution. */
int cf_acl_nets(struct st *s, const char *acl, int use_line, const char *use,
		struct conf_net *nets, size_t *n);
/* The index of the pool so named, -1 when there is none. */
int cf_find_pool(const struct conf *c, const char *name);

/* ------------------------------------------------------------ conf_lex.c */

/*
 * An error on the current line; reading goes on with the next line (a block
 * whose first line is wrong is skipped), up to CONF_MAX_ERRORS. Returns -1.
 */
int cf_perr(struct st *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * An error found once the whole file is read (a reference, a missing piece):
 * reported after the line errors in line order (0 = at the end).
 */
void cf_lerr(struct st *s, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Append the cf_lerr() errors to the error text. */
void cf_late_flush(struct st *s);
/* A warning for conf_warning(). */
void cf_warn(struct st *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A legacy algorithm in use: an error at the end unless 'espgw legacy'. */
void cf_legacy_use(struct st *s, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

bool cf_is_num(const char *t);
/* The values: on a bad one, an error naming what (the command) and the word. */
int cf_num(struct st *s, const char *what, const char *t, uint64_t min, uint64_t max,
	   uint64_t *out);
bool cf_parse_ip(const char *t, uint32_t *out);
int cf_ip(struct st *s, const char *what, const char *t, uint32_t *out);
int cf_netmask(struct st *s, const char *what, const char *t, uint8_t *plen);
int cf_name_copy(struct st *s, const char *what, const char *t, char *out);
/* Between min and max words on the line, else "incomplete command, expected 'usage'". */
int cf_want(struct st *s, int min, int max, const char *usage);
/* The line's words tok[from] to tok[to - 1], blank-separated, "..." when cut. */
void cf_join(const struct st *s, int from, int to, char *buf, size_t len);
int cf_tokenize(struct st *s, char *buf);

/* The router's commands espgwd ignores: is the line one, and read it. */
bool cf_is_ignored(const struct st *s);
int cf_ignored(struct st *s);
void cf_ignored_summary(struct st *s);

/* A netmask (255.255.255.0) as a prefix length; -1 when not contiguous. */
static inline int mask_plen(uint32_t m)
{
	uint32_t inv = ~m;

	if (inv & (inv + 1))
		return -1;
	return m ? 32 - __builtin_ctz(m) : 0;
}

static inline uint32_t plen_mask(unsigned int plen)
{
	return plen ? 0xffffffffu << (32 - plen) : 0;
}

/*
 * Algorithm words, from the vocabulary (algs.h) only: the parser knows no
 * algorithm, key size or legacy rule of its own.
 */
struct cf_alg {
	const char *name;
	unsigned int keybits;	/* 0: a fixed-size algorithm */
	bool legacy;
};

/* Entry i of a kind's table; false past its end. */
bool cf_alg_at(enum ike_alg_kind kind, size_t i, struct cf_alg *a);
/* A key size word ("256"), 0 when it is not one (not a number, "0", "0256"). */
unsigned int cf_keybits(const char *t);
/* The words as alternatives for a usage: "des|3des|aes [128|192|256]", "group1|group2..." */
const char *cf_alg_alts(enum ike_alg_kind kind, const char *prefix, char *buf, size_t len);
/* The key sizes of a word: "128, 192 or 256" */
const char *cf_alg_sizes(enum ike_alg_kind kind, const char *name, char *buf, size_t len);
/* The words that are not legacy, for a hint: "esp-aes, esp-gcm" */
const char *cf_alg_modern(enum ike_alg_kind kind, char *buf, size_t len);
/* What 'espgw legacy' allows: "DES, 3DES, MD5 and DH group 1" */
const char *cf_legacy_names(char *buf, size_t len);

#endif /* _ESPGW_CONF_PRIV_H_ */
