// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The restart reconciliation (reconcile.h). The decision is a pure function
 * of the journal; the cleanup is one modem call after the netdev's, so the
 * only state here is the pending call.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reconcile.h"

struct reconcile {
	struct reconcile_env env;
	struct journal j;
	char err[MODEM_REASON_MAX + 64];
	struct release_call *call;
	/* One release per holder, in turn: the daemon's own clients, then each PDN's. */
	struct modem_handles queue[JOURNAL_PDN_MAX + 1];
	size_t n_queue, next;
};

/* Outlives the reconcile when it is freed while the modem still works. */
struct release_call {
	struct reconcile *rc;
};

static void logf_(struct reconcile *rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct reconcile *rc, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!rc->env.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	rc->env.log(rc->env.ctx, line);
}

static bool is(const struct journal *j, enum migrate_state s)
{
	return strcmp(j->state, migrate_state_str(s)) == 0;
}

static bool partner_was_up(const struct journal *j)
{
	size_t i;

	for (i = 0; i < j->n_pdn; i++)
		if (j->pdn[i].h.n_client || j->pdn[i].h.n_qmi_handle ||
		    j->pdn[i].h.has_mbim_session || j->pdn[i].h.mm_bearer[0] ||
		    j->pdn[i].h.link[0] || j->pdn[i].h.pending_apn[0] || j->pdn[i].netdev)
			return true;
	return false;
}

/* Step 24 had succeeded: registered at the partner, authorised or being authorised (step 25). */
static bool registered(const struct journal *j)
{
	return is(j, MIGRATE_REGISTERED) || is(j, MIGRATE_SERVICE_AUTH) ||
	       is(j, MIGRATE_AUTHORISED);
}

/* A reason cut to its buffer (a long partner reason): one line still, never an overflow. */
static void say(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

void reconcile_outcome(const struct journal *j, const char *cleanup_err, struct reconcile_result *r)
{
	const char *st = j->state[0] ? j->state : "an unnamed state";
	const char *to = migrate_state_str(MIGRATE_FAILED), *reason = "", *trigger = "";
	char what[160], cause[MIGRATE_REASON_MAX];

	if (cleanup_err)
		say(what, sizeof(what), "partner PDN not all released (%s)", cleanup_err);
	else
		say(what, sizeof(what), "%s",
		    partner_was_up(j) ? "partner PDN released" : "no partner PDN was up");
	cause[0] = '\0';
	if (is(j, MIGRATE_IDLE) || is(j, MIGRATE_CONFIG_STORED) || is(j, MIGRATE_FAILED)) {
		/* Stable: nothing was in flight; the state comes back as it was. */
		to = j->state;
		reason = j->reason;
		say(r->reason, sizeof(r->reason), "interrupted: killed while %s; %s", st, what);
	} else if (j->intent == JOURNAL_INTENT_RETURN) {
		/*
		 * A requested return is never lost. A way out after a failure (a
		 * refused service authorisation leaves through returning, a
		 * failed registration through disconnecting) stays failed.
		 */
		if ((is(j, MIGRATE_RETURNING) || is(j, MIGRATE_DISCONNECTING)) && j->reason[0]) {
			say(cause, sizeof(cause), " (%s)", j->reason);
			to = migrate_state_str(MIGRATE_FAILED);
		} else {
			to = migrate_state_str(MIGRATE_IDLE);
		}
		say(r->reason, sizeof(r->reason),
		    "interrupted: killed while %s%s%s; %s, back on the primary", st,
		    is(j, MIGRATE_RETURNING) || is(j, MIGRATE_DISCONNECTING) ? "" :
									       ", return requested",
		    cause, what);
	} else if (registered(j) && j->intent == JOURNAL_INTENT_MIGRATE) {
		/*
		 * NOTE 4: migrated (the registration of step 24 had succeeded),
		 * so migrated again with the stored configuration; authorised
		 * again too (step 25), as part of the migration. A kill in
		 * service-authorising restores the state it had reached.
		 */
		to = is(j, MIGRATE_AUTHORISED) ? j->state : migrate_state_str(MIGRATE_REGISTERED);
		trigger = j->trigger;
		say(r->reason, sizeof(r->reason),
		    "interrupted: killed while %s; %s, migrating again", st, what);
	} else {
		say(r->reason, sizeof(r->reason),
		    "interrupted: killed while %s; %s, back on the primary", st, what);
	}
	if (strcmp(to, migrate_state_str(MIGRATE_FAILED)) == 0 && !reason[0])
		reason = r->reason;
	say(r->restore, sizeof(r->restore), "state=%s\npartner=%s\nreason=%s\n%s%s%s", to,
	    j->partner, reason, trigger[0] ? "trigger=" : "", trigger, trigger[0] ? "\n" : "");
}

static void finish(struct reconcile *rc)
{
	struct reconcile_result r;

	reconcile_outcome(&rc->j, rc->err[0] ? rc->err : NULL, &r);
	logf_(rc, "%s", r.reason);
	rc->env.done(rc->env.ctx, &r);
}

static void release_next(struct reconcile *rc);

static void released(int err, const char *reason, void *user_data)
{
	struct release_call *call = user_data;
	struct reconcile *rc = call->rc;

	free(call);
	if (!rc || err == -ECANCELED)
		return;
	rc->call = NULL;
	if (err < 0 && !rc->err[0]) {
		snprintf(rc->err, sizeof(rc->err), "modem: %s", reason ? reason : strerror(-err));
		logf_(rc, "releasing what the killed process left in the modem: %s", rc->err);
	}
	release_next(rc);
}

static void release_next(struct reconcile *rc)
{
	const struct modem_handles *h;

	if (rc->next == rc->n_queue)
		return finish(rc);
	h = &rc->queue[rc->next++];
	rc->call = calloc(1, sizeof(*rc->call));
	if (!rc->call) {
		snprintf(rc->err, sizeof(rc->err), "out of memory");
		return finish(rc);
	}
	rc->call->rc = rc;
	logf_(rc, "releasing %zu client id(s)%s%s%s%s%s%s left in the modem", h->n_client,
	      h->has_mbim_session ? ", an MBIM session" : "", h->mm_bearer[0] ? ", a bearer" : "",
	      h->link[0] ? ", mux link " : "", h->link,
	      h->pending_apn[0] && !h->mm_bearer[0] ? ", any idle bearer on APN " : "",
	      h->pending_apn[0] && !h->mm_bearer[0] ? h->pending_apn : "");
	rc->env.modem->release(rc->env.modem_dev, h, released, rc->call);
}

static bool own(const struct modem_handles *h, const struct modem_client *c)
{
	size_t i;

	for (i = 0; h && i < h->n_client; i++)
		if (h->client[i].service == c->service && h->client[i].cid == c->cid)
			return true;
	return false;
}

/* Queues @from's handles, without the client ids that are ours now. */
static void queue(struct reconcile *rc, const struct modem_handles *from)
{
	struct modem_handles *to = &rc->queue[rc->n_queue];
	size_t i;

	*to = *from;
	to->n_client = 0;
	for (i = 0; i < from->n_client; i++) {
		if (own(rc->env.own, &from->client[i])) {
			logf_(rc, "client 0x%02x:%u is ours now: kept", from->client[i].service,
			      from->client[i].cid);
			continue;
		}
		to->client[to->n_client++] = from->client[i];
	}
	if (to->n_client || to->has_mbim_session || to->mm_bearer[0] || to->link[0] ||
	    to->pending_apn[0])
		rc->n_queue++;
}

int reconcile_run(struct reconcile **out, const struct reconcile_env *env, const struct journal *j)
{
	struct reconcile *rc;
	size_t i;
	int ret;

	*out = NULL;
	rc = calloc(1, sizeof(*rc));
	if (!rc)
		return -ENOMEM;
	rc->env = *env;
	rc->j = *j;
	*out = rc;
	logf_(rc, "journal of the last run: %s, intent %s, %zu partner PDN(s)%s",
	      j->state[0] ? j->state : "(no state)", journal_intent_str(j->intent), j->n_pdn,
	      j->reg.active ? ", a registration" : "");
	/* Reverse order of bring-up: the netdev first, then the modem's sessions. */
	for (i = 0; i < j->n_pdn; i++) {
		const struct journal_pdn *p = &j->pdn[i];

		if (!p->netdev)
			continue;
		ret = env->netdev->deconfigure(&p->net);
		logf_(rc, "netdev %s: addresses and routes of PDN %u removed%s%s", p->net.ifname,
		      p->id, ret < 0 ? ": " : "", ret < 0 ? strerror(-ret) : "");
		if (ret < 0 && !rc->err[0])
			snprintf(rc->err, sizeof(rc->err), "netdev %s: %s", p->net.ifname,
				 strerror(-ret));
	}
	/* SIP: the binding goes with the PDN's address; the S-CSCF expires it (RFC 3261 10.2.1). */
	if (j->reg.active)
		logf_(rc, "registration Call-ID %s at %s left to expire (%u s)",
		      j->reg.call_id[0] ? j->reg.call_id : "?",
		      j->reg.pcscf[0] ? j->reg.pcscf : "?", j->reg.expires);
	queue(rc, &j->modem);
	for (i = 0; i < j->n_pdn; i++)
		queue(rc, &j->pdn[i].h);
	if (rc->n_queue && !env->modem->release) {
		snprintf(rc->err, sizeof(rc->err), "the %s backend cannot release",
			 env->modem->name);
		rc->n_queue = 0;
	}
	release_next(rc);
	return 0;
}

void reconcile_free(struct reconcile *rc)
{
	if (!rc)
		return;
	if (rc->call)
		rc->call->rc = NULL;
	free(rc);
}
