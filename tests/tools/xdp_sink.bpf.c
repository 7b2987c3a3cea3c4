// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Benchmark sink (tests/tools/xdp_sink): drops and counts the IPv4 UDP
 * datagrams to cfg_port at the receiving end of a veth pair (at XDP or at
 * tc ingress), a stand-in for the wire, so a sender's throughput is
 * measured with every frame delivered and counted and no receive stack or
 * socket in the way. Everything else is passed to the kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "udp4.bpf.h"
#include "hist.h"

/* Host byte order. Set before load. */
const volatile __u16 cfg_port = 0;

/* [0]: dropped (matched), [1]: passed; per CPU, summed by userspace */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} sink_counts SEC(".maps");

/*
 * With cfg_stamp, the arrival of each of ours at this end (the wire's far
 * side) is timed against the CLOCK_MONOTONIC send time `rtbpf xsk send`
 * wrote in its payload (user/xsk/payload.h: magic at 0, send time at 16):
 * the one-way time of the send path alone, no receive stack in it. Per CPU,
 * the layout of userspace's struct hist.
 */
const volatile bool cfg_stamp = false;

struct sink_hist {
	__u64 count;
	__u64 sum;
	__u64 min;
	__u64 max;
	__u64 b[HIST_BUCKETS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sink_hist);
} sink_lat SEC(".maps");

#define PAYLOAD_MAGIC_ 0x58425452u

static __always_inline void stamp(void *data, void *end)
{
	struct iphdr *ip = data + sizeof(struct ethhdr);
	struct sink_hist *h;
	__u32 zero = 0;
	__u64 now, tx;
	__u8 *pl;

	if ((void *)(ip + 1) > end)
		return;
	pl = (void *)ip + ip->ihl * 4 + sizeof(struct udphdr);
	if ((void *)(pl + 24) > end || *(__u32 *)pl != PAYLOAD_MAGIC_)
		return;
	tx = *(__u64 *)(pl + 16);
	now = bpf_ktime_get_ns();
	h = bpf_map_lookup_elem(&sink_lat, &zero);
	if (!h || now < tx)
		return;
	HIST_ADD(h, now - tx);
}

/* counts the frame; true: it is one of ours, drop it */
static __always_inline bool sink(void *data, void *end)
{
	__u32 idx = udp4_dport_in(data, end, 0) == cfg_port ? 0 : 1;
	__u64 *c = bpf_map_lookup_elem(&sink_counts, &idx);

	if (c)
		*c += 1;
	if (!idx && cfg_stamp)
		stamp(data, end);
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
