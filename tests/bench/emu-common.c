// SPDX-License-Identifier: GPL-2.0-or-later
/* Socket and pty set-up shared by the bench modem emulators. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "tests/bench/emu-common.h"

#define EMU_LISTEN_BACKLOG 16

int emu_parse_u32(const char *s, uint32_t max, uint32_t *v)
{
	unsigned long long x;
	char *end;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || end == s || *end || x > max)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

int emu_parse_prefixed(const char *s, int af, void *addr, unsigned int *prefix)
{
	char buf[INET6_ADDRSTRLEN + 4];
	char *slash;
	uint32_t p;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash || emu_parse_u32(slash + 1, af == AF_INET ? 32 : 128, &p) < 0)
		return -EINVAL;
	*slash = '\0';
	if (inet_pton(af, buf, addr) != 1)
		return -EINVAL;
	*prefix = p;
	return 0;
}

int emu_listen_abstract(const char *name, int flags)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	int fd;

	if (len + 1 > sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path + 1, name, len);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)) < 0 ||
	    listen(fd, EMU_LISTEN_BACKLOG) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int emu_open_pty(const char *link, int *slave)
{
	struct termios t;
	const char *name;
	int master, err;

	*slave = -1;
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -errno;
	if (grantpt(master) < 0 || unlockpt(master) < 0 || !(name = ptsname(master)))
		goto fail;
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0 || tcgetattr(*slave, &t) < 0)
		goto fail;
	cfmakeraw(&t);
	if (tcsetattr(*slave, TCSANOW, &t) < 0)
		goto fail;
	unlink(link);
	if (symlink(name, link) < 0)
		goto fail;
	return master;
fail:
	err = -errno;
	if (*slave >= 0)
		close(*slave);
	*slave = -1;
	close(master);
	return err;
}
