// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bench MC servers' pure parts: the access token check (rhonabwy) with
 * tokens minted here, and the message helpers (tests/bench/mcserver).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rhonabwy.h>

#include "tests/bench/mcserver/mcs-msg.h"
#include "tests/bench/mcserver/mcs-token.h"

#define ISS	"https://idms.partner.example"
#define AUD	"mcptt.partner.example"
#define SUB	"sip:mig-7@mcptt.partner.example"
#define PRIMARY "sip:alice@mcptt.primary.example"
#define NOW	((time_t)1764000000)

static char *priv, *jwks, *other_priv, *other_jwks;

static int keys(void **state)
{
	assert_int_equal(mcs_token_keygen("k1", &priv, &jwks), 0);
	assert_int_equal(mcs_token_keygen("k1", &other_priv, &other_jwks), 0);
	return 0;
}

static int keys_free(void **state)
{
	r_free(priv);
	r_free(jwks);
	r_free(other_priv);
	r_free(other_jwks);
	return 0;
}

static int check(const char *token, const char *keyset, struct mcs_claims *c, char *why)
{
	return mcs_token_check(token, keyset, ISS, AUD, NOW, c, why, 256);
}

static void test_token_ok(void **state)
{
	struct mcs_claims c;
	char *t, why[256] = "";

	assert_int_equal(mcs_token_mint(priv, ISS, AUD, SUB, PRIMARY, NOW - 10, NOW + 300, &t), 0);
	assert_int_equal(check(t, jwks, &c, why), 0);
	assert_string_equal(c.sub, SUB);
	assert_string_equal(c.primary_sub, PRIMARY);
	assert_int_equal(c.exp, NOW + 300);
	r_free(t);
}

static void expect_refused(const char *t, const char *keyset, const char *want)
{
	struct mcs_claims c;
	char why[256] = "";

	assert_int_equal(check(t, keyset, &c, why), -EACCES);
	assert_string_equal(why, want);
}

static void test_token_refused(void **state)
{
	char *t, *bad;
	struct mcs_claims c;
	char why[256];

	/* Expired at the MC server: exp is not after now. */
	assert_int_equal(mcs_token_mint(priv, ISS, AUD, SUB, PRIMARY, NOW - 600, NOW, &t), 0);
	expect_refused(t, jwks, "access token expired");
	r_free(t);
	/* Signed with a key the partner IdMS does not publish. */
	assert_int_equal(mcs_token_mint(other_priv, ISS, AUD, SUB, PRIMARY, NOW, NOW + 60, &t), 0);
	expect_refused(t, jwks, "access token signature invalid");
	r_free(t);
	assert_int_equal(mcs_token_mint(priv, ISS, "gms.partner.example", SUB, PRIMARY, NOW,
					NOW + 60, &t),
			 0);
	expect_refused(t, jwks, "access token audience not this MC server (" AUD ")");
	r_free(t);
	assert_int_equal(mcs_token_mint(priv, "https://evil.example", AUD, SUB, PRIMARY, NOW,
					NOW + 60, &t),
			 0);
	expect_refused(t, jwks,
		       "access token issuer https://evil.example not trusted (" ISS " is)");
	r_free(t);
	/* A payload changed after signing. */
	assert_int_equal(mcs_token_mint(priv, ISS, AUD, SUB, PRIMARY, NOW, NOW + 60, &t), 0);
	bad = strdup(t);
	bad[strchr(bad, '.') - bad + 5] ^= 1;
	assert_int_equal(check(bad, jwks, &c, why), -EACCES);
	free(bad);
	r_free(t);
	expect_refused("not.a.jwt", jwks, "access token malformed");
	expect_refused("", jwks, "access token malformed");
	assert_int_equal(mcs_token_check("a.b.c", "{}x", ISS, AUD, NOW, &c, why, sizeof(why)),
			 -EINVAL);
}

#define PUBLISH_BODY                                                                     \
	"<mcpttinfo xmlns=\"urn:3gpp:ns:mcpttInfo:1.0\"><mcptt-Params>"                  \
	"<mcptt-access-token type=\"Normal\"><mcpttString>eyJ.x.y</mcpttString>"         \
	"</mcptt-access-token><mcptt-request-uri type=\"Normal\"><mcpttURI>" PRIMARY     \
	"</mcpttURI></mcptt-request-uri><mcptt-client-id type=\"Normal\"><mcpttString>c" \
	"</mcpttString></mcptt-client-id></mcptt-Params></mcpttinfo>"

static void test_xml_value(void **state)
{
	static const char body[] = PUBLISH_BODY;
	char out[64];
	size_t n;

	assert_int_equal(mcs_xml_value(body, strlen(body), "mcptt-access-token", "mcpttString", out,
				       sizeof(out)),
			 0);
	assert_string_equal(out, "eyJ.x.y");
	assert_int_equal(mcs_xml_value(body, strlen(body), "mcptt-request-uri", "mcpttURI", out,
				       sizeof(out)),
			 0);
	assert_string_equal(out, PRIMARY);
	assert_int_equal(mcs_xml_value(body, strlen(body), "mcptt-client-id", "mcpttString", out,
				       sizeof(out)),
			 0);
	assert_string_equal(out, "c");
	assert_int_equal(mcs_xml_value(body, strlen(body), "mcptt-request-uri", "mcpttURI", out,
				       10),
			 -E2BIG);
	assert_int_equal(mcs_xml_value(body, strlen(body), "nope", "v", out, sizeof(out)), -ENOENT);
	assert_int_equal(mcs_xml_value("<a><v>x&amp;</v></a>", 20, "a", "v", out, sizeof(out)),
			 -EINVAL);
	/* Cut anywhere before the token's end: not found, never read past the cut. */
	for (n = 0; n < (size_t)(strstr(body, "</mcpttString>") - body); n++)
		assert_int_equal(mcs_xml_value(body, n, "mcptt-access-token", "mcpttString", out,
					       sizeof(out)),
				 -ENOENT);
}

static const char request[] = "PUBLISH sip:mcptt@ims.partner.example SIP/2.0\r\n"
			      "Via: SIP/2.0/UDP 127.0.0.4:5060;branch=z9hG4bKs1\r\n"
			      "Via: SIP/2.0/UDP 198.51.100.2:5060;branch=z9hG4bKu1;rport\r\n"
			      "From: <sip:mig-7@ims.partner.example>;tag=f1\r\n"
			      "To: <sip:mig-7@ims.partner.example>\r\n"
			      "Call-ID: c1\r\n"
			      "CSeq: 4 PUBLISH\r\n"
			      "P-Asserted-Identity:  <sip:mig-7@ims.partner.example> \r\n"
			      "Event: poc-settings\r\n"
			      "Content-Length: 0\r\n\r\n";

static void test_header_and_response(void **state)
{
	char out[128], buf[1024];
	size_t n;
	int len;

	assert_int_equal(mcs_header((const uint8_t *)request, strlen(request),
				    "p-asserted-identity", out, sizeof(out)),
			 0);
	assert_string_equal(out, "<sip:mig-7@ims.partner.example>");
	assert_int_equal(
		mcs_header((const uint8_t *)request, strlen(request), "Via", out, sizeof(out)), 0);
	assert_string_equal(out, "SIP/2.0/UDP 127.0.0.4:5060;branch=z9hG4bKs1");
	assert_int_equal(mcs_header((const uint8_t *)request, strlen(request), "SIP-If-Match", out,
				    sizeof(out)),
			 -ENOENT);
	assert_int_equal(mcs_header((const uint8_t *)request, strlen(request), "Call-ID", out, 2),
			 -E2BIG);
	len = mcs_build_response((const uint8_t *)request, strlen(request), 403, "Forbidden", "t9",
				 "Warning: 399 x \"access token expired\"\r\n", buf, sizeof(buf));
	assert_int_equal(len, (int)strlen(buf));
	assert_string_equal(buf, "SIP/2.0 403 Forbidden\r\n"
				 "Via: SIP/2.0/UDP 127.0.0.4:5060;branch=z9hG4bKs1\r\n"
				 "Via: SIP/2.0/UDP 198.51.100.2:5060;branch=z9hG4bKu1;rport\r\n"
				 "From: <sip:mig-7@ims.partner.example>;tag=f1\r\n"
				 "To: <sip:mig-7@ims.partner.example>;tag=t9\r\n"
				 "Call-ID: c1\r\n"
				 "CSeq: 4 PUBLISH\r\n"
				 "Warning: 399 x \"access token expired\"\r\n"
				 "Content-Length: 0\r\n\r\n");
	for (n = 0; n < (size_t)len; n++)
		assert_int_equal(mcs_build_response((const uint8_t *)request, strlen(request), 403,
						    "Forbidden", "t9",
						    "Warning: 399 x \"access token expired\"\r\n",
						    buf, n),
				 -E2BIG);
	/* Truncated requests: no end of headers, refused; header scans stay inside. */
	for (n = 0; n < strlen(request) - 4; n++) {
		assert_int_equal(mcs_build_response((const uint8_t *)request, n, 200, "OK", "t", "",
						    buf, sizeof(buf)),
				 -EBADMSG);
		mcs_header((const uint8_t *)request, n, "Event", out, sizeof(out));
	}
}

static void test_migration_body(void **state)
{
	struct mcs_migration m = { SUB, PRIMARY, "urn:mcmig:system:partner-b" };
	char buf[1024], out[128];
	int len;

	len = mcs_build_migration(&m, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(
		mcs_xml_value(buf, (size_t)len, "mc-service-id-primary", "v", out, sizeof(out)), 0);
	assert_string_equal(out, PRIMARY);
	assert_int_equal(
		mcs_xml_value(buf, (size_t)len, "mc-service-id-partner", "v", out, sizeof(out)), 0);
	assert_string_equal(out, SUB);
	m.primary_id = "sip:a<b";
	assert_int_equal(mcs_build_migration(&m, buf, sizeof(buf)), -EINVAL);
	m.primary_id = PRIMARY;
	assert_int_equal(mcs_build_migration(&m, buf, 50), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_ok),       cmocka_unit_test(test_token_refused),
		cmocka_unit_test(test_xml_value),      cmocka_unit_test(test_header_and_response),
		cmocka_unit_test(test_migration_body),
	};

	return cmocka_run_group_tests(tests, keys, keys_free);
}
