// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmig-cx — a minimal Cx client (as an I-/S-CSCF would send) for tests of
 * the bench SIP databases: one MAR or UAR, the answer summarised on stdout.
 *
 *   mcmig-cx OPTIONS [--scheme S] [--resync RAND||AUTS-HEX] mar IMPI IMPU
 *   mcmig-cx OPTIONS uar IMPI IMPU
 *
 * Prints result= or experimental=, user_name=, public_identity=, server_name=,
 * then per
 * SIP-Auth-Data-Item scheme=, rand= and the lengths of the secrets (never
 * their values). Exit 0 when an answer arrived (whatever its result),
 * 2 usage, 5 timeout, 6 not connected, 1 other.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fdx.h"
#include "sdb.h"
#include "util.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct msg *answer;
static int outcome = 1; /* 1 pending, 0 answered, -ETIMEDOUT */

static void finish(struct msg *ans, int how)
{
	pthread_mutex_lock(&lock);
	answer = ans;
	outcome = how;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
}

static void on_answer(void *data, struct msg **ans)
{
	struct msg *a = *ans;

	*ans = NULL;
	finish(a, 0);
}

static void on_expire(void *data, DiamId_t sentto, size_t len, struct msg **req)
{
	fd_msg_free(*req);
	*req = NULL;
	finish(NULL, -ETIMEDOUT);
}

static void print_str(const char *name, msg_or_avp *p, struct dict_object *m)
{
	size_t len;
	const uint8_t *s = fdx_get_str(p, m, &len);

	if (s)
		printf("%s=%.*s\n", name, (int)len, (const char *)s);
}

static void print_len(const char *name, msg_or_avp *p, struct dict_object *m)
{
	size_t len = 0;

	if (fdx_get_str(p, m, &len))
		printf("%s_len=%zu\n", name, len);
}

static void summarise(struct msg *ans)
{
	struct avp_hdr *h;
	struct avp *a = NULL;
	uint32_t code;
	bool exp;
	size_t len, i;
	const uint8_t *auth;

	if (!fdx_result(ans, &code, &exp))
		printf("%s=%u\n", exp ? "experimental" : "result", code);
	print_str("user_name", ans, fdx.user_name);
	print_str("public_identity", ans, fdx.public_identity);
	print_str("server_name", ans, fdx.server_name);
	fd_msg_browse(ans, MSG_BRW_FIRST_CHILD, &a, NULL);
	for (; a; fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL)) {
		if (fd_msg_avp_hdr(a, &h) || h->avp_vendor != FDX_VENDOR_3GPP || h->avp_code != 612)
			continue;
		print_str("scheme", a, fdx.sip_auth_scheme);
		auth = fdx_get_str(a, fdx.sip_authenticate, &len);
		if (auth && len == 32) {
			/* RAND is public (it travels in the 401 nonce). */
			printf("rand=");
			for (i = 0; i < 16; i++)
				printf("%02x", auth[i]);
			printf("\n");
		}
		print_len("sip_authenticate", a, fdx.sip_authenticate);
		print_len("sip_authorization", a, fdx.sip_authorization);
		print_len("ck", a, fdx.confidentiality_key);
		print_len("ik", a, fdx.integrity_key);
	}
}

/* @scheme NULL: a UAR (TS 29.229 6.1.1) instead of a MAR (6.1.7). */
static int request(const char *peer, const char *realm, const char *impi, const char *impu,
		   const char *scheme, const uint8_t *resync, unsigned int timeout_ms)
{
	struct timespec ts;
	struct msg *m;
	struct avp *item;
	int ret;

	ret = fdx_new_request(scheme ? fdx.mar : fdx.uar, FDX_APP_CX, peer, realm, &m);
	if (ret)
		return ret;
	ret = fdx_add_cstr(m, fdx.user_name, impi);
	if (!ret)
		ret = fdx_add_cstr(m, fdx.public_identity, impu);
	if (!scheme)
		goto send;
	if (!ret)
		ret = fdx_add_cstr(m, fdx.server_name, "sip:cx-test.bench.example");
	if (!ret)
		ret = fdx_add_u32(m, fdx.sip_number_auth_items, 1);
	if (!ret)
		ret = -fd_msg_avp_new(fdx.sip_auth_data_item, 0, &item);
	if (!ret) {
		ret = fdx_add_cstr(item, fdx.sip_auth_scheme, scheme);
		if (!ret && resync)
			ret = fdx_add_str(item, fdx.sip_authorization, resync, 30);
		if (!ret)
			ret = -fd_msg_avp_add(m, MSG_BRW_LAST_CHILD, item);
		else
			fd_msg_free(item);
	}
send:
	if (ret) {
		fd_msg_free(m);
		return ret;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	ret = fd_msg_send_timeout(&m, on_answer, NULL, on_expire, &ts);
	if (ret) {
		if (m)
			fd_msg_free(m);
		return -ENOTCONN;
	}
	pthread_mutex_lock(&lock);
	while (outcome == 1)
		pthread_cond_wait(&cond, &lock);
	ret = outcome;
	pthread_mutex_unlock(&lock);
	if (!ret) {
		summarise(answer);
		fd_msg_free(answer);
	}
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mcmig-cx --identity ID --realm REALM --peer HOST --peer-realm REALM\n"
		"                --peer-addr IPV4 [--peer-port N] [--local-port N] [--timeout MS]\n"
		"                [--work-dir DIR] [--scheme S] [--resync HEX60] mar IMPI IMPU\n"
		"       mcmig-cx ... uar IMPI IMPU\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "realm", required_argument, NULL, 'r' },
		{ "peer", required_argument, NULL, 'p' },
		{ "peer-realm", required_argument, NULL, 'R' },
		{ "peer-addr", required_argument, NULL, 'a' },
		{ "peer-port", required_argument, NULL, 'P' },
		{ "local-port", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' },
		{ "work-dir", required_argument, NULL, 'w' },
		{ "scheme", required_argument, NULL, 's' },
		{ "resync", required_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const lo[] = { "127.0.0.1", NULL };
	const char *peer_realm = NULL, *scheme = "Digest-AKAv1-MD5";
	struct fdx_conf c = { .port = 3871, .listen = lo };
	struct fdx_peer peer = { 0 };
	struct timespec nap = { 0, 50 * 1000000L };
	uint8_t resync[30];
	bool have_resync = false;
	unsigned long timeout = 5000, waited, v;
	char *end;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			c.identity = optarg;
			break;
		case 'r':
			c.realm = optarg;
			break;
		case 'p':
			peer.identity = optarg;
			break;
		case 'R':
			peer_realm = optarg;
			break;
		case 'a':
			peer.addr = optarg;
			break;
		case 'P':
		case 'l':
		case 't':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !v || v > 65535)
				goto bad;
			if (opt == 'P')
				peer.port = (uint16_t)v;
			else if (opt == 'l')
				c.port = (uint16_t)v;
			else
				timeout = v;
			break;
		case 'w':
			c.work_dir = optarg;
			break;
		case 's':
			scheme = optarg;
			break;
		case 'y':
			if (util_hex_decode(optarg, resync, sizeof(resync)))
				goto bad;
			have_resync = true;
			break;
		default:
			goto bad;
		}
	}
	if (argc - optind != 3 || (strcmp(argv[optind], "mar") && strcmp(argv[optind], "uar")) ||
	    !c.identity || !c.realm || !peer.identity || !peer.addr || !peer_realm)
		goto bad;
	c.peers = &peer;
	c.npeers = 1;
	ret = fdx_core_init(&c);
	if (!ret)
		ret = fdx_support(true, false);
	if (!ret)
		ret = fdx_core_start(&c);
	for (waited = 0; !ret && !fdx_peer_open(peer.identity); waited += 50) {
		if (waited >= timeout)
			ret = -ETIMEDOUT;
		nanosleep(&nap, NULL);
	}
	if (!ret)
		ret = request(peer.identity, peer_realm, argv[optind + 1], argv[optind + 2],
			      strcmp(argv[optind], "uar") ? scheme : NULL,
			      have_resync ? resync : NULL, (unsigned int)timeout);
	if (ret)
		fprintf(stderr, "mcmig-cx: %s\n", strerror(-ret));
	fdx_client_stop(peer.identity, true);
	switch (ret) {
	case 0:
		return 0;
	case -ETIMEDOUT:
		return 5;
	case -ENOTCONN:
		return 6;
	}
	return 1;
bad:
	usage(stderr);
	return 2;
}
