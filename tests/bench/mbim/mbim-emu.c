// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MBIM modem emulator for the bench (hardware we lack). It speaks either
 *  - as mbim-proxy: on the abstract unix socket @mbim-proxy (libmbim 1.28
 *    hard-codes that name, so run it in a network namespace of its own),
 *    several clients, each starting with libmbim's PROXY_CONTROL
 *    CONFIGURATION, then OPEN and COMMANDs; or
 *  - as the device: on a pty whose slave path is symlinked to --pty PATH, so
 *    the real mbim-proxy (or libmbim directly) can open it.
 *
 * State: radio, registration (provider MCC+MNC, TAC, cell id), packet service
 * and up to EMU_SESSIONS PDN sessions, driven by a scenario file (format in
 * tests/bench/mbim/bench.scenario) and run-time events read line by line from a
 * control FIFO:
 *   disconnect SESSION [NWERROR]   network-initiated deactivation (indication)
 *   plmn MCC MNC [TAC [CELL]]      serving network change (indications)
 *   register STATE                 home, roaming, searching, denied, ... (indication)
 *   vanish                         the device disappears: close everything, exit
 *
 * Passwords are compared, never logged.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mbim-codec.h"
#include "tests/bench/emu-common.h"

#define EMU_SESSIONS 16
#define EMU_CLIENTS  16
#define EMU_APNS     16
#define EMU_PENDING  32
#define EMU_DNS	     4
#define EMU_STR	     128
#define EMU_INBUF    (2 * MBIM_MAX_MESSAGE)
#define EMU_OUT	     4096

/* MBIM 1.0 10.5 CIDs of the Basic Connect service. */
enum {
	CID_DEVICE_CAPS = 1,
	CID_SUBSCRIBER_READY_STATUS = 2,
	CID_RADIO_STATE = 3,
	CID_REGISTER_STATE = 9,
	CID_PACKET_SERVICE = 10,
	CID_CONNECT = 12,
	CID_IP_CONFIGURATION = 15,
	CID_DEVICE_SERVICE_SUBSCRIBE_LIST = 19,
};
#define CID_MS_LOCATION_INFO_STATUS 12 /* MS Basic Connect Extensions */
#define CID_PROXY_CONFIGURATION	    1

/* 3GPP TS 24.301 9.9.4.4 / 24.008 10.5.6.6 causes the bench uses. */
#define NWERR_UNKNOWN_APN 27
#define NWERR_AUTH_FAILED 29
#define NWERR_IPV4_ONLY	  50

/* MBIM 1.0 10.5.12: ActivationState, IpType, AuthProtocol. */
enum { ACT_ACTIVATED = 1, ACT_DEACTIVATED = 3 };
enum { IPT_DEFAULT, IPT_V4, IPT_V6, IPT_V4V6 };
enum { AUTH_NONE, AUTH_PAP, AUTH_CHAP };

struct apn {
	char name[101];
	bool reject;
	uint32_t nwerror;
	uint32_t auth;
	char user[EMU_STR];
	char password[EMU_STR];
	bool has_v4, has_v6;
	uint8_t addr4[4], gw4[4];
	uint32_t prefix4;
	uint8_t addr6[16], gw6[16];
	uint32_t prefix6;
	uint8_t dns4[EMU_DNS][4];
	uint32_t n_dns4;
	uint8_t dns6[EMU_DNS][16];
	uint32_t n_dns6;
	uint32_t mtu;
	unsigned int delay_ms;
};

struct session {
	bool active;
	const struct apn *apn;
	uint32_t ip_type;
	uint8_t context[MBIM_UUID_LEN];
};

struct client {
	int fd;
	bool device; /* the pty: an MBIM function, not a proxy client */
	bool opened;
	uint32_t max_ctrl;
	uint8_t in[EMU_INBUF];
	size_t in_len;
	struct mbim_reasm ra;
	unsigned int gen;
};

struct pending {
	bool used;
	int client;
	unsigned int gen;
	uint64_t due_ms;
	uint8_t msg[EMU_OUT];
	size_t len;
};

static struct emu {
	struct apn apns[EMU_APNS];
	size_t n_apns;
	struct session sessions[EMU_SESSIONS];
	char mcc[4], mnc[4], provider_name[EMU_STR];
	uint32_t reg_state; /* MBIM_REGISTER_STATE: 3 home, 4 roaming */
	uint32_t lac, tac, cell;
	bool has_location; /* a "location" line: the device has LOCATION_INFO_STATUS */
	char imsi[EMU_STR], iccid[EMU_STR], imei[EMU_STR];
	struct client *clients[EMU_CLIENTS];
	struct pending pending[EMU_PENDING];
	unsigned int gen;
	int listen_fd, control_fd, pty_slave;
	char control_line[256];
	size_t control_len;
} emu = { .listen_fd = -1, .control_fd = -1, .pty_slave = -1 };

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mbim-emu: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Scenario file --------------------------------------------------------- */

static int parse_list(char *s, int af, uint8_t *out, size_t width, uint32_t *n)
{
	char *tok, *save = NULL;

	*n = 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == EMU_DNS || inet_pton(af, tok, out + *n * width) != 1)
			return -EINVAL;
		(*n)++;
	}
	return 0;
}

static int copy_str(char *dst, size_t size, const char *src)
{
	if (strlen(src) >= size)
		return -E2BIG;
	strcpy(dst, src);
	return 0;
}

/* MBIM 1.0 10.5.9.2 MBIM_REGISTER_STATE values by name. */
static int reg_state_parse(const char *s, uint32_t *v)
{
	static const char *const names[] = { "unknown", "deregistered", "searching", "home",
					     "roaming", "partner",	"denied" };
	uint32_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*v = i;
			return 0;
		}
	}
	return -EINVAL;
}

static int apn_key(struct apn *a, const char *key, char *val)
{
	if (!strcmp(key, "name"))
		return copy_str(a->name, sizeof(a->name), val);
	if (!strcmp(key, "nwerror"))
		return emu_parse_u32(val, UINT32_MAX, &a->nwerror);
	if (!strcmp(key, "delay"))
		return emu_parse_u32(val, UINT32_MAX, &a->delay_ms);
	if (!strcmp(key, "auth")) {
		if (!strcmp(val, "none"))
			a->auth = AUTH_NONE;
		else if (!strcmp(val, "pap"))
			a->auth = AUTH_PAP;
		else if (!strcmp(val, "chap"))
			a->auth = AUTH_CHAP;
		else
			return -EINVAL;
		return 0;
	}
	if (!strcmp(key, "user"))
		return copy_str(a->user, sizeof(a->user), val);
	if (!strcmp(key, "password"))
		return copy_str(a->password, sizeof(a->password), val);
	if (!strcmp(key, "addr")) {
		a->has_v4 = true;
		return emu_parse_prefixed(val, AF_INET, a->addr4, &a->prefix4);
	}
	if (!strcmp(key, "gw"))
		return inet_pton(AF_INET, val, a->gw4) == 1 ? 0 : -EINVAL;
	if (!strcmp(key, "dns"))
		return parse_list(val, AF_INET, &a->dns4[0][0], 4, &a->n_dns4);
	if (!strcmp(key, "addr6")) {
		a->has_v6 = true;
		return emu_parse_prefixed(val, AF_INET6, a->addr6, &a->prefix6);
	}
	if (!strcmp(key, "gw6"))
		return inet_pton(AF_INET6, val, a->gw6) == 1 ? 0 : -EINVAL;
	if (!strcmp(key, "dns6"))
		return parse_list(val, AF_INET6, &a->dns6[0][0], 16, &a->n_dns6);
	if (!strcmp(key, "mtu"))
		return emu_parse_u32(val, UINT32_MAX, &a->mtu);
	return -ENOENT;
}

static int global_key(const char *what, const char *key, const char *val)
{
	if (!strcmp(what, "provider")) {
		if (!strcmp(key, "mcc"))
			return strlen(val) == 3 ? copy_str(emu.mcc, sizeof(emu.mcc), val) : -EINVAL;
		if (!strcmp(key, "mnc"))
			return strlen(val) == 2 || strlen(val) == 3 ?
				       copy_str(emu.mnc, sizeof(emu.mnc), val) :
				       -EINVAL;
		if (!strcmp(key, "name"))
			return copy_str(emu.provider_name, sizeof(emu.provider_name), val);
		if (!strcmp(key, "state"))
			return reg_state_parse(val, &emu.reg_state);
	} else if (!strcmp(what, "location")) {
		emu.has_location = true;
		if (!strcmp(key, "lac"))
			return emu_parse_u32(val, UINT32_MAX, &emu.lac);
		if (!strcmp(key, "tac"))
			return emu_parse_u32(val, UINT32_MAX, &emu.tac);
		if (!strcmp(key, "cell"))
			return emu_parse_u32(val, UINT32_MAX, &emu.cell);
	} else if (!strcmp(what, "subscriber")) {
		if (!strcmp(key, "imsi"))
			return copy_str(emu.imsi, sizeof(emu.imsi), val);
		if (!strcmp(key, "iccid"))
			return copy_str(emu.iccid, sizeof(emu.iccid), val);
		if (!strcmp(key, "imei"))
			return copy_str(emu.imei, sizeof(emu.imei), val);
	}
	return -ENOENT;
}

static int scenario_load(const char *path)
{
	FILE *f = fopen(path, "re");
	char line[512];
	unsigned int lineno = 0;
	int err = 0;

	if (!f) {
		logf_("scenario %s: %s", path, strerror(errno));
		return -errno;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		char *save = NULL, *what, *tok;
		struct apn *a = NULL;

		lineno++;
		line[strcspn(line, "#\r\n")] = '\0';
		what = strtok_r(line, " \t", &save);
		if (!what)
			continue;
		if (!strcmp(what, "apn") || !strcmp(what, "reject")) {
			if (emu.n_apns == EMU_APNS) {
				logf_("%s:%u: more than %d APNs", path, lineno, EMU_APNS);
				err = -E2BIG;
				break;
			}
			a = &emu.apns[emu.n_apns++];
			a->reject = !strcmp(what, "reject");
		} else if (strcmp(what, "provider") && strcmp(what, "location") &&
			   strcmp(what, "subscriber")) {
			logf_("%s:%u: unknown line type '%s'", path, lineno, what);
			err = -EINVAL;
			break;
		}
		while (!err && (tok = strtok_r(NULL, " \t", &save))) {
			char *eq = strchr(tok, '=');

			if (!eq) {
				logf_("%s:%u: '%s' is not key=value", path, lineno, tok);
				err = -EINVAL;
				break;
			}
			*eq = '\0';
			err = a ? apn_key(a, tok, eq + 1) : global_key(what, tok, eq + 1);
			if (err)
				logf_("%s:%u: %s key '%s'", path, lineno,
				      err == -ENOENT ? "unknown" : "bad value for", tok);
		}
		if (!err && a && a->name[0] == '\0') {
			logf_("%s:%u: %s without name=", path, lineno, what);
			err = -EINVAL;
		}
		if (!err && a && a->reject && a->nwerror == 0)
			a->nwerror = NWERR_UNKNOWN_APN;
	}
	fclose(f);
	return err;
}

/* Output --------------------------------------------------------------- */

static void client_drop(int idx, const char *why)
{
	struct client *c = emu.clients[idx];

	if (!c)
		return;
	logf_("client %d closed (%s)", idx, why);
	close(c->fd);
	free(c);
	emu.clients[idx] = NULL;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* MBIM 1.0 9.2: a device fragments what exceeds the host's MaxControlTransfer. */
static void client_send(int idx, const uint8_t *msg, size_t len)
{
	struct client *c = emu.clients[idx];
	uint8_t frags[EMU_OUT * 2];
	ssize_t n = (ssize_t)len;
	const uint8_t *p = msg;
	struct mbim_hdr h;

	if (!c)
		return;
	if (c->device && len > c->max_ctrl && mbim_hdr_peek(msg, len, &h) == 0 &&
	    h.type != MBIM_MSG_OPEN_DONE) {
		n = mbim_fragment(msg, len, c->max_ctrl, frags, sizeof(frags));
		if (n < 0) {
			logf_("cannot fragment %zu bytes for %u: %s", len, c->max_ctrl,
			      strerror((int)-n));
			return;
		}
		p = frags;
	}
	if (write_all(c->fd, p, (size_t)n))
		client_drop(idx, strerror(errno));
}

static void send_done(int idx, uint32_t tid, const uint8_t *uuid, uint32_t cid, uint32_t status,
		      const uint8_t *ib, size_t ib_len, unsigned int delay_ms)
{
	uint8_t msg[EMU_OUT];
	ssize_t n = mbim_cmd_build(msg, sizeof(msg), MBIM_MSG_COMMAND_DONE, tid, uuid, cid, status,
				   ib, ib_len);
	size_t i;

	if (n < 0) {
		logf_("cannot build COMMAND_DONE: %s", strerror((int)-n));
		return;
	}
	if (!delay_ms) {
		client_send(idx, msg, (size_t)n);
		return;
	}
	for (i = 0; i < EMU_PENDING; i++) {
		struct pending *p = &emu.pending[i];

		if (p->used)
			continue;
		p->used = true;
		p->client = idx;
		p->gen = emu.clients[idx]->gen;
		p->due_ms = now_ms() + delay_ms;
		memcpy(p->msg, msg, (size_t)n);
		p->len = (size_t)n;
		logf_("answer to tid %u held for %u ms", tid, delay_ms);
		return;
	}
	logf_("too many held answers; sending tid %u now", tid);
	client_send(idx, msg, (size_t)n);
}

static void broadcast_indication(const uint8_t *uuid, uint32_t cid, const uint8_t *ib, size_t len)
{
	uint8_t msg[EMU_OUT];
	ssize_t n = mbim_cmd_build(msg, sizeof(msg), MBIM_MSG_INDICATE_STATUS, 0, uuid, cid, 0, ib,
				   len);
	int i;

	if (n < 0)
		return;
	for (i = 0; i < EMU_CLIENTS; i++)
		if (emu.clients[i] && emu.clients[i]->opened)
			client_send(i, msg, (size_t)n);
}

/* Information buffers -------------------------------------------------- */

static ssize_t ib_register_state(uint8_t *ib, size_t cap)
{
	char provider_id[8];
	struct mbim_ibw w;

	/* MBIM 1.0 10.5.9: ProviderId is the MCC followed by the MNC. */
	snprintf(provider_id, sizeof(provider_id), "%s%s", emu.mcc, emu.mnc);
	mbim_ibw_init(&w, ib, cap, 48);
	mbim_ibw_u32(&w, 0);		 /* NwError */
	mbim_ibw_u32(&w, emu.reg_state); /* RegisterState */
	mbim_ibw_u32(&w, 1);		 /* RegisterMode automatic */
	mbim_ibw_u32(&w, 0x20);		 /* AvailableDataClasses LTE */
	mbim_ibw_u32(&w, 1);		 /* CurrentCellularClass GSM family */
	mbim_ibw_string(&w, provider_id);
	mbim_ibw_string(&w, emu.provider_name);
	mbim_ibw_string(&w, "");
	mbim_ibw_u32(&w, 0); /* RegistrationFlag */
	return mbim_ibw_finish(&w);
}

static ssize_t ib_location(uint8_t *ib, size_t cap)
{
	struct mbim_ibw w;

	mbim_ibw_init(&w, ib, cap, 12);
	mbim_ibw_u32(&w, emu.lac);
	mbim_ibw_u32(&w, emu.tac);
	mbim_ibw_u32(&w, emu.cell);
	return mbim_ibw_finish(&w);
}

static ssize_t ib_connect(uint8_t *ib, size_t cap, uint32_t session, uint32_t state,
			  uint32_t ip_type, const uint8_t *context, uint32_t nwerror)
{
	struct mbim_ibw w;

	mbim_ibw_init(&w, ib, cap, 36);
	mbim_ibw_u32(&w, session);
	mbim_ibw_u32(&w, state);
	mbim_ibw_u32(&w, 0); /* VoiceCallState none */
	mbim_ibw_u32(&w, ip_type);
	mbim_ibw_uuid(&w, context);
	mbim_ibw_u32(&w, nwerror);
	return mbim_ibw_finish(&w);
}

static ssize_t ib_ip_configuration(uint8_t *ib, size_t cap, uint32_t id, const struct session *s)
{
	const struct apn *a = s->apn;
	bool v4 = s->ip_type != IPT_V6, v6 = s->ip_type != IPT_V4 && a->has_v6;
	uint8_t e4[8], e6[20];
	struct mbim_ibw w;

	/* MBIM 1.0 10.5.20: MBIM_IPV4_ELEMENT / MBIM_IPV6_ELEMENT = prefix, address. */
	memcpy(e4, &(uint32_t){ htole32(a->prefix4) }, 4);
	memcpy(e4 + 4, a->addr4, 4);
	memcpy(e6, &(uint32_t){ htole32(a->prefix6) }, 4);
	memcpy(e6 + 4, a->addr6, 16);
	mbim_ibw_init(&w, ib, cap, 60);
	mbim_ibw_u32(&w, id);
	/* Available: 1 address, 2 gateway, 4 DNS, 8 MTU. */
	mbim_ibw_u32(&w, v4 ? 1 | 2 | (a->n_dns4 ? 4 : 0) | (a->mtu ? 8 : 0) : 0);
	mbim_ibw_u32(&w, v6 ? 1 | 2 | (a->n_dns6 ? 4 : 0) | (a->mtu ? 8 : 0) : 0);
	mbim_ibw_u32(&w, v4 ? 1 : 0);
	mbim_ibw_data(&w, e4, v4 ? sizeof(e4) : 0, false);
	mbim_ibw_u32(&w, v6 ? 1 : 0);
	mbim_ibw_data(&w, e6, v6 ? sizeof(e6) : 0, false);
	mbim_ibw_data(&w, a->gw4, v4 ? 4 : 0, false);
	mbim_ibw_data(&w, a->gw6, v6 ? 16 : 0, false);
	mbim_ibw_u32(&w, v4 ? a->n_dns4 : 0);
	mbim_ibw_data(&w, a->dns4, v4 ? 4 * a->n_dns4 : 0, false);
	mbim_ibw_u32(&w, v6 ? a->n_dns6 : 0);
	mbim_ibw_data(&w, a->dns6, v6 ? 16 * a->n_dns6 : 0, false);
	mbim_ibw_u32(&w, v4 ? a->mtu : 0);
	mbim_ibw_u32(&w, v6 ? a->mtu : 0);
	return mbim_ibw_finish(&w);
}

/* Commands --------------------------------------------------------------- */

static const struct apn *apn_find(const char *name)
{
	size_t i;

	for (i = 0; i < emu.n_apns; i++)
		if (!strcasecmp(emu.apns[i].name, name))
			return &emu.apns[i];
	return NULL;
}

static void connect_answer(int idx, const struct mbim_cmd *c, uint32_t status, uint32_t session,
			   uint32_t state, uint32_t ip_type, const uint8_t *context,
			   uint32_t nwerror, unsigned int delay_ms)
{
	uint8_t ib[64];
	ssize_t n = ib_connect(ib, sizeof(ib), session, state, ip_type, context, nwerror);

	if (n >= 0)
		send_done(idx, c->tid, c->uuid, c->cid, status, ib, (size_t)n, delay_ms);
}

static bool connect_creds_ok(const struct apn *a, uint32_t auth, const char *user,
			     const char *password)
{
	if (a->auth == AUTH_NONE)
		return true;
	return auth == a->auth && !strcmp(user, a->user) && !strcmp(password, a->password);
}

static void connect_set(int idx, const struct mbim_cmd *c)
{
	struct mbim_ib r;
	uint32_t session, activation, compression, auth, ip_type;
	char apn[EMU_STR], user[EMU_STR], password[EMU_STR];
	uint8_t context[MBIM_UUID_LEN];
	const struct apn *a;
	struct session *s;
	int err;

	mbim_ib_init(&r, c->ib, c->ib_len);
	err = mbim_ib_u32(&r, &session);
	err = err ?: mbim_ib_u32(&r, &activation);
	err = err ?: mbim_ib_string(&r, apn, sizeof(apn));
	err = err ?: mbim_ib_string(&r, user, sizeof(user));
	err = err ?: mbim_ib_string(&r, password, sizeof(password));
	err = err ?: mbim_ib_u32(&r, &compression);
	err = err ?: mbim_ib_u32(&r, &auth);
	err = err ?: mbim_ib_u32(&r, &ip_type);
	err = err ?: mbim_ib_uuid(&r, context);
	if (err || session >= EMU_SESSIONS || activation > 1 || ip_type > 4) {
		logf_("CONNECT set: malformed or out of range (%s)",
		      err ? strerror(-err) : "value");
		send_done(idx, c->tid, c->uuid, c->cid, MBIM_STATUS_INVALID_PARAMETERS, NULL, 0, 0);
		goto out;
	}
	s = &emu.sessions[session];
	if (activation == 0) {
		logf_("CONNECT deactivate session %u", session);
		if (!s->active) {
			connect_answer(idx, c, MBIM_STATUS_CONTEXT_NOT_ACTIVATED, session,
				       ACT_DEACTIVATED, ip_type, context, 0, 0);
			goto out;
		}
		s->active = false;
		connect_answer(idx, c, MBIM_STATUS_SUCCESS, session, ACT_DEACTIVATED, s->ip_type,
			       s->context, 0, 0);
		goto out;
	}
	logf_("CONNECT activate session %u apn '%s' auth %u user '%s' ip-type %u", session, apn,
	      auth, user, ip_type);
	a = apn_find(apn);
	if (!a || a->reject) {
		uint32_t cause = a ? a->nwerror : NWERR_UNKNOWN_APN;

		logf_("  rejected: NwError %u", cause);
		connect_answer(idx, c, MBIM_STATUS_FAILURE, session, ACT_DEACTIVATED, ip_type,
			       context, cause, a ? a->delay_ms : 0);
		goto out;
	}
	if (!connect_creds_ok(a, auth, user, password)) {
		logf_("  rejected: authentication failed");
		connect_answer(idx, c, MBIM_STATUS_FAILURE, session, ACT_DEACTIVATED, ip_type,
			       context, NWERR_AUTH_FAILED, a->delay_ms);
		goto out;
	}
	if (ip_type == IPT_DEFAULT)
		ip_type = IPT_V4;
	if (ip_type == 4) /* IPv4AndIPv6: answered as dual stack */
		ip_type = IPT_V4V6;
	if (ip_type == IPT_V6 && !a->has_v6) {
		logf_("  rejected: IPv4 only");
		connect_answer(idx, c, MBIM_STATUS_FAILURE, session, ACT_DEACTIVATED, ip_type,
			       context, NWERR_IPV4_ONLY, a->delay_ms);
		goto out;
	}
	if (ip_type == IPT_V4V6 && !a->has_v6)
		ip_type = IPT_V4;
	if (s->active && s->apn != a) {
		logf_("  rejected: session %u already carries '%s'", session, s->apn->name);
		connect_answer(idx, c, MBIM_STATUS_MAX_ACTIVATED_CONTEXTS, session, ACT_ACTIVATED,
			       s->ip_type, s->context, 0, 0);
		goto out;
	}
	s->active = true;
	s->apn = a;
	s->ip_type = ip_type;
	memcpy(s->context, context, MBIM_UUID_LEN);
	logf_("  activated");
	connect_answer(idx, c, MBIM_STATUS_SUCCESS, session, ACT_ACTIVATED, ip_type, context, 0,
		       a->delay_ms);
out:
	memset(password, 0, sizeof(password));
}

static void connect_query(int idx, const struct mbim_cmd *c)
{
	struct mbim_ib r;
	uint32_t session;
	const struct session *s;

	mbim_ib_init(&r, c->ib, c->ib_len);
	if (mbim_ib_u32(&r, &session) || session >= EMU_SESSIONS) {
		send_done(idx, c->tid, c->uuid, c->cid, MBIM_STATUS_INVALID_PARAMETERS, NULL, 0, 0);
		return;
	}
	s = &emu.sessions[session];
	connect_answer(idx, c, MBIM_STATUS_SUCCESS, session,
		       s->active ? ACT_ACTIVATED : ACT_DEACTIVATED, s->active ? s->ip_type : 0,
		       s->active ? s->context : mbim_uuid_context_none, 0, 0);
}

static void ip_configuration_query(int idx, const struct mbim_cmd *c)
{
	uint8_t ib[512];
	struct mbim_ib r;
	uint32_t session;
	ssize_t n;

	mbim_ib_init(&r, c->ib, c->ib_len);
	if (mbim_ib_u32(&r, &session) || session >= EMU_SESSIONS) {
		send_done(idx, c->tid, c->uuid, c->cid, MBIM_STATUS_INVALID_PARAMETERS, NULL, 0, 0);
		return;
	}
	if (!emu.sessions[session].active) {
		send_done(idx, c->tid, c->uuid, c->cid, MBIM_STATUS_CONTEXT_NOT_ACTIVATED, NULL, 0,
			  0);
		return;
	}
	n = ib_ip_configuration(ib, sizeof(ib), session, &emu.sessions[session]);
	if (n >= 0)
		send_done(idx, c->tid, c->uuid, c->cid, MBIM_STATUS_SUCCESS, ib, (size_t)n, 0);
}

static void basic_connect(int idx, const struct mbim_cmd *c)
{
	bool set = c->type_or_status == MBIM_CMD_SET;
	uint8_t ib[512];
	struct mbim_ibw w;
	ssize_t n = -ENOTSUP;

	switch (c->cid) {
	case CID_DEVICE_CAPS:
		mbim_ibw_init(&w, ib, sizeof(ib), 64);
		mbim_ibw_u32(&w, 1);	/* DeviceType embedded */
		mbim_ibw_u32(&w, 1);	/* CellularClass GSM family */
		mbim_ibw_u32(&w, 1);	/* VoiceClass none */
		mbim_ibw_u32(&w, 2);	/* SimClass removable */
		mbim_ibw_u32(&w, 0x20); /* DataClass LTE */
		mbim_ibw_u32(&w, 0);	/* SmsCaps */
		mbim_ibw_u32(&w, 0);	/* ControlCaps */
		mbim_ibw_u32(&w, EMU_SESSIONS);
		mbim_ibw_string(&w, "");
		mbim_ibw_string(&w, emu.imei);
		mbim_ibw_string(&w, "mcmig-bench-1");
		mbim_ibw_string(&w, "mcmig MBIM emulator");
		n = set ? -ENOTSUP : mbim_ibw_finish(&w);
		break;
	case CID_SUBSCRIBER_READY_STATUS:
		mbim_ibw_init(&w, ib, sizeof(ib), 28);
		mbim_ibw_u32(&w, 1); /* ReadyState initialized */
		mbim_ibw_string(&w, emu.imsi);
		mbim_ibw_string(&w, emu.iccid);
		mbim_ibw_u32(&w, 0); /* ReadyInfo */
		mbim_ibw_u32(&w, 0); /* no telephone numbers */
		n = set ? -ENOTSUP : mbim_ibw_finish(&w);
		break;
	case CID_RADIO_STATE:
		mbim_ibw_init(&w, ib, sizeof(ib), 8);
		mbim_ibw_u32(&w, 1); /* hardware on */
		mbim_ibw_u32(&w, 1); /* software on */
		n = mbim_ibw_finish(&w);
		break;
	case CID_REGISTER_STATE:
		n = ib_register_state(ib, sizeof(ib));
		break;
	case CID_PACKET_SERVICE:
		mbim_ibw_init(&w, ib, sizeof(ib), 28);
		mbim_ibw_u32(&w, 0);	/* NwError */
		mbim_ibw_u32(&w, 2);	/* attached */
		mbim_ibw_u32(&w, 0x20); /* LTE */
		mbim_ibw_u64(&w, 50000000);
		mbim_ibw_u64(&w, 150000000);
		n = mbim_ibw_finish(&w);
		break;
	case CID_CONNECT:
		if (set)
			connect_set(idx, c);
		else
			connect_query(idx, c);
		return;
	case CID_IP_CONFIGURATION:
		if (set)
			break;
		ip_configuration_query(idx, c);
		return;
	case CID_DEVICE_SERVICE_SUBSCRIBE_LIST:
		/* Indications go to every client anyway: acknowledge by echo. */
		if (set && c->ib_len <= sizeof(ib)) {
			memcpy(ib, c->ib, c->ib_len);
			n = (ssize_t)c->ib_len;
		}
		break;
	}
	if (n < 0) {
		send_done(idx, c->tid, c->uuid, c->cid, MBIM_STATUS_NO_DEVICE_SUPPORT, NULL, 0, 0);
		return;
	}
	send_done(idx, c->tid, c->uuid, c->cid, MBIM_STATUS_SUCCESS, ib, (size_t)n, 0);
}

static void handle_command(int idx, const struct mbim_cmd *c)
{
	struct client *cl = emu.clients[idx];
	uint8_t ib[64];
	ssize_t n;

	if (!memcmp(c->uuid, mbim_uuid_proxy_control, MBIM_UUID_LEN) &&
	    c->cid == CID_PROXY_CONFIGURATION && !cl->device) {
		struct mbim_ib r;
		char path[256];
		uint32_t timeout;

		mbim_ib_init(&r, c->ib, c->ib_len);
		if (mbim_ib_string(&r, path, sizeof(path)) || mbim_ib_u32(&r, &timeout)) {
			logf_("client %d: malformed proxy configuration", idx);
			send_done(idx, c->tid, c->uuid, c->cid, MBIM_STATUS_INVALID_PARAMETERS,
				  NULL, 0, 0);
			return;
		}
		logf_("client %d: proxy configuration for %s, timeout %u s", idx, path, timeout);
		send_done(idx, c->tid, c->uuid, c->cid, MBIM_STATUS_SUCCESS, NULL, 0, 0);
		return;
	}
	if (!memcmp(c->uuid, mbim_uuid_basic_connect, MBIM_UUID_LEN)) {
		basic_connect(idx, c);
		return;
	}
	if (!memcmp(c->uuid, mbim_uuid_ms_basic_connect_ext, MBIM_UUID_LEN) &&
	    c->cid == CID_MS_LOCATION_INFO_STATUS && c->type_or_status == MBIM_CMD_QUERY &&
	    emu.has_location) {
		n = ib_location(ib, sizeof(ib));
		if (n >= 0)
			send_done(idx, c->tid, c->uuid, c->cid, MBIM_STATUS_SUCCESS, ib, (size_t)n,
				  0);
		return;
	}
	send_done(idx, c->tid, c->uuid, c->cid, MBIM_STATUS_NO_DEVICE_SUPPORT, NULL, 0, 0);
}

static void send_simple(int idx, uint32_t type, uint32_t tid, uint32_t value)
{
	uint8_t out[16];
	ssize_t n = mbim_simple_build(out, sizeof(out), type, tid, value);

	if (n > 0)
		client_send(idx, out, (size_t)n);
}

static const char *service_name(const uint8_t *uuid)
{
	if (!memcmp(uuid, mbim_uuid_basic_connect, MBIM_UUID_LEN))
		return "basic-connect";
	if (!memcmp(uuid, mbim_uuid_ms_basic_connect_ext, MBIM_UUID_LEN))
		return "ms-basic-connect-extensions";
	if (!memcmp(uuid, mbim_uuid_proxy_control, MBIM_UUID_LEN))
		return "proxy-control";
	return "unknown-service";
}

static void handle_message(int idx, const uint8_t *msg, size_t len)
{
	struct client *c = emu.clients[idx];
	const uint8_t *whole;
	size_t whole_len;
	struct mbim_hdr h;
	struct mbim_cmd cmd;
	uint32_t value;
	int ret;

	mbim_hdr_peek(msg, len, &h);
	switch (h.type) {
	case MBIM_MSG_OPEN:
		if (mbim_simple_parse(msg, len, &h, &value)) {
			send_simple(idx, MBIM_MSG_FUNCTION_ERROR, h.tid,
				    MBIM_ERROR_LENGTH_MISMATCH);
			return;
		}
		c->opened = true;
		c->max_ctrl = value < 64 ? 64 : value;
		mbim_reasm_init(&c->ra);
		logf_("client %d: OPEN (max control transfer %u)", idx, value);
		send_simple(idx, MBIM_MSG_OPEN_DONE, h.tid, MBIM_STATUS_SUCCESS);
		return;
	case MBIM_MSG_CLOSE:
		logf_("client %d: CLOSE", idx);
		c->opened = false;
		send_simple(idx, MBIM_MSG_CLOSE_DONE, h.tid, MBIM_STATUS_SUCCESS);
		return;
	case MBIM_MSG_COMMAND:
		break;
	default:
		logf_("client %d: unexpected message type 0x%08x", idx, h.type);
		send_simple(idx, MBIM_MSG_FUNCTION_ERROR, h.tid, MBIM_ERROR_UNKNOWN);
		return;
	}
	/* A device answers commands only once opened; the proxy opens the device itself. */
	if (c->device && !c->opened) {
		send_simple(idx, MBIM_MSG_FUNCTION_ERROR, h.tid, MBIM_ERROR_NOT_OPENED);
		return;
	}
	ret = mbim_reasm_feed(&c->ra, msg, len, &whole, &whole_len);
	if (ret == 0)
		return;
	if (ret < 0 || mbim_cmd_parse(whole, whole_len, &cmd)) {
		logf_("client %d: bad COMMAND (%s)", idx, strerror(ret < 0 ? -ret : EBADMSG));
		send_simple(idx, MBIM_MSG_FUNCTION_ERROR, h.tid,
			    ret == -EPROTO ? MBIM_ERROR_FRAGMENT_OUT_OF_SEQUENCE :
					     MBIM_ERROR_LENGTH_MISMATCH);
		return;
	}
	logf_("client %d: COMMAND tid %u %s cid %u %s", idx, cmd.tid, service_name(cmd.uuid),
	      cmd.cid, cmd.type_or_status == MBIM_CMD_SET ? "set" : "query");
	handle_command(idx, &cmd);
}

static void client_read(int idx)
{
	struct client *c = emu.clients[idx];
	ssize_t n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
	size_t off = 0;

	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		client_drop(idx, n ? strerror(errno) : "hang-up");
		return;
	}
	c->in_len += (size_t)n;
	while (emu.clients[idx] == c) {
		struct mbim_hdr h;
		int err = mbim_hdr_peek(c->in + off, c->in_len - off, &h);

		if (err == -EAGAIN || (!err && h.len > c->in_len - off))
			break;
		if (err) {
			client_drop(idx, "malformed message header");
			return;
		}
		handle_message(idx, c->in + off, h.len);
		off += h.len;
	}
	if (emu.clients[idx] != c)
		return;
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
}

static int client_add(int fd, bool device)
{
	struct client *c;
	int i;

	for (i = 0; i < EMU_CLIENTS; i++)
		if (!emu.clients[i])
			break;
	if (i == EMU_CLIENTS) {
		logf_("too many clients");
		close(fd);
		return -EMFILE;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->fd = fd;
	c->device = device;
	c->max_ctrl = 4096;
	c->gen = ++emu.gen;
	mbim_reasm_init(&c->ra);
	emu.clients[i] = c;
	logf_("client %d connected%s", i, device ? " (pty)" : "");
	return 0;
}

/* Control FIFO ------------------------------------------------------------ */

static void indicate_register_state(void)
{
	uint8_t ib[256];
	ssize_t n = ib_register_state(ib, sizeof(ib));

	if (n >= 0)
		broadcast_indication(mbim_uuid_basic_connect, CID_REGISTER_STATE, ib, (size_t)n);
	n = ib_location(ib, sizeof(ib));
	if (n >= 0 && emu.has_location)
		broadcast_indication(mbim_uuid_ms_basic_connect_ext, CID_MS_LOCATION_INFO_STATUS,
				     ib, (size_t)n);
}

static void control_command(char *line)
{
	char *save = NULL, *cmd = strtok_r(line, " \t", &save);
	char *a1 = strtok_r(NULL, " \t", &save), *a2 = strtok_r(NULL, " \t", &save);
	char *a3 = strtok_r(NULL, " \t", &save), *a4 = strtok_r(NULL, " \t", &save);
	uint32_t v, cause = 36; /* TS 24.301 9.9.4.4: regular deactivation */
	uint8_t ib[64];
	ssize_t n;

	if (!cmd)
		return;
	if (!strcmp(cmd, "disconnect") && a1 && !emu_parse_u32(a1, UINT32_MAX, &v) &&
	    v < EMU_SESSIONS && (!a2 || !emu_parse_u32(a2, UINT32_MAX, &cause))) {
		struct session *s = &emu.sessions[v];

		if (!s->active) {
			logf_("control: session %u is not active", v);
			return;
		}
		s->active = false;
		logf_("control: network deactivates session %u (NwError %u)", v, cause);
		n = ib_connect(ib, sizeof(ib), v, ACT_DEACTIVATED, s->ip_type, s->context, cause);
		if (n >= 0)
			broadcast_indication(mbim_uuid_basic_connect, CID_CONNECT, ib, (size_t)n);
		return;
	}
	if (!strcmp(cmd, "plmn") && a1 && a2 && strlen(a1) == 3 &&
	    (strlen(a2) == 2 || strlen(a2) == 3)) {
		strcpy(emu.mcc, a1);
		strcpy(emu.mnc, a2);
		if (a3 && emu_parse_u32(a3, UINT32_MAX, &emu.tac))
			goto bad;
		if (a4 && emu_parse_u32(a4, UINT32_MAX, &emu.cell))
			goto bad;
		logf_("control: serving PLMN %s%s TAC %u cell %u", emu.mcc, emu.mnc, emu.tac,
		      emu.cell);
		indicate_register_state();
		return;
	}
	if (!strcmp(cmd, "register") && a1 && reg_state_parse(a1, &v) == 0) {
		emu.reg_state = v;
		logf_("control: registration state %s", a1);
		indicate_register_state();
		return;
	}
	if (!strcmp(cmd, "vanish")) {
		logf_("control: device vanishes");
		exit(0);
	}
bad:
	logf_("control: cannot parse '%s' (disconnect SESSION [NWERROR] | plmn MCC MNC [TAC "
	      "[CELL]] | register STATE | vanish)",
	      cmd);
}

static void control_read(void)
{
	char buf[256];
	ssize_t n = read(emu.control_fd, buf, sizeof(buf));
	ssize_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (emu.control_len < sizeof(emu.control_line) - 1)
				emu.control_line[emu.control_len++] = buf[i];
			continue;
		}
		emu.control_line[emu.control_len] = '\0';
		emu.control_len = 0;
		control_command(emu.control_line);
	}
}

/* Setup and loop ------------------------------------------------------------ */

static void usage(void)
{
	fputs("usage: mbim-emu --scenario FILE [--socket NAME | --pty LINK] [--control FIFO] "
	      "[--ready FILE]\n"
	      "  --socket NAME   listen as the proxy on abstract @NAME (default mbim-proxy)\n"
	      "  --pty LINK      be the device on a pty, slave symlinked to LINK\n"
	      "  --control FIFO  read run-time events from FIFO (created 0600)\n"
	      "  --ready FILE    write FILE once listening\n",
	      stderr);
}

static int next_timeout(void)
{
	uint64_t now = now_ms(), best = UINT64_MAX;
	size_t i;

	for (i = 0; i < EMU_PENDING; i++)
		if (emu.pending[i].used && emu.pending[i].due_ms < best)
			best = emu.pending[i].due_ms;
	if (best == UINT64_MAX)
		return -1;
	return best <= now ? 0 : (int)(best - now);
}

static void run_pending(void)
{
	uint64_t now = now_ms();
	size_t i;

	for (i = 0; i < EMU_PENDING; i++) {
		struct pending *p = &emu.pending[i];

		if (!p->used || p->due_ms > now)
			continue;
		p->used = false;
		if (emu.clients[p->client] && emu.clients[p->client]->gen == p->gen)
			client_send(p->client, p->msg, p->len);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "pty", required_argument, NULL, 'p' },
		{ "control", required_argument, NULL, 'c' },
		{ "ready", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *scenario = NULL, *sock = "mbim-proxy", *pty = NULL, *control = NULL;
	const char *ready = NULL;
	int opt, i;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			scenario = optarg;
			break;
		case 'S':
			sock = optarg;
			break;
		case 'p':
			pty = optarg;
			break;
		case 'c':
			control = optarg;
			break;
		case 'r':
			ready = optarg;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (!scenario || optind != argc) {
		usage();
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	strcpy(emu.mcc, "001");
	strcpy(emu.mnc, "01");
	strcpy(emu.provider_name, "Bench");
	strcpy(emu.imsi, "001010000000001");
	strcpy(emu.iccid, "8900101000000000001");
	strcpy(emu.imei, "350000000000001");
	emu.reg_state = 3;
	if (scenario_load(scenario))
		return 1;
	if (control) {
		if (mkfifo(control, 0600) && errno != EEXIST) {
			logf_("control %s: %s", control, strerror(errno));
			return 1;
		}
		/* O_RDWR: the FIFO never reports end-of-file between writers. */
		emu.control_fd = open(control, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (emu.control_fd < 0) {
			logf_("control %s: %s", control, strerror(errno));
			return 1;
		}
	}
	if (pty) {
		int m = emu_open_pty(pty, &emu.pty_slave);

		if (m >= 0)
			logf_("device pty %s -> %s", pty, ptsname(m));
		if (m < 0 || client_add(m, true)) {
			logf_("pty %s: %s", pty, strerror(m < 0 ? -m : ENOMEM));
			return 1;
		}
	} else {
		emu.listen_fd = emu_listen_abstract(sock, 0);
		if (emu.listen_fd < 0) {
			logf_("socket @%s: %s", sock, strerror(-emu.listen_fd));
			return 1;
		}
		logf_("listening on @%s", sock);
	}
	if (ready) {
		FILE *f = fopen(ready, "we");

		if (f)
			fclose(f);
	}
	for (;;) {
		struct pollfd pfd[EMU_CLIENTS + 2];
		int map[EMU_CLIENTS + 2];
		nfds_t n = 0;

		if (emu.listen_fd >= 0) {
			pfd[n] = (struct pollfd){ .fd = emu.listen_fd, .events = POLLIN };
			map[n++] = -1;
		}
		if (emu.control_fd >= 0) {
			pfd[n] = (struct pollfd){ .fd = emu.control_fd, .events = POLLIN };
			map[n++] = -2;
		}
		for (i = 0; i < EMU_CLIENTS; i++) {
			if (!emu.clients[i])
				continue;
			pfd[n] = (struct pollfd){ .fd = emu.clients[i]->fd, .events = POLLIN };
			map[n++] = i;
		}
		if (poll(pfd, n, next_timeout()) < 0 && errno != EINTR) {
			logf_("poll: %s", strerror(errno));
			return 1;
		}
		run_pending();
		for (i = 0; i < (int)n; i++) {
			if (!pfd[i].revents)
				continue;
			if (map[i] == -1) {
				int fd = accept4(emu.listen_fd, NULL, NULL, SOCK_CLOEXEC);

				if (fd >= 0)
					client_add(fd, false);
			} else if (map[i] == -2) {
				control_read();
			} else if (emu.clients[map[i]]) {
				client_read(map[i]);
			}
		}
	}
}
