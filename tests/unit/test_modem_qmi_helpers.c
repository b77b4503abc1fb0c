// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hal/modem-qmi-helpers.c by tables: call end reasons (3GPP causes read as
 * the shared table words them, other verbose and generic reasons by libqmi's
 * names), QMI protocol errors and GErrors as -errno. A wrong mapping fails a
 * row here, without a modem.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "modem-qmi-helpers.h"
#include "modem.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* TS 24.301 9.9.4.4 causes as a verbose call end reason of type 3GPP (6). */
static void test_call_end_3gpp(void **state)
{
	static const struct {
		gint16 cause;
		int err;
		const char *reason;
	} rows[] = {
		{ 8, -EPERM, "operator determined barring (3GPP cause 8)" },
		{ 27, -ENOENT, "missing or unknown APN (3GPP cause 27)" },
		{ 29, -EACCES, "user authentication failed (3GPP cause 29)" },
		{ 33, -EPERM, "requested service option not subscribed (3GPP cause 33)" },
		{ 36, -ECONNRESET, "regular deactivation (3GPP cause 36)" },
		{ 51, -EAFNOSUPPORT, "PDN type IPv6 only allowed (3GPP cause 51)" },
		{ 200, -ECONNREFUSED, "rejected by the network (3GPP cause 200)" },
	};
	char reason[MODEM_REASON_MAX];
	size_t i;

	for (i = 0; i < N(rows); i++) {
		memset(reason, 'x', sizeof(reason));
		/* The verbose reason wins over a generic one given alongside. */
		assert_int_equal(modem_qmi_call_end(true, QMI_WDS_VERBOSE_CALL_END_REASON_TYPE_3GPP,
						    rows[i].cause, true,
						    QMI_WDS_CALL_END_REASON_GENERIC_NO_SERVICE,
						    reason, sizeof(reason)),
				 rows[i].err);
		assert_string_equal(reason, rows[i].reason);
	}
}

/* Verbose reasons of other types, generic call end reasons, and none at all. */
static void test_call_end_other(void **state)
{
	static const struct {
		bool has_v;
		QmiWdsVerboseCallEndReasonType vtype;
		gint16 vreason;
		bool has_end;
		QmiWdsCallEndReason end;
		int err;
		const char *reason;
	} rows[] = {
		{ true, QMI_WDS_VERBOSE_CALL_END_REASON_TYPE_INTERNAL,
		  QMI_WDS_VERBOSE_CALL_END_REASON_INTERNAL_CALL_ENDED, false, 0, -ECONNREFUSED,
		  "call-ended (internal reason 202)" },
		{ false, 0, 0, true, QMI_WDS_CALL_END_REASON_GENERIC_AUTHENTICATION_FAILED, -EACCES,
		  "generic-authentication-failed (call end reason 10)" },
		{ false, 0, 0, true, QMI_WDS_CALL_END_REASON_GENERIC_NO_SERVICE, -ECONNREFUSED,
		  "generic-no-service (call end reason 3)" },
		/* An internal reason libqmi has no name for: the generic one speaks. */
		{ true, QMI_WDS_VERBOSE_CALL_END_REASON_TYPE_INTERNAL, 30000, true,
		  QMI_WDS_CALL_END_REASON_GENERIC_NO_SERVICE, -ECONNREFUSED,
		  "generic-no-service (call end reason 3)" },
		/* Nothing the modem explained: 0, reason untouched. */
		{ true, QMI_WDS_VERBOSE_CALL_END_REASON_TYPE_INTERNAL, 30000, true, 30000, 0,
		  "kept" },
		{ false, 0, 0, false, 0, 0, "kept" },
	};
	char reason[MODEM_REASON_MAX];
	size_t i;

	for (i = 0; i < N(rows); i++) {
		strcpy(reason, "kept");
		assert_int_equal(modem_qmi_call_end(rows[i].has_v, rows[i].vtype, rows[i].vreason,
						    rows[i].has_end, rows[i].end, reason,
						    sizeof(reason)),
				 rows[i].err);
		assert_string_equal(reason, rows[i].reason);
	}
}

static void test_protocol_errno(void **state)
{
	static const struct {
		gint code;
		int err;
	} rows[] = {
		{ QMI_PROTOCOL_ERROR_CALL_FAILED, -ECONNREFUSED },
		{ QMI_PROTOCOL_ERROR_NO_NETWORK_FOUND, -ECONNREFUSED },
		{ QMI_PROTOCOL_ERROR_AUTHENTICATION_FAILED, -EACCES },
		{ QMI_PROTOCOL_ERROR_CLIENT_IDS_EXHAUSTED, -EBUSY },
		{ QMI_PROTOCOL_ERROR_INVALID_QMI_COMMAND, -EOPNOTSUPP },
		{ QMI_PROTOCOL_ERROR_NOT_SUPPORTED, -EOPNOTSUPP },
		{ QMI_PROTOCOL_ERROR_INVALID_SERVICE_TYPE, -EOPNOTSUPP },
		{ QMI_PROTOCOL_ERROR_MALFORMED_MESSAGE, -EINVAL },
		{ QMI_PROTOCOL_ERROR_MISSING_ARGUMENT, -EINVAL },
		{ QMI_PROTOCOL_ERROR_INVALID_ARGUMENT, -EINVAL },
		{ QMI_PROTOCOL_ERROR_ARGUMENT_TOO_LONG, -EINVAL },
		{ QMI_PROTOCOL_ERROR_DEVICE_NOT_READY, -EAGAIN },
		{ QMI_PROTOCOL_ERROR_NO_EFFECT, -EALREADY },
		{ QMI_PROTOCOL_ERROR_OUT_OF_CALL, -ENOTCONN },
		{ QMI_PROTOCOL_ERROR_INTERNAL, -EIO },
	};
	size_t i;

	for (i = 0; i < N(rows); i++)
		assert_int_equal(modem_qmi_protocol_errno(rows[i].code), rows[i].err);
}

static void test_gerror(void **state)
{
	struct {
		GQuark domain;
		gint code;
		const char *message;
		bool vanished;
		int err;
	} rows[] = {
		{ G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled", false, -ECANCELED },
		{ G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no such file", false, -ENOENT },
		{ G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "refused", false, -ENODEV },
		{ QMI_PROTOCOL_ERROR, QMI_PROTOCOL_ERROR_CALL_FAILED, "CallFailed", false,
		  -ECONNREFUSED },
		{ QMI_CORE_ERROR, QMI_CORE_ERROR_TIMEOUT, "timed out", false, -ETIMEDOUT },
		{ QMI_CORE_ERROR, QMI_CORE_ERROR_WRONG_STATE, "closed", false, -ENOTCONN },
		{ QMI_CORE_ERROR, QMI_CORE_ERROR_UNSUPPORTED, "unsupported", false, -EOPNOTSUPP },
		{ QMI_CORE_ERROR, QMI_CORE_ERROR_INVALID_ARGS, "args", false, -EINVAL },
		{ QMI_CORE_ERROR, QMI_CORE_ERROR_TLV_NOT_FOUND, "no TLV", false, -EBADMSG },
		{ QMI_CORE_ERROR, QMI_CORE_ERROR_FAILED, "endpoint hangup", false, -ENODEV },
		{ QMI_CORE_ERROR, QMI_CORE_ERROR_FAILED, "whatever", true, -ENODEV },
		{ QMI_CORE_ERROR, QMI_CORE_ERROR_FAILED, "whatever", false, -EIO },
	};
	char reason[MODEM_REASON_MAX], want[MODEM_REASON_MAX];
	size_t i;

	for (i = 0; i < N(rows); i++) {
		GError *e = g_error_new_literal(rows[i].domain, rows[i].code, rows[i].message);

		assert_int_equal(modem_qmi_gerror(e, rows[i].vanished, "WDS Start Network", reason,
						  sizeof(reason)),
				 rows[i].err);
		snprintf(want, sizeof(want), "WDS Start Network: %s", rows[i].message);
		assert_string_equal(reason, want);
		g_error_free(e);
	}
}

/*
 * The data format is read before it is written: kept when it already fits,
 * set when nobody else uses the modem, and never changed under a primary
 * PDN that shares the modem.
 */
static void test_data_format_plan(void **state)
{
#define RAW  QMI_WDA_LINK_LAYER_PROTOCOL_RAW_IP
#define ETH  QMI_WDA_LINK_LAYER_PROTOCOL_802_3
#define QMAP QMI_WDA_DATA_AGGREGATION_PROTOCOL_QMAP
#define OFF  QMI_WDA_DATA_AGGREGATION_PROTOCOL_DISABLED
	static const struct {
		struct modem_qmi_format cur;
		bool muxed, shared;
		int err;
		bool set;
		const char *reason;
	} rows[] = {
		/* Already what we need: nothing is sent, shared or not. */
		{ { true, RAW, QMAP, QMAP }, true, true, 0, false, "kept" },
		{ { true, RAW, QMAP, QMAP }, true, false, 0, false, "kept" },
		{ { true, RAW, OFF, OFF }, false, true, 0, false, "kept" },
		{ { true, RAW, OFF, OFF }, false, false, 0, false, "kept" },
		/* Differs, modem ours alone: set it. */
		{ { true, ETH, OFF, OFF }, true, false, 0, true, "kept" },
		{ { true, RAW, QMAP, QMAP }, false, false, 0, true, "kept" },
		{ { false, ETH, OFF, OFF }, true, false, 0, true, "kept" },
		/* Differs under the primary PDN: refused, the primary stays. */
		{ { true, RAW, QMAP, QMAP },
		  false,
		  true,
		  -EBUSY,
		  false,
		  "data format is raw-ip with QMAP, needs raw-ip without aggregation: "
		  "not changed under the primary PDN" },
		{ { true, ETH, OFF, OFF },
		  true,
		  true,
		  -EBUSY,
		  false,
		  "data format is 802-3 without aggregation, needs raw-ip with QMAP: "
		  "not changed under the primary PDN" },
		{ { true, RAW, QMAP, OFF },
		  true,
		  true,
		  -EBUSY,
		  false,
		  "data format is raw-ip with other aggregation, needs raw-ip with QMAP: "
		  "not changed under the primary PDN" },
		{ { false, ETH, OFF, OFF },
		  true,
		  true,
		  -EBUSY,
		  false,
		  "data format is unknown, needs raw-ip with QMAP: "
		  "not changed under the primary PDN" },
	};
#undef RAW
#undef ETH
#undef QMAP
#undef OFF
	char reason[MODEM_REASON_MAX];
	size_t i;
	bool set;

	for (i = 0; i < N(rows); i++) {
		strcpy(reason, "kept");
		set = !rows[i].set;
		assert_int_equal(modem_qmi_data_format_plan(&rows[i].cur, rows[i].muxed,
							    rows[i].shared, &set, reason,
							    sizeof(reason)),
				 rows[i].err);
		assert_int_equal(set, rows[i].set);
		assert_string_equal(reason, rows[i].reason);
	}
}

/*
 * Get Current Settings of an IPv6 session as libqmi hands the TLVs out:
 * 0x25 2001:db8:1::2/64, 0x26 gateway 2001:db8:1::1, 0x27/0x28 DNS, MTU.
 */
static const struct modem_qmi_settings_raw v6 = {
	.has_ip6 = true,
	.ip6 = { 0x2001, 0x0db8, 0x0001, 0, 0, 0, 0, 0x0002 },
	.prefix6 = 64,
	.has_gw6 = true,
	.gw6 = { 0x2001, 0x0db8, 0x0001, 0, 0, 0, 0, 0x0001 },
	.has_dns6 = { true, true },
	.dns6 = { { 0x2001, 0x0db8, 0x0001, 0, 0, 0, 0, 0x0053 },
		  { 0xfd00, 0xabcd, 0x1234, 0x5678, 0x9abc, 0xdef0, 0x0fed, 0xcba9 } },
	.has_mtu = true,
	.mtu = 1280,
};

/* The same PDN's IPv4 session: 198.51.100.2/24, P-CSCF and DNS, MTU 1400. */
static const struct modem_qmi_settings_raw v4 = {
	.has_ip4 = true,
	.ip4 = 0xc6336402,
	.has_mask4 = true,
	.mask4 = 0xffffff00,
	.has_gw4 = true,
	.gw4 = 0xc6336401,
	.has_dns4 = { true, false },
	.dns4 = { 0xc6336435 },
	.pcscf4 = { 0xc6336401, 0xc633640a },
	.n_pcscf4 = 2,
	.has_mtu = true,
	.mtu = 1400,
};

static void test_settings_from_raw_v6(void **state)
{
	struct modem_pdn_settings s;

	memset(&s, 'x', sizeof(s));
	strcpy(s.ifname, "qmimux1");
	assert_int_equal(modem_qmi_settings_from_raw(&v6, &s), 0);
	assert_string_equal(s.ifname, "qmimux1");
	assert_string_equal(s.addr6, "2001:db8:1::2");
	assert_int_equal(s.prefix6, 64);
	assert_string_equal(s.gw6, "2001:db8:1::1");
	assert_string_equal(s.addr4, "");
	assert_string_equal(s.gw4, "");
	assert_int_equal(s.n_dns, 2);
	assert_string_equal(s.dns[0], "2001:db8:1::53");
	assert_string_equal(s.dns[1], "fd00:abcd:1234:5678:9abc:def0:fed:cba9");
	assert_int_equal(s.n_pcscf, 0);
	assert_int_equal(s.mtu, 1280);
}

static void test_settings_from_raw_v4(void **state)
{
	struct modem_pdn_settings s = { .ifname = "wwan1" };

	assert_int_equal(modem_qmi_settings_from_raw(&v4, &s), 0);
	assert_string_equal(s.addr4, "198.51.100.2");
	assert_int_equal(s.prefix4, 24);
	assert_string_equal(s.gw4, "198.51.100.1");
	assert_string_equal(s.addr6, "");
	assert_int_equal(s.n_dns, 1);
	assert_string_equal(s.dns[0], "198.51.100.53");
	assert_int_equal(s.n_pcscf, 2);
	assert_string_equal(s.pcscf[1], "198.51.100.10");
}

/* No address at all, or an IPv6 prefix over 128: not a usable session. */
static void test_settings_from_raw_refused(void **state)
{
	struct modem_qmi_settings_raw r = v6;
	struct modem_pdn_settings s = { 0 };

	r.prefix6 = 129;
	assert_int_equal(modem_qmi_settings_from_raw(&r, &s), -EPROTO);
	r = v6;
	r.has_ip6 = false;
	assert_int_equal(modem_qmi_settings_from_raw(&r, &s), -EPROTO);
	r.prefix6 = 128;
	r.has_ip6 = true;
	assert_int_equal(modem_qmi_settings_from_raw(&r, &s), 0);
	assert_int_equal(s.prefix6, 128);
}

/* An IPv4v6 PDN: both families' settings in one, the smaller MTU, no duplicates. */
static void test_settings_merge(void **state)
{
	struct modem_pdn_settings a = { .ifname = "qmimux1" }, b = { 0 };

	assert_int_equal(modem_qmi_settings_from_raw(&v4, &a), 0);
	assert_int_equal(modem_qmi_settings_from_raw(&v6, &b), 0);
	modem_qmi_settings_merge(&a, &b);
	assert_string_equal(a.ifname, "qmimux1");
	assert_string_equal(a.addr4, "198.51.100.2");
	assert_string_equal(a.addr6, "2001:db8:1::2");
	assert_int_equal(a.prefix6, 64);
	assert_string_equal(a.gw6, "2001:db8:1::1");
	assert_int_equal(a.n_dns, 3);
	assert_string_equal(a.dns[0], "198.51.100.53");
	assert_string_equal(a.dns[1], "2001:db8:1::53");
	assert_int_equal(a.n_pcscf, 2);
	assert_int_equal(a.mtu, 1280);
	/* Merging the same family again adds nothing and keeps the addresses. */
	memset(&b, 0, sizeof(b));
	assert_int_equal(modem_qmi_settings_from_raw(&v4, &b), 0);
	strcpy(b.addr4, "192.0.2.9");
	modem_qmi_settings_merge(&a, &b);
	assert_string_equal(a.addr4, "198.51.100.2");
	assert_int_equal(a.n_dns, 3);
	assert_int_equal(a.n_pcscf, 2);
	/* Lists stop at their maximum. */
	b = a;
	strcpy(b.dns[0], "192.0.2.53");
	strcpy(b.dns[1], "192.0.2.54");
	strcpy(b.pcscf[0], "192.0.2.1");
	strcpy(b.pcscf[1], "192.0.2.2");
	strcpy(b.pcscf[2], "192.0.2.3");
	b.n_pcscf = 3;
	modem_qmi_settings_merge(&a, &b);
	assert_int_equal(a.n_dns, MODEM_DNS_MAX);
	assert_string_equal(a.dns[3], "192.0.2.53");
	assert_int_equal(a.n_pcscf, MODEM_PCSCF_MAX);
	assert_string_equal(a.pcscf[3], "192.0.2.2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_call_end_3gpp),
		cmocka_unit_test(test_call_end_other),
		cmocka_unit_test(test_protocol_errno),
		cmocka_unit_test(test_gerror),
		cmocka_unit_test(test_data_format_plan),
		cmocka_unit_test(test_settings_from_raw_v6),
		cmocka_unit_test(test_settings_from_raw_v4),
		cmocka_unit_test(test_settings_from_raw_refused),
		cmocka_unit_test(test_settings_merge),
	};

	return cmocka_run_group_tests_name("modem_qmi_helpers", tests, NULL, NULL);
}
