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
#include "reconcile.h"
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

static bool pdn_without_dns; /* the PDN's settings name no DNS server */

static void pdn_answer(int err, const char *reason)
{
	struct modem_pdn_settings s = {
		.ifname = "wwan1",
		.addr4 = "198.51.100.2",
		.prefix4 = 24,
		.gw4 = "198.51.100.1",
		.pcscf = { "198.51.100.1" },
		.n_pcscf = 1,
		.dns = { "198.51.100.1", "198.51.100.53" },
		.n_dns = 2,
	};
	modem_connect_cb cb = connect_cb;

	if (pdn_without_dns)
		s.n_dns = 0;
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

/* What the last REGISTER would carry in Contact and P-Access-Network-Info. */
static char sip_instance[64], sip_icsi[64], sip_pani[96];

static int fake_sip_create(struct sipreg **reg, const struct sipreg_config *cfg, struct card *card,
			   const struct sipreg_events *ev)
{
	static const char *const transports[] = { [SIPREG_TRANSPORT_UDP] = "udp",
						  [SIPREG_TRANSPORT_TCP] = "tcp",
						  [SIPREG_TRANSPORT_ANY] = "any" };
	char dns[128] = "";
	size_t i, l = 0;

	snprintf(sip_instance, sizeof(sip_instance), "%s", cfg->instance_id ?: "(none)");
	snprintf(sip_icsi, sizeof(sip_icsi), "%s", cfg->icsi ?: "(none)");
	snprintf(sip_pani, sizeof(sip_pani), "%s", cfg->pani ?: "(none)");
	/* Issue 11: the P-CSCF's name is resolved by the partner PDN's DNS, over its netdev. */
	for (i = 0; i < cfg->n_dns; i++)
		l += (size_t)snprintf(dns + l, sizeof(dns) - l, "%s%s", i ? "," : "", cfg->dns[i]);
	tr("sip.create impi=%s impu=%s domain=%s pcscf=%s:%u %s local=%s dns=%s on %s", cfg->impi,
	   cfg->impu, cfg->domain, cfg->pcscf_host, cfg->pcscf_port, transports[cfg->transport],
	   cfg->local_addr ? cfg->local_addr : "any", l ? dns : "none",
	   cfg->dns_ifname ? cfg->dns_ifname : "none");
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

static int fake_sip_route(const struct sipreg *reg, struct sipreg_route *r)
{
	tr("sip.route");
	memset(r, 0, sizeof(*r));
	strcpy(r->local_host, "198.51.100.2");
	r->local_port = 5060;
	return 0;
}

static int fake_sip_send(struct sipreg *reg, bool tcp, const char *buf, size_t len)
{
	tr("sip.send %zu bytes over %s", len, tcp ? "tcp" : "udp");
	return 0;
}

static const struct migrate_sip_ops sip_ops = {
	.create = fake_sip_create,
	.start = fake_sip_start,
	.stop = fake_sip_stop,
	.destroy = fake_sip_destroy,
	.route = fake_sip_route,
	.send = fake_sip_send,
};

/* ---- fake IdM client and mcsvc (step 25) ---- */

#define TOKEN "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"

static int fake_idm_obj, fake_svc_obj;
/* The partner token's expiry as the fake IdM client answers it. */
static time_t idm_expires;

static struct mcsvc_events svc_ev;
static struct mcsvc_transport svc_tp;

static int fake_svc_create(struct mcsvc **svc, const struct mcsvc_config *cfg,
			   const struct mcsvc_transport *tp, const struct mcsvc_events *ev)
{
	tr("svc.create server=%s mcptt-id=%s client-id=%s expires=%u", cfg->server_uri,
	   cfg->mcptt_id, cfg->client_id, cfg->expires);
	svc_ev = *ev;
	svc_tp = *tp;
	*svc = (struct mcsvc *)&fake_svc_obj;
	return 0;
}

static int fake_svc_publish(struct mcsvc *svc, const char *token)
{
	tr("svc.publish %s", strcmp(token, TOKEN) == 0 ? "(the partner token)" : token);
	return 0;
}

static int fake_svc_stop(struct mcsvc *svc)
{
	tr("svc.stop");
	return 0;
}

static void fake_svc_handle(struct mcsvc *svc, const uint8_t *buf, size_t len)
{
	tr("svc.handle %.*s", (int)len, (const char *)buf);
}

static void fake_svc_destroy(struct mcsvc *svc)
{
	tr("svc.destroy");
}

static const struct migrate_svc_ops svc_ops = { fake_svc_create, fake_svc_publish, fake_svc_stop,
						fake_svc_handle, fake_svc_destroy };

static void svc_say(enum mcsvc_result r, const char *reason)
{
	svc_ev.result(r, reason, 600, svc_ev.user_data);
}

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
	assert_ptr_equal(ctx, &fake_idm_obj);
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
	struct idm_token tok = { .access_token = TOKEN,
				 .client_id = "mcmig-ue",
				 .expires_at = idm_expires };
	idm_token_cb cb = idm_cb;

	idm_cb = NULL;
	assert_non_null(cb);
	cb(err, reason, err ? NULL : &tok, idm_ud);
	util_wipe(&tok, sizeof(tok));
}

/* ---- fixture ---- */

static struct migrate *fsm;
static struct migrate_config fsm_cfg;

/* The journal (issue 12): what the daemon would write, one line each when on. */
static bool journal_on;

static void fake_journal(void *ctx)
{
	struct journal j;

	if (!journal_on)
		return;
	migrate_journal(fsm, &j);
	tr("journal %s intent=%s pdns=%zu%s%s%s", j.state, journal_intent_str(j.intent), j.n_pdn,
	   j.n_pdn && j.pdn[0].netdev ? " netdev" : "", j.reg.active ? " reg" : "",
	   j.reason[0] ? " reason" : "");
}

static int setup_with(bool svc, bool user_auth)
{
	struct migrate_env env = {
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
		.idm = svc || user_auth ? &idm_ops : NULL,
		.idm_ctx = svc || user_auth ? &fake_idm_obj : NULL,
		.user_auth = user_auth,
		.svc = svc ? &svc_ops : NULL,
		.journal = fake_journal,
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
	journal_on = false;
	puts_count = 0;
	netdev_err = 0;
	pdn_without_dns = false;
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
	idm_cb = NULL;
	idm_err = 0;
	idm_expires = NOW + 300;
	memset(&svc_ev, 0, sizeof(svc_ev));
	assert_int_equal(migrate_new(&fsm, &env, &fsm_cfg), 0);
	return 0;
}

static int setup(void **state)
{
	return setup_with(false, false);
}

/* With MC service authorisation (step 25) configured, the token from a file. */
static int setup_svc(void **state)
{
	return setup_with(true, false);
}

/* With the IdM client: MC service user authentication (step 14). */
static int setup_idm(void **state)
{
	return setup_with(false, true);
}

/* Both: the token of step 14 used at step 25. */
static int setup_idm_svc(void **state)
{
	return setup_with(true, true);
}

static int teardown(void **state)
{
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
	"domain=ims.partner.example pcscf=198.51.100.1:5060 udp local=198.51.100.2 "
	"dns=198.51.100.1,198.51.100.53 on wwan1\n"
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
		 "pcscf=198.51.100.1:5060 udp local=198.51.100.2 dns=none on wwan1\n"
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
		    "pcscf=2001:db8:1::1:5060 udp local=2001:db8:1::2 dns=none on wwan1\n"
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

/*
 * Issue 11: a P-CSCF name goes to sipreg with the partner PDN's DNS servers
 * and netdev, no port and no transport (RFC 3263 chooses); without DNS
 * servers from the PDN it is refused, never left to the primary's resolver.
 */
static void test_pcscf_name(void **state)
{
	snprintf(doc_cfg.pcscf[0].uri, sizeof(doc_cfg.pcscf[0].uri), "sip:pcscf.partner.example");
	doc_cfg.pcscf[0].transport = PCFG_TRANSPORT_ANY;
	stored = true;
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	trace[0] = '\0';
	pdn_answer(0, NULL);
	check_trace("netdev.configure wwan1 198.51.100.2/24\n"
		    "pdn-connecting -> registering (pdn-up)\n"
		    "timer T-reg armed: 40000 ms\n"
		    "registering sip:in-4f2a9c@ims.partner.example at pcscf.partner.example\n"
		    "sip.create impi=in-4f2a9c@ims.partner.example "
		    "impu=sip:in-4f2a9c@ims.partner.example domain=ims.partner.example "
		    "pcscf=pcscf.partner.example:0 any local=198.51.100.2 "
		    "dns=198.51.100.1,198.51.100.53 on wwan1\n"
		    "sip.start\n");
	/* The lookup is the network's time in the timeline: asked, then answered. */
	assert_non_null(strstr(steps, "dns-query 15 pcscf.partner.example\n"));
	steps[0] = '\0';
	sip_ev.resolved("NAPTR pcscf.partner.example, SRV _sip._udp.pcscf.partner.example, A "
			"access.pcscf.partner.example -> udp 198.51.100.1:5060 (DNS 198.51.100.1 "
			"on wwan1)",
			sip_ev.user_data);
	assert_string_equal(steps, "dns-answer 15 udp 198.51.100.1:5060\n");
}

static void test_pcscf_name_without_pdn_dns(void **state)
{
	snprintf(doc_cfg.pcscf[0].uri, sizeof(doc_cfg.pcscf[0].uri), "sip:pcscf.partner.example");
	stored = true;
	pdn_without_dns = true;
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	trace[0] = '\0';
	pdn_answer(0, NULL);
	disc_answer();
	check_trace("netdev.configure wwan1 198.51.100.2/24\n"
		    "pdn-connecting -> disconnecting (pdn-up)\n"
		    "timer T-down armed: 15000 ms\n"
		    "netdev.deconfigure wwan1\n"
		    "modem.disconnect 7\n"
		    "disconnecting -> failed (pdn-down): registration-failed: P-CSCF "
		    "pcscf.partner.example is a name and the partner PDN named no DNS server\n"
		    "persist state=failed partner=" PARTNER
		    " reason=registration-failed: P-CSCF pcscf.partner.example is a name and the "
		    "partner PDN named no DNS server\n");
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

/*
 * Issue 12: the journal is written before a transition can be seen (its log
 * line, the D-Bus signal) and before the step acts: the netdev is journaled
 * before it is configured, a return before the de-registration goes out.
 */
static void test_journal_before_acting(void **state)
{
	journal_on = true;
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	cmc_answer(0, NULL);
	pdn_answer(0, NULL);
	sip_challenged();
	card_answer();
	sip_say(SIPREG_REGISTERED, NULL);
	assert_int_equal(migrate_return(fsm), 0);
	sip_say(SIPREG_DEREGISTERED, NULL);
	disc_answer();
	advance(0);
	check_trace(
		"store.get " PARTNER ": none\n"
		"no usable stored configuration for " PARTNER
		": no stored configuration for partner " PARTNER "\n"
		"journal partner-config-requested intent=none pdns=0\n"
		"idle-on-primary -> partner-config-requested (migrate)\n"
		"timer T-cmc armed: 120000 ms\n"
		"cmc.fetch id=sip:alice@mcptt.primary.example plmn=- partner=" PARTNER "\n"
		"store.put " PARTNER " source=cms\n"
		"journal partner-config-stored intent=none pdns=0\n"
		"partner-config-requested -> partner-config-stored (config-ok)\n"
		"timer T-valid armed: 86400000 ms\n"
		"persist state=partner-config-stored partner=" PARTNER " reason=\n"
		"journal pdn-connecting intent=migrate pdns=0\n"
		"partner-config-stored -> pdn-connecting (connect)\n"
		"timer T-pdn armed: 60000 ms\n"
		"connecting partner PDN apn=mcptt.partner.example con-ref=partner-mcptt\n"
		"modem.connect apn=mcptt.partner.example ip=0 auth=2 user=u-4f2a9c password=(set)\n"
		"journal pdn-connecting intent=migrate pdns=1 netdev\n"
		"netdev.configure wwan1 198.51.100.2/24\n"
		"journal registering intent=migrate pdns=1 netdev reg\n"
		"pdn-connecting -> registering (pdn-up)\n"
		"timer T-reg armed: 40000 ms\n"
		"registering sip:in-4f2a9c@ims.partner.example at 198.51.100.1:5060\n"
		"sip.create impi=in-4f2a9c@ims.partner.example impu=sip:in-4f2a9c@ims.partner.example domain=ims.partner.example pcscf=198.51.100.1:5060 udp local=198.51.100.2 dns=198.51.100.1,198.51.100.53 on wwan1\n"
		"sip.start\n"
		"journal challenged intent=migrate pdns=1 netdev reg\n"
		"registering -> challenged (challenged)\n"
		"journal registering intent=migrate pdns=1 netdev reg\n"
		"challenged -> registering (auth-done)\n"
		"timer T-reg armed: 40000 ms\n"
		"journal registered-at-partner intent=migrate pdns=1 netdev reg\n"
		"registering -> registered-at-partner (registered)\n"
		"persist state=registered-at-partner partner=" PARTNER " reason=\n"
		"journal returning intent=return pdns=1 netdev reg\n"
		"registered-at-partner -> returning (return)\n"
		"timer T-dereg armed: 10000 ms\n"
		"sip.stop\n"
		"journal disconnecting intent=return pdns=1 netdev\n"
		"returning -> disconnecting (deregistered)\n"
		"timer T-down armed: 15000 ms\n"
		"netdev.deconfigure wwan1\n"
		"modem.disconnect 7\n"
		"journal idle-on-primary intent=none pdns=0\n"
		"disconnecting -> idle-on-primary (pdn-down)\n"
		"persist state=idle-on-primary partner=" PARTNER " reason=\n"
		"sip.destroy\n");
}

/* A journal as a killed daemon left it: @state, @intent, a partner PDN up or not. */
static void killed_in(struct journal *j, const char *state, enum journal_intent intent, bool pdn,
		      const char *reason, const char *trigger)
{
	journal_init(j);
	snprintf(j->state, sizeof(j->state), "%s", state);
	j->intent = intent;
	snprintf(j->partner, sizeof(j->partner), PARTNER);
	snprintf(j->reason, sizeof(j->reason), "%s", reason);
	snprintf(j->trigger, sizeof(j->trigger), "%s", trigger);
	j->modem.client[0] = (struct modem_client){ MODEM_SVC_QMI_NAS, 1 };
	j->modem.n_client = 1;
	if (pdn) {
		j->n_pdn = 1;
		j->pdn[0].id = 1;
		j->pdn[0].h.client[0] = (struct modem_client){ MODEM_SVC_QMI_WDS, 1 };
		j->pdn[0].h.n_client = 1;
	}
}

/* A restored migration, after its "restoring ..." line: from the stored configuration. */
#define MIGRATING_AGAIN                                                            \
	"store.get " PARTNER ": ok\n"                                              \
	"idle-on-primary -> partner-config-stored (migrate)\n"                     \
	"timer T-valid armed: 86400000 ms\n"                                       \
	"partner-config-stored -> pdn-connecting (connect)\n"                      \
	"timer T-pdn armed: 60000 ms\n"                                            \
	"connecting partner PDN apn=mcptt.partner.example con-ref=partner-mcptt\n" \
	"modem.connect apn=mcptt.partner.example ip=0 auth=2 user=u-4f2a9c password=(set)\n"

/*
 * Golden traces of the restart paths (issue 12): each journal's outcome, its
 * named reason, and what the restored state machine does with it.
 */
static void test_restart_paths(void **state)
{
	static const struct {
		const char *state, *reason, *trigger;
		enum journal_intent intent;
		bool pdn;
		enum migrate_state after;
		const char *why, *restore, *trace;
	} cases[] = {
		{ "registering", "", "manual", JOURNAL_INTENT_MIGRATE, true, MIGRATE_FAILED,
		  "interrupted: killed while registering; partner PDN released, back on the primary",
		  "state=failed\npartner=" PARTNER
		  "\nreason=interrupted: killed while registering; "
		  "partner PDN released, back on the primary\n",
		  "restoring failed (partner " PARTNER ")\n"
		  "persist state=failed partner=" PARTNER " reason=interrupted: killed while "
		  "registering; partner PDN released, back on the primary\n" },
		{ "challenged", "", "manual", JOURNAL_INTENT_MIGRATE, true, MIGRATE_FAILED,
		  "interrupted: killed while challenged; partner PDN released, back on the primary",
		  NULL, NULL },
		{ "pdn-connecting", "", "manual", JOURNAL_INTENT_MIGRATE, false, MIGRATE_FAILED,
		  "interrupted: killed while pdn-connecting; no partner PDN was up, back on the "
		  "primary",
		  NULL, NULL },
		{ "partner-config-requested", "", "manual", JOURNAL_INTENT_NONE, false,
		  MIGRATE_FAILED,
		  "interrupted: killed while partner-config-requested; no partner PDN was up, back "
		  "on the primary",
		  NULL, NULL },
		{ "registered-at-partner", "", "location", JOURNAL_INTENT_MIGRATE, true,
		  MIGRATE_PDN_CONNECTING,
		  "interrupted: killed while registered-at-partner; partner PDN released, migrating "
		  "again",
		  "state=registered-at-partner\npartner=" PARTNER "\nreason=\ntrigger=location\n",
		  "restoring registered-at-partner (partner " PARTNER ")\n" MIGRATING_AGAIN },
		/* A return asked for while migrating (the primary came back): not lost. */
		{ "registered-at-partner", "", "unreachable", JOURNAL_INTENT_RETURN, true,
		  MIGRATE_IDLE,
		  "interrupted: killed while registered-at-partner, return requested; partner PDN "
		  "released, back on the primary",
		  "state=idle-on-primary\npartner=" PARTNER "\nreason=\n",
		  "restoring idle-on-primary (partner " PARTNER ")\n"
		  "persist state=idle-on-primary partner= reason=interrupted: killed while "
		  "registered-at-partner, return requested; partner PDN released, back on the "
		  "primary\n" },
		{ "returning", "", "manual", JOURNAL_INTENT_RETURN, true, MIGRATE_IDLE,
		  "interrupted: killed while returning; partner PDN released, back on the primary",
		  NULL, NULL },
		{ "disconnecting", "", "manual", JOURNAL_INTENT_RETURN, false, MIGRATE_IDLE,
		  "interrupted: killed while disconnecting; no partner PDN was up, back on the "
		  "primary",
		  NULL, NULL },
		/* A teardown after a failure stays a failure, its cause kept. */
		{ "disconnecting", "auth-failed: network MAC invalid", "manual",
		  JOURNAL_INTENT_RETURN, true, MIGRATE_FAILED,
		  "interrupted: killed while disconnecting (auth-failed: network MAC invalid); "
		  "partner PDN released, back on the primary",
		  NULL, NULL },
		{ "failed", "auth-failed: network MAC invalid", "manual", JOURNAL_INTENT_NONE,
		  false, MIGRATE_FAILED, "interrupted: killed while failed; no partner PDN was up",
		  "state=failed\npartner=" PARTNER "\nreason=auth-failed: network MAC invalid\n",
		  NULL },
		{ "idle-on-primary", "", "manual", JOURNAL_INTENT_NONE, false, MIGRATE_IDLE,
		  "interrupted: killed while idle-on-primary; no partner PDN was up",
		  "state=idle-on-primary\npartner=" PARTNER "\nreason=\n", NULL },
		{ "partner-config-stored", "", "manual", JOURNAL_INTENT_NONE, false,
		  MIGRATE_CONFIG_STORED,
		  "interrupted: killed while partner-config-stored; no partner PDN was up",
		  "state=partner-config-stored\npartner=" PARTNER "\nreason=\n",
		  "restoring partner-config-stored (partner " PARTNER ")\n"
		  "store.get " PARTNER ": ok\n"
		  "idle-on-primary -> partner-config-stored (fetch)\n"
		  "timer T-valid armed: 86400000 ms\n"
		  "persist state=partner-config-stored partner=" PARTNER " reason=interrupted: "
		  "killed while partner-config-stored; no partner PDN was up\n" },
		/* Step 14's user authentication is in flight like registering: undone. */
		{ "user-authenticating", "", "manual", JOURNAL_INTENT_MIGRATE, true, MIGRATE_FAILED,
		  "interrupted: killed while user-authenticating; partner PDN released, back on "
		  "the primary",
		  "state=failed\npartner=" PARTNER
		  "\nreason=interrupted: killed while user-authenticating; partner PDN released, "
		  "back on the primary\n",
		  NULL },
		{ "user-authenticating", "", "manual", JOURNAL_INTENT_MIGRATE, false,
		  MIGRATE_FAILED,
		  "interrupted: killed while user-authenticating; no partner PDN was up, back on "
		  "the primary",
		  NULL, NULL },
		/*
		 * Step 25: registered (step 24 had succeeded), so migrated again
		 * (NOTE 4), and authorised again as part of it.
		 */
		{ "authorised", "", "manual", JOURNAL_INTENT_MIGRATE, true, MIGRATE_PDN_CONNECTING,
		  "interrupted: killed while authorised; partner PDN released, migrating again",
		  "state=authorised\npartner=" PARTNER "\nreason=\ntrigger=manual\n",
		  "restoring authorised (partner " PARTNER ")\n" MIGRATING_AGAIN },
		{ "authorised", "", "location", JOURNAL_INTENT_MIGRATE, true,
		  MIGRATE_PDN_CONNECTING,
		  "interrupted: killed while authorised; partner PDN released, migrating again",
		  "state=authorised\npartner=" PARTNER "\nreason=\ntrigger=location\n", NULL },
		/* The PUBLISH was out: the state reached, registered, is restored. */
		{ "service-authorising", "", "manual", JOURNAL_INTENT_MIGRATE, true,
		  MIGRATE_PDN_CONNECTING,
		  "interrupted: killed while service-authorising; partner PDN released, migrating "
		  "again",
		  "state=registered-at-partner\npartner=" PARTNER "\nreason=\ntrigger=manual\n",
		  "restoring registered-at-partner (partner " PARTNER ")\n" MIGRATING_AGAIN },
		/* The primary came back while being authorised: the return is not lost. */
		{ "service-authorising", "", "unreachable", JOURNAL_INTENT_RETURN, true,
		  MIGRATE_IDLE,
		  "interrupted: killed while service-authorising, return requested; partner PDN "
		  "released, back on the primary",
		  "state=idle-on-primary\npartner=" PARTNER "\nreason=\n", NULL },
		{ "authorised", "", "unreachable", JOURNAL_INTENT_RETURN, true, MIGRATE_IDLE,
		  "interrupted: killed while authorised, return requested; partner PDN released, "
		  "back on the primary",
		  "state=idle-on-primary\npartner=" PARTNER "\nreason=\n", NULL },
		/* The return from authorised: PUBLISH Expires: 0 or the de-REGISTER was out. */
		{ "returning", "", "manual", JOURNAL_INTENT_RETURN, true, MIGRATE_IDLE,
		  "interrupted: killed while returning; partner PDN released, back on the primary",
		  "state=idle-on-primary\npartner=" PARTNER "\nreason=\n", NULL },
		/* Leaving after a refused authorisation: still a failure, its cause kept. */
		{ "returning",
		  "service-auth: 403 Forbidden from mcptt.partner.example: access "
		  "token expired",
		  "manual", JOURNAL_INTENT_RETURN, true, MIGRATE_FAILED,
		  "interrupted: killed while returning (service-auth: 403 Forbidden from "
		  "mcptt.partner.example: access token expired); partner PDN released, back on the "
		  "primary",
		  NULL, NULL },
	};
	struct reconcile_result r;
	struct journal j;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (i) {
			teardown(state);
			setup(state);
		}
		stored = true;
		killed_in(&j, cases[i].state, cases[i].intent, cases[i].pdn, cases[i].reason,
			  cases[i].trigger);
		reconcile_outcome(&j, NULL, &r);
		if (strcmp(r.reason, cases[i].why) != 0)
			fail_msg("case %zu: reason \"%s\"", i, r.reason);
		if (cases[i].restore && strcmp(r.restore, cases[i].restore) != 0)
			fail_msg("case %zu: restore \"%s\"", i, r.restore);
		migrate_set_interrupted(fsm, r.reason);
		assert_int_equal(migrate_restore(fsm, r.restore), 0);
		if (cases[i].trace) {
			/* The timeline steps of a restored migration are not traced here. */
			check_trace(cases[i].trace);
		}
		assert_int_equal(migrate_get_state(fsm), cases[i].after);
		/* A failure kept from before keeps its reason; else the restart's, migrating again too. */
		if (strcmp(cases[i].state, "failed") == 0)
			assert_string_equal(migrate_get_reason(fsm), cases[i].reason);
		else
			assert_string_equal(migrate_get_reason(fsm), cases[i].why);
	}
	/* The restart's reason goes with the next trigger. */
	assert_int_equal(migrate_start(fsm, PARTNER, MIGRATE_TRIGGER_MANUAL), 0);
	assert_string_equal(migrate_get_reason(fsm), "");
	/* A cleanup that failed is named in the reason. */
	killed_in(&j, "registering", JOURNAL_INTENT_MIGRATE, true, "", "manual");
	reconcile_outcome(&j, "modem: CTL Release CID: timed out", &r);
	assert_string_equal(r.reason, "interrupted: killed while registering; partner PDN not all "
				      "released (modem: CTL Release CID: timed out), back on the "
				      "primary");
}

/* ---- reconcile_run: the cleanup against fakes ---- */

static modem_done_cb rel_cb;
static void *rel_ud;
static struct reconcile_result rc_result;
static int rc_done;

static void fake_release(struct modem *m, const struct modem_handles *h, modem_done_cb cb, void *ud)
{
	char line[256] = "";
	size_t i;

	for (i = 0; i < h->n_client; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " 0x%02x:%u",
			 h->client[i].service, h->client[i].cid);
	tr("modem.release%s%s%s", line, h->has_mbim_session ? " mbim-session" : "",
	   h->mm_bearer[0] ? " bearer" : "");
	rel_cb = cb;
	rel_ud = ud;
}

static void rc_log(void *ctx, const char *line)
{
	tr("%s", line);
}

static void rc_done_cb(void *ctx, const struct reconcile_result *r)
{
	rc_result = *r;
	rc_done++;
}

static void release_answer(int err, const char *reason)
{
	modem_done_cb cb = rel_cb;

	rel_cb = NULL;
	assert_non_null(cb);
	cb(err, reason, rel_ud);
}

static void test_reconcile_run(void **state)
{
	static const struct modem_ops rel_ops = { .name = "fake", .release = fake_release };
	static const struct modem_ops norel_ops = { .name = "fake" };
	struct modem_handles own = { .client = { { MODEM_SVC_QMI_NAS, 1 } }, .n_client = 1 };
	struct reconcile_env env = {
		.modem = &rel_ops,
		.own = &own,
		.netdev = &netdev_ops,
		.log = rc_log,
		.done = rc_done_cb,
	};
	struct reconcile *rc;
	struct journal j;

	/* The daemon's own NAS client 1 again: never released; the WDA and the PDN's are. */
	killed_in(&j, "registering", JOURNAL_INTENT_MIGRATE, true, "", "manual");
	j.modem.client[1] = (struct modem_client){ MODEM_SVC_QMI_WDA, 2 };
	j.modem.n_client = 2;
	j.pdn[0].netdev = true;
	snprintf(j.pdn[0].net.ifname, sizeof(j.pdn[0].net.ifname), "wwan1");
	j.reg.active = true;
	snprintf(j.reg.call_id, sizeof(j.reg.call_id), "abc");
	snprintf(j.reg.pcscf, sizeof(j.reg.pcscf), "sip:198.51.100.1");
	j.reg.expires = 600;
	rc_done = 0;
	assert_int_equal(reconcile_run(&rc, &env, &j), 0);
	assert_int_equal(rc_done, 0);
	release_answer(0, NULL);
	assert_int_equal(rc_done, 0);
	release_answer(-ENOENT, "no such client");
	assert_int_equal(rc_done, 1);
	check_trace("journal of the last run: registering, intent migrate, 1 partner PDN(s), a "
		    "registration\n"
		    "netdev.deconfigure wwan1\n"
		    "netdev wwan1: addresses and routes of PDN 1 removed\n"
		    "registration Call-ID abc at sip:198.51.100.1 left to expire (600 s)\n"
		    "client 0x03:1 is ours now: kept\n"
		    "releasing 1 client id(s) left in the modem\n"
		    "modem.release 0x1a:2\n"
		    "releasing 1 client id(s) left in the modem\n"
		    "modem.release 0x01:1\n"
		    "releasing what the killed process left in the modem: modem: no such client\n"
		    "interrupted: killed while registering; partner PDN not all released (modem: "
		    "no such client), back on the primary\n");
	reconcile_free(rc);

	/* Nothing in the modem: done at once. A backend that cannot release says so. */
	journal_init(&j);
	snprintf(j.state, sizeof(j.state), "idle-on-primary");
	rc_done = 0;
	assert_int_equal(reconcile_run(&rc, &env, &j), 0);
	assert_int_equal(rc_done, 1);
	assert_string_equal(rc_result.reason,
			    "interrupted: killed while idle-on-primary; no partner PDN was up");
	reconcile_free(rc);
	killed_in(&j, "returning", JOURNAL_INTENT_RETURN, true, "", "manual");
	env.modem = &norel_ops;
	rc_done = 0;
	assert_int_equal(reconcile_run(&rc, &env, &j), 0);
	assert_int_equal(rc_done, 1);
	assert_string_equal(
		rc_result.reason,
		"interrupted: killed while returning; partner PDN not all released (the "
		"fake backend cannot release), back on the primary");
	reconcile_free(rc);
	/* Freed while the modem works: its answer finds nothing. */
	env.modem = &rel_ops;
	rc_done = 0;
	assert_int_equal(reconcile_run(&rc, &env, &j), 0);
	reconcile_free(rc);
	release_answer(0, NULL);
	assert_int_equal(rc_done, 0);
	trace[0] = '\0';
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
			 "pcscf=198.51.100.1:5060 udp local=198.51.100.2 "
			 "dns=198.51.100.1,198.51.100.53 on wwan1\n"
			 "sip.start\n");
	check_trace(expected);
	assert_non_null(migrate_get_token(fsm));
	assert_string_equal(migrate_get_token(fsm)->access_token, TOKEN);
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

/* ---- step 25: MC service authorisation ---- */

static const char service_auth_trace[] =
	"registering -> registered-at-partner (registered)\n"
	"persist state=registered-at-partner partner=" PARTNER " reason=\n"
	"registered-at-partner -> service-authorising (registered)\n"
	"timer T-service-auth armed: 45000 ms\n"
	"idm.partner_token https://idms.partner.example/token -> 0\n";
static const char publish_trace[] =
	"service authorisation: PUBLISH to sip:mcptt@ims.partner.example\n"
	"svc.create server=sip:mcptt@ims.partner.example mcptt-id=sip:alice@mcptt.primary.example "
	"client-id=mcmig-ue expires=0\n"
	"svc.publish (the partner token)\n";
/* A refusal leaves as a return does: de-REGISTER, the PDN, then failed with the reason. */
static const char leave_trace[] = "service-authorising -> returning (service-auth-failed)\n"
				  "timer T-dereg armed: 10000 ms\n"
				  "sip.stop\n";
static const char left_trace[] = "returning -> disconnecting (deregistered)\n"
				 "timer T-down armed: 15000 ms\n"
				 "netdev.deconfigure wwan1\n"
				 "modem.disconnect 7\n";

static void to_service_auth(void)
{
	to_registering();
	sip_say(SIPREG_REGISTERED, NULL);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_SERVICE_AUTH);
}

static void test_service_auth_and_return(void **state)
{
	char expected[4096];

	to_service_auth();
	steps[0] = '\0';
	idm_answer(0, NULL);
	/* The PUBLISH goes on the registration's flow; its answers come back from sipreg. */
	assert_int_equal(svc_tp.route(svc_tp.ctx, &(struct sipreg_route){ 0 }), 0);
	assert_int_equal(svc_tp.send(svc_tp.ctx, true, "PUBLISH", 7), 0);
	sip_ev.message((const uint8_t *)"SIP/2.0 200 OK", 14, sip_ev.user_data);
	svc_ev.request_sent(MCSVC_REQ_PUBLISH, false, svc_ev.user_data);
	svc_ev.response(200, "OK", svc_ev.user_data);
	svc_say(MCSVC_AUTHORISED, NULL);
	snprintf(expected, sizeof(expected), "%s%s%s", service_auth_trace, publish_trace,
		 "sip.route\n"
		 "sip.send 7 bytes over tcp\n"
		 "svc.handle SIP/2.0 200 OK\n"
		 "service authorisation accepted, expires in 600 s\n"
		 "service-authorising -> authorised (service-auth-ok)\n"
		 "persist state=authorised partner=" PARTNER " reason=\n");
	check_trace(expected);
	assert_string_equal(migrate_get_reason(fsm), "");
	svc_say(MCSVC_REFRESHED, NULL);
	check_trace("service authorisation refreshed, expires in 600 s\n");
	/* Return: the publication removed (Expires: 0), then de-REGISTER, then the PDN. */
	assert_int_equal(migrate_return(fsm), 0);
	svc_ev.request_sent(MCSVC_REQ_REMOVE, false, svc_ev.user_data);
	svc_ev.response(200, "OK", svc_ev.user_data);
	svc_say(MCSVC_REMOVED, NULL);
	sip_say(SIPREG_DEREGISTERED, NULL);
	disc_answer();
	advance(0);
	check_trace("authorised -> returning (return)\n"
		    "timer T-dereg armed: 10000 ms\n"
		    "svc.stop\n"
		    "sip.stop\n"
		    "returning -> disconnecting (deregistered)\n"
		    "timer T-down armed: 15000 ms\n"
		    "netdev.deconfigure wwan1\n"
		    "modem.disconnect 7\n"
		    "disconnecting -> idle-on-primary (pdn-down)\n"
		    "persist state=idle-on-primary partner=" PARTNER " reason=\n"
		    "svc.destroy\n"
		    "sip.destroy\n");
	assert_int_equal(migrate_get_state(fsm), MIGRATE_IDLE);
	/* The timeline shows step 25 and the removal. */
	assert_non_null(strstr(steps, "publish 25 -\n"
				      "sip-response 25 200 OK\n"
				      "state 0 authorised\n"
				      "trigger 0 return\n"
				      "state 0 returning\n"
				      "unpublish 0 -\n"
				      "sip-response 0 200 OK\n"));
}

/* The partner MC server refuses (its token check, or the primary MC server's answer). */
static void test_service_auth_refused(void **state)
{
	char expected[4096];

	to_service_auth();
	idm_answer(0, NULL);
	svc_say(MCSVC_REFUSED, "403 Forbidden from the MC server: access token expired");
	sip_say(SIPREG_DEREGISTERED, NULL);
	disc_answer();
	advance(0);
	snprintf(expected, sizeof(expected), "%s%s%s%s%s", service_auth_trace, publish_trace,
		 leave_trace, left_trace,
		 "disconnecting -> failed (pdn-down): service-auth: 403 Forbidden from the MC "
		 "server: access token expired\n"
		 "persist state=failed partner=" PARTNER
		 " reason=service-auth: 403 Forbidden from the MC server: access token expired\n"
		 "svc.destroy\n"
		 "sip.destroy\n");
	check_trace(expected);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_FAILED);
	assert_string_equal(migrate_get_reason(fsm),
			    "service-auth: 403 Forbidden from the MC server: access token expired");
}

static void test_service_auth_no_token(void **state)
{
	char expected[4096];

	to_service_auth();
	idm_answer(-EACCES, "token exchange refused: invalid_target");
	snprintf(expected, sizeof(expected), "%s%s", service_auth_trace, leave_trace);
	check_trace(expected);
	sip_say(SIPREG_DEREGISTERED, NULL);
	disc_answer();
	assert_string_equal(
		migrate_get_reason(fsm),
		"service-auth: no partner token: token exchange refused: invalid_target");
	assert_int_equal(migrate_get_state(fsm), MIGRATE_FAILED);
}

static void test_service_auth_timeout(void **state)
{
	to_service_auth();
	idm_answer(0, NULL);
	trace[0] = '\0';
	advance(45000);
	check_trace("timer T-service-auth expired in service-authorising\n"
		    "service-authorising -> returning (timeout)\n"
		    "timer T-dereg armed: 10000 ms\n"
		    "svc.stop\n");
	/* The pending PUBLISH ends (removed if it was accepted after all), then de-REGISTER. */
	svc_say(MCSVC_REMOVED, "no answer from the MC server (RFC 3261 Timer F, 32000 ms)");
	check_trace("service authorisation removal: no answer from the MC server (RFC 3261 Timer "
		    "F, 32000 ms)\n"
		    "sip.stop\n");
	assert_string_equal(migrate_get_reason(fsm),
			    "service-auth: no answer from the IdM or MC server in time");
}

/* Authorised, then a refresh refused: no longer authorised, so not staying. */
static void test_service_lost(void **state)
{
	to_service_auth();
	idm_answer(0, NULL);
	svc_say(MCSVC_AUTHORISED, NULL);
	trace[0] = '\0';
	svc_say(MCSVC_LOST, "412 Conditional Request Failed from the MC server");
	check_trace("authorised -> returning (service-auth-failed)\n"
		    "timer T-dereg armed: 10000 ms\n"
		    "sip.stop\n");
	sip_say(SIPREG_DEREGISTERED, NULL);
	disc_answer();
	assert_int_equal(migrate_get_state(fsm), MIGRATE_FAILED);
	assert_string_equal(migrate_get_reason(fsm),
			    "service-auth: publication lost: 412 "
			    "Conditional Request Failed from the MC server");
}

/* A network-side end while authorising drops the token request; nothing is left pending. */
static void test_service_auth_pdn_dropped(void **state)
{
	to_service_auth();
	trace[0] = '\0';
	migrate_pdn_dropped(fsm, PDN_ID, "network detach");
	check_trace("idm.cancel\n"
		    "service-authorising -> disconnecting (pdn-dropped)\n"
		    "timer T-down armed: 15000 ms\n"
		    "netdev.deconfigure wwan1\n"
		    "disconnecting -> failed (pdn-down): pdn-dropped: network detach\n"
		    "persist state=failed partner=" PARTNER
		    " reason=pdn-dropped: network detach\n");
	assert_null(idm_cb);
}

/* REGISTER carries the MCPTT ICSI, the IMEI URN and the serving cell (TS 24.229 5.1.1.2.1). */
static void test_register_headers(void **state)
{
	struct modem_serving s = {
		.reg = MODEM_REG_ROAMING,
		.rat = MODEM_RAT_LTE,
		.mcc = "001",
		.mnc = "01",
		.has_tac = true,
		.tac = 0x1,
		.has_cell_id = true,
		.cell_id = 0x1a2,
	};

	migrate_set_imei(fsm, "356938035643809");
	migrate_serving_changed(fsm, &s);
	to_registering();
	assert_string_equal(sip_instance, "urn:gsma:imei:35693803-564380-0");
	assert_string_equal(sip_icsi, "urn:urn-7:3gpp-service.ims.icsi.mcptt");
	assert_string_equal(sip_pani, "3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=00101000100001A2");
}

/* No cell from the modem, or an IMEI it cannot be: the header is left out, not guessed. */
static void test_register_headers_unknown(void **state)
{
	struct modem_serving s = { .rat = MODEM_RAT_UMTS, .mcc = "001", .mnc = "01" };

	migrate_set_imei(fsm, "12345");
	migrate_serving_changed(fsm, &s);
	to_registering();
	assert_string_equal(sip_instance, "(none)");
	assert_string_equal(sip_pani, "(none)");
	assert_string_equal(sip_icsi, "urn:urn-7:3gpp-service.ims.icsi.mcptt");
}

/*
 * The whole chain with the IdM client: the partner token obtained once at
 * step 14, then used at step 25 as it is (no second request), and wiped
 * once handed to the PUBLISH.
 */
static void test_user_auth_then_service_auth(void **state)
{
	to_user_auth();
	idm_answer(0, NULL);
	sip_challenged();
	card_answer();
	trace[0] = '\0';
	sip_say(SIPREG_REGISTERED, NULL);
	check_trace("registering -> registered-at-partner (registered)\n"
		    "persist state=registered-at-partner partner=" PARTNER " reason=\n"
		    "registered-at-partner -> service-authorising (registered)\n"
		    "timer T-service-auth armed: 45000 ms\n"
		    "service authorisation: PUBLISH to sip:mcptt@ims.partner.example\n"
		    "svc.create server=sip:mcptt@ims.partner.example "
		    "mcptt-id=sip:alice@mcptt.primary.example client-id=mcmig-ue expires=0\n"
		    "svc.publish (the partner token)\n");
	assert_null(migrate_get_token(fsm));
	svc_say(MCSVC_AUTHORISED, NULL);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_AUTHORISED);
}

/* A token of step 14 about to expire by step 25 is asked for again, not sent. */
static void test_user_auth_token_expiring(void **state)
{
	idm_expires = NOW + 5;
	to_user_auth();
	idm_answer(0, NULL);
	sip_challenged();
	card_answer();
	trace[0] = '\0';
	sip_say(SIPREG_REGISTERED, NULL);
	check_trace("registering -> registered-at-partner (registered)\n"
		    "persist state=registered-at-partner partner=" PARTNER " reason=\n"
		    "registered-at-partner -> service-authorising (registered)\n"
		    "timer T-service-auth armed: 45000 ms\n"
		    "idm.partner_token https://idms.partner.example/token -> 0\n");
	assert_null(migrate_get_token(fsm));
	idm_expires = NOW + 300;
	idm_answer(0, NULL);
	svc_say(MCSVC_AUTHORISED, NULL);
	assert_int_equal(migrate_get_state(fsm), MIGRATE_AUTHORISED);
}

#define T(f)   cmocka_unit_test_setup_teardown(f, setup, teardown)
#define TS(f)  cmocka_unit_test_setup_teardown(f, setup_svc, teardown)
#define TI(f)  cmocka_unit_test_setup_teardown(f, setup_idm, teardown)
#define TIS(f) cmocka_unit_test_setup_teardown(f, setup_idm_svc, teardown)

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
		T(test_pcscf_name),
		T(test_pcscf_name_without_pdn_dns),
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
		T(test_journal_before_acting),
		T(test_restart_paths),
		T(test_reconcile_run),
		T(test_restore_unreachable),
		T(test_restore_failed_and_stored),
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
		TIS(test_user_auth_then_service_auth),
		TIS(test_user_auth_token_expiring),
		T(test_names),
		TS(test_service_auth_and_return),
		TS(test_service_auth_refused),
		TS(test_service_auth_no_token),
		TS(test_service_auth_timeout),
		TS(test_service_lost),
		TS(test_service_auth_pdn_dropped),
		T(test_register_headers),
		T(test_register_headers_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
