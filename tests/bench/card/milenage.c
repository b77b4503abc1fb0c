// SPDX-License-Identifier: GPL-2.0-or-later
/* MILENAGE, 3GPP TS 35.206 §4.1: see milenage.h. */
#include <string.h>
#include <nettle/aes.h>

#include "milenage.h"
#include "util.h"

/* TS 35.206 §4.1 constants: r1..r5 in bits, c1..c5 as the last byte of c_i. */
enum { R1 = 64, R2 = 0, R3 = 32, R4 = 64, R5 = 96 };
enum { C1 = 0, C2 = 1, C3 = 2, C4 = 4, C5 = 8 };

static void aes(const uint8_t k[16], const uint8_t in[16], uint8_t out[16])
{
	struct aes128_ctx ctx;

	aes128_set_encrypt_key(&ctx, k);
	aes128_encrypt(&ctx, 16, out, in);
	util_wipe(&ctx, sizeof(ctx));
}

/* OUT_i = E_K(rot(x xor OPc, r) xor c) xor OPc; x = TEMP (f2..f5*) or IN1 (f1). */
static void out_i(const uint8_t k[16], const uint8_t opc[16], const uint8_t *pre,
		  const uint8_t x[16], unsigned int r, uint8_t c, uint8_t out[16])
{
	uint8_t t[16], u[16];
	unsigned int i;

	/* r is a multiple of 8 in every case: the rotation moves whole bytes. */
	for (i = 0; i < 16; i++)
		t[i] = x[(i + r / 8) % 16] ^ opc[(i + r / 8) % 16];
	t[15] ^= c;
	if (pre)
		for (i = 0; i < 16; i++)
			t[i] ^= pre[i];
	aes(k, t, u);
	for (i = 0; i < 16; i++)
		out[i] = u[i] ^ opc[i];
	util_wipe(t, sizeof(t));
	util_wipe(u, sizeof(u));
}

static void temp_of(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		    uint8_t temp[16])
{
	uint8_t t[16];
	unsigned int i;

	for (i = 0; i < 16; i++)
		t[i] = rand[i] ^ opc[i];
	aes(k, t, temp);
	util_wipe(t, sizeof(t));
}

void vcard_milenage_opc(const uint8_t k[16], const uint8_t op[16], uint8_t opc[16])
{
	uint8_t e[16];
	unsigned int i;

	aes(k, op, e);
	for (i = 0; i < 16; i++)
		opc[i] = e[i] ^ op[i];
	util_wipe(e, sizeof(e));
}

void vcard_milenage_f1(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		       const uint8_t sqn[6], const uint8_t amf[2], uint8_t mac_a[8],
		       uint8_t mac_s[8])
{
	uint8_t temp[16], in1[16], out1[16];

	temp_of(k, opc, rand, temp);
	/* IN1 = SQN || AMF || SQN || AMF; OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc */
	memcpy(in1, sqn, 6);
	memcpy(in1 + 6, amf, 2);
	memcpy(in1 + 8, in1, 8);
	out_i(k, opc, temp, in1, R1, C1, out1);
	if (mac_a)
		memcpy(mac_a, out1, 8);
	if (mac_s)
		memcpy(mac_s, out1 + 8, 8);
	util_wipe(temp, sizeof(temp));
	util_wipe(out1, sizeof(out1));
}

void vcard_milenage_f2345(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
			  uint8_t res[8], uint8_t ck[16], uint8_t ik[16], uint8_t ak[6],
			  uint8_t ak_star[6])
{
	uint8_t temp[16], out[16];

	temp_of(k, opc, rand, temp);
	out_i(k, opc, NULL, temp, R2, C2, out);
	if (ak)
		memcpy(ak, out, 6);
	if (res)
		memcpy(res, out + 8, 8);
	if (ck) {
		out_i(k, opc, NULL, temp, R3, C3, out);
		memcpy(ck, out, 16);
	}
	if (ik) {
		out_i(k, opc, NULL, temp, R4, C4, out);
		memcpy(ik, out, 16);
	}
	if (ak_star) {
		out_i(k, opc, NULL, temp, R5, C5, out);
		memcpy(ak_star, out, 6);
	}
	util_wipe(temp, sizeof(temp));
	util_wipe(out, sizeof(out));
}
