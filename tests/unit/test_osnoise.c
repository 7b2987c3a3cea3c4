// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf osnoise's accounting of one gap against known answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>

#include "osnoise/osnoise.h"

/* osnoise_sums_at at a time that stays put */
static uint64_t sums_at(const struct osnoise_cpu *c, uint64_t t,
			struct osnoise_sums *out)
{
	uint64_t u = t, n = osnoise_sums_at(c, &u, out);

	assert_int_equal(u, t);
	return n;
}

/* BPF's side of one event: totals up, an entry with them. */
static void put(struct osnoise_cpu *c, uint32_t kind, uint64_t end,
		uint64_t net)
{
	if (kind < OSN_KINDS) {
		c->sum.ns[kind] += net;
		c->sum.n[kind]++;
	}
	c->ev[c->head % OSNOISE_RING] =
		(struct osnoise_event){ .end = end, .sum = c->sum };
	c->head++;
}

/* A gap's parts are the totals at its end less those at its start, by
 * kind; what they leave is unexplained; 90 % or more explained is
 * covered; a gap without events is the hardware's. */
static void test_gap_parts(void **state)
{
	static struct osnoise_cpu c;
	struct osnoise_sums a, b;
	struct osnoise_stats s;

	(void)state;
	memset(&s, 0, sizeof(s));
	put(&c, OSN_IRQ, 900, 50); /* before the gap */
	sums_at(&c, 1000, &a);
	put(&c, OSN_VECTOR, 1500, 300);
	put(&c, OSN_SOFTIRQ, 1800, 200);
	put(&c, OSN_THREAD, 5000, 3000);
	put(&c, OSN_IRQ, 6500, 40); /* after it: while it was read */
	assert_int_equal(sums_at(&c, 6000, &b), 4);
	osnoise_account_gap(&s, 1000, 6000, &a, &b, 1000);
	assert_int_equal(s.gaps, 1);
	assert_int_equal(s.noise_ns, 5000);
	assert_int_equal(s.max_ns, 5000);
	assert_int_equal(s.ns[OSN_IRQ], 0);
	assert_int_equal(s.ns[OSN_VECTOR], 300);
	assert_int_equal(s.ns[OSN_SOFTIRQ], 200);
	assert_int_equal(s.ns[OSN_THREAD], 3000);
	assert_int_equal(s.n[OSN_THREAD], 1);
	assert_int_equal(s.unexplained_ns, 1500);
	assert_int_equal(s.hw_gaps, 0);
	assert_int_equal(s.covered, 0);
	/* a gap the events explain to 95 %: covered */
	sums_at(&c, 7000, &a);
	put(&c, OSN_THREAD, 9000, 1900);
	sums_at(&c, 9000, &b);
	osnoise_account_gap(&s, 7000, 9000, &a, &b, 1000);
	assert_int_equal(s.covered, 1);
	/* the IRQ at 6500 ended between the two gaps: in neither */
	assert_int_equal(s.ns[OSN_IRQ], 0);
	/* none: the hardware's, whole */
	sums_at(&c, 9500, &a);
	osnoise_account_gap(&s, 9500, 17500, &a, &a, 1000);
	assert_int_equal(s.hw_gaps, 1);
	assert_int_equal(s.hw_ns, 8000);
	assert_int_equal(s.gaps, 3);
}

/* However many events a gap held, more than the ring keeps: their
 * totals are exact. */
static void test_gap_many(void **state)
{
	static struct osnoise_cpu c;
	struct osnoise_sums a, b;
	struct osnoise_stats s;

	(void)state;
	memset(&s, 0, sizeof(s));
	sums_at(&c, 500, &a);
	for (int i = 0; i < 10 * OSNOISE_RING; i++)
		put(&c, OSN_SOFTIRQ, 1000 + 10 * (uint64_t)i, 5);
	sums_at(&c, 100000, &b);
	osnoise_account_gap(&s, 500, 100000, &a, &b, 1000);
	assert_int_equal(s.n[OSN_SOFTIRQ], 10 * OSNOISE_RING);
	assert_int_equal(s.ns[OSN_SOFTIRQ], 50 * OSNOISE_RING);
}

/* The totals of a time the ring went round since (the probe preempted
 * after reading the clock): those of now, the time moved to now. */
static void test_sums_gone(void **state)
{
	static struct osnoise_cpu c;
	struct osnoise_sums a;
	uint64_t t = 500, n;

	(void)state;
	for (int i = 0; i < 2 * OSNOISE_RING; i++)
		put(&c, OSN_VECTOR, 1000 + (uint64_t)i, 3);
	n = osnoise_sums_at(&c, &t, &a);
	assert_true(t > 500);
	assert_int_equal(n, 2 * OSNOISE_RING);
	assert_int_equal(a.n[OSN_VECTOR], 2 * OSNOISE_RING);
	/* a ring younger than t: nothing yet */
	memset(&c, 0, sizeof(c));
	put(&c, OSN_VECTOR, 1000, 3);
	t = 900;
	assert_int_equal(osnoise_sums_at(&c, &t, &a), 0);
	assert_int_equal(t, 900);
	assert_int_equal(a.n[OSN_VECTOR], 0);
}

/* The probe stopped or blocked itself: its own time, taken out of the
 * gap; what is left under the threshold is no noise. */
static void test_gap_blocked(void **state)
{
	static struct osnoise_cpu c;
	struct osnoise_sums a, b;
	struct osnoise_stats s;

	(void)state;
	memset(&s, 0, sizeof(s));
	sums_at(&c, 100, &a);
	c.sum.self_ns += 1000000;
	put(&c, OSN_KINDS, 1000200, 0);
	sums_at(&c, 1000300, &b);
	osnoise_account_gap(&s, 100, 1000300, &a, &b, 5000);
	assert_int_equal(s.blocked_ns, 1000000);
	assert_int_equal(s.gaps, 0);
	assert_int_equal(s.noise_ns, 0);
	/* blocked, then a 6 us preemption: 6 us of noise */
	a = b;
	c.sum.self_ns += 50000;
	put(&c, OSN_THREAD, 1060000, 6000);
	sums_at(&c, 1060300, &b);
	osnoise_account_gap(&s, 1000300, 1060300, &a, &b, 5000);
	assert_int_equal(s.gaps, 1);
	assert_int_equal(s.noise_ns, 10000);
	assert_int_equal(s.ns[OSN_THREAD], 6000);
}

/* Interval differences and sums; the max is the interval's own. */
static void test_stats_sub_add(void **state)
{
	struct osnoise_stats a = { .gaps = 10, .noise_ns = 1000, .max_ns = 70 };
	struct osnoise_stats b = { .gaps = 4, .noise_ns = 300, .max_ns = 900 };
	struct osnoise_stats d, t = { .max_ns = 50 };

	(void)state;
	osnoise_stats_sub(&d, &a, &b);
	assert_int_equal(d.gaps, 6);
	assert_int_equal(d.noise_ns, 700);
	assert_int_equal(d.max_ns, 70);
	osnoise_stats_add(&t, &d);
	osnoise_stats_add(&t, &d);
	assert_int_equal(t.gaps, 12);
	assert_int_equal(t.max_ns, 70);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gap_parts),
		cmocka_unit_test(test_gap_many),
		cmocka_unit_test(test_gap_blocked),
		cmocka_unit_test(test_sums_gone),
		cmocka_unit_test(test_stats_sub_add),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
