/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The timeline of the last migration (product.md "What users expect"): the
 * timestamped steps of one migration, i.e. the state machine's transitions and
 * the outside exchanges it waits for (CMS request/answer, steps 1/13; PDN
 * connect request/settings, 14; REGISTER / 401, 15/22; AUTHENTICATE, 23;
 * REGISTER with the response / 200 OK, 23/24; the return). Pure: the daemon
 * stamps the steps with its monotonic clock and keeps the text form in the
 * state directory; mcmigctl renders it as text, JSON or an SVG sequence chart
 * in the style of the seed's figure 6.Y-1.
 *
 * Text form (persisted, and the D-Bus Timeline property), one item a line:
 *   mcmig-timeline 1
 *   start <unix time in microseconds>
 *   <microseconds since start> <kind> <seed step or 0> [<argument>]
 */
#ifndef MCMIG_TIMELINE_H
#define MCMIG_TIMELINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TIMELINE_MAX_STEPS 96
#define TIMELINE_ARG_MAX   40
#define TIMELINE_ERR_MAX   128

enum timeline_kind {
	TL_TRIGGER,	   /* migrate / fetch / return asked for; arg: how */
	TL_STATE,	   /* a state machine transition; arg: the new state */
	TL_CMS_REQUEST,	   /* step 1 */
	TL_CMS_ANSWER,	   /* step 13; arg: "ok" or the failure */
	TL_PDN_REQUEST,	   /* step 14: connect asked of the modem */
	TL_PDN_SETTINGS,   /* step 14: the modem's answer */
	TL_NETDEV,	   /* step 14: the partner PDN's netdev configured */
	TL_REGISTER,	   /* step 15 */
	TL_REGISTER_AUTH,  /* step 23: REGISTER with the challenge response */
	TL_DEREGISTER,	   /* return: REGISTER Expires: 0 */
	TL_SIP_RETRANSMIT, /* RFC 3261 timer E */
	TL_SIP_RESPONSE,   /* step 22 (401), 24 (200) ...; arg: status code */
	/*
	 * Step 23, stamped by the card's worker around its exchanges (card.h):
	 * the card's wait is the transmits alone; the handoffs to the worker
	 * and back count as the agent's time.
	 */
	TL_AUTH_START,	   /* step 23: AUTHENTICATE sent to the ISIM */
	TL_AUTH_DONE,	   /* step 23: the ISIM's answer */
	TL_PDN_DISCONNECT, /* return: partner PDN disconnect asked */
	TL_PDN_DOWN,	   /* return: partner PDN down */
	TL_PUBLISH,	   /* step 25: PUBLISH poc-settings with the token (TS 24.379 7.2.2) */
	TL_UNPUBLISH,	   /* return: PUBLISH Expires: 0 */
	TL_DNS_QUERY,	   /* step 15: the P-CSCF's name asked of the partner's DNS; arg: name */
	TL_DNS_ANSWER,	   /* step 15: where it is (RFC 3263); arg: the address */
	/*
	 * Step 14, MC service user authentication (TS 33.180 5.1.4): a
	 * request to the primary IdM server (refresh, token exchange) or the
	 * partner's (partner token), and its answer; arg: what / the outcome.
	 */
	TL_IDM_REQUEST,
	TL_IDM_ANSWER,
	TL_IDM_PARTNER_REQUEST,
	TL_IDM_PARTNER_ANSWER,
	TL_KIND_COUNT,
};

/* What the agent waits on between a request and its answer. */
enum timeline_wait {
	TL_WAIT_NONE, /* the agent's own work */
	TL_WAIT_MODEM,
	TL_WAIT_NETWORK,
	TL_WAIT_CARD,
	TL_WAIT_COUNT,
};

struct timeline_step {
	int64_t t_us; /* since the start */
	enum timeline_kind kind;
	unsigned int seed_step; /* 0: none */
	char arg[TIMELINE_ARG_MAX];
};

struct timeline {
	int64_t start_unix_us;
	int64_t start_mono_us; /* not persisted: only to stamp new steps */
	size_t n;
	struct timeline_step step[TIMELINE_MAX_STEPS];
	size_t dropped; /* steps past TIMELINE_MAX_STEPS (a retransmission storm) */
};

/* Derived per step: time since the start and the step's own latency. */
struct timeline_row {
	int64_t t_us;
	int64_t latency_us;	 /* since the request answered, else since the previous step */
	enum timeline_wait wait; /* what the latency was spent on */
};

/*
 * The migration up to authorised, else registered-at-partner (or the last
 * step when it never got there).
 */
struct timeline_summary {
	int64_t total_us;
	int64_t wait_us[TL_WAIT_COUNT]; /* [TL_WAIT_NONE] = the agent's overhead */
	unsigned int pdn_setups, sip_requests, sip_retransmits, authenticates, cms_requests;
	unsigned int idm_requests; /* step 14: to the primary and partner IdM servers */
	int registered;		   /* reached registered-at-partner */
	int authorised;		   /* and then authorised (step 25): the summary ends there */
};

const char *timeline_kind_str(enum timeline_kind k);
const char *timeline_wait_str(enum timeline_wait w);

/* Starts a new timeline at the given clocks (the last one is forgotten). */
void timeline_begin(struct timeline *tl, int64_t unix_us, int64_t mono_us);
/* Appends a step stamped @mono_us; @arg may be NULL. Ignored before a begin. */
void timeline_add(struct timeline *tl, int64_t mono_us, enum timeline_kind kind,
		  unsigned int seed_step, const char *arg);

/* Text form; returns a malloc'd string or NULL (out of memory). */
char *timeline_format(const struct timeline *tl);
/* Parses the text form: 0, or -EINVAL with @err naming the bad line. */
int timeline_parse(const char *text, size_t len, struct timeline *tl, char *err, size_t err_len);

/* @rows holds tl->n entries. */
void timeline_rows(const struct timeline *tl, struct timeline_row *rows);
void timeline_summarize(const struct timeline *tl, struct timeline_summary *s);

/* Renderers: 0 or -errno of the stream. */
int timeline_print_text(const struct timeline *tl, FILE *f);
int timeline_print_json(const struct timeline *tl, FILE *f);
int timeline_print_svg(const struct timeline *tl, FILE *f);

#endif
