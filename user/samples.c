// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "samples.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "hist.h"

int samples_init(struct samples *s, size_t cap)
{
	*s = (struct samples){ 0 };
	if (!cap || cap > SAMPLES_MAX)
		return -EINVAL;
	s->v = malloc(cap * sizeof(*s->v));
	if (!s->v)
		return -ENOMEM;
	s->cap = cap;
	return 0;
}

void samples_add(struct samples *s, uint64_t v)
{
	if (s->n < s->cap) {
		s->v[s->n++] = v;
		s->sorted = false;
	} else {
		s->over++;
	}
}

bool samples_exact(const struct samples *s)
{
	return s->n && !s->over;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t samples_quantile(struct samples *s, double q)
{
	size_t rank;

	if (!s->n)
		return 0;
	if (!s->sorted) {
		qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
		s->sorted = true;
	}
	/* nearest rank, 1-based; the small slack keeps 0.5 * 10 at 5 */
	rank = (size_t)ceil(q * (double)s->n - 1e-9);
	if (rank < 1)
		rank = 1;
	if (rank > s->n)
		rank = s->n;
	return s->v[rank - 1];
}

uint64_t samples_or_hist_quantile(struct samples *s, const struct hist *h,
				  double q)
{
	return samples_exact(s) ? samples_quantile(s, q) : hist_quantile(h, q);
}

void samples_free(struct samples *s)
{
	free(s->v);
	*s = (struct samples){ 0 };
}
