/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcmigctl's way to mcmigd (org.mcmig.Agent1): the bus connection, and
 * failures told as what is missing (the bus, the daemon, a permission) and
 * what to do, instead of GLib's bare "Could not connect: ...".
 */
#ifndef MCMIG_CTL_BUS_H
#define MCMIG_CTL_BUS_H

#include <stdbool.h>

#include <gio/gio.h>

#define CTL_AGENT_NAME	"org.mcmig.Agent1"
#define CTL_AGENT_PATH	"/org/mcmig/Agent1"
#define CTL_AGENT_IFACE "org.mcmig.Agent1"

/* Whether mcmigd is looked for on the session bus: --session or MCMIG_BUS=session. */
bool ctl_bus_session_default(void);

/*
 * The system bus, or the session bus with @session. NULL if it cannot be
 * reached, with *@msg (g_free) saying which address was tried and what to do.
 */
GDBusConnection *ctl_bus_connect(bool session, char **msg);

/*
 * What a failed call to mcmigd (@what, e.g. "call Migrate on") means for a
 * person: mcmigd not running, the bus policy refusing, no answer, or the
 * daemon's own error text. g_free the result.
 */
char *ctl_bus_explain(const GError *err, const char *what, bool session);

#endif
