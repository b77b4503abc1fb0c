/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hal/uicc-codec.c: everything a card answers (BER-TLV, FCP, EF_DIR, the ISIM
 * and USIM files, AUTHENTICATE's R-APDU) comes from outside the process.
 * Each parser gets the same bytes; values must stay inside the input and the
 * caller's buffers.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "uicc-codec.h"

static bool inside(const uint8_t *p, size_t n, const uint8_t *buf, size_t len)
{
	return p >= buf && n <= len && (size_t)(p - buf) <= len - n;
}

/* Walks the TLVs as uicc_tlv_find does, checking every value is in the buffer. */
static void tlvs(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *val;
	size_t left = size, vlen, used;
	uint32_t tag;

	while (left) {
		if (uicc_tlv_next(p, left, &tag, &val, &vlen, &used))
			break;
		fuzz_require(used > 0 && used <= left, "tlv: consumed inside the buffer");
		fuzz_require(inside(val, vlen, p, used), "tlv: value inside the TLV");
		if (uicc_tlv_find(data, size, tag, &val, &vlen) == 0)
			fuzz_require(inside(val, vlen, data, size), "tlv_find: value inside");
		p += used;
		left -= used;
	}
}

static void files(const uint8_t *data, size_t size)
{
	struct uicc_fcp fcp;
	struct uicc_app app;
	struct uicc_pcscf pcscf;
	enum uicc_app_type type;
	char s[UICC_URI_MAX], imsi[16], impi[UICC_IMPI_MAX], domain[UICC_DOMAIN_MAX];
	char impu[UICC_URI_MAX];
	unsigned int mnc_len;
	size_t i;

	if (uicc_fcp_parse(data, size, &fcp) == 0 && fcp.linear)
		fuzz_require(fcp.record_len > 0, "fcp: linear with a record length");
	if (uicc_ef_dir_parse(data, size, &app) == 0) {
		fuzz_require(app.aid_len <= UICC_AID_MAX, "ef_dir: AID fits");
		fuzz_require(fuzz_terminated(app.label, sizeof(app.label)), "ef_dir: label");
		uicc_aid_type(app.aid, app.aid_len, &type);
	}
	if (uicc_ef_string_parse(data, size, s, sizeof(s)) == 0)
		fuzz_require(strlen(s) < size, "ef_string: shorter than the record");
	if (uicc_ef_pcscf_parse(data, size, &pcscf) == 0)
		fuzz_require(fuzz_terminated(pcscf.addr, sizeof(pcscf.addr)), "pcscf: terminated");
	for (i = 1; i <= 8 * size + 1; i++)
		uicc_service_available(data, size, (unsigned int)i);
	if (uicc_ef_ad_mnc_len(data, size, &mnc_len) == 0)
		fuzz_require(mnc_len == 2 || mnc_len == 3, "ad: 2 or 3 MNC digits");
	else
		mnc_len = 2;
	if (uicc_ef_imsi_parse(data, size, imsi) == 0) {
		fuzz_require(strspn(imsi, "0123456789") == strlen(imsi), "imsi: digits");
		if (uicc_ims_identity_from_imsi(imsi, mnc_len, impi, sizeof(impi), domain,
						sizeof(domain), impu, sizeof(impu)) == 0)
			fuzz_require(strstr(impi, domain) != NULL, "identity: IMPI in the domain");
	}
}

static void authenticate(const uint8_t *data, size_t size)
{
	struct uicc_auth_result r;
	uint16_t sw = 0;
	int ret;

	ret = uicc_auth_parse(data, size, &r, &sw);
	fuzz_require(ret == 0 || ret == -EBADMSG || ret == -EPROTO, "auth: documented result");
	if (size >= 2)
		fuzz_require(sw == (uint16_t)(data[size - 2] << 8 | data[size - 1]),
			     "auth: the status word is the last two bytes");
	if (ret == 0 && r.status == UICC_AUTH_OK)
		fuzz_require(r.res_len >= UICC_RES_MIN && r.res_len <= UICC_RES_MAX,
			     "auth: RES 4..16 bytes");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tlvs(data, size);
	files(data, size);
	authenticate(data, size);
	return 0;
}
