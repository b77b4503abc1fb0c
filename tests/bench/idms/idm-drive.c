// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * idm-drive: agent/idm.c, the IdM client mcmigd links, driven alone against
 * the bench's IdM servers (tests/integration/idms.sh), one step a run:
 *
 *   idm-drive OPTIONS sign-in USER          password: one line of stdin
 *   idm-drive OPTIONS partner-token URL     with the stored refresh token
 *
 * OPTIONS: --login URL --auth URL --token URL [--exchange URL] --client ID
 * --redirect URI --scope S --ca FILE --refresh-file FILE. Prints "ok ..." or
 * "error <errno>: <reason>" (never a token); exit 0 or 1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "cmc-xml.h"
#include "idm.h"
#include "util.h"

static GMainLoop *loop;
static int result = 1;

static void said(int err, const char *reason)
{
	if (err == 0) {
		result = 0;
	} else {
		printf("error %d: %s\n", -err, reason ? reason : "(none)");
		result = 1;
	}
	g_main_loop_quit(loop);
}

static void sign_in_done(int err, const char *reason, void *ud)
{
	if (err == 0)
		printf("ok signed in\n");
	said(err, reason);
}

static void token_done(int err, const char *reason, const struct idm_token *tok, void *ud)
{
	if (err == 0)
		printf("ok partner token for %s, %zu bytes, expires in %lld s\n", tok->client_id,
		       strlen(tok->access_token), (long long)(tok->expires_at - time(NULL)));
	said(err, reason);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "login", required_argument, NULL, 'l' },
		{ "auth", required_argument, NULL, 'a' },
		{ "token", required_argument, NULL, 't' },
		{ "exchange", required_argument, NULL, 'x' },
		{ "client", required_argument, NULL, 'c' },
		{ "redirect", required_argument, NULL, 'r' },
		{ "scope", required_argument, NULL, 's' },
		{ "ca", required_argument, NULL, 'C' },
		{ "refresh-file", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct idm_config cfg = { .scope = "openid" };
	static struct partner_config pc;
	char password[512];
	struct idm *c;
	int o, ret;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'l':
			cfg.login_url = optarg;
			break;
		case 'a':
			cfg.auth_endpoint = optarg;
			break;
		case 't':
			cfg.token_endpoint = optarg;
			break;
		case 'x':
			cfg.exchange_endpoint = optarg;
			break;
		case 'c':
			cfg.client_id = optarg;
			break;
		case 'r':
			cfg.redirect_uri = optarg;
			break;
		case 's':
			cfg.scope = optarg;
			break;
		case 'C':
			cfg.ca_file = optarg;
			break;
		case 'f':
			cfg.refresh_token_file = optarg;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: idm-drive OPTIONS sign-in USER | partner-token URL\n");
		return 2;
	}
	ret = idm_new(&c, &cfg);
	if (ret < 0) {
		printf("error %d: idm_new: %s\n", -ret, strerror(-ret));
		return 1;
	}
	loop = g_main_loop_new(NULL, FALSE);
	if (strcmp(argv[optind], "sign-in") == 0) {
		if (!fgets(password, sizeof(password), stdin))
			return 2;
		password[strcspn(password, "\n")] = '\0';
		ret = idm_sign_in(c, argv[optind + 1], password, sign_in_done, NULL);
		util_wipe(password, sizeof(password));
	} else {
		snprintf(pc.idms_token_endpoint, sizeof(pc.idms_token_endpoint), "%s",
			 argv[optind + 1]);
		ret = idm_partner_token(c, &pc, token_done, NULL);
	}
	if (ret < 0)
		printf("error %d: %s\n", -ret, strerror(-ret));
	else
		g_main_loop_run(loop);
	idm_free(c);
	g_main_loop_unref(loop);
	return ret < 0 ? 1 : result;
}
