// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MBIM modem backend on libmbim-glib (1.28). The device is always opened
 * through mbim-proxy (MBIM_DEVICE_OPEN_FLAGS_PROXY) so that ModemManager and
 * mbimcli can share it.
 *
 * Serving network: Basic Connect REGISTER_STATE (MBIM 1.0 10.5.9) for state,
 * ProviderId (MCC+MNC) and data class; TAC and cell id from Microsoft Basic
 * Connect Extensions LOCATION_INFO_STATUS when the device implements it. Both
 * indications update a cache; serving_changed fires once the updates settle
 * (a REGISTER_STATE indication is normally followed by LOCATION_INFO).
 *
 * PDNs: one MBIM session id each (MBIM 1.0 10.5.12 CONNECT); session 0 is the
 * untagged traffic on the configured netdev, session N > 0 the VLAN N on it
 * (the cdc_mbim convention), named "<netdev>.<N>". Before activating a session
 * the backend asks the device whether another proxy client (ModemManager,
 * mbimcli) already uses it. Settings come from IP_CONFIGURATION (10.5.20);
 * libmbim 1.28 carries no P-CSCF, so n_pcscf stays 0.
 *
 * Errors: GError (MBIM_STATUS_ERROR with the CONNECT NwError,
 * MBIM_PROTOCOL_ERROR, MBIM_CORE_ERROR, G_IO_ERROR) becomes -errno plus a
 * reason here; the original is logged once at debug level.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <libmbim-glib.h>

#include "modem-mbim-private.h"
#include "modem.h"
#include "util.h"

#define MBIM_SESSIONS_MAX      16
#define MBIM_DEFAULT_TIMEOUT_S 30
/* Named timer: how long serving-network indications may take to settle. */
#define MBIM_SERVING_SETTLE_MS 50

enum op_kind {
	OP_OPEN,
	OP_SERVING,
	OP_CONNECT,
	OP_DISCONNECT,
	OP_IMEI,
	OP_RELEASE,
};

struct op;

/* What a PDN slot holds: nothing, a connect in progress, or a live PDN. */
enum pdn_state {
	PDN_FREE,
	PDN_CONNECTING,
	PDN_UP,
	PDN_DISCONNECTING,
};

struct modem {
	MbimDevice *dev;
	GCancellable *cancel;
	struct modem_events ev;
	char device[256];
	char netdev[MODEM_IFNAME_MAX];
	unsigned int timeout_s;
	gulong sig_indicate, sig_removed;
	bool gone;
	/* Inside an event dispatch: close() then only marks, the dispatcher frees. */
	unsigned int busy;
	bool closed;
	enum pdn_state pdn[MBIM_SESSIONS_MAX];
	GList *ops;
	/* Serving network cache and what was last announced. */
	struct modem_serving serving, announced;
	bool announced_valid;
	guint settle_timer;
};

struct op {
	int refs;
	enum op_kind kind;
	struct modem *m; /* NULL once completed */
	union {
		modem_done_cb done;
		modem_serving_cb serving;
		modem_connect_cb connect;
		modem_imei_cb imei;
	} cb;
	void *user_data;
	guint idle;
	int err;
	char reason[MODEM_REASON_MAX];
	/* OP_CONNECT / OP_DISCONNECT */
	unsigned int session;
	bool activated; /* CONNECT answered: a drop now fails the connect */
	struct modem_pdn_params params;
	struct modem_pdn_settings settings;
	struct modem_serving serving;
	char imei[MODEM_IMEI_MAX]; /* OP_IMEI */
};

int modem_mbim_failure(uint32_t status, uint32_t nw_error, char *reason, size_t size)
{
	const char *text = NULL;
	int err;

	switch (status) {
	case MBIM_STATUS_ERROR_FAILURE:
		/* MBIM 1.0 10.5.12: NwError is the 3GPP cause, as on the other backends. */
		if (nw_error)
			return modem_cause_reason(nw_error, reason, size);
		text = "failure";
		err = -EIO;
		break;
	case MBIM_STATUS_ERROR_BUSY:
		text = "device busy";
		err = -EBUSY;
		break;
	case MBIM_STATUS_ERROR_SIM_NOT_INSERTED:
		text = "SIM not inserted";
		err = -ENXIO;
		break;
	case MBIM_STATUS_ERROR_BAD_SIM:
		text = "bad SIM";
		err = -ENXIO;
		break;
	case MBIM_STATUS_ERROR_PIN_REQUIRED:
		text = "SIM PIN required";
		err = -EACCES;
		break;
	case MBIM_STATUS_ERROR_NOT_REGISTERED:
	case MBIM_STATUS_ERROR_PROVIDERS_NOT_FOUND:
	case MBIM_STATUS_ERROR_PROVIDER_NOT_VISIBLE:
		text = "not registered";
		err = -ENETUNREACH;
		break;
	case MBIM_STATUS_ERROR_NO_DEVICE_SUPPORT:
		text = "not supported by the device";
		err = -EOPNOTSUPP;
		break;
	case MBIM_STATUS_ERROR_DATA_CLASS_NOT_AVAILABLE:
	case MBIM_STATUS_ERROR_PACKET_SERVICE_DETACHED:
		text = "packet service not available";
		err = -ENETDOWN;
		break;
	case MBIM_STATUS_ERROR_RADIO_POWER_OFF:
		text = "radio off";
		err = -ENETDOWN;
		break;
	case MBIM_STATUS_ERROR_MAX_ACTIVATED_CONTEXTS:
		text = "no free session (maximum activated contexts)";
		err = -ENOSPC;
		break;
	case MBIM_STATUS_ERROR_NOT_INITIALIZED:
		text = "device not initialized";
		err = -EAGAIN;
		break;
	case MBIM_STATUS_ERROR_CONTEXT_NOT_ACTIVATED:
		text = "context not activated";
		err = -ENOTCONN;
		break;
	case MBIM_STATUS_ERROR_INVALID_ACCESS_STRING:
		text = "invalid APN";
		err = -EINVAL;
		break;
	case MBIM_STATUS_ERROR_INVALID_USER_NAME_PWD:
		text = "authentication failed";
		err = -EACCES;
		break;
	case MBIM_STATUS_ERROR_INVALID_PARAMETERS:
		text = "invalid parameters";
		err = -EINVAL;
		break;
	default:
		text = "MBIM error";
		err = -EIO;
		break;
	}
	snprintf(reason, size, "%s (MBIM status %u)", text, status);
	return err;
}

int modem_mbim_provider_split(const char *provider_id, char *mcc, char *mnc)
{
	size_t i, n = provider_id ? strlen(provider_id) : 0;

	mcc[0] = mnc[0] = '\0';
	if (n != 5 && n != 6)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (provider_id[i] < '0' || provider_id[i] > '9')
			return -EINVAL;
	memcpy(mcc, provider_id, 3);
	mcc[3] = '\0';
	memcpy(mnc, provider_id + 3, n - 3);
	mnc[n - 3] = '\0';
	return 0;
}

/* GError at the boundary: -errno and a reason, the original logged once. */
static int error_from_gerror(const GError *e, uint32_t nw_error, char *reason, size_t size)
{
	int err;

	g_debug("mbim: %s (%s %d)", e->message, g_quark_to_string(e->domain), e->code);
	if (e->domain == MBIM_STATUS_ERROR)
		return modem_mbim_failure((uint32_t)e->code, nw_error, reason, size);
	if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		snprintf(reason, size, "cancelled");
		return -ECANCELED;
	}
	if (e->domain == G_IO_ERROR) {
		/* Opening the device node or the proxy socket. */
		switch (e->code) { /* an int: GIOErrorEnum has 50 members */
		case G_IO_ERROR_NOT_FOUND:
			err = -ENOENT;
			break;
		case G_IO_ERROR_PERMISSION_DENIED:
			err = -EACCES;
			break;
		case G_IO_ERROR_TIMED_OUT:
			err = -ETIMEDOUT;
			break;
		case G_IO_ERROR_CONNECTION_REFUSED:
			err = -ECONNREFUSED;
			break;
		case G_IO_ERROR_CONNECTION_CLOSED: /* = G_IO_ERROR_BROKEN_PIPE */
			err = -ECONNRESET;
			break;
		default:
			err = -EIO;
			break;
		}
	} else if (e->domain == MBIM_CORE_ERROR) {
		switch ((MbimCoreError)e->code) {
		case MBIM_CORE_ERROR_TIMEOUT:
			err = -ETIMEDOUT;
			break;
		case MBIM_CORE_ERROR_WRONG_STATE:
			err = -ENOTCONN;
			break;
		case MBIM_CORE_ERROR_ABORTED:
			err = -ECONNABORTED;
			break;
		case MBIM_CORE_ERROR_UNSUPPORTED:
			err = -EOPNOTSUPP;
			break;
		case MBIM_CORE_ERROR_INVALID_ARGS:
			err = -EINVAL;
			break;
		case MBIM_CORE_ERROR_INVALID_MESSAGE:
		case MBIM_CORE_ERROR_INCOMPLETE_MESSAGE:
			err = -EBADMSG;
			break;
		case MBIM_CORE_ERROR_FAILED:
		case MBIM_CORE_ERROR_UNKNOWN_STATE:
		default:
			err = -EIO;
			break;
		}
	} else if (e->domain == MBIM_PROTOCOL_ERROR) {
		err = -EPROTO;
	} else {
		err = -EIO;
	}
	snprintf(reason, size, "%s", e->message);
	return err;
}

/* Operations ------------------------------------------------------------ */

/*
 * The session id a PDN holds on the device, for the caller's journal: the
 * device keeps a session when the process that activated it dies (mbim-proxy
 * only forgets the client: libmbim mbim-proxy.c, untrack_client()).
 */
static void session_handles(struct modem *m, unsigned int session, bool held)
{
	struct modem_handles h = { .has_mbim_session = true, .mbim_session = session };

	if (m->ev.handles)
		m->ev.handles(session, held ? &h : NULL, m->ev.user_data);
}

/* The caller sets the callback member of op->cb that matches @kind. */
static struct op *op_new(struct modem *m, enum op_kind kind, void *user_data)
{
	struct op *op = g_new0(struct op, 1);

	op->refs = 1;
	op->session = MBIM_SESSIONS_MAX; /* none yet */
	op->kind = kind;
	op->m = m;
	op->user_data = user_data;
	m->ops = g_list_prepend(m->ops, op);
	return op;
}

static struct op *op_ref(struct op *op)
{
	op->refs++;
	return op;
}

static void op_unref(struct op *op)
{
	if (--op->refs)
		return;
	modem_pdn_params_wipe(&op->params);
	g_free(op);
}

/*
 * Completes @op exactly once. The callback may close the modem, so nothing
 * touches op->m afterwards; the caller must not use the modem either.
 */
static void op_finish(struct op *op, int err, const char *reason)
{
	struct modem *m = op->m;

	if (!m)
		return;
	m->ops = g_list_remove(m->ops, op);
	op->m = NULL;
	if (op->idle) {
		g_source_remove(op->idle);
		op->idle = 0;
	}
	if (op->session < MBIM_SESSIONS_MAX) {
		enum pdn_state *st = &m->pdn[op->session];

		if (op->kind == OP_CONNECT && err && *st == PDN_CONNECTING)
			*st = PDN_FREE;
		if (op->kind == OP_DISCONNECT && *st == PDN_DISCONNECTING)
			*st = err ? PDN_UP : PDN_FREE;
		if (op->kind != OP_RELEASE && *st == PDN_FREE)
			session_handles(m, op->session, false);
	}
	modem_pdn_params_wipe(&op->params);
	switch (op->kind) {
	case OP_OPEN:
	case OP_DISCONNECT:
	case OP_RELEASE:
		op->cb.done(err, reason, op->user_data);
		break;
	case OP_SERVING:
		op->cb.serving(err, reason, err ? NULL : &op->serving, op->user_data);
		break;
	case OP_CONNECT:
		op->cb.connect(err, reason, err ? 0 : op->session, err ? NULL : &op->settings,
			       op->user_data);
		break;
	case OP_IMEI:
		op->cb.imei(err, reason, err ? NULL : op->imei, op->user_data);
		break;
	}
	op_unref(op);
}

static gboolean op_idle_fail(gpointer data)
{
	struct op *op = data;

	op->idle = 0;
	op_finish(op, op->err, op->reason);
	return G_SOURCE_REMOVE;
}

/* Immediate failure, reported from an idle source (never inside the call). */
static void op_fail_later(struct op *op, int err, const char *reason)
{
	op->err = err;
	util_strlcpy(op->reason, reason, sizeof(op->reason));
	op->idle = g_idle_add(op_idle_fail, op);
}

static void op_fail_gerror(struct op *op, const GError *e, uint32_t nw_error)
{
	char reason[MODEM_REASON_MAX];
	int err = error_from_gerror(e, nw_error, reason, sizeof(reason));

	op_finish(op, err, reason);
}

/*
 * Sends @msg (consumed) for @op; @ready gets the op back with one reference
 * it must drop. On a modem already gone the op fails from an idle source.
 */
static void op_command(struct op *op, MbimMessage *msg, GAsyncReadyCallback ready)
{
	struct modem *m = op->m;

	if (m->gone || !m->dev) {
		mbim_message_unref(msg);
		op_fail_later(op, -ENODEV, "modem vanished");
		return;
	}
	mbim_device_command(m->dev, msg, m->timeout_s, m->cancel, ready, op_ref(op));
	mbim_message_unref(msg);
}

/*
 * Common head of every command callback. Returns NULL with no error once the
 * op was completed meanwhile (cancelled, device gone). Otherwise the response
 * if there is one, with *@error set when the device answered a failure: the
 * CONNECT parser still needs that response for its NwError.
 */
static MbimMessage *op_response(struct op *op, GObject *src, GAsyncResult *res, GError **error)
{
	MbimMessage *resp = mbim_device_command_finish(MBIM_DEVICE(src), res, error);

	if (!op->m) {
		g_clear_error(error);
		if (resp)
			mbim_message_unref(resp);
		return NULL;
	}
	if (resp)
		mbim_message_response_get_result(resp, MBIM_MESSAGE_TYPE_COMMAND_DONE, error);
	return resp;
}

/* Serving network -------------------------------------------------------- */

static enum modem_reg_state reg_state_from_mbim(MbimRegisterState s)
{
	switch (s) {
	case MBIM_REGISTER_STATE_DEREGISTERED:
		return MODEM_REG_NOT_REGISTERED;
	case MBIM_REGISTER_STATE_SEARCHING:
		return MODEM_REG_SEARCHING;
	case MBIM_REGISTER_STATE_HOME:
		return MODEM_REG_HOME;
	case MBIM_REGISTER_STATE_ROAMING:
	case MBIM_REGISTER_STATE_PARTNER:
		return MODEM_REG_ROAMING;
	case MBIM_REGISTER_STATE_DENIED:
		return MODEM_REG_DENIED;
	case MBIM_REGISTER_STATE_UNKNOWN:
	default:
		return MODEM_REG_UNKNOWN;
	}
}

static enum modem_rat rat_from_mbim(MbimDataClass dc)
{
	if (dc & (MBIM_DATA_CLASS_5G_NSA | MBIM_DATA_CLASS_5G_SA))
		return MODEM_RAT_NR;
	if (dc & MBIM_DATA_CLASS_LTE)
		return MODEM_RAT_LTE;
	if (dc & (MBIM_DATA_CLASS_UMTS | MBIM_DATA_CLASS_HSDPA | MBIM_DATA_CLASS_HSUPA))
		return MODEM_RAT_UMTS;
	if (dc & (MBIM_DATA_CLASS_GPRS | MBIM_DATA_CLASS_EDGE))
		return MODEM_RAT_GSM;
	return MODEM_RAT_UNKNOWN;
}

static void serving_apply_register(struct modem_serving *s, MbimRegisterState state,
				   MbimDataClass dc, const char *provider_id)
{
	s->reg = reg_state_from_mbim(state);
	s->rat = rat_from_mbim(dc);
	if (modem_mbim_provider_split(provider_id, s->mcc, s->mnc))
		s->mcc[0] = s->mnc[0] = '\0';
	if (s->reg != MODEM_REG_HOME && s->reg != MODEM_REG_ROAMING)
		s->has_tac = s->has_cell_id = false;
}

static void serving_apply_location(struct modem_serving *s, guint32 tac, guint32 cell)
{
	/*
	 * TS 23.003 19.4.2.3 / 19.4.2.3a: TAC is 16 bits (E-UTRAN) or 24 bits
	 * (NR); all-zero and ...FFFE are reserved, so they mean "not reported".
	 */
	s->has_tac = tac != 0 && tac != 0xfffe && tac != 0xfffffe && tac <= 0xffffff;
	s->tac = tac;
	s->has_cell_id = cell != 0 && cell != 0xffffffff;
	s->cell_id = cell;
}

static bool serving_equal(const struct modem_serving *a, const struct modem_serving *b)
{
	return a->reg == b->reg && a->rat == b->rat && !strcmp(a->mcc, b->mcc) &&
	       !strcmp(a->mnc, b->mnc) && a->has_tac == b->has_tac &&
	       (!a->has_tac || a->tac == b->tac) && a->has_cell_id == b->has_cell_id &&
	       (!a->has_cell_id || a->cell_id == b->cell_id);
}

static gboolean serving_settled(gpointer data)
{
	struct modem *m = data;

	m->settle_timer = 0;
	if (m->announced_valid && serving_equal(&m->announced, &m->serving))
		return G_SOURCE_REMOVE;
	m->announced = m->serving;
	m->announced_valid = true;
	if (m->ev.serving_changed)
		m->ev.serving_changed(&m->announced, m->ev.user_data);
	return G_SOURCE_REMOVE;
}

static void serving_touch(struct modem *m)
{
	if (m->settle_timer)
		g_source_remove(m->settle_timer);
	m->settle_timer = g_timeout_add(MBIM_SERVING_SETTLE_MS, serving_settled, m);
}

static void serving_location_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct op *op = data;
	GError *error = NULL;
	MbimMessage *resp = op_response(op, src, res, &error);
	guint32 tac = 0, cell = 0;

	if (op->m && resp && !error &&
	    mbim_message_ms_basic_connect_extensions_location_info_status_response_parse(
		    resp, NULL, &tac, &cell, &error) &&
	    (op->serving.reg == MODEM_REG_HOME || op->serving.reg == MODEM_REG_ROAMING))
		serving_apply_location(&op->serving, tac, cell);
	if (op->m) {
		/* LOCATION_INFO is optional (MS extension): without it TAC stays unknown. */
		if (error)
			g_debug("mbim: no location info: %s", error->message);
		op->m->serving = op->serving;
		op_finish(op, 0, NULL);
	}
	g_clear_error(&error);
	if (resp)
		mbim_message_unref(resp);
	op_unref(op);
}

static void serving_register_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct op *op = data;
	GError *error = NULL;
	MbimMessage *resp = op_response(op, src, res, &error);
	MbimRegisterState state;
	MbimDataClass dc;
	g_autofree gchar *provider_id = NULL;

	if (!op->m)
		goto out;
	if (!error &&
	    !mbim_message_register_state_response_parse(resp, NULL, &state, NULL, &dc, NULL,
							&provider_id, NULL, NULL, NULL, &error))
		g_prefix_error(&error, "REGISTER_STATE: ");
	if (error) {
		op_fail_gerror(op, error, 0);
		goto out;
	}
	op->serving = op->m->serving;
	serving_apply_register(&op->serving, state, dc, provider_id);
	op_command(op,
		   mbim_message_ms_basic_connect_extensions_location_info_status_query_new(NULL),
		   serving_location_ready);
out:
	g_clear_error(&error);
	if (resp)
		mbim_message_unref(resp);
	op_unref(op);
}

static void mbim_get_serving(struct modem *m, modem_serving_cb cb, void *user_data)
{
	struct op *op = op_new(m, OP_SERVING, user_data);

	op->cb.serving = cb;

	op_command(op, mbim_message_register_state_query_new(NULL), serving_register_ready);
}

/* Equipment identity ------------------------------------------------------ */

static void device_caps_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct op *op = data;
	GError *error = NULL;
	MbimMessage *resp = op_response(op, src, res, &error);
	g_autofree gchar *device_id = NULL;

	if (!op->m)
		goto out;
	if (!error &&
	    !mbim_message_device_caps_response_parse(resp, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
						     NULL, NULL, &device_id, NULL, NULL, &error))
		g_prefix_error(&error, "DEVICE_CAPS: ");
	if (error) {
		op_fail_gerror(op, error, 0);
		goto out;
	}
	/* MBIM 1.0 10.5.1: DeviceId is the IMEI on a GSM-family (3GPP) device. */
	if (!device_id || !*device_id ||
	    g_strlcpy(op->imei, device_id, sizeof(op->imei)) >= sizeof(op->imei)) {
		op_finish(op, -ENODATA, "DEVICE_CAPS: no IMEI in DeviceId");
		goto out;
	}
	op_finish(op, 0, NULL);
out:
	g_clear_error(&error);
	if (resp)
		mbim_message_unref(resp);
	op_unref(op);
}

static void mbim_get_imei(struct modem *m, modem_imei_cb cb, void *user_data)
{
	struct op *op = op_new(m, OP_IMEI, user_data);

	op->cb.imei = cb;
	op_command(op, mbim_message_device_caps_query_new(NULL), device_caps_ready);
}

static void modem_free(struct modem *m);

/* Indications -------------------------------------------------------------- */

static void pdn_dropped(struct modem *m, unsigned int session, guint32 nw_error)
{
	char reason[MODEM_REASON_MAX];
	GList *l;

	if (m->pdn[session] == PDN_FREE)
		return;
	if (nw_error)
		modem_cause_reason(nw_error, reason, sizeof(reason)); /* as on every backend */
	else
		snprintf(reason, sizeof(reason), "network deactivated the PDN");
	/*
	 * A disconnect in flight for this session is answered by the drop; a
	 * connect already activated but still reading its settings fails.
	 */
	for (l = m->ops; l; l = l->next) {
		struct op *op = l->data;

		if (op->session != session)
			continue;
		if (op->kind == OP_DISCONNECT) {
			op_finish(op, 0, NULL);
			return;
		}
		if (op->kind == OP_CONNECT && op->activated) {
			op_finish(op, -ECONNRESET, reason);
			return;
		}
	}
	if (m->pdn[session] != PDN_UP)
		return;
	m->pdn[session] = PDN_FREE;
	session_handles(m, session, false);
	if (m->ev.pdn_dropped)
		m->ev.pdn_dropped(session, -ECONNRESET, reason, m->ev.user_data);
}

static void on_indicate(MbimDevice *dev, MbimMessage *msg, gpointer data)
{
	struct modem *m = data;
	bool drop = false;
	guint32 session = 0, nw_error = 0;
	MbimService svc = mbim_message_indicate_status_get_service(msg);
	guint32 cid = mbim_message_indicate_status_get_cid(msg);
	GError *error = NULL;

	if (svc == MBIM_SERVICE_BASIC_CONNECT && cid == MBIM_CID_BASIC_CONNECT_REGISTER_STATE) {
		MbimRegisterState state;
		MbimDataClass dc;
		g_autofree gchar *provider_id = NULL;

		if (mbim_message_register_state_notification_parse(msg, NULL, &state, NULL, &dc,
								   NULL, &provider_id, NULL, NULL,
								   NULL, &error)) {
			serving_apply_register(&m->serving, state, dc, provider_id);
			serving_touch(m);
		}
	} else if (svc == MBIM_SERVICE_MS_BASIC_CONNECT_EXTENSIONS &&
		   cid == MBIM_CID_MS_BASIC_CONNECT_EXTENSIONS_LOCATION_INFO_STATUS) {
		guint32 tac, cell;

		if (mbim_message_ms_basic_connect_extensions_location_info_status_notification_parse(
			    msg, NULL, &tac, &cell, &error)) {
			serving_apply_location(&m->serving, tac, cell);
			serving_touch(m);
		}
	} else if (svc == MBIM_SERVICE_BASIC_CONNECT && cid == MBIM_CID_BASIC_CONNECT_CONNECT) {
		MbimActivationState act;

		drop = mbim_message_connect_notification_parse(msg, &session, &act, NULL, NULL,
							       NULL, &nw_error, &error) &&
		       session < MBIM_SESSIONS_MAX && act == MBIM_ACTIVATION_STATE_DEACTIVATED;
	}
	if (error) {
		g_debug("mbim: malformed indication (cid %u): %s", cid, error->message);
		g_error_free(error);
	}
	if (!drop)
		return;
	m->busy++;
	pdn_dropped(m, session, nw_error);
	if (--m->busy == 0 && m->closed)
		modem_free(m);
}

/* The proxy connection or the device is gone: fail everything, then tell. */
static void on_removed(MbimDevice *dev, gpointer data)
{
	struct modem *m = data;

	if (m->gone)
		return;
	m->gone = true;
	g_debug("mbim: %s removed", m->device);
	memset(m->pdn, 0, sizeof(m->pdn));
	m->busy++;
	while (m->ops && !m->closed)
		op_finish(m->ops->data, -ENODEV, "modem vanished");
	if (!m->closed && m->ev.vanished)
		m->ev.vanished("modem vanished (mbim-proxy connection lost)", m->ev.user_data);
	if (--m->busy == 0 && m->closed)
		modem_free(m);
}

/* Open ---------------------------------------------------------------------- */

static void open_subscribe_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct op *op = data;
	GError *error = NULL;
	MbimMessage *resp = op_response(op, src, res, &error);

	/* A device without the subscribe list keeps its default indications. */
	if (op->m) {
		if (error)
			g_debug("mbim: subscribe list refused: %s", error->message);
		op_finish(op, 0, NULL);
	}
	g_clear_error(&error);
	if (resp)
		mbim_message_unref(resp);
	op_unref(op);
}

/*
 * MBIM 1.0 10.5.30: subscribe to what the backend needs. Through mbim-proxy
 * this list is per client; the proxy merges the lists of all its clients.
 */
static MbimMessage *subscribe_list_new(void)
{
	static guint32 basic[] = { MBIM_CID_BASIC_CONNECT_SUBSCRIBER_READY_STATUS,
				   MBIM_CID_BASIC_CONNECT_RADIO_STATE,
				   MBIM_CID_BASIC_CONNECT_REGISTER_STATE,
				   MBIM_CID_BASIC_CONNECT_PACKET_SERVICE,
				   MBIM_CID_BASIC_CONNECT_CONNECT };
	static guint32 ext[] = { MBIM_CID_MS_BASIC_CONNECT_EXTENSIONS_LOCATION_INFO_STATUS };
	MbimEventEntry e0 = { .cids_count = G_N_ELEMENTS(basic), .cids = basic };
	MbimEventEntry e1 = { .cids_count = G_N_ELEMENTS(ext), .cids = ext };
	const MbimEventEntry *entries[] = { &e0, &e1, NULL };

	memcpy(&e0.device_service_id, MBIM_UUID_BASIC_CONNECT, sizeof(MbimUuid));
	memcpy(&e1.device_service_id, MBIM_UUID_MS_BASIC_CONNECT_EXTENSIONS, sizeof(MbimUuid));
	return mbim_message_device_service_subscribe_list_set_new(2, entries, NULL);
}

static void open_register_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct op *op = data;
	GError *error = NULL;
	MbimMessage *resp = op_response(op, src, res, &error);
	MbimRegisterState state;
	MbimDataClass dc;
	g_autofree gchar *provider_id = NULL;

	if (!op->m)
		goto out;
	/* The initial cache; the first serving_changed is relative to it. */
	if (!error &&
	    mbim_message_register_state_response_parse(resp, NULL, &state, NULL, &dc, NULL,
						       &provider_id, NULL, NULL, NULL, &error)) {
		serving_apply_register(&op->m->serving, state, dc, provider_id);
		op->m->announced = op->m->serving;
		op->m->announced_valid = true;
	}
	if (error)
		g_debug("mbim: initial REGISTER_STATE: %s", error->message);
	op_command(op, subscribe_list_new(), open_subscribe_ready);
out:
	g_clear_error(&error);
	if (resp)
		mbim_message_unref(resp);
	op_unref(op);
}

static void open_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct op *op = data;
	GError *error = NULL;

	if (!mbim_device_open_full_finish(MBIM_DEVICE(src), res, &error)) {
		if (op->m)
			op_fail_gerror(op, error, 0);
		goto out;
	}
	if (!op->m)
		goto out;
	op_command(op, mbim_message_register_state_query_new(NULL), open_register_ready);
out:
	g_clear_error(&error);
	op_unref(op);
}

static void new_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct op *op = data;
	GError *error = NULL;
	MbimDevice *dev = mbim_device_new_finish(res, &error);
	struct modem *m = op->m;

	if (!m) {
		if (dev)
			g_object_unref(dev);
		goto out;
	}
	if (!dev) {
		op_fail_gerror(op, error, 0);
		goto out;
	}
	m->dev = dev;
	m->sig_indicate = g_signal_connect(dev, MBIM_DEVICE_SIGNAL_INDICATE_STATUS,
					   G_CALLBACK(on_indicate), m);
	m->sig_removed =
		g_signal_connect(dev, MBIM_DEVICE_SIGNAL_REMOVED, G_CALLBACK(on_removed), m);
	mbim_device_open_full(dev, MBIM_DEVICE_OPEN_FLAGS_PROXY, m->timeout_s, m->cancel,
			      open_ready, op_ref(op));
out:
	g_clear_error(&error);
	op_unref(op);
}

static void mbim_open(struct modem **mp, const struct modem_config *cfg,
		      const struct modem_events *ev, modem_done_cb cb, void *user_data)
{
	struct modem *m = g_new0(struct modem, 1);
	struct op *op;
	GFile *file;

	m->cancel = g_cancellable_new();
	if (ev)
		m->ev = *ev;
	m->timeout_s = cfg->timeout_ms ? (cfg->timeout_ms + 999) / 1000 : MBIM_DEFAULT_TIMEOUT_S;
	*mp = m;
	op = op_new(m, OP_OPEN, user_data);
	op->cb.done = cb;
	if (!cfg->device || util_strlcpy(m->device, cfg->device, sizeof(m->device)) ||
	    util_strlcpy(m->netdev, cfg->netdev ? cfg->netdev : "", sizeof(m->netdev))) {
		op_fail_later(op, -EINVAL, "MBIM: device path or netdev missing or too long");
		return;
	}
	file = g_file_new_for_path(m->device);
	mbim_device_new(file, m->cancel, new_ready, op_ref(op));
	g_object_unref(file);
}

/* Connect ------------------------------------------------------------------- */

static MbimContextIpType ip_type_to_mbim(enum modem_ip_type t)
{
	switch (t) {
	case MODEM_IP_V4:
		return MBIM_CONTEXT_IP_TYPE_IPV4;
	case MODEM_IP_V6:
		return MBIM_CONTEXT_IP_TYPE_IPV6;
	case MODEM_IP_V4V6:
		return MBIM_CONTEXT_IP_TYPE_IPV4V6;
	}
	return MBIM_CONTEXT_IP_TYPE_DEFAULT;
}

static MbimAuthProtocol auth_to_mbim(enum modem_auth a)
{
	switch (a) {
	case MODEM_AUTH_NONE:
		return MBIM_AUTH_PROTOCOL_NONE;
	case MODEM_AUTH_PAP:
		return MBIM_AUTH_PROTOCOL_PAP;
	case MODEM_AUTH_CHAP:
		return MBIM_AUTH_PROTOCOL_CHAP;
	}
	return MBIM_AUTH_PROTOCOL_NONE;
}

/* GSMA IR.92 4.3: the well-known APN "IMS" carries the IMS context type. */
static const MbimUuid *context_for_apn(const char *apn)
{
	return g_ascii_strcasecmp(apn, "ims") == 0 ?
		       mbim_uuid_from_context_type(MBIM_CONTEXT_TYPE_IMS) :
		       mbim_uuid_from_context_type(MBIM_CONTEXT_TYPE_INTERNET);
}

static void ip4_str(const MbimIPv4 *a, char *out)
{
	inet_ntop(AF_INET, a->addr, out, MODEM_ADDR_MAX);
}

static void ip6_str(const MbimIPv6 *a, char *out)
{
	inet_ntop(AF_INET6, a->addr, out, MODEM_ADDR_MAX);
}

static void settings_from_ip_configuration(struct modem_pdn_settings *s, guint32 n4,
					   MbimIPv4Element **a4, guint32 n6, MbimIPv6Element **a6,
					   const MbimIPv4 *gw4, const MbimIPv6 *gw6, guint32 ndns4,
					   const MbimIPv4 *dns4, guint32 ndns6,
					   const MbimIPv6 *dns6, guint32 mtu4, guint32 mtu6)
{
	guint32 i;

	if (n4 && a4 && a4[0]) {
		ip4_str(&a4[0]->ipv4_address, s->addr4);
		s->prefix4 = a4[0]->on_link_prefix_length;
	}
	if (n6 && a6 && a6[0]) {
		ip6_str(&a6[0]->ipv6_address, s->addr6);
		s->prefix6 = a6[0]->on_link_prefix_length;
	}
	if (gw4)
		ip4_str(gw4, s->gw4);
	if (gw6)
		ip6_str(gw6, s->gw6);
	for (i = 0; dns4 && i < ndns4 && s->n_dns < MODEM_DNS_MAX; i++)
		ip4_str(&dns4[i], s->dns[s->n_dns++]);
	for (i = 0; dns6 && i < ndns6 && s->n_dns < MODEM_DNS_MAX; i++)
		ip6_str(&dns6[i], s->dns[s->n_dns++]);
	s->mtu = mtu4 ? mtu4 : mtu6;
}

/* The PDN is up but unusable: take it down again, nobody waits for it. */
static void deactivate_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	MbimMessage *resp = mbim_device_command_finish(MBIM_DEVICE(src), res, NULL);

	if (resp)
		mbim_message_unref(resp);
}

static void connect_abandon(struct modem *m, unsigned int session)
{
	MbimMessage *msg;

	if (m->gone || !m->dev)
		return;
	msg = mbim_message_connect_set_new(session, MBIM_ACTIVATION_COMMAND_DEACTIVATE, "", "", "",
					   MBIM_COMPRESSION_NONE, MBIM_AUTH_PROTOCOL_NONE,
					   MBIM_CONTEXT_IP_TYPE_DEFAULT,
					   mbim_uuid_from_context_type(MBIM_CONTEXT_TYPE_INTERNET),
					   NULL);
	mbim_device_command(m->dev, msg, m->timeout_s, NULL, deactivate_ready, NULL);
	mbim_message_unref(msg);
}

static void connect_ip_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct op *op = data;
	GError *error = NULL;
	MbimMessage *resp = op_response(op, src, res, &error);
	guint32 n4 = 0, n6 = 0, ndns4 = 0, ndns6 = 0, mtu4 = 0, mtu6 = 0;
	g_autoptr(MbimIPv4ElementArray) a4 = NULL;
	g_autoptr(MbimIPv6ElementArray) a6 = NULL;
	const MbimIPv4 *gw4 = NULL;
	const MbimIPv6 *gw6 = NULL;
	g_autofree MbimIPv4 *dns4 = NULL;
	g_autofree MbimIPv6 *dns6 = NULL;
	struct modem *m = op->m;

	if (!m)
		goto out;
	if (!error && !mbim_message_ip_configuration_response_parse(
			      resp, NULL, NULL, NULL, &n4, &a4, &n6, &a6, &gw4, &gw6, &ndns4, &dns4,
			      &ndns6, &dns6, &mtu4, &mtu6, &error))
		g_prefix_error(&error, "IP_CONFIGURATION: ");
	if (error) {
		connect_abandon(m, op->session);
		op_fail_gerror(op, error, 0);
		goto out;
	}
	settings_from_ip_configuration(&op->settings, n4, a4, n6, a6, gw4, gw6, ndns4, dns4, ndns6,
				       dns6, mtu4, mtu6);
	if (!op->settings.addr4[0] && !op->settings.addr6[0]) {
		connect_abandon(m, op->session);
		op_finish(op, -EPROTO, "IP_CONFIGURATION: the device reported no address");
		goto out;
	}
	m->pdn[op->session] = PDN_UP;
	op_finish(op, 0, NULL);
out:
	g_clear_error(&error);
	if (resp)
		mbim_message_unref(resp);
	op_unref(op);
}

static void connect_set_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct op *op = data;
	GError *error = NULL;
	MbimMessage *resp = op_response(op, src, res, &error);
	guint32 nw_error = 0;
	MbimActivationState act = MBIM_ACTIVATION_STATE_UNKNOWN;

	if (!op->m)
		goto out;
	/* MBIM 1.0 10.5.12.3: a failed CONNECT still carries the NwError. */
	if (resp)
		mbim_message_connect_response_parse(resp, NULL, &act, NULL, NULL, NULL, &nw_error,
						    NULL);
	if (error) {
		/* The device may still activate the session after we gave up on it. */
		if (g_error_matches(error, MBIM_CORE_ERROR, MBIM_CORE_ERROR_TIMEOUT))
			connect_abandon(op->m, op->session);
		op_fail_gerror(op, error, nw_error);
		goto out;
	}
	op->activated = act == MBIM_ACTIVATION_STATE_ACTIVATED;
	if (!op->activated) {
		char reason[MODEM_REASON_MAX];

		snprintf(reason, sizeof(reason), "CONNECT answered activation state %s",
			 mbim_activation_state_get_string(act) ?: "unknown");
		op_finish(op, -EPROTO, reason);
		goto out;
	}
	op_command(op,
		   mbim_message_ip_configuration_query_new(op->session, 0, 0, 0, NULL, 0, NULL,
							   NULL, NULL, 0, NULL, 0, NULL, 0, 0,
							   NULL),
		   connect_ip_ready);
out:
	g_clear_error(&error);
	if (resp)
		mbim_message_unref(resp);
	op_unref(op);
}

static void connect_activate(struct op *op)
{
	const struct modem_pdn_params *p = &op->params;
	GError *error = NULL;
	MbimMessage *msg;
	int n;

	/* Session 0 is the netdev itself; session N its VLAN N (cdc_mbim). */
	if (op->session == 0)
		n = snprintf(op->settings.ifname, sizeof(op->settings.ifname), "%s", op->m->netdev);
	else
		n = snprintf(op->settings.ifname, sizeof(op->settings.ifname), "%s.%u",
			     op->m->netdev, op->session);
	if (n < 0 || (size_t)n >= sizeof(op->settings.ifname))
		op->settings.ifname[0] = '\0';

	msg = mbim_message_connect_set_new(op->session, MBIM_ACTIVATION_COMMAND_ACTIVATE, p->apn,
					   p->username, p->password, MBIM_COMPRESSION_NONE,
					   auth_to_mbim(p->auth), ip_type_to_mbim(p->ip_type),
					   context_for_apn(p->apn), &error);
	if (!msg) {
		char reason[MODEM_REASON_MAX];
		int err = error_from_gerror(error, 0, reason, sizeof(reason));

		g_error_free(error);
		op_fail_later(op, err, reason);
		return;
	}
	op_command(op, msg, connect_set_ready);
	/* libmbim copied the credentials into the message, which is gone now. */
	modem_pdn_params_wipe(&op->params);
}

static int session_pick(struct modem *m, unsigned int from)
{
	unsigned int i;

	for (i = from; i < MBIM_SESSIONS_MAX; i++)
		if (m->pdn[i] == PDN_FREE)
			return (int)i;
	return -ENOSPC;
}

static void connect_query_ready(GObject *src, GAsyncResult *res, gpointer data);

static void connect_probe(struct op *op, unsigned int from)
{
	struct modem *m = op->m;
	int s = session_pick(m, from);

	if (s < 0) {
		op_fail_later(op, -ENOSPC, "no free MBIM session id");
		return;
	}
	op->session = (unsigned int)s;
	m->pdn[s] = PDN_CONNECTING;
	session_handles(m, op->session, true);
	op_command(op,
		   mbim_message_connect_query_new(
			   op->session, MBIM_ACTIVATION_STATE_UNKNOWN, MBIM_VOICE_CALL_STATE_NONE,
			   MBIM_CONTEXT_IP_TYPE_DEFAULT,
			   mbim_uuid_from_context_type(MBIM_CONTEXT_TYPE_INTERNET), 0, NULL),
		   connect_query_ready);
}

/*
 * Another proxy client may hold this session (the primary PDN brought up by
 * ModemManager, say): skip sessions the device reports active.
 */
static void connect_query_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct op *op = data;
	GError *error = NULL;
	MbimMessage *resp = op_response(op, src, res, &error);
	MbimActivationState act = MBIM_ACTIVATION_STATE_UNKNOWN;
	struct modem *m = op->m;

	if (!m)
		goto out;
	if (!error)
		mbim_message_connect_response_parse(resp, NULL, &act, NULL, NULL, NULL, NULL,
						    &error);
	if (error) {
		/* Devices may refuse the query for idle sessions; try to activate. */
		g_debug("mbim: session %u state: %s", op->session, error->message);
		g_clear_error(&error);
	} else if (act == MBIM_ACTIVATION_STATE_ACTIVATED ||
		   act == MBIM_ACTIVATION_STATE_ACTIVATING) {
		g_debug("mbim: session %u is in use by another client", op->session);
		m->pdn[op->session] = PDN_FREE;
		session_handles(m, op->session, false);
		connect_probe(op, op->session + 1);
		goto out;
	}
	connect_activate(op);
out:
	g_clear_error(&error);
	if (resp)
		mbim_message_unref(resp);
	op_unref(op);
}

static void mbim_connect(struct modem *m, const struct modem_pdn_params *p, modem_connect_cb cb,
			 void *user_data)
{
	struct op *op = op_new(m, OP_CONNECT, user_data);

	op->cb.connect = cb;
	op->params = *p;
	if (m->gone || !m->dev) {
		op_fail_later(op, -ENODEV, "modem vanished");
		return;
	}
	if (!p->apn[0] || strnlen(p->apn, sizeof(p->apn)) == sizeof(p->apn)) {
		op_fail_later(op, -EINVAL, "APN missing or too long");
		return;
	}
	connect_probe(op, 0);
}

/* Disconnect ---------------------------------------------------------------- */

static void disconnect_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct op *op = data;
	GError *error = NULL;
	MbimMessage *resp = op_response(op, src, res, &error);

	if (!op->m)
		goto out;
	/* Already down (network or another client): the goal is reached. */
	if (g_error_matches(error, MBIM_STATUS_ERROR, MBIM_STATUS_ERROR_CONTEXT_NOT_ACTIVATED))
		g_clear_error(&error);
	if (error)
		op_fail_gerror(op, error, 0);
	else
		op_finish(op, 0, NULL);
out:
	g_clear_error(&error);
	if (resp)
		mbim_message_unref(resp);
	op_unref(op);
}

static void mbim_disconnect(struct modem *m, modem_pdn_id id, modem_done_cb cb, void *user_data)
{
	struct op *op = op_new(m, OP_DISCONNECT, user_data);

	op->cb.done = cb;
	if (id >= MBIM_SESSIONS_MAX || m->pdn[id] != PDN_UP) {
		op_fail_later(op, m->gone ? -ENODEV : -ENOENT,
			      m->gone ? "modem vanished" : "no such PDN");
		return;
	}
	op->session = id;
	m->pdn[id] = PDN_DISCONNECTING;
	op_command(op,
		   mbim_message_connect_set_new(
			   id, MBIM_ACTIVATION_COMMAND_DEACTIVATE, "", "", "",
			   MBIM_COMPRESSION_NONE, MBIM_AUTH_PROTOCOL_NONE,
			   MBIM_CONTEXT_IP_TYPE_DEFAULT,
			   mbim_uuid_from_context_type(MBIM_CONTEXT_TYPE_INTERNET), NULL),
		   disconnect_ready);
}

/* The session a killed process left active: deactivated (MBIM 1.0 10.5.12). */
static void mbim_release(struct modem *m, const struct modem_handles *h, modem_done_cb cb,
			 void *user_data)
{
	struct op *op = op_new(m, OP_RELEASE, user_data);

	op->cb.done = cb;
	if (!h->has_mbim_session) {
		op_fail_later(op, 0, "");
		return;
	}
	if (h->mbim_session >= MBIM_SESSIONS_MAX || m->pdn[h->mbim_session] != PDN_FREE) {
		op_fail_later(op, -EINVAL, "not a session id of a killed process");
		return;
	}
	op->session = h->mbim_session;
	g_debug("mbim: deactivating session %u left by a killed process", op->session);
	op_command(op,
		   mbim_message_connect_set_new(
			   op->session, MBIM_ACTIVATION_COMMAND_DEACTIVATE, "", "", "",
			   MBIM_COMPRESSION_NONE, MBIM_AUTH_PROTOCOL_NONE,
			   MBIM_CONTEXT_IP_TYPE_DEFAULT,
			   mbim_uuid_from_context_type(MBIM_CONTEXT_TYPE_INTERNET), NULL),
		   disconnect_ready);
}

/* Close --------------------------------------------------------------------- */

static void modem_free(struct modem *m)
{
	if (m->dev) {
		/* The proxy keeps the device (and its sessions) for other clients. */
		mbim_device_close_force(m->dev, NULL);
		g_object_unref(m->dev);
	}
	g_object_unref(m->cancel);
	g_free(m);
}

static void mbim_close(struct modem *m)
{
	if (!m || m->closed)
		return;
	m->closed = true;
	/* libmbim's callbacks still to come find op->m NULL and only drop their ref. */
	g_cancellable_cancel(m->cancel);
	if (m->dev) {
		g_signal_handler_disconnect(m->dev, m->sig_indicate);
		g_signal_handler_disconnect(m->dev, m->sig_removed);
	}
	if (m->settle_timer) {
		g_source_remove(m->settle_timer);
		m->settle_timer = 0;
	}
	while (m->ops)
		op_finish(m->ops->data, -ECANCELED, "modem closed");
	if (!m->busy)
		modem_free(m);
}

const struct modem_ops modem_mbim_ops = {
	.name = "mbim",
	.open = mbim_open,
	.get_serving = mbim_get_serving,
	.get_imei = mbim_get_imei,
	.connect = mbim_connect,
	.disconnect = mbim_disconnect,
	.release = mbim_release,
	.close = mbim_close,
};
