/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IdM client as mcmigd runs it: each operation is one run of the helper
 * mcmig-idm (agent/idm-helper.c, which runs agent/idm.c), so that libcurl and
 * its TLS libraries are mapped only in that short-lived process, never in
 * mcmigd (as agent/cmc-proc.h). The tokens live here between runs: the
 * refresh token in a 0600 file (written whole: temporary, fsync, rename) or
 * in memory only, the primary access token in memory; both go to the helper
 * on its standard input and come back on its output, never through argv or
 * the environment. Same contracts as idm.h: callbacks run exactly once, from
 * the main loop, never from inside the call; a cancel answers -ECANCELED at
 * once and kills the helper.
 */
#ifndef MCMIG_IDM_PROC_H
#define MCMIG_IDM_PROC_H

#include <stdbool.h>
#include <stdint.h>

#include "idm.h"

struct idm_proc;
struct partner_config;

/* A step of the helper's, at @at_us on g_get_monotonic_time()'s clock. */
typedef void (*idm_proc_step_fn)(void *ctx, enum idm_step s, bool done, const char *what,
				 int64_t at_us);

/*
 * @helper: the program's path; @cfg as for idm_new() (-EINVAL unless every
 * URL is https://); @refresh_file: NULL = memory only, else read here
 * (ignored, with a warning, unless 0600).
 */
int idm_proc_new(struct idm_proc **out, const char *helper, const struct idm_config *cfg,
		 const char *refresh_file, idm_proc_step_fn step, void *step_ctx);
void idm_proc_free(struct idm_proc *p);
bool idm_proc_signed_in(const struct idm_proc *p);

/* @password is copied into the helper's input and wiped there; -EBUSY while one runs. */
int idm_proc_sign_in(struct idm_proc *p, const char *username, const char *password,
		     idm_done_cb done, void *ud);

/* The migrate_idm_ops functions (migrate.h): @ctx is the struct idm_proc. */
int idm_proc_partner_token(void *ctx, const struct partner_config *pc, idm_token_cb done, void *ud);
void idm_proc_cancel(void *ctx);

#endif
