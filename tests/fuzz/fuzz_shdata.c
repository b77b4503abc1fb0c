/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/bench/sipdb/shdata.c: the Sh-Data document (TS 29.328 Annex D) of the
 * Sh User-Data AVP, as a SIP DB or the Sh client receives it. The Diameter
 * layer around it (fdx.c, shc.c, sipdb.c) works on freeDiameter's struct msg
 * and needs its core running: not fuzzed here. What is accepted builds to a
 * document that parses to the same values.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "shdata.h"

static bool same_identity(const struct shc_identity *a, const struct shc_identity *b)
{
	return !strcmp(a->impi, b->impi) && !strcmp(a->impu, b->impu) &&
	       !strcmp(a->sipdb_host, b->sipdb_host) && !strcmp(a->sipdb_realm, b->sipdb_realm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shc_identity id = { 0 }, id2 = { 0 };
	char si[SHC_ID_MAX], si2[SHC_ID_MAX];
	static char doc[SHD_MAX_DOC];
	bool has, has2;
	int len, ret;

	ret = shd_parse(data, size, si, sizeof(si), &id, &has);
	fuzz_require(ret == 0 || ret == -EBADMSG, "parse: 0 or -EBADMSG");
	if (ret)
		return 0;
	fuzz_require(fuzz_terminated(si, sizeof(si)), "service indication terminated");
	len = shd_build(si, 1, has ? &id : NULL, doc, sizeof(doc));
	/* Escaping may outgrow SHD_MAX_DOC: the builder says so rather than cut. */
	if (len == -ENOSPC)
		return 0;
	fuzz_require(len > 0, "build: a document");
	ret = shd_parse((const uint8_t *)doc, (size_t)len, si2, sizeof(si2), &id2, &has2);
	if (ret) {
		fprintf(stderr, "fuzz: own Sh-Data refused:\n%s\n", doc);
		abort();
	}
	fuzz_require(!strcmp(si, si2) && has == has2, "round trip: service indication");
	if (has)
		fuzz_require(same_identity(&id, &id2), "round trip: identity");
	return 0;
}
