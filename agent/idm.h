/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IdM client (TS 33.180 5.1.4 and Annex B; TS 24.482): MC service user
 * authentication for a migrating user (seed step 14).
 *
 *  - Sign-in at the primary IdM server: username and password (TS 33.180
 *    B.4, the mandatory method) at the server's login endpoint, then the
 *    authorization code grant with PKCE S256 (RFC 7636) at its authorization
 *    and token endpoints. The password comes from `mcmigctl login` or the
 *    D-Bus API only; it is wiped as soon as the login request is built and
 *    never stored or logged.
 *  - The refresh token is the one long-lived secret; the client starts from
 *    and ends with it (idm_set_tokens/idm_get_tokens: mcmigd keeps it, 0600
 *    under the state directory or in memory only, agent/idm-proc.c). Access
 *    tokens are renewed with it (RFC 6749 6).
 *  - At migration time: the primary access token is exchanged at the primary
 *    token endpoint (RFC 8693, resource = the partner IdM server, TS 33.180
 *    B.7) for a security token, which the partner IdM server's token endpoint
 *    turns into an access token for the partner's MC services (B.8; RFC 7523
 *    JWT bearer grant). Every intermediate token is wiped after use.
 *
 * HTTPS only, always verified (system bundle or a pinned CA), on the GLib
 * main loop through libcurl's multi socket API. CURLcode and HTTP status are
 * translated here, once, into -errno and a reason a person can read.
 */
#ifndef MCMIG_IDM_H
#define MCMIG_IDM_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct partner_config;

#define IDM_TOKEN_MAX	  8192
#define IDM_CLIENT_ID_MAX 128

/* What the migration gets (issue 14 contract): the partner's access token. */
struct idm_token {
	char access_token[IDM_TOKEN_MAX]; /* RFC 6750 b64token, opaque here */
	char client_id[IDM_CLIENT_ID_MAX];
	time_t expires_at; /* 0 = the server did not say */
};

/*
 * @err 0 with @tok, or: -EPERM (signed out, refresh token refused: sign in
 * again), -EACCES (a server refused: exchange or partner token), -ENOENT (no
 * partner IdM server in the partner configuration), -ETIMEDOUT,
 * -ECONNREFUSED, -EPROTO/-EBADMSG (bad answer), -ECANCELED. @reason names the
 * step and the server's error code ("token exchange refused: invalid_target
 * (...)"). @tok belongs to the client and is wiped after the callback.
 */
typedef void (*idm_token_cb)(int err, const char *reason, const struct idm_token *tok, void *ud);
typedef void (*idm_done_cb)(int err, const char *reason, void *ud);

/* The steps, for the timeline (seed step 14) and the tests. */
enum idm_step {
	IDM_STEP_REFRESH,	/* RFC 6749 6 at the primary token endpoint */
	IDM_STEP_EXCHANGE,	/* RFC 8693 at the primary token endpoint */
	IDM_STEP_PARTNER_TOKEN, /* RFC 7523 at the partner token endpoint */
};

struct idm_config {
	const char *login_url;	    /* the primary IdMS's username/password endpoint */
	const char *auth_endpoint;  /* RFC 6749 3.1 */
	const char *token_endpoint; /* RFC 6749 3.2 */
	/* RFC 8693 2.1; NULL = the token endpoint (the bench's glewlwyd has none). */
	const char *exchange_endpoint;
	const char *client_id;
	const char *redirect_uri;
	const char *scope;
	const char *ca_file;	 /* pinned CA (PEM) for every IdMS; NULL = the system bundle */
	unsigned int timeout_ms; /* per HTTPS request; 0 = 15000 */
	/*
	 * Optional: a request started (@done false) or answered, for the
	 * timeline; @what is "" or the server's answer in a few words.
	 */
	void (*step)(void *ctx, enum idm_step s, bool done, const char *what);
	void *step_ctx;
};

struct idm;

int idm_new(struct idm **out, const struct idm_config *cfg);
/* Cancels what is pending (callbacks get -ECANCELED) and wipes every token. */
void idm_free(struct idm *c);

/*
 * Sign-in (TS 33.180 B.4). @password is copied into the login request and
 * the copy wiped once sent; the caller wipes its own. @done runs exactly
 * once, from the loop: 0, -EPERM ("sign-in refused: wrong username or
 * password"), -EACCES (the IdMS refused the authorization or token request),
 * transport errors as above. -EBUSY when something is pending.
 */
int idm_sign_in(struct idm *c, const char *username, const char *password, idm_done_cb done,
		void *ud);
/*
 * The tokens to start from (NULL or "" = none; @expires: the access token's
 * end, 0 = unknown) and those held now: after a sign-in, a refresh (a rolling
 * refresh token replaced), or a refused refresh ("": signed out).
 */
void idm_set_tokens(struct idm *c, const char *refresh, const char *access, time_t expires);
void idm_get_tokens(const struct idm *c, const char **refresh, const char **access,
		    time_t *expires);
bool idm_signed_in(const struct idm *c);

/* The migrate_idm_ops functions (migrate.h): @ctx is the struct idm. */
int idm_partner_token(void *ctx, const struct partner_config *pc, idm_token_cb done, void *ud);
void idm_cancel(void *ctx);

const char *idm_step_str(enum idm_step s);

#endif
