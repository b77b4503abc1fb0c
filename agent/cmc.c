// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The configuration management client: libcurl's multi socket API driven by
 * the GLib main loop (curl-loop.h), so the exchange never blocks the loop. CURLcode and HTTP status are translated here, once, into -errno and
 * a reason a person can read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <glib.h>

#include "bearer-file.h"
#include "cmc.h"
#include "curl-loop.h"
#include "util.h"

#define CMC_TOKEN_MAX 4096

struct cmc {
	char *url;
	char *ca_file;
	char *token_file;
	struct cmc_config cfg;

	struct curl_loop *loop;
	CURL *easy;
	struct curl_slist *headers;
	guint start_id; /* the next attempt: idle at first, backoff after */

	char *body;
	size_t body_len;
	struct curl_body resp;
	char curl_err[CURL_ERROR_SIZE];

	bool busy;
	cmc_done_cb cb;
	void *user_data;
	unsigned int attempts;
};

static void finish(struct cmc *c, int err, const char *reason, const struct partner_config *cfg);

static void wipe_headers(struct cmc *c)
{
	struct curl_slist *h;

	for (h = c->headers; h; h = h->next)
		util_wipe(h->data, strlen(h->data));
	curl_slist_free_all(c->headers);
	c->headers = NULL;
}

static void drop_easy(struct cmc *c)
{
	if (c->easy) {
		curl_multi_remove_handle(curl_loop_multi(c->loop), c->easy);
		curl_easy_cleanup(c->easy);
		c->easy = NULL;
	}
	wipe_headers(c);
}

/*
 * The bearer token, read at request time from a file nobody else may read
 * (it is a secret: style.md). Every copy here is wiped.
 */
int cmc_token_header(const char *token_file, struct curl_slist **headers, char *reason,
		     size_t reason_len)
{
	char buf[CMC_TOKEN_MAX + 1];
	char hdr[CMC_TOKEN_MAX + 32];
	struct curl_slist *h;
	int ret = 0;

	ret = bearer_file_read(token_file, buf, sizeof(buf), reason, reason_len);
	if (ret < 0)
		return ret;
	ret = 0;
	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", buf);
	h = curl_slist_append(*headers, hdr);
	if (!h) {
		ret = -ENOMEM;
		snprintf(reason, reason_len, "out of memory");
		goto out;
	}
	*headers = h;
out:
	util_wipe(buf, sizeof(buf));
	util_wipe(hdr, sizeof(hdr));
	return ret;
}

static int add_token(struct cmc *c, char *reason, size_t reason_len)
{
	if (!c->token_file)
		return 0;
	return cmc_token_header(c->token_file, &c->headers, reason, reason_len);
}

int cmc_easy_secure(void *easy, const char *url, const char *ca_file)
{
	return (int)curl_loop_secure(easy, url, ca_file);
}

static int setup_easy(struct cmc *c, char *reason, size_t reason_len)
{
	static const char *const fixed[] = {
		"Content-Type: application/vnd.mcmig.partner-request+xml",
		"Accept: application/vnd.mcmig.partner-connection+xml",
		"Expect:",
	};
	CURLcode cc = CURLE_OK;
	struct curl_slist *h;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(fixed); i++) {
		h = curl_slist_append(c->headers, fixed[i]);
		if (!h)
			return -ENOMEM;
		c->headers = h;
	}
	ret = add_token(c, reason, reason_len);
	if (ret < 0)
		return ret;
	c->easy = curl_easy_init();
	if (!c->easy)
		return -ENOMEM;
	g_byte_array_set_size(c->resp.data, 0);
	c->resp.too_large = false;
	cc = curl_loop_https(c->easy, c->url, c->ca_file, (long)c->cfg.connect_timeout_ms,
			     (long)c->cfg.total_timeout_ms, c->curl_err);
#define SET(opt, val)                                             \
	do {                                                      \
		if (cc == CURLE_OK)                               \
			cc = curl_easy_setopt(c->easy, opt, val); \
	} while (0)
	SET(CURLOPT_HTTPHEADER, c->headers);
	SET(CURLOPT_POSTFIELDS, c->body);
	SET(CURLOPT_POSTFIELDSIZE, (long)c->body_len);
	SET(CURLOPT_WRITEFUNCTION, curl_body_write);
	SET(CURLOPT_WRITEDATA, &c->resp);
#undef SET
	if (cc != CURLE_OK) {
		snprintf(reason, reason_len, "libcurl: %s", curl_easy_strerror(cc));
		return -EINVAL;
	}
	if (curl_multi_add_handle(curl_loop_multi(c->loop), c->easy) != CURLM_OK) {
		snprintf(reason, reason_len, "libcurl: cannot add the transfer");
		return -ENOMEM;
	}
	return 0;
}

static gboolean start_attempt(gpointer data)
{
	struct cmc *c = data;
	char reason[256] = "";
	int ret;

	c->start_id = 0;
	c->attempts++;
	ret = setup_easy(c, reason, sizeof(reason));
	if (ret < 0) {
		drop_easy(c);
		finish(c, ret, reason[0] ? reason : strerror(-ret), NULL);
	}
	return G_SOURCE_REMOVE;
}

static bool transient(CURLcode cc, long status)
{
	bool t;

	if (cc == CURLE_OK)
		return status == 502 || status == 503;
	curl_loop_errno(cc, &t);
	return t;
}

static int status_errno(long status)
{
	switch (status) {
	case 401:
		return -EPERM;
	case 403:
		return -EACCES;
	case 404:
		return -ENOENT;
	case 413:
		return -EMSGSIZE;
	case 502:
	case 503:
		return -EAGAIN;
	default:
		return -EPROTO;
	}
}

/* The reason of a non-200 answer: the server's <code>: <text>, else the status. */
static void http_reason(struct cmc *c, long status, char *reason, size_t len)
{
	char code[CMC_XML_CODE_MAX], text[200];

	if (cmc_xml_parse_error(c->resp.data->data, c->resp.data->len, code, text, sizeof(text)) ==
	    0)
		snprintf(reason, len, "%s: %s", code, text[0] ? text : "(no text)");
	else
		snprintf(reason, len, "HTTP %ld from the configuration server", status);
}

static void transfer_done(struct cmc *c, CURLcode cc)
{
	char reason[CMC_XML_ERRMSG_MAX + 64];
	struct partner_config cfg;
	long status = 0;
	unsigned int backoff, i;
	int err;

	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
	if (cc != CURLE_OK)
		g_debug("cmc: attempt %u: %s (%s)", c->attempts, curl_easy_strerror(cc),
			c->curl_err);
	if (transient(cc, status) && c->attempts < c->cfg.max_attempts) {
		drop_easy(c);
		backoff = c->cfg.backoff_initial_ms;
		for (i = 1; i < c->attempts && backoff < c->cfg.backoff_max_ms; i++)
			backoff *= 2;
		if (backoff > c->cfg.backoff_max_ms)
			backoff = c->cfg.backoff_max_ms;
		g_debug("cmc: retrying in %u ms", backoff);
		c->start_id = g_timeout_add(backoff, start_attempt, c);
		return;
	}
	if (cc == CURLE_WRITE_ERROR && c->resp.too_large) {
		err = -EMSGSIZE;
		snprintf(reason, sizeof(reason), "answer larger than %u bytes", CMC_XML_MAX_DOC);
	} else if (cc != CURLE_OK) {
		err = curl_loop_errno(cc, NULL);
		snprintf(reason, sizeof(reason), "%s%s: %s", err == -EACCES ? "tls: " : "",
			 curl_easy_strerror(cc), c->curl_err[0] ? c->curl_err : "no detail");
		reason[strcspn(reason, "\n")] = '\0';
	} else if (status != 200) {
		err = status_errno(status);
		http_reason(c, status, reason, sizeof(reason));
	} else {
		char why[CMC_XML_ERRMSG_MAX];

		err = cmc_xml_parse_answer(c->resp.data->data, c->resp.data->len, PCFG_SOURCE_CMS,
					   &cfg, why, sizeof(why));
		if (err == 0) {
			drop_easy(c);
			finish(c, 0, NULL, &cfg);
			partner_config_clear(&cfg);
			return;
		}
		snprintf(reason, sizeof(reason), "bad answer: %s", why);
		err = -EBADMSG;
	}
	drop_easy(c);
	finish(c, err, reason, NULL);
}

/* From the loop: @c may be freed by the callback transfer_done() runs. */
static void on_transfer(CURL *easy, CURLcode cc, void *ud)
{
	struct cmc *c = ud;

	if (easy == c->easy)
		transfer_done(c, cc);
}

static void finish(struct cmc *c, int err, const char *reason, const struct partner_config *cfg)
{
	cmc_done_cb cb = c->cb;
	void *ud = c->user_data;

	c->busy = false;
	c->cb = NULL;
	g_byte_array_set_size(c->resp.data, 0);
	if (c->body) {
		free(c->body);
		c->body = NULL;
	}
	if (cb)
		cb(err, reason, cfg, ud);
}

int cmc_new(struct cmc **out, const struct cmc_config *cfg)
{
	struct cmc *c;

	*out = NULL;
	if (!cfg->url || g_ascii_strncasecmp(cfg->url, "https://", 8) != 0)
		return -EINVAL; /* TLS always */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -ENOMEM;
	c = g_new0(struct cmc, 1);
	c->url = g_strdup(cfg->url);
	c->ca_file = g_strdup(cfg->ca_file);
	c->token_file = g_strdup(cfg->token_file);
	c->cfg = *cfg;
	if (!c->cfg.connect_timeout_ms)
		c->cfg.connect_timeout_ms = 10000;
	if (!c->cfg.total_timeout_ms)
		c->cfg.total_timeout_ms = 30000;
	if (!c->cfg.max_attempts)
		c->cfg.max_attempts = 4;
	if (!c->cfg.backoff_initial_ms)
		c->cfg.backoff_initial_ms = 1000;
	if (!c->cfg.backoff_max_ms)
		c->cfg.backoff_max_ms = 30000;
	c->resp.data = g_byte_array_new();
	c->resp.max = CMC_XML_MAX_DOC; /* agent/schema/README.md: 256 KiB */
	if (curl_loop_new(&c->loop, on_transfer, c) < 0) {
		cmc_free(c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}

void cmc_cancel(struct cmc *c)
{
	if (!c || !c->busy)
		return;
	if (c->start_id) {
		g_source_remove(c->start_id);
		c->start_id = 0;
	}
	drop_easy(c);
	finish(c, -ECANCELED, "cancelled", NULL);
}

void cmc_free(struct cmc *c)
{
	if (!c)
		return;
	cmc_cancel(c);
	curl_loop_free(c->loop);
	g_byte_array_unref(c->resp.data);
	g_free(c->url);
	g_free(c->ca_file);
	g_free(c->token_file);
	g_free(c);
	curl_global_cleanup();
}

static void start(struct cmc *c, cmc_done_cb cb, void *user_data)
{
	c->busy = true;
	c->cb = cb;
	c->user_data = user_data;
	c->attempts = 0;
	/* Never from inside this call: the first attempt starts from the loop. */
	c->start_id = g_idle_add(start_attempt, c);
}

int cmc_fetch(struct cmc *c, const struct cmc_request *req, cmc_done_cb cb, void *user_data)
{
	int ret;

	if (c->busy)
		return -EBUSY;
	ret = cmc_xml_build_request(req, &c->body, &c->body_len);
	if (ret < 0)
		return ret;
	start(c, cb, user_data);
	return 0;
}

int cmc_post(struct cmc *c, const uint8_t *body, size_t len, cmc_done_cb cb, void *user_data)
{
	if (c->busy)
		return -EBUSY;
	if (!len || len > CMC_XML_MAX_DOC)
		return -EMSGSIZE;
	c->body = malloc(len);
	if (!c->body)
		return -ENOMEM;
	memcpy(c->body, body, len);
	c->body_len = len;
	start(c, cb, user_data);
	return 0;
}

unsigned int cmc_attempts(const struct cmc *c)
{
	return c->attempts;
}
