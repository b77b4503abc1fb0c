// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmig-mcserver: the bench's MC servers for service authorisation (seed
 * step 25). No open MCPTT server does migration, so these are ours.
 *
 *   mcmig-mcserver partner --listen ADDR:PORT --peer-bind ADDR --primary ADDR:PORT
 *                  --jwks FILE --issuer ISS --audience AUD --system ID [--grant S]
 *   mcmig-mcserver primary --listen ADDR:PORT --permit FILE [--delay-ms MS]
 *   mcmig-mcserver keygen PRIVATE-JWK-FILE JWKS-FILE
 *   mcmig-mcserver mint PRIVATE-JWK-FILE ISS AUD SUB PRIMARY-SUB EXPIRES-IN-S
 *
 * partner: the partner MC server, an application server behind the partner
 * S-CSCF (its iFC sends it PUBLISH with Event: poc-settings). For an initial
 * publication (TS 24.379 7.3.3) it checks the access token in the
 * mcptt-info body (signature against the JWKS file, read at every request so
 * that the partner IdMS may rotate its keys; issuer, audience, expiry), that
 * the token's primary_sub is the MCPTT ID the client presents, and then asks
 * the primary MC server (TS 23.280 10.6.3 migration service authorisation:
 * the MC service ID at the partner and at the primary). 200 with SIP-ETag
 * and the granted Expires (RFC 3903), or 403 with a Warning naming why
 * (TS 24.379 4.4). Refreshes and removals go by SIP-If-Match.
 * primary: the primary MC server; permits a migration when "MCID SYSTEM" is
 * a line of the permit file (read at every request, so tests revoke by
 * rewriting it). --delay-ms holds each answer that long (below the partner's
 * 3 s wait): a service authorisation that takes a real network's time, so
 * that tests/integration/kill-campaign.sh lands kills in service-authorising.
 * keygen / mint: a test key and tokens signed with it, for a bench without
 * the partner IdMS. The token goes to standard output only.
 *
 * Logs one line per request and outcome; never a token.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib.h>
#include <rhonabwy.h>

#include "agent/mcsvc-msg.h"
#include "agent/sipsub.h"
#include "hal/util.h"
#include "mcs-msg.h"
#include "mcs-token.h"

#define MSG_MAX	     65535
#define TOKEN_MAX    8192
#define PRIMARY_WAIT 3000 /* ms for the primary MC server's answer */
#define WARN_AGENT   "mcptt.partner.example"

struct pub {
	char etag[40];
	char pai[MCS_ID_MAX];
	guint timer;
};

struct pending {
	char call_id[40]; /* of our MESSAGE to the primary */
	uint8_t *req;	  /* the PUBLISH */
	size_t len;
	struct sockaddr_in from;
	char pai[MCS_ID_MAX];
	unsigned int expires;
	guint timer;
};

static struct {
	bool partner;
	int fd, peer_fd;
	struct sockaddr_in primary;
	const char *jwks, *issuer, *audience, *system, *permit;
	unsigned int grant;
	unsigned int delay_ms; /* primary: each answer held this long */
	GHashTable *pubs;      /* etag -> struct pub */
	GHashTable *pending;   /* call-id -> struct pending */
	GHashTable *answers;   /* PUBLISH branch -> the response sent (retransmissions) */
} srv;

static void logf_(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void logf_(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "%ld.%03ld mcserver: ", (long)ts.tv_sec, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void random_hex(char *out, size_t bytes)
{
	uint8_t b[16];

	if (getrandom(b, bytes, 0) != (ssize_t)bytes)
		abort();
	util_hex_encode(b, bytes, out);
}

static int parse_addr(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)atoi(colon + 1));
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 && sa->sin_port ? 0 : -EINVAL;
}

static int udp_bind(const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
		perror("mcserver: bind");
		exit(1);
	}
	return fd;
}

/* The top Via's branch value, the key of a request's answer. */
static void via_branch(const uint8_t *req, size_t len, char *out, size_t size)
{
	char via[SIPSUB_TEXT_MAX];
	const char *b;

	out[0] = '\0';
	if (mcs_header(req, len, "Via", via, sizeof(via)) < 0 || !(b = strstr(via, "branch=")))
		return;
	b += strlen("branch=");
	snprintf(out, size, "%.*s", (int)strcspn(b, ";, "), b);
}

static void respond(const uint8_t *req, size_t len, const struct sockaddr_in *to,
		    unsigned int status, const char *reason, const char *extra)
{
	char buf[4096], tag[17], branch[SIPSUB_TEXT_MAX];
	int n;

	random_hex(tag, 8);
	n = mcs_build_response(req, len, status, reason, tag, extra, buf, sizeof(buf));
	if (n < 0)
		return;
	sendto(srv.fd, buf, (size_t)n, 0, (const struct sockaddr *)to, sizeof(*to));
	/* Kept for a retransmission of the request (RFC 3261 17.2.2). */
	if (g_hash_table_size(srv.answers) > 256)
		g_hash_table_remove_all(srv.answers);
	via_branch(req, len, branch, sizeof(branch));
	if (srv.partner && branch[0])
		g_hash_table_replace(srv.answers, g_strdup(branch), g_strndup(buf, (gsize)n));
}

static void refuse(const uint8_t *req, size_t len, const struct sockaddr_in *to,
		   unsigned int status, const char *reason, const char *why, const char *pai)
{
	char extra[512], *q;

	logf_("PUBLISH from %s: %u %s: %s", pai, status, reason, why);
	snprintf(extra, sizeof(extra), "Warning: 399 " WARN_AGENT " \"%s\"\r\n", why);
	/* The text is quoted (RFC 3261 20.43): a quote from the client would end it. */
	for (q = strchr(extra, '"') + 1; *q && strcmp(q, "\"\r\n"); q++)
		if (*q == '"' || *q == '\\')
			*q = '\'';
	respond(req, len, to, status, reason, extra);
}

/* ---- publications (RFC 3903) ---- */

static gboolean pub_expired(gpointer data)
{
	struct pub *p = data;

	logf_("publication %s of %s expired", p->etag, p->pai);
	p->timer = 0;
	g_hash_table_remove(srv.pubs, p->etag);
	return G_SOURCE_REMOVE;
}

static void pub_free(gpointer data)
{
	struct pub *p = data;

	if (p->timer)
		g_source_remove(p->timer);
	g_free(p);
}

static void publish_ok(const uint8_t *req, size_t len, const struct sockaddr_in *to,
		       const char *pai, unsigned int expires)
{
	struct pub *p = g_new0(struct pub, 1);
	char extra[128];

	random_hex(p->etag, 12);
	g_strlcpy(p->pai, pai, sizeof(p->pai));
	p->timer = g_timeout_add_seconds(expires, pub_expired, p);
	g_hash_table_replace(srv.pubs, p->etag, p);
	snprintf(extra, sizeof(extra), "SIP-ETag: %s\r\nExpires: %u\r\n", p->etag, expires);
	respond(req, len, to, 200, "OK", extra);
}

static unsigned int granted(long asked)
{
	/* RFC 3903 4.1: the ESC may shorten, never lengthen, the asked time. */
	return asked >= 0 && (unsigned long)asked < srv.grant ? (unsigned int)asked : srv.grant;
}

/* A refresh or a removal: by entity-tag (RFC 3903 4.3, 4.5). */
static void publish_conditional(const uint8_t *req, size_t len, const struct sockaddr_in *to,
				const struct sipsub_msg *m, const char *etag, const char *pai)
{
	struct pub *p = g_hash_table_lookup(srv.pubs, etag);

	if (!p || strcmp(p->pai, pai) != 0) {
		refuse(req, len, to, 412, "Conditional Request Failed", "unknown entity-tag", pai);
		return;
	}
	if (m->expires == 0) {
		logf_("PUBLISH from %s: publication %s removed (Expires: 0)", pai, etag);
		g_hash_table_remove(srv.pubs, etag);
		respond(req, len, to, 200, "OK", "Expires: 0\r\n");
		return;
	}
	logf_("PUBLISH from %s: publication %s refreshed", pai, etag);
	g_hash_table_remove(srv.pubs, etag);
	publish_ok(req, len, to, pai, granted(m->expires));
}

/* ---- migration service authorisation with the primary (TS 23.280 10.6.3) ---- */

static void pending_free(gpointer data)
{
	struct pending *p = data;

	if (p->timer)
		g_source_remove(p->timer);
	g_free(p->req);
	g_free(p);
}

static gboolean primary_silent(gpointer data)
{
	struct pending *p = data;

	p->timer = 0;
	refuse(p->req, p->len, &p->from, 504, "Server Time-out",
	       "the primary MC server did not answer", p->pai);
	g_hash_table_remove(srv.pending, p->call_id);
	return G_SOURCE_REMOVE;
}

static int ask_primary(struct pending *p, const struct mcs_claims *c)
{
	struct mcs_migration mig = { c->sub, c->primary_sub, srv.system };
	char body[1024], buf[2048], branch[25], tag[17];
	struct sockaddr_in local;
	socklen_t sl = sizeof(local);
	int blen, n;

	blen = mcs_build_migration(&mig, body, sizeof(body));
	if (blen < 0)
		return blen;
	random_hex(branch, 12);
	random_hex(tag, 8);
	random_hex(p->call_id, 16);
	getsockname(srv.peer_fd, (struct sockaddr *)&local, &sl);
	n = snprintf(buf, sizeof(buf),
		     "MESSAGE sip:mcptt@mcptt.primary.example SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%s;rport\r\n"
		     "Max-Forwards: 70\r\n"
		     "From: <sip:mcptt@mcptt.partner.example>;tag=%s\r\n"
		     "To: <sip:mcptt@mcptt.primary.example>\r\n"
		     "Call-ID: %s\r\n"
		     "CSeq: 1 MESSAGE\r\n"
		     "Content-Type: " MCS_MIGRATION_CT "\r\n"
		     "Content-Length: %d\r\n\r\n%s",
		     inet_ntoa(local.sin_addr), ntohs(local.sin_port), branch, tag, p->call_id,
		     blen, body);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -E2BIG;
	if (sendto(srv.peer_fd, buf, (size_t)n, 0, (const struct sockaddr *)&srv.primary,
		   sizeof(srv.primary)) < 0)
		return -errno;
	p->timer = g_timeout_add(PRIMARY_WAIT, primary_silent, p);
	g_hash_table_replace(srv.pending, p->call_id, p);
	return 0;
}

static void on_primary_answer(const uint8_t *buf, size_t len)
{
	struct mcsvc_response r;
	struct pending *p;
	const char *err;
	char why[320];

	if (mcsvc_parse_response(buf, len, &r, &err) < 0 || strcmp(r.cseq_method, "MESSAGE")) {
		logf_("answer from the primary dropped: %s", err ? err : "not to MESSAGE");
		return;
	}
	p = g_hash_table_lookup(srv.pending, r.call_id);
	if (!p || r.status < 200)
		return;
	if (r.status >= 300) {
		snprintf(why, sizeof(why), "primary MC server refused: %s",
			 r.warning[0] ? r.warning : r.reason);
		refuse(p->req, p->len, &p->from, 403, "Forbidden", why, p->pai);
	} else {
		logf_("PUBLISH from %s: authorised by the primary MC server", p->pai);
		publish_ok(p->req, p->len, &p->from, p->pai, p->expires);
	}
	g_hash_table_remove(srv.pending, p->call_id);
}

/* TS 24.379 7.3.3: an initial publication carries the token and the client's IDs. */
static void publish_initial(const uint8_t *req, size_t len, const struct sockaddr_in *from,
			    const struct sipsub_msg *m, const char *pai)
{
	const char *body = (const char *)req + m->body_off;
	char *token = g_malloc0(TOKEN_MAX), mcptt_id[MCS_ID_MAX], client_id[MCS_ID_MAX];
	char why[MCS_ID_MAX + 64], *jwks = NULL;
	struct mcs_claims c;
	struct pending *p;
	int ret;

	if (mcs_xml_value(body, m->body_len, "mcptt-access-token", "mcpttString", token,
			  TOKEN_MAX) < 0 ||
	    mcs_xml_value(body, m->body_len, "mcptt-request-uri", "mcpttURI", mcptt_id,
			  sizeof(mcptt_id)) < 0 ||
	    mcs_xml_value(body, m->body_len, "mcptt-client-id", "mcpttString", client_id,
			  sizeof(client_id)) < 0) {
		refuse(req, len, from, 400, "Bad Request",
		       "no mcptt-access-token, mcptt-request-uri or mcptt-client-id", pai);
		goto out;
	}
	if (!g_file_get_contents(srv.jwks, &jwks, NULL, NULL)) {
		refuse(req, len, from, 500, "Server Internal Error", "no JWKS to check tokens with",
		       pai);
		goto out;
	}
	ret = mcs_token_check(token, jwks, srv.issuer, srv.audience, time(NULL), &c, why,
			      sizeof(why));
	if (ret < 0) {
		refuse(req, len, from, 403, "Forbidden", why, pai);
		goto out;
	}
	if (strcmp(c.primary_sub, mcptt_id) != 0) {
		snprintf(why, sizeof(why), "access token not for MCPTT ID %s", mcptt_id);
		refuse(req, len, from, 403, "Forbidden", why, pai);
		goto out;
	}
	logf_("PUBLISH from %s: token ok (sub %s, primary %s, client %s): asking the primary", pai,
	      c.sub, c.primary_sub, client_id);
	p = g_new0(struct pending, 1);
	p->req = g_memdup2(req, len);
	p->len = len;
	p->from = *from;
	g_strlcpy(p->pai, pai, sizeof(p->pai));
	p->expires = granted(m->expires);
	ret = ask_primary(p, &c);
	if (ret < 0) {
		refuse(req, len, from, 500, "Server Internal Error",
		       "cannot ask the primary MC server", pai);
		pending_free(p);
	}
out:
	util_wipe(token, TOKEN_MAX);
	g_free(token);
	if (jwks)
		g_free(jwks);
}

static void on_publish(const uint8_t *buf, size_t len, const struct sockaddr_in *from,
		       const struct sipsub_msg *m)
{
	char pai[MCS_ID_MAX] = "", etag[MCSVC_ETAG_MAX];
	const char *sent;

	sent = g_hash_table_lookup(srv.answers, m->branch);
	if (sent) {
		sendto(srv.fd, sent, strlen(sent), 0, (const struct sockaddr *)from, sizeof(*from));
		return;
	}
	/* TS 24.379 7.3.3: the served user is the asserted identity (the P-CSCF's). */
	if (mcs_header(buf, len, "P-Asserted-Identity", pai, sizeof(pai)) < 0) {
		refuse(buf, len, from, 403, "Forbidden", "no P-Asserted-Identity", "(unknown)");
		return;
	}
	if (strcmp(m->event, "poc-settings") != 0) {
		refuse(buf, len, from, 489, "Bad Event", "only poc-settings is served here", pai);
		return;
	}
	if (mcs_header(buf, len, "SIP-If-Match", etag, sizeof(etag)) == 0) {
		publish_conditional(buf, len, from, m, etag, pai);
		return;
	}
	/* A retransmission while the primary is asked is absorbed. */
	publish_initial(buf, len, from, m, pai);
}

/* ---- the primary MC server ---- */

static bool permitted(const char *id, const char *system)
{
	char *text = NULL, **lines, want[2 * MCS_ID_MAX + 2];
	bool ok = false;
	size_t i;

	if (!g_file_get_contents(srv.permit, &text, NULL, NULL))
		return false;
	snprintf(want, sizeof(want), "%s %s", id, system);
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] && !ok; i++)
		ok = strcmp(g_strstrip(lines[i]), want) == 0;
	g_strfreev(lines);
	g_free(text);
	return ok;
}

static void on_migration_request(const uint8_t *buf, size_t len, const struct sockaddr_in *from,
				 const struct sipsub_msg *m)
{
	const char *body = (const char *)buf + m->body_off;
	char partner_id[MCS_ID_MAX], primary_id[MCS_ID_MAX], system[MCS_ID_MAX];
	char extra[2 * MCS_ID_MAX + 96];

	if (mcs_xml_value(body, m->body_len, "mc-service-id-partner", "v", partner_id,
			  sizeof(partner_id)) < 0 ||
	    mcs_xml_value(body, m->body_len, "mc-service-id-primary", "v", primary_id,
			  sizeof(primary_id)) < 0 ||
	    mcs_xml_value(body, m->body_len, "partner-system", "v", system, sizeof(system)) < 0) {
		respond(buf, len, from, 400, "Bad Request", "");
		return;
	}
	if (!permitted(primary_id, system)) {
		logf_("migration of %s (%s at %s): refused, not permitted", primary_id, partner_id,
		      system);
		snprintf(
			extra, sizeof(extra),
			"Warning: 399 mcptt.primary.example \"%s not permitted to migrate to %s\"\r\n",
			primary_id, system);
		respond(buf, len, from, 403, "Forbidden", extra);
		return;
	}
	logf_("migration of %s (%s at %s): authorised", primary_id, partner_id, system);
	respond(buf, len, from, 200, "OK", "");
}

/* A migration request answered --delay-ms later (a copy: the read buffer is reused). */
struct held {
	uint8_t *buf;
	size_t len;
	struct sockaddr_in from;
};

static gboolean answer_held(gpointer data)
{
	struct held *h = data;
	struct sipsub_msg m;
	const char *err;

	if (sipsub_parse(h->buf, h->len, &m, &err) == 0)
		on_migration_request(h->buf, h->len, &h->from, &m);
	g_free(h->buf);
	g_free(h);
	return G_SOURCE_REMOVE;
}

static void hold_migration_request(const uint8_t *buf, size_t len, const struct sockaddr_in *from)
{
	struct held *h = g_new0(struct held, 1);

	h->buf = g_memdup2(buf, len);
	h->len = len;
	h->from = *from;
	g_timeout_add(srv.delay_ms, answer_held, h);
}

static gboolean on_readable(gint fd, GIOCondition cond, gpointer data)
{
	static uint8_t buf[MSG_MAX + 1];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	struct sipsub_msg m;
	const char *err;
	ssize_t n;

	n = recvfrom(fd, buf, MSG_MAX, 0, (struct sockaddr *)&from, &fl);
	if (n <= 0)
		return G_SOURCE_CONTINUE;
	if (n >= 8 && memcmp(buf, "SIP/2.0 ", 8) == 0) {
		if (srv.partner)
			on_primary_answer(buf, (size_t)n);
		goto out;
	}
	if (sipsub_parse(buf, (size_t)n, &m, &err) < 0) {
		logf_("request dropped: %s", err);
		goto out;
	}
	if (srv.partner && strcmp(m.method, "PUBLISH") == 0)
		on_publish(buf, (size_t)n, &from, &m);
	else if (!srv.partner && strcmp(m.method, "MESSAGE") == 0 && srv.delay_ms)
		hold_migration_request(buf, (size_t)n, &from);
	else if (!srv.partner && strcmp(m.method, "MESSAGE") == 0)
		on_migration_request(buf, (size_t)n, &from, &m);
	else if (strcmp(m.method, "ACK") != 0)
		respond(buf, (size_t)n, &from, 405, "Method Not Allowed", "Allow: PUBLISH\r\n");
out:
	/* The PUBLISH held the token. */
	util_wipe(buf, (size_t)n);
	return G_SOURCE_CONTINUE;
}

/* ---- keygen / mint ---- */

static int write_secret(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) < 0) {
		perror(path);
		return 1;
	}
	return 0;
}

static int keygen(const char *priv_path, const char *jwks_path)
{
	char *priv, *jwks;
	int ret;

	if (mcs_token_keygen("mcmig-bench-partner-idms", &priv, &jwks) < 0) {
		fprintf(stderr, "mcserver: keygen failed\n");
		return 1;
	}
	ret = write_secret(priv_path, priv) || write_secret(jwks_path, jwks);
	r_free(priv);
	r_free(jwks);
	return ret;
}

static int mint(char **a)
{
	char *priv = NULL, *token;
	long in = atol(a[5]);
	time_t now = time(NULL);
	int ret;

	if (!g_file_get_contents(a[0], &priv, NULL, NULL)) {
		fprintf(stderr, "mcserver: cannot read %s\n", a[0]);
		return 1;
	}
	ret = mcs_token_mint(priv, a[1], a[2], a[3], a[4], now, now + in, &token);
	util_wipe(priv, strlen(priv));
	g_free(priv);
	if (ret < 0) {
		fprintf(stderr, "mcserver: cannot mint: %s\n", strerror(-ret));
		return 1;
	}
	printf("%s\n", token);
	util_wipe(token, strlen(token));
	r_free(token);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: mcmig-mcserver partner --listen ADDR:PORT --peer-bind ADDR "
			"--primary ADDR:PORT --jwks FILE --issuer ISS --audience AUD --system ID "
			"[--grant S]\n"
			"       mcmig-mcserver primary --listen ADDR:PORT --permit FILE "
			"[--delay-ms MS]\n"
			"       mcmig-mcserver keygen PRIVATE-JWK-FILE JWKS-FILE\n"
			"       mcmig-mcserver mint PRIVATE-JWK-FILE ISS AUD SUB PRIMARY-SUB "
			"EXPIRES-IN-S\n");
	return 2;
}

static const char *opt(int argc, char **argv, const char *name)
{
	int i;

	for (i = 2; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	const char *listen, *bind_addr, *primary, *grant, *delay;
	char *end;
	GMainLoop *loop;

	if (argc == 4 && strcmp(argv[1], "keygen") == 0)
		return keygen(argv[2], argv[3]);
	if (argc == 8 && strcmp(argv[1], "mint") == 0)
		return mint(argv + 2);
	if (argc < 2)
		return usage();
	srv.partner = strcmp(argv[1], "partner") == 0;
	if (!srv.partner && strcmp(argv[1], "primary") != 0)
		return usage();
	listen = opt(argc, argv, "--listen");
	if (!listen || parse_addr(listen, &sa) < 0)
		return usage();
	srv.fd = udp_bind(&sa);
	if (srv.partner) {
		bind_addr = opt(argc, argv, "--peer-bind");
		primary = opt(argc, argv, "--primary");
		srv.jwks = opt(argc, argv, "--jwks");
		srv.issuer = opt(argc, argv, "--issuer");
		srv.audience = opt(argc, argv, "--audience");
		srv.system = opt(argc, argv, "--system");
		grant = opt(argc, argv, "--grant");
		srv.grant = grant ? (unsigned int)atoi(grant) : 600;
		if (!bind_addr || !primary || parse_addr(primary, &srv.primary) < 0 || !srv.jwks ||
		    !srv.issuer || !srv.audience || !srv.system || !srv.grant)
			return usage();
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		if (inet_pton(AF_INET, bind_addr, &sa.sin_addr) != 1)
			return usage();
		srv.peer_fd = udp_bind(&sa);
		g_unix_fd_add(srv.peer_fd, G_IO_IN, on_readable, NULL);
	} else {
		srv.permit = opt(argc, argv, "--permit");
		delay = opt(argc, argv, "--delay-ms");
		if (delay) {
			errno = 0;
			srv.delay_ms = (unsigned int)strtoul(delay, &end, 10);
			/* Below the partner's PRIMARY_WAIT, or every request times out. */
			if (errno || end == delay || *end || srv.delay_ms >= PRIMARY_WAIT) {
				fprintf(stderr,
					"mcserver: --delay-ms '%s': not a number of ms below %u\n",
					delay, PRIMARY_WAIT);
				return usage();
			}
		}
		if (!srv.permit)
			return usage();
	}
	srv.pubs = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, pub_free);
	srv.pending = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, pending_free);
	srv.answers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_unix_fd_add(srv.fd, G_IO_IN, on_readable, NULL);
	loop = g_main_loop_new(NULL, FALSE);
	logf_("%s MC server up on %s", argv[1], listen);
	g_main_loop_run(loop);
	return 0;
}
