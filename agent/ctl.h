/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mcmigctl commands: one struct per ctl-*.c file, listed in mcmigctl.c. */
#ifndef MCMIG_CTL_H
#define MCMIG_CTL_H

/* Exit codes shared by every command (documented in README.md). */
enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_FAILURE = 1,	   /* the operation ran and failed (see the message) */
	CTL_EXIT_USAGE = 2,	   /* bad arguments */
	CTL_EXIT_UNAVAILABLE = 3,  /* reader/card/daemon/network not reachable */
	CTL_EXIT_SYNC_FAILURE = 4, /* card auth: sync failure (AUTS printed) */
	CTL_EXIT_MAC_FAILURE = 5,  /* card auth: network MAC invalid */
	CTL_EXIT_REFUSED = 6,	   /* the network refused (e.g. SIP 403) */
};

struct ctl_command {
	const char *name;
	const char *summary;
	int (*main)(int argc, char **argv);
};

extern const struct ctl_command ctl_check_command;
extern const struct ctl_command ctl_card_command;
extern const struct ctl_command ctl_register_command;
extern const struct ctl_command ctl_status_command;
extern const struct ctl_command ctl_migrate_command;
extern const struct ctl_command ctl_return_command;
extern const struct ctl_command ctl_timeline_command;
extern const struct ctl_command ctl_watch_command;
extern const struct ctl_command ctl_login_command;

#endif
