/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aka — authentication vectors of the bench SIP database: Milenage through
 * libosmocore (TS 33.102 6.3; TS 35.206), resynchronisation from RAND||AUTS
 * (TS 33.102 6.3.5) and the RFC 4169 AKAv2 password. Pure: the RAND is
 * given, the SQN lives in the subscriber record.
 */
#ifndef MCMIG_BENCH_AKA_H
#define MCMIG_BENCH_AKA_H

#include <stddef.h>
#include <stdint.h>

#include "sdb.h"

struct aka_vec {
	uint8_t rand[16];
	uint8_t autn[16];
	uint8_t xres[16];
	size_t xres_len;
	uint8_t ck[16];
	uint8_t ik[16];
};

/* Next vector for @s with @rand; with @resync (RAND||AUTS, 30 octets) the
 * SQN is first resynchronised to the card's. On success s->sqn is the SQN
 * the vector uses (the caller persists it). 0, -EINVAL (bad AUTS: MAC-S
 * wrong or bad length) or -EIO. */
int aka_vector(struct sdb_sub *s, const uint8_t rand[16], const uint8_t *resync, size_t resync_len,
	       struct aka_vec *v);

/* RFC 4169 3: base64(HMAC-MD5(RES||IK||CK, "http-digest-akav2-password")).
 * Returns the length written (NUL-terminated, 24 characters) or -errno. */
int aka_akav2_password(const struct aka_vec *v, char *out, size_t size);

#endif
