// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PDN data path over rtnetlink (plain NETLINK_ROUTE, rtnetlink(7)).
 *
 * configure(): link up, MTU (when the network gave one), the IPv4 and IPv6
 * addresses with their prefixes, and a /32 or /128 host route in the main
 * table to every P-CSCF, DNS server and other server the agent named
 * (modem_pdn_settings.server) through the PDN's gateway (on-link, so
 * it works whatever prefix the modem handed out). Host routes rather than a
 * default route: the primary PDN keeps the default route, and the partner's
 * signalling reaches the partner only through its own PDN (TS 23.280 10.1.6).
 * Requests use NLM_F_REPLACE so that configuring twice is harmless.
 *
 * deconfigure(): deletes exactly those routes and addresses (ones already
 * gone are not an error) and sets the link down. The MTU is left as it is.
 *
 * link_add() / link_del(): a PDN's QMAP mux link, by qmi_wwan's sysfs
 * add_mux / del_mux (the driver names the link qmimuxN itself: the name is
 * checked against the link's qmap/mux_id) or as an rmnet link over
 * rtnetlink. They write sysfs or wait for one ACK: bounded, as above.
 *
 * Each request waits for the kernel's ACK on a socket with a 1 s receive
 * timeout: rtnetlink answers synchronously, so this never stalls the loop
 * for long.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "netdev.h"
#include "netlink.h"

#define NETDEV_BUF 1024

struct netdev_nl {
	int fd;
	uint32_t seq;
	const char *ifname;
};

static int netdev_nl_open(struct netdev_nl *nl, const char *ifname)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 1 };
	int one = 1;

	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return -errno;
	nl->seq = 1;
	nl->ifname = ifname;
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		int err = -errno;

		close(nl->fd);
		return err;
	}
	/* Best effort: shorter ACKs and the kernel's own error text. */
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return 0;
}

/*
 * Sends one finished request of @len bytes and waits for its ACK; returns the
 * kernel's answer, logged unless it is @benign (0 for none), which counts as
 * success.
 */
static int netdev_nl_send(struct netdev_nl *nl, const uint8_t *msg, int len, const char *what,
			  int benign)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	uint8_t reply[NETDEV_BUF];
	char text[128];
	int err, kerr;
	ssize_t n;

	if (len < 0)
		return len;
	if (sendto(nl->fd, msg, (size_t)len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	for (;;) {
		n = recv(nl->fd, reply, sizeof(reply), 0);
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		err = nl_parse_ack(reply, (size_t)n, nl->seq, &kerr, text, sizeof(text));
		if (err == -ENOMSG)
			continue;
		if (err)
			return err;
		break;
	}
	nl->seq++;
	if (benign && kerr == benign)
		return 0;
	if (kerr)
		fprintf(stderr, "netdev: %s on %s: %s%s%s\n", what, nl->ifname, strerror(-kerr),
			text[0] ? ": " : "", text);
	return kerr;
}

static int netdev_nl_talk(struct netdev_nl *nl, struct nl_msg *m, const char *what, int benign)
{
	return netdev_nl_send(nl, m->buf, nl_msg_end(m), what, benign);
}

static int netdev_link(struct netdev_nl *nl, int ifindex, bool up, unsigned int mtu)
{
	uint8_t buf[NETDEV_BUF];
	struct ifinfomsg *ifi;
	struct nl_msg m;

	nl_msg_begin(&m, buf, sizeof(buf), RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, nl->seq);
	ifi = nl_msg_put_hdr(&m, sizeof(*ifi));
	if (!ifi)
		return -EMSGSIZE;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	if (mtu)
		nl_msg_put_u32(&m, IFLA_MTU, mtu);
	return netdev_nl_talk(nl, &m, up ? "link up" : "link down", 0);
}

/* Parses "a.b.c.d" or an IPv6 literal; returns its family or 0. */
static int netdev_inet(const char *s, uint8_t addr[16])
{
	if (inet_pton(AF_INET, s, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, addr) == 1)
		return AF_INET6;
	return 0;
}

static int netdev_addr(struct netdev_nl *nl, int ifindex, bool add, const char *text,
		       unsigned int prefix)
{
	uint8_t buf[NETDEV_BUF], a[16];
	struct ifaddrmsg *ifa;
	struct nl_msg m;
	int family = netdev_inet(text, a);
	size_t alen = family == AF_INET ? 4 : 16;

	if (!family || prefix > alen * 8) {
		fprintf(stderr, "netdev: bad address '%s/%u' for %s\n", text, prefix, nl->ifname);
		return -EINVAL;
	}
	nl_msg_begin(&m, buf, sizeof(buf), add ? RTM_NEWADDR : RTM_DELADDR,
		     NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0), nl->seq);
	ifa = nl_msg_put_hdr(&m, sizeof(*ifa));
	if (!ifa)
		return -EMSGSIZE;
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = (uint8_t)prefix;
	ifa->ifa_index = (uint32_t)ifindex;
	nl_msg_put_attr(&m, IFA_LOCAL, a, alen);
	nl_msg_put_attr(&m, IFA_ADDRESS, a, alen);
	/* The network assigned it (TS 23.401 5.3.1.2.2): no duplicate detection. */
	if (family == AF_INET6 && add)
		nl_msg_put_u32(&m, IFA_FLAGS, IFA_F_NODAD);
	return netdev_nl_talk(nl, &m, add ? "add address" : "delete address",
			      add ? 0 : -EADDRNOTAVAIL);
}

static int netdev_route(struct netdev_nl *nl, int ifindex, bool add, const char *dst,
			const char *gw4, const char *gw6)
{
	uint8_t buf[NETDEV_BUF], d[16], g[16];
	struct nl_msg m;
	struct rtmsg *rt;
	int family = netdev_inet(dst, d);
	const char *gw = family == AF_INET ? gw4 : gw6;
	size_t alen = family == AF_INET ? 4 : 16;

	if (!family) {
		fprintf(stderr, "netdev: bad route destination '%s' for %s\n", dst, nl->ifname);
		return -EINVAL;
	}
	if (gw[0] && netdev_inet(gw, g) != family) {
		fprintf(stderr, "netdev: bad gateway '%s' for %s\n", gw, nl->ifname);
		return -EINVAL;
	}
	nl_msg_begin(&m, buf, sizeof(buf), add ? RTM_NEWROUTE : RTM_DELROUTE,
		     NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0), nl->seq);
	rt = nl_msg_put_hdr(&m, sizeof(*rt));
	if (!rt)
		return -EMSGSIZE;
	rt->rtm_family = (uint8_t)family;
	rt->rtm_dst_len = (uint8_t)(alen * 8);
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_STATIC;
	rt->rtm_type = RTN_UNICAST;
	/* Without a gateway (point-to-point raw-ip) the host is on the link. */
	rt->rtm_scope = gw[0] ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	if (gw[0])
		rt->rtm_flags = RTNH_F_ONLINK;
	nl_msg_put_attr(&m, RTA_DST, d, alen);
	nl_msg_put_u32(&m, RTA_OIF, (uint32_t)ifindex);
	if (gw[0])
		nl_msg_put_attr(&m, RTA_GATEWAY, g, alen);
	return netdev_nl_talk(nl, &m, add ? "add route" : "delete route", add ? 0 : -ESRCH);
}

/*
 * Adds (stopping at the first error) or deletes (all of them, reporting the
 * first error) the host route to every P-CSCF, DNS server and agent-named
 * server.
 */
static int netdev_routes(struct netdev_nl *nl, int ifindex, bool add,
			 const struct modem_pdn_settings *s)
{
	const char *dst[MODEM_PCSCF_MAX + MODEM_DNS_MAX + MODEM_SERVER_MAX];
	size_t i, n = 0;
	int err, ret = 0;

	for (i = 0; i < s->n_pcscf && i < MODEM_PCSCF_MAX; i++)
		dst[n++] = s->pcscf[i];
	for (i = 0; i < s->n_dns && i < MODEM_DNS_MAX; i++)
		dst[n++] = s->dns[i];
	for (i = 0; i < s->n_server && i < MODEM_SERVER_MAX; i++)
		dst[n++] = s->server[i];
	for (i = 0; i < n; i++) {
		err = netdev_route(nl, ifindex, add, dst[i], s->gw4, s->gw6);
		if (err && add)
			return err;
		ret = ret ? ret : err;
	}
	return ret;
}

static int netdev_linux_apply(const struct modem_pdn_settings *s, bool add)
{
	struct netdev_nl nl;
	int ifindex, err, ret = 0;

	if (!s || !s->ifname[0])
		return -EINVAL;
	ifindex = (int)if_nametoindex(s->ifname);
	if (!ifindex)
		return -ENODEV;
	err = netdev_nl_open(&nl, s->ifname);
	if (err)
		return err;
	if (add) {
		err = netdev_link(&nl, ifindex, true, s->mtu);
		if (!err && s->addr4[0])
			err = netdev_addr(&nl, ifindex, true, s->addr4, s->prefix4);
		if (!err && s->addr6[0])
			err = netdev_addr(&nl, ifindex, true, s->addr6, s->prefix6);
		if (!err)
			err = netdev_routes(&nl, ifindex, true, s);
		ret = err;
	} else {
		/* Undo everything even if one step fails; report the first failure. */
		err = netdev_routes(&nl, ifindex, false, s);
		ret = ret ? ret : err;
		if (s->addr6[0]) {
			err = netdev_addr(&nl, ifindex, false, s->addr6, s->prefix6);
			ret = ret ? ret : err;
		}
		if (s->addr4[0]) {
			err = netdev_addr(&nl, ifindex, false, s->addr4, s->prefix4);
			ret = ret ? ret : err;
		}
		err = netdev_link(&nl, ifindex, false, 0);
		ret = ret ? ret : err;
	}
	close(nl.fd);
	return ret;
}

static int netdev_linux_configure(const struct modem_pdn_settings *s)
{
	return netdev_linux_apply(s, true);
}

static int netdev_linux_deconfigure(const struct modem_pdn_settings *s)
{
	return netdev_linux_apply(s, false);
}

/* ---- mux links ---- */

static int netdev_sysfs_path(char *path, size_t size, const struct netdev_link *l,
			     const char *ifname, const char *file)
{
	int n = snprintf(path, size, "%s/class/net/%s/%s", l->sysfs ? l->sysfs : "/sys", ifname,
			 file);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int netdev_sysfs_write(const char *path, unsigned int v)
{
	char text[16];
	int fd, n, err = 0;
	ssize_t w;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(text, sizeof(text), "%u\n", v);
	w = write(fd, text, (size_t)n);
	if (w < 0)
		err = -errno;
	else if (w != n)
		err = -EIO;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

/* The mux id of qmi_wwan's link @ifname (its qmap/mux_id), or -errno. */
static int netdev_qmimux_id(const struct netdev_link *l, const char *ifname)
{
	char path[512], text[16];
	unsigned long v;
	ssize_t n;
	char *end;
	int fd, err;

	err = netdev_sysfs_path(path, sizeof(path), l, ifname, "qmap/mux_id");
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, text, sizeof(text) - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	text[n] = '\0';
	v = strtoul(text, &end, 10);
	return end == text || (*end && *end != '\n') || v > 255 ? -EBADMSG : (int)v;
}

static int netdev_qmi_wwan_mux(const struct netdev_link *l, const char *file)
{
	char path[512];
	int err = netdev_sysfs_path(path, sizeof(path), l, l->parent, file);

	return err ? err : netdev_sysfs_write(path, l->mux_id);
}

static int netdev_qmi_wwan_add(const struct netdev_link *l)
{
	int id = netdev_qmimux_id(l, l->name);

	if (id >= 0)
		return (unsigned int)id == l->mux_id ? -EEXIST : -EADDRINUSE;
	id = netdev_qmi_wwan_mux(l, "qmi/add_mux");
	if (id)
		return id;
	/* qmi_wwan named it qmimuxN after the links already there: ours or not. */
	id = netdev_qmimux_id(l, l->name);
	if (id < 0 || (unsigned int)id != l->mux_id || !if_nametoindex(l->name)) {
		fprintf(stderr, "netdev: qmi_wwan gave mux id %u another name than %s\n", l->mux_id,
			l->name);
		netdev_qmi_wwan_mux(l, "qmi/del_mux");
		return -ENXIO;
	}
	return 0;
}

static int netdev_rmnet(const struct netdev_link *l, bool add)
{
	uint8_t buf[NETDEV_BUF];
	struct ifinfomsg *ifi;
	struct netdev_nl nl;
	struct nl_msg m;
	int ifindex, err;

	ifindex = (int)if_nametoindex(add ? l->parent : l->name);
	if (!ifindex)
		return -ENODEV;
	err = netdev_nl_open(&nl, l->name);
	if (err)
		return err;
	if (add) {
		err = nl_build_rmnet_newlink(buf, sizeof(buf), nl.seq, l->name, ifindex,
					     (uint16_t)l->mux_id);
		/* nl_msg_end() in netdev_nl_talk() needs the builder's state. */
		m = (struct nl_msg){ .buf = buf, .size = sizeof(buf), .len = (size_t)err };
	} else {
		nl_msg_begin(&m, buf, sizeof(buf), RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, nl.seq);
		ifi = nl_msg_put_hdr(&m, sizeof(*ifi));
		if (ifi) {
			ifi->ifi_family = AF_UNSPEC;
			ifi->ifi_index = ifindex;
		}
	}
	err = err < 0 ? err : netdev_nl_talk(&nl, &m, add ? "add rmnet link" : "delete link", 0);
	close(nl.fd);
	return err;
}

static int netdev_linux_link(const struct netdev_link *l, bool add)
{
	if (!l || !l->parent || !l->name || !l->name[0] || strlen(l->name) >= IF_NAMESIZE ||
	    l->mux_id < 1 || l->mux_id > 254)
		return -EINVAL;
	switch (l->kind) {
	case NETDEV_LINK_EXISTING:
		return -EINVAL;
	case NETDEV_LINK_QMI_WWAN:
		return add ? netdev_qmi_wwan_add(l) : netdev_qmi_wwan_mux(l, "qmi/del_mux");
	case NETDEV_LINK_RMNET:
		return netdev_rmnet(l, add);
	}
	return -EINVAL;
}

static int netdev_linux_link_add(const struct netdev_link *l)
{
	return netdev_linux_link(l, true);
}

static int netdev_linux_link_del(const struct netdev_link *l)
{
	return netdev_linux_link(l, false);
}

const struct netdev_ops netdev_linux_ops = {
	.name = "linux",
	.configure = netdev_linux_configure,
	.deconfigure = netdev_linux_deconfigure,
	.link_add = netdev_linux_link_add,
	.link_del = netdev_linux_link_del,
};
