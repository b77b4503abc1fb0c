/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the bench modem emulators (tests/bench/qmi, mbim, at) do alike to
 * stand where a modem or its proxy would: plain C, no event loop of their own.
 */
#ifndef MCMIG_EMU_COMMON_H
#define MCMIG_EMU_COMMON_H

#include <stdint.h>

/*
 * Scenario and control values: a whole number as strtoul() base 0 reads it
 * (decimal, 0x hex, 0 octal) in 0..@max; -EINVAL otherwise.
 */
int emu_parse_u32(const char *s, uint32_t max, uint32_t *v);

/*
 * "ADDR/PREFIX" of family @af: @addr as inet_pton() writes it (network
 * order), the prefix at most 32 or 128. 0 or -EINVAL.
 */
int emu_parse_prefixed(const char *s, int af, void *addr, unsigned int *prefix);

/*
 * Listens on the abstract unix socket @name, as qmi-proxy, mbim-proxy and
 * ModemManager's test ports do: a leading NUL, the name without terminator.
 * @flags: further socket() type flags (SOCK_NONBLOCK). The fd, or -errno.
 */
int emu_listen_abstract(const char *name, int flags);

/*
 * A pseudo terminal in raw mode whose slave @link points at (replaced if it
 * exists). *@slave gets one slave fd that the caller keeps open so that the
 * master never sees a hang-up between openers. The master fd, or -errno.
 */
int emu_open_pty(const char *link, int *slave);

#endif
