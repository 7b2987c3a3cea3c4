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

int sched_snap_merge(struct sched_snap *s, const struct sched_snap *a)
{
	for (unsigned int i = 0; i < s->ncpus && i < a->ncpus; i++) {
		hist_merge(&s->cpu[i].lat, &a->cpu[i].lat);
		s->cpu[i].wakeups += a->cpu[i].wakeups;
		s->cpu[i].woken_running += a->cpu[i].woken_running;
		s->cpu[i].untimed += a->cpu[i].untimed;
		s->cpu[i].stale += a->cpu[i].stale;
		s->cpu[i].pre_other_ns += a->cpu[i].pre_other_ns;
		s->cpu[i].preempted += a->cpu[i].preempted;
		s->cpu[i].vol += a->cpu[i].vol;
		s->cpu[i].invol += a->cpu[i].invol;
		s->cpu[i].stolen_ns += a->cpu[i].stolen_ns;
		s->cpu[i].stolen_other_ns += a->cpu[i].stolen_other_ns;
		s->cpu[i].spikes += a->cpu[i].spikes;
		s->cpu[i].spikes_ratelimited += a->cpu[i].spikes_ratelimited;
		s->cpu[i].spikes_lost += a->cpu[i].spikes_lost;
	}
	if (tasklist_merge(&s->pre, &a->pre) ||
	    tasklist_merge(&s->stolen, &a->stolen))
		return -ENOMEM;
	return 0;
}
