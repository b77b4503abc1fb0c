// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sh-Data repository documents of the migration service.
 *
 * <Sh-Data><RepositoryData>
 *   <ServiceIndication>urn:mcmig:sh:outbound</ServiceIndication>
 *   <SequenceNumber>1</SequenceNumber>
 *   <ServiceData><Migration xmlns="urn:mcmig:sh:1">
 *     <IMPI>..</IMPI><IMPU>..</IMPU><SipDb host=".." realm=".."/>
 *   </Migration></ServiceData>
 * </RepositoryData></Sh-Data>
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "shdata.h"

struct out {
	char *buf;
	size_t size, len;
	bool overflow;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->overflow || o->len + n >= o->size) {
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = 0;
}

static void puts_raw(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* XML 1.0 2.4: escape markup characters in text and attribute values. */
static void puts_esc(struct out *o, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			puts_raw(o, "&lt;");
			break;
		case '>':
			puts_raw(o, "&gt;");
			break;
		case '&':
			puts_raw(o, "&amp;");
			break;
		case '"':
			puts_raw(o, "&quot;");
			break;
		default:
			put(o, s, 1);
		}
	}
}

int shd_build(const char *si, unsigned int seq, const struct shc_identity *id, char *buf,
	      size_t size)
{
	struct out o = { buf, size, 0, false };
	char num[16];

	if (!size)
		return -ENOSPC;
	buf[0] = 0;
	puts_raw(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<Sh-Data><RepositoryData><ServiceIndication>");
	puts_esc(&o, si);
	puts_raw(&o, "</ServiceIndication><SequenceNumber>");
	snprintf(num, sizeof(num), "%u", seq);
	puts_raw(&o, num);
	puts_raw(&o, "</SequenceNumber>");
	if (id) {
		puts_raw(&o, "<ServiceData><Migration xmlns=\"" SHD_NS "\"><IMPI>");
		puts_esc(&o, id->impi);
		puts_raw(&o, "</IMPI><IMPU>");
		puts_esc(&o, id->impu);
		puts_raw(&o, "</IMPU><SipDb host=\"");
		puts_esc(&o, id->sipdb_host);
		puts_raw(&o, "\" realm=\"");
		puts_esc(&o, id->sipdb_realm);
		puts_raw(&o, "\"/></Migration></ServiceData>");
	}
	puts_raw(&o, "</RepositoryData></Sh-Data>\n");
	if (o.overflow)
		return -ENOSPC;
	return (int)o.len;
}

static bool named(const xmlNode *n, const char *name, const char *ns)
{
	if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name))
		return false;
	if (!ns)
		return !n->ns || !n->ns->href || !*n->ns->href;
	return n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns);
}

static const xmlNode *child(const xmlNode *p, const char *name, const char *ns)
{
	const xmlNode *c;

	for (c = p->children; c; c = c->next)
		if (named(c, name, ns))
			return c;
	return NULL;
}

static int copy_text(const xmlNode *n, char *dst, size_t size)
{
	xmlChar *t = xmlNodeGetContent(n);
	size_t len;
	int ret = 0;

	if (!t)
		return -EBADMSG;
	len = strlen((const char *)t);
	if (!len || len >= size)
		ret = -EBADMSG;
	else
		memcpy(dst, t, len + 1);
	xmlFree(t);
	return ret;
}

static int copy_attr(const xmlNode *n, const char *name, char *dst, size_t size)
{
	xmlChar *t = xmlGetNoNsProp(n, (const xmlChar *)name);
	size_t len;
	int ret = 0;

	if (!t)
		return -EBADMSG;
	len = strlen((const char *)t);
	if (!len || len >= size)
		ret = -EBADMSG;
	else
		memcpy(dst, t, len + 1);
	xmlFree(t);
	return ret;
}

int shd_parse(const uint8_t *buf, size_t len, char *si, size_t si_size, struct shc_identity *id,
	      bool *has_data)
{
	const xmlNode *root, *rd, *n, *sd, *mig, *db;
	xmlDoc *doc;
	int ret = -EBADMSG;

	*has_data = false;
	if (!len || len > SHD_MAX_DOC)
		return -EBADMSG;
	/* No network, no entity expansion, no DTD loading. */
	doc = xmlReadMemory((const char *)buf, (int)len, NULL, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING);
	if (!doc)
		return -EBADMSG;
	root = xmlDocGetRootElement(doc);
	if (!root || !named(root, "Sh-Data", NULL))
		goto out;
	rd = child(root, "RepositoryData", NULL);
	if (!rd)
		goto out;
	n = child(rd, "ServiceIndication", NULL);
	if (!n || copy_text(n, si, si_size))
		goto out;
	n = child(rd, "SequenceNumber", NULL);
	if (!n)
		goto out;
	sd = child(rd, "ServiceData", NULL);
	if (!sd) {
		ret = 0;
		goto out;
	}
	mig = child(sd, "Migration", SHD_NS);
	if (!mig)
		goto out;
	memset(id, 0, sizeof(*id));
	n = child(mig, "IMPI", SHD_NS);
	if (!n || copy_text(n, id->impi, sizeof(id->impi)))
		goto out;
	n = child(mig, "IMPU", SHD_NS);
	if (!n || copy_text(n, id->impu, sizeof(id->impu)))
		goto out;
	db = child(mig, "SipDb", SHD_NS);
	if (!db || copy_attr(db, "host", id->sipdb_host, sizeof(id->sipdb_host)) ||
	    copy_attr(db, "realm", id->sipdb_realm, sizeof(id->sipdb_realm)))
		goto out;
	*has_data = true;
	ret = 0;
out:
	xmlFreeDoc(doc);
	return ret;
}
