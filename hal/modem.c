// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The modem HAL's plain types: credential wiping, names and their parsers
 * (the names are those of configuration and the CMS documents). Linked by every
 * backend and its test drivers; modem_ops_load() is in hal/modem-ops.c.
 */
#include <errno.h>
#include <stdio.h>
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

/*
 * TS 24.301 9.9.4.4 (ESM) and TS 24.008 10.5.6.6 (SM) share these numbers.
 * The errno says what the caller can do about it: -ENOENT the APN is not
 * there, -EACCES the credentials were refused, -EPERM the subscription does
 * not allow it, -EAFNOSUPPORT another PDN type may work, -EAGAIN later may
 * work, -ENOSPC too many PDNs, -EOPNOTSUPP never here.
 */
static const struct {
	unsigned int cause;
	int err;
	const char *text;
} modem_causes[] = {
	{ 8, -EPERM, "operator determined barring" },
	{ 22, -EAGAIN, "congestion" },
	{ 26, -EAGAIN, "insufficient resources" },
	{ 27, -ENOENT, "missing or unknown APN" },
	{ 28, -EAFNOSUPPORT, "unknown PDN type" },
	{ 29, -EACCES, "user authentication failed" },
	{ 30, -ECONNREFUSED, "activation rejected by the PDN gateway" },
	{ 31, -ECONNREFUSED, "activation rejected, unspecified" },
	{ 32, -EOPNOTSUPP, "service option not supported" },
	{ 33, -EPERM, "requested service option not subscribed" },
	{ 34, -EAGAIN, "service option temporarily out of order" },
	{ 35, -EBUSY, "PTI already in use" },
	{ 36, -ECONNRESET, "regular deactivation" },
	{ 37, -ECONNREFUSED, "EPS QoS not accepted" },
	{ 38, -ENETUNREACH, "network failure" },
	{ 39, -ECONNRESET, "reactivation requested" },
	{ 50, -EAFNOSUPPORT, "PDN type IPv4 only allowed" },
	{ 51, -EAFNOSUPPORT, "PDN type IPv6 only allowed" },
	{ 54, -ENOTCONN, "PDN connection does not exist" },
	{ 55, -EBUSY, "multiple PDN connections for this APN not allowed" },
	{ 65, -ENOSPC, "maximum number of PDN connections reached" },
	{ 66, -EOPNOTSUPP, "requested APN not supported in this RAT and PLMN" },
	{ 111, -EPROTO, "protocol error, unspecified" },
	{ 112, -ECONNREFUSED, "APN restriction incompatible with the active PDN" },
};

static int modem_cause_find(unsigned int cause)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modem_causes); i++)
		if (modem_causes[i].cause == cause)
			return (int)i;
	return -1;
}

int modem_cause_errno(unsigned int cause)
{
	int i = modem_cause_find(cause);

	return i < 0 ? -ECONNREFUSED : modem_causes[i].err;
}

const char *modem_cause_text(unsigned int cause)
{
	int i = modem_cause_find(cause);

	return i < 0 ? "rejected by the network" : modem_causes[i].text;
}

int modem_cause_reason(unsigned int cause, char *reason, size_t size)
{
	snprintf(reason, size, "%s (3GPP cause %u)", modem_cause_text(cause), cause);
	return modem_cause_errno(cause);
}
