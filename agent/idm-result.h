/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IdM helper's input and output (pure, like agent/cmc-result.h): no
 * JSON, no I/O, so that mcmigd links it without the helper's libraries.
 */
#ifndef MCMIG_IDM_RESULT_H
#define MCMIG_IDM_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idm.h"

/*
 * What mcmigd and its helper mcmig-idm (agent/idm-helper.c, which runs
 * agent/idm.c so that mcmigd maps no libcurl) tell each other through the
 * helper's standard input and output, one form both ways:
 *
 *   ERRNO REASON                      first line ("0 ok" on success)
 *   username=NAME                     sign-in input
 *   password=PASSWORD                 sign-in input
 *   refresh=TOKEN                     the refresh token (in and out; empty = none)
 *   access=EXPIRES TOKEN              the primary access token and its end (unix time)
 *   partner=EXPIRES TOKEN             the partner access token (out, on success)
 *   client=ID                         its client id
 *   step=STEP DONE AT_US WHAT         a request (DONE 0) or its answer (1) at
 *                                     g_get_monotonic_time() AT_US (CLOCK_MONOTONIC,
 *                                     the same in both processes), for the timeline
 *
 * Every value ends at its newline and is printable ASCII; the whole at most
 * IDM_RESULT_MAX bytes. Secrets: the struct and the text are wiped by their owner.
 */
#define IDM_RESULT_MAX	     (4 * IDM_TOKEN_MAX + 4096)
#define IDM_REASON_MAX	     400
#define IDM_RESULT_STEPS_MAX 8
#define IDM_RESULT_WHAT_MAX  80
#define IDM_USERNAME_MAX     256
#define IDM_PASSWORD_MAX     256

struct idm_result_step {
	enum idm_step step;
	bool done;
	long long at_us;
	char what[IDM_RESULT_WHAT_MAX];
};

struct idm_result {
	int err; /* 0 or -errno */
	char reason[IDM_REASON_MAX];
	char username[IDM_USERNAME_MAX];
	char password[IDM_PASSWORD_MAX];
	char refresh[IDM_TOKEN_MAX];
	char access[IDM_TOKEN_MAX];
	long long access_expires;
	bool have_partner;
	struct idm_token partner;
	struct idm_result_step steps[IDM_RESULT_STEPS_MAX];
	size_t n_steps;
};

/* Into @buf of @size: 0, -E2BIG, or -EINVAL (a value not printable). */
int idm_result_format(const struct idm_result *r, char *buf, size_t size, size_t *len);
/* 0, or -EBADMSG with @why naming the line (never its value). @r is wiped on error. */
int idm_result_parse(const uint8_t *buf, size_t len, struct idm_result *r, char *why,
		     size_t why_len);

#endif
