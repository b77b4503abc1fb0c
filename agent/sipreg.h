/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SIP registration with IMS-AKA (seed steps 15 and 22-24; TS 24.229 5.1.1,
 * RFC 3310 AKAv1-MD5, RFC 4169 AKAv2-MD5): REGISTER, 401 challenge, the
 * card's AUTHENTICATE, the digest answer, 200 OK, refresh before expiry and
 * de-registration. Runs on the GLib main loop; the card is reached through
 * sipreg_aka_ops so tests can put a fake there.
 */
#ifndef MCMIG_SIPREG_H
#define MCMIG_SIPREG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uicc.h"

struct sipreg;

enum sipreg_transport {
	SIPREG_TRANSPORT_UDP,
	SIPREG_TRANSPORT_TCP,
};

struct sipreg_config {
	const char *pcscf_host; /* literal address or name */
	unsigned int pcscf_port;
	enum sipreg_transport
		transport; /* UDP switches to TCP for large messages (RFC 3261 18.1.1) */
	bool force_tcp;
	const char *local_addr; /* bind address (the PDN's); NULL = any */
	const char *impi;
	const char *impu;
	const char *domain;
	unsigned int expires;		/* requested, seconds */
	unsigned int max_auth_failures; /* MAC failures / re-challenges before giving up */
	/* RFC 3261 T1 in ms; 0 = 500. T2 = 8 * T1, Timer F = 64 * T1. Tests shorten it. */
	unsigned int t1_ms;
	/* Source of Call-ID, tags, branches and cnonces; NULL = getrandom(). Tests inject one. */
	void (*random_bytes)(void *buf, size_t len);
};

typedef void (*sipreg_aka_cb)(int err, const struct uicc_auth_result *r, uint16_t sw,
			      void *user_data);

/* How sipreg gets AUTHENTICATE done: off the main loop, callback on it, exactly once. */
struct sipreg_aka_ops {
	void (*authenticate)(void *ctx, const uint8_t rand[UICC_RAND_LEN],
			     const uint8_t autn[UICC_AUTN_LEN], sipreg_aka_cb cb, void *user_data);
	/* Optional: text of a -errno given to the callback (uicc_strerror). */
	const char *(*strerror)(void *ctx, int err);
};

enum sipreg_result {
	SIPREG_REGISTERED,   /* 200 OK to REGISTER (step 24) */
	SIPREG_REFRESHED,    /* a refresh succeeded */
	SIPREG_DEREGISTERED, /* after sipreg_stop() */
	SIPREG_REFUSED,	     /* 403 and other final refusals (e.g. a revoked migration) */
	SIPREG_AUTH_FAILED,  /* network authentication failed (MAC) past the cap */
	SIPREG_TIMEOUT,	     /* no answer (RFC 3261 Timer F / B) */
	SIPREG_FAILED,	     /* anything else: transport error, 5xx past retries, bad message */
	SIPREG_LOST,	     /* registration lost after being registered (refresh failed) */
};

/* What the 200 OK told us (TS 24.229 5.1.1.2). */
struct sipreg_info {
	unsigned int expires;
	char service_route[512];
	char associated_uris[1024]; /* P-Associated-URI, as received */
};

struct sipreg_events {
	void (*result)(enum sipreg_result r, const char *reason, const struct sipreg_info *info,
		       void *user_data);
	/* Optional: every message sent (@sent) or received, CK/IK redacted. */
	void (*trace)(bool sent, const char *msg, size_t len, void *user_data);
	void *user_data;
};

int sipreg_new(struct sipreg **reg, const struct sipreg_config *cfg,
	       const struct sipreg_aka_ops *aka, void *aka_ctx, const struct sipreg_events *ev);
/* Starts the initial registration; the outcome comes through ev->result. */
int sipreg_start(struct sipreg *reg);
/* De-registers (Expires: 0); ev->result(SIPREG_DEREGISTERED) when done. */
int sipreg_stop(struct sipreg *reg);
/* Cancels everything; no callback after this. NULL accepted. */
void sipreg_free(struct sipreg *reg);

const char *sipreg_result_str(enum sipreg_result r);

/*
 * Seconds after a 200 OK granting @expires at which to refresh (TS 24.229
 * 5.1.1.4.1: 600 s before expiry when it is over 1200 s, else at half).
 */
unsigned int sipreg_refresh_delay(unsigned int expires);

#endif
