/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The card: one worker thread per card owns the reader connection (PC/SC
 * context, card handle, selected ISIM) for its whole life and runs every
 * exchange, so that the main loop never waits on PC/SC. One handoff each
 * way: a request goes to the worker under a lock and a condition, its result
 * comes back once, to the main context of the thread that made the card,
 * through one source.
 *
 * Requests run one at a time, in order: an ISIM answers one AUTHENTICATE at
 * a time anyway, and a UICC handle is used by one thread (hal/uicc.h).
 * Every request completes exactly once: with its result, with -ETIMEDOUT
 * past card_timeout_ms(), or with -ECANCELED from card_free(); never inside
 * the call that made it. card_cancel() drops one request's callback.
 */
#ifndef MCMIG_CARD_H
#define MCMIG_CARD_H

#include <stdint.h>

#include "uicc.h"

struct card;

/*
 * When the card worked on a request, on the clock of g_get_monotonic_time()
 * (CLOCK_MONOTONIC, microseconds), taken in the worker around the reader's
 * transmit: from the start of the first exchange to the return of the last.
 * Both 0 when nothing reached the card.
 */
struct card_times {
	int64_t start_us;
	int64_t end_us;
};

/* On an error @info may be NULL, or name the EF that failed (failed_ef). */
typedef void (*card_info_cb)(int err, const struct uicc_info *info, void *user_data);
/* @r holds RES, CK, IK or AUTS: wiped after the callback returns. */
typedef void (*card_auth_cb)(int err, const struct uicc_auth_result *r, uint16_t sw,
			     const struct card_times *t, void *user_data);

/*
 * The UICC through @reader (uicc_pcsc_ops; tests: a fake) with @cfg (copied).
 * The worker starts, and opens the card, at the first request. The first
 * worker closes cfg->stale_channels; cfg->channel_event is called on a worker
 * thread (hal/uicc.h), possibly on one the card gave up on.
 */
int card_new(struct card **c, const struct uicc_reader_ops *reader, const struct uicc_config *cfg);
/* Completes what is pending with -ECANCELED before it returns. NULL accepted. */
void card_free(struct card *c);

/*
 * The one bound on a request, from the card bound B (uicc_config.timeout_ms):
 * see card.c. sipreg and the migration state machine wait for the card's
 * answer and arm no timer of their own.
 */
unsigned int card_timeout_ms(const struct card *c);

/* Both return the request's id (never 0), for card_cancel(). */
unsigned int card_read_info(struct card *c, card_info_cb cb, void *user_data);
/* AUTHENTICATE (IMS context, TS 31.103 7.1.2); RAND and AUTN are wiped once sent. */
unsigned int card_authenticate(struct card *c, const uint8_t rand[UICC_RAND_LEN],
			       const uint8_t autn[UICC_AUTN_LEN], card_auth_cb cb, void *user_data);
/* The owner is going away: request @id's callback is not called. Unknown ids are ignored. */
void card_cancel(struct card *c, unsigned int id);

/* Text of a -errno given to a callback, for people. */
const char *card_strerror(int err);

#endif
