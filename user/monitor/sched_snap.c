// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Interval and run-total figures of the sched collector: pure arithmetic
 * over the programs' map values, no bpf() call. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sched_coll.h"
#include "bpf/sched_abi.h"

void sched_snap_fini(struct sched_snap *s)
{
	free(s->cpu);
	tasklist_fini(&s->pre);
	tasklist_fini(&s->stolen);
	memset(s, 0, sizeof(*s));
}

void sched_snap_clear(struct sched_snap *s)
{
	memset(s->cpu, 0, s->ncpus * sizeof(*s->cpu));
	tasklist_clear(&s->pre);
	tasklist_clear(&s->stolen);
}

void sched_cpu_add(struct sched_cpu *d, const struct sched_cpu *a)
{
	hist_merge(&d->lat, &a->lat);
	hist_merge(&d->dlv, &a->dlv);
	hist_merge(&d->queue, &a->queue);
	hist_merge(&d->timer, &a->timer);
	d->remote += a->remote;
	d->idle += a->idle;
	d->idle_remote += a->idle_remote;
	d->idle_remote_no_ipi += a->idle_remote_no_ipi;
	d->wakeups += a->wakeups;
	d->woken_running += a->woken_running;
	d->untimed += a->untimed;
	d->unseen += a->unseen;
	d->stale += a->stale;
	d->pre_other_ns += a->pre_other_ns;
	d->preempted += a->preempted;
	d->vol += a->vol;
	d->invol += a->invol;
	d->stolen_ns += a->stolen_ns;
	d->stolen_other_ns += a->stolen_other_ns;
	d->spikes += a->spikes;
	d->spikes_ratelimited += a->spikes_ratelimited;
	d->spikes_lost += a->spikes_lost;
}

int sched_snap_merge(struct sched_snap *s, const struct sched_snap *a)
{
	const size_t stride = sizeof(*s->cpu);

	for (unsigned int i = 0; i < s->ncpus && i < a->ncpus; i++)
		sched_cpu_add(&s->cpu[i], &a->cpu[i]);
	if (tasklist_merge(&s->pre, &a->pre) ||
	    tasklist_merge(&s->stolen, &a->stolen))
		return -ENOMEM;
	/* a run's tasks come and go: the smallest become "other" */
	tasklist_bound(&s->pre, TASKLIST_RUN_KEEP, false,
		       s->ncpus ? &s->cpu[0].pre_other_ns : NULL, stride,
		       s->ncpus);
	tasklist_bound(&s->stolen, TASKLIST_RUN_KEEP, false,
		       s->ncpus ? &s->cpu[0].stolen_other_ns : NULL, stride,
		       s->ncpus);
	return 0;
}

/* One interval's histogram: differences of cumulative buckets k and p,
 * sum, and the slot's extremes kept consistent with the buckets (a sample
 * recorded just after the slot was read counts in the buckets but not in
 * the extremes). */
static uint64_t clamp_to_bucket(uint64_t v, uint32_t b)
{
	if (v < hist_bucket_lo(b))
		return hist_bucket_lo(b);
	return v > hist_bucket_hi(b) ? hist_bucket_hi(b) : v;
}

static void hist_delta(struct hist *h, const __u64 *k, const __u64 *p,
		       uint64_t sum, const struct sched_minmax *mm)
{
	int first = -1, top = -1;

	h->count = 0;
	h->sum = sum;
	for (int b = 0; b < HIST_BUCKETS; b++) {
		h->b[b] = k[b] - p[b];
		h->count += h->b[b];
		if (!h->b[b])
			continue;
		if (first < 0)
			first = b;
		top = b;
	}
	if (!h->count)
		return;
	h->min = clamp_to_bucket(mm->min_ns, (uint32_t)first);
	h->max = clamp_to_bucket(mm->max_ns, (uint32_t)top);
}

void sched_cpu_delta(struct sched_cpu *u, const struct sched_cpu_stats *k,
		     const struct sched_cpu_stats *p,
		     const struct sched_slot *sl)
{
	hist_delta(&u->lat, k->hist, p->hist, k->sum_ns - p->sum_ns, &sl->mm);
	hist_delta(&u->dlv, k->hist_dlv, p->hist_dlv,
		   k->dlv_sum_ns - p->dlv_sum_ns, &sl->mm_dlv);
	hist_delta(&u->queue, k->hist_queue, p->hist_queue,
		   k->queue_sum_ns - p->queue_sum_ns, &sl->mm_queue);
	hist_delta(&u->timer, k->hist_timer, p->hist_timer,
		   k->timer_sum_ns - p->timer_sum_ns, &sl->mm_timer);
	u->remote = k->remote - p->remote;
	u->idle = k->idle - p->idle;
	u->idle_remote = k->idle_remote - p->idle_remote;
	u->idle_remote_no_ipi = k->idle_remote_no_ipi - p->idle_remote_no_ipi;
	u->woken_running = k->woken_running - p->woken_running;
	u->preempted = k->preempted - p->preempted;
	u->vol = k->vol_switches - p->vol_switches;
	u->invol = k->invol_switches - p->invol_switches;
	u->pre_other_ns = k->pre_other_ns - p->pre_other_ns;
	u->stolen_ns = k->stolen_ns - p->stolen_ns;
	u->stolen_other_ns = k->stolen_other_ns - p->stolen_other_ns;
	u->spikes = k->spikes - p->spikes;
	u->spikes_ratelimited = k->spikes_ratelimited - p->spikes_ratelimited;
	u->spikes_lost = k->spikes_lost - p->spikes_lost;
}
