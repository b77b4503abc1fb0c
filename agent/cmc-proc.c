// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One run of mcmig-cmc per fetch (agent/cmc-proc.h), through GSubprocess on
 * the main loop: the request document goes to its standard input, its
 * standard output comes back whole once it has exited (agent/cmc-result.h).
 * Its standard error is mcmigd's (the journal).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib.h>

#include "cmc-proc.h"
#include "cmc-result.h"
#include "util.h"

/* One helper run; outlives a cancel until GIO reports the run over. */
struct cmc_run {
	struct cmc_proc *p; /* NULL once cancelled */
	GSubprocess *sp;
	GCancellable *cancel;
};

struct cmc_proc {
	GPtrArray *argv; /* the helper and its options, NULL-terminated */
	struct cmc_run *run;
	guint fail_id; /* a helper that could not start, reported from the loop */
	char fail_reason[CMC_RESULT_REASON_MAX];
	cmc_done_cb cb;
	void *user_data;
};

static void add_opt(GPtrArray *a, const char *name, const char *value)
{
	if (!value || !value[0])
		return;
	g_ptr_array_add(a, g_strdup(name));
	g_ptr_array_add(a, g_strdup(value));
}

static void add_uint(GPtrArray *a, const char *name, unsigned int v)
{
	if (!v)
		return;
	g_ptr_array_add(a, g_strdup(name));
	g_ptr_array_add(a, g_strdup_printf("%u", v));
}

int cmc_proc_new(struct cmc_proc **out, const char *helper, const struct cmc_config *cfg)
{
	struct cmc_proc *p;
	GPtrArray *a;

	*out = NULL;
	if (!cfg->url || g_ascii_strncasecmp(cfg->url, "https://", 8) != 0)
		return -EINVAL; /* TLS always */
	a = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(a, g_strdup(helper));
	add_opt(a, "--url", cfg->url);
	add_opt(a, "--ca-file", cfg->ca_file);
	add_opt(a, "--token-file", cfg->token_file);
	add_uint(a, "--connect-timeout-ms", cfg->connect_timeout_ms);
	add_uint(a, "--timeout-ms", cfg->total_timeout_ms);
	add_uint(a, "--max-attempts", cfg->max_attempts);
	add_uint(a, "--backoff-initial-ms", cfg->backoff_initial_ms);
	add_uint(a, "--backoff-max-ms", cfg->backoff_max_ms);
	g_ptr_array_add(a, NULL);
	p = g_new0(struct cmc_proc, 1);
	p->argv = a;
	*out = p;
	return 0;
}

static void finish(struct cmc_proc *p, int err, const char *reason,
		   const struct partner_config *cfg)
{
	cmc_done_cb cb = p->cb;

	p->cb = NULL;
	if (cb)
		cb(err, reason, cfg, p->user_data);
}

static void run_free(struct cmc_run *r)
{
	g_object_unref(r->sp);
	g_object_unref(r->cancel);
	g_free(r);
}

/* The helper's exit and output, as the callback's error and reason. */
static void run_result(struct cmc_proc *p, GSubprocess *sp, GBytes *out)
{
	char reason[CMC_RESULT_REASON_MAX];
	struct partner_config cfg;
	const uint8_t *data;
	gsize len = 0;
	int err, ret;

	data = g_bytes_get_data(out, &len);
	if (g_subprocess_get_if_signaled(sp)) {
		snprintf(reason, sizeof(reason), "configuration helper killed by signal %d",
			 g_subprocess_get_term_sig(sp));
		finish(p, -EPROTO, reason, NULL);
		return;
	}
	if (g_subprocess_get_exit_status(sp) != 0) {
		snprintf(reason, sizeof(reason), "configuration helper %s exited with status %d",
			 (const char *)p->argv->pdata[0], g_subprocess_get_exit_status(sp));
		finish(p, -EPROTO, reason, NULL);
		return;
	}
	ret = cmc_result_parse(data, len, &err, reason, sizeof(reason), &cfg);
	if (ret < 0)
		err = ret;
	finish(p, err, reason, err == 0 ? &cfg : NULL);
	partner_config_clear(&cfg);
}

static void run_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct cmc_run *r = data;
	struct cmc_proc *p = r->p;
	g_autoptr(GError) error = NULL;
	GBytes *out = NULL;
	gsize len = 0;
	gpointer buf;
	char reason[CMC_RESULT_REASON_MAX];

	if (!g_subprocess_communicate_finish(r->sp, res, &out, NULL, &error)) {
		if (p) {
			p->run = NULL;
			snprintf(reason, sizeof(reason), "configuration helper: %s",
				 error->message);
			finish(p, -EIO, reason, NULL);
		}
	} else if (p) {
		p->run = NULL;
		run_result(p, r->sp, out);
	}
	if (out) {
		/* The record holds the PAP/CHAP password. */
		buf = g_bytes_unref_to_data(out, &len);
		util_wipe(buf, len);
		g_free(buf);
	}
	run_free(r);
}

static gboolean report_fail(gpointer data)
{
	struct cmc_proc *p = data;

	p->fail_id = 0;
	finish(p, -ENOENT, p->fail_reason, NULL);
	return G_SOURCE_REMOVE;
}

int cmc_proc_fetch(struct cmc_proc *p, const struct cmc_request *req, cmc_done_cb cb,
		   void *user_data)
{
	g_autoptr(GError) error = NULL;
	struct cmc_run *r;
	GSubprocess *sp;
	GBytes *in;
	char *body;
	size_t len;
	int ret;

	if (p->run || p->fail_id)
		return -EBUSY;
	ret = cmc_xml_build_request(req, &body, &len);
	if (ret < 0)
		return ret;
	p->cb = cb;
	p->user_data = user_data;
	sp = g_subprocess_newv((const gchar *const *)p->argv->pdata,
			       G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
			       &error);
	if (!sp) {
		free(body);
		snprintf(p->fail_reason, sizeof(p->fail_reason), "configuration helper %s: %s",
			 (const char *)p->argv->pdata[0], error->message);
		p->fail_id = g_idle_add(report_fail, p);
		return 0;
	}
	in = g_bytes_new_with_free_func(body, len, free, body);
	r = g_new0(struct cmc_run, 1);
	r->p = p;
	r->sp = sp;
	r->cancel = g_cancellable_new();
	p->run = r;
	g_subprocess_communicate_async(sp, in, r->cancel, run_done, r);
	g_bytes_unref(in);
	return 0;
}

void cmc_proc_cancel(struct cmc_proc *p)
{
	if (!p)
		return;
	if (p->fail_id) {
		g_source_remove(p->fail_id);
		p->fail_id = 0;
	} else if (p->run) {
		p->run->p = NULL;
		g_cancellable_cancel(p->run->cancel);
		g_subprocess_force_exit(p->run->sp);
		p->run = NULL;
	} else {
		return;
	}
	finish(p, -ECANCELED, "cancelled", NULL);
}

void cmc_proc_free(struct cmc_proc *p)
{
	if (!p)
		return;
	cmc_proc_cancel(p);
	g_ptr_array_unref(p->argv);
	g_free(p);
}
