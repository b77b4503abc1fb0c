// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * UICC codecs against byte vectors: ims-aka.txt example A (AUTHENTICATE
 * C-APDU, success and sync-failure R-APDUs, MAC failure), hand-made EF_DIR,
 * ISIM and USIM records, and a sweep proving every truncated length of every
 * response is rejected.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "uicc-codec.h"
#include "util.h"

static void hex(const char *h, uint8_t *out, size_t *len)
{
	assert_int_equal(util_hex_decode_var(h, out, 512, len), 0);
}

/* ims-aka.txt example A */
#define A_RAND "23553cbe9637a89d218ae64dae47bf35"
#define A_AUTN "55f328b43577b9b94a9ffac354dfafb3"
#define A_CAPDU      \
	"0088008122" \
	"10" A_RAND "10" A_AUTN "00"
#define A_RES	     "a54211d5e3ba50bf"
#define A_CK	     "b40ba9a3c58b2a05bbf0d987b21bf8cb"
#define A_IK	     "f769bcd751044604127672711c6d3441"
#define A_RAPDU	     "db08" A_RES "10" A_CK "10" A_IK "9000"
#define A_AUTS	     "451e8beca41bf8ee589d46d835c9"
#define A_RAPDU_SYNC "dc0e" A_AUTS "9000"

static void test_authenticate_apdu(void **state)
{
	uint8_t rand[16], autn[16], want[64], out[64];
	size_t wl;

	assert_int_equal(util_hex_decode(A_RAND, rand, 16), 0);
	assert_int_equal(util_hex_decode(A_AUTN, autn, 16), 0);
	hex(A_CAPDU, want, &wl);
	assert_int_equal(uicc_apdu_authenticate(0x00, UICC_AUTH_P2_IMS, rand, autn, out,
						sizeof(out)),
			 (int)wl);
	assert_memory_equal(out, want, wl);
	/* Channel 1: CLA 01; too small a buffer is refused. */
	assert_int_equal(uicc_apdu_authenticate(uicc_cla(0, 1), 0x81, rand, autn, out, sizeof(out)),
			 (int)wl);
	assert_int_equal(out[0], 0x01);
	assert_int_equal(uicc_apdu_authenticate(0, 0x81, rand, autn, out, wl - 1), -ENOSPC);
}

static void test_other_apdus(void **state)
{
	static const uint8_t aid[] = { 0xa0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x04, 0xff, 0x49 };
	uint8_t out[32], want[32];
	size_t wl;

	hex("00a4040409a0000000871004ff4900", want, &wl);
	assert_int_equal(uicc_apdu_select_aid(0, aid, sizeof(aid), out, sizeof(out)), (int)wl);
	assert_memory_equal(out, want, wl);
	hex("02a40004026f0400", want, &wl);
	assert_int_equal(uicc_apdu_select_fid(uicc_cla(0, 2), 0x6f04, out, sizeof(out)), (int)wl);
	assert_memory_equal(out, want, wl);
	hex("00b2030420", want, &wl);
	assert_int_equal(uicc_apdu_read_record(0, 3, 0x20, out, sizeof(out)), (int)wl);
	assert_memory_equal(out, want, wl);
	assert_int_equal(uicc_apdu_read_record(0, 0, 0x20, out, sizeof(out)), -EINVAL);
	hex("00b0010010", want, &wl);
	assert_int_equal(uicc_apdu_read_binary(0, 0x100, 0x10, out, sizeof(out)), (int)wl);
	assert_memory_equal(out, want, wl);
	hex("00c0000022", want, &wl);
	assert_int_equal(uicc_apdu_get_response(0, 0x22, out, sizeof(out)), (int)wl);
	assert_memory_equal(out, want, wl);
	hex("0070000001", want, &wl);
	assert_int_equal(uicc_apdu_manage_channel_open(out, sizeof(out)), (int)wl);
	assert_memory_equal(out, want, wl);
	hex("43708007", want, &wl);
	assert_int_equal(uicc_apdu_manage_channel_close(7, out, sizeof(out)), (int)wl);
	assert_memory_equal(out, want, wl);
	assert_int_equal(uicc_apdu_manage_channel_close(0, out, sizeof(out)), -EINVAL);
}

static void test_cla(void **state)
{
	assert_int_equal(uicc_cla(0x00, 0), 0x00);
	assert_int_equal(uicc_cla(0x00, 3), 0x03);
	assert_int_equal(uicc_cla(0x00, 4), 0x40);
	assert_int_equal(uicc_cla(0x00, 19), 0x4f);
	assert_int_equal(uicc_cla(0x80, 2), 0x82);
	assert_int_equal(uicc_cla(0x80, 5), 0xc1);
}

static void test_auth_success(void **state)
{
	struct uicc_auth_result r;
	uint8_t buf[128], want[16];
	size_t len, i;
	uint16_t sw;

	hex(A_RAPDU, buf, &len);
	assert_int_equal(uicc_auth_parse(buf, len, &r, &sw), 0);
	assert_int_equal(sw, 0x9000);
	assert_int_equal(r.status, UICC_AUTH_OK);
	assert_int_equal(r.res_len, 8);
	assert_int_equal(util_hex_decode(A_RES, want, 8), 0);
	assert_memory_equal(r.res, want, 8);
	assert_int_equal(util_hex_decode(A_CK, want, 16), 0);
	assert_memory_equal(r.ck, want, 16);
	assert_int_equal(util_hex_decode(A_IK, want, 16), 0);
	assert_memory_equal(r.ik, want, 16);
	/* Every truncation: the SW moves into the data, or the data runs short. */
	for (i = 0; i < len; i++) {
		uint8_t t[128];

		memcpy(t, buf, i);
		if (i >= 2) {
			t[i - 2] = 0x90;
			t[i - 1] = 0x00;
		}
		assert_int_equal(uicc_auth_parse(t, i, &r, &sw), -EBADMSG);
	}
	/* A USIM's trailing 08 Kc is accepted; other trailing bytes are not. */
	hex("db08" A_RES "10" A_CK "10" A_IK "080102030405060708"
	    "9000",
	    buf, &len);
	assert_int_equal(uicc_auth_parse(buf, len, &r, &sw), 0);
	hex("db08" A_RES "10" A_CK "10" A_IK "00"
	    "9000",
	    buf, &len);
	assert_int_equal(uicc_auth_parse(buf, len, &r, &sw), -EBADMSG);
}

static void test_auth_res_lengths(void **state)
{
	struct uicc_auth_result r;
	uint8_t buf[128];
	size_t len, rl;
	uint16_t sw;

	for (rl = 0; rl <= 17; rl++) {
		len = 0;
		buf[len++] = 0xdb;
		buf[len++] = (uint8_t)rl;
		memset(buf + len, 0x00, rl); /* binary RES, zero bytes included */
		len += rl;
		buf[len++] = 16;
		memset(buf + len, 0xcc, 16);
		len += 16;
		buf[len++] = 16;
		memset(buf + len, 0x11, 16);
		len += 16;
		buf[len++] = 0x90;
		buf[len++] = 0x00;
		if (rl >= 4 && rl <= 16) {
			assert_int_equal(uicc_auth_parse(buf, len, &r, &sw), 0);
			assert_int_equal(r.res_len, rl);
		} else {
			assert_int_equal(uicc_auth_parse(buf, len, &r, &sw), -EBADMSG);
		}
	}
}

static void test_auth_sync_mac_other(void **state)
{
	struct uicc_auth_result r;
	uint8_t buf[64], auts[14];
	size_t len, i;
	uint16_t sw;

	hex(A_RAPDU_SYNC, buf, &len);
	assert_int_equal(uicc_auth_parse(buf, len, &r, &sw), 0);
	assert_int_equal(r.status, UICC_AUTH_SYNC_FAILURE);
	assert_int_equal(util_hex_decode(A_AUTS, auts, 14), 0);
	assert_memory_equal(r.auts, auts, 14);
	for (i = 0; i < len; i++) {
		uint8_t t[64];

		memcpy(t, buf, i);
		if (i >= 2) {
			t[i - 2] = 0x90;
			t[i - 1] = 0x00;
		}
		assert_int_equal(uicc_auth_parse(t, i, &r, &sw), -EBADMSG);
	}
	hex("9862", buf, &len);
	assert_int_equal(uicc_auth_parse(buf, len, &r, &sw), 0);
	assert_int_equal(r.status, UICC_AUTH_MAC_FAILURE);
	assert_int_equal(sw, 0x9862);
	hex("9864", buf, &len);
	assert_int_equal(uicc_auth_parse(buf, len, &r, &sw), -EPROTO);
	assert_int_equal(sw, 0x9864);
	hex("6982", buf, &len);
	assert_int_equal(uicc_auth_parse(buf, len, &r, &sw), -EPROTO);
	assert_int_equal(sw, 0x6982);
	hex("9000", buf, &len);
	assert_int_equal(uicc_auth_parse(buf, len, &r, &sw), -EBADMSG);
	hex("dd009000", buf, &len);
	assert_int_equal(uicc_auth_parse(buf, len, &r, &sw), -EBADMSG);
}

static void test_tlv(void **state)
{
	const uint8_t *v;
	uint8_t buf[300];
	size_t len, vl, used;
	uint32_t tag;

	/* Long forms 81 and 82, then FF padding. */
	hex("8081050102030405", buf, &len);
	assert_int_equal(uicc_tlv_next(buf, len, &tag, &v, &vl, &used), 0);
	assert_int_equal(tag, 0x80);
	assert_int_equal(vl, 5);
	assert_int_equal(used, 8);
	memset(buf, 0xab, sizeof(buf));
	buf[0] = 0x80;
	buf[1] = 0x82;
	buf[2] = 0x01;
	buf[3] = 0x00;
	assert_int_equal(uicc_tlv_next(buf, 260, &tag, &v, &vl, &used), 0);
	assert_int_equal(vl, 256);
	assert_int_equal(uicc_tlv_next(buf, 259, &tag, &v, &vl, &used), -EBADMSG);
	/* Two-byte tag (5F 2D) and search past it. */
	hex("5f2d02656e5001417f", buf, &len);
	assert_int_equal(uicc_tlv_next(buf, len, &tag, &v, &vl, &used), 0);
	assert_int_equal(tag, 0x5f2d);
	assert_int_equal(uicc_tlv_find(buf, len, 0x50, &v, &vl), 0);
	assert_int_equal(vl, 1);
	assert_int_equal(v[0], 'A');
	/* Every truncation of a long-form TLV and of a two-byte tag. */
	hex("80810501020304055f2d02656e", buf, &len);
	for (vl = 0; vl < 8; vl++)
		assert_int_equal(uicc_tlv_next(buf, vl, &tag, &v, &used, &used),
				 vl == 0 ? -ENOENT : -EBADMSG);
	for (vl = 0; vl < 5; vl++)
		assert_int_equal(uicc_tlv_next(buf + 8, vl, &tag, &v, &used, &used),
				 vl == 0 ? -ENOENT : -EBADMSG);
	hex("ffff", buf, &len);
	assert_int_equal(uicc_tlv_find(buf, len, 0x50, &v, &vl), -ENOENT);
	hex("8080", buf, &len);
	assert_int_equal(uicc_tlv_next(buf, len, &tag, &v, &vl, &used), -EBADMSG);
}

static void test_fcp(void **state)
{
	struct uicc_fcp fcp;
	uint8_t buf[64];
	size_t len, i;

	/* Linear fixed, 5 records of 0x30 bytes (EF_IMPU). */
	hex("621c8205422100300583026f04a5038001718a01058b036f0603800200f0", buf, &len);
	assert_int_equal(uicc_fcp_parse(buf, len, &fcp), 0);
	assert_true(fcp.linear);
	assert_int_equal(fcp.record_len, 0x30);
	assert_int_equal(fcp.n_records, 5);
	for (i = 0; i < len; i++)
		assert_int_equal(uicc_fcp_parse(buf, i, &fcp), -EBADMSG);
	/* Transparent, 0x0120 bytes (EF_IMPI). */
	hex("62178202412183026f028a01058b036f060280020120880110", buf, &len);
	assert_int_equal(uicc_fcp_parse(buf, len, &fcp), 0);
	assert_false(fcp.linear);
	assert_int_equal(fcp.file_size, 0x120);
	for (i = 0; i < len; i++)
		assert_int_equal(uicc_fcp_parse(buf, i, &fcp), -EBADMSG);
	/* An ADF (descriptor 78) is not an EF. */
	hex("620482027821", buf, &len);
	assert_int_equal(uicc_fcp_parse(buf, len, &fcp), -EBADMSG);
}

static void test_ef_dir(void **state)
{
	static const uint8_t isim[] = { 0xa0, 0x00, 0x00, 0x00, 0x87, 0x10,
					0x04, 0xff, 0x49, 0xff, 0x05, 0x89 };
	struct uicc_app app;
	enum uicc_app_type type;
	uint8_t buf[64];
	size_t len, i;

	hex("61184f0ca0000000871004ff49ff0589500849534d2d4d434d49ffffffffffff", buf, &len);
	assert_int_equal(uicc_ef_dir_parse(buf, len, &app), 0);
	assert_int_equal(app.aid_len, sizeof(isim));
	assert_memory_equal(app.aid, isim, sizeof(isim));
	assert_string_equal(app.label, "ISM-MCMI");
	assert_true(uicc_aid_type(app.aid, app.aid_len, &type));
	assert_int_equal(type, UICC_APP_ISIM);
	for (i = 0; i < 26; i++)
		assert_int_equal(uicc_ef_dir_parse(buf, i, &app), i == 0 ? -ENOENT : -EBADMSG);
	/* No label is fine; an empty record is -ENOENT; a USIM AID is typed. */
	hex("61094f07a0000000871002ffff", buf, &len);
	assert_int_equal(uicc_ef_dir_parse(buf, len, &app), 0);
	assert_true(uicc_aid_type(app.aid, app.aid_len, &type));
	assert_int_equal(type, UICC_APP_USIM);
	assert_string_equal(app.label, "");
	hex("ffffffffffff", buf, &len);
	assert_int_equal(uicc_ef_dir_parse(buf, len, &app), -ENOENT);
	hex("4f07a0000000871002", buf, &len);
	assert_int_equal(uicc_ef_dir_parse(buf, len, &app), -EBADMSG);
	/* AID of another RID */
	hex("a000000063504b43532d3135", buf, &len);
	assert_false(uicc_aid_type(buf, len, &type));
}

static void test_ef_strings(void **state)
{
	char s[64];
	uint8_t buf[64];
	size_t len, i;

	/* EF_IMPI "alice@ims.primary.example", FF padded */
	hex("8019616c69636540696d732e7072696d6172792e6578616d706c65ffffff", buf, &len);
	assert_int_equal(uicc_ef_string_parse(buf, len, s, sizeof(s)), 0);
	assert_string_equal(s, "alice@ims.primary.example");
	for (i = 0; i < 27; i++)
		assert_int_equal(uicc_ef_string_parse(buf, i, s, sizeof(s)),
				 i == 0 ? -ENOENT : -EBADMSG);
	assert_int_equal(uicc_ef_string_parse(buf, len, s, 10), -E2BIG);
	/* Long form length 81 */
	hex("80810461626364", buf, &len);
	assert_int_equal(uicc_ef_string_parse(buf, len, s, sizeof(s)), 0);
	assert_string_equal(s, "abcd");
	/* Empty record, wrong tag, NUL inside */
	hex("ffffffff", buf, &len);
	assert_int_equal(uicc_ef_string_parse(buf, len, s, sizeof(s)), -ENOENT);
	hex("8000ffff", buf, &len);
	assert_int_equal(uicc_ef_string_parse(buf, len, s, sizeof(s)), -ENOENT);
	hex("81026162", buf, &len);
	assert_int_equal(uicc_ef_string_parse(buf, len, s, sizeof(s)), -EBADMSG);
	hex("80036100ff", buf, &len);
	assert_int_equal(uicc_ef_string_parse(buf, len, s, sizeof(s)), -EBADMSG);
}

/* Every truncation of a record is rejected: empty -ENOENT, the rest -EBADMSG. */
static void pcscf_sweep(const uint8_t *buf, size_t tlv_len)
{
	struct uicc_pcscf p;
	size_t i;

	for (i = 0; i < tlv_len; i++)
		assert_int_equal(uicc_ef_pcscf_parse(buf, i, &p), i == 0 ? -ENOENT : -EBADMSG);
}

/* One well-formed record, FF padded: its type and address, then its truncations. */
static void pcscf_ok(const char *rec, size_t tlv_len, enum uicc_pcscf_type type, const char *addr)
{
	struct uicc_pcscf p;
	uint8_t buf[64];
	size_t len;

	hex(rec, buf, &len);
	assert_int_equal(uicc_ef_pcscf_parse(buf, len, &p), 0);
	assert_int_equal(p.type, type);
	assert_string_equal(p.addr, addr);
	pcscf_sweep(buf, tlv_len);
}

/* TS 31.103 4.2.8 in each form real cards hold (standards.md, ISIM section). */
static void test_ef_pcscf(void **state)
{
	struct uicc_pcscf p;
	uint8_t buf[64];
	size_t len;

	/* IPv4 as text (first mcmig bench, some vendors' cards) */
	pcscf_ok("800a013139322e302e322e31ffff", 12, UICC_PCSCF_IPV4, "192.0.2.1");
	/* FQDN, type 00 */
	pcscf_ok("80160070637363662e7072696d6172792e6578616d706c65", 24, UICC_PCSCF_FQDN,
		 "pcscf.primary.example");
	/* IPv4 binary, current pySim: 192.168.12.34 */
	pcscf_ok("800501c0a80c22ffffffff", 7, UICC_PCSCF_IPV4, "192.168.12.34");
	/* IPv4 binary after an unused FF octet, older pySim (TS 31.102 EF_ePDGId octets 5-8) */
	pcscf_ok("800601ffc0a80c22ffff", 8, UICC_PCSCF_IPV4, "192.168.12.34");
	/* IPv6 binary, 17 octets: 2001:db8::1 */
	pcscf_ok("80110220010db8000000000000000000000001ff", 19, UICC_PCSCF_IPV6, "2001:db8::1");
	/* IPv6 binary after an unused FF octet, the IPv4 analogue */
	pcscf_ok("801202ff20010db8000000000000000000000001", 20, UICC_PCSCF_IPV6, "2001:db8::1");
	/* IPv6 as text */
	pcscf_ok("800c02323030313a6462383a3a31ff", 14, UICC_PCSCF_IPV6, "2001:db8::1");
	/* IPv6 text of exactly 16 octets, the binary length: read as the text it spells */
	pcscf_ok("801102323030313a6462383a3a313a323a3334", 19, UICC_PCSCF_IPV6, "2001:db8::1:2:34");
	/* IPv6 binary 2001:db8::a0:a:a:a (octets 00 0a are not text) */
	pcscf_ok("80110220010db80000000000a0000a000a000a", 19, UICC_PCSCF_IPV6,
		 "2001:db8::a0:a:a:a");

	/* Text that is no literal of its type */
	hex("800403323a3a", buf, &len);
	assert_int_equal(uicc_ef_pcscf_parse(buf, len, &p), -EBADMSG);
	hex("800a01706373636631323334", buf, &len);
	assert_int_equal(uicc_ef_pcscf_parse(buf, len, &p), -EBADMSG);
	/* IPv6 text under type 01 */
	hex("800c01323030313a6462383a3a31", buf, &len);
	assert_int_equal(uicc_ef_pcscf_parse(buf, len, &p), -EBADMSG);
	/* Binary of the wrong length: 3, 5 without FF, 15 and 18 octets */
	hex("800401c0a80c", buf, &len);
	assert_int_equal(uicc_ef_pcscf_parse(buf, len, &p), -EBADMSG);
	hex("800601c0a80c2201", buf, &len);
	assert_int_equal(uicc_ef_pcscf_parse(buf, len, &p), -EBADMSG);
	hex("80100220010db80000000000000000000000", buf, &len);
	assert_int_equal(uicc_ef_pcscf_parse(buf, len, &p), -EBADMSG);
	hex("80130220010db80000000000000000000000000101", buf, &len);
	assert_int_equal(uicc_ef_pcscf_parse(buf, len, &p), -EBADMSG);
	/* FQDN with a control octet or a NUL; unknown type 03; type alone */
	hex("8004007063090a", buf, &len);
	assert_int_equal(uicc_ef_pcscf_parse(buf, len, &p), -EBADMSG);
	hex("8004007063007a", buf, &len);
	assert_int_equal(uicc_ef_pcscf_parse(buf, len, &p), -EBADMSG);
	hex("800503c0a80c22", buf, &len);
	assert_int_equal(uicc_ef_pcscf_parse(buf, len, &p), -EBADMSG);
	hex("800100", buf, &len);
	assert_int_equal(uicc_ef_pcscf_parse(buf, len, &p), -EBADMSG);
	/* An empty record */
	hex("ffffffffffff", buf, &len);
	assert_int_equal(uicc_ef_pcscf_parse(buf, len, &p), -ENOENT);
}

static void test_ist(void **state)
{
	static const uint8_t ist[] = { 0x01, 0x40 }; /* services 1 and 15 */

	assert_true(uicc_service_available(ist, sizeof(ist), 1));
	assert_false(uicc_service_available(ist, sizeof(ist), 2));
	assert_true(uicc_service_available(ist, sizeof(ist), UICC_IST_MCPTT));
	assert_false(uicc_service_available(ist, sizeof(ist), 16));
	assert_false(uicc_service_available(ist, sizeof(ist), 17));
	assert_false(uicc_service_available(ist, sizeof(ist), 0));
}

static void test_usim_identity(void **state)
{
	char imsi[16], impi[128], domain[128], impu[128];
	uint8_t buf[16];
	unsigned int mnc_len;
	size_t len, i;

	/* IMSI 001010000000002 (15 digits, odd parity: 0x09 first nibble). */
	hex("080910100000000020", buf, &len);
	assert_int_equal(uicc_ef_imsi_parse(buf, len, imsi), 0);
	assert_string_equal(imsi, "001010000000002");
	for (i = 0; i < len; i++)
		assert_int_equal(uicc_ef_imsi_parse(buf, i, imsi), -EBADMSG);
	/* 14 digits: even parity, trailing F filler. */
	hex("0811325476981021f3", buf, &len);
	assert_int_equal(uicc_ef_imsi_parse(buf, len, imsi), 0);
	assert_string_equal(imsi, "12345678901123");
	hex("080a10100000000020", buf, &len);
	assert_int_equal(uicc_ef_imsi_parse(buf, len, imsi), -EBADMSG);

	hex("00000002", buf, &len);
	assert_int_equal(uicc_ef_ad_mnc_len(buf, len, &mnc_len), 0);
	assert_int_equal(mnc_len, 2);
	/* EF_AD without byte 4 (older cards): the caller falls back to 2 digits. */
	for (i = 0; i < len; i++)
		assert_int_equal(uicc_ef_ad_mnc_len(buf, i, &mnc_len), -ENOENT);
	hex("00000005", buf, &len);
	assert_int_equal(uicc_ef_ad_mnc_len(buf, len, &mnc_len), -EBADMSG);

	/* ims-aka.txt example B's username and realm. */
	assert_int_equal(uicc_ims_identity_from_imsi("001010000000002", 2, impi, sizeof(impi),
						     domain, sizeof(domain), impu, sizeof(impu)),
			 0);
	assert_string_equal(impi, "001010000000002@ims.mnc001.mcc001.3gppnetwork.org");
	assert_string_equal(domain, "ims.mnc001.mcc001.3gppnetwork.org");
	assert_string_equal(impu, "sip:001010000000002@ims.mnc001.mcc001.3gppnetwork.org");
	assert_int_equal(uicc_ims_identity_from_imsi("310150123456789", 3, impi, sizeof(impi),
						     domain, sizeof(domain), impu, sizeof(impu)),
			 0);
	assert_string_equal(domain, "ims.mnc150.mcc310.3gppnetwork.org");
	assert_int_equal(uicc_ims_identity_from_imsi("0010100a0000002", 2, impi, sizeof(impi),
						     domain, sizeof(domain), impu, sizeof(impu)),
			 -EINVAL);
	assert_int_equal(uicc_ims_identity_from_imsi("001010000000002", 4, impi, sizeof(impi),
						     domain, sizeof(domain), impu, sizeof(impu)),
			 -EINVAL);
	assert_int_equal(uicc_ims_identity_from_imsi("001010000000002", 2, impi, 20, domain,
						     sizeof(domain), impu, sizeof(impu)),
			 -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_authenticate_apdu),
		cmocka_unit_test(test_other_apdus),
		cmocka_unit_test(test_cla),
		cmocka_unit_test(test_auth_success),
		cmocka_unit_test(test_auth_res_lengths),
		cmocka_unit_test(test_auth_sync_mac_other),
		cmocka_unit_test(test_tlv),
		cmocka_unit_test(test_fcp),
		cmocka_unit_test(test_ef_dir),
		cmocka_unit_test(test_ef_strings),
		cmocka_unit_test(test_ef_pcscf),
		cmocka_unit_test(test_ist),
		cmocka_unit_test(test_usim_identity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
