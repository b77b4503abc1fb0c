/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UICC access: the ISIM (TS 31.103) or, without one, the USIM (TS 31.102) on a
 * card reached through a reader backend (PC/SC). Plain C types only; the
 * backend's library types stay in its file (style.md item 4).
 *
 * Layering, as in libosmosim's osim_reader_ops:
 *   struct uicc_reader_ops   one per backend file (uicc-pcsc.c): connect, transmit one
 *                            APDU, transactions, disconnect; no card logic.
 *   uicc_*()                 the card logic (uicc.c): T=0 61xx/6Cxx, logical channels,
 *                            EF_DIR, ISIM/USIM selection, EF reads, AUTHENTICATE.
 *   uicc-codec.h             pure APDU/TLV/EF codecs used by both and unit-tested alone.
 *
 * Calls block. The wait for a card in the reader is bounded by the configured
 * timeout; an exchange is not: pcsc-lite has no timeout for SCardConnect,
 * SCardTransmit or SCardBeginTransaction. The agent therefore runs the calls
 * on one worker thread per card and gives up on a worker that overruns its
 * bound (agent/card.c). A handle may be used by one thread at a time;
 * separate handles are independent (no globals).
 */
#ifndef MCMIG_UICC_H
#define MCMIG_UICC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UICC_RAND_LEN 16
#define UICC_AUTN_LEN 16
#define UICC_RES_MIN  4
#define UICC_RES_MAX  16
#define UICC_KEY_LEN  16
#define UICC_AUTS_LEN 14
#define UICC_AID_MAX  16
#define UICC_ATR_MAX  33

#define UICC_IMPI_MAX	256
#define UICC_DOMAIN_MAX 256
#define UICC_URI_MAX	256
#define UICC_IMPU_MAX	8
#define UICC_PCSCF_MAX	4
#define UICC_IST_MAX	16
#define UICC_WARN_MAX	8
#define UICC_RAW_MAX	256

struct uicc;

struct uicc_config {
	/* Substring of the reader name; NULL or "" = first reader holding a card. */
	const char *reader;
	/* The card bound, ms: the wait for a card here; agent/card.c gives a request twice it. */
	unsigned int timeout_ms;
	/*
	 * Logical channels (bit n = channel n, 1..19) a killed process left open
	 * on this card, from the daemon's journal: pcscd does not close a dead
	 * client's channels, and a card has at most 19 (TS 102 221 11.1.17).
	 * Closed (MANAGE CHANNEL close, any answer taken: already closed is fine)
	 * in the handle's first session, before it opens its own. 0: none.
	 */
	uint32_t stale_channels;
	/*
	 * Called on the handle's thread for each logical channel opened (@open:
	 * after MANAGE CHANNEL gave its number, before anything is sent on it,
	 * so that the caller can persist it first) and each one closed or gone
	 * with a card reset (!@open), stale ones included. A channel whose fate
	 * is unknown after a transport error is neither: it is closed at the
	 * next connection. NULL: nobody listens.
	 */
	void (*channel_event)(void *ctx, unsigned int channel, bool open);
	void *channel_ctx;
};

struct uicc_reader_ops {
	const char *name;
	/* Connect to a reader per @cfg; fills the ATR and the reader's name. */
	int (*connect)(void **priv, const struct uicc_config *cfg, uint8_t *atr, size_t *atr_len,
		       char *reader_name, size_t reader_name_size);
	/* Sends one C-APDU, receives one R-APDU (data + SW1 SW2) of at most *rlen bytes. */
	int (*transmit)(void *priv, const uint8_t *capdu, size_t clen, uint8_t *rapdu,
			size_t *rlen);
	/* Exclusive access around a multi-APDU sequence. NULL = not needed. */
	int (*begin)(void *priv);
	void (*end)(void *priv);
	void (*disconnect)(void *priv);
};

extern const struct uicc_reader_ops uicc_pcsc_ops;

enum uicc_app_type {
	UICC_APP_ISIM,
	UICC_APP_USIM,
};

enum uicc_pcscf_type {
	UICC_PCSCF_FQDN = 0,
	UICC_PCSCF_IPV4 = 1,
	UICC_PCSCF_IPV6 = 2,
};

struct uicc_pcscf {
	enum uicc_pcscf_type type;
	char addr[UICC_URI_MAX];
};

struct uicc_app {
	uint8_t aid[UICC_AID_MAX];
	size_t aid_len;
	char label[64];
};

/*
 * An optional EF, or one record of an EF, that could not be used and was
 * skipped (TS 31.103 4.2: EF_IST and EF_P-CSCF are service-dependent; one odd
 * EF_IMPU record leaves the others). Cards programmed by other tools hold
 * encodings we may not know: say which EF and what it held.
 */
struct uicc_ef_warning {
	const char *ef;	     /* "EF_IST", "EF_P-CSCF", "EF_IMPU" (static) */
	unsigned int record; /* 1-based record number; 0: the EF as a whole */
	int err;	     /* -EBADMSG unparseable, -EPROTO/-EACCES refused, -E2BIG too long */
	uint8_t raw[UICC_RAW_MAX]; /* what failed to parse (its first octets); may be empty */
	size_t raw_len;
};

struct uicc_info {
	char reader[128];
	uint8_t atr[UICC_ATR_MAX];
	size_t atr_len;
	struct uicc_app apps[8]; /* EF_DIR order */
	size_t n_apps;
	enum uicc_app_type app; /* the application AUTHENTICATE goes to */
	uint8_t aid[UICC_AID_MAX];
	size_t aid_len;
	bool logical_channel; /* false: the card refused MANAGE CHANNEL */
	/* From the ISIM, or derived from the IMSI (TS 23.003) on a USIM-only card. */
	char impi[UICC_IMPI_MAX];
	char domain[UICC_DOMAIN_MAX];
	char impu[UICC_IMPU_MAX][UICC_URI_MAX];
	size_t n_impu;
	uint8_t ist[UICC_IST_MAX];
	size_t ist_len;
	struct uicc_pcscf pcscf[UICC_PCSCF_MAX];
	size_t n_pcscf;
	char imsi[16];					/* USIM only */
	struct uicc_ef_warning warnings[UICC_WARN_MAX]; /* EFs skipped, in reading order */
	size_t n_warnings;
	/* uicc_read_info() failed on this mandatory EF ("EF_IMPI", ...); NULL otherwise. */
	const char *failed_ef;
};

enum uicc_auth_status {
	UICC_AUTH_OK,		/* DB: RES, CK, IK */
	UICC_AUTH_SYNC_FAILURE, /* DC: AUTS */
	UICC_AUTH_MAC_FAILURE,	/* SW 98 62 */
};

/* Holds secrets: wipe with uicc_auth_result_wipe() when done. */
struct uicc_auth_result {
	enum uicc_auth_status status;
	uint8_t res[UICC_RES_MAX];
	size_t res_len;
	uint8_t ck[UICC_KEY_LEN];
	uint8_t ik[UICC_KEY_LEN];
	uint8_t auts[UICC_AUTS_LEN];
};

/*
 * Opens the card through @ops and selects the ISIM (USIM fallback) once.
 * Errors: -ENODEV no reader, -ENOMEDIUM no card within the bound, -ENOENT no
 * ISIM or USIM, -EIO transport, -ETIMEDOUT, -EBUSY card held exclusively,
 * -EBADMSG malformed answer, -EPROTO unexpected status word. On error *@u is NULL.
 * After a transport error any later call reconnects and selects again. A card
 * reset under the handle (-ECONNRESET: pcscd refused the command before it
 * reached the card) is reconnected, selected again and the command resent
 * once, within the call.
 */
int uicc_open(struct uicc **u, const struct uicc_reader_ops *ops, const struct uicc_config *cfg);
void uicc_close(struct uicc *u);

/*
 * Reads the identities and service table (EF_IMPI, EF_IMPU, EF_DOMAIN, EF_IST,
 * EF_P-CSCF). EF_IMPI, EF_DOMAIN and at least one EF_IMPU record (on a
 * USIM-only card EF_IMSI and EF_AD) are mandatory: if one is missing or
 * unparseable the call fails and @info->failed_ef names it. An optional EF or
 * an odd record that cannot be used is skipped and listed in @info->warnings.
 * Losing the card fails the call whatever EF was being read.
 */
int uicc_read_info(struct uicc *u, struct uicc_info *info);

/*
 * AUTHENTICATE in the IMS context (TS 31.103 7.1.2; on a USIM-only card the
 * 3G context, TS 31.102 7.1.2). Returns 0 with res->status OK, SYNC_FAILURE
 * or MAC_FAILURE. A status word other than 9000 / 98 62 gives -EPROTO with
 * *@sw set; a malformed 9000 answer -EBADMSG; card gone gives -ENOMEDIUM /
 * -EIO / -ENODEV and the next call reconnects.
 */
int uicc_authenticate(struct uicc *u, const uint8_t rand[UICC_RAND_LEN],
		      const uint8_t autn[UICC_AUTN_LEN], struct uicc_auth_result *res,
		      uint16_t *sw);

void uicc_auth_result_wipe(struct uicc_auth_result *r);

/*
 * When the last uicc_open(), uicc_read_info() or uicc_authenticate() exchanged APDUs:
 * CLOCK_MONOTONIC microseconds at the start of its first transmit and at the
 * return of its last. Both 0 when nothing was transmitted.
 */
void uicc_exchange_times(const struct uicc *u, int64_t *start_us, int64_t *end_us);

/* Text of a -errno from this module, for people ("card removed", ...). */
const char *uicc_strerror(int err);

#endif
