/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agent/journal.c: what mcmigd reads at start from its state directory
 * before it releases sessions and removes addresses (issue 12). The input is
 * tried as it is and sealed with its checksum (so that the fuzzer reaches the
 * field parser behind the CRC); accepted text must format back to text that
 * parses to the same journal.
 */
#include <errno.h>

#include "fuzz.h"
#include "journal.h"

static uint32_t crc32_of(const uint8_t *p, size_t len)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return ~c;
}

static void one(const char *text, size_t len)
{
	static struct journal j, back;
	static char out[JOURNAL_TEXT_MAX], again[JOURNAL_TEXT_MAX];
	char why[256] = "";
	size_t n, n2;
	int ret;

	ret = journal_parse(text, len, &j, why, sizeof(why));
	if (ret) {
		fuzz_require(ret == -EBADMSG || ret == -EINVAL || ret == -E2BIG,
			     "parse: -EBADMSG, -EINVAL or -E2BIG");
		fuzz_require(why[0] != '\0', "parse: refusal explained");
		return;
	}
	fuzz_require(j.n_pdn <= JOURNAL_PDN_MAX, "PDNs fit");
	ret = journal_format(&j, out, sizeof(out), &n);
	/* Longer than the input when many defaults are written: then -ENOSPC only. */
	if (ret == -ENOSPC)
		return;
	fuzz_require(ret == 0, "own journal formats");
	fuzz_require(journal_parse(out, n, &back, why, sizeof(why)) == 0, "own text parses");
	fuzz_require(memcmp(&j, &back, sizeof(j)) == 0, "format -> parse round trip");
	fuzz_require(journal_format(&back, again, sizeof(again), &n2) == 0 && n == n2 &&
			     memcmp(out, again, n) == 0,
		     "text stable");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char sealed[JOURNAL_TEXT_MAX + 32];

	one((const char *)data, size);
	if (size > JOURNAL_TEXT_MAX - 16)
		return 0;
	memcpy(sealed, data, size);
	size += (size_t)snprintf(sealed + size, sizeof(sealed) - size, "end=%08x\n",
				 crc32_of(data, size));
	one(sealed, size);
	return 0;
}
