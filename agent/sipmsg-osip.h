/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libosip2 for the SIP codecs that read messages from the network
 * (sipmsg.c, sipsub.c, mcsvc-msg.c); sipmsg.c owns its setup. Only these
 * codecs include this header: libosip2's types stay out of the others'.
 */
#ifndef MCMIG_SIPMSG_OSIP_H
#define MCMIG_SIPMSG_OSIP_H

#include <stddef.h>
#include <stdint.h>

#include <osipparser2/osip_parser.h>

/*
 * The checks before parsing (RFC 3261 18.3): not empty, at most
 * SIPMSG_MAX_LEN bytes, no NUL byte, and an end of headers, whose CRLFCRLF
 * *@eoh points at (NULL accepted). Returns 0, or -EBADMSG with *@err naming
 * what was wrong.
 */
int sipmsg_osip_frame(const uint8_t *buf, size_t len, const uint8_t **eoh, const char **err);

/*
 * libosip2's parse of @buf, the parser set up once (its own error output
 * silenced: our refusals name what was wrong). Returns 0 with *@msg to free
 * with osip_message_free(), -ENOMEM, or -EBADMSG when libosip2 refused it.
 */
int sipmsg_osip_parse(const uint8_t *buf, size_t len, osip_message_t **msg);

#endif
