// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The "sh" SIP DB backend: Diameter Sh to the bench SIP databases through
 * their client (tests/bench/sipdb/shc.h: UDR/PUR on repository data with the
 * Service-Indications urn:mcmig:sh:outbound and urn:mcmig:sh:inbound:<primary
 * SIP DB>). The libfreediameter types stay behind shc.
 *
 *   [sipdb] backend=sh
 *           identity=cms.primary.example   realm=primary.example
 *           peer=hss.primary.example       peer-realm=primary.example
 *           peer-address=127.0.0.1  peer-port=3868  local-port=3869
 *           timeout-ms=3000  work-dir=<dir of the configuration>
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "cms-server.h"
#include "cms-sipdb.h"
#include "shc.h"
#include "util.h"

#define SH_DEFAULT_TIMEOUT_MS 3000
#define SH_CONNECT_TIMEOUT_MS 10000

static unsigned int sh_timeout_ms;

static unsigned int get_uint(GKeyFile *kf, const char *key, unsigned int def, unsigned int max,
			     bool *bad)
{
	char *s = g_key_file_get_string(kf, "sipdb", key, NULL);
	guint64 v = def;

	if (s && !g_ascii_string_to_unsigned(g_strstrip(s), 10, 0, max, &v, NULL))
		*bad = true;
	g_free(s);
	return (unsigned int)v;
}

static int sh_start(const struct cms_config *cfg, char **why)
{
	static const char *const need[] = { "identity", "realm", "peer", "peer-realm" };
	GKeyFile *kf = cfg->keyfile;
	char *v[ARRAY_SIZE(need)] = { NULL }, *addr, *work;
	struct shc_params p = { 0 };
	bool bad = false;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(need); i++) {
		v[i] = g_key_file_get_string(kf, "sipdb", need[i], NULL);
		if (!v[i]) {
			*why = g_strdup_printf("[sipdb] %s is missing (backend sh)", need[i]);
			ret = -EINVAL;
			goto out;
		}
	}
	addr = g_key_file_get_string(kf, "sipdb", "peer-address", NULL);
	work = g_key_file_get_string(kf, "sipdb", "work-dir", NULL);
	if (!work)
		work = cfg->path ? g_path_get_dirname(cfg->path) : g_strdup("/tmp");
	p.identity = v[0];
	p.realm = v[1];
	p.peer = v[2];
	p.peer_realm = v[3];
	p.peer_addr = addr ? addr : "127.0.0.1";
	p.peer_port = (uint16_t)get_uint(kf, "peer-port", 3868, 65535, &bad);
	p.local_port = (uint16_t)get_uint(kf, "local-port", 3869, 65535, &bad);
	p.work_dir = work;
	p.debug = (int)get_uint(kf, "debug", 0, 9, &bad);
	sh_timeout_ms = get_uint(kf, "timeout-ms", SH_DEFAULT_TIMEOUT_MS, 60000, &bad);
	if (bad) {
		*why = g_strdup(
			"[sipdb] peer-port, local-port, timeout-ms or debug is not a number "
			"in range");
		ret = -EINVAL;
	} else {
		ret = shc_start(&p, SH_CONNECT_TIMEOUT_MS);
		if (ret)
			*why = g_strdup_printf("Sh to %s at %s:%u: %s", p.peer, p.peer_addr,
					       p.peer_port, g_strerror(-ret));
		else
			cms_log("Sh: %s connected to %s", p.identity, p.peer);
	}
	g_free(addr);
	g_free(work);
out:
	for (i = 0; i < ARRAY_SIZE(need); i++)
		g_free(v[i]);
	return ret;
}

static void sh_stop(void)
{
	shc_stop();
}

static void take(struct cms_identity *out, const struct shc_identity *id)
{
	util_strlcpy(out->impi, id->impi, sizeof(out->impi));
	util_strlcpy(out->impu, id->impu, sizeof(out->impu));
	util_strlcpy(out->sipdb, id->sipdb_host, sizeof(out->sipdb));
}

static int sh_outbound(const char *impi, const char *impu, struct cms_identity *out)
{
	struct shc_identity id;
	int ret;

	ret = shc_outbound_get(impu, impi, sh_timeout_ms, &id);
	if (!ret)
		take(out, &id);
	return ret;
}

static int sh_inbound(const char *sipdb, const char *impi, const char *impu,
		      struct cms_identity *out)
{
	struct shc_identity ob = { 0 }, id;
	int ret;

	if (util_strlcpy(ob.impi, impi, sizeof(ob.impi)) ||
	    util_strlcpy(ob.impu, impu, sizeof(ob.impu)) ||
	    util_strlcpy(ob.sipdb_host, sipdb, sizeof(ob.sipdb_host)))
		return -EINVAL;
	ret = shc_inbound_get(&ob, sh_timeout_ms, &id);
	if (!ret)
		take(out, &id);
	return ret;
}

static int sh_revoke(const char *impi, const char *impu)
{
	return shc_outbound_revoke(impu, sh_timeout_ms);
}

static int sh_revoke_inbound(const char *sipdb, const char *impi, const char *impu)
{
	struct shc_identity ob = { 0 };

	if (util_strlcpy(ob.impi, impi, sizeof(ob.impi)) ||
	    util_strlcpy(ob.impu, impu, sizeof(ob.impu)) ||
	    util_strlcpy(ob.sipdb_host, sipdb, sizeof(ob.sipdb_host)))
		return -EINVAL;
	return shc_inbound_revoke(&ob, sh_timeout_ms);
}

const struct cms_sipdb_ops cms_sipdb_sh_ops = {
	.name = "sh",
	.start = sh_start,
	.stop = sh_stop,
	.outbound = sh_outbound,
	.inbound = sh_inbound,
	.revoke = sh_revoke,
	.revoke_inbound = sh_revoke_inbound,
};
