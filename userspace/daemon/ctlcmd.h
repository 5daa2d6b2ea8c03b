/* SPDX-License-Identifier: GPL-2.0 */
/* The control socket's commands: show, stats, clear, pool show [json]. */
#ifndef _ESPGW_CTLCMD_H_
#define _ESPGW_CTLCMD_H_

#include <stdint.h>
#include <stdio.h>

struct ike_engine;

/* Answer one command line (no newline) into out. */
void ctl_command(struct ike_engine *e, const char *cmd, FILE *out, uint64_t now);

#endif /* _ESPGW_CTLCMD_H_ */
