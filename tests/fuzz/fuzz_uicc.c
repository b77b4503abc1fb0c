/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hal/uicc.c over a card that answers with the fuzzer's bytes: the card
 * logic (EF_DIR walk, application selection, T=0 GET RESPONSE and 6Cxx
 * retries, the ISIM/USIM reads, AUTHENTICATE) sees whatever a broken or
 * hostile card could send, through the same reader ops as PC/SC.
 *
 * Input: a sequence of R-APDUs, each a length byte and that many bytes; a
 * length of 0xff is a transport error (card removed). When the input is used
 * up, the reader is gone, so every reconnect loop ends.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "uicc.h"

#define FUZZ_CARD_GONE 0xff

struct card {
	const uint8_t *p;
	size_t left;
};

static struct card card;

static int card_connect(void **priv, const struct uicc_config *cfg, uint8_t *atr, size_t *atr_len,
			char *name, size_t name_size)
{
	if (!card.left)
		return -ENODEV;
	*priv = &card;
	atr[0] = 0x3b;
	atr[1] = 0x00;
	*atr_len = 2;
	snprintf(name, name_size, "Fuzz Reader 00 00");
	return 0;
}

static int card_transmit(void *priv, const uint8_t *capdu, size_t clen, uint8_t *rapdu,
			 size_t *rlen)
{
	struct card *c = priv;
	size_t n;

	fuzz_require(c == &card && clen >= 4, "a C-APDU of at least CLA INS P1 P2");
	if (!c->left)
		return -EIO;
	n = *c->p++;
	c->left--;
	if (n == FUZZ_CARD_GONE)
		return -EIO;
	if (n > c->left)
		n = c->left;
	if (n > *rlen)
		n = *rlen;
	memcpy(rapdu, c->p, n);
	c->p += n;
	c->left -= n;
	*rlen = n;
	return 0;
}

static int card_begin(void *priv)
{
	return 0;
}

static void card_end(void *priv)
{
}

static void card_disconnect(void *priv)
{
}

static const struct uicc_reader_ops card_ops = {
	.name = "fuzz",
	.connect = card_connect,
	.transmit = card_transmit,
	.begin = card_begin,
	.end = card_end,
	.disconnect = card_disconnect,
};

static void check_info(const struct uicc_info *info)
{
	size_t i;

	fuzz_require(info->n_apps <= 8 && info->n_impu <= UICC_IMPU_MAX &&
			     info->n_pcscf <= UICC_PCSCF_MAX && info->ist_len <= UICC_IST_MAX &&
			     info->aid_len <= UICC_AID_MAX,
		     "info: counts within the arrays");
	fuzz_require(fuzz_terminated(info->impi, sizeof(info->impi)) &&
			     fuzz_terminated(info->domain, sizeof(info->domain)) &&
			     fuzz_terminated(info->imsi, sizeof(info->imsi)),
		     "info: strings terminated");
	for (i = 0; i < info->n_impu; i++)
		fuzz_require(fuzz_terminated(info->impu[i], UICC_URI_MAX), "info: IMPU terminated");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t rand[UICC_RAND_LEN] = { 0x23, 0x55 }, autn[UICC_AUTN_LEN] = { 0x55 };
	const struct uicc_config cfg = { .reader = "Fuzz", .timeout_ms = 1000 };
	struct uicc_auth_result res;
	struct uicc_info info;
	struct uicc *u;
	uint16_t sw;
	int ret;

	card.p = data;
	card.left = size;
	if (uicc_open(&u, &card_ops, &cfg)) {
		fuzz_require(u == NULL, "open: nothing on error");
		return 0;
	}
	if (uicc_read_info(u, &info) == 0)
		check_info(&info);
	ret = uicc_authenticate(u, rand, autn, &res, &sw);
	if (ret == 0 && res.status == UICC_AUTH_OK)
		fuzz_require(res.res_len >= UICC_RES_MIN && res.res_len <= UICC_RES_MAX,
			     "authenticate: RES 4..16 bytes");
	uicc_auth_result_wipe(&res);
	uicc_close(u);
	return 0;
}
