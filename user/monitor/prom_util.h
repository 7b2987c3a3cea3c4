/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the collectors' Prometheus renderers (coll_ops.prom) share: the
 * wait histograms' bucket bounds (a fixed subset of the log-linear edges
 * of bpf/hist.h, so every bound counts exactly), a CPU's label, and the
 * bounded top-N of a per-task list with its "other" series. Pure; writes
 * through struct prom only.
 */
#ifndef RTBPF_MONITOR_PROM_UTIL_H
#define RTBPF_MONITOR_PROM_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"
#include "prom.h"
#include "tasklist.h"

/* Bounds: 2^e and 1.5 * 2^e ns for e = 8..29, 256 ns to 805 ms, then
 * +Inf. Each is the lower edge of a log-linear bucket: "le" counts the
 * values below the bound (a value equal to it, to the ns, is above). */
#define PROM_HIST_E_MIN 8
#define PROM_HIST_E_MAX 29
#define PROM_HIST_BOUNDS (2 * (PROM_HIST_E_MAX - PROM_HIST_E_MIN + 1))

/* Bound i (0 <= i < PROM_HIST_BOUNDS) in ns, ascending. */
uint64_t prom_hist_bound_ns(unsigned int i);

struct coll_view;

/* A figure of one CPU of a period. */
typedef double (*prom_cpu_fn)(const struct coll_view *v, unsigned int cpu);

/* One sample (name suffix) per watched CPU of v, labelled cpu. */
void prom_cpu_series(struct prom *p, const struct coll_view *v,
		     const char *name, const char *suffix, prom_cpu_fn fn);
/* Two per watched CPU, labelled cpu and key: key=vals[0] with fn[0],
 * key=vals[1] with fn[1] (switch kinds, fault modes). */
void prom_cpu_split(struct prom *p, const struct coll_view *v, const char *name,
		    const char *key, const char *const vals[2],
		    const prom_cpu_fn fn[2]);

/* A figure of the i-th CPU of a command's list (timerlat's, osnoise's
 * probes). */
typedef double (*prom_idx_fn)(const void *ctx, unsigned int i);

/* Family name (type, unit, help) with one sample per CPU cpus[i] of n,
 * labelled cpu, valued fn(ctx, i); a counter's samples end in _total. */
void prom_cpus_family(struct prom *p, const char *name, enum prom_type type,
		      const char *unit, const char *help,
		      const unsigned int *cpus, unsigned int n, prom_idx_fn fn,
		      const void *ctx);

/* Per-task series on one CPU: the top PROM_TOP_TASKS, then "other". */
#define PROM_TOP_TASKS 5

/* A CPU's label value ("3") into buf (16 bytes). */
void prom_cpu_label(char buf[16], unsigned int cpu);

/* One histogram's _bucket, _sum and _count samples (ns -> seconds) with
 * labels l[0..n) and a "le" label added (n < 4). */
void prom_hist(struct prom *p, const char *name, const struct prom_label *l,
	       unsigned int n, const struct hist *h);

/* Top-N entries of CPU cpu in list (by ns, or by_count) as samples of
 * name labelled cpu, task (the name, escaped to printable ASCII) and pid,
 * then {task="other"} with total minus their sum. as_seconds: values are
 * ns shown in seconds; else counts. The "other" series is always there. */
void prom_top_tasks(struct prom *p, const char *name, const char *cpu,
		    const struct tasklist *list, unsigned int cpu_id,
		    bool by_count, uint64_t total);

#endif
