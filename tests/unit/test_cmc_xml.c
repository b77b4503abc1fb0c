// SPDX-License-Identifier: GPL-2.0-or-later
/* The partner connection documents: good, truncated, oversized, hostile. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cmc-xml.h"
#include "test-data.h"
#include "util.h"

static char *good;
static size_t good_len;

static int parse(const char *doc, struct partner_config *cfg, char *err)
{
	return cmc_xml_parse_answer((const uint8_t *)doc, strlen(doc), PCFG_SOURCE_CMS, cfg, err,
				    CMC_XML_ERRMSG_MAX);
}

/* @doc with the first occurrence of @from replaced by @to (caller frees). */
static char *replace(const char *doc, const char *from, const char *to)
{
	const char *p = strstr(doc, from);
	size_t head, n;
	char *out;

	assert_non_null(p);
	head = (size_t)(p - doc);
	n = strlen(doc) - strlen(from) + strlen(to);
	out = malloc(n + 1);
	assert_non_null(out);
	memcpy(out, doc, head);
	strcpy(out + head, to);
	strcat(out, p + strlen(from));
	return out;
}

/*
 * TS 24.484: each service's con-ref may name its own set. The PDNs to bring
 * up are the distinct sets, MCPTT's first; a service without a con-ref rides
 * on the MCPTT PDN. Every con-ref must name a set.
 */
static void test_pdn_sets(void **state)
{
	const struct pcfg_connectivity *sets[PCFG_SVC_COUNT];
	unsigned int svc[PCFG_SVC_COUNT];
	struct partner_config cfg;
	char err[CMC_XML_ERRMSG_MAX] = "";
	char *doc, *doc2;

	(void)state;
	/* good: MCPTT on partner-mcptt, the common core on partner-ims, MC ID on MCPTT's. */
	assert_int_equal(parse(good, &cfg, err), 0);
	assert_int_equal(partner_config_pdn_sets(&cfg, sets, svc), 2);
	assert_string_equal(sets[0]->con_ref, "partner-mcptt");
	assert_int_equal(svc[0], (1u << PCFG_SVC_MCPTT) | (1u << PCFG_SVC_MC_ID));
	assert_string_equal(sets[1]->con_ref, "partner-ims");
	assert_int_equal(svc[1], (1u << PCFG_SVC_COMMON_CORE));
	partner_config_clear(&cfg);

	/* Three con-refs, three sets: three PDNs, in service order. */
	doc = replace(good, "</service>",
		      "<MC-ID-to-con-ref>partner-id</MC-ID-to-con-ref></service>");
	doc2 = replace(doc, "<initial-ue-configuration>",
		       "<connectivity con-ref=\"partner-id\"><apn>id.partner.example</apn>"
		       "<ip-type>ipv6</ip-type></connectivity><initial-ue-configuration>");
	free(doc);
	doc = replace(doc2, "<App-Server-Info>",
		      "<App-Server-Info><idms-token-endpoint>https://[2001:db8:3::1]:8443/token"
		      "</idms-token-endpoint><kms>https://192.0.2.77/kms</kms>");
	free(doc2);
	assert_int_equal(parse(doc, &cfg, err), 0);
	assert_int_equal(partner_config_pdn_sets(&cfg, sets, svc), 3);
	assert_string_equal(sets[0]->con_ref, "partner-mcptt");
	assert_int_equal(svc[0], (1u << PCFG_SVC_MCPTT));
	assert_string_equal(sets[1]->con_ref, "partner-ims");
	assert_string_equal(sets[2]->con_ref, "partner-id");
	assert_int_equal(svc[2], (1u << PCFG_SVC_MC_ID));
	/* Then the document's own: its IdMS (both endpoints, one host) and <cms>. */
	assert_int_equal(cfg.n_server, 4);
	assert_string_equal(cfg.server[0].host, "2001:db8:3::1");
	assert_int_equal(cfg.server[0].service, PCFG_SVC_MC_ID);
	assert_string_equal(cfg.server[1].host, "192.0.2.77");
	assert_int_equal(cfg.server[1].service, PCFG_SVC_COMMON_CORE);
	assert_string_equal(cfg.server[2].host, "idms.partner.example");
	assert_int_equal(cfg.server[2].service, PCFG_SVC_MC_ID);
	assert_string_equal(cfg.server[3].host, "cms.partner.example");
	partner_config_clear(&cfg);
	free(doc);

	/* A common core con-ref naming no set is refused, named. */
	doc = replace(good, ">partner-ims</MC-common", ">nowhere</MC-common");
	assert_int_equal(parse(doc, &cfg, err), -ENOMSG);
	assert_non_null(strstr(err, "MC-common-core-to-con-ref 'nowhere'"));
	free(doc);
}

static void test_uri_host(void **state)
{
	static const struct {
		const char *uri, *host;
	} ok[] = {
		{ "https://idms.partner.example/token", "idms.partner.example" },
		{ "https://198.51.100.9:8443/x", "198.51.100.9" },
		{ "sip:gms@mcptt.partner.example", "mcptt.partner.example" },
		{ "sip:cms@[2001:db8::5]:5060;transport=tcp", "2001:db8::5" },
		{ "sip:198.51.100.1;lr", "198.51.100.1" },
		{ "https://user:pw@h/p?q", "h" },
	};
	static const char *const bad[] = {
		"", "nohost", ":x", "https://", "sip:[2001:db8::1", "sip:u@", "https:///path"
	};
	char host[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(pcfg_uri_host(ok[i].uri, host, sizeof(host)), 0);
		assert_string_equal(host, ok[i].host);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(pcfg_uri_host(bad[i], host, sizeof(host)), -EINVAL);
	/* Too long for the buffer: refused, not cut. */
	assert_int_equal(pcfg_uri_host("https://a-long-host-name/", host, 8), -EINVAL);
}

static void test_good(void **state)
{
	struct partner_config cfg;
	char err[CMC_XML_ERRMSG_MAX] = "";
	const struct pcfg_connectivity *c;
	char t[32];

	assert_int_equal(parse(good, &cfg, err), 0);
	assert_string_equal(cfg.partner_id, "urn:mcmig:system:partner-b");
	assert_int_equal(cfg.selection, PCFG_SELECTION_REQUESTED);
	cmc_xml_format_time(cfg.valid_until, t);
	assert_string_equal(t, "2026-11-28T22:00:00Z");
	assert_string_equal(cfg.impi, "in-4f2a9c@ims.partner.example");
	assert_int_equal(cfg.n_impu, 2);
	assert_string_equal(cfg.impu[0], "sip:in-4f2a9c@ims.partner.example");
	assert_string_equal(cfg.impu[1], "tel:+4930123456");
	assert_string_equal(cfg.home_domain, "ims.partner.example");
	assert_int_equal(cfg.n_pcscf, 2);
	assert_string_equal(cfg.pcscf[0].uri, "sip:198.51.100.1:5060");
	assert_int_equal(cfg.pcscf[0].transport, PCFG_TRANSPORT_UDP);
	assert_int_equal(cfg.pcscf[1].transport, PCFG_TRANSPORT_ANY);
	assert_int_equal(cfg.n_conn, 2);
	assert_string_equal(cfg.con_ref[PCFG_SVC_MCPTT], "partner-mcptt");
	assert_string_equal(cfg.con_ref[PCFG_SVC_COMMON_CORE], "partner-ims");
	assert_string_equal(cfg.con_ref[PCFG_SVC_MC_ID], "");
	/* <App-Server-Info>: the IdMS (MC ID, once for its two endpoints) and <cms>. */
	assert_int_equal(cfg.n_server, 2);
	assert_string_equal(cfg.server[0].host, "idms.partner.example");
	assert_int_equal(cfg.server[0].service, PCFG_SVC_MC_ID);
	assert_string_equal(cfg.server[1].host, "cms.partner.example");
	assert_int_equal(cfg.server[1].service, PCFG_SVC_COMMON_CORE);
	/* TS 24.484 App-Server-Info: where the IdM client goes at the partner (issue 14). */
	assert_string_equal(cfg.idms_auth_endpoint, "https://idms.partner.example/auth");
	assert_string_equal(cfg.idms_token_endpoint, "https://idms.partner.example/token");
	c = partner_config_mcptt_conn(&cfg);
	assert_non_null(c);
	assert_string_equal(c->con_ref, "partner-mcptt");
	assert_string_equal(c->pdn.apn, "mcptt.partner.example");
	assert_int_equal(c->pdn.ip_type, MODEM_IP_V4);
	assert_int_equal(c->pdn.auth, MODEM_AUTH_CHAP);
	assert_string_equal(c->pdn.username, "u-4f2a9c");
	assert_string_equal(c->pdn.password, "s3cr&t");
	assert_int_equal(cfg.conn[0].pdn.ip_type, MODEM_IP_V4V6);
	assert_int_equal(cfg.conn[0].pdn.auth, MODEM_AUTH_NONE);
	assert_int_equal(cfg.source, PCFG_SOURCE_CMS);
	/* The TS 24.484 document is kept whole, namespace and all. */
	assert_non_null(cfg.ue_config);
	assert_non_null(memmem(cfg.ue_config, cfg.ue_config_len,
			       "xmlns=\"urn:3gpp:mcptt:mcpttUEinitConfig:1.0\"", 43));
	assert_non_null(memmem(cfg.ue_config, cfg.ue_config_len, "<T100>2</T100>", 14));
	assert_non_null(memmem(cfg.ue_config, cfg.ue_config_len,
			       "<cms>https://cms.partner.example</cms>", 38));
	assert_null(memmem(cfg.ue_config, cfg.ue_config_len, "partner-system-id", 17));
	/* The kept document parses again to the same struct (the store relies on it). */
	{
		struct partner_config again;

		assert_int_equal(cmc_xml_parse_answer(cfg.doc, cfg.doc_len, PCFG_SOURCE_STATIC,
						      &again, err, sizeof(err)),
				 0);
		assert_string_equal(again.impi, cfg.impi);
		assert_int_equal(again.ue_config_len, cfg.ue_config_len);
		assert_memory_equal(again.ue_config, cfg.ue_config, cfg.ue_config_len);
		assert_int_equal(again.source, PCFG_SOURCE_STATIC);
		partner_config_clear(&again);
	}
	partner_config_clear(&cfg);
	assert_null(cfg.doc);
	assert_int_equal(cfg.conn[1].pdn.password[0], 0);
}

static void test_missing_mandatory(void **state)
{
	static const struct {
		const char *from, *to, *named;
	} cases[] = {
		{ "<partner-system-id>urn:mcmig:system:partner-b</partner-system-id>", "",
		  "<partner-system-id>" },
		{ "<valid-until>2026-11-28T22:00:00Z</valid-until>", "", "<valid-until>" },
		{ "<impi>in-4f2a9c@ims.partner.example</impi>", "", "<impi>" },
		{ "<home-domain>ims.partner.example</home-domain>", "", "<home-domain>" },
		{ "<username>u-4f2a9c</username>", "", "<username>" },
		{ "<password>s3cr&amp;t</password>", "", "<password>" },
		{ "<apn>ims</apn>", "", "<apn>" },
		{ "<connectivity con-ref=\"partner-ims\">", "<connectivity>", "con-ref" },
		{ "<MCPTT-to-con-ref>partner-mcptt</MCPTT-to-con-ref>",
		  "<MCPTT-to-con-ref>nowhere</MCPTT-to-con-ref>", "'nowhere'" },
		{ "<mcptt-UE-initial-configuration xmlns=\"urn:3gpp:mcptt:mcpttUEinitConfig:1.0\"",
		  "<mcptt-UE-initial-configuration xmlns=\"urn:example:other\"",
		  "mcptt-UE-initial-configuration" },
	};
	char err[CMC_XML_ERRMSG_MAX];
	struct partner_config cfg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *doc = replace(good, cases[i].from, cases[i].to);

		err[0] = '\0';
		assert_int_equal(parse(doc, &cfg, err), -ENOMSG);
		if (!strstr(err, cases[i].named))
			fail_msg("case %zu: '%s' does not name %s", i, err, cases[i].named);
		assert_null(cfg.doc);
		free(doc);
	}
}

static void test_no_impu_no_conn(void **state)
{
	char err[CMC_XML_ERRMSG_MAX];
	struct partner_config cfg;
	char *a, *b;

	a = replace(good, "<impu>sip:in-4f2a9c@ims.partner.example</impu>", "");
	b = replace(a, "<impu>tel:+4930123456</impu>", "");
	assert_int_equal(parse(b, &cfg, err), -ENOMSG);
	assert_non_null(strstr(err, "<impu>"));
	free(a);
	free(b);
	a = replace(good, "<sip-identities>", "<x:sip-identities>");
	b = replace(a, "</sip-identities>", "</x:sip-identities>");
	assert_int_equal(parse(b, &cfg, err), -ENOMSG);
	assert_non_null(strstr(err, "<sip-identities>"));
	free(a);
	free(b);
}

static void test_bad_values(void **state)
{
	static const struct {
		const char *from, *to, *named;
	} cases[] = {
		{ "<ip-type>ipv4</ip-type>", "<ip-type>ipx</ip-type>", "ipx" },
		{ "<auth>chap</auth>", "<auth>eap</auth>", "eap" },
		{ "<selection>requested</selection>", "<selection>any</selection>", "any" },
		{ "2026-11-28T22:00:00Z", "tomorrow", "tomorrow" },
		{ "2026-11-28T22:00:00Z", "2026-02-30T22:00:00Z", "valid-until" },
		{ "<pcscf transport=\"udp\">", "<pcscf transport=\"sctp\">", "sctp" },
		{ "<impi>in-4f2a9c@ims.partner.example</impi>", "<impi>  </impi>", "<impi>" },
		{ "con-ref=\"partner-ims\"", "con-ref=\"partner-mcptt\"", "partner-mcptt" },
	};
	char err[CMC_XML_ERRMSG_MAX];
	struct partner_config cfg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *doc = replace(good, cases[i].from, cases[i].to);

		err[0] = '\0';
		assert_int_equal(parse(doc, &cfg, err), -EINVAL);
		if (!strstr(err, cases[i].named))
			fail_msg("case %zu: '%s' does not name %s", i, err, cases[i].named);
		free(doc);
	}
}

static void test_truncated(void **state)
{
	char err[CMC_XML_ERRMSG_MAX];
	struct partner_config cfg;
	size_t n;

	for (n = 0; n < good_len; n++) {
		int ret = cmc_xml_parse_answer((const uint8_t *)good, n, PCFG_SOURCE_CMS, &cfg, err,
					       sizeof(err));
		if (ret != -EBADMSG)
			fail_msg("prefix of %zu bytes: %d (%s)", n, ret, err);
	}
}

static void test_oversized(void **state)
{
	size_t n = CMC_XML_MAX_DOC + 1;
	char err[CMC_XML_ERRMSG_MAX];
	struct partner_config cfg;
	char *big = malloc(n + 1);
	const char *tail = "</partner-connection>";

	assert_non_null(big);
	/* A well-formed document padded with a comment to one byte over the limit. */
	memcpy(big, good, good_len);
	memcpy(big + good_len - strlen(tail), "<!--", 4);
	memset(big + good_len - strlen(tail) + 4, 'x', n - good_len - 7);
	memcpy(big + n - strlen(tail) - 3, "-->", 3);
	memcpy(big + n - strlen(tail), tail, strlen(tail) + 1);
	assert_int_equal(strlen(big), n);
	assert_int_equal(cmc_xml_parse_answer((const uint8_t *)big, n, PCFG_SOURCE_CMS, &cfg, err,
					      sizeof(err)),
			 -EMSGSIZE);
	assert_non_null(strstr(err, "limit"));
	/* One byte less is accepted: the limit is exactly 256 KiB. */
	memmove(big + n - strlen(tail) - 4, big + n - strlen(tail) - 3, strlen(tail) + 4);
	assert_int_equal(cmc_xml_parse_answer((const uint8_t *)big, n - 1, PCFG_SOURCE_CMS, &cfg,
					      err, sizeof(err)),
			 0);
	partner_config_clear(&cfg);
	free(big);
}

static void test_hostile(void **state)
{
	static const char *const docs[] = {
		/* billion laughs */
		"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
		"<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
		"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
		"<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]>"
		"<partner-connection xmlns=\"urn:mcmig:partner:1.0\">"
		"<partner-system-id>&lol4;</partner-system-id></partner-connection>",
		/* external entity */
		"<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
		"<partner-connection xmlns=\"urn:mcmig:partner:1.0\">"
		"<partner-system-id>&xxe;</partner-system-id></partner-connection>",
		/* external DTD over the network */
		"<?xml version=\"1.0\"?><!DOCTYPE partner-connection SYSTEM "
		"\"http://192.0.2.1/evil.dtd\"><partner-connection "
		"xmlns=\"urn:mcmig:partner:1.0\"/>",
	};
	char err[CMC_XML_ERRMSG_MAX];
	struct partner_config cfg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(docs); i++) {
		err[0] = '\0';
		assert_int_equal(parse(docs[i], &cfg, err), -EBADMSG);
		if (!strstr(err, "DTD"))
			fail_msg("case %zu: %s", i, err);
	}
}

static void test_deep_nesting(void **state)
{
	const size_t depth = 5000;
	char err[CMC_XML_ERRMSG_MAX];
	struct partner_config cfg;
	char *doc, *p;
	size_t i;

	doc = malloc(depth * 7 + 256);
	assert_non_null(doc);
	p = doc + sprintf(doc, "<partner-connection xmlns=\"urn:mcmig:partner:1.0\">");
	for (i = 0; i < depth; i++)
		p += sprintf(p, "<a>");
	for (i = 0; i < depth; i++)
		p += sprintf(p, "</a>");
	sprintf(p, "</partner-connection>");
	assert_int_equal(parse(doc, &cfg, err), -EBADMSG);
	assert_non_null(strstr(err, "not well-formed"));
	free(doc);
}

static void test_wrong_root(void **state)
{
	char err[CMC_XML_ERRMSG_MAX];
	struct partner_config cfg;

	assert_int_equal(parse("<partner-connection/>", &cfg, err), -EBADMSG);
	assert_non_null(strstr(err, "urn:mcmig:partner:1.0"));
	assert_int_equal(parse("<error xmlns=\"urn:mcmig:partner:1.0\"/>", &cfg, err), -EBADMSG);
	assert_non_null(strstr(err, "<error>"));
}

static void test_profile_and_static(void **state)
{
	struct partner_config cfgs[PCFG_PROFILE_MAX], one;
	char err[CMC_XML_ERRMSG_MAX];
	const char *body = strstr(good, "<partner-connection");
	char *second, *profile;
	size_t n;

	second = replace(body, "urn:mcmig:system:partner-b", "urn:mcmig:system:partner-c");
	profile = malloc(strlen(body) + strlen(second) + 256);
	assert_non_null(profile);
	sprintf(profile,
		"<mcptt-user-profile xmlns=\"urn:example:profile\"><ProfileName>p</ProfileName>"
		"<MigratablePartners>%s%s</MigratablePartners></mcptt-user-profile>",
		body, second);
	assert_int_equal(cmc_xml_parse_profile((const uint8_t *)profile, strlen(profile),
					       PCFG_SOURCE_PROFILE, cfgs, PCFG_PROFILE_MAX, &n, err,
					       sizeof(err)),
			 0);
	assert_int_equal(n, 2);
	assert_string_equal(cfgs[0].partner_id, "urn:mcmig:system:partner-b");
	assert_string_equal(cfgs[1].partner_id, "urn:mcmig:system:partner-c");
	assert_int_equal(cfgs[1].source, PCFG_SOURCE_PROFILE);
	/* The same element from the CMS gives the same struct but for its source. */
	assert_int_equal(parse(good, &one, err), 0);
	assert_string_equal(one.impi, cfgs[0].impi);
	assert_int_equal(one.valid_until, cfgs[0].valid_until);
	assert_memory_equal(one.conn, cfgs[0].conn, sizeof(one.conn));
	assert_int_equal(one.ue_config_len, cfgs[0].ue_config_len);
	partner_config_clear(&one);
	partner_config_clear(&cfgs[0]);
	partner_config_clear(&cfgs[1]);
	/* Capacity is enforced, and a profile without any entry says so. */
	assert_int_equal(cmc_xml_parse_profile((const uint8_t *)profile, strlen(profile),
					       PCFG_SOURCE_PROFILE, cfgs, 1, &n, err, sizeof(err)),
			 -E2BIG);
	assert_int_equal(n, 0);
	assert_int_equal(cmc_xml_parse_profile((const uint8_t *)"<p/>", 4, PCFG_SOURCE_STATIC, cfgs,
					       2, &n, err, sizeof(err)),
			 -ENOENT);
	/* The static file: a bare <partner-connection> document. */
	assert_int_equal(cmc_xml_parse_profile((const uint8_t *)good, good_len, PCFG_SOURCE_STATIC,
					       cfgs, 2, &n, err, sizeof(err)),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(cfgs[0].source, PCFG_SOURCE_STATIC);
	partner_config_clear(&cfgs[0]);
	free(second);
	free(profile);
}

static void test_error_doc(void **state)
{
	static const char doc[] = "<error xmlns=\"urn:mcmig:partner:1.0\"><code>not-authorised"
				  "</code><text>user alice may not migrate</text></error>";
	char code[CMC_XML_CODE_MAX], text[128];

	assert_int_equal(cmc_xml_parse_error((const uint8_t *)doc, strlen(doc), code, text,
					     sizeof(text)),
			 0);
	assert_string_equal(code, "not-authorised");
	assert_string_equal(text, "user alice may not migrate");
	assert_int_equal(
		cmc_xml_parse_error((const uint8_t *)"<error xmlns=\"urn:mcmig:partner:1.0\"/>", 38,
				    code, text, sizeof(text)),
		-ENOMSG);
	assert_int_equal(cmc_xml_parse_error((const uint8_t *)"<html>", 6, code, text,
					     sizeof(text)),
			 -EBADMSG);
}

static void test_request(void **state)
{
	struct modem_serving s = {
		.reg = MODEM_REG_ROAMING,
		.mcc = "999",
		.mnc = "99",
		.has_tac = true,
		.tac = 150,
		.has_cell_id = true,
		.cell_id = 26796033,
	};
	struct cmc_request req = {
		.mc_service_id = "sip:alice&bob@mcptt.primary.example",
		.serving = &s,
		.requested_partner = "urn:mcmig:system:partner-b",
	};
	char *out;
	size_t len;

	assert_int_equal(cmc_xml_build_request(&req, &out, &len), 0);
	assert_int_equal(strlen(out), len);
	assert_non_null(
		strstr(out, "<partner-connection-request xmlns=\"urn:mcmig:partner:1.0\">"));
	assert_non_null(strstr(
		out, "<mc-service-id>sip:alice&amp;bob@mcptt.primary.example</mc-service-id>"));
	assert_non_null(strstr(out, "<plmn mcc=\"999\" mnc=\"99\"/>"));
	assert_non_null(strstr(out, "<tac>150</tac>"));
	assert_non_null(strstr(out, "<cell-id>26796033</cell-id>"));
	assert_non_null(
		strstr(out, "<requested-partner>urn:mcmig:system:partner-b</requested-partner>"));
	free(out);
	req.serving = NULL;
	req.requested_partner = NULL;
	assert_int_equal(cmc_xml_build_request(&req, &out, &len), 0);
	assert_null(strstr(out, "plmn"));
	assert_null(strstr(out, "requested-partner"));
	free(out);
	req.mc_service_id = NULL;
	assert_int_equal(cmc_xml_build_request(&req, &out, &len), -EINVAL);
}

static void test_time(void **state)
{
	time_t t;

	assert_int_equal(cmc_xml_parse_time("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(cmc_xml_parse_time("1970-01-01T01:00:00.123+01:00", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(cmc_xml_parse_time("1970-01-01T00:00:00-00:30", &t), 0);
	assert_int_equal(t, 1800);
	assert_int_equal(cmc_xml_parse_time("1970-01-01T00:00:00", &t), -EINVAL);
	assert_int_equal(cmc_xml_parse_time("1970-01-01T00:00:00Zjunk", &t), -EINVAL);
	assert_int_equal(cmc_xml_parse_time("1970-13-01T00:00:00Z", &t), -EINVAL);
	assert_int_equal(cmc_xml_parse_time("1970-1-01T00:00:00Z", &t), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_missing_mandatory),
		cmocka_unit_test(test_no_impu_no_conn),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_wrong_root),
		cmocka_unit_test(test_profile_and_static),
		cmocka_unit_test(test_error_doc),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_pdn_sets),
		cmocka_unit_test(test_uri_host),
	};
	int ret;

	good = test_data_read("partner-connection.xml", &good_len);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	free(good);
	return ret;
}
