// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The modem HAL's plain types: credential wiping, names and their parsers
 * (the names are those of configuration and the CMS documents). Linked by every
 * backend and its test drivers; modem_ops_find() is in hal/modem-ops.c.
 */
#include <errno.h>
#include <string.h>

#include "modem.h"
#include "util.h"

void modem_pdn_params_wipe(struct modem_pdn_params *p)
{
	util_wipe(p->username, sizeof(p->username));
	util_wipe(p->password, sizeof(p->password));
}

const char *modem_ip_type_str(enum modem_ip_type t)
{
	switch (t) {
	case MODEM_IP_V4:
		return "ipv4";
	case MODEM_IP_V6:
		return "ipv6";
	case MODEM_IP_V4V6:
		return "ipv4v6";
	}
	return "?";
}

int modem_ip_type_parse(const char *s, enum modem_ip_type *t)
{
	static const enum modem_ip_type all[] = { MODEM_IP_V4, MODEM_IP_V6, MODEM_IP_V4V6 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		if (strcmp(s, modem_ip_type_str(all[i])) == 0) {
			*t = all[i];
			return 0;
		}
	}
	return -EINVAL;
}

const char *modem_auth_str(enum modem_auth a)
{
	switch (a) {
	case MODEM_AUTH_NONE:
		return "none";
	case MODEM_AUTH_PAP:
		return "pap";
	case MODEM_AUTH_CHAP:
		return "chap";
	}
	return "?";
}

int modem_auth_parse(const char *s, enum modem_auth *a)
{
	static const enum modem_auth all[] = { MODEM_AUTH_NONE, MODEM_AUTH_PAP, MODEM_AUTH_CHAP };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		if (strcmp(s, modem_auth_str(all[i])) == 0) {
			*a = all[i];
			return 0;
		}
	}
	return -EINVAL;
}

const char *modem_reg_state_str(enum modem_reg_state r)
{
	switch (r) {
	case MODEM_REG_UNKNOWN:
		return "unknown";
	case MODEM_REG_NOT_REGISTERED:
		return "not-registered";
	case MODEM_REG_SEARCHING:
		return "searching";
	case MODEM_REG_HOME:
		return "home";
	case MODEM_REG_ROAMING:
		return "roaming";
	case MODEM_REG_DENIED:
		return "denied";
	}
	return "?";
}
