// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmig.conf: the shipped sample parses; every malformed key is named; the
 * manual and the sample document exactly the keys the parser accepts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mcmigd-config.h"
#include "test-data.h"

static void test_sample(void **state)
{
	struct mcmigd_config *c = calloc(1, sizeof(*c));
	char err[256] = "";
	size_t len;
	char *data = test_data_read_path("agent/mcmig.conf.sample", &len);

	assert_int_equal(mcmigd_config_parse(data, len, c, err, sizeof(err)), 0);
	assert_string_equal(c->migrate.mc_service_id, "sip:alice@mcptt.primary.example");
	assert_string_equal(c->state_dir, "/var/lib/mcmig");
	assert_false(c->session_bus);
	assert_string_equal(c->cmc.url,
			    "https://cms.primary.example:8443/mcmig/v1/partner-connection");
	assert_string_equal(c->cmc.token_file, "/etc/mcmig/cms-token");
	/* [idm] (issue 14): the refresh token in the state directory by default. */
	assert_string_equal(c->idm.token_endpoint, "https://idms.primary.example/api/oidc/token");
	assert_string_equal(c->idm.scope, "openid mcptt");
	assert_false(c->idm_refresh_in_memory);
	assert_int_equal(c->migrate.timeout_ms[MIGRATE_T_USER_AUTH], 50000);
	assert_int_equal(c->cmc.max_attempts, 4);
	assert_true(mcmigd_config_has_modem(c));
	assert_string_equal(c->board, "");
	assert_string_equal(c->modem.backend, "qmi");
	assert_null(c->modem.proxy);
	assert_string_equal(c->modem.netdev, "wwan0");
	assert_int_equal(c->migrate.timeout_ms[MIGRATE_T_PDN], 60000);
	assert_int_equal(c->migrate.n_policy, 1);
	assert_string_equal(c->migrate.policy[0].mcc, "999");
	assert_string_equal(c->migrate.policy[0].mnc, "99");
	assert_int_equal(c->migrate.policy[0].tac_min, 100);
	assert_int_equal(c->migrate.policy[0].tac_max, 199);
	assert_false(c->migrate.policy[0].any_tac);
	assert_string_equal(c->migrate.policy[0].partner_id, "urn:mcmig:system:partner-b");
	assert_int_equal(c->primary.n_plmn, 1);
	assert_string_equal(c->primary.plmn[0].mnc, "01");
	assert_string_equal(c->primary.netdev, "");
	assert_false(c->primary_migrate);
	assert_true(c->primary_return);
	/* MC service authorisation is off until [service-auth] is there. */
	assert_false(c->svc_enabled);
	free(data);
	free(c);
}

#define IDM_BASE                                                               \
	"[idm]\nlogin-url=https://i/api/auth/\nauth-endpoint=https://i/auth\n" \
	"token-endpoint=https://i/token\nclient-id=ue\nredirect-uri=org.mcmig.agent:/cb\n"

static void test_errors(void **state)
{
	static const char base[] = "[agent]\nmc-service-id=sip:a@b\n[cmc]\nurl=https://x/\n"
				   "[modem]\nbackend=qmi\ndevice=/dev/cdc-wdm0\n";
	static const struct {
		const char *extra, *named;
	} cases[] = {
		{ "[cmc]\nmax-attempts=many\n", "[cmc] max-attempts: not a number ('many')" },
		{ "[cmc]\nmax-attempts=0\n", "[cmc] max-attempts: out of range ('0')" },
		{ "[cmc]\ntimeout-ms=-5\n", "[cmc] timeout-ms: not a number ('-5')" },
		{ "[cmc]\nurll=https://y/\n", "[cmc] urll: unknown key" },
		{ "[modem]\nbackend=at\n", "[modem] backend: not qmi, mbim or mm ('at')" },
		{ "[sip]\nforce-tcp=maybe\n", "[sip] force-tcp: not true or false ('maybe')" },
		{ "[agent]\nbus=user\n", "[agent] bus: not system or session ('user')" },
		{ "[policy p]\nplmn=99999\n", "[policy p] plmn: not MCC-MNC ('99999')" },
		{ "[policy p]\nplmn=999-99\ntac=9-1\n", "[policy p] tac: empty range" },
		{ "[policy p]\ntac=1\n", "[policy p] plmn: missing mandatory key" },
		{ "[weird]\nx=1\n", "[weird]: unknown group" },
		{ "[primary]\nplmn=001-01, 9999\n",
		  "[primary] plmn: not a list of MCC-MNC ('9999')" },
		{ "[primary]\nmigrate=true\n", "[primary] migrate: needs plmn or netdev to watch" },
		{ "[primary]\ngrace-ms=5\n", "[primary] grace-ms: out of range ('5')" },
		{ "[primary]\nreturn=later\n", "[primary] return: not true or false ('later')" },
		{ "[primary]\nwhen=now\n", "[primary] when: unknown key" },
		{ "[service-auth]\nmc-server-uri=mcptt.example\n",
		  "[service-auth] mc-server-uri: not a sip: URI ('mcptt.example')" },
		{ "[service-auth]\ntoken-file=/t\n",
		  "[service-auth] client-id: needed with token-file" },
		{ "[service-auth]\nexpires=30\n", "[service-auth] expires: out of range ('30')" },
		{ "[idm]\nscope=openid\n", "[idm] login-url: missing mandatory key" },
		{ IDM_BASE "refresh-token=disk\n",
		  "[idm] refresh-token: not file or memory ('disk')" },
		{ IDM_BASE "exchange-endpoint=http://i/x\n",
		  "[idm] exchange-endpoint: must start with https:// (TLS is not optional) "
		  "('http://i/x')" },
		{ "this is not a key file line\n", "not a key-value pair" },
	};
	struct mcmigd_config *c = calloc(1, sizeof(*c));
	char doc[512], err[256];
	size_t i;

	assert_int_equal(mcmigd_config_parse(base, strlen(base), c, err, sizeof(err)), 0);
	assert_string_equal(c->retired, "");
	assert_null(c->cmc.ca_file);
	/* No [idm]: no user authentication. */
	assert_null(c->idm.token_endpoint);
	snprintf(doc, sizeof(doc), "%s" IDM_BASE "refresh-token=memory\n", base);
	assert_int_equal(mcmigd_config_parse(doc, strlen(doc), c, err, sizeof(err)), 0);
	assert_true(c->idm_refresh_in_memory);
	assert_string_equal(c->idm.scope, "openid");
	assert_null(c->idm.exchange_endpoint);
	/* A key an older configuration may hold: accepted, without effect, named. */
	snprintf(doc, sizeof(doc), "%s[timers]\nauth-ms=10000\n", base);
	assert_int_equal(mcmigd_config_parse(doc, strlen(doc), c, err, sizeof(err)), 0);
	assert_string_equal(c->retired, "[timers] auth-ms: no longer used, the card's answer is "
					"bounded by [card] timeout-ms (twice it)");
	/* Step 25 on with the group, the MC server's PSI and a token source. */
	snprintf(doc, sizeof(doc),
		 "%s[service-auth]\nmc-server-uri=sip:mcptt@p.example\ntoken-file=/t\n"
		 "client-id=ue-1\nexpires=4294967295\n",
		 base);
	assert_int_equal(mcmigd_config_parse(doc, strlen(doc), c, err, sizeof(err)), 0);
	assert_true(c->svc_enabled);
	assert_string_equal(c->migrate.mc_server_uri, "sip:mcptt@p.example");
	assert_string_equal(c->svc_token_file, "/t");
	assert_int_equal(c->migrate.svc_expires, 4294967295u);
	assert_int_equal(mcmigd_config_parse(base, strlen(base), c, err, sizeof(err)), 0);
	assert_false(c->svc_enabled);
	assert_null(c->migrate.mc_server_uri);
	assert_true(c->migrate.n_policy == 0);
	assert_false(c->primary_migrate);
	assert_true(c->primary_return);
	/* The trigger on both inputs, several PLMNs, the partner named. */
	snprintf(doc, sizeof(doc),
		 "%s[primary]\nplmn=001-01, 001-002\nnetdev=wwan0\ngrace-ms=1000\n"
		 "back-ms=2000\nmigrate=yes\nreturn=no\npartner=urn:p\n",
		 base);
	assert_int_equal(mcmigd_config_parse(doc, strlen(doc), c, err, sizeof(err)), 0);
	assert_int_equal(c->primary.n_plmn, 2);
	assert_string_equal(c->primary.plmn[1].mcc, "001");
	assert_string_equal(c->primary.plmn[1].mnc, "002");
	assert_string_equal(c->primary.netdev, "wwan0");
	assert_int_equal(c->primary.grace_ms, 1000);
	assert_int_equal(c->primary.back_ms, 2000);
	assert_true(c->primary_migrate);
	assert_false(c->primary_return);
	assert_string_equal(c->primary_partner, "urn:p");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(doc, sizeof(doc), "%s%s", base, cases[i].extra);
		err[0] = '\0';
		assert_int_equal(mcmigd_config_parse(doc, strlen(doc), c, err, sizeof(err)),
				 -EINVAL);
		if (!strstr(err, cases[i].named))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].named);
	}
	/* Without [modem], the modem comes from board data; half a [modem] is an error. */
	snprintf(doc, sizeof(doc),
		 "[agent]\nmc-service-id=sip:a@b\nboard=bench\n"
		 "[cmc]\nurl=https://x/\n");
	assert_int_equal(mcmigd_config_parse(doc, strlen(doc), c, err, sizeof(err)), 0);
	assert_false(mcmigd_config_has_modem(c));
	assert_string_equal(c->board, "bench");
	strcat(doc, "[modem]\nbackend=mbim\n");
	assert_int_equal(mcmigd_config_parse(doc, strlen(doc), c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[modem] device: backend and device go together"));
	/* Mandatory keys and TLS. */
	assert_int_equal(mcmigd_config_parse("[cmc]\nurl=https://x/\n", 20, c, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "[agent] mc-service-id: missing mandatory key");
	snprintf(doc, sizeof(doc), "[agent]\nmc-service-id=sip:a@b\n[cmc]\nurl=http://x/\n");
	assert_int_equal(mcmigd_config_parse(doc, strlen(doc), c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[cmc] url: must start with https://"));
	free(c);
}

/* One documented key: its group as in mcmigd_config_keys, and whether retired. */
struct doc_key {
	char group[64];
	char key[64];
	bool retired;
};

static const struct mcmigd_config_key *table_find(const char *group, const char *key)
{
	const struct mcmigd_config_key *k;

	for (k = mcmigd_config_keys; k->group; k++)
		if (strcmp(k->group, group) == 0 && strcmp(k->key, key) == 0)
			return k;
	return NULL;
}

static bool doc_has(const struct doc_key *keys, size_t n, const char *group, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(keys[i].group, group) == 0 && strcmp(keys[i].key, key) == 0)
			return true;
	return false;
}

/* Leading [a-z0-9-] characters of @s into @out; their count. */
static size_t key_word(const char *s, char *out, size_t size)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-");

	if (n && n < size) {
		memcpy(out, s, n);
		out[n] = '\0';
		return n;
	}
	return 0;
}

/*
 * The manual's entries: "*key*=..." lines under "## [group]" headings
 * (agent/man/mcmig.conf.5.scd says so at its top).
 */
static size_t manual_keys(const char *text, struct doc_key *out, size_t max)
{
	char group[64] = "";
	const char *line, *end;
	size_t n = 0, len;

	for (line = text; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (strncmp(line, "## [", 4) == 0) {
			len = (size_t)(strchrnul(line, ']') - line) - 4;
			assert_true(len < sizeof(group));
			memcpy(group, line + 4, len);
			group[len] = '\0';
			continue;
		}
		if (line[0] != '*')
			continue;
		assert_true(n < max);
		len = key_word(line + 1, out[n].key, sizeof(out[n].key));
		if (!len || strncmp(line + 1 + len, "*=", 2) != 0)
			continue;
		if (!group[0])
			fail_msg("manual: %s outside a [group] heading", out[n].key);
		strcpy(out[n].group, group);
		out[n].retired = memmem(line, (size_t)(end - line), "(retired)", 9) != NULL;
		n++;
	}
	return n;
}

/*
 * The sample's keys, set or commented out ("#key=example"), in groups set or
 * commented out ("#[group]": one that turns a step on).
 */
static size_t sample_keys(const char *text, struct doc_key *out, size_t max)
{
	char group[64] = "";
	const char *line, *end, *g;
	size_t n = 0, len;

	for (line = text; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		g = line[0] == '#' && line[1] == '[' ? line + 1 : line;
		if (g[0] == '[') {
			len = (size_t)(strchrnul(g, ']') - g) - 1;
			assert_true(len < sizeof(group));
			memcpy(group, g + 1, len);
			group[len] = '\0';
			if (strncmp(group, "policy ", 7) == 0)
				strcpy(group, MCMIGD_CONFIG_POLICY);
			continue;
		}
		assert_true(n < max);
		len = key_word(line + (line[0] == '#'), out[n].key, sizeof(out[n].key));
		if (!len || line[(line[0] == '#') + len] != '=')
			continue;
		strcpy(out[n].group, group);
		n++;
	}
	return n;
}

static void test_documented(void **state)
{
	static struct doc_key man[256], sample[256];
	const struct mcmigd_config_key *k, *t;
	size_t n_man, n_sample, i, len;
	char *text;

	text = test_data_read_path("agent/man/mcmig.conf.5.scd", &len);
	n_man = manual_keys(text, man, 256);
	free(text);
	text = test_data_read_path("agent/mcmig.conf.sample", &len);
	n_sample = sample_keys(text, sample, 256);
	free(text);
	for (k = mcmigd_config_keys; k->group; k++) {
		if (!doc_has(man, n_man, k->group, k->key))
			fail_msg("[%s] %s: accepted by the parser, not in mcmig.conf(5)", k->group,
				 k->key);
		if (!k->retired && !doc_has(sample, n_sample, k->group, k->key))
			fail_msg("[%s] %s: accepted by the parser, not in mcmig.conf.sample",
				 k->group, k->key);
	}
	for (i = 0; i < n_man; i++) {
		t = table_find(man[i].group, man[i].key);
		if (!t)
			fail_msg("[%s] %s: in mcmig.conf(5), unknown to the parser", man[i].group,
				 man[i].key);
		else if (!t->retired != !man[i].retired)
			fail_msg("[%s] %s: retired in one of mcmig.conf(5) and the parser only",
				 man[i].group, man[i].key);
	}
	for (i = 0; i < n_sample; i++) {
		t = table_find(sample[i].group, sample[i].key);
		if (!t || t->retired)
			fail_msg("[%s] %s: in mcmig.conf.sample, not a key the parser uses",
				 sample[i].group, sample[i].key);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
