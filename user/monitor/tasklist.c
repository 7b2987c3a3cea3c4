// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "tasklist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int tasklist_add(struct tasklist *l, const struct task_entry *e)
{
	for (size_t i = 0; i < l->n; i++) {
		struct task_entry *q = &l->v[i];

		if (q->cpu == e->cpu && q->pid == e->pid &&
		    q->kpid == e->kpid && q->aux == e->aux) {
			q->ns += e->ns;
			q->count += e->count;
			memcpy(q->comm, e->comm, sizeof(q->comm));
			return 0;
		}
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct task_entry *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return 0;
}

int tasklist_merge(struct tasklist *l, const struct tasklist *a)
{
	for (size_t i = 0; i < a->n; i++) {
		int err = tasklist_add(l, &a->v[i]);

		if (err)
			return err;
	}
	return 0;
}

void tasklist_fini(struct tasklist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int by_ns(const void *a, const void *b)
{
	const struct task_entry *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->ns > y->ns ? -1 : x->ns < y->ns;
}

static int by_count(const void *a, const void *b)
{
	const struct task_entry *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->count > y->count ? -1 : x->count < y->count;
}

size_t tasklist_bound(struct tasklist *l, size_t keep, bool count,
		      uint64_t *fold, size_t fold_stride, unsigned int nfold)
{
	size_t k = 0, run = 0, removed;

	if (l->n <= TASKLIST_BOUND_MIN || l->n <= l->prune_at)
		return 0;
	qsort(l->v, l->n, sizeof(*l->v), count ? by_count : by_ns);
	for (size_t i = 0; i < l->n; i++) {
		const struct task_entry *e = &l->v[i];

		run = i && e->cpu == l->v[i - 1].cpu ? run + 1 : 0;
		if (run < keep) {
			l->v[k++] = *e;
		} else if (fold && e->cpu < nfold) {
			uint64_t *f = (uint64_t *)((char *)fold +
						   e->cpu * fold_stride);

			*f += e->ns;
		}
	}
	removed = l->n - k;
	l->n = k;
	l->prune_at = 2 * k;
	return removed;
}

size_t tasklist_top(const struct tasklist *l, unsigned int cpu,
		    const struct task_entry **out, size_t n, bool by_count)
{
	size_t k = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct task_entry *p = &l->v[i];
		uint64_t key = by_count ? p->count : p->ns;
		size_t j;

		if (p->cpu != cpu || !n)
			continue;
		/* insertion into the sorted top n */
		for (j = k; j > 0; j--) {
			uint64_t prev = by_count ? out[j - 1]->count :
						   out[j - 1]->ns;

			if (prev >= key)
				break;
			if (j < n)
				out[j] = out[j - 1];
		}
		if (j < n) {
			out[j] = p;
			if (k < n)
				k++;
		}
	}
	return k;
}

void task_name_text(char *dst, size_t len, const char *comm, size_t n)
{
	text_escape(dst, len, comm, n);
}
