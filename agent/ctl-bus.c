// SPDX-License-Identifier: GPL-2.0-or-later
/* mcmigctl's bus connection and its failures in words (ctl-bus.h). */
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "ctl-bus.h"

bool ctl_bus_session_default(void)
{
	return g_strcmp0(g_getenv("MCMIG_BUS"), "session") == 0;
}

/* GLib's message without its "Could not connect: " (the cause is what counts). */
static const char *cause(const GError *err)
{
	const char *prefix = "Could not connect: ";

	if (g_str_has_prefix(err->message, prefix))
		return err->message + strlen(prefix);
	return err->message;
}

GDBusConnection *ctl_bus_connect(bool session, char **msg)
{
	GBusType type = session ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM;
	GDBusConnection *bus;
	GError *err = NULL;
	char *addr;

	/* The address first: the message names it, and an unset session
	 * address is a problem of its own. */
	addr = g_dbus_address_get_for_bus_sync(type, NULL, &err);
	if (!addr) {
		*msg = g_strdup_printf("no session D-Bus address (%s)\n"
				       "  set DBUS_SESSION_BUS_ADDRESS to the bus mcmigd is on, "
				       "or leave --session and MCMIG_BUS out for the system bus",
				       err->message);
		g_error_free(err);
		return NULL;
	}
	bus = g_dbus_connection_new_for_address_sync(
		addr,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &err);
	if (!bus) {
		if (session)
			*msg = g_strdup_printf(
				"cannot connect to the session D-Bus at %s: %s\n"
				"  start that bus (DBUS_SESSION_BUS_ADDRESS), or leave --session "
				"and MCMIG_BUS out for the system bus",
				addr, cause(err));
		else
			*msg = g_strdup_printf("cannot connect to the system D-Bus at %s: %s\n"
					       "  is dbus running? start it: systemctl start dbus",
					       addr, cause(err));
		g_error_free(err);
	}
	g_free(addr);
	return bus;
}

static const char *user_name(void)
{
	struct passwd *pw = getpwuid(geteuid());

	return pw ? pw->pw_name : "this user";
}

char *ctl_bus_explain(const GError *err, const char *what, bool session)
{
	gchar *remote = g_dbus_error_get_remote_error(err);
	GError *copy = g_error_copy(err);
	char *msg;

	g_dbus_error_strip_remote_error(copy);
	if (remote && (strcmp(remote, "org.freedesktop.DBus.Error.ServiceUnknown") == 0 ||
		       strcmp(remote, "org.freedesktop.DBus.Error.NameHasNoOwner") == 0)) {
		msg = g_strdup_printf(
			"mcmigd is not running: nobody owns " CTL_AGENT_NAME " on the %s bus\n"
			"  %s",
			session ? "session" : "system",
			session ? "start mcmigd with [agent] bus=session on that bus" :
				  "start it: systemctl start mcmigd (why it stopped: journalctl -u "
				  "mcmigd)");
	} else if (remote && strcmp(remote, "org.freedesktop.DBus.Error.AccessDenied") == 0) {
		msg = g_strdup_printf(
			"the D-Bus policy does not let %s (uid %u) %s mcmigd: %s\n"
			"  run it as root: the policy (share/dbus-1/system.d/" CTL_AGENT_NAME
			".conf) lets only root call mcmigd",
			user_name(), (unsigned int)geteuid(), what, copy->message);
	} else if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
		   g_error_matches(err, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
		   g_error_matches(err, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT)) {
		msg = g_strdup_printf("mcmigd did not answer (%s)\n"
				      "  is it stuck? see: systemctl status mcmigd",
				      copy->message);
	} else if (remote && strcmp(remote, "org.mcmig.Agent1.Error.NotReady") == 0) {
		msg = g_strdup_printf("mcmigd is not ready: %s", copy->message);
	} else {
		msg = g_strdup(copy->message);
	}
	g_error_free(copy);
	g_free(remote);
	return msg;
}
