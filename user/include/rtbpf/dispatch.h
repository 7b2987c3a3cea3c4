/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Dispatcher: N worker threads, each pinned to one CPU and owning one
 * <rtbpf/ring.h> ring. Producers hand events over with
 * rtbpf_dispatch__push(); a key (client id) always maps to the same
 * worker, so one key's events are handled in push order (per producer).
 * Workers pop in batches and call the handler once per batch.
 *
 * Background. Each worker either busy-polls its ring (lowest hop latency,
 * burns its CPU: give it an isolated CPU and SCHED_OTHER or a bounded RT
 * budget) or sleeps on a futex when its ring is empty; a producer that
 * finds the worker asleep wakes it with FUTEX_WAKE (one system call, only
 * on the empty-to-non-empty edge). The dispatcher never changes scheduling
 * policy or priority; the caller does that, e.g. from the handler's first
 * call.
 *
 * Every event is stamped with CLOCK_MONOTONIC at push (vDSO, no system
 * call) and its enqueue-to-dequeue latency goes into the worker's
 * log-linear histogram (<rtbpf/hist.h>).
 *
 * Threads and memory are created by rtbpf_dispatch__new() only; push and
 * the worker loop never allocate. System calls: new: clone and
 * sched_setaffinity (through pthread_create; no capability needed for CPUs
 * in the process's cpuset); push: futex(FUTEX_WAKE) to a sleeping futex
 * worker only; worker: futex(FUTEX_WAIT, 50 ms timeout) when idle in futex
 * mode; stop: futex(FUTEX_WAKE); join: what pthread_join needs.
 */
#ifndef RTBPF_DISPATCH_H
#define RTBPF_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include <rtbpf/hist.h>
#include <rtbpf/ring.h>

#define RTBPF_DISPATCH_MAX_WORKERS 64
#define RTBPF_DISPATCH_BATCH_MAX 256

enum rtbpf_wait {
	RTBPF_WAIT_BUSY = 0, /* spin on the ring with a pause instruction */
	RTBPF_WAIT_FUTEX = 1, /* sleep on a futex while the ring is empty */
};

/* rtbpf_dispatch__stop() modes. */
enum rtbpf_stop {
	RTBPF_STOP_DRAIN = 1, /* handle everything queued, then exit */
	RTBPF_STOP_NOW = 2, /* exit after the batch in hand */
};

/*
 * Called on worker `worker` with n (1..batch) events, oldest first. The
 * messages are only valid during the call.
 */
typedef void (*rtbpf_dispatch_fn)(void *ctx, unsigned int worker,
				  const struct rtbpf_msg *msgs, unsigned int n);

struct rtbpf_dispatch_cfg {
	unsigned int n_workers; /* 1..RTBPF_DISPATCH_MAX_WORKERS */
	/* CPU per worker, -1 = not pinned; NULL = none pinned. */
	const int *cpus;
	/* Wait mode per worker; NULL = all RTBPF_WAIT_BUSY. */
	const enum rtbpf_wait *waits;
	uint32_t ring_size; /* per worker, power of two */
	unsigned int batch; /* 1..RTBPF_DISPATCH_BATCH_MAX; 0 = 32 */
	/* Only one thread ever pushes: rings skip the producer CAS. */
	bool single_producer;
	rtbpf_dispatch_fn fn;
	void *ctx;
};

struct rtbpf_dispatch_stats {
	int cpu; /* -1 if not pinned */
	uint64_t dispatched; /* events handed to the handler */
	uint64_t overflowed; /* pushes refused: ring full */
	uint32_t depth; /* queued now; after join: left unhandled */
	struct rtbpf_hist lat_ns; /* enqueue-to-dequeue latency, ns */
};

struct rtbpf_dispatch;

/*
 * Allocates the rings and starts the workers, each created already pinned
 * (pthread_attr_setaffinity_np). Returns the dispatcher, or NULL and
 * errno: EINVAL (bad cfg, or a CPU that is offline or outside the
 * process's cpuset), ENOMEM, EAGAIN (thread limit). The caller's own
 * affinity does not restrict the workers'. Not thread safe.
 */
struct rtbpf_dispatch *
rtbpf_dispatch__new(const struct rtbpf_dispatch_cfg *cfg);

/*
 * Queues (key, ptr) on key's worker. Returns 0, -EAGAIN if that worker's
 * ring is full (counted in its overflowed; the event is not queued) or
 * -ESHUTDOWN after stop. Never blocks or allocates; may make one
 * futex(FUTEX_WAKE) call when the worker sleeps. Thread safe unless
 * cfg.single_producer.
 */
int rtbpf_dispatch__push(struct rtbpf_dispatch *d, uint64_t key, void *ptr);

/* The worker index key maps to. Thread safe, never changes. */
unsigned int rtbpf_dispatch__worker_of(const struct rtbpf_dispatch *d,
				       uint64_t key);

/*
 * Asks the workers to exit (mode: RTBPF_STOP_DRAIN or RTBPF_STOP_NOW) and
 * wakes sleeping ones; returns at once. Producers should have stopped
 * pushing: later pushes get -ESHUTDOWN. Returns 0 or -EINVAL. Thread safe.
 */
int rtbpf_dispatch__stop(struct rtbpf_dispatch *d, enum rtbpf_stop mode);

/*
 * Waits for every worker to exit (stop first, or this waits forever). If
 * left is not NULL it gets the number of events queued but never handled
 * (0 after a drain). Returns 0 or -EINVAL. Blocks; call from one thread.
 */
int rtbpf_dispatch__join(struct rtbpf_dispatch *d, uint64_t *left);

/*
 * Copies worker's counters and latency histogram. While workers run it is
 * a snapshot that may be a few events inconsistent. Returns 0 or -EINVAL
 * (worker out of range). Thread safe; does not block.
 */
int rtbpf_dispatch__stats(struct rtbpf_dispatch *d, unsigned int worker,
			  struct rtbpf_dispatch_stats *s);

/*
 * Drains and joins the workers if still running, then frees everything.
 * Accepts NULL.
 */
void rtbpf_dispatch__free(struct rtbpf_dispatch *d);

#endif
