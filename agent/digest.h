/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HTTP Digest with AKA (RFC 3310 AKAv1-MD5, RFC 4169 AKAv2-MD5) as used by
 * IMS registration (TS 24.229 5.1.1.5, TS 33.203 6.1). Pure: no I/O, no
 * globals, no logging. Passwords are byte strings (a RES may contain 00).
 */
#ifndef MCMIG_DIGEST_H
#define MCMIG_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIGEST_HASH_LEN 16 /* MD5 */
#define DIGEST_HEX_LEN	(2 * DIGEST_HASH_LEN + 1)
#define DIGEST_RAND_LEN 16
#define DIGEST_AUTN_LEN 16
#define DIGEST_AUTS_LEN 14
/* base64 of 16 bytes (AKAv2 password) and of 14 bytes (AUTS), with NUL. */
#define DIGEST_AKAV2_PW_LEN 25
#define DIGEST_AUTS_B64_LEN 21

enum digest_algorithm {
	DIGEST_AKAV1_MD5,
	DIGEST_AKAV2_MD5,
};

/* Parses an algorithm= value (quotes allowed, case-insensitive). -ENOTSUP if neither. */
int digest_algorithm_parse(const char *s, enum digest_algorithm *algo);
const char *digest_algorithm_name(enum digest_algorithm algo);

/*
 * RFC 3310 3.2: nonce = base64(RAND || AUTN || server data). Strict base64
 * (no whitespace, correct padding). -EBADMSG when not base64 or shorter than
 * RAND || AUTN.
 */
int digest_nonce_decode(const char *nonce, uint8_t rand[DIGEST_RAND_LEN],
			uint8_t autn[DIGEST_AUTN_LEN]);

/* Writes base64(@in) and a NUL; -E2BIG if @size is too small. */
int digest_base64_encode(const uint8_t *in, size_t len, char *out, size_t size);
/* Strict base64 decode of a NUL-terminated string into at most @max bytes. */
int digest_base64_decode(const char *in, uint8_t *out, size_t max, size_t *out_len);

/* RFC 3310 3.4: the auts parameter value, base64(AUTS) (no quotes). */
void digest_auts_encode(const uint8_t auts[DIGEST_AUTS_LEN], char out[DIGEST_AUTS_B64_LEN]);

/*
 * RFC 4169 3: password = base64(HMAC-MD5(RES || IK || CK, "http-digest-akav2-password")).
 * The result is a secret: wipe it after use.
 */
int digest_akav2_password(const uint8_t *res, size_t res_len, const uint8_t ik[16],
			  const uint8_t ck[16], char out[DIGEST_AKAV2_PW_LEN]);

/* RFC 2617 3.2.2.2: HA1 = MD5(username ":" realm ":" password), password binary-safe. */
void digest_ha1(const char *username, const char *realm, const uint8_t *password,
		size_t password_len, uint8_t ha1[DIGEST_HASH_LEN]);

/* HA2 = MD5(method ":" uri) (qop absent or "auth"). */
void digest_ha2(const char *method, const char *uri, uint8_t ha2[DIGEST_HASH_LEN]);

/*
 * RFC 2617 3.2.2.1: with @qop ("auth"):
 *   response = MD5(hex(HA1) ":" nonce ":" nc ":" cnonce ":" qop ":" hex(HA2))
 * with @qop NULL (RFC 2069 compatibility): MD5(hex(HA1) ":" nonce ":" hex(HA2)).
 * @nonce is the value as received, without quotes. @nc is printed as 8 hex digits.
 */
void digest_response(const uint8_t ha1[DIGEST_HASH_LEN], const char *nonce, uint32_t nc,
		     const char *cnonce, const char *qop, const uint8_t ha2[DIGEST_HASH_LEN],
		     char out[DIGEST_HEX_LEN]);

#endif
