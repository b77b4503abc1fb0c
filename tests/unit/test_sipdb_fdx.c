// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Diameter helpers of the bench SIP databases (tests/bench/sipdb/fdx.c) on
 * freeDiameter's real dictionary and message code: the Cx/Sh definitions,
 * deep copies of grouped AVPs (the partner's MAR/MAA proxy) and the answer
 * accessors.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/bench/sipdb/fdx.h"

static int setup(void **state)
{
	/* The dictionary without the extensions: fdx defines what lacks. */
	fd_g_debug_lvl = FD_LOG_ERROR;
	if (fd_core_initialize() || fdx_dict_init())
		return -1;
	return 0;
}

static void test_dictionary(void **state)
{
	struct dict_cmd_data cmd;
	struct dict_avp_data avp;

	assert_int_equal(fd_dict_getval(fdx.mar, &cmd), 0);
	assert_int_equal(cmd.cmd_code, 303);
	assert_true(cmd.cmd_flag_val & CMD_FLAG_REQUEST);
	assert_int_equal(fd_dict_getval(fdx.uda, &cmd), 0);
	assert_int_equal(cmd.cmd_code, 306);
	assert_false(cmd.cmd_flag_val & CMD_FLAG_REQUEST);
	assert_int_equal(fd_dict_getval(fdx.sip_auth_data_item, &avp), 0);
	assert_int_equal(avp.avp_code, 612);
	assert_int_equal(avp.avp_vendor, 10415);
	assert_int_equal(avp.avp_basetype, AVP_TYPE_GROUPED);
	assert_int_equal(fd_dict_getval(fdx.service_indication, &avp), 0);
	assert_int_equal(avp.avp_code, 704);
	assert_int_equal(fd_dict_getval(fdx.user_name, &avp), 0);
	assert_int_equal(avp.avp_code, 1);
	assert_int_equal(avp.avp_vendor, 0);
	/* Idempotent: a second call resolves what the first defined. */
	assert_int_equal(fdx_dict_init(), 0);
}

static struct msg *new_maa(void)
{
	static const uint8_t rand_autn[32] = { 1, 2, 3, [31] = 0xff };
	static const uint8_t xres[8] = { 0xa5, 0x42, 0x00, 0xd5, 0, 0, 0, 1 };
	static const uint8_t key[16] = { 0xb4, [15] = 0xcb };
	struct avp *item;
	struct msg *m;

	assert_int_equal(fd_msg_new(fdx.maa, 0, &m), 0);
	assert_int_equal(fdx_add_cstr(m, fdx.user_name, "mig-1@ims.primary.example"), 0);
	assert_int_equal(fdx_add_cstr(m, fdx.public_identity, "sip:mig-1@ims.primary.example"), 0);
	assert_int_equal(fdx_add_cstr(m, fdx.server_name, "sip:scscf.example"), 0);
	assert_int_equal(fdx_add_u32(m, fdx.sip_number_auth_items, 1), 0);
	assert_int_equal(fd_msg_avp_new(fdx.sip_auth_data_item, 0, &item), 0);
	assert_int_equal(fdx_add_u32(item, fdx.sip_item_number, 1), 0);
	assert_int_equal(fdx_add_cstr(item, fdx.sip_auth_scheme, "Digest-AKAv1-MD5"), 0);
	assert_int_equal(fdx_add_str(item, fdx.sip_authenticate, rand_autn, 32), 0);
	assert_int_equal(fdx_add_str(item, fdx.sip_authorization, xres, 8), 0);
	assert_int_equal(fdx_add_str(item, fdx.confidentiality_key, key, 16), 0);
	assert_int_equal(fdx_add_str(item, fdx.integrity_key, key, 16), 0);
	assert_int_equal(fd_msg_avp_add(m, MSG_BRW_LAST_CHILD, item), 0);
	assert_int_equal(fdx_set_result(m, FDX_SUCCESS, false), 0);
	return m;
}

static uint32_t code_of(struct avp *a)
{
	struct avp_hdr *h;

	assert_int_equal(fd_msg_avp_hdr(a, &h), 0);
	return h->avp_code;
}

/* The proxy's copy: only the listed AVPs, in order, deep (the source can
 * go away), binary values intact (an XRES may hold 00 bytes). */
static void test_copy_children(void **state)
{
	static const uint32_t codes[] = { 607, 612 };
	struct msg *src = new_maa(), *dst;
	struct avp *a = NULL, *item;
	const uint8_t *v;
	uint32_t u;
	size_t len, n = 0;

	assert_int_equal(fd_msg_new(fdx.maa, 0, &dst), 0);
	assert_int_equal(fdx_copy_children(dst, src, FDX_VENDOR_3GPP, codes, 2), 0);
	fd_msg_free(src);

	assert_int_equal(fd_msg_browse(dst, MSG_BRW_FIRST_CHILD, &a, NULL), 0);
	for (; a; fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL))
		assert_int_equal(code_of(a), codes[n++]);
	assert_int_equal(n, 2);
	assert_int_equal(fdx_get_u32(dst, fdx.sip_number_auth_items, &u), 0);
	assert_int_equal(u, 1);
	item = fdx_find(dst, fdx.sip_auth_data_item);
	assert_non_null(item);
	v = fdx_get_str(item, fdx.sip_authorization, &len);
	assert_non_null(v);
	assert_int_equal(len, 8);
	assert_memory_equal(v, ((const uint8_t[]){ 0xa5, 0x42, 0x00, 0xd5, 0, 0, 0, 1 }), 8);
	v = fdx_get_str(item, fdx.sip_authenticate, &len);
	assert_int_equal(len, 32);
	assert_int_equal(v[31], 0xff);
	v = fdx_get_str(item, fdx.sip_auth_scheme, &len);
	assert_int_equal(len, 16);
	assert_memory_equal(v, "Digest-AKAv1-MD5", 16);
	assert_int_equal(fdx_get_u32(item, fdx.sip_item_number, &u), 0);
	assert_int_equal(u, 1);
	assert_non_null(fdx_get_str(item, fdx.integrity_key, &len));
	assert_int_equal(len, 16);
	/* Nothing that was not asked for. */
	assert_null(fdx_find(dst, fdx.user_name));
	assert_null(fdx_find(dst, fdx.result_code));
	fd_msg_free(dst);
}

static void test_result(void **state)
{
	struct msg *m = new_maa();
	uint32_t code;
	bool exp;

	assert_int_equal(fdx_result(m, &code, &exp), 0);
	assert_int_equal(code, 2001);
	assert_false(exp);
	fd_msg_free(m);

	assert_int_equal(fd_msg_new(fdx.maa, 0, &m), 0);
	assert_int_equal(fdx_result(m, &code, &exp), -ENOENT);
	assert_int_equal(fdx_set_result(m, FDX_ERROR_USER_UNKNOWN, true), 0);
	assert_int_equal(fdx_result(m, &code, &exp), 0);
	assert_int_equal(code, 5001);
	assert_true(exp);
	fd_msg_free(m);
}

static void test_copy_cstr(void **state)
{
	static const char nul[] = { 'a', 0, 'b' };
	struct msg *m = new_maa();
	char buf[64];

	assert_int_equal(fdx_copy_cstr(m, fdx.user_name, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "mig-1@ims.primary.example");
	assert_int_equal(fdx_copy_cstr(m, fdx.user_name, buf, 26), 0);
	assert_int_equal(fdx_copy_cstr(m, fdx.user_name, buf, 25), -ENAMETOOLONG);
	assert_int_equal(fdx_copy_cstr(m, fdx.service_indication, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(fdx_add_str(m, fdx.service_indication, nul, sizeof(nul)), 0);
	assert_int_equal(fdx_copy_cstr(m, fdx.service_indication, buf, sizeof(buf)), -ENAMETOOLONG);
	fd_msg_free(m);
}

/* cdp's CER sometimes lacks Host-IP-Address: the rule becomes optional. */
static void test_cer_rule(void **state)
{
	command_code_t code = 257;
	avp_code_t hip_code = 257;
	struct dict_object *cer, *hip, *rule;
	struct dict_rule_request q;
	struct dict_rule_data r;

	assert_int_equal(fd_dict_search(fd_g_config->cnf_dict, DICT_COMMAND, CMD_BY_CODE_R, &code,
					&cer, ENOENT),
			 0);
	assert_int_equal(fd_dict_search(fd_g_config->cnf_dict, DICT_AVP, AVP_BY_CODE, &hip_code,
					&hip, ENOENT),
			 0);
	q.rule_parent = cer;
	q.rule_avp = hip;
	assert_int_equal(fd_dict_search(fd_g_config->cnf_dict, DICT_RULE, RULE_BY_AVP_AND_PARENT,
					&q, &rule, ENOENT),
			 0);
	assert_int_equal(fd_dict_getval(rule, &r), 0);
	assert_int_equal(r.rule_position, RULE_REQUIRED); /* RFC 6733 5.3.1 */
	assert_int_equal(fdx_accept_cer_without_host_ip(), 0);
	assert_int_equal(fd_dict_search(fd_g_config->cnf_dict, DICT_RULE, RULE_BY_AVP_AND_PARENT,
					&q, &rule, ENOENT),
			 0);
	assert_int_equal(fd_dict_getval(rule, &r), 0);
	assert_int_equal(r.rule_min, 0);
	assert_int_equal(r.rule_position, RULE_OPTIONAL);
	/* Idempotent. */
	assert_int_equal(fdx_accept_cer_without_host_ip(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dictionary), cmocka_unit_test(test_copy_children),
		cmocka_unit_test(test_result),	   cmocka_unit_test(test_copy_cstr),
		cmocka_unit_test(test_cer_rule),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
