// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shc — Sh client of the bench SIP databases. See shc.h for the protocol.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fdx.h"
#include "shc.h"
#include "shdata.h"

static pthread_mutex_t shc_lock = PTHREAD_MUTEX_INITIALIZER;
static bool shc_running;
static int shc_debug;
static char shc_peer[SHC_ID_MAX], shc_peer_realm[SHC_ID_MAX];
static struct fdx_peer shc_fdpeer;

/* One outstanding request. Shared by the caller and freeDiameter's callback
 * threads; the last of the two to let go frees it. */
struct shc_wait {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int refs;
	bool done;
	int err;
	uint32_t code;
	bool experimental;
	uint8_t data[SHD_MAX_DOC];
	size_t data_len;
};

static void wait_put(struct shc_wait *w)
{
	int refs;

	pthread_mutex_lock(&w->lock);
	refs = --w->refs;
	pthread_mutex_unlock(&w->lock);
	if (refs)
		return;
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}

static void wait_complete(struct shc_wait *w, int err)
{
	pthread_mutex_lock(&w->lock);
	if (!w->done) {
		w->done = true;
		w->err = err;
		pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	wait_put(w);
}

static void on_answer(void *data, struct msg **ans)
{
	struct shc_wait *w = data;
	const uint8_t *ud;
	size_t len = 0;
	int err = 0;

	if (fdx_result(*ans, &w->code, &w->experimental)) {
		err = -EPROTO;
	} else {
		ud = fdx_get_str(*ans, fdx.sh_user_data, &len);
		if (ud && len <= sizeof(w->data)) {
			memcpy(w->data, ud, len);
			w->data_len = len;
		} else if (ud) {
			err = -EPROTO;
		}
	}
	fd_msg_free(*ans);
	*ans = NULL;
	wait_complete(w, err);
}

static void on_expire(void *data, DiamId_t sentto, size_t len, struct msg **req)
{
	fd_msg_free(*req);
	*req = NULL;
	wait_complete(data, -ETIMEDOUT);
}

static int result_errno(uint32_t code, bool experimental)
{
	if (!experimental && code == FDX_SUCCESS)
		return 0;
	if (experimental) {
		switch (code) {
		case FDX_ERROR_USER_UNKNOWN:
			return -ENOENT;
		case FDX_ERROR_OPERATION_NOT_ALLOWED:
			return -EACCES;
		}
		return -EPROTO;
	}
	switch (code) {
	case FDX_UNABLE_TO_DELIVER:
		return -ENOTCONN;
	case FDX_OUT_OF_SPACE:
		return -ENOSPC;
	case FDX_AUTHORIZATION_REJECTED:
		return -EACCES;
	}
	return -EPROTO;
}

static void deadline(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Sends @req (consumed) and waits for the answer; on success the answer's
 * Sh-Data, if any, is parsed into @id. */
static int transact(struct msg *req, unsigned int timeout_ms, struct shc_identity *id,
		    bool *has_data)
{
	struct shc_wait *w = calloc(1, sizeof(*w));
	struct timespec fd_to, our_to;
	char si[SHC_ID_MAX];
	int ret;

	*has_data = false;
	if (!w) {
		fd_msg_free(req);
		return -ENOMEM;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->refs = 2;
	deadline(&fd_to, timeout_ms);
	ret = fd_msg_send_timeout(&req, on_answer, w, on_expire, &fd_to);
	if (ret) {
		if (req)
			fd_msg_free(req);
		w->refs = 1;
		wait_put(w);
		return -ENOTCONN;
	}
	/* freeDiameter calls exactly one of the callbacks; the margin only
	 * guards against a lost callback. */
	deadline(&our_to, timeout_ms + 1000);
	pthread_mutex_lock(&w->lock);
	while (!w->done && !ret)
		ret = pthread_cond_timedwait(&w->cond, &w->lock, &our_to);
	ret = w->done ? w->err : -ETIMEDOUT;
	if (!ret)
		ret = result_errno(w->code, w->experimental);
	if (!ret && w->data_len && shd_parse(w->data, w->data_len, si, sizeof(si), id, has_data))
		ret = -EPROTO;
	pthread_mutex_unlock(&w->lock);
	wait_put(w);
	return ret;
}

static int user_identity(struct msg *m, const char *impu)
{
	struct avp *g;
	int ret = fd_msg_avp_new(fdx.user_identity, 0, &g);

	if (ret)
		return -ret;
	ret = fdx_add_cstr(g, fdx.public_identity, impu);
	if (!ret)
		ret = -fd_msg_avp_add(m, MSG_BRW_LAST_CHILD, g);
	if (ret)
		fd_msg_free(g);
	return ret;
}

static int new_sh(struct dict_object *cmd, const char *impu, const char *impi, const char *si,
		  struct msg **out)
{
	struct msg *m;
	int ret;

	ret = fdx_new_request(cmd, FDX_APP_SH, shc_peer, shc_peer_realm, &m);
	if (ret)
		return ret;
	ret = user_identity(m, impu);
	if (!ret && impi)
		ret = fdx_add_cstr(m, fdx.user_name, impi);
	/* TS 29.328 7.6: RepositoryData (0) keyed by Service-Indication */
	if (!ret)
		ret = fdx_add_u32(m, fdx.data_reference, 0);
	if (!ret)
		ret = fdx_add_cstr(m, fdx.service_indication, si);
	if (ret) {
		fd_msg_free(m);
		return ret;
	}
	*out = m;
	return 0;
}

static bool running(void)
{
	bool r;

	pthread_mutex_lock(&shc_lock);
	r = shc_running;
	pthread_mutex_unlock(&shc_lock);
	return r;
}

static bool id_ok(const char *s)
{
	return s && *s && strlen(s) < SHC_ID_MAX;
}

int shc_outbound_get(const char *impu, const char *impi, unsigned int timeout_ms,
		     struct shc_identity *outbound)
{
	struct msg *m;
	bool has;
	int ret;

	if (!id_ok(impu) || (impi && !id_ok(impi)) || !outbound)
		return -EINVAL;
	if (!running())
		return -ENOTCONN;
	ret = new_sh(fdx.udr, impu, impi, SHD_SI_OUTBOUND, &m);
	if (ret)
		return ret;
	ret = transact(m, timeout_ms, outbound, &has);
	if (!ret && !has)
		ret = -EPROTO;
	return ret;
}

int shc_inbound_get(const struct shc_identity *ob, unsigned int timeout_ms,
		    struct shc_identity *inbound)
{
	char si[sizeof(SHD_SI_INBOUND) + SHC_ID_MAX];
	struct msg *m;
	bool has;
	int ret;

	if (!ob || !id_ok(ob->impu) || !id_ok(ob->impi) || !id_ok(ob->sipdb_host) || !inbound)
		return -EINVAL;
	if (!running())
		return -ENOTCONN;
	snprintf(si, sizeof(si), "%s%s", SHD_SI_INBOUND, ob->sipdb_host);
	ret = new_sh(fdx.udr, ob->impu, ob->impi, si, &m);
	if (ret)
		return ret;
	ret = transact(m, timeout_ms, inbound, &has);
	if (!ret && !has)
		ret = -EPROTO;
	return ret;
}

/* TS 29.328 6.1.3: a PUR whose repository data has no ServiceData deletes
 * it, here the migration binding keyed by @si. */
static int sh_revoke(const char *impu, const char *impi, const char *si, unsigned int timeout_ms)
{
	struct shc_identity unused;
	char doc[1024];
	struct msg *m;
	bool has;
	int ret, len;

	if (!running())
		return -ENOTCONN;
	len = shd_build(si, 0, NULL, doc, sizeof(doc));
	if (len < 0)
		return len;
	ret = new_sh(fdx.pur, impu, impi, si, &m);
	if (ret)
		return ret;
	ret = fdx_add_str(m, fdx.sh_user_data, doc, (size_t)len);
	if (ret) {
		fd_msg_free(m);
		return ret;
	}
	return transact(m, timeout_ms, &unused, &has);
}

int shc_outbound_revoke(const char *impu, unsigned int timeout_ms)
{
	if (!id_ok(impu))
		return -EINVAL;
	return sh_revoke(impu, NULL, SHD_SI_OUTBOUND, timeout_ms);
}

int shc_inbound_revoke(const struct shc_identity *ob, unsigned int timeout_ms)
{
	char si[sizeof(SHD_SI_INBOUND) + SHC_ID_MAX];

	if (!ob || !id_ok(ob->impu) || !id_ok(ob->impi) || !id_ok(ob->sipdb_host))
		return -EINVAL;
	snprintf(si, sizeof(si), "%s%s", SHD_SI_INBOUND, ob->sipdb_host);
	return sh_revoke(ob->impu, ob->impi, si, timeout_ms);
}

int shc_start(const struct shc_params *p, unsigned int timeout_ms)
{
	static const char *const lo[] = { "127.0.0.1", NULL };
	struct fdx_conf c = { 0 };
	struct timespec ts = { 0, 50 * 1000000L };
	unsigned int waited;
	int ret;

	if (!p || !id_ok(p->identity) || !id_ok(p->realm) || !id_ok(p->peer) ||
	    !id_ok(p->peer_realm) || !p->peer_addr)
		return -EINVAL;
	pthread_mutex_lock(&shc_lock);
	if (shc_running) {
		pthread_mutex_unlock(&shc_lock);
		return -EALREADY;
	}
	snprintf(shc_peer, sizeof(shc_peer), "%s", p->peer);
	snprintf(shc_peer_realm, sizeof(shc_peer_realm), "%s", p->peer_realm);
	shc_fdpeer.identity = shc_peer;
	shc_fdpeer.addr = p->peer_addr;
	shc_fdpeer.port = p->peer_port;
	c.identity = p->identity;
	c.realm = p->realm;
	c.port = p->local_port ? p->local_port : 3869;
	c.listen = lo;
	c.peers = &shc_fdpeer;
	c.npeers = 1;
	c.work_dir = p->work_dir;
	c.debug = p->debug;
	/* A client lives for one caller's window (mcmig-sh's --timeout, 3 s on
	 * the bench): with freeDiameter's Tc of 5 s a first connection attempt
	 * that fails (e.g. the SIP DB still closing the previous client's
	 * connection under the same identity) was never retried inside it. */
	c.tc_timer = 1;
	shc_debug = p->debug;
	ret = fdx_core_init(&c);
	if (!ret)
		ret = fdx_support(false, true);
	if (!ret)
		ret = fdx_core_start(&c);
	if (!ret)
		shc_running = true;
	pthread_mutex_unlock(&shc_lock);
	if (ret)
		return ret;
	for (waited = 0; !fdx_peer_open(shc_peer); waited += 50) {
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		nanosleep(&ts, NULL);
	}
	return 0;
}

void shc_stop(void)
{
	pthread_mutex_lock(&shc_lock);
	if (shc_running) {
		fdx_client_stop(shc_peer, !shc_debug);
		shc_running = false;
	}
	pthread_mutex_unlock(&shc_lock);
}
