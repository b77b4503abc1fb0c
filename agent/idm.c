// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The IdM client on libcurl's multi socket API driven by the GLib main loop
 * (curl-loop.h, as agent/cmc.c). One sequence at a time, read top to bottom in step():
 * sign-in is LOGIN -> AUTHORIZE -> CODE_TOKEN; the partner token is
 * [REFRESH] -> EXCHANGE -> PARTNER. Each step is one HTTPS request on the
 * same easy handle (so the login session cookie reaches the authorization
 * endpoint and nowhere else: curl keeps cookies per host).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <curl/curl.h>
#include <glib.h>

#include "cmc-xml.h"
#include "curl-loop.h"
#include "idm-proto.h"
#include "idm.h"
#include "util.h"

#define IDM_BODY_MAX (3 * IDM_TOKEN_MAX + 2048)
/* An access token this close to its end is renewed before use (clock skew, RTTs). */
#define IDM_MIN_LIFE_S 60

enum idm_seq_step {
	ST_IDLE,
	ST_LOGIN,      /* username/password at the login endpoint (TS 33.180 B.4) */
	ST_AUTHORIZE,  /* RFC 6749 4.1.1 with RFC 7636 4.3 */
	ST_CODE_TOKEN, /* RFC 6749 4.1.3 with RFC 7636 4.5 */
	ST_REFRESH,    /* RFC 6749 6 */
	ST_EXCHANGE,   /* RFC 8693 2.1 */
	ST_PARTNER,    /* RFC 7523 2.1 at the partner IdMS */
};

struct idm {
	struct idm_config cfg;
	char *login_url, *auth_endpoint, *token_endpoint, *exchange_endpoint, *client_id,
		*redirect_uri, *scope, *ca_file;

	struct curl_loop *loop;
	CURL *easy;
	struct curl_slist *headers;
	guint start_id;
	char curl_err[CURL_ERROR_SIZE];
	struct curl_body resp;
	char body[IDM_BODY_MAX];
	char url[2 * PCFG_STR_MAX + 512];

	enum idm_seq_step st;
	idm_done_cb done;
	idm_token_cb token_done;
	void *ud;

	/* Secrets: wiped on every path that ends with them. */
	char verifier[IDM_PKCE_VERIFIER_LEN + 1];
	char state[IDM_PKCE_VERIFIER_LEN + 1];
	char code[IDM_CODE_MAX];
	char access_token[IDM_TOKEN_MAX];
	time_t access_expires;
	char refresh_token[IDM_TOKEN_MAX];
	char security_token[IDM_TOKEN_MAX];
	struct idm_token out;
	char partner_token_url[PCFG_STR_MAX];
};

static void step(struct idm *c);

/* ---- HTTPS requests ---- */

/* The answer may hold tokens: wiped, not only emptied. */
static void wipe_resp(struct idm *c)
{
	util_wipe(c->resp.data->data, c->resp.data->len);
	g_byte_array_set_size(c->resp.data, 0);
}

static void drop_easy(struct idm *c)
{
	if (c->easy) {
		curl_multi_remove_handle(curl_loop_multi(c->loop), c->easy);
		/* The login session cookie goes with the handle. */
		curl_easy_setopt(c->easy, CURLOPT_COOKIELIST, "ALL");
		curl_easy_cleanup(c->easy);
		c->easy = NULL;
	}
	curl_slist_free_all(c->headers);
	c->headers = NULL;
	util_wipe(c->body, sizeof(c->body));
	wipe_resp(c);
}

/* One request on the sequence's handle: POST @body (JSON or form) or GET. */
static int send_request(struct idm *c, const char *url, bool json, bool post)
{
	CURLcode cc = CURLE_OK;
	struct curl_slist *h;

	if (!c->easy) {
		c->easy = curl_easy_init();
		if (!c->easy)
			return -ENOMEM;
		/* In-memory cookie engine: the login session, for this sequence only. */
		curl_easy_setopt(c->easy, CURLOPT_COOKIEFILE, "");
	} else {
		curl_multi_remove_handle(curl_loop_multi(c->loop), c->easy);
		curl_easy_reset(c->easy);
	}
	curl_slist_free_all(c->headers);
	c->headers = NULL;
	h = curl_slist_append(NULL, json ? "Content-Type: application/json" :
					   "Content-Type: application/x-www-form-urlencoded");
	if (h)
		h = curl_slist_append(h, "Accept: application/json");
	if (h)
		h = curl_slist_append(h, "Expect:");
	if (!h)
		return -ENOMEM;
	c->headers = h;
	wipe_resp(c);
	c->resp.too_large = false;
	cc = curl_loop_https(c->easy, url, c->ca_file, (long)c->cfg.timeout_ms,
			     (long)c->cfg.timeout_ms, c->curl_err);
#define SET(opt, val)                                             \
	do {                                                      \
		if (cc == CURLE_OK)                               \
			cc = curl_easy_setopt(c->easy, opt, val); \
	} while (0)
	SET(CURLOPT_HTTPHEADER, c->headers);
	if (post) {
		SET(CURLOPT_POSTFIELDS, c->body);
		SET(CURLOPT_POSTFIELDSIZE, (long)strlen(c->body));
	} else {
		SET(CURLOPT_HTTPGET, 1L);
	}
	SET(CURLOPT_WRITEFUNCTION, curl_body_write);
	SET(CURLOPT_WRITEDATA, &c->resp);
#undef SET
	if (cc != CURLE_OK)
		return -EINVAL;
	if (curl_multi_add_handle(curl_loop_multi(c->loop), c->easy) != CURLM_OK)
		return -ENOMEM;
	return 0;
}

/* ---- building the requests ---- */

static int form(struct idm *c, const char *const *kv)
{
	size_t used = 0;
	int ret = 0;

	c->body[0] = '\0';
	for (; kv[0] && ret == 0; kv += 2)
		ret = idm_form_add(c->body, sizeof(c->body), &used, kv[0], kv[1]);
	return ret;
}

/* A JSON string (RFC 8259 7) into @buf, for the login body only. */
static int json_str(char *buf, size_t size, size_t *used, const char *s)
{
	int ret = util_appendf(buf, size, used, "\"");

	for (; *s && ret == 0; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			ret = util_appendf(buf, size, used, "\\%c", ch);
		else if (ch < 0x20)
			ret = util_appendf(buf, size, used, "\\u%04x", ch);
		else
			ret = util_appendf(buf, size, used, "%c", ch);
	}
	return ret ? ret : util_appendf(buf, size, used, "\"");
}

static int random_string(char *out)
{
	uint8_t rnd[IDM_PKCE_RANDOM_LEN];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -EIO;
	idm_pkce_verifier(rnd, out);
	util_wipe(rnd, sizeof(rnd));
	return 0;
}

static int start_login(struct idm *c, const char *username, const char *password)
{
	size_t used = 0;
	int ret;

	ret = util_appendf(c->body, sizeof(c->body), &used, "{\"username\":");
	if (ret == 0)
		ret = json_str(c->body, sizeof(c->body), &used, username);
	if (ret == 0)
		ret = util_appendf(c->body, sizeof(c->body), &used, ",\"password\":");
	if (ret == 0)
		ret = json_str(c->body, sizeof(c->body), &used, password);
	if (ret == 0)
		ret = util_appendf(c->body, sizeof(c->body), &used, "}");
	if (ret < 0)
		return ret;
	return send_request(c, c->login_url, true, true);
}

static int start_authorize(struct idm *c)
{
	char challenge[IDM_PKCE_VERIFIER_LEN + 1], nonce[IDM_PKCE_VERIFIER_LEN + 1];
	const char *kv[] = {
		"response_type",
		"code",
		"client_id",
		c->client_id,
		"redirect_uri",
		c->redirect_uri,
		"scope",
		c->scope,
		"state",
		c->state,
		"code_challenge",
		challenge,
		"code_challenge_method",
		"S256",
		/* OIDC Core 3.1.2.1 (glewlwyd requires one with openid); no ID token is used. */
		"nonce",
		nonce,
		NULL,
	};
	size_t used;
	int ret;

	ret = random_string(c->verifier);
	if (ret == 0)
		ret = random_string(c->state);
	if (ret == 0)
		ret = random_string(nonce);
	if (ret < 0)
		return ret;
	idm_pkce_challenge(c->verifier, challenge);
	ret = form(c, kv);
	if (ret < 0)
		return ret;
	used = 0;
	if (util_appendf(c->url, sizeof(c->url), &used, "%s%c%s", c->auth_endpoint,
			 strchr(c->auth_endpoint, '?') ? '&' : '?', c->body) < 0)
		return -E2BIG;
	c->body[0] = '\0';
	return send_request(c, c->url, false, false);
}

static int start_code_token(struct idm *c)
{
	const char *kv[] = {
		"grant_type",	 "authorization_code", "code",	    c->code,
		"redirect_uri",	 c->redirect_uri,      "client_id", c->client_id,
		"code_verifier", c->verifier,	       NULL,
	};
	int ret = form(c, kv);

	util_wipe(c->code, sizeof(c->code));
	util_wipe(c->verifier, sizeof(c->verifier));
	return ret ? ret : send_request(c, c->token_endpoint, false, true);
}

static int start_refresh(struct idm *c)
{
	const char *kv[] = {
		"grant_type",
		"refresh_token",
		"refresh_token",
		c->refresh_token,
		"client_id",
		c->client_id,
		NULL,
	};
	int ret = form(c, kv);

	return ret ? ret : send_request(c, c->token_endpoint, false, true);
}

static int start_exchange(struct idm *c)
{
	const char *kv[] = {
		"grant_type",
		IDM_GRANT_TOKEN_EXCHANGE,
		"client_id",
		c->client_id,
		"subject_token",
		c->access_token,
		"subject_token_type",
		IDM_TT_ACCESS_TOKEN,
		/* TS 33.180 B.7: a token for the partner IdM server, named by its endpoint. */
		"resource",
		c->partner_token_url,
		"requested_token_type",
		IDM_TT_JWT,
		NULL,
	};
	int ret = form(c, kv);

	return ret ? ret : send_request(c, c->exchange_endpoint, false, true);
}

static int start_partner(struct idm *c)
{
	const char *kv[] = {
		"grant_type", IDM_GRANT_JWT_BEARER, "assertion", c->security_token,
		"client_id",  c->client_id,	    NULL,
	};
	int ret = form(c, kv);

	util_wipe(c->security_token, sizeof(c->security_token));
	return ret ? ret : send_request(c, c->partner_token_url, false, true);
}

/* ---- completion ---- */

static void report_step(struct idm *c, enum idm_step s, bool done, const char *what)
{
	if (c->cfg.step)
		c->cfg.step(c->cfg.step_ctx, s, done, what);
}

static enum idm_step token_step(enum idm_seq_step st)
{
	return st == ST_REFRESH	 ? IDM_STEP_REFRESH :
	       st == ST_EXCHANGE ? IDM_STEP_EXCHANGE :
				   IDM_STEP_PARTNER_TOKEN;
}

static void finish(struct idm *c, int err, const char *reason)
{
	idm_done_cb done = c->done;
	idm_token_cb token_done = c->token_done;
	void *ud = c->ud;

	if (c->start_id) {
		g_source_remove(c->start_id);
		c->start_id = 0;
	}
	drop_easy(c);
	c->st = ST_IDLE;
	c->done = NULL;
	c->token_done = NULL;
	util_wipe(c->verifier, sizeof(c->verifier));
	util_wipe(c->state, sizeof(c->state));
	util_wipe(c->code, sizeof(c->code));
	util_wipe(c->security_token, sizeof(c->security_token));
	if (done)
		done(err, reason, ud);
	if (token_done)
		token_done(err, reason, err == 0 ? &c->out : NULL, ud);
	util_wipe(&c->out, sizeof(c->out));
}

static const char *step_what(enum idm_seq_step st)
{
	switch (st) {
	case ST_LOGIN:
		return "sign-in";
	case ST_AUTHORIZE:
		return "authorization";
	case ST_CODE_TOKEN:
		return "token request";
	case ST_REFRESH:
		return "refresh";
	case ST_EXCHANGE:
		return "token exchange";
	case ST_PARTNER:
		return "partner token request";
	case ST_IDLE:
		break;
	}
	return "request";
}

/* A refusal: "token exchange refused: invalid_target (user may not migrate there)". */
static int refused(struct idm *c, long status, char *reason, size_t len)
{
	char error[IDM_ERROR_MAX], desc[IDM_ERROR_DESC_MAX];

	if (c->st == ST_LOGIN && (status == 401 || status == 403)) {
		snprintf(reason, len, "sign-in refused: wrong username or password");
		return -EPERM;
	}
	if (idm_parse_error_response(c->resp.data->data, c->resp.data->len, error, sizeof(error),
				     desc, sizeof(desc)) == 0)
		snprintf(reason, len, "%s refused: %s%s%s%s", step_what(c->st), error,
			 desc[0] ? " (" : "", desc, desc[0] ? ")" : "");
	else
		snprintf(reason, len, "%s refused: HTTP %ld", step_what(c->st), status);
	/* RFC 6749 5.2: invalid_grant on refresh = the sign-in is over. */
	if (c->st == ST_REFRESH) {
		util_wipe(c->refresh_token, sizeof(c->refresh_token));
		util_wipe(c->access_token, sizeof(c->access_token));
		snprintf(reason + strlen(reason), len - strlen(reason),
			 "; signed out, run mcmigctl login");
		return -EPERM;
	}
	return status >= 500 ? -EPROTO : -EACCES;
}

static int on_tokens(struct idm *c, char *reason, size_t len)
{
	struct idm_token_response r;
	char why[160];
	time_t now = time(NULL);
	int ret;

	ret = idm_parse_token_response(c->resp.data->data, c->resp.data->len, c->st == ST_EXCHANGE,
				       &r, why, sizeof(why));
	wipe_resp(c);
	if (ret < 0) {
		snprintf(reason, len, "%s: bad answer: %s", step_what(c->st), why);
		return ret;
	}
	switch (c->st) {
	case ST_CODE_TOKEN:
	case ST_REFRESH:
		memcpy(c->access_token, r.access_token, sizeof(c->access_token));
		c->access_expires = r.expires_in ? now + (time_t)r.expires_in : 0;
		/* RFC 6749 6: a new refresh token replaces the old; none = keep it. */
		if (r.refresh_token[0]) {
			memcpy(c->refresh_token, r.refresh_token, sizeof(c->refresh_token));
		} else if (c->st == ST_CODE_TOKEN) {
			ret = -EPROTO;
			snprintf(reason, len, "token request: no refresh token issued");
		}
		ret = ret == -EPROTO ? ret : 0;
		break;
	case ST_EXCHANGE:
		memcpy(c->security_token, r.access_token, sizeof(c->security_token));
		break;
	case ST_PARTNER:
		memcpy(c->out.access_token, r.access_token, sizeof(c->out.access_token));
		snprintf(c->out.client_id, sizeof(c->out.client_id), "%s", c->client_id);
		c->out.expires_at = r.expires_in ? now + (time_t)r.expires_in : 0;
		break;
	case ST_IDLE:
	case ST_LOGIN:
	case ST_AUTHORIZE:
		break;
	}
	idm_token_response_wipe(&r);
	return ret;
}

static int on_redirect(struct idm *c, long status, char *reason, size_t len)
{
	struct curl_header *h = NULL;
	char why[200];
	int ret;

	if (status != 302 && status != 303) {
		snprintf(reason, len, "authorization: HTTP %ld, not a redirect", status);
		return -EPROTO;
	}
	if (curl_easy_header(c->easy, "Location", 0, CURLH_HEADER, -1, &h) != CURLHE_OK) {
		snprintf(reason, len, "authorization: redirect without a Location");
		return -EPROTO;
	}
	ret = idm_parse_redirect(h->value, c->redirect_uri, c->state, c->code, sizeof(c->code), why,
				 sizeof(why));
	if (ret < 0)
		snprintf(reason, len, "authorization %s: %s", ret == -EACCES ? "refused" : "failed",
			 why);
	return ret;
}

static int transfer_error(struct idm *c, CURLcode cc, char *reason, size_t len)
{
	int err;

	if (cc == CURLE_WRITE_ERROR && c->resp.too_large) {
		snprintf(reason, len, "%s: answer larger than %u bytes", step_what(c->st),
			 IDM_RESPONSE_MAX);
		return -EMSGSIZE;
	}
	err = curl_loop_errno(cc, NULL);
	/* curl's error buffer names host and reason, never the request body. */
	snprintf(reason, len, "%s: %s%s: %s", step_what(c->st), err == -EACCES ? "tls: " : "",
		 curl_easy_strerror(cc), c->curl_err[0] ? c->curl_err : "no detail");
	reason[strcspn(reason, "\n")] = '\0';
	return err;
}

static void transfer_done(struct idm *c, CURLcode cc)
{
	char reason[400] = "";
	enum idm_seq_step done_st = c->st;
	long status = 0;
	int err;

	util_wipe(c->body, sizeof(c->body));
	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
	if (cc != CURLE_OK)
		err = transfer_error(c, cc, reason, sizeof(reason));
	else if (c->st == ST_AUTHORIZE)
		err = on_redirect(c, status, reason, sizeof(reason));
	else if (status != 200)
		err = refused(c, status, reason, sizeof(reason));
	else if (c->st == ST_LOGIN)
		err = 0;
	else
		err = on_tokens(c, reason, sizeof(reason));
	wipe_resp(c);
	if (done_st >= ST_REFRESH)
		report_step(c, token_step(done_st), true, err ? reason : "ok");
	if (err < 0) {
		g_debug("idm: %s: %s", step_what(done_st), reason);
		finish(c, err, reason);
		return;
	}
	switch (c->st) {
	case ST_LOGIN:
		c->st = ST_AUTHORIZE;
		break;
	case ST_AUTHORIZE:
		c->st = ST_CODE_TOKEN;
		break;
	case ST_REFRESH:
		c->st = ST_EXCHANGE;
		break;
	case ST_EXCHANGE:
		c->st = ST_PARTNER;
		break;
	case ST_CODE_TOKEN:
	case ST_PARTNER:
	case ST_IDLE:
		finish(c, 0, NULL);
		return;
	}
	step(c);
}

/* From the loop (curl-loop.h); @c may be freed by what transfer_done() calls. */
static void on_transfer(CURL *easy, CURLcode cc, void *ud)
{
	struct idm *c = ud;

	if (easy == c->easy)
		transfer_done(c, cc);
}

/* The sequence, one request per step (ModemManager connect_context_step() style). */
static void step(struct idm *c)
{
	int ret = -EINVAL;

	switch (c->st) {
	case ST_IDLE:
	case ST_LOGIN: /* started by idm_sign_in with the password in hand */
		return;
	case ST_AUTHORIZE:
		ret = start_authorize(c);
		break;
	case ST_CODE_TOKEN:
		ret = start_code_token(c);
		break;
	case ST_REFRESH:
		report_step(c, IDM_STEP_REFRESH, false, "");
		ret = start_refresh(c);
		break;
	case ST_EXCHANGE:
		report_step(c, IDM_STEP_EXCHANGE, false, c->partner_token_url);
		ret = start_exchange(c);
		break;
	case ST_PARTNER:
		report_step(c, IDM_STEP_PARTNER_TOKEN, false, c->partner_token_url);
		ret = start_partner(c);
		break;
	}
	if (ret < 0) {
		char reason[128];

		snprintf(reason, sizeof(reason), "%s: cannot build the request: %s",
			 step_what(c->st), strerror(-ret));
		finish(c, ret, reason);
	}
}

static gboolean start_from_loop(gpointer data)
{
	struct idm *c = data;

	c->start_id = 0;
	step(c);
	return G_SOURCE_REMOVE;
}

/* ---- public ---- */

static bool https(const char *url)
{
	return url && g_ascii_strncasecmp(url, "https://", 8) == 0;
}

int idm_new(struct idm **out, const struct idm_config *cfg)
{
	struct idm *c;

	*out = NULL;
	/* TLS always (TS 33.180 5.1.4: CSC-1 over HTTPS). */
	if (!https(cfg->login_url) || !https(cfg->auth_endpoint) || !https(cfg->token_endpoint) ||
	    (cfg->exchange_endpoint && !https(cfg->exchange_endpoint)) || !cfg->client_id ||
	    !cfg->redirect_uri || !cfg->scope)
		return -EINVAL;
	if (strlen(cfg->client_id) >= IDM_CLIENT_ID_MAX)
		return -EINVAL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -ENOMEM;
	c = g_new0(struct idm, 1);
	c->cfg = *cfg;
	if (!c->cfg.timeout_ms)
		c->cfg.timeout_ms = 15000;
	c->login_url = g_strdup(cfg->login_url);
	c->auth_endpoint = g_strdup(cfg->auth_endpoint);
	c->token_endpoint = g_strdup(cfg->token_endpoint);
	c->exchange_endpoint =
		g_strdup(cfg->exchange_endpoint ? cfg->exchange_endpoint : cfg->token_endpoint);
	c->client_id = g_strdup(cfg->client_id);
	c->redirect_uri = g_strdup(cfg->redirect_uri);
	c->scope = g_strdup(cfg->scope);
	c->ca_file = g_strdup(cfg->ca_file);
	c->resp.data = g_byte_array_new();
	c->resp.max = IDM_RESPONSE_MAX;
	if (curl_loop_new(&c->loop, on_transfer, c) < 0) {
		idm_free(c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}

void idm_cancel(void *ctx)
{
	struct idm *c = ctx;

	if (c && c->st != ST_IDLE)
		finish(c, -ECANCELED, "cancelled");
}

void idm_free(struct idm *c)
{
	if (!c)
		return;
	idm_cancel(c);
	curl_loop_free(c->loop);
	g_byte_array_unref(c->resp.data);
	g_free(c->login_url);
	g_free(c->auth_endpoint);
	g_free(c->token_endpoint);
	g_free(c->exchange_endpoint);
	g_free(c->client_id);
	g_free(c->redirect_uri);
	g_free(c->scope);
	g_free(c->ca_file);
	util_wipe(c, sizeof(*c));
	g_free(c);
	curl_global_cleanup();
}

int idm_sign_in(struct idm *c, const char *username, const char *password, idm_done_cb done,
		void *ud)
{
	int ret;

	if (c->st != ST_IDLE)
		return -EBUSY;
	if (!username || !*username || !password)
		return -EINVAL;
	c->st = ST_LOGIN;
	c->done = done;
	c->ud = ud;
	/* The password goes into the request body here and is wiped once it is sent. */
	ret = start_login(c, username, password);
	if (ret < 0) {
		util_wipe(c->body, sizeof(c->body));
		drop_easy(c);
		c->st = ST_IDLE;
		c->done = NULL;
	}
	return ret;
}

void idm_set_tokens(struct idm *c, const char *refresh, const char *access, time_t expires)
{
	snprintf(c->refresh_token, sizeof(c->refresh_token), "%s", refresh ? refresh : "");
	snprintf(c->access_token, sizeof(c->access_token), "%s", access ? access : "");
	c->access_expires = c->access_token[0] ? expires : 0;
}

void idm_get_tokens(const struct idm *c, const char **refresh, const char **access, time_t *expires)
{
	*refresh = c->refresh_token;
	*access = c->access_token;
	*expires = c->access_expires;
}

bool idm_signed_in(const struct idm *c)
{
	return c->refresh_token[0] != '\0';
}

int idm_partner_token(void *ctx, const struct partner_config *pc, idm_token_cb done, void *ud)
{
	struct idm *c = ctx;
	time_t now = time(NULL);

	if (c->st != ST_IDLE)
		return -EBUSY;
	if (!https(pc->idms_token_endpoint))
		return -ENOENT;
	if (!c->refresh_token[0] && !c->access_token[0])
		return -EPERM;
	snprintf(c->partner_token_url, sizeof(c->partner_token_url), "%s", pc->idms_token_endpoint);
	c->token_done = done;
	c->ud = ud;
	/* RFC 6749 6: renew first unless the access token outlives the exchange comfortably. */
	c->st = c->access_token[0] && c->access_expires > now + IDM_MIN_LIFE_S ? ST_EXCHANGE :
										 ST_REFRESH;
	if (c->st == ST_REFRESH && !c->refresh_token[0]) {
		c->st = ST_IDLE;
		c->token_done = NULL;
		return -EPERM;
	}
	c->start_id = g_idle_add(start_from_loop, c);
	return 0;
}
