// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * UICC card logic above a struct uicc_reader_ops transport: T=0 61xx / 6Cxx
 * handling, EF_DIR, ISIM (USIM fallback) selection on a logical channel or
 * the basic channel, EF reads and AUTHENTICATE. See uicc.h.
 *
 * Threads: a handle holds no global state; one handle may be used by one
 * thread at a time (the agent's card worker), different handles concurrently.
 *
 * Connection loss: any transport error drops the connection (and the
 * selection that lived on it); the next call reconnects and selects again.
 * A card reset by another PC/SC client (-ECONNRESET before the command
 * reached the card) or a stale connection found when the transaction starts
 * is retried once at once, within the caller's bound.
 *
 * Logical channels: each one opened or closed is told to the caller
 * (uicc_config.channel_event) so that a daemon can journal it; one left by a
 * killed process (uicc_config.stale_channels) or by a connection lost without
 * a reset is closed before a new one is opened, or the card runs out of them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uicc-codec.h"
#include "uicc.h"
#include "util.h"

#define UICC_DEFAULT_TIMEOUT_MS 5000
#define UICC_APDU_MAX		261 /* short APDU: 5 + 255 + Le */
#define UICC_RAPDU_MAX		258 /* 256 data + SW1 SW2 */
#define UICC_GET_RESPONSE_MAX	16  /* bound on chained 61xx answers */
#define UICC_APPS_MAX		ARRAY_SIZE(((struct uicc_info *)0)->apps)
#define UICC_EF_MAX		1024 /* largest transparent EF we read */
#define UICC_CHANNEL_MAX	19   /* TS 102 221 11.1.17: logical channels 1-19 */
#define UICC_CHANNEL_BITS	(((1u << (UICC_CHANNEL_MAX + 1)) - 1) & ~1u)

struct uicc {
	const struct uicc_reader_ops *ops;
	struct uicc_config cfg;
	char reader_sub[128];
	void *priv;
	bool connected;
	bool in_transaction;
	bool selected;
	char reader_name[128];
	uint8_t atr[UICC_ATR_MAX];
	size_t atr_len;
	struct uicc_app apps[UICC_APPS_MAX];
	size_t n_apps;
	enum uicc_app_type app;
	uint8_t aid[UICC_AID_MAX];
	size_t aid_len;
	unsigned int channel; /* 0 = basic channel */
	uint32_t stale;	      /* bit n: channel n to close at the next session */
	bool channel_refused; /* MANAGE CHANNEL refused once: do not ask again */
	/* The current call's exchanges (uicc_exchange_times): first start, last return. */
	int64_t xfer_start_us, xfer_end_us;
};

static int64_t mono_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void session_end(struct uicc *u)
{
	if (u->in_transaction && u->ops->end)
		u->ops->end(u->priv);
	u->in_transaction = false;
}

static void channel_told(struct uicc *u, unsigned int channel, bool open)
{
	if (u->cfg.channel_event)
		u->cfg.channel_event(u->cfg.channel_ctx, channel, open);
}

/*
 * The connection is dropped after @why. A reset (-ECONNRESET), a card gone
 * (-ENOMEDIUM) or a reader or pcscd gone (-ENODEV) took our channel with it
 * (TS 102 221 11.1.17: channels do not survive a reset); after any other
 * error (a garbled answer, a timeout) it may still be open on the card: it
 * is closed at the next session.
 */
static void card_drop(struct uicc *u, int why)
{
	session_end(u);
	if (u->connected)
		u->ops->disconnect(u->priv);
	u->priv = NULL;
	u->connected = false;
	u->selected = false;
	if (u->channel && (why == -ECONNRESET || why == -ENOMEDIUM || why == -ENODEV))
		channel_told(u, u->channel, false);
	else if (u->channel)
		u->stale |= 1u << u->channel;
	u->channel = 0;
}

static int card_transmit(struct uicc *u, const uint8_t *capdu, size_t clen, uint8_t *rapdu,
			 size_t *rlen)
{
	int64_t t0;
	int r;

	*rlen = UICC_RAPDU_MAX;
	t0 = mono_us();
	r = u->ops->transmit(u->priv, capdu, clen, rapdu, rlen);
	u->xfer_end_us = mono_us();
	if (!u->xfer_start_us)
		u->xfer_start_us = t0;
	if (r < 0) {
		card_drop(u, r);
		return r;
	}
	if (*rlen < 2 || *rlen > UICC_RAPDU_MAX) {
		card_drop(u, -EIO);
		return -EIO;
	}
	return 0;
}

/* A warning status (ISO/IEC 7816-4 5.1.3): processing completed, data valid. */
static bool sw_warning(uint8_t sw1)
{
	return sw1 == 0x62 || sw1 == 0x63;
}

/*
 * One command with the T=0 rules of TS 102 221 7.3.1.1.4 (pcsc-lite does not
 * apply them): 6C xx = resend with Le xx; 61 xx = GET RESPONSE with Le xx, the
 * data of all answers concatenated. A case 4 command that a T=0 card ends
 * with a warning (62 xx / 63 xx) and no data still has its data: GET RESPONSE
 * with Le 00 fetches them (TS 102 221 7.3.1.1, case 4 with a warning); if the
 * card has none, the warning stands. A T=1 card answers data and status word
 * at once: no extra exchange. @data gets at most @size bytes.
 */
static int card_xfer(struct uicc *u, const uint8_t *capdu, size_t clen, uint8_t *data, size_t size,
		     size_t *dlen, uint16_t *sw)
{
	uint8_t cmd[UICC_APDU_MAX], rapdu[UICC_RAPDU_MAX];
	size_t rlen, n, got = 0;
	unsigned int i;
	bool resent = false;
	uint16_t warning = 0;
	int r;

	if (clen > sizeof(cmd) || clen < 4)
		return -EINVAL;
	memcpy(cmd, capdu, clen);
	for (i = 0; i <= UICC_GET_RESPONSE_MAX; i++) {
		r = card_transmit(u, cmd, clen, rapdu, &rlen);
		if (r < 0)
			goto out;
		n = rlen - 2;
		*sw = (uint16_t)((rapdu[n] << 8) | rapdu[n + 1]);
		if (n > size - got) {
			r = -EBADMSG;
			goto out;
		}
		memcpy(data + got, rapdu, n);
		got += n;
		if (rapdu[n] == 0x6c && !resent && got == 0) {
			/* Wrong Le: same command with Le = SW2 (added to a case 1 or 3 APDU). */
			resent = true;
			if (clen == 4 || (clen > 5 && clen == 5 + (size_t)cmd[4]))
				clen++;
			if (clen > sizeof(cmd)) {
				r = -EBADMSG;
				goto out;
			}
			cmd[clen - 1] = rapdu[n + 1];
			continue;
		}
		if (sw_warning(rapdu[n]) && n == 0 && !warning && clen > 5 &&
		    clen == 6 + (size_t)cmd[4]) {
			warning = *sw;
			r = uicc_apdu_get_response(cmd[0], 0x00, cmd, sizeof(cmd));
			if (r < 0)
				goto out;
			clen = (size_t)r;
			continue;
		}
		if (rapdu[n] != 0x61)
			break;
		r = uicc_apdu_get_response(cmd[0], rapdu[n + 1], cmd, sizeof(cmd));
		if (r < 0)
			goto out;
		clen = (size_t)r;
	}
	if (i > UICC_GET_RESPONSE_MAX) {
		r = -EBADMSG;
		goto out;
	}
	/* GET RESPONSE after a warning found nothing to fetch: the warning stands. */
	if (warning && got == 0 && *sw != UICC_SW_OK && !sw_warning((uint8_t)(*sw >> 8)))
		*sw = warning;
	*dlen = got;
	r = 0;
out:
	util_wipe(cmd, sizeof(cmd));
	util_wipe(rapdu, sizeof(rapdu));
	return r;
}

static int sw_errno(uint16_t sw)
{
	if (sw_warning((uint8_t)(sw >> 8)))
		return 0; /* e.g. 62 82 end of file before Le: the data returned are good */
	switch (sw) {
	case 0x9000:
		return 0;
	case 0x6a82: /* file or application not found */
	case 0x6a88:
		return -ENOENT;
	case 0x6982: /* security status not satisfied (PIN) */
	case 0x6985:
		return -EACCES;
	}
	return -EPROTO;
}

static uint8_t chan_cla(const struct uicc *u)
{
	return uicc_cla(0x00, u->channel);
}

/*
 * SELECT an EF by FID in the current DF/ADF of the channel; parses its FCP.
 * @raw (optional, UICC_RAW_MAX bytes) gets the answer's data for a warning.
 */
static int select_ef_raw(struct uicc *u, uint8_t cla, uint16_t fid, struct uicc_fcp *fcp,
			 uint8_t *raw, size_t *raw_len)
{
	uint8_t apdu[16], data[256];
	size_t dlen;
	uint16_t sw;
	int r, n;

	n = uicc_apdu_select_fid(cla, fid, apdu, sizeof(apdu));
	if (n < 0)
		return n;
	r = card_xfer(u, apdu, (size_t)n, data, sizeof(data), &dlen, &sw);
	if (r < 0)
		return r;
	if (raw) {
		*raw_len = dlen < UICC_RAW_MAX ? dlen : UICC_RAW_MAX;
		memcpy(raw, data, *raw_len);
	}
	r = sw_errno(sw);
	if (r < 0 || !fcp)
		return r;
	return uicc_fcp_parse(data, dlen, fcp);
}

static int select_ef(struct uicc *u, uint8_t cla, uint16_t fid, struct uicc_fcp *fcp)
{
	return select_ef_raw(u, cla, fid, fcp, NULL, NULL);
}

static int read_binary(struct uicc *u, uint8_t cla, const struct uicc_fcp *fcp, uint8_t *buf,
		       size_t size, size_t *len)
{
	uint8_t apdu[8];
	size_t want, got = 0, n, chunk;
	uint16_t sw;
	int r, k;

	if (fcp->linear)
		return -EBADMSG;
	want = fcp->file_size < size ? fcp->file_size : size;
	while (got < want) {
		/* Short APDUs only: many cards and readers refuse extended length. */
		chunk = want - got > 255 ? 255 : want - got;
		k = uicc_apdu_read_binary(cla, (uint16_t)got, (uint8_t)chunk, apdu, sizeof(apdu));
		if (k < 0)
			return k;
		r = card_xfer(u, apdu, (size_t)k, buf + got, size - got, &n, &sw);
		if (r < 0)
			return r;
		r = sw_errno(sw);
		if (r < 0)
			return r;
		got += n;
		/* Fewer bytes than asked (62 82, or Le cut by 6C xx): the EF ends here. */
		if (n < chunk)
			break;
	}
	*len = got;
	return 0;
}

static int read_record(struct uicc *u, uint8_t cla, const struct uicc_fcp *fcp, unsigned int rec,
		       uint8_t *buf, size_t size, size_t *len)
{
	uint8_t apdu[8];
	uint16_t sw;
	int r, k;

	if (!fcp->linear || fcp->record_len > 255)
		return -EBADMSG;
	k = uicc_apdu_read_record(cla, (uint8_t)rec, (uint8_t)fcp->record_len, apdu, sizeof(apdu));
	if (k < 0)
		return k;
	r = card_xfer(u, apdu, (size_t)k, buf, size, len, &sw);
	if (r < 0)
		return r;
	return sw_errno(sw);
}

/* EF_DIR (TS 102 221 13.1) from the MF, on the basic channel. */
static int read_ef_dir(struct uicc *u)
{
	struct uicc_fcp fcp;
	uint8_t rec[256];
	size_t len;
	unsigned int i;
	int r;

	u->n_apps = 0;
	r = select_ef(u, 0x00, UICC_FID_MF, NULL);
	if (r < 0)
		return r;
	r = select_ef(u, 0x00, UICC_FID_EF_DIR, &fcp);
	if (r < 0)
		return r;
	if (!fcp.linear)
		return -EBADMSG;
	for (i = 1; i <= fcp.n_records && u->n_apps < UICC_APPS_MAX; i++) {
		r = read_record(u, 0x00, &fcp, i, rec, sizeof(rec), &len);
		if (r < 0)
			return r;
		r = uicc_ef_dir_parse(rec, len, &u->apps[u->n_apps]);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		u->n_apps++;
	}
	return 0;
}

static int open_channel(struct uicc *u)
{
	uint8_t apdu[8], data[4];
	size_t dlen;
	uint16_t sw;
	int r, n;

	u->channel = 0;
	if (u->channel_refused)
		return 0;
	n = uicc_apdu_manage_channel_open(apdu, sizeof(apdu));
	if (n < 0)
		return n;
	r = card_xfer(u, apdu, (size_t)n, data, sizeof(data), &dlen, &sw);
	if (r < 0)
		return r;
	/* 68 81 (TS 102 221 10.2.1.6) or any refusal: the basic channel will do. */
	if (sw != UICC_SW_OK || dlen != 1 || data[0] == 0 || data[0] > 19) {
		u->channel_refused = true;
		return 0;
	}
	u->channel = data[0];
	/* Told before the first command on it: the caller journals it first. */
	channel_told(u, u->channel, true);
	return 0;
}

static void close_channel(struct uicc *u)
{
	uint8_t apdu[8], data[4];
	size_t dlen;
	uint16_t sw;
	int n;

	if (!u->connected || u->channel == 0)
		return;
	n = uicc_apdu_manage_channel_close(u->channel, apdu, sizeof(apdu));
	if (n > 0)
		card_xfer(u, apdu, (size_t)n, data, sizeof(data), &dlen, &sw);
	/* A transport error dropped the connection and dealt with the channel. */
	if (u->channel)
		channel_told(u, u->channel, false);
	u->channel = 0;
}

/*
 * Channels a killed process or a lost connection left open, closed before we
 * open ours (TS 102 221 11.1.17, MANAGE CHANNEL close). Whatever the card
 * answers is taken: a channel already closed (by a reset since) is refused
 * with 68 81 or 6A 86, which is what we want anyway.
 */
static int close_stale(struct uicc *u)
{
	uint8_t apdu[8], data[4];
	unsigned int ch;
	size_t dlen;
	uint16_t sw;
	int r, n;

	for (ch = 1; ch <= UICC_CHANNEL_MAX && u->stale; ch++) {
		if (!(u->stale & (1u << ch)))
			continue;
		n = uicc_apdu_manage_channel_close(ch, apdu, sizeof(apdu));
		if (n < 0)
			return n;
		r = card_xfer(u, apdu, (size_t)n, data, sizeof(data), &dlen, &sw);
		if (r < 0)
			return r;
		u->stale &= ~(1u << ch);
		channel_told(u, ch, false);
	}
	return 0;
}

static int select_aid(struct uicc *u, const struct uicc_app *app, uint16_t *sw)
{
	uint8_t apdu[32], data[256];
	size_t dlen;
	int r, n;

	*sw = 0;
	n = uicc_apdu_select_aid(chan_cla(u), app->aid, app->aid_len, apdu, sizeof(apdu));
	if (n < 0)
		return n;
	r = card_xfer(u, apdu, (size_t)n, data, sizeof(data), &dlen, sw);
	if (r < 0)
		return r;
	return sw_errno(*sw);
}

/* The ISIM if EF_DIR lists one (TS 31.103 4.1), else the USIM (TS 24.229 5.1.1.1A). */
static int select_app(struct uicc *u)
{
	static const enum uicc_app_type order[] = { UICC_APP_ISIM, UICC_APP_USIM };
	enum uicc_app_type type;
	uint16_t sw;
	size_t i, k;
	int r;

	r = read_ef_dir(u);
	if (r < 0)
		return r;
	r = open_channel(u);
	if (r < 0)
		return r;
	for (k = 0; k < ARRAY_SIZE(order); k++) {
		for (i = 0; i < u->n_apps; i++) {
			if (!uicc_aid_type(u->apps[i].aid, u->apps[i].aid_len, &type) ||
			    type != order[k])
				continue;
			r = select_aid(u, &u->apps[i], &sw);
			if (r == -EPROTO && u->channel && sw == UICC_SW_NO_CHANNEL) {
				/*
				 * TS 102 221 10.2.1.6: the card opened the channel but
				 * refuses the command on it (68 81): basic channel.
				 */
				close_channel(u);
				u->channel_refused = true;
				r = select_aid(u, &u->apps[i], &sw);
			}
			if (r == -ENOENT || r == -EPROTO || r == -EACCES)
				continue; /* listed but not selectable: try the next one */
			if (r < 0)
				return r;
			u->app = type;
			memcpy(u->aid, u->apps[i].aid, u->apps[i].aid_len);
			u->aid_len = u->apps[i].aid_len;
			u->selected = true;
			return 0;
		}
	}
	close_channel(u);
	return -ENOENT;
}

static int session_begin(struct uicc *u)
{
	bool was_connected = u->connected;
	int r;

	if (!u->connected) {
		u->atr_len = sizeof(u->atr);
		r = u->ops->connect(&u->priv, &u->cfg, u->atr, &u->atr_len, u->reader_name,
				    sizeof(u->reader_name));
		if (r < 0)
			return r;
		u->connected = true;
		u->selected = false;
	}
	if (u->ops->begin) {
		r = u->ops->begin(u->priv);
		if (r < 0) {
			card_drop(u, r);
			/*
			 * Nothing reached the card yet: a stale connection (card
			 * swapped, pcscd restarted) is reconnected at once by the
			 * callers' single retry.
			 */
			return was_connected && r != -EBUSY && r != -ETIMEDOUT ? -ECONNRESET : r;
		}
		u->in_transaction = true;
	}
	if (!u->selected) {
		r = close_stale(u);
		if (r == 0)
			r = select_app(u);
		if (r < 0) {
			session_end(u);
			return r;
		}
	}
	return 0;
}

int uicc_open(struct uicc **out, const struct uicc_reader_ops *ops, const struct uicc_config *cfg)
{
	struct uicc *u;
	int r;

	*out = NULL;
	if (!ops || !ops->connect || !ops->transmit || !ops->disconnect)
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->ops = ops;
	if (cfg && cfg->reader && util_strlcpy(u->reader_sub, cfg->reader, sizeof(u->reader_sub))) {
		free(u);
		return -EINVAL;
	}
	u->cfg.reader = u->reader_sub;
	u->cfg.timeout_ms = cfg && cfg->timeout_ms ? cfg->timeout_ms : UICC_DEFAULT_TIMEOUT_MS;
	if (cfg) {
		u->cfg.channel_event = cfg->channel_event;
		u->cfg.channel_ctx = cfg->channel_ctx;
		u->stale = cfg->stale_channels & UICC_CHANNEL_BITS;
	}
	r = session_begin(u);
	if (r == -ECONNRESET) {
		card_drop(u, r);
		r = session_begin(u);
	}
	if (r < 0) {
		card_drop(u, r);
		free(u);
		return r;
	}
	session_end(u);
	*out = u;
	return 0;
}

void uicc_close(struct uicc *u)
{
	if (!u)
		return;
	if (u->connected && u->channel) {
		if (!u->ops->begin || u->ops->begin(u->priv) == 0) {
			u->in_transaction = u->ops->begin != NULL;
			close_channel(u);
			session_end(u);
		}
	}
	card_drop(u, 0);
	util_wipe(u, sizeof(*u));
	free(u);
}

/*
 * What the card said about an EF it does hold, but that we cannot use: a
 * status word refusing the read, a malformed FCP or content, a value too
 * long. The card itself is still there and answering.
 */
static bool ef_unusable(int r)
{
	return r == -EBADMSG || r == -EPROTO || r == -EACCES || r == -E2BIG;
}

static void warn(struct uicc_info *info, const char *ef, unsigned int record, int err,
		 const uint8_t *raw, size_t raw_len)
{
	struct uicc_ef_warning *w;

	if (info->n_warnings == UICC_WARN_MAX)
		return;
	w = &info->warnings[info->n_warnings++];
	w->ef = ef;
	w->record = record;
	w->err = err;
	w->raw_len = raw_len < UICC_RAW_MAX ? raw_len : UICC_RAW_MAX;
	memcpy(w->raw, raw, w->raw_len);
}

/* A mandatory EF failed: the call fails and says which EF. */
static int fail_ef(struct uicc_info *info, const char *ef, int r)
{
	info->failed_ef = ef;
	return r;
}

static int read_string_ef(struct uicc *u, uint16_t fid, char *out, size_t size)
{
	struct uicc_fcp fcp;
	uint8_t buf[UICC_EF_MAX];
	size_t len;
	int r;

	r = select_ef(u, chan_cla(u), fid, &fcp);
	if (r < 0)
		return r;
	r = read_binary(u, chan_cla(u), &fcp, buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	return uicc_ef_string_parse(buf, len, out, size);
}

/*
 * TS 31.103 4.2.4: EF_IMPU is linear fixed, one URI per record, all of them.
 * A record we cannot use is skipped; without any usable record the EF fails.
 */
static int read_impu(struct uicc *u, struct uicc_info *info)
{
	struct uicc_fcp fcp;
	uint8_t buf[256];
	size_t len;
	unsigned int i;
	bool skipped = false;
	int r;

	r = select_ef(u, chan_cla(u), UICC_FID_EF_IMPU, &fcp);
	if (r == 0 && !fcp.linear)
		r = -EBADMSG;
	if (r < 0)
		return r;
	for (i = 1; i <= fcp.n_records && info->n_impu < UICC_IMPU_MAX; i++) {
		len = 0;
		r = read_record(u, chan_cla(u), &fcp, i, buf, sizeof(buf), &len);
		if (r == 0)
			r = uicc_ef_string_parse(buf, len, info->impu[info->n_impu], UICC_URI_MAX);
		if (r == -ENOENT)
			continue;
		if (ef_unusable(r)) {
			warn(info, "EF_IMPU", i, r, buf, len);
			skipped = true;
			continue;
		}
		if (r < 0)
			return r;
		info->n_impu++;
	}
	if (info->n_impu == 0)
		return skipped ? -EBADMSG : -ENOENT;
	return 0;
}

/* TS 31.103 4.2.7: EF_IST, optional (absent: no service table). */
static int read_ist(struct uicc *u, struct uicc_info *info)
{
	struct uicc_fcp fcp;
	uint8_t raw[UICC_RAW_MAX];
	size_t raw_len = 0;
	int r;

	r = select_ef_raw(u, chan_cla(u), UICC_FID_EF_IST, &fcp, raw, &raw_len);
	if (r == 0)
		r = read_binary(u, chan_cla(u), &fcp, info->ist, sizeof(info->ist), &info->ist_len);
	if (r == -ENOENT)
		return 0;
	if (ef_unusable(r)) {
		/* Any content is a bitmap: what failed is the SELECT answer (FCP) or the read. */
		warn(info, "EF_IST", 0, r, raw, raw_len);
		info->ist_len = 0;
		return 0;
	}
	return r;
}

/* TS 31.103 4.2.8: EF_P-CSCF, optional, linear fixed; odd records are skipped. */
static int read_pcscf(struct uicc *u, struct uicc_info *info)
{
	struct uicc_fcp fcp;
	uint8_t buf[256];
	size_t len = 0;
	unsigned int i;
	int r;

	r = select_ef_raw(u, chan_cla(u), UICC_FID_EF_PCSCF, &fcp, buf, &len);
	if (r == 0 && !fcp.linear)
		r = -EBADMSG;
	if (r == -ENOENT)
		return 0;
	if (ef_unusable(r)) {
		warn(info, "EF_P-CSCF", 0, r, buf, len);
		return 0;
	}
	if (r < 0)
		return r;
	for (i = 1; i <= fcp.n_records && info->n_pcscf < UICC_PCSCF_MAX; i++) {
		len = 0;
		r = read_record(u, chan_cla(u), &fcp, i, buf, sizeof(buf), &len);
		if (r == 0)
			r = uicc_ef_pcscf_parse(buf, len, &info->pcscf[info->n_pcscf]);
		if (r == -ENOENT)
			continue;
		if (ef_unusable(r)) {
			warn(info, "EF_P-CSCF", i, r, buf, len);
			continue;
		}
		if (r < 0)
			return r;
		info->n_pcscf++;
	}
	return 0;
}

static int read_isim(struct uicc *u, struct uicc_info *info)
{
	int r;

	r = read_string_ef(u, UICC_FID_EF_IMPI, info->impi, sizeof(info->impi));
	if (r < 0)
		return fail_ef(info, "EF_IMPI", r);
	r = read_string_ef(u, UICC_FID_EF_DOMAIN, info->domain, sizeof(info->domain));
	if (r < 0)
		return fail_ef(info, "EF_DOMAIN", r);
	r = read_impu(u, info);
	if (r < 0)
		return fail_ef(info, "EF_IMPU", r);
	r = read_ist(u, info);
	if (r < 0)
		return r;
	return read_pcscf(u, info);
}

/* Without an ISIM: TS 23.003 identities from EF_IMSI and the MNC length of EF_AD. */
static int read_usim(struct uicc *u, struct uicc_info *info)
{
	struct uicc_fcp fcp;
	uint8_t buf[64];
	unsigned int mnc_len = 2;
	size_t len;
	int r;

	r = select_ef(u, chan_cla(u), UICC_FID_EF_IMSI, &fcp);
	if (r == 0)
		r = read_binary(u, chan_cla(u), &fcp, buf, sizeof(buf), &len);
	if (r == 0)
		r = uicc_ef_imsi_parse(buf, len, info->imsi);
	if (r < 0)
		return fail_ef(info, "EF_IMSI", r);
	/* The MNC length decides the derived identities: a bad EF_AD is fatal, none is not. */
	r = select_ef(u, chan_cla(u), UICC_FID_EF_AD, &fcp);
	if (r == 0)
		r = read_binary(u, chan_cla(u), &fcp, buf, sizeof(buf), &len);
	if (r == 0)
		r = uicc_ef_ad_mnc_len(buf, len, &mnc_len);
	if (r < 0 && r != -ENOENT)
		return fail_ef(info, "EF_AD", r);
	info->n_impu = 1;
	return uicc_ims_identity_from_imsi(info->imsi, mnc_len, info->impi, sizeof(info->impi),
					   info->domain, sizeof(info->domain), info->impu[0],
					   UICC_URI_MAX);
}

/*
 * Status words of a command sent to the basic channel while another PC/SC
 * client (mcmigctl next to mcmigd) had selected something else there: no
 * current application, or the file or command does not exist in the DF it
 * selected (TS 102 221 10.2.1).
 */
static bool sw_app_lost(uint16_t sw)
{
	return sw == 0x6985 || sw == 0x6986 || sw == 0x6d00 || sw == 0x6a82 || sw == 0x6a88;
}

/* On the basic channel only: SELECT our application again (one APDU). */
static int reselect(struct uicc *u)
{
	uint16_t sw;
	size_t i;

	for (i = 0; i < u->n_apps; i++)
		if (u->apps[i].aid_len == u->aid_len && !memcmp(u->apps[i].aid, u->aid, u->aid_len))
			return select_aid(u, &u->apps[i], &sw);
	return -ENOENT;
}

static int do_read_info(struct uicc *u, struct uicc_info *info)
{
	int r;

	memset(info, 0, sizeof(*info));
	r = session_begin(u);
	if (r < 0)
		return r;
	/* The basic channel is shared with other clients: start from our ADF. */
	if (u->channel == 0 && u->selected) {
		r = reselect(u);
		if (r < 0) {
			session_end(u);
			return r;
		}
	}
	util_strlcpy(info->reader, u->reader_name, sizeof(info->reader));
	memcpy(info->atr, u->atr, u->atr_len);
	info->atr_len = u->atr_len;
	memcpy(info->apps, u->apps, u->n_apps * sizeof(u->apps[0]));
	info->n_apps = u->n_apps;
	info->app = u->app;
	memcpy(info->aid, u->aid, u->aid_len);
	info->aid_len = u->aid_len;
	info->logical_channel = u->channel != 0;
	switch (u->app) {
	case UICC_APP_ISIM:
		r = read_isim(u, info);
		break;
	case UICC_APP_USIM:
		r = read_usim(u, info);
		break;
	}
	session_end(u);
	return r;
}

int uicc_read_info(struct uicc *u, struct uicc_info *info)
{
	int r;

	u->xfer_start_us = u->xfer_end_us = 0;
	r = do_read_info(u, info);

	if (r == -ECONNRESET)
		r = do_read_info(u, info);
	return r;
}

static int do_authenticate(struct uicc *u, const uint8_t rand[UICC_RAND_LEN],
			   const uint8_t autn[UICC_AUTN_LEN], struct uicc_auth_result *res,
			   uint16_t *sw)
{
	uint8_t apdu[UICC_APDU_MAX], rapdu[UICC_RAPDU_MAX];
	size_t dlen = 0;
	int r, n;

	r = session_begin(u);
	if (r < 0)
		return r;
	/* TS 31.103 7.1.2.1 (ISIM) and TS 31.102 7.1.2.1 (USIM): P2 81, one exchange. */
	n = uicc_apdu_authenticate(chan_cla(u),
				   u->app == UICC_APP_ISIM ? UICC_AUTH_P2_IMS : UICC_AUTH_P2_3G,
				   rand, autn, apdu, sizeof(apdu));
	if (n < 0) {
		r = n;
		goto out;
	}
	r = card_xfer(u, apdu, (size_t)n, rapdu, sizeof(rapdu) - 2, &dlen, sw);
	if (r == 0 && u->channel == 0 && sw_app_lost(*sw)) {
		/* Another client moved the shared basic channel away from our ADF. */
		r = reselect(u);
		if (r == 0)
			r = card_xfer(u, apdu, (size_t)n, rapdu, sizeof(rapdu) - 2, &dlen, sw);
	}
	if (r < 0)
		goto out;
	rapdu[dlen] = (uint8_t)(*sw >> 8);
	rapdu[dlen + 1] = (uint8_t)*sw;
	r = uicc_auth_parse(rapdu, dlen + 2, res, sw);
out:
	session_end(u);
	util_wipe(apdu, sizeof(apdu));
	util_wipe(rapdu, sizeof(rapdu));
	return r;
}

int uicc_authenticate(struct uicc *u, const uint8_t rand[UICC_RAND_LEN],
		      const uint8_t autn[UICC_AUTN_LEN], struct uicc_auth_result *res, uint16_t *sw)
{
	int r;

	*sw = 0;
	memset(res, 0, sizeof(*res));
	u->xfer_start_us = u->xfer_end_us = 0;
	r = do_authenticate(u, rand, autn, res, sw);
	if (r == -ECONNRESET)
		r = do_authenticate(u, rand, autn, res, sw);
	return r;
}

void uicc_exchange_times(const struct uicc *u, int64_t *start_us, int64_t *end_us)
{
	*start_us = u->xfer_start_us;
	*end_us = u->xfer_end_us;
}

void uicc_auth_result_wipe(struct uicc_auth_result *r)
{
	util_wipe(r, sizeof(*r));
}

const char *uicc_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return "success";
	case ENODEV:
		return "no smart card reader (or pcscd not running)";
	case ENOMEDIUM:
		return "no card in the reader";
	case ENOENT:
		return "no ISIM or USIM on the card, or file not found";
	case EIO:
		return "card or reader I/O error";
	case ETIMEDOUT:
		return "card or reader did not answer in time";
	case EPROTO:
		return "card refused the command (status word)";
	case EBADMSG:
		return "malformed answer from the card";
	case EACCES:
		return "card access condition not satisfied (PIN?)";
	case ECONNRESET:
		return "card was reset by another client";
	case EBUSY:
		return "card in exclusive use by another client";
	case ENOMEM:
		return "out of memory";
	case EINVAL:
		return "invalid argument";
	case E2BIG:
		return "value on the card longer than mcmig can hold";
	}
	return "unexpected card error";
}
