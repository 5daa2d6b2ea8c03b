// SPDX-License-Identifier: GPL-2.0
/*
 * espgwd's control socket. Each connection is a small state machine driven
 * from the poll loop: READ (the command line, by CTL_CMD_MS), then the whole
 * answer is made in memory by the handler, then WRITE (as the client takes it,
 * all by CTL_TOTAL_MS), then close.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"

enum conn_state { CONN_FREE, CONN_READ, CONN_WRITE };

struct conn {
	enum conn_state st;
	int fd;
	uint64_t cmd_deadline, deadline;
	char cmd[CTL_CMD_MAX];
	size_t cmd_len;
	char *out;		/* the answer, from open_memstream */
	size_t out_len, out_off;
};

struct ctl {
	struct ctl_conf conf;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;
	unsigned int n;		/* connections open */
	struct conn conn[CTL_MAX_CONN];
	int slot[CTL_POLLFDS];	/* what ctl_pollfds() put in each pollfd: -1 the listener */
	size_t nslots;
};

static const char too_many[] = "error: too many control connections, try again\n";

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t now(const struct ctl *c)
{
	return c->conf.now_ms ? c->conf.now_ms() : mono_ms();
}

__attribute__((format(printf, 3, 4)))
static void seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/*
 * The directory of an espgwd-owned socket: made if missing, then checked
 * without following a symlink, and given to the daemon's user.
 */
static int own_dir(const struct ctl_conf *conf, char *err, size_t errlen)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st, fst;
	char *slash;
	int dfd, ret = -1;

	snprintf(dir, sizeof(dir), "%s", conf->path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		seterr(err, errlen, "control socket %s: no directory of its own", conf->path);
		errno = EINVAL;
		return -1;
	}
	*slash = '\0';
	if (mkdir(dir, 0750) && errno != EEXIST) {
		seterr(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st)) {
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		seterr(err, errlen, "%s is %s, not a directory: refusing to put the control "
		       "socket there (remove it)", dir,
		       S_ISLNK(st.st_mode) ? "a symlink" : "a file");
		errno = ENOTDIR;
		return -1;
	}
	if (st.st_uid != geteuid() && st.st_uid != conf->uid) {
		seterr(err, errlen, "%s belongs to uid %u, not to espgwd (uid %u or %u): refusing "
		       "to put the control socket there", dir, (unsigned int)st.st_uid,
		       (unsigned int)geteuid(), (unsigned int)conf->uid);
		errno = EPERM;
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		seterr(err, errlen, "%s is writable by group or others (mode %04o): refusing to "
		       "put the control socket there (chmod 0750 it)", dir,
		       (unsigned int)(st.st_mode & 07777));
		errno = EPERM;
		return -1;
	}
	/* the same directory as the one checked, and no symlink in its place since */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &fst) || fst.st_dev != st.st_dev || fst.st_ino != st.st_ino) {
		seterr(err, errlen, "%s changed while it was checked", dir);
		errno = EAGAIN;
		goto out;
	}
	if ((fst.st_uid != conf->uid || fst.st_gid != conf->gid) &&
	    fchown(dfd, conf->uid, conf->gid)) {
		seterr(err, errlen, "cannot give %s to uid %u: %s", dir, (unsigned int)conf->uid,
		       strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (dfd >= 0)
		close(dfd);
	return ret;
}

struct ctl *ctl_open(const struct ctl_conf *conf, char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct ctl *c;
	struct stat st;
	mode_t mask;
	size_t i;
	int ret, e;

	if (strlen(conf->path) >= sizeof(a.sun_path)) {
		seterr(err, errlen, "control socket path too long: %s", conf->path);
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (conf->own_dir && own_dir(conf, err, errlen))
		return NULL;
	/* a socket of an earlier run is replaced; anything else is not ours */
	if (!lstat(conf->path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			seterr(err, errlen, "%s exists and is %s, not a socket: refusing to "
			       "replace it", conf->path, S_ISLNK(st.st_mode) ? "a symlink" :
			       S_ISREG(st.st_mode) ? "a file" : S_ISDIR(st.st_mode) ?
			       "a directory" : "something else");
			errno = EEXIST;
			return NULL;
		}
		if (unlink(conf->path) && errno != ENOENT) {
			seterr(err, errlen, "cannot remove the old %s: %s", conf->path,
			       strerror(errno));
			return NULL;
		}
	} else if (errno != ENOENT) {
		seterr(err, errlen, "%s: %s", conf->path, strerror(errno));
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	c->conf = *conf;
	if (!c->conf.cmd_ms)
		c->conf.cmd_ms = CTL_CMD_MS;
	if (!c->conf.total_ms)
		c->conf.total_ms = CTL_TOTAL_MS;
	strcpy(c->path, conf->path);
	c->conf.path = c->path;
	for (i = 0; i < CTL_MAX_CONN; i++)
		c->conn[i].fd = -1;
	strcpy(a.sun_path, c->path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		goto fail;
	/* born srw------- (bind makes it 0777 & ~umask): no chmod, no window */
	mask = umask(0177);
	ret = bind(c->fd, (struct sockaddr *)&a, sizeof(a));
	e = errno;
	umask(mask);
	errno = e;
	if (ret)
		goto fail;
	if (listen(c->fd, CTL_MAX_CONN)) {
		e = errno;
		unlink(c->path);
		errno = e;
		goto fail;
	}
	return c;
fail:
	e = errno;
	seterr(err, errlen, "cannot create control socket %s: %s", conf->path, strerror(e));
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	errno = e;
	return NULL;
}

/* read what the client sent beyond its command, so that the close is no reset */
static void drain_close(int fd)
{
	char junk[512];
	int i;

	for (i = 0; i < 8 && recv(fd, junk, sizeof(junk), MSG_DONTWAIT) > 0; i++)
		;
	close(fd);
}

static void conn_close(struct ctl *c, struct conn *k)
{
	drain_close(k->fd);
	free(k->out);
	memset(k, 0, sizeof(*k));
	k->fd = -1;
	k->st = CONN_FREE;
	c->n--;
}

static void conn_write(struct ctl *c, struct conn *k)
{
	while (k->out_off < k->out_len) {
		ssize_t n = send(k->fd, k->out + k->out_off, k->out_len - k->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;		/* the rest when the client reads */
		if (n <= 0) {
			conn_close(c, k);	/* the client went away */
			return;
		}
		k->out_off += (size_t)n;
	}
	conn_close(c, k);
}

/* The command is complete: make the whole answer, then send it. */
static void conn_answer(struct ctl *c, struct conn *k)
{
	char *nl = memchr(k->cmd, '\n', k->cmd_len);
	FILE *f;

	if (nl)
		*nl = '\0';
	else
		k->cmd[k->cmd_len] = '\0';
	if (nl && nl > k->cmd && nl[-1] == '\r')
		nl[-1] = '\0';
	f = open_memstream(&k->out, &k->out_len);
	if (!f) {
		conn_close(c, k);
		return;
	}
	if (!nl && k->cmd_len == sizeof(k->cmd) - 1)
		fprintf(f, "error: command too long\n");
	else
		c->conf.handler(c->conf.arg, k->cmd, f);
	if (fclose(f)) {
		conn_close(c, k);
		return;
	}
	k->st = CONN_WRITE;
	conn_write(c, k);
}

static void conn_read(struct ctl *c, struct conn *k)
{
	for (;;) {
		ssize_t n = read(k->fd, k->cmd + k->cmd_len, sizeof(k->cmd) - 1 - k->cmd_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			conn_close(c, k);
			return;
		}
		k->cmd_len += (size_t)n;
		/* a newline, the end of what the client sends, or a full buffer */
		if (n == 0 || memchr(k->cmd + k->cmd_len - n, '\n', (size_t)n) ||
		    k->cmd_len == sizeof(k->cmd) - 1) {
			conn_answer(c, k);
			return;
		}
	}
}

static void ctl_accept(struct ctl *c)
{
	unsigned int tries;
	uint64_t t = now(c);
	size_t i;
	int fd;

	/* bounded, so a flood of connections cannot keep the engine waiting */
	for (tries = 0; tries < 2 * CTL_MAX_CONN; tries++) {
		fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;
		}
		if (c->n == CTL_MAX_CONN) {
			/* best effort: the client sees this error, or nothing */
			(void)send(fd, too_many, sizeof(too_many) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
			drain_close(fd);
			log_ratelimited("control socket: %u connections open, refusing another",
					CTL_MAX_CONN);
			continue;
		}
		for (i = 0; c->conn[i].st != CONN_FREE; i++)
			;
		c->conn[i] = (struct conn){
			.st = CONN_READ, .fd = fd,
			.cmd_deadline = t + c->conf.cmd_ms, .deadline = t + c->conf.total_ms,
		};
		c->n++;
		conn_read(c, &c->conn[i]);	/* the command may be there already */
	}
}

/* close the connections that are late */
static void ctl_expire(struct ctl *c)
{
	uint64_t t = now(c);
	size_t i;

	for (i = 0; i < CTL_MAX_CONN; i++) {
		struct conn *k = &c->conn[i];

		if (k->st == CONN_FREE)
			continue;
		if (t >= k->deadline || (k->st == CONN_READ && t >= k->cmd_deadline)) {
			log_ratelimited("control socket: closing a connection that %s in time",
					k->st == CONN_READ ? "sent no command" :
					"did not read its answer");
			conn_close(c, k);
		}
	}
}

size_t ctl_pollfds(struct ctl *c, struct pollfd *pfd)
{
	size_t n = 0, i;

	pfd[n] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
	c->slot[n++] = -1;
	for (i = 0; i < CTL_MAX_CONN; i++) {
		const struct conn *k = &c->conn[i];

		if (k->st == CONN_FREE)
			continue;
		pfd[n] = (struct pollfd){
			.fd = k->fd, .events = k->st == CONN_READ ? POLLIN : POLLOUT,
		};
		c->slot[n++] = (int)i;
	}
	c->nslots = n;
	return n;
}

int ctl_timeout(const struct ctl *c)
{
	uint64_t t = now(c), next = UINT64_MAX;
	size_t i;

	for (i = 0; i < CTL_MAX_CONN; i++) {
		const struct conn *k = &c->conn[i];
		uint64_t d;

		if (k->st == CONN_FREE)
			continue;
		d = k->deadline;
		if (k->st == CONN_READ && k->cmd_deadline < d)
			d = k->cmd_deadline;
		if (d < next)
			next = d;
	}
	if (next == UINT64_MAX)
		return -1;
	if (next <= t)
		return 0;
	return next - t > 60000 ? 60000 : (int)(next - t);
}

void ctl_run(struct ctl *c, const struct pollfd *pfd, size_t n)
{
	bool listener = false;
	size_t i;

	if (n > c->nslots)
		n = c->nslots;
	/* the connections polled first, then new ones: a slot freed here is not reused yet */
	for (i = 0; i < n; i++) {
		struct conn *k;

		if (!pfd[i].revents)
			continue;
		if (c->slot[i] < 0) {
			listener = true;
			continue;
		}
		k = &c->conn[c->slot[i]];
		if (k->fd != pfd[i].fd)
			continue;
		if (k->st == CONN_READ)
			conn_read(c, k);
		else if (k->st == CONN_WRITE)
			conn_write(c, k);
	}
	c->nslots = 0;
	ctl_expire(c);
	if (listener)
		ctl_accept(c);
}

unsigned int ctl_conns(const struct ctl *c)
{
	return c->n;
}

int ctl_close(struct ctl *c)
{
	size_t i;
	int ret = 0;

	if (!c)
		return 0;
	for (i = 0; i < CTL_MAX_CONN; i++)
		if (c->conn[i].st != CONN_FREE)
			conn_close(c, &c->conn[i]);
	close(c->fd);
	if (unlink(c->path) && errno != ENOENT)
		ret = -errno;
	free(c);
	return ret;
}
