/* SPDX-License-Identifier: GPL-2.0 */
/*
 * espgwd's control socket, for 'espgw ike' and 'espgw pool': a client connects,
 * sends one command line, reads the answer and the daemon closes. Connections
 * are served from the daemon's poll loop and never block it: each is
 * non-blocking, the answer is made in memory and written as the client takes
 * it, and a connection that is slow to send its command or to read its answer
 * is closed at its deadline.
 */
#ifndef _ESPGW_CTL_H_
#define _ESPGW_CTL_H_

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define CTL_DEFAULT_DIR		"/run/espgw"
#define CTL_DEFAULT_PATH	CTL_DEFAULT_DIR "/espgwd.sock"

#define CTL_MAX_CONN	16	/* connections served at once; the next ones are refused */
#define CTL_CMD_MS	2000	/* to send the command line */
#define CTL_TOTAL_MS	10000	/* to send it and read the whole answer */
#define CTL_CMD_MAX	128	/* the longest command line, with its newline */
#define CTL_POLLFDS	(1 + CTL_MAX_CONN)	/* what ctl_pollfds() may fill */

/* Write the answer to cmd (one line, without its newline) to out. */
typedef void (*ctl_handler)(void *arg, const char *cmd, FILE *out);

struct ctl_conf {
	const char *path;
	/*
	 * The socket's directory is espgwd's own (the default /run/espgw): made
	 * (0750) when missing, refused unless it is a directory (not a symlink)
	 * owned by this process's uid or by uid, writable by its owner only; then
	 * given to uid:gid, the user espgwd runs as, so it can remove the socket at
	 * exit. Otherwise the directory is the admin's choice and left alone.
	 */
	bool own_dir;
	uid_t uid;
	gid_t gid;
	ctl_handler handler;
	void *arg;
	unsigned int cmd_ms, total_ms;	/* 0: CTL_CMD_MS, CTL_TOTAL_MS */
	uint64_t (*now_ms)(void);	/* NULL: CLOCK_MONOTONIC */
};

struct ctl;

/*
 * Create and listen on the socket, born 0600 whatever the umask. A socket
 * left at the path by an earlier run is replaced; anything else there (a
 * symlink, a file) is refused, never followed. NULL with the reason in err.
 */
struct ctl *ctl_open(const struct ctl_conf *conf, char *err, size_t errlen);
/* The descriptors to poll (at most CTL_POLLFDS); returns how many were filled. */
size_t ctl_pollfds(struct ctl *c, struct pollfd *pfd);
/* Milliseconds until the next deadline, -1 when there is none. */
int ctl_timeout(const struct ctl *c);
/* After poll: serve what pfd (the n that ctl_pollfds filled) says, close what is late. */
void ctl_run(struct ctl *c, const struct pollfd *pfd, size_t n);
/* Connections open now. */
unsigned int ctl_conns(const struct ctl *c);
/* Close everything and remove the socket; returns 0 or -errno of the removal. */
int ctl_close(struct ctl *c);

#endif /* _ESPGW_CTL_H_ */
