/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MC service authorisation at the partner by SIP PUBLISH (seed step 25;
 * TS 24.379 7.2.2, TS 23.280 10.6.3): after the registration's 200 OK the
 * MCPTT client publishes its service settings with the partner access token
 * to the partner MC server, through the registration's P-CSCF and
 * Service-Route; refreshes the publication before it expires (RFC 3903 4.3,
 * SIP-If-Match) and removes it on leaving (Expires: 0, RFC 3903 4.5).
 *
 * Runs on the GLib main loop; the messages go out and come back through a
 * transport (sipreg_send() and sipreg's message event in the daemon, a fake in
 * the tests). What happens is told by events. The access token is held only
 * until the initial publication is answered, and wiped then; the trace event
 * never sees it (mcsvc_redact()).
 */
#ifndef MCMIG_MCSVC_H
#define MCMIG_MCSVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sipreg.h"

struct mcsvc;

struct mcsvc_config {
	const char *server_uri; /* Request-URI: the partner MC server's PSI */
	const char *mcptt_id;	/* <mcptt-request-uri>: the MC service ID at the partner */
	const char *client_id;	/* <mcptt-client-id> */
	unsigned int expires;	/* asked for; 0 = MCSVC_DEFAULT_EXPIRES (TS 24.379 7.2.2) */
	unsigned int t1_ms;	/* RFC 3261 T1; 0 = 500 */
	/* Source of Call-ID, tag, branches, boundary; NULL = getrandom(). */
	void (*random_bytes)(void *buf, size_t len);
};

/* Where requests go (the registration's flow, sipreg.h). */
struct mcsvc_transport {
	int (*route)(void *ctx, struct sipreg_route *r);
	int (*send)(void *ctx, bool tcp, const char *buf, size_t len);
	void *ctx;
};

enum mcsvc_result {
	MCSVC_AUTHORISED, /* 2xx to the initial publication */
	MCSVC_REFRESHED,  /* 2xx to a refresh */
	MCSVC_REMOVED,	  /* after mcsvc_stop(): answered, or given up (the reason says) */
	MCSVC_REFUSED,	  /* a final refusal of the initial publication */
	MCSVC_TIMEOUT,	  /* no final answer (RFC 3261 Timer F) */
	MCSVC_LOST,	  /* a refresh refused or unanswered: no longer authorised */
	MCSVC_FAILED,	  /* nothing could be sent: not registered, no route, bad value */
};

enum mcsvc_request {
	MCSVC_REQ_PUBLISH, /* initial, with the token (step 25) */
	MCSVC_REQ_REFRESH,
	MCSVC_REQ_REMOVE,
};

struct mcsvc_events {
	/*
	 * Every outcome: @reason names a refusal as "403 Forbidden: access token
	 * expired" (status, phrase, the Warning text); @expires is what the MC
	 * server granted. Only here may the owner free the object.
	 */
	void (*result)(enum mcsvc_result r, const char *reason, unsigned int expires,
		       void *user_data);
	/* Optional: a request went out (@retransmission: RFC 3261 Timer E). */
	void (*request_sent)(enum mcsvc_request kind, bool retransmission, void *user_data);
	/* Optional: a response to the pending request, provisional ones included. */
	void (*response)(unsigned int status, const char *reason_phrase, void *user_data);
	/* Optional: every message sent or received, the access token redacted. */
	void (*trace)(bool sent, const char *msg, size_t len, void *user_data);
	void *user_data;
};

int mcsvc_new(struct mcsvc **s, const struct mcsvc_config *cfg, const struct mcsvc_transport *tp,
	      const struct mcsvc_events *ev);
/*
 * The initial publication with @access_token (copied; wiped when answered).
 * 0, or -EALREADY (already started), -EINVAL (empty token); the outcome
 * comes through ev->result, never from inside this call.
 */
int mcsvc_publish(struct mcsvc *s, const char *access_token);
/*
 * Removes the publication (Expires: 0 with its SIP-If-Match) when there is
 * one, else ends what is pending; ev->result(MCSVC_REMOVED) follows. 0 or
 * -EALREADY.
 */
int mcsvc_stop(struct mcsvc *s);
/* A response that came over the registration's flow (sipreg's message event). */
void mcsvc_handle(struct mcsvc *s, const uint8_t *buf, size_t len);
/* Cancels everything; no callback after this. NULL accepted. */
void mcsvc_free(struct mcsvc *s);

const char *mcsvc_result_str(enum mcsvc_result r);

/*
 * Overwrites the content of <mcptt-access-token> in a message with '*', in
 * place, so that it can be shown to people. Pure.
 */
void mcsvc_redact(char *msg, size_t len);

#endif
