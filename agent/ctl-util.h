/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output and argument helpers shared by the mcmigctl commands (agent/ctl-*.c). */
#ifndef MCMIG_CTL_UTIL_H
#define MCMIG_CTL_UTIL_H

#include <stdbool.h>

/*
 * Prints @s (NULL as "") as a JSON string on stdout (RFC 8259 section 7).
 * With @ascii_only, bytes from 0x7f up are escaped too: for text from a card
 * or the network that need not be UTF-8 (D-Bus strings always are).
 */
void ctl_json_str(const char *s, bool ascii_only);

/* Decimal @s in 1..@max into *@out; -EINVAL (and *@out untouched) otherwise. */
int ctl_parse_uint(const char *s, unsigned long max, unsigned int *out);

#endif
