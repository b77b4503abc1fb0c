/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SIP registration with IMS-AKA (seed steps 15 and 22-24; TS 24.229 5.1.1,
 * RFC 3310 AKAv1-MD5, RFC 4169 AKAv2-MD5): REGISTER, 401 challenge, the
 * card's AUTHENTICATE, the digest answer, 200 OK, refresh before expiry and
 * de-registration. Runs on the GLib main loop and asks the card (card.h)
 * itself. What happens on the way is told by events (struct sipreg_events),
 * for a parent such as the migration state machine to follow without
 * reading SIP text.
 */
#ifndef MCMIG_SIPREG_H
#define MCMIG_SIPREG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card.h"

struct sipreg;

enum sipreg_transport {
	SIPREG_TRANSPORT_UDP,
	SIPREG_TRANSPORT_TCP,
	/* None in the P-CSCF's URI: RFC 3263 4.1 chooses (NAPTR for a name, else UDP). */
	SIPREG_TRANSPORT_ANY,
};

#define SIPREG_DNS_MAX 4

struct sipreg_config {
	const char *pcscf_host;	 /* literal address or name */
	unsigned int pcscf_port; /* 0: none in the URI (RFC 3263 4.2: SRV for a name, else 5060) */
	enum sipreg_transport
		transport; /* UDP switches to TCP for large messages (RFC 3261 18.1.1) */
	bool force_tcp;
	const char *local_addr; /* bind address (the PDN's); NULL = any */
	/*
	 * The DNS servers of the PDN the P-CSCF is reached over and its netdev
	 * (TS 24.229 9.2.1: they come with the PDN connection): a P-CSCF name is
	 * resolved there, with RFC 3263 NAPTR/SRV/A/AAAA (agent/dnsres.h).
	 * n_dns 0: by the system resolver, A/AAAA only (mcmigctl register).
	 */
	const char *dns[SIPREG_DNS_MAX];
	size_t n_dns;
	const char *dns_ifname;
	const char *impi;
	const char *impu;
	const char *domain;
	unsigned int expires;		/* requested, seconds */
	unsigned int max_auth_failures; /* MAC failures / re-challenges before giving up */
	/* RFC 3261 T1 in ms; 0 = 500. T2 = 8 * T1, Timer F = 64 * T1. Tests shorten it. */
	unsigned int t1_ms;
	/*
	 * > 0: after every successful registration, subscribe to its reg event
	 * with this Expires (TS 24.229 5.1.1.3 asks for 600000) and follow the
	 * NOTIFYs (5.1.1.7); 0: no subscription.
	 */
	unsigned int reg_event_expires;
	/* Source of Call-ID, tags, branches and cnonces; NULL = getrandom(). Tests inject one. */
	void (*random_bytes)(void *buf, size_t len);
	/*
	 * Contact and P-Access-Network-Info of every REGISTER (sipmsg.h's
	 * sipmsg_register: an IMEI URN, an ICSI, the serving cell); NULL: left out.
	 */
	const char *instance_id;
	const char *icsi;
	const char *pani;
};

enum sipreg_result {
	SIPREG_REGISTERED,   /* 200 OK to REGISTER (step 24) */
	SIPREG_REFRESHED,    /* a refresh succeeded */
	SIPREG_DEREGISTERED, /* after sipreg_stop() */
	SIPREG_REFUSED,	     /* 403 and other final refusals (e.g. a revoked migration) */
	SIPREG_AUTH_FAILED,  /* network authentication failed (MAC) past the cap */
	SIPREG_TIMEOUT,	     /* no acceptable answer (RFC 3261 Timer F / B) */
	SIPREG_FAILED,	     /* anything else: transport error, 5xx past retries, bad message */
	SIPREG_LOST,	     /* registration lost after being registered (refresh failed) */
	/*
	 * The network ended the registration (reg event NOTIFY: our contact
	 * terminated, TS 24.229 5.1.1.7); the reason is the event: "unregistered",
	 * "rejected", "expired" or "probation".
	 */
	SIPREG_DEREGISTERED_BY_NETWORK,
};

/* What the 200 OK told us (TS 24.229 5.1.1.2). */
struct sipreg_info {
	unsigned int expires;
	char service_route[512];
	char associated_uris[1024]; /* P-Associated-URI, as received */
};

/* What a REGISTER that went out is for. */
enum sipreg_request {
	SIPREG_REQ_REGISTER, /* without a response: the first (step 15), or after a MAC failure */
	SIPREG_REQ_REGISTER_AUTH, /* with a response to the challenge: RES or AUTS (step 23) */
	SIPREG_REQ_REFRESH,	  /* TS 24.229 5.1.1.4.1 */
	SIPREG_REQ_DEREGISTER,	  /* Expires: 0 */
};

/*
 * All but result are optional and are told as things happen; only result
 * may free or stop the registration from inside the callback.
 */
struct sipreg_events {
	void (*result)(enum sipreg_result r, const char *reason, const struct sipreg_info *info,
		       void *user_data);
	/* A request went out; @retransmission: a copy sent by RFC 3261 Timer E. */
	void (*request_sent)(enum sipreg_request kind, bool retransmission, void *user_data);
	/* A response to the pending request, provisional ones included. */
	void (*response)(unsigned int status, const char *reason_phrase, void *user_data);
	/* A 401 carried an AKA challenge: the card is asked now (steps 22-23). */
	void (*challenged)(void *user_data);
	/*
	 * The card's answer, before sipreg acts on it: @err 0 or -errno, @outcome
	 * "ok", "sync-failure", "mac-failure" or the card's words for @err; @t
	 * when the card itself worked (card.h).
	 */
	void (*auth_done)(int err, const char *outcome, const struct card_times *t,
			  void *user_data);
	/*
	 * The reg event subscription's outcome when it changes: @status the final
	 * answer to SUBSCRIBE (0: none within Timer F), @reason its phrase. A
	 * refusal changes nothing else: the registration carries on and the
	 * subscription is tried again at its next refresh.
	 */
	void (*subscription)(unsigned int status, const char *reason, void *user_data);
	/*
	 * A response to a request that is neither REGISTER nor SUBSCRIBE (one
	 * sent with sipreg_send(), e.g. mcsvc.h's PUBLISH), as received.
	 */
	void (*message)(const uint8_t *buf, size_t len, void *user_data);
	/*
	 * The P-CSCF's address is known: @how tells the way, e.g. "NAPTR
	 * pcscf.partner.example, SRV _sip._udp.pcscf.partner.example, A
	 * p1.partner.example -> udp 198.51.100.1:5060 (DNS 198.51.100.1 on wwan1)".
	 */
	void (*resolved)(const char *how, void *user_data);
	/* Every message sent (@sent) or received, CK/IK redacted: for people. */
	void (*trace)(bool sent, const char *msg, size_t len, void *user_data);
	void *user_data;
};

/* @card answers the challenges; it must outlive the registration. */
int sipreg_new(struct sipreg **reg, const struct sipreg_config *cfg, struct card *card,
	       const struct sipreg_events *ev);
/* Starts the initial registration; the outcome comes through ev->result. */
int sipreg_start(struct sipreg *reg);
/*
 * De-registers (Expires: 0), after terminating an active reg event
 * subscription (SUBSCRIBE with Expires: 0); ev->result(SIPREG_DEREGISTERED)
 * when done.
 */
int sipreg_stop(struct sipreg *reg);
/* Cancels everything; no callback after this. NULL accepted. */
void sipreg_free(struct sipreg *reg);
/*
 * The binding's Call-ID and our Contact address ("host:port"; "" before the
 * socket is bound), for the migration journal (issue 12).
 */
void sipreg_binding(const struct sipreg *reg, char *call_id, size_t call_id_len, char *contact,
		    size_t contact_len);

/*
 * What another request from this UE needs to follow the registration (TS
 * 24.229 5.1.2A.1: the same P-CSCF flow, the Service-Route as its Route):
 * the transport and address of the last REGISTER, the IMPU, the
 * Service-Route ("" when none).
 */
struct sipreg_route {
	bool tcp;
	char local_host[64];
	unsigned int local_port;
	char impu[256];
	char service_route[512];
	char contact[96]; /* the URI registered as Contact, without its parameters */
};

/* Fills @r; 0, or -ENOTCONN while not registered. */
int sipreg_get_route(const struct sipreg *reg, struct sipreg_route *r);
/*
 * Sends @buf to the P-CSCF on the registration's UDP socket or TCP
 * connection (@tcp); answers come back through ev->message. 0, -ENOTCONN
 * (not registered) or -EIO (TCP unusable).
 */
int sipreg_send(struct sipreg *reg, bool tcp, const char *buf, size_t len);

const char *sipreg_result_str(enum sipreg_result r);

/*
 * Seconds after a 200 OK granting @expires at which to refresh (TS 24.229
 * 5.1.1.4.1: 600 s before expiry when it is over 1200 s, else at half).
 */
unsigned int sipreg_refresh_delay(unsigned int expires);

#endif
