// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PUBLISH for MCPTT service settings (TS 24.379 7.2.2) built as text like
 * REGISTER in sipmsg.c; the MC server's answers parsed with libosip2 and
 * then checked value by value, since they came from the network.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mcsvc-msg.h"
#include "sipmsg-osip.h"
#include "util.h"

/* A value echoed into a header: printable, no quote, no '\', no '<' '>', no space. */
static bool value_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '<' || c == '>')
			return false;
	}
	return true;
}

/* @n bytes of @s as value_ok() would take them. */
static bool value_ok_len(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f || s[i] == '"' || s[i] == '\\' ||
		    s[i] == '<' || s[i] == '>')
			return false;
	return true;
}

/* A header value (Service-Route, User-Agent): printable, no CR/LF. */
static bool header_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return false;
	return true;
}

/* XML text content (XML 1.0 2.4): the five specials escaped, no control characters. */
static int append_xml(char *buf, size_t size, size_t *used, const char *s)
{
	int r = 0;

	for (; !r && *s; s++) {
		switch (*s) {
		case '&':
			r = util_appendf(buf, size, used, "&amp;");
			break;
		case '<':
			r = util_appendf(buf, size, used, "&lt;");
			break;
		case '>':
			r = util_appendf(buf, size, used, "&gt;");
			break;
		case '"':
			r = util_appendf(buf, size, used, "&quot;");
			break;
		case '\'':
			r = util_appendf(buf, size, used, "&apos;");
			break;
		default:
			if ((unsigned char)*s < 0x20)
				return -EINVAL;
			r = util_appendf(buf, size, used, "%c", *s);
		}
	}
	return r;
}

/*
 * The two bodies of TS 24.379 7.2.2: application/poc-settings+xml (RFC 4354,
 * the <entity> id is the MCPTT client ID) and application/vnd.3gpp.mcptt-info
 * +xml (Annex F.1: <mcptt-access-token>, <mcptt-request-uri> with the MCPTT
 * ID, <mcptt-client-id>), as one multipart/mixed (RFC 2046 5.1).
 */
static int append_bodies(const struct mcsvc_publish *m, char *buf, size_t size, size_t *used)
{
	int r;

	r = util_appendf(buf, size, used,
			 "--%s\r\n"
			 "Content-Type: application/poc-settings+xml\r\n\r\n"
			 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
			 "<poc-settings xmlns=\"urn:oma:xml:poc:poc-settings\">\r\n"
			 "<entity id=\"",
			 m->boundary);
	if (!r)
		r = append_xml(buf, size, used, m->client_id);
	if (!r)
		r = util_appendf(
			buf, size, used,
			"\">\r\n"
			"<am-settings><answer-mode>auto-answer</answer-mode></am-settings>\r\n"
			"</entity>\r\n"
			"</poc-settings>\r\n"
			"--%s\r\n"
			"Content-Type: application/vnd.3gpp.mcptt-info+xml\r\n\r\n"
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
			"<mcpttinfo xmlns=\"urn:3gpp:ns:mcpttInfo:1.0\">\r\n"
			"<mcptt-Params>\r\n"
			"<mcptt-access-token type=\"Normal\"><mcpttString>",
			m->boundary);
	if (!r)
		r = append_xml(buf, size, used, m->access_token);
	if (!r)
		r = util_appendf(buf, size, used,
				 "</mcpttString></mcptt-access-token>\r\n"
				 "<mcptt-request-uri type=\"Normal\"><mcpttURI>");
	if (!r)
		r = append_xml(buf, size, used, m->mcptt_id);
	if (!r)
		r = util_appendf(buf, size, used,
				 "</mcpttURI></mcptt-request-uri>\r\n"
				 "<mcptt-client-id type=\"Normal\"><mcpttString>");
	if (!r)
		r = append_xml(buf, size, used, m->client_id);
	if (!r)
		r = util_appendf(buf, size, used,
				 "</mcpttString></mcptt-client-id>\r\n"
				 "</mcptt-Params>\r\n"
				 "</mcpttinfo>\r\n"
				 "--%s--\r\n",
				 m->boundary);
	return r;
}

static bool publish_ok(const struct mcsvc_publish *m)
{
	bool initial = !m->etag;

	if (!value_ok(m->local_host) || !value_ok(m->branch) || !value_ok(m->request_uri) ||
	    !value_ok(m->impu) || !value_ok(m->from_tag) || !value_ok(m->call_id) ||
	    (m->route && !header_ok(m->route)) || (m->user_agent && !header_ok(m->user_agent)) ||
	    (m->contact && !value_ok(m->contact)) || !m->local_port || m->local_port > 65535 ||
	    strncmp(m->branch, "z9hG4bK", 7) != 0)
		return false;
	/* RFC 3903 4.2: the initial publication carries the state, a refresh none. */
	if (initial)
		return m->expires && value_ok(m->access_token) && value_ok(m->client_id) &&
		       value_ok(m->mcptt_id) && value_ok(m->boundary) && strlen(m->boundary) <= 70;
	return value_ok(m->etag) && !m->access_token;
}

static int build(const struct mcsvc_publish *m, char *buf, size_t size)
{
	bool v6 = strchr(m->local_host, ':') != NULL;
	const char *lb = v6 ? "[" : "", *rb = v6 ? "]" : "";
	size_t used = 0, body_at, len_at, blen;
	char digits[8];
	int r, n;

	r = util_appendf(buf, size, &used,
			 "PUBLISH %s SIP/2.0\r\n"
			 "Via: SIP/2.0/%s %s%s%s:%u;branch=%s;rport\r\n"
			 "Max-Forwards: 70\r\n",
			 m->request_uri, m->tcp ? "TCP" : "UDP", lb, m->local_host, rb,
			 m->local_port, m->branch);
	/* TS 24.229 5.1.2A.1.1: routed by the registration's Service-Route. */
	if (!r && m->route && m->route[0])
		r = util_appendf(buf, size, &used, "Route: %s\r\n", m->route);
	/*
	 * TS 24.379 7.2.2: the MCPTT ICSI as P-Preferred-Service, and an
	 * Accept-Contact that only an MCPTT server matches (RFC 3841).
	 */
	if (!r)
		r = util_appendf(buf, size, &used,
				 "From: <%s>;tag=%s\r\n"
				 "To: <%s>\r\n"
				 "Call-ID: %s\r\n"
				 "CSeq: %u PUBLISH\r\n"
				 "P-Preferred-Identity: <%s>\r\n"
				 "P-Preferred-Service: urn:urn-7:3gpp-service.ims.icsi.mcptt\r\n"
				 "Accept-Contact: *;+g.3gpp.mcptt;require;explicit\r\n"
				 "Event: poc-settings\r\n"
				 "Expires: %u\r\n",
				 m->impu, m->from_tag, m->impu, m->call_id, m->cseq, m->impu,
				 m->expires);
	if (!r && m->contact)
		r = util_appendf(buf, size, &used, "Contact: <%s>\r\n", m->contact);
	if (!r && m->etag)
		r = util_appendf(buf, size, &used, "SIP-If-Match: %s\r\n", m->etag);
	if (!r && m->user_agent)
		r = util_appendf(buf, size, &used, "User-Agent: %s\r\n", m->user_agent);
	if (r)
		return r;
	if (m->etag)
		r = util_appendf(buf, size, &used, "Content-Length: 0\r\n\r\n");
	if (r || m->etag)
		return r < 0 ? r : (int)used;
	r = util_appendf(buf, size, &used, "Content-Type: multipart/mixed;boundary=%s\r\n",
			 m->boundary);
	/* Content-Length is written once the body's size is known (under 65536: 5 digits). */
	len_at = used + strlen("Content-Length: ");
	if (!r)
		r = util_appendf(buf, size, &used, "Content-Length: 00000\r\n\r\n");
	body_at = used;
	if (!r)
		r = append_bodies(m, buf, size, &used);
	if (r)
		return r;
	/* The digits replace the placeholder, the rest moves left over its spare zeros. */
	blen = used - body_at;
	if (blen > 65535)
		return -E2BIG;
	n = snprintf(digits, sizeof(digits), "%zu", blen);
	memcpy(buf + len_at, digits, (size_t)n);
	memmove(buf + len_at + n, buf + len_at + 5, used - (len_at + 5));
	used -= (size_t)(5 - n);
	buf[used] = '\0';
	return (int)used;
}

int mcsvc_build_publish(const struct mcsvc_publish *m, char *buf, size_t size)
{
	int r;

	if (!publish_ok(m))
		r = -EINVAL;
	else
		r = build(m, buf, size);
	/* Nothing of a half-built token stays behind the answer. */
	if (size)
		util_wipe(buf + (r > 0 ? (size_t)r : 0), size - (r > 0 ? (size_t)r : 0));
	return r;
}

static int copy_str(const char *s, char *out, size_t size)
{
	if (!s || strlen(s) >= size)
		return -EBADMSG;
	strcpy(out, s);
	return 0;
}

static const char *header_value(osip_message_t *msg, const char *name)
{
	osip_header_t *h = NULL;

	if (osip_message_header_get_byname(msg, name, 0, &h) >= 0 && h && h->hvalue)
		return h->hvalue;
	return NULL;
}

/* A delta-seconds (RFC 3261 25.1): digits only, at most 2^32 - 1; -2 when not one. */
static long long delta(const char *s)
{
	long long v = 0;
	size_t i, n = strlen(s);

	if (!n || n > 10)
		return -2;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -2;
		v = v * 10 + (s[i] - '0');
	}
	return v > 4294967295LL ? -2 : v;
}

/* RFC 3261 20.43: warn-code SP warn-agent SP "warn-text"; the agent and the text, unquoted. */
static int parse_warning(const char *v, char *agent, size_t agent_size, char *out, size_t size)
{
	const char *open = strchr(v, '"'), *close, *a;
	size_t n;

	if (!open)
		return -EBADMSG;
	a = v + strspn(v, "0123456789");
	a += strspn(a, " \t");
	n = strcspn(a, " \t\"");
	if (a < open && n && n < agent_size && value_ok_len(a, n)) {
		memcpy(agent, a, n);
		agent[n] = '\0';
	}
	close = strrchr(open + 1, '"');
	if (!close)
		return -EBADMSG;
	n = (size_t)(close - open - 1);
	if (n >= size)
		n = size - 1;
	memcpy(out, open + 1, n);
	out[n] = '\0';
	for (; *out; out++)
		if ((unsigned char)*out < 0x20 || *out == 0x7f)
			*out = ' ';
	return 0;
}

static int parse_headers(osip_message_t *msg, struct mcsvc_response *r, const char **err)
{
	/* libosip2's lookups take a char *, not a literal. */
	char branch_name[] = "branch";
	osip_generic_param_t *branch = NULL;
	osip_via_t *via;
	const char *v;
	char *callid = NULL;
	long long n;
	int ret;

	if (!MSG_IS_RESPONSE(msg)) {
		*err = "not a response";
		return -EBADMSG;
	}
	r->status = (unsigned int)msg->status_code;
	if (r->status < 100 || r->status > 699) {
		*err = "status code out of range";
		return -EBADMSG;
	}
	copy_str(msg->reason_phrase ? msg->reason_phrase : "", r->reason, sizeof(r->reason));
	if (!msg->call_id || osip_call_id_to_str(msg->call_id, &callid) != 0) {
		*err = "Call-ID missing";
		return -EBADMSG;
	}
	ret = copy_str(callid, r->call_id, sizeof(r->call_id));
	osip_free(callid);
	if (ret < 0) {
		*err = "Call-ID too long";
		return -EBADMSG;
	}
	if (!msg->cseq || !msg->cseq->number || !msg->cseq->method ||
	    (n = delta(msg->cseq->number)) < 0 ||
	    copy_str(msg->cseq->method, r->cseq_method, sizeof(r->cseq_method)) < 0) {
		*err = "CSeq missing or malformed";
		return -EBADMSG;
	}
	r->cseq = (uint32_t)n;
	if (osip_message_get_via(msg, 0, &via) < 0 ||
	    osip_via_param_get_byname(via, branch_name, &branch) < 0 || !branch ||
	    copy_str(branch->gvalue, r->branch, sizeof(r->branch)) < 0) {
		*err = "Via branch missing or too long";
		return -EBADMSG;
	}
	v = header_value(msg, "sip-etag");
	/* RFC 3903 11.3.1: a token; it goes back in our SIP-If-Match. */
	if (v && (copy_str(v, r->etag, sizeof(r->etag)) < 0 || !value_ok(r->etag))) {
		r->etag[0] = '\0';
		*err = "SIP-ETag not a token or too long";
		return -EBADMSG;
	}
	v = header_value(msg, "expires");
	if (v && (r->expires = delta(v)) < 0) {
		*err = "Expires not a number";
		return -EBADMSG;
	}
	v = header_value(msg, "min-expires");
	if (v && (r->min_expires = delta(v)) < 0) {
		*err = "Min-Expires not a number";
		return -EBADMSG;
	}
	v = header_value(msg, "warning");
	if (v && parse_warning(v, r->warn_agent, sizeof(r->warn_agent), r->warning,
			       sizeof(r->warning)) < 0) {
		*err = "Warning without a quoted text";
		return -EBADMSG;
	}
	return 0;
}

int mcsvc_parse_response(const uint8_t *buf, size_t len, struct mcsvc_response *r, const char **err)
{
	osip_message_t *msg = NULL;
	int ret;

	memset(r, 0, sizeof(*r));
	r->expires = r->min_expires = -1;
	*err = NULL;
	ret = sipmsg_osip_frame(buf, len, NULL, err);
	if (ret < 0)
		return ret;
	ret = sipmsg_osip_parse(buf, len, &msg);
	if (ret < 0) {
		*err = ret == -ENOMEM ? "out of memory" : "malformed SIP message";
		return ret;
	}
	ret = parse_headers(msg, r, err);
	osip_message_free(msg);
	return ret;
}
