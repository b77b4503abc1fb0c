/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration parsers: mcmig.conf (agent/mcmigd-config.c) and the
 * board files (hal/board.c), both GKeyFile-style INI text. A refusal names
 * what is wrong; an accepted file leaves terminated strings and a board
 * that board_match() can choose from a devicetree list it lists.
 */
#include <errno.h>
#include <string.h>

#include "board.h"
#include "fuzz.h"
#include "mcmigd-config.h"

static void daemon_config(const uint8_t *data, size_t size)
{
	static struct mcmigd_config cfg;
	char err[256] = "";
	int ret;

	ret = mcmigd_config_parse((const char *)data, size, &cfg, err, sizeof(err));
	if (ret) {
		fuzz_require(ret == -EINVAL || ret == -ENOMEM, "mcmig.conf: documented error");
		fuzz_require(err[0] != '\0', "mcmig.conf: refusal explained");
		return;
	}
	fuzz_require(cfg.mc_service_id[0] && fuzz_terminated(cfg.state_dir, sizeof(cfg.state_dir)),
		     "mcmig.conf: service id and state dir");
	mcmigd_config_has_modem(&cfg);
}

static void board(const uint8_t *data, size_t size)
{
	struct board b;
	char err[BOARD_ERR_MAX] = "";
	size_t i;
	int ret;

	ret = board_parse((const char *)data, size, &b, err, sizeof(err));
	if (ret) {
		fuzz_require(ret == -EINVAL, "board: -EINVAL");
		fuzz_require(err[0] != '\0', "board: refusal explained");
		return;
	}
	fuzz_require(b.n_compatible <= BOARD_COMPAT_MAX, "board: compatible list fits");
	for (i = 0; i < b.n_compatible; i++) {
		const char *c = b.compatible[i];

		fuzz_require(fuzz_terminated(c, BOARD_STR_MAX), "board: compatible terminated");
		/* The devicetree property: NUL-separated, the last one terminated too. */
		fuzz_require(board_match(&b, 1, c, strlen(c) + 1) == 0,
			     "board: chosen by a compatible it lists");
	}
	board_match(&b, 1, (const char *)data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	daemon_config(data, size);
	board(data, size);
	return 0;
}
