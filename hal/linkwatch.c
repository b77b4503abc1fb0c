// SPDX-License-Identifier: GPL-2.0-or-later
/* rtnetlink link messages (rtnetlink(7)): pure, no sockets. */
#include <errno.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "linkwatch.h"
#include "netlink.h"

/* The IFLA_IFNAME attribute of the ifinfomsg payload @p (@len bytes), or -EBADMSG. */
static int link_name(const uint8_t *p, size_t len, char *name, size_t size)
{
	size_t off = NLMSG_ALIGN(sizeof(struct ifinfomsg));

	name[0] = '\0';
	while (off + sizeof(struct rtattr) <= len) {
		struct rtattr rta;
		size_t n;

		memcpy(&rta, p + off, sizeof(rta));
		if (rta.rta_len < sizeof(rta) || off + rta.rta_len > len)
			return -EBADMSG;
		if (rta.rta_type == IFLA_IFNAME) {
			n = rta.rta_len - sizeof(rta);
			if (n == 0 || n > size || p[off + sizeof(rta) + n - 1] != '\0')
				return -EBADMSG;
			memcpy(name, p + off + sizeof(rta), n);
			return 0;
		}
		off += RTA_ALIGN(rta.rta_len);
	}
	return 0;
}

int linkwatch_parse(const uint8_t *buf, size_t len, const char *ifname, struct linkwatch_link *st,
		    bool *done)
{
	size_t off = 0;
	int touched = 0;

	*done = false;
	while (off < len) {
		struct nlmsghdr h;
		struct ifinfomsg ifi;
		char name[IFNAMSIZ];
		const uint8_t *p;
		size_t plen;
		int ret;

		if (len - off < sizeof(h))
			return -EBADMSG;
		memcpy(&h, buf + off, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len - off)
			return -EBADMSG;
		p = buf + off + NLMSG_HDRLEN;
		plen = h.nlmsg_len - NLMSG_HDRLEN;
		off += NLMSG_ALIGN(h.nlmsg_len);
		if (h.nlmsg_type == NLMSG_DONE) {
			*done = true;
			continue;
		}
		if (h.nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr e;

			if (plen < sizeof(e.error))
				return -EBADMSG;
			memcpy(&e.error, p, sizeof(e.error));
			if (e.error)
				return e.error < 0 && e.error >= -NL_MAX_ERRNO ? e.error : -EBADMSG;
			continue;
		}
		if (h.nlmsg_type != RTM_NEWLINK && h.nlmsg_type != RTM_DELLINK)
			continue;
		if (plen < sizeof(ifi))
			return -EBADMSG;
		memcpy(&ifi, p, sizeof(ifi));
		ret = link_name(p, plen, name, sizeof(name));
		if (ret < 0)
			return ret;
		if (strcmp(name, ifname) != 0)
			continue;
		touched = 1;
		st->present = h.nlmsg_type == RTM_NEWLINK;
		st->admin_up = st->present && (ifi.ifi_flags & IFF_UP);
		st->carrier = st->present && (ifi.ifi_flags & IFF_LOWER_UP);
	}
	return touched;
}

bool linkwatch_link_up(const struct linkwatch_link *st, char *why, size_t len)
{
	const char *w = "";

	if (!st->present)
		w = "no such link";
	else if (!st->admin_up)
		w = "link down";
	else if (!st->carrier)
		w = "no carrier";
	snprintf(why, len, "%s", w);
	return !*w;
}
