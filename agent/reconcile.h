/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * After a restart (issue 12): the journal a killed mcmigd left
 * (agent/journal.h) against what the modem and the kernel still have. What it
 * names is ended, in the reverse order of bring-up: the addresses and routes
 * the agent put on each partner PDN's netdev, then the modem's sessions and
 * client ids (modem_ops.release). Then the outcome the journal's intent asks
 * for, as the text migrate_restore() reads plus a named reason
 * ("interrupted: killed while registering; partner PDN released, back on the
 * primary"):
 *
 *   stable state (idle-on-primary, partner-config-stored, failed): kept;
 *   registered-at-partner, service-authorising or authorised (step 24 had
 *     succeeded), intent migrate: migrates again (stored config), and is
 *     authorised again when service authorisation is configured;
 *   intent return (returning, disconnecting, or a return asked for while
 *     migrating): back on the primary, a requested return never lost;
 *     failed when the way out followed a failure (its reason kept);
 *   anything in flight (partner-config-requested, pdn-connecting,
 *     user-authenticating, registering, challenged, or a state this daemon
 *     does not know):
 *     failed, back on the primary; the requester was told the daemon left
 *     (mcmigctl exits 3 on NameOwnerChanged) and asks again if it wants.
 *
 * reconcile_outcome() is the pure decision (golden tests); reconcile_run()
 * does the cleanup and calls it.
 */
#ifndef MCMIG_RECONCILE_H
#define MCMIG_RECONCILE_H

#include "journal.h"
#include "migrate.h"
#include "modem.h"
#include "netdev.h"

#define RECONCILE_RESTORE_MAX (MIGRATE_REASON_MAX + JOURNAL_STR_MAX + 128)

struct reconcile_result {
	char restore[RECONCILE_RESTORE_MAX]; /* for migrate_restore() */
	char reason[MIGRATE_REASON_MAX];     /* for migrate_set_interrupted() */
};

/*
 * The outcome of journal @j once its handles were dealt with: @cleanup_err
 * NULL when all was ended, else what could not be (named in the reason).
 */
void reconcile_outcome(const struct journal *j, const char *cleanup_err,
		       struct reconcile_result *r);

struct reconcile_env {
	const struct modem_ops *modem;
	struct modem *modem_dev;
	/* Ours now (the new process's own clients): never released, even if named. */
	const struct modem_handles *own;
	const struct netdev_ops *netdev;
	void (*log)(void *ctx, const char *line);
	void (*done)(void *ctx, const struct reconcile_result *r);
	void *ctx;
};

struct reconcile;

/*
 * Starts the cleanup of @j; env->done is called once (inside this call when
 * nothing waits for the modem). reconcile_free() cancels it (no callback).
 */
int reconcile_run(struct reconcile **rc, const struct reconcile_env *env, const struct journal *j);
void reconcile_free(struct reconcile *rc);

#endif
