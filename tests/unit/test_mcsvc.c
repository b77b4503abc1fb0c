// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MC service authorisation by PUBLISH (agent/mcsvc-msg.c, agent/mcsvc.c):
 * the PUBLISH bytes, the answers read, and the client's transactions over a
 * fake transport on the real GLib main loop.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <glib.h>

#include "mcsvc-msg.h"
#include "mcsvc.h"

#define TOKEN "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtaWctMSJ9.c2lnbmF0dXJl"

static const char golden_initial[] =
	"PUBLISH sip:mcptt-server@ims.partner.example SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKabc;rport\r\n"
	"Max-Forwards: 70\r\n"
	"Route: <sip:orig@scscf.ims.partner.example:6060;lr>\r\n"
	"From: <sip:mig-1@ims.partner.example>;tag=ft\r\n"
	"To: <sip:mig-1@ims.partner.example>\r\n"
	"Call-ID: cid\r\n"
	"CSeq: 1 PUBLISH\r\n"
	"P-Preferred-Identity: <sip:mig-1@ims.partner.example>\r\n"
	"P-Preferred-Service: urn:urn-7:3gpp-service.ims.icsi.mcptt\r\n"
	"Accept-Contact: *;+g.3gpp.mcptt;require;explicit\r\n"
	"Event: poc-settings\r\n"
	"Expires: 4294967295\r\n"
	"Content-Type: multipart/mixed;boundary=bnd\r\n"
	"Content-Length: 811\r\n"
	"\r\n"
	"--bnd\r\n"
	"Content-Type: application/poc-settings+xml\r\n\r\n"
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
	"<poc-settings xmlns=\"urn:oma:xml:poc:poc-settings\">\r\n"
	"<entity id=\"mcmig-client-1\">\r\n"
	"<am-settings><answer-mode>auto-answer</answer-mode></am-settings>\r\n"
	"</entity>\r\n"
	"</poc-settings>\r\n"
	"--bnd\r\n"
	"Content-Type: application/vnd.3gpp.mcptt-info+xml\r\n\r\n"
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
	"<mcpttinfo xmlns=\"urn:3gpp:ns:mcpttInfo:1.0\">\r\n"
	"<mcptt-Params>\r\n"
	"<mcptt-access-token type=\"Normal\"><mcpttString>" TOKEN
	"</mcpttString></mcptt-access-token>\r\n"
	"<mcptt-request-uri type=\"Normal\"><mcpttURI>sip:alice@mcptt.partner.example</mcpttURI>"
	"</mcptt-request-uri>\r\n"
	"<mcptt-client-id type=\"Normal\"><mcpttString>mcmig-client-1</mcpttString>"
	"</mcptt-client-id>\r\n"
	"</mcptt-Params>\r\n"
	"</mcpttinfo>\r\n"
	"--bnd--\r\n";

static struct mcsvc_publish initial(void)
{
	struct mcsvc_publish m = {
		.local_host = "192.0.2.2",
		.local_port = 5060,
		.branch = "z9hG4bKabc",
		.request_uri = "sip:mcptt-server@ims.partner.example",
		.impu = "sip:mig-1@ims.partner.example",
		.route = "<sip:orig@scscf.ims.partner.example:6060;lr>",
		.from_tag = "ft",
		.call_id = "cid",
		.cseq = 1,
		.expires = MCSVC_DEFAULT_EXPIRES,
		.access_token = TOKEN,
		.client_id = "mcmig-client-1",
		.mcptt_id = "sip:alice@mcptt.partner.example",
		.boundary = "bnd",
	};
	return m;
}

static void test_build_initial(void **state)
{
	struct mcsvc_publish m = initial();
	char buf[4096];
	const char *body;
	size_t n;
	int len;

	len = mcsvc_build_publish(&m, buf, sizeof(buf));
	assert_int_equal(len, (int)strlen(golden_initial));
	assert_string_equal(buf, golden_initial);
	/* Content-Length counts exactly the body. */
	body = strstr(buf, "\r\n\r\n") + 4;
	assert_int_equal(strlen(body), 811);
	/* Every shorter buffer is refused, and holds nothing of the token afterwards. */
	for (n = 0; n < (size_t)len + 1; n++) {
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(mcsvc_build_publish(&m, buf, n), -E2BIG);
		assert_null(memmem(buf, sizeof(buf), "eyJ", 3));
	}
}

static void test_build_refresh_remove(void **state)
{
	struct mcsvc_publish m = initial();
	char buf[2048];
	int len;

	m.access_token = m.client_id = m.mcptt_id = m.boundary = NULL;
	m.etag = "e1";
	m.cseq = 2;
	m.expires = 600;
	m.route = NULL;
	m.tcp = true;
	m.local_host = "2001:db8::2";
	len = mcsvc_build_publish(&m, buf, sizeof(buf));
	assert_int_equal(len, (int)strlen(buf));
	assert_string_equal(buf, "PUBLISH sip:mcptt-server@ims.partner.example SIP/2.0\r\n"
				 "Via: SIP/2.0/TCP [2001:db8::2]:5060;branch=z9hG4bKabc;rport\r\n"
				 "Max-Forwards: 70\r\n"
				 "From: <sip:mig-1@ims.partner.example>;tag=ft\r\n"
				 "To: <sip:mig-1@ims.partner.example>\r\n"
				 "Call-ID: cid\r\n"
				 "CSeq: 2 PUBLISH\r\n"
				 "P-Preferred-Identity: <sip:mig-1@ims.partner.example>\r\n"
				 "P-Preferred-Service: urn:urn-7:3gpp-service.ims.icsi.mcptt\r\n"
				 "Accept-Contact: *;+g.3gpp.mcptt;require;explicit\r\n"
				 "Event: poc-settings\r\n"
				 "Expires: 600\r\n"
				 "SIP-If-Match: e1\r\n"
				 "Content-Length: 0\r\n\r\n");
	m.expires = 0;
	assert_true(mcsvc_build_publish(&m, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "Expires: 0\r\nSIP-If-Match: e1\r\n"));
}

static void test_build_refused(void **state)
{
	struct mcsvc_publish m = initial();
	char buf[4096];

	/* A token or ID that would end the XML or a header is never sent. */
	m.access_token = "abc\r\nX: y";
	assert_int_equal(mcsvc_build_publish(&m, buf, sizeof(buf)), -EINVAL);
	m = initial();
	m.access_token = "";
	assert_int_equal(mcsvc_build_publish(&m, buf, sizeof(buf)), -EINVAL);
	m = initial();
	m.client_id = "a\"b";
	assert_int_equal(mcsvc_build_publish(&m, buf, sizeof(buf)), -EINVAL);
	m = initial();
	m.request_uri = "sip:a@b SIP/2.0\r\nX:";
	assert_int_equal(mcsvc_build_publish(&m, buf, sizeof(buf)), -EINVAL);
	m = initial();
	m.route = "<sip:a>\r\nX: y";
	assert_int_equal(mcsvc_build_publish(&m, buf, sizeof(buf)), -EINVAL);
	m = initial();
	m.expires = 0; /* an initial publication that removes: nonsense */
	assert_int_equal(mcsvc_build_publish(&m, buf, sizeof(buf)), -EINVAL);
	m = initial();
	m.etag = "e1"; /* a refresh carries no token (RFC 3903 4.3) */
	assert_int_equal(mcsvc_build_publish(&m, buf, sizeof(buf)), -EINVAL);
	m = initial();
	m.branch = "abc";
	assert_int_equal(mcsvc_build_publish(&m, buf, sizeof(buf)), -EINVAL);
	/* XML specials in a value are escaped, not refused. */
	m = initial();
	m.mcptt_id = "sip:a&b@x";
	assert_true(mcsvc_build_publish(&m, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "<mcpttURI>sip:a&amp;b@x</mcpttURI>"));
}

#define RESP(status)                                                       \
	"SIP/2.0 " status "\r\n"                                           \
	"Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKabc;rport=5060\r\n" \
	"From: <sip:mig-1@ims.partner.example>;tag=ft\r\n"                 \
	"To: <sip:mig-1@ims.partner.example>;tag=srv\r\n"                  \
	"Call-ID: cid\r\n"                                                 \
	"CSeq: 1 PUBLISH\r\n"

static void test_parse(void **state)
{
	static const char ok[] = RESP("200 OK") "SIP-ETag: e1x\r\nExpires: 600\r\n"
						"Content-Length: 0\r\n\r\n";
	static const char refused[] = RESP(
		"403 Forbidden") "Warning: 399 mcptt.partner.example \"access token expired\"\r\n"
				 "Content-Length: 0\r\n\r\n";
	struct mcsvc_response r;
	const char *err;
	size_t n;

	assert_int_equal(mcsvc_parse_response((const uint8_t *)ok, strlen(ok), &r, &err), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.etag, "e1x");
	assert_int_equal(r.expires, 600);
	assert_int_equal(r.min_expires, -1);
	assert_string_equal(r.branch, "z9hG4bKabc");
	assert_string_equal(r.cseq_method, "PUBLISH");
	assert_int_equal(r.cseq, 1);
	assert_string_equal(r.warning, "");
	assert_int_equal(mcsvc_parse_response((const uint8_t *)refused, strlen(refused), &r, &err),
			 0);
	assert_int_equal(r.status, 403);
	assert_string_equal(r.reason, "Forbidden");
	assert_string_equal(r.warning, "access token expired");
	assert_string_equal(r.warn_agent, "mcptt.partner.example");
	/* Every truncation before the end of the headers is refused, and says why. */
	for (n = 0; n < strlen(ok) - 2; n++) {
		err = NULL;
		assert_int_equal(mcsvc_parse_response((const uint8_t *)ok, n, &r, &err), -EBADMSG);
		assert_non_null(err);
	}
}

static void expect_bad(const char *msg, const char *why)
{
	struct mcsvc_response r;
	const char *err = NULL;

	assert_int_equal(mcsvc_parse_response((const uint8_t *)msg, strlen(msg), &r, &err),
			 -EBADMSG);
	assert_string_equal(err, why);
}

static void test_parse_bad(void **state)
{
	expect_bad(RESP("200 OK") "SIP-ETag: a\"b\r\n\r\n", "SIP-ETag not a token or too long");
	expect_bad(RESP("200 OK") "Expires: soon\r\n\r\n", "Expires not a number");
	expect_bad(RESP("200 OK") "Expires: 4294967296\r\n\r\n", "Expires not a number");
	expect_bad(RESP("423 Interval Too Brief") "Min-Expires: -1\r\n\r\n",
		   "Min-Expires not a number");
	expect_bad(RESP("403 Forbidden") "Warning: 399 x\r\n\r\n", "Warning without a quoted text");
	expect_bad("PUBLISH sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
		   "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 PUBLISH\r\n"
		   "Content-Length: 0\r\n\r\n",
		   "not a response");
	expect_bad("SIP/2.0 200 OK\r\nCall-ID: c\r\nCSeq: 1 PUBLISH\r\n\r\n",
		   "Via branch missing or too long");
}

static void test_redact(void **state)
{
	char buf[4096];
	char cut[200];

	strcpy(buf, golden_initial);
	mcsvc_redact(buf, strlen(buf));
	assert_null(strstr(buf, "eyJ"));
	assert_non_null(strstr(buf, "<mcpttString>*****"));
	assert_non_null(strstr(buf, "mcmig-client-1</mcpttString></mcptt-client-id>"));
	/* A message cut inside the token hides what there is of it. */
	snprintf(cut, sizeof(cut), "<mcptt-access-token type=\"Normal\"><mcpttString>%s", TOKEN);
	mcsvc_redact(cut, strlen(cut));
	assert_null(strstr(cut, "eyJ"));
}

/* ---- the client over a fake transport ---- */

struct fake {
	bool registered;
	GPtrArray *sent; /* of char *, as sent */
	unsigned int results;
	enum mcsvc_result last;
	char reason[320];
	unsigned int granted;
	GString *traced;
	struct mcsvc *svc;
};

static int fake_route(void *ctx, struct sipreg_route *r)
{
	struct fake *f = ctx;

	if (!f->registered)
		return -ENOTCONN;
	memset(r, 0, sizeof(*r));
	strcpy(r->local_host, "192.0.2.2");
	r->local_port = 5060;
	strcpy(r->impu, "sip:mig-1@ims.partner.example");
	strcpy(r->service_route, "<sip:orig@scscf.ims.partner.example:6060;lr>");
	strcpy(r->contact, "sip:192.0.2.2:5060");
	return 0;
}

static int fake_send(void *ctx, bool tcp, const char *buf, size_t len)
{
	struct fake *f = ctx;

	g_ptr_array_add(f->sent, g_strndup(buf, len));
	return 0;
}

static void fake_result(enum mcsvc_result r, const char *reason, unsigned int expires, void *ud)
{
	struct fake *f = ud;

	f->results++;
	f->last = r;
	g_strlcpy(f->reason, reason ? reason : "", sizeof(f->reason));
	f->granted = expires;
}

static void fake_trace(bool sent, const char *msg, size_t len, void *ud)
{
	struct fake *f = ud;

	g_string_append_len(f->traced, msg, (gssize)len);
}

static void counter_random(void *buf, size_t len)
{
	static uint8_t n;

	memset(buf, n++, len);
}

static struct fake *fake_new(unsigned int t1_ms)
{
	struct fake *f = g_new0(struct fake, 1);
	struct mcsvc_config cfg = {
		.server_uri = "sip:mcptt-server@ims.partner.example",
		.mcptt_id = "sip:alice@mcptt.partner.example",
		.client_id = "mcmig-client-1",
		.t1_ms = t1_ms,
		.random_bytes = counter_random,
	};
	struct mcsvc_transport tp = { fake_route, fake_send, f };
	struct mcsvc_events ev = {
		.result = fake_result,
		.trace = fake_trace,
		.user_data = f,
	};

	f->registered = true;
	f->sent = g_ptr_array_new_with_free_func(g_free);
	f->traced = g_string_new(NULL);
	assert_int_equal(mcsvc_new(&f->svc, &cfg, &tp, &ev), 0);
	return f;
}

static void fake_free(struct fake *f)
{
	mcsvc_free(f->svc);
	g_ptr_array_free(f->sent, TRUE);
	g_string_free(f->traced, TRUE);
	g_free(f);
}

static gboolean on_deadline(gpointer data)
{
	*(bool *)data = true;
	return G_SOURCE_REMOVE;
}

/* Runs the loop until @n results or @n_sent messages (0: not waited for), bounded. */
static void run_until(struct fake *f, unsigned int n, unsigned int n_sent)
{
	bool late = false;
	guint id = g_timeout_add(10000, on_deadline, &late);

	while (!late && (n && f->results < n ? true : n_sent && f->sent->len < n_sent))
		g_main_context_iteration(NULL, TRUE);
	assert_false(late);
	g_source_remove(id);
}

/* Answers the last request sent with @status and @extra headers. */
static void answer(struct fake *f, const char *status, const char *extra)
{
	const char *req = g_ptr_array_index(f->sent, f->sent->len - 1);
	char *via = g_strndup(strstr(req, "Via: "), strcspn(strstr(req, "Via: "), "\r"));
	char *cseq = g_strndup(strstr(req, "CSeq: "), strcspn(strstr(req, "CSeq: "), "\r"));
	char *callid = g_strndup(strstr(req, "Call-ID: "), strcspn(strstr(req, "Call-ID: "), "\r"));
	char *resp = g_strdup_printf("SIP/2.0 %s\r\n%s\r\nFrom: <sip:mig-1@ims.partner.example>;"
				     "tag=x\r\nTo: <sip:mig-1@ims.partner.example>;tag=y\r\n%s\r\n"
				     "%s\r\n%sContent-Length: 0\r\n\r\n",
				     status, via, callid, cseq, extra);

	mcsvc_handle(f->svc, (const uint8_t *)resp, strlen(resp));
	g_free(resp);
	g_free(via);
	g_free(cseq);
	g_free(callid);
}

static const char *sent(struct fake *f, unsigned int i)
{
	return g_ptr_array_index(f->sent, i);
}

static void test_publish_refresh_remove(void **state)
{
	struct fake *f = fake_new(0);

	assert_int_equal(mcsvc_publish(f->svc, TOKEN), 0);
	assert_int_equal(mcsvc_publish(f->svc, TOKEN), -EALREADY);
	/* Never from inside the call. */
	assert_int_equal(f->sent->len, 0);
	run_until(f, 0, 1);
	assert_non_null(strstr(sent(f, 0), "<mcpttString>" TOKEN "</mcpttString>"));
	assert_non_null(strstr(sent(f, 0), "Route: <sip:orig@scscf.ims.partner.example:6060;lr>"));
	assert_non_null(strstr(sent(f, 0), "Expires: 4294967295\r\n"));
	/* The P-CSCF finds the registration by it, whatever the transport. */
	assert_non_null(strstr(sent(f, 0), "Contact: <sip:192.0.2.2:5060>\r\n"));
	answer(f, "200 OK", "SIP-ETag: e1\r\nExpires: 2\r\n");
	assert_int_equal(f->results, 1);
	assert_int_equal(f->last, MCSVC_AUTHORISED);
	assert_int_equal(f->granted, 2);
	/* RFC 3903 4.3: refreshed before expiry, by entity-tag, without a body. */
	run_until(f, 0, 2);
	assert_non_null(strstr(sent(f, 1), "SIP-If-Match: e1\r\n"));
	assert_non_null(strstr(sent(f, 1), "CSeq: 2 PUBLISH\r\n"));
	assert_null(strstr(sent(f, 1), "mcptt-access-token"));
	answer(f, "200 OK", "SIP-ETag: e2\r\nExpires: 2\r\n");
	assert_int_equal(f->last, MCSVC_REFRESHED);
	/* Leaving: Expires: 0 with the newest entity-tag (TS 24.379 7.2.2, RFC 3903 4.5). */
	assert_int_equal(mcsvc_stop(f->svc), 0);
	assert_non_null(strstr(
		sent(f, 2), "Expires: 0\r\nContact: <sip:192.0.2.2:5060>\r\nSIP-If-Match: e2\r\n"));
	answer(f, "200 OK", "");
	assert_int_equal(f->last, MCSVC_REMOVED);
	assert_int_equal(f->results, 3);
	/* The trace showed every message, never the token. */
	assert_non_null(strstr(f->traced->str, "mcptt-access-token"));
	assert_null(strstr(f->traced->str, "eyJ"));
	fake_free(f);
}

static void test_refused_with_warning(void **state)
{
	struct fake *f = fake_new(0);

	assert_int_equal(mcsvc_publish(f->svc, TOKEN), 0);
	run_until(f, 0, 1);
	/* Answers to another transaction change nothing. */
	mcsvc_handle(f->svc, (const uint8_t *)RESP("403 Forbidden") "\r\n",
		     strlen(RESP("403 Forbidden") "\r\n"));
	assert_int_equal(f->results, 0);
	answer(f, "403 Forbidden",
	       "Warning: 399 mcptt.partner.example \"access token expired\"\r\n");
	assert_int_equal(f->last, MCSVC_REFUSED);
	assert_string_equal(f->reason,
			    "403 Forbidden from mcptt.partner.example: access token expired");
	fake_free(f);
}

static void test_timeout_retransmits(void **state)
{
	struct fake *f = fake_new(10);

	assert_int_equal(mcsvc_publish(f->svc, TOKEN), 0);
	run_until(f, 0, 1);
	/* RFC 3261 18.1.1: the bodies make it too large for UDP: TCP, so no Timer E. */
	assert_non_null(strstr(sent(f, 0), "Via: SIP/2.0/TCP "));
	run_until(f, 1, 0);
	assert_int_equal(f->last, MCSVC_TIMEOUT);
	assert_string_equal(f->reason, "no answer from the MC server (RFC 3261 Timer F, 640 ms)");
	assert_int_equal(f->sent->len, 1);
	fake_free(f);

	/* A refresh is small: UDP, Timer E 10, 20, 40, 80, 80 ... ms until Timer F. */
	f = fake_new(10);
	assert_int_equal(mcsvc_publish(f->svc, TOKEN), 0);
	run_until(f, 0, 1);
	answer(f, "200 OK", "SIP-ETag: e1\r\nExpires: 2\r\n");
	run_until(f, 2, 0);
	assert_int_equal(f->last, MCSVC_LOST);
	assert_non_null(strstr(sent(f, 1), "Via: SIP/2.0/UDP "));
	assert_true(f->sent->len >= 5);
	assert_string_equal(sent(f, 1), sent(f, f->sent->len - 1));
	fake_free(f);
}

static void test_refresh_412_lost(void **state)
{
	struct fake *f = fake_new(0);

	assert_int_equal(mcsvc_publish(f->svc, TOKEN), 0);
	run_until(f, 0, 1);
	answer(f, "200 OK", "SIP-ETag: e1\r\nExpires: 2\r\n");
	run_until(f, 0, 2);
	answer(f, "412 Conditional Request Failed", "");
	assert_int_equal(f->last, MCSVC_LOST);
	assert_string_equal(f->reason, "412 Conditional Request Failed");
	fake_free(f);
}

static void test_423_and_missing_etag(void **state)
{
	struct fake *f = fake_new(0);

	assert_int_equal(mcsvc_publish(f->svc, TOKEN), 0);
	run_until(f, 0, 1);
	answer(f, "423 Interval Too Brief", "Min-Expires: 7200\r\n");
	/* Asked again at once with Min-Expires, the bodies (and token) again. */
	assert_int_equal(f->sent->len, 2);
	assert_non_null(strstr(sent(f, 1), "Expires: 7200\r\n"));
	assert_non_null(strstr(sent(f, 1), TOKEN));
	answer(f, "200 OK", "Expires: 7200\r\n");
	assert_int_equal(f->last, MCSVC_FAILED);
	assert_string_equal(f->reason, "2xx to PUBLISH without SIP-ETag (RFC 3903 11.3.1)");
	fake_free(f);
}

static void test_not_registered_and_stop_early(void **state)
{
	struct fake *f = fake_new(0);

	f->registered = false;
	assert_int_equal(mcsvc_publish(f->svc, TOKEN), 0);
	run_until(f, 1, 0);
	assert_int_equal(f->last, MCSVC_FAILED);
	assert_string_equal(f->reason, "no registration to publish on: Transport endpoint is not "
				       "connected");
	fake_free(f);

	/* Stopped while the initial PUBLISH is pending: its 2xx is removed at once. */
	f = fake_new(0);
	assert_int_equal(mcsvc_publish(f->svc, TOKEN), 0);
	run_until(f, 0, 1);
	assert_int_equal(mcsvc_stop(f->svc), 0);
	assert_int_equal(mcsvc_stop(f->svc), -EALREADY);
	answer(f, "200 OK", "SIP-ETag: e9\r\nExpires: 60\r\n");
	assert_int_equal(f->results, 0);
	assert_non_null(strstr(
		sent(f, 1), "Expires: 0\r\nContact: <sip:192.0.2.2:5060>\r\nSIP-If-Match: e9\r\n"));
	answer(f, "200 OK", "");
	assert_int_equal(f->last, MCSVC_REMOVED);
	fake_free(f);

	/* Stopped before anything went out: removed, nothing sent. */
	f = fake_new(0);
	assert_int_equal(mcsvc_stop(f->svc), 0);
	run_until(f, 1, 0);
	assert_int_equal(f->last, MCSVC_REMOVED);
	assert_int_equal(f->sent->len, 0);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_initial),
		cmocka_unit_test(test_build_refresh_remove),
		cmocka_unit_test(test_build_refused),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_publish_refresh_remove),
		cmocka_unit_test(test_refused_with_warning),
		cmocka_unit_test(test_timeout_retransmits),
		cmocka_unit_test(test_refresh_412_lost),
		cmocka_unit_test(test_423_and_missing_etag),
		cmocka_unit_test(test_not_registered_and_stop_early),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
