/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DNS answers in wire format (RFC 1035 4.1, RFC 3403 4.1 NAPTR, RFC 2782
 * SRV) for tests: built from a readable table so that a vector says what it
 * holds. test_sipdns decodes them; test_dnsres serves them from a loopback
 * responder to the real c-ares.
 */
#ifndef MCMIG_TEST_DNS_WIRE_H
#define MCMIG_TEST_DNS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define DNSW_MAX 1500

struct dnsw_rr {
	uint16_t type;	   /* 1 A, 28 AAAA, 33 SRV, 35 NAPTR, 5 CNAME */
	const char *owner; /* NULL: the question's name */
	/* NAPTR */
	uint16_t order, pref;
	const char *flags, *service, *regexp, *replacement;
	/* SRV */
	uint16_t prio, weight, port;
	const char *target; /* also CNAME's */
	/* A / AAAA as text */
	const char *addr;
};

/*
 * An answer to (@qname, @qtype) with transaction id @id, RCODE @rcode
 * (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN) and @n records. Returns its length.
 */
size_t dnsw_answer(uint8_t *buf, uint16_t id, const char *qname, uint16_t qtype, unsigned int rcode,
		   const struct dnsw_rr *rr, size_t n);

/*
 * The question of query @buf: its id, name (dotted, into @name) and type.
 * 0, or -1 when it is not a query we can read.
 */
int dnsw_question(const uint8_t *buf, size_t len, uint16_t *id, char *name, size_t name_size,
		  uint16_t *qtype);

#endif
