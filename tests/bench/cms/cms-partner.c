// SPDX-License-Identifier: GPL-2.0-or-later
/* Steps 7/12: the primary CMS as a libcurl client of the partner CMS. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <glib.h>

#include "cms-partner.h"
#include "cms-xml.h"
#include "util.h"

struct sink {
	GByteArray *buf;
	bool overflow;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
	struct sink *s = user;
	size_t n = size * nmemb;

	if (s->buf->len + n > CMS_PARTNER_MAX_ANSWER) {
		s->overflow = true;
		return 0; /* aborts the transfer */
	}
	g_byte_array_append(s->buf, (const guint8 *)ptr, (guint)n);
	return n;
}

static bool is_type(const char *ct, const char *want)
{
	size_t n = strlen(want);

	return ct && !g_ascii_strncasecmp(ct, want, n) && (ct[n] == '\0' || ct[n] == ';');
}

/*
 * POSTs @body to the partner's @path with mutual TLS: the partner is
 * verified against the bench CA by name, our client certificate presented.
 * CURLE_OK and the HTTP status, Content-Type and answer (in @sink), or the
 * curl failure in *@why.
 */
static int post(const struct cms_config *cfg, const struct cms_partner *p, const char *path,
		const char *body, size_t len, struct sink *sink, long *status, char **ct,
		char **why)
{
	struct curl_slist *hdr = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	const char *type = NULL;
	char *url = g_strconcat(p->url, path, NULL);
	CURLcode rc;
	CURL *c;
	int ret = -EIO;

	c = curl_easy_init();
	if (!c) {
		*why = g_strdup("out of memory");
		goto out;
	}
	hdr = curl_slist_append(hdr, "Content-Type: " CMS_CT_CMS);
	hdr = curl_slist_append(hdr, "Accept: " CMS_CT_CMS);
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)cfg->partner_timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)cfg->partner_timeout);
	/* Mutual TLS: verify the partner against the bench CA, present our certificate. */
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca);
	curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	curl_easy_setopt(c, CURLOPT_SSLCERT, cfg->client_certificate);
	curl_easy_setopt(c, CURLOPT_SSLKEY, cfg->client_key);
	curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, sink);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		*why = g_strdup_printf("%s: %s", url,
				       sink->overflow ? "answer larger than 256 KiB" :
				       *errbuf	      ? errbuf :
							curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
	*ct = g_strdup(type);
	ret = 0;
out:
	curl_slist_free_all(hdr);
	if (c)
		curl_easy_cleanup(c);
	g_free(url);
	return ret;
}

/* A non-200 answer: its error document, and what it means for the caller. */
static enum cms_error failed(const struct cms_partner *p, const char *path, struct sink *sink,
			     long status, char **why)
{
	enum cms_error ret = CMS_ERR_PARTNER_UNREACHABLE;
	char *code = NULL, *text = NULL;
	int e;

	if (cms_xml_parse_error((const char *)sink->buf->data, sink->buf->len, CMS_NS_CMS, &code,
				&text)) {
		*why = g_strdup_printf("%s%s answered HTTP %ld without an error document", p->url,
				       path, status);
		return ret;
	}
	e = cms_error_from_code(code);
	/* Step 8 refusals are final; anything else is the partner failing us. */
	if (e == CMS_ERR_SYSTEM_NOT_AUTHORISED || e == CMS_ERR_USER_NOT_AUTHORISED)
		ret = CMS_ERR_PARTNER_REFUSED;
	*why = g_strdup_printf("%s answered HTTP %ld %s: %s", p->system_id, status, code, text);
	g_free(code);
	g_free(text);
	return ret;
}

enum cms_error cms_partner_access(const struct cms_config *cfg, const struct cms_partner *p,
				  const struct cms_access_request *q, struct cms_connection *out,
				  char **why)
{
	struct sink sink = { .buf = g_byte_array_new() };
	enum cms_error ret = CMS_ERR_PARTNER_UNREACHABLE;
	char *body, *ct = NULL, *perr = NULL;
	long status = 0;
	size_t len;

	body = cms_xml_build_access_request(q, &len);
	if (!body) {
		*why = g_strdup("out of memory");
		goto out;
	}
	if (post(cfg, p, CMS_PARTNER_ACCESS_PATH, body, len, &sink, &status, &ct, why))
		goto out;
	if (status != 200) {
		ret = failed(p, CMS_PARTNER_ACCESS_PATH, &sink, status, why);
		goto out;
	}
	if (!is_type(ct, CMS_CT_CMS)) {
		*why = g_strdup_printf("%s answered Content-Type %s", p->url, ct ? ct : "none");
		goto out;
	}
	if (cms_xml_parse_connection((const char *)sink.buf->data, sink.buf->len, CMS_NS_CMS,
				     "partner-access", 0, out, &perr)) {
		*why = g_strdup_printf("%s: unusable answer: %s", p->url, perr);
		goto out;
	}
	if (out->valid_until <= (int64_t)time(NULL)) {
		*why = g_strdup_printf("%s answered a configuration already expired", p->url);
		cms_connection_clear(out);
		goto out;
	}
	if (strcmp(out->partner_system_id, p->system_id)) {
		*why = g_strdup_printf("%s answered as %s, not %s", p->url, out->partner_system_id,
				       p->system_id);
		cms_connection_clear(out);
		goto out;
	}
	ret = CMS_OK;
out:
	if (sink.buf->len)
		util_wipe(sink.buf->data, sink.buf->len);
	g_byte_array_unref(sink.buf);
	g_free(body);
	g_free(ct);
	g_free(perr);
	return ret;
}

enum cms_error cms_partner_revoke(const struct cms_config *cfg, const struct cms_partner *p,
				  const struct cms_revoke_request *q, char **why)
{
	struct sink sink = { .buf = g_byte_array_new() };
	enum cms_error ret = CMS_ERR_PARTNER_UNREACHABLE;
	char *body, *ct = NULL;
	long status = 0;
	size_t len;

	body = cms_xml_build_partner_revoke(q, &len);
	if (!body) {
		*why = g_strdup("out of memory");
		goto out;
	}
	if (post(cfg, p, CMS_PARTNER_REVOKE_PATH, body, len, &sink, &status, &ct, why))
		goto out;
	if (status != 200) {
		ret = failed(p, CMS_PARTNER_REVOKE_PATH, &sink, status, why);
		goto out;
	}
	if (!is_type(ct, CMS_CT_CMS)) {
		*why = g_strdup_printf("%s answered Content-Type %s", p->url, ct ? ct : "none");
		goto out;
	}
	ret = CMS_OK;
out:
	g_byte_array_unref(sink.buf);
	g_free(body);
	g_free(ct);
	return ret;
}
