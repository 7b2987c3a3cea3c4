// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Shared parts of the collectors' Prometheus renderers: see prom_util.h. */
#include "prom_util.h"

#include <stdio.h>
#include <string.h>

#include "coll.h"

#include "text.h"

uint64_t prom_hist_bound_ns(unsigned int i)
{
	uint64_t p = 1ULL << (PROM_HIST_E_MIN + i / 2);

	return i % 2 ? p + p / 2 : p;
}

void prom_cpu_label(char buf[16], unsigned int cpu)
{
	snprintf(buf, 16, "%u", cpu);
}

/* The bounds' "le" values, formatted once: a page has one set per CPU and
 * histogram. */
static const char *le_text(unsigned int i)
{
	static char text[PROM_HIST_BOUNDS][16];
	static unsigned int ready; /* 1 once text[] is filled */

	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		for (unsigned int k = 0; k < PROM_HIST_BOUNDS; k++)
			snprintf(text[k], sizeof(text[k]), "%.9g",
				 prom_hist_bound_ns(k) / 1e9);
		__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
	}
	return text[i];
}

void prom_cpu_series(struct prom *p, const struct coll_view *v,
		     const char *name, const char *suffix, prom_cpu_fn fn)
{
	for (unsigned int i = 0; i < v->o->norder; i++) {
		unsigned int cpu = v->o->order[i];
		char c[16];
		struct prom_label l = { "cpu", c };

		prom_cpu_label(c, cpu);
		prom_sample(p, name, suffix, &l, 1, fn(v, cpu));
	}
}

void prom_cpus_family(struct prom *p, const char *name, enum prom_type type,
		      const char *unit, const char *help,
		      const unsigned int *cpus, unsigned int n, prom_idx_fn fn,
		      const void *ctx)
{
	const char *suffix = type == PROM_COUNTER ? "_total" : "";

	prom_family(p, name, type, unit, help);
	for (unsigned int i = 0; i < n; i++) {
		char c[16];
		struct prom_label l = { "cpu", c };

		prom_cpu_label(c, cpus[i]);
		prom_sample(p, name, suffix, &l, 1, fn(ctx, i));
	}
}

void prom_cpu_split(struct prom *p, const struct coll_view *v, const char *name,
		    const char *key, const char *const vals[2],
		    const prom_cpu_fn fn[2])
{
	for (unsigned int i = 0; i < v->o->norder; i++) {
		unsigned int cpu = v->o->order[i];
		char c[16];
		struct prom_label l[] = { { "cpu", c }, { key, "" } };

		prom_cpu_label(c, cpu);
		for (int k = 0; k < 2; k++) {
			l[1].value = vals[k];
			prom_sample(p, name, "_total", l, 2, fn[k](v, cpu));
		}
	}
}

void prom_hist(struct prom *p, const char *name, const struct prom_label *l,
	       unsigned int n, const struct hist *h)
{
	struct prom_label lb[4];
	uint64_t cum = 0;
	unsigned int b = 0;

	for (unsigned int i = 0; i < n && i < 3; i++)
		lb[i] = l[i];
	lb[n].name = "le";
	for (unsigned int i = 0; i < PROM_HIST_BOUNDS; i++) {
		unsigned int end = hist_bucket(prom_hist_bound_ns(i));

		for (; b < end && b < HIST_BUCKETS; b++)
			cum += h->b[b];
		lb[n].value = le_text(i);
		prom_sample_u64(p, name, "_bucket", lb, n + 1, cum);
	}
	lb[n].value = "+Inf";
	prom_sample_u64(p, name, "_bucket", lb, n + 1, h->count);
	prom_sample(p, name, "_sum", l, n, h->sum / 1e9);
	prom_sample_u64(p, name, "_count", l, n, h->count);
}

static void task_sample(struct prom *p, const char *name, const char *cpu,
			const char *task, const char *pid, bool as_seconds,
			uint64_t v)
{
	struct prom_label l[] = { { "cpu", cpu },
				  { "task", task },
				  { "pid", pid } };

	if (as_seconds)
		prom_sample(p, name, "_total", l, 3, v / 1e9);
	else
		prom_sample_u64(p, name, "_total", l, 3, v);
}

/* Tasks outside rtbpf's PID namespace all show pid 0: one sample per
 * name of those (a label set appears once in an exposition). */
static void merge_outside(const struct task_entry **top, uint64_t *val,
			  size_t k)
{
	for (size_t i = 1; i < k; i++)
		for (size_t j = 0; j < i && !top[i]->pid; j++)
			if (top[j] && !top[j]->pid &&
			    !strncmp(top[j]->comm, top[i]->comm,
				     sizeof(top[i]->comm))) {
				val[j] += val[i];
				top[i] = NULL;
				break;
			}
}

void prom_top_tasks(struct prom *p, const char *name, const char *cpu,
		    const struct tasklist *list, unsigned int cpu_id,
		    bool by_count, uint64_t total)
{
	const struct task_entry *top[PROM_TOP_TASKS];
	size_t k = tasklist_top(list, cpu_id, top, PROM_TOP_TASKS, by_count);
	uint64_t sum = 0, val[PROM_TOP_TASKS];

	for (size_t i = 0; i < k; i++)
		val[i] = by_count ? top[i]->count : top[i]->ns;
	merge_outside(top, val, k);
	for (size_t i = 0; i < k; i++) {
		char task[TEXT_ESC_SIZE(16)], pid[16];
		uint64_t v = val[i];

		if (!top[i])
			continue;
		task_name_text(task, sizeof(task), top[i]->comm,
			       sizeof(top[i]->comm));
		snprintf(pid, sizeof(pid), "%u", top[i]->pid);
		task_sample(p, name, cpu, task, pid, !by_count, v);
		sum += v;
	}
	task_sample(p, name, cpu, "other", "", !by_count,
		    total > sum ? total - sum : 0);
}
