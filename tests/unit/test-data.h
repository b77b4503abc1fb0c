/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads a file of tests/unit/data (tests run from the top of the tree). */
#ifndef MCMIG_TEST_DATA_H
#define MCMIG_TEST_DATA_H

#include <stdio.h>
#include <stdlib.h>

static inline char *test_data_read_path(const char *path, size_t *len)
{
	char *buf;
	FILE *f;
	long n;

	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s (run from the top of the tree)\n", path);
		abort();
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		abort();
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static inline char *test_data_read(const char *name, size_t *len)
{
	char path[256];

	snprintf(path, sizeof(path), "tests/unit/data/%s", name);
	return test_data_read_path(path, len);
}

#endif
