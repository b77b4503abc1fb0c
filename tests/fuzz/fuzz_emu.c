/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bench modem emulators' codecs: what libqmi, libmbim and ModemManager
 * (and so the product's backends) send to qmi-emu, mbim-emu and at-emu. An
 * emulator that crashes on a client's bytes would fail a test for the wrong
 * reason. A parsed MBIM command builds back to the same bytes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "at-codec.h"
#include "emu-common.h"
#include "fuzz.h"
#include "mbim-codec.h"
#include "qmi-codec.h"

static void qmi(const uint8_t *data, size_t size)
{
	struct qmi_tlv_iter it;
	struct qmi_msg m;
	const uint8_t *val;
	uint16_t len, status, error;
	size_t frame;
	uint8_t type;
	char s[64];
	int ret;

	if (qmi_frame_len(data, size, &frame) == 0)
		fuzz_require(frame > 0, "qmi: a frame has a length");
	if (qmi_msg_parse(data, size, &m))
		return;
	fuzz_require(m.tlvs >= data && m.tlvs_len <= size &&
			     (size_t)(m.tlvs - data) <= size - m.tlvs_len,
		     "qmi: TLVs inside the frame");
	qmi_tlv_iter_init(&it, m.tlvs, m.tlvs_len);
	while ((ret = qmi_tlv_next(&it, &type, &val, &len)) == 1)
		fuzz_require(val >= m.tlvs && (size_t)(val - m.tlvs) + len <= m.tlvs_len,
			     "qmi: TLV value inside the block");
	fuzz_require(ret == 0 || ret == -EBADMSG, "qmi: TLV walk ends or fails");
	qmi_msg_result(&m, &status, &error);
	qmi_tlv_str(&m, 0x01, s, sizeof(s));
}

static void mbim(const uint8_t *data, size_t size)
{
	struct mbim_cmd c;
	uint8_t *out;
	ssize_t n;

	if (mbim_cmd_parse(data, size, &c))
		return;
	out = malloc(size);
	if (!out)
		abort();
	n = mbim_cmd_build(out, size, c.type, c.tid, c.uuid, c.cid, c.type_or_status, c.ib,
			   c.ib_len);
	fuzz_require(n == (ssize_t)size && memcmp(out, data, size) == 0,
		     "mbim: parse -> build gives the same bytes");
	free(out);
}

static void at(const uint8_t *data, size_t size)
{
	char line[AT_LINE_MAX];
	struct at_cmd cmd;
	int n;

	while ((n = at_next_line(data, size, line)) > 0) {
		fuzz_require((size_t)n <= size, "at: consumed inside the buffer");
		fuzz_require(strlen(line) < AT_LINE_MAX, "at: line terminated");
		if (at_parse(line, &cmd) == 0)
			fuzz_require(cmd.n_args <= AT_ARGS_MAX, "at: arguments fit");
		data += n;
		size -= (size_t)n;
	}
	fuzz_require(n == 0 || n == -E2BIG, "at: 0 or -E2BIG at the end");
}

static void scenario_values(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	struct in6_addr a6;
	struct in_addr a4;
	unsigned int prefix;
	uint32_t v;

	if (emu_parse_u32(s, 1000, &v) == 0)
		fuzz_require(v <= 1000, "emu: u32 within the bound");
	if (emu_parse_prefixed(s, AF_INET, &a4, &prefix) == 0)
		fuzz_require(prefix <= 32, "emu: IPv4 prefix <= 32");
	if (emu_parse_prefixed(s, AF_INET6, &a6, &prefix) == 0)
		fuzz_require(prefix <= 128, "emu: IPv6 prefix <= 128");
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	qmi(data, size);
	mbim(data, size);
	at(data, size);
	scenario_values(data, size);
	return 0;
}
