/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers shared by the HAL and the agent: hex codecs, wiping secrets,
 * bounded string copies. Pure: no I/O, no globals.
 */
#ifndef MCMIG_UTIL_H
#define MCMIG_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Decodes exactly @out_len bytes from @hex (upper or lower case, no
 * separators). Returns 0, or -EINVAL when @hex is not 2 * @out_len hex digits.
 */
int util_hex_decode(const char *hex, uint8_t *out, size_t out_len);

/*
 * Decodes a hex string of any even length up to @max bytes; *@out_len gets the
 * length. Returns 0, -EINVAL (odd length, bad digit) or -E2BIG.
 */
int util_hex_decode_var(const char *hex, uint8_t *out, size_t max, size_t *out_len);

/* Writes 2 * @len lowercase hex digits and a NUL to @out (size >= 2 * len + 1). */
void util_hex_encode(const uint8_t *in, size_t len, char *out);

/* Wipes memory that held a secret; not optimised away. NULL is accepted. */
void util_wipe(void *p, size_t len);

/* Constant-time comparison of two equally long byte strings. */
bool util_equal_ct(const uint8_t *a, const uint8_t *b, size_t len);

/*
 * Copies @src into @dst (size @size) and NUL-terminates. Returns 0, or -E2BIG
 * when @src does not fit (then @dst is the empty string, never a truncation).
 */
int util_strlcpy(char *dst, const char *src, size_t size);

/* snprintf at buf + *used, advancing *used; -E2BIG (nothing counted) instead
 * of truncating. */
int util_appendf(char *buf, size_t size, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
