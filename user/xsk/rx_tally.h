/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What a receiver of the test payload (payload.h) counts: `rtbpf xsk recv`
 * and the kernel-UDP peer of the tests and benchmark (tests/tools/xsk_peer)
 * tally alike, so their figures compare. Not thread-safe; one per receiver.
 */
#ifndef RTBPF_XSK_RX_TALLY_H
#define RTBPF_XSK_RX_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "hist.h"
#include "samples.h"

/* Sequence numbers below this are tracked for duplicates (2 MiB bitmap). */
#define XSK_SEQ_TRACK (1ULL << 24)

/*
 * received counts every datagram; each is then one of: foreign (its first
 * bytes are not the payload's magic: not sent by rtbpf), truncated (fewer
 * bytes kept than arrived), bad (rtbpf payload that fails its checks:
 * length or content) or intact; dup counts intact ones seen before.
 */
struct xsk_rx_tally {
	uint64_t received, intact, foreign, bad, dup, truncated;
	struct hist lat; /* one-way ns: arrival - the sender's stamp */
	/* every one-way figure, for exact percentiles, when the count
	 * expected is known and at most SAMPLES_MAX (else none kept) */
	struct samples exact;
	uint8_t *seen; /* XSK_SEQ_TRACK bits */
};

/* count: datagrams expected, 0 if unknown. 0 or -ENOMEM (nothing held). */
int xsk_rx_tally__init(struct xsk_rx_tally *t, uint64_t count);
/*
 * One datagram: the n bytes of buf that were kept of wire_len received
 * (fewer: truncated), arrived at arrival_ns (CLOCK_MONOTONIC).
 */
void xsk_rx_tally__add(struct xsk_rx_tally *t, const uint8_t *buf, size_t n,
		       size_t wire_len, uint64_t arrival_ns);
/* One-way q-quantile in ns: exact when every figure was kept. */
uint64_t xsk_rx_tally__one_way(struct xsk_rx_tally *t, double q);
void xsk_rx_tally__fini(struct xsk_rx_tally *t);

#endif
