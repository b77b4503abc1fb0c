// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The migration timeline: recording, the text form (round trip, every kind of
 * bad line), the per-step latencies and the summary (what the agent waited
 * on, the round trips), and the renderers against golden files
 * (tests/unit/data/timeline.{txt,json,svg}; MCMIG_UPDATE_GOLDEN=1 rewrites
 * them, to be reviewed with git diff).
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

#include "test-data.h"
#include "timeline.h"

#define T0_UNIX 1795900000123456LL /* 2026-11-28 */
#define T0_MONO 5000000LL

/* A migration at the moment of need (configuration already stored), then a return. */
static void fixture(struct timeline *tl)
{
	static const struct {
		int64_t t;
		enum timeline_kind k;
		unsigned int step;
		const char *arg;
	} s[] = {
		{ 0, TL_TRIGGER, 0, "migrate urn:mcmig:system:partner" },
		{ 40, TL_STATE, 0, "pdn-connecting" },
		{ 95, TL_PDN_REQUEST, 14, "mcptt.partner.example" },
		{ 3195, TL_PDN_SETTINGS, 14, "198.51.100.2" },
		{ 3610, TL_NETDEV, 14, "wwan1" },
		{ 3650, TL_STATE, 0, "registering" },
		{ 3800, TL_REGISTER, 15, NULL },
		{ 9800, TL_SIP_RESPONSE, 22, "401 Unauthorized" },
		{ 9900, TL_STATE, 0, "challenged" },
		{ 9950, TL_AUTH_START, 23, NULL },
		{ 24950, TL_AUTH_DONE, 23, "ok" },
		{ 25000, TL_STATE, 0, "registering" },
		{ 25200, TL_REGISTER_AUTH, 23, NULL },
		{ 31200, TL_SIP_RESPONSE, 24, "200 OK" },
		{ 31300, TL_STATE, 0, "registered-at-partner" },
		{ 900000, TL_TRIGGER, 0, "return" },
		{ 900040, TL_STATE, 0, "returning" },
		{ 900100, TL_DEREGISTER, 0, NULL },
		{ 905100, TL_SIP_RESPONSE, 0, "200 OK" },
		{ 905200, TL_STATE, 0, "disconnecting" },
		{ 905300, TL_PDN_DISCONNECT, 0, NULL },
		{ 907300, TL_PDN_DOWN, 0, NULL },
		{ 907400, TL_STATE, 0, "idle-on-primary" },
	};
	size_t i;

	timeline_begin(tl, T0_UNIX, T0_MONO);
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		timeline_add(tl, T0_MONO + s[i].t, s[i].k, s[i].step, s[i].arg);
}

static void test_add_and_rows(void **state)
{
	static struct timeline tl;
	struct timeline_row rows[TIMELINE_MAX_STEPS];

	fixture(&tl);
	assert_int_equal(tl.n, 23);
	timeline_rows(&tl, rows);
	/* PDN settings answer the request: modem latency 3.1 ms. */
	assert_int_equal(rows[3].latency_us, 3100);
	assert_int_equal(rows[3].wait, TL_WAIT_MODEM);
	/* netdev: the agent's own time since the previous step. */
	assert_int_equal(rows[4].latency_us, 415);
	assert_int_equal(rows[4].wait, TL_WAIT_NONE);
	/* 401 answers the REGISTER, 200 the REGISTER with the response. */
	assert_int_equal(rows[7].latency_us, 6000);
	assert_int_equal(rows[7].wait, TL_WAIT_NETWORK);
	assert_int_equal(rows[10].latency_us, 15000);
	assert_int_equal(rows[10].wait, TL_WAIT_CARD);
	assert_int_equal(rows[13].latency_us, 6000);
	assert_int_equal(rows[21].latency_us, 2000);
	assert_int_equal(rows[21].wait, TL_WAIT_MODEM);
}

static void test_summary(void **state)
{
	static struct timeline tl;
	struct timeline_row rows[TIMELINE_MAX_STEPS];
	struct timeline_summary s;

	fixture(&tl);
	timeline_summarize(&tl, &s);
	assert_true(s.registered);
	assert_int_equal(s.total_us, 31300);
	assert_int_equal(s.wait_us[TL_WAIT_MODEM], 3100);
	assert_int_equal(s.wait_us[TL_WAIT_NETWORK], 12000);
	assert_int_equal(s.wait_us[TL_WAIT_CARD], 15000);
	assert_int_equal(s.wait_us[TL_WAIT_NONE], 31300 - 3100 - 12000 - 15000);
	assert_int_equal(s.pdn_setups, 1);
	assert_int_equal(s.sip_requests, 2);
	assert_int_equal(s.sip_retransmits, 0);
	assert_int_equal(s.authenticates, 1);
	assert_int_equal(s.cms_requests, 0);

	/* A retransmission and a 100 Trying while waiting: network time, counted once. */
	memmove(&tl.step[9], &tl.step[7], (tl.n - 7) * sizeof(tl.step[0]));
	tl.n += 2;
	tl.step[7] = (struct timeline_step){ .t_us = 4300, .kind = TL_SIP_RETRANSMIT };
	tl.step[8] = (struct timeline_step){ .t_us = 4400,
					     .kind = TL_SIP_RESPONSE,
					     .arg = "100 Trying" };
	timeline_summarize(&tl, &s);
	assert_int_equal(s.total_us, 31300);
	assert_int_equal(s.wait_us[TL_WAIT_NETWORK], 12000);
	assert_int_equal(s.wait_us[TL_WAIT_NONE], 31300 - 3100 - 12000 - 15000);
	assert_int_equal(s.sip_retransmits, 1);
	assert_int_equal(s.sip_requests, 2);
	timeline_rows(&tl, rows);
	assert_int_equal(rows[7].wait, TL_WAIT_NETWORK);
	assert_int_equal(rows[8].wait, TL_WAIT_NETWORK);
	assert_int_equal(rows[9].latency_us, 6000);
	fixture(&tl);

	/* Never registered: up to the last step. */
	tl.n = 9;
	timeline_summarize(&tl, &s);
	assert_false(s.registered);
	assert_int_equal(s.total_us, 9900);

	tl.n = 0;
	timeline_summarize(&tl, &s);
	assert_int_equal(s.total_us, 0);
}

/* With service authorisation (step 25): the summary ends authorised, the PUBLISH counted. */
static void test_summary_authorised(void **state)
{
	static struct timeline tl;
	struct timeline_row rows[TIMELINE_MAX_STEPS];
	struct timeline_summary s;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	fixture(&tl);
	tl.n = 15; /* up to registered-at-partner */
	timeline_add(&tl, T0_MONO + 31350, TL_STATE, 0, "service-authorising");
	timeline_add(&tl, T0_MONO + 31500, TL_PUBLISH, 25, NULL);
	timeline_add(&tl, T0_MONO + 39500, TL_SIP_RESPONSE, 25, "200 OK");
	timeline_add(&tl, T0_MONO + 39600, TL_STATE, 0, "authorised");
	timeline_rows(&tl, rows);
	/* The 200 answers the PUBLISH: 8 ms of network (partner and primary MC servers). */
	assert_int_equal(rows[17].latency_us, 8000);
	assert_int_equal(rows[17].wait, TL_WAIT_NETWORK);
	timeline_summarize(&tl, &s);
	assert_true(s.registered);
	assert_true(s.authorised);
	assert_int_equal(s.total_us, 39600);
	assert_int_equal(s.sip_requests, 3);
	assert_int_equal(s.wait_us[TL_WAIT_NETWORK], 12000 + 8000);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(timeline_print_text(&tl, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(buf, "PUBLISH poc-settings (MC server)"));
	assert_non_null(strstr(buf, "ms to authorised:"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(timeline_print_svg(&tl, f), 0);
	assert_int_equal(fclose(f), 0);
	/* The chart numbers the arrow after the seed's figure: step 25. */
	assert_non_null(strstr(buf, "25. PUBLISH poc-settings (MC server)"));
	free(buf);
}

/* Step 14's user authentication: three token requests, their answers network waits. */
static void test_idm_steps(void **state)
{
	static struct timeline tl;
	struct timeline_row rows[TIMELINE_MAX_STEPS];
	struct timeline_summary sum;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	timeline_begin(&tl, T0_UNIX, T0_MONO);
	timeline_add(&tl, T0_MONO + 0, TL_STATE, 0, "user-authenticating");
	timeline_add(&tl, T0_MONO + 100, TL_IDM_REQUEST, 14, "refresh");
	timeline_add(&tl, T0_MONO + 2100, TL_IDM_ANSWER, 14, "ok");
	timeline_add(&tl, T0_MONO + 2200, TL_IDM_REQUEST, 14, "token-exchange");
	timeline_add(&tl, T0_MONO + 5200, TL_IDM_ANSWER, 14, "ok");
	timeline_add(&tl, T0_MONO + 5300, TL_IDM_PARTNER_REQUEST, 14, "partner-token");
	timeline_add(&tl, T0_MONO + 9300, TL_IDM_PARTNER_ANSWER, 14, "ok");
	timeline_add(&tl, T0_MONO + 9400, TL_STATE, 0, "registering");
	timeline_rows(&tl, rows);
	assert_int_equal(rows[2].latency_us, 2000);
	assert_int_equal(rows[2].wait, TL_WAIT_NETWORK);
	assert_int_equal(rows[6].latency_us, 4000);
	assert_int_equal(rows[6].wait, TL_WAIT_NETWORK);
	timeline_summarize(&tl, &sum);
	assert_int_equal(sum.idm_requests, 3);
	assert_int_equal(sum.wait_us[TL_WAIT_NETWORK], 9000);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(timeline_print_text(&tl, f), 0);
	assert_int_equal(timeline_print_svg(&tl, f), 0);
	fclose(f);
	assert_non_null(strstr(text, "exchanges: 0 CMS, 0 PDN setup, 3 IdM, 0 SIP requests"));
	assert_non_null(strstr(text, "14  token request: token-exchange"));
	assert_non_null(strstr(text, ">primary IdMS</text>"));
	assert_non_null(strstr(text, ">partner IdMS</text>"));
	assert_non_null(strstr(text, ">14. token request: partner-token</text>"));
	free(text);
}

static void test_add_limits(void **state)
{
	static struct timeline tl;
	size_t i;

	/* Before any begin: nothing recorded. */
	memset(&tl, 0, sizeof(tl));
	timeline_add(&tl, 10, TL_STATE, 0, "x");
	assert_int_equal(tl.n, 0);

	timeline_begin(&tl, T0_UNIX, T0_MONO);
	/* The network's text: one printable line, cut to fit. */
	timeline_add(&tl, T0_MONO - 5, TL_SIP_RESPONSE, 22, "401 Un\nauth\x7f  ");
	assert_string_equal(tl.step[0].arg, "401 Un auth");
	assert_int_equal(tl.step[0].t_us, 0);
	timeline_add(&tl, T0_MONO, TL_SIP_RESPONSE, 0,
		     "0123456789012345678901234567890123456789012345678901234567890");
	assert_int_equal(strlen(tl.step[1].arg), TIMELINE_ARG_MAX - 1);
	for (i = 0; i < TIMELINE_MAX_STEPS + 3; i++)
		timeline_add(&tl, T0_MONO + (int64_t)i, TL_SIP_RETRANSMIT, 0, NULL);
	assert_int_equal(tl.n, TIMELINE_MAX_STEPS);
	assert_int_equal(tl.dropped, 5);
}

static void test_format_parse(void **state)
{
	static struct timeline tl, back;
	char err[TIMELINE_ERR_MAX];
	char *text, *again;

	fixture(&tl);
	tl.dropped = 2;
	text = timeline_format(&tl);
	assert_non_null(text);
	assert_int_equal(timeline_parse(text, strlen(text), &back, err, sizeof(err)), 0);
	assert_int_equal(back.n, tl.n);
	assert_int_equal(back.dropped, 2);
	assert_int_equal(back.start_unix_us, T0_UNIX);
	assert_string_equal(back.step[7].arg, "401 Unauthorized");
	assert_int_equal(back.step[7].seed_step, 22);
	assert_int_equal(back.step[7].kind, TL_SIP_RESPONSE);
	again = timeline_format(&back);
	assert_string_equal(again, text);
	free(again);
	free(text);

	/* An empty timeline (nothing recorded yet) round-trips too. */
	timeline_begin(&tl, T0_UNIX, 0);
	text = timeline_format(&tl);
	assert_int_equal(timeline_parse(text, strlen(text), &back, err, sizeof(err)), 0);
	assert_int_equal(back.n, 0);
	free(text);
}

static void test_parse_bad(void **state)
{
	static const struct {
		const char *text, *why;
	} cases[] = {
		{ "", "line 1: truncated: no start line" },
		{ "mcmig-timeline 1\n", "line 2: truncated: no start line" },
		{ "mcmig-timeline 1", "line 1: no newline at the end" },
		{ "mcmig-timeline 2\nstart 1\n", "line 1: not \"mcmig-timeline 1\"" },
		{ "mcmig-timeline 1\nstart x\n", "line 2: not \"start <unix microseconds>\"" },
		{ "mcmig-timeline 1\nstart 0\n", "line 2: not \"start <unix microseconds>\"" },
		{ "mcmig-timeline 1\nstart 5\n10 teleport 0\n", "line 3: unknown step kind" },
		{ "mcmig-timeline 1\nstart 5\n10 state\n", "line 3: unknown step kind" },
		{ "mcmig-timeline 1\nstart 5\n10 state 100 x\n", "line 3: bad seed step number" },
		{ "mcmig-timeline 1\nstart 5\n10 state 1x\n", "line 3: bad seed step number" },
		{ "mcmig-timeline 1\nstart 5\n-1 state 0\n",
		  "line 3: not \"<us> <kind> <step> [arg]\"" },
		{ "mcmig-timeline 1\nstart 5\n10 state 0 "
		  "0123456789012345678901234567890123456789\n",
		  "line 3: argument too long" },
		{ "mcmig-timeline 1\nstart 5\n10 state 0\n9 state 0\n",
		  "line 4: time goes backwards" },
		{ "mcmig-timeline 1\nstart 5\ndropped z\n", "line 3: bad dropped count" },
		{ "mcmig-timeline 1\nstart 5\n10 state 0\n11 state 0",
		  "line 4: no newline at the end" },
	};
	static const char nul[] = "mcmig-timeline 1\nstart 5\n1 st\0te 0\n";
	static struct timeline tl;
	char err[TIMELINE_ERR_MAX], want[TIMELINE_ERR_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(timeline_parse(cases[i].text, strlen(cases[i].text), &tl, err,
						sizeof(err)),
				 -EINVAL);
		snprintf(want, sizeof(want), "timeline %s", cases[i].why);
		assert_string_equal(err, want);
	}
	/* An embedded NUL. */
	assert_int_equal(timeline_parse(nul, sizeof(nul) - 1, &tl, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "timeline line 3: NUL byte");
}

/* Renders with @fn and compares with (or, with MCMIG_UPDATE_GOLDEN, writes) @golden. */
static void golden(int (*fn)(const struct timeline *, FILE *), const char *golden_path)
{
	static struct timeline tl;
	char *buf = NULL, *want;
	size_t len = 0, wlen;
	FILE *f;

	fixture(&tl);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(fn(&tl, f), 0);
	assert_int_equal(fclose(f), 0);
	if (getenv("MCMIG_UPDATE_GOLDEN")) {
		f = fopen(golden_path, "w");
		assert_non_null(f);
		assert_int_equal(fwrite(buf, 1, len, f), len);
		assert_int_equal(fclose(f), 0);
	}
	want = test_data_read_path(golden_path, &wlen);
	assert_string_equal(buf, want);
	free(want);
	free(buf);
}

static void test_text(void **state)
{
	golden(timeline_print_text, "tests/unit/data/timeline.txt");
}

static void test_json(void **state)
{
	golden(timeline_print_json, "tests/unit/data/timeline.json");
}

static void test_svg(void **state)
{
	golden(timeline_print_svg, "tests/unit/data/timeline.svg");
}

static void test_render_empty(void **state)
{
	static struct timeline tl;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	timeline_begin(&tl, T0_UNIX, 0);
	f = open_memstream(&buf, &len);
	assert_int_equal(timeline_print_text(&tl, f), 0);
	assert_int_equal(timeline_print_svg(&tl, f), 0);
	assert_int_equal(timeline_print_json(&tl, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(buf, "no migration recorded"));
	assert_non_null(strstr(buf, "</svg>"));
	assert_non_null(strstr(buf, "\"steps\":[]"));
	free(buf);
}

/* What the network sent ends up escaped, in SVG and JSON alike. */
static void test_escaping(void **state)
{
	static struct timeline tl;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	timeline_begin(&tl, T0_UNIX, 0);
	timeline_add(&tl, 1, TL_SIP_RESPONSE, 0, "403 <a&b> \"q\" \\");
	f = open_memstream(&buf, &len);
	assert_int_equal(timeline_print_svg(&tl, f), 0);
	assert_int_equal(timeline_print_json(&tl, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(buf, "SIP 403 &lt;a&amp;b&gt; &quot;q&quot; \\</text>"));
	assert_non_null(strstr(buf, "\"arg\":\"403 <a&b> \\\"q\\\" \\\\\""));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_rows), cmocka_unit_test(test_summary),
		cmocka_unit_test(test_idm_steps),    cmocka_unit_test(test_add_limits),
		cmocka_unit_test(test_format_parse), cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_text),	     cmocka_unit_test(test_json),
		cmocka_unit_test(test_svg),	     cmocka_unit_test(test_summary_authorised),
		cmocka_unit_test(test_render_empty), cmocka_unit_test(test_escaping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
