/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Modem access: serving network and PDN connections (seed step 14), one const
 * ops struct per backend file: modem-qmi.c (libqmi-glib), modem-mbim.c
 * (libmbim-glib), modem-mm.c (libmm-glib). Plain C types only here.
 *
 * All operations are asynchronous on the GLib main loop: every call completes
 * its callback exactly once, on every path including immediate failure, never
 * from inside the call itself (style.md item 5). Errors are negative errno plus
 * the modem's own reason as text ("missing or unknown APN (3GPP cause 27)").
 */
#ifndef MCMIG_MODEM_H
#define MCMIG_MODEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODEM_APN_MAX	 101 /* TS 23.003 9.1: at most 100 octets */
#define MODEM_CRED_MAX	 128
#define MODEM_ADDR_MAX	 46 /* INET6_ADDRSTRLEN */
#define MODEM_IFNAME_MAX 16 /* IFNAMSIZ */
/*
 * A data interface, or a comma-separated list of them, one per partner PDN
 * (TS 24.484: MCPTT, MC common core and MC ID may each have their own).
 */
#define MODEM_NETDEV_LIST_MAX (3 * MODEM_IFNAME_MAX)
#define MODEM_REASON_MAX      128
#define MODEM_DNS_MAX	      4
#define MODEM_PCSCF_MAX	      4
#define MODEM_SERVER_MAX      8
#define MODEM_IMEI_MAX	      20 /* TS 23.003 6.2: 15 digits, an IMEISV 16 */

struct modem;
struct netdev_link;
struct netdev_ops;

struct modem_config {
	const char *backend; /* "qmi", "mbim", "mm" */
	const char *device;  /* /dev/cdc-wdm0; for mm the modem's D-Bus path or "any" */
	const char *proxy;   /* QMI proxy socket name; NULL = libqmi's default */
	const char *bus;     /* mm: "system" or "session" */
	const char *netdev;  /* data interface, e.g. wwan0 */
	unsigned int timeout_ms;
	/*
	 * qmi: the QMAP mux id of our PDN (board data, 1-254); 0 = not set
	 * (mux ids 1, 2, ... when @netdev lists several links, else none).
	 */
	unsigned int mux_id;
	/*
	 * qmi: another PDN (the primary) runs on this modem: its data format
	 * is read and never changed (a change cuts the primary's data path).
	 */
	bool shared;
	/*
	 * qmi: the USB interface number of the modem's data port, sent as the
	 * endpoint of WDS Bind Mux Data Port (TLV 0x10, as ModemManager does:
	 * a modem with several data endpoints binds the default one without
	 * it); 0 = not sent.
	 */
	unsigned int data_iface;
	/*
	 * qmi: each PDN's mux link is made by @link_ops->link_add() before the
	 * PDN comes up and removed with it; @link gives the kind, parent and
	 * sysfs root (name and mux id are the PDN's). NULL: the links exist.
	 */
	const struct netdev_ops *link_ops;
	const struct netdev_link *link;
};

enum modem_reg_state {
	MODEM_REG_UNKNOWN,
	MODEM_REG_NOT_REGISTERED,
	MODEM_REG_SEARCHING,
	MODEM_REG_HOME,
	MODEM_REG_ROAMING,
	MODEM_REG_DENIED,
};

enum modem_rat {
	MODEM_RAT_UNKNOWN,
	MODEM_RAT_GSM,
	MODEM_RAT_UMTS,
	MODEM_RAT_LTE,
	MODEM_RAT_NR,
};

struct modem_serving {
	enum modem_reg_state reg;
	enum modem_rat rat;
	char mcc[4]; /* "" when unknown */
	char mnc[4]; /* 2 or 3 digits as broadcast */
	bool has_tac;
	uint32_t tac;
	bool has_cell_id;
	uint64_t cell_id;
};

enum modem_ip_type {
	MODEM_IP_V4,
	MODEM_IP_V6,
	MODEM_IP_V4V6,
};

enum modem_auth {
	MODEM_AUTH_NONE,
	MODEM_AUTH_PAP,
	MODEM_AUTH_CHAP,
};

/* Holds a credential: wipe with modem_pdn_params_wipe() when done. */
struct modem_pdn_params {
	char apn[MODEM_APN_MAX];
	enum modem_ip_type ip_type;
	enum modem_auth auth;
	char username[MODEM_CRED_MAX];
	char password[MODEM_CRED_MAX];
};

struct modem_pdn_settings {
	char ifname[MODEM_IFNAME_MAX];
	char addr4[MODEM_ADDR_MAX]; /* "" when none */
	unsigned int prefix4;
	char gw4[MODEM_ADDR_MAX];
	char addr6[MODEM_ADDR_MAX];
	unsigned int prefix6;
	char gw6[MODEM_ADDR_MAX];
	char dns[MODEM_DNS_MAX][MODEM_ADDR_MAX];
	size_t n_dns;
	char pcscf[MODEM_PCSCF_MAX][MODEM_ADDR_MAX];
	size_t n_pcscf;
	unsigned int mtu; /* 0 when not given */
	/*
	 * Not the modem's: other servers (IP literals) that the agent routes
	 * through this PDN, those of the services whose con-ref names it
	 * (TS 24.484). Backends leave it empty.
	 */
	char server[MODEM_SERVER_MAX][MODEM_ADDR_MAX];
	size_t n_server;
};

/* Identifies one PDN of one modem; valid from connect until disconnect or drop. */
typedef unsigned int modem_pdn_id;
/* modem_events.handles: the backend's own, not a PDN's (no PDN has this id). */
#define MODEM_HANDLES_OWN ((modem_pdn_id)~0u)

typedef void (*modem_done_cb)(int err, const char *reason, void *user_data);
typedef void (*modem_serving_cb)(int err, const char *reason, const struct modem_serving *s,
				 void *user_data);
typedef void (*modem_connect_cb)(int err, const char *reason, modem_pdn_id id,
				 const struct modem_pdn_settings *s, void *user_data);
/* @imei: the digits as the modem reports them (IMEI or IMEISV), NULL on failure. */
typedef void (*modem_imei_cb)(int err, const char *reason, const char *imei, void *user_data);

/*
 * What a backend holds in the modem, for one PDN or for itself: enough for
 * another process to end it after this one was killed (modem_ops.release).
 */
/* A QMI backend's own: WDA, NAS, DMS and two WDS per data link, up to 8 links. */
#define MODEM_CLIENT_MAX  19
#define MODEM_BEARER_MAX  128
#define MODEM_SVC_QMI_WDS 0x01
#define MODEM_SVC_QMI_DMS 0x02
#define MODEM_SVC_QMI_NAS 0x03
#define MODEM_SVC_QMI_WDA 0x1a

struct modem_client {
	uint8_t service; /* QMI service number */
	uint8_t cid;	 /* its client id */
};

struct modem_handles {
	struct modem_client client[MODEM_CLIENT_MAX]; /* QMI client ids */
	size_t n_client;
	uint32_t qmi_handle[2]; /* QMI WDS packet data handles, one per IP family */
	size_t n_qmi_handle;
	unsigned int mux_id; /* QMAP mux id, 0: none */
	bool has_mbim_session;
	unsigned int mbim_session;	  /* MBIM SessionId (MBIM 1.0 10.5.12) */
	char mm_bearer[MODEM_BEARER_MAX]; /* ModemManager bearer object path, "" none */
	char link[MODEM_IFNAME_MAX];	  /* a mux link the backend made, "" none */
	/*
	 * Asked for on this APN, not named by the modem yet (ModemManager's
	 * CreateBearer before its path comes back): the next process ends what
	 * it finds of it (a bearer on that APN that is not connected).
	 */
	char pending_apn[MODEM_APN_MAX];
};

/* Unsolicited: serving network changed, PDN dropped by the network, modem gone. */
struct modem_events {
	void (*serving_changed)(const struct modem_serving *s, void *user_data);
	void (*pdn_dropped)(modem_pdn_id id, int err, const char *reason, void *user_data);
	void (*vanished)(const char *reason, void *user_data);
	/*
	 * Optional. What the backend now holds for PDN @id (MODEM_HANDLES_OWN:
	 * for itself, e.g. its QMI NAS and WDA clients); NULL when it holds
	 * nothing for @id any more.
	 * Called before the backend acts on a new handle (Start Network on a new
	 * client, Connect on a new session id), so that the caller can persist
	 * it first and release it after a crash (issue 12).
	 */
	void (*handles)(modem_pdn_id id, const struct modem_handles *h, void *user_data);
	void *user_data;
};

struct modem_ops {
	const char *name;
	/*
	 * Opens the device (through its proxy); @ev stays valid until close.
	 * *@m is set at once and stays valid even when @cb reports a failure:
	 * the caller always ends with close(*@m).
	 */
	void (*open)(struct modem **m, const struct modem_config *cfg,
		     const struct modem_events *ev, modem_done_cb cb, void *user_data);
	void (*get_serving)(struct modem *m, modem_serving_cb cb, void *user_data);
	/*
	 * The equipment identity (TS 23.003 6.2), for REGISTER's +sip.instance
	 * (TS 24.229 5.1.1.2.1). -ENODATA when the modem has none to report.
	 */
	void (*get_imei)(struct modem *m, modem_imei_cb cb, void *user_data);
	void (*connect)(struct modem *m, const struct modem_pdn_params *p, modem_connect_cb cb,
			void *user_data);
	void (*disconnect)(struct modem *m, modem_pdn_id id, modem_done_cb cb, void *user_data);
	/*
	 * Ends what a killed process left in the modem, as its handles say
	 * (modem_events.handles): its data sessions and client ids. @cb gets 0
	 * when all is gone (already gone counts), else the first failure; every
	 * handle is tried either way. NULL in a backend without handles.
	 */
	void (*release)(struct modem *m, const struct modem_handles *h, modem_done_cb cb,
			void *user_data);
	/* Cancels everything pending (callbacks get -ECANCELED) and frees; NULL accepted. */
	void (*close)(struct modem *m);
};

/* Each backend file's one export; its module (hal/modem-*.mk) exports only it. */
extern const struct modem_ops modem_qmi_ops;
extern const struct modem_ops modem_mbim_ops;
extern const struct modem_ops modem_mm_ops;

/*
 * Loads the backend @name ("qmi", "mbim", "mm") from its module
 * @dir/modem-@name.so (hal/modem-ops.c): 0 with *@ops, valid until exit; or
 * -EINVAL (not a backend name), -ENOENT (no module, or no ops in it),
 * -ENOEXEC (not loadable, or another backend's) with @err naming the module
 * and saying dlerror()'s reason (hal/module.h: MODULE_ERR_MAX is enough).
 */
int modem_ops_load(const char *dir, const char *name, const struct modem_ops **ops, char *err,
		   size_t err_len);

void modem_pdn_params_wipe(struct modem_pdn_params *p);
const char *modem_ip_type_str(enum modem_ip_type t);
const char *modem_auth_str(enum modem_auth a);
/* The inverses of the two above: 0, or -EINVAL with *@t / *@a untouched. */
int modem_ip_type_parse(const char *s, enum modem_ip_type *t);
int modem_auth_parse(const char *s, enum modem_auth *a);
const char *modem_reg_state_str(enum modem_reg_state r);

/*
 * One meaning for one 3GPP session management cause, whichever way the modem
 * reported it (QMI verbose call end reason of type 3GPP, MBIM NwError,
 * ModemManager mobile equipment error): the TS 24.301 9.9.4.4 ESM cause /
 * TS 24.008 10.5.6.6 SM cause as -errno and one text. A cause not in the table
 * is -ECONNREFUSED, "rejected by the network".
 */
int modem_cause_errno(unsigned int cause);
const char *modem_cause_text(unsigned int cause);
/* Writes "TEXT (3GPP cause N)" into @reason; returns modem_cause_errno(@cause). */
int modem_cause_reason(unsigned int cause, char *reason, size_t size);

#endif
