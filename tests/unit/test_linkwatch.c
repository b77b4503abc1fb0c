// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rtnetlink link codec of hal/linkwatch.c against byte vectors laid out
 * as the kernel sends them (little endian, rtnetlink(7)): RTM_NEWLINK and
 * RTM_DELLINK for the watched netdev and for others, a dump's NLMSG_DONE, an
 * NLMSG_ERROR, and every truncated length rejected.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "linkwatch.h"
#include "netlink.h"

/* nlmsghdr: len 44, RTM_NEWLINK (16), flags 0, seq 0, pid 0;
 * ifinfomsg: family 0, type 0xfffe (ARPHRD_NONE), index 3,
 * flags IFF_UP|IFF_RUNNING|IFF_LOWER_UP (0x10041), change 0;
 * rtattr IFLA_IFNAME (3) len 10 "wwan0\0" + 2 bytes padding. */
static const uint8_t new_up[] = {
	0x2c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xfe, 0xff, 0x03, 0x00, 0x00, 0x00, 0x41, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x77, 0x77, 0x61, 0x6e, 0x30, 0x00, 0x00, 0x00,
};

/* The same link up without carrier: flags IFF_UP|IFF_NOARP (0x81). */
static const uint8_t new_nocarrier[] = {
	0x2c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xfe, 0xff, 0x03, 0x00, 0x00, 0x00, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x77, 0x77, 0x61, 0x6e, 0x30, 0x00, 0x00, 0x00,
};

/* A dump's tail: RTM_NEWLINK for "lo" (index 1, IFLA_MTU first), then NLMSG_DONE. */
static const uint8_t dump_lo_done[] = {
	/* nlmsghdr len 48, RTM_NEWLINK, NLM_F_MULTI (2), seq 1 */
	0x30,
	0x00,
	0x00,
	0x00,
	0x10,
	0x00,
	0x02,
	0x00,
	0x01,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	/* ifinfomsg: ARPHRD_LOOPBACK (772), index 1, UP|LOOPBACK|RUNNING|LOWER_UP */
	0x00,
	0x00,
	0x04,
	0x03,
	0x01,
	0x00,
	0x00,
	0x00,
	0x49,
	0x00,
	0x01,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	/* IFLA_MTU (4) 65536 */
	0x08,
	0x00,
	0x04,
	0x00,
	0x00,
	0x00,
	0x01,
	0x00,
	/* IFLA_IFNAME "lo\0" + 1 padding */
	0x07,
	0x00,
	0x03,
	0x00,
	0x6c,
	0x6f,
	0x00,
	0x00,
	/* NLMSG_DONE (3), NLM_F_MULTI, seq 1, payload int 0 */
	0x14,
	0x00,
	0x00,
	0x00,
	0x03,
	0x00,
	0x02,
	0x00,
	0x01,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
};

/* RTM_DELLINK (17) for wwan0, flags 0. */
static const uint8_t del[] = {
	0x2c, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xfe, 0xff, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x77, 0x77, 0x61, 0x6e, 0x30, 0x00, 0x00, 0x00,
};

/* NLMSG_ERROR (2) with error -EPERM (-1) and the original header. */
static const uint8_t err_eperm[] = {
	0x24, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x14, 0x00, 0x00, 0x00,
	0x12, 0x00, 0x01, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void test_new_link_up(void **state)
{
	struct linkwatch_link st = { 0 };
	char why[32];
	bool done;

	assert_int_equal(linkwatch_parse(new_up, sizeof(new_up), "wwan0", &st, &done), 1);
	assert_false(done);
	assert_true(st.present && st.admin_up && st.carrier);
	assert_true(linkwatch_link_up(&st, why, sizeof(why)));
	assert_string_equal(why, "");
	assert_int_equal(linkwatch_parse(new_nocarrier, sizeof(new_nocarrier), "wwan0", &st, &done),
			 1);
	assert_true(st.present && st.admin_up && !st.carrier);
	assert_false(linkwatch_link_up(&st, why, sizeof(why)));
	assert_string_equal(why, "no carrier");
}

static void test_other_link_and_done(void **state)
{
	struct linkwatch_link st = { 0 };
	char why[32];
	bool done;

	assert_int_equal(linkwatch_parse(dump_lo_done, sizeof(dump_lo_done), "wwan0", &st, &done),
			 0);
	assert_true(done);
	assert_false(st.present);
	assert_false(linkwatch_link_up(&st, why, sizeof(why)));
	assert_string_equal(why, "no such link");
	/* The same datagram watching lo. */
	assert_int_equal(linkwatch_parse(dump_lo_done, sizeof(dump_lo_done), "lo", &st, &done), 1);
	assert_true(st.present && st.admin_up && st.carrier);
	/* Names are compared whole: "wwan" is not "wwan0". */
	assert_int_equal(linkwatch_parse(new_up, sizeof(new_up), "wwan", &st, &done), 0);
}

static void test_del_link(void **state)
{
	struct linkwatch_link st = { .present = true, .admin_up = true, .carrier = true };
	char why[32];
	bool done;

	assert_int_equal(linkwatch_parse(del, sizeof(del), "wwan0", &st, &done), 1);
	assert_false(st.present || st.admin_up || st.carrier);
	assert_false(linkwatch_link_up(&st, why, sizeof(why)));
	assert_string_equal(why, "no such link");
}

static void test_admin_down(void **state)
{
	uint8_t msg[sizeof(new_nocarrier)];
	struct linkwatch_link st = { 0 };
	char why[32];
	bool done;

	memcpy(msg, new_nocarrier, sizeof(msg));
	msg[24] = 0x80; /* IFF_NOARP only */
	assert_int_equal(linkwatch_parse(msg, sizeof(msg), "wwan0", &st, &done), 1);
	assert_false(linkwatch_link_up(&st, why, sizeof(why)));
	assert_string_equal(why, "link down");
}

static void test_error_reply(void **state)
{
	struct linkwatch_link st = { 0 };
	bool done;

	assert_int_equal(linkwatch_parse(err_eperm, sizeof(err_eperm), "wwan0", &st, &done),
			 -EPERM);
}

/* Found by fuzzing: an error below -MAX_ERRNO was returned as if it were an errno. */
static void test_error_out_of_range(void **state)
{
	static const int32_t bad[] = { -NL_MAX_ERRNO - 1, INT_MIN };
	uint8_t msg[sizeof(err_eperm)];
	struct linkwatch_link st = { 0 };
	bool done;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(msg, err_eperm, sizeof(msg));
		memcpy(msg + 16, &bad[i], sizeof(bad[i]));
		assert_int_equal(linkwatch_parse(msg, sizeof(msg), "wwan0", &st, &done), -EBADMSG);
	}
}

static void test_malformed(void **state)
{
	uint8_t msg[sizeof(new_up)];
	struct linkwatch_link st = { 0 };
	bool done;

	/* IFLA_IFNAME without its terminating NUL. */
	memcpy(msg, new_up, sizeof(msg));
	msg[41] = 'x';
	assert_int_equal(linkwatch_parse(msg, sizeof(msg), "wwan0", &st, &done), -EBADMSG);
	/* An attribute running past the message. */
	memcpy(msg, new_up, sizeof(msg));
	msg[32] = 0x20;
	assert_int_equal(linkwatch_parse(msg, sizeof(msg), "wwan0", &st, &done), -EBADMSG);
	/* An attribute shorter than its own header. */
	msg[32] = 0x02;
	assert_int_equal(linkwatch_parse(msg, sizeof(msg), "wwan0", &st, &done), -EBADMSG);
	/* A header claiming less than itself. */
	memcpy(msg, new_up, sizeof(msg));
	msg[0] = 0x08;
	assert_int_equal(linkwatch_parse(msg, sizeof(msg), "wwan0", &st, &done), -EBADMSG);
	assert_false(st.present);
}

/*
 * Every truncated length of each vector is rejected and changes nothing,
 * except a cut between two whole messages (a shorter, valid datagram).
 */
static void test_truncated(void **state)
{
	static const struct {
		const uint8_t *buf;
		size_t len;
		size_t boundary;
	} v[] = {
		{ new_up, sizeof(new_up), 0 },
		{ del, sizeof(del), 0 },
		{ dump_lo_done, sizeof(dump_lo_done), 48 },
		{ err_eperm, sizeof(err_eperm), 0 },
	};
	size_t i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (n = 1; n < v[i].len; n++) {
			struct linkwatch_link st = { .present = true, .carrier = true };
			bool done;
			int ret = linkwatch_parse(v[i].buf, n, "wwan0", &st, &done);

			if (n == v[i].boundary) {
				assert_int_equal(ret, 0);
				assert_false(done);
				continue;
			}
			if (ret != -EBADMSG)
				fail_msg("vector %zu truncated to %zu: %d", i, n, ret);
			assert_true(st.present && st.carrier && !st.admin_up);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_link_up), cmocka_unit_test(test_other_link_and_done),
		cmocka_unit_test(test_del_link),    cmocka_unit_test(test_admin_down),
		cmocka_unit_test(test_error_reply), cmocka_unit_test(test_error_out_of_range),
		cmocka_unit_test(test_malformed),   cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
