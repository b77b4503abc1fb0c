/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Watches one netdev's link over rtnetlink events (RTNLGRP_LINK): no polling.
 * The agent uses it for the primary PDN's netdev, which it does not own
 * (agent/primary.h). "Up" means administratively up with carrier
 * (IFF_UP and IFF_LOWER_UP): what the modem driver or the connection manager
 * that owns the primary PDN changes when the PDN goes away.
 *
 * linkwatch_parse() is the pure codec (byte vectors in the unit tests);
 * linkwatch_new() owns the socket on the GLib main loop.
 */
#ifndef MCMIG_LINKWATCH_H
#define MCMIG_LINKWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct linkwatch_link {
	bool present;
	bool admin_up; /* IFF_UP */
	bool carrier;  /* IFF_LOWER_UP */
};

/*
 * Applies the RTM_NEWLINK / RTM_DELLINK messages about @ifname in one
 * datagram @buf to @st; other interfaces and message types are skipped.
 * Sets *@done when the datagram ends a dump (NLMSG_DONE). Returns 1 when
 * @st was touched, 0 when not, -EBADMSG when a message is malformed or
 * truncated, or the kernel's -errno from an NLMSG_ERROR.
 */
int linkwatch_parse(const uint8_t *buf, size_t len, const char *ifname, struct linkwatch_link *st,
		    bool *done);

/* Up as the agent means it; @why (size @len) says why not, else "". */
bool linkwatch_link_up(const struct linkwatch_link *st, char *why, size_t len);

struct linkwatch;

/* Called on the first full picture and on every change of up/down. */
typedef void (*linkwatch_cb)(bool up, const char *why, void *user_data);

int linkwatch_new(struct linkwatch **lw, const char *ifname, linkwatch_cb cb, void *user_data);
void linkwatch_free(struct linkwatch *lw); /* NULL accepted */

/*
 * The state of @ifname now, once, without a watch (SIOCGIFFLAGS in the
 * caller's network namespace): for a check on demand. A missing link is
 * not an error (present false); -errno only if the socket fails.
 */
int linkwatch_query(const char *ifname, struct linkwatch_link *st);

#endif
