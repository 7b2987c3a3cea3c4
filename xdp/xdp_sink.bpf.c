// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Benchmark sink (tests/tools/xdp_sink): drops and counts the IPv4 UDP
 * datagrams to cfg_port at the receiving end of a veth pair (at XDP or at
 * tc ingress), a stand-in for the wire, so a sender's throughput is measured with every frame
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

/* counts the frame; true: it is one of ours, drop it */
static __always_inline bool sink(void *data, void *end)
{
	__u32 idx = udp4_dport_in(data, end, 0) == cfg_port ? 0 : 1;
	__u64 *c = bpf_map_lookup_elem(&sink_counts, &idx);

	if (c)
		*c += 1;
	return !idx;
}

SEC("xdp")
int xdp_sink(struct xdp_md *ctx)
{
	return sink((void *)(long)ctx->data, (void *)(long)ctx->data_end) ?
		       XDP_DROP :
		       XDP_PASS;
}

/*
 * The same at tc ingress, where an skb arrives as the sender made it: a
 * veth peer with an XDP program first copies every skb whose headroom is
 * under 256 bytes (all of these) into a page of its own, a cost of the
 * stand-in that no wire has. Headers short of the linear part are passed.
 */
#define TC_ACT_OK_ 0
#define TC_ACT_SHOT_ 2

SEC("tc")
int tc_sink(struct __sk_buff *skb)
{
	return sink((void *)(long)skb->data, (void *)(long)skb->data_end) ?
		       TC_ACT_SHOT_ :
		       TC_ACT_OK_;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
