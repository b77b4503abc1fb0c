// SPDX-License-Identifier: GPL-2.0-or-later
/* The helper's answer to mcmigd (agent/cmc-result.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmc-result.h"

void cmc_result_format_line(int err, const char *reason, char *line, size_t size)
{
	const char *r = reason && reason[0] ? reason : err ? "failed" : "ok";
	size_t i, room;
	int pre;

	pre = snprintf(line, size, "%d ", err);
	if (pre < 0 || (size_t)pre + 3 > size) {
		if (size)
			line[0] = '\0';
		return;
	}
	room = size - (size_t)pre - 2;
	if (room > CMC_RESULT_REASON_MAX - 1)
		room = CMC_RESULT_REASON_MAX - 1;
	/* One line, whatever the reason held (a server's text, curl's detail). */
	for (i = 0; r[i] && i < room; i++)
		line[pre + i] = (unsigned char)r[i] < 0x20 || r[i] == 0x7f ? ' ' : r[i];
	line[pre + i] = '\n';
	line[pre + i + 1] = '\0';
}

int cmc_result_parse(const uint8_t *buf, size_t len, int *err, char *reason, size_t reason_len,
		     struct partner_config *cfg)
{
	char why[CMC_XML_ERRMSG_MAX];
	const uint8_t *nl, *sp, *p;
	long v = 0;
	size_t rlen;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	nl = memchr(buf, '\n', len < CMC_RESULT_LINE_MAX ? len : CMC_RESULT_LINE_MAX);
	if (!nl) {
		snprintf(reason, reason_len, "configuration helper: %s",
			 len ? "no result line" : "no output");
		return -EPROTO;
	}
	/* ERRNO: "0" or "-" and 1-4 digits, no leading zero. */
	p = buf;
	if (*p == '-')
		p++;
	for (sp = p; sp < nl && *sp >= '0' && *sp <= '9' && sp - p < 5; sp++)
		v = v * 10 + (*sp - '0');
	if (sp == p || sp >= nl || *sp != ' ' || (sp - p > 1 && *p == '0') ||
	    (buf[0] == '-') != (v != 0) || v > 4095) {
		snprintf(reason, reason_len, "configuration helper: bad result line");
		return -EPROTO;
	}
	rlen = (size_t)(nl - sp - 1);
	for (p = sp + 1; p < nl; p++)
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(reason, reason_len,
				 "configuration helper: control character in the reason");
			return -EPROTO;
		}
	if (rlen == 0 || rlen >= reason_len) {
		snprintf(reason, reason_len, "configuration helper: reason %s",
			 rlen ? "too long" : "empty");
		return -EPROTO;
	}
	if (v) {
		if (nl + 1 != buf + len) {
			snprintf(reason, reason_len, "configuration helper: data after a failure");
			return -EPROTO;
		}
		*err = (int)-v;
		memcpy(reason, sp + 1, rlen);
		reason[rlen] = '\0';
		return 0;
	}
	ret = cmc_xml_parse_record(nl + 1, len - (size_t)(nl + 1 - buf), cfg, why, sizeof(why));
	if (ret == 0 && cfg->source != PCFG_SOURCE_CMS) {
		snprintf(why, sizeof(why), "source %s, not the CMS", pcfg_source_str(cfg->source));
		partner_config_clear(cfg);
		ret = -EPROTO;
	}
	if (ret < 0) {
		snprintf(reason, reason_len, "configuration helper: bad record: %s", why);
		return -EPROTO;
	}
	*err = 0;
	memcpy(reason, sp + 1, rlen);
	reason[rlen] = '\0';
	return 0;
}
