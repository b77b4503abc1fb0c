// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * agent/dnsres.c with the real c-ares on the GLib loop, against a DNS
 * responder on loopback that serves table entries (tests/unit/dns-wire.h):
 * RFC 3263 paths (NAPTR -> SRV -> A, SRV without NAPTR, A only, port or
 * transport in the URI, numeric), the reasons of NXDOMAIN, SERVFAIL,
 * timeout, no usable record and a netdev that does not exist, and
 * cancellation (no callback).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <glib-unix.h>
#include <glib.h>

#include "dns-wire.h"
#include "dnsres.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

enum { T_A = 1, T_AAAA = 28, T_SRV = 33, T_NAPTR = 35 };

struct entry {
	const char *name;
	uint16_t type;
	unsigned int rcode; /* 0, 2 SERVFAIL, 3 NXDOMAIN */
	bool silent;	    /* never answers: c-ares times out */
	const struct dnsw_rr *rr;
	size_t n;
};

struct server {
	int fd;
	guint watch;
	uint16_t port;
	const struct entry *table;
	size_t n;
	GString *asked; /* "NAPTR name; SRV name; ..." */
};

static const char *tname(uint16_t t)
{
	switch (t) {
	case T_A:
		return "A";
	case T_AAAA:
		return "AAAA";
	case T_SRV:
		return "SRV";
	case T_NAPTR:
		return "NAPTR";
	}
	return "?";
}

static gboolean on_query(gint fd, GIOCondition cond, gpointer data)
{
	struct server *s = data;
	uint8_t q[512], a[DNSW_MAX];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	char name[256];
	uint16_t id, type;
	ssize_t n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
	size_t i, len;

	if (n <= 0 || dnsw_question(q, (size_t)n, &id, name, sizeof(name), &type) < 0)
		return G_SOURCE_CONTINUE;
	g_string_append_printf(s->asked, "%s%s %s", s->asked->len ? "; " : "", tname(type), name);
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->table[i].name, name) && s->table[i].type == type)
			break;
	if (i < s->n && s->table[i].silent)
		return G_SOURCE_CONTINUE;
	if (i < s->n)
		len = dnsw_answer(a, id, name, type, s->table[i].rcode, s->table[i].rr,
				  s->table[i].n);
	else /* not in the table: the zone has no such name */
		len = dnsw_answer(a, id, name, type, 3, NULL, 0);
	assert_int_equal(sendto(fd, a, len, 0, (struct sockaddr *)&from, fl), (ssize_t)len);
	return G_SOURCE_CONTINUE;
}

static void server_start(struct server *s, const struct entry *table, size_t n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);

	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(s->fd >= 0);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(s->fd, (struct sockaddr *)&sa, &sl), 0);
	s->port = ntohs(sa.sin_port);
	s->table = table;
	s->n = n;
	s->asked = g_string_new(NULL);
	s->watch = g_unix_fd_add(s->fd, G_IO_IN, on_query, s);
}

static void server_stop(struct server *s)
{
	g_source_remove(s->watch);
	close(s->fd);
	g_string_free(s->asked, TRUE);
}

struct outcome {
	GMainLoop *loop;
	int calls;
	int err;
	char reason[SIPDNS_REASON_MAX];
	struct dnsres_sip sip;
	char addrs[DNSRES_ADDRS_MAX][SIPDNS_ADDR_MAX];
	size_t n_addrs;
};

static void on_sip(int err, const char *reason, const struct dnsres_sip *r, void *data)
{
	struct outcome *o = data;

	o->calls++;
	o->err = err;
	if (err)
		g_strlcpy(o->reason, reason, sizeof(o->reason));
	else
		o->sip = *r;
	g_main_loop_quit(o->loop);
}

static void on_addr(int err, const char *reason, const char (*addrs)[SIPDNS_ADDR_MAX], size_t n,
		    void *data)
{
	struct outcome *o = data;

	o->calls++;
	o->err = err;
	if (err)
		g_strlcpy(o->reason, reason, sizeof(o->reason));
	memcpy(o->addrs, addrs, n * sizeof(addrs[0]));
	o->n_addrs = n;
	g_main_loop_quit(o->loop);
}

static gboolean on_guard(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

/* Runs the loop until a callback or @ms; returns the outcome. */
static void run(struct outcome *o, unsigned int ms)
{
	guint g = g_timeout_add(ms, on_guard, o->loop);

	g_main_loop_run(o->loop);
	if (o->calls)
		g_source_remove(g);
}

static struct dnsres *resolver(const struct server *s, const char *ifname)
{
	struct dnsres_config c = {
		.servers = { "127.0.0.1" },
		.n_servers = 1,
		.port = s->port,
		.ifname = ifname,
		.timeout_ms = 200,
		.tries = 1,
	};
	struct dnsres *r;

	assert_int_equal(dnsres_new(&r, &c), 0);
	return r;
}

/* Resolves sip:@host[:@port][;transport=@t] against @table over lo. */
static void sip_lookup(const struct entry *table, size_t n, const char *host, uint16_t port,
		       const enum sipdns_transport *t, const char *ifname, struct outcome *o,
		       char *asked, size_t asked_size)
{
	struct server s;
	struct dnsres *r;

	memset(o, 0, sizeof(*o));
	o->loop = g_main_loop_new(NULL, FALSE);
	server_start(&s, table, n);
	r = resolver(&s, ifname);
	assert_true(dnsres_lookup_sip(r, host, port, t, AF_INET, on_sip, o) > 0);
	/* Never from inside the call. */
	assert_int_equal(o->calls, 0);
	run(o, 5000);
	assert_int_equal(o->calls, 1);
	g_strlcpy(asked, s.asked->str, asked_size);
	dnsres_free(r);
	server_stop(&s);
	g_main_loop_unref(o->loop);
}

static const struct dnsw_rr naptr_rr[] = {
	{ .type = T_NAPTR,
	  .order = 5,
	  .pref = 10,
	  .flags = "s",
	  .service = "SIPS+D2T",
	  .regexp = "",
	  .replacement = "_sips._tcp.pcscf.partner.example" },
	{ .type = T_NAPTR,
	  .order = 10,
	  .pref = 20,
	  .flags = "s",
	  .service = "SIP+D2T",
	  .regexp = "",
	  .replacement = "_sip._tcp.pcscf.partner.example" },
	{ .type = T_NAPTR,
	  .order = 10,
	  .pref = 10,
	  .flags = "s",
	  .service = "SIP+D2U",
	  .regexp = "",
	  .replacement = "_sip._udp.pcscf.partner.example" },
};
static const struct dnsw_rr srv_udp[] = {
	{ .type = T_SRV, .prio = 0, .weight = 10, .port = 5062, .target = "p1.partner.example" },
};
static const struct dnsw_rr srv_tcp[] = {
	{ .type = T_SRV, .prio = 0, .weight = 10, .port = 5070, .target = "p2.partner.example" },
};
static const struct dnsw_rr a_p1[] = { { .type = T_A, .addr = "198.51.100.9" } };
static const struct dnsw_rr a_p2[] = { { .type = T_A, .addr = "198.51.100.10" } };
static const struct dnsw_rr a_host[] = { { .type = T_A, .addr = "198.51.100.1" } };

static void test_naptr_srv_a(void **state)
{
	static const struct entry t[] = {
		{ "pcscf.partner.example", T_NAPTR, 0, false, naptr_rr, N(naptr_rr) },
		{ "_sip._udp.pcscf.partner.example", T_SRV, 0, false, srv_udp, N(srv_udp) },
		{ "p1.partner.example", T_A, 0, false, a_p1, N(a_p1) },
	};
	struct outcome o;
	char asked[512];

	sip_lookup(t, N(t), "pcscf.partner.example", 0, NULL, "lo", &o, asked, sizeof(asked));
	assert_int_equal(o.err, 0);
	/* RFC 3263 4.1: SIPS+D2T (order 5) is skipped, SIP+D2U preferred over SIP+D2T. */
	assert_int_equal(o.sip.transport, SIPDNS_UDP);
	assert_int_equal(o.sip.port, 5062);
	assert_string_equal(o.sip.target, "p1.partner.example");
	assert_int_equal(o.sip.n_addrs, 1);
	assert_string_equal(o.sip.addrs[0], "198.51.100.9");
	assert_string_equal(o.sip.path, "NAPTR pcscf.partner.example, SRV "
					"_sip._udp.pcscf.partner.example, A p1.partner.example");
	assert_string_equal(asked, "NAPTR pcscf.partner.example; SRV "
				   "_sip._udp.pcscf.partner.example; A p1.partner.example");
}

static void test_no_naptr_srv_tcp(void **state)
{
	static const struct entry t[] = {
		{ "pcscf.partner.example", T_NAPTR, 0, false, NULL, 0 },
		{ "_sip._tcp.pcscf.partner.example", T_SRV, 0, false, srv_tcp, N(srv_tcp) },
		{ "p2.partner.example", T_A, 0, false, a_p2, N(a_p2) },
	};
	struct outcome o;
	char asked[512];

	sip_lookup(t, N(t), "pcscf.partner.example", 0, NULL, "lo", &o, asked, sizeof(asked));
	assert_int_equal(o.err, 0);
	assert_int_equal(o.sip.transport, SIPDNS_TCP);
	assert_int_equal(o.sip.port, 5070);
	assert_string_equal(o.sip.addrs[0], "198.51.100.10");
	/* RFC 3263 4.1: no NAPTR: SRV of each transport we support, UDP first. */
	assert_string_equal(asked,
			    "NAPTR pcscf.partner.example; SRV _sip._udp.pcscf.partner.example; "
			    "SRV _sip._tcp.pcscf.partner.example; A p2.partner.example");
}

static void test_a_only(void **state)
{
	static const struct entry t[] = {
		{ "pcscf.partner.example", T_A, 0, false, a_host, N(a_host) },
	};
	struct outcome o;
	char asked[512];

	sip_lookup(t, N(t), "pcscf.partner.example", 0, NULL, "lo", &o, asked, sizeof(asked));
	assert_int_equal(o.err, 0);
	/* RFC 3263 4.2: no SRV: the host's address, UDP, 5060. */
	assert_int_equal(o.sip.transport, SIPDNS_UDP);
	assert_int_equal(o.sip.port, 5060);
	assert_string_equal(o.sip.addrs[0], "198.51.100.1");
	assert_string_equal(asked,
			    "NAPTR pcscf.partner.example; SRV _sip._udp.pcscf.partner.example; "
			    "SRV _sip._tcp.pcscf.partner.example; A pcscf.partner.example");
}

static void test_port_or_transport_given(void **state)
{
	static const struct entry t[] = {
		{ "pcscf.partner.example", T_NAPTR, 0, false, naptr_rr, N(naptr_rr) },
		{ "_sip._tcp.pcscf.partner.example", T_SRV, 0, false, srv_tcp, N(srv_tcp) },
		{ "p2.partner.example", T_A, 0, false, a_p2, N(a_p2) },
		{ "pcscf.partner.example", T_A, 0, false, a_host, N(a_host) },
	};
	const enum sipdns_transport tcp = SIPDNS_TCP;
	struct outcome o;
	char asked[512];

	/* RFC 3263 4.2: a port: A only, UDP unless told. */
	sip_lookup(t, N(t), "pcscf.partner.example", 5080, NULL, "lo", &o, asked, sizeof(asked));
	assert_int_equal(o.err, 0);
	assert_int_equal(o.sip.transport, SIPDNS_UDP);
	assert_int_equal(o.sip.port, 5080);
	assert_string_equal(o.sip.addrs[0], "198.51.100.1");
	assert_string_equal(asked, "A pcscf.partner.example");
	/* RFC 3263 4.1: a transport: no NAPTR, that transport's SRV. */
	sip_lookup(t, N(t), "pcscf.partner.example", 0, &tcp, "lo", &o, asked, sizeof(asked));
	assert_int_equal(o.err, 0);
	assert_int_equal(o.sip.transport, SIPDNS_TCP);
	assert_int_equal(o.sip.port, 5070);
	assert_string_equal(asked, "SRV _sip._tcp.pcscf.partner.example; A p2.partner.example");
	/* A numeric host: nothing asked. */
	sip_lookup(t, N(t), "198.51.100.1", 0, NULL, "lo", &o, asked, sizeof(asked));
	assert_int_equal(o.err, 0);
	assert_int_equal(o.sip.port, 5060);
	assert_string_equal(o.sip.addrs[0], "198.51.100.1");
	assert_string_equal(asked, "");
}

static void test_reasons(void **state)
{
	static const struct dnsw_rr sips_only[] = {
		{ .type = T_NAPTR,
		  .order = 5,
		  .pref = 10,
		  .flags = "s",
		  .service = "SIPS+D2T",
		  .regexp = "",
		  .replacement = "_sips._tcp.pcscf.partner.example" },
	};
	static const struct entry t[] = {
		{ "servfail.partner.example", T_NAPTR, 2, false, NULL, 0 },
		{ "silent.partner.example", T_NAPTR, 0, true, NULL, 0 },
		{ "sips.partner.example", T_NAPTR, 0, false, sips_only, N(sips_only) },
	};
	static const struct {
		const char *host, *ifname;
		int err;
		const char *reason;
	} v[] = {
		/* NXDOMAIN all the way (RFC 3263 goes on to SRV and A): the last query says it. */
		{ "nothere.partner.example", "lo", -ENXIO,
		  "nothere.partner.example A: no such name (NXDOMAIN) from 127.0.0.1 on lo" },
		{ "servfail.partner.example", "lo", -EREMOTEIO,
		  "servfail.partner.example NAPTR: server failure (SERVFAIL) from 127.0.0.1 on lo" },
		{ "silent.partner.example", "lo", -ETIMEDOUT,
		  "silent.partner.example NAPTR: no answer (timeout) asked 127.0.0.1 on lo" },
		{ "sips.partner.example", "lo", -ENOMSG,
		  "sips.partner.example NAPTR: no usable record (SIPS+D2T \"s\") from 127.0.0.1 on "
		  "lo" },
		/* Never the primary's way: a netdev we cannot bind to is a failure, not a fallback. */
		{ "pcscf.partner.example", "mcmig-nodev0", -ECONNREFUSED,
		  "pcscf.partner.example NAPTR: could not reach the server (socket: cannot bind to "
		  "mcmig-nodev0: No such device) asked 127.0.0.1 on mcmig-nodev0" },
	};
	struct outcome o;
	char asked[512];
	size_t i;

	for (i = 0; i < N(v); i++) {
		sip_lookup(t, N(t), v[i].host, 0, NULL, v[i].ifname, &o, asked, sizeof(asked));
		assert_string_equal(o.reason, v[i].reason);
		assert_int_equal(o.err, v[i].err);
	}
}

static void test_addr_unspec(void **state)
{
	static const struct dnsw_rr aaaa[] = { { .type = T_AAAA, .addr = "2001:db8:1::1" } };
	static const struct dnsw_rr a[] = { { .type = T_A, .addr = "198.51.100.20" } };
	static const struct entry t[] = {
		{ "idms.partner.example", T_A, 0, false, NULL, 0 },
		{ "idms.partner.example", T_AAAA, 0, false, aaaa, N(aaaa) },
		{ "token.partner.example", T_A, 0, false, a, N(a) },
	};
	struct outcome o = { 0 };
	struct server s;
	struct dnsres *r;

	o.loop = g_main_loop_new(NULL, FALSE);
	server_start(&s, t, N(t));
	r = resolver(&s, "lo");
	/* No A: AAAA. */
	assert_true(dnsres_lookup_addr(r, "idms.partner.example", AF_UNSPEC, on_addr, &o) > 0);
	run(&o, 5000);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.err, 0);
	assert_int_equal(o.n_addrs, 1);
	assert_string_equal(o.addrs[0], "2001:db8:1::1");
	/* A second lookup on the same resolver. */
	o.calls = 0;
	assert_true(dnsres_lookup_addr(r, "token.partner.example", AF_INET, on_addr, &o) > 0);
	run(&o, 5000);
	assert_int_equal(o.calls, 1);
	assert_string_equal(o.addrs[0], "198.51.100.20");
	/* Not acceptable: no id, no callback. */
	assert_int_equal(dnsres_lookup_addr(r, "", AF_INET, on_addr, &o), 0);
	assert_int_equal(dnsres_lookup_addr(r, "x.example", AF_UNIX, on_addr, &o), 0);
	dnsres_free(r);
	server_stop(&s);
	g_main_loop_unref(o.loop);
}

static void test_cancel(void **state)
{
	static const struct entry t[] = {
		{ "silent.partner.example", T_NAPTR, 0, true, NULL, 0 },
		{ "silent.partner.example", T_A, 0, true, NULL, 0 },
	};
	struct outcome o = { 0 };
	struct server s;
	struct dnsres *r;
	unsigned int id;

	o.loop = g_main_loop_new(NULL, FALSE);
	server_start(&s, t, N(t));
	r = resolver(&s, "lo");
	id = dnsres_lookup_sip(r, "silent.partner.example", 0, NULL, AF_INET, on_sip, &o);
	assert_true(id > 0);
	dnsres_cancel(r, id);
	/* Past c-ares's timeout: the cancelled lookup says nothing. */
	run(&o, 600);
	assert_int_equal(o.calls, 0);
	/* Freed with a lookup pending: no callback either. */
	assert_true(dnsres_lookup_addr(r, "silent.partner.example", AF_INET, on_addr, &o) > 0);
	dnsres_free(r);
	run(&o, 300);
	assert_int_equal(o.calls, 0);
	server_stop(&s);
	g_main_loop_unref(o.loop);
}

static void test_config(void **state)
{
	struct dnsres_config c = { .servers = { "pcscf.partner.example" }, .n_servers = 1 };
	struct dnsres *r;

	assert_int_equal(dnsres_new(&r, &c), -EINVAL);
	c.n_servers = 0;
	assert_int_equal(dnsres_new(&r, &c), -EINVAL);
	c = (struct dnsres_config){ .servers = { "2001:db8::53", "198.51.100.1" },
				    .n_servers = 2,
				    .ifname = "wwan1" };
	assert_int_equal(dnsres_new(&r, &c), 0);
	dnsres_free(r);
	dnsres_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_naptr_srv_a), cmocka_unit_test(test_no_naptr_srv_tcp),
		cmocka_unit_test(test_a_only),	    cmocka_unit_test(test_port_or_transport_given),
		cmocka_unit_test(test_reasons),	    cmocka_unit_test(test_addr_unspec),
		cmocka_unit_test(test_cancel),	    cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
