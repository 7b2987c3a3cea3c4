/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Spike reports: break a long wait down into what ran on the CPU meanwhile
 * (tasks net of interrupts, idle, hard IRQs, system vectors, softirqs).
 * Pure functions over the raw spike_event the BPF side copies; no I/O.
 */
#ifndef RTBPF_SPIKE_H
#define RTBPF_SPIKE_H

#include <stdint.h>
#include <linux/types.h>

#include "bpf/noise.h"

enum spike_part_kind {
	SPIKE_TASK = 1, /* id: pid */
	SPIKE_IDLE, /* the idle task (waking the CPU up) */
	SPIKE_HARDIRQ, /* id: IRQ number */
	SPIKE_VECTOR, /* id: enum noise_vector */
	SPIKE_SOFTIRQ, /* id: softirq vector */
	SPIKE_DELIVERY, /* id: waker's pid (0: unknown), cpu: waker's CPU */
	/* a thread woken by its own hrtimer (spike_event.timer_expiry): */
	SPIKE_IRQ_DELAY, /* expiry -> the timer's interrupt, net of other
			    interrupts; id: pid of the task it interrupted
			    (0: idle; UINT32_MAX: not known) */
	SPIKE_TIMER_IRQ, /* the timer's interrupt, the wakeup inside it */
};

#define SPIKE_MAX_PARTS (3 + SCHED_RUN_RING + NOISE_RING)

struct spike_part {
	uint32_t kind;
	uint32_t id; /* a task's: its pid in the initial PID namespace */
	uint32_t pid; /* a task's as shown: of rtbpf's, 0 outside it */
	uint32_t cpu; /* SPIKE_DELIVERY */
	char comm[16]; /* SPIKE_TASK (SPIKE_DELIVERY: the caller's to fill) */
	uint64_t ns;
};

struct spike_report {
	uint64_t latency_ns;
	uint64_t accounted_ns; /* sum of the parts */
	uint32_t ipis; /* reschedule and call-function IPIs in the wait */
	unsigned int nparts;
	struct spike_part parts[SPIKE_MAX_PARTS]; /* largest first */
};

/* Fills r from ev. A thread woken by its own hrtimer (ev->timer_expiry
 * set): from the expiry, the interrupt's delay and duration first. Else a
 * wakeup's delivery (sched_waking -> sched_wakeup) is
 * one part; the rest of the wait is broken down by what ran on the CPU.
 * The parts add up to the wait when the CPU's last SCHED_RUN_RING runs
 * reach back to the end of the delivery; what they do not reach is
 * latency_ns - accounted_ns. */
void spike_analyze(const struct spike_event *ev, struct spike_report *r);

#endif
