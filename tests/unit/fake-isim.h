/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake reader (struct uicc_reader_ops) holding an ISIM: it answers what
 * uicc.c sends to open the card (EF_DIR, MANAGE CHANNEL, SELECT by AID),
 * to read the identities, and AUTHENTICATE, by the command's INS. The test
 * decides each AUTHENTICATE's answer. Transmits run on the card worker:
 * they check that the worker is not the main thread and that no two
 * overlap.
 */
#ifndef MCMIG_FAKE_ISIM_H
#define MCMIG_FAKE_ISIM_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "uicc.h"

#define FAKE_ISIM_IMPI "alice@ims.primary.example"

/*
 * One AUTHENTICATE (worker thread): fills @rapdu (data and SW1 SW2) and
 * *@rlen, or returns a transport error (-ENOMEDIUM ...).
 */
typedef int (*fake_isim_auth_fn)(const uint8_t *rand, const uint8_t *autn, uint8_t *rapdu,
				 size_t *rlen);

struct fake_isim {
	/* Set by the test. */
	int connect_fails;	/* the first connects fail with -ENOMEDIUM */
	gulong delay_us;	/* each connect and AUTHENTICATE blocks this long */
	fake_isim_auth_fn auth; /* NULL: RES = RAND[0] AUTN[0] 00..., or AUTS when RAND[0] is dc */
	GThread *main;		/* the test's thread: transmits must not run there */
	/* Counted. */
	gint busy, overlap;
	gint connects, disconnects, auths;
};

extern struct fake_isim fake_isim;
extern const struct uicc_reader_ops fake_isim_ops;

/* Zeroes everything; main = the calling thread. */
void fake_isim_reset(void);

#endif
