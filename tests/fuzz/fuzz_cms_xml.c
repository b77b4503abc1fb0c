/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/bench/cms/cms-xml.c: the bodies the bench CMS receives (a UE's step 1
 * request, a peer CMS's access request, answer, error or revocation) and the
 * static file. What is accepted and built again must parse to the same
 * values and build to the same document: the CMS relays what it parsed.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "cms-xml.h"
#include "fuzz.h"

/*
 * Where parse_connection() is used: the step 12 answer, step 13, the static
 * file. The CMS builds the first two; a static file is only read.
 */
static const struct {
	const char *ns, *root;
	unsigned int flags;
	bool built;
} roots[] = {
	{ CMS_NS_CMS, "partner-access", 0, true },
	{ CMS_NS_UE, "partner-connection", CMS_XML_SELECTION, true },
	{ CMS_NS_CMS, "partner-static-configuration", CMS_XML_STATIC, false },
};

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_connection(const struct cms_connection *a, const struct cms_connection *b)
{
	size_t i;

	if (!same_str(a->partner_system_id, b->partner_system_id) || a->selection != b->selection ||
	    a->valid_until != b->valid_until || a->validity != b->validity ||
	    !same_str(a->impi, b->impi) || a->n_impu != b->n_impu ||
	    !same_str(a->home_domain, b->home_domain) || a->n_pcscf != b->n_pcscf ||
	    a->n_conn != b->n_conn)
		return false;
	for (i = 0; i < a->n_impu; i++)
		if (!same_str(a->impu[i], b->impu[i]))
			return false;
	for (i = 0; i < a->n_pcscf; i++)
		if (!same_str(a->pcscf[i].uri, b->pcscf[i].uri) ||
		    !same_str(a->pcscf[i].transport, b->pcscf[i].transport))
			return false;
	for (i = 0; i < a->n_conn; i++)
		if (!same_str(a->conn[i].con_ref, b->conn[i].con_ref) ||
		    !same_str(a->conn[i].apn, b->conn[i].apn) ||
		    a->conn[i].ip_type != b->conn[i].ip_type ||
		    a->conn[i].auth != b->conn[i].auth ||
		    !same_str(a->conn[i].username, b->conn[i].username) ||
		    !same_str(a->conn[i].password, b->conn[i].password))
			return false;
	return true;
}

static void connection(const char *buf, size_t len, size_t r)
{
	struct cms_connection c, d;
	char *why = NULL, *doc, *doc2;
	size_t dlen, dlen2;

	if (cms_xml_parse_connection(buf, len, roots[r].ns, roots[r].root, roots[r].flags, &c,
				     &why)) {
		fuzz_require(why && why[0], "connection: refusal explained");
		g_free(why);
		return;
	}
	fuzz_require(c.n_impu <= CMS_MAX_IMPU && c.n_pcscf <= CMS_MAX_PCSCF &&
			     c.n_conn <= CMS_MAX_CONN,
		     "connection: counts within the arrays");
	if (!roots[r].built) {
		cms_connection_clear(&c);
		return;
	}
	doc = cms_xml_build_connection(&c, roots[r].ns, roots[r].root, roots[r].flags, &dlen);
	if (!doc)
		abort();
	if (cms_xml_parse_connection(doc, dlen, roots[r].ns, roots[r].root, roots[r].flags, &d,
				     &why)) {
		fprintf(stderr, "fuzz: own <%s> refused: %s\n", roots[r].root, why);
		abort();
	}
	fuzz_require(same_connection(&c, &d), "connection: build -> parse round trip");
	doc2 = cms_xml_build_connection(&d, roots[r].ns, roots[r].root, roots[r].flags, &dlen2);
	fuzz_require(doc2 && dlen == dlen2 && memcmp(doc, doc2, dlen) == 0,
		     "connection: document stable");
	g_free(doc2);
	g_free(doc);
	cms_connection_clear(&d);
	cms_connection_clear(&c);
}

static void access_request(const char *buf, size_t len)
{
	struct cms_access_request a, b;
	char *why = NULL, *doc;
	size_t dlen;

	if (cms_xml_parse_access_request(buf, len, &a, &why)) {
		fuzz_require(why && why[0], "access request: refusal explained");
		g_free(why);
		return;
	}
	doc = cms_xml_build_access_request(&a, &dlen);
	if (!doc)
		abort();
	if (cms_xml_parse_access_request(doc, dlen, &b, &why)) {
		fprintf(stderr, "fuzz: own access request refused: %s\n", why);
		abort();
	}
	fuzz_require(same_str(a.mc_service_id, b.mc_service_id) &&
			     same_str(a.primary_system_id, b.primary_system_id) &&
			     same_str(a.sip_database, b.sip_database) && same_str(a.impi, b.impi) &&
			     same_str(a.impu, b.impu),
		     "access request: round trip");
	g_free(doc);
	cms_access_request_clear(&b);
	cms_access_request_clear(&a);
}

/* CMS-to-CMS revocation: parse -> build -> parse gives the same request. */
static void partner_revoke(const char *buf, size_t len)
{
	struct cms_revoke_request a = { 0 }, b = { 0 };
	char *why = NULL, *why2 = NULL, *doc;
	size_t n;

	if (cms_xml_parse_partner_revoke(buf, len, &a, &why) == 0) {
		fuzz_require(a.all_users != (a.mc_service_id != NULL),
			     "partner revoke: one user or all users");
		doc = cms_xml_build_partner_revoke(&a, &n);
		fuzz_require(doc != NULL, "partner revoke: builds again");
		fuzz_require(cms_xml_parse_partner_revoke(doc, n, &b, &why2) == 0,
			     "partner revoke: build -> parse");
		fuzz_require(b.all_users == a.all_users &&
				     !g_strcmp0(b.mc_service_id, a.mc_service_id) &&
				     !g_strcmp0(b.impi, a.impi) && !g_strcmp0(b.impu, a.impu) &&
				     !g_strcmp0(b.sip_database, a.sip_database) &&
				     !g_strcmp0(b.primary_system_id, a.primary_system_id),
			     "partner revoke: the same request after build -> parse");
		g_free(doc);
		cms_revoke_request_clear(&b);
	}
	cms_revoke_request_clear(&a);
	g_free(why);
	g_free(why2);
}

static void others(const char *buf, size_t len)
{
	struct cms_ue_request u;
	char *why = NULL, *code = NULL, *text = NULL, *id = NULL, *partner = NULL;

	if (cms_xml_parse_ue_request(buf, len, &u, &why) == 0) {
		fuzz_require(u.mc_service_id != NULL, "ue request: an MC service ID");
		cms_ue_request_clear(&u);
	}
	g_free(why);
	why = NULL;
	if (cms_xml_parse_error(buf, len, CMS_NS_UE, &code, &text) == 0)
		fuzz_require(code && text, "error: code and text");
	g_free(code);
	g_free(text);
	if (cms_xml_parse_revoke(buf, len, &id, &partner, &why) == 0)
		fuzz_require((id != NULL) != (partner != NULL),
			     "revoke: an MC service ID or a partner system ID, not both");
	g_free(id);
	g_free(partner);
	g_free(why);
	why = NULL;
	partner_revoke(buf, len);
}

static void timestamp(const char *s)
{
	char out[32];
	int64_t t, t2;

	if (cms_time_parse(s, &t))
		return;
	cms_time_format(t, out);
	fuzz_require(cms_time_parse(out, &t2) == 0 && t2 == t, "time: format -> parse");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	size_t r;

	for (r = 0; r < G_N_ELEMENTS(roots); r++)
		connection(s, size, r);
	access_request(s, size);
	others(s, size);
	timestamp(s);
	free(s);
	return 0;
}
