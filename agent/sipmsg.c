// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * REGISTER building and response parsing. Requests are built here rather than
 * through libosip2 because its typed Authorization header drops auts= and an
 * empty response="" when serialised (bench.md); responses are parsed with
 * libosip2 and then checked value by value, since every one of them came from
 * the network.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_parser.h>

#include "sipmsg.h"

static pthread_once_t parser_once = PTHREAD_ONCE_INIT;

static void quiet_trace(const char *fi, int li, osip_trace_level_t level, const char *chfr,
			va_list ap)
{
}

static void parser_setup(void)
{
	int level;

	parser_init();
	osip_trace_initialize_func(TRACE_LEVEL0, quiet_trace);
	/* libosip2 prints its own parse errors on stderr; ours name what was wrong instead. */
	for (level = TRACE_LEVEL0; level < END_TRACE_LEVEL; level++)
		osip_trace_disable_level((osip_trace_level_t)level);
}

/* A value that may be echoed inside a quoted-string or a header: printable, no quote, no '\'. */
static bool value_ok(const char *s)
{
	if (!s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			return false;
	}
	return true;
}

/* Header text: no control characters (quotes are fine: display names). */
static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return false;
	return true;
}

/*
 * Copies @v without its surrounding quotes (libosip2 keeps them) into @out.
 * -EBADMSG if it holds what value_ok() refuses, or does not fit.
 */
static int unquote(const char *v, char *out, size_t size)
{
	size_t n;

	if (!v)
		return -EBADMSG;
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	if (n >= size)
		return -EBADMSG;
	memcpy(out, v, n);
	out[n] = '\0';
	return value_ok(out) ? 0 : -EBADMSG;
}

/* Delta-seconds (RFC 3261 25.1): digits only, bounded; trailing ";params" or " (comment)" ok. */
static int parse_delta(const char *v, long *out)
{
	long n = 0;

	if (!v)
		return -EBADMSG;
	while (*v == ' ' || *v == '\t')
		v++;
	if (!isdigit((unsigned char)*v))
		return -EBADMSG;
	for (; isdigit((unsigned char)*v); v++) {
		n = n * 10 + (*v - '0');
		if (n > INT_MAX)
			return -EBADMSG;
	}
	if (*v && *v != ';' && *v != ' ' && *v != '\t' && *v != '(')
		return -EBADMSG;
	*out = n;
	return 0;
}

static bool qop_has_auth(const char *opts)
{
	const char *p = opts;

	while (*p) {
		size_t n;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		n = strcspn(p, ", \t");
		if (n == 4 && strncasecmp(p, "auth", 4) == 0)
			return true;
		p += n;
	}
	return false;
}

static int parse_challenge(osip_www_authenticate_t *w, struct sipmsg_challenge *c, const char **err)
{
	char tmp[SIPMSG_TEXT_MAX];

	if (!w->auth_type || strcasecmp(w->auth_type, "Digest") != 0 || !w->algorithm ||
	    digest_algorithm_parse(w->algorithm, &c->algorithm) < 0)
		return -ENOTSUP;
	if (unquote(w->realm, c->realm, sizeof(c->realm)) < 0) {
		*err = "WWW-Authenticate: realm missing, too long or not printable";
		return -EBADMSG;
	}
	if (unquote(w->nonce, c->nonce, sizeof(c->nonce)) < 0 || !c->nonce[0]) {
		*err = "WWW-Authenticate: nonce missing, too long or not printable";
		return -EBADMSG;
	}
	if (w->opaque) {
		if (unquote(w->opaque, c->opaque, sizeof(c->opaque)) < 0) {
			*err = "WWW-Authenticate: opaque too long or not printable";
			return -EBADMSG;
		}
		c->has_opaque = true;
	}
	if (w->qop_options) {
		if (unquote(w->qop_options, tmp, sizeof(tmp)) < 0) {
			*err = "WWW-Authenticate: qop not printable";
			return -EBADMSG;
		}
		/* RFC 2617 3.2.1: only "auth" makes sense for a bodiless REGISTER. */
		if (!qop_has_auth(tmp)) {
			*err = "WWW-Authenticate: qop offered without \"auth\"";
			return -ENOTSUP;
		}
		c->qop_auth = true;
	}
	if (w->stale) {
		if (unquote(w->stale, tmp, sizeof(tmp)) < 0) {
			*err = "WWW-Authenticate: stale not printable";
			return -EBADMSG;
		}
		c->stale = strcasecmp(tmp, "true") == 0;
	}
	return 0;
}

/* Joins every value of header @name with ", " into @out. */
static int join_headers(osip_message_t *msg, const char *name, char *out, size_t size)
{
	osip_header_t *h;
	size_t used = 0;
	int pos = 0;

	out[0] = '\0';
	while ((pos = osip_message_header_get_byname(msg, name, pos, &h)) >= 0) {
		const char *v = h->hvalue ? h->hvalue : "";
		size_t n = strlen(v);

		if (!printable(v))
			return -EBADMSG;
		if (used + (used ? 2 : 0) + n + 1 > size)
			return -E2BIG;
		if (used) {
			memcpy(out + used, ", ", 2);
			used += 2;
		}
		memcpy(out + used, v, n);
		used += n;
		out[used] = '\0';
		pos++;
	}
	return 0;
}

static int single_delta(osip_message_t *msg, const char *name, long *out)
{
	osip_header_t *h;

	if (osip_message_header_get_byname(msg, name, 0, &h) < 0)
		return 0;
	return parse_delta(h->hvalue, out);
}

static int copy_text(const char *v, char *out, size_t size)
{
	if (!v)
		v = "";
	if (strlen(v) >= size)
		return -EBADMSG;
	strcpy(out, v);
	return 0;
}

static int contact_expires(osip_message_t *msg, const char *host, unsigned int port, long *out)
{
	osip_contact_t *c;
	int pos;

	if (!host)
		return 0;
	for (pos = 0; osip_message_get_contact(msg, pos, &c) >= 0; pos++) {
		osip_generic_param_t *p = NULL;
		/* libosip2 takes the parameter name as a non-const char *. */
		char name[] = "expires";
		unsigned long cport = 5060;
		char *end;

		if (!c->url || !c->url->host || strcasecmp(c->url->host, host) != 0)
			continue;
		if (c->url->port) {
			cport = strtoul(c->url->port, &end, 10);
			if (*end)
				continue;
		}
		if (cport != port)
			continue;
		if (osip_contact_param_get_byname(c, name, &p) < 0 || !p)
			continue;
		return parse_delta(p->gvalue, out);
	}
	return 0;
}

static int parse_msg(osip_message_t *msg, const char *contact_host, unsigned int contact_port,
		     struct sipmsg_response *r, const char **err)
{
	osip_www_authenticate_t *w;
	osip_generic_param_t *branch = NULL;
	osip_via_t *via;
	char branch_name[] = "branch";
	char *callid = NULL;
	char *end;
	unsigned long cseq;
	int pos, ret;

	if (!MSG_IS_RESPONSE(msg) || msg->status_code < 100 || msg->status_code > 699) {
		*err = "not a SIP response (status line)";
		return -EBADMSG;
	}
	r->status = (unsigned int)msg->status_code;
	if (copy_text(msg->reason_phrase, r->reason, sizeof(r->reason)) < 0 ||
	    !printable(r->reason)) {
		*err = "reason phrase too long or not printable";
		return -EBADMSG;
	}
	if (!msg->call_id || osip_call_id_to_str(msg->call_id, &callid) != 0) {
		*err = "Call-ID missing";
		return -EBADMSG;
	}
	ret = copy_text(callid, r->call_id, sizeof(r->call_id));
	osip_free(callid);
	if (ret < 0) {
		*err = "Call-ID too long";
		return -EBADMSG;
	}
	if (!msg->cseq || !msg->cseq->number || !msg->cseq->method) {
		*err = "CSeq missing";
		return -EBADMSG;
	}
	cseq = strtoul(msg->cseq->number, &end, 10);
	/* RFC 3261 8.1.1.5: CSeq is a 32-bit unsigned integer below 2^31. */
	if (*end || end == msg->cseq->number || cseq >= 1UL << 31 ||
	    copy_text(msg->cseq->method, r->cseq_method, sizeof(r->cseq_method)) < 0) {
		*err = "CSeq malformed";
		return -EBADMSG;
	}
	r->cseq = (uint32_t)cseq;
	if (osip_message_get_via(msg, 0, &via) < 0 ||
	    osip_via_param_get_byname(via, branch_name, &branch) < 0 || !branch ||
	    !branch->gvalue || copy_text(branch->gvalue, r->branch, sizeof(r->branch)) < 0) {
		*err = "Via with a branch missing";
		return -EBADMSG;
	}

	if (r->status == 401) {
		bool other = false;

		/* RFC 2617 allows several challenges; take the first AKA one. */
		for (pos = 0; osip_message_get_www_authenticate(msg, pos, &w) >= 0; pos++) {
			ret = parse_challenge(w, &r->challenge, err);
			if (ret == -ENOTSUP && !*err) {
				other = true;
				memset(&r->challenge, 0, sizeof(r->challenge));
				continue;
			}
			if (ret < 0)
				return ret;
			r->has_challenge = true;
			break;
		}
		if (!r->has_challenge) {
			*err = other ? "401 offers no Digest AKAv1-MD5/AKAv2-MD5 challenge" :
				       "401 without WWW-Authenticate";
			return other ? -ENOTSUP : -EBADMSG;
		}
	}

	ret = join_headers(msg, "service-route", r->service_route, sizeof(r->service_route));
	if (ret < 0) {
		*err = "Service-Route too long or not printable";
		return -EBADMSG;
	}
	ret = join_headers(msg, "p-associated-uri", r->associated_uris, sizeof(r->associated_uris));
	if (ret < 0) {
		*err = "P-Associated-URI too long or not printable";
		return -EBADMSG;
	}
	if (contact_expires(msg, contact_host, contact_port, &r->contact_expires) < 0) {
		*err = "Contact expires= not a number";
		return -EBADMSG;
	}
	if (single_delta(msg, "expires", &r->expires) < 0) {
		*err = "Expires not a number";
		return -EBADMSG;
	}
	if (single_delta(msg, "min-expires", &r->min_expires) < 0) {
		*err = "Min-Expires not a number";
		return -EBADMSG;
	}
	if (single_delta(msg, "retry-after", &r->retry_after) < 0) {
		*err = "Retry-After not a number";
		return -EBADMSG;
	}
	return 0;
}

int sipmsg_parse_response(const uint8_t *buf, size_t len, const char *contact_host,
			  unsigned int contact_port, struct sipmsg_response *r, const char **err)
{
	osip_message_t *msg = NULL;
	int ret;

	memset(r, 0, sizeof(*r));
	r->contact_expires = r->expires = r->min_expires = r->retry_after = -1;
	*err = NULL;
	if (!len || len > SIPMSG_MAX_LEN) {
		*err = "message empty or larger than 65535 bytes";
		return -EBADMSG;
	}
	if (memchr(buf, '\0', len)) {
		*err = "NUL byte in message";
		return -EBADMSG;
	}
	if (len < 12 || memcmp(buf, "SIP/2.0 ", 8) != 0) {
		*err = "not a SIP/2.0 response";
		return -EBADMSG;
	}
	/* libosip2 needs the header table, and a message that ends its headers. */
	if (!memmem(buf, len, "\r\n\r\n", 4)) {
		*err = "truncated: no end of headers";
		return -EBADMSG;
	}
	pthread_once(&parser_once, parser_setup);
	if (osip_message_init(&msg) != 0)
		return -ENOMEM;
	if (osip_message_parse(msg, (const char *)buf, len) != 0) {
		*err = "malformed SIP message";
		ret = -EBADMSG;
		goto out;
	}
	ret = parse_msg(msg, contact_host, contact_port, r, err);
out:
	osip_message_free(msg);
	return ret;
}

/* snprintf into buf + *used, failing with -E2BIG instead of truncating. */
static int append(char *buf, size_t size, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int append(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *used, size - *used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *used)
		return -E2BIG;
	*used += (size_t)n;
	return 0;
}

static bool hex_ok(const char *s, size_t len)
{
	size_t i;

	if (strlen(s) != len)
		return false;
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

int sipmsg_build_authorization(const struct sipmsg_auth *a, char *buf, size_t size)
{
	size_t used = 0;
	int r;

	if (!value_ok(a->username) || !value_ok(a->realm) || !value_ok(a->uri) ||
	    !value_ok(a->nonce) || !a->response ||
	    (a->response[0] && !hex_ok(a->response, 2 * DIGEST_HASH_LEN)) ||
	    (a->opaque && !value_ok(a->opaque)) || (a->auts && !value_ok(a->auts)))
		return -EINVAL;
	if (a->qop && (strcmp(a->qop, "auth") != 0 || !value_ok(a->cnonce) || !a->cnonce[0]))
		return -EINVAL;
	r = append(buf, size, &used,
		   "Digest username=\"%s\", realm=\"%s\", uri=\"%s\", nonce=\"%s\", "
		   "response=\"%s\", algorithm=%s",
		   a->username, a->realm, a->uri, a->nonce, a->response,
		   digest_algorithm_name(a->algorithm));
	if (!r && a->qop)
		r = append(buf, size, &used, ", qop=%s, nc=%08x, cnonce=\"%s\"", a->qop, a->nc,
			   a->cnonce);
	if (!r && a->opaque)
		r = append(buf, size, &used, ", opaque=\"%s\"", a->opaque);
	/* RFC 3310 3.4: auts travels as a quoted base64 string. */
	if (!r && a->auts)
		r = append(buf, size, &used, ", auts=\"%s\"", a->auts);
	return r < 0 ? r : (int)used;
}

int sipmsg_build_register(const struct sipmsg_register *m, char *buf, size_t size)
{
	const char *tp = m->tcp ? "TCP" : "UDP";
	bool v6 = m->local_host && strchr(m->local_host, ':');
	const char *lb = v6 ? "[" : "", *rb = v6 ? "]" : "";
	size_t used = 0;
	int r;

	if (!value_ok(m->local_host) || !value_ok(m->branch) || !value_ok(m->domain) ||
	    !value_ok(m->impu) || !value_ok(m->from_tag) || !value_ok(m->call_id) ||
	    !printable(m->authorization) || (m->user_agent && !value_ok(m->user_agent)) ||
	    !m->local_port || m->local_port > 65535 || strncmp(m->branch, "z9hG4bK", 7) != 0 ||
	    strpbrk(m->domain, " <>") || strpbrk(m->impu, " <>"))
		return -EINVAL;
	if (size > SIPMSG_MAX_LEN + 1)
		size = SIPMSG_MAX_LEN + 1;
	r = append(buf, size, &used,
		   "REGISTER sip:%s SIP/2.0\r\n"
		   "Via: SIP/2.0/%s %s%s%s:%u;branch=%s;rport\r\n"
		   "Max-Forwards: 70\r\n"
		   "From: <%s>;tag=%s\r\n"
		   "To: <%s>\r\n"
		   "Call-ID: %s\r\n"
		   "CSeq: %u REGISTER\r\n"
		   "Contact: <sip:%s%s%s:%u%s>\r\n"
		   "Expires: %u\r\n"
		   "Supported: path\r\n"
		   "Authorization: %s\r\n",
		   m->domain, tp, lb, m->local_host, rb, m->local_port, m->branch, m->impu,
		   m->from_tag, m->impu, m->call_id, m->cseq, lb, m->local_host, rb, m->local_port,
		   m->tcp ? ";transport=tcp" : "", m->expires, m->authorization);
	if (!r && m->user_agent)
		r = append(buf, size, &used, "User-Agent: %s\r\n", m->user_agent);
	if (!r)
		r = append(buf, size, &used, "Content-Length: 0\r\n\r\n");
	return r < 0 ? r : (int)used;
}

/* Matches "Content-Length:" or the compact "l:" (RFC 3261 7.3.3) at the start of @line. */
static const char *content_length_value(const char *line, const char *eol)
{
	static const char *const names[] = { "content-length", "l" };
	size_t i;

	for (i = 0; i < 2; i++) {
		size_t n = strlen(names[i]);
		const char *p = line + n;

		if ((size_t)(eol - line) <= n || strncasecmp(line, names[i], n) != 0)
			continue;
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		if (p < eol && *p == ':')
			return p + 1;
	}
	return NULL;
}

int sipmsg_frame(const uint8_t *buf, size_t len, size_t *skip, size_t *msg_len, const char **err)
{
	const char *s = (const char *)buf, *hdr_end, *line;
	size_t k = 0, head;
	long clen = -1;

	*err = NULL;
	while (k + 1 < len && buf[k] == '\r' && buf[k + 1] == '\n')
		k += 2;
	*skip = k;
	s += k;
	len -= k;
	hdr_end = memmem(s, len, "\r\n\r\n", 4);
	if (!hdr_end) {
		if (len > SIPMSG_MAX_LEN) {
			*err = "TCP stream: no end of headers within 65535 bytes";
			return -EBADMSG;
		}
		return 0;
	}
	head = (size_t)(hdr_end - s) + 4;
	for (line = s; line < hdr_end;) {
		const char *eol = memmem(line, (size_t)(hdr_end + 2 - line), "\r\n", 2);
		const char *v = content_length_value(line, eol);

		if (v) {
			char num[16];
			size_t n = (size_t)(eol - v);

			while (n && (*v == ' ' || *v == '\t')) {
				v++;
				n--;
			}
			while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
				n--;
			if (n >= sizeof(num)) {
				*err = "TCP stream: bad Content-Length";
				return -EBADMSG;
			}
			memcpy(num, v, n);
			num[n] = '\0';
			if (parse_delta(num, &clen) < 0 || strpbrk(num, ";( \t") ||
			    clen > SIPMSG_MAX_LEN) {
				*err = "TCP stream: bad Content-Length";
				return -EBADMSG;
			}
		}
		line = eol + 2;
	}
	if (clen < 0) {
		/* RFC 3261 18.3: mandatory on stream transports. */
		*err = "TCP stream: Content-Length missing";
		return -EBADMSG;
	}
	if (head + (size_t)clen > SIPMSG_MAX_LEN) {
		*err = "TCP stream: message larger than 65535 bytes";
		return -EBADMSG;
	}
	if (len < head + (size_t)clen)
		return 0;
	*msg_len = head + (size_t)clen;
	return 1;
}

static bool host_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

int sipmsg_parse_pcscf(const char *uri, char *host, size_t host_size, unsigned int *port, bool *tcp,
		       const char **err)
{
	const char *p = uri, *h, *hend, *params;
	unsigned long n = 5060;
	char *end;
	size_t len;

	*err = NULL;
	if (!uri) {
		*err = "no P-CSCF given";
		return -EINVAL;
	}
	if (!strncasecmp(p, "sip:", 4)) {
		p += 4;
	} else if (strstr(p, ":/") || !strncasecmp(p, "sips:", 5) || !strncasecmp(p, "tel:", 4)) {
		*err = "P-CSCF: only sip: URIs (sips: and other schemes are not supported)";
		return -EINVAL;
	}
	params = p + strcspn(p, ";");
	if (p[0] == '[') {
		h = p + 1;
		hend = memchr(h, ']', (size_t)(params - h));
		if (!hend) {
			*err = "P-CSCF: IPv6 address without ']'";
			return -EINVAL;
		}
		for (end = (char *)h; end < hend; end++)
			if (!isxdigit((unsigned char)*end) && *end != ':' && *end != '.')
				break;
		if (end != hend) {
			*err = "P-CSCF: bad IPv6 address";
			return -EINVAL;
		}
		p = hend + 1;
	} else {
		h = p;
		for (hend = h; hend < params && host_char(*hend); hend++)
			;
		p = hend;
	}
	len = (size_t)(hend - h);
	if (!len || len >= host_size) {
		*err = "P-CSCF: host missing or too long";
		return -EINVAL;
	}
	if (p < params && *p == ':') {
		n = strtoul(p + 1, &end, 10);
		if (end == p + 1 || end != params || !n || n > 65535) {
			*err = "P-CSCF: port not in 1..65535";
			return -EINVAL;
		}
		p = end;
	}
	if (p != params) {
		*err = "P-CSCF: unexpected characters after the host";
		return -EINVAL;
	}
	/* RFC 3261 19.1.1: transport= among the URI parameters. */
	while (*params == ';') {
		const char *v = params + 1;
		size_t plen = strcspn(v, ";");

		if (plen == 13 && !strncasecmp(v, "transport=tcp", 13))
			*tcp = true;
		else if (plen == 13 && !strncasecmp(v, "transport=udp", 13))
			*tcp = false;
		else if (!strncasecmp(v, "transport=", 10)) {
			*err = "P-CSCF: transport must be udp or tcp";
			return -EINVAL;
		}
		params = v + plen;
	}
	if (*params) {
		*err = "P-CSCF: malformed URI parameters";
		return -EINVAL;
	}
	memcpy(host, h, len);
	host[len] = '\0';
	*port = (unsigned int)n;
	return 0;
}

void sipmsg_redact(char *msg, size_t len)
{
	size_t i;

	for (i = 0; i + 4 < len; i++) {
		char prev = i ? msg[i - 1] : ' ';
		size_t j;

		if ((prev != ' ' && prev != ',' && prev != '\t') ||
		    (strncasecmp(msg + i, "ck=", 3) != 0 && strncasecmp(msg + i, "ik=", 3) != 0))
			continue;
		j = i + 3;
		if (j < len && msg[j] == '"') {
			for (j++; j < len && msg[j] != '"' && msg[j] != '\r'; j++)
				msg[j] = '*';
		} else {
			for (; j < len && msg[j] != ',' && msg[j] != '\r' && msg[j] != ' '; j++)
				msg[j] = '*';
		}
		i = j;
	}
}
