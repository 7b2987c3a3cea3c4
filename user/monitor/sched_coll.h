/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Scheduling collector: glue for bpf/sched.bpf.c. Loads and attaches the
 * programs with the filters compiled in as rodata, and reads one interval at
 * a time by flipping the programs' epoch slot. Needs CAP_BPF+CAP_PERFMON;
 * allocates at open and in read (preemptor list growth); single-threaded.
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
	bool stolen; /* account the run time of unwatched tasks */
	bool noise; /* noise.bpf.c is loaded: spike reports copy its ring */
	int noise_ring_fd; /* its noise_rings map, or -1 */
	uint64_t spike_ns; /* 0: no spike reports */
	uint32_t spike_max; /* per CPU and second */
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

struct sched_coll;

/* 0 or -errno; the failing step is logged. */
int sched_coll_open(struct sched_coll **out, const struct sched_filter *f);
void sched_coll_free(struct sched_coll *c);

int sched_snap_init(struct sched_snap *s, unsigned int ncpus);
void sched_snap_fini(struct sched_snap *s);
void sched_snap_clear(struct sched_snap *s);
/* Adds a's figures into d (a CPU's, or all CPUs' together). */
void sched_cpu_add(struct sched_cpu *d, const struct sched_cpu *a);
/* Adds a's figures into s (for totals over the run). */
int sched_snap_merge(struct sched_snap *s, const struct sched_snap *a);

/* Moves what the programs gathered since the last read into s (cleared
 * first). 0 or -errno. */
int sched_coll_read(struct sched_coll *c, struct sched_snap *s);
struct bpf_object_skeleton;
/* Loads and attaches a collector's skeleton; logs the failing step.
 * 0 or -errno. */
int coll_load_attach(struct bpf_object_skeleton *s, const char *what);

struct task_tab;
/* Adds the entries of a BPF task table of CPU cpu to l. 0 or -ENOMEM. */
int coll_tab_to_list(const struct task_tab *t, uint32_t cpu,
		     struct tasklist *l);
/* The ring buffer of spike_event records, or -1. */
int sched_coll_spike_fd(struct sched_coll *c);

#endif
