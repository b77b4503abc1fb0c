/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration client state machine (seed steps 1, 13, NOTE 3, NOTE 4,
 * 14-15, 22-25): partner configuration from the CMS or the store, the partner
 * PDN, SIP registration at the partner with IMS-AKA, and the return.
 *
 * Make-before-break: nothing here ever touches the primary's PDN or
 * configuration; the partner PDNs are added next to it (one per distinct
 * connectivity set the TS 24.484 con-refs name, each after the previous, down
 * in reverse order), and any failure tears down what the migration added
 * (SIP, partner PDNs, netdevs) and ends back on the primary in a failure
 * state whose reason a person can read.
 *
 * Table-driven (osmo_fsm style): each state lists the events it accepts and
 * the states it may go to; one transition function validates, logs
 * "old -> new (event)", stops the old state's timer and arms the new one's.
 * The outside is reached only through the ops in struct migrate_env, so the
 * unit tests put fakes (and a fake clock) there.
 */
#ifndef MCMIG_MIGRATE_H
#define MCMIG_MIGRATE_H

#include <stdbool.h>
#include <time.h>

#include "cmc.h"
#include "journal.h"
#include "idm.h"
#include "mcsvc.h"
#include "modem.h"
#include "netdev.h"
#include "sipreg.h"
#include "timeline.h"

#define MIGRATE_REASON_MAX 256
#define MIGRATE_POLICY_MAX 8

enum migrate_state {
	MIGRATE_IDLE,		  /* idle-on-primary */
	MIGRATE_CONFIG_REQUESTED, /* partner-config-requested (steps 1-13) */
	MIGRATE_CONFIG_STORED,	  /* partner-config-stored (NOTE 3, NOTE 4) */
	MIGRATE_PDN_CONNECTING,	  /* pdn-connecting (step 14) */
	MIGRATE_USER_AUTH,     /* user-authenticating (step 14: MC service user authentication) */
	MIGRATE_REGISTERING,   /* registering (step 15) */
	MIGRATE_CHALLENGED,    /* challenged (steps 22-23: the card's AUTHENTICATE) */
	MIGRATE_REGISTERED,    /* registered-at-partner (steps 24-25) */
	MIGRATE_SERVICE_AUTH,  /* service-authorising (step 25: PUBLISH, TS 24.379 7.2.2) */
	MIGRATE_AUTHORISED,    /* authorised: MC service at the partner (step 25) */
	MIGRATE_RETURNING,     /* returning: de-registering at the partner */
	MIGRATE_DISCONNECTING, /* disconnecting: partner PDN and netdev going down */
	MIGRATE_FAILED,	       /* failed: back on the primary, reason set */
	MIGRATE_STATE_COUNT,
};

enum migrate_event {
	MIGRATE_EV_MIGRATE,   /* trigger: manual or location */
	MIGRATE_EV_FETCH,     /* get the partner configuration only (NOTE 4) */
	MIGRATE_EV_CONFIG_OK, /* step 13 answer stored */
	MIGRATE_EV_CONFIG_FAILED,
	MIGRATE_EV_CONNECT, /* stored configuration in hand: bring up the PDN */
	MIGRATE_EV_CONFIG_EXPIRED,
	MIGRATE_EV_PDN_UP,
	MIGRATE_EV_PDN_FAILED,
	MIGRATE_EV_CHALLENGED,
	MIGRATE_EV_AUTH_DONE,
	MIGRATE_EV_REGISTERED,
	MIGRATE_EV_REG_FAILED,
	MIGRATE_EV_REG_LOST,
	MIGRATE_EV_PDN_DROPPED,
	MIGRATE_EV_RETURN, /* trigger: manual, or the location trigger cleared */
	MIGRATE_EV_DEREGISTERED,
	MIGRATE_EV_PDN_DOWN,
	MIGRATE_EV_TIMEOUT,
	/* The partner's network ended the registration (reg event NOTIFY, TS 24.229 5.1.1.7). */
	MIGRATE_EV_DEREGISTERED_BY_NETWORK,
	MIGRATE_EV_SERVICE_AUTH_OK,	/* the MC server accepted the PUBLISH */
	MIGRATE_EV_SERVICE_AUTH_FAILED, /* refused, unanswered, no token, or lost later */
	MIGRATE_EV_SERVICE_REMOVED,	/* on return: the publication removed (or given up) */
	/* Step 14: the partner access token obtained (TS 33.180 B.7, B.8), or not. */
	MIGRATE_EV_USER_AUTH_OK,
	MIGRATE_EV_USER_AUTH_FAILED,
	MIGRATE_EVENT_COUNT,
};

/* One named timer per waiting state (style.md item 8). */
enum migrate_timer {
	MIGRATE_T_NONE,
	MIGRATE_T_CMC,	 /* the whole CMS exchange, retries included */
	MIGRATE_T_VALID, /* the stored configuration's valid-until (NOTE 4) */
	MIGRATE_T_PDN,	 /* PDN connection (step 14) */
	MIGRATE_T_REG,	 /* registration guard, above RFC 3261 Timer F (64*T1) */
	MIGRATE_T_DEREG, /* de-registration on return */
	MIGRATE_T_DOWN,	 /* PDN disconnection */
	/* Service authorisation: the partner token, then the PUBLISH (above Timer F). */
	MIGRATE_T_SERVICE_AUTH,
	MIGRATE_T_USER_AUTH, /* token exchange and partner token request (step 14) */
	MIGRATE_TIMER_COUNT,
};

enum migrate_trigger {
	MIGRATE_TRIGGER_MANUAL,
	MIGRATE_TRIGGER_LOCATION,
	MIGRATE_TRIGGER_RESTORE,     /* the daemon restarted while migrated */
	MIGRATE_TRIGGER_UNREACHABLE, /* the primary is unreachable (agent/primary.h) */
};

typedef void (*migrate_timer_fn)(void *data);

struct migrate_cmc_ops {
	int (*fetch)(void *ctx, const struct cmc_request *req, cmc_done_cb cb, void *user_data);
	void (*cancel)(void *ctx);
};

struct migrate_store_ops {
	int (*put)(void *ctx, const struct partner_config *cfg);
	int (*get)(void *ctx, const char *partner_id, time_t now, struct partner_config *cfg,
		   char *why, size_t why_len);
	/* Saves the stable state (migrate_persisted text) for a restart. */
	int (*persist)(void *ctx, const char *text);
};

/* sipreg.h's functions, behind an ops struct so tests can fake them. */
struct migrate_sip_ops {
	int (*create)(struct sipreg **reg, const struct sipreg_config *cfg, struct card *card,
		      const struct sipreg_events *ev);
	int (*start)(struct sipreg *reg);
	int (*stop)(struct sipreg *reg);
	void (*destroy)(struct sipreg *reg);
	/* Optional: the binding's Call-ID and Contact, for the journal. */
	void (*binding)(const struct sipreg *reg, char *call_id, size_t call_id_len, char *contact,
			size_t contact_len);
	/* The registration's flow, for the PUBLISH (sipreg_get_route(), sipreg_send()). */
	int (*route)(const struct sipreg *reg, struct sipreg_route *r);
	int (*send)(struct sipreg *reg, bool tcp, const char *buf, size_t len);
};

/* mcsvc.h's functions, behind an ops struct so tests can fake them. */
struct migrate_svc_ops {
	int (*create)(struct mcsvc **s, const struct mcsvc_config *cfg,
		      const struct mcsvc_transport *tp, const struct mcsvc_events *ev);
	int (*publish)(struct mcsvc *s, const char *access_token);
	int (*stop)(struct mcsvc *s);
	void (*handle)(struct mcsvc *s, const uint8_t *buf, size_t len);
	void (*destroy)(struct mcsvc *s);
};

/*
 * The IdM client (idm.h), behind an ops struct so tests can fake it. NULL
 * ops: no MC service user authentication, the PDN goes straight to SIP.
 * partner_token() calls @done exactly once, from the loop, unless it returns
 * < 0; cancel() makes a pending one answer -ECANCELED.
 */
struct migrate_idm_ops {
	int (*partner_token)(void *ctx, const struct partner_config *pc, idm_token_cb done,
			     void *ud);
	void (*cancel)(void *ctx);
};

struct migrate_env {
	/* Clock and one-shot timers (g_timeout in mcmigd, a fake clock in tests). */
	time_t (*now)(void *ctx);
	unsigned int (*timer_add)(void *ctx, unsigned int ms, migrate_timer_fn fn, void *data);
	void (*timer_del)(void *ctx, unsigned int id);
	/* Every transition and rejected event, one line each, no newline. */
	void (*log)(void *ctx, const char *line);
	/* After each transition (D-Bus properties and signal). */
	void (*changed)(void *ctx, enum migrate_state old, enum migrate_state new_state,
			enum migrate_event ev);
	/*
	 * Optional: a step of the migration's timeline (timeline.h), for the
	 * daemon to stamp: at @at_us on g_get_monotonic_time()'s clock when the
	 * step happened elsewhere (the card's, taken in its worker), else (0)
	 * now. TL_TRIGGER says "migrate ...", "fetch ..." or "restore ..." (a
	 * new migration) or "return".
	 */
	void (*step)(void *ctx, enum timeline_kind kind, unsigned int seed_step, const char *arg,
		     int64_t at_us);
	/*
	 * Optional: before each step acts (every transition, the netdev about
	 * to be configured), for the daemon to write migrate_journal() durably
	 * (issue 12: intent persisted before acting).
	 */
	void (*journal)(void *ctx);
	void *ctx;

	const struct migrate_cmc_ops *cmc;
	void *cmc_ctx;
	const struct migrate_store_ops *store;
	void *store_ctx;
	const struct modem_ops *modem;
	struct modem *modem_dev;
	const struct netdev_ops *netdev;
	const struct migrate_sip_ops *sip;
	struct card *card; /* handed to sipreg, which asks it; never used here */
	/*
	 * The source of the partner access token: the IdM client (step 14,
	 * user-authenticating) or a token file. NULL: no user authentication,
	 * the PDN goes straight to SIP. @svc (step 25) needs @idm. @svc NULL:
	 * the service authorisation is skipped and registered-at-partner is
	 * where a migration ends.
	 */
	const struct migrate_idm_ops *idm;
	void *idm_ctx;
	/*
	 * @idm is the IdM client: the token is asked for once, at step 14
	 * (user-authenticating); step 25 asks again only when it is missing or
	 * about to expire. false: a provisioned token (file), asked at step 25.
	 */
	bool user_auth;
	const struct migrate_svc_ops *svc;
};

/* Location trigger: the serving PLMN (and TAC range) that means "migrate to partner". */
struct migrate_policy {
	char mcc[4];
	char mnc[4];
	bool any_tac;
	uint32_t tac_min, tac_max;
	char partner_id[PCFG_STR_MAX]; /* "" = let the CMS choose by location */
};

struct migrate_config {
	const char *mc_service_id;
	unsigned int timeout_ms[MIGRATE_TIMER_COUNT]; /* 0 = the built-in default */
	unsigned int sip_expires;
	unsigned int sip_max_auth_failures;
	bool sip_force_tcp;
	unsigned int sip_reg_event_expires; /* 0 = 600000 (TS 24.229 5.1.1.3) */
	/*
	 * REGISTER's +sip.instance (TS 24.229 5.1.1.2.1): the IMEI as the modem
	 * reports it; NULL or "": none (migrate_set_imei() may set it later).
	 */
	const char *imei;
	/*
	 * The partner MC server's PSI, the PUBLISH's Request-URI (TS 24.379
	 * 7.2.2); NULL: "sip:mcptt@" + the partner's home domain.
	 */
	const char *mc_server_uri;
	unsigned int svc_expires; /* PUBLISH Expires asked for; 0 = TS 24.379's 2^32 - 1 */
	struct migrate_policy policy[MIGRATE_POLICY_MAX];
	size_t n_policy;
};

struct migrate;

int migrate_new(struct migrate **m, const struct migrate_env *env,
		const struct migrate_config *cfg);
/*
 * Cancels everything pending; tears nothing down (the daemon is going away).
 * Close the modem after this: its -ECANCELED answers find nothing to touch.
 */
void migrate_free(struct migrate *m);

/*
 * Triggers. Return 0 when the event was accepted, -EBUSY when the current
 * state does not accept it (rejected and logged).
 */
int migrate_start(struct migrate *m, const char *partner_id, enum migrate_trigger trigger);
int migrate_fetch(struct migrate *m, const char *partner_id);
int migrate_return(struct migrate *m);

/*
 * The "primary unreachable" trigger (agent/primary.h decides when): migrates
 * to @partner_id ("" or NULL = the current or last partner) only with a valid
 * stored configuration (NOTE 4: the primary's CMS is out of reach now), and
 * only from idle-on-primary, partner-config-stored or failed. -ENOENT when
 * there is no usable configuration, -EBUSY in other states; both logged, the
 * state unchanged.
 */
int migrate_primary_unreachable(struct migrate *m, const char *partner_id, const char *why);
/*
 * The primary is back: a migration that this trigger started returns (at
 * once when registered, else as soon as it registers). 0, or -EBUSY when
 * there is nothing of this trigger's to undo.
 */
int migrate_primary_reachable(struct migrate *m);

/* The modem's IMEI, once it answered (for REGISTER's +sip.instance); copied. */
void migrate_set_imei(struct migrate *m, const char *imei);

/* Modem unsolicited events, fed by the daemon. */
void migrate_serving_changed(struct migrate *m, const struct modem_serving *s);
void migrate_pdn_dropped(struct migrate *m, modem_pdn_id id, const char *reason);

/*
 * Restores the stable state persisted before a restart (NOTE 4):
 * registered-at-partner migrates again with the stored configuration,
 * partner-config-stored comes back if the record is still valid, failed
 * keeps its reason. Called once, before any trigger.
 */
int migrate_restore(struct migrate *m, const char *text);

/*
 * What the migration has up and intends now (journal.h), without the
 * modem's handles (the daemon adds those, per PDN id). A PDN still being
 * connected has id 0.
 */
void migrate_journal(const struct migrate *m, struct journal *j);
/*
 * The named reason of an outcome after a restart ("interrupted: ..."), set
 * by the reconciliation before migrate_restore(): the reason while the state
 * itself has none, until the next trigger.
 */
void migrate_set_interrupted(struct migrate *m, const char *reason);

enum migrate_state migrate_get_state(const struct migrate *m);
/* Whether the state is one a restart resumes from (written by migrate_store_ops.persist). */
bool migrate_state_persisted(const struct migrate *m);
/* "" when none; else the state's reason, or the restart's (migrate_set_interrupted). */
const char *migrate_get_reason(const struct migrate *m);
const char *migrate_get_partner(const struct migrate *m); /* "" when none */
/*
 * The partner access token of the current migration (step 14), NULL when
 * there is none; wiped when the migration ends. For the service
 * authorisation (step 25, TS 24.379 7): read it, do not keep it.
 */
const struct idm_token *migrate_get_token(const struct migrate *m);

const char *migrate_state_str(enum migrate_state s);
const char *migrate_event_str(enum migrate_event e);
const char *migrate_timer_str(enum migrate_timer t);

#endif
