// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * migrate.c's transition function itself, which no trigger reaches with a
 * transition the table forbids (that would be a bug in an action): built
 * with migrate.c included, so that set_state() and an action can be called
 * from a state they were not written for. A refused transition returns
 * -EPERM, is logged, changes nothing (state, timer, persisted state, D-Bus),
 * and the action that asked for it stops.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "migrate.c"

static char trace[2048];

static void tr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void tr(const char *fmt, ...)
{
	size_t n = strlen(trace);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(trace + n, sizeof(trace) - n, fmt, ap);
	va_end(ap);
	strncat(trace, "\n", sizeof(trace) - strlen(trace) - 1);
}

static time_t f_now(void *ctx)
{
	return 1764000000;
}

static unsigned int f_timer_add(void *ctx, unsigned int ms, migrate_timer_fn fn, void *data)
{
	tr("timer_add %u", ms);
	return 1;
}

static void f_timer_del(void *ctx, unsigned int id)
{
	tr("timer_del %u", id);
}

static void f_log(void *ctx, const char *line)
{
	tr("%s", line);
}

static void f_changed(void *ctx, enum migrate_state old, enum migrate_state new_state,
		      enum migrate_event ev)
{
	tr("changed %s -> %s", migrate_state_str(old), migrate_state_str(new_state));
}

static int f_persist(void *ctx, const char *text)
{
	tr("persist");
	return 0;
}

static int f_sip_stop(struct sipreg *reg)
{
	tr("sip.stop");
	return 0;
}

static const struct migrate_store_ops store_ops = { .persist = f_persist };
static const struct migrate_sip_ops sip_ops = { .stop = f_sip_stop };
static const struct migrate_cmc_ops cmc_ops;
static const struct modem_ops modem_ops;
static const struct netdev_ops netdev_ops;
static int card_obj; /* handed to sipreg only */

static struct migrate *new_fsm(void)
{
	static const struct migrate_config cfg = { .mc_service_id = "sip:alice@example" };
	const struct migrate_env env = {
		.now = f_now,
		.timer_add = f_timer_add,
		.timer_del = f_timer_del,
		.log = f_log,
		.changed = f_changed,
		.cmc = &cmc_ops,
		.store = &store_ops,
		.modem = &modem_ops,
		.netdev = &netdev_ops,
		.sip = &sip_ops,
		.card = (struct card *)&card_obj,
	};
	struct migrate *m;

	assert_int_equal(migrate_new(&m, &env, &cfg), 0);
	trace[0] = '\0';
	return m;
}

static void test_illegal_transition_refused(void **state)
{
	struct migrate *m = new_fsm();

	assert_int_equal(set_state(m, MIGRATE_REGISTERED, MIGRATE_EV_REGISTERED), -EPERM);
	assert_int_equal(migrate_get_state(m), MIGRATE_IDLE);
	/* Logged; no timer, no persisted state, no D-Bus change. */
	assert_string_equal(trace,
			    "BUG: idle-on-primary -> registered-at-partner (registered) not in the "
			    "table\n");
	migrate_free(m);
}

static void test_legal_transition_taken(void **state)
{
	struct migrate *m = new_fsm();

	assert_int_equal(set_state(m, MIGRATE_CONFIG_REQUESTED, MIGRATE_EV_MIGRATE), 0);
	assert_int_equal(migrate_get_state(m), MIGRATE_CONFIG_REQUESTED);
	assert_string_equal(trace, "idle-on-primary -> partner-config-requested (migrate)\n"
				   "timer_add 120000\n"
				   "timer T-cmc armed: 120000 ms\n"
				   "changed idle-on-primary -> partner-config-requested\n");
	m->timer_id = 0;
	migrate_free(m);
}

/* The caller stops: a return from idle (no registration) must not reach sipreg. */
static void test_caller_stops(void **state)
{
	struct migrate *m = new_fsm();

	start_return(m);
	assert_int_equal(migrate_get_state(m), MIGRATE_IDLE);
	assert_string_equal(trace, "BUG: idle-on-primary -> returning (return) not in the table\n");
	migrate_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_illegal_transition_refused),
		cmocka_unit_test(test_legal_transition_taken),
		cmocka_unit_test(test_caller_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
