/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How a CMS reaches its SIP database for migration identities (seed steps
 * 4-6 at the primary, 9-11 at the partner) and for revocation (6.Y.3). One
 * backend per file, chosen by [sipdb] backend; today one:
 *   sh      Diameter Sh to the bench SIP DBs (cms-sipdb-sh.c)
 * Calls block the calling (connection) thread for at most the backend's
 * configured bound, may run concurrently, and return 0 or -errno:
 * -ETIMEDOUT, -ENOTCONN (SIP DB unreachable), -ENOENT (user unknown),
 * -EACCES (refused), -ENOSPC (pool exhausted), -EPROTO (bad answer).
 */
#ifndef MCMIG_CMS_SIPDB_H
#define MCMIG_CMS_SIPDB_H

#include "cms-config.h"

#define CMS_ID_MAX 256

struct cms_identity {
	char impi[CMS_ID_MAX];
	char impu[CMS_ID_MAX];
	char sipdb[CMS_ID_MAX]; /* the SIP DB owning the identities (NOTE 1); may be "" */
};

struct cms_sipdb_ops {
	const char *name;
	/* Reads the backend's keys of [sipdb]; *@why on failure. */
	int (*start)(const struct cms_config *cfg, char **why);
	void (*stop)(void);
	/* Steps 4-6: outbound identities bound to the user's. */
	int (*outbound)(const char *impi, const char *impu, struct cms_identity *out);
	/* Steps 9-11: inbound identities bound to the primary's (@sipdb, @impi, @impu). */
	int (*inbound)(const char *sipdb, const char *impi, const char *impu,
		       struct cms_identity *out);
	/* 6.Y.3: drop the user's outbound binding. */
	int (*revoke)(const char *impi, const char *impu);
	/* 6.Y.3 at the partner: drop the inbound binding of the primary's
	 * (@sipdb, @impi, @impu) and end its registration; none is success. */
	int (*revoke_inbound)(const char *sipdb, const char *impi, const char *impu);
};

extern const struct cms_sipdb_ops cms_sipdb_sh_ops;

/* The backend named by [sipdb] backend, or NULL. */
const struct cms_sipdb_ops *cms_sipdb_lookup(const char *name);

#endif
