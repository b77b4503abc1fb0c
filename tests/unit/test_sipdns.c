// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 3263 server location, the pure part (agent/sipdns.c): NAPTR selection
 * (4.1), SRV order (RFC 2782), answers decoded (every truncation refused),
 * and the reasons of failed queries.
 */
#include <ares.h>
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dns-wire.h"
#include "sipdns.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_service_transport(void **state)
{
	static const struct {
		const char *service;
		int ret;
		enum sipdns_transport t;
	} v[] = {
		{ "SIP+D2U", 0, SIPDNS_UDP },	     { "sip+d2u", 0, SIPDNS_UDP },
		{ "SIP+D2T", 0, SIPDNS_TCP },	     { "SIPS+D2T", -EPROTONOSUPPORT, 0 },
		{ "SIP+D2S", -EPROTONOSUPPORT, 0 },  { "SIPS+D2S", -EPROTONOSUPPORT, 0 },
		{ "E2U+sip", -EPROTONOSUPPORT, 0 },  { "", -EPROTONOSUPPORT, 0 },
		{ "SIP+D2UX", -EPROTONOSUPPORT, 0 },
	};
	enum sipdns_transport t;
	size_t i;

	for (i = 0; i < N(v); i++) {
		t = 99;
		assert_int_equal(sipdns_service_transport(v[i].service, &t), v[i].ret);
		if (v[i].ret == 0)
			assert_int_equal(t, v[i].t);
	}
}

/* RFC 3263 4.1: "s" records of services we have, by order then preference. */
static const struct sipdns_naptr naptr_in[] = {
	{ 10, 20, "s", "SIP+D2T", "_sip._tcp.pcscf.partner.example", false },
	{ 10, 10, "S", "sip+d2u", "_sip._udp.pcscf.partner.example", false },
	{ 5, 10, "s", "SIPS+D2T", "_sips._tcp.pcscf.partner.example", false }, /* TLS: no */
	{ 10, 5, "s", "SIP+D2S", "_sip._sctp.pcscf.partner.example", false },  /* SCTP: no */
	{ 1, 1, "a", "SIP+D2U", "a.pcscf.partner.example", false }, /* not terminal "s" */
	{ 2, 1, "s", "SIP+D2U", ".", false },			    /* no replacement */
	{ 3, 1, "s", "SIP+D2U", "_sip._udp.re.example", true },	    /* regexp: not SIP's */
	{ 20, 1, "s", "SIP+D2U", "_sip._udp.backup.partner.example", false },
};

static void test_select_naptr(void **state)
{
	struct sipdns_service out[8];
	size_t n;

	n = sipdns_select_naptr(naptr_in, N(naptr_in), out, N(out));
	assert_int_equal(n, 3);
	assert_int_equal(out[0].transport, SIPDNS_UDP);
	assert_string_equal(out[0].name, "_sip._udp.pcscf.partner.example");
	assert_int_equal(out[1].transport, SIPDNS_TCP);
	assert_string_equal(out[1].name, "_sip._tcp.pcscf.partner.example");
	assert_int_equal(out[2].transport, SIPDNS_UDP);
	assert_string_equal(out[2].name, "_sip._udp.backup.partner.example");
	/* Room for one: the best. */
	assert_int_equal(sipdns_select_naptr(naptr_in, N(naptr_in), out, 1), 1);
	assert_string_equal(out[0].name, "_sip._udp.pcscf.partner.example");
	/* Only what we cannot use: nothing. */
	assert_int_equal(sipdns_select_naptr(&naptr_in[2], 5, out, N(out)), 0);
}

static void test_srv_name(void **state)
{
	struct sipdns_service s;
	char longname[300];

	assert_int_equal(sipdns_srv_name("pcscf.partner.example", SIPDNS_UDP, &s), 0);
	assert_string_equal(s.name, "_sip._udp.pcscf.partner.example");
	assert_int_equal(s.transport, SIPDNS_UDP);
	assert_int_equal(sipdns_srv_name("pcscf.partner.example", SIPDNS_TCP, &s), 0);
	assert_string_equal(s.name, "_sip._tcp.pcscf.partner.example");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(sipdns_srv_name(longname, SIPDNS_UDP, &s), -ENAMETOOLONG);
}

struct rnd_seq {
	const uint32_t *v;
	size_t i, n;
};

static uint32_t rnd_next(void *ctx)
{
	struct rnd_seq *r = ctx;

	assert_true(r->i < r->n);
	return r->v[r->i++];
}

static const struct sipdns_srv srv_in[] = {
	{ 10, 0, 5060, "a.partner.example" },
	{ 10, 60, 5060, "b.partner.example" },
	{ 10, 40, 5070, "c.partner.example" },
	{ 5, 0, 5080, "d.partner.example" },
	{ 20, 0, 5060, "." },
};

static void check_srv_order(const uint32_t *rnd, size_t n_rnd, const char *const *want)
{
	struct rnd_seq r = { rnd, 0, n_rnd };
	struct sipdns_srv out[N(srv_in)];
	size_t n, i;

	n = sipdns_order_srv(srv_in, N(srv_in), rnd_next, &r, out);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++)
		assert_string_equal(out[i].target, want[i]);
	/* Only the priority groups with a weight sum draw. */
	assert_int_equal(r.i, r.n);
}

static void test_order_srv(void **state)
{
	/* RFC 2782: priority 5 first; in 10, a draw over [0, 100]: 0 takes the weight 0 record. */
	static const uint32_t r1[] = { 0, 70, 5 };
	static const char *const w1[] = { "d.partner.example", "a.partner.example",
					  "c.partner.example", "b.partner.example" };
	/* 130 % 101 = 29: b (running sum 60 reaches it); then 40 % 41: c; a last (sum 0, no draw). */
	static const uint32_t r2[] = { 130, 40 };
	static const char *const w2[] = { "d.partner.example", "b.partner.example",
					  "c.partner.example", "a.partner.example" };
	static const struct sipdns_srv dot[] = { { 0, 0, 0, "." } };
	struct sipdns_srv out[1];

	check_srv_order(r1, N(r1), w1);
	check_srv_order(r2, N(r2), w2);
	/* A target "." alone: the service is decidedly not there. */
	assert_int_equal(sipdns_order_srv(dot, 1, rnd_next, NULL, out), 0);
}

static const struct dnsw_rr naptr_rr[] = {
	{ .type = 35,
	  .order = 10,
	  .pref = 10,
	  .flags = "s",
	  .service = "SIP+D2U",
	  .regexp = "",
	  .replacement = "_sip._udp.pcscf.partner.example" },
	{ .type = 35,
	  .order = 10,
	  .pref = 20,
	  .flags = "s",
	  .service = "SIP+D2T",
	  .regexp = "",
	  .replacement = "_sip._tcp.pcscf.partner.example" },
};

static void test_parse_naptr(void **state)
{
	uint8_t buf[DNSW_MAX];
	struct sipdns_naptr r[4];
	size_t len, n, l;

	len = dnsw_answer(buf, 7, "pcscf.partner.example", 35, 0, naptr_rr, N(naptr_rr));
	assert_int_equal(sipdns_parse_naptr(buf, len, r, N(r), &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].order, 10);
	assert_int_equal(r[0].preference, 10);
	assert_string_equal(r[0].flags, "s");
	assert_string_equal(r[0].service, "SIP+D2U");
	assert_false(r[0].regexp_used);
	assert_string_equal(r[0].replacement, "_sip._udp.pcscf.partner.example");
	assert_string_equal(r[1].service, "SIP+D2T");
	/* Every truncation refused. */
	for (l = 0; l < len; l++)
		assert_true(sipdns_parse_naptr(buf, l, r, N(r), &n) < 0);
	/* An answer without records. */
	len = dnsw_answer(buf, 7, "pcscf.partner.example", 35, 0, NULL, 0);
	assert_int_equal(sipdns_parse_naptr(buf, len, r, N(r), &n), -ENODATA);
}

static void test_parse_srv(void **state)
{
	static const struct dnsw_rr rr[] = {
		{ .type = 33,
		  .prio = 0,
		  .weight = 10,
		  .port = 5060,
		  .target = "p1.partner.example" },
		{ .type = 33, .prio = 1, .weight = 0, .port = 5062, .target = "p2.partner.example" },
	};
	uint8_t buf[DNSW_MAX];
	struct sipdns_srv r[4];
	size_t len, n, l;

	len = dnsw_answer(buf, 9, "_sip._udp.pcscf.partner.example", 33, 0, rr, N(rr));
	assert_int_equal(sipdns_parse_srv(buf, len, r, N(r), &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].weight, 10);
	assert_int_equal(r[0].port, 5060);
	assert_string_equal(r[0].target, "p1.partner.example");
	assert_int_equal(r[1].priority, 1);
	assert_int_equal(r[1].port, 5062);
	for (l = 0; l < len; l++)
		assert_true(sipdns_parse_srv(buf, l, r, N(r), &n) < 0);
	/* A NAPTR answer holds no SRV record. */
	len = dnsw_answer(buf, 7, "pcscf.partner.example", 35, 0, naptr_rr, N(naptr_rr));
	assert_int_equal(sipdns_parse_srv(buf, len, r, N(r), &n), -ENODATA);
}

static void test_parse_addr(void **state)
{
	static const struct dnsw_rr a[] = {
		{ .type = 1, .addr = "198.51.100.1" },
		{ .type = 1, .addr = "198.51.100.7" },
	};
	static const struct dnsw_rr aaaa[] = { { .type = 28, .addr = "2001:db8:1::1" } };
	uint8_t buf[DNSW_MAX];
	char out[4][SIPDNS_ADDR_MAX];
	size_t len, n, l;

	len = dnsw_answer(buf, 1, "p1.partner.example", 1, 0, a, N(a));
	assert_int_equal(sipdns_parse_addr(buf, len, AF_INET, out, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(out[0], "198.51.100.1");
	assert_string_equal(out[1], "198.51.100.7");
	for (l = 0; l < len; l++)
		assert_true(sipdns_parse_addr(buf, l, AF_INET, out, 4, &n) < 0);
	assert_int_equal(sipdns_parse_addr(buf, len, AF_INET6, out, 4, &n), -ENODATA);
	len = dnsw_answer(buf, 1, "p1.partner.example", 28, 0, aaaa, N(aaaa));
	assert_int_equal(sipdns_parse_addr(buf, len, AF_INET6, out, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0], "2001:db8:1::1");
	assert_int_equal(sipdns_parse_addr(buf, len, AF_UNIX, out, 4, &n), -EAFNOSUPPORT);
}

static void test_reasons(void **state)
{
	static const struct {
		const char *type;
		int status;
		const char *detail, *answered, *asked, *ifname;
		int err;
		const char *want;
	} v[] = {
		{ "NAPTR", ARES_ENOTFOUND, NULL, "198.51.100.1", "198.51.100.1", "wwan1", -ENXIO,
		  "pcscf.partner.example NAPTR: no such name (NXDOMAIN) from 198.51.100.1 on wwan1" },
		{ "SRV", ARES_ESERVFAIL, NULL, "198.51.100.53", "198.51.100.1, 198.51.100.53",
		  "wwan1", -EREMOTEIO,
		  "pcscf.partner.example SRV: server failure (SERVFAIL) from 198.51.100.53 on wwan1" },
		{ "A", ARES_ETIMEOUT, NULL, NULL, "198.51.100.1, 198.51.100.53", "wwan1",
		  -ETIMEDOUT,
		  "pcscf.partner.example A: no answer (timeout) asked 198.51.100.1, 198.51.100.53 on "
		  "wwan1" },
		{ "NAPTR", SIPDNS_STATUS_UNUSABLE, "SIPS+D2T \"s\"", "198.51.100.1", "198.51.100.1",
		  "wwan1", -ENOMSG,
		  "pcscf.partner.example NAPTR: no usable record (SIPS+D2T \"s\") from 198.51.100.1 on "
		  "wwan1" },
		{ "AAAA", ARES_ENODATA, NULL, "2001:db8::53", "2001:db8::53", NULL, -ENODATA,
		  "pcscf.partner.example AAAA: no record of that type from 2001:db8::53" },
		{ "A", ARES_ECONNREFUSED, "socket: cannot bind to wwan9: No such device", NULL,
		  "198.51.100.1", "wwan9", -ECONNREFUSED,
		  "pcscf.partner.example A: could not reach the server (socket: cannot bind to "
		  "wwan9: No such device) asked 198.51.100.1 on wwan9" },
	};
	char buf[SIPDNS_REASON_MAX];
	size_t i;

	for (i = 0; i < N(v); i++) {
		assert_int_equal(sipdns_reason(buf, sizeof(buf), "pcscf.partner.example", v[i].type,
					       v[i].status, v[i].detail, v[i].answered, v[i].asked,
					       v[i].ifname),
				 v[i].err);
		assert_string_equal(buf, v[i].want);
	}
	/* A code outside the table keeps c-ares's words and is -EIO. */
	assert_int_equal(sipdns_status_errno(ARES_EFILE), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_transport), cmocka_unit_test(test_select_naptr),
		cmocka_unit_test(test_srv_name),	  cmocka_unit_test(test_order_srv),
		cmocka_unit_test(test_parse_naptr),	  cmocka_unit_test(test_parse_srv),
		cmocka_unit_test(test_parse_addr),	  cmocka_unit_test(test_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
