/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agent/digest.c: the parts of a challenge that come from the network (the
 * algorithm= value and the RFC 3310 nonce, strict base64). What the decoder
 * accepts re-encodes to the same length and decodes to the same bytes.
 */
#include <errno.h>
#include <string.h>

#include "digest.h"
#include "fuzz.h"

static void base64(const char *s, size_t len)
{
	uint8_t out[192], again[192];
	size_t n, m;
	char *enc;
	int ret;

	ret = digest_base64_decode(s, out, sizeof(out), &n);
	fuzz_require(ret == 0 || ret == -EBADMSG || ret == -E2BIG, "base64: documented result");
	if (ret)
		return;
	fuzz_require(n <= sizeof(out) && n == len / 4 * 3 - (len && s[len - 1] == '=') -
							 (len > 1 && s[len - 2] == '='),
		     "base64: 3 bytes per 4 characters less the padding");
	enc = malloc(len + 1);
	if (!enc)
		abort();
	fuzz_require(digest_base64_encode(out, n, enc, len + 1) == 0, "base64: re-encoded");
	fuzz_require(strlen(enc) == len, "base64: same length re-encoded");
	fuzz_require(digest_base64_decode(enc, again, sizeof(again), &m) == 0 && m == n &&
			     memcmp(out, again, n) == 0,
		     "base64: round trip");
	free(enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t rand[DIGEST_RAND_LEN], autn[DIGEST_AUTN_LEN];
	enum digest_algorithm algo;
	char *s = fuzz_strndup(data, size);
	int ret;

	ret = digest_algorithm_parse(s, &algo);
	fuzz_require(ret == 0 || ret == -ENOTSUP, "algorithm: 0 or -ENOTSUP");
	if (!ret)
		fuzz_require(algo == DIGEST_AKAV1_MD5 || algo == DIGEST_AKAV2_MD5,
			     "algorithm: AKAv1 or AKAv2");
	ret = digest_nonce_decode(s, rand, autn);
	fuzz_require(ret == 0 || ret == -EBADMSG, "nonce: 0 or -EBADMSG");
	base64(s, strlen(s));
	free(s);
	return 0;
}
