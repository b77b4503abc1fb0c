// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What persisting the migration journal costs (issue 12, "persist intent
 * before acting"; tests/perf/persist.sh). A journal the daemon wrote is
 * parsed once, then written N times through the daemon's own path
 * (journal_format and store_put_file, agent/store.c: temporary file, fsync,
 * rename, fsync of the directory when durable; temporary file and rename
 * when it need only outlive the process), and, interleaved with it on the
 * same filesystem, the anchors this program does itself with the same bytes:
 *
 *   format   journal_format alone
 *   store    journal_format + store_put_file(STORE_DURABLE): the daemon's
 *            journal write when the intent changes or a restart resumes
 *            from the state
 *   process  journal_format + store_put_file(STORE_PROCESS): its other
 *            journal writes
 *   fsync    open, write, fsync, close, rename: a durable replace without the
 *            directory's fsync
 *   nosync   open, write, close, rename: what the file system costs when
 *            nothing waits for the disk
 *   inplace  pwrite over the start of a file already allocated, fdatasync:
 *            a durable write that changes no metadata (what a design with
 *            two preallocated slots, the journal's CRC choosing the valid
 *            newer one, would pay instead of a rename)
 *
 * Prints one "<variant> <microseconds>" line per write on stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "store.h"

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int read_file(const char *path, char *buf, size_t size, size_t *len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	*len = (size_t)n;
	return 0;
}

/* The anchors: the same bytes replaced by rename, with or without fsync. */
static int plain_write(int dir_fd, const char *text, size_t len, bool sync)
{
	ssize_t n;
	int fd;

	fd = openat(dir_fd, ".tmp-journal", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n != (ssize_t)len || (sync && fsync(fd) < 0)) {
		close(fd);
		return n < 0 ? -errno : -EIO;
	}
	if (close(fd) < 0)
		return -errno;
	return renameat(dir_fd, ".tmp-journal", dir_fd, "journal") < 0 ? -errno : 0;
}

static int inplace_write(int fd, const char *text, size_t len)
{
	if (pwrite(fd, text, len, 0) != (ssize_t)len)
		return -EIO;
	return fdatasync(fd) < 0 ? -errno : 0;
}

static int open_sub(const char *dir, const char *sub, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", dir, sub);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void usage(void)
{
	fprintf(stderr, "usage: mcmig-persist-bench --dir DIR --journal FILE [--writes N]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "journal", required_argument, NULL, 'j' },
		{ "writes", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	static char in[JOURNAL_TEXT_MAX], text[JOURNAL_TEXT_MAX];
	const char *dir = NULL, *jpath = NULL;
	char why[256], path[4096];
	struct journal j;
	struct store *st;
	int fsync_fd, nosync_fd, inplace_fd, c, ret;
	long writes = 200, i;
	size_t len;
	int64_t t0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'j':
			jpath = optarg;
			break;
		case 'n':
			writes = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
			return 2;
		}
	}
	if (!dir || !jpath || writes <= 0) {
		usage();
		return 2;
	}
	ret = read_file(jpath, in, sizeof(in), &len);
	if (ret < 0) {
		fprintf(stderr, "%s: %s\n", jpath, strerror(-ret));
		return 1;
	}
	if (journal_parse(in, len, &j, why, sizeof(why)) < 0) {
		fprintf(stderr, "%s: not a journal: %s\n", jpath, why);
		return 1;
	}
	fsync_fd = open_sub(dir, "fsync", path, sizeof(path));
	nosync_fd = open_sub(dir, "nosync", path, sizeof(path));
	/* Allocated and synced once, so that each write overwrites blocks in place. */
	snprintf(path, sizeof(path), "%s/inplace", dir);
	inplace_fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (inplace_fd >= 0 &&
	    (posix_fallocate(inplace_fd, 0, JOURNAL_TEXT_MAX) != 0 || fsync(inplace_fd) < 0)) {
		close(inplace_fd);
		inplace_fd = -1;
	}
	if (fsync_fd < 0 || nosync_fd < 0 || inplace_fd < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/store", dir);
	ret = store_open(&st, path, why, sizeof(why));
	if (ret < 0) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	/* Interleaved, so that each variant meets the same disk at the same time. */
	for (i = 0; i < writes; i++) {
		t0 = now_us();
		ret = journal_format(&j, text, sizeof(text), &len);
		printf("format %lld\n", (long long)(now_us() - t0));
		if (ret == 0) {
			t0 = now_us();
			ret = journal_format(&j, text, sizeof(text), &len);
			if (ret == 0)
				ret = store_put_file(st, "journal", text, len, STORE_DURABLE);
			printf("store %lld\n", (long long)(now_us() - t0));
		}
		if (ret == 0) {
			t0 = now_us();
			ret = journal_format(&j, text, sizeof(text), &len);
			if (ret == 0)
				ret = store_put_file(st, "journal", text, len, STORE_PROCESS);
			printf("process %lld\n", (long long)(now_us() - t0));
		}
		if (ret == 0) {
			t0 = now_us();
			ret = plain_write(fsync_fd, text, len, true);
			printf("fsync %lld\n", (long long)(now_us() - t0));
		}
		if (ret == 0) {
			t0 = now_us();
			ret = plain_write(nosync_fd, text, len, false);
			printf("nosync %lld\n", (long long)(now_us() - t0));
		}
		if (ret == 0) {
			t0 = now_us();
			ret = inplace_write(inplace_fd, text, len);
			printf("inplace %lld\n", (long long)(now_us() - t0));
		}
		if (ret < 0) {
			fprintf(stderr, "write %ld: %s\n", i + 1, strerror(-ret));
			break;
		}
	}
	printf("bytes %zu\n", len);
	store_close(st);
	close(fsync_fd);
	close(nosync_fd);
	close(inplace_fd);
	return ret < 0 ? 1 : 0;
}
