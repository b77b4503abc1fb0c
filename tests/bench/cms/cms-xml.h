/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure XML codecs of the two CMS interfaces: the CMC interface
 * (agent/schema/README.md, urn:mcmig:partner:1.0) and CMS-to-CMS
 * (tests/bench/cms/README.md, urn:mcmig:cms:1.0). libxml2 is used with
 * XML_PARSE_NONET, no DTD loading, no entity substitution, and a document
 * type declaration is refused outright. Unknown elements are ignored.
 *
 * Parsers return 0, or -EBADMSG with *@why set to an allocated (g_free)
 * sentence naming what was wrong; on failure *@out holds nothing to free.
 */
#ifndef MCMIG_CMS_XML_H
#define MCMIG_CMS_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "cms.h"

/* cms_xml_parse_connection() flags */
#define CMS_XML_STATIC	  0x1 /* NOTE 2 file: no impi/impu/valid-until; validity-seconds */
#define CMS_XML_SELECTION 0x2 /* step 13: <selection> is read */

/* Step 1 (root partner-connection-request, CMS_NS_UE). */
int cms_xml_parse_ue_request(const char *buf, size_t len, struct cms_ue_request *out, char **why);

/* Step 7 (root partner-access-request, CMS_NS_CMS). */
int cms_xml_parse_access_request(const char *buf, size_t len, struct cms_access_request *out,
				 char **why);

/*
 * Steps 12/13 and the NOTE 2 static file: root @root in namespace @ns
 * (partner-access/CMS_NS_CMS, partner-connection/CMS_NS_UE,
 * partner-static-configuration/CMS_NS_CMS).
 */
int cms_xml_parse_connection(const char *buf, size_t len, const char *ns, const char *root,
			     unsigned int flags, struct cms_connection *out, char **why);

/* Any <error> answer in @ns: *@code and *@text allocated (text may be ""). */
int cms_xml_parse_error(const char *buf, size_t len, const char *ns, char **code, char **text);

/*
 * Admin revocation body (root revoke, CMS_NS_CMS): exactly one of an MC
 * service ID (one user) or a partner system ID (every user migrated to that
 * partner); the other is set to NULL.
 */
int cms_xml_parse_revoke(const char *buf, size_t len, char **mc_service_id,
			 char **partner_system_id, char **why);

/* Revocation, CMS-to-CMS (root partner-revoke, CMS_NS_CMS): exactly one of
 * <user> (mc-service-id, sip-database, impi, impu) and <all-users/>. */
int cms_xml_parse_partner_revoke(const char *buf, size_t len, struct cms_revoke_request *out,
				 char **why);

/*
 * Checks a TS 24.484 initial UE configuration document: root
 * mcptt-UE-initial-configuration in its namespace, and every *-to-con-ref
 * value names one of @c's connectivity sets.
 */
int cms_xml_check_initial_config(const char *buf, size_t len, const struct cms_connection *c,
				 char **why);

/*
 * Builders return an allocated (g_free) NUL-terminated document and its
 * length, or NULL when out of memory.
 */
char *cms_xml_build_connection(const struct cms_connection *c, const char *ns, const char *root,
			       unsigned int flags, size_t *len);
char *cms_xml_build_access_request(const struct cms_access_request *r, size_t *len);
char *cms_xml_build_partner_revoke(const struct cms_revoke_request *r, size_t *len);
char *cms_xml_build_error(const char *ns, enum cms_error e, const char *text, size_t *len);

/* RFC 3339 UTC, "2026-11-28T22:00:00Z" only. */
int cms_time_parse(const char *s, int64_t *out);
void cms_time_format(int64_t t, char out[32]);

#endif
