// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmig-sipdb — bench SIP database (HSS) for the primary and the partner MC
 * system: Cx (TS 29.228/29.229) for the S-CSCF, Sh repository data (TS
 * 29.328/29.329) for the configuration management servers, and at the
 * partner the MAR proxy of seed steps 16-21.
 *
 *   mcmig-sipdb [-d] CONFIG
 *
 * One mutex guards the model: freeDiameter dispatches on several threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aka.h"
#include "fdx.h"
#include "sdb.h"
#include "shdata.h"

#define SCHEME_AKAV1 "Digest-AKAv1-MD5"
#define SCHEME_AKAV2 "Digest-AKAv2-MD5"

static struct sdb db;
static pthread_mutex_t db_lock = PTHREAD_MUTEX_INITIALIZER;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	flockfile(stderr);
	fprintf(stderr, "%lld.%03ld sipdb[%s]: ", (long long)ts.tv_sec, ts.tv_nsec / 1000000,
		db.identity);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

static int rng(void *buf, size_t len)
{
	ssize_t n = getrandom(buf, len, 0);

	return n == (ssize_t)len ? 0 : -EIO;
}

/* Makes a rename in @path's directory durable. */
static int sync_dir(const char *path)
{
	char dir[sizeof(db.state_file)];
	char *slash;
	int fd, ret = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	*(slash == dir ? slash + 1 : slash) = 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

/* Rewrites the state file atomically: temp file, fsync, rename, then the
 * directory. */
static int persist(void)
{
	char tmp[sizeof(db.state_file) + 8];
	char *buf;
	size_t len, off = 0;
	ssize_t n;
	int fd, ret;

	ret = sdb_state_format(&db, &buf, &len);
	if (ret)
		return ret;
	snprintf(tmp, sizeof(tmp), "%s.tmp", db.state_file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (!ret && db.sync_state && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, db.state_file))
		ret = -errno;
	if (ret)
		unlink(tmp);
	else if (db.sync_state)
		ret = sync_dir(db.state_file);
out:
	free(buf);
	if (ret)
		logf_("cannot write state %s: %s", db.state_file, strerror(-ret));
	return ret;
}

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t size = 0, n;
	char chunk[4096];
	int ret = 0;

	if (!f)
		return -errno;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		char *nb = realloc(buf, size + n + 1);

		if (!nb || size + n > (1u << 24)) {
			free(nb ? nb : buf);
			buf = NULL;
			ret = -EFBIG;
			break;
		}
		buf = nb;
		memcpy(buf + size, chunk, n);
		size += n;
	}
	if (!ret && ferror(f))
		ret = -EIO;
	fclose(f);
	if (ret) {
		free(buf);
		return ret;
	}
	*out = buf;
	*len = size;
	return 0;
}

/* A vector for @s (TS 33.102 6.3), or after resynchronisation from
 * RAND||AUTS (6.3.5) when @resync is given; the SQN is persisted before the
 * vector leaves. Caller holds db_lock. */
static int make_vector(struct sdb_sub *s, const uint8_t *resync, size_t resync_len,
		       struct aka_vec *v)
{
	uint64_t old = s->sqn;
	uint8_t rand_[16];
	int ret = 0;

	if (s->fixed_rand)
		memcpy(rand_, s->rand, sizeof(rand_));
	else
		ret = rng(rand_, sizeof(rand_));
	if (!ret)
		ret = aka_vector(s, rand_, resync, resync_len, v);
	if (!ret) {
		ret = persist();
		if (ret) {
			s->sqn = old;
			explicit_bzero(v, sizeof(*v));
		}
	}
	return ret;
}

static bool scheme_ok(const uint8_t *s, size_t n, bool *v2)
{
	*v2 = false;
	if (!s)
		return true; /* TS 29.229 6.3.14: absent = let the HSS choose */
	if (n == strlen(SCHEME_AKAV1) && !memcmp(s, SCHEME_AKAV1, n))
		return true;
	if (n == strlen(SCHEME_AKAV2) && !memcmp(s, SCHEME_AKAV2, n)) {
		*v2 = true;
		return true;
	}
	/* Kamailio asks "unknown" when no algorithm was configured. */
	return n == 7 && !memcmp(s, "unknown", 7);
}

/* Answers a MAR locally with a vector of subscriber @s; @impi/@impu are the
 * identities the requester used (echoed, TS 29.229 6.1.8). */
static int mar_local(struct msg *ans, struct avp *req_item, struct sdb_sub *s, const char *impi,
		     const char *impu)
{
	struct aka_vec v;
	const uint8_t *scheme, *resync;
	size_t slen = 0, rlen = 0;
	uint8_t auth[32];
	char pw[32];
	struct avp *item;
	bool v2;
	int ret, n;

	scheme = req_item ? fdx_get_str(req_item, fdx.sip_auth_scheme, &slen) : NULL;
	resync = req_item ? fdx_get_str(req_item, fdx.sip_authorization, &rlen) : NULL;
	ret = fdx_add_cstr(ans, fdx.user_name, impi);
	if (!ret)
		ret = fdx_add_cstr(ans, fdx.public_identity, impu);
	if (ret)
		return ret;
	if (!scheme_ok(scheme, slen, &v2)) {
		logf_("MAR %s: authentication scheme not supported", impi);
		return fdx_set_result(ans, FDX_ERROR_AUTH_SCHEME_NOT_SUPPORTED, true);
	}
	if (resync && rlen != 30)
		resync = NULL; /* not a resynchronisation request */
	ret = make_vector(s, resync, rlen, &v);
	if (ret) {
		logf_("MAR %s: no vector (%s)", impi,
		      ret == -EINVAL ? "AUTS rejected" : strerror(-ret));
		return fdx_set_result(ans, FDX_UNABLE_TO_COMPLY, false);
	}
	logf_("MAR %s: vector SQN %llu (SEQ %llu, IND %u)%s", impi, (unsigned long long)s->sqn,
	      (unsigned long long)(s->sqn >> s->ind_bits), s->ind, resync ? " after resync" : "");
	memcpy(auth, v.rand, 16);
	memcpy(auth + 16, v.autn, 16);
	ret = fdx_add_u32(ans, fdx.sip_number_auth_items, 1);
	if (!ret)
		ret = -fd_msg_avp_new(fdx.sip_auth_data_item, 0, &item);
	if (ret)
		goto out;
	ret = fdx_add_u32(item, fdx.sip_item_number, 1);
	if (!ret)
		ret = fdx_add_cstr(item, fdx.sip_auth_scheme, v2 ? SCHEME_AKAV2 : SCHEME_AKAV1);
	if (!ret)
		ret = fdx_add_str(item, fdx.sip_authenticate, auth, 32);
	if (!ret && v2 && db.akav2_password) {
		n = aka_akav2_password(&v, pw, sizeof(pw));
		ret = n < 0 ? n : fdx_add_str(item, fdx.sip_authorization, pw, (size_t)n);
	} else if (!ret) {
		ret = fdx_add_str(item, fdx.sip_authorization, v.xres, v.xres_len);
	}
	if (!ret)
		ret = fdx_add_str(item, fdx.confidentiality_key, v.ck, 16);
	if (!ret)
		ret = fdx_add_str(item, fdx.integrity_key, v.ik, 16);
	if (!ret)
		ret = -fd_msg_avp_add(ans, MSG_BRW_LAST_CHILD, item);
	if (ret)
		fd_msg_free(item);
	else
		ret = fdx_set_result(ans, FDX_SUCCESS, false);
out:
	explicit_bzero(&v, sizeof(v));
	explicit_bzero(pw, sizeof(pw));
	return ret;
}

static void peer_name(struct msg *m, char *buf, size_t size);

/* ---- partner: MAR proxy towards the primary SIP DB (seed 16-21) ---- */

/* TS 29.229 6.3: Server-Name 602, SIP-Number-Auth-Items 607,
 * SIP-Auth-Data-Item 612. */
static const uint32_t mar_copied[] = { 602, 607, 612 };
static const uint32_t maa_copied[] = { 607, 612 };

struct proxy {
	struct msg *req; /* the S-CSCF's MAR, answered when the primary is done */
	char impi[SDB_ID_MAX], impu[SDB_ID_MAX];
	char primary[SDB_ID_MAX + 8]; /* where it went: "realm R" or "primary HOST" */
};

/* Answers the S-CSCF with the inbound identities whatever happened: the
 * S-CSCF files vectors under User-Name/Public-Identity (bench.md). */
static void proxy_finish(struct proxy *p, struct msg *pans, uint32_t err)
{
	char from[SDB_ID_MAX];
	struct msg *ans = p->req;
	uint32_t code = 0;
	bool exp = false;
	int ret;

	ret = fdx_new_answer(&ans, FDX_APP_CX);
	if (ret) {
		logf_("MAR %s: cannot build answer", p->impi);
		fd_msg_free(ans);
		goto out;
	}
	ret = fdx_add_cstr(ans, fdx.user_name, p->impi);
	if (!ret)
		ret = fdx_add_cstr(ans, fdx.public_identity, p->impu);
	if (!ret && pans && fdx_result(pans, &code, &exp)) {
		err = FDX_UNABLE_TO_COMPLY;
	} else if (!ret && pans && !exp && code / 1000 == 3) {
		/* A protocol error on the primary leg (e.g. 3002 unable to
		 * deliver): the S-CSCF cannot act on it; TS 29.229 says
		 * nothing more precise than unable to comply. */
		err = FDX_UNABLE_TO_COMPLY;
	}
	if (!ret && err) {
		ret = fdx_set_result(ans, err, false);
		logf_("MAR %s: %s failed, answering %u", p->impi, p->primary, err);
	} else if (!ret) {
		ret = fdx_set_result(ans, code, exp);
		/* Copy the vectors unchanged: RAND||AUTN, XRES, CK, IK. */
		if (!ret)
			ret = fdx_copy_children(ans, pans, FDX_VENDOR_3GPP, maa_copied,
						sizeof(maa_copied) / sizeof(maa_copied[0]));
		peer_name(pans, from, sizeof(from));
		logf_("MAR %s: answer from primary %s (%s %u) rewritten to %s", p->impi, from,
		      exp ? "experimental" : "result", code, p->impu);
	}
	if (ret) {
		logf_("MAR %s: cannot build answer", p->impi);
		fd_msg_free(ans);
		goto out;
	}
	fd_msg_send(&ans, NULL, NULL);
out:
	if (pans)
		fd_msg_free(pans);
	free(p);
}

static void proxy_answer(void *data, struct msg **ans)
{
	struct msg *a = *ans;

	*ans = NULL;
	proxy_finish(data, a, 0);
}

static void proxy_expire(void *data, DiamId_t sentto, size_t len, struct msg **req)
{
	fd_msg_free(*req);
	*req = NULL;
	proxy_finish(data, NULL, FDX_UNABLE_TO_COMPLY);
}

/*
 * Caller holds db_lock; @b is an inbound binding. Consumes *req on 0.
 * NOTE 5: the MAR goes by the realm of the primary identity (the route table:
 * Destination-Realm only, so Diameter routing picks that realm's SIP DB),
 * which lets several primaries share this partner; without a route, to the
 * primary SIP DB the binding names (Destination-Host).
 */
static int mar_proxy(struct msg **req, struct sdb_binding *b)
{
	const struct sdb_primary *pr = sdb_primary_find(&db, b->primary_host);
	const char *realm = sdb_route_realm(&db, b->user_impi);
	struct proxy *p;
	struct msg *out;
	struct timespec ts;
	int ret;

	if (!realm && !pr)
		return -ENOENT;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	memcpy(p->impi, b->impi, sizeof(p->impi));
	memcpy(p->impu, b->impu, sizeof(p->impu));
	snprintf(p->primary, sizeof(p->primary), "%s %s", realm ? "realm" : "primary",
		 realm ? realm : pr->host);
	ret = fdx_new_request(fdx.mar, FDX_APP_CX, realm ? NULL : pr->host,
			      realm ? realm : pr->realm, &out);
	if (ret) {
		free(p);
		return ret;
	}
	ret = fdx_add_cstr(out, fdx.user_name, b->user_impi);
	if (!ret)
		ret = fdx_add_cstr(out, fdx.public_identity, b->user_impu);
	/* SIP-Auth-Data-Item (RAND||AUTS passes unchanged), SIP-Number-Auth-
	 * Items and Server-Name go as they came. */
	if (!ret)
		ret = fdx_copy_children(out, *req, FDX_VENDOR_3GPP, mar_copied,
					sizeof(mar_copied) / sizeof(mar_copied[0]));
	if (ret) {
		fd_msg_free(out);
		free(p);
		return ret;
	}
	logf_("MAR %s: proxied to %s as %s / %s", b->impi, p->primary, b->user_impi, b->user_impu);
	p->req = *req;
	*req = NULL;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += db.proxy_timeout_ms / 1000;
	ts.tv_nsec += (long)(db.proxy_timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	/* The callbacks may run before this returns: unlock is the caller's
	 * job, and proxy_finish() takes no db_lock. */
	ret = fd_msg_send_timeout(&out, proxy_answer, p, proxy_expire, &ts);
	if (ret) {
		if (out)
			fd_msg_free(out);
		proxy_finish(p, NULL, FDX_UNABLE_TO_COMPLY);
	}
	return 0;
}

static void peer_name(struct msg *m, char *buf, size_t size)
{
	DiamId_t id = NULL;
	size_t len = 0;

	if (fd_msg_source_get(m, &id, &len) || !id || len >= size)
		len = 0;
	if (len)
		memcpy(buf, id, len);
	buf[len] = 0;
}

static int on_mar(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
		  enum disp_action *act)
{
	char impi[SDB_ID_MAX], impu[SDB_ID_MAX];
	struct avp *item = fdx_find(*msg, fdx.sip_auth_data_item);
	struct sdb_binding *b, visiting = { 0 };
	struct sdb_sub *s;
	struct msg *ans;
	int ret;

	impi[0] = impu[0] = 0;
	fdx_copy_cstr(*msg, fdx.user_name, impi, sizeof(impi));
	fdx_copy_cstr(*msg, fdx.public_identity, impu, sizeof(impu));
	pthread_mutex_lock(&db_lock);
	s = sdb_sub_by_impi(&db, impi);
	b = s ? NULL : sdb_binding_by_impi(&db, impi);
	if (!s && !b && impu[0] && db.role == SDB_PARTNER && sdb_route_realm(&db, impi)) {
		/* NOTE 2 (static mode): no inbound binding, but the realm
		 * routes to a primary: its own migration identity registers
		 * here as it is, and the MAR goes there unchanged (NOTE 5). */
		memcpy(visiting.impi, impi, sizeof(impi));
		memcpy(visiting.impu, impu, sizeof(impu));
		memcpy(visiting.user_impi, impi, sizeof(impi));
		memcpy(visiting.user_impu, impu, sizeof(impu));
		b = &visiting;
	} else if (b && strcmp(b->impu, impu)) {
		b = NULL; /* TS 29.228 6.3.1: the pair must belong together */
	}
	if (b && db.role == SDB_PARTNER) {
		ret = mar_proxy(msg, b);
		pthread_mutex_unlock(&db_lock);
		if (!ret)
			return 0;
		logf_("MAR %s: proxy failed: %s", impi, strerror(-ret));
		ans = *msg;
		ret = fdx_new_answer(&ans, FDX_APP_CX);
		if (!ret)
			ret = fdx_add_cstr(ans, fdx.user_name, impi);
		if (!ret)
			ret = fdx_add_cstr(ans, fdx.public_identity, impu);
		if (!ret)
			ret = fdx_set_result(ans, FDX_UNABLE_TO_COMPLY, false);
		*msg = ans;
		goto send;
	}
	if (b)
		s = sdb_sub_by_impi(&db, b->user_impi);
	ans = *msg;
	ret = fdx_new_answer(&ans, FDX_APP_CX);
	*msg = ans;
	if (ret) {
		pthread_mutex_unlock(&db_lock);
		goto send;
	}
	if (!s || (!b && strcmp(s->impu, impu))) {
		logf_("MAR %s / %s: user unknown", impi, impu);
		ret = fdx_add_cstr(ans, fdx.user_name, impi);
		if (!ret)
			ret = fdx_add_cstr(ans, fdx.public_identity, impu);
		if (!ret)
			ret = fdx_set_result(ans, FDX_ERROR_USER_UNKNOWN, true);
	} else {
		if (b)
			logf_("MAR %s: outbound identity of %s", impi, s->impi);
		ret = mar_local(ans, item, s, impi, impu);
	}
	pthread_mutex_unlock(&db_lock);
send:
	if (ret) {
		logf_("MAR: cannot build answer: %s", strerror(-ret));
		return -ret;
	}
	return fd_msg_send(msg, NULL, NULL);
}

/* Identities known for Cx: a subscriber's own, a migration binding, or at a
 * partner a primary's identity its route table covers. */
static bool cx_known(const char *impi, const char *impu)
{
	struct sdb_sub *s = sdb_sub_by_impi(&db, impi);
	struct sdb_binding *b;

	if (s)
		return !impu[0] || !strcmp(s->impu, impu);
	b = sdb_binding_by_impi(&db, impi);
	/* NOTE 2: a primary's own identity, known by its realm (on_mar). */
	if (!b && db.role == SDB_PARTNER && sdb_route_realm(&db, impi))
		return true;
	if (b && db.role == SDB_PRIMARY && !sdb_sub_by_impi(&db, b->user_impi))
		return false;
	return b && (!impu[0] || !strcmp(b->impu, impu));
}

static int on_uar(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
		  enum disp_action *act)
{
	char impi[SDB_ID_MAX] = "", impu[SDB_ID_MAX] = "";
	struct msg *ans = *msg;
	bool known;
	int ret;

	fdx_copy_cstr(*msg, fdx.user_name, impi, sizeof(impi));
	fdx_copy_cstr(*msg, fdx.public_identity, impu, sizeof(impu));
	pthread_mutex_lock(&db_lock);
	known = cx_known(impi, impu);
	pthread_mutex_unlock(&db_lock);
	ret = fdx_new_answer(&ans, FDX_APP_CX);
	*msg = ans;
	if (!ret && known) {
		/* TS 29.228 6.1.1.1: first registration, assigned S-CSCF */
		ret = fdx_set_result(ans, FDX_FIRST_REGISTRATION, true);
		if (!ret)
			ret = fdx_add_cstr(ans, fdx.server_name, db.server_name);
	} else if (!ret) {
		ret = fdx_set_result(ans, FDX_ERROR_USER_UNKNOWN, true);
	}
	logf_("UAR %s / %s: %s", impi, impu, known ? "known" : "unknown");
	if (ret)
		return -ret;
	return fd_msg_send(msg, NULL, NULL);
}

/* TS 29.229 6.3.15 Server-Assignment-Type */
#define SAT_REGISTRATION		  1
#define SAT_RE_REGISTRATION		  2
#define SAT_TIMEOUT_DEREGISTRATION	  4
#define SAT_ADMINISTRATIVE_DEREGISTRATION 8

/* Partner: remembers which S-CSCF holds an inbound identity's registration
 * (TS 29.228 6.1.2: the HSS stores the S-CSCF name at SAR), so that its
 * revocation can send the RTR there. Caller holds db_lock. */
static void sar_track(const char *impi, const char *scscf, uint32_t sat)
{
	struct sdb_binding *b = sdb_binding_by_impi(&db, impi);
	char old[SDB_ID_MAX];

	if (db.role != SDB_PARTNER || !b)
		return;
	memcpy(old, b->scscf, sizeof(old));
	if (sat == SAT_REGISTRATION || sat == SAT_RE_REGISTRATION)
		snprintf(b->scscf, sizeof(b->scscf), "%s", scscf);
	else if (sat >= SAT_TIMEOUT_DEREGISTRATION && sat <= SAT_ADMINISTRATIVE_DEREGISTRATION)
		b->scscf[0] = 0;
	if (strcmp(old, b->scscf) && persist())
		logf_("SAR %s: S-CSCF %s not persisted", impi, b->scscf[0] ? b->scscf : "(none)");
}

static int on_sar(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
		  enum disp_action *act)
{
	char impi[SDB_ID_MAX] = "", impu[SDB_ID_MAX] = "", peer[SDB_ID_MAX];
	char xml[2048], ifc[1024] = "";
	struct msg *ans = *msg;
	uint32_t sat;
	bool known;
	int ret, n;

	fdx_copy_cstr(*msg, fdx.user_name, impi, sizeof(impi));
	fdx_copy_cstr(*msg, fdx.public_identity, impu, sizeof(impu));
	peer_name(*msg, peer, sizeof(peer));
	pthread_mutex_lock(&db_lock);
	known = impi[0] && cx_known(impi, impu);
	if (known && !fdx_get_u32(*msg, fdx.server_assignment_type, &sat))
		sar_track(impi, peer, sat);
	pthread_mutex_unlock(&db_lock);
	/*
	 * TS 29.228 Annex B / TS 24.379 7.3.1: the MC server gets the user's
	 * PUBLISH for service settings (Method PUBLISH and Event poc-settings,
	 * both: CNF, one group each); if it does not answer, the request fails
	 * (DefaultHandling 1, SESSION_TERMINATED) rather than passing unauthorised.
	 */
	if (db.app_server[0])
		snprintf(ifc, sizeof(ifc),
			 "<InitialFilterCriteria><Priority>0</Priority><TriggerPoint>"
			 "<ConditionTypeCNF>1</ConditionTypeCNF>"
			 "<SPT><ConditionNegated>0</ConditionNegated><Group>0</Group>"
			 "<Method>PUBLISH</Method></SPT>"
			 "<SPT><ConditionNegated>0</ConditionNegated><Group>1</Group>"
			 "<SIPHeader><Header>Event</Header><Content>poc-settings</Content>"
			 "</SIPHeader></SPT></TriggerPoint>"
			 "<ApplicationServer><ServerName>%s</ServerName>"
			 "<DefaultHandling>1</DefaultHandling></ApplicationServer>"
			 "</InitialFilterCriteria>",
			 db.app_server);
	ret = fdx_new_answer(&ans, FDX_APP_CX);
	*msg = ans;
	if (!ret && known) {
		/* TS 29.228 Annex E: minimal IMSSubscription; the identities
		 * are ours (no markup characters: sdb validates them). */
		n = snprintf(xml, sizeof(xml),
			     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
			     "<IMSSubscription><PrivateID>%s</PrivateID>"
			     "<ServiceProfile><PublicIdentity><Identity>%s"
			     "</Identity></PublicIdentity>%s</ServiceProfile>"
			     "</IMSSubscription>",
			     impi, impu, ifc);
		ret = fdx_add_cstr(ans, fdx.user_name, impi);
		if (!ret && n > 0 && (size_t)n < sizeof(xml))
			ret = fdx_add_str(ans, fdx.cx_user_data, xml, (size_t)n);
		if (!ret)
			ret = fdx_set_result(ans, FDX_SUCCESS, false);
	} else if (!ret) {
		ret = fdx_set_result(ans, FDX_ERROR_USER_UNKNOWN, true);
	}
	logf_("SAR %s / %s: %s", impi, impu, known ? "known" : "unknown");
	if (ret)
		return -ret;
	return fd_msg_send(msg, NULL, NULL);
}

/* ---- Network-initiated deregistration: RTR to the S-CSCF (TS 29.228 6.1.3) ---- */

/* TS 29.229 6.3.17 Reason-Code */
#define REASON_PERMANENT_TERMINATION 0

struct rtr {
	char impi[SDB_ID_MAX];
	char scscf[SDB_ID_MAX];
};

static void rta_answer(void *data, struct msg **ans)
{
	struct rtr *r = data;
	uint32_t code = 0;
	bool exp = false;

	if (fdx_result(*ans, &code, &exp))
		logf_("RTA from %s for %s: no result", r->scscf, r->impi);
	else
		logf_("RTA from %s for %s: %s %u", r->scscf, r->impi,
		      exp ? "experimental" : "result", code);
	fd_msg_free(*ans);
	*ans = NULL;
	free(r);
}

/* Tells the S-CSCF holding @b's registration to end it at once (TS 29.229
 * 6.1.8): it then NOTIFYs the reg-event subscribers and drops the contacts.
 * Kamailio 5.6 acts on the Public-Identity AVPs only (an RTR with just
 * User-Name is logged and ignored), so both go. */
static int rtr_send(const struct sdb_binding *b)
{
	static const char info[] = "migration revoked by the primary MC system";
	struct avp *reason = NULL;
	struct msg *m = NULL;
	struct rtr *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	memcpy(r->impi, b->impi, sizeof(r->impi));
	memcpy(r->scscf, b->scscf, sizeof(r->scscf));
	ret = fdx_new_request(fdx.rtr, FDX_APP_CX, b->scscf, db.realm, &m);
	if (!ret)
		ret = fdx_add_cstr(m, fdx.user_name, b->impi);
	if (!ret)
		ret = fdx_add_cstr(m, fdx.public_identity, b->impu);
	if (!ret)
		ret = -fd_msg_avp_new(fdx.deregistration_reason, 0, &reason);
	if (!ret)
		ret = fdx_add_u32(reason, fdx.reason_code, REASON_PERMANENT_TERMINATION);
	if (!ret)
		ret = fdx_add_cstr(reason, fdx.reason_info, info);
	if (!ret) {
		ret = -fd_msg_avp_add(m, MSG_BRW_LAST_CHILD, reason);
		if (!ret)
			reason = NULL;
	}
	if (!ret)
		ret = -fd_msg_send(&m, rta_answer, r);
	if (ret) {
		if (reason)
			fd_msg_free(reason);
		if (m)
			fd_msg_free(m);
		free(r);
		return ret;
	}
	logf_("RTR %s / %s to %s: PERMANENT_TERMINATION (%s)", b->impi, b->impu, b->scscf, info);
	return 0;
}

/* ---- Sh repository data: migration identities (see shc.h) ---- */

static int sh_answer(struct msg **msg, uint32_t code, bool exp, const struct sdb_binding *b)
{
	struct shc_identity id = { 0 };
	struct msg *ans = *msg;
	char si[SDB_ID_MAX];
	char doc[SHD_MAX_DOC];
	int ret, n = 0;

	si[0] = 0;
	fdx_copy_cstr(*msg, fdx.service_indication, si, sizeof(si));
	ret = fdx_new_answer(&ans, FDX_APP_SH);
	*msg = ans;
	if (ret)
		return ret;
	if (b) {
		memcpy(id.impi, b->impi, sizeof(id.impi));
		memcpy(id.impu, b->impu, sizeof(id.impu));
		snprintf(id.sipdb_host, sizeof(id.sipdb_host), "%s", db.identity);
		snprintf(id.sipdb_realm, sizeof(id.sipdb_realm), "%s", db.realm);
		n = shd_build(si, 1, &id, doc, sizeof(doc));
		if (n < 0)
			return n;
		ret = fdx_add_str(ans, fdx.sh_user_data, doc, (size_t)n);
	}
	if (!ret)
		ret = fdx_set_result(ans, code, exp);
	return ret;
}

static int sh_common(struct msg *m, char *impu, char *impi, char *si)
{
	struct avp *ui = fdx_find(m, fdx.user_identity);
	uint32_t dref;

	impi[0] = 0;
	fdx_copy_cstr(m, fdx.user_name, impi, SDB_ID_MAX);
	if (!ui || fdx_copy_cstr(ui, fdx.public_identity, impu, SDB_ID_MAX))
		return -ENOENT;
	if (fdx_get_u32(m, fdx.data_reference, &dref) || dref != 0)
		return -EINVAL;
	if (fdx_copy_cstr(m, fdx.service_indication, si, SDB_ID_MAX))
		return -EINVAL;
	return 0;
}

static int on_udr(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
		  enum disp_action *act)
{
	char impu[SDB_ID_MAX], impi[SDB_ID_MAX], si[SDB_ID_MAX];
	char peer[SDB_ID_MAX];
	struct sdb_binding *b = NULL;
	struct sdb_sub *s;
	uint32_t code = FDX_SUCCESS;
	bool exp = false;
	const char *primary;
	int ret;

	peer_name(*msg, peer, sizeof(peer));
	ret = sh_common(*msg, impu, impi, si);
	pthread_mutex_lock(&db_lock);
	if (ret) {
		code = ret == -ENOENT ? FDX_MISSING_AVP : FDX_ERROR_USER_DATA_NOT_RECOGNIZED;
		exp = ret != -ENOENT;
	} else if (db.role == SDB_PRIMARY && !strcmp(si, SHD_SI_OUTBOUND)) {
		/* Seed steps 4-6 */
		s = sdb_sub_by_impu(&db, impu);
		if (!s || (impi[0] && strcmp(impi, s->impi))) {
			code = FDX_ERROR_USER_UNKNOWN;
			exp = true;
		} else {
			ret = sdb_bind(&db, s->impi, s->impu, NULL, rng, &b);
		}
	} else if (db.role == SDB_PARTNER && !strncmp(si, SHD_SI_INBOUND, strlen(SHD_SI_INBOUND))) {
		/* Seed steps 9-11 */
		primary = si + strlen(SHD_SI_INBOUND);
		if (!sdb_primary_find(&db, primary) || !impi[0]) {
			code = FDX_ERROR_OPERATION_NOT_ALLOWED;
			exp = true;
		} else {
			ret = sdb_bind(&db, impi, impu, primary, rng, &b);
		}
	} else {
		code = FDX_ERROR_OPERATION_NOT_ALLOWED;
		exp = true;
	}
	if (b && !ret && persist()) {
		sdb_unbind(&db, b->user_impu, b->primary_host[0] ? b->primary_host : NULL);
		b = NULL;
		ret = -EIO;
	}
	if (ret == -ENOSPC) {
		code = FDX_OUT_OF_SPACE;
	} else if (ret == -EINVAL) {
		code = FDX_ERROR_USER_DATA_NOT_RECOGNIZED;
		exp = true;
	} else if (ret && ret != -ENOENT) {
		code = FDX_UNABLE_TO_COMPLY;
	}
	logf_("UDR from %s %s %s: %s%s%s (%u)", peer, si, impu, b ? b->impi : "refused",
	      b ? " / " : "", b ? b->impu : "", code);
	ret = sh_answer(msg, code, exp, b);
	pthread_mutex_unlock(&db_lock);
	if (ret)
		return -ret;
	return fd_msg_send(msg, NULL, NULL);
}

static int on_pur(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
		  enum disp_action *act)
{
	char impu[SDB_ID_MAX], impi[SDB_ID_MAX], si[SDB_ID_MAX];
	char dsi[SDB_ID_MAX], peer[SDB_ID_MAX];
	const char *primary = NULL, *done = "binding revoked";
	struct sdb_binding *b, gone = { 0 };
	struct shc_identity unused;
	const uint8_t *ud;
	size_t len = 0;
	uint32_t code = FDX_SUCCESS;
	bool exp = false, has = true;
	int ret;

	peer_name(*msg, peer, sizeof(peer));
	ret = sh_common(*msg, impu, impi, si);
	ud = fdx_get_str(*msg, fdx.sh_user_data, &len);
	if (!ret && db.role == SDB_PARTNER && !strncmp(si, SHD_SI_INBOUND, strlen(SHD_SI_INBOUND)))
		primary = si + strlen(SHD_SI_INBOUND);
	pthread_mutex_lock(&db_lock);
	if (ret || !ud || shd_parse(ud, len, dsi, sizeof(dsi), &unused, &has) || strcmp(dsi, si)) {
		code = FDX_ERROR_USER_DATA_NOT_RECOGNIZED;
		exp = true;
	} else if (has || (primary && !sdb_primary_find(&db, primary)) ||
		   (!primary && (db.role != SDB_PRIMARY || strcmp(si, SHD_SI_OUTBOUND)))) {
		/* Only deletion is offered: of outbound bindings at a
		 * primary, of a listed primary's inbound ones at a partner. */
		code = FDX_ERROR_OPERATION_NOT_ALLOWED;
		exp = true;
	} else if (primary) {
		/* Revocation reaching the partner: the inbound binding of the
		 * primary's outbound identity goes, and its registration. */
		b = sdb_binding_by_user(&db, impu, primary);
		if (b)
			gone = *b;
		if (!b)
			done = "no binding (revoked already)";
		else if (!sdb_unbind(&db, impu, primary) && persist())
			code = FDX_UNABLE_TO_COMPLY;
	} else if (!sdb_sub_by_impu(&db, impu)) {
		code = FDX_ERROR_USER_UNKNOWN;
		exp = true;
	} else if (!sdb_unbind(&db, impu, NULL) && persist()) {
		code = FDX_UNABLE_TO_COMPLY;
	}
	logf_("PUR from %s %s %s: %s (%u)%s%s", peer, si, impu,
	      code == FDX_SUCCESS && !exp ? done : "refused", code, gone.impi[0] ? ": " : "",
	      gone.impi);
	ret = sh_answer(msg, code, exp, NULL);
	pthread_mutex_unlock(&db_lock);
	if (code == FDX_SUCCESS && !exp && gone.impi[0]) {
		if (!gone.scscf[0])
			logf_("%s: not registered at an S-CSCF, no RTR", gone.impi);
		else if (rtr_send(&gone))
			logf_("RTR %s to %s: cannot send", gone.impi, gone.scscf);
	}
	if (ret)
		return -ret;
	return fd_msg_send(msg, NULL, NULL);
}

/* Peer connections in our own log: start.sh and the tests wait on them. */
static void on_peer(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer, void *other,
		    struct fd_hook_permsgdata *pmd, void *regdata)
{
	const char *name = peer && peer->info.pi_diamid ? peer->info.pi_diamid : "(unknown)";

	if (type == HOOK_PEER_CONNECT_SUCCESS)
		logf_("peer %s connected", name);
	else
		logf_("peer %s: connection failed or lost: %s", name,
		      other ? (const char *)other : "?");
}

typedef int (*handler_fn)(struct msg **, struct avp *, struct session *, void *,
			  enum disp_action *);

struct gate {
	handler_fn handler;
	bool sh; /* Sh request (else Cx) */
};

/* Only a peer configured with an application may send us its requests
 * ("peer ID ... cx sh"): the CMS asks Sh, the S-CSCF and the partner SIP DB
 * ask Cx. Others get DIAMETER_AUTHORIZATION_REJECTED (RFC 6733 7.1.5). */
static int on_request(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
		      enum disp_action *act)
{
	const struct gate *g = opaque;
	char peer[SDB_ID_MAX], impi[SDB_ID_MAX] = "", impu[SDB_ID_MAX] = "";
	const struct sdb_peer *p;
	struct msg *ans = *msg;
	bool allowed;
	int ret;

	peer_name(*msg, peer, sizeof(peer));
	pthread_mutex_lock(&db_lock);
	p = sdb_peer_find(&db, peer);
	allowed = p && (g->sh ? p->sh : p->cx);
	pthread_mutex_unlock(&db_lock);
	if (allowed)
		return g->handler(msg, avp, sess, NULL, act);
	logf_("%s request from %s refused: peer not allowed", g->sh ? "Sh" : "Cx", peer);
	fdx_copy_cstr(*msg, fdx.user_name, impi, sizeof(impi));
	fdx_copy_cstr(*msg, fdx.public_identity, impu, sizeof(impu));
	ret = fdx_new_answer(&ans, g->sh ? FDX_APP_SH : FDX_APP_CX);
	*msg = ans;
	/* TS 29.229 6.1.8: a MAA names the identities even on errors. */
	if (!ret && !g->sh && impi[0])
		ret = fdx_add_cstr(ans, fdx.user_name, impi);
	if (!ret && !g->sh && impu[0])
		ret = fdx_add_cstr(ans, fdx.public_identity, impu);
	if (!ret)
		ret = fdx_set_result(ans, FDX_AUTHORIZATION_REJECTED, false);
	if (ret)
		return -ret;
	return fd_msg_send(msg, NULL, NULL);
}

static int register_cb(struct dict_object *cmd, const struct gate *g)
{
	struct disp_when when = { 0 };

	when.command = cmd;
	return -fd_disp_register(on_request, DISP_HOW_CC, &when, (void *)g, NULL);
}

static int load(const char *path)
{
	char err[256];
	char *buf;
	size_t len;
	int ret;

	ret = read_file(path, &buf, &len);
	if (ret) {
		fprintf(stderr, "mcmig-sipdb: %s: %s\n", path, strerror(-ret));
		return ret;
	}
	ret = sdb_conf_parse(&db, buf, len, err, sizeof(err));
	explicit_bzero(buf, len);
	free(buf);
	if (ret) {
		fprintf(stderr, "mcmig-sipdb: %s: %s\n", path, err);
		return ret;
	}
	ret = read_file(db.state_file, &buf, &len);
	if (ret == -ENOENT)
		return persist();
	if (ret) {
		fprintf(stderr, "mcmig-sipdb: %s: %s\n", db.state_file, strerror(-ret));
		return ret;
	}
	ret = sdb_state_parse(&db, buf, len, err, sizeof(err));
	free(buf);
	if (ret)
		fprintf(stderr, "mcmig-sipdb: %s: %s\n", db.state_file, err);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct gate mar_gate = { on_mar, false }, uar_gate = { on_uar, false },
				 sar_gate = { on_sar, false }, udr_gate = { on_udr, true },
				 pur_gate = { on_pur, true };
	const char *listen[SDB_MAX_LISTEN + 1] = { 0 };
	struct fdx_peer *peers;
	struct fdx_conf c = { 0 };
	struct fd_hook_hdl *hook;
	sigset_t set;
	size_t i;
	int sig, debug = 0, ret;

	if (argc == 3 && !strcmp(argv[1], "-d")) {
		debug = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: mcmig-sipdb [-d] CONFIG\n");
		return 2;
	}
	if (load(argv[1]))
		return 1;
	peers = calloc(db.npeers ? db.npeers : 1, sizeof(*peers));
	if (!peers)
		return 1;
	for (i = 0; i < db.npeers; i++) {
		peers[i].identity = db.peers[i].identity;
		peers[i].addr = db.peers[i].addr[0] ? db.peers[i].addr : NULL;
		peers[i].port = db.peers[i].port;
	}
	for (i = 0; i < db.nlisten; i++)
		listen[i] = db.listen[i];
	c.identity = db.identity;
	c.realm = db.realm;
	c.port = db.port;
	c.listen = listen;
	c.peers = peers;
	c.npeers = db.npeers;
	c.work_dir = NULL;
	c.debug = debug ? FD_LOG_NOTICE : 0;
	/* Signals are taken synchronously below; block them before
	 * freeDiameter starts its threads so they inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	ret = fdx_core_init(&c);
	if (!ret)
		ret = fdx_accept_cer_without_host_ip();
	if (!ret)
		ret = fdx_support(true, true);
	if (!ret)
		ret = register_cb(fdx.mar, &mar_gate);
	if (!ret)
		ret = register_cb(fdx.uar, &uar_gate);
	if (!ret)
		ret = register_cb(fdx.sar, &sar_gate);
	if (!ret)
		ret = register_cb(fdx.udr, &udr_gate);
	if (!ret)
		ret = register_cb(fdx.pur, &pur_gate);
	if (!ret)
		ret = -fd_hook_register(HOOK_MASK(HOOK_PEER_CONNECT_SUCCESS,
						  HOOK_PEER_CONNECT_FAILED),
					on_peer, NULL, NULL, &hook);
	if (!ret)
		ret = fdx_core_start(&c);
	if (ret) {
		logf_("cannot start freeDiameter: %s", strerror(-ret));
		return 1;
	}
	logf_("%s SIP DB up on port %u (%zu subscribers, %zu bindings)",
	      db.role == SDB_PRIMARY ? "primary" : "partner", db.port, db.nsubs, db.nbindings);
	sigwait(&set, &sig);
	logf_("signal %d: stopping", sig);
	if (!debug)
		fdx_quiet();
	fd_core_shutdown();
	fd_core_wait_shutdown_complete();
	free(peers);
	sdb_free(&db);
	return 0;
}
