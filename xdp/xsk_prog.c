// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The receive side's XDP program (xsk_steer.bpf.c): loaded from the
 * embedded skeleton with the ports and address as rodata, attached through
 * a bpf_link (BPF_LINK_CREATE), native mode first, so the kernel detaches
 * it when the last fd closes, also on SIGKILL. Never uses libxdp's default
 * program or netlink attach, which survive the process.
 */
#include "xsk_internal.h"

#include <errno.h>
#include <linux/if_link.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xsk_steer.h"
#include "xsk_steer.skel.h"

static int link_xdp(struct rtbpf_xsk *x, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = flags);
	int fd;

	fd = bpf_link_create(bpf_program__fd(x->skel->progs.xdp_xsk_steer),
			     x->ifindex, BPF_XDP, &lo);
	return fd < 0 ? -errno : fd;
}

int rtbpf_xsk_prog_attach(struct rtbpf_xsk *x)
{
	const struct rtbpf_xsk_opts *o = &x->o;
	int err, fd = -1, map_fd;

	x->skel = xsk_steer_bpf__open();
	if (!x->skel) {
		err = -errno;
		rtbpf_xsk_set_err(x, "open XDP program: %s", strerror(-err));
		return err;
	}
	for (unsigned int i = 0; i < o->n_rx_ports; i++)
		x->skel->rodata->cfg_ports[i] = o->rx_ports[i];
	x->skel->rodata->cfg_dst_ip = o->rx_ip;
	/* one slot per queue up to ours: any queue the device has fits */
	if (o->queue >= XSK_STEER_MAX_QUEUES)
		bpf_map__set_max_entries(x->skel->maps.xsks, o->queue + 1);
	err = xsk_steer_bpf__load(x->skel);
	if (err) {
		rtbpf_xsk_set_err(x, "load XDP program: %s%s", strerror(-err),
				  err == -EPERM ? " (needs root or CAP_BPF+"
						  "CAP_NET_ADMIN)" :
						  "");
		return err;
	}
	map_fd = bpf_map__fd(x->skel->maps.xsks);
	if (x->xsk) {
		err = xsk_socket__update_xskmap(x->xsk, map_fd);
		if (err) {
			rtbpf_xsk_set_err(x, "insert socket into XSKMAP: %s",
					  strerror(-err));
			return err;
		}
	}
	if (o->attach != RTBPF_XSK_ATTACH_SKB)
		fd = link_xdp(x, XDP_FLAGS_DRV_MODE);
	if (fd < 0 && o->attach != RTBPF_XSK_ATTACH_DRV &&
	    (o->attach == RTBPF_XSK_ATTACH_SKB || fd == -EOPNOTSUPP ||
	     fd == -EINVAL))
		fd = link_xdp(x, XDP_FLAGS_SKB_MODE);
	if (fd < 0) {
		rtbpf_xsk_set_err(x, "attach XDP program to %s: %s%s",
				  o->ifname, strerror(-fd),
				  fd == -EBUSY || fd == -EEXIST ?
					  " (another XDP program is attached; "
					  "see ip link / bpftool net)" :
				  fd == -EPERM ?
					  " (needs root or CAP_NET_ADMIN)" :
					  "");
		return fd;
	}
	x->link_fd = fd;
	return 0;
}

void rtbpf_xsk_prog_detach(struct rtbpf_xsk *x)
{
	if (x->link_fd >= 0)
		close(x->link_fd);
	x->link_fd = -1;
	xsk_steer_bpf__destroy(x->skel);
	x->skel = NULL;
}

int rtbpf_xsk_prog_counters(struct rtbpf_xsk *x, struct rtbpf_xsk_stats *s)
{
	uint64_t *out[XSK_STEER_NR] = { &s->xdp_seen, &s->xdp_redirected,
					&s->xdp_redirect_failed,
					&s->xdp_passed };
	int ncpu = libbpf_num_possible_cpus(), fd, err = 0;
	uint64_t *v;

	if (!x->skel)
		return 0;
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	/* one value per possible CPU, however many the host has */
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	fd = bpf_map__fd(x->skel->maps.counters);
	for (__u32 k = 0; k < XSK_STEER_NR; k++) {
		*out[k] = 0;
		if (bpf_map_lookup_elem(fd, &k, v)) {
			err = -errno;
			break;
		}
		for (int c = 0; c < ncpu; c++)
			*out[k] += v[c];
	}
	free(v);
	return err;
}
