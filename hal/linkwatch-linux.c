// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rtnetlink socket of linkwatch.h on the GLib main loop: subscribed to
 * RTNLGRP_LINK, one RTM_GETLINK dump at start (and again after an overrun,
 * ENOBUFS, when events may have been lost), then kernel events only.
 */
#include <errno.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib.h>

#include "linkwatch.h"
#include "modem.h"
#include "netlink.h"

#define LINKWATCH_BUF 16384

struct linkwatch {
	int fd;
	guint watch;
	char ifname[MODEM_IFNAME_MAX];
	struct linkwatch_link link;
	bool dumped; /* the first dump is complete: the picture is whole */
	bool reported, up;
	uint32_t seq;
	linkwatch_cb cb;
	void *user_data;
};

static int linkwatch_dump(struct linkwatch *lw)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	uint8_t buf[64];
	struct nl_msg m;
	int len;

	nl_msg_begin(&m, buf, sizeof(buf), RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, ++lw->seq);
	if (!nl_msg_put_hdr(&m, sizeof(struct ifinfomsg)))
		return -EMSGSIZE;
	len = nl_msg_end(&m);
	if (len < 0)
		return len;
	if (sendto(lw->fd, buf, (size_t)len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	/* A link absent from the dump does not exist. */
	memset(&lw->link, 0, sizeof(lw->link));
	return 0;
}

static void linkwatch_report(struct linkwatch *lw)
{
	char why[64];
	bool up = linkwatch_link_up(&lw->link, why, sizeof(why));

	if (lw->reported && up == lw->up)
		return;
	lw->reported = true;
	lw->up = up;
	lw->cb(up, why, lw->user_data);
}

static gboolean linkwatch_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct linkwatch *lw = data;
	uint8_t buf[LINKWATCH_BUF];
	bool done;
	ssize_t n;
	int ret;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* Events were lost: take the whole picture again. */
			g_warning("%s: rtnetlink overrun; dumping links again", lw->ifname);
			lw->dumped = false;
			ret = linkwatch_dump(lw);
			if (ret < 0)
				g_warning("%s: link dump: %s", lw->ifname, g_strerror(-ret));
			continue;
		}
		if (n <= 0)
			break;
		ret = linkwatch_parse(buf, (size_t)n, lw->ifname, &lw->link, &done);
		if (ret < 0) {
			g_warning("%s: rtnetlink message: %s", lw->ifname, g_strerror(-ret));
			continue;
		}
		if (done)
			lw->dumped = true;
		if (lw->dumped && (ret > 0 || done))
			linkwatch_report(lw);
	}
	return G_SOURCE_CONTINUE;
}

int linkwatch_new(struct linkwatch **out, const char *ifname, linkwatch_cb cb, void *user_data)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	struct linkwatch *lw;
	int ret;

	*out = NULL;
	if (!ifname || !*ifname || strlen(ifname) >= MODEM_IFNAME_MAX || !cb)
		return -EINVAL;
	lw = calloc(1, sizeof(*lw));
	if (!lw)
		return -ENOMEM;
	strcpy(lw->ifname, ifname);
	lw->cb = cb;
	lw->user_data = user_data;
	lw->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (lw->fd < 0) {
		ret = -errno;
		goto err_free;
	}
	if (bind(lw->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		goto err_close;
	}
	ret = linkwatch_dump(lw);
	if (ret < 0)
		goto err_close;
	lw->watch = g_unix_fd_add(lw->fd, G_IO_IN, linkwatch_readable, lw);
	*out = lw;
	return 0;

err_close:
	close(lw->fd);
err_free:
	free(lw);
	return ret;
}

void linkwatch_free(struct linkwatch *lw)
{
	if (!lw)
		return;
	if (lw->watch)
		g_source_remove(lw->watch);
	close(lw->fd);
	free(lw);
}

int linkwatch_query(const char *ifname, struct linkwatch_link *st)
{
	struct ifreq ifr = { 0 };
	int fd, ret = 0;

	memset(st, 0, sizeof(*st));
	if (strlen(ifname) >= sizeof(ifr.ifr_name))
		return 0; /* no link has such a name */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		st->present = true;
		st->admin_up = ifr.ifr_flags & IFF_UP;
		/* IFF_LOWER_UP is above the 16 bits of ifr_flags: IFF_RUNNING is
		 * the kernel's "operational" (RFC 2863 up), carrier included. */
		st->carrier = ifr.ifr_flags & IFF_RUNNING;
	} else if (errno != ENODEV) {
		ret = -errno;
	}
	close(fd);
	return ret;
}
