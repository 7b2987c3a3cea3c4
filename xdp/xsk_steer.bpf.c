// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * XDP receive filter for rtbpf AF_XDP sockets: IPv4 UDP frames whose
 * destination port is one of cfg_ports (and, when cfg_dst_ip is set, whose
 * destination address is cfg_dst_ip) go to the AF_XDP socket bound to the
 * receiving queue (XSKMAP keyed by rx_queue_index); everything else, and
 * every frame the parser cannot read completely, goes to the kernel stack.
 * A matched frame with no socket on its queue is passed too (the
 * bpf_redirect_map XDP_PASS default) and counted as a failed redirect.
 *
 * Cost: a bounds-checked parse of at most 14 + 60 + 8 bytes and one per-CPU
 * array update per frame. Counters are per CPU, summed by userspace.
 * Needs Linux 5.3+ (XSKMAP lookups with the XDP_PASS default, bpf_link XDP
 * attach 5.9+). VLAN-tagged and fragmented datagrams are passed.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xsk_steer.h"
#include "udp4.bpf.h"

/* Host byte order; 0 ends the list. Set before load. */
const volatile __u16 cfg_ports[XSK_STEER_MAX_PORTS] = {};
/* Network byte order; 0 = any destination address. */
const volatile __u32 cfg_dst_ip = 0;

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XSK_STEER_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XSK_STEER_NR);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &idx);

	if (c)
		*c += 1;
}

static __always_inline bool port_match(__u16 port)
{
	for (int i = 0; i < XSK_STEER_MAX_PORTS; i++) {
		if (!cfg_ports[i])
			return false;
		if (cfg_ports[i] == port)
			return true;
	}
	return false;
}

static __always_inline bool is_ours(struct xdp_md *ctx)
{
	int port = udp4_dport(ctx, cfg_dst_ip);

	return port >= 0 && port_match((__u16)port);
}

SEC("xdp")
int xdp_xsk_steer(struct xdp_md *ctx)
{
	long act;

	count(XSK_STEER_SEEN);
	if (!is_ours(ctx)) {
		count(XSK_STEER_PASSED);
		return XDP_PASS;
	}
	act = bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
	if (act == XDP_REDIRECT) {
		count(XSK_STEER_REDIRECTED);
		return XDP_REDIRECT;
	}
	count(XSK_STEER_REDIRECT_FAILED);
	count(XSK_STEER_PASSED);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
