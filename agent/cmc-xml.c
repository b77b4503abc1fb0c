// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Partner connection documents (agent/schema/README.md) with libxml2, read
 * defensively: size capped before parsing, no network (XML_PARSE_NONET), the
 * parser stopped at the first DOCTYPE (no DTD means no entity declarations:
 * no billion laughs, no external entities), nesting bounded by libxml2's
 * default depth limit (XML_PARSE_HUGE is never set), elements in foreign
 * namespaces or with unknown names ignored (forward compatibility, as TS
 * 24.484 asks of its documents).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "cmc-xml.h"
#include "util.h"

#define BAD(...) set_err(err, err_len, __VA_ARGS__)

__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t err_len,
							  const char *fmt, ...)
{
	va_list ap;

	if (!err || !err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

/* SAX hook: a DOCTYPE ends the parse before any declaration is read. */
static void stop_at_dtd(void *ctx, const xmlChar *name, const xmlChar *ext_id,
			const xmlChar *sys_id)
{
	xmlParserCtxt *ctxt = ctx;

	ctxt->_private = (void *)1;
	xmlStopParser(ctxt);
}

static int read_doc(const uint8_t *buf, size_t len, xmlDoc **out, char *err, size_t err_len)
{
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	xmlParserCtxt *ctxt;
	xmlDoc *doc;
	int ret = 0;

	*out = NULL;
	if (len > CMC_XML_MAX_DOC) {
		BAD("document of %zu bytes exceeds the %u byte limit", len, CMC_XML_MAX_DOC);
		return -EMSGSIZE;
	}
	if (!buf || len == 0) {
		BAD("empty document");
		return -EBADMSG;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return -ENOMEM;
	ctxt->sax->internalSubset = stop_at_dtd;
	ctxt->_private = NULL;
	doc = xmlCtxtReadMemory(ctxt, (const char *)buf, (int)len, NULL, NULL, opts);
	if (ctxt->_private) {
		BAD("document type declarations (DTD) are not accepted");
		ret = -EBADMSG;
	} else if (!doc || !ctxt->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[160] = "parse error";

		if (e && e->message) {
			snprintf(msg, sizeof(msg), "%s", e->message);
			msg[strcspn(msg, "\n")] = '\0';
		}
		BAD("not well-formed XML (line %d: %s)", e ? e->line : 0, msg);
		ret = -EBADMSG;
	} else if (doc->intSubset || doc->extSubset) {
		BAD("document type declarations (DTD) are not accepted");
		ret = -EBADMSG;
	}
	if (ret < 0)
		xmlFreeDoc(doc);
	else
		*out = doc;
	xmlFreeParserCtxt(ctxt);
	return ret;
}

static bool is_elem(const xmlNode *n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, ns) == 0 &&
	       (!name || strcmp((const char *)n->name, name) == 0);
}

static xmlNode *child(const xmlNode *parent, const char *name)
{
	xmlNode *c;

	for (c = parent->children; c; c = c->next)
		if (is_elem(c, CMC_XML_NS, name))
			return c;
	return NULL;
}

static xmlNode *next_sibling(const xmlNode *n, const char *name)
{
	for (n = n->next; n; n = n->next)
		if (is_elem(n, CMC_XML_NS, name))
			return (xmlNode *)n;
	return NULL;
}

/*
 * Copies the whitespace-trimmed text of @n into @out. -EINVAL when it is
 * empty or does not fit, with @err naming the element.
 */
static int text_of(const xmlNode *n, char *out, size_t size, char *err, size_t err_len)
{
	xmlChar *t = xmlNodeGetContent(n);
	const char *s = t ? (const char *)t : "";
	size_t len;
	int ret = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
		       s[len - 1] == '\r'))
		len--;
	if (len == 0) {
		BAD("<%s> is empty", n->name);
		ret = -EINVAL;
	} else if (len >= size) {
		BAD("<%s> is longer than %zu bytes", n->name, size - 1);
		ret = -EINVAL;
	} else {
		memcpy(out, s, len);
		out[len] = '\0';
	}
	if (t) {
		util_wipe(t, strlen((const char *)t));
		xmlFree(t);
	}
	return ret;
}

static int mandatory_text(const xmlNode *parent, const char *name, char *out, size_t size,
			  char *err, size_t err_len)
{
	xmlNode *n = child(parent, name);

	if (!n) {
		BAD("missing mandatory <%s> in <%s>", name, parent->name);
		return -ENOMSG;
	}
	return text_of(n, out, size, err, err_len);
}

/* The attribute @name (no namespace) trimmed into @out; -ENOENT when absent. */
static int attr_of(const xmlNode *n, const char *name, char *out, size_t size, char *err,
		   size_t err_len)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	int ret = 0;

	if (!v)
		return -ENOENT;
	if (!*v || strlen((const char *)v) >= size) {
		BAD("<%s %s=\"...\"> is empty or too long", n->name, name);
		ret = -EINVAL;
	} else {
		strcpy(out, (const char *)v);
	}
	xmlFree(v);
	return ret;
}

static int dump_standalone(const xmlNode *node, uint8_t **out, size_t *out_len)
{
	xmlDoc *d = xmlNewDoc((const xmlChar *)"1.0");
	xmlNode *copy;
	xmlChar *mem = NULL;
	int n = 0;
	int ret = -ENOMEM;

	if (!d)
		return -ENOMEM;
	/* The copy declares on its root the namespaces it inherited from the original tree. */
	copy = xmlDocCopyNode((xmlNode *)node, d, 1);
	if (!copy)
		goto free_doc;
	xmlDocSetRootElement(d, copy);
	xmlDocDumpMemoryEnc(d, &mem, &n, "UTF-8");
	if (!mem || n <= 0)
		goto free_doc;
	*out = malloc((size_t)n);
	if (!*out)
		goto free_mem;
	memcpy(*out, mem, (size_t)n);
	*out_len = (size_t)n;
	ret = 0;
free_mem:
	util_wipe(mem, (size_t)n);
	xmlFree(mem);
free_doc:
	xmlFreeDoc(d);
	return ret;
}

int cmc_xml_parse_time(const char *s, time_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, n = 0;
	struct tm tm = { 0 };
	const char *p;
	time_t t;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    n != 19)
		return -EINVAL;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 ||
	    h < 0 || mi < 0 || sec < 0)
		return -EINVAL;
	p = s + n;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		/* UTC */
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' &&
		   sscanf(p + 1, "%2d:%2d", &oh, &om) == 2 && oh <= 23 && om <= 59 && oh >= 0 &&
		   om >= 0) {
		if (*p == '-') {
			oh = -oh;
			om = -om;
		}
	} else {
		return -EINVAL;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != d)
		return -EINVAL;
	*out = t - (oh * 3600 + om * 60);
	return 0;
}

void cmc_xml_format_time(time_t t, char out[32])
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(out, "?");
}

static int parse_pdn(const xmlNode *c, struct pcfg_connectivity *conn, char *err, size_t err_len)
{
	struct modem_pdn_params *p = &conn->pdn;
	char v[16];
	xmlNode *n;
	int ret;

	ret = mandatory_text(c, "apn", p->apn, sizeof(p->apn), err, err_len);
	if (ret < 0)
		return ret;
	p->ip_type = MODEM_IP_V4;
	n = child(c, "ip-type");
	if (n) {
		ret = text_of(n, v, sizeof(v), err, err_len);
		if (ret < 0)
			return ret;
		if (modem_ip_type_parse(v, &p->ip_type) < 0)
			goto bad_value;
	}
	p->auth = MODEM_AUTH_NONE;
	n = child(c, "auth");
	if (n) {
		ret = text_of(n, v, sizeof(v), err, err_len);
		if (ret < 0)
			return ret;
		if (modem_auth_parse(v, &p->auth) < 0)
			goto bad_value;
	}
	if (p->auth == MODEM_AUTH_NONE)
		return 0;
	ret = mandatory_text(c, "username", p->username, sizeof(p->username), err, err_len);
	if (ret < 0)
		return ret;
	return mandatory_text(c, "password", p->password, sizeof(p->password), err, err_len);

bad_value:
	BAD("<%s> of connectivity set '%s' has an unknown value '%s'", n->name, conn->con_ref, v);
	return -EINVAL;
}

static const struct pcfg_connectivity *find_conn(const struct partner_config *cfg,
						 const char *con_ref)
{
	size_t i;

	for (i = 0; i < cfg->n_conn; i++)
		if (strcmp(cfg->conn[i].con_ref, con_ref) == 0)
			return &cfg->conn[i];
	return NULL;
}

static const char *const service_con_refs[PCFG_SVC_COUNT] = {
	[PCFG_SVC_MCPTT] = "MCPTT-to-con-ref",
	[PCFG_SVC_COMMON_CORE] = "MC-common-core-to-con-ref",
	[PCFG_SVC_MC_ID] = "MC-ID-to-con-ref",
};

static int service_of_con_ref(const xmlNode *n)
{
	int i;

	for (i = 0; i < PCFG_SVC_COUNT; i++)
		if (is_elem(n, CMC_XML_UECONF_NS, service_con_refs[i]))
			return i;
	return -1;
}

/*
 * TS 24.484: <on-network><HPLMN><service><MCPTT-to-con-ref> (and
 * MC-common-core-to-con-ref, MC-ID-to-con-ref; the same under each <VPLMN>)
 * name the connectivity set of each service's PDN. Every one must be among
 * ours, else the UE could not bring that PDN up (step 14). The HPLMN's are
 * the ones used: the partner is the home of the migrated user.
 */
static int check_con_refs(const xmlNode *n, struct partner_config *cfg, char *err, size_t err_len)
{
	const xmlNode *c;
	char ref[PCFG_CONREF_MAX];
	int ret, svc;

	for (c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		svc = service_of_con_ref(c);
		if (svc < 0) {
			ret = check_con_refs(c, cfg, err, err_len);
			if (ret < 0)
				return ret;
			continue;
		}
		ret = text_of(c, ref, sizeof(ref), err, err_len);
		if (ret < 0)
			return ret;
		if (!find_conn(cfg, ref)) {
			BAD("%s '%s' of the initial UE configuration names no <connectivity> set",
			    service_con_refs[svc], ref);
			return -ENOMSG;
		}
		if (!cfg->con_ref[svc][0] && n->parent &&
		    is_elem(n->parent, CMC_XML_UECONF_NS, "HPLMN"))
			strcpy(cfg->con_ref[svc], ref);
	}
	return 0;
}

/*
 * TS 24.484 <App-Server-Info> (and <GMS-URI>, <CMS-XCAP-root-URI>): the
 * servers each service's PDN must reach, so that the agent routes them
 * through that PDN and not the primary's default route. The IdMS belongs to
 * MC ID, the rest to the common core (TS 23.280 5.2).
 */
static void collect_servers(const xmlNode *n, struct partner_config *cfg)
{
	static const char *const core[] = { "gms", "cms", "kms", "GMS-URI", "CMS-XCAP-root-URI" };
	const xmlNode *c;
	enum pcfg_service svc;
	char uri[PCFG_STR_MAX], host[PCFG_STR_MAX], ignored[8];
	size_t i;

	for (c = n->children; c; c = c->next) {
		if (!is_elem(c, CMC_XML_UECONF_NS, NULL))
			continue;
		if (strncmp((const char *)c->name, "idms-", 5) == 0) {
			svc = PCFG_SVC_MC_ID;
		} else {
			for (i = 0; i < ARRAY_SIZE(core); i++)
				if (strcmp((const char *)c->name, core[i]) == 0)
					break;
			if (i == ARRAY_SIZE(core)) {
				collect_servers(c, cfg);
				continue;
			}
			svc = PCFG_SVC_COMMON_CORE;
		}
		/* A URI that is not one names no server to route: nothing to add. */
		if (text_of(c, uri, sizeof(uri), ignored, sizeof(ignored)) < 0 ||
		    pcfg_uri_host(uri, host, sizeof(host)) < 0)
			continue;
		for (i = 0; i < cfg->n_server; i++)
			if (cfg->server[i].service == svc && strcmp(cfg->server[i].host, host) == 0)
				break;
		if (i < cfg->n_server || cfg->n_server == PCFG_SERVER_MAX)
			continue;
		strcpy(cfg->server[cfg->n_server].host, host);
		cfg->server[cfg->n_server++].service = svc;
	}
}

/*
 * TS 24.484 <on-network><App-Server-Info>: where the UE's IdM client signs in
 * and gets tokens at the partner (TS 33.180 5.1.4). Optional: a partner
 * without them gets no MC service user authentication (idm.c says so).
 */
static int parse_app_servers(const xmlNode *ueconf, struct partner_config *cfg, char *err,
			     size_t err_len)
{
	const xmlNode *on, *as, *c;
	int ret;

	for (on = ueconf->children; on; on = on->next)
		if (is_elem(on, CMC_XML_UECONF_NS, "on-network"))
			break;
	for (as = on ? on->children : NULL; as; as = as->next)
		if (is_elem(as, CMC_XML_UECONF_NS, "App-Server-Info"))
			break;
	for (c = as ? as->children : NULL; c; c = c->next) {
		if (is_elem(c, CMC_XML_UECONF_NS, "idms-auth-endpoint"))
			ret = text_of(c, cfg->idms_auth_endpoint, sizeof(cfg->idms_auth_endpoint),
				      err, err_len);
		else if (is_elem(c, CMC_XML_UECONF_NS, "idms-token-endpoint"))
			ret = text_of(c, cfg->idms_token_endpoint, sizeof(cfg->idms_token_endpoint),
				      err, err_len);
		else
			continue;
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int parse_ue_config(const xmlNode *iuc, struct partner_config *cfg, char *err,
			   size_t err_len)
{
	const xmlNode *c;
	int ret;

	for (c = iuc->children; c; c = c->next)
		if (is_elem(c, CMC_XML_UECONF_NS, "mcptt-UE-initial-configuration"))
			break;
	if (!c) {
		BAD("<initial-ue-configuration> holds no TS 24.484 "
		    "<mcptt-UE-initial-configuration> in " CMC_XML_UECONF_NS);
		return -ENOMSG;
	}
	ret = check_con_refs(c, cfg, err, err_len);
	if (ret < 0)
		return ret;
	collect_servers(c, cfg);
	ret = parse_app_servers(c, cfg, err, err_len);
	if (ret < 0)
		return ret;
	ret = dump_standalone(c, &cfg->ue_config, &cfg->ue_config_len);
	if (ret < 0)
		BAD("out of memory keeping the initial UE configuration");
	return ret;
}

static int parse_identities(const xmlNode *pc, struct partner_config *cfg, char *err,
			    size_t err_len)
{
	const xmlNode *ids = child(pc, "sip-identities");
	const xmlNode *n;
	int ret;

	if (!ids) {
		BAD("missing mandatory <sip-identities> in <partner-connection>");
		return -ENOMSG;
	}
	ret = mandatory_text(ids, "impi", cfg->impi, sizeof(cfg->impi), err, err_len);
	if (ret < 0)
		return ret;
	for (n = child(ids, "impu"); n; n = next_sibling(n, "impu")) {
		if (cfg->n_impu == PCFG_IMPU_MAX) {
			BAD("more than %d <impu> in <sip-identities>", PCFG_IMPU_MAX);
			return -EINVAL;
		}
		ret = text_of(n, cfg->impu[cfg->n_impu], sizeof(cfg->impu[0]), err, err_len);
		if (ret < 0)
			return ret;
		cfg->n_impu++;
	}
	if (cfg->n_impu == 0) {
		BAD("missing mandatory <impu> in <sip-identities>");
		return -ENOMSG;
	}
	return mandatory_text(ids, "home-domain", cfg->home_domain, sizeof(cfg->home_domain), err,
			      err_len);
}

static int parse_pcscfs(const xmlNode *pc, struct partner_config *cfg, char *err, size_t err_len)
{
	const xmlNode *n;
	char tr[8];
	int ret;

	for (n = child(pc, "pcscf"); n; n = next_sibling(n, "pcscf")) {
		struct pcfg_pcscf *p = &cfg->pcscf[cfg->n_pcscf];

		if (cfg->n_pcscf == PCFG_PCSCF_MAX) {
			BAD("more than %d <pcscf>", PCFG_PCSCF_MAX);
			return -EINVAL;
		}
		ret = text_of(n, p->uri, sizeof(p->uri), err, err_len);
		if (ret < 0)
			return ret;
		ret = attr_of(n, "transport", tr, sizeof(tr), err, err_len);
		if (ret == -ENOENT)
			p->transport = PCFG_TRANSPORT_ANY;
		else if (ret < 0)
			return ret;
		else if (strcmp(tr, "udp") == 0)
			p->transport = PCFG_TRANSPORT_UDP;
		else if (strcmp(tr, "tcp") == 0)
			p->transport = PCFG_TRANSPORT_TCP;
		else {
			BAD("<pcscf transport=\"%s\">: not udp or tcp", tr);
			return -EINVAL;
		}
		cfg->n_pcscf++;
	}
	return 0;
}

static int parse_conns(const xmlNode *pc, struct partner_config *cfg, char *err, size_t err_len)
{
	const xmlNode *n;
	int ret;

	for (n = child(pc, "connectivity"); n; n = next_sibling(n, "connectivity")) {
		struct pcfg_connectivity *c = &cfg->conn[cfg->n_conn];

		if (cfg->n_conn == PCFG_CONN_MAX) {
			BAD("more than %d <connectivity> sets", PCFG_CONN_MAX);
			return -EINVAL;
		}
		ret = attr_of(n, "con-ref", c->con_ref, sizeof(c->con_ref), err, err_len);
		if (ret == -ENOENT) {
			BAD("<connectivity> without the mandatory con-ref attribute");
			return -ENOMSG;
		}
		if (ret < 0)
			return ret;
		if (find_conn(cfg, c->con_ref)) {
			BAD("two <connectivity> sets named con-ref '%s'", c->con_ref);
			return -EINVAL;
		}
		ret = parse_pdn(n, c, err, err_len);
		if (ret < 0)
			return ret;
		cfg->n_conn++;
	}
	if (cfg->n_conn == 0) {
		BAD("missing mandatory <connectivity> in <partner-connection>");
		return -ENOMSG;
	}
	return 0;
}

static int parse_pc(const xmlNode *pc, enum pcfg_source source, struct partner_config *cfg,
		    char *err, size_t err_len)
{
	char v[PCFG_STR_MAX];
	const xmlNode *n;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	cfg->source = source;
	ret = mandatory_text(pc, "partner-system-id", cfg->partner_id, sizeof(cfg->partner_id), err,
			     err_len);
	if (ret < 0)
		goto fail;
	cfg->selection = source == PCFG_SOURCE_CMS ? PCFG_SELECTION_LOCATION :
						     PCFG_SELECTION_STATIC;
	n = child(pc, "selection");
	if (n) {
		ret = text_of(n, v, sizeof(v), err, err_len);
		if (ret < 0)
			goto fail;
		if (strcmp(v, "requested") == 0)
			cfg->selection = PCFG_SELECTION_REQUESTED;
		else if (strcmp(v, "location") == 0)
			cfg->selection = PCFG_SELECTION_LOCATION;
		else if (strcmp(v, "static") == 0)
			cfg->selection = PCFG_SELECTION_STATIC;
		else {
			BAD("<selection> has an unknown value '%s'", v);
			ret = -EINVAL;
			goto fail;
		}
	}
	ret = mandatory_text(pc, "valid-until", v, sizeof(v), err, err_len);
	if (ret < 0)
		goto fail;
	if (cmc_xml_parse_time(v, &cfg->valid_until) < 0) {
		BAD("<valid-until> '%s' is not an RFC 3339 time", v);
		ret = -EINVAL;
		goto fail;
	}
	ret = parse_identities(pc, cfg, err, err_len);
	if (ret < 0)
		goto fail;
	ret = parse_pcscfs(pc, cfg, err, err_len);
	if (ret < 0)
		goto fail;
	ret = parse_conns(pc, cfg, err, err_len);
	if (ret < 0)
		goto fail;
	n = child(pc, "initial-ue-configuration");
	if (n) {
		ret = parse_ue_config(n, cfg, err, err_len);
		if (ret < 0)
			goto fail;
	}
	ret = dump_standalone(pc, &cfg->doc, &cfg->doc_len);
	if (ret < 0) {
		BAD("out of memory keeping the document");
		goto fail;
	}
	return 0;
fail:
	partner_config_clear(cfg);
	return ret;
}

int cmc_xml_parse_answer(const uint8_t *buf, size_t len, enum pcfg_source source,
			 struct partner_config *cfg, char *err, size_t err_len)
{
	xmlDoc *doc;
	xmlNode *root;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	ret = read_doc(buf, len, &doc, err, err_len);
	if (ret < 0)
		return ret;
	root = xmlDocGetRootElement(doc);
	if (!root || !is_elem(root, CMC_XML_NS, "partner-connection")) {
		BAD("root element is <%s>, not <partner-connection> in " CMC_XML_NS,
		    root ? (const char *)root->name : "");
		ret = -EBADMSG;
	} else {
		ret = parse_pc(root, source, cfg, err, err_len);
	}
	xmlFreeDoc(doc);
	return ret;
}

static int collect_profile(const xmlNode *n, enum pcfg_source source, struct partner_config *cfgs,
			   size_t max, size_t *count, char *err, size_t err_len)
{
	const xmlNode *c;
	int ret;

	if (is_elem(n, CMC_XML_NS, "partner-connection")) {
		if (*count == max) {
			BAD("more than %zu <partner-connection> elements", max);
			return -E2BIG;
		}
		ret = parse_pc(n, source, &cfgs[*count], err, err_len);
		if (ret < 0)
			return ret;
		(*count)++;
		return 0;
	}
	for (c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		ret = collect_profile(c, source, cfgs, max, count, err, err_len);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int cmc_xml_parse_profile(const uint8_t *buf, size_t len, enum pcfg_source source,
			  struct partner_config *cfgs, size_t max, size_t *n, char *err,
			  size_t err_len)
{
	xmlDoc *doc;
	size_t i;
	int ret;

	*n = 0;
	ret = read_doc(buf, len, &doc, err, err_len);
	if (ret < 0)
		return ret;
	ret = collect_profile(xmlDocGetRootElement(doc), source, cfgs, max, n, err, err_len);
	if (ret == 0 && *n == 0) {
		BAD("no <partner-connection> element in " CMC_XML_NS);
		ret = -ENOENT;
	}
	if (ret < 0) {
		for (i = 0; i < *n; i++)
			partner_config_clear(&cfgs[i]);
		*n = 0;
	}
	xmlFreeDoc(doc);
	return ret;
}

int cmc_xml_parse_error(const uint8_t *buf, size_t len, char code[CMC_XML_CODE_MAX], char *text,
			size_t text_len)
{
	char err[CMC_XML_ERRMSG_MAX];
	xmlNode *root, *n;
	xmlDoc *doc;
	int ret;

	code[0] = '\0';
	if (text_len)
		text[0] = '\0';
	ret = read_doc(buf, len, &doc, err, sizeof(err));
	if (ret < 0)
		return ret;
	root = xmlDocGetRootElement(doc);
	if (!root || !is_elem(root, CMC_XML_NS, "error")) {
		ret = -EBADMSG;
		goto out;
	}
	n = child(root, "code");
	if (!n || text_of(n, code, CMC_XML_CODE_MAX, err, sizeof(err)) < 0) {
		code[0] = '\0';
		ret = -ENOMSG;
		goto out;
	}
	n = child(root, "text");
	if (n && text_len && text_of(n, text, text_len, err, sizeof(err)) < 0)
		text[0] = '\0';
out:
	xmlFreeDoc(doc);
	return ret;
}

int cmc_xml_build_request(const struct cmc_request *req, char **out, size_t *out_len)
{
	const struct modem_serving *s = req->serving;
	xmlNode *root, *loc, *n;
	xmlChar *mem = NULL;
	char num[64];
	xmlDoc *doc;
	xmlNs *ns;
	int len = 0;
	int ret = -ENOMEM;

	if (!req->mc_service_id || !*req->mc_service_id)
		return -EINVAL;
	doc = xmlNewDoc((const xmlChar *)"1.0");
	if (!doc)
		return -ENOMEM;
	root = xmlNewNode(NULL, (const xmlChar *)"partner-connection-request");
	if (!root)
		goto free_doc;
	xmlDocSetRootElement(doc, root);
	ns = xmlNewNs(root, (const xmlChar *)CMC_XML_NS, NULL);
	if (!ns)
		goto free_doc;
	xmlSetNs(root, ns);
	if (!xmlNewTextChild(root, ns, (const xmlChar *)"mc-service-id",
			     (const xmlChar *)req->mc_service_id))
		goto free_doc;
	loc = xmlNewChild(root, ns, (const xmlChar *)"location", NULL);
	if (!loc)
		goto free_doc;
	if (s && s->mcc[0] && s->mnc[0]) {
		n = xmlNewChild(loc, ns, (const xmlChar *)"plmn", NULL);
		if (!n || !xmlNewProp(n, (const xmlChar *)"mcc", (const xmlChar *)s->mcc) ||
		    !xmlNewProp(n, (const xmlChar *)"mnc", (const xmlChar *)s->mnc))
			goto free_doc;
	}
	if (s && s->has_tac) {
		snprintf(num, sizeof(num), "%u", (unsigned int)s->tac);
		if (!xmlNewChild(loc, ns, (const xmlChar *)"tac", (const xmlChar *)num))
			goto free_doc;
	}
	if (s && s->has_cell_id) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)s->cell_id);
		if (!xmlNewChild(loc, ns, (const xmlChar *)"cell-id", (const xmlChar *)num))
			goto free_doc;
	}
	if (req->has_coordinates) {
		n = xmlNewChild(loc, ns, (const xmlChar *)"coordinates", NULL);
		if (!n)
			goto free_doc;
		snprintf(num, sizeof(num), "%.6f", req->lat);
		if (!xmlNewProp(n, (const xmlChar *)"lat", (const xmlChar *)num))
			goto free_doc;
		snprintf(num, sizeof(num), "%.6f", req->lon);
		if (!xmlNewProp(n, (const xmlChar *)"lon", (const xmlChar *)num))
			goto free_doc;
	}
	if (req->requested_partner && *req->requested_partner &&
	    !xmlNewTextChild(root, ns, (const xmlChar *)"requested-partner",
			     (const xmlChar *)req->requested_partner))
		goto free_doc;
	xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
	if (!mem || len <= 0)
		goto free_doc;
	*out = malloc((size_t)len + 1);
	if (!*out)
		goto free_mem;
	memcpy(*out, mem, (size_t)len);
	(*out)[len] = '\0';
	*out_len = (size_t)len;
	ret = 0;
free_mem:
	xmlFree(mem);
free_doc:
	xmlFreeDoc(doc);
	return ret;
}

void partner_config_clear(struct partner_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < PCFG_CONN_MAX; i++) {
		util_wipe(cfg->conn[i].pdn.username, sizeof(cfg->conn[i].pdn.username));
		util_wipe(cfg->conn[i].pdn.password, sizeof(cfg->conn[i].pdn.password));
	}
	if (cfg->doc) {
		util_wipe(cfg->doc, cfg->doc_len);
		free(cfg->doc);
	}
	free(cfg->ue_config);
	memset(cfg, 0, sizeof(*cfg));
}

static int dup_bytes(uint8_t **dst, const uint8_t *src, size_t len)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = malloc(len ? len : 1);
	if (!*dst)
		return -ENOMEM;
	memcpy(*dst, src, len);
	return 0;
}

int partner_config_copy(struct partner_config *dst, const struct partner_config *src)
{
	*dst = *src;
	if (dup_bytes(&dst->doc, src->doc, src->doc_len) < 0 ||
	    dup_bytes(&dst->ue_config, src->ue_config, src->ue_config_len) < 0) {
		partner_config_clear(dst);
		return -ENOMEM;
	}
	return 0;
}

const struct pcfg_connectivity *partner_config_mcptt_conn(const struct partner_config *cfg)
{
	const struct pcfg_connectivity *c = NULL;

	if (cfg->con_ref[PCFG_SVC_MCPTT][0])
		c = find_conn(cfg, cfg->con_ref[PCFG_SVC_MCPTT]);
	if (!c && cfg->n_conn)
		c = &cfg->conn[0];
	return c;
}

size_t partner_config_pdn_sets(const struct partner_config *cfg,
			       const struct pcfg_connectivity *sets[PCFG_SVC_COUNT],
			       unsigned int services[PCFG_SVC_COUNT])
{
	const struct pcfg_connectivity *c;
	size_t n = 0, i;
	int svc;

	for (svc = 0; svc < PCFG_SVC_COUNT; svc++) {
		c = NULL;
		if (svc != PCFG_SVC_MCPTT && cfg->con_ref[svc][0])
			c = find_conn(cfg, cfg->con_ref[svc]);
		if (!c)
			c = partner_config_mcptt_conn(cfg);
		if (!c)
			return 0;
		for (i = 0; i < n && sets[i] != c; i++)
			;
		if (i == n) {
			sets[n] = c;
			services[n++] = 0;
		}
		services[i] |= 1u << svc;
	}
	return n;
}

int pcfg_uri_host(const char *uri, char *host, size_t size)
{
	const char *p = strchr(uri, ':'), *end, *at;
	size_t len;

	if (!p || p == uri)
		return -EINVAL;
	p++;
	if (strncmp(p, "//", 2) == 0)
		p += 2;
	/* userinfo (RFC 3986 3.2.1, RFC 3261 19.1.1) ends at an '@' before the host. */
	end = p + strcspn(p, "/?#>");
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	if (*p == '[') {
		end = strchr(++p, ']');
		if (!end)
			return -EINVAL;
	} else {
		end = p + strcspn(p, ":;/?#>");
	}
	len = (size_t)(end - p);
	if (len == 0 || len >= size)
		return -EINVAL;
	memcpy(host, p, len);
	host[len] = '\0';
	return 0;
}

static const char *const source_names[] = {
	[PCFG_SOURCE_CMS] = "cms",
	[PCFG_SOURCE_PROFILE] = "profile",
	[PCFG_SOURCE_STATIC] = "static",
};

const char *pcfg_source_str(enum pcfg_source s)
{
	return (size_t)s < ARRAY_SIZE(source_names) ? source_names[s] : "?";
}

int pcfg_source_from_str(const char *s, enum pcfg_source *out)
{
	size_t i;

	for (i = 0; s && i < ARRAY_SIZE(source_names); i++) {
		if (strcmp(s, source_names[i]) == 0) {
			*out = (enum pcfg_source)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *pcfg_selection_str(enum pcfg_selection s)
{
	switch (s) {
	case PCFG_SELECTION_REQUESTED:
		return "requested";
	case PCFG_SELECTION_LOCATION:
		return "location";
	case PCFG_SELECTION_STATIC:
		return "static";
	}
	return "?";
}

int cmc_xml_build_record(const struct partner_config *cfg, uint8_t **out, size_t *out_len)
{
	static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
	static const char tail[] = "</partner-record>\n";
	const uint8_t *body = cfg->doc;
	size_t body_len = cfg->doc_len;
	char head[160];
	size_t hl;

	if (!cfg->doc || !cfg->doc_len)
		return -EINVAL;
	/* The kept document starts with its own XML declaration: one per file. */
	if (body_len >= sizeof(decl) - 1 && memcmp(body, decl, sizeof(decl) - 1) == 0) {
		body += sizeof(decl) - 1;
		body_len -= sizeof(decl) - 1;
	}
	hl = (size_t)snprintf(head, sizeof(head),
			      "%s<partner-record xmlns=\"" CMC_XML_STORE_NS "\" source=\"%s\">\n",
			      decl, pcfg_source_str(cfg->source));
	*out = malloc(hl + body_len + sizeof(tail));
	if (!*out)
		return -ENOMEM;
	memcpy(*out, head, hl);
	memcpy(*out + hl, body, body_len);
	memcpy(*out + hl + body_len, tail, sizeof(tail) - 1);
	*out_len = hl + body_len + sizeof(tail) - 1;
	return 0;
}

int cmc_xml_parse_record(const uint8_t *buf, size_t len, struct partner_config *cfg, char *err,
			 size_t err_len)
{
	enum pcfg_source source;
	xmlNode *root, *pc;
	xmlChar *src;
	xmlDoc *doc;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	ret = read_doc(buf, len, &doc, err, err_len);
	if (ret < 0)
		return ret;
	root = xmlDocGetRootElement(doc);
	if (!root || !is_elem(root, CMC_XML_STORE_NS, "partner-record")) {
		BAD("root element is not <partner-record> in " CMC_XML_STORE_NS);
		ret = -EBADMSG;
		goto out;
	}
	src = xmlGetNoNsProp(root, (const xmlChar *)"source");
	ret = pcfg_source_from_str((const char *)src, &source);
	xmlFree(src);
	if (ret < 0) {
		BAD("<partner-record> has no valid source attribute");
		goto out;
	}
	pc = child(root, "partner-connection");
	if (!pc) {
		BAD("<partner-record> holds no <partner-connection>");
		ret = -ENOMSG;
		goto out;
	}
	ret = parse_pc(pc, source, cfg, err, err_len);
out:
	xmlFreeDoc(doc);
	return ret;
}
