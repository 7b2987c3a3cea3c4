/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* ABI between bpf/timerlat.bpf.c, bpf/sched.bpf.c (timer_wakes) and
 * user/timerlat: __u32/__u64 only. */
#ifndef RTBPF_TIMERLAT_H
#define RTBPF_TIMERLAT_H

#include "sched_abi.h"

/*
 * The last expiry of a probe thread's timer, by the probe's CPU (an
 * mmapable array its probe reads after waking, without a syscall).
 * expiry: the hrtimer's soft expiry (the absolute CLOCK_MONOTONIC time
 * the probe asked for); irq_at: when hrtimer_expire_entry ran for it;
 * irq_cpu: where. seq counts the timer's expiries.
 */
struct timerlat_sample {
	__u64 expiry;
	__u64 irq_at;
	__u32 irq_cpu;
	__u32 seq;
	__u64 pad[5]; /* one cacheline per CPU */
};

/*
 * A watched thread's hrtimer expired, by the CPU the thread sleeps on:
 * sched.bpf.c (cfg_timer) takes it at the thread's switch-in, so that a
 * spike report measures from the expiry. task: task_struct address.
 */
struct timer_wake {
	__u64 task;
	__u64 expiry;
	__u64 irq_at;
};

#endif
