// SPDX-License-Identifier: GPL-2.0-or-later
/* mcmig.conf: the shipped sample parses; every malformed key is named. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
	free(data);
	free(c);
}

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
		{ "this is not a key file line\n", "not a key-value pair" },
	};
	struct mcmigd_config *c = calloc(1, sizeof(*c));
	char doc[512], err[256];
	size_t i;

	assert_int_equal(mcmigd_config_parse(base, strlen(base), c, err, sizeof(err)), 0);
	assert_string_equal(c->retired, "");
	assert_null(c->cmc.ca_file);
	/* A key an older configuration may hold: accepted, without effect, named. */
	snprintf(doc, sizeof(doc), "%s[timers]\nauth-ms=10000\n", base);
	assert_int_equal(mcmigd_config_parse(doc, strlen(doc), c, err, sizeof(err)), 0);
	assert_string_equal(c->retired, "[timers] auth-ms: no longer used, the card's answer is "
					"bounded by [card] timeout-ms (twice it)");
	assert_int_equal(mcmigd_config_parse(base, strlen(base), c, err, sizeof(err)), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
