// SPDX-License-Identifier: GPL-2.0-or-later
/* tests/bench/emu-common.c: the scenario value parsers of the modem emulators. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/bench/emu-common.h"

static void test_u32(void **state)
{
	static const char *const bad[] = { "", " ", "x", "12x", "-1", "256", "0x100", "1 " };
	uint32_t v = 7;
	size_t i;

	assert_int_equal(emu_parse_u32("0", 255, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(emu_parse_u32("255", 255, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(emu_parse_u32("0x1a", 255, &v), 0);
	assert_int_equal(v, 26);
	assert_int_equal(emu_parse_u32("4294967295", UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(emu_parse_u32("4294967296", UINT32_MAX, &v), -EINVAL);
	v = 7;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (emu_parse_u32(bad[i], 255, &v) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
	assert_int_equal(v, 7);
}

static void test_prefixed(void **state)
{
	static const struct {
		int af;
		const char *s;
	} bad[] = {
		{ AF_INET, "192.0.2.2" },
		{ AF_INET, "192.0.2.2/" },
		{ AF_INET, "192.0.2.2/33" },
		{ AF_INET, "192.0.2/24" },
		{ AF_INET, "/24" },
		{ AF_INET, "2001:db8::1/24" },
		{ AF_INET, "192.0.2.2/x" },
		{ AF_INET, "192.0.2.2/24/1" },
		{ AF_INET, "192.0.2.2 /24" },
		{ AF_INET6, "192.0.2.2/24" },
		{ AF_INET6, "2001:db8::2/129" },
		{ AF_INET6, "2001:0db8:0000:0000:0000:0000:0000:0002:0000/64" },
	};
	uint8_t a4[4], a6[16], want6[16];
	unsigned int prefix = 99;
	size_t i;

	assert_int_equal(emu_parse_prefixed("198.51.100.2/24", AF_INET, a4, &prefix), 0);
	assert_int_equal(prefix, 24);
	assert_memory_equal(a4, ((const uint8_t[]){ 198, 51, 100, 2 }), 4);
	assert_int_equal(emu_parse_prefixed("2001:db8::2/64", AF_INET6, a6, &prefix), 0);
	assert_int_equal(prefix, 64);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::2", want6), 1);
	assert_memory_equal(a6, want6, 16);
	assert_int_equal(emu_parse_prefixed("2001:db8::2/128", AF_INET6, a6, &prefix), 0);
	assert_int_equal(prefix, 128);
	prefix = 99;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (emu_parse_prefixed(bad[i].s, bad[i].af, a6, &prefix) != -EINVAL)
			fail_msg("'%s' accepted", bad[i].s);
	assert_int_equal(prefix, 99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u32),
		cmocka_unit_test(test_prefixed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
