/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bearer token (RFC 6750) kept in a file: the CMS's (agent/cmc.c) and,
 * until the IdM client provides it, the partner access token
 * (agent/token-file.h). The file is a secret: it must be 0600.
 */
#ifndef MCMIG_BEARER_FILE_H
#define MCMIG_BEARER_FILE_H

#include <stddef.h>

/*
 * Reads the token from @path into @buf (trailing whitespace dropped).
 * Returns its length, or -errno with @reason naming the file and what was
 * wrong: not there, accessible to others (-EPERM), longer than @size - 1
 * (-EFBIG), not an RFC 6750 b64token (-EINVAL). @buf holds nothing of the
 * file after a failure.
 */
int bearer_file_read(const char *path, char *buf, size_t size, char *reason, size_t reason_len);

#endif
