// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netdev_linux_ops refuses what it cannot apply before touching the kernel;
 * the real configuration is tested as root in tests/integration/netdev.sh.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netdev.h"

static void test_refuses_bad_settings(void **state)
{
	struct modem_pdn_settings s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(netdev_linux_ops.configure(NULL), -EINVAL);
	assert_int_equal(netdev_linux_ops.configure(&s), -EINVAL);
	assert_int_equal(netdev_linux_ops.deconfigure(&s), -EINVAL);
	strcpy(s.ifname, "mcmig-none0");
	assert_int_equal(netdev_linux_ops.configure(&s), -ENODEV);
	assert_int_equal(netdev_linux_ops.deconfigure(&s), -ENODEV);
	assert_string_equal(netdev_linux_ops.name, "linux");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_bad_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
