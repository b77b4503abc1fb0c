/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/bench/cms/cms-config.c: the bench CMS's configuration (GKeyFile),
 * with relative file names resolved in tests/bench/cms, where the static
 * configuration and the initial UE configuration of the seeds live.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "cms-config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cms_config *cfg = NULL;
	char *why = NULL;
	char *s = fuzz_strndup(data, size);
	int ret;

	/*
	 * The configuration names files the loader reads whole; a device or a
	 * kernel file (/dev/zero) would be read forever. An administrator's
	 * choice, not a parser input: left out.
	 */
	if (strstr(s, "/dev") || strstr(s, "/proc") || strstr(s, "/sys")) {
		free(s);
		return 0;
	}
	ret = cms_config_load_data(s, size, "tests/bench/cms", &cfg, &why);
	if (ret) {
		fuzz_require(ret == -EINVAL || ret == -ENOMEM, "config: documented error");
		fuzz_require(why && why[0], "config: refusal explained");
		fuzz_require(cfg == NULL, "config: nothing handed out on error");
		g_free(why);
	} else {
		fuzz_require(cfg != NULL, "config: handed out");
		cms_config_free(cfg);
	}
	free(s);
	return 0;
}
