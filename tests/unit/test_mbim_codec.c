// SPDX-License-Identifier: GPL-2.0-or-later
/* The bench's MBIM codec against messages captured from libmbim-glib 1.28. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/bench/mbim/mbim-codec.h"

/*
 * mbim_message_connect_set_new(5, ACTIVATE, "ims", "al", "pw", 0, CHAP, IPV4,
 * IMS context) with transaction id 7, as libmbim-glib 1.28.2 encodes it.
 */
static const uint8_t connect_set[] = {
	0x03, 0x00, 0x00, 0x00, 0x7c, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa2, 0x89, 0xcc, 0x33, 0xbc, 0xbb, 0x8b, 0x4f,
	0xb6, 0xb0, 0x13, 0x3e, 0xc2, 0xaa, 0xe6, 0xdf, 0x0c, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x4c, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x3c, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x44, 0x00, 0x00, 0x00, 0x04, 0x00,
	0x00, 0x00, 0x48, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x21, 0x61, 0x0d, 0x01, 0x30, 0x74,
	0x4b, 0xce, 0x94, 0x25, 0xb5, 0x3a, 0x07, 0xd6, 0x97, 0xd6, 0x69, 0x00, 0x6d, 0x00,
	0x73, 0x00, 0x00, 0x00, 0x61, 0x00, 0x6c, 0x00, 0x70, 0x00, 0x77, 0x00,
};

/* mbim_message_open_new(2, 4096). */
static const uint8_t open_msg[] = { 0x01, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
				    0x02, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00 };

/* The CONNECT set fields, as the emulator reads them (MBIM 1.0 10.5.12). */
struct connect_set {
	uint32_t session, activation, compression, auth, ip_type;
	char apn[64], user[64], password[64];
	uint8_t context[MBIM_UUID_LEN];
};

static int parse_connect_set(const uint8_t *ib, size_t len, struct connect_set *s)
{
	struct mbim_ib r;
	int err;

	mbim_ib_init(&r, ib, len);
	err = mbim_ib_u32(&r, &s->session);
	err = err ?: mbim_ib_u32(&r, &s->activation);
	err = err ?: mbim_ib_string(&r, s->apn, sizeof(s->apn));
	err = err ?: mbim_ib_string(&r, s->user, sizeof(s->user));
	err = err ?: mbim_ib_string(&r, s->password, sizeof(s->password));
	err = err ?: mbim_ib_u32(&r, &s->compression);
	err = err ?: mbim_ib_u32(&r, &s->auth);
	err = err ?: mbim_ib_u32(&r, &s->ip_type);
	err = err ?: mbim_ib_uuid(&r, s->context);
	return err;
}

static void test_parse_connect(void **state)
{
	struct mbim_cmd c;
	struct connect_set s;

	assert_int_equal(mbim_cmd_parse(connect_set, sizeof(connect_set), &c), 0);
	assert_int_equal(c.type, MBIM_MSG_COMMAND);
	assert_int_equal(c.tid, 7);
	assert_memory_equal(c.uuid, mbim_uuid_basic_connect, MBIM_UUID_LEN);
	assert_int_equal(c.cid, 12);
	assert_int_equal(c.type_or_status, MBIM_CMD_SET);
	assert_int_equal(c.ib_len, 76);
	assert_int_equal(parse_connect_set(c.ib, c.ib_len, &s), 0);
	assert_int_equal(s.session, 5);
	assert_int_equal(s.activation, 1);
	assert_string_equal(s.apn, "ims");
	assert_string_equal(s.user, "al");
	assert_string_equal(s.password, "pw");
	assert_int_equal(s.auth, 2);
	assert_int_equal(s.ip_type, 1);
	assert_memory_equal(s.context, mbim_uuid_context_ims, MBIM_UUID_LEN);
}

static void test_build_connect(void **state)
{
	uint8_t ib[128], msg[256];
	struct mbim_ibw w;
	ssize_t n;

	mbim_ibw_init(&w, ib, sizeof(ib), 60);
	mbim_ibw_u32(&w, 5);
	mbim_ibw_u32(&w, 1);
	mbim_ibw_string(&w, "ims");
	mbim_ibw_string(&w, "al");
	mbim_ibw_string(&w, "pw");
	mbim_ibw_u32(&w, 0);
	mbim_ibw_u32(&w, 2);
	mbim_ibw_u32(&w, 1);
	mbim_ibw_uuid(&w, mbim_uuid_context_ims);
	n = mbim_ibw_finish(&w);
	assert_int_equal(n, 76);
	n = mbim_cmd_build(msg, sizeof(msg), MBIM_MSG_COMMAND, 7, mbim_uuid_basic_connect, 12,
			   MBIM_CMD_SET, ib, (size_t)n);
	assert_int_equal(n, sizeof(connect_set));
	assert_memory_equal(msg, connect_set, sizeof(connect_set));
	assert_int_equal(mbim_cmd_build(msg, sizeof(connect_set) - 1, MBIM_MSG_COMMAND, 7,
					mbim_uuid_basic_connect, 12, MBIM_CMD_SET, ib, 76),
			 -E2BIG);
}

/*
 * The information buffer of mbim_message_ip_configuration_query_new(3, 15, 0,
 * 1 x 192.0.2.2/24, gw 192.0.2.1, DNS 192.0.2.1 and 192.0.2.53, MTU 1400):
 * offset-only references to fixed-size data (MBIM 1.0 10.5.20).
 */
static const uint8_t ip_configuration[] = {
	0x03, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x48, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x78, 0x05, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x02, 0xc0, 0x00,
	0x02, 0x01, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x35,
};

static void test_build_ip_configuration(void **state)
{
	const uint8_t elem[8] = { 24, 0, 0, 0, 192, 0, 2, 2 }, gw[4] = { 192, 0, 2, 1 };
	const uint8_t dns[8] = { 192, 0, 2, 1, 192, 0, 2, 53 };
	uint8_t ib[128];
	struct mbim_ibw w;

	mbim_ibw_init(&w, ib, sizeof(ib), 60);
	mbim_ibw_u32(&w, 3);
	mbim_ibw_u32(&w, 15);
	mbim_ibw_u32(&w, 0);
	mbim_ibw_u32(&w, 1);
	mbim_ibw_data(&w, elem, sizeof(elem), false);
	mbim_ibw_u32(&w, 0);
	mbim_ibw_data(&w, NULL, 0, false); /* no IPv6 address: offset 0 */
	mbim_ibw_data(&w, gw, sizeof(gw), false);
	mbim_ibw_data(&w, NULL, 0, false);
	mbim_ibw_u32(&w, 2);
	mbim_ibw_data(&w, dns, sizeof(dns), false);
	mbim_ibw_u32(&w, 0);
	mbim_ibw_data(&w, NULL, 0, false);
	mbim_ibw_u32(&w, 1400);
	mbim_ibw_u32(&w, 0);
	assert_int_equal(mbim_ibw_finish(&w), sizeof(ip_configuration));
	assert_memory_equal(ib, ip_configuration, sizeof(ip_configuration));
	/* Too small for the variable part. */
	mbim_ibw_init(&w, ib, 16, 12);
	mbim_ibw_u32(&w, 3);
	mbim_ibw_data(&w, dns, sizeof(dns), true);
	assert_int_equal(mbim_ibw_finish(&w), -E2BIG);
}

static void test_simple(void **state)
{
	uint8_t out[16];
	struct mbim_hdr h;
	uint32_t v;

	assert_int_equal(mbim_simple_build(out, sizeof(out), MBIM_MSG_OPEN, 2, 4096), 16);
	assert_memory_equal(out, open_msg, sizeof(open_msg));
	assert_int_equal(mbim_simple_parse(open_msg, sizeof(open_msg), &h, &v), 0);
	assert_int_equal(h.type, MBIM_MSG_OPEN);
	assert_int_equal(h.tid, 2);
	assert_int_equal(v, 4096);
	assert_int_equal(mbim_simple_build(out, 15, MBIM_MSG_OPEN_DONE, 2, 0), -E2BIG);
	assert_int_equal(mbim_simple_build(out, 16, MBIM_MSG_COMMAND, 2, 0), -EINVAL);
}

/* Every truncated length of every vector is rejected, never over-read. */
static void test_truncation_sweep(void **state)
{
	struct mbim_cmd c;
	struct mbim_hdr h;
	struct connect_set s;
	uint32_t v;
	size_t n;

	for (n = 0; n < sizeof(connect_set); n++)
		assert_int_equal(mbim_cmd_parse(connect_set, n, &c), -EBADMSG);
	for (n = 0; n < sizeof(open_msg); n++)
		assert_int_equal(mbim_simple_parse(open_msg, n, &h, &v), -EBADMSG);
	/* The infobuf alone: a short buffer loses a field or a string's target. */
	for (n = 0; n < 76; n++)
		assert_int_not_equal(parse_connect_set(connect_set + 48, n, &s), 0);
	assert_int_equal(parse_connect_set(connect_set + 48, 76, &s), 0);
	for (n = 0; n < MBIM_HDR_LEN; n++)
		assert_int_equal(mbim_hdr_peek(connect_set, n, &h), -EAGAIN);
}

static void test_bad_strings(void **state)
{
	uint8_t ib[24] = { 0 };
	char out[16];
	struct mbim_ib r;

	/* Offset not 4-aligned. */
	ib[0] = 9;
	ib[4] = 2;
	mbim_ib_init(&r, ib, sizeof(ib));
	assert_int_equal(mbim_ib_string(&r, out, sizeof(out)), -EBADMSG);
	/* Odd size. */
	ib[0] = 8;
	ib[4] = 3;
	mbim_ib_init(&r, ib, sizeof(ib));
	assert_int_equal(mbim_ib_string(&r, out, sizeof(out)), -EBADMSG);
	/* Past the end. */
	ib[0] = 20;
	ib[4] = 6;
	mbim_ib_init(&r, ib, sizeof(ib));
	assert_int_equal(mbim_ib_string(&r, out, sizeof(out)), -EBADMSG);
	/* Lone low surrogate, then a valid pair U+1F600, then an embedded NUL. */
	ib[0] = 8;
	ib[4] = 2;
	ib[8] = 0x00;
	ib[9] = 0xdc;
	mbim_ib_init(&r, ib, sizeof(ib));
	assert_int_equal(mbim_ib_string(&r, out, sizeof(out)), -EBADMSG);
	ib[4] = 4;
	ib[8] = 0x3d;
	ib[9] = 0xd8;
	ib[10] = 0x00;
	ib[11] = 0xde;
	mbim_ib_init(&r, ib, sizeof(ib));
	assert_int_equal(mbim_ib_string(&r, out, sizeof(out)), 0);
	assert_string_equal(out, "\xf0\x9f\x98\x80");
	mbim_ib_init(&r, ib, sizeof(ib));
	assert_int_equal(mbim_ib_string(&r, out, 4), -E2BIG);
	ib[8] = 0;
	ib[9] = 0;
	mbim_ib_init(&r, ib, sizeof(ib));
	assert_int_equal(mbim_ib_string(&r, out, sizeof(out)), -EBADMSG);
}

static void test_writer_errors(void **state)
{
	uint8_t ib[16];
	struct mbim_ibw w;

	mbim_ibw_init(&w, ib, sizeof(ib), 8);
	mbim_ibw_string(&w, "abcdefgh"); /* 16 bytes of UTF-16 do not fit after 8 */
	assert_int_equal(mbim_ibw_finish(&w), -E2BIG);
	mbim_ibw_init(&w, ib, sizeof(ib), 8);
	mbim_ibw_string(&w, "\xc3"); /* truncated UTF-8 */
	assert_int_equal(mbim_ibw_finish(&w), -EINVAL);
	mbim_ibw_init(&w, ib, sizeof(ib), 8);
	mbim_ibw_u32(&w, 1);
	assert_int_equal(mbim_ibw_finish(&w), -EINVAL); /* fixed part not filled */
	mbim_ibw_init(&w, ib, sizeof(ib), 8);
	mbim_ibw_string(&w, "");
	assert_int_equal(mbim_ibw_finish(&w), 8);
	assert_int_equal(ib[0] | ib[4], 0);
}

static void test_fragments(void **state)
{
	uint8_t frags[512];
	struct mbim_reasm *r = test_malloc(sizeof(*r));
	const uint8_t *out = NULL;
	size_t out_len = 0, off = 0;
	ssize_t n;
	int k = 0, ret = 0;

	/* 64-byte fragments: 20 header bytes + 44 payload each; 104 payload = 3. */
	n = mbim_fragment(connect_set, sizeof(connect_set), 64, frags, sizeof(frags));
	assert_int_equal(n, 3 * 20 + 104);
	mbim_reasm_init(r);
	while (off < (size_t)n) {
		struct mbim_hdr h;

		assert_int_equal(mbim_hdr_peek(frags + off, (size_t)n - off, &h), 0);
		assert_true(h.len <= 64);
		ret = mbim_reasm_feed(r, frags + off, h.len, &out, &out_len);
		assert_true(ret >= 0);
		off += h.len;
		k++;
	}
	assert_int_equal(k, 3);
	assert_int_equal(ret, 1);
	assert_int_equal(out_len, sizeof(connect_set));
	assert_memory_equal(out, connect_set, sizeof(connect_set));

	/* Out of sequence: fragment 1 first, then 0 then 2 after 0. */
	mbim_reasm_init(r);
	assert_int_equal(mbim_reasm_feed(r, frags + 64, 64, &out, &out_len), -EPROTO);
	assert_int_equal(mbim_reasm_feed(r, frags, 64, &out, &out_len), 0);
	assert_int_equal(mbim_reasm_feed(r, frags + 128, (size_t)n - 128, &out, &out_len), -EPROTO);
	/* A fragment claiming current >= total is malformed. */
	memcpy(frags + 200, frags, 64);
	frags[216] = 3;
	assert_int_equal(mbim_reasm_feed(r, frags + 200, 64, &out, &out_len), -EBADMSG);
	/* Too small a fragment size and unfragmentable messages. */
	assert_int_equal(mbim_fragment(connect_set, sizeof(connect_set), 20, frags, sizeof(frags)),
			 -EINVAL);
	assert_int_equal(mbim_fragment(open_msg, sizeof(open_msg), 64, frags, sizeof(frags)),
			 -EINVAL);
	assert_int_equal(mbim_fragment(connect_set, sizeof(connect_set), 64, frags, 100), -E2BIG);
	test_free(r);
}

static void test_indicate(void **state)
{
	uint8_t msg[64], ib[4] = { 1, 0, 0, 0 };
	struct mbim_cmd c;
	ssize_t n;

	n = mbim_cmd_build(msg, sizeof(msg), MBIM_MSG_INDICATE_STATUS, 0, mbim_uuid_basic_connect,
			   9, 0, ib, sizeof(ib));
	assert_int_equal(n, MBIM_INDICATE_HDR_LEN + 4);
	assert_int_equal(mbim_cmd_parse(msg, (size_t)n, &c), 0);
	assert_int_equal(c.type, MBIM_MSG_INDICATE_STATUS);
	assert_int_equal(c.cid, 9);
	assert_int_equal(c.ib_len, 4);
	assert_int_equal(c.ib[0], 1);
	/* Buffer length field disagreeing with the message length. */
	msg[40] = 5;
	assert_int_equal(mbim_cmd_parse(msg, (size_t)n, &c), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_connect),
		cmocka_unit_test(test_build_connect),
		cmocka_unit_test(test_build_ip_configuration),
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_truncation_sweep),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_writer_errors),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_indicate),
	};

	return cmocka_run_group_tests_name("mbim_codec", tests, NULL, NULL);
}
