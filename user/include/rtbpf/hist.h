/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The latency histogram every rtbpf report fills: the dispatcher's
 * enqueue-to-dequeue latency (<rtbpf/dispatch.h>), an AF_XDP socket's
 * send-call time (<rtbpf/xsk.h>) and the rtbpf command's own figures.
 *
 * Background. Buckets are log-linear: values 0..7 have a bucket each;
 * above, every power of two [2^e, 2^(e+1)) is split into 8 linear
 * sub-buckets of width 2^(e-3), so a bucket is at most 1/8 of its lower
 * bound wide and a percentile read at a bucket's midpoint is within
 * 6.25 % of the true value. Bucket b (b >= 8) starts at
 * 2^e + (b % 8) * 2^(e-3) with e = b / 8 + 2; the last one ends at
 * UINT64_MAX. count, sum, min and max are exact. Plain data: no
 * allocation, no system call; whoever writes it owns it.
 */
#ifndef RTBPF_HIST_H
#define RTBPF_HIST_H

#include <stdint.h>

#define RTBPF_HIST_BUCKETS 496

struct rtbpf_hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min; /* valid when count > 0 */
	uint64_t max;
	uint64_t b[RTBPF_HIST_BUCKETS];
};

#endif
