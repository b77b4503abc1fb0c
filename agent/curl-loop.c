// SPDX-License-Identifier: GPL-2.0-or-later
/* libcurl multi on the GLib main loop (curl-loop.h). */
#include <errno.h>

#include <glib-unix.h>
#include <glib.h>

#include "curl-loop.h"
#include "util.h"

struct curl_loop {
	CURLM *multi;
	guint timer;
	curl_loop_done_fn done;
	void *ud;
};

struct curl_loop_sock {
	struct curl_loop *l;
	guint id;
};

/* One finished transfer at a time: @done may free everything, us included. */
static void check_done(struct curl_loop *l)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(l->multi, &left)))
		if (msg->msg == CURLMSG_DONE) {
			l->done(msg->easy_handle, msg->data.result, l->ud);
			return;
		}
}

static gboolean on_fd(gint fd, GIOCondition cond, gpointer data)
{
	struct curl_loop_sock *sk = data;
	struct curl_loop *l = sk->l;
	int flags = 0, running;

	if (cond & G_IO_IN)
		flags |= CURL_CSELECT_IN;
	if (cond & G_IO_OUT)
		flags |= CURL_CSELECT_OUT;
	if (cond & (G_IO_ERR | G_IO_HUP))
		flags |= CURL_CSELECT_ERR;
	/* May remove this source and free @sk through socket_cb. */
	curl_multi_socket_action(l->multi, fd, flags, &running);
	check_done(l);
	return G_SOURCE_CONTINUE;
}

static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct curl_loop *l = userp;
	struct curl_loop_sock *sk = socketp;
	GIOCondition cond = 0;

	if (what == CURL_POLL_REMOVE) {
		if (sk) {
			g_source_remove(sk->id);
			g_free(sk);
		}
		curl_multi_assign(l->multi, fd, NULL);
		return 0;
	}
	if (!sk) {
		sk = g_new0(struct curl_loop_sock, 1);
		sk->l = l;
		curl_multi_assign(l->multi, fd, sk);
	} else {
		g_source_remove(sk->id);
	}
	if (what & CURL_POLL_IN)
		cond |= G_IO_IN;
	if (what & CURL_POLL_OUT)
		cond |= G_IO_OUT;
	sk->id = g_unix_fd_add(fd, cond | G_IO_ERR | G_IO_HUP, on_fd, sk);
	return 0;
}

static gboolean on_timer(gpointer data)
{
	struct curl_loop *l = data;
	int running;

	l->timer = 0;
	curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(l);
	return G_SOURCE_REMOVE;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct curl_loop *l = userp;

	if (l->timer) {
		g_source_remove(l->timer);
		l->timer = 0;
	}
	if (timeout_ms >= 0)
		l->timer = g_timeout_add((guint)timeout_ms, on_timer, l);
	return 0;
}

int curl_loop_new(struct curl_loop **out, curl_loop_done_fn done, void *ud)
{
	struct curl_loop *l = g_new0(struct curl_loop, 1);

	*out = NULL;
	l->multi = curl_multi_init();
	if (!l->multi) {
		g_free(l);
		return -ENOMEM;
	}
	l->done = done;
	l->ud = ud;
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
	*out = l;
	return 0;
}

void curl_loop_free(struct curl_loop *l)
{
	if (!l)
		return;
	/* Its connections' sockets are removed through socket_cb, which needs @l. */
	curl_multi_cleanup(l->multi);
	if (l->timer)
		g_source_remove(l->timer);
	g_free(l);
}

CURLM *curl_loop_multi(const struct curl_loop *l)
{
	return l->multi;
}

CURLcode curl_loop_secure(CURL *easy, const char *url, const char *ca_file)
{
	CURLcode cc = CURLE_OK;

#define SET(opt, val)                                          \
	do {                                                   \
		if (cc == CURLE_OK)                            \
			cc = curl_easy_setopt(easy, opt, val); \
	} while (0)
	SET(CURLOPT_URL, url);
	/* Never VERIFYPEER 0: a server we cannot verify gets no secret of ours. */
	SET(CURLOPT_PROTOCOLS_STR, "https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca_file)
		SET(CURLOPT_CAINFO, ca_file);
	SET(CURLOPT_NOSIGNAL, 1L);
#undef SET
	return cc;
}

CURLcode curl_loop_https(CURL *easy, const char *url, const char *ca_file, long connect_ms,
			 long total_ms, char *errbuf)
{
	CURLcode cc = curl_loop_secure(easy, url, ca_file);

	errbuf[0] = '\0';
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, total_ms);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
	return cc;
}

size_t curl_body_write(char *ptr, size_t size, size_t nmemb, void *body)
{
	struct curl_body *b = body;
	size_t n = size * nmemb;

	if (b->data->len + n > b->max) {
		b->too_large = true;
		return 0;
	}
	g_byte_array_append(b->data, (const guint8 *)ptr, (guint)n);
	return n;
}

/* libcurl's codes told apart; every other one is -EIO and final. */
static const struct {
	CURLcode cc;
	int err;
	bool transient; /* worth another try (agent/schema/README.md's table) */
} curl_codes[] = {
	{ CURLE_OPERATION_TIMEDOUT, -ETIMEDOUT, true },
	{ CURLE_COULDNT_CONNECT, -ECONNREFUSED, true },
	{ CURLE_COULDNT_RESOLVE_HOST, -EHOSTUNREACH, true },
	{ CURLE_SEND_ERROR, -ECONNRESET, true },
	{ CURLE_RECV_ERROR, -ECONNRESET, true },
	{ CURLE_GOT_NOTHING, -ECONNRESET, true },
	{ CURLE_PARTIAL_FILE, -ECONNRESET, true },
	/* A server we cannot verify will not become trustworthy by retrying. */
	{ CURLE_PEER_FAILED_VERIFICATION, -EACCES, false },
	{ CURLE_SSL_CACERT_BADFILE, -EACCES, false },
	{ CURLE_SSL_CONNECT_ERROR, -EACCES, false },
	{ CURLE_SSL_CERTPROBLEM, -EACCES, false },
	{ CURLE_SSL_ISSUER_ERROR, -EACCES, false },
	{ CURLE_UNSUPPORTED_PROTOCOL, -EPROTONOSUPPORT, false },
};

int curl_loop_errno(CURLcode cc, bool *transient)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(curl_codes); i++)
		if (curl_codes[i].cc == cc) {
			if (transient)
				*transient = curl_codes[i].transient;
			return curl_codes[i].err;
		}
	if (transient)
		*transient = false;
	return -EIO;
}
