// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer harness: what `rtbpf xsk recv` does with a frame from the wire
 * in AF_XDP mode (xdp/xsk_io.c rtbpf_xsk__recv): the Ethernet/IPv4/UDP
 * parse (xdp/xsk_net.c rtbpf_xsk_net_parse), the copy of the datagram's
 * payload into the caller's buffer, and the payload check and tally
 * (user/xsk/rx_tally.c). The input is the frame, in an exact-size heap
 * buffer. Properties: an accepted frame's payload lies inside the frame
 * and its ports are the UDP header's; every frame the XDP steering program
 * would hand to the socket (xdp/udp4.bpf.h, compiled here for userspace)
 * is accepted with the same port and payload; the tally counts each
 * datagram exactly once.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf_endian.h>

#include "xdp/xsk_internal.h"
#include "user/xsk/rx_tally.h"
#include "tests/fuzz/fuzz.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#include "xdp/udp4.bpf.h"

static struct xsk_rx_tally tally;
static uint8_t buf[65536]; /* recv_loop's buffer */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (xsk_rx_tally__init(&tally, 0))
		exit(1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rtbpf_xsk_rx_info info;
	uint64_t before = tally.received, parts;
	uint8_t *frame, *aligned;
	size_t n;
	int off, port;

	if (size > UINT32_MAX)
		return 0;
	frame = malloc(size ? size : 1);
	/* the BPF parser reads the IP header as a struct: in the kernel the
	 * frame starts 2 bytes past a 4-byte boundary so that it is aligned */
	aligned = malloc(size + 2);
	if (!frame || !aligned)
		goto out;
	memcpy(frame, data, size);
	memcpy(aligned + 2, data, size);
	memset(&info, 0, sizeof(info));
	off = rtbpf_xsk_net_parse(frame, (uint32_t)size, &info);
	port = udp4_dport_in(aligned + 2, aligned + 2 + size, 0);
	if (off < 0) {
		FUZZ_ASSERT(port < 0); /* steered, then dropped as malformed */
		goto out;
	}
	FUZZ_ASSERT(off >= ETH_HLEN + 20 + 8 && (size_t)off <= size);
	FUZZ_ASSERT(info.len <= size - (size_t)off);
	FUZZ_ASSERT(info.dst_port == (frame[off - 6] << 8 | frame[off - 5]));
	FUZZ_ASSERT(info.src_port == (frame[off - 8] << 8 | frame[off - 7]));
	if (port >= 0)
		FUZZ_ASSERT(port == info.dst_port);

	/* as rtbpf_xsk__recv and recv_loop do */
	n = info.len < sizeof(buf) ? info.len : sizeof(buf);
	memcpy(buf, frame + off, n);
	xsk_rx_tally__add(&tally, buf, n, info.len, 1);
	FUZZ_ASSERT(tally.received == before + 1);
	parts = tally.intact + tally.bad + tally.truncated + tally.foreign;
	FUZZ_ASSERT(parts == tally.received);
out:
	free(aligned);
	free(frame);
	return 0;
}
