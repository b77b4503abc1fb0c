// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The plain data types of mcmig-cms: freeing, copying and the name tables of
 * the error codes (agent/schema/README.md "Errors", tests/bench/cms/README.md).
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "cms.h"
#include "util.h"

static const struct {
	const char *code;
	unsigned int status;
} cms_errors[] = {
	[CMS_OK] = { "ok", 200 },
	[CMS_ERR_BAD_REQUEST] = { "bad-request", 400 },
	[CMS_ERR_NOT_FOUND] = { "not-found", 404 },
	[CMS_ERR_METHOD] = { "method-not-allowed", 405 },
	[CMS_ERR_UNAUTHENTICATED] = { "unauthenticated", 401 },
	[CMS_ERR_NOT_AUTHORISED] = { "not-authorised", 403 },
	[CMS_ERR_PARTNER_REFUSED] = { "partner-refused", 403 },
	[CMS_ERR_NO_PARTNER] = { "no-partner-for-location", 404 },
	[CMS_ERR_TOO_LARGE] = { "too-large", 413 },
	[CMS_ERR_PARTNER_UNREACHABLE] = { "partner-unreachable", 502 },
	[CMS_ERR_UNAVAILABLE] = { "unavailable", 503 },
	[CMS_ERR_SYSTEM_NOT_AUTHORISED] = { "system-not-authorised", 403 },
	[CMS_ERR_USER_NOT_AUTHORISED] = { "user-not-authorised", 403 },
	[CMS_ERR_NO_BINDING] = { "no-binding", 404 },
};

const char *cms_error_code(enum cms_error e)
{
	return (size_t)e < ARRAY_SIZE(cms_errors) ? cms_errors[e].code : "unavailable";
}

unsigned int cms_error_http_status(enum cms_error e)
{
	return (size_t)e < ARRAY_SIZE(cms_errors) ? cms_errors[e].status : 500;
}

int cms_error_from_code(const char *code)
{
	size_t i;

	for (i = 1; code && i < ARRAY_SIZE(cms_errors); i++)
		if (!strcmp(code, cms_errors[i].code))
			return (int)i;
	return -1;
}

const char *cms_selection_name(enum cms_selection s)
{
	switch (s) {
	case CMS_SELECTION_REQUESTED:
		return "requested";
	case CMS_SELECTION_LOCATION:
		return "location";
	case CMS_SELECTION_STATIC:
		return "static";
	}
	return "location";
}

static const char *const ip_type_names[] = {
	[CMS_IP_V4] = "ipv4",
	[CMS_IP_V6] = "ipv6",
	[CMS_IP_V4V6] = "ipv4v6",
};

static const char *const auth_names[] = {
	[CMS_AUTH_NONE] = "none",
	[CMS_AUTH_PAP] = "pap",
	[CMS_AUTH_CHAP] = "chap",
};

const char *cms_ip_type_name(enum cms_ip_type t)
{
	return (size_t)t < ARRAY_SIZE(ip_type_names) ? ip_type_names[t] : "ipv4";
}

const char *cms_auth_name(enum cms_auth a)
{
	return (size_t)a < ARRAY_SIZE(auth_names) ? auth_names[a] : "none";
}

int cms_ip_type_parse(const char *s, enum cms_ip_type *out)
{
	size_t i;

	for (i = 0; s && i < ARRAY_SIZE(ip_type_names); i++) {
		if (!strcmp(s, ip_type_names[i])) {
			*out = (enum cms_ip_type)i;
			return 0;
		}
	}
	return -EINVAL;
}

int cms_auth_parse(const char *s, enum cms_auth *out)
{
	size_t i;

	for (i = 0; s && i < ARRAY_SIZE(auth_names); i++) {
		if (!strcmp(s, auth_names[i])) {
			*out = (enum cms_auth)i;
			return 0;
		}
	}
	return -EINVAL;
}

static void free_secret(char *s)
{
	if (s)
		util_wipe(s, strlen(s));
	g_free(s);
}

void cms_ue_request_clear(struct cms_ue_request *r)
{
	g_free(r->mc_service_id);
	g_free(r->requested_partner);
	memset(r, 0, sizeof(*r));
}

void cms_access_request_clear(struct cms_access_request *r)
{
	g_free(r->mc_service_id);
	g_free(r->primary_system_id);
	g_free(r->sip_database);
	g_free(r->impi);
	g_free(r->impu);
	memset(r, 0, sizeof(*r));
}

void cms_revoke_request_clear(struct cms_revoke_request *r)
{
	g_free(r->primary_system_id);
	g_free(r->mc_service_id);
	g_free(r->sip_database);
	g_free(r->impi);
	g_free(r->impu);
	memset(r, 0, sizeof(*r));
}

void cms_connection_clear(struct cms_connection *c)
{
	size_t i;

	g_free(c->partner_system_id);
	g_free(c->impi);
	for (i = 0; i < c->n_impu; i++)
		g_free(c->impu[i]);
	g_free(c->home_domain);
	for (i = 0; i < c->n_pcscf; i++) {
		g_free(c->pcscf[i].transport);
		g_free(c->pcscf[i].uri);
	}
	for (i = 0; i < c->n_conn; i++) {
		g_free(c->conn[i].con_ref);
		g_free(c->conn[i].apn);
		g_free(c->conn[i].username);
		free_secret(c->conn[i].password);
	}
	g_free(c->initial_config);
	memset(c, 0, sizeof(*c));
}

void cms_connection_copy(struct cms_connection *dst, const struct cms_connection *src)
{
	size_t i;

	*dst = *src;
	dst->partner_system_id = g_strdup(src->partner_system_id);
	dst->impi = g_strdup(src->impi);
	for (i = 0; i < src->n_impu; i++)
		dst->impu[i] = g_strdup(src->impu[i]);
	dst->home_domain = g_strdup(src->home_domain);
	for (i = 0; i < src->n_pcscf; i++) {
		dst->pcscf[i].transport = g_strdup(src->pcscf[i].transport);
		dst->pcscf[i].uri = g_strdup(src->pcscf[i].uri);
	}
	for (i = 0; i < src->n_conn; i++) {
		dst->conn[i].con_ref = g_strdup(src->conn[i].con_ref);
		dst->conn[i].apn = g_strdup(src->conn[i].apn);
		dst->conn[i].username = g_strdup(src->conn[i].username);
		dst->conn[i].password = g_strdup(src->conn[i].password);
	}
	dst->initial_config = g_strdup(src->initial_config);
}
