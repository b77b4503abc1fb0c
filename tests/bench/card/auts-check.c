// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * auts-check K OPC RAND AUTS: verifies an AUTS (TS 33.102 6.3.3) with
 * libosmocore, independently of the bench card's MILENAGE, the way an HSS
 * does on resynchronisation (osmo_auth_gen_vec_auts). Prints
 * "sqn_ms <12 hex>" and exits 0 when MAC-S is valid; exit 1 otherwise.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <osmocom/crypt/auth.h>

static int hex(const char *h, uint8_t *out, size_t n)
{
	size_t i;
	unsigned int b;

	if (strlen(h) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if (sscanf(h + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = (uint8_t)b;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct osmo_sub_auth_data aud = {
		.type = OSMO_AUTH_TYPE_UMTS,
		.algo = OSMO_AUTH_ALG_MILENAGE,
	};
	struct osmo_auth_vector vec;
	uint8_t rand[16], auts[14], rand2[16] = { 0 };

	if (argc != 5 || hex(argv[1], aud.u.umts.k, 16) || hex(argv[2], aud.u.umts.opc, 16) ||
	    hex(argv[3], rand, 16) || hex(argv[4], auts, 14)) {
		fprintf(stderr, "usage: auts-check K(hex) OPC(hex) RAND(hex) AUTS(hex)\n");
		return 2;
	}
	aud.u.umts.ind_bitlen = 5;
	if (osmo_auth_gen_vec_auts(&vec, &aud, auts, rand, rand2) < 0) {
		printf("invalid\n");
		return 1;
	}
	printf("sqn_ms %012" PRIx64 "\n", (uint64_t)aud.u.umts.sqn_ms);
	return 0;
}
