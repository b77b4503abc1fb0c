// SPDX-License-Identifier: GPL-2.0-or-later
/* The reg event subscription's messages: SUBSCRIBE built, NOTIFY and answers read, NOTIFY answered. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sipsub.h"

#define REGINFO                                                                                \
	"<?xml version=\"1.0\"?>\n"                                                            \
	"<reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\" version=\"1\" state=\"partial\">\n" \
	"\t<registration aor=\"sip:mig-1@ims.partner.example\" id=\"0x7f3a2c1b40\" "           \
	"state=\"terminated\">\n"                                                              \
	"\t\t<contact id=\"0x7f3a2c1d88\" state=\"terminated\" event=\"unregistered\" "        \
	"expires=\"0\">\n"                                                                     \
	"\t\t\t<uri>sip:10.45.0.2:5060</uri>\n"                                                \
	"\t\t</contact>\n"                                                                     \
	"\t</registration>\n"                                                                  \
	"</reginfo>\n"

/* As Kamailio 5.6's S-CSCF sends it after a Cx RTR (headers of ims_registrar_scscf's notify). */
static const char notify[] = "NOTIFY sip:10.45.0.2:5060 SIP/2.0\r\n"
			     "Via: SIP/2.0/UDP 10.45.0.1:6060;branch=z9hG4bK2b1c.6d0f\r\n"
			     "To: <sip:mig-1@ims.partner.example>;tag=5b80a5caef14395e\r\n"
			     "From: <sip:mig-1@ims.partner.example>;tag=a1b2c3-5cce\r\n"
			     "CSeq: 11 NOTIFY\r\n"
			     "Call-ID: 0b30557a9fc4e90e33587da2c7ec1136\r\n"
			     "Content-Length: 344\r\n"
			     "Contact: <sip:scscf.ims.partner.example:6060>\r\n"
			     "Event: reg\r\n"
			     "Max-Forwards: 70\r\n"
			     "Subscription-State: terminated;expires=0\r\n"
			     "Content-Type: application/reginfo+xml\r\n"
			     "\r\n" REGINFO;

static void test_build_subscribe(void **state)
{
	struct sipsub_subscribe m = {
		.local_host = "10.45.0.2",
		.local_port = 5060,
		.branch = "z9hG4bKabc",
		.impu = "sip:mig-1@ims.partner.example",
		.route = "<sip:orig@scscf.ims.partner.example:6060;lr>",
		.from_tag = "ft1",
		.call_id = "cid1",
		.cseq = 1,
		.expires = SIPSUB_DEFAULT_EXPIRES,
		.user_agent = "mcmig/1",
	};
	char buf[2048];
	int n;

	n = sipsub_build_subscribe(&m, buf, sizeof(buf));
	assert_true(n > 0);
	assert_string_equal(buf, "SUBSCRIBE sip:mig-1@ims.partner.example SIP/2.0\r\n"
				 "Via: SIP/2.0/UDP 10.45.0.2:5060;branch=z9hG4bKabc;rport\r\n"
				 "Max-Forwards: 70\r\n"
				 "Route: <sip:orig@scscf.ims.partner.example:6060;lr>\r\n"
				 "From: <sip:mig-1@ims.partner.example>;tag=ft1\r\n"
				 "To: <sip:mig-1@ims.partner.example>\r\n"
				 "Call-ID: cid1\r\n"
				 "CSeq: 1 SUBSCRIBE\r\n"
				 "Contact: <sip:10.45.0.2:5060>\r\n"
				 "P-Preferred-Identity: <sip:mig-1@ims.partner.example>\r\n"
				 "Event: reg\r\n"
				 "Accept: application/reginfo+xml\r\n"
				 "Expires: 600000\r\n"
				 "User-Agent: mcmig/1\r\n"
				 "Content-Length: 0\r\n\r\n");
	/* In the dialog, over TCP, unsubscribing, without Service-Route. */
	m.to_tag = "tt9";
	m.tcp = true;
	m.expires = 0;
	m.route = "";
	m.local_host = "2001:db8::2";
	assert_true(sipsub_build_subscribe(&m, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "To: <sip:mig-1@ims.partner.example>;tag=tt9\r\n"));
	assert_non_null(strstr(buf, "Via: SIP/2.0/TCP [2001:db8::2]:5060;"));
	assert_non_null(strstr(buf, "Contact: <sip:[2001:db8::2]:5060;transport=tcp>\r\n"));
	assert_non_null(strstr(buf, "Expires: 0\r\n"));
	assert_null(strstr(buf, "Route:"));
	/* Values from the network are checked; the buffer is never overrun. */
	m.route = "<sip:x>\r\nEvil: 1";
	assert_int_equal(sipsub_build_subscribe(&m, buf, sizeof(buf)), -EINVAL);
	m.route = NULL;
	m.to_tag = "a\"b";
	assert_int_equal(sipsub_build_subscribe(&m, buf, sizeof(buf)), -EINVAL);
	m.to_tag = NULL;
	assert_int_equal(sipsub_build_subscribe(&m, buf, 100), -E2BIG);
}

static void test_parse_notify(void **state)
{
	struct sipsub_msg m;
	const char *err = NULL;

	assert_int_equal(sipsub_parse((const uint8_t *)notify, strlen(notify), &m, &err), 0);
	assert_true(m.request);
	assert_string_equal(m.method, "NOTIFY");
	assert_string_equal(m.call_id, "0b30557a9fc4e90e33587da2c7ec1136");
	assert_string_equal(m.from_tag, "a1b2c3-5cce");
	assert_string_equal(m.to_tag, "5b80a5caef14395e");
	assert_int_equal(m.cseq, 11);
	assert_string_equal(m.event, "reg");
	assert_string_equal(m.sub_state, "terminated");
	assert_int_equal(m.sub_expires, 0);
	assert_true(m.reginfo);
	assert_int_equal(m.body_len, strlen(REGINFO));
	assert_memory_equal(notify + m.body_off, REGINFO, m.body_len);
}

static void test_parse_subscribe_answer(void **state)
{
	static const char ok[] = "SIP/2.0 200 OK\r\n"
				 "Via: SIP/2.0/UDP 10.45.0.2:5060;branch=z9hG4bKabc;rport=5060\r\n"
				 "From: <sip:mig-1@ims.partner.example>;tag=ft1\r\n"
				 "To: <sip:mig-1@ims.partner.example>;tag=srv7\r\n"
				 "Call-ID: cid1\r\n"
				 "CSeq: 1 SUBSCRIBE\r\n"
				 "Expires: 600000\r\n"
				 "Content-Length: 0\r\n\r\n";
	struct sipsub_msg m;
	const char *err = NULL;

	assert_int_equal(sipsub_parse((const uint8_t *)ok, strlen(ok), &m, &err), 0);
	assert_false(m.request);
	assert_int_equal(m.status, 200);
	assert_string_equal(m.to_tag, "srv7");
	assert_string_equal(m.branch, "z9hG4bKabc");
	assert_string_equal(m.cseq_method, "SUBSCRIBE");
	assert_int_equal(m.expires, 600000);
	assert_int_equal(m.sub_expires, -1);
	assert_false(m.reginfo);
}

/* RFC 3261 20.19: Expires up to 2^32 - 1 (TS 24.379 7.2.2's PUBLISH asks for that). */
static void test_parse_long_expires(void **state)
{
	static const char head[] = "PUBLISH sip:mcptt@ims.partner.example SIP/2.0\r\n"
				   "Via: SIP/2.0/UDP 127.0.0.4:5060;branch=z9hG4bKs1\r\n"
				   "From: <sip:mig-1@ims.partner.example>;tag=f1\r\n"
				   "To: <sip:mig-1@ims.partner.example>\r\n"
				   "Call-ID: c1\r\n"
				   "CSeq: 1 PUBLISH\r\n"
				   "Event: poc-settings\r\n";
	char msg[512];
	struct sipsub_msg m;
	const char *err = NULL;

	snprintf(msg, sizeof(msg), "%sExpires: 4294967295\r\nContent-Length: 0\r\n\r\n", head);
	assert_int_equal(sipsub_parse((const uint8_t *)msg, strlen(msg), &m, &err), 0);
	assert_int_equal(m.expires, 0x7fffffffL);
	assert_string_equal(m.event, "poc-settings");
	snprintf(msg, sizeof(msg), "%sExpires: 4294967296\r\nContent-Length: 0\r\n\r\n", head);
	assert_int_equal(sipsub_parse((const uint8_t *)msg, strlen(msg), &m, &err), -EBADMSG);
	assert_string_equal(err, "Expires not a number");
}

static void test_build_response(void **state)
{
	char buf[1024];
	int n;

	n = sipsub_build_response((const uint8_t *)notify, strlen(notify), 200, "OK", "x", buf,
				  sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	/* To already has our tag: nothing added. */
	assert_string_equal(buf, "SIP/2.0 200 OK\r\n"
				 "Via: SIP/2.0/UDP 10.45.0.1:6060;branch=z9hG4bK2b1c.6d0f\r\n"
				 "To: <sip:mig-1@ims.partner.example>;tag=5b80a5caef14395e\r\n"
				 "From: <sip:mig-1@ims.partner.example>;tag=a1b2c3-5cce\r\n"
				 "CSeq: 11 NOTIFY\r\n"
				 "Call-ID: 0b30557a9fc4e90e33587da2c7ec1136\r\n"
				 "Content-Length: 0\r\n\r\n");
}

static void test_response_adds_to_tag(void **state)
{
	static const char req[] = "NOTIFY sip:10.45.0.2:5060 SIP/2.0\r\n"
				  "v: SIP/2.0/UDP 10.45.0.1:6060;branch=z9hG4bK1\r\n"
				  "v: SIP/2.0/UDP 10.45.0.7:5060;branch=z9hG4bK0\r\n"
				  "t: <sip:mig-1@ims.partner.example>\r\n"
				  "f: <sip:x@y>;tag=1\r\n"
				  "i: c\r\n"
				  "CSeq: 2 NOTIFY\r\n"
				  "Event: reg\r\n"
				  "Content-Length: 0\r\n\r\n";
	char buf[1024];

	assert_true(sipsub_build_response((const uint8_t *)req, strlen(req), 481,
					  "Call/Transaction Does Not Exist", "me1", buf,
					  sizeof(buf)) > 0);
	assert_string_equal(buf, "SIP/2.0 481 Call/Transaction Does Not Exist\r\n"
				 "v: SIP/2.0/UDP 10.45.0.1:6060;branch=z9hG4bK1\r\n"
				 "v: SIP/2.0/UDP 10.45.0.7:5060;branch=z9hG4bK0\r\n"
				 "t: <sip:mig-1@ims.partner.example>;tag=me1\r\n"
				 "f: <sip:x@y>;tag=1\r\n"
				 "i: c\r\n"
				 "CSeq: 2 NOTIFY\r\n"
				 "Content-Length: 0\r\n\r\n");
	assert_int_equal(sipsub_build_response((const uint8_t *)req, strlen(req), 200, "OK", NULL,
					       buf, 40),
			 -E2BIG);
	assert_int_equal(sipsub_build_response((const uint8_t *)req, 20, 200, "OK", NULL, buf,
					       sizeof(buf)),
			 -EBADMSG);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *from, *to, *why;
	} t[] = {
		{ ";tag=a1b2c3-5cce", "", "From tag" },
		{ "CSeq: 11 NOTIFY", "CSeq: x NOTIFY", "CSeq" },
		{ ";branch=z9hG4bK2b1c.6d0f", "", "Via branch" },
		{ "terminated;expires=0", "terminated;expires=soon", "Subscription-State" },
		{ "Content-Length: 344", "Content-Length: 345", "body shorter" },
		{ "Call-ID: 0b30557a9fc4e90e33587da2c7ec1136\r\n", "", "Call-ID" },
	};
	char msg[2048];
	struct sipsub_msg m;
	const char *err, *p;
	size_t i, head;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = strstr(notify, t[i].from);
		assert_non_null(p);
		head = (size_t)(p - notify);
		snprintf(msg, sizeof(msg), "%.*s%s%s", (int)head, notify, t[i].to,
			 p + strlen(t[i].from));
		err = NULL;
		assert_int_equal(sipsub_parse((const uint8_t *)msg, strlen(msg), &m, &err),
				 -EBADMSG);
		if (!err || !strstr(err, t[i].why))
			fail_msg("case %zu: '%s' does not name '%s'", i, err ? err : "(null)",
				 t[i].why);
	}
}

/* Every truncated length is refused: a cut NOTIFY is never acted upon. */
static void test_truncated(void **state)
{
	struct sipsub_msg m;
	const char *err;
	size_t n;

	for (n = 0; n < strlen(notify); n++) {
		err = NULL;
		if (sipsub_parse((const uint8_t *)notify, n, &m, &err) != -EBADMSG)
			fail_msg("NOTIFY truncated to %zu bytes accepted", n);
		assert_non_null(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_subscribe),
		cmocka_unit_test(test_parse_notify),
		cmocka_unit_test(test_parse_subscribe_answer),
		cmocka_unit_test(test_parse_long_expires),
		cmocka_unit_test(test_build_response),
		cmocka_unit_test(test_response_adds_to_tag),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
