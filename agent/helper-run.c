// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A helper run (agent/helper-run.h) with g_subprocess_communicate_async(): the
 * run outlives a cancel until GIO reports it over, so that the input and
 * output buffers are released (and the output wiped) only then.
 */
#include <errno.h>
#include <stdio.h>

#include <gio/gio.h>
#include <glib.h>

#include "helper-run.h"
#include "util.h"

struct helper_run {
	GSubprocess *sp; /* NULL: could not start, reported from fail_id */
	GCancellable *cancel;
	guint fail_id;
	char *what;
	char *path;
	helper_run_done_fn done; /* NULL once cancelled */
	void *ctx;
	char reason[HELPER_RUN_REASON_MAX];
};

static void run_free(struct helper_run *r)
{
	if (r->sp)
		g_object_unref(r->sp);
	if (r->cancel)
		g_object_unref(r->cancel);
	g_free(r->what);
	g_free(r->path);
	g_free(r);
}

static void report(struct helper_run *r, int err, const uint8_t *out, size_t len)
{
	helper_run_done_fn done = r->done;

	r->done = NULL;
	if (done)
		done(r->ctx, err, err ? r->reason : NULL, out, len);
}

/* The helper's exit: 0 and its output, or why not. */
static void run_result(struct helper_run *r, GBytes *out)
{
	const uint8_t *data;
	gsize len = 0;

	if (g_subprocess_get_if_signaled(r->sp)) {
		snprintf(r->reason, sizeof(r->reason), "%s %s killed by signal %d", r->what,
			 r->path, g_subprocess_get_term_sig(r->sp));
		report(r, -EPROTO, NULL, 0);
		return;
	}
	if (g_subprocess_get_exit_status(r->sp) != 0) {
		snprintf(r->reason, sizeof(r->reason), "%s %s exited with status %d", r->what,
			 r->path, g_subprocess_get_exit_status(r->sp));
		report(r, -EPROTO, NULL, 0);
		return;
	}
	data = g_bytes_get_data(out, &len);
	report(r, 0, data, len);
}

static void run_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct helper_run *r = data;
	g_autoptr(GError) error = NULL;
	GBytes *out = NULL;
	gsize len = 0;
	gpointer buf;

	if (!g_subprocess_communicate_finish(r->sp, res, &out, NULL, &error)) {
		snprintf(r->reason, sizeof(r->reason), "%s: %s", r->what, error->message);
		report(r, -EIO, NULL, 0);
	} else {
		run_result(r, out);
	}
	if (out) {
		/* Tokens, the PAP/CHAP password: wiped whether reported or not. */
		buf = g_bytes_unref_to_data(out, &len);
		util_wipe(buf, len);
		g_free(buf);
	}
	run_free(r);
}

static gboolean report_fail(gpointer data)
{
	struct helper_run *r = data;

	r->fail_id = 0;
	report(r, -ENOENT, NULL, 0);
	run_free(r);
	return G_SOURCE_REMOVE;
}

struct helper_run *helper_run_start(const char *what, const char *const *argv, GBytes *in,
				    helper_run_done_fn done, void *ctx)
{
	g_autoptr(GError) error = NULL;
	struct helper_run *r;

	r = g_new0(struct helper_run, 1);
	r->what = g_strdup(what);
	r->path = g_strdup(argv[0]);
	r->done = done;
	r->ctx = ctx;
	r->sp = g_subprocess_newv(
		argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
	if (!r->sp) {
		snprintf(r->reason, sizeof(r->reason), "%s %s: %s", what, argv[0], error->message);
		r->fail_id = g_idle_add(report_fail, r);
	} else {
		r->cancel = g_cancellable_new();
		g_subprocess_communicate_async(r->sp, in, r->cancel, run_done, r);
	}
	return r;
}

GPtrArray *helper_run_argv(const char *helper, const struct helper_opt *opts, size_t n)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	size_t i;

	g_ptr_array_add(a, g_strdup(helper));
	for (i = 0; i < n; i++) {
		if (opts[i].value && opts[i].value[0]) {
			g_ptr_array_add(a, g_strdup(opts[i].name));
			g_ptr_array_add(a, g_strdup(opts[i].value));
		} else if (opts[i].num) {
			g_ptr_array_add(a, g_strdup(opts[i].name));
			g_ptr_array_add(a, g_strdup_printf("%u", opts[i].num));
		}
	}
	return a;
}

void helper_run_cancel(struct helper_run *r)
{
	if (!r)
		return;
	r->done = NULL;
	if (r->fail_id) {
		g_source_remove(r->fail_id);
		run_free(r);
		return;
	}
	/* run_done() still comes, and frees the run. */
	g_cancellable_cancel(r->cancel);
	g_subprocess_force_exit(r->sp);
}
