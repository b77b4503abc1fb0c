// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The partner configuration store: atomic replace by rename(2) in one
 * directory (POSIX: rename is atomic for other readers; fsync of the file
 * before and of the directory after makes it atomic across power loss on
 * ext4/f2fs with default mount options).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "util.h"

#define STORE_FILE_MAX	    (64 * 1024)
#define STORE_TEMP_PREFIX   ".tmp-"
#define STORE_RECORD_SUFFIX ".xml"

struct store {
	int root_fd;
	int dir_fd; /* partners/ */
	store_step_hook hook;
	void *hook_data;
	bool reader; /* store_open_reader(): nothing is written, created or removed */
};

static void step(struct store *st, enum store_step s)
{
	if (st->hook)
		st->hook(s, st->hook_data);
}

static int open_dir_at(int at, const char *name, bool create, int *fd)
{
	if (create && mkdirat(at, name, 0700) < 0 && errno != EEXIST)
		return -errno;
	*fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	return *fd < 0 ? -errno : 0;
}

/* Removes what an interrupted write left: its temporary file never became a record. */
static void remove_temps(int dir_fd)
{
	int fd = dup(dir_fd);
	struct dirent *de;
	DIR *d;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (strncmp(de->d_name, STORE_TEMP_PREFIX, strlen(STORE_TEMP_PREFIX)) == 0)
			unlinkat(dir_fd, de->d_name, 0);
	closedir(d);
}

static int open_store(struct store **out, const char *dir, bool reader, char *err, size_t err_len)
{
	struct store *st;
	int ret;

	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->root_fd = -1;
	st->dir_fd = -1;
	st->reader = reader;
	ret = open_dir_at(AT_FDCWD, dir, !reader, &st->root_fd);
	if (ret < 0) {
		snprintf(err, err_len, "state directory %s: %s", dir, strerror(-ret));
		goto fail;
	}
	ret = open_dir_at(st->root_fd, "partners", !reader, &st->dir_fd);
	if (ret < 0) {
		snprintf(err, err_len, "state directory %s/partners: %s", dir, strerror(-ret));
		goto fail;
	}
	/* A reader beside the running daemon must not take its temporary file. */
	if (!reader) {
		remove_temps(st->root_fd);
		remove_temps(st->dir_fd);
	}
	*out = st;
	return 0;
fail:
	store_close(st);
	return ret;
}

int store_open(struct store **out, const char *dir, char *err, size_t err_len)
{
	return open_store(out, dir, false, err, err_len);
}

int store_open_reader(struct store **out, const char *dir, char *err, size_t err_len)
{
	return open_store(out, dir, true, err, err_len);
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->dir_fd >= 0)
		close(st->dir_fd);
	if (st->root_fd >= 0)
		close(st->root_fd);
	free(st);
}

void store_set_step_hook(struct store *st, store_step_hook hook, void *user_data)
{
	st->hook = hook;
	st->hook_data = user_data;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The atomic write sequence; each step announced to the hook first. */
static int atomic_write(struct store *st, int dir_fd, const char *name, const uint8_t *data,
			size_t len, enum store_durability dur)
{
	char tmp[NAME_MAX + 1];
	size_t half = len / 2;
	int fd, ret;

	if (snprintf(tmp, sizeof(tmp), STORE_TEMP_PREFIX "%s", name) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	step(st, STORE_STEP_OPEN_TEMP);
	unlinkat(dir_fd, tmp, 0);
	fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	step(st, STORE_STEP_WRITE_FIRST_HALF);
	ret = write_all(fd, data, half);
	if (ret < 0)
		goto fail;
	step(st, STORE_STEP_WRITE_SECOND_HALF);
	ret = write_all(fd, data + half, len - half);
	if (ret < 0)
		goto fail;
	if (dur == STORE_DURABLE) {
		step(st, STORE_STEP_FSYNC_FILE);
		if (fsync(fd) < 0) {
			ret = -errno;
			goto fail;
		}
	}
	step(st, STORE_STEP_CLOSE);
	if (close(fd) < 0) {
		fd = -1;
		ret = -errno;
		goto fail;
	}
	fd = -1;
	step(st, STORE_STEP_RENAME);
	if (renameat(dir_fd, tmp, dir_fd, name) < 0) {
		ret = -errno;
		goto fail;
	}
	if (dur == STORE_DURABLE) {
		step(st, STORE_STEP_FSYNC_DIR);
		if (fsync(dir_fd) < 0)
			return -errno;
	}
	step(st, STORE_STEP_DONE);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlinkat(dir_fd, tmp, 0);
	return ret;
}

static int read_at(int dir_fd, const char *name, char **data, size_t *len)
{
	struct stat sb;
	ssize_t n;
	size_t got = 0;
	char *buf;
	int fd, ret;

	fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0) {
		ret = -errno;
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	/* A record is a document of at most CMC_XML_MAX_DOC plus its wrapper. */
	if (sb.st_size > (off_t)CMC_XML_MAX_DOC + 4096) {
		ret = -EFBIG;
		goto out;
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	ret = 0;
out:
	close(fd);
	return ret;
}

int store_record_name(const char *partner_id, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	const char *p;

	if (!partner_id || !*partner_id)
		return -EINVAL;
	/* Reversible: [A-Za-z0-9-] as is, anything else (., /, :) as _xx; no path, no hidden file. */
	for (p = partner_id; *p; p++) {
		unsigned char c = (unsigned char)*p;
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '-';

		if (o + (plain ? 1 : 3) + sizeof(STORE_RECORD_SUFFIX) > size ||
		    o + (plain ? 1 : 3) + sizeof(STORE_RECORD_SUFFIX) >
			    NAME_MAX + 1 - sizeof(STORE_TEMP_PREFIX))
			return -ENAMETOOLONG;
		if (plain) {
			out[o++] = (char)c;
		} else {
			out[o++] = '_';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	strcpy(out + o, STORE_RECORD_SUFFIX);
	return 0;
}

int store_put(struct store *st, const struct partner_config *cfg)
{
	char name[NAME_MAX + 1];
	uint8_t *rec;
	size_t len;
	int ret;

	if (st->reader)
		return -EROFS;
	ret = store_record_name(cfg->partner_id, name, sizeof(name));
	if (ret < 0)
		return ret;
	ret = cmc_xml_build_record(cfg, &rec, &len);
	if (ret < 0)
		return ret;
	ret = atomic_write(st, st->dir_fd, name, rec, len, STORE_DURABLE);
	util_wipe(rec, len);
	free(rec);
	return ret;
}

static int load_file(struct store *st, const char *name, time_t now, struct partner_config *cfg,
		     char *why, size_t why_len)
{
	char *data;
	size_t len;
	char t[32];
	int ret;

	ret = read_at(st->dir_fd, name, &data, &len);
	if (ret < 0) {
		snprintf(why, why_len, "%s", strerror(-ret));
		return ret;
	}
	ret = cmc_xml_parse_record((const uint8_t *)data, len, cfg, why, why_len);
	util_wipe(data, len);
	free(data);
	if (ret < 0)
		return ret;
	if (cfg->valid_until <= now) {
		cmc_xml_format_time(cfg->valid_until, t);
		snprintf(why, why_len, "partner configuration of %s expired at %s", cfg->partner_id,
			 t);
		partner_config_clear(cfg);
		return -ESTALE;
	}
	return 0;
}

int store_get(struct store *st, const char *partner_id, time_t now, struct partner_config *cfg,
	      char *why, size_t why_len)
{
	char name[NAME_MAX + 1];
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	ret = store_record_name(partner_id, name, sizeof(name));
	if (ret < 0)
		return ret;
	ret = load_file(st, name, now, cfg, why, why_len);
	if (ret == -ENOENT)
		snprintf(why, why_len, "no stored configuration for partner %s", partner_id);
	return ret;
}

int store_remove(struct store *st, const char *partner_id)
{
	char name[NAME_MAX + 1];
	int ret;

	if (st->reader)
		return -EROFS;
	ret = store_record_name(partner_id, name, sizeof(name));
	if (ret < 0)
		return ret;
	if (unlinkat(st->dir_fd, name, 0) < 0)
		return -errno;
	return fsync(st->dir_fd) < 0 ? -errno : 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int store_load_all(struct store *st, time_t now, struct partner_config *out, size_t max, size_t *n,
		   store_report_fn report, void *user_data)
{
	char why[CMC_XML_ERRMSG_MAX];
	char **names = NULL;
	size_t n_names = 0, i;
	struct dirent *de;
	DIR *d;
	int fd, ret = 0;

	*n = 0;
	fd = dup(st->dir_fd);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char **grown;

		if (de->d_name[0] == '.' || l <= strlen(STORE_RECORD_SUFFIX) ||
		    strcmp(de->d_name + l - strlen(STORE_RECORD_SUFFIX), STORE_RECORD_SUFFIX) != 0)
			continue;
		grown = realloc(names, (n_names + 1) * sizeof(*names));
		if (!grown) {
			ret = -ENOMEM;
			goto out;
		}
		names = grown;
		names[n_names] = strdup(de->d_name);
		if (!names[n_names]) {
			ret = -ENOMEM;
			goto out;
		}
		n_names++;
	}
	if (n_names)
		qsort(names, n_names, sizeof(*names), cmp_names);
	for (i = 0; i < n_names && *n < max; i++) {
		why[0] = '\0';
		ret = load_file(st, names[i], now, &out[*n], why, sizeof(why));
		if (ret < 0) {
			if (report)
				report(names[i], ret, why, user_data);
			continue;
		}
		(*n)++;
	}
	ret = 0;
out:
	for (i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return ret;
}

static bool valid_file_name(const char *name)
{
	const char *p;

	if (!name || !*name || *name == '.' || strlen(name) > 64 || strcmp(name, "partners") == 0)
		return false;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '-'))
			return false;
	return true;
}

int store_put_file(struct store *st, const char *name, const void *data, size_t len,
		   enum store_durability dur)
{
	if (st->reader)
		return -EROFS;
	if (!valid_file_name(name))
		return -EINVAL;
	if (len > STORE_FILE_MAX)
		return -EFBIG;
	return atomic_write(st, st->root_fd, name, data, len, dur);
}

int store_get_file(struct store *st, const char *name, char **data, size_t *len)
{
	if (!valid_file_name(name))
		return -EINVAL;
	return read_at(st->root_fd, name, data, len);
}
