// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Benchmark sink (tests/tools/xdp_sink): drops and counts the IPv4 UDP
 * datagrams to cfg_port at the receiving end of a veth pair, a stand-in
 * for the wire, so a sender's throughput is measured with every frame
 * delivered and counted and no receive stack or socket in the way.
 * Everything else is passed to the kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "udp4.bpf.h"

/* Host byte order. Set before load. */
const volatile __u16 cfg_port = 0;

/* [0]: dropped (matched), [1]: passed; per CPU, summed by userspace */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} sink_counts SEC(".maps");

SEC("xdp")
int xdp_sink(struct xdp_md *ctx)
{
	__u32 idx = udp4_dport(ctx, 0) == cfg_port ? 0 : 1;
	__u64 *c = bpf_map_lookup_elem(&sink_counts, &idx);

	if (c)
		*c += 1;
	return idx ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
