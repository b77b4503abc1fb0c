// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checks the bench card's MILENAGE two ways (host-only: links libosmocore):
 *
 *   test-milenage --vectors FILE   every field of every vector of FILE
 *                                  (TS 35.208 test sets, vectors/milenage.txt)
 *   test-milenage --random N       N random K/OP(c)/RAND/SQN/AMF against
 *                                  libosmocore's osmo_auth_gen_vec (RES, CK,
 *                                  IK, AUTN) and osmo_auth_gen_vec_auts (our
 *                                  AUTS must resynchronise it to our SQN_MS)
 *
 * Prints one line per failure and "milenage: N passed, N failed"; exit 1 on
 * any failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "milenage.h"
#include "util.h"
/* libosmocore brings its own ARRAY_SIZE; this file does not use either. */
#undef ARRAY_SIZE
#include <osmocom/crypt/auth.h>

static unsigned int passed, failed;

static void check(bool ok, const char *what, unsigned int n)
{
	if (ok) {
		passed++;
		return;
	}
	/* Report the first failures only: one wrong primitive fails every case. */
	if (failed++ < 10)
		printf("FAIL - %s (case %u)\n", what, n);
}

enum field { K, RAND, SQN, AMF, OP, OPC, F1, F1S, F2, F3, F4, F5, F5S, N_FIELDS };

static const struct {
	const char *name;
	size_t len;
} fields[N_FIELDS] = {
	[K] = { "K", 16 },    [RAND] = { "RAND", 16 }, [SQN] = { "SQN", 6 }, [AMF] = { "AMF", 2 },
	[OP] = { "OP", 16 },  [OPC] = { "OPc", 16 },   [F1] = { "f1", 8 },   [F1S] = { "f1*", 8 },
	[F2] = { "f2", 8 },   [F3] = { "f3", 16 },     [F4] = { "f4", 16 },  [F5] = { "f5", 6 },
	[F5S] = { "f5*", 6 },
};

struct vec {
	uint8_t v[N_FIELDS][16];
	bool have[N_FIELDS];
};

static void check_vector(const struct vec *t, unsigned int n)
{
	uint8_t opc[16], mac_a[8], mac_s[8], res[8], ck[16], ik[16], ak[6], aks[6];
	size_t i;

	for (i = 0; i < N_FIELDS; i++)
		if (!t->have[i]) {
			printf("FAIL - vector %u has no %s\n", n, fields[i].name);
			failed++;
			return;
		}
	vcard_milenage_opc(t->v[K], t->v[OP], opc);
	check(memcmp(opc, t->v[OPC], 16) == 0, "OPc", n);
	vcard_milenage_f1(t->v[K], opc, t->v[RAND], t->v[SQN], t->v[AMF], mac_a, mac_s);
	check(memcmp(mac_a, t->v[F1], 8) == 0, "f1", n);
	check(memcmp(mac_s, t->v[F1S], 8) == 0, "f1*", n);
	vcard_milenage_f2345(t->v[K], opc, t->v[RAND], res, ck, ik, ak, aks);
	check(memcmp(res, t->v[F2], 8) == 0, "f2", n);
	check(memcmp(ck, t->v[F3], 16) == 0, "f3", n);
	check(memcmp(ik, t->v[F4], 16) == 0, "f4", n);
	check(memcmp(ak, t->v[F5], 6) == 0, "f5", n);
	check(memcmp(aks, t->v[F5S], 6) == 0, "f5*", n);
}

static int run_vectors(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256], name[32], hex[64];
	struct vec t;
	unsigned int n = 0;
	size_t i;
	bool open = false;

	if (!f) {
		fprintf(stderr, "test-milenage: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '[') {
			if (open)
				check_vector(&t, n);
			memset(&t, 0, sizeof(t));
			open = true;
			n++;
			continue;
		}
		if (line[0] == '#' || sscanf(line, "%31s %63s", name, hex) != 2)
			continue;
		for (i = 0; i < N_FIELDS; i++) {
			if (strcmp(name, fields[i].name) != 0)
				continue;
			if (util_hex_decode(hex, t.v[i], fields[i].len) < 0) {
				printf("FAIL - vector %u: bad %s\n", n, name);
				failed++;
			}
			t.have[i] = true;
		}
	}
	if (open)
		check_vector(&t, n);
	fclose(f);
	if (n < 6) {
		printf("FAIL - only %u vectors in %s\n", n, path);
		failed++;
	}
	return 0;
}

static void rnd(void *p, size_t n)
{
	if (getrandom(p, n, 0) != (ssize_t)n)
		abort();
}

static void sqn_bytes(uint64_t sqn, uint8_t out[6])
{
	int i;

	for (i = 5; i >= 0; i--, sqn >>= 8)
		out[i] = (uint8_t)sqn;
}

static void run_random(unsigned int count)
{
	unsigned int n;

	for (n = 1; n <= count; n++) {
		struct osmo_sub_auth_data aud = {
			.type = OSMO_AUTH_TYPE_UMTS,
			.algo = OSMO_AUTH_ALG_MILENAGE,
		};
		struct osmo_auth_vector vec;
		uint8_t k[16], op[16], opc[16], rand[16], rand2[16], amf[2], sqn[6], ak[6];
		uint8_t res[8], ck[16], ik[16], mac_a[8], mac_s[8], aks[6], auts[14];
		uint8_t zero_amf[2] = { 0, 0 };
		uint64_t s, sqn_ms;
		int i;

		rnd(k, 16);
		rnd(op, 16);
		rnd(rand, 16);
		rnd(rand2, 16);
		rnd(amf, 2);
		rnd(&s, sizeof(s));
		/* Half the cases with OP (libosmocore derives OPc itself), half with OPc. */
		aud.u.umts.opc_is_op = n & 1;
		memcpy(aud.u.umts.opc, op, 16);
		memcpy(aud.u.umts.k, k, 16);
		memcpy(aud.u.umts.amf, amf, 2);
		aud.u.umts.ind_bitlen = 5;
		aud.u.umts.ind = (unsigned int)(s >> 60) & 31;
		aud.u.umts.sqn = (s & 0xffffffffffffULL) >> 1;
		if (aud.u.umts.opc_is_op)
			vcard_milenage_opc(k, op, opc);
		else
			memcpy(opc, op, 16);
		if (osmo_auth_gen_vec(&vec, &aud, rand) < 0) {
			check(false, "osmo_auth_gen_vec", n);
			continue;
		}
		/* libosmocore reports the SQN it used in aud.u.umts.sqn. */
		sqn_bytes(aud.u.umts.sqn, sqn);
		vcard_milenage_f2345(k, opc, rand, res, ck, ik, ak, aks);
		vcard_milenage_f1(k, opc, rand, sqn, amf, mac_a, NULL);
		check(vec.res_len == 8 && memcmp(vec.res, res, 8) == 0, "random RES", n);
		check(memcmp(vec.ck, ck, 16) == 0, "random CK", n);
		check(memcmp(vec.ik, ik, 16) == 0, "random IK", n);
		for (i = 0; i < 6; i++)
			sqn[i] ^= ak[i];
		check(memcmp(vec.autn, sqn, 6) == 0 && memcmp(vec.autn + 6, amf, 2) == 0 &&
			      memcmp(vec.autn + 8, mac_a, 8) == 0,
		      "random AUTN", n);

		/* Our AUTS (TS 33.102 6.3.3) for a random SQN_MS must resync libosmocore. */
		rnd(&s, sizeof(s));
		sqn_ms = s & 0xffffffffffffULL;
		sqn_bytes(sqn_ms, sqn);
		vcard_milenage_f1(k, opc, rand, sqn, zero_amf, NULL, mac_s);
		for (i = 0; i < 6; i++)
			auts[i] = sqn[i] ^ aks[i];
		memcpy(auts + 6, mac_s, 8);
		if (osmo_auth_gen_vec_auts(&vec, &aud, auts, rand, rand2) < 0) {
			check(false, "osmo_auth_gen_vec_auts rejects our AUTS", n);
			continue;
		}
		check(aud.u.umts.sqn_ms == sqn_ms, "random AUTS SQN_MS", n);
		/* ...and a corrupted MAC-S must not. */
		auts[13] ^= 1;
		check(osmo_auth_gen_vec_auts(&vec, &aud, auts, rand, rand2) < 0,
		      "libosmocore accepts a corrupted AUTS", n);
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--vectors") == 0) {
		if (run_vectors(argv[2]) < 0)
			return 2;
	} else if (argc == 3 && strcmp(argv[1], "--random") == 0) {
		run_random((unsigned int)strtoul(argv[2], NULL, 10));
	} else {
		fprintf(stderr, "usage: test-milenage --vectors FILE | --random N\n");
		return 2;
	}
	printf("milenage: %u passed, %u failed\n", passed, failed);
	return failed || !passed ? 1 : 0;
}
