/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Scheduling collector: glue for bpf/sched.bpf.c (sched_coll_ops, coll.h).
 * Loads and attaches the programs with the filters compiled in as rodata;
 * reads one interval at a time from the slot of the epoch before a flip.
 * Needs CAP_BPF+CAP_PERFMON; allocates at open and in read (preemptor
 * list growth); single-threaded. Its figures, below, are pure data.
 */
#ifndef RTBPF_SCHED_COLL_H
#define RTBPF_SCHED_COLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "hist.h"
#include "parse.h"
#include "tasklist.h"

struct sched_filter {
	struct cpuset cpus;
	bool has_tgid, has_tid, has_comm;
	uint32_t tgid, tid;
	char comm[16];
};

struct sched_cpu {
	struct hist lat; /* wait samples, ns */
	/* wakeup waits only, split at sched_wakeup: sched_waking ->
	 * sched_wakeup (delivery) and sched_wakeup -> switch-in (queue) */
	struct hist dlv;
	struct hist queue;
	/* waits a thread's own hrtimer began: expiry -> switch-in */
	struct hist timer;
	uint64_t remote; /* wakeup waits whose waker ran on another CPU */
	uint64_t idle; /* wakeup waits that ended an idle period */
	uint64_t idle_remote; /* ... woken from another CPU */
	uint64_t idle_remote_no_ipi; /* ... of a CPU kicked without an IPI */
	uint64_t wakeups; /* sched_wakeup(_new) of watched threads to this CPU */
	uint64_t woken_running; /* of those, woken before they left the CPU */
	uint64_t untimed; /* of those, whose start could not be stored, or
			     that ran before their sched_wakeup was seen */
	uint64_t unseen; /* of those, whose sched_waking was not seen */
	uint64_t stale; /* waits not timed: the thread ran elsewhere since */
	uint64_t preempted; /* samples started by an involuntary switch */
	uint64_t vol;
	uint64_t invol;
	uint64_t pre_other_ns; /* preemptor time not attributed to a task */
	uint64_t stolen_ns; /* run time of unwatched tasks */
	uint64_t stolen_other_ns;
	uint64_t spikes, spikes_ratelimited, spikes_lost;
};

struct sched_snap {
	unsigned int ncpus; /* possible CPUs: cpu[] length */
	struct sched_cpu *cpu;
	struct tasklist pre; /* preemptors */
	struct tasklist stolen;
};

void sched_snap_fini(struct sched_snap *s);
void sched_snap_clear(struct sched_snap *s);
/* Adds a's figures into d (a CPU's, or all CPUs' together). */
void sched_cpu_add(struct sched_cpu *d, const struct sched_cpu *a);
/* Adds a's figures into s (for totals over the run; per-task lists
 * bounded, the time of a task left out going to the *_other_ns of its
 * CPU). 0 or -ENOMEM. */
int sched_snap_merge(struct sched_snap *s, const struct sched_snap *a);

struct sched_cpu_stats;
struct sched_slot;
/* One CPU's interval (without the wakeup counts kept elsewhere):
 * differences of the cumulative counters k and p, extremes from the
 * interval's slot sl, clamped to the buckets they count in. */
void sched_cpu_delta(struct sched_cpu *u, const struct sched_cpu_stats *k,
		     const struct sched_cpu_stats *p,
		     const struct sched_slot *sl);

#endif
