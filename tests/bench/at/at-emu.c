// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * at-emu: an AT-command LTE modem for ModemManager's test mode (bench.md).
 *
 *   at-emu --scenario FILE [--control FIFO] SOCKET...
 *
 * Listens on each abstract unix socket SOCKET (the full name ModemManager is
 * given, e.g. "abstract:at0"); every connection is one AT port of the same
 * modem. Answers the generic plugin's probing, initialisation, registration
 * and PDP context commands (TS 27.007) and logs every line both ways.
 *
 * Scenario file, one directive a line, '#' comments:
 *   imei DIGITS | imsi DIGITS
 *   plmn MCCMNC home|roaming TAC CELLID      (TAC and cell id in hex)
 *   apn NAME accept ADDR4/PREFIX GW4 DNS PCSCF
 *   apn NAME reject CAUSE   (ESM cause < 48, TS 24.301 9.9.4.4: +CME ERROR 100+CAUSE)
 *   apn NAME hang                            (never answers the activation)
 * Control FIFO, one command a line:
 *   deact CID                       network-initiated deactivation (+CGEV)
 *   plmn MCCMNC home|roaming TAC CELLID   serving cell change (+CEREG URC)
 */
#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "at-codec.h"
#include "tests/bench/emu-common.h"

#define EMU_CIDS 8
#define EMU_APNS 16

enum emu_verdict { EMU_ACCEPT, EMU_REJECT, EMU_HANG };

struct emu_apn {
	char name[AT_ARG_MAX];
	enum emu_verdict verdict;
	unsigned int cause;
	char addr[48], gw[48], dns[48], pcscf[48];
	unsigned int prefix;
};

struct emu_ctx {
	bool defined, active;
	char type[16];
	char apn[AT_ARG_MAX];
	struct emu_port *data_port; /* PPP data mode after ATD */
};

struct emu_port {
	int fd;
	unsigned int id;
	guint watch;
	bool echo;
	bool data_mode;
	unsigned int creg_n, cgreg_n, cereg_n;
	unsigned int cgerep;
	uint8_t buf[AT_LINE_MAX * 2];
	size_t len;
};

static struct {
	char imei[20], imsi[20];
	char mcc[4], mnc[4];
	bool roaming;
	unsigned int tac, cell;
	unsigned int cops_format;
	struct emu_apn apns[EMU_APNS];
	size_t n_apns;
	struct emu_ctx ctx[EMU_CIDS + 1];
	GList *ports;
	unsigned int next_port;
} emu = {
	.imei = "356938035643809",
	.imsi = "001010000000001",
	.mcc = "001",
	.mnc = "01",
	.tac = 0x64,
	.cell = 0x1234,
	.cops_format = 2,
};

static void emu_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void emu_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void emu_write(struct emu_port *p, const char *s)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		/* MSG_NOSIGNAL: a port ModemManager closed must not kill the modem. */
		ssize_t n = send(p->fd, s + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

/* Sends one information or final line, framed as in V.250 5.7.1 (ATV1). */
static void emu_reply(struct emu_port *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void emu_reply(struct emu_port *p, const char *fmt, ...)
{
	va_list ap;
	char *s, *framed;

	va_start(ap, fmt);
	s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	emu_log("port%u -> %s", p->id, s);
	framed = g_strdup_printf("\r\n%s\r\n", s);
	emu_write(p, framed);
	g_free(framed);
	g_free(s);
}

static const char *emu_stat(void)
{
	return emu.roaming ? "5" : "1";
}

static void emu_reg_line(struct emu_port *p, const char *name, unsigned int n, bool urc)
{
	if (urc) {
		if (n == 1)
			emu_reply(p, "%s: %s", name, emu_stat());
		else if (n >= 2)
			emu_reply(p, "%s: %s,\"%04X\",\"%08X\",7", name, emu_stat(), emu.tac,
				  emu.cell);
		return;
	}
	if (n >= 2)
		emu_reply(p, "%s: %u,%s,\"%04X\",\"%08X\",7", name, n, emu_stat(), emu.tac,
			  emu.cell);
	else
		emu_reply(p, "%s: %u,%s", name, n, emu_stat());
}

static struct emu_apn *emu_apn_find(const char *name)
{
	size_t i;

	for (i = 0; i < emu.n_apns; i++)
		if (!g_ascii_strcasecmp(emu.apns[i].name, name))
			return &emu.apns[i];
	return NULL;
}

static int emu_cid(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1 || v > EMU_CIDS)
		return -1;
	return (int)v;
}

/* Activates context @cid; returns NULL when accepted, else the final result line. */
static const char *emu_activate(int cid, bool *hang)
{
	static char res[32];
	struct emu_apn *a;

	*hang = false;
	if (!emu.ctx[cid].defined)
		return "+CME ERROR: 143"; /* unknown PDP context */
	a = emu_apn_find(emu.ctx[cid].apn);
	if (!a) {
		emu_log("context %d: APN '%s' unknown: cause 27", cid, emu.ctx[cid].apn);
		return "+CME ERROR: 127";
	}
	switch (a->verdict) {
	case EMU_ACCEPT:
		emu.ctx[cid].active = true;
		emu_log("context %d: APN '%s' activated", cid, a->name);
		return NULL;
	case EMU_REJECT:
		/* TS 27.007 9.2.3: +CME ERROR 100 + ESM cause. */
		emu_log("context %d: APN '%s' rejected: cause %u", cid, a->name, a->cause);
		g_snprintf(res, sizeof(res), "+CME ERROR: %u", 100 + a->cause);
		return res;
	case EMU_HANG:
		emu_log("context %d: APN '%s' holding the activation (hang)", cid, a->name);
		*hang = true;
		return NULL;
	}
	return "ERROR";
}

static void emu_cmd_cgdcont(struct emu_port *p, const struct at_cmd *c)
{
	int cid;

	switch (c->form) {
	case AT_FORM_TEST:
		emu_reply(p, "+CGDCONT: (1-%d),\"IP\",,,(0-2),(0-4)", EMU_CIDS);
		emu_reply(p, "+CGDCONT: (1-%d),\"IPV6\",,,(0-2),(0-4)", EMU_CIDS);
		emu_reply(p, "+CGDCONT: (1-%d),\"IPV4V6\",,,(0-2),(0-4)", EMU_CIDS);
		break;
	case AT_FORM_READ:
		for (cid = 1; cid <= EMU_CIDS; cid++)
			if (emu.ctx[cid].defined)
				emu_reply(p, "+CGDCONT: %d,\"%s\",\"%s\",\"\",0,0", cid,
					  emu.ctx[cid].type, emu.ctx[cid].apn);
		break;
	case AT_FORM_SET:
		cid = emu_cid(c->args[0]);
		if (cid < 0) {
			emu_reply(p, "+CME ERROR: 50");
			return;
		}
		if (c->n_args == 1) {
			memset(&emu.ctx[cid], 0, sizeof(emu.ctx[cid]));
			break;
		}
		emu.ctx[cid].defined = true;
		g_strlcpy(emu.ctx[cid].type, c->args[1], sizeof(emu.ctx[cid].type));
		g_strlcpy(emu.ctx[cid].apn, c->n_args > 2 ? c->args[2] : "",
			  sizeof(emu.ctx[cid].apn));
		break;
	case AT_FORM_ACTION:
		break;
	}
	emu_reply(p, "OK");
}

static void emu_cmd_cgact(struct emu_port *p, const struct at_cmd *c)
{
	const char *res;
	bool hang;
	int cid;

	if (c->form == AT_FORM_READ) {
		for (cid = 1; cid <= EMU_CIDS; cid++)
			if (emu.ctx[cid].defined)
				emu_reply(p, "+CGACT: %d,%d", cid, emu.ctx[cid].active);
		emu_reply(p, "OK");
		return;
	}
	if (c->form == AT_FORM_TEST) {
		emu_reply(p, "+CGACT: (0-1)");
		emu_reply(p, "OK");
		return;
	}
	if (c->form != AT_FORM_SET || c->n_args < 2 || (cid = emu_cid(c->args[1])) < 0) {
		emu_reply(p, "ERROR");
		return;
	}
	if (!strcmp(c->args[0], "0")) {
		emu.ctx[cid].active = false;
		emu_reply(p, "OK");
		return;
	}
	res = emu_activate(cid, &hang);
	if (!hang)
		emu_reply(p, "%s", res ? res : "OK");
}

/* ATD*99***<cid># (TS 27.007 10.2.1.1): PPP data mode on this port. */
static void emu_cmd_dial(struct emu_port *p, const struct at_cmd *c)
{
	const char *res;
	int cid = 1;
	bool hang;

	if (g_str_has_prefix(c->args[0], "*99***")) {
		char num[8] = "";

		sscanf(c->args[0] + 6, "%7[0-9]", num);
		cid = emu_cid(num);
	} else if (!g_str_has_prefix(c->args[0], "*99")) {
		emu_reply(p, "NO CARRIER");
		return;
	}
	if (cid < 0) {
		emu_reply(p, "+CME ERROR: 50");
		return;
	}
	res = emu_activate(cid, &hang);
	if (hang)
		return;
	if (res) {
		emu_reply(p, "%s", res);
		return;
	}
	emu.ctx[cid].data_port = p;
	p->data_mode = true;
	emu_reply(p, "CONNECT 150000000");
}

static void emu_cmd_cgpaddr(struct emu_port *p, const struct at_cmd *c)
{
	int cid;

	for (cid = 1; cid <= EMU_CIDS; cid++) {
		struct emu_apn *a;

		if (!emu.ctx[cid].active || (c->form == AT_FORM_SET && emu_cid(c->args[0]) != cid))
			continue;
		a = emu_apn_find(emu.ctx[cid].apn);
		emu_reply(p, "+CGPADDR: %d,\"%s\"", cid, a ? a->addr : "");
	}
	emu_reply(p, "OK");
}

/* TS 27.007 10.1.23: addresses, gateway, DNS and P-CSCF of an active context. */
static void emu_cmd_cgcontrdp(struct emu_port *p, const struct at_cmd *c)
{
	int cid;

	for (cid = 1; cid <= EMU_CIDS; cid++) {
		struct emu_apn *a;
		unsigned int m;

		if (!emu.ctx[cid].active || (c->form == AT_FORM_SET && emu_cid(c->args[0]) != cid))
			continue;
		a = emu_apn_find(emu.ctx[cid].apn);
		if (!a)
			continue;
		m = a->prefix ? 0xffffffffu << (32 - a->prefix) : 0;
		emu_reply(p, "+CGCONTRDP: %d,5,\"%s\",\"%s.%u.%u.%u.%u\",\"%s\",\"%s\",\"\",\"%s\"",
			  cid, a->name, a->addr, m >> 24, (m >> 16) & 255, (m >> 8) & 255, m & 255,
			  a->gw, a->dns, a->pcscf);
	}
	emu_reply(p, "OK");
}

static void emu_cmd_reg(struct emu_port *p, const struct at_cmd *c, unsigned int *n)
{
	if (c->form == AT_FORM_SET)
		*n = (unsigned int)atoi(c->args[0]);
	else if (c->form == AT_FORM_READ)
		emu_reg_line(p, c->name, *n, false);
	else if (c->form == AT_FORM_TEST)
		emu_reply(p, "%s: (0-2)", c->name);
	emu_reply(p, "OK");
}

static void emu_cmd_cops(struct emu_port *p, const struct at_cmd *c)
{
	if (c->form == AT_FORM_SET && c->n_args >= 2 && !strcmp(c->args[0], "3"))
		emu.cops_format = (unsigned int)atoi(c->args[1]);
	else if (c->form == AT_FORM_READ && emu.cops_format == 2)
		emu_reply(p, "+COPS: 0,2,\"%s%s\",7", emu.mcc, emu.mnc);
	else if (c->form == AT_FORM_READ)
		emu_reply(p, "+COPS: 0,%u,\"mcmig %s%s\",7", emu.cops_format, emu.mcc, emu.mnc);
	else if (c->form == AT_FORM_TEST)
		emu_reply(p, "+COPS: (2,\"mcmig %s%s\",\"mcmig\",\"%s%s\",7),,(0-4),(0-2)", emu.mcc,
			  emu.mnc, emu.mcc, emu.mnc);
	emu_reply(p, "OK");
}

struct emu_simple {
	const char *name;
	enum at_form form;
	const char *info; /* NULL: just OK */
};

/* Fixed answers; anything not here and not handled below gets ERROR. */
static const struct emu_simple emu_simple[] = {
	{ "+GCAP", AT_FORM_ACTION, "+GCAP: +CGSM" },
	{ "+CGMI", AT_FORM_ACTION, "mcmig" },
	{ "+GMI", AT_FORM_ACTION, "mcmig" },
	{ "+CGMM", AT_FORM_ACTION, "AT-EMU LTE" },
	{ "+GMM", AT_FORM_ACTION, "AT-EMU LTE" },
	{ "+CGMR", AT_FORM_ACTION, "1.0" },
	{ "+GMR", AT_FORM_ACTION, "1.0" },
	{ "+CPIN", AT_FORM_READ, "+CPIN: READY" },
	{ "+CFUN", AT_FORM_READ, "+CFUN: 1" },
	{ "+CFUN", AT_FORM_SET, NULL },
	{ "+CMEE", AT_FORM_SET, NULL },
	{ "+CMEE", AT_FORM_READ, "+CMEE: 1" },
	{ "+WS46", AT_FORM_TEST, "+WS46: (12,22,28)" },
	{ "+WS46", AT_FORM_READ, "+WS46: 28" },
	{ "+CSQ", AT_FORM_ACTION, "+CSQ: 20,99" },
	{ "+CESQ", AT_FORM_ACTION, "+CESQ: 99,99,255,255,20,50" },
	{ "+CGATT", AT_FORM_READ, "+CGATT: 1" },
	{ "+CGATT", AT_FORM_SET, NULL },
	{ "+CGEREP", AT_FORM_TEST, "+CGEREP: (0-2),(0-1)" },
	{ "+CNUM", AT_FORM_ACTION, NULL },
	{ "+CSCS", AT_FORM_SET, NULL },
	{ "+CGPADDR", AT_FORM_TEST, "+CGPADDR: (1-8)" },
	{ "+CGCONTRDP", AT_FORM_TEST, "+CGCONTRDP: (1-8)" },
};

static void emu_command(struct emu_port *p, const char *line)
{
	struct at_cmd c;
	size_t i;

	emu_log("port%u <- %s", p->id, line);
	if (at_parse(line, &c)) {
		emu_reply(p, "ERROR");
		return;
	}
	if (c.name[0] != '+' && c.name[0] != 'D') {
		/* Basic commands: ATZ restores E1, ATE0/ATE1 switch echo. */
		if (c.name[0] == 'Z')
			p->echo = true;
		if (strstr(c.name, "E0"))
			p->echo = false;
		else if (strstr(c.name, "E1"))
			p->echo = true;
		if (!strcmp(c.name, "I"))
			emu_reply(p, "mcmig AT emulator");
		if (!strcmp(c.name, "H")) {
			for (i = 1; i <= EMU_CIDS; i++)
				if (emu.ctx[i].data_port == p)
					emu.ctx[i].data_port = NULL;
		}
		emu_reply(p, "OK");
		return;
	}
	if (!strcmp(c.name, "D"))
		return emu_cmd_dial(p, &c);
	if (!strcmp(c.name, "+CGSN") || !strcmp(c.name, "+GSN")) {
		emu_reply(p, "%s", emu.imei);
		emu_reply(p, "OK");
		return;
	}
	if (!strcmp(c.name, "+CIMI")) {
		emu_reply(p, "%s", emu.imsi);
		emu_reply(p, "OK");
		return;
	}
	if (!strcmp(c.name, "+CGDCONT"))
		return emu_cmd_cgdcont(p, &c);
	if (!strcmp(c.name, "+CGACT"))
		return emu_cmd_cgact(p, &c);
	if (!strcmp(c.name, "+CGPADDR") && c.form != AT_FORM_TEST)
		return emu_cmd_cgpaddr(p, &c);
	if (!strcmp(c.name, "+CGCONTRDP") && c.form != AT_FORM_TEST)
		return emu_cmd_cgcontrdp(p, &c);
	if (!strcmp(c.name, "+CREG"))
		return emu_cmd_reg(p, &c, &p->creg_n);
	if (!strcmp(c.name, "+CGREG"))
		return emu_cmd_reg(p, &c, &p->cgreg_n);
	if (!strcmp(c.name, "+CEREG"))
		return emu_cmd_reg(p, &c, &p->cereg_n);
	if (!strcmp(c.name, "+COPS"))
		return emu_cmd_cops(p, &c);
	if (!strcmp(c.name, "+CGEREP") && c.form == AT_FORM_SET) {
		p->cgerep = (unsigned int)atoi(c.args[0]);
		emu_reply(p, "OK");
		return;
	}
	for (i = 0; i < G_N_ELEMENTS(emu_simple); i++) {
		if (strcmp(emu_simple[i].name, c.name) || emu_simple[i].form != c.form)
			continue;
		if (emu_simple[i].info)
			emu_reply(p, "%s", emu_simple[i].info);
		emu_reply(p, "OK");
		return;
	}
	emu_reply(p, "ERROR");
}

static void emu_port_free(struct emu_port *p)
{
	size_t i;

	for (i = 1; i <= EMU_CIDS; i++)
		if (emu.ctx[i].data_port == p)
			emu.ctx[i].data_port = NULL;
	emu.ports = g_list_remove(emu.ports, p);
	close(p->fd);
	g_free(p);
}

/* Data mode: only the V.250 escape "+++" matters; the PPP bytes are dropped. */
static void emu_data(struct emu_port *p)
{
	if (g_strstr_len((const char *)p->buf, (gssize)p->len, "+++")) {
		emu_log("port%u: escape from data mode", p->id);
		p->data_mode = false;
		emu_reply(p, "OK");
	}
	p->len = 0;
}

static gboolean emu_port_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct emu_port *p = data;
	char line[AT_LINE_MAX];
	ssize_t n;
	int used;

	n = read(fd, p->buf + p->len, sizeof(p->buf) - p->len);
	if (n <= 0) {
		emu_log("port%u: closed", p->id);
		emu_port_free(p);
		return G_SOURCE_REMOVE;
	}
	if (p->echo && !p->data_mode)
		(void)!send(p->fd, p->buf + p->len, (size_t)n, MSG_NOSIGNAL);
	p->len += (size_t)n;
	if (p->data_mode) {
		emu_data(p);
		return G_SOURCE_CONTINUE;
	}
	while ((used = at_next_line(p->buf, p->len, line)) > 0) {
		memmove(p->buf, p->buf + used, p->len - (size_t)used);
		p->len -= (size_t)used;
		if (line[0])
			emu_command(p, line);
		if (p->data_mode) {
			p->len = 0;
			break;
		}
	}
	if (used < 0) {
		emu_log("port%u: line too long, dropped", p->id);
		p->len = 0;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean emu_accept(gint fd, GIOCondition cond, gpointer data)
{
	struct emu_port *p;
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (c < 0)
		return G_SOURCE_CONTINUE;
	p = g_new0(struct emu_port, 1);
	p->fd = c;
	p->id = emu.next_port++;
	p->echo = true;
	emu.ports = g_list_append(emu.ports, p);
	p->watch = g_unix_fd_add(c, G_IO_IN | G_IO_HUP | G_IO_ERR, emu_port_readable, p);
	emu_log("port%u: connected on %s", p->id, (const char *)data);
	return G_SOURCE_CONTINUE;
}

/* TS 27.007 10.1.19: "+CGEV: NW PDN DEACT <cid>" on the command ports. */
static void emu_nw_deact(int cid)
{
	GList *l;

	if (cid < 0 || !emu.ctx[cid].active) {
		emu_log("control: context %d is not active", cid);
		return;
	}
	emu.ctx[cid].active = false;
	if (emu.ctx[cid].data_port) {
		struct emu_port *d = emu.ctx[cid].data_port;

		/* The PPP link ends: NO CARRIER, then the line drops (DCD off). */
		d->data_mode = false;
		emu_reply(d, "NO CARRIER");
		emu_log("port%u: hanging up the data port", d->id);
		g_source_remove(d->watch);
		emu_port_free(d);
	}
	for (l = emu.ports; l; l = l->next) {
		struct emu_port *p = l->data;

		if (!p->data_mode && p->cgerep)
			emu_reply(p, "+CGEV: NW PDN DEACT %d", cid);
	}
}

static int emu_set_plmn(char **v, guint n)
{
	if (n < 4 || (strlen(v[0]) != 5 && strlen(v[0]) != 6))
		return -EINVAL;
	g_strlcpy(emu.mcc, v[0], 4);
	g_strlcpy(emu.mnc, v[0] + 3, sizeof(emu.mnc));
	emu.roaming = !strcmp(v[1], "roaming");
	emu.tac = (unsigned int)strtoul(v[2], NULL, 16);
	emu.cell = (unsigned int)strtoul(v[3], NULL, 16);
	return 0;
}

/* TS 27.007 10.1.22: "+CEREG: <stat>,<tac>,<ci>,<AcT>" to ports that asked. */
static void emu_serving_changed(void)
{
	GList *l;

	for (l = emu.ports; l; l = l->next) {
		struct emu_port *p = l->data;

		if (p->data_mode)
			continue;
		if (p->cereg_n)
			emu_reg_line(p, "+CEREG", p->cereg_n, true);
		if (p->creg_n)
			emu_reg_line(p, "+CREG", p->creg_n, true);
	}
}

static gboolean emu_control(gint fd, GIOCondition cond, gpointer data)
{
	static char acc[512];
	static size_t len;
	char *nl;
	ssize_t n = read(fd, acc + len, sizeof(acc) - 1 - len);

	if (n <= 0)
		return G_SOURCE_CONTINUE; /* the writer went away; the FIFO stays open */
	len += (size_t)n;
	acc[len] = '\0';
	while ((nl = strchr(acc, '\n'))) {
		char **v;
		guint c;

		*nl = '\0';
		v = g_strsplit_set(g_strstrip(acc), " \t", -1);
		c = g_strv_length(v);
		emu_log("control: %s", acc);
		if (c == 2 && !strcmp(v[0], "deact"))
			emu_nw_deact(emu_cid(v[1]));
		else if (c >= 1 && !strcmp(v[0], "plmn") && !emu_set_plmn(v + 1, c - 1))
			emu_serving_changed();
		else
			emu_log("control: bad command");
		g_strfreev(v);
		len -= (size_t)(nl + 1 - acc);
		memmove(acc, nl + 1, len + 1);
	}
	if (len == sizeof(acc) - 1)
		len = 0;
	return G_SOURCE_CONTINUE;
}

static int emu_scenario_line(char **v, guint n)
{
	struct emu_apn *a;

	if (n == 2 && !strcmp(v[0], "imei"))
		return g_strlcpy(emu.imei, v[1], sizeof(emu.imei)) < sizeof(emu.imei) ? 0 : -EINVAL;
	if (n == 2 && !strcmp(v[0], "imsi"))
		return g_strlcpy(emu.imsi, v[1], sizeof(emu.imsi)) < sizeof(emu.imsi) ? 0 : -EINVAL;
	if (n >= 1 && !strcmp(v[0], "plmn"))
		return emu_set_plmn(v + 1, n - 1);
	if (n < 3 || strcmp(v[0], "apn") || emu.n_apns == EMU_APNS)
		return -EINVAL;
	a = &emu.apns[emu.n_apns];
	g_strlcpy(a->name, v[1], sizeof(a->name));
	if (!strcmp(v[2], "accept") && n == 7) {
		char *slash = strchr(v[3], '/');

		if (!slash)
			return -EINVAL;
		*slash = '\0';
		a->verdict = EMU_ACCEPT;
		a->prefix = (unsigned int)atoi(slash + 1);
		if (a->prefix > 32)
			return -EINVAL;
		g_strlcpy(a->addr, v[3], sizeof(a->addr));
		g_strlcpy(a->gw, v[4], sizeof(a->gw));
		g_strlcpy(a->dns, v[5], sizeof(a->dns));
		g_strlcpy(a->pcscf, v[6], sizeof(a->pcscf));
	} else if (!strcmp(v[2], "reject") && n == 4) {
		a->verdict = EMU_REJECT;
		a->cause = (unsigned int)atoi(v[3]);
	} else if (!strcmp(v[2], "hang") && n == 3) {
		a->verdict = EMU_HANG;
	} else {
		return -EINVAL;
	}
	emu.n_apns++;
	return 0;
}

static int emu_load(const char *path)
{
	gchar *text, **lines;
	GError *e = NULL;
	guint i;
	int ret = 0;

	if (!g_file_get_contents(path, &text, NULL, &e)) {
		emu_log("at-emu: %s", e->message);
		g_error_free(e);
		return -ENOENT;
	}
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] && !ret; i++) {
		char *l = g_strstrip(lines[i]), **v;

		if (!*l || *l == '#')
			continue;
		v = g_strsplit_set(l, " \t", -1);
		ret = emu_scenario_line(v, g_strv_length(v));
		if (ret)
			emu_log("at-emu: %s:%u: bad directive '%s'", path, i + 1, l);
		g_strfreev(v);
	}
	g_strfreev(lines);
	g_free(text);
	return ret;
}

static gboolean emu_quit(gpointer loop)
{
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
	const char *scenario = NULL, *control = NULL;
	GMainLoop *loop;
	int i, fd;

	setvbuf(stderr, NULL, _IOLBF, 0);
	for (i = 1; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			break;
		if (!strcmp(argv[i], "--scenario"))
			scenario = argv[i + 1];
		else if (!strcmp(argv[i], "--control"))
			control = argv[i + 1];
		else
			break;
	}
	if (!scenario || i >= argc) {
		fprintf(stderr, "usage: at-emu --scenario FILE [--control FIFO] SOCKET...\n");
		return 2;
	}
	if (emu_load(scenario))
		return 1;
	loop = g_main_loop_new(NULL, FALSE);
	for (; i < argc; i++) {
		fd = emu_listen_abstract(argv[i], SOCK_NONBLOCK);
		if (fd < 0) {
			fprintf(stderr, "at-emu: listen on @%s: %s\n", argv[i], strerror(-fd));
			return 1;
		}
		g_unix_fd_add(fd, G_IO_IN, emu_accept, argv[i]);
		emu_log("at-emu: listening on @%s", argv[i]);
	}
	if (control) {
		if (mkfifo(control, 0600) < 0 && errno != EEXIST) {
			fprintf(stderr, "at-emu: mkfifo %s: %s\n", control, strerror(errno));
			return 1;
		}
		/* O_RDWR keeps the FIFO open between writers. */
		fd = open(control, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "at-emu: open %s: %s\n", control, strerror(errno));
			return 1;
		}
		g_unix_fd_add(fd, G_IO_IN, emu_control, NULL);
	}
	g_unix_signal_add(SIGTERM, emu_quit, loop);
	g_unix_signal_add(SIGINT, emu_quit, loop);
	g_main_loop_run(loop);
	g_main_loop_unref(loop);
	return 0;
}
