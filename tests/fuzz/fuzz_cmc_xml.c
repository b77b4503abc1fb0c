/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agent/cmc-xml.c: the CMS's <partner-connection> answer, an MC service user
 * profile, the <error> answer and the partner store's record (what
 * agent/store.c reads back from disk). Every accepted configuration must
 * survive store record build -> parse -> build unchanged: the store writes
 * what it was given and reads back the same partner. The partner ID names
 * the record's file: that name must stay one plain file in the store's
 * directory and decode back to the ID (store_record_name() is reversible).
 */
#include <errno.h>
#include <string.h>

#include "cmc-xml.h"
#include "fuzz.h"
#include "store.h"

static bool same_config(const struct partner_config *a, const struct partner_config *b)
{
	size_t i;

	if (strcmp(a->partner_id, b->partner_id) || a->selection != b->selection ||
	    a->valid_until != b->valid_until || strcmp(a->impi, b->impi) ||
	    a->n_impu != b->n_impu || strcmp(a->home_domain, b->home_domain) ||
	    a->n_pcscf != b->n_pcscf || a->n_conn != b->n_conn ||
	    memcmp(a->con_ref, b->con_ref, sizeof(a->con_ref)) || a->source != b->source ||
	    a->ue_config_len != b->ue_config_len)
		return false;
	for (i = 0; i < a->n_impu; i++)
		if (strcmp(a->impu[i], b->impu[i]))
			return false;
	for (i = 0; i < a->n_pcscf; i++)
		if (strcmp(a->pcscf[i].uri, b->pcscf[i].uri) ||
		    a->pcscf[i].transport != b->pcscf[i].transport)
			return false;
	if (a->n_server != b->n_server)
		return false;
	for (i = 0; i < a->n_server; i++)
		if (strcmp(a->server[i].host, b->server[i].host) ||
		    a->server[i].service != b->server[i].service)
			return false;
	for (i = 0; i < a->n_conn; i++)
		if (strcmp(a->conn[i].con_ref, b->conn[i].con_ref) ||
		    memcmp(&a->conn[i].pdn, &b->conn[i].pdn, sizeof(a->conn[i].pdn)))
			return false;
	return a->ue_config_len == 0 || memcmp(a->ue_config, b->ue_config, a->ue_config_len) == 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void check_record_name(const char *partner_id)
{
	char name[256], id[PCFG_STR_MAX];
	size_t i, o = 0, n;
	int ret;

	ret = store_record_name(partner_id, name, sizeof(name));
	if (ret) {
		fuzz_require(ret == -ENAMETOOLONG, "record name: only too long");
		return;
	}
	n = strlen(name);
	fuzz_require(n > 4 && strcmp(name + n - 4, ".xml") == 0 && name[0] != '.',
		     "record name: <name>.xml, not hidden");
	for (i = 0; i < n - 4; i++) {
		char c = name[i];

		fuzz_require(c != '/' && c != '.', "record name: no path, no dot");
		if (c != '_') {
			id[o++] = c;
			continue;
		}
		fuzz_require(i + 2 < n - 4 && hex_value(name[i + 1]) >= 0 &&
				     hex_value(name[i + 2]) >= 0,
			     "record name: _ and two hex digits");
		id[o++] = (char)(hex_value(name[i + 1]) << 4 | hex_value(name[i + 2]));
		i += 2;
	}
	id[o] = '\0';
	fuzz_require(strcmp(id, partner_id) == 0, "record name: decodes to the partner ID");
}

static void check_config(const struct partner_config *cfg)
{
	const struct pcfg_connectivity *sets[PCFG_SVC_COUNT];
	unsigned int services[PCFG_SVC_COUNT], all;
	size_t i, n;

	fuzz_require(cfg->partner_id[0] && fuzz_terminated(cfg->partner_id, PCFG_STR_MAX),
		     "partner id set and terminated");
	fuzz_require(cfg->n_impu <= PCFG_IMPU_MAX && cfg->n_pcscf <= PCFG_PCSCF_MAX &&
			     cfg->n_conn <= PCFG_CONN_MAX,
		     "counts within the arrays");
	fuzz_require(cfg->n_conn > 0, "a connectivity set");
	for (i = 0; i < cfg->n_conn; i++)
		fuzz_require(fuzz_terminated(cfg->conn[i].con_ref, PCFG_CONREF_MAX),
			     "con-ref terminated");
	fuzz_require(partner_config_mcptt_conn(cfg) != NULL, "an MCPTT connectivity set");
	/* One PDN per distinct set, MCPTT's first, each service carried by exactly one. */
	n = partner_config_pdn_sets(cfg, sets, services);
	fuzz_require(n >= 1 && n <= PCFG_SVC_COUNT && sets[0] == partner_config_mcptt_conn(cfg),
		     "the PDN sets: MCPTT's first");
	for (i = 0, all = 0; i < n; i++) {
		fuzz_require(!(all & services[i]) && services[i], "each service on one PDN");
		all |= services[i];
	}
	fuzz_require(all == (1u << PCFG_SVC_COUNT) - 1, "every service on a PDN");
	fuzz_require(cfg->n_server <= PCFG_SERVER_MAX, "servers within the array");
	for (i = 0; i < cfg->n_server; i++)
		fuzz_require(cfg->server[i].host[0] &&
				     fuzz_terminated(cfg->server[i].host, PCFG_STR_MAX),
			     "server host set and terminated");
	check_record_name(cfg->partner_id);
	fuzz_require(cfg->doc && cfg->doc_len, "the element kept as a document");
}

/* Store record round trip: build(parse(build(cfg))) == build(cfg). */
static void round_trip(const struct partner_config *cfg)
{
	struct partner_config back;
	uint8_t *rec, *rec2;
	size_t len, len2;
	char err[CMC_XML_ERRMSG_MAX];

	fuzz_require(cmc_xml_build_record(cfg, &rec, &len) == 0, "record built");
	if (cmc_xml_parse_record(rec, len, &back, err, sizeof(err))) {
		fprintf(stderr, "fuzz: own record refused: %s\n", err);
		abort();
	}
	fuzz_require(same_config(cfg, &back), "record reads back the same configuration");
	fuzz_require(cmc_xml_build_record(&back, &rec2, &len2) == 0, "record rebuilt");
	fuzz_require(len == len2 && memcmp(rec, rec2, len) == 0, "record stable");
	free(rec2);
	free(rec);
	partner_config_clear(&back);
}

static void answer(const uint8_t *data, size_t size, enum pcfg_source source)
{
	struct partner_config cfg;
	char err[CMC_XML_ERRMSG_MAX] = "";
	int ret;

	ret = cmc_xml_parse_answer(data, size, source, &cfg, err, sizeof(err));
	if (ret < 0) {
		fuzz_require(ret == -EMSGSIZE || ret == -EBADMSG || ret == -ENOMSG ||
				     ret == -EINVAL || ret == -ENOMEM,
			     "answer: documented error");
		fuzz_require(err[0] != '\0', "answer: refusal explained");
		return;
	}
	fuzz_require(ret == 0, "answer: 0 on success");
	check_config(&cfg);
	round_trip(&cfg);
	partner_config_clear(&cfg);
}

static void profile(const uint8_t *data, size_t size)
{
	static struct partner_config cfgs[PCFG_PROFILE_MAX];
	char err[CMC_XML_ERRMSG_MAX];
	size_t n, i;

	if (cmc_xml_parse_profile(data, size, PCFG_SOURCE_PROFILE, cfgs, PCFG_PROFILE_MAX, &n, err,
				  sizeof(err))) {
		fuzz_require(n == 0, "profile: nothing kept on error");
		return;
	}
	fuzz_require(n > 0 && n <= PCFG_PROFILE_MAX, "profile: 1..max entries");
	for (i = 0; i < n; i++) {
		check_config(&cfgs[i]);
		partner_config_clear(&cfgs[i]);
	}
}

static void record(const uint8_t *data, size_t size)
{
	struct partner_config cfg;
	char err[CMC_XML_ERRMSG_MAX];

	if (cmc_xml_parse_record(data, size, &cfg, err, sizeof(err)))
		return;
	check_config(&cfg);
	round_trip(&cfg);
	partner_config_clear(&cfg);
}

static void error_doc(const uint8_t *data, size_t size)
{
	char code[CMC_XML_CODE_MAX], text[CMC_XML_ERRMSG_MAX];

	if (cmc_xml_parse_error(data, size, code, text, sizeof(text)))
		return;
	fuzz_require(fuzz_terminated(code, sizeof(code)) && fuzz_terminated(text, sizeof(text)),
		     "error: terminated strings");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	answer(data, size, PCFG_SOURCE_CMS);
	answer(data, size, PCFG_SOURCE_STATIC);
	profile(data, size);
	record(data, size);
	error_doc(data, size);
	return 0;
}
