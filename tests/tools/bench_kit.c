// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Benchmark of the in-process kit (<rtbpf/ring.h>, dispatch.h, pool.h):
 * prints figures, asserts nothing.
 *
 *   throughput  one or two producers push N messages into one consumer,
 *               each thread pinned; Mops/s = N / (first push .. last pop),
 *               median (and range) of 5 rounds.
 *   hop         one producer sends a message every --gap-ns, stamped with
 *               CLOCK_MONOTONIC; the consumer records now - stamp: p50,
 *               p99, p99.9 in ns (log-linear buckets, within ~6 %).
 *   dispatch    the same paced hop through rtbpf_dispatch__push() to a
 *               busy-poll and a futex worker, read from the worker's
 *               histogram.
 *   pool        get+put pairs on one thread, ns per pair, vs malloc+free.
 *
 * Compared: rtbpf ring (SP fast path and MPSC CAS path; 24-byte messages),
 * rtbpf fan-in (one single-producer lane per producer; two producers only),
 * Concurrency Kit's ck_ring (spsc/mpsc, 8-byte pointers) and a queue under
 * a pthread mutex with two condition variables (blocking consumer).
 * Threads are SCHED_OTHER and spin (pause) while their queue is full or
 * empty; only when a run has more threads than CPUs (two producers on two
 * CPUs) do they yield after 64 spins, the same for every implementation,
 * so the run still makes progress.
 *
 * Usage: bench_kit [-n events] [-l latency samples] [-g gap_ns] [-c cpus]
 */
#define _GNU_SOURCE
#include <ck_ring.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rtbpf/dispatch.h>
#include <rtbpf/fanin.h>
#include <rtbpf/pool.h>
#include <rtbpf/ring.h>

#include "cli.h"
#include "hist.h"
#include "parse.h"
#include "clock.h"
#include "bench_queue.h"

static const char *const kind_name[] = {
	[K_RING_SP] = "rtbpf ring (SP path)",
	[K_RING_MP] = "rtbpf ring (MPSC path)",
	[K_FANIN] = "rtbpf fan-in (lane each)",
	[K_CK_SPSC] = "ck_ring spsc",
	[K_CK_MPSC] = "ck_ring mpsc",
	[K_MUTEX] = "mutex+condvar queue",
};

static int cpus[3];
/* The second producer's CPU in run(): cpus[2] unless a row overrides it. */
static int prod2_cpu;
static unsigned int ncpus;
/* More threads than CPUs in this run: waiting threads must yield. */
static bool shared_cpu;

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static inline void backoff(unsigned int *spins)
{
	if (!shared_cpu || ++*spins < 64)
		__builtin_ia32_pause();
	else {
		*spins = 0;
		sched_yield();
	}
}

struct run {
	struct queue *q;
	pthread_barrier_t start;
	uint64_t per_producer;
	uint64_t gap_ns; /* 0: throughput, else paced latency samples */
	int cpu;
	uint64_t t0;
	struct hist lat;
	uint64_t sum; /* consumer checksum: every value arrived */
};

struct prod_arg {
	struct run *r;
	int cpu;
	unsigned int lane;
};

static void *producer(void *arg)
{
	struct prod_arg *a = arg;
	struct run *r = a->r;
	uint64_t next = 0;
	unsigned int spins = 0;

	pin(a->cpu);
	pthread_barrier_wait(&r->start);
	if (r->gap_ns)
		next = now_ns();
	for (uint64_t i = 1; i <= r->per_producer; i++) {
		uint64_t v = i;

		if (r->gap_ns) {
			while (now_ns() < next)
				backoff(&spins);
			next += r->gap_ns;
			v = now_ns();
		}
		while (!q_push(r->q, a->lane, v))
			backoff(&spins);
	}
	return NULL;
}

static void consume(struct run *r, uint64_t total)
{
	uint64_t out[BATCH], got = 0;
	unsigned int spins = 0;

	pin(r->cpu);
	pthread_barrier_wait(&r->start);
	r->t0 = now_ns();
	while (got < total) {
		unsigned int n = q_pop(r->q, out);

		if (!n) {
			backoff(&spins);
			continue;
		}
		if (r->gap_ns) {
			uint64_t now = now_ns();

			for (unsigned int i = 0; i < n; i++)
				hist_add_value(&r->lat, now - out[i]);
		} else {
			for (unsigned int i = 0; i < n; i++)
				r->sum += out[i];
		}
		got += n;
	}
}

/* Runs nprod producers into a consumer on this thread; returns seconds. */
static double run(enum kind kind, unsigned int nprod, uint64_t per,
		  uint64_t gap_ns, struct hist *lat)
{
	static struct queue q;
	static struct run r;
	struct prod_arg a[2];
	pthread_t th[2];
	uint64_t want = 0;
	double secs;

	if (q_init(&q, kind)) {
		fprintf(stderr, "bench_kit: %s: init failed\n",
			kind_name[kind]);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.q = &q;
	r.per_producer = per;
	r.gap_ns = gap_ns;
	r.cpu = cpus[1];
	shared_cpu = nprod + 1 > ncpus;
	hist_reset(&r.lat);
	pthread_barrier_init(&r.start, NULL, nprod + 1);
	for (unsigned int i = 0; i < nprod; i++) {
		a[i] = (struct prod_arg){ .r = &r,
					  .cpu = i ? prod2_cpu : cpus[0],
					  .lane = i };
		pthread_create(&th[i], NULL, producer, &a[i]);
	}
	consume(&r, per * nprod);
	secs = (double)(now_ns() - r.t0) / 1e9;
	for (unsigned int i = 0; i < nprod; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&r.start);
	want = nprod * (per * (per + 1) / 2);
	if (!gap_ns && r.sum != want)
		fprintf(stderr, "bench_kit: %s: checksum mismatch\n",
			kind_name[kind]);
	if (lat)
		*lat = r.lat;
	q_fini(&q);
	return secs;
}

static void print_lat(const char *name, const struct hist *h)
{
	printf("  %-28s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %9" PRIu64 "\n",
	       name, hist_quantile(h, 0.50), hist_quantile(h, 0.99),
	       hist_quantile(h, 0.999), h->max);
}

/*
 * Every figure below comes from ROUNDS short runs, interleaved across the
 * implementations, so a burst of host noise hits all of them alike.
 */
#define ROUNDS 5
#define NKINDS 4

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median, min and max of the rounds' Mops/s. */
static void throughput_rows(const enum kind *kinds, size_t nk,
			    unsigned int nprod, uint64_t n)
{
	uint64_t per = n / ROUNDS / nprod;
	double mops[NKINDS][ROUNDS];

	for (int round = 0; round < ROUNDS; round++)
		for (size_t i = 0; i < nk; i++)
			mops[i][round] = (double)(per * nprod) /
					 run(kinds[i], nprod, per, 0, NULL) /
					 1e6;
	for (size_t i = 0; i < nk; i++) {
		qsort(mops[i], ROUNDS, sizeof(double), cmp_double);
		printf("  %-28s %8.1f %8.1f %8.1f\n", kind_name[kinds[i]],
		       mops[i][ROUNDS / 2], mops[i][0], mops[i][ROUNDS - 1]);
	}
}

static void bench_throughput(uint64_t n)
{
	static const enum kind one[] = { K_RING_SP, K_RING_MP, K_CK_SPSC,
					 K_MUTEX };
	static const enum kind two[] = { K_RING_MP, K_FANIN, K_CK_MPSC,
					 K_MUTEX };
	static const enum kind two_one_cpu[] = { K_RING_MP, K_FANIN, K_MUTEX };

	printf("throughput, %" PRIu64 " messages in %d interleaved rounds, "
	       "queue %d, pop batch %d\n",
	       n, ROUNDS, QSIZE, BATCH);
	printf("  %-28s %8s %8s %8s\n", "1 producer (Mops/s)", "median", "min",
	       "max");
	throughput_rows(one, sizeof(one) / sizeof(one[0]), 1, n);
	printf("  %-28s %8s %8s %8s\n", "2 producers (Mops/s)", "median", "min",
	       "max");
	prod2_cpu = cpus[2];
	throughput_rows(two, sizeof(two) / sizeof(two[0]), 2, n);
	if (ncpus >= 3)
		return;
	/*
	 * With two CPUs, also the dispatcher's layout: the consumer (the
	 * pinned worker) keeps its CPU to itself and both producers share the
	 * other one, so they take turns instead of racing on the tail.
	 * ck_ring's mpsc is left out here: its enqueue spins, without
	 * yielding, until the producer ahead of it publishes, so two
	 * producers on one CPU move about one message per time slice.
	 */
	printf("  %-28s %8s %8s %8s\n", "2 producers, one CPU", "median", "min",
	       "max");
	prod2_cpu = cpus[0];
	throughput_rows(two_one_cpu,
			sizeof(two_one_cpu) / sizeof(two_one_cpu[0]), 2, n);
	prod2_cpu = cpus[2];
}

static void hop_rows(const enum kind *kinds, size_t nk, unsigned int nprod,
		     uint64_t samples, uint64_t gap)
{
	struct hist h[NKINDS], r;

	for (size_t i = 0; i < nk; i++)
		hist_reset(&h[i]);
	for (int round = 0; round < ROUNDS; round++)
		for (size_t i = 0; i < nk; i++) {
			run(kinds[i], nprod, samples / ROUNDS / nprod, gap, &r);
			hist_merge(&h[i], &r);
		}
	for (size_t i = 0; i < nk; i++)
		print_lat(kind_name[kinds[i]], &h[i]);
}

static void bench_hop(uint64_t samples, uint64_t gap)
{
	static const enum kind one[] = { K_RING_SP, K_RING_MP, K_CK_SPSC,
					 K_MUTEX };
	static const enum kind two[] = { K_RING_MP, K_FANIN, K_CK_MPSC,
					 K_MUTEX };

	printf("hop latency, %" PRIu64 " messages in %d interleaved rounds, "
	       "each producer sends one every %" PRIu64 " ns\n",
	       samples, ROUNDS, gap);
	printf("  %-28s %8s %8s %8s %9s\n", "1 producer (ns)", "p50", "p99",
	       "p99.9", "max");
	hop_rows(one, sizeof(one) / sizeof(one[0]), 1, samples, gap);
	printf("  %-28s %8s %8s %8s %9s\n", "2 producers (ns)", "p50", "p99",
	       "p99.9", "max");
	hop_rows(two, sizeof(two) / sizeof(two[0]), 2, samples, gap);
}

static void nop_fn(void *ctx, unsigned int w, const struct rtbpf_msg *m,
		   unsigned int n)
{
	(void)ctx;
	(void)w;
	(void)m;
	(void)n;
}

static void bench_dispatch(uint64_t samples, uint64_t gap)
{
	static const enum rtbpf_wait waits[] = { RTBPF_WAIT_BUSY,
						 RTBPF_WAIT_FUTEX };
	static const char *const names[] = { "dispatch busy-poll", "dispatch "
								   "futex "
								   "wait" };

	for (int i = 0; i < 2; i++) {
		struct rtbpf_dispatch_cfg cfg = { .n_workers = 1,
						  .cpus = &cpus[1],
						  .waits = &waits[i],
						  .ring_size = QSIZE,
						  .single_producer = true,
						  .fn = nop_fn };
		struct rtbpf_dispatch *d = rtbpf_dispatch__new(&cfg);
		struct rtbpf_dispatch_stats s;
		struct hist h;
		uint64_t next;

		if (!d) {
			fprintf(stderr, "bench_kit: dispatch: %s\n",
				strerror(errno));
			return;
		}
		pin(cpus[0]);
		next = now_ns();
		for (uint64_t k = 0; k < samples; k++) {
			while (now_ns() < next)
				__builtin_ia32_pause();
			next += gap;
			rtbpf_dispatch__push(d, k, NULL);
		}
		rtbpf_dispatch__stop(d, RTBPF_STOP_DRAIN);
		rtbpf_dispatch__join(d, NULL);
		rtbpf_dispatch__stats(d, 0, &s);
		hist_from_rtbpf(&h, &s.lat_ns);
		print_lat(names[i], &h);
		rtbpf_dispatch__free(d);
	}
}

static void bench_pool(uint64_t n)
{
	struct rtbpf_pool_cfg cfg = { .buf_size = 256, .n_bufs = 4096 };
	struct rtbpf_pool *p = rtbpf_pool__new(&cfg);
	struct rtbpf_pool_cache c;
	void *held[16];
	uint64_t t;

	if (!p) {
		fprintf(stderr, "bench_kit: pool: %s\n", strerror(errno));
		return;
	}
	pin(cpus[0]);
	rtbpf_pool_cache__init(&c, p);
	printf("buffer pool, 256-byte buffers, %" PRIu64 " get+put pairs (16 "
	       "held at a time)\n",
	       n);
	printf("  %-28s %10s\n", "allocator", "ns/pair");
	for (int mode = 0; mode < 4; mode++) {
		static const char *const names[] = { "rtbpf pool, thread cache",
						     "rtbpf pool, shared stack",
						     "rtbpf pool, cache + "
						     "check",
						     "malloc+free" };

		if (mode == 2) {
			rtbpf_pool_cache__fini(&c);
			rtbpf_pool__free(p);
			cfg.flags = RTBPF_POOL_F_CHECK;
			p = rtbpf_pool__new(&cfg);
			if (!p)
				return;
			rtbpf_pool_cache__init(&c, p);
		}
		t = now_ns();
		for (uint64_t i = 0; i < n / 16; i++) {
			for (int k = 0; k < 16; k++) {
				if (mode == 3)
					held[k] = malloc(256);
				else
					held[k] = rtbpf_pool__get(
						p, mode == 1 ? NULL : &c, 256);
				*(volatile char *)held[k] = 0;
			}
			for (int k = 0; k < 16; k++) {
				if (mode == 3)
					free(held[k]);
				else
					rtbpf_pool__put(p,
							mode == 1 ? NULL : &c,
							held[k]);
			}
		}
		printf("  %-28s %10.1f\n", names[mode],
		       (double)(now_ns() - t) / (double)n);
	}
	rtbpf_pool_cache__fini(&c);
	rtbpf_pool__free(p);
}

static int pick_cpus(const char *list)
{
	struct cpuset set;
	cpu_set_t allowed;
	char err[128];
	int all[3];
	unsigned int n = 0;

	if (list) {
		if (parse_cpulist(list, &set, err, sizeof(err))) {
			fprintf(stderr, "bench_kit: --cpus: %s\n", err);
			return -1;
		}
		for (unsigned int c = 0; c < CPUSET_MAX && n < 3; c++)
			if (cpuset_has(&set, c))
				all[n++] = (int)c;
	} else {
		sched_getaffinity(0, sizeof(allowed), &allowed);
		for (int c = 0; c < CPU_SETSIZE && n < 3; c++)
			if (CPU_ISSET(c, &allowed))
				all[n++] = c;
	}
	if (!n)
		return -1;
	ncpus = n;
	/*
	 * producer 0, consumer, producer 1. With two CPUs the second producer
	 * shares the consumer's: two producers time-sharing one CPU stall
	 * ck_ring's mpsc enqueue (it spins, without yielding, until the
	 * producer ahead of it publishes).
	 */
	cpus[0] = all[0];
	cpus[1] = all[1 % n];
	cpus[2] = n >= 3 ? all[2] : all[1 % n];
	prod2_cpu = cpus[2];
	return 0;
}

struct kit_args {
	uint64_t n, samples, gap_ns;
	const char *list;
};

#define K struct kit_args
static const struct cli_opt kit_opts[] = {
	{ "count", 'n', .help = "events per throughput run (default 20000000)",
	  CLI_UINT_AT(K, n, 1, UINT64_MAX) },
	{ "samples", 0, .help = "timed hops per latency run (default 500000)",
	  CLI_UINT_AT(K, samples, 1, UINT64_MAX) },
	{ "gap", 0, .help = "between two timed hops (default 2us)",
	  CLI_LATENCY_AT(K, gap_ns, 0, 1000000000) },
	{ "cpus", 'c', .arg = "LIST",
	  .help = "producer, consumer, second producer (default: the first "
		  "three allowed)",
	  CLI_STR_AT(K, list) },
	{},
};
#undef K

static const struct cli_cmd kit_cli = { "bench_kit", "[options]", kit_opts,
					CLI_ARGS_NONE, NULL };

int main(int argc, char **argv)
{
	struct kit_args a = { .n = 20000000,
			      .samples = 500000,
			      .gap_ns = 2000 };
	uint64_t n, samples, gap;
	int ret = cli_parse(&kit_cli, argc, argv, &a, NULL);

	if (ret)
		return cli_exit(ret);
	n = a.n;
	samples = a.samples;
	gap = a.gap_ns;
	if (pick_cpus(a.list))
		return 2;
	printf("cpus: producer %d, consumer %d, second producer %d%s\n",
	       cpus[0], cpus[1], cpus[2],
	       ncpus < 3 ? " (shared: fewer than 3 CPUs)" : "");
	bench_throughput(n);
	bench_hop(samples, gap);
	bench_dispatch(samples, gap);
	bench_pool(n);
	return 0;
}
