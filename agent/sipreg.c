// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IMS registration with Digest AKA on the GLib main loop (TS 24.229 5.1.1,
 * RFC 3261 10/17/18, RFC 3310, RFC 4169).
 *
 * One registration = one Call-ID, CSeq +1 per request (RFC 3261 10.2.4). Each
 * request is a non-INVITE client transaction (RFC 3261 17.1.2): over UDP
 * Timer E retransmits (T1 doubling up to T2) until Timer F (64*T1); over TCP
 * only Timer F runs. The UDP socket is kept for the registration's lifetime
 * so that Via/Contact keep one port; TCP connections bind that same port
 * number, so a binding never changes its Contact when the transport changes.
 *
 * States (the table below gives each its name and its timer):
 *   idle -> resolving -> trying <-> authenticating -> registered -> trying (refresh)
 *   trying -> retry-wait -> trying (5xx with Retry-After)
 *   any -> done (final result)
 * Beside it, once registered, the reg event subscription (TS 24.229 5.1.1.3)
 * with its own dialog, transaction and table (sub_table below):
 *   none -> subscribing -> active -> subscribing (refresh) ... -> unsubscribing
 *   subscribing -> refused (tried again after the next registration refresh)
 * "phase" says what the current request is for: the initial registration, a
 * refresh, or the de-registration; it decides how an outcome is reported.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <gio/gio.h>

#include "digest.h"
#include "dnsres.h"
#include "reginfo.h"
#include "sipmsg.h"
#include "sipreg.h"
#include "sipsub.h"
#include "util.h"

#define G_LOG_DOMAIN_SIPREG "sipreg"
#define dbg(...)	    g_log(G_LOG_DOMAIN_SIPREG, G_LOG_LEVEL_DEBUG, __VA_ARGS__)

#define T1_DEFAULT_MS	 500
#define MAX_RETRIES	 3    /* 5xx with Retry-After, then give up */
#define MAX_RETRY_AFTER	 3600 /* longer waits are reported as failures */
#define MAX_423		 2
#define MAX_SYNC	 2 /* sync failures in a row: the SIP DB does not resync */
#define DEFAULT_AUTH_CAP 3

enum reg_state {
	RS_IDLE,
	RS_RESOLVING,
	RS_TRYING,
	RS_AUTHENTICATING,
	RS_REGISTERED,
	RS_RETRY_WAIT,
	RS_DONE,
};

enum reg_phase {
	PHASE_INITIAL,
	PHASE_REFRESH,
	PHASE_DEREGISTER,
};

/* What the Authorization header of the last request carried. */
enum auth_kind {
	AUTH_INITIAL,  /* nonce="" response="" */
	AUTH_RESPONSE, /* fresh from the card */
	AUTH_REUSE,    /* last nonce, nc + 1 (refresh, de-registration) */
	AUTH_SYNC,     /* auts, empty password (RFC 3310 3.4) */
	AUTH_MAC,      /* response="" after a MAC failure (TS 24.229 5.1.1.5.3) */
};

enum reg_timer {
	TIMER_NONE,
	TIMER_F,       /* RFC 3261 17.1.2.2 transaction timeout (E runs beside it on UDP) */
	TIMER_REFRESH, /* TS 24.229 5.1.1.4.1 */
	TIMER_RETRY,   /* RFC 3261 21.5.4 Retry-After */
};

static const struct {
	const char *name;
	enum reg_timer timer;
} state_table[] = {
	[RS_IDLE] = { "idle", TIMER_NONE },
	[RS_RESOLVING] = { "resolving", TIMER_F },
	[RS_TRYING] = { "trying", TIMER_F },
	/* The card answers within card_timeout_ms(), -ETIMEDOUT included: no timer here. */
	[RS_AUTHENTICATING] = { "authenticating", TIMER_NONE },
	[RS_REGISTERED] = { "registered", TIMER_REFRESH },
	[RS_RETRY_WAIT] = { "retry-wait", TIMER_RETRY },
	[RS_DONE] = { "done", TIMER_NONE },
};

enum sub_state {
	SUB_NONE,
	SUB_SUBSCRIBING,
	SUB_ACTIVE,
	SUB_REFUSED,
	SUB_UNSUBSCRIBING,
};

enum sub_timer {
	SUBT_NONE,
	SUBT_F,	      /* RFC 3261 17.1.2.2 for the SUBSCRIBE transaction */
	SUBT_REFRESH, /* TS 24.229 5.1.1.3: refresh as a registration (5.1.1.4.1) */
};

static const struct {
	const char *name;
	enum sub_timer timer;
} sub_table[] = {
	[SUB_NONE] = { "none", SUBT_NONE },
	[SUB_SUBSCRIBING] = { "subscribing", SUBT_F },
	[SUB_ACTIVE] = { "active", SUBT_REFRESH },
	/* Waits for the registration's own refresh, whose timer runs in RS_REGISTERED. */
	[SUB_REFUSED] = { "refused", SUBT_NONE },
	[SUB_UNSUBSCRIBING] = { "unsubscribing", SUBT_F },
};

static const char *const sub_timer_names[] = {
	[SUBT_NONE] = "none",
	[SUBT_F] = "subscribe-F",
	[SUBT_REFRESH] = "subscribe-refresh",
};

static const char *const timer_names[] = {
	[TIMER_NONE] = "none",
	[TIMER_F] = "F",
	[TIMER_REFRESH] = "refresh",
	[TIMER_RETRY] = "retry-after",
};

struct sipreg {
	int refs;
	bool freed;
	struct sipreg_config cfg;
	char *pcscf_host, *local_addr, *impi, *impu, *domain, *uri;
	char *instance_id, *icsi, *pani;
	struct card *card;
	unsigned int card_req; /* the pending AUTHENTICATE, for card_cancel() */
	struct sipreg_events ev;

	enum reg_state state;
	enum reg_phase phase;
	bool registered; /* the network holds our binding */
	unsigned int t1_ms;
	unsigned int expires; /* what we ask for */

	GCancellable *cancel; /* name resolution by the system resolver */
	struct dnsres *dns;   /* name resolution on the PDN (cfg.dns) */
	char *dns_servers[SIPREG_DNS_MAX], *dns_ifname;
	GSocketAddress *pcscf;
	GSocket *udp;
	GSource *udp_src;
	char local_host[64];
	unsigned int local_port;

	GSocket *tcp;
	GSource *tcp_in, *tcp_out;
	bool tcp_connected;
	GByteArray *tcp_rx, *tcp_tx;

	char call_id[64];
	char from_tag[24];
	uint32_t cseq;

	/* The pending client transaction. */
	char branch[40];
	char *msg;
	size_t msg_len;
	bool msg_tcp;
	bool proceeding;
	/* Answers dropped while it was pending (RFC 3261 18.1.2), and why the last was. */
	unsigned int dropped;
	char last_drop[200];
	unsigned int e_ms;
	guint timer_e;
	guint timer; /* the state's timer (state_table) */
	guint idle;  /* deferred start or stop: results never come from inside a call */

	/* Digest state. */
	struct sipmsg_challenge chal;
	bool have_chal;
	uint8_t ha1[DIGEST_HASH_LEN]; /* secret-equivalent: wiped on free */
	bool have_ha1;
	uint32_t nc;
	enum auth_kind auth;
	char auts[DIGEST_AUTS_B64_LEN];
	uint8_t sync_ha1[DIGEST_HASH_LEN];
	unsigned int auth_failures, sync_failures, retries, n423;
	enum sipreg_request req_kind; /* of the pending request */

	struct sipreg_info info;
	char reason[320];

	/* The reg event subscription: its dialog (RFC 6665) and pending transaction. */
	enum sub_state sub;
	char sub_call_id[33];
	char sub_from_tag[17];
	char sub_to_tag[SIPSUB_TEXT_MAX]; /* "" until the 2xx or the first NOTIFY */
	uint32_t sub_cseq;
	unsigned int sub_expires; /* granted */
	char sub_branch[40];
	char *sub_msg;
	size_t sub_msg_len;
	unsigned int sub_e_ms;
	guint sub_timer_e;
	guint sub_timer; /* the sub state's timer (sub_table) */
	bool sub_have_version;
	uint32_t sub_version;	      /* RFC 3680 4.1: of the last reginfo applied */
	unsigned int sub_last_status; /* last outcome told (ev.subscription), ~0 none yet */
	bool rx_tcp;		      /* the message being handled came over TCP */
};

static void send_request(struct sipreg *reg);
static void resend(struct sipreg *reg);
static void set_state(struct sipreg *reg, enum reg_state st, const char *event);
static bool sub_handle(struct sipreg *reg, const uint8_t *buf, size_t len);
static void sub_after_registration(struct sipreg *reg);
static void sub_close(struct sipreg *reg);
static void sub_unsubscribe(struct sipreg *reg);

const char *sipreg_result_str(enum sipreg_result r)
{
	switch (r) {
	case SIPREG_REGISTERED:
		return "registered";
	case SIPREG_REFRESHED:
		return "refreshed";
	case SIPREG_DEREGISTERED:
		return "deregistered";
	case SIPREG_REFUSED:
		return "refused";
	case SIPREG_AUTH_FAILED:
		return "auth-failed";
	case SIPREG_TIMEOUT:
		return "timeout";
	case SIPREG_FAILED:
		return "failed";
	case SIPREG_LOST:
		return "lost";
	case SIPREG_DEREGISTERED_BY_NETWORK:
		return "deregistered-by-network";
	}
	return "?";
}

unsigned int sipreg_refresh_delay(unsigned int expires)
{
	/* TS 24.229 5.1.1.4.1: 600 s before expiry if > 1200 s, else half the period. */
	if (expires > 1200)
		return expires - 600;
	return expires / 2;
}

static struct sipreg *reg_ref(struct sipreg *reg)
{
	reg->refs++;
	return reg;
}

static void reg_unref(struct sipreg *reg)
{
	size_t i;

	if (--reg->refs > 0)
		return;
	for (i = 0; i < SIPREG_DNS_MAX; i++)
		g_free(reg->dns_servers[i]);
	g_free(reg->dns_ifname);
	util_wipe(reg->ha1, sizeof(reg->ha1));
	util_wipe(reg->sync_ha1, sizeof(reg->sync_ha1));
	g_free(reg->pcscf_host);
	g_free(reg->local_addr);
	g_free(reg->impi);
	g_free(reg->impu);
	g_free(reg->domain);
	g_free(reg->uri);
	g_free(reg->instance_id);
	g_free(reg->icsi);
	g_free(reg->pani);
	g_free(reg);
}

static void random_hex(struct sipreg *reg, char *out, size_t bytes)
{
	uint8_t buf[16];

	size_t i;

	g_assert(bytes <= sizeof(buf));
	if (reg->cfg.random_bytes) {
		reg->cfg.random_bytes(buf, bytes);
	} else if (getrandom(buf, bytes, 0) != (ssize_t)bytes) {
		/* Only before the pool is ready (early boot): identifiers need uniqueness only. */
		for (i = 0; i < bytes; i++)
			buf[i] = (uint8_t)g_random_int_range(0, 256);
	}
	util_hex_encode(buf, bytes, out);
}

static void trace(struct sipreg *reg, bool sent, const char *msg, size_t len)
{
	char *copy;

	if (!reg->ev.trace)
		return;
	copy = g_strndup(msg, len);
	sipmsg_redact(copy, len);
	reg->ev.trace(sent, copy, len, reg->ev.user_data);
	g_free(copy);
}

/* ---- timers ---- */

static void clear_source(guint *id)
{
	if (*id) {
		g_source_remove(*id);
		*id = 0;
	}
}

static void stop_transaction(struct sipreg *reg)
{
	clear_source(&reg->timer_e);
	g_free(reg->msg);
	reg->msg = NULL;
	reg->msg_len = 0;
	reg->branch[0] = '\0';
	reg->dropped = 0;
	reg->last_drop[0] = '\0';
}

static void close_tcp(struct sipreg *reg)
{
	if (reg->tcp_in) {
		g_source_destroy(reg->tcp_in);
		g_source_unref(reg->tcp_in);
		reg->tcp_in = NULL;
	}
	if (reg->tcp_out) {
		g_source_destroy(reg->tcp_out);
		g_source_unref(reg->tcp_out);
		reg->tcp_out = NULL;
	}
	if (reg->tcp) {
		g_socket_close(reg->tcp, NULL);
		g_object_unref(reg->tcp);
		reg->tcp = NULL;
	}
	if (reg->tcp_rx)
		g_byte_array_set_size(reg->tcp_rx, 0);
	if (reg->tcp_tx)
		g_byte_array_set_size(reg->tcp_tx, 0);
	reg->tcp_connected = false;
}

static void close_all(struct sipreg *reg)
{
	if (reg->card_req) {
		card_cancel(reg->card, reg->card_req);
		reg->card_req = 0;
	}
	clear_source(&reg->timer);
	clear_source(&reg->idle);
	stop_transaction(reg);
	sub_close(reg);
	if (reg->cancel) {
		g_cancellable_cancel(reg->cancel);
		g_clear_object(&reg->cancel);
	}
	dnsres_free(reg->dns);
	reg->dns = NULL;
	close_tcp(reg);
	if (reg->udp_src) {
		g_source_destroy(reg->udp_src);
		g_source_unref(reg->udp_src);
		reg->udp_src = NULL;
	}
	if (reg->udp) {
		g_socket_close(reg->udp, NULL);
		g_clear_object(&reg->udp);
	}
	g_clear_object(&reg->pcscf);
	if (reg->tcp_rx) {
		g_byte_array_unref(reg->tcp_rx);
		reg->tcp_rx = NULL;
	}
	if (reg->tcp_tx) {
		g_byte_array_unref(reg->tcp_tx);
		reg->tcp_tx = NULL;
	}
}

/*
 * Reports @r. Always the last thing a handler does: the user may free or stop
 * the registration from the callback.
 */
static void report(struct sipreg *reg, enum sipreg_result r, const char *reason)
{
	const struct sipreg_info *info = NULL;

	dbg("result %s%s%s", sipreg_result_str(r), reason ? ": " : "", reason ? reason : "");
	if (r == SIPREG_REGISTERED || r == SIPREG_REFRESHED)
		info = &reg->info;
	if (reg->ev.result)
		reg->ev.result(r, reason, info, reg->ev.user_data);
}

/* Ends the registration with a final result. */
static void finish(struct sipreg *reg, enum sipreg_result r, const char *reason)
{
	if (reason && reason != reg->reason)
		g_strlcpy(reg->reason, reason, sizeof(reg->reason));
	set_state(reg, RS_DONE, sipreg_result_str(r));
	close_all(reg);
	util_wipe(reg->ha1, sizeof(reg->ha1));
	reg->have_ha1 = false;
	report(reg, r, reason ? reg->reason : NULL);
}

/*
 * A failure of the current request. How it is reported depends on the phase:
 * before the first 200 OK it is the failure itself; during a refresh the
 * registration is lost; during de-registration we are done anyway.
 */
static void fail(struct sipreg *reg, enum sipreg_result r, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

static void fail(struct sipreg *reg, enum sipreg_result r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_vsnprintf(reg->reason, sizeof(reg->reason), fmt, ap);
	va_end(ap);
	switch (reg->phase) {
	case PHASE_INITIAL:
		break;
	case PHASE_REFRESH:
		r = SIPREG_LOST;
		break;
	case PHASE_DEREGISTER:
		r = SIPREG_DEREGISTERED;
		break;
	}
	finish(reg, r, reg->reason);
}

static gboolean on_state_timer(gpointer data);

static guint state_timeout_ms(struct sipreg *reg, enum reg_timer t)
{
	switch (t) {
	case TIMER_NONE:
		return 0;
	case TIMER_F:
		return 64 * reg->t1_ms;
	case TIMER_REFRESH: /* in seconds, see set_state() */
	case TIMER_RETRY:   /* armed by the caller with the Retry-After value */
		return 0;
	}
	return 0;
}

/* The one transition function: logs, and arms the new state's named timer. */
static void set_state(struct sipreg *reg, enum reg_state st, const char *event)
{
	enum reg_timer t = state_table[st].timer;
	guint ms;

	dbg("%s -> %s (%s)", state_table[reg->state].name, state_table[st].name, event);
	/* Staying in "trying" across requests keeps nothing: each request re-arms F. */
	clear_source(&reg->timer);
	reg->state = st;
	ms = state_timeout_ms(reg, t);
	/* Retry-After is armed by its caller, with the server's value. */
	if (t == TIMER_REFRESH) {
		/* Whole seconds (up to 2^31 - 600): GLib may batch the wake-up with others. */
		reg->timer = g_timeout_add_seconds(sipreg_refresh_delay(reg->info.expires),
						   on_state_timer, reg);
		dbg("timer %s armed: %u s", timer_names[t],
		    sipreg_refresh_delay(reg->info.expires));
	} else if (t != TIMER_NONE && t != TIMER_RETRY) {
		reg->timer = g_timeout_add(ms, on_state_timer, reg);
		dbg("timer %s armed: %u ms", timer_names[t], ms);
	}
}

static gboolean on_state_timer(gpointer data)
{
	struct sipreg *reg = data;
	enum reg_timer t = state_table[reg->state].timer;

	reg->timer = 0;
	dbg("timer %s fired in %s", timer_names[t], state_table[reg->state].name);
	switch (t) {
	case TIMER_F:
		if (reg->state == RS_RESOLVING)
			fail(reg, SIPREG_TIMEOUT, "no address for the P-CSCF within %u ms",
			     64 * reg->t1_ms);
		else if (!reg->dropped)
			fail(reg, SIPREG_TIMEOUT,
			     "no answer from the P-CSCF (RFC 3261 Timer F, %u ms)",
			     64 * reg->t1_ms);
		else
			fail(reg, SIPREG_TIMEOUT,
			     "no acceptable answer from the P-CSCF (RFC 3261 Timer F, %u ms): "
			     "%u answer%s dropped, the last: %s",
			     64 * reg->t1_ms, reg->dropped, reg->dropped > 1 ? "s" : "",
			     reg->last_drop);
		break;
	case TIMER_REFRESH:
		reg->phase = PHASE_REFRESH;
		resend(reg);
		break;
	case TIMER_RETRY:
		resend(reg);
		break;
	case TIMER_NONE:
		break;
	}
	return G_SOURCE_REMOVE;
}

/* ---- responses ---- */

static unsigned int granted_expires(struct sipreg *reg, const struct sipmsg_response *r)
{
	/* RFC 3261 10.2.4: our Contact's expires, else the Expires header, else what we asked. */
	if (r->contact_expires >= 0)
		return (unsigned int)r->contact_expires;
	if (r->expires >= 0)
		return (unsigned int)r->expires;
	return reg->expires;
}

static void on_200(struct sipreg *reg, const struct sipmsg_response *r)
{
	enum reg_phase phase = reg->phase;
	unsigned int exp;

	stop_transaction(reg);
	if (phase == PHASE_DEREGISTER) {
		reg->registered = false;
		finish(reg, SIPREG_DEREGISTERED, NULL);
		return;
	}
	exp = granted_expires(reg, r);
	if (!exp) {
		fail(reg, SIPREG_FAILED, "registrar granted 0 seconds");
		return;
	}
	reg->registered = true;
	reg->auth_failures = reg->sync_failures = reg->retries = reg->n423 = 0;
	reg->info.expires = exp;
	g_strlcpy(reg->info.service_route, r->service_route, sizeof(reg->info.service_route));
	g_strlcpy(reg->info.associated_uris, r->associated_uris, sizeof(reg->info.associated_uris));
	set_state(reg, RS_REGISTERED, "200");
	sub_after_registration(reg);
	report(reg, phase == PHASE_INITIAL ? SIPREG_REGISTERED : SIPREG_REFRESHED, NULL);
}

static void on_card_done(int err, const struct uicc_auth_result *res, uint16_t sw,
			 const struct card_times *t, void *user_data);

/* Why digest_nonce_decode() refused @nonce: not base64, or too short (the nonce is not secret). */
static void fail_nonce(struct sipreg *reg, const char *nonce)
{
	uint8_t buf[SIPMSG_NONCE_MAX];
	size_t len = 0;

	if (digest_base64_decode(nonce, buf, sizeof(buf), &len) < 0)
		fail(reg, SIPREG_FAILED,
		     "401 nonce of %zu characters is not base64 (RFC 3310 3.2: base64(RAND || "
		     "AUTN || server data))",
		     strlen(nonce));
	else
		fail(reg, SIPREG_FAILED,
		     "401 nonce decodes to %zu bytes, RAND || AUTN needs %d (RFC 3310 3.2)", len,
		     DIGEST_RAND_LEN + DIGEST_AUTN_LEN);
	util_wipe(buf, sizeof(buf));
}

static void on_401(struct sipreg *reg, const struct sipmsg_response *r)
{
	uint8_t rand[DIGEST_RAND_LEN], autn[DIGEST_AUTN_LEN];
	unsigned int cap = reg->cfg.max_auth_failures ?: DEFAULT_AUTH_CAP;

	stop_transaction(reg);
	/*
	 * A fresh RES that is challenged again was rejected by the network,
	 * unless the challenge only says the nonce went stale (RFC 2617 3.2.1).
	 */
	if (reg->auth == AUTH_RESPONSE && !r->challenge.stale && ++reg->auth_failures >= cap) {
		fail(reg, SIPREG_AUTH_FAILED,
		     "the network rejected our authentication response %u times",
		     reg->auth_failures);
		return;
	}
	if (digest_nonce_decode(r->challenge.nonce, rand, autn) < 0) {
		fail_nonce(reg, r->challenge.nonce);
		return;
	}
	reg->chal = r->challenge;
	reg->have_chal = true;
	reg->have_ha1 = false;
	util_wipe(reg->ha1, sizeof(reg->ha1));
	set_state(reg, RS_AUTHENTICATING, "401");
	if (reg->ev.challenged)
		reg->ev.challenged(reg->ev.user_data);
	/* Steps 22-23: straight to the card; stop, free and finish cancel it (close_all). */
	reg->card_req = card_authenticate(reg->card, rand, autn, on_card_done, reg);
	util_wipe(rand, sizeof(rand));
	util_wipe(autn, sizeof(autn));
}

/* RFC 3261 21.5.4 / 21.4.18, TS 24.229 5.1.1.2: a server asking to be retried later. */
static bool asks_retry(const struct sipmsg_response *r)
{
	return (r->status >= 500 || r->status == 480) && r->retry_after >= 0;
}

static bool retryable(const struct sipmsg_response *r)
{
	return asks_retry(r) && r->retry_after <= MAX_RETRY_AFTER;
}

static void on_final(struct sipreg *reg, const struct sipmsg_response *r)
{
	char note[80] = "";

	if (r->status >= 200 && r->status < 300) {
		on_200(reg, r);
		return;
	}
	if (r->status == 401) {
		on_401(reg, r);
		return;
	}
	stop_transaction(reg);
	if (r->status == 423) {
		/* RFC 3261 10.2.8: retry with Min-Expires. */
		if (r->min_expires > (long)reg->expires && ++reg->n423 <= MAX_423 &&
		    reg->phase != PHASE_DEREGISTER) {
			reg->expires = (unsigned int)r->min_expires;
			resend(reg);
			return;
		}
		if (r->min_expires < 0)
			fail(reg, SIPREG_FAILED, "423 %s without Min-Expires", r->reason);
		else if (r->min_expires <= (long)reg->expires)
			fail(reg, SIPREG_FAILED,
			     "423 %s with Min-Expires %ld, not above the %u s asked", r->reason,
			     r->min_expires, reg->expires);
		else if (reg->n423 > MAX_423)
			fail(reg, SIPREG_FAILED, "423 %s again after %d retries with Min-Expires",
			     r->reason, MAX_423);
		else
			fail(reg, SIPREG_FAILED, "423 %s to a de-registration (Expires: 0)",
			     r->reason);
		return;
	}
	if (retryable(r) && reg->retries < MAX_RETRIES) {
		reg->retries++;
		set_state(reg, RS_RETRY_WAIT, "5xx");
		reg->timer = g_timeout_add_seconds((guint)r->retry_after, on_state_timer, reg);
		dbg("timer %s armed: %ld s", timer_names[TIMER_RETRY], r->retry_after);
		return;
	}
	/* A server that asked to be retried and was not: say why. */
	if (asks_retry(r) && !retryable(r))
		g_snprintf(note, sizeof(note), " (Retry-After %ld s: over the %d s we wait)",
			   r->retry_after, MAX_RETRY_AFTER);
	else if (asks_retry(r))
		g_snprintf(note, sizeof(note), " (Retry-After again after %u retries)",
			   reg->retries);
	/* RFC 3261 8.1.3.4 would retry at the Contact; a UE registers via its P-CSCF only. */
	else if (r->status >= 300 && r->status < 400)
		g_snprintf(note, sizeof(note), " (redirects are not followed)");
	if (r->status >= 400 && r->status < 500 && r->status != 408) {
		fail(reg, SIPREG_REFUSED, "%u %s%s", r->status, r->reason, note);
		return;
	}
	if (r->status >= 600) {
		fail(reg, SIPREG_REFUSED, "%u %s%s", r->status, r->reason, note);
		return;
	}
	fail(reg, SIPREG_FAILED, "%u %s%s", r->status, r->reason, note);
}

/* An answer that is not acted upon: counted, for the reason Timer F gives. */
static void drop(struct sipreg *reg, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void drop(struct sipreg *reg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_vsnprintf(reg->last_drop, sizeof(reg->last_drop), fmt, ap);
	va_end(ap);
	reg->dropped++;
	dbg("answer dropped: %s", reg->last_drop);
}

/* RFC 3261 17.1.3: the response matches our transaction by branch and method. */
static bool matches(struct sipreg *reg, const struct sipmsg_response *r)
{
	/* Late copies (a 200 retransmitted after we moved on): not counted, nothing pends. */
	if (reg->state != RS_TRYING) {
		dbg("%u dropped: no request pending", r->status);
		return false;
	}
	if (strcmp(r->branch, reg->branch) != 0) {
		drop(reg, "%u for another transaction (branch %.40s)", r->status, r->branch);
		return false;
	}
	if (strcmp(r->cseq_method, "REGISTER") != 0 || r->cseq != reg->cseq) {
		drop(reg, "%u with CSeq %u %s, ours is %u REGISTER", r->status, r->cseq,
		     r->cseq_method, reg->cseq);
		return false;
	}
	/* Not part of the RFC 3261 17.1.3 match, but another dialog's answer is not ours. */
	if (strcmp(r->call_id, reg->call_id) != 0) {
		drop(reg, "%u with Call-ID %.40s, not ours", r->status, r->call_id);
		return false;
	}
	return true;
}

static void handle_message(struct sipreg *reg, const uint8_t *buf, size_t len)
{
	struct sipmsg_response r;
	const char *err;
	char what[16] = "answer";
	int ret;

	trace(reg, false, (const char *)buf, len);
	if (sub_handle(reg, buf, len))
		return;
	ret = sipmsg_parse_response(buf, len, reg->local_host, reg->local_port, &r, &err);
	/* The status line may have passed where the rest did not: say what it was. */
	if (r.status)
		g_snprintf(what, sizeof(what), "%u", r.status);
	if (ret == -EBADMSG && reg->state == RS_TRYING && len && buf[0] == 'S') {
		/*
		 * A malformed response is dropped (RFC 3261 18.1.2) unless we can
		 * tell it answers our request; then it ends the transaction.
		 */
		if (g_strstr_len((const char *)buf, (gssize)len, reg->branch)) {
			stop_transaction(reg);
			fail(reg, SIPREG_FAILED, "%s from the P-CSCF refused: %s", what, err);
			return;
		}
	}
	if (ret == -ENOTSUP && reg->state == RS_TRYING && !strcmp(r.branch, reg->branch)) {
		stop_transaction(reg);
		fail(reg, SIPREG_FAILED, "%s", err);
		return;
	}
	if (ret < 0) {
		if (r.status)
			drop(reg, "%u refused: %s", r.status, err);
		else
			drop(reg, "%s", err);
		return;
	}
	if (!matches(reg, &r))
		return;
	if (reg->ev.response)
		reg->ev.response(r.status, r.reason, reg->ev.user_data);
	if (r.status < 200) {
		/* RFC 3261 17.1.2.2: Proceeding; UDP retransmits at T2 from now on. */
		reg->proceeding = true;
		return;
	}
	on_final(reg, &r);
}

/* ---- the card ---- */

static void aka_result(struct sipreg *reg, int err, const struct uicc_auth_result *res, uint16_t sw)
{
	unsigned int cap = reg->cfg.max_auth_failures ?: DEFAULT_AUTH_CAP;
	char pw2[DIGEST_AKAV2_PW_LEN];

	if (err < 0) {
		fail(reg, SIPREG_FAILED, "card AUTHENTICATE failed: %s (SW %04x)",
		     card_strerror(err), sw);
		return;
	}
	switch (res->status) {
	case UICC_AUTH_OK:
		if (res->res_len < UICC_RES_MIN || res->res_len > UICC_RES_MAX) {
			fail(reg, SIPREG_FAILED, "card returned a RES of %zu bytes", res->res_len);
			return;
		}
		switch (reg->chal.algorithm) {
		case DIGEST_AKAV1_MD5:
			/* RFC 3310 3.1: the password is RES itself, as bytes. */
			digest_ha1(reg->impi, reg->chal.realm, res->res, res->res_len, reg->ha1);
			break;
		case DIGEST_AKAV2_MD5:
			digest_akav2_password(res->res, res->res_len, res->ik, res->ck, pw2);
			digest_ha1(reg->impi, reg->chal.realm, (const uint8_t *)pw2, strlen(pw2),
				   reg->ha1);
			util_wipe(pw2, sizeof(pw2));
			break;
		}
		reg->have_ha1 = true;
		reg->nc = 0;
		reg->sync_failures = 0;
		reg->auth = AUTH_RESPONSE;
		break;
	case UICC_AUTH_SYNC_FAILURE:
		if (++reg->sync_failures > MAX_SYNC) {
			fail(reg, SIPREG_AUTH_FAILED,
			     "synchronisation failure %u times: the network does not resynchronise",
			     reg->sync_failures);
			return;
		}
		digest_auts_encode(res->auts, reg->auts);
		/* RFC 3310 3.4: the response is computed with an empty password. */
		digest_ha1(reg->impi, reg->chal.realm, NULL, 0, reg->sync_ha1);
		reg->auth = AUTH_SYNC;
		break;
	case UICC_AUTH_MAC_FAILURE:
		if (++reg->auth_failures >= cap) {
			fail(reg, SIPREG_AUTH_FAILED,
			     "network authentication failed: MAC invalid (%u challenges)",
			     reg->auth_failures);
			return;
		}
		reg->auth = AUTH_MAC;
		break;
	}
	send_request(reg);
}

static const char *auth_outcome(int err, const struct uicc_auth_result *res)
{
	if (err < 0)
		return card_strerror(err);
	switch (res->status) {
	case UICC_AUTH_OK:
		return "ok";
	case UICC_AUTH_SYNC_FAILURE:
		return "sync-failure";
	case UICC_AUTH_MAC_FAILURE:
		return "mac-failure";
	}
	return "?";
}

/* The card's answer: exactly once per AUTHENTICATE that was not cancelled. */
static void on_card_done(int err, const struct uicc_auth_result *res, uint16_t sw,
			 const struct card_times *t, void *user_data)
{
	struct sipreg *reg = user_data;

	reg->card_req = 0;
	if (reg->ev.auth_done)
		reg->ev.auth_done(err, auth_outcome(err, res), t, reg->ev.user_data);
	aka_result(reg, err, res, sw);
}

/* ---- requests ---- */

static int build_authorization(struct sipreg *reg, char *buf, size_t size)
{
	struct sipmsg_auth a = {
		.username = reg->impi,
		.realm = reg->domain,
		.uri = reg->uri,
		.nonce = "",
		.response = "",
		.algorithm = DIGEST_AKAV1_MD5,
	};
	char resp[DIGEST_HEX_LEN], cnonce[17];
	uint8_t ha2[DIGEST_HASH_LEN];
	const uint8_t *ha1 = NULL;
	int ret;

	switch (reg->auth) {
	case AUTH_INITIAL:
		break;
	case AUTH_REUSE:
	case AUTH_RESPONSE:
		ha1 = reg->ha1;
		break;
	case AUTH_SYNC:
		ha1 = reg->sync_ha1;
		a.auts = reg->auts;
		break;
	case AUTH_MAC:
		break;
	}
	if (reg->auth != AUTH_INITIAL) {
		a.realm = reg->chal.realm;
		a.nonce = reg->chal.nonce;
		a.algorithm = reg->chal.algorithm;
		a.opaque = reg->chal.has_opaque ? reg->chal.opaque : NULL;
	}
	if (ha1) {
		reg->nc++;
		random_hex(reg, cnonce, 8);
		digest_ha2("REGISTER", reg->uri, ha2);
		digest_response(ha1, reg->chal.nonce, reg->nc, cnonce,
				reg->chal.qop_auth ? "auth" : NULL, ha2, resp);
		a.response = resp;
		if (reg->chal.qop_auth) {
			a.qop = "auth";
			a.nc = reg->nc;
			a.cnonce = cnonce;
		}
	}
	ret = sipmsg_build_authorization(&a, buf, size);
	if (reg->auth == AUTH_SYNC)
		util_wipe(reg->sync_ha1, sizeof(reg->sync_ha1));
	return ret;
}

static int transmit(struct sipreg *reg);

static void on_transport_error(struct sipreg *reg, const char *what, const char *detail)
{
	if (reg->state != RS_TRYING)
		return;
	/* RFC 3261 17.1.4: a transport error ends the transaction. */
	stop_transaction(reg);
	fail(reg, SIPREG_FAILED, "%s: %s", what, detail);
}

static gboolean on_udp_in(GSocket *sock, GIOCondition cond, gpointer data)
{
	struct sipreg *reg = data;
	uint8_t buf[SIPMSG_MAX_LEN];
	GError *error = NULL;
	gssize n;

	n = g_socket_receive(sock, (gchar *)buf, sizeof(buf), NULL, &error);
	if (n < 0) {
		if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
			/* ICMP port unreachable and the like (connected UDP). */
			char detail[128];

			g_strlcpy(detail, error->message, sizeof(detail));
			g_error_free(error);
			reg_ref(reg);
			on_transport_error(reg, "P-CSCF unreachable over UDP", detail);
			reg_unref(reg);
			return G_SOURCE_CONTINUE;
		}
		g_error_free(error);
		return G_SOURCE_CONTINUE;
	}
	reg_ref(reg);
	reg->rx_tcp = false;
	handle_message(reg, buf, (size_t)n);
	reg_unref(reg);
	return G_SOURCE_CONTINUE;
}

static gboolean on_tcp_in(GSocket *sock, GIOCondition cond, gpointer data)
{
	struct sipreg *reg = data;
	uint8_t buf[4096];
	GError *error = NULL;
	gssize n;
	size_t skip, len;
	char err[SIPMSG_ERR_MAX];
	int ret;

	n = g_socket_receive(sock, (gchar *)buf, sizeof(buf), NULL, &error);
	if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
		g_error_free(error);
		return G_SOURCE_CONTINUE;
	}
	reg_ref(reg);
	if (n <= 0) {
		char detail[128];

		g_strlcpy(detail, error ? error->message : "closed by the P-CSCF", sizeof(detail));
		g_clear_error(&error);
		close_tcp(reg);
		on_transport_error(reg, "TCP connection to the P-CSCF lost", detail);
		reg_unref(reg);
		return G_SOURCE_REMOVE;
	}
	g_byte_array_append(reg->tcp_rx, buf, (guint)n);
	while (!reg->freed && reg->tcp && reg->tcp_rx->len) {
		ret = sipmsg_frame(reg->tcp_rx->data, reg->tcp_rx->len, &skip, &len, err,
				   sizeof(err));
		if (ret < 0) {
			close_tcp(reg);
			on_transport_error(reg, "TCP stream from the P-CSCF unusable", err);
			break;
		}
		if (ret == 0) {
			g_byte_array_remove_range(reg->tcp_rx, 0, (guint)skip);
			break;
		}
		{
			uint8_t *m = g_memdup2(reg->tcp_rx->data + skip, len);

			g_byte_array_remove_range(reg->tcp_rx, 0, (guint)(skip + len));
			reg->rx_tcp = true;
			handle_message(reg, m, len);
			g_free(m);
		}
	}
	ret = reg->tcp ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
	reg_unref(reg);
	return ret;
}

static gboolean on_tcp_out(GSocket *sock, GIOCondition cond, gpointer data)
{
	struct sipreg *reg = data;
	int ret;

	g_source_unref(reg->tcp_out);
	reg->tcp_out = NULL;
	reg_ref(reg);
	if (!reg->tcp_connected) {
		GError *error = NULL;

		if (!g_socket_check_connect_result(sock, &error)) {
			char detail[128];

			g_strlcpy(detail, error->message, sizeof(detail));
			g_error_free(error);
			close_tcp(reg);
			on_transport_error(reg, "TCP connect to the P-CSCF failed", detail);
			reg_unref(reg);
			return G_SOURCE_REMOVE;
		}
		reg->tcp_connected = true;
	}
	ret = transmit(reg);
	if (ret < 0) {
		close_tcp(reg);
		on_transport_error(reg, "TCP send to the P-CSCF failed", g_strerror(-ret));
	}
	reg_unref(reg);
	return G_SOURCE_REMOVE;
}

static void watch_tcp_out(struct sipreg *reg)
{
	if (reg->tcp_out)
		return;
	reg->tcp_out = g_socket_create_source(reg->tcp, G_IO_OUT, NULL);
	g_source_set_callback(reg->tcp_out, G_SOURCE_FUNC(on_tcp_out), reg, NULL);
	g_source_attach(reg->tcp_out, NULL);
}

static int open_tcp(struct sipreg *reg)
{
	GInetAddress *ia = NULL;
	GSocketAddress *la = NULL;
	GError *error = NULL;
	int ret = 0;

	reg->tcp = g_socket_new(g_socket_address_get_family(reg->pcscf), G_SOCKET_TYPE_STREAM,
				G_SOCKET_PROTOCOL_TCP, &error);
	if (!reg->tcp)
		goto err;
	g_socket_set_blocking(reg->tcp, FALSE);
	/* Same port number as the UDP socket: one Contact for both transports. */
	ia = g_inet_address_new_from_string(reg->local_host);
	la = g_inet_socket_address_new(ia, (guint16)reg->local_port);
	if (!g_socket_bind(reg->tcp, la, TRUE, &error))
		goto err;
	if (!g_socket_connect(reg->tcp, reg->pcscf, NULL, &error)) {
		if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_PENDING))
			goto err;
		g_clear_error(&error);
	} else {
		reg->tcp_connected = true;
	}
	reg->tcp_in = g_socket_create_source(reg->tcp, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
	g_source_set_callback(reg->tcp_in, G_SOURCE_FUNC(on_tcp_in), reg, NULL);
	g_source_attach(reg->tcp_in, NULL);
	goto out;
err:
	g_strlcpy(reg->reason, error->message, sizeof(reg->reason));
	g_error_free(error);
	g_clear_object(&reg->tcp);
	ret = -EIO;
out:
	g_clear_object(&la);
	g_clear_object(&ia);
	return ret;
}

/* Pushes what is queued on TCP; 0 or -errno. */
static int transmit(struct sipreg *reg)
{
	GError *error = NULL;
	gssize n;

	if (!reg->tcp_connected) {
		watch_tcp_out(reg);
		return 0;
	}
	while (reg->tcp_tx->len) {
		n = g_socket_send(reg->tcp, (const gchar *)reg->tcp_tx->data, reg->tcp_tx->len,
				  NULL, &error);
		if (n < 0) {
			if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
				g_error_free(error);
				watch_tcp_out(reg);
				return 0;
			}
			g_error_free(error);
			return -EIO;
		}
		g_byte_array_remove_range(reg->tcp_tx, 0, (guint)n);
	}
	return 0;
}

static gboolean on_timer_e(gpointer data)
{
	struct sipreg *reg = data;
	unsigned int t2 = 8 * reg->t1_ms;

	/* RFC 3261 17.1.2.2: retransmit, interval doubling up to T2 (T2 once Proceeding). */
	reg->e_ms = reg->proceeding ? t2 : MIN(2 * reg->e_ms, t2);
	reg->timer_e = g_timeout_add(reg->e_ms, on_timer_e, reg);
	dbg("timer E fired: retransmission, next in %u ms", reg->e_ms);
	trace(reg, true, reg->msg, reg->msg_len);
	if (reg->ev.request_sent)
		reg->ev.request_sent(reg->req_kind, true, reg->ev.user_data);
	g_socket_send(reg->udp, reg->msg, reg->msg_len, NULL, NULL);
	return G_SOURCE_REMOVE;
}

/* What the request about to go out is, for the parent's timeline. */
static enum sipreg_request request_kind(const struct sipreg *reg)
{
	switch (reg->phase) {
	case PHASE_INITIAL:
		break;
	case PHASE_REFRESH:
		return SIPREG_REQ_REFRESH;
	case PHASE_DEREGISTER:
		return SIPREG_REQ_DEREGISTER;
	}
	switch (reg->auth) {
	case AUTH_INITIAL:
	case AUTH_MAC: /* response="" (TS 24.229 5.1.1.5.3) */
		return SIPREG_REQ_REGISTER;
	case AUTH_RESPONSE:
	case AUTH_REUSE:
	case AUTH_SYNC:
		break;
	}
	return SIPREG_REQ_REGISTER_AUTH;
}

static void send_request(struct sipreg *reg)
{
	char auth[1024];
	char *buf;
	struct sipmsg_register m = {
		.local_host = reg->local_host,
		.local_port = reg->local_port,
		.branch = reg->branch,
		.domain = reg->domain,
		.impu = reg->impu,
		.from_tag = reg->from_tag,
		.call_id = reg->call_id,
		.expires = reg->phase == PHASE_DEREGISTER ? 0 : reg->expires,
		.authorization = auth,
		.user_agent = "mcmig/" MCMIG_VERSION,
		.instance_id = reg->instance_id,
		.icsi = reg->icsi,
		.pani = reg->pani,
	};
	GError *error = NULL;
	int len, ret;

	stop_transaction(reg);
	ret = build_authorization(reg, auth, sizeof(auth));
	if (ret < 0) {
		fail(reg, SIPREG_FAILED, "cannot build Authorization: %s", g_strerror(-ret));
		return;
	}
	memcpy(reg->branch, "z9hG4bK", 7);
	random_hex(reg, reg->branch + 7, 12);
	reg->cseq++;
	m.cseq = reg->cseq;
	buf = g_malloc(SIPMSG_MAX_LEN + 1);
	m.tcp = reg->cfg.transport == SIPREG_TRANSPORT_TCP || reg->cfg.force_tcp;
	len = sipmsg_build_register(&m, buf, SIPMSG_MAX_LEN + 1);
	if (len > SIPMSG_UDP_MAX && !m.tcp) {
		/* RFC 3261 18.1.1: too large for UDP without a known path MTU. */
		m.tcp = true;
		len = sipmsg_build_register(&m, buf, SIPMSG_MAX_LEN + 1);
	}
	util_wipe(auth, sizeof(auth));
	if (len < 0) {
		g_free(buf);
		fail(reg, SIPREG_FAILED, "cannot build REGISTER: %s", g_strerror(-len));
		return;
	}
	reg->msg = buf;
	reg->msg_len = (size_t)len;
	reg->msg_tcp = m.tcp;
	reg->proceeding = false;
	set_state(reg, RS_TRYING, "send");
	trace(reg, true, buf, (size_t)len);
	reg->req_kind = request_kind(reg);
	if (reg->ev.request_sent)
		reg->ev.request_sent(reg->req_kind, false, reg->ev.user_data);
	if (m.tcp) {
		if (!reg->tcp && open_tcp(reg) < 0) {
			fail(reg, SIPREG_FAILED, "TCP to the P-CSCF: %s", reg->reason);
			return;
		}
		g_byte_array_append(reg->tcp_tx, (const guint8 *)buf, (guint)len);
		ret = transmit(reg);
		if (ret < 0) {
			close_tcp(reg);
			fail(reg, SIPREG_FAILED, "TCP send to the P-CSCF failed");
		}
		return;
	}
	if (g_socket_send(reg->udp, buf, (gsize)len, NULL, &error) < 0) {
		/* Not fatal: Timer E retransmits, Timer F bounds the attempt. */
		dbg("UDP send: %s", error->message);
		g_error_free(error);
	}
	reg->e_ms = reg->t1_ms;
	reg->timer_e = g_timeout_add(reg->e_ms, on_timer_e, reg);
}

/*
 * A new request that is not the answer to a challenge (refresh, de-registration,
 * after 423 or Retry-After): it answers the last challenge again with nc + 1
 * (TS 24.229 5.1.1.4.1) when we hold its HA1, else starts without credentials.
 */
static void resend(struct sipreg *reg)
{
	reg->auth = reg->have_ha1 ? AUTH_REUSE : AUTH_INITIAL;
	send_request(reg);
}

/* ---- the reg event subscription (TS 24.229 5.1.1.3, 5.1.1.7; RFC 6665, RFC 3680) ---- */

static gboolean on_sub_timer(gpointer data);

static void sub_stop_transaction(struct sipreg *reg)
{
	clear_source(&reg->sub_timer_e);
	g_free(reg->sub_msg);
	reg->sub_msg = NULL;
	reg->sub_msg_len = 0;
	reg->sub_branch[0] = '\0';
}

static void sub_close(struct sipreg *reg)
{
	clear_source(&reg->sub_timer);
	sub_stop_transaction(reg);
}

/* The subscription's transition function: logs, and arms the new state's named timer. */
static void sub_set_state(struct sipreg *reg, enum sub_state st, const char *event)
{
	enum sub_timer t = sub_table[st].timer;
	unsigned int delay;

	dbg("subscription %s -> %s (%s)", sub_table[reg->sub].name, sub_table[st].name, event);
	clear_source(&reg->sub_timer);
	reg->sub = st;
	switch (t) {
	case SUBT_NONE:
		break;
	case SUBT_F:
		reg->sub_timer = g_timeout_add(64 * reg->t1_ms, on_sub_timer, reg);
		dbg("timer %s armed: %u ms", sub_timer_names[t], 64 * reg->t1_ms);
		break;
	case SUBT_REFRESH:
		delay = sipreg_refresh_delay(reg->sub_expires);
		reg->sub_timer = g_timeout_add_seconds(delay, on_sub_timer, reg);
		dbg("timer %s armed: %u s", sub_timer_names[t], delay);
		break;
	}
}

/* Tells the parent when the outcome changes: a refusal once, not at every retry. */
static void sub_tell(struct sipreg *reg, unsigned int status, const char *reason)
{
	bool ok = status >= 200 && status < 300;
	bool was_ok = reg->sub_last_status >= 200 && reg->sub_last_status < 300;
	bool first = reg->sub_last_status == ~0u;

	reg->sub_last_status = status;
	if ((first || ok != was_ok) && reg->ev.subscription)
		reg->ev.subscription(status, reason, reg->ev.user_data);
}

/*
 * The SUBSCRIBE failed: the registration carries on (a P-CSCF-less S-CSCF
 * may refuse a SUBSCRIBE without P-Asserted-Identity) and the next
 * registration refresh subscribes again, in a new dialog.
 */
static void sub_failed(struct sipreg *reg, unsigned int status, const char *reason)
{
	if (reg->sub == SUB_UNSUBSCRIBING) {
		sub_set_state(reg, SUB_NONE, "unsubscribe-failed");
		return;
	}
	dbg("reg event subscription failed: %u %s", status, reason);
	sub_set_state(reg, SUB_REFUSED, status ? "refused" : "timeout");
	sub_tell(reg, status, reason);
}

/* Sends @buf on @tcp or UDP; 0 or -errno (TCP unusable). */
static int send_raw(struct sipreg *reg, bool tcp, const char *buf, size_t len)
{
	GError *error = NULL;

	trace(reg, true, buf, len);
	if (tcp) {
		if (!reg->tcp && open_tcp(reg) < 0)
			return -EIO;
		g_byte_array_append(reg->tcp_tx, (const guint8 *)buf, (guint)len);
		return transmit(reg);
	}
	if (g_socket_send(reg->udp, buf, len, NULL, &error) < 0) {
		/* Not fatal: Timer E retransmits a request, the NOTIFY's sender its NOTIFY. */
		dbg("UDP send: %s", error->message);
		g_error_free(error);
	}
	return 0;
}

static gboolean on_sub_timer_e(gpointer data)
{
	struct sipreg *reg = data;
	unsigned int t2 = 8 * reg->t1_ms;

	/* RFC 3261 17.1.2.2, as for REGISTER. */
	reg->sub_e_ms = MIN(2 * reg->sub_e_ms, t2);
	reg->sub_timer_e = g_timeout_add(reg->sub_e_ms, on_sub_timer_e, reg);
	trace(reg, true, reg->sub_msg, reg->sub_msg_len);
	g_socket_send(reg->udp, reg->sub_msg, reg->sub_msg_len, NULL, NULL);
	return G_SOURCE_REMOVE;
}

/* SUBSCRIBE (@expires > 0) or unsubscribe (0) in the current dialog. */
static void sub_send(struct sipreg *reg, unsigned int expires)
{
	struct sipsub_subscribe m = {
		/* The registration's transport: the one its REGISTER used last. */
		.tcp = reg->cfg.transport == SIPREG_TRANSPORT_TCP || reg->cfg.force_tcp ||
		       reg->msg_tcp,
		.local_host = reg->local_host,
		.local_port = reg->local_port,
		.branch = reg->sub_branch,
		.impu = reg->impu,
		/* TS 24.229 5.1.1.3: routed by the Service-Route of the registration. */
		.route = reg->info.service_route,
		.from_tag = reg->sub_from_tag,
		.to_tag = reg->sub_to_tag[0] ? reg->sub_to_tag : NULL,
		.call_id = reg->sub_call_id,
		.expires = expires,
		.user_agent = "mcmig/" MCMIG_VERSION,
	};
	char *buf;
	int len;

	sub_stop_transaction(reg);
	memcpy(reg->sub_branch, "z9hG4bK", 7);
	random_hex(reg, reg->sub_branch + 7, 12);
	m.cseq = ++reg->sub_cseq;
	buf = g_malloc(SIPMSG_MAX_LEN + 1);
	len = sipsub_build_subscribe(&m, buf, SIPMSG_MAX_LEN + 1);
	if (len > SIPMSG_UDP_MAX && !m.tcp) {
		/* RFC 3261 18.1.1, as for REGISTER. */
		m.tcp = true;
		len = sipsub_build_subscribe(&m, buf, SIPMSG_MAX_LEN + 1);
	}
	sub_set_state(reg, expires ? SUB_SUBSCRIBING : SUB_UNSUBSCRIBING, "send");
	if (len < 0) {
		g_free(buf);
		sub_failed(reg, 0, "cannot build SUBSCRIBE");
		return;
	}
	reg->sub_msg = buf;
	reg->sub_msg_len = (size_t)len;
	if (send_raw(reg, m.tcp, buf, (size_t)len) < 0) {
		close_tcp(reg);
		sub_stop_transaction(reg);
		sub_failed(reg, 0, "TCP to the P-CSCF unusable");
		return;
	}
	if (!m.tcp) {
		reg->sub_e_ms = reg->t1_ms;
		reg->sub_timer_e = g_timeout_add(reg->sub_e_ms, on_sub_timer_e, reg);
	}
}

static gboolean on_sub_timer(gpointer data)
{
	struct sipreg *reg = data;
	enum sub_timer t = sub_table[reg->sub].timer;

	reg->sub_timer = 0;
	dbg("timer %s fired in subscription %s", sub_timer_names[t], sub_table[reg->sub].name);
	switch (t) {
	case SUBT_F:
		sub_stop_transaction(reg);
		sub_failed(reg, 0, "no answer to SUBSCRIBE (RFC 3261 Timer F)");
		break;
	case SUBT_REFRESH:
		sub_send(reg, reg->cfg.reg_event_expires);
		break;
	case SUBT_NONE:
		break;
	}
	return G_SOURCE_REMOVE;
}

/* TS 24.229 5.1.1.3: after every successful registration, when not subscribed yet. */
static void sub_after_registration(struct sipreg *reg)
{
	if (!reg->cfg.reg_event_expires)
		return;
	switch (reg->sub) {
	case SUB_NONE:
	case SUB_REFUSED:
		break;
	case SUB_SUBSCRIBING:
	case SUB_ACTIVE:
	case SUB_UNSUBSCRIBING:
		return;
	}
	/* A new dialog (RFC 6665 4.1.2.1), and RFC 3680 versions start over. */
	random_hex(reg, reg->sub_call_id, 16);
	random_hex(reg, reg->sub_from_tag, 8);
	reg->sub_to_tag[0] = '\0';
	reg->sub_cseq = 0;
	reg->sub_have_version = false;
	sub_send(reg, reg->cfg.reg_event_expires);
}

/* Before de-registering: terminate an active subscription (RFC 6665 4.1.2.3, Expires: 0). */
static void sub_unsubscribe(struct sipreg *reg)
{
	switch (reg->sub) {
	case SUB_ACTIVE:
		sub_send(reg, 0);
		break;
	case SUB_SUBSCRIBING:
		/* Not established yet: the de-registration ends it at the S-CSCF. */
		sub_stop_transaction(reg);
		sub_set_state(reg, SUB_NONE, "stop");
		break;
	case SUB_NONE:
	case SUB_REFUSED:
	case SUB_UNSUBSCRIBING:
		break;
	}
}

static void sub_on_response(struct sipreg *reg, const struct sipsub_msg *m)
{
	/* RFC 3261 17.1.3: our pending SUBSCRIBE's, by branch, CSeq and Call-ID. */
	if (!reg->sub_branch[0] || strcmp(m->branch, reg->sub_branch) != 0 ||
	    m->cseq != reg->sub_cseq || strcmp(m->call_id, reg->sub_call_id) != 0) {
		dbg("stray SUBSCRIBE response %u (cseq %u) dropped", m->status, m->cseq);
		return;
	}
	if (m->status < 200)
		return;
	sub_stop_transaction(reg);
	if (reg->sub == SUB_UNSUBSCRIBING) {
		sub_set_state(reg, SUB_NONE, "unsubscribed");
		return;
	}
	if (m->status >= 300) {
		sub_failed(reg, m->status, m->reason);
		return;
	}
	if (!reg->sub_to_tag[0])
		g_strlcpy(reg->sub_to_tag, m->to_tag, sizeof(reg->sub_to_tag));
	/* RFC 6665 4.1.2.1: the 2xx's Expires is what the notifier granted. */
	reg->sub_expires = m->expires >= 0 ? (unsigned int)m->expires : reg->cfg.reg_event_expires;
	if (!reg->sub_expires) {
		sub_set_state(reg, SUB_NONE, "granted 0 s");
		return;
	}
	sub_set_state(reg, SUB_ACTIVE, "2xx");
	sub_tell(reg, m->status, m->reason);
}

static void sub_answer(struct sipreg *reg, const uint8_t *req, size_t len, unsigned int status,
		       const char *phrase)
{
	char buf[2048];
	int n;

	n = sipsub_build_response(req, len, status, phrase, reg->from_tag, buf, sizeof(buf));
	if (n < 0) {
		dbg("cannot answer %u: %s", status, g_strerror(-n));
		return;
	}
	if (send_raw(reg, reg->rx_tcp, buf, (size_t)n) < 0)
		close_tcp(reg);
}

/* What our contact's state in a NOTIFY asks of us (TS 24.229 5.1.1.7). */
static void apply_reginfo(struct sipreg *reg, const struct reginfo *ri)
{
	enum reginfo_event ev = REGINFO_EV_REGISTERED;
	long expires = -1;

	switch (reginfo_own_contact(ri, reg->impu, reg->local_host, reg->local_port, &ev,
				    &expires)) {
	case REGINFO_NOTHING:
		return;
	case REGINFO_ENDED:
		/* The binding is gone: nothing to de-register, and no re-registration. */
		reg->registered = false;
		finish(reg, SIPREG_DEREGISTERED_BY_NETWORK, reginfo_event_str(ev));
		return;
	case REGINFO_REREGISTER:
		/* "deactivated": a new initial registration; its outcome reads as a refresh's. */
		dbg("contact deactivated by the network: registering again");
		if (reg->card_req) {
			card_cancel(reg->card, reg->card_req);
			reg->card_req = 0;
		}
		reg->registered = false;
		reg->have_ha1 = false;
		util_wipe(reg->ha1, sizeof(reg->ha1));
		reg->phase = PHASE_REFRESH;
		reg->auth = AUTH_INITIAL;
		send_request(reg);
		return;
	case REGINFO_SHORTENED:
		/* Refresh by the new expiry (TS 24.229 5.1.1.4.1 on the shortened value). */
		if (reg->state != RS_REGISTERED || expires <= 0)
			return;
		reg->info.expires = (unsigned int)expires;
		set_state(reg, RS_REGISTERED, "shortened");
		return;
	}
}

static void on_notify(struct sipreg *reg, const uint8_t *buf, size_t len,
		      const struct sipsub_msg *m)
{
	struct reginfo *ri;
	const char *err;
	bool dialog = reg->sub == SUB_SUBSCRIBING || reg->sub == SUB_ACTIVE ||
		      reg->sub == SUB_UNSUBSCRIBING;

	/*
	 * RFC 6665 4.1.2.4, RFC 3261 12.2.2: ours by Call-ID, our tag, the
	 * notifier's tag once known, and the event package; else 481.
	 */
	if (!dialog || strcmp(m->call_id, reg->sub_call_id) != 0 ||
	    strcmp(m->to_tag, reg->sub_from_tag) != 0 || strcmp(m->event, "reg") != 0 ||
	    (reg->sub_to_tag[0] && strcmp(m->from_tag, reg->sub_to_tag) != 0)) {
		dbg("NOTIFY outside our subscription: 481");
		sub_answer(reg, buf, len, 481, "Call/Transaction Does Not Exist");
		return;
	}
	if (!reg->sub_to_tag[0])
		g_strlcpy(reg->sub_to_tag, m->from_tag, sizeof(reg->sub_to_tag));
	sub_answer(reg, buf, len, 200, "OK");
	if (strcmp(m->sub_state, "terminated") == 0) {
		/* The notifier ended it: the next registration refresh subscribes again. */
		sub_stop_transaction(reg);
		sub_set_state(reg, SUB_NONE, "notify-terminated");
	}
	if (!m->reginfo || !m->body_len)
		return;
	ri = g_new(struct reginfo, 1);
	if (reginfo_parse(buf + m->body_off, m->body_len, ri, &err) < 0) {
		dbg("NOTIFY body refused: %s", err);
	} else if (reg->sub_have_version && ri->version <= reg->sub_version) {
		/* RFC 3680 4.1: not newer than what we applied: old news. */
		dbg("reginfo version %u not above %u: ignored", ri->version, reg->sub_version);
	} else {
		reg->sub_have_version = true;
		reg->sub_version = ri->version;
		/* Our own de-registration's NOTIFY, or one while we re-register: nothing to do. */
		if (reg->registered && reg->phase != PHASE_DEREGISTER)
			apply_reginfo(reg, ri);
	}
	g_free(ri);
}

/* Messages of the subscription: true when handled here (not REGISTER's). */
static bool sub_handle(struct sipreg *reg, const uint8_t *buf, size_t len)
{
	struct sipsub_msg m;
	const char *err;
	bool response = len >= 8 && memcmp(buf, "SIP/2.0 ", 8) == 0;

	if (sipsub_parse(buf, len, &m, &err) < 0) {
		/*
		 * REGISTER's checks go on with it: a response of ours, or else a
		 * message they drop and count for the reason Timer F gives.
		 */
		if (!response)
			dbg("not a request we can read: %s", err);
		return false;
	}
	if (response) {
		/* Another user of the registration's transport (sipreg_send()). */
		if (strcmp(m.cseq_method, "SUBSCRIBE") != 0 &&
		    strcmp(m.cseq_method, "REGISTER") != 0 && reg->ev.message) {
			reg->ev.message(buf, len, reg->ev.user_data);
			return true;
		}
		if (strcmp(m.cseq_method, "SUBSCRIBE") != 0)
			return false;
		sub_on_response(reg, &m);
		return true;
	}
	if (strcmp(m.method, "NOTIFY") == 0)
		on_notify(reg, buf, len, &m);
	else
		dbg("%s request ignored", m.method);
	return true;
}

/* ---- start: address, sockets ---- */

static void start_with_address(struct sipreg *reg, GInetAddress *addr)
{
	char why[200]; /* not reg->reason: fail() formats into it */
	GSocketAddress *sa = NULL, *local = NULL;
	GInetAddress *bind_ia = NULL;
	GError *error = NULL;
	gchar *s;

	reg->pcscf = g_inet_socket_address_new(addr, (guint16)reg->cfg.pcscf_port);
	reg->udp = g_socket_new(g_inet_address_get_family(addr), G_SOCKET_TYPE_DATAGRAM,
				G_SOCKET_PROTOCOL_UDP, &error);
	if (!reg->udp)
		goto err;
	g_socket_set_blocking(reg->udp, FALSE);
	if (reg->local_addr) {
		bind_ia = g_inet_address_new_from_string(reg->local_addr);
		if (!bind_ia) {
			fail(reg, SIPREG_FAILED, "local address '%s' is not an IP address",
			     reg->local_addr);
			return;
		}
	} else {
		bind_ia = g_inet_address_new_any(g_inet_address_get_family(addr));
	}
	sa = g_inet_socket_address_new(bind_ia, 0);
	if (!g_socket_bind(reg->udp, sa, FALSE, &error))
		goto err;
	/* Connected UDP: the kernel picks the source address for Via/Contact, and filters. */
	if (!g_socket_connect(reg->udp, reg->pcscf, NULL, &error))
		goto err;
	local = g_socket_get_local_address(reg->udp, &error);
	if (!local)
		goto err;
	s = g_inet_address_to_string(
		g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(local)));
	g_strlcpy(reg->local_host, s, sizeof(reg->local_host));
	g_free(s);
	reg->local_port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local));
	reg->udp_src = g_socket_create_source(reg->udp, G_IO_IN | G_IO_ERR, NULL);
	g_source_set_callback(reg->udp_src, G_SOURCE_FUNC(on_udp_in), reg, NULL);
	g_source_attach(reg->udp_src, NULL);
	reg->tcp_rx = g_byte_array_new();
	reg->tcp_tx = g_byte_array_new();
	g_object_unref(sa);
	g_object_unref(local);
	g_object_unref(bind_ia);
	send_request(reg);
	return;
err:
	g_clear_object(&sa);
	g_clear_object(&local);
	g_clear_object(&bind_ia);
	g_strlcpy(why, error->message, sizeof(why));
	g_error_free(error);
	fail(reg, SIPREG_FAILED, "socket towards the P-CSCF: %s", why);
}

static void on_resolved(GObject *src, GAsyncResult *res, gpointer data)
{
	struct sipreg *reg = data;
	GError *error = NULL;
	GList *addrs;

	addrs = g_resolver_lookup_by_name_finish(G_RESOLVER(src), res, &error);
	if (reg->freed || (error && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))) {
		g_clear_error(&error);
		g_resolver_free_addresses(addrs);
		reg_unref(reg);
		return;
	}
	g_clear_object(&reg->cancel);
	if (!addrs) {
		/* Not through reg->reason: fail() formats into it. */
		char why[200];

		g_strlcpy(why, error ? error->message : "no address", sizeof(why));
		g_clear_error(&error);
		fail(reg, SIPREG_FAILED, "P-CSCF %s: %s", reg->pcscf_host, why);
		reg_unref(reg);
		return;
	}
	if (reg->ev.resolved) {
		gchar *a = g_inet_address_to_string(addrs->data);
		char how[128];

		snprintf(how, sizeof(how), "system resolver -> udp %s:%u", a, reg->cfg.pcscf_port);
		g_free(a);
		reg->ev.resolved(how, reg->ev.user_data);
	}
	start_with_address(reg, addrs->data);
	g_resolver_free_addresses(addrs);
	reg_unref(reg);
}

static void on_pdn_resolved(int err, const char *reason, const struct dnsres_sip *r, void *data)
{
	struct sipreg *reg = data;
	GInetAddress *addr;
	char how[sizeof(r->path) + 160];

	/* The lookup is over: the resolver goes (this callback may free it). */
	dnsres_free(reg->dns);
	reg->dns = NULL;
	if (err < 0) {
		fail(reg, SIPREG_FAILED, "P-CSCF not resolved on the PDN: %s", reason);
		return;
	}
	addr = g_inet_address_new_from_string(r->addrs[0]);
	if (!addr) {
		fail(reg, SIPREG_FAILED, "P-CSCF %s: address '%s' unusable", reg->pcscf_host,
		     r->addrs[0]);
		return;
	}
	/* RFC 3263 4.1/4.2: the transport and port come with the address. */
	reg->cfg.pcscf_port = r->port;
	if (reg->cfg.transport == SIPREG_TRANSPORT_ANY || r->transport == SIPDNS_TCP)
		reg->cfg.transport = r->transport == SIPDNS_TCP ? SIPREG_TRANSPORT_TCP :
								  SIPREG_TRANSPORT_UDP;
	snprintf(how, sizeof(how), "%s -> %s %s:%u (DNS %s%s%s)", r->path,
		 sipdns_transport_str(r->transport), r->addrs[0], r->port, reg->dns_servers[0],
		 reg->dns_ifname ? " on " : "", reg->dns_ifname ? reg->dns_ifname : "");
	dbg("P-CSCF %s: %s", reg->pcscf_host, how);
	if (reg->ev.resolved)
		reg->ev.resolved(how, reg->ev.user_data);
	start_with_address(reg, addr);
	g_object_unref(addr);
}

/* RFC 3263 through the PDN's DNS servers, over its netdev. */
static int resolve_on_pdn(struct sipreg *reg)
{
	struct dnsres_config dc = { .ifname = reg->dns_ifname };
	/* force_tcp (e.g. a PUBLISH over 1300 bytes to follow, RFC 3261
	 * 18.1.1): only the TCP records will do (RFC 3263 4.1). */
	bool tcp = reg->cfg.transport == SIPREG_TRANSPORT_TCP || reg->cfg.force_tcp;
	enum sipdns_transport t = tcp ? SIPDNS_TCP : SIPDNS_UDP;
	GInetAddress *local = NULL;
	int family = AF_UNSPEC, ret;
	size_t i;

	for (i = 0; i < reg->cfg.n_dns; i++)
		dc.servers[dc.n_servers++] = reg->dns_servers[i];
	ret = dnsres_new(&reg->dns, &dc);
	if (ret < 0)
		return ret;
	/* The P-CSCF's family is the one our bound address can reach. */
	if (reg->local_addr)
		local = g_inet_address_new_from_string(reg->local_addr);
	if (local) {
		family = g_inet_address_get_family(local) == G_SOCKET_FAMILY_IPV6 ? AF_INET6 :
										    AF_INET;
		g_object_unref(local);
	}
	if (!dnsres_lookup_sip(reg->dns, reg->pcscf_host, (uint16_t)reg->cfg.pcscf_port,
			       reg->cfg.transport == SIPREG_TRANSPORT_ANY && !tcp ? NULL : &t,
			       family, on_pdn_resolved, reg)) {
		dnsres_free(reg->dns);
		reg->dns = NULL;
		return -EINVAL;
	}
	return 0;
}

int sipreg_new(struct sipreg **out, const struct sipreg_config *cfg, struct card *card,
	       const struct sipreg_events *ev)
{
	struct sipreg *reg;

	size_t i;

	if (!out || !cfg || !card || !ev || !cfg->pcscf_host || !cfg->impi || !cfg->impu ||
	    !cfg->domain || cfg->pcscf_port > 65535 || !cfg->expires || cfg->n_dns > SIPREG_DNS_MAX)
		return -EINVAL;
	for (i = 0; i < cfg->n_dns; i++)
		if (!cfg->dns[i])
			return -EINVAL;
	reg = g_new0(struct sipreg, 1);
	reg->refs = 1;
	reg->cfg = *cfg;
	reg->pcscf_host = g_strdup(cfg->pcscf_host);
	reg->local_addr = g_strdup(cfg->local_addr);
	reg->impi = g_strdup(cfg->impi);
	reg->impu = g_strdup(cfg->impu);
	reg->domain = g_strdup(cfg->domain);
	for (i = 0; i < cfg->n_dns; i++)
		reg->dns_servers[i] = g_strdup(cfg->dns[i]);
	reg->dns_ifname = g_strdup(cfg->dns_ifname);
	/* TS 24.229 5.1.1.2.1: the Request-URI (and digest uri) is the home domain. */
	reg->uri = g_strdup_printf("sip:%s", cfg->domain);
	reg->instance_id = g_strdup(cfg->instance_id);
	reg->icsi = g_strdup(cfg->icsi);
	reg->pani = g_strdup(cfg->pani);
	reg->cfg.pcscf_host = reg->cfg.local_addr = reg->cfg.impi = reg->cfg.impu =
		reg->cfg.domain = reg->cfg.dns_ifname = NULL;
	reg->cfg.instance_id = reg->cfg.icsi = reg->cfg.pani = NULL;
	memset(reg->cfg.dns, 0, sizeof(reg->cfg.dns));
	reg->card = card;
	reg->ev = *ev;
	reg->t1_ms = cfg->t1_ms ?: T1_DEFAULT_MS;
	reg->expires = cfg->expires;
	reg->sub_last_status = ~0u;
	*out = reg;
	return 0;
}

/* A literal address: set up on the next loop iteration so that errors are reported async. */
static gboolean on_start_idle(gpointer data)
{
	struct sipreg *reg = data;
	GInetAddress *addr = g_inet_address_new_from_string(reg->pcscf_host);

	reg->idle = 0;
	start_with_address(reg, addr);
	g_object_unref(addr);
	return G_SOURCE_REMOVE;
}

int sipreg_start(struct sipreg *reg)
{
	GInetAddress *addr;
	int ret;

	if (reg->state != RS_IDLE)
		return -EALREADY;
	random_hex(reg, reg->call_id, 16);
	random_hex(reg, reg->from_tag, 8);
	reg->phase = PHASE_INITIAL;
	reg->auth = AUTH_INITIAL;
	addr = g_inet_address_new_from_string(reg->pcscf_host);
	if (addr || !reg->cfg.n_dns) {
		/* RFC 3263 4.1/4.2: a numeric host (or no SRV) means UDP and 5060 unless given. */
		if (!reg->cfg.pcscf_port)
			reg->cfg.pcscf_port = 5060;
		if (reg->cfg.transport == SIPREG_TRANSPORT_ANY)
			reg->cfg.transport = SIPREG_TRANSPORT_UDP;
	} else {
		ret = resolve_on_pdn(reg);
		if (ret < 0)
			return ret;
	}
	set_state(reg, RS_RESOLVING, "start");
	if (addr) {
		g_object_unref(addr);
		reg->idle = g_idle_add(on_start_idle, reg);
		return 0;
	}
	if (reg->dns)
		return 0;
	reg->cancel = g_cancellable_new();
	g_resolver_lookup_by_name_async(g_resolver_get_default(), reg->pcscf_host, reg->cancel,
					on_resolved, reg_ref(reg));
	return 0;
}

static gboolean on_stopped_idle(gpointer data)
{
	struct sipreg *reg = data;

	reg->idle = 0;
	finish(reg, SIPREG_DEREGISTERED, "was not registered");
	return G_SOURCE_REMOVE;
}

int sipreg_stop(struct sipreg *reg)
{
	if (reg->state == RS_IDLE || reg->state == RS_DONE || reg->phase == PHASE_DEREGISTER)
		return -EALREADY;
	/* An AUTHENTICATE in flight is no longer wanted. */
	if (reg->card_req) {
		card_cancel(reg->card, reg->card_req);
		reg->card_req = 0;
	}
	/* A binding may exist once a real response went out: take it down explicitly. */
	if (reg->registered || reg->have_ha1) {
		sub_unsubscribe(reg);
		reg->phase = PHASE_DEREGISTER;
		resend(reg);
		return 0;
	}
	reg->phase = PHASE_DEREGISTER;
	/* Nothing to take down: drop the pending start, lookup, request or card answer. */
	close_all(reg);
	set_state(reg, RS_DONE, "stop");
	/* The result is always asynchronous, as for every other path. */
	reg->idle = g_idle_add(on_stopped_idle, reg);
	return 0;
}

int sipreg_get_route(const struct sipreg *reg, struct sipreg_route *r)
{
	if (!reg->registered)
		return -ENOTCONN;
	memset(r, 0, sizeof(*r));
	/* The registration's transport: the one its REGISTER used last (as sub_send()). */
	r->tcp = reg->cfg.transport == SIPREG_TRANSPORT_TCP || reg->cfg.force_tcp || reg->msg_tcp;
	g_strlcpy(r->local_host, reg->local_host, sizeof(r->local_host));
	r->local_port = reg->local_port;
	g_strlcpy(r->impu, reg->impu, sizeof(r->impu));
	g_strlcpy(r->service_route, reg->info.service_route, sizeof(r->service_route));
	/* As sipmsg_build_register() writes it. */
	g_snprintf(r->contact, sizeof(r->contact), "sip:%s%s%s:%u%s",
		   strchr(reg->local_host, ':') ? "[" : "", reg->local_host,
		   strchr(reg->local_host, ':') ? "]" : "", reg->local_port,
		   reg->cfg.transport == SIPREG_TRANSPORT_TCP || reg->cfg.force_tcp ?
			   ";transport=tcp" :
			   "");
	return 0;
}

int sipreg_send(struct sipreg *reg, bool tcp, const char *buf, size_t len)
{
	if (!reg->registered)
		return -ENOTCONN;
	if (send_raw(reg, tcp, buf, len) < 0) {
		close_tcp(reg);
		return -EIO;
	}
	return 0;
}

void sipreg_binding(const struct sipreg *reg, char *call_id, size_t call_id_len, char *contact,
		    size_t contact_len)
{
	snprintf(call_id, call_id_len, "%s", reg->call_id);
	if (reg->local_host[0])
		snprintf(contact, contact_len, strchr(reg->local_host, ':') ? "[%s]:%u" : "%s:%u",
			 reg->local_host, reg->local_port);
	else if (contact_len)
		contact[0] = '\0';
}

void sipreg_free(struct sipreg *reg)
{
	if (!reg)
		return;
	reg->freed = true;
	reg->ev.result = NULL;
	reg->ev.trace = NULL;
	close_all(reg);
	reg_unref(reg);
}
