/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sh-Data repository documents of the migration service (TS 29.328 Annex D
 * Sh-Data / RepositoryData): a pure codec on libxml2, shared by the Sh client
 * and the SIP database.
 */
#ifndef MCMIG_BENCH_SHDATA_H
#define MCMIG_BENCH_SHDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shc.h"

#define SHD_SI_OUTBOUND "urn:mcmig:sh:outbound"
#define SHD_SI_INBOUND	"urn:mcmig:sh:inbound:" /* + primary SIP DB identity */
#define SHD_NS		"urn:mcmig:sh:1"
#define SHD_MAX_DOC	8192

/* Builds Sh-Data; @id NULL omits ServiceData (a delete in a PUR). Returns the
 * length written to @buf (NUL-terminated) or -errno (-ENOSPC: too small). */
int shd_build(const char *service_indication, unsigned int seq, const struct shc_identity *id,
	      char *buf, size_t size);

/* Parses Sh-Data. @si receives the ServiceIndication; @has_data tells
 * whether ServiceData/Migration was present (then @id is filled). Returns 0
 * or -EBADMSG (not well-formed, wrong root, missing/oversized element). */
int shd_parse(const uint8_t *buf, size_t len, char *si, size_t si_size, struct shc_identity *id,
	      bool *has_data);

#endif
