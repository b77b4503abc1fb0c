// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmigctl: the field tool. Each command lives in its own file (ctl-*.c) and
 * is listed here; `mcmigctl help` shows them.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

static const struct ctl_command *const commands[] = {
	&ctl_check_command,    &ctl_card_command,
	&ctl_register_command, &ctl_status_command,
	&ctl_migrate_command,  &ctl_return_command,
	&ctl_timeline_command, &ctl_watch_command,
	&ctl_login_command,    NULL,
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: mcmigctl COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; commands[i]; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "  %-10s %s\n", "version", "print the version");
	fprintf(f, "\nexit codes: see each command's --help\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CTL_EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("mcmigctl %s\n", MCMIG_VERSION);
		return 0;
	}
	for (i = 0; commands[i]; i++)
		if (strcmp(commands[i]->name, argv[1]) == 0)
			return commands[i]->main(argc - 1, argv + 1);
	fprintf(stderr, "mcmigctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CTL_EXIT_USAGE;
}
