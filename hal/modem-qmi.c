// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QMI modem backend on libqmi-glib (1.32): serving network from NAS, one WDS
 * client per PDN, each bound to its own QMAP mux id when the data port is
 * multiplexed. The device is always opened through qmi-proxy so that
 * ModemManager, qmicli and we can share it.
 *
 * Configuration read (struct modem_config): device (cdc-wdm path; the file
 * check is skipped when it is not a character device, as with a bench
 * emulator), proxy (abstract socket name, default "qmi-proxy"), netdev (one
 * data interface, or a comma-separated list: PDN slot i uses the i-th name),
 * mux_id (the board's QMAP mux id of slot 0, slot i uses mux_id + i; without
 * it a list means mux ids 1, 2, ... and a single name no muxing), shared
 * (the primary PDN runs on this modem), data_iface (the USB interface of the
 * data port, the endpoint of Bind Mux Data Port), link_ops and link (each PDN's mux
 * link is made before its WDS client is bound and removed with the PDN, on
 * every path) and timeout_ms (per QMI request, rounded up to seconds;
 * 0 = 10 s).
 *
 * The data format (WDA) is one per data port, shared by every PDN on it: it
 * is read first and set only when it differs; on a shared modem a difference
 * fails open rather than cut the primary PDN.
 *
 * Every client id is allocated at open and kept until close: WDA, NAS, DMS
 * and two WDS clients per data link (one per IP family), each reported to the
 * caller (modem_events.handles) as soon as the modem answers. A process
 * killed inside a CTL Allocate CID round trip leaves a client id nobody can
 * name (QMI has no request that lists them; qmi-proxy forgets one whose
 * answer comes after its connection closed), so allocating only at open
 * keeps that window out of the migration (issue 12): a PDN starts and stops
 * its sessions (WDS Start/Stop Network) on its link's clients. A client whose
 * session could not be stopped for sure is released (which ends it) and
 * allocated again when its link is next used.
 *
 * Every libqmi GError and QMI status is turned into -errno plus a reason at
 * this boundary; the original is logged once at debug level.
 */
#define G_LOG_DOMAIN "mcmig-modem-qmi"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <libqmi-glib.h>

#include "modem-qmi-helpers.h"
#include "modem.h"
#include "netdev.h"
#include "util.h"

#define QMI_MAX_PDNS	       8
#define QMI_DEFAULT_TIMEOUT_MS 10000

/* qmi_own_handles(): every client id we hold fits one report. */
G_STATIC_ASSERT(MODEM_CLIENT_MAX >= 3 + 2 * QMI_MAX_PDNS);

/*
 * One IP family's data session: its own WDS client, as ModemManager does for
 * a dual-stack bearer (a QMI data session carries one family).
 */
struct qmi_fam {
	struct qmi_pdn *pdn;
	QmiClientWds *wds; /* the link's pool client (struct modem), NULL when none */
	guint32 handle;
	gulong status_handler;
	bool started;  /* Start Network succeeded: Stop Network ends it */
	bool in_doubt; /* Start Network sent, no answer: the modem may bring it up */
};

struct qmi_pdn {
	struct modem *m;
	modem_pdn_id id;
	unsigned int slot; /* mux id = mux_base + slot when multiplexed */
	/* [0] the PDN's only family, or IPv4 of an IPv4v6 PDN; [1] its IPv6 */
	struct qmi_fam fam[2];
	unsigned int n_fam;
	bool up;
	bool link_owned; /* we made its mux link: removed with the PDN */
};

/* A data link's WDS client for one IP family, kept from open to close. */
struct qmi_wds {
	QmiClientWds *client; /* NULL: released after a failure, allocated on next use */
	bool bound;	      /* bound to its link's QMAP mux id (WDS Bind Mux Data Port) */
};

struct modem {
	const struct modem_events *ev;
	QmiDevice *dev;
	QmiClientWda *wda;
	QmiClientNas *nas;
	QmiClientDms *dms;
	struct qmi_wds wds[QMI_MAX_PDNS][2]; /* [slot][family]: see qmi_fam */
	unsigned int n_alloc;		     /* open: pool clients allocated so far */
	GCancellable *cancel;
	guint timeout_s;
	gchar **netdevs;
	unsigned int n_slots;
	bool muxed;
	unsigned int mux_base; /* mux id of slot 0 */
	bool shared;
	unsigned int data_iface;	   /* 0: no endpoint in Bind Mux Data Port */
	const struct netdev_ops *link_ops; /* NULL: the mux links exist */
	enum netdev_link_kind link_kind;
	gchar *link_parent, *link_sysfs;
	struct qmi_pdn *slots[QMI_MAX_PDNS];
	modem_pdn_id next_id;
	gulong removed_handler;
	gulong serving_handler;
	bool ready;
	bool vanished;
	bool has_serving;
	struct modem_serving serving;
	GList *ops;		 /* struct qmi_op not yet completed */
	struct qmi_teardown *td; /* set while close() releases the clients */
};

/*
 * Outlives the modem: close() releases every client id (which ends their
 * data sessions on the modem) and closes the device once all are answered.
 */
struct qmi_teardown {
	QmiDevice *dev;
	guint pending;
	guint timeout_s;
};

enum qmi_op_kind {
	QMI_OP_OPEN,
	QMI_OP_SERVING,
	QMI_OP_CONNECT,
	QMI_OP_DISCONNECT,
	QMI_OP_IMEI,
	QMI_OP_RELEASE,
};

/*
 * One pending call. It outlives the modem when close() cancels it: the libqmi
 * step in flight still completes (with G_IO_ERROR_CANCELLED) and frees it then.
 */
struct qmi_op {
	struct modem *m; /* NULL once completed or cancelled by close() */
	enum qmi_op_kind kind;
	modem_done_cb done_cb;
	modem_serving_cb serving_cb;
	modem_connect_cb connect_cb;
	modem_imei_cb imei_cb;
	void *user_data;
	guint idle;
	int err;
	char reason[MODEM_REASON_MAX];
	struct qmi_pdn *pdn;
	unsigned int fam; /* connect, disconnect: the family being worked on */
	int fam_err;	  /* connect: the first family's failure, when one failed */
	char fam_reason[MODEM_REASON_MAX];
	struct modem_pdn_params params;
	struct modem_pdn_settings settings;
	struct modem_serving serving;
	char imei[MODEM_IMEI_MAX];
	struct modem_handles rel; /* release: what a killed process left */
	size_t rel_i;		  /* release: the client being released */
};

/* ---- errors ---- */

/* Translates @e, logs the original once, fills @reason ("STEP: message"). */
static int qmi_gerror(struct modem *m, const GError *e, const char *step, char *reason, size_t size)
{
	return modem_qmi_gerror(e, m && m->vanished, step, reason, size);
}

/* ---- op lifecycle ---- */

static struct qmi_op *qmi_op_new(struct modem *m, enum qmi_op_kind kind, void *user_data)
{
	struct qmi_op *op = g_new0(struct qmi_op, 1);

	op->m = m;
	op->kind = kind;
	op->user_data = user_data;
	m->ops = g_list_prepend(m->ops, op);
	return op;
}

static void qmi_op_free(struct qmi_op *op)
{
	modem_pdn_params_wipe(&op->params);
	g_free(op);
}

static void qmi_op_callback(struct qmi_op *op, int err, const char *reason)
{
	modem_pdn_id id = op->pdn && !err ? op->pdn->id : 0;

	switch (op->kind) {
	case QMI_OP_OPEN:
	case QMI_OP_DISCONNECT:
	case QMI_OP_RELEASE:
		op->done_cb(err, reason, op->user_data);
		break;
	case QMI_OP_SERVING:
		op->serving_cb(err, reason, err ? NULL : &op->serving, op->user_data);
		break;
	case QMI_OP_CONNECT:
		op->connect_cb(err, reason, id, err ? NULL : &op->settings, op->user_data);
		break;
	case QMI_OP_IMEI:
		op->imei_cb(err, reason, err ? NULL : op->imei, op->user_data);
		break;
	}
}

/* Reports the result exactly once and frees the op. */
static void qmi_op_finish(struct qmi_op *op, int err, const char *reason)
{
	struct modem *m = op->m;

	if (m) {
		m->ops = g_list_remove(m->ops, op);
		op->m = NULL;
		qmi_op_callback(op, err, err ? reason : NULL);
	}
	qmi_op_free(op);
}

static gboolean qmi_op_idle(gpointer data)
{
	struct qmi_op *op = data;

	op->idle = 0;
	qmi_op_finish(op, op->err, op->reason);
	return G_SOURCE_REMOVE;
}

/* Immediate failure: reported from the main loop, never inside the call. */
static void qmi_op_fail_later(struct qmi_op *op, int err, const char *reason)
{
	op->err = err;
	g_strlcpy(op->reason, reason, sizeof(op->reason));
	op->idle = g_idle_add(qmi_op_idle, op);
}

/*
 * Common head of every libqmi completion: true when the modem was closed
 * meanwhile (the op was already reported as cancelled and is freed here).
 */
static bool qmi_op_orphaned(struct qmi_op *op)
{
	if (op->m)
		return false;
	qmi_op_free(op);
	return true;
}

static void qmi_op_gerror(struct qmi_op *op, GError *e, const char *step)
{
	char reason[MODEM_REASON_MAX];
	int err = qmi_gerror(op->m, e, step, reason, sizeof(reason));

	g_error_free(e);
	qmi_op_finish(op, err, reason);
}

/* ---- serving network ---- */

struct qmi_serving_raw {
	gboolean has_ss, has_roaming, has_plmn, has_pcs, has_cid, has_tac;
	QmiNasRegistrationState reg;
	GArray *rats;
	QmiNasRoamingIndicatorStatus roaming;
	guint16 mcc, mnc, pcs_mcc, pcs_mnc;
	gboolean mnc3;
	guint32 cid;
	guint16 tac;
};

static enum modem_rat qmi_rat(const GArray *rats)
{
	enum modem_rat best = MODEM_RAT_UNKNOWN;
	guint i;

	for (i = 0; rats && i < rats->len; i++) {
		QmiNasRadioInterface r = g_array_index(rats, QmiNasRadioInterface, i);
		enum modem_rat v = MODEM_RAT_UNKNOWN;

		if (r == QMI_NAS_RADIO_INTERFACE_5GNR)
			v = MODEM_RAT_NR;
		else if (r == QMI_NAS_RADIO_INTERFACE_LTE)
			v = MODEM_RAT_LTE;
		else if (r == QMI_NAS_RADIO_INTERFACE_UMTS || r == QMI_NAS_RADIO_INTERFACE_TD_SCDMA)
			v = MODEM_RAT_UMTS;
		else if (r == QMI_NAS_RADIO_INTERFACE_GSM)
			v = MODEM_RAT_GSM;
		if (v > best)
			best = v;
	}
	return best;
}

static void qmi_serving_from_raw(const struct qmi_serving_raw *r, struct modem_serving *s)
{
	bool mnc3;

	memset(s, 0, sizeof(*s));
	s->reg = MODEM_REG_UNKNOWN;
	if (r->has_ss) {
		switch (r->reg) {
		case QMI_NAS_REGISTRATION_STATE_NOT_REGISTERED:
			s->reg = MODEM_REG_NOT_REGISTERED;
			break;
		case QMI_NAS_REGISTRATION_STATE_REGISTERED:
			s->reg = r->has_roaming &&
						 r->roaming == QMI_NAS_ROAMING_INDICATOR_STATUS_ON ?
					 MODEM_REG_ROAMING :
					 MODEM_REG_HOME;
			break;
		case QMI_NAS_REGISTRATION_STATE_NOT_REGISTERED_SEARCHING:
			s->reg = MODEM_REG_SEARCHING;
			break;
		case QMI_NAS_REGISTRATION_STATE_REGISTRATION_DENIED:
			s->reg = MODEM_REG_DENIED;
			break;
		case QMI_NAS_REGISTRATION_STATE_UNKNOWN:
			s->reg = MODEM_REG_UNKNOWN;
			break;
		}
		s->rat = qmi_rat(r->rats);
	}
	if (r->has_plmn && r->mcc <= 999 && r->mnc <= 999) {
		/* TS 23.003 2.2: the MNC has 2 or 3 digits; only the modem knows which. */
		mnc3 = r->has_pcs ? (r->mnc3 && r->pcs_mnc == r->mnc) : r->mnc > 99;
		snprintf(s->mcc, sizeof(s->mcc), "%03u", r->mcc);
		snprintf(s->mnc, sizeof(s->mnc), mnc3 ? "%03u" : "%02u", r->mnc);
	}
	s->has_tac = r->has_tac;
	s->tac = r->tac;
	s->has_cell_id = r->has_cid;
	s->cell_id = r->cid;
}

static void qmi_serving_from_response(QmiMessageNasGetServingSystemOutput *o,
				      struct modem_serving *s)
{
	struct qmi_serving_raw r = { 0 };
	const gchar *desc;

	r.has_ss = qmi_message_nas_get_serving_system_output_get_serving_system(
		o, &r.reg, NULL, NULL, NULL, &r.rats, NULL);
	r.has_roaming = qmi_message_nas_get_serving_system_output_get_roaming_indicator(
		o, &r.roaming, NULL);
	r.has_plmn = qmi_message_nas_get_serving_system_output_get_current_plmn(o, &r.mcc, &r.mnc,
										&desc, NULL);
	r.has_pcs = qmi_message_nas_get_serving_system_output_get_mnc_pcs_digit_include_status(
		o, &r.pcs_mcc, &r.pcs_mnc, &r.mnc3, NULL);
	r.has_cid = qmi_message_nas_get_serving_system_output_get_cid_3gpp(o, &r.cid, NULL);
	r.has_tac = qmi_message_nas_get_serving_system_output_get_lte_tac(o, &r.tac, NULL);
	qmi_serving_from_raw(&r, s);
}

static bool qmi_serving_equal(const struct modem_serving *a, const struct modem_serving *b)
{
	return a->reg == b->reg && a->rat == b->rat && strcmp(a->mcc, b->mcc) == 0 &&
	       strcmp(a->mnc, b->mnc) == 0 && a->has_tac == b->has_tac && a->tac == b->tac &&
	       a->has_cell_id == b->has_cell_id && a->cell_id == b->cell_id;
}

static void qmi_serving_indication(QmiClientNas *nas, QmiIndicationNasServingSystemOutput *o,
				   gpointer data)
{
	struct modem *m = data;
	struct qmi_serving_raw r = { 0 };
	struct modem_serving s;
	const gchar *desc;

	r.has_ss = qmi_indication_nas_serving_system_output_get_serving_system(
		o, &r.reg, NULL, NULL, NULL, &r.rats, NULL);
	r.has_roaming =
		qmi_indication_nas_serving_system_output_get_roaming_indicator(o, &r.roaming, NULL);
	r.has_plmn = qmi_indication_nas_serving_system_output_get_current_plmn(o, &r.mcc, &r.mnc,
									       &desc, NULL);
	r.has_pcs = qmi_indication_nas_serving_system_output_get_mnc_pcs_digit_include_status(
		o, &r.pcs_mcc, &r.pcs_mnc, &r.mnc3, NULL);
	r.has_cid = qmi_indication_nas_serving_system_output_get_cid_3gpp(o, &r.cid, NULL);
	r.has_tac = qmi_indication_nas_serving_system_output_get_lte_tac(o, &r.tac, NULL);
	qmi_serving_from_raw(&r, &s);
	/* The modem repeats the indication for changes we do not model. */
	if (m->has_serving && qmi_serving_equal(&s, &m->serving))
		return;
	m->serving = s;
	m->has_serving = true;
	g_debug("serving network: %s/%s tac %u", s.mcc, s.mnc, s.tac);
	if (m->ev && m->ev->serving_changed)
		m->ev->serving_changed(&s, m->ev->user_data);
}

static void get_serving_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	QmiMessageNasGetServingSystemOutput *o;
	GError *e = NULL;

	o = qmi_client_nas_get_serving_system_finish(QMI_CLIENT_NAS(src), res, &e);
	if (qmi_op_orphaned(op))
		goto out;
	if (!o || !qmi_message_nas_get_serving_system_output_get_result(o, &e)) {
		qmi_op_gerror(op, e, "NAS Get Serving System");
		e = NULL;
		goto out;
	}
	qmi_serving_from_response(o, &op->serving);
	op->m->serving = op->serving;
	op->m->has_serving = true;
	qmi_op_finish(op, 0, NULL);
out:
	if (e)
		g_error_free(e);
	if (o)
		qmi_message_nas_get_serving_system_output_unref(o);
}

/* Checks common to every call after open; 0 or a failure scheduled on @op. */
static int qmi_check_ready(struct modem *m, struct qmi_op *op)
{
	if (m->vanished) {
		qmi_op_fail_later(op, -ENODEV, "modem vanished");
		return -ENODEV;
	}
	if (!m->ready) {
		qmi_op_fail_later(op, -ENOTCONN, "modem not open");
		return -ENOTCONN;
	}
	return 0;
}

static void modem_qmi_get_serving(struct modem *m, modem_serving_cb cb, void *user_data)
{
	struct qmi_op *op = qmi_op_new(m, QMI_OP_SERVING, user_data);

	op->serving_cb = cb;
	if (qmi_check_ready(m, op) < 0)
		return;
	qmi_client_nas_get_serving_system(m->nas, NULL, m->timeout_s, m->cancel, get_serving_ready,
					  op);
}

/* ---- equipment identity ---- */

static void get_ids_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	QmiMessageDmsGetIdsOutput *o;
	const gchar *imei = NULL;
	GError *e = NULL;

	o = qmi_client_dms_get_ids_finish(QMI_CLIENT_DMS(src), res, &e);
	if (qmi_op_orphaned(op))
		goto out;
	if (!o || !qmi_message_dms_get_ids_output_get_result(o, &e)) {
		qmi_op_gerror(op, e, "DMS Get IDs");
		e = NULL;
		goto out;
	}
	if (!qmi_message_dms_get_ids_output_get_imei(o, &imei, NULL) || !imei || !*imei ||
	    g_strlcpy(op->imei, imei, sizeof(op->imei)) >= sizeof(op->imei)) {
		qmi_op_finish(op, -ENODATA, "DMS Get IDs: no IMEI");
		goto out;
	}
	qmi_op_finish(op, 0, NULL);
out:
	if (e)
		g_error_free(e);
	if (o)
		qmi_message_dms_get_ids_output_unref(o);
}

/* DMS Get IDs (0x0025) on the DMS client of open. */
static void modem_qmi_get_imei(struct modem *m, modem_imei_cb cb, void *user_data)
{
	struct qmi_op *op = qmi_op_new(m, QMI_OP_IMEI, user_data);

	op->imei_cb = cb;
	if (qmi_check_ready(m, op) < 0)
		return;
	qmi_client_dms_get_ids(m->dms, NULL, m->timeout_s, m->cancel, get_ids_ready, op);
}

/* ---- PDNs ---- */

static void qmi_close_done(GObject *src, GAsyncResult *res, gpointer data)
{
	GError *e = NULL;

	if (!qmi_device_close_finish(QMI_DEVICE(src), res, &e)) {
		g_debug("close: %s", e->message);
		g_error_free(e);
	}
	g_object_unref(src);
}

static void qmi_teardown_step(struct qmi_teardown *td)
{
	if (td->pending > 0)
		return;
	qmi_device_close_async(td->dev, td->timeout_s, NULL, qmi_close_done, NULL);
	g_free(td);
}

static void qmi_release_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_teardown *td = data;
	GError *e = NULL;

	if (!qmi_device_release_client_finish(QMI_DEVICE(src), res, &e)) {
		g_debug("release client: %s", e->message);
		g_error_free(e);
	}
	if (td) {
		td->pending--;
		qmi_teardown_step(td);
	}
}

/* Releases @client's id (ending any data session it holds) and drops our ref. */
static void qmi_release(struct modem *m, QmiClient *client)
{
	/* A vanished modem cannot be asked; libqmi still forgets the client. */
	QmiDeviceReleaseClientFlags flags = m->vanished ?
						    QMI_DEVICE_RELEASE_CLIENT_FLAGS_NONE :
						    QMI_DEVICE_RELEASE_CLIENT_FLAGS_RELEASE_CID;

	if (m->td)
		m->td->pending++;
	qmi_device_release_client(m->dev, client, flags, m->timeout_s, NULL, qmi_release_done,
				  m->td);
	g_object_unref(client);
}

/* A client allocated for a modem closed meanwhile: give its id back. */
static void qmi_orphan_client(QmiDevice *dev, QmiClient *client, GError *e)
{
	if (e)
		g_error_free(e);
	if (!client)
		return;
	if (qmi_device_is_open(dev))
		qmi_device_release_client(dev, client, QMI_DEVICE_RELEASE_CLIENT_FLAGS_RELEASE_CID,
					  5, NULL, qmi_release_done, NULL);
	g_object_unref(client);
}

/*
 * The head of every CTL Allocate CID completion: the client; or NULL, with
 * @e set when the modem refused, or not when the op was cancelled by close()
 * (the op is freed then and the id given back).
 */
static QmiClient *qmi_allocated(struct qmi_op *op, GObject *src, GAsyncResult *res, GError **e)
{
	QmiClient *client = qmi_device_allocate_client_finish(QMI_DEVICE(src), res, e);

	if (!qmi_op_orphaned(op))
		return client;
	qmi_orphan_client(QMI_DEVICE(src), client, *e);
	*e = NULL;
	return NULL;
}

static void qmi_own_add(struct modem_handles *h, uint8_t service, QmiClient *c)
{
	if (c)
		h->client[h->n_client++] = (struct modem_client){ service, qmi_client_get_cid(c) };
}

/* Tells the caller every client id we hold: releasing them ends every session we started. */
static void qmi_own_handles(struct modem *m)
{
	struct modem_handles h = { 0 };
	unsigned int i, k;

	if (!m->ev || !m->ev->handles || m->td)
		return;
	qmi_own_add(&h, MODEM_SVC_QMI_WDA, QMI_CLIENT(m->wda));
	qmi_own_add(&h, MODEM_SVC_QMI_NAS, QMI_CLIENT(m->nas));
	qmi_own_add(&h, MODEM_SVC_QMI_DMS, QMI_CLIENT(m->dms));
	for (i = 0; i < m->n_slots; i++)
		for (k = 0; k < 2; k++)
			qmi_own_add(&h, MODEM_SVC_QMI_WDS, QMI_CLIENT(m->wds[i][k].client));
	m->ev->handles(MODEM_HANDLES_OWN, &h, m->ev->user_data);
}

/* And for a PDN: its packet data handles, mux id and the mux link we made. */
static void qmi_pdn_handles(struct qmi_pdn *pdn)
{
	struct modem *m = pdn->m;
	struct modem_handles h = { 0 };
	unsigned int i;

	if (!m->ev || !m->ev->handles)
		return;
	for (i = 0; i < pdn->n_fam; i++)
		if (pdn->fam[i].started)
			h.qmi_handle[h.n_qmi_handle++] = pdn->fam[i].handle;
	if (m->muxed)
		h.mux_id = m->mux_base + pdn->slot;
	if (pdn->link_owned)
		g_strlcpy(h.link, m->netdevs[pdn->slot], sizeof(h.link));
	m->ev->handles(pdn->id, &h, m->ev->user_data);
}

static void qmi_pdn_link(struct qmi_pdn *pdn, struct netdev_link *l)
{
	struct modem *m = pdn->m;

	*l = (struct netdev_link){ .kind = m->link_kind,
				   .parent = m->link_parent,
				   .name = m->netdevs[pdn->slot],
				   .mux_id = m->mux_base + pdn->slot,
				   .sysfs = m->link_sysfs };
}

/*
 * The family is done with its link's client. A session that may still be up
 * (Stop Network not answered, or refused; Start Network unanswered) is ended
 * the sure way: the client is released, and allocated again on next use.
 */
static void qmi_fam_end(struct qmi_fam *f)
{
	struct qmi_pdn *pdn = f->pdn;
	struct qmi_wds *w = &pdn->m->wds[pdn->slot][f - pdn->fam];

	if (f->status_handler)
		g_signal_handler_disconnect(f->wds, f->status_handler);
	f->status_handler = 0;
	if (f->wds && (f->started || f->in_doubt) && w->client == f->wds) {
		g_debug("PDN %u: releasing WDS client %u to end its session", pdn->id,
			qmi_client_get_cid(QMI_CLIENT(w->client)));
		qmi_release(pdn->m, QMI_CLIENT(w->client));
		w->client = NULL;
		w->bound = false;
		qmi_own_handles(pdn->m);
	}
	f->wds = NULL;
	f->started = false;
	f->in_doubt = false;
}

static void qmi_pdn_free(struct qmi_pdn *pdn)
{
	struct modem *m = pdn->m;
	struct netdev_link l;
	unsigned int i;
	int err;

	for (i = 0; i < pdn->n_fam; i++)
		qmi_fam_end(&pdn->fam[i]);
	/* Ended (any release is queued): nothing of this PDN to end after a crash. */
	if (m->ev && m->ev->handles && !m->td)
		m->ev->handles(pdn->id, NULL, m->ev->user_data);
	if (pdn->link_owned) {
		qmi_pdn_link(pdn, &l);
		err = m->link_ops->link_del(&l);
		if (err)
			g_debug("removing mux link %s: %s", l.name, g_strerror(-err));
	}
	m->slots[pdn->slot] = NULL;
	g_free(pdn);
}

static struct qmi_pdn *qmi_pdn_find(struct modem *m, modem_pdn_id id)
{
	unsigned int i;

	for (i = 0; i < m->n_slots; i++)
		if (m->slots[i] && m->slots[i]->up && m->slots[i]->id == id)
			return m->slots[i];
	return NULL;
}

/* A "disconnected" indication being checked (qmi_packet_service_status). */
struct qmi_drop {
	struct modem *m; /* not used once m->cancel fired */
	modem_pdn_id id;
	unsigned int fam;
	char reason[MODEM_REASON_MAX];
};

static void qmi_pdn_dropped(struct modem *m, struct qmi_pdn *pdn, unsigned int fam,
			    const char *reason)
{
	modem_pdn_id id = pdn->id;

	g_debug("PDN %u dropped: %s", id, reason);
	pdn->up = false;
	/* This family's session is gone; the other one's (dual stack) is ended with the PDN. */
	pdn->fam[fam].started = false;
	qmi_pdn_free(pdn);
	if (m->ev && m->ev->pdn_dropped)
		m->ev->pdn_dropped(id, -ECONNRESET, reason, m->ev->user_data);
}

static void drop_checked(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_drop *d = data;
	QmiMessageWdsGetPacketServiceStatusOutput *o;
	QmiWdsConnectionStatus status = QMI_WDS_CONNECTION_STATUS_UNKNOWN;
	struct qmi_pdn *pdn;
	GError *e = NULL;

	o = qmi_client_wds_get_packet_service_status_finish(QMI_CLIENT_WDS(src), res, &e);
	if (e && g_error_matches(e, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		goto out; /* the modem was closed */
	pdn = qmi_pdn_find(d->m, d->id);
	if (!pdn || pdn->fam[d->fam].wds != QMI_CLIENT_WDS(src) || !pdn->fam[d->fam].started)
		goto out; /* ended meanwhile */
	if (o && qmi_message_wds_get_packet_service_status_output_get_result(o, NULL) &&
	    qmi_message_wds_get_packet_service_status_output_get_connection_status(o, &status,
										   NULL) &&
	    status == QMI_WDS_CONNECTION_STATUS_CONNECTED) {
		g_debug("PDN %u: \"%s\" was the client's previous session's", d->id, d->reason);
		goto out;
	}
	/* Disconnected, or the modem cannot say: the indication stands. */
	qmi_pdn_dropped(d->m, pdn, d->fam, d->reason);
out:
	if (e)
		g_error_free(e);
	if (o)
		qmi_message_wds_get_packet_service_status_output_unref(o);
	g_free(d);
}

/*
 * Either family's session going down takes the whole PDN with it. libqmi
 * hands indications over from an idle, after responses read later, and a
 * link's client is kept from one PDN to the next: the "disconnected" that
 * followed our own Stop Network can come once the client's next session is
 * up. So the client is asked (WDS Get Packet Service Status) before the drop
 * is believed.
 */
static void qmi_packet_service_status(QmiClientWds *wds,
				      QmiIndicationWdsPacketServiceStatusOutput *o, gpointer data)
{
	struct qmi_fam *f = data;
	struct qmi_pdn *pdn = f->pdn;
	struct modem *m = pdn->m;
	QmiWdsConnectionStatus status;
	QmiWdsVerboseCallEndReasonType vtype = 0;
	QmiWdsCallEndReason end = 0;
	gint16 vreason = 0;
	bool has_v, has_end;
	struct qmi_drop *d;

	if (!qmi_indication_wds_packet_service_status_output_get_connection_status(o, &status, NULL,
										   NULL) ||
	    status != QMI_WDS_CONNECTION_STATUS_DISCONNECTED || !pdn->up || !f->started)
		return;
	d = g_new0(struct qmi_drop, 1);
	d->m = m;
	d->id = pdn->id;
	d->fam = (unsigned int)(f - pdn->fam);
	g_strlcpy(d->reason, "disconnected by the network", sizeof(d->reason));
	has_v = qmi_indication_wds_packet_service_status_output_get_verbose_call_end_reason(
		o, &vtype, &vreason, NULL);
	has_end =
		qmi_indication_wds_packet_service_status_output_get_call_end_reason(o, &end, NULL);
	/* A drop is -ECONNRESET on every backend; its cause is in the reason. */
	modem_qmi_call_end(has_v, vtype, vreason, has_end, end, d->reason, sizeof(d->reason));
	qmi_client_wds_get_packet_service_status(wds, NULL, m->timeout_s, m->cancel, drop_checked,
						 d);
}

static void qmi_connect_fail(struct qmi_op *op, int err, const char *reason)
{
	struct qmi_pdn *pdn = op->pdn;

	op->pdn = NULL;
	if (pdn)
		qmi_pdn_free(pdn);
	qmi_op_finish(op, err, reason);
}

static void qmi_fam_start(struct qmi_op *op);

/*
 * The current family is done (@err 0: up, its settings merged). Goes on to
 * the next one; after the last, the PDN is up when any family is, as
 * ModemManager's dual-stack bearer: a network that grants one family of an
 * IPv4v6 request (TS 24.301 6.5.1.3, ESM cause #50/#51) gives a PDN of that
 * family.
 */
static void qmi_fam_done(struct qmi_op *op, int err, const char *reason)
{
	struct qmi_pdn *pdn = op->pdn;
	unsigned int i;

	if (err) {
		g_debug("PDN %u family %u: %s", pdn->id, op->fam, reason);
		qmi_fam_end(&pdn->fam[op->fam]);
		if (!op->fam_err) {
			op->fam_err = err;
			g_strlcpy(op->fam_reason, reason, sizeof(op->fam_reason));
		}
	}
	if (++op->fam < pdn->n_fam)
		return qmi_fam_start(op);
	for (i = 0; i < pdn->n_fam && !pdn->fam[i].started; i++)
		;
	if (i == pdn->n_fam)
		return qmi_connect_fail(op, op->fam_err, op->fam_reason);
	pdn->up = true;
	modem_pdn_params_wipe(&op->params);
	g_debug("PDN %u up on %s: %s %s", pdn->id, op->settings.ifname, op->settings.addr4,
		op->settings.addr6);
	qmi_op_finish(op, 0, NULL);
}

static void qmi_fam_gerror(struct qmi_op *op, GError *e, const char *step)
{
	char reason[MODEM_REASON_MAX];
	int err = qmi_gerror(op->m, e, step, reason, sizeof(reason));

	g_error_free(e);
	/* Cancelled by close(), or the modem gone: no other family to try. */
	if (err == -ECANCELED || err == -ENODEV)
		return qmi_connect_fail(op, err, reason);
	qmi_fam_done(op, err, reason);
}

static void qmi_settings_read(QmiMessageWdsGetCurrentSettingsOutput *o,
			      struct modem_qmi_settings_raw *r)
{
	GArray *a = NULL;
	guint i;

	memset(r, 0, sizeof(*r));
	r->has_ip4 = qmi_message_wds_get_current_settings_output_get_ipv4_address(o, &r->ip4, NULL);
	r->has_mask4 = qmi_message_wds_get_current_settings_output_get_ipv4_gateway_subnet_mask(
		o, &r->mask4, NULL);
	r->has_gw4 = qmi_message_wds_get_current_settings_output_get_ipv4_gateway_address(
		o, &r->gw4, NULL);
	r->has_dns4[0] = qmi_message_wds_get_current_settings_output_get_primary_ipv4_dns_address(
		o, &r->dns4[0], NULL);
	r->has_dns4[1] = qmi_message_wds_get_current_settings_output_get_secondary_ipv4_dns_address(
		o, &r->dns4[1], NULL);
	if (qmi_message_wds_get_current_settings_output_get_ipv6_address(o, &a, &r->prefix6,
									 NULL) &&
	    a && a->len == 8) {
		r->has_ip6 = true;
		memcpy(r->ip6, a->data, sizeof(r->ip6));
	}
	if (qmi_message_wds_get_current_settings_output_get_ipv6_gateway_address(o, &a, NULL,
										 NULL) &&
	    a && a->len == 8) {
		r->has_gw6 = true;
		memcpy(r->gw6, a->data, sizeof(r->gw6));
	}
	if (qmi_message_wds_get_current_settings_output_get_ipv6_primary_dns_address(o, &a, NULL) &&
	    a && a->len == 8) {
		r->has_dns6[0] = true;
		memcpy(r->dns6[0], a->data, sizeof(r->dns6[0]));
	}
	if (qmi_message_wds_get_current_settings_output_get_ipv6_secondary_dns_address(o, &a,
										       NULL) &&
	    a && a->len == 8) {
		r->has_dns6[1] = true;
		memcpy(r->dns6[1], a->data, sizeof(r->dns6[1]));
	}
	if (qmi_message_wds_get_current_settings_output_get_pcscf_server_address_list(o, &a, NULL))
		for (i = 0; a && i < a->len && r->n_pcscf4 < MODEM_PCSCF_MAX; i++)
			r->pcscf4[r->n_pcscf4++] = g_array_index(a, guint32, i);
	r->has_mtu = qmi_message_wds_get_current_settings_output_get_mtu(o, &r->mtu, NULL);
}

static void current_settings_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	QmiMessageWdsGetCurrentSettingsOutput *o;
	struct modem_qmi_settings_raw raw;
	struct modem_pdn_settings s = { 0 };
	GError *e = NULL;

	o = qmi_client_wds_get_current_settings_finish(QMI_CLIENT_WDS(src), res, &e);
	if (qmi_op_orphaned(op))
		goto out;
	if (!o || !qmi_message_wds_get_current_settings_output_get_result(o, &e)) {
		qmi_fam_gerror(op, e, "WDS Get Current Settings");
		e = NULL;
		goto out;
	}
	qmi_settings_read(o, &raw);
	if (modem_qmi_settings_from_raw(&raw, &s) < 0) {
		qmi_fam_done(op, -EPROTO, "WDS Get Current Settings: no usable IP address");
		goto out;
	}
	modem_qmi_settings_merge(&op->settings, &s);
	qmi_fam_done(op, 0, NULL);
out:
	if (e)
		g_error_free(e);
	if (o)
		qmi_message_wds_get_current_settings_output_unref(o);
}

static void start_network_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	QmiMessageWdsStartNetworkOutput *o;
	QmiMessageWdsGetCurrentSettingsInput *in;
	QmiWdsVerboseCallEndReasonType vtype = 0;
	QmiWdsCallEndReason end = 0;
	gint16 vreason = 0;
	char reason[MODEM_REASON_MAX];
	bool has_v, has_end;
	struct qmi_fam *f;
	GError *e = NULL;
	int err;

	o = qmi_client_wds_start_network_finish(QMI_CLIENT_WDS(src), res, &e);
	if (qmi_op_orphaned(op))
		goto out;
	f = &op->pdn->fam[op->fam];
	if (!o) {
		/* No answer (a timeout): the session may still come up; f->in_doubt stays. */
		qmi_fam_gerror(op, e, "WDS Start Network");
		e = NULL;
		goto out;
	}
	f->in_doubt = false;
	if (!qmi_message_wds_start_network_output_get_result(o, &e)) {
		has_v = qmi_message_wds_start_network_output_get_verbose_call_end_reason(
			o, &vtype, &vreason, NULL);
		has_end = qmi_message_wds_start_network_output_get_call_end_reason(o, &end, NULL);
		err = modem_qmi_call_end(has_v, vtype, vreason, has_end, end, reason,
					 sizeof(reason));
		if (err) {
			g_debug("WDS Start Network: %s; %s", e->message, reason);
			qmi_fam_done(op, err, reason);
		} else {
			qmi_fam_gerror(op, e, "WDS Start Network");
			e = NULL;
		}
		goto out;
	}
	qmi_message_wds_start_network_output_get_packet_data_handle(o, &f->handle, NULL);
	f->started = true;
	qmi_pdn_handles(op->pdn);
	in = qmi_message_wds_get_current_settings_input_new();
	qmi_message_wds_get_current_settings_input_set_requested_settings(
		in,
		QMI_WDS_REQUESTED_SETTINGS_DNS_ADDRESS | QMI_WDS_REQUESTED_SETTINGS_IP_ADDRESS |
			QMI_WDS_REQUESTED_SETTINGS_GATEWAY_INFO |
			QMI_WDS_REQUESTED_SETTINGS_PCSCF_ADDRESS |
			QMI_WDS_REQUESTED_SETTINGS_PCSCF_SERVER_ADDRESS_LIST |
			QMI_WDS_REQUESTED_SETTINGS_MTU | QMI_WDS_REQUESTED_SETTINGS_IP_FAMILY,
		NULL);
	qmi_client_wds_get_current_settings(f->wds, in, op->m->timeout_s, op->m->cancel,
					    current_settings_ready, op);
	qmi_message_wds_get_current_settings_input_unref(in);
out:
	if (e)
		g_error_free(e);
	if (o)
		qmi_message_wds_start_network_output_unref(o);
}

/* The family of the op's current client: IPv4v6 is IPv4 on [0], IPv6 on [1]. */
static QmiWdsIpFamily qmi_fam_ip(const struct qmi_op *op)
{
	switch (op->params.ip_type) {
	case MODEM_IP_V4:
		return QMI_WDS_IP_FAMILY_IPV4;
	case MODEM_IP_V6:
		return QMI_WDS_IP_FAMILY_IPV6;
	case MODEM_IP_V4V6:
		return op->fam ? QMI_WDS_IP_FAMILY_IPV6 : QMI_WDS_IP_FAMILY_IPV4;
	}
	return QMI_WDS_IP_FAMILY_IPV4;
}

static void qmi_start_network(struct qmi_op *op)
{
	const struct modem_pdn_params *p = &op->params;
	struct qmi_fam *f = &op->pdn->fam[op->fam];
	QmiMessageWdsStartNetworkInput *in = qmi_message_wds_start_network_input_new();
	QmiWdsAuthentication auth = QMI_WDS_AUTHENTICATION_NONE;

	if (p->apn[0])
		qmi_message_wds_start_network_input_set_apn(in, p->apn, NULL);
	switch (p->auth) {
	case MODEM_AUTH_NONE:
		break;
	case MODEM_AUTH_PAP:
		auth = QMI_WDS_AUTHENTICATION_PAP;
		break;
	case MODEM_AUTH_CHAP:
		auth = QMI_WDS_AUTHENTICATION_CHAP;
		break;
	}
	qmi_message_wds_start_network_input_set_authentication_preference(in, auth, NULL);
	if (auth != QMI_WDS_AUTHENTICATION_NONE) {
		qmi_message_wds_start_network_input_set_username(in, p->username, NULL);
		qmi_message_wds_start_network_input_set_password(in, p->password, NULL);
	}
	/* TLV 0x19: the family this client's session carries. */
	qmi_message_wds_start_network_input_set_ip_family_preference(in, qmi_fam_ip(op), NULL);
	f->status_handler = g_signal_connect(f->wds, "packet-service-status",
					     G_CALLBACK(qmi_packet_service_status), f);
	f->in_doubt = true;
	qmi_client_wds_start_network(f->wds, in, op->m->timeout_s, op->m->cancel,
				     start_network_ready, op);
	qmi_message_wds_start_network_input_unref(in);
}

static struct qmi_wds *qmi_op_wds(struct qmi_op *op)
{
	return &op->m->wds[op->pdn->slot][op->fam];
}

static void bind_mux_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	QmiMessageWdsBindMuxDataPortOutput *o;
	GError *e = NULL;

	o = qmi_client_wds_bind_mux_data_port_finish(QMI_CLIENT_WDS(src), res, &e);
	if (qmi_op_orphaned(op))
		goto out;
	if (!o || !qmi_message_wds_bind_mux_data_port_output_get_result(o, &e)) {
		qmi_fam_gerror(op, e, "WDS Bind Mux Data Port");
		e = NULL;
		goto out;
	}
	qmi_op_wds(op)->bound = true;
	qmi_start_network(op);
out:
	if (e)
		g_error_free(e);
	if (o)
		qmi_message_wds_bind_mux_data_port_output_unref(o);
}

/* The family has its link's client: bound to the link's mux id once, then Start Network. */
static void qmi_fam_client(struct qmi_op *op)
{
	struct qmi_wds *w = qmi_op_wds(op);
	QmiMessageWdsBindMuxDataPortInput *in;

	op->pdn->fam[op->fam].wds = w->client;
	if (!op->m->muxed || w->bound)
		return qmi_start_network(op);
	/* One QMAP mux id per link, both families of a dual-stack PDN on it. */
	in = qmi_message_wds_bind_mux_data_port_input_new();
	qmi_message_wds_bind_mux_data_port_input_set_mux_id(
		in, (guint8)(op->m->mux_base + op->pdn->slot), NULL);
	qmi_message_wds_bind_mux_data_port_input_set_client_type(in, QMI_WDS_CLIENT_TYPE_TETHERED,
								 NULL);
	if (op->m->data_iface)
		qmi_message_wds_bind_mux_data_port_input_set_endpoint_info(
			in, QMI_DATA_ENDPOINT_TYPE_HSUSB, op->m->data_iface, NULL);
	qmi_client_wds_bind_mux_data_port(w->client, in, op->m->timeout_s, op->m->cancel,
					  bind_mux_ready, op);
	qmi_message_wds_bind_mux_data_port_input_unref(in);
}

/* Only after a failure released the link's client (qmi_fam_end): its replacement. */
static void wds_allocated(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	GError *e = NULL;
	QmiClient *client = qmi_allocated(op, src, res, &e);

	if (!client) {
		if (e)
			qmi_fam_gerror(op, e, "allocating a WDS client");
		return;
	}
	qmi_op_wds(op)->client = QMI_CLIENT_WDS(client);
	/* Persisted before Start Network: its release ends the session after a crash. */
	qmi_own_handles(op->m);
	qmi_fam_client(op);
}

static void qmi_fam_start(struct qmi_op *op)
{
	if (qmi_op_wds(op)->client)
		return qmi_fam_client(op);
	qmi_device_allocate_client(op->m->dev, QMI_SERVICE_WDS, QMI_CID_NONE, op->m->timeout_s,
				   op->m->cancel, wds_allocated, op);
}

static void modem_qmi_connect(struct modem *m, const struct modem_pdn_params *p,
			      modem_connect_cb cb, void *user_data)
{
	struct qmi_op *op = qmi_op_new(m, QMI_OP_CONNECT, user_data);
	char reason[MODEM_REASON_MAX];
	unsigned int slot, i;

	op->connect_cb = cb;
	if (qmi_check_ready(m, op) < 0)
		return;
	if (strnlen(p->apn, sizeof(p->apn)) == sizeof(p->apn) ||
	    strnlen(p->username, sizeof(p->username)) == sizeof(p->username) ||
	    strnlen(p->password, sizeof(p->password)) == sizeof(p->password))
		return qmi_op_fail_later(op, -EINVAL, "APN or credentials not terminated");
	for (slot = 0; slot < m->n_slots && m->slots[slot]; slot++)
		;
	if (slot == m->n_slots) {
		snprintf(reason, sizeof(reason), "all %u data links in use", m->n_slots);
		return qmi_op_fail_later(op, -EBUSY, reason);
	}
	op->params = *p;
	op->pdn = g_new0(struct qmi_pdn, 1);
	op->pdn->m = m;
	op->pdn->slot = slot;
	op->pdn->id = ++m->next_id;
	/* A dual-stack PDN takes two WDS clients, one per family (as ModemManager). */
	op->pdn->n_fam = p->ip_type == MODEM_IP_V4V6 ? 2 : 1;
	for (i = 0; i < op->pdn->n_fam; i++)
		op->pdn->fam[i].pdn = op->pdn;
	m->slots[slot] = op->pdn;
	if (slot < g_strv_length(m->netdevs))
		g_strlcpy(op->settings.ifname, m->netdevs[slot], sizeof(op->settings.ifname));
	if (m->link_ops) {
		struct netdev_link l;
		int err;

		/* The link first (as ModemManager does): the data lands on it from the start. */
		qmi_pdn_link(op->pdn, &l);
		err = m->link_ops->link_add(&l);
		if (err && err != -EEXIST) {
			snprintf(reason, sizeof(reason), "creating mux link %s (mux id %u): %s",
				 l.name, l.mux_id, g_strerror(-err));
			qmi_pdn_free(op->pdn);
			op->pdn = NULL;
			return qmi_op_fail_later(op, err, reason);
		}
		op->pdn->link_owned = !err;
		/* Ours to remove, also after a crash (after link_add: one we did not make never is). */
		if (op->pdn->link_owned)
			qmi_pdn_handles(op->pdn);
	}
	qmi_fam_start(op);
}

static void qmi_stop_next(struct qmi_op *op);

static void stop_network_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	QmiMessageWdsStopNetworkOutput *o;
	char reason[MODEM_REASON_MAX];
	GError *e = NULL;
	int err;

	o = qmi_client_wds_stop_network_finish(QMI_CLIENT_WDS(src), res, &e);
	if (qmi_op_orphaned(op))
		goto out;
	if (!o || !qmi_message_wds_stop_network_output_get_result(o, &e)) {
		err = qmi_gerror(op->m, e, "WDS Stop Network", reason, sizeof(reason));
		/* Already down on the modem side: what the caller wanted. */
		if (err == -EALREADY || err == -ENOTCONN)
			op->pdn->fam[op->fam].started = false;
		else if (!op->err) {
			op->err = err;
			g_strlcpy(op->reason, reason, sizeof(op->reason));
		}
	} else {
		op->pdn->fam[op->fam].started = false;
	}
	op->fam++;
	qmi_stop_next(op);
out:
	if (e)
		g_error_free(e);
	if (o)
		qmi_message_wds_stop_network_output_unref(o);
}

/*
 * Stops each family's session in turn; the first failure is reported, and a
 * session not stopped for sure is ended by releasing its client (qmi_fam_end).
 */
static void qmi_stop_next(struct qmi_op *op)
{
	struct qmi_pdn *pdn = op->pdn;
	QmiMessageWdsStopNetworkInput *in;
	struct qmi_fam *f;

	while (op->fam < pdn->n_fam && !pdn->fam[op->fam].started)
		op->fam++;
	if (op->fam == pdn->n_fam) {
		qmi_pdn_free(pdn);
		op->pdn = NULL;
		return qmi_op_finish(op, op->err, op->reason);
	}
	f = &pdn->fam[op->fam];
	in = qmi_message_wds_stop_network_input_new();
	qmi_message_wds_stop_network_input_set_packet_data_handle(in, f->handle, NULL);
	qmi_client_wds_stop_network(f->wds, in, op->m->timeout_s, op->m->cancel, stop_network_ready,
				    op);
	qmi_message_wds_stop_network_input_unref(in);
}

static void modem_qmi_disconnect(struct modem *m, modem_pdn_id id, modem_done_cb cb,
				 void *user_data)
{
	struct qmi_op *op = qmi_op_new(m, QMI_OP_DISCONNECT, user_data);
	struct qmi_pdn *pdn;
	unsigned int i;

	op->done_cb = cb;
	pdn = qmi_pdn_find(m, id);
	if (!pdn)
		return qmi_op_fail_later(op, -ENOENT, "no such PDN");
	if (m->vanished) {
		pdn->up = false;
		qmi_pdn_free(pdn);
		return qmi_op_fail_later(op, -ENODEV, "modem vanished");
	}
	/* From here a disconnect indication is ours, not the network's. */
	pdn->up = false;
	for (i = 0; i < pdn->n_fam; i++) {
		if (pdn->fam[i].status_handler)
			g_signal_handler_disconnect(pdn->fam[i].wds, pdn->fam[i].status_handler);
		pdn->fam[i].status_handler = 0;
	}
	op->pdn = pdn;
	qmi_stop_next(op);
}

/* ---- release: what a killed process left ---- */

static void qmi_release_next(struct qmi_op *op);

static void orphan_released(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	char reason[MODEM_REASON_MAX];
	GError *e = NULL;
	gboolean ok;
	int err;

	ok = qmi_device_release_client_finish(QMI_DEVICE(src), res, &e);
	if (qmi_op_orphaned(op)) {
		if (e)
			g_error_free(e);
		return;
	}
	if (!ok) {
		err = qmi_gerror(op->m, e, "CTL Release CID", reason, sizeof(reason));
		g_error_free(e);
		/* No such client any more (the modem forgot it): what we wanted. */
		if (err != -ENOENT && !op->err) {
			op->err = err;
			g_strlcpy(op->reason, reason, sizeof(op->reason));
		}
	}
	op->rel_i++;
	qmi_release_next(op);
}

static void orphan_adopted(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	QmiClient *client;
	GError *e = NULL;

	client = qmi_device_allocate_client_finish(QMI_DEVICE(src), res, &e);
	if (qmi_op_orphaned(op)) {
		if (client)
			g_object_unref(client);
		if (e)
			g_error_free(e);
		return;
	}
	if (!client) {
		g_debug("adopting client %u: %s", op->rel.client[op->rel_i].cid, e->message);
		g_error_free(e);
		op->rel_i++;
		return qmi_release_next(op);
	}
	qmi_device_release_client(op->m->dev, client, QMI_DEVICE_RELEASE_CLIENT_FLAGS_RELEASE_CID,
				  op->m->timeout_s, NULL, orphan_released, op);
	g_object_unref(client);
}

/*
 * One client id after the other: libqmi makes a client object for an id it
 * did not allocate (qmi_device_allocate_client() with a CID: no CTL request),
 * and qmi-proxy gives a client id a dead connection left ("disowned") to the
 * next connection that uses it (libqmi qmi-proxy.c, track_implicit_cid()).
 * Releasing a WDS client ends the data session it started (which is why
 * qmicli's --wds-start-network needs --client-no-release-cid to keep one).
 */
static void qmi_release_next(struct qmi_op *op)
{
	const struct modem_client *c;

	if (op->rel_i == op->rel.n_client)
		return qmi_op_finish(op, op->err, op->reason);
	c = &op->rel.client[op->rel_i];
	g_debug("releasing client service 0x%02x cid %u left by a killed process", c->service,
		c->cid);
	qmi_device_allocate_client(op->m->dev, (QmiService)c->service, c->cid, op->m->timeout_s,
				   op->m->cancel, orphan_adopted, op);
}

/*
 * The mux link a killed process made: removed only when it is one of this
 * modem's data links (a journal never names another interface for deletion).
 */
static int qmi_link_release(struct modem *m, const char *name, char *reason, size_t size)
{
	struct netdev_link l;
	unsigned int i;
	int err;

	for (i = 0; i < m->n_slots && m->netdevs[i] && strcmp(m->netdevs[i], name); i++)
		;
	if (i == m->n_slots || !m->netdevs[i] || !m->link_ops) {
		snprintf(reason, size, "mux link %s is not one this modem makes: left alone", name);
		return -EINVAL;
	}
	if (!if_nametoindex(name))
		return 0; /* gone already */
	l = (struct netdev_link){ .kind = m->link_kind,
				  .parent = m->link_parent,
				  .name = m->netdevs[i],
				  .mux_id = m->mux_base + i,
				  .sysfs = m->link_sysfs };
	err = m->link_ops->link_del(&l);
	if (err)
		snprintf(reason, size, "removing mux link %s (mux id %u): %s", name, l.mux_id,
			 g_strerror(-err));
	return err;
}

static void modem_qmi_release(struct modem *m, const struct modem_handles *h, modem_done_cb cb,
			      void *user_data)
{
	struct qmi_op *op = qmi_op_new(m, QMI_OP_RELEASE, user_data);
	char reason[MODEM_REASON_MAX] = "";
	int err = 0;

	op->done_cb = cb;
	if (qmi_check_ready(m, op) < 0)
		return;
	op->rel = *h;
	if (h->link[0])
		err = qmi_link_release(m, h->link, reason, sizeof(reason));
	if (!op->rel.n_client)
		return qmi_op_fail_later(op, err, reason);
	/* The clients go either way; the link's failure is the one reported. */
	op->err = err;
	g_strlcpy(op->reason, reason, sizeof(op->reason));
	qmi_release_next(op);
}

/* ---- open / close ---- */

static void qmi_device_removed(QmiDevice *dev, gpointer data)
{
	struct modem *m = data;

	if (m->vanished)
		return;
	m->vanished = true;
	g_debug("device %s removed", qmi_device_get_path_display(dev));
	if (m->ev && m->ev->vanished)
		m->ev->vanished("QMI device or its proxy went away", m->ev->user_data);
}

/*
 * Open's last step: the DMS client, then each link's two WDS clients, one
 * CTL Allocate CID after the other, each reported before the next is asked.
 */
static void pool_allocated(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	struct modem *m = op->m;
	GError *e = NULL;
	QmiClient *client = qmi_allocated(op, src, res, &e);

	if (!client) {
		if (e)
			qmi_op_gerror(op, e,
				      m->dms ? "allocating a WDS client" :
					       "allocating a DMS client");
		return;
	}
	if (!m->dms) {
		m->dms = QMI_CLIENT_DMS(client);
	} else {
		m->wds[m->n_alloc / 2][m->n_alloc % 2].client = QMI_CLIENT_WDS(client);
		m->n_alloc++;
	}
	qmi_own_handles(m);
	if (m->n_alloc < 2 * m->n_slots) {
		qmi_device_allocate_client(m->dev, QMI_SERVICE_WDS, QMI_CID_NONE, m->timeout_s,
					   m->cancel, pool_allocated, op);
		return;
	}
	m->ready = true;
	qmi_op_finish(op, 0, NULL);
}

static void register_indications_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	QmiMessageNasRegisterIndicationsOutput *o;
	GError *e = NULL;

	o = qmi_client_nas_register_indications_finish(QMI_CLIENT_NAS(src), res, &e);
	if (qmi_op_orphaned(op))
		goto out;
	if (!o || !qmi_message_nas_register_indications_output_get_result(o, &e)) {
		qmi_op_gerror(op, e, "NAS Register Indications");
		e = NULL;
		goto out;
	}
	op->m->serving_handler = g_signal_connect(op->m->nas, "serving-system",
						  G_CALLBACK(qmi_serving_indication), op->m);
	qmi_device_allocate_client(op->m->dev, QMI_SERVICE_DMS, QMI_CID_NONE, op->m->timeout_s,
				   op->m->cancel, pool_allocated, op);
out:
	if (e)
		g_error_free(e);
	if (o)
		qmi_message_nas_register_indications_output_unref(o);
}

static void nas_allocated(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	QmiMessageNasRegisterIndicationsInput *in;
	GError *e = NULL;
	QmiClient *client = qmi_allocated(op, src, res, &e);

	if (!client) {
		if (e)
			qmi_op_gerror(op, e, "allocating a NAS client");
		return;
	}
	op->m->nas = QMI_CLIENT_NAS(client);
	qmi_own_handles(op->m);
	in = qmi_message_nas_register_indications_input_new();
	qmi_message_nas_register_indications_input_set_serving_system_events(in, TRUE, NULL);
	qmi_client_nas_register_indications(op->m->nas, in, op->m->timeout_s, op->m->cancel,
					    register_indications_ready, op);
	qmi_message_nas_register_indications_input_unref(in);
}

static void set_data_format_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	QmiMessageWdaSetDataFormatOutput *o;
	QmiWdaLinkLayerProtocol ll = QMI_WDA_LINK_LAYER_PROTOCOL_UNKNOWN;
	GError *e = NULL;

	o = qmi_client_wda_set_data_format_finish(QMI_CLIENT_WDA(src), res, &e);
	if (qmi_op_orphaned(op))
		goto out;
	if (!o || !qmi_message_wda_set_data_format_output_get_result(o, &e)) {
		qmi_op_gerror(op, e, "WDA Set Data Format");
		e = NULL;
		goto out;
	}
	if (qmi_message_wda_set_data_format_output_get_link_layer_protocol(o, &ll, NULL) &&
	    ll != QMI_WDA_LINK_LAYER_PROTOCOL_RAW_IP) {
		qmi_op_finish(op, -EPROTO, "WDA Set Data Format: modem kept 802.3 framing");
		goto out;
	}
	qmi_device_allocate_client(op->m->dev, QMI_SERVICE_NAS, QMI_CID_NONE, op->m->timeout_s,
				   op->m->cancel, nas_allocated, op);
out:
	if (e)
		g_error_free(e);
	if (o)
		qmi_message_wda_set_data_format_output_unref(o);
}

static void qmi_set_data_format(struct qmi_op *op)
{
	QmiMessageWdaSetDataFormatInput *in = qmi_message_wda_set_data_format_input_new();

	/* Raw IP on the data port; QMAP aggregation when PDNs share it by mux id. */
	qmi_message_wda_set_data_format_input_set_link_layer_protocol(
		in, QMI_WDA_LINK_LAYER_PROTOCOL_RAW_IP, NULL);
	if (op->m->muxed) {
		qmi_message_wda_set_data_format_input_set_uplink_data_aggregation_protocol(
			in, QMI_WDA_DATA_AGGREGATION_PROTOCOL_QMAP, NULL);
		qmi_message_wda_set_data_format_input_set_downlink_data_aggregation_protocol(
			in, QMI_WDA_DATA_AGGREGATION_PROTOCOL_QMAP, NULL);
	}
	qmi_client_wda_set_data_format(op->m->wda, in, op->m->timeout_s, op->m->cancel,
				       set_data_format_ready, op);
	qmi_message_wda_set_data_format_input_unref(in);
}

static void get_data_format_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	QmiMessageWdaGetDataFormatOutput *o;
	struct modem_qmi_format cur = { 0 };
	char reason[MODEM_REASON_MAX];
	GError *e = NULL;
	bool set;
	int err;

	o = qmi_client_wda_get_data_format_finish(QMI_CLIENT_WDA(src), res, &e);
	if (qmi_op_orphaned(op))
		goto out;
	if (!o) {
		qmi_op_gerror(op, e, "WDA Get Data Format");
		e = NULL;
		goto out;
	}
	/* A modem that refuses the question leaves the format unknown. */
	if (qmi_message_wda_get_data_format_output_get_result(o, &e)) {
		cur.known = qmi_message_wda_get_data_format_output_get_link_layer_protocol(
			o, &cur.ll, NULL);
		qmi_message_wda_get_data_format_output_get_uplink_data_aggregation_protocol(
			o, &cur.ul, NULL);
		qmi_message_wda_get_data_format_output_get_downlink_data_aggregation_protocol(
			o, &cur.dl, NULL);
	} else {
		g_debug("WDA Get Data Format: %s", e->message);
	}
	err = modem_qmi_data_format_plan(&cur, op->m->muxed, op->m->shared, &set, reason,
					 sizeof(reason));
	if (err) {
		qmi_op_finish(op, err, reason);
		goto out;
	}
	if (set)
		qmi_set_data_format(op);
	else
		qmi_device_allocate_client(op->m->dev, QMI_SERVICE_NAS, QMI_CID_NONE,
					   op->m->timeout_s, op->m->cancel, nas_allocated, op);
out:
	if (e)
		g_error_free(e);
	if (o)
		qmi_message_wda_get_data_format_output_unref(o);
}

static void wda_allocated(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	GError *e = NULL;
	QmiClient *client = qmi_allocated(op, src, res, &e);

	if (!client) {
		if (e)
			qmi_op_gerror(op, e, "allocating a WDA client");
		return;
	}
	op->m->wda = QMI_CLIENT_WDA(client);
	qmi_own_handles(op->m);
	/* Read before writing: the format may be another PDN's, in use now. */
	qmi_client_wda_get_data_format(op->m->wda, NULL, op->m->timeout_s, op->m->cancel,
				       get_data_format_ready, op);
}

static void device_open_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	GError *e = NULL;
	gboolean ok;

	ok = qmi_device_open_finish(QMI_DEVICE(src), res, &e);
	if (qmi_op_orphaned(op)) {
		if (e)
			g_error_free(e);
		return;
	}
	if (!ok)
		return qmi_op_gerror(op, e, "opening the QMI device");
	qmi_device_allocate_client(op->m->dev, QMI_SERVICE_WDA, QMI_CID_NONE, op->m->timeout_s,
				   op->m->cancel, wda_allocated, op);
}

static void device_new_ready(GObject *src, GAsyncResult *res, gpointer data)
{
	struct qmi_op *op = data;
	GObject *dev;
	GError *e = NULL;

	dev = g_async_initable_new_finish(G_ASYNC_INITABLE(src), res, &e);
	if (qmi_op_orphaned(op)) {
		if (dev)
			g_object_unref(dev);
		if (e)
			g_error_free(e);
		return;
	}
	if (!dev)
		return qmi_op_gerror(op, e, "creating the QMI device");
	op->m->dev = QMI_DEVICE(dev);
	op->m->removed_handler = g_signal_connect(op->m->dev, QMI_DEVICE_SIGNAL_REMOVED,
						  G_CALLBACK(qmi_device_removed), op->m);
	/* Always through qmi-proxy: the port stays shareable with ModemManager and qmicli. */
	qmi_device_open(op->m->dev, QMI_DEVICE_OPEN_FLAGS_PROXY, op->m->timeout_s, op->m->cancel,
			device_open_ready, op);
}

static void modem_qmi_open(struct modem **mp, const struct modem_config *cfg,
			   const struct modem_events *ev, modem_done_cb cb, void *user_data)
{
	struct modem *m = g_new0(struct modem, 1);
	struct qmi_op *op;
	struct stat st;
	GFile *file;
	guint ms;

	*mp = m;
	m->ev = ev;
	m->cancel = g_cancellable_new();
	ms = cfg && cfg->timeout_ms ? cfg->timeout_ms : QMI_DEFAULT_TIMEOUT_MS;
	m->timeout_s = (ms + 999) / 1000;
	m->netdevs = g_strsplit(cfg && cfg->netdev ? cfg->netdev : "", ",", QMI_MAX_PDNS);
	if (m->netdevs[0] && !m->netdevs[0][0]) {
		g_strfreev(m->netdevs);
		m->netdevs = g_new0(gchar *, 1);
	}
	m->n_slots = MAX(1u, g_strv_length(m->netdevs));
	m->mux_base = cfg && cfg->mux_id ? cfg->mux_id : 1;
	m->muxed = m->n_slots > 1 || (cfg && cfg->mux_id);
	m->shared = cfg && cfg->shared;
	m->data_iface = cfg ? cfg->data_iface : 0;
	if (cfg && cfg->link_ops && cfg->link) {
		m->link_ops = cfg->link_ops;
		m->link_kind = cfg->link->kind;
		m->link_parent = g_strdup(cfg->link->parent);
		m->link_sysfs = g_strdup(cfg->link->sysfs);
	}
	op = qmi_op_new(m, QMI_OP_OPEN, user_data);
	op->done_cb = cb;
	if (m->link_ops && (!m->muxed || !m->link_parent || !m->netdevs[0]))
		return qmi_op_fail_later(op, -EINVAL, "a mux link needs a mux id, parent and name");
	/* QMAP mux ids 1-254 (qmi_wwan add_mux and rmnet take no others). */
	if (m->mux_base + m->n_slots - 1 > 254)
		return qmi_op_fail_later(op, -EINVAL, "QMAP mux id out of range 1-254");
	if (!cfg || !cfg->device || !cfg->device[0])
		return qmi_op_fail_later(op, -EINVAL, "no QMI device configured");
	if (cfg->proxy && (!cfg->proxy[0] || strlen(cfg->proxy) > 100))
		return qmi_op_fail_later(op, -EINVAL, "bad QMI proxy socket name");
	file = g_file_new_for_path(cfg->device);
	g_async_initable_new_async(QMI_TYPE_DEVICE, G_PRIORITY_DEFAULT, m->cancel, device_new_ready,
				   op, QMI_DEVICE_FILE, file,
				   /* A bench path is not a cdc-wdm node; the proxy decides. */
				   QMI_DEVICE_NO_FILE_CHECK,
				   stat(cfg->device, &st) < 0 || !S_ISCHR(st.st_mode),
				   QMI_DEVICE_PROXY_PATH,
				   cfg->proxy ? cfg->proxy : QMI_PROXY_SOCKET_PATH, NULL);
	g_object_unref(file);
}

static void modem_qmi_close(struct modem *m)
{
	unsigned int i, k;

	if (!m)
		return;
	/* Report every pending call as cancelled, once, before anything goes. */
	while (m->ops) {
		struct qmi_op *op = m->ops->data;

		m->ops = g_list_delete_link(m->ops, m->ops);
		op->m = NULL;
		qmi_op_callback(op, -ECANCELED, "modem closed");
		if (op->idle) {
			g_source_remove(op->idle);
			qmi_op_free(op);
		}
	}
	g_cancellable_cancel(m->cancel);
	if (m->dev) {
		g_signal_handler_disconnect(m->dev, m->removed_handler);
		m->td = g_new0(struct qmi_teardown, 1);
		m->td->dev = m->dev; /* the teardown owns our device ref now */
		m->td->timeout_s = m->timeout_s;
		m->td->pending = 1; /* held until every release below is queued */
	}
	for (i = 0; i < m->n_slots; i++)
		if (m->slots[i])
			qmi_pdn_free(m->slots[i]);
	for (i = 0; i < m->n_slots; i++)
		for (k = 0; k < 2; k++)
			if (m->wds[i][k].client)
				qmi_release(m, QMI_CLIENT(m->wds[i][k].client));
	if (m->dms)
		qmi_release(m, QMI_CLIENT(m->dms));
	if (m->nas) {
		if (m->serving_handler)
			g_signal_handler_disconnect(m->nas, m->serving_handler);
		qmi_release(m, QMI_CLIENT(m->nas));
	}
	if (m->wda)
		qmi_release(m, QMI_CLIENT(m->wda));
	if (m->td) {
		m->td->pending--;
		qmi_teardown_step(m->td);
	}
	g_object_unref(m->cancel);
	g_strfreev(m->netdevs);
	g_free(m->link_parent);
	g_free(m->link_sysfs);
	g_free(m);
}

const struct modem_ops modem_qmi_ops = {
	.name = "qmi",
	.open = modem_qmi_open,
	.get_serving = modem_qmi_get_serving,
	.get_imei = modem_qmi_get_imei,
	.connect = modem_qmi_connect,
	.disconnect = modem_qmi_disconnect,
	.release = modem_qmi_release,
	.close = modem_qmi_close,
};
