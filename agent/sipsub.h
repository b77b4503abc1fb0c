/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SIP messages of the reg event subscription (RFC 6665, RFC 3680,
 * TS 24.229 5.1.1.3): building SUBSCRIBE, reading the messages of its
 * dialog (the answers to SUBSCRIBE, the S-CSCF's NOTIFY requests) and
 * answering a request. Parsed with libosip2, whose types stay in sipsub.c.
 * Pure: no I/O, no globals besides libosip2's parser tables. Errors come
 * with a static text naming what was wrong.
 */
#ifndef MCMIG_SIPSUB_H
#define MCMIG_SIPSUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIPSUB_TEXT_MAX 256

/* TS 24.229 5.1.1.3: the UE asks for 600000 seconds. */
#define SIPSUB_DEFAULT_EXPIRES 600000

struct sipsub_subscribe {
	bool tcp;		/* Via transport and ;transport=tcp in Contact */
	const char *local_host; /* IPv4 or IPv6 literal */
	unsigned int local_port;
	const char *branch; /* starting with the RFC 3261 magic cookie */
	const char *impu;   /* Request-URI, From, To, P-Preferred-Identity */
	const char *route;  /* the registration's Service-Route, "" or NULL: none */
	const char *from_tag;
	const char *to_tag; /* NULL: the initial SUBSCRIBE (no dialog yet) */
	const char *call_id;
	uint32_t cseq;
	unsigned int expires;	/* 0: unsubscribe */
	const char *user_agent; /* NULL: none */
};

/* Builds a SUBSCRIBE for the reg event. Returns its length, -EINVAL or -E2BIG. */
int sipsub_build_subscribe(const struct sipsub_subscribe *m, char *buf, size_t size);

/* A message of the subscription's dialog, request or response. */
struct sipsub_msg {
	bool request;
	char method[32];     /* requests */
	unsigned int status; /* responses */
	char reason[SIPSUB_TEXT_MAX];
	char call_id[SIPSUB_TEXT_MAX];
	char from_tag[SIPSUB_TEXT_MAX];
	char to_tag[SIPSUB_TEXT_MAX]; /* "" when absent */
	uint32_t cseq;
	char cseq_method[32];
	char branch[SIPSUB_TEXT_MAX]; /* top Via */
	char event[32];		      /* Event package, without parameters; "" when absent */
	char sub_state[32];	      /* Subscription-State value, "" when absent */
	long sub_expires;	      /* its expires=, -1 when absent */
	long expires;		      /* Expires header (over 2^31 - 1: that), -1 absent */
	bool reginfo;		      /* Content-Type: application/reginfo+xml */
	size_t body_off, body_len;    /* the body within the parsed buffer */
};

/*
 * Parses a SIP message of the subscription dialog. Returns 0; -EBADMSG
 * (malformed, a missing or out of range Call-ID/From tag/CSeq/Via branch,
 * a body longer than the message) with *@err set.
 */
int sipsub_parse(const uint8_t *buf, size_t len, struct sipsub_msg *m, const char **err);

/*
 * Builds the response @status @reason to the request @req (RFC 3261 8.2.6.2:
 * its Via, From, To, Call-ID and CSeq copied; @to_tag added to To when it has
 * none). Returns its length, -EBADMSG (no end of headers) or -E2BIG.
 */
int sipsub_build_response(const uint8_t *req, size_t len, unsigned int status, const char *reason,
			  const char *to_tag, char *buf, size_t size);

#endif
