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

enum cms_error cms_partner_access(const struct cms_config *cfg, const struct cms_partner *p,
				  const struct cms_access_request *q, struct cms_connection *out,
				  char **why)
{
	struct sink sink = { .buf = g_byte_array_new() };
	struct curl_slist *hdr = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	char *body, *url, *code = NULL, *text = NULL, *perr = NULL;
	enum cms_error ret = CMS_ERR_PARTNER_UNREACHABLE;
	const char *ct = NULL;
	long status = 0;
	size_t len;
	CURLcode rc;
	CURL *c;
	int e;

	body = cms_xml_build_access_request(q, &len);
	url = g_strconcat(p->url, CMS_PARTNER_ACCESS_PATH, NULL);
	c = curl_easy_init();
	if (!body || !c) {
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
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		*why = g_strdup_printf("%s: %s", url,
				       sink.overflow ? "answer larger than 256 KiB" :
				       *errbuf	     ? errbuf :
						       curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
	if (status == 200) {
		if (!is_type(ct, CMS_CT_CMS)) {
			*why = g_strdup_printf("%s answered Content-Type %s", url,
					       ct ? ct : "none");
			goto out;
		}
		if (cms_xml_parse_connection((const char *)sink.buf->data, sink.buf->len,
					     CMS_NS_CMS, "partner-access", 0, out, &perr)) {
			*why = g_strdup_printf("%s: unusable answer: %s", url, perr);
			goto out;
		}
		if (out->valid_until <= (int64_t)time(NULL)) {
			*why = g_strdup_printf("%s answered a configuration already expired", url);
			cms_connection_clear(out);
			goto out;
		}
		if (strcmp(out->partner_system_id, p->system_id)) {
			*why = g_strdup_printf("%s answered as %s, not %s", url,
					       out->partner_system_id, p->system_id);
			cms_connection_clear(out);
			goto out;
		}
		ret = CMS_OK;
		goto out;
	}
	if (cms_xml_parse_error((const char *)sink.buf->data, sink.buf->len, CMS_NS_CMS, &code,
				&text)) {
		*why = g_strdup_printf("%s answered HTTP %ld without an error document", url,
				       status);
		goto out;
	}
	e = cms_error_from_code(code);
	/* Step 8 refusals are final; anything else is the partner failing us. */
	if (e == CMS_ERR_SYSTEM_NOT_AUTHORISED || e == CMS_ERR_USER_NOT_AUTHORISED)
		ret = CMS_ERR_PARTNER_REFUSED;
	*why = g_strdup_printf("%s answered HTTP %ld %s: %s", p->system_id, status, code, text);
out:
	if (sink.buf->len)
		util_wipe(sink.buf->data, sink.buf->len);
	g_byte_array_unref(sink.buf);
	curl_slist_free_all(hdr);
	if (c)
		curl_easy_cleanup(c);
	g_free(body);
	g_free(url);
	g_free(code);
	g_free(text);
	g_free(perr);
	return ret;
}
