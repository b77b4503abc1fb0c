// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Primary reachability (the "primary unreachable" trigger). The inputs are
 * folded into one level (unknown, down, up); only a change of level becomes
 * an event, so a repeated indication never restarts T-grace.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "primary.h"
#include "util.h"

#define BIT(n) (1u << (n))
#define S(x)   BIT(PRIMARY_##x)
#define E(x)   BIT(PRIMARY_EV_##x)

static const unsigned int default_timeout_ms[PRIMARY_TIMER_COUNT] = {
	/* Rides out a cell reselection or a PDN re-establishment before migrating. */
	[PRIMARY_T_GRACE] = 15000,
	/* The primary must hold before the partner registration is given up. */
	[PRIMARY_T_BACK] = 30000,
};

struct state_desc {
	const char *name;
	uint32_t in_events;
	uint32_t out_states;
	enum primary_timer timer;
};

static const struct state_desc states[PRIMARY_STATE_COUNT] = {
	[PRIMARY_UNKNOWN] = {
		.name = "unknown",
		.in_events = E(UP) | E(DOWN),
		.out_states = S(REACHABLE) | S(LOST),
	},
	[PRIMARY_REACHABLE] = {
		.name = "reachable",
		.in_events = E(DOWN),
		.out_states = S(LOST),
	},
	[PRIMARY_LOST] = {
		.name = "lost",
		.in_events = E(UP) | E(TIMEOUT),
		.out_states = S(REACHABLE) | S(UNREACHABLE),
		.timer = PRIMARY_T_GRACE,
	},
	[PRIMARY_UNREACHABLE] = {
		.name = "unreachable",
		.in_events = E(UP),
		.out_states = S(BACK),
	},
	[PRIMARY_BACK] = {
		.name = "back",
		.in_events = E(DOWN) | E(TIMEOUT),
		.out_states = S(UNREACHABLE) | S(REACHABLE),
		.timer = PRIMARY_T_BACK,
	},
};

static const char *const event_names[PRIMARY_EVENT_COUNT] = {
	[PRIMARY_EV_UP] = "up",
	[PRIMARY_EV_DOWN] = "down",
	[PRIMARY_EV_TIMEOUT] = "timeout",
};

static const char *const timer_names[PRIMARY_TIMER_COUNT] = {
	[PRIMARY_T_NONE] = "none",
	[PRIMARY_T_GRACE] = "T-grace",
	[PRIMARY_T_BACK] = "T-back",
};

enum level { LEVEL_UNKNOWN, LEVEL_DOWN, LEVEL_UP };

struct input {
	bool watched;
	enum level level;
	char why[PRIMARY_WHY_MAX];
};

struct primary {
	struct primary_env env;
	struct primary_config cfg;
	enum primary_state state;
	unsigned int timer_id;
	struct input serving, link;
	enum level level;
	char why[PRIMARY_WHY_MAX]; /* why it is down */
};

static void logf_(struct primary *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct primary *p, const char *fmt, ...)
{
	char line[384];
	va_list ap;

	if (!p->env.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	p->env.log(p->env.ctx, line);
}

const char *primary_state_str(enum primary_state s)
{
	return (size_t)s < PRIMARY_STATE_COUNT ? states[s].name : "?";
}

const char *primary_event_str(enum primary_event e)
{
	return (size_t)e < PRIMARY_EVENT_COUNT ? event_names[e] : "?";
}

const char *primary_timer_str(enum primary_timer t)
{
	return (size_t)t < PRIMARY_TIMER_COUNT ? timer_names[t] : "?";
}

static void timer_fired(void *data);

static void set_state(struct primary *p, enum primary_state next, enum primary_event ev)
{
	enum primary_state old = p->state;
	enum primary_timer t;

	if (!(states[old].out_states & BIT(next))) {
		/* A bug in this file, not an input problem: say so loudly, stay. */
		logf_(p, "BUG: primary %s -> %s (%s) not in the table", states[old].name,
		      states[next].name, event_names[ev]);
		return;
	}
	if (p->timer_id) {
		p->env.timer_del(p->env.ctx, p->timer_id);
		p->timer_id = 0;
	}
	p->state = next;
	if (ev == PRIMARY_EV_DOWN || next == PRIMARY_UNREACHABLE)
		logf_(p, "primary %s -> %s (%s): %s", states[old].name, states[next].name,
		      event_names[ev], p->why);
	else
		logf_(p, "primary %s -> %s (%s)", states[old].name, states[next].name,
		      event_names[ev]);
	t = states[next].timer;
	if (t != PRIMARY_T_NONE) {
		unsigned int ms = p->cfg.grace_ms;

		if (t == PRIMARY_T_BACK)
			ms = p->cfg.back_ms;
		if (!ms)
			ms = default_timeout_ms[t];
		p->timer_id = p->env.timer_add(p->env.ctx, ms, timer_fired, p);
		logf_(p, "timer %s armed: %u ms", timer_names[t], ms);
	}
}

static void dispatch(struct primary *p, enum primary_event ev)
{
	enum primary_state s = p->state;

	if (!(states[s].in_events & BIT(ev))) {
		logf_(p, "primary: rejected event %s in state %s", event_names[ev], states[s].name);
		return;
	}
	switch (s) {
	case PRIMARY_UNKNOWN:
		set_state(p, ev == PRIMARY_EV_UP ? PRIMARY_REACHABLE : PRIMARY_LOST, ev);
		/* Reachable at start: a migration restored from before a restart may return. */
		if (ev == PRIMARY_EV_UP)
			p->env.reachable(p->env.ctx);
		break;
	case PRIMARY_REACHABLE:
		set_state(p, PRIMARY_LOST, ev);
		break;
	case PRIMARY_LOST:
		if (ev == PRIMARY_EV_UP) {
			set_state(p, PRIMARY_REACHABLE, ev);
			break;
		}
		set_state(p, PRIMARY_UNREACHABLE, ev);
		p->env.unreachable(p->env.ctx, p->why);
		break;
	case PRIMARY_UNREACHABLE:
		set_state(p, PRIMARY_BACK, ev);
		break;
	case PRIMARY_BACK:
		if (ev == PRIMARY_EV_DOWN) {
			/* A relapse within T-back: no second grace, it was just unreachable. */
			set_state(p, PRIMARY_UNREACHABLE, ev);
			p->env.unreachable(p->env.ctx, p->why);
			break;
		}
		set_state(p, PRIMARY_REACHABLE, ev);
		p->env.reachable(p->env.ctx);
		break;
	case PRIMARY_STATE_COUNT:
		break;
	}
}

static void timer_fired(void *data)
{
	struct primary *p = data;

	p->timer_id = 0;
	logf_(p, "timer %s expired in %s", timer_names[states[p->state].timer],
	      states[p->state].name);
	dispatch(p, PRIMARY_EV_TIMEOUT);
}

/* Folds the watched inputs: down wins, up needs every watched input known. */
static void evaluate(struct primary *p)
{
	const struct input *in[] = { &p->serving, &p->link };
	enum level level = LEVEL_UP;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(in); i++) {
		if (!in[i]->watched)
			continue;
		if (in[i]->level == LEVEL_DOWN) {
			level = LEVEL_DOWN;
			snprintf(p->why, sizeof(p->why), "%s", in[i]->why);
			break;
		}
		if (in[i]->level == LEVEL_UNKNOWN)
			level = LEVEL_UNKNOWN;
	}
	if (level == p->level || level == LEVEL_UNKNOWN)
		return;
	p->level = level;
	if (level == LEVEL_UP)
		p->why[0] = '\0';
	dispatch(p, level == LEVEL_UP ? PRIMARY_EV_UP : PRIMARY_EV_DOWN);
}

static bool primary_plmn(const struct primary *p, const struct modem_serving *s)
{
	size_t i;

	for (i = 0; i < p->cfg.n_plmn; i++)
		if (!strcmp(p->cfg.plmn[i].mcc, s->mcc) && !strcmp(p->cfg.plmn[i].mnc, s->mnc))
			return true;
	return false;
}

void primary_serving(struct primary *p, const struct modem_serving *s)
{
	struct input *in = &p->serving;

	if (!in->watched)
		return;
	switch (s->reg) {
	case MODEM_REG_UNKNOWN:
		return; /* says nothing either way */
	case MODEM_REG_HOME:
	case MODEM_REG_ROAMING:
		if (primary_plmn(p, s)) {
			in->level = LEVEL_UP;
			break;
		}
		in->level = LEVEL_DOWN;
		snprintf(in->why, sizeof(in->why), "serving network %s-%s is not the primary's",
			 s->mcc, s->mnc);
		break;
	case MODEM_REG_NOT_REGISTERED:
		in->level = LEVEL_DOWN;
		snprintf(in->why, sizeof(in->why), "not registered to any network");
		break;
	case MODEM_REG_SEARCHING:
		in->level = LEVEL_DOWN;
		snprintf(in->why, sizeof(in->why), "registration lost, searching");
		break;
	case MODEM_REG_DENIED:
		/* TS 24.301 5.5.1.2.5: e.g. PLMN not allowed; the cell may still broadcast it. */
		in->level = LEVEL_DOWN;
		snprintf(in->why, sizeof(in->why), "registration denied%s%s%s%s",
			 s->mcc[0] ? " on " : "", s->mcc, s->mcc[0] ? "-" : "", s->mnc);
		break;
	}
	evaluate(p);
}

void primary_link(struct primary *p, bool up, const char *why)
{
	struct input *in = &p->link;

	if (!in->watched)
		return;
	in->level = up ? LEVEL_UP : LEVEL_DOWN;
	snprintf(in->why, sizeof(in->why), "primary PDN %s: %s", p->cfg.netdev,
		 why && *why ? why : "down");
	evaluate(p);
}

int primary_new(struct primary **out, const struct primary_env *env,
		const struct primary_config *cfg)
{
	struct primary *p;

	*out = NULL;
	if (!env->timer_add || !env->timer_del || !env->unreachable || !env->reachable)
		return -EINVAL;
	if (!cfg->n_plmn && !cfg->netdev[0])
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->env = *env;
	p->cfg = *cfg;
	p->state = PRIMARY_UNKNOWN;
	p->serving.watched = cfg->n_plmn > 0;
	p->link.watched = cfg->netdev[0] != '\0';
	*out = p;
	return 0;
}

void primary_free(struct primary *p)
{
	if (!p)
		return;
	if (p->timer_id)
		p->env.timer_del(p->env.ctx, p->timer_id);
	free(p);
}

enum primary_state primary_get_state(const struct primary *p)
{
	return p->state;
}
