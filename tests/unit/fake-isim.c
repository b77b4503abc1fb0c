// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "fake-isim.h"
#include "util.h"

struct fake_isim fake_isim;

/* An ISIM that EF_DIR lists first (TS 102 221 13.1), label "ISM-MCMI". */
#define ISIM_AID "a0000000871004ff49ff0589"
#define DIR_REC	 "61184f0c" ISIM_AID "500849534d2d4d434d49ffff"
/* FCPs (TS 102 221 11.1.1.3): linear fixed, 0x20-byte records; transparent of len bytes. */
#define FCP_LIN(n)   "62078205422100200" n
#define FCP_BIN(len) "620882024121800200" len

struct ef {
	uint16_t fid;
	const char *fcp;
	const char *data; /* READ BINARY: the file; READ RECORD: record 1 */
};

static const struct ef efs[] = {
	{ 0x3f00, "", NULL },
	{ 0x2f00, FCP_LIN("1"), DIR_REC },
	/* TS 31.103 4.2.2 EF_IMPI, 4.2.3 EF_DOMAIN, 4.2.4 EF_IMPU: 80 L value. */
	{ 0x6f02, FCP_BIN("1b"), "8019616c69636540696d732e7072696d6172792e6578616d706c65" },
	{ 0x6f03, FCP_BIN("15"), "8013696d732e7072696d6172792e6578616d706c65" },
	{ 0x6f04, FCP_LIN("1"),
	  "801d7369703a616c69636540696d732e7072696d6172792e6578616d706c65ff" },
};

static __thread const struct ef *current;

static void enter(void)
{
	if (g_atomic_int_add(&fake_isim.busy, 1) != 0)
		g_atomic_int_set(&fake_isim.overlap, 1);
	/* The card worker, never the loop's thread. */
	g_assert(g_thread_self() != fake_isim.main);
}

static void leave(void)
{
	g_atomic_int_add(&fake_isim.busy, -1);
}

static int fake_connect(void **priv, const struct uicc_config *cfg, uint8_t *atr, size_t *atr_len,
			char *name, size_t name_size)
{
	int r = 0;

	enter();
	g_atomic_int_inc(&fake_isim.connects);
	g_usleep(fake_isim.delay_us);
	if (g_atomic_int_add(&fake_isim.connect_fails, -1) > 0) {
		r = -ENOMEDIUM;
	} else {
		*priv = &fake_isim;
		atr[0] = 0x3b;
		atr[1] = 0x00;
		*atr_len = 2;
		util_strlcpy(name, "Fake ISIM 00 00", name_size);
	}
	leave();
	return r;
}

static size_t put_hex(const char *hex, uint8_t *out)
{
	size_t n;

	g_assert(util_hex_decode_var(hex, out, 258, &n) == 0);
	return n;
}

static int answer_auth(const uint8_t *capdu, uint8_t *rapdu, size_t *rlen)
{
	/* TS 31.103 7.1.2.1: 88 00 81 22 | 10 RAND 10 AUTN */
	const uint8_t *rand = capdu + 6, *autn = capdu + 23;
	size_t n = 0;

	g_atomic_int_inc(&fake_isim.auths);
	g_usleep(fake_isim.delay_us);
	if (fake_isim.auth)
		return fake_isim.auth(rand, autn, rapdu, rlen);
	if (rand[0] == 0xdc) {
		rapdu[n++] = 0xdc;
		rapdu[n++] = UICC_AUTS_LEN;
		memset(rapdu + n, 0xa5, UICC_AUTS_LEN);
		n += UICC_AUTS_LEN;
	} else {
		rapdu[n++] = 0xdb;
		rapdu[n++] = 8;
		memset(rapdu + n, 0, 8);
		rapdu[n] = rand[0];
		rapdu[n + 1] = autn[0];
		n += 8;
		rapdu[n++] = UICC_KEY_LEN;
		memset(rapdu + n, 0xc1, UICC_KEY_LEN);
		n += UICC_KEY_LEN;
		rapdu[n++] = UICC_KEY_LEN;
		memset(rapdu + n, 0x11, UICC_KEY_LEN);
		n += UICC_KEY_LEN;
	}
	rapdu[n++] = 0x90;
	rapdu[n++] = 0x00;
	*rlen = n;
	return 0;
}

static int answer(const uint8_t *c, size_t clen, uint8_t *rapdu, size_t *rlen)
{
	uint16_t fid;
	size_t i, n = 0;

	switch (c[1]) {
	case 0xa4: /* SELECT: by AID (P1 04) or by FID */
		if (c[2] == 0x04)
			break;
		fid = (uint16_t)(c[5] << 8 | c[6]);
		current = NULL;
		for (i = 0; i < G_N_ELEMENTS(efs); i++)
			if (efs[i].fid == fid)
				current = &efs[i];
		if (!current) {
			rapdu[0] = 0x6a;
			rapdu[1] = 0x82;
			*rlen = 2;
			return 0;
		}
		n = put_hex(current->fcp, rapdu);
		break;
	case 0xb0: /* READ BINARY */
	case 0xb2: /* READ RECORD: record 1 only */
		if (c[1] == 0xb2 && c[2] != 1) {
			rapdu[0] = 0x6a;
			rapdu[1] = 0x83;
			*rlen = 2;
			return 0;
		}
		n = put_hex(current->data, rapdu);
		break;
	case 0x70: /* MANAGE CHANNEL: open gives channel 1, close nothing */
		if (c[2] == 0x00)
			rapdu[n++] = 0x01;
		break;
	case 0x88:
		return answer_auth(c, rapdu, rlen);
	default:
		g_assert_not_reached();
	}
	rapdu[n++] = 0x90;
	rapdu[n++] = 0x00;
	*rlen = n;
	return 0;
}

static int fake_transmit(void *priv, const uint8_t *capdu, size_t clen, uint8_t *rapdu,
			 size_t *rlen)
{
	int r;

	g_assert(priv == &fake_isim);
	enter();
	r = answer(capdu, clen, rapdu, rlen);
	leave();
	return r;
}

static void fake_disconnect(void *priv)
{
	g_atomic_int_inc(&fake_isim.disconnects);
}

const struct uicc_reader_ops fake_isim_ops = {
	.name = "fake-isim",
	.connect = fake_connect,
	.transmit = fake_transmit,
	.disconnect = fake_disconnect,
};

void fake_isim_reset(void)
{
	memset(&fake_isim, 0, sizeof(fake_isim));
	fake_isim.main = g_thread_self();
}
