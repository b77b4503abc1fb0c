// SPDX-License-Identifier: GPL-2.0-or-later
/* mcmig.conf: every key checked, every error names its group and key. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "mcmigd-config.h"
#include "util.h"

#define DEFAULT_STATE_DIR "/var/lib/mcmig"

struct parse {
	GKeyFile *kf;
	char *err;
	size_t err_len;
	char *retired; /* mcmigd_config.retired */
	size_t retired_len;
};

/*
 * Every key the parser accepts (mcmigd-config.h). Retired keys are those an
 * older mcmig.conf may still hold: accepted, without effect, and named in
 * mcmigd_config.retired so that the daemon says so. A device updated in the
 * field must not stop starting over a setting that went away.
 */
const struct mcmigd_config_key mcmigd_config_keys[] = {
	{ "agent", "mc-service-id", NULL },
	{ "agent", "state-dir", NULL },
	{ "agent", "bus", NULL },
	{ "agent", "profile", NULL },
	{ "agent", "static", NULL },
	{ "agent", "board", NULL },
	{ "agent", "boards-dir", NULL },
	{ "cmc", "url", NULL },
	{ "cmc", "ca-file", NULL },
	{ "cmc", "token-file", NULL },
	{ "cmc", "connect-timeout-ms", NULL },
	{ "cmc", "timeout-ms", NULL },
	{ "cmc", "max-attempts", NULL },
	{ "cmc", "backoff-initial-ms", NULL },
	{ "cmc", "backoff-max-ms", NULL },
	{ "idm", "login-url", NULL },
	{ "idm", "auth-endpoint", NULL },
	{ "idm", "token-endpoint", NULL },
	{ "idm", "exchange-endpoint", NULL },
	{ "idm", "client-id", NULL },
	{ "idm", "redirect-uri", NULL },
	{ "idm", "scope", NULL },
	{ "idm", "ca-file", NULL },
	{ "idm", "refresh-token", NULL },
	{ "idm", "timeout-ms", NULL },
	{ "modem", "backend", NULL },
	{ "modem", "device", NULL },
	{ "modem", "proxy", NULL },
	{ "modem", "bus", NULL },
	{ "modem", "netdev", NULL },
	{ "modem", "timeout-ms", NULL },
	{ "card", "reader", NULL },
	{ "card", "timeout-ms", NULL },
	{ "sip", "expires", NULL },
	{ "sip", "max-auth-failures", NULL },
	{ "sip", "force-tcp", NULL },
	{ "sip", "reg-event-expires", NULL },
	{ "timers", "cmc-ms", NULL },
	{ "timers", "pdn-ms", NULL },
	{ "timers", "reg-ms", NULL },
	{ "timers", "dereg-ms", NULL },
	{ "timers", "down-ms", NULL },
	{ "timers", "service-auth-ms", NULL },
	{ "timers", "user-auth-ms", NULL },
	{ "timers", "auth-ms", "the card's answer is bounded by [card] timeout-ms (twice it)" },
	{ "service-auth", "mc-server-uri", NULL },
	{ "service-auth", "token-file", NULL },
	{ "service-auth", "client-id", NULL },
	{ "service-auth", "expires", NULL },
	{ "primary", "plmn", NULL },
	{ "primary", "netdev", NULL },
	{ "primary", "grace-ms", NULL },
	{ "primary", "back-ms", NULL },
	{ "primary", "migrate", NULL },
	{ "primary", "return", NULL },
	{ "primary", "partner", NULL },
	{ MCMIGD_CONFIG_POLICY, "plmn", NULL },
	{ MCMIGD_CONFIG_POLICY, "tac", NULL },
	{ MCMIGD_CONFIG_POLICY, "partner", NULL },
	{ NULL, NULL, NULL },
};

/* The table's name for a group of the file: one for every [policy NAME]. */
static const char *table_group(const char *group)
{
	return strncmp(group, "policy ", 7) == 0 ? MCMIGD_CONFIG_POLICY : group;
}

static bool known_group(const char *group)
{
	const struct mcmigd_config_key *k;

	for (k = mcmigd_config_keys; k->group; k++)
		if (strcmp(k->group, table_group(group)) == 0)
			return true;
	return false;
}

static int bad(struct parse *p, const char *group, const char *key, const char *what,
	       const char *value)
{
	snprintf(p->err, p->err_len, "[%s] %s: %s%s%s%s", group, key, what, value ? " ('" : "",
		 value ? value : "", value ? "')" : "");
	return -EINVAL;
}

/* Copies the string value of group/key into @out; absent keeps @out as is. */
static int str(struct parse *p, const char *group, const char *key, char *out, size_t size,
	       bool mandatory)
{
	char *v = g_key_file_get_string(p->kf, group, key, NULL);
	int ret = 0;

	if (!v) {
		if (mandatory)
			return bad(p, group, key, "missing mandatory key", NULL);
		return 0;
	}
	g_strstrip(v);
	if (mandatory && !*v)
		ret = bad(p, group, key, "must not be empty", NULL);
	else if (util_strlcpy(out, v, size) < 0)
		ret = bad(p, group, key, "too long", NULL);
	g_free(v);
	return ret;
}

static int uint_val(struct parse *p, const char *group, const char *key, unsigned int *out,
		    unsigned int min, unsigned int max)
{
	char *v = g_key_file_get_string(p->kf, group, key, NULL);
	unsigned long n;
	char *end;
	int ret = 0;

	if (!v)
		return 0;
	g_strstrip(v);
	errno = 0;
	n = strtoul(v, &end, 10);
	if (!*v || *end || errno || *v == '-')
		ret = bad(p, group, key, "not a number", v);
	else if (n < min || n > max)
		ret = bad(p, group, key, "out of range", v);
	else
		*out = (unsigned int)n;
	g_free(v);
	return ret;
}

static int bool_val(struct parse *p, const char *group, const char *key, bool *out)
{
	char *v = g_key_file_get_string(p->kf, group, key, NULL);
	int ret = 0;

	if (!v)
		return 0;
	g_strstrip(v);
	if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "1") == 0)
		*out = true;
	else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 || strcmp(v, "0") == 0)
		*out = false;
	else
		ret = bad(p, group, key, "not true or false", v);
	g_free(v);
	return ret;
}

/* Unknown keys are mistakes (a typo would silently keep a default). */
static int check_keys(struct parse *p, const char *group)
{
	gchar **keys = g_key_file_get_keys(p->kf, group, NULL, NULL);
	const struct mcmigd_config_key *k;
	size_t i, n;
	int ret = 0;

	for (i = 0; keys && keys[i] && ret == 0; i++) {
		for (k = mcmigd_config_keys; k->group; k++)
			if (strcmp(k->group, table_group(group)) == 0 &&
			    strcmp(k->key, keys[i]) == 0)
				break;
		if (!k->group) {
			ret = bad(p, group, keys[i], "unknown key", NULL);
		} else if (k->retired) {
			n = strlen(p->retired);
			snprintf(p->retired + n, p->retired_len - n,
				 "%s[%s] %s: no longer used, %s", n ? "; " : "", group, keys[i],
				 k->retired);
		}
	}
	g_strfreev(keys);
	return ret;
}

static bool digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	return n >= min && n <= max && strspn(s, "0123456789") == n;
}

static int parse_policy(struct parse *p, const char *group, struct migrate_policy *pol)
{
	char plmn[16] = "", tac[32] = "";
	char *dash;
	int ret;

	ret = str(p, group, "plmn", plmn, sizeof(plmn), true);
	if (ret == 0)
		ret = str(p, group, "tac", tac, sizeof(tac), false);
	if (ret == 0)
		ret = str(p, group, "partner", pol->partner_id, sizeof(pol->partner_id), false);
	if (ret < 0)
		return ret;
	/* plmn=MCC-MNC (TS 23.003 2.2: 3-digit MCC, 2- or 3-digit MNC) */
	dash = strchr(plmn, '-');
	if (!dash)
		return bad(p, group, "plmn", "not MCC-MNC", plmn);
	*dash = '\0';
	if (!digits(plmn, 3, 3) || !digits(dash + 1, 2, 3)) {
		*dash = '-';
		return bad(p, group, "plmn", "not MCC-MNC", plmn);
	}
	strcpy(pol->mcc, plmn);
	strcpy(pol->mnc, dash + 1);
	if (!tac[0]) {
		pol->any_tac = true;
		return 0;
	}
	dash = strchr(tac, '-');
	if (dash)
		*dash = '\0';
	if (!digits(tac, 1, 8) || (dash && !digits(dash + 1, 1, 8)))
		return bad(p, group, "tac", "not N or N-M (decimal)", tac);
	pol->tac_min = (uint32_t)strtoul(tac, NULL, 10);
	pol->tac_max = dash ? (uint32_t)strtoul(dash + 1, NULL, 10) : pol->tac_min;
	if (pol->tac_min > pol->tac_max || pol->tac_max > 0xffffff)
		return bad(p, group, "tac", "empty range or over 24 bits", tac);
	return 0;
}

/* Splits "MCC-MNC" (TS 23.003 2.2: 3-digit MCC, 2- or 3-digit MNC) in place. */
static bool split_plmn(char *plmn, char **mnc)
{
	char *dash = strchr(plmn, '-');

	if (!dash)
		return false;
	*dash = '\0';
	*mnc = dash + 1;
	if (digits(plmn, 3, 3) && digits(*mnc, 2, 3))
		return true;
	*dash = '-';
	return false;
}

/*
 * [primary]: how the primary's reachability is watched (serving PLMNs from
 * the modem, the primary PDN's netdev over rtnetlink) and what to do.
 */
static int parse_primary(struct parse *p, struct mcmigd_config *c)
{
	static const char *const g = "primary";
	struct primary_config *pc = &c->primary;
	char plmns[128] = "", *mnc;
	gchar **list;
	size_t i;
	int ret;

	c->primary_return = true;
	ret = str(p, g, "plmn", plmns, sizeof(plmns), false);
	if (ret == 0)
		ret = str(p, g, "netdev", pc->netdev, sizeof(pc->netdev), false);
	if (ret == 0)
		ret = uint_val(p, g, "grace-ms", &pc->grace_ms, 100, 3600000);
	if (ret == 0)
		ret = uint_val(p, g, "back-ms", &pc->back_ms, 100, 3600000);
	if (ret == 0)
		ret = bool_val(p, g, "migrate", &c->primary_migrate);
	if (ret == 0)
		ret = bool_val(p, g, "return", &c->primary_return);
	if (ret == 0)
		ret = str(p, g, "partner", c->primary_partner, sizeof(c->primary_partner), false);
	if (ret < 0)
		return ret;
	list = g_strsplit(plmns, ",", -1);
	for (i = 0; list[i] && ret == 0; i++) {
		g_strstrip(list[i]);
		if (!*list[i])
			continue;
		if (pc->n_plmn == PRIMARY_PLMN_MAX)
			ret = bad(p, g, "plmn", "too many PLMNs", list[i]);
		else if (!split_plmn(list[i], &mnc))
			ret = bad(p, g, "plmn", "not a list of MCC-MNC", list[i]);
		else {
			strcpy(pc->plmn[pc->n_plmn].mcc, list[i]);
			strcpy(pc->plmn[pc->n_plmn].mnc, mnc);
			pc->n_plmn++;
		}
	}
	g_strfreev(list);
	if (ret == 0 && c->primary_migrate && !pc->n_plmn && !pc->netdev[0])
		ret = bad(p, g, "migrate", "needs plmn or netdev to watch", NULL);
	return ret;
}

/* [service-auth]: MC service authorisation at the partner (step 25, TS 24.379 7.2.2). */
static int parse_service_auth(struct parse *p, struct mcmigd_config *c)
{
	int ret;

	c->svc_enabled = g_key_file_has_group(p->kf, "service-auth");
	ret = str(p, "service-auth", "mc-server-uri", c->svc_server_uri, sizeof(c->svc_server_uri),
		  false);
	if (ret == 0 && c->svc_server_uri[0] && strncmp(c->svc_server_uri, "sip:", 4) != 0)
		ret = bad(p, "service-auth", "mc-server-uri", "not a sip: URI", c->svc_server_uri);
	if (ret == 0)
		ret = str(p, "service-auth", "token-file", c->svc_token_file,
			  sizeof(c->svc_token_file), false);
	if (ret == 0)
		ret = str(p, "service-auth", "client-id", c->svc_client_id,
			  sizeof(c->svc_client_id), false);
	if (ret == 0 && c->svc_token_file[0] && !c->svc_client_id[0])
		ret = bad(p, "service-auth", "client-id", "needed with token-file", NULL);
	if (ret == 0)
		ret = uint_val(p, "service-auth", "expires", &c->migrate.svc_expires, 60,
			       4294967295u);
	return ret;
}

/* An https:// URL of [idm], mandatory once the group is there (TS 33.180 5.1.4: TLS). */
static int idm_url(struct parse *p, const char *key, char *out, size_t size)
{
	int ret = str(p, "idm", key, out, size, true);

	if (ret == 0 && g_ascii_strncasecmp(out, "https://", 8) != 0)
		ret = bad(p, "idm", key, "must start with https:// (TLS is not optional)", out);
	return ret;
}

static int parse_idm(struct parse *p, struct mcmigd_config *c)
{
	char store[16] = "file";
	int ret;

	if (!g_key_file_has_group(p->kf, "idm"))
		return 0;
	ret = idm_url(p, "login-url", c->idm_login_url, sizeof(c->idm_login_url));
	if (ret == 0)
		ret = idm_url(p, "auth-endpoint", c->idm_auth_endpoint,
			      sizeof(c->idm_auth_endpoint));
	if (ret == 0)
		ret = idm_url(p, "token-endpoint", c->idm_token_endpoint,
			      sizeof(c->idm_token_endpoint));
	if (ret == 0 && g_key_file_has_key(p->kf, "idm", "exchange-endpoint", NULL))
		ret = idm_url(p, "exchange-endpoint", c->idm_exchange_endpoint,
			      sizeof(c->idm_exchange_endpoint));
	if (ret == 0)
		ret = str(p, "idm", "client-id", c->idm_client_id, sizeof(c->idm_client_id), true);
	if (ret == 0)
		ret = str(p, "idm", "redirect-uri", c->idm_redirect_uri,
			  sizeof(c->idm_redirect_uri), true);
	strcpy(c->idm_scope, "openid");
	if (ret == 0)
		ret = str(p, "idm", "scope", c->idm_scope, sizeof(c->idm_scope), false);
	if (ret == 0)
		ret = str(p, "idm", "ca-file", c->idm_ca_file, sizeof(c->idm_ca_file), false);
	if (ret == 0)
		ret = str(p, "idm", "refresh-token", store, sizeof(store), false);
	if (ret == 0 && strcmp(store, "file") && strcmp(store, "memory"))
		ret = bad(p, "idm", "refresh-token", "not file or memory", store);
	c->idm_refresh_in_memory = strcmp(store, "memory") == 0;
	if (ret == 0)
		ret = uint_val(p, "idm", "timeout-ms", &c->idm.timeout_ms, 100, 600000);
	return ret;
}

static int parse_groups(struct parse *p, struct mcmigd_config *c)
{
	static const struct {
		const char *key;
		enum migrate_timer id;
	} timers[] = {
		{ "cmc-ms", MIGRATE_T_CMC },
		{ "pdn-ms", MIGRATE_T_PDN },
		{ "reg-ms", MIGRATE_T_REG },
		{ "dereg-ms", MIGRATE_T_DEREG },
		{ "down-ms", MIGRATE_T_DOWN },
		{ "service-auth-ms", MIGRATE_T_SERVICE_AUTH },
		{ "user-auth-ms", MIGRATE_T_USER_AUTH },
	};
	struct migrate_config *m = &c->migrate;
	gchar **groups;
	char bus[16] = "system";
	size_t i;
	int ret = 0;

	groups = g_key_file_get_groups(p->kf, NULL);
	for (i = 0; groups[i] && ret == 0; i++) {
		const char *g = groups[i];

		if (!known_group(g)) {
			snprintf(p->err, p->err_len, "[%s]: unknown group", g);
			ret = -EINVAL;
			break;
		}
		ret = check_keys(p, g);
		if (ret == 0 && strcmp(table_group(g), MCMIGD_CONFIG_POLICY) == 0) {
			if (m->n_policy == MIGRATE_POLICY_MAX)
				ret = bad(p, g, "plmn", "too many [policy ...] groups", NULL);
			else
				ret = parse_policy(p, g, &m->policy[m->n_policy++]);
		}
	}
	g_strfreev(groups);
	if (ret < 0)
		return ret;

	ret = str(p, "agent", "mc-service-id", c->mc_service_id, sizeof(c->mc_service_id), true);
	if (ret == 0)
		ret = str(p, "agent", "state-dir", c->state_dir, sizeof(c->state_dir), false);
	if (ret == 0)
		ret = str(p, "agent", "bus", bus, sizeof(bus), false);
	if (ret == 0 && strcmp(bus, "system") && strcmp(bus, "session"))
		ret = bad(p, "agent", "bus", "not system or session", bus);
	c->session_bus = strcmp(bus, "session") == 0;
	if (ret == 0)
		ret = str(p, "agent", "profile", c->profile_file, sizeof(c->profile_file), false);
	if (ret == 0)
		ret = str(p, "agent", "static", c->static_file, sizeof(c->static_file), false);
	if (ret == 0)
		ret = str(p, "agent", "board", c->board, sizeof(c->board), false);
	if (ret == 0)
		ret = str(p, "agent", "boards-dir", c->boards_dir, sizeof(c->boards_dir), false);
	if (ret == 0 && strncmp(c->mc_service_id, "sip:", 4) != 0)
		ret = bad(p, "agent", "mc-service-id", "not a sip: URI", c->mc_service_id);

	if (ret == 0)
		ret = str(p, "cmc", "url", c->cmc_url, sizeof(c->cmc_url), true);
	if (ret == 0 && g_ascii_strncasecmp(c->cmc_url, "https://", 8) != 0)
		ret = bad(p, "cmc", "url", "must start with https:// (TLS is not optional)",
			  c->cmc_url);
	if (ret == 0)
		ret = str(p, "cmc", "ca-file", c->cmc_ca_file, sizeof(c->cmc_ca_file), false);
	if (ret == 0)
		ret = str(p, "cmc", "token-file", c->cmc_token_file, sizeof(c->cmc_token_file),
			  false);
	if (ret == 0)
		ret = uint_val(p, "cmc", "connect-timeout-ms", &c->cmc.connect_timeout_ms, 100,
			       600000);
	if (ret == 0)
		ret = uint_val(p, "cmc", "timeout-ms", &c->cmc.total_timeout_ms, 100, 600000);
	if (ret == 0)
		ret = uint_val(p, "cmc", "max-attempts", &c->cmc.max_attempts, 1, 20);
	if (ret == 0)
		ret = uint_val(p, "cmc", "backoff-initial-ms", &c->cmc.backoff_initial_ms, 10,
			       600000);
	if (ret == 0)
		ret = uint_val(p, "cmc", "backoff-max-ms", &c->cmc.backoff_max_ms, 10, 3600000);

	if (ret == 0)
		ret = parse_idm(p, c);

	/* The modem may come from board data (hal/board.h): each key here overrides it. */
	if (ret == 0)
		ret = str(p, "modem", "backend", c->modem_backend, sizeof(c->modem_backend), false);
	if (ret == 0 && c->modem_backend[0] && strcmp(c->modem_backend, "qmi") &&
	    strcmp(c->modem_backend, "mbim") && strcmp(c->modem_backend, "mm"))
		ret = bad(p, "modem", "backend", "not qmi, mbim or mm", c->modem_backend);
	if (ret == 0)
		ret = str(p, "modem", "device", c->modem_device, sizeof(c->modem_device), false);
	if (ret == 0 && !c->modem_backend[0] != !c->modem_device[0])
		ret = bad(p, "modem", c->modem_backend[0] ? "device" : "backend",
			  "backend and device go together (or both come from the board)", NULL);
	if (ret == 0)
		ret = str(p, "modem", "proxy", c->modem_proxy, sizeof(c->modem_proxy), false);
	if (ret == 0)
		ret = str(p, "modem", "bus", c->modem_bus, sizeof(c->modem_bus), false);
	if (ret == 0)
		ret = str(p, "modem", "netdev", c->modem_netdev, sizeof(c->modem_netdev), false);
	if (ret == 0)
		ret = uint_val(p, "modem", "timeout-ms", &c->modem.timeout_ms, 100, 600000);

	if (ret == 0)
		ret = str(p, "card", "reader", c->card_reader, sizeof(c->card_reader), false);
	if (ret == 0)
		ret = uint_val(p, "card", "timeout-ms", &c->card_timeout_ms, 100, 600000);

	if (ret == 0)
		ret = uint_val(p, "sip", "expires", &m->sip_expires, 60, 86400);
	if (ret == 0)
		ret = uint_val(p, "sip", "max-auth-failures", &m->sip_max_auth_failures, 1, 10);
	if (ret == 0)
		ret = bool_val(p, "sip", "force-tcp", &m->sip_force_tcp);
	if (ret == 0)
		ret = uint_val(p, "sip", "reg-event-expires", &m->sip_reg_event_expires, 60,
			       600000);
	for (i = 0; ret == 0 && i < ARRAY_SIZE(timers); i++)
		ret = uint_val(p, "timers", timers[i].key, &m->timeout_ms[timers[i].id], 100,
			       3600000);
	if (ret == 0)
		ret = parse_service_auth(p, c);
	if (ret == 0)
		ret = parse_primary(p, c);
	return ret;
}

int mcmigd_config_parse(const char *data, size_t len, struct mcmigd_config *cfg, char *err,
			size_t err_len)
{
	struct parse p = { .err = err, .err_len = err_len };
	GError *gerr = NULL;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	p.retired = cfg->retired;
	p.retired_len = sizeof(cfg->retired);
	strcpy(cfg->state_dir, DEFAULT_STATE_DIR);
	p.kf = g_key_file_new();
	if (!g_key_file_load_from_data(p.kf, data, len, G_KEY_FILE_NONE, &gerr)) {
		/* GKeyFile's message quotes the offending line. */
		snprintf(err, err_len, "%s", gerr->message);
		g_error_free(gerr);
		g_key_file_free(p.kf);
		return -EINVAL;
	}
	ret = parse_groups(&p, cfg);
	g_key_file_free(p.kf);
	if (ret < 0)
		return ret;
	mcmigd_config_finish(cfg);
	return 0;
}

bool mcmigd_config_has_modem(const struct mcmigd_config *cfg)
{
	return cfg->modem_backend[0] && cfg->modem_device[0];
}

void mcmigd_config_finish(struct mcmigd_config *cfg)
{
	cfg->cmc.url = cfg->cmc_url;
	cfg->cmc.ca_file = cfg->cmc_ca_file[0] ? cfg->cmc_ca_file : NULL;
	cfg->cmc.token_file = cfg->cmc_token_file[0] ? cfg->cmc_token_file : NULL;
	cfg->idm.login_url = cfg->idm_login_url[0] ? cfg->idm_login_url : NULL;
	cfg->idm.auth_endpoint = cfg->idm_auth_endpoint[0] ? cfg->idm_auth_endpoint : NULL;
	cfg->idm.token_endpoint = cfg->idm_token_endpoint[0] ? cfg->idm_token_endpoint : NULL;
	cfg->idm.exchange_endpoint = cfg->idm_exchange_endpoint[0] ? cfg->idm_exchange_endpoint :
								     NULL;
	cfg->idm.client_id = cfg->idm_client_id[0] ? cfg->idm_client_id : NULL;
	cfg->idm.redirect_uri = cfg->idm_redirect_uri[0] ? cfg->idm_redirect_uri : NULL;
	cfg->idm.scope = cfg->idm_scope[0] ? cfg->idm_scope : NULL;
	cfg->idm.ca_file = cfg->idm_ca_file[0] ? cfg->idm_ca_file : NULL;
	cfg->modem.backend = cfg->modem_backend;
	cfg->modem.device = cfg->modem_device;
	cfg->modem.proxy = cfg->modem_proxy[0] ? cfg->modem_proxy : NULL;
	cfg->modem.bus = cfg->modem_bus[0] ? cfg->modem_bus : "system";
	cfg->modem.netdev = cfg->modem_netdev[0] ? cfg->modem_netdev : NULL;
	cfg->migrate.mc_service_id = cfg->mc_service_id;
	cfg->migrate.mc_server_uri = cfg->svc_server_uri[0] ? cfg->svc_server_uri : NULL;
}
