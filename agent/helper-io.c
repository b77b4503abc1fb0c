// SPDX-License-Identifier: GPL-2.0-or-later
/* The helper programs' standard input and output (agent/helper-io.h). */
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib.h>

#include "helper-io.h"

void helper_io_setup(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	g_log_writer_default_set_use_stderr(TRUE);
}

int helper_io_read_input(uint8_t *buf, size_t size, size_t *len)
{
	size_t n = 0;
	ssize_t r;

	while (n < size) {
		r = read(STDIN_FILENO, buf + n, size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return 0;
}

int helper_io_write_answer(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = write(STDOUT_FILENO, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += (size_t)n;
		len -= (size_t)n;
	}
	return 0;
}
