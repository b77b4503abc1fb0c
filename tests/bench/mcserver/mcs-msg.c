// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agent/sipsub.h"
#include "hal/util.h"
#include "mcs-msg.h"

int mcs_header(const uint8_t *buf, size_t len, const char *name, char *out, size_t size)
{
	const char *s = (const char *)buf, *end, *line, *eol, *v;
	size_t n = strlen(name), vlen;

	end = memmem(s, len, "\r\n\r\n", 4);
	if (!end)
		end = s + len;
	line = memmem(s, (size_t)(end - s), "\r\n", 2);
	for (; line && line < end; line = eol) {
		line += 2;
		eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
		if (!eol)
			eol = end;
		if ((size_t)(eol - line) <= n || strncasecmp(line, name, n) != 0)
			continue;
		v = line + n;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		if (v >= eol || *v != ':')
			continue;
		v++;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		vlen = (size_t)(eol - v);
		while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
		if (vlen >= size)
			return -E2BIG;
		memcpy(out, v, vlen);
		out[vlen] = '\0';
		return 0;
	}
	return -ENOENT;
}

int mcs_xml_value(const char *body, size_t len, const char *outer, const char *inner, char *out,
		  size_t size)
{
	char open_outer[64], open_inner[64], close_inner[64];
	const char *p, *v, *e, *end = body + len;
	size_t vlen;

	snprintf(open_outer, sizeof(open_outer), "<%s", outer);
	snprintf(open_inner, sizeof(open_inner), "<%s>", inner);
	snprintf(close_inner, sizeof(close_inner), "</%s>", inner);
	p = memmem(body, len, open_outer, strlen(open_outer));
	if (!p)
		return -ENOENT;
	v = memmem(p, (size_t)(end - p), open_inner, strlen(open_inner));
	if (!v)
		return -ENOENT;
	v += strlen(open_inner);
	e = memmem(v, (size_t)(end - v), close_inner, strlen(close_inner));
	if (!e)
		return -ENOENT;
	vlen = (size_t)(e - v);
	if (vlen >= size)
		return -E2BIG;
	if (!vlen || memchr(v, '<', vlen) || memchr(v, '&', vlen) || memchr(v, '\0', vlen))
		return -EINVAL;
	memcpy(out, v, vlen);
	out[vlen] = '\0';
	return 0;
}

int mcs_build_response(const uint8_t *req, size_t len, unsigned int status, const char *reason,
		       const char *to_tag, const char *extra, char *buf, size_t size)
{
	static const char tail[] = "Content-Length: 0\r\n\r\n";
	size_t n = strlen(extra), tl = sizeof(tail) - 1;
	int r;

	r = sipsub_build_response(req, len, status, reason, to_tag, buf, size);
	if (r < 0)
		return r;
	if ((size_t)r + n >= size)
		return -E2BIG;
	/* The extra header lines go before the closing Content-Length. */
	memmove(buf + r - tl + n, buf + r - tl, tl + 1);
	memcpy(buf + r - tl, extra, n);
	return r + (int)n;
}

static bool plain(const char *s)
{
	return s && *s && !strpbrk(s, "<>&\"'\r\n");
}

int mcs_build_migration(const struct mcs_migration *m, char *buf, size_t size)
{
	size_t used = 0;
	int r;

	if (!plain(m->partner_id) || !plain(m->primary_id) || !plain(m->partner_system))
		return -EINVAL;
	r = util_appendf(buf, size, &used,
			 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
			 "<migration-service-authorisation-request>\r\n"
			 "<mc-service-id-partner><v>%s</v></mc-service-id-partner>\r\n"
			 "<mc-service-id-primary><v>%s</v></mc-service-id-primary>\r\n"
			 "<partner-system><v>%s</v></partner-system>\r\n"
			 "</migration-service-authorisation-request>\r\n",
			 m->partner_id, m->primary_id, m->partner_system);
	return r < 0 ? r : (int)used;
}
