/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* ABI between bpf/sched.bpf.c and user/monitor/sched_coll.c: __u32/__u64. */
#ifndef RTBPF_SCHED_H
#define RTBPF_SCHED_H

#include "hist.h"

#define RTBPF_MAX_CPUS 1024
#define RTBPF_COMM_LEN 16

/*
 * Per CPU, cumulative since load: what watched threads waited on this CPU.
 * Only the CPU itself writes it (no atomics); userspace never writes it and
 * takes differences between reads, so no sample is lost at an interval
 * boundary.
 */
struct sched_cpu_stats {
	__u64 count; /* wait samples: wakeups plus involuntary switch-outs */
	__u64 sum_ns;
	__u64 woken_samples; /* samples that started at a wakeup */
	__u64 preempted; /* samples that started at an involuntary switch-out */
	__u64 woken_running; /* woken, then ran on without a switch-in */
	__u64 vol_switches; /* watched thread switched out while sleeping */
	__u64 invol_switches; /* ... while still runnable */
	__u64 pre_other_ns; /* preemptor time that found no table slot */
	__u64 hist[HIST_BUCKETS];
};

/*
 * Per waking CPU, cumulative: wakeups of watched threads, by the CPU they
 * were queued on. Userspace sums the column of a CPU over all wakers.
 */
struct sched_wakeups {
	__u64 to_cpu[RTBPF_MAX_CPUS];
};

/* Per CPU and epoch slot: extremes of one interval (reset by userspace). */
struct sched_minmax {
	__u64 min_ns; /* 0: no sample yet */
	__u64 max_ns;
};

/*
 * Per CPU and epoch slot: who ran while watched threads waited here.
 * ns is the waiting it caused, summed over the waits it overlapped (two
 * threads waiting through one 1 ms run count 2 ms). Open addressing by pid,
 * a few probes; what finds no slot goes to sched_cpu_stats.pre_other_ns.
 */
#define SCHED_PRE_SLOTS 128
#define SCHED_PRE_PROBES 4

struct sched_preemptor {
	__u32 pid; /* 0: free */
	__u32 pad;
	__u64 ns;
	__u64 count; /* waits it delayed */
	char comm[RTBPF_COMM_LEN];
};

struct sched_pre_table {
	struct sched_preemptor e[SCHED_PRE_SLOTS];
};

#endif
