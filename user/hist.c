// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "hist.h"

#include <stdbool.h>
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

/* Rows of h at g buckets a row: the non-empty groups, and with gaps one
 * row per run of empty groups between them. */
static unsigned int rows_at(const struct hist *h, int first, int last, int g,
			    bool gaps)
{
	unsigned int rows = 0;
	bool prev = true;

	for (int i = first / g * g; i <= last; i += g) {
		bool any = false;

		for (int j = i; j < i + g && j < HIST_BUCKETS; j++)
			any |= h->b[j] != 0;
		if (any || (gaps && prev))
			rows++;
		prev = any;
	}
	return rows;
}

/* One row: buckets [i, i + g) as "lo - hi" in us, the count, a bar. */
static void print_row(const struct hist *h, FILE *f, int i, int g,
		      uint64_t peak, int bar_max)
{
	int end = i + g < HIST_BUCKETS ? i + g : HIST_BUCKETS;
	uint64_t n = 0;
	char range[48];
	int bar;

	for (int j = i; j < end; j++)
		n += h->b[j];
	bar = (int)(n * (uint64_t)bar_max / peak);
	snprintf(range, sizeof(range), "%.2f - %.2f",
		 hist_bucket_lo((uint32_t)i) / 1e3,
		 (hist_bucket_hi((uint32_t)end - 1) + 1) / 1e3);
	fprintf(f, "%24s %10llu |", range, (unsigned long long)n);
	for (int j = 0; j < bar; j++)
		fputc('*', f);
	fputc('\n', f);
}

#define MERGED " (empty ranges left out)"

void hist_print_rows(const struct hist *h, FILE *f, const char *title,
		     unsigned int max_rows, unsigned int cols)
{
	uint64_t peak = 0;
	int first = -1, last = -1, g = 1;
	bool gaps = !max_rows, prev = true;
	/* "%24s %10s |" then the bar */
	int bar_max = !cols	     ? 36 :
		      cols < 38 + 8  ? 8 :
		      cols > 38 + 36 ? 36 :
				       (int)cols - 38;

	for (int i = 0; i < HIST_BUCKETS; i++) {
		if (!h->b[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
	}
	fprintf(f, "%s: %llu samples", title, (unsigned long long)h->count);
	if (!h->count || first < 0) {
		fputc('\n', f);
		return;
	}
	/* in a width: the figures on a line of their own */
	fprintf(f,
		cols ? "\n  min %.1f us, avg %.1f us, max %.1f us\n" :
		       ", min %.1f us, avg %.1f us, max %.1f us\n",
		h->min / 1e3, (double)h->sum / (double)h->count / 1e3,
		h->max / 1e3);
	/* coarser rows (2, 4, 8... buckets each) until they fit */
	while (max_rows && g < HIST_BUCKETS &&
	       rows_at(h, first, last, g, gaps) > max_rows)
		g *= 2;
	for (int i = first / g * g; i <= last; i += g) {
		uint64_t n = 0;

		for (int j = i; j < i + g && j < HIST_BUCKETS; j++)
			n += h->b[j];
		if (n > peak)
			peak = n;
	}
	fprintf(f, "%24s %10s  distribution%s\n", "us", "count",
		g > 1 && (!cols || cols >= 48 + strlen(MERGED)) ? MERGED : "");
	for (int i = first / g * g; i <= last; i += g) {
		bool any = false;

		for (int j = i; j < i + g && j < HIST_BUCKETS; j++)
			any |= h->b[j] != 0;
		/* one empty row per gap, unless rows are counted */
		if (any || (gaps && prev))
			print_row(h, f, i, g, peak, bar_max);
		prev = any;
	}
}

void hist_print(const struct hist *h, FILE *f, const char *title)
{
	hist_print_rows(h, f, title, 0, 0);
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
