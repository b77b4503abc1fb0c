// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rhonabwy.h>

#include "mcs-token.h"

static int refuse(char *why, size_t why_len, const char *text)
{
	snprintf(why, why_len, "%s", text);
	return -EACCES;
}

static int copy_claim(jwt_t *jwt, const char *name, char *out, size_t size)
{
	const char *v = r_jwt_get_claim_str_value(jwt, name);

	if (!v || !*v || strlen(v) >= size)
		return -1;
	strcpy(out, v);
	return 0;
}

/* RFC 7519 4.1.3: "aud" is one string or an array of them. */
static int aud_has(jwt_t *jwt, const char *aud)
{
	json_t *j = r_jwt_get_claim_json_t_value(jwt, "aud"), *v;
	size_t i;
	int found = 0;

	if (json_is_string(j))
		found = strcmp(json_string_value(j), aud) == 0;
	json_array_foreach(j, i, v)
		found |= json_is_string(v) && strcmp(json_string_value(v), aud) == 0;
	json_decref(j);
	return found;
}

int mcs_token_check(const char *token, const char *jwks_json, const char *iss, const char *aud,
		    time_t now, struct mcs_claims *out, char *why, size_t why_len)
{
	jwks_t *keys = NULL;
	jwt_t *jwt = NULL;
	jwa_alg alg;
	long long exp;
	int ret;

	memset(out, 0, sizeof(*out));
	if (r_jwks_init(&keys) != RHN_OK ||
	    r_jwks_import_from_json_str(keys, jwks_json) != RHN_OK) {
		snprintf(why, why_len, "the trusted JWKS is not a JWKS");
		ret = -EINVAL;
		goto out;
	}
	if (r_jwt_init(&jwt) != RHN_OK || r_jwt_parse(jwt, token, 0) != RHN_OK) {
		ret = refuse(why, why_len, "access token malformed");
		goto out;
	}
	/* Only what the partner IdMS signs with (the contract); never "none". */
	alg = r_jwt_get_sign_alg(jwt);
	if (alg != R_JWA_ALG_RS256 && alg != R_JWA_ALG_ES256) {
		ret = refuse(why, why_len, "access token not signed with RS256 or ES256");
		goto out;
	}
	if (r_jwt_add_sign_jwks(jwt, NULL, keys) != RHN_OK ||
	    r_jwt_verify_signature(jwt, NULL, 0) != RHN_OK) {
		ret = refuse(why, why_len, "access token signature invalid");
		goto out;
	}
	if (!r_jwt_get_claim_str_value(jwt, "iss") ||
	    strcmp(r_jwt_get_claim_str_value(jwt, "iss"), iss) != 0) {
		snprintf(why, why_len, "access token issuer %s not trusted (%s is)",
			 r_jwt_get_claim_str_value(jwt, "iss") ?: "(none)", iss);
		ret = -EACCES;
		goto out;
	}
	if (!aud_has(jwt, aud)) {
		snprintf(why, why_len, "access token audience not this MC server (%s)", aud);
		ret = -EACCES;
		goto out;
	}
	exp = (long long)r_jwt_get_claim_int_value(jwt, "exp");
	if (exp <= 0) {
		ret = refuse(why, why_len, "access token without exp");
		goto out;
	}
	if (exp <= (long long)now) {
		ret = refuse(why, why_len, "access token expired");
		goto out;
	}
	if (copy_claim(jwt, "sub", out->sub, sizeof(out->sub)) ||
	    copy_claim(jwt, "primary_sub", out->primary_sub, sizeof(out->primary_sub))) {
		ret = refuse(why, why_len, "access token without sub or primary_sub");
		goto out;
	}
	out->exp = (time_t)exp;
	ret = 0;
out:
	r_jwt_free(jwt);
	r_jwks_free(keys);
	return ret;
}

int mcs_token_mint(const char *priv_jwk_json, const char *iss, const char *aud, const char *sub,
		   const char *primary_sub, time_t iat, time_t exp, char **out)
{
	jwk_t *key = NULL;
	jwt_t *jwt = NULL;
	int ret = -EINVAL;

	*out = NULL;
	if (r_jwk_init(&key) != RHN_OK ||
	    r_jwk_import_from_json_str(key, priv_jwk_json) != RHN_OK || r_jwt_init(&jwt) != RHN_OK)
		goto out;
	if (r_jwt_set_sign_alg(jwt, r_jwk_key_type(key, NULL, 0) & R_KEY_TYPE_EC ?
					    R_JWA_ALG_ES256 :
					    R_JWA_ALG_RS256) != RHN_OK ||
	    r_jwt_set_claim_str_value(jwt, "iss", iss) != RHN_OK ||
	    r_jwt_set_claim_str_value(jwt, "aud", aud) != RHN_OK ||
	    r_jwt_set_claim_str_value(jwt, "sub", sub) != RHN_OK ||
	    r_jwt_set_claim_str_value(jwt, "primary_sub", primary_sub) != RHN_OK ||
	    r_jwt_set_claim_int_value(jwt, "iat", (rhn_int_t)iat) != RHN_OK ||
	    r_jwt_set_claim_int_value(jwt, "exp", (rhn_int_t)exp) != RHN_OK)
		goto out;
	*out = r_jwt_serialize_signed(jwt, key, 0);
	ret = *out ? 0 : -ENOMEM;
out:
	r_jwt_free(jwt);
	r_jwk_free(key);
	return ret;
}

int mcs_token_keygen(const char *kid, char **priv_jwk_json, char **jwks_json)
{
	jwk_t *priv = NULL, *pub = NULL;
	jwks_t *set = NULL;
	int ret = -ENOMEM;

	*priv_jwk_json = *jwks_json = NULL;
	if (r_jwk_init(&priv) != RHN_OK || r_jwk_init(&pub) != RHN_OK ||
	    r_jwks_init(&set) != RHN_OK ||
	    r_jwk_generate_key_pair(priv, pub, R_KEY_TYPE_RSA, 2048, kid) != RHN_OK ||
	    r_jwk_set_property_str(pub, "alg", "RS256") != RHN_OK ||
	    r_jwk_set_property_str(priv, "alg", "RS256") != RHN_OK ||
	    r_jwks_append_jwk(set, pub) != RHN_OK)
		goto out;
	*priv_jwk_json = r_jwk_export_to_json_str(priv, 0);
	*jwks_json = r_jwks_export_to_json_str(set, 0);
	ret = *priv_jwk_json && *jwks_json ? 0 : -ENOMEM;
out:
	r_jwks_free(set);
	r_jwk_free(pub);
	r_jwk_free(priv);
	return ret;
}
