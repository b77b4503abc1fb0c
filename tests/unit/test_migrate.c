// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Golden traces of the migration state machine: every path, every failure
 * path. Fakes stand behind every ops struct and record what they were asked;
 * the test completes their callbacks by hand and drives a fake clock, so a
 * trace is the exact, deterministic sequence of transitions and calls.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "migrate.h"
#include "test-data.h"
#include "util.h"

#define PARTNER "urn:mcmig:system:partner-b"
#define NOW	((time_t)1764000000) /* before the document's valid-until */
#define PDN_ID	7

static char trace[16384];

static void tr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void tr(const char *fmt, ...)
{
	size_t n = strlen(trace);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(trace + n, sizeof(trace) - n, fmt, ap);
	va_end(ap);
	strncat(trace, "\n", sizeof(trace) - strlen(trace) - 1);
}

/* ---- fake clock and timers ---- */

struct fake_timer {
	unsigned int id;
	unsigned long due;
	migrate_timer_fn fn;
	void *data;
};

static unsigned long now_ms;
static struct fake_timer timers[8];
static unsigned int next_timer_id;

static time_t fake_now(void *ctx)
{
	return NOW + (time_t)(now_ms / 1000);
}

static unsigned int fake_timer_add(void *ctx, unsigned int ms, migrate_timer_fn fn, void *data)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(timers); i++) {
		if (!timers[i].id) {
			timers[i] = (struct fake_timer){ ++next_timer_id, now_ms + ms, fn, data };
			return timers[i].id;
		}
	}
	fail_msg("out of fake timers");
	return 0;
}

static void fake_timer_del(void *ctx, unsigned int id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(timers); i++)
		if (timers[i].id == id)
			timers[i].id = 0;
}

/* Advances the clock by @ms, firing due timers in order. */
static void advance(unsigned long ms)
{
	unsigned long end = now_ms + ms;

	for (;;) {
		struct fake_timer *first = NULL;
		struct fake_timer t;
		size_t i;

		for (i = 0; i < ARRAY_SIZE(timers); i++)
			if (timers[i].id && timers[i].due <= end &&
			    (!first || timers[i].due < first->due))
				first = &timers[i];
		if (!first)
			break;
		t = *first;
		first->id = 0;
		now_ms = t.due;
		t.fn(t.data);
	}
	now_ms = end;
}

static void fake_log(void *ctx, const char *line)
{
	tr("%s", line);
}

/* ---- fake CMC ---- */

static cmc_done_cb cmc_cb;
static void *cmc_ud;
static struct partner_config doc_cfg;

static int fake_fetch(void *ctx, const struct cmc_request *req, cmc_done_cb cb, void *ud)
{
	tr("cmc.fetch id=%s plmn=%s-%s partner=%s", req->mc_service_id,
	   req->serving ? req->serving->mcc : "", req->serving ? req->serving->mnc : "",
	   req->requested_partner ? req->requested_partner : "(location)");
	cmc_cb = cb;
	cmc_ud = ud;
	return 0;
}

static void fake_cancel(void *ctx)
{
	tr("cmc.cancel");
	if (cmc_cb)
		cmc_cb(-ECANCELED, "cancelled", NULL, cmc_ud);
	cmc_cb = NULL;
}

static void cmc_answer(int err, const char *reason)
{
	cmc_done_cb cb = cmc_cb;

	cmc_cb = NULL;
	assert_non_null(cb);
	cb(err, reason, err ? NULL : &doc_cfg, cmc_ud);
}

static const struct migrate_cmc_ops cmc_ops = { fake_fetch, fake_cancel };

/* ---- fake store ---- */

static bool stored;
static int puts_count;

static int fake_put(void *ctx, const struct partner_config *cfg)
{
	tr("store.put %s source=%s", cfg->partner_id, pcfg_source_str(cfg->source));
	stored = true;
	puts_count++;
	return 0;
}

static int fake_get(void *ctx, const char *id, time_t now, struct partner_config *cfg, char *why,
		    size_t why_len)
{
	if (!stored || strcmp(id, PARTNER) != 0) {
		tr("store.get %s: none", id);
		snprintf(why, why_len, "no stored configuration for partner %s", id);
		return -ENOENT;
	}
	tr("store.get %s: ok", id);
	return partner_config_copy(cfg, &doc_cfg);
}

static int fake_persist(void *ctx, const char *text)
{
	char line[512], *p;

	snprintf(line, sizeof(line), "%s", text);
	for (p = line; (p = strchr(p, '\n'));)
		*p = p[1] ? ' ' : '\0';
	tr("persist %s", line);
	return 0;
}

static const struct migrate_store_ops store_ops = { fake_put, fake_get, fake_persist };

/* ---- fake modem and netdev ---- */

static modem_connect_cb connect_cb;
static void *connect_ud;
static modem_done_cb disc_cb;
static void *disc_ud;
static int netdev_err;

static void fake_connect(struct modem *m, const struct modem_pdn_params *p, modem_connect_cb cb,
			 void *ud)
{
	tr("modem.connect apn=%s ip=%d auth=%d user=%s password=%s", p->apn, p->ip_type, p->auth,
	   p->username, p->password[0] ? "(set)" : "(none)");
	connect_cb = cb;
	connect_ud = ud;
}

static void fake_disconnect(struct modem *m, modem_pdn_id id, modem_done_cb cb, void *ud)
{
	tr("modem.disconnect %u", id);
	disc_cb = cb;
	disc_ud = ud;
}

/* A PDN of the multi-PDN tests: its own id, netdev and addresses. */
static void pdn_answer_as(modem_pdn_id id, const char *ifname, const char *addr4, const char *addr6)
{
	struct modem_pdn_settings s = { .prefix4 = 24, .prefix6 = 64 };
	modem_connect_cb cb = connect_cb;

	strcpy(s.ifname, ifname);
	strcpy(s.addr4, addr4);
	strcpy(s.addr6, addr6);
	connect_cb = NULL;
	assert_non_null(cb);
	cb(0, NULL, id, &s, connect_ud);
}

static void pdn_answer(int err, const char *reason)
{
	struct modem_pdn_settings s = {
		.ifname = "wwan1",
		.addr4 = "198.51.100.2",
		.prefix4 = 24,
		.gw4 = "198.51.100.1",
		.pcscf = { "198.51.100.1" },
		.n_pcscf = 1,
	};
	modem_connect_cb cb = connect_cb;

	connect_cb = NULL;
	assert_non_null(cb);
	cb(err, reason, PDN_ID, err ? NULL : &s, connect_ud);
}

static void disc_answer(void)
{
	modem_done_cb cb = disc_cb;

	disc_cb = NULL;
	assert_non_null(cb);
	cb(0, NULL, disc_ud);
}

static const struct modem_ops modem_ops = {
	.name = "fake",
	.connect = fake_connect,
	.disconnect = fake_disconnect,
};

static int fake_configure(const struct modem_pdn_settings *s)
{
	size_t i;

	tr("netdev.configure %s %s/%u", s->ifname, s->addr4, s->prefix4);
	for (i = 0; i < s->n_server; i++)
		tr("netdev.route %s %s", s->ifname, s->server[i]);
	return netdev_err;
}

static int fake_deconfigure(const struct modem_pdn_settings *s)
{
	tr("netdev.deconfigure %s", s->ifname);
	return 0;
}

static const struct netdev_ops netdev_ops = {
	.name = "fake",
	.configure = fake_configure,
	.deconfigure = fake_deconfigure,
};

/* ---- fake sipreg: the test plays the events sipreg emits ---- */

static struct sipreg_events sip_ev;
static unsigned int sip_reg_event_expires; /* what migrate asked sipreg for */
static int fake_reg_obj;
static int fake_card_obj; /* the card: migrate hands it to sipreg and never uses it */

static int fake_sip_create(struct sipreg **reg, const struct sipreg_config *cfg, struct card *card,
			   const struct sipreg_events *ev)
{
	tr("sip.create impi=%s impu=%s domain=%s pcscf=%s:%u %s local=%s", cfg->impi, cfg->impu,
	   cfg->domain, cfg->pcscf_host, cfg->pcscf_port,
	   cfg->transport == SIPREG_TRANSPORT_TCP ? "tcp" : "udp",
	   cfg->local_addr ? cfg->local_addr : "any");
	assert_ptr_equal(card, (struct card *)&fake_card_obj);
	sip_ev = *ev;
	sip_reg_event_expires = cfg->reg_event_expires;
	*reg = (struct sipreg *)&fake_reg_obj;
	return 0;
}

static int fake_sip_start(struct sipreg *reg)
{
	tr("sip.start");
	return 0;
}

static int fake_sip_stop(struct sipreg *reg)
{
	tr("sip.stop");
	return 0;
}

static void fake_sip_destroy(struct sipreg *reg)
{
	tr("sip.destroy");
}

static const struct migrate_sip_ops sip_ops = { fake_sip_create, fake_sip_start, fake_sip_stop,
						fake_sip_destroy };

static void sip_say(enum sipreg_result r, const char *reason)
{
	struct sipreg_info info = { .expires = 600 };

	sip_ev.result(r, reason, &info, sip_ev.user_data);
}

/* What sipreg tells on a 401: it asks the card now (steps 22-23). */
static void sip_challenged(void)
{
	sip_ev.challenged(sip_ev.user_data);
}

/* The card's times as the worker took them, on the daemon's clock. */
#define CARD_START_US 1000001
#define CARD_END_US   1000901

/* The card answered, as sipreg tells it. */
static void card_answer(void)
{
	const struct card_times t = { CARD_START_US, CARD_END_US };

	sip_ev.auth_done(0, "ok", &t, sip_ev.user_data);
}

static void sip_sent(enum sipreg_request kind, bool retransmission)
{
	sip_ev.request_sent(kind, retransmission, sip_ev.user_data);
}

static void sip_received(unsigned int status, const char *phrase)
{
	sip_ev.response(status, phrase, sip_ev.user_data);
}

/* The timeline steps (migrate_env.step), one line each; "@t" when not stamped now. */
static char steps[4096];

static void fake_step(void *ctx, enum timeline_kind kind, unsigned int seed_step, const char *arg,
		      int64_t at_us)
{
	size_t n = strlen(steps);

	snprintf(steps + n, sizeof(steps) - n, "%s %u %s", timeline_kind_str(kind), seed_step,
		 arg ? arg : "-");
	n = strlen(steps);
	if (at_us)
		snprintf(steps + n, sizeof(steps) - n, " @%lld", (long long)at_us);
	n = strlen(steps);
	snprintf(steps + n, sizeof(steps) - n, "\n");
}

/* ---- fake IdM client (idm.h) ---- */

static idm_token_cb idm_cb;
static void *idm_ud;
static int idm_err; /* what partner_token() returns */

static int fake_partner_token(void *ctx, const struct partner_config *pc, idm_token_cb done,
			      void *ud)
{
	tr("idm.partner_token %s -> %d", pc->idms_token_endpoint, idm_err);
	if (idm_err)
		return idm_err;
	idm_cb = done;
	idm_ud = ud;
	return 0;
}

static void fake_idm_cancel(void *ctx)
{
	tr("idm.cancel");
	if (idm_cb)
		idm_cb(-ECANCELED, "cancelled", NULL, idm_ud);
	idm_cb = NULL;
}

static const struct migrate_idm_ops idm_ops = { fake_partner_token, fake_idm_cancel };

static void idm_answer(int err, const char *reason)
{
	struct idm_token tok = { .access_token = "eyJ.partner.tok",
				 .client_id = "mcmig-ue",
				 .expires_at = NOW + 3600 };
	idm_token_cb cb = idm_cb;

	idm_cb = NULL;
	assert_non_null(cb);
	cb(err, reason, err ? NULL : &tok, idm_ud);
	util_wipe(&tok, sizeof(tok));
}

/* ---- fixture ---- */

static struct migrate *fsm;
static struct migrate_config fsm_cfg;

static bool with_idm;

static int setup(void **state)
{
	struct migrate_env env = {
		.idm = with_idm ? &idm_ops : NULL,
		.now = fake_now,
		.timer_add = fake_timer_add,
		.timer_del = fake_timer_del,
		.log = fake_log,
		.step = fake_step,
		.cmc = &cmc_ops,
		.store = &store_ops,
		.modem = &modem_ops,
		.netdev = &netdev_ops,
		.sip = &sip_ops,
		.card = (struct card *)&fake_card_obj,
	};
	char err[CMC_XML_ERRMSG_MAX];
	size_t len;
	char *doc = test_data_read("partner-connection.xml", &len);

	assert_int_equal(cmc_xml_parse_answer((uint8_t *)doc, len, PCFG_SOURCE_CMS, &doc_cfg, err,
					      sizeof(err)),
			 0);
	free(doc);
	/*
	 * One PDN in the common paths (the document's common core names
	 * another set): test_every_con_ref and the ones after it bring up each.
	 */
	doc_cfg.con_ref[PCFG_SVC_COMMON_CORE][0] = '\0';
	trace[0] = '\0';
	steps[0] = '\0';
	now_ms = 0;
	memset(timers, 0, sizeof(timers));
	next_timer_id = 0;
	stored = false;
	puts_count = 0;
	netdev_err = 0;
	cmc_cb = NULL;
	connect_cb = NULL;
	disc_cb = NULL;
	memset(&fsm_cfg, 0, sizeof(fsm_cfg));
	fsm_cfg.mc_service_id = "sip:alice@mcptt.primary.example";
	fsm_cfg.n_policy = 1;
	strcpy(fsm_cfg.policy[0].mcc, "999");
	strcpy(fsm_cfg.policy[0].mnc, "99");
	fsm_cfg.policy[0].tac_min = 100;
	fsm_cfg.policy[0].tac_max = 199;
	strcpy(fsm_cfg.policy[0].partner_id, PARTNER);
	assert_int_equal(migrate_new(&fsm, &env, &fsm_cfg), 0);
	return 0;
}

static int setup_idm(void **state)
{
	with_idm = true;
	idm_err = 0;
	idm_cb = NULL;
	return setup(state);
}

static int teardown(void **state)
{
	with_idm = false;
	migrate_free(fsm);
	/* What closing the modem does: pending calls end with -ECANCELED. */
	if (connect_cb)
		connect_cb(-ECANCELED, "closed", 0, NULL, connect_ud);
	connect_cb = NULL;
	partner_config_clear(&doc_cfg);
	return 0;
}

static void check_trace(const char *expected)
{
	if (strcmp(trace, expected) != 0) {
		fprintf(stderr, "---- actual trace ----\n%s---- expected ----\n%s", trace,
			expected);
		fail();
	}
	trace[0] = '\0';
}

/* The common prefix: migrate, fetch, store, PDN up, REGISTER, 401, card, 200. */
static const char fetch_trace[] =
	"store.get " PARTNER ": none\n"
	"no usable stored configuration for " PARTNER
	": no stored configuration for partner " PARTNER "\n"
	"idle-on-primary -> partner-config-requested (migrate)\n"
	"timer T-cmc armed: 120000 ms\n"
	"cmc.fetch id=sip:alice@mcptt.primary.example plmn=- partner=" PARTNER "\n";
static const char stored_trace[] = "store.put " PARTNER " source=cms\n"
				   "partner-config-requested -> partner-config-stored (config-ok)\n"
				   "timer T-valid armed: 86400000 ms\n"
				   "persist state=partner-config-stored partner=" PARTNER
				   " reason=\n";
static const char connect_trace[] =
	"partner-config-stored -> pdn-connecting (connect)\n"
	"timer T-pdn armed: 60000 ms\n"
	"connecting partner PDN apn=mcptt.partner.example con-ref=partner-mcptt\n"
	"modem.connect apn=mcptt.partner.example ip=0 auth=2 user=u-4f2a9c password=(set)\n";
static const char register_trace[] =
	"netdev.configure wwan1 198.51.100.2/24\n"
	"pdn-connecting -> registering (pdn-up)\n"
	"timer T-reg armed: 40000 ms\n"
	"registering sip:in-4f2a9c@ims.partner.example at 198.51.100.1:5060\n"
	"sip.create impi=in-4f2a9c@ims.partner.example impu=sip:in-4f2a9c@ims.partner.example "
	"domain=ims.partner.example pcscf=198.51.100.1:5060 udp local=198.51.100.2\n"
	"sip.start\n";
/* No timer of its own: the card's one bound ends every AUTHENTICATE (card.c). */
static const char challenged_trace[] = "registering -> challenged (challenged)\n";
static const char registered_trace[] = "challenged -> registering (auth-done)\n"
				       "timer T-reg armed: 40000 ms\n"
				       "registering -> registered-at-partner (registered)\n"
				       "persist state=registered-at-partner partner=" PARTNER
				       " reason=\n";

static void to_registering(void)
{
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	if (cmc_cb)
		cmc_answer(0, NULL);
	pdn_answer(0, NULL);
	trace[0] = '\0';
	assert_int_equal(migrate_get_state(fsm), MIGRATE_REGISTERING);
}

static void to_registered(void)
{
	to_registering();
	sip_challenged();
	card_answer();
	sip_say(SIPREG_REGISTERED, NULL);
	trace[0] = '\0';
	assert_int_equal(migrate_get_state(fsm), MIGRATE_REGISTERED);
}

/* The rollback after a SIP failure: SIP freed, netdev and partner PDN down. */
static const char rollback_trace[] = "registering -> disconnecting (reg-failed)\n"
				     "timer T-down armed: 15000 ms\n"
				     "netdev.deconfigure wwan1\n"
				     "modem.disconnect 7\n";

static void test_happy_path_and_return(void **state)
{
	char expected[8192];

	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	cmc_answer(0, NULL);
	pdn_answer(0, NULL);
	sip_challenged();
	assert_int_equal(migrate_get_state(fsm), MIGRATE_CHALLENGED);
	card_answer();
	sip_say(SIPREG_REGISTERED, NULL);
	snprintf(expected, sizeof(expected), "%s%s%s%s%s%s", fetch_trace, stored_trace,
		 connect_trace, register_trace, challenged_trace, registered_trace);
	check_trace(expected);
	assert_string_equal(migrate_get_partner(fsm), PARTNER);
	assert_string_equal(migrate_get_reason(fsm), "");
	/* A refresh re-challenged while registered: no transition, no timeline steps. */
	steps[0] = '\0';
	sip_challenged();
	card_answer();
	sip_say(SIPREG_REFRESHED, NULL);
	check_trace("registration refreshed, expires in 600 s\n");
	assert_string_equal(steps, "");
	/* Return: de-register, then the partner PDN goes. */
	assert_int_equal(migrate_return(fsm), 0);
	sip_say(SIPREG_DEREGISTERED, NULL);
	disc_answer();
	advance(0);
	check_trace("registered-at-partner -> returning (return)\n"
		    "timer T-dereg armed: 10000 ms\n"
		    "sip.stop\n"
		    "returning -> disconnecting (deregistered)\n"
		    "timer T-down armed: 15000 ms\n"
		    "netdev.deconfigure wwan1\n"
		    "modem.disconnect 7\n"
		    "disconnecting -> idle-on-primary (pdn-down)\n"
		    "persist state=idle-on-primary partner=" PARTNER " reason=\n"
		    "sip.destroy\n");
	assert_int_equal(migrate_get_state(fsm), MIGRATE_IDLE);
	assert_int_equal(puts_count, 1);
}

/*
 * Three TS 24.484 con-refs naming three sets: @doc_cfg gets a third set
 * (IPv6 only) for MC ID, the common core keeps the document's partner-ims,
 * and servers of each service (IP literals, and a name that is not routed).
 */
static void three_sets(void)
{
	struct pcfg_connectivity *c = &doc_cfg.conn[doc_cfg.n_conn++];

	strcpy(c->con_ref, "partner-id");
	strcpy(c->pdn.apn, "id.partner.example");
	c->pdn.ip_type = MODEM_IP_V6;
	strcpy(doc_cfg.con_ref[PCFG_SVC_COMMON_CORE], "partner-ims");
	strcpy(doc_cfg.con_ref[PCFG_SVC_MC_ID], "partner-id");
	doc_cfg.n_server = 0;
	strcpy(doc_cfg.server[doc_cfg.n_server].host, "198.51.100.65");
	doc_cfg.server[doc_cfg.n_server++].service = PCFG_SVC_COMMON_CORE;
	strcpy(doc_cfg.server[doc_cfg.n_server].host, "2001:db8:3::1");
	doc_cfg.server[doc_cfg.n_server++].service = PCFG_SVC_MC_ID;
	strcpy(doc_cfg.server[doc_cfg.n_server].host, "idms.partner.example");
	doc_cfg.server[doc_cfg.n_server++].service = PCFG_SVC_MC_ID;
}

/* The PDN answers of the three sets, in order: MCPTT's, the common core's, MC ID's. */
static void sets_up(size_t k)
{
	static const struct {
		modem_pdn_id id;
		const char *ifname, *addr4, *addr6;
	} up[] = {
		{ 7, "wwan1", "198.51.100.2", "" },
		{ 8, "wwan2", "198.51.100.66", "" },
		{ 9, "wwan3", "", "2001:db8:3::2" },
	};
	size_t i;

	for (i = 0; i < k; i++)
		pdn_answer_as(up[i].id, up[i].ifname, up[i].addr4, up[i].addr6);
}

/* A migration to the three sets, the CMS answered, the first @k sets up. */
static void three_sets_migrate(size_t k)
{
	three_sets();
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	cmc_answer(0, NULL);
	sets_up(k);
}

static const char three_up_trace[] =
	"partner PDN 1 of 3 up on wwan1\n"
	"connecting partner PDN apn=ims con-ref=partner-ims\n"
	"modem.connect apn=ims ip=2 auth=0 user= password=(none)\n"
	"partner PDN 2 of 3 up on wwan2\n"
	"connecting partner PDN apn=id.partner.example con-ref=partner-id\n"
	"modem.connect apn=id.partner.example ip=1 auth=0 user= password=(none)\n";

/*
 * Every distinct set comes up, one after the other, MCPTT's first; each
 * netdev routes the servers of its services; SIP goes over the MCPTT PDN;
 * the return takes them down in reverse order.
 */
static void test_every_con_ref(void **state)
{
	char expected[8192];

	three_sets_migrate(1);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_PDN_CONNECTING);
	pdn_answer_as(8, "wwan2", "198.51.100.66", "");
	pdn_answer_as(9, "wwan3", "", "2001:db8:3::2");
	sip_challenged();
	card_answer();
	sip_say(SIPREG_REGISTERED, NULL);
	snprintf(expected, sizeof(expected), "%s%s%s%s%s%s%s", fetch_trace, stored_trace,
		 connect_trace, three_up_trace,
		 "netdev.configure wwan1 198.51.100.2/24\n"
		 "netdev.route wwan1 198.51.100.1\n"
		 "netdev.configure wwan2 198.51.100.66/24\n"
		 "netdev.route wwan2 198.51.100.65\n"
		 "netdev.configure wwan3 /24\n"
		 "netdev.route wwan3 2001:db8:3::1\n"
		 "pdn-connecting -> registering (pdn-up)\n"
		 "timer T-reg armed: 40000 ms\n"
		 "registering sip:in-4f2a9c@ims.partner.example at 198.51.100.1:5060\n"
		 "sip.create impi=in-4f2a9c@ims.partner.example "
		 "impu=sip:in-4f2a9c@ims.partner.example domain=ims.partner.example "
		 "pcscf=198.51.100.1:5060 udp local=198.51.100.2\n"
		 "sip.start\n",
		 challenged_trace, registered_trace);
	check_trace(expected);
	assert_int_equal(migrate_return(fsm), 0);
	sip_say(SIPREG_DEREGISTERED, NULL);
	disc_answer();
	disc_answer();
	disc_answer();
	advance(0);
	check_trace("registered-at-partner -> returning (return)\n"
		    "timer T-dereg armed: 10000 ms\n"
		    "sip.stop\n"
		    "returning -> disconnecting (deregistered)\n"
		    "timer T-down armed: 15000 ms\n"
		    "netdev.deconfigure wwan3\n"
		    "modem.disconnect 9\n"
		    "netdev.deconfigure wwan2\n"
		    "modem.disconnect 8\n"
		    "netdev.deconfigure wwan1\n"
		    "modem.disconnect 7\n"
		    "disconnecting -> idle-on-primary (pdn-down)\n"
		    "persist state=idle-on-primary partner=" PARTNER " reason=\n"
		    "sip.destroy\n");
}

/* A later set refused: the ones already up go down, newest first; failed, named. */
static void test_later_con_ref_fails(void **state)
{
	three_sets_migrate(2);
	trace[0] = '\0';
	pdn_answer(-ECONNREFUSED, "missing or unknown APN (3GPP cause 27)");
	disc_answer();
	disc_answer();
	check_trace("pdn-connecting -> disconnecting (pdn-failed)\n"
		    "timer T-down armed: 15000 ms\n"
		    "modem.disconnect 8\n"
		    "modem.disconnect 7\n"
		    "disconnecting -> failed (pdn-down): pdn-failed: missing or unknown APN "
		    "(3GPP cause 27)\n"
		    "persist state=failed partner=" PARTNER
		    " reason=pdn-failed: missing or unknown APN (3GPP cause 27)\n");
	assert_string_equal(migrate_get_reason(fsm),
			    "pdn-failed: missing or unknown APN (3GPP cause 27)");
}

/*
 * The T-pdn guard over the whole set: one up, the next silent: the first goes
 * down, and the late answer is disconnected when it comes.
 */
static void test_con_ref_timeout(void **state)
{
	three_sets_migrate(1);
	trace[0] = '\0';
	advance(60000);
	disc_answer();
	pdn_answer_as(8, "wwan2", "198.51.100.66", "");
	check_trace("timer T-pdn expired in pdn-connecting\n"
		    "pdn-connecting -> disconnecting (timeout)\n"
		    "timer T-down armed: 15000 ms\n"
		    "modem.disconnect 7\n"
		    "disconnecting -> failed (pdn-down): pdn-failed: no answer from the modem\n"
		    "persist state=failed partner=" PARTNER
		    " reason=pdn-failed: no answer from the modem\n"
		    "late PDN 8 after giving up: disconnecting it\n"
		    "modem.disconnect 8\n");
}

/* Any of the PDNs dropped by the network ends the migration; the rest go down. */
static void test_con_ref_dropped(void **state)
{
	three_sets_migrate(1);
	/* Dropped while the next set connects: nothing else up, failed at once. */
	migrate_pdn_dropped(fsm, 7, "regular deactivation (3GPP cause 36)");
	assert_int_equal(migrate_get_state(fsm), MIGRATE_FAILED);
	pdn_answer_as(8, "wwan2", "198.51.100.66", "");
	advance(0);
	assert_non_null(strstr(trace, "late PDN 8 after giving up: disconnecting it\n"));
	trace[0] = '\0';
	/* And once registered: the common core's PDN goes. */
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	sets_up(3);
	sip_challenged();
	card_answer();
	sip_say(SIPREG_REGISTERED, NULL);
	trace[0] = '\0';
	migrate_pdn_dropped(fsm, 8, "regular deactivation (3GPP cause 36)");
	disc_answer();
	disc_answer();
	advance(0);
	check_trace("registered-at-partner -> disconnecting (pdn-dropped)\n"
		    "timer T-down armed: 15000 ms\n"
		    "netdev.deconfigure wwan3\n"
		    "modem.disconnect 9\n"
		    "netdev.deconfigure wwan2\n"
		    "netdev.deconfigure wwan1\n"
		    "modem.disconnect 7\n"
		    "disconnecting -> failed (pdn-down): pdn-dropped: regular deactivation "
		    "(3GPP cause 36)\n"
		    "persist state=failed partner=" PARTNER
		    " reason=pdn-dropped: regular deactivation (3GPP cause 36)\n"
		    "sip.destroy\n");
}

/*
 * SIP over IPv6 when the P-CSCF is IPv6: from the MCPTT PDN's IPv6 address
 * (an IPv6-only partner PDN has no IPv4 one at all).
 */
static void test_ipv6_pcscf(void **state)
{
	strcpy(doc_cfg.pcscf[0].uri, "sip:[2001:db8:1::1]:5060");
	doc_cfg.conn[1].pdn.ip_type = MODEM_IP_V6;
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	cmc_answer(0, NULL);
	trace[0] = '\0';
	pdn_answer_as(7, "wwan1", "", "2001:db8:1::2");
	check_trace("netdev.configure wwan1 /24\n"
		    "netdev.route wwan1 2001:db8:1::1\n"
		    "pdn-connecting -> registering (pdn-up)\n"
		    "timer T-reg armed: 40000 ms\n"
		    "registering sip:in-4f2a9c@ims.partner.example at 2001:db8:1::1:5060\n"
		    "sip.create impi=in-4f2a9c@ims.partner.example "
		    "impu=sip:in-4f2a9c@ims.partner.example domain=ims.partner.example "
		    "pcscf=2001:db8:1::1:5060 udp local=2001:db8:1::2\n"
		    "sip.start\n");
}

/* The timeline's steps of a whole migration and return, in order, with their seed steps. */
static void test_timeline_steps(void **state)
{
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	cmc_answer(0, NULL);
	pdn_answer(0, NULL);
	sip_sent(SIPREG_REQ_REGISTER, false);
	sip_sent(SIPREG_REQ_REGISTER, true); /* timer E */
	sip_received(100, "Trying");
	sip_received(401, "Unauthorized");
	sip_challenged();
	card_answer();
	sip_sent(SIPREG_REQ_REGISTER_AUTH, false);
	sip_received(200, "OK");
	sip_say(SIPREG_REGISTERED, NULL);
	/* A refresh while registered is not part of the migration. */
	sip_sent(SIPREG_REQ_REFRESH, false);
	sip_received(200, "OK");
	assert_int_equal(migrate_return(fsm), 0);
	sip_sent(SIPREG_REQ_DEREGISTER, false);
	sip_received(200, "OK");
	sip_say(SIPREG_DEREGISTERED, NULL);
	disc_answer();
	advance(0);
	assert_string_equal(steps, "trigger 0 migrate " PARTNER "\n"
				   "state 0 partner-config-requested\n"
				   "cms-request 1 " PARTNER "\n"
				   "cms-answer 13 ok\n"
				   "state 0 partner-config-stored\n"
				   "state 0 pdn-connecting\n"
				   "pdn-request 14 mcptt.partner.example\n"
				   "pdn-settings 14 198.51.100.2\n"
				   "netdev 14 wwan1\n"
				   "state 0 registering\n"
				   "register 15 -\n"
				   "sip-retransmit 0 -\n"
				   "sip-response 0 100 Trying\n"
				   "sip-response 22 401 Unauthorized\n"
				   "state 0 challenged\n"
				   "auth-start 23 - @1000001\n"
				   "auth-done 23 ok @1000901\n"
				   "state 0 registering\n"
				   "register-auth 23 -\n"
				   "sip-response 24 200 OK\n"
				   "state 0 registered-at-partner\n"
				   "trigger 0 return\n"
				   "state 0 returning\n"
				   "deregister 0 -\n"
				   "sip-response 0 200 OK\n"
				   "state 0 disconnecting\n"
				   "pdn-disconnect 0 -\n"
				   "pdn-down 0 -\n"
				   "state 0 idle-on-primary\n");
}

static void test_stored_config_no_fetch(void **state)
{
	char expected[4096];

	stored = true; /* steps 1-13 happened long before (NOTE 4) */
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	snprintf(expected, sizeof(expected), "%s%s",
		 "store.get " PARTNER ": ok\n"
		 "idle-on-primary -> partner-config-stored (migrate)\n"
		 "timer T-valid armed: 86400000 ms\n",
		 connect_trace);
	/* Only passing through partner-config-stored: no durable write on the way. */
	check_trace(expected);
	assert_null(cmc_cb);
}

static void test_fetch_only_then_migrate(void **state)
{
	assert_int_equal(migrate_fetch(fsm, NULL), 0);
	cmc_answer(0, NULL);
	check_trace("idle-on-primary -> partner-config-requested (fetch)\n"
		    "timer T-cmc armed: 120000 ms\n"
		    "cmc.fetch id=sip:alice@mcptt.primary.example plmn=- partner=(location)\n"
		    "store.put " PARTNER " source=cms\n"
		    "partner-config-requested -> partner-config-stored (config-ok)\n"
		    "timer T-valid armed: 86400000 ms\n"
		    "persist state=partner-config-stored partner=" PARTNER " reason=\n");
	assert_int_equal(migrate_start(fsm, NULL, MIGRATE_TRIGGER_MANUAL), 0);
	check_trace(connect_trace);
}

static void test_config_expires(void **state)
{
	assert_int_equal(migrate_fetch(fsm, PARTNER), 0);
	cmc_answer(0, NULL);
	trace[0] = '\0';
	advance((unsigned long)(doc_cfg.valid_until - NOW) * 1000);
	/* T-valid is capped at a day; it re-arms until valid-until is reached. */
	assert_int_equal(migrate_get_state(fsm), MIGRATE_IDLE);
	assert_non_null(strstr(
		trace, "timer T-valid expired in partner-config-stored\n"
		       "partner configuration of " PARTNER " expired at 2026-11-28T22:00:00Z\n"
		       "partner-config-stored -> idle-on-primary (config-expired)\n"));
}

static void test_cms_refuses(void **state)
{
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	cmc_answer(-EACCES, "partner-refused: not authorised");
	check_trace("store.get " PARTNER ": none\n"
		    "no usable stored configuration for " PARTNER
		    ": no stored configuration for partner " PARTNER "\n"
		    "idle-on-primary -> partner-config-requested (migrate)\n"
		    "timer T-cmc armed: 120000 ms\n"
		    "cmc.fetch id=sip:alice@mcptt.primary.example plmn=- partner=" PARTNER "\n"
		    "partner-config-requested -> failed (config-failed): partner-refused: not "
		    "authorised\n"
		    "persist state=failed partner=" PARTNER
		    " reason=partner-refused: not authorised\n");
	assert_int_equal(puts_count, 0);
	assert_null(connect_cb);
	/* A reason from the network is kept on one line (persisted, shown, logged). */
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	cmc_answer(-EACCES, "not-authorised: line one\nline two\r\tend");
	assert_string_equal(migrate_get_reason(fsm), "not-authorised: line one line two  end");
	/* From failed, a new attempt is allowed. */
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_CONFIG_REQUESTED);
}

static void test_cms_timeout(void **state)
{
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	trace[0] = '\0';
	advance(120000);
	check_trace("timer T-cmc expired in partner-config-requested\n"
		    "cmc.cancel\n"
		    "partner-config-requested -> failed (timeout): config-failed: no answer from "
		    "the configuration server\n"
		    "persist state=failed partner=" PARTNER
		    " reason=config-failed: no answer from the configuration server\n");
}

static void test_pdn_fails(void **state)
{
	stored = true;
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	trace[0] = '\0';
	pdn_answer(-EINVAL, "unknown APN (3GPP cause 27)");
	check_trace("pdn-connecting -> failed (pdn-failed): pdn-failed: unknown APN (3GPP cause "
		    "27)\n"
		    "persist state=failed partner=" PARTNER
		    " reason=pdn-failed: unknown APN (3GPP cause 27)\n");
	assert_null(disc_cb);
}

static void test_pdn_timeout_then_late_answer(void **state)
{
	stored = true;
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	trace[0] = '\0';
	advance(60000);
	pdn_answer(0, NULL);
	check_trace("timer T-pdn expired in pdn-connecting\n"
		    "pdn-connecting -> failed (timeout): pdn-failed: no answer from the modem\n"
		    "persist state=failed partner=" PARTNER
		    " reason=pdn-failed: no answer from the modem\n"
		    "late PDN 7 after giving up: disconnecting it\n"
		    "modem.disconnect 7\n");
	assert_int_equal(migrate_get_state(fsm), MIGRATE_FAILED);
}

static void test_netdev_fails(void **state)
{
	stored = true;
	netdev_err = -EPERM;
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	trace[0] = '\0';
	pdn_answer(0, NULL);
	disc_answer();
	check_trace("netdev.configure wwan1 198.51.100.2/24\n"
		    "pdn-connecting -> disconnecting (pdn-up)\n"
		    "timer T-down armed: 15000 ms\n"
		    "modem.disconnect 7\n"
		    "disconnecting -> failed (pdn-down): pdn-failed: netdev wwan1: Operation not "
		    "permitted\n"
		    "persist state=failed partner=" PARTNER
		    " reason=pdn-failed: netdev wwan1: Operation not permitted\n");
}

static void sip_failure(enum sipreg_result r, const char *why, const char *reason)
{
	char expected[2048];

	stored = true;
	to_registering();
	sip_say(r, why);
	disc_answer();
	advance(0);
	snprintf(expected, sizeof(expected),
		 "%sdisconnecting -> failed (pdn-down): %s\n"
		 "persist state=failed partner=" PARTNER " reason=%s\n"
		 "sip.destroy\n",
		 rollback_trace, reason, reason);
	check_trace(expected);
	/* Nothing lost: the stored configuration is still there for the next try. */
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	assert_non_null(strstr(trace, "failed -> partner-config-stored (migrate)\n"));
	assert_null(strstr(trace, "cmc.fetch"));
	assert_true(stored);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_PDN_CONNECTING);
}

static void test_auth_failed(void **state)
{
	sip_failure(SIPREG_AUTH_FAILED, "network MAC invalid", "auth-failed: network MAC invalid");
}

static void test_refused_revoked(void **state)
{
	sip_failure(SIPREG_REFUSED, "403 Forbidden (migration revoked)",
		    "registration-refused: 403 Forbidden (migration revoked)");
}

static void test_sip_timeout_result(void **state)
{
	sip_failure(SIPREG_TIMEOUT, "no answer (Timer F)",
		    "registration-timeout: no answer (Timer F)");
}

static void test_sip_failed_result(void **state)
{
	sip_failure(SIPREG_FAILED, NULL, "registration-failed: no reason given");
}

static void test_reg_guard_timeout(void **state)
{
	stored = true;
	to_registering();
	advance(40000);
	disc_answer();
	advance(0);
	check_trace("timer T-reg expired in registering\n"
		    "registering -> disconnecting (timeout)\n"
		    "timer T-down armed: 15000 ms\n"
		    "netdev.deconfigure wwan1\n"
		    "modem.disconnect 7\n"
		    "sip.destroy\n"
		    "disconnecting -> failed (pdn-down): registration-timeout: no final answer "
		    "from the partner\n"
		    "persist state=failed partner=" PARTNER
		    " reason=registration-timeout: no final answer from the partner\n");
}

/*
 * The card did not answer within its bound (card.c ends the AUTHENTICATE with
 * -ETIMEDOUT): sipreg tells it, then fails; the migration fails as auth-failed
 * and rolls back. The late answer itself is dropped by the card (test_card).
 */
static void test_card_timeout(void **state)
{
	static const struct card_times none;

	stored = true;
	to_registering();
	sip_challenged();
	trace[0] = '\0';
	sip_ev.auth_done(-ETIMEDOUT, "card or reader did not answer in time", &none,
			 sip_ev.user_data);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_CHALLENGED);
	sip_say(SIPREG_FAILED,
		"card AUTHENTICATE failed: card or reader did not answer in time (SW 0000)");
	advance(0);
	disc_answer();
	check_trace(
		"challenged -> disconnecting (reg-failed)\n"
		"timer T-down armed: 15000 ms\n"
		"netdev.deconfigure wwan1\n"
		"modem.disconnect 7\n"
		"sip.destroy\n"
		"disconnecting -> failed (pdn-down): auth-failed: card AUTHENTICATE failed: card "
		"or reader did not answer in time (SW 0000)\n"
		"persist state=failed partner=" PARTNER
		" reason=auth-failed: card AUTHENTICATE failed: card or reader did not answer in "
		"time (SW 0000)\n");
}

static void test_registration_lost(void **state)
{
	stored = true;
	to_registered();
	sip_say(SIPREG_LOST, "refresh refused (403)");
	disc_answer();
	advance(0);
	check_trace("registered-at-partner -> disconnecting (reg-lost)\n"
		    "timer T-down armed: 15000 ms\n"
		    "netdev.deconfigure wwan1\n"
		    "modem.disconnect 7\n"
		    "disconnecting -> failed (pdn-down): registration-lost: refresh refused (403)\n"
		    "persist state=failed partner=" PARTNER
		    " reason=registration-lost: refresh refused (403)\n"
		    "sip.destroy\n");
}

/*
 * The partner revoked the migration: the S-CSCF's NOTIFY marked our contact
 * terminated (TS 24.229 5.1.1.7). SIP is dropped without a de-registration,
 * netdev and partner PDN come down, and the agent ends on the primary, idle,
 * with the reason for mcmigctl status.
 */
static void test_deregistered_by_network(void **state)
{
	stored = true;
	to_registered();
	/* TS 24.229 5.1.1.3: migrate asks for the reg event subscription. */
	assert_int_equal(sip_reg_event_expires, 600000);
	sip_ev.subscription(403, "Forbidden", sip_ev.user_data);
	sip_ev.subscription(200, "OK", sip_ev.user_data);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_REGISTERED);
	sip_say(SIPREG_DEREGISTERED_BY_NETWORK, "unregistered");
	disc_answer();
	advance(0);
	check_trace("reg event subscription refused: 403 Forbidden (still registered; tried "
		    "again at the next refresh)\n"
		    "subscribed to the registration state (reg event): 200 OK\n"
		    "registered-at-partner -> disconnecting (deregistered-by-network)\n"
		    "timer T-down armed: 15000 ms\n"
		    "netdev.deconfigure wwan1\n"
		    "modem.disconnect 7\n"
		    "disconnecting -> idle-on-primary (pdn-down)\n"
		    "persist state=idle-on-primary partner=" PARTNER
		    " reason=deregistered-by-network: unregistered\n"
		    "sip.destroy\n");
	assert_int_equal(migrate_get_state(fsm), MIGRATE_IDLE);
	assert_string_equal(migrate_get_reason(fsm), "deregistered-by-network: unregistered");
	/* Only registered-at-partner knows the event. */
	trace[0] = '\0';
	sip_say(SIPREG_DEREGISTERED_BY_NETWORK, "rejected");
	check_trace("rejected event deregistered-by-network in state idle-on-primary\n");
	/* The next failure is a failure again. */
	to_registered();
	sip_say(SIPREG_LOST, "refresh refused (403)");
	disc_answer();
	advance(0);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_FAILED);
}

static void test_pdn_dropped(void **state)
{
	stored = true;
	to_registered();
	migrate_pdn_dropped(fsm, 3, "primary PDN, not ours");
	migrate_pdn_dropped(fsm, PDN_ID, "network detach");
	advance(0);
	check_trace("registered-at-partner -> disconnecting (pdn-dropped)\n"
		    "timer T-down armed: 15000 ms\n"
		    "netdev.deconfigure wwan1\n"
		    "disconnecting -> failed (pdn-down): pdn-dropped: network detach\n"
		    "persist state=failed partner=" PARTNER " reason=pdn-dropped: network detach\n"
		    "sip.destroy\n");
}

static void test_dereg_timeout_and_failure(void **state)
{
	stored = true;
	to_registered();
	assert_int_equal(migrate_return(fsm), 0);
	advance(10000);
	disc_answer();
	advance(0);
	check_trace("registered-at-partner -> returning (return)\n"
		    "timer T-dereg armed: 10000 ms\n"
		    "sip.stop\n"
		    "timer T-dereg expired in returning\n"
		    "de-registration unanswered: leaving anyway\n"
		    "returning -> disconnecting (timeout)\n"
		    "timer T-down armed: 15000 ms\n"
		    "netdev.deconfigure wwan1\n"
		    "modem.disconnect 7\n"
		    "sip.destroy\n"
		    "disconnecting -> idle-on-primary (pdn-down)\n"
		    "persist state=idle-on-primary partner=" PARTNER " reason=\n");
	/* A de-registration answered with an error still ends on the primary. */
	to_registered();
	assert_int_equal(migrate_return(fsm), 0);
	sip_say(SIPREG_TIMEOUT, "no answer");
	disc_answer();
	assert_int_equal(migrate_get_state(fsm), MIGRATE_IDLE);
	assert_non_null(strstr(trace, "de-registration: registration-timeout: no answer\n"));
}

static void test_disconnect_timeout(void **state)
{
	stored = true;
	to_registering();
	sip_say(SIPREG_AUTH_FAILED, "network MAC invalid");
	trace[0] = '\0';
	advance(15000);
	check_trace("sip.destroy\n"
		    "timer T-down expired in disconnecting\n"
		    "partner PDN disconnect unanswered\n"
		    "disconnecting -> failed (timeout): auth-failed: network MAC invalid\n"
		    "persist state=failed partner=" PARTNER
		    " reason=auth-failed: network MAC invalid\n");
}

static void test_return_while_connecting(void **state)
{
	stored = true;
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	trace[0] = '\0';
	assert_int_equal(migrate_return(fsm), 0);
	pdn_answer(0, NULL); /* the abandoned connect answers: taken down at once */
	check_trace("pdn-connecting -> disconnecting (return)\n"
		    "timer T-down armed: 15000 ms\n"
		    "disconnecting -> failed (pdn-down): cancelled: return requested while "
		    "migrating\n"
		    "persist state=failed partner=" PARTNER
		    " reason=cancelled: return requested while migrating\n"
		    "late PDN 7 after giving up: disconnecting it\n"
		    "modem.disconnect 7\n");
}

static void test_illegal_events(void **state)
{
	assert_int_equal(migrate_return(fsm), -EBUSY);
	stored = true;
	to_registering();
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), -EBUSY);
	assert_int_equal(migrate_fetch(fsm, NULL), -EBUSY);
	sip_say(SIPREG_DEREGISTERED, NULL);
	check_trace("rejected event migrate in state registering\n"
		    "rejected event fetch in state registering\n"
		    "rejected event deregistered in state registering\n");
	assert_int_equal(migrate_get_state(fsm), MIGRATE_REGISTERING);
}

static void test_location_trigger(void **state)
{
	struct modem_serving home = { .reg = MODEM_REG_HOME, .mcc = "001", .mnc = "01" };
	struct modem_serving away = {
		.reg = MODEM_REG_ROAMING, .mcc = "999", .mnc = "99", .has_tac = true, .tac = 150
	};
	struct modem_serving other_tac = away;

	other_tac.tac = 300;
	migrate_serving_changed(fsm, &home);
	migrate_serving_changed(fsm, &other_tac);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_IDLE);
	migrate_serving_changed(fsm, &away);
	check_trace("location trigger: serving 999-99 tac 150 matches partner " PARTNER "\n"
		    "store.get " PARTNER ": none\n"
		    "no usable stored configuration for " PARTNER
		    ": no stored configuration for partner " PARTNER "\n"
		    "idle-on-primary -> partner-config-requested (migrate)\n"
		    "timer T-cmc armed: 120000 ms\n"
		    "cmc.fetch id=sip:alice@mcptt.primary.example plmn=999-99 partner=" PARTNER
		    "\n");
	cmc_answer(0, NULL);
	pdn_answer(0, NULL);
	sip_say(SIPREG_REGISTERED, NULL);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_REGISTERED);
	trace[0] = '\0';
	/* Back home: the trigger cleared, so the agent returns by itself. */
	migrate_serving_changed(fsm, &home);
	check_trace("location trigger cleared: serving 001-01\n"
		    "registered-at-partner -> returning (return)\n"
		    "timer T-dereg armed: 10000 ms\n"
		    "sip.stop\n");
}

/* ---- the "primary unreachable" trigger (agent/primary.h decides when) ---- */

static const char unreachable_trace[] =
	"store.get " PARTNER ": ok\n"
	"primary unreachable (primary PDN wwan0: no carrier): migrating to " PARTNER "\n"
	"idle-on-primary -> partner-config-stored (migrate)\n"
	"timer T-valid armed: 86400000 ms\n";

static void test_unreachable_needs_stored_config(void **state)
{
	/* No partner named and none used before. */
	assert_int_equal(migrate_primary_unreachable(fsm, NULL, "registration denied"), -ENOENT);
	/* A partner, but nothing stored for it: the CMS is behind the primary (NOTE 4). */
	assert_int_equal(migrate_primary_unreachable(fsm, PARTNER, "registration denied"), -ENOENT);
	check_trace("primary unreachable (registration denied): no partner configured or used "
		    "before\n"
		    "store.get " PARTNER ": none\n"
		    "no usable stored configuration for " PARTNER
		    ": no stored configuration for partner " PARTNER "\n"
		    "primary unreachable (registration denied): staying, no valid stored "
		    "configuration for " PARTNER "\n");
	assert_int_equal(migrate_get_state(fsm), MIGRATE_IDLE);
	assert_string_equal(migrate_get_partner(fsm), "");
	assert_null(cmc_cb);
	assert_null(connect_cb);
}

static void test_unreachable_migrates_then_returns(void **state)
{
	char expected[4096];

	stored = true;
	assert_int_equal(migrate_primary_unreachable(fsm, PARTNER, "primary PDN wwan0: no carrier"),
			 0);
	snprintf(expected, sizeof(expected), "%s%s", unreachable_trace, connect_trace);
	check_trace(expected);
	assert_null(cmc_cb); /* no CMS exchange */
	pdn_answer(0, NULL);
	sip_challenged();
	card_answer();
	sip_say(SIPREG_REGISTERED, NULL);
	/* The trigger is persisted with the migration, for its return after a restart. */
	snprintf(expected, sizeof(expected), "%s%s%s", register_trace, challenged_trace,
		 "challenged -> registering (auth-done)\n"
		 "timer T-reg armed: 40000 ms\n"
		 "registering -> registered-at-partner (registered)\n"
		 "persist state=registered-at-partner partner=" PARTNER
		 " reason= trigger=unreachable\n");
	check_trace(expected);
	/* Unreachable again while registered: nothing to do. */
	assert_int_equal(migrate_primary_unreachable(fsm, PARTNER, "no carrier"), -EBUSY);
	assert_int_equal(migrate_primary_reachable(fsm), 0);
	check_trace("primary unreachable (no carrier): nothing to do in state "
		    "registered-at-partner\n"
		    "primary reachable again: returning\n"
		    "registered-at-partner -> returning (return)\n"
		    "timer T-dereg armed: 10000 ms\n"
		    "sip.stop\n");
	sip_say(SIPREG_DEREGISTERED, NULL);
	disc_answer();
	assert_int_equal(migrate_get_state(fsm), MIGRATE_IDLE);
	/* Back on the primary: a second "reachable" has nothing to undo. */
	assert_int_equal(migrate_primary_reachable(fsm), -EBUSY);
}

static void test_unreachable_last_partner(void **state)
{
	char expected[2048];

	/* A fetch earlier named the partner: the trigger uses it when none is configured. */
	assert_int_equal(migrate_fetch(fsm, PARTNER), 0);
	cmc_answer(0, NULL);
	trace[0] = '\0';
	assert_int_equal(migrate_primary_unreachable(fsm, "",
						     "serving network 999-99 is not the "
						     "primary's"),
			 0);
	/* partner-config-stored already: no new transition before the connect. */
	snprintf(expected, sizeof(expected), "%s%s",
		 "primary unreachable (serving network 999-99 is not the primary's): "
		 "migrating to " PARTNER "\n",
		 connect_trace);
	check_trace(expected);
	assert_null(cmc_cb);
}

static void test_unreachable_back_while_migrating(void **state)
{
	stored = true;
	assert_int_equal(migrate_primary_unreachable(fsm, PARTNER, "primary PDN wwan0: no carrier"),
			 0);
	assert_int_equal(migrate_primary_reachable(fsm), 0);
	pdn_answer(0, NULL);
	trace[0] = '\0';
	sip_say(SIPREG_REGISTERED, NULL);
	/* Make-before-break: the registration completes, then the agent leaves. */
	check_trace("registering -> registered-at-partner (registered)\n"
		    "persist state=registered-at-partner partner=" PARTNER
		    " reason= trigger=unreachable\n"
		    "primary reachable again meanwhile: returning\n"
		    "registered-at-partner -> returning (return)\n"
		    "timer T-dereg armed: 10000 ms\n"
		    "sip.stop\n");
}

static void test_unreachable_failure_then_retry(void **state)
{
	stored = true;
	assert_int_equal(migrate_primary_unreachable(fsm, PARTNER, "primary PDN wwan0: no carrier"),
			 0);
	assert_int_equal(migrate_primary_reachable(fsm), 0);
	pdn_answer(-ENOENT, "unknown APN (3GPP cause 27)");
	assert_int_equal(migrate_get_state(fsm), MIGRATE_FAILED);
	assert_string_equal(migrate_get_reason(fsm), "pdn-failed: unknown APN (3GPP cause 27)");
	/* Failed: the primary coming back has nothing to undo. */
	assert_int_equal(migrate_primary_reachable(fsm), -EBUSY);
	trace[0] = '\0';
	/* A relapse retries from failed with the stored configuration. */
	assert_int_equal(migrate_primary_unreachable(fsm, NULL, "registration denied on 001-01"),
			 0);
	check_trace("primary unreachable (registration denied on 001-01): migrating to " PARTNER
		    "\n"
		    "failed -> partner-config-stored (migrate)\n"
		    "timer T-valid armed: 86400000 ms\n"
		    "partner-config-stored -> pdn-connecting (connect)\n"
		    "timer T-pdn armed: 60000 ms\n"
		    "connecting partner PDN apn=mcptt.partner.example con-ref=partner-mcptt\n"
		    "modem.connect apn=mcptt.partner.example ip=0 auth=2 user=u-4f2a9c "
		    "password=(set)\n");
	/* A manual migration is not this trigger's to undo. */
	pdn_answer(0, NULL);
	sip_say(SIPREG_REGISTERED, NULL);
	assert_int_equal(migrate_return(fsm), 0);
	sip_say(SIPREG_DEREGISTERED, NULL);
	disc_answer();
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	pdn_answer(0, NULL);
	sip_say(SIPREG_REGISTERED, NULL);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_REGISTERED);
	assert_int_equal(migrate_primary_reachable(fsm), -EBUSY);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_REGISTERED);
}

static void test_restore(void **state)
{
	stored = true;
	assert_int_equal(migrate_restore(fsm, "state=registered-at-partner\npartner=" PARTNER
					      "\nreason=\n"),
			 0);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_PDN_CONNECTING);
	assert_non_null(strstr(trace, "restoring registered-at-partner (partner " PARTNER ")\n"
				      "store.get " PARTNER ": ok\n"));
	assert_int_equal(migrate_restore(fsm, "state=idle-on-primary\n"), -EBUSY);
}

/* A migration the unreachable trigger started still returns after a restart. */
static void test_restore_unreachable(void **state)
{
	stored = true;
	assert_int_equal(migrate_restore(fsm, "state=registered-at-partner\npartner=" PARTNER
					      "\nreason=\ntrigger=unreachable\n"),
			 0);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_PDN_CONNECTING);
	assert_int_equal(migrate_primary_reachable(fsm), 0);
	pdn_answer(0, NULL);
	sip_say(SIPREG_REGISTERED, NULL);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_RETURNING);
	assert_non_null(strstr(trace, "primary reachable again meanwhile: returning\n"));
	teardown(state);
	setup(state);
	/* Restored without a trigger line: manual, nothing returns by itself. */
	stored = true;
	assert_int_equal(migrate_restore(fsm, "state=registered-at-partner\npartner=" PARTNER
					      "\nreason=\n"),
			 0);
	assert_int_equal(migrate_primary_reachable(fsm), -EBUSY);
}

static void test_restore_failed_and_stored(void **state)
{
	assert_int_equal(migrate_restore(fsm, "state=failed\npartner=" PARTNER
					      "\nreason=auth-failed: network MAC invalid\n"),
			 0);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_FAILED);
	assert_string_equal(migrate_get_reason(fsm), "auth-failed: network MAC invalid");
	teardown(state);
	setup(state);
	/* A stored configuration whose record is gone falls back to idle, persisted. */
	assert_int_equal(migrate_restore(fsm, "state=partner-config-stored\npartner=" PARTNER
					      "\nreason=\n"),
			 0);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_IDLE);
	assert_non_null(strstr(trace, "persist state=idle-on-primary partner= reason=\n"));
	assert_int_equal(migrate_restore(fsm, "garbage"), -EINVAL);
}

static void test_parse_pcscf(void **state)
{
	char host[64];
	unsigned int port;

	assert_int_equal(migrate_parse_pcscf("sip:198.51.100.1:5070", host, sizeof(host), &port),
			 0);
	assert_string_equal(host, "198.51.100.1");
	assert_int_equal(port, 5070);
	assert_int_equal(migrate_parse_pcscf("sip:pcscf.example;lr", host, sizeof(host), &port), 0);
	assert_string_equal(host, "pcscf.example");
	assert_int_equal(port, 5060);
	assert_int_equal(migrate_parse_pcscf("sip:[2001:db8::1]:5062", host, sizeof(host), &port),
			 0);
	assert_string_equal(host, "2001:db8::1");
	assert_int_equal(port, 5062);
	assert_int_equal(migrate_parse_pcscf("sip:h:0", host, sizeof(host), &port), -EINVAL);
	assert_int_equal(migrate_parse_pcscf("sip:h:99999", host, sizeof(host), &port), -EINVAL);
	assert_int_equal(migrate_parse_pcscf("sip:", host, sizeof(host), &port), -EINVAL);
	assert_int_equal(migrate_parse_pcscf("sip:[::1", host, sizeof(host), &port), -EINVAL);
}

/* Step 14 with an IdM client: PDN up, partner token, then SIP (TS 33.180 5.1.4). */
static const char user_auth_trace[] = "netdev.configure wwan1 198.51.100.2/24\n"
				      "pdn-connecting -> user-authenticating (pdn-up)\n"
				      "timer T-user-auth armed: 50000 ms\n"
				      "idm.partner_token https://idms.partner.example/token -> 0\n";

static void to_user_auth(void)
{
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	cmc_answer(0, NULL);
	pdn_answer(0, NULL);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_USER_AUTH);
}

static void test_user_auth_ok(void **state)
{
	char expected[8192];

	to_user_auth();
	assert_null(migrate_get_token(fsm));
	idm_answer(0, NULL);
	snprintf(expected, sizeof(expected), "%s%s%s%s", fetch_trace, stored_trace, connect_trace,
		 user_auth_trace);
	strcat(expected, "user-authenticating -> registering (user-auth-ok)\n"
			 "timer T-reg armed: 40000 ms\n"
			 "registering sip:in-4f2a9c@ims.partner.example at 198.51.100.1:5060\n"
			 "sip.create impi=in-4f2a9c@ims.partner.example "
			 "impu=sip:in-4f2a9c@ims.partner.example domain=ims.partner.example "
			 "pcscf=198.51.100.1:5060 udp local=198.51.100.2\n"
			 "sip.start\n");
	check_trace(expected);
	assert_non_null(migrate_get_token(fsm));
	assert_string_equal(migrate_get_token(fsm)->access_token, "eyJ.partner.tok");
	assert_string_equal(migrate_get_token(fsm)->client_id, "mcmig-ue");
	sip_challenged();
	card_answer();
	sip_say(SIPREG_REGISTERED, NULL);
	assert_non_null(migrate_get_token(fsm));
	/* Return: the token goes with the migration. */
	assert_int_equal(migrate_return(fsm), 0);
	sip_say(SIPREG_DEREGISTERED, NULL);
	assert_null(migrate_get_token(fsm));
	disc_answer();
	assert_int_equal(migrate_get_state(fsm), MIGRATE_IDLE);
	assert_string_equal(steps + strlen(steps) - strlen("state 0 idle-on-primary\n"),
			    "state 0 idle-on-primary\n");
	assert_non_null(strstr(steps, "state 0 user-authenticating\nstate 0 registering\n"));
}

/* Each IdM failure: named reason, PDN and netdev down, failed on the primary. */
static void test_user_auth_refused(void **state)
{
	to_user_auth();
	trace[0] = '\0';
	idm_answer(-EACCES, "token exchange refused: invalid_target (not permitted)");
	disc_answer();
	check_trace("user-authenticating -> disconnecting (user-auth-failed)\n"
		    "timer T-down armed: 15000 ms\n"
		    "netdev.deconfigure wwan1\n"
		    "modem.disconnect 7\n"
		    "disconnecting -> failed (pdn-down): user-auth: token exchange refused: "
		    "invalid_target (not permitted)\n"
		    "persist state=failed partner=" PARTNER " reason=user-auth: token exchange "
		    "refused: invalid_target (not permitted)\n");
	assert_int_equal(migrate_get_state(fsm), MIGRATE_FAILED);
	assert_null(migrate_get_token(fsm));
}

static void test_user_auth_not_signed_in(void **state)
{
	idm_err = -EPERM;
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	cmc_answer(0, NULL);
	pdn_answer(0, NULL);
	disc_answer();
	assert_int_equal(migrate_get_state(fsm), MIGRATE_FAILED);
	assert_string_equal(migrate_get_reason(fsm),
			    "user-auth: not signed in at the primary IdM server (mcmigctl login)");
}

static void test_user_auth_timeout(void **state)
{
	to_user_auth();
	trace[0] = '\0';
	advance(50000);
	disc_answer();
	check_trace(
		"timer T-user-auth expired in user-authenticating\n"
		"idm.cancel\n"
		"user-authenticating -> disconnecting (timeout)\n"
		"timer T-down armed: 15000 ms\n"
		"netdev.deconfigure wwan1\n"
		"modem.disconnect 7\n"
		"disconnecting -> failed (pdn-down): user-auth: no answer from the IdM servers\n"
		"persist state=failed partner=" PARTNER
		" reason=user-auth: no answer from the IdM servers\n");
}

static void test_user_auth_pdn_dropped(void **state)
{
	to_user_auth();
	trace[0] = '\0';
	migrate_pdn_dropped(fsm, PDN_ID, "network detach");
	advance(0);
	check_trace("idm.cancel\n"
		    "user-authenticating -> disconnecting (pdn-dropped)\n"
		    "timer T-down armed: 15000 ms\n"
		    "netdev.deconfigure wwan1\n"
		    "disconnecting -> failed (pdn-down): pdn-dropped: network detach\n"
		    "persist state=failed partner=" PARTNER
		    " reason=pdn-dropped: network detach\n");
}

static void test_names(void **state)
{
	int i;

	for (i = 0; i < MIGRATE_STATE_COUNT; i++)
		assert_string_not_equal(migrate_state_str((enum migrate_state)i), "?");
	for (i = 0; i < MIGRATE_EVENT_COUNT; i++)
		assert_non_null(migrate_event_str((enum migrate_event)i));
	for (i = 0; i < MIGRATE_TIMER_COUNT; i++)
		assert_non_null(migrate_timer_str((enum migrate_timer)i));
}

#define T(f)  cmocka_unit_test_setup_teardown(f, setup, teardown)
#define TI(f) cmocka_unit_test_setup_teardown(f, setup_idm, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_happy_path_and_return),
		T(test_timeline_steps),
		T(test_stored_config_no_fetch),
		T(test_fetch_only_then_migrate),
		T(test_config_expires),
		T(test_cms_refuses),
		T(test_cms_timeout),
		T(test_pdn_fails),
		T(test_pdn_timeout_then_late_answer),
		T(test_netdev_fails),
		T(test_auth_failed),
		T(test_refused_revoked),
		T(test_sip_timeout_result),
		T(test_sip_failed_result),
		T(test_reg_guard_timeout),
		T(test_card_timeout),
		T(test_registration_lost),
		T(test_deregistered_by_network),
		T(test_pdn_dropped),
		T(test_dereg_timeout_and_failure),
		T(test_disconnect_timeout),
		T(test_return_while_connecting),
		T(test_illegal_events),
		T(test_location_trigger),
		T(test_unreachable_needs_stored_config),
		T(test_unreachable_migrates_then_returns),
		T(test_unreachable_last_partner),
		T(test_unreachable_back_while_migrating),
		T(test_unreachable_failure_then_retry),
		T(test_restore),
		T(test_restore_unreachable),
		T(test_restore_failed_and_stored),
		T(test_parse_pcscf),
		T(test_every_con_ref),
		T(test_later_con_ref_fails),
		T(test_con_ref_timeout),
		T(test_con_ref_dropped),
		T(test_ipv6_pcscf),
		TI(test_user_auth_ok),
		TI(test_user_auth_refused),
		TI(test_user_auth_not_signed_in),
		TI(test_user_auth_timeout),
		TI(test_user_auth_pdn_dropped),
		T(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
