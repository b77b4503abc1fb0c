// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bench SIP database model (tests/bench/sipdb/sdb.c) and the Sh-Data codec
 * (shdata.c): configuration and state parsing, malformed input, identity
 * pools, bindings.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/bench/sipdb/sdb.h"
#include "tests/bench/sipdb/shdata.h"

static const char primary_conf[] =
	"# bench primary\n"
	"role primary\n"
	"identity hss.primary.example\n"
	"realm primary.example\n"
	"listen 127.0.0.1\n"
	"listen 203.0.113.1   # towards the partner\n"
	"state /run/x/primary.state\n"
	"peer cms.primary.example\n"
	"peer hss.partner.example 203.0.113.2 3868\n"
	"pool sequential mig- ims.primary.example 7 2\n"
	"subscriber alice@ims.primary.example sip:alice@ims.primary.example "
	"k=465b5ce8b199b49faa5f0a2ee238a6bc opc=cd63cb71954a9f4e48a5994e37a02baf "
	"amf=8000 sqn=41\n"
	"subscriber bob@ims.primary.example sip:bob@ims.primary.example "
	"k=6d636d69672d62656e63682d6b2d3031 op=6d636d69672d62656e63682d6f703031 "
	"amf=3030 rand=6d636d69672d62656e63682d72616e64 ind_bits=3 ind=7\n";

static const char partner_conf[] = "role partner\n"
				   "identity hss.partner.example\n"
				   "realm partner.example\n"
				   "listen 127.0.0.1\n"
				   "state /run/x/partner.state\n"
				   "proxy-timeout 2500\n"
				   "sync-state no\n"
				   "server-name sip:scscf.partner.example:5060\n"
				   "application-server sip:127.0.0.5:5070\n"
				   "primary hss.primary.example primary.example\n"
				   "primary hss.other.example other.example\n"
				   "pool random in- ims.partner.example\n";

/* NOTE 5: two primaries behind one partner, routed by identity realm. */
static const char routed_conf[] = "role partner\n"
				  "identity hss.partner.example\n"
				  "realm partner.example\n"
				  "listen 127.0.0.1\n"
				  "state /run/x/partner.state\n"
				  "primary hss.primary.example primary.example\n"
				  "primary hss.primary2.example primary2.example\n"
				  "route ims.primary.example primary.example\n"
				  "route primary2.example primary2.example\n"
				  "route special.primary2.example primary.example\n";

static void parse_ok(struct sdb *db, const char *text)
{
	char err[256] = "";

	if (sdb_conf_parse(db, text, strlen(text), err, sizeof(err))) {
		print_error("unexpected: %s\n", err);
		fail();
	}
}

static void test_conf_primary(void **state)
{
	static const uint8_t k[16] = { 0x46, 0x5b, 0x5c, 0xe8, 0xb1, 0x99, 0xb4, 0x9f,
				       0xaa, 0x5f, 0x0a, 0x2e, 0xe2, 0x38, 0xa6, 0xbc };
	struct sdb db;
	struct sdb_sub *s;

	parse_ok(&db, primary_conf);
	assert_int_equal(db.role, SDB_PRIMARY);
	assert_string_equal(db.identity, "hss.primary.example");
	assert_string_equal(db.realm, "primary.example");
	assert_int_equal(db.port, 3868);
	assert_int_equal(db.nlisten, 2);
	assert_string_equal(db.listen[1], "203.0.113.1");
	assert_int_equal(db.proxy_timeout_ms, 3000);
	assert_true(db.sync_state); /* the default: every rewrite fsynced */
	assert_false(sdb_sub_by_impi(&db, "alice@ims.primary.example")->fixed_rand);
	assert_string_equal(db.server_name, "sip:scscf.primary.example");
	assert_int_equal(db.npeers, 2);
	assert_string_equal(db.peers[0].addr, "");
	assert_string_equal(db.peers[1].addr, "203.0.113.2");
	assert_int_equal(db.peers[1].port, 3868);
	assert_true(sdb_peer_known(&db, "HSS.partner.example"));
	assert_false(sdb_peer_known(&db, "rogue.example"));
	assert_int_equal(db.pool, SDB_POOL_SEQUENTIAL);
	assert_int_equal(db.pool_first, 7);
	assert_int_equal(db.pool_count, 2);
	assert_int_equal(db.nsubs, 2);
	s = sdb_sub_by_impi(&db, "alice@ims.primary.example");
	assert_non_null(s);
	assert_memory_equal(s->k, k, 16);
	assert_false(s->opc_is_op);
	assert_int_equal(s->amf[0], 0x80);
	assert_int_equal(s->sqn, 41);
	/* TS 33.102 C.3.1 example / the bench card: 5 IND bits, IND 0. */
	assert_int_equal(s->ind_bits, 5);
	assert_int_equal(s->ind, 0);
	s = sdb_sub_by_impu(&db, "sip:bob@ims.primary.example");
	assert_non_null(s);
	assert_true(s->opc_is_op);
	assert_memory_equal(s->k, "mcmig-bench-k-01", 16);
	assert_memory_equal(s->opc, "mcmig-bench-op01", 16);
	assert_memory_equal(s->amf, "00", 2);
	assert_true(s->fixed_rand);
	assert_memory_equal(s->rand, "mcmig-bench-rand", 16);
	assert_int_equal(s->sqn, 0);
	assert_int_equal(s->ind_bits, 3);
	assert_int_equal(s->ind, 7);
	sdb_free(&db);
}

static void test_conf_partner(void **state)
{
	struct sdb db;

	parse_ok(&db, partner_conf);
	assert_false(db.sync_state);
	assert_int_equal(db.role, SDB_PARTNER);
	assert_int_equal(db.proxy_timeout_ms, 2500);
	assert_string_equal(db.server_name, "sip:scscf.partner.example:5060");
	assert_string_equal(db.app_server, "sip:127.0.0.5:5070");
	assert_non_null(sdb_primary_find(&db, "hss.primary.example"));
	assert_string_equal(sdb_primary_find(&db, "hss.other.example")->realm, "other.example");
	assert_null(sdb_primary_find(&db, "hss.rogue.example"));
	assert_int_equal(db.pool, SDB_POOL_RANDOM);
	sdb_free(&db);
}

/* Each malformed line, appended to a valid configuration, is rejected with
 * an error naming the line and what was wrong. */
static void test_conf_malformed(void **state)
{
	static const struct {
		const char *line;
		const char *err;
	} cases[] = {
		{ "bogus 1\n", "line 2: unknown keyword 'bogus'" },
		{ "role secondary\n", "line 2: role is primary or partner" },
		{ "port 0\n", "line 2: bad port" },
		{ "port 65536\n", "line 2: bad port" },
		{ "port -1\n", "line 2: bad port" },
		{ "listen 300.1.1.1\n", "line 2: bad listen address" },
		{ "listen ::1\n", "line 2: bad listen address" },
		{ "state relative/path\n", "line 2: state needs an absolute" },
		{ "proxy-timeout 50\n", "line 2: proxy-timeout is" },
		{ "proxy-timeout 3s\n", "line 2: proxy-timeout is" },
		{ "akav2-password maybe\n", "line 2: akav2-password is" },
		{ "sync-state often\n", "line 2: sync-state is" },
		{ "application-server mcptt.example\n", "line 2: bad application-server" },
		{ "realm a b\n", "line 2: 'realm' takes one value" },
		{ "peer\n", "line 2: peer needs" },
		{ "peer x.example 1.2.3\n", "line 2: bad peer address" },
		{ "peer x.example 1.2.3.4 99999\n", "line 2: bad peer port" },
		{ "pool sequential a ims.example 1\n", "line 2: pool needs" },
		{ "pool sequential a ims.example 1 0\n", "line 2: bad pool COUNT" },
		{ "pool random a@b ims.example\n", "line 2: bad pool PREFIX" },
		{ "pool lottery a b\n", "line 2: pool needs" },
		{ "subscriber a@x sip:a@x\n", "line 2: subscriber needs" },
		{ "subscriber a@x sip:a@x k=00 opc=00 amf=00\n",
		  "line 2: subscriber field 4 is malformed" },
		{ "subscriber a@x sip:a@x k=465b5ce8b199b49faa5f0a2ee238a6bc "
		  "opc=cd63cb71954a9f4e48a5994e37a02baf\n",
		  "line 2: subscriber needs k=" },
		{ "subscriber a@x sip:a@x k=465b5ce8b199b49faa5f0a2ee238a6bz "
		  "opc=cd63cb71954a9f4e48a5994e37a02baf amf=8000\n",
		  "line 2: subscriber field 4 is malformed" },
		{ "subscriber a@x sip:a@x k=465b5ce8b199b49faa5f0a2ee238a6bc "
		  "k=465b5ce8b199b49faa5f0a2ee238a6bc amf=8000\n",
		  "line 2: subscriber field 5 is malformed" },
		{ "subscriber a@x sip:a@x k=465b5ce8b199b49faa5f0a2ee238a6bc "
		  "opc=cd63cb71954a9f4e48a5994e37a02baf amf=8000 "
		  "sqn=281474976710656\n",
		  "line 2: subscriber field 7 is malformed" },
		{ "subscriber a@x sip:a@x k=465b5ce8b199b49faa5f0a2ee238a6bc "
		  "opc=cd63cb71954a9f4e48a5994e37a02baf amf=8000 rand=00\n",
		  "line 2: subscriber field 7 is malformed" },
		{ "subscriber a@x sip:a@x k=465b5ce8b199b49faa5f0a2ee238a6bc "
		  "opc=cd63cb71954a9f4e48a5994e37a02baf amf=8000 ind_bits=29\n",
		  "line 2: subscriber field 7 is malformed" },
		{ "subscriber a@x sip:a@x k=465b5ce8b199b49faa5f0a2ee238a6bc "
		  "opc=cd63cb71954a9f4e48a5994e37a02baf amf=8000 ind_bits=2 ind_bits=3\n",
		  "line 2: subscriber field 8 is malformed" },
		{ "subscriber a@x sip:a@x k=465b5ce8b199b49faa5f0a2ee238a6bc "
		  "opc=cd63cb71954a9f4e48a5994e37a02baf amf=8000 ind=-1\n",
		  "line 2: subscriber field 7 is malformed" },
		{ "subscriber a@x sip:a@x k=465b5ce8b199b49faa5f0a2ee238a6bc "
		  "opc=cd63cb71954a9f4e48a5994e37a02baf amf=8000 ind_bits=2 ind=4\n",
		  "line 2: subscriber ind= does not fit in ind_bits=" },
		{ "subscriber a@x sip:a@x k=465b5ce8b199b49faa5f0a2ee238a6bc "
		  "opc=cd63cb71954a9f4e48a5994e37a02baf amf=8000 ind=32\n",
		  "line 2: subscriber ind= does not fit in ind_bits=" },
		{ "route ims.example\n", "line 2: route needs DOMAIN REALM" },
		{ "route a@ims.example example\n", "line 2: route needs DOMAIN REALM" },
		{ "a b c d e f g h i j k l m\n", "line 2: too many fields" },
	};
	static const char head[] = "role primary\n";
	static const char tail[] = "identity h.example\nrealm example\n"
				   "listen 127.0.0.1\nstate /s\n";
	char text[1024], err[256];
	struct sdb db;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "%s%s%s", head, cases[i].line, tail);
		err[0] = 0;
		assert_int_equal(sdb_conf_parse(&db, text, strlen(text), err, sizeof(err)),
				 -EINVAL);
		if (!strstr(err, cases[i].err)) {
			print_error("case %zu: '%s' lacks '%s'\n", i, err, cases[i].err);
			fail();
		}
		/* Key material never reaches an error message. */
		assert_null(strstr(err, "465b5ce8"));
		assert_null(db.subs);
	}
}

static void test_conf_incomplete(void **state)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
		{ "", "missing 'role'" },
		{ "role primary\nrealm r\nlisten 127.0.0.1\nstate /s\n", "missing 'identity'" },
		{ "role primary\nidentity h\nrealm r\nstate /s\n", "missing 'listen'" },
		{ "role primary\nidentity h\nrealm r\nlisten 127.0.0.1\n", "missing 'state'" },
		{ "role primary\nidentity h\nrealm r\nlisten 127.0.0.1\n"
		  "state /s\nprimary a b\n",
		  "belong in a partner" },
		{ "role primary\nidentity h\nrealm r\nlisten 127.0.0.1\n"
		  "state /s\nroute ims.x x\n",
		  "belong in a partner" },
		{ "role partner\nidentity h\nrealm r\nlisten 127.0.0.1\n"
		  "state /s\nprimary hss.x x\nroute ims.y y\n",
		  "route ims.y: realm 'y' is no primary's" },
		{ "role primary\nidentity h\nrealm r\nlisten 127.0.0.1\n"
		  "state /s\nsubscriber a@x sip:a@x "
		  "k=465b5ce8b199b49faa5f0a2ee238a6bc "
		  "opc=cd63cb71954a9f4e48a5994e37a02baf amf=8000\n"
		  "subscriber a@x sip:b@x k=465b5ce8b199b49faa5f0a2ee238a6bc "
		  "opc=cd63cb71954a9f4e48a5994e37a02baf amf=8000\n",
		  "line 7: duplicate subscriber 'a@x'" },
	};
	char err[256];
	struct sdb db;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = 0;
		assert_int_equal(sdb_conf_parse(&db, cases[i].text, strlen(cases[i].text), err,
						sizeof(err)),
				 -EINVAL);
		if (!strstr(err, cases[i].err)) {
			print_error("case %zu: '%s' lacks '%s'\n", i, err, cases[i].err);
			fail();
		}
	}
}

static void test_conf_bytes(void **state)
{
	char text[4096], err[256];
	struct sdb db;

	/* A NUL byte inside a line. */
	memcpy(text, "role primary\nident\0ty h\n", 25);
	assert_int_equal(sdb_conf_parse(&db, text, 25, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 2: NUL byte");
	/* An over-long line. */
	memset(text, 'a', sizeof(text));
	assert_int_equal(sdb_conf_parse(&db, text, sizeof(text), err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 1: line too long");
	/* Identities with control characters are refused. */
	strcpy(text, "identity h\x01.example\n");
	assert_int_equal(sdb_conf_parse(&db, text, strlen(text), err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 1: bad identity");
}

static void test_pool_sequential(void **state)
{
	struct sdb_binding *b, *again;
	struct sdb db;

	parse_ok(&db, primary_conf);
	assert_int_equal(sdb_bind(&db, "alice@ims.primary.example", "sip:alice@ims.primary.example",
				  NULL, NULL, &b),
			 0);
	assert_string_equal(b->impi, "mig-7@ims.primary.example");
	assert_string_equal(b->impu, "sip:mig-7@ims.primary.example");
	assert_string_equal(b->user_impi, "alice@ims.primary.example");
	assert_string_equal(b->primary_host, "");
	/* Idempotent per user. */
	assert_int_equal(sdb_bind(&db, "alice@ims.primary.example", "sip:alice@ims.primary.example",
				  NULL, NULL, &again),
			 0);
	assert_string_equal(again->impi, "mig-7@ims.primary.example");
	assert_int_equal(db.nbindings, 1);
	assert_int_equal(sdb_bind(&db, "bob@ims.primary.example", "sip:bob@ims.primary.example",
				  NULL, NULL, &b),
			 0);
	assert_string_equal(b->impi, "mig-8@ims.primary.example");
	/* Two identities in the pool: the third user finds none. */
	assert_int_equal(sdb_bind(&db, "carol@ims.primary.example", "sip:carol@ims.primary.example",
				  NULL, NULL, &b),
			 -ENOSPC);
	assert_non_null(sdb_binding_by_impi(&db, "mig-8@ims.primary.example"));
	assert_non_null(sdb_binding_by_impu(&db, "sip:mig-7@ims.primary.example"));
	/* Revocation drops the binding but never frees the identity: the
	 * pool stays exhausted, for carol and for alice herself. */
	assert_int_equal(sdb_unbind(&db, "sip:alice@ims.primary.example", NULL), 0);
	assert_int_equal(sdb_unbind(&db, "sip:alice@ims.primary.example", NULL), -ENOENT);
	assert_null(sdb_binding_by_impi(&db, "mig-7@ims.primary.example"));
	assert_int_equal(sdb_bind(&db, "carol@ims.primary.example", "sip:carol@ims.primary.example",
				  NULL, NULL, &b),
			 -ENOSPC);
	assert_int_equal(sdb_bind(&db, "alice@ims.primary.example", "sip:alice@ims.primary.example",
				  NULL, NULL, &b),
			 -ENOSPC);
	assert_int_equal(db.pool_next, 2);
	assert_int_equal(sdb_bind(&db, "bad id", "sip:x", NULL, NULL, &b), -EINVAL);
	sdb_free(&db);
}

static int rng_calls;

/* Returns the same bytes twice (a collision), then different ones. */
static int fake_rng(void *buf, size_t len)
{
	memset(buf, rng_calls++ < 2 ? 0xab : 0x01, len);
	return 0;
}

static int failing_rng(void *buf, size_t len)
{
	return -EIO;
}

static void test_pool_random_partner(void **state)
{
	struct sdb_binding *b;
	struct sdb db;

	parse_ok(&db, partner_conf);
	rng_calls = 0;
	assert_int_equal(sdb_bind(&db, "mig-7@ims.primary.example", "sip:mig-7@ims.primary.example",
				  "hss.primary.example", fake_rng, &b),
			 0);
	assert_string_equal(b->impi, "in-abababababababab@ims.partner.example");
	assert_string_equal(b->primary_host, "hss.primary.example");
	/* Another primary's user with the same outbound identity: a separate
	 * binding; the repeated random value is retried. */
	assert_int_equal(sdb_bind(&db, "mig-7@ims.primary.example", "sip:mig-7@ims.primary.example",
				  "hss.other.example", fake_rng, &b),
			 0);
	assert_string_equal(b->impi, "in-0101010101010101@ims.partner.example");
	assert_int_equal(rng_calls, 3);
	assert_int_equal(db.nbindings, 2);
	assert_string_equal(sdb_binding_by_user(&db, "sip:mig-7@ims.primary.example",
						"HSS.primary.example")
				    ->impi,
			    "in-abababababababab@ims.partner.example");
	assert_int_equal(sdb_bind(&db, "x@y", "sip:x@y", "hss.primary.example", failing_rng, &b),
			 -EIO);
	sdb_free(&db);
}

static void test_state_roundtrip(void **state)
{
	struct sdb_binding *b;
	struct sdb db, db2;
	char err[256], *text;
	size_t len;

	parse_ok(&db, primary_conf);
	sdb_sub_by_impi(&db, "bob@ims.primary.example")->sqn = 281474976710655;
	assert_int_equal(sdb_bind(&db, "bob@ims.primary.example", "sip:bob@ims.primary.example",
				  NULL, NULL, &b),
			 0);
	assert_int_equal(sdb_state_format(&db, &text, &len), 0);
	assert_non_null(strstr(text, "sqn bob@ims.primary.example "
				     "281474976710655\n"));
	assert_non_null(strstr(text, "binding mig-7@ims.primary.example "
				     "sip:mig-7@ims.primary.example "
				     "bob@ims.primary.example "
				     "sip:bob@ims.primary.example\n"));
	parse_ok(&db2, primary_conf);
	assert_int_equal(sdb_state_parse(&db2, text, len, err, sizeof(err)), 0);
	assert_int_equal(sdb_sub_by_impi(&db2, "bob@ims.primary.example")->sqn, 281474976710655);
	assert_int_equal(sdb_sub_by_impi(&db2, "alice@ims.primary.example")->sqn, 41);
	assert_non_null(sdb_binding_by_impi(&db2, "mig-7@ims.primary.example"));
	free(text);
	sdb_free(&db2);
	sdb_free(&db);
}

static void test_route_realm(void **state)
{
	static const struct {
		const char *impi;
		const char *realm;
	} cases[] = {
		{ "mig-1@ims.primary.example", "primary.example" },
		{ "mig-1@IMS.Primary.Example", "primary.example" },
		/* A subdomain is covered; the longest route wins. */
		{ "mig-1@ims.primary2.example", "primary2.example" },
		{ "mig-1@primary2.example", "primary2.example" },
		{ "mig-1@x.special.primary2.example", "primary.example" },
		/* Not a subdomain, just the same ending. */
		{ "mig-1@badprimary2.example", NULL },
		{ "mig-1@primary.example", NULL },
		{ "no-realm", NULL },
		{ "a@b@ims.primary.example", "primary.example" },
	};
	struct sdb db;
	const char *got;
	size_t i;

	parse_ok(&db, routed_conf);
	assert_int_equal(db.nroutes, 3);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = sdb_route_realm(&db, cases[i].impi);
		if ((got == NULL) != (cases[i].realm == NULL) ||
		    (got && strcmp(got, cases[i].realm))) {
			print_error("%s: got %s, want %s\n", cases[i].impi, got ? got : "NULL",
				    cases[i].realm ? cases[i].realm : "NULL");
			fail();
		}
	}
	sdb_free(&db);
	/* Without a route table nothing is routed by realm. */
	parse_ok(&db, partner_conf);
	assert_null(sdb_route_realm(&db, "mig-1@ims.primary.example"));
	sdb_free(&db);
}

/* Partner: the S-CSCF holding an inbound identity's registration (where a
 * revocation sends its RTR) survives a restart. */
static void test_state_scscf(void **state)
{
	static const char line[] = "binding in-1@ims.partner.example sip:in-1@ims.partner.example "
				   "mig-7@ims.primary.example sip:mig-7@ims.primary.example "
				   "hss.primary.example scscf=scscf.partner.example\n";
	struct sdb_binding *b;
	struct sdb db;
	char err[256], *text;
	size_t len;

	parse_ok(&db, partner_conf);
	assert_int_equal(sdb_state_parse(&db, line, strlen(line), err, sizeof(err)), 0);
	b = sdb_binding_by_impi(&db, "in-1@ims.partner.example");
	assert_non_null(b);
	assert_string_equal(b->primary_host, "hss.primary.example");
	assert_string_equal(b->scscf, "scscf.partner.example");
	assert_int_equal(sdb_state_format(&db, &text, &len), 0);
	assert_non_null(strstr(text, line));
	free(text);
	/* Not registered: no scscf= written. */
	b->scscf[0] = 0;
	assert_int_equal(sdb_state_format(&db, &text, &len), 0);
	assert_null(strstr(text, "scscf="));
	free(text);
	sdb_free(&db);
}

/* A revoked identity is not issued again after a restart either: the
 * allocation point is part of the state. */
static void test_state_pool_next(void **state)
{
	struct sdb_binding *b;
	struct sdb db, db2;
	char err[256], *text;
	size_t len;

	parse_ok(&db, primary_conf);
	assert_int_equal(sdb_bind(&db, "bob@ims.primary.example", "sip:bob@ims.primary.example",
				  NULL, NULL, &b),
			 0);
	assert_string_equal(b->impi, "mig-7@ims.primary.example");
	assert_int_equal(sdb_unbind(&db, "sip:bob@ims.primary.example", NULL), 0);
	assert_int_equal(sdb_state_format(&db, &text, &len), 0);
	assert_non_null(strstr(text, "pool-next 1\n"));
	assert_null(strstr(text, "binding "));
	parse_ok(&db2, primary_conf);
	assert_int_equal(sdb_state_parse(&db2, text, len, err, sizeof(err)), 0);
	assert_int_equal(sdb_bind(&db2, "bob@ims.primary.example", "sip:bob@ims.primary.example",
				  NULL, NULL, &b),
			 0);
	assert_string_equal(b->impi, "mig-8@ims.primary.example");
	free(text);
	sdb_free(&db2);
	sdb_free(&db);
}

static void test_state_malformed(void **state)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
		{ "sqn alice@ims.primary.example\n", "line 1: sqn needs" },
		{ "sqn alice@ims.primary.example 281474976710656\n", "line 1: sqn needs" },
		{ "binding a b c\n", "line 1: binding needs" },
		{ "binding a b c d hss.x\n",
		  "line 1: binding: PRIMARY is required on a partner only" },
		{ "binding a sip:a u sip:u\nbinding a sip:b u sip:v\n",
		  "line 2: duplicate binding 'a'" },
		{ "\n\nfoo\n", "line 3: unknown keyword 'foo'" },
		{ "pool-next\n", "line 1: pool-next needs N" },
		{ "binding a sip:a u sip:u scscf=s\n",
		  "line 1: binding: bad scscf= (partner only)" },
		{ "pool-next -1\n", "line 1: pool-next needs N" },
		{ "pool-next 4294967296\n", "line 1: pool-next needs N" },
	};
	char err[256];
	struct sdb db;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_ok(&db, primary_conf);
		err[0] = 0;
		assert_int_equal(sdb_state_parse(&db, cases[i].text, strlen(cases[i].text), err,
						 sizeof(err)),
				 -EINVAL);
		if (!strstr(err, cases[i].err)) {
			print_error("case %zu: '%s' lacks '%s'\n", i, err, cases[i].err);
			fail();
		}
		sdb_free(&db);
	}
	/* A partner's binding needs its primary. */
	parse_ok(&db, partner_conf);
	assert_int_equal(sdb_state_parse(&db, "binding a b c d\n", 16, err, sizeof(err)), -EINVAL);
	sdb_free(&db);
}

static const struct shc_identity ident = {
	.impi = "mig-1@ims.primary.example",
	.impu = "sip:mig-1@ims.primary.example;x=<&>",
	.sipdb_host = "hss.primary.example",
	.sipdb_realm = "primary.example",
};

static void test_shdata_roundtrip(void **state)
{
	struct shc_identity out;
	char doc[SHD_MAX_DOC], si[64];
	bool has;
	int n;

	n = shd_build(SHD_SI_OUTBOUND, 3, &ident, doc, sizeof(doc));
	assert_true(n > 0);
	assert_non_null(strstr(doc, ";x=&lt;&amp;&gt;</IMPU>"));
	assert_int_equal(shd_parse((const uint8_t *)doc, (size_t)n, si, sizeof(si), &out, &has), 0);
	assert_true(has);
	assert_string_equal(si, SHD_SI_OUTBOUND);
	assert_memory_equal(&out, &ident, sizeof(out));

	/* Without ServiceData: the PUR's delete. */
	n = shd_build(SHD_SI_OUTBOUND, 0, NULL, doc, sizeof(doc));
	assert_true(n > 0);
	assert_int_equal(shd_parse((const uint8_t *)doc, (size_t)n, si, sizeof(si), &out, &has), 0);
	assert_false(has);

	/* Too small an output buffer. */
	assert_int_equal(shd_build(SHD_SI_OUTBOUND, 0, &ident, doc, 100), -ENOSPC);
}

/* Every truncation of a valid document is rejected. */
static void test_shdata_truncated(void **state)
{
	struct shc_identity out;
	char doc[SHD_MAX_DOC], si[64];
	size_t len, end;
	bool has;
	int n;

	n = shd_build(SHD_SI_OUTBOUND, 1, &ident, doc, sizeof(doc));
	assert_true(n > 0);
	/* The document ends with ">\n": only the newline may go. */
	end = strrchr(doc, '>') - doc + 1;
	for (len = 0; len < end; len++)
		assert_int_equal(shd_parse((const uint8_t *)doc, len, si, sizeof(si), &out, &has),
				 -EBADMSG);
	assert_int_equal(shd_parse((const uint8_t *)doc, end, si, sizeof(si), &out, &has), 0);
}

static void test_shdata_malformed(void **state)
{
	static const char *const docs[] = {
		"<Other/>",
		"<Sh-Data/>",
		"<Sh-Data><RepositoryData><SequenceNumber>1</SequenceNumber>"
		"</RepositoryData></Sh-Data>",
		"<Sh-Data><RepositoryData><ServiceIndication>s"
		"</ServiceIndication></RepositoryData></Sh-Data>",
		/* Migration outside our namespace */
		"<Sh-Data><RepositoryData><ServiceIndication>s</ServiceIndication>"
		"<SequenceNumber>1</SequenceNumber><ServiceData><Migration><IMPI>a"
		"</IMPI><IMPU>b</IMPU><SipDb host=\"h\" realm=\"r\"/></Migration>"
		"</ServiceData></RepositoryData></Sh-Data>",
		/* SipDb without realm */
		"<Sh-Data><RepositoryData><ServiceIndication>s</ServiceIndication>"
		"<SequenceNumber>1</SequenceNumber><ServiceData><Migration "
		"xmlns=\"urn:mcmig:sh:1\"><IMPI>a</IMPI><IMPU>b</IMPU><SipDb "
		"host=\"h\"/></Migration></ServiceData></RepositoryData>"
		"</Sh-Data>",
		/* Empty IMPI */
		"<Sh-Data><RepositoryData><ServiceIndication>s</ServiceIndication>"
		"<SequenceNumber>1</SequenceNumber><ServiceData><Migration "
		"xmlns=\"urn:mcmig:sh:1\"><IMPI></IMPI><IMPU>b</IMPU><SipDb "
		"host=\"h\" realm=\"r\"/></Migration></ServiceData>"
		"</RepositoryData></Sh-Data>",
		/* An external entity is not fetched nor expanded */
		"<!DOCTYPE Sh-Data [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<Sh-Data><RepositoryData><ServiceIndication>&x;"
		"</ServiceIndication><SequenceNumber>1</SequenceNumber>"
		"</RepositoryData></Sh-Data>",
	};
	struct shc_identity out;
	char si[64], big[SHD_MAX_DOC + 2];
	bool has;
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		if (shd_parse((const uint8_t *)docs[i], strlen(docs[i]), si, sizeof(si), &out,
			      &has) != -EBADMSG) {
			print_error("document %zu accepted\n", i);
			fail();
		}
	}
	/* A ServiceIndication longer than the caller's buffer. */
	assert_int_equal(shd_parse((const uint8_t *)docs[3], strlen(docs[3]), si, 1, &out, &has),
			 -EBADMSG);
	memset(big, ' ', sizeof(big));
	assert_int_equal(shd_parse((const uint8_t *)big, sizeof(big), si, sizeof(si), &out, &has),
			 -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_primary),	    cmocka_unit_test(test_conf_partner),
		cmocka_unit_test(test_conf_malformed),	    cmocka_unit_test(test_conf_incomplete),
		cmocka_unit_test(test_conf_bytes),	    cmocka_unit_test(test_pool_sequential),
		cmocka_unit_test(test_pool_random_partner), cmocka_unit_test(test_state_roundtrip),
		cmocka_unit_test(test_route_realm),	    cmocka_unit_test(test_state_pool_next),
		cmocka_unit_test(test_state_scscf),	    cmocka_unit_test(test_state_malformed),
		cmocka_unit_test(test_shdata_roundtrip),    cmocka_unit_test(test_shdata_truncated),
		cmocka_unit_test(test_shdata_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
