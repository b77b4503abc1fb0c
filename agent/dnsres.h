/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names resolved on one PDN: through the DNS servers that PDN's settings name
 * (struct modem_pdn_settings dns[]), over that PDN's netdev, never through
 * the system resolver, which asks the primary's DNS over the primary PDN and
 * does not know the partner's names (TS 24.229 9.2.1: the P-CSCF and DNS come
 * with the PDN connection). c-ares with its own servers and its sockets bound
 * to the device (SO_BINDTODEVICE), driven by the GLib main loop: nothing
 * blocks.
 *
 * Every lookup completes its callback exactly once, never from inside the
 * call that started it, unless cancelled (dnsres_cancel(), dnsres_free()):
 * then no callback. A failure's reason names the name, the record type, and
 * the server that answered or, when none did, the servers asked, e.g.
 * "pcscf.partner.example NAPTR: no such name (NXDOMAIN) from 198.51.100.1 on wwan1".
 */
#ifndef MCMIG_DNSRES_H
#define MCMIG_DNSRES_H

#include <stddef.h>
#include <stdint.h>

#include "sipdns.h"

#define DNSRES_SERVERS_MAX 4
#define DNSRES_ADDRS_MAX   8

struct dnsres;

struct dnsres_config {
	/* IPv4 or IPv6 literals, e.g. the PDN's dns[]; at least one. */
	const char *servers[DNSRES_SERVERS_MAX];
	size_t n_servers;
	uint16_t port; /* 0 = 53; tests use others */
	/* The PDN's netdev (wwan1): every socket is bound to it. NULL: not bound. */
	const char *ifname;
	unsigned int timeout_ms; /* per try and server; 0 = 2000 */
	unsigned int tries;	 /* 0 = 2 */
};

/* What RFC 3263 found for a SIP URI: where to send, and how. */
struct dnsres_sip {
	enum sipdns_transport transport;
	uint16_t port;
	char target[SIPDNS_NAME_MAX]; /* the host name the addresses are of */
	char addrs[DNSRES_ADDRS_MAX][SIPDNS_ADDR_MAX];
	size_t n_addrs;
	/* How it was found, for logs: "NAPTR SIP+D2U, SRV _sip._udp.x, A" */
	char path[160];
};

/* @err 0 with @n >= 1 addresses (text), or -errno and @reason. */
typedef void (*dnsres_addr_cb)(int err, const char *reason, const char (*addrs)[SIPDNS_ADDR_MAX],
			       size_t n, void *user_data);
typedef void (*dnsres_sip_cb)(int err, const char *reason, const struct dnsres_sip *r,
			      void *user_data);

/* 0 or -EINVAL (no server, a server that is not an address), -ENOMEM. */
int dnsres_new(struct dnsres **r, const struct dnsres_config *cfg);
/* Drops every pending lookup without a callback. NULL accepted. */
void dnsres_free(struct dnsres *r);

/*
 * The addresses of @name: @family AF_INET (A), AF_INET6 (AAAA) or AF_UNSPEC
 * (A, then AAAA when there is no A). Returns a lookup id (> 0) for
 * dnsres_cancel(), or 0 when @name or @family is not acceptable (then no
 * callback). For libcurl, the addresses make a CURLOPT_RESOLVE entry
 * "HOST:PORT:ADDR[,ADDR]".
 */
unsigned int dnsres_lookup_addr(struct dnsres *r, const char *name, int family, dnsres_addr_cb cb,
				void *user_data);

/*
 * RFC 3263 4.1/4.2 for the SIP URI sip:@host[:@port][;transport=@transport]:
 * @port 0 = none in the URI; @transport NULL = none. A numeric @host needs no
 * query (UDP, 5060 unless given). Else with a port: A/AAAA of @host; else
 * without a transport, NAPTR of @host (records for UDP and TCP, by order and
 * preference), and with none found, SRV _sip._udp then _sip._tcp; SRV
 * targets in RFC 2782 order; no SRV either: A/AAAA of @host, UDP, 5060.
 * Returns a lookup id as dnsres_lookup_addr().
 */
unsigned int dnsres_lookup_sip(struct dnsres *r, const char *host, uint16_t port,
			       const enum sipdns_transport *transport, int family, dnsres_sip_cb cb,
			       void *user_data);

/* No callback for @id after this; unknown or finished ids are ignored. */
void dnsres_cancel(struct dnsres *r, unsigned int id);

#endif
