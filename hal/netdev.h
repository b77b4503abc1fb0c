/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data path of a PDN: link state, addresses, routes and MTU on the netdev
 * the modem backend named (wwan0, or a mux link on real hardware). The agent
 * applies a PDN's settings here after the modem connected it. One backend per
 * file (OpenWrt netifd's system-linux.c vs system-dummy.c): netdev-linux.c
 * speaks rtnetlink; tests run it against a tun device named like a modem
 * netdev inside a private network namespace.
 */
#ifndef MCMIG_NETDEV_H
#define MCMIG_NETDEV_H

#include "modem.h"

struct netdev_ops {
	const char *name;
	/* Link up, MTU, addresses, and a route to each P-CSCF through the PDN's gateway. */
	int (*configure)(const struct modem_pdn_settings *s);
	/* Removes what configure added; the link goes down. */
	int (*deconfigure)(const struct modem_pdn_settings *s);
};

extern const struct netdev_ops netdev_linux_ops;

#endif
