// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "board.h"
#include "netdev.h"

static const char good[] = "# comment\n"
			   "[board]\n"
			   "name = Test board\n"
			   "compatible=vendor,board-a; vendor,soc ;\n"
			   "\n"
			   "[modem]\n"
			   "backend=mbim\n"
			   "device=/dev/cdc-wdm0\r\n"
			   "timeout-ms=1500\n"
			   "[netdev]\n"
			   "primary=wwan0\n"
			   "partner=wwan0.1\n"
			   "[uicc]\n"
			   "backend=pcsc\n"
			   "reader=Virtual PCD";

static void test_parse_good(void **state)
{
	char err[BOARD_ERR_MAX];
	struct board b;
	struct modem_config cfg;

	assert_int_equal(board_parse(good, strlen(good), &b, err, sizeof(err)), 0);
	assert_string_equal(b.name, "Test board");
	assert_int_equal(b.n_compatible, 2);
	assert_string_equal(b.compatible[0], "vendor,board-a");
	assert_string_equal(b.compatible[1], "vendor,soc");
	assert_false(b.fallback);
	assert_string_equal(b.modem_backend, "mbim");
	assert_string_equal(b.modem_device, "/dev/cdc-wdm0");
	assert_int_equal(b.modem_timeout_ms, 1500);
	assert_string_equal(b.netdev_partner, "wwan0.1");
	assert_string_equal(b.uicc_reader, "Virtual PCD");
	board_modem_config(&b, &cfg);
	assert_string_equal(cfg.backend, "mbim");
	assert_string_equal(cfg.netdev, "wwan0");
	assert_null(cfg.proxy);
	assert_null(cfg.bus);
	/* No mux data: one unmultiplexed port, no primary on it. */
	assert_int_equal(cfg.mux_id, 0);
	assert_false(cfg.shared);
}

/* A multiplexed QMI board: the partner's mux id, and the primary beside it. */
static void test_parse_mux(void **state)
{
	static const char mux[] = "[board]\nname=m\n[modem]\nbackend=qmi\ndevice=/dev/x\n"
				  "[netdev]\nprimary=qmimux0\npartner=qmimux1\n"
				  "primary-mux-id=1\npartner-mux-id=254\n[uicc]\nbackend=pcsc\n"
				  "[modem]\ndata-interface=4\n";
	char err[BOARD_ERR_MAX];
	struct modem_config cfg;
	struct board b;

	assert_int_equal(board_parse(mux, strlen(mux), &b, err, sizeof(err)), 0);
	assert_int_equal(b.netdev_primary_mux_id, 1);
	assert_int_equal(b.netdev_partner_mux_id, 254);
	board_modem_config(&b, &cfg);
	assert_int_equal(cfg.mux_id, 254);
	assert_true(cfg.shared);
	assert_int_equal(cfg.data_iface, 4);
}

/* The partner's mux link: made by qmi_wwan or rmnet on a parent, or already there. */
static void test_parse_link(void **state)
{
	static const char head[] = "[board]\nname=m\n[modem]\nbackend=qmi\ndevice=/dev/x\n"
				   "[uicc]\nbackend=pcsc\n[netdev]\nprimary=qmimux0\n"
				   "partner=qmimux1\n";
	static const struct {
		const char *tail;
		int ret;
		enum netdev_link_kind kind;
		const char *msg;
	} rows[] = {
		{ "", 0, NETDEV_LINK_EXISTING, "" },
		{ "partner-link=existing\n", 0, NETDEV_LINK_EXISTING, "" },
		{ "partner-link=qmi_wwan\nparent=wwan0\npartner-mux-id=2\n", 0,
		  NETDEV_LINK_QMI_WWAN, "" },
		{ "partner-link=rmnet\nparent=wwan0\npartner-mux-id=2\n", 0, NETDEV_LINK_RMNET,
		  "" },
		{ "partner-link=qmi_wwan\npartner-mux-id=2\n", -EINVAL, 0,
		  "[netdev] partner-link=qmi_wwan needs parent and partner-mux-id" },
		{ "partner-link=rmnet\nparent=wwan0\n", -EINVAL, 0,
		  "[netdev] partner-link=rmnet needs parent and partner-mux-id" },
		{ "partner-link=vlan\n", -EINVAL, 0,
		  "line 11: [netdev] partner-link: 'vlan' is not a link kind (existing, qmi_wwan, "
		  "rmnet)" },
	};
	char buf[512], err[BOARD_ERR_MAX];
	struct netdev_link l;
	struct board b;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s", head, rows[i].tail);
		assert_int_equal(board_parse(buf, strlen(buf), &b, err, sizeof(err)), rows[i].ret);
		assert_string_equal(err, rows[i].msg);
		if (rows[i].ret)
			continue;
		assert_int_equal(board_link(&b, &l), rows[i].kind != NETDEV_LINK_EXISTING);
		assert_int_equal(l.kind, rows[i].kind);
		if (l.kind == NETDEV_LINK_EXISTING)
			continue;
		assert_string_equal(l.parent, "wwan0");
		assert_string_equal(l.name, "qmimux1");
		assert_int_equal(l.mux_id, 2);
	}
}

/*
 * One partner netdev per partner PDN (TS 24.484 con-refs naming several
 * connectivity sets): a comma-separated list of at most 3 interface names.
 */
static void test_partner_list(void **state)
{
	static const char *const bad[] = {
		"", "a,,b", "a,", ",a", "a,b,c,d", "sixteen-bytes-xx", "a,sixteen-bytes-xx"
	};
	char buf[512], err[BOARD_ERR_MAX];
	struct board b;
	size_t i;

	snprintf(buf, sizeof(buf),
		 "[board]\nname=x\n[modem]\nbackend=qmi\ndevice=/dev/x\n"
		 "[netdev]\nprimary=qmimux0\npartner=qmimux1,qmimux2,qmimux3\n"
		 "primary-mux-id=1\npartner-mux-id=2\n[uicc]\nbackend=pcsc\n");
	assert_int_equal(board_parse(buf, strlen(buf), &b, err, sizeof(err)), 0);
	assert_string_equal(b.netdev_partner, "qmimux1,qmimux2,qmimux3");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf),
			 "[board]\nname=x\n[modem]\nbackend=qmi\ndevice=/dev/x\n"
			 "[netdev]\nprimary=a\npartner=%s\n[uicc]\nbackend=pcsc\n",
			 bad[i]);
		assert_int_equal(board_parse(buf, strlen(buf), &b, err, sizeof(err)), -EINVAL);
		print_message("%s\n", err);
		assert_non_null(strstr(err, "[netdev] partner"));
	}
}

#define X32 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

/* Each malformed file is refused with a message naming its line and key. */
static void test_parse_malformed(void **state)
{
	static const char head[] = "[board]\nname=x\n[modem]\nbackend=qmi\ndevice=/dev/x\n"
				   "[netdev]\nprimary=a\npartner=b\n[uicc]\nbackend=pcsc\n";
	static const struct {
		const char *tail, *msg;
	} cases[] = {
		{ "[radio]\n", "line 11: unknown group [radio]" },
		{ "[uicc\n", "line 11: malformed group header '[uicc'" },
		{ "reader\n", "line 11: expected key=value, got 'reader'" },
		{ "colour=red\n", "line 11: unknown key 'colour' in [uicc]" },
		{ "backend=pcsc\n", "line 11: [uicc] backend given twice" },
		{ "[modem]\nproxy=p\nproxy=q\n", "line 13: [modem] proxy given twice" },
		{ "[modem]\ntimeout-ms=soon\n",
		  "line 12: [modem] timeout-ms: 'soon' is not a number" },
		{ "[modem]\ntimeout-ms=-1\n", "line 12: [modem] timeout-ms: '-1' is not a number" },
		{ "[modem]\ntimeout-ms=600001\n",
		  "line 12: [modem] timeout-ms: '600001' is not a number of ms (0-600000)" },
		{ "[modem]\ndata-interface=256\n",
		  "line 12: [modem] data-interface: '256' is not a USB interface number (1-255)" },
		{ "[netdev]\npartner-mux-id=0\n",
		  "line 12: [netdev] partner-mux-id: '0' is not a mux id (1-254)" },
		{ "[netdev]\nprimary-mux-id=255\n",
		  "line 12: [netdev] primary-mux-id: '255' is not a mux id (1-254)" },
		{ "[board]\nfallback=yes\n",
		  "line 12: [board] fallback: 'yes' is not true or false" },
		{ "[board]\ncompatible=a;b;c;d;e;f;g;h;i\n",
		  "line 12: [board] compatible: more than 8" },
		{ "[modem]\nproxy=" X32 X32 X32 X32 "\n", "line 12: [modem] proxy: value longer" },
	};
	char buf[1024], err[BOARD_ERR_MAX];
	struct board b;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s", head, cases[i].tail);
		assert_int_equal(board_parse(buf, strlen(buf), &b, err, sizeof(err)), -EINVAL);
		print_message("%s\n", err);
		assert_non_null(strstr(err, cases[i].msg));
	}
	assert_int_equal(board_parse(head, strlen(head), &b, err, sizeof(err)), 0);
	/* Backend values and a key before any group. */
	snprintf(buf, sizeof(buf), "name=x\n%s", head);
	assert_int_equal(board_parse(buf, strlen(buf), &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 1: key 'name' before any [group]");
	snprintf(buf, sizeof(buf), "%s", head);
	memcpy(strstr(buf, "qmi"), "at ", 3);
	assert_int_equal(board_parse(buf, strlen(buf), &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 4: [modem] backend: 'at' is not a known backend");
	/* Missing required keys are named. */
	assert_int_equal(board_parse("[board]\nname=x\n", 15, &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "missing key [modem] backend");
	/* A NUL byte and an over-long line. */
	memcpy(buf, "[board]\nna\0e=x\n", 15);
	assert_int_equal(board_parse(buf, 15, &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 2: NUL byte");
	memset(buf, 'a', 600);
	assert_int_equal(board_parse(buf, 600, &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 1: longer than 511 bytes");
}

static struct board boards[3];

static void parse_into(struct board *b, const char *text)
{
	char err[BOARD_ERR_MAX];

	assert_int_equal(board_parse(text, strlen(text), b, err, sizeof(err)), 0);
}

#define TAIL \
	"[modem]\nbackend=mm\ndevice=any\n[netdev]\nprimary=a\npartner=b\n[uicc]\nbackend=pcsc\n"

static void test_match(void **state)
{
	static const char rpi[] = "raspberrypi,4-model-b\0brcm,bcm2711";
	static const char soc_only[] = "vendor,unknown\0brcm,bcm2711";
	static const char other[] = "acme,box\0acme,soc";

	parse_into(&boards[0], "[board]\nname=g\nfallback=true\n" TAIL);
	parse_into(&boards[1], "[board]\nname=soc\ncompatible=brcm,bcm2711\n" TAIL);
	parse_into(&boards[2], "[board]\nname=rpi\ncompatible=raspberrypi,4-model-b\n" TAIL);
	/* The most specific devicetree entry wins, whatever the board order. */
	assert_int_equal(board_match(boards, 3, rpi, sizeof(rpi)), 2);
	assert_int_equal(board_match(boards, 3, soc_only, sizeof(soc_only)), 1);
	assert_int_equal(board_match(boards, 3, other, sizeof(other)), 0);
	assert_int_equal(board_match(boards + 1, 2, other, sizeof(other)), -ENOENT);
	/* Without the final NUL, and a prefix is not a match. */
	assert_int_equal(board_match(boards, 3, rpi, sizeof(rpi) - 1), 2);
	assert_int_equal(board_match(boards + 1, 2, "brcm,bcm27", 10), -ENOENT);
	assert_int_equal(board_match(boards, 3, "", 0), 0);
}

/* The shipped board files, chosen through an injected devicetree. */
static void test_select_shipped(void **state)
{
	static const char imx[] = "fsl,imx8mm-evk\0fsl,imx8mm\0";
	char dt[] = "/tmp/mcmig-dt-XXXXXX", err[BOARD_ERR_MAX];
	struct board b;
	int fd = mkstemp(dt);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, imx, sizeof(imx) - 1), sizeof(imx) - 1);
	close(fd);
	assert_int_equal(board_select("boards", NULL, dt, &b, err, sizeof(err)), 0);
	assert_string_equal(b.id, "imx8mm-evk-em7455");
	assert_string_equal(b.modem_backend, "mbim");
	unlink(dt);
	assert_int_equal(board_select("boards", NULL, dt, &b, err, sizeof(err)), 0);
	assert_string_equal(b.id, "generic-mm");
	assert_string_equal(b.modem_backend, "mm");
	assert_string_equal(b.modem_bus, "system");
	assert_int_equal(board_select("boards", "bench", dt, &b, err, sizeof(err)), 0);
	assert_string_equal(b.netdev_primary, "wwan0");
	assert_string_equal(b.netdev_partner, "wwan1");
	assert_string_equal(b.uicc_reader, "Virtual PCD");
	/* The bench's emulated modem carries the primary on mux 1 as the Pi's does. */
	assert_int_equal(b.netdev_primary_mux_id, 1);
	assert_int_equal(b.netdev_partner_mux_id, 2);
	assert_int_equal(board_select("boards", "raspberrypi-4-ec25", dt, &b, err, sizeof(err)), 0);
	assert_string_equal(b.modem_backend, "qmi");
	assert_string_equal(b.compatible[0], "raspberrypi,4-model-b");
	assert_string_equal(b.netdev_primary, "qmimux0");
	assert_string_equal(b.netdev_partner, "qmimux1");
	assert_int_equal(b.netdev_primary_mux_id, 1);
	assert_int_equal(b.netdev_partner_mux_id, 2);
	assert_string_equal(b.netdev_partner_link, "qmi_wwan");
	assert_string_equal(b.netdev_parent, "wwan0");
	assert_int_equal(b.modem_data_iface, 4);
	assert_int_equal(board_select("boards", "nope", dt, &b, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "no board 'nope' in boards");
}

static void test_select_reports_bad_file(void **state)
{
	char dir[] = "/tmp/mcmig-boards-XXXXXX", path[64], err[BOARD_ERR_MAX];
	struct board b;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/broken.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[board]\nname=x\nwheels=4\n", f);
	fclose(f);
	assert_int_equal(board_select(dir, NULL, "/nonexistent", &b, err, sizeof(err)), -EINVAL);
	print_message("%s\n", err);
	assert_non_null(strstr(err, "broken.conf: line 3: unknown key 'wheels' in [board]"));
	unlink(path);
	assert_int_equal(board_select(dir, NULL, "/nonexistent", &b, err, sizeof(err)), -ENOENT);
	rmdir(dir);
	assert_int_equal(board_select(dir, NULL, NULL, &b, err, sizeof(err)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_mux),
		cmocka_unit_test(test_parse_link),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_partner_list),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_select_shipped),
		cmocka_unit_test(test_select_reports_bad_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
