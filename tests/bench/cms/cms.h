/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcmig-cms: the bench's configuration management servers (primary and
 * partner roles), seed steps 1-13 of TR 23.781 6.Y.1 and revocation (6.Y.3).
 * Plain data types shared by the codecs, the partner selection and the
 * server; no library types here.
 */
#ifndef MCMIG_CMS_H
#define MCMIG_CMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Namespaces: the CMC interface (agent/schema/README.md) and CMS-to-CMS. */
#define CMS_NS_UE      "urn:mcmig:partner:1.0"
#define CMS_NS_CMS     "urn:mcmig:cms:1.0"
#define CMS_NS_INITCFG "urn:3gpp:mcptt:mcpttUEinitConfig:1.0"

#define CMS_CT_UE_REQUEST "application/vnd.mcmig.partner-request+xml"
#define CMS_CT_UE_ANSWER  "application/vnd.mcmig.partner-connection+xml"
#define CMS_CT_ERROR	  "application/vnd.mcmig.error+xml"
#define CMS_CT_CMS	  "application/vnd.mcmig.cms+xml"

#define CMS_MAX_IMPU  8
#define CMS_MAX_PCSCF 8
#define CMS_MAX_CONN  8

/* Every error either interface answers; code strings and HTTP statuses in cms-xml.c. */
enum cms_error {
	CMS_OK,
	CMS_ERR_BAD_REQUEST,
	CMS_ERR_NOT_FOUND,
	CMS_ERR_METHOD,
	CMS_ERR_UNAUTHENTICATED,
	CMS_ERR_NOT_AUTHORISED,
	CMS_ERR_PARTNER_REFUSED,
	CMS_ERR_NO_PARTNER,
	CMS_ERR_TOO_LARGE,
	CMS_ERR_PARTNER_UNREACHABLE,
	CMS_ERR_UNAVAILABLE,
	CMS_ERR_SYSTEM_NOT_AUTHORISED,
	CMS_ERR_USER_NOT_AUTHORISED,
	CMS_ERR_NO_BINDING,
};

enum cms_selection {
	CMS_SELECTION_REQUESTED,
	CMS_SELECTION_LOCATION,
	CMS_SELECTION_STATIC,
};

enum cms_ip_type {
	CMS_IP_V4,
	CMS_IP_V6,
	CMS_IP_V4V6,
};

enum cms_auth {
	CMS_AUTH_NONE,
	CMS_AUTH_PAP,
	CMS_AUTH_CHAP,
};

/* Step 1: the UE's location. MCC/MNC are digit strings. */
struct cms_location {
	char mcc[4];
	char mnc[4];
	bool has_tac;
	uint32_t tac;
	bool has_cell_id;
	uint64_t cell_id;
	bool has_coordinates;
	double lat;
	double lon;
};

/* Step 1: get partner MC system connection details request. */
struct cms_ue_request {
	char *mc_service_id;
	struct cms_location location;
	char *requested_partner; /* NULL: automatic */
};

/* Step 7: partner MC system access request. */
struct cms_access_request {
	char *mc_service_id;
	char *primary_system_id;
	char *sip_database; /* NOTE 1: the primary SIP DB (or SLF) identifier */
	char *impi;
	char *impu;
};

/*
 * Revocation reaching the partner (6.Y.3, CMS-to-CMS): one user's migration,
 * named by its outbound identities as in step 7, or with @all_users every
 * user of the primary system (the whole migration agreement).
 */
struct cms_revoke_request {
	char *primary_system_id;
	bool all_users;
	char *mc_service_id; /* one user: these four; all_users: NULL */
	char *sip_database;
	char *impi;
	char *impu;
};

struct cms_connectivity {
	char *con_ref;
	char *apn;
	enum cms_ip_type ip_type;
	enum cms_auth auth;
	char *username;
	char *password; /* a secret: wiped on free */
};

struct cms_pcscf {
	char *transport; /* "udp", "tcp"; NULL when not given */
	char *uri;
};

/*
 * What steps 12 and 13 carry: the partner's identities for this user and its
 * initial UE configuration with the connectivity sets and P-CSCFs.
 */
struct cms_connection {
	char *partner_system_id;
	enum cms_selection selection; /* step 13 only */
	int64_t valid_until;	      /* seconds since the epoch, UTC */
	int64_t validity;	      /* static configuration: seconds */
	char *impi;
	char *impu[CMS_MAX_IMPU];
	size_t n_impu;
	char *home_domain;
	struct cms_pcscf pcscf[CMS_MAX_PCSCF];
	size_t n_pcscf;
	struct cms_connectivity conn[CMS_MAX_CONN];
	size_t n_conn;
	char *initial_config; /* the TS 24.484 document, serialised */
};

void cms_ue_request_clear(struct cms_ue_request *r);
void cms_access_request_clear(struct cms_access_request *r);
void cms_revoke_request_clear(struct cms_revoke_request *r);
void cms_connection_clear(struct cms_connection *c);
/* Deep copy (GLib aborts on out of memory). */
void cms_connection_copy(struct cms_connection *dst, const struct cms_connection *src);

const char *cms_error_code(enum cms_error e);
unsigned int cms_error_http_status(enum cms_error e);
/* Maps an error code string back (for answers from a partner CMS); -1 when unknown. */
int cms_error_from_code(const char *code);
const char *cms_selection_name(enum cms_selection s);
const char *cms_ip_type_name(enum cms_ip_type t);
const char *cms_auth_name(enum cms_auth a);
int cms_ip_type_parse(const char *s, enum cms_ip_type *out);
int cms_auth_parse(const char *s, enum cms_auth *out);

#endif
