// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmig-cms configuration: loading and checking the GKeyFile, and the pure
 * decisions of steps 1, 3 and 8 taken on it.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "cms-config.h"
#include "cms-xml.h"
#include "util.h"

#define CMS_DEFAULT_MAX_BODY	    16384 /* agent/schema/README.md: 16 KiB */
#define CMS_DEFAULT_CONN_TIMEOUT    10
#define CMS_DEFAULT_PARTNER_TIMEOUT 10
#define CMS_DEFAULT_VALIDITY	    86400

struct loader {
	GKeyFile *kf;
	const char *dir;
	char **why;
};

static int fail(struct loader *l, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int fail(struct loader *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*l->why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A string key; @need: missing is an error. */
static int get_str(struct loader *l, const char *group, const char *key, bool need, char **out)
{
	GError *err = NULL;

	*out = g_key_file_get_string(l->kf, group, key, &err);
	if (*out) {
		g_strstrip(*out);
		if (**out)
			return 0;
		g_clear_pointer(out, g_free);
	}
	g_clear_error(&err);
	return need ? fail(l, "[%s] %s is missing", group, key) : 0;
}

static int get_uint(struct loader *l, const char *group, const char *key, uint64_t def,
		    uint64_t max, uint64_t *out)
{
	char *s = NULL;
	guint64 v;

	get_str(l, group, key, false, &s);
	if (!s) {
		*out = def;
		return 0;
	}
	if (!g_ascii_string_to_unsigned(s, 10, 0, max, &v, NULL)) {
		g_free(s);
		return fail(l, "[%s] %s must be a number from 0 to %llu", group, key,
			    (unsigned long long)max);
	}
	g_free(s);
	*out = v;
	return 0;
}

static int get_bool(struct loader *l, const char *group, const char *key, bool def, bool *out)
{
	char *s = NULL;

	get_str(l, group, key, false, &s);
	if (!s) {
		*out = def;
		return 0;
	}
	if (!strcmp(s, "true") || !strcmp(s, "yes")) {
		*out = true;
	} else if (!strcmp(s, "false") || !strcmp(s, "no")) {
		*out = false;
	} else {
		g_free(s);
		return fail(l, "[%s] %s must be true or false", group, key);
	}
	g_free(s);
	return 0;
}

static char **get_list(struct loader *l, const char *group, const char *key)
{
	char **v = g_key_file_get_string_list(l->kf, group, key, NULL, NULL);
	size_t i, j;

	if (!v)
		return g_new0(char *, 1);
	for (i = j = 0; v[i]; i++) {
		g_strstrip(v[i]);
		if (*v[i])
			v[j++] = v[i];
		else
			g_free(v[i]);
	}
	v[j] = NULL;
	return v;
}

static char *resolve(struct loader *l, char *name)
{
	char *p;

	if (!name || g_path_is_absolute(name))
		return name;
	p = g_build_filename(l->dir, name, NULL);
	g_free(name);
	return p;
}

static int get_file(struct loader *l, const char *group, const char *key, bool need, char **out)
{
	int ret = get_str(l, group, key, need, out);

	*out = resolve(l, *out);
	return ret;
}

static int read_file(struct loader *l, const char *group, const char *key, const char *path,
		     char **data, size_t *len)
{
	GError *err = NULL;
	gsize n;

	if (!g_file_get_contents(path, data, &n, &err)) {
		fail(l, "[%s] %s: %s", group, key, err->message);
		g_error_free(err);
		return -EINVAL;
	}
	*len = n;
	return 0;
}

static int parse_sha256(const char *hex, uint8_t out[CMS_SHA256_LEN])
{
	char *plain = g_strdup(hex);
	char *w = plain;
	const char *r;
	int ret;

	/* Accept the "AB:CD:..." form openssl prints as well as plain hex. */
	for (r = hex; *r; r++)
		if (*r != ':')
			*w++ = *r;
	*w = '\0';
	ret = util_hex_decode(plain, out, CMS_SHA256_LEN);
	g_free(plain);
	return ret;
}

int cms_range_parse(const char *s, struct cms_serve_range *out)
{
	struct cms_serve_range r = { .any_tac = true };
	char **p = NULL, **t = NULL;
	guint64 lo, hi;
	int ret = -EINVAL;
	const char *plmn = s, *tac;
	char buf[16];

	tac = strchr(s, ':');
	if (tac) {
		if ((size_t)(tac - s) >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, s, (size_t)(tac - s));
		buf[tac - s] = '\0';
		plmn = buf;
		tac++;
	}
	p = g_strsplit(plmn, "-", 3);
	if (g_strv_length(p) != 2 || strlen(p[0]) != 3 || strlen(p[1]) < 2 || strlen(p[1]) > 3 ||
	    strspn(p[0], "0123456789") != 3 || strspn(p[1], "0123456789") != strlen(p[1]))
		goto out;
	strcpy(r.mcc, p[0]);
	strcpy(r.mnc, p[1]);
	if (tac) {
		t = g_strsplit(tac, "-", 3);
		if (g_strv_length(t) < 1 || g_strv_length(t) > 2 ||
		    !g_ascii_string_to_unsigned(t[0], 10, 0, 0xffffff, &lo, NULL))
			goto out;
		hi = lo;
		if (t[1] && !g_ascii_string_to_unsigned(t[1], 10, lo, 0xffffff, &hi, NULL))
			goto out;
		r.any_tac = false;
		r.tac_lo = (uint32_t)lo;
		r.tac_hi = (uint32_t)hi;
	}
	*out = r;
	ret = 0;
out:
	g_strfreev(p);
	g_strfreev(t);
	return ret;
}

static int load_user(struct loader *l, const char *group, struct cms_user *u)
{
	char *hex = NULL;
	int ret;

	u->mc_service_id = g_strdup(group + strlen("user "));
	ret = get_str(l, group, "token-sha256", true, &hex);
	if (ret)
		return ret;
	if (parse_sha256(hex, u->token_sha256)) {
		g_free(hex);
		return fail(l, "[%s] token-sha256 must be 64 hex digits", group);
	}
	g_free(hex);
	ret = get_str(l, group, "impi", true, &u->impi);
	if (!ret)
		ret = get_str(l, group, "impu", true, &u->impu);
	if (!ret)
		ret = get_bool(l, group, "migration", false, &u->migration);
	if (!ret)
		ret = get_bool(l, group, "outbound-identities", true, &u->outbound_identities);
	u->partners = get_list(l, group, "partners");
	return ret;
}

static int load_static(struct loader *l, const char *group, const char *path, struct cms_partner *p)
{
	char *data = NULL, *why = NULL;
	size_t len;
	int ret;

	ret = read_file(l, group, "static-configuration", path, &data, &len);
	if (ret)
		return ret;
	p->static_conf = g_new0(struct cms_connection, 1);
	ret = cms_xml_parse_connection(data, len, CMS_NS_CMS, "partner-static-configuration",
				       CMS_XML_STATIC, p->static_conf, &why);
	util_wipe(data, len);
	g_free(data);
	if (ret) {
		g_clear_pointer(&p->static_conf, g_free);
		ret = fail(l, "[%s] static-configuration %s: %s", group, path, why);
		g_free(why);
		return ret;
	}
	g_free(p->static_conf->partner_system_id);
	p->static_conf->partner_system_id = g_strdup(p->system_id);
	return 0;
}

static int load_partner(struct loader *l, const char *group, struct cms_partner *p)
{
	char **serves, *path = NULL;
	size_t i;
	int ret;

	p->system_id = g_strdup(group + strlen("partner "));
	serves = get_list(l, group, "serves");
	p->n_ranges = g_strv_length(serves);
	p->ranges = g_new0(struct cms_serve_range, p->n_ranges);
	for (i = 0; i < p->n_ranges; i++) {
		if (cms_range_parse(serves[i], &p->ranges[i])) {
			ret = fail(l, "[%s] serves: '%s' is not MCC-MNC[:TAC[-TAC]]", group,
				   serves[i]);
			g_strfreev(serves);
			return ret;
		}
	}
	g_strfreev(serves);
	ret = get_file(l, group, "static-configuration", false, &path);
	if (!ret && path)
		ret = load_static(l, group, path, p);
	g_free(path);
	if (ret)
		return ret;
	ret = get_str(l, group, "url", !p->static_conf, &p->url);
	if (!ret && p->url && !g_str_has_prefix(p->url, "https://"))
		ret = fail(l, "[%s] url must be https://", group);
	return ret;
}

static int load_primary_system(struct loader *l, const char *group, struct cms_primary_system *p)
{
	char *hex = NULL;
	int ret;

	p->system_id = g_strdup(group + strlen("primary-system "));
	ret = get_str(l, group, "certificate-sha256", false, &hex);
	if (!ret)
		ret = get_str(l, group, "subject", false, &p->subject);
	if (ret)
		goto out;
	if (hex) {
		if (parse_sha256(hex, p->cert_sha256)) {
			ret = fail(l, "[%s] certificate-sha256 must be 32 bytes of hex", group);
			goto out;
		}
		p->has_fingerprint = true;
	}
	if (!p->has_fingerprint && !p->subject) {
		ret = fail(l, "[%s] needs certificate-sha256 or subject", group);
		goto out;
	}
	p->sip_databases = get_list(l, group, "sip-databases");
	p->users = get_list(l, group, "users");
	if (!p->sip_databases[0] || !p->users[0])
		ret = fail(l, "[%s] needs sip-databases and users", group);
out:
	g_free(hex);
	return ret;
}

static int load_connectivity(struct loader *l, const char *name, struct cms_connectivity *c)
{
	char *group = g_strdup_printf("connectivity %s", name), *s = NULL;
	int ret;

	c->con_ref = g_strdup(name);
	if (!g_key_file_has_group(l->kf, group)) {
		ret = fail(l, "[offer] connectivity names '%s' but there is no [%s]", name, group);
		goto out;
	}
	ret = get_str(l, group, "apn", true, &c->apn);
	if (!ret)
		ret = get_str(l, group, "ip-type", true, &s);
	if (ret)
		goto out;
	if (cms_ip_type_parse(s, &c->ip_type)) {
		ret = fail(l, "[%s] ip-type must be ipv4, ipv6 or ipv4v6", group);
		goto out;
	}
	g_clear_pointer(&s, g_free);
	get_str(l, group, "auth", false, &s);
	c->auth = CMS_AUTH_NONE;
	if (s && cms_auth_parse(s, &c->auth)) {
		ret = fail(l, "[%s] auth must be none, pap or chap", group);
		goto out;
	}
	if (c->auth == CMS_AUTH_NONE)
		goto out;
	/* Absent or "generate": a fresh value per user and migration. */
	get_str(l, group, "username", false, &c->username);
	get_str(l, group, "password", false, &c->password);
	if (c->username && !strcmp(c->username, "generate"))
		g_clear_pointer(&c->username, g_free);
	if (c->password && !strcmp(c->password, "generate"))
		g_clear_pointer(&c->password, g_free);
out:
	g_free(s);
	g_free(group);
	return ret;
}

static int load_offer(struct loader *l, struct cms_config *cfg)
{
	struct cms_connection *o = &cfg->offer;
	char **names = NULL, **pcscf = NULL, *path = NULL, *data = NULL, *why = NULL;
	uint64_t v;
	size_t len, i;
	int ret;

	o->partner_system_id = g_strdup(cfg->system_id);
	ret = get_str(l, "offer", "home-domain", true, &o->home_domain);
	if (!ret)
		ret = get_uint(l, "offer", "validity", CMS_DEFAULT_VALIDITY, 366 * 86400, &v);
	if (ret)
		return ret;
	o->validity = (int64_t)v;
	pcscf = get_list(l, "offer", "pcscf");
	for (i = 0; pcscf[i]; i++) {
		char *colon = strchr(pcscf[i], ':');

		if (i == CMS_MAX_PCSCF || !colon || !g_str_has_prefix(colon + 1, "sip:")) {
			ret = fail(l, "[offer] pcscf: '%s' is not TRANSPORT:sip:URI (at most %d)",
				   pcscf[i], CMS_MAX_PCSCF);
			goto out;
		}
		/* "any": no transport attribute, the UE chooses (RFC 3263 4.1). */
		if (!g_str_has_prefix(pcscf[i], "any:"))
			o->pcscf[i].transport = g_strndup(pcscf[i], (gsize)(colon - pcscf[i]));
		o->pcscf[i].uri = g_strdup(colon + 1);
		o->n_pcscf++;
	}
	names = get_list(l, "offer", "connectivity");
	if (!names[0] || g_strv_length(names) > CMS_MAX_CONN) {
		ret = fail(l, "[offer] connectivity must name 1 to %d [connectivity NAME] groups",
			   CMS_MAX_CONN);
		goto out;
	}
	for (i = 0; names[i]; i++) {
		ret = load_connectivity(l, names[i], &o->conn[o->n_conn++]);
		if (ret)
			goto out;
	}
	ret = get_file(l, "offer", "initial-ue-configuration", true, &path);
	if (!ret)
		ret = read_file(l, "offer", "initial-ue-configuration", path, &data, &len);
	if (ret)
		goto out;
	if (cms_xml_check_initial_config(data, len, o, &why)) {
		ret = fail(l, "[offer] initial-ue-configuration %s: %s", path, why);
		goto out;
	}
	o->initial_config = g_steal_pointer(&data);
out:
	g_strfreev(pcscf);
	g_strfreev(names);
	g_free(path);
	g_free(data);
	g_free(why);
	return ret;
}

static int load(struct loader *l, struct cms_config *cfg)
{
	char **groups, *role = NULL;
	size_t i, j, n_users = 0, n_partners = 0, n_primaries = 0;
	uint64_t v;
	int ret;

	ret = get_str(l, "server", "role", true, &role);
	if (ret)
		return ret;
	if (!strcmp(role, "primary")) {
		cfg->role = CMS_ROLE_PRIMARY;
	} else if (!strcmp(role, "partner")) {
		cfg->role = CMS_ROLE_PARTNER;
	} else {
		g_free(role);
		return fail(l, "[server] role must be primary or partner");
	}
	g_free(role);
	ret = get_str(l, "server", "system-id", true, &cfg->system_id);
	if (!ret)
		ret = get_str(l, "server", "listen", true, &cfg->listen);
	if (!ret)
		ret = get_uint(l, "server", "port", 0, 65535, &v);
	if (ret)
		return ret;
	if (!v)
		return fail(l, "[server] port is missing");
	cfg->port = (unsigned int)v;
	ret = get_file(l, "server", "certificate", true, &cfg->certificate);
	if (!ret)
		ret = get_file(l, "server", "key", true, &cfg->key);
	if (!ret)
		ret = get_file(l, "server", "ca", true, &cfg->ca);
	if (!ret)
		ret = get_str(l, "server", "admin-listen", false, &cfg->admin_listen);
	if (!ret)
		ret = get_uint(l, "server", "admin-port", 0, 65535, &v);
	if (ret)
		return ret;
	cfg->admin_port = (unsigned int)v;
	if (!cfg->admin_listen)
		cfg->admin_listen = g_strdup("127.0.0.1");
	ret = get_uint(l, "server", "max-body", CMS_DEFAULT_MAX_BODY, 1 << 20, &v);
	if (ret)
		return ret;
	cfg->max_body = (size_t)v;
	ret = get_uint(l, "server", "connection-timeout", CMS_DEFAULT_CONN_TIMEOUT, 3600, &v);
	if (ret)
		return ret;
	if (!v)
		return fail(l, "[server] connection-timeout must not be 0");
	cfg->connection_timeout = (unsigned int)v;
	ret = get_str(l, "sipdb", "backend", true, &cfg->sipdb_backend);
	if (ret)
		return ret;

	groups = g_key_file_get_groups(l->kf, NULL);
	for (i = 0; groups[i]; i++) {
		n_users += g_str_has_prefix(groups[i], "user ");
		n_partners += g_str_has_prefix(groups[i], "partner ");
		n_primaries += g_str_has_prefix(groups[i], "primary-system ");
	}
	cfg->users = g_new0(struct cms_user, n_users);
	cfg->partners = g_new0(struct cms_partner, n_partners);
	cfg->primaries = g_new0(struct cms_primary_system, n_primaries);
	for (i = 0; groups[i] && !ret; i++) {
		if (g_str_has_prefix(groups[i], "user "))
			ret = load_user(l, groups[i], &cfg->users[cfg->n_users++]);
		else if (g_str_has_prefix(groups[i], "partner "))
			ret = load_partner(l, groups[i], &cfg->partners[cfg->n_partners++]);
		else if (g_str_has_prefix(groups[i], "primary-system "))
			ret = load_primary_system(l, groups[i],
						  &cfg->primaries[cfg->n_primaries++]);
	}
	g_strfreev(groups);
	if (ret)
		return ret;

	switch (cfg->role) {
	case CMS_ROLE_PRIMARY:
		ret = get_file(l, "client", "certificate", true, &cfg->client_certificate);
		if (!ret)
			ret = get_file(l, "client", "key", true, &cfg->client_key);
		if (!ret)
			ret = get_uint(l, "client", "timeout", CMS_DEFAULT_PARTNER_TIMEOUT, 300,
				       &v);
		if (!ret)
			ret = get_str(l, "sipdb", "identifier", true, &cfg->sip_database_id);
		if (ret)
			return ret;
		cfg->partner_timeout = (unsigned int)(v ? v : 1);
		if (!cfg->n_users || !cfg->n_partners)
			return fail(l, "a primary needs [user ...] and [partner ...] groups");
		for (i = 0; i < cfg->n_users; i++)
			for (j = 0; cfg->users[i].partners[j]; j++)
				if (!cms_partner_by_id(cfg, cfg->users[i].partners[j]))
					return fail(l, "[user %s] partners: no [partner %s]",
						    cfg->users[i].mc_service_id,
						    cfg->users[i].partners[j]);
		return 0;
	case CMS_ROLE_PARTNER:
		if (!cfg->n_primaries)
			return fail(l, "a partner needs [primary-system ...] groups");
		return load_offer(l, cfg);
	}
	return -EINVAL;
}

int cms_config_load_data(const char *data, size_t len, const char *dir, struct cms_config **out,
			 char **why)
{
	struct cms_config *cfg = g_new0(struct cms_config, 1);
	struct loader l = { .dir = dir, .why = why };
	GError *err = NULL;
	int ret;

	l.kf = g_key_file_new();
	cfg->keyfile = l.kf;
	if (!g_key_file_load_from_data(l.kf, data, len, G_KEY_FILE_NONE, &err)) {
		*why = g_strdup(err->message);
		g_error_free(err);
		cms_config_free(cfg);
		return -EINVAL;
	}
	ret = load(&l, cfg);
	if (ret) {
		cms_config_free(cfg);
		return ret;
	}
	*out = cfg;
	return 0;
}

int cms_config_load(const char *path, struct cms_config **out, char **why)
{
	GError *err = NULL;
	char *data, *dir;
	gsize len;
	int ret;

	if (!g_file_get_contents(path, &data, &len, &err)) {
		*why = g_strdup(err->message);
		g_error_free(err);
		return -ENOENT;
	}
	dir = g_path_get_dirname(path);
	ret = cms_config_load_data(data, len, dir, out, why);
	/* The file holds token hashes and possibly fixed PAP/CHAP passwords. */
	util_wipe(data, len);
	g_free(data);
	g_free(dir);
	if (!ret)
		(*out)->path = g_strdup(path);
	return ret;
}

void cms_config_free(struct cms_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n_users; i++) {
		g_free(cfg->users[i].mc_service_id);
		g_free(cfg->users[i].impi);
		g_free(cfg->users[i].impu);
		g_strfreev(cfg->users[i].partners);
	}
	g_free(cfg->users);
	for (i = 0; i < cfg->n_partners; i++) {
		g_free(cfg->partners[i].system_id);
		g_free(cfg->partners[i].url);
		g_free(cfg->partners[i].ranges);
		if (cfg->partners[i].static_conf)
			cms_connection_clear(cfg->partners[i].static_conf);
		g_free(cfg->partners[i].static_conf);
	}
	g_free(cfg->partners);
	for (i = 0; i < cfg->n_primaries; i++) {
		g_free(cfg->primaries[i].system_id);
		g_free(cfg->primaries[i].subject);
		g_strfreev(cfg->primaries[i].sip_databases);
		g_strfreev(cfg->primaries[i].users);
	}
	g_free(cfg->primaries);
	cms_connection_clear(&cfg->offer);
	g_free(cfg->path);
	g_free(cfg->system_id);
	g_free(cfg->listen);
	g_free(cfg->certificate);
	g_free(cfg->key);
	g_free(cfg->ca);
	g_free(cfg->admin_listen);
	g_free(cfg->client_certificate);
	g_free(cfg->client_key);
	g_free(cfg->sip_database_id);
	g_free(cfg->sipdb_backend);
	if (cfg->keyfile)
		g_key_file_free(cfg->keyfile);
	g_free(cfg);
}

const struct cms_user *cms_user_by_token(const struct cms_config *cfg, const char *token,
					 size_t len)
{
	const struct cms_user *found = NULL;
	uint8_t digest[CMS_SHA256_LEN];
	gsize dlen = sizeof(digest);
	GChecksum *ck;
	size_t i;

	ck = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(ck, (const guchar *)token, (gssize)len);
	g_checksum_get_digest(ck, digest, &dlen);
	g_checksum_free(ck);
	/* Every user is compared, whatever matched, so timing tells nothing. */
	for (i = 0; i < cfg->n_users; i++)
		if (util_equal_ct(digest, cfg->users[i].token_sha256, sizeof(digest)) && !found)
			found = &cfg->users[i];
	util_wipe(digest, sizeof(digest));
	return found;
}

const struct cms_partner *cms_partner_by_id(const struct cms_config *cfg, const char *id)
{
	size_t i;

	for (i = 0; id && i < cfg->n_partners; i++)
		if (!strcmp(cfg->partners[i].system_id, id))
			return &cfg->partners[i];
	return NULL;
}

static bool has_agreement(const struct cms_user *u, const char *system_id)
{
	return g_strv_contains((const char *const *)u->partners, system_id);
}

bool cms_partner_serves(const struct cms_partner *p, const struct cms_location *loc)
{
	const struct cms_serve_range *r;
	size_t i;

	for (i = 0; i < p->n_ranges; i++) {
		r = &p->ranges[i];
		if (strcmp(r->mcc, loc->mcc) || strcmp(r->mnc, loc->mnc))
			continue;
		if (r->any_tac)
			return true;
		/* A TAC-bounded range says nothing about a location without a TAC. */
		if (loc->has_tac && loc->tac >= r->tac_lo && loc->tac <= r->tac_hi)
			return true;
	}
	return false;
}

enum cms_error cms_select_partner(const struct cms_config *cfg, const struct cms_user *u,
				  const struct cms_location *loc, const char *requested,
				  const struct cms_partner **out, enum cms_selection *how)
{
	const struct cms_partner *p;
	size_t i;

	/* TR 23.781 6.Y.1 step 3: the requested partner only under an agreement. */
	p = cms_partner_by_id(cfg, requested);
	if (p && has_agreement(u, p->system_id)) {
		*out = p;
		*how = p->static_conf ? CMS_SELECTION_STATIC : CMS_SELECTION_REQUESTED;
		return CMS_OK;
	}
	for (i = 0; i < cfg->n_partners; i++) {
		p = &cfg->partners[i];
		if (has_agreement(u, p->system_id) && cms_partner_serves(p, loc)) {
			*out = p;
			*how = p->static_conf ? CMS_SELECTION_STATIC : CMS_SELECTION_LOCATION;
			return CMS_OK;
		}
	}
	return CMS_ERR_NO_PARTNER;
}

const struct cms_primary_system *cms_primary_by_certificate(const struct cms_config *cfg,
							    const uint8_t sha256[CMS_SHA256_LEN],
							    const char *subject)
{
	const struct cms_primary_system *p;
	size_t i;

	for (i = 0; i < cfg->n_primaries; i++) {
		p = &cfg->primaries[i];
		/* Both must match when both are configured. */
		if (p->has_fingerprint &&
		    (!sha256 || memcmp(p->cert_sha256, sha256, CMS_SHA256_LEN)))
			continue;
		if (p->subject && (!subject || strcmp(p->subject, subject)))
			continue;
		return p;
	}
	return NULL;
}

bool cms_primary_allows_user(const struct cms_primary_system *p, const char *mc_service_id)
{
	return g_strv_contains((const char *const *)p->users, "*") ||
	       g_strv_contains((const char *const *)p->users, mc_service_id);
}

bool cms_primary_allows_sip_database(const struct cms_primary_system *p, const char *id)
{
	return g_strv_contains((const char *const *)p->sip_databases, id);
}
