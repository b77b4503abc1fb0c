// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * aka — authentication vectors of the bench SIP database.
 */
#include <errno.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <osmocom/crypt/auth.h>

#include "aka.h"

int aka_vector(struct sdb_sub *s, const uint8_t rand[16], const uint8_t *resync, size_t resync_len,
	       struct aka_vec *v)
{
	struct osmo_sub_auth_data aud = {
		.type = OSMO_AUTH_TYPE_UMTS,
		.algo = OSMO_AUTH_ALG_MILENAGE,
	};
	struct osmo_auth_vector ov;
	int ret;

	if (resync && resync_len != 30)
		return -EINVAL;
	memcpy(aud.u.umts.k, s->k, 16);
	memcpy(aud.u.umts.opc, s->opc, 16);
	aud.u.umts.opc_is_op = s->opc_is_op;
	memcpy(aud.u.umts.amf, s->amf, 2);
	/* TS 33.102 C.3.2: libosmocore takes the last SQN used and makes the
	 * next one ((SQN + 2^ind_bits) with IND cleared) + ind, i.e. SEQ + 1
	 * in our IND slot. On resync it starts from the card's SQN_MS instead
	 * (C.3.4: SEQ_HE = SEQ_MS), so the vector carries SEQ_MS + 1. */
	aud.u.umts.sqn = s->sqn;
	aud.u.umts.ind_bitlen = s->ind_bits;
	aud.u.umts.ind = s->ind;
	memset(&ov, 0, sizeof(ov));
	if (resync)
		/* RAND||AUTS: the AUTS belongs to the RAND of the failed
		 * challenge, not to the new one. */
		ret = osmo_auth_gen_vec_auts(&ov, &aud, resync + 16, resync, rand);
	else
		ret = osmo_auth_gen_vec(&ov, &aud, rand);
	if (!ret && (ov.res_len < 4 || ov.res_len > 16))
		ret = -EIO;
	if (!ret) {
		s->sqn = aud.u.umts.sqn;
		memcpy(v->rand, ov.rand, 16);
		memcpy(v->autn, ov.autn, 16);
		memcpy(v->xres, ov.res, ov.res_len);
		v->xres_len = ov.res_len;
		memcpy(v->ck, ov.ck, 16);
		memcpy(v->ik, ov.ik, 16);
	}
	explicit_bzero(&aud, sizeof(aud));
	explicit_bzero(&ov, sizeof(ov));
	if (ret)
		return resync ? -EINVAL : -EIO;
	return 0;
}

int aka_akav2_password(const struct aka_vec *v, char *out, size_t size)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char text[] = "http-digest-akav2-password";
	uint8_t key[16 + 16 + 16], mac[16];
	size_t i, o = 0;
	uint32_t w;
	int ret = 0;

	if (size < 25)
		return -ENOSPC;
	memcpy(key, v->xres, v->xres_len);
	memcpy(key + v->xres_len, v->ik, 16);
	memcpy(key + v->xres_len + 16, v->ck, 16);
	if (gnutls_hmac_fast(GNUTLS_MAC_MD5, key, v->xres_len + 32, text, sizeof(text) - 1, mac)) {
		ret = -EIO;
		goto out;
	}
	/* RFC 4648 4: 16 octets = five 3-octet groups and one padded. */
	for (i = 0; i < 15; i += 3) {
		w = (uint32_t)mac[i] << 16 | (uint32_t)mac[i + 1] << 8 | mac[i + 2];
		out[o++] = b64[w >> 18 & 63];
		out[o++] = b64[w >> 12 & 63];
		out[o++] = b64[w >> 6 & 63];
		out[o++] = b64[w & 63];
	}
	w = (uint32_t)mac[15] << 16;
	out[o++] = b64[w >> 18 & 63];
	out[o++] = b64[w >> 12 & 63];
	out[o++] = '=';
	out[o++] = '=';
	out[o] = 0;
	ret = (int)o;
out:
	explicit_bzero(key, sizeof(key));
	explicit_bzero(mac, sizeof(mac));
	return ret;
}
