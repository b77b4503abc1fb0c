// SPDX-License-Identifier: GPL-2.0-or-later
/* rtnetlink request builder and ACK parser (see netlink.h). */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "netlink.h"

void nl_msg_begin(struct nl_msg *m, uint8_t *buf, size_t size, uint16_t type, uint16_t flags,
		  uint32_t seq)
{
	struct nlmsghdr h = {
		.nlmsg_type = type,
		.nlmsg_flags = flags,
		.nlmsg_seq = seq,
	};

	m->buf = buf;
	m->size = size;
	m->len = 0;
	m->overflow = size < NLMSG_HDRLEN;
	if (m->overflow)
		return;
	memset(buf, 0, NLMSG_HDRLEN);
	memcpy(buf, &h, sizeof(h));
	m->len = NLMSG_HDRLEN;
}

static uint8_t *nl_msg_reserve(struct nl_msg *m, size_t len)
{
	size_t aligned = NLMSG_ALIGN(len);
	uint8_t *p;

	if (m->overflow || aligned < len || m->size - m->len < aligned) {
		m->overflow = true;
		return NULL;
	}
	p = m->buf + m->len;
	memset(p, 0, aligned);
	m->len += aligned;
	return p;
}

void *nl_msg_put_hdr(struct nl_msg *m, size_t len)
{
	return nl_msg_reserve(m, len);
}

void nl_msg_put_attr(struct nl_msg *m, uint16_t type, const void *data, size_t len)
{
	struct rtattr rta;
	uint8_t *p;

	if (len > UINT16_MAX - RTA_LENGTH(0)) {
		m->overflow = true;
		return;
	}
	p = nl_msg_reserve(m, RTA_LENGTH(len));
	if (!p)
		return;
	rta.rta_len = (unsigned short)RTA_LENGTH(len);
	rta.rta_type = type;
	memcpy(p, &rta, sizeof(rta));
	if (len)
		memcpy(p + RTA_LENGTH(0), data, len);
}

void nl_msg_put_u32(struct nl_msg *m, uint16_t type, uint32_t v)
{
	nl_msg_put_attr(m, type, &v, sizeof(v));
}

void nl_msg_put_u16(struct nl_msg *m, uint16_t type, uint16_t v)
{
	nl_msg_put_attr(m, type, &v, sizeof(v));
}

size_t nl_msg_nest_begin(struct nl_msg *m, uint16_t type)
{
	size_t start = m->len;

	nl_msg_put_attr(m, type, NULL, 0);
	return start;
}

void nl_msg_nest_end(struct nl_msg *m, size_t start)
{
	unsigned short len;

	if (m->overflow)
		return;
	len = (unsigned short)(m->len - start);
	memcpy(m->buf + start + offsetof(struct rtattr, rta_len), &len, sizeof(len));
}

int nl_build_rmnet_newlink(uint8_t *buf, size_t size, uint32_t seq, const char *name,
			   int parent_ifindex, uint16_t mux_id)
{
	struct ifinfomsg *ifi;
	struct nl_msg m;
	size_t info, data;

	nl_msg_begin(&m, buf, size, RTM_NEWLINK,
		     NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq);
	ifi = nl_msg_put_hdr(&m, sizeof(*ifi));
	if (ifi)
		ifi->ifi_family = AF_UNSPEC;
	nl_msg_put_attr(&m, IFLA_IFNAME, name, strlen(name) + 1);
	nl_msg_put_u32(&m, IFLA_LINK, (uint32_t)parent_ifindex);
	info = nl_msg_nest_begin(&m, IFLA_LINKINFO);
	nl_msg_put_attr(&m, IFLA_INFO_KIND, "rmnet", sizeof("rmnet"));
	data = nl_msg_nest_begin(&m, IFLA_INFO_DATA);
	/* Without IFLA_RMNET_FLAGS the kernel deaggregates ingress QMAP, as needed. */
	nl_msg_put_u16(&m, IFLA_RMNET_MUX_ID, mux_id);
	nl_msg_nest_end(&m, data);
	nl_msg_nest_end(&m, info);
	return nl_msg_end(&m);
}

int nl_msg_end(struct nl_msg *m)
{
	uint32_t len = (uint32_t)m->len;

	if (m->overflow)
		return -EMSGSIZE;
	memcpy(m->buf + offsetof(struct nlmsghdr, nlmsg_len), &len, sizeof(len));
	return (int)m->len;
}

/* Extended ACK attributes (netlink(7), NETLINK_EXT_ACK) follow the error. */
static int nl_parse_ext_ack(const uint8_t *p, size_t len, char *msg, size_t msg_size)
{
	struct nlattr a;

	while (len > 0) {
		if (len < sizeof(a))
			return -EBADMSG;
		memcpy(&a, p, sizeof(a));
		if (a.nla_len < sizeof(a) || a.nla_len > len)
			return -EBADMSG;
		if (a.nla_type == NLMSGERR_ATTR_MSG && msg_size > 0) {
			size_t n = a.nla_len - sizeof(a);

			if (n >= msg_size)
				n = msg_size - 1;
			memcpy(msg, p + sizeof(a), n);
			msg[n] = '\0';
		}
		if ((size_t)NLA_ALIGN(a.nla_len) >= len)
			break;
		p += (size_t)NLA_ALIGN(a.nla_len);
		len -= (size_t)NLA_ALIGN(a.nla_len);
	}
	return 0;
}

int nl_parse_ack(const uint8_t *buf, size_t len, uint32_t seq, int *err, char *msg, size_t msg_size)
{
	if (msg_size > 0)
		msg[0] = '\0';
	while (len > 0) {
		struct nlmsghdr h;
		struct nlmsgerr e;
		size_t body, off;

		if (len < sizeof(h))
			return -EBADMSG;
		memcpy(&h, buf, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len)
			return -EBADMSG;
		body = h.nlmsg_len - NLMSG_HDRLEN;
		if (h.nlmsg_type == NLMSG_ERROR && h.nlmsg_seq == seq) {
			if (body < sizeof(e))
				return -EBADMSG;
			memcpy(&e, buf + NLMSG_HDRLEN, sizeof(e));
			if (e.error > 0 || e.error < -NL_MAX_ERRNO)
				return -EBADMSG;
			/* Without NETLINK_CAP_ACK the request is echoed before the TLVs. */
			off = sizeof(e);
			if (!(h.nlmsg_flags & NLM_F_CAPPED) && e.error != 0) {
				if (e.msg.nlmsg_len < NLMSG_HDRLEN ||
				    e.msg.nlmsg_len > body - sizeof(int))
					return -EBADMSG;
				off = sizeof(int) + NLMSG_ALIGN(e.msg.nlmsg_len);
				if (off > body)
					off = body;
			}
			if ((h.nlmsg_flags & NLM_F_ACK_TLVS) &&
			    nl_parse_ext_ack(buf + NLMSG_HDRLEN + off, body - off, msg, msg_size))
				return -EBADMSG;
			*err = e.error;
			return 0;
		}
		if (NLMSG_ALIGN(h.nlmsg_len) >= len)
			break;
		buf += NLMSG_ALIGN(h.nlmsg_len);
		len -= NLMSG_ALIGN(h.nlmsg_len);
	}
	return -ENOMSG;
}
