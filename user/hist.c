// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "hist.h"

#include <string.h>

#include "json.h"

void hist_reset(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

void hist_add_value(struct hist *h, uint64_t v)
{
	HIST_ADD(h, v);
}

void hist_merge(struct hist *h, const struct hist *a)
{
	if (!a->count)
		return;
	if (!h->count || a->min < h->min)
		h->min = a->min;
	if (a->max > h->max)
		h->max = a->max;
	h->count += a->count;
	h->sum += a->sum;
	for (int i = 0; i < HIST_BUCKETS; i++)
		h->b[i] += a->b[i];
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0;

	if (!h->count)
		return 0;
	if (q >= 1.0)
		return h->max;
	rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count)
		rank++;
	if (!rank)
		rank = 1;
	for (uint32_t i = 0; i < HIST_BUCKETS; i++) {
		uint64_t lo, hi, mid;

		seen += h->b[i];
		if (seen < rank)
			continue;
		lo = hist_bucket_lo(i);
		hi = hist_bucket_hi(i);
		mid = lo + (hi - lo) / 2;
		if (mid < h->min)
			mid = h->min;
		if (mid > h->max)
			mid = h->max;
		return mid;
	}
	return h->max;
}

void hist_print(const struct hist *h, FILE *f, const char *title)
{
	uint64_t peak = 0;
	int first = -1, last = -1;

	for (int i = 0; i < HIST_BUCKETS; i++) {
		if (!h->b[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (h->b[i] > peak)
			peak = h->b[i];
	}
	fprintf(f, "%s: %llu samples", title, (unsigned long long)h->count);
	if (!h->count) {
		fputc('\n', f);
		return;
	}
	fprintf(f, ", min %.1f us, avg %.1f us, max %.1f us\n", h->min / 1e3,
		(double)h->sum / (double)h->count / 1e3, h->max / 1e3);
	fprintf(f, "%24s %10s  distribution\n", "us", "count");
	for (int i = first; i <= last; i++) {
		char range[32];
		int bar = (int)(h->b[i] * 36 / peak);

		if (!h->b[i] && (i == first || !h->b[i - 1]))
			continue; /* print one empty row per gap */
		snprintf(range, sizeof(range), "%.2f - %.2f",
			 hist_bucket_lo((uint32_t)i) / 1e3,
			 (hist_bucket_hi((uint32_t)i) + 1) / 1e3);
		fprintf(f, "%24s %10llu |", range, (unsigned long long)h->b[i]);
		for (int j = 0; j < bar; j++)
			fputc('*', f);
		fputc('\n', f);
	}
}

void hist_json_summary(const struct hist *h, struct json_w *w)
{
	json_kv_u64(w, "min_ns", h->count ? h->min : 0);
	json_kv_u64(w, "avg_ns", h->count ? h->sum / h->count : 0);
	json_kv_u64(w, "sum_ns", h->sum);
	json_kv_u64(w, "p50_ns", hist_quantile(h, 0.50));
	json_kv_u64(w, "p99_ns", hist_quantile(h, 0.99));
	json_kv_u64(w, "p999_ns", hist_quantile(h, 0.999));
	json_kv_u64(w, "max_ns", h->max);
}

void hist_json(const struct hist *h, struct json_w *w)
{
	json_key(w, "hist");
	json_arr_begin(w);
	for (uint32_t i = 0; i < HIST_BUCKETS; i++) {
		if (!h->b[i])
			continue;
		json_arr_begin(w);
		json_u64(w, hist_bucket_lo(i));
		json_u64(w, hist_bucket_hi(i));
		json_u64(w, h->b[i]);
		json_arr_end(w);
	}
	json_arr_end(w);
}
