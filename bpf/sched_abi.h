/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* ABI between bpf/sched.bpf.c and user/monitor/sched_coll.c: __u32/__u64. */
#ifndef RTBPF_SCHED_ABI_H
#define RTBPF_SCHED_ABI_H

#include "hist.h"

#define RTBPF_MAX_CPUS 1024
#define RTBPF_COMM_LEN 16
/* Columns of the pending-wait table (bpf/sched.bpf.c, wait_tab): its size
 * is a whole number of rows of this many pids. */
#define SCHED_WAIT_COLS 64

/*
 * A thread's pending wait (16 bytes; start 0: none). start: when the wait
 * began (bits 0-51: CLOCK_MONOTONIC ns modulo 2^52, about 52 days; ages
 * are taken modulo the same, so the wrap is harmless), the CPU it is
 * queued on (bits 52-61; the waker's CPU until sched_wakeup), WAIT_WAKING
 * (sched_waking seen, sched_wakeup not yet) and WAIT_PREEMPTED (began at
 * an involuntary switch-out). dlv_ns: sched_waking -> sched_wakeup
 * (saturates at 2^32 - 2; WAIT_NO_DLV for a new task's wait). waker: the waking CPU (bits 22-31) and, with
 * spike reports on, the waking thread's pid (bits 0-21; pids are below
 * 2^22, the kernel's PID_MAX_LIMIT).
 */
struct sched_wait {
	__u64 start;
	__u32 dlv_ns;
	__u32 waker;
};

#define WAIT_TS_BITS 52
#define WAIT_TS_MASK ((1ULL << WAIT_TS_BITS) - 1)
#define WAIT_CPU_MASK 0x3ffULL
#define WAIT_WAKING (1ULL << 62)
#define WAIT_PREEMPTED (1ULL << 63)
#define WAIT_NO_DLV 0xffffffffU
#define WAKER_PID_BITS 22
#define WAKER_PID_MASK ((1U << WAKER_PID_BITS) - 1)
/* a waker outside rtbpf's PID namespace (bpf/pidns.bpf.h) */
#define WAKER_OUTSIDE WAKER_PID_MASK

/*
 * Pids in reports are those of rtbpf's PID namespace. Where one is also a
 * key (an IPI sender), a task outside that namespace has its global pid
 * with this bit set: kept apart from the others, shown as pid 0 (as the
 * kernel shows such a task to the namespace).
 */
#define RTBPF_PID_OUTSIDE (1U << 31)

/*
 * Per CPU, cumulative since load: what watched threads waited on this CPU.
 * Only the CPU itself writes it (no atomics); userspace never writes it and
 * takes differences between reads, so no sample is lost at an interval
 * boundary.
 */
struct sched_cpu_stats {
	__u64 sum_ns; /* of the wait samples; their count is the sum of hist */
	__u64 dlv_sum_ns; /* of the delivery parts of wakeup waits */
	__u64 queue_sum_ns; /* of their queue parts */
	__u64 remote; /* wakeup waits whose waker ran on another CPU */
	__u64 idle; /* wakeup waits that ended an idle period of the CPU */
	__u64 idle_remote; /* ... of those, woken from another CPU: each
			      needed the CPU kicked out of idle */
	__u64 idle_remote_no_ipi; /* ... of those, kicked without an IPI */
	__u64 preempted; /* samples that started at an involuntary switch-out */
	__u64 woken_running; /* woken, then ran on without a switch-in */
	__u64 vol_switches; /* watched thread switched out while sleeping */
	__u64 invol_switches; /* ... while still runnable */
	__u64 pre_other_ns; /* preemptor time that found no table slot, or
			       ran before the last SCHED_RUN_RING runs */
	__u64 stolen_ns; /* run time of unwatched tasks (kernel threads when
			    no task filter is set), net of the interrupts
			    in it when the noise collectors run */
	__u64 stolen_other_ns; /* ... that found no table slot */
	__u64 spikes; /* spike reports sent */
	__u64 spikes_ratelimited; /* over --spike-rate, not sent */
	__u64 spikes_lost; /* ring buffer full, not sent */
	__u64 hist[HIST_BUCKETS]; /* whole waits */
	/* wakeup waits only: sched_waking -> sched_wakeup (delivery) and
	 * sched_wakeup -> switch-in (queue); the two add up to the wait */
	__u64 hist_dlv[HIST_BUCKETS];
	__u64 hist_queue[HIST_BUCKETS];
	/* with cfg_timer: waits a thread's own hrtimer began, from the
	 * timer's expiry (the time the thread asked for) to its switch-in */
	__u64 timer_sum_ns;
	__u64 hist_timer[HIST_BUCKETS];
};

/*
 * Per waking CPU, cumulative: wakeups of watched threads, by the CPU they
 * were queued on. Userspace sums the column of a CPU over all wakers.
 */
struct sched_wakeups {
	__u64 to_cpu[RTBPF_MAX_CPUS];
};

/*
 * Rare outcomes, by CPU (one shared copy, atomic adds). untimed: a wakeup
 * onto the CPU whose start could not be stored (a pid beyond the
 * pending-wait table, whose task storage could not be made: task storage
 * busy on the waking CPU, e.g. an exiting task's being freed), or whose
 * thread ran before its sched_wakeup was seen; running: a wakeup onto the
 * CPU of a thread an earlier wakeup had found still running, which slept
 * again without a switch-in, so that wakeup timed nothing; stale: a wait
 * that began on the CPU and was dropped because the thread ran first on a
 * CPU not watched; unseen: a sched_wakeup onto the CPU whose sched_waking
 * was not seen (the monitor started between the two): counted, not timed.
 */
struct sched_wake_odd {
	__u64 untimed[RTBPF_MAX_CPUS];
	__u64 running[RTBPF_MAX_CPUS];
	__u64 stale[RTBPF_MAX_CPUS];
	__u64 unseen[RTBPF_MAX_CPUS];
};

/* Extremes of one interval (in struct sched_slot). */
struct sched_minmax {
	__u64 min_ns; /* 0: no sample yet */
	__u64 max_ns;
};

/*
 * Per CPU and epoch slot: a table of tasks with a time and a count, by pid
 * (open addressing, a few probes; what finds no slot is added to an
 * "other" counter). Used for preemptors (ns: the waiting a task caused,
 * summed over the waits it overlapped, so two threads waiting through one
 * 1 ms run count 2 ms; count: waits it delayed), stolen time (ns: run time
 * of unwatched tasks; count: runs) and page faults (count).
 */
#define TASK_TAB_SLOTS 128
#define TASK_TAB_PROBES 4

struct task_acc {
	__u32 pid; /* 0: free; of the initial PID namespace */
	__u32 vpid; /* of rtbpf's (0: outside it), set with the entry */
	__u64 ns;
	__u64 count;
	char comm[RTBPF_COMM_LEN];
};

struct task_tab {
	struct task_acc e[TASK_TAB_SLOTS];
};

/* One run on a CPU: task pid ran from start to end (ns). */
#define SCHED_RUN_RING 8

struct sched_run {
	__u64 start;
	__u64 end;
	__u64 task; /* task_struct address, only to read its comm */
	__u32 pid; /* of the initial PID namespace */
	__u32 vpid; /* spike events only: of rtbpf's (0: outside it) */
};

/* The programs' own bookkeeping of a CPU: its last runs. */
struct sched_run_ring {
	__u64 cur_start; /* when the current task got this CPU */
	__u32 head;
	__u32 last_slot; /* preemptor table slot charged last */
	__u32 stolen_slot; /* stolen table slot charged last */
	__u32 spikes_in_window;
	__u64 spike_window; /* start of the current rate-limit second */
	__u64 cur_intr; /* noise ring's intr_ns when the current task began */
	struct sched_run r[SCHED_RUN_RING];
};

/* When a CPU was last kicked out of idle without an IPI (written by the
 * kicking CPU; CLOCK_MONOTONIC ns): one cacheline per CPU. */
struct sched_idle_kick {
	__u64 kicked_at;
	__u64 pad[7];
};

/* Value of the per-CPU cpu_state map: one lookup per switch. */
struct sched_cpu_state {
	struct sched_cpu_stats st;
	struct sched_run_ring ring;
};

/* Value of the per-CPU, per-epoch-slot map: one interval's extremes,
 * preemptors and stolen time. Userspace reads a slot, then zeroes it. */
struct sched_slot {
	struct sched_minmax mm;
	struct sched_minmax mm_dlv;
	struct sched_minmax mm_queue;
	struct sched_minmax mm_timer;
	struct task_tab pre;
	struct task_tab stolen;
};

#endif
