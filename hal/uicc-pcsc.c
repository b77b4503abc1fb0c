// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * UICC reader backend on pcsc-lite (PC/SC). Transport only: the card logic
 * (T=0 GET RESPONSE, channels, files) is in uicc.c. PC/SC types and LONG
 * error codes stay in this file; each failure is translated to -errno here
 * and the original code logged once, on stderr (the journal under systemd).
 *
 * The daemon socket is pcsc-lite's business: its client library honours
 * PCSCLITE_CSOCK_NAME, which is how tests reach a private pcscd.
 *
 * Bounds: the wait for a card (SCardGetStatusChange) is bounded by the
 * configured timeout. pcsc-lite has none for SCardConnect, SCardTransmit or
 * SCardBeginTransaction (a busy reader, a slow card, another client's
 * transaction): they block the calling thread, which is why the agent calls
 * them from a card worker it can give up on (agent/card.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include "uicc.h"
#include "util.h"

#define PCSC_READERS_MAX 16

struct pcsc {
	SCARDCONTEXT ctx;
	SCARDHANDLE card;
	DWORD protocol;
	unsigned int timeout_ms;
	bool have_ctx;
	bool have_card;
};

/* PC/SC code → -errno (style.md item 3), with the original logged once. */
static int pcsc_errno(const char *what, LONG rv)
{
	int err;

	switch (rv) {
	case SCARD_S_SUCCESS:
		return 0;
	case SCARD_E_NO_SERVICE:
	case SCARD_E_SERVICE_STOPPED:
	case SCARD_E_NO_READERS_AVAILABLE:
	case SCARD_E_UNKNOWN_READER:
	case SCARD_E_READER_UNAVAILABLE:
	case SCARD_E_INVALID_HANDLE:
		err = -ENODEV;
		break;
	case SCARD_E_NO_SMARTCARD:
	case SCARD_W_REMOVED_CARD:
		err = -ENOMEDIUM;
		break;
	case SCARD_W_RESET_CARD:
		err = -ECONNRESET;
		break;
	case SCARD_E_SHARING_VIOLATION:
		err = -EBUSY;
		break;
	case SCARD_E_TIMEOUT:
		err = -ETIMEDOUT;
		break;
	case SCARD_E_NO_MEMORY:
		err = -ENOMEM;
		break;
	case SCARD_E_INSUFFICIENT_BUFFER:
		err = -EBADMSG;
		break;
	case SCARD_E_PROTO_MISMATCH:
	case SCARD_W_UNRESPONSIVE_CARD:
	case SCARD_W_UNPOWERED_CARD:
	case SCARD_E_NOT_TRANSACTED:
	case SCARD_F_COMM_ERROR:
	case SCARD_E_COMM_DATA_LOST:
	default:
		err = -EIO;
		break;
	}
	fprintf(stderr, "uicc-pcsc: %s: %s (0x%08lx)\n", what, pcsc_stringify_error(rv),
		(unsigned long)rv);
	return err;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * Reader choice: a name containing @want, else (no @want) the first reader
 * holding a card. Waits for a card with SCardGetStatusChange, within the
 * bound (bench.md: right after pcscd starts a card may not be seen yet).
 */
static int pick_reader(struct pcsc *p, const char *want, char *name, size_t size)
{
	SCARD_READERSTATE st[PCSC_READERS_MAX];
	char list[4096];
	DWORD len = sizeof(list), n = 0, i;
	struct timespec t0;
	const char *s;
	long left;
	LONG rv;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rv = SCardListReaders(p->ctx, NULL, list, &len);
	if (rv == SCARD_E_NO_READERS_AVAILABLE)
		return -ENODEV;
	if (rv != SCARD_S_SUCCESS)
		return pcsc_errno("SCardListReaders", rv);
	memset(st, 0, sizeof(st));
	for (s = list; *s && s < list + len && n < PCSC_READERS_MAX; s += strlen(s) + 1) {
		if (want[0] && !strstr(s, want))
			continue;
		st[n].szReader = s;
		st[n].dwCurrentState = SCARD_STATE_UNAWARE;
		n++;
	}
	if (n == 0) {
		fprintf(stderr, "uicc-pcsc: no reader matching \"%s\"\n", want);
		return -ENODEV;
	}
	for (;;) {
		left = (long)p->timeout_ms - elapsed_ms(&t0);
		rv = SCardGetStatusChange(p->ctx, left > 0 ? (DWORD)left : 0, st, n);
		if (rv == SCARD_E_TIMEOUT)
			return -ENOMEDIUM;
		if (rv != SCARD_S_SUCCESS)
			return pcsc_errno("SCardGetStatusChange", rv);
		for (i = 0; i < n; i++) {
			if ((st[i].dwEventState & SCARD_STATE_PRESENT) &&
			    !(st[i].dwEventState & SCARD_STATE_MUTE))
				return util_strlcpy(name, st[i].szReader, size);
			st[i].dwCurrentState = st[i].dwEventState & ~SCARD_STATE_CHANGED;
		}
		if (left <= 0)
			return -ENOMEDIUM;
	}
}

static void pcsc_disconnect(void *priv)
{
	struct pcsc *p = priv;

	if (!p)
		return;
	if (p->have_card)
		SCardDisconnect(p->card, SCARD_LEAVE_CARD);
	if (p->have_ctx)
		SCardReleaseContext(p->ctx);
	free(p);
}

/* Context, reader, connection and ATR: one context for the connection's life. */
static int pcsc_connect(void **priv, const struct uicc_config *cfg, uint8_t *atr, size_t *atr_len,
			char *reader_name, size_t reader_name_size)
{
	uint8_t a[MAX_ATR_SIZE];
	DWORD state, proto, nlen = 0, alen = sizeof(a);
	char want[128] = "";
	struct pcsc *p;
	LONG rv;
	int r;

	*priv = NULL;
	if (cfg->reader && util_strlcpy(want, cfg->reader, sizeof(want)) < 0)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->timeout_ms = cfg->timeout_ms;
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p->ctx);
	if (rv != SCARD_S_SUCCESS) {
		r = pcsc_errno("SCardEstablishContext", rv);
		goto fail;
	}
	p->have_ctx = true;
	r = pick_reader(p, want, reader_name, reader_name_size);
	if (r < 0)
		goto fail;
	/* Shared: the daemon and `mcmigctl card` may use the card side by side. */
	rv = SCardConnect(p->ctx, reader_name, SCARD_SHARE_SHARED,
			  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &p->card, &p->protocol);
	if (rv != SCARD_S_SUCCESS) {
		r = pcsc_errno("SCardConnect", rv);
		goto fail;
	}
	p->have_card = true;
	rv = SCardStatus(p->card, NULL, &nlen, &state, &proto, a, &alen);
	if (rv != SCARD_S_SUCCESS) {
		r = pcsc_errno("SCardStatus", rv);
		goto fail;
	}
	if (alen > *atr_len) {
		r = -EBADMSG;
		goto fail;
	}
	memcpy(atr, a, alen);
	*atr_len = alen;
	*priv = p;
	return 0;
fail:
	pcsc_disconnect(p);
	return r;
}

static int pcsc_transmit(void *priv, const uint8_t *capdu, size_t clen, uint8_t *rapdu,
			 size_t *rlen)
{
	struct pcsc *p = priv;
	DWORD n = (DWORD)*rlen;
	LONG rv;

	rv = SCardTransmit(p->card, p->protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1,
			   capdu, (DWORD)clen, NULL, rapdu, &n);
	if (rv == SCARD_E_PROTO_MISMATCH || rv == SCARD_W_RESET_CARD) {
		/*
		 * pcscd checks both before the APDU goes out (winscard.c,
		 * SCardTransmit): the card was reset since this handle connected.
		 * pcscd itself resets it when a client dies inside a transaction
		 * (winscard_svc.c, MSGRemoveContext), and a handle that connected
		 * during that reset kept the protocol the reset then unset:
		 * SCARD_E_PROTO_MISMATCH on every transmit until it reconnects.
		 * Nothing reached the card, so uicc.c reconnects, selects again
		 * and resends the command once.
		 */
		fprintf(stderr,
			"uicc-pcsc: SCardTransmit: %s (0x%08lx): the card was reset under this "
			"connection, the command was not sent; reconnecting\n",
			pcsc_stringify_error(rv), (unsigned long)rv);
		return -ECONNRESET;
	}
	if (rv != SCARD_S_SUCCESS)
		return pcsc_errno("SCardTransmit", rv);
	*rlen = n;
	return 0;
}

static int pcsc_begin(void *priv)
{
	struct pcsc *p = priv;
	LONG rv = SCardBeginTransaction(p->card);

	return rv == SCARD_S_SUCCESS ? 0 : pcsc_errno("SCardBeginTransaction", rv);
}

static void pcsc_end(void *priv)
{
	struct pcsc *p = priv;

	SCardEndTransaction(p->card, SCARD_LEAVE_CARD);
}

const struct uicc_reader_ops uicc_pcsc_ops = {
	.name = "pcsc",
	.connect = pcsc_connect,
	.transmit = pcsc_transmit,
	.begin = pcsc_begin,
	.end = pcsc_end,
	.disconnect = pcsc_disconnect,
};
