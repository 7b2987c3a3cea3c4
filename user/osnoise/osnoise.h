/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * rtbpf osnoise: how much the OS takes from a busy thread, per watched
 * CPU, and what took it, without the kernel's osnoise tracer.
 *
 * Each probe thread is pinned to its CPU and, in every period, spins for
 * --runtime reading CLOCK_MONOTONIC; two reads --threshold or more apart
 * are a gap: noise. Right after a gap the probe reads its CPU's event
 * ring (bpf/osnoise.bpf.c, mmapped): every IRQ, system vector, softirq,
 * NMI handler and preemption of the probe that ended inside the gap, each
 * net of what interrupted it, so that they add up. What they do not
 * explain is "unexplained" (the hypervisor, an SMI, or the interrupt entry
 * and exit around the handlers); a gap without any event counts as a
 * hardware gap, like rtla's HW column. The probe sleeps for the rest of
 * each period, so with --prio (SCHED_FIFO) nothing starves.
 *
 * probe.c: the probe threads and the accounting of a gap (pure);
 * osnoise_opts.c: options; osnoise.c: BPF, loop; osnoise_render.c: output.
 */
#ifndef RTBPF_USER_OSNOISE_H
#define RTBPF_USER_OSNOISE_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#include "bpf/osnoise.h"
#include "parse.h"
#include "probe_thread.h"

/* Every probe's thread name. */
#define OSNOISE_COMM "rtbpf-osnoise"

struct osnoise_opts {
	struct cpuset cpus;
	bool cpus_given;
	uint64_t period_ns;
	uint64_t runtime_ns;
	unsigned int prio; /* 0: SCHED_OTHER */
	uint64_t threshold_ns;
	uint64_t duration_ns; /* 0: until a signal */
	uint64_t interval_ns;
	unsigned int top; /* threads listed per CPU in the summary */
	bool json;
	const char *listen; /* --listen [ADDR:]PORT, NULL: no server */
	const char *textfile; /* --textfile PATH (ends in .prom) */
};

/* Options into o (defaults first): 0, CLI_HELP_SHOWN or -EINVAL (said). */
int osnoise_parse_opts(struct osnoise_opts *o, int argc, char **argv);

/*
 * A probe's figures: totals since its start (written by the probe alone
 * under its seqcount, read by the main thread), or their difference over
 * an interval. Every member is a uint64_t (sub and add go member by
 * member).
 */
struct osnoise_stats {
	uint64_t runtime_ns; /* spent spinning (gaps included, the time the
				probe stopped or blocked itself not) */
	uint64_t gaps; /* clock-read gaps of --threshold or more */
	uint64_t noise_ns; /* their sum */
	uint64_t max_ns; /* the longest (of an interval: see take) */
	uint64_t ns[OSN_KINDS]; /* of the noise, net time by source */
	uint64_t n[OSN_KINDS]; /* events by source */
	uint64_t unexplained_ns; /* of gaps with events, what they do not
				    explain: interrupt entry and exit, the
				    scheduler, a hypervisor meanwhile */
	uint64_t hw_gaps; /* gaps without any event: a hypervisor, an SMI */
	uint64_t hw_ns; /* their sum */
	uint64_t covered; /* gaps at least 90 % explained */
	uint64_t blocked_ns; /* the probe stopped or blocked itself (SIGSTOP,
				a fault's I/O): not noise */
	uint64_t windows; /* runtimes started */
	uint64_t late; /* periods skipped: the probe woke a period late */
};

/* d = a - b, max taken from a. */
void osnoise_stats_sub(struct osnoise_stats *d, const struct osnoise_stats *a,
		       const struct osnoise_stats *b);
void osnoise_stats_add(struct osnoise_stats *d, const struct osnoise_stats *a);

/*
 * One gap, from t0 to t1, into s: the CPU's totals were a at t0 and b at
 * t1 (bpf/osnoise.h). The time the probe stopped or blocked itself is
 * taken out first (and returned: it is no runtime either); what is left
 * is noise when it reaches thr. Pure.
 */
uint64_t osnoise_account_gap(struct osnoise_stats *s, uint64_t t0, uint64_t t1,
			     const struct osnoise_sums *a,
			     const struct osnoise_sums *b, uint64_t thr);

/*
 * The CPU's totals as of time *t (those of the newest event that ended by
 * then) into out, read from c on the probe's own CPU; the count of events
 * they include (the head to compare with next time). When so many events
 * came since *t that its entry is gone, *t becomes now (CLOCK_MONOTONIC)
 * and the totals are those of now.
 */
uint64_t osnoise_sums_at(volatile const struct osnoise_cpu *c, uint64_t *t,
			 struct osnoise_sums *out);

struct osnoise_probe {
	struct probe_thread th; /* cpu, prio, stop set by the caller */
	uint64_t period_ns, runtime_ns, threshold_ns;
	uint64_t first; /* the first runtime's start, CLOCK_MONOTONIC ns */
	volatile struct osnoise_cpu *bpf; /* this CPU's entry, mmapped */
	struct osnoise_stats total; /* the probe's; read with take */
	uint64_t seq; /* odd while the probe updates total */
	uint64_t epoch; /* intervals taken (main thread) */
	uint64_t max_epoch; /* the interval total.max_ns is of (probe) */
};

/* Starts p's thread (probe_thread.h): it pins itself, takes its policy,
 * names itself OSNOISE_COMM, registers its tid in p->bpf; waits for
 * that. 0 or -errno (logged). */
int osnoise_probe_start(struct osnoise_probe *p);
/* A consistent copy of p's totals (seqcount), max_ns the longest gap
 * since the last take (0: none); starts the next interval. */
void osnoise_probe_take(struct osnoise_probe *p, struct osnoise_stats *out);
/* Stops p's thread (it ends its runtime or sleep now), joins it and
 * unregisters it from BPF. */
void osnoise_probe_join(struct osnoise_probe *p);

#endif
