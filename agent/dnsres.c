// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * c-ares on the GLib main loop, bound to one PDN's servers and netdev.
 *
 * The loop side: after every call into c-ares, ares_getsock() says which
 * sockets it wants read or written; each gets a GUnixFDSource that calls
 * ares_process_fd(), and ares_timeout() arms one timer for c-ares's own
 * retransmissions and timeouts. c-ares's callbacks only record and move a
 * lookup on; the caller's callback always runs from an idle source, outside
 * c-ares, so it may free the resolver.
 *
 * Sockets are ours (ares_set_socket_functions): each is bound to the PDN's
 * netdev before c-ares uses it (SO_BINDTODEVICE; c-ares's own
 * ares_set_local_dev() carries on unbound when that fails, which would ask
 * the partner's server over the primary PDN), and the address each answer
 * came from is kept so that a reason can name the server that gave it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <ares.h>
#include <arpa/nameser.h>
#include <glib-unix.h>
#include <glib.h>

#include "dnsres.h"

#define DEFAULT_TIMEOUT_MS 2000
#define DEFAULT_TRIES	   2

struct watch {
	int fd;
	GIOCondition cond;
	GSource *src;
};

struct dnsres {
	ares_channel ch;
	struct watch watches[ARES_GETSOCK_MAXNUM];
	size_t n_watches;
	guint timer;
	unsigned int depth; /* calls into c-ares in progress */
	char ifname[IF_NAMESIZE];
	char asked[DNSRES_SERVERS_MAX * (SIPDNS_ADDR_MAX + 2)];
	char answered[SIPDNS_ADDR_MAX]; /* the server of the answer being handled */
	int rcode;			/* that answer's RCODE (RFC 1035 4.1.1) */
	char sock_err[128];		/* why the last socket could not be made */
	GList *lookups;
	unsigned int next_id;
};

enum lookup_kind {
	LK_ADDR,
	LK_SIP,
};

/* Where an RFC 3263 lookup stands (one query in flight at a time). */
enum sip_step {
	SIP_NAPTR,
	SIP_SRV,
	SIP_ADDR,
};

struct lookup {
	struct dnsres *r;
	unsigned int id;
	enum lookup_kind kind;
	bool in_query;
	bool cancelled;
	guint idle;
	int err;
	char reason[SIPDNS_REASON_MAX];

	/* The address query: name, families asked for, the one in flight. */
	char name[SIPDNS_NAME_MAX];
	int family, cur_family;
	char addrs[DNSRES_ADDRS_MAX][SIPDNS_ADDR_MAX];
	size_t n_addrs;

	/* RFC 3263 */
	enum sip_step step;
	char host[SIPDNS_NAME_MAX];
	bool transport_given, from_naptr, srv_found;
	struct sipdns_service svc[SIPDNS_RECORDS_MAX];
	size_t n_svc, svc_i;
	struct sipdns_srv srv[SIPDNS_RECORDS_MAX];
	size_t n_srv, srv_i;
	struct dnsres_sip res;

	dnsres_addr_cb addr_cb;
	dnsres_sip_cb sip_cb;
	void *user_data;
};

static void sync_watches(struct dnsres *r);
static void query(struct lookup *lk, const char *name, int type);

/* ---- sockets (struct ares_socket_functions) ---- */

static ares_socket_t sock_open(int domain, int type, int protocol, void *data)
{
	struct dnsres *r = data;
	int fd = socket(domain, type | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);

	if (fd < 0) {
		snprintf(r->sock_err, sizeof(r->sock_err), "socket: %s", strerror(errno));
		return ARES_SOCKET_BAD;
	}
	if (r->ifname[0] && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, r->ifname,
				       (socklen_t)strlen(r->ifname) + 1) < 0) {
		int e = errno;

		snprintf(r->sock_err, sizeof(r->sock_err), "cannot bind to %s: %s", r->ifname,
			 strerror(e));
		close(fd);
		errno = e;
		return ARES_SOCKET_BAD;
	}
	return fd;
}

static int sock_close(ares_socket_t fd, void *data)
{
	return close(fd);
}

static int sock_connect(ares_socket_t fd, const struct sockaddr *sa, ares_socklen_t len, void *data)
{
	return connect(fd, sa, len);
}

static void note_peer(struct dnsres *r, const struct sockaddr *sa)
{
	const void *a = NULL;

	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (!a || !inet_ntop(sa->sa_family, a, r->answered, sizeof(r->answered)))
		r->answered[0] = '\0';
}

static ares_ssize_t sock_recvfrom(ares_socket_t fd, void *buf, size_t len, int flags,
				  struct sockaddr *from, ares_socklen_t *from_len, void *data)
{
	struct dnsres *r = data;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	ssize_t n;

	if (from) {
		n = recvfrom(fd, buf, len, flags, from, from_len);
		if (n > 0)
			note_peer(r, from);
		if (n >= 4)
			r->rcode = ((const uint8_t *)buf)[3] & 0x0f;
		return n;
	}
	/* TCP: the peer is the server connected to. */
	n = recv(fd, buf, len, flags);
	if (n > 0 && getpeername(fd, (struct sockaddr *)&ss, &sl) == 0)
		note_peer(r, (struct sockaddr *)&ss);
	return n;
}

static ares_ssize_t sock_sendv(ares_socket_t fd, const struct iovec *iov, int n, void *data)
{
	return writev(fd, iov, n);
}

static const struct ares_socket_functions sock_funcs = {
	.asocket = sock_open,
	.aclose = sock_close,
	.aconnect = sock_connect,
	.arecvfrom = sock_recvfrom,
	.asendv = sock_sendv,
};

/* ---- the loop ---- */

static void process(struct dnsres *r, int rfd, int wfd)
{
	r->answered[0] = '\0';
	r->rcode = -1;
	r->sock_err[0] = '\0';
	r->depth++;
	ares_process_fd(r->ch, rfd, wfd);
	r->depth--;
	sync_watches(r);
}

static gboolean on_fd(gint fd, GIOCondition cond, gpointer data)
{
	struct dnsres *r = data;

	process(r, cond & (G_IO_IN | G_IO_HUP | G_IO_ERR) ? fd : ARES_SOCKET_BAD,
		cond & G_IO_OUT ? fd : ARES_SOCKET_BAD);
	/* sync_watches() destroyed this source if c-ares no longer wants it. */
	return G_SOURCE_CONTINUE;
}

static gboolean on_timer(gpointer data)
{
	struct dnsres *r = data;

	r->timer = 0;
	process(r, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	return G_SOURCE_REMOVE;
}

static void watch_drop(struct watch *w)
{
	g_source_destroy(w->src);
	g_source_unref(w->src);
	w->src = NULL;
}

/* Makes our sources match what c-ares waits for now, and re-arms its timer. */
static void sync_watches(struct dnsres *r)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct watch want[ARES_GETSOCK_MAXNUM];
	size_t n_want = 0, i, j;
	struct timeval tv, *tvp;
	int bits;

	if (r->depth)
		return;
	bits = ares_getsock(r->ch, socks, ARES_GETSOCK_MAXNUM);
	for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		GIOCondition c = 0;

		if (ARES_GETSOCK_READABLE(bits, i))
			c |= G_IO_IN | G_IO_HUP | G_IO_ERR;
		if (ARES_GETSOCK_WRITABLE(bits, i))
			c |= G_IO_OUT;
		if (!c)
			break;
		want[n_want++] = (struct watch){ .fd = socks[i], .cond = c };
	}
	/* Keep the sources that still match; drop the others. */
	for (i = 0; i < r->n_watches;) {
		for (j = 0; j < n_want; j++)
			if (want[j].fd == r->watches[i].fd && want[j].cond == r->watches[i].cond &&
			    !want[j].src)
				break;
		if (j < n_want) {
			want[j].src = r->watches[i].src;
			i++;
			continue;
		}
		watch_drop(&r->watches[i]);
		r->watches[i] = r->watches[--r->n_watches];
	}
	for (j = 0; j < n_want; j++) {
		if (want[j].src)
			continue;
		want[j].src = g_unix_fd_source_new(want[j].fd, want[j].cond);
		g_source_set_callback(want[j].src, G_SOURCE_FUNC(on_fd), r, NULL);
		g_source_attach(want[j].src, NULL);
	}
	memcpy(r->watches, want, n_want * sizeof(want[0]));
	r->n_watches = n_want;

	if (r->timer) {
		g_source_remove(r->timer);
		r->timer = 0;
	}
	tvp = ares_timeout(r->ch, NULL, &tv);
	if (tvp)
		r->timer = g_timeout_add((guint)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000),
					 on_timer, r);
}

/* ---- lookups ---- */

static void lookup_free(struct lookup *lk)
{
	if (lk->idle)
		g_source_remove(lk->idle);
	lk->r->lookups = g_list_remove(lk->r->lookups, lk);
	g_free(lk);
}

static gboolean on_complete(gpointer data)
{
	struct lookup *lk = data;

	lk->idle = 0;
	/* Out of the list first: the callback may free the resolver. */
	lk->r->lookups = g_list_remove(lk->r->lookups, lk);
	if (lk->kind == LK_ADDR)
		lk->addr_cb(lk->err, lk->err ? lk->reason : NULL,
			    (const char(*)[SIPDNS_ADDR_MAX])lk->addrs, lk->n_addrs, lk->user_data);
	else
		lk->sip_cb(lk->err, lk->err ? lk->reason : NULL, lk->err ? NULL : &lk->res,
			   lk->user_data);
	g_free(lk);
	return G_SOURCE_REMOVE;
}

static void complete(struct lookup *lk, int err)
{
	lk->err = err;
	lk->idle = g_idle_add(on_complete, lk);
}

static const char *type_str(int type)
{
	switch (type) {
	case ns_t_naptr:
		return "NAPTR";
	case ns_t_srv:
		return "SRV";
	case ns_t_a:
		return "A";
	case ns_t_aaaa:
		return "AAAA";
	}
	return "?";
}

/* The reason for @status on (@name, @type): the answering server, else those asked. */
static int set_reason(struct lookup *lk, const char *name, int type, int status, const char *detail)
{
	struct dnsres *r = lk->r;
	char sock[sizeof(r->sock_err) + 16] = "";
	bool answer;
	int err;

	/*
	 * c-ares 1.18 drops a SERVFAIL, NOTIMP or REFUSED answer to ask the
	 * next server, and once none is left ends with ARES_ECONNREFUSED, as
	 * if none had answered: the answer that ended it says what it was.
	 */
	if (status == ARES_ECONNREFUSED && r->answered[0] && r->rcode == 2)
		status = ARES_ESERVFAIL;
	else if (status == ARES_ECONNREFUSED && r->answered[0] && r->rcode == 4)
		status = ARES_ENOTIMP;
	else if (status == ARES_ECONNREFUSED && r->answered[0] && r->rcode == 5)
		status = ARES_EREFUSED;
	answer = status != ARES_ETIMEOUT && status != ARES_ECONNREFUSED && r->answered[0];

	if (!answer && r->sock_err[0]) {
		snprintf(sock, sizeof(sock), "socket: %s", r->sock_err);
		detail = sock;
	}
	err = sipdns_reason(lk->reason, sizeof(lk->reason), name, type_str(type), status, detail,
			    answer ? r->answered : NULL, r->asked, r->ifname[0] ? r->ifname : NULL);
	lk->err = err;
	return err;
}

static void path_add(struct lookup *lk, const char *what, const char *name)
{
	size_t l = strlen(lk->res.path);

	snprintf(lk->res.path + l, sizeof(lk->res.path) - l, "%s%s %s", l ? ", " : "", what, name);
}

static void addr_start(struct lookup *lk, const char *name)
{
	snprintf(lk->name, sizeof(lk->name), "%s", name);
	lk->cur_family = lk->family == AF_INET6 ? AF_INET6 : AF_INET;
	query(lk, lk->name, lk->cur_family == AF_INET ? ns_t_a : ns_t_aaaa);
}

static void sip_next_srv(struct lookup *lk);

/* The addresses of the next SRV target, or the next SRV name once none is left. */
static void sip_next_target(struct lookup *lk)
{
	if (lk->srv_i < lk->n_srv) {
		const struct sipdns_srv *s = &lk->srv[lk->srv_i++];

		lk->step = SIP_ADDR;
		lk->res.port = s->port;
		snprintf(lk->res.target, sizeof(lk->res.target), "%s", s->target);
		addr_start(lk, s->target);
		return;
	}
	lk->svc_i++;
	sip_next_srv(lk);
}

/* RFC 3263 4.1/4.2: the next SRV name; none left: A/AAAA of the host, or the last failure. */
static void sip_next_srv(struct lookup *lk)
{
	if (lk->svc_i < lk->n_svc) {
		lk->step = SIP_SRV;
		lk->res.transport = lk->svc[lk->svc_i].transport;
		query(lk, lk->svc[lk->svc_i].name, ns_t_srv);
		return;
	}
	/*
	 * RFC 3263 4.2: "If no SRV records were found", the host's own
	 * addresses, port 5060. Not when the NAPTR records named SRV names
	 * or SRV targets existed: their failure is the answer.
	 */
	if (lk->from_naptr || lk->srv_found) {
		complete(lk, lk->err);
		return;
	}
	lk->step = SIP_ADDR;
	lk->res.port = 5060;
	if (!lk->transport_given)
		lk->res.transport = SIPDNS_UDP;
	snprintf(lk->res.target, sizeof(lk->res.target), "%s", lk->host);
	addr_start(lk, lk->host);
}

static void on_naptr(struct lookup *lk, int status, const uint8_t *buf, size_t len)
{
	struct sipdns_naptr recs[SIPDNS_RECORDS_MAX];
	size_t n = 0, i, l = 0;
	char offered[128] = "";
	int ret;

	if (status == ARES_SUCCESS) {
		ret = sipdns_parse_naptr(buf, len, recs, SIPDNS_RECORDS_MAX, &n);
		status = ret == 0 ? ARES_SUCCESS : ret == -ENODATA ? ARES_ENODATA : ARES_EBADRESP;
	}
	if (status == ARES_SUCCESS) {
		lk->n_svc = sipdns_select_naptr(recs, n, lk->svc, SIPDNS_RECORDS_MAX);
		if (lk->n_svc) {
			lk->from_naptr = true;
			path_add(lk, "NAPTR", lk->host);
			sip_next_srv(lk);
			return;
		}
		/* Records, but none for SIP over UDP or TCP: the domain says where we cannot go. */
		for (i = 0; i < n && l < sizeof(offered); i++)
			l += (size_t)snprintf(offered + l, sizeof(offered) - l, "%s%s \"%s\"",
					      i ? ", " : "", recs[i].service, recs[i].flags);
		set_reason(lk, lk->host, ns_t_naptr, SIPDNS_STATUS_UNUSABLE, offered);
		complete(lk, lk->err);
		return;
	}
	set_reason(lk, lk->host, ns_t_naptr, status, NULL);
	if (status != ARES_ENOTFOUND && status != ARES_ENODATA) {
		complete(lk, lk->err);
		return;
	}
	/* RFC 3263 4.1: no NAPTR records: SRV for the transports we support. */
	lk->n_svc = 0;
	if (!sipdns_srv_name(lk->host, SIPDNS_UDP, &lk->svc[0]) &&
	    !sipdns_srv_name(lk->host, SIPDNS_TCP, &lk->svc[1]))
		lk->n_svc = 2;
	sip_next_srv(lk);
}

static uint32_t srv_random(void *ctx)
{
	return g_random_int();
}

static void on_srv(struct lookup *lk, int status, const uint8_t *buf, size_t len)
{
	struct sipdns_srv recs[SIPDNS_RECORDS_MAX];
	const char *name = lk->svc[lk->svc_i].name;
	size_t n = 0;
	int ret;

	if (status == ARES_SUCCESS) {
		ret = sipdns_parse_srv(buf, len, recs, SIPDNS_RECORDS_MAX, &n);
		status = ret == 0 ? ARES_SUCCESS : ret == -ENODATA ? ARES_ENODATA : ARES_EBADRESP;
	}
	if (status == ARES_SUCCESS) {
		lk->srv_found = true;
		lk->n_srv = sipdns_order_srv(recs, n, srv_random, NULL, lk->srv);
		lk->srv_i = 0;
		if (!lk->n_srv) {
			/* RFC 2782: target "." - the service is decidedly not available. */
			set_reason(lk, name, ns_t_srv, SIPDNS_STATUS_UNUSABLE,
				   "target \".\": no such service there");
			lk->svc_i++;
			sip_next_srv(lk);
			return;
		}
		path_add(lk, "SRV", name);
		sip_next_target(lk);
		return;
	}
	set_reason(lk, name, ns_t_srv, status, NULL);
	if (status != ARES_ENOTFOUND && status != ARES_ENODATA) {
		complete(lk, lk->err);
		return;
	}
	lk->svc_i++;
	sip_next_srv(lk);
}

static void addr_done(struct lookup *lk)
{
	size_t i;

	if (lk->kind == LK_SIP) {
		path_add(lk, lk->cur_family == AF_INET ? "A" : "AAAA", lk->name);
		for (i = 0; i < lk->n_addrs; i++)
			memcpy(lk->res.addrs[i], lk->addrs[i], SIPDNS_ADDR_MAX);
		lk->res.n_addrs = lk->n_addrs;
	}
	complete(lk, 0);
}

static void on_addr(struct lookup *lk, int status, const uint8_t *buf, size_t len)
{
	int type = lk->cur_family == AF_INET ? ns_t_a : ns_t_aaaa;
	int ret;

	if (status == ARES_SUCCESS) {
		ret = sipdns_parse_addr(buf, len, lk->cur_family, lk->addrs, DNSRES_ADDRS_MAX,
					&lk->n_addrs);
		status = ret == 0 ? ARES_SUCCESS : ret == -ENODATA ? ARES_ENODATA : ARES_EBADRESP;
	}
	if (status == ARES_SUCCESS) {
		addr_done(lk);
		return;
	}
	set_reason(lk, lk->name, type, status, NULL);
	if (status != ARES_ENOTFOUND && status != ARES_ENODATA) {
		complete(lk, lk->err);
		return;
	}
	/* No A: AAAA when both families will do (a name without A may have AAAA). */
	if (status == ARES_ENODATA && lk->family == AF_UNSPEC && lk->cur_family == AF_INET) {
		lk->cur_family = AF_INET6;
		query(lk, lk->name, ns_t_aaaa);
		return;
	}
	/* RFC 3263 4.3: the next SRV target of the same service. */
	if (lk->kind == LK_SIP && lk->srv_found && lk->n_svc) {
		sip_next_target(lk);
		return;
	}
	complete(lk, lk->err);
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct lookup *lk = arg;
	size_t len = alen > 0 ? (size_t)alen : 0;

	lk->in_query = false;
	/* ares_destroy() in dnsres_free(): the lookup is freed there. */
	if (status == ARES_EDESTRUCTION)
		return;
	if (lk->cancelled) {
		lookup_free(lk);
		return;
	}
	if (lk->kind == LK_SIP && lk->step == SIP_NAPTR)
		on_naptr(lk, status, abuf, len);
	else if (lk->kind == LK_SIP && lk->step == SIP_SRV)
		on_srv(lk, status, abuf, len);
	else
		on_addr(lk, status, abuf, len);
}

static void query(struct lookup *lk, const char *name, int type)
{
	struct dnsres *r = lk->r;

	lk->in_query = true;
	r->sock_err[0] = '\0';
	r->depth++;
	/* ares_query, not ares_search: the name as given, no search domains, no hosts file. */
	ares_query(r->ch, name, ns_c_in, type, on_answer, lk);
	r->depth--;
	sync_watches(r);
}

static struct lookup *lookup_new(struct dnsres *r, enum lookup_kind kind, void *user_data)
{
	struct lookup *lk = g_new0(struct lookup, 1);

	lk->r = r;
	lk->kind = kind;
	lk->id = ++r->next_id ?: ++r->next_id;
	lk->user_data = user_data;
	r->lookups = g_list_prepend(r->lookups, lk);
	return lk;
}

static bool family_ok(int family)
{
	return family == AF_INET || family == AF_INET6 || family == AF_UNSPEC;
}

static bool name_ok(const char *name)
{
	return name && name[0] && strlen(name) < SIPDNS_NAME_MAX;
}

unsigned int dnsres_lookup_addr(struct dnsres *r, const char *name, int family, dnsres_addr_cb cb,
				void *user_data)
{
	struct lookup *lk;

	if (!r || !cb || !name_ok(name) || !family_ok(family))
		return 0;
	lk = lookup_new(r, LK_ADDR, user_data);
	lk->addr_cb = cb;
	lk->family = family;
	lk->step = SIP_ADDR;
	addr_start(lk, name);
	return lk->id;
}

unsigned int dnsres_lookup_sip(struct dnsres *r, const char *host, uint16_t port,
			       const enum sipdns_transport *transport, int family, dnsres_sip_cb cb,
			       void *user_data)
{
	struct lookup *lk;
	uint8_t a[16];

	if (!r || !cb || !name_ok(host) || !family_ok(family))
		return 0;
	lk = lookup_new(r, LK_SIP, user_data);
	lk->sip_cb = cb;
	lk->family = family;
	snprintf(lk->host, sizeof(lk->host), "%s", host);
	snprintf(lk->res.target, sizeof(lk->res.target), "%s", host);
	lk->transport_given = transport != NULL;
	lk->res.transport = transport ? *transport : SIPDNS_UDP;
	lk->res.port = port ? port : 5060;
	/* RFC 3263 4.1/4.2: a numeric host is where to go, UDP unless told otherwise. */
	if (inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1) {
		snprintf(lk->res.addrs[0], SIPDNS_ADDR_MAX, "%s", host);
		lk->res.n_addrs = 1;
		snprintf(lk->res.path, sizeof(lk->res.path), "numeric");
		complete(lk, 0);
		return lk->id;
	}
	/* RFC 3263 4.2: a port in the URI: A/AAAA, no SRV. */
	if (port) {
		lk->step = SIP_ADDR;
		addr_start(lk, host);
		return lk->id;
	}
	/* RFC 3263 4.1: a transport in the URI: its SRV name only. */
	if (transport) {
		if (sipdns_srv_name(host, *transport, &lk->svc[0]) == 0)
			lk->n_svc = 1;
		sip_next_srv(lk);
		return lk->id;
	}
	lk->step = SIP_NAPTR;
	query(lk, host, ns_t_naptr);
	return lk->id;
}

void dnsres_cancel(struct dnsres *r, unsigned int id)
{
	GList *l;

	for (l = r ? r->lookups : NULL; l; l = l->next) {
		struct lookup *lk = l->data;

		if (lk->id != id || lk->cancelled)
			continue;
		/* c-ares cancels only everything: the answer in flight frees it. */
		if (lk->in_query)
			lk->cancelled = true;
		else
			lookup_free(lk);
		return;
	}
}

int dnsres_new(struct dnsres **out, const struct dnsres_config *cfg)
{
	struct ares_options o = {
		/* Nothing from resolv.conf's search, domain or rotate: these servers, this name. */
		.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES,
		.timeout = cfg->timeout_ms ? (int)cfg->timeout_ms : DEFAULT_TIMEOUT_MS,
		.tries = cfg->tries ? (int)cfg->tries : DEFAULT_TRIES,
		.ndots = 1,
		.ndomains = 0,
		.domains = NULL,
		.lookups = (char *)"b",
	};
	int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_NDOTS |
		   ARES_OPT_DOMAINS | ARES_OPT_LOOKUPS | ARES_OPT_NOROTATE;
	struct ares_addr_port_node nodes[DNSRES_SERVERS_MAX];
	struct dnsres *r;
	size_t i, l = 0;

	*out = NULL;
	if (!cfg->n_servers || cfg->n_servers > DNSRES_SERVERS_MAX ||
	    (cfg->ifname && strlen(cfg->ifname) >= IF_NAMESIZE))
		return -EINVAL;
	r = g_new0(struct dnsres, 1);
	for (i = 0; i < cfg->n_servers; i++) {
		struct ares_addr_port_node *n = &nodes[i];

		memset(n, 0, sizeof(*n));
		n->next = i + 1 < cfg->n_servers ? &nodes[i + 1] : NULL;
		n->udp_port = n->tcp_port = cfg->port ? cfg->port : 53;
		if (cfg->servers[i] && inet_pton(AF_INET, cfg->servers[i], &n->addr.addr4) == 1)
			n->family = AF_INET;
		else if (cfg->servers[i] &&
			 inet_pton(AF_INET6, cfg->servers[i], &n->addr.addr6) == 1)
			n->family = AF_INET6;
		else
			goto inval;
		l += (size_t)snprintf(r->asked + l, sizeof(r->asked) - l, "%s%s", i ? ", " : "",
				      cfg->servers[i]);
	}
	if (cfg->ifname)
		snprintf(r->ifname, sizeof(r->ifname), "%s", cfg->ifname);
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
		goto nomem;
	if (ares_init_options(&r->ch, &o, mask) != ARES_SUCCESS) {
		ares_library_cleanup();
		goto nomem;
	}
	ares_set_socket_functions(r->ch, &sock_funcs, r);
	if (ares_set_servers_ports(r->ch, nodes) != ARES_SUCCESS) {
		ares_destroy(r->ch);
		ares_library_cleanup();
		goto nomem;
	}
	*out = r;
	return 0;
inval:
	g_free(r);
	return -EINVAL;
nomem:
	g_free(r);
	return -ENOMEM;
}

void dnsres_free(struct dnsres *r)
{
	size_t i;

	if (!r)
		return;
	/* Callbacks of pending queries come with ARES_EDESTRUCTION and touch nothing. */
	r->depth++;
	ares_destroy(r->ch);
	ares_library_cleanup();
	while (r->lookups)
		lookup_free(r->lookups->data);
	for (i = 0; i < r->n_watches; i++)
		watch_drop(&r->watches[i]);
	if (r->timer)
		g_source_remove(r->timer);
	g_free(r);
}
