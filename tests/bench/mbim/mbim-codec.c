// SPDX-License-Identifier: GPL-2.0-or-later
/* Pure MBIM control message codec; see mbim-codec.h. */
#include <errno.h>
#include <string.h>

#include "mbim-codec.h"

/* MBIM 1.0 10.1: a289cc33-bcbb-8b4f-b6b0-133ec2aae6df, bytes in string order. */
const uint8_t mbim_uuid_basic_connect[MBIM_UUID_LEN] = { 0xa2, 0x89, 0xcc, 0x33, 0xbc, 0xbb,
							 0x8b, 0x4f, 0xb6, 0xb0, 0x13, 0x3e,
							 0xc2, 0xaa, 0xe6, 0xdf };
/* Microsoft Basic Connect Extensions: 3d01dcc5-fef5-4d05-0d3a-bef7058e9aaf. */
const uint8_t mbim_uuid_ms_basic_connect_ext[MBIM_UUID_LEN] = { 0x3d, 0x01, 0xdc, 0xc5, 0xfe, 0xf5,
								0x4d, 0x05, 0x0d, 0x3a, 0xbe, 0xf7,
								0x05, 0x8e, 0x9a, 0xaf };
/* libmbim's proxy control service: 838cf7fb-8d0d-4d7f-871e-d71dbefbb39b. */
const uint8_t mbim_uuid_proxy_control[MBIM_UUID_LEN] = { 0x83, 0x8c, 0xf7, 0xfb, 0x8d, 0x0d,
							 0x4d, 0x7f, 0x87, 0x1e, 0xd7, 0x1d,
							 0xbe, 0xfb, 0xb3, 0x9b };
/* MBIMEx context type IMS: 21610d01-3074-4bce-9425-b53a07d697d6. */
const uint8_t mbim_uuid_context_ims[MBIM_UUID_LEN] = { 0x21, 0x61, 0x0d, 0x01, 0x30, 0x74,
						       0x4b, 0xce, 0x94, 0x25, 0xb5, 0x3a,
						       0x07, 0xd6, 0x97, 0xd6 };
const uint8_t mbim_uuid_context_none[MBIM_UUID_LEN];

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

int mbim_hdr_peek(const uint8_t *buf, size_t len, struct mbim_hdr *h)
{
	if (len < MBIM_HDR_LEN)
		return -EAGAIN;
	h->type = get_u32(buf);
	h->len = get_u32(buf + 4);
	h->tid = get_u32(buf + 8);
	if (h->len < MBIM_HDR_LEN || h->len > MBIM_MAX_MESSAGE)
		return -EBADMSG;
	return 0;
}

static bool is_cmd_type(uint32_t type)
{
	return type == MBIM_MSG_COMMAND || type == MBIM_MSG_COMMAND_DONE ||
	       type == MBIM_MSG_INDICATE_STATUS;
}

static size_t cmd_hdr_len(uint32_t type)
{
	return type == MBIM_MSG_INDICATE_STATUS ? MBIM_INDICATE_HDR_LEN : MBIM_CMD_HDR_LEN;
}

/* The fragment header fields and the rest of a (possibly partial) message. */
static int frag_parse(const uint8_t *buf, size_t len, struct mbim_hdr *h, uint32_t *total,
		      uint32_t *current)
{
	int err = mbim_hdr_peek(buf, len, h);

	if (err == -EAGAIN)
		return -EBADMSG;
	if (err)
		return err;
	if (h->len != len || !is_cmd_type(h->type) || len < MBIM_HDR_LEN + MBIM_FRAG_HDR_LEN)
		return -EBADMSG;
	*total = get_u32(buf + 12);
	*current = get_u32(buf + 16);
	if (*total == 0 || *current >= *total)
		return -EBADMSG;
	return 0;
}

int mbim_cmd_parse(const uint8_t *buf, size_t len, struct mbim_cmd *c)
{
	struct mbim_hdr h;
	size_t hl, off;
	int err;

	err = frag_parse(buf, len, &h, &c->frag_total, &c->frag_current);
	if (err)
		return err;
	if (c->frag_total != 1)
		return -EBADMSG;
	hl = cmd_hdr_len(h.type);
	if (len < hl)
		return -EBADMSG;
	c->type = h.type;
	c->tid = h.tid;
	memcpy(c->uuid, buf + 20, MBIM_UUID_LEN);
	c->cid = get_u32(buf + 36);
	off = 40;
	c->type_or_status = 0;
	if (h.type != MBIM_MSG_INDICATE_STATUS) {
		c->type_or_status = get_u32(buf + off);
		off += 4;
	}
	c->ib_len = get_u32(buf + off);
	if (c->ib_len != len - hl)
		return -EBADMSG;
	c->ib = buf + hl;
	return 0;
}

ssize_t mbim_cmd_build(uint8_t *out, size_t cap, uint32_t type, uint32_t tid,
		       const uint8_t uuid[MBIM_UUID_LEN], uint32_t cid, uint32_t type_or_status,
		       const uint8_t *ib, size_t ib_len)
{
	size_t hl, total, off = 40;

	if (!is_cmd_type(type))
		return -EINVAL;
	hl = cmd_hdr_len(type);
	if (ib_len > MBIM_MAX_MESSAGE - hl)
		return -E2BIG;
	total = hl + ib_len;
	if (total > cap)
		return -E2BIG;
	put_u32(out, type);
	put_u32(out + 4, (uint32_t)total);
	put_u32(out + 8, tid);
	put_u32(out + 12, 1);
	put_u32(out + 16, 0);
	memcpy(out + 20, uuid, MBIM_UUID_LEN);
	put_u32(out + 36, cid);
	if (type != MBIM_MSG_INDICATE_STATUS) {
		put_u32(out + off, type_or_status);
		off += 4;
	}
	put_u32(out + off, (uint32_t)ib_len);
	if (ib_len)
		memmove(out + hl, ib, ib_len);
	return (ssize_t)total;
}

ssize_t mbim_simple_build(uint8_t *out, size_t cap, uint32_t type, uint32_t tid, uint32_t value)
{
	size_t total = type == MBIM_MSG_CLOSE ? MBIM_HDR_LEN : MBIM_HDR_LEN + 4;

	switch (type) {
	case MBIM_MSG_OPEN:
	case MBIM_MSG_CLOSE:
	case MBIM_MSG_HOST_ERROR:
	case MBIM_MSG_OPEN_DONE:
	case MBIM_MSG_CLOSE_DONE:
	case MBIM_MSG_FUNCTION_ERROR:
		break;
	default:
		return -EINVAL;
	}
	if (cap < total)
		return -E2BIG;
	put_u32(out, type);
	put_u32(out + 4, (uint32_t)total);
	put_u32(out + 8, tid);
	if (total > MBIM_HDR_LEN)
		put_u32(out + 12, value);
	return (ssize_t)total;
}

int mbim_simple_parse(const uint8_t *buf, size_t len, struct mbim_hdr *h, uint32_t *value)
{
	int err = mbim_hdr_peek(buf, len, h);

	if (err == -EAGAIN)
		return -EBADMSG;
	if (err)
		return err;
	if (h->len != len)
		return -EBADMSG;
	*value = 0;
	if (h->type == MBIM_MSG_CLOSE)
		return 0;
	if (len != MBIM_HDR_LEN + 4)
		return -EBADMSG;
	*value = get_u32(buf + 12);
	return 0;
}

ssize_t mbim_fragment(const uint8_t *msg, size_t len, size_t max_frag, uint8_t *out, size_t cap)
{
	/* MBIM 1.0 9.2: every fragment repeats header and fragment header. */
	const size_t fh = MBIM_HDR_LEN + MBIM_FRAG_HDR_LEN;
	struct mbim_cmd c;
	size_t payload, per, n, i, written = 0;
	int err;

	err = mbim_cmd_parse(msg, len, &c);
	if (err)
		return -EINVAL;
	if (max_frag <= fh || max_frag < cmd_hdr_len(c.type))
		return -EINVAL;
	payload = len - fh;
	per = max_frag - fh;
	n = (payload + per - 1) / per;
	for (i = 0; i < n; i++) {
		size_t chunk = payload - i * per < per ? payload - i * per : per;

		if (cap - written < fh + chunk)
			return -E2BIG;
		put_u32(out + written, c.type);
		put_u32(out + written + 4, (uint32_t)(fh + chunk));
		put_u32(out + written + 8, c.tid);
		put_u32(out + written + 12, (uint32_t)n);
		put_u32(out + written + 16, (uint32_t)i);
		memcpy(out + written + fh, msg + fh + i * per, chunk);
		written += fh + chunk;
	}
	return (ssize_t)written;
}

void mbim_reasm_init(struct mbim_reasm *r)
{
	r->active = false;
	r->len = 0;
}

int mbim_reasm_feed(struct mbim_reasm *r, const uint8_t *buf, size_t len, const uint8_t **out,
		    size_t *out_len)
{
	const size_t fh = MBIM_HDR_LEN + MBIM_FRAG_HDR_LEN;
	struct mbim_hdr h;
	uint32_t total, current;
	int err;

	err = frag_parse(buf, len, &h, &total, &current);
	if (err)
		return err;
	if (!r->active) {
		if (current != 0) {
			mbim_reasm_init(r);
			return -EPROTO;
		}
		if (total == 1) {
			*out = buf;
			*out_len = len;
			return 1;
		}
		memcpy(r->buf, buf, len);
		r->len = len;
		r->tid = h.tid;
		r->type = h.type;
		r->total = total;
		r->next = 1;
		r->active = true;
		return 0;
	}
	if (h.tid != r->tid || h.type != r->type || total != r->total || current != r->next) {
		mbim_reasm_init(r);
		return -EPROTO;
	}
	if (len - fh > sizeof(r->buf) - r->len) {
		mbim_reasm_init(r);
		return -EMSGSIZE;
	}
	memcpy(r->buf + r->len, buf + fh, len - fh);
	r->len += len - fh;
	if (++r->next < r->total)
		return 0;
	/* Whole: rewrite the header so it reads as one fragment. */
	put_u32(r->buf + 4, (uint32_t)r->len);
	put_u32(r->buf + 12, 1);
	put_u32(r->buf + 16, 0);
	r->active = false;
	*out = r->buf;
	*out_len = r->len;
	return 1;
}

void mbim_ib_init(struct mbim_ib *r, const uint8_t *buf, size_t len)
{
	r->buf = buf;
	r->len = len;
	r->pos = 0;
}

int mbim_ib_u32(struct mbim_ib *r, uint32_t *v)
{
	if (r->len - r->pos < 4)
		return -EBADMSG;
	*v = get_u32(r->buf + r->pos);
	r->pos += 4;
	return 0;
}

int mbim_ib_uuid(struct mbim_ib *r, uint8_t uuid[MBIM_UUID_LEN])
{
	if (r->len - r->pos < MBIM_UUID_LEN)
		return -EBADMSG;
	memcpy(uuid, r->buf + r->pos, MBIM_UUID_LEN);
	r->pos += MBIM_UUID_LEN;
	return 0;
}

/* MBIM 1.0 10.3: variable data lies 4-aligned inside the buffer. */
static int ib_pair(struct mbim_ib *r, uint32_t *off, uint32_t *size)
{
	if (mbim_ib_u32(r, off) || mbim_ib_u32(r, size))
		return -EBADMSG;
	if (*off == 0 && *size == 0)
		return 0;
	if (*off % 4 || *off > r->len || *size > r->len - *off)
		return -EBADMSG;
	return 0;
}

static int utf8_put(char *out, size_t out_size, size_t *n, uint32_t cp)
{
	uint8_t tmp[4];
	size_t k, len;

	if (cp < 0x80) {
		tmp[0] = (uint8_t)cp;
		len = 1;
	} else if (cp < 0x800) {
		tmp[0] = 0xc0 | (cp >> 6);
		tmp[1] = 0x80 | (cp & 0x3f);
		len = 2;
	} else if (cp < 0x10000) {
		tmp[0] = 0xe0 | (cp >> 12);
		tmp[1] = 0x80 | ((cp >> 6) & 0x3f);
		tmp[2] = 0x80 | (cp & 0x3f);
		len = 3;
	} else {
		tmp[0] = 0xf0 | (cp >> 18);
		tmp[1] = 0x80 | ((cp >> 12) & 0x3f);
		tmp[2] = 0x80 | ((cp >> 6) & 0x3f);
		tmp[3] = 0x80 | (cp & 0x3f);
		len = 4;
	}
	if (out_size - *n <= len)
		return -E2BIG;
	for (k = 0; k < len; k++)
		out[(*n)++] = (char)tmp[k];
	return 0;
}

int mbim_ib_string(struct mbim_ib *r, char *out, size_t out_size)
{
	uint32_t off, size, i;
	size_t n = 0;
	const uint8_t *s;

	if (out_size == 0)
		return -E2BIG;
	if (ib_pair(r, &off, &size) || size % 2)
		return -EBADMSG;
	s = r->buf + off;
	for (i = 0; i < size; i += 2) {
		uint32_t cp = s[i] | s[i + 1] << 8;

		if (cp >= 0xdc00 && cp < 0xe000)
			return -EBADMSG;
		if (cp >= 0xd800 && cp < 0xdc00) {
			uint32_t lo;

			if (size - i < 4)
				return -EBADMSG;
			lo = s[i + 2] | s[i + 3] << 8;
			if (lo < 0xdc00 || lo >= 0xe000)
				return -EBADMSG;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		}
		if (cp == 0 || utf8_put(out, out_size, &n, cp))
			return cp == 0 ? -EBADMSG : -E2BIG;
	}
	out[n] = '\0';
	return 0;
}

void mbim_ibw_init(struct mbim_ibw *w, uint8_t *buf, size_t cap, size_t fixed_len)
{
	w->buf = buf;
	w->cap = cap;
	w->fixed_len = fixed_len;
	w->pos = 0;
	w->end = fixed_len;
	w->err = fixed_len > cap ? -E2BIG : 0;
	if (!w->err)
		memset(buf, 0, fixed_len);
}

static uint8_t *ibw_fixed(struct mbim_ibw *w, size_t n)
{
	uint8_t *p;

	if (w->err)
		return NULL;
	if (w->fixed_len - w->pos < n) {
		w->err = -EINVAL;
		return NULL;
	}
	p = w->buf + w->pos;
	w->pos += n;
	return p;
}

void mbim_ibw_u32(struct mbim_ibw *w, uint32_t v)
{
	uint8_t *p = ibw_fixed(w, 4);

	if (p)
		put_u32(p, v);
}

void mbim_ibw_u64(struct mbim_ibw *w, uint64_t v)
{
	uint8_t *p = ibw_fixed(w, 8);

	if (p) {
		put_u32(p, (uint32_t)v);
		put_u32(p + 4, (uint32_t)(v >> 32));
	}
}

void mbim_ibw_uuid(struct mbim_ibw *w, const uint8_t uuid[MBIM_UUID_LEN])
{
	uint8_t *p = ibw_fixed(w, MBIM_UUID_LEN);

	if (p)
		memcpy(p, uuid, MBIM_UUID_LEN);
}

/* Reserves @n bytes 4-aligned in the variable part; NULL on overflow. */
static uint8_t *ibw_var(struct mbim_ibw *w, size_t n, size_t *off)
{
	size_t start = (w->end + 3) & ~(size_t)3;

	if (w->err)
		return NULL;
	if (start > w->cap || w->cap - start < n) {
		w->err = -E2BIG;
		return NULL;
	}
	memset(w->buf + w->end, 0, start - w->end);
	*off = start;
	w->end = start + n;
	return w->buf + start;
}

static int utf8_next(const uint8_t **s, uint32_t *cp)
{
	const uint8_t *p = *s;
	size_t k, len;

	if (p[0] < 0x80) {
		*cp = p[0];
		len = 1;
	} else if ((p[0] & 0xe0) == 0xc0) {
		*cp = p[0] & 0x1f;
		len = 2;
	} else if ((p[0] & 0xf0) == 0xe0) {
		*cp = p[0] & 0x0f;
		len = 3;
	} else if ((p[0] & 0xf8) == 0xf0) {
		*cp = p[0] & 0x07;
		len = 4;
	} else {
		return -EINVAL;
	}
	for (k = 1; k < len; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return -EINVAL;
		*cp = *cp << 6 | (p[k] & 0x3f);
	}
	if (*cp > 0x10ffff || (*cp >= 0xd800 && *cp < 0xe000))
		return -EINVAL;
	*s = p + len;
	return 0;
}

void mbim_ibw_string(struct mbim_ibw *w, const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t units = 0, off = 0, i = 0;
	uint8_t *fixed, *dst;
	uint32_t cp;

	/* First pass: validate and count UTF-16 code units. */
	while (*p) {
		if (utf8_next(&p, &cp)) {
			w->err = w->err ? w->err : -EINVAL;
			return;
		}
		units += cp >= 0x10000 ? 2 : 1;
	}
	fixed = ibw_fixed(w, 8);
	if (!fixed || units == 0)
		return;
	dst = ibw_var(w, units * 2, &off);
	if (!dst)
		return;
	p = (const uint8_t *)s;
	while (*p) {
		utf8_next(&p, &cp);
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			uint32_t hi = 0xd800 | (v >> 10), lo = 0xdc00 | (v & 0x3ff);

			dst[i++] = hi & 0xff;
			dst[i++] = hi >> 8;
			dst[i++] = lo & 0xff;
			dst[i++] = lo >> 8;
		} else {
			dst[i++] = cp & 0xff;
			dst[i++] = cp >> 8;
		}
	}
	put_u32(fixed, (uint32_t)off);
	put_u32(fixed + 4, (uint32_t)(units * 2));
}

void mbim_ibw_data(struct mbim_ibw *w, const void *data, size_t n, bool with_size)
{
	uint8_t *fixed = ibw_fixed(w, with_size ? 8 : 4), *dst;
	size_t off = 0;

	if (!fixed || n == 0)
		return;
	dst = ibw_var(w, n, &off);
	if (!dst)
		return;
	memcpy(dst, data, n);
	put_u32(fixed, (uint32_t)off);
	if (with_size)
		put_u32(fixed + 4, (uint32_t)n);
}

ssize_t mbim_ibw_finish(struct mbim_ibw *w)
{
	if (w->err)
		return w->err;
	if (w->pos != w->fixed_len)
		return -EINVAL;
	return (ssize_t)w->end;
}
