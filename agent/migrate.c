// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The migration client state machine. The table below is the whole
 * behaviour: which events each state accepts, which states it may go to, and
 * which named timer guards it. Actions run on accepted events only and end in
 * exactly one call of set_state() (or none, when the event changes nothing).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate.h"
#include "sipmsg.h"
#include "sipsub.h"
#include "util.h"

#define BIT(n) (1u << (n))
#define S(x)   BIT(MIGRATE_##x)
#define E(x)   BIT(MIGRATE_EV_##x)

/* Built-in timeouts (ms); mcmig.conf may override each. */
static const unsigned int default_timeout_ms[MIGRATE_TIMER_COUNT] = {
	[MIGRATE_T_CMC] = 120000, /* cmc.c retries with backoff inside this */
	[MIGRATE_T_PDN] = 60000,
	[MIGRATE_T_REG] = 40000, /* RFC 3261 Timer F = 64*T1 = 32 s, plus margin */
	[MIGRATE_T_DEREG] = 10000,
	[MIGRATE_T_DOWN] = 15000,
	/* The partner token, then PUBLISH's Timer F (64*T1 = 32 s), plus margin. */
	[MIGRATE_T_SERVICE_AUTH] = 45000,
	/* Up to three HTTPS requests (refresh, exchange, partner), idm.c's 15 s each. */
	[MIGRATE_T_USER_AUTH] = 50000,
};

struct state_desc {
	const char *name;
	uint32_t in_events;
	uint32_t out_states;
	enum migrate_timer timer;
	bool stable; /* persisted for a restart */
};

static const struct state_desc states[MIGRATE_STATE_COUNT] = {
	[MIGRATE_IDLE] = {
		.name = "idle-on-primary",
		.in_events = E(MIGRATE) | E(FETCH),
		.out_states = S(CONFIG_REQUESTED) | S(CONFIG_STORED),
		.stable = true,
	},
	[MIGRATE_CONFIG_REQUESTED] = {
		.name = "partner-config-requested",
		.in_events = E(CONFIG_OK) | E(CONFIG_FAILED) | E(TIMEOUT),
		.out_states = S(CONFIG_STORED) | S(FAILED),
		.timer = MIGRATE_T_CMC,
	},
	[MIGRATE_CONFIG_STORED] = {
		.name = "partner-config-stored",
		.in_events = E(MIGRATE) | E(FETCH) | E(CONNECT) | E(CONFIG_EXPIRED) | E(TIMEOUT),
		.out_states = S(CONFIG_REQUESTED) | S(PDN_CONNECTING) | S(IDLE),
		.timer = MIGRATE_T_VALID,
		.stable = true,
	},
	[MIGRATE_PDN_CONNECTING] = {
		.name = "pdn-connecting",
		/* PDN_DROPPED: a set already up went while the next one connects. */
		.in_events = E(PDN_UP) | E(PDN_FAILED) | E(PDN_DROPPED) | E(TIMEOUT) | E(RETURN),
		.out_states = S(USER_AUTH) | S(REGISTERING) | S(FAILED) | S(DISCONNECTING),
		.timer = MIGRATE_T_PDN,
	},
	/*
	 * Step 14: the partner PDN is up; the IdM client exchanges the primary
	 * access token and asks the partner IdM server for an access token
	 * (TS 33.180 5.1.4, B.7, B.8) before any SIP.
	 */
	[MIGRATE_USER_AUTH] = {
		.name = "user-authenticating",
		.in_events = E(USER_AUTH_OK) | E(USER_AUTH_FAILED) | E(PDN_DROPPED) | E(TIMEOUT) |
			     E(RETURN),
		.out_states = S(REGISTERING) | S(DISCONNECTING),
		.timer = MIGRATE_T_USER_AUTH,
	},
	[MIGRATE_REGISTERING] = {
		.name = "registering",
		.in_events = E(CHALLENGED) | E(REGISTERED) | E(REG_FAILED) | E(PDN_DROPPED) |
			     E(TIMEOUT) | E(RETURN),
		.out_states = S(CHALLENGED) | S(REGISTERED) | S(DISCONNECTING),
		.timer = MIGRATE_T_REG,
	},
	/*
	 * Waits for the card, whose one bound (card_timeout_ms(), card.c) ends
	 * every AUTHENTICATE: sipreg then reports the failure, as reg-failed.
	 */
	[MIGRATE_CHALLENGED] = {
		.name = "challenged",
		.in_events = E(AUTH_DONE) | E(REG_FAILED) | E(PDN_DROPPED) | E(RETURN),
		.out_states = S(REGISTERING) | S(DISCONNECTING),
	},
	[MIGRATE_REGISTERED] = {
		.name = "registered-at-partner",
		.in_events = E(RETURN) | E(REG_LOST) | E(PDN_DROPPED) | E(DEREGISTERED_BY_NETWORK),
		.out_states = S(RETURNING) | S(DISCONNECTING) | S(SERVICE_AUTH),
		.stable = true,
	},
	/*
	 * Step 25 (TS 24.379 7.2.2, TS 23.280 10.6.3): the partner access token,
	 * then the PUBLISH to the partner MC server, which asks the primary's.
	 * A refusal leaves as a return does (de-REGISTER, then the PDN), with
	 * the reason kept.
	 */
	[MIGRATE_SERVICE_AUTH] = {
		.name = "service-authorising",
		.in_events = E(SERVICE_AUTH_OK) | E(SERVICE_AUTH_FAILED) | E(REG_LOST) |
			     E(PDN_DROPPED) | E(DEREGISTERED_BY_NETWORK) | E(RETURN) | E(TIMEOUT),
		.out_states = S(AUTHORISED) | S(RETURNING) | S(DISCONNECTING),
		.timer = MIGRATE_T_SERVICE_AUTH,
	},
	[MIGRATE_AUTHORISED] = {
		.name = "authorised",
		.in_events = E(RETURN) | E(SERVICE_AUTH_FAILED) | E(REG_LOST) | E(PDN_DROPPED) |
			     E(DEREGISTERED_BY_NETWORK),
		.out_states = S(RETURNING) | S(DISCONNECTING),
		.stable = true,
	},
	/* From authorised: the publication is removed first, then the registration. */
	[MIGRATE_RETURNING] = {
		.name = "returning",
		.in_events = E(SERVICE_REMOVED) | E(DEREGISTERED) | E(PDN_DROPPED) | E(TIMEOUT),
		.out_states = S(DISCONNECTING),
		.timer = MIGRATE_T_DEREG,
	},
	[MIGRATE_DISCONNECTING] = {
		.name = "disconnecting",
		.in_events = E(PDN_DOWN) | E(TIMEOUT),
		.out_states = S(IDLE) | S(FAILED),
		.timer = MIGRATE_T_DOWN,
	},
	[MIGRATE_FAILED] = {
		.name = "failed",
		.in_events = E(MIGRATE) | E(FETCH),
		.out_states = S(CONFIG_REQUESTED) | S(CONFIG_STORED),
		.stable = true,
	},
};

static const char *const event_names[MIGRATE_EVENT_COUNT] = {
	[MIGRATE_EV_MIGRATE] = "migrate",
	[MIGRATE_EV_FETCH] = "fetch",
	[MIGRATE_EV_CONFIG_OK] = "config-ok",
	[MIGRATE_EV_CONFIG_FAILED] = "config-failed",
	[MIGRATE_EV_CONNECT] = "connect",
	[MIGRATE_EV_CONFIG_EXPIRED] = "config-expired",
	[MIGRATE_EV_PDN_UP] = "pdn-up",
	[MIGRATE_EV_PDN_FAILED] = "pdn-failed",
	[MIGRATE_EV_CHALLENGED] = "challenged",
	[MIGRATE_EV_AUTH_DONE] = "auth-done",
	[MIGRATE_EV_REGISTERED] = "registered",
	[MIGRATE_EV_REG_FAILED] = "reg-failed",
	[MIGRATE_EV_REG_LOST] = "reg-lost",
	[MIGRATE_EV_PDN_DROPPED] = "pdn-dropped",
	[MIGRATE_EV_RETURN] = "return",
	[MIGRATE_EV_DEREGISTERED] = "deregistered",
	[MIGRATE_EV_PDN_DOWN] = "pdn-down",
	[MIGRATE_EV_TIMEOUT] = "timeout",
	[MIGRATE_EV_DEREGISTERED_BY_NETWORK] = "deregistered-by-network",
	[MIGRATE_EV_SERVICE_AUTH_OK] = "service-auth-ok",
	[MIGRATE_EV_SERVICE_AUTH_FAILED] = "service-auth-failed",
	[MIGRATE_EV_SERVICE_REMOVED] = "service-removed",
	[MIGRATE_EV_USER_AUTH_OK] = "user-auth-ok",
	[MIGRATE_EV_USER_AUTH_FAILED] = "user-auth-failed",
};

static const char *const timer_names[MIGRATE_TIMER_COUNT] = {
	[MIGRATE_T_NONE] = "none",
	[MIGRATE_T_CMC] = "T-cmc",
	[MIGRATE_T_VALID] = "T-valid",
	[MIGRATE_T_PDN] = "T-pdn",
	[MIGRATE_T_REG] = "T-reg",
	[MIGRATE_T_DEREG] = "T-dereg",
	[MIGRATE_T_DOWN] = "T-down",
	[MIGRATE_T_SERVICE_AUTH] = "T-service-auth",
	[MIGRATE_T_USER_AUTH] = "T-user-auth",
};

struct migrate_pdn {
	char con_ref[PCFG_CONREF_MAX];
	unsigned int services; /* BIT(enum pcfg_service) */
	bool up;
	bool netdev_configured;
	modem_pdn_id id;
	struct modem_pdn_settings s;
};

struct migrate {
	struct migrate_env env;
	struct migrate_config cfg;
	enum migrate_state state;
	unsigned int timer_id;
	char reason[MIGRATE_REASON_MAX];
	char partner[PCFG_STR_MAX]; /* requested or current partner; "" = by location */
	enum migrate_trigger trigger;
	bool connect_after_fetch;
	bool have_cfg;
	struct partner_config pcfg; /* the configuration in use */
	bool fetch_pending;
	unsigned int connect_gen; /* tells a stale connect answer from the current */
	struct connect_call *connects;
	/*
	 * The partner PDNs, one per distinct connectivity set that the TS 24.484
	 * con-refs name, MCPTT's first (pdn[0]: SIP goes there). They come up
	 * one after the other and go down in reverse order.
	 */
	struct migrate_pdn pdn[PCFG_SVC_COUNT];
	size_t n_pdn;
	size_t pdn_next; /* the one being connected */
	/* The network ended the registration: back to idle-on-primary, the reason kept. */
	bool ended_by_network;
	struct sipreg *reg;
	struct sipreg *reg_dead; /* destroyed from the loop, never inside its own callback */
	unsigned int reap_id;
	struct modem_serving serving;
	bool have_serving;
	bool return_when_registered; /* the primary came back mid-migration */
	bool passing;		     /* through partner-config-stored on the way to the PDN */
	char imei[20];		     /* for REGISTER's +sip.instance; "" unknown */
	/*
	 * The partner access token (a secret): obtained in user-authenticating
	 * (step 14) or, from a token file, in service-authorising (step 25);
	 * wiped (forget_token) once handed to the PUBLISH or when the migration
	 * ends.
	 */
	struct idm_token token;
	bool have_token;
	bool auth_pending;  /* step 14: a partner_token() call is out */
	bool token_pending; /* step 25: asked of the IdM client */
	struct mcsvc *svc;
	struct mcsvc *svc_dead;		      /* destroyed from the loop, as reg_dead */
	bool netdev_pending;		      /* configure() about to run: journaled first */
	char interrupted[MIGRATE_REASON_MAX]; /* the restart's reason (migrate_set_interrupted) */
};

/* Outstanding modem connects, so that migrate_free can orphan them all. */
struct connect_call {
	struct migrate *m;
	unsigned int gen;
	struct connect_call *next;
};

static void logf_(struct migrate *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct migrate *m, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!m->env.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	m->env.log(m->env.ctx, line);
}

/* A step of the timeline, for the daemon to stamp now (migrate_env.step). */
static void step(struct migrate *m, enum timeline_kind kind, unsigned int seed_step,
		 const char *arg)
{
	if (m->env.step)
		m->env.step(m->env.ctx, kind, seed_step, arg, 0);
}

/* A step that happened at @at_us (g_get_monotonic_time()'s clock), 0 = now. */
static void step_at(struct migrate *m, enum timeline_kind kind, unsigned int seed_step,
		    const char *arg, int64_t at_us)
{
	if (m->env.step)
		m->env.step(m->env.ctx, kind, seed_step, arg, at_us);
}

const char *migrate_state_str(enum migrate_state s)
{
	return (size_t)s < MIGRATE_STATE_COUNT ? states[s].name : "?";
}

const char *migrate_event_str(enum migrate_event e)
{
	return (size_t)e < MIGRATE_EVENT_COUNT ? event_names[e] : "?";
}

const char *migrate_timer_str(enum migrate_timer t)
{
	return (size_t)t < MIGRATE_TIMER_COUNT ? timer_names[t] : "?";
}

/* Reasons come from the network too: one printable line, whatever was sent. */
static void clean_reason(struct migrate *m)
{
	char *p;

	for (p = m->reason; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

static void set_reason(struct migrate *m, const char *prefix, const char *detail)
{
	snprintf(m->reason, sizeof(m->reason), "%s: %s", prefix,
		 detail && *detail ? detail : "no reason given");
	clean_reason(m);
}

static void timer_fired(void *data);

static unsigned int timeout_of(const struct migrate *m, enum migrate_timer t)
{
	time_t now, left;

	if (t == MIGRATE_T_VALID) {
		/* Fires at valid-until: the record stops being usable then (NOTE 4). */
		now = m->env.now(m->env.ctx);
		left = m->pcfg.valid_until - now;
		if (left <= 0)
			return 1;
		return left > 86400 ? 86400000u : (unsigned int)left * 1000u;
	}
	return m->cfg.timeout_ms[t] ? m->cfg.timeout_ms[t] : default_timeout_ms[t];
}

/* At the partner: registered, and (when the step is configured) authorised. */
static bool migrated(const struct migrate *m)
{
	return m->state == MIGRATE_REGISTERED || m->state == MIGRATE_AUTHORISED;
}

static void persist(struct migrate *m)
{
	char text[MIGRATE_REASON_MAX + PCFG_STR_MAX + 64];

	if (!m->env.store || !m->env.store->persist)
		return;
	/*
	 * An automatic trigger is kept with a migration it started, so that its
	 * return still happens after a restart (absent = manual, as before).
	 */
	snprintf(text, sizeof(text), "state=%s\npartner=%s\nreason=%s\n%s", states[m->state].name,
		 m->partner, migrate_get_reason(m),
		 !migrated(m)				   ? "" :
		 m->trigger == MIGRATE_TRIGGER_LOCATION	   ? "trigger=location\n" :
		 m->trigger == MIGRATE_TRIGGER_UNREACHABLE ? "trigger=unreachable\n" :
							     "");
	if (m->env.store->persist(m->env.store_ctx, text) < 0)
		logf_(m, "cannot persist state %s", states[m->state].name);
}

/*
 * The one transition function. A transition the table forbids is refused with
 * -EPERM (as osmo_fsm_inst_state_chg() does): the state, its timer and the
 * outside stay as they were, and the caller stops instead of acting on a
 * state it is not in.
 */
static int set_state(struct migrate *m, enum migrate_state next, enum migrate_event ev)
{
	enum migrate_state old = m->state;
	enum migrate_timer t;

	if (!(states[old].out_states & BIT(next))) {
		/* A bug in an action, not bad input: say so loudly and stay. */
		logf_(m, "BUG: %s -> %s (%s) not in the table", states[old].name, states[next].name,
		      event_names[ev]);
		return -EPERM;
	}
	if (m->timer_id) {
		m->env.timer_del(m->env.ctx, m->timer_id);
		m->timer_id = 0;
	}
	m->state = next;
	/*
	 * Durable before anything can see it (issue 12): a transition that was
	 * logged, announced or acted on is in the journal, a return with it.
	 */
	if (m->env.journal)
		m->env.journal(m->env.ctx);
	step(m, TL_STATE, 0, states[next].name);
	if (next == MIGRATE_FAILED)
		logf_(m, "%s -> %s (%s): %s", states[old].name, states[next].name, event_names[ev],
		      m->reason);
	else
		logf_(m, "%s -> %s (%s)", states[old].name, states[next].name, event_names[ev]);
	t = states[next].timer;
	if (t != MIGRATE_T_NONE) {
		unsigned int ms = timeout_of(m, t);

		m->timer_id = m->env.timer_add(m->env.ctx, ms, timer_fired, m);
		logf_(m, "timer %s armed: %u ms", timer_names[t], ms);
	}
	/*
	 * Not when only passing through partner-config-stored to the PDN: the
	 * record itself is in the store already, and a durable write (two
	 * fsyncs) would delay the migration at the moment of need.
	 */
	if (states[next].stable && !m->passing)
		persist(m);
	if (m->env.changed)
		m->env.changed(m->env.ctx, old, next, ev);
	return 0;
}

static int dispatch(struct migrate *m, enum migrate_event ev, const void *data);
static void connect_next(struct migrate *m);
static void disconnect_next(struct migrate *m);

static void timer_fired(void *data)
{
	struct migrate *m = data;

	m->timer_id = 0;
	logf_(m, "timer %s expired in %s", timer_names[states[m->state].timer],
	      states[m->state].name);
	dispatch(m, MIGRATE_EV_TIMEOUT, NULL);
}

/* ---- configuration (steps 1-13) ---- */

static void fetch_done(int err, const char *reason, const struct partner_config *cfg,
		       void *user_data)
{
	struct migrate *m = user_data;

	if (err == -ECANCELED)
		return;
	m->fetch_pending = false;
	step(m, TL_CMS_ANSWER, 13, err < 0 ? reason : "ok");
	if (err < 0) {
		dispatch(m, MIGRATE_EV_CONFIG_FAILED, reason);
		return;
	}
	dispatch(m, MIGRATE_EV_CONFIG_OK, cfg);
}

static void start_fetch(struct migrate *m, enum migrate_event ev)
{
	struct cmc_request req = {
		.mc_service_id = m->cfg.mc_service_id,
		.serving = m->have_serving ? &m->serving : NULL,
		.requested_partner = m->partner[0] ? m->partner : NULL,
	};
	int ret;

	m->reason[0] = '\0';
	if (set_state(m, MIGRATE_CONFIG_REQUESTED, ev) < 0)
		return;
	m->fetch_pending = true;
	step(m, TL_CMS_REQUEST, 1, req.requested_partner);
	ret = m->env.cmc->fetch(m->env.cmc_ctx, &req, fetch_done, m);
	if (ret < 0) {
		m->fetch_pending = false;
		set_reason(m, "config-failed", strerror(-ret));
		set_state(m, MIGRATE_FAILED, MIGRATE_EV_CONFIG_FAILED);
	}
}

static void use_config(struct migrate *m, struct partner_config *cfg)
{
	partner_config_clear(&m->pcfg);
	m->pcfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	m->have_cfg = true;
	snprintf(m->partner, sizeof(m->partner), "%s", m->pcfg.partner_id);
}

/* A valid stored record for the requested partner, if there is one (NOTE 4). */
static bool load_stored(struct migrate *m)
{
	struct partner_config cfg;
	char why[CMC_XML_ERRMSG_MAX] = "";
	int ret;

	if (!m->partner[0])
		return false;
	if (m->have_cfg && strcmp(m->pcfg.partner_id, m->partner) == 0 &&
	    m->pcfg.valid_until > m->env.now(m->env.ctx))
		return true;
	ret = m->env.store->get(m->env.store_ctx, m->partner, m->env.now(m->env.ctx), &cfg, why,
				sizeof(why));
	if (ret < 0) {
		logf_(m, "no usable stored configuration for %s: %s", m->partner, why);
		return false;
	}
	use_config(m, &cfg);
	return true;
}

/* A switch, not a table: -Wswitch then names a trigger added without its text. */
static const char *trigger_suffix(enum migrate_trigger t)
{
	switch (t) {
	case MIGRATE_TRIGGER_MANUAL:
		return "";
	case MIGRATE_TRIGGER_LOCATION:
		return " (location)";
	case MIGRATE_TRIGGER_RESTORE:
		return " (restore)";
	case MIGRATE_TRIGGER_UNREACHABLE:
		return " (primary unreachable)";
	}
	return "";
}

static void on_migrate(struct migrate *m, enum migrate_event ev, const char *partner)
{
	char what[TIMELINE_ARG_MAX];
	int ret;

	/* Cut to the timeline's width; a '~' shows that a long partner id lost its tail. */
	if (snprintf(what, sizeof(what), "%s%s %s", ev == MIGRATE_EV_MIGRATE ? "migrate" : "fetch",
		     ev == MIGRATE_EV_MIGRATE ? trigger_suffix(m->trigger) : "",
		     partner ? partner : "(by location)") >= (int)sizeof(what))
		what[sizeof(what) - 2] = '~';
	step(m, TL_TRIGGER, 0, what);
	if (partner)
		snprintf(m->partner, sizeof(m->partner), "%s", partner);
	else if (m->state != MIGRATE_CONFIG_STORED)
		m->partner[0] = '\0';
	m->connect_after_fetch = ev == MIGRATE_EV_MIGRATE;
	if (ev == MIGRATE_EV_MIGRATE && load_stored(m)) {
		m->reason[0] = '\0';
		m->passing = true;
		ret = m->state == MIGRATE_CONFIG_STORED ? 0 :
							  set_state(m, MIGRATE_CONFIG_STORED, ev);
		m->passing = false;
		if (ret == 0)
			dispatch(m, MIGRATE_EV_CONNECT, NULL);
		return;
	}
	start_fetch(m, ev);
}

static void on_config_ok(struct migrate *m, const struct partner_config *cfg)
{
	struct partner_config copy;
	int ret;

	ret = partner_config_copy(&copy, cfg);
	if (ret == 0)
		ret = m->env.store->put(m->env.store_ctx, &copy);
	if (ret < 0) {
		partner_config_clear(&copy);
		set_reason(m, "store-failed", strerror(-ret));
		set_state(m, MIGRATE_FAILED, MIGRATE_EV_CONFIG_FAILED);
		return;
	}
	use_config(m, &copy);
	if (set_state(m, MIGRATE_CONFIG_STORED, MIGRATE_EV_CONFIG_OK) == 0 &&
	    m->connect_after_fetch)
		dispatch(m, MIGRATE_EV_CONNECT, NULL);
}

/* ---- partner PDN (step 14) ---- */

static void connect_done(int err, const char *reason, modem_pdn_id id,
			 const struct modem_pdn_settings *s, void *user_data)
{
	struct connect_call *call = user_data, **pp;
	struct migrate *m = call->m;
	struct migrate_pdn *pd;
	bool current = m && call->gen == m->connect_gen;

	if (m) {
		for (pp = &m->connects; *pp; pp = &(*pp)->next) {
			if (*pp == call) {
				*pp = call->next;
				break;
			}
		}
	}
	free(call);
	if (!m || err == -ECANCELED)
		return;
	if (!current) {
		/* Answer to an attempt we gave up on: make sure it leaves nothing up. */
		if (err == 0) {
			logf_(m, "late PDN %u after giving up: disconnecting it", id);
			m->env.modem->disconnect(m->env.modem_dev, id, NULL, NULL);
		}
		return;
	}
	if (err < 0) {
		step(m, TL_PDN_SETTINGS, 14, reason ? reason : strerror(-err));
		dispatch(m, MIGRATE_EV_PDN_FAILED, reason ? reason : strerror(-err));
		return;
	}
	pd = &m->pdn[m->pdn_next];
	pd->up = true;
	pd->id = id;
	pd->s = *s;
	step(m, TL_PDN_SETTINGS, 14, s->addr4[0] ? s->addr4 : s->addr6[0] ? s->addr6 : s->ifname);
	if (++m->pdn_next < m->n_pdn) {
		/* Make-before-break within the migration too: the next set only after this one. */
		logf_(m, "partner PDN %zu of %zu up on %s", m->pdn_next, m->n_pdn, s->ifname);
		connect_next(m);
		return;
	}
	dispatch(m, MIGRATE_EV_PDN_UP, NULL);
}

static void connect_next(struct migrate *m)
{
	struct migrate_pdn *pd = &m->pdn[m->pdn_next];
	const struct pcfg_connectivity *c = NULL;
	struct modem_pdn_params p;
	struct connect_call *call;
	size_t i;

	for (i = 0; i < m->pcfg.n_conn; i++)
		if (strcmp(m->pcfg.conn[i].con_ref, pd->con_ref) == 0)
			c = &m->pcfg.conn[i];
	call = calloc(1, sizeof(*call));
	if (!c || !call) {
		free(call);
		dispatch(m, MIGRATE_EV_PDN_FAILED, c ? "out of memory" : "no connectivity set");
		return;
	}
	call->m = m;
	call->gen = ++m->connect_gen;
	call->next = m->connects;
	m->connects = call;
	p = c->pdn;
	logf_(m, "connecting partner PDN apn=%s con-ref=%s", p.apn, c->con_ref);
	step(m, TL_PDN_REQUEST, 14, p.apn);
	m->env.modem->connect(m->env.modem_dev, &p, connect_done, call);
	util_wipe(p.username, sizeof(p.username));
	util_wipe(p.password, sizeof(p.password));
}

/* Whether a PDN of this migration is up (a teardown has work to do). */
static bool any_pdn_up(const struct migrate *m)
{
	size_t i;

	for (i = 0; i < m->n_pdn; i++)
		if (m->pdn[i].up || m->pdn[i].netdev_configured)
			return true;
	return false;
}

/*
 * TS 24.484 con-refs: one PDN per distinct connectivity set, each carrying
 * the services whose con-ref names it (MCPTT's first).
 */
static void start_connect(struct migrate *m)
{
	const struct pcfg_connectivity *sets[PCFG_SVC_COUNT];
	unsigned int services[PCFG_SVC_COUNT];
	size_t i;

	m->reason[0] = '\0';
	if (set_state(m, MIGRATE_PDN_CONNECTING, MIGRATE_EV_CONNECT) < 0)
		return;
	memset(m->pdn, 0, sizeof(m->pdn));
	m->pdn_next = 0;
	m->n_pdn = partner_config_pdn_sets(&m->pcfg, sets, services);
	if (!m->n_pdn) {
		dispatch(m, MIGRATE_EV_PDN_FAILED, "no connectivity set");
		return;
	}
	for (i = 0; i < m->n_pdn; i++) {
		strcpy(m->pdn[i].con_ref, sets[i]->con_ref);
		m->pdn[i].services = services[i];
	}
	connect_next(m);
}

static void pdn_down_done(int err, const char *reason, void *user_data)
{
	struct migrate *m = user_data;

	if (err == -ECANCELED)
		return;
	step(m, TL_PDN_DOWN, 0, err < 0 ? (reason ? reason : strerror(-err)) : NULL);
	if (err < 0)
		logf_(m, "partner PDN disconnect: %s", reason ? reason : strerror(-err));
	disconnect_next(m);
}

/*
 * One PDN down at a time, the last one up first (the reverse of bring-up):
 * its netdev, then the PDN itself. PDN_DOWN once none is left.
 */
static void disconnect_next(struct migrate *m)
{
	struct migrate_pdn *pd;
	size_t i = m->n_pdn;
	int ret;

	while (i > 0 && !m->pdn[i - 1].up && !m->pdn[i - 1].netdev_configured)
		i--;
	if (i == 0) {
		dispatch(m, MIGRATE_EV_PDN_DOWN, NULL);
		return;
	}
	pd = &m->pdn[i - 1];
	if (pd->netdev_configured) {
		ret = m->env.netdev->deconfigure(&pd->s);
		if (ret < 0)
			logf_(m, "netdev %s deconfigure: %s", pd->s.ifname, strerror(-ret));
		pd->netdev_configured = false;
	}
	if (!pd->up) {
		disconnect_next(m);
		return;
	}
	pd->up = false;
	step(m, TL_PDN_DISCONNECT, 0, NULL);
	m->env.modem->disconnect(m->env.modem_dev, pd->id, pdn_down_done, m);
}

static void cancel_user_auth(struct migrate *m)
{
	if (m->auth_pending) {
		m->auth_pending = false;
		m->env.idm->cancel(m->env.idm_ctx);
	}
}

static void reap_sip(void *data)
{
	struct migrate *m = data;

	m->reap_id = 0;
	/* The publication first: it sends on the registration's flow. */
	if (m->svc_dead)
		m->env.svc->destroy(m->svc_dead);
	m->svc_dead = NULL;
	if (m->reg_dead)
		m->env.sip->destroy(m->reg_dead);
	m->reg_dead = NULL;
}

static void forget_token(struct migrate *m)
{
	util_wipe(&m->token, sizeof(m->token));
	m->have_token = false;
}

/* Ends service authorisation without a callback, as drop_sip() (no PUBLISH goes out). */
static void drop_svc(struct migrate *m)
{
	if (m->token_pending) {
		m->token_pending = false;
		m->env.idm->cancel(m->env.idm_ctx);
	}
	forget_token(m);
	if (!m->svc)
		return;
	if (m->svc_dead)
		m->env.svc->destroy(m->svc_dead);
	m->svc_dead = m->svc;
	m->svc = NULL;
	if (!m->reap_id)
		m->reap_id = m->env.timer_add(m->env.ctx, 0, reap_sip, m);
}

/*
 * Ends the SIP side without a callback (sipreg_free cancels everything). We
 * may be inside sipreg's own result callback here, so the free itself runs
 * from the main loop right after.
 */
static void drop_sip(struct migrate *m)
{
	drop_svc(m);
	if (!m->reg)
		return;
	if (m->reg_dead)
		m->env.sip->destroy(m->reg_dead);
	m->reg_dead = m->reg;
	m->reg = NULL;
	if (!m->reap_id)
		m->reap_id = m->env.timer_add(m->env.ctx, 0, reap_sip, m);
}

/*
 * Takes down what the migration added, in reverse order: SIP, netdev, PDN.
 * The primary's PDN and configuration are not ours to touch (make-before-break).
 */
static void start_disconnect(struct migrate *m, enum migrate_event ev)
{
	cancel_user_auth(m);
	forget_token(m);
	drop_sip(m);
	if (set_state(m, MIGRATE_DISCONNECTING, ev) < 0)
		return;
	/* A connect still in flight is abandoned; connect_done disconnects it. */
	m->connect_gen++;
	disconnect_next(m);
}

static void fail_and_disconnect(struct migrate *m, enum migrate_event ev, const char *prefix,
				const char *detail)
{
	set_reason(m, prefix, detail);
	start_disconnect(m, ev);
}

/* ---- SIP registration (steps 15, 22-24) ---- */

static void sip_result(enum sipreg_result r, const char *reason, const struct sipreg_info *info,
		       void *user_data)
{
	struct migrate *m = user_data;

	switch (r) {
	case SIPREG_REGISTERED:
		dispatch(m, MIGRATE_EV_REGISTERED, info);
		return;
	case SIPREG_REFRESHED:
		logf_(m, "registration refreshed, expires in %u s", info ? info->expires : 0);
		return;
	case SIPREG_DEREGISTERED:
		dispatch(m, MIGRATE_EV_DEREGISTERED, NULL);
		return;
	case SIPREG_LOST:
		set_reason(m, "registration-lost", reason);
		dispatch(m, MIGRATE_EV_REG_LOST, NULL);
		return;
	case SIPREG_DEREGISTERED_BY_NETWORK:
		dispatch(m, MIGRATE_EV_DEREGISTERED_BY_NETWORK, reason);
		return;
	case SIPREG_REFUSED:
		set_reason(m, "registration-refused", reason);
		break;
	case SIPREG_AUTH_FAILED:
		set_reason(m, "auth-failed", reason);
		break;
	case SIPREG_TIMEOUT:
		set_reason(m, "registration-timeout", reason);
		break;
	case SIPREG_FAILED:
		/* Challenged, nothing is on the wire: it is the card that failed. */
		set_reason(m,
			   m->state == MIGRATE_CHALLENGED ? "auth-failed" : "registration-failed",
			   reason);
		break;
	}
	if (m->state == MIGRATE_RETURNING) {
		/* The de-registration failed: we are leaving anyway. */
		logf_(m, "de-registration: %s", m->reason);
		m->reason[0] = '\0';
		dispatch(m, MIGRATE_EV_DEREGISTERED, NULL);
		return;
	}
	dispatch(m, MIGRATE_EV_REG_FAILED, NULL);
}

/* sipreg's events while the migration registers or returns; refreshes are not part of it. */
static bool sip_in_timeline(const struct migrate *m)
{
	return m->state == MIGRATE_REGISTERING || m->state == MIGRATE_CHALLENGED ||
	       m->state == MIGRATE_RETURNING;
}

static void sip_request_sent(enum sipreg_request kind, bool retransmission, void *user_data)
{
	struct migrate *m = user_data;

	if (!sip_in_timeline(m))
		return;
	if (retransmission) {
		step(m, TL_SIP_RETRANSMIT, 0, NULL);
		return;
	}
	switch (kind) {
	case SIPREG_REQ_REGISTER:
		step(m, TL_REGISTER, 15, NULL);
		break;
	case SIPREG_REQ_REGISTER_AUTH:
		step(m, TL_REGISTER_AUTH, 23, NULL);
		break;
	case SIPREG_REQ_DEREGISTER:
		step(m, TL_DEREGISTER, 0, NULL);
		break;
	case SIPREG_REQ_REFRESH:
		break;
	}
}

/* A response's step: 401 is the challenge (22), a 2xx while registering is 24. */
static void sip_response(unsigned int status, const char *reason_phrase, void *user_data)
{
	struct migrate *m = user_data;
	char text[TIMELINE_ARG_MAX];
	unsigned int seed_step = 0;

	if (!sip_in_timeline(m))
		return;
	if (m->state != MIGRATE_RETURNING && status == 401)
		seed_step = 22;
	else if (m->state != MIGRATE_RETURNING && status >= 200 && status < 300)
		seed_step = 24;
	snprintf(text, sizeof(text), "%u %s", status, reason_phrase);
	step(m, TL_SIP_RESPONSE, seed_step, text);
}

/* The reg event subscription's outcome, told once per change by sipreg: for people. */
static void sip_subscription(unsigned int status, const char *reason, void *user_data)
{
	struct migrate *m = user_data;

	if (status >= 200 && status < 300)
		logf_(m, "subscribed to the registration state (reg event): %u %s", status, reason);
	else
		logf_(m,
		      "reg event subscription refused: %u %s (still registered; tried again at "
		      "the next refresh)",
		      status, reason);
}

/* Where the P-CSCF is and how that was found (RFC 3263 on the partner's DNS): for people. */
static void sip_resolved(const char *how, void *user_data)
{
	struct migrate *m = user_data;
	const char *at = strstr(how, "-> ");
	char where[TIMELINE_ARG_MAX];
	size_t n;

	logf_(m, "P-CSCF: %s", how);
	/* The lookup's time is the network's, not the agent's (timeline): "udp ADDR:PORT". */
	at = at ? at + 3 : how;
	n = strcspn(at, "(");
	while (n && at[n - 1] == ' ')
		n--;
	snprintf(where, sizeof(where), "%.*s", (int)n, at);
	step(m, TL_DNS_ANSWER, 15, where);
}

static void sip_challenged(void *user_data)
{
	struct migrate *m = user_data;

	/* A refresh re-challenged while registered changes nothing here. */
	if (m->state == MIGRATE_REGISTERING)
		dispatch(m, MIGRATE_EV_CHALLENGED, NULL);
}

/*
 * Step 23 as the card saw it: the AUTHENTICATE from the start of its first
 * exchange to the return of its last, stamped in the card's worker (card.h),
 * so that the handoffs to the worker and back count as the agent's time. A
 * failure before any exchange (no card) is stamped now.
 */
static void sip_auth_done(int err, const char *outcome, const struct card_times *t, void *user_data)
{
	struct migrate *m = user_data;

	if (m->state != MIGRATE_CHALLENGED)
		return;
	step_at(m, TL_AUTH_START, 23, NULL, t->start_us);
	step_at(m, TL_AUTH_DONE, 23, outcome, t->end_us);
	/* A failed card is sipreg's failure too: its result follows, in this state. */
	if (err == 0)
		dispatch(m, MIGRATE_EV_AUTH_DONE, NULL);
}

/* A response on the registration's flow that is not sipreg's: the PUBLISH's. */
static void sip_message(const uint8_t *buf, size_t len, void *user_data)
{
	struct migrate *m = user_data;

	if (m->svc)
		m->env.svc->handle(m->svc, buf, len);
}

/*
 * TS 24.229 5.1.1.2.1 / 7.2A.4: the serving cell the modem reports, as
 * P-Access-Network-Info; "" when the modem told no E-UTRAN cell (the header
 * is left out rather than guessed).
 */
static void access_network_info(struct migrate *m, char *pani, size_t size)
{
	const struct modem_serving *s = &m->serving;
	const char *err;

	pani[0] = '\0';
	if (!m->have_serving || s->rat != MODEM_RAT_LTE || !s->has_tac || !s->has_cell_id)
		return;
	if (sipmsg_pani_eutran(s->mcc, s->mnc, s->tac, (uint32_t)s->cell_id, pani, size, &err) <
	    0) {
		logf_(m, "no P-Access-Network-Info: %s", err);
		pani[0] = '\0';
	}
}

static bool is_ip_literal(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1;
}

/*
 * The partner configuration's P-CSCF @i as host and port (0 when the URI has
 * none: RFC 3263 4.2, sipreg resolves it). Its transport is the
 * configuration's transport attribute, not the URI's.
 */
static int pcscf_addr(const struct migrate *m, size_t i, char *host, size_t size,
		      unsigned int *port)
{
	const char *err;
	bool tcp;

	return sipmsg_parse_pcscf(m->pcfg.pcscf[i].uri, host, size, port, &tcp, &err);
}

static void start_register(struct migrate *m, enum migrate_event from)
{
	struct sipreg_events ev = {
		.result = sip_result,
		.request_sent = sip_request_sent,
		.response = sip_response,
		.challenged = sip_challenged,
		.auth_done = sip_auth_done,
		.subscription = sip_subscription,
		.message = sip_message,
		.resolved = sip_resolved,
		.user_data = m,
	};
	char urn[SIPMSG_IMEI_URN_MAX], pani[SIPMSG_PANI_MAX];
	const char *err;
	struct sipreg_config sc = {
		.impi = m->pcfg.impi,
		.impu = m->pcfg.impu[0],
		.domain = m->pcfg.home_domain,
		.expires = m->cfg.sip_expires ? m->cfg.sip_expires : 600,
		.max_auth_failures = m->cfg.sip_max_auth_failures ? m->cfg.sip_max_auth_failures :
								    2,
		/*
		 * With service authorisation the PUBLISH (its bodies, the token)
		 * exceeds 1300 bytes and takes TCP (RFC 3261 18.1.1); a P-CSCF
		 * takes a UE's requests only on the flow it registered on (TS
		 * 24.229 5.2.6.3): so the registration goes over TCP too.
		 */
		.force_tcp = m->cfg.sip_force_tcp || m->env.svc,
		.reg_event_expires = m->cfg.sip_reg_event_expires ?: SIPSUB_DEFAULT_EXPIRES,
		.transport = SIPREG_TRANSPORT_ANY,
		/* TS 24.379 7.2.1: an MCPTT client's Contact carries the MCPTT ICSI. */
		.icsi = SIPMSG_ICSI_MCPTT,
		/* Partner names are known to the partner's DNS, over the partner PDN. */
		.dns_ifname = m->pdn[0].s.ifname[0] ? m->pdn[0].s.ifname : NULL,
	};
	const struct modem_pdn_settings *pdn = &m->pdn[0].s;
	char host[PCFG_STR_MAX];
	size_t i;
	int ret;

	/* TS 24.229 5.1.1.2.1: the instance ID is the IMEI URN when the UE has an IMEI. */
	if (m->imei[0] && sipmsg_imei_urn(m->imei, urn, sizeof(urn), &err) == 0)
		sc.instance_id = urn;
	else if (m->imei[0])
		logf_(m, "no +sip.instance: modem IMEI '%s' refused: %s", m->imei, err);
	access_network_info(m, pani, sizeof(pani));
	if (pani[0])
		sc.pani = pani;
	for (i = 0; i < pdn->n_dns && i < SIPREG_DNS_MAX; i++)
		sc.dns[sc.n_dns++] = pdn->dns[i];

	/* The partner configuration's P-CSCF first, else the PDN's (TS 24.229 9.2.1). */
	if (m->pcfg.n_pcscf) {
		ret = pcscf_addr(m, 0, host, sizeof(host), &sc.pcscf_port);
		if (ret < 0) {
			fail_and_disconnect(m, from, "registration-failed",
					    "bad P-CSCF URI in the partner configuration");
			return;
		}
		if (m->pcfg.pcscf[0].transport == PCFG_TRANSPORT_TCP)
			sc.transport = SIPREG_TRANSPORT_TCP;
		else if (m->pcfg.pcscf[0].transport == PCFG_TRANSPORT_UDP)
			sc.transport = SIPREG_TRANSPORT_UDP;
	} else if (pdn->n_pcscf) {
		snprintf(host, sizeof(host), "%s", pdn->pcscf[0]);
	} else {
		fail_and_disconnect(m, from, "registration-failed",
				    "no P-CSCF in the partner configuration or the PDN");
		return;
	}
	/*
	 * A name is the partner's to resolve: without the partner PDN's DNS
	 * servers it would go to the primary's, which answers NXDOMAIN or, worse,
	 * another address (issue 11). Refused, not guessed.
	 */
	if (!sc.n_dns && !is_ip_literal(host)) {
		char why[PCFG_STR_MAX + 64];

		snprintf(why, sizeof(why),
			 "P-CSCF %s is a name and the partner PDN named no DNS server", host);
		fail_and_disconnect(m, MIGRATE_EV_PDN_UP, "registration-failed", why);
		return;
	}
	sc.pcscf_host = host;
	/*
	 * SIP leaves from the MCPTT PDN's address of the P-CSCF's family (an
	 * IPv6 P-CSCF over IPv6, RFC 3261 18.1.1 and TS 24.229 9.2.1); a name
	 * takes IPv4 when the PDN has it.
	 */
	if (strchr(host, ':'))
		sc.local_addr = pdn->addr6[0] ? pdn->addr6 : NULL;
	else
		sc.local_addr = pdn->addr4[0] ? pdn->addr4 : pdn->addr6[0] ? pdn->addr6 : NULL;
	if (set_state(m, MIGRATE_REGISTERING, from) < 0)
		return;
	if (sc.pcscf_port)
		logf_(m, "registering %s at %s:%u", sc.impu, host, sc.pcscf_port);
	else
		logf_(m, "registering %s at %s", sc.impu, host);
	ret = m->env.sip->create(&m->reg, &sc, m->env.card, &ev);
	if (ret == 0 && sc.n_dns && !is_ip_literal(host))
		step(m, TL_DNS_QUERY, 15, host);
	if (ret == 0)
		ret = m->env.sip->start(m->reg);
	if (ret < 0) {
		set_reason(m, "registration-failed", strerror(-ret));
		dispatch(m, MIGRATE_EV_REG_FAILED, NULL);
	}
}

/* Adds @host to the servers routed through @s when it is an IP literal not yet there. */
static void route_server(struct modem_pdn_settings *s, const char *host)
{
	uint8_t a[16];
	size_t i;

	if (inet_pton(strchr(host, ':') ? AF_INET6 : AF_INET, host, a) != 1)
		return; /* a name: routed once resolved, not here */
	for (i = 0; i < s->n_pcscf; i++)
		if (strcmp(s->pcscf[i], host) == 0)
			return;
	for (i = 0; i < s->n_server; i++)
		if (strcmp(s->server[i], host) == 0)
			return;
	if (s->n_server < MODEM_SERVER_MAX && strlen(host) < MODEM_ADDR_MAX)
		strcpy(s->server[s->n_server++], host);
}

/*
 * The servers each PDN serves are reached through it, never through the
 * primary's default route (TS 24.484 con-refs): the partner configuration's
 * P-CSCFs through the MCPTT PDN, the common core's and the IdMS's servers
 * through theirs.
 */
static void route_servers(struct migrate *m, struct migrate_pdn *pd)
{
	char host[PCFG_STR_MAX];
	unsigned int port;
	size_t i;

	pd->s.n_server = 0;
	for (i = 0; pd->services & BIT(PCFG_SVC_MCPTT) && i < m->pcfg.n_pcscf; i++)
		if (pcscf_addr(m, i, host, sizeof(host), &port) == 0)
			route_server(&pd->s, host);
	for (i = 0; i < m->pcfg.n_server; i++)
		if (pd->services & BIT(m->pcfg.server[i].service))
			route_server(&pd->s, m->pcfg.server[i].host);
}

/* ---- MC service user authentication (step 14, TS 33.180 5.1.4) ---- */

static void user_auth_done(int err, const char *reason, const struct idm_token *tok, void *ud)
{
	struct migrate *m = ud;

	if (err == -ECANCELED)
		return;
	m->auth_pending = false;
	if (err < 0) {
		dispatch(m, MIGRATE_EV_USER_AUTH_FAILED, reason ? reason : strerror(-err));
		return;
	}
	/* Our own copy: the client wipes its one after this call. */
	m->token = *tok;
	m->have_token = true;
	dispatch(m, MIGRATE_EV_USER_AUTH_OK, NULL);
}

static void start_user_auth(struct migrate *m)
{
	int ret;

	if (set_state(m, MIGRATE_USER_AUTH, MIGRATE_EV_PDN_UP) < 0)
		return;
	m->auth_pending = true;
	ret = m->env.idm->partner_token(m->env.idm_ctx, &m->pcfg, user_auth_done, m);
	if (ret < 0) {
		m->auth_pending = false;
		dispatch(m, MIGRATE_EV_USER_AUTH_FAILED,
			 ret == -EPERM ?
				 "not signed in at the primary IdM server (mcmigctl login)" :
			 ret == -ENOENT ? "no partner IdM server (idms-token-endpoint) in the "
					  "partner configuration" :
					  strerror(-ret));
	}
}

static void on_pdn_up(struct migrate *m)
{
	struct migrate_pdn *pd;
	size_t i;
	int ret;

	/* Journaled first: a crash inside configure() leaves addresses to remove. */
	m->netdev_pending = true;
	if (m->env.journal)
		m->env.journal(m->env.ctx);
	m->netdev_pending = false;
	for (i = 0; i < m->n_pdn; i++) {
		pd = &m->pdn[i];
		route_servers(m, pd);
		ret = m->env.netdev->configure(&pd->s);
		if (ret < 0) {
			char why[128];

			snprintf(why, sizeof(why), "netdev %s: %s", pd->s.ifname, strerror(-ret));
			fail_and_disconnect(m, MIGRATE_EV_PDN_UP, "pdn-failed", why);
			return;
		}
		pd->netdev_configured = true;
		step(m, TL_NETDEV, 14, pd->s.ifname);
	}
	if (m->env.user_auth)
		start_user_auth(m);
	else
		start_register(m, MIGRATE_EV_PDN_UP);
}

/* ---- service authorisation (step 25) ---- */

static int svc_route(void *ctx, struct sipreg_route *r)
{
	struct migrate *m = ctx;

	return m->reg ? m->env.sip->route(m->reg, r) : -ENOTCONN;
}

static int svc_send(void *ctx, bool tcp, const char *buf, size_t len)
{
	struct migrate *m = ctx;

	return m->reg ? m->env.sip->send(m->reg, tcp, buf, len) : -ENOTCONN;
}

static void svc_result(enum mcsvc_result r, const char *reason, unsigned int expires,
		       void *user_data)
{
	struct migrate *m = user_data;
	char why[MIGRATE_REASON_MAX];

	switch (r) {
	case MCSVC_AUTHORISED:
		logf_(m, "service authorisation accepted, expires in %u s", expires);
		dispatch(m, MIGRATE_EV_SERVICE_AUTH_OK, NULL);
		return;
	case MCSVC_REFRESHED:
		logf_(m, "service authorisation refreshed, expires in %u s", expires);
		return;
	case MCSVC_REMOVED:
		if (reason)
			logf_(m, "service authorisation removal: %s", reason);
		dispatch(m, MIGRATE_EV_SERVICE_REMOVED, NULL);
		return;
	case MCSVC_LOST:
		snprintf(why, sizeof(why), "publication lost: %s", reason ? reason : "");
		set_reason(m, "service-auth", why);
		break;
	case MCSVC_REFUSED:
	case MCSVC_TIMEOUT:
	case MCSVC_FAILED:
		set_reason(m, "service-auth", reason);
		break;
	}
	/* Nothing is published any more: the way out starts with the de-REGISTER. */
	drop_svc(m);
	dispatch(m, MIGRATE_EV_SERVICE_AUTH_FAILED, NULL);
}

static void svc_request_sent(enum mcsvc_request kind, bool retransmission, void *user_data)
{
	struct migrate *m = user_data;

	if (retransmission)
		step(m, TL_SIP_RETRANSMIT, 0, NULL);
	else if (kind == MCSVC_REQ_PUBLISH)
		step(m, TL_PUBLISH, 25, NULL);
	else if (kind == MCSVC_REQ_REMOVE)
		step(m, TL_UNPUBLISH, 0, NULL);
}

static void svc_response(unsigned int status, const char *reason_phrase, void *user_data)
{
	struct migrate *m = user_data;
	char text[TIMELINE_ARG_MAX];

	if (m->state != MIGRATE_SERVICE_AUTH && m->state != MIGRATE_RETURNING)
		return;
	snprintf(text, sizeof(text), "%u %s", status, reason_phrase);
	step(m, TL_SIP_RESPONSE, m->state == MIGRATE_SERVICE_AUTH ? 25 : 0, text);
}

/* The token in hand: the PUBLISH (TS 24.379 7.2.2), and the token forgotten here. */
static void publish(struct migrate *m)
{
	char server[PCFG_STR_MAX + 16];
	struct mcsvc_config cfg = {
		.server_uri = m->cfg.mc_server_uri,
		/* <mcptt-request-uri>: the MCPTT ID the user is known by (at the primary). */
		.mcptt_id = m->cfg.mc_service_id,
		.client_id = m->token.client_id,
		.expires = m->cfg.svc_expires,
	};
	struct mcsvc_transport tp = { svc_route, svc_send, m };
	struct mcsvc_events ev = {
		.result = svc_result,
		.request_sent = svc_request_sent,
		.response = svc_response,
		.user_data = m,
	};
	int ret;

	if (!cfg.server_uri) {
		snprintf(server, sizeof(server), "sip:mcptt@%s", m->pcfg.home_domain);
		cfg.server_uri = server;
	}
	logf_(m, "service authorisation: PUBLISH to %s", cfg.server_uri);
	ret = m->env.svc->create(&m->svc, &cfg, &tp, &ev);
	if (ret == 0)
		ret = m->env.svc->publish(m->svc, m->token.access_token);
	forget_token(m);
	if (ret < 0) {
		set_reason(m, "service-auth", strerror(-ret));
		dispatch(m, MIGRATE_EV_SERVICE_AUTH_FAILED, NULL);
	}
}

static void token_done(int err, const char *reason, const struct idm_token *tok, void *ud)
{
	struct migrate *m = ud;
	char why[MIGRATE_REASON_MAX];

	if (err == -ECANCELED || !m->token_pending)
		return;
	m->token_pending = false;
	if (err < 0) {
		snprintf(why, sizeof(why), "no partner token: %s",
			 reason ? reason : strerror(-err));
		set_reason(m, "service-auth", why);
		dispatch(m, MIGRATE_EV_SERVICE_AUTH_FAILED, NULL);
		return;
	}
	m->token = *tok;
	m->have_token = true;
	publish(m);
}

/* A token that expires within this is not worth sending (the MC server checks exp). */
#define TOKEN_MARGIN_S 10

static void start_service_auth(struct migrate *m)
{
	time_t now = m->env.now(m->env.ctx);
	int ret;

	if (set_state(m, MIGRATE_SERVICE_AUTH, MIGRATE_EV_REGISTERED) < 0)
		return;
	if (m->have_token && (!m->token.expires_at || m->token.expires_at > now + TOKEN_MARGIN_S)) {
		publish(m);
		return;
	}
	/* None held (or about to expire): ask the IdM client now (TS 33.180 B.7). */
	forget_token(m);
	m->token_pending = true;
	ret = m->env.idm->partner_token(m->env.idm_ctx, &m->pcfg, token_done, m);
	if (ret < 0) {
		m->token_pending = false;
		set_reason(m, "service-auth", "no partner token: the IdM client refused to ask");
		dispatch(m, MIGRATE_EV_SERVICE_AUTH_FAILED, NULL);
	}
}

/* ---- return ---- */

/* De-registers (the publication already removed); the reason, if any, is kept. */
static void deregister(struct migrate *m)
{
	int ret;

	drop_svc(m);
	ret = m->env.sip->stop(m->reg);
	if (ret < 0) {
		logf_(m, "de-registration: %s", strerror(-ret));
		dispatch(m, MIGRATE_EV_DEREGISTERED, NULL);
	}
}

/*
 * Leaves the partner from a registered state: TS 24.379 7.2.2 removes the
 * publication first (PUBLISH Expires: 0), then the registration goes.
 */
static void leave(struct migrate *m, enum migrate_event ev)
{
	if (set_state(m, MIGRATE_RETURNING, ev) < 0)
		return;
	if (m->svc && m->env.svc->stop(m->svc) == 0)
		return; /* service-removed follows */
	deregister(m);
}

static void start_return(struct migrate *m)
{
	m->reason[0] = '\0';
	leave(m, MIGRATE_EV_RETURN);
}

/* ---- the dispatcher ---- */

/* Where a teardown ends: failed with a reason, else (or ended by the network) idle. */
static enum migrate_state end_state(struct migrate *m)
{
	bool network = m->ended_by_network;

	m->ended_by_network = false;
	return m->reason[0] && !network ? MIGRATE_FAILED : MIGRATE_IDLE;
}

static int dispatch(struct migrate *m, enum migrate_event ev, const void *data)
{
	enum migrate_state s = m->state;
	char t[32];

	if (!(states[s].in_events & BIT(ev))) {
		logf_(m, "rejected event %s in state %s", event_names[ev], states[s].name);
		return -EBUSY;
	}
	switch (ev) {
	case MIGRATE_EV_MIGRATE:
	case MIGRATE_EV_FETCH:
		on_migrate(m, ev, data);
		break;
	case MIGRATE_EV_CONFIG_OK:
		on_config_ok(m, data);
		break;
	case MIGRATE_EV_CONFIG_FAILED:
		snprintf(m->reason, sizeof(m->reason), "%s",
			 data ? (const char *)data : "config-failed: no reason given");
		clean_reason(m);
		set_state(m, MIGRATE_FAILED, ev);
		break;
	case MIGRATE_EV_CONNECT:
		start_connect(m);
		break;
	case MIGRATE_EV_CONFIG_EXPIRED:
		cmc_xml_format_time(m->pcfg.valid_until, t);
		logf_(m, "partner configuration of %s expired at %s", m->partner, t);
		partner_config_clear(&m->pcfg);
		m->have_cfg = false;
		set_state(m, MIGRATE_IDLE, ev);
		break;
	case MIGRATE_EV_PDN_UP:
		on_pdn_up(m);
		break;
	case MIGRATE_EV_PDN_FAILED:
		/* A later set failed: the ones already up go down again. */
		if (any_pdn_up(m)) {
			fail_and_disconnect(m, ev, "pdn-failed", data);
			break;
		}
		set_reason(m, "pdn-failed", data);
		set_state(m, MIGRATE_FAILED, ev);
		break;
	case MIGRATE_EV_USER_AUTH_OK:
		start_register(m, ev);
		break;
	case MIGRATE_EV_USER_AUTH_FAILED:
		fail_and_disconnect(m, ev, "user-auth", data);
		break;
	case MIGRATE_EV_CHALLENGED:
		set_state(m, MIGRATE_CHALLENGED, ev);
		break;
	case MIGRATE_EV_AUTH_DONE:
		set_state(m, MIGRATE_REGISTERING, ev);
		break;
	case MIGRATE_EV_REGISTERED:
		m->reason[0] = '\0';
		if (set_state(m, MIGRATE_REGISTERED, ev) < 0)
			break;
		if (m->return_when_registered) {
			m->return_when_registered = false;
			logf_(m, "primary reachable again meanwhile: returning");
			m->trigger = MIGRATE_TRIGGER_MANUAL;
			dispatch(m, MIGRATE_EV_RETURN, NULL);
		} else if (m->env.idm && m->env.svc) {
			start_service_auth(m);
		}
		break;
	case MIGRATE_EV_SERVICE_AUTH_OK:
		if (set_state(m, MIGRATE_AUTHORISED, ev) == 0 && m->return_when_registered) {
			m->return_when_registered = false;
			logf_(m, "primary reachable again meanwhile: returning");
			m->trigger = MIGRATE_TRIGGER_MANUAL;
			dispatch(m, MIGRATE_EV_RETURN, NULL);
		}
		break;
	case MIGRATE_EV_SERVICE_AUTH_FAILED:
		/* Registered but not authorised is no MC service: leave, saying why. */
		leave(m, ev);
		break;
	case MIGRATE_EV_SERVICE_REMOVED:
		deregister(m);
		break;
	case MIGRATE_EV_REG_FAILED:
	case MIGRATE_EV_REG_LOST:
		start_disconnect(m, ev);
		break;
	case MIGRATE_EV_DEREGISTERED_BY_NETWORK:
		/*
		 * TS 24.229 5.1.1.7: the binding is gone (revoked at the partner):
		 * nothing to de-register; take down what the migration added and
		 * stay on the primary, saying why.
		 */
		set_reason(m, "deregistered-by-network", data);
		m->ended_by_network = true;
		start_disconnect(m, ev);
		break;
	case MIGRATE_EV_PDN_DROPPED:
		fail_and_disconnect(m, ev, "pdn-dropped", data);
		break;
	case MIGRATE_EV_RETURN:
		step(m, TL_TRIGGER, 0, "return");
		if (s == MIGRATE_REGISTERED || s == MIGRATE_SERVICE_AUTH || s == MIGRATE_AUTHORISED)
			start_return(m);
		else
			fail_and_disconnect(m, ev, "cancelled", "return requested while migrating");
		break;
	case MIGRATE_EV_DEREGISTERED:
		start_disconnect(m, ev);
		break;
	case MIGRATE_EV_PDN_DOWN:
		set_state(m, end_state(m), ev);
		break;
	case MIGRATE_EV_TIMEOUT:
		switch (s) {
		case MIGRATE_CONFIG_REQUESTED:
			m->env.cmc->cancel(m->env.cmc_ctx);
			set_reason(m, "config-failed", "no answer from the configuration server");
			set_state(m, MIGRATE_FAILED, ev);
			break;
		case MIGRATE_CONFIG_STORED:
			dispatch(m, MIGRATE_EV_CONFIG_EXPIRED, NULL);
			break;
		case MIGRATE_PDN_CONNECTING:
			/* The modem may still answer: connect_done disconnects it then. */
			m->connect_gen++;
			if (any_pdn_up(m)) {
				fail_and_disconnect(m, ev, "pdn-failed",
						    "no answer from the modem");
				break;
			}
			set_reason(m, "pdn-failed", "no answer from the modem");
			set_state(m, MIGRATE_FAILED, ev);
			break;
		case MIGRATE_REGISTERING:
			fail_and_disconnect(m, ev, "registration-timeout",
					    "no final answer from the partner");
			break;
		case MIGRATE_USER_AUTH:
			fail_and_disconnect(m, ev, "user-auth", "no answer from the IdM servers");
			break;
		case MIGRATE_RETURNING:
			logf_(m, "de-registration unanswered: leaving anyway");
			start_disconnect(m, ev);
			break;
		case MIGRATE_SERVICE_AUTH:
			set_reason(m, "service-auth",
				   "no answer from the IdM or MC server in time");
			leave(m, ev);
			break;
		case MIGRATE_DISCONNECTING:
			logf_(m, "partner PDN disconnect unanswered");
			memset(m->pdn, 0, sizeof(m->pdn));
			set_state(m, end_state(m), ev);
			break;
		case MIGRATE_IDLE:
		case MIGRATE_CHALLENGED:
		case MIGRATE_REGISTERED:
		case MIGRATE_AUTHORISED:
		case MIGRATE_FAILED:
		case MIGRATE_STATE_COUNT:
			break;
		}
		break;
	case MIGRATE_EVENT_COUNT:
		break;
	}
	return 0;
}

/* ---- public API ---- */

int migrate_new(struct migrate **out, const struct migrate_env *env,
		const struct migrate_config *cfg)
{
	struct migrate *m;

	*out = NULL;
	if (!env->timer_add || !env->timer_del || !env->now || !env->cmc || !env->store ||
	    !env->modem || !env->netdev || !env->sip || !env->card || !cfg->mc_service_id ||
	    ((env->svc || env->user_auth) && !env->idm))
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->env = *env;
	m->cfg = *cfg;
	m->state = MIGRATE_IDLE;
	if (cfg->imei)
		snprintf(m->imei, sizeof(m->imei), "%s", cfg->imei);
	*out = m;
	return 0;
}

void migrate_set_imei(struct migrate *m, const char *imei)
{
	snprintf(m->imei, sizeof(m->imei), "%s", imei ? imei : "");
}

void migrate_free(struct migrate *m)
{
	if (!m)
		return;
	if (m->timer_id)
		m->env.timer_del(m->env.ctx, m->timer_id);
	if (m->fetch_pending)
		m->env.cmc->cancel(m->env.cmc_ctx);
	cancel_user_auth(m);
	if (m->reap_id)
		m->env.timer_del(m->env.ctx, m->reap_id);
	if (m->token_pending)
		m->env.idm->cancel(m->env.idm_ctx);
	if (m->svc_dead)
		m->env.svc->destroy(m->svc_dead);
	if (m->svc)
		m->env.svc->destroy(m->svc);
	if (m->reg_dead)
		m->env.sip->destroy(m->reg_dead);
	if (m->reg)
		m->env.sip->destroy(m->reg);
	/* A connect in flight answers into a call that no longer knows us. */
	while (m->connects) {
		m->connects->m = NULL;
		m->connects = m->connects->next;
	}
	partner_config_clear(&m->pcfg);
	util_wipe(m, sizeof(*m));
	free(m);
}

static int start(struct migrate *m, const char *partner_id, enum migrate_trigger trigger)
{
	m->trigger = trigger;
	m->return_when_registered = false;
	return dispatch(m, MIGRATE_EV_MIGRATE, partner_id && *partner_id ? partner_id : NULL);
}

int migrate_start(struct migrate *m, const char *partner_id, enum migrate_trigger trigger)
{
	/* A new trigger: the restart's reason is history now. */
	m->interrupted[0] = '\0';
	return start(m, partner_id, trigger);
}

int migrate_fetch(struct migrate *m, const char *partner_id)
{
	m->interrupted[0] = '\0';
	return dispatch(m, MIGRATE_EV_FETCH, partner_id && *partner_id ? partner_id : NULL);
}

int migrate_return(struct migrate *m)
{
	m->interrupted[0] = '\0';
	return dispatch(m, MIGRATE_EV_RETURN, NULL);
}

static const struct migrate_policy *match_policy(const struct migrate *m,
						 const struct modem_serving *s)
{
	size_t i;

	for (i = 0; i < m->cfg.n_policy; i++) {
		const struct migrate_policy *p = &m->cfg.policy[i];

		if (strcmp(p->mcc, s->mcc) || strcmp(p->mnc, s->mnc))
			continue;
		if (p->any_tac || (s->has_tac && s->tac >= p->tac_min && s->tac <= p->tac_max))
			return p;
	}
	return NULL;
}

void migrate_serving_changed(struct migrate *m, const struct modem_serving *s)
{
	const struct migrate_policy *p;

	m->serving = *s;
	m->have_serving = s->mcc[0] != '\0';
	if (!m->have_serving)
		return;
	p = match_policy(m, s);
	if (p && (m->state == MIGRATE_IDLE || m->state == MIGRATE_CONFIG_STORED)) {
		logf_(m, "location trigger: serving %s-%s tac %u matches partner %s", s->mcc,
		      s->mnc, s->has_tac ? s->tac : 0,
		      p->partner_id[0] ? p->partner_id : "(by location)");
		migrate_start(m, p->partner_id, MIGRATE_TRIGGER_LOCATION);
	} else if (!p && m->trigger == MIGRATE_TRIGGER_LOCATION && migrated(m)) {
		logf_(m, "location trigger cleared: serving %s-%s", s->mcc, s->mnc);
		m->trigger = MIGRATE_TRIGGER_MANUAL;
		migrate_return(m);
	}
}

int migrate_primary_unreachable(struct migrate *m, const char *partner_id, const char *why)
{
	char partner[PCFG_STR_MAX], before[PCFG_STR_MAX];

	if (m->state != MIGRATE_IDLE && m->state != MIGRATE_CONFIG_STORED &&
	    m->state != MIGRATE_FAILED) {
		logf_(m, "primary unreachable (%s): nothing to do in state %s", why,
		      states[m->state].name);
		return -EBUSY;
	}
	snprintf(partner, sizeof(partner), "%s",
		 partner_id && *partner_id ? partner_id : m->partner);
	if (!partner[0]) {
		logf_(m, "primary unreachable (%s): no partner configured or used before", why);
		return -ENOENT;
	}
	/* NOTE 4: only what was fetched earlier; the CMS is behind the primary. */
	snprintf(before, sizeof(before), "%s", m->partner);
	snprintf(m->partner, sizeof(m->partner), "%s", partner);
	if (!load_stored(m)) {
		snprintf(m->partner, sizeof(m->partner), "%s", before);
		logf_(m, "primary unreachable (%s): staying, no valid stored configuration for %s",
		      why, partner);
		return -ENOENT;
	}
	logf_(m, "primary unreachable (%s): migrating to %s", why, partner);
	return migrate_start(m, partner, MIGRATE_TRIGGER_UNREACHABLE);
}

int migrate_primary_reachable(struct migrate *m)
{
	if (m->trigger != MIGRATE_TRIGGER_UNREACHABLE)
		return -EBUSY;
	switch (m->state) {
	case MIGRATE_REGISTERED:
	case MIGRATE_AUTHORISED:
		logf_(m, "primary reachable again: returning");
		m->trigger = MIGRATE_TRIGGER_MANUAL;
		return migrate_return(m);
	case MIGRATE_CONFIG_STORED:
	case MIGRATE_PDN_CONNECTING:
	case MIGRATE_USER_AUTH:
	case MIGRATE_REGISTERING:
	case MIGRATE_CHALLENGED:
	case MIGRATE_SERVICE_AUTH:
		/* Make-before-break holds: finish, then leave cleanly. */
		logf_(m, "primary reachable again: returning once registered");
		m->return_when_registered = true;
		return 0;
	case MIGRATE_IDLE:
	case MIGRATE_CONFIG_REQUESTED:
	case MIGRATE_RETURNING:
	case MIGRATE_DISCONNECTING:
	case MIGRATE_FAILED:
	case MIGRATE_STATE_COUNT:
		break;
	}
	return -EBUSY;
}

void migrate_pdn_dropped(struct migrate *m, modem_pdn_id id, const char *reason)
{
	size_t i;

	for (i = 0; i < m->n_pdn; i++) {
		if (m->pdn[i].up && m->pdn[i].id == id) {
			m->pdn[i].up = false;
			dispatch(m, MIGRATE_EV_PDN_DROPPED, reason);
			return;
		}
	}
	/* not ours: the primary's PDN is the daemon's business */
}

static const char *field(const char *text, const char *key, char *out, size_t size)
{
	size_t kl = strlen(key);
	const char *p = text;

	out[0] = '\0';
	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			size_t n = strcspn(p + kl + 1, "\n");

			if (n >= size)
				n = size - 1;
			memcpy(out, p + kl + 1, n);
			out[n] = '\0';
			return out;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

int migrate_restore(struct migrate *m, const char *text)
{
	char st[64], partner[PCFG_STR_MAX], reason[MIGRATE_REASON_MAX], trigger[32];

	if (m->state != MIGRATE_IDLE)
		return -EBUSY;
	if (!field(text, "state", st, sizeof(st)))
		return -EINVAL;
	field(text, "partner", partner, sizeof(partner));
	field(text, "reason", reason, sizeof(reason));
	logf_(m, "restoring %s (partner %s)", st, partner[0] ? partner : "none");
	/* Persisted: the restored state may be another than the file's (reconcile.h). */
	if (strcmp(st, states[MIGRATE_IDLE].name) == 0) {
		persist(m);
		return 0;
	}
	if (strcmp(st, states[MIGRATE_FAILED].name) == 0) {
		/* Stays visible after a restart: the tester sees why it failed. */
		snprintf(m->reason, sizeof(m->reason), "%s", reason);
		snprintf(m->partner, sizeof(m->partner), "%s", partner);
		m->state = MIGRATE_FAILED;
		persist(m);
		return 0;
	}
	if (strcmp(st, states[MIGRATE_CONFIG_STORED].name) == 0) {
		snprintf(m->partner, sizeof(m->partner), "%s", partner);
		if (load_stored(m))
			return set_state(m, MIGRATE_CONFIG_STORED, MIGRATE_EV_FETCH);
		m->partner[0] = '\0';
		persist(m);
		return 0;
	}
	if (strcmp(st, states[MIGRATE_REGISTERED].name) == 0 ||
	    strcmp(st, states[MIGRATE_AUTHORISED].name) == 0) {
		field(text, "trigger", trigger, sizeof(trigger));
		if (strcmp(trigger, "location") == 0)
			return start(m, partner, MIGRATE_TRIGGER_LOCATION);
		if (strcmp(trigger, "unreachable") == 0)
			return start(m, partner, MIGRATE_TRIGGER_UNREACHABLE);
		return start(m, partner, MIGRATE_TRIGGER_RESTORE);
	}
	return -EINVAL;
}

enum migrate_state migrate_get_state(const struct migrate *m)
{
	return m->state;
}

bool migrate_state_persisted(const struct migrate *m)
{
	return states[m->state].stable && !m->passing;
}

const char *migrate_get_reason(const struct migrate *m)
{
	return m->reason[0] ? m->reason : m->interrupted;
}

void migrate_set_interrupted(struct migrate *m, const char *reason)
{
	snprintf(m->interrupted, sizeof(m->interrupted), "%s", reason);
}

static const char *trigger_name(enum migrate_trigger t)
{
	switch (t) {
	case MIGRATE_TRIGGER_MANUAL:
		return "manual";
	case MIGRATE_TRIGGER_LOCATION:
		return "location";
	case MIGRATE_TRIGGER_RESTORE:
		return "restore";
	case MIGRATE_TRIGGER_UNREACHABLE:
		return "unreachable";
	}
	return "";
}

/* What the state asks of the partner: a requested return is never journaled as a migration. */
static enum journal_intent intent_of(const struct migrate *m)
{
	switch (m->state) {
	case MIGRATE_RETURNING:
	case MIGRATE_DISCONNECTING:
		return JOURNAL_INTENT_RETURN;
	case MIGRATE_PDN_CONNECTING:
	case MIGRATE_USER_AUTH:
	case MIGRATE_REGISTERING:
	case MIGRATE_CHALLENGED:
	case MIGRATE_REGISTERED:
	case MIGRATE_SERVICE_AUTH:
	case MIGRATE_AUTHORISED:
		return m->return_when_registered ? JOURNAL_INTENT_RETURN : JOURNAL_INTENT_MIGRATE;
	case MIGRATE_IDLE:
	case MIGRATE_CONFIG_REQUESTED:
	case MIGRATE_CONFIG_STORED:
	case MIGRATE_FAILED:
	case MIGRATE_STATE_COUNT:
		break;
	}
	return JOURNAL_INTENT_NONE;
}

void migrate_journal(const struct migrate *m, struct journal *j)
{
	const struct migrate_pdn *pd;
	struct journal_pdn *p;
	size_t i;

	journal_init(j);
	snprintf(j->state, sizeof(j->state), "%s", states[m->state].name);
	j->intent = intent_of(m);
	snprintf(j->partner, sizeof(j->partner), "%s", m->partner);
	snprintf(j->reason, sizeof(j->reason), "%s", m->reason);
	snprintf(j->trigger, sizeof(j->trigger), "%s", trigger_name(m->trigger));
	/* One record per partner PDN that is up, being connected, or on its netdev. */
	for (i = 0; i < m->n_pdn && j->n_pdn < JOURNAL_PDN_MAX; i++) {
		pd = &m->pdn[i];
		if (!pd->up && !pd->netdev_configured &&
		    !(m->state == MIGRATE_PDN_CONNECTING && i == m->pdn_next))
			continue;
		p = &j->pdn[j->n_pdn++];
		p->id = pd->up ? pd->id : 0;
		snprintf(p->con_ref, sizeof(p->con_ref), "%s", pd->con_ref);
		if (pd->netdev_configured || (m->netdev_pending && pd->up)) {
			p->netdev = true;
			p->net = pd->s;
		}
	}
	/* From the state on: the REGISTER goes out right after this journal. */
	if (m->reg || m->state == MIGRATE_REGISTERING) {
		j->reg.active = true;
		if (m->pcfg.n_pcscf || (m->n_pdn && m->pdn[0].s.n_pcscf))
			snprintf(j->reg.pcscf, sizeof(j->reg.pcscf), "%s",
				 m->pcfg.n_pcscf ? m->pcfg.pcscf[0].uri : m->pdn[0].s.pcscf[0]);
		j->reg.expires = m->cfg.sip_expires ? m->cfg.sip_expires : 600;
		if (m->reg && m->env.sip->binding)
			m->env.sip->binding(m->reg, j->reg.call_id, sizeof(j->reg.call_id),
					    j->reg.contact, sizeof(j->reg.contact));
	}
}

const char *migrate_get_partner(const struct migrate *m)
{
	return m->partner;
}

const struct idm_token *migrate_get_token(const struct migrate *m)
{
	return m->have_token ? &m->token : NULL;
}
