/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration management client (seed steps 1 and 13): one HTTPS POST
 * of the <partner-connection-request> to the primary CMS, on the GLib main
 * loop through libcurl's multi socket API. The server is always verified
 * (system CA bundle or a pinned CA file); the bearer token is read from its
 * file at request time and wiped after; transient failures (connection
 * errors, timeouts, 502, 503) are retried with exponential backoff, refusals
 * (4xx) never.
 */
#ifndef MCMIG_CMC_H
#define MCMIG_CMC_H

#include "cmc-xml.h"

struct cmc;

struct cmc_config {
	const char *url;	/* https://cms.primary.example:8443/mcmig/v1/partner-connection */
	const char *ca_file;	/* pinned CA (PEM); NULL = the system bundle */
	const char *token_file; /* bearer token, mode 0600 or stricter; NULL = none */
	unsigned int connect_timeout_ms;
	unsigned int total_timeout_ms; /* per attempt */
	unsigned int max_attempts;     /* >= 1 */
	unsigned int backoff_initial_ms;
	unsigned int backoff_max_ms;
};

/*
 * Outcome of a fetch. @err: 0, or -EACCES (403), -EPERM (401), -ENOENT
 * (404 no-partner-for-location), -EPROTO (other refusal or bad answer),
 * -ETIMEDOUT, -ECONNREFUSED/-EHOSTUNREACH (transport), -EBADMSG (answer not
 * a valid document), -ECANCELED. @reason is a line a person can read:
 * "not-authorised: user not permitted to migrate" (the server's <code> and
 * <text>), "tls: server certificate not trusted". @cfg is non-NULL on
 * success only, and belongs to the client: copy what you keep.
 */
typedef void (*cmc_done_cb)(int err, const char *reason, const struct partner_config *cfg,
			    void *user_data);

int cmc_new(struct cmc **c, const struct cmc_config *cfg);
/* Cancels a pending fetch (its callback gets -ECANCELED first); NULL accepted. */
void cmc_free(struct cmc *c);

/*
 * Starts a fetch; one at a time (-EBUSY). @cb runs exactly once, always
 * from the main loop, never from inside this call.
 */
int cmc_fetch(struct cmc *c, const struct cmc_request *req, cmc_done_cb cb, void *user_data);
/*
 * The same with the request document already built (cmc_xml_build_request()):
 * @body is copied. -EMSGSIZE when empty or above CMC_XML_MAX_DOC. What
 * agent/cmc-helper.c runs for mcmigd.
 */
int cmc_post(struct cmc *c, const uint8_t *body, size_t len, cmc_done_cb cb, void *user_data);
/* Ends the pending fetch: its callback gets -ECANCELED. */
void cmc_cancel(struct cmc *c);

struct curl_slist;

/*
 * Sets what every request to a CMS has (libcurl easy handle @easy): @url,
 * HTTPS only, the server always verified (against @ca_file, NULL = the
 * system bundle), no redirects, no signals. Returns libcurl's CURLcode
 * (0 = CURLE_OK).
 */
int cmc_easy_secure(void *easy, const char *url, const char *ca_file);

/*
 * Appends "Authorization: Bearer <token>" (RFC 6750 2.1) read from
 * @token_file to *@headers: the file must be 0600 or stricter and hold one
 * b64token. -errno with @reason naming the file and what is wrong. The
 * request code uses it, and `mcmigctl check` for its probe of the CMS.
 */
int cmc_token_header(const char *token_file, struct curl_slist **headers, char *reason,
		     size_t reason_len);

/* Attempts made by the last fetch (for tests and the timeline). */
unsigned int cmc_attempts(const struct cmc *c);

#endif
