// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Digest AKA (RFC 3310, RFC 4169) over libosip2's MD5. The MD5 contexts live
 * on our stack so that everything derived from a RES can be wiped.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_md5.h>

#include "digest.h"
#include "util.h"

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int digest_algorithm_parse(const char *s, enum digest_algorithm *algo)
{
	size_t n;

	if (!s)
		return -EINVAL;
	n = strlen(s);
	/* libosip2 keeps the quotes of a quoted value; RFC 2617 allows both. */
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	if (n == 9 && strncasecmp(s, "AKAv1-MD5", n) == 0) {
		*algo = DIGEST_AKAV1_MD5;
		return 0;
	}
	if (n == 9 && strncasecmp(s, "AKAv2-MD5", n) == 0) {
		*algo = DIGEST_AKAV2_MD5;
		return 0;
	}
	return -ENOTSUP;
}

const char *digest_algorithm_name(enum digest_algorithm algo)
{
	switch (algo) {
	case DIGEST_AKAV1_MD5:
		return "AKAv1-MD5";
	case DIGEST_AKAV2_MD5:
		return "AKAv2-MD5";
	}
	return "?";
}

int digest_base64_encode(const uint8_t *in, size_t len, char *out, size_t size)
{
	size_t i, o = 0;

	if ((len + 2) / 3 * 4 + 1 > size) {
		if (size)
			out[0] = '\0';
		return -E2BIG;
	}
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 0x3f];
		out[o++] = b64_alphabet[(v >> 6) & 0x3f];
		out[o++] = b64_alphabet[v & 0x3f];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;

		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 0x3f];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;

		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 0x3f];
		out[o++] = b64_alphabet[(v >> 6) & 0x3f];
		out[o++] = '=';
	}
	out[o] = '\0';
	return 0;
}

static int b64_value(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(b64_alphabet, c);
	return p ? (int)(p - b64_alphabet) : -1;
}

int digest_base64_decode(const char *in, uint8_t *out, size_t max, size_t *out_len)
{
	size_t n, i, o = 0, pad = 0;

	if (!in)
		return -EBADMSG;
	n = strlen(in);
	if (n % 4)
		return -EBADMSG;
	if (n && in[n - 1] == '=')
		pad++;
	if (n > 1 && in[n - 2] == '=')
		pad++;
	if (n / 4 * 3 - pad > max)
		return -E2BIG;
	for (i = 0; i < n; i += 4) {
		int v[4], k;
		bool last = i + 4 == n;

		for (k = 0; k < 4; k++) {
			v[k] = b64_value(in[i + k]);
			/* '=' only as the final one or two characters of the input. */
			if (v[k] < 0 && !(last && in[i + k] == '=' && k >= 4 - (int)pad))
				return -EBADMSG;
		}
		out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (v[2] >= 0)
			out[o++] = (uint8_t)((v[1] & 0xf) << 4 | v[2] >> 2);
		if (v[3] >= 0)
			out[o++] = (uint8_t)((v[2] & 0x3) << 6 | v[3]);
	}
	*out_len = o;
	return 0;
}

int digest_nonce_decode(const char *nonce, uint8_t rand[DIGEST_RAND_LEN],
			uint8_t autn[DIGEST_AUTN_LEN])
{
	/* RFC 3310 3.2 allows server data after AUTN; keep the bound generous. */
	uint8_t buf[192];
	size_t len;
	int r;

	r = digest_base64_decode(nonce, buf, sizeof(buf), &len);
	if (r == -E2BIG)
		return -EBADMSG;
	if (r < 0)
		return r;
	if (len < DIGEST_RAND_LEN + DIGEST_AUTN_LEN)
		return -EBADMSG;
	memcpy(rand, buf, DIGEST_RAND_LEN);
	memcpy(autn, buf + DIGEST_RAND_LEN, DIGEST_AUTN_LEN);
	return 0;
}

void digest_auts_encode(const uint8_t auts[DIGEST_AUTS_LEN], char out[DIGEST_AUTS_B64_LEN])
{
	digest_base64_encode(auts, DIGEST_AUTS_LEN, out, DIGEST_AUTS_B64_LEN);
}

static void md5_update(osip_MD5_CTX *ctx, const void *p, size_t len)
{
	osip_MD5Update(ctx, (unsigned char *)p, (unsigned int)len);
}

static void md5_str(osip_MD5_CTX *ctx, const char *s)
{
	md5_update(ctx, s, strlen(s));
}

/* RFC 2104 HMAC with MD5; the key is at most one block here (RES||IK||CK <= 48). */
static void hmac_md5(const uint8_t *key, size_t key_len, const void *msg, size_t msg_len,
		     uint8_t out[DIGEST_HASH_LEN])
{
	uint8_t pad[64];
	uint8_t inner[DIGEST_HASH_LEN];
	osip_MD5_CTX ctx;
	size_t i;

	memset(pad, 0x36, sizeof(pad));
	for (i = 0; i < key_len; i++)
		pad[i] ^= key[i];
	osip_MD5Init(&ctx);
	md5_update(&ctx, pad, sizeof(pad));
	md5_update(&ctx, msg, msg_len);
	osip_MD5Final(inner, &ctx);

	memset(pad, 0x5c, sizeof(pad));
	for (i = 0; i < key_len; i++)
		pad[i] ^= key[i];
	osip_MD5Init(&ctx);
	md5_update(&ctx, pad, sizeof(pad));
	md5_update(&ctx, inner, sizeof(inner));
	osip_MD5Final(out, &ctx);

	util_wipe(pad, sizeof(pad));
	util_wipe(inner, sizeof(inner));
	util_wipe(&ctx, sizeof(ctx));
}

int digest_akav2_password(const uint8_t *res, size_t res_len, const uint8_t ik[16],
			  const uint8_t ck[16], char out[DIGEST_AKAV2_PW_LEN])
{
	static const char label[] = "http-digest-akav2-password";
	uint8_t key[16 + 16 + 16];
	uint8_t mac[DIGEST_HASH_LEN];

	if (res_len < 4 || res_len > 16)
		return -EINVAL;
	/* RFC 4169 3: the HMAC key is RES || IK || CK. */
	memcpy(key, res, res_len);
	memcpy(key + res_len, ik, 16);
	memcpy(key + res_len + 16, ck, 16);
	hmac_md5(key, res_len + 32, label, sizeof(label) - 1, mac);
	digest_base64_encode(mac, sizeof(mac), out, DIGEST_AKAV2_PW_LEN);
	util_wipe(key, sizeof(key));
	util_wipe(mac, sizeof(mac));
	return 0;
}

void digest_ha1(const char *username, const char *realm, const uint8_t *password,
		size_t password_len, uint8_t ha1[DIGEST_HASH_LEN])
{
	osip_MD5_CTX ctx;

	osip_MD5Init(&ctx);
	md5_str(&ctx, username);
	md5_str(&ctx, ":");
	md5_str(&ctx, realm);
	md5_str(&ctx, ":");
	/* Binary-safe: RES bytes go in as they are, 00 included (RFC 3310 3.1). */
	if (password_len)
		md5_update(&ctx, password, password_len);
	osip_MD5Final(ha1, &ctx);
	util_wipe(&ctx, sizeof(ctx));
}

void digest_ha2(const char *method, const char *uri, uint8_t ha2[DIGEST_HASH_LEN])
{
	osip_MD5_CTX ctx;

	osip_MD5Init(&ctx);
	md5_str(&ctx, method);
	md5_str(&ctx, ":");
	md5_str(&ctx, uri);
	osip_MD5Final(ha2, &ctx);
}

void digest_response(const uint8_t ha1[DIGEST_HASH_LEN], const char *nonce, uint32_t nc,
		     const char *cnonce, const char *qop, const uint8_t ha2[DIGEST_HASH_LEN],
		     char out[DIGEST_HEX_LEN])
{
	char hex1[DIGEST_HEX_LEN], hex2[DIGEST_HEX_LEN], ncs[9];
	uint8_t resp[DIGEST_HASH_LEN];
	osip_MD5_CTX ctx;

	util_hex_encode(ha1, DIGEST_HASH_LEN, hex1);
	util_hex_encode(ha2, DIGEST_HASH_LEN, hex2);
	osip_MD5Init(&ctx);
	md5_str(&ctx, hex1);
	md5_str(&ctx, ":");
	md5_str(&ctx, nonce);
	md5_str(&ctx, ":");
	if (qop) {
		snprintf(ncs, sizeof(ncs), "%08x", nc);
		md5_str(&ctx, ncs);
		md5_str(&ctx, ":");
		md5_str(&ctx, cnonce);
		md5_str(&ctx, ":");
		md5_str(&ctx, qop);
		md5_str(&ctx, ":");
	}
	md5_str(&ctx, hex2);
	osip_MD5Final(resp, &ctx);
	util_hex_encode(resp, sizeof(resp), out);
	util_wipe(hex1, sizeof(hex1));
	util_wipe(&ctx, sizeof(ctx));
}
