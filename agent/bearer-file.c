// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bearer-file.h"
#include "util.h"

int bearer_file_read(const char *path, char *buf, size_t size, char *reason, size_t reason_len)
{
	struct stat sb;
	ssize_t n;
	size_t len;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		ret = -errno;
		snprintf(reason, reason_len, "token file %s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &sb) < 0 || (sb.st_mode & 077)) {
		ret = -EPERM;
		snprintf(reason, reason_len,
			 "token file %s is accessible to others (mode %04o): it must be 0600", path,
			 (unsigned int)(sb.st_mode & 07777));
		goto out;
	}
	n = read(fd, buf, size);
	if (n < 0 || (size_t)n >= size) {
		ret = n < 0 ? -errno : -EFBIG;
		snprintf(reason, reason_len, "token file %s: %s", path,
			 n < 0 ? strerror(errno) : "too large for a token");
		goto out;
	}
	len = (size_t)n;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
		len--;
	buf[len] = '\0';
	/* RFC 6750 2.1: b64token; anything else (CR/LF above all) would forge headers. */
	if (len == 0 || strspn(buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				    "0123456789-._~+/=") != len) {
		ret = -EINVAL;
		snprintf(reason, reason_len, "token file %s does not hold a bearer token", path);
		goto out;
	}
	ret = (int)len;
out:
	if (ret < 0)
		util_wipe(buf, size);
	close(fd);
	return ret;
}
