/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* sched.bpf.c's pending waits: how one is encoded, where it is kept. */
#ifndef RTBPF_SCHED_WAIT_BPF_H
#define RTBPF_SCHED_WAIT_BPF_H

#include "sched_abi.h"

/*
 * A thread's pending wait: struct sched_wait (bpf/sched_abi.h). Every
 * switch-in clears it, on every CPU (on a CPU not watched the wait is
 * dropped as stale: the thread ran where nothing is timed), so a pending
 * wait always started after the thread's last run.
 */
_Static_assert(RTBPF_MAX_CPUS <= WAIT_CPU_MASK + 1, "CPU field too narrow");

/* flags: WAIT_WAKING or WAIT_PREEMPTED, or 0 */
static __always_inline __u64 wait_make(__u64 now, __u32 cpu, __u64 flags)
{
	__u64 v = (now & WAIT_TS_MASK) |
		  ((cpu & WAIT_CPU_MASK) << WAIT_TS_BITS) | flags;

	return v ? v : 1;
}

static __always_inline __u32 wait_cpu(__u64 v)
{
	return (v >> WAIT_TS_BITS) & WAIT_CPU_MASK;
}

/* ns since the wait began; at least 2^51 means a start in the future */
static __always_inline __u64 wait_age(__u64 v, __u64 now)
{
	return (now - (v & WAIT_TS_MASK)) & WAIT_TS_MASK;
}

/*
 * Pending waits, by pid: an array lookup the verifier inlines, no helper
 * call on the hot path. Userspace sizes it to kernel.pid_max rounded up to
 * whole rows of SCHED_WAIT_COLS pids (8 bytes per pid) and sets
 * cfg_wait_rows; a pid beyond it (pid_max raised after the start) falls
 * back to task-local storage. Entry of pid: (pid % cols) * rows +
 * pid / cols, so that pids sharing a cacheline are SCHED_WAIT_COLS apart:
 * the threads of one process (neighbouring pids), pinned to different
 * CPUs, do not all write one line.
 */
const volatile __u32 cfg_wait_rows = 32768 / SCHED_WAIT_COLS;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, struct sched_wait);
} wait_tab SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sched_wait);
} wait_recs SEC(".maps");

static __always_inline struct sched_wait *wait_of(struct task_struct *p,
						  bool create)
{
	__u32 pid = p->pid, idx;
	struct sched_wait *w;

	if (pid / SCHED_WAIT_COLS < cfg_wait_rows) {
		idx = pid % SCHED_WAIT_COLS * cfg_wait_rows +
		      pid / SCHED_WAIT_COLS;
		w = bpf_map_lookup_elem(&wait_tab, &idx);
		if (w)
			return w;
	}
	return bpf_task_storage_get(
		&wait_recs, p, 0, create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

#endif
