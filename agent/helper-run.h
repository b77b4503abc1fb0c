/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One run of a short-lived helper program of mcmigd's (mcmig-cmc, mcmig-idm:
 * agent/cmc-proc.c, agent/idm-proc.c), through GSubprocess on the main loop,
 * so that libcurl and its TLS libraries are mapped only in the helper.
 *
 * Contract: the input goes to the helper's standard input (secrets go there,
 * never through argv or the environment); its standard output comes back
 * whole once it has exited; its standard error is mcmigd's (the journal).
 * @done runs exactly once, from the main loop, never from inside
 * helper_run_start(), unless helper_run_cancel() came first: then it never
 * runs and the helper is killed. The run is freed by this module once @done
 * has returned or after the cancel; the caller drops its pointer then.
 * A helper that dies before it has read its input makes the write fail: the
 * process must ignore SIGPIPE (mcmigd does, at start).
 */
#ifndef MCMIG_HELPER_RUN_H
#define MCMIG_HELPER_RUN_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* Room for the reasons this module gives (helper path and GIO message included). */
#define HELPER_RUN_REASON_MAX 512

struct helper_run;

/*
 * @err 0: the helper exited with status 0 and @out/@len is its whole standard
 * output, wiped and freed once @done returns (it may hold secrets). Otherwise
 * @out is NULL and @reason names @what and why: -ENOENT the helper could not
 * be started, -EIO its pipes failed, -EPROTO it exited non-zero or was killed.
 */
typedef void (*helper_run_done_fn)(void *ctx, int err, const char *reason, const uint8_t *out,
				   size_t len);

/*
 * Starts @argv (NULL-terminated; argv[0] the program's path) with @in on its
 * standard input. @in is referenced until GIO is done with it, which may be
 * after a cancel: a secret input must be a GBytes whose free function wipes
 * it. @what names the helper in reasons ("IdM helper"). A program that cannot
 * be started is reported to @done like any other failure.
 */
struct helper_run *helper_run_start(const char *what, const char *const *argv, GBytes *in,
				    helper_run_done_fn done, void *ctx);

/* An option of a helper's: "name value", or "name number" when @value is NULL. */
struct helper_opt {
	const char *name;
	const char *value; /* NULL or "": left out, unless @num */
	unsigned int num;  /* 0: left out */
};

/*
 * A helper's argv: @helper, then the @n options that are set, as copies (a
 * GPtrArray with g_free as its free function, not NULL-terminated). Never a
 * secret: every user on the machine can read a process's arguments.
 */
GPtrArray *helper_run_argv(const char *helper, const struct helper_opt *opts, size_t n);

/* Kills the helper; @done never runs. NULL accepted. */
void helper_run_cancel(struct helper_run *r);

#endif
