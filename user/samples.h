/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Exact percentiles of a bounded run: every value kept (up to a capacity
 * fixed at init), sorted once when a quantile is asked for. For tools
 * that know how many values come (a --count), where the histogram's
 * 6.25 % bucket error would blur a comparison; the histogram stays the
 * summary of unbounded runs.
 */
#ifndef RTBPF_USER_SAMPLES_H
#define RTBPF_USER_SAMPLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Capacity samples_init accepts: 32 MiB of values. */
#define SAMPLES_MAX (4u << 20)

struct hist;

struct samples {
	uint64_t *v;
	size_t n, cap;
	uint64_t over; /* values added beyond cap, not kept */
	bool sorted;
};

/* 0, -EINVAL for cap 0 or over SAMPLES_MAX, -ENOMEM. */
int samples_init(struct samples *s, size_t cap);
/* Keeps v, or counts it in over when full (always, with no capacity). */
void samples_add(struct samples *s, uint64_t v);
/* All values fitted (none over cap) and there is at least one. */
bool samples_exact(const struct samples *s);
/* The q-quantile (0 < q <= 1) by nearest rank: the ceil(q * n)-th
 * smallest kept value. 0 when empty. Sorts on first use. */
uint64_t samples_quantile(struct samples *s, double q);
/* samples_quantile when every value fitted, else h's (bucket midpoint). */
uint64_t samples_or_hist_quantile(struct samples *s, const struct hist *h,
				  double q);
void samples_free(struct samples *s);

#endif
