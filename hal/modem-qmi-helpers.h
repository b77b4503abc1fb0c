/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure translation of libqmi's codes for hal/modem-qmi.c (style.md: backend
 * translation of library codes in pure helper files tested by tables, as
 * ModemManager's mm-modem-helpers-qmi.c). No device, no main loop; the
 * backend and tests/unit/test_modem_qmi_helpers.c link it.
 */
#ifndef MCMIG_MODEM_QMI_HELPERS_H
#define MCMIG_MODEM_QMI_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libqmi-glib.h>

#include "modem.h"

/*
 * Why a call ended (WDS Start Network answer, Packet Service Status
 * indication): a verbose reason of type 3GPP is the TS 24.301 / TS 24.008
 * cause and reads as on every backend (modem_cause_reason()); another verbose
 * reason or the generic call end reason is named by libqmi. Fills @reason and
 * returns -errno, or 0 (reason untouched) when the modem gave neither.
 */
int modem_qmi_call_end(bool has_verbose, QmiWdsVerboseCallEndReasonType vtype, gint16 vreason,
		       bool has_end, QmiWdsCallEndReason end, char *reason, size_t size);

/* A QMI_PROTOCOL_ERROR code (the QMI result TLV's error) as -errno. */
int modem_qmi_protocol_errno(gint code);

/*
 * Any GError of a libqmi call as -errno, with "@step: message" in @reason.
 * @vanished: the device already announced its removal (then a generic core
 * error is the modem gone, -ENODEV). Logs the original at debug level.
 */
int modem_qmi_gerror(const GError *e, bool vanished, const char *step, char *reason, size_t size);

/* The data port's format as WDA Get Data Format reported it. */
struct modem_qmi_format {
	bool known; /* false: the modem did not say (Get Data Format refused) */
	QmiWdaLinkLayerProtocol ll;
	QmiWdaDataAggregationProtocol ul, dl;
};

/*
 * What to do about the data format before a PDN: it must be raw IP, with
 * QMAP both ways when @muxed. 0 with *@set false: the modem already has it,
 * send nothing. 0 with *@set true: send WDA Set Data Format (nobody else
 * uses the modem). -EBUSY with @reason when it differs (or is unknown) and
 * @shared: another PDN runs on the modem and a change would cut it.
 */
int modem_qmi_data_format_plan(const struct modem_qmi_format *cur, bool muxed, bool shared,
			       bool *set, char *reason, size_t size);

/*
 * What WDS Get Current Settings (0x002D) gave, as libqmi hands it out: IPv4
 * addresses as host-order u32 (TLVs 0x15, 0x16, 0x1E, 0x20, 0x21, 0x23),
 * IPv6 addresses as eight host-order u16 words (TLVs 0x25 address + prefix,
 * 0x26 gateway + prefix, 0x27/0x28 DNS).
 */
struct modem_qmi_settings_raw {
	bool has_ip4, has_mask4, has_gw4, has_dns4[2];
	uint32_t ip4, mask4, gw4, dns4[2];
	bool has_ip6, has_gw6, has_dns6[2];
	uint16_t ip6[8], gw6[8], dns6[2][8];
	uint8_t prefix6;
	uint32_t pcscf4[MODEM_PCSCF_MAX];
	size_t n_pcscf4;
	bool has_mtu;
	uint32_t mtu;
};

/*
 * @r as text in @s (ifname untouched, everything else replaced). Returns 0,
 * or -EPROTO when it holds no IP address at all or an IPv6 prefix over 128.
 */
int modem_qmi_settings_from_raw(const struct modem_qmi_settings_raw *r,
				struct modem_pdn_settings *s);

/*
 * Adds a dual-stack PDN's second family (@from, from the other WDS client)
 * to @into: the addresses @into lacks, DNS servers and P-CSCFs after its own
 * (as many as fit, none twice), the smaller MTU when both give one.
 */
void modem_qmi_settings_merge(struct modem_pdn_settings *into,
			      const struct modem_pdn_settings *from);

#endif
