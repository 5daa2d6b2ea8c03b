// SPDX-License-Identifier: GPL-2.0
/*
 * espgwd.conf: XAUTH's local users, in the router's words.
 *
 *   aaa new-model                                   (ignored)
 *   aaa authentication login vpnusers local         a method list: local users
 *   username alice secret 9 $y$j9T$...              a user and the hash of her password
 *   crypto map M client authentication list vpnusers   XAUTH, against that list
 *
 * A secret is a crypt(3) hash (passwd.h: yescrypt or SHA-512, as 'espgw
 * hash-password' makes them; md5crypt is taken with a warning). A clear one
 * ('secret 0 TEXT', 'password [0] TEXT') is hashed as the file is read, so
 * that only the hash is kept, and warned about. What the router has that
 * espgwd cannot check (its own type 8 and 9 hashes, type 7 passwords,
 * 'nopassword') makes a user nobody can log in as: an error when XAUTH is
 * configured, else a warning, since these lines used to be router logins
 * espgwd ignored. No message ever shows a secret.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "conf_priv.h"
#include "passwd.h"

static void __attribute__((format(printf, 2, 3))) bad_user(struct st *s, const char *fmt, ...)
{
	struct p_baduser *b;
	va_list ap;

	if (s->nbad == MAX_BADUSERS)
		return;
	b = &s->bad[s->nbad++];
	b->line = s->line;
	va_start(ap, fmt);
	vsnprintf(b->what, sizeof(b->what), fmt, ap);
	va_end(ap);
}

static struct conf_user *user_add(struct st *s, const char *name)
{
	struct conf *c = s->c;
	struct conf_user *u;
	size_t i;

	for (i = 0; i < c->nusers; i++)
		if (!strcmp(c->users[i].name, name)) {
			cf_perr(s, "duplicate username %s (first at line %d)", name,
				c->users[i].line);
			return NULL;
		}
	if (c->nusers == s->userscap) {
		size_t cap = s->userscap ? 2 * s->userscap : 16;

		u = cap < 100000 ? realloc(c->users, cap * sizeof(*u)) : NULL;
		if (!u) {
			cf_perr(s, "too many users");
			return NULL;
		}
		c->users = u;
		s->userscap = cap;
	}
	u = &c->users[c->nusers];
	memset(u, 0, sizeof(*u));
	strcpy(u->name, name);
	u->line = s->line;
	return u;
}

/* A secret to keep: a usable hash as it is, a clear one hashed now. */
static int user_secret(struct st *s, const char *name, const char *value, bool clear)
{
	char hash[PASSWD_HASH_MAX];
	struct conf_user *u;

	if (!clear) {
		switch (passwd_check(value)) {
		case PASSWD_BAD:
			bad_user(s, "username %s: the secret is not a crypt(3) hash espgwd can check "
				 "(the router's own type 8 and 9 hashes are not): make one with "
				 "'espgw hash-password'", name);
			return 0;
		case PASSWD_WEAK:
			cf_warn(s, "username %s (line %d): the secret's hash is of a weak method; "
				"make a new one with 'espgw hash-password'", name, s->line);
			break;
		case PASSWD_GOOD:
			break;
		}
		if (strlen(value) >= sizeof(hash))
			return cf_perr(s, "username %s: the secret is too long", name);
		strcpy(hash, value);
	} else {
		if (passwd_hash(value, NULL, hash, sizeof(hash)))
			return cf_perr(s, "username %s: cannot hash the password (at most %d "
				       "characters)", name, PASSWD_MAX);
		cf_warn(s, "username %s (line %d): the password is in clear in the file; replace "
			"it with 'secret 9 HASH', the hash from 'espgw hash-password'", name,
			s->line);
	}
	u = user_add(s, name);
	if (!u)
		return -1;
	u->hash = strdup(hash);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (!u->hash)
		return cf_perr(s, "out of memory");
	s->c->nusers++;
	return 0;
}

/*
 * username NAME [privilege N] [algorithm-type T] secret [0|4|5|8|9] VALUE
 * username NAME [privilege N] password [0|7] VALUE
 * username NAME [privilege N] nopassword
 * Other attribute lines of a user (autocommand, view...) are ignored.
 */
int cf_username(struct st *s)
{
	const char *name, *kw, *type = NULL, *value;
	char text[80];
	int i = 2;

	if (s->ntok < 3)
		return cf_perr(s, "incomplete command, expected 'username NAME secret HASH'");
	name = s->tok[1];
	if (strlen(name) >= CONF_USER_MAX)
		return cf_perr(s, "username: '%.40s...' is too long (at most %d characters)", name,
			       CONF_USER_MAX - 1);
	if (i + 1 < s->ntok && !strcmp(s->tok[i], "privilege"))
		i += 2;
	if (i + 1 < s->ntok && !strcmp(s->tok[i], "algorithm-type"))
		i += 2;
	if (i >= s->ntok)
		return cf_perr(s, "incomplete command, expected 'username NAME secret HASH'");
	kw = s->tok[i++];
	if (!strcmp(kw, "nopassword")) {
		bad_user(s, "username %s: nopassword: XAUTH needs a secret", name);
		return 0;
	}
	if (strcmp(kw, "secret") && strcmp(kw, "password")) {
		snprintf(text, sizeof(text), "username %s %s", name, kw);
		cf_warn(s, "ignored: %s ... (line %d: not a secret)", text, s->line);
		return 0;
	}
	if (i + 1 < s->ntok && cf_is_num(s->tok[i]))
		type = s->tok[i++];
	if (i >= s->ntok)
		return cf_perr(s, "incomplete command, expected 'username NAME %s [TYPE] VALUE'",
			       kw);
	if (i + 1 < s->ntok)
		return cf_perr(s, "username %s: unexpected words after the %s", name, kw);
	value = s->tok[i];
	if (!strcmp(kw, "password")) {
		if (type && strcmp(type, "0")) {
			bad_user(s, "username %s: a type %s password is not taken for XAUTH: make a "
				 "secret with 'espgw hash-password'", name, type);
			return 0;
		}
		return user_secret(s, name, value, true);
	}
	if (type && strcmp(type, "0") && strcmp(type, "4") && strcmp(type, "5") &&
	    strcmp(type, "8") && strcmp(type, "9"))
		return cf_perr(s, "username %s: secret type '%s' is not known (0: in clear, "
			       "5, 8, 9: a hash)", name, type);
	/* a hash starts with '$'; what does not is a clear secret (IOS hashes it, so do we) */
	if ((type && !strcmp(type, "0")) || (!type && value[0] != '$'))
		return user_secret(s, name, value, true);
	return user_secret(s, name, value, false);
}

/* aaa authentication login NAME METHOD... */
int cf_aaa_login(struct st *s)
{
	struct p_aaa *a;
	size_t i;
	int k;

	if (s->ntok < 5)
		return cf_perr(s, "incomplete command, expected 'aaa authentication login LIST "
			       "local'");
	for (i = 0; i < s->naaa; i++)
		if (!strcmp(s->aaa[i].name, s->tok[3]))
			return cf_perr(s, "duplicate aaa authentication login %s (first at line %d)",
				       s->tok[3], s->aaa[i].line);
	if (s->naaa == MAX_AAA)
		return cf_perr(s, "too many aaa authentication login lists (at most %d)", MAX_AAA);
	a = &s->aaa[s->naaa];
	memset(a, 0, sizeof(*a));
	if (cf_name_copy(s, "aaa authentication login", s->tok[3], a->name))
		return -1;
	for (k = 4; k < s->ntok; k++)
		if (!strcmp(s->tok[k], "local") || !strcmp(s->tok[k], "local-case"))
			a->local = true;
	a->line = s->line;
	s->naaa++;
	return 0;
}

void cf_resolve_xauth(struct st *s)
{
	const struct p_aaa *a = NULL;
	struct conf *c = s->c;
	size_t i;

	if (!c->xauth_timeout)
		c->xauth_timeout = CONF_XAUTH_TIMEOUT_DEFAULT;
	if (s->authlist_line) {
		for (i = 0; i < s->naaa; i++)
			if (!strcmp(s->aaa[i].name, s->authlist))
				a = &s->aaa[i];
		if (!a)
			cf_lerr(s, s->authlist_line, "client authentication list %s: no 'aaa "
				"authentication login %s local'", s->authlist, s->authlist);
		else if (!a->local)
			cf_lerr(s, a->line, "aaa authentication login %s: espgwd checks XAUTH "
				"against local users only ('local'; RADIUS is not done yet)",
				a->name);
		else if (!c->nusers && !s->nbad)
			cf_lerr(s, s->authlist_line, "client authentication list %s: no user "
				"('username NAME secret HASH')", s->authlist);
		c->xauth = true;
	}
	for (i = 0; i < s->nbad; i++) {
		if (c->xauth)
			cf_lerr(s, s->bad[i].line, "%s", s->bad[i].what);
		else
			cf_warn(s, "ignored (line %d): %s", s->bad[i].line, s->bad[i].what);
	}
}
