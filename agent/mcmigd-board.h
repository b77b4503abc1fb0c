/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Board data (boards/<id>.conf, hal/board.h) applied to a parsed mcmig.conf:
 * the one place that decides which modem, partner netdev and reader a
 * configuration ends up with, for mcmigd and for `mcmigctl check`.
 */
#ifndef MCMIG_MCMIGD_BOARD_H
#define MCMIG_MCMIGD_BOARD_H

#include <stddef.h>

struct mcmigd_config;
struct netdev_ops;

/*
 * Fills what mcmig.conf leaves open from the board ([agent] board=, else the
 * devicetree) in @default_dir unless [agent] boards-dir names another;
 * without [agent] board= and with [modem] named, no board is used. @link_ops
 * makes the partner's mux links when the board has them. 0 with @desc
 * ("ID (NAME)", "" without a board), or -errno with @err naming the cause.
 */
int mcmigd_config_apply_board(struct mcmigd_config *c, const char *default_dir,
			      const struct netdev_ops *link_ops, char *desc, size_t desc_len,
			      char *err, size_t err_len);

#endif
