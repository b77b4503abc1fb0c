// SPDX-License-Identifier: GPL-2.0-or-later
/* agent/ctl-util.c: the JSON string printer and the number parser of mcmigctl. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl-util.h"

/* What ctl_json_str(@s, @ascii_only) writes to stdout, in @out. */
static void json_of(const char *s, bool ascii_only, char *out, size_t size)
{
	FILE *tmp = tmpfile();
	int saved;
	size_t n;

	assert_non_null(tmp);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDOUT_FILENO) >= 0);
	ctl_json_str(s, ascii_only);
	fflush(stdout);
	assert_true(dup2(saved, STDOUT_FILENO) >= 0);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, size - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
}

static void test_json_str(void **state)
{
	char out[128];

	json_of("plain", true, out, sizeof(out));
	assert_string_equal(out, "\"plain\"");
	json_of("a\"b\\c", false, out, sizeof(out));
	assert_string_equal(out, "\"a\\\"b\\\\c\"");
	json_of("tab\there\nnl", true, out, sizeof(out));
	assert_string_equal(out, "\"tab\\u0009here\\u000anl\"");
	json_of(NULL, true, out, sizeof(out));
	assert_string_equal(out, "\"\"");
	/* "ü" in UTF-8: escaped byte by byte for card/network text, kept for D-Bus text. */
	json_of("\xc3\xbc\x7f", true, out, sizeof(out));
	assert_string_equal(out, "\"\\u00c3\\u00bc\\u007f\"");
	json_of("\xc3\xbc\x7f", false, out, sizeof(out));
	assert_string_equal(out, "\"\xc3\xbc\x7f\"");
}

static void test_parse_uint(void **state)
{
	static const char *const bad[] = { "",	  "0",	 "-1",	"abc",
					   "12x", "601", "1e3", "99999999999999999999999" };
	unsigned int v = 7;
	size_t i;

	assert_int_equal(ctl_parse_uint("1", 600, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(ctl_parse_uint("600", 600, &v), 0);
	assert_int_equal(v, 600);
	assert_int_equal(ctl_parse_uint("2147483647", 0x7fffffff, &v), 0);
	assert_int_equal(v, 0x7fffffffu);
	v = 7;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ctl_parse_uint(bad[i], 600, &v) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
	assert_int_equal(v, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_str),
		cmocka_unit_test(test_parse_uint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
