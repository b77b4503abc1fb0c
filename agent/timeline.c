// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The last migration's timeline: recording, the persisted text form, and the
 * renderers (text, JSON, an SVG sequence chart after the seed's figure
 * 6.Y-1). Everything here is pure: no clock, no I/O but the stream given.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timeline.h"

#define BIT(n) (1u << (n))

/* The parts of figure 6.Y-1 the agent talks to or is made of. */
enum lifeline {
	LL_CMC,
	LL_UA,
	LL_ISIM,
	LL_MODEM,
	LL_CMS,
	LL_IDMS,
	LL_CSCF,
	LL_PARTNER_IDMS,
	LL_COUNT,
};

static const char *const lifeline_names[LL_COUNT] = {
	[LL_CMC] = "CMC",
	[LL_UA] = "signalling UA",
	[LL_ISIM] = "ISIM",
	[LL_MODEM] = "modem",
	[LL_CMS] = "primary CMS",
	[LL_IDMS] = "primary IdMS",
	[LL_CSCF] = "P-CSCF / S-CSCF",
	[LL_PARTNER_IDMS] = "partner IdMS",
};

struct kind_desc {
	const char *name;	 /* the text form's token */
	const char *label;	 /* for people */
	enum lifeline from, to;	 /* from == to: a box on that lifeline */
	enum timeline_wait wait; /* set for answers: what the agent waited on */
	uint32_t answers;	 /* the request kinds this one answers */
};

static const struct kind_desc kinds[TL_KIND_COUNT] = {
	[TL_TRIGGER] = { "trigger", "trigger:", LL_CMC, LL_CMC, TL_WAIT_NONE, 0 },
	[TL_STATE] = { "state", "", LL_CMC, LL_CMC, TL_WAIT_NONE, 0 },
	[TL_CMS_REQUEST] = { "cms-request", "get partner connection details request", LL_CMC,
			     LL_CMS, TL_WAIT_NONE, 0 },
	[TL_CMS_ANSWER] = { "cms-answer", "get partner connection details response", LL_CMS, LL_CMC,
			    TL_WAIT_NETWORK, BIT(TL_CMS_REQUEST) },
	[TL_PDN_REQUEST] = { "pdn-request", "PDN connect", LL_CMC, LL_MODEM, TL_WAIT_NONE, 0 },
	[TL_PDN_SETTINGS] = { "pdn-settings", "PDN settings", LL_MODEM, LL_CMC, TL_WAIT_MODEM,
			      BIT(TL_PDN_REQUEST) },
	[TL_NETDEV] = { "netdev", "netdev up:", LL_MODEM, LL_MODEM, TL_WAIT_NONE, 0 },
	[TL_REGISTER] = { "register", "REGISTER", LL_UA, LL_CSCF, TL_WAIT_NONE, 0 },
	[TL_REGISTER_AUTH] = { "register-auth", "REGISTER with the response", LL_UA, LL_CSCF,
			       TL_WAIT_NONE, 0 },
	[TL_DEREGISTER] = { "deregister", "REGISTER Expires: 0", LL_UA, LL_CSCF, TL_WAIT_NONE, 0 },
	[TL_SIP_RETRANSMIT] = { "sip-retransmit", "REGISTER retransmitted", LL_UA, LL_CSCF,
				TL_WAIT_NONE, 0 },
	[TL_SIP_RESPONSE] = { "sip-response", "SIP", LL_CSCF, LL_UA, TL_WAIT_NETWORK,
			      BIT(TL_REGISTER) | BIT(TL_REGISTER_AUTH) | BIT(TL_DEREGISTER) |
				      BIT(TL_PUBLISH) | BIT(TL_UNPUBLISH) },
	[TL_AUTH_START] = { "auth-start", "AUTHENTICATE", LL_UA, LL_ISIM, TL_WAIT_NONE, 0 },
	[TL_AUTH_DONE] = { "auth-done", "AUTHENTICATE answer:", LL_ISIM, LL_UA, TL_WAIT_CARD,
			   BIT(TL_AUTH_START) },
	[TL_PDN_DISCONNECT] = { "pdn-disconnect", "PDN disconnect", LL_CMC, LL_MODEM, TL_WAIT_NONE,
				0 },
	[TL_PDN_DOWN] = { "pdn-down", "PDN down", LL_MODEM, LL_CMC, TL_WAIT_MODEM,
			  BIT(TL_PDN_DISCONNECT) },
	/* Through the P-CSCF and S-CSCF to the partner MC server (its iFC). */
	[TL_PUBLISH] = { "publish", "PUBLISH poc-settings (MC server)", LL_UA, LL_CSCF,
			 TL_WAIT_NONE, 0 },
	[TL_UNPUBLISH] = { "unpublish", "PUBLISH Expires: 0", LL_UA, LL_CSCF, TL_WAIT_NONE, 0 },
	/* The partner's DNS has no lifeline of its own: a box on the UA's, its wait the network's. */
	[TL_DNS_QUERY] = { "dns-query", "P-CSCF lookup (partner DNS):", LL_UA, LL_UA, TL_WAIT_NONE,
			   0 },
	[TL_DNS_ANSWER] = { "dns-answer", "P-CSCF at", LL_UA, LL_UA, TL_WAIT_NETWORK,
			    BIT(TL_DNS_QUERY) },
	[TL_IDM_REQUEST] = { "idm-request", "token request:", LL_CMC, LL_IDMS, TL_WAIT_NONE, 0 },
	[TL_IDM_ANSWER] = { "idm-answer", "token response:", LL_IDMS, LL_CMC, TL_WAIT_NETWORK,
			    BIT(TL_IDM_REQUEST) },
	[TL_IDM_PARTNER_REQUEST] = { "idm-partner-request", "token request:", LL_CMC,
				     LL_PARTNER_IDMS, TL_WAIT_NONE, 0 },
	[TL_IDM_PARTNER_ANSWER] = { "idm-partner-answer", "token response:", LL_PARTNER_IDMS,
				    LL_CMC, TL_WAIT_NETWORK, BIT(TL_IDM_PARTNER_REQUEST) },
};

static const char *const wait_names[TL_WAIT_COUNT] = {
	[TL_WAIT_NONE] = "agent",
	[TL_WAIT_MODEM] = "modem",
	[TL_WAIT_NETWORK] = "network",
	[TL_WAIT_CARD] = "card",
};

#define REGISTERED_STATE "registered-at-partner"
#define AUTHORISED_STATE "authorised"

const char *timeline_kind_str(enum timeline_kind k)
{
	return (size_t)k < TL_KIND_COUNT ? kinds[k].name : "?";
}

const char *timeline_wait_str(enum timeline_wait w)
{
	return (size_t)w < TL_WAIT_COUNT ? wait_names[w] : "?";
}

void timeline_begin(struct timeline *tl, int64_t unix_us, int64_t mono_us)
{
	memset(tl, 0, sizeof(*tl));
	tl->start_unix_us = unix_us;
	tl->start_mono_us = mono_us;
}

/* Arguments come from the network too: one printable line, whatever was sent. */
static void set_arg(char *dst, const char *src)
{
	size_t i;

	for (i = 0; src && src[i] && i < TIMELINE_ARG_MAX - 1; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || (unsigned char)src[i] >= 0x7f ? ' ' :
											 src[i];
	dst[i] = '\0';
	while (i > 0 && dst[i - 1] == ' ')
		dst[--i] = '\0';
}

void timeline_add(struct timeline *tl, int64_t mono_us, enum timeline_kind kind,
		  unsigned int seed_step, const char *arg)
{
	struct timeline_step *s;

	if (!tl->start_unix_us || (size_t)kind >= TL_KIND_COUNT)
		return;
	if (tl->n == TIMELINE_MAX_STEPS) {
		tl->dropped++;
		return;
	}
	s = &tl->step[tl->n++];
	s->t_us = mono_us - tl->start_mono_us;
	if (s->t_us < 0)
		s->t_us = 0;
	s->kind = kind;
	s->seed_step = seed_step;
	set_arg(s->arg, arg);
}

/* ---- text form ---- */

char *timeline_format(const struct timeline *tl)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "mcmig-timeline 1\nstart %" PRId64 "\n", tl->start_unix_us);
	for (i = 0; i < tl->n; i++) {
		const struct timeline_step *s = &tl->step[i];

		fprintf(f, "%" PRId64 " %s %u%s%s\n", s->t_us, kinds[s->kind].name, s->seed_step,
			s->arg[0] ? " " : "", s->arg);
	}
	if (tl->dropped)
		fprintf(f, "dropped %zu\n", tl->dropped);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int parse_i64(const char *p, const char **end, int64_t *out)
{
	char *e;
	long long v;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	errno = 0;
	v = strtoll(p, &e, 10);
	if (errno || v < 0)
		return -EINVAL;
	*out = v;
	*end = e;
	return 0;
}

static int bad(char *err, size_t err_len, unsigned int line, const char *what)
{
	snprintf(err, err_len, "timeline line %u: %s", line, what);
	return -EINVAL;
}

static int parse_step(const char *p, const char *eol, struct timeline_step *s)
{
	const char *e;
	int64_t v;
	size_t n;
	int k;

	if (parse_i64(p, &e, &s->t_us) < 0 || *e != ' ')
		return -EINVAL;
	p = e + 1;
	n = strcspn(p, " \n");
	for (k = 0; k < TL_KIND_COUNT; k++)
		if (strlen(kinds[k].name) == n && strncmp(p, kinds[k].name, n) == 0)
			break;
	if (k == TL_KIND_COUNT || p[n] != ' ')
		return -ENOENT;
	s->kind = (enum timeline_kind)k;
	p += n + 1;
	if (parse_i64(p, &e, &v) < 0 || v > 99 || (e != eol && *e != ' '))
		return -ERANGE;
	s->seed_step = (unsigned int)v;
	p = e == eol ? e : e + 1;
	n = (size_t)(eol - p);
	if (n >= TIMELINE_ARG_MAX)
		return -E2BIG;
	memcpy(s->arg, p, n);
	s->arg[n] = '\0';
	return 0;
}

int timeline_parse(const char *text, size_t len, struct timeline *tl, char *err, size_t err_len)
{
	const char *p = text, *end = text + len, *eol, *e;
	unsigned int line = 0;
	int64_t v;
	int ret;

	memset(tl, 0, sizeof(*tl));
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			return bad(err, err_len, line + 1, "no newline at the end");
		line++;
		if (memchr(p, '\0', (size_t)(eol - p)))
			return bad(err, err_len, line, "NUL byte");
		if (line == 1) {
			if ((size_t)(eol - p) != 16 || strncmp(p, "mcmig-timeline 1", 16) != 0)
				return bad(err, err_len, line, "not \"mcmig-timeline 1\"");
		} else if (line == 2) {
			if (strncmp(p, "start ", 6) != 0 || parse_i64(p + 6, &e, &v) < 0 ||
			    e != eol || v == 0)
				return bad(err, err_len, line, "not \"start <unix microseconds>\"");
			tl->start_unix_us = v;
		} else if (strncmp(p, "dropped ", 8) == 0) {
			if (parse_i64(p + 8, &e, &v) < 0 || e != eol)
				return bad(err, err_len, line, "bad dropped count");
			tl->dropped = (size_t)v;
		} else {
			if (tl->n == TIMELINE_MAX_STEPS)
				return bad(err, err_len, line, "too many steps");
			ret = parse_step(p, eol, &tl->step[tl->n]);
			if (ret == -ENOENT)
				return bad(err, err_len, line, "unknown step kind");
			if (ret == -ERANGE)
				return bad(err, err_len, line, "bad seed step number");
			if (ret == -E2BIG)
				return bad(err, err_len, line, "argument too long");
			if (ret < 0)
				return bad(err, err_len, line, "not \"<us> <kind> <step> [arg]\"");
			if (tl->n && tl->step[tl->n].t_us < tl->step[tl->n - 1].t_us)
				return bad(err, err_len, line, "time goes backwards");
			tl->n++;
		}
		p = eol + 1;
	}
	if (line < 2)
		return bad(err, err_len, line + 1, "truncated: no start line");
	return 0;
}

/* ---- analysis ---- */

/* A final answer to a request; a provisional SIP response (1xx, RFC 3261 7.2) is not. */
static bool is_answer(const struct timeline_step *s)
{
	if (!kinds[s->kind].answers)
		return false;
	return s->kind != TL_SIP_RESPONSE || s->arg[0] != '1';
}

void timeline_rows(const struct timeline *tl, struct timeline_row *rows)
{
	size_t i, j;

	for (i = 0; i < tl->n; i++) {
		const struct timeline_step *s = &tl->step[i];
		const struct kind_desc *k = &kinds[s->kind];

		rows[i].t_us = s->t_us;
		rows[i].latency_us = i ? s->t_us - tl->step[i - 1].t_us : s->t_us;
		rows[i].wait = TL_WAIT_NONE;
		if (!is_answer(s))
			continue;
		for (j = i; j-- > 0;) {
			if (k->answers & BIT(tl->step[j].kind)) {
				rows[i].latency_us = s->t_us - tl->step[j].t_us;
				rows[i].wait = k->wait;
				break;
			}
		}
		/* What happened meanwhile (a retransmission, a 100 Trying) is waiting too. */
		for (j++; j < i; j++)
			rows[j].wait = k->wait;
	}
}

void timeline_summarize(const struct timeline *tl, struct timeline_summary *sum)
{
	struct timeline_row rows[TIMELINE_MAX_STEPS];
	size_t i, last;
	int64_t waited = 0;
	int w;

	memset(sum, 0, sizeof(*sum));
	if (!tl->n)
		return;
	timeline_rows(tl, rows);
	last = tl->n - 1;
	for (i = 0; i < tl->n; i++) {
		if (tl->step[i].kind == TL_STATE &&
		    strcmp(tl->step[i].arg, REGISTERED_STATE) == 0) {
			last = i;
			sum->registered = 1;
			break;
		}
	}
	/* Where service authorisation runs (step 25), the migration ends authorised. */
	for (i = last; sum->registered && i < tl->n; i++) {
		if (tl->step[i].kind == TL_STATE &&
		    strcmp(tl->step[i].arg, AUTHORISED_STATE) == 0) {
			last = i;
			sum->authorised = 1;
			break;
		}
	}
	for (i = 0; i <= last; i++) {
		/* The answers' latencies cover their whole waits. */
		if (is_answer(&tl->step[i]))
			sum->wait_us[rows[i].wait] += rows[i].latency_us;
		switch (tl->step[i].kind) {
		case TL_CMS_REQUEST:
			sum->cms_requests++;
			break;
		case TL_PDN_REQUEST:
			sum->pdn_setups++;
			break;
		case TL_REGISTER:
		case TL_REGISTER_AUTH:
		case TL_DEREGISTER:
		case TL_PUBLISH:
		case TL_UNPUBLISH:
			sum->sip_requests++;
			break;
		case TL_SIP_RETRANSMIT:
			sum->sip_retransmits++;
			break;
		case TL_AUTH_START:
			sum->authenticates++;
			break;
		case TL_IDM_REQUEST:
		case TL_IDM_PARTNER_REQUEST:
			sum->idm_requests++;
			break;
		case TL_TRIGGER:
		case TL_STATE:
		case TL_CMS_ANSWER:
		case TL_PDN_SETTINGS:
		case TL_NETDEV:
		case TL_SIP_RESPONSE:
		case TL_AUTH_DONE:
		case TL_PDN_DISCONNECT:
		case TL_PDN_DOWN:
		case TL_DNS_QUERY:
		case TL_DNS_ANSWER:
		case TL_IDM_ANSWER:
		case TL_IDM_PARTNER_ANSWER:
		case TL_KIND_COUNT:
			break;
		}
	}
	sum->total_us = tl->step[last].t_us;
	for (w = TL_WAIT_NONE + 1; w < TL_WAIT_COUNT; w++)
		waited += sum->wait_us[w];
	sum->wait_us[TL_WAIT_NONE] = sum->total_us - waited;
}

/* ---- renderers ---- */

static void label(const struct timeline_step *s, char *out, size_t len)
{
	const char *l = kinds[s->kind].label;

	snprintf(out, len, "%s%s%s", l, *l && s->arg[0] ? " " : "", s->arg);
}

static void ms(int64_t us, char *out, size_t len)
{
	snprintf(out, len, "%" PRId64 ".%03" PRId64, us / 1000, us % 1000);
}

static int finish(FILE *f)
{
	return ferror(f) ? -EIO : 0;
}

static void start_time(const struct timeline *tl, char *out, size_t len)
{
	time_t t = (time_t)(tl->start_unix_us / 1000000);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(out, len, "?");
}

static void print_summary(const struct timeline_summary *sum, FILE *f)
{
	char t[32], a[32], mo[32], nw[32], cd[32];

	ms(sum->total_us, t, sizeof(t));
	ms(sum->wait_us[TL_WAIT_NONE], a, sizeof(a));
	ms(sum->wait_us[TL_WAIT_MODEM], mo, sizeof(mo));
	ms(sum->wait_us[TL_WAIT_NETWORK], nw, sizeof(nw));
	ms(sum->wait_us[TL_WAIT_CARD], cd, sizeof(cd));
	fprintf(f, "total %s ms%s: modem %s, network %s, card %s, agent %s ms\n", t,
		sum->authorised ? " to authorised" :
		sum->registered ? " to registered-at-partner" :
				  "",
		mo, nw, cd, a);
	fprintf(f, "exchanges: %u CMS, %u PDN setup, ", sum->cms_requests, sum->pdn_setups);
	/* Step 14's user authentication, when there was one (TS 33.180 5.1.4). */
	if (sum->idm_requests)
		fprintf(f, "%u IdM, ", sum->idm_requests);
	fprintf(f, "%u SIP requests (+%u retransmitted), %u AUTHENTICATE\n", sum->sip_requests,
		sum->sip_retransmits, sum->authenticates);
}

int timeline_print_text(const struct timeline *tl, FILE *f)
{
	struct timeline_row rows[TIMELINE_MAX_STEPS];
	struct timeline_summary sum;
	char when[32], t[32], l[32], lab[96], step[16];
	size_t i;

	if (!tl->n) {
		fprintf(f, "no migration recorded\n");
		return finish(f);
	}
	start_time(tl, when, sizeof(when));
	timeline_rows(tl, rows);
	fprintf(f, "last migration, started %s.%06" PRId64 " UTC\n", when,
		tl->start_unix_us % 1000000);
	fprintf(f, "%10s %10s %-8s %4s  %s\n", "t (ms)", "step (ms)", "wait", "seed", "step");
	for (i = 0; i < tl->n; i++) {
		ms(rows[i].t_us, t, sizeof(t));
		ms(rows[i].latency_us, l, sizeof(l));
		label(&tl->step[i], lab, sizeof(lab));
		if (tl->step[i].seed_step)
			snprintf(step, sizeof(step), "%u", tl->step[i].seed_step);
		else
			step[0] = '\0';
		fprintf(f, "%10s %10s %-8s %4s  %s%s\n", t, l,
			rows[i].wait == TL_WAIT_NONE ? "" : wait_names[rows[i].wait], step,
			tl->step[i].kind == TL_STATE ? "-> " : "", lab);
	}
	if (tl->dropped)
		fprintf(f, "(%zu more steps not recorded)\n", tl->dropped);
	timeline_summarize(tl, &sum);
	print_summary(&sum, f);
	return finish(f);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int timeline_print_json(const struct timeline *tl, FILE *f)
{
	struct timeline_row rows[TIMELINE_MAX_STEPS];
	struct timeline_summary sum;
	size_t i;
	int w;

	timeline_rows(tl, rows);
	timeline_summarize(tl, &sum);
	fprintf(f, "{\"start_unix_us\":%" PRId64 ",\"steps\":[", tl->start_unix_us);
	for (i = 0; i < tl->n; i++) {
		fprintf(f,
			"%s{\"t_us\":%" PRId64 ",\"latency_us\":%" PRId64
			",\"wait\":\"%s\",\"kind\":\"%s\",\"seed_step\":%u,\"arg\":",
			i ? "," : "", rows[i].t_us, rows[i].latency_us, wait_names[rows[i].wait],
			kinds[tl->step[i].kind].name, tl->step[i].seed_step);
		json_str(f, tl->step[i].arg);
		fputc('}', f);
	}
	fprintf(f,
		"],\"dropped\":%zu,\"summary\":{\"registered\":%s,\"authorised\":%s,"
		"\"total_us\":%" PRId64,
		tl->dropped, sum.registered ? "true" : "false", sum.authorised ? "true" : "false",
		sum.total_us);
	for (w = 0; w < TL_WAIT_COUNT; w++)
		fprintf(f, ",\"%s_us\":%" PRId64, wait_names[w], sum.wait_us[w]);
	fprintf(f,
		",\"cms_requests\":%u,\"pdn_setups\":%u,\"idm_requests\":%u,\"sip_requests\":%u,"
		"\"sip_retransmits\":%u,\"authenticates\":%u}}\n",
		sum.cms_requests, sum.pdn_setups, sum.idm_requests, sum.sip_requests,
		sum.sip_retransmits, sum.authenticates);
	return finish(f);
}

/* SVG geometry (px). */
#define SVG_LEFT    96	/* time column */
#define SVG_COL	    150 /* between the UE's lifelines */
#define SVG_GAP	    70	/* between the UE and the networks */
#define SVG_RIGHT   90	/* latency column */
#define SVG_HEAD    70	/* y of the lifelines' boxes' bottom */
#define SVG_ROW	    30
#define SVG_BOX_W   132
#define SVG_SUMMARY 56

static int lifeline_x(enum lifeline l)
{
	return SVG_LEFT + SVG_COL / 2 + (int)l * SVG_COL + (l >= LL_CMS ? SVG_GAP : 0);
}

static void svg_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void svg_group(FILE *f, const char *name, enum lifeline a, enum lifeline b)
{
	int x0 = lifeline_x(a) - SVG_BOX_W / 2 - 6, x1 = lifeline_x(b) + SVG_BOX_W / 2 + 6;

	fprintf(f,
		"<rect x=\"%d\" y=\"8\" width=\"%d\" height=\"58\" fill=\"none\" "
		"stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n"
		"<text x=\"%d\" y=\"21\" text-anchor=\"middle\" class=\"g\">%s</text>\n",
		x0, x1 - x0, (x0 + x1) / 2, name);
}

static void svg_row(FILE *f, const struct timeline_step *s, const struct timeline_row *r, int y)
{
	const struct kind_desc *k = &kinds[s->kind];
	char lab[96], t[32], l[32], num[16];
	int x0 = lifeline_x(k->from), x1 = lifeline_x(k->to);

	label(s, lab, sizeof(lab));
	ms(r->t_us, t, sizeof(t));
	ms(r->latency_us, l, sizeof(l));
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"t\">%s</text>\n",
		SVG_LEFT - 8, y + 4, t);
	if (k->from == k->to) {
		/* Grows to the right for long labels (about 7 px a character at 12 px). */
		int bw = (int)strlen(lab) * 7 + 14;

		if (bw < SVG_BOX_W)
			bw = SVG_BOX_W;
		fprintf(f,
			"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" rx=\"4\" class=\"%s\"/>\n"
			"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
			x0 - SVG_BOX_W / 2, y - 10, bw, s->kind == TL_STATE ? "st" : "bx",
			x0 - SVG_BOX_W / 2 + bw / 2, y + 4);
		svg_text(f, lab);
		fputs("</text>\n", f);
	} else {
		fprintf(f,
			"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"%s\" "
			"marker-end=\"url(#arrow)\"/>\n",
			x0, y + 6, x1 + (x1 > x0 ? -2 : 2), y + 6, k->wait ? "ans" : "req");
		if (s->seed_step)
			snprintf(num, sizeof(num), "%u. ", s->seed_step);
		else
			num[0] = '\0';
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s", (x0 + x1) / 2,
			y + 1, num);
		svg_text(f, lab);
		fputs("</text>\n", f);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"%s\">%s ms</text>\n",
		lifeline_x(LL_COUNT - 1) + SVG_BOX_W / 2 + SVG_RIGHT, y + 4, r->wait ? "lw" : "la",
		l);
}

int timeline_print_svg(const struct timeline *tl, FILE *f)
{
	struct timeline_row rows[TIMELINE_MAX_STEPS];
	struct timeline_summary sum;
	int w = lifeline_x(LL_COUNT - 1) + SVG_BOX_W / 2 + SVG_RIGHT + 10;
	int bottom = SVG_HEAD + 24 + (int)tl->n * SVG_ROW;
	int h = bottom + SVG_SUMMARY;
	char when[32], buf[256];
	FILE *mem;
	char *line = NULL;
	size_t len = 0, i;
	int l;

	timeline_rows(tl, rows);
	timeline_summarize(tl, &sum);
	start_time(tl, when, sizeof(when));
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
		"<title>mcmig: last migration, %s UTC</title>\n"
		"<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
		"markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">"
		"<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#222\"/></marker>\n"
		"<style>.g{font-weight:bold;fill:#444}.t{fill:#555}.la{fill:#555}"
		".lw{fill:#a00;font-weight:bold}.req{stroke:#222;stroke-width:1.3}"
		".ans{stroke:#222;stroke-width:1.3;stroke-dasharray:6 3}"
		".st{fill:#e8f0ff;stroke:#46c}.bx{fill:#f4f4f4;stroke:#888}"
		".ll{stroke:#999;stroke-dasharray:3 3}.hd{fill:#fff;stroke:#222}</style></defs>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
		w, h, w, h, when);
	svg_group(f, "MC service UE", LL_CMC, LL_MODEM);
	svg_group(f, "primary MC system", LL_CMS, LL_IDMS);
	svg_group(f, "partner MC system", LL_CSCF, LL_PARTNER_IDMS);
	for (l = 0; l < LL_COUNT; l++) {
		int x = lifeline_x((enum lifeline)l);

		fprintf(f,
			"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"ll\"/>\n"
			"<rect x=\"%d\" y=\"28\" width=\"%d\" height=\"%d\" class=\"hd\"/>\n"
			"<text x=\"%d\" y=\"47\" text-anchor=\"middle\">%s</text>\n",
			x, SVG_HEAD, x, bottom, x - SVG_BOX_W / 2 + 6, SVG_BOX_W - 12,
			SVG_HEAD - 34, x, lifeline_names[l]);
	}
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"g\">t (ms)</text>\n"
		"<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"g\">step (ms)</text>\n",
		SVG_LEFT - 8, SVG_HEAD + 12, w - 10, SVG_HEAD + 12);
	for (i = 0; i < tl->n; i++)
		svg_row(f, &tl->step[i], &rows[i], SVG_HEAD + 24 + (int)i * SVG_ROW + SVG_ROW / 2);
	/* The text summary's two lines, as the chart's caption. */
	mem = open_memstream(&line, &len);
	if (!mem)
		return -ENOMEM;
	print_summary(&sum, mem);
	if (fclose(mem) != 0) {
		free(line);
		return -ENOMEM;
	}
	for (i = 0, l = 0; line && line[i]; l++) {
		size_t n = strcspn(line + i, "\n");

		snprintf(buf, sizeof(buf), "%.*s", (int)n, line + i);
		fprintf(f, "<text x=\"10\" y=\"%d\">", bottom + 20 + l * 18);
		svg_text(f, buf);
		fputs("</text>\n", f);
		i += n + (line[i + n] ? 1 : 0);
	}
	free(line);
	fputs("</svg>\n", f);
	return finish(f);
}
