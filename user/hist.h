/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The command's side of the log-linear histogram (bucket math in
 * bpf/hist.h, the public type in <rtbpf/hist.h>): accumulation,
 * percentiles and the one renderer every command uses. struct hist has
 * struct rtbpf_hist's layout (checked below): hist_from_rtbpf() takes the
 * library's histograms (dispatcher, AF_XDP socket) in.
 */
#ifndef RTBPF_USER_HIST_H
#define RTBPF_USER_HIST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include <rtbpf/hist.h>

#include "bpf/hist.h"

struct json_w;

struct hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min; /* exact; valid when count > 0 */
	uint64_t max; /* exact */
	uint64_t b[HIST_BUCKETS];
};

_Static_assert(RTBPF_HIST_BUCKETS == HIST_BUCKETS, "bucket count");
_Static_assert(sizeof(struct hist) == sizeof(struct rtbpf_hist), "layout");
_Static_assert(offsetof(struct hist, b) == offsetof(struct rtbpf_hist, b),
	       "layout");

/* A library histogram (dispatcher, AF_XDP socket) as the command's. */
static inline void hist_from_rtbpf(struct hist *h, const struct rtbpf_hist *r)
{
	memcpy(h, r, sizeof(*h));
}

void hist_reset(struct hist *h);
void hist_add_value(struct hist *h, uint64_t v);
/* Adds a's buckets and exact figures into h. */
void hist_merge(struct hist *h, const struct hist *a);
/*
 * The q-quantile (0 < q <= 1): midpoint of the bucket holding the
 * ceil(q * count)-th value, clamped to the exact [min, max], so within
 * 6.25 % of the true value (12.5 % for the rare widest edge). 0 if empty.
 */
uint64_t hist_quantile(const struct hist *h, double q);
/* ASCII bars, one line per non-empty bucket range, values in us. */
void hist_print(const struct hist *h, FILE *f, const char *title);
/* The same in at most max_rows bar lines (0: no limit): buckets merged
 * two, four, eight... to a row until they fit, empty rows left out; with
 * cols (0: none), lines kept to cols columns where a bar can shrink, and
 * min, avg and max on a line of their own. */
void hist_print_rows(const struct hist *h, FILE *f, const char *title,
		     unsigned int max_rows, unsigned int cols);
/* The summary fields every report uses: min_ns, avg_ns, p50_ns, p99_ns,
 * p999_ns, max_ns (0 when empty), into the open JSON object. */
void hist_json_summary(const struct hist *h, struct json_w *w);
/* "hist": [[lo_ns, hi_ns, count], ...] for the non-empty buckets. */
void hist_json(const struct hist *h, struct json_w *w);

#endif
