// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * agent/cmc-result.c: what mcmig-cmc tells mcmigd. Round trips of failures
 * and of a partner's record, every malformed result line refused by name,
 * and every truncation of a good output refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmc-result.h"
#include "test-data.h"

/* "0 ok\n" and the record of tests/unit/data/partner-connection.xml. */
static uint8_t *good_output(size_t *len)
{
	char line[CMC_RESULT_LINE_MAX], why[CMC_XML_ERRMSG_MAX];
	struct partner_config cfg;
	uint8_t *rec, *out;
	size_t doc_len, rec_len, line_len;
	char *doc;

	doc = test_data_read("partner-connection.xml", &doc_len);
	assert_int_equal(cmc_xml_parse_answer((const uint8_t *)doc, doc_len, PCFG_SOURCE_CMS, &cfg,
					      why, sizeof(why)),
			 0);
	free(doc);
	assert_int_equal(cmc_xml_build_record(&cfg, &rec, &rec_len), 0);
	partner_config_clear(&cfg);
	cmc_result_format_line(0, NULL, line, sizeof(line));
	assert_string_equal(line, "0 ok\n");
	line_len = strlen(line);
	out = malloc(line_len + rec_len);
	assert_non_null(out);
	memcpy(out, line, line_len);
	memcpy(out + line_len, rec, rec_len);
	free(rec);
	*len = line_len + rec_len;
	return out;
}

static void test_success_round_trip(void **state)
{
	char reason[CMC_RESULT_REASON_MAX];
	struct partner_config cfg;
	size_t len;
	uint8_t *out = good_output(&len);
	int err = 1;

	assert_int_equal(cmc_result_parse(out, len, &err, reason, sizeof(reason), &cfg), 0);
	assert_int_equal(err, 0);
	assert_string_equal(reason, "ok");
	assert_int_equal(cfg.source, PCFG_SOURCE_CMS);
	assert_true(cfg.partner_id[0] != '\0');
	assert_true(cfg.n_conn > 0);
	partner_config_clear(&cfg);
	free(out);
}

static void test_failure_round_trip(void **state)
{
	char line[CMC_RESULT_LINE_MAX], reason[CMC_RESULT_REASON_MAX];
	struct partner_config cfg;
	int err = 0;

	cmc_result_format_line(-EACCES, "tls: SSL peer certificate or SSH remote key was not OK",
			       line, sizeof(line));
	assert_string_equal(line, "-13 tls: SSL peer certificate or SSH remote key was not OK\n");
	assert_int_equal(cmc_result_parse((const uint8_t *)line, strlen(line), &err, reason,
					  sizeof(reason), &cfg),
			 0);
	assert_int_equal(err, -EACCES);
	assert_string_equal(reason, "tls: SSL peer certificate or SSH remote key was not OK");
}

/* A server's text with line breaks stays one line; an over-long one is cut. */
static void test_reason_kept_on_one_line(void **state)
{
	char line[CMC_RESULT_LINE_MAX], reason[CMC_RESULT_REASON_MAX], long_reason[1000];
	struct partner_config cfg;
	int err = 0;

	cmc_result_format_line(-EACCES, "not-authorised: no\r\nX-Injected: yes\t!", line,
			       sizeof(line));
	assert_string_equal(line, "-13 not-authorised: no  X-Injected: yes !\n");
	memset(long_reason, 'r', sizeof(long_reason) - 1);
	long_reason[sizeof(long_reason) - 1] = '\0';
	cmc_result_format_line(-EPROTO, long_reason, line, sizeof(line));
	assert_int_equal(cmc_result_parse((const uint8_t *)line, strlen(line), &err, reason,
					  sizeof(reason), &cfg),
			 0);
	assert_int_equal(err, -EPROTO);
	assert_int_equal(strlen(reason), CMC_RESULT_REASON_MAX - 1);
	cmc_result_format_line(-EIO, "", line, sizeof(line));
	assert_string_equal(line, "-5 failed\n");
}

static void test_bad_lines_refused(void **state)
{
	static const struct {
		const char *out;
		const char *why;
	} bad[] = {
		{ "", "no output" },
		{ "-13 no newline", "no result line" },
		{ "x ok\n", "bad result line" },
		{ "0\n", "bad result line" },
		{ "-0 ok\n", "bad result line" },
		{ "00 ok\n", "bad result line" },
		{ "-013 x\n", "bad result line" },
		{ "13 x\n", "bad result line" },
		{ "-4096 x\n", "bad result line" },
		{ "-99999 x\n", "bad result line" },
		{ "-13 \t\n", "control character" },
		{ "-13 \n", "reason empty" },
		{ "-13 a\x01"
		  "b\n",
		  "control character" },
		{ "-13 x\nmore", "data after a failure" },
		{ "0 ok\n", "bad record" },
		{ "0 ok\n<partner-record/>", "bad record" },
	};
	char reason[CMC_RESULT_REASON_MAX];
	struct partner_config cfg;
	size_t i;
	int err;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = 1;
		if (cmc_result_parse((const uint8_t *)bad[i].out, strlen(bad[i].out), &err, reason,
				     sizeof(reason), &cfg) != -EPROTO)
			fail_msg("\"%s\" was accepted", bad[i].out);
		if (!strstr(reason, bad[i].why))
			fail_msg("\"%s\": reason \"%s\", expected \"%s\"", bad[i].out, reason,
				 bad[i].why);
		assert_int_equal(err, 1);
		assert_int_equal(cfg.n_conn, 0);
	}
}

/* A record of another source than the CMS is not a fetch's answer. */
static void test_other_source_refused(void **state)
{
	char reason[CMC_RESULT_REASON_MAX];
	struct partner_config cfg;
	size_t len;
	uint8_t *out = good_output(&len);
	char *src;
	int err;

	src = memmem(out, len, "source=\"cms\"", 12);
	assert_non_null(src);
	memcpy(src, "source=\"xyz\"", 12);
	assert_int_equal(cmc_result_parse(out, len, &err, reason, sizeof(reason), &cfg), -EPROTO);
	assert_non_null(strstr(reason, "bad record"));
	free(out);
}

/*
 * Every output cut before the record's last '>' (a helper killed half-way) is
 * refused.
 */
static void test_truncations_refused(void **state)
{
	char reason[CMC_RESULT_REASON_MAX];
	struct partner_config cfg;
	size_t len, n, end;
	uint8_t *out = good_output(&len);
	int err;

	for (end = len; end > 0 && out[end - 1] != '>'; end--)
		;
	assert_true(end > len / 2);
	for (n = 0; n < end; n++) {
		if (cmc_result_parse(out, n, &err, reason, sizeof(reason), &cfg) != -EPROTO)
			fail_msg("a prefix of %zu of %zu bytes was accepted", n, len);
	}
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success_round_trip),
		cmocka_unit_test(test_failure_round_trip),
		cmocka_unit_test(test_reason_kept_on_one_line),
		cmocka_unit_test(test_bad_lines_refused),
		cmocka_unit_test(test_other_source_refused),
		cmocka_unit_test(test_truncations_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
