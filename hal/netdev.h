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

/* How a PDN's mux link comes to be (board data [netdev] partner-link). */
enum netdev_link_kind {
	NETDEV_LINK_EXISTING, /* made by the system or the bench: nothing to do */
	/* qmi_wwan: the mux id written to /sys/class/net/PARENT/qmi/add_mux and del_mux */
	NETDEV_LINK_QMI_WWAN,
	NETDEV_LINK_RMNET, /* rmnet over rtnetlink: RTM_NEWLINK / RTM_DELLINK on PARENT */
};

struct netdev_link {
	enum netdev_link_kind kind;
	const char *parent; /* the modem's raw-ip netdev, e.g. wwan0 */
	/* The link's name; qmi_wwan names its links itself (qmimuxN): checked. */
	const char *name;
	unsigned int mux_id; /* QMAP mux id, 1-254 */
	const char *sysfs;   /* NULL: "/sys"; tests point it at a tree of their own */
};

struct netdev_ops {
	const char *name;
	/* Link up, MTU, addresses, and a route to each P-CSCF through the PDN's gateway. */
	int (*configure)(const struct modem_pdn_settings *s);
	/* Removes what configure added; the link goes down. */
	int (*deconfigure)(const struct modem_pdn_settings *s);
	/*
	 * Creates the mux link @l. 0 when created (remove it with link_del),
	 * -EEXIST when a link of that name and mux id is already there (not
	 * ours to remove), else -errno.
	 */
	int (*link_add)(const struct netdev_link *l);
	int (*link_del)(const struct netdev_link *l);
};

extern const struct netdev_ops netdev_linux_ops;

#endif
