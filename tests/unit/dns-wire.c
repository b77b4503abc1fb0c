// SPDX-License-Identifier: GPL-2.0-or-later
/* DNS answers built for tests (dns-wire.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dns-wire.h"

static size_t put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

/* A dotted name as labels (no compression); "." or "" is the root. */
static size_t put_name(uint8_t *p, const char *name)
{
	size_t n = 0;

	while (*name && strcmp(name, ".")) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		p[n++] = (uint8_t)l;
		memcpy(p + n, name, l);
		n += l;
		name += l + (dot ? 1 : 0);
	}
	p[n++] = 0;
	return n;
}

static size_t put_str(uint8_t *p, const char *s)
{
	size_t l = strlen(s ? s : "");

	p[0] = (uint8_t)l;
	memcpy(p + 1, s ? s : "", l);
	return l + 1;
}

static size_t put_rdata(uint8_t *p, const struct dnsw_rr *r)
{
	size_t n = 0;

	switch (r->type) {
	case 1:
		inet_pton(AF_INET, r->addr, p);
		return 4;
	case 28:
		inet_pton(AF_INET6, r->addr, p);
		return 16;
	case 33:
		n += put16(p + n, r->prio);
		n += put16(p + n, r->weight);
		n += put16(p + n, r->port);
		return n + put_name(p + n, r->target);
	case 35:
		n += put16(p + n, r->order);
		n += put16(p + n, r->pref);
		n += put_str(p + n, r->flags);
		n += put_str(p + n, r->service);
		n += put_str(p + n, r->regexp);
		return n + put_name(p + n, r->replacement);
	case 5:
		return put_name(p, r->target);
	}
	return 0;
}

size_t dnsw_answer(uint8_t *buf, uint16_t id, const char *qname, uint16_t qtype, unsigned int rcode,
		   const struct dnsw_rr *rr, size_t n)
{
	size_t len = 0, i, rdlen;

	len += put16(buf + len, id);
	/* QR, opcode 0, AA, RD, RA, RCODE */
	len += put16(buf + len, (uint16_t)(0x8580 | (rcode & 0xf)));
	len += put16(buf + len, 1);
	len += put16(buf + len, (uint16_t)n);
	len += put16(buf + len, 0);
	len += put16(buf + len, 0);
	len += put_name(buf + len, qname);
	len += put16(buf + len, qtype);
	len += put16(buf + len, 1);
	for (i = 0; i < n; i++) {
		len += put_name(buf + len, rr[i].owner ? rr[i].owner : qname);
		len += put16(buf + len, rr[i].type);
		len += put16(buf + len, 1);
		buf[len++] = 0;
		buf[len++] = 0;
		len += put16(buf + len, 60); /* TTL */
		rdlen = put_rdata(buf + len + 2, &rr[i]);
		len += put16(buf + len, (uint16_t)rdlen);
		len += rdlen;
	}
	return len;
}

int dnsw_question(const uint8_t *buf, size_t len, uint16_t *id, char *name, size_t name_size,
		  uint16_t *qtype)
{
	size_t p = 12, o = 0;

	if (len < 17 || (buf[2] & 0x80) || buf[4] != 0 || buf[5] != 1)
		return -1;
	*id = (uint16_t)(buf[0] << 8 | buf[1]);
	while (p < len && buf[p]) {
		size_t l = buf[p++];

		if (l > 63 || p + l > len || o + l + 2 > name_size)
			return -1;
		if (o)
			name[o++] = '.';
		memcpy(name + o, buf + p, l);
		o += l;
		p += l;
	}
	if (p + 5 > len)
		return -1;
	name[o] = '\0';
	*qtype = (uint16_t)(buf[p + 1] << 8 | buf[p + 2]);
	return 0;
}
