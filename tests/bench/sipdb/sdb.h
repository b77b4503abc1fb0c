/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sdb — the SIP database model: configuration, subscribers, migration
 * identity pools and bindings, and the persisted state. Pure: no Diameter,
 * no I/O beyond the buffers it is given (tests/unit/test_sipdb.c).
 */
#ifndef MCMIG_BENCH_SDB_H
#define MCMIG_BENCH_SDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SDB_ID_MAX     256
#define SDB_MAX_LISTEN 8
/* TS 33.102 C.3.1 example and the bench card's profile. */
#define SDB_IND_BITS_DEFAULT 5
#define SDB_IND_BITS_MAX     28 /* libosmocore's limit */

enum sdb_role {
	SDB_PRIMARY,
	SDB_PARTNER,
};

enum sdb_pool {
	SDB_POOL_NONE,	     /* this SIP DB allocates no migration identities */
	SDB_POOL_SEQUENTIAL, /* PREFIX<n>@DOMAIN, n in [first, first+count) */
	SDB_POOL_RANDOM,     /* PREFIX<16 hex digits>@DOMAIN */
};

struct sdb_sub {
	char impi[SDB_ID_MAX];
	char impu[SDB_ID_MAX];
	uint8_t k[16];
	uint8_t opc[16]; /* OPc, or OP when op_is_op */
	bool opc_is_op;
	uint8_t amf[2];
	/* TS 33.102 Annex C: SQN = SEQ || IND, IND the low ind_bits bits;
	 * each vector takes SEQ + 1 with this subscriber's IND (C.3.2). */
	uint64_t sqn; /* last SQN used (SEQ || IND) */
	unsigned int ind_bits;
	unsigned int ind;
	/* Tests only: every vector of this subscriber uses this RAND. */
	bool fixed_rand;
	uint8_t rand[16];
};

/* A migration identity (impi/impu) bound to a user. Primary: user_* are the
 * subscriber's own identities. Partner: user_* are the primary's outbound
 * identities and primary_host names the primary SIP DB. */
struct sdb_binding {
	char impi[SDB_ID_MAX];
	char impu[SDB_ID_MAX];
	char user_impi[SDB_ID_MAX];
	char user_impu[SDB_ID_MAX];
	char primary_host[SDB_ID_MAX];
	/* Partner: Diameter identity of the S-CSCF the inbound identity is
	 * registered at (its SAR), where a revocation sends the RTR (TS 29.228
	 * 6.1.3); "" while not registered. */
	char scscf[SDB_ID_MAX];
};

struct sdb_peer {
	char identity[SDB_ID_MAX];
	char addr[64]; /* empty: the peer connects to us */
	uint16_t port;
	bool cx, sh; /* requests it may send us (none: we only send to it) */
};

struct sdb_primary {
	char host[SDB_ID_MAX];
	char realm[SDB_ID_MAX];
};

/* Partner, NOTE 5: identities of DOMAIN (and its subdomains) are served by
 * the primary SIP DB of Diameter realm REALM ("route DOMAIN REALM"). */
struct sdb_route {
	char domain[SDB_ID_MAX];
	char realm[SDB_ID_MAX];
};

struct sdb {
	enum sdb_role role;
	char identity[SDB_ID_MAX];
	char realm[SDB_ID_MAX];
	uint16_t port;
	char listen[SDB_MAX_LISTEN][64];
	size_t nlisten;
	char state_file[1024];
	char server_name[SDB_ID_MAX + 16]; /* S-CSCF name returned in UAA */
	/*
	 * The MC server the user profile's iFC names (TS 29.228 Annex B): the
	 * S-CSCF sends it PUBLISH with Event: poc-settings; "" = no iFC.
	 */
	char app_server[SDB_ID_MAX];
	unsigned int proxy_timeout_ms;
	bool akav2_password;
	bool sync_state; /* fsync every state rewrite (default); see README */

	enum sdb_pool pool;
	char pool_prefix[64];
	char pool_domain[128];
	unsigned int pool_first, pool_count;
	/* Sequential pool: offset (from pool_first) of the first identity never
	 * handed out. It only grows and is persisted, so a revoked migration
	 * identity is never issued again, not even after a restart. */
	unsigned int pool_next;

	struct sdb_peer *peers;
	size_t npeers;
	struct sdb_primary *primaries;
	size_t nprimaries;
	struct sdb_route *routes;
	size_t nroutes;
	struct sdb_sub *subs;
	size_t nsubs;
	struct sdb_binding *bindings;
	size_t nbindings;
};

/* Parses the configuration text (format in README.md). On error returns
 * -EINVAL and writes "line N: what" into @err. */
int sdb_conf_parse(struct sdb *db, const char *buf, size_t len, char *err, size_t errlen);
/* Applies a state file (SQNs and bindings) on top of the configuration. */
int sdb_state_parse(struct sdb *db, const char *buf, size_t len, char *err, size_t errlen);
/* Serialises the state; *out is malloc'ed. */
int sdb_state_format(const struct sdb *db, char **out, size_t *len);
/* Frees everything and wipes the keys. */
void sdb_free(struct sdb *db);

struct sdb_sub *sdb_sub_by_impi(struct sdb *db, const char *impi);
struct sdb_sub *sdb_sub_by_impu(struct sdb *db, const char *impu);
struct sdb_binding *sdb_binding_by_impi(struct sdb *db, const char *impi);
struct sdb_binding *sdb_binding_by_impu(struct sdb *db, const char *impu);
/* The binding of a user (by user_impu and, on a partner, primary_host). */
struct sdb_binding *sdb_binding_by_user(struct sdb *db, const char *user_impu,
					const char *primary_host);
const struct sdb_primary *sdb_primary_find(const struct sdb *db, const char *host);
bool sdb_peer_known(const struct sdb *db, const char *identity);
/* NOTE 5: the Diameter realm of the primary SIP DB serving @impi, from the
 * route table by the domain after its '@' (the longest matching DOMAIN, a
 * subdomain matching too), or NULL when no route covers it. */
const char *sdb_route_realm(const struct sdb *db, const char *impi);
const struct sdb_peer *sdb_peer_find(const struct sdb *db, const char *identity);

/* Returns the user's existing binding or allocates one from the pool: never
 * an identity this SIP DB has handed out before (sequential: past
 * pool_next; random: 64 fresh random bits, not in use). @rng fills a buffer
 * with random bytes (injected for tests). Returns 0, -ENOSPC (pool exhausted
 * or no pool), -ENOMEM, -EINVAL. */
typedef int (*sdb_rng_fn)(void *buf, size_t len);
int sdb_bind(struct sdb *db, const char *user_impi, const char *user_impu, const char *primary_host,
	     sdb_rng_fn rng, struct sdb_binding **out);
/* Drops the user's binding; -ENOENT if there was none. */
int sdb_unbind(struct sdb *db, const char *user_impu, const char *primary_host);

#endif
