// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmigctl register: one IMS registration with the card, for field tests.
 * Reads the card (identities default to the ISIM's), REGISTERs with IMS-AKA
 * at the given P-CSCF, prints the outcome, de-registers and exits. With -v the
 * SIP exchange goes to stderr (CK/IK in a 401 are masked; RES, CK and IK from
 * the card never leave sipreg).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <glib.h>

#include "card.h"
#include "ctl-util.h"
#include "ctl.h"
#include "sipmsg.h"
#include "sipreg.h"
#include "uicc.h"

struct reg_opts {
	char host[256];
	unsigned int port;
	bool tcp;
	const char *impi, *impu, *domain, *reader, *local;
	unsigned int expires, timeout_ms;
	bool json, verbose;
};

struct run {
	struct reg_opts *o;
	GMainLoop *loop;
	struct card *card;
	struct sipreg *reg;
	struct uicc_info info;
	int card_err;
	bool have_result, registered, deregistered;
	enum sipreg_result result;
	char reason[320];
	char dereg_reason[320];
	struct sipreg_info sinfo;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mcmigctl register --pcscf URI [--impi I] [--impu U] [--domain D]\n"
		"                         [--transport udp|tcp] [--local ADDR] [--expires S]\n"
		"                         [--reader S] [--timeout MS] [--json] [-v]\n"
		"\n"
		"Registers once at the P-CSCF with IMS-AKA using the card, prints the outcome,\n"
		"then de-registers.\n"
		"\n"
		"  --pcscf URI      sip:HOST[:PORT][;transport=tcp], HOST[:PORT] or [IPv6]:PORT\n"
		"  --impi/--impu/--domain  identities (default: the ISIM's)\n"
		"  --transport T    udp (default; TCP above 1300 bytes) or tcp\n"
		"  --local ADDR     source address (default: chosen by routing)\n"
		"  --expires S      requested registration period (600)\n"
		"  --reader S       reader whose name contains S (default: the first with a card)\n"
		"  --timeout MS     the card bound; a card request gets twice it (5000)\n"
		"  -v               print the SIP exchange on stderr\n"
		"\n"
		"exit codes: 0 registered and de-registered, 1 failure, 2 usage,\n"
		"            3 card unreachable or no acceptable answer from the P-CSCF\n"
		"              (Timer F),\n"
		"            5 authentication failed (MAC failure or rejected responses),\n"
		"            6 refused by the network (e.g. 403)\n");
}

static void on_trace(bool sent, const char *msg, size_t len, void *user_data)
{
	fprintf(stderr, "%s\n%.*s%s", sent ? ">>> sent" : "<<< received", (int)len, msg,
		len && msg[len - 1] == '\n' ? "" : "\n");
}

static void on_result(enum sipreg_result r, const char *reason, const struct sipreg_info *info,
		      void *user_data)
{
	struct run *run = user_data;

	switch (r) {
	case SIPREG_REGISTERED:
		run->registered = true;
		run->sinfo = *info;
		/* Registered once: that is the test; now take it down again. */
		if (sipreg_stop(run->reg) < 0)
			g_main_loop_quit(run->loop);
		return;
	case SIPREG_REFRESHED:
		return;
	case SIPREG_DEREGISTERED:
		run->deregistered = true;
		g_strlcpy(run->dereg_reason, reason ? reason : "", sizeof(run->dereg_reason));
		break;
	case SIPREG_REFUSED:
	case SIPREG_AUTH_FAILED:
	case SIPREG_TIMEOUT:
	case SIPREG_FAILED:
	case SIPREG_LOST:
	case SIPREG_DEREGISTERED_BY_NETWORK:
		run->have_result = true;
		run->result = r;
		g_strlcpy(run->reason, reason ? reason : "", sizeof(run->reason));
		break;
	}
	g_main_loop_quit(run->loop);
}

static gboolean on_signal(gpointer data)
{
	struct run *run = data;

	/* Interrupted: leave nothing registered behind. */
	if (!run->reg || sipreg_stop(run->reg) < 0)
		g_main_loop_quit(run->loop);
	return G_SOURCE_CONTINUE;
}

static void start_register(struct run *run)
{
	struct reg_opts *o = run->o;
	struct sipreg_config cfg = {
		.pcscf_host = o->host,
		.pcscf_port = o->port,
		.transport = o->tcp ? SIPREG_TRANSPORT_TCP : SIPREG_TRANSPORT_UDP,
		.local_addr = o->local,
		.impi = o->impi ? o->impi : run->info.impi,
		.impu = o->impu ? o->impu : (run->info.n_impu ? run->info.impu[0] : NULL),
		.domain = o->domain ? o->domain : run->info.domain,
		.expires = o->expires,
	};
	struct sipreg_events ev = {
		.result = on_result,
		.trace = o->verbose ? on_trace : NULL,
		.user_data = run,
	};
	int ret;

	if (!cfg.impi[0] || !cfg.impu || !cfg.impu[0] || !cfg.domain[0]) {
		fprintf(stderr, "mcmigctl register: the card holds no IMPI/IMPU/domain: "
				"give --impi, --impu and --domain\n");
		run->card_err = -ENOENT;
		g_main_loop_quit(run->loop);
		return;
	}
	ret = sipreg_new(&run->reg, &cfg, run->card, &ev);
	if (!ret)
		ret = sipreg_start(run->reg);
	if (ret < 0) {
		run->have_result = true;
		run->result = SIPREG_FAILED;
		g_strlcpy(run->reason, g_strerror(-ret), sizeof(run->reason));
		g_main_loop_quit(run->loop);
	}
}

static void on_info(int err, const struct uicc_info *info, void *user_data)
{
	struct run *run = user_data;

	if (err < 0) {
		run->card_err = err;
		g_main_loop_quit(run->loop);
		return;
	}
	run->info = *info;
	start_register(run);
}

static int exit_code(const struct run *run)
{
	if (!run->have_result)
		return run->registered ? CTL_EXIT_OK : CTL_EXIT_FAILURE;
	switch (run->result) {
	case SIPREG_REFUSED:
		return CTL_EXIT_REFUSED;
	case SIPREG_AUTH_FAILED:
		return CTL_EXIT_MAC_FAILURE;
	case SIPREG_TIMEOUT:
		return CTL_EXIT_UNAVAILABLE;
	case SIPREG_REGISTERED:
	case SIPREG_REFRESHED:
	case SIPREG_DEREGISTERED:
	case SIPREG_FAILED:
	case SIPREG_LOST:
	case SIPREG_DEREGISTERED_BY_NETWORK:
		break;
	}
	return CTL_EXIT_FAILURE;
}

static void print_outcome(const struct run *run)
{
	const char *result = run->registered  ? "registered" :
			     run->have_result ? sipreg_result_str(run->result) :
						"failed";

	if (run->o->json) {
		printf("{\"result\":");
		ctl_json_str(result, true);
		printf(",\"reason\":");
		if (run->have_result)
			ctl_json_str(run->reason, true);
		else
			printf("null");
		if (run->registered) {
			printf(",\"expires\":%u,\"service_route\":", run->sinfo.expires);
			ctl_json_str(run->sinfo.service_route, true);
			printf(",\"associated_uris\":");
			ctl_json_str(run->sinfo.associated_uris, true);
			printf(",\"deregistered\":%s", run->deregistered ? "true" : "false");
			if (run->dereg_reason[0]) {
				printf(",\"deregistration_note\":");
				ctl_json_str(run->dereg_reason, true);
			}
		}
		printf("}\n");
		return;
	}
	printf("result:          %s%s%s\n", result, run->have_result ? ": " : "",
	       run->have_result ? run->reason : "");
	if (!run->registered)
		return;
	printf("expires:         %u\n", run->sinfo.expires);
	printf("service-route:   %s\n", run->sinfo.service_route);
	printf("associated-uris: %s\n", run->sinfo.associated_uris);
	printf("deregistered:    %s%s%s\n", run->deregistered ? "yes" : "no",
	       run->dereg_reason[0] ? " (" : "", run->dereg_reason[0] ? run->dereg_reason : "");
	if (run->dereg_reason[0])
		printf(")\n");
}

static int register_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pcscf", required_argument, NULL, 'p' },
		{ "impi", required_argument, NULL, 'I' },
		{ "impu", required_argument, NULL, 'U' },
		{ "domain", required_argument, NULL, 'D' },
		{ "transport", required_argument, NULL, 'T' },
		{ "local", required_argument, NULL, 'l' },
		{ "expires", required_argument, NULL, 'e' },
		{ "reader", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct reg_opts o = { .expires = 600, .timeout_ms = 5000 };
	const char *pcscf = NULL, *transport = NULL;
	struct run run = { .o = &o };
	struct uicc_config ucfg;
	guint sig_int, sig_term;
	const char *err;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pcscf = optarg;
			break;
		case 'I':
			o.impi = optarg;
			break;
		case 'U':
			o.impu = optarg;
			break;
		case 'D':
			o.domain = optarg;
			break;
		case 'T':
			transport = optarg;
			break;
		case 'l':
			o.local = optarg;
			break;
		case 'e':
			if (ctl_parse_uint(optarg, 0x7fffffff, &o.expires) < 0)
				goto usage;
			break;
		case 'r':
			o.reader = optarg;
			break;
		case 't':
			if (ctl_parse_uint(optarg, 600000, &o.timeout_ms) < 0)
				goto usage;
			break;
		case 'j':
			o.json = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return CTL_EXIT_OK;
		default:
			goto usage;
		}
	}
	if (optind != argc || !pcscf)
		goto usage;
	if (sipmsg_parse_pcscf(pcscf, o.host, sizeof(o.host), &o.port, &o.tcp, &err) < 0) {
		fprintf(stderr, "mcmigctl register: %s\n", err);
		return CTL_EXIT_USAGE;
	}
	/*
	 * The P-CSCF named here is used as given: its port, else the default
	 * 5060 (RFC 3261 19.1.1) on the host itself, with no SRV lookup.
	 */
	if (!o.port)
		o.port = 5060;
	if (transport) {
		if (strcmp(transport, "tcp") == 0)
			o.tcp = true;
		else if (strcmp(transport, "udp") == 0)
			o.tcp = false;
		else
			goto usage;
	}

	ucfg = (struct uicc_config){ .reader = o.reader, .timeout_ms = o.timeout_ms };
	ret = card_new(&run.card, &uicc_pcsc_ops, &ucfg);
	if (ret < 0) {
		fprintf(stderr, "mcmigctl register: %s\n", g_strerror(-ret));
		return CTL_EXIT_FAILURE;
	}
	run.loop = g_main_loop_new(NULL, FALSE);
	sig_int = g_unix_signal_add(SIGINT, on_signal, &run);
	sig_term = g_unix_signal_add(SIGTERM, on_signal, &run);
	card_read_info(run.card, on_info, &run);
	g_main_loop_run(run.loop);
	g_source_remove(sig_int);
	g_source_remove(sig_term);
	sipreg_free(run.reg);
	card_free(run.card);
	g_main_loop_unref(run.loop);

	if (run.card_err) {
		fprintf(stderr, "mcmigctl register: card: %s\n", uicc_strerror(run.card_err));
		return run.card_err == -ENOENT ? CTL_EXIT_FAILURE : CTL_EXIT_UNAVAILABLE;
	}
	print_outcome(&run);
	return exit_code(&run);
usage:
	usage(stderr);
	return CTL_EXIT_USAGE;
}

const struct ctl_command ctl_register_command = {
	.name = "register",
	.summary = "register once at a P-CSCF with IMS-AKA, then de-register",
	.main = register_main,
};
