/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the bench MC servers read and write besides the parsing that
 * agent/sipsub.c already does: a header's raw value, the values of the
 * PUBLISH bodies (TS 24.379 7.3.3: <mcptt-access-token>, <mcptt-request-uri>,
 * <mcptt-client-id>), a response with extra headers, and the migration
 * service authorisation request between the partner and the primary MC
 * server (TS 23.280 10.6.3, table 10.6.3.2.1-1), which stage 3 does not
 * define: a MESSAGE with our own small XML body. Pure: no I/O.
 */
#ifndef MCMIG_MCS_MSG_H
#define MCMIG_MCS_MSG_H

#include <stddef.h>
#include <stdint.h>

#define MCS_MIGRATION_CT "application/vnd.mcmig.migration-authorisation+xml"

/*
 * The value of the first header @name (case-insensitive, compact form not
 * handled) in the message @buf (headers end at the blank line), trimmed.
 * 0; -ENOENT when absent; -E2BIG when longer than @size - 1.
 */
int mcs_header(const uint8_t *buf, size_t len, const char *name, char *out, size_t size);

/*
 * The text of <@inner> inside the first <@outer ...> of @body (the
 * mcpttinfo elements: outer "mcptt-access-token", inner "mcpttString").
 * Values with markup or entities are refused. 0, -ENOENT, -E2BIG or
 * -EINVAL.
 */
int mcs_xml_value(const char *body, size_t len, const char *outer, const char *inner, char *out,
		  size_t size);

/*
 * A response to @req as sipsub_build_response() builds it (RFC 3261
 * 8.2.6.2), with @extra (whole header lines, "" for none) before its
 * Content-Length. The length, or -EBADMSG / -E2BIG.
 */
int mcs_build_response(const uint8_t *req, size_t len, unsigned int status, const char *reason,
		       const char *to_tag, const char *extra, char *buf, size_t size);

/* The migration service authorisation request (TS 23.280 table 10.6.3.2.1-1). */
struct mcs_migration {
	const char *partner_id; /* the MC service ID at the partner */
	const char *primary_id; /* the MC service ID at the primary */
	const char *partner_system;
};

/* The body of the request. Length or -EINVAL (a value with markup) / -E2BIG. */
int mcs_build_migration(const struct mcs_migration *m, char *buf, size_t size);

#endif
