// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pure UICC codecs: see uicc-codec.h. References: ETSI TS 102 221 (UICC),
 * ISO/IEC 7816-4 (APDU, BER-TLV), TS 31.103 (ISIM), TS 31.102 (USIM),
 * TS 23.003 (identities).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "uicc-codec.h"
#include "util.h"

uint8_t uicc_cla(uint8_t base, unsigned int channel)
{
	/* TS 102 221 10.1.1: first interindustry values 0x0X, further 0x4X. */
	if (channel < 4)
		return (uint8_t)((base & 0xfc) | channel);
	return (uint8_t)((base & 0x80) | 0x40 | ((channel - 4) & 0x0f));
}

static int apdu_put(uint8_t *out, size_t size, const uint8_t *hdr, size_t hlen, const uint8_t *data,
		    size_t dlen, bool le, uint8_t le_val)
{
	size_t n = hlen + (dlen ? 1 + dlen : 0) + (le ? 1 : 0);

	if (dlen > 255)
		return -EINVAL;
	if (!out || n > size)
		return -ENOSPC;
	memcpy(out, hdr, hlen);
	if (dlen) {
		out[hlen] = (uint8_t)dlen;
		memcpy(out + hlen + 1, data, dlen);
	}
	if (le)
		out[n - 1] = le_val;
	return (int)n;
}

int uicc_apdu_select_aid(uint8_t cla, const uint8_t *aid, size_t aid_len, uint8_t *out, size_t size)
{
	/* TS 102 221 11.1.1: P1 04 select by DF name, P2 04 return the FCP. */
	const uint8_t hdr[] = { cla, 0xa4, 0x04, 0x04 };

	if (!aid || aid_len == 0 || aid_len > UICC_AID_MAX)
		return -EINVAL;
	return apdu_put(out, size, hdr, sizeof(hdr), aid, aid_len, true, 0x00);
}

int uicc_apdu_select_fid(uint8_t cla, uint16_t fid, uint8_t *out, size_t size)
{
	/* P1 00: select by file identifier relative to the current DF/ADF. */
	const uint8_t hdr[] = { cla, 0xa4, 0x00, 0x04 };
	const uint8_t data[] = { (uint8_t)(fid >> 8), (uint8_t)fid };

	return apdu_put(out, size, hdr, sizeof(hdr), data, sizeof(data), true, 0x00);
}

int uicc_apdu_read_binary(uint8_t cla, uint16_t offset, uint8_t le, uint8_t *out, size_t size)
{
	const uint8_t hdr[] = { cla, 0xb0, (uint8_t)((offset >> 8) & 0x7f), (uint8_t)offset };

	if (offset > 0x7fff)
		return -EINVAL;
	return apdu_put(out, size, hdr, sizeof(hdr), NULL, 0, true, le);
}

int uicc_apdu_read_record(uint8_t cla, uint8_t record, uint8_t le, uint8_t *out, size_t size)
{
	/* P2 04: absolute record number in P1 (TS 102 221 11.1.5). */
	const uint8_t hdr[] = { cla, 0xb2, record, 0x04 };

	if (record == 0)
		return -EINVAL;
	return apdu_put(out, size, hdr, sizeof(hdr), NULL, 0, true, le);
}

int uicc_apdu_get_response(uint8_t cla, uint8_t le, uint8_t *out, size_t size)
{
	const uint8_t hdr[] = { cla, 0xc0, 0x00, 0x00 };

	return apdu_put(out, size, hdr, sizeof(hdr), NULL, 0, true, le);
}

int uicc_apdu_manage_channel_open(uint8_t *out, size_t size)
{
	/* TS 102 221 11.1.17: P1 00 open, P2 00 the card assigns the channel. */
	const uint8_t hdr[] = { 0x00, 0x70, 0x00, 0x00 };

	return apdu_put(out, size, hdr, sizeof(hdr), NULL, 0, true, 0x01);
}

int uicc_apdu_manage_channel_close(unsigned int channel, uint8_t *out, size_t size)
{
	const uint8_t hdr[] = { uicc_cla(0x00, channel), 0x70, 0x80, (uint8_t)channel };

	if (channel == 0 || channel > 19)
		return -EINVAL;
	return apdu_put(out, size, hdr, sizeof(hdr), NULL, 0, false, 0);
}

int uicc_apdu_authenticate(uint8_t cla, uint8_t p2, const uint8_t rand[UICC_RAND_LEN],
			   const uint8_t autn[UICC_AUTN_LEN], uint8_t *out, size_t size)
{
	/* TS 31.103 7.1.2.1: data = L RAND L AUTN, Le 00. */
	const uint8_t hdr[] = { cla, 0x88, 0x00, p2 };
	uint8_t data[2 + UICC_RAND_LEN + UICC_AUTN_LEN];
	int n;

	data[0] = UICC_RAND_LEN;
	memcpy(data + 1, rand, UICC_RAND_LEN);
	data[1 + UICC_RAND_LEN] = UICC_AUTN_LEN;
	memcpy(data + 2 + UICC_RAND_LEN, autn, UICC_AUTN_LEN);
	n = apdu_put(out, size, hdr, sizeof(hdr), data, sizeof(data), true, 0x00);
	util_wipe(data, sizeof(data));
	return n;
}

int uicc_tlv_next(const uint8_t *buf, size_t len, uint32_t *tag, const uint8_t **val, size_t *vlen,
		  size_t *consumed)
{
	size_t i = 0, l, k, nlen;
	uint32_t t;

	if (!buf || len == 0)
		return -ENOENT;
	if (buf[0] == 0x00 || buf[0] == 0xff)
		return -ENOENT;
	t = buf[i++];
	if ((t & 0x1f) == 0x1f) {
		/* ISO 7816-4 5.2.2.1: subsequent tag bytes while b8 is set, at most 3 in all. */
		do {
			if (i >= len || i >= 3)
				return -EBADMSG;
			t = (t << 8) | buf[i];
		} while (buf[i++] & 0x80);
	}
	if (i >= len)
		return -EBADMSG;
	l = buf[i++];
	if (l == 0x80 || l > 0x83)
		return -EBADMSG; /* indefinite or absurd lengths are not BER-TLV in 102 221 */
	if (l & 0x80) {
		nlen = l & 0x7f;
		if (len - i < nlen)
			return -EBADMSG;
		for (l = 0, k = 0; k < nlen; k++)
			l = (l << 8) | buf[i++];
	}
	if (len - i < l)
		return -EBADMSG;
	*tag = t;
	*val = buf + i;
	*vlen = l;
	*consumed = i + l;
	return 0;
}

int uicc_tlv_find(const uint8_t *buf, size_t len, uint32_t tag, const uint8_t **val, size_t *vlen)
{
	size_t off = 0, used;
	uint32_t t;
	int r;

	while (off < len) {
		r = uicc_tlv_next(buf + off, len - off, &t, val, vlen, &used);
		if (r == -ENOENT)
			break;
		if (r < 0)
			return r;
		if (t == tag)
			return 0;
		off += used;
	}
	return -ENOENT;
}

/* The single 80-tag TLV at the start of an FF-padded record or EF. */
static int ef_tlv80(const uint8_t *buf, size_t len, const uint8_t **val, size_t *vlen)
{
	size_t used;
	uint32_t t;
	int r;

	r = uicc_tlv_next(buf, len, &t, val, vlen, &used);
	if (r < 0)
		return r;
	if (t != 0x80)
		return -EBADMSG;
	return 0;
}

int uicc_fcp_parse(const uint8_t *buf, size_t len, struct uicc_fcp *fcp)
{
	const uint8_t *fcpv, *v;
	size_t fcpl, l;
	int r;

	memset(fcp, 0, sizeof(*fcp));
	r = uicc_tlv_find(buf, len, 0x62, &fcpv, &fcpl);
	if (r < 0)
		return r == -ENOENT ? -EBADMSG : r;
	/* TS 102 221 11.1.1.4.3: file descriptor, 2 bytes or 5 for record files. */
	r = uicc_tlv_find(fcpv, fcpl, 0x82, &v, &l);
	if (r < 0 || l < 2)
		return -EBADMSG;
	switch (v[0] & 0x07) {
	case 0x01: /* transparent */
		r = uicc_tlv_find(fcpv, fcpl, 0x80, &v, &l);
		if (r < 0 || l < 1 || l > 4)
			return -EBADMSG;
		while (l--)
			fcp->file_size = (fcp->file_size << 8) | *v++;
		return 0;
	case 0x02: /* linear fixed */
	case 0x06: /* cyclic */
		if (l < 5)
			return -EBADMSG;
		fcp->linear = true;
		fcp->record_len = ((size_t)v[2] << 8) | v[3];
		fcp->n_records = v[4];
		if (fcp->record_len == 0)
			return -EBADMSG;
		return 0;
	}
	/* A DF/ADF or an unknown structure: no EF to read. */
	return -EBADMSG;
}

int uicc_ef_dir_parse(const uint8_t *buf, size_t len, struct uicc_app *app)
{
	const uint8_t *tmpl, *v;
	size_t tl, l, used;
	uint32_t t;
	int r;

	memset(app, 0, sizeof(*app));
	r = uicc_tlv_next(buf, len, &t, &tmpl, &tl, &used);
	if (r < 0)
		return r;
	if (t != 0x61)
		return -EBADMSG;
	r = uicc_tlv_find(tmpl, tl, 0x4f, &v, &l);
	if (r < 0 || l == 0 || l > UICC_AID_MAX)
		return -EBADMSG;
	memcpy(app->aid, v, l);
	app->aid_len = l;
	r = uicc_tlv_find(tmpl, tl, 0x50, &v, &l);
	if (r == 0) {
		/* The label is informative: keep what fits, printable bytes only. */
		size_t i, n = l < sizeof(app->label) - 1 ? l : sizeof(app->label) - 1;

		for (i = 0; i < n; i++)
			app->label[i] = (v[i] >= 0x20 && v[i] < 0x7f) ? (char)v[i] : '?';
		app->label[n] = '\0';
	} else if (r != -ENOENT) {
		return r;
	}
	return 0;
}

bool uicc_aid_type(const uint8_t *aid, size_t aid_len, enum uicc_app_type *type)
{
	static const uint8_t isim[] = UICC_AID_ISIM_PREFIX;
	static const uint8_t usim[] = UICC_AID_USIM_PREFIX;

	if (aid_len < UICC_AID_PREFIX_LEN)
		return false;
	if (memcmp(aid, isim, UICC_AID_PREFIX_LEN) == 0) {
		*type = UICC_APP_ISIM;
		return true;
	}
	if (memcmp(aid, usim, UICC_AID_PREFIX_LEN) == 0) {
		*type = UICC_APP_USIM;
		return true;
	}
	return false;
}

static int copy_string(const uint8_t *v, size_t l, char *out, size_t size)
{
	if (l == 0)
		return -ENOENT;
	if (memchr(v, '\0', l))
		return -EBADMSG;
	if (l >= size)
		return -E2BIG;
	memcpy(out, v, l);
	out[l] = '\0';
	return 0;
}

int uicc_ef_string_parse(const uint8_t *buf, size_t len, char *out, size_t size)
{
	const uint8_t *v;
	size_t l;
	int r;

	if (size)
		out[0] = '\0';
	r = ef_tlv80(buf, len, &v, &l);
	if (r < 0)
		return r;
	return copy_string(v, l, out, size);
}

/* A printable-ASCII address text (no NUL, no control bytes, no FF padding). */
static bool pcscf_text(const uint8_t *v, size_t l)
{
	size_t i;

	for (i = 0; i < l; i++)
		if (v[i] < 0x21 || v[i] > 0x7e)
			return false;
	return l > 0;
}

/* @v/@l as a textual address of family @af; false if it is not one. */
static bool pcscf_text_addr(int af, const uint8_t *v, size_t l, char *out, size_t size)
{
	uint8_t bin[16];
	char tmp[INET6_ADDRSTRLEN];

	if (!pcscf_text(v, l) || l >= sizeof(tmp) || l >= size)
		return false;
	memcpy(tmp, v, l);
	tmp[l] = '\0';
	if (inet_pton(af, tmp, bin) != 1)
		return false;
	memcpy(out, tmp, l + 1);
	return true;
}

/*
 * The address of an IPv4 (@af AF_INET, @blen 4) or IPv6 (AF_INET6, 16) record,
 * in each form real cards hold (TS 31.103 4.2.8, laid out as TS 31.102
 * 4.2.103 EF_ePDGId):
 * - text, "192.0.2.1" or "2001:db8::1" (first mcmig bench, some vendors);
 * - binary, @blen octets (current pySim: 80 05 01 C0 A8 0C 22);
 * - binary after one unused FF octet (older pySim, after EF_ePDGId's "octets
 *   5 to 8" for IPv4: 80 06 01 FF C0 A8 0C 22), and the IPv6 analogue.
 * A text IPv4 literal has at least 7 octets, so 4 or 5 octets are binary. A
 * text IPv6 literal can be 16 octets long ("2001:db8::1:2:34"): a valid
 * literal made of printable octets is read as text, since a binary address
 * whose 16 octets all spell a valid literal is not a real P-CSCF's.
 */
static int pcscf_addr(int af, size_t blen, const uint8_t *v, size_t l, char *out, size_t size)
{
	if (pcscf_text_addr(af, v, l, out, size))
		return 0;
	if (l == blen + 1 && v[0] == 0xff) {
		v++;
		l--;
	}
	if (l != blen)
		return -EBADMSG;
	if (!inet_ntop(af, v, out, (socklen_t)size))
		return -E2BIG;
	return 0;
}

int uicc_ef_pcscf_parse(const uint8_t *buf, size_t len, struct uicc_pcscf *pcscf)
{
	const uint8_t *v;
	size_t l;
	int r;

	memset(pcscf, 0, sizeof(*pcscf));
	r = ef_tlv80(buf, len, &v, &l);
	if (r < 0)
		return r;
	if (l < 2)
		return -EBADMSG;
	switch (v[0]) {
	case UICC_PCSCF_FQDN:
		/* TS 31.103 4.2.8: type 00, the FQDN as text. */
		if (!pcscf_text(v + 1, l - 1))
			return -EBADMSG;
		r = copy_string(v + 1, l - 1, pcscf->addr, sizeof(pcscf->addr));
		break;
	case UICC_PCSCF_IPV4:
		r = pcscf_addr(AF_INET, 4, v + 1, l - 1, pcscf->addr, sizeof(pcscf->addr));
		break;
	case UICC_PCSCF_IPV6:
		r = pcscf_addr(AF_INET6, 16, v + 1, l - 1, pcscf->addr, sizeof(pcscf->addr));
		break;
	default:
		return -EBADMSG;
	}
	if (r < 0) {
		memset(pcscf, 0, sizeof(*pcscf));
		return r;
	}
	pcscf->type = (enum uicc_pcscf_type)v[0];
	return 0;
}

bool uicc_service_available(const uint8_t *ist, size_t len, unsigned int n)
{
	if (n == 0 || (n - 1) / 8 >= len)
		return false;
	return ist[(n - 1) / 8] & (1u << ((n - 1) % 8));
}

int uicc_ef_imsi_parse(const uint8_t *buf, size_t len, char imsi[16])
{
	size_t n, i, d = 0;
	unsigned int nib;

	/* TS 31.102 4.2.2: byte 1 = number of following bytes (1..8). */
	if (len < 2 || buf[0] == 0 || buf[0] > 8 || (size_t)buf[0] + 1 > len)
		return -EBADMSG;
	n = buf[0];
	if ((buf[1] & 0x07) != 0x01)
		return -EBADMSG; /* identity type must be IMSI */
	/* Nibbles after the type/parity nibble: digit 1 is the high nibble of byte 2. */
	for (i = 1; i < 2 * n; i++) {
		nib = (i & 1) ? buf[1 + i / 2] >> 4 : buf[1 + i / 2] & 0x0f;
		if (nib == 0x0f && i == 2 * n - 1)
			break; /* filler of an even-length IMSI */
		if (nib > 9 || d >= 15)
			return -EBADMSG;
		imsi[d++] = (char)('0' + nib);
	}
	if (d < 6)
		return -EBADMSG;
	imsi[d] = '\0';
	return 0;
}

int uicc_ef_ad_mnc_len(const uint8_t *buf, size_t len, unsigned int *mnc_len)
{
	if (len < 4)
		return -ENOENT;
	switch (buf[3] & 0x0f) {
	case 2:
	case 3:
		*mnc_len = buf[3] & 0x0f;
		return 0;
	}
	return -EBADMSG;
}

int uicc_ims_identity_from_imsi(const char *imsi, unsigned int mnc_len, char *impi,
				size_t impi_size, char *domain, size_t domain_size, char *impu,
				size_t impu_size)
{
	size_t n = imsi ? strlen(imsi) : 0, i;
	char mnc[4];
	int r;

	if ((mnc_len != 2 && mnc_len != 3) || n < 3 + mnc_len + 1 || n > 15)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (imsi[i] < '0' || imsi[i] > '9')
			return -EINVAL;
	/* TS 23.003 13.2: a two-digit MNC gets a leading zero. */
	if (mnc_len == 2)
		snprintf(mnc, sizeof(mnc), "0%.2s", imsi + 3);
	else
		snprintf(mnc, sizeof(mnc), "%.3s", imsi + 3);
	r = snprintf(domain, domain_size, "ims.mnc%s.mcc%.3s.3gppnetwork.org", mnc, imsi);
	if (r < 0 || (size_t)r >= domain_size)
		return -E2BIG;
	r = snprintf(impi, impi_size, "%s@%s", imsi, domain);
	if (r < 0 || (size_t)r >= impi_size)
		return -E2BIG;
	r = snprintf(impu, impu_size, "sip:%s", impi);
	if (r < 0 || (size_t)r >= impu_size)
		return -E2BIG;
	return 0;
}

int uicc_auth_parse(const uint8_t *buf, size_t len, struct uicc_auth_result *r, uint16_t *sw)
{
	const uint8_t *d = buf;
	size_t dl, i;

	memset(r, 0, sizeof(*r));
	*sw = 0;
	if (len < 2)
		return -EBADMSG;
	*sw = (uint16_t)((buf[len - 2] << 8) | buf[len - 1]);
	dl = len - 2;
	if (*sw == UICC_SW_AUTH_MAC_FAILURE) {
		r->status = UICC_AUTH_MAC_FAILURE;
		return 0;
	}
	if (*sw != UICC_SW_OK)
		return -EPROTO;
	if (dl < 1)
		goto bad;
	switch (d[0]) {
	case 0xdb:
		/* DB L RES L CK L IK [L Kc] */
		i = 1;
		if (i >= dl || d[i] < UICC_RES_MIN || d[i] > UICC_RES_MAX || dl - i - 1 < d[i])
			goto bad;
		r->res_len = d[i];
		memcpy(r->res, d + i + 1, r->res_len);
		i += 1 + r->res_len;
		if (dl - i < 1 + UICC_KEY_LEN || d[i] != UICC_KEY_LEN)
			goto bad;
		memcpy(r->ck, d + i + 1, UICC_KEY_LEN);
		i += 1 + UICC_KEY_LEN;
		if (dl - i < 1 + UICC_KEY_LEN || d[i] != UICC_KEY_LEN)
			goto bad;
		memcpy(r->ik, d + i + 1, UICC_KEY_LEN);
		i += 1 + UICC_KEY_LEN;
		/* TS 31.102: a USIM may append "08 Kc"; nothing else may follow. */
		if (i != dl && !(dl - i == 9 && d[i] == 8))
			goto bad;
		r->status = UICC_AUTH_OK;
		return 0;
	case 0xdc:
		if (dl != 2 + UICC_AUTS_LEN || d[1] != UICC_AUTS_LEN)
			goto bad;
		memcpy(r->auts, d + 2, UICC_AUTS_LEN);
		r->status = UICC_AUTH_SYNC_FAILURE;
		return 0;
	}
bad:
	util_wipe(r, sizeof(*r));
	return -EBADMSG;
}
