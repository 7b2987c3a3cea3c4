// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The monitor's set of collectors: opened in turn, read together. */
#include "coll.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>

#include "log.h"

/* How long a program that read the old epoch just before a flip may still
 * write to its slot: it ends within microseconds. */
#define SETTLE_NS 1000000L

int coll_snaps_init(struct coll_snaps *s, unsigned int ncpus)
{
	memset(s, 0, sizeof(*s));
	s->sched.cpu = calloc(ncpus, sizeof(*s->sched.cpu));
	s->noise.cpu = calloc(ncpus, sizeof(*s->noise.cpu));
	if (!s->sched.cpu || !s->noise.cpu) {
		coll_snaps_fini(s);
		return -ENOMEM;
	}
	s->sched.ncpus = s->noise.ncpus = ncpus;
	return 0;
}

void coll_snaps_fini(struct coll_snaps *s)
{
	sched_snap_fini(&s->sched);
	noise_snap_fini(&s->noise);
}

int coll_set_open(struct coll_set *set, const struct coll_ops *const *ops,
		  unsigned int n, const struct coll_env *env)
{
	struct coll_env e = *env;

	set->n = 0;
	for (unsigned int i = 0; i < n && set->n < COLL_MAX; i++) {
		struct coll *c = &set->c[set->n];
		int err;

		c->ops = ops[i];
		c->state = NULL;
		e.opened = set->c;
		e.nopened = set->n;
		err = c->ops->open(c, &e);
		if (!err) {
			err = c->ops->attach(c);
			if (err)
				c->ops->free(c);
		}
		if (err < 0) {
			coll_set_free(set);
			return err;
		}
		if (!err)
			set->n++;
	}
	/* by place: a few entries */
	for (unsigned int i = 1; i < set->n; i++)
		for (unsigned int j = i;
		     j && set->c[j - 1].ops->place > set->c[j].ops->place;
		     j--) {
			struct coll t = set->c[j];

			set->c[j] = set->c[j - 1];
			set->c[j - 1] = t;
		}
	return 0;
}

void coll_set_free(struct coll_set *set)
{
	while (set->n) {
		struct coll *c = &set->c[--set->n];

		c->ops->free(c);
	}
}

int coll_set_read(struct coll_set *set, struct coll_snaps *interval,
		  struct coll_snaps *total)
{
	struct timespec settle = { .tv_nsec = SETTLE_NS };
	int err;

	for (unsigned int i = 0; i < set->n; i++)
		set->c[i].ops->flip(&set->c[i]);
	nanosleep(&settle, NULL);
	for (unsigned int i = 0; i < set->n; i++) {
		const struct coll *c = &set->c[i];

		err = c->ops->read(&set->c[i], interval);
		if (err) {
			log_err("monitor: read %s stats: %s", c->ops->name,
				strerror(-err));
			return err;
		}
		err = c->ops->merge(c, total, interval);
		if (err)
			return err;
	}
	return 0;
}

bool coll_set_has(const struct coll_set *set, const char *part)
{
	for (unsigned int i = 0; i < set->n; i++)
		if (set->c[i].ops->has(&set->c[i], part))
			return true;
	return false;
}

int coll_set_map_fd(const struct coll *c, unsigned int n, const char *name)
{
	for (unsigned int i = 0; i < n; i++) {
		struct bpf_object *obj = c[i].ops->obj(&c[i]);
		struct bpf_map *m =
			obj ? bpf_object__find_map_by_name(obj, name) : NULL;

		if (m)
			return bpf_map__fd(m);
	}
	return -1;
}
