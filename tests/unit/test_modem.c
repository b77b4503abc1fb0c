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

/* The one 3GPP cause table (TS 24.301 9.9.4.4, TS 24.008 10.5.6.6), row by row. */
static void test_cause_table(void **state)
{
	static const struct {
		unsigned int cause;
		int err;
		const char *reason;
	} rows[] = {
		{ 8, -EPERM, "operator determined barring (3GPP cause 8)" },
		{ 22, -EAGAIN, "congestion (3GPP cause 22)" },
		{ 26, -EAGAIN, "insufficient resources (3GPP cause 26)" },
		{ 27, -ENOENT, "missing or unknown APN (3GPP cause 27)" },
		{ 28, -EAFNOSUPPORT, "unknown PDN type (3GPP cause 28)" },
		{ 29, -EACCES, "user authentication failed (3GPP cause 29)" },
		{ 30, -ECONNREFUSED, "activation rejected by the PDN gateway (3GPP cause 30)" },
		{ 31, -ECONNREFUSED, "activation rejected, unspecified (3GPP cause 31)" },
		{ 32, -EOPNOTSUPP, "service option not supported (3GPP cause 32)" },
		{ 33, -EPERM, "requested service option not subscribed (3GPP cause 33)" },
		{ 34, -EAGAIN, "service option temporarily out of order (3GPP cause 34)" },
		{ 35, -EBUSY, "PTI already in use (3GPP cause 35)" },
		{ 36, -ECONNRESET, "regular deactivation (3GPP cause 36)" },
		{ 37, -ECONNREFUSED, "EPS QoS not accepted (3GPP cause 37)" },
		{ 38, -ENETUNREACH, "network failure (3GPP cause 38)" },
		{ 39, -ECONNRESET, "reactivation requested (3GPP cause 39)" },
		{ 50, -EAFNOSUPPORT, "PDN type IPv4 only allowed (3GPP cause 50)" },
		{ 51, -EAFNOSUPPORT, "PDN type IPv6 only allowed (3GPP cause 51)" },
		{ 54, -ENOTCONN, "PDN connection does not exist (3GPP cause 54)" },
		{ 55, -EBUSY, "multiple PDN connections for this APN not allowed (3GPP cause 55)" },
		{ 65, -ENOSPC, "maximum number of PDN connections reached (3GPP cause 65)" },
		{ 66, -EOPNOTSUPP,
		  "requested APN not supported in this RAT and PLMN (3GPP cause 66)" },
		{ 111, -EPROTO, "protocol error, unspecified (3GPP cause 111)" },
		{ 112, -ECONNREFUSED,
		  "APN restriction incompatible with the active PDN (3GPP cause 112)" },
		/* Not in the table: refused, with the number kept. */
		{ 0, -ECONNREFUSED, "rejected by the network (3GPP cause 0)" },
		{ 11, -ECONNREFUSED, "rejected by the network (3GPP cause 11)" },
		{ 200, -ECONNREFUSED, "rejected by the network (3GPP cause 200)" },
	};
	char reason[MODEM_REASON_MAX];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(reason, 'x', sizeof(reason));
		assert_int_equal(modem_cause_reason(rows[i].cause, reason, sizeof(reason)),
				 rows[i].err);
		assert_string_equal(reason, rows[i].reason);
		assert_int_equal(modem_cause_errno(rows[i].cause), rows[i].err);
		assert_non_null(strstr(rows[i].reason, modem_cause_text(rows[i].cause)));
	}
	/* A short buffer truncates the text but stays terminated. */
	assert_int_equal(modem_cause_reason(27, reason, 8), -ENOENT);
	assert_string_equal(reason, "missing");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip_type_round_trip), cmocka_unit_test(test_auth_round_trip),
		cmocka_unit_test(test_unknown_names),	   cmocka_unit_test(test_params_wipe),
		cmocka_unit_test(test_cause_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
