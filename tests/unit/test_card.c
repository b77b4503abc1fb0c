// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The card adapter with a fake blocking backend: results arrive on the main
 * loop's thread, exactly once, in order, never overlapping in the worker;
 * card_free() cancels what is pending.
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

struct fake {
	gint busy;	/* calls inside the backend right now */
	gint overlap;	/* set if two ever ran at once */
	int open_fails; /* open() fails this many times first */
	int opens, closes;
	gulong delay_us; /* each call blocks this long */
	GThread *main;
};

static struct fake fk;

static void enter(void)
{
	if (g_atomic_int_add(&fk.busy, 1) != 0)
		g_atomic_int_set(&fk.overlap, 1);
	/* The worker must not be the main thread: the loop never blocks on the card. */
	g_assert(g_thread_self() != fk.main);
	g_usleep(fk.delay_us);
}

static void leave(void)
{
	g_atomic_int_add(&fk.busy, -1);
}

static int f_open(void **h, void *arg)
{
	enter();
	fk.opens++;
	leave();
	if (fk.open_fails > 0) {
		fk.open_fails--;
		return -ENOMEDIUM;
	}
	*h = &fk;
	return 0;
}

static int f_read_info(void *h, struct uicc_info *info)
{
	enter();
	memset(info, 0, sizeof(*info));
	strcpy(info->impi, "alice@ims.primary.example");
	leave();
	return 0;
}

static int f_authenticate(void *h, const uint8_t rand[UICC_RAND_LEN],
			  const uint8_t autn[UICC_AUTN_LEN], struct uicc_auth_result *res,
			  uint16_t *sw)
{
	enter();
	memset(res, 0, sizeof(*res));
	/* Echo RAND[0] and AUTN[0] so the test can tell calls apart. */
	res->status = rand[0] == 0xdc ? UICC_AUTH_SYNC_FAILURE : UICC_AUTH_OK;
	res->res[0] = rand[0];
	res->res[1] = autn[0];
	res->res_len = 8;
	*sw = 0x9000;
	leave();
	return 0;
}

static void f_close(void *h)
{
	fk.closes++;
}

static const char *f_strerror(int err)
{
	return err == -ENOMEDIUM ? "no card in the reader" : "other";
}

static const struct card_backend fake_backend = {
	.open = f_open,
	.read_info = f_read_info,
	.authenticate = f_authenticate,
	.close = f_close,
	.strerror = f_strerror,
};

struct got {
	int calls;
	int err;
	uint8_t tag[2];
	enum uicc_auth_status status;
	char impi[64];
	GThread *thread;
	GString *order;
};

static void on_auth(int err, const struct uicc_auth_result *r, uint16_t sw, void *user_data)
{
	struct got *g = user_data;

	g->calls++;
	g->err = err;
	g->thread = g_thread_self();
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
	else
		assert_null(info);
}

static void spin_until(const int *calls, int n)
{
	gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

	while (*calls < n && g_get_monotonic_time() < end)
		g_main_context_iteration(NULL, TRUE);
	assert_int_equal(*calls, n);
}

static void reset(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.main = g_thread_self();
}

static void test_auth_and_info(void **state)
{
	uint8_t rand[16] = { 0x11 }, autn[16] = { 0x22 };
	struct got a = { 0 }, i = { 0 };
	struct card *c;

	reset();
	fk.delay_us = 20000;
	assert_int_equal(card_new_backend(&c, &fake_backend, NULL), 0);
	card_authenticate(c, rand, autn, on_auth, &a);
	card_read_info(c, on_info, &i);
	/* Nothing completes inside the call. */
	assert_int_equal(a.calls, 0);
	spin_until(&a.calls, 1);
	spin_until(&i.calls, 1);
	assert_int_equal(a.err, 0);
	assert_int_equal(a.tag[0], 0x11);
	assert_int_equal(a.tag[1], 0x22);
	assert_int_equal(a.status, UICC_AUTH_OK);
	assert_ptr_equal(a.thread, fk.main);
	assert_ptr_equal(i.thread, fk.main);
	assert_string_equal(i.impi, "alice@ims.primary.example");
	/* Opened once (ISIM selected once), closed once on free. */
	assert_int_equal(fk.opens, 1);
	card_free(c);
	assert_int_equal(fk.closes, 1);
	assert_int_equal(a.calls, 1);
	assert_int_equal(i.calls, 1);
}

static void test_serialised_in_order(void **state)
{
	struct got g = { 0 };
	struct card *c;
	int k;

	reset();
	fk.delay_us = 2000;
	g.order = g_string_new(NULL);
	assert_int_equal(card_new_backend(&c, &fake_backend, NULL), 0);
	for (k = 0; k < 8; k++) {
		uint8_t rand[16] = { (uint8_t)k }, autn[16] = { 0 };

		card_authenticate(c, rand, autn, on_auth, &g);
	}
	spin_until(&g.calls, 8);
	assert_string_equal(g.order->str, "00 01 02 03 04 05 06 07 ");
	assert_int_equal(g_atomic_int_get(&fk.overlap), 0);
	card_free(c);
	g_string_free(g.order, TRUE);
}

static void test_open_failure_then_retry(void **state)
{
	uint8_t rand[16] = { 0xdc }, autn[16] = { 0 };
	struct got g = { 0 };
	struct card *c;

	reset();
	fk.open_fails = 1;
	assert_int_equal(card_new_backend(&c, &fake_backend, NULL), 0);
	card_authenticate(c, rand, autn, on_auth, &g);
	spin_until(&g.calls, 1);
	assert_int_equal(g.err, -ENOMEDIUM);
	assert_string_equal(card_aka_ops.strerror(c, g.err), "no card in the reader");
	card_authenticate(c, rand, autn, on_auth, &g);
	spin_until(&g.calls, 2);
	assert_int_equal(g.err, 0);
	assert_int_equal(g.status, UICC_AUTH_SYNC_FAILURE);
	assert_int_equal(fk.opens, 2);
	card_free(c);
	assert_int_equal(fk.closes, 1);
}

/* card_free() with one call running and two queued: all three end with -ECANCELED, once. */
static void test_free_cancels(void **state)
{
	uint8_t rand[16] = { 1 }, autn[16] = { 0 };
	struct got a = { 0 }, b = { 0 }, i = { 0 };
	struct card *c;

	reset();
	fk.delay_us = 100000;
	assert_int_equal(card_new_backend(&c, &fake_backend, NULL), 0);
	card_authenticate(c, rand, autn, on_auth, &a);
	card_authenticate(c, rand, autn, on_auth, &b);
	card_read_info(c, on_info, &i);
	g_usleep(20000); /* the first is inside the backend now */
	card_free(c);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	assert_int_equal(i.calls, 1);
	assert_int_equal(a.err, -ECANCELED);
	assert_int_equal(b.err, -ECANCELED);
	assert_int_equal(i.err, -ECANCELED);
	/* Nothing left to fire on the loop. */
	while (g_main_context_iteration(NULL, FALSE))
		;
	assert_int_equal(a.calls + b.calls + i.calls, 3);
}

/* Through sipreg_aka_ops, as sipreg uses it. */
static void test_aka_ops(void **state)
{
	uint8_t rand[16] = { 0x42 }, autn[16] = { 0x43 };
	struct got g = { 0 };
	struct card *c;

	reset();
	assert_int_equal(card_new_backend(&c, &fake_backend, NULL), 0);
	card_aka_ops.authenticate(c, rand, autn, on_auth, &g);
	spin_until(&g.calls, 1);
	assert_int_equal(g.tag[0], 0x42);
	assert_int_equal(g.tag[1], 0x43);
	assert_string_equal(card_aka_ops.strerror(c, -ECANCELED), "card access cancelled");
	card_free(c);
	card_free(NULL);
	assert_int_equal(card_new_backend(&c, NULL, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_and_info),
		cmocka_unit_test(test_serialised_in_order),
		cmocka_unit_test(test_open_failure_then_retry),
		cmocka_unit_test(test_free_cancels),
		cmocka_unit_test(test_aka_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
