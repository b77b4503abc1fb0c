// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The migration journal's codec (agent/journal.h): a full journal against
 * its exact text, the round trip, every cut of it refused (truncation sweep),
 * any altered byte refused, states and keys of a newer daemon tolerated, and
 * each kind of bad value refused with the line named.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "journal.h"

static void full(struct journal *j)
{
	struct journal_pdn *p;

	journal_init(j);
	snprintf(j->state, sizeof(j->state), "registering");
	j->intent = JOURNAL_INTENT_MIGRATE;
	snprintf(j->partner, sizeof(j->partner), "urn:mcmig:system:partner");
	snprintf(j->trigger, sizeof(j->trigger), "manual");
	j->modem.client[0] = (struct modem_client){ 0x03, 2 };
	j->modem.client[1] = (struct modem_client){ 0x1a, 1 };
	j->modem.n_client = 2;
	j->n_pdn = 2;
	p = &j->pdn[0];
	p->id = 7;
	snprintf(p->con_ref, sizeof(p->con_ref), "mcptt");
	snprintf(p->apn, sizeof(p->apn), "mcptt.partner.example");
	p->h.client[0] = (struct modem_client){ 0x01, 5 };
	p->h.client[1] = (struct modem_client){ 0x01, 6 };
	p->h.n_client = 2;
	p->h.qmi_handle[0] = 3221225472u;
	p->h.n_qmi_handle = 1;
	p->h.mux_id = 2;
	snprintf(p->h.link, sizeof(p->h.link), "qmimux1");
	p->netdev = true;
	snprintf(p->net.ifname, sizeof(p->net.ifname), "wwan1");
	snprintf(p->net.addr4, sizeof(p->net.addr4), "198.51.100.2");
	p->net.prefix4 = 24;
	snprintf(p->net.gw4, sizeof(p->net.gw4), "198.51.100.1");
	snprintf(p->net.addr6, sizeof(p->net.addr6), "2001:db8::2");
	p->net.prefix6 = 64;
	snprintf(p->net.pcscf[0], sizeof(p->net.pcscf[0]), "198.51.100.1");
	snprintf(p->net.pcscf[1], sizeof(p->net.pcscf[1]), "2001:db8::1");
	p->net.n_pcscf = 2;
	p->net.mtu = 1400;
	p = &j->pdn[1];
	p->id = 8;
	p->h.has_mbim_session = true;
	p->h.mbim_session = 0;
	snprintf(p->h.pending_apn, sizeof(p->h.pending_apn), "mcptt.partner.example");
	snprintf(p->h.mm_bearer, sizeof(p->h.mm_bearer), "/org/freedesktop/ModemManager1/Bearer/3");
	j->reg.active = true;
	snprintf(j->reg.pcscf, sizeof(j->reg.pcscf), "198.51.100.1:5060");
	snprintf(j->reg.contact, sizeof(j->reg.contact), "<sip:alice@198.51.100.2:5060>");
	snprintf(j->reg.call_id, sizeof(j->reg.call_id), "a84b4c76e66710@198.51.100.2");
	j->reg.expires = 600;
	j->card_channels = 1u << 1 | 1u << 3;
}

static const char full_text[] = "mcmig-journal 1\n"
				"state=registering\n"
				"intent=migrate\n"
				"partner=urn:mcmig:system:partner\n"
				"trigger=manual\n"
				"modem.client=3:2\n"
				"modem.client=26:1\n"
				"pdn=7\n"
				"pdn.con-ref=mcptt\n"
				"pdn.apn=mcptt.partner.example\n"
				"pdn.client=1:5\n"
				"pdn.client=1:6\n"
				"pdn.qmi-handle=3221225472\n"
				"pdn.mux=2\n"
				"pdn.link=qmimux1\n"
				"pdn.netdev=wwan1\n"
				"pdn.addr4=198.51.100.2/24\n"
				"pdn.gw4=198.51.100.1\n"
				"pdn.addr6=2001:db8::2/64\n"
				"pdn.pcscf=198.51.100.1\n"
				"pdn.pcscf=2001:db8::1\n"
				"pdn.mtu=1400\n"
				"pdn=8\n"
				"pdn.mbim-session=0\n"
				"pdn.pending-apn=mcptt.partner.example\n"
				"pdn.bearer=/org/freedesktop/ModemManager1/Bearer/3\n"
				"reg=active\n"
				"reg.pcscf=198.51.100.1:5060\n"
				"reg.contact=<sip:alice@198.51.100.2:5060>\n"
				"reg.call-id=a84b4c76e66710@198.51.100.2\n"
				"reg.expires=600\n"
				"card.channel=1\n"
				"card.channel=3\n";

static void test_format_vector(void **state)
{
	static char buf[JOURNAL_TEXT_MAX];
	struct journal j;
	size_t len;

	full(&j);
	assert_int_equal(journal_format(&j, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, strlen(buf));
	/* The text as above, then its CRC-32 (zlib.crc32 gives the same). */
	assert_memory_equal(buf, full_text, strlen(full_text));
	assert_string_equal(buf + strlen(full_text), "end=574b3fa5\n");
	/* Too small a buffer: -ENOSPC, never a cut journal. */
	assert_int_equal(journal_format(&j, buf, len, &len), -ENOSPC);
}

static void test_round_trip(void **state)
{
	static char buf[JOURNAL_TEXT_MAX], buf2[JOURNAL_TEXT_MAX];
	struct journal j, k;
	char why[128];
	size_t len, len2;

	full(&j);
	assert_int_equal(journal_format(&j, buf, sizeof(buf), &len), 0);
	assert_int_equal(journal_parse(buf, len, &k, why, sizeof(why)), 0);
	assert_memory_equal(&j, &k, sizeof(j));
	assert_true(journal_has_handles(&k));
	assert_int_equal(journal_format(&k, buf2, sizeof(buf2), &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, buf2, len);
	/* Nothing up: no handles. */
	journal_init(&j);
	snprintf(j.state, sizeof(j.state), "idle-on-primary");
	assert_false(journal_has_handles(&j));
	assert_int_equal(journal_format(&j, buf, sizeof(buf), &len), 0);
	assert_string_equal(buf,
			    "mcmig-journal 1\nstate=idle-on-primary\nintent=none\nend=e8e6b245\n");
}

/* Every cut of a journal is refused as a whole: nothing half-read is acted on. */
static void test_truncation_sweep(void **state)
{
	static char buf[JOURNAL_TEXT_MAX];
	struct journal j;
	char why[128];
	size_t len, cut;

	full(&j);
	assert_int_equal(journal_format(&j, buf, sizeof(buf), &len), 0);
	for (cut = 0; cut < len; cut++) {
		why[0] = '\0';
		assert_int_equal(journal_parse(buf, cut, &j, why, sizeof(why)), -EBADMSG);
		assert_true(why[0] != '\0');
	}
}

/* Any single byte altered: refused (the checksum, or the magic line). */
static void test_bit_flips(void **state)
{
	static char buf[JOURNAL_TEXT_MAX];
	struct journal j;
	char why[128];
	size_t len, i;

	full(&j);
	assert_int_equal(journal_format(&j, buf, sizeof(buf), &len), 0);
	for (i = 0; i < len; i++) {
		buf[i] ^= 0x20;
		assert_int_not_equal(journal_parse(buf, len, &j, why, sizeof(why)), 0);
		buf[i] ^= 0x20;
	}
}

/* Closes @text with its checksum line, as journal_format does. */
static size_t sealed(const char *text, char *buf, size_t size)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; text[i]; i++) {
		c ^= (uint8_t)text[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	snprintf(buf, size, "%send=%08x\n", text, ~c);
	return strlen(buf);
}

/* A newer daemon's journal: a state and keys this one does not know. */
static void test_tolerant(void **state)
{
	static char buf[4096];
	struct journal j;
	char why[128];
	size_t len;

	len = sealed("mcmig-journal 1\nstate=user-authenticating\nintent=migrate\n"
		     "idms-token-expiry=1764000000\npdn=1\npdn.client=1:9\npdn.qos=5\n",
		     buf, sizeof(buf));
	assert_int_equal(journal_parse(buf, len, &j, why, sizeof(why)), 0);
	assert_string_equal(j.state, "user-authenticating");
	assert_int_equal(j.intent, JOURNAL_INTENT_MIGRATE);
	assert_int_equal(j.n_pdn, 1);
	assert_int_equal(j.pdn[0].h.n_client, 1);
	assert_int_equal(j.pdn[0].h.client[0].cid, 9);
}

static void test_bad(void **state)
{
	static const struct {
		const char *body;
		int err;
		const char *why;
	} cases[] = {
		{ "intent=later\n", -EINVAL, "line 2: intent=\"later\": bad value" },
		{ "pdn.client=1:5\n", -EINVAL, "line 2: pdn.client" },
		{ "pdn=1\npdn.client=1:0\n", -EINVAL, "line 3: pdn.client=\"1:0\"" },
		{ "pdn=1\npdn.client=1:255\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.client=256:1\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.client=1\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.mux=0\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.mux=255\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.mbim-session=256\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.bearer=Bearer/1\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.netdev=../x\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.link=../x\n", -EINVAL, "line 3: pdn.link=\"../x\": bad value" },
		{ "pdn=1\npdn.link=..\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.link=\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.link=qmimux1234567890\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.pending-apn=a b\n", -EINVAL, "pdn.pending-apn=\"a b\": bad value" },
		{ "pdn=1\npdn.pending-apn=\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.netdev=wwan1\npdn.addr4=198.51.100.2\n", -EINVAL, "pdn.addr4" },
		{ "pdn=1\npdn.netdev=wwan1\npdn.addr4=198.51.100.2/33\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.netdev=wwan1\npdn.addr4=198.51.100.256/24\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.netdev=wwan1\npdn.addr6=2001:db8::2/129\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.netdev=wwan1\npdn.gw4=-1\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.gw4=198.51.100.1\n", -EINVAL, "line 3: pdn.gw4" },
		{ "pdn=1\npdn.netdev=wwan1\npdn.mtu=65536\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.qmi-handle=4294967296\n", -EINVAL, "bad value" },
		{ "pdn=1\npdn.qmi-handle=1\npdn.qmi-handle=2\npdn.qmi-handle=3\n", -E2BIG,
		  "line 5: pdn.qmi-handle=\"3\": too many" },
		{ "pdn=1\npdn=2\npdn=3\npdn=4\n", -E2BIG, "line 5: pdn=\"4\": too many" },
		{ "reg.call-id=x\n", -EINVAL, "line 2: reg.call-id" },
		{ "reg=maybe\n", -EINVAL, "bad value" },
		/* A channel from the journal goes to MANAGE CHANNEL close: 1..19 only. */
		{ "card.channel=0\n", -EINVAL, "line 2: card.channel=\"0\": bad value" },
		{ "card.channel=20\n", -EINVAL, "bad value" },
		{ "card.channel=-1\n", -EINVAL, "bad value" },
		{ "card.channel=1x\n", -EINVAL, "bad value" },
		{ "nonsense\n", -EBADMSG, "line 2: \"nonsense\" is not key=value" },
		{ "=x\n", -EBADMSG, "is not key=value" },
	};
	static char buf[4096];
	char body[512], why[128];
	struct journal j;
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(body, sizeof(body), "mcmig-journal 1\n%s", cases[i].body);
		len = sealed(body, buf, sizeof(buf));
		why[0] = '\0';
		assert_int_equal(journal_parse(buf, len, &j, why, sizeof(why)), cases[i].err);
		if (!strstr(why, cases[i].why))
			fail_msg("case %zu: \"%s\" not in \"%s\"", i, cases[i].why, why);
	}
	/* Not a journal; a NUL inside; a checksum line that is not one. */
	assert_int_equal(journal_parse("state=idle\n", 11, &j, why, sizeof(why)), -EBADMSG);
	assert_string_equal(why, "not a journal (no \"mcmig-journal 1\" line)");
	len = sealed("mcmig-journal 1\nstate=a\0b\n", buf, sizeof(buf));
	memcpy(buf, "mcmig-journal 1\nstate=a\0b\nend=00000000\n", 39);
	assert_int_equal(journal_parse(buf, 39, &j, why, sizeof(why)), -EBADMSG);
	assert_string_equal(why, "39 bytes with a NUL byte: not a journal");
	assert_int_equal(journal_parse("mcmig-journal 1\nend=xyz\n", 24, &j, why, sizeof(why)),
			 -EBADMSG);
	assert_string_equal(why, "end line is not a checksum (3 bytes)");
	assert_int_equal(journal_parse("mcmig-journal 1\nend=0000000g\n", 29, &j, why, sizeof(why)),
			 -EBADMSG);
	assert_string_equal(why, "end line \"0000000g\" is not a checksum");
	/* A QMI modem's own clients (3 + 2 per link, 8 links) fit; one more does not. */
	strcpy(body, "mcmig-journal 1\n");
	for (i = 1; i <= MODEM_CLIENT_MAX + 1; i++)
		snprintf(body + strlen(body), sizeof(body) - strlen(body), "modem.client=1:%zu\n",
			 i);
	len = sealed(body, buf, sizeof(buf));
	assert_int_equal(journal_parse(buf, len, &j, why, sizeof(why)), -E2BIG);
	assert_string_equal(why, "line 21: modem.client=\"1:20\": too many");
	*strstr(body, "modem.client=1:20\n") = '\0';
	len = sealed(body, buf, sizeof(buf));
	assert_int_equal(journal_parse(buf, len, &j, why, sizeof(why)), 0);
	assert_int_equal(j.modem.n_client, MODEM_CLIENT_MAX);
	/* A newline inside a field cannot be written. */
	journal_init(&j);
	snprintf(j.reason, sizeof(j.reason), "two\nlines");
	assert_int_equal(journal_format(&j, buf, sizeof(buf), &len), -EINVAL);
	/* The basic channel (0) and channels past 19 cannot be written either. */
	journal_init(&j);
	j.card_channels = 1u;
	assert_int_equal(journal_format(&j, buf, sizeof(buf), &len), -EINVAL);
	j.card_channels = 1u << 20;
	assert_int_equal(journal_format(&j, buf, sizeof(buf), &len), -EINVAL);
	assert_string_equal(journal_intent_str(JOURNAL_INTENT_RETURN), "return");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_vector),	 cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncation_sweep), cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_tolerant),	 cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
