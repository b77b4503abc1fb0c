// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qmi-emu: a QMI modem for the bench, spoken to by the real libqmi and qmicli.
 *
 *   qmi-emu --scenario FILE (--socket NAME | --pty LINK) [--control PATH] [--verbose]
 *   qmi-emu ctl PATH COMMAND [ARG...]
 *
 * --socket listens on the abstract unix socket @NAME and speaks libqmi's proxy
 * protocol (what /usr/libexec/qmi-proxy does): each connection first sends CTL
 * Internal Proxy Open (0xFF00), then plain QMUX. --pty creates a pseudo
 * terminal in raw mode and points LINK at its slave (libqmi opened without
 * the proxy). Client ids are modem-wide and owned by the connection that
 * allocated them; a connection that goes away releases its clients, and a
 * released WDS client takes its data session down, as on a real modem.
 *
 * The scenario file and the control commands are described in README.md
 * ("QMI modem emulator"). Passwords are never logged.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>

#include "qmi-codec.h"
#include "tests/bench/emu-common.h"

#define EMU_MAX_APNS  16
#define EMU_MAX_ADDRS 4
#define EMU_NAME_MAX  101
#define EMU_CRED_MAX  128
#define EMU_REPLY_MAX 2048

/* QMI protocol errors (libqmi's QmiProtocolError values). */
enum {
	QERR_NONE = 0,
	QERR_MALFORMED = 1,
	QERR_CLIENT_IDS_EXHAUSTED = 5,
	QERR_INVALID_CLIENT_ID = 7,
	QERR_INVALID_HANDLE = 9,
	QERR_INVALID_TRANSACTION_ID = 22,
	QERR_CALL_FAILED = 14,
	QERR_OUT_OF_CALL = 15,
	QERR_MISSING_ARGUMENT = 17,
	QERR_NO_EFFECT = 26,
	QERR_INVALID_SERVICE_TYPE = 31,
	QERR_INVALID_ARGUMENT = 48,
	QERR_INVALID_QMI_COMMAND = 71,
};

/* WDS call end reasons and the verbose type for 3GPP causes (TS 24.301 9.9.4.4). */
#define WDS_CALL_END_UNSPECIFIED    1
#define WDS_CALL_END_CLIENT_END	    2
#define WDS_CALL_END_RELEASE_NORMAL 5
#define WDS_CALL_END_AUTH_FAILED    10
#define WDS_VERBOSE_TYPE_3GPP	    6
#define CAUSE_UNKNOWN_APN	    27
#define CAUSE_AUTH_FAILED	    29
#define CAUSE_REGULAR_DEACT	    36
#define CAUSE_PDN_IPV4_ONLY	    50
#define CAUSE_PDN_IPV6_ONLY	    51

enum emu_auth { EMU_AUTH_NONE, EMU_AUTH_PAP, EMU_AUTH_CHAP };

struct emu_apn {
	char name[EMU_NAME_MAX];
	bool has_v4, has_v6;
	uint32_t ip4, gw4, dns4[EMU_MAX_ADDRS], pcscf4[EMU_MAX_ADDRS];
	unsigned int prefix4, n_dns4, n_pcscf4;
	uint8_t ip6[16], gw6[16], dns6[2][16];
	unsigned int prefix6;
	unsigned int n_dns6;
	uint32_t mtu;
	enum emu_auth auth;
	char user[EMU_CRED_MAX];
	char password[EMU_CRED_MAX];
	unsigned int reject; /* 3GPP cause, 0 = accept */
	unsigned int delay_ms;
};

struct emu_serving {
	uint16_t mcc, mnc;
	bool mnc3;
	uint16_t tac;
	uint32_t cell;
	uint8_t rat; /* QmiNasRadioInterface */
	uint8_t reg; /* QmiNasRegistrationState */
	bool roaming;
};

struct emu_conn;

struct emu_client {
	uint8_t service;
	uint8_t cid;
	struct emu_conn *conn;
	uint8_t mux_id;
	bool serving_ind; /* NAS: Serving System indications wanted */
	struct emu_session *session;
};

struct emu_session {
	const struct emu_apn *apn;
	struct emu_client *client;
	uint32_t handle;
	uint8_t ip_family;
};

struct emu_delayed {
	struct emu_conn *conn;
	guint timer;
	struct emu_client *client; /* the session is created when the answer goes out */
	const struct emu_apn *apn;
	uint8_t ip_family;
	uint16_t tid;
};

struct emu_conn {
	unsigned int id;
	int fd;
	guint watch;
	bool proxy; /* expects Internal Proxy Open first */
	bool opened;
	GByteArray *rx;
	GList *delayed;
};

struct emu {
	GMainLoop *loop;
	bool verbose;
	bool vanished;
	struct emu_serving serving;
	char imei[17]; /* DMS Get IDs; "" = none reported */
	struct emu_apn apns[EMU_MAX_APNS];
	size_t n_apns;
	int listen_fd, pty_slave, control_fd;
	guint listen_watch, control_watch;
	GList *conns;
	unsigned int next_conn_id;
	GHashTable *clients; /* service << 8 | cid -> struct emu_client */
	uint32_t next_handle;
	uint32_t link_layer;			 /* WDA: 1 = 802.3, 2 = raw-ip */
	uint32_t ul_aggregation, dl_aggregation; /* WDA: 0 = off, 5 = QMAP */
	char *control_path;
};

static struct emu emu;

static void emu_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void emu_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* ---- scenario ---- */

static int parse_ip4(const char *s, uint32_t *v)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*v = ntohl(a.s_addr);
	return 0;
}

static int parse_ip4_list(const char *s, uint32_t *out, unsigned int *n)
{
	gchar **v = g_strsplit(s, ",", -1);
	int r = 0;
	guint i;

	*n = 0;
	for (i = 0; v[i] && r == 0; i++) {
		if (*n == EMU_MAX_ADDRS)
			r = -E2BIG;
		else
			r = parse_ip4(v[i], &out[(*n)++]);
	}
	g_strfreev(v);
	return r;
}

/*
 * MCC or MNC digits (TS 23.003 2.2): a decimal string whose length counts, so
 * "042" is MNC 42 with three digits (QMI's PCS digit flag, TLV 0x27/0x29) and
 * "08" is MNC 8 with two. Not a C number: no octal, no hex.
 */
static int parse_plmn_digits(const char *s, size_t min, uint16_t *v, bool *three)
{
	size_t n = strlen(s), i;
	uint16_t x = 0;

	if (n < min || n > 3 || strspn(s, "0123456789") != n)
		return -EINVAL;
	for (i = 0; i < n; i++)
		x = (uint16_t)(x * 10 + (uint16_t)(s[i] - '0'));
	*v = x;
	if (three)
		*three = n == 3;
	return 0;
}

/* Applies "key=value" to the serving network; shared by the file and `serving`. */
/* "a,b": at most the two IPv6 DNS servers Get Current Settings has TLVs for. */
static int parse_ip6_list(const char *s, uint8_t out[2][16], unsigned int *n)
{
	gchar **parts = g_strsplit(s, ",", -1);
	int r = 0;

	for (*n = 0; parts[*n] && r == 0; (*n)++)
		if (*n == 2 || inet_pton(AF_INET6, parts[*n], out[*n]) != 1)
			r = -EINVAL;
	g_strfreev(parts);
	return r;
}

static int serving_set(struct emu_serving *s, const char *key, const char *val)
{
	static const struct {
		const char *name;
		uint8_t rat;
	} rats[] = { { "gsm", 0x04 }, { "umts", 0x05 }, { "lte", 0x08 }, { "nr", 0x0c } };
	static const struct {
		const char *name;
		uint8_t reg;
		bool roaming;
	} regs[] = { { "none", 0x00, false },
		     { "home", 0x01, false },
		     { "roaming", 0x01, true },
		     { "searching", 0x02, false },
		     { "denied", 0x03, false } };
	uint32_t x;
	size_t i;

	if (strcmp(key, "mcc") == 0)
		return parse_plmn_digits(val, 3, &s->mcc, NULL);
	if (strcmp(key, "mnc") == 0)
		return parse_plmn_digits(val, 2, &s->mnc, &s->mnc3);
	if (strcmp(key, "tac") == 0) {
		if (emu_parse_u32(val, 0xffff, &x) < 0)
			return -EINVAL;
		s->tac = (uint16_t)x;
		return 0;
	}
	if (strcmp(key, "cell") == 0)
		return emu_parse_u32(val, 0xfffffff, &s->cell); /* 28-bit E-UTRAN cell id */
	if (strcmp(key, "rat") == 0) {
		for (i = 0; i < G_N_ELEMENTS(rats); i++)
			if (strcmp(val, rats[i].name) == 0) {
				s->rat = rats[i].rat;
				return 0;
			}
		return -EINVAL;
	}
	if (strcmp(key, "reg") == 0) {
		for (i = 0; i < G_N_ELEMENTS(regs); i++)
			if (strcmp(val, regs[i].name) == 0) {
				s->reg = regs[i].reg;
				s->roaming = regs[i].roaming;
				return 0;
			}
		return -EINVAL;
	}
	return -ENOENT;
}

static int apn_set(struct emu_apn *a, const char *key, const char *val)
{
	uint32_t x;

	if (strcmp(key, "ip") == 0) {
		a->has_v4 = true;
		/* Held in host order, as the TLVs are built from it. */
		if (emu_parse_prefixed(val, AF_INET, &a->ip4, &a->prefix4) < 0)
			return -EINVAL;
		a->ip4 = ntohl(a->ip4);
		return 0;
	}
	if (strcmp(key, "gw") == 0)
		return parse_ip4(val, &a->gw4);
	if (strcmp(key, "dns") == 0)
		return parse_ip4_list(val, a->dns4, &a->n_dns4);
	if (strcmp(key, "pcscf") == 0)
		return parse_ip4_list(val, a->pcscf4, &a->n_pcscf4);
	if (strcmp(key, "ip6") == 0) {
		a->has_v6 = true;
		return emu_parse_prefixed(val, AF_INET6, a->ip6, &a->prefix6);
	}
	if (strcmp(key, "gw6") == 0)
		return inet_pton(AF_INET6, val, a->gw6) == 1 ? 0 : -EINVAL;
	if (strcmp(key, "dns6") == 0)
		return parse_ip6_list(val, a->dns6, &a->n_dns6);
	if (strcmp(key, "mtu") == 0)
		return emu_parse_u32(val, 65535, &a->mtu);
	if (strcmp(key, "auth") == 0) {
		if (strcmp(val, "none") == 0)
			a->auth = EMU_AUTH_NONE;
		else if (strcmp(val, "pap") == 0)
			a->auth = EMU_AUTH_PAP;
		else if (strcmp(val, "chap") == 0)
			a->auth = EMU_AUTH_CHAP;
		else
			return -EINVAL;
		return 0;
	}
	if (strcmp(key, "user") == 0)
		return g_strlcpy(a->user, val, sizeof(a->user)) < sizeof(a->user) ? 0 : -E2BIG;
	if (strcmp(key, "password") == 0)
		return g_strlcpy(a->password, val, sizeof(a->password)) < sizeof(a->password) ?
			       0 :
			       -E2BIG;
	if (strcmp(key, "reject") == 0) {
		if (emu_parse_u32(val, 255, &x) < 0 || x == 0)
			return -EINVAL;
		a->reject = x;
		return 0;
	}
	if (strcmp(key, "delay") == 0)
		return emu_parse_u32(val, 600000, &a->delay_ms);
	return -ENOENT;
}

/* Splits "key=value" words and applies them; reports the first bad one in @err. */
static int apply_words(gchar **w, bool serving, struct emu_serving *s, struct emu_apn *a, char *err,
		       size_t errlen)
{
	guint i;
	int r;

	for (i = 0; w[i]; i++) {
		char *eq = strchr(w[i], '=');

		if (!eq) {
			snprintf(err, errlen, "'%s' is not key=value", w[i]);
			return -EINVAL;
		}
		*eq = '\0';
		r = serving ? serving_set(s, w[i], eq + 1) : apn_set(a, w[i], eq + 1);
		if (r == -ENOENT) {
			snprintf(err, errlen, "unknown key '%s'", w[i]);
			return r;
		}
		if (r < 0) {
			snprintf(err, errlen, "bad value for '%s'", w[i]);
			return r;
		}
	}
	return 0;
}

/*
 * "data-format link-layer=raw-ip|802-3 aggregation=qmap|none": the format the
 * modem has at start, as when another client (the primary's) set it before.
 */
static int format_load(gchar **w, char *err, size_t errlen)
{
	guint i;

	for (i = 0; w[i]; i++) {
		if (strcmp(w[i], "link-layer=raw-ip") == 0) {
			emu.link_layer = 2;
		} else if (strcmp(w[i], "link-layer=802-3") == 0) {
			emu.link_layer = 1;
		} else if (strcmp(w[i], "aggregation=qmap") == 0) {
			emu.ul_aggregation = emu.dl_aggregation = 5;
		} else if (strcmp(w[i], "aggregation=none") == 0) {
			emu.ul_aggregation = emu.dl_aggregation = 0;
		} else {
			snprintf(err, errlen, "bad data-format word '%s'", w[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static int scenario_load(const char *path)
{
	gchar *text = NULL, **lines;
	GError *gerr = NULL;
	char err[128];
	guint i;
	int r = 0;

	if (!g_file_get_contents(path, &text, NULL, &gerr)) {
		fprintf(stderr, "qmi-emu: %s\n", gerr->message);
		g_error_free(gerr);
		return -ENOENT;
	}
	/* Defaults: registered at home on LTE in the test PLMN 001/01; a test IMEI. */
	g_strlcpy(emu.imei, "356938035643809", sizeof(emu.imei));
	emu.serving = (struct emu_serving){
		.mcc = 1, .mnc = 1, .tac = 1, .cell = 0x100, .rat = 0x08, .reg = 0x01
	};
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] && r == 0; i++) {
		gchar **w;
		char *hash = strchr(lines[i], '#');

		if (hash)
			*hash = '\0';
		w = g_strsplit_set(g_strstrip(lines[i]), " \t", -1);
		err[0] = '\0';
		if (!w[0] || !*w[0]) {
			g_strfreev(w);
			continue;
		}
		if (strcmp(w[0], "serving") == 0) {
			r = apply_words(w + 1, true, &emu.serving, NULL, err, sizeof(err));
		} else if (strcmp(w[0], "apn") == 0 && w[1] && *w[1]) {
			struct emu_apn *a = &emu.apns[emu.n_apns];

			if (emu.n_apns == EMU_MAX_APNS) {
				snprintf(err, sizeof(err), "more than %d APNs", EMU_MAX_APNS);
				r = -E2BIG;
			} else if (g_strlcpy(a->name, w[1], sizeof(a->name)) >= sizeof(a->name)) {
				snprintf(err, sizeof(err), "APN longer than 100 octets");
				r = -E2BIG;
			} else {
				r = apply_words(w + 2, false, NULL, a, err, sizeof(err));
				emu.n_apns++;
				if (r == 0 && !a->reject && !a->has_v4 && !a->has_v6) {
					snprintf(err, sizeof(err),
						 "APN %s has no ip= or ip6=", a->name);
					r = -EINVAL;
				}
			}
		} else if (strcmp(w[0], "data-format") == 0) {
			r = format_load(w + 1, err, sizeof(err));
		} else if (strcmp(w[0], "imei") == 0) {
			/* "imei DIGITS" (14-16) or "imei none" */
			if (!w[1] || w[2] ||
			    (strcmp(w[1], "none") != 0 &&
			     (strspn(w[1], "0123456789") != strlen(w[1]) || strlen(w[1]) < 14 ||
			      strlen(w[1]) > 16))) {
				snprintf(err, sizeof(err), "imei takes 14 to 16 digits or none");
				r = -EINVAL;
			} else {
				g_strlcpy(emu.imei, strcmp(w[1], "none") ? w[1] : "",
					  sizeof(emu.imei));
			}
		} else {
			snprintf(err, sizeof(err), "unknown statement '%s'", w[0]);
			r = -EINVAL;
		}
		if (r < 0)
			fprintf(stderr, "qmi-emu: %s:%u: %s\n", path, i + 1, err);
		g_strfreev(w);
	}
	g_strfreev(lines);
	g_free(text);
	return r;
}

static const struct emu_apn *apn_find(const char *name)
{
	size_t i;

	for (i = 0; i < emu.n_apns; i++)
		if (g_ascii_strcasecmp(emu.apns[i].name, name) == 0)
			return &emu.apns[i];
	return NULL;
}

/* ---- transport ---- */

static void conn_send(struct emu_conn *c, const uint8_t *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;

	if (c->fd < 0)
		return;
	if (emu.verbose) {
		gchar *hex = g_malloc(len * 3 + 1);
		size_t i;

		for (i = 0; i < len; i++)
			sprintf(hex + i * 3, "%02x ", buf[i]);
		emu_log("conn%u tx: %s", c->id, hex);
		g_free(hex);
	}
	/* Frames are small; the peer's socket buffer holds many of them. */
	while (off < len) {
		n = write(c->fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			fd_set w;

			FD_ZERO(&w);
			FD_SET(c->fd, &w);
			select(c->fd + 1, NULL, &w, NULL, NULL);
			continue;
		}
		if (n <= 0) {
			emu_log("conn%u: write failed: %s", c->id, g_strerror(errno));
			return;
		}
		off += (size_t)n;
	}
}

static void send_built(struct emu_conn *c, struct qmi_builder *b)
{
	int n = qmi_build_finish(b);

	if (n < 0) {
		emu_log("conn%u: reply too large, dropped", c->id);
		return;
	}
	conn_send(c, b->buf, (size_t)n);
}

static void reply_init(struct qmi_builder *b, uint8_t *buf, const struct qmi_msg *req)
{
	qmi_build_init(b, buf, EMU_REPLY_MAX, QMI_QMUX_FLAG_SERVICE, req->service, req->client,
		       req->service == QMI_SVC_CTL ? QMI_CTL_FLAG_RESPONSE : QMI_SVC_FLAG_RESPONSE,
		       req->tid, req->msg_id);
}

/* A response holding only the Result TLV: success or @error. */
static void reply_result(struct emu_conn *c, const struct qmi_msg *req, uint16_t error)
{
	uint8_t buf[EMU_REPLY_MAX];
	struct qmi_builder b;

	reply_init(&b, buf, req);
	qmi_build_result(&b, error);
	send_built(c, &b);
}

static struct emu_client *client_get(uint8_t service, uint8_t cid)
{
	return g_hash_table_lookup(emu.clients, GUINT_TO_POINTER((guint)service << 8 | cid));
}

static void indication_init(struct qmi_builder *b, uint8_t *buf, const struct emu_client *cl,
			    uint16_t msg_id)
{
	qmi_build_init(b, buf, EMU_REPLY_MAX, QMI_QMUX_FLAG_SERVICE, cl->service, cl->cid,
		       QMI_SVC_FLAG_INDICATION, 0, msg_id);
}

/* WDS Packet Service Status indication (0x0022) for a session that ended. */
static void session_end(struct emu_session *s, uint16_t end_reason, uint16_t cause, bool indicate)
{
	struct emu_client *cl = s->client;

	emu_log("session down: apn=%s handle=%u cid=%u cause=%u", s->apn->name, s->handle, cl->cid,
		cause);
	if (indicate && cl->conn) {
		uint8_t buf[EMU_REPLY_MAX];
		struct qmi_builder b;

		indication_init(&b, buf, cl, 0x0022);
		qmi_build_tlv_begin(&b, 0x01);
		qmi_build_put_u8(&b, 1); /* disconnected */
		qmi_build_put_u8(&b, 0);
		qmi_build_tlv_end(&b);
		qmi_build_u16(&b, 0x10, end_reason);
		if (cause) {
			qmi_build_tlv_begin(&b, 0x11);
			qmi_build_put_u16(&b, WDS_VERBOSE_TYPE_3GPP);
			qmi_build_put_u16(&b, cause);
			qmi_build_tlv_end(&b);
		}
		qmi_build_u8(&b, 0x12, s->ip_family);
		send_built(cl->conn, &b);
	}
	cl->session = NULL;
	g_free(s);
}

static void client_free(gpointer p)
{
	struct emu_client *cl = p;

	g_free(cl->session);
	g_free(cl);
}

static void delayed_free(struct emu_delayed *d)
{
	if (d->timer)
		g_source_remove(d->timer);
	g_free(d);
}

static void client_release(struct emu_client *cl)
{
	struct emu_conn *c = cl->conn;
	GList *l, *next;

	if (c) {
		for (l = c->delayed; l; l = next) {
			struct emu_delayed *d = l->data;

			next = l->next;
			if (d->client == cl) {
				c->delayed = g_list_delete_link(c->delayed, l);
				delayed_free(d);
			}
		}
	}
	if (cl->session)
		session_end(cl->session, WDS_CALL_END_CLIENT_END, 0, false);
	emu_log("client released: service=0x%02x cid=%u", cl->service, cl->cid);
	g_hash_table_remove(emu.clients, GUINT_TO_POINTER((guint)cl->service << 8 | cl->cid));
}

static void conn_close(struct emu_conn *c)
{
	GHashTableIter it;
	gpointer k, v;

	emu_log("conn%u: closed", c->id);
	g_list_free_full(c->delayed, (GDestroyNotify)delayed_free);
	c->delayed = NULL;
	/*
	 * As qmi-proxy does: clients a connection did not release stay
	 * allocated on the modem ("disowned"), data sessions stay up, and a
	 * later connection may use them by client id (qmicli --client-cid).
	 * libqmi qmi-proxy.c: untrack_client() -> disown_not_released_clients()
	 * on a client's disconnection, track_implicit_cid() "reowned" when
	 * another connection uses the id, untrack_cid() on its CTL Release CID.
	 * A killed mcmigd thus leaves its sessions up until the next one
	 * releases the ids it journaled (agent/reconcile.h).
	 */
	g_hash_table_iter_init(&it, emu.clients);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct emu_client *cl = v;

		if (cl->conn == c) {
			emu_log("client disowned: service=0x%02x cid=%u", cl->service, cl->cid);
			cl->conn = NULL;
		}
	}
	if (c->watch)
		g_source_remove(c->watch);
	close(c->fd);
	g_byte_array_unref(c->rx);
	emu.conns = g_list_remove(emu.conns, c);
	g_free(c);
}

/* ---- CTL ---- */

static void ctl_allocate(struct emu_conn *c, const struct qmi_msg *m)
{
	static const uint8_t services[] = { QMI_SVC_WDS, QMI_SVC_DMS, QMI_SVC_NAS, QMI_SVC_WDA };
	uint8_t buf[EMU_REPLY_MAX];
	struct qmi_builder b;
	struct emu_client *cl;
	uint8_t svc;
	unsigned int cid;

	if (qmi_tlv_u8(m, 0x01, &svc) < 0)
		return reply_result(c, m, QERR_MISSING_ARGUMENT);
	if (!memchr(services, svc, sizeof(services)))
		return reply_result(c, m, QERR_INVALID_SERVICE_TYPE);
	for (cid = 1; cid < 255 && client_get(svc, (uint8_t)cid); cid++)
		;
	if (cid == 255)
		return reply_result(c, m, QERR_CLIENT_IDS_EXHAUSTED);
	cl = g_new0(struct emu_client, 1);
	cl->service = svc;
	cl->cid = (uint8_t)cid;
	cl->conn = c;
	cl->serving_ind = true; /* Serving System indications are on by default */
	g_hash_table_insert(emu.clients, GUINT_TO_POINTER((guint)svc << 8 | cid), cl);
	emu_log("conn%u: client allocated: service=0x%02x cid=%u", c->id, svc, cid);
	reply_init(&b, buf, m);
	qmi_build_result(&b, 0);
	qmi_build_tlv_begin(&b, 0x01);
	qmi_build_put_u8(&b, svc);
	qmi_build_put_u8(&b, (uint8_t)cid);
	qmi_build_tlv_end(&b);
	send_built(c, &b);
}

static void ctl_release(struct emu_conn *c, const struct qmi_msg *m)
{
	uint8_t buf[EMU_REPLY_MAX];
	struct qmi_builder b;
	struct emu_client *cl;
	const uint8_t *v;
	uint16_t len;

	if (qmi_tlv_find(m, 0x01, &v, &len) < 0 || len != 2)
		return reply_result(c, m, QERR_MISSING_ARGUMENT);
	cl = client_get(v[0], v[1]);
	if (!cl || (cl->conn && cl->conn != c))
		return reply_result(c, m, QERR_INVALID_CLIENT_ID);
	cl->conn = c;
	client_release(cl);
	reply_init(&b, buf, m);
	qmi_build_result(&b, 0);
	qmi_build_tlv(&b, 0x01, v, 2);
	send_built(c, &b);
}

static void ctl_version_info(struct emu_conn *c, const struct qmi_msg *m)
{
	static const struct {
		uint8_t svc;
		uint16_t major, minor;
	} v[] = { { QMI_SVC_CTL, 1, 5 },
		  { QMI_SVC_WDS, 1, 67 },
		  { QMI_SVC_DMS, 1, 14 },
		  { QMI_SVC_NAS, 1, 25 },
		  { QMI_SVC_WDA, 1, 16 } };
	uint8_t buf[EMU_REPLY_MAX];
	struct qmi_builder b;
	size_t i;

	reply_init(&b, buf, m);
	qmi_build_result(&b, 0);
	qmi_build_tlv_begin(&b, 0x01);
	qmi_build_put_u8(&b, G_N_ELEMENTS(v));
	for (i = 0; i < G_N_ELEMENTS(v); i++) {
		qmi_build_put_u8(&b, v[i].svc);
		qmi_build_put_u16(&b, v[i].major);
		qmi_build_put_u16(&b, v[i].minor);
	}
	qmi_build_tlv_end(&b);
	send_built(c, &b);
}

static void handle_ctl(struct emu_conn *c, const struct qmi_msg *m)
{
	switch (m->msg_id) {
	case 0x0021:
		return ctl_version_info(c, m);
	case 0x0022:
		return ctl_allocate(c, m);
	case 0x0023:
		return ctl_release(c, m);
	case 0x0027: /* Sync */
		return reply_result(c, m, QERR_NONE);
	case 0xff00:
		return reply_result(c, m, c->proxy ? QERR_NONE : QERR_INVALID_QMI_COMMAND);
	}
	reply_result(c, m, QERR_INVALID_QMI_COMMAND);
}

/* ---- NAS ---- */

/*
 * Get Serving System response and Serving System indication carry the same
 * data under partly different TLV ids (libqmi data/qmi-service-nas.json).
 */
static void nas_serving_tlvs(struct qmi_builder *b, bool indication)
{
	const struct emu_serving *s = &emu.serving;
	bool registered = s->reg == 0x01;

	qmi_build_tlv_begin(b, 0x01);
	qmi_build_put_u8(b, s->reg);
	qmi_build_put_u8(b, registered ? 1 : 2); /* CS attach: attached / detached */
	qmi_build_put_u8(b, registered ? 1 : 2); /* PS attach */
	qmi_build_put_u8(b, 0x02);		 /* selected network: 3GPP */
	qmi_build_put_u8(b, registered ? 1 : 0);
	if (registered)
		qmi_build_put_u8(b, s->rat);
	qmi_build_tlv_end(b);
	if (!registered)
		return;
	qmi_build_u8(b, 0x10, s->roaming ? 0x00 : 0x01);
	qmi_build_tlv_begin(b, 0x12);
	qmi_build_put_u16(b, s->mcc);
	qmi_build_put_u16(b, s->mnc);
	qmi_build_put_u8(b, 0); /* empty description */
	qmi_build_tlv_end(b);
	qmi_build_u32(b, indication ? 0x1e : 0x1d, s->cell);
	if (s->rat == 0x08 || s->rat == 0x0c)
		qmi_build_u16(b, indication ? 0x25 : 0x24, s->tac);
	qmi_build_tlv_begin(b, indication ? 0x29 : 0x27);
	qmi_build_put_u16(b, s->mcc);
	qmi_build_put_u16(b, s->mnc);
	qmi_build_put_u8(b, s->mnc3);
	qmi_build_tlv_end(b);
}

static void nas_indicate_serving(void)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, emu.clients);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct emu_client *cl = v;
		uint8_t buf[EMU_REPLY_MAX];
		struct qmi_builder b;

		if (cl->service != QMI_SVC_NAS || !cl->serving_ind || !cl->conn)
			continue;
		indication_init(&b, buf, cl, 0x0024);
		nas_serving_tlvs(&b, true);
		send_built(cl->conn, &b);
	}
}

static void handle_nas(struct emu_conn *c, struct emu_client *cl, const struct qmi_msg *m)
{
	uint8_t buf[EMU_REPLY_MAX];
	struct qmi_builder b;
	uint8_t on;

	switch (m->msg_id) {
	case 0x0003: /* Register Indications */
		if (qmi_tlv_u8(m, 0x13, &on) == 0)
			cl->serving_ind = on;
		return reply_result(c, m, QERR_NONE);
	case 0x0024: /* Get Serving System */
		reply_init(&b, buf, m);
		qmi_build_result(&b, 0);
		nas_serving_tlvs(&b, false);
		return send_built(c, &b);
	}
	reply_result(c, m, QERR_INVALID_QMI_COMMAND);
}

/* ---- DMS ---- */

static void handle_dms(struct emu_conn *c, const struct qmi_msg *m)
{
	uint8_t buf[EMU_REPLY_MAX];
	struct qmi_builder b;

	switch (m->msg_id) {
	case 0x0025: /* Get IDs: TLV 0x11 IMEI (libqmi's qmi-service-dms.json) */
		reply_init(&b, buf, m);
		qmi_build_result(&b, 0);
		if (emu.imei[0])
			qmi_build_str(&b, 0x11, emu.imei);
		return send_built(c, &b);
	}
	reply_result(c, m, QERR_INVALID_QMI_COMMAND);
}

/* ---- WDA ---- */

static const char *format_str(void)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "link-layer=%s aggregation=%s",
		 emu.link_layer == 2 ? "raw-ip" : "802-3",
		 emu.ul_aggregation == 5 && emu.dl_aggregation == 5 ? "qmap" :
		 !emu.ul_aggregation && !emu.dl_aggregation	    ? "none" :
								      "mixed");
	return buf;
}

/*
 * The data format is one per data port: every session's packets are framed
 * by it. A change while sessions are up cuts their data path, which the
 * emulator makes visible by ending them (with an indication), so that a test
 * sees a client that disturbs another's PDN.
 */
static void format_change(uint32_t ll, uint32_t ul, uint32_t dl)
{
	GHashTableIter it;
	gpointer k, v;

	if (ll == emu.link_layer && ul == emu.ul_aggregation && dl == emu.dl_aggregation) {
		emu_log("data format: %s (unchanged)", format_str());
		return;
	}
	emu.link_layer = ll;
	emu.ul_aggregation = ul;
	emu.dl_aggregation = dl;
	emu_log("data format: %s", format_str());
	g_hash_table_iter_init(&it, emu.clients);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct emu_client *cl = v;

		if (cl->session) {
			emu_log("data format changed under session handle=%u mux=%u: cut",
				cl->session->handle, cl->mux_id);
			session_end(cl->session, WDS_CALL_END_UNSPECIFIED, 0, true);
		}
	}
}

static void handle_wda(struct emu_conn *c, const struct qmi_msg *m)
{
	uint8_t buf[EMU_REPLY_MAX];
	struct qmi_builder b;
	uint32_t ll, ul, dl;

	switch (m->msg_id) {
	case 0x0020: /* Set Data Format */
		if (qmi_tlv_u32(m, 0x11, &ll) == 0 && ll != 1 && ll != 2)
			return reply_result(c, m, QERR_INVALID_ARGUMENT);
		if (qmi_tlv_u32(m, 0x11, &ll) < 0)
			ll = emu.link_layer;
		/* An aggregation TLV left out means none, as on the modems we know. */
		if (qmi_tlv_u32(m, 0x12, &ul) < 0)
			ul = 0;
		if (qmi_tlv_u32(m, 0x13, &dl) < 0)
			dl = 0;
		format_change(ll, ul, dl);
		/* fallthrough */
	case 0x0021: /* Get Data Format */
		reply_init(&b, buf, m);
		qmi_build_result(&b, 0);
		qmi_build_u8(&b, 0x10, 0);
		qmi_build_u32(&b, 0x11, emu.link_layer);
		qmi_build_u32(&b, 0x12, emu.ul_aggregation);
		qmi_build_u32(&b, 0x13, emu.dl_aggregation);
		return send_built(c, &b);
	}
	reply_result(c, m, QERR_INVALID_QMI_COMMAND);
}

/* ---- WDS ---- */

static void start_network_fail(struct emu_conn *c, uint16_t tid, uint8_t cid, uint16_t cause)
{
	uint8_t buf[EMU_REPLY_MAX];
	struct qmi_builder b;

	qmi_build_init(&b, buf, sizeof(buf), QMI_QMUX_FLAG_SERVICE, QMI_SVC_WDS, cid,
		       QMI_SVC_FLAG_RESPONSE, tid, 0x0020);
	qmi_build_result(&b, QERR_CALL_FAILED);
	qmi_build_u16(&b, 0x10,
		      cause == CAUSE_AUTH_FAILED ? WDS_CALL_END_AUTH_FAILED :
						   WDS_CALL_END_UNSPECIFIED);
	qmi_build_tlv_begin(&b, 0x11);
	qmi_build_put_u16(&b, WDS_VERBOSE_TYPE_3GPP);
	qmi_build_put_u16(&b, cause);
	qmi_build_tlv_end(&b);
	send_built(c, &b);
}

static void start_network_ok(struct emu_conn *c, uint16_t tid, struct emu_client *cl,
			     const struct emu_apn *apn, uint8_t ip_family)
{
	uint8_t buf[EMU_REPLY_MAX];
	struct qmi_builder b;
	struct emu_session *s;

	s = g_new0(struct emu_session, 1);
	s->apn = apn;
	s->client = cl;
	s->handle = emu.next_handle++;
	s->ip_family = ip_family;
	cl->session = s;
	emu_log("session up: apn=%s handle=%u cid=%u mux=%u ip-family=%u", apn->name, s->handle,
		cl->cid, cl->mux_id, ip_family);
	qmi_build_init(&b, buf, sizeof(buf), QMI_QMUX_FLAG_SERVICE, QMI_SVC_WDS, cl->cid,
		       QMI_SVC_FLAG_RESPONSE, tid, 0x0020);
	qmi_build_result(&b, 0);
	qmi_build_u32(&b, 0x01, s->handle);
	send_built(c, &b);
}

static gboolean start_network_delayed(gpointer data)
{
	struct emu_delayed *d = data;
	struct emu_conn *c = d->conn;

	d->timer = 0;
	c->delayed = g_list_remove(c->delayed, d);
	if (d->apn->reject)
		start_network_fail(c, d->tid, d->client->cid, (uint16_t)d->apn->reject);
	else
		start_network_ok(c, d->tid, d->client, d->apn, d->ip_family);
	g_free(d);
	return G_SOURCE_REMOVE;
}

/* TS 24.301 6.5.1.4: a PDN connectivity request for an unknown APN gets ESM cause #27. */
static void wds_start_network(struct emu_conn *c, struct emu_client *cl, const struct qmi_msg *m)
{
	char apn_name[EMU_NAME_MAX] = "", user[EMU_CRED_MAX] = "", pass[EMU_CRED_MAX] = "";
	const struct emu_apn *apn;
	uint8_t auth = 0, fam = 4;
	uint16_t cause = 0;
	int r;

	if (cl->session)
		return reply_result(c, m, QERR_NO_EFFECT);
	r = qmi_tlv_str(m, 0x14, apn_name, sizeof(apn_name));
	if (r == 0 || r == -ENOENT)
		r = qmi_tlv_str(m, 0x17, user, sizeof(user));
	if (r == 0 || r == -ENOENT)
		r = qmi_tlv_str(m, 0x18, pass, sizeof(pass));
	if (r == 0 || r == -ENOENT)
		r = qmi_tlv_u8(m, 0x16, &auth);
	if (r == 0 || r == -ENOENT)
		r = qmi_tlv_u8(m, 0x19, &fam);
	if (r < 0 && r != -ENOENT) {
		emu_log("conn%u: start network: malformed TLV (%s)", c->id, g_strerror(-r));
		reply_result(c, m, QERR_MALFORMED);
		goto out;
	}
	emu_log("conn%u: start network: cid=%u apn=%s auth=0x%x user=%s password=<%zu bytes> "
		"ip-family=%u",
		c->id, cl->cid, apn_name, auth, user, strlen(pass), fam);
	apn = apn_find(apn_name);
	if (!apn) {
		cause = CAUSE_UNKNOWN_APN;
	} else if (apn->auth != EMU_AUTH_NONE) {
		/* Auth preference bitmap: bit 0 PAP, bit 1 CHAP (QmiWdsAuthentication). */
		bool offered = auth & (apn->auth == EMU_AUTH_PAP ? 0x01 : 0x02);

		if (!offered || strcmp(user, apn->user) != 0 || strcmp(pass, apn->password) != 0)
			cause = CAUSE_AUTH_FAILED;
	}
	if (!cause && apn && !apn->reject) {
		if (fam == 6 && !apn->has_v6)
			cause = CAUSE_PDN_IPV4_ONLY;
		else if (fam == 4 && !apn->has_v4)
			cause = CAUSE_PDN_IPV6_ONLY;
	}
	if (cause) {
		start_network_fail(c, m->tid, cl->cid, cause);
		goto out;
	}
	if (fam != 4 && fam != 6)
		fam = apn->has_v4 ? 4 : 6;
	if (apn->delay_ms) {
		struct emu_delayed *d = g_new0(struct emu_delayed, 1);

		d->conn = c;
		d->client = cl;
		d->apn = apn;
		d->ip_family = fam;
		d->tid = m->tid;
		d->timer = g_timeout_add(apn->delay_ms, start_network_delayed, d);
		c->delayed = g_list_prepend(c->delayed, d);
		emu_log("conn%u: start network: answering in %u ms", c->id, apn->delay_ms);
		goto out;
	}
	if (apn->reject)
		start_network_fail(c, m->tid, cl->cid, (uint16_t)apn->reject);
	else
		start_network_ok(c, m->tid, cl, apn, fam);
out:
	explicit_bzero(pass, sizeof(pass));
}

static void wds_stop_network(struct emu_conn *c, struct emu_client *cl, const struct qmi_msg *m)
{
	uint32_t handle;

	if (qmi_tlv_u32(m, 0x01, &handle) < 0)
		return reply_result(c, m, QERR_MISSING_ARGUMENT);
	if (!cl->session || cl->session->handle != handle)
		return reply_result(c, m, QERR_INVALID_HANDLE);
	reply_result(c, m, QERR_NONE);
	session_end(cl->session, WDS_CALL_END_CLIENT_END, 0, true);
}

static void put_ip6(struct qmi_builder *b, uint8_t type, const uint8_t *a, int prefix)
{
	qmi_build_tlv_begin(b, type);
	qmi_build_raw(b, a, 16); /* eight u16 in network byte order */
	if (prefix >= 0)
		qmi_build_put_u8(b, (uint8_t)prefix);
	qmi_build_tlv_end(b);
}

static void wds_current_settings(struct emu_conn *c, struct emu_client *cl, const struct qmi_msg *m)
{
	const struct emu_session *s = cl->session;
	const struct emu_apn *a;
	uint8_t buf[EMU_REPLY_MAX];
	struct qmi_builder b;
	unsigned int i;

	if (!s)
		return reply_result(c, m, QERR_OUT_OF_CALL);
	a = s->apn;
	reply_init(&b, buf, m);
	qmi_build_result(&b, 0);
	qmi_build_str(&b, 0x14, a->name);
	if (s->ip_family == 4) {
		if (a->n_dns4 > 0)
			qmi_build_u32(&b, 0x15, a->dns4[0]);
		if (a->n_dns4 > 1)
			qmi_build_u32(&b, 0x16, a->dns4[1]);
		qmi_build_u32(&b, 0x1e, a->ip4);
		qmi_build_u32(&b, 0x20, a->gw4);
		qmi_build_u32(&b, 0x21, a->prefix4 ? 0xffffffffu << (32 - a->prefix4) : 0);
		if (a->n_pcscf4) {
			qmi_build_u8(&b, 0x22, 1);
			qmi_build_tlv_begin(&b, 0x23);
			qmi_build_put_u8(&b, (uint8_t)a->n_pcscf4);
			for (i = 0; i < a->n_pcscf4; i++)
				qmi_build_put_u32(&b, a->pcscf4[i]);
			qmi_build_tlv_end(&b);
		}
	} else {
		put_ip6(&b, 0x25, a->ip6, (int)a->prefix6);
		put_ip6(&b, 0x26, a->gw6, (int)a->prefix6);
		/* Primary and secondary IPv6 DNS server (TLVs 0x27, 0x28). */
		for (i = 0; i < a->n_dns6; i++)
			put_ip6(&b, (uint8_t)(0x27 + i), a->dns6[i], -1);
	}
	if (a->mtu)
		qmi_build_u32(&b, 0x29, a->mtu);
	qmi_build_u8(&b, 0x2b, s->ip_family);
	send_built(c, &b);
}

/*
 * WDS Abort (0x0002): libqmi sends it when a Start Network times out or is
 * cancelled; the pending answer is dropped and no session comes up.
 */
static void wds_abort(struct emu_conn *c, struct emu_client *cl, const struct qmi_msg *m)
{
	uint16_t tid;
	GList *l;

	if (qmi_tlv_u16(m, 0x01, &tid) < 0)
		return reply_result(c, m, QERR_MISSING_ARGUMENT);
	for (l = c->delayed; l; l = l->next) {
		struct emu_delayed *d = l->data;

		if (d->client == cl && d->tid == tid) {
			c->delayed = g_list_delete_link(c->delayed, l);
			delayed_free(d);
			emu_log("conn%u: start network tid=%u aborted", c->id, tid);
			return reply_result(c, m, QERR_NONE);
		}
	}
	reply_result(c, m, QERR_INVALID_TRANSACTION_ID);
}

static void handle_wds(struct emu_conn *c, struct emu_client *cl, const struct qmi_msg *m)
{
	uint8_t buf[EMU_REPLY_MAX];
	struct qmi_builder b;
	const uint8_t *ep;
	uint16_t ep_len;
	uint8_t mux;

	switch (m->msg_id) {
	case 0x0002:
		return wds_abort(c, cl, m);
	case 0x0020:
		return wds_start_network(c, cl, m);
	case 0x0021:
		return wds_stop_network(c, cl, m);
	case 0x0022: /* Get Packet Service Status */
		reply_init(&b, buf, m);
		qmi_build_result(&b, 0);
		qmi_build_u8(&b, 0x01, cl->session ? 2 : 1);
		return send_built(c, &b);
	case 0x002d:
		return wds_current_settings(c, cl, m);
	case 0x00a2: /* Bind Mux Data Port */
		if (qmi_tlv_u8(m, 0x11, &mux) < 0)
			return reply_result(c, m, QERR_MISSING_ARGUMENT);
		cl->mux_id = mux;
		emu_log("conn%u: cid=%u bound to mux id %u", c->id, cl->cid, mux);
		/* TLV 0x10: the data endpoint (type, interface number), when given. */
		if (qmi_tlv_find(m, 0x10, &ep, &ep_len) == 0 && ep_len == 8)
			emu_log("conn%u: cid=%u endpoint type %u interface %u", c->id, cl->cid,
				ep[0] | ep[1] << 8 | ep[2] << 16 | (unsigned int)ep[3] << 24,
				ep[4] | ep[5] << 8 | ep[6] << 16 | (unsigned int)ep[7] << 24);
		return reply_result(c, m, QERR_NONE);
	}
	reply_result(c, m, QERR_INVALID_QMI_COMMAND);
}

static void handle_msg(struct emu_conn *c, const uint8_t *frame, size_t len)
{
	struct emu_client *cl;
	struct qmi_msg m;

	if (qmi_msg_parse(frame, len, &m) < 0) {
		emu_log("conn%u: malformed QMI frame (%zu bytes) ignored", c->id, len);
		return;
	}
	if (emu.verbose && !(m.service == QMI_SVC_WDS && m.msg_id == 0x0020)) {
		gchar *hex = g_malloc(len * 3 + 1);
		size_t i;

		for (i = 0; i < len; i++)
			sprintf(hex + i * 3, "%02x ", frame[i]);
		emu_log("conn%u rx: %s", c->id, hex);
		g_free(hex);
	}
	emu_log("conn%u: request service=0x%02x cid=%u msg=0x%04x tid=%u", c->id, m.service,
		m.client, m.msg_id, m.tid);
	if (qmi_msg_is_response(&m) || qmi_msg_is_indication(&m))
		return;
	if (c->proxy && !c->opened) {
		if (m.service != QMI_SVC_CTL || m.msg_id != 0xff00) {
			emu_log("conn%u: first message is not Internal Proxy Open", c->id);
			return;
		}
		c->opened = true;
	}
	if (m.service == QMI_SVC_CTL)
		return handle_ctl(c, &m);
	cl = client_get(m.service, m.client);
	if (cl && !cl->conn) {
		emu_log("conn%u: adopts disowned client service=0x%02x cid=%u", c->id, cl->service,
			cl->cid);
		cl->conn = c;
	}
	if (!cl || cl->conn != c)
		return reply_result(c, &m, QERR_INVALID_CLIENT_ID);
	switch (m.service) {
	case QMI_SVC_WDS:
		return handle_wds(c, cl, &m);
	case QMI_SVC_NAS:
		return handle_nas(c, cl, &m);
	case QMI_SVC_WDA:
		return handle_wda(c, &m);
	case QMI_SVC_DMS:
		return handle_dms(c, &m);
	}
	reply_result(c, &m, QERR_INVALID_QMI_COMMAND);
}

static gboolean conn_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct emu_conn *c = data;
	uint8_t buf[4096];
	size_t flen;
	ssize_t n;
	int r;

	n = read(fd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return G_SOURCE_CONTINUE;
	if (n <= 0) {
		c->watch = 0;
		conn_close(c);
		return G_SOURCE_REMOVE;
	}
	g_byte_array_append(c->rx, buf, (guint)n);
	while ((r = qmi_frame_len(c->rx->data, c->rx->len, &flen)) == 0) {
		handle_msg(c, c->rx->data, flen);
		g_byte_array_remove_range(c->rx, 0, (guint)flen);
	}
	if (r == -EBADMSG) {
		/* Resynchronise on the next marker, as libqmi does. */
		emu_log("conn%u: garbage before QMUX marker dropped", c->id);
		g_byte_array_set_size(c->rx, 0);
	}
	return G_SOURCE_CONTINUE;
}

static struct emu_conn *conn_new(int fd, bool proxy)
{
	struct emu_conn *c = g_new0(struct emu_conn, 1);

	c->id = ++emu.next_conn_id;
	c->fd = fd;
	c->proxy = proxy;
	c->rx = g_byte_array_new();
	c->watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, conn_readable, c);
	emu.conns = g_list_append(emu.conns, c);
	return c;
}

static gboolean listen_ready(gint fd, GIOCondition cond, gpointer data)
{
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (c < 0)
		return G_SOURCE_CONTINUE;
	if (emu.vanished) {
		/* The device is gone: like qmi-proxy failing to open it. */
		close(c);
		return G_SOURCE_CONTINUE;
	}
	emu_log("conn%u: accepted", conn_new(c, true)->id);
	return G_SOURCE_CONTINUE;
}

/* ---- control interface ---- */

static void vanish(void)
{
	emu.vanished = true;
	while (emu.conns)
		conn_close(emu.conns->data);
	g_hash_table_remove_all(emu.clients);
	if (emu.pty_slave >= 0) {
		close(emu.pty_slave);
		emu.pty_slave = -1;
	}
	emu_log("vanished: all clients closed, no more answers");
}

static int ctl_drop(gchar **w, GString *out)
{
	GHashTableIter it;
	gpointer k, v;
	uint32_t cause = CAUSE_REGULAR_DEACT;

	if (!w[0])
		return -EINVAL;
	if (w[1] && (!g_str_has_prefix(w[1], "cause=") || emu_parse_u32(w[1] + 6, 255, &cause) < 0))
		return -EINVAL;
	g_hash_table_iter_init(&it, emu.clients);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct emu_client *cl = v;

		if (cl->session && g_ascii_strcasecmp(cl->session->apn->name, w[0]) == 0) {
			g_string_append_printf(out, "dropped handle %u\n", cl->session->handle);
			/* Network-initiated deactivation, TS 24.301 6.4.4.2. */
			session_end(cl->session, WDS_CALL_END_RELEASE_NORMAL, (uint16_t)cause,
				    true);
			return 0;
		}
	}
	return -ENOENT;
}

static void ctl_status(GString *out)
{
	GHashTableIter it;
	gpointer k, v;

	g_string_append_printf(out, "serving mcc=%03u mnc=%0*u tac=%u cell=%u\n", emu.serving.mcc,
			       emu.serving.mnc3 ? 3 : 2, emu.serving.mnc, emu.serving.tac,
			       emu.serving.cell);
	g_string_append_printf(out, "data-format %s\n", format_str());
	g_hash_table_iter_init(&it, emu.clients);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct emu_client *cl = v;

		g_string_append_printf(out, "client service=0x%02x cid=%u mux=%u\n", cl->service,
				       cl->cid, cl->mux_id);
		if (cl->session)
			g_string_append_printf(out, "session apn=%s handle=%u cid=%u mux=%u\n",
					       cl->session->apn->name, cl->session->handle, cl->cid,
					       cl->mux_id);
	}
}

static void control_exec(const char *line, GString *out)
{
	gchar **w = g_strsplit_set(line, " \t", -1);
	char err[128] = "";
	int r = -EINVAL;

	if (!w[0] || !*w[0]) {
		snprintf(err, sizeof(err), "empty command");
	} else if (strcmp(w[0], "drop") == 0) {
		r = ctl_drop(w + 1, out);
		if (r == -ENOENT)
			snprintf(err, sizeof(err), "no session on APN %s", w[1]);
		else if (r < 0)
			snprintf(err, sizeof(err), "usage: drop APN [cause=N]");
	} else if (strcmp(w[0], "serving") == 0) {
		struct emu_serving s = emu.serving;

		r = apply_words(w + 1, true, &s, NULL, err, sizeof(err));
		if (r == 0) {
			emu.serving = s;
			nas_indicate_serving();
		}
	} else if (strcmp(w[0], "vanish") == 0) {
		vanish();
		r = 0;
	} else if (strcmp(w[0], "status") == 0) {
		ctl_status(out);
		r = 0;
	} else {
		snprintf(err, sizeof(err), "unknown command '%s'", w[0]);
	}
	emu_log("control: %s -> %s", line, r == 0 ? "ok" : err);
	g_string_append_printf(out, r == 0 ? "ok\n" : "error: %s\n", err);
	g_strfreev(w);
}

static gboolean control_ready(gint fd, GIOCondition cond, gpointer data)
{
	struct timeval tv = { .tv_sec = 2 };
	char line[512];
	GString *out;
	size_t len = 0;
	ssize_t n;
	int c;

	c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return G_SOURCE_CONTINUE;
	/* The controller writes one line at once; bound the wait anyway. */
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (len < sizeof(line) - 1 && (n = read(c, line + len, sizeof(line) - 1 - len)) > 0) {
		len += (size_t)n;
		if (memchr(line, '\n', len))
			break;
	}
	line[len] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	out = g_string_new(NULL);
	control_exec(line, out);
	if (write(c, out->str, out->len) < 0)
		emu_log("control: reply lost: %s", g_strerror(errno));
	g_string_free(out, TRUE);
	close(c);
	return G_SOURCE_CONTINUE;
}

static int listen_path(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* `qmi-emu ctl PATH WORDS...`: sends one command, prints the answer. */
static int ctl_client(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	gchar *line;
	char buf[4096];
	GString *reply;
	ssize_t n;
	int fd, i, ok;

	if (argc < 2) {
		fprintf(stderr, "usage: qmi-emu ctl PATH COMMAND [ARG...]\n");
		return 2;
	}
	if (strlen(argv[0]) >= sizeof(sa.sun_path))
		return 2;
	strcpy(sa.sun_path, argv[0]);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "qmi-emu ctl: %s: %s\n", argv[0], g_strerror(errno));
		return 1;
	}
	line = g_strjoinv(" ", argv + 1);
	for (i = 0; line[i]; i++)
		if (line[i] == '\n')
			line[i] = ' ';
	if (write(fd, line, strlen(line)) < 0 || write(fd, "\n", 1) < 0) {
		fprintf(stderr, "qmi-emu ctl: %s\n", g_strerror(errno));
		g_free(line);
		return 1;
	}
	g_free(line);
	shutdown(fd, SHUT_WR);
	reply = g_string_new(NULL);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		g_string_append_len(reply, buf, n);
	close(fd);
	fputs(reply->str, stdout);
	ok = g_str_has_suffix(reply->str, "ok\n");
	g_string_free(reply, TRUE);
	return ok ? 0 : 1;
}

static gboolean on_term(gpointer data)
{
	g_main_loop_quit(emu.loop);
	return G_SOURCE_REMOVE;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: qmi-emu --scenario FILE (--socket NAME | --pty LINK) [--control PATH] "
		"[--verbose]\n"
		"       qmi-emu ctl PATH drop APN [cause=N] | serving KEY=VALUE... | vanish | "
		"status\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "pty", required_argument, NULL, 'p' },
		{ "control", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *scenario = NULL, *sock = NULL, *pty = NULL;
	int o, fd;

	/* A client that goes away mid-answer is a log line, not our death. */
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1 && strcmp(argv[1], "ctl") == 0)
		return ctl_client(argc - 2, argv + 2);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
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
			emu.control_path = optarg;
			break;
		case 'v':
			emu.verbose = true;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (!scenario || !sock == !pty || optind != argc) {
		usage();
		return 2;
	}
	emu.listen_fd = emu.pty_slave = emu.control_fd = -1;
	emu.next_handle = 0x1000;
	emu.link_layer = 1;
	emu.clients = g_hash_table_new_full(NULL, NULL, NULL, client_free);
	if (scenario_load(scenario) < 0)
		return 2;
	emu.loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, on_term, NULL);
	g_unix_signal_add(SIGINT, on_term, NULL);
	if (emu.control_path) {
		emu.control_fd = listen_path(emu.control_path);
		if (emu.control_fd < 0) {
			fprintf(stderr, "qmi-emu: control %s: %s\n", emu.control_path,
				g_strerror(-emu.control_fd));
			return 1;
		}
		emu.control_watch = g_unix_fd_add(emu.control_fd, G_IO_IN, control_ready, NULL);
	}
	if (sock) {
		fd = emu_listen_abstract(sock, SOCK_NONBLOCK);
		if (fd < 0) {
			fprintf(stderr, "qmi-emu: @%s: %s\n", sock, g_strerror(-fd));
			return 1;
		}
		emu.listen_fd = fd;
		emu.listen_watch = g_unix_fd_add(fd, G_IO_IN, listen_ready, NULL);
		emu_log("listening on @%s", sock);
	} else {
		fd = emu_open_pty(pty, &emu.pty_slave);
		if (fd < 0) {
			fprintf(stderr, "qmi-emu: pty: %s\n", g_strerror(-fd));
			return 1;
		}
		g_unix_set_fd_nonblocking(fd, TRUE, NULL);
		emu_log("pty %s linked at %s", ptsname(fd), pty);
		conn_new(fd, false);
		emu_log("listening on %s", pty);
	}
	g_main_loop_run(emu.loop);
	while (emu.conns)
		conn_close(emu.conns->data);
	if (emu.control_path)
		unlink(emu.control_path);
	if (pty)
		unlink(pty);
	g_hash_table_destroy(emu.clients);
	g_main_loop_unref(emu.loop);
	explicit_bzero(emu.apns, sizeof(emu.apns));
	return 0;
}
