// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util.h"

static void test_hex_roundtrip(void **state)
{
	const uint8_t in[] = { 0x00, 0x01, 0xab, 0xff, 0x7f };
	uint8_t out[5];
	char hex[11];

	util_hex_encode(in, sizeof(in), hex);
	assert_string_equal(hex, "0001abff7f");
	assert_int_equal(util_hex_decode("0001ABff7F", out, sizeof(out)), 0);
	assert_memory_equal(in, out, sizeof(in));
}

static void test_hex_rejects(void **state)
{
	uint8_t out[4];
	size_t n = 99;

	assert_int_equal(util_hex_decode("0011223", out, 4), -EINVAL);
	assert_int_equal(util_hex_decode("001122", out, 4), -EINVAL);
	assert_int_equal(util_hex_decode("0011223344", out, 4), -EINVAL);
	assert_int_equal(util_hex_decode("00112g33", out, 4), -EINVAL);
	assert_int_equal(util_hex_decode(NULL, out, 4), -EINVAL);
	assert_int_equal(util_hex_decode_var("0011223344", out, 4, &n), -E2BIG);
	assert_int_equal(n, 99);
	assert_int_equal(util_hex_decode_var("", out, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(util_hex_decode_var("a0b1", out, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0], 0xa0);
	assert_int_equal(out[1], 0xb1);
}

static void test_wipe_and_compare(void **state)
{
	uint8_t key[16];
	const uint8_t zero[16] = { 0 };

	memset(key, 0x5a, sizeof(key));
	util_wipe(key, sizeof(key));
	assert_memory_equal(key, zero, sizeof(key));
	util_wipe(NULL, 4);
	assert_true(util_equal_ct(key, zero, sizeof(key)));
	key[15] = 1;
	assert_false(util_equal_ct(key, zero, sizeof(key)));
}

static void test_strlcpy(void **state)
{
	char buf[4];

	assert_int_equal(util_strlcpy(buf, "abc", sizeof(buf)), 0);
	assert_string_equal(buf, "abc");
	assert_int_equal(util_strlcpy(buf, "abcd", sizeof(buf)), -E2BIG);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_roundtrip),
		cmocka_unit_test(test_hex_rejects),
		cmocka_unit_test(test_wipe_and_compare),
		cmocka_unit_test(test_strlcpy),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
