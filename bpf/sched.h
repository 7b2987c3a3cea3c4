/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* ABI between bpf/sched.bpf.c and user/monitor/sched.c: __u32/__u64 only. */
#ifndef RTBPF_SCHED_H
#define RTBPF_SCHED_H

#include "hist.h"

#define RTBPF_MAX_CPUS 1024
#define RTBPF_COMM_LEN 16

/*
 * Per CPU, cumulative since load: what watched threads waited on this CPU.
 * Userspace never writes it and takes differences between reads, so no
 * sample is lost at an interval boundary.
 */
struct sched_cpu_stats {
	__u64 count; /* wait samples: wakeups plus involuntary switch-outs */
	__u64 sum_ns;
	__u64 min_ns;
	__u64 max_ns;
	__u64 woken_samples; /* samples that started at a wakeup */
	__u64 preempted; /* samples that started at an involuntary switch-out */
	__u64 woken_running; /* woken, then ran on without a switch-in */
	__u64 vol_switches; /* watched thread switched out while sleeping */
	__u64 invol_switches; /* ... while still runnable */
	__u64 hist[HIST_BUCKETS];
};

/* Per CPU and epoch slot: extremes of one interval (reset by userspace). */
struct sched_minmax {
	__u64 min_ns; /* 0: no sample yet */
	__u64 max_ns;
};

/* Who ran on a watched CPU while a watched thread was runnable there. */
struct sched_preempt_key {
	__u32 cpu;
	__u32 pid;
	__u32 slot;
	__u32 pad;
};

struct sched_preempt_val {
	__u64 ns;
	__u64 count;
	char comm[RTBPF_COMM_LEN];
};

#endif
