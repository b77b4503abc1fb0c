// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The migration journal's text form (journal.h). Every line is checked; a
 * value is never trusted further than its field's type (addresses through
 * inet_pton, numbers in range), since the cleanup hands them to the kernel
 * and the modem.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"

#define JOURNAL_MAGIC "mcmig-journal 1\n"

static const char *const intent_names[] = {
	[JOURNAL_INTENT_NONE] = "none",
	[JOURNAL_INTENT_MIGRATE] = "migrate",
	[JOURNAL_INTENT_RETURN] = "return",
};

const char *journal_intent_str(enum journal_intent i)
{
	return (size_t)i < sizeof(intent_names) / sizeof(intent_names[0]) ? intent_names[i] : "?";
}

void journal_init(struct journal *j)
{
	memset(j, 0, sizeof(*j));
}

static bool handles_empty(const struct modem_handles *h)
{
	return !h->n_client && !h->n_qmi_handle && !h->has_mbim_session && !h->mm_bearer[0] &&
	       !h->link[0] && !h->pending_apn[0];
}

bool journal_has_handles(const struct journal *j)
{
	size_t i;

	if (!handles_empty(&j->modem) || j->reg.active)
		return true;
	for (i = 0; i < j->n_pdn; i++)
		if (!handles_empty(&j->pdn[i].h) || j->pdn[i].netdev)
			return true;
	return false;
}

/* CRC-32 (IEEE 802.3, reflected 0xEDB88320): catches a cut or altered file. */
static uint32_t crc32_of(const char *p, size_t len)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		c ^= (uint8_t)p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return ~c;
}

/* Channels 1..19 (bit 0, the basic channel, is never ours to close). */
static uint32_t card_channel_bits(void)
{
	return ((1u << (JOURNAL_CARD_CHANNEL_MAX + 1)) - 1) & ~1u;
}

/* ---- format ---- */

struct out {
	char *buf;
	size_t size, len;
	bool full;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

/* One line per string field; a newline inside would end the line early: refused. */
static int put_str(struct out *o, const char *key, const char *v)
{
	if (!v[0])
		return 0;
	if (strchr(v, '\n'))
		return -EINVAL;
	put(o, "%s=%s\n", key, v);
	return 0;
}

static int put_handles(struct out *o, const char *pfx, const struct modem_handles *h)
{
	char key[24];
	size_t i;

	for (i = 0; i < h->n_client; i++)
		put(o, "%s.client=%u:%u\n", pfx, h->client[i].service, h->client[i].cid);
	for (i = 0; i < h->n_qmi_handle; i++)
		put(o, "%s.qmi-handle=%u\n", pfx, h->qmi_handle[i]);
	if (h->mux_id)
		put(o, "%s.mux=%u\n", pfx, h->mux_id);
	if (h->has_mbim_session)
		put(o, "%s.mbim-session=%u\n", pfx, h->mbim_session);
	snprintf(key, sizeof(key), "%s.link", pfx);
	if (put_str(o, key, h->link))
		return -EINVAL;
	snprintf(key, sizeof(key), "%s.pending-apn", pfx);
	return put_str(o, key, h->pending_apn);
}

static int put_pdn(struct out *o, const struct journal_pdn *p)
{
	const struct modem_pdn_settings *s = &p->net;
	size_t i;
	int ret = 0;

	put(o, "pdn=%u\n", p->id);
	ret |= put_str(o, "pdn.con-ref", p->con_ref);
	ret |= put_str(o, "pdn.apn", p->apn);
	ret |= put_handles(o, "pdn", &p->h);
	ret |= put_str(o, "pdn.bearer", p->h.mm_bearer);
	if (!p->netdev)
		return ret;
	put(o, "pdn.netdev=%s\n", s->ifname);
	if (s->addr4[0])
		put(o, "pdn.addr4=%s/%u\n", s->addr4, s->prefix4);
	ret |= put_str(o, "pdn.gw4", s->gw4);
	if (s->addr6[0])
		put(o, "pdn.addr6=%s/%u\n", s->addr6, s->prefix6);
	ret |= put_str(o, "pdn.gw6", s->gw6);
	for (i = 0; i < s->n_pcscf && i < MODEM_PCSCF_MAX; i++)
		put(o, "pdn.pcscf=%s\n", s->pcscf[i]);
	if (s->mtu)
		put(o, "pdn.mtu=%u\n", s->mtu);
	return ret;
}

int journal_format(const struct journal *j, char *buf, size_t size, size_t *len)
{
	struct out o = { .buf = buf, .size = size };
	size_t i;
	int ret = 0;

	if (size < sizeof(JOURNAL_MAGIC) || j->n_pdn > JOURNAL_PDN_MAX ||
	    (size_t)j->intent >= sizeof(intent_names) / sizeof(intent_names[0]))
		return -EINVAL;
	put(&o, JOURNAL_MAGIC);
	ret |= put_str(&o, "state", j->state);
	put(&o, "intent=%s\n", intent_names[j->intent]);
	ret |= put_str(&o, "partner", j->partner);
	ret |= put_str(&o, "reason", j->reason);
	ret |= put_str(&o, "trigger", j->trigger);
	ret |= put_handles(&o, "modem", &j->modem);
	ret |= put_str(&o, "modem.bearer", j->modem.mm_bearer);
	for (i = 0; i < j->n_pdn; i++)
		ret |= put_pdn(&o, &j->pdn[i]);
	if (j->reg.active) {
		put(&o, "reg=active\n");
		ret |= put_str(&o, "reg.pcscf", j->reg.pcscf);
		ret |= put_str(&o, "reg.contact", j->reg.contact);
		ret |= put_str(&o, "reg.call-id", j->reg.call_id);
		if (j->reg.expires)
			put(&o, "reg.expires=%u\n", j->reg.expires);
	}
	if (j->card_channels & ~card_channel_bits())
		return -EINVAL;
	for (i = 1; i <= JOURNAL_CARD_CHANNEL_MAX; i++)
		if (j->card_channels & (1u << i))
			put(&o, "card.channel=%zu\n", i);
	if (ret)
		return -EINVAL;
	if (o.full)
		return -ENOSPC;
	put(&o, "end=%08x\n", crc32_of(buf, o.len));
	if (o.full)
		return -ENOSPC;
	*len = o.len;
	return 0;
}

/* ---- parse ---- */

static int parse_uint(const char *v, unsigned long max, unsigned long *out)
{
	char *end;

	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoul(v, &end, 10);
	if (errno || *end || *out > max)
		return -EINVAL;
	return 0;
}

static int copy_str(char *dst, size_t size, const char *v)
{
	size_t n = strlen(v);

	if (n >= size)
		return -EINVAL;
	/* All of it: a key given twice leaves nothing of its first value. */
	memset(dst, 0, size);
	memcpy(dst, v, n);
	return 0;
}

static int parse_addr(int af, const char *v, char *dst, size_t size)
{
	unsigned char tmp[16];

	if (inet_pton(af, v, tmp) != 1)
		return -EINVAL;
	return copy_str(dst, size, v);
}

/* "ADDR/PREFIX" */
static int parse_prefixed(int af, char *v, char *addr, size_t size, unsigned int *prefix)
{
	char *slash = strrchr(v, '/');
	unsigned long p;

	if (!slash || parse_uint(slash + 1, af == AF_INET ? 32 : 128, &p) < 0)
		return -EINVAL;
	*slash = '\0';
	*prefix = (unsigned int)p;
	return parse_addr(af, v, addr, size);
}

static int parse_handles(const char *k, const char *v, struct modem_handles *h)
{
	unsigned long a, b;
	char *colon;
	char tmp[32];

	if (strcmp(k, "client") == 0) {
		if (h->n_client == MODEM_CLIENT_MAX)
			return -E2BIG;
		if (copy_str(tmp, sizeof(tmp), v) < 0 || !(colon = strchr(tmp, ':')))
			return -EINVAL;
		*colon = '\0';
		/* CID 0 is the control point's, 0xff is broadcast: never a client's. */
		if (parse_uint(tmp, 0xff, &a) < 0 || parse_uint(colon + 1, 0xfe, &b) < 0 || !b)
			return -EINVAL;
		h->client[h->n_client].service = (uint8_t)a;
		h->client[h->n_client++].cid = (uint8_t)b;
		return 0;
	}
	if (strcmp(k, "qmi-handle") == 0) {
		if (h->n_qmi_handle == 2)
			return -E2BIG;
		if (parse_uint(v, 0xffffffffu, &a) < 0)
			return -EINVAL;
		h->qmi_handle[h->n_qmi_handle++] = (uint32_t)a;
		return 0;
	}
	if (strcmp(k, "mux") == 0) {
		/* QMAP mux ids 1-254 (0 and 255 are reserved). */
		if (parse_uint(v, 254, &a) < 0 || !a)
			return -EINVAL;
		h->mux_id = (unsigned int)a;
		return 0;
	}
	if (strcmp(k, "mbim-session") == 0) {
		/* MBIM 1.0 10.5.12: SessionId 0-255. */
		if (parse_uint(v, 255, &a) < 0)
			return -EINVAL;
		h->has_mbim_session = true;
		h->mbim_session = (unsigned int)a;
		return 0;
	}
	if (strcmp(k, "bearer") == 0) {
		if (v[0] != '/')
			return -EINVAL;
		return copy_str(h->mm_bearer, sizeof(h->mm_bearer), v);
	}
	if (strcmp(k, "link") == 0) {
		/* An interface name (IFNAMSIZ), as the kernel takes one. */
		if (!v[0] || strchr(v, '/') || strchr(v, ' ') || strcmp(v, ".") == 0 ||
		    strcmp(v, "..") == 0)
			return -EINVAL;
		return copy_str(h->link, sizeof(h->link), v);
	}
	if (strcmp(k, "pending-apn") == 0) {
		/* TS 23.003 9.1: labels of letters, digits and hyphens, dot-separated. */
		if (!v[0] || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "0123456789-.") != strlen(v))
			return -EINVAL;
		return copy_str(h->pending_apn, sizeof(h->pending_apn), v);
	}
	return 1; /* not a handle key */
}

static int parse_pdn_key(const char *k, char *v, struct journal_pdn *p)
{
	struct modem_pdn_settings *s = &p->net;
	unsigned long a;
	int ret;

	ret = parse_handles(k, v, &p->h);
	if (ret <= 0)
		return ret;
	if (strcmp(k, "con-ref") == 0)
		return copy_str(p->con_ref, sizeof(p->con_ref), v);
	if (strcmp(k, "apn") == 0)
		return copy_str(p->apn, sizeof(p->apn), v);
	if (strcmp(k, "netdev") == 0) {
		if (!v[0] || strchr(v, '/') || copy_str(s->ifname, sizeof(s->ifname), v) < 0)
			return -EINVAL;
		p->netdev = true;
		return 0;
	}
	/* The netdev's settings belong to its "pdn.netdev" line: none before it. */
	if (!p->netdev &&
	    (strcmp(k, "addr4") == 0 || strcmp(k, "addr6") == 0 || strcmp(k, "gw4") == 0 ||
	     strcmp(k, "gw6") == 0 || strcmp(k, "pcscf") == 0 || strcmp(k, "mtu") == 0))
		return -EINVAL;
	if (strcmp(k, "addr4") == 0)
		return parse_prefixed(AF_INET, v, s->addr4, sizeof(s->addr4), &s->prefix4);
	if (strcmp(k, "addr6") == 0)
		return parse_prefixed(AF_INET6, v, s->addr6, sizeof(s->addr6), &s->prefix6);
	if (strcmp(k, "gw4") == 0)
		return parse_addr(AF_INET, v, s->gw4, sizeof(s->gw4));
	if (strcmp(k, "gw6") == 0)
		return parse_addr(AF_INET6, v, s->gw6, sizeof(s->gw6));
	if (strcmp(k, "pcscf") == 0) {
		if (s->n_pcscf == MODEM_PCSCF_MAX)
			return -E2BIG;
		if (parse_addr(strchr(v, ':') ? AF_INET6 : AF_INET, v, s->pcscf[s->n_pcscf],
			       sizeof(s->pcscf[0])) < 0)
			return -EINVAL;
		s->n_pcscf++;
		return 0;
	}
	if (strcmp(k, "mtu") == 0) {
		if (parse_uint(v, 65535, &a) < 0)
			return -EINVAL;
		s->mtu = (unsigned int)a;
		return 0;
	}
	return 0; /* unknown: a newer daemon's, skipped */
}

static int parse_line(struct journal *j, const char *k, char *v)
{
	unsigned long a;
	size_t i;
	int ret;

	if (strncmp(k, "pdn.", 4) == 0) {
		if (!j->n_pdn)
			return -EINVAL; /* a PDN's field before its "pdn=" line */
		return parse_pdn_key(k + 4, v, &j->pdn[j->n_pdn - 1]);
	}
	if (strncmp(k, "modem.", 6) == 0) {
		ret = parse_handles(k + 6, v, &j->modem);
		return ret > 0 ? 0 : ret;
	}
	if (strncmp(k, "reg.", 4) == 0) {
		k += 4;
		if (!j->reg.active)
			return -EINVAL;
		if (strcmp(k, "pcscf") == 0)
			return copy_str(j->reg.pcscf, sizeof(j->reg.pcscf), v);
		if (strcmp(k, "contact") == 0)
			return copy_str(j->reg.contact, sizeof(j->reg.contact), v);
		if (strcmp(k, "call-id") == 0)
			return copy_str(j->reg.call_id, sizeof(j->reg.call_id), v);
		if (strcmp(k, "expires") == 0) {
			if (parse_uint(v, 0xffffffffu, &a) < 0)
				return -EINVAL;
			j->reg.expires = (unsigned int)a;
		}
		return 0;
	}
	if (strcmp(k, "card.channel") == 0) {
		/* Handed to MANAGE CHANNEL close (TS 102 221 11.1.17): 1..19 only. */
		if (parse_uint(v, JOURNAL_CARD_CHANNEL_MAX, &a) < 0 || !a)
			return -EINVAL;
		j->card_channels |= 1u << a;
		return 0;
	}
	if (strcmp(k, "pdn") == 0) {
		if (j->n_pdn == JOURNAL_PDN_MAX)
			return -E2BIG;
		if (parse_uint(v, 0xffffffffu, &a) < 0)
			return -EINVAL;
		j->pdn[j->n_pdn++].id = (modem_pdn_id)a;
		return 0;
	}
	if (strcmp(k, "reg") == 0) {
		if (strcmp(v, "active") != 0)
			return -EINVAL;
		j->reg.active = true;
		return 0;
	}
	if (strcmp(k, "state") == 0)
		return copy_str(j->state, sizeof(j->state), v);
	if (strcmp(k, "partner") == 0)
		return copy_str(j->partner, sizeof(j->partner), v);
	if (strcmp(k, "reason") == 0)
		return copy_str(j->reason, sizeof(j->reason), v);
	if (strcmp(k, "trigger") == 0)
		return copy_str(j->trigger, sizeof(j->trigger), v);
	if (strcmp(k, "intent") == 0) {
		for (i = 0; i < sizeof(intent_names) / sizeof(intent_names[0]); i++) {
			if (strcmp(v, intent_names[i]) == 0) {
				j->intent = (enum journal_intent)i;
				return 0;
			}
		}
		return -EINVAL;
	}
	return 0; /* unknown key: skipped */
}

int journal_parse(const char *text, size_t len, struct journal *j, char *why, size_t why_len)
{
	char line[JOURNAL_STR_MAX * 2];
	const char *p, *nl, *end_line = NULL;
	unsigned int lineno = 1;
	unsigned long crc;
	int ret;

	journal_init(j);
	if (len < strlen(JOURNAL_MAGIC) || memcmp(text, JOURNAL_MAGIC, strlen(JOURNAL_MAGIC))) {
		snprintf(why, why_len, "not a journal (no \"mcmig-journal 1\" line)");
		return -EBADMSG;
	}
	if (len > JOURNAL_TEXT_MAX || memchr(text, '\0', len)) {
		snprintf(why, why_len, "%zu bytes%s: not a journal", len,
			 len > JOURNAL_TEXT_MAX ? "" : " with a NUL byte");
		return -EBADMSG;
	}
	/* The last line first: without a matching checksum nothing is used. */
	for (p = text; p < text + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(text + len - p));
		if (!nl)
			break;
		if ((size_t)(nl - p) > 4 && memcmp(p, "end=", 4) == 0)
			end_line = p;
	}
	if (!end_line ||
	    (const char *)memchr(end_line, '\n', (size_t)(text + len - end_line)) + 1 !=
		    text + len) {
		snprintf(why, why_len, "cut short (no final end= line)");
		return -EBADMSG;
	}
	if (text + len - end_line - 5 != 8) {
		snprintf(why, why_len, "end line is not a checksum (%zu bytes)",
			 (size_t)(text + len - end_line - 5));
		return -EBADMSG;
	}
	memcpy(line, end_line + 4, 8);
	line[8] = '\0';
	if (strspn(line, "0123456789abcdef") != 8) {
		snprintf(why, why_len, "end line \"%.16s\" is not a checksum", line);
		return -EBADMSG;
	}
	crc = strtoul(line, NULL, 16);
	if (crc != crc32_of(text, (size_t)(end_line - text))) {
		snprintf(why, why_len, "checksum %s does not match its text", line);
		return -EBADMSG;
	}
	for (p = text + strlen(JOURNAL_MAGIC); p < end_line; p = nl + 1) {
		char *eq;

		lineno++;
		nl = memchr(p, '\n', (size_t)(end_line - p));
		if ((size_t)(nl - p) >= sizeof(line)) {
			snprintf(why, why_len, "line %u: %zu bytes long", lineno, (size_t)(nl - p));
			return -EBADMSG;
		}
		memcpy(line, p, (size_t)(nl - p));
		line[nl - p] = '\0';
		eq = strchr(line, '=');
		if (!eq || eq == line) {
			snprintf(why, why_len, "line %u: \"%.32s\" is not key=value", lineno, line);
			return -EBADMSG;
		}
		*eq = '\0';
		ret = parse_line(j, line, eq + 1);
		if (ret < 0) {
			snprintf(why, why_len, "line %u: %s=\"%.64s\": %s", lineno, line, eq + 1,
				 ret == -E2BIG ? "too many" : "bad value");
			return ret;
		}
	}
	return 0;
}
