/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agent/sipmsg.c: what a P-CSCF sends back (a response datagram, a TCP
 * stream to frame) and the P-CSCF addresses of configuration. The challenge
 * of an accepted 401 goes back into our next REGISTER, so whatever the parser
 * accepts there, the Authorization builder must accept too.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "sipmsg.h"

static void check_response(const struct sipmsg_response *r)
{
	const struct sipmsg_challenge *c = &r->challenge;
	struct sipmsg_auth a = {
		.username = "alice@ims.partner.example",
		.uri = "sip:ims.partner.example",
		.response = "",
		.qop = "auth",
		.nc = 1,
		.cnonce = "0a4f113b",
	};
	char buf[2048];

	fuzz_require(r->status >= 100 && r->status <= 699, "status 1xx..6xx");
	fuzz_require(fuzz_terminated(r->reason, sizeof(r->reason)) &&
			     fuzz_terminated(r->call_id, sizeof(r->call_id)) &&
			     fuzz_terminated(r->branch, sizeof(r->branch)) &&
			     fuzz_terminated(r->service_route, sizeof(r->service_route)) &&
			     fuzz_terminated(r->associated_uris, sizeof(r->associated_uris)),
		     "strings terminated");
	fuzz_require(r->expires >= -1 && r->min_expires >= -1 && r->retry_after >= -1 &&
			     r->contact_expires >= -1,
		     "durations -1 or positive");
	if (!r->has_challenge)
		return;
	a.realm = c->realm;
	a.nonce = c->nonce;
	a.algorithm = c->algorithm;
	a.opaque = c->has_opaque ? c->opaque : NULL;
	fuzz_require(sipmsg_build_authorization(&a, buf, sizeof(buf)) > 0,
		     "an accepted challenge can be answered");
}

static void response(const uint8_t *data, size_t size)
{
	struct sipmsg_response r;
	const char *err = NULL;
	int ret;

	ret = sipmsg_parse_response(data, size, "198.51.100.2", 40000, &r, &err);
	if (ret < 0) {
		fuzz_require(ret == -EBADMSG || ret == -ENOTSUP || ret == -ENOMEM,
			     "response: documented error");
		fuzz_require(err && err[0], "response: refusal explained");
		return;
	}
	fuzz_require(ret == 0, "response: 0 on success");
	check_response(&r);
}

static void frame(const uint8_t *data, size_t size)
{
	size_t skip = 0, len = 0;
	char err[SIPMSG_ERR_MAX] = "";
	int ret;

	ret = sipmsg_frame(data, size, &skip, &len, err, sizeof(err));
	fuzz_require(ret == 1 || ret == 0 || ret == -EBADMSG, "frame: 1, 0 or -EBADMSG");
	if (ret == 1)
		fuzz_require(len > 0 && skip <= size && len <= size - skip,
			     "frame inside the stream");
	if (ret == -EBADMSG)
		fuzz_require(err[0], "frame: refusal explained");
}

static void pcscf(const char *s)
{
	char host[256];
	unsigned int port = 0;
	bool tcp = false;
	const char *err = NULL;

	if (sipmsg_parse_pcscf(s, host, sizeof(host), &port, &tcp, &err)) {
		fuzz_require(err && err[0], "pcscf: refusal explained");
		return;
	}
	fuzz_require(host[0] && fuzz_terminated(host, sizeof(host)), "pcscf: a host");
	/* 0: none in the URI, the caller's to choose (RFC 3263 4.2). */
	fuzz_require(port <= 65535, "pcscf: a port or none");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);

	response(data, size);
	frame(data, size);
	pcscf(s);
	/* In place over the whole message, as sipreg does before showing it. */
	sipmsg_redact(s, size);
	free(s);
	return 0;
}
