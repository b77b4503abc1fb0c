// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sdb — SIP database model: configuration and state parsing, identity pools
 * and bindings. See sdb.h; the file formats are documented in README.md.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sdb.h"
#include "util.h"

#define MAX_TOKENS 12
#define MAX_LINE   2048

static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n--)
		*v++ = 0;
}

__attribute__((format(printf, 4, 5))) static int fail(char *err, size_t errlen, unsigned int line,
						      const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (errlen) {
		n = snprintf(err, errlen, "line %u: ", line);
		if (n < 0 || (size_t)n >= errlen)
			n = 0;
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* An identity token: printable ASCII without blanks, shorter than the
 * buffers (they are written back verbatim into the state file). */
static bool id_valid(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!n || n >= max)
		return false;
	/* No blanks or controls (the state file is blank-separated), no XML
	 * markup (identities are copied into Cx User-Data and Sh-Data). */
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || strchr("<>&\"'", *s))
			return false;
	return true;
}

static int copy_id(char *dst, size_t size, const char *s)
{
	if (!id_valid(s, size))
		return -EINVAL;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static bool ipv4_valid(const char *s)
{
	struct in_addr a;

	return strlen(s) < 64 && inet_pton(AF_INET, s, &a) == 1;
}

static void *grow(void *arr, size_t n, size_t elem)
{
	/* Doubling keeps appends amortised O(1); counts stay small. */
	if (n && (n & (n - 1)))
		return arr;
	return realloc(arr, (n ? 2 * n : 1) * elem);
}

/* Splits a line into blank-separated tokens; '#' starts a comment. */
static int tokenize(char *line, char **tok)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == MAX_TOKENS)
			return -E2BIG;
		tok[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p)
			*p++ = 0;
	}
}

/* Calls @fn for every non-empty line. Lines must be shorter than MAX_LINE
 * and hold no NUL byte. */
static int each_line(struct sdb *db, const char *buf, size_t len, char *err, size_t errlen,
		     int (*fn)(struct sdb *, char **, int, unsigned int, char *, size_t))
{
	char line[MAX_LINE];
	char *tok[MAX_TOKENS];
	unsigned int lineno = 0;
	size_t pos = 0, n;
	const char *nl;
	int ntok, ret;

	while (pos < len) {
		lineno++;
		nl = memchr(buf + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		if (n >= sizeof(line))
			return fail(err, errlen, lineno, "line too long");
		if (memchr(buf + pos, 0, n))
			return fail(err, errlen, lineno, "NUL byte");
		memcpy(line, buf + pos, n);
		line[n] = 0;
		pos += n + (nl ? 1 : 0);
		ntok = tokenize(line, tok);
		if (ntok < 0)
			ret = fail(err, errlen, lineno, "too many fields");
		else if (ntok == 0)
			ret = 0;
		else
			ret = fn(db, tok, ntok, lineno, err, errlen);
		wipe(line, sizeof(line));
		if (ret)
			return ret;
	}
	return 0;
}

static int conf_subscriber(struct sdb *db, char **tok, int n, unsigned int ln, char *err,
			   size_t errlen)
{
	struct sdb_sub s = { .ind_bits = SDB_IND_BITS_DEFAULT };
	bool have_k = false, have_op = false, have_amf = false, have_ind = false, have_bits = false;
	unsigned long long v;
	void *arr;
	int i, ret = 0;

	if (n < 5)
		return fail(err, errlen, ln, "subscriber needs IMPI IMPU k= opc=|op= amf=");
	if (copy_id(s.impi, sizeof(s.impi), tok[1]) || copy_id(s.impu, sizeof(s.impu), tok[2]))
		return fail(err, errlen, ln, "bad subscriber identity");
	if (sdb_sub_by_impi(db, s.impi) || sdb_sub_by_impu(db, s.impu))
		return fail(err, errlen, ln, "duplicate subscriber '%s'", s.impi);
	for (i = 3; i < n && !ret; i++) {
		if (!strncmp(tok[i], "k=", 2) && !have_k) {
			ret = util_hex_decode(tok[i] + 2, s.k, 16);
			have_k = true;
		} else if (!strncmp(tok[i], "opc=", 4) && !have_op) {
			ret = util_hex_decode(tok[i] + 4, s.opc, 16);
			have_op = true;
		} else if (!strncmp(tok[i], "op=", 3) && !have_op) {
			ret = util_hex_decode(tok[i] + 3, s.opc, 16);
			s.opc_is_op = true;
			have_op = true;
		} else if (!strncmp(tok[i], "amf=", 4) && !have_amf) {
			ret = util_hex_decode(tok[i] + 4, s.amf, 2);
			have_amf = true;
		} else if (!strncmp(tok[i], "rand=", 5) && !s.fixed_rand) {
			ret = util_hex_decode(tok[i] + 5, s.rand, 16);
			s.fixed_rand = true;
		} else if (!strncmp(tok[i], "sqn=", 4)) {
			/* TS 33.102: SQN is 48 bits */
			ret = parse_uint(tok[i] + 4, (1ULL << 48) - 1, &v);
			s.sqn = v;
		} else if (!strncmp(tok[i], "ind_bits=", 9) && !have_bits) {
			ret = parse_uint(tok[i] + 9, SDB_IND_BITS_MAX, &v);
			s.ind_bits = (unsigned int)v;
			have_bits = true;
		} else if (!strncmp(tok[i], "ind=", 4) && !have_ind) {
			ret = parse_uint(tok[i] + 4, (1ULL << SDB_IND_BITS_MAX) - 1, &v);
			s.ind = (unsigned int)v;
			have_ind = true;
		} else {
			ret = -EINVAL;
		}
		if (ret) {
			/* Never echo a field that may hold key material. */
			wipe(&s, sizeof(s));
			return fail(err, errlen, ln, "subscriber field %d is malformed or repeated",
				    i + 1);
		}
	}
	if (!have_k || !have_op || !have_amf) {
		wipe(&s, sizeof(s));
		return fail(err, errlen, ln, "subscriber needs k=, opc= or op=, and amf=");
	}
	if (s.ind >> s.ind_bits) {
		wipe(&s, sizeof(s));
		return fail(err, errlen, ln, "subscriber ind= does not fit in ind_bits=");
	}
	arr = grow(db->subs, db->nsubs, sizeof(s));
	if (!arr) {
		wipe(&s, sizeof(s));
		return -ENOMEM;
	}
	db->subs = arr;
	db->subs[db->nsubs++] = s;
	wipe(&s, sizeof(s));
	return 0;
}

static int conf_line(struct sdb *db, char **tok, int n, unsigned int ln, char *err, size_t errlen)
{
	const char *key = tok[0];
	unsigned long long v;
	void *arr;

	if (!strcmp(key, "subscriber"))
		return conf_subscriber(db, tok, n, ln, err, errlen);
	if (!strcmp(key, "peer")) {
		struct sdb_peer p = { 0 };
		int i = 2;

		if (n < 2 || copy_id(p.identity, sizeof(p.identity), tok[1]))
			return fail(err, errlen, ln, "peer needs IDENTITY [IPV4 [PORT]] [cx] [sh]");
		p.port = 3868;
		if (i < n && strcmp(tok[i], "cx") && strcmp(tok[i], "sh")) {
			if (!ipv4_valid(tok[i]))
				return fail(err, errlen, ln, "bad peer address '%s'", tok[i]);
			memcpy(p.addr, tok[i], strlen(tok[i]) + 1);
			i++;
			if (i < n && strcmp(tok[i], "cx") && strcmp(tok[i], "sh")) {
				if (parse_uint(tok[i], 65535, &v) || !v)
					return fail(err, errlen, ln, "bad peer port");
				p.port = (uint16_t)v;
				i++;
			}
		}
		for (; i < n; i++) {
			if (!strcmp(tok[i], "cx") && !p.cx)
				p.cx = true;
			else if (!strcmp(tok[i], "sh") && !p.sh)
				p.sh = true;
			else
				return fail(err, errlen, ln, "peer: '%s' is not cx or sh", tok[i]);
		}
		if (sdb_peer_known(db, p.identity))
			return fail(err, errlen, ln, "duplicate peer '%s'", p.identity);
		arr = grow(db->peers, db->npeers, sizeof(p));
		if (!arr)
			return -ENOMEM;
		db->peers = arr;
		db->peers[db->npeers++] = p;
		return 0;
	}
	if (!strcmp(key, "primary")) {
		struct sdb_primary p = { 0 };

		if (n != 3 || copy_id(p.host, sizeof(p.host), tok[1]) ||
		    copy_id(p.realm, sizeof(p.realm), tok[2]))
			return fail(err, errlen, ln, "primary needs HOST REALM");
		arr = grow(db->primaries, db->nprimaries, sizeof(p));
		if (!arr)
			return -ENOMEM;
		db->primaries = arr;
		db->primaries[db->nprimaries++] = p;
		return 0;
	}
	if (!strcmp(key, "route")) {
		struct sdb_route r = { 0 };

		if (n != 3 || copy_id(r.domain, sizeof(r.domain), tok[1]) ||
		    copy_id(r.realm, sizeof(r.realm), tok[2]) || strchr(r.domain, '@'))
			return fail(err, errlen, ln, "route needs DOMAIN REALM");
		arr = grow(db->routes, db->nroutes, sizeof(r));
		if (!arr)
			return -ENOMEM;
		db->routes = arr;
		db->routes[db->nroutes++] = r;
		return 0;
	}
	if (!strcmp(key, "pool")) {
		if (db->pool != SDB_POOL_NONE)
			return fail(err, errlen, ln, "only one pool");
		if (n == 6 && !strcmp(tok[1], "sequential")) {
			db->pool = SDB_POOL_SEQUENTIAL;
			if (parse_uint(tok[4], 1000000000, &v))
				return fail(err, errlen, ln, "bad pool FIRST");
			db->pool_first = (unsigned int)v;
			if (parse_uint(tok[5], 1000000, &v) || !v)
				return fail(err, errlen, ln, "bad pool COUNT");
			db->pool_count = (unsigned int)v;
		} else if (n == 4 && !strcmp(tok[1], "random")) {
			db->pool = SDB_POOL_RANDOM;
		} else {
			return fail(
				err, errlen, ln,
				"pool needs 'sequential PREFIX DOMAIN FIRST COUNT' or 'random PREFIX DOMAIN'");
		}
		if (copy_id(db->pool_prefix, sizeof(db->pool_prefix), tok[2]) ||
		    strchr(tok[2], '@') ||
		    copy_id(db->pool_domain, sizeof(db->pool_domain), tok[3]) ||
		    strchr(tok[3], '@'))
			return fail(err, errlen, ln, "bad pool PREFIX or DOMAIN");
		return 0;
	}
	if (n != 2)
		return fail(err, errlen, ln, "'%s' takes one value", key);
	if (!strcmp(key, "role")) {
		if (!strcmp(tok[1], "primary"))
			db->role = SDB_PRIMARY;
		else if (!strcmp(tok[1], "partner"))
			db->role = SDB_PARTNER;
		else
			return fail(err, errlen, ln, "role is primary or partner");
		return 0;
	}
	if (!strcmp(key, "identity"))
		return copy_id(db->identity, sizeof(db->identity), tok[1]) ?
			       fail(err, errlen, ln, "bad identity") :
			       0;
	if (!strcmp(key, "realm"))
		return copy_id(db->realm, sizeof(db->realm), tok[1]) ?
			       fail(err, errlen, ln, "bad realm") :
			       0;
	if (!strcmp(key, "server-name"))
		return copy_id(db->server_name, sizeof(db->server_name), tok[1]) ?
			       fail(err, errlen, ln, "bad server-name") :
			       0;
	if (!strcmp(key, "application-server"))
		return copy_id(db->app_server, sizeof(db->app_server), tok[1]) ||
				       strncmp(tok[1], "sip:", 4) ?
			       fail(err, errlen, ln, "bad application-server (a sip: URI)") :
			       0;
	if (!strcmp(key, "state")) {
		if (strlen(tok[1]) >= sizeof(db->state_file) || tok[1][0] != '/')
			return fail(err, errlen, ln, "state needs an absolute path");
		memcpy(db->state_file, tok[1], strlen(tok[1]) + 1);
		return 0;
	}
	if (!strcmp(key, "listen")) {
		if (!ipv4_valid(tok[1]))
			return fail(err, errlen, ln, "bad listen address '%s'", tok[1]);
		if (db->nlisten == SDB_MAX_LISTEN)
			return fail(err, errlen, ln, "too many listen lines");
		memcpy(db->listen[db->nlisten++], tok[1], strlen(tok[1]) + 1);
		return 0;
	}
	if (!strcmp(key, "port")) {
		if (parse_uint(tok[1], 65535, &v) || !v)
			return fail(err, errlen, ln, "bad port");
		db->port = (uint16_t)v;
		return 0;
	}
	if (!strcmp(key, "proxy-timeout")) {
		if (parse_uint(tok[1], 60000, &v) || v < 100)
			return fail(err, errlen, ln, "proxy-timeout is 100..60000 ms");
		db->proxy_timeout_ms = (unsigned int)v;
		return 0;
	}
	if (!strcmp(key, "sync-state")) {
		if (!strcmp(tok[1], "yes"))
			db->sync_state = true;
		else if (!strcmp(tok[1], "no"))
			db->sync_state = false;
		else
			return fail(err, errlen, ln, "sync-state is yes or no");
		return 0;
	}
	if (!strcmp(key, "akav2-password")) {
		if (!strcmp(tok[1], "yes"))
			db->akav2_password = true;
		else if (!strcmp(tok[1], "no"))
			db->akav2_password = false;
		else
			return fail(err, errlen, ln, "akav2-password is yes or no");
		return 0;
	}
	return fail(err, errlen, ln, "unknown keyword '%s'", key);
}

static bool primary_realm_known(const struct sdb *db, const char *realm)
{
	size_t i;

	for (i = 0; i < db->nprimaries; i++)
		if (!strcasecmp(db->primaries[i].realm, realm))
			return true;
	return false;
}

int sdb_conf_parse(struct sdb *db, const char *buf, size_t len, char *err, size_t errlen)
{
	bool have_role;
	size_t i;
	int ret;

	memset(db, 0, sizeof(*db));
	db->role = (enum sdb_role) - 1;
	db->port = 3868;
	db->proxy_timeout_ms = 3000;
	db->sync_state = true;
	ret = each_line(db, buf, len, err, errlen, conf_line);
	have_role = db->role == SDB_PRIMARY || db->role == SDB_PARTNER;
	if (!ret && !have_role)
		ret = fail(err, errlen, 0, "missing 'role'");
	if (!ret && (!db->identity[0] || !db->realm[0]))
		ret = fail(err, errlen, 0, "missing 'identity' or 'realm'");
	if (!ret && !db->nlisten)
		ret = fail(err, errlen, 0, "missing 'listen'");
	if (!ret && !db->state_file[0])
		ret = fail(err, errlen, 0, "missing 'state'");
	if (!ret && db->role == SDB_PRIMARY && (db->nprimaries || db->nroutes))
		ret = fail(err, errlen, 0,
			   "'primary' and 'route' lines belong in a partner's configuration");
	for (i = 0; !ret && i < db->nroutes; i++)
		if (!primary_realm_known(db, db->routes[i].realm))
			ret = fail(err, errlen, 0, "route %s: realm '%s' is no primary's",
				   db->routes[i].domain, db->routes[i].realm);
	if (!ret && !db->server_name[0])
		snprintf(db->server_name, sizeof(db->server_name), "sip:scscf.%s", db->realm);
	if (ret)
		sdb_free(db);
	return ret;
}

static int state_line(struct sdb *db, char **tok, int n, unsigned int ln, char *err, size_t errlen)
{
	unsigned long long v;
	struct sdb_sub *s;
	struct sdb_binding b = { 0 };
	void *arr;

	if (!strcmp(tok[0], "sqn")) {
		if (n != 3 || parse_uint(tok[2], (1ULL << 48) - 1, &v))
			return fail(err, errlen, ln, "sqn needs IMPI N");
		s = sdb_sub_by_impi(db, tok[1]);
		/* A subscriber removed from the configuration: forget it. */
		if (s)
			s->sqn = v;
		return 0;
	}
	if (!strcmp(tok[0], "pool-next")) {
		if (n != 2 || parse_uint(tok[1], UINT32_MAX, &v))
			return fail(err, errlen, ln, "pool-next needs N");
		db->pool_next = (unsigned int)v;
		return 0;
	}
	if (strcmp(tok[0], "binding"))
		return fail(err, errlen, ln, "unknown keyword '%s'", tok[0]);
	if (n > 5 && !strncmp(tok[n - 1], "scscf=", 6)) {
		if (db->role != SDB_PARTNER || copy_id(b.scscf, sizeof(b.scscf), tok[n - 1] + 6))
			return fail(err, errlen, ln, "binding: bad scscf= (partner only)");
		n--;
	}
	if (n < 5 || n > 6 || copy_id(b.impi, sizeof(b.impi), tok[1]) ||
	    copy_id(b.impu, sizeof(b.impu), tok[2]) ||
	    copy_id(b.user_impi, sizeof(b.user_impi), tok[3]) ||
	    copy_id(b.user_impu, sizeof(b.user_impu), tok[4]) ||
	    (n == 6 && copy_id(b.primary_host, sizeof(b.primary_host), tok[5])))
		return fail(err, errlen, ln,
			    "binding needs IMPI IMPU USER-IMPI USER-IMPU [PRIMARY [scscf=HOST]]");
	if ((db->role == SDB_PARTNER) != (n == 6))
		return fail(err, errlen, ln, "binding: PRIMARY is required on a partner only");
	if (sdb_binding_by_impi(db, b.impi) || sdb_binding_by_impu(db, b.impu))
		return fail(err, errlen, ln, "duplicate binding '%s'", b.impi);
	arr = grow(db->bindings, db->nbindings, sizeof(b));
	if (!arr)
		return -ENOMEM;
	db->bindings = arr;
	db->bindings[db->nbindings++] = b;
	return 0;
}

int sdb_state_parse(struct sdb *db, const char *buf, size_t len, char *err, size_t errlen)
{
	return each_line(db, buf, len, err, errlen, state_line);
}

int sdb_state_format(const struct sdb *db, char **out, size_t *len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	size_t i;
	const struct sdb_binding *b;

	if (!f)
		return -ENOMEM;
	fprintf(f, "# mcmig-sipdb state (rewritten on every change)\n");
	for (i = 0; i < db->nsubs; i++)
		fprintf(f, "sqn %s %" PRIu64 "\n", db->subs[i].impi, db->subs[i].sqn);
	if (db->pool == SDB_POOL_SEQUENTIAL)
		fprintf(f, "pool-next %u\n", db->pool_next);
	for (i = 0; i < db->nbindings; i++) {
		b = &db->bindings[i];
		fprintf(f, "binding %s %s %s %s%s%s%s%s\n", b->impi, b->impu, b->user_impi,
			b->user_impu, b->primary_host[0] ? " " : "", b->primary_host,
			b->scscf[0] ? " scscf=" : "", b->scscf);
	}
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	*out = buf;
	*len = size;
	return 0;
}

void sdb_free(struct sdb *db)
{
	if (db->subs)
		wipe(db->subs, db->nsubs * sizeof(*db->subs));
	free(db->subs);
	free(db->peers);
	free(db->primaries);
	free(db->routes);
	free(db->bindings);
	memset(db, 0, sizeof(*db));
}

struct sdb_sub *sdb_sub_by_impi(struct sdb *db, const char *impi)
{
	size_t i;

	for (i = 0; i < db->nsubs; i++)
		if (!strcmp(db->subs[i].impi, impi))
			return &db->subs[i];
	return NULL;
}

/* RFC 3261 19.1.4: SIP URIs compare case-insensitively in scheme/host;
 * exact match is enough for the identities we hand out ourselves. */
struct sdb_sub *sdb_sub_by_impu(struct sdb *db, const char *impu)
{
	size_t i;

	for (i = 0; i < db->nsubs; i++)
		if (!strcmp(db->subs[i].impu, impu))
			return &db->subs[i];
	return NULL;
}

struct sdb_binding *sdb_binding_by_impi(struct sdb *db, const char *impi)
{
	size_t i;

	for (i = 0; i < db->nbindings; i++)
		if (!strcmp(db->bindings[i].impi, impi))
			return &db->bindings[i];
	return NULL;
}

struct sdb_binding *sdb_binding_by_impu(struct sdb *db, const char *impu)
{
	size_t i;

	for (i = 0; i < db->nbindings; i++)
		if (!strcmp(db->bindings[i].impu, impu))
			return &db->bindings[i];
	return NULL;
}

struct sdb_binding *sdb_binding_by_user(struct sdb *db, const char *user_impu,
					const char *primary_host)
{
	size_t i;
	const char *ph = primary_host ? primary_host : "";

	for (i = 0; i < db->nbindings; i++)
		if (!strcmp(db->bindings[i].user_impu, user_impu) &&
		    !strcasecmp(db->bindings[i].primary_host, ph))
			return &db->bindings[i];
	return NULL;
}

const struct sdb_primary *sdb_primary_find(const struct sdb *db, const char *host)
{
	size_t i;

	for (i = 0; i < db->nprimaries; i++)
		if (!strcasecmp(db->primaries[i].host, host))
			return &db->primaries[i];
	return NULL;
}

const struct sdb_peer *sdb_peer_find(const struct sdb *db, const char *identity)
{
	size_t i;

	for (i = 0; i < db->npeers; i++)
		if (!strcasecmp(db->peers[i].identity, identity))
			return &db->peers[i];
	return NULL;
}

bool sdb_peer_known(const struct sdb *db, const char *identity)
{
	return sdb_peer_find(db, identity) != NULL;
}

const char *sdb_route_realm(const struct sdb *db, const char *impi)
{
	const char *at = strrchr(impi, '@'), *dom, *best = NULL;
	size_t i, n, dl, bestlen = 0;

	if (!at)
		return NULL;
	dom = at + 1;
	dl = strlen(dom);
	for (i = 0; i < db->nroutes; i++) {
		n = strlen(db->routes[i].domain);
		/* RFC 7542 2.4: realms compare case-insensitively; a route for
		 * example.org covers ims.example.org, not badexample.org. */
		if (n > dl || strcasecmp(dom + dl - n, db->routes[i].domain) ||
		    (n < dl && dom[dl - n - 1] != '.'))
			continue;
		if (n > bestlen) {
			best = db->routes[i].realm;
			bestlen = n;
		}
	}
	return best;
}

static bool id_taken(struct sdb *db, const char *impi, const char *impu)
{
	return sdb_binding_by_impi(db, impi) || sdb_binding_by_impu(db, impu) ||
	       sdb_sub_by_impi(db, impi) || sdb_sub_by_impu(db, impu);
}

static int make_ids(struct sdb *db, const char *local, struct sdb_binding *b)
{
	int n = snprintf(b->impi, sizeof(b->impi), "%s%s@%s", db->pool_prefix, local,
			 db->pool_domain);

	if (n < 0 || (size_t)n >= sizeof(b->impi))
		return -EINVAL;
	n = snprintf(b->impu, sizeof(b->impu), "sip:%s", b->impi);
	if (n < 0 || (size_t)n >= sizeof(b->impu))
		return -EINVAL;
	return 0;
}

static int pool_alloc(struct sdb *db, sdb_rng_fn rng, struct sdb_binding *b)
{
	char local[40];
	uint8_t r[8];
	unsigned int i;
	int tries, ret;

	switch (db->pool) {
	case SDB_POOL_NONE:
		return -ENOSPC;
	case SDB_POOL_SEQUENTIAL:
		/* Monotonic: an identity once issued (and maybe revoked since)
		 * is never issued again, so a new user cannot inherit a revoked
		 * one's registrations or records at the partner. */
		for (i = db->pool_next; i < db->pool_count; i++) {
			snprintf(local, sizeof(local), "%u", db->pool_first + i);
			ret = make_ids(db, local, b);
			if (ret)
				return ret;
			if (!id_taken(db, b->impi, b->impu)) {
				db->pool_next = i + 1;
				return 0;
			}
		}
		return -ENOSPC;
	case SDB_POOL_RANDOM:
		/* 64 random bits: a collision is retried, not expected. */
		for (tries = 0; tries < 8; tries++) {
			ret = rng(r, sizeof(r));
			if (ret)
				return ret;
			snprintf(local, sizeof(local), "%02x%02x%02x%02x%02x%02x%02x%02x", r[0],
				 r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
			ret = make_ids(db, local, b);
			if (ret)
				return ret;
			if (!id_taken(db, b->impi, b->impu))
				return 0;
		}
		return -ENOSPC;
	}
	return -EINVAL;
}

int sdb_bind(struct sdb *db, const char *user_impi, const char *user_impu, const char *primary_host,
	     sdb_rng_fn rng, struct sdb_binding **out)
{
	struct sdb_binding b = { 0 }, *found;
	void *arr;
	int ret;

	if (!id_valid(user_impi, SDB_ID_MAX) || !id_valid(user_impu, SDB_ID_MAX) ||
	    (primary_host && !id_valid(primary_host, SDB_ID_MAX)))
		return -EINVAL;
	found = sdb_binding_by_user(db, user_impu, primary_host);
	if (found) {
		*out = found;
		return 0;
	}
	ret = pool_alloc(db, rng, &b);
	if (ret)
		return ret;
	memcpy(b.user_impi, user_impi, strlen(user_impi) + 1);
	memcpy(b.user_impu, user_impu, strlen(user_impu) + 1);
	if (primary_host)
		memcpy(b.primary_host, primary_host, strlen(primary_host) + 1);
	arr = grow(db->bindings, db->nbindings, sizeof(b));
	if (!arr)
		return -ENOMEM;
	db->bindings = arr;
	db->bindings[db->nbindings] = b;
	*out = &db->bindings[db->nbindings++];
	return 0;
}

int sdb_unbind(struct sdb *db, const char *user_impu, const char *primary_host)
{
	struct sdb_binding *b = sdb_binding_by_user(db, user_impu, primary_host);
	size_t i;

	if (!b)
		return -ENOENT;
	i = (size_t)(b - db->bindings);
	memmove(b, b + 1, (db->nbindings - i - 1) * sizeof(*b));
	db->nbindings--;
	return 0;
}
