// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hal/modem-ops.c and hal/module.c: each backend loads from its own module
 * by the name the board gives; what cannot be loaded is refused with the
 * module's path and the dynamic linker's reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "modem.h"
#include "module.h"

/* The build tree's modules: build/tests/test_modem_ops -> build/lib/mcmig. */
static char moddir[PATH_MAX - 64];

static void find_modules(void)
{
	char exe[PATH_MAX - 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	assert_true(n > 0);
	exe[n] = '\0';
	snprintf(moddir, sizeof(moddir), "%s/../lib/mcmig", dirname(exe));
}

static void test_each_backend_from_its_module(void **state)
{
	static const char *const names[] = { "qmi", "mbim", "mm" };
	const struct modem_ops *ops;
	char err[MODULE_ERR_MAX] = "";
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ops = NULL;
		assert_int_equal(modem_ops_load(moddir, names[i], &ops, err, sizeof(err)), 0);
		assert_non_null(ops);
		assert_string_equal(ops->name, names[i]);
		assert_non_null(ops->open);
		assert_non_null(ops->close);
	}
}

static void test_not_a_backend_name(void **state)
{
	static const char *const bad[] = { "", "../qmi", "QMI", "qmi.so", "q mi" };
	const struct modem_ops *ops = NULL;
	char err[MODULE_ERR_MAX];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(modem_ops_load(moddir, bad[i], &ops, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "not a backend name"));
		assert_null(ops);
	}
	assert_int_equal(modem_ops_load(moddir, NULL, &ops, err, sizeof(err)), -EINVAL);
}

static void test_missing_module_named(void **state)
{
	const struct modem_ops *ops = NULL;
	char err[MODULE_ERR_MAX];

	assert_int_equal(modem_ops_load("/nonexistent/mcmig", "qmi", &ops, err, sizeof(err)),
			 -ENOENT);
	assert_null(ops);
	/* The module's path, then dlerror()'s reason. */
	assert_non_null(strstr(err, "cannot load module /nonexistent/mcmig/modem-qmi.so: "));
	assert_non_null(strstr(err, "No such file or directory"));
}

/* @dir/modem-@name.so made of @len bytes of @data. */
static void write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/modem-%s.so", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void test_not_loadable_named(void **state)
{
	char dir[] = "/tmp/test_modem_ops.XXXXXX", path[PATH_MAX], text[128];
	const struct modem_ops *ops = NULL;
	char err[MODULE_ERR_MAX];

	/* Longer than an ELF header, so that the reason is the header's. */
	memset(text, 'x', sizeof(text));
	assert_non_null(mkdtemp(dir));
	write_file(dir, "qmi", text, sizeof(text));
	assert_int_equal(modem_ops_load(dir, "qmi", &ops, err, sizeof(err)), -ENOEXEC);
	assert_null(ops);
	snprintf(path, sizeof(path), "cannot load module %s/modem-qmi.so: ", dir);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "ELF"));
	snprintf(path, sizeof(path), "%s/modem-qmi.so", dir);
	unlink(path);
	rmdir(dir);
}

/* Another backend's module under this backend's name: its ops are not there. */
static void test_wrong_module_named(void **state)
{
	char dir[] = "/tmp/test_modem_ops.XXXXXX", path[PATH_MAX], buf[1 << 14];
	const struct modem_ops *ops = NULL;
	char err[MODULE_ERR_MAX];
	ssize_t n;
	int in, out;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/modem-mm.so", moddir);
	in = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(in >= 0);
	snprintf(path, sizeof(path), "%s/modem-qmi.so", dir);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, n), n);
	close(in);
	close(out);
	assert_int_equal(modem_ops_load(dir, "qmi", &ops, err, sizeof(err)), -ENOENT);
	assert_null(ops);
	assert_non_null(strstr(err, "modem-qmi.so has no modem_qmi_ops"));
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_backend_from_its_module),
		cmocka_unit_test(test_not_a_backend_name),
		cmocka_unit_test(test_missing_module_named),
		cmocka_unit_test(test_not_loadable_named),
		cmocka_unit_test(test_wrong_module_named),
	};

	find_modules();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
