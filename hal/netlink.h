/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure rtnetlink message codec for netdev-linux.c: builds requests into a
 * caller's buffer and parses the kernel's ACK/ERROR replies. No sockets, no
 * globals; unit tests feed it byte vectors.
 */
#ifndef MCMIG_NETLINK_H
#define MCMIG_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The largest errno the kernel reports (MAX_ERRNO, include/linux/err.h): an
 * NLMSG_ERROR beyond it is malformed, not an error callers could negate.
 */
#define NL_MAX_ERRNO 4095

/* A request being built; overflow is sticky and reported by nl_msg_end(). */
struct nl_msg {
	uint8_t *buf;
	size_t size;
	size_t len;
	bool overflow;
};

/* Starts a message (struct nlmsghdr) of @type with @flags and @seq in @buf. */
void nl_msg_begin(struct nl_msg *m, uint8_t *buf, size_t size, uint16_t type, uint16_t flags,
		  uint32_t seq);
/* Appends a zeroed, aligned family header of @len bytes (ifinfomsg, ifaddrmsg,
 * rtmsg) and returns it, or NULL on overflow. */
void *nl_msg_put_hdr(struct nl_msg *m, size_t len);
/* Appends one attribute (struct rtattr) of @len bytes, padded to 4. */
void nl_msg_put_attr(struct nl_msg *m, uint16_t type, const void *data, size_t len);
void nl_msg_put_u32(struct nl_msg *m, uint16_t type, uint32_t v);
void nl_msg_put_u16(struct nl_msg *m, uint16_t type, uint16_t v);
/*
 * Opens a nested attribute of @type (IFLA_LINKINFO, IFLA_INFO_DATA); returns
 * the offset to hand to nl_msg_nest_end(), which writes its length.
 */
size_t nl_msg_nest_begin(struct nl_msg *m, uint16_t type);
void nl_msg_nest_end(struct nl_msg *m, size_t start);
/* Writes the total length into the header; returns its length or -EMSGSIZE. */
int nl_msg_end(struct nl_msg *m);

/*
 * An rmnet link @name on @parent_ifindex for QMAP @mux_id, as
 * `ip link add link PARENT name NAME type rmnet mux_id ID` sends it:
 * RTM_NEWLINK (create, exclusive) with IFLA_IFNAME, IFLA_LINK and
 * IFLA_LINKINFO { IFLA_INFO_KIND "rmnet", IFLA_INFO_DATA { IFLA_RMNET_MUX_ID } }.
 * Returns the message length or -EMSGSIZE.
 */
int nl_build_rmnet_newlink(uint8_t *buf, size_t size, uint32_t seq, const char *name,
			   int parent_ifindex, uint16_t mux_id);

/*
 * Finds the NLMSG_ERROR reply to @seq in @buf (one datagram, possibly several
 * messages). On success returns 0 and sets *@err to the kernel's answer (0 for
 * an ACK, else -errno) and copies the extended-ACK text (NLMSGERR_ATTR_MSG),
 * if any, into @msg (size @msg_size, "" when absent). Returns -EBADMSG when
 * the datagram is malformed or truncated (or its error is not an errno), -ENOMSG when it holds no answer to
 * @seq.
 */
int nl_parse_ack(const uint8_t *buf, size_t len, uint32_t seq, int *err, char *msg,
		 size_t msg_size);

#endif
