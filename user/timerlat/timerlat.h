/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * rtbpf timerlat: timer latency of probe threads, one per watched CPU,
 * without the kernel's timerlat tracer.
 *
 * Background. Each probe is pinned to its CPU, SCHED_FIFO, and sleeps on
 * an absolute periodic CLOCK_MONOTONIC timer (clock_nanosleep with
 * TIMER_ABSTIME: no busy loop). Per sample, like rtla timerlat:
 *   IRQ latency     expiry -> the timer's handler (hrtimer_expire_entry,
 *                   bpf/timerlat.bpf.c, which reads the expiry from the
 *                   hrtimer through BTF);
 *   thread latency  expiry -> the probe's clock_gettime after its wakeup
 *                   (as cyclictest measures).
 * Above --threshold, the sched and noise collectors of the monitor
 * (opened with the probes as the only watched threads) send a report of
 * the sample, broken down from the expiry (user/spike.c).
 *
 * probe.c: the probe threads and their figures (each guarded by a
 * priority-inheriting mutex the probe holds for a few hundred ns per
 * sample). timerlat_opts.c: options; timerlat.c: BPF, loop, output;
 * timerlat_render.c: tables and records.
 */
#ifndef RTBPF_USER_TIMERLAT_H
#define RTBPF_USER_TIMERLAT_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hist.h"
#include "parse.h"
#include "probe_thread.h"

/* Every probe's thread name: the sched collector watches it (--comm). */
#define TIMERLAT_COMM "rtbpf-timerlat"

struct timerlat_opts {
	struct cpuset cpus;
	bool cpus_given;
	uint64_t period_ns;
	unsigned int prio;
	uint64_t threshold_ns; /* reports; 0: none */
	uint64_t duration_ns; /* 0: until a signal */
	uint64_t interval_ns; /* table and records */
	uint64_t report_rate; /* reports per CPU and second */
	bool json;
	const char *listen; /* --listen [ADDR:]PORT, NULL: no server */
	const char *textfile; /* --textfile PATH (ends in .prom) */
};

/* Options into o (defaults first): 0, CLI_HELP_SHOWN or -EINVAL (said). */
int timerlat_parse_opts(struct timerlat_opts *o, int argc, char **argv);

/* One probe's figures (an interval, or the run). */
struct timerlat_stats {
	struct hist irq; /* IRQ latency, ns */
	struct hist thread; /* thread latency, ns */
	uint64_t no_irq; /* samples whose timer expiry BPF did not see */
	uint64_t late; /* of those, samples whose expiry had passed when the
			  probe went to sleep (held up since its last one):
			  no timer fired */
	uint64_t violations; /* IRQ latency above the thread latency */
	uint64_t overruns; /* periods skipped: the probe woke a period late */
	uint64_t irq_remote; /* timer handled on another CPU */
};

void timerlat_stats_add(struct timerlat_stats *d,
			const struct timerlat_stats *a);

struct timerlat_sample;

struct timerlat_probe {
	struct probe_thread th; /* cpu, prio, stop set by the caller */
	uint64_t period_ns;
	uint64_t first; /* first expiry, CLOCK_MONOTONIC ns */
	const volatile struct timerlat_sample *bpf; /* this CPU's sample */
	pthread_mutex_t lock; /* guards cur */
	struct timerlat_stats cur; /* since the last take */
};

/* Starts p's thread (p->th.cpu, .prio, .stop, p->period_ns, ->first,
 * ->bpf set). It pins itself, takes SCHED_FIFO and names itself
 * TIMERLAT_COMM; waits until it did (p->th.tid set) or failed. 0 or
 * -errno (logged). */
int timerlat_probe_start(struct timerlat_probe *p);
/* Moves the figures since the last take into out (zeroed in p). */
void timerlat_probe_take(struct timerlat_probe *p, struct timerlat_stats *out);
/* Stops p's thread (probe_thread_join: the process catches
 * PROBE_WAKE_SIG) and frees its lock. */
void timerlat_probe_join(struct timerlat_probe *p);

/* One sample into s: the expiry asked for, the time the probe ran and
 * BPF's sample of the timer (NULL: none seen for this expiry). Pure. */
void timerlat_account(struct timerlat_stats *s, uint64_t expiry, uint64_t woke,
		      const struct timerlat_sample *irq, unsigned int cpu);

#endif
