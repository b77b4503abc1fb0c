// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 3263 server location, the pure part: NAPTR selection (4.1), SRV order
 * (RFC 2782), answer decoding and the reasons of failed queries.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ares.h>

#include "sipdns.h"

const char *sipdns_transport_str(enum sipdns_transport t)
{
	switch (t) {
	case SIPDNS_UDP:
		return "udp";
	case SIPDNS_TCP:
		return "tcp";
	}
	return "?";
}

int sipdns_service_transport(const char *service, enum sipdns_transport *t)
{
	/* RFC 3263 4.1 / RFC 3403 4.1: service fields compare without case. */
	if (!strcasecmp(service, "SIP+D2U")) {
		*t = SIPDNS_UDP;
		return 0;
	}
	if (!strcasecmp(service, "SIP+D2T")) {
		*t = SIPDNS_TCP;
		return 0;
	}
	return -EPROTONOSUPPORT;
}

static int naptr_cmp(const void *a, const void *b)
{
	const struct sipdns_naptr *x = *(const struct sipdns_naptr *const *)a;
	const struct sipdns_naptr *y = *(const struct sipdns_naptr *const *)b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	if (x->preference != y->preference)
		return x->preference < y->preference ? -1 : 1;
	/* RFC 3403 leaves equal records in any order; one that does not depend on qsort's. */
	return strcmp(x->replacement, y->replacement);
}

size_t sipdns_select_naptr(const struct sipdns_naptr *in, size_t n, struct sipdns_service *out,
			   size_t max)
{
	const struct sipdns_naptr *sorted[SIPDNS_RECORDS_MAX];
	size_t i, k = 0, m = 0;

	for (i = 0; i < n && k < SIPDNS_RECORDS_MAX; i++)
		sorted[k++] = &in[i];
	qsort(sorted, k, sizeof(sorted[0]), naptr_cmp);
	for (i = 0; i < k && m < max; i++) {
		const struct sipdns_naptr *r = sorted[i];
		enum sipdns_transport t;

		/*
		 * RFC 3263 4.1: SIP uses terminal "s" records whose replacement
		 * is the SRV name; the regexp field is not used for SIP.
		 */
		if (strcasecmp(r->flags, "s") != 0 || r->regexp_used)
			continue;
		if (sipdns_service_transport(r->service, &t) < 0)
			continue;
		if (!r->replacement[0] || !strcmp(r->replacement, "."))
			continue;
		out[m].transport = t;
		snprintf(out[m].name, sizeof(out[m].name), "%s", r->replacement);
		m++;
	}
	return m;
}

int sipdns_srv_name(const char *host, enum sipdns_transport t, struct sipdns_service *out)
{
	int n = snprintf(out->name, sizeof(out->name), "_sip._%s.%s", sipdns_transport_str(t),
			 host);

	if (n < 0 || (size_t)n >= sizeof(out->name))
		return -ENAMETOOLONG;
	out->transport = t;
	return 0;
}

static int srv_prio_cmp(const void *a, const void *b)
{
	const struct sipdns_srv *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	/* RFC 2782: weight 0 records go first in the list the random walk runs over. */
	if ((x->weight == 0) != (y->weight == 0))
		return x->weight == 0 ? -1 : 1;
	/* Any order will do (RFC 2782); one that does not depend on qsort's. */
	return strcmp(x->target, y->target);
}

size_t sipdns_order_srv(const struct sipdns_srv *in, size_t n, uint32_t (*rnd)(void *ctx),
			void *ctx, struct sipdns_srv *out)
{
	struct sipdns_srv tmp[SIPDNS_RECORDS_MAX];
	bool taken[SIPDNS_RECORDS_MAX] = { false };
	size_t i, k = 0, m = 0, start, end, left;

	/* RFC 2782: a target of "." alone says the service is decidedly not available. */
	for (i = 0; i < n && k < SIPDNS_RECORDS_MAX; i++)
		if (in[i].target[0] && strcmp(in[i].target, "."))
			tmp[k++] = in[i];
	qsort(tmp, k, sizeof(tmp[0]), srv_prio_cmp);
	for (start = 0; start < k; start = end) {
		for (end = start; end < k && tmp[end].priority == tmp[start].priority; end++)
			;
		/*
		 * RFC 2782 within one priority: sum the weights of those not yet
		 * taken, pick a number in [0, sum], take the first whose running
		 * sum reaches it (weight 0 records first, so they are taken only
		 * when the pick is 0).
		 */
		for (left = end - start; left; left--) {
			uint32_t sum = 0, pick, run = 0;
			size_t last = start;

			for (i = start; i < end; i++)
				if (!taken[i])
					sum += tmp[i].weight;
			pick = sum ? rnd(ctx) % (sum + 1) : 0;
			for (i = start; i < end; i++) {
				if (taken[i])
					continue;
				last = i;
				run += tmp[i].weight;
				if (run >= pick)
					break;
			}
			taken[last] = true;
			out[m++] = tmp[last];
		}
	}
	return m;
}

static int parse_status(int status)
{
	if (status == ARES_SUCCESS)
		return 0;
	return status == ARES_ENODATA ? -ENODATA : -EBADMSG;
}

static bool copy_str(char *dst, size_t size, const void *src)
{
	int n = snprintf(dst, size, "%s", src ? (const char *)src : "");

	return n >= 0 && (size_t)n < size;
}

int sipdns_parse_naptr(const uint8_t *buf, size_t len, struct sipdns_naptr *out, size_t max,
		       size_t *n)
{
	struct ares_naptr_reply *head = NULL, *r;
	int ret;

	*n = 0;
	if (len > 65535)
		return -EBADMSG;
	ret = parse_status(ares_parse_naptr_reply(buf, (int)len, &head));
	if (ret < 0)
		return ret;
	for (r = head; r && *n < max; r = r->next) {
		struct sipdns_naptr *o = &out[*n];

		o->order = r->order;
		o->preference = r->preference;
		o->regexp_used = r->regexp && r->regexp[0];
		/* A field longer than we keep cannot be one we use: skip the record. */
		if (!copy_str(o->flags, sizeof(o->flags), r->flags) ||
		    !copy_str(o->service, sizeof(o->service), r->service) ||
		    !copy_str(o->replacement, sizeof(o->replacement), r->replacement))
			continue;
		(*n)++;
	}
	ares_free_data(head);
	return *n ? 0 : -ENODATA;
}

int sipdns_parse_srv(const uint8_t *buf, size_t len, struct sipdns_srv *out, size_t max, size_t *n)
{
	struct ares_srv_reply *head = NULL, *r;
	int ret;

	*n = 0;
	if (len > 65535)
		return -EBADMSG;
	ret = parse_status(ares_parse_srv_reply(buf, (int)len, &head));
	if (ret < 0)
		return ret;
	for (r = head; r && *n < max; r = r->next) {
		struct sipdns_srv *o = &out[*n];

		o->priority = r->priority;
		o->weight = r->weight;
		o->port = r->port;
		if (copy_str(o->target, sizeof(o->target), r->host))
			(*n)++;
	}
	ares_free_data(head);
	return *n ? 0 : -ENODATA;
}

int sipdns_parse_addr(const uint8_t *buf, size_t len, int family, char (*out)[SIPDNS_ADDR_MAX],
		      size_t max, size_t *n)
{
	struct ares_addrttl a4[SIPDNS_RECORDS_MAX];
	struct ares_addr6ttl a6[SIPDNS_RECORDS_MAX];
	int count = SIPDNS_RECORDS_MAX, ret, i;

	*n = 0;
	if (len > 65535)
		return -EBADMSG;
	if (family == AF_INET)
		ret = ares_parse_a_reply(buf, (int)len, NULL, a4, &count);
	else if (family == AF_INET6)
		ret = ares_parse_aaaa_reply(buf, (int)len, NULL, a6, &count);
	else
		return -EAFNOSUPPORT;
	ret = parse_status(ret);
	if (ret < 0)
		return ret;
	for (i = 0; i < count && *n < max; i++) {
		const void *src = family == AF_INET ? (const void *)&a4[i].ipaddr :
						      (const void *)&a6[i].ip6addr;

		if (inet_ntop(family, src, out[*n], SIPDNS_ADDR_MAX))
			(*n)++;
	}
	return *n ? 0 : -ENODATA;
}

/* One table for c-ares's code space: its meaning as -errno and in words. */
static const struct {
	int status;
	int err;
	const char *text;
} status_table[] = {
	{ ARES_ENOTFOUND, -ENXIO, "no such name (NXDOMAIN)" },
	{ SIPDNS_STATUS_UNUSABLE, -ENOMSG, "no usable record" },
	{ ARES_ENODATA, -ENODATA, "no record of that type" },
	{ ARES_ESERVFAIL, -EREMOTEIO, "server failure (SERVFAIL)" },
	{ ARES_EREFUSED, -ECONNREFUSED, "refused (REFUSED)" },
	{ ARES_ENOTIMP, -EOPNOTSUPP, "not implemented by the server (NOTIMP)" },
	{ ARES_EFORMERR, -EPROTO, "the server could not read the query (FORMERR)" },
	{ ARES_ETIMEOUT, -ETIMEDOUT, "no answer (timeout)" },
	{ ARES_ECONNREFUSED, -ECONNREFUSED, "could not reach the server" },
	{ ARES_EBADRESP, -EBADMSG, "malformed answer" },
	{ ARES_EBADNAME, -EINVAL, "not a valid domain name" },
	{ ARES_ENOMEM, -ENOMEM, "out of memory" },
	{ ARES_ECANCELLED, -ECANCELED, "cancelled" },
	{ ARES_EDESTRUCTION, -ECANCELED, "cancelled" },
};

int sipdns_status_errno(int status)
{
	size_t i;

	for (i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
		if (status_table[i].status == status)
			return status_table[i].err;
	return -EIO;
}

int sipdns_reason(char *buf, size_t size, const char *name, const char *type, int status,
		  const char *detail, const char *answered, const char *asked, const char *ifname)
{
	const char *text = NULL;
	size_t i;

	for (i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
		if (status_table[i].status == status)
			text = status_table[i].text;
	snprintf(buf, size, "%s %s: %s%s%s%s %s %s", name, type,
		 text ? text : ares_strerror(status), detail ? " (" : "", detail ? detail : "",
		 detail ? ")" : "", answered ? "from" : "asked", answered ? answered : asked);
	if (ifname) {
		size_t l = strlen(buf);

		snprintf(buf + l, size - l, " on %s", ifname);
	}
	return sipdns_status_errno(status);
}
