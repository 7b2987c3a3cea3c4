// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Log-linear bucket math shared with BPF, percentile error bound, max. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hist.h"

/* Reference: the same definition written the slow, obvious way. */
static uint32_t ref_bucket(uint64_t v)
{
	int e = 0;

	if (v < 8)
		return (uint32_t)v;
	while (e < 63 && (v >> (e + 1)))
		e++;
	return (uint32_t)((e - 2) * 8) + (uint32_t)((v >> (e - 3)) & 7);
}

static void test_boundaries(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < 100000; v++)
		assert_int_equal(hist_bucket(v), ref_bucket(v));
	for (int e = 3; e < 64; e++) {
		uint64_t p = 1ULL << e;

		assert_int_equal(hist_bucket(p - 1), ref_bucket(p - 1));
		assert_int_equal(hist_bucket(p), ref_bucket(p));
		assert_int_equal(hist_bucket(p + 1), ref_bucket(p + 1));
		/* a power of two starts a new group of 8 */
		assert_int_equal(hist_bucket(p) % 8, 0);
		assert_int_equal(hist_bucket(p), hist_bucket(p - 1) + 1);
	}
	assert_int_equal(hist_bucket(UINT64_MAX), HIST_BUCKETS - 1);
	assert_true(hist_bucket_hi(HIST_BUCKETS - 1) == UINT64_MAX);
}

static void test_bounds_consistent(void **state)
{
	(void)state;
	for (uint32_t b = 0; b < HIST_BUCKETS; b++) {
		uint64_t lo = hist_bucket_lo(b), hi = hist_bucket_hi(b);

		assert_true(lo <= hi);
		assert_int_equal(hist_bucket(lo), b);
		assert_int_equal(hist_bucket(hi), b);
		if (b + 1 < HIST_BUCKETS)
			assert_true(hist_bucket_lo(b + 1) == hi + 1);
		/* width at most 1/8 of the lower bound (above the linear part) */
		if (lo >= 8)
			assert_true((hi - lo + 1) * 8 <= lo);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Percentiles of random data against the exact order statistic. */
static void test_percentile_error(void **state)
{
	static uint64_t v[20000];
	const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
	struct hist *h = calloc(1, sizeof(*h));
	unsigned int seed = 12345;

	(void)state;
	assert_non_null(h);
	for (int round = 0; round < 5; round++) {
		size_t n = sizeof(v) / sizeof(v[0]);

		hist_reset(h);
		for (size_t i = 0; i < n; i++) {
			/* log-uniform over 100 ns .. 10 ms */
			double x = exp(log(100.0) + (log(1e7) - log(100.0)) *
							    rand_r(&seed) /
							    (double)RAND_MAX);

			v[i] = (uint64_t)x;
			hist_add_value(h, v[i]);
		}
		qsort(v, n, sizeof(v[0]), cmp_u64);
		{
			uint64_t sum = 0;

			for (size_t i = 0; i < n; i++)
				sum += v[i];
			assert_true(h->sum == sum && h->count == n);
		}
		for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
			size_t rank = (size_t)ceil(qs[k] * (double)n);
			uint64_t truth = v[rank - 1],
				 got = hist_quantile(h, qs[k]);
			double rel = fabs((double)got - (double)truth) /
				     (double)truth;

			/* a bucket midpoint is off by at most half a bucket:
			 * 1/16 of its lower bound (the goal allows 1/8) */
			assert_true(rel <= 1.0 / 16 + 1e-9);
		}
		assert_true(hist_quantile(h, 1.0) == v[n - 1]);
		assert_true(h->max == v[n - 1]);
		assert_true(h->min == v[0]);
	}
	free(h);
}

static void test_quantile_clamped(void **state)
{
	struct hist *h = calloc(1, sizeof(*h));

	(void)state;
	assert_non_null(h);
	assert_true(hist_quantile(h, 0.5) == 0);
	hist_add_value(h, 1000001);
	/* one value: every percentile is that value exactly */
	assert_true(hist_quantile(h, 0.5) == 1000001);
	assert_true(hist_quantile(h, 0.999) == 1000001);
	hist_add_value(h, UINT64_MAX);
	assert_true(h->max == UINT64_MAX);
	assert_true(hist_quantile(h, 1.0) == UINT64_MAX);
	free(h);
}

static void test_merge(void **state)
{
	struct hist *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	hist_add_value(a, 10);
	hist_add_value(a, 5000);
	hist_add_value(b, 3);
	hist_add_value(b, 90000);
	hist_merge(a, b);
	assert_int_equal(a->count, 4);
	assert_int_equal(a->sum, 10 + 5000 + 3 + 90000);
	assert_int_equal(a->min, 3);
	assert_int_equal(a->max, 90000);
	free(a);
	free(b);
}

/* Bar lines of hist_print_rows() at max_rows: their count, the samples
 * they add up to, ranges ascending and not overlapping. */
static unsigned int bar_lines(const struct hist *h, unsigned int max_rows,
			      unsigned int cols, uint64_t *sum)
{
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	unsigned int rows = 0;
	double prev_hi = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	hist_print_rows(h, f, "t", max_rows, cols);
	fclose(f);
	*sum = 0;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		double lo, hi;
		unsigned long long n;

		if (cols && strlen(line) > cols)
			fail_msg("%zu columns in %u: '%s'", strlen(line), cols,
				 line);
		if (!strchr(line, '|'))
			continue;
		assert_int_equal(sscanf(line, "%lf - %lf %llu", &lo, &hi, &n),
				 3);
		assert_true(lo >= prev_hi - 0.01 && hi > lo);
		prev_hi = hi;
		*sum += n;
		rows++;
	}
	free(text);
	return rows;
}

/* A run's waits from 1 us to 100 ms, and one far out: at most max_rows
 * lines, coarser, every sample still counted. */
static void test_print_rows(void **state)
{
	static const unsigned int caps[] = { 16, 8, 4, 1 };
	struct hist h;
	uint64_t sum;
	unsigned int all;

	(void)state;
	hist_reset(&h);
	for (uint64_t v = 1000; v < 100000000; v += v / 9 + 1)
		hist_add_value(&h, v);
	hist_add_value(&h, 5000000000ULL);
	all = bar_lines(&h, 0, 0, &sum);
	/* unlimited: a line per bucket and one per gap, as hist_print */
	assert_true(all > 100);
	assert_int_equal(sum, h.count);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		assert_true(bar_lines(&h, caps[i], 0, &sum) <= caps[i]);
		assert_int_equal(sum, h.count);
		/* in 60 columns: shorter bars, the figures on their line */
		assert_true(bar_lines(&h, caps[i], 60, &sum) <= caps[i]);
		assert_int_equal(sum, h.count);
	}
	/* few buckets: as they are */
	hist_reset(&h);
	hist_add_value(&h, 5000);
	hist_add_value(&h, 9000);
	assert_int_equal(bar_lines(&h, 16, 0, &sum), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_bounds_consistent),
		cmocka_unit_test(test_percentile_error),
		cmocka_unit_test(test_quantile_clamped),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_print_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
