// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The "memory" SIP DB backend: random identities allocated and bound inside
 * the CMS process, with the same idempotence as the bench SIP DBs (asking
 * again for the same user returns the same binding until it is revoked). It
 * lets a CMS run, and be tested, without a SIP DB; a SIP core cannot
 * authenticate anyone with these identities.
 *
 *   [sipdb] backend=memory  identifier=<SIP DB id>  domain=<identity domain>
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cms-sipdb.h"
#include "util.h"

static struct {
	GMutex lock;
	GHashTable *bound; /* "sipdb\nimpi" -> struct cms_identity */
	char *identifier;
	char *domain;
} mem;

static int mem_start(const struct cms_config *cfg, char **why)
{
	GKeyFile *kf = cfg->keyfile;

	mem.identifier = g_key_file_get_string(kf, "sipdb", "identifier", NULL);
	mem.domain = g_key_file_get_string(kf, "sipdb", "domain", NULL);
	if (!mem.domain) {
		*why = g_strdup("[sipdb] domain is missing (backend memory)");
		g_clear_pointer(&mem.identifier, g_free);
		return -EINVAL;
	}
	if (!mem.identifier)
		mem.identifier = g_strdup("");
	mem.bound = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return 0;
}

static void mem_stop(void)
{
	g_clear_pointer(&mem.bound, g_hash_table_destroy);
	g_clear_pointer(&mem.identifier, g_free);
	g_clear_pointer(&mem.domain, g_free);
}

static int mem_bind(const char *prefix, const char *sipdb, const char *impi,
		    struct cms_identity *out)
{
	char *key = g_strdup_printf("%s\n%s\n%s", prefix, sipdb, impi);
	struct cms_identity *id;
	char hex[13];
	uint8_t rnd[6];
	size_t i;

	g_mutex_lock(&mem.lock);
	id = g_hash_table_lookup(mem.bound, key);
	if (!id) {
		for (i = 0; i < sizeof(rnd); i++)
			rnd[i] = (uint8_t)g_random_int_range(0, 256);
		util_hex_encode(rnd, sizeof(rnd), hex);
		id = g_new0(struct cms_identity, 1);
		snprintf(id->impi, sizeof(id->impi), "%s-%s@%s", prefix, hex, mem.domain);
		snprintf(id->impu, sizeof(id->impu), "sip:%s-%s@%s", prefix, hex, mem.domain);
		util_strlcpy(id->sipdb, mem.identifier, sizeof(id->sipdb));
		g_hash_table_insert(mem.bound, g_steal_pointer(&key), id);
	}
	*out = *id;
	g_mutex_unlock(&mem.lock);
	g_free(key);
	return 0;
}

static int mem_outbound(const char *impi, const char *impu, struct cms_identity *out)
{
	return mem_bind("out", "", impi, out);
}

static int mem_inbound(const char *sipdb, const char *impi, const char *impu,
		       struct cms_identity *out)
{
	return mem_bind("in", sipdb, impi, out);
}

static int mem_revoke(const char *impi, const char *impu)
{
	char *key = g_strdup_printf("out\n\n%s", impi);
	gboolean found;

	g_mutex_lock(&mem.lock);
	found = g_hash_table_remove(mem.bound, key);
	g_mutex_unlock(&mem.lock);
	g_free(key);
	return found ? 0 : -ENOENT;
}

const struct cms_sipdb_ops cms_sipdb_memory_ops = {
	.name = "memory",
	.start = mem_start,
	.stop = mem_stop,
	.outbound = mem_outbound,
	.inbound = mem_inbound,
	.revoke = mem_revoke,
};
