// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netdev-drv configure|deconfigure KEY=VALUE...: fills a modem_pdn_settings
 * from the arguments (ifname, addr4, prefix4, gw4, addr6, prefix6, gw6, mtu,
 * dns, pcscf and server repeatable) and applies it with netdev_linux_ops.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netdev.h"
#include "util.h"

static int drv_set(struct modem_pdn_settings *s, const char *key, const char *val)
{
	if (!strcmp(key, "ifname"))
		return util_strlcpy(s->ifname, val, sizeof(s->ifname));
	if (!strcmp(key, "addr4"))
		return util_strlcpy(s->addr4, val, sizeof(s->addr4));
	if (!strcmp(key, "gw4"))
		return util_strlcpy(s->gw4, val, sizeof(s->gw4));
	if (!strcmp(key, "addr6"))
		return util_strlcpy(s->addr6, val, sizeof(s->addr6));
	if (!strcmp(key, "gw6"))
		return util_strlcpy(s->gw6, val, sizeof(s->gw6));
	if (!strcmp(key, "prefix4"))
		return (s->prefix4 = (unsigned int)strtoul(val, NULL, 10)), 0;
	if (!strcmp(key, "prefix6"))
		return (s->prefix6 = (unsigned int)strtoul(val, NULL, 10)), 0;
	if (!strcmp(key, "mtu"))
		return (s->mtu = (unsigned int)strtoul(val, NULL, 10)), 0;
	if (!strcmp(key, "dns") && s->n_dns < MODEM_DNS_MAX)
		return util_strlcpy(s->dns[s->n_dns++], val, MODEM_ADDR_MAX);
	if (!strcmp(key, "pcscf") && s->n_pcscf < MODEM_PCSCF_MAX)
		return util_strlcpy(s->pcscf[s->n_pcscf++], val, MODEM_ADDR_MAX);
	if (!strcmp(key, "server") && s->n_server < MODEM_SERVER_MAX)
		return util_strlcpy(s->server[s->n_server++], val, MODEM_ADDR_MAX);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct modem_pdn_settings s = { 0 };
	bool add;
	int i, err;

	if (argc < 2 || (strcmp(argv[1], "configure") && strcmp(argv[1], "deconfigure"))) {
		fprintf(stderr, "usage: netdev-drv configure|deconfigure KEY=VALUE...\n");
		return 2;
	}
	add = !strcmp(argv[1], "configure");
	for (i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq) {
			fprintf(stderr, "netdev-drv: '%s' is not KEY=VALUE\n", argv[i]);
			return 2;
		}
		*eq = '\0';
		if (drv_set(&s, argv[i], eq + 1)) {
			fprintf(stderr, "netdev-drv: bad setting '%s'\n", argv[i]);
			return 2;
		}
	}
	err = add ? netdev_linux_ops.configure(&s) : netdev_linux_ops.deconfigure(&s);
	if (err) {
		fprintf(stderr, "netdev-drv: %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	return 0;
}
