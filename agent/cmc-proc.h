/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration management client as mcmigd runs it: each fetch is one
 * run of the helper mcmig-cmc (agent/cmc-helper.c, which runs agent/cmc.c),
 * so that libcurl and its TLS libraries are mapped only in that short-lived
 * process, never in mcmigd. Same contract as cmc_fetch()/cmc_cancel()
 * (agent/cmc.h): the callback runs exactly once, from the main loop, never
 * from inside the call; a cancel answers -ECANCELED at once and kills the
 * helper.
 */
#ifndef MCMIG_CMC_PROC_H
#define MCMIG_CMC_PROC_H

#include "cmc.h"

struct cmc_proc;

/* @helper: the program's path; @cfg as for cmc_new() (-EINVAL unless https://). */
int cmc_proc_new(struct cmc_proc **p, const char *helper, const struct cmc_config *cfg);
/* Cancels a pending fetch first; NULL accepted. */
void cmc_proc_free(struct cmc_proc *p);
/* One at a time (-EBUSY). A helper that cannot be started is reported through @cb. */
int cmc_proc_fetch(struct cmc_proc *p, const struct cmc_request *req, cmc_done_cb cb,
		   void *user_data);
void cmc_proc_cancel(struct cmc_proc *p);

#endif
