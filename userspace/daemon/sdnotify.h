/* SPDX-License-Identifier: GPL-2.0 */
/*
 * systemd's readiness protocol (sd_notify(3)) without libsystemd: one datagram
 * to the AF_UNIX socket named by $NOTIFY_SOCKET, a path or, with a leading
 * '@', an abstract name.
 */
#ifndef _ESPGW_SDNOTIFY_H_
#define _ESPGW_SDNOTIFY_H_

/*
 * Send STATE ("READY=1", "STOPPING=1", "STATUS=...", lines separated by '\n').
 * Returns 1 when sent, 0 when $NOTIFY_SOCKET is unset or empty (not run by
 * systemd), a negative errno otherwise (-EAFNOSUPPORT: not a path or '@name').
 */
int sd_notify_send(const char *state);

#endif /* _ESPGW_SDNOTIFY_H_ */
