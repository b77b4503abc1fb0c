/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agent/mcsvc-msg.c: what the MC server answers to PUBLISH. An accepted
 * SIP-ETag goes back into our next PUBLISH (SIP-If-Match), so whatever the
 * parser accepts there, the builder must accept too; and redaction of any
 * message stays inside it.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "mcsvc-msg.h"
#include "mcsvc.h"

static void check(const struct mcsvc_response *r)
{
	struct mcsvc_publish m = {
		.local_host = "192.0.2.2",
		.local_port = 5060,
		.branch = "z9hG4bKabc",
		.request_uri = "sip:mcptt-server@ims.partner.example",
		.impu = "sip:mig-1@ims.partner.example",
		.from_tag = "ft",
		.call_id = "cid",
		.cseq = 2,
		.expires = 600,
	};
	char buf[2048];

	fuzz_require(r->status >= 100 && r->status <= 699, "status 1xx..6xx");
	fuzz_require(r->expires >= -1 && r->min_expires >= -1, "durations -1 or positive");
	fuzz_require(memchr(r->reason, '\0', sizeof(r->reason)) &&
			     memchr(r->warning, '\0', sizeof(r->warning)) &&
			     memchr(r->etag, '\0', sizeof(r->etag)),
		     "strings terminated");
	if (!r->etag[0])
		return;
	m.etag = r->etag;
	fuzz_require(mcsvc_build_publish(&m, buf, sizeof(buf)) > 0,
		     "an accepted SIP-ETag can be sent back");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mcsvc_response r;
	const char *err = NULL;
	char *s;
	int ret;

	ret = mcsvc_parse_response(data, size, &r, &err);
	if (ret < 0) {
		fuzz_require(ret == -EBADMSG || ret == -ENOMEM, "documented error");
		fuzz_require(err && err[0], "refusal explained");
	} else {
		fuzz_require(ret == 0, "0 on success");
		check(&r);
	}
	s = fuzz_strndup(data, size);
	mcsvc_redact(s, size);
	free(s);
	return 0;
}
