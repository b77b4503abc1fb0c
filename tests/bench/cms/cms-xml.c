// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * XML codecs of the CMC interface (agent/schema/README.md) and of the
 * CMS-to-CMS interface (tests/bench/cms/README.md). Pure: buffers in,
 * buffers or structs out.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "cms-xml.h"
#include "util.h"

/* Identities, URIs, APNs: longer values are refused rather than truncated. */
#define CMS_XML_MAX_VALUE 256
/*
 * XML_PARSE_NONET: never fetch anything. Neither XML_PARSE_NOENT (entity
 * substitution) nor XML_PARSE_DTDLOAD is set, and xml_read() refuses any
 * document type declaration, so no entity can be declared at all.
 */
#define CMS_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

static xmlDocPtr xml_read(const char *buf, size_t len, const char *ns, const char *root, char **why)
{
	const xmlError *err;
	xmlDocPtr doc;
	xmlNodePtr r;

	if (!buf || len == 0) {
		*why = g_strdup("empty body");
		return NULL;
	}
	if (len > INT_MAX) {
		*why = g_strdup("document too large");
		return NULL;
	}
	doc = xmlReadMemory(buf, (int)len, NULL, NULL, CMS_XML_OPTIONS);
	if (!doc) {
		err = xmlGetLastError();
		*why = g_strdup_printf("malformed XML: %s (line %d)",
				       err && err->message ? g_strstrip(err->message) :
							     "unknown error",
				       err ? err->line : 0);
		return NULL;
	}
	if (doc->intSubset || doc->extSubset) {
		*why = g_strdup("document type declarations are not accepted");
		goto err_free;
	}
	r = xmlDocGetRootElement(doc);
	if (!r || xmlStrcmp(r->name, BAD_CAST root) || !r->ns ||
	    xmlStrcmp(r->ns->href, BAD_CAST ns)) {
		*why = g_strdup_printf("root element must be <%s> in namespace %s", root, ns);
		goto err_free;
	}
	return doc;

err_free:
	xmlFreeDoc(doc);
	return NULL;
}

static bool is_elem(xmlNodePtr n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && !xmlStrcmp(n->ns->href, BAD_CAST ns) &&
	       !xmlStrcmp(n->name, BAD_CAST name);
}

static xmlNodePtr child(xmlNodePtr parent, const char *ns, const char *name)
{
	xmlNodePtr n;

	for (n = parent->children; n; n = n->next)
		if (is_elem(n, ns, name))
			return n;
	return NULL;
}

/* Trimmed text of a value: non-empty, bounded, no control characters. */
static int value_of(const xmlChar *raw, const char *what, char **out, char **why)
{
	char *s = g_strstrip(g_strdup(raw ? (const char *)raw : ""));
	const char *p;

	if (!*s) {
		*why = g_strdup_printf("<%s> is empty", what);
		goto err;
	}
	if (strlen(s) > CMS_XML_MAX_VALUE) {
		*why = g_strdup_printf("<%s> is longer than %d characters", what,
				       CMS_XML_MAX_VALUE);
		goto err;
	}
	for (p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			*why = g_strdup_printf("<%s> holds a control character", what);
			goto err;
		}
	}
	*out = s;
	return 0;

err:
	g_free(s);
	return -EBADMSG;
}

static int text_of(xmlNodePtr n, const char *what, char **out, char **why)
{
	xmlChar *raw = xmlNodeGetContent(n);
	int ret = value_of(raw, what, out, why);

	xmlFree(raw);
	return ret;
}

static int attr_of(xmlNodePtr n, const char *attr, char **out, char **why)
{
	xmlChar *raw = xmlGetNoNsProp(n, BAD_CAST attr);
	int ret;

	if (!raw) {
		*why = g_strdup_printf("<%s> lacks the attribute %s", n->name, attr);
		return -EBADMSG;
	}
	ret = value_of(raw, attr, out, why);
	xmlFree(raw);
	return ret;
}

static int required(xmlNodePtr parent, const char *ns, const char *name, char **out, char **why)
{
	xmlNodePtr n = child(parent, ns, name);

	if (!n) {
		*why = g_strdup_printf("<%s> is missing", name);
		return -EBADMSG;
	}
	return text_of(n, name, out, why);
}

static int optional(xmlNodePtr parent, const char *ns, const char *name, char **out, char **why)
{
	xmlNodePtr n = child(parent, ns, name);

	*out = NULL;
	return n ? text_of(n, name, out, why) : 0;
}

static bool all_digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s), i;

	if (n < min || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int decimal(const char *s, uint64_t max, const char *what, uint64_t *out, char **why)
{
	if (!all_digits(s, 1, 20) || (strlen(s) == 20) ||
	    (*out = g_ascii_strtoull(s, NULL, 10)) > max) {
		*why = g_strdup_printf("<%s> must be a decimal number up to %llu", what,
				       (unsigned long long)max);
		return -EBADMSG;
	}
	return 0;
}

static int degrees(xmlNodePtr n, const char *attr, double limit, double *out, char **why)
{
	char *s = NULL, *end;
	int ret;

	ret = attr_of(n, attr, &s, why);
	if (ret)
		return ret;
	*out = g_ascii_strtod(s, &end);
	if (*end || !isfinite(*out) || fabs(*out) > limit) {
		*why = g_strdup_printf("coordinates %s='%s' is not a number within +-%g degrees",
				       attr, s, limit);
		ret = -EBADMSG;
	}
	g_free(s);
	return ret;
}

static int parse_location(xmlNodePtr loc, struct cms_location *l, char **why)
{
	xmlNodePtr plmn = child(loc, CMS_NS_UE, "plmn"), n;
	char *mcc = NULL, *mnc = NULL, *s = NULL;
	uint64_t v;
	int ret;

	if (!plmn) {
		*why = g_strdup("<plmn> is missing from <location>");
		return -EBADMSG;
	}
	ret = attr_of(plmn, "mcc", &mcc, why);
	if (!ret)
		ret = attr_of(plmn, "mnc", &mnc, why);
	if (ret)
		goto out;
	/* TS 23.003 2.2: MCC three digits, MNC two or three. */
	if (!all_digits(mcc, 3, 3) || !all_digits(mnc, 2, 3)) {
		*why = g_strdup_printf("PLMN %s/%s: MCC must be 3 digits and MNC 2 or 3", mcc, mnc);
		ret = -EBADMSG;
		goto out;
	}
	strcpy(l->mcc, mcc);
	strcpy(l->mnc, mnc);

	n = child(loc, CMS_NS_UE, "tac");
	if (n) {
		ret = text_of(n, "tac", &s, why);
		/* TS 23.003 19.4.2.3: the 5GS TAC is 24 bits, the EPS one 16. */
		if (!ret)
			ret = decimal(s, 0xffffff, "tac", &v, why);
		if (ret)
			goto out;
		l->has_tac = true;
		l->tac = (uint32_t)v;
		g_clear_pointer(&s, g_free);
	}
	n = child(loc, CMS_NS_UE, "cell-id");
	if (n) {
		ret = text_of(n, "cell-id", &s, why);
		/* 28-bit E-UTRAN cell id; 36-bit NR cell id. */
		if (!ret)
			ret = decimal(s, 0xfffffffffULL, "cell-id", &v, why);
		if (ret)
			goto out;
		l->has_cell_id = true;
		l->cell_id = v;
	}
	n = child(loc, CMS_NS_UE, "coordinates");
	if (n) {
		ret = degrees(n, "lat", 90, &l->lat, why);
		if (!ret)
			ret = degrees(n, "lon", 180, &l->lon, why);
		if (ret)
			goto out;
		l->has_coordinates = true;
	}
out:
	g_free(mcc);
	g_free(mnc);
	g_free(s);
	return ret;
}

int cms_xml_parse_ue_request(const char *buf, size_t len, struct cms_ue_request *out, char **why)
{
	struct cms_ue_request r = { 0 };
	xmlDocPtr doc;
	xmlNodePtr root, loc;
	int ret;

	doc = xml_read(buf, len, CMS_NS_UE, "partner-connection-request", why);
	if (!doc)
		return -EBADMSG;
	root = xmlDocGetRootElement(doc);
	ret = required(root, CMS_NS_UE, "mc-service-id", &r.mc_service_id, why);
	if (ret)
		goto err;
	loc = child(root, CMS_NS_UE, "location");
	if (!loc) {
		*why = g_strdup("<location> is missing");
		ret = -EBADMSG;
		goto err;
	}
	ret = parse_location(loc, &r.location, why);
	if (!ret)
		ret = optional(root, CMS_NS_UE, "requested-partner", &r.requested_partner, why);
	if (ret)
		goto err;
	xmlFreeDoc(doc);
	*out = r;
	return 0;

err:
	cms_ue_request_clear(&r);
	xmlFreeDoc(doc);
	return ret;
}

int cms_xml_parse_access_request(const char *buf, size_t len, struct cms_access_request *out,
				 char **why)
{
	struct cms_access_request r = { 0 };
	xmlDocPtr doc;
	xmlNodePtr root;
	int ret;

	doc = xml_read(buf, len, CMS_NS_CMS, "partner-access-request", why);
	if (!doc)
		return -EBADMSG;
	root = xmlDocGetRootElement(doc);
	ret = required(root, CMS_NS_CMS, "mc-service-id", &r.mc_service_id, why);
	if (!ret)
		ret = required(root, CMS_NS_CMS, "primary-system-id", &r.primary_system_id, why);
	if (!ret)
		ret = required(root, CMS_NS_CMS, "sip-database", &r.sip_database, why);
	if (!ret)
		ret = required(root, CMS_NS_CMS, "impi", &r.impi, why);
	if (!ret)
		ret = required(root, CMS_NS_CMS, "impu", &r.impu, why);
	xmlFreeDoc(doc);
	if (ret) {
		cms_access_request_clear(&r);
		return ret;
	}
	*out = r;
	return 0;
}

int cms_xml_parse_revoke(const char *buf, size_t len, char **mc_service_id,
			 char **partner_system_id, char **why)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	int ret;

	*mc_service_id = *partner_system_id = NULL;
	doc = xml_read(buf, len, CMS_NS_CMS, "revoke", why);
	if (!doc)
		return -EBADMSG;
	root = xmlDocGetRootElement(doc);
	ret = optional(root, CMS_NS_CMS, "mc-service-id", mc_service_id, why);
	if (!ret)
		ret = optional(root, CMS_NS_CMS, "partner-system-id", partner_system_id, why);
	if (!ret && !*mc_service_id == !*partner_system_id) {
		*why = g_strdup("revoke needs exactly one of <mc-service-id> (one user) and "
				"<partner-system-id> (every user of that partner)");
		ret = -EBADMSG;
	}
	xmlFreeDoc(doc);
	if (ret) {
		g_free(*mc_service_id);
		g_free(*partner_system_id);
		*mc_service_id = *partner_system_id = NULL;
	}
	return ret;
}

int cms_xml_parse_partner_revoke(const char *buf, size_t len, struct cms_revoke_request *out,
				 char **why)
{
	struct cms_revoke_request r = { 0 };
	xmlNodePtr root, user;
	xmlDocPtr doc;
	int ret;

	doc = xml_read(buf, len, CMS_NS_CMS, "partner-revoke", why);
	if (!doc)
		return -EBADMSG;
	root = xmlDocGetRootElement(doc);
	ret = required(root, CMS_NS_CMS, "primary-system-id", &r.primary_system_id, why);
	user = child(root, CMS_NS_CMS, "user");
	r.all_users = child(root, CMS_NS_CMS, "all-users") != NULL;
	if (!ret && !user == !r.all_users) {
		*why = g_strdup("partner-revoke needs exactly one of <user> and <all-users/>");
		ret = -EBADMSG;
	}
	if (!ret && user)
		ret = required(user, CMS_NS_CMS, "mc-service-id", &r.mc_service_id, why);
	if (!ret && user)
		ret = required(user, CMS_NS_CMS, "sip-database", &r.sip_database, why);
	if (!ret && user)
		ret = required(user, CMS_NS_CMS, "impi", &r.impi, why);
	if (!ret && user)
		ret = required(user, CMS_NS_CMS, "impu", &r.impu, why);
	xmlFreeDoc(doc);
	if (ret) {
		cms_revoke_request_clear(&r);
		return ret;
	}
	*out = r;
	return 0;
}

int cms_xml_parse_error(const char *buf, size_t len, const char *ns, char **code, char **text)
{
	char *why = NULL;
	xmlDocPtr doc;
	xmlNodePtr root;
	int ret;

	doc = xml_read(buf, len, ns, "error", &why);
	if (!doc) {
		g_free(why);
		return -EBADMSG;
	}
	root = xmlDocGetRootElement(doc);
	ret = required(root, ns, "code", code, &why);
	if (!ret && optional(root, ns, "text", text, &why))
		*text = NULL;
	if (!ret && !*text)
		*text = g_strdup("");
	xmlFreeDoc(doc);
	g_free(why);
	return ret;
}

int cms_time_parse(const char *s, int64_t *out)
{
	struct tm tm = { 0 };
	const char *end;
	int64_t t;

	end = s ? strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	if (!end || *end || strlen(s) != 20)
		return -EINVAL;
	/*
	 * A validity end before the epoch is nonsense, and a year below 1000
	 * would be relayed by cms_time_format() without its leading zeros,
	 * which no peer reads back.
	 */
	t = (int64_t)timegm(&tm);
	if (t < 0)
		return -EINVAL;
	*out = t;
	return 0;
}

void cms_time_format(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		strcpy(out, "1970-01-01T00:00:00Z");
}

static int parse_connectivity(xmlNodePtr n, const char *ns, struct cms_connectivity *c, char **why)
{
	char *s = NULL;
	int ret;

	ret = attr_of(n, "con-ref", &c->con_ref, why);
	if (!ret)
		ret = required(n, ns, "apn", &c->apn, why);
	if (!ret)
		ret = required(n, ns, "ip-type", &s, why);
	if (ret)
		return ret;
	if (cms_ip_type_parse(s, &c->ip_type)) {
		*why = g_strdup_printf("connectivity %s: ip-type '%s' is not ipv4, ipv6 or ipv4v6",
				       c->con_ref, s);
		g_free(s);
		return -EBADMSG;
	}
	g_clear_pointer(&s, g_free);
	ret = optional(n, ns, "auth", &s, why);
	if (ret)
		return ret;
	c->auth = CMS_AUTH_NONE;
	if (s && cms_auth_parse(s, &c->auth)) {
		*why = g_strdup_printf("connectivity %s: auth '%s' is not none, pap or chap",
				       c->con_ref, s);
		g_free(s);
		return -EBADMSG;
	}
	g_free(s);
	if (c->auth == CMS_AUTH_NONE)
		return 0;
	ret = required(n, ns, "username", &c->username, why);
	if (!ret)
		ret = required(n, ns, "password", &c->password, why);
	if (ret) {
		s = *why;
		*why = g_strdup_printf("connectivity %s with %s: %s", c->con_ref,
				       cms_auth_name(c->auth), s);
		g_free(s);
	}
	return ret;
}

static int parse_identities(xmlNodePtr root, const char *ns, unsigned int flags,
			    struct cms_connection *c, char **why)
{
	xmlNodePtr ids = child(root, ns, "sip-identities"), n;
	int ret;

	if (!ids) {
		*why = g_strdup("<sip-identities> is missing");
		return -EBADMSG;
	}
	ret = required(ids, ns, "home-domain", &c->home_domain, why);
	if (ret || (flags & CMS_XML_STATIC))
		return ret;
	ret = required(ids, ns, "impi", &c->impi, why);
	if (ret)
		return ret;
	for (n = ids->children; n; n = n->next) {
		if (!is_elem(n, ns, "impu"))
			continue;
		if (c->n_impu == CMS_MAX_IMPU) {
			*why = g_strdup_printf("more than %d <impu>", CMS_MAX_IMPU);
			return -EBADMSG;
		}
		ret = text_of(n, "impu", &c->impu[c->n_impu], why);
		if (ret)
			return ret;
		c->n_impu++;
	}
	if (!c->n_impu) {
		*why = g_strdup("<sip-identities> holds no <impu>");
		return -EBADMSG;
	}
	return 0;
}

/* Serialises the embedded TS 24.484 document on its own, namespaces reconciled. */
static int take_initial_config(xmlNodePtr holder, struct cms_connection *c, char **why)
{
	xmlNodePtr n, copy;
	xmlDocPtr doc;
	xmlBufferPtr b;

	for (n = holder->children; n && n->type != XML_ELEMENT_NODE; n = n->next)
		;
	if (!n || !is_elem(n, CMS_NS_INITCFG, "mcptt-UE-initial-configuration")) {
		*why = g_strdup("<initial-ue-configuration> must hold a TS 24.484 "
				"<mcptt-UE-initial-configuration> (" CMS_NS_INITCFG ")");
		return -EBADMSG;
	}
	doc = xmlNewDoc(BAD_CAST "1.0");
	b = xmlBufferCreate();
	copy = xmlDocCopyNode(n, doc, 1);
	if (!doc || !b || !copy) {
		*why = g_strdup("out of memory");
		goto err;
	}
	xmlDocSetRootElement(doc, copy);
	xmlReconciliateNs(doc, copy);
	if (xmlNodeDump(b, doc, copy, 0, 0) < 0) {
		*why = g_strdup("cannot serialise the initial UE configuration");
		goto err;
	}
	c->initial_config = g_strdup((const char *)xmlBufferContent(b));
	xmlBufferFree(b);
	xmlFreeDoc(doc);
	return 0;

err:
	xmlBufferFree(b);
	xmlFreeDoc(doc);
	return -ENOMEM;
}

static int parse_connection(xmlNodePtr root, const char *ns, unsigned int flags,
			    struct cms_connection *c, char **why)
{
	xmlNodePtr n;
	char *s = NULL;
	size_t i;
	int ret;

	if (flags & CMS_XML_STATIC)
		ret = optional(root, ns, "partner-system-id", &c->partner_system_id, why);
	else
		ret = required(root, ns, "partner-system-id", &c->partner_system_id, why);
	if (ret)
		return ret;
	if (flags & CMS_XML_SELECTION) {
		ret = required(root, ns, "selection", &s, why);
		if (ret)
			return ret;
		if (!strcmp(s, "requested")) {
			c->selection = CMS_SELECTION_REQUESTED;
		} else if (!strcmp(s, "location")) {
			c->selection = CMS_SELECTION_LOCATION;
		} else if (!strcmp(s, "static")) {
			c->selection = CMS_SELECTION_STATIC;
		} else {
			*why = g_strdup_printf(
				"<selection> '%s' is not requested, location or static", s);
			ret = -EBADMSG;
		}
		g_clear_pointer(&s, g_free);
		if (ret)
			return ret;
	}
	if (flags & CMS_XML_STATIC) {
		uint64_t v;

		ret = required(root, ns, "validity-seconds", &s, why);
		if (!ret)
			ret = decimal(s, 366 * 86400, "validity-seconds", &v, why);
		g_free(s);
		if (ret)
			return ret;
		if (!v) {
			*why = g_strdup("<validity-seconds> must not be 0");
			return -EBADMSG;
		}
		c->validity = (int64_t)v;
	} else {
		ret = required(root, ns, "valid-until", &s, why);
		if (ret)
			return ret;
		if (cms_time_parse(s, &c->valid_until)) {
			*why = g_strdup_printf("<valid-until> '%s' is not RFC 3339 UTC "
					       "(YYYY-MM-DDTHH:MM:SSZ)",
					       s);
			ret = -EBADMSG;
		}
		g_free(s);
		if (ret)
			return ret;
	}
	ret = parse_identities(root, ns, flags, c, why);
	if (ret)
		return ret;

	for (n = root->children; n; n = n->next) {
		if (is_elem(n, ns, "pcscf")) {
			struct cms_pcscf *p = &c->pcscf[c->n_pcscf];
			xmlChar *t;

			if (c->n_pcscf == CMS_MAX_PCSCF) {
				*why = g_strdup_printf("more than %d <pcscf>", CMS_MAX_PCSCF);
				return -EBADMSG;
			}
			ret = text_of(n, "pcscf", &p->uri, why);
			if (ret)
				return ret;
			t = xmlGetNoNsProp(n, BAD_CAST "transport");
			p->transport = t ? g_strdup((const char *)t) : NULL;
			xmlFree(t);
			c->n_pcscf++;
		} else if (is_elem(n, ns, "connectivity")) {
			if (c->n_conn == CMS_MAX_CONN) {
				*why = g_strdup_printf("more than %d <connectivity>", CMS_MAX_CONN);
				return -EBADMSG;
			}
			ret = parse_connectivity(n, ns, &c->conn[c->n_conn++], why);
			if (ret)
				return ret;
			for (i = 0; i + 1 < c->n_conn; i++) {
				if (!strcmp(c->conn[i].con_ref, c->conn[c->n_conn - 1].con_ref)) {
					*why = g_strdup_printf("con-ref '%s' is defined twice",
							       c->conn[i].con_ref);
					return -EBADMSG;
				}
			}
		}
	}
	if (!c->n_conn) {
		*why = g_strdup("no <connectivity> set");
		return -EBADMSG;
	}
	n = child(root, ns, "initial-ue-configuration");
	if (!n) {
		*why = g_strdup("<initial-ue-configuration> is missing");
		return -EBADMSG;
	}
	ret = take_initial_config(n, c, why);
	if (ret)
		return ret;
	return cms_xml_check_initial_config(c->initial_config, strlen(c->initial_config), c, why);
}

int cms_xml_parse_connection(const char *buf, size_t len, const char *ns, const char *root,
			     unsigned int flags, struct cms_connection *out, char **why)
{
	struct cms_connection c = { 0 };
	xmlDocPtr doc;
	int ret;

	doc = xml_read(buf, len, ns, root, why);
	if (!doc)
		return -EBADMSG;
	ret = parse_connection(xmlDocGetRootElement(doc), ns, flags, &c, why);
	xmlFreeDoc(doc);
	if (ret) {
		cms_connection_clear(&c);
		return -EBADMSG;
	}
	*out = c;
	return 0;
}

static bool has_con_ref(const struct cms_connection *c, const char *ref)
{
	size_t i;

	for (i = 0; i < c->n_conn; i++)
		if (!strcmp(c->conn[i].con_ref, ref))
			return true;
	return false;
}

/* TS 24.484: MCPTT-to-con-ref, MC-common-core-to-con-ref, MC-ID-to-con-ref. */
static int check_con_refs(xmlNodePtr n, const struct cms_connection *c, char **why)
{
	xmlNodePtr k;
	size_t len;
	int ret;

	for (k = n->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		len = xmlStrlen(k->name);
		if (len > 11 && !strcmp((const char *)k->name + len - 11, "-to-con-ref")) {
			char *ref = NULL;

			ret = text_of(k, (const char *)k->name, &ref, why);
			if (ret)
				return ret;
			if (!has_con_ref(c, ref)) {
				*why = g_strdup_printf("initial UE configuration: %s '%s' names no "
						       "connectivity set",
						       k->name, ref);
				g_free(ref);
				return -EBADMSG;
			}
			g_free(ref);
		}
		ret = check_con_refs(k, c, why);
		if (ret)
			return ret;
	}
	return 0;
}

int cms_xml_check_initial_config(const char *buf, size_t len, const struct cms_connection *c,
				 char **why)
{
	xmlDocPtr doc;
	int ret;

	doc = xml_read(buf, len, CMS_NS_INITCFG, "mcptt-UE-initial-configuration", why);
	if (!doc)
		return -EBADMSG;
	ret = check_con_refs(xmlDocGetRootElement(doc), c, why);
	xmlFreeDoc(doc);
	return ret;
}

/* Builders. xmlNewTextChild escapes its content. */

static xmlDocPtr new_doc(const char *ns, const char *root, xmlNsPtr *nsp)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr r;

	if (!doc)
		return NULL;
	r = xmlNewNode(NULL, BAD_CAST root);
	if (!r) {
		xmlFreeDoc(doc);
		return NULL;
	}
	*nsp = xmlNewNs(r, BAD_CAST ns, NULL);
	xmlSetNs(r, *nsp);
	xmlDocSetRootElement(doc, r);
	return doc;
}

static char *dump_doc(xmlDocPtr doc, size_t *len)
{
	xmlChar *mem = NULL;
	char *out;
	int size = 0;

	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	xmlFreeDoc(doc);
	if (!mem)
		return NULL;
	out = g_strndup((const char *)mem, (gsize)size);
	*len = (size_t)size;
	/* The document may hold connectivity passwords. */
	util_wipe(mem, (size_t)size);
	xmlFree(mem);
	return out;
}

char *cms_xml_build_connection(const struct cms_connection *c, const char *ns, const char *root,
			       unsigned int flags, size_t *len)
{
	xmlNodePtr r, ids, n, ic, copy;
	xmlDocPtr doc, icdoc;
	char when[32];
	xmlNsPtr x;
	size_t i;

	doc = new_doc(ns, root, &x);
	if (!doc)
		return NULL;
	r = xmlDocGetRootElement(doc);
	xmlNewTextChild(r, x, BAD_CAST "partner-system-id", BAD_CAST c->partner_system_id);
	if (flags & CMS_XML_SELECTION)
		xmlNewTextChild(r, x, BAD_CAST "selection",
				BAD_CAST cms_selection_name(c->selection));
	cms_time_format(c->valid_until, when);
	xmlNewTextChild(r, x, BAD_CAST "valid-until", BAD_CAST when);
	ids = xmlNewChild(r, x, BAD_CAST "sip-identities", NULL);
	xmlNewTextChild(ids, x, BAD_CAST "impi", BAD_CAST c->impi);
	for (i = 0; i < c->n_impu; i++)
		xmlNewTextChild(ids, x, BAD_CAST "impu", BAD_CAST c->impu[i]);
	xmlNewTextChild(ids, x, BAD_CAST "home-domain", BAD_CAST c->home_domain);
	for (i = 0; i < c->n_pcscf; i++) {
		n = xmlNewTextChild(r, x, BAD_CAST "pcscf", BAD_CAST c->pcscf[i].uri);
		if (n && c->pcscf[i].transport)
			xmlNewProp(n, BAD_CAST "transport", BAD_CAST c->pcscf[i].transport);
	}
	for (i = 0; i < c->n_conn; i++) {
		const struct cms_connectivity *k = &c->conn[i];

		n = xmlNewChild(r, x, BAD_CAST "connectivity", NULL);
		if (!n)
			goto err;
		xmlNewProp(n, BAD_CAST "con-ref", BAD_CAST k->con_ref);
		xmlNewTextChild(n, x, BAD_CAST "apn", BAD_CAST k->apn);
		xmlNewTextChild(n, x, BAD_CAST "ip-type", BAD_CAST cms_ip_type_name(k->ip_type));
		xmlNewTextChild(n, x, BAD_CAST "auth", BAD_CAST cms_auth_name(k->auth));
		if (k->auth != CMS_AUTH_NONE) {
			xmlNewTextChild(n, x, BAD_CAST "username", BAD_CAST k->username);
			xmlNewTextChild(n, x, BAD_CAST "password", BAD_CAST k->password);
		}
	}
	ic = xmlNewChild(r, x, BAD_CAST "initial-ue-configuration", NULL);
	if (!ic || !c->initial_config)
		goto err;
	icdoc = xmlReadMemory(c->initial_config, (int)strlen(c->initial_config), NULL, NULL,
			      CMS_XML_OPTIONS);
	if (!icdoc)
		goto err;
	copy = xmlDocCopyNode(xmlDocGetRootElement(icdoc), doc, 1);
	xmlFreeDoc(icdoc);
	if (!copy)
		goto err;
	xmlAddChild(ic, copy);
	return dump_doc(doc, len);

err:
	xmlFreeDoc(doc);
	return NULL;
}

char *cms_xml_build_access_request(const struct cms_access_request *q, size_t *len)
{
	xmlDocPtr doc;
	xmlNodePtr r;
	xmlNsPtr x;

	doc = new_doc(CMS_NS_CMS, "partner-access-request", &x);
	if (!doc)
		return NULL;
	r = xmlDocGetRootElement(doc);
	xmlNewTextChild(r, x, BAD_CAST "mc-service-id", BAD_CAST q->mc_service_id);
	xmlNewTextChild(r, x, BAD_CAST "primary-system-id", BAD_CAST q->primary_system_id);
	xmlNewTextChild(r, x, BAD_CAST "sip-database", BAD_CAST q->sip_database);
	xmlNewTextChild(r, x, BAD_CAST "impi", BAD_CAST q->impi);
	xmlNewTextChild(r, x, BAD_CAST "impu", BAD_CAST q->impu);
	return dump_doc(doc, len);
}

char *cms_xml_build_partner_revoke(const struct cms_revoke_request *q, size_t *len)
{
	xmlDocPtr doc;
	xmlNodePtr r, u;
	xmlNsPtr x;

	doc = new_doc(CMS_NS_CMS, "partner-revoke", &x);
	if (!doc)
		return NULL;
	r = xmlDocGetRootElement(doc);
	xmlNewTextChild(r, x, BAD_CAST "primary-system-id", BAD_CAST q->primary_system_id);
	if (q->all_users) {
		xmlNewChild(r, x, BAD_CAST "all-users", NULL);
		return dump_doc(doc, len);
	}
	u = xmlNewChild(r, x, BAD_CAST "user", NULL);
	if (!u) {
		xmlFreeDoc(doc);
		return NULL;
	}
	xmlNewTextChild(u, x, BAD_CAST "mc-service-id", BAD_CAST q->mc_service_id);
	xmlNewTextChild(u, x, BAD_CAST "sip-database", BAD_CAST q->sip_database);
	xmlNewTextChild(u, x, BAD_CAST "impi", BAD_CAST q->impi);
	xmlNewTextChild(u, x, BAD_CAST "impu", BAD_CAST q->impu);
	return dump_doc(doc, len);
}

char *cms_xml_build_error(const char *ns, enum cms_error e, const char *text, size_t *len)
{
	xmlDocPtr doc;
	xmlNodePtr r;
	xmlNsPtr x;

	doc = new_doc(ns, "error", &x);
	if (!doc)
		return NULL;
	r = xmlDocGetRootElement(doc);
	xmlNewTextChild(r, x, BAD_CAST "code", BAD_CAST cms_error_code(e));
	xmlNewTextChild(r, x, BAD_CAST "text", BAD_CAST(text ? text : ""));
	return dump_doc(doc, len);
}
