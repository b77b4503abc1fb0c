// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Card adapter: a one-thread GThreadPool runs the blocking UICC calls; each
 * finished job is handed back to the owner's main context through an idle
 * source. Every job is on c->jobs from submission until its callback ran, so
 * card_free() can complete the unfinished ones with -ECANCELED (exactly once).
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "card.h"
#include "util.h"

enum job_kind {
	JOB_INFO,
	JOB_AUTH,
};

struct job {
	struct card *card;
	enum job_kind kind;
	uint8_t rand[UICC_RAND_LEN];
	uint8_t autn[UICC_AUTN_LEN];
	card_info_cb info_cb;
	sipreg_aka_cb auth_cb;
	void *user_data;
	/* Filled by the worker. */
	int err;
	uint16_t sw;
	struct uicc_info info;
	struct uicc_auth_result res; /* secrets: wiped when the job ends */
	GSource *done;
};

struct card {
	const struct card_backend *b;
	void *arg;
	void *h; /* the open card; worker thread only */
	GThreadPool *pool;
	GMainContext *ctx;
	GMutex lock; /* jobs, and each job's done source */
	GList *jobs;
};

static void job_free(struct job *j)
{
	util_wipe(&j->res, sizeof(j->res));
	if (j->done) {
		g_source_destroy(j->done);
		g_source_unref(j->done);
	}
	g_free(j);
}

static void job_callback(struct job *j, int err)
{
	switch (j->kind) {
	case JOB_INFO:
		j->info_cb(err, err ? NULL : &j->info, j->user_data);
		break;
	case JOB_AUTH:
		j->auth_cb(err, err ? NULL : &j->res, j->sw, j->user_data);
		break;
	}
}

/* Main loop: the job's result. */
static gboolean on_job_done(gpointer data)
{
	struct job *j = data;
	struct card *c = j->card;

	g_mutex_lock(&c->lock);
	c->jobs = g_list_remove(c->jobs, j);
	g_mutex_unlock(&c->lock);
	job_callback(j, j->err);
	job_free(j);
	return G_SOURCE_REMOVE;
}

/* Worker thread. */
static void run_job(gpointer data, gpointer user_data)
{
	struct job *j = data;
	struct card *c = user_data;
	GSource *src;

	if (!c->h) {
		j->err = c->b->open(&c->h, c->arg);
		if (j->err < 0)
			c->h = NULL;
	}
	if (c->h) {
		switch (j->kind) {
		case JOB_INFO:
			j->err = c->b->read_info(c->h, &j->info);
			break;
		case JOB_AUTH:
			j->err = c->b->authenticate(c->h, j->rand, j->autn, &j->res, &j->sw);
			break;
		}
	}
	util_wipe(j->rand, sizeof(j->rand));
	util_wipe(j->autn, sizeof(j->autn));
	src = g_idle_source_new();
	g_source_set_callback(src, on_job_done, j, NULL);
	g_mutex_lock(&c->lock);
	j->done = src;
	g_source_attach(src, c->ctx);
	g_mutex_unlock(&c->lock);
}

static void submit(struct card *c, struct job *j)
{
	j->card = c;
	g_mutex_lock(&c->lock);
	c->jobs = g_list_append(c->jobs, j);
	g_mutex_unlock(&c->lock);
	/* Cannot fail for a non-exclusive pool: threads are created on demand. */
	g_thread_pool_push(c->pool, j, NULL);
}

int card_new_backend(struct card **out, const struct card_backend *b, void *arg)
{
	struct card *c;
	GError *error = NULL;

	if (!out || !b || !b->open || !b->read_info || !b->authenticate || !b->close ||
	    !b->strerror)
		return -EINVAL;
	c = g_new0(struct card, 1);
	c->b = b;
	c->arg = arg;
	c->ctx = g_main_context_ref_thread_default();
	g_mutex_init(&c->lock);
	c->pool = g_thread_pool_new(run_job, c, 1, FALSE, &error);
	if (!c->pool) {
		g_error_free(error);
		g_main_context_unref(c->ctx);
		g_mutex_clear(&c->lock);
		g_free(c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}

void card_free(struct card *c)
{
	GList *l;

	if (!c)
		return;
	/* Drops queued jobs, waits for the one running (bounded by the UICC timeout). */
	g_thread_pool_free(c->pool, TRUE, TRUE);
	/* The worker is gone: no lock needed from here on. */
	for (l = c->jobs; l; l = l->next) {
		struct job *j = l->data;

		job_callback(j, -ECANCELED);
		job_free(j);
	}
	g_list_free(c->jobs);
	if (c->h)
		c->b->close(c->h);
	if (c->b->release)
		c->b->release(c->arg);
	g_main_context_unref(c->ctx);
	g_mutex_clear(&c->lock);
	g_free(c);
}

void card_read_info(struct card *c, card_info_cb cb, void *user_data)
{
	struct job *j = g_new0(struct job, 1);

	j->kind = JOB_INFO;
	j->info_cb = cb;
	j->user_data = user_data;
	submit(c, j);
}

void card_authenticate(struct card *c, const uint8_t rand[UICC_RAND_LEN],
		       const uint8_t autn[UICC_AUTN_LEN], sipreg_aka_cb cb, void *user_data)
{
	struct job *j = g_new0(struct job, 1);

	j->kind = JOB_AUTH;
	memcpy(j->rand, rand, UICC_RAND_LEN);
	memcpy(j->autn, autn, UICC_AUTN_LEN);
	j->auth_cb = cb;
	j->user_data = user_data;
	submit(c, j);
}

static void aka_authenticate(void *ctx, const uint8_t rand[UICC_RAND_LEN],
			     const uint8_t autn[UICC_AUTN_LEN], sipreg_aka_cb cb, void *user_data)
{
	card_authenticate(ctx, rand, autn, cb, user_data);
}

/* ECANCELED is ours (card_free); the rest is the backend's. */
static const char *aka_strerror(void *ctx, int err)
{
	struct card *c = ctx;

	if (err == -ECANCELED)
		return "card access cancelled";
	return c->b->strerror(err);
}

const struct sipreg_aka_ops card_aka_ops = {
	.authenticate = aka_authenticate,
	.strerror = aka_strerror,
};
