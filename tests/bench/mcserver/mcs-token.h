/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The partner access token as the bench's partner MC server checks it
 * (TS 33.180 5.1.4, B.8: a JWT signed by the partner IdMS; issue 14's
 * contract: iss, sub = the MC service ID at the partner, aud, exp, iat and
 * primary_sub = the MC service ID at the primary), with Debian's rhonabwy.
 * Also mints one with a test key, for a bench without the partner IdMS.
 * Pure but for rhonabwy (no I/O, the time given).
 */
#ifndef MCMIG_MCS_TOKEN_H
#define MCMIG_MCS_TOKEN_H

#include <stddef.h>
#include <time.h>

#define MCS_ID_MAX 256

struct mcs_claims {
	char sub[MCS_ID_MAX];	      /* MC service ID at the partner */
	char primary_sub[MCS_ID_MAX]; /* MC service ID at the primary */
	time_t exp;
};

/*
 * Checks @token against the keys of @jwks_json (a JWKS), the issuer @iss,
 * the audience @aud and the time @now. 0 with @out filled; -EACCES with
 * @why naming the refusal ("access token expired", "access token signature
 * invalid", "access token audience ... not ...", "access token issuer ...
 * not trusted", "access token malformed"); -EINVAL when @jwks_json is not a
 * JWKS.
 */
int mcs_token_check(const char *token, const char *jwks_json, const char *iss, const char *aud,
		    time_t now, struct mcs_claims *out, char *why, size_t why_len);

/*
 * Signs a token (RS256 or ES256, from the private JWK's type) with the
 * claims above; *@out malloc'd. 0 or -EINVAL/-ENOMEM.
 */
int mcs_token_mint(const char *priv_jwk_json, const char *iss, const char *aud, const char *sub,
		   const char *primary_sub, time_t iat, time_t exp, char **out);

/* A new RSA key pair: the private JWK and a JWKS with its public half (malloc'd). */
int mcs_token_keygen(const char *kid, char **priv_jwk_json, char **jwks_json);

#endif
