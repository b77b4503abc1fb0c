// SPDX-License-Identifier: GPL-2.0-or-later
/* mcmig-cms XML codecs: both interfaces, every rejection names its cause. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <glib.h>

#include "cms-xml.h"

static const char ue_request[] =
	"<?xml version=\"1.0\"?>\n"
	"<partner-connection-request xmlns=\"urn:mcmig:partner:1.0\">\n"
	"  <mc-service-id> sip:alice@mcptt.primary.example </mc-service-id>\n"
	"  <location>\n"
	"    <plmn mcc=\"999\" mnc=\"99\"/>\n"
	"    <tac>150</tac>\n"
	"    <cell-id>26796033</cell-id>\n"
	"    <coordinates lat=\"52.52\" lon=\"-13.40\"/>\n"
	"    <future-extension>ignored</future-extension>\n"
	"  </location>\n"
	"  <requested-partner>urn:mcmig:system:partner</requested-partner>\n"
	"</partner-connection-request>\n";

static const char access_answer[] =
	"<partner-access xmlns=\"urn:mcmig:cms:1.0\">"
	"<partner-system-id>urn:mcmig:system:partner</partner-system-id>"
	"<valid-until>2026-11-28T22:00:00Z</valid-until>"
	"<sip-identities><impi>in-1@ims.partner.example</impi>"
	"<impu>sip:in-1@ims.partner.example</impu>"
	"<home-domain>ims.partner.example</home-domain></sip-identities>"
	"<pcscf transport=\"udp\">sip:198.51.100.1:5060</pcscf>"
	"<connectivity con-ref=\"partner-mcptt\"><apn>mcptt.partner.example</apn>"
	"<ip-type>ipv4</ip-type><auth>chap</auth><username>u-1</username>"
	"<password>s3cr&amp;t</password></connectivity>"
	"<initial-ue-configuration>"
	"<i:mcptt-UE-initial-configuration xmlns:i=\"urn:3gpp:mcptt:mcpttUEinitConfig:1.0\" "
	"domain=\"mcptt.partner.example\"><i:on-network><i:HPLMN PLMN=\"99999\"><i:service>"
	"<i:MCPTT-to-con-ref>partner-mcptt</i:MCPTT-to-con-ref></i:service></i:HPLMN>"
	"</i:on-network></i:mcptt-UE-initial-configuration>"
	"</initial-ue-configuration></partner-access>";

static void test_ue_request_ok(void **state)
{
	struct cms_ue_request r;
	char *why = NULL;

	assert_int_equal(cms_xml_parse_ue_request(ue_request, strlen(ue_request), &r, &why), 0);
	assert_string_equal(r.mc_service_id, "sip:alice@mcptt.primary.example");
	assert_string_equal(r.location.mcc, "999");
	assert_string_equal(r.location.mnc, "99");
	assert_true(r.location.has_tac);
	assert_int_equal(r.location.tac, 150);
	assert_true(r.location.has_cell_id);
	assert_int_equal(r.location.cell_id, 26796033);
	assert_true(r.location.has_coordinates);
	assert_true(r.location.lon < -13.39 && r.location.lon > -13.41);
	assert_string_equal(r.requested_partner, "urn:mcmig:system:partner");
	cms_ue_request_clear(&r);
}

static void expect_ue_reject(const char *doc, const char *cause)
{
	struct cms_ue_request r;
	char *why = NULL;

	assert_int_equal(cms_xml_parse_ue_request(doc, strlen(doc), &r, &why), -EBADMSG);
	assert_non_null(why);
	if (!strstr(why, cause))
		fail_msg("'%s' does not name '%s'", why, cause);
	g_free(why);
}

#define REQ(body)                                                           \
	"<partner-connection-request xmlns=\"urn:mcmig:partner:1.0\">" body \
	"</partner-connection-request>"
#define ID "<mc-service-id>sip:a@b</mc-service-id>"

static void test_ue_request_rejects(void **state)
{
	expect_ue_reject("", "empty");
	expect_ue_reject("<partner-connection-request", "malformed XML");
	expect_ue_reject("<partner-connection-request/>", "namespace urn:mcmig:partner:1.0");
	expect_ue_reject("<x xmlns=\"urn:mcmig:partner:1.0\"/>", "<partner-connection-request>");
	expect_ue_reject(REQ("<location><plmn mcc=\"001\" mnc=\"01\"/></location>"),
			 "<mc-service-id> is missing");
	expect_ue_reject(REQ("<mc-service-id> </mc-service-id>"), "<mc-service-id> is empty");
	expect_ue_reject(REQ(ID), "<location> is missing");
	expect_ue_reject(REQ(ID "<location/>"), "<plmn> is missing");
	expect_ue_reject(REQ(ID "<location><plmn mcc=\"001\"/></location>"), "mnc");
	expect_ue_reject(REQ(ID "<location><plmn mcc=\"01\" mnc=\"01\"/></location>"), "MCC");
	expect_ue_reject(REQ(ID "<location><plmn mcc=\"001\" mnc=\"0x1\"/></location>"), "MNC");
	expect_ue_reject(REQ(ID "<location><plmn mcc=\"001\" mnc=\"01\"/><tac>16777216</tac>"
				"</location>"),
			 "<tac> must be");
	expect_ue_reject(REQ(ID "<location><plmn mcc=\"001\" mnc=\"01\"/><tac>-1</tac>"
				"</location>"),
			 "<tac> must be");
	expect_ue_reject(REQ(ID "<location><plmn mcc=\"001\" mnc=\"01\"/><cell-id>"
				"99999999999999999999</cell-id></location>"),
			 "<cell-id> must be");
	expect_ue_reject(REQ(ID "<location><plmn mcc=\"001\" mnc=\"01\"/><coordinates lat=\"91\" "
				"lon=\"0\"/></location>"),
			 "lat");
	expect_ue_reject(REQ(ID "<location><plmn mcc=\"001\" mnc=\"01\"/><coordinates lat=\"1\" "
				"lon=\"nan\"/></location>"),
			 "lon");
	expect_ue_reject(REQ(ID "<location><plmn mcc=\"001\" mnc=\"01\"/></location>"
				"<requested-partner></requested-partner>"),
			 "<requested-partner> is empty");
	expect_ue_reject(REQ("<mc-service-id>sip:a&#1;b</mc-service-id>"), "malformed XML");
	expect_ue_reject(REQ("<mc-service-id>sip:a&#9;b</mc-service-id>"), "control character");
}

/* No DTD, hence no entity of any kind: the billion laughs never start. */
static void test_ue_request_no_dtd(void **state)
{
	expect_ue_reject("<!DOCTYPE r [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>" REQ(
				 "<mc-service-id>&b;</mc-service-id>"),
			 "document type declarations");
	expect_ue_reject("<!DOCTYPE r SYSTEM \"http://198.51.100.7/x.dtd\">" REQ(ID),
			 "document type declarations");
	expect_ue_reject(REQ("<mc-service-id>&undeclared;</mc-service-id>"), "malformed XML");
}

/* Every truncation of a valid request is refused, never half-read. */
static void test_ue_request_truncations(void **state)
{
	size_t len = strlen(ue_request), cut;
	struct cms_ue_request r;
	char *why;

	/* The trailing newline is the only byte whose loss keeps the document whole. */
	for (cut = 0; cut < len - 1; cut++) {
		why = NULL;
		if (cms_xml_parse_ue_request(ue_request, cut, &r, &why) != -EBADMSG)
			fail_msg("truncation to %zu bytes accepted", cut);
		assert_non_null(why);
		g_free(why);
	}
}

static void test_connection_roundtrip(void **state)
{
	struct cms_connection c, d;
	char *why = NULL, *doc;
	size_t len;

	assert_int_equal(cms_xml_parse_connection(access_answer, strlen(access_answer), CMS_NS_CMS,
						  "partner-access", 0, &c, &why),
			 0);
	assert_string_equal(c.partner_system_id, "urn:mcmig:system:partner");
	assert_int_equal(c.valid_until, 1795903200);
	assert_string_equal(c.impi, "in-1@ims.partner.example");
	assert_int_equal(c.n_impu, 1);
	assert_string_equal(c.home_domain, "ims.partner.example");
	assert_int_equal(c.n_pcscf, 1);
	assert_string_equal(c.pcscf[0].transport, "udp");
	assert_int_equal(c.n_conn, 1);
	assert_int_equal(c.conn[0].auth, CMS_AUTH_CHAP);
	assert_string_equal(c.conn[0].password, "s3cr&t");
	/* The embedded document keeps its own namespace once lifted out. */
	assert_non_null(strstr(c.initial_config, "urn:3gpp:mcptt:mcpttUEinitConfig:1.0"));

	c.selection = CMS_SELECTION_REQUESTED;
	doc = cms_xml_build_connection(&c, CMS_NS_UE, "partner-connection", CMS_XML_SELECTION,
				       &len);
	assert_non_null(doc);
	assert_int_equal(len, strlen(doc));
	assert_int_equal(cms_xml_parse_connection(doc, len, CMS_NS_UE, "partner-connection",
						  CMS_XML_SELECTION, &d, &why),
			 0);
	assert_int_equal(d.selection, CMS_SELECTION_REQUESTED);
	assert_string_equal(d.impu[0], "sip:in-1@ims.partner.example");
	assert_string_equal(d.conn[0].username, "u-1");
	assert_string_equal(d.conn[0].password, "s3cr&t");
	assert_int_equal(d.valid_until, c.valid_until);
	assert_non_null(strstr(d.initial_config, "partner-mcptt"));
	g_free(doc);
	cms_connection_clear(&d);
	cms_connection_clear(&c);
}

static void expect_conn_reject(const char *from, const char *to, const char *cause)
{
	GString *s = g_string_new(access_answer);
	struct cms_connection c;
	char *why = NULL;

	assert_true(g_string_replace(s, from, to, 1) == 1);
	assert_int_equal(cms_xml_parse_connection(s->str, s->len, CMS_NS_CMS, "partner-access", 0,
						  &c, &why),
			 -EBADMSG);
	if (!why || !strstr(why, cause))
		fail_msg("'%s' does not name '%s'", why, cause);
	g_free(why);
	g_string_free(s, TRUE);
}

static void test_connection_rejects(void **state)
{
	expect_conn_reject("<partner-system-id>urn:mcmig:system:partner</partner-system-id>", "",
			   "<partner-system-id> is missing");
	expect_conn_reject("2026-11-28T22:00:00Z", "tomorrow", "<valid-until>");
	expect_conn_reject("<impi>in-1@ims.partner.example</impi>", "", "<impi> is missing");
	expect_conn_reject("<impu>sip:in-1@ims.partner.example</impu>", "", "no <impu>");
	expect_conn_reject("<home-domain>ims.partner.example</home-domain>", "",
			   "<home-domain> is missing");
	expect_conn_reject("<ip-type>ipv4</ip-type>", "<ip-type>ipx</ip-type>", "ip-type 'ipx'");
	expect_conn_reject("<auth>chap</auth>", "<auth>eap</auth>", "auth 'eap'");
	expect_conn_reject("<password>s3cr&amp;t</password>", "", "with chap: <password>");
	expect_conn_reject("con-ref=\"partner-mcptt\"", "con-ref=\"other\"",
			   "MCPTT-to-con-ref 'partner-mcptt' names no connectivity set");
	expect_conn_reject("con-ref=\"partner-mcptt\"", "", "con-ref");
	expect_conn_reject(
		"i:mcptt-UE-initial-configuration xmlns:i=\"urn:3gpp:mcptt:mcpttUEinitConfig:1.0\"",
		"i:mcptt-UE-initial-configuration xmlns:i=\"urn:other\"", "TS 24.484");
}

static void test_static_file(void **state)
{
	static const char doc[] =
		"<partner-static-configuration xmlns=\"urn:mcmig:cms:1.0\">"
		"<validity-seconds>3600</validity-seconds>"
		"<sip-identities><home-domain>ims.partner.example</home-domain></sip-identities>"
		"<connectivity con-ref=\"partner-mcptt\"><apn>mcptt.partner.example</apn>"
		"<ip-type>ipv4v6</ip-type></connectivity>"
		"<initial-ue-configuration>"
		"<mcptt-UE-initial-configuration xmlns=\"urn:3gpp:mcptt:mcpttUEinitConfig:1.0\">"
		"<MCPTT-to-con-ref>partner-mcptt</MCPTT-to-con-ref>"
		"</mcptt-UE-initial-configuration></initial-ue-configuration>"
		"</partner-static-configuration>";
	struct cms_connection c;
	char *why = NULL;

	assert_int_equal(cms_xml_parse_connection(doc, strlen(doc), CMS_NS_CMS,
						  "partner-static-configuration", CMS_XML_STATIC,
						  &c, &why),
			 0);
	assert_int_equal(c.validity, 3600);
	assert_null(c.impi);
	assert_int_equal(c.conn[0].ip_type, CMS_IP_V4V6);
	assert_int_equal(c.conn[0].auth, CMS_AUTH_NONE);
	cms_connection_clear(&c);
	/* The same document is not a dynamic answer. */
	assert_int_equal(cms_xml_parse_connection(doc, strlen(doc), CMS_NS_CMS,
						  "partner-static-configuration", 0, &c, &why),
			 -EBADMSG);
	g_free(why);
}

static void test_access_request_roundtrip(void **state)
{
	char id[] = "sip:alice@mcptt.primary.example", sys[] = "urn:mcmig:system:primary",
	     db[] = "hss.primary.example", impi[] = "out-1<&>@ims.primary.example",
	     impu[] = "sip:out-1@ims.primary.example";
	struct cms_access_request q = {
		.mc_service_id = id,
		.primary_system_id = sys,
		.sip_database = db,
		.impi = impi,
		.impu = impu,
	};
	struct cms_access_request r;
	char *doc, *why = NULL;
	size_t len, cut;

	doc = cms_xml_build_access_request(&q, &len);
	assert_non_null(doc);
	assert_int_equal(cms_xml_parse_access_request(doc, len, &r, &why), 0);
	assert_string_equal(r.impi, q.impi);
	assert_string_equal(r.sip_database, q.sip_database);
	assert_string_equal(r.primary_system_id, q.primary_system_id);
	cms_access_request_clear(&r);
	for (cut = 0; cut + 1 < len; cut++) {
		why = NULL;
		if (cms_xml_parse_access_request(doc, cut, &r, &why) != -EBADMSG)
			fail_msg("truncation to %zu bytes accepted", cut);
		g_free(why);
	}
	g_free(doc);
}

static void test_error_roundtrip(void **state)
{
	char *doc, *code = NULL, *text = NULL;
	size_t len;

	doc = cms_xml_build_error(CMS_NS_UE, CMS_ERR_PARTNER_REFUSED, "no <agreement>", &len);
	assert_non_null(doc);
	assert_int_equal(cms_xml_parse_error(doc, len, CMS_NS_UE, &code, &text), 0);
	assert_string_equal(code, "partner-refused");
	assert_string_equal(text, "no <agreement>");
	assert_int_equal(cms_error_from_code(code), CMS_ERR_PARTNER_REFUSED);
	assert_int_equal(cms_error_http_status(CMS_ERR_PARTNER_REFUSED), 403);
	assert_int_equal(cms_error_http_status(CMS_ERR_TOO_LARGE), 413);
	assert_int_equal(cms_error_http_status(CMS_ERR_PARTNER_UNREACHABLE), 502);
	assert_int_equal(cms_error_from_code("nonsense"), -1);
	g_free(code);
	g_free(text);
	/* Wrong namespace: not our error document. */
	assert_int_equal(cms_xml_parse_error(doc, len, CMS_NS_CMS, &code, &text), -EBADMSG);
	g_free(doc);
}

static void test_time(void **state)
{
	char out[32];
	int64_t t;

	assert_int_equal(cms_time_parse("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(cms_time_parse("2026-11-28T22:00:00Z", &t), 0);
	cms_time_format(t, out);
	assert_string_equal(out, "2026-11-28T22:00:00Z");
	assert_int_equal(cms_time_parse("2026-11-28T22:00:00+01:00", &t), -EINVAL);
	assert_int_equal(cms_time_parse("2026-11-28 22:00:00Z", &t), -EINVAL);
	assert_int_equal(cms_time_parse("2026-11-28T22:00:00", &t), -EINVAL);
	assert_int_equal(cms_time_parse(NULL, &t), -EINVAL);
	/* Found by fuzzing: formatted back as "26-11-28T22:00:00Z", which nobody reads. */
	assert_int_equal(cms_time_parse("0026-11-28T22:00:00Z", &t), -EINVAL);
	assert_int_equal(cms_time_parse("1969-12-31T23:59:59Z", &t), -EINVAL);
	assert_int_equal(cms_time_parse("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
}

static void test_revoke(void **state)
{
	static const char doc[] = "<revoke xmlns=\"urn:mcmig:cms:1.0\">"
				  "<mc-service-id>sip:alice@mcptt.primary.example</mc-service-id>"
				  "</revoke>";
	static const char partner[] = "<revoke xmlns=\"urn:mcmig:cms:1.0\">"
				      "<partner-system-id>urn:mcmig:system:partner"
				      "</partner-system-id></revoke>";
	static const char both[] = "<revoke xmlns=\"urn:mcmig:cms:1.0\">"
				   "<mc-service-id>sip:a@b</mc-service-id>"
				   "<partner-system-id>urn:x</partner-system-id></revoke>";
	static const char neither[] = "<revoke xmlns=\"urn:mcmig:cms:1.0\"/>";
	char *id = NULL, *pid = NULL, *why = NULL;

	assert_int_equal(cms_xml_parse_revoke(doc, strlen(doc), &id, &pid, &why), 0);
	assert_string_equal(id, "sip:alice@mcptt.primary.example");
	assert_null(pid);
	g_free(id);
	assert_int_equal(cms_xml_parse_revoke(partner, strlen(partner), &id, &pid, &why), 0);
	assert_null(id);
	assert_string_equal(pid, "urn:mcmig:system:partner");
	g_free(pid);
	assert_int_equal(cms_xml_parse_revoke(both, strlen(both), &id, &pid, &why), -EBADMSG);
	assert_non_null(strstr(why, "exactly one of <mc-service-id>"));
	assert_null(id);
	assert_null(pid);
	g_free(why);
	assert_int_equal(cms_xml_parse_revoke(neither, strlen(neither), &id, &pid, &why), -EBADMSG);
	g_free(why);
	assert_int_equal(cms_xml_parse_revoke(doc, 20, &id, &pid, &why), -EBADMSG);
	g_free(why);
}

/* 6.Y.3 CMS-to-CMS: one user, or the whole agreement; what the primary
 * builds the partner parses back, and malformed documents name the fault. */
static void test_partner_revoke(void **state)
{
	const struct cms_revoke_request one = {
		.primary_system_id = (char *)"urn:mcmig:system:primary",
		.mc_service_id = (char *)"sip:alice@mcptt.primary.example",
		.sip_database = (char *)"hss.primary.example",
		.impi = (char *)"mig-1@ims.primary.example",
		.impu = (char *)"sip:mig-1@ims.primary.example",
	};
	const struct cms_revoke_request all = {
		.primary_system_id = (char *)"urn:mcmig:system:primary",
		.all_users = true,
	};
	static const struct {
		const char *doc;
		const char *why;
	} bad[] = {
		{ "<partner-revoke xmlns=\"urn:mcmig:cms:1.0\"><all-users/></partner-revoke>",
		  "<primary-system-id> is missing" },
		{ "<partner-revoke xmlns=\"urn:mcmig:cms:1.0\"><primary-system-id>urn:p"
		  "</primary-system-id></partner-revoke>",
		  "exactly one of <user> and <all-users/>" },
		{ "<partner-revoke xmlns=\"urn:mcmig:cms:1.0\"><primary-system-id>urn:p"
		  "</primary-system-id><all-users/><user/></partner-revoke>",
		  "exactly one of <user> and <all-users/>" },
		{ "<partner-revoke xmlns=\"urn:mcmig:cms:1.0\"><primary-system-id>urn:p"
		  "</primary-system-id><user><mc-service-id>sip:a@b</mc-service-id>"
		  "<sip-database>hss.p</sip-database><impi>m@p</impi></user></partner-revoke>",
		  "<impu> is missing" },
		{ "<revoke xmlns=\"urn:mcmig:cms:1.0\"><all-users/></revoke>", "partner-revoke" },
	};
	struct cms_revoke_request r;
	char *doc, *why = NULL;
	size_t len, i;

	doc = cms_xml_build_partner_revoke(&one, &len);
	assert_non_null(doc);
	assert_int_equal(cms_xml_parse_partner_revoke(doc, len, &r, &why), 0);
	assert_false(r.all_users);
	assert_string_equal(r.primary_system_id, one.primary_system_id);
	assert_string_equal(r.mc_service_id, one.mc_service_id);
	assert_string_equal(r.sip_database, one.sip_database);
	assert_string_equal(r.impi, one.impi);
	assert_string_equal(r.impu, one.impu);
	cms_revoke_request_clear(&r);
	g_free(doc);
	doc = cms_xml_build_partner_revoke(&all, &len);
	assert_non_null(doc);
	assert_int_equal(cms_xml_parse_partner_revoke(doc, len, &r, &why), 0);
	assert_true(r.all_users);
	assert_null(r.impi);
	cms_revoke_request_clear(&r);
	g_free(doc);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(cms_xml_parse_partner_revoke(bad[i].doc, strlen(bad[i].doc), &r,
							      &why),
				 -EBADMSG);
		if (!why || !strstr(why, bad[i].why)) {
			print_error("case %zu: '%s' lacks '%s'\n", i, why ? why : "", bad[i].why);
			fail();
		}
		g_free(why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ue_request_ok),
		cmocka_unit_test(test_ue_request_rejects),
		cmocka_unit_test(test_ue_request_no_dtd),
		cmocka_unit_test(test_ue_request_truncations),
		cmocka_unit_test(test_connection_roundtrip),
		cmocka_unit_test(test_connection_rejects),
		cmocka_unit_test(test_static_file),
		cmocka_unit_test(test_access_request_roundtrip),
		cmocka_unit_test(test_error_roundtrip),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_revoke),
		cmocka_unit_test(test_partner_revoke),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
