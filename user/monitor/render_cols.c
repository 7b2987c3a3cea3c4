// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The columns of rtbpf monitor's text tables: each head as printed, its
 * width, when it gives way on a narrow terminal, and what it shows. The
 * renderers print these heads, rtbpf monitor --help prints the legend from
 * them, and a test finds each head in docs/monitor.md.
 */
#include <stdio.h>
#include <string.h>

#include "render_util.h"

#define CPU_COL                                                                       \
	{                                                                             \
		"CPU", 5, 0, 0, 0,                                                    \
			"the CPU; '*': isolated (isolated CPUs first); 'all': every " \
			"watched CPU"                                                 \
	}

static const struct col wait_cols[WAIT_N] = {
	[WAIT_CPU] = CPU_COL,
	[WAIT_WAKEUPS] = { "wakeups", 7, 0, 0, 0,
			   "wakeups (sched_wakeup) of watched threads onto "
			   "the CPU; the percentiles are over every wait "
			   "timed on it, wakeups, preemptions and new tasks "
			   "(JSON: samples)" },
	[WAIT_P50] = { "p50us", 7, 1, 0, 0,
		       "median wait to run, us: from the wakeup "
		       "(sched_waking) or the preemption to the switch-in" },
	[WAIT_P99] = { "p99us", 7, 0, 0, 0, "99th percentile of the wait" },
	[WAIT_P999] = { "p99.9us", 7, 0, 0, 0,
			"99.9th percentile of the wait" },
	[WAIT_MAX] = { "maxus", 7, 0, 0, 0, "longest wait (exact)" },
	[WAIT_DLV99] = { "dlv99us", 7, 2, 0, 0,
			 "99th percentile of the wakeups' delivery: "
			 "sched_waking to sched_wakeup (choosing the CPU, the "
			 "wake-up IPI, leaving idle)" },
	[WAIT_INVOL] = { "invol", 5, 3, 0, 0,
			 "involuntary switches of watched threads "
			 "(preempted while runnable)" },
	[WAIT_TOP] = { "top preemptor", 0, 0, 0, 19,
		       "the task (name/pid) that ran longest while watched "
		       "threads were queued on the CPU, and that time" },
};

static const struct col noise_cols[NOISE_N] = {
	[NOISE_CPU] = CPU_COL,
	[NOISE_IRQS] = { "irq/s", 7, 2, 0, 0,
			 "hard interrupts on the CPU per second: device IRQs "
			 "and system vectors (LOC, RES, CAL, ...)" },
	[NOISE_IRQ_US] = { "irq us/s", 9, 0, 0, 0,
			   "time in those interrupts, us per second" },
	[NOISE_SIRQ_US] = { "sirq us/s", 9, 1, 0, 0,
			    "time in softirqs, net of the hard interrupts "
			    "inside, us per second" },
	[NOISE_FLT] = { "flt/s", 7, 3, 0, 0,
			"page faults (user and kernel) taken on the CPU per "
			"second" },
	[NOISE_STOL_US] = { "stol us/s", 9, 0, 0, 0,
			    "stolen time, us per second: run time of tasks "
			    "that are not watched (with no --pid/--tid/--comm: "
			    "kernel threads such as kworkers, ksoftirqd, "
			    "rcu), net of the interrupts in them; not a "
			    "hypervisor's steal time" },
	[NOISE_US] = { "noise us/s", 10, 0, 0, 0,
		       "irq + sirq + stolen time, us per second" },
	[NOISE_TOP] = { "top noise", 0, 0, 2, 12,
			"the largest single source: an IRQ (number and "
			"name), a vector, a softirq or a task (name/pid)" },
};

static const struct col wake_cols[WAKE_N] = {
	[WAKE_CPU] = CPU_COL,
	[WAKE_WAITS] = { "waits", 7, 0, 0, 0,
			 "wakeup waits timed (JSON: delivery samples)" },
	[WAKE_REMOTE] = { "remote", 6, 0, 0, 0, "woken from another CPU" },
	[WAKE_IDLE] = { "idle", 6, 0, 0, 0, "ended an idle period of the CPU" },
	[WAKE_RM_IDLE] = { "rm-idle", 6, 0, 0, 0,
			   "both: the CPU had to be kicked out of idle" },
	[WAKE_NO_IPI] = { "no-IPI", 6, 2, 0, 0,
			  "of rm-idle, kicked without an IPI (the CPU was "
			  "polling)" },
	[WAKE_DLV50] = { "dlv50us", 7, 1, 0, 0, "median delivery, us" },
	[WAKE_DLV99] = { "dlv99us", 7, 0, 0, 0,
			 "99th percentile of the delivery" },
	[WAKE_DLVMX] = { "dlvmxus", 7, 0, 0, 0, "longest delivery" },
	[WAKE_QUE99] = { "que99us", 7, 0, 0, 0,
			 "99th percentile of the queue part: sched_wakeup to "
			 "the switch-in" },
};

static const struct col timer_cols[TIMER_N] = {
	[TIMER_CPU] = CPU_COL,
	[TIMER_WAKEUPS] = { "wakeups", 7, 0, 0, 0,
			    "wakeups of watched threads by their own hrtimer" },
	[TIMER_P50] = { "p50us", 7, 0, 0, 0,
			"median lateness, us: from the expiry the thread "
			"asked for to its switch-in" },
	[TIMER_P99] = { "p99us", 7, 0, 0, 0, "99th percentile" },
	[TIMER_MAX] = { "maxus", 7, 0, 0, 0, "latest (exact)" },
};

const struct col_table render_tables[TBL_N] = {
	[TBL_WAIT] = { "wait table (every interval)", wait_cols, WAIT_N },
	[TBL_NOISE] = { "noise table (with any noise collector)", noise_cols,
			NOISE_N },
	[TBL_WAKE] = { "wakeup waits (summary)", wake_cols, WAKE_N },
	[TBL_TIMER] = { "timer lateness (summary, timer collector)", timer_cols,
			TIMER_N },
};

void render_legend(FILE *f)
{
	fprintf(f, "Columns of the text tables (docs/monitor.md, Columns):\n");
	for (unsigned int t = 0; t < TBL_N; t++) {
		const struct col_table *tb = &render_tables[t];

		fprintf(f, "%s:\n", tb->title);
		/* the CPU column once */
		for (unsigned int i = t ? 1 : 0; i < tb->n; i++) {
			char line[512];

			snprintf(line, sizeof(line), "  %-13s %s",
				 tb->col[i].head, tb->col[i].legend);
			render_wrap(f, line, 79, "                ", " ");
		}
	}
}
