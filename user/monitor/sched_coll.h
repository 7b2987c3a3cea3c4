/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Scheduling collector: glue for bpf/sched.bpf.c. Loads and attaches the
 * programs with the filters compiled in as rodata, and reads one interval at
 * a time by flipping the programs' epoch slot. Needs CAP_BPF+CAP_PERFMON;
 * allocates at open and in read (preemptor list growth); single-threaded.
 */
#ifndef RTBPF_SCHED_COLL_H
#define RTBPF_SCHED_COLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hist.h"
#include "parse.h"

struct sched_filter {
	struct cpuset cpus;
	bool has_tgid, has_tid, has_comm;
	uint32_t tgid, tid;
	char comm[16];
};

struct preemptor {
	uint32_t cpu;
	uint32_t pid;
	char comm[16];
	uint64_t ns;
	uint64_t count;
};

struct sched_cpu {
	struct hist lat; /* wait samples, ns */
	uint64_t wakeups; /* sched_wakeup(_new) of watched threads to this CPU */
	uint64_t woken_running; /* of those, woken before they left the CPU */
	uint64_t preempted; /* samples started by an involuntary switch */
	uint64_t vol;
	uint64_t invol;
	uint64_t pre_other_ns; /* preemptor time not attributed to a task */
};

struct sched_snap {
	unsigned int ncpus; /* possible CPUs: cpu[] length */
	struct sched_cpu *cpu;
	struct preemptor *pre;
	size_t npre, cap;
};

struct sched_coll;

/* 0 or -errno; the failing step is logged. */
int sched_coll_open(struct sched_coll **out, const struct sched_filter *f);
void sched_coll_free(struct sched_coll *c);
/* Names of the attached programs, for benchmarks: NULL-terminated. */
const char *const *sched_coll_prog_names(void);

int sched_snap_init(struct sched_snap *s, unsigned int ncpus);
void sched_snap_fini(struct sched_snap *s);
void sched_snap_clear(struct sched_snap *s);
/* Adds p's time to the entry of the same CPU and pid, or a new entry. */
int sched_snap_add_preemptor(struct sched_snap *s, const struct preemptor *p);
/* Adds a's figures into s (for totals over the run). */
int sched_snap_merge(struct sched_snap *s, const struct sched_snap *a);
/* Top preemptor of cpu in s, or NULL. */
const struct preemptor *sched_snap_top(const struct sched_snap *s,
				       unsigned int cpu);
/* Up to n preemptors of cpu sorted by time, into out; returns how many. */
size_t sched_snap_top_n(const struct sched_snap *s, unsigned int cpu,
			const struct preemptor **out, size_t n);

/* Moves what the programs gathered since the last read into s (cleared
 * first). 0 or -errno. */
int sched_coll_read(struct sched_coll *c, struct sched_snap *s);

#endif
