/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IdM client's pure codecs (TS 33.180 Annex B, TS 24.482): PKCE (RFC
 * 7636 S256), form bodies (application/x-www-form-urlencoded), the
 * authorization response in a redirect's Location (RFC 6749 4.1.2), and the
 * token endpoint's JSON answers (RFC 6749 5.1/5.2, RFC 8693 2.2). No I/O, no
 * loop, no globals: agent/idm.c does the HTTPS, the unit tests and the
 * fuzz harness call these directly.
 *
 * Every buffer that held a token or a code is wiped by its owner; these
 * functions wipe their own temporaries.
 */
#ifndef MCMIG_IDM_PROTO_H
#define MCMIG_IDM_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idm.h"

/* RFC 7636 4.1: 32 random octets give a 43-character verifier. */
#define IDM_PKCE_RANDOM_LEN   32
#define IDM_PKCE_VERIFIER_LEN 43
#define IDM_CODE_MAX	      1024
#define IDM_ERROR_MAX	      64
#define IDM_ERROR_DESC_MAX    160
/* Token endpoint answers are small; anything larger is refused unparsed. */
#define IDM_RESPONSE_MAX (64 * 1024)

/* RFC 8693 3: token type identifiers. */
#define IDM_TT_ACCESS_TOKEN	 "urn:ietf:params:oauth:token-type:access_token"
#define IDM_TT_JWT		 "urn:ietf:params:oauth:token-type:jwt"
#define IDM_GRANT_TOKEN_EXCHANGE "urn:ietf:params:oauth:grant-type:token-exchange"
/* RFC 7523 2.1: the partner token request presents the security token as a JWT bearer grant. */
#define IDM_GRANT_JWT_BEARER "urn:ietf:params:oauth:grant-type:jwt-bearer"

struct idm_token_response {
	char access_token[IDM_TOKEN_MAX];
	char refresh_token[IDM_TOKEN_MAX]; /* "" when none was issued */
	char token_type[32];
	char issued_token_type[96]; /* RFC 8693 only; "" otherwise */
	unsigned long expires_in;   /* 0 when absent */
};

/*
 * RFC 7636 4.1/4.2: base64url (no padding) of @rnd as the verifier, and
 * BASE64URL(SHA256(verifier)) as the S256 challenge. Both outputs are
 * IDM_PKCE_VERIFIER_LEN + 1 bytes.
 */
void idm_pkce_verifier(const uint8_t rnd[IDM_PKCE_RANDOM_LEN], char *verifier);
void idm_pkce_challenge(const char *verifier, char *challenge);

/*
 * Appends "name=value" (both form-encoded, '&' between pairs) to @buf of
 * @size, advancing *@used. 0 or -E2BIG (nothing appended).
 */
int idm_form_add(char *buf, size_t size, size_t *used, const char *name, const char *value);

/*
 * The authorization response (RFC 6749 4.1.2, 4.1.2.1) in a 302's Location:
 * it must start with @redirect_uri, carry our @state, and a code. 0 with
 * @code set; -EACCES with @why = "access_denied: ..." when the server sent an
 * error; -EBADMSG with @why naming what was wrong otherwise.
 */
int idm_parse_redirect(const char *location, const char *redirect_uri, const char *state,
		       char *code, size_t code_size, char *why, size_t why_len);

/*
 * A successful token response (RFC 6749 5.1; RFC 8693 2.2.1 when
 * @want_issued_type). access_token is a b64token (RFC 6750 2.1: it goes
 * into headers and documents unchanged), refresh_token VSCHARs (RFC 6749
 * A.17), token_type "Bearer" (or "N_A" for an exchange, RFC 8693 2.2.1).
 * 0, or -EBADMSG with @why naming the field and the fault; never copies a
 * token into @why.
 */
int idm_parse_token_response(const uint8_t *buf, size_t len, bool want_issued_type,
			     struct idm_token_response *r, char *why, size_t why_len);

/*
 * An error response (RFC 6749 5.2): @error (the code, ASCII) and @desc (the
 * description, control characters replaced). 0, or -EBADMSG when the body is
 * not one.
 */
int idm_parse_error_response(const uint8_t *buf, size_t len, char *error, size_t error_size,
			     char *desc, size_t desc_size);

void idm_token_response_wipe(struct idm_token_response *r);

#endif
