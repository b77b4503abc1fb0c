// SPDX-License-Identifier: GPL-2.0-or-later
/* mcmig-cms configuration, token lookup (step 1), partner selection (step 3), step 8 checks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "cms-config.h"

static char *sha256_hex(const char *s)
{
	return g_compute_checksum_for_string(G_CHECKSUM_SHA256, s, -1);
}

static char *primary_config(void)
{
	char *a = sha256_hex("alice-token"), *b = sha256_hex("bob-token"), *c = sha256_hex("carol");
	char *cfg = g_strdup_printf(
		"[server]\nrole=primary\nsystem-id=urn:mcmig:system:primary\n"
		"listen=192.0.2.1\nport=8443\ncertificate=s.crt\nkey=s.key\nca=/ca.crt\n"
		"[client]\ncertificate=c.crt\nkey=c.key\n"
		"[sipdb]\nbackend=sh\nidentifier=hss.primary.example\n"
		"[user sip:alice@mcptt.primary.example]\ntoken-sha256=%s\n"
		"impi=alice@ims.primary.example\nimpu=sip:alice@ims.primary.example\n"
		"migration=true\npartners=urn:p:a;urn:p:b;\n"
		"[user sip:bob@mcptt.primary.example]\ntoken-sha256=%s\nimpi=bob@x\nimpu=sip:bob@x\n"
		"migration=false\npartners=urn:p:a\n"
		"[user sip:carol@mcptt.primary.example]\ntoken-sha256=%s\nimpi=carol@x\n"
		"impu=sip:carol@x\nmigration=true\npartners=urn:p:b\n"
		"[partner urn:p:a]\nurl=https://cms.a.example:9443\nserves=999-99:100-199;999-98\n"
		"[partner urn:p:b]\nurl=https://cms.b.example:9443\nserves=999-99:150;998-001\n"
		"[partner urn:p:c]\nurl=https://cms.c.example:9443\nserves=001-01\n",
		a, b, c);

	g_free(a);
	g_free(b);
	g_free(c);
	return cfg;
}

static struct cms_config *load_ok(const char *text)
{
	struct cms_config *cfg = NULL;
	char *why = NULL;

	if (cms_config_load_data(text, strlen(text), "/etc/cms", &cfg, &why))
		fail_msg("config refused: %s", why);
	return cfg;
}

static void expect_refused(const char *text, const char *cause)
{
	struct cms_config *cfg = NULL;
	char *why = NULL;

	assert_int_equal(cms_config_load_data(text, strlen(text), "/etc/cms", &cfg, &why), -EINVAL);
	assert_null(cfg);
	if (!why || !strstr(why, cause))
		fail_msg("'%s' does not name '%s'", why, cause);
	g_free(why);
}

static void test_primary_config(void **state)
{
	char *text = primary_config();
	struct cms_config *cfg = load_ok(text);

	assert_int_equal(cfg->role, CMS_ROLE_PRIMARY);
	assert_int_equal(cfg->port, 8443);
	assert_string_equal(cfg->certificate, "/etc/cms/s.crt");
	assert_string_equal(cfg->ca, "/ca.crt");
	assert_int_equal(cfg->max_body, 16384);
	assert_int_equal(cfg->n_users, 3);
	assert_int_equal(cfg->n_partners, 3);
	assert_string_equal(cfg->users[0].partners[1], "urn:p:b");
	assert_null(cfg->users[0].partners[2]);
	assert_true(cfg->users[0].outbound_identities);
	assert_false(cfg->users[1].migration);
	assert_int_equal(cfg->partners[0].n_ranges, 2);
	cms_config_free(cfg);
	g_free(text);
}

static void test_config_refusals(void **state)
{
	char *text = primary_config();
	GString *s;

	expect_refused("[server\n", "");
	expect_refused("[server]\nrole=both\n", "role must be primary or partner");
#define MUTATE(from, to, cause)                                        \
	do {                                                           \
		s = g_string_new(text);                                \
		assert_int_equal(g_string_replace(s, from, to, 1), 1); \
		expect_refused(s->str, cause);                         \
		g_string_free(s, TRUE);                                \
	} while (0)
	MUTATE("port=8443", "port=70000", "[server] port must be");
	MUTATE("port=8443", "port=x", "[server] port must be");
	MUTATE("port=8443\n", "", "[server] port is missing");
	MUTATE("certificate=s.crt\n", "", "[server] certificate is missing");
	MUTATE("migration=false", "migration=maybe", "migration must be true or false");
	MUTATE("serves=999-99:100-199", "serves=99-99", "'99-99' is not MCC-MNC");
	MUTATE("serves=999-99:100-199", "serves=999-99:200-100", "is not MCC-MNC");
	MUTATE("partners=urn:p:a\n", "partners=urn:p:z\n", "no [partner urn:p:z]");
	MUTATE("url=https://cms.a.example:9443", "url=http://cms.a.example", "url must be https");
	MUTATE("identifier=hss.primary.example\n", "", "[sipdb] identifier is missing");
	MUTATE("impi=bob@x\n", "", "impi is missing");
#undef MUTATE
	s = g_string_new(text);
	g_string_replace(s, "token-sha256=", "token-sha256=ab", 1);
	expect_refused(s->str, "64 hex digits");
	g_string_free(s, TRUE);
	g_free(text);
}

static void test_token_lookup(void **state)
{
	char *text = primary_config();
	struct cms_config *cfg = load_ok(text);
	const struct cms_user *u;

	u = cms_user_by_token(cfg, "alice-token", 11);
	assert_non_null(u);
	assert_string_equal(u->mc_service_id, "sip:alice@mcptt.primary.example");
	u = cms_user_by_token(cfg, "bob-token", 9);
	assert_string_equal(u->impi, "bob@x");
	assert_null(cms_user_by_token(cfg, "alice-toke", 10));
	assert_null(cms_user_by_token(cfg, "alice-token ", 12));
	assert_null(cms_user_by_token(cfg, "", 0));
	cms_config_free(cfg);
	g_free(text);
}

static void test_range_parse(void **state)
{
	struct cms_serve_range r;

	assert_int_equal(cms_range_parse("999-99:100-199", &r), 0);
	assert_string_equal(r.mcc, "999");
	assert_string_equal(r.mnc, "99");
	assert_false(r.any_tac);
	assert_int_equal(r.tac_lo, 100);
	assert_int_equal(r.tac_hi, 199);
	assert_int_equal(cms_range_parse("001-001", &r), 0);
	assert_true(r.any_tac);
	assert_string_equal(r.mnc, "001");
	assert_int_equal(cms_range_parse("001-01:7", &r), 0);
	assert_int_equal(r.tac_lo, 7);
	assert_int_equal(r.tac_hi, 7);
	assert_int_equal(cms_range_parse("001-01:", &r), -EINVAL);
	assert_int_equal(cms_range_parse("001-01:5-", &r), -EINVAL);
	assert_int_equal(cms_range_parse("001-01:1-2-3", &r), -EINVAL);
	assert_int_equal(cms_range_parse("001-01:16777216", &r), -EINVAL);
	assert_int_equal(cms_range_parse("0a1-01", &r), -EINVAL);
	assert_int_equal(cms_range_parse("001-1", &r), -EINVAL);
	assert_int_equal(cms_range_parse("001-0001", &r), -EINVAL);
	assert_int_equal(cms_range_parse("00101", &r), -EINVAL);
	assert_int_equal(cms_range_parse("001-01-1", &r), -EINVAL);
}

static struct cms_location loc(const char *mcc, const char *mnc, int tac)
{
	struct cms_location l = { 0 };

	strcpy(l.mcc, mcc);
	strcpy(l.mnc, mnc);
	if (tac >= 0) {
		l.has_tac = true;
		l.tac = (uint32_t)tac;
	}
	return l;
}

static void expect_select(const struct cms_config *cfg, int user, struct cms_location l,
			  const char *requested, const char *want, enum cms_selection how)
{
	const struct cms_partner *p = NULL;
	enum cms_selection got;
	enum cms_error e;

	e = cms_select_partner(cfg, &cfg->users[user], &l, requested, &p, &got);
	if (!want) {
		assert_int_equal(e, CMS_ERR_NO_PARTNER);
		return;
	}
	assert_int_equal(e, CMS_OK);
	assert_string_equal(p->system_id, want);
	assert_int_equal(got, how);
}

static void test_select(void **state)
{
	char *text = primary_config();
	struct cms_config *cfg = load_ok(text);

	/* Automatic: first agreed partner serving the location, in configuration order. */
	expect_select(cfg, 0, loc("999", "99", 150), NULL, "urn:p:a", CMS_SELECTION_LOCATION);
	expect_select(cfg, 0, loc("999", "99", 199), NULL, "urn:p:a", CMS_SELECTION_LOCATION);
	expect_select(cfg, 0, loc("999", "99", 200), NULL, NULL, 0);
	expect_select(cfg, 0, loc("999", "99", 99), NULL, NULL, 0);
	expect_select(cfg, 0, loc("999", "98", -1), NULL, "urn:p:a", CMS_SELECTION_LOCATION);
	expect_select(cfg, 0, loc("998", "001", -1), NULL, "urn:p:b", CMS_SELECTION_LOCATION);
	/* MNC 01 is not MNC 001. */
	expect_select(cfg, 0, loc("998", "01", -1), NULL, NULL, 0);
	/* A TAC-bounded range needs a TAC. */
	expect_select(cfg, 0, loc("999", "99", -1), NULL, NULL, 0);
	/* Requested with an agreement wins over location. */
	expect_select(cfg, 0, loc("999", "99", 150), "urn:p:b", "urn:p:b", CMS_SELECTION_REQUESTED);
	expect_select(cfg, 0, loc("001", "01", -1), "urn:p:b", "urn:p:b", CMS_SELECTION_REQUESTED);
	/* Requested without agreement (c) or unknown: automatic by location. */
	expect_select(cfg, 0, loc("999", "99", 150), "urn:p:c", "urn:p:a", CMS_SELECTION_LOCATION);
	expect_select(cfg, 0, loc("001", "01", -1), "urn:p:c", NULL, 0);
	expect_select(cfg, 0, loc("999", "99", 150), "urn:p:zz", "urn:p:a", CMS_SELECTION_LOCATION);
	/* Carol's only agreement is b. */
	expect_select(cfg, 2, loc("999", "99", 120), NULL, NULL, 0);
	expect_select(cfg, 2, loc("999", "99", 150), NULL, "urn:p:b", CMS_SELECTION_LOCATION);
	cms_config_free(cfg);
	g_free(text);
}

struct partner_fixture {
	char *dir;
	char *text;
};

static const char partner_cfg[] =
	"[server]\nrole=partner\nsystem-id=urn:mcmig:system:partner\nlisten=203.0.113.2\n"
	"port=9443\ncertificate=s.crt\nkey=s.key\nca=ca.crt\n"
	"[sipdb]\nbackend=sh\n"
	"[primary-system urn:mcmig:system:primary]\n"
	"certificate-sha256=00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
	"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff\n"
	"sip-databases=hss.primary.example\nusers=sip:alice@mcptt.primary.example\n"
	"[primary-system urn:mcmig:system:other]\nsubject=CN=cms.other.example\n"
	"sip-databases=hss.other.example\nusers=*\n"
	"[offer]\nhome-domain=ims.partner.example\nvalidity=600\n"
	"pcscf=udp:sip:198.51.100.1:5060;tcp:sip:198.51.100.1:5060;any:sip:pcscf.partner.example\n"
	"connectivity=partner-mcptt;partner-internet\n"
	"initial-ue-configuration=init.xml\n"
	"[connectivity partner-mcptt]\napn=mcptt.partner.example\nip-type=ipv4\nauth=chap\n"
	"username=generate\n"
	"[connectivity partner-internet]\napn=internet\nip-type=ipv4v6\nauth=pap\n"
	"username=guest\npassword=guest-secret\n";

static const char init_xml[] =
	"<mcptt-UE-initial-configuration xmlns=\"urn:3gpp:mcptt:mcpttUEinitConfig:1.0\">"
	"<MCPTT-to-con-ref>partner-mcptt</MCPTT-to-con-ref>"
	"<MC-ID-to-con-ref>partner-internet</MC-ID-to-con-ref>"
	"</mcptt-UE-initial-configuration>";

static int partner_setup(void **state)
{
	struct partner_fixture *f = g_new0(struct partner_fixture, 1);
	char *p;

	f->dir = g_dir_make_tmp("cms-config-XXXXXX", NULL);
	assert_non_null(f->dir);
	p = g_build_filename(f->dir, "init.xml", NULL);
	assert_true(g_file_set_contents(p, init_xml, -1, NULL));
	g_free(p);
	*state = f;
	return 0;
}

static int partner_teardown(void **state)
{
	struct partner_fixture *f = *state;
	char *p = g_build_filename(f->dir, "init.xml", NULL);

	g_unlink(p);
	g_free(p);
	g_rmdir(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

static void test_partner_config(void **state)
{
	struct partner_fixture *f = *state;
	const struct cms_primary_system *ps;
	struct cms_config *cfg = NULL;
	uint8_t fp[CMS_SHA256_LEN];
	char *why = NULL;
	size_t i;

	if (cms_config_load_data(partner_cfg, strlen(partner_cfg), f->dir, &cfg, &why))
		fail_msg("%s", why);
	assert_int_equal(cfg->role, CMS_ROLE_PARTNER);
	assert_int_equal(cfg->offer.validity, 600);
	assert_int_equal(cfg->offer.n_pcscf, 3);
	assert_string_equal(cfg->offer.pcscf[1].transport, "tcp");
	assert_string_equal(cfg->offer.pcscf[1].uri, "sip:198.51.100.1:5060");
	/* "any": no transport attribute, the UE chooses (RFC 3263). */
	assert_null(cfg->offer.pcscf[2].transport);
	assert_string_equal(cfg->offer.pcscf[2].uri, "sip:pcscf.partner.example");
	assert_int_equal(cfg->offer.n_conn, 2);
	assert_int_equal(cfg->offer.conn[0].auth, CMS_AUTH_CHAP);
	assert_null(cfg->offer.conn[0].username);
	assert_null(cfg->offer.conn[0].password);
	assert_string_equal(cfg->offer.conn[1].password, "guest-secret");
	assert_non_null(strstr(cfg->offer.initial_config, "partner-internet"));

	for (i = 0; i < sizeof(fp); i++)
		fp[i] = (uint8_t)((i % 16) * 0x11);
	ps = cms_primary_by_certificate(cfg, fp, "CN=cms.primary.example");
	assert_non_null(ps);
	assert_string_equal(ps->system_id, "urn:mcmig:system:primary");
	assert_true(cms_primary_allows_user(ps, "sip:alice@mcptt.primary.example"));
	assert_false(cms_primary_allows_user(ps, "sip:bob@mcptt.primary.example"));
	assert_true(cms_primary_allows_sip_database(ps, "hss.primary.example"));
	assert_false(cms_primary_allows_sip_database(ps, "hss.other.example"));
	fp[31] ^= 1;
	ps = cms_primary_by_certificate(cfg, fp, "CN=cms.primary.example");
	assert_null(ps);
	ps = cms_primary_by_certificate(cfg, fp, "CN=cms.other.example");
	assert_non_null(ps);
	assert_string_equal(ps->system_id, "urn:mcmig:system:other");
	assert_true(cms_primary_allows_user(ps, "sip:anyone@x"));
	assert_null(cms_primary_by_certificate(cfg, NULL, NULL));
	cms_config_free(cfg);
}

static void test_partner_refusals(void **state)
{
	struct partner_fixture *f = *state;
	static const struct {
		const char *from, *to, *cause;
	} cases[] = {
		{ "connectivity=partner-mcptt;partner-internet", "connectivity=partner-mcptt",
		  "MC-ID-to-con-ref 'partner-internet' names no connectivity set" },
		{ "connectivity=partner-mcptt;", "connectivity=nothing;",
		  "no [connectivity nothing]" },
		{ "ip-type=ipv4\n", "ip-type=ip4\n", "ip-type must be" },
		{ "auth=pap", "auth=eap", "auth must be" },
		{ "init.xml", "missing.xml", "missing.xml" },
		{ "pcscf=udp:sip:", "pcscf=sip:", "is not TRANSPORT:sip:URI" },
		{ "subject=CN=cms.other.example\n", "", "needs certificate-sha256 or subject" },
		{ "users=*\n", "", "needs sip-databases and users" },
		{ "home-domain=ims.partner.example\n", "", "home-domain is missing" },
	};
	struct cms_config *cfg = NULL;
	char *why;
	GString *s;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		s = g_string_new(partner_cfg);
		assert_int_equal(g_string_replace(s, cases[i].from, cases[i].to, 1), 1);
		why = NULL;
		assert_int_equal(cms_config_load_data(s->str, s->len, f->dir, &cfg, &why), -EINVAL);
		if (!why || !strstr(why, cases[i].cause))
			fail_msg("case %zu: '%s' does not name '%s'", i, why, cases[i].cause);
		g_free(why);
		g_string_free(s, TRUE);
	}
}

static const char static_xml[] =
	"<partner-static-configuration xmlns=\"urn:mcmig:cms:1.0\">"
	"<validity-seconds>7200</validity-seconds>"
	"<sip-identities><home-domain>ims.s.example</home-domain></sip-identities>"
	"<connectivity con-ref=\"s\"><apn>s.example</apn><ip-type>ipv4</ip-type></connectivity>"
	"<initial-ue-configuration><mcptt-UE-initial-configuration "
	"xmlns=\"urn:3gpp:mcptt:mcpttUEinitConfig:1.0\"><MCPTT-to-con-ref>s</MCPTT-to-con-ref>"
	"</mcptt-UE-initial-configuration></initial-ue-configuration>"
	"</partner-static-configuration>";

/* NOTE 2: a partner held statically at the primary, chosen like any other. */
static void test_static_partner(void **state)
{
	struct partner_fixture *f = *state;
	char *text = primary_config(), *p, *why = NULL;
	struct cms_config *cfg = NULL;
	GString *s = g_string_new(text);

	p = g_build_filename(f->dir, "static.xml", NULL);
	assert_true(g_file_set_contents(p, static_xml, -1, NULL));
	g_string_replace(s, "[partner urn:p:c]\nurl=https://cms.c.example:9443\n",
			 "[partner urn:p:c]\nstatic-configuration=static.xml\n", 1);
	g_string_replace(s, "partners=urn:p:a;urn:p:b;", "partners=urn:p:a;urn:p:b;urn:p:c", 1);
	if (cms_config_load_data(s->str, s->len, f->dir, &cfg, &why))
		fail_msg("%s", why);
	assert_null(cfg->partners[2].url);
	assert_non_null(cfg->partners[2].static_conf);
	assert_string_equal(cfg->partners[2].static_conf->partner_system_id, "urn:p:c");
	assert_int_equal(cfg->partners[2].static_conf->validity, 7200);
	expect_select(cfg, 0, loc("001", "01", -1), NULL, "urn:p:c", CMS_SELECTION_STATIC);
	expect_select(cfg, 0, loc("999", "99", 150), "urn:p:c", "urn:p:c", CMS_SELECTION_STATIC);
	cms_config_free(cfg);

	/* A broken static file is refused at load, naming the file and the cause. */
	assert_true(g_file_set_contents(p, "<partner-static-configuration/>", -1, NULL));
	assert_int_equal(cms_config_load_data(s->str, s->len, f->dir, &cfg, &why), -EINVAL);
	if (!strstr(why, "static-configuration") || !strstr(why, "urn:mcmig:cms:1.0"))
		fail_msg("'%s'", why);
	g_free(why);
	g_unlink(p);
	g_free(p);
	g_string_free(s, TRUE);
	g_free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_primary_config),
		cmocka_unit_test(test_config_refusals),
		cmocka_unit_test(test_token_lookup),
		cmocka_unit_test(test_range_parse),
		cmocka_unit_test(test_select),
		cmocka_unit_test_setup_teardown(test_partner_config, partner_setup,
						partner_teardown),
		cmocka_unit_test_setup_teardown(test_partner_refusals, partner_setup,
						partner_teardown),
		cmocka_unit_test_setup_teardown(test_static_partner, partner_setup,
						partner_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
