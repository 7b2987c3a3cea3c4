// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Interval and run-total figures of the noise collectors: pure arithmetic
 * over the programs' map values, no bpf() call. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "noise_coll.h"

const char *const noise_softirq_names[NOISE_SOFTIRQS] = {
	"HI",	    "TIMER",   "NET_TX", "NET_RX",  "BLOCK",
	"IRQ_POLL", "TASKLET", "SCHED",	 "HRTIMER", "RCU",
};

const char *const noise_vector_names[NOISE_VECTORS] = {
	"LOC (local timer)",   "RES (reschedule)",
	"CAL (call function)", "CAL1 (call function single)",
	"IWI (irq work)",
};

const char *const noise_vector_short[NOISE_VECTORS] = { "LOC", "RES", "CAL",
							"CAL1", "IWI" };

static void fig_delta(struct noise_fig *u, const struct noise_acc *k,
		      const struct noise_acc *p)
{
	u->count = k->count - p->count;
	u->ns = k->ns - p->ns;
	u->max_ns = k->max_ns;
}

void noise_cpu_delta(struct noise_cpu *u, const struct noise_cpu_stats *k,
		     const struct noise_cpu_stats *p,
		     const struct irq_stats *ik, const struct irq_stats *ip)
{
	for (int v = 0; v < NOISE_SOFTIRQS; v++)
		fig_delta(&u->softirq[v], &k->softirq[v], &p->softirq[v]);
	for (int v = 0; v < NOISE_VECTORS; v++) {
		fig_delta(&u->vector[v], &k->vector[v], &p->vector[v]);
		u->vector[v].idle = k->vector_idle[v] - p->vector_idle[v];
	}
	for (int q = 0; q < NOISE_MAX_IRQ; q++)
		fig_delta(&u->irq[q], &ik->irq[q], &ip->irq[q]);
	u->faults_user = k->faults_user - p->faults_user;
	u->faults_kernel = k->faults_kernel - p->faults_kernel;
}

int noise_snap_add_ipi(struct noise_snap *s, uint32_t target,
		       uint32_t sender_cpu, uint32_t pid, uint64_t count,
		       const char *comm)
{
	struct task_entry t = { .cpu = target,
				.pid = pid & RTBPF_PID_OUTSIDE ? 0 : pid,
				.kpid = pid,
				.aux = sender_cpu,
				.count = count };

	if (target >= s->ncpus)
		return 0;
	memcpy(t.comm, comm, sizeof(t.comm));
	t.comm[sizeof(t.comm) - 1] = '\0';
	s->cpu[target].ipis += count;
	return tasklist_add(&s->ipis, &t) ? -ENOMEM : 0;
}

void noise_snap_clear(struct noise_snap *s)
{
	memset(s->cpu, 0, s->ncpus * sizeof(*s->cpu));
	tasklist_clear(&s->faults);
	tasklist_clear(&s->ipis);
}

void noise_snap_fini(struct noise_snap *s)
{
	free(s->cpu);
	tasklist_fini(&s->faults);
	tasklist_fini(&s->ipis);
	memset(s, 0, sizeof(*s));
}

static void fig_merge(struct noise_fig *a, const struct noise_fig *b)
{
	a->count += b->count;
	a->ns += b->ns;
	a->idle += b->idle;
	if (b->max_ns > a->max_ns)
		a->max_ns = b->max_ns;
}

int noise_snap_merge(struct noise_snap *s, const struct noise_snap *a)
{
	for (unsigned int i = 0; i < s->ncpus && i < a->ncpus; i++) {
		struct noise_cpu *u = &s->cpu[i];
		const struct noise_cpu *b = &a->cpu[i];

		for (int v = 0; v < NOISE_SOFTIRQS; v++)
			fig_merge(&u->softirq[v], &b->softirq[v]);
		for (int v = 0; v < NOISE_VECTORS; v++)
			fig_merge(&u->vector[v], &b->vector[v]);
		for (int q = 0; q < NOISE_MAX_IRQ; q++)
			fig_merge(&u->irq[q], &b->irq[q]);
		u->faults_user += b->faults_user;
		u->faults_kernel += b->faults_kernel;
		u->ipis += b->ipis;
	}
	if (tasklist_merge(&s->faults, &a->faults) ||
	    tasklist_merge(&s->ipis, &a->ipis))
		return -ENOMEM;
	/* the per-CPU counts keep the whole; the lists their largest */
	tasklist_bound(&s->faults, TASKLIST_RUN_KEEP, true, NULL, 0, 0);
	tasklist_bound(&s->ipis, TASKLIST_RUN_KEEP, true, NULL, 0, 0);
	return 0;
}

struct noise_fig noise_cpu_irq(const struct noise_cpu *c)
{
	struct noise_fig f = {};

	for (int q = 0; q < NOISE_MAX_IRQ; q++)
		fig_merge(&f, &c->irq[q]);
	for (int v = 0; v < NOISE_VECTORS; v++)
		fig_merge(&f, &c->vector[v]);
	return f;
}

uint64_t noise_cpu_softirq_ns(const struct noise_cpu *c)
{
	uint64_t ns = 0;

	for (int v = 0; v < NOISE_SOFTIRQS; v++)
		ns += c->softirq[v].ns;
	return ns;
}
