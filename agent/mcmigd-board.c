// SPDX-License-Identifier: GPL-2.0-or-later
/* Board data applied to mcmig.conf (mcmigd-board.h). */
#include <stdio.h>

#include "board.h"
#include "mcmigd-board.h"
#include "mcmigd-config.h"
#include "util.h"

static void take(char *dst, size_t size, const char *board_value)
{
	if (!dst[0] && board_value[0])
		util_strlcpy(dst, board_value, size);
}

int mcmigd_config_apply_board(struct mcmigd_config *c, const char *default_dir,
			      const struct netdev_ops *link_ops, char *desc, size_t desc_len,
			      char *err, size_t err_len)
{
	struct board b;
	int ret;

	desc[0] = '\0';
	if (!c->board[0] && mcmigd_config_has_modem(c))
		return 0;
	ret = board_select(c->boards_dir[0] ? c->boards_dir : default_dir,
			   c->board[0] ? c->board : NULL, NULL, &b, err, err_len);
	if (ret < 0)
		return ret;
	snprintf(desc, desc_len, "%s (%s)", b.id, b.name);
	if (!mcmigd_config_has_modem(c)) {
		take(c->modem_backend, sizeof(c->modem_backend), b.modem_backend);
		take(c->modem_device, sizeof(c->modem_device), b.modem_device);
	}
	take(c->modem_proxy, sizeof(c->modem_proxy), b.modem_proxy);
	take(c->modem_bus, sizeof(c->modem_bus), b.modem_bus);
	if (!c->modem_netdev[0]) {
		/* The board's partner link comes with its mux data (board.h). */
		c->modem.mux_id = b.netdev_partner_mux_id;
		c->modem.shared = b.netdev_primary_mux_id != 0;
		c->modem.data_iface = b.modem_data_iface;
		if (board_link(&b, &c->modem_link)) {
			util_strlcpy(c->modem_link_parent, b.netdev_parent,
				     sizeof(c->modem_link_parent));
			c->modem_link.parent = c->modem_link_parent;
			c->modem_link.name = NULL; /* the backend names each PDN's link */
			c->modem.link = &c->modem_link;
			c->modem.link_ops = link_ops;
		}
	}
	take(c->modem_netdev, sizeof(c->modem_netdev), b.netdev_partner);
	take(c->card_reader, sizeof(c->card_reader), b.uicc_reader);
	if (!c->modem.timeout_ms)
		c->modem.timeout_ms = b.modem_timeout_ms;
	mcmigd_config_finish(c);
	return 0;
}
