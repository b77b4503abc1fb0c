// SPDX-License-Identifier: GPL-2.0-or-later
/* REGISTER building, response parsing (good, truncated, hostile), TCP framing, redaction. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sipmsg-osip.h"
#include "sipmsg.h"

#define CRLF "\r\n"

#define HEAD(status)                                                                            \
	"SIP/2.0 " status CRLF                                                                  \
	"Via: SIP/2.0/UDP 198.51.100.2:40000;branch=z9hG4bK0011;rport=40000" CRLF               \
	"From: <sip:alice@ims.partner.example>;tag=f00d" CRLF                                   \
	"To: <sip:alice@ims.partner.example>;tag=beef" CRLF "Call-ID: c0ffee@198.51.100.2" CRLF \
	"CSeq: 1 REGISTER" CRLF

/* As Kamailio 5.6 ims_auth challenges (S-CSCF side, so with ck/ik). */
static const char resp_401[] = HEAD(
	"401 Unauthorized - Challenging the UE") "WWW-Authenticate: Digest realm=\"ims.partner.example\", "
						 "nonce=\"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=\", algorithm=AKAv1-MD5, "
						 "ck=\"b40ba9a3c58b2a05bbf0d987b21bf8cb\", ik=\"f769bcd751044604127672711c6d3441\", "
						 "qop=\"auth,auth-int\"" CRLF
						 "Content-Length: 0" CRLF CRLF;

static const char resp_200[] =
	HEAD("200 OK") "Service-Route: <sip:orig@scscf.partner.example:5060;lr>" CRLF
		       "Service-Route: <sip:term@scscf.partner.example:5060;lr>" CRLF
		       "P-Associated-URI: <sip:alice@ims.partner.example>, <tel:+15550100>" CRLF
		       "Contact: <sip:198.51.100.9:5060>;expires=3600" CRLF
		       "Contact: <sip:198.51.100.2:40000>;expires=1800" CRLF "Expires: 600" CRLF
		       "Content-Length: 0" CRLF CRLF;

static int parse(const char *m, struct sipmsg_response *r, const char **err)
{
	return sipmsg_parse_response((const uint8_t *)m, strlen(m), "198.51.100.2", 40000, r, err);
}

static void test_parse_401(void **state)
{
	struct sipmsg_response r;
	const char *err;

	assert_int_equal(parse(resp_401, &r, &err), 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(r.reason, "Unauthorized - Challenging the UE");
	assert_string_equal(r.call_id, "c0ffee@198.51.100.2");
	assert_int_equal(r.cseq, 1);
	assert_string_equal(r.cseq_method, "REGISTER");
	assert_string_equal(r.branch, "z9hG4bK0011");
	assert_true(r.has_challenge);
	assert_int_equal(r.challenge.algorithm, DIGEST_AKAV1_MD5);
	assert_string_equal(r.challenge.realm, "ims.partner.example");
	assert_string_equal(r.challenge.nonce, "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=");
	assert_true(r.challenge.qop_auth);
	assert_false(r.challenge.has_opaque);
	assert_false(r.challenge.stale);
	assert_int_equal(r.expires, -1);
}

static void test_parse_401_variants(void **state)
{
	struct sipmsg_response r;
	const char *err;

	/* AKAv2, opaque, stale, no qop; after a plain MD5 challenge that we skip. */
	assert_int_equal(
		parse(HEAD("401 Unauthorized") "WWW-Authenticate: Digest realm=\"x\", "
					       "nonce=\"abc\", algorithm=MD5" CRLF
					       "WWW-Authenticate: Digest realm=\"r.example\", nonce=\"bm9uY2U=\", "
					       "opaque=\"op\", stale=TRUE, algorithm=\"AKAv2-MD5\"" CRLF
					       "Content-Length: 0" CRLF CRLF,
		      &r, &err),
		0);
	assert_true(r.has_challenge);
	assert_int_equal(r.challenge.algorithm, DIGEST_AKAV2_MD5);
	assert_string_equal(r.challenge.realm, "r.example");
	assert_string_equal(r.challenge.opaque, "op");
	assert_true(r.challenge.has_opaque);
	assert_true(r.challenge.stale);
	assert_false(r.challenge.qop_auth);

	assert_int_equal(parse(HEAD("401 Unauthorized") "WWW-Authenticate: Digest realm=\"x\", "
							"nonce=\"abc\", algorithm=MD5" CRLF
							"Content-Length: 0" CRLF CRLF,
			       &r, &err),
			 -ENOTSUP);
	assert_string_equal(err, "401 offers no Digest AKAv1-MD5/AKAv2-MD5 challenge (first: "
				 "Digest algorithm=MD5)");
	assert_int_equal(parse(HEAD("401 Unauthorized") "Content-Length: 0" CRLF CRLF, &r, &err),
			 -EBADMSG);
	assert_string_equal(err, "401 without WWW-Authenticate");
	/* A body is not headers. */
	assert_int_equal(parse(HEAD("401 Unauthorized") "Content-Length: 26" CRLF CRLF
							"WWW-Authenticate: Digest\r\n",
			       &r, &err),
			 -EBADMSG);
	assert_string_equal(err, "401 without WWW-Authenticate");
	assert_int_equal(parse(HEAD("401 Unauthorized") "WWW-Authenticate: Digest realm=\"x\", "
							"nonce=\"abc\", algorithm=AKAv1-MD5, "
							"qop=\"auth-int\"" CRLF
							"Content-Length: 0" CRLF CRLF,
			       &r, &err),
			 -ENOTSUP);
	assert_string_equal(err, "WWW-Authenticate: qop=\"auth-int\" offers no \"auth\"");
}

/* libosip2 drops a WWW-Authenticate it cannot read: the reason still names the fault. */
static void test_parse_401_malformed(void **state)
{
	static const struct {
		const char *header, *err;
	} cases[] = {
		{ "Digest realm=\"a, nonce=\"b\", algorithm=AKAv1-MD5",
		  "WWW-Authenticate malformed: realm: \"b\\x22, algorithm=AKAv1-MD5\" after the "
		  "value" },
		{ "Digest realm=\"a, nonce=b",
		  "WWW-Authenticate malformed: realm: quoted-string not closed" },
		{ ",,,", "WWW-Authenticate malformed: no auth-scheme in \" ,,,\"" },
		{ "Digest", "WWW-Authenticate malformed: Digest without parameters" },
		{ "Digest realm=\"a\", nonce",
		  "WWW-Authenticate malformed: nonce without a value" },
		{ "Digest realm=\"a\", nonce=, algorithm=AKAv1-MD5",
		  "WWW-Authenticate malformed: nonce: empty value" },
		/* CK and IK (TS 24.229 5.4.1.2.1) are never quoted in a reason. */
		{ "Digest realm=\"a\", nonce=\"b, ck=\"00112233\", algorithm=AKAv1-MD5",
		  "WWW-Authenticate malformed: nonce: \"********\\x22, algorithm=AKA...\" after the "
		  "value" },
		{ "Digest realm=\"a\", nonce=\"b\", ck=\"00112233\" ik=\"4455\", algorithm=AKAv1-MD5, x",
		  "WWW-Authenticate malformed: ck: \"ik=\\x22****\\x22, algorithm=AKA...\" after the "
		  "value" },
	};
	struct sipmsg_response r;
	const char *err;
	char m[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(m, sizeof(m),
			 HEAD("401 Unauthorized") "WWW-Authenticate: %s" CRLF
						  "Content-Length: 0" CRLF CRLF,
			 cases[i].header);
		assert_int_equal(parse(m, &r, &err), -EBADMSG);
		assert_string_equal(err, cases[i].err);
		assert_int_equal(r.status, 401);
	}
	assert_int_equal(parse(HEAD("401 Unauthorized") "WWW-Authenticate: Basic realm=\"a\"" CRLF
							"Content-Length: 0" CRLF CRLF,
			       &r, &err),
			 -ENOTSUP);
	assert_string_equal(err,
			    "401 offers no Digest AKAv1-MD5/AKAv2-MD5 challenge (first: Basic)");
	assert_int_equal(parse(HEAD("401 Unauthorized") "WWW-Authenticate: Digest realm=\"a\", "
							"nonce=\"b\", algorithm=AKAv1-MD5 "
							"ck=\"00112233\", ik=\"4455\"" CRLF
							"Content-Length: 0" CRLF CRLF,
			       &r, &err),
			 -ENOTSUP);
	assert_string_equal(err, "401 offers no Digest AKAv1-MD5/AKAv2-MD5 challenge (first: "
				 "Digest algorithm=AKAv1-MD5 ck=\\x22********\\x22)");
}

static void test_parse_200(void **state)
{
	struct sipmsg_response r;
	const char *err;

	assert_int_equal(parse(resp_200, &r, &err), 0);
	assert_int_equal(r.status, 200);
	assert_false(r.has_challenge);
	assert_string_equal(r.service_route, "<sip:orig@scscf.partner.example:5060;lr>, "
					     "<sip:term@scscf.partner.example:5060;lr>");
	assert_string_equal(r.associated_uris, "<sip:alice@ims.partner.example>, <tel:+15550100>");
	/* Our binding's expiry, not another UE's. */
	assert_int_equal(r.contact_expires, 1800);
	assert_int_equal(r.expires, 600);
	assert_int_equal(r.min_expires, -1);
	assert_int_equal(r.retry_after, -1);
	assert_int_equal(sipmsg_parse_response((const uint8_t *)resp_200, strlen(resp_200),
					       "198.51.100.2", 5060, &r, &err),
			 0);
	assert_int_equal(r.contact_expires, -1);
}

static void test_parse_errors_and_hints(void **state)
{
	struct sipmsg_response r;
	const char *err;

	assert_int_equal(
		parse(HEAD("403 Forbidden - migration revoked") "Content-Length: 0" CRLF CRLF, &r,
		      &err),
		0);
	assert_int_equal(r.status, 403);
	assert_string_equal(r.reason, "Forbidden - migration revoked");
	assert_int_equal(parse(HEAD("423 Interval Too Brief") "Min-Expires: 7200" CRLF
							      "Content-Length: 0" CRLF CRLF,
			       &r, &err),
			 0);
	assert_int_equal(r.min_expires, 7200);
	assert_int_equal(
		parse(HEAD("503 Service Unavailable") "Retry-After: 18;duration=60 (busy)" CRLF
						      "Content-Length: 0" CRLF CRLF,
		      &r, &err),
		0);
	assert_int_equal(r.retry_after, 18);
}

static void expect_bad(const char *m, int ret, const char *what)
{
	struct sipmsg_response r;
	const char *err = NULL;

	assert_int_equal(parse(m, &r, &err), ret);
	assert_non_null(err);
	assert_string_equal(err, what);
}

static void test_parse_hostile(void **state)
{
	char big[8192];
	uint8_t nul[] = "SIP/2.0 200 OK\r\nVia: x\0\r\n\r\n";
	struct sipmsg_response r;
	const char *err;

	expect_bad("", -EBADMSG, "empty message");
	expect_bad("REGISTER sip:x SIP/2.0\r\n\r\n", -EBADMSG,
		   "not a SIP/2.0 response: \"REGISTER sip:x SIP/2.0\"");
	expect_bad("HTTP/1.1 400 Bad Request\x01\r\n\r\n", -EBADMSG,
		   "not a SIP/2.0 response: \"HTTP/1.1 400 Bad Request...\"");
	expect_bad("\x16\x03\x01\x02", -EBADMSG,
		   "not a SIP/2.0 response: \"\\x16\\x03\\x01\\x02\"");
	expect_bad("SIP/2.0 200 OK\r\nCall-ID: x\r\n", -EBADMSG,
		   "truncated: no end of headers in 28 bytes");
	expect_bad("SIP/2.0 2000 OK\r\n\r\n", -EBADMSG,
		   "status line \"SIP/2.0 2000 OK\" malformed (RFC 3261 7.2)");
	expect_bad("SIP/2.0 200\r\n\r\n", -EBADMSG,
		   "status line \"SIP/2.0 200\" malformed (RFC 3261 7.2)");
	expect_bad("SIP/2.0 099 Odd\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: a\r\n"
		   "CSeq: 1 REGISTER\r\n\r\n",
		   -EBADMSG, "status 099 not in 100..699 (RFC 3261 21)");
	expect_bad("SIP/2.0 701 Odd\r\n\r\n", -EBADMSG, "status 701 not in 100..699 (RFC 3261 21)");
	expect_bad("SIP/2.0 200 OK\r\nContact: <sip:h>\r\nCall-ID: a\r\n\r\n", -EBADMSG,
		   "malformed SIP message (libosip2 refused it)");
	expect_bad(
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 REGISTER\r\n\r\n",
		-EBADMSG, "Call-ID missing");
	expect_bad("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: a\r\n\r\n",
		   -EBADMSG, "CSeq missing");
	expect_bad("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: a\r\n"
		   "CSeq: 4294967297 REGISTER\r\n\r\n",
		   -EBADMSG, "CSeq number 4294967297 not below 2^31 (RFC 3261 8.1.1.5)");
	expect_bad("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: a\r\n"
		   "CSeq: x REGISTER\r\n\r\n",
		   -EBADMSG, "CSeq number \"x\" not a number");
	expect_bad("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\nCall-ID: a\r\nCSeq: 1 REGISTER\r\n\r\n",
		   -EBADMSG, "Via with a branch missing");
	expect_bad(HEAD("200 OK") "Expires: soon" CRLF CRLF, -EBADMSG,
		   "Expires \"soon\" not a number");
	expect_bad(HEAD("200 OK") "Expires: 99999999999" CRLF CRLF, -EBADMSG,
		   "Expires 99999999999 out of range (over 2147483647)");
	expect_bad(HEAD("423 Interval Too Brief") "Min-Expires: -5" CRLF CRLF, -EBADMSG,
		   "Min-Expires \"-5\" not a number");
	expect_bad(HEAD("503 Busy") "Retry-After: 5x" CRLF CRLF, -EBADMSG,
		   "Retry-After \"5x\" not a number");
	/* RFC 3261 20.33 sets no bound; ours is what a timer and a 32-bit long hold. */
	expect_bad(HEAD("503 Busy") "Retry-After: 4294967295" CRLF CRLF, -EBADMSG,
		   "Retry-After 4294967295 out of range (over 2147483647)");
	expect_bad(HEAD("200 OK") "Contact: <sip:198.51.100.2:40000>;expires=abc" CRLF CRLF,
		   -EBADMSG, "Contact expires \"abc\" not a number");
	/* RFC 3261 18.3: a UDP response whose body is shorter than Content-Length is discarded. */
	expect_bad(HEAD("200 OK") "Content-Length: 100" CRLF CRLF "abc", -EBADMSG,
		   "Content-Length 100 but 3 bytes of body (RFC 3261 18.3)");
	expect_bad(HEAD("200 OK") "Content-Length: x" CRLF CRLF "abc", -EBADMSG,
		   "Content-Length \"x\" not a number");
	/* Values echoed into our next request must not smuggle quotes or backslashes. */
	expect_bad(HEAD("401 Unauthorized") "WWW-Authenticate: Digest realm=\"a\\\"b\", "
					    "nonce=\"abc\", algorithm=AKAv1-MD5" CRLF CRLF,
		   -EBADMSG, "WWW-Authenticate: realm: byte 0x5c at 1 cannot be echoed");
	expect_bad(HEAD("401 Unauthorized") "WWW-Authenticate: Digest realm=\"a\", nonce=\"\", "
					    "algorithm=AKAv1-MD5" CRLF CRLF,
		   -EBADMSG, "WWW-Authenticate: nonce missing or empty");
	expect_bad(HEAD("401 Unauthorized") "WWW-Authenticate: Digest realm=\"a\", "
					    "algorithm=AKAv1-MD5" CRLF CRLF,
		   -EBADMSG, "WWW-Authenticate: nonce missing or empty");

	snprintf(big, sizeof(big),
		 HEAD("401 Unauthorized") "WWW-Authenticate: Digest realm=\"a\", nonce=\"%0600d\", "
					  "algorithm=AKAv1-MD5" CRLF CRLF,
		 7);
	expect_bad(big, -EBADMSG, "WWW-Authenticate: nonce of 600 characters, over 255");
	snprintf(big, sizeof(big), HEAD("200 OK") "Service-Route: <sip:%0600d@x;lr>" CRLF CRLF, 1);
	expect_bad(big, -EBADMSG, "Service-Route: values longer than 511 characters together");
	snprintf(big, sizeof(big), HEAD("200 OK") "P-Associated-URI: <sip:%01100d@x>" CRLF CRLF, 1);
	expect_bad(big, -EBADMSG, "P-Associated-URI: values longer than 1023 characters together");
	expect_bad(HEAD("200 OK") "Service-Route: <sip:a\x1b@x>" CRLF CRLF, -EBADMSG,
		   "Service-Route: control character 0x1b at 6 of value 1");

	assert_int_equal(sipmsg_parse_response(nul, sizeof(nul) - 1, NULL, 0, &r, &err), -EBADMSG);
	assert_string_equal(err, "NUL byte at offset 22");
	assert_int_equal(r.status, 200);
	memset(big, 'a', sizeof(big));
	assert_int_equal(sipmsg_parse_response((const uint8_t *)big, 70000, NULL, 0, &r, &err),
			 -EBADMSG);
	assert_string_equal(err, "70000 bytes, over 65535");
}

/* Each refusal names the header, the value (or its length) and the rule. */
static void test_parse_reasons(void **state)
{
	/* The message is pre, then zeros '0' characters, then post. */
	static const struct {
		const char *pre;
		size_t zeros;
		const char *post, *err;
	} cases[] = {
		{ "SIP/2.0 200 ", 300,
		  "\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: a\r\nCSeq: 1 REGISTER\r\n\r\n",
		  "reason phrase longer than 255 characters" },
		{ HEAD("200 O\x01K") CRLF, 0, "", "reason phrase: control character 0x01 at 1" },
		{ "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: ", 300,
		  "\r\nCSeq: 1 REGISTER\r\n\r\n", "Call-ID longer than 255 characters" },
		{ "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: a\r\n"
		  "CSeq: 1 REGISTER",
		  40, "\r\n\r\n", "CSeq method longer than 31 characters" },
		{ HEAD("200 OK") "P-Associated-URI: <sip:a@x>, <sip:\x02>" CRLF CRLF, 0, "",
		  "P-Associated-URI: control character 0x02 at 5 of value 2" },
		{ HEAD("200 OK") "Contact: <sip:198.51.100.2:40000>;expires=9", 10, CRLF CRLF,
		  "Contact expires 90000000000 out of range (over 2147483647)" },
		{ HEAD("423 Interval Too Brief") "Min-Expires: 2147483648" CRLF CRLF, 0, "",
		  "Min-Expires 2147483648 out of range (over 2147483647)" },
		{ HEAD("401 Unauthorized") "WWW-Authenticate: Digest realm=\"", 300,
		  "\", nonce=\"abc\", algorithm=AKAv1-MD5" CRLF CRLF,
		  "WWW-Authenticate: realm of 300 characters, over 255" },
		{ HEAD("401 Unauthorized") "WWW-Authenticate: Digest realm=\"a\", nonce=\"abc\", "
					   "algorithm=AKAv1-MD5, opaque=\"",
		  300, "\"" CRLF CRLF, "WWW-Authenticate: opaque of 300 characters, over 255" },
		{ HEAD("401 Unauthorized") "WWW-Authenticate: Digest realm=\"a\", nonce=\"abc\", "
					   "algorithm=AKAv1-MD5, qop=\"au\x01th\"" CRLF CRLF,
		  0, "", "WWW-Authenticate: qop: byte 0x01 at 2 cannot be echoed" },
		{ HEAD("401 Unauthorized") "WWW-Authenticate: Digest realm=\"a\", nonce=\"abc\", "
					   "algorithm=AKAv1-MD5, stale=\"tr\\\\ue\"" CRLF CRLF,
		  0, "", "WWW-Authenticate: stale: byte 0x5c at 2 cannot be echoed" },
	};
	char m[1024];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = strlen(cases[i].pre);
		memcpy(m, cases[i].pre, n);
		memset(m + n, '0', cases[i].zeros);
		strcpy(m + n + cases[i].zeros, cases[i].post);
		expect_bad(m, -EBADMSG, cases[i].err);
	}
}

/* Every truncated prefix of a good 401 and 200 is rejected, never half-read. */
static void test_parse_truncated(void **state)
{
	const char *const msgs[] = { resp_401, resp_200 };
	struct sipmsg_response r;
	const char *err;
	size_t i, len;

	for (i = 0; i < 2; i++) {
		size_t full = strlen(msgs[i]);

		for (len = 0; len < full; len++) {
			uint8_t *copy = malloc(len ? len : 1);

			memcpy(copy, msgs[i], len);
			assert_int_equal(sipmsg_parse_response(copy, len, "198.51.100.2", 40000, &r,
							       &err),
					 -EBADMSG);
			assert_non_null(err);
			free(copy);
		}
	}
}

/*
 * Hostile bytes: 20000 deterministic mutations of a good 401 and 200 (bytes
 * flipped, cut, CR/LF/quote/NUL inserted). Each parse either fails with a
 * reason or yields values that are bounded and safe to echo; run under
 * SANITIZE=address,undefined this is also a memory-safety sweep.
 */
static void test_parse_mutations(void **state)
{
	static const char specials[] = "\r\n\":;,<>=\\\0 ";
	const char *const msgs[] = { resp_401, resp_200 };
	struct sipmsg_response r;
	uint32_t x = 0x12345678;
	uint8_t buf[2048];
	const char *err;
	int i, k, parsed = 0, challenges = 0;

	for (i = 0; i < 20000; i++) {
		const char *m = msgs[i % 2];
		size_t len = strlen(m);
		int ret;

		memcpy(buf, m, len);
		for (k = 0; k < 1 + i % 4; k++) {
			size_t pos;

			x = x * 1103515245 + 12345;
			pos = (x >> 8) % len;
			if ((x & 3) == 0)
				buf[pos] = (uint8_t)(x >> 16);
			else if ((x & 3) == 1)
				buf[pos] = (uint8_t)specials[(x >> 16) % (sizeof(specials) - 1)];
			else if ((x & 3) == 2)
				len = pos + 1;
			else {
				memmove(buf + pos + 1, buf + pos, len - pos);
				len++;
			}
		}
		ret = sipmsg_parse_response(buf, len, "198.51.100.2", 40000, &r, &err);
		if (ret < 0) {
			assert_true(ret == -EBADMSG || ret == -ENOTSUP);
			assert_non_null(err);
			continue;
		}
		parsed++;
		assert_true(r.status >= 100 && r.status <= 699);
		if (r.has_challenge) {
			challenges++;
			assert_null(strpbrk(r.challenge.nonce, "\"\\\r\n"));
			assert_null(strpbrk(r.challenge.realm, "\"\\\r\n"));
		}
		assert_true(strlen(r.service_route) < sizeof(r.service_route));
	}
	/* Both outcomes are exercised, not only the rejections. */
	print_message("mutations: %d parsed (%d with a challenge), %d rejected\n", parsed,
		      challenges, 20000 - parsed);
	assert_true(parsed > 1000 && challenges > 500 && parsed < 19000);
}

static void test_build_authorization(void **state)
{
	struct sipmsg_auth a = {
		.username = "alice@ims.primary.example",
		.realm = "ims.partner.example",
		.uri = "sip:ims.partner.example",
		.nonce = "",
		.response = "",
		.algorithm = DIGEST_AKAV1_MD5,
	};
	char buf[512];
	int n;

	n = sipmsg_build_authorization(&a, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf, "Digest username=\"alice@ims.primary.example\", "
				 "realm=\"ims.partner.example\", uri=\"sip:ims.partner.example\", "
				 "nonce=\"\", response=\"\", algorithm=AKAv1-MD5");
	a.nonce = "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=";
	a.response = "380c6458c312bd26c6081e1c0ffb4230";
	a.qop = "auth";
	a.nc = 1;
	a.cnonce = "0a4f113b";
	a.opaque = "op";
	a.auts = "RR6L7KQb+O5YnUbYNck=";
	assert_true(sipmsg_build_authorization(&a, buf, sizeof(buf)) > 0);
	assert_string_equal(buf,
			    "Digest username=\"alice@ims.primary.example\", "
			    "realm=\"ims.partner.example\", uri=\"sip:ims.partner.example\", "
			    "nonce=\"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=\", "
			    "response=\"380c6458c312bd26c6081e1c0ffb4230\", algorithm=AKAv1-MD5, "
			    "qop=auth, nc=00000001, cnonce=\"0a4f113b\", opaque=\"op\", "
			    "auts=\"RR6L7KQb+O5YnUbYNck=\"");
	assert_int_equal(sipmsg_build_authorization(&a, buf, 100), -E2BIG);
	a.realm = "a\"b";
	assert_int_equal(sipmsg_build_authorization(&a, buf, sizeof(buf)), -EINVAL);
	a.realm = "a\r\nX: y";
	assert_int_equal(sipmsg_build_authorization(&a, buf, sizeof(buf)), -EINVAL);
	a.realm = "r";
	a.response = "xyz";
	assert_int_equal(sipmsg_build_authorization(&a, buf, sizeof(buf)), -EINVAL);
}

static void test_build_register(void **state)
{
	static const char golden[] =
		"REGISTER sip:ims.partner.example SIP/2.0\r\n"
		"Via: SIP/2.0/TCP [2001:db8::2]:5062;branch=z9hG4bKabc;rport\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:alice@ims.partner.example>;tag=t1\r\n"
		"To: <sip:alice@ims.partner.example>\r\n"
		"Call-ID: cid@x\r\n"
		"CSeq: 2 REGISTER\r\n"
		"Contact: <sip:[2001:db8::2]:5062;transport=tcp>\r\n"
		"Expires: 600\r\n"
		"Supported: path\r\n"
		"Authorization: Digest x\r\n"
		"User-Agent: mcmig/test\r\n"
		"Content-Length: 0\r\n\r\n";
	struct sipmsg_register m = {
		.tcp = true,
		.local_host = "2001:db8::2",
		.local_port = 5062,
		.branch = "z9hG4bKabc",
		.domain = "ims.partner.example",
		.impu = "sip:alice@ims.partner.example",
		.from_tag = "t1",
		.call_id = "cid@x",
		.cseq = 2,
		.expires = 600,
		.authorization = "Digest x",
		.user_agent = "mcmig/test",
	};
	struct sipmsg_response r;
	const char *err;
	char buf[1024];

	assert_int_equal(sipmsg_build_register(&m, buf, sizeof(buf)), (int)strlen(golden));
	assert_string_equal(buf, golden);
	assert_int_equal(sipmsg_build_register(&m, buf, 100), -E2BIG);
	/* What we build, libosip2 reads as a request (not a response). */
	assert_int_equal(sipmsg_parse_response((const uint8_t *)buf, strlen(golden), NULL, 0, &r,
					       &err),
			 -EBADMSG);
	m.branch = "abc";
	assert_int_equal(sipmsg_build_register(&m, buf, sizeof(buf)), -EINVAL);
	m.branch = "z9hG4bKabc";
	m.impu = "sip:a@b>\r\nRoute: <sip:evil";
	assert_int_equal(sipmsg_build_register(&m, buf, sizeof(buf)), -EINVAL);
	m.impu = "sip:alice@ims.partner.example";
	m.local_port = 0;
	assert_int_equal(sipmsg_build_register(&m, buf, sizeof(buf)), -EINVAL);
}

/* TS 24.379 7.2.1, TS 24.229 5.1.1.2.1: what an MC system expects in REGISTER, exactly. */
static void test_build_register_mcptt(void **state)
{
	static const char golden[] =
		"REGISTER sip:ims.partner.example SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKabc;rport\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:alice@ims.partner.example>;tag=t1\r\n"
		"To: <sip:alice@ims.partner.example>\r\n"
		"Call-ID: cid@x\r\n"
		"CSeq: 1 REGISTER\r\n"
		"Contact: <sip:192.0.2.2:5060>;+sip.instance=\"<urn:gsma:imei:35693803-564380-0>\""
		";+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mcptt\"\r\n"
		"Expires: 600\r\n"
		"Supported: path\r\n"
		"Authorization: Digest x\r\n"
		"P-Access-Network-Info: 3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=00101000100001A2\r\n"
		"Content-Length: 0\r\n\r\n";
	struct sipmsg_register m = {
		.local_host = "192.0.2.2",
		.local_port = 5060,
		.branch = "z9hG4bKabc",
		.domain = "ims.partner.example",
		.impu = "sip:alice@ims.partner.example",
		.from_tag = "t1",
		.call_id = "cid@x",
		.cseq = 1,
		.expires = 600,
		.authorization = "Digest x",
		.icsi = SIPMSG_ICSI_MCPTT,
	};
	char urn[SIPMSG_IMEI_URN_MAX], pani[SIPMSG_PANI_MAX], buf[1024];
	const char *err = NULL;

	assert_int_equal(sipmsg_imei_urn("356938035643809", urn, sizeof(urn), &err), 0);
	assert_int_equal(sipmsg_pani_eutran("001", "01", 1, 0x1a2, pani, sizeof(pani), &err), 0);
	m.instance_id = urn;
	m.pani = pani;
	assert_int_equal(sipmsg_build_register(&m, buf, sizeof(buf)), (int)strlen(golden));
	assert_string_equal(buf, golden);
	/* Values that would break the header are refused, not sent. */
	m.instance_id = "urn:x\"y";
	assert_int_equal(sipmsg_build_register(&m, buf, sizeof(buf)), -EINVAL);
	m.instance_id = urn;
	m.pani = "a\r\nX: y";
	assert_int_equal(sipmsg_build_register(&m, buf, sizeof(buf)), -EINVAL);
	m.pani = pani;
	m.icsi = "urn:a b";
	assert_int_equal(sipmsg_build_register(&m, buf, sizeof(buf)), -EINVAL);
}

static void test_imei_urn(void **state)
{
	char urn[SIPMSG_IMEI_URN_MAX];
	const char *err = NULL;

	/* 14 digits, with the check digit, and an IMEISV: the same URN, spare digit 0. */
	assert_int_equal(sipmsg_imei_urn("35209900176148", urn, sizeof(urn), &err), 0);
	assert_string_equal(urn, "urn:gsma:imei:35209900-176148-0");
	assert_int_equal(sipmsg_imei_urn("352099001761481", urn, sizeof(urn), &err), 0);
	assert_string_equal(urn, "urn:gsma:imei:35209900-176148-0");
	assert_int_equal(sipmsg_imei_urn("3520990017614823", urn, sizeof(urn), &err), 0);
	assert_string_equal(urn, "urn:gsma:imei:35209900-176148-0");
	assert_int_equal(sipmsg_imei_urn("3520990017614", urn, sizeof(urn), &err), -EINVAL);
	assert_string_equal(err, "IMEI is not 14 to 16 digits");
	assert_int_equal(sipmsg_imei_urn("35209900176148234", urn, sizeof(urn), &err), -EINVAL);
	assert_int_equal(sipmsg_imei_urn("35209900-176148", urn, sizeof(urn), &err), -EINVAL);
	assert_int_equal(sipmsg_imei_urn(NULL, urn, sizeof(urn), &err), -EINVAL);
	assert_int_equal(sipmsg_imei_urn("35209900176148", urn, 20, &err), -EINVAL);
	assert_string_equal(err, "no room for the IMEI URN");
}

static void test_pani(void **state)
{
	char pani[SIPMSG_PANI_MAX];
	const char *err = NULL;

	/* TS 24.229 7.2A.4: MCC MNC, TAC in 4 and ECI in 7 hex digits. */
	assert_int_equal(
		sipmsg_pani_eutran("262", "01", 0xabcd, 0xfedcba9, pani, sizeof(pani), &err), 0);
	assert_string_equal(pani, "3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=26201ABCDFEDCBA9");
	assert_int_equal(sipmsg_pani_eutran("310", "410", 0, 0, pani, sizeof(pani), &err), 0);
	assert_string_equal(pani, "3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=31041000000000000");
	assert_int_equal(sipmsg_pani_eutran("26", "01", 1, 1, pani, sizeof(pani), &err), -EINVAL);
	assert_string_equal(err, "MCC is not 3 digits");
	assert_int_equal(sipmsg_pani_eutran("262", "1", 1, 1, pani, sizeof(pani), &err), -EINVAL);
	assert_string_equal(err, "MNC is not 2 or 3 digits");
	assert_int_equal(sipmsg_pani_eutran("262", "01", 0x10000, 1, pani, sizeof(pani), &err),
			 -EINVAL);
	assert_string_equal(err, "TAC over 16 bits");
	assert_int_equal(sipmsg_pani_eutran("262", "01", 1, 0x10000000, pani, sizeof(pani), &err),
			 -EINVAL);
	assert_string_equal(err, "E-UTRAN cell identity over 28 bits");
	assert_int_equal(sipmsg_pani_eutran("262", "01", 1, 1, pani, 20, &err), -EINVAL);
}

static void test_frame(void **state)
{
	static const char two[] = "\r\n\r\nSIP/2.0 200 OK\r\nl: 3\r\n\r\nabcSIP/2.0 100 Trying\r\n"
				  "Content-Length:0\r\n\r\n";
	size_t skip, len, n;
	char err[SIPMSG_ERR_MAX];
	uint8_t *big;

	assert_int_equal(
		sipmsg_frame((const uint8_t *)two, strlen(two), &skip, &len, err, sizeof(err)), 1);
	assert_int_equal(skip, 4);
	assert_int_equal(len, strlen("SIP/2.0 200 OK\r\nl: 3\r\n\r\nabc"));
	n = skip + len;
	assert_int_equal(sipmsg_frame((const uint8_t *)two + n, strlen(two) - n, &skip, &len, err,
				      sizeof(err)),
			 1);
	assert_int_equal(skip, 0);
	assert_int_equal(len, strlen(two) - n);
	/* Every prefix of the first message asks for more. */
	for (n = 0; n < 4 + strlen("SIP/2.0 200 OK\r\nl: 3\r\n\r\nabc"); n++)
		assert_int_equal(
			sipmsg_frame((const uint8_t *)two, n, &skip, &len, err, sizeof(err)), 0);
	assert_int_equal(sipmsg_frame((const uint8_t *)"SIP/2.0 200 OK\r\n\r\n", 18, &skip, &len,
				      err, sizeof(err)),
			 -EBADMSG);
	assert_string_equal(err, "Content-Length missing (RFC 3261 18.3)");
	assert_int_equal(
		sipmsg_frame((const uint8_t *)"SIP/2.0 200 OK\r\nContent-Length: x\r\n\r\n", 37,
			     &skip, &len, err, sizeof(err)),
		-EBADMSG);
	assert_string_equal(err, "Content-Length \"x\" not a number up to 65535");
	assert_int_equal(
		sipmsg_frame((const uint8_t *)"SIP/2.0 200 OK\r\nContent-Length: 70000\r\n\r\n", 41,
			     &skip, &len, err, sizeof(err)),
		-EBADMSG);
	assert_string_equal(err, "Content-Length \"70000\" not a number up to 65535");
	assert_int_equal(
		sipmsg_frame((const uint8_t *)"SIP/2.0 200 OK\r\nContent-Length: 65500\r\n\r\n", 41,
			     &skip, &len, err, sizeof(err)),
		-EBADMSG);
	assert_string_equal(err, "41 bytes of headers and 65500 of body, over 65535");
	big = calloc(1, SIPMSG_MAX_LEN + 1);
	assert_int_equal(sipmsg_frame(big, SIPMSG_MAX_LEN + 1, &skip, &len, err, sizeof(err)),
			 -EBADMSG);
	assert_string_equal(err, "no end of headers within 65535 bytes");
	free(big);
}

static void test_redact(void **state)
{
	char m[] = "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", ck=\"00112233\", "
		   "IK=\"4455\", quick=\"x\", ik=abcd\r\n";

	sipmsg_redact(m, strlen(m));
	assert_string_equal(m,
			    "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", ck=\"********\", "
			    "IK=\"****\", quick=\"x\", ik=****\r\n");
}

static void test_parse_pcscf(void **state)
{
	static const struct {
		const char *uri, *host;
		unsigned int port;
		bool tcp;
	} good[] = {
		/* No port: 0, for the caller (RFC 3263 4.2: SRV for a name, else 5060). */
		{ "sip:198.51.100.1", "198.51.100.1", 0, false },
		{ "sip:198.51.100.1:5070;transport=tcp", "198.51.100.1", 5070, true },
		{ "SIP:pcscf.partner.example;lr;transport=TCP", "pcscf.partner.example", 0, true },
		{ "sip:pcscf.example;lr", "pcscf.example", 0, false },
		{ "198.51.100.1:5062", "198.51.100.1", 5062, false },
		{ "sip:[2001:db8::1]:5062", "2001:db8::1", 5062, false },
		{ "[2001:db8::1]:5060;transport=udp", "2001:db8::1", 5060, false },
		{ "[2001:db8::1]", "2001:db8::1", 0, false },
	};
	static const struct {
		const char *uri, *err;
	} bad[] = {
		{ "", "P-CSCF: host missing or too long" },
		{ "sip:", "P-CSCF: host missing or too long" },
		{ "sips:p.example",
		  "P-CSCF: only sip: URIs (sips: and other schemes are not supported)" },
		{ "http://p.example",
		  "P-CSCF: only sip: URIs (sips: and other schemes are not supported)" },
		{ "sip:alice@p.example", "P-CSCF: unexpected characters after the host" },
		{ "sip:p.example:0", "P-CSCF: port not in 1..65535" },
		{ "sip:p.example:65536", "P-CSCF: port not in 1..65535" },
		{ "sip:p.example:50x", "P-CSCF: port not in 1..65535" },
		{ "sip:p.example:", "P-CSCF: port not in 1..65535" },
		{ "2001:db8::1", "P-CSCF: port not in 1..65535" },
		{ "[2001:db8::1", "P-CSCF: IPv6 address without ']'" },
		{ "sip:[::1", "P-CSCF: IPv6 address without ']'" },
		{ "sip:h:99999", "P-CSCF: port not in 1..65535" },
		{ "[2001:zz8::1]", "P-CSCF: bad IPv6 address" },
		{ "sip:p.example;transport=sctp", "P-CSCF: transport must be udp or tcp" },
		{ "sip:p ex", "P-CSCF: unexpected characters after the host" },
	};
	char host[64];
	unsigned int port;
	const char *err;
	bool tcp;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		tcp = false;
		assert_int_equal(
			sipmsg_parse_pcscf(good[i].uri, host, sizeof(host), &port, &tcp, &err), 0);
		assert_string_equal(host, good[i].host);
		assert_int_equal(port, good[i].port);
		assert_int_equal(tcp, good[i].tcp);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(sipmsg_parse_pcscf(bad[i].uri, host, sizeof(host), &port, &tcp,
						    &err),
				 -EINVAL);
		assert_string_equal(err, bad[i].err);
	}
	assert_int_equal(sipmsg_parse_pcscf("sip:a-very-long-host.example", host, 8, &port, &tcp,
					    &err),
			 -EINVAL);
}

/* The checks and parse that sipsub.c and mcsvc-msg.c share (sipmsg-osip.h). */
static void test_osip_shared(void **state)
{
	static const char good[] = "NOTIFY sip:a@b SIP/2.0" CRLF
				   "Via: SIP/2.0/UDP h;branch=z9hG4bK1" CRLF "Call-ID: x" CRLF
				   "CSeq: 1 NOTIFY" CRLF CRLF "body";
	static const struct {
		const char *msg;
		size_t len; /* 0: strlen() */
		const char *err;
	} bad[] = {
		{ "", 0, "message empty or larger than 65535 bytes" },
		{ "SIP/2.0 200 OK" CRLF "a\0b" CRLF CRLF, 23, "NUL byte in message" },
		{ "SIP/2.0 200 OK" CRLF "Call-ID: x" CRLF, 0, "truncated: no end of headers" },
	};
	static uint8_t big[SIPMSG_MAX_LEN + 1];
	const uint8_t *eoh = NULL;
	osip_message_t *msg = NULL;
	const char *err = NULL;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		assert_int_equal(sipmsg_osip_frame((const uint8_t *)bad[i].msg,
						   bad[i].len ? bad[i].len : strlen(bad[i].msg),
						   NULL, &err),
				 -EBADMSG);
		assert_string_equal(err, bad[i].err);
	}
	assert_int_equal(sipmsg_osip_frame(big, sizeof(big), NULL, &err), -EBADMSG);
	assert_string_equal(err, "message empty or larger than 65535 bytes");
	assert_int_equal(sipmsg_osip_frame((const uint8_t *)good, strlen(good), &eoh, &err), 0);
	assert_ptr_equal(eoh, (const uint8_t *)strstr(good, CRLF CRLF));
	assert_int_equal(sipmsg_osip_parse((const uint8_t *)good, strlen(good), &msg), 0);
	assert_non_null(msg);
	assert_string_equal(osip_message_get_method(msg), "NOTIFY");
	osip_message_free(msg);
	assert_int_equal(sipmsg_osip_parse((const uint8_t *)"garbage" CRLF CRLF, 11, &msg),
			 -EBADMSG);
	assert_null(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_401),
		cmocka_unit_test(test_parse_401_variants),
		cmocka_unit_test(test_parse_401_malformed),
		cmocka_unit_test(test_parse_200),
		cmocka_unit_test(test_parse_errors_and_hints),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_parse_reasons),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_mutations),
		cmocka_unit_test(test_build_authorization),
		cmocka_unit_test(test_build_register),
		cmocka_unit_test(test_build_register_mcptt),
		cmocka_unit_test(test_imei_urn),
		cmocka_unit_test(test_pani),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_parse_pcscf),
		cmocka_unit_test(test_osip_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
