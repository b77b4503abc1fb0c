// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libqmi codes as -errno and reasons: see modem-qmi-helpers.h. Tested by
 * tables in tests/unit/test_modem_qmi_helpers.c.
 */
#define G_LOG_DOMAIN "mcmig-modem-qmi"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "modem-qmi-helpers.h"
#include "modem.h"

/*
 * The reason a call ended: the verbose reason when the modem gave one (a 3GPP
 * cause where there is one), else the generic call end reason.
 */
int modem_qmi_call_end(bool has_verbose, QmiWdsVerboseCallEndReasonType vtype, gint16 vreason,
		       bool has_end, QmiWdsCallEndReason end, char *reason, size_t size)
{
	const char *s;

	/* One meaning for one cause: the table every backend uses (hal/modem.c). */
	if (has_verbose && vtype == QMI_WDS_VERBOSE_CALL_END_REASON_TYPE_3GPP && vreason >= 0)
		return modem_cause_reason((unsigned int)vreason, reason, size);
	if (has_verbose && (s = qmi_wds_verbose_call_end_reason_get_string(vtype, vreason))) {
		snprintf(reason, size, "%s (%s reason %d)", s,
			 qmi_wds_verbose_call_end_reason_type_get_string(vtype), vreason);
		return -ECONNREFUSED;
	}
	if (has_end && (s = qmi_wds_call_end_reason_get_string(end))) {
		snprintf(reason, size, "%s (call end reason %d)", s, end);
		return end == QMI_WDS_CALL_END_REASON_GENERIC_AUTHENTICATION_FAILED ? -EACCES :
										      -ECONNREFUSED;
	}
	return 0;
}

int modem_qmi_protocol_errno(gint code)
{
	switch (code) {
	case QMI_PROTOCOL_ERROR_CALL_FAILED:
	case QMI_PROTOCOL_ERROR_NO_NETWORK_FOUND:
		return -ECONNREFUSED;
	case QMI_PROTOCOL_ERROR_AUTHENTICATION_FAILED:
		return -EACCES;
	case QMI_PROTOCOL_ERROR_CLIENT_IDS_EXHAUSTED:
		return -EBUSY;
	case QMI_PROTOCOL_ERROR_INVALID_QMI_COMMAND:
	case QMI_PROTOCOL_ERROR_NOT_SUPPORTED:
	case QMI_PROTOCOL_ERROR_INVALID_SERVICE_TYPE:
		return -EOPNOTSUPP;
	case QMI_PROTOCOL_ERROR_MALFORMED_MESSAGE:
	case QMI_PROTOCOL_ERROR_MISSING_ARGUMENT:
	case QMI_PROTOCOL_ERROR_INVALID_ARGUMENT:
	case QMI_PROTOCOL_ERROR_ARGUMENT_TOO_LONG:
		return -EINVAL;
	case QMI_PROTOCOL_ERROR_DEVICE_NOT_READY:
		return -EAGAIN;
	case QMI_PROTOCOL_ERROR_NO_EFFECT:
		return -EALREADY;
	case QMI_PROTOCOL_ERROR_OUT_OF_CALL:
		return -ENOTCONN;
	case QMI_PROTOCOL_ERROR_INVALID_CLIENT_ID:
		return -ENOENT; /* a client id the modem does not know (any more) */
	}
	return -EIO;
}

int modem_qmi_gerror(const GError *e, bool vanished, const char *step, char *reason, size_t size)
{
	int err = -EIO;

	g_debug("%s failed: %s (%s %d)", step, e->message, g_quark_to_string(e->domain), e->code);
	if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		err = -ECANCELED;
	} else if (e->domain == QMI_PROTOCOL_ERROR) {
		err = modem_qmi_protocol_errno(e->code);
	} else if (e->domain == QMI_CORE_ERROR) {
		switch (e->code) {
		case QMI_CORE_ERROR_TIMEOUT:
			err = -ETIMEDOUT;
			break;
		case QMI_CORE_ERROR_WRONG_STATE:
			err = -ENOTCONN;
			break;
		case QMI_CORE_ERROR_UNSUPPORTED:
			err = -EOPNOTSUPP;
			break;
		case QMI_CORE_ERROR_INVALID_ARGS:
			err = -EINVAL;
			break;
		case QMI_CORE_ERROR_INVALID_MESSAGE:
		case QMI_CORE_ERROR_TLV_NOT_FOUND:
		case QMI_CORE_ERROR_TLV_TOO_LONG:
		case QMI_CORE_ERROR_TLV_EMPTY:
		case QMI_CORE_ERROR_UNEXPECTED_MESSAGE:
		case QMI_CORE_ERROR_INVALID_DATA:
			err = -EBADMSG;
			break;
		default:
			/*
			 * libqmi fails pending transactions with a generic
			 * error ("endpoint hangup") just before it announces
			 * device-removed: the modem or its proxy went away.
			 */
			err = vanished ? -ENODEV : strstr(e->message, "hangup") ? -ENODEV : -EIO;
			break;
		}
	} else if (e->domain == G_IO_ERROR) {
		err = e->code == G_IO_ERROR_NOT_FOUND ? -ENOENT : -ENODEV;
	}
	snprintf(reason, size, "%s: %s", step, e->message);
	return err;
}

static const char *modem_qmi_format_str(const struct modem_qmi_format *f, char *buf, size_t size)
{
	const char *ll = qmi_wda_link_layer_protocol_get_string(f->ll);

	if (!f->known)
		return "unknown";
	snprintf(buf, size, "%s%s", ll ? ll : "unknown",
		 f->ul == QMI_WDA_DATA_AGGREGATION_PROTOCOL_QMAP &&
				 f->dl == QMI_WDA_DATA_AGGREGATION_PROTOCOL_QMAP ?
			 " with QMAP" :
		 f->ul == QMI_WDA_DATA_AGGREGATION_PROTOCOL_DISABLED &&
				 f->dl == QMI_WDA_DATA_AGGREGATION_PROTOCOL_DISABLED ?
			 " without aggregation" :
			 " with other aggregation");
	return buf;
}

int modem_qmi_data_format_plan(const struct modem_qmi_format *cur, bool muxed, bool shared,
			       bool *set, char *reason, size_t size)
{
	QmiWdaDataAggregationProtocol agg = muxed ? QMI_WDA_DATA_AGGREGATION_PROTOCOL_QMAP :
						    QMI_WDA_DATA_AGGREGATION_PROTOCOL_DISABLED;
	char have[64];

	*set = false;
	if (cur->known && cur->ll == QMI_WDA_LINK_LAYER_PROTOCOL_RAW_IP && cur->ul == agg &&
	    cur->dl == agg)
		return 0;
	if (!shared) {
		*set = true;
		return 0;
	}
	/*
	 * The format is one per data port: every PDN on it, the primary's
	 * included, is framed by it. Make-before-break means the primary
	 * stays as it is, so our PDN fits the port or does not come up.
	 */
	snprintf(reason, size,
		 "data format is %s, needs raw-ip %s: not changed under the primary PDN",
		 modem_qmi_format_str(cur, have, sizeof(have)),
		 muxed ? "with QMAP" : "without aggregation");
	return -EBUSY;
}

static void modem_qmi_ip4(uint32_t v, char *out)
{
	struct in_addr a = { .s_addr = htonl(v) };

	inet_ntop(AF_INET, &a, out, MODEM_ADDR_MAX);
}

/* libqmi's eight words are the address's 16-bit groups, most significant first. */
static void modem_qmi_ip6(const uint16_t w[8], char *out)
{
	struct in6_addr a;
	unsigned int i;

	for (i = 0; i < 8; i++) {
		a.s6_addr[2 * i] = (uint8_t)(w[i] >> 8);
		a.s6_addr[2 * i + 1] = (uint8_t)w[i];
	}
	inet_ntop(AF_INET6, &a, out, MODEM_ADDR_MAX);
}

static unsigned int modem_qmi_mask_prefix(uint32_t mask)
{
	unsigned int n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return n;
}

int modem_qmi_settings_from_raw(const struct modem_qmi_settings_raw *r,
				struct modem_pdn_settings *s)
{
	char ifname[MODEM_IFNAME_MAX];
	size_t i;

	memcpy(ifname, s->ifname, sizeof(ifname));
	memset(s, 0, sizeof(*s));
	memcpy(s->ifname, ifname, sizeof(ifname));
	if ((!r->has_ip4 && !r->has_ip6) || (r->has_ip6 && r->prefix6 > 128))
		return -EPROTO;
	if (r->has_ip4)
		modem_qmi_ip4(r->ip4, s->addr4);
	if (r->has_mask4)
		s->prefix4 = modem_qmi_mask_prefix(r->mask4);
	if (r->has_gw4)
		modem_qmi_ip4(r->gw4, s->gw4);
	if (r->has_ip6) {
		modem_qmi_ip6(r->ip6, s->addr6);
		s->prefix6 = r->prefix6;
	}
	if (r->has_gw6)
		modem_qmi_ip6(r->gw6, s->gw6);
	for (i = 0; i < 2; i++)
		if (r->has_dns4[i])
			modem_qmi_ip4(r->dns4[i], s->dns[s->n_dns++]);
	for (i = 0; i < 2; i++)
		if (r->has_dns6[i])
			modem_qmi_ip6(r->dns6[i], s->dns[s->n_dns++]);
	/* TS 24.229 9.2.1: P-CSCF addresses from the PDN connection's PCO. */
	for (i = 0; i < r->n_pcscf4 && i < MODEM_PCSCF_MAX; i++)
		modem_qmi_ip4(r->pcscf4[i], s->pcscf[s->n_pcscf++]);
	if (r->has_mtu)
		s->mtu = r->mtu;
	return 0;
}

static bool modem_qmi_listed(char list[][MODEM_ADDR_MAX], size_t n, const char *addr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], addr))
			return true;
	return false;
}

void modem_qmi_settings_merge(struct modem_pdn_settings *into,
			      const struct modem_pdn_settings *from)
{
	size_t i;

	if (!into->addr4[0] && from->addr4[0]) {
		memcpy(into->addr4, from->addr4, sizeof(into->addr4));
		into->prefix4 = from->prefix4;
		memcpy(into->gw4, from->gw4, sizeof(into->gw4));
	}
	if (!into->addr6[0] && from->addr6[0]) {
		memcpy(into->addr6, from->addr6, sizeof(into->addr6));
		into->prefix6 = from->prefix6;
		memcpy(into->gw6, from->gw6, sizeof(into->gw6));
	}
	for (i = 0; i < from->n_dns && into->n_dns < MODEM_DNS_MAX; i++)
		if (!modem_qmi_listed(into->dns, into->n_dns, from->dns[i]))
			memcpy(into->dns[into->n_dns++], from->dns[i], MODEM_ADDR_MAX);
	for (i = 0; i < from->n_pcscf && into->n_pcscf < MODEM_PCSCF_MAX; i++)
		if (!modem_qmi_listed(into->pcscf, into->n_pcscf, from->pcscf[i]))
			memcpy(into->pcscf[into->n_pcscf++], from->pcscf[i], MODEM_ADDR_MAX);
	/* One link, one MTU: the smaller one fits both families' paths. */
	if (from->mtu && (!into->mtu || from->mtu < into->mtu))
		into->mtu = from->mtu;
}
