// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The card worker. The main loop's side (struct card) queues requests and
 * hands them to the worker one at a time; the worker thread (struct worker)
 * opens the card at its first request, keeps it open and runs uicc_*() for
 * each request; its result is posted back as one source on the card's main
 * context.
 *
 * Giving up: PC/SC cannot be interrupted in SCardTransmit (hal/uicc-pcsc.c).
 * When a request overruns card_timeout_ms() the card completes it with
 * -ETIMEDOUT and abandons the worker: the thread finishes the call, frees
 * the request, closes the card and ends on its own. The next request starts
 * a new worker, which connects afresh. card_free() does the same with a
 * worker still busy, and joins an idle one.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "card.h"
#include "util.h"

/*
 * The card bound B (uicc_config.timeout_ms, mcmig.conf [card] timeout-ms,
 * default 5 s) is how long we wait for a card in the reader, and what a
 * person allows one exchange. A request may have to do both: reconnect
 * after the card was reset or removed (the wait for the card, <= B, inside
 * the reader backend), then run its exchanges. A healthy card answers an
 * APDU in milliseconds (TS 102 221 leaves the card's processing time open;
 * the AUTHENTICATE with its GET RESPONSE under T=0, TS 102 221 7.3.1.1.4, is
 * the longest), so B covers all of a request's exchanges; a card that needs
 * more is stalled, not slow. Hence the one bound on a request, from its
 * handoff to the worker to its result: 2 * B (10 s by default).
 */
#define CARD_TIMEOUT_FACTOR   2
#define CARD_BOUND_DEFAULT_MS 5000

enum req_kind {
	REQ_INFO,
	REQ_AUTH,
};

/* Who gets the answer: written on the main thread only (the worker reads kind). */
struct req_to {
	enum req_kind kind;
	card_info_cb info_cb;
	card_auth_cb auth_cb;
	void *user_data;
	bool cancelled; /* the owner went away */
};

struct req {
	struct card *card;
	unsigned int id;
	struct req_to to;
	uint8_t rand[UICC_RAND_LEN];
	uint8_t autn[UICC_AUTN_LEN];
	/* Filled by the worker. */
	int err;
	uint16_t sw;
	struct card_times times;
	struct uicc_info info;
	struct uicc_auth_result res; /* secrets: wiped when the request is freed */
	GSource *done;		     /* the result's way back */
};

/*
 * The owner's channel_event (hal/uicc.h), shared by the card and every worker
 * it started, abandoned ones included: card_free() cuts it, so that a worker
 * that finishes later never calls into an owner that is gone.
 */
struct relay {
	GMutex lock;
	int refs;
	void (*event)(void *ctx, unsigned int channel, bool open);
	void *ctx;
};

/* Shared by the card and its thread: two references. */
struct worker {
	GMutex lock;
	GCond cond;
	int refs;
	struct req *req; /* handed over and not yet answered */
	bool stop;	 /* end once idle */
	bool abandoned;	 /* the card gave up on req: the thread frees it */
	GMainContext *ctx;
	const struct uicc_reader_ops *reader;
	struct uicc_config cfg;
	char reader_name[128];
	struct uicc *u; /* thread only */
	GThread *thread;
	struct relay *relay;
};

struct card {
	const struct uicc_reader_ops *reader;
	struct uicc_config cfg;
	char reader_name[128];
	GMainContext *ctx;
	struct relay *relay;
	struct worker *w; /* NULL until the first request, and after giving up on one */
	struct req *busy; /* with the worker */
	GQueue queue;	  /* waiting for the worker */
	GSource *timer;	  /* card_timeout_ms() on busy */
	unsigned int next_id;
};

static void req_free(struct req *r)
{
	if (r->done) {
		g_source_destroy(r->done);
		g_source_unref(r->done);
	}
	util_wipe(r, sizeof(*r));
	g_free(r);
}

/* An error: no result, no card times. */
static void complete_err(const struct req_to *to, int err)
{
	static const struct card_times none;

	if (to->cancelled)
		return;
	switch (to->kind) {
	case REQ_INFO:
		to->info_cb(err, NULL, to->user_data);
		break;
	case REQ_AUTH:
		to->auth_cb(err, NULL, 0, &none, to->user_data);
		break;
	}
}

static void complete(struct req *r)
{
	if (r->to.cancelled)
		return;
	switch (r->to.kind) {
	case REQ_INFO:
		/* On an error the info is what was read: failed_ef names the
		 * mandatory EF that failed (NULL when the card never opened). */
		r->to.info_cb(r->err, &r->info, r->to.user_data);
		break;
	case REQ_AUTH:
		/* The card's times stand on errors too: they were spent. */
		r->to.auth_cb(r->err, r->err ? NULL : &r->res, r->sw, &r->times, r->to.user_data);
		break;
	}
}

static void relay_event(void *data, unsigned int channel, bool open)
{
	struct relay *rl = data;

	g_mutex_lock(&rl->lock);
	if (rl->event)
		rl->event(rl->ctx, channel, open);
	g_mutex_unlock(&rl->lock);
}

static struct relay *relay_ref(struct relay *rl)
{
	g_mutex_lock(&rl->lock);
	rl->refs++;
	g_mutex_unlock(&rl->lock);
	return rl;
}

static void relay_unref(struct relay *rl)
{
	bool last;

	g_mutex_lock(&rl->lock);
	last = --rl->refs == 0;
	g_mutex_unlock(&rl->lock);
	if (!last)
		return;
	g_mutex_clear(&rl->lock);
	g_free(rl);
}

static void worker_unref(struct worker *w)
{
	bool last;

	g_mutex_lock(&w->lock);
	last = --w->refs == 0;
	g_mutex_unlock(&w->lock);
	if (!last)
		return;
	g_mutex_clear(&w->lock);
	g_cond_clear(&w->cond);
	g_main_context_unref(w->ctx);
	relay_unref(w->relay);
	g_free(w);
}

static gboolean on_req_done(gpointer data);

/*
 * Worker thread: one request, the card opened first when it is not. The
 * card's time runs from the first transmit of the request (of the ISIM's
 * selection when the card is opened for it) to the return of its last.
 */
static void run(struct worker *w, struct req *r)
{
	int64_t open_start = 0, open_end = 0;

	if (!w->u) {
		r->err = uicc_open(&w->u, w->reader, &w->cfg);
		if (w->u)
			uicc_exchange_times(w->u, &open_start, &open_end);
	}
	if (w->u) {
		switch (r->to.kind) {
		case REQ_INFO:
			r->err = uicc_read_info(w->u, &r->info);
			break;
		case REQ_AUTH:
			r->err = uicc_authenticate(w->u, r->rand, r->autn, &r->res, &r->sw);
			break;
		}
		uicc_exchange_times(w->u, &r->times.start_us, &r->times.end_us);
		if (open_start)
			r->times.start_us = open_start;
		if (!r->times.end_us)
			r->times.end_us = open_end;
	}
	util_wipe(r->rand, sizeof(r->rand));
	util_wipe(r->autn, sizeof(r->autn));
}

static gpointer worker_main(gpointer data)
{
	struct worker *w = data;
	struct req *r;

	g_mutex_lock(&w->lock);
	for (;;) {
		while (!w->req && !w->stop)
			g_cond_wait(&w->cond, &w->lock);
		if (!w->req)
			break;
		r = w->req;
		g_mutex_unlock(&w->lock);
		run(w, r);
		g_mutex_lock(&w->lock);
		w->req = NULL;
		if (w->abandoned) {
			req_free(r);
			break;
		}
		/* The one handoff back, at the loop's default priority (not idle). */
		r->done = g_idle_source_new();
		g_source_set_priority(r->done, G_PRIORITY_DEFAULT);
		g_source_set_callback(r->done, on_req_done, r, NULL);
		g_source_attach(r->done, w->ctx);
	}
	g_mutex_unlock(&w->lock);
	uicc_close(w->u);
	w->u = NULL;
	worker_unref(w);
	return NULL;
}

static struct worker *worker_new(struct card *c)
{
	struct worker *w = g_new0(struct worker, 1);
	GError *error = NULL;

	g_mutex_init(&w->lock);
	g_cond_init(&w->cond);
	w->refs = 2;
	w->ctx = g_main_context_ref(c->ctx);
	w->relay = relay_ref(c->relay);
	w->reader = c->reader;
	w->cfg = c->cfg;
	memcpy(w->reader_name, c->reader_name, sizeof(w->reader_name));
	w->cfg.reader = w->reader_name;
	w->thread = g_thread_try_new("card", worker_main, w, &error);
	if (!w->thread) {
		g_error_free(error);
		w->refs = 1;
		worker_unref(w);
		return NULL;
	}
	return w;
}

/*
 * Gives up on @w's request: the thread frees it once the call returns, then
 * closes the card and ends. Returns false when the request is answered
 * already (its result is on the way back; nothing was given up).
 */
static bool worker_abandon(struct worker *w)
{
	bool running;

	g_mutex_lock(&w->lock);
	running = w->req != NULL;
	if (running) {
		w->abandoned = true;
		w->stop = true;
	}
	g_mutex_unlock(&w->lock);
	if (!running)
		return false;
	g_thread_unref(w->thread);
	worker_unref(w);
	return true;
}

/* An idle worker: it closes the card and ends; bounded by one exchange (closing the channel). */
static void worker_stop(struct worker *w)
{
	g_mutex_lock(&w->lock);
	w->stop = true;
	g_cond_signal(&w->cond);
	g_mutex_unlock(&w->lock);
	g_thread_join(w->thread);
	worker_unref(w);
}

static void stop_timer(struct card *c)
{
	if (c->timer) {
		g_source_destroy(c->timer);
		g_source_unref(c->timer);
		c->timer = NULL;
	}
}

static gboolean on_timeout(gpointer data);

/* Hands the next queued request to the worker, starting one when needed. */
static void kick(struct card *c)
{
	struct req *r;

	if (c->busy || g_queue_is_empty(&c->queue))
		return;
	r = g_queue_pop_head(&c->queue);
	c->busy = r;
	if (!c->w)
		c->w = worker_new(c);
	if (!c->w) {
		/* No thread: the request fails, from the loop as always. */
		r->err = -EAGAIN;
		r->done = g_idle_source_new();
		g_source_set_callback(r->done, on_req_done, r, NULL);
		g_source_attach(r->done, c->ctx);
		return;
	}
	/*
	 * The journal's stale channels are closed by the first worker only: a
	 * later one could close a channel an abandoned worker still holds,
	 * since the card gives a freed number out again.
	 */
	c->cfg.stale_channels = 0;
	c->timer = g_timeout_source_new(card_timeout_ms(c));
	g_source_set_callback(c->timer, on_timeout, c, NULL);
	g_source_attach(c->timer, c->ctx);
	g_mutex_lock(&c->w->lock);
	c->w->req = r;
	g_cond_signal(&c->w->cond);
	g_mutex_unlock(&c->w->lock);
}

/* Main loop: a result is back. The next request goes out before this one's callback. */
static gboolean on_req_done(gpointer data)
{
	struct req *r = data;
	struct card *c = r->card;

	stop_timer(c);
	c->busy = NULL;
	kick(c);
	complete(r);
	req_free(r);
	return G_SOURCE_REMOVE;
}

/* Main loop: the busy request overran its bound. */
static gboolean on_timeout(gpointer data)
{
	struct card *c = data;
	struct req_to to = c->busy->to; /* the thread may free the request once abandoned */

	g_source_unref(c->timer);
	c->timer = NULL;
	if (!worker_abandon(c->w))
		return G_SOURCE_REMOVE; /* answered meanwhile: on_req_done is on its way */
	c->w = NULL;
	c->busy = NULL;
	kick(c);
	complete_err(&to, -ETIMEDOUT);
	return G_SOURCE_REMOVE;
}

unsigned int card_timeout_ms(const struct card *c)
{
	return CARD_TIMEOUT_FACTOR * c->cfg.timeout_ms;
}

int card_new(struct card **out, const struct uicc_reader_ops *reader, const struct uicc_config *cfg)
{
	struct card *c;

	if (!out || !reader || !cfg)
		return -EINVAL;
	c = g_new0(struct card, 1);
	c->reader = reader;
	c->cfg = *cfg;
	if (!c->cfg.timeout_ms)
		c->cfg.timeout_ms = CARD_BOUND_DEFAULT_MS;
	if (cfg->reader && g_strlcpy(c->reader_name, cfg->reader, sizeof(c->reader_name)) >=
				   sizeof(c->reader_name)) {
		g_free(c);
		return -EINVAL;
	}
	c->cfg.reader = c->reader_name;
	c->relay = g_new0(struct relay, 1);
	g_mutex_init(&c->relay->lock);
	c->relay->refs = 1;
	c->relay->event = cfg->channel_event;
	c->relay->ctx = cfg->channel_ctx;
	c->cfg.channel_event = relay_event;
	c->cfg.channel_ctx = c->relay;
	c->ctx = g_main_context_ref_thread_default();
	g_queue_init(&c->queue);
	*out = c;
	return 0;
}

void card_free(struct card *c)
{
	struct req *r;
	struct req_to to;

	if (!c)
		return;
	stop_timer(c);
	r = c->busy;
	if (r && c->w) {
		to = r->to;
		if (worker_abandon(c->w)) {
			c->w = NULL;
			complete_err(&to, -ECANCELED);
			r = NULL;
		}
	}
	/* Answered but not yet delivered, or failed without a worker. */
	if (r) {
		complete_err(&r->to, -ECANCELED);
		req_free(r);
	}
	while ((r = g_queue_pop_head(&c->queue))) {
		complete_err(&r->to, -ECANCELED);
		req_free(r);
	}
	if (c->w)
		worker_stop(c->w);
	/* After the join: an idle worker's channel, closed as it ended, was told. */
	g_mutex_lock(&c->relay->lock);
	c->relay->event = NULL;
	g_mutex_unlock(&c->relay->lock);
	relay_unref(c->relay);
	g_main_context_unref(c->ctx);
	g_free(c);
}

static struct req *submit(struct card *c, struct req *r)
{
	r->card = c;
	r->id = ++c->next_id ?: ++c->next_id;
	g_queue_push_tail(&c->queue, r);
	kick(c);
	return r;
}

unsigned int card_read_info(struct card *c, card_info_cb cb, void *user_data)
{
	struct req *r = g_new0(struct req, 1);

	r->to.kind = REQ_INFO;
	r->to.info_cb = cb;
	r->to.user_data = user_data;
	return submit(c, r)->id;
}

unsigned int card_authenticate(struct card *c, const uint8_t rand[UICC_RAND_LEN],
			       const uint8_t autn[UICC_AUTN_LEN], card_auth_cb cb, void *user_data)
{
	struct req *r = g_new0(struct req, 1);

	r->to.kind = REQ_AUTH;
	r->to.auth_cb = cb;
	r->to.user_data = user_data;
	memcpy(r->rand, rand, UICC_RAND_LEN);
	memcpy(r->autn, autn, UICC_AUTN_LEN);
	return submit(c, r)->id;
}

void card_cancel(struct card *c, unsigned int id)
{
	GList *l;

	if (c->busy && c->busy->id == id) {
		/* Running: the worker finishes it, nobody hears of it. */
		c->busy->to.cancelled = true;
		return;
	}
	for (l = c->queue.head; l; l = l->next) {
		struct req *r = l->data;

		if (r->id == id) {
			g_queue_delete_link(&c->queue, l);
			req_free(r);
			return;
		}
	}
}

const char *card_strerror(int err)
{
	/* ECANCELED is ours (card_free); the rest are the UICC layer's. */
	if (err == -ECANCELED)
		return "card access cancelled";
	return uicc_strerror(err);
}
