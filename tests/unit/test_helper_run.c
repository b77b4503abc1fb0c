// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * agent/helper-run.c and agent/helper-io.c: mcmigd's runs of its helpers and
 * the helpers' input and output. /bin/sh stands in for the helper: its whole
 * output comes back, a non-zero exit, a signal and a program that cannot be
 * started are each reported once from the loop with a reason naming them, a
 * cancel kills the helper and never reports; the helper side reads its input
 * to the end or to the bound and writes its answer whole.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include "helper-io.h"
#include "helper-run.h"

struct outcome {
	int calls;
	int err;
	char reason[HELPER_RUN_REASON_MAX];
	char out[256];
	bool in_freed;
};

static void on_done(void *ctx, int err, const char *reason, const uint8_t *out, size_t len)
{
	struct outcome *o = ctx;

	o->calls++;
	o->err = err;
	snprintf(o->reason, sizeof(o->reason), "%s", reason ? reason : "");
	assert_true(err == 0 ? out != NULL : out == NULL);
	assert_true(len < sizeof(o->out));
	if (out)
		memcpy(o->out, out, len);
	o->out[len] = '\0';
}

static void in_free(gpointer data)
{
	((struct outcome *)data)->in_freed = true;
}

/* Runs sh -c @script with "abc" on its input until the outcome and the input's release. */
static void run(const char *script, struct outcome *o)
{
	const char *argv[] = { "/bin/sh", "-c", script, NULL };
	GBytes *in = g_bytes_new_with_free_func("abc", 3, in_free, o);
	struct helper_run *r;

	memset(o, 0, sizeof(*o));
	r = helper_run_start("test helper", argv, in, on_done, o);
	g_bytes_unref(in);
	assert_non_null(r);
	assert_int_equal(o->calls, 0); /* never from inside the call */
	while (!o->calls || !o->in_freed)
		g_main_context_iteration(NULL, TRUE);
}

static void test_output_whole(void **state)
{
	struct outcome o;

	run("cat; printf ' done'", &o);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.err, 0);
	assert_string_equal(o.out, "abc done");
}

/* A non-zero exit and a signal: -EPROTO once, naming the helper and what ended it. */
static void test_failed_run(void **state)
{
	static const struct {
		const char *script, *reason;
	} cases[] = {
		{ "cat >/dev/null; printf partial; exit 3",
		  "test helper /bin/sh exited with status 3" },
		{ "cat >/dev/null; kill -9 $$", "test helper /bin/sh killed by signal 9" },
	};
	struct outcome o;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(cases[i].script, &o);
		assert_int_equal(o.calls, 1);
		assert_int_equal(o.err, -EPROTO);
		assert_string_equal(o.reason, cases[i].reason);
		assert_string_equal(o.out, "");
	}
}

/* A program that does not exist: reported from the loop, not from the call. */
static struct helper_run *start_missing(struct outcome *o)
{
	const char *argv[] = { "/nonexistent/mcmig-helper", NULL };
	GBytes *in = g_bytes_new_static("abc", 3);
	struct helper_run *r;

	memset(o, 0, sizeof(*o));
	r = helper_run_start("test helper", argv, in, on_done, o);
	g_bytes_unref(in);
	assert_non_null(r);
	assert_int_equal(o->calls, 0);
	return r;
}

static void test_cannot_start(void **state)
{
	struct outcome o;

	start_missing(&o);
	while (!o.calls)
		g_main_context_iteration(NULL, TRUE);
	assert_int_equal(o.err, -ENOENT);
	assert_non_null(strstr(o.reason, "test helper /nonexistent/mcmig-helper: "));
}

/* The helper killed, nothing reported; GIO lets go of the input once the run is over. */
static void test_cancel(void **state)
{
	const char *argv[] = { "/bin/sh", "-c", "exec sleep 60", NULL };
	struct outcome o = { 0 };
	GBytes *in = g_bytes_new_with_free_func("abc", 3, in_free, &o);
	struct helper_run *r;
	gint64 t0 = g_get_monotonic_time();

	r = helper_run_start("test helper", argv, in, on_done, &o);
	g_bytes_unref(in);
	helper_run_cancel(r);
	while (!o.in_freed)
		g_main_context_iteration(NULL, TRUE);
	while (g_main_context_iteration(NULL, FALSE))
		;
	assert_int_equal(o.calls, 0);
	assert_true(g_get_monotonic_time() - t0 < 30 * G_USEC_PER_SEC);
}

static void test_cancel_cannot_start(void **state)
{
	struct outcome o;

	helper_run_cancel(start_missing(&o));
	while (g_main_context_iteration(NULL, FALSE))
		;
	assert_int_equal(o.calls, 0);
	helper_run_cancel(NULL);
}

static void test_argv(void **state)
{
	const struct helper_opt opts[] = {
		{ .name = "--url", .value = "https://cms.example/" },
		{ .name = "--ca-file", .value = NULL },
		{ .name = "--scope", .value = "" },
		{ .name = "--timeout-ms", .num = 1500 },
		{ .name = "--max-attempts", .num = 0 },
	};
	static const char *const want[] = { "/usr/lib/mcmig/mcmig-x", "--url",
					    "https://cms.example/", "--timeout-ms", "1500" };
	GPtrArray *a = helper_run_argv("/usr/lib/mcmig/mcmig-x", opts, G_N_ELEMENTS(opts));
	size_t i;

	assert_int_equal(a->len, G_N_ELEMENTS(want));
	for (i = 0; i < G_N_ELEMENTS(want); i++)
		assert_string_equal(a->pdata[i], want[i]);
	g_ptr_array_unref(a);
}

/* @data on a pipe as standard input, then helper_io_read_input() into @size bytes. */
static int read_piped(const char *data, uint8_t *buf, size_t size, size_t *len)
{
	int fds[2], saved, ret;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], data, strlen(data)), (ssize_t)strlen(data));
	close(fds[1]);
	saved = dup(STDIN_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fds[0], STDIN_FILENO) >= 0);
	close(fds[0]);
	ret = helper_io_read_input(buf, size, len);
	assert_true(dup2(saved, STDIN_FILENO) >= 0);
	close(saved);
	return ret;
}

static void test_read_input(void **state)
{
	uint8_t buf[16];
	size_t len = 99;

	assert_int_equal(read_piped("", buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(read_piped("state\n", buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 6);
	assert_memory_equal(buf, "state\n", 6);
	/* Longer than the bound: the bound read, so that the caller sees it is over. */
	assert_int_equal(read_piped("0123456789abcdef-more", buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof(buf));
	assert_memory_equal(buf, "0123456789abcdef", 16);
}

static void test_write_answer(void **state)
{
	static char big[200000]; /* more than a pipe holds: written in several writes */
	int fds[2], saved;
	char *back;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	memset(big, 'x', sizeof(big));
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		saved = dup2(fds[1], STDOUT_FILENO);
		_exit(saved >= 0 && helper_io_write_answer(big, sizeof(big)) == 0 ? 0 : 1);
	}
	close(fds[1]);
	back = malloc(sizeof(big) + 1);
	assert_non_null(back);
	while ((r = read(fds[0], back + n, sizeof(big) + 1 - n)) > 0)
		n += (size_t)r;
	close(fds[0]);
	assert_int_equal(n, sizeof(big));
	assert_memory_equal(back, big, sizeof(big));
	free(back);
	assert_int_equal(waitpid(pid, &saved, 0), pid);
	assert_true(WIFEXITED(saved) && WEXITSTATUS(saved) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_whole),	    cmocka_unit_test(test_failed_run),
		cmocka_unit_test(test_cannot_start),	    cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_cancel_cannot_start), cmocka_unit_test(test_argv),
		cmocka_unit_test(test_read_input),	    cmocka_unit_test(test_write_answer),
	};

	/* As in mcmigd (agent/helper-run.h): a failing helper must not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
