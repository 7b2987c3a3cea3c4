// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Interval and run-total figures of the sched collector. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sched_coll.h"

int sched_snap_init(struct sched_snap *s, unsigned int ncpus)
{
	memset(s, 0, sizeof(*s));
	s->cpu = calloc(ncpus, sizeof(*s->cpu));
	if (!s->cpu)
		return -ENOMEM;
	s->ncpus = ncpus;
	return 0;
}

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
	for (unsigned int i = 0; i < s->ncpus && i < a->ncpus; i++)
		sched_cpu_add(&s->cpu[i], &a->cpu[i]);
	if (tasklist_merge(&s->pre, &a->pre) ||
	    tasklist_merge(&s->stolen, &a->stolen))
		return -ENOMEM;
	return 0;
}
