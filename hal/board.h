/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Board data: which modem backend and device, which data netdevs, which
 * reader a board has, read from boards/<id>.conf (GKeyFile-style INI, see
 * boards/README.md). A board is chosen by configuration or by the devicetree
 * `compatible` list; code never branches on a board's name.
 */
#ifndef MCMIG_BOARD_H
#define MCMIG_BOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "modem.h"

#define BOARD_STR_MAX	 128
#define BOARD_COMPAT_MAX 8
#define BOARD_ERR_MAX	 160
#define BOARD_FILE_MAX	 16384
#define BOARD_DT_PATH	 "/proc/device-tree/compatible"

struct board {
	char id[BOARD_STR_MAX]; /* file name without ".conf" */
	char name[BOARD_STR_MAX];
	char compatible[BOARD_COMPAT_MAX][BOARD_STR_MAX];
	size_t n_compatible;
	bool fallback;	       /* chosen when no board matches the devicetree */
	char modem_backend[8]; /* "qmi", "mbim", "mm" */
	char modem_device[BOARD_STR_MAX];
	char modem_proxy[BOARD_STR_MAX];
	char modem_bus[BOARD_STR_MAX];
	unsigned int modem_timeout_ms;
	unsigned int modem_data_iface; /* USB interface of the QMI data port; 0 = unknown */
	char netdev_primary[MODEM_IFNAME_MAX];
	/* One name, or one per partner PDN, comma-separated (QMI slot i: mux id partner-mux-id + i). */
	char netdev_partner[MODEM_NETDEV_LIST_MAX];
	/* QMAP mux ids (1-254) of the primary and partner PDNs; 0 = not multiplexed. */
	unsigned int netdev_primary_mux_id;
	unsigned int netdev_partner_mux_id;
	char netdev_partner_link[16];	      /* "existing" (or ""), "qmi_wwan", "rmnet" */
	char netdev_parent[MODEM_IFNAME_MAX]; /* where a partner link is made */
	char uicc_backend[8];		      /* "pcsc" */
	char uicc_reader[BOARD_STR_MAX];
};

/*
 * Parses one board file held in @buf. Returns 0, or -EINVAL with a message
 * naming the line and key (or the missing key) in @err.
 */
int board_parse(const char *buf, size_t len, struct board *b, char *err, size_t err_size);

/*
 * The board for a devicetree `compatible` property @dt (NUL-separated, most
 * specific first): the first entry any board lists wins; among boards
 * listing it, the first in @boards. Without a match, the first fallback
 * board. Returns its index or -ENOENT.
 */
int board_match(const struct board *boards, size_t n, const char *dt, size_t dt_len);

/*
 * Loads every *.conf of @dir (in name order) and chooses: the board whose id
 * is @configured when set, else by the devicetree read from @dt_path (NULL =
 * BOARD_DT_PATH; a missing file counts as an empty list). Returns 0, -ENOENT
 * or the parse error, with a message in @err.
 */
int board_select(const char *dir, const char *configured, const char *dt_path, struct board *out,
		 char *err, size_t err_size);

struct netdev_link;

/*
 * Fills @l with the partner's mux link (kind, parent, name, mux id; valid
 * while @b lives). Returns true when the link is to be made (not "existing").
 */
bool board_link(const struct board *b, struct netdev_link *l);

/* Points @cfg's fields at @b's modem data (valid while @b lives). */
void board_modem_config(const struct board *b, struct modem_config *cfg);

#endif
