// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf timerlat's accounting of one sample against known answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>

#include "bpf/timerlat.h"
#include "timerlat/timerlat.h"

/* IRQ and thread latency from the expiry the probe asked for; a sample
 * BPF took for another expiry is no IRQ sample; an IRQ latency above the
 * thread latency is a violation; a handler on another CPU is counted. */
static void test_account(void **state)
{
	struct timerlat_stats s, t;
	struct timerlat_sample irq = { .expiry = 1000000,
				       .irq_at = 1004000,
				       .irq_cpu = 3 };

	(void)state;
	memset(&s, 0, sizeof(s));
	timerlat_account(&s, 1000000, 1010000, &irq, 3);
	assert_int_equal(s.thread.count, 1);
	assert_int_equal(s.thread.max, 10000);
	assert_int_equal(s.irq.count, 1);
	assert_int_equal(s.irq.max, 4000);
	assert_int_equal(s.violations, 0);
	assert_int_equal(s.irq_remote, 0);
	/* the sample of the period before: not this expiry's */
	timerlat_account(&s, 2000000, 2003000, &irq, 3);
	assert_int_equal(s.thread.count, 2);
	assert_int_equal(s.irq.count, 1);
	assert_int_equal(s.no_irq, 1);
	timerlat_account(&s, 3000000, 3003000, NULL, 3);
	assert_int_equal(s.no_irq, 2);
	/* handler after the probe's own stamp: impossible, so counted */
	irq = (struct timerlat_sample){ .expiry = 4000000,
					.irq_at = 4005000,
					.irq_cpu = 1 };
	timerlat_account(&s, 4000000, 4002000, &irq, 3);
	assert_int_equal(s.violations, 1);
	assert_int_equal(s.irq_remote, 1);
	assert_int_equal(s.irq.min, 4000);
	assert_int_equal(s.irq.max, 5000);
	/* a wakeup stamped before the expiry (clock granularity) is 0 */
	timerlat_account(&s, 5000000, 4999990, NULL, 3);
	assert_int_equal(s.thread.min, 0);
	memset(&t, 0, sizeof(t));
	timerlat_stats_add(&t, &s);
	timerlat_stats_add(&t, &s);
	assert_int_equal(t.thread.count, 2 * s.thread.count);
	assert_int_equal(t.no_irq, 2 * s.no_irq);
	assert_int_equal(t.violations, 2);
	assert_int_equal(t.irq.max, 5000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_account),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
