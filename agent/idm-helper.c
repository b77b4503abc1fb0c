// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmig-idm: one IdM client operation (seed step 14; TS 33.180 5.1.4, B.4,
 * B.7, B.8) in a process of its own, so that mcmigd never maps libcurl and
 * its TLS stacks (as mcmig-cmc). mcmigd starts it per operation
 * (agent/idm-proc.c); it runs agent/idm.c: verified TLS, PKCE sign-in,
 * refresh, token exchange, partner token.
 *
 *   mcmig-idm --login URL --auth URL --token URL [--exchange URL] --client ID
 *             --redirect URI [--scope S] [--ca-file F] [--timeout-ms N]
 *             sign-in | partner-token PARTNER_TOKEN_URL   <state >result
 *
 * Standard input and output are agent/idm-proto.h's result form: in, the
 * username and password (sign-in) or the tokens held (partner-token); out,
 * the outcome, the tokens held now, the partner token and the steps. Nothing
 * secret ever goes to standard error. Exit 0 once the result is written, 2 on
 * bad usage, 1 otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "cmc-xml.h"
#include "helper-io.h"
#include "idm-proto.h"
#include "idm-result.h"
#include "idm.h"
#include "util.h"

struct helper {
	GMainLoop *loop;
	struct idm *c;
	struct idm_result out;
	int exit_code;
};

/* The timeline's steps, stamped here on the clock mcmigd shares (CLOCK_MONOTONIC). */
static void on_step(void *ctx, enum idm_step s, bool done, const char *what)
{
	struct helper *h = ctx;
	struct idm_result_step *st;

	if (h->out.n_steps == IDM_RESULT_STEPS_MAX)
		return;
	st = &h->out.steps[h->out.n_steps++];
	st->step = s;
	st->done = done;
	st->at_us = g_get_monotonic_time();
	snprintf(st->what, sizeof(st->what), "%s", what);
}

static void finish(struct helper *h, int err, const char *reason, const struct idm_token *tok)
{
	static char text[IDM_RESULT_MAX];
	const char *refresh, *access;
	time_t expires;
	size_t len;
	int ret;

	h->out.err = err;
	snprintf(h->out.reason, sizeof(h->out.reason), "%s", err ? reason : "");
	idm_get_tokens(h->c, &refresh, &access, &expires);
	snprintf(h->out.refresh, sizeof(h->out.refresh), "%s", refresh);
	snprintf(h->out.access, sizeof(h->out.access), "%s", access);
	h->out.access_expires = expires;
	if (tok) {
		h->out.partner = *tok;
		h->out.have_partner = true;
	}
	ret = idm_result_format(&h->out, text, sizeof(text), &len);
	if (ret == 0)
		ret = helper_io_write_answer(text, len);
	util_wipe(text, sizeof(text));
	util_wipe(&h->out, sizeof(h->out));
	h->exit_code = ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	g_main_loop_quit(h->loop);
}

static void sign_in_done(int err, const char *reason, void *ud)
{
	finish(ud, err, reason, NULL);
}

static void token_done(int err, const char *reason, const struct idm_token *tok, void *ud)
{
	finish(ud, err, reason, tok);
}

/* The state on standard input, at most IDM_RESULT_MAX bytes. */
static int read_state(struct idm_result *in)
{
	static uint8_t buf[IDM_RESULT_MAX + 1];
	char why[64];
	size_t n = 0;
	int ret;

	ret = helper_io_read_input(buf, sizeof(buf), &n);
	if (ret == 0)
		ret = idm_result_parse(buf, n, in, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "%s", strerror(-ret));
	util_wipe(buf, sizeof(buf));
	if (ret < 0)
		fprintf(stderr, "mcmig-idm: standard input: %s\n", why);
	return ret;
}

static int parse_args(int argc, char **argv, struct idm_config *cfg)
{
	static const struct option opts[] = {
		{ "login", required_argument, NULL, 'l' },
		{ "auth", required_argument, NULL, 'a' },
		{ "token", required_argument, NULL, 't' },
		{ "exchange", required_argument, NULL, 'x' },
		{ "client", required_argument, NULL, 'c' },
		{ "redirect", required_argument, NULL, 'r' },
		{ "scope", required_argument, NULL, 's' },
		{ "ca-file", required_argument, NULL, 'C' },
		{ "timeout-ms", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'l':
			cfg->login_url = optarg;
			break;
		case 'a':
			cfg->auth_endpoint = optarg;
			break;
		case 't':
			cfg->token_endpoint = optarg;
			break;
		case 'x':
			cfg->exchange_endpoint = optarg;
			break;
		case 'c':
			cfg->client_id = optarg;
			break;
		case 'r':
			cfg->redirect_uri = optarg;
			break;
		case 's':
			cfg->scope = optarg;
			break;
		case 'C':
			cfg->ca_file = optarg;
			break;
		case 'T':
			cfg->timeout_ms = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || cfg->timeout_ms > 600000)
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mcmig-idm --login URL --auth URL --token URL [--exchange URL]\n"
		   "  --client ID --redirect URI [--scope S] [--ca-file FILE] [--timeout-ms N]\n"
		   "  sign-in | partner-token URL   <state >result\n"
		   "(started by mcmigd for each MC service user authentication)\n");
}

int main(int argc, char **argv)
{
	struct idm_config cfg = { .scope = "openid" };
	static struct idm_result in;
	static struct partner_config pc;
	struct helper h = { .exit_code = EXIT_FAILURE };
	const char *cmd;
	int ret;

	if (parse_args(argc, argv, &cfg) < 0 || argc - optind < 1) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	if (!(strcmp(cmd, "sign-in") == 0 && argc - optind == 1) &&
	    !(strcmp(cmd, "partner-token") == 0 && argc - optind == 2)) {
		usage(stderr);
		return 2;
	}
	helper_io_setup();
	if (read_state(&in) < 0)
		return EXIT_FAILURE;
	cfg.step = on_step;
	cfg.step_ctx = &h;
	ret = idm_new(&h.c, &cfg);
	if (ret < 0) {
		fprintf(stderr, "mcmig-idm: configuration: %s\n", strerror(-ret));
		util_wipe(&in, sizeof(in));
		return EXIT_FAILURE;
	}
	h.loop = g_main_loop_new(NULL, FALSE);
	idm_set_tokens(h.c, in.refresh, in.access, (time_t)in.access_expires);
	if (strcmp(cmd, "sign-in") == 0) {
		ret = idm_sign_in(h.c, in.username, in.password, sign_in_done, &h);
	} else {
		snprintf(pc.idms_token_endpoint, sizeof(pc.idms_token_endpoint), "%s",
			 argv[optind + 1]);
		ret = idm_partner_token(h.c, &pc, token_done, &h);
	}
	util_wipe(&in, sizeof(in));
	if (ret < 0)
		finish(&h, ret,
		       ret == -EPERM  ? "not signed in at the primary IdM server (mcmigctl login)" :
		       ret == -ENOENT ? "no partner IdM server (idms-token-endpoint) in the "
					"partner configuration" :
					strerror(-ret),
		       NULL);
	else
		g_main_loop_run(h.loop);
	g_main_loop_unref(h.loop);
	idm_free(h.c);
	return h.exit_code;
}
