/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* ABI between bpf/osnoise.bpf.c and user/osnoise: __u32/__u64 only. */
#ifndef RTBPF_OSNOISE_H
#define RTBPF_OSNOISE_H

#include "sched_abi.h"

/* Kinds of interference on a probe's CPU, each counted net of what
 * interrupted it (an IRQ in a softirq, an NMI in an IRQ, all in a
 * preemption). */
enum osnoise_kind {
	OSN_IRQ = 0, /* a device IRQ handler */
	OSN_VECTOR, /* an x86 system vector (local timer, IPIs, irq work) */
	OSN_SOFTIRQ,
	OSN_NMI, /* an NMI handler */
	OSN_THREAD, /* the probe preempted until it ran again */
	OSN_KINDS,
};

#define OSNOISE_RING 16 /* the latest events of a CPU */

/*
 * A CPU's running totals since its probe registered: net ns and events
 * by kind, and the time its probe was off the CPU not runnable (stopped
 * by a signal, blocked: the probe's own doing, no noise). A gap's parts
 * are the totals after it less those before it.
 */
struct osnoise_sums {
	__u64 ns[OSN_KINDS];
	__u64 n[OSN_KINDS];
	__u64 self_ns;
};

/* An interference that ended, and the totals then. */
struct osnoise_event {
	__u64 end; /* CLOCK_MONOTONIC ns */
	struct osnoise_sums sum;
};

/*
 * One per CPU, mmapped. The probe of that CPU reads it on that CPU, so
 * only an interrupt of the read can change it meanwhile (head tells).
 * probe_tid (the probe's tid in rtbpf's PID namespace) and spinning are
 * written by user space; the rest is BPF's.
 */
struct osnoise_cpu {
	__u64 head; /* events pushed; the last is ev[(head - 1) % RING] */
	__u32 probe_tid; /* 0: no probe on this CPU */
	__u32 spinning; /* the probe is in its runtime */
	struct osnoise_sums sum;
	__u32 irq_depth;
	__u32 off_first; /* the first thread that ran while it waited */
	/* in a PID namespace (cfg_pidns_ino): the probe's pid in the
	 * initial one, learnt by BPF at its first switch; zeroed by user
	 * space before it sets probe_tid */
	__u32 probe_kpid;
	__u32 pad;
	__u64 irq_start, irq_base;
	__u64 soft_start, soft_base;
	__u64 off_start, off_base; /* the probe preempted (0: running) */
	__u64 self_start, self_base; /* the probe off, not runnable */
	__u64 run_start, run_base; /* another thread's switch-in then */
	__u64 untracked_ns; /* thread runs the per-thread table had no
			       room for */
	struct osnoise_event ev[OSNOISE_RING];
};

/* The per-thread table: each thread that ran while a probe was
 * preempted in its runtime, net of interrupts; by its pid in the initial
 * PID namespace (unique), the value says the one of rtbpf's. */
struct osnoise_tkey {
	__u32 cpu;
	__u32 pid;
};

struct osnoise_tval {
	__u64 ns;
	__u64 runs;
	char comm[RTBPF_COMM_LEN];
	__u32 pid; /* as rtbpf's PID namespace sees it, 0: not visible */
	__u32 pad;
};

#define OSNOISE_MAX_THREADS 16384

#endif
