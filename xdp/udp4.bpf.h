/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Bounds-checked parse of an untagged Ethernet + IPv4 + UDP frame, shared
 * by the XDP and tc programs: reads at most 14 + 60 + 8 bytes and never past
 * data_end. Fragments (a non-first one has no UDP header, a first one is
 * incomplete), options-bearing headers are handled; VLAN tags are not.
 */
#ifndef RTBPF_UDP4_BPF_H
#define RTBPF_UDP4_BPF_H

#define ETH_P_IP_ 0x0800
#define IP_MF_ 0x2000
#define IP_OFFSET_ 0x1fff

/*
 * The destination port (host order) of a complete IPv4 UDP datagram whose
 * destination address is dst_ip (network order; 0: any), else -1. Complete:
 * not a fragment, and every byte its IP and UDP lengths claim is in the
 * frame.
 */
static __always_inline int udp4_dport_in(void *data, void *end, __u32 dst_ip)
{
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;
	__u32 ihl, tot, ulen;

	if ((void *)(eth + 1) > end)
		return -1;
	if (eth->h_proto != bpf_htons(ETH_P_IP_))
		return -1;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return -1;
	ihl = ip->ihl * 4;
	if (ip->version != 4 || ihl < sizeof(*ip))
		return -1;
	if (ip->protocol != IPPROTO_UDP)
		return -1;
	if (ip->frag_off & bpf_htons(IP_MF_ | IP_OFFSET_))
		return -1;
	if (dst_ip && ip->daddr != dst_ip)
		return -1;
	udp = (void *)ip + ihl;
	if ((void *)(udp + 1) > end)
		return -1;
	/* Complete: the IP datagram fits in the frame (a frame may be longer:
	 * Ethernet padding) and holds the UDP length, which covers its own
	 * header. A truncated or inconsistent datagram goes to the kernel. */
	tot = bpf_ntohs(ip->tot_len);
	ulen = bpf_ntohs(udp->len);
	if (tot < ihl + sizeof(*udp) || (void *)ip + tot > end)
		return -1;
	if (ulen < sizeof(*udp) || ulen > tot - ihl)
		return -1;
	return bpf_ntohs(udp->dest);
}

static __always_inline int udp4_dport(struct xdp_md *ctx, __u32 dst_ip)
{
	return udp4_dport_in((void *)(long)ctx->data,
			     (void *)(long)ctx->data_end, dst_ip);
}

#endif
