/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The partner connection documents of agent/schema/README.md (seed steps 1
 * and 13, TS 23.280 10.1.6): the request the configuration management client
 * sends, the <partner-connection> answer, the <error> document, and the same
 * <partner-connection> element read from an MC service user profile or a
 * static configuration file (seed NOTE 2). Whatever the source, the result is
 * one struct partner_config.
 *
 * Pure: (buf, len) in, plain C out; no I/O. Every parser refuses documents
 * over CMC_XML_MAX_DOC, any DTD (so no entity can be declared, hence no
 * billion laughs and no external entity), and never touches the network.
 */
#ifndef MCMIG_CMC_XML_H
#define MCMIG_CMC_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "modem.h"

#define CMC_XML_NS	   "urn:mcmig:partner:1.0"
#define CMC_XML_UECONF_NS  "urn:3gpp:mcptt:mcpttUEinitConfig:1.0" /* TS 24.484 */
#define CMC_XML_MAX_DOC	   (256 * 1024)
#define PCFG_STR_MAX	   256
#define PCFG_CONREF_MAX	   64
#define PCFG_IMPU_MAX	   8
#define PCFG_PCSCF_MAX	   4
#define PCFG_CONN_MAX	   8
#define PCFG_SERVER_MAX	   8
#define PCFG_PROFILE_MAX   16 /* <partner-connection> elements per profile */
#define CMC_XML_ERRMSG_MAX 256
#define CMC_XML_CODE_MAX   64

enum pcfg_source {
	PCFG_SOURCE_CMS,     /* fetched from the primary CMS (steps 1, 13) */
	PCFG_SOURCE_PROFILE, /* MC service user profile (TS 23.280 10.1.6) */
	PCFG_SOURCE_STATIC,  /* configured on the device (seed NOTE 2) */
};

enum pcfg_selection {
	PCFG_SELECTION_REQUESTED,
	PCFG_SELECTION_LOCATION,
	PCFG_SELECTION_STATIC,
};

enum pcfg_transport {
	PCFG_TRANSPORT_ANY,
	PCFG_TRANSPORT_UDP,
	PCFG_TRANSPORT_TCP,
};

struct pcfg_pcscf {
	char uri[PCFG_STR_MAX];
	enum pcfg_transport transport;
};

/*
 * The services whose PDN the TS 24.484 <service> con-refs name
 * (MCPTT-to-con-ref, MC-common-core-to-con-ref, MC-ID-to-con-ref). The order
 * is the order the PDNs come up in: MCPTT (SIP) first.
 */
enum pcfg_service {
	PCFG_SVC_MCPTT,	      /* SIP: the P-CSCF */
	PCFG_SVC_COMMON_CORE, /* TS 23.280: GMS, CMS, KMS */
	PCFG_SVC_MC_ID,	      /* TS 23.280: the IdMS */
	PCFG_SVC_COUNT,
};

/* A server of the initial UE configuration's <App-Server-Info>, by host. */
struct pcfg_server {
	char host[PCFG_STR_MAX]; /* as written in the URI: a name or an IP literal */
	enum pcfg_service service;
};

/* A connectivity parameter set (TS 24.483), named by the con-refs of TS 24.484. */
struct pcfg_connectivity {
	char con_ref[PCFG_CONREF_MAX];
	struct modem_pdn_params pdn; /* holds the PAP/CHAP password: wiped by partner_config_clear */
};

struct partner_config {
	char partner_id[PCFG_STR_MAX];
	enum pcfg_selection selection;
	time_t valid_until; /* UTC */
	char impi[PCFG_STR_MAX];
	char impu[PCFG_IMPU_MAX][PCFG_STR_MAX];
	size_t n_impu;
	char home_domain[PCFG_STR_MAX];
	struct pcfg_pcscf pcscf[PCFG_PCSCF_MAX];
	size_t n_pcscf;
	struct pcfg_connectivity conn[PCFG_CONN_MAX];
	size_t n_conn;
	/* The HPLMN *-to-con-ref of each service (enum pcfg_service), "" if none. */
	char con_ref[PCFG_SVC_COUNT][PCFG_CONREF_MAX];
	/* The servers the initial UE configuration names, each with its service. */
	struct pcfg_server server[PCFG_SERVER_MAX];
	size_t n_server;
	/*
	 * TS 24.484 <on-network><App-Server-Info>: the partner IdM server's
	 * authorization and token endpoints (TS 33.180 5.1.4, CSC-1), "" if none.
	 */
	char idms_auth_endpoint[PCFG_STR_MAX];
	char idms_token_endpoint[PCFG_STR_MAX];
	/* The partner's TS 24.484 document, whole (malloc'd; NULL when absent). */
	uint8_t *ue_config;
	size_t ue_config_len;
	/* The <partner-connection> element as a standalone document (malloc'd). */
	uint8_t *doc;
	size_t doc_len;
	enum pcfg_source source;
};

/* What the client sends (step 1). */
struct cmc_request {
	const char *mc_service_id;
	const struct modem_serving *serving; /* NULL: location unknown */
	bool has_coordinates;
	double lat, lon;
	const char *requested_partner; /* NULL: the CMS chooses by location */
};

/*
 * Builds the <partner-connection-request> document into *@out (malloc'd,
 * free()) of *@out_len bytes. Returns 0, -EINVAL (no MC service ID) or
 * -ENOMEM.
 */
int cmc_xml_build_request(const struct cmc_request *req, char **out, size_t *out_len);

/*
 * Parses one <partner-connection> document (the 200 answer, or a static
 * configuration file). On error returns -EMSGSIZE (too large), -EBADMSG (not
 * well-formed, DTD, wrong root), -ENOMSG (a mandatory element missing or a
 * con-ref not defined) or -EINVAL (bad value), with @err naming what; @cfg
 * is then cleared.
 */
int cmc_xml_parse_answer(const uint8_t *buf, size_t len, enum pcfg_source source,
			 struct partner_config *cfg, char *err, size_t err_len);

/*
 * Parses an MC service user profile: every <partner-connection> element (in
 * our namespace, anywhere below the root, or the root itself) becomes one
 * entry of @cfgs (at most @max). *@n gets the number of entries parsed. A bad
 * element fails the whole profile (a profile is provisioned as a unit).
 * -ENOENT when the profile holds none.
 */
int cmc_xml_parse_profile(const uint8_t *buf, size_t len, enum pcfg_source source,
			  struct partner_config *cfgs, size_t max, size_t *n, char *err,
			  size_t err_len);

/* Parses an <error> answer: @code and @text get its <code> and <text> ("" if absent). */
int cmc_xml_parse_error(const uint8_t *buf, size_t len, char code[CMC_XML_CODE_MAX], char *text,
			size_t text_len);

/*
 * The partner store's record: @cfg's <partner-connection> document wrapped in
 * <partner-record xmlns="urn:mcmig:store:1.0" source="..."> so that the
 * source survives a reboot. Build: *@out malloc'd (wipe and free: it holds
 * the PAP/CHAP password). Parse: as cmc_xml_parse_answer, source from the
 * record.
 */
#define CMC_XML_STORE_NS "urn:mcmig:store:1.0"
int cmc_xml_build_record(const struct partner_config *cfg, uint8_t **out, size_t *out_len);
int cmc_xml_parse_record(const uint8_t *buf, size_t len, struct partner_config *cfg, char *err,
			 size_t err_len);

/* Frees what @cfg owns and wipes its secrets; @cfg is then zeroed. NULL accepted. */
void partner_config_clear(struct partner_config *cfg);

/* Deep copy; 0 or -ENOMEM. */
int partner_config_copy(struct partner_config *dst, const struct partner_config *src);

/* The connectivity set the MCPTT PDN uses: the MCPTT-to-con-ref one, else the first. */
const struct pcfg_connectivity *partner_config_mcptt_conn(const struct partner_config *cfg);

/*
 * The distinct connectivity sets to bring up, one PDN each, in the order of
 * enum pcfg_service: the MCPTT one first, then the common core's and MC ID's
 * when they name other sets (a service without a con-ref of its own uses the
 * MCPTT set). @sets[i] gets the set, @services[i] the BIT(enum pcfg_service)
 * mask of what it carries. Returns the number of sets, 0 when there is none.
 */
size_t partner_config_pdn_sets(const struct partner_config *cfg,
			       const struct pcfg_connectivity *sets[PCFG_SVC_COUNT],
			       unsigned int services[PCFG_SVC_COUNT]);

/*
 * The host of a URI (RFC 3986 authority or RFC 3261 hostport): "https://h:1/p",
 * "sip:user@h;transport=tcp", "sip:[2001:db8::1]:5060" give h and 2001:db8::1.
 * Pure; 0, or -EINVAL when there is no host or it does not fit.
 */
int pcfg_uri_host(const char *uri, char *host, size_t size);

/* RFC 3339 timestamps (UTC "Z" or a numeric offset); 0 or -EINVAL. */
int cmc_xml_parse_time(const char *s, time_t *out);
void cmc_xml_format_time(time_t t, char out[32]);

const char *pcfg_source_str(enum pcfg_source s);
int pcfg_source_from_str(const char *s, enum pcfg_source *out);
const char *pcfg_selection_str(enum pcfg_selection s);

#endif
