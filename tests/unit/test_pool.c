// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Buffer pool: every buffer lies inside the preallocated region and is
 * handed out once; exhaustion, oversize, foreign pointers and double puts
 * are refused and counted exactly; get/put never allocate; a multi-thread
 * stress with per-thread caches never hands one buffer to two owners.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rtbpf/pool.h>

#include "alloc_count.h"

static void test_args(void **state)
{
	struct rtbpf_pool_cfg bad[] = {
		{ .buf_size = 0, .n_bufs = 4 },
		{ .buf_size = 64, .n_bufs = 0 },
		{ .buf_size = 64, .n_bufs = 1u << 31 },
		{ .buf_size = 64, .n_bufs = 4, .flags = 0x100 },
	};
	struct rtbpf_pool_cache c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_null(rtbpf_pool__new(&bad[i]));
		assert_int_equal(errno, EINVAL);
	}
	assert_null(rtbpf_pool__new(NULL));
	assert_int_equal(rtbpf_pool_cache__init(&c, NULL), -EINVAL);
	rtbpf_pool__free(NULL);
	rtbpf_pool_cache__fini(NULL);
}

#define N 100

/* Gets every buffer: distinct, aligned, inside the region, no overlap. */
static void drain_check(struct rtbpf_pool *p, struct rtbpf_pool_cache *c,
			uint8_t **bufs, size_t size)
{
	for (int i = 0; i < N; i++) {
		bufs[i] = rtbpf_pool__get(p, c, size);
		assert_non_null(bufs[i]);
		assert_true(rtbpf_pool__owns(p, bufs[i]));
		assert_int_equal((uintptr_t)bufs[i] % RTBPF_POOL_ALIGN, 0);
		/* Mark the whole buffer: ASan would flag a short buffer. */
		memset(bufs[i], i, size);
	}
	for (int i = 0; i < N; i++) {
		for (size_t j = 0; j < size; j++)
			if (bufs[i][j] != (uint8_t)i)
				fail_msg("buffer %d overlaps another", i);
		for (int k = i + 1; k < N; k++)
			assert_ptr_not_equal(bufs[i], bufs[k]);
	}
}

static void exhaust(bool cached)
{
	struct rtbpf_pool_cfg cfg = { .buf_size = 100, .n_bufs = N };
	struct rtbpf_pool *p = rtbpf_pool__new(&cfg);
	struct rtbpf_pool_cache cache, *c = cached ? &cache : NULL;
	struct rtbpf_pool_stats s;
	uint8_t *bufs[N];

	assert_non_null(p);
	if (c)
		assert_int_equal(rtbpf_pool_cache__init(c, p), 0);
	drain_check(p, c, bufs, 100);
	for (int i = 0; i < 3; i++) {
		errno = 0;
		assert_null(rtbpf_pool__get(p, c, 1));
		assert_int_equal(errno, ENOBUFS);
	}
	assert_int_equal(rtbpf_pool__stats(p, &s), 0);
	assert_int_equal(s.exhausted, 3);
	assert_int_equal(s.n_bufs, N);
	assert_int_equal(s.buf_size, 128);
	for (int i = 0; i < N; i++)
		assert_int_equal(rtbpf_pool__put(p, c, bufs[i]), 0);
	if (c)
		rtbpf_pool_cache__fini(c);
	rtbpf_pool__stats(p, &s);
	assert_int_equal(s.shared_free, N);
	/* Everything came back: the whole pool can be drained again. */
	drain_check(p, NULL, bufs, 128);
	rtbpf_pool__free(p);
}

static void test_exhaust_shared(void **state)
{
	(void)state;
	exhaust(false);
}

static void test_exhaust_cached(void **state)
{
	(void)state;
	exhaust(true);
}

static void test_refusals(void **state)
{
	struct rtbpf_pool_cfg cfg = { .buf_size = 64,
				      .n_bufs = 8,
				      .flags = RTBPF_POOL_F_CHECK };
	struct rtbpf_pool *p = rtbpf_pool__new(&cfg);
	struct rtbpf_pool_cache c;
	struct rtbpf_pool_stats s;
	uint8_t *a, *b, *all[8];
	int local;

	(void)state;
	assert_non_null(p);
	assert_int_equal(rtbpf_pool_cache__init(&c, p), 0);
	errno = 0;
	assert_null(rtbpf_pool__get(p, &c, 65));
	assert_int_equal(errno, EMSGSIZE);
	/* b first: the cache's refill then takes the other seven. */
	b = rtbpf_pool__get(p, NULL, 64);
	a = rtbpf_pool__get(p, &c, 64);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(rtbpf_pool__put(p, &c, &local), -EINVAL);
	assert_int_equal(rtbpf_pool__put(p, &c, a + 1), -EINVAL);
	assert_int_equal(rtbpf_pool__put(p, NULL, a + 64 * 8 * 2), -EINVAL);
	assert_int_equal(rtbpf_pool__put(p, &c, a), 0);
	assert_int_equal(rtbpf_pool__put(p, &c, a), -EALREADY);
	assert_int_equal(rtbpf_pool__put(p, NULL, a), -EALREADY);
	assert_int_equal(rtbpf_pool__put(p, NULL, b), 0);
	assert_int_equal(rtbpf_pool__put(p, &c, b), -EALREADY);
	assert_int_equal(rtbpf_pool__stats(p, &s), 0);
	assert_int_equal(s.oversize, 1);
	assert_int_equal(s.bad_ptr, 3);
	assert_int_equal(s.double_put, 3);
	assert_int_equal(s.exhausted, 0);
	/* The refused puts did not duplicate a free entry. */
	rtbpf_pool_cache__fini(&c);
	/* A finished cache is no longer bound to the pool. */
	errno = 0;
	assert_null(rtbpf_pool__get(p, &c, 1));
	assert_int_equal(errno, EINVAL);
	for (int i = 0; i < 8; i++) {
		all[i] = rtbpf_pool__get(p, NULL, 1);
		assert_non_null(all[i]);
		for (int k = 0; k < i; k++)
			assert_ptr_not_equal(all[i], all[k]);
	}
	assert_null(rtbpf_pool__get(p, NULL, 1));
	rtbpf_pool__free(p);
}

static void test_no_alloc(void **state)
{
	struct rtbpf_pool_cfg cfg = { .buf_size = 256,
				      .n_bufs = 1000,
				      .flags = RTBPF_POOL_F_CHECK };
	struct rtbpf_pool *p = rtbpf_pool__new(&cfg);
	struct rtbpf_pool_cache c;
	void *held[200];
	uint64_t n;

	(void)state;
	if (!alloc_count_supported())
		skip();
	assert_non_null(p);
	rtbpf_pool_cache__init(&c, p);
	alloc_count_start();
	for (int round = 0; round < 2000; round++) {
		struct rtbpf_pool_cache *cc = round % 2 ? &c : NULL;

		for (int i = 0; i < 200; i++)
			held[i] = rtbpf_pool__get(p, cc, 256);
		for (int i = 0; i < 200; i++)
			rtbpf_pool__put(p, cc, held[i]);
	}
	rtbpf_pool__get(p, NULL, 4096); /* refusals do not allocate either */
	n = alloc_count_stop();
	assert_int_equal(n, 0);
	for (int i = 0; i < 200; i++)
		assert_true(rtbpf_pool__owns(p, held[i]));
	rtbpf_pool_cache__fini(&c);
	rtbpf_pool__free(p);
}

static void test_mlock(void **state)
{
	struct rtbpf_pool_cfg cfg = { .buf_size = 64,
				      .n_bufs = 16,
				      .flags = RTBPF_POOL_F_MLOCK };
	struct rtbpf_pool *p;

	(void)state;
	p = rtbpf_pool__new(&cfg);
	if (!p) {
		/* Over RLIMIT_MEMLOCK without CAP_IPC_LOCK: refused, clean. */
		assert_true(errno == EPERM || errno == ENOMEM ||
			    errno == EAGAIN);
		skip();
	}
	assert_non_null(rtbpf_pool__get(p, NULL, 64));
	rtbpf_pool__free(p);
}

#define THREADS 4
#define SBUFS 256

struct stress {
	struct rtbpf_pool *p;
	_Atomic int owner[SBUFS]; /* 0 free, else thread id + 1 */
	uint8_t *base;
	size_t stride;
};

struct worker {
	struct stress *s;
	int id;
	uint64_t got;
	uint64_t conflicts;
};

static void *stress_worker(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	struct rtbpf_pool_cache c;
	uint8_t *held[40];

	rtbpf_pool_cache__init(&c, s->p);
	for (int round = 0; round < 20000; round++) {
		int n = 1 + (round * 7 + w->id) % 40, k = 0;

		for (int i = 0; i < n; i++) {
			uint8_t *b = rtbpf_pool__get(s->p, &c, 64);
			int expect = 0;
			size_t idx;

			if (!b)
				continue;
			idx = (size_t)(b - s->base) / s->stride;
			if (!atomic_compare_exchange_strong(&s->owner[idx],
							    &expect, w->id + 1))
				w->conflicts++;
			memset(b, w->id, 64);
			held[k++] = b;
		}
		for (int i = 0; i < k; i++) {
			size_t idx = (size_t)(held[i] - s->base) / s->stride;

			for (int j = 0; j < 64; j++)
				if (held[i][j] != w->id)
					w->conflicts++;
			atomic_store(&s->owner[idx], 0);
			if (rtbpf_pool__put(s->p, &c, held[i]))
				w->conflicts++;
		}
		w->got += k;
	}
	rtbpf_pool_cache__fini(&c);
	return NULL;
}

static void test_stress(void **state)
{
	struct rtbpf_pool_cfg cfg = { .buf_size = 64,
				      .n_bufs = SBUFS,
				      .flags = RTBPF_POOL_F_CHECK };
	static struct stress s;
	struct worker w[THREADS];
	pthread_t th[THREADS];
	struct rtbpf_pool_stats st;
	uint8_t *first;

	(void)state;
	s.p = rtbpf_pool__new(&cfg);
	assert_non_null(s.p);
	/* Buffers are laid out in index order from the first one popped. */
	first = rtbpf_pool__get(s.p, NULL, 1);
	s.base = first;
	s.stride = 64;
	rtbpf_pool__put(s.p, NULL, first);
	for (int i = 0; i < SBUFS; i++)
		atomic_init(&s.owner[i], 0);
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .s = &s, .id = i };
		assert_int_equal(
			pthread_create(&th[i], NULL, stress_worker, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].conflicts, 0);
		assert_true(w[i].got > 0);
	}
	rtbpf_pool__stats(s.p, &st);
	assert_int_equal(st.shared_free, SBUFS);
	assert_int_equal(st.double_put, 0);
	assert_int_equal(st.bad_ptr, 0);
	rtbpf_pool__free(s.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_exhaust_shared),
		cmocka_unit_test(test_exhaust_cached),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_no_alloc),
		cmocka_unit_test(test_mlock),
		cmocka_unit_test(test_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
