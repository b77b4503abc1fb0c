// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmigctl card info | auth: direct PC/SC access to the UICC for field tests.
 * Works while mcmigd runs: the card is opened shared, every sequence runs in
 * a PC/SC transaction and the logical channel is closed again at the end.
 * pcsc-lite's client library honours PCSCLITE_CSOCK_NAME.
 *
 * `card auth` prints RES, CK and IK on stdout because that is what it is for;
 * they are never logged and are wiped from memory afterwards.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "card.h"
#include "ctl-util.h"
#include "ctl.h"
#include "uicc-codec.h"
#include "uicc.h"
#include "util.h"

struct card_opts {
	const char *reader;
	unsigned int timeout_ms;
	bool json;
};

static void card_usage(FILE *f)
{
	fprintf(f,
		"usage: mcmigctl card info [--reader S] [--timeout MS] [--json]\n"
		"       mcmigctl card auth RAND AUTN [--reader S] [--timeout MS] [--json]\n"
		"\n"
		"  --reader S    use the reader whose name contains S (default: the first\n"
		"                reader holding a card)\n"
		"  --timeout MS  the card bound: waiting for the card; a call gets twice it (5000)\n"
		"  RAND, AUTN    16 bytes each, hex (AUTN = SQN^AK || AMF || MAC-A)\n"
		"\n"
		"exit codes: 0 ok, 1 failure, 2 usage, 3 reader/card unavailable,\n"
		"            4 sync failure (AUTS printed), 5 network MAC invalid (98 62)\n");
}

static int exit_for(int err)
{
	switch (-err) {
	case ENODEV:
	case ENOMEDIUM:
	case ETIMEDOUT:
	case EBUSY:
	case EIO:
	case ECONNRESET:
		return CTL_EXIT_UNAVAILABLE;
	}
	return CTL_EXIT_FAILURE;
}

static void hex_str(const uint8_t *b, size_t len, char *out)
{
	util_hex_encode(b, len, out);
}

static const char *app_name(enum uicc_app_type t)
{
	switch (t) {
	case UICC_APP_ISIM:
		return "isim";
	case UICC_APP_USIM:
		return "usim";
	}
	return "?";
}

static const char *pcscf_type(enum uicc_pcscf_type t)
{
	switch (t) {
	case UICC_PCSCF_FQDN:
		return "fqdn";
	case UICC_PCSCF_IPV4:
		return "ipv4";
	case UICC_PCSCF_IPV6:
		return "ipv6";
	}
	return "?";
}

static const char *aid_kind(const struct uicc_app *a)
{
	enum uicc_app_type t;

	return uicc_aid_type(a->aid, a->aid_len, &t) ? app_name(t) : "other";
}

/* The raw octets of a skipped EF, as hex (UICC_RAW_MAX at most). */
static void warning_hex(const struct uicc_ef_warning *w, char out[2 * UICC_RAW_MAX + 1])
{
	hex_str(w->raw, w->raw_len, out);
}

/* Optional EFs (or records) skipped by uicc_read_info(), each with its octets. */
static void print_warnings(const struct uicc_info *in)
{
	char h[2 * UICC_RAW_MAX + 1];
	size_t i;

	for (i = 0; i < in->n_warnings; i++) {
		const struct uicc_ef_warning *w = &in->warnings[i];

		warning_hex(w, h);
		if (w->record)
			printf("warning:     %s record %u skipped (%s): %s\n", w->ef, w->record,
			       uicc_strerror(w->err), w->raw_len ? h : "no data");
		else
			printf("warning:     %s skipped (%s): %s\n", w->ef, uicc_strerror(w->err),
			       w->raw_len ? h : "no data");
	}
}

static void print_info_text(const struct uicc_info *in)
{
	char h[2 * 64 + 1];
	size_t i;
	unsigned int n;

	printf("reader:      %s\n", in->reader);
	hex_str(in->atr, in->atr_len, h);
	printf("atr:         %s\n", h);
	for (i = 0; i < in->n_apps; i++) {
		hex_str(in->apps[i].aid, in->apps[i].aid_len, h);
		printf("application: %s %s \"%s\"\n", h, aid_kind(&in->apps[i]), in->apps[i].label);
	}
	hex_str(in->aid, in->aid_len, h);
	printf("selected:    %s %s on the %s channel\n", app_name(in->app), h,
	       in->logical_channel ? "logical" : "basic");
	if (in->imsi[0])
		printf("imsi:        %s\n", in->imsi);
	printf("impi:        %s\n", in->impi);
	for (i = 0; i < in->n_impu; i++)
		printf("impu:        %s\n", in->impu[i]);
	printf("domain:      %s\n", in->domain);
	if (in->ist_len) {
		hex_str(in->ist, in->ist_len, h);
		printf("ist:         %s (services", h);
		for (n = 1; n <= 8 * in->ist_len; n++)
			if (uicc_service_available(in->ist, in->ist_len, n))
				printf(" %u", n);
		printf(")\n");
		printf("mcptt:       %s\n",
		       uicc_service_available(in->ist, in->ist_len, UICC_IST_MCPTT) ? "yes" : "no");
	}
	for (i = 0; i < in->n_pcscf; i++)
		printf("pcscf:       %s %s\n", pcscf_type(in->pcscf[i].type), in->pcscf[i].addr);
	print_warnings(in);
}

static void print_info_json(const struct uicc_info *in)
{
	char h[2 * 64 + 1];
	size_t i;
	unsigned int n;
	bool first = true;

	printf("{\"reader\":");
	ctl_json_str(in->reader, true);
	hex_str(in->atr, in->atr_len, h);
	printf(",\"atr\":\"%s\",\"applications\":[", h);
	for (i = 0; i < in->n_apps; i++) {
		hex_str(in->apps[i].aid, in->apps[i].aid_len, h);
		printf("%s{\"aid\":\"%s\",\"type\":\"%s\",\"label\":", i ? "," : "", h,
		       aid_kind(&in->apps[i]));
		ctl_json_str(in->apps[i].label, true);
		putchar('}');
	}
	hex_str(in->aid, in->aid_len, h);
	printf("],\"application\":\"%s\",\"aid\":\"%s\",\"logical_channel\":%s", app_name(in->app),
	       h, in->logical_channel ? "true" : "false");
	if (in->imsi[0])
		printf(",\"imsi\":\"%s\"", in->imsi);
	printf(",\"impi\":");
	ctl_json_str(in->impi, true);
	printf(",\"impu\":[");
	for (i = 0; i < in->n_impu; i++) {
		printf("%s", i ? "," : "");
		ctl_json_str(in->impu[i], true);
	}
	printf("],\"domain\":");
	ctl_json_str(in->domain, true);
	hex_str(in->ist, in->ist_len, h);
	printf(",\"ist\":\"%s\",\"services\":[", h);
	for (n = 1; n <= 8 * in->ist_len; n++) {
		if (!uicc_service_available(in->ist, in->ist_len, n))
			continue;
		printf("%s%u", first ? "" : ",", n);
		first = false;
	}
	printf("],\"pcscf\":[");
	for (i = 0; i < in->n_pcscf; i++) {
		printf("%s{\"type\":\"%s\",\"address\":", i ? "," : "",
		       pcscf_type(in->pcscf[i].type));
		ctl_json_str(in->pcscf[i].addr, true);
		putchar('}');
	}
	printf("],\"warnings\":[");
	for (i = 0; i < in->n_warnings; i++) {
		const struct uicc_ef_warning *w = &in->warnings[i];
		char raw[2 * UICC_RAW_MAX + 1];

		warning_hex(w, raw);
		printf("%s{\"ef\":\"%s\",\"record\":%u,\"reason\":", i ? "," : "", w->ef,
		       w->record);
		ctl_json_str(uicc_strerror(w->err), true);
		printf(",\"raw\":\"%s\"}", raw);
	}
	printf("]}\n");
}

static int parse_opts(int argc, char **argv, struct card_opts *o)
{
	static const struct option longopts[] = {
		{ "reader", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->reader = NULL;
	o->timeout_ms = 5000;
	o->json = false;
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:t:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->reader = optarg;
			break;
		case 't':
			if (ctl_parse_uint(optarg, 600000, &o->timeout_ms) < 0) {
				fprintf(stderr,
					"mcmigctl card: bad --timeout '%s' (1..600000 ms)\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			card_usage(stdout);
			return 1;
		default:
			card_usage(stderr);
			return -EINVAL;
		}
	}
	return 0;
}

/* One request through the card worker (card.h): bounded by card_timeout_ms(). */
struct card_wait {
	bool done;
	int err;
	uint16_t sw;
	struct uicc_info *info;
	struct uicc_auth_result *res;
};

static void info_done(int err, const struct uicc_info *info, void *user_data)
{
	struct card_wait *w = user_data;

	w->done = true;
	w->err = err;
	if (info)
		*w->info = *info;
}

static void auth_done(int err, const struct uicc_auth_result *r, uint16_t sw,
		      const struct card_times *t, void *user_data)
{
	struct card_wait *w = user_data;

	w->done = true;
	w->err = err;
	w->sw = sw;
	if (!err)
		*w->res = *r;
}

/* A command-line tool: it may wait for its one answer on the loop itself. */
static int card_call(const struct card_opts *o, struct card_wait *w, const uint8_t *rand,
		     const uint8_t *autn)
{
	const struct uicc_config cfg = { .reader = o->reader, .timeout_ms = o->timeout_ms };
	struct card *c;
	int r = card_new(&c, &uicc_pcsc_ops, &cfg);

	if (r < 0)
		return r;
	if (rand)
		card_authenticate(c, rand, autn, auth_done, w);
	else
		card_read_info(c, info_done, w);
	while (!w->done)
		g_main_context_iteration(NULL, TRUE);
	card_free(c);
	return w->err;
}

static int card_info(const struct card_opts *o)
{
	struct uicc_info info = { 0 };
	struct card_wait w = { .info = &info };
	int r;

	r = card_call(o, &w, NULL, NULL);
	if (r < 0) {
		fprintf(stderr, "mcmigctl card: reading the identities: %s%s%s\n",
			info.failed_ef ? info.failed_ef : "", info.failed_ef ? ": " : "",
			card_strerror(r));
		return exit_for(r);
	}
	if (o->json)
		print_info_json(&info);
	else
		print_info_text(&info);
	return CTL_EXIT_OK;
}

static int card_auth(const struct card_opts *o, const char *rand_hex, const char *autn_hex)
{
	uint8_t rand[UICC_RAND_LEN], autn[UICC_AUTN_LEN];
	struct uicc_auth_result res;
	char res_h[2 * UICC_RES_MAX + 1], ck_h[2 * UICC_KEY_LEN + 1], ik_h[2 * UICC_KEY_LEN + 1];
	char auts_h[2 * UICC_AUTS_LEN + 1];
	struct card_wait w = { .res = &res };
	int r, ex = CTL_EXIT_FAILURE;

	if (util_hex_decode(rand_hex, rand, sizeof(rand)) < 0 ||
	    util_hex_decode(autn_hex, autn, sizeof(autn)) < 0) {
		fprintf(stderr, "mcmigctl card auth: RAND and AUTN must be 32 hex digits each\n");
		return CTL_EXIT_USAGE;
	}
	r = card_call(o, &w, rand, autn);
	util_wipe(rand, sizeof(rand));
	util_wipe(autn, sizeof(autn));
	if (r == -EPROTO) {
		fprintf(stderr, "mcmigctl card auth: the card answered status word %04x\n", w.sw);
		return CTL_EXIT_FAILURE;
	}
	if (r < 0) {
		fprintf(stderr, "mcmigctl card auth: %s\n", card_strerror(r));
		return exit_for(r);
	}
	switch (res.status) {
	case UICC_AUTH_OK:
		hex_str(res.res, res.res_len, res_h);
		hex_str(res.ck, UICC_KEY_LEN, ck_h);
		hex_str(res.ik, UICC_KEY_LEN, ik_h);
		if (o->json)
			printf("{\"result\":\"ok\",\"res\":\"%s\",\"ck\":\"%s\",\"ik\":\"%s\"}\n",
			       res_h, ck_h, ik_h);
		else
			printf("res: %s\nck:  %s\nik:  %s\n", res_h, ck_h, ik_h);
		ex = CTL_EXIT_OK;
		break;
	case UICC_AUTH_SYNC_FAILURE:
		hex_str(res.auts, UICC_AUTS_LEN, auts_h);
		if (o->json)
			printf("{\"result\":\"sync-failure\",\"auts\":\"%s\"}\n", auts_h);
		else
			printf("sync-failure\nauts: %s\n", auts_h);
		ex = CTL_EXIT_SYNC_FAILURE;
		break;
	case UICC_AUTH_MAC_FAILURE:
		if (o->json)
			printf("{\"result\":\"mac-failure\"}\n");
		else
			printf("mac-failure\n");
		ex = CTL_EXIT_MAC_FAILURE;
		break;
	}
	fflush(stdout);
	uicc_auth_result_wipe(&res);
	util_wipe(res_h, sizeof(res_h));
	util_wipe(ck_h, sizeof(ck_h));
	util_wipe(ik_h, sizeof(ik_h));
	return ex;
}

static int card_main(int argc, char **argv)
{
	struct card_opts o;
	const char *sub;
	int r;

	if (argc < 2) {
		card_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
		card_usage(stdout);
		return CTL_EXIT_OK;
	}
	r = parse_opts(argc - 1, argv + 1, &o);
	if (r)
		return r > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
	argc -= 1 + optind;
	argv += 1 + optind;
	if (strcmp(sub, "info") == 0 && argc == 0)
		return card_info(&o);
	if (strcmp(sub, "auth") == 0 && argc == 2)
		return card_auth(&o, argv[0], argv[1]);
	card_usage(stderr);
	return CTL_EXIT_USAGE;
}

const struct ctl_command ctl_card_command = {
	.name = "card",
	.summary = "UICC tools: card info, card auth RAND AUTN",
	.main = card_main,
};
