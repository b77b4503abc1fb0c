// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The IdM client's pure codecs: RFC 7636 Appendix B's PKCE vector, form
 * encoding, the authorization response, and token endpoint answers as
 * glewlwyd 2.7 and our bench exchange service send them, plus every
 * truncation of a good answer refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "idm-proto.h"
#include "idm-result.h"

#define REDIRECT "org.mcmig.agent:/idm-callback"

static void test_pkce_rfc7636_appendix_b(void **state)
{
	static const uint8_t rnd[IDM_PKCE_RANDOM_LEN] = {
		116, 24,  223, 180, 151, 153, 224, 37,	79, 250, 96, 125, 216, 173, 187, 186,
		22,  212, 37,  77,  105, 214, 191, 240, 91, 88,	 5,  88,  83,  132, 141, 121,
	};
	char v[IDM_PKCE_VERIFIER_LEN + 1], c[IDM_PKCE_VERIFIER_LEN + 1];

	idm_pkce_verifier(rnd, v);
	assert_string_equal(v, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
	idm_pkce_challenge(v, c);
	assert_string_equal(c, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void test_form(void **state)
{
	char buf[64];
	size_t used = 0;

	assert_int_equal(idm_form_add(buf, sizeof(buf), &used, "grant_type", "refresh_token"), 0);
	assert_int_equal(idm_form_add(buf, sizeof(buf), &used, "scope", "openid mcptt"), 0);
	assert_int_equal(idm_form_add(buf, sizeof(buf), &used, "r", "a&b=c/d"), 0);
	assert_string_equal(buf, "grant_type=refresh_token&scope=openid+mcptt&r=a%26b%3Dc%2Fd");
	/* Does not fit: nothing appended, the earlier pairs intact. */
	assert_int_equal(idm_form_add(buf, sizeof(buf), &used, "x", "0123456789"), -E2BIG);
	assert_string_equal(buf, "grant_type=refresh_token&scope=openid+mcptt&r=a%26b%3Dc%2Fd");
}

static void test_redirect(void **state)
{
	char code[IDM_CODE_MAX], why[200];

	assert_int_equal(idm_parse_redirect(REDIRECT "?code=Ab%2Bc&state=xyz", REDIRECT, "xyz",
					    code, sizeof(code), why, sizeof(why)),
			 0);
	assert_string_equal(code, "Ab+c");
	/* glewlwyd puts state first and may add more. */
	assert_int_equal(idm_parse_redirect(REDIRECT "?state=xyz&code=c1&iss=x", REDIRECT, "xyz",
					    code, sizeof(code), why, sizeof(why)),
			 0);
	assert_string_equal(code, "c1");
	assert_int_equal(idm_parse_redirect(REDIRECT "?code=c1&state=other", REDIRECT, "xyz", code,
					    sizeof(code), why, sizeof(why)),
			 -EBADMSG);
	assert_string_equal(why, "authorization response with another state");
	assert_int_equal(idm_parse_redirect(REDIRECT "?code=c1", REDIRECT, "xyz", code,
					    sizeof(code), why, sizeof(why)),
			 -EBADMSG);
	assert_int_equal(idm_parse_redirect("https://idms.example/login.html?x=1", REDIRECT, "xyz",
					    code, sizeof(code), why, sizeof(why)),
			 -EBADMSG);
	assert_non_null(strstr(why, "redirected elsewhere"));
	assert_int_equal(idm_parse_redirect(REDIRECT "?error=login_required&error_description="
						     "session+expired&state=xyz",
					    REDIRECT, "xyz", code, sizeof(code), why, sizeof(why)),
			 -EACCES);
	assert_string_equal(why, "login_required: session expired");
	assert_int_equal(idm_parse_redirect(REDIRECT "?state=xyz&code=a%0db", REDIRECT, "xyz", code,
					    sizeof(code), why, sizeof(why)),
			 -EBADMSG);
	/* Found by fuzz_idm: an empty error code is still a refusal, explained. */
	assert_int_equal(idm_parse_redirect(REDIRECT "?error=&state=xyz", REDIRECT, "xyz", code,
					    sizeof(code), why, sizeof(why)),
			 -EACCES);
	assert_string_equal(why, "(empty error code)");
	/* Found by fuzz_idm: '&' right after the URI, no '?' anywhere (read past the end). */
	assert_int_equal(idm_parse_redirect(REDIRECT "&state=xyz&code=c2", REDIRECT, "xyz", code,
					    sizeof(code), why, sizeof(why)),
			 0);
	assert_string_equal(code, "c2");
	assert_int_equal(idm_parse_redirect(REDIRECT "&", REDIRECT, "xyz", code, sizeof(code), why,
					    sizeof(why)),
			 -EBADMSG);
	assert_int_equal(idm_parse_redirect(REDIRECT "?state=xyz&code=a%2", REDIRECT, "xyz", code,
					    sizeof(code), why, sizeof(why)),
			 -EBADMSG);
	assert_string_equal(code, "");
}

/* glewlwyd 2.7's answer to the code grant (token values shortened). */
static const char glewlwyd_tokens[] =
	"{\"token_type\":\"bearer\",\"access_token\":\"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln\","
	"\"refresh_token\":\"q2VzdEPnCV0kDIUx8N4rNwbb1o\",\"iat\":1764000000,\"expires_in\":3600,"
	"\"id_token\":\"eyJ.x.y\",\"scope\":\"openid mcptt\"}";

static void test_token_response(void **state)
{
	struct idm_token_response r;
	char why[160];

	assert_int_equal(idm_parse_token_response((const uint8_t *)glewlwyd_tokens,
						  strlen(glewlwyd_tokens), false, &r, why,
						  sizeof(why)),
			 0);
	assert_string_equal(r.access_token, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln");
	assert_string_equal(r.refresh_token, "q2VzdEPnCV0kDIUx8N4rNwbb1o");
	assert_int_equal(r.expires_in, 3600);
	idm_token_response_wipe(&r);
	assert_string_equal(r.access_token, "");
}

static void test_exchange_response(void **state)
{
	static const char ok[] = "{\"access_token\":\"eyJ.a.b\",\"issued_token_type\":"
				 "\"urn:ietf:params:oauth:token-type:jwt\",\"token_type\":\"N_A\","
				 "\"expires_in\":60}";
	static const char no_type[] = "{\"access_token\":\"eyJ.a.b\",\"token_type\":\"N_A\"}";
	struct idm_token_response r;
	char why[160];

	assert_int_equal(idm_parse_token_response((const uint8_t *)ok, strlen(ok), true, &r, why,
						  sizeof(why)),
			 0);
	assert_string_equal(r.issued_token_type, IDM_TT_JWT);
	/* N_A is an exchange's answer only (RFC 8693 2.2.1). */
	assert_int_equal(idm_parse_token_response((const uint8_t *)ok, strlen(ok), false, &r, why,
						  sizeof(why)),
			 -EBADMSG);
	assert_string_equal(why, "\"token_type\" is \"N_A\", not Bearer");
	assert_int_equal(idm_parse_token_response((const uint8_t *)no_type, strlen(no_type), true,
						  &r, why, sizeof(why)),
			 -EBADMSG);
	assert_string_equal(why, "no \"issued_token_type\" (RFC 8693 2.2.1)");
	/* Found by fuzz_idm: present but empty is none. */
	assert_int_equal(idm_parse_token_response(
				 (const uint8_t *)"{\"token_type\":\"N_A\",\"access_token\":\"a\","
						  "\"issued_token_type\":\"\"}",
				 62, true, &r, why, sizeof(why)),
			 -EBADMSG);
}

static void check_bad(const char *json, const char *why_expected)
{
	struct idm_token_response r;
	char why[160];

	assert_int_equal(idm_parse_token_response((const uint8_t *)json, strlen(json), false, &r,
						  why, sizeof(why)),
			 -EBADMSG);
	assert_string_equal(why, why_expected);
	assert_string_equal(r.access_token, "");
	assert_string_equal(r.refresh_token, "");
}

static void test_token_response_refused(void **state)
{
	check_bad("[]", "not a JSON object");
	check_bad("{\"token_type\":\"Bearer\"}", "no \"access_token\"");
	check_bad("{\"access_token\":\"a\"}", "no \"token_type\"");
	check_bad("{\"access_token\":7,\"token_type\":\"Bearer\"}",
		  "\"access_token\" is not a string");
	/* A token that would forge a header or an XML element goes nowhere. */
	check_bad("{\"access_token\":\"a\\r\\nX: y\",\"token_type\":\"Bearer\"}",
		  "\"access_token\" is not an RFC 6750 b64token");
	check_bad("{\"access_token\":\"a<b\",\"token_type\":\"Bearer\"}",
		  "\"access_token\" is not an RFC 6750 b64token");
	check_bad("{\"access_token\":\"a\",\"token_type\":\"mac\"}",
		  "\"token_type\" is \"mac\", not Bearer");
	check_bad("{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"refresh_token\":\"x\\ty\"}",
		  "\"refresh_token\" is not printable ASCII");
	check_bad("{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":\"60\"}",
		  "\"expires_in\" is not a number of seconds");
	check_bad("{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":-1}",
		  "\"expires_in\" is not a number of seconds");
	check_bad("{\"access_token\":\"a\",\"access_token\":\"b\",\"token_type\":\"Bearer\"}",
		  "not JSON: duplicate object key at byte 34");
}

/* Every proper prefix of a good answer is refused, and leaves no token behind. */
static void test_token_response_truncated(void **state)
{
	struct idm_token_response r;
	char why[160];
	size_t n;

	for (n = 0; n < strlen(glewlwyd_tokens); n++) {
		assert_int_equal(idm_parse_token_response((const uint8_t *)glewlwyd_tokens, n,
							  false, &r, why, sizeof(why)),
				 -EBADMSG);
		assert_string_equal(r.access_token, "");
		assert_null(strstr(why, "eyJ"));
	}
}

static void test_error_response(void **state)
{
	static const char ok[] = "{\"error\":\"invalid_target\",\"error_description\":"
				 "\"user may not\\nmigrate there\"}";
	char e[IDM_ERROR_MAX], d[IDM_ERROR_DESC_MAX];

	assert_int_equal(idm_parse_error_response((const uint8_t *)ok, strlen(ok), e, sizeof(e), d,
						  sizeof(d)),
			 0);
	assert_string_equal(e, "invalid_target");
	assert_string_equal(d, "user may not migrate there");
	assert_int_equal(idm_parse_error_response((const uint8_t *)"{\"error\":\"a b\"}", 15, e,
						  sizeof(e), d, sizeof(d)),
			 -EBADMSG);
	assert_int_equal(idm_parse_error_response((const uint8_t *)"<html>", 6, e, sizeof(e), d,
						  sizeof(d)),
			 -EBADMSG);
	assert_string_equal(e, "");
}

/* The helper's form both ways: round trip, refusals, every truncation. */
static void test_result(void **state)
{
	static struct idm_result r, back;
	static char text[IDM_RESULT_MAX];
	char why[64];
	size_t len, n;

	r.err = -EACCES;
	strcpy(r.reason, "token exchange refused: invalid_target (no)");
	strcpy(r.refresh, "rt 1");
	strcpy(r.access, "eyJ.a.b");
	r.access_expires = 1796290609;
	r.have_partner = true;
	strcpy(r.partner.access_token, "eyJ.p.q");
	strcpy(r.partner.client_id, "mcmig-ue");
	r.partner.expires_at = 1796294209;
	r.n_steps = 2;
	r.steps[0] = (struct idm_result_step){ IDM_STEP_EXCHANGE, false, 5000, "https://p/token" };
	r.steps[1] = (struct idm_result_step){ IDM_STEP_EXCHANGE, true, 9000, "ok" };
	assert_int_equal(idm_result_format(&r, text, sizeof(text), &len), 0);
	assert_string_equal(text, "13 token exchange refused: invalid_target (no)\n"
				  "refresh=rt 1\n"
				  "access=1796290609 eyJ.a.b\n"
				  "partner=1796294209 eyJ.p.q\n"
				  "client=mcmig-ue\n"
				  "step=token-exchange 0 5000 https://p/token\n"
				  "step=token-exchange 1 9000 ok\n");
	assert_int_equal(idm_result_parse((uint8_t *)text, len, &back, why, sizeof(why)), 0);
	assert_int_equal(back.err, -EACCES);
	assert_string_equal(back.reason, r.reason);
	assert_string_equal(back.refresh, "rt 1");
	assert_int_equal(back.access_expires, 1796290609);
	assert_true(back.have_partner);
	assert_string_equal(back.partner.access_token, "eyJ.p.q");
	assert_int_equal(back.partner.expires_at, 1796294209);
	assert_int_equal(back.n_steps, 2);
	assert_int_equal(back.steps[1].at_us, 9000);
	assert_true(back.steps[1].done);
	/* A cut at a line's end is a shorter, valid form; anywhere else, refused and wiped. */
	for (n = 0; n < len; n++) {
		int ret = idm_result_parse((uint8_t *)text, n, &back, why, sizeof(why));

		if (n > 0 && text[n - 1] == '\n')
			assert_int_equal(ret, 0);
		else
			assert_int_equal(ret, -EBADMSG);
		if (ret < 0)
			assert_string_equal(back.refresh, "");
	}
	/* What the helper refuses to write: a value that would cut the form. */
	strcpy(r.refresh, "a\nerror=1");
	assert_int_equal(idm_result_format(&r, text, sizeof(text), &len), -EINVAL);
	assert_int_equal(idm_result_parse((const uint8_t *)"0 ok\nnope=1\n", 12, &back, why,
					  sizeof(why)),
			 -EBADMSG);
	assert_string_equal(why, "line 2 not understood");
	assert_int_equal(idm_result_parse((const uint8_t *)"0 ok\npartner=1 a b\n", 20, &back, why,
					  sizeof(why)),
			 -EBADMSG);
	assert_int_equal(idm_result_parse((const uint8_t *)"-1 x\n", 5, &back, why, sizeof(why)),
			 -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pkce_rfc7636_appendix_b),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_redirect),
		cmocka_unit_test(test_token_response),
		cmocka_unit_test(test_exchange_response),
		cmocka_unit_test(test_token_response_refused),
		cmocka_unit_test(test_token_response_truncated),
		cmocka_unit_test(test_error_response),
		cmocka_unit_test(test_result),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
