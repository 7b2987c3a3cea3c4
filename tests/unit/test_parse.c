// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* CPU lists, durations and integers: valid forms, garbage, ranges, overflow. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "clock.h"
#include "parse.h"

static char err[256];

static void cpulist_ok(const char *in, const char *canon, unsigned int n)
{
	struct cpuset s;
	char buf[256];

	assert_int_equal(parse_cpulist(in, &s, err, sizeof(err)), 0);
	assert_int_equal(cpuset_count(&s), n);
	assert_true(cpuset_format(&s, buf, sizeof(buf)) >= 0);
	assert_string_equal(buf, canon);
}

static void test_cpulist_valid(void **state)
{
	(void)state;
	cpulist_ok("0", "0", 1);
	cpulist_ok("0,2-3", "0,2-3", 3);
	cpulist_ok("3-5,0", "0,3-5", 4);
	cpulist_ok("1,1,1", "1", 1);
	cpulist_ok("0-7:2", "0,2,4,6", 4);
	cpulist_ok("1023", "1023", 1);
	cpulist_ok("0-1023", "0-1023", 1024);
}

static void cpulist_bad(const char *in, int want, const char *needle)
{
	struct cpuset s;

	cpuset_zero(&s);
	cpuset_add(&s, 7);
	err[0] = '\0';
	assert_int_equal(parse_cpulist(in, &s, err, sizeof(err)), want);
	/* the message names what was wrong, and the output is untouched */
	assert_non_null(strstr(err, needle));
	assert_int_equal(cpuset_count(&s), 1);
	assert_true(cpuset_has(&s, 7));
}

static void test_cpulist_garbage(void **state)
{
	(void)state;
	cpulist_bad("3-1", -EINVAL, "reversed");
	cpulist_bad("abc", -EINVAL, "abc");
	cpulist_bad("", -EINVAL, "empty");
	cpulist_bad("1,", -EINVAL, "1,");
	cpulist_bad(",1", -EINVAL, ",1");
	cpulist_bad("1-", -EINVAL, "1-");
	cpulist_bad("-1", -EINVAL, "-1");
	cpulist_bad("1 2", -EINVAL, "1 2");
	cpulist_bad("0-4:0", -EINVAL,
		    "stride 0 in '0-4:0': a stride is at least 1");
	cpulist_bad("0-4:", -EINVAL, "'0-4:': it ends early");
	cpulist_bad("1-", -EINVAL, "'1-': it ends early");
	cpulist_bad("8192", -ERANGE, "too large");
	cpulist_bad("99999999999999999999999", -ERANGE, "too large");
}

static void test_cpuset_ops(void **state)
{
	struct cpuset a, b;
	char small[3];

	(void)state;
	assert_int_equal(parse_cpulist("0-3", &a, err, sizeof(err)), 0);
	assert_int_equal(parse_cpulist("0-1,3", &b, err, sizeof(err)), 0);
	assert_true(cpuset_subset(&b, &a));
	assert_false(cpuset_subset(&a, &b));
	assert_int_equal(cpuset_first_missing(&a, &b), 2);
	assert_int_equal(cpuset_format(&a, small, sizeof(small)), -ERANGE);
	/* covers: every CPU below n (the BPF side then skips its mask) */
	assert_true(cpuset_covers(&a, 4));
	assert_true(cpuset_covers(&a, 3));
	assert_false(cpuset_covers(&a, 5));
	assert_false(cpuset_covers(&b, 4)); /* 2 missing */
	assert_true(cpuset_covers(&b, 2));
	assert_false(cpuset_covers(&b, 0));
}

static void compact_is(const char *in, const char *want)
{
	struct cpuset s;
	char *got;

	assert_int_equal(parse_cpulist(in, &s, err, sizeof(err)), 0);
	got = cpuset_str_compact(&s);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* Compact lists: ranges and strides, read back to the same set, never
 * longer than the plain list (random sets of a 1024-CPU host). */
static void test_compact(void **state)
{
	unsigned int seed = 24;

	(void)state;
	{
		struct cpuset none;
		char *got;

		cpuset_zero(&none);
		got = cpuset_str_compact(&none);
		assert_string_equal(got, "");
		free(got);
	}
	compact_is("5", "5");
	compact_is("1,3", "1,3");
	compact_is("1,3,5", "1-5:2");
	compact_is("1-1023:2", "1-1023:2");
	compact_is("0-3,5,7,9,11", "0-3,5-11:2");
	compact_is("1,3,4,5", "1,3-5");
	compact_is("0,4,8,9,10,20", "0,4,8-10,20");
	compact_is("0,4,8,12,13,20", "0-8:4,12-13,20");
	compact_is("0-7,8-63:8,64-71", "0-8,16-56:8,64-71");
	for (int round = 0; round < 200; round++) {
		struct cpuset s, back;
		char *plain, *compact;

		cpuset_zero(&s);
		for (unsigned int c = 0; c < 1024; c++)
			if (rand_r(&seed) % (round % 7 + 2) == 0 ||
			    (round % 3 == 0 && c % (round % 5 + 2) == 1))
				cpuset_add(&s, c);
		plain = cpuset_str(&s);
		compact = cpuset_str_compact(&s);
		assert_non_null(plain);
		assert_non_null(compact);
		assert_true(strlen(compact) <= strlen(plain));
		assert_int_equal(
			parse_cpulist(compact, &back, err, sizeof(err)), 0);
		assert_memory_equal(&s, &back, sizeof(s));
		free(plain);
		free(compact);
	}
}

static void duration_ok(const char *in, uint64_t ns)
{
	uint64_t v = 0;

	assert_int_equal(parse_duration(in, &v, err, sizeof(err)), 0);
	assert_int_equal(v, ns);
}

static void test_duration(void **state)
{
	uint64_t v = 42;

	(void)state;
	duration_ok("10s", 10000000000ULL);
	duration_ok("10", 10000000000ULL);
	duration_ok("5m", 300000000000ULL);
	duration_ok("1h", 3600000000000ULL);
	duration_ok("2d", 172800000000000ULL);
	duration_ok("250ms", 250000000ULL);
	duration_ok("100us", 100000ULL);
	duration_ok("7ns", 7ULL);
	duration_ok("0", 0);
	assert_int_equal(parse_duration("10x", &v, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "10x"));
	assert_int_equal(parse_duration("s", &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse_duration("-1s", &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse_duration("1.5x", &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse_duration("", &v, err, sizeof(err)), -EINVAL);
	/* 2^64 / 1e9 is about 1.8e10 seconds */
	assert_int_equal(parse_duration("18446744074s", &v, err, sizeof(err)),
			 -ERANGE);
	assert_int_equal(parse_duration("99999999999999999999", &v, err,
					sizeof(err)),
			 -ERANGE);
	assert_int_equal(v, 42);
}

static void duration_bad(const char *in, int want, const char *needle)
{
	uint64_t v = 42;

	assert_int_equal(parse_duration(in, &v, err, sizeof(err)), want);
	assert_non_null(strstr(err, needle));
	assert_int_equal(v, 42);
}

/* Decimal durations as cyclictest and rtla users type them: exact ns. */
static void test_duration_decimal(void **state)
{
	(void)state;
	duration_ok("1.5s", 1500000000ULL);
	duration_ok("0.5ms", 500000ULL);
	duration_ok("1.5", 1500000000ULL);
	duration_ok("0.1s", 100000000ULL);
	duration_ok("0.000000001s", 1ULL);
	duration_ok("2.25us", 2250ULL);
	duration_ok("1.50000000000000000000000000s", 1500000000ULL);
	duration_ok("0.5m", 30000000000ULL);
	duration_ok("0.00000000005m", 3ULL);
	duration_ok("1.25d", 108000000000000ULL);
	duration_ok("0.0ns", 0);
	duration_bad("1.", -EINVAL, "bad duration '1.'");
	duration_bad(".5", -EINVAL, "bad duration");
	duration_bad("1e3", -EINVAL, "bad duration");
	duration_bad("-1s", -EINVAL,
		     "'-1s' is negative: a duration must be positive");
	duration_bad("+1s", -EINVAL, "bad duration");
	duration_bad("1s2", -EINVAL, "bad duration");
	duration_bad("1.5.2s", -EINVAL, "bad duration");
	duration_bad("1 s", -EINVAL, "bad duration");
	duration_bad(" 1s", -EINVAL, "bad duration");
	duration_bad("1.5ns", -EINVAL, "not a whole number of nanoseconds");
	duration_bad("0.0000000001s", -EINVAL, "not a whole number");
	duration_bad("0.000000000000000000000001d", -EINVAL,
		     "not a whole number");
}

/* A latency (a bare number is us) says so; a negative one is refused as
 * such, not as a malformed number. */
static void test_latency_words(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_latency("20", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 20000);
	assert_int_equal(parse_latency("-5", &v, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "'-5' is negative: a latency must be "
				 "positive (e.g. 100us)");
	assert_int_equal(parse_latency("5x", &v, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "bad latency '5x'"));
}

/* The largest value that fits in u64 ns, and the first past it: named
 * with the limit, never wrapped into a small one. */
static void test_duration_limit(void **state)
{
	(void)state;
	duration_ok("18446744073709551615ns", UINT64_MAX);
	duration_ok("18446744073.709551615s", UINT64_MAX);
	duration_ok("18446744073s", 18446744073000000000ULL);
	duration_ok("213503d", 18446659200000000000ULL);
	duration_bad("18446744073709551616ns", -ERANGE,
		     "the limit is 18446744073.709551615s");
	duration_bad("18446744073.709551616s", -ERANGE, "too large");
	duration_bad("213504d", -ERANGE, "too large");
	duration_bad("5124096h", -ERANGE, "too large");
	duration_bad("307445735m", -ERANGE, "too large");
	duration_bad("99999999999999999999999999999999999999999", -ERANGE,
		     "too large");
	assert_true(ns_add_sat(UINT64_MAX - 5, 5) == UINT64_MAX);
	assert_true(ns_add_sat(UINT64_MAX - 5, 6) == UINT64_MAX);
	assert_true(ns_add_sat(1000, 18446744073000000000ULL) ==
		    18446744073000001000ULL);
	assert_true(ns_add_sat(1000000000000ULL, 18446744073000000000ULL) ==
		    UINT64_MAX);
}

static void test_u64(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(parse_u64("18446744073709551615", 0, UINT64_MAX, &v,
				   err, sizeof(err)),
			 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_u64("18446744073709551616", 0, UINT64_MAX, &v,
				   err, sizeof(err)),
			 -ERANGE);
	assert_int_equal(parse_u64("5", 1, 4, &v, err, sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(parse_u64("12a", 0, 100, &v, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(parse_u64("", 0, 100, &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse_u64("-3", 0, 100, &v, err, sizeof(err)),
			 -EINVAL);
}

/* Ticks stay on their grid whatever the loop's own work took; ticks
 * fallen behind are skipped; the grid saturates instead of wrapping. */
static void test_next_tick(void **state)
{
	uint64_t g = 1000;

	(void)state;
	assert_int_equal(clock_next_tick(&g, 10, 1003), 1010);
	/* woke late (1013): the next tick is still on the grid */
	assert_int_equal(clock_next_tick(&g, 10, 1013), 1020);
	/* fell behind by three ticks: skipped */
	assert_int_equal(clock_next_tick(&g, 10, 1055), 1060);
	assert_int_equal(clock_next_tick(&g, 10, 1060), 1070);
	g = UINT64_MAX - 5;
	assert_true(clock_next_tick(&g, 10, 0) == UINT64_MAX);
	g = 0;
	assert_true(clock_next_tick(&g, UINT64_MAX / 2, UINT64_MAX - 1) ==
		    UINT64_MAX);
	g = 7;
	assert_true(clock_next_tick(&g, 0, 0) == UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpulist_valid),
		cmocka_unit_test(test_cpulist_garbage),
		cmocka_unit_test(test_cpuset_ops),
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_duration_decimal),
		cmocka_unit_test(test_duration_limit),
		cmocka_unit_test(test_next_tick),
		cmocka_unit_test(test_latency_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
