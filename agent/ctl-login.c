// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmigctl login: the MC service user signs in at the primary IdM server
 * (TS 33.180 B.4, username and password) through mcmigd's SignIn method.
 * The password is prompted on the terminal with echo off (or read as one line
 * from a stdin that is not a terminal, for scripts), never taken from the
 * command line (it would show in ps and the shell's history), and wiped here
 * as soon as the message is built.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gio.h>

#include "ctl-bus.h"
#include "ctl.h"
#include "util.h"

#define LOGIN_FIELD_MAX 512

static const char login_usage[] =
	"usage: mcmigctl login [--user NAME] [--timeout S] [--session]\n"
	"  sign in at the primary IdM server for MC service user authentication; the\n"
	"  password is prompted without echo (or read as one line from stdin when it\n"
	"  is not a terminal); never stored, never logged\n"
	"exit: 0 signed in, 1 refused (wrong password...), 2 usage, 3 mcmigd not reachable\n";

/* One line without its newline; -EIO at end of input, -E2BIG when longer than @size. */
static int read_line(FILE *f, char *buf, size_t size)
{
	size_t n;

	if (!fgets(buf, (int)size, f))
		return -EIO;
	n = strcspn(buf, "\n");
	if (buf[n] != '\n' && !feof(f)) {
		util_wipe(buf, size);
		return -E2BIG;
	}
	buf[n] = '\0';
	return 0;
}

/* The password from the terminal with echo off, else a line of stdin. */
static int read_password(char *buf, size_t size)
{
	struct termios old, quiet;
	FILE *tty;
	int ret;

	if (!isatty(STDIN_FILENO))
		return read_line(stdin, buf, size);
	tty = fopen("/dev/tty", "r+e");
	if (!tty)
		return -errno;
	fputs("Password: ", tty);
	fflush(tty);
	if (tcgetattr(fileno(tty), &old) < 0) {
		fclose(tty);
		return -ENOTTY;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	ret = read_line(tty, buf, size);
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fclose(tty);
	return ret;
}

static void wipe_bytes(gpointer data)
{
	util_wipe(data, strlen(data));
}

static int login_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "timeout", required_argument, NULL, 't' },
		{ "session", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char user[LOGIN_FIELD_MAX] = "", password[LOGIN_FIELD_MAX];
	bool session = ctl_bus_session_default();
	unsigned int timeout_s = 60;
	GDBusConnection *bus;
	GError *err = NULL;
	GBytes *pw;
	GVariant *ret;
	char *msg, *end;
	int c;

	while ((c = getopt_long(argc, argv, "u:t:sh", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			if (util_strlcpy(user, optarg, sizeof(user)) < 0) {
				fprintf(stderr, "mcmigctl: --user: longer than %d bytes\n",
					LOGIN_FIELD_MAX - 1);
				return CTL_EXIT_USAGE;
			}
			break;
		case 't':
			timeout_s = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || !timeout_s || timeout_s > 3600) {
				fprintf(stderr, "mcmigctl: --timeout '%s': not 1..3600 seconds\n",
					optarg);
				return CTL_EXIT_USAGE;
			}
			break;
		case 's':
			session = true;
			break;
		case 'h':
			fputs(login_usage, stdout);
			return CTL_EXIT_OK;
		default:
			fputs(login_usage, stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(login_usage, stderr);
		return CTL_EXIT_USAGE;
	}
	if (!user[0]) {
		if (isatty(STDIN_FILENO))
			fputs("Username: ", stderr);
		if (read_line(stdin, user, sizeof(user)) < 0 || !user[0]) {
			fprintf(stderr, "mcmigctl: no username given\n");
			return CTL_EXIT_USAGE;
		}
	}
	if (read_password(password, sizeof(password)) < 0) {
		fprintf(stderr, "mcmigctl: no password read\n");
		return CTL_EXIT_USAGE;
	}
	bus = ctl_bus_connect(session, &msg);
	if (!bus) {
		util_wipe(password, sizeof(password));
		fprintf(stderr, "mcmigctl: %s\n", msg);
		g_free(msg);
		return CTL_EXIT_UNAVAILABLE;
	}
	/* Our buffer backs the string and is wiped when GVariant lets go of it. */
	pw = g_bytes_new_with_free_func(password, strlen(password) + 1, wipe_bytes, password);
	ret = g_dbus_connection_call_sync(
		bus, CTL_AGENT_NAME, CTL_AGENT_PATH, CTL_AGENT_IFACE, "SignIn",
		g_variant_new("(s@s)", user,
			      g_variant_new_from_bytes(G_VARIANT_TYPE_STRING, pw, TRUE)),
		NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, (gint)timeout_s * 1000, NULL, &err);
	g_bytes_unref(pw);
	util_wipe(password, sizeof(password));
	g_object_unref(bus);
	if (ret) {
		g_variant_unref(ret);
		printf("signed in as %s\n", user);
		return CTL_EXIT_OK;
	}
	if (g_dbus_error_is_remote_error(err)) {
		gchar *remote = g_dbus_error_get_remote_error(err);
		bool refused = remote && strcmp(remote, "org.mcmig.Agent1.Error.SignInFailed") == 0;

		g_free(remote);
		if (refused) {
			g_dbus_error_strip_remote_error(err);
			fprintf(stderr, "mcmigctl: %s\n", err->message);
			g_error_free(err);
			return CTL_EXIT_FAILURE;
		}
	}
	msg = ctl_bus_explain(err, "call SignIn on", session);
	fprintf(stderr, "mcmigctl: %s\n", msg);
	g_free(msg);
	g_error_free(err);
	return CTL_EXIT_UNAVAILABLE;
}

const struct ctl_command ctl_login_command = {
	.name = "login",
	.summary = "sign in at the primary IdM server (MC service user authentication)",
	.main = login_main,
};
