/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals of hal/modem-mbim.c shared with its unit test only. */
#ifndef MCMIG_MODEM_MBIM_PRIVATE_H
#define MCMIG_MODEM_MBIM_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Translates an MBIM status (MBIM 1.0 9.4.5) and, for MBIM_STATUS_FAILURE, the
 * 3GPP cause the device passed as NwError (TS 24.008 10.5.6.6, TS 24.301
 * 9.9.4.4) into -errno, writing a readable reason such as "missing or unknown
 * APN (3GPP cause 27)" (modem_cause_reason(), as on every backend) into @reason. Status 0 with NwError 0 is not a failure
 * and gives -EIO ("failure without a cause").
 */
int modem_mbim_failure(uint32_t status, uint32_t nw_error, char *reason, size_t size);

/*
 * Splits an MBIM ProviderId (MBIM 1.0 10.5.9: MCC followed by the 2- or 3-digit
 * MNC) into @mcc and @mnc (each at least 4 bytes). Returns 0 or -EINVAL.
 */
int modem_mbim_provider_split(const char *provider_id, char *mcc, char *mnc);

#endif
