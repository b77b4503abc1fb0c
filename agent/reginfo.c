// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 3680 reginfo documents. Read as defensively as cmc-xml.c reads the
 * CMS's: size capped before parsing, no network, DTDs refused (no entity
 * tricks), elements of other namespaces skipped (RFC 3680 5.4 allows
 * extensions, e.g. RFC 5628 gruuinfo), every value we use checked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "reginfo.h"

#define REGINFO_NS "urn:ietf:params:xml:ns:reginfo"

static const char *const event_names[] = {
	[REGINFO_EV_REGISTERED] = "registered", [REGINFO_EV_CREATED] = "created",
	[REGINFO_EV_REFRESHED] = "refreshed",	[REGINFO_EV_SHORTENED] = "shortened",
	[REGINFO_EV_EXPIRED] = "expired",	[REGINFO_EV_DEACTIVATED] = "deactivated",
	[REGINFO_EV_PROBATION] = "probation",	[REGINFO_EV_UNREGISTERED] = "unregistered",
	[REGINFO_EV_REJECTED] = "rejected",
};

const char *reginfo_event_str(enum reginfo_event e)
{
	if ((size_t)e < sizeof(event_names) / sizeof(event_names[0]))
		return event_names[e];
	return "?";
}

static bool is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, REGINFO_NS) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

/* Index of attribute @name's value in @names, or -1 (absent or unknown). */
static int attr_enum(const xmlNode *n, const char *name, const char *const *names, size_t count)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	int ret = -1;
	size_t i;

	for (i = 0; v && i < count; i++) {
		if (names[i] && strcmp((const char *)v, names[i]) == 0) {
			ret = (int)i;
			break;
		}
	}
	xmlFree(v);
	return ret;
}

/* Copies attribute or text @v, without surrounding whitespace; -EBADMSG empty, -E2BIG. */
static int copy_trimmed(const xmlChar *v, char *out, size_t size)
{
	const char *s = v ? (const char *)v : "";
	size_t len;

	s += strspn(s, " \t\r\n");
	len = strlen(s);
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	if (!len)
		return -EBADMSG;
	if (len >= size)
		return -E2BIG;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

/* RFC 3680 5.3: version is a non-negative integer (we keep 32 bits). */
static int parse_version(const xmlNode *root, uint32_t *version)
{
	xmlChar *v = xmlGetNoNsProp(root, (const xmlChar *)"version");
	char *end;
	unsigned long long n;
	int ret = -EBADMSG;

	if (v && v[0] >= '0' && v[0] <= '9') {
		errno = 0;
		n = strtoull((const char *)v, &end, 10);
		if (!*end && !errno && n <= UINT32_MAX) {
			*version = (uint32_t)n;
			ret = 0;
		}
	}
	xmlFree(v);
	return ret;
}

static long parse_expires(const xmlNode *n)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)"expires");
	char *end;
	long e = -1;

	if (v && v[0] >= '0' && v[0] <= '9') {
		errno = 0;
		e = strtol((const char *)v, &end, 10);
		if (*end || errno)
			e = -2;
	} else if (v) {
		e = -2;
	}
	xmlFree(v);
	return e;
}

static int parse_contact(const xmlNode *n, struct reginfo_contact *c, const char **err)
{
	static const char *const states[] = {
		[REGINFO_CONTACT_ACTIVE] = "active", [REGINFO_CONTACT_TERMINATED] = "terminated"
	};
	const xmlNode *u;
	xmlChar *text;
	int st, ev, ret;

	st = attr_enum(n, "state", states, 2);
	if (st < 0) {
		*err = "contact state missing or not active/terminated";
		return -EBADMSG;
	}
	ev = attr_enum(n, "event", event_names, sizeof(event_names) / sizeof(event_names[0]));
	if (ev < 0) {
		*err = "contact event missing or unknown";
		return -EBADMSG;
	}
	c->state = (enum reginfo_contact_state)st;
	c->event = (enum reginfo_event)ev;
	c->expires = parse_expires(n);
	if (c->expires < -1) {
		*err = "contact expires is not a number";
		return -EBADMSG;
	}
	for (u = n->children; u && !is_elem(u, "uri"); u = u->next)
		;
	if (!u) {
		*err = "contact without uri";
		return -EBADMSG;
	}
	text = xmlNodeGetContent(u);
	ret = copy_trimmed(text, c->uri, sizeof(c->uri));
	xmlFree(text);
	if (ret < 0)
		*err = ret == -E2BIG ? "contact uri too long" : "contact uri empty";
	return ret;
}

static int parse_registration(const xmlNode *n, struct reginfo_registration *r, const char **err)
{
	static const char *const states[] = { [REGINFO_REG_INIT] = "init",
					      [REGINFO_REG_ACTIVE] = "active",
					      [REGINFO_REG_TERMINATED] = "terminated" };
	const xmlNode *c;
	xmlChar *aor;
	int st, ret;

	aor = xmlGetNoNsProp(n, (const xmlChar *)"aor");
	ret = copy_trimmed(aor, r->aor, sizeof(r->aor));
	xmlFree(aor);
	if (ret < 0) {
		*err = ret == -E2BIG ? "registration aor too long" : "registration without aor";
		return ret;
	}
	st = attr_enum(n, "state", states, 3);
	if (st < 0) {
		*err = "registration state missing or not init/active/terminated";
		return -EBADMSG;
	}
	r->state = (enum reginfo_reg_state)st;
	r->n_contacts = 0;
	for (c = n->children; c; c = c->next) {
		if (!is_elem(c, "contact"))
			continue;
		if (r->n_contacts == REGINFO_MAX_CONTACTS) {
			*err = "too many contacts in a registration";
			return -E2BIG;
		}
		ret = parse_contact(c, &r->contact[r->n_contacts], err);
		if (ret < 0)
			return ret;
		r->n_contacts++;
	}
	return 0;
}

static int parse_root(const xmlNode *root, struct reginfo *ri, const char **err)
{
	static const char *const states[] = {
		[REGINFO_FULL] = "full", [REGINFO_PARTIAL] = "partial"
	};
	const xmlNode *n;
	int st, ret;

	if (!root || !is_elem(root, "reginfo")) {
		*err = "root is not reginfo in the urn:ietf:params:xml:ns:reginfo namespace";
		return -EBADMSG;
	}
	if (parse_version(root, &ri->version) < 0) {
		*err = "reginfo version missing or not a 32-bit number";
		return -EBADMSG;
	}
	st = attr_enum(root, "state", states, 2);
	if (st < 0) {
		*err = "reginfo state missing or not full/partial";
		return -EBADMSG;
	}
	ri->state = (enum reginfo_doc_state)st;
	ri->n_regs = 0;
	for (n = root->children; n; n = n->next) {
		if (!is_elem(n, "registration"))
			continue;
		if (ri->n_regs == REGINFO_MAX_REGS) {
			*err = "too many registrations";
			return -E2BIG;
		}
		ret = parse_registration(n, &ri->reg[ri->n_regs], err);
		if (ret < 0)
			return ret;
		ri->n_regs++;
	}
	return 0;
}

int reginfo_parse(const uint8_t *buf, size_t len, struct reginfo *ri, const char **err)
{
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	xmlDoc *doc;
	int ret;

	memset(ri, 0, sizeof(*ri));
	if (len > REGINFO_MAX_DOC) {
		*err = "reginfo document too large";
		return -E2BIG;
	}
	if (!buf || !len) {
		*err = "empty reginfo document";
		return -EBADMSG;
	}
	doc = xmlReadMemory((const char *)buf, (int)len, NULL, NULL, opts);
	if (!doc) {
		*err = "reginfo is not well-formed XML";
		return -EBADMSG;
	}
	if (doc->intSubset || doc->extSubset) {
		*err = "document type declarations (DTD) are not accepted";
		ret = -EBADMSG;
	} else {
		ret = parse_root(xmlDocGetRootElement(doc), ri, err);
	}
	xmlFreeDoc(doc);
	return ret;
}

/* True when @uri ("sip:[user@]host[:port][;params]", host maybe [IPv6]) is @host:@port. */
static bool uri_is(const char *uri, const char *host, unsigned int port)
{
	const char *p, *at, *end;
	size_t hlen = strlen(host);
	unsigned long n = 5060;
	char *e;

	if (strncasecmp(uri, "sip:", 4) != 0)
		return false;
	p = uri + 4;
	end = p + strcspn(p, ";?>");
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	if (*p == '[') {
		if ((size_t)(end - p) < hlen + 2 || strncasecmp(p + 1, host, hlen) != 0 ||
		    p[hlen + 1] != ']')
			return false;
		p += hlen + 2;
	} else {
		if ((size_t)(end - p) < hlen || strncasecmp(p, host, hlen) != 0)
			return false;
		p += hlen;
	}
	if (p < end) {
		if (*p != ':' || p + 1 == end)
			return false;
		n = strtoul(p + 1, &e, 10);
		if (e != end)
			return false;
	}
	return n == port;
}

enum reginfo_verdict reginfo_own_contact(const struct reginfo *ri, const char *impu,
					 const char *host, unsigned int port,
					 enum reginfo_event *ev, long *expires)
{
	const struct reginfo_contact *c;
	size_t i, j;

	for (i = 0; i < ri->n_regs; i++) {
		if (strcmp(ri->reg[i].aor, impu) != 0)
			continue;
		for (j = 0; j < ri->reg[i].n_contacts; j++) {
			c = &ri->reg[i].contact[j];
			if (!uri_is(c->uri, host, port))
				continue;
			*ev = c->event;
			*expires = c->expires;
			/* TS 24.229 5.1.1.7: what each event asks of the UE. */
			if (c->state == REGINFO_CONTACT_TERMINATED)
				return c->event == REGINFO_EV_DEACTIVATED ? REGINFO_REREGISTER :
									    REGINFO_ENDED;
			if (c->event == REGINFO_EV_SHORTENED)
				return REGINFO_SHORTENED;
			return REGINFO_NOTHING;
		}
		/*
		 * RFC 3680 5.2: a registration in state "terminated" has no
		 * active contact, ours included. Kamailio 5.6's S-CSCF reports a
		 * Cx RTR this way (full state, the registration terminated,
		 * no contact element): the network removed the binding, as
		 * with "unregistered" (TS 24.229 5.1.1.7: no re-registration).
		 * A partial document that lists only other contacts says
		 * nothing of ours.
		 */
		if (ri->reg[i].state == REGINFO_REG_TERMINATED &&
		    (ri->state == REGINFO_FULL || ri->reg[i].n_contacts == 0)) {
			*ev = REGINFO_EV_UNREGISTERED;
			return REGINFO_ENDED;
		}
	}
	return REGINFO_NOTHING;
}
