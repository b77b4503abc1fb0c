/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The card adapter: runs the blocking UICC calls (hal/uicc.h) in one worker
 * thread, so that the main loop never waits on PC/SC, and completes every
 * call on the main loop of the thread that made the card, exactly once.
 * card_free() completes what is still pending with -ECANCELED before it
 * returns; nothing is called after it.
 *
 * One worker serialises the calls: a UICC handle is used by one thread at a
 * time (hal/uicc.h), and an ISIM answers one AUTHENTICATE at a time anyway.
 */
#ifndef MCMIG_CARD_H
#define MCMIG_CARD_H

#include <stdint.h>

#include "sipreg.h"
#include "uicc.h"

struct card;

/* The blocking calls the worker makes (card-uicc.c: the real UICC; tests: fakes). */
struct card_backend {
	int (*open)(void **h, void *arg);
	int (*read_info)(void *h, struct uicc_info *info);
	int (*authenticate)(void *h, const uint8_t rand[UICC_RAND_LEN],
			    const uint8_t autn[UICC_AUTN_LEN], struct uicc_auth_result *res,
			    uint16_t *sw);
	void (*close)(void *h);
	const char *(*strerror)(int err);
	void (*release)(void *arg); /* optional: card_free() is done with @arg */
};

/* The card is opened on the first call, in the worker, and kept open. */
int card_new_backend(struct card **c, const struct card_backend *b, void *arg);

/* The UICC through @reader (uicc_pcsc_ops) with @cfg (copied). card-uicc.c. */
int card_new(struct card **c, const struct uicc_reader_ops *reader, const struct uicc_config *cfg);

void card_free(struct card *c);

typedef void (*card_info_cb)(int err, const struct uicc_info *info, void *user_data);

void card_read_info(struct card *c, card_info_cb cb, void *user_data);

/* AUTHENTICATE (IMS context); @cb gets the result (secrets wiped after it returns). */
void card_authenticate(struct card *c, const uint8_t rand[UICC_RAND_LEN],
		       const uint8_t autn[UICC_AUTN_LEN], sipreg_aka_cb cb, void *user_data);

/* For sipreg_new(): ctx = the struct card. */
extern const struct sipreg_aka_ops card_aka_ops;

#endif
