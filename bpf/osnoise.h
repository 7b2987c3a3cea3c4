/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* ABI between bpf/osnoise.bpf.c and user/osnoise: __u32/__u64 only. */
#ifndef RTBPF_OSNOISE_H
#define RTBPF_OSNOISE_H

#include "sched_abi.h"

/* Kinds of interference on a probe's CPU. */
enum osnoise_kind {
	OSN_IRQ = 0, /* a device IRQ handler (id: IRQ number) */
	OSN_VECTOR, /* an x86 system vector (id: NOISE_VEC_*) */
	OSN_SOFTIRQ, /* id: softirq vector */
	OSN_NMI, /* an NMI handler */
	OSN_THREAD, /* the probe preempted until it ran again (id: the first
		       thread that ran) */
	OSN_KINDS,
};

#define OSNOISE_RING 64 /* events a probe sees per gap, at most */

/* One interference that ended: net_ns excludes what interrupted it (an
 * IRQ in a softirq, an NMI in an IRQ, both in a thread). */
struct osnoise_event {
	__u64 end; /* CLOCK_MONOTONIC ns */
	__u64 net_ns;
	__u32 kind;
	__u32 id;
};

/*
 * One per CPU, mmapped: the probe of that CPU reads the ring after a gap
 * in its clock reads, on its own CPU, so only an interrupt of that read
 * can write the ring meanwhile (head tells). probe_tid is written by user
 * space; the rest is BPF's.
 */
struct osnoise_cpu {
	__u64 head; /* events pushed; the last is ev[(head - 1) % RING] */
	__u32 probe_tid; /* 0: no probe on this CPU */
	__u32 irq_depth;
	/* what interrupted what: totals of net ns, per level */
	__u64 nmi_total, irq_total, soft_total;
	__u64 irq_start, irq_base;
	__u64 soft_start, soft_base;
	__u64 off_start, off_base; /* the probe preempted (0: running) */
	__u32 off_first; /* the first thread that ran then */
	__u32 pad;
	__u64 run_start, run_base; /* another thread's switch-in then */
	__u64 untracked_ns; /* thread runs the per-thread table had no
			       room for */
	struct osnoise_event ev[OSNOISE_RING];
};

/* The per-thread table: each thread that ran while a probe was
 * preempted, net of interrupts. */
struct osnoise_tkey {
	__u32 cpu;
	__u32 pid;
};

struct osnoise_tval {
	__u64 ns;
	__u64 runs;
	char comm[RTBPF_COMM_LEN];
};

#define OSNOISE_MAX_THREADS 16384

#endif
