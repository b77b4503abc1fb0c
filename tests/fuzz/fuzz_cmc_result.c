/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agent/cmc-result.c: what mcmigd reads from its helper mcmig-cmc. Whatever
 * is accepted says an error in -4095..0 with a one-line reason, and on
 * success a record from the CMS; formatting that again and parsing it gives
 * the same. Any bytes as a reason make a line that parses back.
 */
#include <errno.h>
#include <string.h>

#include "cmc-result.h"
#include "fuzz.h"

static void printable(const char *s, const char *what)
{
	for (; *s; s++)
		fuzz_require((unsigned char)*s >= 0x20 && *s != 0x7f, what);
}

static void parse(const uint8_t *data, size_t size)
{
	char reason[CMC_RESULT_REASON_MAX], reason2[CMC_RESULT_REASON_MAX];
	char line[CMC_RESULT_LINE_MAX];
	struct partner_config cfg, cfg2;
	int err = 1, err2 = 1;

	if (cmc_result_parse(data, size, &err, reason, sizeof(reason), &cfg) < 0) {
		fuzz_require(err == 1, "a refused output set no error");
		fuzz_require(cfg.n_conn == 0 && !cfg.doc, "a refused output left a configuration");
		return;
	}
	fuzz_require(err <= 0 && err >= -4095, "error in -4095..0");
	fuzz_require(reason[0] != '\0', "a reason");
	printable(reason, "the reason is one printable line");
	fuzz_require(err < 0 || cfg.source == PCFG_SOURCE_CMS, "a success is the CMS's record");
	if (err < 0) {
		cmc_result_format_line(err, reason, line, sizeof(line));
		fuzz_require(cmc_result_parse((const uint8_t *)line, strlen(line), &err2, reason2,
					      sizeof(reason2), &cfg2) == 0,
			     "a failure formats into a line that parses");
		fuzz_require(err2 == err && strcmp(reason, reason2) == 0,
			     "a failure survives format -> parse");
	}
	partner_config_clear(&cfg);
}

static void format(const uint8_t *data, size_t size)
{
	char reason[CMC_RESULT_REASON_MAX], line[CMC_RESULT_LINE_MAX];
	struct partner_config cfg;
	char *s;
	int err, err2 = 1;

	if (size < 2)
		return;
	err = -(1 + ((data[0] << 8 | data[1]) % 4095));
	s = fuzz_strndup(data + 2, size - 2);
	cmc_result_format_line(err, s, line, sizeof(line));
	free(s);
	fuzz_require(cmc_result_parse((const uint8_t *)line, strlen(line), &err2, reason,
				      sizeof(reason), &cfg) == 0,
		     "any reason formats into a line that parses");
	fuzz_require(err2 == err, "the error survives format -> parse");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse(data, size);
	format(data, size);
	return 0;
}
