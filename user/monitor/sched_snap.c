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
	free(s->pre);
	memset(s, 0, sizeof(*s));
}

void sched_snap_clear(struct sched_snap *s)
{
	memset(s->cpu, 0, s->ncpus * sizeof(*s->cpu));
	s->npre = 0;
}

int sched_snap_add_preemptor(struct sched_snap *s, const struct preemptor *p)
{
	for (size_t i = 0; i < s->npre; i++) {
		struct preemptor *q = &s->pre[i];

		if (q->cpu == p->cpu && q->pid == p->pid) {
			q->ns += p->ns;
			q->count += p->count;
			memcpy(q->comm, p->comm, sizeof(q->comm));
			return 0;
		}
	}
	if (s->npre == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct preemptor *n = realloc(s->pre, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->pre = n;
		s->cap = cap;
	}
	s->pre[s->npre++] = *p;
	return 0;
}

int sched_snap_merge(struct sched_snap *s, const struct sched_snap *a)
{
	for (unsigned int i = 0; i < s->ncpus && i < a->ncpus; i++) {
		hist_merge(&s->cpu[i].lat, &a->cpu[i].lat);
		s->cpu[i].wakeups += a->cpu[i].wakeups;
		s->cpu[i].woken_running += a->cpu[i].woken_running;
		s->cpu[i].pre_other_ns += a->cpu[i].pre_other_ns;
		s->cpu[i].preempted += a->cpu[i].preempted;
		s->cpu[i].vol += a->cpu[i].vol;
		s->cpu[i].invol += a->cpu[i].invol;
	}
	for (size_t i = 0; i < a->npre; i++) {
		int err = sched_snap_add_preemptor(s, &a->pre[i]);

		if (err)
			return err;
	}
	return 0;
}

size_t sched_snap_top_n(const struct sched_snap *s, unsigned int cpu,
			const struct preemptor **out, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < s->npre; i++) {
		const struct preemptor *p = &s->pre[i];
		size_t j;

		if (p->cpu != cpu)
			continue;
		/* insertion into the sorted top n */
		for (j = k; j > 0 && out[j - 1]->ns < p->ns; j--)
			if (j < n)
				out[j] = out[j - 1];
		if (j < n) {
			out[j] = p;
			if (k < n)
				k++;
		}
	}
	return k;
}

const struct preemptor *sched_snap_top(const struct sched_snap *s,
				       unsigned int cpu)
{
	const struct preemptor *top = NULL;

	sched_snap_top_n(s, cpu, &top, 1);
	return top;
}
