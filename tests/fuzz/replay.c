/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Corpus replay: runs a fuzz harness on each file given, or on each file of
 * each directory given (FUZZ_CORPUS when none), without libFuzzer, so that
 * `make check` catches a parser regression on the committed corpus with the
 * normal compiler (and its sanitizers under SANITIZE=). One cmocka test per
 * file, named by its path; each runs in a child process so that a crash or an
 * abort fails that file and the others still run.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fuzz.h"

/* Tests run from the top of the tree; the harness's fragment sets this. */
#ifndef FUZZ_CORPUS
#error "FUZZ_CORPUS must name the harness's corpus directory"
#endif

/* Largest corpus file: libFuzzer's default -max_len is far below. */
#define REPLAY_MAX_FILE (1024 * 1024)

static int read_file(const char *path, uint8_t **data, size_t *len)
{
	uint8_t *buf;
	struct stat st;
	FILE *f;
	int ret = 0;

	f = fopen(path, "rbe");
	if (!f)
		return -errno;
	if (fstat(fileno(f), &st) < 0 || st.st_size > REPLAY_MAX_FILE) {
		fclose(f);
		return -EFBIG;
	}
	/* One spare byte: malloc(0) may return NULL. */
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		ret = -ENOMEM;
	else if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
		ret = -EIO;
	fclose(f);
	if (ret) {
		free(buf);
		return ret;
	}
	*data = buf;
	*len = (size_t)st.st_size;
	return 0;
}

static void replay_one(void **state)
{
	const char *path = *state;
	/* fail_msg() does not return, but gcc cannot tell. */
	uint8_t *data = NULL, *copy;
	size_t len = 0;
	pid_t pid;
	int status, ret;

	ret = read_file(path, &data, &len);
	if (ret)
		fail_msg("%s: %s", path, strerror(-ret));
	/* The child must not write out what the parent has buffered. */
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		/* An exact-size copy, so that ASan sees a read past the end. */
		copy = malloc(len ? len : 1);
		if (!copy)
			_exit(2);
		memcpy(copy, data, len);
		LLVMFuzzerTestOneInput(copy, len);
		free(copy);
		free(data);
		_exit(0);
	}
	free(data);
	if (waitpid(pid, &status, 0) < 0)
		fail_msg("waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status))
		fail_msg("%s: killed by signal %d", path, WTERMSIG(status));
	if (WEXITSTATUS(status))
		fail_msg("%s: exit status %d", path, WEXITSTATUS(status));
}

struct replay_list {
	struct CMUnitTest *tests;
	size_t n, size;
};

static void add(struct replay_list *l, char *path)
{
	struct CMUnitTest *t;

	if (l->n == l->size) {
		l->size = l->size ? 2 * l->size : 64;
		t = realloc(l->tests, l->size * sizeof(*t));
		if (!t)
			abort();
		l->tests = t;
	}
	l->tests[l->n++] = (struct CMUnitTest){
		.name = path,
		.test_func = replay_one,
		.initial_state = path,
	};
}

static int cmp_tests(const void *a, const void *b)
{
	return strcmp(((const struct CMUnitTest *)a)->name, ((const struct CMUnitTest *)b)->name);
}

/* A directory's regular files (not hidden ones such as an editor's), in name order. */
static int add_dir(struct replay_list *l, const char *dir)
{
	struct dirent *e;
	size_t first = l->n;
	char *path;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			abort();
		add(l, path);
	}
	closedir(d);
	qsort(l->tests + first, l->n - first, sizeof(*l->tests), cmp_tests);
	return 0;
}

static int add_arg(struct replay_list *l, const char *arg)
{
	struct stat st;
	char *path;

	if (stat(arg, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return add_dir(l, arg);
	path = strdup(arg);
	if (!path)
		abort();
	add(l, path);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = { FUZZ_CORPUS };
	const char *const *args = defaults;
	struct replay_list l = { 0 };
	size_t n = 1, i;
	int ret;

	if (argc > 1) {
		args = (const char *const *)argv + 1;
		n = (size_t)argc - 1;
	}
	for (i = 0; i < n; i++) {
		ret = add_arg(&l, args[i]);
		if (ret) {
			fprintf(stderr, "replay: %s: %s\n", args[i], strerror(-ret));
			return 1;
		}
	}
	/* An empty corpus would pass without testing anything. */
	if (!l.n) {
		fprintf(stderr, "replay: no corpus files in %s\n", args[0]);
		return 1;
	}
	ret = _cmocka_run_group_tests(argv[0], l.tests, l.n, NULL, NULL);
	for (i = 0; i < l.n; i++)
		free((char *)l.tests[i].name);
	free(l.tests);
	return ret;
}
