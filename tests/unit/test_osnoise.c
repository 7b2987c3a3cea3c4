// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf osnoise's accounting of one gap against known answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>

#include "osnoise/osnoise.h"

static void put(struct osnoise_event *ring, uint64_t *head, uint32_t kind,
		uint64_t end, uint64_t net)
{
	ring[*head % OSNOISE_RING] = (struct osnoise_event){
		.end = end, .net_ns = net, .kind = kind, .id = 7
	};
	(*head)++;
}

/* Only events that ended inside the gap count, each by its kind; what
 * they leave is unexplained; a gap of 90 % or more explained is covered. */
static void test_gap_parts(void **state)
{
	struct osnoise_event ring[OSNOISE_RING];
	struct osnoise_stats s;
	uint64_t head = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(ring, 0, sizeof(ring));
	put(ring, &head, OSN_IRQ, 900, 50); /* before the gap */
	put(ring, &head, OSN_VECTOR, 1500, 300);
	put(ring, &head, OSN_SOFTIRQ, 1800, 200);
	put(ring, &head, OSN_THREAD, 5000, 3000);
	put(ring, &head, OSN_IRQ, 6500, 40); /* after it: while it was read */
	osnoise_account_gap(&s, 1000, 6000, ring, head);
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
	put(ring, &head, OSN_THREAD, 9000, 1900);
	osnoise_account_gap(&s, 7000, 9000, ring, head);
	assert_int_equal(s.covered, 1);
	assert_int_equal(s.unexplained_ns, 1600);
	assert_int_equal(s.max_ns, 5000);
}

/* A gap without events is the hardware's (or a hypervisor's), whole. */
static void test_gap_hw(void **state)
{
	struct osnoise_event ring[OSNOISE_RING];
	struct osnoise_stats s;
	uint64_t head = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(ring, 0, sizeof(ring));
	osnoise_account_gap(&s, 100, 8100, ring, head);
	put(ring, &head, OSN_IRQ, 200, 10);
	osnoise_account_gap(&s, 300, 400, ring, head);
	assert_int_equal(s.hw_gaps, 2);
	assert_int_equal(s.hw_ns, 8100);
	assert_int_equal(s.unexplained_ns, 0);
	assert_int_equal(s.gaps, 2);
}

/* More events in one gap than the ring keeps: the newest ones count and
 * the gap is marked; a wrapped ring is read from its head. */
static void test_gap_truncated(void **state)
{
	struct osnoise_event ring[OSNOISE_RING];
	struct osnoise_stats s;
	uint64_t head = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(ring, 0, sizeof(ring));
	for (int i = 0; i < 3 * OSNOISE_RING; i++)
		put(ring, &head, OSN_VECTOR, 1000 + 10 * (uint64_t)i, 5);
	osnoise_account_gap(&s, 500, 100000, ring, head);
	assert_int_equal(s.n[OSN_VECTOR], OSNOISE_RING - 1);
	assert_int_equal(s.truncated, 1);
	/* a gap holding only the newest 10 of them: not truncated */
	memset(&s, 0, sizeof(s));
	osnoise_account_gap(&s, 1000 + 10 * (3 * OSNOISE_RING - 11), 100000,
			    ring, head);
	assert_int_equal(s.n[OSN_VECTOR], 10);
	assert_int_equal(s.truncated, 0);
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
		cmocka_unit_test(test_gap_hw),
		cmocka_unit_test(test_gap_truncated),
		cmocka_unit_test(test_stats_sub_add),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
