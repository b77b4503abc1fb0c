// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmigctl status | migrate | return: talk to mcmigd over D-Bus
 * (org.mcmig.Agent1 on the system bus; --session for tests). migrate and
 * return wait for the outcome, following the StateChanged signals.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "ctl-util.h"
#include "ctl.h"

#define AGENT_NAME  "org.mcmig.Agent1"
#define AGENT_PATH  "/org/mcmig/Agent1"
#define AGENT_IFACE "org.mcmig.Agent1"

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

static void print_status(const struct status *st, const struct ctl_opts *o, const char *error)
{
	if (o->json) {
		printf("{\"state\":");
		ctl_json_str(st->state ? st->state : "", false);
		printf(",\"reason\":");
		ctl_json_str(st->reason ? st->reason : "", false);
		printf(",\"partner\":");
		ctl_json_str(st->partner ? st->partner : "", false);
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

	v = g_dbus_connection_call_sync(bus, AGENT_NAME, AGENT_PATH,
					"org.freedesktop.DBus.Properties", "Get",
					g_variant_new("(ss)", AGENT_IFACE, name),
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
	o->session = g_strcmp0(g_getenv("MCMIG_BUS"), "session") == 0;
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

static GDBusConnection *connect_bus(const struct ctl_opts *o, GError **err)
{
	return g_bus_get_sync(o->session ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM, NULL, err);
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
	int ret;

	ret = parse(argc, argv, &o, false, status_usage);
	if (ret)
		return ret < 0 ? CTL_EXIT_OK : ret;
	bus = connect_bus(&o, &err);
	if (!bus || read_status(bus, &st, &err) < 0) {
		print_status(&st, &o, err->message);
		ret = CTL_EXIT_UNAVAILABLE;
	} else {
		print_status(&st, &o, NULL);
		ret = CTL_EXIT_OK;
	}
	g_clear_error(&err);
	status_clear(&st);
	if (bus)
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
	int ret;

	bus = connect_bus(o, &err);
	if (!bus) {
		print_status(&st, o, err->message);
		g_error_free(err);
		g_variant_unref(g_variant_ref_sink(args));
		return CTL_EXIT_UNAVAILABLE;
	}
	w.loop = g_main_loop_new(NULL, FALSE);
	/* Subscribed before the call, so that no transition is missed. */
	sub = g_dbus_connection_signal_subscribe(bus, AGENT_NAME, AGENT_IFACE, "StateChanged",
						 AGENT_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
						 on_state_changed, &w, NULL);
	/* A name with no owner is reported at once: a daemon gone right after
	 * the call is noticed too. */
	watch = g_bus_watch_name_on_connection(bus, AGENT_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
					       on_name_vanished, &w, NULL);
	v = g_dbus_connection_call_sync(bus, AGENT_NAME, AGENT_PATH, AGENT_IFACE, method, args,
					NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, &err);
	if (!v) {
		ret = exit_for_error(err);
		g_dbus_error_strip_remote_error(err);
		read_status(bus, &st, NULL);
		print_status(&st, o, err->message);
		g_error_free(err);
		goto out;
	}
	g_variant_unref(v);
	t = g_timeout_add_seconds(o->timeout_s, on_timeout, &w);
	g_main_loop_run(w.loop);
	if (!w.timed_out)
		g_source_remove(t);
	if (w.left) {
		print_status(&st, o,
			     "mcmigd left the bus while the request was under way: the outcome is "
			     "unknown (see 'mcmigctl status' once it runs again)");
		ret = CTL_EXIT_UNAVAILABLE;
	} else if (read_status(bus, &st, &err) < 0) {
		print_status(&st, o, err->message);
		g_error_free(err);
		ret = CTL_EXIT_UNAVAILABLE;
	} else if (w.timed_out) {
		print_status(&st, o, "timed out waiting for the outcome");
		ret = CTL_EXIT_FAILURE;
	} else if (strcmp(w.final, success) == 0) {
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
	"  and wait until registered there; --fetch-only gets and stores its configuration\n"
	"exit: 0 ok, 1 failed (see reason), 3 mcmigd not reachable, 6 refused\n";

static int migrate_main(int argc, char **argv)
{
	static const char *const ends[] = { "registered-at-partner", "failed", NULL };
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
