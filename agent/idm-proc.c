// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One run of mcmig-idm per IdM operation (agent/idm-proc.h,
 * agent/helper-run.h): the state goes to its standard input, its standard
 * output is agent/idm-proto.h's result form. Its standard error is mcmigd's
 * (the journal): it never carries a secret.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "cmc-xml.h"
#include "helper-run.h"
#include "idm-proc.h"
#include "idm-proto.h"
#include "idm-result.h"
#include "util.h"

struct idm_proc {
	GPtrArray *argv; /* the helper and its options; the command is added per run */
	char *rt_file;	 /* NULL: memory only */
	idm_proc_step_fn step;
	void *step_ctx;
	struct helper_run *run;
	idm_done_cb done;
	idm_token_cb token_done;
	void *ud;
	/* Secrets, wiped on free. */
	char refresh[IDM_TOKEN_MAX];
	char access[IDM_TOKEN_MAX];
	long long access_expires;
	struct idm_result res; /* the last run's, wiped after use */
};

/* ---- the refresh token's storage ---- */

static void load_refresh(struct idm_proc *p)
{
	struct stat sb;
	ssize_t n;
	int fd;

	if (!p->rt_file)
		return;
	fd = open(p->rt_file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno != ENOENT)
			g_warning("idm: %s: %s", p->rt_file, g_strerror(errno));
		return;
	}
	if (fstat(fd, &sb) < 0 || (sb.st_mode & 077)) {
		g_warning("idm: %s is accessible to others (mode %04o): ignored, sign in again",
			  p->rt_file, (unsigned int)(sb.st_mode & 07777));
		close(fd);
		return;
	}
	n = read(fd, p->refresh, sizeof(p->refresh) - 1);
	close(fd);
	p->refresh[n > 0 ? n : 0] = '\0';
	p->refresh[strcspn(p->refresh, "\n")] = '\0';
}

/* 0600 temporary, fsync, rename: never a torn token, never readable by others. */
static int save_refresh(struct idm_proc *p)
{
	char tmp[PATH_MAX];
	size_t len = strlen(p->refresh);
	int fd, ret = 0;

	if (!p->rt_file)
		return 0;
	if (!len)
		return unlink(p->rt_file) < 0 && errno != ENOENT ? -errno : 0;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", p->rt_file) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0600) < 0 || write(fd, p->refresh, len) != (ssize_t)len || fsync(fd) < 0)
		ret = errno ? -errno : -EIO;
	close(fd);
	if (ret == 0 && rename(tmp, p->rt_file) < 0)
		ret = -errno;
	if (ret < 0)
		unlink(tmp);
	return ret;
}

/* ---- runs ---- */

static bool https(const char *url)
{
	return url && g_ascii_strncasecmp(url, "https://", 8) == 0;
}

int idm_proc_new(struct idm_proc **out, const char *helper, const struct idm_config *cfg,
		 const char *refresh_file, idm_proc_step_fn step, void *step_ctx)
{
	const struct helper_opt opts[] = {
		{ .name = "--login", .value = cfg->login_url },
		{ .name = "--auth", .value = cfg->auth_endpoint },
		{ .name = "--token", .value = cfg->token_endpoint },
		{ .name = "--exchange", .value = cfg->exchange_endpoint },
		{ .name = "--client", .value = cfg->client_id },
		{ .name = "--redirect", .value = cfg->redirect_uri },
		{ .name = "--scope", .value = cfg->scope },
		{ .name = "--ca-file", .value = cfg->ca_file },
		{ .name = "--timeout-ms", .num = cfg->timeout_ms },
	};
	struct idm_proc *p;
	GPtrArray *a;

	*out = NULL;
	if (!https(cfg->login_url) || !https(cfg->auth_endpoint) || !https(cfg->token_endpoint) ||
	    (cfg->exchange_endpoint && !https(cfg->exchange_endpoint)) || !cfg->client_id ||
	    !cfg->redirect_uri)
		return -EINVAL; /* TLS always (TS 33.180 5.1.4) */
	a = helper_run_argv(helper, opts, G_N_ELEMENTS(opts));
	p = g_new0(struct idm_proc, 1);
	p->argv = a;
	p->rt_file = g_strdup(refresh_file);
	p->step = step;
	p->step_ctx = step_ctx;
	load_refresh(p);
	*out = p;
	return 0;
}

static void finish(struct idm_proc *p, int err, const char *reason, const struct idm_token *tok)
{
	idm_done_cb done = p->done;
	idm_token_cb token_done = p->token_done;

	p->done = NULL;
	p->token_done = NULL;
	if (done)
		done(err, reason, p->ud);
	if (token_done)
		token_done(err, reason, err == 0 ? tok : NULL, p->ud);
}

/* The helper's answer: tokens kept (and saved), steps told, then the callback. */
static void run_done(void *ctx, int err, const char *reason_in, const uint8_t *data, size_t len)
{
	struct idm_proc *p = ctx;
	struct idm_result *res = &p->res;
	char reason[IDM_REASON_MAX + 64], why[64];
	size_t i;
	int ret;

	p->run = NULL;
	if (err < 0) {
		finish(p, err, reason_in, NULL);
		return;
	}
	ret = idm_result_parse(data, len, res, why, sizeof(why));
	if (ret < 0) {
		snprintf(reason, sizeof(reason), "IdM helper's answer: %s", why);
		finish(p, ret, reason, NULL);
		return;
	}
	for (i = 0; p->step && i < res->n_steps; i++)
		p->step(p->step_ctx, res->steps[i].step, res->steps[i].done, res->steps[i].what,
			res->steps[i].at_us);
	/* A new refresh token (sign-in, rolling refresh) or none any more (refused). */
	if (strcmp(res->refresh, p->refresh) != 0) {
		memcpy(p->refresh, res->refresh, sizeof(p->refresh));
		ret = save_refresh(p);
		if (ret < 0)
			g_warning("idm: cannot save the refresh token in %s: %s", p->rt_file,
				  g_strerror(-ret));
	}
	memcpy(p->access, res->access, sizeof(p->access));
	p->access_expires = res->access_expires;
	finish(p, res->err, res->reason, res->have_partner ? &res->partner : NULL);
	util_wipe(res, sizeof(*res));
}

static void free_text(gpointer data)
{
	util_wipe(data, IDM_RESULT_MAX);
	g_free(data);
}

/* Starts the helper with @cmd (and @arg) and the state in p->res. */
static int start(struct idm_proc *p, const char *cmd, const char *arg)
{
	GPtrArray *argv;
	GBytes *in;
	size_t len, i;
	char *text;
	int ret;

	memcpy(p->res.refresh, p->refresh, sizeof(p->refresh));
	memcpy(p->res.access, p->access, sizeof(p->access));
	p->res.access_expires = p->access_expires;
	text = g_malloc(IDM_RESULT_MAX);
	ret = idm_result_format(&p->res, text, IDM_RESULT_MAX, &len);
	util_wipe(&p->res, sizeof(p->res));
	if (ret < 0) {
		free_text(text);
		return ret;
	}
	argv = g_ptr_array_new();
	for (i = 0; i < p->argv->len; i++)
		g_ptr_array_add(argv, p->argv->pdata[i]);
	g_ptr_array_add(argv, (gpointer)cmd);
	if (arg)
		g_ptr_array_add(argv, (gpointer)arg);
	g_ptr_array_add(argv, NULL);
	/* The helper's input, wiped when GIO is done with it (maybe after a cancel). */
	in = g_bytes_new_with_free_func(text, len, free_text, text);
	p->run = helper_run_start("IdM helper", (const char *const *)argv->pdata, in, run_done, p);
	g_bytes_unref(in);
	g_ptr_array_unref(argv);
	return 0;
}

int idm_proc_sign_in(struct idm_proc *p, const char *username, const char *password,
		     idm_done_cb done, void *ud)
{
	int ret;

	if (p->run)
		return -EBUSY;
	if (!username || !*username || !password ||
	    util_strlcpy(p->res.username, username, sizeof(p->res.username)) < 0 ||
	    util_strlcpy(p->res.password, password, sizeof(p->res.password)) < 0) {
		util_wipe(&p->res, sizeof(p->res));
		return -EINVAL;
	}
	p->done = done;
	p->ud = ud;
	ret = start(p, "sign-in", NULL);
	if (ret < 0)
		p->done = NULL;
	return ret;
}

int idm_proc_partner_token(void *ctx, const struct partner_config *pc, idm_token_cb done, void *ud)
{
	struct idm_proc *p = ctx;
	int ret;

	if (p->run)
		return -EBUSY;
	if (!https(pc->idms_token_endpoint))
		return -ENOENT;
	if (!p->refresh[0] && !p->access[0])
		return -EPERM;
	p->token_done = done;
	p->ud = ud;
	ret = start(p, "partner-token", pc->idms_token_endpoint);
	if (ret < 0)
		p->token_done = NULL;
	return ret;
}

void idm_proc_cancel(void *ctx)
{
	struct idm_proc *p = ctx;

	if (!p || !p->run)
		return;
	helper_run_cancel(p->run);
	p->run = NULL;
	finish(p, -ECANCELED, "cancelled", NULL);
}

bool idm_proc_signed_in(const struct idm_proc *p)
{
	return p->refresh[0] != '\0';
}

void idm_proc_free(struct idm_proc *p)
{
	if (!p)
		return;
	idm_proc_cancel(p);
	g_ptr_array_unref(p->argv);
	g_free(p->rt_file);
	util_wipe(p, sizeof(*p));
	g_free(p);
}
