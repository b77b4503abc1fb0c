// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmigctl status | migrate | return | watch: talk to mcmigd over D-Bus
 * (org.mcmig.Agent1 on the system bus; --session for tests). migrate and
 * return wait for the outcome, following the StateChanged signals; watch
 * prints each of them until interrupted.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "ctl-bus.h"
#include "ctl-util.h"
#include "ctl.h"

struct ctl_opts {
	bool json;
	bool session;
	bool fetch_only;
	const char *partner;
	unsigned int timeout_s;
};

struct status {
	char *state;
	char *reason;
	char *partner;
};

/* The seed step (figure 6.Y-1) a state waits in or has reached; 0: none. */
static unsigned int state_step(const char *state, const char **what)
{
	static const struct {
		const char *state;
		unsigned int step;
		const char *what;
	} steps[] = {
		{ "partner-config-requested", 1, "partner connection details requested" },
		{ "pdn-connecting", 14, "bearers to the partner's PDN" },
		{ "registering", 15, "SIP registration at the partner" },
		{ "challenged", 23, "authentication challenge (ISIM)" },
		{ "registered-at-partner", 24, "registered at the partner" },
		{ "service-authorising", 25, "MC service authorisation" },
		{ "authorised", 25, "MC service authorised at the partner" },
	};
	size_t i;

	for (i = 0; state && i < G_N_ELEMENTS(steps); i++) {
		if (strcmp(state, steps[i].state) == 0) {
			*what = steps[i].what;
			return steps[i].step;
		}
	}
	*what = NULL;
	return 0;
}

static void print_status(const struct status *st, const struct ctl_opts *o, const char *error)
{
	const char *what;
	unsigned int step = state_step(st->state, &what);

	if (o->json) {
		printf("{\"state\":");
		ctl_json_str(st->state ? st->state : "", false);
		printf(",\"reason\":");
		ctl_json_str(st->reason ? st->reason : "", false);
		printf(",\"partner\":");
		ctl_json_str(st->partner ? st->partner : "", false);
		printf(",\"seed_step\":%u", step);
		if (error) {
			printf(",\"error\":");
			ctl_json_str(error, false);
		}
		printf("}\n");
		return;
	}
	if (error)
		fprintf(stderr, "mcmigctl: %s\n", error);
	if (!st->state)
		return;
	printf("state:   %s\n", st->state);
	if (step)
		printf("step:    %u (%s)\n", step, what);
	if (st->partner && *st->partner)
		printf("partner: %s\n", st->partner);
	if (st->reason && *st->reason)
		printf("reason:  %s\n", st->reason);
}

static void status_clear(struct status *st)
{
	g_free(st->state);
	g_free(st->reason);
	g_free(st->partner);
	memset(st, 0, sizeof(*st));
}

static char *get_prop(GDBusConnection *bus, const char *name, GError **err)
{
	GVariant *v, *inner;
	char *s;

	v = g_dbus_connection_call_sync(bus, CTL_AGENT_NAME, CTL_AGENT_PATH,
					"org.freedesktop.DBus.Properties", "Get",
					g_variant_new("(ss)", CTL_AGENT_IFACE, name),
					G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
					5000, NULL, err);
	if (!v)
		return NULL;
	g_variant_get(v, "(v)", &inner);
	s = g_variant_dup_string(inner, NULL);
	g_variant_unref(inner);
	g_variant_unref(v);
	return s;
}

static int read_status(GDBusConnection *bus, struct status *st, GError **err)
{
	st->state = get_prop(bus, "State", err);
	if (!st->state)
		return -1;
	st->reason = get_prop(bus, "Reason", err);
	if (!st->reason)
		return -1;
	st->partner = get_prop(bus, "Partner", err);
	return st->partner ? 0 : -1;
}

static int exit_for_error(const GError *err)
{
	gchar *remote = g_dbus_error_get_remote_error(err);
	int ret = CTL_EXIT_UNAVAILABLE;

	if (remote && strcmp(remote, "org.mcmig.Agent1.Error.Busy") == 0)
		ret = CTL_EXIT_FAILURE;
	g_free(remote);
	return ret;
}

/* The exit code for a failure reason (README: exit codes). */
static int exit_for_reason(const char *reason)
{
	static const char *const refused[] = { "registration-refused", "not-authorised",
					       "partner-refused", "no-partner-for-location",
					       "unauthenticated" };
	size_t i, n;

	for (i = 0; i < G_N_ELEMENTS(refused); i++) {
		n = strlen(refused[i]);
		if (strncmp(reason, refused[i], n) == 0 && reason[n] == ':')
			return CTL_EXIT_REFUSED;
	}
	return CTL_EXIT_FAILURE;
}

static int parse(int argc, char **argv, struct ctl_opts *o, bool with_partner, const char *usage)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "session", no_argument, NULL, 's' },
		{ "partner", required_argument, NULL, 'p' },
		{ "fetch-only", no_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->timeout_s = 120;
	o->session = ctl_bus_session_default();
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 's':
			o->session = true;
			break;
		case 'p':
		case 'f':
			if (!with_partner)
				goto usage;
			if (c == 'p')
				o->partner = optarg;
			else
				o->fetch_only = true;
			break;
		case 't':
			if (ctl_parse_uint(optarg, 3600, &o->timeout_s) < 0) {
				fprintf(stderr, "mcmigctl: --timeout: 1..3600 seconds\n");
				return CTL_EXIT_USAGE;
			}
			break;
		case 'h':
			printf("%s", usage);
			return -1;
		default:
			goto usage;
		}
	}
	if (optind == argc)
		return 0;
usage:
	fprintf(stderr, "%s", usage);
	return CTL_EXIT_USAGE;
}

/* Prints what a failed call to mcmigd means (ctl-bus.h) with what is known of the state. */
static void print_failure(const struct status *st, const struct ctl_opts *o, const GError *err,
			  const char *what)
{
	char *msg = ctl_bus_explain(err, what, o->session);

	print_status(st, o, msg);
	g_free(msg);
}

static const char status_usage[] = "usage: mcmigctl status [--json] [--session]\n"
				   "  the migration state, partner and reason of mcmigd\n"
				   "exit: 0 ok, 3 mcmigd not reachable\n";

static int status_main(int argc, char **argv)
{
	struct status st = { 0 };
	struct ctl_opts o;
	GDBusConnection *bus;
	GError *err = NULL;
	char *msg;
	int ret;

	ret = parse(argc, argv, &o, false, status_usage);
	if (ret)
		return ret < 0 ? CTL_EXIT_OK : ret;
	bus = ctl_bus_connect(o.session, &msg);
	if (!bus) {
		print_status(&st, &o, msg);
		g_free(msg);
		return CTL_EXIT_UNAVAILABLE;
	}
	if (read_status(bus, &st, &err) < 0) {
		print_failure(&st, &o, err, "read the state of");
		g_error_free(err);
		ret = CTL_EXIT_UNAVAILABLE;
	} else {
		print_status(&st, &o, NULL);
		ret = CTL_EXIT_OK;
	}
	status_clear(&st);
	g_object_unref(bus);
	return ret;
}

/* Waiting for the outcome of Migrate/Return: the states where the agent rests. */
struct wait {
	GMainLoop *loop;
	const char *const *ends;
	char *final;
	bool timed_out;
	bool left; /* mcmigd left the bus (died, killed, stopped) while we waited */
};

static void on_state_changed(GDBusConnection *c, const gchar *sender, const gchar *path,
			     const gchar *iface, const gchar *signal, GVariant *params, gpointer ud)
{
	struct wait *w = ud;
	const gchar *old, *new_state, *ev, *reason;
	size_t i;

	g_variant_get(params, "(&s&s&s&s)", &old, &new_state, &ev, &reason);
	for (i = 0; w->ends[i]; i++) {
		if (strcmp(new_state, w->ends[i]) == 0) {
			g_free(w->final);
			w->final = g_strdup(new_state);
			g_main_loop_quit(w->loop);
			return;
		}
	}
}

/* The bus's NameOwnerChanged for org.mcmig.Agent1: nobody will send the
 * outcome any more, so waiting for it until --timeout would only hang. */
static void on_name_vanished(GDBusConnection *c, const gchar *name, gpointer ud)
{
	struct wait *w = ud;

	w->left = true;
	g_main_loop_quit(w->loop);
}

static gboolean on_timeout(gpointer ud)
{
	struct wait *w = ud;

	w->timed_out = true;
	g_main_loop_quit(w->loop);
	return G_SOURCE_REMOVE;
}

static int run(const struct ctl_opts *o, const char *method, GVariant *args,
	       const char *const *ends, const char *success)
{
	struct wait w = { .ends = ends };
	struct status st = { 0 };
	GDBusConnection *bus;
	GError *err = NULL;
	GVariant *v;
	guint sub, t, watch;
	char *msg, *what;
	int ret;

	bus = ctl_bus_connect(o->session, &msg);
	if (!bus) {
		print_status(&st, o, msg);
		g_free(msg);
		g_variant_unref(g_variant_ref_sink(args));
		return CTL_EXIT_UNAVAILABLE;
	}
	w.loop = g_main_loop_new(NULL, FALSE);
	/* Subscribed before the call, so that no transition is missed. */
	sub = g_dbus_connection_signal_subscribe(bus, CTL_AGENT_NAME, CTL_AGENT_IFACE,
						 "StateChanged", CTL_AGENT_PATH, NULL,
						 G_DBUS_SIGNAL_FLAGS_NONE, on_state_changed, &w,
						 NULL);
	/* A name with no owner is reported at once: a daemon gone right after
	 * the call is noticed too. */
	watch = g_bus_watch_name_on_connection(bus, CTL_AGENT_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
					       NULL, on_name_vanished, &w, NULL);
	v = g_dbus_connection_call_sync(bus, CTL_AGENT_NAME, CTL_AGENT_PATH, CTL_AGENT_IFACE,
					method, args, NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000,
					NULL, &err);
	if (!v) {
		ret = exit_for_error(err);
		read_status(bus, &st, NULL);
		what = g_strdup_printf("call %s on", method);
		print_failure(&st, o, err, what);
		g_free(what);
		g_error_free(err);
		goto out;
	}
	g_variant_unref(v);
	t = g_timeout_add_seconds(o->timeout_s, on_timeout, &w);
	g_main_loop_run(w.loop);
	/*
	 * Where MC service authorisation follows the registration (seed step
	 * 25), registered-at-partner is a way station: the agent has moved on
	 * when asked; then the outcome is authorised, or failed once back on
	 * the primary (the signals of the meantime are queued, none is missed).
	 */
	if (w.final && strcmp(w.final, "registered-at-partner") == 0 && !w.timed_out && !w.left &&
	    read_status(bus, &st, NULL) == 0 && st.state &&
	    strcmp(st.state, "registered-at-partner") != 0) {
		static const char *const after[] = { "authorised", "failed", "idle-on-primary",
						     NULL };

		g_free(w.final);
		w.final = NULL;
		if (strcmp(st.state, "authorised") == 0 || strcmp(st.state, "failed") == 0) {
			w.final = g_strdup(st.state);
		} else {
			w.ends = after;
			g_main_loop_run(w.loop);
		}
	}
	status_clear(&st);
	if (!w.timed_out)
		g_source_remove(t);
	if (w.left) {
		print_status(&st, o,
			     "mcmigd left the bus while the request was under way: the outcome is "
			     "unknown (see 'mcmigctl status' once it runs again)");
		ret = CTL_EXIT_UNAVAILABLE;
	} else if (read_status(bus, &st, &err) < 0) {
		print_failure(&st, o, err, "read the state of");
		g_error_free(err);
		ret = CTL_EXIT_UNAVAILABLE;
	} else if (w.timed_out) {
		print_status(&st, o, "timed out waiting for the outcome");
		ret = CTL_EXIT_FAILURE;
	} else if (strcmp(w.final, success) == 0 ||
		   (strcmp(success, "registered-at-partner") == 0 &&
		    strcmp(w.final, "authorised") == 0)) {
		print_status(&st, o, NULL);
		ret = CTL_EXIT_OK;
	} else {
		print_status(&st, o, NULL);
		ret = exit_for_reason(st.reason ? st.reason : "");
	}
out:
	g_bus_unwatch_name(watch);
	g_dbus_connection_signal_unsubscribe(bus, sub);
	g_free(w.final);
	status_clear(&st);
	g_main_loop_unref(w.loop);
	g_object_unref(bus);
	return ret;
}

static const char migrate_usage[] =
	"usage: mcmigctl migrate [--partner ID] [--fetch-only] [--timeout S] [--json] "
	"[--session]\n"
	"  migrate to the partner MC system (the CMS chooses by location without --partner)\n"
	"  and wait until registered there (and authorised, when service authorisation is\n"
	"  configured); --fetch-only gets and stores its configuration\n"
	"exit: 0 ok, 1 failed (see reason), 3 mcmigd not reachable, 6 refused\n";

static int migrate_main(int argc, char **argv)
{
	static const char *const ends[] = { "registered-at-partner", "authorised", "failed", NULL };
	static const char *const fetch_ends[] = { "partner-config-stored", "failed", NULL };
	struct ctl_opts o;
	int ret;

	ret = parse(argc, argv, &o, true, migrate_usage);
	if (ret)
		return ret < 0 ? CTL_EXIT_OK : ret;
	if (o.fetch_only)
		return run(&o, "Fetch", g_variant_new("(s)", o.partner ? o.partner : ""),
			   fetch_ends, "partner-config-stored");
	return run(&o, "Migrate", g_variant_new("(s)", o.partner ? o.partner : ""), ends,
		   "registered-at-partner");
}

static const char return_usage[] =
	"usage: mcmigctl return [--timeout S] [--json] [--session]\n"
	"  de-register at the partner, drop the partner PDN, wait until back on the primary\n"
	"exit: 0 ok, 1 failed, 3 mcmigd not reachable\n";

static int return_main(int argc, char **argv)
{
	static const char *const ends[] = { "idle-on-primary", "failed", NULL };
	struct ctl_opts o;
	int ret;

	ret = parse(argc, argv, &o, false, return_usage);
	if (ret)
		return ret < 0 ? CTL_EXIT_OK : ret;
	return run(&o, "Return", g_variant_new("()"), ends, "idle-on-primary");
}

static const char watch_usage[] =
	"usage: mcmigctl watch [--json] [--session]\n"
	"  the current state, TIME STATE[ (partner ID)][: REASON], then each transition\n"
	"  as it happens, TIME OLD -> NEW (EVENT)[: REASON], one line each; --json: one\n"
	"  JSON object per line (time, state, partner, reason; time, old, new, event,\n"
	"  reason); until SIGINT or SIGTERM (exit 0) or mcmigd leaves the bus (exit 3)\n";

/* Following StateChanged: @w ends on the signals or the daemon's leaving. */
struct watch {
	struct wait w;
	bool json;
};

/* Local time of day to the millisecond for text, UTC ISO 8601 for JSON. */
static void print_now(bool json)
{
	GDateTime *now = json ? g_date_time_new_now_utc() : g_date_time_new_now_local();
	gchar *s = g_date_time_format(now, json ? "%Y-%m-%dT%H:%M:%S" : "%H:%M:%S");
	int ms = g_date_time_get_microsecond(now) / 1000;

	if (json)
		printf("{\"time\":\"%s.%03dZ\"", s, ms);
	else
		printf("%s.%03d ", s, ms);
	g_free(s);
	g_date_time_unref(now);
}

/* Prints a JSON member ,"name":"value". */
static void json_member(const char *name, const char *value)
{
	printf(",\"%s\":", name);
	ctl_json_str(value, false);
}

static void on_watch_changed(GDBusConnection *c, const gchar *sender, const gchar *path,
			     const gchar *iface, const gchar *signal, GVariant *params, gpointer ud)
{
	struct watch *wt = ud;
	const gchar *old, *new_state, *ev, *reason;

	g_variant_get(params, "(&s&s&s&s)", &old, &new_state, &ev, &reason);
	print_now(wt->json);
	if (wt->json) {
		json_member("old", old);
		json_member("new", new_state);
		json_member("event", ev);
		json_member("reason", reason);
		printf("}\n");
	} else {
		printf("%s -> %s (%s)%s%s\n", old, new_state, ev, *reason ? ": " : "", reason);
	}
	/* A pipe to a log or a test must see each step when it happens. */
	fflush(stdout);
}

static gboolean on_stop(gpointer ud)
{
	g_main_loop_quit(ud);
	return G_SOURCE_CONTINUE;
}

/* The state when the watch starts: subscribed already, so no step falls in between. */
static void print_start(const struct status *st, bool json)
{
	print_now(json);
	if (json) {
		json_member("state", st->state);
		json_member("partner", st->partner);
		json_member("reason", st->reason);
		printf("}\n");
	} else {
		printf("%s%s%s%s%s%s\n", st->state, *st->partner ? " (partner " : "", st->partner,
		       *st->partner ? ")" : "", *st->reason ? ": " : "", st->reason);
	}
	fflush(stdout);
}

static int watch_main(int argc, char **argv)
{
	struct watch wt = { 0 };
	struct status st = { 0 };
	struct ctl_opts o;
	GDBusConnection *bus;
	GError *err = NULL;
	guint sub, name, sig_int, sig_term;
	char *msg;
	int ret;

	ret = parse(argc, argv, &o, false, watch_usage);
	if (ret)
		return ret < 0 ? CTL_EXIT_OK : ret;
	bus = ctl_bus_connect(o.session, &msg);
	if (!bus) {
		fprintf(stderr, "mcmigctl: %s\n", msg);
		g_free(msg);
		return CTL_EXIT_UNAVAILABLE;
	}
	wt.json = o.json;
	wt.w.loop = g_main_loop_new(NULL, FALSE);
	sub = g_dbus_connection_signal_subscribe(bus, CTL_AGENT_NAME, CTL_AGENT_IFACE,
						 "StateChanged", CTL_AGENT_PATH, NULL,
						 G_DBUS_SIGNAL_FLAGS_NONE, on_watch_changed, &wt,
						 NULL);
	name = g_bus_watch_name_on_connection(bus, CTL_AGENT_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
					      NULL, on_name_vanished, &wt.w, NULL);
	sig_int = g_unix_signal_add(SIGINT, on_stop, wt.w.loop);
	sig_term = g_unix_signal_add(SIGTERM, on_stop, wt.w.loop);
	if (read_status(bus, &st, &err) < 0) {
		msg = ctl_bus_explain(err, "read the state of", o.session);
		fprintf(stderr, "mcmigctl: %s\n", msg);
		g_free(msg);
		g_error_free(err);
		ret = CTL_EXIT_UNAVAILABLE;
		goto out;
	}
	print_start(&st, o.json);
	g_main_loop_run(wt.w.loop);
	if (wt.w.left) {
		fprintf(stderr, "mcmigctl: mcmigd left the bus (nobody owns " CTL_AGENT_NAME
				" any more): no more steps to follow\n");
		ret = CTL_EXIT_UNAVAILABLE;
	} else {
		ret = CTL_EXIT_OK;
	}
out:
	g_source_remove(sig_term);
	g_source_remove(sig_int);
	g_bus_unwatch_name(name);
	g_dbus_connection_signal_unsubscribe(bus, sub);
	status_clear(&st);
	g_main_loop_unref(wt.w.loop);
	g_object_unref(bus);
	return ret;
}

const struct ctl_command ctl_watch_command = {
	.name = "watch",
	.summary = "follow mcmigd's migration step by step",
	.main = watch_main,
};

const struct ctl_command ctl_status_command = {
	.name = "status",
	.summary = "migration state of mcmigd",
	.main = status_main,
};

const struct ctl_command ctl_migrate_command = {
	.name = "migrate",
	.summary = "migrate to a partner MC system",
	.main = migrate_main,
};

const struct ctl_command ctl_return_command = {
	.name = "return",
	.summary = "return to the primary MC system",
	.main = return_main,
};
