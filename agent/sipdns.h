/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure half of name resolution on a PDN (agent/dnsres.c does the I/O):
 * DNS answers decoded into fixed records, RFC 3263 4.1 NAPTR selection,
 * RFC 2782 SRV ordering, and c-ares status codes translated into -errno and
 * a reason that names the name, the record type and the server asked.
 * No fds, no loop, no globals: what test_sipdns and the fuzz harness link.
 */
#ifndef MCMIG_SIPDNS_H
#define MCMIG_SIPDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIPDNS_NAME_MAX	   256 /* RFC 1035 2.3.4: 255 octets, plus the NUL */
#define SIPDNS_ADDR_MAX	   46  /* INET6_ADDRSTRLEN */
#define SIPDNS_RECORDS_MAX 16  /* records kept from one answer; the rest ignored */
#define SIPDNS_REASON_MAX  320

enum sipdns_transport {
	SIPDNS_UDP,
	SIPDNS_TCP,
};

struct sipdns_naptr {
	uint16_t order, preference;
	char flags[16];
	char service[32];
	char replacement[SIPDNS_NAME_MAX];
	bool regexp_used; /* a non-empty regexp field: not for SIP (RFC 3263 4.1) */
};

struct sipdns_srv {
	uint16_t priority, weight, port;
	char target[SIPDNS_NAME_MAX];
};

/* An SRV owner name to ask, with the transport it stands for (RFC 3263 4.1). */
struct sipdns_service {
	enum sipdns_transport transport;
	char name[SIPDNS_NAME_MAX];
};

const char *sipdns_transport_str(enum sipdns_transport t);

/*
 * RFC 3263 4.1 service field: "SIP+D2U" is UDP, "SIP+D2T" TCP (case does not
 * matter, RFC 3403 4.1). SIPS+D2T (TLS), SIP+D2S (SCTP) and anything else:
 * -EPROTONOSUPPORT, we carry SIP over UDP and TCP only.
 */
int sipdns_service_transport(const char *service, enum sipdns_transport *t);

/*
 * RFC 3263 4.1: of @n NAPTR records, those with flag "s" and a service we
 * support, in order of (order, preference), as the SRV names to ask.
 * Returns how many went into @out (at most @max).
 */
size_t sipdns_select_naptr(const struct sipdns_naptr *in, size_t n, struct sipdns_service *out,
			   size_t max);

/*
 * RFC 3263 4.1 without NAPTR records (or with the transport given): the SRV
 * name "_sip._udp.HOST" or "_sip._tcp.HOST". 0, or -ENAMETOOLONG.
 */
int sipdns_srv_name(const char *host, enum sipdns_transport t, struct sipdns_service *out);

/*
 * RFC 2782: SRV records in the order to try them, into @out (the same count):
 * lowest priority first; within one priority, a weighted random order
 * (@rnd returns a uniform value, injected for tests). A single record whose
 * target is "." means "decidedly not available here": it is dropped, as are
 * records past SIPDNS_RECORDS_MAX. Returns how many went into @out.
 */
size_t sipdns_order_srv(const struct sipdns_srv *in, size_t n, uint32_t (*rnd)(void *ctx),
			void *ctx, struct sipdns_srv *out);

/*
 * Answers decoded (c-ares's parsers) into fixed records. 0 with *@n >= 1;
 * -ENODATA: a well-formed answer without a record of that type; -EBADMSG:
 * not a DNS answer we can read. @family of sipdns_parse_addr: AF_INET (A) or
 * AF_INET6 (AAAA); addresses as text.
 */
int sipdns_parse_naptr(const uint8_t *buf, size_t len, struct sipdns_naptr *out, size_t max,
		       size_t *n);
int sipdns_parse_srv(const uint8_t *buf, size_t len, struct sipdns_srv *out, size_t max, size_t *n);
int sipdns_parse_addr(const uint8_t *buf, size_t len, int family, char (*out)[SIPDNS_ADDR_MAX],
		      size_t max, size_t *n);

/*
 * A c-ares status (ARES_*) as -errno: NXDOMAIN -ENXIO, no data -ENODATA,
 * SERVFAIL -EREMOTEIO, timeout -ETIMEDOUT, SIPDNS_STATUS_UNUSABLE -ENOMSG, ...
 */
int sipdns_status_errno(int status);

/* Not a c-ares status: an answer whose records are none we can use. */
#define SIPDNS_STATUS_UNUSABLE 1000

/*
 * The reason for a failed query, e.g. "pcscf.partner.example NAPTR: no such
 * name (NXDOMAIN) from 198.51.100.1 on wwan1". @status: a c-ares status or
 * SIPDNS_STATUS_UNUSABLE; @detail, optional, goes in parentheses after its
 * text. @answered: the server whose answer it was, NULL when none answered
 * (timeout, unreachable): then @asked, the servers asked, is named. @ifname:
 * the device the query went over, or NULL. Returns sipdns_status_errno(@status).
 */
int sipdns_reason(char *buf, size_t size, const char *name, const char *type, int status,
		  const char *detail, const char *answered, const char *asked, const char *ifname);

#endif
