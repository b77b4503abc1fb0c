// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netdev_linux_ops refuses what it cannot apply before touching the kernel;
 * the real configuration is tested as root in tests/integration/netdev.sh.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "netdev.h"

static void test_refuses_bad_settings(void **state)
{
	struct modem_pdn_settings s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(netdev_linux_ops.configure(NULL), -EINVAL);
	assert_int_equal(netdev_linux_ops.configure(&s), -EINVAL);
	assert_int_equal(netdev_linux_ops.deconfigure(&s), -EINVAL);
	strcpy(s.ifname, "mcmig-none0");
	assert_int_equal(netdev_linux_ops.configure(&s), -ENODEV);
	assert_int_equal(netdev_linux_ops.deconfigure(&s), -ENODEV);
	assert_string_equal(netdev_linux_ops.name, "linux");
}

static void test_link_refuses_bad_links(void **state)
{
	struct netdev_link l = { NETDEV_LINK_QMI_WWAN, "wwan0", "qmimux1", 2, "/nonexistent" };

	assert_int_equal(netdev_linux_ops.link_add(NULL), -EINVAL);
	l.mux_id = 0;
	assert_int_equal(netdev_linux_ops.link_add(&l), -EINVAL);
	l.mux_id = 255;
	assert_int_equal(netdev_linux_ops.link_add(&l), -EINVAL);
	l.mux_id = 2;
	l.name = "a-name-too-long-for-ifnamsiz";
	assert_int_equal(netdev_linux_ops.link_add(&l), -EINVAL);
	l.name = "qmimux1";
	l.kind = NETDEV_LINK_EXISTING;
	assert_int_equal(netdev_linux_ops.link_add(&l), -EINVAL);
	assert_int_equal(netdev_linux_ops.link_del(&l), -EINVAL);
	/* No qmi_wwan parent: sysfs has no add_mux to write. */
	l.kind = NETDEV_LINK_QMI_WWAN;
	assert_int_equal(netdev_linux_ops.link_add(&l), -ENOENT);
	assert_int_equal(netdev_linux_ops.link_del(&l), -ENOENT);
	l.kind = NETDEV_LINK_RMNET;
	l.parent = "mcmig-none0";
	assert_int_equal(netdev_linux_ops.link_add(&l), -ENODEV);
}

/* A private tree laid out as sysfs: class/net/PARENT/qmi/{add,del}_mux. */
struct fake_sysfs {
	char root[64];
};

static void fake_write(const struct fake_sysfs *f, const char *rel, const char *text)
{
	char path[256], dir[256], *slash;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	strcpy(dir, path);
	for (slash = strchr(dir + strlen(f->root) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
	}
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void fake_read(const struct fake_sysfs *f, const char *rel, char *buf, size_t size)
{
	char path[256];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(buf, 1, size - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

static int fake_setup(void **state)
{
	struct fake_sysfs *f = calloc(1, sizeof(*f));

	strcpy(f->root, "/tmp/mcmig-sysfs-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	fake_write(f, "class/net/wwan0/qmi/add_mux", "");
	fake_write(f, "class/net/wwan0/qmi/del_mux", "");
	*state = f;
	return 0;
}

static int fake_teardown(void **state)
{
	struct fake_sysfs *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/*
 * qmi_wwan names its links qmimuxN itself: a link it named otherwise than
 * the board says (here: no such link appears) is removed again by del_mux.
 * "lo" stands for the link's name, as it surely exists.
 */
static void test_qmi_wwan_add_checks_the_name(void **state)
{
	struct fake_sysfs *f = *state;
	struct netdev_link l = { NETDEV_LINK_QMI_WWAN, "wwan0", "lo", 2, f->root };
	char buf[16];

	assert_int_equal(netdev_linux_ops.link_add(&l), -ENXIO);
	fake_read(f, "class/net/wwan0/qmi/add_mux", buf, sizeof(buf));
	assert_string_equal(buf, "2\n");
	fake_read(f, "class/net/wwan0/qmi/del_mux", buf, sizeof(buf));
	assert_string_equal(buf, "2\n");
}

/* A link already there with our mux id is used, not made; another mux id is refused. */
static void test_qmi_wwan_add_existing(void **state)
{
	struct fake_sysfs *f = *state;
	struct netdev_link l = { NETDEV_LINK_QMI_WWAN, "wwan0", "qmimux1", 2, f->root };
	char buf[16];

	fake_write(f, "class/net/qmimux1/qmap/mux_id", "2\n");
	assert_int_equal(netdev_linux_ops.link_add(&l), -EEXIST);
	l.mux_id = 3;
	assert_int_equal(netdev_linux_ops.link_add(&l), -EADDRINUSE);
	fake_read(f, "class/net/wwan0/qmi/add_mux", buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void test_qmi_wwan_del(void **state)
{
	struct fake_sysfs *f = *state;
	struct netdev_link l = { NETDEV_LINK_QMI_WWAN, "wwan0", "qmimux1", 254, f->root };
	char buf[16];

	assert_int_equal(netdev_linux_ops.link_del(&l), 0);
	fake_read(f, "class/net/wwan0/qmi/del_mux", buf, sizeof(buf));
	assert_string_equal(buf, "254\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_bad_settings),
		cmocka_unit_test(test_link_refuses_bad_links),
		cmocka_unit_test_setup_teardown(test_qmi_wwan_add_checks_the_name, fake_setup,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_qmi_wwan_add_existing, fake_setup,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_qmi_wwan_del, fake_setup, fake_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
