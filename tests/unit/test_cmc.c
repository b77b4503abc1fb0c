// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The configuration management client against a local HTTPS server with a
 * test CA made here (tests/unit/make-test-ca.sh, cms-test-server.py on
 * 127.0.0.1): success, refusal without retry, 503 then success after a
 * backoff, wrong CA refused, timeout, oversized answer, token file checks,
 * cancellation. The client runs on a real GLib main loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <glib.h>

#include "cmc.h"
#include "test-data.h"
#include "util.h"

static char dir[64];
static char url[128];
static pid_t server;
static GMainLoop *loop;

struct outcome {
	int calls;
	int err;
	char reason[512];
	char impi[PCFG_STR_MAX];
};

static void done(int err, const char *reason, const struct partner_config *cfg, void *ud)
{
	struct outcome *o = ud;

	o->calls++;
	o->err = err;
	snprintf(o->reason, sizeof(o->reason), "%s", reason ? reason : "");
	if (cfg)
		snprintf(o->impi, sizeof(o->impi), "%s", cfg->impi);
	g_main_loop_quit(loop);
}

/*
 * The path of @name in the test directory: one buffer per name, stable for
 * the whole run. (Rotating buffers were overwritten while a config still
 * pointed at them: start_server() asks for "port" once per 50 ms poll, and on
 * a busy machine ca_file became ".../port".)
 */
static char *path(const char *name)
{
	static struct {
		char name[32];
		char p[160];
	} t[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t) && t[i].name[0]; i++)
		if (!strcmp(t[i].name, name))
			return t[i].p;
	assert_true(i < ARRAY_SIZE(t) && strlen(name) < sizeof(t[i].name));
	snprintf(t[i].name, sizeof(t[i].name), "%s", name);
	snprintf(t[i].p, sizeof(t[i].p), "%s/%s", dir, name);
	return t[i].p;
}

static void stop_server(void);

/* Starts the scripted server; the script items answer the requests in order. */
static void start_server(const char *const *items)
{
	char port[16] = "";
	const char *argv[16] = { "/usr/bin/python3",
				 "tests/unit/cms-test-server.py",
				 path("server.pem"),
				 path("server.key"),
				 path("port"),
				 path("requests.log"),
				 "tests/unit/data/partner-connection.xml" };
	size_t n = 7, i;
	FILE *f;

	/* A test that failed half-way left its server running: end it first. */
	stop_server();
	for (; *items && n < ARRAY_SIZE(argv) - 1; items++)
		argv[n++] = *items;
	argv[n] = NULL;
	unlink(path("port"));
	unlink(path("requests.log"));
	server = fork();
	assert_true(server >= 0);
	if (server == 0) {
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	for (i = 0; i < 100; i++) {
		f = fopen(path("port"), "r");
		if (f) {
			assert_non_null(fgets(port, sizeof(port), f));
			fclose(f);
			break;
		}
		g_usleep(50000);
	}
	assert_true(port[0] != '\0');
	snprintf(url, sizeof(url), "https://127.0.0.1:%s/mcmig/v1/partner-connection", port);
}

static void stop_server(void)
{
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	server = 0;
}

static int requests_seen(void)
{
	char line[4096];
	int n = 0;
	FILE *f = fopen(path("requests.log"), "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

static gboolean guard(gpointer data)
{
	fail_msg("no answer within the guard time");
	return G_SOURCE_REMOVE;
}

static struct cmc_config config(void)
{
	struct cmc_config cfg = {
		.url = url,
		.ca_file = path("ca.pem"),
		.token_file = path("token"),
		.connect_timeout_ms = 2000,
		.total_timeout_ms = 5000,
		.max_attempts = 3,
		.backoff_initial_ms = 200,
		.backoff_max_ms = 400,
	};
	return cfg;
}

static unsigned int fetch(const struct cmc_config *cfg, struct outcome *o)
{
	struct modem_serving s = { .reg = MODEM_REG_ROAMING, .mcc = "999", .mnc = "99" };
	struct cmc_request req = {
		.mc_service_id = "sip:alice@mcptt.primary.example",
		.serving = &s,
		.requested_partner = "urn:mcmig:system:partner-b",
	};
	struct cmc *c;
	guint g;
	unsigned int attempts;

	memset(o, 0, sizeof(*o));
	assert_int_equal(cmc_new(&c, cfg), 0);
	assert_int_equal(cmc_fetch(c, &req, done, o), 0);
	assert_int_equal(o->calls, 0); /* never from inside the call */
	assert_int_equal(cmc_fetch(c, &req, done, o), -EBUSY);
	g = g_timeout_add_seconds(20, guard, NULL);
	g_main_loop_run(loop);
	g_source_remove(g);
	attempts = cmc_attempts(c);
	cmc_free(c);
	assert_int_equal(o->calls, 1);
	return attempts;
}

static void test_success(void **state)
{
	static const char *const script[] = { "200", NULL };
	struct cmc_config cfg = config();
	struct outcome o;
	char *log;
	size_t len;

	start_server(script);
	assert_int_equal(fetch(&cfg, &o), 1);
	stop_server();
	assert_int_equal(o.err, 0);
	assert_string_equal(o.impi, "in-4f2a9c@ims.partner.example");
	log = test_data_read_path(path("requests.log"), &len);
	assert_non_null(strstr(log, "POST /mcmig/v1/partner-connection auth=Bearer tok-123.abc "));
	assert_non_null(strstr(log, "type=application/vnd.mcmig.partner-request+xml "));
	assert_non_null(
		strstr(log, "<mc-service-id>sip:alice@mcptt.primary.example</mc-service-id>"));
	assert_non_null(strstr(log, "<plmn mcc=\"999\" mnc=\"99\"/>"));
	assert_non_null(
		strstr(log, "<requested-partner>urn:mcmig:system:partner-b</requested-partner>"));
	free(log);
}

static void test_refused_no_retry(void **state)
{
	static const char *const script[] = { "403", "200", NULL };
	struct cmc_config cfg = config();
	struct outcome o;

	start_server(script);
	assert_int_equal(fetch(&cfg, &o), 1);
	stop_server();
	assert_int_equal(o.err, -EACCES);
	assert_string_equal(o.reason, "not-authorised: user not permitted to migrate");
	assert_int_equal(requests_seen(), 1);
}

static void test_503_then_success(void **state)
{
	static const char *const script[] = { "503", "502", "200", NULL };
	struct cmc_config cfg = config();
	struct outcome o;
	gint64 t0 = g_get_monotonic_time();

	start_server(script);
	assert_int_equal(fetch(&cfg, &o), 3);
	stop_server();
	assert_int_equal(o.err, 0);
	assert_int_equal(requests_seen(), 3);
	/* Backoff 200 ms, then 400 ms. */
	assert_true(g_get_monotonic_time() - t0 >= 600000);
}

static void test_503_gives_up(void **state)
{
	static const char *const script[] = { "503", "503", "503", "200", NULL };
	struct cmc_config cfg = config();
	struct outcome o;

	start_server(script);
	assert_int_equal(fetch(&cfg, &o), 3);
	stop_server();
	assert_int_equal(o.err, -EAGAIN);
	assert_string_equal(o.reason, "unavailable: temporary overload");
	assert_int_equal(requests_seen(), 3);
}

static void test_wrong_ca(void **state)
{
	static const char *const script[] = { "200", NULL };
	struct cmc_config cfg = config();
	struct outcome o;

	cfg.ca_file = path("other-ca.pem");
	start_server(script);
	assert_int_equal(fetch(&cfg, &o), 1);
	stop_server();
	assert_int_equal(o.err, -EACCES);
	assert_true(strncmp(o.reason, "tls: ", 5) == 0);
	assert_int_equal(requests_seen(), 0);
}

static void test_timeout(void **state)
{
	static const char *const script[] = { "hang", NULL };
	struct cmc_config cfg = config();
	struct outcome o;

	cfg.total_timeout_ms = 500;
	cfg.max_attempts = 1;
	start_server(script);
	assert_int_equal(fetch(&cfg, &o), 1);
	stop_server();
	assert_int_equal(o.err, -ETIMEDOUT);
}

static void test_oversized(void **state)
{
	static const char *const script[] = { "big", NULL };
	struct cmc_config cfg = config();
	struct outcome o;

	start_server(script);
	assert_int_equal(fetch(&cfg, &o), 1);
	stop_server();
	assert_int_equal(o.err, -EMSGSIZE);
}

static void test_connection_refused_retried(void **state)
{
	static const char *const script[] = { NULL };
	struct cmc_config cfg = config();
	struct outcome o;

	start_server(script);
	stop_server(); /* the port is now closed */
	cfg.max_attempts = 2;
	assert_int_equal(fetch(&cfg, &o), 2);
	assert_int_equal(o.err, -ECONNREFUSED);
}

static void test_token_file_checks(void **state)
{
	static const char *const script[] = { "200", NULL };
	struct cmc_config cfg = config();
	struct outcome o;

	start_server(script);
	assert_int_equal(chmod(path("token"), 0644), 0);
	assert_int_equal(fetch(&cfg, &o), 1);
	assert_int_equal(chmod(path("token"), 0600), 0);
	assert_int_equal(o.err, -EPERM);
	assert_non_null(strstr(o.reason, "0644"));
	cfg.token_file = path("no-such-token");
	assert_int_equal(fetch(&cfg, &o), 1);
	assert_int_equal(o.err, -ENOENT);
	stop_server();
	assert_int_equal(requests_seen(), 0);
}

static void test_https_only_and_cancel(void **state)
{
	struct cmc_config cfg = config();
	struct cmc_request req = { .mc_service_id = "sip:alice@mcptt.primary.example" };
	struct outcome o = { 0 };
	struct cmc *c;

	cfg.url = "http://127.0.0.1/mcmig/v1/partner-connection";
	assert_int_equal(cmc_new(&c, &cfg), -EINVAL);
	snprintf(url, sizeof(url), "https://127.0.0.1:9/x");
	cfg.url = url;
	assert_int_equal(cmc_new(&c, &cfg), 0);
	assert_int_equal(cmc_fetch(c, &req, done, &o), 0);
	cmc_cancel(c);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.err, -ECANCELED);
	cmc_cancel(c);
	cmc_free(c);
	assert_int_equal(o.calls, 1);
	req.mc_service_id = NULL;
	assert_int_equal(cmc_new(&c, &cfg), 0);
	assert_int_equal(cmc_fetch(c, &req, done, &o), -EINVAL);
	cmc_free(c);
}

static int group_setup(void **state)
{
	char cmd[256];
	int fd;

	strcpy(dir, "/tmp/mcmig-cmc-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "tests/unit/make-test-ca.sh %s", dir);
	if (system(cmd) != 0)
		return -1;
	fd = open(path("token"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "tok-123.abc\n", 12) != 12)
		return -1;
	close(fd);
	loop = g_main_loop_new(NULL, FALSE);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	stop_server();
	g_main_loop_unref(loop);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_refused_no_retry),
		cmocka_unit_test(test_503_then_success),
		cmocka_unit_test(test_503_gives_up),
		cmocka_unit_test(test_wrong_ca),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_connection_refused_retried),
		cmocka_unit_test(test_token_file_checks),
		cmocka_unit_test(test_https_only_and_cancel),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
