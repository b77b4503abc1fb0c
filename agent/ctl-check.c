// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmigctl check: is this board ready to migrate? One line per check, OK,
 * WARN or FAIL, and what to do about each that is not OK.
 *
 * Who checks what: mcmigctl itself reads the configuration and the board
 * data (the same code as mcmigd: mcmigd-config.c, mcmigd-board.c), the card
 * (shared PC/SC access, as `card info`), the stored partner records (the
 * store opened read-only beside the daemon) and probes the CMS with the CA
 * and token files of the configuration; none of these needs mcmigd. The
 * modem, the serving network and the primary PDN are mcmigd's (it holds the
 * modem through its proxy and watches the primary PDN): they come from its
 * Check() method, and are not checked when mcmigd is not running.
 *
 * Exit 0: no FAIL, a migration can start; 1: at least one FAIL.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <gio/gio.h>

#include "card.h"
#include "cmc.h"
#include "ctl-bus.h"
#include "ctl-util.h"
#include "ctl.h"
#include "mcmigd-board.h"
#include "mcmigd-config.h"
#include "store.h"
#include "uicc-codec.h"
#include "uicc.h"
#include "util.h"

#define CHECK_ROWS_MAX	 (16 + PCFG_PROFILE_MAX)
#define CHECK_DETAIL_MAX 512

enum check_result {
	CHECK_OK,
	CHECK_WARN,
	CHECK_FAIL,
};

struct check_row {
	char name[PCFG_STR_MAX + 16];
	enum check_result result;
	char detail[CHECK_DETAIL_MAX];
	char remedy[CHECK_DETAIL_MAX];
};

struct check {
	const char *config_path;
	bool json;
	bool session;
	unsigned int timeout_ms;
	struct mcmigd_config cfg;
	size_t n_valid; /* valid stored partner records */
	struct check_row rows[CHECK_ROWS_MAX];
	size_t n;
};

static const char *const result_names[] = { "ok", "warn", "fail" };
static const char *const result_words[] = { "OK", "WARN", "FAIL" };

static struct check_row *add(struct check *c, const char *name, enum check_result r,
			     const char *remedy, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static struct check_row *add(struct check *c, const char *name, enum check_result r,
			     const char *remedy, const char *fmt, ...)
{
	struct check_row *row;
	va_list ap;

	if (c->n == CHECK_ROWS_MAX)
		return NULL;
	row = &c->rows[c->n++];
	util_strlcpy(row->name, name, sizeof(row->name));
	row->result = r;
	util_strlcpy(row->remedy, remedy ? remedy : "", sizeof(row->remedy));
	va_start(ap, fmt);
	vsnprintf(row->detail, sizeof(row->detail), fmt, ap);
	va_end(ap);
	return row;
}

/* ---- configuration and board: the same code as mcmigd's start ---- */

static int check_config(struct check *c)
{
	GError *gerr = NULL;
	char err[256];
	gchar *data;
	gsize len;
	int ret;

	if (!g_file_get_contents(c->config_path, &data, &len, &gerr)) {
		add(c, "configuration", CHECK_FAIL,
		    "install one (share/mcmig/mcmig.conf.sample, mcmig.conf(5)); it is "
		    "root:mcmig 0640: run mcmigctl check as root",
		    "%s", gerr->message);
		g_error_free(gerr);
		return -ENOENT;
	}
	ret = mcmigd_config_parse(data, len, &c->cfg, err, sizeof(err));
	g_free(data);
	if (ret < 0) {
		add(c, "configuration", CHECK_FAIL, "correct it (mcmig.conf(5) lists every key)",
		    "%s: %s", c->config_path, err);
		return ret;
	}
	if (c->cfg.retired[0])
		add(c, "configuration", CHECK_WARN, "remove the retired keys", "%s: %s",
		    c->config_path, c->cfg.retired);
	else
		add(c, "configuration", CHECK_OK, NULL, "%s valid", c->config_path);
	return 0;
}

static int check_board(struct check *c)
{
	char err[256], desc[288];
	struct mcmigd_config *cfg = &c->cfg;
	int ret;

	/* mcmigctl makes no links: the board's link data is read, not used. */
	ret = mcmigd_config_apply_board(cfg, MCMIG_BOARDS_DIR, NULL, desc, sizeof(desc), err,
					sizeof(err));
	if (ret < 0) {
		add(c, "board", CHECK_FAIL,
		    "set [agent] board= to one of the boards' files (boards/README.md), or "
		    "name [modem] backend and device",
		    "%s", err);
		return ret;
	}
	add(c, "board", CHECK_OK, NULL, "%s%smodem %s %s, partner netdev %s, reader %s",
	    desc[0] ? desc : "none (mcmig.conf names the modem)", ": ", cfg->modem.backend,
	    cfg->modem.device, cfg->modem_netdev[0] ? cfg->modem_netdev : "(none)",
	    cfg->card_reader[0] ? cfg->card_reader : "the first holding a card");
	return 0;
}

/* ---- the card: reader, ISIM identities, EF_IST service 15 ---- */

struct card_wait {
	bool done;
	int err;
	struct uicc_info *info;
};

static void info_done(int err, const struct uicc_info *info, void *user_data)
{
	struct card_wait *w = user_data;

	w->done = true;
	w->err = err;
	if (info)
		*w->info = *info;
}

static void check_identities(struct check *c, const struct uicc_info *in)
{
	char ist[2 * UICC_IST_MAX + 1];

	if (in->app == UICC_APP_USIM) {
		/* hal/uicc.c falls back to TS 23.003 13.3 identities: it works only if
		 * the primary's SIP DB knows the derived IMPI. */
		add(c, "ISIM", CHECK_WARN,
		    "program an ISIM (tests/hil/README.md), or give the primary's SIP DB this "
		    "IMPI",
		    "no ISIM on the card: USIM IMSI %s, identities derived (TS 23.003 13.3): "
		    "IMPI %s",
		    in->imsi, in->impi);
		return;
	}
	add(c, "ISIM", CHECK_OK, NULL, "IMPI %s, IMPU %s%s, domain %s", in->impi,
	    in->n_impu ? in->impu[0] : "(none)", in->n_impu > 1 ? " (and more)" : "", in->domain);
	util_hex_encode(in->ist, in->ist_len, ist);
	/* TS 31.103 4.2.7: service n15 is MCPTT. mcmigd registers without it,
	 * but an MC service client on the partner may refuse the card. */
	if (uicc_service_available(in->ist, in->ist_len, UICC_IST_MCPTT))
		add(c, "IST service 15", CHECK_OK, NULL, "MCPTT available (EF_IST %s)", ist);
	else
		add(c, "IST service 15", CHECK_WARN,
		    "set service 15 in EF_IST with pySim-shell (tests/hil/README.md)",
		    "MCPTT not available (EF_IST %s)", in->ist_len ? ist : "absent or unreadable");
}

static void check_card(struct check *c)
{
	const struct uicc_config ucfg = {
		.reader = c->cfg.card_reader[0] ? c->cfg.card_reader : NULL,
		.timeout_ms = c->timeout_ms,
	};
	struct uicc_info info = { 0 };
	struct card_wait w = { .info = &info };
	struct card *card;
	int ret;

	ret = card_new(&card, &uicc_pcsc_ops, &ucfg);
	if (ret == 0) {
		card_read_info(card, info_done, &w);
		while (!w.done)
			g_main_context_iteration(NULL, TRUE);
		card_free(card);
		ret = w.err;
	}
	if (ret == -ENODEV) {
		add(c, "reader", CHECK_FAIL,
		    "plug the reader in and start pcscd (pcsc_scan lists the readers); [card] "
		    "reader= is part of a reader's name",
		    "no reader%s%s%s: %s", ucfg.reader ? " matching '" : "",
		    ucfg.reader ? ucfg.reader : "", ucfg.reader ? "'" : "", card_strerror(ret));
		return;
	}
	if (info.reader[0])
		add(c, "reader", CHECK_OK, NULL, "%s", info.reader);
	else
		add(c, "reader", ret == -ENOMEDIUM ? CHECK_OK : CHECK_WARN, NULL, "%s",
		    ret == -ENOMEDIUM ? "present" : "not identified");
	if (ret < 0) {
		add(c, "ISIM", CHECK_FAIL,
		    ret == -ENOMEDIUM ? "insert the test UICC" :
					"check the card with `mcmigctl card info` and pySim-shell",
		    "%s%s%s", info.failed_ef ? info.failed_ef : "", info.failed_ef ? ": " : "",
		    card_strerror(ret));
		return;
	}
	check_identities(c, &info);
}

/* ---- mcmigd: the modem, the serving network, the primary PDN ---- */

static enum check_result result_of(const char *s)
{
	if (!strcmp(s, "ok"))
		return CHECK_OK;
	return strcmp(s, "warn") ? CHECK_FAIL : CHECK_WARN;
}

static void not_checked(struct check *c)
{
	static const char *const rows[] = { "modem", "serving network", "primary PDN" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(rows); i++)
		add(c, rows[i], CHECK_WARN, "start mcmigd", "not checked: needs mcmigd");
}

/* ctl-bus.h's message: what is missing, then "\n  " and what to do. */
static void daemon_failed(struct check *c, char *msg)
{
	char *todo = strstr(msg, "\n  ");

	if (todo)
		*todo = '\0';
	add(c, "mcmigd", CHECK_FAIL, todo ? todo + 3 : NULL, "%s", msg);
	g_free(msg);
	not_checked(c);
}

static void check_daemon(struct check *c)
{
	GDBusConnection *bus;
	GVariant *v, *rows;
	GVariantIter it;
	GError *err = NULL;
	const gchar *name, *result, *detail, *remedy;
	char *msg;

	bus = ctl_bus_connect(c->session, &msg);
	if (!bus) {
		daemon_failed(c, msg);
		return;
	}
	v = g_dbus_connection_call_sync(bus, CTL_AGENT_NAME, CTL_AGENT_PATH, CTL_AGENT_IFACE,
					"Check", NULL, G_VARIANT_TYPE("(a(ssss))"),
					G_DBUS_CALL_FLAGS_NO_AUTO_START, (gint)c->timeout_ms * 2,
					NULL, &err);
	if (!v) {
		g_object_unref(bus);
		daemon_failed(c, ctl_bus_explain(err, "call Check on", c->session));
		g_error_free(err);
		return;
	}
	add(c, "mcmigd", CHECK_OK, NULL, "%s on the %s bus", CTL_AGENT_NAME,
	    c->session ? "session" : "system");
	rows = g_variant_get_child_value(v, 0);
	g_variant_iter_init(&it, rows);
	while (g_variant_iter_next(&it, "(&s&s&s&s)", &name, &result, &detail, &remedy))
		add(c, name, result_of(result), remedy, "%s", detail);
	g_variant_unref(rows);
	g_variant_unref(v);
	g_object_unref(bus);
}

/* ---- the partner records (NOTE 4: fetched before the need, with a validity) ---- */

static void report_skipped(const char *file, int err, const char *why, void *user_data)
{
	struct check *c = user_data;

	add(c, "partner record", CHECK_WARN,
	    err == -ESTALE ?
		    "fetch it again: mcmigctl migrate --fetch-only --partner ID" :
		    "remove it; fetch it again: mcmigctl migrate --fetch-only --partner ID",
	    "%s: %s", file, why);
}

static void check_partners(struct check *c)
{
	struct partner_config valid[PCFG_PROFILE_MAX];
	char err[256], until[32];
	struct store *st;
	size_t n, i;
	int ret;

	ret = store_open_reader(&st, c->cfg.state_dir, err, sizeof(err));
	if (ret < 0) {
		add(c, "partner records", ret == -ENOENT ? CHECK_WARN : CHECK_FAIL,
		    ret == -ENOENT ? "mcmigd makes it when it starts" :
				     "run mcmigctl check as root",
		    "%s", err);
		return;
	}
	store_load_all(st, time(NULL), valid, PCFG_PROFILE_MAX, &n, report_skipped, c);
	store_close(st);
	for (i = 0; i < n; i++) {
		cmc_xml_format_time(valid[i].valid_until, until);
		add(c, "partner record", CHECK_OK, NULL, "%s: valid until %s (%s)",
		    valid[i].partner_id, until, pcfg_source_str(valid[i].source));
		partner_config_clear(&valid[i]);
	}
	c->n_valid = n;
	if (!n)
		add(c, "partner records", CHECK_WARN,
		    "the \"primary unreachable\" trigger needs one: mcmigctl migrate --fetch-only "
		    "--partner ID",
		    "no valid partner configuration stored: a migration asks the CMS first");
}

/* ---- the CMS: TLS verified with the configured CA, the token accepted ---- */

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	return size * n;
}

/*
 * An empty POST to the client's URL with its token: the CMS authenticates
 * the bearer token before it reads a body (RFC 6750 3.1: 401 invalid_token),
 * so 401 means the token was refused and any other answer that it was
 * accepted; nothing is requested, nothing allocated.
 */
static void check_cms(struct check *c)
{
	const struct cmc_config *cc = &c->cfg.cmc;
	struct curl_slist *h = NULL, *h2;
	char reason[256], cerr[CURL_ERROR_SIZE] = "";
	enum check_result bad = c->n_valid ? CHECK_WARN : CHECK_FAIL;
	const char *uses = c->n_valid ? "; a migration uses the stored partner configuration" : "";
	CURLcode cc_ret = CURLE_OK;
	long status = 0;
	CURL *easy;

	if (cc->token_file && cmc_token_header(cc->token_file, &h, reason, sizeof(reason)) < 0) {
		add(c, "CMS", bad, "install the bearer token: owner mcmig, mode 0600", "%s%s",
		    reason, uses);
		return;
	}
	h2 = curl_slist_append(h, "Content-Type:"); /* no body, no type */
	easy = h2 ? curl_easy_init() : NULL;
	if (!easy) {
		curl_slist_free_all(h2 ? h2 : h);
		add(c, "CMS", CHECK_FAIL, NULL, "out of memory");
		return;
	}
	h = h2;
#define SET(opt, val)                                              \
	do {                                                       \
		if (cc_ret == CURLE_OK)                            \
			cc_ret = curl_easy_setopt(easy, opt, val); \
	} while (0)
	/* As every request of agent/cmc.c: HTTPS only, always verified. */
	cc_ret = (CURLcode)cmc_easy_secure(easy, cc->url, cc->ca_file);
	SET(CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
	SET(CURLOPT_HTTPHEADER, h);
	SET(CURLOPT_POSTFIELDS, "");
	SET(CURLOPT_POSTFIELDSIZE, 0L);
	SET(CURLOPT_WRITEFUNCTION, discard);
	SET(CURLOPT_ERRORBUFFER, cerr);
#undef SET
	if (cc_ret == CURLE_OK)
		cc_ret = curl_easy_perform(easy);
	if (cc_ret == CURLE_OK)
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(easy);
	/* The Authorization header is a secret: wiped before it is freed. */
	for (h2 = h; h2; h2 = h2->next)
		util_wipe(h2->data, strlen(h2->data));
	curl_slist_free_all(h);

	if (cc_ret == CURLE_PEER_FAILED_VERIFICATION || cc_ret == CURLE_SSL_CACERT_BADFILE ||
	    cc_ret == CURLE_SSL_CONNECT_ERROR || cc_ret == CURLE_SSL_CERTPROBLEM) {
		add(c, "CMS", bad,
		    "[cmc] ca-file must hold the CA that signed the CMS's certificate, whose name "
		    "must be the URL's host",
		    "%s: TLS not verified: %s%s", cc->url,
		    cerr[0] ? cerr : curl_easy_strerror(cc_ret), uses);
		return;
	}
	if (cc_ret != CURLE_OK) {
		add(c, "CMS", bad, "check the primary PDN and the route to the CMS's address",
		    "%s: not reachable: %s%s", cc->url, cerr[0] ? cerr : curl_easy_strerror(cc_ret),
		    uses);
		return;
	}
	if (status == 401) {
		add(c, "CMS", bad, "renew the bearer token in [cmc] token-file",
		    "%s: TLS verified, token refused (HTTP 401)%s", cc->url, uses);
		return;
	}
	add(c, "CMS", CHECK_OK, NULL,
	    "%s: TLS verified, token accepted (HTTP %ld to an empty request)", cc->url, status);
}

/* ---- output ---- */

static void print_text(const struct check *c, unsigned int fails)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct check_row *r = &c->rows[i];

		printf("%-4s  %-16s %s\n", result_words[r->result], r->name, r->detail);
		if (r->result != CHECK_OK && r->remedy[0])
			printf("      %-16s -> %s\n", "", r->remedy);
	}
	if (fails)
		printf("not ready: %u check%s failed\n", fails, fails == 1 ? "" : "s");
	else
		printf("ready: a migration can start\n");
}

static void print_json(const struct check *c, unsigned int fails)
{
	size_t i;

	printf("{\"ready\":%s,\"checks\":[", fails ? "false" : "true");
	for (i = 0; i < c->n; i++) {
		const struct check_row *r = &c->rows[i];

		printf("%s{\"check\":", i ? "," : "");
		ctl_json_str(r->name, true);
		printf(",\"result\":\"%s\",\"detail\":", result_names[r->result]);
		/* Card and network text need not be UTF-8. */
		ctl_json_str(r->detail, true);
		printf(",\"remedy\":");
		ctl_json_str(r->remedy, true);
		printf("}");
	}
	printf("]}\n");
}

static const char check_usage[] =
	"usage: mcmigctl check [--config FILE] [--timeout MS] [--json] [--session]\n"
	"  whether a migration can start: configuration, board, reader, ISIM, EF_IST\n"
	"  service 15, mcmigd and through it the modem, serving network and primary\n"
	"  PDN, partner records, CMS (TLS verified, token); OK, WARN or FAIL each\n"
	"  --config FILE  mcmigd's configuration (default " MCMIG_SYSCONFDIR "/mcmig/mcmig.conf)\n"
	"  --timeout MS   the bound of the card and of the CMS probe (5000)\n"
	"exit: 0 no FAIL (a migration can start), 1 at least one FAIL, 2 usage\n";

static int parse(int argc, char **argv, struct check *c)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "session", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	c->config_path = MCMIG_SYSCONFDIR "/mcmig/mcmig.conf";
	c->timeout_ms = 5000;
	c->session = ctl_bus_session_default();
	optind = 1;
	while ((o = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			c->config_path = optarg;
			break;
		case 't':
			if (ctl_parse_uint(optarg, 600000, &c->timeout_ms) < 0) {
				fprintf(stderr, "mcmigctl: --timeout: 1..600000 ms\n");
				return CTL_EXIT_USAGE;
			}
			break;
		case 'j':
			c->json = true;
			break;
		case 's':
			c->session = true;
			break;
		case 'h':
			printf("%s", check_usage);
			return -1;
		default:
			fprintf(stderr, "%s", check_usage);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s", check_usage);
		return CTL_EXIT_USAGE;
	}
	return 0;
}

static int check_main(int argc, char **argv)
{
	struct check *c = g_new0(struct check, 1);
	unsigned int fails = 0;
	size_t i;
	int ret;

	ret = parse(argc, argv, c);
	if (ret) {
		g_free(c);
		return ret < 0 ? CTL_EXIT_OK : ret;
	}
	ret = check_config(c);
	/* [agent] bus=session in the configuration: mcmigd is on the session bus. */
	if (ret == 0 && c->cfg.session_bus)
		c->session = true;
	if (ret == 0 && check_board(c) == 0)
		check_card(c);
	check_daemon(c);
	if (ret == 0) {
		check_partners(c);
		if (c->cfg.cmc_url[0])
			check_cms(c);
		else
			add(c, "CMS", c->n_valid ? CHECK_WARN : CHECK_FAIL,
			    "set [cmc] url (mcmig.conf(5))", "no [cmc] url configured");
	}
	for (i = 0; i < c->n; i++)
		fails += c->rows[i].result == CHECK_FAIL;
	if (c->json)
		print_json(c, fails);
	else
		print_text(c, fails);
	g_free(c);
	return fails ? CTL_EXIT_FAILURE : CTL_EXIT_OK;
}

const struct ctl_command ctl_check_command = { "check", "is the board ready to migrate?",
					       check_main };
