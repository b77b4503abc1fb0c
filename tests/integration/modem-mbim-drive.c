// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Drives a modem backend through struct modem_ops for integration tests: each
 * argument after the options is one step, run in order on one GLib main loop;
 * results go to stdout, one line each, for the calling script to check.
 *
 *   open                               open the device (--device, --netdev)
 *   serving                            get_serving: "serving reg=.. mcc=.. mnc=.. tac=.."
 *   imei                               get_imei: "imei DIGITS" or "imei err=-N reason=..."
 *   connect NAME APN IPTYPE AUTH [USER PASS]
 *                                      "connect NAME ok id=.. ifname=.. addr4=.. ..."
 *                                      or "connect NAME err=-N reason=..."; prints
 *                                      "connect NAME pending" first
 *   connect-bg NAME APN ...            the same without waiting for the result
 *   disconnect NAME                    "disconnect NAME ok|err=.."
 *   control LINE...                    write LINE to the emulator's --control FIFO
 *   expect-drop NAME MS                wait up to MS ms for pdn_dropped of NAME
 *   expect-serving MCC MNC MS          wait up to MS ms for serving_changed to MCC/MNC
 *   expect-vanished MS                 wait up to MS ms for vanished
 *   close                              close; then 300 ms for stray callbacks
 *   die                                _exit(0) at once, as a killed process: no close
 *   release [mbim-session=N] [bearer=PATH] [client=SVC:CID]...
 *                                      release what a killed process left: "release ok|err=.."
 *
 * What the backend holds (modem_events.handles) is printed as it changes:
 * "handles PDN|own [mbim-session=N] [bearer=PATH] [client=SVC:CID]..." or "handles PDN gone".
 *
 * The driver also enforces the ops contract: a callback inside the call that
 * started it, or a second callback for one operation, is reported and makes
 * the exit status 1. Any step timing out exits 1 too.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "modem.h"
#include "util.h"

#define DRIVE_PDNS	8
#define DRIVE_STEP_MS	60000
#define DRIVE_LINGER_MS 300

struct pdn {
	char name[32];
	bool up;
	modem_pdn_id id;
};

struct call {
	unsigned int done;
	bool in_call;
	bool background; /* the step did not wait for it */
	char what[64];
	int pdn; /* index into pdns for connect/disconnect */
};

static struct drive {
	const struct modem_ops *ops;
	struct modem_config cfg;
	const char *control;
	struct modem *m;
	GMainLoop *loop;
	char **steps;
	int n_steps, step;
	struct pdn pdns[DRIVE_PDNS];
	guint step_timer;
	gint64 wait_start;
	/* What the current expect-* step waits for. */
	int want_drop;
	char want_mcc[4], want_mnc[4];
	bool want_vanished, vanished;
	int status;
} d = { .want_drop = -1 };

static void step_next(void);

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void contract_fail(const char *what)
{
	out("CONTRACT VIOLATION: %s", what);
	d.status = 1;
}

/* Every callback goes through here: exactly once, never inside the call. */
static bool call_complete(struct call *c)
{
	if (c->in_call)
		contract_fail(g_strdup_printf("%s: callback inside the call", c->what));
	if (c->done++) {
		contract_fail(g_strdup_printf("%s: second callback", c->what));
		return false;
	}
	return true;
}

static gboolean step_idle(gpointer data)
{
	step_next();
	return G_SOURCE_REMOVE;
}

static void step_done(void)
{
	if (d.step_timer) {
		g_source_remove(d.step_timer);
		d.step_timer = 0;
	}
	g_idle_add(step_idle, NULL);
}

static gboolean step_timeout(gpointer data)
{
	d.step_timer = 0;
	out("TIMEOUT in step '%s'", d.steps[d.step - 1]);
	d.status = 1;
	g_main_loop_quit(d.loop);
	return G_SOURCE_REMOVE;
}

static void step_arm(unsigned int ms)
{
	d.wait_start = g_get_monotonic_time();
	d.step_timer = g_timeout_add(ms, step_timeout, NULL);
}

static long elapsed_ms(void)
{
	return (long)((g_get_monotonic_time() - d.wait_start) / 1000);
}

static int pdn_find(const char *name, bool create)
{
	int i;

	for (i = 0; i < DRIVE_PDNS; i++)
		if (d.pdns[i].name[0] && !strcmp(d.pdns[i].name, name))
			return i;
	for (i = 0; create && i < DRIVE_PDNS; i++)
		if (!d.pdns[i].name[0]) {
			util_strlcpy(d.pdns[i].name, name, sizeof(d.pdns[i].name));
			return i;
		}
	return -1;
}

/* Events ---------------------------------------------------------------- */

static void print_serving(const char *tag, const struct modem_serving *s)
{
	char tac[16] = "-", cell[24] = "-";

	if (s->has_tac)
		snprintf(tac, sizeof(tac), "%u", s->tac);
	if (s->has_cell_id)
		snprintf(cell, sizeof(cell), "%" G_GUINT64_FORMAT, (guint64)s->cell_id);
	out("%s reg=%s rat=%d mcc=%s mnc=%s tac=%s cell=%s", tag, modem_reg_state_str(s->reg),
	    (int)s->rat, s->mcc, s->mnc, tac, cell);
}

static void ev_serving(const struct modem_serving *s, void *user_data)
{
	print_serving("event serving", s);
	if (d.want_mcc[0] && !strcmp(s->mcc, d.want_mcc) && !strcmp(s->mnc, d.want_mnc)) {
		out("serving changed to %s/%s after %ld ms", s->mcc, s->mnc, elapsed_ms());
		d.want_mcc[0] = '\0';
		step_done();
	}
}

static void ev_dropped(modem_pdn_id id, int err, const char *reason, void *user_data)
{
	int i;

	for (i = 0; i < DRIVE_PDNS; i++) {
		if (!d.pdns[i].up || d.pdns[i].id != id)
			continue;
		d.pdns[i].up = false;
		out("event dropped %s err=%d reason=%s", d.pdns[i].name, err, reason);
		if (d.want_drop == i) {
			out("dropped %s after %ld ms", d.pdns[i].name, elapsed_ms());
			d.want_drop = -1;
			step_done();
		}
		return;
	}
	out("event dropped unknown id %u", id);
	d.status = 1;
}

static void ev_vanished(const char *reason, void *user_data)
{
	out("event vanished reason=%s", reason);
	d.vanished = true;
	if (d.want_vanished) {
		d.want_vanished = false;
		step_done();
	}
}

/* Callbacks ------------------------------------------------------------- */

static void open_cb(int err, const char *reason, void *user_data)
{
	struct call *c = user_data;

	if (!call_complete(c))
		return;
	if (err)
		out("open err=%d reason=%s", err, reason);
	else
		out("open ok");
	if (err)
		d.status = 1;
	step_done();
}

static void serving_cb(int err, const char *reason, const struct modem_serving *s, void *user_data)
{
	struct call *c = user_data;

	if (!call_complete(c))
		return;
	if (err)
		out("serving err=%d reason=%s", err, reason);
	else
		print_serving("serving", s);
	step_done();
}

static void imei_cb(int err, const char *reason, const char *imei, void *user_data)
{
	struct call *c = user_data;

	if (!call_complete(c))
		return;
	if (err)
		out("imei err=%d reason=%s", err, reason);
	else
		out("imei %s", imei);
	step_done();
}

static void connect_cb(int err, const char *reason, modem_pdn_id id,
		       const struct modem_pdn_settings *s, void *user_data)
{
	struct call *c = user_data;
	struct pdn *p;
	GString *dns;
	size_t i;

	if (!call_complete(c))
		return;
	p = &d.pdns[c->pdn];
	if (err) {
		out("connect %s err=%d reason=%s", p->name, err, reason);
		if (!c->background)
			step_done();
		return;
	}
	p->up = true;
	p->id = id;
	dns = g_string_new("");
	for (i = 0; i < s->n_dns; i++)
		g_string_append_printf(dns, "%s%s", i ? "," : "", s->dns[i]);
	out("connect %s ok id=%u ifname=%s addr4=%s/%u gw4=%s addr6=%s/%u gw6=%s dns=%s "
	    "mtu=%u pcscf=%zu",
	    p->name, id, s->ifname, s->addr4, s->prefix4, s->gw4, s->addr6, s->prefix6, s->gw6,
	    dns->str, s->mtu, s->n_pcscf);
	g_string_free(dns, TRUE);
	if (!c->background)
		step_done();
}

static void disconnect_cb(int err, const char *reason, void *user_data)
{
	struct call *c = user_data;

	if (!call_complete(c))
		return;
	if (err) {
		out("disconnect %s err=%d reason=%s", d.pdns[c->pdn].name, err, reason);
	} else {
		d.pdns[c->pdn].up = false;
		out("disconnect %s ok", d.pdns[c->pdn].name);
	}
	step_done();
}

/* Steps ------------------------------------------------------------------ */

/*
 * Every call record lives until the process ends, so that a late second
 * callback still finds its record and is reported as a contract violation;
 * kept reachable here so LeakSanitizer does not count them as leaks.
 */
static GPtrArray *calls;

static struct call *call_new(const char *what, int pdn)
{
	struct call *c = g_new0(struct call, 1);

	if (!calls)
		calls = g_ptr_array_new();
	g_ptr_array_add(calls, c);

	util_strlcpy(c->what, what, sizeof(c->what));
	c->pdn = pdn;
	c->in_call = true;
	return c;
}

static void step_connect(char **a, int n)
{
	struct modem_pdn_params p = { 0 };
	struct call *c;
	int i;

	i = pdn_find(a[1], true);
	if (i < 0 || modem_ip_type_parse(a[3], &p.ip_type) < 0 ||
	    modem_auth_parse(a[4], &p.auth) < 0 || (n != 5 && n != 7) ||
	    util_strlcpy(p.apn, a[2], sizeof(p.apn)) ||
	    (n == 7 && (util_strlcpy(p.username, a[5], sizeof(p.username)) ||
			util_strlcpy(p.password, a[6], sizeof(p.password))))) {
		out("bad step: connect NAME APN ipv4|ipv6|ipv4v6 none|pap|chap [USER PASS]");
		exit(2);
	}
	c = call_new("connect", i);
	c->background = !strcmp(a[0], "connect-bg");
	out("connect %s pending", a[1]);
	d.ops->connect(d.m, &p, connect_cb, c);
	c->in_call = false;
	modem_pdn_params_wipe(&p);
	if (c->background)
		step_done();
	else
		step_arm(DRIVE_STEP_MS);
}

static void ev_handles(modem_pdn_id id, const struct modem_handles *h, void *ud)
{
	g_autoptr(GString) line = g_string_new("handles ");
	size_t i;

	if (id == MODEM_HANDLES_OWN)
		g_string_append(line, "own");
	else
		g_string_append_printf(line, "%u", id);
	if (!h) {
		out("%s gone", line->str);
		return;
	}
	if (h->has_mbim_session)
		g_string_append_printf(line, " mbim-session=%u", h->mbim_session);
	if (h->mm_bearer[0])
		g_string_append_printf(line, " bearer=%s", h->mm_bearer);
	for (i = 0; i < h->n_client; i++)
		g_string_append_printf(line, " client=%u:%u", h->client[i].service,
				       h->client[i].cid);
	out("%s", line->str);
}

static void release_cb(int err, const char *reason, void *ud)
{
	struct call *c = ud;

	if (!call_complete(c))
		return;
	if (err)
		out("release err=%d reason=%s", err, reason);
	else
		out("release ok");
	step_done();
}

static void step_release(char **a, int n)
{
	struct modem_handles h = { 0 };
	unsigned int svc, cid;
	struct call *c;
	int i;

	for (i = 1; i < n; i++) {
		if (sscanf(a[i], "mbim-session=%u", &h.mbim_session) == 1) {
			h.has_mbim_session = true;
		} else if (!strncmp(a[i], "bearer=", 7)) {
			util_strlcpy(h.mm_bearer, a[i] + 7, sizeof(h.mm_bearer));
		} else if (sscanf(a[i], "client=%u:%u", &svc, &cid) == 2 &&
			   h.n_client < MODEM_CLIENT_MAX) {
			h.client[h.n_client++] =
				(struct modem_client){ (uint8_t)svc, (uint8_t)cid };
		} else {
			out("bad step: release [mbim-session=N] [bearer=PATH] [client=SVC:CID]...");
			exit(2);
		}
	}
	if (!d.ops->release) {
		out("release err=%d reason=not supported", -EOPNOTSUPP);
		step_done();
		return;
	}
	c = call_new("release", -1);
	d.ops->release(d.m, &h, release_cb, c);
	c->in_call = false;
	step_arm(DRIVE_STEP_MS);
}

static void step_control(char **a, int n)
{
	g_autofree char *line = NULL;
	int fd;

	if (!d.control || n < 2) {
		out("bad step: control needs --control and a line");
		exit(2);
	}
	a[n] = NULL;
	line = g_strjoinv(" ", a + 1);
	fd = open(d.control, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || dprintf(fd, "%s\n", line) < 0) {
		out("control %s: %s", d.control, strerror(errno));
		exit(1);
	}
	close(fd);
	/* The clock for expect-* starts when the event is injected. */
	d.wait_start = g_get_monotonic_time();
	out("control %s", line);
	step_done();
}

static gboolean linger_done(gpointer data)
{
	g_main_loop_quit(d.loop);
	return G_SOURCE_REMOVE;
}

static void step_next(void)
{
	char **a;
	int n;
	struct call *c;

	if (d.step == d.n_steps) {
		g_main_loop_quit(d.loop);
		return;
	}
	a = g_strsplit(d.steps[d.step++], " ", -1);
	n = (int)g_strv_length(a);
	if (n == 0) {
		out("empty step");
		exit(2);
	}
	if (!strcmp(a[0], "open")) {
		static const struct modem_events ev = { .serving_changed = ev_serving,
							.pdn_dropped = ev_dropped,
							.vanished = ev_vanished,
							.handles = ev_handles };

		c = call_new("open", -1);
		d.ops->open(&d.m, &d.cfg, &ev, open_cb, c);
		c->in_call = false;
		step_arm(DRIVE_STEP_MS);
	} else if (!strcmp(a[0], "serving")) {
		c = call_new("get_serving", -1);
		d.ops->get_serving(d.m, serving_cb, c);
		c->in_call = false;
		step_arm(DRIVE_STEP_MS);
	} else if (!strcmp(a[0], "imei")) {
		c = call_new("get_imei", -1);
		d.ops->get_imei(d.m, imei_cb, c);
		c->in_call = false;
		step_arm(DRIVE_STEP_MS);
	} else if ((!strcmp(a[0], "connect") || !strcmp(a[0], "connect-bg")) && n >= 5) {
		step_connect(a, n);
	} else if (!strcmp(a[0], "disconnect") && n == 2 && pdn_find(a[1], false) >= 0) {
		int i = pdn_find(a[1], false);

		c = call_new("disconnect", i);
		/* A PDN that never came up: an id the backend never gave out. */
		d.ops->disconnect(d.m, d.pdns[i].up ? d.pdns[i].id : 1000, disconnect_cb, c);
		c->in_call = false;
		step_arm(DRIVE_STEP_MS);
	} else if (!strcmp(a[0], "control")) {
		step_control(a, n);
	} else if (!strcmp(a[0], "expect-drop") && n == 3 && pdn_find(a[1], false) >= 0) {
		int i = pdn_find(a[1], false);

		if (!d.pdns[i].up) { /* already dropped before we started waiting */
			out("dropped %s after %ld ms", a[1], elapsed_ms());
			step_done();
		} else {
			d.want_drop = i;
			d.step_timer = g_timeout_add((guint)atoi(a[2]), step_timeout, NULL);
		}
	} else if (!strcmp(a[0], "expect-serving") && n == 4) {
		util_strlcpy(d.want_mcc, a[1], sizeof(d.want_mcc));
		util_strlcpy(d.want_mnc, a[2], sizeof(d.want_mnc));
		d.step_timer = g_timeout_add((guint)atoi(a[3]), step_timeout, NULL);
	} else if (!strcmp(a[0], "expect-vanished") && n == 2 && d.vanished) {
		step_done();
	} else if (!strcmp(a[0], "expect-vanished") && n == 2) {
		d.want_vanished = true;
		d.wait_start = g_get_monotonic_time();
		d.step_timer = g_timeout_add((guint)atoi(a[1]), step_timeout, NULL);
	} else if (!strcmp(a[0], "release")) {
		step_release(a, n);
	} else if (!strcmp(a[0], "die")) {
		out("dying");
		_exit(0);
	} else if (!strcmp(a[0], "close")) {
		d.ops->close(d.m);
		d.m = NULL;
		out("closed");
		g_timeout_add(DRIVE_LINGER_MS, linger_done, NULL);
		d.step = d.n_steps;
	} else {
		out("bad step '%s'", d.steps[d.step - 1]);
		exit(2);
	}
	g_strfreev(a);
}

int main(int argc, char **argv)
{
	static int timeout_ms = 10000;
	static GOptionEntry entries[] = {
		{ "device", 0, 0, G_OPTION_ARG_STRING, &d.cfg.device, "device path", "PATH" },
		{ "netdev", 0, 0, G_OPTION_ARG_STRING, &d.cfg.netdev, "data interface", "IF" },
		{ "control", 0, 0, G_OPTION_ARG_FILENAME, &d.control, "emulator control FIFO",
		  "FIFO" },
		{ "timeout-ms", 0, 0, G_OPTION_ARG_INT, &timeout_ms, "per-command timeout", "MS" },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("STEP... - drive modem_mbim_ops");
	GError *error = NULL;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "modem-mbim-drive: %s\n", error->message);
		return 2;
	}
	d.ops = &modem_mbim_ops;
	d.cfg.backend = d.ops->name;
	d.cfg.timeout_ms = timeout_ms > 0 ? (unsigned int)timeout_ms : 10000;
	d.steps = argv + 1;
	d.n_steps = argc - 1;
	d.loop = g_main_loop_new(NULL, FALSE);
	g_idle_add(step_idle, NULL);
	g_main_loop_run(d.loop);
	if (d.m)
		d.ops->close(d.m);
	g_main_loop_unref(d.loop);
	out("exit %d", d.status);
	return d.status;
}
