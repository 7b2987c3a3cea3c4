/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* ABI between bpf/noise.bpf.c, bpf/sched.bpf.c (spike reports) and
 * user/monitor: __u32/__u64 only. */
#ifndef RTBPF_NOISE_H
#define RTBPF_NOISE_H

#include "sched_abi.h"

#define NOISE_MAX_IRQ 512 /* IRQ numbers at or above count as the last */
#define NOISE_SOFTIRQS 10 /* NR_SOFTIRQS */
#define NOISE_RING 64 /* recent noise events per CPU, for spike reports */

/* x86 system vectors, by the irq_vectors tracepoints that time them. */
enum noise_vector {
	VEC_LOCAL_TIMER,
	VEC_RESCHEDULE,
	VEC_CALL_FUNCTION,
	VEC_CALL_FUNCTION_SINGLE,
	VEC_IRQ_WORK,
	NOISE_VECTORS,
};

enum noise_kind {
	NOISE_HARDIRQ = 1, /* id: IRQ number */
	NOISE_SOFTIRQ, /* id: vector; net_ns excludes hard IRQs inside it */
	NOISE_VECTOR, /* id: enum noise_vector */
};

struct noise_acc {
	__u64 count;
	__u64 ns;
	__u64 max_ns; /* since the monitor started */
};

/* Per CPU, cumulative since load (userspace takes differences). */
struct noise_cpu_stats {
	/* bookkeeping of the programs first: one cacheline that every
	 * entry and exit touches */
	__u64 irq_ns_total; /* hard IRQ + vector time, for softirq nesting */
	__u64 irq_entry_ts;
	__u32 irq_entry_nr;
	__u32 vec_depth;
	__u64 vec_entry_ts[2]; /* a vector may interrupt another's exit path;
				  0: entry not seen, VEC_IDLE: in idle */
	__u64 soft_entry_ts;
	__u64 soft_irq_ns_at_entry;
	struct noise_acc softirq[NOISE_SOFTIRQS];
	/* system vectors: count is all of them; ns and max_ns only those
	 * timed: IPI vectors that hit the idle task (no task lost time) are
	 * counted in vector_idle instead, without a clock read */
	struct noise_acc vector[NOISE_VECTORS];
	__u64 vector_idle[NOISE_VECTORS];
	__u64 faults_user;
	__u64 faults_kernel;
};

/* Per CPU, cumulative: hard IRQs by number (the last also counts any
 * number at or above it). */
struct irq_stats {
	struct noise_acc irq[NOISE_MAX_IRQ];
};

/* Per CPU and epoch slot: page faults by task (an entry's count is all its
 * faults, its ns field the kernel ones). */
struct fault_tab {
	__u32 hint;
	__u32 pad;
	__u64 other;
	struct task_tab t;
};

/* One event on a CPU's noise ring. */
struct noise_event {
	__u64 start;
	__u64 end;
	__u64 net_ns;
	__u32 kind;
	__u32 id;
};

struct noise_ring {
	__u32 head;
	__u32 pad;
	__u64 intr_ns; /* cumulative hard IRQ + vector + net softirq time */
	struct noise_event e[NOISE_RING];
};

#define VEC_IDLE 1 /* vec_entry_ts of a vector that hit the idle task */

/*
 * IPI senders, per CPU (the sending one: a per-CPU value) and epoch slot:
 * open addressing by (receiving CPU, sending thread), a few probes, with
 * a hint at the entry used last; an entry is free while its count is 0.
 * What finds no entry goes to the ipis hash below.
 */
#define IPI_TAB_SLOTS 128
#define IPI_TAB_PROBES 4

struct ipi_acc {
	__u32 target_cpu;
	__u32 sender_pid;
	__u64 count;
	char comm[RTBPF_COMM_LEN];
};

struct ipi_tab {
	__u32 hint;
	__u32 pad;
	struct ipi_acc e[IPI_TAB_SLOTS];
};

/* IPI sender, per receiving CPU; in a hash keyed by this, slotted. */
struct ipi_key {
	__u32 target_cpu;
	__u32 sender_cpu;
	__u32 sender_pid;
	__u32 slot;
};

struct ipi_val {
	__u64 count;
	char comm[RTBPF_COMM_LEN];
};

/*
 * A spike report: a watched thread waited longer than the threshold. The
 * delivery of its wakeup ([wait_start, wake_at), on the waker's side) is
 * one part; the CPU's last runs and noise events are copied as they were,
 * and userspace clips them to [wake_at, run_at] and breaks the rest down.
 */
struct spike_event {
	__u64 wait_start; /* sched_waking, sched_wakeup_new or preemption */
	__u64 wake_at; /* sched_wakeup (wait_start for the other two) */
	__u64 run_at;
	__u32 cpu;
	__u32 pid;
	__u32 tgid;
	__u32 preempted; /* the wait began at an involuntary switch-out */
	__u32 waker_cpu; /* with wake_at > wait_start: who woke it */
	__u32 waker_pid;
	char comm[RTBPF_COMM_LEN];
	__u32 run_head; /* runs[(run_head - 1) % SCHED_RUN_RING] is newest */
	__u32 noise_head;
	__u32 have_noise; /* 0: the noise collectors are off; noise[] unset */
	__u32 pad;
	/* a thread woken by its own hrtimer (timerlat): the timer's expiry
	 * and its hrtimer_expire_entry; 0: not known */
	__u64 timer_expiry;
	__u64 timer_irq_at;
	struct sched_run runs[SCHED_RUN_RING];
	char run_comm[SCHED_RUN_RING][RTBPF_COMM_LEN];
	struct noise_event noise[NOISE_RING];
};

#endif
