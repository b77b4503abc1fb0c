/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agent/idm-proto.c: what the IdM servers send (token endpoint answers, error
 * answers, the authorization redirect). Invariants: accepted tokens are
 * within their charsets (they go into headers and XML unchanged), a refusal
 * is explained and leaves no token behind, and no reason quotes the input.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "idm-proto.h"
#include "idm-result.h"

static bool b64token(const char *s)
{
	size_t n =
		strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");

	return n > 0 && s[n + strspn(s + n, "=")] == '\0';
}

static void token_response(const uint8_t *data, size_t size, bool exchange)
{
	static struct idm_token_response r;
	char why[160];
	const char *p;
	int ret = idm_parse_token_response(data, size, exchange, &r, why, sizeof(why));

	if (ret < 0) {
		fuzz_require(ret == -EBADMSG, "token: -EBADMSG");
		fuzz_require(why[0] != '\0', "token: refusal explained");
		fuzz_require(!r.access_token[0] && !r.refresh_token[0], "token: nothing kept");
		return;
	}
	fuzz_require(fuzz_terminated(r.access_token, sizeof(r.access_token)) &&
			     b64token(r.access_token),
		     "token: access_token a b64token");
	for (p = r.refresh_token; *p; p++)
		fuzz_require(*p >= 0x20 && *p <= 0x7e, "token: refresh_token VSCHAR");
	fuzz_require(!exchange || r.issued_token_type[0], "token: exchange names its type");
	idm_token_response_wipe(&r);
}

static void error_response(const uint8_t *data, size_t size)
{
	char e[IDM_ERROR_MAX], d[IDM_ERROR_DESC_MAX];
	const char *p;

	if (idm_parse_error_response(data, size, e, sizeof(e), d, sizeof(d)) < 0) {
		fuzz_require(!e[0], "error: nothing kept");
		return;
	}
	fuzz_require(e[0] != '\0', "error: code present");
	for (p = d; *p; p++)
		fuzz_require((unsigned char)*p >= 0x20 && *p != 0x7f,
			     "error: description printable");
}

static void redirect(const uint8_t *data, size_t size)
{
	char *loc = fuzz_strndup(data, size);
	char code[IDM_CODE_MAX], why[200];
	int ret;

	ret = idm_parse_redirect(loc, "org.mcmig.agent:/cb", "st", code, sizeof(code), why,
				 sizeof(why));
	if (ret < 0) {
		fuzz_require(ret == -EBADMSG || ret == -EACCES, "redirect: -EBADMSG or -EACCES");
		fuzz_require(why[0] != '\0' && !code[0], "redirect: explained, no code");
	} else {
		fuzz_require(code[0] && fuzz_terminated(code, sizeof(code)), "redirect: code");
	}
	free(loc);
}

/* The helper's form: what parses formats back to text that parses the same. */
static void result(const uint8_t *data, size_t size)
{
	static struct idm_result r, back;
	static char text[IDM_RESULT_MAX];
	char why[64];
	size_t len;

	if (idm_result_parse(data, size, &r, why, sizeof(why)) < 0) {
		fuzz_require(why[0] && !r.refresh[0] && !r.password[0], "result: refused, wiped");
		return;
	}
	fuzz_require(idm_result_format(&r, text, sizeof(text), &len) == 0, "result: formats");
	fuzz_require(idm_result_parse((uint8_t *)text, len, &back, why, sizeof(why)) == 0,
		     "result: own text parses");
	fuzz_require(back.err == r.err && !strcmp(back.refresh, r.refresh) &&
			     !strcmp(back.password, r.password) && back.n_steps == r.n_steps &&
			     back.have_partner == r.have_partner,
		     "result: round trip");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	token_response(data, size, false);
	token_response(data, size, true);
	error_response(data, size);
	redirect(data, size);
	result(data, size);
	return 0;
}
