// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modem-mm-drv [--bus BUS] [--device DEV] [--timeout MS] STEP...: drives
 * modem_mm_ops through a list of steps, one result line each, for
 * tests/integration/modem-mm.sh. Steps (arguments separated by ':'):
 *   open | close | serving | sleep:MS
 *   exec:SHELL-COMMAND   started, the next step follows at once
 *   run:SHELL-COMMAND    the next step follows when it exited
 *   connect:NAME:APN:IPTYPE:AUTH:USER:PASS     waits for the result
 *   connect-bg:NAME:APN:IPTYPE:AUTH:USER:PASS  starts it; wait-connect:NAME:MS
 *   disconnect:NAME
 *   wait-drop:NAME:MS | wait-serving:MCCMNC/REG:MS | wait-vanished:MS
 *   die                  _exit(0) at once, as a killed process: no close
 *   release:BEARER-PATH  release a bearer a killed process left: "release: err=.."
 *   release-apn:APN      release what a process killed before CreateBearer answered left
 * What the backend holds is printed as it changes (modem_events.handles):
 * "handles ID bearer=PATH", "handles ID pending-apn=APN" (before CreateBearer) or
 * "handles ID gone".
 * Event waits measure from the previous exec step. A callback that runs
 * twice, or inside the call that started it, is reported as "BUG".
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "modem.h"
#include "util.h"

#define DRV_PDNS 8

struct drv_pdn {
	char name[32];
	modem_pdn_id id;
	bool up, connect_done, dropped;
	int connect_err, drop_err;
	char reason[MODEM_REASON_MAX];
	gint64 drop_at, drop_real;
	unsigned int calls;
};

static struct {
	GMainLoop *loop;
	char **steps;
	int n_steps, next;
	struct modem *m;
	struct modem_config cfg;
	bool in_call;
	gint64 mark;
	struct drv_pdn pdns[DRV_PDNS];
	struct modem_serving last;
	bool serving_seen;
	gint64 serving_at;
	bool vanished;
	gint64 vanished_at;
	char vanished_reason[MODEM_REASON_MAX];
	guint wait_timer;
	char **wait;
	int failures;
} drv;

static void drv_next(void);

static gboolean drv_next_idle(gpointer data)
{
	drv_next();
	return G_SOURCE_REMOVE;
}

static void drv_step_done(void)
{
	g_idle_add(drv_next_idle, NULL);
}

static void drv_bug(const char *what)
{
	printf("BUG: %s\n", what);
	drv.failures++;
}

static struct drv_pdn *drv_pdn(const char *name, bool create)
{
	size_t i;

	for (i = 0; i < DRV_PDNS; i++)
		if (drv.pdns[i].name[0] && !strcmp(drv.pdns[i].name, name))
			return &drv.pdns[i];
	for (i = 0; create && i < DRV_PDNS; i++) {
		if (!drv.pdns[i].name[0]) {
			util_strlcpy(drv.pdns[i].name, name, sizeof(drv.pdns[i].name));
			return &drv.pdns[i];
		}
	}
	return NULL;
}

static const char *drv_rat(enum modem_rat r)
{
	switch (r) {
	case MODEM_RAT_UNKNOWN:
		return "unknown";
	case MODEM_RAT_GSM:
		return "gsm";
	case MODEM_RAT_UMTS:
		return "umts";
	case MODEM_RAT_LTE:
		return "lte";
	case MODEM_RAT_NR:
		return "nr";
	}
	return "?";
}

static void drv_print_serving(const char *tag, const struct modem_serving *s)
{
	printf("%s: reg=%s rat=%s plmn=%s%s tac=%s%u cell=%s%llu\n", tag,
	       modem_reg_state_str(s->reg), drv_rat(s->rat), s->mcc, s->mnc,
	       s->has_tac ? "" : "none:", s->tac,
	       s->has_cell_id ? "" : "none:", (unsigned long long)s->cell_id);
}

static long drv_ms_since(gint64 t)
{
	return (long)((t - drv.mark) / 1000);
}

/* ---- events ---- */

static void drv_serving_changed(const struct modem_serving *s, void *ud)
{
	drv.last = *s;
	drv.serving_seen = true;
	drv.serving_at = g_get_monotonic_time();
	drv_print_serving("event serving", s);
	fflush(stdout);
}

static void drv_pdn_dropped(modem_pdn_id id, int err, const char *reason, void *ud)
{
	size_t i;

	for (i = 0; i < DRV_PDNS; i++) {
		struct drv_pdn *p = &drv.pdns[i];

		if (!p->name[0] || !p->up || p->id != id)
			continue;
		p->up = false;
		p->dropped = true;
		p->drop_err = err;
		p->drop_at = g_get_monotonic_time();
		p->drop_real = g_get_real_time();
		util_strlcpy(p->reason, reason, sizeof(p->reason));
		printf("event drop %s: err=%d reason=%s\n", p->name, err, reason);
		fflush(stdout);
		return;
	}
	drv_bug("pdn_dropped for an unknown PDN");
}

static void drv_vanished(const char *reason, void *ud)
{
	drv.vanished = true;
	drv.vanished_at = g_get_monotonic_time();
	util_strlcpy(drv.vanished_reason, reason, sizeof(drv.vanished_reason));
	printf("event vanished: %s\n", reason);
	fflush(stdout);
}

static void drv_handles(modem_pdn_id id, const struct modem_handles *h, void *ud)
{
	if (h && !h->mm_bearer[0])
		printf("handles %u pending-apn=%s\n", id, h->pending_apn);
	else if (h)
		printf("handles %u bearer=%s\n", id, h->mm_bearer);
	else
		printf("handles %u gone\n", id);
	fflush(stdout);
}

static const struct modem_events drv_events = {
	.serving_changed = drv_serving_changed,
	.pdn_dropped = drv_pdn_dropped,
	.vanished = drv_vanished,
	.handles = drv_handles,
};

/* ---- completions ---- */

static void drv_open_cb(int err, const char *reason, void *ud)
{
	static unsigned int calls;

	if (drv.in_call)
		drv_bug("open callback inside the call");
	if (++calls > 1)
		drv_bug("open callback twice");
	printf("open: err=%d reason=%s\n", err, reason);
	drv_step_done();
}

static void drv_serving_cb(int err, const char *reason, const struct modem_serving *s, void *ud)
{
	if (drv.in_call)
		drv_bug("serving callback inside the call");
	if (err)
		printf("serving: err=%d reason=%s\n", err, reason);
	else
		drv_print_serving("serving", s);
	drv_step_done();
}

static void drv_imei_cb(int err, const char *reason, const char *imei, void *ud)
{
	if (drv.in_call)
		drv_bug("imei callback inside the call");
	if (err)
		printf("imei: err=%d reason=%s\n", err, reason);
	else
		printf("imei: %s\n", imei);
	drv_step_done();
}

static void drv_print_settings(const struct drv_pdn *p, const struct modem_pdn_settings *s)
{
	size_t i;

	printf("connect %s: err=0 id=%u ifname=%s addr4=%s/%u gw4=%s addr6=%s/%u gw6=%s mtu=%u dns=",
	       p->name, p->id, s->ifname, s->addr4, s->prefix4, s->gw4, s->addr6, s->prefix6,
	       s->gw6, s->mtu);
	for (i = 0; i < s->n_dns; i++)
		printf("%s%s", i ? "," : "", s->dns[i]);
	printf(" pcscf=");
	for (i = 0; i < s->n_pcscf; i++)
		printf("%s%s", i ? "," : "", s->pcscf[i]);
	printf("\n");
}

static void drv_connect_cb(int err, const char *reason, modem_pdn_id id,
			   const struct modem_pdn_settings *s, void *ud)
{
	struct drv_pdn *p = ud;
	bool bg = p->connect_done; /* set before the call for background connects */

	if (drv.in_call)
		drv_bug("connect callback inside the call");
	if (++p->calls > 1)
		drv_bug("connect callback twice");
	p->connect_done = true;
	p->connect_err = err;
	if (err) {
		printf("connect %s: err=%d reason=%s\n", p->name, err, reason);
	} else {
		p->id = id;
		p->up = true;
		drv_print_settings(p, s);
	}
	fflush(stdout);
	if (!bg)
		drv_step_done();
}

static void drv_disconnect_cb(int err, const char *reason, void *ud)
{
	struct drv_pdn *p = ud;

	if (drv.in_call)
		drv_bug("disconnect callback inside the call");
	if (!err)
		p->up = false;
	printf("disconnect %s: err=%d reason=%s\n", p->name, err, reason);
	drv_step_done();
}

static void drv_release_cb(int err, const char *reason, void *ud)
{
	if (drv.in_call)
		drv_bug("release callback inside the call");
	printf("release: err=%d reason=%s\n", err, reason);
	drv_step_done();
}

/* ---- waits ---- */

static bool drv_wait_satisfied(void)
{
	char **w = drv.wait;
	struct drv_pdn *p;

	if (!strcmp(w[0], "wait-drop")) {
		p = drv_pdn(w[1], false);
		if (p && p->dropped) {
			printf("drop %s: err=%d after=%ldms at_us=%lld reason=%s\n", p->name,
			       p->drop_err, drv_ms_since(p->drop_at), (long long)p->drop_real,
			       p->reason);
			return true;
		}
	} else if (!strcmp(w[0], "wait-serving")) {
		char want[40];

		/* MCCMNC/registration, e.g. 99999/roaming */
		g_snprintf(want, sizeof(want), "%s%s/%s", drv.last.mcc, drv.last.mnc,
			   modem_reg_state_str(drv.last.reg));
		if (drv.serving_seen && !strcmp(want, w[1])) {
			printf("serving-change %s after=%ldms ", w[1],
			       drv_ms_since(drv.serving_at));
			drv_print_serving("now", &drv.last);
			return true;
		}
	} else if (!strcmp(w[0], "wait-vanished")) {
		if (drv.vanished) {
			printf("vanished after=%ldms: %s\n", drv_ms_since(drv.vanished_at),
			       drv.vanished_reason);
			return true;
		}
	} else if (!strcmp(w[0], "wait-connect")) {
		p = drv_pdn(w[1], false);
		if (p && p->calls) {
			printf("connect-result %s: err=%d after=%ldms\n", p->name, p->connect_err,
			       (long)((g_get_monotonic_time() - drv.mark) / 1000));
			return true;
		}
	}
	return false;
}

static gboolean drv_wait_poll(gpointer data)
{
	gint64 deadline = *(gint64 *)data;

	if (drv_wait_satisfied() || g_get_monotonic_time() > deadline) {
		if (g_get_monotonic_time() > deadline && !drv_wait_satisfied())
			printf("%s %s: timeout\n", drv.wait[0], drv.wait[1] ? drv.wait[1] : "");
		g_free(data);
		drv.wait_timer = 0;
		g_strfreev(drv.wait);
		drv.wait = NULL;
		drv_step_done();
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

/* ---- steps ---- */

static void drv_child_exited(GPid pid, gint status, gpointer data)
{
	printf("run: exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	g_spawn_close_pid(pid);
	drv_step_done();
}

static void drv_connect_step(char **a, bool bg)
{
	struct modem_pdn_params p = { 0 };
	struct drv_pdn *pdn;

	if (g_strv_length(a) != 7 || !(pdn = drv_pdn(a[1], true))) {
		printf("bad step\n");
		exit(2);
	}
	pdn->calls = 0;
	pdn->connect_done = bg;
	pdn->dropped = false;
	util_strlcpy(p.apn, a[2], sizeof(p.apn));
	/* An unknown name keeps the default: ipv4, no authentication. */
	if (modem_ip_type_parse(a[3], &p.ip_type) < 0)
		p.ip_type = MODEM_IP_V4;
	if (modem_auth_parse(a[4], &p.auth) < 0)
		p.auth = MODEM_AUTH_NONE;
	util_strlcpy(p.username, a[5], sizeof(p.username));
	util_strlcpy(p.password, a[6], sizeof(p.password));
	drv.mark = g_get_monotonic_time();
	drv.in_call = true;
	modem_mm_ops.connect(drv.m, &p, drv_connect_cb, pdn);
	drv.in_call = false;
	util_wipe(&p, sizeof(p));
	if (bg) {
		printf("connect-bg %s: started\n", pdn->name);
		drv_step_done();
	}
}

static void drv_next(void)
{
	char **a;
	const char *op;

	fflush(stdout);
	if (drv.next >= drv.n_steps) {
		g_main_loop_quit(drv.loop);
		return;
	}
	a = g_strsplit(drv.steps[drv.next++], ":", 7);
	op = a[0];
	/* Only the step and its first argument: connect steps carry a password. */
	printf("# step %s%s%s\n", op, a[1] ? " " : "", a[1] && strcmp(op, "exec") ? a[1] : "");
	if (!strcmp(op, "open")) {
		drv.in_call = true;
		modem_mm_ops.open(&drv.m, &drv.cfg, &drv_events, drv_open_cb, NULL);
		drv.in_call = false;
	} else if (!strcmp(op, "close")) {
		modem_mm_ops.close(drv.m);
		drv.m = NULL;
		printf("close: done\n");
		drv_step_done();
	} else if (!strcmp(op, "serving")) {
		drv.in_call = true;
		modem_mm_ops.get_serving(drv.m, drv_serving_cb, NULL);
		drv.in_call = false;
	} else if (!strcmp(op, "imei")) {
		drv.in_call = true;
		modem_mm_ops.get_imei(drv.m, drv_imei_cb, NULL);
		drv.in_call = false;
	} else if (!strcmp(op, "connect") || !strcmp(op, "connect-bg")) {
		drv_connect_step(a, !strcmp(op, "connect-bg"));
	} else if (!strcmp(op, "disconnect") && a[1]) {
		struct drv_pdn *p = drv_pdn(a[1], false);

		if (!p) {
			printf("disconnect %s: unknown\n", a[1]);
			drv_step_done();
		} else {
			drv.in_call = true;
			modem_mm_ops.disconnect(drv.m, p->id, drv_disconnect_cb, p);
			drv.in_call = false;
		}
	} else if ((!strcmp(op, "exec") || !strcmp(op, "run")) && a[1]) {
		bool wait = !strcmp(op, "run");
		GError *e = NULL;
		char *cmd = g_strjoinv(":", a + 1);
		char sh[] = "/bin/sh", c[] = "-c";
		char *argv[] = { sh, c, cmd, NULL };
		GPid pid;

		drv.mark = g_get_monotonic_time();
		if (!g_spawn_async(NULL, argv, NULL,
				   wait ? G_SPAWN_DO_NOT_REAP_CHILD : G_SPAWN_DEFAULT, NULL, NULL,
				   &pid, &e)) {
			printf("%s: %s\n", op, e->message);
			g_error_free(e);
			wait = false;
		}
		g_free(cmd);
		if (wait)
			g_child_watch_add(pid, drv_child_exited, NULL);
		else
			drv_step_done();
	} else if (!strcmp(op, "die")) {
		printf("dying\n");
		fflush(stdout);
		_exit(0);
	} else if (!strcmp(op, "release") && a[1]) {
		struct modem_handles h = { 0 };

		util_strlcpy(h.mm_bearer, a[1], sizeof(h.mm_bearer));
		drv.in_call = true;
		modem_mm_ops.release(drv.m, &h, drv_release_cb, NULL);
		drv.in_call = false;
	} else if (!strcmp(op, "release-apn") && a[1]) {
		struct modem_handles h = { 0 };

		util_strlcpy(h.pending_apn, a[1], sizeof(h.pending_apn));
		drv.in_call = true;
		modem_mm_ops.release(drv.m, &h, drv_release_cb, NULL);
		drv.in_call = false;
	} else if (!strcmp(op, "sleep") && a[1]) {
		g_timeout_add((guint)atoi(a[1]), drv_next_idle, NULL);
	} else if (g_str_has_prefix(op, "wait-") && a[1]) {
		gint64 *deadline = g_new(gint64, 1);
		const char *ms = !strcmp(op, "wait-vanished") ? a[1] : a[2];

		if (!ms) {
			printf("bad step\n");
			exit(2);
		}
		*deadline = g_get_monotonic_time() + (gint64)atoi(ms) * 1000;
		drv.wait = g_strdupv(a);
		drv.wait_timer = g_timeout_add(20, drv_wait_poll, deadline);
	} else {
		printf("unknown step %s\n", op);
		exit(2);
	}
	g_strfreev(a);
}

int main(int argc, char **argv)
{
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	drv.cfg.backend = "mm";
	drv.cfg.bus = "session";
	drv.cfg.device = "any";
	drv.cfg.timeout_ms = 60000;
	for (i = 1; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (!strcmp(argv[i], "--bus"))
			drv.cfg.bus = argv[i + 1];
		else if (!strcmp(argv[i], "--device"))
			drv.cfg.device = argv[i + 1];
		else if (!strcmp(argv[i], "--timeout"))
			drv.cfg.timeout_ms = (unsigned int)atoi(argv[i + 1]);
		else
			break;
	}
	drv.steps = argv + i;
	drv.n_steps = argc - i;
	drv.loop = g_main_loop_new(NULL, FALSE);
	g_idle_add(drv_next_idle, NULL);
	g_main_loop_run(drv.loop);
	modem_mm_ops.close(drv.m);
	g_main_loop_unref(drv.loop);
	printf("driver: %d bugs\n", drv.failures);
	return drv.failures ? 1 : 0;
}
