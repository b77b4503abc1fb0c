// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The IdM client's pure codecs. JSON through jansson: small (one C library,
 * no GObject), in Debian, with a parser that takes (buf, len), caps nesting
 * depth and reports the byte where parsing stopped; json-glib would pull
 * GObject into a codec that owns nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <jansson.h>

#include "idm-proto.h"
#include "util.h"

#define BAD(...) snprintf(why, why_len, __VA_ARGS__)

/* RFC 4648 5, no padding (RFC 7636 Appendix A). @out holds 4 * ceil(len / 3) + 1. */
static void base64url(const uint8_t *in, size_t len, char *out)
{
	gchar *b = g_base64_encode(in, len);
	size_t i, n = strlen(b);

	for (i = 0; i < n && b[i] != '='; i++)
		out[i] = b[i] == '+' ? '-' : b[i] == '/' ? '_' : b[i];
	out[i] = '\0';
	util_wipe(b, n);
	g_free(b);
}

void idm_pkce_verifier(const uint8_t rnd[IDM_PKCE_RANDOM_LEN], char *verifier)
{
	base64url(rnd, IDM_PKCE_RANDOM_LEN, verifier);
}

void idm_pkce_challenge(const char *verifier, char *challenge)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	uint8_t digest[32];
	gsize n = sizeof(digest);

	g_checksum_update(ck, (const guchar *)verifier, (gssize)strlen(verifier));
	g_checksum_get_digest(ck, digest, &n);
	g_checksum_free(ck);
	base64url(digest, n, challenge);
	util_wipe(digest, sizeof(digest));
}

/* WHATWG/HTML form encoding: unreserved as is, space as '+', the rest %XX. */
static int form_escape(char *buf, size_t size, size_t *used, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t at = *used;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		bool plain = g_ascii_isalnum(ch) || ch == '-' || ch == '.' || ch == '_' ||
			     ch == '~' || ch == ' ';

		if (at + (plain ? 1 : 3) >= size)
			return -E2BIG;
		if (plain) {
			buf[at++] = ch == ' ' ? '+' : (char)ch;
		} else {
			buf[at++] = '%';
			buf[at++] = hex[ch >> 4];
			buf[at++] = hex[ch & 15];
		}
	}
	buf[at] = '\0';
	*used = at;
	return 0;
}

int idm_form_add(char *buf, size_t size, size_t *used, const char *name, const char *value)
{
	size_t at = *used;

	if (at && util_appendf(buf, size, &at, "&") < 0)
		goto full;
	if (form_escape(buf, size, &at, name) < 0 || util_appendf(buf, size, &at, "=") < 0 ||
	    form_escape(buf, size, &at, value) < 0)
		goto full;
	*used = at;
	return 0;
full:
	/* Nothing half-written stays behind (it may be the start of a secret). */
	util_wipe(buf + *used, size - *used);
	return -E2BIG;
}

static int hexval(char c)
{
	return g_ascii_isxdigit(c) ? g_ascii_xdigit_value(c) : -1;
}

/* One query value, percent-decoded ('+' = space) into @out; -E2BIG or -EINVAL. */
static int query_value(const char *v, size_t n, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		char ch = v[i];

		if (ch == '%') {
			if (i + 2 >= n || hexval(v[i + 1]) < 0 || hexval(v[i + 2]) < 0)
				return -EINVAL;
			ch = (char)(hexval(v[i + 1]) * 16 + hexval(v[i + 2]));
			i += 2;
		} else if (ch == '+') {
			ch = ' ';
		}
		if ((unsigned char)ch < 0x20 || ch == 0x7f)
			return -EINVAL;
		if (o + 1 >= size)
			return -E2BIG;
		out[o++] = ch;
	}
	out[o] = '\0';
	return 0;
}

/* The value of @name in the query @q (up to '#' or the end); NULL when absent. */
static const char *query_find(const char *q, const char *name, size_t *len)
{
	size_t nl = strlen(name);

	while (*q && *q != '#') {
		size_t n = strcspn(q, "&#");

		if (n > nl && strncmp(q, name, nl) == 0 && q[nl] == '=') {
			*len = n - nl - 1;
			return q + nl + 1;
		}
		q += n;
		if (*q == '&')
			q++;
	}
	return NULL;
}

int idm_parse_redirect(const char *location, const char *redirect_uri, const char *state,
		       char *code, size_t code_size, char *why, size_t why_len)
{
	char got_state[128], err[IDM_ERROR_MAX], desc[IDM_ERROR_DESC_MAX];
	size_t rl = strlen(redirect_uri), n;
	const char *q, *v;

	code[0] = '\0';
	/* RFC 6749 4.1.2: the answer goes to our redirection URI, or it is not ours. */
	if (strncmp(location, redirect_uri, rl) != 0 ||
	    (location[rl] != '?' && location[rl] != '&')) {
		BAD("the authorization endpoint redirected elsewhere than %s (to a login page? "
		    "then the scope is not granted to the client)",
		    redirect_uri);
		return -EBADMSG;
	}
	/* After our redirection URI: its own query (if any) ends there, ours follows. */
	q = location + rl + 1;
	v = query_find(q, "state", &n);
	if (!v || query_value(v, n, got_state, sizeof(got_state)) < 0 ||
	    strcmp(got_state, state) != 0) {
		/* RFC 6749 10.12: a response to a request we did not make. */
		BAD("authorization response with %s state", v ? "another" : "no");
		return -EBADMSG;
	}
	v = query_find(q, "error", &n);
	if (v) {
		if (query_value(v, n, err, sizeof(err)) < 0 || !err[0])
			snprintf(err, sizeof(err), "(%s error code)",
				 err[0] ? "unreadable" : "empty");
		v = query_find(q, "error_description", &n);
		if (!v || query_value(v, n, desc, sizeof(desc)) < 0)
			desc[0] = '\0';
		BAD("%s%s%s", err, desc[0] ? ": " : "", desc);
		return -EACCES;
	}
	v = query_find(q, "code", &n);
	if (!v || n == 0) {
		BAD("authorization response without a code");
		return -EBADMSG;
	}
	if (query_value(v, n, code, code_size) < 0) {
		util_wipe(code, code_size);
		BAD("authorization code too long or not printable");
		return -EBADMSG;
	}
	return 0;
}

/* RFC 6750 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
static bool is_b64token(const char *s)
{
	size_t n =
		strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");

	if (n == 0)
		return false;
	return s[n + strspn(s + n, "=")] == '\0';
}

/* RFC 6749 A.17: refresh-token = 1*VSCHAR (%x20-7E). */
static bool is_vschar(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* A string member into @out; -ENOENT absent, -EBADMSG not a string or too long. */
static int member(json_t *obj, const char *name, char *out, size_t size, char *why, size_t why_len)
{
	json_t *v = json_object_get(obj, name);
	size_t n;

	out[0] = '\0';
	if (!v)
		return -ENOENT;
	if (!json_is_string(v)) {
		BAD("\"%s\" is not a string", name);
		return -EBADMSG;
	}
	n = json_string_length(v);
	if (n >= size || memchr(json_string_value(v), '\0', n)) {
		BAD("\"%s\" is %s (%zu bytes, at most %zu)", name,
		    n >= size ? "too long" : "not text", n, size - 1);
		return -EBADMSG;
	}
	memcpy(out, json_string_value(v), n + 1);
	return 0;
}

/* jansson's codes that a peer's bytes can cause; every other one is "unreadable". */
static const struct {
	enum json_error_code code;
	const char *text;
} json_faults[] = {
	{ json_error_premature_end_of_input, "premature end of input" },
	{ json_error_duplicate_key, "duplicate object key" },
	{ json_error_invalid_syntax, "invalid syntax" },
	{ json_error_end_of_input_expected, "invalid syntax" },
	{ json_error_invalid_utf8, "invalid UTF-8" },
	{ json_error_null_character, "NUL character" },
	{ json_error_null_byte_in_key, "NUL character" },
	{ json_error_numeric_overflow, "number out of range" },
	{ json_error_stack_overflow, "nested too deep" },
};

static const char *json_fault(enum json_error_code c)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(json_faults); i++)
		if (json_faults[i].code == c)
			return json_faults[i].text;
	return "unreadable";
}

static json_t *load(const uint8_t *buf, size_t len, char *why, size_t why_len)
{
	json_error_t e;
	json_t *root;

	if (len > IDM_RESPONSE_MAX) {
		BAD("answer larger than %u bytes", IDM_RESPONSE_MAX);
		return NULL;
	}
	root = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &e);
	if (!root) {
		/*
		 * Not e.text: it quotes the input ("near '...'"), which may be a
		 * token. The code and the offset say enough.
		 */
		BAD("not JSON: %s at byte %d", json_fault(json_error_code(&e)), e.position);
		return NULL;
	}
	if (!json_is_object(root)) {
		BAD("not a JSON object");
		json_decref(root);
		return NULL;
	}
	return root;
}

/*
 * jansson keeps its own copies of the strings; they go with json_decref().
 * Wiping them is not possible through its API, so a token lives there only
 * between json_loadb() and this function's return.
 */
int idm_parse_token_response(const uint8_t *buf, size_t len, bool want_issued_type,
			     struct idm_token_response *r, char *why, size_t why_len)
{
	json_t *root, *v;
	int ret;

	memset(r, 0, sizeof(*r));
	root = load(buf, len, why, why_len);
	if (!root)
		return -EBADMSG;
	ret = member(root, "access_token", r->access_token, sizeof(r->access_token), why, why_len);
	if (ret == -ENOENT)
		BAD("no \"access_token\"");
	if (ret == 0 && !is_b64token(r->access_token)) {
		BAD("\"access_token\" is not an RFC 6750 b64token");
		ret = -EBADMSG;
	}
	if (ret < 0)
		goto bad;
	ret = member(root, "token_type", r->token_type, sizeof(r->token_type), why, why_len);
	if (ret == -ENOENT)
		BAD("no \"token_type\"");
	if (ret == 0 && g_ascii_strcasecmp(r->token_type, "Bearer") != 0 &&
	    !(want_issued_type && strcmp(r->token_type, "N_A") == 0)) {
		BAD("\"token_type\" is \"%.31s\", not Bearer", r->token_type);
		ret = -EBADMSG;
	}
	if (ret < 0)
		goto bad;
	ret = member(root, "refresh_token", r->refresh_token, sizeof(r->refresh_token), why,
		     why_len);
	if (ret == 0 && !is_vschar(r->refresh_token)) {
		BAD("\"refresh_token\" is not printable ASCII");
		ret = -EBADMSG;
	}
	if (ret < 0 && ret != -ENOENT)
		goto bad;
	ret = member(root, "issued_token_type", r->issued_token_type, sizeof(r->issued_token_type),
		     why, why_len);
	if ((ret == -ENOENT || (ret == 0 && !r->issued_token_type[0])) && want_issued_type) {
		BAD("no \"issued_token_type\" (RFC 8693 2.2.1)");
		ret = -ENOENT;
	}
	if (ret < 0 && (ret != -ENOENT || want_issued_type))
		goto bad;
	v = json_object_get(root, "expires_in");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0 ||
		  json_integer_value(v) > 10 * 365 * 86400)) {
		BAD("\"expires_in\" is not a number of seconds");
		ret = -EBADMSG;
		goto bad;
	}
	r->expires_in = v ? (unsigned long)json_integer_value(v) : 0;
	json_decref(root);
	return 0;
bad:
	json_decref(root);
	idm_token_response_wipe(r);
	return -EBADMSG;
}

int idm_parse_error_response(const uint8_t *buf, size_t len, char *error, size_t error_size,
			     char *desc, size_t desc_size)
{
	char why[64];
	json_t *root = load(buf, len, why, sizeof(why));
	char *p;
	int ret;

	error[0] = desc[0] = '\0';
	if (!root)
		return -EBADMSG;
	/* RFC 6749 5.2: error is a NQSCHAR code; anything else is not this answer. */
	ret = member(root, "error", error, error_size, why, sizeof(why));
	if (ret == 0 && (!error[0] || strspn(error, "abcdefghijklmnopqrstuvwxyz"
						    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:") !=
					      strlen(error)))
		ret = -EBADMSG;
	if (ret < 0) {
		error[0] = '\0';
		json_decref(root);
		return -EBADMSG;
	}
	if (member(root, "error_description", desc, desc_size, why, sizeof(why)) < 0) {
		/* Too long or not a string: keep what fits, it is for people only. */
		json_t *v = json_object_get(root, "error_description");

		if (json_is_string(v))
			snprintf(desc, desc_size, "%s", json_string_value(v));
	}
	for (p = desc; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	json_decref(root);
	return 0;
}

void idm_token_response_wipe(struct idm_token_response *r)
{
	util_wipe(r, sizeof(*r));
}
