/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure QMI codec for the bench (emulator and unit tests): QMUX framing, the
 * CTL and service headers, TLV iteration with bounds checks, and a bounded
 * message builder. No I/O, no globals, no allocation.
 *
 * Wire format (all little endian), as libqmi and the Qualcomm QMUX spec use it:
 *   QMUX   marker 0x01 | length u16 (bytes after the marker) | flags u8 |
 *          service u8 | client id u8
 *   CTL    flags u8 | transaction id u8             (service 0x00)
 *   other  flags u8 | transaction id u16
 *   then   message id u16 | TLV length u16 | TLVs (type u8 | length u16 | value)
 */
#ifndef MCMIG_QMI_CODEC_H
#define MCMIG_QMI_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QMI_QMUX_MARKER	      0x01
#define QMI_QMUX_HDR_LEN      6 /* marker, length, flags, service, client */
#define QMI_MAX_FRAME	      (1 + 0xffff)
#define QMI_QMUX_FLAG_SERVICE 0x80 /* sent by the modem */

/* Services the bench speaks. */
#define QMI_SVC_CTL 0x00
#define QMI_SVC_WDS 0x01
#define QMI_SVC_DMS 0x02
#define QMI_SVC_NAS 0x03
#define QMI_SVC_WDA 0x1a

/* Message flags: CTL uses a 1-byte space, every other service another. */
#define QMI_CTL_FLAG_RESPONSE	0x01
#define QMI_CTL_FLAG_INDICATION 0x02
#define QMI_SVC_FLAG_RESPONSE	0x02
#define QMI_SVC_FLAG_INDICATION 0x04

#define QMI_TLV_RESULT 0x02

struct qmi_msg {
	uint8_t qmux_flags;
	uint8_t service;
	uint8_t client;
	uint8_t flags;
	uint16_t tid;
	uint16_t msg_id;
	const uint8_t *tlvs;
	size_t tlvs_len;
};

/*
 * Length of the first complete frame in @buf: 0 with *@frame_len set, -EAGAIN
 * when more bytes are needed, -EBADMSG when @buf does not start with a QMUX
 * marker or announces a frame too short to hold the headers.
 */
int qmi_frame_len(const uint8_t *buf, size_t len, size_t *frame_len);

/*
 * Parses exactly one frame of @len bytes. Returns 0 or -EBADMSG (bad marker,
 * QMUX length not matching @len, truncated header, TLV block length wrong or
 * a TLV running past the end). The TLVs stay in @buf.
 */
int qmi_msg_parse(const uint8_t *buf, size_t len, struct qmi_msg *m);

bool qmi_msg_is_response(const struct qmi_msg *m);
bool qmi_msg_is_indication(const struct qmi_msg *m);

struct qmi_tlv_iter {
	const uint8_t *p;
	size_t left;
};

void qmi_tlv_iter_init(struct qmi_tlv_iter *it, const uint8_t *tlvs, size_t len);

/* 1 with the next TLV, 0 at the end, -EBADMSG if the TLV is truncated. */
int qmi_tlv_next(struct qmi_tlv_iter *it, uint8_t *type, const uint8_t **val, uint16_t *len);

/* The first TLV @type of @m: 0, -ENOENT or -EBADMSG. */
int qmi_tlv_find(const struct qmi_msg *m, uint8_t type, const uint8_t **val, uint16_t *len);

/* Fixed-size TLV readers: 0, -ENOENT, or -EBADMSG when the length is wrong. */
int qmi_tlv_u8(const struct qmi_msg *m, uint8_t type, uint8_t *v);
int qmi_tlv_u16(const struct qmi_msg *m, uint8_t type, uint16_t *v);
int qmi_tlv_u32(const struct qmi_msg *m, uint8_t type, uint32_t *v);
/* String TLV (no length prefix, no NUL on the wire): -E2BIG if @size is too small. */
int qmi_tlv_str(const struct qmi_msg *m, uint8_t type, char *out, size_t size);

/* Result TLV 0x02: status u16 (0 success, 1 failure), error u16. */
int qmi_msg_result(const struct qmi_msg *m, uint16_t *status, uint16_t *error);

uint16_t qmi_get_le16(const uint8_t *p);
uint32_t qmi_get_le32(const uint8_t *p);

/*
 * Builder into a caller's buffer. Overflow is sticky: qmi_build_finish()
 * then returns -E2BIG and nothing partial is ever sent.
 */
struct qmi_builder {
	uint8_t *buf;
	size_t size;
	size_t len;
	size_t tlv_start;
	bool overflow;
	bool ctl;
};

void qmi_build_init(struct qmi_builder *b, uint8_t *buf, size_t size, uint8_t qmux_flags,
		    uint8_t service, uint8_t client, uint8_t flags, uint16_t tid, uint16_t msg_id);
void qmi_build_tlv(struct qmi_builder *b, uint8_t type, const void *val, size_t len);
void qmi_build_u8(struct qmi_builder *b, uint8_t type, uint8_t v);
void qmi_build_u16(struct qmi_builder *b, uint8_t type, uint16_t v);
void qmi_build_u32(struct qmi_builder *b, uint8_t type, uint32_t v);
void qmi_build_str(struct qmi_builder *b, uint8_t type, const char *s);
void qmi_build_result(struct qmi_builder *b, uint16_t error);
/* Appends raw bytes to the value of the TLV being composed with tlv_begin/end. */
void qmi_build_tlv_begin(struct qmi_builder *b, uint8_t type);
void qmi_build_raw(struct qmi_builder *b, const void *p, size_t len);
void qmi_build_put_u8(struct qmi_builder *b, uint8_t v);
void qmi_build_put_u16(struct qmi_builder *b, uint16_t v);
void qmi_build_put_u32(struct qmi_builder *b, uint32_t v);
void qmi_build_tlv_end(struct qmi_builder *b);
/* Fills in the lengths; returns the frame length or -E2BIG. */
int qmi_build_finish(struct qmi_builder *b);

#endif
