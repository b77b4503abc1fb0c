/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The helper programs' side of agent/helper-run.h (mcmig-cmc, mcmig-idm):
 * the input whole from standard input, the answer to standard output, and
 * nothing else on standard output.
 */
#ifndef MCMIG_HELPER_IO_H
#define MCMIG_HELPER_IO_H

#include <stddef.h>
#include <stdint.h>

/*
 * To call first: the helper dies with mcmigd (nobody would read its answer),
 * and GLib's log messages go to standard error, since standard output is the
 * answer (with G_MESSAGES_DEBUG inherited from a verbose mcmigd, GLib wrote
 * debug lines there and corrupted it).
 */
void helper_io_setup(void);

/*
 * Reads standard input until end of file or @size bytes into @buf; *@len
 * gets the count (@size read means the input may be longer). Returns 0 or a
 * negative errno. The caller wipes @buf if it held a secret.
 */
int helper_io_read_input(uint8_t *buf, size_t size, size_t *len);

/* Writes all of @buf to standard output. Returns 0 or a negative errno. */
int helper_io_write_answer(const void *buf, size_t len);

#endif
