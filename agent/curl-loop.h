/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libcurl's multi socket API driven by the GLib main loop, for the HTTPS
 * clients of the agent (cmc.c, idm.c): CURLMOPT_SOCKETFUNCTION ->
 * g_unix_fd_add, CURLMOPT_TIMERFUNCTION -> g_timeout_add, so that no
 * transfer ever blocks the loop. The owner adds its easy handles to
 * curl_loop_multi() and hears of each finished one through @done, from the
 * loop; @done may free the owner and this loop with it.
 */
#ifndef MCMIG_CURL_LOOP_H
#define MCMIG_CURL_LOOP_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>
#include <glib.h>

struct curl_loop;

typedef void (*curl_loop_done_fn)(CURL *easy, CURLcode result, void *ud);

/* 0, or -ENOMEM. */
int curl_loop_new(struct curl_loop **out, curl_loop_done_fn done, void *ud);
/* The owner removes its easy handles first; NULL accepted. */
void curl_loop_free(struct curl_loop *l);
CURLM *curl_loop_multi(const struct curl_loop *l);

/*
 * The agent's HTTPS rules on @easy, in one place: @url over https only, no
 * redirect followed, the peer and its name always verified (the system
 * bundle, or @ca_file when not NULL), no signals.
 */
CURLcode curl_loop_secure(CURL *easy, const char *url, const char *ca_file);
/* The same, with the two timeouts and libcurl's error text into @errbuf (CURL_ERROR_SIZE). */
CURLcode curl_loop_https(CURL *easy, const char *url, const char *ca_file, long connect_ms,
			 long total_ms, char *errbuf);

/* A response body, refused past @max bytes (CURLOPT_WRITEDATA for curl_body_write). */
struct curl_body {
	GByteArray *data;
	size_t max;
	bool too_large;
};
size_t curl_body_write(char *ptr, size_t size, size_t nmemb, void *body);

/*
 * libcurl's code as -errno (-EIO for those not told apart; -EACCES for every
 * TLS failure). *@transient (may be NULL): worth another try.
 */
int curl_loop_errno(CURLcode cc, bool *transient);

#endif
