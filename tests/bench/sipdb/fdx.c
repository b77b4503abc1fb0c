// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fdx — shared Diameter dictionary and message helpers on freeDiameter.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fdx.h"

struct fdx_dict fdx;

#define DICT (fd_g_config->cnf_dict)

static int vendor_get(void)
{
	vendor_id_t id = FDX_VENDOR_3GPP;
	struct dict_vendor_data d = { FDX_VENDOR_3GPP, (char *)"3GPP" };

	if (!fd_dict_search(DICT, DICT_VENDOR, VENDOR_BY_ID, &id, &fdx.vendor, ENOENT))
		return 0;
	return -fd_dict_new(DICT, DICT_VENDOR, &d, NULL, &fdx.vendor);
}

static int app_get(application_id_t id, const char *name, struct dict_object **out)
{
	struct dict_application_data d = { id, (char *)name };

	if (!fd_dict_search(DICT, DICT_APPLICATION, APPLICATION_BY_ID, &id, out, ENOENT))
		return 0;
	return -fd_dict_new(DICT, DICT_APPLICATION, &d, fdx.vendor, out);
}

/* RFC 6733 3.1: requests of these applications are proxiable (P bit). */
static int cmd_get(command_code_t code, const char *req_name, const char *ans_name,
		   struct dict_object *app, struct dict_object **req, struct dict_object **ans)
{
	struct dict_cmd_data r = { code, (char *)req_name,
				   CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE | CMD_FLAG_ERROR,
				   CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE };
	struct dict_cmd_data a = { code, (char *)ans_name, CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE,
				   CMD_FLAG_PROXIABLE };
	int ret;

	if (fd_dict_search(DICT, DICT_COMMAND, CMD_BY_CODE_R, &code, req, ENOENT)) {
		ret = fd_dict_new(DICT, DICT_COMMAND, &r, app, req);
		if (ret)
			return -ret;
	}
	if (fd_dict_search(DICT, DICT_COMMAND, CMD_BY_CODE_A, &code, ans, ENOENT)) {
		ret = fd_dict_new(DICT, DICT_COMMAND, &a, app, ans);
		if (ret)
			return -ret;
	}
	return 0;
}

/* Resolves an AVP by code and vendor; defines it when the loaded
 * dictionaries lack it (the 3GPP dictionary misses a few Cx/Sh AVPs). */
static int avp_get(vendor_id_t vendor, avp_code_t code, const char *name,
		   enum dict_avp_basetype type, struct dict_object **out)
{
	struct dict_avp_request q = { vendor, code, NULL };
	struct dict_avp_data d = {
		code,
		vendor,
		(char *)name,
		(vendor ? AVP_FLAG_VENDOR : 0) | AVP_FLAG_MANDATORY,
		(vendor ? AVP_FLAG_VENDOR : 0) | AVP_FLAG_MANDATORY,
		type,
	};

	if (!fd_dict_search(DICT, DICT_AVP, vendor ? AVP_BY_CODE_AND_VENDOR : AVP_BY_CODE,
			    vendor ? (const void *)&q : (const void *)&code, out, ENOENT))
		return 0;
	return -fd_dict_new(DICT, DICT_AVP, &d, NULL, out);
}

int fdx_dict_init(void)
{
	static const struct {
		vendor_id_t vendor;
		avp_code_t code;
		const char *name;
		enum dict_avp_basetype type;
		size_t off;
	} avps[] = {
#define A(v, c, n, t, f) { v, c, n, AVP_TYPE_##t, offsetof(struct fdx_dict, f) }
		A(0, 263, "Session-Id", OCTETSTRING, session_id),
		A(0, 264, "Origin-Host", OCTETSTRING, origin_host),
		A(0, 296, "Origin-Realm", OCTETSTRING, origin_realm),
		A(0, 293, "Destination-Host", OCTETSTRING, destination_host),
		A(0, 283, "Destination-Realm", OCTETSTRING, destination_realm),
		A(0, 277, "Auth-Session-State", INTEGER32, auth_session_state),
		A(0, 260, "Vendor-Specific-Application-Id", GROUPED, vsai),
		A(0, 266, "Vendor-Id", UNSIGNED32, vendor_id),
		A(0, 258, "Auth-Application-Id", UNSIGNED32, auth_application_id),
		A(0, 268, "Result-Code", UNSIGNED32, result_code),
		A(0, 297, "Experimental-Result", GROUPED, experimental_result),
		A(0, 298, "Experimental-Result-Code", UNSIGNED32, experimental_result_code),
		A(0, 1, "User-Name", OCTETSTRING, user_name),
		A(FDX_VENDOR_3GPP, 601, "Public-Identity", OCTETSTRING, public_identity),
		A(FDX_VENDOR_3GPP, 602, "Server-Name", OCTETSTRING, server_name),
		A(FDX_VENDOR_3GPP, 606, "User-Data", OCTETSTRING, cx_user_data),
		A(FDX_VENDOR_3GPP, 607, "SIP-Number-Auth-Items", UNSIGNED32, sip_number_auth_items),
		A(FDX_VENDOR_3GPP, 608, "SIP-Authentication-Scheme", OCTETSTRING, sip_auth_scheme),
		A(FDX_VENDOR_3GPP, 609, "SIP-Authenticate", OCTETSTRING, sip_authenticate),
		A(FDX_VENDOR_3GPP, 610, "SIP-Authorization", OCTETSTRING, sip_authorization),
		A(FDX_VENDOR_3GPP, 612, "SIP-Auth-Data-Item", GROUPED, sip_auth_data_item),
		A(FDX_VENDOR_3GPP, 613, "SIP-Item-Number", UNSIGNED32, sip_item_number),
		A(FDX_VENDOR_3GPP, 614, "Server-Assignment-Type", INTEGER32,
		  server_assignment_type),
		A(FDX_VENDOR_3GPP, 615, "Deregistration-Reason", GROUPED, deregistration_reason),
		A(FDX_VENDOR_3GPP, 616, "Reason-Code", INTEGER32, reason_code),
		A(FDX_VENDOR_3GPP, 617, "Reason-Info", OCTETSTRING, reason_info),
		A(FDX_VENDOR_3GPP, 624, "User-Data-Already-Available", INTEGER32,
		  user_data_available),
		A(FDX_VENDOR_3GPP, 625, "Confidentiality-Key", OCTETSTRING, confidentiality_key),
		A(FDX_VENDOR_3GPP, 626, "Integrity-Key", OCTETSTRING, integrity_key),
		A(FDX_VENDOR_3GPP, 700, "User-Identity", GROUPED, user_identity),
		A(FDX_VENDOR_3GPP, 702, "User-Data-Sh", OCTETSTRING, sh_user_data),
		A(FDX_VENDOR_3GPP, 703, "Data-Reference", INTEGER32, data_reference),
		A(FDX_VENDOR_3GPP, 704, "Service-Indication", OCTETSTRING, service_indication),
#undef A
	};
	size_t i;
	int ret;

	ret = vendor_get();
	if (ret)
		return ret;
	ret = app_get(FDX_APP_CX, "3GPP Cx", &fdx.app_cx);
	if (!ret)
		ret = app_get(FDX_APP_SH, "3GPP Sh", &fdx.app_sh);
	if (!ret)
		ret = cmd_get(FDX_CMD_UAR, "User-Authorization-Request",
			      "User-Authorization-Answer", fdx.app_cx, &fdx.uar, &fdx.uaa);
	if (!ret)
		ret = cmd_get(FDX_CMD_SAR, "Server-Assignment-Request", "Server-Assignment-Answer",
			      fdx.app_cx, &fdx.sar, &fdx.saa);
	if (!ret)
		ret = cmd_get(FDX_CMD_MAR, "Multimedia-Auth-Request", "Multimedia-Auth-Answer",
			      fdx.app_cx, &fdx.mar, &fdx.maa);
	if (!ret)
		ret = cmd_get(FDX_CMD_RTR, "Registration-Termination-Request",
			      "Registration-Termination-Answer", fdx.app_cx, &fdx.rtr, &fdx.rta);
	if (!ret)
		ret = cmd_get(FDX_CMD_UDR, "User-Data-Request", "User-Data-Answer", fdx.app_sh,
			      &fdx.udr, &fdx.uda);
	if (!ret)
		ret = cmd_get(FDX_CMD_PUR, "Profile-Update-Request", "Profile-Update-Answer",
			      fdx.app_sh, &fdx.pur, &fdx.pua);
	for (i = 0; !ret && i < sizeof(avps) / sizeof(avps[0]); i++)
		ret = avp_get(avps[i].vendor, avps[i].code, avps[i].name, avps[i].type,
			      (struct dict_object **)((char *)&fdx + avps[i].off));
	return ret;
}

int fdx_accept_cer_without_host_ip(void)
{
	command_code_t cer_code = 257;
	avp_code_t hip_code = 257;
	struct dict_object *cer, *hip, *rule;
	struct dict_rule_request q;
	struct dict_rule_data r = { 0 };
	int ret;

	ret = fd_dict_search(DICT, DICT_COMMAND, CMD_BY_CODE_R, &cer_code, &cer, ENOENT);
	if (!ret)
		ret = fd_dict_search(DICT, DICT_AVP, AVP_BY_CODE, &hip_code, &hip, ENOENT);
	if (ret)
		return -ret;
	q.rule_parent = cer;
	q.rule_avp = hip;
	ret = fd_dict_search(DICT, DICT_RULE, RULE_BY_AVP_AND_PARENT, &q, &rule, ENOENT);
	if (!ret) {
		ret = fd_dict_getval(rule, &r);
		if (!ret && r.rule_position == RULE_OPTIONAL)
			return 0; /* already optional */
		if (!ret)
			ret = fd_dict_delete(rule);
	} else if (ret == ENOENT) {
		ret = 0;
	}
	if (ret)
		return -ret;
	r.rule_avp = hip;
	r.rule_position = RULE_OPTIONAL;
	r.rule_order = 0;
	r.rule_min = 0;
	r.rule_max = -1;
	return -fd_dict_new(DICT, DICT_RULE, &r, cer, NULL);
}

int fdx_support(bool cx, bool sh)
{
	int ret = 0;

	if (cx)
		ret = fd_disp_app_support(fdx.app_cx, fdx.vendor, 1, 0);
	if (!ret && sh)
		ret = fd_disp_app_support(fdx.app_sh, fdx.vendor, 1, 0);
	return -ret;
}

/* Accepts an incoming CER only from a peer named in the configuration
 * (RFC 6733 5.3: "unknown peers" policy is local); without this callback
 * freeDiameter rejects every peer it was not told to dial. */
static const struct fdx_peer *passive_peers;
static size_t passive_npeers;

static int peer_validate(struct peer_info *info, int *auth, int (**cb2)(struct peer_info *))
{
	size_t i;

	for (i = 0; i < passive_npeers; i++) {
		if (!strcasecmp(passive_peers[i].identity, info->pi_diamid)) {
			*auth = 1;
			/* No TLS on the bench (RFC 6733 13: IPsec-like trust). */
			info->config.pic_flags.sec = PI_SEC_NONE;
			return 0;
		}
	}
	*auth = -1;
	return 0;
}

static int add_endpoint(const char *addr, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return -EINVAL;
	/* EP_ACCEPTALL: freeDiameter's parser silently drops loopback. */
	return -fd_ep_add_merge(&fd_g_config->cnf_endpoints, (sSA *)&sin, sizeof(sin),
				EP_FL_CONF | EP_ACCEPTALL);
}

/* freeDiameter's default logger writes to stdout; ours go to stderr so
 * that stdout stays the programs' own (mcmig-sh prints results there). */
__attribute__((format(printf, 2, 0))) static void fdx_logger(int level, const char *fmt, va_list ap)
{
	char line[1024];

	if (level < fd_g_debug_lvl)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "freeDiameter[%d]: %s\n", level, line);
}

void fdx_quiet(void)
{
	/* fd_core_shutdown() logs at FATAL level even when it is asked to. */
	fd_g_debug_lvl = FD_LOG_FATAL + 1;
}

bool fdx_peer_open(const char *id)
{
	struct peer_hdr *p = NULL;

	if (fd_peer_getbyid((DiamId_t)id, strlen(id), 1, &p) || !p)
		return false;
	return fd_peer_get_state(p) == STATE_OPEN;
}

/* True once the peer has been told goodbye (DPR/DPA done) or is gone. */
static bool peer_closed(const char *id)
{
	struct peer_hdr *p = NULL;
	int st;

	if (fd_peer_getbyid((DiamId_t)id, strlen(id), 0, &p) || !p)
		return true;
	st = fd_peer_get_state(p);
	return st == STATE_CLOSED || st == STATE_ZOMBIE;
}

void fdx_client_stop(const char *peer_id, bool quiet)
{
	const struct timespec nap = { 0, 10 * 1000000L };
	int i;

	if (quiet)
		fdx_quiet();
	/* The last stage, fd_core_wait_shutdown_complete(), is not waited
	 * for: freeDiameter 1.2.1 deletes its queues giving the threads
	 * blocked on them 20 yields to leave (libfdproto fifo.c,
	 * ASSERT(++loops < 20)), and a busy machine aborted the process that
	 * way after its answer had been printed (shc about once in 200 calls,
	 * mcmig-cx 3 times in 17 sipcore.sh runs under load). */
	fd_core_shutdown();
	for (i = 0; i < 300 && !peer_closed(peer_id); i++)
		nanosleep(&nap, NULL);
}

int fdx_core_init(const struct fdx_conf *c)
{
	static const char *const dicts[] = { "dict_nasreq.fdx", "dict_dcca.fdx",
					     "dict_dcca_3gpp.fdx" };
	const char *dir = c->dict_dir ? c->dict_dir : "/usr/lib/freeDiameter";
	char path[4096];
	FILE *f;
	size_t i;
	int fd, ret;

	ret = snprintf(path, sizeof(path), "%s/fd-%s.XXXXXX", c->work_dir ? c->work_dir : "/tmp",
		       c->identity);
	if (ret < 0 || (size_t)ret >= sizeof(path))
		return -ENAMETOOLONG;
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		unlink(path);
		return ret;
	}
	fprintf(f,
		"Identity = \"%s\";\nRealm = \"%s\";\nPort = %u;\n"
		"SecPort = 0;\nNo_SCTP;\nNo_IPv6;\nNoRelay;\nTcTimer = %u;\n"
		"AppServThreads = 2;\n",
		c->identity, c->realm, (unsigned int)c->port, c->tc_timer ? c->tc_timer : 5);
	for (i = 0; i < sizeof(dicts) / sizeof(dicts[0]); i++)
		fprintf(f, "LoadExtension = \"%s/%s\";\n", dir, dicts[i]);
	ret = fclose(f) ? -errno : 0;
	/* freeDiameter prints at or above fd_g_debug_lvl; quiet is errors. */
	fd_g_debug_lvl = c->debug ? c->debug : FD_LOG_ERROR;
	if (!ret)
		ret = -fd_core_initialize();
	if (!ret)
		ret = -fd_log_handler_register(fdx_logger);
	if (!ret)
		ret = -fd_core_parseconf(path);
	unlink(path);
	if (ret)
		return ret;
	for (i = 0; c->listen && c->listen[i]; i++) {
		ret = add_endpoint(c->listen[i], c->port);
		if (ret)
			return ret;
	}
	passive_peers = c->peers;
	passive_npeers = c->npeers;
	ret = fd_peer_validate_register(peer_validate);
	if (ret)
		return -ret;
	return fdx_dict_init();
}

/* Dials one peer (TCP, no TLS, reconnecting every Tc). */
static int dial(const struct fdx_peer *p)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct peer_info info = { 0 };
	int ret;

	if (inet_pton(AF_INET, p->addr, &sin.sin_addr) != 1)
		return -EINVAL;
	fd_list_init(&info.pi_endpoints, NULL);
	info.pi_diamid = (DiamId_t)p->identity;
	info.config.pic_flags.persist = PI_PRST_ALWAYS;
	info.config.pic_flags.pro3 = PI_P3_IP;
	info.config.pic_flags.pro4 = PI_P4_TCP;
	info.config.pic_flags.alg = PI_ALGPREF_TCP;
	info.config.pic_flags.sec = PI_SEC_NONE;
	info.config.pic_port = p->port ? p->port : 3868;
	/* EP_ACCEPTALL: without it a loopback address is silently dropped. */
	ret = -fd_ep_add_merge(&info.pi_endpoints, (sSA *)&sin, sizeof(sin),
			       EP_FL_CONF | EP_ACCEPTALL);
	if (!ret)
		ret = -fd_peer_add(&info, "fdx", NULL, NULL);
	while (!FD_IS_LIST_EMPTY(&info.pi_endpoints)) {
		struct fd_list *li = info.pi_endpoints.next;

		fd_list_unlink(li);
		free(li);
	}
	return ret;
}

/* True once the peer's state machine thread has run its first lines. */
static bool psm_running(const char *identity)
{
	struct peer_hdr *p = NULL;

	if (fd_peer_getbyid((DiamId_t)identity, strlen(identity), 0, &p) || !p)
		return true; /* nothing to wait for */
	return fd_peer_get_state(p) != STATE_NEW;
}

int fdx_core_start(const struct fdx_conf *c)
{
	const struct timespec nap = { 0, 1000000L };
	unsigned int waited;
	size_t i;
	int ret = 0;

	/*
	 * freeDiameter 1.2.1 delays the first connection to a peer by a
	 * random 0-4 s when the peer's state machine thread finds the core
	 * already started (p_psm.c: created_started, read as the thread's
	 * first line, before it leaves STATE_NEW). Whether a configured peer
	 * counted as such raced with fd_core_start(): a one-shot client with
	 * a 3 s window (mcmig-sh) then timed out, having never tried to
	 * connect, about once in 50 calls on a busy machine. So the peers are
	 * dialled before the start, and the start waits (bounded) until each
	 * state machine has left STATE_NEW: the first attempt is immediate.
	 */
	for (i = 0; !ret && i < c->npeers; i++) {
		if (c->peers[i].addr)
			ret = dial(&c->peers[i]);
	}
	for (i = 0; !ret && i < c->npeers; i++) {
		for (waited = 0;
		     c->peers[i].addr && !psm_running(c->peers[i].identity) && waited < 1000;
		     waited++)
			nanosleep(&nap, NULL);
	}
	if (!ret)
		ret = -fd_core_start();
	if (!ret)
		ret = -fd_core_waitstartcomplete();
	return ret;
}

int fdx_add_str(msg_or_avp *parent, struct dict_object *model, const void *data, size_t len)
{
	union avp_value v = { 0 };
	struct avp *a;
	int ret;

	ret = fd_msg_avp_new(model, 0, &a);
	if (ret)
		return -ret;
	v.os.data = (uint8_t *)data;
	v.os.len = len;
	ret = fd_msg_avp_setvalue(a, &v);
	if (!ret)
		ret = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, a);
	if (ret)
		fd_msg_free(a);
	return -ret;
}

int fdx_add_cstr(msg_or_avp *parent, struct dict_object *model, const char *s)
{
	return fdx_add_str(parent, model, s, strlen(s));
}

int fdx_add_u32(msg_or_avp *parent, struct dict_object *model, uint32_t v32)
{
	union avp_value v = { 0 };
	struct avp *a;
	int ret;

	ret = fd_msg_avp_new(model, 0, &a);
	if (ret)
		return -ret;
	v.u32 = v32;
	ret = fd_msg_avp_setvalue(a, &v);
	if (!ret)
		ret = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, a);
	if (ret)
		fd_msg_free(a);
	return -ret;
}

static int add_grouped(msg_or_avp *parent, struct dict_object *model, struct avp **out)
{
	int ret = fd_msg_avp_new(model, 0, out);

	if (ret)
		return -ret;
	ret = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, *out);
	if (ret)
		fd_msg_free(*out);
	return -ret;
}

int fdx_add_vsai(struct msg *m, uint32_t app)
{
	struct avp *g;
	int ret = add_grouped(m, fdx.vsai, &g);

	if (!ret)
		ret = fdx_add_u32(g, fdx.vendor_id, FDX_VENDOR_3GPP);
	if (!ret)
		ret = fdx_add_u32(g, fdx.auth_application_id, app);
	return ret;
}

int fdx_add_experimental(struct msg *m, uint32_t code)
{
	struct avp *g;
	int ret = add_grouped(m, fdx.experimental_result, &g);

	if (!ret)
		ret = fdx_add_u32(g, fdx.vendor_id, FDX_VENDOR_3GPP);
	if (!ret)
		ret = fdx_add_u32(g, fdx.experimental_result_code, code);
	return ret;
}

int fdx_new_request(struct dict_object *cmd, uint32_t app, const char *dest_host,
		    const char *dest_realm, struct msg **out)
{
	struct msg *m;
	int ret;

	ret = fd_msg_new(cmd, MSGFL_ALLOC_ETEID, &m);
	if (ret)
		return -ret;
	ret = -fd_msg_new_session(m, NULL, 0);
	if (!ret)
		ret = fdx_add_vsai(m, app);
	/* TS 29.229 6.1: NO_STATE_MAINTAINED (1) */
	if (!ret)
		ret = fdx_add_u32(m, fdx.auth_session_state, 1);
	if (!ret)
		ret = -fd_msg_add_origin(m, 0);
	if (!ret && dest_host)
		ret = fdx_add_cstr(m, fdx.destination_host, dest_host);
	if (!ret)
		ret = fdx_add_cstr(m, fdx.destination_realm, dest_realm);
	if (ret) {
		fd_msg_free(m);
		return ret;
	}
	*out = m;
	return 0;
}

int fdx_new_answer(struct msg **req, uint32_t app)
{
	int ret = fd_msg_new_answer_from_req(DICT, req, 0);

	if (ret)
		return -ret;
	ret = fdx_add_vsai(*req, app);
	if (!ret)
		ret = fdx_add_u32(*req, fdx.auth_session_state, 1);
	return ret;
}

int fdx_set_result(struct msg *ans, uint32_t code, bool experimental)
{
	if (experimental)
		return fdx_add_experimental(ans, code);
	return fdx_add_u32(ans, fdx.result_code, code);
}

struct avp *fdx_find(msg_or_avp *parent, struct dict_object *model)
{
	struct dict_avp_data want;
	struct avp *a = NULL;
	struct avp_hdr *h;

	if (fd_dict_getval(model, &want))
		return NULL;
	if (fd_msg_browse(parent, MSG_BRW_FIRST_CHILD, &a, NULL))
		return NULL;
	while (a) {
		if (!fd_msg_avp_hdr(a, &h) && h->avp_code == want.avp_code &&
		    h->avp_vendor == want.avp_vendor)
			return a;
		if (fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL))
			return NULL;
	}
	return NULL;
}

const uint8_t *fdx_get_str(msg_or_avp *parent, struct dict_object *model, size_t *len)
{
	struct avp *a = fdx_find(parent, model);
	struct avp_hdr *h;

	if (!a || fd_msg_avp_hdr(a, &h) || !h->avp_value)
		return NULL;
	*len = h->avp_value->os.len;
	return h->avp_value->os.data;
}

int fdx_copy_cstr(msg_or_avp *parent, struct dict_object *model, char *buf, size_t size)
{
	size_t len;
	const uint8_t *s = fdx_get_str(parent, model, &len);

	if (!s)
		return -ENOENT;
	if (len >= size || memchr(s, 0, len))
		return -ENAMETOOLONG;
	memcpy(buf, s, len);
	buf[len] = 0;
	return 0;
}

int fdx_get_u32(msg_or_avp *parent, struct dict_object *model, uint32_t *v)
{
	struct avp *a = fdx_find(parent, model);
	struct avp_hdr *h;

	if (!a || fd_msg_avp_hdr(a, &h) || !h->avp_value)
		return -ENOENT;
	*v = h->avp_value->u32;
	return 0;
}

int fdx_result(struct msg *ans, uint32_t *code, bool *experimental)
{
	struct avp *er;

	if (!fdx_get_u32(ans, fdx.result_code, code)) {
		*experimental = false;
		return 0;
	}
	er = fdx_find(ans, fdx.experimental_result);
	if (er && !fdx_get_u32(er, fdx.experimental_result_code, code)) {
		*experimental = true;
		return 0;
	}
	return -ENOENT;
}

int fdx_avp_copy(struct avp *src, struct avp **dst)
{
	struct dict_object *model = NULL;
	struct avp_hdr *h;
	struct avp *c, *child = NULL;
	int ret;

	ret = fd_msg_model(src, &model);
	if (ret || !model)
		return ret ? -ret : -ENOENT;
	ret = fd_msg_avp_hdr(src, &h);
	if (ret)
		return -ret;
	ret = fd_msg_avp_new(model, 0, &c);
	if (ret)
		return -ret;
	if (h->avp_value) {
		ret = fd_msg_avp_setvalue(c, h->avp_value);
		goto out;
	}
	/* Grouped: copy every child. */
	ret = fd_msg_browse(src, MSG_BRW_FIRST_CHILD, &child, NULL);
	while (!ret && child) {
		struct avp *cc;

		ret = -fdx_avp_copy(child, &cc);
		if (ret)
			break;
		ret = fd_msg_avp_add(c, MSG_BRW_LAST_CHILD, cc);
		if (ret) {
			fd_msg_free(cc);
			break;
		}
		ret = fd_msg_browse(child, MSG_BRW_NEXT, &child, NULL);
	}
out:
	if (ret) {
		fd_msg_free(c);
		return -ret;
	}
	*dst = c;
	return 0;
}

int fdx_copy_children(msg_or_avp *dst, msg_or_avp *src, uint32_t vendor, const uint32_t *codes,
		      size_t ncodes)
{
	struct avp *a = NULL, *c;
	struct avp_hdr *h;
	size_t i;
	int ret;

	ret = -fd_msg_browse(src, MSG_BRW_FIRST_CHILD, &a, NULL);
	while (!ret && a) {
		ret = -fd_msg_avp_hdr(a, &h);
		for (i = 0; !ret && i < ncodes; i++) {
			if (h->avp_vendor != vendor || h->avp_code != codes[i])
				continue;
			ret = fdx_avp_copy(a, &c);
			if (ret)
				break;
			ret = -fd_msg_avp_add(dst, MSG_BRW_LAST_CHILD, c);
			if (ret)
				fd_msg_free(c);
			break;
		}
		if (!ret)
			ret = -fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL);
	}
	return ret;
}
