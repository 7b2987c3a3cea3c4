// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Dispatcher: configuration checks, routing (a key always reaches the same
 * worker), per-key order and exactly-once delivery under several
 * producers with busy-poll and futex workers, exact overflow counts, stop
 * with and without drain (dispatched + left == accepted), latency
 * histogram totals, and no allocation on push or in the worker loop.
 * Workers stay SCHED_OTHER; nothing here changes a system setting.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rtbpf/dispatch.h>

#include "alloc_count.h"

static void nop(void *ctx, unsigned int worker, const struct rtbpf_msg *m,
		unsigned int n)
{
	(void)ctx;
	(void)worker;
	(void)m;
	(void)n;
}

/* Up to n CPUs this process may run on, -1 for the rest. */
static void allowed_cpus(int *cpus, int n)
{
	cpu_set_t set;
	int k = 0;

	for (int i = 0; i < n; i++)
		cpus[i] = -1;
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (int c = 0; c < CPU_SETSIZE && k < n; c++)
		if (CPU_ISSET(c, &set))
			cpus[k++] = c;
}

static void test_args(void **state)
{
	struct rtbpf_dispatch_cfg ok = { .n_workers = 1,
					 .ring_size = 64,
					 .fn = nop };
	struct rtbpf_dispatch_cfg c;
	cpu_set_t set;
	int cpu = -1;
	enum rtbpf_wait bad_wait = 7;

	(void)state;
	c = ok;
	c.fn = NULL;
	assert_null(rtbpf_dispatch__new(&c));
	assert_int_equal(errno, EINVAL);
	c = ok;
	c.n_workers = 0;
	assert_null(rtbpf_dispatch__new(&c));
	c = ok;
	c.n_workers = RTBPF_DISPATCH_MAX_WORKERS + 1;
	assert_null(rtbpf_dispatch__new(&c));
	c = ok;
	c.ring_size = 100;
	assert_null(rtbpf_dispatch__new(&c));
	assert_int_equal(errno, EINVAL);
	c = ok;
	c.batch = RTBPF_DISPATCH_BATCH_MAX + 1;
	assert_null(rtbpf_dispatch__new(&c));
	c = ok;
	c.waits = &bad_wait;
	assert_null(rtbpf_dispatch__new(&c));
	/* A CPU this process may not use is refused, not silently unpinned. */
	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	for (int i = CPU_SETSIZE - 1; i >= 0; i--)
		if (!CPU_ISSET(i, &set)) {
			cpu = i;
			break;
		}
	c = ok;
	c.cpus = &cpu;
	errno = 0;
	assert_null(rtbpf_dispatch__new(&c));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(rtbpf_dispatch__stop(NULL, RTBPF_STOP_NOW), -EINVAL);
	rtbpf_dispatch__free(NULL);
}

#define KEYS 64
#define PRODUCERS 3
#define PER_PRODUCER 200000

/* Producer p owns the keys k with k % PRODUCERS == p. */
struct order_ctx {
	struct rtbpf_dispatch *d;
	_Atomic uint64_t errors;
	uint64_t next[KEYS]; /* only key's worker touches next[key] */
	_Atomic uint64_t seen;
};

static void order_fn(void *arg, unsigned int worker, const struct rtbpf_msg *m,
		     unsigned int n)
{
	struct order_ctx *c = arg;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t k = m[i].key;

		if (k >= KEYS || rtbpf_dispatch__worker_of(c->d, k) != worker ||
		    (uintptr_t)m[i].ptr != c->next[k])
			atomic_fetch_add(&c->errors, 1);
		else
			c->next[k]++;
	}
	atomic_fetch_add(&c->seen, n);
}

struct producer {
	struct rtbpf_dispatch *d;
	int id;
	uint64_t full;
};

static void *order_producer(void *arg)
{
	struct producer *p = arg;
	uint64_t seq[KEYS] = { 0 };

	for (uint64_t i = 0; i < PER_PRODUCER; i++) {
		/* Walk this producer's keys round robin. */
		uint64_t k = (uint64_t)p->id + PRODUCERS * (i % (KEYS / 3));
		int err;

		while ((err = rtbpf_dispatch__push(
				p->d, k, (void *)(uintptr_t)seq[k])) ==
		       -EAGAIN) {
			p->full++;
			sched_yield();
		}
		assert_int_equal(err, 0);
		seq[k]++;
	}
	return NULL;
}

static void order_run(enum rtbpf_wait w0, enum rtbpf_wait w1)
{
	static struct order_ctx c;
	enum rtbpf_wait waits[2] = { w0, w1 };
	int cpus[2];
	struct rtbpf_dispatch_cfg cfg = { .n_workers = 2,
					  .cpus = cpus,
					  .waits = waits,
					  .ring_size = 1024,
					  .batch = 16,
					  .fn = order_fn,
					  .ctx = &c };
	struct producer p[PRODUCERS];
	pthread_t th[PRODUCERS];
	struct rtbpf_dispatch_stats s;
	uint64_t left, dispatched = 0, full = 0, overflowed = 0, lat = 0;
	uint64_t per_key[KEYS] = { 0 };

	memset(&c, 0, sizeof(c));
	allowed_cpus(cpus, 2);
	c.d = rtbpf_dispatch__new(&cfg);
	assert_non_null(c.d);
	for (int i = 0; i < PRODUCERS; i++) {
		p[i] = (struct producer){ .d = c.d, .id = i };
		assert_int_equal(
			pthread_create(&th[i], NULL, order_producer, &p[i]), 0);
	}
	for (int i = 0; i < PRODUCERS; i++) {
		pthread_join(th[i], NULL);
		full += p[i].full;
	}
	assert_int_equal(rtbpf_dispatch__stop(c.d, RTBPF_STOP_DRAIN), 0);
	assert_int_equal(rtbpf_dispatch__join(c.d, &left), 0);
	assert_int_equal(left, 0);
	assert_int_equal(atomic_load(&c.errors), 0);
	assert_int_equal(atomic_load(&c.seen), PRODUCERS * PER_PRODUCER);
	/* Ground truth: how many events each key got from its producer. */
	for (uint64_t i = 0; i < PER_PRODUCER; i++)
		for (int id = 0; id < PRODUCERS; id++)
			per_key[id + PRODUCERS * (i % (KEYS / 3))]++;
	for (int k = 0; k < KEYS; k++)
		assert_int_equal(c.next[k], per_key[k]);
	for (unsigned int i = 0; i < 2; i++) {
		uint64_t sum = 0;

		assert_int_equal(rtbpf_dispatch__stats(c.d, i, &s), 0);
		assert_int_equal(s.cpu, cpus[i]);
		assert_int_equal(s.depth, 0);
		assert_int_equal(s.lat_ns.count, s.dispatched);
		for (int b = 0; b < RTBPF_HIST_BUCKETS; b++)
			sum += s.lat_ns.b[b];
		assert_int_equal(sum, s.lat_ns.count);
		assert_true(s.lat_ns.min <= s.lat_ns.max);
		dispatched += s.dispatched;
		overflowed += s.overflowed;
		lat += s.lat_ns.count;
	}
	assert_int_equal(dispatched, PRODUCERS * PER_PRODUCER);
	assert_int_equal(overflowed, full);
	assert_int_equal(rtbpf_dispatch__stats(c.d, 2, &s), -EINVAL);
	assert_int_equal(rtbpf_dispatch__push(c.d, 1, NULL), -ESHUTDOWN);
	rtbpf_dispatch__free(c.d);
}

static void test_order_busy_futex(void **state)
{
	(void)state;
	order_run(RTBPF_WAIT_BUSY, RTBPF_WAIT_FUTEX);
}

static void test_order_futex(void **state)
{
	(void)state;
	order_run(RTBPF_WAIT_FUTEX, RTBPF_WAIT_FUTEX);
}

struct where_ctx {
	int want[2]; /* CPU each worker was given */
	_Atomic uint64_t calls[2];
	_Atomic uint64_t wrong;
};

static void where_fn(void *arg, unsigned int worker, const struct rtbpf_msg *m,
		     unsigned int n)
{
	struct where_ctx *c = arg;

	(void)m;
	(void)n;
	atomic_fetch_add(&c->calls[worker], 1);
	if (sched_getcpu() != c->want[worker])
		atomic_fetch_add(&c->wrong, 1);
}

/*
 * Each handler call runs on its worker's CPU, whatever the caller's own
 * affinity: the caller pins itself to CPU a and asks for workers on b, a.
 */
static void test_pinned(void **state)
{
	static struct where_ctx c;
	int cpus[2];
	enum rtbpf_wait waits[2] = { RTBPF_WAIT_FUTEX, RTBPF_WAIT_FUTEX };
	struct rtbpf_dispatch_cfg cfg = { .n_workers = 2,
					  .cpus = c.want,
					  .waits = waits,
					  .ring_size = 64,
					  .fn = where_fn,
					  .ctx = &c };
	struct rtbpf_dispatch *d;
	struct rtbpf_dispatch_stats s;
	cpu_set_t old, one;
	uint64_t left;

	(void)state;
	allowed_cpus(cpus, 2);
	if (cpus[1] < 0)
		skip();
	c.want[0] = cpus[1];
	c.want[1] = cpus[0];
	assert_int_equal(sched_getaffinity(0, sizeof(old), &old), 0);
	CPU_ZERO(&one);
	CPU_SET(cpus[0], &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	d = rtbpf_dispatch__new(&cfg);
	assert_int_equal(sched_setaffinity(0, sizeof(old), &old), 0);
	assert_non_null(d);
	for (uint64_t k = 0; k < 1000; k++)
		while (rtbpf_dispatch__push(d, k, NULL) == -EAGAIN)
			sched_yield();
	rtbpf_dispatch__stop(d, RTBPF_STOP_DRAIN);
	rtbpf_dispatch__join(d, &left);
	assert_int_equal(left, 0);
	for (unsigned int w = 0; w < 2; w++) {
		assert_int_equal(rtbpf_dispatch__stats(d, w, &s), 0);
		assert_int_equal(s.cpu, c.want[w]);
		/* 1000 keys hash to both workers. */
		assert_true(atomic_load(&c.calls[w]) > 0);
	}
	assert_int_equal(atomic_load(&c.wrong), 0);
	rtbpf_dispatch__free(d);
}

/* Handler that parks on its first call until the test releases it. */
struct park_ctx {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool entered;
	bool release;
	uint64_t seen;
};

static void park_fn(void *arg, unsigned int worker, const struct rtbpf_msg *m,
		    unsigned int n)
{
	struct park_ctx *c = arg;

	(void)worker;
	(void)m;
	pthread_mutex_lock(&c->lock);
	c->seen += n;
	c->entered = true;
	pthread_cond_broadcast(&c->cond);
	while (!c->release)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
}

static struct rtbpf_dispatch *park_start(struct park_ctx *c,
					 enum rtbpf_wait wait)
{
	struct rtbpf_dispatch_cfg cfg = { .n_workers = 1,
					  .waits = &wait,
					  .ring_size = 64,
					  .batch = 8,
					  .fn = park_fn,
					  .ctx = c };
	struct rtbpf_dispatch *d;

	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	d = rtbpf_dispatch__new(&cfg);
	assert_non_null(d);
	/* One event, then wait until the worker holds it in the handler. */
	assert_int_equal(rtbpf_dispatch__push(d, 0, NULL), 0);
	pthread_mutex_lock(&c->lock);
	while (!c->entered)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
	/* The ring is empty again: exactly 64 fit, the rest overflow. */
	for (int i = 0; i < 64; i++)
		assert_int_equal(rtbpf_dispatch__push(d, 0, NULL), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(rtbpf_dispatch__push(d, 0, NULL), -EAGAIN);
	return d;
}

static void park_release(struct park_ctx *c)
{
	pthread_mutex_lock(&c->lock);
	c->release = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static void test_stop_now(void **state)
{
	struct park_ctx c;
	struct rtbpf_dispatch *d = park_start(&c, RTBPF_WAIT_FUTEX);
	struct rtbpf_dispatch_stats s;
	uint64_t left;

	(void)state;
	/* Stop is requested while the handler is parked: nothing more runs. */
	assert_int_equal(rtbpf_dispatch__stop(d, RTBPF_STOP_NOW), 0);
	park_release(&c);
	assert_int_equal(rtbpf_dispatch__join(d, &left), 0);
	assert_int_equal(left, 64);
	assert_int_equal(c.seen, 1);
	assert_int_equal(rtbpf_dispatch__stats(d, 0, &s), 0);
	assert_int_equal(s.dispatched, 1);
	assert_int_equal(s.overflowed, 10);
	assert_int_equal(s.depth, 64);
	rtbpf_dispatch__free(d);
}

static void test_stop_drain(void **state)
{
	struct park_ctx c;
	struct rtbpf_dispatch *d = park_start(&c, RTBPF_WAIT_BUSY);
	struct rtbpf_dispatch_stats s;
	uint64_t left;

	(void)state;
	assert_int_equal(rtbpf_dispatch__stop(d, RTBPF_STOP_DRAIN), 0);
	park_release(&c);
	assert_int_equal(rtbpf_dispatch__join(d, &left), 0);
	assert_int_equal(left, 0);
	assert_int_equal(c.seen, 65);
	assert_int_equal(rtbpf_dispatch__stats(d, 0, &s), 0);
	assert_int_equal(s.dispatched, 65);
	assert_int_equal(s.lat_ns.count, 65);
	assert_int_equal(s.overflowed, 10);
	rtbpf_dispatch__free(d);
}

/* The worker counts its own allocations between its first and last call. */
struct alloc_ctx {
	uint64_t seen;
	uint64_t total;
	_Atomic uint64_t allocs;
	_Atomic bool done;
};

static void alloc_fn(void *arg, unsigned int worker, const struct rtbpf_msg *m,
		     unsigned int n)
{
	struct alloc_ctx *c = arg;

	(void)worker;
	(void)m;
	if (!c->seen)
		alloc_count_start();
	c->seen += n;
	if (c->seen == c->total) {
		atomic_store(&c->allocs, alloc_count_stop());
		atomic_store(&c->done, true);
	}
}

static void test_no_alloc(void **state)
{
	static struct alloc_ctx c = { .total = 100000 };
	enum rtbpf_wait wait = RTBPF_WAIT_FUTEX;
	struct rtbpf_dispatch_cfg cfg = { .n_workers = 1,
					  .waits = &wait,
					  .ring_size = 256,
					  .fn = alloc_fn,
					  .ctx = &c };
	struct rtbpf_dispatch *d;
	uint64_t pushed = 0, n;

	(void)state;
	if (!alloc_count_supported())
		skip();
	d = rtbpf_dispatch__new(&cfg);
	assert_non_null(d);
	alloc_count_start();
	while (pushed < c.total) {
		if (rtbpf_dispatch__push(d, pushed, NULL) == 0)
			pushed++;
		else
			sched_yield();
	}
	n = alloc_count_stop();
	assert_int_equal(n, 0);
	while (!atomic_load(&c.done))
		sched_yield();
	assert_int_equal(atomic_load(&c.allocs), 0);
	rtbpf_dispatch__free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_order_busy_futex),
		cmocka_unit_test(test_order_futex),
		cmocka_unit_test(test_pinned),
		cmocka_unit_test(test_stop_now),
		cmocka_unit_test(test_stop_drain),
		cmocka_unit_test(test_no_alloc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
