// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PUBLISH client of MC service authorisation (TS 24.379 7.2.2,
 * RFC 3903 4). Each PUBLISH is a non-INVITE client transaction (RFC 3261
 * 17.1.2): over UDP Timer E retransmits (T1 doubling up to T2) until
 * Timer F (64*T1); over TCP only Timer F runs.
 *
 * States (the table gives each its name and its timer):
 *   idle -> publishing -> published -> refreshing -> published ...
 *   published/publishing/refreshing -> removing -> done
 *   any -> done (final result)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <glib.h>

#include "mcsvc-msg.h"
#include "mcsvc.h"
#include "sipmsg.h"
#include "util.h"

#define G_LOG_DOMAIN_MCSVC "mcsvc"
#define dbg(...)	   g_log(G_LOG_DOMAIN_MCSVC, G_LOG_LEVEL_DEBUG, __VA_ARGS__)

#define T1_DEFAULT_MS 500
#define MAX_423	      2

enum svc_state {
	SS_IDLE,
	SS_PUBLISHING,
	SS_PUBLISHED,
	SS_REFRESHING,
	SS_REMOVING,
	SS_DONE,
};

enum svc_timer {
	ST_NONE,
	ST_F,	    /* RFC 3261 17.1.2.2 */
	ST_REFRESH, /* before the publication expires (RFC 3903 4.3) */
};

static const struct {
	const char *name;
	enum svc_timer timer;
} state_table[] = {
	[SS_IDLE] = { "idle", ST_NONE },
	[SS_PUBLISHING] = { "publishing", ST_F },
	[SS_PUBLISHED] = { "published", ST_REFRESH },
	[SS_REFRESHING] = { "refreshing", ST_F },
	[SS_REMOVING] = { "removing", ST_F },
	[SS_DONE] = { "done", ST_NONE },
};

static const char *const timer_names[] = {
	[ST_NONE] = "none",
	[ST_F] = "F",
	[ST_REFRESH] = "publish-refresh",
};

struct mcsvc {
	struct mcsvc_config cfg;
	char *server_uri, *mcptt_id, *client_id;
	struct mcsvc_transport tp;
	struct mcsvc_events ev;
	bool remove_after; /* stopped while the initial PUBLISH was pending */

	enum svc_state state;
	unsigned int t1_ms;
	unsigned int expires; /* asked for */
	unsigned int granted;
	char *token; /* until the initial publication is answered; wiped */
	char etag[MCSVC_ETAG_MAX];
	unsigned int n423;

	char call_id[33];
	char from_tag[17];
	char boundary[25];
	uint32_t cseq;

	/* The pending transaction. */
	enum mcsvc_request kind;
	char branch[40];
	char *msg;
	size_t msg_len;
	bool tcp;
	bool proceeding;
	unsigned int e_ms;
	guint timer_e;
	guint timer;
	guint idle;
	char reason[320];
};

const char *mcsvc_result_str(enum mcsvc_result r)
{
	switch (r) {
	case MCSVC_AUTHORISED:
		return "authorised";
	case MCSVC_REFRESHED:
		return "refreshed";
	case MCSVC_REMOVED:
		return "removed";
	case MCSVC_REFUSED:
		return "refused";
	case MCSVC_TIMEOUT:
		return "timeout";
	case MCSVC_LOST:
		return "lost";
	case MCSVC_FAILED:
		return "failed";
	}
	return "?";
}

void mcsvc_redact(char *msg, size_t len)
{
	static const char open_tag[] = "<mcptt-access-token", inner[] = "<mcpttString>";
	char *p = msg, *end = msg + len, *v, *close;

	while ((p = memmem(p, (size_t)(end - p), open_tag, sizeof(open_tag) - 1))) {
		v = memmem(p, (size_t)(end - p), inner, sizeof(inner) - 1);
		if (!v)
			return;
		v += sizeof(inner) - 1;
		close = memchr(v, '<', (size_t)(end - v));
		/* A message cut inside the token: hide the rest of it. */
		if (!close)
			close = end;
		memset(v, '*', (size_t)(close - v));
		p = close;
	}
}

static void random_hex(struct mcsvc *s, char *out, size_t bytes)
{
	uint8_t buf[16];
	size_t i;

	g_assert(bytes <= sizeof(buf));
	if (s->cfg.random_bytes) {
		s->cfg.random_bytes(buf, bytes);
	} else if (getrandom(buf, bytes, 0) != (ssize_t)bytes) {
		/* Only before the pool is ready (early boot): identifiers need uniqueness only. */
		for (i = 0; i < bytes; i++)
			buf[i] = (uint8_t)g_random_int_range(0, 256);
	}
	util_hex_encode(buf, bytes, out);
}

static void trace(struct mcsvc *s, bool sent, const char *msg, size_t len)
{
	char *copy;

	if (!s->ev.trace)
		return;
	copy = g_strndup(msg, len);
	mcsvc_redact(copy, len);
	s->ev.trace(sent, copy, len, s->ev.user_data);
	g_free(copy);
}

static void clear_source(guint *id)
{
	if (*id) {
		g_source_remove(*id);
		*id = 0;
	}
}

static void wipe_token(struct mcsvc *s)
{
	if (!s->token)
		return;
	util_wipe(s->token, strlen(s->token));
	g_free(s->token);
	s->token = NULL;
}

static void stop_transaction(struct mcsvc *s)
{
	clear_source(&s->timer_e);
	if (s->msg) {
		/* The initial PUBLISH holds the token. */
		util_wipe(s->msg, s->msg_len);
		g_free(s->msg);
	}
	s->msg = NULL;
	s->msg_len = 0;
	s->branch[0] = '\0';
}

static gboolean on_state_timer(gpointer data);

static unsigned int refresh_delay(unsigned int granted)
{
	/* As a registration (TS 24.229 5.1.1.4.1): 600 s early when long, else at half. */
	return sipreg_refresh_delay(granted) ?: 1;
}

/* The one transition function: logs, and arms the new state's named timer. */
static void set_state(struct mcsvc *s, enum svc_state st, const char *event)
{
	enum svc_timer t = state_table[st].timer;

	dbg("%s -> %s (%s)", state_table[s->state].name, state_table[st].name, event);
	clear_source(&s->timer);
	s->state = st;
	if (t == ST_REFRESH) {
		s->timer = g_timeout_add_seconds(refresh_delay(s->granted), on_state_timer, s);
		dbg("timer %s armed: %u s", timer_names[t], refresh_delay(s->granted));
	} else if (t == ST_F) {
		s->timer = g_timeout_add(64 * s->t1_ms, on_state_timer, s);
		dbg("timer %s armed: %u ms", timer_names[t], 64 * s->t1_ms);
	}
}

/* Ends with a final result; always the last thing a handler does. */
static void finish(struct mcsvc *s, enum mcsvc_result r, const char *reason)
{
	if (reason != s->reason)
		g_strlcpy(s->reason, reason ? reason : "", sizeof(s->reason));
	stop_transaction(s);
	wipe_token(s);
	set_state(s, SS_DONE, mcsvc_result_str(r));
	if (s->ev.result)
		s->ev.result(r, s->reason[0] ? s->reason : NULL, s->granted, s->ev.user_data);
}

static gboolean on_timer_e(gpointer data)
{
	struct mcsvc *s = data;
	unsigned int t2 = 8 * s->t1_ms;

	/* RFC 3261 17.1.2.2: interval doubling up to T2 (T2 once Proceeding). */
	s->e_ms = s->proceeding ? t2 : MIN(2 * s->e_ms, t2);
	s->timer_e = g_timeout_add(s->e_ms, on_timer_e, s);
	trace(s, true, s->msg, s->msg_len);
	if (s->ev.request_sent)
		s->ev.request_sent(s->kind, true, s->ev.user_data);
	/* A failed send is Timer F's to report. */
	s->tp.send(s->tp.ctx, false, s->msg, s->msg_len);
	return G_SOURCE_REMOVE;
}

/* Builds and sends the request of @kind; false when it could not (reason set). */
static bool send_request(struct mcsvc *s, enum mcsvc_request kind)
{
	struct sipreg_route rt;
	struct mcsvc_publish m = {
		.request_uri = s->server_uri,
		.from_tag = s->from_tag,
		.call_id = s->call_id,
		.boundary = s->boundary,
		.user_agent = "mcmig/" MCMIG_VERSION,
	};
	char *buf;
	int ret, len;

	stop_transaction(s);
	ret = s->tp.route(s->tp.ctx, &rt);
	if (ret < 0) {
		g_snprintf(s->reason, sizeof(s->reason), "no registration to publish on: %s",
			   g_strerror(-ret));
		return false;
	}
	m.tcp = rt.tcp;
	m.local_host = rt.local_host;
	m.local_port = rt.local_port;
	m.impu = rt.impu;
	m.route = rt.service_route;
	m.contact = rt.contact[0] ? rt.contact : NULL;
	m.expires = kind == MCSVC_REQ_REMOVE ? 0 : s->expires;
	if (kind == MCSVC_REQ_PUBLISH) {
		m.access_token = s->token;
		m.client_id = s->client_id;
		m.mcptt_id = s->mcptt_id;
	} else {
		m.etag = s->etag;
	}
	memcpy(s->branch, "z9hG4bK", 7);
	random_hex(s, s->branch + 7, 12);
	m.branch = s->branch;
	/* RFC 3903 4.1: one Call-ID, CSeq increasing, for all of this publication's requests. */
	m.cseq = ++s->cseq;
	buf = g_malloc(SIPMSG_MAX_LEN + 1);
	len = mcsvc_build_publish(&m, buf, SIPMSG_MAX_LEN + 1);
	if (len > SIPMSG_UDP_MAX && !m.tcp) {
		/* RFC 3261 18.1.1: too large for UDP without a known path MTU (a long token). */
		m.tcp = true;
		len = mcsvc_build_publish(&m, buf, SIPMSG_MAX_LEN + 1);
	}
	if (len < 0) {
		util_wipe(buf, SIPMSG_MAX_LEN + 1);
		g_free(buf);
		g_snprintf(s->reason, sizeof(s->reason), "cannot build PUBLISH: %s",
			   len == -EINVAL ? "a value (MC server URI, IDs, token) would break it" :
					    g_strerror(-len));
		return false;
	}
	s->msg = buf;
	s->msg_len = (size_t)len;
	s->tcp = m.tcp;
	s->kind = kind;
	s->proceeding = false;
	trace(s, true, buf, (size_t)len);
	if (s->ev.request_sent)
		s->ev.request_sent(kind, false, s->ev.user_data);
	ret = s->tp.send(s->tp.ctx, m.tcp, buf, (size_t)len);
	if (ret < 0) {
		stop_transaction(s);
		g_snprintf(s->reason, sizeof(s->reason), "PUBLISH not sent: %s", g_strerror(-ret));
		return false;
	}
	if (!m.tcp) {
		s->e_ms = s->t1_ms;
		s->timer_e = g_timeout_add(s->e_ms, on_timer_e, s);
	}
	return true;
}

/* Sends @kind from state @st; a request that cannot go out ends it (failure by phase). */
static void start_request(struct mcsvc *s, enum mcsvc_request kind, enum svc_state st)
{
	set_state(s, st, "send");
	if (send_request(s, kind))
		return;
	switch (kind) {
	case MCSVC_REQ_PUBLISH:
		finish(s, MCSVC_FAILED, s->reason);
		break;
	case MCSVC_REQ_REFRESH:
		finish(s, MCSVC_LOST, s->reason);
		break;
	case MCSVC_REQ_REMOVE:
		finish(s, MCSVC_REMOVED, s->reason);
		break;
	}
}

static gboolean on_state_timer(gpointer data)
{
	struct mcsvc *s = data;
	enum svc_timer t = state_table[s->state].timer;
	char why[128];

	s->timer = 0;
	dbg("timer %s fired in %s", timer_names[t], state_table[s->state].name);
	switch (t) {
	case ST_F:
		g_snprintf(why, sizeof(why),
			   "no answer from the MC server (RFC 3261 Timer F, %u ms)", 64 * s->t1_ms);
		if (s->state == SS_PUBLISHING)
			finish(s, s->remove_after ? MCSVC_REMOVED : MCSVC_TIMEOUT, why);
		else if (s->state == SS_REFRESHING)
			finish(s, MCSVC_LOST, why);
		else
			finish(s, MCSVC_REMOVED, why);
		break;
	case ST_REFRESH:
		start_request(s, MCSVC_REQ_REFRESH, SS_REFRESHING);
		break;
	case ST_NONE:
		break;
	}
	return G_SOURCE_REMOVE;
}

/*
 * "403 Forbidden from mcptt.partner.example: access token expired": status,
 * phrase, and who said why (the Warning, TS 24.379 4.4); a refusal on the
 * way (the P-CSCF's, say) has no Warning: status and phrase alone.
 */
static void refusal(struct mcsvc *s, const struct mcsvc_response *r)
{
	if (r->warning[0])
		g_snprintf(s->reason, sizeof(s->reason), "%u %s from %s: %s", r->status, r->reason,
			   r->warn_agent[0] ? r->warn_agent : "the MC server", r->warning);
	else
		g_snprintf(s->reason, sizeof(s->reason), "%u %s", r->status, r->reason);
}

static void on_2xx(struct mcsvc *s, const struct mcsvc_response *r)
{
	enum svc_state st = s->state;

	stop_transaction(s);
	if (st == SS_REMOVING) {
		finish(s, MCSVC_REMOVED, NULL);
		return;
	}
	/* RFC 3903 4.1: the ESC's entity-tag is what the next SIP-If-Match carries. */
	if (!r->etag[0]) {
		finish(s, st == SS_PUBLISHING ? MCSVC_FAILED : MCSVC_LOST,
		       "2xx to PUBLISH without SIP-ETag (RFC 3903 11.3.1)");
		return;
	}
	g_strlcpy(s->etag, r->etag, sizeof(s->etag));
	/* RFC 3903 4.1: Expires in the 2xx is the granted time; it may only be shorter. */
	s->granted = r->expires >= 0 && (unsigned long long)r->expires < s->expires ?
			     (unsigned int)r->expires :
			     s->expires;
	if (!s->granted) {
		finish(s, st == SS_PUBLISHING ? MCSVC_FAILED : MCSVC_LOST,
		       "2xx to PUBLISH granting 0 seconds");
		return;
	}
	wipe_token(s);
	if (s->remove_after) {
		/* Stopped meanwhile: what the MC server just accepted is removed at once. */
		start_request(s, MCSVC_REQ_REMOVE, SS_REMOVING);
		return;
	}
	set_state(s, SS_PUBLISHED, "2xx");
	if (s->ev.result)
		s->ev.result(st == SS_PUBLISHING ? MCSVC_AUTHORISED : MCSVC_REFRESHED, NULL,
			     s->granted, s->ev.user_data);
}

static void on_final(struct mcsvc *s, const struct mcsvc_response *r)
{
	enum svc_state st = s->state;

	if (r->status >= 200 && r->status < 300) {
		on_2xx(s, r);
		return;
	}
	stop_transaction(s);
	/* RFC 3903 4.1 / RFC 3261 10.2.8: ask again with at least Min-Expires. */
	if (r->status == 423 && st != SS_REMOVING && r->min_expires > 0 && s->n423 < MAX_423 &&
	    r->min_expires <= 4294967295LL) {
		s->n423++;
		s->expires = (unsigned int)r->min_expires;
		start_request(s, st == SS_PUBLISHING ? MCSVC_REQ_PUBLISH : MCSVC_REQ_REFRESH, st);
		return;
	}
	refusal(s, r);
	switch (st) {
	case SS_PUBLISHING:
		finish(s, s->remove_after ? MCSVC_REMOVED : MCSVC_REFUSED, s->reason);
		break;
	case SS_REFRESHING:
		/* RFC 3903 4.4: 412 means the entity-tag is unknown: the publication is gone. */
		finish(s, MCSVC_LOST, s->reason);
		break;
	case SS_REMOVING:
		finish(s, MCSVC_REMOVED, s->reason);
		break;
	case SS_IDLE:
	case SS_PUBLISHED:
	case SS_DONE:
		break;
	}
}

void mcsvc_handle(struct mcsvc *s, const uint8_t *buf, size_t len)
{
	struct mcsvc_response r;
	const char *err;

	trace(s, false, (const char *)buf, len);
	if (mcsvc_parse_response(buf, len, &r, &err) < 0) {
		dbg("answer dropped: %s", err);
		return;
	}
	/* RFC 3261 17.1.3: ours by branch and method; and our Call-ID and CSeq. */
	if (!s->msg || strcmp(r.branch, s->branch) != 0 || strcmp(r.cseq_method, "PUBLISH") ||
	    r.cseq != s->cseq || strcmp(r.call_id, s->call_id) != 0) {
		dbg("%u dropped: not for the pending PUBLISH", r.status);
		return;
	}
	if (s->ev.response)
		s->ev.response(r.status, r.reason, s->ev.user_data);
	if (r.status < 200) {
		s->proceeding = true;
		return;
	}
	on_final(s, &r);
}

int mcsvc_new(struct mcsvc **out, const struct mcsvc_config *cfg, const struct mcsvc_transport *tp,
	      const struct mcsvc_events *ev)
{
	struct mcsvc *s;

	if (!out || !cfg || !tp || !tp->route || !tp->send || !ev || !cfg->server_uri ||
	    !cfg->mcptt_id || !cfg->client_id)
		return -EINVAL;
	s = g_new0(struct mcsvc, 1);
	s->cfg = *cfg;
	s->server_uri = g_strdup(cfg->server_uri);
	s->mcptt_id = g_strdup(cfg->mcptt_id);
	s->client_id = g_strdup(cfg->client_id);
	s->cfg.server_uri = s->cfg.mcptt_id = s->cfg.client_id = NULL;
	s->tp = *tp;
	s->ev = *ev;
	s->t1_ms = cfg->t1_ms ?: T1_DEFAULT_MS;
	s->expires = cfg->expires ?: MCSVC_DEFAULT_EXPIRES;
	random_hex(s, s->call_id, 16);
	random_hex(s, s->from_tag, 8);
	random_hex(s, s->boundary, 12);
	*out = s;
	return 0;
}

static gboolean on_publish_idle(gpointer data)
{
	struct mcsvc *s = data;

	s->idle = 0;
	start_request(s, MCSVC_REQ_PUBLISH, SS_PUBLISHING);
	return G_SOURCE_REMOVE;
}

int mcsvc_publish(struct mcsvc *s, const char *access_token)
{
	if (s->state != SS_IDLE || s->idle)
		return -EALREADY;
	if (!access_token || !access_token[0])
		return -EINVAL;
	s->token = g_strdup(access_token);
	/* The outcome is always asynchronous, as for every other path. */
	s->idle = g_idle_add(on_publish_idle, s);
	return 0;
}

static gboolean on_stopped_idle(gpointer data)
{
	struct mcsvc *s = data;

	s->idle = 0;
	finish(s, MCSVC_REMOVED, "nothing was published");
	return G_SOURCE_REMOVE;
}

int mcsvc_stop(struct mcsvc *s)
{
	if (s->state == SS_DONE || s->state == SS_REMOVING || s->remove_after)
		return -EALREADY;
	/* Its answer decides: a 2xx is removed at once, anything else ends it. */
	if (s->state == SS_PUBLISHING) {
		s->remove_after = true;
		return 0;
	}
	/* Something may be published once a PUBLISH went out or succeeded: remove it. */
	if (s->etag[0]) {
		start_request(s, MCSVC_REQ_REMOVE, SS_REMOVING);
		return 0;
	}
	clear_source(&s->idle);
	stop_transaction(s);
	wipe_token(s);
	set_state(s, SS_REMOVING, "stop");
	s->idle = g_idle_add(on_stopped_idle, s);
	return 0;
}

void mcsvc_free(struct mcsvc *s)
{
	if (!s)
		return;
	clear_source(&s->idle);
	clear_source(&s->timer);
	stop_transaction(s);
	wipe_token(s);
	g_free(s->server_uri);
	g_free(s->mcptt_id);
	g_free(s->client_id);
	util_wipe(s, sizeof(*s));
	g_free(s);
}
