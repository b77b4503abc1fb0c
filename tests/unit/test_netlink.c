// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netlink.h"

/* Host byte order is little endian on every target we build for (x86-64, arm64). */
static void test_build_newaddr(void **state)
{
	static const uint8_t want[] = {
		/* nlmsghdr: len 48, RTM_NEWADDR 20, REQUEST|ACK|CREATE|REPLACE, seq 7, pid 0 */
		0x30,
		0x00,
		0x00,
		0x00,
		0x14,
		0x00,
		0x05,
		0x05,
		0x07,
		0x00,
		0x00,
		0x00,
		0x00,
		0x00,
		0x00,
		0x00,
		/* ifaddrmsg: AF_INET, /24, flags 0, scope 0, index 3 */
		0x02,
		0x18,
		0x00,
		0x00,
		0x03,
		0x00,
		0x00,
		0x00,
		/* IFA_LOCAL 198.51.100.2 */
		0x08,
		0x00,
		0x02,
		0x00,
		0xc6,
		0x33,
		0x64,
		0x02,
		/* IFA_ADDRESS 198.51.100.2 */
		0x08,
		0x00,
		0x01,
		0x00,
		0xc6,
		0x33,
		0x64,
		0x02,
		/* IFLA-style u32 attribute type 8 (IFA_FLAGS) = 0x40 */
		0x08,
		0x00,
		0x08,
		0x00,
		0x40,
		0x00,
		0x00,
		0x00,
	};
	static const uint8_t addr[4] = { 198, 51, 100, 2 };
	uint8_t buf[128];
	struct ifaddrmsg *ifa;
	struct nl_msg m;

	nl_msg_begin(&m, buf, sizeof(buf), RTM_NEWADDR,
		     NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, 7);
	ifa = nl_msg_put_hdr(&m, sizeof(*ifa));
	assert_non_null(ifa);
	ifa->ifa_family = 2;
	ifa->ifa_prefixlen = 24;
	ifa->ifa_index = 3;
	nl_msg_put_attr(&m, IFA_LOCAL, addr, 4);
	nl_msg_put_attr(&m, IFA_ADDRESS, addr, 4);
	nl_msg_put_u32(&m, IFA_FLAGS, 0x40);
	assert_int_equal(nl_msg_end(&m), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_build_pads_attributes(void **state)
{
	uint8_t buf[64];
	struct nl_msg m;

	nl_msg_begin(&m, buf, sizeof(buf), RTM_NEWLINK, NLM_F_REQUEST, 1);
	nl_msg_put_attr(&m, IFLA_IFNAME, "wwan1", 6);
	assert_int_equal(nl_msg_end(&m), 16 + 12);
	assert_int_equal(buf[16], 10); /* rta_len excludes the padding */
	assert_memory_equal(buf + 20, "wwan1\0\0\0", 8);
}

/* Every buffer shorter than the message is refused, never overrun. */
static void test_build_overflow_sweep(void **state)
{
	uint8_t full[128], buf[128];
	struct nl_msg m;
	size_t size;
	int len;

	nl_msg_begin(&m, full, sizeof(full), RTM_NEWROUTE, NLM_F_REQUEST, 1);
	assert_non_null(nl_msg_put_hdr(&m, sizeof(struct rtmsg)));
	nl_msg_put_u32(&m, RTA_OIF, 4);
	nl_msg_put_attr(&m, RTA_DST, "\xc6\x33\x64\x01", 4);
	len = nl_msg_end(&m);
	assert_int_equal(len, 16 + 12 + 8 + 8);
	for (size = 0; size < (size_t)len; size++) {
		memset(buf, 0xee, sizeof(buf));
		nl_msg_begin(&m, buf, size, RTM_NEWROUTE, NLM_F_REQUEST, 1);
		nl_msg_put_hdr(&m, sizeof(struct rtmsg));
		nl_msg_put_u32(&m, RTA_OIF, 4);
		nl_msg_put_attr(&m, RTA_DST, "\xc6\x33\x64\x01", 4);
		assert_int_equal(nl_msg_end(&m), -EMSGSIZE);
		assert_int_equal(buf[size], 0xee);
	}
}

/* `ip link add link wwan0 name rmnet2 type rmnet mux_id 2` with wwan0 at ifindex 3. */
static const uint8_t rmnet_newlink[] = {
	/* nlmsghdr: len 80, RTM_NEWLINK 16, REQUEST|ACK|EXCL|CREATE, seq 9, pid 0 */
	0x50,
	0x00,
	0x00,
	0x00,
	0x10,
	0x00,
	0x05,
	0x06,
	0x09,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	/* ifinfomsg: AF_UNSPEC, no index, no flags */
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
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	/* IFLA_IFNAME (3) "rmnet2\0", padded */
	0x0b,
	0x00,
	0x03,
	0x00,
	'r',
	'm',
	'n',
	'e',
	't',
	'2',
	0x00,
	0x00,
	/* IFLA_LINK (5) 3 */
	0x08,
	0x00,
	0x05,
	0x00,
	0x03,
	0x00,
	0x00,
	0x00,
	/* IFLA_LINKINFO (18), 28 bytes: IFLA_INFO_KIND (1) "rmnet\0", padded */
	0x1c,
	0x00,
	0x12,
	0x00,
	0x0a,
	0x00,
	0x01,
	0x00,
	'r',
	'm',
	'n',
	'e',
	't',
	0x00,
	0x00,
	0x00,
	/* IFLA_INFO_DATA (2) { IFLA_RMNET_MUX_ID (1) u16 2, padded } */
	0x0c,
	0x00,
	0x02,
	0x00,
	0x06,
	0x00,
	0x01,
	0x00,
	0x02,
	0x00,
	0x00,
	0x00,
};

static void test_build_rmnet_newlink(void **state)
{
	uint8_t buf[256];

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(nl_build_rmnet_newlink(buf, sizeof(buf), 9, "rmnet2", 3, 2),
			 sizeof(rmnet_newlink));
	assert_memory_equal(buf, rmnet_newlink, sizeof(rmnet_newlink));
	assert_int_equal(buf[sizeof(rmnet_newlink)], 0xee);
}

/* Every buffer too short for the nested attributes is refused, never overrun. */
static void test_build_rmnet_newlink_sweep(void **state)
{
	uint8_t buf[sizeof(rmnet_newlink) + 1];
	size_t size;

	for (size = 0; size < sizeof(rmnet_newlink); size++) {
		memset(buf, 0xee, sizeof(buf));
		assert_int_equal(nl_build_rmnet_newlink(buf, size, 9, "rmnet2", 3, 2), -EMSGSIZE);
		assert_int_equal(buf[size], 0xee);
	}
}

/* An ACK (error 0) to seq 5, capped (no echoed request). */
static const uint8_t ack[] = {
	0x24,
	0x00,
	0x00,
	0x00,
	0x02,
	0x00,
	0x00,
	0x01,
	0x05,
	0x00,
	0x00,
	0x00,
	0x99,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	/* the request's header */
	0x20,
	0x00,
	0x00,
	0x00,
	0x14,
	0x00,
	0x05,
	0x05,
	0x05,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
};

/* -EEXIST (-17) to seq 9, capped, with an extended-ACK message. */
static const uint8_t nack[] = {
	0x34,
	0x00,
	0x00,
	0x00,
	0x02,
	0x00,
	0x00,
	0x03,
	0x09,
	0x00,
	0x00,
	0x00,
	0x99,
	0x00,
	0x00,
	0x00,
	0xef,
	0xff,
	0xff,
	0xff,
	0x20,
	0x00,
	0x00,
	0x00,
	0x18,
	0x00,
	0x05,
	0x05,
	0x09,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	/* NLMSGERR_ATTR_MSG "File exist" */
	0x0f,
	0x00,
	0x01,
	0x00,
	'F',
	'i',
	'l',
	'e',
	' ',
	'e',
	'x',
	'i',
	's',
	't',
	0x00,
	0x00,
};

static void test_parse_ack(void **state)
{
	char text[32];
	int err = 1;

	assert_int_equal(nl_parse_ack(ack, sizeof(ack), 5, &err, text, sizeof(text)), 0);
	assert_int_equal(err, 0);
	assert_string_equal(text, "");
	assert_int_equal(nl_parse_ack(ack, sizeof(ack), 6, &err, text, sizeof(text)), -ENOMSG);
	assert_int_equal(nl_parse_ack(nack, sizeof(nack), 9, &err, text, sizeof(text)), 0);
	assert_int_equal(err, -EEXIST);
	assert_string_equal(text, "File exist");
	/* A short text buffer truncates the kernel's text, NUL-terminated. */
	assert_int_equal(nl_parse_ack(nack, sizeof(nack), 9, &err, text, 5), 0);
	assert_string_equal(text, "File");
}

static void test_parse_uncapped_error(void **state)
{
	/* -ENODEV (-19) to seq 2, not capped: the whole 20-byte request is echoed. */
	static const uint8_t m[] = {
		0x28, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x99, 0x00,
		0x00, 0x00, 0xed, 0xff, 0xff, 0xff, 0x14, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04,
	};
	char text[8];
	int err = 0;

	assert_int_equal(nl_parse_ack(m, sizeof(m), 2, &err, text, sizeof(text)), 0);
	assert_int_equal(err, -ENODEV);
}

/* Found by fuzzing: an error below -MAX_ERRNO was handed on, -INT_MIN to strerror(-err). */
static void test_parse_error_out_of_range(void **state)
{
	static const int bad[] = { -NL_MAX_ERRNO - 1, -55827, INT_MIN };
	uint8_t m[sizeof(nack)];
	int32_t e;
	size_t i;
	int err = 1;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(m, nack, sizeof(m));
		e = bad[i];
		memcpy(m + 16, &e, sizeof(e));
		assert_int_equal(nl_parse_ack(m, sizeof(m), 9, &err, NULL, 0), -EBADMSG);
	}
	memcpy(m, nack, sizeof(m));
	e = -NL_MAX_ERRNO;
	memcpy(m + 16, &e, sizeof(e));
	assert_int_equal(nl_parse_ack(m, sizeof(m), 9, &err, NULL, 0), 0);
	assert_int_equal(err, -NL_MAX_ERRNO);
}

static void test_parse_skips_other_messages(void **state)
{
	uint8_t two[16 + sizeof(ack)];
	int err = 1;

	/* An unrelated NLMSG_NOOP first, then the ACK. */
	memset(two, 0, 16);
	two[0] = 16;
	two[4] = NLMSG_NOOP;
	memcpy(two + 16, ack, sizeof(ack));
	assert_int_equal(nl_parse_ack(two, sizeof(two), 5, &err, NULL, 0), 0);
	assert_int_equal(err, 0);
}

/* Every truncated length of the replies is rejected, never read past. */
static void test_parse_truncation_sweep(void **state)
{
	uint8_t copy[sizeof(nack)];
	char text[32];
	size_t len;
	int err;

	for (len = 0; len < sizeof(ack); len++) {
		memcpy(copy, ack, len);
		assert_int_not_equal(nl_parse_ack(copy, len, 5, &err, text, sizeof(text)), 0);
	}
	for (len = 0; len < sizeof(nack); len++) {
		memcpy(copy, nack, len);
		assert_int_not_equal(nl_parse_ack(copy, len, 9, &err, text, sizeof(text)), 0);
	}
}

static void test_parse_rejects_bad_lengths(void **state)
{
	uint8_t m[sizeof(nack)];
	int err;

	memcpy(m, nack, sizeof(m));
	m[0] = 8; /* shorter than a header */
	assert_int_equal(nl_parse_ack(m, sizeof(m), 9, &err, NULL, 0), -EBADMSG);
	memcpy(m, nack, sizeof(m));
	m[36] = 0x40; /* attribute longer than the message */
	assert_int_equal(nl_parse_ack(m, sizeof(m), 9, &err, NULL, 0), -EBADMSG);
	memcpy(m, nack, sizeof(m));
	m[16] = 1; /* positive error: not a kernel answer */
	m[17] = m[18] = m[19] = 0;
	assert_int_equal(nl_parse_ack(m, sizeof(m), 9, &err, NULL, 0), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_newaddr),
		cmocka_unit_test(test_build_pads_attributes),
		cmocka_unit_test(test_build_overflow_sweep),
		cmocka_unit_test(test_build_rmnet_newlink),
		cmocka_unit_test(test_build_rmnet_newlink_sweep),
		cmocka_unit_test(test_parse_ack),
		cmocka_unit_test(test_parse_uncapped_error),
		cmocka_unit_test(test_parse_error_out_of_range),
		cmocka_unit_test(test_parse_skips_other_messages),
		cmocka_unit_test(test_parse_truncation_sweep),
		cmocka_unit_test(test_parse_rejects_bad_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
