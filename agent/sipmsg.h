/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SIP messages of IMS registration: building REGISTER (RFC 3261 10.2,
 * TS 24.229 5.1.1.2) and reading what a registrar answers (status, the AKA
 * challenge, Service-Route, P-Associated-URI, expiry, Min-Expires,
 * Retry-After). Responses are parsed with libosip2; its types stay in
 * sipmsg.c and in sipmsg-osip.h, which the other SIP codecs share. Pure: no
 * I/O, no globals besides libosip2's parser tables.
 * A refusal comes with a text naming what was received and why it was
 * refused (values shown escaped and cut short).
 */
#ifndef MCMIG_SIPMSG_H
#define MCMIG_SIPMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"

/* Largest message we build or accept (UDP datagram bound; TCP frames alike). */
#define SIPMSG_MAX_LEN 65535
/* RFC 3261 18.1.1: without a known path MTU, requests over 1300 bytes go over TCP. */
#define SIPMSG_UDP_MAX 1300

#define SIPMSG_TEXT_MAX	 256
#define SIPMSG_NONCE_MAX 256
/* Why a message was refused: short enough to go into a registration's reason. */
#define SIPMSG_ERR_MAX 160

struct sipmsg_challenge {
	enum digest_algorithm algorithm;
	char realm[SIPMSG_TEXT_MAX];
	char nonce[SIPMSG_NONCE_MAX]; /* without quotes, as it enters the digest */
	char opaque[SIPMSG_TEXT_MAX];
	bool has_opaque;
	bool qop_auth; /* qop offered and "auth" among the options */
	bool stale;
};

struct sipmsg_response {
	unsigned int status;
	char reason[SIPMSG_TEXT_MAX];
	char call_id[SIPMSG_TEXT_MAX];
	uint32_t cseq;
	char cseq_method[32];
	char branch[SIPMSG_TEXT_MAX]; /* top Via */
	bool has_challenge;	      /* an AKA WWW-Authenticate was found */
	struct sipmsg_challenge challenge;
	char service_route[512];    /* all Service-Route values joined by ", " */
	char associated_uris[1024]; /* all P-Associated-URI values joined by ", " */
	long contact_expires;	    /* expires= of our Contact; -1 if absent */
	long expires;		    /* Expires header; -1 if absent */
	long min_expires;	    /* Min-Expires (423); -1 if absent */
	long retry_after;	    /* Retry-After seconds; -1 if absent */
	char error[SIPMSG_ERR_MAX]; /* why it was refused; "" when accepted */
};

/*
 * Parses a SIP response. @contact_host/@contact_port pick the Contact whose
 * expires= is reported (RFC 3261 10.2.4: the registrar lists all bindings).
 * Returns 0; -EBADMSG (malformed, not a response, a value out of range or too
 * long) or -ENOTSUP (401 whose challenges are all non-AKA) with *@err
 * pointing at @r->error. @r->status is set from the first check on that the
 * status line passed, also when the rest is refused.
 */
int sipmsg_parse_response(const uint8_t *buf, size_t len, const char *contact_host,
			  unsigned int contact_port, struct sipmsg_response *r, const char **err);

/* What goes into the Authorization header (RFC 2617 3.2.2, RFC 3310 3.4, TS 24.229 5.1.1.2). */
struct sipmsg_auth {
	const char *username;
	const char *realm;
	const char *uri;
	const char *nonce;    /* "" for the initial REGISTER */
	const char *response; /* 32 hex digits, or "" (initial, MAC failure) */
	enum digest_algorithm algorithm;
	const char *qop; /* "auth" or NULL: then nc and cnonce are left out */
	uint32_t nc;
	const char *cnonce;
	const char *opaque; /* NULL: none */
	const char *auts;   /* base64(AUTS), NULL: none */
};

/*
 * Writes the Authorization header value. Every value is checked to be
 * printable and free of quotes and backslashes (they come from the network).
 * Returns the length, -EINVAL (bad value) or -E2BIG.
 */
int sipmsg_build_authorization(const struct sipmsg_auth *a, char *buf, size_t size);

struct sipmsg_register {
	bool tcp;		/* Via transport and ;transport=tcp in Contact */
	const char *local_host; /* IPv4 or IPv6 literal */
	unsigned int local_port;
	const char *branch; /* full branch, starting with the RFC 3261 magic cookie */
	const char *domain; /* Request-URI sip:<domain> */
	const char *impu;   /* From and To */
	const char *from_tag;
	const char *call_id;
	uint32_t cseq;
	unsigned int expires;
	const char *authorization; /* header value */
	const char *user_agent;	   /* NULL: none */
	/*
	 * TS 24.229 5.1.1.2.1: +sip.instance in Contact, the instance ID (an
	 * IMEI URN, sipmsg_imei_urn()); NULL: none.
	 */
	const char *instance_id;
	/*
	 * TS 24.229 7.2A.8 / TS 24.379 7.2.1: +g.3gpp.icsi-ref in Contact, an
	 * ICSI URN as "urn:urn-7:..." (percent-encoded here); NULL: none.
	 */
	const char *icsi;
	/* TS 24.229 5.1.1.2.1 / 7.2A.4: the P-Access-Network-Info value; NULL: none. */
	const char *pani;
};

/* TS 24.379 7.2.1: the MCPTT ICSI, for sipmsg_register.icsi. */
#define SIPMSG_ICSI_MCPTT "urn:urn-7:3gpp-service.ims.icsi.mcptt"
/* "urn:gsma:imei:" + 8 + 1 + 6 + 1 + 1 digits and dashes. */
#define SIPMSG_IMEI_URN_MAX 32
#define SIPMSG_PANI_MAX	    96

/*
 * The IMEI URN (RFC 7254 4.1; TS 23.003 13.8) of an IMEI as a modem reports
 * it: 14 digits, 15 (with the Luhn check digit) or 16 (IMEISV). The URN has
 * the TAC, the serial number and a spare digit of 0 (TS 23.003 6.2.1: the
 * check digit is never sent; RFC 7254 4.1). Writes
 * "urn:gsma:imei:TTTTTTTT-SSSSSS-0"; 0, or -EINVAL with *@err naming what
 * was wrong.
 */
int sipmsg_imei_urn(const char *imei, char *buf, size_t size, const char **err);

/*
 * The P-Access-Network-Info value for an E-UTRAN cell (TS 24.229 7.2A.4):
 * "3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=" MCC MNC, the TAC as 4 and the
 * E-UTRAN cell identity as 7 hexadecimal digits (TS 23.003 19.4.2.3, 19.6).
 * The modem does not say FDD or TDD; FDD, the common case, is written.
 * 0, or -EINVAL with *@err (MCC not 3 digits, MNC not 2-3, TAC over 16 bits,
 * cell id over 28 bits).
 */
int sipmsg_pani_eutran(const char *mcc, const char *mnc, uint32_t tac, uint32_t eci, char *buf,
		       size_t size, const char **err);

/* Builds a REGISTER. Returns its length, -EINVAL (bad value) or -E2BIG. */
int sipmsg_build_register(const struct sipmsg_register *m, char *buf, size_t size);

/*
 * Stream framing for SIP over TCP (RFC 3261 18.3): Content-Length is
 * mandatory. Leading CRLFs (RFC 5626 keep-alives) are counted in *@skip.
 * Returns 1 with *@msg_len when a whole message follows the skipped bytes,
 * 0 when more bytes are needed, -EBADMSG (why in @err) when the stream cannot
 * be a SIP message.
 */
int sipmsg_frame(const uint8_t *buf, size_t len, size_t *skip, size_t *msg_len, char *err,
		 size_t err_size);

/*
 * Reads a P-CSCF address as given by people or configuration: sip:HOST[:PORT]
 * [;params], HOST[:PORT] or [IPv6][:PORT] (RFC 3261 19.1.1). *@port is 0 when
 * absent: the caller picks (RFC 3263 4.2: SRV for a name, as sipreg does with
 * 0; else 5060). *@tcp is set by ;transport=tcp, else left alone. -EINVAL
 * with *@err.
 */
int sipmsg_parse_pcscf(const char *uri, char *host, size_t host_size, unsigned int *port, bool *tcp,
		       const char **err);

/*
 * Overwrites the values of ck= and ik= parameters (an S-CSCF puts CK and IK
 * in its 401 for the P-CSCF, TS 24.229 5.4.1.2.1) with '*', in place, so that
 * an exchange can be shown to people.
 */
void sipmsg_redact(char *msg, size_t len);

#endif
