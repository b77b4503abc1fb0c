// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The card worker over a fake reader (tests/unit/fake-isim.c, at
 * struct uicc_reader_ops): results arrive on the main loop's thread, exactly
 * once, in order, never overlapping in the worker; the card is opened once;
 * a request that overruns its bound ends with -ETIMEDOUT and the next one
 * gets a new worker; card_cancel() and card_free() end what is pending.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <glib.h>

#include "card.h"
#include "fake-isim.h"

static const struct uicc_config cfg = { .reader = "Fake", .timeout_ms = 1000 };

struct got {
	int calls;
	int err;
	uint8_t tag[2];
	enum uicc_auth_status status;
	char impi[64];
	GThread *thread;
	GString *order;
	struct card_times t;
};

static void on_auth(int err, const struct uicc_auth_result *r, uint16_t sw,
		    const struct card_times *t, void *user_data)
{
	struct got *g = user_data;

	g->calls++;
	g->err = err;
	g->thread = g_thread_self();
	g->t = *t;
	if (!err) {
		g->tag[0] = r->res[0];
		g->tag[1] = r->res[1];
		g->status = r->status;
		assert_int_equal(sw, 0x9000);
	} else {
		assert_null(r);
	}
	if (g->order)
		g_string_append_printf(g->order, "%02x ", err ? 0xee : r->res[0]);
}

static void on_info(int err, const struct uicc_info *info, void *user_data)
{
	struct got *g = user_data;

	g->calls++;
	g->err = err;
	g->thread = g_thread_self();
	if (!err)
		g_strlcpy(g->impi, info->impi, sizeof(g->impi));
	else if (info)
		/* an error after the card opened names the EF, never an IMPI */
		assert_true(info->failed_ef == NULL || info->failed_ef[0] != '\0');
}

static void spin_until(const int *calls, int n)
{
	gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

	while (*calls < n && g_get_monotonic_time() < end)
		g_main_context_iteration(NULL, TRUE);
	assert_int_equal(*calls, n);
}

static void test_auth_and_info(void **state)
{
	uint8_t rand[16] = { 0x11 }, autn[16] = { 0x22 };
	struct got a = { 0 }, i = { 0 };
	struct card *c;

	fake_isim_reset();
	fake_isim.delay_us = 20000;
	assert_int_equal(card_new(&c, &fake_isim_ops, &cfg), 0);
	assert_int_not_equal(card_authenticate(c, rand, autn, on_auth, &a), 0);
	assert_int_not_equal(card_read_info(c, on_info, &i), 0);
	/* Nothing completes inside the call. */
	assert_int_equal(a.calls, 0);
	spin_until(&a.calls, 1);
	spin_until(&i.calls, 1);
	assert_int_equal(a.err, 0);
	assert_int_equal(a.tag[0], 0x11);
	assert_int_equal(a.tag[1], 0x22);
	assert_int_equal(a.status, UICC_AUTH_OK);
	assert_ptr_equal(a.thread, fake_isim.main);
	assert_ptr_equal(i.thread, fake_isim.main);
	assert_string_equal(i.impi, FAKE_ISIM_IMPI);
	/* Opened once (ISIM selected once), closed once on free. */
	assert_int_equal(fake_isim.connects, 1);
	card_free(c);
	assert_int_equal(fake_isim.disconnects, 1);
	assert_int_equal(a.calls, 1);
	assert_int_equal(i.calls, 1);
}

static void test_serialised_in_order(void **state)
{
	struct got g = { 0 };
	struct card *c;
	int k;

	fake_isim_reset();
	fake_isim.delay_us = 2000;
	g.order = g_string_new(NULL);
	assert_int_equal(card_new(&c, &fake_isim_ops, &cfg), 0);
	for (k = 0; k < 8; k++) {
		uint8_t rand[16] = { (uint8_t)k }, autn[16] = { 0 };

		card_authenticate(c, rand, autn, on_auth, &g);
	}
	spin_until(&g.calls, 8);
	assert_string_equal(g.order->str, "00 01 02 03 04 05 06 07 ");
	assert_int_equal(g_atomic_int_get(&fake_isim.overlap), 0);
	assert_int_equal(fake_isim.connects, 1);
	card_free(c);
	g_string_free(g.order, TRUE);
}

static void test_open_failure_then_retry(void **state)
{
	uint8_t rand[16] = { 0xdc }, autn[16] = { 0 };
	struct got g = { 0 };
	struct card *c;

	fake_isim_reset();
	fake_isim.connect_fails = 1;
	assert_int_equal(card_new(&c, &fake_isim_ops, &cfg), 0);
	card_authenticate(c, rand, autn, on_auth, &g);
	spin_until(&g.calls, 1);
	assert_int_equal(g.err, -ENOMEDIUM);
	assert_string_equal(card_strerror(g.err), "no card in the reader");
	card_authenticate(c, rand, autn, on_auth, &g);
	spin_until(&g.calls, 2);
	assert_int_equal(g.err, 0);
	assert_int_equal(g.status, UICC_AUTH_SYNC_FAILURE);
	assert_int_equal(fake_isim.connects, 2);
	card_free(c);
	assert_int_equal(fake_isim.disconnects, 1);
}

/* card_free() with one call running and two queued: all three end with -ECANCELED, once. */
static void test_free_cancels(void **state)
{
	uint8_t rand[16] = { 1 }, autn[16] = { 0 };
	struct got a = { 0 }, b = { 0 }, i = { 0 };
	struct card *c;

	fake_isim_reset();
	fake_isim.delay_us = 100000;
	assert_int_equal(card_new(&c, &fake_isim_ops, &cfg), 0);
	card_authenticate(c, rand, autn, on_auth, &a);
	card_authenticate(c, rand, autn, on_auth, &b);
	card_read_info(c, on_info, &i);
	g_usleep(20000); /* the first is inside the reader now */
	card_free(c);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	assert_int_equal(i.calls, 1);
	assert_int_equal(a.err, -ECANCELED);
	assert_int_equal(b.err, -ECANCELED);
	assert_int_equal(i.err, -ECANCELED);
	assert_string_equal(card_strerror(a.err), "card access cancelled");
	/* Nothing left to fire on the loop, even once the abandoned call returns. */
	g_usleep(250000);
	while (g_main_context_iteration(NULL, FALSE))
		;
	assert_int_equal(a.calls + b.calls + i.calls, 3);
}

/*
 * A card that stalls past the bound (2 x 50 ms): -ETIMEDOUT at the bound,
 * the late answer is never delivered, and the next request connects again
 * through a new worker.
 */
static void test_timeout_then_new_worker(void **state)
{
	const struct uicc_config quick = { .timeout_ms = 50 };
	uint8_t rand[16] = { 0x33 }, autn[16] = { 0x44 };
	struct got a = { 0 }, b = { 0 };
	struct card *c;
	gint64 t0;

	fake_isim_reset();
	assert_int_equal(card_new(&c, &fake_isim_ops, &quick), 0);
	assert_int_equal(card_timeout_ms(c), 100);
	card_read_info(c, on_info, &b);
	spin_until(&b.calls, 1);
	fake_isim.delay_us = 300000;
	t0 = g_get_monotonic_time();
	card_authenticate(c, rand, autn, on_auth, &a);
	spin_until(&a.calls, 1);
	assert_int_equal(a.err, -ETIMEDOUT);
	assert_true(g_get_monotonic_time() - t0 < 250000);
	assert_int_equal(a.t.start_us, 0);
	fake_isim.delay_us = 0;
	card_authenticate(c, rand, autn, on_auth, &a);
	spin_until(&a.calls, 2);
	assert_int_equal(a.err, 0);
	assert_int_equal(a.tag[0], 0x33);
	assert_int_equal(fake_isim.connects, 2);
	/* The stalled worker answers late, to nobody. */
	g_usleep(300000);
	while (g_main_context_iteration(NULL, FALSE))
		;
	assert_int_equal(a.calls, 2);
	card_free(c);
}

/* Channel events as the workers tell them (worker threads). */
static struct {
	GMutex lock;
	GString *log;
} chans;

static void on_channel(void *ctx, unsigned int channel, bool open)
{
	assert_ptr_equal(ctx, &chans);
	assert_true(g_thread_self() != fake_isim.main);
	g_mutex_lock(&chans.lock);
	g_string_append_printf(chans.log, "%s%u ", open ? "+" : "-", channel);
	g_mutex_unlock(&chans.lock);
}

static void assert_chans(const char *want)
{
	g_mutex_lock(&chans.lock);
	assert_string_equal(chans.log->str, want);
	g_mutex_unlock(&chans.lock);
}

/*
 * Issue 12: the journal's stale channel is closed by the first worker only;
 * every worker's channels are told, the idle one's close at card_free()
 * too; a worker given up on and finishing after card_free() tells nobody.
 */
static void test_channel_events(void **state)
{
	const struct uicc_config quick = { .timeout_ms = 50,
					   .stale_channels = 1u << 2,
					   .channel_event = on_channel,
					   .channel_ctx = &chans };
	uint8_t rand[16] = { 0x33 }, autn[16] = { 0x44 };
	struct got a = { 0 }, b = { 0 };
	struct card *c;

	fake_isim_reset();
	g_mutex_init(&chans.lock);
	chans.log = g_string_new("");
	assert_int_equal(card_new(&c, &fake_isim_ops, &quick), 0);
	card_read_info(c, on_info, &b);
	spin_until(&b.calls, 1);
	assert_chans("-2 +1 ");
	/* Stalls: given up on, it keeps its channel 1 for now. */
	fake_isim.delay_us = 300000;
	card_authenticate(c, rand, autn, on_auth, &a);
	spin_until(&a.calls, 1);
	assert_int_equal(a.err, -ETIMEDOUT);
	/* The next worker opens its own, and leaves channel 2 alone. */
	fake_isim.delay_us = 0;
	card_authenticate(c, rand, autn, on_auth, &a);
	spin_until(&a.calls, 2);
	assert_int_equal(a.err, 0);
	assert_chans("-2 +1 +1 ");
	card_free(c);
	assert_chans("-2 +1 +1 -1 ");
	/* The stalled worker ends and closes its channel: the owner is gone. */
	g_usleep(400000);
	assert_chans("-2 +1 +1 -1 ");
	g_string_free(chans.log, TRUE);
	g_mutex_clear(&chans.lock);
}

/* The card's times: around the transmits, inside the request, on the loop's clock. */
static void test_times(void **state)
{
	uint8_t rand[16] = { 0x55 }, autn[16] = { 0x66 };
	struct got a = { 0 }, i = { 0 };
	struct card *c;
	gint64 t0, t1;

	fake_isim_reset();
	assert_int_equal(card_new(&c, &fake_isim_ops, &cfg), 0);
	card_read_info(c, on_info, &i); /* opens the card: not part of the next request */
	spin_until(&i.calls, 1);
	fake_isim.delay_us = 30000;
	t0 = g_get_monotonic_time();
	card_authenticate(c, rand, autn, on_auth, &a);
	spin_until(&a.calls, 1);
	t1 = g_get_monotonic_time();
	assert_int_equal(a.err, 0);
	assert_true(a.t.start_us >= t0);
	assert_true(a.t.end_us - a.t.start_us >= 30000);
	assert_true(a.t.end_us <= t1);
	card_free(c);
}

/* The owner went away: neither a queued nor a running request calls back. */
static void test_cancel(void **state)
{
	uint8_t rand[16] = { 1 }, autn[16] = { 0 };
	struct got a = { 0 }, b = { 0 }, z = { 0 };
	unsigned int ia, ib;
	struct card *c;

	fake_isim_reset();
	fake_isim.delay_us = 20000;
	assert_int_equal(card_new(&c, &fake_isim_ops, &cfg), 0);
	ia = card_authenticate(c, rand, autn, on_auth, &a);
	ib = card_authenticate(c, rand, autn, on_auth, &b);
	card_authenticate(c, rand, autn, on_auth, &z);
	assert_int_not_equal(ia, ib);
	card_cancel(c, ib);
	card_cancel(c, ia);
	card_cancel(c, 12345);
	spin_until(&z.calls, 1);
	assert_int_equal(z.err, 0);
	assert_int_equal(a.calls + b.calls, 0);
	card_free(c);
	card_free(NULL);
	assert_int_equal(card_new(&c, NULL, &cfg), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_and_info),
		cmocka_unit_test(test_serialised_in_order),
		cmocka_unit_test(test_open_failure_then_retry),
		cmocka_unit_test(test_free_cancels),
		cmocka_unit_test(test_timeout_then_new_worker),
		cmocka_unit_test(test_channel_events),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_cancel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
