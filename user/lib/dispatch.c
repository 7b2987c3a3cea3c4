// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Dispatcher: worker threads, routing, futex wake-ups and per-worker
 * latency histograms (<rtbpf/hist.h>, bucket math of bpf/hist.h).
 */
#define _GNU_SOURCE
#include <rtbpf/dispatch.h>

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>

#include "bpf/hist.h"
#include "clock.h"

_Static_assert(RTBPF_HIST_BUCKETS == HIST_BUCKETS, "bucket count");

#define DEFAULT_BATCH 32
/* A lost wake-up costs at most this much latency, never a hang. */
#define FUTEX_TIMEOUT_NS 50000000L

/* Written by the worker only; relaxed atomics let stats read it. */
struct lat_hist {
	_Atomic uint64_t count;
	_Atomic uint64_t sum;
	_Atomic uint64_t min;
	_Atomic uint64_t max;
	_Atomic uint64_t b[HIST_BUCKETS];
};

struct worker {
	struct rtbpf_ring ring;
	struct rtbpf_dispatch *d;
	unsigned int idx;
	int cpu;
	enum rtbpf_wait wait;
	pthread_t th;
	bool started;
	/* Futex word: 1 while the worker may sleep. Producers read it. */
	alignas(128) _Atomic uint32_t sleeping;
	/* Worker-written. */
	alignas(128) _Atomic uint64_t dispatched;
	struct lat_hist lat;
	struct rtbpf_msg batch[RTBPF_DISPATCH_BATCH_MAX];
};

struct rtbpf_dispatch {
	struct worker *w;
	unsigned int n;
	unsigned int batch;
	rtbpf_dispatch_fn fn;
	void *ctx;
	bool joined;
	alignas(128) _Atomic int stop; /* 0 or enum rtbpf_stop */
};

#define LD(x) atomic_load_explicit(&(x), memory_order_relaxed)
#define ST(x, v) atomic_store_explicit(&(x), (v), memory_order_relaxed)

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

static inline void lat_add(struct lat_hist *h, uint64_t v)
{
	uint64_t c = LD(h->count);
	uint32_t i = hist_bucket(v);

	ST(h->b[i], LD(h->b[i]) + 1);
	if (!c || v < LD(h->min))
		ST(h->min, v);
	if (v > LD(h->max))
		ST(h->max, v);
	ST(h->sum, LD(h->sum) + v);
	ST(h->count, c + 1);
}

static void futex_wait(_Atomic uint32_t *addr, uint32_t val)
{
	struct timespec to = { .tv_nsec = FUTEX_TIMEOUT_NS };

	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, &to, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/*
 * Dekker pair with push: the worker publishes sleeping = 1 then looks at
 * the ring, the producer publishes a slot then looks at sleeping; the two
 * seq_cst fences guarantee at least one of them sees the other's store.
 */
static void worker_sleep(struct worker *w)
{
	ST(w->sleeping, 1);
	atomic_thread_fence(memory_order_seq_cst);
	if (rtbpf_ring__empty(&w->ring) &&
	    !atomic_load_explicit(&w->d->stop, memory_order_relaxed))
		futex_wait(&w->sleeping, 1);
	ST(w->sleeping, 0);
}

static inline void worker_wake(struct worker *w)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (LD(w->sleeping) &&
	    atomic_exchange_explicit(&w->sleeping, 0, memory_order_relaxed))
		futex_wake(&w->sleeping);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct rtbpf_dispatch *d = w->d;

	for (;;) {
		int stop = atomic_load_explicit(&d->stop, memory_order_acquire);
		unsigned int n;

		if (stop == RTBPF_STOP_NOW)
			break;
		n = rtbpf_ring__pop_batch(&w->ring, w->batch, d->batch);
		if (n) {
			uint64_t now = now_ns();

			for (unsigned int i = 0; i < n; i++)
				lat_add(&w->lat,
					now > w->batch[i].ts_ns ?
						now - w->batch[i].ts_ns :
						0);
			d->fn(d->ctx, w->idx, w->batch, n);
			ST(w->dispatched, LD(w->dispatched) + n);
			continue;
		}
		if (stop == RTBPF_STOP_DRAIN) {
			/* Empty, unless a producer is mid-push: wait for it. */
			if (!rtbpf_ring__depth(&w->ring))
				break;
			cpu_relax();
		} else if (w->wait == RTBPF_WAIT_FUTEX) {
			worker_sleep(w);
		} else {
			cpu_relax();
		}
	}
	return NULL;
}

static unsigned int route(const struct rtbpf_dispatch *d, uint64_t key)
{
	/* Fibonacci hash, then a multiply-shift into [0, n). */
	uint64_t h = (key * 0x9E3779B97F4A7C15ull) >> 32;

	return (unsigned int)((h * d->n) >> 32);
}

unsigned int rtbpf_dispatch__worker_of(const struct rtbpf_dispatch *d,
				       uint64_t key)
{
	return route(d, key);
}

int rtbpf_dispatch__push(struct rtbpf_dispatch *d, uint64_t key, void *ptr)
{
	struct worker *w = &d->w[route(d, key)];
	struct rtbpf_msg m = { .ptr = ptr, .key = key, .ts_ns = now_ns() };
	int err;

	if (atomic_load_explicit(&d->stop, memory_order_relaxed))
		return -ESHUTDOWN;
	err = rtbpf_ring__try_push(&w->ring, &m);
	if (err)
		return err;
	if (w->wait == RTBPF_WAIT_FUTEX)
		worker_wake(w);
	return 0;
}

static int check_cfg(const struct rtbpf_dispatch_cfg *cfg)
{
	if (!cfg || !cfg->fn || !cfg->n_workers ||
	    cfg->n_workers > RTBPF_DISPATCH_MAX_WORKERS ||
	    cfg->batch > RTBPF_DISPATCH_BATCH_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < cfg->n_workers; i++) {
		if (cfg->cpus &&
		    (cfg->cpus[i] < -1 || cfg->cpus[i] >= CPU_SETSIZE))
			return -EINVAL;
		if (cfg->waits && cfg->waits[i] != RTBPF_WAIT_BUSY &&
		    cfg->waits[i] != RTBPF_WAIT_FUTEX)
			return -EINVAL;
	}
	return 0;
}

static int start_worker(struct worker *w)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int err;

	err = pthread_attr_init(&attr);
	if (err)
		return -err;
	if (w->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		err = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		if (err)
			goto cleanup;
	}
	err = pthread_create(&w->th, &attr, worker_main, w);
	if (!err)
		w->started = true;
cleanup:
	pthread_attr_destroy(&attr);
	return -err;
}

struct rtbpf_dispatch *rtbpf_dispatch__new(const struct rtbpf_dispatch_cfg *cfg)
{
	struct rtbpf_dispatch *d;
	int err;

	err = check_cfg(cfg);
	if (err) {
		errno = -err;
		return NULL;
	}
	d = aligned_alloc(128, sizeof(*d));
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	memset(d, 0, sizeof(*d));
	atomic_init(&d->stop, 0);
	d->n = cfg->n_workers;
	d->batch = cfg->batch ? cfg->batch : DEFAULT_BATCH;
	d->fn = cfg->fn;
	d->ctx = cfg->ctx;
	d->w = aligned_alloc(128, sizeof(*d->w) * d->n);
	if (!d->w) {
		err = -ENOMEM;
		goto cleanup;
	}
	memset(d->w, 0, sizeof(*d->w) * d->n);
	for (unsigned int i = 0; i < d->n; i++) {
		struct worker *w = &d->w[i];

		w->d = d;
		w->idx = i;
		w->cpu = cfg->cpus ? cfg->cpus[i] : -1;
		w->wait = cfg->waits ? cfg->waits[i] : RTBPF_WAIT_BUSY;
		err = rtbpf_ring__init(&w->ring, cfg->ring_size,
				       cfg->single_producer ? RTBPF_RING_SP :
							      0);
		if (err)
			goto cleanup;
	}
	for (unsigned int i = 0; i < d->n; i++) {
		err = start_worker(&d->w[i]);
		if (err)
			goto cleanup;
	}
	return d;

cleanup:
	rtbpf_dispatch__stop(d, RTBPF_STOP_NOW);
	rtbpf_dispatch__free(d);
	errno = -err;
	return NULL;
}

int rtbpf_dispatch__stop(struct rtbpf_dispatch *d, enum rtbpf_stop mode)
{
	int expect = 0;

	if (!d || (mode != RTBPF_STOP_DRAIN && mode != RTBPF_STOP_NOW))
		return -EINVAL;
	/* The first request wins, except that NOW overrides DRAIN. */
	if (!atomic_compare_exchange_strong(&d->stop, &expect, (int)mode) &&
	    mode == RTBPF_STOP_NOW)
		atomic_store(&d->stop, RTBPF_STOP_NOW);
	if (!d->w)
		return 0;
	for (unsigned int i = 0; i < d->n; i++) {
		atomic_thread_fence(memory_order_seq_cst);
		atomic_store(&d->w[i].sleeping, 0);
		futex_wake(&d->w[i].sleeping);
	}
	return 0;
}

int rtbpf_dispatch__join(struct rtbpf_dispatch *d, uint64_t *left)
{
	uint64_t sum = 0;

	if (!d)
		return -EINVAL;
	for (unsigned int i = 0; d->w && i < d->n; i++) {
		if (d->w[i].started)
			pthread_join(d->w[i].th, NULL);
		d->w[i].started = false;
		if (d->w[i].ring.slots)
			sum += rtbpf_ring__depth(&d->w[i].ring);
	}
	d->joined = true;
	if (left)
		*left = sum;
	return 0;
}

int rtbpf_dispatch__stats(struct rtbpf_dispatch *d, unsigned int worker,
			  struct rtbpf_dispatch_stats *s)
{
	struct worker *w;

	if (!d || !s || worker >= d->n)
		return -EINVAL;
	w = &d->w[worker];
	s->cpu = w->cpu;
	s->dispatched = LD(w->dispatched);
	s->overflowed = rtbpf_ring__overflow(&w->ring);
	s->depth = rtbpf_ring__depth(&w->ring);
	s->lat_ns.count = LD(w->lat.count);
	s->lat_ns.sum = LD(w->lat.sum);
	s->lat_ns.min = LD(w->lat.min);
	s->lat_ns.max = LD(w->lat.max);
	for (int i = 0; i < HIST_BUCKETS; i++)
		s->lat_ns.b[i] = LD(w->lat.b[i]);
	return 0;
}

void rtbpf_dispatch__free(struct rtbpf_dispatch *d)
{
	if (!d)
		return;
	if (!d->joined) {
		rtbpf_dispatch__stop(d, RTBPF_STOP_DRAIN);
		rtbpf_dispatch__join(d, NULL);
	}
	for (unsigned int i = 0; d->w && i < d->n; i++)
		rtbpf_ring__fini(&d->w[i].ring);
	free(d->w);
	free(d);
}
