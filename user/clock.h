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

/*
 * The next tick of the grid *grid + k * step (step > 0) that lies after
 * now, kept in *grid: a loop that sleeps to each tick does not drift by
 * the time its own work takes, and skips the ticks it fell behind by.
 * Saturates at UINT64_MAX.
 */
static inline uint64_t clock_next_tick(uint64_t *grid, uint64_t step,
				       uint64_t now)
{
	uint64_t g = *grid, k;

	if (!step || g > UINT64_MAX - step)
		return *grid = UINT64_MAX;
	g += step;
	if (g <= now) {
		k = (now - g) / step + 1;
		g = k > (UINT64_MAX - g) / step ? UINT64_MAX : g + k * step;
	}
	return *grid = g;
}

#endif
