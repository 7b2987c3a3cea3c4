// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Interface facts for the AF_XDP sender (index, MAC, MTU, IPv4 address,
 * queue count, the next hop's MAC from the neighbour table) and the
 * Ethernet/IPv4/UDP header template written in front of every payload.
 * Runs at create time only, except rtbpf_xsk_net_write/parse (per packet, no
 * system call).
 */
#define _GNU_SOURCE
#include "xsk_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int ifreq_ioctl(const char *ifname, unsigned long req, struct ifreq *r)
{
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(r, 0, sizeof(*r));
	snprintf(r->ifr_name, sizeof(r->ifr_name), "%s", ifname);
	if (ioctl(fd, req, r) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int first_ipv4(const char *ifname, uint32_t *ip)
{
	struct ifaddrs *ifa, *i;
	int err = -EADDRNOTAVAIL;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    strcmp(i->ifa_name, ifname))
			continue;
		*ip = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
		err = 0;
		break;
	}
	freeifaddrs(ifa);
	return err;
}

/* A complete (flags 0x2) /proc/net/arp entry for ip on ifname. */
static int arp_lookup(const char *ifname, uint32_t ip, uint8_t mac[6])
{
	char line[256], ips[64], hw[64], dev[IF_NAMESIZE + 1];
	unsigned int type, flags, m[6];
	struct in_addr a;
	int err = -EHOSTUNREACH;
	FILE *f;

	f = fopen("/proc/net/arp", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s 0x%x 0x%x %63s %*s %16s", ips, &type,
			   &flags, hw, dev) != 5)
			continue;
		if (strcmp(dev, ifname) || !(flags & 0x2) ||
		    !inet_aton(ips, &a) || a.s_addr != ip)
			continue;
		if (sscanf(hw, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
			   &m[4], &m[5]) != 6)
			continue;
		for (int k = 0; k < 6; k++)
			mac[k] = (uint8_t)m[k];
		err = 0;
		break;
	}
	fclose(f);
	return err;
}

/* Gateway of the longest-prefix IPv4 route for dst through ifname, or 0. */
static uint32_t route_gateway(const char *ifname, uint32_t dst)
{
	char line[256], dev[IF_NAMESIZE + 1];
	unsigned int d, g, fl, mask, best_mask = 0;
	uint32_t gw = 0;
	bool found = false;
	FILE *f;

	f = fopen("/proc/net/route", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		/* Values are the kernel's __be32 printed as %08X. */
		if (sscanf(line, "%16s %x %x %x %*d %*d %*d %x", dev, &d, &g,
			   &fl, &mask) != 5)
			continue;
		if (strcmp(dev, ifname) || (dst & mask) != d || !(fl & 0x1))
			continue;
		if (found && ntohl(mask) < ntohl(best_mask))
			continue;
		found = true;
		best_mask = mask;
		gw = (fl & 0x2) ? g : 0;
	}
	fclose(f);
	return gw;
}

static bool queue_exists(const char *ifname, const char *dir, uint32_t q)
{
	char path[128];
	struct stat sb;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	if (stat(path, &sb) < 0)
		return true; /* no sysfs view here: let bind decide */
	snprintf(path, sizeof(path), "/sys/class/net/%s/queues/%s-%u", ifname,
		 dir, q);
	return stat(path, &sb) == 0;
}

int rtbpf_xsk_net_resolve(struct rtbpf_xsk *x)
{
	struct rtbpf_xsk_opts *o = &x->o;
	char ipbuf[INET_ADDRSTRLEN];
	struct ifreq r;
	uint32_t hop;
	int err;

	if (!o->ifname || !*o->ifname || strlen(o->ifname) >= IF_NAMESIZE) {
		rtbpf_xsk_set_err(x, "interface name missing or too long");
		return -EINVAL;
	}
	x->ifindex = (int)if_nametoindex(o->ifname);
	if (!x->ifindex) {
		err = -errno;
		rtbpf_xsk_set_err(x, "interface %s: %s", o->ifname,
				  strerror(-err));
		return err == -ENXIO ? -ENODEV : err;
	}
	if ((x->can_send && !queue_exists(o->ifname, "tx", o->queue)) ||
	    (x->can_recv && !queue_exists(o->ifname, "rx", o->queue))) {
		rtbpf_xsk_set_err(
			x, "queue %u out of range for %s (see ethtool -l)",
			o->queue, o->ifname);
		return -EINVAL;
	}
	err = ifreq_ioctl(o->ifname, SIOCGIFMTU, &r);
	if (err) {
		rtbpf_xsk_set_err(x, "%s: SIOCGIFMTU: %s", o->ifname,
				  strerror(-err));
		return err;
	}
	x->mtu = (unsigned int)r.ifr_mtu;
	if (!o->src_mac_set) {
		err = ifreq_ioctl(o->ifname, SIOCGIFHWADDR, &r);
		if (err) {
			rtbpf_xsk_set_err(x, "%s: SIOCGIFHWADDR: %s", o->ifname,
					  strerror(-err));
			return err;
		}
		memcpy(o->src_mac, r.ifr_hwaddr.sa_data, 6);
		o->src_mac_set = true;
	}
	if (!x->can_send)
		return 0;
	if (!o->src_ip) {
		err = first_ipv4(o->ifname, &o->src_ip);
		if (err) {
			rtbpf_xsk_set_err(x,
					  "%s has no IPv4 address: give --src",
					  o->ifname);
			return err;
		}
	}
	if (!o->src_port)
		o->src_port = o->dst_port;
	if (!o->dst_mac_set) {
		hop = route_gateway(o->ifname, o->dst_ip);
		if (!hop)
			hop = o->dst_ip;
		err = arp_lookup(o->ifname, hop, o->dst_mac);
		if (err) {
			inet_ntop(AF_INET, &hop, ipbuf, sizeof(ipbuf));
			rtbpf_xsk_set_err(
				x,
				"no neighbour entry for %s on %s: ping it "
				"once, or give its MAC with --dst-mac",
				ipbuf, o->ifname);
			return err;
		}
		o->dst_mac_set = true;
	}
	return 0;
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	return sum;
}

void rtbpf_xsk_net_build_template(struct rtbpf_xsk *x)
{
	const struct rtbpf_xsk_opts *o = &x->o;
	uint8_t *h = x->hdr;
	uint16_t v;

	memset(h, 0, sizeof(x->hdr));
	memcpy(h, o->dst_mac, 6);
	memcpy(h + 6, o->src_mac, 6);
	h[12] = 0x08; /* ETH_P_IP */
	h[14] = 0x45; /* IPv4, 20-byte header */
	h[20] = 0x40; /* DF: never fragmented */
	h[22] = 64; /* TTL */
	h[23] = IPPROTO_UDP;
	memcpy(h + 26, &o->src_ip, 4);
	memcpy(h + 30, &o->dst_ip, 4);
	v = htons(o->src_port);
	memcpy(h + 34, &v, 2);
	v = htons(o->dst_port);
	memcpy(h + 36, &v, 2);
	/* UDP checksum 0: allowed for IPv4 (RFC 768). */
	x->ip_sum = sum16(h + 14, 20, 0);
}

uint32_t rtbpf_xsk_net_write(const struct rtbpf_xsk *x, uint8_t *frame,
			     const void *payload, size_t len)
{
	uint32_t tot = 20 + 8 + (uint32_t)len, sum = x->ip_sum + tot;
	uint16_t v;

	memcpy(frame, x->hdr, XSK_HDR_LEN);
	memcpy(frame + XSK_HDR_LEN, payload, len);
	v = htons((uint16_t)tot);
	memcpy(frame + 16, &v, 2);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	v = htons((uint16_t)~sum);
	memcpy(frame + 24, &v, 2);
	v = htons((uint16_t)(8 + len));
	memcpy(frame + 38, &v, 2);
	return XSK_HDR_LEN + (uint32_t)len;
}

int rtbpf_xsk_net_parse(const uint8_t *f, uint32_t len,
			struct rtbpf_xsk_rx_info *i)
{
	uint32_t ihl, tot, ulen;
	uint16_t v;

	if (len < XSK_HDR_LEN || f[12] != 0x08 || f[13] != 0x00 ||
	    (f[14] >> 4) != 4)
		return -EINVAL;
	ihl = (f[14] & 0xf) * 4u;
	tot = (uint32_t)f[16] << 8 | f[17];
	if (ihl < 20 || f[23] != IPPROTO_UDP || 14 + ihl + 8 > len ||
	    tot < ihl + 8 || 14 + tot > len)
		return -EINVAL;
	ulen = (uint32_t)f[14 + ihl + 4] << 8 | f[14 + ihl + 5];
	if (ulen < 8 || ihl + ulen > tot)
		return -EINVAL;
	memcpy(&i->src_ip, f + 26, 4);
	memcpy(&v, f + 14 + ihl, 2);
	i->src_port = ntohs(v);
	memcpy(&v, f + 14 + ihl + 2, 2);
	i->dst_port = ntohs(v);
	i->len = ulen - 8;
	return (int)(14 + ihl + 8);
}
