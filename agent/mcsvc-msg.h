/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SIP messages of MC service authorisation by PUBLISH (TS 24.379 7.2.2,
 * RFC 3903): building the PUBLISH for MCPTT service settings (initial with
 * the poc-settings and mcptt-info bodies, refresh and removal with
 * SIP-If-Match) and reading the MC server's answer (status, SIP-ETag,
 * Expires, Min-Expires, the Warning text of a refusal). Responses are parsed
 * with libosip2, whose types stay in mcsvc-msg.c. Pure: no I/O, no globals
 * besides libosip2's parser tables.
 *
 * The access token goes only into the body built here; nothing here logs.
 */
#ifndef MCMIG_MCSVC_MSG_H
#define MCMIG_MCSVC_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MCSVC_TEXT_MAX 256
/* RFC 3903 4.1: the ESC picks the entity-tag; bounded here, refused when longer. */
#define MCSVC_ETAG_MAX 128

/*
 * TS 24.379 7.2.2: the UE asks for the longest publication (2^32 - 1 s)
 * and refreshes what the MC server grants.
 */
#define MCSVC_DEFAULT_EXPIRES 4294967295u

struct mcsvc_publish {
	bool tcp;		/* Via transport */
	const char *local_host; /* IPv4 or IPv6 literal */
	unsigned int local_port;
	const char *branch;	 /* starting with the RFC 3261 magic cookie */
	const char *request_uri; /* the MC server's PSI (participating function) */
	const char *impu;	 /* From, To and P-Preferred-Identity */
	const char *route;	 /* the registration's Service-Route; "" or NULL: none */
	/*
	 * The registered Contact URI; NULL: none. The P-CSCF finds the
	 * registration by it (TS 24.229 5.2.6.3), also when the PUBLISH goes
	 * over TCP (RFC 3261 18.1.1: it is large) and the REGISTER over UDP.
	 */
	const char *contact;
	const char *from_tag;
	const char *call_id;
	uint32_t cseq;
	unsigned int expires; /* 0: remove the publication (TS 24.379 7.2.2, RFC 3903 4.5) */
	const char *etag;     /* SIP-If-Match (refresh, removal); NULL: initial */
	/*
	 * Initial publication only (etag NULL): the bodies' values. The token
	 * is a bearer token (RFC 6750), opaque here.
	 */
	const char *access_token;
	const char *client_id;	/* <mcptt-client-id>, the poc-settings <entity id> */
	const char *mcptt_id;	/* <mcptt-request-uri>: the MCPTT ID at this MC system */
	const char *boundary;	/* multipart/mixed boundary (RFC 2046 5.1.1) */
	const char *user_agent; /* NULL: none */
};

/*
 * Builds a PUBLISH. Returns its length; -EINVAL (a value that would break
 * the message; an initial publication without a body value, or a refresh
 * with one) or -E2BIG. On every path the part of @buf past the returned
 * length is zeroed, so that a caller wiping the buffer wipes the token.
 */
int mcsvc_build_publish(const struct mcsvc_publish *m, char *buf, size_t size);

/* An answer to PUBLISH. */
struct mcsvc_response {
	unsigned int status;
	char reason[MCSVC_TEXT_MAX];
	char call_id[MCSVC_TEXT_MAX];
	uint32_t cseq;
	char cseq_method[32];
	char branch[MCSVC_TEXT_MAX];	 /* top Via */
	char etag[MCSVC_ETAG_MAX];	 /* SIP-ETag (RFC 3903 11.3.1); "" when absent */
	long expires;			 /* Expires; -1 when absent */
	long min_expires;		 /* Min-Expires (423); -1 when absent */
	char warning[MCSVC_TEXT_MAX];	 /* warn-text of the first Warning (TS 24.379 4.4); "" */
	char warn_agent[MCSVC_TEXT_MAX]; /* who sent it (RFC 3261 20.43 warn-agent); "" */
};

/*
 * Parses a response. Returns 0; -EBADMSG (malformed, not a response, a
 * missing or out of range Call-ID/CSeq/Via branch, a SIP-ETag or a number
 * that is not one) with *@err naming what was wrong.
 */
int mcsvc_parse_response(const uint8_t *buf, size_t len, struct mcsvc_response *r,
			 const char **err);

#endif
