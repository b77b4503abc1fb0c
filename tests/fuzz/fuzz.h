/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every harness of tests/fuzz shares. A harness is one
 * LLVMFuzzerTestOneInput() per parser family: built with clang and libFuzzer
 * by `make fuzz`, and with the normal compiler against replay.c, which feeds
 * it the committed corpus in `make check`. A broken invariant aborts, so
 * both libFuzzer and the replay see it as a crash.
 */
#ifndef MCMIG_FUZZ_H
#define MCMIG_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Not assert(): it would vanish under NDEBUG. */
static inline void fuzz_require(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz: invariant broken: %s\n", what);
	abort();
}

/* A NUL-terminated copy for the parsers that take C strings (malloc'd). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Whether a fixed-size string field is NUL-terminated inside its array. */
static inline bool fuzz_terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

#endif
