// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmigctl timeline [--json] [--svg FILE] [--file PATH] [--session]: the last
 * migration's steps with their latencies, from mcmigd (the Timeline property
 * of org.mcmig.Agent1) or from the file it keeps in its state directory
 * (--file, e.g. /var/lib/mcmig/timeline, readable without the daemon).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "ctl-bus.h"
#include "ctl.h"
#include "timeline.h"

static const char usage[] =
	"usage: mcmigctl timeline [--json] [--svg FILE] [--file PATH] [--session]\n"
	"  the last migration: one line per step with the time since the start and\n"
	"  the step's own latency (what it waited on: modem, network, card), then\n"
	"  the total and the agent's own share\n"
	"  --json        the same as JSON\n"
	"  --svg FILE    also write a sequence chart (seed figure 6.Y-1 style); - = stdout\n"
	"  --file PATH   read the state directory's timeline file instead of mcmigd\n"
	"exit: 0 ok, 1 nothing recorded or unreadable, 2 usage, 3 mcmigd not reachable\n";

static int from_daemon(bool session, char **text)
{
	GDBusConnection *bus;
	GVariant *v, *inner;
	GError *err = NULL;
	char *msg;

	bus = ctl_bus_connect(session, &msg);
	if (!bus) {
		fprintf(stderr, "mcmigctl: %s\n", msg);
		g_free(msg);
		return CTL_EXIT_UNAVAILABLE;
	}
	v = g_dbus_connection_call_sync(bus, CTL_AGENT_NAME, CTL_AGENT_PATH,
					"org.freedesktop.DBus.Properties", "Get",
					g_variant_new("(ss)", CTL_AGENT_IFACE, "Timeline"),
					G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
					5000, NULL, &err);
	g_object_unref(bus);
	if (!v) {
		msg = ctl_bus_explain(err, "read the timeline of", session);
		fprintf(stderr, "mcmigctl: %s\n", msg);
		g_free(msg);
		g_error_free(err);
		return CTL_EXIT_UNAVAILABLE;
	}
	g_variant_get(v, "(v)", &inner);
	if (!g_variant_is_of_type(inner, G_VARIANT_TYPE_STRING)) {
		fprintf(stderr, "mcmigctl: mcmigd: Timeline is not a string\n");
		g_variant_unref(inner);
		g_variant_unref(v);
		return CTL_EXIT_FAILURE;
	}
	*text = g_variant_dup_string(inner, NULL);
	g_variant_unref(inner);
	g_variant_unref(v);
	return CTL_EXIT_OK;
}

static int from_file(const char *path, char **text)
{
	GError *err = NULL;

	if (!g_file_get_contents(path, text, NULL, &err)) {
		fprintf(stderr, "mcmigctl: %s\n", err->message);
		g_error_free(err);
		return CTL_EXIT_FAILURE;
	}
	return CTL_EXIT_OK;
}

static int write_svg(const struct timeline *tl, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	int ret;

	if (!f) {
		fprintf(stderr, "mcmigctl: %s: %s\n", path, strerror(errno));
		return CTL_EXIT_FAILURE;
	}
	ret = timeline_print_svg(tl, f);
	if (f != stdout && fclose(f) != 0 && ret == 0)
		ret = -errno;
	if (ret < 0) {
		fprintf(stderr, "mcmigctl: %s: %s\n", path, strerror(-ret));
		return CTL_EXIT_FAILURE;
	}
	return CTL_EXIT_OK;
}

static int timeline_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },	  { "svg", required_argument, NULL, 'S' },
		{ "file", required_argument, NULL, 'f' }, { "session", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },	  { NULL, 0, NULL, 0 },
	};
	static struct timeline tl;
	char err[TIMELINE_ERR_MAX];
	const char *svg = NULL, *file = NULL;
	bool json = false, session = ctl_bus_session_default();
	char *text = NULL;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'S':
			svg = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 's':
			session = true;
			break;
		case 'h':
			printf("%s", usage);
			return CTL_EXIT_OK;
		default:
			fprintf(stderr, "%s", usage);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s", usage);
		return CTL_EXIT_USAGE;
	}
	ret = file ? from_file(file, &text) : from_daemon(session, &text);
	if (ret != CTL_EXIT_OK)
		return ret;
	if (!*text) {
		g_free(text);
		fprintf(stderr, "mcmigctl: no migration recorded yet\n");
		return CTL_EXIT_FAILURE;
	}
	if (timeline_parse(text, strlen(text), &tl, err, sizeof(err)) < 0) {
		fprintf(stderr, "mcmigctl: %s: %s\n", file ? file : "mcmigd", err);
		g_free(text);
		return CTL_EXIT_FAILURE;
	}
	g_free(text);
	if (svg && strcmp(svg, "-") == 0)
		return write_svg(&tl, svg);
	ret = json ? timeline_print_json(&tl, stdout) : timeline_print_text(&tl, stdout);
	if (ret < 0)
		return CTL_EXIT_FAILURE;
	return svg ? write_svg(&tl, svg) : CTL_EXIT_OK;
}

const struct ctl_command ctl_timeline_command = {
	.name = "timeline",
	.summary = "the last migration's steps and latencies (text, JSON, SVG)",
	.main = timeline_main,
};
