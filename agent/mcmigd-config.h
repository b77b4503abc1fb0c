/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcmig.conf (GKeyFile; mcmig.conf(5), agent/man/, documents every key). Pure:
 * parses a buffer; a malformed file or value is an error naming the group,
 * the key and what is wrong with it.
 */
#ifndef MCMIG_MCMIGD_CONFIG_H
#define MCMIG_MCMIGD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "cmc.h"
#include "idm.h"
#include "migrate.h"
#include "modem.h"
#include "netdev.h"
#include "primary.h"

#define MCMIGD_PATH_MAX 256

struct mcmigd_config {
	/* [agent] */
	char mc_service_id[PCFG_STR_MAX];
	char state_dir[MCMIGD_PATH_MAX];
	bool session_bus;
	char profile_file[MCMIGD_PATH_MAX]; /* "" = none (TS 23.280 10.1.6) */
	char static_file[MCMIGD_PATH_MAX];  /* "" = none (seed NOTE 2) */
	char board[64];			    /* "" = by devicetree, or none with [modem] */
	char boards_dir[MCMIGD_PATH_MAX];   /* "" = the installed boards/ */
	/* [cmc] */
	char cmc_url[MCMIGD_PATH_MAX];
	char cmc_ca_file[MCMIGD_PATH_MAX];
	char cmc_token_file[MCMIGD_PATH_MAX];
	struct cmc_config cmc; /* strings point into the fields above */
	/* [idm]: MC service user authentication (issue 14); no [idm] = none */
	char idm_login_url[MCMIGD_PATH_MAX];
	char idm_auth_endpoint[MCMIGD_PATH_MAX];
	char idm_token_endpoint[MCMIGD_PATH_MAX];
	char idm_exchange_endpoint[MCMIGD_PATH_MAX];
	char idm_client_id[IDM_CLIENT_ID_MAX];
	char idm_redirect_uri[MCMIGD_PATH_MAX];
	char idm_scope[MCMIGD_PATH_MAX];
	char idm_ca_file[MCMIGD_PATH_MAX];
	bool idm_refresh_in_memory; /* refresh-token = memory: never written to disk */
	struct idm_config idm; /* strings point into the fields above; refresh file by mcmigd */
	/* [modem] */
	char modem_backend[16];
	char modem_device[MCMIGD_PATH_MAX];
	char modem_proxy[MCMIGD_PATH_MAX];
	char modem_bus[16];
	char modem_netdev[MODEM_NETDEV_LIST_MAX];
	struct modem_config modem;
	/* From board data: the partner's mux link, made by the modem backend. */
	struct netdev_link modem_link; /* parent points at the field below */
	char modem_link_parent[MODEM_IFNAME_MAX];
	/* [card] */
	char card_reader[MCMIGD_PATH_MAX];
	unsigned int card_timeout_ms;
	/* [sip], [timers], [policy ...] */
	struct migrate_config migrate; /* mc_service_id points into the field above */
	/* [service-auth]: step 25 (TS 24.379 7.2.2); the group present = the step is on */
	bool svc_enabled;
	char svc_server_uri[PCFG_STR_MAX];    /* "" = sip:mcptt@ the partner's domain */
	char svc_token_file[MCMIGD_PATH_MAX]; /* "" = no token source: the step is skipped */
	char svc_client_id[IDM_CLIENT_ID_MAX];
	/* [primary]: the "primary unreachable" trigger (agent/primary.h) */
	struct primary_config primary;
	bool primary_migrate;		    /* migrate when unreachable */
	bool primary_return;		    /* return when reachable again */
	char primary_partner[PCFG_STR_MAX]; /* "" = the current or last partner */
	/* Keys of an older configuration, accepted without effect ("" = none). */
	char retired[256];
};

/* The group that stands for every [policy NAME] in mcmigd_config_keys. */
#define MCMIGD_CONFIG_POLICY "policy NAME"

/*
 * One key the parser accepts. The table is what the manual (mcmig.conf(5))
 * and the sample are checked against (tests/unit/test_mcmigd_config.c).
 */
struct mcmigd_config_key {
	const char *group;
	const char *key;
	const char *retired; /* why it is no longer used; NULL while it is */
};

/* Every key, retired ones included; ends with a NULL group. */
extern const struct mcmigd_config_key mcmigd_config_keys[];

/*
 * Parses @len bytes of @data. Returns 0, or -EINVAL with @err ("[cmc] url:
 * must start with https://") naming what is wrong. [modem] backend and
 * device may come from board data instead (mcmigd_config_has_modem).
 */
int mcmigd_config_parse(const char *data, size_t len, struct mcmigd_config *cfg, char *err,
			size_t err_len);

/* Whether mcmig.conf itself names the modem ([modem] backend and device). */
bool mcmigd_config_has_modem(const struct mcmigd_config *cfg);

/* Points the plain-C configs (cmc, modem, migrate) at the fields; after any change. */
void mcmigd_config_finish(struct mcmigd_config *cfg);

#endif
