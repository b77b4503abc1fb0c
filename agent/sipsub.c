// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SUBSCRIBE building and the reading of its dialog's messages. Requests are
 * built as text like REGISTER in sipmsg.c; what comes in is parsed with
 * libosip2 and then checked value by value, since it came from the network.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sipsub.h"
#include "sipmsg-osip.h"
#include "util.h"

/* A value echoed into a header: printable, no quote, no '\', no '<' '>'. */
static bool value_ok(const char *s)
{
	if (!s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '<' || c == '>')
			return false;
	}
	return true;
}

/* A header value (Service-Route): printable, no CR/LF. */
static bool header_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return false;
	return true;
}

int sipsub_build_subscribe(const struct sipsub_subscribe *m, char *buf, size_t size)
{
	bool v6 = m->local_host && strchr(m->local_host, ':');
	const char *lb = v6 ? "[" : "", *rb = v6 ? "]" : "";
	size_t used = 0;
	int r;

	if (!value_ok(m->local_host) || !value_ok(m->branch) || !value_ok(m->impu) ||
	    !value_ok(m->from_tag) || !value_ok(m->call_id) || strchr(m->impu, ' ') ||
	    (m->to_tag && !value_ok(m->to_tag)) || (m->route && !header_ok(m->route)) ||
	    (m->user_agent && !value_ok(m->user_agent)) || !m->local_port ||
	    m->local_port > 65535 || strncmp(m->branch, "z9hG4bK", 7) != 0)
		return -EINVAL;
	/*
	 * TS 24.229 5.1.1.3: Request-URI and To are the registered public
	 * identity, Event: reg, Accept: application/reginfo+xml, the Route
	 * from the Service-Route, and the IMPU as P-Preferred-Identity (the
	 * P-CSCF asserts it).
	 */
	r = util_appendf(buf, size, &used,
			 "SUBSCRIBE %s SIP/2.0\r\n"
			 "Via: SIP/2.0/%s %s%s%s:%u;branch=%s;rport\r\n"
			 "Max-Forwards: 70\r\n",
			 m->impu, m->tcp ? "TCP" : "UDP", lb, m->local_host, rb, m->local_port,
			 m->branch);
	if (!r && m->route && m->route[0])
		r = util_appendf(buf, size, &used, "Route: %s\r\n", m->route);
	if (!r)
		r = util_appendf(buf, size, &used, "From: <%s>;tag=%s\r\nTo: <%s>%s%s\r\n", m->impu,
				 m->from_tag, m->impu, m->to_tag ? ";tag=" : "",
				 m->to_tag ? m->to_tag : "");
	if (!r)
		r = util_appendf(buf, size, &used,
				 "Call-ID: %s\r\n"
				 "CSeq: %u SUBSCRIBE\r\n"
				 "Contact: <sip:%s%s%s:%u%s>\r\n"
				 "P-Preferred-Identity: <%s>\r\n"
				 "Event: reg\r\n"
				 "Accept: application/reginfo+xml\r\n"
				 "Expires: %u\r\n",
				 m->call_id, m->cseq, lb, m->local_host, rb, m->local_port,
				 m->tcp ? ";transport=tcp" : "", m->impu, m->expires);
	if (!r && m->user_agent)
		r = util_appendf(buf, size, &used, "User-Agent: %s\r\n", m->user_agent);
	if (!r)
		r = util_appendf(buf, size, &used, "Content-Length: 0\r\n\r\n");
	return r < 0 ? r : (int)used;
}

static int copy_str(const char *s, char *out, size_t size)
{
	if (!s || strlen(s) >= size)
		return -EBADMSG;
	strcpy(out, s);
	return 0;
}

/* The value of header @name or its compact form @compact; NULL when absent. */
static const char *header_value(osip_message_t *msg, const char *name, const char *compact)
{
	osip_header_t *h = NULL;

	if (osip_message_header_get_byname(msg, name, 0, &h) >= 0 && h && h->hvalue)
		return h->hvalue;
	if (compact && osip_message_header_get_byname(msg, compact, 0, &h) >= 0 && h && h->hvalue)
		return h->hvalue;
	return NULL;
}

/* A delta-seconds: digits only, up to 2^31 - 1. */
static long delta(const char *s, size_t len)
{
	long v = 0;
	size_t i;

	if (!len || len > 10)
		return -2;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -2;
		v = v * 10 + (s[i] - '0');
	}
	return v > 0x7fffffffL ? -2 : v;
}

/*
 * An Expires value (RFC 3261 20.19: up to 2^32 - 1; TS 24.379 7.2.2 asks
 * for just that in PUBLISH): held as at most 2^31 - 1, longer than any of
 * our timers runs. -2 when not a number or larger than 2^32 - 1.
 */
static long expires_value(const char *s, size_t len)
{
	unsigned long long v = 0;
	size_t i;

	if (!len || len > 10)
		return -2;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -2;
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	if (v > 0xffffffffULL)
		return -2;
	return v > 0x7fffffffULL ? 0x7fffffffL : (long)v;
}

/* RFC 6665 8.2.3: Subscription-State = substate-value *( ";" subexp-params ). */
static int parse_sub_state(const char *v, struct sipsub_msg *m)
{
	size_t n = strcspn(v, "; \t");
	const char *p;

	if (!n || n >= sizeof(m->sub_state))
		return -EBADMSG;
	memcpy(m->sub_state, v, n);
	m->sub_state[n] = '\0';
	for (p = v + n; (p = strchr(p, ';'));) {
		p++;
		p += strspn(p, " \t");
		if (strncasecmp(p, "expires=", 8) == 0) {
			m->sub_expires = delta(p + 8, strcspn(p + 8, "; \t"));
			if (m->sub_expires < 0)
				return -EBADMSG;
		}
	}
	return 0;
}

static int parse_headers(osip_message_t *msg, struct sipsub_msg *m, const char **err)
{
	/* libosip2's lookups take a char *, not a literal. */
	char tag_name[] = "tag", branch_name[] = "branch";
	osip_generic_param_t *branch = NULL;
	osip_uri_param_t *tag = NULL;
	osip_header_t *exp = NULL;
	osip_via_t *via;
	const char *v;
	char *callid = NULL;
	int ret;

	if (MSG_IS_REQUEST(msg)) {
		m->request = true;
		if (copy_str(msg->sip_method, m->method, sizeof(m->method)) < 0) {
			*err = "request method missing or too long";
			return -EBADMSG;
		}
	} else {
		m->status = (unsigned int)msg->status_code;
		if (m->status < 100 || m->status > 699) {
			*err = "status code out of range";
			return -EBADMSG;
		}
		copy_str(msg->reason_phrase ? msg->reason_phrase : "", m->reason,
			 sizeof(m->reason));
	}
	if (!msg->call_id || osip_call_id_to_str(msg->call_id, &callid) != 0) {
		*err = "Call-ID missing";
		return -EBADMSG;
	}
	ret = copy_str(callid, m->call_id, sizeof(m->call_id));
	osip_free(callid);
	if (ret < 0) {
		*err = "Call-ID too long";
		return -EBADMSG;
	}
	if (!msg->from || osip_uri_param_get_byname(&msg->from->gen_params, tag_name, &tag) != 0 ||
	    !tag || !tag->gvalue || copy_str(tag->gvalue, m->from_tag, sizeof(m->from_tag)) < 0) {
		*err = "From tag missing or too long";
		return -EBADMSG;
	}
	tag = NULL;
	if (!msg->to) {
		*err = "To missing";
		return -EBADMSG;
	}
	if (osip_uri_param_get_byname(&msg->to->gen_params, tag_name, &tag) == 0 && tag &&
	    tag->gvalue && copy_str(tag->gvalue, m->to_tag, sizeof(m->to_tag)) < 0) {
		*err = "To tag too long";
		return -EBADMSG;
	}
	if (!msg->cseq || !msg->cseq->number || !msg->cseq->method ||
	    delta(msg->cseq->number, strlen(msg->cseq->number)) < 0 ||
	    copy_str(msg->cseq->method, m->cseq_method, sizeof(m->cseq_method)) < 0) {
		*err = "CSeq missing or malformed";
		return -EBADMSG;
	}
	m->cseq = (uint32_t)delta(msg->cseq->number, strlen(msg->cseq->number));
	if (osip_message_get_via(msg, 0, &via) < 0 ||
	    osip_via_param_get_byname(via, branch_name, &branch) < 0 || !branch ||
	    copy_str(branch->gvalue, m->branch, sizeof(m->branch)) < 0) {
		*err = "Via branch missing or too long";
		return -EBADMSG;
	}
	v = header_value(msg, "event", "o");
	if (v) {
		size_t n = strcspn(v, "; \t");

		if (n >= sizeof(m->event)) {
			*err = "Event too long";
			return -EBADMSG;
		}
		memcpy(m->event, v, n);
		m->event[n] = '\0';
	}
	v = header_value(msg, "subscription-state", NULL);
	if (v && parse_sub_state(v, m) < 0) {
		*err = "Subscription-State malformed";
		return -EBADMSG;
	}
	if (osip_message_get_expires(msg, 0, &exp) >= 0 && exp && exp->hvalue) {
		m->expires = expires_value(exp->hvalue, strlen(exp->hvalue));
		if (m->expires < 0) {
			*err = "Expires not a number";
			return -EBADMSG;
		}
	}
	m->reginfo = msg->content_type && msg->content_type->type && msg->content_type->subtype &&
		     strcasecmp(msg->content_type->type, "application") == 0 &&
		     strcasecmp(msg->content_type->subtype, "reginfo+xml") == 0;
	return 0;
}

/* Is @line (up to @eol) header @name or its compact form @compact? */
static bool is_header(const char *line, const char *eol, const char *name, const char *compact)
{
	const char *names[] = { name, compact };
	size_t i, n;
	const char *p;

	for (i = 0; i < 2; i++) {
		if (!names[i])
			continue;
		n = strlen(names[i]);
		if ((size_t)(eol - line) <= n || strncasecmp(line, names[i], n) != 0)
			continue;
		for (p = line + n; p < eol && (*p == ' ' || *p == '\t'); p++)
			;
		if (p < eol && *p == ':')
			return true;
	}
	return false;
}

/* Content-Length (or "l") from the raw headers: -1 absent, -2 malformed. */
static long raw_content_length(const char *s, const char *eoh)
{
	const char *end = eoh + 2, *line, *eol, *v;

	line = (const char *)memmem(s, (size_t)(end - s), "\r\n", 2) + 2;
	for (; line < end; line = eol + 2) {
		eol = memmem(line, (size_t)(end - line), "\r\n", 2);
		if (!is_header(line, eol, "content-length", "l"))
			continue;
		v = (const char *)memchr(line, ':', (size_t)(eol - line)) + 1;
		v += strspn(v, " \t");
		return delta(v, (size_t)(eol - v));
	}
	return -1;
}

int sipsub_parse(const uint8_t *buf, size_t len, struct sipsub_msg *m, const char **err)
{
	osip_message_t *msg = NULL;
	const uint8_t *eoh;
	long cl = -1;
	int ret;

	memset(m, 0, sizeof(*m));
	m->sub_expires = m->expires = -1;
	*err = NULL;
	ret = sipmsg_osip_frame(buf, len, &eoh, err);
	if (ret < 0)
		return ret;
	m->body_off = (size_t)(eoh - buf) + 4;
	cl = raw_content_length((const char *)buf, (const char *)eoh);
	if (cl == -2) {
		*err = "Content-Length not a number";
		return -EBADMSG;
	}
	/* RFC 3261 18.3: a body shorter than Content-Length is a truncated message. */
	if (cl > (long)(len - m->body_off)) {
		*err = "truncated: body shorter than Content-Length";
		return -EBADMSG;
	}
	ret = sipmsg_osip_parse(buf, len, &msg);
	if (ret < 0) {
		*err = ret == -ENOMEM ? "out of memory" : "malformed SIP message";
		return ret;
	}
	ret = parse_headers(msg, m, err);
	if (ret < 0)
		goto out;
	m->body_len = cl >= 0 ? (size_t)cl : len - m->body_off;
out:
	osip_message_free(msg);
	return ret;
}

int sipsub_build_response(const uint8_t *req, size_t len, unsigned int status, const char *reason,
			  const char *to_tag, char *buf, size_t size)
{
	const char *s = (const char *)req, *end, *line, *eol;
	size_t used = 0;
	int r;

	end = memmem(s, len, "\r\n\r\n", 4);
	if (!end)
		return -EBADMSG;
	r = util_appendf(buf, size, &used, "SIP/2.0 %u %s\r\n", status, reason);
	line = (const char *)memmem(s, len, "\r\n", 2) + 2;
	/* RFC 3261 8.2.6.2: the request's Via (all, in order), From, To, Call-ID, CSeq. */
	for (; !r && line < end + 2; line = eol + 2) {
		eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
		if (is_header(line, eol, "via", "v") || is_header(line, eol, "from", "f") ||
		    is_header(line, eol, "call-id", "i") || is_header(line, eol, "cseq", NULL)) {
			r = util_appendf(buf, size, &used, "%.*s\r\n", (int)(eol - line), line);
		} else if (is_header(line, eol, "to", "t")) {
			bool tagged = memmem(line, (size_t)(eol - line), ";tag=", 5) != NULL;

			r = util_appendf(
				buf, size, &used, "%.*s%s%s\r\n", (int)(eol - line), line,
				tagged || !to_tag ? "" : ";tag=", tagged || !to_tag ? "" : to_tag);
		}
	}
	if (!r)
		r = util_appendf(buf, size, &used, "Content-Length: 0\r\n\r\n");
	return r < 0 ? r : (int)used;
}
