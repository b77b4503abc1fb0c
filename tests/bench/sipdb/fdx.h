/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fdx — the Diameter dictionary the bench SIP databases and the Sh client
 * share, on top of freeDiameter 1.2.1 (libfdcore/libfdproto).
 *
 * freeDiameter's extensions dict_nasreq, dict_dcca and dict_dcca_3gpp (loaded
 * in that order by the configuration) carry most 3GPP AVPs but neither the Cx
 * (TS 29.229) nor the Sh (TS 29.329) application and commands; fdx_dict_init()
 * defines those, and any AVP the loaded dictionaries lack, by code.
 */
#ifndef MCMIG_BENCH_FDX_H
#define MCMIG_BENCH_FDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <freeDiameter/freeDiameter-host.h>
#include <freeDiameter/libfdcore.h>

#define FDX_VENDOR_3GPP 10415
#define FDX_APP_CX	16777216 /* TS 29.229 6.2 */
#define FDX_APP_SH	16777217 /* TS 29.329 6.2 */

/* TS 29.229 6.1 / TS 29.329 6.1 command codes */
#define FDX_CMD_UAR 300
#define FDX_CMD_SAR 301
#define FDX_CMD_MAR 303
#define FDX_CMD_RTR 304
#define FDX_CMD_UDR 306
#define FDX_CMD_PUR 307

/* Result-Code (RFC 6733 7.1) */
#define FDX_SUCCESS		   2001
#define FDX_UNABLE_TO_DELIVER	   3002
#define FDX_OUT_OF_SPACE	   4002
#define FDX_AUTHORIZATION_REJECTED 5003
#define FDX_MISSING_AVP		   5005
#define FDX_UNABLE_TO_COMPLY	   5012
/* Experimental-Result-Code (TS 29.229 6.2, TS 29.329 6.2) */
#define FDX_FIRST_REGISTRATION		    2001
#define FDX_SUBSEQUENT_REGISTRATION	    2002
#define FDX_ERROR_USER_UNKNOWN		    5001
#define FDX_ERROR_AUTH_SCHEME_NOT_SUPPORTED 5006
#define FDX_ERROR_USER_DATA_NOT_RECOGNIZED  5100
#define FDX_ERROR_OPERATION_NOT_ALLOWED	    5101

struct fdx_dict {
	struct dict_object *vendor;
	struct dict_object *app_cx, *app_sh;
	struct dict_object *uar, *uaa, *sar, *saa, *mar, *maa, *rtr, *rta;
	struct dict_object *udr, *uda, *pur, *pua;
	/* RFC 6733 base */
	struct dict_object *session_id, *origin_host, *origin_realm;
	struct dict_object *destination_host, *destination_realm;
	struct dict_object *auth_session_state, *vsai, *vendor_id;
	struct dict_object *auth_application_id, *result_code;
	struct dict_object *experimental_result, *experimental_result_code;
	struct dict_object *user_name;
	/* Cx, TS 29.229 6.3 */
	struct dict_object *public_identity, *server_name, *cx_user_data;
	struct dict_object *sip_number_auth_items, *sip_auth_scheme;
	struct dict_object *sip_authenticate, *sip_authorization;
	struct dict_object *sip_auth_data_item, *sip_item_number;
	struct dict_object *server_assignment_type, *user_data_available;
	struct dict_object *confidentiality_key, *integrity_key;
	struct dict_object *deregistration_reason, *reason_code, *reason_info;
	/* Sh, TS 29.329 6.3 */
	struct dict_object *user_identity, *sh_user_data, *data_reference;
	struct dict_object *service_indication;
};

extern struct fdx_dict fdx;

/*
 * After fd_core_parseconf() (which loads the dictionary extensions):
 * resolves or defines everything in fdx. Returns 0 or -errno.
 */
int fdx_dict_init(void);

/* Accepts a CER without Host-IP-Address (RFC 6733 5.3.1 requires one):
 * Kamailio 5.6.3's cdp sometimes sends its CER before its receiver process
 * holds the socket ("Error on finding local host address") and omits it. */
int fdx_accept_cer_without_host_ip(void);

/* Advertise Cx and/or Sh (auth, vendor 10415) in our CER/CEA. */
int fdx_support(bool cx, bool sh);

/* Writes a freeDiameter configuration and parses it: fd_core_initialize() and
 * fd_core_parseconf() in one call, with the dictionaries loaded. */
struct fdx_peer {
	const char *identity;
	const char *addr; /* NULL: the peer connects to us (never dialled) */
	uint16_t port;
};
struct fdx_conf {
	const char *identity, *realm;
	uint16_t port;		   /* listening port */
	const char *const *listen; /* NULL-terminated addresses, or NULL */
	const struct fdx_peer *peers;
	size_t npeers;
	const char *dict_dir; /* NULL: /usr/lib/freeDiameter */
	const char *work_dir; /* where the generated conf file lives */
	int debug;	      /* freeDiameter log level threshold; 0 = quiet */
	/* Seconds between connection attempts to a peer (RFC 6733 5.2 Tc);
	 * 0 = 5. */
	unsigned int tc_timer;
};
int fdx_core_init(const struct fdx_conf *c);
/* Dials the peers of @c that have an address (the first attempt at once:
 * see fdx.c), then fd_core_start() and waits for it. @c as given to
 * fdx_core_init(). */
int fdx_core_start(const struct fdx_conf *c);
/* Before an orderly fd_core_shutdown(): silences its FATAL-level notice. */
void fdx_quiet(void);
/* True while the connection to peer @id is open (RFC 6733 state Open). */
bool fdx_peer_open(const char *id);
/*
 * Ends a one-shot client (@quiet: without the shutdown's FATAL-level
 * notice): fd_core_shutdown() sends DPR (RFC 6733 5.4), then
 * up to 3 s for the DPA or the peer gone. The caller exits right after;
 * see fdx.c for why fd_core_wait_shutdown_complete() is not called.
 */
void fdx_client_stop(const char *peer_id, bool quiet);

/* Message building; each returns 0 or -errno. */
int fdx_add_str(msg_or_avp *parent, struct dict_object *model, const void *data, size_t len);
int fdx_add_cstr(msg_or_avp *parent, struct dict_object *model, const char *s);
int fdx_add_u32(msg_or_avp *parent, struct dict_object *model, uint32_t v);
int fdx_add_vsai(struct msg *m, uint32_t app);
int fdx_add_experimental(struct msg *m, uint32_t code);
/* New request of @cmd with Session-Id, Auth-Session-State
 * NO_STATE_MAINTAINED, Origin-*, Destination-*, Vendor-Specific-App-Id. */
int fdx_new_request(struct dict_object *cmd, uint32_t app, const char *dest_host,
		    const char *dest_realm, struct msg **out);
/* Answer to *req (consumed: *req then points to the answer) with
 * Auth-Session-State, Vendor-Specific-App-Id and Origin-*. */
int fdx_new_answer(struct msg **req, uint32_t app);
/* Sets Result-Code (base) or Experimental-Result (3GPP) on an answer. */
int fdx_set_result(struct msg *ans, uint32_t code, bool experimental);

/* Lookups; the returned pointers live as long as the message. */
struct avp *fdx_find(msg_or_avp *parent, struct dict_object *model);
/* Octet/UTF8 value of the first @model child of @parent, or NULL. */
const uint8_t *fdx_get_str(msg_or_avp *parent, struct dict_object *model, size_t *len);
/* Copies a string AVP into buf (NUL-terminated); -ENOENT, -ENAMETOOLONG. */
int fdx_copy_cstr(msg_or_avp *parent, struct dict_object *model, char *buf, size_t size);
int fdx_get_u32(msg_or_avp *parent, struct dict_object *model, uint32_t *v);
/* Result-Code or Experimental-Result-Code of an answer; -ENOENT if none. */
int fdx_result(struct msg *ans, uint32_t *code, bool *experimental);

/* Deep copy of @src (grouped AVPs recursively: libfdproto has none). */
int fdx_avp_copy(struct avp *src, struct avp **dst);
/* Appends to @dst deep copies of @src's children of @vendor whose code is in
 * @codes, in their order. 0 or -errno (then @dst may hold some copies). */
int fdx_copy_children(msg_or_avp *dst, msg_or_avp *src, uint32_t vendor, const uint32_t *codes,
		      size_t ncodes);

#endif
