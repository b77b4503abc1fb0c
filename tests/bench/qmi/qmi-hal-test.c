// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qmi-hal-test: drives modem_qmi_ops (hal/modem-qmi.c, on the real libqmi)
 * against qmi-emu and prints one "ok - ..." or "FAIL - ..." line per check.
 *
 *   qmi-hal-test --device PATH --proxy NAME --netdev LIST --control PATH suite
 *   qmi-hal-test --device PATH --proxy NAME hang APN
 *   qmi-hal-test --device PATH --proxy NAME --netdev NAME --mux-id N --shared
 *                --control PATH [--during CMD] [--link-parent NAME] migrate APN
 *   qmi-hal-test --device PATH --proxy NAME [--mux-id N] --shared refused
 *
 * "suite" runs the scenario of tests/integration/modem-qmi.sh and triggers
 * network-side events through the emulator's control socket. "hang" connects
 * APN (which the emulator answers slowly) and expects a clean error within a
 * bounded time once the test kills the emulator. "migrate" brings APN up
 * and down twice (a migration and a return, then again) on a modem shared
 * with a primary PDN, running CMD (a shell command; its status is a check)
 * while APN is up; with --link-parent the backend makes and removes a
 * qmi_wwan mux link on NAME through a recording netdev backend. "refused" expects open to refuse to change the data format.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib.h>

#include "modem.h"
#include "netdev.h"
#include "util.h"

static int failures;
static const char *control_path;

static void check(bool ok, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf(ok ? "ok - " : "FAIL - ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

/*
 * A netdev backend that only records the mux links asked for: the bench has
 * neither qmi_wwan nor rmnet (netdev_linux_ops' own link code is unit-tested
 * in test_netdev against a sysfs tree of its own).
 */
static struct {
	int adds, dels;
	int answer; /* what link_add says */
	struct netdev_link last;
	char name[MODEM_IFNAME_MAX], parent[MODEM_IFNAME_MAX];
} links;

static int fake_link_add(const struct netdev_link *l)
{
	links.adds++;
	links.last = *l;
	g_strlcpy(links.name, l->name, sizeof(links.name));
	g_strlcpy(links.parent, l->parent, sizeof(links.parent));
	return links.answer;
}

static int fake_link_del(const struct netdev_link *l)
{
	links.dels++;
	check(strcmp(l->name, links.name) == 0 && l->mux_id == links.last.mux_id,
	      "the link removed is the one made (%s mux id %u)", l->name, l->mux_id);
	return 0;
}

static const struct netdev_ops fake_netdev_ops = {
	.name = "fake",
	.link_add = fake_link_add,
	.link_del = fake_link_del,
};

/* ---- results and events ---- */

struct result {
	int calls;
	int err;
	char reason[MODEM_REASON_MAX];
	modem_pdn_id id;
	struct modem_pdn_settings settings;
	struct modem_serving serving;
	char imei[MODEM_IMEI_MAX];
	gint64 at;
};

struct events {
	int serving_calls;
	struct modem_serving serving;
	int dropped_calls;
	modem_pdn_id dropped_id;
	int dropped_err;
	char dropped_reason[MODEM_REASON_MAX];
	int vanished_calls;
	gint64 dropped_at, serving_at, vanished_at;
	size_t own_clients;		 /* in the last MODEM_HANDLES_OWN report */
	char pdn_link[MODEM_IFNAME_MAX]; /* the link in a PDN's last report, "" none */
};

static bool in_call; /* set around every ops call: callbacks must not see it */

static void note(struct result *r, int err, const char *reason)
{
	if (in_call)
		check(false, "callback invoked from inside the call");
	r->calls++;
	r->err = err;
	r->at = g_get_monotonic_time();
	g_strlcpy(r->reason, reason ? reason : "", sizeof(r->reason));
}

static void done_cb(int err, const char *reason, void *user_data)
{
	note(user_data, err, reason);
}

static void serving_cb(int err, const char *reason, const struct modem_serving *s, void *user_data)
{
	struct result *r = user_data;

	note(r, err, reason);
	if (s)
		r->serving = *s;
}

static void imei_cb(int err, const char *reason, const char *imei, void *user_data)
{
	struct result *r = user_data;

	note(r, err, reason);
	if (imei)
		g_strlcpy(r->imei, imei, sizeof(r->imei));
}

static void connect_cb(int err, const char *reason, modem_pdn_id id,
		       const struct modem_pdn_settings *s, void *user_data)
{
	struct result *r = user_data;

	note(r, err, reason);
	r->id = id;
	if (s)
		r->settings = *s;
}

static void ev_serving(const struct modem_serving *s, void *user_data)
{
	struct events *e = user_data;

	e->serving_calls++;
	e->serving = *s;
	e->serving_at = g_get_monotonic_time();
}

/* What the daemon would journal (issue 12). */
static void ev_handles(modem_pdn_id id, const struct modem_handles *h, void *user_data)
{
	struct events *e = user_data;

	if (id == MODEM_HANDLES_OWN)
		e->own_clients = h ? h->n_client : 0;
	else
		g_strlcpy(e->pdn_link, h ? h->link : "", sizeof(e->pdn_link));
}

static void ev_dropped(modem_pdn_id id, int err, const char *reason, void *user_data)
{
	struct events *e = user_data;

	e->dropped_calls++;
	e->dropped_id = id;
	e->dropped_err = err;
	e->dropped_at = g_get_monotonic_time();
	g_strlcpy(e->dropped_reason, reason ? reason : "", sizeof(e->dropped_reason));
}

static void ev_vanished(const char *reason, void *user_data)
{
	struct events *e = user_data;

	e->vanished_calls++;
	e->vanished_at = g_get_monotonic_time();
}

/* Runs the loop until *@counter reaches @want or @ms pass; true if reached. */
static bool wait_for(const int *counter, int want, unsigned int ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;

	while (*counter < want && g_get_monotonic_time() < end) {
		if (!g_main_context_iteration(NULL, FALSE))
			g_usleep(1000);
	}
	return *counter >= want;
}

/* Lets the loop run for @ms (to see that nothing more arrives). */
static void settle(unsigned int ms)
{
	int never = 0;

	wait_for(&never, 1, ms);
}

/* Sends one command to qmi-emu's control socket; 0 when it answered "ok". */
static int emu_control(const char *cmd, char *reply, size_t size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = 0;
	ssize_t n;
	int fd, r;

	if (!control_path || strlen(control_path) >= sizeof(sa.sun_path))
		return -EINVAL;
	strcpy(sa.sun_path, control_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    write(fd, cmd, strlen(cmd)) < 0 || write(fd, "\n", 1) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	shutdown(fd, SHUT_WR);
	while (len < size - 1 && (n = read(fd, reply + len, size - 1 - len)) > 0)
		len += (size_t)n;
	reply[len] = '\0';
	close(fd);
	return g_str_has_suffix(reply, "ok\n") ? 0 : -EIO;
}

static struct modem_pdn_params params(const char *apn, enum modem_auth auth, const char *user,
				      const char *password)
{
	struct modem_pdn_params p = { .ip_type = MODEM_IP_V4, .auth = auth };

	g_strlcpy(p.apn, apn, sizeof(p.apn));
	g_strlcpy(p.username, user, sizeof(p.username));
	g_strlcpy(p.password, password, sizeof(p.password));
	return p;
}

static struct modem *open_modem(const struct modem_config *cfg, struct events *ev_state,
				struct modem_events *ev)
{
	struct result r = { 0 };
	struct modem *m = NULL;

	*ev = (struct modem_events){ .serving_changed = ev_serving,
				     .pdn_dropped = ev_dropped,
				     .vanished = ev_vanished,
				     .handles = ev_handles,
				     .user_data = ev_state };
	in_call = true;
	modem_qmi_ops.open(&m, cfg, ev, done_cb, &r);
	in_call = false;
	wait_for(&r.calls, 1, 10000);
	check(r.calls >= 1 && r.err == 0, "open %s through proxy @%s (%d %s)", cfg->device,
	      cfg->proxy, r.err, r.reason);
	return m;
}

static void connect_pdn(struct modem *m, const struct modem_pdn_params *p, struct result *r)
{
	in_call = true;
	modem_qmi_ops.connect(m, p, connect_cb, r);
	in_call = false;
}

static int suite(const struct modem_config *cfg)
{
	struct events ev_state = { 0 };
	struct modem_events ev;
	struct modem *m;
	struct result sv = { 0 }, a = { 0 }, b = { 0 }, bad = { 0 }, chap = { 0 }, d = { 0 };
	struct result id = { 0 };
	struct modem_pdn_params pa, pb;
	char reply[1024];
	gint64 t0;

	m = open_modem(cfg, &ev_state, &ev);

	/* DMS Get IDs on a DMS client of its own (for REGISTER's +sip.instance). */
	in_call = true;
	modem_qmi_ops.get_imei(m, imei_cb, &id);
	in_call = false;
	check(id.calls == 0, "get_imei never completes inside the call");
	wait_for(&id.calls, 1, 5000);
	check(id.calls == 1 && id.err == 0 && strcmp(id.imei, "356938035643809") == 0,
	      "IMEI 356938035643809 (got %d %s '%s')", id.err, id.reason, id.imei);

	in_call = true;
	modem_qmi_ops.get_serving(m, serving_cb, &sv);
	in_call = false;
	wait_for(&sv.calls, 1, 5000);
	check(sv.calls >= 1 && sv.err == 0, "get serving network (%s)", sv.reason);
	check(strcmp(sv.serving.mcc, "001") == 0 && strcmp(sv.serving.mnc, "01") == 0,
	      "serving PLMN 001/01 (got %s/%s)", sv.serving.mcc, sv.serving.mnc);
	check(sv.serving.has_tac && sv.serving.tac == 17, "serving TAC 17 (got %u)",
	      sv.serving.tac);
	check(sv.serving.has_cell_id && sv.serving.cell_id == 0x1a2b3c, "serving cell id");
	check(sv.serving.rat == MODEM_RAT_LTE && sv.serving.reg == MODEM_REG_HOME,
	      "registered at home on LTE");

	/* Two PDNs brought up at the same time, each on its own WDS client and mux id. */
	pa = params("internet", MODEM_AUTH_NONE, "", "");
	pb = params("partner.mc", MODEM_AUTH_CHAP, "alice", "s3cret");
	connect_pdn(m, &pa, &a);
	connect_pdn(m, &pb, &b);
	util_wipe(pb.password, sizeof(pb.password));
	check(a.calls == 0 && b.calls == 0, "connect never completes inside the call");
	wait_for(&a.calls, 1, 5000);
	wait_for(&b.calls, 1, 5000);
	check(a.calls == 1 && a.err == 0, "PDN internet up (%d %s)", a.err, a.reason);
	check(b.calls == 1 && b.err == 0, "PDN partner.mc up with CHAP (%d %s)", b.err, b.reason);
	check(a.id != b.id && a.id && b.id, "two distinct PDN ids (%u, %u)", a.id, b.id);
	check(strcmp(a.settings.addr4, "192.0.2.2") == 0 && a.settings.prefix4 == 24 &&
		      strcmp(a.settings.gw4, "192.0.2.1") == 0,
	      "internet settings 192.0.2.2/24 gw 192.0.2.1 (got %s/%u gw %s)", a.settings.addr4,
	      a.settings.prefix4, a.settings.gw4);
	check(strcmp(b.settings.addr4, "198.51.100.2") == 0 && b.settings.prefix4 == 24 &&
		      strcmp(b.settings.gw4, "198.51.100.1") == 0,
	      "partner settings 198.51.100.2/24 gw 198.51.100.1 (got %s/%u gw %s)",
	      b.settings.addr4, b.settings.prefix4, b.settings.gw4);
	check(b.settings.n_dns == 2 && strcmp(b.settings.dns[0], "198.51.100.1") == 0 &&
		      strcmp(b.settings.dns[1], "198.51.100.53") == 0,
	      "partner DNS servers read back");
	check(b.settings.n_pcscf == 1 && strcmp(b.settings.pcscf[0], "198.51.100.1") == 0,
	      "partner P-CSCF 198.51.100.1 read back");
	check(a.settings.mtu == 1500 && b.settings.mtu == 1400, "MTUs 1500 and 1400 (got %u, %u)",
	      a.settings.mtu, b.settings.mtu);
	check(strcmp(a.settings.ifname, "wwan0") == 0 && strcmp(b.settings.ifname, "wwan1") == 0,
	      "PDN ifnames from the netdev list (got %s, %s)", a.settings.ifname,
	      b.settings.ifname);
	check(emu_control("status", reply, sizeof(reply)) == 0 &&
		      strstr(reply, "session apn=internet") &&
		      strstr(reply, "session apn=partner.mc"),
	      "the emulator holds both sessions");
	check(strstr(reply, "apn=internet handle=") && strstr(reply, "mux=1") &&
		      strstr(reply, "mux=2"),
	      "each PDN bound to its own mux id");

	/* Rejections carry the network's cause. */
	pa = params("nowhere.example", MODEM_AUTH_NONE, "", "");
	connect_pdn(m, &pa, &bad);
	wait_for(&bad.calls, 1, 5000);
	check(bad.calls >= 1 && bad.err == -ENOENT &&
		      strcmp(bad.reason, "missing or unknown APN (3GPP cause 27)") == 0,
	      "unknown APN rejected: %d \"%s\"", bad.err, bad.reason);
	pa = params("partner.mc", MODEM_AUTH_CHAP, "alice", "wrong");
	connect_pdn(m, &pa, &chap);
	util_wipe(pa.password, sizeof(pa.password));
	wait_for(&chap.calls, 1, 5000);
	check(chap.calls >= 1 && chap.err == -EACCES &&
		      strcmp(chap.reason, "user authentication failed (3GPP cause 29)") == 0,
	      "wrong CHAP password rejected: %d \"%s\"", chap.err, chap.reason);

	/* An IPv6 PDN on the third link; IPv4 on that APN is refused. */
	{
		struct result v6 = { 0 }, v4 = { 0 }, d6 = { 0 };

		pa = params("ims6", MODEM_AUTH_NONE, "", "");
		pa.ip_type = MODEM_IP_V6;
		connect_pdn(m, &pa, &v6);
		wait_for(&v6.calls, 1, 5000);
		check(v6.calls == 1 && v6.err == 0 &&
			      strcmp(v6.settings.addr6, "2001:db8:1::2") == 0 &&
			      v6.settings.prefix6 == 64 &&
			      strcmp(v6.settings.gw6, "2001:db8:1::1") == 0 &&
			      v6.settings.n_dns == 1 &&
			      strcmp(v6.settings.dns[0], "2001:db8:1::53") == 0 &&
			      strcmp(v6.settings.ifname, "wwan2") == 0 && !v6.settings.addr4[0],
		      "IPv6 PDN settings read back (%d %s: %s/%u gw %s on %s)", v6.err, v6.reason,
		      v6.settings.addr6, v6.settings.prefix6, v6.settings.gw6, v6.settings.ifname);
		modem_qmi_ops.disconnect(m, v6.id, done_cb, &d6);
		wait_for(&d6.calls, 1, 5000);
		check(d6.calls == 1 && d6.err == 0, "IPv6 PDN disconnected");
		pa.ip_type = MODEM_IP_V4;
		connect_pdn(m, &pa, &v4);
		wait_for(&v4.calls, 1, 5000);
		check(v4.calls == 1 &&
			      strcmp(v4.reason, "PDN type IPv6 only allowed (3GPP cause 51)") == 0,
		      "IPv4 on an IPv6-only APN: \"%s\"", v4.reason);
	}

	/*
	 * IPv4v6: two WDS clients on the same mux id, one per family, both
	 * Start Network on the same APN; both families' settings come back.
	 */
	{
		struct result ds = { 0 }, dd = { 0 }, p6 = { 0 }, d6 = { 0 }, none = { 0 };
		int i;
		const char *first;

		pa = params("ims46", MODEM_AUTH_NONE, "", "");
		pa.ip_type = MODEM_IP_V4V6;
		connect_pdn(m, &pa, &ds);
		wait_for(&ds.calls, 1, 5000);
		check(ds.calls == 1 && ds.err == 0, "IPv4v6 PDN up (%d %s)", ds.err, ds.reason);
		check(strcmp(ds.settings.addr4, "203.0.113.2") == 0 && ds.settings.prefix4 == 24 &&
			      strcmp(ds.settings.gw4, "203.0.113.1") == 0 &&
			      strcmp(ds.settings.addr6, "2001:db8:2::2") == 0 &&
			      ds.settings.prefix6 == 64 &&
			      strcmp(ds.settings.gw6, "2001:db8:2::1") == 0,
		      "IPv4v6 settings of both families (%s/%u gw %s, %s/%u gw %s)",
		      ds.settings.addr4, ds.settings.prefix4, ds.settings.gw4, ds.settings.addr6,
		      ds.settings.prefix6, ds.settings.gw6);
		check(ds.settings.n_dns == 3 && strcmp(ds.settings.dns[0], "203.0.113.53") == 0 &&
			      strcmp(ds.settings.dns[1], "2001:db8:2::53") == 0 &&
			      strcmp(ds.settings.dns[2], "2001:db8:2::54") == 0 &&
			      ds.settings.n_pcscf == 1 &&
			      strcmp(ds.settings.pcscf[0], "203.0.113.10") == 0 &&
			      ds.settings.mtu == 1400 && strcmp(ds.settings.ifname, "wwan2") == 0,
		      "IPv4v6 DNS of both families, P-CSCF, MTU (%zu DNS, MTU %u) on %s",
		      ds.settings.n_dns, ds.settings.mtu, ds.settings.ifname);
		first = emu_control("status", reply, sizeof(reply)) == 0 ?
				strstr(reply, "session apn=ims46 ") :
				NULL;
		check(first && strstr(first + 1, "session apn=ims46 ") &&
			      strstr(first, "mux=3\n") == strchr(first, '\n') - 5 &&
			      strstr(strstr(first + 1, "session apn=ims46 "), "mux=3\n"),
		      "two sessions on APN ims46, both on mux id 3");
		modem_qmi_ops.disconnect(m, ds.id, done_cb, &dd);
		wait_for(&dd.calls, 1, 5000);
		check(dd.calls == 1 && dd.err == 0 &&
			      emu_control("status", reply, sizeof(reply)) == 0 &&
			      !strstr(reply, "session apn=ims46"),
		      "IPv4v6 PDN down: both sessions ended (%d %s)", dd.err, dd.reason);

		/*
		 * The network ends one family: the PDN goes, and the other
		 * family's session is ended by releasing its client (a kept
		 * client must not carry a session nobody knows of); the next
		 * PDN on that link gets a new one.
		 */
		memset(&ds, 0, sizeof(ds));
		pa = params("ims46", MODEM_AUTH_NONE, "", "");
		pa.ip_type = MODEM_IP_V4V6;
		connect_pdn(m, &pa, &ds);
		wait_for(&ds.calls, 1, 5000);
		check(ds.calls == 1 && ds.err == 0, "IPv4v6 PDN up again (%d %s)", ds.err,
		      ds.reason);
		check(emu_control("drop ims46 cause=36", reply, sizeof(reply)) == 0,
		      "emulator drops one family of ims46");
		wait_for(&ev_state.dropped_calls, 1, 1000);
		for (i = 0; i < 40; i++) {
			if (emu_control("status", reply, sizeof(reply)) == 0 &&
			    !strstr(reply, "session apn=ims46"))
				break;
			settle(50);
		}
		check(ev_state.dropped_calls == 1 && ev_state.dropped_id == ds.id &&
			      !strstr(reply, "session apn=ims46"),
		      "one family dropped: the PDN reported dropped, the other family ended");
		memset(&ds, 0, sizeof(ds));
		connect_pdn(m, &pa, &ds);
		wait_for(&ds.calls, 1, 5000);
		memset(&dd, 0, sizeof(dd));
		if (ds.err == 0) {
			modem_qmi_ops.disconnect(m, ds.id, done_cb, &dd);
			wait_for(&dd.calls, 1, 5000);
		}
		check(ds.calls == 1 && ds.err == 0 && dd.calls == 1 && dd.err == 0,
		      "IPv4v6 on that link again, with a new client, and down (%d %s)", ds.err,
		      ds.reason);
		/* The network drops below are counted from here. */
		ev_state.dropped_calls = 0;

		/* TS 24.301 6.5.1.3: the network may grant one family (cause #51). */
		pa = params("ims6", MODEM_AUTH_NONE, "", "");
		pa.ip_type = MODEM_IP_V4V6;
		connect_pdn(m, &pa, &p6);
		wait_for(&p6.calls, 1, 5000);
		check(p6.calls == 1 && p6.err == 0 && !p6.settings.addr4[0] &&
			      strcmp(p6.settings.addr6, "2001:db8:1::2") == 0,
		      "IPv4v6 on an IPv6-only APN: up with IPv6 only (%d %s: '%s' '%s')", p6.err,
		      p6.reason, p6.settings.addr4, p6.settings.addr6);
		modem_qmi_ops.disconnect(m, p6.id, done_cb, &d6);
		wait_for(&d6.calls, 1, 5000);
		check(d6.calls == 1 && d6.err == 0, "IPv6-only half of IPv4v6 down (%d %s)", d6.err,
		      d6.reason);

		pa = params("nowhere.example", MODEM_AUTH_NONE, "", "");
		pa.ip_type = MODEM_IP_V4V6;
		connect_pdn(m, &pa, &none);
		wait_for(&none.calls, 1, 5000);
		check(none.calls == 1 && none.err == -ENOENT &&
			      strcmp(none.reason, "missing or unknown APN (3GPP cause 27)") == 0,
		      "IPv4v6 refused for both families: %d \"%s\"", none.err, none.reason);
	}

	/* Network-initiated disconnect: noticed within 1 s. */
	t0 = g_get_monotonic_time();
	check(emu_control("drop internet cause=36", reply, sizeof(reply)) == 0,
	      "emulator drops internet");
	wait_for(&ev_state.dropped_calls, 1, 1000);
	check(ev_state.dropped_calls == 1 && ev_state.dropped_at - t0 <= 1000000 &&
		      ev_state.dropped_id == a.id,
	      "pdn_dropped for internet within 1 s (%lld ms, \"%s\")",
	      (long long)(ev_state.dropped_at - t0) / 1000, ev_state.dropped_reason);
	check(strcmp(ev_state.dropped_reason, "regular deactivation (3GPP cause 36)") == 0,
	      "drop reason carries the 3GPP cause");

	/* Serving PLMN change: noticed from the indication. */
	t0 = g_get_monotonic_time();
	check(emu_control("serving mcc=999 mnc=99 tac=150 cell=0x2000 reg=roaming", reply,
			  sizeof(reply)) == 0,
	      "emulator moves to PLMN 999/99");
	wait_for(&ev_state.serving_calls, 1, 1000);
	check(ev_state.serving_calls == 1 && ev_state.serving_at - t0 <= 1000000 &&
		      strcmp(ev_state.serving.mcc, "999") == 0 &&
		      strcmp(ev_state.serving.mnc, "99") == 0 && ev_state.serving.tac == 150 &&
		      ev_state.serving.reg == MODEM_REG_ROAMING,
	      "serving_changed to 999/99 TAC 150 roaming within 1 s (%lld ms)",
	      (long long)(ev_state.serving_at - t0) / 1000);

	/* A repeated indication without change is not an event; a new TAC is. */
	emu_control("serving tac=150", reply, sizeof(reply));
	settle(300);
	check(ev_state.serving_calls == 1, "unchanged serving indication is not reported again");
	emu_control("serving tac=151", reply, sizeof(reply));
	wait_for(&ev_state.serving_calls, 2, 1000);
	check(ev_state.serving_calls == 2 && ev_state.serving.tac == 151,
	      "TAC change within the PLMN reported");

	/* Our own disconnect is not reported as a drop. */
	in_call = true;
	modem_qmi_ops.disconnect(m, b.id, done_cb, &d);
	in_call = false;
	wait_for(&d.calls, 1, 5000);
	check(d.calls >= 1 && d.err == 0, "disconnect partner.mc (%d %s)", d.err, d.reason);
	settle(300);
	check(ev_state.dropped_calls == 1, "own disconnect is not a network drop");
	check(emu_control("status", reply, sizeof(reply)) == 0 && !strstr(reply, "session "),
	      "no session left on the emulator");
	memset(&d, 0, sizeof(d));
	modem_qmi_ops.disconnect(m, b.id, done_cb, &d);
	wait_for(&d.calls, 1, 1000);
	check(d.calls >= 1 && d.err == -ENOENT, "disconnect twice: -ENOENT");

	/* A slow answer beyond the request timeout. */
	{
		struct modem_config slow = *cfg;
		struct events ev2 = { 0 };
		struct modem_events e2;
		struct modem *m2;
		struct result s = { 0 }, c = { 0 };

		slow.timeout_ms = 1000;
		m2 = open_modem(&slow, &ev2, &e2);
		pa = params("slow.example", MODEM_AUTH_NONE, "", "");
		t0 = g_get_monotonic_time();
		connect_pdn(m2, &pa, &s);
		wait_for(&s.calls, 1, 4000);
		check(s.calls >= 1 && s.err == -ETIMEDOUT,
		      "slow modem answer times out: %d \"%s\" after %lld ms", s.err, s.reason,
		      (long long)(s.at - t0) / 1000);
		/* close() while a call is pending: -ECANCELED once, nothing after. */
		connect_pdn(m2, &pa, &c);
		settle(100);
		modem_qmi_ops.close(m2);
		check(c.calls == 1 && c.err == -ECANCELED, "close cancels a pending connect");
		settle(3500);
		check(c.calls == 1 && s.calls == 1, "no callback after close");
	}

	/* The modem vanishes: noticed, later calls fail cleanly. */
	check(emu_control("vanish", reply, sizeof(reply)) == 0, "emulator vanishes");
	check(wait_for(&ev_state.vanished_calls, 1, 1000), "vanished event within 1 s");
	memset(&sv, 0, sizeof(sv));
	modem_qmi_ops.get_serving(m, serving_cb, &sv);
	wait_for(&sv.calls, 1, 1000);
	check(sv.calls >= 1 && sv.err == -ENODEV, "calls after vanishing: -ENODEV");
	modem_qmi_ops.close(m);
	settle(100);
	return failures ? 1 : 0;
}

static int hang(const struct modem_config *cfg, const char *apn)
{
	struct events ev_state = { 0 };
	struct modem_events ev;
	struct modem_pdn_params p = params(apn, MODEM_AUTH_NONE, "", "");
	struct result r = { 0 };
	struct modem *m;
	gint64 t0;

	m = open_modem(cfg, &ev_state, &ev);
	t0 = g_get_monotonic_time();
	printf("connecting %s\n", apn);
	fflush(stdout);
	connect_pdn(m, &p, &r);
	wait_for(&r.calls, 1, 20000);
	check(r.calls >= 1 && r.err < 0,
	      "connect fails cleanly when the modem dies mid-request: %d \"%s\" after %lld ms",
	      r.err, r.reason, (long long)(r.at - t0) / 1000);
	check(r.err == -ENODEV, "the error says the device is gone (%d)", r.err);
	check(wait_for(&ev_state.vanished_calls, 1, 2000), "vanished reported");
	settle(200);
	check(r.calls == 1, "connect completed exactly once");
	modem_qmi_ops.close(m);
	settle(100);
	return failures ? 1 : 0;
}

/* WDS clients the emulator holds (its status lists them), or -1. */
static int wds_clients(char *reply, size_t size)
{
	const char *p;
	int n = 0;

	if (emu_control("status", reply, size) < 0)
		return -1;
	for (p = reply; (p = strstr(p, "client service=0x01 ")); p++)
		n++;
	return n;
}

/*
 * The netdev backend's other answers: a link already there is used and left
 * alone; a link that cannot be made fails the connect before any WDS client.
 */
static void run_link_answers(struct modem *m, const struct modem_config *cfg,
			     const struct modem_pdn_params *p)
{
	struct result c = { 0 }, d = { 0 }, f = { 0 };
	char reply[1024], want[MODEM_REASON_MAX];
	int clients;

	links.answer = -EEXIST;
	connect_pdn(m, p, &c);
	wait_for(&c.calls, 1, 5000);
	check(c.calls == 1 && c.err == 0, "a link already there is used (%d %s)", c.err, c.reason);
	modem_qmi_ops.disconnect(m, c.id, done_cb, &d);
	wait_for(&d.calls, 1, 5000);
	check(d.calls == 1 && d.err == 0 && links.adds == 4 && links.dels == 3,
	      "a link we did not make is not removed (%d removals)", links.dels);
	links.answer = -EBUSY;
	clients = wds_clients(reply, sizeof(reply));
	connect_pdn(m, p, &f);
	wait_for(&f.calls, 1, 5000);
	snprintf(want, sizeof(want), "creating mux link %s (mux id %u): %s", cfg->netdev,
		 cfg->mux_id, g_strerror(EBUSY));
	check(f.calls == 1 && f.err == -EBUSY && strcmp(f.reason, want) == 0 && links.dels == 3 &&
		      wds_clients(reply, sizeof(reply)) == clients &&
		      !strstr(reply, "session apn=mcptt"),
	      "a link that cannot be made fails the connect, no WDS request: %d \"%s\"", f.err,
	      f.reason);
	links.answer = 0;
}

/*
 * The mux link a killed process made (its journal): removed when it is one of
 * this modem's links; any other name is refused, nothing removed.
 */
static void run_link_release(struct modem *m, const struct modem_config *cfg)
{
	struct modem_handles h = { .mux_id = cfg->mux_id };
	struct result r = { 0 }, bad = { 0 };
	int dels = links.dels;

	g_strlcpy(links.name, cfg->netdev, sizeof(links.name));
	g_strlcpy(h.link, cfg->netdev, sizeof(h.link));
	in_call = true;
	modem_qmi_ops.release(m, &h, done_cb, &r);
	in_call = false;
	wait_for(&r.calls, 1, 5000);
	check(r.calls == 1 && r.err == 0 && links.dels == dels + 1,
	      "release: a killed run's mux link %s removed (%d %s)", h.link, r.err, r.reason);
	g_strlcpy(h.link, "lo", sizeof(h.link));
	in_call = true;
	modem_qmi_ops.release(m, &h, done_cb, &bad);
	in_call = false;
	wait_for(&bad.calls, 1, 5000);
	check(bad.calls == 1 && bad.err == -EINVAL &&
		      strcmp(bad.reason, "mux link lo is not one this modem makes: left alone") ==
			      0 &&
		      links.dels == dels + 1,
	      "release: another interface named is left alone (%d \"%s\")", bad.err, bad.reason);
}

/* A migration and a return, twice, beside a primary PDN of another client. */
static int migrate(const struct modem_config *cfg, const char *apn, const char *during)
{
	struct events ev_state = { 0 };
	struct modem_events ev;
	struct modem_pdn_params p = params(apn, MODEM_AUTH_NONE, "", "");
	char reply[1024], want[MODEM_APN_MAX + 16];
	const char *line;
	struct modem *m;
	int round;

	m = open_modem(cfg, &ev_state, &ev);
	for (round = 1; round <= 2; round++) {
		struct result c = { 0 }, d = { 0 };
		gchar *out = NULL;
		gint status = -1;

		connect_pdn(m, &p, &c);
		wait_for(&c.calls, 1, 5000);
		check(c.calls == 1 && c.err == 0 && c.id, "round %d: PDN %s up (%d %s)", round, apn,
		      c.err, c.reason);
		if (cfg->link_ops)
			check(links.adds == round && links.dels == round - 1 &&
				      strcmp(links.name, cfg->netdev) == 0 &&
				      strcmp(links.parent, cfg->link->parent) == 0 &&
				      links.last.mux_id == cfg->mux_id &&
				      links.last.kind == cfg->link->kind,
			      "round %d: mux link %s (mux id %u) made on %s", round, links.name,
			      links.last.mux_id, links.parent);
		check(strcmp(c.settings.ifname, cfg->netdev) == 0, "round %d: on %s (got %s)",
		      round, cfg->netdev, c.settings.ifname);
		check(ev_state.own_clients == 5,
		      "round %d: own client ids reported: WDA, NAS, DMS and the link's 2 WDS (%zu)",
		      round, ev_state.own_clients);
		if (cfg->link_ops)
			check(strcmp(ev_state.pdn_link, cfg->netdev) == 0,
			      "round %d: the mux link we made is reported (\"%s\")", round,
			      ev_state.pdn_link);
		snprintf(want, sizeof(want), "session apn=%s ", apn);
		line = emu_control("status", reply, sizeof(reply)) == 0 ? strstr(reply, want) :
									  NULL;
		snprintf(want, sizeof(want), "mux=%u\n", cfg->mux_id);
		check(line && strstr(line, want) == strchr(line, '\n') - strlen(want) + 1,
		      "round %d: %s bound to mux id %u", round, apn, cfg->mux_id);
		if (during) {
			g_spawn_command_line_sync(during, &out, NULL, &status, NULL);
			check(g_spawn_check_wait_status(status, NULL), "round %d: %s", round,
			      out ? g_strchomp(out) : during);
			g_free(out);
		}
		modem_qmi_ops.disconnect(m, c.id, done_cb, &d);
		wait_for(&d.calls, 1, 5000);
		check(d.calls == 1 && d.err == 0, "round %d: PDN %s down (%d %s)", round, apn,
		      d.err, d.reason);
		if (cfg->link_ops)
			check(links.dels == round, "round %d: mux link removed with the PDN",
			      round);
	}
	if (cfg->link_ops) {
		struct result bad = { 0 };
		struct modem_pdn_params pb = params("nowhere.example", MODEM_AUTH_NONE, "", "");

		connect_pdn(m, &pb, &bad);
		wait_for(&bad.calls, 1, 5000);
		check(bad.calls == 1 && bad.err == -ENOENT && links.adds == 3 && links.dels == 3,
		      "a refused PDN's mux link is removed (%d %s)", bad.err, bad.reason);
		run_link_answers(m, cfg, &p);
		run_link_release(m, cfg);
	}
	settle(200);
	check(ev_state.dropped_calls == 0, "no PDN of ours dropped");
	modem_qmi_ops.close(m);
	settle(300);
	return failures ? 1 : 0;
}

/* Open on a shared modem whose data format does not fit: refused, nothing set. */
static int refused(const struct modem_config *cfg)
{
	struct result r = { 0 };
	struct modem *m = NULL;

	in_call = true;
	modem_qmi_ops.open(&m, cfg, NULL, done_cb, &r);
	in_call = false;
	wait_for(&r.calls, 1, 10000);
	check(r.calls == 1 && r.err == -EBUSY, "open refused: %d \"%s\"", r.err, r.reason);
	modem_qmi_ops.close(m);
	settle(300);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "proxy", required_argument, NULL, 'p' },
		{ "netdev", required_argument, NULL, 'n' },
		{ "control", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "mux-id", required_argument, NULL, 'x' },
		{ "shared", no_argument, NULL, 's' },
		{ "during", required_argument, NULL, 'r' },
		{ "link-parent", required_argument, NULL, 'l' },
		{ "data-iface", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	struct netdev_link link = { .kind = NETDEV_LINK_QMI_WWAN };
	struct modem_config cfg = { .backend = "qmi", .timeout_ms = 5000 };
	const char *during = NULL;
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			cfg.device = optarg;
			break;
		case 'p':
			cfg.proxy = optarg;
			break;
		case 'n':
			cfg.netdev = optarg;
			break;
		case 'c':
			control_path = optarg;
			break;
		case 't':
			cfg.timeout_ms = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'x':
			cfg.mux_id = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 's':
			cfg.shared = true;
			break;
		case 'r':
			during = optarg;
			break;
		case 'i':
			cfg.data_iface = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'l':
			link.parent = optarg;
			cfg.link = &link;
			cfg.link_ops = &fake_netdev_ops;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "suite") == 0)
		return suite(&cfg);
	if (optind + 1 < argc && strcmp(argv[optind], "hang") == 0)
		return hang(&cfg, argv[optind + 1]);
	if (optind + 1 < argc && strcmp(argv[optind], "migrate") == 0 && cfg.netdev && cfg.mux_id)
		return migrate(&cfg, argv[optind + 1], during);
	if (optind < argc && strcmp(argv[optind], "refused") == 0)
		return refused(&cfg);
	fprintf(stderr,
		"usage: qmi-hal-test --device PATH --proxy NAME [--netdev LIST] "
		"[--mux-id N] [--shared] [--data-iface N] [--link-parent NAME] [--control PATH] [--timeout MS] "
		"[--during CMD] "
		"suite | hang APN | migrate APN | refused\n");
	return 2;
}
