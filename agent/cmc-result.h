/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What mcmig-cmc (agent/cmc-helper.c) tells mcmigd (agent/cmc-proc.c) on its
 * standard output: one line "ERRNO REASON\n" (ERRNO 0 or -1..-4095, the
 * cmc_done_cb error; REASON printable, "ok" on success), then on success the
 * partner's record (cmc_xml_build_record(), the store's format). Pure: no
 * I/O.
 */
#ifndef MCMIG_CMC_RESULT_H
#define MCMIG_CMC_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "cmc-xml.h"

#define CMC_RESULT_REASON_MAX (CMC_XML_ERRMSG_MAX + 64) /* agent/cmc.c's reasons */
#define CMC_RESULT_LINE_MAX   (CMC_RESULT_REASON_MAX + 16)

/* The line for @err and @reason (NULL: "ok"); control characters become spaces. */
void cmc_result_format_line(int err, const char *reason, char *line, size_t size);

/*
 * Parses the helper's output @buf: 0 with *@err and @reason as the helper
 * said, and when *@err is 0 @cfg filled from the record (its source must be
 * the CMS; partner_config_clear() it). -EPROTO when the output is none of
 * that, with @reason saying what was received and why it was refused; @cfg
 * is then cleared.
 */
int cmc_result_parse(const uint8_t *buf, size_t len, int *err, char *reason, size_t reason_len,
		     struct partner_config *cfg);

#endif
