// SPDX-License-Identifier: GPL-2.0
/*
 * espgw ike show|stats|clear and espgw pool show: ask espgwd over its control
 * socket, like the router's 'show crypto isakmp sa', 'clear crypto isakmp'
 * and 'show ip local pool'. espgwd answers with records (ctlrec.h), formatted
 * here. The socket is $ESPGWD_SOCKET, or /run/espgw/espgwd.sock.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "algs.h"
#include "ctl.h"
#include "ctlrec.h"
#include "espgw.h"
#include "util.h"

static const char *ctl_path(void)
{
	const char *p = getenv("ESPGWD_SOCKET");

	return p && *p ? p : CTL_DEFAULT_PATH;
}

/*
 * Send cmd to espgwd; its whole answer into *out (malloc'ed, NUL-terminated).
 * An answer it could not give ("error: ...") is printed. EXIT_OK or EXIT_FAIL.
 */
static int ask(const char *what, const char *cmd, char **out)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	const char *path = ctl_path();
	size_t len = 0, cap = 4096;
	char *buf;
	ssize_t n;
	int fd;

	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "espgw: %s: control socket path too long: %s\n", what, path);
		return EXIT_FAIL;
	}
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		fprintf(stderr, "espgw: %s: espgwd is not running (no control socket %s: %s)\n",
			what, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_FAIL;
	}
	if (write(fd, cmd, strlen(cmd)) < 0 || shutdown(fd, SHUT_WR)) {
		fprintf(stderr, "espgw: %s: %s\n", what, strerror(errno));
		close(fd);
		return EXIT_FAIL;
	}
	buf = malloc(cap);
	while (buf && (n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			char *b = cap < (64u << 20) ? realloc(buf, cap * 2) : NULL;

			if (!b) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
			cap *= 2;
		}
	}
	close(fd);
	if (!buf) {
		fprintf(stderr, "espgw: %s: out of memory reading espgwd's answer\n", what);
		return EXIT_FAIL;
	}
	buf[len] = 0;
	if (!strncmp(buf, "error: ", 7)) {
		fprintf(stderr, "espgw: %s: espgwd says: %s", what, buf);
		free(buf);
		return EXIT_FAIL;
	}
	*out = buf;
	return EXIT_OK;
}

/* Ask, and print the answer as it is. */
static int ask_print(const char *what, const char *cmd)
{
	char *buf = NULL;
	int ret = ask(what, cmd, &buf);

	if (ret == EXIT_OK)
		fputs(buf, stdout);
	free(buf);
	return ret;
}

/* Ask, and call cb for each record of type in the answer. */
static int ask_records(const char *what, const char *cmd, const char *type,
		       void (*cb)(const struct ctlrec *r, void *arg), void *arg)
{
	char *buf = NULL, *line, *save = NULL;
	struct ctlrec r;
	int ret = ask(what, cmd, &buf);

	if (ret != EXIT_OK)
		return ret;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (ctlrec_parse(line, &r)) {
			fprintf(stderr, "espgw: %s: cannot read espgwd's answer\n", what);
			ret = EXIT_FAIL;
			break;
		}
		if (!strcmp(r.type, type))
			cb(&r, arg);
	}
	free(buf);
	return ret;
}

struct show_ctx {
	struct jw w;
	unsigned int n;
};

/* One ISAKMP SA, as the router's 'show crypto isakmp sa' (the algorithms by name). */
static void show_sa(const struct ctlrec *r, void *arg)
{
	struct show_ctx *c = arg;
	const char *lease = ctlrec_get(r, "lease");
	unsigned int enc = (unsigned int)ctlrec_u64_of(r, "enc", 0);
	unsigned int keylen = (unsigned int)ctlrec_u64_of(r, "keylen", 0);
	unsigned int hash = (unsigned int)ctlrec_u64_of(r, "hash", 0);
	unsigned int group = (unsigned int)ctlrec_u64_of(r, "group", 0);
	const char *dst = ctlrec_get(r, "dst"), *src = ctlrec_get(r, "src");
	const char *state = ctlrec_get(r, "state"), *nat = ctlrec_get(r, "nat");
	const char *grp = ctlrec_get(r, "cfg_group"), *user = ctlrec_get(r, "user");
	unsigned int sport = (unsigned int)ctlrec_u64_of(r, "sport", 500);
	char srcp[32];

	if (!dst || !src || !state)
		return;
	/* a client on another port than 500 (NAT-T): its public mapping */
	if (sport != 500)
		snprintf(srcp, sizeof(srcp), "%s:%u", src, sport);
	else
		snprintf(srcp, sizeof(srcp), "%s", src);
	if (tool.json) {
		jw_obj_open(&c->w, NULL);
		jw_str(&c->w, "dst", dst);
		jw_str(&c->w, "src", src);
		jw_uint(&c->w, "src_port", ctlrec_u64_of(r, "sport", 0));
		jw_str(&c->w, "state", state);
		jw_uint(&c->w, "conn_id", ctlrec_u64_of(r, "conn_id", 0));
		jw_int(&c->w, "lifetime_left", ctlrec_i64_of(r, "lifetime_left", 0));
		jw_str(&c->w, "enc", ike_alg_enc_show(enc, keylen));
		jw_str(&c->w, "hash", ike_alg_hash_show(hash));
		jw_str(&c->w, "group", ike_alg_group_show(group));
		jw_uint(&c->w, "ipsec_sa_pairs", ctlrec_u64_of(r, "ipsec_sa_pairs", 0));
		jw_str(&c->w, "nat", nat ? nat : "off");
		if (lease)
			jw_str(&c->w, "lease", lease);
		else
			jw_null(&c->w, "lease");
		if (grp)
			jw_str(&c->w, "client_group", grp);
		else
			jw_null(&c->w, "client_group");
		if (user)
			jw_str(&c->w, "user", user);
		else
			jw_null(&c->w, "user");
		jw_obj_close(&c->w);
	} else {
		/* the lease stays last: scripts take it from the end of the line */
		printf("%-15s %-21s %-12s %7u %9lld %-7s %-6s %5u %9u %-12s %s\n", dst, srcp, state,
		       (unsigned int)ctlrec_u64_of(r, "conn_id", 0),
		       (long long)ctlrec_i64_of(r, "lifetime_left", 0),
		       ike_alg_enc_show(enc, keylen), ike_alg_hash_show(hash), group,
		       (unsigned int)ctlrec_u64_of(r, "ipsec_sa_pairs", 0), user ? user : "-",
		       lease ? lease : "-");
	}
	c->n++;
}

static int ike_show(int argc, char **argv)
{
	struct show_ctx c = { .n = 0 };
	int ret;

	if (argc > 0) {
		tool_usage_error("ike show: unexpected argument '%s'", argv[0]);
		return EXIT_USAGE;
	}
	if (tool.json) {
		jw_init(&c.w, stdout);
		jw_arr_open(&c.w, NULL);
	} else {
		printf("%-15s %-21s %-12s %7s %9s %-7s %-6s %5s %9s %-12s %s\n", "dst", "src",
		       "state", "conn-id", "lifetime", "enc", "hash", "group", "ipsec-sas", "user",
		       "lease");
	}
	ret = ask_records("ike show", "show", "sa", show_sa, &c);
	if (tool.json) {
		jw_arr_close(&c.w);
		jw_end(&c.w);
	}
	return ret;
}

static void show_stats(const struct ctlrec *r, void *arg)
{
	struct jw *w = arg;
	unsigned int i;

	if (tool.json)
		jw_obj_open(w, NULL);
	for (i = 0; i < r->n; i++) {
		if (tool.json)
			jw_uint(w, r->kv[i].key, ctlrec_u64_of(r, r->kv[i].key, 0));
		else
			printf("%s: %s\n", r->kv[i].key, r->kv[i].val);
	}
	if (tool.json) {
		jw_obj_close(w);
		jw_end(w);
	}
}

static int ike_stats(int argc, char **argv)
{
	struct jw w;

	if (argc > 0) {
		tool_usage_error("ike stats: unexpected argument '%s'", argv[0]);
		return EXIT_USAGE;
	}
	jw_init(&w, stdout);
	return ask_records("ike stats", "stats", "stats", show_stats, &w);
}

static void show_cleared(const struct ctlrec *r, void *arg)
{
	(void)arg;
	printf("cleared %llu ISAKMP SAs\n", (unsigned long long)ctlrec_u64_of(r, "isakmp_sas", 0));
}

static int ike_clear(int argc, char **argv)
{
	if (argc > 0) {
		tool_usage_error("ike clear: unexpected argument '%s'", argv[0]);
		return EXIT_USAGE;
	}
	return ask_records("ike clear", "clear", "cleared", show_cleared, NULL);
}

int do_ike(int argc, char **argv)
{
	static const struct verb verbs[] = {
		{ "show", ike_show },
		{ "stats", ike_stats },
		{ "clear", ike_clear },
	};

	return tool_verb("ike", verbs, ARRAY_SIZE(verbs), argc, argv);
}

static int pool_show(int argc, char **argv)
{
	if (argc > 0) {
		tool_usage_error("pool show: unexpected argument '%s'", argv[0]);
		return EXIT_USAGE;
	}
	return ask_print("pool show", tool.json ? "pool show json" : "pool show");
}

int do_pool(int argc, char **argv)
{
	static const struct verb verbs[] = {
		{ "show", pool_show },
	};

	return tool_verb("pool", verbs, ARRAY_SIZE(verbs), argc, argv);
}
