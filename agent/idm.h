/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seam between the IdM client (MC service user authentication, seed
 * step 14; TS 33.180 5.1.4, B.7) and the migration state machine, as agreed
 * for issue 14: what a partner access token looks like to its users. The
 * token is a bearer token (RFC 6750), opaque to the agent; whoever holds a
 * copy wipes it (util_wipe) when done.
 */
#ifndef MCMIG_IDM_H
#define MCMIG_IDM_H

#include <time.h>

#define IDM_TOKEN_MAX	  8192
#define IDM_CLIENT_ID_MAX 256

struct idm_token {
	char access_token[IDM_TOKEN_MAX];
	char client_id[IDM_CLIENT_ID_MAX]; /* the MC service client's OAuth client_id */
	time_t expires_at;		   /* UTC; 0 when the IdMS did not say */
};

#endif
