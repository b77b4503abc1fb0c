// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmig-cmc: one configuration request (seed steps 1 and 13) in a process of
 * its own, so that mcmigd never maps libcurl and its TLS stacks (Debian 12's
 * libcurl brings OpenSSL, and GnuTLS through librtmp and libldap; a resident
 * libcrypto alone is 3-4 MiB). mcmigd starts it for each fetch
 * (agent/cmc-proc.c); it runs agent/cmc.c unchanged: verified TLS, bearer
 * token from its 0600 file, retries with backoff.
 *
 *   mcmig-cmc --url URL [--ca-file F] [--token-file F] [--connect-timeout-ms N]
 *             [--timeout-ms N] [--max-attempts N] [--backoff-initial-ms N]
 *             [--backoff-max-ms N]  <request.xml  >result
 *
 * Reads the <partner-connection-request> document on standard input and
 * writes the outcome on standard output (agent/cmc-result.h): a line
 * "ERRNO REASON", then on success the partner's record. Exit 0 once that is
 * written, 2 on bad usage, 1 otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "cmc-result.h"
#include "cmc.h"
#include "helper-io.h"
#include "util.h"

struct helper {
	GMainLoop *loop;
	int exit_code;
};

static void done(int err, const char *reason, const struct partner_config *cfg, void *user_data)
{
	struct helper *h = user_data;
	char line[CMC_RESULT_LINE_MAX];
	uint8_t *rec = NULL;
	size_t rec_len = 0;
	int ret;

	if (err == 0 && cmc_xml_build_record(cfg, &rec, &rec_len) < 0) {
		err = -ENOMEM;
		reason = "out of memory";
	}
	cmc_result_format_line(err, err ? reason : NULL, line, sizeof(line));
	ret = helper_io_write_answer(line, strlen(line));
	if (ret == 0 && rec)
		ret = helper_io_write_answer(rec, rec_len);
	if (rec) {
		/* The record holds the PAP/CHAP password. */
		util_wipe(rec, rec_len);
		free(rec);
	}
	h->exit_code = ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	g_main_loop_quit(h->loop);
}

/* The request document, at most CMC_XML_MAX_DOC bytes. */
static int read_request(uint8_t **out, size_t *len)
{
	uint8_t *buf = malloc(CMC_XML_MAX_DOC + 1);
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = helper_io_read_input(buf, CMC_XML_MAX_DOC + 1, len);
	if (ret == 0 && (*len == 0 || *len > CMC_XML_MAX_DOC))
		ret = -EMSGSIZE;
	if (ret < 0) {
		free(buf);
		return ret;
	}
	*out = buf;
	return 0;
}

static int uint_arg(const char *name, const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 3600000) {
		fprintf(stderr, "mcmig-cmc: --%s: not a number of at most 3600000: %s\n", name, s);
		return -EINVAL;
	}
	*out = (unsigned int)v;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mcmig-cmc --url URL [--ca-file FILE] [--token-file FILE]\n"
		   "  [--connect-timeout-ms N] [--timeout-ms N] [--max-attempts N]\n"
		   "  [--backoff-initial-ms N] [--backoff-max-ms N] <request >result\n"
		   "(started by mcmigd for each configuration request)\n");
}

static int parse_args(int argc, char **argv, struct cmc_config *cfg)
{
	static const struct option opts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "ca-file", required_argument, NULL, 'a' },
		{ "token-file", required_argument, NULL, 't' },
		{ "connect-timeout-ms", required_argument, NULL, 'c' },
		{ "timeout-ms", required_argument, NULL, 'T' },
		{ "max-attempts", required_argument, NULL, 'm' },
		{ "backoff-initial-ms", required_argument, NULL, 'b' },
		{ "backoff-max-ms", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0;

	while (ret == 0 && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			cfg->url = optarg;
			break;
		case 'a':
			cfg->ca_file = optarg;
			break;
		case 't':
			cfg->token_file = optarg;
			break;
		case 'c':
			ret = uint_arg("connect-timeout-ms", optarg, &cfg->connect_timeout_ms);
			break;
		case 'T':
			ret = uint_arg("timeout-ms", optarg, &cfg->total_timeout_ms);
			break;
		case 'm':
			ret = uint_arg("max-attempts", optarg, &cfg->max_attempts);
			break;
		case 'b':
			ret = uint_arg("backoff-initial-ms", optarg, &cfg->backoff_initial_ms);
			break;
		case 'B':
			ret = uint_arg("backoff-max-ms", optarg, &cfg->backoff_max_ms);
			break;
		default:
			ret = -EINVAL;
		}
	}
	if (ret == 0 && (optind != argc || !cfg->url))
		ret = -EINVAL;
	return ret;
}

int main(int argc, char **argv)
{
	struct cmc_config cfg = { 0 };
	struct helper h = { .exit_code = EXIT_FAILURE };
	struct cmc *c = NULL;
	uint8_t *body = NULL;
	size_t len = 0;
	int ret;

	if (parse_args(argc, argv, &cfg) < 0) {
		usage(stderr);
		return 2;
	}
	helper_io_setup();
	ret = read_request(&body, &len);
	if (ret < 0) {
		fprintf(stderr, "mcmig-cmc: request on standard input: %s\n", strerror(-ret));
		return EXIT_FAILURE;
	}
	ret = cmc_new(&c, &cfg);
	if (ret == 0)
		ret = cmc_post(c, body, len, done, &h);
	free(body);
	if (ret < 0) {
		fprintf(stderr, "mcmig-cmc: %s: %s\n", cfg.url, strerror(-ret));
		cmc_free(c);
		return EXIT_FAILURE;
	}
	h.loop = g_main_loop_new(NULL, FALSE);
	g_main_loop_run(h.loop);
	g_main_loop_unref(h.loop);
	cmc_free(c);
	return h.exit_code;
}
