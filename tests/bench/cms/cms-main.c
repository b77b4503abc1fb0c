// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmig-cms: a configuration management server of the bench, primary or
 * partner role by its configuration file (tests/bench/cms/README.md).
 *
 *   mcmig-cms -c FILE      run until SIGTERM or SIGINT
 *   mcmig-cms -c FILE -t   check the configuration and exit
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <glib.h>
#include <libxml/parser.h>

#include "cms-server.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: mcmig-cms -c CONFIG [-t]\n"
		   "  -c, --config FILE  configuration (GKeyFile; tests/bench/cms/README.md)\n"
		   "  -t, --test         check the configuration and exit\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "test", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cms_sipdb_ops *sipdb;
	struct cms_config *cfg = NULL;
	struct cms_server *server = NULL;
	const char *path = NULL;
	char *why = NULL;
	bool test = false;
	sigset_t sigs;
	int c, sig, ret = EXIT_FAILURE;

	while ((c = getopt_long(argc, argv, "c:th", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 't':
			test = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!path || optind != argc) {
		usage(stderr);
		return 2;
	}

	/* Before any thread exists, so every thread inherits the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	xmlInitParser();
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		fprintf(stderr, "mcmig-cms: libcurl initialisation failed\n");
		return EXIT_FAILURE;
	}
	if (cms_config_load(path, &cfg, &why)) {
		fprintf(stderr, "mcmig-cms: %s: %s\n", path, why);
		goto out;
	}
	sipdb = cms_sipdb_lookup(cfg->sipdb_backend);
	if (!sipdb) {
		fprintf(stderr, "mcmig-cms: %s: [sipdb] backend '%s' is not sh\n", path,
			cfg->sipdb_backend);
		goto out;
	}
	if (test) {
		printf("%s: %s %s, %zu users, %zu partners, %zu primary systems: ok\n", path,
		       cfg->role == CMS_ROLE_PRIMARY ? "primary" : "partner", cfg->system_id,
		       cfg->n_users, cfg->n_partners, cfg->n_primaries);
		ret = EXIT_SUCCESS;
		goto out;
	}
	if (sipdb->start(cfg, &why)) {
		fprintf(stderr, "mcmig-cms: SIP DB (%s): %s\n", sipdb->name, why);
		goto out;
	}
	if (cms_server_start(cfg, sipdb, &server, &why)) {
		fprintf(stderr, "mcmig-cms: %s\n", why);
		sipdb->stop();
		goto out;
	}
	cms_log("%s %s listening on https://%s:%u (SIP DB backend %s)",
		cfg->role == CMS_ROLE_PRIMARY ? "primary" : "partner", cfg->system_id, cfg->listen,
		cfg->port, sipdb->name);
	if (cfg->admin_port)
		cms_log("admin on http://%s:%u", cfg->admin_listen, cfg->admin_port);
	do {
		if (sigwait(&sigs, &sig))
			break;
	} while (sig == SIGHUP);
	cms_log("signal %d: stopping", sig);
	cms_server_stop(server);
	sipdb->stop();
	ret = EXIT_SUCCESS;
out:
	cms_config_free(cfg);
	g_free(why);
	curl_global_cleanup();
	xmlCleanupParser();
	return ret;
}
