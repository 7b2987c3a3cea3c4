// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Ring: argument checks, full ring and exact overflow counts, FIFO order
 * across many laps, batch pop, no allocation on the hot path, and SPSC and
 * MPSC stress where every producer's sequence is checked at the consumer:
 * nothing lost, duplicated or reordered.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>

#include <rtbpf/ring.h>

#include "alloc_count.h"
#include "seq_check.h"

static void test_init_args(void **state)
{
	struct rtbpf_ring r;

	(void)state;
	assert_int_equal(rtbpf_ring__init(&r, 0, 0), -EINVAL);
	assert_int_equal(rtbpf_ring__init(&r, 1, 0), -EINVAL);
	assert_int_equal(rtbpf_ring__init(&r, 6, 0), -EINVAL);
	assert_int_equal(rtbpf_ring__init(&r, RTBPF_RING_MAX * 2u, 0), -EINVAL);
	assert_int_equal(rtbpf_ring__init(&r, 8, 0x80), -EINVAL);
	assert_null(rtbpf_ring__new(3, 0));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(rtbpf_ring__init(&r, 2, RTBPF_RING_SP), 0);
	assert_int_equal(rtbpf_ring__capacity(&r), 2);
	rtbpf_ring__fini(&r);
	rtbpf_ring__free(NULL);
}

static void full_ring(unsigned int flags)
{
	struct rtbpf_ring *r = rtbpf_ring__new(16, flags);
	struct rtbpf_msg m = { 0 }, out;

	assert_non_null(r);
	assert_true(rtbpf_ring__empty(r));
	assert_int_equal(rtbpf_ring__pop(r, &out), -EAGAIN);
	for (uint64_t i = 0; i < 16; i++) {
		m.key = i;
		assert_int_equal(rtbpf_ring__try_push(r, &m), 0);
	}
	assert_int_equal(rtbpf_ring__depth(r), 16);
	for (int i = 0; i < 5; i++)
		assert_int_equal(rtbpf_ring__try_push(r, &m), -EAGAIN);
	assert_int_equal(rtbpf_ring__overflow(r), 5);
	/* One pop frees exactly one slot. */
	assert_int_equal(rtbpf_ring__pop(r, &out), 0);
	assert_int_equal(out.key, 0);
	m.key = 100;
	assert_int_equal(rtbpf_ring__try_push(r, &m), 0);
	assert_int_equal(rtbpf_ring__try_push(r, &m), -EAGAIN);
	assert_int_equal(rtbpf_ring__overflow(r), 6);
	for (uint64_t i = 1; i < 16; i++) {
		assert_int_equal(rtbpf_ring__pop(r, &out), 0);
		assert_int_equal(out.key, i);
	}
	assert_int_equal(rtbpf_ring__pop(r, &out), 0);
	assert_int_equal(out.key, 100);
	assert_int_equal(rtbpf_ring__pop(r, &out), -EAGAIN);
	assert_int_equal(rtbpf_ring__depth(r), 0);
	rtbpf_ring__free(r);
}

static void test_full_sp(void **state)
{
	(void)state;
	full_ring(RTBPF_RING_SP);
}

static void test_full_mp(void **state)
{
	(void)state;
	full_ring(0);
}

/* Many laps, uneven batch sizes: order and contents survive wrapping. */
static void test_laps_batch(void **state)
{
	struct rtbpf_ring r;
	struct rtbpf_msg m = { 0 }, out[7];
	uint64_t next_in = 0, next_out = 0;

	(void)state;
	assert_int_equal(rtbpf_ring__init(&r, 8, 0), 0);
	while (next_out < 10000) {
		unsigned int n;

		for (int i = 0; i < 5; i++) {
			m.key = next_in;
			m.ptr = (void *)(uintptr_t)(next_in * 3);
			m.ts_ns = ~next_in;
			if (rtbpf_ring__try_push(&r, &m) == 0)
				next_in++;
		}
		n = rtbpf_ring__pop_batch(&r, out, 7);
		assert_true(n <= 7);
		for (unsigned int i = 0; i < n; i++, next_out++) {
			assert_int_equal(out[i].key, next_out);
			assert_ptr_equal(out[i].ptr,
					 (void *)(uintptr_t)(next_out * 3));
			assert_int_equal(out[i].ts_ns, ~next_out);
		}
	}
	assert_int_equal(rtbpf_ring__pop_batch(&r, out, 7), next_in - next_out);
	rtbpf_ring__fini(&r);
}

static void test_no_alloc(void **state)
{
	struct rtbpf_ring *sp = rtbpf_ring__new(64, RTBPF_RING_SP);
	struct rtbpf_ring *mp = rtbpf_ring__new(64, 0);
	struct rtbpf_msg m = { 0 }, out[16];
	void *volatile probe;
	uint64_t n;

	(void)state;
	if (!alloc_count_supported())
		skip();
	assert_non_null(sp);
	assert_non_null(mp);
	alloc_count_start();
	for (int i = 0; i < 100000; i++) {
		rtbpf_ring__try_push(sp, &m);
		rtbpf_ring__try_push(mp, &m);
		if (i % 3 == 0) {
			rtbpf_ring__pop_batch(sp, out, 16);
			rtbpf_ring__pop_batch(mp, out, 16);
		}
	}
	n = alloc_count_stop();
	assert_int_equal(n, 0);
	/* The counter works: an allocation is seen. */
	alloc_count_start();
	probe = malloc(16);
	free(probe);
	assert_int_equal(alloc_count_stop(), 1);
	rtbpf_ring__free(sp);
	rtbpf_ring__free(mp);
}

struct prod {
	struct rtbpf_ring *r;
	uint64_t id;
	uint64_t n;
	uint64_t full; /* times the ring was full */
};

static void *producer(void *arg)
{
	struct prod *p = arg;
	struct rtbpf_msg m = { .key = p->id };

	for (uint64_t i = 0; i < p->n; i++) {
		m.ptr = (void *)(uintptr_t)i;
		while (rtbpf_ring__try_push(p->r, &m) == -EAGAIN) {
			p->full++;
			sched_yield();
		}
	}
	return NULL;
}

#define MAX_PROD 4

/*
 * Consumer on the test thread: message i of producer k must be the i-th
 * one seen from k. Per-producer counts then prove nothing was lost or
 * duplicated.
 */
static void stress(unsigned int flags, unsigned int nprod, uint64_t per)
{
	struct rtbpf_ring *r = rtbpf_ring__new(1024, flags);
	pthread_t th[MAX_PROD];
	struct prod p[MAX_PROD];
	uint64_t next[MAX_PROD] = { 0 }, total = 0, full = 0;
	struct rtbpf_msg out[64];

	assert_non_null(r);
	for (unsigned int k = 0; k < nprod; k++) {
		p[k] = (struct prod){ .r = r, .id = k, .n = per };
		assert_int_equal(pthread_create(&th[k], NULL, producer, &p[k]),
				 0);
	}
	while (total < nprod * per) {
		unsigned int n = rtbpf_ring__pop_batch(r, out, 64);

		if (!n) {
			sched_yield();
			continue;
		}
		seq_check(out, n, next, nprod);
		total += n;
	}
	for (unsigned int k = 0; k < nprod; k++) {
		pthread_join(th[k], NULL);
		assert_int_equal(next[k], per);
		full += p[k].full;
	}
	assert_int_equal(rtbpf_ring__pop_batch(r, out, 64), 0);
	assert_int_equal(rtbpf_ring__overflow(r), full);
	rtbpf_ring__free(r);
}

static void test_stress_spsc(void **state)
{
	(void)state;
	stress(RTBPF_RING_SP, 1, 4000000);
}

static void test_stress_mpsc(void **state)
{
	(void)state;
	stress(0, MAX_PROD, 1000000);
}

static void *pusher(void *arg)
{
	struct prod *p = arg;
	struct rtbpf_msg m = { .key = p->id };

	for (uint64_t i = 0; i < p->n; i++) {
		m.ptr = (void *)(uintptr_t)i;
		if (rtbpf_ring__try_push(p->r, &m) == -EAGAIN)
			p->full++;
	}
	return NULL;
}

/*
 * No consumer: of P*M concurrent pushes exactly capacity succeed, every
 * other one is an overflow, and each producer's accepted messages are a
 * prefix of its sequence (once full, a ring stays full).
 */
static void test_overflow_mp(void **state)
{
	struct rtbpf_ring *r = rtbpf_ring__new(256, 0);
	pthread_t th[MAX_PROD];
	struct prod p[MAX_PROD];
	uint64_t next[MAX_PROD] = { 0 }, full = 0, got = 0;
	struct rtbpf_msg out[32];
	unsigned int n;

	(void)state;
	assert_non_null(r);
	for (unsigned int k = 0; k < MAX_PROD; k++) {
		p[k] = (struct prod){ .r = r, .id = k, .n = 10000 };
		assert_int_equal(pthread_create(&th[k], NULL, pusher, &p[k]),
				 0);
	}
	for (unsigned int k = 0; k < MAX_PROD; k++) {
		pthread_join(th[k], NULL);
		full += p[k].full;
	}
	assert_int_equal(full, MAX_PROD * 10000 - 256);
	assert_int_equal(rtbpf_ring__overflow(r), full);
	assert_int_equal(rtbpf_ring__depth(r), 256);
	while ((n = rtbpf_ring__pop_batch(r, out, 32))) {
		for (unsigned int i = 0; i < n; i++) {
			uint64_t k = out[i].key;

			assert_true(k < MAX_PROD);
			assert_int_equal((uintptr_t)out[i].ptr, next[k]);
			next[k]++;
		}
		got += n;
	}
	assert_int_equal(got, 256);
	rtbpf_ring__free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_args),
		cmocka_unit_test(test_full_sp),
		cmocka_unit_test(test_full_mp),
		cmocka_unit_test(test_laps_batch),
		cmocka_unit_test(test_no_alloc),
		cmocka_unit_test(test_stress_spsc),
		cmocka_unit_test(test_stress_mpsc),
		cmocka_unit_test(test_overflow_mp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
