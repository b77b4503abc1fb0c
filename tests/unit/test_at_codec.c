// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "at-codec.h"

static void test_lines(void **state)
{
	static const char in[] = "ATE0\r\nAT+CGDCONT?\rAT+CG";
	const uint8_t *p = (const uint8_t *)in;
	size_t len = sizeof(in) - 1;
	char line[AT_LINE_MAX];
	int n;

	n = at_next_line(p, len, line);
	assert_int_equal(n, 5);
	assert_string_equal(line, "ATE0");
	p += n, len -= (size_t)n;
	/* The LF of a CR LF pair is skipped. */
	n = at_next_line(p, len, line);
	assert_int_equal(n, 13);
	assert_string_equal(line, "AT+CGDCONT?");
	p += n, len -= (size_t)n;
	assert_int_equal(at_next_line(p, len, line), 0);
}

static void test_line_too_long(void **state)
{
	uint8_t buf[AT_LINE_MAX + 1];
	char line[AT_LINE_MAX];

	memset(buf, 'A', sizeof(buf));
	assert_int_equal(at_next_line(buf, AT_LINE_MAX - 1, line), 0);
	assert_int_equal(at_next_line(buf, AT_LINE_MAX, line), -E2BIG);
	buf[AT_LINE_MAX] = '\r';
	assert_int_equal(at_next_line(buf, sizeof(buf), line), -E2BIG);
	buf[AT_LINE_MAX - 1] = '\r';
	assert_int_equal(at_next_line(buf, sizeof(buf), line), AT_LINE_MAX);
	assert_int_equal(strlen(line), AT_LINE_MAX - 1);
}

static void test_parse_forms(void **state)
{
	struct at_cmd c;

	assert_int_equal(at_parse("AT", &c), 0);
	assert_string_equal(c.name, "");
	assert_int_equal(at_parse("ATE0 V1", &c), 0);
	assert_string_equal(c.name, "E0V1");
	assert_int_equal(at_parse("at+cgsn", &c), 0);
	assert_string_equal(c.name, "+CGSN");
	assert_int_equal(c.form, AT_FORM_ACTION);
	assert_int_equal(at_parse("AT+CPIN?", &c), 0);
	assert_int_equal(c.form, AT_FORM_READ);
	assert_int_equal(at_parse("AT+CGDCONT=?", &c), 0);
	assert_int_equal(c.form, AT_FORM_TEST);
	assert_int_equal(at_parse("ATD*99***2#", &c), 0);
	assert_string_equal(c.name, "D");
	assert_string_equal(c.args[0], "*99***2#");
}

static void test_parse_args(void **state)
{
	struct at_cmd c;

	assert_int_equal(at_parse("AT+CGDCONT=1,\"IPV4V6\",\"ims,x\"", &c), 0);
	assert_string_equal(c.name, "+CGDCONT");
	assert_int_equal(c.form, AT_FORM_SET);
	assert_int_equal(c.n_args, 3);
	assert_string_equal(c.args[0], "1");
	assert_string_equal(c.args[1], "IPV4V6");
	assert_string_equal(c.args[2], "ims,x");
	assert_int_equal(at_parse("AT+COPS=3,,2", &c), 0);
	assert_int_equal(c.n_args, 3);
	assert_string_equal(c.args[1], "");
	assert_int_equal(at_parse("AT+CGACT=0, 2 ", &c), 0);
	assert_string_equal(c.args[1], "2");
}

static void test_parse_rejects(void **state)
{
	char big[AT_ARG_MAX + 16];
	struct at_cmd c;

	assert_int_equal(at_parse("", &c), -EINVAL);
	assert_int_equal(at_parse("+CGSN", &c), -EINVAL);
	assert_int_equal(at_parse("AT+", &c), -EINVAL);
	assert_int_equal(at_parse("AT+CGDCONT=1,\"ims", &c), -EINVAL);
	assert_int_equal(at_parse("AT+CGDCONT=1,\"ims\"x", &c), -EINVAL);
	assert_int_equal(at_parse("AT+CPIN?X", &c), -EINVAL);
	assert_int_equal(at_parse("AT+C=1,2,3,4,5,6,7,8,9,10,11,12,13", &c), -EINVAL);
	memset(big, 'x', sizeof(big));
	memcpy(big, "AT+C=", 5);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(at_parse(big, &c), -EINVAL);
}

/* No line before its CR; a string cut inside its quotes never parses. */
static void test_truncation_sweep(void **state)
{
	static const char full[] = "AT+CGDCONT=1,\"IPV4V6\",\"partner.ims\"\r";
	char line[AT_LINE_MAX], cut[sizeof(full)];
	struct at_cmd c;
	size_t len;

	for (len = 0; len < sizeof(full) - 1; len++) {
		assert_int_equal(at_next_line((const uint8_t *)full, len, line), 0);
		memcpy(cut, full, len);
		cut[len] = '\0';
		/* Cut after an opening quote and before its closing one. */
		if (len >= 14 && len <= 20)
			assert_int_equal(at_parse(cut, &c), -EINVAL);
		if (len >= 23 && len <= sizeof(full) - 3)
			assert_int_equal(at_parse(cut, &c), -EINVAL);
	}
	assert_int_equal(at_next_line((const uint8_t *)full, sizeof(full) - 1, line),
			 sizeof(full) - 1);
	assert_int_equal(at_parse(line, &c), 0);
	assert_string_equal(c.args[2], "partner.ims");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),	      cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_parse_forms),   cmocka_unit_test(test_parse_args),
		cmocka_unit_test(test_parse_rejects), cmocka_unit_test(test_truncation_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
