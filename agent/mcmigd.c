// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmigd: the MC service migration agent. One GLib main loop drives the
 * modem backend (libqmi/libmbim/libmm-glib), the configuration management
 * client (libcurl multi), SIP (sipreg) and the card adapter's completions;
 * the migration state machine (migrate.c) holds the logic, this file wires
 * it to the real parts and to D-Bus (org.mcmig.Agent1) and systemd.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib.h>

#include "board.h"
#include "card.h"
#include "cmc-proc.h"
#include "idm-proc.h"
#include "linkwatch.h"
#include "mcmigd-board.h"
#include "mcmigd-config.h"
#include "mcsvc.h"
#include "migrate.h"
#include "modem.h"
#include "module.h"
#include "netdev.h"
#include "primary.h"
#include "reconcile.h"
#include "sipreg.h"
#include "store.h"
#include "timeline.h"
#include "token-file.h"
#include "uicc.h"
#include "util.h"

#define MCMIGD_BUS_NAME	      "org.mcmig.Agent1"
#define MCMIGD_OBJECT_PATH    "/org/mcmig/Agent1"
#define MCMIGD_STATE_FILE     "migration"
#define MCMIGD_JOURNAL_FILE   "journal"
#define MCMIGD_TIMELINE_FILE  "timeline"
#define MCMIGD_REOPEN_S	      5
#define MCMIGD_ERROR_BUSY     "org.mcmig.Agent1.Error.Busy"
#define MCMIGD_ERROR_NOTREADY "org.mcmig.Agent1.Error.NotReady"

static const char introspection[] =
	"<node>"
	" <interface name='org.mcmig.Agent1'>"
	"  <method name='Migrate'><arg name='partner' type='s' direction='in'/></method>"
	"  <method name='Fetch'><arg name='partner' type='s' direction='in'/></method>"
	"  <method name='Return'/>"
	"  <method name='Check'><arg name='checks' type='a(ssss)' direction='out'/></method>"
	"  <method name='SignIn'><arg name='username' type='s' direction='in'/>"
	"   <arg name='password' type='s' direction='in'/></method>"
	"  <property name='State' type='s' access='read'/>"
	"  <property name='Reason' type='s' access='read'/>"
	"  <property name='Partner' type='s' access='read'/>"
	"  <property name='Timeline' type='s' access='read'/>"
	"  <signal name='StateChanged'>"
	"   <arg name='old' type='s'/><arg name='new' type='s'/>"
	"   <arg name='event' type='s'/><arg name='reason' type='s'/>"
	"  </signal>"
	" </interface>"
	"</node>";

struct daemon {
	struct mcmigd_config cfg;
	GMainLoop *loop;
	struct store *store;
	struct cmc_proc *cmc;
	struct idm_proc *idm; /* NULL: no [idm], no user authentication */
	char idm_rt_file[MCMIGD_PATH_MAX + 32];
	struct card *card;
	struct token_file *token_file; /* [service-auth] token-file; NULL: none */
	char imei[MODEM_IMEI_MAX];     /* the modem's, for +sip.instance; "" unknown */
	const struct modem_ops *modem_ops;
	struct modem *modem;
	struct modem_events modem_ev;
	bool modem_open;
	guint reopen_id;
	guint trouble_id;
	char modem_trouble[MIGRATE_REASON_MAX];
	struct migrate *fsm;
	struct primary *primary;		 /* the "primary unreachable" trigger, if enabled */
	struct linkwatch *linkwatch;		 /* the primary PDN's netdev */
	char not_ready[MIGRATE_REASON_MAX + 32]; /* why there is no FSM yet */

	GDBusConnection *bus;
	GDBusNodeInfo *node;
	guint owner_id;
	guint object_id;
	guint watchdog_id;
	int exit_code;
	struct timeline tl; /* the last migration's (agent/timeline.h) */
	/* Transitions not yet announced (see announce_flush). */
	GPtrArray *announce; /* StateChanged parameters, in order */
	char announce_status[MIGRATE_REASON_MAX + 64];
	bool timeline_dirty;
	guint announce_id;
	/* The journal (issue 12): what the modem backend holds, per PDN id (and its own). */
	struct {
		modem_pdn_id id;
		struct modem_handles h;
	} held[JOURNAL_PDN_MAX + 1];
	size_t n_held;
	struct reconcile *reconcile; /* the last run's journal being cleaned up */
	bool journal_ready;	     /* written from now on; not while reconciling */
	/*
	 * The card worker journals its logical channels itself (card_channel),
	 * on the journal last written (or read at start): both under jlock.
	 */
	GMutex jlock;
	struct journal jlast;
	uint32_t card_channels;
};

/* ---- systemd notification (sd_notify(3) protocol, no libsystemd needed) ---- */

static void notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@'))
		return;
	len = strlen(path);
	if (len >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract socket */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
		g_debug("sd_notify: %s", g_strerror(errno));
	close(fd);
}

static gboolean watchdog_ping(gpointer data)
{
	notify("WATCHDOG=1");
	return G_SOURCE_CONTINUE;
}

static void watchdog_start(struct daemon *d)
{
	const char *usec = getenv("WATCHDOG_USEC");
	const char *pid = getenv("WATCHDOG_PID");
	guint64 us;

	if (!usec || (pid && (pid_t)g_ascii_strtoull(pid, NULL, 10) != getpid()))
		return;
	us = g_ascii_strtoull(usec, NULL, 10);
	if (us < 2000)
		return;
	/* Half the period, as sd_watchdog_enabled(3) recommends. */
	d->watchdog_id = g_timeout_add((guint)(us / 2000), watchdog_ping, d);
}

/* ---- the state machine's environment ---- */

struct dtimer {
	migrate_timer_fn fn;
	void *data;
};

static gboolean dtimer_fire(gpointer p)
{
	struct dtimer *t = p;

	t->fn(t->data);
	return G_SOURCE_REMOVE;
}

static unsigned int env_timer_add(void *ctx, unsigned int ms, migrate_timer_fn fn, void *data)
{
	struct dtimer *t = g_new(struct dtimer, 1);

	t->fn = fn;
	t->data = data;
	return g_timeout_add_full(G_PRIORITY_DEFAULT, ms, dtimer_fire, t, g_free);
}

static void env_timer_del(void *ctx, unsigned int id)
{
	g_source_remove(id);
}

static time_t env_now(void *ctx)
{
	return time(NULL);
}

static void env_log(void *ctx, const char *line)
{
	g_message("%s", line);
}

static const char *state_name(struct daemon *d)
{
	return d->fsm ? migrate_state_str(migrate_get_state(d->fsm)) : "starting";
}

static const char *reason_text(struct daemon *d)
{
	return d->fsm ? migrate_get_reason(d->fsm) : d->not_ready;
}

static void emit_properties(struct daemon *d)
{
	GVariantBuilder b;

	if (!d->bus || !d->object_id)
		return;
	g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&b, "{sv}", "State", g_variant_new_string(state_name(d)));
	g_variant_builder_add(&b, "{sv}", "Reason", g_variant_new_string(reason_text(d)));
	g_variant_builder_add(&b, "{sv}", "Partner",
			      g_variant_new_string(d->fsm ? migrate_get_partner(d->fsm) : ""));
	g_dbus_connection_emit_signal(d->bus, NULL, MCMIGD_OBJECT_PATH,
				      "org.freedesktop.DBus.Properties", "PropertiesChanged",
				      g_variant_new("(sa{sv}as)", MCMIGD_BUS_NAME, &b, NULL), NULL);
}

/* ---- the last migration's timeline ---- */

static void env_step(void *ctx, enum timeline_kind kind, unsigned int seed_step, const char *arg,
		     int64_t at_us)
{
	struct daemon *d = ctx;
	gint64 now = at_us ? at_us : g_get_monotonic_time();

	/* A migrate, fetch or restore starts a new timeline; the return belongs to it. */
	if (kind == TL_TRIGGER && strcmp(arg, "return") != 0)
		timeline_begin(&d->tl, g_get_real_time(), now);
	timeline_add(&d->tl, now, kind, seed_step, arg);
}

/* The IdM client's requests of step 14 (TS 33.180 5.1.4), on the migration's timeline. */
static void idm_step(void *ctx, enum idm_step s, bool done, const char *what, int64_t at_us)
{
	struct daemon *d = ctx;
	bool partner = s == IDM_STEP_PARTNER_TOKEN;
	enum timeline_kind k = partner ? (done ? TL_IDM_PARTNER_ANSWER : TL_IDM_PARTNER_REQUEST) :
					 (done ? TL_IDM_ANSWER : TL_IDM_REQUEST);

	timeline_add(&d->tl, at_us, k, 14, done ? what : idm_step_str(s));
}

/*
 * Kept in the state directory when the migration ends (registered, back, or
 * failed: env_changed), so that a restart shows it. Not on the way
 * (partner-config-stored on the way to the PDN): a durable write costs two
 * fsyncs.
 */
static void timeline_save(struct daemon *d)
{
	char *text;
	int ret;

	if (!d->tl.start_unix_us)
		return;
	text = timeline_format(&d->tl);
	/* A diagnostic: losing the last one to a power cut is no harm, waiting on it would be. */
	ret = text ? store_put_file(d->store, MCMIGD_TIMELINE_FILE, text, strlen(text),
				    STORE_PROCESS) :
		     -ENOMEM;
	if (ret < 0)
		g_warning("%s/%s: %s", d->cfg.state_dir, MCMIGD_TIMELINE_FILE, g_strerror(-ret));
	free(text);
}

static void timeline_load(struct daemon *d)
{
	char err[TIMELINE_ERR_MAX];
	char *text = NULL;
	size_t len;
	int ret;

	ret = store_get_file(d->store, MCMIGD_TIMELINE_FILE, &text, &len);
	if (ret == 0 && timeline_parse(text, len, &d->tl, err, sizeof(err)) < 0) {
		g_warning("%s/%s: %s", d->cfg.state_dir, MCMIGD_TIMELINE_FILE, err);
		memset(&d->tl, 0, sizeof(d->tl));
	} else if (ret < 0 && ret != -ENOENT) {
		g_warning("%s/%s: %s", d->cfg.state_dir, MCMIGD_TIMELINE_FILE, g_strerror(-ret));
	}
	free(text);
}

/*
 * What a transition tells the outside (StateChanged and PropertiesChanged,
 * sd_notify STATUS, the timeline file) goes out from the loop once nothing
 * more urgent is ready: the migration's next request (PDN, REGISTER, the
 * card) is not held up by its observers, and the work overlaps the wait for
 * the answer instead (tests/perf/migration.sh). Order is kept.
 */
static gboolean announce_flush(gpointer data)
{
	struct daemon *d = data;
	guint i;

	d->announce_id = 0;
	for (i = 0; i < d->announce->len; i++)
		if (d->bus && d->object_id)
			g_dbus_connection_emit_signal(d->bus, NULL, MCMIGD_OBJECT_PATH,
						      MCMIGD_BUS_NAME, "StateChanged",
						      g_ptr_array_index(d->announce, i), NULL);
	g_ptr_array_set_size(d->announce, 0);
	notify(d->announce_status);
	emit_properties(d);
	if (d->timeline_dirty) {
		d->timeline_dirty = false;
		timeline_save(d);
	}
	return G_SOURCE_REMOVE;
}

static void env_changed(void *ctx, enum migrate_state old, enum migrate_state new_state,
			enum migrate_event ev)
{
	struct daemon *d = ctx;

	if (new_state == MIGRATE_REGISTERED || new_state == MIGRATE_AUTHORISED ||
	    new_state == MIGRATE_IDLE || new_state == MIGRATE_FAILED)
		d->timeline_dirty = true;
	snprintf(d->announce_status, sizeof(d->announce_status), "STATUS=%s%s%s",
		 migrate_state_str(new_state), d->fsm && *migrate_get_reason(d->fsm) ? ": " : "",
		 d->fsm ? migrate_get_reason(d->fsm) : "");
	g_ptr_array_add(d->announce,
			g_variant_ref_sink(g_variant_new(
				"(ssss)", migrate_state_str(old), migrate_state_str(new_state),
				migrate_event_str(ev), d->fsm ? migrate_get_reason(d->fsm) : "")));
	if (!d->announce_id)
		d->announce_id = g_idle_add_full(G_PRIORITY_LOW, announce_flush, d, NULL);
}

static int env_cmc_fetch(void *ctx, const struct cmc_request *req, cmc_done_cb cb, void *ud)
{
	return cmc_proc_fetch(ctx, req, cb, ud);
}

static void env_cmc_cancel(void *ctx)
{
	cmc_proc_cancel(ctx);
}

static const struct migrate_cmc_ops cmc_ops = { env_cmc_fetch, env_cmc_cancel };

static const struct migrate_idm_ops idm_ops = { idm_proc_partner_token, idm_proc_cancel };

static int env_store_put(void *ctx, const struct partner_config *cfg)
{
	return store_put(ctx, cfg);
}

static int env_store_get(void *ctx, const char *id, time_t now, struct partner_config *cfg,
			 char *why, size_t why_len)
{
	return store_get(ctx, id, now, cfg, why, why_len);
}

static int env_persist(void *ctx, const char *text)
{
	return store_put_file(ctx, MCMIGD_STATE_FILE, text, strlen(text), STORE_DURABLE);
}

static const struct migrate_store_ops store_ops = { env_store_put, env_store_get, env_persist };

static const struct migrate_sip_ops sip_ops = {
	.create = sipreg_new,
	.start = sipreg_start,
	.stop = sipreg_stop,
	.destroy = sipreg_free,
	.binding = sipreg_binding,
	.route = sipreg_get_route,
	.send = sipreg_send,
};

static const struct migrate_svc_ops svc_ops = { mcsvc_new, mcsvc_publish, mcsvc_stop, mcsvc_handle,
						mcsvc_free };

/* ---- the journal (issue 12) ---- */

/*
 * The state machine's part (state, intent, netdev, registration) plus the
 * modem backend's handles, each PDN's on its record; written atomically
 * (store.h) before the step it describes acts.
 */
/*
 * With jlock held: @j, with the card's channels, becomes the journal. What
 * it names in the modem, the kernel and the card does not outlive a reboot,
 * so most writes need to outlive only this process (STORE_PROCESS). What a
 * reboot must find is the intent and the states a restart resumes from: a
 * write that changes the intent (a requested return), or @durable (such a
 * state), waits for the storage.
 */
static void journal_put(struct daemon *d, struct journal *j, bool durable)
{
	static char text[JOURNAL_TEXT_MAX];
	size_t len;
	int ret;

	j->card_channels = d->card_channels;
	if (j->intent != d->jlast.intent)
		durable = true;
	ret = journal_format(j, text, sizeof(text), &len);
	if (ret == 0)
		ret = store_put_file(d->store, MCMIGD_JOURNAL_FILE, text, len,
				     durable ? STORE_DURABLE : STORE_PROCESS);
	if (ret < 0)
		g_warning("%s/%s: %s", d->cfg.state_dir, MCMIGD_JOURNAL_FILE, g_strerror(-ret));
	d->jlast = *j;
}

/*
 * The card worker's thread (hal/uicc.h channel_event): a logical channel
 * opened is journaled before the first command on it, so that the next start
 * closes it if this process is killed (pcscd does not); one closed is
 * forgotten. The rest of the journal stays as last written: until the state
 * machine runs, the killed run's, which start_fsm() still reconciles.
 */
static void card_channel(void *ctx, unsigned int channel, bool open)
{
	struct daemon *d = ctx;
	struct journal j;

	g_mutex_lock(&d->jlock);
	if (open)
		d->card_channels |= 1u << channel;
	else
		d->card_channels &= ~(1u << channel);
	j = d->jlast;
	journal_put(d, &j, false);
	g_mutex_unlock(&d->jlock);
	g_message("card: logical channel %u %s", channel, open ? "opened, journaled" : "closed");
}

static void journal_write(struct daemon *d)
{
	struct journal j;
	struct journal_pdn *p;
	size_t i, k;

	if (!d->journal_ready || !d->fsm)
		return;
	migrate_journal(d->fsm, &j);
	for (i = 0; i < d->n_held; i++) {
		if (d->held[i].id == MODEM_HANDLES_OWN) {
			j.modem = d->held[i].h;
			continue;
		}
		p = NULL;
		for (k = 0; k < j.n_pdn && !p; k++)
			if (j.pdn[k].id == d->held[i].id)
				p = &j.pdn[k];
		/* The PDN being connected: the state machine learns its id at the end. */
		for (k = 0; k < j.n_pdn && !p; k++)
			if (!j.pdn[k].id)
				p = &j.pdn[k];
		if (!p && j.n_pdn < JOURNAL_PDN_MAX)
			p = &j.pdn[j.n_pdn++];
		if (!p) {
			g_warning("journal: no room for PDN %u's handles", d->held[i].id);
			continue;
		}
		p->id = d->held[i].id;
		p->h = d->held[i].h;
	}
	g_mutex_lock(&d->jlock);
	journal_put(d, &j, migrate_state_persisted(d->fsm));
	g_mutex_unlock(&d->jlock);
}

static void env_journal(void *ctx)
{
	journal_write(ctx);
}

/* The modem backend's handles changed: journaled before it acts on them. */
static void ev_handles(modem_pdn_id id, const struct modem_handles *h, void *ud)
{
	struct daemon *d = ud;
	size_t i;

	for (i = 0; i < d->n_held && d->held[i].id != id; i++)
		;
	if (!h) {
		if (i == d->n_held)
			return;
		d->held[i] = d->held[--d->n_held];
	} else if (i < d->n_held) {
		d->held[i].h = *h;
	} else if (d->n_held < G_N_ELEMENTS(d->held)) {
		d->held[d->n_held].id = id;
		d->held[d->n_held++].h = *h;
	} else {
		g_warning("journal: more PDNs than %zu: PDN %u not journaled",
			  G_N_ELEMENTS(d->held), id);
		return;
	}
	journal_write(d);
}

/* Stopping cleanly: the backend's close releases its clients; the journal forgets them. */
static void journal_forget_modem(struct daemon *d)
{
	d->n_held = 0;
	journal_write(d);
	d->journal_ready = false;
}

/* ---- modem ---- */

static void modem_reopen_later(struct daemon *d, const char *why);

static gboolean modem_trouble_idle(gpointer data)
{
	struct daemon *d = data;

	d->trouble_id = 0;
	modem_reopen_later(d, d->modem_trouble);
	return G_SOURCE_REMOVE;
}

/* Closing the modem from inside one of its own callbacks is not safe: from the loop. */
static void modem_trouble(struct daemon *d, const char *why)
{
	snprintf(d->modem_trouble, sizeof(d->modem_trouble), "%s", why ? why : "gone");
	if (!d->trouble_id)
		d->trouble_id = g_idle_add(modem_trouble_idle, d);
}

static void serving_done(int err, const char *reason, const struct modem_serving *s, void *ud)
{
	struct daemon *d = ud;

	if (err == -ECANCELED)
		return;
	if (err < 0) {
		g_warning("serving network: %s", reason ? reason : g_strerror(-err));
		return;
	}
	g_message("serving network %s-%s (%s)", s->mcc, s->mnc, modem_reg_state_str(s->reg));
	if (d->primary)
		primary_serving(d->primary, s);
	if (d->fsm)
		migrate_serving_changed(d->fsm, s);
}

static void ev_serving_changed(const struct modem_serving *s, void *ud)
{
	struct daemon *d = ud;

	/* Each change (the backends report only changes): what a location request will say. */
	g_message("serving network %s-%s (%s)", s->mcc, s->mnc, modem_reg_state_str(s->reg));
	if (d->primary)
		primary_serving(d->primary, s);
	if (d->fsm)
		migrate_serving_changed(d->fsm, s);
}

/* ---- the "primary unreachable" trigger ---- */

static void primary_unreachable(void *ctx, const char *why)
{
	struct daemon *d = ctx;

	if (d->fsm)
		migrate_primary_unreachable(d->fsm, d->cfg.primary_partner, why);
	else
		g_warning("primary unreachable (%s), but %s", why, d->not_ready);
}

static void primary_reachable(void *ctx)
{
	struct daemon *d = ctx;

	if (d->fsm && d->cfg.primary_return)
		migrate_primary_reachable(d->fsm);
}

static void primary_link_changed(bool up, const char *why, void *ud)
{
	struct daemon *d = ud;

	g_message("primary PDN netdev %s: %s", d->cfg.primary.netdev, up ? "up" : why);
	primary_link(d->primary, up, why);
}

static int primary_setup(struct daemon *d)
{
	struct primary_env env = {
		.timer_add = env_timer_add,
		.timer_del = env_timer_del,
		.log = env_log,
		.unreachable = primary_unreachable,
		.reachable = primary_reachable,
		.ctx = d,
	};
	int ret;

	if (!d->cfg.primary_migrate)
		return 0;
	ret = primary_new(&d->primary, &env, &d->cfg.primary);
	if (ret < 0) {
		g_critical("primary reachability: %s", g_strerror(-ret));
		return ret;
	}
	if (!d->cfg.primary.netdev[0])
		return 0;
	ret = linkwatch_new(&d->linkwatch, d->cfg.primary.netdev, primary_link_changed, d);
	if (ret < 0)
		g_critical("primary PDN netdev %s: rtnetlink: %s", d->cfg.primary.netdev,
			   g_strerror(-ret));
	return ret;
}

static void ev_pdn_dropped(modem_pdn_id id, int err, const char *reason, void *ud)
{
	struct daemon *d = ud;

	g_message("PDN %u dropped: %s", id, reason ? reason : g_strerror(-err));
	if (d->fsm)
		migrate_pdn_dropped(d->fsm, id, reason ? reason : g_strerror(-err));
}

static void ev_vanished(const char *reason, void *ud)
{
	modem_trouble(ud, reason);
}

static void fsm_restore(struct daemon *d, const char *text);
static void fsm_started(struct daemon *d);
static int reconcile_start(struct daemon *d, const struct journal *j);

/* The backend's own handles, or NULL. */
static const struct modem_handles *held_own(const struct daemon *d)
{
	size_t i;

	for (i = 0; i < d->n_held; i++)
		if (d->held[i].id == MODEM_HANDLES_OWN)
			return &d->held[i].h;
	return NULL;
}

static void start_fsm(struct daemon *d)
{
	struct migrate_env env = {
		.now = env_now,
		.timer_add = env_timer_add,
		.timer_del = env_timer_del,
		.log = env_log,
		.changed = env_changed,
		.step = env_step,
		.ctx = d,
		.cmc = &cmc_ops,
		.cmc_ctx = d->cmc,
		.store = &store_ops,
		.store_ctx = d->store,
		.modem = d->modem_ops,
		.modem_dev = d->modem,
		.netdev = &netdev_linux_ops,
		.sip = &sip_ops,
		.card = d->card,
		/*
		 * The partner token's source: the IdM client (step 14, [idm]),
		 * else a token file (step 25, [service-auth] token-file).
		 */
		.idm = d->idm	     ? &idm_ops :
		       d->token_file ? &token_file_idm_ops :
				       NULL,
		.idm_ctx = d->idm ? (void *)d->idm : (void *)d->token_file,
		.user_auth = d->idm != NULL,
		.svc = d->cfg.svc_enabled ? &svc_ops : NULL,
		.journal = env_journal,
	};
	char why[128];
	struct journal j;
	char *text = NULL;
	size_t len;
	int ret;

	ret = migrate_new(&d->fsm, &env, &d->cfg.migrate);
	if (ret < 0) {
		g_critical("migration state machine: %s", g_strerror(-ret));
		d->exit_code = EXIT_FAILURE;
		g_main_loop_quit(d->loop);
		return;
	}
	/* Issue 12: what the last run left is ended first, then its intent is followed. */
	ret = store_get_file(d->store, MCMIGD_JOURNAL_FILE, &text, &len);
	if (ret == 0) {
		ret = journal_parse(text, len, &j, why, sizeof(why));
		free(text);
		text = NULL;
		/* No state: only the card's channels were journaled (card_channel). */
		if (ret == 0 && j.state[0] && reconcile_start(d, &j) == 0)
			return;
		if (ret < 0)
			g_warning("%s/%s: %s; not reconciled", d->cfg.state_dir,
				  MCMIGD_JOURNAL_FILE, why);
	} else if (ret != -ENOENT) {
		g_warning("%s/%s: %s", d->cfg.state_dir, MCMIGD_JOURNAL_FILE, g_strerror(-ret));
	}
	/* NOTE 4: the migration survives restarts in whatever stable state it was. */
	ret = store_get_file(d->store, MCMIGD_STATE_FILE, &text, &len);
	if (ret == 0) {
		fsm_restore(d, text);
		free(text);
	} else if (ret != -ENOENT) {
		g_warning("%s/%s: %s", d->cfg.state_dir, MCMIGD_STATE_FILE, g_strerror(-ret));
	}
	fsm_started(d);
}

static void fsm_restore(struct daemon *d, const char *text)
{
	if (migrate_restore(d->fsm, text) < 0)
		g_warning("%s/%s: not a migration state; starting idle", d->cfg.state_dir,
			  MCMIGD_STATE_FILE);
}

/* Frees the reconcile from the loop: its done callback may run inside reconcile_run. */
static gboolean reconcile_reap(gpointer data)
{
	struct daemon *d = data;

	reconcile_free(d->reconcile);
	d->reconcile = NULL;
	return G_SOURCE_REMOVE;
}

static void reconciled(void *ctx, const struct reconcile_result *r)
{
	struct daemon *d = ctx;

	migrate_set_interrupted(d->fsm, r->reason);
	g_idle_add(reconcile_reap, d);
	d->journal_ready = true;
	fsm_restore(d, r->restore);
	fsm_started(d);
}

static int reconcile_start(struct daemon *d, const struct journal *j)
{
	const struct reconcile_env env = {
		.modem = d->modem_ops,
		.modem_dev = d->modem,
		.own = held_own(d),
		.netdev = &netdev_linux_ops,
		.log = env_log,
		.done = reconciled,
		.ctx = d,
	};
	int ret;

	d->journal_ready = false;
	ret = reconcile_run(&d->reconcile, &env, j);
	if (ret < 0) {
		g_warning("reconciling the last run's journal: %s", g_strerror(-ret));
		return ret;
	}
	return 0;
}

/* The state machine restored: its journal from now on, the triggers, the serving network. */
static void fsm_started(struct daemon *d)
{
	d->journal_ready = true;
	journal_write(d);
	/* The primary was already back when the migration its trigger started was restored. */
	if (d->primary && d->cfg.primary_return &&
	    primary_get_state(d->primary) == PRIMARY_REACHABLE)
		migrate_primary_reachable(d->fsm);
	emit_properties(d);
	d->modem_ops->get_serving(d->modem, serving_done, d);
}

/* TS 24.229 5.1.1.2.1: REGISTER's +sip.instance is the IMEI URN; without it, left out. */
static void imei_done(int err, const char *reason, const char *imei, void *ud)
{
	struct daemon *d = ud;

	if (err == -ECANCELED)
		return;
	if (err < 0)
		g_warning("modem IMEI: %s; REGISTER goes without +sip.instance",
			  reason ? reason : g_strerror(-err));
	else
		g_strlcpy(d->imei, imei, sizeof(d->imei));
	d->cfg.migrate.imei = d->imei[0] ? d->imei : NULL;
	start_fsm(d);
}

static void modem_open_done(int err, const char *reason, void *ud)
{
	struct daemon *d = ud;

	if (err == -ECANCELED)
		return;
	if (err < 0) {
		modem_trouble(d, reason ? reason : g_strerror(-err));
		return;
	}
	g_message("modem %s %s open", d->cfg.modem.backend, d->cfg.modem.device);
	d->modem_open = true;
	d->not_ready[0] = '\0';
	/* Before the state machine, which may restore a migration that REGISTERs at once. */
	if (d->modem_ops->get_imei)
		d->modem_ops->get_imei(d->modem, imei_done, d);
	else
		start_fsm(d);
}

static gboolean modem_reopen(gpointer data)
{
	struct daemon *d = data;

	d->reopen_id = 0;
	d->modem_ops->open(&d->modem, &d->cfg.modem, &d->modem_ev, modem_open_done, d);
	return G_SOURCE_REMOVE;
}

/*
 * The modem is gone (or never came): the state machine goes with it (its
 * stable state is on disk) and comes back when the modem does.
 */
static void modem_reopen_later(struct daemon *d, const char *why)
{
	g_warning("modem %s: %s; retrying in %d s", d->cfg.modem.device, why ? why : "gone",
		  MCMIGD_REOPEN_S);
	snprintf(d->not_ready, sizeof(d->not_ready), "modem-unavailable: %s", why ? why : "gone");
	journal_forget_modem(d);
	reconcile_free(d->reconcile);
	d->reconcile = NULL;
	migrate_free(d->fsm);
	d->fsm = NULL;
	d->modem_ops->close(d->modem);
	d->modem = NULL;
	d->modem_open = false;
	notify("STATUS=waiting for the modem");
	emit_properties(d);
	if (!d->reopen_id)
		d->reopen_id = g_timeout_add_seconds(MCMIGD_REOPEN_S, modem_reopen, d);
}

/* ---- Check(): what only mcmigd can tell (mcmigctl check asks for it) ---- */

/*
 * The modem is mcmigd's (opened through its proxy, the serving network from
 * its indications) and so is the watch of the primary PDN: these three rows
 * come from here. Each row: (check, ok|warn|fail, what was found, remedy).
 */
struct check_call {
	GDBusMethodInvocation *inv;
	GVariantBuilder rows;
	const struct primary_config *primary; /* PLMNs to compare the serving one with */
	char primary_row[3][256];	      /* added after the serving network's */
};

static void check_row(GVariantBuilder *b, const char *name, const char *result, const char *detail,
		      const char *remedy)
{
	g_variant_builder_add(b, "(ssss)", name, result, detail, remedy ? remedy : "");
}

/* The primary PDN's netdev now (linkwatch_query), whether the trigger watches it or not. */
static void check_primary_pdn(const struct daemon *d, struct check_call *cc)
{
	char(*r)[256] = cc->primary_row;
	const char *ifname = d->cfg.primary.netdev;
	struct linkwatch_link st;
	char why[64];
	int ret;

	snprintf(r[0], sizeof(r[0]), "warn");
	if (!ifname[0]) {
		snprintf(r[1], sizeof(r[1]), "not checked: [primary] netdev is not set");
		snprintf(r[2], sizeof(r[2]),
			 "name the primary PDN's netdev in [primary] netdev= (mcmig.conf(5))");
		return;
	}
	ret = linkwatch_query(ifname, &st);
	if (ret < 0) {
		snprintf(r[1], sizeof(r[1]), "%s: %s", ifname, g_strerror(-ret));
		r[2][0] = '\0';
		return;
	}
	if (linkwatch_link_up(&st, why, sizeof(why))) {
		snprintf(r[0], sizeof(r[0]), "ok");
		snprintf(r[1], sizeof(r[1]), "%s up", ifname);
		r[2][0] = '\0';
		return;
	}
	/* Not a FAIL: the "primary unreachable" trigger migrates exactly then,
	 * with a stored partner configuration (the CMS line says if it can). */
	snprintf(r[1], sizeof(r[1]), "%s: %s", ifname, why);
	snprintf(r[2], sizeof(r[2]),
		 "bring the primary PDN up (the board's connection manager); the CMS is "
		 "reached over it");
}

static bool check_primary_plmn(const struct primary_config *p, const struct modem_serving *s)
{
	size_t i;

	for (i = 0; i < p->n_plmn; i++)
		if (!strcmp(p->plmn[i].mcc, s->mcc) && !strcmp(p->plmn[i].mnc, s->mnc))
			return true;
	return p->n_plmn == 0;
}

static void check_serving_done(int err, const char *reason, const struct modem_serving *s, void *ud)
{
	struct check_call *cc = ud;
	char detail[256];

	if (err < 0) {
		snprintf(detail, sizeof(detail), "not read: %s",
			 err == -ECANCELED ? "the modem was closed" :
			 reason		   ? reason :
					     g_strerror(-err));
		check_row(&cc->rows, "serving network", "fail", detail,
			  "check the modem (mmcli/qmicli -p) and retry");
	} else if (s->reg != MODEM_REG_HOME && s->reg != MODEM_REG_ROAMING) {
		snprintf(detail, sizeof(detail), "not registered (%s)",
			 modem_reg_state_str(s->reg));
		check_row(&cc->rows, "serving network", "fail", detail,
			  "the partner PDN needs an LTE attach: check the antenna, the SIM's "
			  "subscription and the network");
	} else {
		int n = snprintf(detail, sizeof(detail), "%s-%s registered (%s)", s->mcc, s->mnc,
				 modem_reg_state_str(s->reg));

		if (s->has_tac && n > 0 && (size_t)n < sizeof(detail))
			snprintf(detail + n, sizeof(detail) - (size_t)n, ", TAC %u", s->tac);
		if (check_primary_plmn(cc->primary, s))
			check_row(&cc->rows, "serving network", "ok", detail, NULL);
		else
			check_row(&cc->rows, "serving network", "warn", detail,
				  "not one of the primary's PLMNs ([primary] plmn=): the "
				  "\"primary unreachable\" trigger counts this as unreachable");
	}
	check_row(&cc->rows, "primary PDN", cc->primary_row[0], cc->primary_row[1],
		  cc->primary_row[2]);
	g_dbus_method_invocation_return_value(cc->inv, g_variant_new("(a(ssss))", &cc->rows));
	g_free(cc);
}

static void check_call(struct daemon *d, GDBusMethodInvocation *inv)
{
	struct check_call *cc = g_new0(struct check_call, 1);
	char detail[MCMIGD_PATH_MAX + 64];

	cc->inv = inv;
	cc->primary = &d->cfg.primary;
	g_variant_builder_init(&cc->rows, G_VARIANT_TYPE("a(ssss)"));
	check_primary_pdn(d, cc);
	if (!d->modem_open) {
		check_row(&cc->rows, "modem", "fail", d->not_ready[0] ? d->not_ready : "not open",
			  "check the modem's control node and its proxy (qmi-proxy, mbim-proxy "
			  "or ModemManager); mcmigd retries every 5 s");
		check_serving_done(-ENODEV, "no modem", NULL, cc);
		return;
	}
	snprintf(detail, sizeof(detail), "%s %s open%s%s%s", d->cfg.modem.backend,
		 d->cfg.modem.device, d->cfg.modem_proxy[0] ? " (proxy " : "", d->cfg.modem_proxy,
		 d->cfg.modem_proxy[0] ? ")" : "");
	check_row(&cc->rows, "modem", "ok", detail, NULL);
	d->modem_ops->get_serving(d->modem, check_serving_done, cc);
}

/* ---- D-Bus ---- */

#define MCMIGD_ERROR_SIGNIN "org.mcmig.Agent1.Error.SignInFailed"

static void sign_in_done(int err, const char *reason, void *ud)
{
	GDBusMethodInvocation *inv = ud;

	if (err < 0) {
		g_message("sign-in at the primary IdM server: %s", reason);
		g_dbus_method_invocation_return_dbus_error(inv, MCMIGD_ERROR_SIGNIN, reason);
		return;
	}
	g_message("signed in at the primary IdM server");
	g_dbus_method_invocation_return_value(inv, NULL);
}

/*
 * TS 33.180 B.4: username and password reach the IdM client here only. The
 * parameters are never logged; the password's copy in the message belongs to
 * GDBus (freed with it), ours goes to the helper and is wiped (agent/idm-proc.c).
 */
static void sign_in(struct daemon *d, GVariant *params, GDBusMethodInvocation *inv,
		    const char *sender)
{
	const gchar *user = NULL, *password = NULL;
	int ret;

	g_message("D-Bus SignIn from %s", sender);
	if (!d->idm) {
		g_dbus_method_invocation_return_dbus_error(
			inv, MCMIGD_ERROR_SIGNIN,
			"no [idm] in mcmig.conf: user authentication is off");
		return;
	}
	g_variant_get(params, "(&s&s)", &user, &password);
	ret = idm_proc_sign_in(d->idm, user, password, sign_in_done, inv);
	if (ret < 0)
		g_dbus_method_invocation_return_dbus_error(
			inv, ret == -EBUSY ? MCMIGD_ERROR_BUSY : MCMIGD_ERROR_SIGNIN,
			ret == -EBUSY ? "the IdM client is busy (a migration is authenticating)" :
					g_strerror(-ret));
}

static void method_call(GDBusConnection *conn, const gchar *sender, const gchar *path,
			const gchar *iface, const gchar *method, GVariant *params,
			GDBusMethodInvocation *inv, gpointer ud)
{
	struct daemon *d = ud;
	const gchar *partner = NULL;
	int ret;

	if (strcmp(method, "SignIn") == 0) {
		sign_in(d, params, inv, sender);
		return;
	}
	/* Answers with or without a state machine: it says why there is none. */
	if (strcmp(method, "Check") == 0) {
		check_call(d, inv);
		return;
	}
	if (!d->fsm) {
		g_dbus_method_invocation_return_dbus_error(
			inv, MCMIGD_ERROR_NOTREADY, d->not_ready[0] ? d->not_ready : "starting");
		return;
	}
	if (strcmp(method, "Migrate") == 0 || strcmp(method, "Fetch") == 0)
		g_variant_get(params, "(&s)", &partner);
	g_message("D-Bus %s(%s) from %s", method, partner ? partner : "", sender);
	if (strcmp(method, "Migrate") == 0)
		ret = migrate_start(d->fsm, partner, MIGRATE_TRIGGER_MANUAL);
	else if (strcmp(method, "Fetch") == 0)
		ret = migrate_fetch(d->fsm, partner);
	else
		ret = migrate_return(d->fsm);
	if (ret < 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "%s is not possible in state %s", method, state_name(d));
		g_dbus_method_invocation_return_dbus_error(inv, MCMIGD_ERROR_BUSY, msg);
		return;
	}
	g_dbus_method_invocation_return_value(inv, NULL);
}

static GVariant *get_property(GDBusConnection *conn, const gchar *sender, const gchar *path,
			      const gchar *iface, const gchar *prop, GError **error, gpointer ud)
{
	struct daemon *d = ud;

	if (strcmp(prop, "State") == 0)
		return g_variant_new_string(state_name(d));
	if (strcmp(prop, "Reason") == 0)
		return g_variant_new_string(reason_text(d));
	if (strcmp(prop, "Timeline") == 0) {
		char *text = d->tl.start_unix_us ? timeline_format(&d->tl) : NULL;
		GVariant *v = g_variant_new_string(text ? text : "");

		free(text);
		return v;
	}
	return g_variant_new_string(d->fsm ? migrate_get_partner(d->fsm) : "");
}

static const GDBusInterfaceVTable vtable = { method_call, get_property, NULL, { 0 } };

static void bus_acquired(GDBusConnection *conn, const gchar *name, gpointer ud)
{
	struct daemon *d = ud;
	GError *err = NULL;

	d->bus = g_object_ref(conn);
	d->object_id = g_dbus_connection_register_object(
		conn, MCMIGD_OBJECT_PATH, d->node->interfaces[0], &vtable, d, NULL, &err);
	if (!d->object_id) {
		g_critical("D-Bus object %s: %s", MCMIGD_OBJECT_PATH, err->message);
		g_error_free(err);
		d->exit_code = EXIT_FAILURE;
		g_main_loop_quit(d->loop);
	}
}

static void name_acquired(GDBusConnection *conn, const gchar *name, gpointer ud)
{
	g_message("D-Bus name %s acquired", name);
	notify("READY=1");
}

static void name_lost(GDBusConnection *conn, const gchar *name, gpointer ud)
{
	struct daemon *d = ud;

	g_critical("D-Bus name %s lost or not acquired (another mcmigd? bus policy?)", name);
	d->exit_code = EXIT_FAILURE;
	g_main_loop_quit(d->loop);
}

/* ---- start-up ---- */

static gboolean on_signal(gpointer data)
{
	struct daemon *d = data;

	g_message("stopping");
	notify("STOPPING=1");
	g_main_loop_quit(d->loop);
	return G_SOURCE_CONTINUE;
}

static void report_skipped(const char *file, int err, const char *why, void *ud)
{
	g_warning("partner record %s skipped: %s", file, why);
}

/* Profile and static partner data (TS 23.280 10.1.6, seed NOTE 2): stored like a CMS answer. */
static int load_provisioned(struct daemon *d, const char *path, enum pcfg_source source)
{
	struct partner_config cfgs[PCFG_PROFILE_MAX];
	char err[CMC_XML_ERRMSG_MAX];
	GError *gerr = NULL;
	gchar *data;
	gsize len;
	size_t n, i;
	int ret;

	if (!path[0])
		return 0;
	if (!g_file_get_contents(path, &data, &len, &gerr)) {
		g_critical("%s: %s", path, gerr->message);
		g_error_free(gerr);
		return -ENOENT;
	}
	ret = cmc_xml_parse_profile((const uint8_t *)data, len, source, cfgs, PCFG_PROFILE_MAX, &n,
				    err, sizeof(err));
	util_wipe(data, len);
	g_free(data);
	if (ret < 0) {
		g_critical("%s: %s", path, err);
		return ret;
	}
	for (i = 0; i < n; i++) {
		int r = store_put(d->store, &cfgs[i]);

		if (r < 0)
			g_critical("%s: storing partner %s: %s", path, cfgs[i].partner_id,
				   g_strerror(-r));
		else
			g_message("%s: partner %s provisioned (%s)", path, cfgs[i].partner_id,
				  pcfg_source_str(source));
		ret = ret < 0 ? ret : r;
		partner_config_clear(&cfgs[i]);
	}
	return ret;
}

static int load_config(const char *path, struct mcmigd_config *cfg)
{
	char err[256];
	GError *gerr = NULL;
	gchar *data;
	gsize len;
	int ret;

	if (!g_file_get_contents(path, &data, &len, &gerr)) {
		fprintf(stderr, "mcmigd: %s\n", gerr->message);
		g_error_free(gerr);
		return -ENOENT;
	}
	ret = mcmigd_config_parse(data, len, cfg, err, sizeof(err));
	g_free(data);
	if (ret < 0)
		fprintf(stderr, "mcmigd: %s: %s\n", path, err);
	else if (cfg->retired[0])
		fprintf(stderr, "mcmigd: %s: %s\n", path, cfg->retired);
	return ret;
}

/*
 * Board data (boards/<id>.conf, hal/board.h): the modem, the partner PDN's
 * netdev and the reader, unless mcmig.conf names them itself.
 */
static int apply_board(struct mcmigd_config *c)
{
	char err[BOARD_ERR_MAX], desc[2 * BOARD_STR_MAX + 4];
	int ret;

	ret = mcmigd_config_apply_board(c, MCMIG_BOARDS_DIR, &netdev_linux_ops, desc, sizeof(desc),
					err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "mcmigd: board: %s\n", err);
		return ret;
	}
	if (desc[0])
		g_message("board %s", desc);
	return 0;
}

/* The card at start: what it holds, or why it is not usable yet (a request
 * later opens it again). */
static void on_card_ready(int err, const struct uicc_info *info, void *user_data)
{
	if (err == -ECANCELED)
		return;
	if (err < 0)
		g_warning("card: not ready: %s%s%s", info && info->failed_ef ? info->failed_ef : "",
			  info && info->failed_ef ? ": " : "", card_strerror(err));
	else
		g_message("card: %s ready, IMPI %s", info->app == UICC_APP_ISIM ? "ISIM" : "USIM",
			  info->impi);
}

/*
 * Where the modem backends and the configuration helper are:
 * MCMIG_MODULE_DIR names another directory than the installed one, the build
 * tree's for the tests (mcmigd(8), ENVIRONMENT).
 */
static const char *module_dir(void)
{
	const char *dir = getenv("MCMIG_MODULE_DIR");

	return dir && dir[0] ? dir : MCMIG_MODULE_DIR;
}

/*
 * The board's modem backend from its module (hal/modem-ops.c), so that only
 * that backend's libraries are mapped.
 */
static int load_modem(struct daemon *d)
{
	char err[MODULE_ERR_MAX];
	int ret;

	ret = modem_ops_load(module_dir(), d->cfg.modem.backend, &d->modem_ops, err, sizeof(err));
	if (ret < 0)
		g_critical("modem backend %s: %s", d->cfg.modem.backend, err);
	return ret;
}

/*
 * The logical channels the last run journaled (issue 12): the card worker
 * closes them before it opens its own, and journals its own (card_channel).
 */
static void card_journal(struct daemon *d, struct uicc_config *ucfg)
{
	struct journal j;
	char why[128];
	char *text;
	size_t len;

	journal_init(&d->jlast);
	if (store_get_file(d->store, MCMIGD_JOURNAL_FILE, &text, &len) == 0) {
		if (journal_parse(text, len, &j, why, sizeof(why)) == 0)
			d->jlast = j;
		free(text);
	}
	d->card_channels = d->jlast.card_channels;
	if (d->card_channels)
		g_message("card: closing the logical channel(s) the last run left open (0x%x)",
			  d->card_channels);
	ucfg->stale_channels = d->card_channels;
	ucfg->channel_event = card_channel;
	ucfg->channel_ctx = d;
}

static int setup(struct daemon *d)
{
	struct uicc_config ucfg = {
		.reader = d->cfg.card_reader[0] ? d->cfg.card_reader : NULL,
		.timeout_ms = d->cfg.card_timeout_ms ? d->cfg.card_timeout_ms : 5000,
	};
	char err[256];
	struct partner_config valid[PCFG_PROFILE_MAX];
	char *helper;
	size_t n, i;
	int ret;

	ret = store_open(&d->store, d->cfg.state_dir, err, sizeof(err));
	if (ret < 0) {
		g_critical("%s", err);
		return ret;
	}
	timeline_load(d);
	ret = load_provisioned(d, d->cfg.profile_file, PCFG_SOURCE_PROFILE);
	if (ret == 0)
		ret = load_provisioned(d, d->cfg.static_file, PCFG_SOURCE_STATIC);
	if (ret < 0)
		return ret;
	/* Says at start which partner records are usable and why the others are not. */
	store_load_all(d->store, time(NULL), valid, PCFG_PROFILE_MAX, &n, report_skipped, d);
	for (i = 0; i < n; i++) {
		g_message("partner %s stored (%s)", valid[i].partner_id,
			  pcfg_source_str(valid[i].source));
		partner_config_clear(&valid[i]);
	}
	/* HTTPS in a helper of its own (agent/cmc-proc.h): no TLS library here. */
	helper = g_build_filename(module_dir(), "mcmig-cmc", NULL);
	ret = cmc_proc_new(&d->cmc, helper, &d->cfg.cmc);
	g_free(helper);
	if (ret < 0) {
		g_critical("configuration management client: %s", g_strerror(-ret));
		return ret;
	}
	if (d->cfg.idm.token_endpoint) {
		/* The refresh token: 0600 in the state directory, or memory only. */
		snprintf(d->idm_rt_file, sizeof(d->idm_rt_file), "%s/idm-refresh-token",
			 d->cfg.state_dir);
		/* HTTPS in a helper of its own too (agent/idm-proc.h). */
		helper = g_build_filename(module_dir(), "mcmig-idm", NULL);
		ret = idm_proc_new(&d->idm, helper, &d->cfg.idm,
				   d->cfg.idm_refresh_in_memory ? NULL : d->idm_rt_file, idm_step,
				   d);
		g_free(helper);
		if (ret < 0) {
			g_critical("IdM client: %s", g_strerror(-ret));
			return ret;
		}
		g_message(
			"IdM client: %s, refresh token %s",
			idm_proc_signed_in(d->idm) ? "signed in" : "not signed in (mcmigctl login)",
			d->cfg.idm_refresh_in_memory ? "in memory only" : "in the state directory");
	}
	if (d->idm) {
		if (d->cfg.svc_token_file[0])
			g_message(
				"[service-auth] token-file unused: the partner token comes from [idm]");
	} else if (d->cfg.svc_token_file[0]) {
		ret = token_file_new(&d->token_file, d->cfg.svc_token_file, d->cfg.svc_client_id);
		if (ret < 0) {
			g_critical("[service-auth] token-file: %s", g_strerror(-ret));
			return ret;
		}
	} else if (d->cfg.svc_enabled) {
		g_critical(
			"[service-auth]: no source of the partner access token ([idm] or token-file)");
		return -EINVAL;
	}
	card_journal(d, &ucfg);
	ret = card_new(&d->card, &uicc_pcsc_ops, &ucfg);
	if (ret < 0) {
		g_critical("card: %s", g_strerror(-ret));
		return ret;
	}
	/* Open the card now, off the loop: a migration at the moment of need
	 * then finds the ISIM selected (product.md: one AUTHENTICATE, the
	 * ISIM selected once) instead of paying for the reader, EF_DIR and
	 * the SELECT in its first challenge. */
	card_read_info(d->card, on_card_ready, d);
	ret = primary_setup(d);
	if (ret < 0)
		return ret;
	ret = load_modem(d);
	if (ret < 0)
		return ret;
	d->modem_ev.serving_changed = ev_serving_changed;
	d->modem_ev.pdn_dropped = ev_pdn_dropped;
	d->modem_ev.vanished = ev_vanished;
	d->modem_ev.handles = ev_handles;
	d->modem_ev.user_data = d;
	strcpy(d->not_ready, "opening the modem");
	/*
	 * A helper (mcmig-cmc, mcmig-idm) that dies before reading its input
	 * gives EPIPE, not a SIGPIPE that ends us (helper-run.h); not left to
	 * GIO, which turns it off only once a socket is up.
	 */
	signal(SIGPIPE, SIG_IGN);
	d->modem_ops->open(&d->modem, &d->cfg.modem, &d->modem_ev, modem_open_done, d);

	d->node = g_dbus_node_info_new_for_xml(introspection, NULL);
	d->owner_id = g_bus_own_name(d->cfg.session_bus ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM,
				     MCMIGD_BUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE, bus_acquired,
				     name_acquired, name_lost, d, NULL);
	g_unix_signal_add(SIGTERM, on_signal, d);
	g_unix_signal_add(SIGINT, on_signal, d);
	watchdog_start(d);
	return 0;
}

static void teardown(struct daemon *d)
{
	/* The last transitions are still told, the timeline still saved. */
	if (d->announce_id) {
		g_source_remove(d->announce_id);
		announce_flush(d);
	}
	if (d->watchdog_id)
		g_source_remove(d->watchdog_id);
	if (d->reopen_id)
		g_source_remove(d->reopen_id);
	if (d->trouble_id)
		g_source_remove(d->trouble_id);
	if (d->object_id)
		g_dbus_connection_unregister_object(d->bus, d->object_id);
	if (d->owner_id)
		g_bus_unown_name(d->owner_id);
	if (d->bus)
		g_object_unref(d->bus);
	if (d->node)
		g_dbus_node_info_unref(d->node);
	/* The FSM first: the modem's and the card's -ECANCELED answers find nothing. */
	journal_forget_modem(d);
	reconcile_free(d->reconcile);
	migrate_free(d->fsm);
	linkwatch_free(d->linkwatch);
	primary_free(d->primary);
	if (d->modem_ops)
		d->modem_ops->close(d->modem);
	card_free(d->card);
	token_file_free(d->token_file);
	cmc_proc_free(d->cmc);
	idm_proc_free(d->idm);
	store_close(d->store);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mcmigd [-c FILE] [--check-config]\n"
		   "  -c, --config FILE   configuration (default " MCMIG_SYSCONFDIR
		   "/mcmig/mcmig.conf)\n"
		   "  --check-config      parse the configuration, report, exit\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = MCMIG_SYSCONFDIR "/mcmig/mcmig.conf";
	bool check_only = false;
	struct daemon *d;
	int c, ret;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'C':
			check_only = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("mcmigd %s\n", MCMIG_VERSION);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return 2;
		}
	}
	d = g_new0(struct daemon, 1);
	if (load_config(config, &d->cfg) < 0) {
		g_free(d);
		return EXIT_FAILURE;
	}
	if (apply_board(&d->cfg) < 0) {
		g_free(d);
		return EXIT_FAILURE;
	}
	if (check_only) {
		printf("%s: ok (modem %s %s)\n", config, d->cfg.modem.backend, d->cfg.modem.device);
		g_free(d);
		return EXIT_SUCCESS;
	}
	g_mutex_init(&d->jlock);
	d->loop = g_main_loop_new(NULL, FALSE);
	d->announce = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);
	ret = setup(d);
	if (ret == 0) {
		g_main_loop_run(d->loop);
		ret = d->exit_code;
	} else {
		ret = EXIT_FAILURE;
	}
	teardown(d);
	g_ptr_array_unref(d->announce);
	g_main_loop_unref(d->loop);
	g_mutex_clear(&d->jlock);
	g_free(d);
	return ret;
}
