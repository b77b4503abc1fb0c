// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The QMI backend's contract without a modem: immediate failures arrive from
 * the main loop (never inside the call), exactly once, and close() cancels
 * what is pending. The emulator-backed behaviour is in
 * tests/integration/modem-qmi.sh.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <glib.h>

#include "modem.h"
#include "netdev.h"

struct result {
	int calls;
	int err;
	char reason[MODEM_REASON_MAX];
};

static void done_cb(int err, const char *reason, void *user_data)
{
	struct result *r = user_data;

	r->calls++;
	r->err = err;
	g_strlcpy(r->reason, reason ? reason : "", sizeof(r->reason));
}

static void serving_cb(int err, const char *reason, const struct modem_serving *s, void *user_data)
{
	assert_null(s);
	done_cb(err, reason, user_data);
}

static void spin(void)
{
	int i;

	for (i = 0; i < 10; i++)
		g_main_context_iteration(NULL, FALSE);
}

static void test_open_without_device(void **state)
{
	const struct modem_config cfg = { .backend = "qmi", .device = NULL };
	struct modem *m = NULL;
	struct result r = { 0 };

	modem_qmi_ops.open(&m, &cfg, NULL, done_cb, &r);
	assert_non_null(m);
	assert_int_equal(r.calls, 0); /* never from inside the call */
	spin();
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.err, -EINVAL);
	assert_string_equal(r.reason, "no QMI device configured");
	spin();
	assert_int_equal(r.calls, 1);
	modem_qmi_ops.close(m);
	assert_int_equal(r.calls, 1);
}

static void test_calls_before_open_fail(void **state)
{
	const struct modem_config cfg = { .backend = "qmi", .proxy = "" };
	struct modem *m = NULL;
	struct result open_r = { 0 }, serv_r = { 0 }, disc_r = { 0 };

	modem_qmi_ops.open(&m, &cfg, NULL, done_cb, &open_r);
	modem_qmi_ops.get_serving(m, serving_cb, &serv_r);
	modem_qmi_ops.disconnect(m, 42, done_cb, &disc_r);
	assert_int_equal(open_r.calls + serv_r.calls + disc_r.calls, 0);
	spin();
	assert_int_equal(open_r.err, -EINVAL);
	assert_int_equal(serv_r.calls, 1);
	assert_int_equal(serv_r.err, -ENOTCONN);
	assert_int_equal(disc_r.calls, 1);
	assert_int_equal(disc_r.err, -ENOENT);
	modem_qmi_ops.close(m);
}

static void test_close_cancels_pending(void **state)
{
	const struct modem_config cfg = { .backend = "qmi" };
	struct modem *m = NULL;
	struct result open_r = { 0 }, serv_r = { 0 };

	modem_qmi_ops.open(&m, &cfg, NULL, done_cb, &open_r);
	modem_qmi_ops.get_serving(m, serving_cb, &serv_r);
	modem_qmi_ops.close(m);
	assert_int_equal(open_r.calls, 1);
	assert_int_equal(open_r.err, -ECANCELED);
	assert_int_equal(serv_r.calls, 1);
	assert_int_equal(serv_r.err, -ECANCELED);
	spin();
	assert_int_equal(open_r.calls, 1);
	assert_int_equal(serv_r.calls, 1);
	modem_qmi_ops.close(NULL);
}

/* Board data the backend cannot use is refused at open, from the loop. */
static void test_open_refuses_bad_mux_data(void **state)
{
	static const struct netdev_ops links = { .name = "none" };
	static const struct netdev_link no_parent = { .kind = NETDEV_LINK_QMI_WWAN };
	static const struct netdev_link rmnet = { .kind = NETDEV_LINK_RMNET, .parent = "wwan0" };
	static const struct {
		struct modem_config cfg;
		const char *reason;
	} rows[] = {
		/* Slot 1 would take mux id 255. */
		{ { .device = "/dev/cdc-wdm0", .netdev = "qmimux1,qmimux2", .mux_id = 254 },
		  "QMAP mux id out of range 1-254" },
		{ { .device = "/dev/cdc-wdm0",
		    .netdev = "qmimux1",
		    .mux_id = 2,
		    .link_ops = &links,
		    .link = &no_parent },
		  "a mux link needs a mux id, parent and name" },
		/* A link without a mux id: nothing to name it by. */
		{ { .device = "/dev/cdc-wdm0",
		    .netdev = "qmimux1",
		    .link_ops = &links,
		    .link = &rmnet },
		  "a mux link needs a mux id, parent and name" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct modem *m = NULL;
		struct result r = { 0 };

		modem_qmi_ops.open(&m, &rows[i].cfg, NULL, done_cb, &r);
		assert_int_equal(r.calls, 0);
		spin();
		assert_int_equal(r.calls, 1);
		assert_int_equal(r.err, -EINVAL);
		assert_string_equal(r.reason, rows[i].reason);
		modem_qmi_ops.close(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_without_device),
		cmocka_unit_test(test_calls_before_open_fail),
		cmocka_unit_test(test_close_cancels_pending),
		cmocka_unit_test(test_open_refuses_bad_mux_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
