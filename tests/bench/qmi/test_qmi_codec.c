// SPDX-License-Identifier: GPL-2.0-or-later
/* QMI codec against captured frames, and every truncation of them rejected. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "qmi-codec.h"

/* libqmi 1.32's first frame on the proxy socket: CTL Internal Proxy Open (bench.md). */
static const uint8_t proxy_open[] = { 0x01, 0x17, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
				      0x00, 0xff, 0x0c, 0x00, 0x01, 0x09, 0x00, 0x2f,
				      0x64, 0x65, 0x76, 0x2f, 0x6e, 0x75, 0x6c, 0x6c };
/* Its answer: CTL response, same tid, Result TLV success. */
static const uint8_t proxy_open_resp[] = { 0x01, 0x12, 0x00, 0x80, 0x00, 0x00, 0x01,
					   0x01, 0x00, 0xff, 0x07, 0x00, 0x02, 0x04,
					   0x00, 0x00, 0x00, 0x00, 0x00 };
/* CTL Allocate CID for WDS, as qmicli sends it (tid 2). */
static const uint8_t alloc_cid[] = { 0x01, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
				     0x22, 0x00, 0x04, 0x00, 0x01, 0x01, 0x00, 0x01 };
/* WDS Get Current Settings request as qmicli 1.32 sends it (captured), mask 0xe330. */
static const uint8_t settings_req[] = { 0x01, 0x13, 0x00, 0x00, 0x01, 0x01, 0x00, 0x01, 0x00, 0x2d,
					0x00, 0x07, 0x00, 0x10, 0x04, 0x00, 0x30, 0xe3, 0x00, 0x00 };
/*
 * NAS Get Serving System response (captured from qmi-emu, decoded by qmicli
 * as registered on LTE, PLMN 001/01, cell 0x1a2b3c, TAC 17).
 */
static const uint8_t serving_resp[] = {
	0x01, 0x3c, 0x00, 0x80, 0x03, 0x01, 0x02, 0x01, 0x00, 0x24, 0x00, 0x30, 0x00,
	0x02, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x06, 0x00, 0x01, 0x01, 0x01,
	0x02, 0x01, 0x08, 0x10, 0x01, 0x00, 0x01, 0x12, 0x05, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x1d, 0x04, 0x00, 0x3c, 0x2b, 0x1a, 0x00, 0x24, 0x02, 0x00, 0x11,
	0x00, 0x27, 0x05, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
};
/* WDS Start Network response, client 5, tid 0x0102: call failed (0x0e), call end 1, verbose 3GPP 27. */
static const uint8_t start_fail[] = { 0x01, 0x1f, 0x00, 0x80, 0x01, 0x05, 0x02, 0x02,
				      0x01, 0x20, 0x00, 0x13, 0x00, 0x02, 0x04, 0x00,
				      0x01, 0x00, 0x0e, 0x00, 0x10, 0x02, 0x00, 0x01,
				      0x00, 0x11, 0x04, 0x00, 0x06, 0x00, 0x1b, 0x00 };

static void test_parse_proxy_open(void **state)
{
	struct qmi_msg m;
	char path[32];
	size_t flen = 0;

	assert_int_equal(qmi_frame_len(proxy_open, sizeof(proxy_open), &flen), 0);
	assert_int_equal(flen, sizeof(proxy_open));
	assert_int_equal(qmi_msg_parse(proxy_open, sizeof(proxy_open), &m), 0);
	assert_int_equal(m.service, QMI_SVC_CTL);
	assert_int_equal(m.client, 0);
	assert_int_equal(m.tid, 1);
	assert_int_equal(m.msg_id, 0xff00);
	assert_false(qmi_msg_is_response(&m));
	assert_int_equal(qmi_tlv_str(&m, 0x01, path, sizeof(path)), 0);
	assert_string_equal(path, "/dev/null");
	assert_int_equal(qmi_tlv_str(&m, 0x01, path, 9), -E2BIG);
	assert_int_equal(qmi_tlv_str(&m, 0x02, path, sizeof(path)), -ENOENT);
}

static void test_build_proxy_open_resp(void **state)
{
	uint8_t buf[64];
	struct qmi_builder b;
	struct qmi_msg m;
	uint16_t st = 9, err = 9;

	qmi_build_init(&b, buf, sizeof(buf), QMI_QMUX_FLAG_SERVICE, QMI_SVC_CTL, 0,
		       QMI_CTL_FLAG_RESPONSE, 1, 0xff00);
	qmi_build_result(&b, 0);
	assert_int_equal(qmi_build_finish(&b), sizeof(proxy_open_resp));
	assert_memory_equal(buf, proxy_open_resp, sizeof(proxy_open_resp));
	assert_int_equal(qmi_msg_parse(buf, sizeof(proxy_open_resp), &m), 0);
	assert_true(qmi_msg_is_response(&m));
	assert_int_equal(qmi_msg_result(&m, &st, &err), 0);
	assert_int_equal(st, 0);
	assert_int_equal(err, 0);
}

static void test_service_header(void **state)
{
	uint8_t buf[64];
	struct qmi_builder b;
	struct qmi_msg m;
	uint16_t st, err, end;
	const uint8_t *v;
	uint16_t vlen;
	uint8_t svc;

	assert_int_equal(qmi_msg_parse(alloc_cid, sizeof(alloc_cid), &m), 0);
	assert_int_equal(m.msg_id, 0x0022);
	assert_int_equal(qmi_tlv_u8(&m, 0x01, &svc), 0);
	assert_int_equal(svc, QMI_SVC_WDS);
	assert_int_equal(qmi_tlv_u16(&m, 0x01, &end), -EBADMSG);

	assert_int_equal(qmi_msg_parse(start_fail, sizeof(start_fail), &m), 0);
	assert_int_equal(m.service, QMI_SVC_WDS);
	assert_int_equal(m.client, 5);
	assert_int_equal(m.tid, 0x0102);
	assert_true(qmi_msg_is_response(&m));
	assert_false(qmi_msg_is_indication(&m));
	assert_int_equal(qmi_msg_result(&m, &st, &err), 0);
	assert_int_equal(st, 1);
	assert_int_equal(err, 0x0e);
	assert_int_equal(qmi_tlv_u16(&m, 0x10, &end), 0);
	assert_int_equal(end, 1);
	assert_int_equal(qmi_tlv_find(&m, 0x11, &v, &vlen), 0);
	assert_int_equal(vlen, 4);
	assert_int_equal(qmi_get_le16(v), 6);
	assert_int_equal(qmi_get_le16(v + 2), 27);

	qmi_build_init(&b, buf, sizeof(buf), QMI_QMUX_FLAG_SERVICE, QMI_SVC_WDS, 5,
		       QMI_SVC_FLAG_RESPONSE, 0x0102, 0x0020);
	qmi_build_result(&b, 0x0e);
	qmi_build_u16(&b, 0x10, 1);
	qmi_build_tlv_begin(&b, 0x11);
	qmi_build_put_u16(&b, 6);
	qmi_build_put_u16(&b, 27);
	qmi_build_tlv_end(&b);
	assert_int_equal(qmi_build_finish(&b), sizeof(start_fail));
	assert_memory_equal(buf, start_fail, sizeof(start_fail));
}

static void test_captured_frames(void **state)
{
	struct qmi_msg m;
	struct qmi_tlv_iter it;
	const uint8_t *v;
	uint16_t len, tac;
	uint32_t mask, cid;
	uint8_t type;
	int n = 0, r;

	assert_int_equal(qmi_msg_parse(settings_req, sizeof(settings_req), &m), 0);
	assert_int_equal(m.service, QMI_SVC_WDS);
	assert_int_equal(m.client, 1);
	assert_int_equal(m.tid, 1);
	assert_int_equal(m.msg_id, 0x002d);
	assert_int_equal(qmi_tlv_u32(&m, 0x10, &mask), 0);
	assert_int_equal(mask, 0xe330);

	assert_int_equal(qmi_msg_parse(serving_resp, sizeof(serving_resp), &m), 0);
	assert_true(qmi_msg_is_response(&m));
	assert_int_equal(m.tid, 1);
	qmi_tlv_iter_init(&it, m.tlvs, m.tlvs_len);
	while ((r = qmi_tlv_next(&it, &type, &v, &len)) > 0)
		n++;
	assert_int_equal(r, 0);
	assert_int_equal(n, 7);
	assert_int_equal(qmi_tlv_find(&m, 0x01, &v, &len), 0);
	assert_int_equal(len, 6);
	assert_int_equal(v[0], 0x01); /* registered */
	assert_int_equal(v[5], 0x08); /* LTE */
	assert_int_equal(qmi_tlv_find(&m, 0x12, &v, &len), 0);
	assert_int_equal(qmi_get_le16(v), 1);
	assert_int_equal(qmi_get_le16(v + 2), 1);
	assert_int_equal(qmi_tlv_u32(&m, 0x1d, &cid), 0);
	assert_int_equal(cid, 0x1a2b3c);
	assert_int_equal(qmi_tlv_u16(&m, 0x24, &tac), 0);
	assert_int_equal(tac, 17);
}

static void sweep(const uint8_t *frame, size_t len)
{
	struct qmi_msg m;
	size_t n, flen;

	for (n = 0; n < len; n++) {
		assert_int_not_equal(qmi_frame_len(frame, n, &flen), 0);
		assert_int_equal(qmi_msg_parse(frame, n, &m), -EBADMSG);
	}
}

static void test_truncation_sweep(void **state)
{
	sweep(proxy_open, sizeof(proxy_open));
	sweep(proxy_open_resp, sizeof(proxy_open_resp));
	sweep(alloc_cid, sizeof(alloc_cid));
	sweep(start_fail, sizeof(start_fail));
	sweep(settings_req, sizeof(settings_req));
	sweep(serving_resp, sizeof(serving_resp));
}

static void test_inner_lengths_checked(void **state)
{
	uint8_t f[sizeof(start_fail)];
	struct qmi_msg m;
	size_t flen;

	/* A TLV that claims one byte more than the block holds. */
	memcpy(f, start_fail, sizeof(f));
	f[sizeof(f) - 6] = 0x05;
	assert_int_equal(qmi_msg_parse(f, sizeof(f), &m), -EBADMSG);
	/* TLV block length disagreeing with the QMUX length. */
	memcpy(f, start_fail, sizeof(f));
	f[11] = 0x15;
	assert_int_equal(qmi_msg_parse(f, sizeof(f), &m), -EBADMSG);
	/* Not a QMUX frame at all, and a length too short for any header. */
	memcpy(f, start_fail, sizeof(f));
	f[0] = 0x02;
	assert_int_equal(qmi_frame_len(f, sizeof(f), &flen), -EBADMSG);
	assert_int_equal(qmi_msg_parse(f, sizeof(f), &m), -EBADMSG);
	f[0] = 0x01;
	f[1] = 0x04;
	f[2] = 0x00;
	assert_int_equal(qmi_frame_len(f, sizeof(f), &flen), -EBADMSG);
	/* Two frames back to back: the first one's length only. */
	{
		uint8_t two[sizeof(alloc_cid) * 2];

		memcpy(two, alloc_cid, sizeof(alloc_cid));
		memcpy(two + sizeof(alloc_cid), alloc_cid, sizeof(alloc_cid));
		assert_int_equal(qmi_frame_len(two, sizeof(two), &flen), 0);
		assert_int_equal(flen, sizeof(alloc_cid));
	}
}

static void test_builder_overflow(void **state)
{
	uint8_t buf[16];
	struct qmi_builder b;

	qmi_build_init(&b, buf, sizeof(buf), 0, QMI_SVC_WDS, 1, 0, 1, 0x0020);
	qmi_build_str(&b, 0x14, "a-much-too-long-apn.example");
	qmi_build_u8(&b, 0x19, 4);
	assert_int_equal(qmi_build_finish(&b), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_proxy_open),
		cmocka_unit_test(test_build_proxy_open_resp),
		cmocka_unit_test(test_service_header),
		cmocka_unit_test(test_captured_frames),
		cmocka_unit_test(test_truncation_sweep),
		cmocka_unit_test(test_inner_lengths_checked),
		cmocka_unit_test(test_builder_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
