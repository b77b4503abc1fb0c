/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/bench/sipdb/sdb.c: the SIP DB's configuration and its state file
 * (SQNs and migration bindings, rewritten on every change and read back at
 * start). The same bytes go to both parsers; state is applied on top of a
 * fixed primary and a fixed partner configuration, and what is accepted must
 * format to a state that reads back to the same text.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "sdb.h"

static const char *const confs[] = {
	"role primary\nidentity hss.primary.example\nrealm primary.example\n"
	"listen 127.0.0.1\nstate /run/x/primary.state\n"
	"pool sequential mig- ims.primary.example 7 2\n"
	"subscriber alice@ims.primary.example sip:alice@ims.primary.example "
	"k=465b5ce8b199b49faa5f0a2ee238a6bc opc=cd63cb71954a9f4e48a5994e37a02baf "
	"amf=8000 sqn=41\n",
	"role partner\nidentity hss.partner.example\nrealm partner.example\n"
	"listen 127.0.0.1\nstate /run/x/partner.state\n"
	"primary hss.primary.example primary.example\npool random in- ims.partner.example\n",
};

static void state(const uint8_t *data, size_t size, const char *conf)
{
	struct sdb db, db2;
	char err[256] = "", *text, *text2;
	size_t len, len2;
	int ret;

	if (sdb_conf_parse(&db, conf, strlen(conf), err, sizeof(err))) {
		fprintf(stderr, "fuzz: fixed configuration refused: %s\n", err);
		abort();
	}
	ret = sdb_state_parse(&db, (const char *)data, size, err, sizeof(err));
	if (ret) {
		fuzz_require(ret == -EINVAL || ret == -ENOMEM, "state: documented error");
		fuzz_require(err[0] != '\0', "state: refusal explained");
		sdb_free(&db);
		return;
	}
	fuzz_require(sdb_state_format(&db, &text, &len) == 0, "state: formatted");
	if (sdb_conf_parse(&db2, conf, strlen(conf), err, sizeof(err)) ||
	    sdb_state_parse(&db2, text, len, err, sizeof(err))) {
		fprintf(stderr, "fuzz: own state refused: %s\n%s", err, text);
		abort();
	}
	fuzz_require(sdb_state_format(&db2, &text2, &len2) == 0, "state: formatted again");
	fuzz_require(len == len2 && memcmp(text, text2, len) == 0, "state: round trip");
	free(text2);
	free(text);
	sdb_free(&db2);
	sdb_free(&db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdb db;
	char err[256] = "";
	size_t i;
	int ret;

	ret = sdb_conf_parse(&db, (const char *)data, size, err, sizeof(err));
	if (ret) {
		fuzz_require(ret == -EINVAL || ret == -ENOMEM, "conf: documented error");
		fuzz_require(err[0] != '\0', "conf: refusal explained");
	} else {
		fuzz_require(db.nlisten > 0 && db.state_file[0] == '/', "conf: listen and state");
		sdb_free(&db);
	}
	for (i = 0; i < sizeof(confs) / sizeof(confs[0]); i++)
		state(data, size, confs[i]);
	return 0;
}
