// SPDX-License-Identifier: GPL-2.0-or-later
/* hal/modem-mbim.c: MBIM status and NwError translation, ProviderId split. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "modem-mbim-private.h"
#include "modem.h"

static void test_failures(void **state)
{
	static const struct {
		uint32_t status, nw_error;
		int err;
		const char *reason;
	} cases[] = {
		{ 2, 0, -EIO, "failure (MBIM status 2)" },
		{ 19, 0, -EACCES, "authentication failed (MBIM status 19)" },
		{ 18, 0, -EINVAL, "invalid APN (MBIM status 18)" },
		{ 13, 0, -ENOSPC, "no free session (maximum activated contexts) (MBIM status 13)" },
		{ 16, 0, -ENOTCONN, "context not activated (MBIM status 16)" },
		{ 20, 0, -ENETDOWN, "radio off (MBIM status 20)" },
		{ 7, 0, -ENETUNREACH, "not registered (MBIM status 7)" },
		{ 9, 0, -EOPNOTSUPP, "not supported by the device (MBIM status 9)" },
		{ 1, 0, -EBUSY, "device busy (MBIM status 1)" },
		{ 0x87430001, 0, -EIO, "MBIM error (MBIM status 2269315073)" },
	};
	char reason[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(reason, 'x', sizeof(reason));
		assert_int_equal(modem_mbim_failure(cases[i].status, cases[i].nw_error, reason,
						    sizeof(reason)),
				 cases[i].err);
		assert_string_equal(reason, cases[i].reason);
	}
}

/*
 * MBIM_STATUS_FAILURE with an NwError: exactly what the shared 3GPP cause
 * table (hal/modem.c, tested in test_modem.c) says, as on QMI and ModemManager.
 */
static void test_nw_error_causes(void **state)
{
	static const uint32_t causes[] = { 8, 26, 27, 29, 33, 36, 50, 66, 200 };
	char reason[128], want[128];
	size_t i;

	for (i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
		assert_int_equal(modem_mbim_failure(2, causes[i], reason, sizeof(reason)),
				 modem_cause_reason(causes[i], want, sizeof(want)));
		assert_string_equal(reason, want);
	}
}

static void test_provider_split(void **state)
{
	char mcc[4], mnc[4];

	assert_int_equal(modem_mbim_provider_split("00101", mcc, mnc), 0);
	assert_string_equal(mcc, "001");
	assert_string_equal(mnc, "01");
	assert_int_equal(modem_mbim_provider_split("310410", mcc, mnc), 0);
	assert_string_equal(mcc, "310");
	assert_string_equal(mnc, "410");
	assert_int_equal(modem_mbim_provider_split("0010", mcc, mnc), -EINVAL);
	assert_string_equal(mcc, "");
	assert_int_equal(modem_mbim_provider_split("0010123", mcc, mnc), -EINVAL);
	assert_int_equal(modem_mbim_provider_split("00a01", mcc, mnc), -EINVAL);
	assert_int_equal(modem_mbim_provider_split("", mcc, mnc), -EINVAL);
	assert_int_equal(modem_mbim_provider_split(NULL, mcc, mnc), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_nw_error_causes),
		cmocka_unit_test(test_provider_split),
	};

	return cmocka_run_group_tests_name("modem_mbim", tests, NULL, NULL);
}
