// SPDX-License-Identifier: GPL-2.0-or-later
/* The card adapter's real backend: hal/uicc.h through a reader backend. */
#include <errno.h>

#include <glib.h>

#include "card.h"

struct uicc_arg {
	const struct uicc_reader_ops *reader;
	struct uicc_config cfg;
	char *reader_name;
};

static int b_open(void **h, void *arg)
{
	struct uicc_arg *a = arg;

	return uicc_open((struct uicc **)h, a->reader, &a->cfg);
}

static int b_read_info(void *h, struct uicc_info *info)
{
	return uicc_read_info(h, info);
}

static int b_authenticate(void *h, const uint8_t rand[UICC_RAND_LEN],
			  const uint8_t autn[UICC_AUTN_LEN], struct uicc_auth_result *res,
			  uint16_t *sw)
{
	return uicc_authenticate(h, rand, autn, res, sw);
}

static void b_close(void *h)
{
	uicc_close(h);
}

static void b_release(void *arg)
{
	struct uicc_arg *a = arg;

	g_free(a->reader_name);
	g_free(a);
}

static const struct card_backend uicc_backend = {
	.open = b_open,
	.read_info = b_read_info,
	.authenticate = b_authenticate,
	.close = b_close,
	.strerror = uicc_strerror,
	.release = b_release,
};

int card_new(struct card **c, const struct uicc_reader_ops *reader, const struct uicc_config *cfg)
{
	struct uicc_arg *a = g_new0(struct uicc_arg, 1);
	int ret;

	a->reader = reader;
	a->cfg = *cfg;
	a->reader_name = g_strdup(cfg->reader);
	a->cfg.reader = a->reader_name;
	ret = card_new_backend(c, &uicc_backend, a);
	if (ret < 0)
		b_release(a);
	return ret;
}
