/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data-plane commands' arguments, in iproute2's grammar, into the structs
 * that go into requests. Keywords are exact; each returns 0 or -EINVAL with a
 * message that names the command and the bad argument (never a key) in e.
 */
#ifndef _ESPGW_ARGS_H_
#define _ESPGW_ARGS_H_

#include <stdbool.h>

#include "parse.h"
#include "policy.h"
#include "sa.h"

/*
 * src A dst B spi SPI dir in|out enc ALG KEY [auth ALG KEY] [replay-window N]
 * [legacy] [sel src PFX dst PFX [proto P]] [soft-bytes N] [hard-bytes N]
 * [soft-packets N] [hard-packets N] [soft-secs N] [hard-secs N]
 * [encap espinudp sport PORT dport PORT | encap none]
 * sport and dport are the UDP ports of the SA's packets, as src and dst are their
 * addresses (inbound: the peer's port, then ours); they go into the request as
 * the SA's local and peer port.
 * KEY is @PATH (read from the file), @- (a line of standard input, each @- the
 * next line) or the hex itself; e->key_in_argv says when one was the latter.
 */
int espgw_args_sa_add(const char *cmd, int argc, char **argv, struct espgw_sa *sa,
		      struct argerr *e);
/* [dst B] [spi SPI]; both required when required is set */
int espgw_args_sa_id(const char *cmd, int argc, char **argv, bool required,
		     struct espgw_sa *sa, struct argerr *e);
/* id N [priority P] src PFX dst PFX [proto P] action ACTION [sa dst B spi SPI] */
int espgw_args_policy_add(const char *cmd, int argc, char **argv, struct espgw_policy *p,
			  struct argerr *e);
/* [id N]; required when required is set */
int espgw_args_policy_id(const char *cmd, int argc, char **argv, bool required,
			 struct espgw_policy *p, struct argerr *e);
/* no arguments at all */
int espgw_args_none(const char *cmd, int argc, char **argv, struct argerr *e);

#endif /* _ESPGW_ARGS_H_ */
