// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Fewer command lines on big hosts (quiet.h). */
#define _GNU_SOURCE
#include "quiet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report.h"

void quiet_init(struct cmd_quiet *q, size_t n, quiet_get_fn get,
		const void *ctx)
{
	memset(q, 0, sizeof(*q));
	q->quiet = calloc(n + 1, sizeof(bool));
	q->n = n;
	q->get = get;
	q->ctx = ctx;
}

void quiet_fini(struct cmd_quiet *q)
{
	free(q->quiet);
	q->quiet = NULL;
}

/* The line for the entries of e's sort from i to the end of its stage;
 * they are not printed after it. */
static void announce(struct cmd_quiet *q, size_t i, const struct quiet_entry *e,
		     const char *prefix)
{
	long *ids = malloc((q->n - i) * sizeof(*ids));
	struct quiet_entry f;
	char list[72];
	size_t n = 0;

	if (!ids)
		return; /* printed one by one */
	for (size_t j = i; j < q->n; j++) {
		q->get(q->ctx, j, &f);
		if (strcmp(f.stage, e->stage))
			break;
		if (!f.todo || strcmp(f.sort, e->sort))
			continue;
		ids[n++] = f.id;
		q->quiet[j] = true;
	}
	report_ids(ids, n, list, sizeof(list) - 24);
	free(ids);
	printf("%s# %zu more of %s (-v prints each): * = %s\n", prefix, n,
	       e->sort, list);
}

bool quiet_shown(struct cmd_quiet *q, size_t i, const char *prefix)
{
	struct quiet_entry e;
	size_t k;

	if (!q->quiet || log_verbosity)
		return true;
	if (q->quiet[i])
		return false;
	q->get(q->ctx, i, &e);
	if (!e.sort[0])
		return true;
	if (!q->stage || strcmp(q->stage, e.stage)) {
		q->stage = e.stage;
		q->nsorts = 0;
	}
	for (k = 0; k < q->nsorts; k++)
		if (!strcmp(q->sorts[k].sort, e.sort))
			break;
	if (k == q->nsorts) {
		if (k == QUIET_SORTS)
			return true;
		q->sorts[q->nsorts].sort = e.sort;
		q->sorts[q->nsorts++].n = 0;
	}
	if (q->sorts[k].n++ < QUIET_SHOWN)
		return true;
	announce(q, i, &e, prefix);
	return !q->quiet[i];
}
