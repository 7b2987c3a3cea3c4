/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * now_ns(): CLOCK_MONOTONIC in nanoseconds, the clock of every timestamp
 * rtbpf's userspace takes (BPF's bpf_ktime_get_ns() reads the same one,
 * so the two compare). Header-only: the libraries and the test tools
 * include it too. No allocation, no error (the clock always exists).
 */
#ifndef RTBPF_CLOCK_H
#define RTBPF_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

#endif
