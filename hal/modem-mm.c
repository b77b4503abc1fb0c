// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Modem backend over ModemManager (libmm-glib 1.20): for modems that only
 * ModemManager drives (AT, or shared with other clients).
 *
 * open: the D-Bus bus is configuration ("system", "session" or a D-Bus
 * address); the modem is the first one ("any"), or the one whose object
 * path, device or primary port equals modem_config.device. The modem is
 * enabled if it is disabled, and 3GPP location (LAC/TAC/cell id) is switched
 * on with signalling so that the serving cell follows the network.
 *
 * Serving network: Modem3gpp OperatorCode (MCC/MNC) and RegistrationState,
 * Modem AccessTechnologies, Location 3GPP; any change of those properties
 * gives one serving_changed when the consolidated result differs.
 *
 * PDNs: one bearer each (CreateBearer with APN, ip-type, allowed-auth, user,
 * password, then Connect); settings come from the bearer's Ip4Config and
 * Ip6Config. Only the "static" method carries addresses: with "ppp" (AT data
 * ports) or "dhcp" ModemManager does not know them and the settings hold the
 * interface only. ModemManager 1.20 exports no P-CSCF addresses. A bearer
 * whose Connected property falls without our Disconnect is reported with
 * pdn_dropped; the modem object leaving the bus (ModemManager gone, modem
 * unplugged or failed) with vanished.
 *
 * Errors: GError domains of libmm-glib and GDBus become -errno plus a reason
 * naming the 3GPP cause where there is one; the original is logged once.
 */
#include <errno.h>
#include <libmm-glib.h>
#include <stdio.h>
#include <string.h>

#include "modem.h"
#include "util.h"

#define MM_OPEN_TIMEOUT_MS 30000
/* Connected is a cached property: it may change just after Connect returns. */
#define MM_CONNECTED_WAIT_MS 2000

enum mm_op_kind {
	MM_OP_OPEN,
	MM_OP_SERVING,
	MM_OP_CONNECT,
	MM_OP_DISCONNECT,
	MM_OP_IMEI,
	MM_OP_RELEASE,
};

struct mm_pdn {
	modem_pdn_id id;
	MMBearer *bearer;
	gulong notify_id;
	bool disconnecting;
};

/*
 * One pending call. It stays allocated while libmm-glib holds it (inflight)
 * and until its callback ran (done); close() delivers -ECANCELED at once and
 * leaves stragglers to free it.
 */
struct mm_op {
	struct modem *m; /* NULL once close() took it over */
	enum mm_op_kind kind;
	union {
		modem_done_cb done;
		modem_serving_cb serving;
		modem_connect_cb connect;
		modem_imei_cb imei;
	} cb;
	void *user_data;
	GCancellable *cancel;
	unsigned int inflight;
	bool done;
	guint idle;
	int err;
	char reason[MODEM_REASON_MAX];
	struct modem_serving serving;
	char imei[MODEM_IMEI_MAX];
	struct modem_pdn_settings settings;
	struct mm_pdn *pdn;	 /* connect: owned until success; disconnect: borrowed */
	modem_pdn_id id;	 /* connect: the PDN's id, reported before CreateBearer */
	char apn[MODEM_APN_MAX]; /* release: bearers on this APN to look for */
	guint wait_timer;	 /* connect: waiting for Connected */
	bool bus_address;	 /* open: the bus is a D-Bus address */
	gulong wait_notify;
};

struct modem {
	char *device;
	char *bus;
	unsigned int timeout_ms;
	struct modem_events ev;
	GDBusConnection *conn;
	MMManager *manager;
	gulong added_id, removed_id;
	MMObject *object;
	MMModem *modem;
	MMModem3gpp *m3gpp;
	MMModemLocation *loc;
	gulong state_id;
	gulong notify_ids[4];
	struct mm_op *open_op;
	guint open_timer;
	bool enabling, location_started, opened, gone;
	GList *ops;
	GList *pdns;
	modem_pdn_id next_id;
	struct modem_serving last;
	guint serving_idle;
};

/* ---- errors ---------------------------------------------------------- */

/*
 * Session management rejections as ModemManager names them (TS 27.007 9.2.3
 * numbering) and the TS 24.301 9.9.4.4 ESM cause each stands for; errno and
 * text come from the shared table (modem_cause_reason()), so that a cause
 * means the same here as on QMI and MBIM. ModemManager's own message is in
 * the debug log.
 */
static const struct {
	int code;
	unsigned int cause;
} mm_causes[] = {
	{ MM_MOBILE_EQUIPMENT_ERROR_OPERATOR_DETERMINED_BARRING, 8 },
	{ MM_MOBILE_EQUIPMENT_ERROR_CONGESTION, 22 },
	{ MM_MOBILE_EQUIPMENT_ERROR_INSUFFICIENT_RESOURCES, 26 },
	{ MM_MOBILE_EQUIPMENT_ERROR_MISSING_OR_UNKNOWN_APN, 27 },
	{ MM_MOBILE_EQUIPMENT_ERROR_UNKNOWN_PDP_ADDRESS_OR_TYPE, 28 },
	{ MM_MOBILE_EQUIPMENT_ERROR_USER_AUTHENTICATION_FAILED, 29 },
	{ MM_MOBILE_EQUIPMENT_ERROR_ACTIVATION_REJECTED_BY_GGSN_OR_GW, 30 },
	{ MM_MOBILE_EQUIPMENT_ERROR_ACTIVATION_REJECTED_UNSPECIFIED, 31 },
	{ MM_MOBILE_EQUIPMENT_ERROR_SERVICE_OPTION_NOT_SUPPORTED, 32 },
	{ MM_MOBILE_EQUIPMENT_ERROR_SERVICE_OPTION_NOT_SUBSCRIBED, 33 },
	{ MM_MOBILE_EQUIPMENT_ERROR_SERVICE_OPTION_OUT_OF_ORDER, 34 },
	{ MM_MOBILE_EQUIPMENT_ERROR_IPV4_ONLY_ALLOWED, 50 },
	{ MM_MOBILE_EQUIPMENT_ERROR_IPV6_ONLY_ALLOWED, 51 },
	{ MM_MOBILE_EQUIPMENT_ERROR_MAXIMUM_NUMBER_OF_BEARERS_REACHED, 65 },
	{ MM_MOBILE_EQUIPMENT_ERROR_REQUESTED_APN_NOT_SUPPORTED, 66 },
};

static int mm_error_mobile(const GError *e, char *reason, size_t size, const char *msg)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mm_causes); i++)
		if (mm_causes[i].code == e->code)
			return modem_cause_reason(mm_causes[i].cause, reason, size);
	/* 101..147: the other GMM/ESM causes, numbered 100 + cause. */
	if (e->code > 100 && e->code < 148) {
		snprintf(reason, size, "rejected by the network (3GPP cause %d; ModemManager: %s)",
			 e->code - 100, msg);
		return -ECONNREFUSED;
	}
	switch (e->code) {
	case MM_MOBILE_EQUIPMENT_ERROR_PDP_AUTH_FAILURE:
		/* TS 27.007 9.2.3 149: the modem's own verdict, no network cause. */
		snprintf(reason, size, "authentication failed (ModemManager: %s)", msg);
		return -EACCES;
	case MM_MOBILE_EQUIPMENT_ERROR_SIM_NOT_INSERTED:
		snprintf(reason, size, "no SIM (ModemManager: %s)", msg);
		return -ENODEV;
	case MM_MOBILE_EQUIPMENT_ERROR_SIM_PIN:
	case MM_MOBILE_EQUIPMENT_ERROR_SIM_PUK:
	case MM_MOBILE_EQUIPMENT_ERROR_INCORRECT_PASSWORD:
		snprintf(reason, size, "SIM locked (ModemManager: %s)", msg);
		return -EACCES;
	case MM_MOBILE_EQUIPMENT_ERROR_NO_NETWORK:
	case MM_MOBILE_EQUIPMENT_ERROR_NETWORK_TIMEOUT:
		snprintf(reason, size, "no network (ModemManager: %s)", msg);
		return -ENETUNREACH;
	case MM_MOBILE_EQUIPMENT_ERROR_NOT_ALLOWED:
		snprintf(reason, size, "operation not allowed (ModemManager: %s)", msg);
		return -EPERM;
	case MM_MOBILE_EQUIPMENT_ERROR_NOT_SUPPORTED:
		snprintf(reason, size, "not supported by the modem (ModemManager: %s)", msg);
		return -EOPNOTSUPP;
	default:
		snprintf(reason, size, "modem error %d (ModemManager: %s)", e->code, msg);
		return -EIO;
	}
}

static int mm_error_core(int code)
{
	switch (code) {
	case MM_CORE_ERROR_CANCELLED:
	case MM_CORE_ERROR_ABORTED:
		return -ECANCELED;
	case MM_CORE_ERROR_UNSUPPORTED:
		return -EOPNOTSUPP;
	case MM_CORE_ERROR_NO_PLUGINS:
		return -ENODEV;
	case MM_CORE_ERROR_UNAUTHORIZED:
		return -EPERM;
	case MM_CORE_ERROR_INVALID_ARGS:
		return -EINVAL;
	case MM_CORE_ERROR_IN_PROGRESS:
	case MM_CORE_ERROR_WRONG_STATE:
	case MM_CORE_ERROR_WRONG_SIM_STATE:
		return -EBUSY;
	case MM_CORE_ERROR_CONNECTED:
		return -EISCONN;
	case MM_CORE_ERROR_TOO_MANY:
		return -ENOSPC;
	case MM_CORE_ERROR_NOT_FOUND:
		return -ENOENT;
	case MM_CORE_ERROR_RETRY:
		return -EAGAIN;
	case MM_CORE_ERROR_EXISTS:
		return -EEXIST;
	default:
		return -EIO;
	}
}

static int mm_error_other(const GError *e)
{
	if (e->domain == MM_CONNECTION_ERROR)
		return -ECONNREFUSED;
	if (e->domain == MM_SERIAL_ERROR) {
		switch (e->code) {
		case MM_SERIAL_ERROR_OPEN_FAILED:
			return -EBUSY;
		case MM_SERIAL_ERROR_RESPONSE_TIMEOUT:
			return -ETIMEDOUT;
		case MM_SERIAL_ERROR_OPEN_FAILED_NO_DEVICE:
			return -ENODEV;
		default:
			return -EIO;
		}
	}
	if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return -ECANCELED;
	if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
	    g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
	    g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT) ||
	    g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_TIMED_OUT))
		return -ETIMEDOUT;
	if (g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
	    g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
	    g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
	    g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
	    g_error_matches(e, G_IO_ERROR, G_IO_ERROR_CLOSED))
		return -ENODEV;
	if (g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
	    g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED))
		return -EPERM;
	return -EIO;
}

/* Translates @e at the HAL boundary; logs the original once. */
static int mm_error(const GError *e, const char *what, char *reason, size_t size)
{
	GError *copy = g_error_copy(e);
	char *msg;
	int err;

	/* "GDBus.Error:org.freedesktop.ModemManager1.Error...: text" -> "text" */
	g_dbus_error_strip_remote_error(copy);
	msg = g_strdup(copy->message);
	g_error_free(copy);
	g_debug("modem-mm: %s: %s (%s %d)", what, e->message, g_quark_to_string(e->domain),
		e->code);
	if (e->domain == MM_MOBILE_EQUIPMENT_ERROR) {
		err = mm_error_mobile(e, reason, size, msg);
	} else {
		err = e->domain == MM_CORE_ERROR ? mm_error_core(e->code) : mm_error_other(e);
		snprintf(reason, size, "%s: %s", what, msg);
	}
	g_free(msg);
	return err;
}

/* ---- pending calls ---------------------------------------------------- */

static struct mm_op *mm_op_new(struct modem *m, enum mm_op_kind kind, void *user_data)
{
	struct mm_op *op = g_new0(struct mm_op, 1);

	op->m = m;
	op->kind = kind;
	op->user_data = user_data;
	op->cancel = g_cancellable_new();
	if (m)
		m->ops = g_list_prepend(m->ops, op);
	return op;
}

static void mm_pdn_free(struct mm_pdn *pdn)
{
	if (!pdn)
		return;
	if (pdn->notify_id)
		g_signal_handler_disconnect(pdn->bearer, pdn->notify_id);
	g_clear_object(&pdn->bearer);
	g_free(pdn);
}

static void mm_op_stop_wait(struct mm_op *op)
{
	if (op->wait_timer)
		g_source_remove(op->wait_timer);
	op->wait_timer = 0;
	if (op->wait_notify && op->pdn)
		g_signal_handler_disconnect(op->pdn->bearer, op->wait_notify);
	op->wait_notify = 0;
}

static void mm_op_free_if_idle(struct mm_op *op)
{
	if (!op->done || op->inflight)
		return;
	if (op->kind == MM_OP_CONNECT)
		mm_pdn_free(op->pdn);
	g_clear_object(&op->cancel);
	util_wipe(&op->settings, sizeof(op->settings));
	g_free(op);
}

static void mm_op_call(struct mm_op *op, int err, const char *reason)
{
	switch (op->kind) {
	case MM_OP_OPEN:
	case MM_OP_DISCONNECT:
	case MM_OP_RELEASE:
		op->cb.done(err, reason, op->user_data);
		break;
	case MM_OP_SERVING:
		op->cb.serving(err, reason, err ? NULL : &op->serving, op->user_data);
		break;
	case MM_OP_CONNECT:
		op->cb.connect(err, reason, err ? 0 : op->pdn->id, err ? NULL : &op->settings,
			       op->user_data);
		break;
	case MM_OP_IMEI:
		op->cb.imei(err, reason, err ? NULL : op->imei, op->user_data);
		break;
	}
}

static gboolean mm_op_deliver(gpointer data)
{
	struct mm_op *op = data;
	struct modem *m = op->m;

	op->idle = 0;
	op->done = true;
	m->ops = g_list_remove(m->ops, op);
	if (m->open_op == op)
		m->open_op = NULL;
	if (op->kind == MM_OP_CONNECT && !op->err) {
		/* The PDN now belongs to the modem. */
		m->pdns = g_list_append(m->pdns, op->pdn);
		mm_op_call(op, 0, "");
		op->pdn = NULL;
	} else {
		mm_op_call(op, op->err, op->reason);
	}
	mm_op_free_if_idle(op);
	return G_SOURCE_REMOVE;
}

/* Completes @op once, from an idle source: never inside the caller's call. */
static void mm_op_finish(struct mm_op *op, int err, const char *reason)
{
	if (op->idle || op->done)
		return;
	mm_op_stop_wait(op);
	op->err = err;
	util_strlcpy(op->reason, reason ? reason : "", sizeof(op->reason));
	op->idle = g_idle_add(mm_op_deliver, op);
}

/* Called first by every libmm-glib completion: false when @op is stale. */
static bool mm_op_back(struct mm_op *op)
{
	op->inflight--;
	if (!op->m || op->done || op->idle) {
		mm_op_free_if_idle(op);
		return false;
	}
	return true;
}

static void mm_op_fail_gerror(struct mm_op *op, GError *e, const char *what)
{
	char reason[MODEM_REASON_MAX];
	int err = mm_error(e, what, reason, sizeof(reason));

	g_error_free(e);
	mm_op_finish(op, err, reason);
}

/* ---- serving network -------------------------------------------------- */

static enum modem_reg_state mm_reg_state(MMModem3gppRegistrationState s)
{
	switch ((int)s) {
	case MM_MODEM_3GPP_REGISTRATION_STATE_IDLE:
	case MM_MODEM_3GPP_REGISTRATION_STATE_EMERGENCY_ONLY:
	case MM_MODEM_3GPP_REGISTRATION_STATE_ATTACHED_RLOS:
		return MODEM_REG_NOT_REGISTERED;
	case MM_MODEM_3GPP_REGISTRATION_STATE_HOME:
	case MM_MODEM_3GPP_REGISTRATION_STATE_HOME_SMS_ONLY:
	case MM_MODEM_3GPP_REGISTRATION_STATE_HOME_CSFB_NOT_PREFERRED:
		return MODEM_REG_HOME;
	case MM_MODEM_3GPP_REGISTRATION_STATE_SEARCHING:
		return MODEM_REG_SEARCHING;
	case MM_MODEM_3GPP_REGISTRATION_STATE_DENIED:
		return MODEM_REG_DENIED;
	case MM_MODEM_3GPP_REGISTRATION_STATE_ROAMING:
	case MM_MODEM_3GPP_REGISTRATION_STATE_ROAMING_SMS_ONLY:
	case MM_MODEM_3GPP_REGISTRATION_STATE_ROAMING_CSFB_NOT_PREFERRED:
		return MODEM_REG_ROAMING;
	default:
		return MODEM_REG_UNKNOWN;
	}
}

static enum modem_rat mm_rat(MMModemAccessTechnology t)
{
	if (t & MM_MODEM_ACCESS_TECHNOLOGY_5GNR)
		return MODEM_RAT_NR;
	if (t & (MM_MODEM_ACCESS_TECHNOLOGY_LTE | MM_MODEM_ACCESS_TECHNOLOGY_LTE_CAT_M |
		 MM_MODEM_ACCESS_TECHNOLOGY_LTE_NB_IOT))
		return MODEM_RAT_LTE;
	if (t & (MM_MODEM_ACCESS_TECHNOLOGY_UMTS | MM_MODEM_ACCESS_TECHNOLOGY_HSDPA |
		 MM_MODEM_ACCESS_TECHNOLOGY_HSUPA | MM_MODEM_ACCESS_TECHNOLOGY_HSPA |
		 MM_MODEM_ACCESS_TECHNOLOGY_HSPA_PLUS))
		return MODEM_RAT_UMTS;
	if (t & (MM_MODEM_ACCESS_TECHNOLOGY_GSM | MM_MODEM_ACCESS_TECHNOLOGY_GSM_COMPACT |
		 MM_MODEM_ACCESS_TECHNOLOGY_GPRS | MM_MODEM_ACCESS_TECHNOLOGY_EDGE))
		return MODEM_RAT_GSM;
	return MODEM_RAT_UNKNOWN;
}

static void mm_serving_read(struct modem *m, struct modem_serving *s)
{
	const char *code;
	MMLocation3gpp *l;

	memset(s, 0, sizeof(*s));
	s->reg = m->m3gpp ? mm_reg_state(mm_modem_3gpp_get_registration_state(m->m3gpp)) :
			    MODEM_REG_UNKNOWN;
	s->rat = mm_rat(mm_modem_get_access_technologies(m->modem));
	/* TS 23.003 12.1: MCC is 3 digits, MNC 2 or 3. */
	code = m->m3gpp ? mm_modem_3gpp_get_operator_code(m->m3gpp) : NULL;
	if (code && (strlen(code) == 5 || strlen(code) == 6)) {
		memcpy(s->mcc, code, 3);
		util_strlcpy(s->mnc, code + 3, sizeof(s->mnc));
	}
	l = m->loc ? mm_modem_location_peek_signaled_3gpp(m->loc) : NULL;
	if (l) {
		gulong tac = mm_location_3gpp_get_tracking_area_code(l);
		gulong lac = mm_location_3gpp_get_location_area_code(l);
		gulong ci = mm_location_3gpp_get_cell_id(l);

		/* ModemManager uses 0 for "not known". */
		s->has_tac = tac || lac;
		s->tac = (uint32_t)(tac ? tac : lac);
		s->has_cell_id = ci != 0;
		s->cell_id = ci;
	}
}

static bool mm_serving_equal(const struct modem_serving *a, const struct modem_serving *b)
{
	return a->reg == b->reg && a->rat == b->rat && !strcmp(a->mcc, b->mcc) &&
	       !strcmp(a->mnc, b->mnc) && a->has_tac == b->has_tac && a->tac == b->tac &&
	       a->has_cell_id == b->has_cell_id && a->cell_id == b->cell_id;
}

static gboolean mm_serving_check(gpointer data)
{
	struct modem *m = data;
	struct modem_serving s;

	m->serving_idle = 0;
	mm_serving_read(m, &s);
	if (mm_serving_equal(&s, &m->last))
		return G_SOURCE_REMOVE;
	m->last = s;
	/* Last thing done: the callback may close the modem. */
	if (m->ev.serving_changed)
		m->ev.serving_changed(&s, m->ev.user_data);
	return G_SOURCE_REMOVE;
}

/* Several properties change together: look once they settled. */
static void mm_serving_notify(GObject *obj, GParamSpec *pspec, gpointer data)
{
	struct modem *m = data;

	if (!m->serving_idle)
		m->serving_idle = g_idle_add(mm_serving_check, m);
}

/* ---- open -------------------------------------------------------------- */

static void mm_open_advance(struct modem *m);

static bool mm_modem_matches(struct modem *m, MMObject *obj)
{
	MMModem *mo;
	bool match;

	if (!m->device || !m->device[0] || !strcmp(m->device, "any"))
		return true;
	if (!strcmp(m->device, g_dbus_object_get_object_path(G_DBUS_OBJECT(obj))))
		return true;
	mo = mm_object_get_modem(obj);
	if (!mo)
		return false;
	match = !g_strcmp0(m->device, mm_modem_get_device(mo)) ||
		!g_strcmp0(m->device, mm_modem_get_primary_port(mo));
	g_object_unref(mo);
	return match;
}

static void mm_state_notify(GObject *obj, GParamSpec *pspec, gpointer data)
{
	mm_open_advance(data);
}

static void mm_take_object(struct modem *m, MMObject *obj)
{
	m->object = g_object_ref(obj);
	m->modem = mm_object_get_modem(obj);
	if (m->modem)
		m->state_id =
			g_signal_connect(m->modem, "notify::state", G_CALLBACK(mm_state_notify), m);
}

static void mm_find_modem(struct modem *m)
{
	GList *objs, *l;

	objs = g_dbus_object_manager_get_objects(G_DBUS_OBJECT_MANAGER(m->manager));
	for (l = objs; l && !m->object; l = l->next)
		if (mm_modem_matches(m, l->data))
			mm_take_object(m, l->data);
	g_list_free_full(objs, g_object_unref);
}

static void mm_object_added(GDBusObjectManager *mgr, GDBusObject *obj, gpointer data)
{
	struct modem *m = data;

	if (m->object || !mm_modem_matches(m, MM_OBJECT(obj)))
		return;
	mm_take_object(m, MM_OBJECT(obj));
	mm_open_advance(m);
}

static void mm_object_removed(GDBusObjectManager *mgr, GDBusObject *obj, gpointer data)
{
	struct modem *m = data;

	if (G_OBJECT(obj) != G_OBJECT(m->object) || m->gone)
		return;
	m->gone = true;
	g_debug("modem-mm: modem %s left the bus", g_dbus_object_get_object_path(obj));
	if (m->open_op) {
		mm_op_finish(m->open_op, -ENODEV, "the modem left the bus while opening");
		return;
	}
	if (m->ev.vanished)
		m->ev.vanished(
			"the modem left ModemManager (removed, failed or ModemManager exited)",
			m->ev.user_data);
}

static void mm_open_done(struct modem *m)
{
	static const char *const props[] = { "notify::registration-state",
					     "notify::operator-code" };
	size_t i;

	m->m3gpp = mm_object_get_modem_3gpp(m->object);
	m->loc = mm_object_get_modem_location(m->object);
	for (i = 0; m->m3gpp && i < ARRAY_SIZE(props); i++)
		m->notify_ids[i] =
			g_signal_connect(m->m3gpp, props[i], G_CALLBACK(mm_serving_notify), m);
	m->notify_ids[2] = g_signal_connect(m->modem, "notify::access-technologies",
					    G_CALLBACK(mm_serving_notify), m);
	if (m->loc)
		m->notify_ids[3] = g_signal_connect(m->loc, "notify::location",
						    G_CALLBACK(mm_serving_notify), m);
	mm_serving_read(m, &m->last);
	m->opened = true;
	if (m->open_timer)
		g_source_remove(m->open_timer);
	m->open_timer = 0;
	mm_op_finish(m->open_op, 0, "");
}

static void mm_location_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct mm_op *op = data;
	GError *e = NULL;
	char reason[MODEM_REASON_MAX];

	if (!mm_modem_location_setup_finish(MM_MODEM_LOCATION(src), res, &e)) {
		if (!mm_op_back(op)) {
			g_error_free(e);
			return;
		}
		/* Not fatal: the serving PLMN still comes from Modem3gpp. */
		mm_error(e, "3GPP location setup", reason, sizeof(reason));
		g_debug("modem-mm: no TAC/cell id: %s", reason);
		g_error_free(e);
	} else if (!mm_op_back(op)) {
		return;
	}
	mm_open_done(op->m);
}

static void mm_enable_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct mm_op *op = data;
	GError *e = NULL;
	gboolean ok = mm_modem_enable_finish(MM_MODEM(src), res, &e);

	if (!mm_op_back(op)) {
		g_clear_error(&e);
		return;
	}
	if (!ok)
		return mm_op_fail_gerror(op, e, "enabling the modem");
	mm_open_advance(op->m);
}

static void mm_open_advance(struct modem *m)
{
	struct mm_op *op = m->open_op;
	MMModemLocation *loc;
	char reason[MODEM_REASON_MAX];
	int state;

	if (!op || op->idle || m->opened || !m->object || !m->modem)
		return;
	state = (int)mm_modem_get_state(m->modem);
	if (state == MM_MODEM_STATE_FAILED) {
		snprintf(reason, sizeof(reason), "modem failed: %s",
			 mm_modem_state_failed_reason_get_string(
				 mm_modem_get_state_failed_reason(m->modem)));
		mm_op_finish(op, -ENODEV, reason);
		return;
	}
	if (state == MM_MODEM_STATE_LOCKED) {
		mm_op_finish(op, -EACCES, "the SIM is locked (PIN or PUK needed)");
		return;
	}
	if (state == MM_MODEM_STATE_DISABLED && !m->enabling) {
		m->enabling = true;
		op->inflight++;
		mm_modem_enable(m->modem, op->cancel, mm_enable_ready, op);
		return;
	}
	if (state < MM_MODEM_STATE_ENABLED || m->location_started)
		return;
	m->location_started = true;
	loc = mm_object_peek_modem_location(m->object);
	if (!loc ||
	    !(mm_modem_location_get_capabilities(loc) & MM_MODEM_LOCATION_SOURCE_3GPP_LAC_CI)) {
		mm_open_done(m);
		return;
	}
	op->inflight++;
	mm_modem_location_setup(
		loc, mm_modem_location_get_enabled(loc) | MM_MODEM_LOCATION_SOURCE_3GPP_LAC_CI,
		TRUE, op->cancel, mm_location_ready, op);
}

static void mm_manager_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct mm_op *op = data;
	GError *e = NULL;
	MMManager *mgr = mm_manager_new_finish(res, &e);
	struct modem *m;

	if (!mm_op_back(op)) {
		g_clear_error(&e);
		g_clear_object(&mgr);
		return;
	}
	if (!mgr)
		return mm_op_fail_gerror(op, e, "connecting to ModemManager");
	m = op->m;
	m->manager = mgr;
	m->added_id = g_signal_connect(mgr, "object-added", G_CALLBACK(mm_object_added), m);
	m->removed_id = g_signal_connect(mgr, "object-removed", G_CALLBACK(mm_object_removed), m);
	/* ModemManager may still be probing: wait for the modem to appear. */
	mm_find_modem(m);
	mm_open_advance(m);
}

static void mm_bus_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct mm_op *op = data;
	GError *e = NULL;
	GDBusConnection *conn;

	/* Decided at the call: the modem may be closed by now. */
	if (op->bus_address)
		conn = g_dbus_connection_new_for_address_finish(res, &e);
	else
		conn = g_bus_get_finish(res, &e);
	if (!mm_op_back(op)) {
		g_clear_error(&e);
		g_clear_object(&conn);
		return;
	}
	if (!conn)
		return mm_op_fail_gerror(op, e, "connecting to the D-Bus bus");
	op->m->conn = conn;
	op->inflight++;
	mm_manager_new(conn, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START, op->cancel,
		       mm_manager_ready, op);
}

static gboolean mm_open_timeout(gpointer data)
{
	struct modem *m = data;
	char reason[MODEM_REASON_MAX];

	m->open_timer = 0;
	snprintf(reason, sizeof(reason), "no usable modem '%s' on the %s bus within %u ms",
		 m->device ? m->device : "any", m->bus, m->timeout_ms);
	g_cancellable_cancel(m->open_op->cancel);
	mm_op_finish(m->open_op, -ETIMEDOUT, reason);
	return G_SOURCE_REMOVE;
}

static void mm_open(struct modem **out, const struct modem_config *cfg,
		    const struct modem_events *ev, modem_done_cb cb, void *user_data)
{
	struct modem *m = g_new0(struct modem, 1);
	struct mm_op *op;
	const char *bus = cfg && cfg->bus && cfg->bus[0] ? cfg->bus : "system";

	m->device = g_strdup(cfg ? cfg->device : NULL);
	m->bus = g_strdup(bus);
	m->timeout_ms = cfg && cfg->timeout_ms ? cfg->timeout_ms : MM_OPEN_TIMEOUT_MS;
	if (ev)
		m->ev = *ev;
	*out = m;
	op = mm_op_new(m, MM_OP_OPEN, user_data);
	op->cb.done = cb;
	m->open_op = op;
	m->open_timer = g_timeout_add(m->timeout_ms, mm_open_timeout, m);
	op->inflight++;
	if (!strcmp(bus, "system")) {
		g_bus_get(G_BUS_TYPE_SYSTEM, op->cancel, mm_bus_ready, op);
	} else if (!strcmp(bus, "session")) {
		g_bus_get(G_BUS_TYPE_SESSION, op->cancel, mm_bus_ready, op);
	} else if (!strncmp(bus, "unix:", 5)) {
		op->bus_address = true;
		g_dbus_connection_new_for_address(
			bus,
			G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
				G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
			NULL, op->cancel, mm_bus_ready, op);
	} else {
		op->inflight--;
		mm_op_finish(op, -EINVAL,
			     "modem bus must be \"system\", \"session\" or a unix: D-Bus address");
	}
}

/* ---- serving ----------------------------------------------------------- */

static void mm_get_serving(struct modem *m, modem_serving_cb cb, void *user_data)
{
	struct mm_op *op = mm_op_new(m, MM_OP_SERVING, user_data);

	op->cb.serving = cb;
	if (!m->opened || m->gone) {
		mm_op_finish(op, -ENODEV, m->gone ? "the modem is gone" : "the modem is not open");
		return;
	}
	mm_serving_read(m, &op->serving);
	mm_op_finish(op, 0, "");
}

/*
 * ModemManager read the equipment identifier at probing (+CGSN on AT modems);
 * on a 3GPP modem it is the IMEI.
 */
static void mm_get_imei(struct modem *m, modem_imei_cb cb, void *user_data)
{
	struct mm_op *op = mm_op_new(m, MM_OP_IMEI, user_data);
	const gchar *id;

	op->cb.imei = cb;
	if (!m->opened || m->gone) {
		mm_op_finish(op, -ENODEV, m->gone ? "the modem is gone" : "the modem is not open");
		return;
	}
	id = mm_modem_get_equipment_identifier(m->modem);
	if (!id || !*id || g_strlcpy(op->imei, id, sizeof(op->imei)) >= sizeof(op->imei)) {
		mm_op_finish(op, -ENODATA, "no IMEI as the equipment identifier");
		return;
	}
	mm_op_finish(op, 0, "");
}

/* ---- PDNs -------------------------------------------------------------- */

static void mm_bearer_notify_connected(GObject *obj, GParamSpec *pspec, gpointer data);

static struct mm_pdn *mm_pdn_find(struct modem *m, modem_pdn_id id)
{
	GList *l;

	for (l = m->pdns; l; l = l->next)
		if (((struct mm_pdn *)l->data)->id == id)
			return l->data;
	return NULL;
}

static void mm_fill_ip(MMBearerIpConfig *c, char *addr, unsigned int *prefix, char *gw,
		       struct modem_pdn_settings *s)
{
	const gchar **dns;
	size_t i;

	if (!c)
		return;
	if (mm_bearer_ip_config_get_method(c) != MM_BEARER_IP_METHOD_STATIC) {
		g_debug("modem-mm: IP method %s: addresses are not known to ModemManager",
			mm_bearer_ip_method_get_string(mm_bearer_ip_config_get_method(c)));
		return;
	}
	if (mm_bearer_ip_config_get_address(c))
		util_strlcpy(addr, mm_bearer_ip_config_get_address(c), MODEM_ADDR_MAX);
	*prefix = mm_bearer_ip_config_get_prefix(c);
	if (mm_bearer_ip_config_get_gateway(c))
		util_strlcpy(gw, mm_bearer_ip_config_get_gateway(c), MODEM_ADDR_MAX);
	dns = mm_bearer_ip_config_get_dns(c);
	for (i = 0; dns && dns[i] && s->n_dns < MODEM_DNS_MAX; i++)
		if (!util_strlcpy(s->dns[s->n_dns], dns[i], MODEM_ADDR_MAX))
			s->n_dns++;
	if (mm_bearer_ip_config_get_mtu(c) && (!s->mtu || mm_bearer_ip_config_get_mtu(c) < s->mtu))
		s->mtu = mm_bearer_ip_config_get_mtu(c);
}

/*
 * The bearer's object path, for the caller's journal: ModemManager owns the
 * bearer and keeps it connected when the client that made it dies.
 */
static void mm_bearer_handles(struct modem *m, struct mm_pdn *pdn, bool held)
{
	struct modem_handles h = { 0 };

	if (!m->ev.handles)
		return;
	util_strlcpy(h.mm_bearer, mm_bearer_get_path(pdn->bearer), sizeof(h.mm_bearer));
	m->ev.handles(pdn->id, held ? &h : NULL, m->ev.user_data);
}

static void mm_connect_settle(struct mm_op *op)
{
	struct mm_pdn *pdn = op->pdn;
	struct modem_pdn_settings *s = &op->settings;
	struct modem *m = op->m;
	const char *ifname;

	if (!mm_bearer_get_connected(pdn->bearer)) {
		mm_op_finish(op, -EIO,
			     "ModemManager accepted the connection but the bearer is "
			     "not connected");
		mm_modem_delete_bearer(m->modem, mm_bearer_get_path(pdn->bearer), NULL, NULL, NULL);
		mm_bearer_handles(m, pdn, false);
		return;
	}
	memset(s, 0, sizeof(*s));
	ifname = mm_bearer_get_interface(pdn->bearer);
	if (ifname && util_strlcpy(s->ifname, ifname, sizeof(s->ifname)))
		g_debug("modem-mm: interface name '%s' too long", ifname);
	mm_fill_ip(mm_bearer_peek_ipv4_config(pdn->bearer), s->addr4, &s->prefix4, s->gw4, s);
	mm_fill_ip(mm_bearer_peek_ipv6_config(pdn->bearer), s->addr6, &s->prefix6, s->gw6, s);
	pdn->notify_id = g_signal_connect(pdn->bearer, "notify::connected",
					  G_CALLBACK(mm_bearer_notify_connected), m);
	mm_op_finish(op, 0, "");
}

static void mm_connect_wait_notify(GObject *obj, GParamSpec *pspec, gpointer data)
{
	struct mm_op *op = data;

	if (mm_bearer_get_connected(op->pdn->bearer)) {
		mm_op_stop_wait(op);
		mm_connect_settle(op);
	}
}

static gboolean mm_connect_wait_timeout(gpointer data)
{
	struct mm_op *op = data;

	op->wait_timer = 0;
	mm_op_stop_wait(op);
	mm_connect_settle(op);
	return G_SOURCE_REMOVE;
}

static void mm_bearer_connect_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct mm_op *op = data;
	GError *e = NULL;
	gboolean ok = mm_bearer_connect_finish(MM_BEARER(src), res, &e);

	if (!mm_op_back(op)) {
		g_clear_error(&e);
		return;
	}
	if (!ok) {
		/* One bearer per attempt: do not leave the failed one behind. */
		mm_modem_delete_bearer(op->m->modem, mm_bearer_get_path(op->pdn->bearer), NULL,
				       NULL, NULL);
		mm_bearer_handles(op->m, op->pdn, false);
		return mm_op_fail_gerror(op, e, "connecting the bearer");
	}
	if (mm_bearer_get_connected(op->pdn->bearer))
		return mm_connect_settle(op);
	op->wait_notify = g_signal_connect(op->pdn->bearer, "notify::connected",
					   G_CALLBACK(mm_connect_wait_notify), op);
	op->wait_timer = g_timeout_add(MM_CONNECTED_WAIT_MS, mm_connect_wait_timeout, op);
}

static void mm_create_bearer_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct mm_op *op = data;
	GError *e = NULL;
	MMBearer *bearer = mm_modem_create_bearer_finish(MM_MODEM(src), res, &e);

	if (!mm_op_back(op)) {
		g_clear_error(&e);
		g_clear_object(&bearer);
		return;
	}
	if (!bearer) {
		if (op->m->ev.handles)
			op->m->ev.handles(op->id, NULL, op->m->ev.user_data);
		return mm_op_fail_gerror(op, e, "creating the bearer");
	}
	op->pdn = g_new0(struct mm_pdn, 1);
	op->pdn->bearer = bearer;
	op->pdn->id = op->id;
	/* Journaled before it connects: DeleteBearer ends it after a crash. */
	mm_bearer_handles(op->m, op->pdn, true);
	op->inflight++;
	mm_bearer_connect(bearer, op->cancel, mm_bearer_connect_ready, op);
}

static MMBearerIpFamily mm_ip_family(enum modem_ip_type t)
{
	switch (t) {
	case MODEM_IP_V4:
		return MM_BEARER_IP_FAMILY_IPV4;
	case MODEM_IP_V6:
		return MM_BEARER_IP_FAMILY_IPV6;
	case MODEM_IP_V4V6:
		return MM_BEARER_IP_FAMILY_IPV4V6;
	}
	return MM_BEARER_IP_FAMILY_NONE;
}

static MMBearerAllowedAuth mm_auth(enum modem_auth a)
{
	switch (a) {
	case MODEM_AUTH_NONE:
		return MM_BEARER_ALLOWED_AUTH_NONE;
	case MODEM_AUTH_PAP:
		return MM_BEARER_ALLOWED_AUTH_PAP;
	case MODEM_AUTH_CHAP:
		return MM_BEARER_ALLOWED_AUTH_CHAP;
	}
	return MM_BEARER_ALLOWED_AUTH_UNKNOWN;
}

static void mm_connect(struct modem *m, const struct modem_pdn_params *p, modem_connect_cb cb,
		       void *user_data)
{
	struct mm_op *op = mm_op_new(m, MM_OP_CONNECT, user_data);
	MMBearerProperties *props;

	op->cb.connect = cb;
	if (!m->opened || m->gone) {
		mm_op_finish(op, -ENODEV, m->gone ? "the modem is gone" : "the modem is not open");
		return;
	}
	if (!p || memchr(p->apn, '\0', sizeof(p->apn)) == NULL) {
		mm_op_finish(op, -EINVAL, "bad PDN parameters");
		return;
	}
	/*
	 * Journaled before CreateBearer: a process killed before the path comes
	 * back leaves a bearer only its APN names (modem_handles.pending_apn).
	 */
	op->id = ++m->next_id;
	if (m->ev.handles) {
		struct modem_handles h = { 0 };

		util_strlcpy(h.pending_apn, p->apn, sizeof(h.pending_apn));
		m->ev.handles(op->id, &h, m->ev.user_data);
	}
	props = mm_bearer_properties_new();
	mm_bearer_properties_set_apn(props, p->apn);
	mm_bearer_properties_set_ip_type(props, mm_ip_family(p->ip_type));
	mm_bearer_properties_set_allowed_auth(props, mm_auth(p->auth));
	if (p->auth != MODEM_AUTH_NONE) {
		mm_bearer_properties_set_user(props, p->username);
		mm_bearer_properties_set_password(props, p->password);
	}
	op->inflight++;
	mm_modem_create_bearer(m->modem, props, op->cancel, mm_create_bearer_ready, op);
	g_object_unref(props);
}

/* The bearer fell without our Disconnect: the network or the modem ended it. */
static void mm_bearer_notify_connected(GObject *obj, GParamSpec *pspec, gpointer data)
{
	struct modem *m = data;
	struct mm_pdn *pdn = NULL;
	char reason[MODEM_REASON_MAX] = "disconnected by the network or the modem";
	GError *e;
	modem_pdn_id id;
	int err = -ECONNRESET;
	GList *l;

	for (l = m->pdns; l; l = l->next)
		if (((struct mm_pdn *)l->data)->bearer == MM_BEARER(obj))
			pdn = l->data;
	if (!pdn || pdn->disconnecting || mm_bearer_get_connected(pdn->bearer))
		return;
	e = mm_bearer_get_connection_error(pdn->bearer);
	if (e) {
		err = mm_error(e, "bearer dropped", reason, sizeof(reason));
		g_error_free(e);
		if (err == -EIO)
			err = -ECONNRESET;
	}
	id = pdn->id;
	m->pdns = g_list_remove(m->pdns, pdn);
	mm_modem_delete_bearer(m->modem, mm_bearer_get_path(pdn->bearer), NULL, NULL, NULL);
	mm_bearer_handles(m, pdn, false);
	mm_pdn_free(pdn);
	g_debug("modem-mm: PDN %u dropped: %s", id, reason);
	if (m->ev.pdn_dropped)
		m->ev.pdn_dropped(id, err, reason, m->ev.user_data);
}

static void mm_disconnect_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct mm_op *op = data;
	GError *e = NULL;
	gboolean ok = mm_bearer_disconnect_finish(MM_BEARER(src), res, &e);
	struct modem *m;

	if (!mm_op_back(op)) {
		g_clear_error(&e);
		return;
	}
	m = op->m;
	if (!ok) {
		op->pdn->disconnecting = false;
		return mm_op_fail_gerror(op, e, "disconnecting the bearer");
	}
	m->pdns = g_list_remove(m->pdns, op->pdn);
	mm_modem_delete_bearer(m->modem, mm_bearer_get_path(op->pdn->bearer), NULL, NULL, NULL);
	mm_bearer_handles(m, op->pdn, false);
	mm_pdn_free(op->pdn);
	op->pdn = NULL;
	mm_op_finish(op, 0, "");
}

static void mm_disconnect(struct modem *m, modem_pdn_id id, modem_done_cb cb, void *user_data)
{
	struct mm_op *op = mm_op_new(m, MM_OP_DISCONNECT, user_data);
	struct mm_pdn *pdn = mm_pdn_find(m, id);

	op->cb.done = cb;
	if (!pdn || pdn->disconnecting) {
		mm_op_finish(op, -ENOENT, "no such PDN connection");
		return;
	}
	if (m->gone) {
		mm_op_finish(op, -ENODEV, "the modem is gone");
		return;
	}
	pdn->disconnecting = true;
	op->pdn = pdn;
	op->inflight++;
	mm_bearer_disconnect(pdn->bearer, op->cancel, mm_disconnect_ready, op);
}

/* ---- release: what a killed process left --------------------------------- */

static void mm_release_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct mm_op *op = data;
	GError *e = NULL;
	gboolean ok = mm_modem_delete_bearer_finish(MM_MODEM(src), res, &e);
	char reason[MODEM_REASON_MAX];
	int err;

	if (!mm_op_back(op)) {
		g_clear_error(&e);
		return;
	}
	if (!ok) {
		err = mm_error(e, "deleting the bearer", reason, sizeof(reason));
		/*
		 * Gone already (ModemManager restarted, or the network ended it):
		 * what we wanted. MM 1.20 says so with InvalidArgs, "Cannot delete
		 * bearer: no bearer found with path ...".
		 */
		if (err == -ENOENT ||
		    g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
		    g_error_matches(e, MM_CORE_ERROR, MM_CORE_ERROR_INVALID_ARGS))
			err = 0;
		g_error_free(e);
		/* The first failure is the one reported, once every delete is answered. */
		if (err && !op->err) {
			op->err = err;
			util_strlcpy(op->reason, reason, sizeof(op->reason));
		}
	}
	if (op->inflight)
		return;
	util_strlcpy(reason, op->err ? op->reason : "", sizeof(reason));
	mm_op_finish(op, op->err, reason);
}

static bool mm_bearer_ours(struct modem *m, MMBearer *b)
{
	GList *l;

	for (l = m->pdns; l; l = l->next)
		if (!g_strcmp0(mm_bearer_get_path(((struct mm_pdn *)l->data)->bearer),
			       mm_bearer_get_path(b)))
			return true;
	return false;
}

/* Each bearer on the pending APN that is not connected, and not ours, is deleted. */
static void mm_release_list_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct mm_op *op = data;
	GError *e = NULL;
	GList *list = mm_modem_list_bearers_finish(MM_MODEM(src), res, &e), *l;
	MMBearerProperties *props;

	if (!mm_op_back(op)) {
		g_clear_error(&e);
		g_list_free_full(list, g_object_unref);
		return;
	}
	if (e)
		return mm_op_fail_gerror(op, e, "listing the bearers");
	for (l = list; l; l = l->next) {
		MMBearer *b = l->data;

		props = mm_bearer_peek_properties(b);
		if (!props || g_strcmp0(mm_bearer_properties_get_apn(props), op->apn) ||
		    mm_bearer_get_connected(b) || mm_bearer_ours(op->m, b))
			continue;
		g_debug("modem-mm: deleting bearer %s on APN %s left by a killed process",
			mm_bearer_get_path(b), op->apn);
		op->inflight++;
		mm_modem_delete_bearer(op->m->modem, mm_bearer_get_path(b), op->cancel,
				       mm_release_ready, op);
	}
	g_list_free_full(list, g_object_unref);
	if (!op->inflight)
		mm_op_finish(op, 0, "");
}

/*
 * The bearer a killed process left: ModemManager's DeleteBearer disconnects
 * a connected bearer before it removes it (org.freedesktop.ModemManager1.Modem).
 */
static void mm_release(struct modem *m, const struct modem_handles *h, modem_done_cb cb,
		       void *user_data)
{
	struct mm_op *op = mm_op_new(m, MM_OP_RELEASE, user_data);

	op->cb.done = cb;
	if (!m->opened || m->gone) {
		mm_op_finish(op, -ENODEV, m->gone ? "the modem is gone" : "the modem is not open");
		return;
	}
	if (!h->mm_bearer[0] && h->pending_apn[0]) {
		util_strlcpy(op->apn, h->pending_apn, sizeof(op->apn));
		op->inflight++;
		mm_modem_list_bearers(m->modem, op->cancel, mm_release_list_ready, op);
		return;
	}
	if (!h->mm_bearer[0]) {
		mm_op_finish(op, 0, "");
		return;
	}
	g_debug("modem-mm: deleting bearer %s left by a killed process", h->mm_bearer);
	op->inflight++;
	mm_modem_delete_bearer(m->modem, h->mm_bearer, op->cancel, mm_release_ready, op);
}

/* ---- close ------------------------------------------------------------- */

static void mm_close(struct modem *m)
{
	size_t i;

	if (!m)
		return;
	if (m->open_timer)
		g_source_remove(m->open_timer);
	if (m->serving_idle)
		g_source_remove(m->serving_idle);
	while (m->ops) {
		struct mm_op *op = m->ops->data;

		m->ops = g_list_delete_link(m->ops, m->ops);
		if (op->idle)
			g_source_remove(op->idle);
		op->idle = 0;
		mm_op_stop_wait(op);
		g_cancellable_cancel(op->cancel);
		op->done = true;
		op->m = NULL;
		if (op->kind == MM_OP_DISCONNECT)
			op->pdn = NULL; /* freed with the modem's list below */
		mm_op_call(op, -ECANCELED, "closed");
		mm_op_free_if_idle(op);
	}
	g_list_free_full(m->pdns, (GDestroyNotify)mm_pdn_free);
	if (m->m3gpp) {
		for (i = 0; i < 2; i++)
			if (m->notify_ids[i])
				g_signal_handler_disconnect(m->m3gpp, m->notify_ids[i]);
	}
	if (m->notify_ids[2])
		g_signal_handler_disconnect(m->modem, m->notify_ids[2]);
	if (m->notify_ids[3])
		g_signal_handler_disconnect(m->loc, m->notify_ids[3]);
	if (m->state_id)
		g_signal_handler_disconnect(m->modem, m->state_id);
	if (m->manager) {
		g_signal_handler_disconnect(m->manager, m->added_id);
		g_signal_handler_disconnect(m->manager, m->removed_id);
	}
	g_clear_object(&m->loc);
	g_clear_object(&m->m3gpp);
	g_clear_object(&m->modem);
	g_clear_object(&m->object);
	g_clear_object(&m->manager);
	g_clear_object(&m->conn);
	g_free(m->device);
	g_free(m->bus);
	g_free(m);
}

const struct modem_ops modem_mm_ops = {
	.name = "mm",
	.open = mm_open,
	.get_serving = mm_get_serving,
	.get_imei = mm_get_imei,
	.connect = mm_connect,
	.disconnect = mm_disconnect,
	.release = mm_release,
	.close = mm_close,
};
