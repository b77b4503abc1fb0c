/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure UICC codecs (style.md item 6): C-APDU builders, BER-TLV, FCP, EF_DIR,
 * ISIM and USIM elementary files, the TS 23.003 identities of a USIM-only
 * card and the AUTHENTICATE response. No I/O, no globals; unit-tested alone.
 *
 * Builders write into @out (@size bytes) and return the APDU length or
 * -ENOSPC / -EINVAL. Parsers take (const uint8_t *buf, size_t len, ...) and
 * return 0 or -errno: -EBADMSG malformed or truncated, -ENOENT no such item
 * (empty record), -E2BIG a value larger than the caller's buffer.
 */
#ifndef MCMIG_UICC_CODEC_H
#define MCMIG_UICC_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uicc.h"

/* TS 31.103 / TS 31.102: AID prefixes (RID A000000087 + application code). */
#define UICC_AID_ISIM_PREFIX                             \
	{                                                \
		0xa0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x04 \
	}
#define UICC_AID_USIM_PREFIX                             \
	{                                                \
		0xa0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02 \
	}
#define UICC_AID_PREFIX_LEN 7

/* File identifiers (ETSI TS 102 221 13.1, TS 31.103 4.2, TS 31.102 4.2). */
#define UICC_FID_MF	   0x3f00
#define UICC_FID_EF_DIR	   0x2f00
#define UICC_FID_EF_IMPI   0x6f02
#define UICC_FID_EF_DOMAIN 0x6f03
#define UICC_FID_EF_IMPU   0x6f04
#define UICC_FID_EF_IST	   0x6f07
#define UICC_FID_EF_PCSCF  0x6f09
#define UICC_FID_EF_IMSI   0x6f07 /* in ADF.USIM */
#define UICC_FID_EF_AD	   0x6fad /* in ADF.USIM */

#define UICC_SW_OK		 0x9000
#define UICC_SW_AUTH_MAC_FAILURE 0x9862
#define UICC_SW_NO_CHANNEL	 0x6881 /* logical channel not supported */

/* AUTHENTICATE P2 (TS 31.103 7.1.2.1, TS 31.102 7.1.2.1): specific reference data. */
#define UICC_AUTH_P2_IMS 0x81 /* ISIM: IMS AKA context */
#define UICC_AUTH_P2_3G	 0x81 /* USIM: 3G context */

/*
 * ETSI TS 102 221 10.1.1: class byte of an interindustry command on logical
 * channel @channel (0..19): channels 0-3 in bits 1-2 of a first-interindustry
 * CLA, 4-19 as 0x40 | (channel - 4). @base is 0x00 (or 0x80 for the UICC
 * proprietary commands such as AUTHENTICATE's siblings; not used here).
 */
uint8_t uicc_cla(uint8_t base, unsigned int channel);

int uicc_apdu_select_aid(uint8_t cla, const uint8_t *aid, size_t aid_len, uint8_t *out,
			 size_t size);
int uicc_apdu_select_fid(uint8_t cla, uint16_t fid, uint8_t *out, size_t size);
int uicc_apdu_read_binary(uint8_t cla, uint16_t offset, uint8_t le, uint8_t *out, size_t size);
int uicc_apdu_read_record(uint8_t cla, uint8_t record, uint8_t le, uint8_t *out, size_t size);
int uicc_apdu_get_response(uint8_t cla, uint8_t le, uint8_t *out, size_t size);
int uicc_apdu_manage_channel_open(uint8_t *out, size_t size);
int uicc_apdu_manage_channel_close(unsigned int channel, uint8_t *out, size_t size);
int uicc_apdu_authenticate(uint8_t cla, uint8_t p2, const uint8_t rand[UICC_RAND_LEN],
			   const uint8_t autn[UICC_AUTN_LEN], uint8_t *out, size_t size);

/*
 * One BER-TLV at the start of @buf (ISO 7816-4 5.2.2): one- to three-byte
 * tags, short and long-form lengths (81 xx, 82 xx xx). *@tag gets the tag,
 * *@val / *@vlen the value, *@consumed the size of the whole TLV. A tag of 00
 * or FF where a TLV should start is padding: -ENOENT.
 */
int uicc_tlv_next(const uint8_t *buf, size_t len, uint32_t *tag, const uint8_t **val, size_t *vlen,
		  size_t *consumed);

/* First TLV with @tag among the TLVs of @buf (stops at padding). -ENOENT if none. */
int uicc_tlv_find(const uint8_t *buf, size_t len, uint32_t tag, const uint8_t **val, size_t *vlen);

/* What the FCP of a SELECT answer (TS 102 221 11.1.1.3) says about an EF. */
struct uicc_fcp {
	bool linear;	   /* linear fixed (or cyclic): READ RECORD */
	size_t file_size;  /* transparent: bytes */
	size_t record_len; /* linear: bytes per record */
	size_t n_records;  /* linear: number of records */
};

/* Parses an FCP template (62 L ...) from a SELECT response's data. */
int uicc_fcp_parse(const uint8_t *buf, size_t len, struct uicc_fcp *fcp);

/* One EF_DIR record (TS 102 221 13.1): 61 L {4F L AID} {50 L label}. -ENOENT: empty record. */
int uicc_ef_dir_parse(const uint8_t *buf, size_t len, struct uicc_app *app);

/* The application type an AID names; false if neither ISIM nor USIM. */
bool uicc_aid_type(const uint8_t *aid, size_t aid_len, enum uicc_app_type *type);

/*
 * EF_IMPI, EF_DOMAIN and each EF_IMPU record (TS 31.103 4.2.2-4.2.4):
 * 80 L value, FF padded. The value becomes a NUL-terminated string; a NUL
 * byte inside it is malformed. -ENOENT: the record is empty.
 */
int uicc_ef_string_parse(const uint8_t *buf, size_t len, char *out, size_t size);

/*
 * One EF_P-CSCF record (TS 31.103 4.2.8): 80 L type address. Type 00 is an
 * FQDN (text); types 01/02 are IPv4/IPv6 addresses, binary (4/16 octets),
 * binary after an unused FF octet, or text. @pcscf->addr gets the FQDN or
 * the address in its textual form.
 */
int uicc_ef_pcscf_parse(const uint8_t *buf, size_t len, struct uicc_pcscf *pcscf);

/* Service @n (1-based) of an EF_IST / EF_UST bitmap (TS 31.103 4.2.7). */
bool uicc_service_available(const uint8_t *ist, size_t len, unsigned int n);
#define UICC_IST_MCPTT 15 /* TS 31.103 4.2.7: service n15 */

/* EF_IMSI (TS 31.102 4.2.2): length byte, then BCD with the parity nibble first. */
int uicc_ef_imsi_parse(const uint8_t *buf, size_t len, char imsi[16]);

/* EF_AD (TS 31.102 4.2.18): number of MNC digits (2 or 3) in byte 4. -ENOENT if absent. */
int uicc_ef_ad_mnc_len(const uint8_t *buf, size_t len, unsigned int *mnc_len);

/*
 * TS 23.003 13.3-13.4B: IMPI <IMSI>@ims.mnc<MNC>.mcc<MCC>.3gppnetwork.org, the
 * temporary IMPU sip:<IMPI> and the home domain, MNC padded to three digits.
 */
int uicc_ims_identity_from_imsi(const char *imsi, unsigned int mnc_len, char *impi,
				size_t impi_size, char *domain, size_t domain_size, char *impu,
				size_t impu_size);

/*
 * The R-APDU of AUTHENTICATE (data and SW1 SW2; TS 31.103 7.1.2.1, TS 31.102
 * 7.1.2.1): DB → UICC_AUTH_OK (RES 4..16, CK, IK; a USIM's trailing Kc is
 * ignored), DC → UICC_AUTH_SYNC_FAILURE, SW 98 62 → UICC_AUTH_MAC_FAILURE.
 * *@sw always gets the status word. Another status word: -EPROTO; a 9000
 * answer that is neither DB nor DC, or truncated: -EBADMSG. Wipes @r on error.
 */
int uicc_auth_parse(const uint8_t *buf, size_t len, struct uicc_auth_result *r, uint16_t *sw);

#endif
