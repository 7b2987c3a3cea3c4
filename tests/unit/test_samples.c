// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Exact percentiles (user/samples.c) against a brute-force rank count. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "hist.h"
#include "samples.h"

/* How many of v[0..n) are <= x. */
static size_t count_le(const uint64_t *v, size_t n, uint64_t x)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += v[i] <= x;
	return c;
}

static void test_nearest_rank(void **state)
{
	static uint64_t v[1001];
	const double qs[] = { 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0 };
	struct samples s;

	(void)state;
	srand(7);
	assert_int_equal(samples_init(&s, 1001), 0);
	for (size_t i = 0; i < 1001; i++) {
		v[i] = (uint64_t)rand() % 5000; /* with repeats */
		samples_add(&s, v[i]);
	}
	assert_true(samples_exact(&s));
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		uint64_t x = samples_quantile(&s, qs[k]);
		size_t rank = (size_t)(qs[k] * 1001 + 0.999999);

		/* the rank-th smallest: at least rank values <= x, fewer
		 * than rank below it */
		assert_true(count_le(v, 1001, x) >= rank);
		assert_true(!x || count_le(v, 1001, x - 1) < rank);
	}
	samples_free(&s);
}

static void test_small(void **state)
{
	struct samples s;
	struct hist h;

	(void)state;
	assert_int_equal(samples_init(&s, 10), 0);
	assert_false(samples_exact(&s));
	assert_int_equal(samples_quantile(&s, 0.5), 0);
	for (uint64_t i = 10; i >= 1; i--)
		samples_add(&s, i * 100);
	/* 10 values: p50 is the 5th, p99 the 10th */
	assert_int_equal(samples_quantile(&s, 0.5), 500);
	assert_int_equal(samples_quantile(&s, 0.99), 1000);
	assert_int_equal(samples_quantile(&s, 0.1), 100);
	/* exact: the kept values answer, not the histogram */
	hist_reset(&h);
	hist_add_value(&h, 7777);
	assert_int_equal(samples_or_hist_quantile(&s, &h, 0.5), 500);
	samples_add(&s, 1); /* over cap: not kept, no longer exact */
	assert_false(samples_exact(&s));
	assert_int_equal(s.over, 1);
	assert_int_equal(samples_quantile(&s, 0.1), 100);
	/* not exact: the histogram answers */
	assert_int_equal(samples_or_hist_quantile(&s, &h, 0.5),
			 hist_quantile(&h, 0.5));
	samples_free(&s);
	assert_int_equal(samples_init(&s, 2), 0);
	samples_add(&s, 9);
	assert_int_equal(samples_quantile(&s, 1.0), 9);
	samples_add(&s, 3);
	assert_int_equal(samples_quantile(&s, 0.5), 3);
	samples_free(&s);
}

static void test_bad_capacity(void **state)
{
	struct samples s;

	(void)state;
	assert_int_equal(samples_init(&s, 0), -EINVAL);
	assert_int_equal(samples_init(&s, (size_t)SAMPLES_MAX + 1), -EINVAL);
	samples_free(&s); /* harmless after a failed init */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nearest_rank),
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_bad_capacity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
