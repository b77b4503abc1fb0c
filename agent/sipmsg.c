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

#include "sipmsg-osip.h"
#include "sipmsg.h"
#include "util.h"

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

int sipmsg_osip_frame(const uint8_t *buf, size_t len, const uint8_t **eoh, const char **err)
{
	const uint8_t *end;

	if (!len || len > SIPMSG_MAX_LEN) {
		*err = "message empty or larger than 65535 bytes";
		return -EBADMSG;
	}
	if (memchr(buf, '\0', len)) {
		*err = "NUL byte in message";
		return -EBADMSG;
	}
	end = memmem(buf, len, "\r\n\r\n", 4);
	if (!end) {
		*err = "truncated: no end of headers";
		return -EBADMSG;
	}
	if (eoh)
		*eoh = end;
	return 0;
}

int sipmsg_osip_parse(const uint8_t *buf, size_t len, osip_message_t **msg)
{
	pthread_once(&parser_once, parser_setup);
	if (osip_message_init(msg) != 0)
		return -ENOMEM;
	if (osip_message_parse(*msg, (const char *)buf, len) != 0) {
		osip_message_free(*msg);
		*msg = NULL;
		return -EBADMSG;
	}
	return 0;
}

/* Formats why something was refused into @buf (SIPMSG_ERR_MAX bytes); returns @ret. */
static int why(char *buf, int ret, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int why(char *buf, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, SIPMSG_ERR_MAX, fmt, ap);
	va_end(ap);
	return ret;
}

#define SHOW_MAX 24
#define SHOW_BUF (4 * SHOW_MAX + 4)

/*
 * Network bytes for a reason: at most SHOW_MAX of them, printable ASCII as
 * is, anything else (and '"', '\\') as \xNN, "..." when cut.
 */
static const char *show(const void *p, size_t len, char out[SHOW_BUF])
{
	const unsigned char *b = p;
	size_t i, o = 0;

	for (i = 0; i < len && i < SHOW_MAX; i++) {
		if (b[i] < 0x20 || b[i] > 0x7e || b[i] == '"' || b[i] == '\\')
			o += (size_t)sprintf(out + o, "\\x%02x", b[i]);
		else
			out[o++] = (char)b[i];
	}
	if (i < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
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

/* Header text: no control characters (quotes are fine: display names). Index of the first, or -1. */
static long control_at(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return p - s;
	return -1;
}

/*
 * Copies challenge parameter @name, value @v (libosip2 keeps the quotes), into
 * @out without its quotes. -EBADMSG, why in @e, when it is missing, does not
 * fit, or holds what value_ok() refuses: it goes back in our Authorization.
 */
static int challenge_param(const char *name, const char *v, char *out, size_t size, char *e)
{
	size_t n, i;

	if (!v)
		return why(e, -EBADMSG, "WWW-Authenticate: %s missing or empty", name);
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	if (n >= size)
		return why(e, -EBADMSG, "WWW-Authenticate: %s of %zu characters, over %zu", name, n,
			   size - 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			return why(e, -EBADMSG,
				   "WWW-Authenticate: %s: byte 0x%02x at %zu cannot be echoed",
				   name, c, i);
	}
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

/*
 * Delta-seconds (RFC 3261 25.1: 1*DIGIT); trailing ";params" or " (comment)"
 * ok. -EBADMSG when not a number, -ERANGE above INT_MAX: what our timers and
 * a 32-bit long hold.
 */
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
		if (n > (INT_MAX - (*v - '0')) / 10)
			n = -1;
		if (n >= 0)
			n = n * 10 + (*v - '0');
	}
	if (*v && *v != ';' && *v != ' ' && *v != '\t' && *v != '(')
		return -EBADMSG;
	if (n < 0)
		return -ERANGE;
	*out = n;
	return 0;
}

/* Why @name's value @v was refused by parse_delta() (@ret). */
static int delta_why(const char *name, const char *v, int ret, char *e)
{
	char s[SHOW_BUF];

	if (!v)
		v = "";
	while (*v == ' ' || *v == '\t')
		v++;
	if (ret == -ERANGE)
		return why(e, -EBADMSG, "%s %s out of range (over %d)", name,
			   show(v, strspn(v, "0123456789"), s), INT_MAX);
	return why(e, -EBADMSG, "%s \"%s\" not a number", name, show(v, strlen(v), s));
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

static int parse_challenge(osip_www_authenticate_t *w, struct sipmsg_challenge *c, char *e)
{
	char tmp[SIPMSG_TEXT_MAX], s[SHOW_BUF];
	int ret;

	if (!w->auth_type || strcasecmp(w->auth_type, "Digest") != 0 || !w->algorithm ||
	    digest_algorithm_parse(w->algorithm, &c->algorithm) < 0)
		return -ENOTSUP;
	ret = challenge_param("realm", w->realm, c->realm, sizeof(c->realm), e);
	if (ret < 0)
		return ret;
	ret = challenge_param("nonce", w->nonce, c->nonce, sizeof(c->nonce), e);
	if (ret < 0)
		return ret;
	if (!c->nonce[0])
		return why(e, -EBADMSG, "WWW-Authenticate: nonce empty");
	if (w->opaque) {
		ret = challenge_param("opaque", w->opaque, c->opaque, sizeof(c->opaque), e);
		if (ret < 0)
			return ret;
		c->has_opaque = true;
	}
	if (w->qop_options) {
		ret = challenge_param("qop", w->qop_options, tmp, sizeof(tmp), e);
		if (ret < 0)
			return ret;
		/* RFC 2617 3.2.1: only "auth" makes sense for a bodiless REGISTER. */
		if (!qop_has_auth(tmp))
			return why(e, -ENOTSUP, "WWW-Authenticate: qop=\"%s\" offers no \"auth\"",
				   show(tmp, strlen(tmp), s));
		c->qop_auth = true;
	}
	if (w->stale) {
		ret = challenge_param("stale", w->stale, tmp, sizeof(tmp), e);
		if (ret < 0)
			return ret;
		c->stale = strcasecmp(tmp, "true") == 0;
	}
	return 0;
}

/* "Digest algorithm=MD5": a challenge we do not answer, for the reason. */
static void describe_offer(const osip_www_authenticate_t *w, char *out, size_t size)
{
	char a[SHOW_BUF], b[SHOW_BUF], alg[SHOW_MAX + 2];
	const char *t = w->auth_type ? w->auth_type : "";
	size_t n;

	if (strcasecmp(t, "Digest") != 0) {
		snprintf(out, size, "%s", show(t, strlen(t), a));
	} else if (w->algorithm) {
		/* One byte more than shown, for the "..."; a ck= or ik= in it is masked. */
		n = strnlen(w->algorithm, SHOW_MAX + 1);
		memcpy(alg, w->algorithm, n);
		alg[n] = '\0';
		sipmsg_redact(alg, n);
		snprintf(out, size, "%s algorithm=%s", show(t, strlen(t), a), show(alg, n, b));
	} else {
		snprintf(out, size, "%s without algorithm", show(t, strlen(t), a));
	}
}

static bool token_char(char c)
{
	return isalnum((unsigned char)c) || strchr("-.!%*_+`'~", c);
}

/*
 * libosip2 drops a WWW-Authenticate it cannot parse without saying why. This
 * reads @v (@len bytes, one header line) against RFC 2617 1.2 (challenge =
 * auth-scheme 1*SP 1#auth-param; auth-param = token "=" (token |
 * quoted-string)) to name the first fault.
 */
static int auth_syntax_why(const char *v, size_t len, char *e)
{
	const char *p = v, *end = v + len, *name;
	char s[SHOW_BUF], s2[SHOW_BUF];
	size_t n;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (name = p; p < end && token_char(*p); p++)
		;
	if (p == name)
		return why(e, -EBADMSG, "WWW-Authenticate malformed: no auth-scheme in \"%s\"",
			   show(v, len, s));
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end)
		return why(e, -EBADMSG, "WWW-Authenticate malformed: %s without parameters",
			   show(name, (size_t)(p - name), s));
	for (;;) {
		for (name = p; p < end && token_char(*p); p++)
			;
		n = (size_t)(p - name);
		if (!n)
			return why(e, -EBADMSG,
				   "WWW-Authenticate malformed: parameter expected at \"%s\"",
				   show(p, (size_t)(end - p), s));
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end || *p != '=')
			return why(e, -EBADMSG, "WWW-Authenticate malformed: %s without a value",
				   show(name, n, s));
		for (p++; p < end && (*p == ' ' || *p == '\t');)
			p++;
		if (p < end && *p == '"') {
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\' && p + 1 < end)
					p++;
			if (p == end)
				return why(
					e, -EBADMSG,
					"WWW-Authenticate malformed: %s: quoted-string not closed",
					show(name, n, s));
			p++;
		} else {
			const char *t = p;

			while (p < end && token_char(*p))
				p++;
			if (p == t)
				return why(e, -EBADMSG,
					   "WWW-Authenticate malformed: %s: empty value",
					   show(name, n, s));
		}
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		if (*p != ',')
			return why(e, -EBADMSG,
				   "WWW-Authenticate malformed: %s: \"%s\" after the value",
				   show(name, n, s), show(p, (size_t)(end - p), s2));
		for (p++; p < end && (*p == ' ' || *p == '\t');)
			p++;
	}
	return why(e, -EBADMSG, "WWW-Authenticate malformed: libosip2 refused \"%s\"",
		   show(v, len, s));
}
/* Joins every value of header @name with ", " into @out; why in @e. */
static int join_headers(osip_message_t *msg, const char *name, const char *shown, char *out,
			size_t size, char *e)
{
	osip_header_t *h;
	size_t used = 0;
	int pos = 0, nth = 0;

	out[0] = '\0';
	while ((pos = osip_message_header_get_byname(msg, name, pos, &h)) >= 0) {
		const char *v = h->hvalue ? h->hvalue : "";
		size_t n = strlen(v);
		long at = control_at(v);

		nth++;
		if (at >= 0)
			return why(e, -EBADMSG, "%s: control character 0x%02x at %ld of value %d",
				   shown, (unsigned char)v[at], at, nth);
		if (used + (used ? 2 : 0) + n + 1 > size)
			return why(e, -EBADMSG, "%s: values longer than %zu characters together",
				   shown, size - 1);
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

static int single_delta(osip_message_t *msg, const char *name, const char *shown, long *out,
			char *e)
{
	osip_header_t *h;
	int ret;

	if (osip_message_header_get_byname(msg, name, 0, &h) < 0)
		return 0;
	ret = parse_delta(h->hvalue, out);
	return ret < 0 ? delta_why(shown, h->hvalue, ret, e) : 0;
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

static int contact_expires(osip_message_t *msg, const char *host, unsigned int port, long *out,
			   char *e)
{
	osip_contact_t *c;
	int pos, ret;

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
		ret = parse_delta(p->gvalue, out);
		return ret < 0 ? delta_why("Contact expires", p->gvalue, ret, e) : 0;
	}
	return 0;
}

/*
 * The first WWW-Authenticate line among the headers of @buf, for when
 * libosip2 dropped it: RFC 3261 7.3.1, the name is case-insensitive and may be
 * followed by whitespace before the colon.
 */
static bool find_auth_header(const uint8_t *buf, size_t len, const char **v, size_t *vlen)
{
	static const char name[] = "www-authenticate";
	const char *p = (const char *)buf, *eol;
	/* parse_response() made sure the headers end; the body is not looked at. */
	const char *end = (const char *)memmem(buf, len, "\r\n\r\n", 4) + 2;

	for (; (eol = memmem(p, (size_t)(end - p), "\r\n", 2)); p = eol + 2) {
		const char *q = p + sizeof(name) - 1;

		if ((size_t)(eol - p) < sizeof(name) - 1 ||
		    strncasecmp(p, name, sizeof(name) - 1) != 0)
			continue;
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		if (q < eol && *q == ':') {
			*v = q + 1;
			*vlen = (size_t)(eol - q - 1);
			return true;
		}
	}
	return false;
}

/*
 * RFC 3261 18.3: over UDP a body shorter than Content-Length is an error and
 * such a response is discarded (bytes beyond it are ignored). Over TCP
 * sipmsg_frame() cut the message at Content-Length already.
 */
static int check_body(osip_message_t *msg, const uint8_t *buf, size_t len, char *e)
{
	const uint8_t *hdr_end = memmem(buf, len, "\r\n\r\n", 4);
	size_t body = len - (size_t)(hdr_end + 4 - buf);
	const char *v;
	long clen;
	int ret;

	if (!msg->content_length || !msg->content_length->value)
		return 0;
	v = msg->content_length->value;
	ret = parse_delta(v, &clen);
	if (ret < 0)
		return delta_why("Content-Length", v, ret, e);
	if ((size_t)clen > body)
		return why(e, -EBADMSG, "Content-Length %ld but %zu bytes of body (RFC 3261 18.3)",
			   clen, body);
	return 0;
}

static int parse_401(osip_message_t *msg, const uint8_t *buf, size_t len, struct sipmsg_response *r)
{
	osip_www_authenticate_t *w;
	char offered[2 * SHOW_BUF] = "";
	const char *v;
	size_t vlen;
	int pos, ret;

	/* RFC 2617 allows several challenges; take the first AKA one. */
	for (pos = 0; osip_message_get_www_authenticate(msg, pos, &w) >= 0; pos++) {
		ret = parse_challenge(w, &r->challenge, r->error);
		if (ret == -ENOTSUP && !r->error[0]) {
			if (!offered[0])
				describe_offer(w, offered, sizeof(offered));
			memset(&r->challenge, 0, sizeof(r->challenge));
			continue;
		}
		if (ret < 0)
			return ret;
		r->has_challenge = true;
		return 0;
	}
	if (offered[0])
		return why(r->error, -ENOTSUP,
			   "401 offers no Digest AKAv1-MD5/AKAv2-MD5 challenge (first: %s)",
			   offered);
	if (find_auth_header(buf, len, &v, &vlen)) {
		/* The reason may quote the header: not the CK and IK an S-CSCF put there. */
		char *copy = malloc(vlen + 1);

		if (!copy)
			return why(r->error, -ENOMEM, "out of memory");
		memcpy(copy, v, vlen);
		copy[vlen] = '\0';
		sipmsg_redact(copy, vlen);
		ret = auth_syntax_why(copy, vlen, r->error);
		free(copy);
		return ret;
	}
	return why(r->error, -EBADMSG, "401 without WWW-Authenticate");
}

static int parse_msg(osip_message_t *msg, const uint8_t *buf, size_t len, const char *contact_host,
		     unsigned int contact_port, struct sipmsg_response *r)
{
	osip_generic_param_t *branch = NULL;
	osip_via_t *via;
	char branch_name[] = "branch";
	char *callid = NULL;
	char *end, s[SHOW_BUF];
	unsigned long cseq;
	long at;
	int ret;

	if (copy_text(msg->reason_phrase, r->reason, sizeof(r->reason)) < 0)
		return why(r->error, -EBADMSG, "reason phrase longer than %zu characters",
			   sizeof(r->reason) - 1);
	at = control_at(r->reason);
	if (at >= 0)
		return why(r->error, -EBADMSG, "reason phrase: control character 0x%02x at %ld",
			   (unsigned char)r->reason[at], at);
	if (!msg->call_id || osip_call_id_to_str(msg->call_id, &callid) != 0)
		return why(r->error, -EBADMSG, "Call-ID missing");
	ret = copy_text(callid, r->call_id, sizeof(r->call_id));
	osip_free(callid);
	if (ret < 0)
		return why(r->error, -EBADMSG, "Call-ID longer than %zu characters",
			   sizeof(r->call_id) - 1);
	if (!msg->cseq || !msg->cseq->number || !msg->cseq->method)
		return why(r->error, -EBADMSG, "CSeq missing");
	cseq = strtoul(msg->cseq->number, &end, 10);
	if (*end || end == msg->cseq->number)
		return why(r->error, -EBADMSG, "CSeq number \"%s\" not a number",
			   show(msg->cseq->number, strlen(msg->cseq->number), s));
	/* RFC 3261 8.1.1.5: CSeq is a 32-bit unsigned integer below 2^31. */
	if (cseq >= 1UL << 31)
		return why(r->error, -EBADMSG, "CSeq number %s not below 2^31 (RFC 3261 8.1.1.5)",
			   show(msg->cseq->number, strlen(msg->cseq->number), s));
	if (copy_text(msg->cseq->method, r->cseq_method, sizeof(r->cseq_method)) < 0)
		return why(r->error, -EBADMSG, "CSeq method longer than %zu characters",
			   sizeof(r->cseq_method) - 1);
	r->cseq = (uint32_t)cseq;
	if (osip_message_get_via(msg, 0, &via) < 0 ||
	    osip_via_param_get_byname(via, branch_name, &branch) < 0 || !branch ||
	    !branch->gvalue || copy_text(branch->gvalue, r->branch, sizeof(r->branch)) < 0)
		return why(r->error, -EBADMSG, "Via with a branch missing");
	ret = check_body(msg, buf, len, r->error);
	if (ret < 0)
		return ret;

	if (r->status == 401) {
		ret = parse_401(msg, buf, len, r);
		if (ret < 0)
			return ret;
	}
	ret = join_headers(msg, "service-route", "Service-Route", r->service_route,
			   sizeof(r->service_route), r->error);
	if (!ret)
		ret = join_headers(msg, "p-associated-uri", "P-Associated-URI", r->associated_uris,
				   sizeof(r->associated_uris), r->error);
	if (!ret)
		ret = contact_expires(msg, contact_host, contact_port, &r->contact_expires,
				      r->error);
	if (!ret)
		ret = single_delta(msg, "expires", "Expires", &r->expires, r->error);
	if (!ret)
		ret = single_delta(msg, "min-expires", "Min-Expires", &r->min_expires, r->error);
	/* RFC 3261 20.33: delta-seconds; what a long wait means is the caller's to decide. */
	if (!ret)
		ret = single_delta(msg, "retry-after", "Retry-After", &r->retry_after, r->error);
	return ret;
}

/*
 * RFC 3261 7.2, 25.1: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
 * CRLF, Status-Code 3DIGIT (1xx..6xx, 21). Checked before libosip2, which
 * would read "SIP/2.0 2000" as status 2000 or refuse without a word.
 */
static int status_line(const uint8_t *buf, size_t len, struct sipmsg_response *r)
{
	const uint8_t *eol = memmem(buf, len, "\r\n", 2);
	size_t n = eol ? (size_t)(eol - buf) : len;
	char s[SHOW_BUF];

	if (n < 8 || memcmp(buf, "SIP/2.0 ", 8) != 0)
		return why(r->error, -EBADMSG, "not a SIP/2.0 response: \"%s\"", show(buf, n, s));
	if (n < 12 || !isdigit(buf[8]) || !isdigit(buf[9]) || !isdigit(buf[10]) || buf[11] != ' ')
		return why(r->error, -EBADMSG, "status line \"%s\" malformed (RFC 3261 7.2)",
			   show(buf, n, s));
	if (buf[8] < '1' || buf[8] > '6')
		return why(r->error, -EBADMSG, "status %.3s not in 100..699 (RFC 3261 21)",
			   (const char *)buf + 8);
	r->status = (unsigned int)((buf[8] - '0') * 100 + (buf[9] - '0') * 10 + buf[10] - '0');
	return 0;
}

static int parse_response(const uint8_t *buf, size_t len, const char *contact_host,
			  unsigned int contact_port, struct sipmsg_response *r)
{
	osip_message_t *msg = NULL;
	const uint8_t *nul;
	int ret;

	if (!len)
		return why(r->error, -EBADMSG, "empty message");
	if (len > SIPMSG_MAX_LEN)
		return why(r->error, -EBADMSG, "%zu bytes, over %d", len, SIPMSG_MAX_LEN);
	ret = status_line(buf, len, r);
	if (ret < 0)
		return ret;
	nul = memchr(buf, '\0', len);
	if (nul)
		return why(r->error, -EBADMSG, "NUL byte at offset %zu", (size_t)(nul - buf));
	/* libosip2 needs the header table, and a message that ends its headers. */
	if (!memmem(buf, len, "\r\n\r\n", 4))
		return why(r->error, -EBADMSG, "truncated: no end of headers in %zu bytes", len);
	ret = sipmsg_osip_parse(buf, len, &msg);
	if (ret == -ENOMEM)
		return why(r->error, ret, "out of memory");
	if (ret < 0)
		return why(r->error, ret, "malformed SIP message (libosip2 refused it)");
	ret = parse_msg(msg, buf, len, contact_host, contact_port, r);
	osip_message_free(msg);
	return ret;
}

int sipmsg_parse_response(const uint8_t *buf, size_t len, const char *contact_host,
			  unsigned int contact_port, struct sipmsg_response *r, const char **err)
{
	int ret;

	memset(r, 0, sizeof(*r));
	r->contact_expires = r->expires = r->min_expires = r->retry_after = -1;
	ret = parse_response(buf, len, contact_host, contact_port, r);
	*err = ret < 0 ? r->error : NULL;
	return ret;
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
	r = util_appendf(buf, size, &used,
			 "Digest username=\"%s\", realm=\"%s\", uri=\"%s\", nonce=\"%s\", "
			 "response=\"%s\", algorithm=%s",
			 a->username, a->realm, a->uri, a->nonce, a->response,
			 digest_algorithm_name(a->algorithm));
	if (!r && a->qop)
		r = util_appendf(buf, size, &used, ", qop=%s, nc=%08x, cnonce=\"%s\"", a->qop,
				 a->nc, a->cnonce);
	if (!r && a->opaque)
		r = util_appendf(buf, size, &used, ", opaque=\"%s\"", a->opaque);
	/* RFC 3310 3.4: auts travels as a quoted base64 string. */
	if (!r && a->auts)
		r = util_appendf(buf, size, &used, ", auts=\"%s\"", a->auts);
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
	    control_at(m->authorization) >= 0 || (m->user_agent && !value_ok(m->user_agent)) ||
	    !m->local_port || m->local_port > 65535 || strncmp(m->branch, "z9hG4bK", 7) != 0 ||
	    strpbrk(m->domain, " <>") || strpbrk(m->impu, " <>") ||
	    (m->instance_id && (!value_ok(m->instance_id) || strpbrk(m->instance_id, " <>"))) ||
	    (m->icsi && (!value_ok(m->icsi) || strpbrk(m->icsi, " <>%"))) ||
	    (m->pani && !value_ok(m->pani)))
		return -EINVAL;
	if (size > SIPMSG_MAX_LEN + 1)
		size = SIPMSG_MAX_LEN + 1;
	r = util_appendf(buf, size, &used,
			 "REGISTER sip:%s SIP/2.0\r\n"
			 "Via: SIP/2.0/%s %s%s%s:%u;branch=%s;rport\r\n"
			 "Max-Forwards: 70\r\n"
			 "From: <%s>;tag=%s\r\n"
			 "To: <%s>\r\n"
			 "Call-ID: %s\r\n"
			 "CSeq: %u REGISTER\r\n"
			 "Contact: <sip:%s%s%s:%u%s>",
			 m->domain, tp, lb, m->local_host, rb, m->local_port, m->branch, m->impu,
			 m->from_tag, m->impu, m->call_id, m->cseq, lb, m->local_host, rb,
			 m->local_port, m->tcp ? ";transport=tcp" : "");
	/* RFC 5626 4.1 / TS 24.229 5.1.1.2.1: the instance ID is a quoted <URN>. */
	if (!r && m->instance_id)
		r = util_appendf(buf, size, &used, ";+sip.instance=\"<%s>\"", m->instance_id);
	/* TS 24.229 7.2A.8: the ICSI value with ':' percent-encoded (RFC 3840 9). */
	if (!r && m->icsi) {
		const char *p;

		r = util_appendf(buf, size, &used, ";+g.3gpp.icsi-ref=\"");
		for (p = m->icsi; !r && *p; p++)
			r = *p == ':' ? util_appendf(buf, size, &used, "%%3A") :
					util_appendf(buf, size, &used, "%c", *p);
		if (!r)
			r = util_appendf(buf, size, &used, "\"");
	}
	if (!r)
		r = util_appendf(buf, size, &used,
				 "\r\n"
				 "Expires: %u\r\n"
				 "Supported: path\r\n"
				 "Authorization: %s\r\n",
				 m->expires, m->authorization);
	if (!r && m->pani)
		r = util_appendf(buf, size, &used, "P-Access-Network-Info: %s\r\n", m->pani);
	if (!r && m->user_agent)
		r = util_appendf(buf, size, &used, "User-Agent: %s\r\n", m->user_agent);
	if (!r)
		r = util_appendf(buf, size, &used, "Content-Length: 0\r\n\r\n");
	return r < 0 ? r : (int)used;
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[n] == '\0';
}

int sipmsg_imei_urn(const char *imei, char *buf, size_t size, const char **err)
{
	size_t n = imei ? strlen(imei) : 0;
	int r;

	if (n < 14 || n > 16 || !all_digits(imei, n)) {
		*err = "IMEI is not 14 to 16 digits";
		return -EINVAL;
	}
	/* TAC (8 digits), SNR (6), then the spare digit, always 0 when sent. */
	r = snprintf(buf, size, "urn:gsma:imei:%.8s-%.6s-0", imei, imei + 8);
	if (r < 0 || (size_t)r >= size) {
		*err = "no room for the IMEI URN";
		return -EINVAL;
	}
	return 0;
}

int sipmsg_pani_eutran(const char *mcc, const char *mnc, uint32_t tac, uint32_t eci, char *buf,
		       size_t size, const char **err)
{
	size_t mnc_len = mnc ? strlen(mnc) : 0;
	int r;

	if (!mcc || !all_digits(mcc, 3)) {
		*err = "MCC is not 3 digits";
		return -EINVAL;
	}
	if ((mnc_len != 2 && mnc_len != 3) || !all_digits(mnc, mnc_len)) {
		*err = "MNC is not 2 or 3 digits";
		return -EINVAL;
	}
	if (tac > 0xffff || eci > 0xfffffff) {
		*err = tac > 0xffff ? "TAC over 16 bits" : "E-UTRAN cell identity over 28 bits";
		return -EINVAL;
	}
	r = snprintf(buf, size, "3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=%s%s%04X%07X", mcc, mnc,
		     (unsigned int)tac, (unsigned int)eci);
	if (r < 0 || (size_t)r >= size) {
		*err = "no room for P-Access-Network-Info";
		return -EINVAL;
	}
	return 0;
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

int sipmsg_frame(const uint8_t *buf, size_t len, size_t *skip, size_t *msg_len, char *err,
		 size_t err_size)
{
	const char *s = (const char *)buf, *hdr_end, *line;
	char shown[SHOW_BUF];
	size_t k = 0, head;
	long clen = -1;

	err[0] = '\0';
	while (k + 1 < len && buf[k] == '\r' && buf[k + 1] == '\n')
		k += 2;
	*skip = k;
	s += k;
	len -= k;
	hdr_end = memmem(s, len, "\r\n\r\n", 4);
	if (!hdr_end) {
		if (len > SIPMSG_MAX_LEN) {
			snprintf(err, err_size, "no end of headers within %d bytes",
				 SIPMSG_MAX_LEN);
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
			int ret;

			while (n && (*v == ' ' || *v == '\t')) {
				v++;
				n--;
			}
			while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
				n--;
			ret = -EBADMSG;
			if (n < sizeof(num)) {
				memcpy(num, v, n);
				num[n] = '\0';
				ret = strpbrk(num, ";( \t") ? -EBADMSG : parse_delta(num, &clen);
			}
			if (ret < 0 || clen > SIPMSG_MAX_LEN) {
				snprintf(err, err_size,
					 "Content-Length \"%s\" not a number up to %d",
					 show(v, n, shown), SIPMSG_MAX_LEN);
				return -EBADMSG;
			}
		}
		line = eol + 2;
	}
	if (clen < 0) {
		/* RFC 3261 18.3: mandatory on stream transports. */
		snprintf(err, err_size, "Content-Length missing (RFC 3261 18.3)");
		return -EBADMSG;
	}
	if (head + (size_t)clen > SIPMSG_MAX_LEN) {
		snprintf(err, err_size, "%zu bytes of headers and %ld of body, over %d", head, clen,
			 SIPMSG_MAX_LEN);
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
	unsigned long n = 0;
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
