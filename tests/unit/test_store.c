// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The partner store: round trip, validity, NOTE 3 (the primary's file is
 * never touched), corrupt records skipped by name, and crash safety: a child
 * writes a new version and _exit()s at each step of the write sequence; the
 * parent must then read the old or the new version, never a torn one.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "store.h"
#include "test-data.h"

#define ID  "urn:mcmig:system:partner-b"
#define NOW ((time_t)1764000000) /* 2025-11-24, before the documents' valid-until */

static char *good;
static size_t good_len;

struct fixture {
	char dir[64];
	char path[128];
};

static char *replace(const char *doc, const char *from, const char *to)
{
	const char *p = strstr(doc, from);
	char *out;

	assert_non_null(p);
	out = malloc(strlen(doc) - strlen(from) + strlen(to) + 1);
	assert_non_null(out);
	memcpy(out, doc, (size_t)(p - doc));
	strcpy(out + (p - doc), to);
	strcat(out, p + strlen(from));
	return out;
}

/* The test document with its IMPI replaced by @impi (a version marker). */
static void version(struct partner_config *cfg, const char *impi, const char *valid)
{
	char err[CMC_XML_ERRMSG_MAX];
	char *a = replace(good, "in-4f2a9c@ims.partner.example</impi>", impi);
	char *b = replace(a, "2026-11-28T22:00:00Z", valid);

	assert_int_equal(cmc_xml_parse_answer((uint8_t *)b, strlen(b), PCFG_SOURCE_CMS, cfg, err,
					      sizeof(err)),
			 0);
	free(a);
	free(b);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/mcmig-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/state", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void test_roundtrip(void **state)
{
	struct fixture *f = *state;
	struct partner_config in, out;
	char why[CMC_XML_ERRMSG_MAX], file[600];
	struct store *st;
	struct stat sb;

	assert_int_equal(store_open(&st, f->path, why, sizeof(why)), 0);
	version(&in, "v1@x</impi>", "2026-11-28T22:00:00Z");
	in.source = PCFG_SOURCE_PROFILE;
	assert_int_equal(store_put(st, &in), 0);
	store_close(st);
	/* A reboot: a fresh store object reads what is on disk (NOTE 4). */
	assert_int_equal(store_open(&st, f->path, why, sizeof(why)), 0);
	assert_int_equal(store_get(st, ID, NOW, &out, why, sizeof(why)), 0);
	assert_string_equal(out.impi, "v1@x");
	assert_int_equal(out.source, PCFG_SOURCE_PROFILE);
	assert_string_equal(out.conn[1].pdn.password, "s3cr&t");
	assert_int_equal(out.ue_config_len, in.ue_config_len);
	assert_memory_equal(out.ue_config, in.ue_config, in.ue_config_len);
	partner_config_clear(&out);
	/* 0600 record in a 0700 directory: it holds the PAP/CHAP password. */
	assert_int_equal(store_record_name(ID, why, sizeof(why)), 0);
	assert_string_equal(why, "urn_3amcmig_3asystem_3apartner-b.xml");
	snprintf(file, sizeof(file), "%s/partners/%s", f->path, why);
	assert_int_equal(stat(file, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	/* Validity (NOTE 4): an expired record is not handed out, and says why. */
	assert_int_equal(store_get(st, ID, in.valid_until, &out, why, sizeof(why)), -ESTALE);
	assert_non_null(strstr(why, "expired at 2026-11-28T22:00:00Z"));
	assert_int_equal(store_get(st, "urn:other", NOW, &out, why, sizeof(why)), -ENOENT);
	assert_int_equal(store_remove(st, ID), 0);
	assert_int_equal(store_get(st, ID, NOW, &out, why, sizeof(why)), -ENOENT);
	partner_config_clear(&in);
	store_close(st);
}

/*
 * The reader beside the daemon (mcmigctl check): creates nothing, writes
 * nothing, and leaves the daemon's temporary file of a write in progress.
 */
static void test_reader(void **state)
{
	struct fixture *f = *state;
	struct partner_config in, out;
	char why[CMC_XML_ERRMSG_MAX], temp[160];
	struct store *st;
	size_t n;
	int fd;

	assert_int_equal(store_open_reader(&st, f->path, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, f->path));
	assert_int_equal(access(f->path, F_OK), -1);
	assert_int_equal(store_open(&st, f->path, why, sizeof(why)), 0);
	version(&in, "v1@x</impi>", "2026-11-28T22:00:00Z");
	assert_int_equal(store_put(st, &in), 0);
	store_close(st);
	snprintf(temp, sizeof(temp), "%s/partners/.tmp-inflight", f->path);
	fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);

	assert_int_equal(store_open_reader(&st, f->path, why, sizeof(why)), 0);
	assert_int_equal(access(temp, F_OK), 0);
	assert_int_equal(store_load_all(st, NOW, &out, 1, &n, NULL, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out.impi, "v1@x");
	partner_config_clear(&out);
	assert_int_equal(store_put(st, &in), -EROFS);
	assert_int_equal(store_put_file(st, "migration", "x", 1, STORE_DURABLE), -EROFS);
	assert_int_equal(store_remove(st, ID), -EROFS);
	assert_int_equal(store_get(st, ID, NOW, &out, why, sizeof(why)), 0);
	partner_config_clear(&out);
	partner_config_clear(&in);
	store_close(st);
}

static void test_primary_untouched(void **state)
{
	static const char primary[] = "[primary]\ncms-url=https://cms.primary.example:8443\n";
	struct fixture *f = *state;
	struct partner_config in;
	char why[CMC_XML_ERRMSG_MAX], path[192], *data;
	struct store *st;
	size_t len;
	FILE *fp;

	/* NOTE 3: the primary's configuration next to the store, and a partner
	 * whose id tries to name it. */
	assert_int_equal(mkdir(f->path, 0700), 0);
	snprintf(path, sizeof(path), "%s/primary.conf", f->path);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(primary, fp);
	fclose(fp);
	assert_int_equal(store_open(&st, f->path, why, sizeof(why)), 0);
	version(&in, "v1@x</impi>", "2026-11-28T22:00:00Z");
	strcpy(in.partner_id, "../primary.conf");
	assert_int_equal(store_record_name(in.partner_id, why, sizeof(why)), 0);
	assert_string_equal(why, "_2e_2e_2fprimary_2econf.xml");
	assert_int_equal(store_put_file(st, "../primary.conf", "x", 1, STORE_DURABLE), -EINVAL);
	assert_int_equal(store_put_file(st, "partners", "x", 1, STORE_DURABLE), -EINVAL);
	assert_int_equal(store_put_file(st, "migration", "idle\n", 5, STORE_DURABLE), 0);
	assert_int_equal(store_get_file(st, "migration", &data, &len), 0);
	assert_string_equal(data, "idle\n");
	free(data);
	partner_config_clear(&in);
	store_close(st);
	data = test_data_read_path(path, &len);
	assert_string_equal(data, primary);
	free(data);
}

static void report(const char *file, int err, const char *why, void *user_data)
{
	char *log = user_data;

	sprintf(log + strlen(log), "%s: %d %s\n", file, err, why);
}

static void test_corrupt_skipped(void **state)
{
	struct fixture *f = *state;
	struct partner_config a, b, out[4];
	char why[CMC_XML_ERRMSG_MAX], log[2048] = "", path[256];
	struct store *st;
	size_t n;
	FILE *fp;

	assert_int_equal(store_open(&st, f->path, why, sizeof(why)), 0);
	version(&a, "a@x</impi>", "2026-11-28T22:00:00Z");
	version(&b, "b@x</impi>", "2026-11-28T22:00:00Z");
	strcpy(b.partner_id, "urn:b");
	/* The id lives in the document: make it say urn:b too. */
	partner_config_clear(&b);
	{
		char *d = replace(good, "urn:mcmig:system:partner-b", "urn:b");

		assert_int_equal(cmc_xml_parse_answer((uint8_t *)d, strlen(d), PCFG_SOURCE_CMS, &b,
						      why, sizeof(why)),
				 0);
		free(d);
	}
	assert_int_equal(store_put(st, &a), 0);
	assert_int_equal(store_put(st, &b), 0);
	snprintf(path, sizeof(path), "%s/partners/broken.xml", f->path);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("<partner-record xmlns=\"urn:mcmig:store:1.0\" source=\"cms\"><partner-conn", fp);
	fclose(fp);
	assert_int_equal(store_load_all(st, NOW, out, 4, &n, report, log), 0);
	assert_int_equal(n, 2);
	assert_string_equal(out[0].partner_id, "urn:b");
	assert_string_equal(out[1].partner_id, ID);
	assert_non_null(strstr(log, "broken.xml: -74 not well-formed"));
	partner_config_clear(&out[0]);
	partner_config_clear(&out[1]);
	/* Expired records are skipped too, by name and with the reason. */
	log[0] = '\0';
	assert_int_equal(store_load_all(st, a.valid_until + 1, out, 4, &n, report, log), 0);
	assert_int_equal(n, 0);
	assert_non_null(strstr(log, "urn_3ab.xml: -116 partner configuration of urn:b expired"));
	partner_config_clear(&a);
	partner_config_clear(&b);
	store_close(st);
}

static enum store_step crash_at;

static void crash_hook(enum store_step s, void *user_data)
{
	if (s == crash_at)
		_exit(42);
}

static void test_crash_at_every_step(void **state)
{
	struct fixture *f = *state;
	struct partner_config v1, v2, out;
	char why[CMC_XML_ERRMSG_MAX];
	struct store *st;
	int s;

	version(&v1, "old@x</impi>", "2026-11-28T22:00:00Z");
	version(&v2, "new@x</impi>", "2026-11-29T22:00:00Z");
	for (s = STORE_STEP_OPEN_TEMP; s <= STORE_STEP_DONE; s++) {
		int status;
		pid_t pid;

		assert_int_equal(store_open(&st, f->path, why, sizeof(why)), 0);
		assert_int_equal(store_put(st, &v1), 0);
		store_close(st);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			crash_at = (enum store_step)s;
			if (store_open(&st, f->path, why, sizeof(why)) < 0)
				_exit(1);
			store_set_step_hook(st, crash_hook, NULL);
			store_put(st, &v2);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 42);
		/* After the crash: the old version until the rename, the new one after. */
		assert_int_equal(store_open(&st, f->path, why, sizeof(why)), 0);
		assert_int_equal(store_get(st, ID, NOW, &out, why, sizeof(why)), 0);
		if (s <= STORE_STEP_RENAME)
			assert_string_equal(out.impi, "old@x");
		else
			assert_string_equal(out.impi, "new@x");
		partner_config_clear(&out);
		store_close(st);
		/* No temporary file survives the next open. */
		{
			char cmd[256];

			snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A %s/partners | grep '^\\.')\"",
				 f->path);
			assert_int_equal(system(cmd), 0);
		}
	}
	partner_config_clear(&v1);
	partner_config_clear(&v2);
}

static void record_step(enum store_step s, void *user_data)
{
	*(unsigned int *)user_data |= 1u << s;
}

/* A durable write waits for the file and the directory; a process-only one for neither. */
static void test_durability(void **state)
{
	struct fixture *f = *state;
	const unsigned int fsyncs = 1u << STORE_STEP_FSYNC_FILE | 1u << STORE_STEP_FSYNC_DIR;
	unsigned int steps = 0;
	struct store *st;
	struct stat sb;
	char why[192], *data;
	size_t len;

	assert_int_equal(store_open(&st, f->path, why, sizeof(why)), 0);
	store_set_step_hook(st, record_step, &steps);
	assert_int_equal(store_put_file(st, "journal", "a\n", 2, STORE_DURABLE), 0);
	assert_int_equal(steps & fsyncs, fsyncs);
	assert_true(steps & 1u << STORE_STEP_RENAME);
	steps = 0;
	assert_int_equal(store_put_file(st, "journal", "bb\n", 3, STORE_PROCESS), 0);
	assert_int_equal(steps & fsyncs, 0);
	assert_true(steps & 1u << STORE_STEP_RENAME && steps & 1u << STORE_STEP_DONE);
	/* Replaced whole all the same: the newer bytes, mode 0600. */
	assert_int_equal(store_get_file(st, "journal", &data, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(data, "bb\n", 3);
	free(data);
	snprintf(why, sizeof(why), "%s/journal", f->path);
	assert_int_equal(stat(why, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_primary_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_at_every_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_durability, setup, teardown),
	};
	int ret;

	good = test_data_read("partner-connection.xml", &good_len);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	free(good);
	return ret;
}
