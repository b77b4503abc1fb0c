// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One run of mcmig-cmc per fetch (agent/cmc-proc.h, agent/helper-run.h): the
 * request document goes to its standard input, its standard output is the
 * outcome (agent/cmc-result.h).
 */
#include <errno.h>
#include <stdlib.h>

#include <glib.h>

#include "cmc-proc.h"
#include "cmc-result.h"
#include "helper-run.h"

struct cmc_proc {
	GPtrArray *argv; /* the helper and its options, NULL-terminated */
	struct helper_run *run;
	cmc_done_cb cb;
	void *user_data;
};

int cmc_proc_new(struct cmc_proc **out, const char *helper, const struct cmc_config *cfg)
{
	const struct helper_opt opts[] = {
		{ .name = "--url", .value = cfg->url },
		{ .name = "--ca-file", .value = cfg->ca_file },
		{ .name = "--token-file", .value = cfg->token_file },
		{ .name = "--connect-timeout-ms", .num = cfg->connect_timeout_ms },
		{ .name = "--timeout-ms", .num = cfg->total_timeout_ms },
		{ .name = "--max-attempts", .num = cfg->max_attempts },
		{ .name = "--backoff-initial-ms", .num = cfg->backoff_initial_ms },
		{ .name = "--backoff-max-ms", .num = cfg->backoff_max_ms },
	};
	struct cmc_proc *p;
	GPtrArray *a;

	*out = NULL;
	if (!cfg->url || g_ascii_strncasecmp(cfg->url, "https://", 8) != 0)
		return -EINVAL; /* TLS always */
	a = helper_run_argv(helper, opts, G_N_ELEMENTS(opts));
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

/* The helper's answer (agent/cmc-result.h) as the callback's error and reason. */
static void run_done(void *ctx, int err, const char *reason, const uint8_t *out, size_t len)
{
	char why[CMC_RESULT_REASON_MAX];
	struct cmc_proc *p = ctx;
	struct partner_config cfg;
	int ret;

	p->run = NULL;
	if (err < 0) {
		finish(p, err, reason, NULL);
		return;
	}
	ret = cmc_result_parse(out, len, &err, why, sizeof(why), &cfg);
	if (ret < 0)
		err = ret;
	finish(p, err, why, err == 0 ? &cfg : NULL);
	partner_config_clear(&cfg);
}

int cmc_proc_fetch(struct cmc_proc *p, const struct cmc_request *req, cmc_done_cb cb,
		   void *user_data)
{
	GBytes *in;
	char *body;
	size_t len;
	int ret;

	if (p->run)
		return -EBUSY;
	ret = cmc_xml_build_request(req, &body, &len);
	if (ret < 0)
		return ret;
	p->cb = cb;
	p->user_data = user_data;
	in = g_bytes_new_with_free_func(body, len, free, body);
	p->run = helper_run_start("configuration helper", (const char *const *)p->argv->pdata, in,
				  run_done, p);
	g_bytes_unref(in);
	return 0;
}

void cmc_proc_cancel(struct cmc_proc *p)
{
	if (!p || !p->run)
		return;
	helper_run_cancel(p->run);
	p->run = NULL;
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
