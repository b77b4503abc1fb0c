/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The third migration trigger: "primary unreachable". The primary's PDN is
 * not the agent's (make-before-break: whoever brought it up owns it), so the
 * agent watches it from the outside, event-driven, with no polling:
 *
 *  - the serving network (modem indications): the primary is offered while
 *    the modem is registered on one of the primary's PLMNs; registration
 *    lost, denied, or on any other PLMN means it is not;
 *  - the primary PDN's netdev (rtnetlink link events, hal/linkwatch.h): the
 *    PDN is there while the link is administratively up with carrier.
 *
 * Either input may be left out of the configuration. The primary is up when
 * every watched input is known and up, down as soon as one is down. A small
 * table-driven machine debounces that with two named timers: T-grace (down
 * this long before the migration is triggered) and T-back (up again this
 * long before the return). What to do then is the caller's (mcmigd asks
 * migrate.c, which needs a valid stored partner configuration: NOTE 4).
 */
#ifndef MCMIG_PRIMARY_H
#define MCMIG_PRIMARY_H

#include <stdbool.h>

#include "modem.h"

#define PRIMARY_PLMN_MAX 8
#define PRIMARY_WHY_MAX	 128

enum primary_state {
	PRIMARY_UNKNOWN,     /* not every watched input reported yet */
	PRIMARY_REACHABLE,   /* up */
	PRIMARY_LOST,	     /* down, T-grace running */
	PRIMARY_UNREACHABLE, /* down past T-grace: the trigger fired */
	PRIMARY_BACK,	     /* up again after unreachable, T-back running */
	PRIMARY_STATE_COUNT,
};

enum primary_event {
	PRIMARY_EV_UP,
	PRIMARY_EV_DOWN,
	PRIMARY_EV_TIMEOUT,
	PRIMARY_EVENT_COUNT,
};

enum primary_timer {
	PRIMARY_T_NONE,
	PRIMARY_T_GRACE,
	PRIMARY_T_BACK,
	PRIMARY_TIMER_COUNT,
};

struct primary_config {
	/* The primary's PLMNs (home and equivalent); none = serving not watched. */
	struct {
		char mcc[4];
		char mnc[4];
	} plmn[PRIMARY_PLMN_MAX];
	size_t n_plmn;
	char netdev[MODEM_IFNAME_MAX]; /* "" = no netdev watched */
	unsigned int grace_ms;	       /* 0 = the built-in default */
	unsigned int back_ms;
};

typedef void (*primary_timer_fn)(void *data);

struct primary_env {
	unsigned int (*timer_add)(void *ctx, unsigned int ms, primary_timer_fn fn, void *data);
	void (*timer_del)(void *ctx, unsigned int id);
	void (*log)(void *ctx, const char *line);
	/* T-grace expired (again after a relapse in T-back): migrate. */
	void (*unreachable)(void *ctx, const char *why);
	/* Up for T-back after unreachable, or up at once at start: return. */
	void (*reachable)(void *ctx);
	void *ctx;
};

struct primary;

/* -EINVAL when nothing is watched (no PLMN and no netdev). */
int primary_new(struct primary **p, const struct primary_env *env,
		const struct primary_config *cfg);
void primary_free(struct primary *p);

/* Inputs. The netdev one: link up with carrier, or why not ("wwan0 no carrier"). */
void primary_serving(struct primary *p, const struct modem_serving *s);
void primary_link(struct primary *p, bool up, const char *why);

enum primary_state primary_get_state(const struct primary *p);
const char *primary_state_str(enum primary_state s);
const char *primary_event_str(enum primary_event e);
const char *primary_timer_str(enum primary_timer t);

#endif
