// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

int sd_notify_send(const char *state)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len, slen = strlen(state);
	socklen_t alen;
	ssize_t n;
	int fd, err = 0;

	if (!name || !*name)
		return 0;
	if (name[0] != '/' && name[0] != '@')
		return -EAFNOSUPPORT;
	len = strlen(name);
	if (len >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, name, len);
	alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';	/* abstract: the length says where it ends */
	else
		alen++;			/* a path: with its NUL */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = sendto(fd, state, slen, MSG_NOSIGNAL, (struct sockaddr *)&sa, alen);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != slen)
		err = -EMSGSIZE;
	close(fd);
	return err ? err : 1;
}
