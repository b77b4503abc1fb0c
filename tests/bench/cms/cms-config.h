/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcmig-cms configuration (a GKeyFile; every key is documented in
 * tests/bench/cms/README.md) and the pure decisions taken on it: bearer token
 * lookup (step 1), partner selection (step 3), primary system and user
 * authorisation at the partner (step 8).
 */
#ifndef MCMIG_CMS_CONFIG_H
#define MCMIG_CMS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cms.h"

#define CMS_SHA256_LEN 32

enum cms_role {
	CMS_ROLE_PRIMARY,
	CMS_ROLE_PARTNER,
};

/* A user of the primary system ([user <MC service ID>]). */
struct cms_user {
	char *mc_service_id;
	uint8_t token_sha256[CMS_SHA256_LEN];
	char *impi;
	char *impu;
	bool migration;		  /* step 2 */
	bool outbound_identities; /* steps 4-6 policy */
	char **partners;	  /* systems this user has an agreement with (step 3) */
};

/* MCC-MNC[:TAC[-TAC]] served by a partner (step 3). */
struct cms_serve_range {
	char mcc[4];
	char mnc[4];
	bool any_tac;
	uint32_t tac_lo;
	uint32_t tac_hi;
};

/* A partner system known to the primary ([partner <system id>]). */
struct cms_partner {
	char *system_id;
	char *url; /* CMS-to-CMS base URL; NULL in static mode */
	struct cms_serve_range *ranges;
	size_t n_ranges;
	struct cms_connection *static_conf; /* NOTE 2 mode when set */
};

/* A primary system allowed at the partner ([primary-system <system id>]). */
struct cms_primary_system {
	char *system_id;
	bool has_fingerprint;
	uint8_t cert_sha256[CMS_SHA256_LEN];
	char *subject; /* RFC 4514 DN of the client certificate, or NULL */
	char **sip_databases;
	char **users; /* MC service IDs, or the single entry "*" */
};

struct cms_config {
	char *path;
	enum cms_role role;
	char *system_id;
	char *listen;
	unsigned int port;
	char *certificate;
	char *key;
	char *ca;
	char *admin_listen;
	unsigned int admin_port;
	size_t max_body;
	unsigned int connection_timeout;

	/* primary */
	char *client_certificate;
	char *client_key;
	unsigned int partner_timeout;
	char *sip_database_id;
	struct cms_user *users;
	size_t n_users;
	struct cms_partner *partners;
	size_t n_partners;

	/* partner */
	struct cms_primary_system *primaries;
	size_t n_primaries;
	struct cms_connection offer; /* identities empty; NULL username/password: generated */

	/* [sipdb]: backend name; the backend reads its own keys from @keyfile */
	char *sipdb_backend;
	void *keyfile; /* GKeyFile */
};

/* Loads @path; relative file names inside are relative to its directory. */
int cms_config_load(const char *path, struct cms_config **out, char **why);
/* The same from memory; @dir resolves relative file names. */
int cms_config_load_data(const char *data, size_t len, const char *dir, struct cms_config **out,
			 char **why);
void cms_config_free(struct cms_config *cfg);

int cms_range_parse(const char *s, struct cms_serve_range *out);

/*
 * Step 1: the user whose token hash matches, comparing every user in
 * constant time. NULL when none.
 */
const struct cms_user *cms_user_by_token(const struct cms_config *cfg, const char *token,
					 size_t len);
const struct cms_partner *cms_partner_by_id(const struct cms_config *cfg, const char *id);

/*
 * Step 3: the requested partner when @u has an agreement with it, else the
 * first agreed partner (configuration order) serving @loc. Returns CMS_OK or
 * CMS_ERR_NO_PARTNER.
 */
enum cms_error cms_select_partner(const struct cms_config *cfg, const struct cms_user *u,
				  const struct cms_location *loc, const char *requested,
				  const struct cms_partner **out, enum cms_selection *how);
bool cms_partner_serves(const struct cms_partner *p, const struct cms_location *loc);

/* Step 8: the primary system presenting this client certificate (DER SHA-256, DN). */
const struct cms_primary_system *cms_primary_by_certificate(const struct cms_config *cfg,
							    const uint8_t sha256[CMS_SHA256_LEN],
							    const char *subject);
bool cms_primary_allows_user(const struct cms_primary_system *p, const char *mc_service_id);
bool cms_primary_allows_sip_database(const struct cms_primary_system *p, const char *id);

#endif
