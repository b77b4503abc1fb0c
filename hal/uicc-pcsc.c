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
 * Bounds: pcsc-lite has no timeout for SCardConnect, SCardTransmit or
 * SCardBeginTransaction (they wait for a busy reader, a slow card, another
 * client's transaction). Each therefore runs on a short-lived thread that
 * the caller waits for at most the configured bound; past it the caller gets
 * -ETIMEDOUT and the thread inherits the connection, which it closes once the
 * call returns (the context's lock is held by the pending call meanwhile).
 */
#include <errno.h>
#include <pthread.h>
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
	bool orphaned; /* ctx and card now belong to a timed-out call's thread */
};

enum pcsc_call { PCSC_CALL_CONNECT, PCSC_CALL_TRANSMIT, PCSC_CALL_BEGIN };

/* One blocking call, shared by the caller and its thread (two references). */
struct pcsc_job {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int refs;
	bool done;
	bool inherit; /* the caller gave up: the thread closes the connection */
	enum pcsc_call call;
	struct pcsc *p;	  /* CONNECT: the new connection */
	SCARDCONTEXT ctx; /* TRANSMIT, BEGIN: copies, for closing when inherited */
	SCARDHANDLE card;
	const SCARD_IO_REQUEST *pci;
	uint8_t capdu[261];
	DWORD clen;
	uint8_t rapdu[258];
	DWORD rlen;
	char want[128];
	char name[128];
	uint8_t atr[MAX_ATR_SIZE];
	DWORD atr_len;
	int err; /* 0 or -errno, already translated and logged */
};

static void job_put(struct pcsc_job *j)
{
	bool last;

	pthread_mutex_lock(&j->lock);
	last = --j->refs == 0;
	pthread_mutex_unlock(&j->lock);
	if (!last)
		return;
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->cond);
	util_wipe(j, sizeof(*j));
	free(j);
}

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

static void pcsc_close(struct pcsc *p)
{
	if (p->have_card)
		SCardDisconnect(p->card, SCARD_LEAVE_CARD);
	if (p->have_ctx)
		SCardReleaseContext(p->ctx);
	free(p);
}

/* Context, reader, connection and ATR: everything SCardConnect needs. */
static int connect_work(struct pcsc_job *j)
{
	struct pcsc *p = j->p;
	DWORD state, proto, nlen = 0;
	LONG rv;
	int r;

	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p->ctx);
	if (rv != SCARD_S_SUCCESS)
		return pcsc_errno("SCardEstablishContext", rv);
	p->have_ctx = true;
	r = pick_reader(p, j->want, j->name, sizeof(j->name));
	if (r < 0)
		return r;
	/* Shared: the daemon and `mcmigctl card` may use the card side by side. */
	rv = SCardConnect(p->ctx, j->name, SCARD_SHARE_SHARED,
			  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &p->card, &p->protocol);
	if (rv != SCARD_S_SUCCESS)
		return pcsc_errno("SCardConnect", rv);
	p->have_card = true;
	j->atr_len = sizeof(j->atr);
	rv = SCardStatus(p->card, NULL, &nlen, &state, &proto, j->atr, &j->atr_len);
	if (rv != SCARD_S_SUCCESS)
		return pcsc_errno("SCardStatus", rv);
	return 0;
}

static void *job_thread(void *arg)
{
	struct pcsc_job *j = arg;
	LONG rv = SCARD_S_SUCCESS;
	bool inherit;
	int err = 0;

	switch (j->call) {
	case PCSC_CALL_CONNECT:
		err = connect_work(j);
		break;
	case PCSC_CALL_TRANSMIT:
		rv = SCardTransmit(j->card, j->pci, j->capdu, j->clen, NULL, j->rapdu, &j->rlen);
		if (rv != SCARD_S_SUCCESS)
			err = pcsc_errno("SCardTransmit", rv);
		break;
	case PCSC_CALL_BEGIN:
		rv = SCardBeginTransaction(j->card);
		if (rv != SCARD_S_SUCCESS)
			err = pcsc_errno("SCardBeginTransaction", rv);
		break;
	}
	pthread_mutex_lock(&j->lock);
	j->err = err;
	j->done = true;
	inherit = j->inherit;
	pthread_cond_signal(&j->cond);
	pthread_mutex_unlock(&j->lock);
	if (inherit) {
		switch (j->call) {
		case PCSC_CALL_CONNECT:
			pcsc_close(j->p);
			break;
		case PCSC_CALL_BEGIN:
		case PCSC_CALL_TRANSMIT:
			if (j->call == PCSC_CALL_BEGIN && rv == SCARD_S_SUCCESS)
				SCardEndTransaction(j->card, SCARD_LEAVE_CARD);
			SCardDisconnect(j->card, SCARD_LEAVE_CARD);
			SCardReleaseContext(j->ctx);
			break;
		}
	}
	job_put(j);
	return NULL;
}

/*
 * Runs @j on its own thread and waits for it at most @bound_ms. Returns the
 * call's result, or -ETIMEDOUT after handing the connection to the thread,
 * which closes it once the call returns.
 */
static int job_run(struct pcsc_job *j, unsigned int bound_ms)
{
	struct timespec deadline;
	pthread_condattr_t ca;
	pthread_attr_t attr;
	pthread_t tid;
	int r = 0;

	pthread_mutex_init(&j->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&j->cond, &ca);
	pthread_condattr_destroy(&ca);
	j->refs = 2;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&tid, &attr, job_thread, j) != 0) {
		pthread_attr_destroy(&attr);
		j->refs = 1; /* the caller's job_put() frees it */
		return -EAGAIN;
	}
	pthread_attr_destroy(&attr);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += bound_ms / 1000;
	deadline.tv_nsec += (long)(bound_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&j->lock);
	while (!j->done && r == 0)
		r = pthread_cond_timedwait(&j->cond, &j->lock, &deadline);
	if (j->done) {
		r = j->err;
	} else {
		j->inherit = true;
		r = -ETIMEDOUT;
	}
	pthread_mutex_unlock(&j->lock);
	return r;
}

static struct pcsc_job *job_new(enum pcsc_call call, struct pcsc *p)
{
	struct pcsc_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->call = call;
	j->p = p;
	if (call != PCSC_CALL_CONNECT) {
		j->ctx = p->ctx;
		j->card = p->card;
	}
	return j;
}

static void pcsc_disconnect(void *priv)
{
	struct pcsc *p = priv;

	if (!p)
		return;
	if (p->orphaned)
		free(p);
	else
		pcsc_close(p);
}

static int pcsc_connect(void **priv, const struct uicc_config *cfg, uint8_t *atr, size_t *atr_len,
			char *reader_name, size_t reader_name_size)
{
	struct pcsc_job *j;
	struct pcsc *p;
	int r;

	*priv = NULL;
	p = calloc(1, sizeof(*p));
	j = job_new(PCSC_CALL_CONNECT, p);
	if (!p || !j) {
		free(p);
		free(j);
		return -ENOMEM;
	}
	p->timeout_ms = cfg->timeout_ms;
	if (cfg->reader && util_strlcpy(j->want, cfg->reader, sizeof(j->want)) < 0) {
		free(p);
		free(j);
		return -EINVAL;
	}
	/* The card wait inside is bounded by timeout_ms; the rest gets 500 ms more. */
	r = job_run(j, cfg->timeout_ms + 500);
	if (r == -ETIMEDOUT) {
		fprintf(stderr, "uicc-pcsc: no connection within %u ms\n", cfg->timeout_ms + 500);
		job_put(j); /* the thread owns p now */
		return r;
	}
	if (r == 0 && j->atr_len > *atr_len)
		r = -EBADMSG;
	if (r == 0)
		r = util_strlcpy(reader_name, j->name, reader_name_size);
	if (r < 0) {
		pcsc_close(p);
		job_put(j);
		return r;
	}
	memcpy(atr, j->atr, j->atr_len);
	*atr_len = j->atr_len;
	job_put(j);
	*priv = p;
	return 0;
}

static int pcsc_transmit(void *priv, const uint8_t *capdu, size_t clen, uint8_t *rapdu,
			 size_t *rlen)
{
	struct pcsc *p = priv;
	struct pcsc_job *j;
	int r;

	if (clen > sizeof(j->capdu))
		return -EINVAL;
	j = job_new(PCSC_CALL_TRANSMIT, p);
	if (!j)
		return -ENOMEM;
	j->pci = p->protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
	memcpy(j->capdu, capdu, clen);
	j->clen = (DWORD)clen;
	j->rlen = (DWORD)(*rlen < sizeof(j->rapdu) ? *rlen : sizeof(j->rapdu));
	r = job_run(j, p->timeout_ms);
	if (r == 0) {
		memcpy(rapdu, j->rapdu, j->rlen);
		*rlen = j->rlen;
	} else if (r == -ETIMEDOUT) {
		p->orphaned = true;
		fprintf(stderr, "uicc-pcsc: SCardTransmit: no answer within %u ms\n",
			p->timeout_ms);
	}
	job_put(j);
	return r;
}

static int pcsc_begin(void *priv)
{
	struct pcsc *p = priv;
	struct pcsc_job *j = job_new(PCSC_CALL_BEGIN, p);
	int r;

	if (!j)
		return -ENOMEM;
	r = job_run(j, p->timeout_ms);
	if (r == -ETIMEDOUT) {
		p->orphaned = true;
		fprintf(stderr, "uicc-pcsc: SCardBeginTransaction: card busy for %u ms\n",
			p->timeout_ms);
	}
	job_put(j);
	return r;
}

static void pcsc_end(void *priv)
{
	struct pcsc *p = priv;

	/* After a timeout the connection is the pending call's to end. */
	if (!p->orphaned)
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
