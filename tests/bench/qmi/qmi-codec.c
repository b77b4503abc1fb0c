// SPDX-License-Identifier: GPL-2.0-or-later
/* Pure QMI codec for the bench; see qmi-codec.h for the wire format. */
#include <errno.h>
#include <string.h>

#include "qmi-codec.h"

/* Smallest QMUX length field: flags, service, client, CTL header, msg id, TLV len. */
#define QMI_MIN_QMUX_LEN 11

uint16_t qmi_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t qmi_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int qmi_frame_len(const uint8_t *buf, size_t len, size_t *frame_len)
{
	uint16_t qlen;

	if (len < 1)
		return -EAGAIN;
	if (buf[0] != QMI_QMUX_MARKER)
		return -EBADMSG;
	if (len < 3)
		return -EAGAIN;
	qlen = qmi_get_le16(buf + 1);
	if (qlen < QMI_MIN_QMUX_LEN)
		return -EBADMSG;
	if (len < (size_t)qlen + 1)
		return -EAGAIN;
	*frame_len = (size_t)qlen + 1;
	return 0;
}

int qmi_msg_parse(const uint8_t *buf, size_t len, struct qmi_msg *m)
{
	struct qmi_tlv_iter it;
	const uint8_t *p;
	size_t hdr, tlv_len;
	uint8_t type;
	const uint8_t *val;
	uint16_t vlen;
	int r;

	if (len < QMI_QMUX_HDR_LEN || buf[0] != QMI_QMUX_MARKER)
		return -EBADMSG;
	if ((size_t)qmi_get_le16(buf + 1) + 1 != len)
		return -EBADMSG;
	m->qmux_flags = buf[3];
	m->service = buf[4];
	m->client = buf[5];
	p = buf + QMI_QMUX_HDR_LEN;
	hdr = m->service == QMI_SVC_CTL ? 2 : 3;
	if (len < QMI_QMUX_HDR_LEN + hdr + 4)
		return -EBADMSG;
	m->flags = p[0];
	m->tid = hdr == 2 ? p[1] : qmi_get_le16(p + 1);
	p += hdr;
	m->msg_id = qmi_get_le16(p);
	tlv_len = qmi_get_le16(p + 2);
	p += 4;
	if ((size_t)(buf + len - p) != tlv_len)
		return -EBADMSG;
	m->tlvs = p;
	m->tlvs_len = tlv_len;
	/* Validate every TLV once so that later lookups need not. */
	qmi_tlv_iter_init(&it, m->tlvs, m->tlvs_len);
	while ((r = qmi_tlv_next(&it, &type, &val, &vlen)) > 0)
		;
	return r;
}

bool qmi_msg_is_response(const struct qmi_msg *m)
{
	return m->flags &
	       (m->service == QMI_SVC_CTL ? QMI_CTL_FLAG_RESPONSE : QMI_SVC_FLAG_RESPONSE);
}

bool qmi_msg_is_indication(const struct qmi_msg *m)
{
	return m->flags &
	       (m->service == QMI_SVC_CTL ? QMI_CTL_FLAG_INDICATION : QMI_SVC_FLAG_INDICATION);
}

void qmi_tlv_iter_init(struct qmi_tlv_iter *it, const uint8_t *tlvs, size_t len)
{
	it->p = tlvs;
	it->left = len;
}

int qmi_tlv_next(struct qmi_tlv_iter *it, uint8_t *type, const uint8_t **val, uint16_t *len)
{
	uint16_t l;

	if (it->left == 0)
		return 0;
	if (it->left < 3)
		return -EBADMSG;
	l = qmi_get_le16(it->p + 1);
	if (it->left - 3 < l)
		return -EBADMSG;
	*type = it->p[0];
	*len = l;
	*val = it->p + 3;
	it->p += 3 + (size_t)l;
	it->left -= 3 + (size_t)l;
	return 1;
}

int qmi_tlv_find(const struct qmi_msg *m, uint8_t type, const uint8_t **val, uint16_t *len)
{
	struct qmi_tlv_iter it;
	uint8_t t;
	int r;

	qmi_tlv_iter_init(&it, m->tlvs, m->tlvs_len);
	while ((r = qmi_tlv_next(&it, &t, val, len)) > 0)
		if (t == type)
			return 0;
	return r < 0 ? r : -ENOENT;
}

static int qmi_tlv_fixed(const struct qmi_msg *m, uint8_t type, size_t want, const uint8_t **val)
{
	uint16_t len;
	int r;

	r = qmi_tlv_find(m, type, val, &len);
	if (r < 0)
		return r;
	return len == want ? 0 : -EBADMSG;
}

int qmi_tlv_u8(const struct qmi_msg *m, uint8_t type, uint8_t *v)
{
	const uint8_t *p;
	int r = qmi_tlv_fixed(m, type, 1, &p);

	if (r == 0)
		*v = p[0];
	return r;
}

int qmi_tlv_u16(const struct qmi_msg *m, uint8_t type, uint16_t *v)
{
	const uint8_t *p;
	int r = qmi_tlv_fixed(m, type, 2, &p);

	if (r == 0)
		*v = qmi_get_le16(p);
	return r;
}

int qmi_tlv_u32(const struct qmi_msg *m, uint8_t type, uint32_t *v)
{
	const uint8_t *p;
	int r = qmi_tlv_fixed(m, type, 4, &p);

	if (r == 0)
		*v = qmi_get_le32(p);
	return r;
}

int qmi_tlv_str(const struct qmi_msg *m, uint8_t type, char *out, size_t size)
{
	const uint8_t *p;
	uint16_t len;
	int r;

	r = qmi_tlv_find(m, type, &p, &len);
	if (r < 0)
		return r;
	if ((size_t)len >= size)
		return -E2BIG;
	if (memchr(p, '\0', len))
		return -EBADMSG;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

int qmi_msg_result(const struct qmi_msg *m, uint16_t *status, uint16_t *error)
{
	const uint8_t *p;
	int r = qmi_tlv_fixed(m, QMI_TLV_RESULT, 4, &p);

	if (r == 0) {
		*status = qmi_get_le16(p);
		*error = qmi_get_le16(p + 2);
	}
	return r;
}

static void qmi_put(struct qmi_builder *b, const void *p, size_t len)
{
	if (b->overflow || b->size - b->len < len) {
		b->overflow = true;
		return;
	}
	memcpy(b->buf + b->len, p, len);
	b->len += len;
}

static void qmi_put_le16_at(struct qmi_builder *b, size_t at, uint16_t v)
{
	b->buf[at] = (uint8_t)v;
	b->buf[at + 1] = (uint8_t)(v >> 8);
}

void qmi_build_init(struct qmi_builder *b, uint8_t *buf, size_t size, uint8_t qmux_flags,
		    uint8_t service, uint8_t client, uint8_t flags, uint16_t tid, uint16_t msg_id)
{
	uint8_t hdr[] = {
		QMI_QMUX_MARKER,    0, 0, qmux_flags, service, client, flags, (uint8_t)tid,
		(uint8_t)(tid >> 8)
	};

	b->buf = buf;
	b->size = size < QMI_MAX_FRAME ? size : QMI_MAX_FRAME;
	b->len = 0;
	b->overflow = false;
	b->ctl = service == QMI_SVC_CTL;
	qmi_put(b, hdr, b->ctl ? sizeof(hdr) - 1 : sizeof(hdr));
	qmi_build_put_u16(b, msg_id);
	qmi_build_put_u16(b, 0);
}

void qmi_build_tlv_begin(struct qmi_builder *b, uint8_t type)
{
	qmi_build_put_u8(b, type);
	b->tlv_start = b->len;
	qmi_build_put_u16(b, 0);
}

void qmi_build_raw(struct qmi_builder *b, const void *p, size_t len)
{
	qmi_put(b, p, len);
}

void qmi_build_put_u8(struct qmi_builder *b, uint8_t v)
{
	qmi_put(b, &v, 1);
}

void qmi_build_put_u16(struct qmi_builder *b, uint16_t v)
{
	uint8_t p[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	qmi_put(b, p, sizeof(p));
}

void qmi_build_put_u32(struct qmi_builder *b, uint32_t v)
{
	uint8_t p[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	qmi_put(b, p, sizeof(p));
}

void qmi_build_tlv_end(struct qmi_builder *b)
{
	size_t vlen;

	if (b->overflow)
		return;
	vlen = b->len - b->tlv_start - 2;
	if (vlen > 0xffff) {
		b->overflow = true;
		return;
	}
	qmi_put_le16_at(b, b->tlv_start, (uint16_t)vlen);
}

void qmi_build_tlv(struct qmi_builder *b, uint8_t type, const void *val, size_t len)
{
	qmi_build_tlv_begin(b, type);
	qmi_put(b, val, len);
	qmi_build_tlv_end(b);
}

void qmi_build_u8(struct qmi_builder *b, uint8_t type, uint8_t v)
{
	qmi_build_tlv(b, type, &v, 1);
}

void qmi_build_u16(struct qmi_builder *b, uint8_t type, uint16_t v)
{
	qmi_build_tlv_begin(b, type);
	qmi_build_put_u16(b, v);
	qmi_build_tlv_end(b);
}

void qmi_build_u32(struct qmi_builder *b, uint8_t type, uint32_t v)
{
	qmi_build_tlv_begin(b, type);
	qmi_build_put_u32(b, v);
	qmi_build_tlv_end(b);
}

void qmi_build_str(struct qmi_builder *b, uint8_t type, const char *s)
{
	qmi_build_tlv(b, type, s, strlen(s));
}

void qmi_build_result(struct qmi_builder *b, uint16_t error)
{
	qmi_build_tlv_begin(b, QMI_TLV_RESULT);
	qmi_build_put_u16(b, error ? 1 : 0);
	qmi_build_put_u16(b, error);
	qmi_build_tlv_end(b);
}

int qmi_build_finish(struct qmi_builder *b)
{
	size_t hdr = QMI_QMUX_HDR_LEN + (b->ctl ? 2 : 3);

	if (b->overflow)
		return -E2BIG;
	qmi_put_le16_at(b, 1, (uint16_t)(b->len - 1));
	qmi_put_le16_at(b, hdr + 2, (uint16_t)(b->len - hdr - 4));
	return (int)b->len;
}
