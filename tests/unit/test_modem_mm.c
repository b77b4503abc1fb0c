// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ModemManager backend without ModemManager: its error translation, its
 * state mappings and the completion rules of its calls (callbacks exactly
 * once, never inside the call, -ECANCELED on close). The file is included so
 * that its static functions can be reached.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hal/modem-mm.c"

static int translate(GError *e, char *reason)
{
	int err = mm_error(e, "test", reason, MODEM_REASON_MAX);

	g_error_free(e);
	return err;
}

/*
 * Causes come out exactly as the shared table (hal/modem.c, tested in
 * test_modem.c) words them, the same as on QMI and MBIM.
 */
static void test_remote_mobile_errors(void **state)
{
	static const struct {
		int code;
		unsigned int cause;
	} causes[] = {
		{ MM_MOBILE_EQUIPMENT_ERROR_OPERATOR_DETERMINED_BARRING, 8 },
		{ MM_MOBILE_EQUIPMENT_ERROR_INSUFFICIENT_RESOURCES, 26 },
		{ MM_MOBILE_EQUIPMENT_ERROR_SERVICE_OPTION_NOT_SUBSCRIBED, 33 },
		{ MM_MOBILE_EQUIPMENT_ERROR_SERVICE_OPTION_OUT_OF_ORDER, 34 },
		{ MM_MOBILE_EQUIPMENT_ERROR_REQUESTED_APN_NOT_SUPPORTED, 66 },
	};
	char reason[MODEM_REASON_MAX], want[MODEM_REASON_MAX];
	size_t i;
	GError *e;

	/* As it arrives over D-Bus: libmm-glib maps the error name back to its domain. */
	(void)MM_MOBILE_EQUIPMENT_ERROR;
	e = g_dbus_error_new_for_dbus_error(
		"org.freedesktop.ModemManager1.Error.MobileEquipment.MissingOrUnknownApn",
		"Missing or unknown APN");
	assert_int_equal(e->domain, MM_MOBILE_EQUIPMENT_ERROR);
	assert_int_equal(translate(e, reason), modem_cause_reason(27, want, sizeof(want)));
	assert_string_equal(reason, want);

	e = g_error_new(MM_MOBILE_EQUIPMENT_ERROR,
			MM_MOBILE_EQUIPMENT_ERROR_USER_AUTHENTICATION_FAILED, "auth");
	assert_int_equal(translate(e, reason), modem_cause_reason(29, want, sizeof(want)));
	assert_string_equal(reason, want);
	e = g_error_new(MM_MOBILE_EQUIPMENT_ERROR, MM_MOBILE_EQUIPMENT_ERROR_PDP_AUTH_FAILURE,
			"pdp");
	assert_int_equal(translate(e, reason), -EACCES);
	assert_string_equal(reason, "authentication failed (ModemManager: pdp)");
	e = g_error_new(MM_MOBILE_EQUIPMENT_ERROR, MM_MOBILE_EQUIPMENT_ERROR_PLMN_NOT_ALLOWED,
			"plmn");
	assert_int_equal(translate(e, reason), -ECONNREFUSED);
	assert_string_equal(reason, "rejected by the network (3GPP cause 11; ModemManager: plmn)");
	e = g_error_new(MM_MOBILE_EQUIPMENT_ERROR, MM_MOBILE_EQUIPMENT_ERROR_IPV4_ONLY_ALLOWED,
			"v4");
	assert_int_equal(translate(e, reason), modem_cause_reason(50, want, sizeof(want)));
	assert_string_equal(reason, want);
	for (i = 0; i < ARRAY_SIZE(causes); i++) {
		e = g_error_new(MM_MOBILE_EQUIPMENT_ERROR, causes[i].code, "mm text");
		assert_int_equal(translate(e, reason),
				 modem_cause_reason(causes[i].cause, want, sizeof(want)));
		assert_string_equal(reason, want);
	}
	e = g_error_new(MM_MOBILE_EQUIPMENT_ERROR, MM_MOBILE_EQUIPMENT_ERROR_SIM_PIN, "pin");
	assert_int_equal(translate(e, reason), -EACCES);
}

static void test_other_errors(void **state)
{
	char reason[MODEM_REASON_MAX];

	assert_int_equal(translate(g_error_new(MM_CORE_ERROR, MM_CORE_ERROR_WRONG_STATE, "x"),
				   reason),
			 -EBUSY);
	assert_string_equal(reason, "test: x");
	assert_int_equal(translate(g_error_new(MM_CORE_ERROR, MM_CORE_ERROR_CONNECTED, "x"),
				   reason),
			 -EISCONN);
	assert_int_equal(translate(g_error_new(MM_CORE_ERROR, MM_CORE_ERROR_FAILED, "x"), reason),
			 -EIO);
	assert_int_equal(translate(g_error_new(MM_SERIAL_ERROR, MM_SERIAL_ERROR_OPEN_FAILED, "x"),
				   reason),
			 -EBUSY);
	assert_int_equal(
		translate(g_error_new(MM_CONNECTION_ERROR, MM_CONNECTION_ERROR_NO_CARRIER, "x"),
			  reason),
		-ECONNREFUSED);
	assert_int_equal(translate(g_error_new(G_IO_ERROR, G_IO_ERROR_CANCELLED, "x"), reason),
			 -ECANCELED);
	assert_int_equal(translate(g_error_new(G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY, "x"), reason),
			 -ETIMEDOUT);
	assert_int_equal(translate(g_error_new(G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN, "x"),
				   reason),
			 -ENODEV);
	assert_int_equal(translate(g_error_new(G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED, "x"),
				   reason),
			 -EPERM);
}

static void test_mappings(void **state)
{
	assert_int_equal(mm_reg_state(MM_MODEM_3GPP_REGISTRATION_STATE_HOME), MODEM_REG_HOME);
	assert_int_equal(mm_reg_state(MM_MODEM_3GPP_REGISTRATION_STATE_ROAMING_SMS_ONLY),
			 MODEM_REG_ROAMING);
	assert_int_equal(mm_reg_state(MM_MODEM_3GPP_REGISTRATION_STATE_IDLE),
			 MODEM_REG_NOT_REGISTERED);
	assert_int_equal(mm_reg_state(MM_MODEM_3GPP_REGISTRATION_STATE_DENIED), MODEM_REG_DENIED);
	assert_int_equal(mm_reg_state(MM_MODEM_3GPP_REGISTRATION_STATE_UNKNOWN), MODEM_REG_UNKNOWN);
	assert_int_equal(mm_rat(MM_MODEM_ACCESS_TECHNOLOGY_LTE | MM_MODEM_ACCESS_TECHNOLOGY_5GNR),
			 MODEM_RAT_NR);
	assert_int_equal(mm_rat(MM_MODEM_ACCESS_TECHNOLOGY_LTE), MODEM_RAT_LTE);
	assert_int_equal(mm_rat(MM_MODEM_ACCESS_TECHNOLOGY_HSPA), MODEM_RAT_UMTS);
	assert_int_equal(mm_rat(MM_MODEM_ACCESS_TECHNOLOGY_EDGE), MODEM_RAT_GSM);
	assert_int_equal(mm_rat(MM_MODEM_ACCESS_TECHNOLOGY_UNKNOWN), MODEM_RAT_UNKNOWN);
}

/*
 * Exported by libmm-glib for mmcli and ModemManager but declared only for
 * them (mm-bearer-ip-config.h): the test builds configurations with them.
 */
MMBearerIpConfig *mm_bearer_ip_config_new(void);
void mm_bearer_ip_config_set_method(MMBearerIpConfig *self, MMBearerIpMethod ip_method);
void mm_bearer_ip_config_set_address(MMBearerIpConfig *self, const gchar *address);
void mm_bearer_ip_config_set_prefix(MMBearerIpConfig *self, guint prefix);
void mm_bearer_ip_config_set_dns(MMBearerIpConfig *self, const gchar **dns);
void mm_bearer_ip_config_set_gateway(MMBearerIpConfig *self, const gchar *gateway);
void mm_bearer_ip_config_set_mtu(MMBearerIpConfig *self, guint mtu);

/* Static IP settings as the QMI- or MBIM-based plugins export them. */
static void test_ip_settings(void **state)
{
	const gchar *dns[] = { "198.51.100.53", "198.51.100.54", NULL };
	MMBearerIpConfig *c4 = mm_bearer_ip_config_new();
	MMBearerIpConfig *c6 = mm_bearer_ip_config_new();
	MMBearerIpConfig *ppp = mm_bearer_ip_config_new();
	struct modem_pdn_settings s;

	memset(&s, 0, sizeof(s));
	mm_bearer_ip_config_set_method(c4, MM_BEARER_IP_METHOD_STATIC);
	mm_bearer_ip_config_set_address(c4, "198.51.100.2");
	mm_bearer_ip_config_set_prefix(c4, 24);
	mm_bearer_ip_config_set_gateway(c4, "198.51.100.1");
	mm_bearer_ip_config_set_dns(c4, dns);
	mm_bearer_ip_config_set_mtu(c4, 1430);
	mm_bearer_ip_config_set_method(c6, MM_BEARER_IP_METHOD_STATIC);
	mm_bearer_ip_config_set_address(c6, "2001:db8::2");
	mm_bearer_ip_config_set_prefix(c6, 64);
	mm_bearer_ip_config_set_mtu(c6, 1400);
	mm_fill_ip(c4, s.addr4, &s.prefix4, s.gw4, &s);
	mm_fill_ip(c6, s.addr6, &s.prefix6, s.gw6, &s);
	assert_string_equal(s.addr4, "198.51.100.2");
	assert_int_equal(s.prefix4, 24);
	assert_string_equal(s.gw4, "198.51.100.1");
	assert_int_equal(s.n_dns, 2);
	assert_string_equal(s.dns[1], "198.51.100.54");
	assert_string_equal(s.addr6, "2001:db8::2");
	assert_int_equal(s.prefix6, 64);
	assert_string_equal(s.gw6, "");
	/* The smaller MTU of the two families. */
	assert_int_equal(s.mtu, 1400);

	memset(&s, 0, sizeof(s));
	mm_bearer_ip_config_set_method(ppp, MM_BEARER_IP_METHOD_PPP);
	mm_bearer_ip_config_set_address(ppp, "192.0.2.9");
	mm_fill_ip(ppp, s.addr4, &s.prefix4, s.gw4, &s);
	mm_fill_ip(NULL, s.addr6, &s.prefix6, s.gw6, &s);
	assert_string_equal(s.addr4, "");
	assert_int_equal(s.n_dns, 0);
	g_object_unref(c4);
	g_object_unref(c6);
	g_object_unref(ppp);
}

struct calls {
	unsigned int n;
	int err;
	bool inside;
	char reason[MODEM_REASON_MAX];
};

static bool in_call;

static void done_cb(int err, const char *reason, void *ud)
{
	struct calls *c = ud;

	c->n++;
	c->err = err;
	c->inside = c->inside || in_call;
	util_strlcpy(c->reason, reason, sizeof(c->reason));
}

static void connect_cb(int err, const char *reason, modem_pdn_id id,
		       const struct modem_pdn_settings *s, void *ud)
{
	done_cb(err, reason, ud);
	assert_null(s);
}

static void iterate(void)
{
	int i;

	for (i = 0; i < 10; i++)
		g_main_context_iteration(NULL, FALSE);
}

static void test_bad_bus_fails_later(void **state)
{
	struct modem_config cfg = { .backend = "mm", .device = "any", .bus = "bogus" };
	struct calls open_c = { 0 }, conn_c = { 0 };
	struct modem_pdn_params p = { .apn = "ims" };
	struct modem *m = NULL;

	in_call = true;
	modem_mm_ops.open(&m, &cfg, NULL, done_cb, &open_c);
	in_call = false;
	assert_non_null(m);
	assert_int_equal(open_c.n, 0);
	iterate();
	assert_int_equal(open_c.n, 1);
	assert_false(open_c.inside);
	assert_int_equal(open_c.err, -EINVAL);
	assert_non_null(strstr(open_c.reason, "system"));

	in_call = true;
	modem_mm_ops.connect(m, &p, connect_cb, &conn_c);
	in_call = false;
	assert_int_equal(conn_c.n, 0);
	iterate();
	assert_int_equal(conn_c.n, 1);
	assert_false(conn_c.inside);
	assert_int_equal(conn_c.err, -ENODEV);
	modem_mm_ops.close(m);
	iterate();
	assert_int_equal(open_c.n, 1);
	assert_int_equal(conn_c.n, 1);
}

static void test_close_cancels_once(void **state)
{
	struct modem_config cfg = { .backend = "mm", .device = "any", .bus = "bogus" };
	struct calls open_c = { 0 }, disc_c = { 0 };
	struct modem *m = NULL;

	modem_mm_ops.open(&m, &cfg, NULL, done_cb, &open_c);
	modem_mm_ops.disconnect(m, 7, done_cb, &disc_c);
	modem_mm_ops.close(m);
	assert_int_equal(open_c.n, 1);
	assert_int_equal(open_c.err, -ECANCELED);
	assert_int_equal(disc_c.n, 1);
	assert_int_equal(disc_c.err, -ECANCELED);
	iterate();
	assert_int_equal(open_c.n, 1);
	assert_int_equal(disc_c.n, 1);
	modem_mm_ops.close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remote_mobile_errors),
		cmocka_unit_test(test_other_errors),
		cmocka_unit_test(test_mappings),
		cmocka_unit_test(test_ip_settings),
		cmocka_unit_test(test_bad_bus_fails_later),
		cmocka_unit_test(test_close_cancels_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
