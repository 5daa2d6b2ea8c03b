/* SPDX-License-Identifier: GPL-2.0 */
/* Notifications of the events multicast group (espgw monitor). */
#ifndef _ESPGW_EVENT_H_
#define _ESPGW_EVENT_H_

#include <stdbool.h>
#include <stdio.h>

#include <netlink/msg.h>

/*
 * Print an sa-expire-ntf, acquire-ntf or new-mapping-ntf as one line of text or one JSON object
 * on a line. Return: 1 printed, 0 not a notification of ours (nothing printed),
 * -EINVAL malformed.
 */
int espgw_event_print(struct nl_msg *msg, FILE *f, bool json);

#endif /* _ESPGW_EVENT_H_ */
