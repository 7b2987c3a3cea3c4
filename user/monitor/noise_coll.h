/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Noise collectors: glue for bpf/noise.bpf.c. Loads the programs of the
 * chosen collectors (irq, softirq, ipi, fault) whose tracepoints this kernel
 * has, skipping the others with a message; reads one interval at a time.
 * Needs CAP_BPF+CAP_PERFMON; allocates at open and as lists grow.
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

struct noise_coll;

/* 0 or -errno (a failing step is logged). Collectors whose tracepoints
 * are missing are skipped with a message; *loaded says which are on. */
int noise_coll_open(struct noise_coll **out, const struct noise_opts *o,
		    struct noise_opts *loaded);
void noise_coll_free(struct noise_coll *c);
/* The noise_rings map, for the sched collector's spike reports. */
int noise_coll_ring_fd(struct noise_coll *c);
/* Ends an interval: new per-task events go to the other slot. Call it,
 * let in-flight programs finish (the sched collector's read waits 1 ms),
 * then noise_coll_read(). */
void noise_coll_flip(struct noise_coll *c);
/* Moves what was gathered in the interval before the last flip into s
 * (cleared first). */
int noise_coll_read(struct noise_coll *c, struct noise_snap *s);
/* Name of IRQ irq from /proc/interrupts, or "" when unknown. */
const char *noise_irq_name(const struct noise_coll *c, unsigned int irq);

int noise_snap_init(struct noise_snap *s, unsigned int ncpus);
void noise_snap_fini(struct noise_snap *s);
int noise_snap_merge(struct noise_snap *s, const struct noise_snap *a);
/* Hard IRQ plus vector time and count of a CPU; softirq time. */
uint64_t noise_cpu_irq_ns(const struct noise_cpu *c);
uint64_t noise_cpu_irq_count(const struct noise_cpu *c);
uint64_t noise_cpu_softirq_ns(const struct noise_cpu *c);

extern const char *const noise_softirq_names[NOISE_SOFTIRQS];
extern const char *const noise_vector_names[NOISE_VECTORS];

#endif
