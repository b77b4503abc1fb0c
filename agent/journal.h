/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration journal (issue 12, crash safety): what the migration has
 * brought up, written before each step acts, so that a daemon killed at any
 * moment can undo it on the next start (agent/reconcile.h).
 *
 * Per partner PDN (a list: one per TS 24.484 connectivity set in use): the
 * backend's handles in the modem (QMI client ids, WDS packet data handles and
 * QMAP mux id; MBIM session id; ModemManager bearer path) and what the agent
 * put on its netdev (addresses; host routes to the P-CSCFs through the
 * gateway). The daemon's own modem clients (QMI NAS, WDA). The registration
 * (P-CSCF, contact, Call-ID, expiry). And the intent: migrate or return, so
 * that a requested return is never lost. Apart from the migration: the
 * logical channels the daemon holds open on the UICC (pcscd does not close a
 * dead client's channels), closed by the card adapter at the next start.
 *
 * Pure codec, no I/O (the store writes it atomically: agent/store.h). Text,
 * one "key=value" per line, after a "mcmig-journal 1" line and closed by an
 * "end=<crc32>" line over everything before it: a cut or altered file is
 * refused as a whole. Unknown keys are skipped and the state is kept as text,
 * so a journal written by a newer daemon (states this one does not know) still
 * reads: its handles are what matter for the cleanup.
 */
#ifndef MCMIG_JOURNAL_H
#define MCMIG_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "modem.h"

#define JOURNAL_PDN_MAX	 3 /* TS 24.484 connectivity sets in use at once */
#define JOURNAL_STR_MAX	 256
#define JOURNAL_TEXT_MAX 16384
/* TS 102 221 11.1.17: logical channels 1-19 (0 is the basic channel, never closed). */
#define JOURNAL_CARD_CHANNEL_MAX 19

enum journal_intent {
	JOURNAL_INTENT_NONE,	/* nothing asked of the partner */
	JOURNAL_INTENT_MIGRATE, /* be registered at the partner */
	JOURNAL_INTENT_RETURN,	/* be back on the primary, the partner's part undone */
};

struct journal_pdn {
	modem_pdn_id id; /* the backend's id in the killed process: for the logs */
	char con_ref[JOURNAL_STR_MAX];
	char apn[MODEM_APN_MAX];
	struct modem_handles h;
	/* The agent configured (or was about to configure) the netdev with @net. */
	bool netdev;
	struct modem_pdn_settings net;
};

struct journal_reg {
	bool active; /* a REGISTER went out: a binding may exist at the partner */
	char pcscf[JOURNAL_STR_MAX];
	char contact[JOURNAL_STR_MAX];
	char call_id[JOURNAL_STR_MAX];
	unsigned int expires;
};

struct journal {
	char state[64]; /* the state machine's state name, kept as written */
	enum journal_intent intent;
	char partner[JOURNAL_STR_MAX];
	char reason[JOURNAL_STR_MAX];
	char trigger[32];
	struct modem_handles modem; /* the daemon's own clients */
	struct journal_pdn pdn[JOURNAL_PDN_MAX];
	size_t n_pdn;
	struct journal_reg reg;
	/* Bit n (1..19): logical channel n opened on the card and not known closed. */
	uint32_t card_channels;
};

void journal_init(struct journal *j);

/* True when the journal names something in the modem, the kernel or the network. */
bool journal_has_handles(const struct journal *j);

/* The text form into @buf (NUL-terminated); -ENOSPC when it does not fit, -EINVAL on bad fields. */
int journal_format(const struct journal *j, char *buf, size_t size, size_t *len);

/*
 * Parses @len bytes. 0, or -EBADMSG (not a journal, cut, checksum wrong),
 * -EINVAL (a field out of range), -E2BIG (too many PDNs or clients), with
 * @why saying which line and why.
 */
int journal_parse(const char *text, size_t len, struct journal *j, char *why, size_t why_len);

const char *journal_intent_str(enum journal_intent i);

#endif
