// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmig-cms HTTP layer and the flows of TR 23.781 6.Y.1 steps 1-13 and
 * 6.Y.3 revocation (at the primary, and reaching the partner). Each
 * connection has its own thread (libmicrohttpd
 * MHD_USE_THREAD_PER_CONNECTION), so the blocking SIP DB and partner calls
 * of one request never hold up another; the shared state (bindings,
 * counters) is behind one mutex that is never held across those calls.
 */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <glib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libxml/tree.h>
#include <microhttpd.h>

#include "cms-partner.h"
#include "cms-server.h"
#include "cms-xml.h"
#include "util.h"

#define CMS_UE_PATH	     "/mcmig/v1/partner-connection"
#define CMS_ADMIN_BINDINGS   "/mcmig/v1/admin/bindings"
#define CMS_ADMIN_REVOKE     "/mcmig/v1/admin/revoke"
#define CMS_CONNECTION_LIMIT 64
#define CMS_PER_IP_LIMIT     16
#define CMS_DISCARD_FACTOR   4
#define CMS_TLS_PRIORITIES   "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

enum listener {
	LISTENER_UE,	/* primary, bearer token */
	LISTENER_CMS,	/* partner, mutual TLS */
	LISTENER_ADMIN, /* loopback */
};

/* Primary: one per user, the latest migration (steps 1-13). */
struct primary_binding {
	char *mc_service_id;
	char *partner;
	enum cms_selection selection;
	bool has_outbound;
	struct cms_identity outbound;
	char *inbound_impi;
	char *inbound_impu;
	int64_t valid_until;
	bool revoked;
};

/* Partner: one per (primary SIP DB, primary IMPI) (steps 8-12). */
struct partner_binding {
	char *primary_system;
	char *mc_service_id;
	char *sip_database;
	char *impi;
	char *impu;
	struct cms_identity inbound;
	char *username[CMS_MAX_CONN]; /* generated PAP/CHAP credentials */
	char *password[CMS_MAX_CONN];
	int64_t valid_until;
};

struct listener_ctx {
	struct cms_server *server;
	enum listener kind;
};

struct cms_server {
	const struct cms_config *cfg;
	const struct cms_sipdb_ops *sipdb;
	struct MHD_Daemon *daemon;
	struct MHD_Daemon *admin;
	struct listener_ctx main_ctx;
	struct listener_ctx admin_ctx;
	char *cert_pem;
	char *key_pem;
	size_t key_len;
	char *ca_pem;
	GMutex lock;
	GHashTable *bindings; /* primary: by MC service ID; partner: "sipdb\nimpi" */
	unsigned long answered;
	unsigned long refused;
};

/* One HTTP request in progress. */
struct request {
	enum cms_error early; /* decided from the headers; CMS_OK: none */
	char *early_text;
	GByteArray *body;
	const struct cms_user *user;		  /* LISTENER_UE: the token's user */
	const struct cms_primary_system *primary; /* LISTENER_CMS: the client certificate's */
	bool revoke;				  /* LISTENER_CMS: the revocation resource */
	bool queued;
	size_t received;
	gint64 started; /* monotonic, us */
};

void cms_log(const char *fmt, ...)
{
	char stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	flockfile(stderr);
	fprintf(stderr, "%s.%03ld mcmig-cms: ", stamp, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

static void wipe_free(void *p)
{
	if (p)
		util_wipe(p, strlen(p));
	g_free(p);
}

static void primary_binding_free(void *p)
{
	struct primary_binding *b = p;

	g_free(b->mc_service_id);
	g_free(b->partner);
	g_free(b->inbound_impi);
	g_free(b->inbound_impu);
	g_free(b);
}

static void partner_binding_free(void *p)
{
	struct partner_binding *b = p;
	size_t i;

	g_free(b->primary_system);
	g_free(b->mc_service_id);
	g_free(b->sip_database);
	g_free(b->impi);
	g_free(b->impu);
	for (i = 0; i < CMS_MAX_CONN; i++) {
		g_free(b->username[i]);
		wipe_free(b->password[i]);
	}
	g_free(b);
}

static void count(struct cms_server *s, bool ok)
{
	g_mutex_lock(&s->lock);
	if (ok)
		s->answered++;
	else
		s->refused++;
	g_mutex_unlock(&s->lock);
}

/* Takes @body (g_malloc'd, NUL-terminated; wiped when sent: it may hold secrets). */
static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status, const char *type,
			     char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!body)
		return MHD_NO;
	r = MHD_create_response_from_buffer_with_free_callback(len, body, wipe_free);
	if (!r) {
		wipe_free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"mcmig\", error=\"invalid_token\"");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static const char *ns_of(enum listener kind)
{
	return kind == LISTENER_UE ? CMS_NS_UE : CMS_NS_CMS;
}

static enum MHD_Result reply_error(struct listener_ctx *lc, struct MHD_Connection *conn,
				   enum cms_error e, const char *text)
{
	size_t len = 0;
	char *doc = cms_xml_build_error(ns_of(lc->kind), e, text, &len);

	count(lc->server, false);
	cms_log("%s %u %s: %s", lc->kind == LISTENER_ADMIN ? "admin" : "answer",
		cms_error_http_status(e), cms_error_code(e), text);
	return reply(conn, cms_error_http_status(e), CMS_CT_ERROR, doc, len);
}

static bool is_type(const char *ct, const char *want)
{
	size_t n = strlen(want);

	return ct && !g_ascii_strncasecmp(ct, want, n) && (ct[n] == '\0' || ct[n] == ';');
}

static void set_early(struct request *rq, enum cms_error e, char *text)
{
	if (rq->early != CMS_OK) {
		g_free(text);
		return;
	}
	rq->early = e;
	rq->early_text = text;
}

/* Step 1 authentication: "Authorization: Bearer <token>" (RFC 6750 2.1). */
static void check_bearer(struct cms_server *s, struct MHD_Connection *conn, struct request *rq)
{
	const char *h =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);

	if (!h || g_ascii_strncasecmp(h, "Bearer ", 7) || !h[7]) {
		set_early(rq, CMS_ERR_UNAUTHENTICATED, g_strdup("no bearer token"));
		return;
	}
	rq->user = cms_user_by_token(s->cfg, h + 7, strlen(h + 7));
	if (!rq->user)
		set_early(rq, CMS_ERR_UNAUTHENTICATED, g_strdup("bearer token not recognised"));
}

/* Step 8, first half: which primary system is this (its verified client certificate). */
static void check_client_cert(struct cms_server *s, struct MHD_Connection *conn, struct request *rq)
{
	const union MHD_ConnectionInfo *ci;
	const gnutls_datum_t *certs;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t dn = { 0 };
	uint8_t fp[CMS_SHA256_LEN];
	size_t fplen = sizeof(fp);
	unsigned int status = 0, n = 0;
	gnutls_session_t tls;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	tls = ci ? (gnutls_session_t)ci->tls_session : NULL;
	if (!tls || gnutls_certificate_verify_peers2(tls, &status) < 0 || status) {
		set_early(rq, CMS_ERR_SYSTEM_NOT_AUTHORISED,
			  g_strdup("no client certificate verified by the bench CA"));
		return;
	}
	certs = gnutls_certificate_get_peers(tls, &n);
	if (!certs || !n || gnutls_x509_crt_init(&crt) < 0 ||
	    gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) < 0 ||
	    gnutls_x509_crt_get_dn3(crt, &dn, 0) < 0 ||
	    gnutls_fingerprint(GNUTLS_DIG_SHA256, &certs[0], fp, &fplen) < 0) {
		set_early(rq, CMS_ERR_SYSTEM_NOT_AUTHORISED,
			  g_strdup("client certificate unreadable"));
		goto out;
	}
	rq->primary = cms_primary_by_certificate(s->cfg, fp, (const char *)dn.data);
	if (!rq->primary)
		set_early(rq, CMS_ERR_SYSTEM_NOT_AUTHORISED,
			  g_strdup_printf("client certificate %s is no allowed primary system",
					  (const char *)dn.data));
out:
	gnutls_free(dn.data);
	if (crt)
		gnutls_x509_crt_deinit(crt);
}

/* Headers are in: decide what can be decided before reading any body. */
static void on_headers(struct listener_ctx *lc, struct MHD_Connection *conn, const char *url,
		       const char *method, struct request *rq)
{
	struct cms_server *s = lc->server;
	const char *ct =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *cl =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *path = NULL, *want_type = CMS_CT_CMS;
	guint64 declared;

	switch (lc->kind) {
	case LISTENER_UE:
		path = CMS_UE_PATH;
		want_type = CMS_CT_UE_REQUEST;
		break;
	case LISTENER_CMS:
		rq->revoke = !strcmp(url, CMS_PARTNER_REVOKE_PATH);
		path = rq->revoke ? CMS_PARTNER_REVOKE_PATH : CMS_PARTNER_ACCESS_PATH;
		break;
	case LISTENER_ADMIN:
		/* GET bindings is answered before this; revocation is the primary's. */
		if (s->cfg->role == CMS_ROLE_PRIMARY)
			path = CMS_ADMIN_REVOKE;
		break;
	}
	if (!path || strcmp(url, path)) {
		/* Client text goes into the log: escaped, so it cannot forge lines. */
		char *u = g_strescape(url, NULL);

		set_early(rq, CMS_ERR_NOT_FOUND, g_strdup_printf("no resource %s", u));
		g_free(u);
		return;
	}
	if (strcmp(method, "POST")) {
		char *m = g_strescape(method, NULL);

		set_early(rq, CMS_ERR_METHOD, g_strdup_printf("%s %s: only POST", m, url));
		g_free(m);
		return;
	}
	if (lc->kind == LISTENER_UE)
		check_bearer(s, conn, rq);
	else if (lc->kind == LISTENER_CMS)
		check_client_cert(s, conn, rq);
	if (!is_type(ct, want_type)) {
		char *c = ct ? g_strescape(ct, NULL) : g_strdup("absent");

		set_early(rq, CMS_ERR_BAD_REQUEST,
			  g_strdup_printf("Content-Type must be %s, not %s", want_type, c));
		g_free(c);
	}
	if (cl && !g_ascii_string_to_unsigned(cl, 10, 0, G_MAXUINT64, &declared, NULL))
		set_early(rq, CMS_ERR_BAD_REQUEST, g_strdup("Content-Length is not a number"));
	else if (cl && declared > s->cfg->max_body)
		set_early(rq, CMS_ERR_TOO_LARGE,
			  g_strdup_printf("body of %" G_GUINT64_FORMAT
					  " bytes is over the limit of %zu",
					  declared, s->cfg->max_body));
}

/* Steps 2-13 at the primary, for rq->user. */
static enum MHD_Result primary_connection(struct listener_ctx *lc, struct MHD_Connection *conn,
					  struct request *rq)
{
	struct cms_server *s = lc->server;
	const struct cms_user *u = rq->user;
	const struct cms_partner *p = NULL;
	struct cms_ue_request ue = { 0 };
	struct cms_access_request q = { 0 };
	struct cms_connection c = { 0 };
	struct primary_binding *b;
	struct cms_identity out = { 0 };
	enum cms_selection how;
	enum MHD_Result mr;
	enum cms_error e;
	char *why = NULL, *doc;
	size_t i, len = 0;
	int ret;

	if (cms_xml_parse_ue_request((const char *)rq->body->data, rq->body->len, &ue, &why)) {
		mr = reply_error(lc, conn, CMS_ERR_BAD_REQUEST, why);
		goto out;
	}
	if (strcmp(ue.mc_service_id, u->mc_service_id)) {
		why = g_strdup_printf("the token is not %s's", ue.mc_service_id);
		mr = reply_error(lc, conn, CMS_ERR_NOT_AUTHORISED, why);
		goto out;
	}
	/* Step 2. */
	if (!u->migration) {
		why = g_strdup_printf("%s is not authorised for migration", u->mc_service_id);
		mr = reply_error(lc, conn, CMS_ERR_NOT_AUTHORISED, why);
		goto out;
	}
	/* Step 3. */
	e = cms_select_partner(s->cfg, u, &ue.location, ue.requested_partner, &p, &how);
	if (e != CMS_OK) {
		why = g_strdup_printf("no partner of %s serves PLMN %s-%s%s%u", u->mc_service_id,
				      ue.location.mcc, ue.location.mnc,
				      ue.location.has_tac ? " TAC " : "",
				      ue.location.has_tac ? ue.location.tac : 0);
		mr = reply_error(lc, conn, e, why);
		goto out;
	}
	cms_log("%s: partner %s (%s%s%s)", u->mc_service_id, p->system_id, cms_selection_name(how),
		ue.requested_partner ? ", requested " : "",
		ue.requested_partner ? ue.requested_partner : "");

	/* Steps 4-6, by the user's policy. */
	if (u->outbound_identities) {
		ret = s->sipdb->outbound(u->impi, u->impu, &out);
		if (ret) {
			why = g_strdup_printf("primary SIP DB: outbound identities for %s: %s",
					      u->mc_service_id, g_strerror(-ret));
			mr = reply_error(lc, conn, CMS_ERR_UNAVAILABLE, why);
			goto out;
		}
	} else {
		util_strlcpy(out.impi, u->impi, sizeof(out.impi));
		util_strlcpy(out.impu, u->impu, sizeof(out.impu));
	}
	if (!out.sipdb[0])
		util_strlcpy(out.sipdb, s->cfg->sip_database_id, sizeof(out.sipdb));

	if (p->static_conf) {
		/*
		 * NOTE 2: the partner's configuration is held here and the partner
		 * CMS is not called; the UE registers with the identities of steps
		 * 4-6, which the partner SIP DB resolves by their realm (README).
		 */
		cms_connection_copy(&c, p->static_conf);
		c.impi = g_strdup(out.impi);
		c.impu[0] = g_strdup(out.impu);
		c.n_impu = 1;
		c.valid_until = (int64_t)time(NULL) + c.validity;
	} else {
		/* Steps 7 and 12. */
		q.mc_service_id = u->mc_service_id;
		q.primary_system_id = s->cfg->system_id;
		q.sip_database = out.sipdb;
		q.impi = out.impi;
		q.impu = out.impu;
		e = cms_partner_access(s->cfg, p, &q, &c, &why);
		if (e != CMS_OK) {
			mr = reply_error(lc, conn, e, why);
			goto out;
		}
	}
	c.selection = how;

	b = g_new0(struct primary_binding, 1);
	b->mc_service_id = g_strdup(u->mc_service_id);
	b->partner = g_strdup(p->system_id);
	b->selection = how;
	b->has_outbound = u->outbound_identities;
	b->outbound = out;
	b->inbound_impi = g_strdup(c.impi);
	b->inbound_impu = g_strdup(c.impu[0]);
	b->valid_until = c.valid_until;
	g_mutex_lock(&s->lock);
	g_hash_table_replace(s->bindings, b->mc_service_id, b);
	s->answered++;
	g_mutex_unlock(&s->lock);

	/* Step 13. */
	doc = cms_xml_build_connection(&c, CMS_NS_UE, "partner-connection", CMS_XML_SELECTION,
				       &len);
	cms_log("%s: step 13: %s via %s", u->mc_service_id, c.impi, p->system_id);
	for (i = 0; i < c.n_conn; i++)
		cms_log("%s: connectivity %s apn %s auth %s", u->mc_service_id, c.conn[i].con_ref,
			c.conn[i].apn, cms_auth_name(c.conn[i].auth));
	mr = reply(conn, MHD_HTTP_OK, CMS_CT_UE_ANSWER, doc, len);
out:
	cms_connection_clear(&c);
	cms_ue_request_clear(&ue);
	util_wipe(&out, sizeof(out));
	g_free(why);
	return mr;
}

static char *random_hex(size_t bytes)
{
	uint8_t rnd[32];
	char *hex = g_malloc(2 * bytes + 1);

	if (gnutls_rnd(GNUTLS_RND_KEY, rnd, bytes) < 0) {
		g_free(hex);
		return NULL;
	}
	util_hex_encode(rnd, bytes, hex);
	util_wipe(rnd, sizeof(rnd));
	return hex;
}

/* Per-user PAP/CHAP credentials of the partner PDNs: fixed, or generated once per binding. */
static int fill_credentials(struct partner_binding *b, struct cms_connection *c)
{
	size_t i;

	for (i = 0; i < c->n_conn; i++) {
		struct cms_connectivity *k = &c->conn[i];

		if (k->auth == CMS_AUTH_NONE)
			continue;
		if (!k->username) {
			if (!b->username[i]) {
				char *h = random_hex(6);

				if (!h)
					return -EIO;
				b->username[i] = g_strconcat("u-", h, NULL);
				g_free(h);
			}
			k->username = g_strdup(b->username[i]);
		}
		if (!k->password) {
			if (!b->password[i])
				b->password[i] = random_hex(16);
			if (!b->password[i])
				return -EIO;
			k->password = g_strdup(b->password[i]);
		}
	}
	return 0;
}

/* Steps 8-12 at the partner, for rq->primary. */
static enum MHD_Result partner_access(struct listener_ctx *lc, struct MHD_Connection *conn,
				      struct request *rq)
{
	struct cms_server *s = lc->server;
	const struct cms_primary_system *ps = rq->primary;
	struct cms_access_request q = { 0 };
	struct cms_connection c = { 0 };
	struct cms_identity in = { 0 };
	struct partner_binding *b;
	enum MHD_Result mr;
	char *why = NULL, *key = NULL, *doc;
	size_t len = 0;
	int ret;

	if (cms_xml_parse_access_request((const char *)rq->body->data, rq->body->len, &q, &why)) {
		mr = reply_error(lc, conn, CMS_ERR_BAD_REQUEST, why);
		goto out;
	}
	/* Step 8: the system is who its certificate says, with its own SIP DB ... */
	if (strcmp(q.primary_system_id, ps->system_id) ||
	    !cms_primary_allows_sip_database(ps, q.sip_database)) {
		why = g_strdup_printf("certificate of %s does not speak for %s with SIP DB %s",
				      ps->system_id, q.primary_system_id, q.sip_database);
		mr = reply_error(lc, conn, CMS_ERR_SYSTEM_NOT_AUTHORISED, why);
		goto out;
	}
	/* ... and the user may migrate here. */
	if (!cms_primary_allows_user(ps, q.mc_service_id)) {
		why = g_strdup_printf("%s of %s may not migrate to %s", q.mc_service_id,
				      ps->system_id, s->cfg->system_id);
		mr = reply_error(lc, conn, CMS_ERR_USER_NOT_AUTHORISED, why);
		goto out;
	}
	/* Steps 9-11. */
	ret = s->sipdb->inbound(q.sip_database, q.impi, q.impu, &in);
	if (ret) {
		why = g_strdup_printf("partner SIP DB: inbound identities for %s: %s", q.impi,
				      g_strerror(-ret));
		mr = reply_error(lc, conn, CMS_ERR_UNAVAILABLE, why);
		goto out;
	}

	cms_connection_copy(&c, &s->cfg->offer);
	c.impi = g_strdup(in.impi);
	c.impu[0] = g_strdup(in.impu);
	c.n_impu = 1;
	c.valid_until = (int64_t)time(NULL) + c.validity;

	key = g_strdup_printf("%s\n%s", q.sip_database, q.impi);
	g_mutex_lock(&s->lock);
	b = g_hash_table_lookup(s->bindings, key);
	if (!b) {
		b = g_new0(struct partner_binding, 1);
		b->sip_database = g_strdup(q.sip_database);
		b->impi = g_strdup(q.impi);
		g_hash_table_insert(s->bindings, g_strdup(key), b);
	}
	g_free(b->primary_system);
	b->primary_system = g_strdup(ps->system_id);
	g_free(b->mc_service_id);
	b->mc_service_id = g_strdup(q.mc_service_id);
	g_free(b->impu);
	b->impu = g_strdup(q.impu);
	b->inbound = in;
	b->valid_until = c.valid_until;
	ret = fill_credentials(b, &c);
	if (!ret)
		s->answered++;
	g_mutex_unlock(&s->lock);
	if (ret) {
		mr = reply_error(lc, conn, CMS_ERR_UNAVAILABLE, "no randomness for credentials");
		goto out;
	}
	/* Step 12. */
	cms_log("%s of %s: step 12: inbound %s", q.mc_service_id, ps->system_id, in.impi);
	doc = cms_xml_build_connection(&c, CMS_NS_CMS, "partner-access", 0, &len);
	mr = reply(conn, MHD_HTTP_OK, CMS_CT_CMS, doc, len);
out:
	cms_connection_clear(&c);
	cms_access_request_clear(&q);
	g_free(key);
	g_free(why);
	return mr;
}

/* One migration to end: the primary's outbound identities (the partner's key). */
struct revocation {
	char *mc_service_id;
	char *sipdb;
	char *impi;
	char *impu;
};

static void revocation_clear(void *p)
{
	struct revocation *r = p;

	g_free(r->mc_service_id);
	g_free(r->sipdb);
	g_free(r->impi);
	g_free(r->impu);
}

static void revocation_add(GArray *a, const char *id, const char *sipdb, const char *impi,
			   const char *impu)
{
	struct revocation r = { g_strdup(id), g_strdup(sipdb), g_strdup(impi), g_strdup(impu) };

	g_array_append_val(a, r);
}

/*
 * 6.Y.3 reaching the partner (POST /mcmig/v1/cms/revoke, mutual TLS): the
 * primary ends one user's migration or every user's of its agreement. Each
 * inbound binding goes at the partner SIP DB, which ends the registration
 * (Cx RTR to the S-CSCF). Idempotent: what is gone already counts as done.
 */
static enum MHD_Result partner_revoke(struct listener_ctx *lc, struct MHD_Connection *conn,
				      struct request *rq)
{
	struct cms_server *s = lc->server;
	const struct cms_primary_system *ps = rq->primary;
	GArray *todo = g_array_new(FALSE, TRUE, sizeof(struct revocation));
	struct cms_revoke_request q = { 0 };
	struct partner_binding *b;
	GHashTableIter it;
	enum MHD_Result mr;
	char *why = NULL, *key, *doc;
	gpointer v;
	guint i;
	int ret;

	g_array_set_clear_func(todo, revocation_clear);
	if (cms_xml_parse_partner_revoke((const char *)rq->body->data, rq->body->len, &q, &why)) {
		mr = reply_error(lc, conn, CMS_ERR_BAD_REQUEST, why);
		goto out;
	}
	/* Step 8's rule: a primary speaks only for itself and its SIP DBs. */
	if (strcmp(q.primary_system_id, ps->system_id) ||
	    (!q.all_users && !cms_primary_allows_sip_database(ps, q.sip_database))) {
		why = g_strdup_printf("certificate of %s does not speak for %s%s%s", ps->system_id,
				      q.primary_system_id, q.all_users ? "" : " with SIP DB ",
				      q.all_users ? "" : q.sip_database);
		mr = reply_error(lc, conn, CMS_ERR_SYSTEM_NOT_AUTHORISED, why);
		goto out;
	}
	if (!q.all_users) {
		revocation_add(todo, q.mc_service_id, q.sip_database, q.impi, q.impu);
	} else {
		g_mutex_lock(&s->lock);
		g_hash_table_iter_init(&it, s->bindings);
		while (g_hash_table_iter_next(&it, NULL, &v)) {
			b = v;
			if (!strcmp(b->primary_system, ps->system_id))
				revocation_add(todo, b->mc_service_id, b->sip_database, b->impi,
					       b->impu);
		}
		g_mutex_unlock(&s->lock);
	}
	for (i = 0; i < todo->len; i++) {
		const struct revocation *r = &g_array_index(todo, struct revocation, i);

		ret = s->sipdb->revoke_inbound(r->sipdb, r->impi, r->impu);
		if (ret) {
			why = g_strdup_printf("partner SIP DB: revoking %s (%s): %s",
					      r->mc_service_id, r->impi, g_strerror(-ret));
			mr = reply_error(lc, conn, CMS_ERR_UNAVAILABLE, why);
			goto out;
		}
		key = g_strdup_printf("%s\n%s", r->sipdb, r->impi);
		g_mutex_lock(&s->lock);
		g_hash_table_remove(s->bindings, key);
		g_mutex_unlock(&s->lock);
		g_free(key);
		cms_log("%s of %s: migration revoked (%s)", r->mc_service_id, ps->system_id,
			r->impi);
	}
	g_mutex_lock(&s->lock);
	s->answered++;
	g_mutex_unlock(&s->lock);
	cms_log("%s: revocation of %s: %u migration(s) ended", ps->system_id,
		q.all_users ? "every user" : q.mc_service_id, todo->len);
	doc = g_strdup_printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			      "<partner-revoked xmlns=\"" CMS_NS_CMS "\"><revoked>%u</revoked>"
			      "</partner-revoked>\n",
			      todo->len);
	mr = reply(conn, MHD_HTTP_OK, CMS_CT_CMS, doc, strlen(doc));
out:
	cms_revoke_request_clear(&q);
	g_array_unref(todo);
	g_free(why);
	return mr;
}

/* GET /mcmig/v1/admin/bindings: the state, without secrets. */
static enum MHD_Result admin_bindings(struct listener_ctx *lc, struct MHD_Connection *conn)
{
	struct cms_server *s = lc->server;
	char when[32], num[32], *body;
	GHashTableIter it;
	xmlNodePtr r, n;
	xmlChar *mem = NULL;
	gpointer v;
	xmlDocPtr doc;
	xmlNsPtr ns;
	int size = 0;

	doc = xmlNewDoc(BAD_CAST "1.0");
	r = xmlNewNode(NULL, BAD_CAST "bindings");
	ns = xmlNewNs(r, BAD_CAST CMS_NS_CMS, NULL);
	xmlSetNs(r, ns);
	xmlDocSetRootElement(doc, r);
	xmlNewProp(r, BAD_CAST "role",
		   BAD_CAST(s->cfg->role == CMS_ROLE_PRIMARY ? "primary" : "partner"));
	xmlNewProp(r, BAD_CAST "system-id", BAD_CAST s->cfg->system_id);
	g_mutex_lock(&s->lock);
	snprintf(num, sizeof(num), "%lu", s->answered);
	xmlNewProp(r, BAD_CAST "answered", BAD_CAST num);
	snprintf(num, sizeof(num), "%lu", s->refused);
	xmlNewProp(r, BAD_CAST "refused", BAD_CAST num);
	g_hash_table_iter_init(&it, s->bindings);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		n = xmlNewChild(r, ns, BAD_CAST "binding", NULL);
		if (s->cfg->role == CMS_ROLE_PRIMARY) {
			const struct primary_binding *b = v;

			xmlNewProp(n, BAD_CAST "mc-service-id", BAD_CAST b->mc_service_id);
			xmlNewProp(n, BAD_CAST "partner", BAD_CAST b->partner);
			xmlNewProp(n, BAD_CAST "selection",
				   BAD_CAST cms_selection_name(b->selection));
			xmlNewProp(n, BAD_CAST "state",
				   BAD_CAST(b->revoked ? "revoked" : "active"));
			if (b->has_outbound) {
				xmlNewTextChild(n, ns, BAD_CAST "outbound-impi",
						BAD_CAST b->outbound.impi);
				xmlNewTextChild(n, ns, BAD_CAST "outbound-impu",
						BAD_CAST b->outbound.impu);
			}
			xmlNewTextChild(n, ns, BAD_CAST "inbound-impi", BAD_CAST b->inbound_impi);
			xmlNewTextChild(n, ns, BAD_CAST "inbound-impu", BAD_CAST b->inbound_impu);
			cms_time_format(b->valid_until, when);
		} else {
			const struct partner_binding *b = v;

			xmlNewProp(n, BAD_CAST "primary-system", BAD_CAST b->primary_system);
			xmlNewProp(n, BAD_CAST "mc-service-id", BAD_CAST b->mc_service_id);
			xmlNewProp(n, BAD_CAST "sip-database", BAD_CAST b->sip_database);
			xmlNewTextChild(n, ns, BAD_CAST "primary-impi", BAD_CAST b->impi);
			xmlNewTextChild(n, ns, BAD_CAST "primary-impu", BAD_CAST b->impu);
			xmlNewTextChild(n, ns, BAD_CAST "inbound-impi", BAD_CAST b->inbound.impi);
			xmlNewTextChild(n, ns, BAD_CAST "inbound-impu", BAD_CAST b->inbound.impu);
			cms_time_format(b->valid_until, when);
		}
		xmlNewTextChild(n, ns, BAD_CAST "valid-until", BAD_CAST when);
	}
	g_mutex_unlock(&s->lock);
	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	xmlFreeDoc(doc);
	if (!mem)
		return MHD_NO;
	body = g_strndup((const char *)mem, (gsize)size);
	xmlFree(mem);
	return reply(conn, MHD_HTTP_OK, CMS_CT_CMS, body, (size_t)size);
}

static const struct cms_user *user_by_id(const struct cms_config *cfg, const char *id)
{
	size_t i;

	for (i = 0; i < cfg->n_users; i++)
		if (!strcmp(cfg->users[i].mc_service_id, id))
			return &cfg->users[i];
	return NULL;
}

/*
 * POST /mcmig/v1/admin/revoke (6.Y.3) at the primary: one user's migration
 * (<mc-service-id>) or every user's migrated to a partner
 * (<partner-system-id>, the whole agreement). Each outbound binding goes at
 * the primary SIP DB (no more vectors for it), then the partner CMS is told
 * (CMS-to-CMS), whose SIP DB ends the registrations at once. A binding is
 * marked revoked only when both confirmed; a retry redoes both, each being
 * idempotent.
 */
static enum MHD_Result admin_revoke(struct listener_ctx *lc, struct MHD_Connection *conn,
				    struct request *rq)
{
	struct cms_server *s = lc->server;
	GArray *todo = g_array_new(FALSE, TRUE, sizeof(struct revocation));
	struct cms_revoke_request q = { .primary_system_id = s->cfg->system_id };
	const struct cms_partner *p = NULL;
	const struct cms_user *u;
	struct primary_binding *b;
	char *id = NULL, *pid = NULL, *why = NULL, *pwhy = NULL, *doc;
	GHashTableIter it;
	enum cms_error e;
	enum MHD_Result mr;
	gpointer v;
	guint i;
	int ret;

	g_array_set_clear_func(todo, revocation_clear);
	if (cms_xml_parse_revoke((const char *)rq->body->data, rq->body->len, &id, &pid, &why)) {
		mr = reply_error(lc, conn, CMS_ERR_BAD_REQUEST, why);
		goto out;
	}
	g_mutex_lock(&s->lock);
	if (id) {
		b = g_hash_table_lookup(s->bindings, id);
		if (user_by_id(s->cfg, id) && b && !b->revoked && b->has_outbound) {
			revocation_add(todo, id, b->outbound.sipdb, b->outbound.impi,
				       b->outbound.impu);
			p = cms_partner_by_id(s->cfg, b->partner);
		}
	} else {
		p = cms_partner_by_id(s->cfg, pid);
		g_hash_table_iter_init(&it, s->bindings);
		while (p && g_hash_table_iter_next(&it, NULL, &v)) {
			b = v;
			if (!strcmp(b->partner, pid) && !b->revoked && b->has_outbound)
				revocation_add(todo, b->mc_service_id, b->outbound.sipdb,
					       b->outbound.impi, b->outbound.impu);
		}
	}
	g_mutex_unlock(&s->lock);
	if (id && !todo->len) {
		why = g_strdup_printf("%s has no active migration with outbound identities to "
				      "revoke",
				      id);
		mr = reply_error(lc, conn, CMS_ERR_NO_BINDING, why);
		goto out;
	}
	if (!p) {
		why = g_strdup_printf("no partner %s", id ? "for that migration" : pid);
		mr = reply_error(lc, conn, CMS_ERR_NO_BINDING, why);
		goto out;
	}
	/* At the primary SIP DB; already gone there is what revocation wants. */
	for (i = 0; i < todo->len; i++) {
		const struct revocation *r = &g_array_index(todo, struct revocation, i);

		u = user_by_id(s->cfg, r->mc_service_id);
		ret = u ? s->sipdb->revoke(u->impi, u->impu) : -ENOENT;
		if (ret && ret != -ENOENT) {
			why = g_strdup_printf("primary SIP DB: revoking %s: %s", r->mc_service_id,
					      g_strerror(-ret));
			mr = reply_error(lc, conn, CMS_ERR_UNAVAILABLE, why);
			goto out;
		}
	}
	/* At the partner (NOTE 2's static mode has no partner CMS and no
	 * inbound identities: the primary SIP DB's refusal is all). */
	if (p->url) {
		if (id) {
			const struct revocation *r = &g_array_index(todo, struct revocation, 0);

			q.mc_service_id = r->mc_service_id;
			q.sip_database = r->sipdb;
			q.impi = r->impi;
			q.impu = r->impu;
		}
		q.all_users = !id;
		e = cms_partner_revoke(s->cfg, p, &q, &pwhy);
		if (e != CMS_OK) {
			why = g_strdup_printf(
				"revoked at the primary SIP DB, but the partner did not "
				"confirm (retry): %s",
				pwhy);
			mr = reply_error(lc, conn, e, why);
			goto out;
		}
	}
	g_mutex_lock(&s->lock);
	for (i = 0; i < todo->len; i++) {
		b = g_hash_table_lookup(s->bindings,
					g_array_index(todo, struct revocation, i).mc_service_id);
		if (b)
			b->revoked = true;
	}
	s->answered++;
	g_mutex_unlock(&s->lock);
	cms_log("%s: %u migration(s) revoked, %s", id ? id : pid, todo->len,
		p->url ? "the partner confirmed" : "static partner");
	if (id)
		doc = g_markup_printf_escaped("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
					      "<revoked xmlns=\"" CMS_NS_CMS "\"><mc-service-id>%s"
					      "</mc-service-id></revoked>\n",
					      id);
	else
		doc = g_markup_printf_escaped("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
					      "<revoked xmlns=\"" CMS_NS_CMS
					      "\"><partner-system-id>%s"
					      "</partner-system-id><count>%u</count></revoked>\n",
					      pid, todo->len);
	mr = reply(conn, MHD_HTTP_OK, CMS_CT_CMS, doc, strlen(doc));
out:
	g_array_unref(todo);
	g_free(id);
	g_free(pid);
	g_free(why);
	g_free(pwhy);
	return mr;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct listener_ctx *lc = cls;
	struct cms_server *s = lc->server;
	struct request *rq = *con_cls;

	if (!rq) {
		rq = g_new0(struct request, 1);
		rq->body = g_byte_array_new();
		rq->started = g_get_monotonic_time();
		*con_cls = rq;
		if (lc->kind == LISTENER_ADMIN && !strcmp(url, CMS_ADMIN_BINDINGS) &&
		    !strcmp(method, "GET")) {
			rq->queued = true;
			return admin_bindings(lc, conn);
		}
		on_headers(lc, conn, url, method, rq);
		if (rq->early != CMS_OK) {
			/* Answered without reading the body; libmicrohttpd then closes. */
			rq->queued = true;
			return reply_error(lc, conn, rq->early, rq->early_text);
		}
		return MHD_YES;
	}
	if (rq->queued) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		/* The whole body must arrive within the timeout: no slow drip. */
		if (g_get_monotonic_time() - rq->started >
		    (gint64)s->cfg->connection_timeout * G_USEC_PER_SEC) {
			cms_log("body not received within %u s: connection closed",
				s->cfg->connection_timeout);
			return MHD_NO;
		}
		/*
		 * The limit holds while receiving, whatever Content-Length said
		 * (chunked): nothing past it is kept. libmicrohttpd cannot answer
		 * in the middle of a body, so the rest is read and dropped, up to
		 * CMS_DISCARD_FACTOR times the limit, and then answered 413;
		 * beyond that the connection is closed.
		 */
		rq->received += n;
		if (rq->received > s->cfg->max_body) {
			set_early(rq, CMS_ERR_TOO_LARGE,
				  g_strdup_printf("body over the limit of %zu bytes",
						  s->cfg->max_body));
			if (rq->received > CMS_DISCARD_FACTOR * s->cfg->max_body) {
				cms_log("body over %u times the limit: connection closed",
					CMS_DISCARD_FACTOR);
				return MHD_NO;
			}
			return MHD_YES;
		}
		g_byte_array_append(rq->body, (const guint8 *)upload_data, (guint)n);
		return MHD_YES;
	}
	if (rq->early != CMS_OK) {
		rq->queued = true;
		return reply_error(lc, conn, rq->early, rq->early_text);
	}
	rq->queued = true;
	switch (lc->kind) {
	case LISTENER_UE:
		return primary_connection(lc, conn, rq);
	case LISTENER_CMS:
		return rq->revoke ? partner_revoke(lc, conn, rq) : partner_access(lc, conn, rq);
	case LISTENER_ADMIN:
		return admin_revoke(lc, conn, rq);
	}
	return MHD_NO;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;

	if (!rq)
		return;
	if (rq->body->len)
		util_wipe(rq->body->data, rq->body->len);
	g_byte_array_unref(rq->body);
	g_free(rq->early_text);
	g_free(rq);
	*con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char *msg = g_strdup_vprintf(fmt, ap);

	cms_log("http: %s", g_strchomp(msg));
	g_free(msg);
}

static int resolve_listen(const char *addr, unsigned int port, struct sockaddr_storage *ss,
			  bool *v6, char **why)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai = NULL;
	char serv[8];
	int rc;

	snprintf(serv, sizeof(serv), "%u", port);
	rc = getaddrinfo(addr, serv, &hints, &ai);
	if (rc) {
		*why = g_strdup_printf("listen address %s: %s", addr, gai_strerror(rc));
		return -EINVAL;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*v6 = ai->ai_family == AF_INET6;
	freeaddrinfo(ai);
	return 0;
}

static int read_pem(const char *path, char **out, size_t *len, char **why)
{
	GError *err = NULL;
	gsize n;

	if (!g_file_get_contents(path, out, &n, &err)) {
		*why = g_strdup(err->message);
		g_error_free(err);
		return -ENOENT;
	}
	if (len)
		*len = n;
	return 0;
}

/*
 * Slow or stalled clients are bounded by the inactivity timeout and the
 * connection limits; bodies by max-body while they arrive.
 */
static struct MHD_Daemon *start_daemon(struct cms_server *s, struct listener_ctx *lc,
				       struct sockaddr_storage *addr, bool v6)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			     MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
	struct MHD_OptionItem o[16];
	size_t n = 0;

#define OPT(opt, val, ptr) (o[n++] = (struct MHD_OptionItem){ (opt), (intptr_t)(val), (ptr) })
	OPT(MHD_OPTION_SOCK_ADDR, 0, addr);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, s->cfg->connection_timeout, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, CMS_CONNECTION_LIMIT, NULL);
	OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, CMS_PER_IP_LIMIT, NULL);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL);
	if (lc->kind != LISTENER_ADMIN) {
		flags |= MHD_USE_TLS;
		OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert_pem);
		OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, s->key_pem);
		OPT(MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)CMS_TLS_PRIORITIES);
	}
	/* With a trust list libmicrohttpd asks for a client certificate (step 8). */
	if (lc->kind == LISTENER_CMS)
		OPT(MHD_OPTION_HTTPS_MEM_TRUST, 0, s->ca_pem);
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
	/* The logger first, or libmicrohttpd logs the other options' errors its own way. */
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, lc, MHD_OPTION_EXTERNAL_LOGGER,
				on_mhd_log, NULL, MHD_OPTION_ARRAY, o, MHD_OPTION_END);
}

int cms_server_start(const struct cms_config *cfg, const struct cms_sipdb_ops *sipdb,
		     struct cms_server **out, char **why)
{
	struct cms_server *s = g_new0(struct cms_server, 1);
	struct sockaddr_storage ss, as;
	bool v6 = false, av6 = false;
	int ret;

	s->cfg = cfg;
	s->sipdb = sipdb;
	g_mutex_init(&s->lock);
	s->bindings = g_hash_table_new_full(
		g_str_hash, g_str_equal, cfg->role == CMS_ROLE_PARTNER ? g_free : NULL,
		cfg->role == CMS_ROLE_PRIMARY ? primary_binding_free : partner_binding_free);
	s->main_ctx = (struct listener_ctx){ s, cfg->role == CMS_ROLE_PRIMARY ? LISTENER_UE :
										LISTENER_CMS };
	s->admin_ctx = (struct listener_ctx){ s, LISTENER_ADMIN };
	ret = read_pem(cfg->certificate, &s->cert_pem, NULL, why);
	if (!ret)
		ret = read_pem(cfg->key, &s->key_pem, &s->key_len, why);
	if (!ret)
		ret = read_pem(cfg->ca, &s->ca_pem, NULL, why);
	if (!ret)
		ret = resolve_listen(cfg->listen, cfg->port, &ss, &v6, why);
	if (!ret && cfg->admin_port)
		ret = resolve_listen(cfg->admin_listen, cfg->admin_port, &as, &av6, why);
	if (ret)
		goto err;

	s->daemon = start_daemon(s, &s->main_ctx, &ss, v6);
	if (!s->daemon) {
		*why = g_strdup_printf("cannot listen on %s port %u (see the log above)",
				       cfg->listen, cfg->port);
		ret = -EADDRNOTAVAIL;
		goto err;
	}
	if (cfg->admin_port) {
		s->admin = start_daemon(s, &s->admin_ctx, &as, av6);
		if (!s->admin) {
			*why = g_strdup_printf("cannot listen on %s port %u (admin)",
					       cfg->admin_listen, cfg->admin_port);
			ret = -EADDRNOTAVAIL;
			goto err;
		}
	}
	*out = s;
	return 0;

err:
	cms_server_stop(s);
	return ret;
}

void cms_server_stop(struct cms_server *s)
{
	if (!s)
		return;
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	if (s->admin)
		MHD_stop_daemon(s->admin);
	g_hash_table_destroy(s->bindings);
	g_mutex_clear(&s->lock);
	g_free(s->cert_pem);
	if (s->key_pem)
		util_wipe(s->key_pem, s->key_len);
	g_free(s->key_pem);
	g_free(s->ca_pem);
	g_free(s);
}
