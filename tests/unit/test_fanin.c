// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fan-in: argument checks, a full lane refuses (and counts) while the
 * others accept, the consumer takes lanes in turn, no allocation on the
 * hot path, and a stress test with one producer per lane where every
 * producer's sequence is checked at the consumer: nothing lost,
 * duplicated or reordered.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>

#include <rtbpf/fanin.h>

#include "alloc_count.h"
#include "seq_check.h"

static struct rtbpf_msg msg(uint64_t key, uint64_t seq)
{
	return (struct rtbpf_msg){ .key = key, .ptr = (void *)(uintptr_t)seq };
}

static void test_init_args(void **state)
{
	struct rtbpf_fanin f;

	(void)state;
	assert_int_equal(rtbpf_fanin__init(NULL, 2, 64), -EINVAL);
	assert_int_equal(rtbpf_fanin__init(&f, 0, 64), -EINVAL);
	assert_int_equal(rtbpf_fanin__init(&f, RTBPF_FANIN_MAX_LANES + 1, 64),
			 -EINVAL);
	assert_int_equal(rtbpf_fanin__init(&f, 2, 100), -EINVAL);
	assert_int_equal(rtbpf_fanin__init(&f, 2, 1), -EINVAL);
	assert_int_equal(rtbpf_fanin__init(&f, 3, 64), 0);
	assert_int_equal(f.nlanes, 3);
	rtbpf_fanin__fini(&f);
	rtbpf_fanin__fini(&f); /* twice is harmless */
}

static void test_full_lane(void **state)
{
	struct rtbpf_fanin f;
	struct rtbpf_msg m = msg(0, 0), out[8];

	(void)state;
	assert_int_equal(rtbpf_fanin__init(&f, 2, 4), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(rtbpf_fanin__try_push(&f, 0, &m), 0);
	assert_int_equal(rtbpf_fanin__try_push(&f, 0, &m), -EAGAIN);
	assert_int_equal(rtbpf_fanin__try_push(&f, 1, &m), 0);
	assert_int_equal(rtbpf_fanin__overflow(&f), 1);
	assert_int_equal(rtbpf_fanin__depth(&f), 5);
	assert_int_equal(rtbpf_fanin__pop_batch(&f, out, 8), 5);
	assert_int_equal(rtbpf_fanin__depth(&f), 0);
	assert_int_equal(rtbpf_fanin__pop_batch(&f, out, 8), 0);
	rtbpf_fanin__fini(&f);
}

/* Three lanes of four: pops of four start at the next lane each time. */
static void test_turns(void **state)
{
	struct rtbpf_fanin f;
	struct rtbpf_msg out[4];

	(void)state;
	assert_int_equal(rtbpf_fanin__init(&f, 3, 8), 0);
	for (uint64_t lane = 0; lane < 3; lane++)
		for (uint64_t i = 0; i < 4; i++) {
			struct rtbpf_msg m = msg(lane, i);

			assert_int_equal(rtbpf_fanin__try_push(
						 &f, (unsigned int)lane, &m),
					 0);
		}
	for (uint64_t lane = 0; lane < 3; lane++) {
		assert_int_equal(rtbpf_fanin__pop_batch(&f, out, 4), 4);
		for (uint64_t i = 0; i < 4; i++) {
			assert_int_equal(out[i].key, lane);
			assert_int_equal((uintptr_t)out[i].ptr, i);
		}
	}
	assert_int_equal(rtbpf_fanin__pop_batch(&f, out, 4), 0);
	/* A partial pop moves on to the next lane for the rest. */
	for (unsigned int lane = 0; lane < 3; lane++) {
		struct rtbpf_msg m = msg(lane, 9);

		assert_int_equal(rtbpf_fanin__try_push(&f, lane, &m), 0);
	}
	assert_int_equal(rtbpf_fanin__pop_batch(&f, out, 4), 3);
	rtbpf_fanin__fini(&f);
}

static void test_no_alloc(void **state)
{
	struct rtbpf_fanin f;
	struct rtbpf_msg m = msg(0, 0), out[16];

	(void)state;
	if (!alloc_count_supported())
		skip();
	assert_int_equal(rtbpf_fanin__init(&f, 4, 64), 0);
	alloc_count_start();
	for (unsigned int i = 0; i < 100000; i++) {
		rtbpf_fanin__try_push(&f, i % 4, &m);
		if (i % 3 == 0)
			rtbpf_fanin__pop_batch(&f, out, 16);
	}
	assert_int_equal(alloc_count_stop(), 0);
	rtbpf_fanin__fini(&f);
}

#define NPROD 4

struct prod {
	struct rtbpf_fanin *f;
	unsigned int lane;
	uint64_t n;
	uint64_t full;
};

static void *producer(void *arg)
{
	struct prod *p = arg;

	for (uint64_t i = 0; i < p->n; i++) {
		struct rtbpf_msg m = msg(p->lane, i);

		while (rtbpf_fanin__try_push(p->f, p->lane, &m) == -EAGAIN) {
			p->full++;
			sched_yield();
		}
	}
	return NULL;
}

static void test_stress(void **state)
{
	const uint64_t per = 1000000;
	struct rtbpf_fanin f;
	struct prod p[NPROD];
	pthread_t th[NPROD];
	uint64_t next[NPROD] = { 0 }, total = 0, full = 0;
	struct rtbpf_msg out[64];

	(void)state;
	assert_int_equal(rtbpf_fanin__init(&f, NPROD, 256), 0);
	for (unsigned int k = 0; k < NPROD; k++) {
		p[k] = (struct prod){ .f = &f, .lane = k, .n = per };
		assert_int_equal(pthread_create(&th[k], NULL, producer, &p[k]),
				 0);
	}
	while (total < NPROD * per) {
		unsigned int n = rtbpf_fanin__pop_batch(&f, out, 64);

		if (!n) {
			sched_yield();
			continue;
		}
		seq_check(out, n, next, NPROD);
		total += n;
	}
	for (unsigned int k = 0; k < NPROD; k++) {
		pthread_join(th[k], NULL);
		assert_int_equal(next[k], per);
		full += p[k].full;
	}
	assert_int_equal(rtbpf_fanin__pop_batch(&f, out, 64), 0);
	assert_int_equal(rtbpf_fanin__overflow(&f), full);
	rtbpf_fanin__fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_args),
		cmocka_unit_test(test_full_lane),
		cmocka_unit_test(test_turns),
		cmocka_unit_test(test_no_alloc),
		cmocka_unit_test(test_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
