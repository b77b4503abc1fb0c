// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uicc.c card logic against a fake struct uicc_reader_ops that plays scripted
 * APDU exchanges: every C-APDU must be exactly the expected one, in order, and
 * the script must be used up. Covers what real cards do, each test saying
 * which case: T=1 answers, T=0 61xx chains and 6Cxx, 62xx/63xx warnings with
 * data, BER lengths in long form, FF-padded and empty records, applications
 * in any EF_DIR order, refused logical channels, extended length refused (no
 * test may send one), a USIM-only card, sync failure, MAC failure, another
 * status word, card removal and reconnection, the logical channels told to
 * the caller and those a killed process left closed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "uicc.h"
#include "util.h"

/* One exchange: C-APDU expected, R-APDU answered, or a transport error. */
struct step {
	const char *c;
	const char *r;
	int err;
};

static const struct step *script;
static size_t pos;
static unsigned int n_connect, n_begin, n_end, n_disconnect;
static int connect_err;
static int begin_err;

static int fake_connect(void **priv, const struct uicc_config *cfg, uint8_t *atr, size_t *atr_len,
			char *name, size_t name_size)
{
	n_connect++;
	if (connect_err)
		return connect_err;
	*priv = &pos;
	atr[0] = 0x3b;
	atr[1] = 0x00;
	*atr_len = 2;
	util_strlcpy(name, "Fake Reader 00 00", name_size);
	return 0;
}

static int fake_transmit(void *priv, const uint8_t *capdu, size_t clen, uint8_t *rapdu,
			 size_t *rlen)
{
	const struct step *s = &script[pos];
	char got[600];
	size_t n;

	assert_ptr_equal(priv, &pos);
	assert_non_null(s->c);
	/*
	 * Every fake card refuses extended-length APDUs (many UICCs and readers
	 * do: 67 00): hal/uicc must only ever send short ones (ISO 7816-4 5.1),
	 * i.e. never Lc/Le 00 followed by more bytes, never more than 5+255+1.
	 */
	if (clen > 261 || (clen > 5 && capdu[4] == 0x00))
		fail_msg("step %zu: extended-length APDU sent", pos);
	util_hex_encode(capdu, clen, got);
	if (strcmp(got, s->c) != 0)
		fail_msg("step %zu: C-APDU %s, expected %s", pos, got, s->c);
	pos++;
	if (s->err)
		return s->err;
	assert_int_equal(util_hex_decode_var(s->r, rapdu, *rlen, &n), 0);
	*rlen = n;
	return 0;
}

static int fake_begin(void *priv)
{
	int r = begin_err;

	begin_err = 0;
	if (r)
		return r;
	n_begin++;
	return 0;
}

static void fake_end(void *priv)
{
	n_end++;
}

static void fake_disconnect(void *priv)
{
	n_disconnect++;
}

static const struct uicc_reader_ops fake_ops = {
	.name = "fake",
	.connect = fake_connect,
	.transmit = fake_transmit,
	.begin = fake_begin,
	.end = fake_end,
	.disconnect = fake_disconnect,
};

static void play(const struct step *s)
{
	script = s;
	pos = 0;
}

static void played(void)
{
	if (script[pos].c)
		fail_msg("script not used up: next step %zu expects %s", pos, script[pos].c);
}

static int reset(void **state)
{
	n_connect = n_begin = n_end = n_disconnect = 0;
	connect_err = 0;
	begin_err = 0;
	return 0;
}

#define ISIM_AID "a0000000871004ff49ff0589"
#define USIM_AID "a0000000871002ff49ff0589"
#define DIR_ISIM "61184f0c" ISIM_AID "500849534d2d4d434d49"
#define DIR_USIM "61094f07a0000000871002"
/* FCP of a linear fixed EF: records of 0x20 bytes, 2 records. */
#define FCP_LIN2     "6207820542210020029000"
#define FCP_LIN1     "6207820542210020019000"
#define FCP_BIN(len) "620882024121800200" len "9000"

#define DIR_STEPS(rec1, rec2)                                                   \
	{ "00a40004023f0000", "9000", 0 }, { "00a40004022f0000", FCP_LIN2, 0 }, \
		{ "00b2010420", rec1 "9000", 0 },                               \
	{                                                                       \
		"00b2020420", rec2 "9000", 0                                    \
	}

#define A_RAND "23553cbe9637a89d218ae64dae47bf35"
#define A_AUTN "55f328b43577b9b94a9ffac354dfafb3"
#define A_CMD      \
	"88008122" \
	"10" A_RAND "10" A_AUTN "00"
#define A_RES  "a54211d5e3ba50bf"
#define A_CK   "b40ba9a3c58b2a05bbf0d987b21bf8cb"
#define A_IK   "f769bcd751044604127672711c6d3441"
#define A_DB   "db08" A_RES "10" A_CK "10" A_IK
#define A_AUTS "451e8beca41bf8ee589d46d835c9"

static struct uicc *open_ok(const struct step *s)
{
	const struct uicc_config cfg = { .reader = "Fake", .timeout_ms = 1000 };
	struct uicc *u;

	play(s);
	assert_int_equal(uicc_open(&u, &fake_ops, &cfg), 0);
	assert_non_null(u);
	return u;
}

static void auth_a(struct uicc *u, int want_r, struct uicc_auth_result *res, uint16_t *sw)
{
	uint8_t rand[16], autn[16];

	assert_int_equal(util_hex_decode(A_RAND, rand, 16), 0);
	assert_int_equal(util_hex_decode(A_AUTN, autn, 16), 0);
	assert_int_equal(uicc_authenticate(u, rand, autn, res, sw), want_r);
}

static void assert_hex(const uint8_t *b, size_t len, const char *want)
{
	char h[64];

	util_hex_encode(b, len, h);
	assert_string_equal(h, want);
}

/*
 * A T=1 reader: every answer carries its data and status word at once (no
 * 61xx, no GET RESPONSE); the ISIM on logical channel 1.
 */
static void test_isim_logical_channel(void **state)
{
	static const struct step s[] = {
		DIR_STEPS(DIR_ISIM "ffff", DIR_USIM),
		{ "0070000001", "019000", 0 },
		{ "01a404040c" ISIM_AID "00", "9000", 0 },
		/* read_info: IMPI, DOMAIN, IMPU (2 records, 2nd empty), IST, P-CSCF */
		{ "01a40004026f0200", FCP_BIN("1c"), 0 },
		{ "01b000001c", "8019616c69636540696d732e7072696d6172792e6578616d706c65ff9000", 0 },
		{ "01a40004026f0300", FCP_BIN("15"), 0 },
		{ "01b0000015", "8013696d732e7072696d6172792e6578616d706c659000", 0 },
		{ "01a40004026f0400", FCP_LIN2, 0 },
		{ "01b2010420",
		  "801d7369703a616c69636540696d732e7072696d6172792e6578616d706c65ff9000", 0 },
		{ "01b2020420", "ffffffff9000", 0 },
		{ "01a40004026f0700", FCP_BIN("02"), 0 },
		{ "01b0000002", "01409000", 0 },
		{ "01a40004026f0900", FCP_LIN1, 0 },
		{ "01b2010420", "800a013139322e302e322e31ff9000", 0 },
		{ "01" A_CMD, A_DB "9000", 0 },
		{ "01708001", "9000", 0 },
		{ NULL, NULL, 0 },
	};
	struct uicc_info info;
	struct uicc_auth_result res;
	struct uicc *u = open_ok(s);
	uint16_t sw;

	assert_int_equal(uicc_read_info(u, &info), 0);
	assert_string_equal(info.reader, "Fake Reader 00 00");
	assert_int_equal(info.n_apps, 2);
	assert_int_equal(info.app, UICC_APP_ISIM);
	assert_true(info.logical_channel);
	assert_hex(info.aid, info.aid_len, ISIM_AID);
	assert_string_equal(info.apps[0].label, "ISM-MCMI");
	assert_string_equal(info.impi, "alice@ims.primary.example");
	assert_string_equal(info.domain, "ims.primary.example");
	assert_int_equal(info.n_impu, 1);
	assert_string_equal(info.impu[0], "sip:alice@ims.primary.example");
	assert_int_equal(info.ist_len, 2);
	assert_int_equal(info.ist[1], 0x40);
	assert_int_equal(info.n_pcscf, 1);
	assert_int_equal(info.pcscf[0].type, UICC_PCSCF_IPV4);
	assert_string_equal(info.pcscf[0].addr, "192.0.2.1");
	auth_a(u, 0, &res, &sw);
	assert_int_equal(sw, 0x9000);
	assert_int_equal(res.status, UICC_AUTH_OK);
	assert_hex(res.res, res.res_len, A_RES);
	assert_hex(res.ck, 16, A_CK);
	assert_hex(res.ik, 16, A_IK);
	uicc_auth_result_wipe(&res);
	uicc_close(u);
	played();
	/* Selected once; every sequence inside a transaction. */
	assert_int_equal(n_connect, 1);
	assert_int_equal(n_begin, n_end);
	assert_int_equal(n_disconnect, 1);
}

/* T=0: 61xx answered with GET RESPONSE, 6Cxx on READ RECORD resent with Le = SW2. */
static void test_t0_get_response_and_6c(void **state)
{
	static const struct step s[] = {
		{ "00a40004023f0000", "6122", 0 },
		{ "00c0000022", "62209000", 0 },
		{ "00a40004022f0000", "6109", 0 },
		{ "00c0000009", FCP_LIN2, 0 },
		/* 6C: the card wants Le 1a; then 61xx for the rest */
		{ "00b2010420", "6c1a", 0 },
		{ "00b201041a", DIR_ISIM "9000", 0 },
		{ "00b2020420", "ffff9000", 0 },
		{ "0070000001", "6101", 0 },
		{ "00c0000001", "029000", 0 },
		{ "02a404040c" ISIM_AID "00", "611c", 0 },
		{ "02c000001c", "9000", 0 },
		{ "02" A_CMD, "6135", 0 },
		{ "02c0000035", A_DB "9000", 0 },
		{ "02708002", "9000", 0 },
		{ NULL, NULL, 0 },
	};
	struct uicc_auth_result res;
	struct uicc *u = open_ok(s);
	uint16_t sw;

	auth_a(u, 0, &res, &sw);
	assert_int_equal(res.status, UICC_AUTH_OK);
	assert_hex(res.res, res.res_len, A_RES);
	assert_hex(res.ik, 16, A_IK);
	uicc_close(u);
	played();
}

/* MANAGE CHANNEL refused with 68 81: the basic channel; the ISIM listed second. */
static void test_channel_refused_isim_second(void **state)
{
	static const struct step s[] = {
		DIR_STEPS(DIR_USIM "ffff", DIR_ISIM),
		{ "0070000001", "6881", 0 },
		{ "00a404040c" ISIM_AID "00", "9000", 0 },
		{ "00" A_CMD, "dc0e" A_AUTS "9000", 0 },
		{ "00" A_CMD, "9862", 0 },
		{ "00" A_CMD, "6982", 0 },
		{ "00" A_CMD, "9000", 0 },
		/* another client selected the MF on the shared basic channel */
		{ "00" A_CMD, "6985", 0 },
		{ "00a404040c" ISIM_AID "00", "9000", 0 },
		{ "00" A_CMD, A_DB "9000", 0 },
		{ NULL, NULL, 0 },
	};
	struct uicc_auth_result res;
	struct uicc *u = open_ok(s);
	uint16_t sw;

	auth_a(u, 0, &res, &sw);
	assert_int_equal(res.status, UICC_AUTH_SYNC_FAILURE);
	assert_hex(res.auts, 14, A_AUTS);
	auth_a(u, 0, &res, &sw);
	assert_int_equal(res.status, UICC_AUTH_MAC_FAILURE);
	assert_int_equal(sw, 0x9862);
	auth_a(u, -EPROTO, &res, &sw);
	assert_int_equal(sw, 0x6982);
	auth_a(u, -EBADMSG, &res, &sw);
	auth_a(u, 0, &res, &sw);
	assert_int_equal(res.status, UICC_AUTH_OK);
	/* No channel to close on the basic channel. */
	uicc_close(u);
	played();
	assert_int_equal(n_connect, 1);
}

static void test_usim_only(void **state)
{
	static const struct step s[] = {
		DIR_STEPS(DIR_USIM, "ffff"),
		{ "0070000001", "019000", 0 },
		{ "01a4040407a000000087100200", "9000", 0 },
		{ "01a40004026f0700", FCP_BIN("09"), 0 },
		{ "01b0000009", "0809101000000000209000", 0 },
		{ "01a40004026fad00", FCP_BIN("04"), 0 },
		{ "01b0000004", "000000029000", 0 },
		{ "01" A_CMD, A_DB "9000", 0 },
		{ "01708001", "9000", 0 },
		{ NULL, NULL, 0 },
	};
	struct uicc_info info;
	struct uicc_auth_result res;
	struct uicc *u = open_ok(s);
	uint16_t sw;

	assert_int_equal(uicc_read_info(u, &info), 0);
	assert_int_equal(info.app, UICC_APP_USIM);
	assert_string_equal(info.imsi, "001010000000002");
	assert_string_equal(info.impi, "001010000000002@ims.mnc001.mcc001.3gppnetwork.org");
	assert_string_equal(info.domain, "ims.mnc001.mcc001.3gppnetwork.org");
	assert_int_equal(info.n_impu, 1);
	assert_string_equal(info.impu[0], "sip:001010000000002@ims.mnc001.mcc001.3gppnetwork.org");
	auth_a(u, 0, &res, &sw);
	assert_int_equal(res.status, UICC_AUTH_OK);
	uicc_close(u);
	played();
}

static void test_no_application(void **state)
{
	static const struct step s[] = {
		DIR_STEPS("61094f07a0000000631002", "ffff"),
		{ "0070000001", "019000", 0 },
		{ "01708001", "9000", 0 },
		{ NULL, NULL, 0 },
	};
	struct uicc *u;

	play(s);
	assert_int_equal(uicc_open(&u, &fake_ops, NULL), -ENOENT);
	assert_null(u);
	played();
	assert_int_equal(n_disconnect, 1);
}

static void test_card_removed_reconnects(void **state)
{
	static const struct step s[] = {
		DIR_STEPS(DIR_ISIM, "ffff"),
		{ "0070000001", "019000", 0 },
		{ "01a404040c" ISIM_AID "00", "9000", 0 },
		{ "01" A_CMD, NULL, -ENOMEDIUM },
		/* next call: connect again, select again, then the command */
		DIR_STEPS(DIR_ISIM, "ffff"),
		{ "0070000001", "019000", 0 },
		{ "01a404040c" ISIM_AID "00", "9000", 0 },
		{ "01" A_CMD, A_DB "9000", 0 },
		/* reset by another client: reconnected and retried once, at once */
		{ "01" A_CMD, NULL, -ECONNRESET },
		DIR_STEPS(DIR_ISIM, "ffff"),
		{ "0070000001", "029000", 0 },
		{ "02a404040c" ISIM_AID "00", "9000", 0 },
		{ "02" A_CMD, "9862", 0 },
		/* card swapped between calls: BEGIN fails, reconnect at once */
		DIR_STEPS(DIR_ISIM, "ffff"),
		{ "0070000001", "019000", 0 },
		{ "01a404040c" ISIM_AID "00", "9000", 0 },
		{ "01" A_CMD, A_DB "9000", 0 },
		/* then BEGIN times out: connection dropped, nothing left to close */
		{ NULL, NULL, 0 },
	};
	struct uicc_auth_result res;
	struct uicc *u = open_ok(s);
	uint16_t sw;

	auth_a(u, -ENOMEDIUM, &res, &sw);
	assert_int_equal(n_disconnect, 1);
	/* Reader gone for a moment: connect fails cleanly, no APDU sent. */
	connect_err = -ENODEV;
	auth_a(u, -ENODEV, &res, &sw);
	connect_err = 0;
	auth_a(u, 0, &res, &sw);
	assert_int_equal(res.status, UICC_AUTH_OK);
	auth_a(u, 0, &res, &sw);
	assert_int_equal(res.status, UICC_AUTH_MAC_FAILURE);
	begin_err = -ENOMEDIUM;
	auth_a(u, 0, &res, &sw);
	assert_int_equal(res.status, UICC_AUTH_OK);
	/* A transaction that timed out is not retried at once: the bound holds. */
	begin_err = -ETIMEDOUT;
	auth_a(u, -ETIMEDOUT, &res, &sw);
	assert_int_equal(n_connect, 5);
	uicc_close(u);
	played();
	assert_int_equal(n_begin, n_end);
}

static void test_bad_answers(void **state)
{
	static const struct step s[] = {
		DIR_STEPS(DIR_ISIM, "ffff"),
		{ "0070000001", "019000", 0 },
		{ "01a404040c" ISIM_AID "00", "9000", 0 },
		/* endless 61xx is cut off */
		{ "01" A_CMD, "6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		{ "01c0000001", "aa6101", 0 },
		/* an R-APDU without a status word is a transport error */
		{ "01" A_CMD, "90", 0 },
		{ NULL, NULL, 0 },
	};
	struct uicc_auth_result res;
	struct uicc *u = open_ok(s);
	uint16_t sw;

	auth_a(u, -EBADMSG, &res, &sw);
	auth_a(u, -EIO, &res, &sw);
	assert_int_equal(n_disconnect, 1);
	uicc_close(u);
	played();
}

/* Open on channel 1, then EF_IMPI and EF_DOMAIN as in test_isim_logical_channel. */
#define OPEN_CH1                                                    \
	DIR_STEPS(DIR_ISIM, "ffff"), { "0070000001", "019000", 0 }, \
	{                                                           \
		"01a404040c" ISIM_AID "00", "9000", 0               \
	}
#define IMPI_DOMAIN_STEPS                                                                       \
	{ "01a40004026f0200", FCP_BIN("1c"), 0 },                                               \
		{ "01b000001c", "8019616c69636540696d732e7072696d6172792e6578616d706c65ff9000", \
		  0 },                                                                          \
		{ "01a40004026f0300", FCP_BIN("15"), 0 },                                       \
	{                                                                                       \
		"01b0000015", "8013696d732e7072696d6172792e6578616d706c659000", 0               \
	}

/*
 * Card programmed by other tools: an IMPU record with a NUL in its URI, an
 * EF_IST whose FCP says linear fixed, an EF_P-CSCF record of unknown type 07
 * and one whose read is refused (6A 83). Each is skipped and reported with its
 * bytes; the identities and the good P-CSCF (binary IPv4, pySim) come back.
 */
static void test_optional_efs_skipped(void **state)
{
	static const struct step s[] = {
		OPEN_CH1,
		IMPI_DOMAIN_STEPS,
		{ "01a40004026f0400", FCP_LIN2, 0 },
		{ "01b2010420", "8003610062ff9000", 0 },
		{ "01b2020420",
		  "801d7369703a616c69636540696d732e7072696d6172792e6578616d706c65ff9000", 0 },
		{ "01a40004026f0700", FCP_LIN1, 0 },
		{ "01a40004026f0900", "6207820542210020039000", 0 },
		{ "01b2010420", "800507c0a80c22ff9000", 0 },
		{ "01b2020420", "6a83", 0 },
		{ "01b2030420", "800501c0a80c22ff9000", 0 },
		{ "01708001", "9000", 0 },
		{ NULL, NULL, 0 },
	};
	struct uicc_info info;
	struct uicc *u = open_ok(s);

	assert_int_equal(uicc_read_info(u, &info), 0);
	assert_null(info.failed_ef);
	assert_string_equal(info.impi, "alice@ims.primary.example");
	assert_string_equal(info.domain, "ims.primary.example");
	assert_int_equal(info.n_impu, 1);
	assert_string_equal(info.impu[0], "sip:alice@ims.primary.example");
	assert_int_equal(info.ist_len, 0);
	assert_int_equal(info.n_pcscf, 1);
	assert_int_equal(info.pcscf[0].type, UICC_PCSCF_IPV4);
	assert_string_equal(info.pcscf[0].addr, "192.168.12.34");
	assert_int_equal(info.n_warnings, 4);
	assert_string_equal(info.warnings[0].ef, "EF_IMPU");
	assert_int_equal(info.warnings[0].record, 1);
	assert_int_equal(info.warnings[0].err, -EBADMSG);
	assert_hex(info.warnings[0].raw, info.warnings[0].raw_len, "8003610062ff");
	assert_string_equal(info.warnings[1].ef, "EF_IST");
	assert_int_equal(info.warnings[1].record, 0);
	assert_int_equal(info.warnings[1].err, -EBADMSG);
	assert_hex(info.warnings[1].raw, info.warnings[1].raw_len, "620782054221002001");
	assert_string_equal(info.warnings[2].ef, "EF_P-CSCF");
	assert_int_equal(info.warnings[2].record, 1);
	assert_hex(info.warnings[2].raw, info.warnings[2].raw_len, "800507c0a80c22ff");
	assert_string_equal(info.warnings[3].ef, "EF_P-CSCF");
	assert_int_equal(info.warnings[3].record, 2);
	assert_int_equal(info.warnings[3].err, -EPROTO);
	assert_int_equal(info.warnings[3].raw_len, 0);
	uicc_close(u);
	played();
}

/* A mandatory EF that is unparseable, missing or has no usable record fails, named. */
static void test_mandatory_ef_fails(void **state)
{
	static const struct step s[] = {
		OPEN_CH1,
		/* EF_IMPI with tag 81 instead of 80 */
		{ "01a40004026f0200", FCP_BIN("04"), 0 },
		{ "01b0000004", "810161ff9000", 0 },
		/* EF_DOMAIN not found */
		{ "01a40004026f0200", FCP_BIN("1c"), 0 },
		{ "01b000001c", "8019616c69636540696d732e7072696d6172792e6578616d706c65ff9000", 0 },
		{ "01a40004026f0300", "6a82", 0 },
		/* EF_IMPU: its only record unparseable */
		IMPI_DOMAIN_STEPS,
		{ "01a40004026f0400", FCP_LIN1, 0 },
		{ "01b2010420", "8003610062ff9000", 0 },
		/* EF_IMPU: only empty records */
		IMPI_DOMAIN_STEPS,
		{ "01a40004026f0400", FCP_LIN1, 0 },
		{ "01b2010420", "ffffffff9000", 0 },
		{ "01708001", "9000", 0 },
		{ NULL, NULL, 0 },
	};
	struct uicc_info info;
	struct uicc *u = open_ok(s);

	assert_int_equal(uicc_read_info(u, &info), -EBADMSG);
	assert_string_equal(info.failed_ef, "EF_IMPI");
	assert_int_equal(uicc_read_info(u, &info), -ENOENT);
	assert_string_equal(info.failed_ef, "EF_DOMAIN");
	assert_int_equal(uicc_read_info(u, &info), -EBADMSG);
	assert_string_equal(info.failed_ef, "EF_IMPU");
	assert_int_equal(info.n_warnings, 1);
	assert_int_equal(uicc_read_info(u, &info), -ENOENT);
	assert_string_equal(info.failed_ef, "EF_IMPU");
	uicc_close(u);
	played();
}

#define IMPI_HEX   "616c69636540696d732e7072696d6172792e6578616d706c65"
#define DOMAIN_HEX "696d732e7072696d6172792e6578616d706c65"
#define IMPU_HEX   "7369703a616c69636540696d732e7072696d6172792e6578616d706c65"
#define FF8	   "ffffffffffffffff"
#define FF32	   FF8 FF8 FF8 FF8
#define FF64	   FF32 FF32

static void assert_alice(const struct uicc_info *info)
{
	assert_null(info->failed_ef);
	assert_string_equal(info->impi, "alice@ims.primary.example");
	assert_string_equal(info->domain, "ims.primary.example");
	assert_int_equal(info->n_impu, 1);
	assert_string_equal(info->impu[0], "sip:alice@ims.primary.example");
}

/*
 * BER lengths in long form (ISO 7816-4 5.2.2.2: 81 xx, 82 xx xx) in the FCP,
 * EF_DIR, transparent EFs and records; and extended length refused: EF_IMPI
 * of 272 bytes is read with two short READ BINARYs (255 + 17), never one
 * extended APDU.
 */
static void test_ber_long_form_and_short_apdus(void **state)
{
	static const struct step s[] = {
		{ "00a40004023f0000", "9000", 0 },
		{ "00a40004022f0000", "628107820542210020029000", 0 },
		{ "00b2010420", "6181184f0c" ISIM_AID "500849534d2d4d434d49ff9000", 0 },
		{ "00b2020420", "ffff9000", 0 },
		{ "0070000001", "019000", 0 },
		{ "01a404040c" ISIM_AID "00", "9000", 0 },
		{ "01a40004026f0200", "62810882024121800201109000", 0 },
		{ "01b00000ff",
		  "80820019" IMPI_HEX FF64 FF64 FF64 FF8 FF8 FF8 FF8 "ffff"
		  "9000",
		  0 },
		{ "01b000ff11", FF8 FF8 "ff9000", 0 },
		{ "01a40004026f0300", FCP_BIN("16"), 0 },
		{ "01b0000016", "808113" DOMAIN_HEX "9000", 0 },
		{ "01a40004026f0400", FCP_LIN1, 0 },
		{ "01b2010420", "80811d" IMPU_HEX "9000", 0 },
		{ "01a40004026f0700", "6a82", 0 },
		{ "01a40004026f0900", "6a82", 0 },
		{ "01708001", "9000", 0 },
		{ NULL, NULL, 0 },
	};
	struct uicc_info info;
	struct uicc *u = open_ok(s);

	assert_int_equal(uicc_read_info(u, &info), 0);
	assert_string_equal(info.apps[0].label, "ISM-MCMI");
	assert_alice(&info);
	assert_int_equal(info.n_warnings, 0);
	uicc_close(u);
	played();
}

/*
 * FF-padded and empty records, applications in any EF_DIR order: EF_DIR holds
 * an empty record, a non-3GPP application (3GPP2 CSIM RID A000000343), the
 * USIM, then the ISIM; EF_IMPU and EF_P-CSCF hold empty records (all FF, or
 * 80 00) around the real ones. The ISIM is chosen and nothing is reported.
 */
static void test_padding_and_dir_order(void **state)
{
	static const struct step s[] = {
		{ "00a40004023f0000", "9000", 0 },
		{ "00a40004022f0000", "6207820542210020049000", 0 },
		{ "00b2010420", FF32 "9000", 0 },
		{ "00b2020420", "61094f07a0000003431002" FF8 FF8 "ffffffffff9000", 0 },
		{ "00b2030420", DIR_USIM FF8 FF8 "ffffffffff9000", 0 },
		{ "00b2040420", DIR_ISIM "ffffffff9000", 0 },
		{ "0070000001", "019000", 0 },
		{ "01a404040c" ISIM_AID "00", "9000", 0 },
		IMPI_DOMAIN_STEPS,
		{ "01a40004026f0400", "6207820542210020039000", 0 },
		{ "01b2010420", FF32 "9000", 0 },
		{ "01b2020420", "801d" IMPU_HEX "ff9000", 0 },
		{ "01b2030420", "8000" FF8 FF8 FF8 "ffffffffffff9000", 0 },
		{ "01a40004026f0700", FCP_BIN("02"), 0 },
		{ "01b0000002", "01409000", 0 },
		{ "01a40004026f0900", FCP_LIN2, 0 },
		{ "01b2010420", FF32 "9000", 0 },
		{ "01b2020420", "80160070637363662e7072696d6172792e6578616d706c65ffff9000", 0 },
		{ "01708001", "9000", 0 },
		{ NULL, NULL, 0 },
	};
	struct uicc_info info;
	struct uicc *u = open_ok(s);

	assert_int_equal(uicc_read_info(u, &info), 0);
	assert_int_equal(info.n_apps, 3);
	assert_hex(info.apps[0].aid, info.apps[0].aid_len, "a0000003431002");
	assert_hex(info.apps[1].aid, info.apps[1].aid_len, "a0000000871002");
	assert_hex(info.apps[2].aid, info.apps[2].aid_len, ISIM_AID);
	assert_int_equal(info.app, UICC_APP_ISIM);
	assert_alice(&info);
	assert_int_equal(info.n_pcscf, 1);
	assert_string_equal(info.pcscf[0].addr, "pcscf.primary.example");
	assert_int_equal(info.n_warnings, 0);
	uicc_close(u);
	played();
}

/*
 * T=0 61xx chains: an answer spread over several GET RESPONSEs, each ending
 * 61xx until the last (the EF_DIR FCP, MANAGE CHANNEL, AUTHENTICATE's DB).
 */
static void test_t0_61xx_chains(void **state)
{
	static const struct step s[] = {
		{ "00a40004023f0000", "6108", 0 },
		{ "00c0000008", "620e820278216104", 0 },
		{ "00c0000004", "83023f009000", 0 },
		{ "00a40004022f0000", "6109", 0 },
		{ "00c0000009", "62078205426104", 0 },
		{ "00c0000004", "210020029000", 0 },
		{ "00b2010420", DIR_ISIM "ffffffff9000", 0 },
		{ "00b2020420", FF32 "9000", 0 },
		{ "0070000001", "6101", 0 },
		{ "00c0000001", "019000", 0 },
		{ "01a404040c" ISIM_AID "00", "9000", 0 },
		{ "01" A_CMD, "612c", 0 },
		{ "01c000002c", "db08" A_RES "6122", 0 },
		{ "01c0000022", "10" A_CK "10" A_IK "9000", 0 },
		{ "01708001", "9000", 0 },
		{ NULL, NULL, 0 },
	};
	struct uicc_auth_result res;
	struct uicc *u = open_ok(s);
	uint16_t sw;

	auth_a(u, 0, &res, &sw);
	assert_int_equal(res.status, UICC_AUTH_OK);
	assert_hex(res.res, res.res_len, A_RES);
	assert_hex(res.ck, 16, A_CK);
	assert_hex(res.ik, 16, A_IK);
	uicc_close(u);
	played();
}

/*
 * 62xx/63xx warnings with data (ISO 7816-4 5.1.3: processing completed with
 * a warning): T=1 answers "data 62 82" (end of file or record before Le) are
 * read; a T=0 case 4 SELECT ended by 62 00 without data gets GET RESPONSE
 * with Le 00, then 6Cxx, then the FCP; 6Cxx on READ BINARY; a warning with
 * nothing to fetch (63 xx, GET RESPONSE refused) stands, and the optional
 * EF_IST without an FCP is skipped with a warning.
 */
static void test_warnings_with_data(void **state)
{
	static const struct step s[] = {
		OPEN_CH1,
		{ "01a40004026f0200", "6200", 0 },
		{ "01c0000000", "6c0a", 0 },
		{ "01c000000a", FCP_BIN("1c"), 0 },
		{ "01b000001c", "8019" IMPI_HEX "6282", 0 },
		{ "01a40004026f0300", FCP_BIN("16"), 0 },
		{ "01b0000016", "6c15", 0 },
		{ "01b0000015", "8013" DOMAIN_HEX "9000", 0 },
		{ "01a40004026f0400", FCP_LIN1, 0 },
		{ "01b2010420", "801d" IMPU_HEX "6282", 0 },
		{ "01a40004026f0700", "6300", 0 },
		{ "01c0000000", "6f00", 0 },
		{ "01a40004026f0900", "6a82", 0 },
		{ "01708001", "9000", 0 },
		{ NULL, NULL, 0 },
	};
	struct uicc_info info;
	struct uicc *u = open_ok(s);

	assert_int_equal(uicc_read_info(u, &info), 0);
	assert_alice(&info);
	assert_int_equal(info.ist_len, 0);
	assert_int_equal(info.n_warnings, 1);
	assert_string_equal(info.warnings[0].ef, "EF_IST");
	assert_int_equal(info.warnings[0].err, -EBADMSG);
	uicc_close(u);
	played();
}

/*
 * A card refusing logical channels in the other ways real cards do: MANAGE
 * CHANNEL not supported at all (6D 00), and a card that opens channel 1 but
 * answers 68 81 to the SELECT on it: the channel is closed again and
 * everything runs on the basic channel.
 */
static void test_channel_refusals(void **state)
{
	static const struct step ins[] = {
		DIR_STEPS(DIR_ISIM, "ffff"),
		{ "0070000001", "6d00", 0 },
		{ "00a404040c" ISIM_AID "00", "9000", 0 },
		{ "00" A_CMD, A_DB "9000", 0 },
		{ NULL, NULL, 0 },
	};
	static const struct step sel[] = {
		DIR_STEPS(DIR_ISIM, "ffff"),
		{ "0070000001", "019000", 0 },
		{ "01a404040c" ISIM_AID "00", "6881", 0 },
		{ "01708001", "9000", 0 },
		{ "00a404040c" ISIM_AID "00", "9000", 0 },
		{ "00" A_CMD, A_DB "9000", 0 },
		{ NULL, NULL, 0 },
	};
	struct uicc_auth_result res;
	struct uicc *u;
	uint16_t sw;

	u = open_ok(ins);
	auth_a(u, 0, &res, &sw);
	assert_int_equal(res.status, UICC_AUTH_OK);
	uicc_close(u);
	played();
	u = open_ok(sel);
	auth_a(u, 0, &res, &sw);
	assert_int_equal(res.status, UICC_AUTH_OK);
	assert_hex(res.res, res.res_len, A_RES);
	uicc_close(u);
	played();
}

/* What uicc_config.channel_event told, and at which script step. */
static struct {
	unsigned int channel;
	bool open;
	size_t at;
} told[16];
static size_t n_told;

static void on_channel(void *ctx, unsigned int channel, bool open)
{
	assert_ptr_equal(ctx, &n_told);
	assert_true(n_told < 16);
	told[n_told].channel = channel;
	told[n_told].open = open;
	told[n_told++].at = pos;
}

static void assert_told(size_t i, unsigned int channel, bool open, size_t at)
{
	assert_true(i < n_told);
	assert_int_equal(told[i].channel, channel);
	assert_int_equal(told[i].open, open);
	assert_int_equal(told[i].at, at);
}

/*
 * Issue 12: the channels a killed process left (the journal's, 1..19 only)
 * are closed before ours is opened, whatever the card answers (68 81: closed
 * already by a reset); every channel opened is told before the first command
 * on it, every one closed or gone with a reset after; one whose fate a
 * transport error left unknown is closed at the next session.
 */
static void test_channels_journaled(void **state)
{
	static const struct step s[] = {
		{ "01708001", "9000", 0 },
		{ "03708003", "6881", 0 },
		DIR_STEPS(DIR_ISIM, "ffff"),
		{ "0070000001", "029000", 0 },
		/* step 7: the SELECT on channel 2, after the channel was told */
		{ "02a404040c" ISIM_AID "00", "9000", 0 },
		/* pcscd reset the card (SCARD_E_PROTO_MISMATCH): the channel went with it */
		{ "02" A_CMD, NULL, -ECONNRESET },
		DIR_STEPS(DIR_ISIM, "ffff"),
		{ "0070000001", "019000", 0 },
		{ "01a404040c" ISIM_AID "00", "9000", 0 },
		{ "01" A_CMD, A_DB "9000", 0 },
		/* a garbled exchange: channel 1 may still be open */
		{ "01" A_CMD, NULL, -EIO },
		/* next call: closed first (6A 86: not open any more is fine), then a new one */
		{ "01708001", "6a86", 0 },
		DIR_STEPS(DIR_ISIM, "ffff"),
		{ "0070000001", "019000", 0 },
		{ "01a404040c" ISIM_AID "00", "9000", 0 },
		{ "01" A_CMD, A_DB "9000", 0 },
		{ "01708001", "9000", 0 },
		{ NULL, NULL, 0 },
	};
	const struct uicc_config cfg = {
		.reader = "Fake",
		.timeout_ms = 1000,
		/* 0 (the basic channel) and 20 are not channels to close: ignored */
		.stale_channels = 1u << 0 | 1u << 1 | 1u << 3 | 1u << 20,
		.channel_event = on_channel,
		.channel_ctx = &n_told,
	};
	struct uicc_auth_result res;
	struct uicc *u;
	uint16_t sw;

	n_told = 0;
	play(s);
	assert_int_equal(uicc_open(&u, &fake_ops, &cfg), 0);
	assert_int_equal(n_told, 3);
	assert_told(0, 1, false, 1);
	assert_told(1, 3, false, 2);
	assert_told(2, 2, true, 7);
	/* Reset under the handle: reconnected, selected again, resent once. */
	auth_a(u, 0, &res, &sw);
	assert_int_equal(res.status, UICC_AUTH_OK);
	assert_int_equal(n_connect, 2);
	assert_told(3, 2, false, 9);
	assert_told(4, 1, true, 14);
	auth_a(u, -EIO, &res, &sw);
	assert_int_equal(n_told, 5);
	auth_a(u, 0, &res, &sw);
	assert_told(5, 1, false, 18);
	assert_told(6, 1, true, 23);
	uicc_close(u);
	assert_told(7, 1, false, 26);
	assert_int_equal(n_told, 8);
	played();
	assert_int_equal(n_begin, n_end);
}

static void test_strerror(void **state)
{
	assert_string_equal(uicc_strerror(-ENOMEDIUM), "no card in the reader");
	assert_string_equal(uicc_strerror(-ENOTDIR), "unexpected card error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_isim_logical_channel, reset),
		cmocka_unit_test_setup(test_t0_get_response_and_6c, reset),
		cmocka_unit_test_setup(test_channel_refused_isim_second, reset),
		cmocka_unit_test_setup(test_usim_only, reset),
		cmocka_unit_test_setup(test_no_application, reset),
		cmocka_unit_test_setup(test_card_removed_reconnects, reset),
		cmocka_unit_test_setup(test_bad_answers, reset),
		cmocka_unit_test_setup(test_optional_efs_skipped, reset),
		cmocka_unit_test_setup(test_mandatory_ef_fails, reset),
		cmocka_unit_test_setup(test_ber_long_form_and_short_apdus, reset),
		cmocka_unit_test_setup(test_padding_and_dir_order, reset),
		cmocka_unit_test_setup(test_t0_61xx_chains, reset),
		cmocka_unit_test_setup(test_warnings_with_data, reset),
		cmocka_unit_test_setup(test_channel_refusals, reset),
		cmocka_unit_test_setup(test_channels_journaled, reset),
		cmocka_unit_test_setup(test_strerror, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
