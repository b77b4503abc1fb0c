/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Steps 7 and 12 seen from the primary: the partner MC system access
 * request, and revocation reaching the partner (6.Y.3), over HTTPS with
 * mutual TLS (libcurl; the partner's certificate is verified against the
 * bench CA, ours is presented).
 */
#ifndef MCMIG_CMS_PARTNER_H
#define MCMIG_CMS_PARTNER_H

#include "cms-config.h"

#define CMS_PARTNER_ACCESS_PATH "/mcmig/v1/cms/partner-access"
#define CMS_PARTNER_REVOKE_PATH "/mcmig/v1/cms/revoke"
#define CMS_PARTNER_MAX_ANSWER	(256 * 1024)

/*
 * Blocks the calling thread for at most [client] timeout seconds. Returns
 * CMS_OK with *@out filled, CMS_ERR_PARTNER_REFUSED (the partner said no in
 * step 8) or CMS_ERR_PARTNER_UNREACHABLE (no, late, or unusable answer);
 * *@why says what happened.
 */
enum cms_error cms_partner_access(const struct cms_config *cfg, const struct cms_partner *p,
				  const struct cms_access_request *q, struct cms_connection *out,
				  char **why);

/*
 * 6.Y.3: tells the partner to end one user's migration or every user's of
 * this primary (@q). Bounded like cms_partner_access(). CMS_OK when the
 * partner confirmed (its SIP DB dropped the inbound bindings and ended their
 * registrations), CMS_ERR_PARTNER_REFUSED, or CMS_ERR_PARTNER_UNREACHABLE.
 */
enum cms_error cms_partner_revoke(const struct cms_config *cfg, const struct cms_partner *p,
				  const struct cms_revoke_request *q, char **why);

#endif
