// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Golden traces of the primary reachability machine (the "primary
 * unreachable" trigger): every transition, both timers, both inputs, the
 * inputs that must not change anything, and the table's rejections.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "primary.h"
#include "util.h"

static char trace[8192];

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

static void check_trace(const char *expected)
{
	if (strcmp(trace, expected) != 0) {
		fprintf(stderr, "---- actual trace ----\n%s---- expected ----\n%s", trace,
			expected);
		fail();
	}
	trace[0] = '\0';
}

/* ---- fake clock ---- */

static unsigned long now_ms;
static struct {
	unsigned int id;
	unsigned long due;
	primary_timer_fn fn;
	void *data;
} timers[4];
static unsigned int next_id;

static unsigned int fake_timer_add(void *ctx, unsigned int ms, primary_timer_fn fn, void *data)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(timers); i++) {
		if (!timers[i].id) {
			timers[i].id = ++next_id;
			timers[i].due = now_ms + ms;
			timers[i].fn = fn;
			timers[i].data = data;
			return timers[i].id;
		}
	}
	fail_msg("out of fake timers");
	return 0;
}

static void fake_timer_del(void *ctx, unsigned int id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(timers); i++)
		if (timers[i].id == id)
			timers[i].id = 0;
}

static void advance(unsigned long ms)
{
	unsigned long end = now_ms + ms;
	size_t i;

	for (;;) {
		size_t first = ARRAY_SIZE(timers);
		primary_timer_fn fn;

		for (i = 0; i < ARRAY_SIZE(timers); i++)
			if (timers[i].id && timers[i].due <= end &&
			    (first == ARRAY_SIZE(timers) || timers[i].due < timers[first].due))
				first = i;
		if (first == ARRAY_SIZE(timers))
			break;
		timers[first].id = 0;
		now_ms = timers[first].due;
		fn = timers[first].fn;
		fn(timers[first].data);
	}
	now_ms = end;
}

static size_t armed(void)
{
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(timers); i++)
		n += timers[i].id != 0;
	return n;
}

static void fake_log(void *ctx, const char *line)
{
	tr("%s", line);
}

static void fake_unreachable(void *ctx, const char *why)
{
	tr("=> unreachable: %s", why);
}

static void fake_reachable(void *ctx)
{
	tr("=> reachable");
}

/* ---- fixture ---- */

static struct primary *pr;
static struct primary_config pcfg;

static const struct modem_serving home = { .reg = MODEM_REG_HOME, .mcc = "001", .mnc = "01" };
static const struct modem_serving ehplmn = { .reg = MODEM_REG_ROAMING, .mcc = "001", .mnc = "02" };
static const struct modem_serving partner = { .reg = MODEM_REG_ROAMING, .mcc = "999", .mnc = "99" };
static const struct modem_serving denied = { .reg = MODEM_REG_DENIED, .mcc = "001", .mnc = "01" };
static const struct modem_serving searching = { .reg = MODEM_REG_SEARCHING };
static const struct modem_serving unknown = { .reg = MODEM_REG_UNKNOWN };

static int make(bool plmn, bool netdev)
{
	struct primary_env env = {
		.timer_add = fake_timer_add,
		.timer_del = fake_timer_del,
		.log = fake_log,
		.unreachable = fake_unreachable,
		.reachable = fake_reachable,
	};

	memset(&pcfg, 0, sizeof(pcfg));
	if (plmn) {
		strcpy(pcfg.plmn[0].mcc, "001");
		strcpy(pcfg.plmn[0].mnc, "01");
		strcpy(pcfg.plmn[1].mcc, "001");
		strcpy(pcfg.plmn[1].mnc, "02");
		pcfg.n_plmn = 2;
	}
	if (netdev)
		strcpy(pcfg.netdev, "wwan0");
	pcfg.grace_ms = 5000;
	return primary_new(&pr, &env, &pcfg);
}

static int setup(void **state)
{
	trace[0] = '\0';
	now_ms = 0;
	next_id = 0;
	memset(timers, 0, sizeof(timers));
	assert_int_equal(make(true, true), 0);
	return 0;
}

static int teardown(void **state)
{
	primary_free(pr);
	pr = NULL;
	assert_int_equal(armed(), 0);
	return 0;
}

/* Both inputs known and up: reachable, no timer. */
static void to_reachable(void)
{
	primary_serving(pr, &home);
	assert_int_equal(primary_get_state(pr), PRIMARY_UNKNOWN);
	primary_link(pr, true, "");
	check_trace("primary unknown -> reachable (up)\n=> reachable\n");
	assert_int_equal(armed(), 0);
}

static void test_new_needs_something_to_watch(void **state)
{
	struct primary *p2 = pr;

	assert_int_equal(make(false, false), -EINVAL);
	assert_null(pr);
	pr = p2;
}

static void test_pdn_drop_comes_back_within_grace(void **state)
{
	to_reachable();
	primary_link(pr, false, "no carrier");
	advance(4999);
	primary_link(pr, true, "");
	advance(60000);
	check_trace("primary reachable -> lost (down): primary PDN wwan0: no carrier\n"
		    "timer T-grace armed: 5000 ms\n"
		    "primary lost -> reachable (up)\n");
	assert_int_equal(primary_get_state(pr), PRIMARY_REACHABLE);
}

static void test_pdn_drop_then_migrate_then_return(void **state)
{
	to_reachable();
	primary_link(pr, false, "no carrier");
	/* Repeated indications do not restart T-grace. */
	advance(3000);
	primary_link(pr, false, "link down");
	advance(2000);
	check_trace("primary reachable -> lost (down): primary PDN wwan0: no carrier\n"
		    "timer T-grace armed: 5000 ms\n"
		    "timer T-grace expired in lost\n"
		    "primary lost -> unreachable (timeout): primary PDN wwan0: link down\n"
		    "=> unreachable: primary PDN wwan0: link down\n");
	primary_link(pr, true, "");
	advance(30000);
	check_trace("primary unreachable -> back (up)\n"
		    "timer T-back armed: 30000 ms\n"
		    "timer T-back expired in back\n"
		    "primary back -> reachable (timeout)\n"
		    "=> reachable\n");
}

static void test_relapse_within_back(void **state)
{
	to_reachable();
	primary_serving(pr, &partner);
	advance(5000);
	primary_serving(pr, &home);
	advance(1000);
	primary_serving(pr, &denied);
	check_trace("primary reachable -> lost (down): serving network 999-99 is not the "
		    "primary's\n"
		    "timer T-grace armed: 5000 ms\n"
		    "timer T-grace expired in lost\n"
		    "primary lost -> unreachable (timeout): serving network 999-99 is not the "
		    "primary's\n"
		    "=> unreachable: serving network 999-99 is not the primary's\n"
		    "primary unreachable -> back (up)\n"
		    "timer T-back armed: 30000 ms\n"
		    "primary back -> unreachable (down): registration denied on 001-01\n"
		    "=> unreachable: registration denied on 001-01\n");
	assert_int_equal(armed(), 0);
}

static void test_serving_inputs(void **state)
{
	to_reachable();
	/* An equivalent PLMN of the primary, roaming: still the primary. */
	primary_serving(pr, &ehplmn);
	/* Unknown registration says nothing. */
	primary_serving(pr, &unknown);
	check_trace("");
	primary_serving(pr, &searching);
	check_trace("primary reachable -> lost (down): registration lost, searching\n"
		    "timer T-grace armed: 5000 ms\n");
	/* Down for another reason: still the same level, no event. */
	primary_serving(pr, &denied);
	check_trace("");
	/* The serving network is back but the link is down: still down. */
	primary_link(pr, false, "no such link");
	primary_serving(pr, &home);
	check_trace("");
	primary_link(pr, true, "");
	check_trace("primary lost -> reachable (up)\n");
}

static void test_starts_down(void **state)
{
	/* One input down is enough, even with the other unknown. */
	primary_link(pr, false, "link down");
	advance(5000);
	check_trace("primary unknown -> lost (down): primary PDN wwan0: link down\n"
		    "timer T-grace armed: 5000 ms\n"
		    "timer T-grace expired in lost\n"
		    "primary lost -> unreachable (timeout): primary PDN wwan0: link down\n"
		    "=> unreachable: primary PDN wwan0: link down\n");
}

static void test_only_netdev_watched(void **state)
{
	primary_free(pr);
	assert_int_equal(make(false, true), 0);
	/* Serving is not watched: any PLMN is fine. */
	primary_serving(pr, &partner);
	primary_link(pr, true, NULL);
	check_trace("primary unknown -> reachable (up)\n=> reachable\n");
	primary_link(pr, false, NULL);
	check_trace("primary reachable -> lost (down): primary PDN wwan0: down\n"
		    "timer T-grace armed: 5000 ms\n");
}

static void test_only_serving_watched(void **state)
{
	primary_free(pr);
	assert_int_equal(make(true, false), 0);
	primary_link(pr, false, "no carrier");
	primary_serving(pr, &home);
	check_trace("primary unknown -> reachable (up)\n=> reachable\n");
}

static void test_names(void **state)
{
	int i;

	for (i = 0; i < PRIMARY_STATE_COUNT; i++)
		assert_string_not_equal(primary_state_str((enum primary_state)i), "?");
	for (i = 0; i < PRIMARY_EVENT_COUNT; i++)
		assert_string_not_equal(primary_event_str((enum primary_event)i), "?");
	for (i = 0; i < PRIMARY_TIMER_COUNT; i++)
		assert_string_not_equal(primary_timer_str((enum primary_timer)i), "?");
	assert_string_equal(primary_state_str(PRIMARY_STATE_COUNT), "?");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_new_needs_something_to_watch),
		T(test_pdn_drop_comes_back_within_grace),
		T(test_pdn_drop_then_migrate_then_return),
		T(test_relapse_within_back),
		T(test_serving_inputs),
		T(test_starts_down),
		T(test_only_netdev_watched),
		T(test_only_serving_watched),
		T(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
