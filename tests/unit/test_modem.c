// SPDX-License-Identifier: GPL-2.0-or-later
/* hal/modem.c: the names of the plain types and their parsers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "modem.h"
#include "util.h"

static void test_ip_type_round_trip(void **state)
{
	static const enum modem_ip_type all[] = { MODEM_IP_V4, MODEM_IP_V6, MODEM_IP_V4V6 };
	enum modem_ip_type t;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		t = (enum modem_ip_type) - 1;
		assert_int_equal(modem_ip_type_parse(modem_ip_type_str(all[i]), &t), 0);
		assert_int_equal(t, all[i]);
	}
	assert_string_equal(modem_ip_type_str(MODEM_IP_V4V6), "ipv4v6");
}

static void test_auth_round_trip(void **state)
{
	static const enum modem_auth all[] = { MODEM_AUTH_NONE, MODEM_AUTH_PAP, MODEM_AUTH_CHAP };
	enum modem_auth a;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		a = (enum modem_auth) - 1;
		assert_int_equal(modem_auth_parse(modem_auth_str(all[i]), &a), 0);
		assert_int_equal(a, all[i]);
	}
	assert_string_equal(modem_auth_str(MODEM_AUTH_CHAP), "chap");
}

static void test_unknown_names(void **state)
{
	static const char *const bad[] = {
		"", "IPV4", "ipv4 ", "ipv", "ipv4v6x", "?", "eap", "Pap"
	};
	enum modem_ip_type t = MODEM_IP_V6;
	enum modem_auth a = MODEM_AUTH_PAP;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(modem_ip_type_parse(bad[i], &t), -EINVAL);
		assert_int_equal(modem_auth_parse(bad[i], &a), -EINVAL);
	}
	/* Untouched on failure. */
	assert_int_equal(t, MODEM_IP_V6);
	assert_int_equal(a, MODEM_AUTH_PAP);
}

static void test_params_wipe(void **state)
{
	struct modem_pdn_params p = { .ip_type = MODEM_IP_V4V6, .auth = MODEM_AUTH_CHAP };
	static const char zero[MODEM_CRED_MAX];

	strcpy(p.apn, "ims");
	strcpy(p.username, "alice");
	strcpy(p.password, "s3cret");
	modem_pdn_params_wipe(&p);
	assert_memory_equal(p.username, zero, sizeof(p.username));
	assert_memory_equal(p.password, zero, sizeof(p.password));
	assert_string_equal(p.apn, "ims");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip_type_round_trip),
		cmocka_unit_test(test_auth_round_trip),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_params_wipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
