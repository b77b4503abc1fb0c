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
