// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uicc-probe: one hal/uicc handle kept open across commands read from stdin,
 * to show the library's own behaviour when the card is pulled, the reader
 * vanishes or pcscd restarts between or during calls (tests/integration/card.sh).
 *
 *   info               -> "ok impi=... app=isim|usim channel=logical|basic"
 *   auth RAND AUTN     -> "ok res=..." | "sync auts=..." | "mac" | "error -N text"
 *
 * Bench only: prints RES so that the test can compare it with the vector.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "uicc.h"
#include "util.h"

int main(int argc, char **argv)
{
	const struct uicc_config cfg = { .reader = argc > 1 ? argv[1] : NULL, .timeout_ms = 3000 };
	struct uicc_auth_result res;
	struct uicc_info info;
	struct uicc *u;
	char line[256], a[64], b[64], h[64];
	uint8_t rand[16], autn[16];
	uint16_t sw;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	r = uicc_open(&u, &uicc_pcsc_ops, &cfg);
	if (r < 0) {
		printf("error %d %s\n", r, uicc_strerror(r));
		return 1;
	}
	printf("ready\n");
	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "info", 4)) {
			r = uicc_read_info(u, &info);
			if (r < 0)
				printf("error %d %s\n", r, uicc_strerror(r));
			else
				printf("ok impi=%s app=%s channel=%s\n", info.impi,
				       info.app == UICC_APP_ISIM ? "isim" : "usim",
				       info.logical_channel ? "logical" : "basic");
			continue;
		}
		if (sscanf(line, "auth %63s %63s", a, b) != 2 || util_hex_decode(a, rand, 16) ||
		    util_hex_decode(b, autn, 16)) {
			printf("error usage\n");
			continue;
		}
		r = uicc_authenticate(u, rand, autn, &res, &sw);
		if (r < 0) {
			printf("error %d %s (sw %04x)\n", r, uicc_strerror(r), sw);
			continue;
		}
		switch (res.status) {
		case UICC_AUTH_OK:
			util_hex_encode(res.res, res.res_len, h);
			printf("ok res=%s\n", h);
			break;
		case UICC_AUTH_SYNC_FAILURE:
			util_hex_encode(res.auts, UICC_AUTS_LEN, h);
			printf("sync auts=%s\n", h);
			break;
		case UICC_AUTH_MAC_FAILURE:
			printf("mac\n");
			break;
		}
		uicc_auth_result_wipe(&res);
	}
	uicc_close(u);
	return 0;
}
