/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/bench/mcserver/mcs-msg.c: what the bench MC servers read from the
 * network (a header's value, the PUBLISH bodies' values) and the response
 * built from a request. Values come back terminated and within bounds.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "tests/bench/mcserver/mcs-msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[256], buf[4096];
	int ret;

	ret = mcs_header(data, size, "P-Asserted-Identity", out, sizeof(out));
	fuzz_require(ret == 0 || ret == -ENOENT || ret == -E2BIG, "header: documented result");
	if (ret == 0)
		fuzz_require(memchr(out, '\0', sizeof(out)) != NULL, "header: terminated");
	ret = mcs_xml_value((const char *)data, size, "mcptt-access-token", "mcpttString", out,
			    sizeof(out));
	fuzz_require(ret == 0 || ret == -ENOENT || ret == -E2BIG || ret == -EINVAL,
		     "xml: documented result");
	if (ret == 0)
		fuzz_require(out[0] && !strpbrk(out, "<&"), "xml: a plain value");
	ret = mcs_build_response(data, size, 403, "Forbidden", "t", "", buf, sizeof(buf));
	fuzz_require(ret == -EBADMSG || ret == -E2BIG || (ret > 0 && (size_t)ret < sizeof(buf)),
		     "response: documented result");
	return 0;
}
