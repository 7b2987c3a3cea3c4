/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Noise collectors: glue for bpf/noise.bpf.c (noise_coll_ops, coll.h).
 * Loads the programs of the chosen collectors (irq, softirq, ipi, fault)
 * whose tracepoints this kernel has, skipping the others with a message;
 * reads one interval at a time. Its table and JSON also show the sched
 * collector's stolen time, so it stays (without a BPF object) when only
 * that is asked for. Needs CAP_BPF+CAP_PERFMON; allocates at open and as
 * lists grow. Its figures, below, are pure data.
 */
#ifndef RTBPF_NOISE_COLL_H
#define RTBPF_NOISE_COLL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#include "bpf/noise.h"
#include "parse.h"
#include "tasklist.h"

struct noise_opts {
	struct cpuset cpus;
	bool irq; /* hard IRQs and system vectors */
	bool softirq;
	bool ipi;
	bool fault;
};

struct noise_fig {
	uint64_t count;
	uint64_t ns;
	uint64_t max_ns; /* since the monitor started */
	uint64_t idle; /* vectors: of count, those that hit the idle task
			  (counted, not timed) */
};

struct noise_cpu {
	struct noise_fig irq[NOISE_MAX_IRQ];
	struct noise_fig softirq[NOISE_SOFTIRQS];
	struct noise_fig vector[NOISE_VECTORS];
	uint64_t faults_user;
	uint64_t faults_kernel;
	uint64_t ipis; /* received, from the senders' side */
};

struct noise_snap {
	unsigned int ncpus;
	struct noise_cpu *cpu;
	struct tasklist faults; /* count: faults of a task on a CPU */
	struct tasklist ipis; /* cpu: receiver, aux: sender CPU, count */
};

void noise_snap_fini(struct noise_snap *s);
void noise_snap_clear(struct noise_snap *s);
/* Adds a's figures into s (for totals over the run; per-task lists
 * bounded as sched_snap_merge's). 0 or -ENOMEM. */
int noise_snap_merge(struct noise_snap *s, const struct noise_snap *a);
/* One CPU's interval: differences of the cumulative counters k and p
 * (IRQs: ik and ip); a maximum is the one since the monitor started. */
void noise_cpu_delta(struct noise_cpu *u, const struct noise_cpu_stats *k,
		     const struct noise_cpu_stats *p,
		     const struct irq_stats *ik, const struct irq_stats *ip);
/* count IPIs from pid (comm: 16 bytes) on CPU sender_cpu to CPU target
 * (ignored when out of s's CPUs). 0 or -ENOMEM. */
int noise_snap_add_ipi(struct noise_snap *s, uint32_t target,
		       uint32_t sender_cpu, uint32_t pid, uint64_t count,
		       const char *comm);
/* Hard IRQs and vectors of a CPU added up (count, ns, the largest max);
 * its softirq time. */
struct noise_fig noise_cpu_irq(const struct noise_cpu *c);
uint64_t noise_cpu_softirq_ns(const struct noise_cpu *c);

extern const char *const noise_softirq_names[NOISE_SOFTIRQS];
extern const char *const noise_vector_names[NOISE_VECTORS];
/* The vectors' short names ("LOC", ...), as in /proc/interrupts. */
extern const char *const noise_vector_short[NOISE_VECTORS];

#endif
