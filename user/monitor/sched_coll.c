// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sched_coll.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/sched.h"
#include "log.h"
#include "sched.skel.h"

struct sched_coll {
	struct sched_bpf *skel;
	int ncpus;
	struct sched_cpu_stats *cur, *prev; /* ncpus cumulative values */
	struct sched_minmax *mm; /* ncpus values of one slot */
	uint64_t *wakeups_prev; /* cumulative rq_states[cpu].wakeups */
};

static const char *const prog_names[] = { "sched_wakeup", "sched_wakeup_new",
					  "sched_switch", NULL };

const char *const *sched_coll_prog_names(void)
{
	return prog_names;
}

int sched_coll_open(struct sched_coll **out, const struct sched_filter *f)
{
	struct sched_coll *c;
	int err;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0) {
		err = c->ncpus ? c->ncpus : -EINVAL;
		log_err("monitor: sched: cannot count possible CPUs: %s",
			strerror(-err));
		goto cleanup;
	}
	c->cur = calloc((size_t)c->ncpus, sizeof(*c->cur));
	c->prev = calloc((size_t)c->ncpus, sizeof(*c->prev));
	c->mm = calloc((size_t)c->ncpus, sizeof(*c->mm));
	c->wakeups_prev = calloc((size_t)c->ncpus, sizeof(*c->wakeups_prev));
	if (!c->cur || !c->prev || !c->mm || !c->wakeups_prev) {
		err = -ENOMEM;
		goto cleanup;
	}
	c->skel = sched_bpf__open();
	if (!c->skel) {
		err = -errno;
		log_err("monitor: sched: open BPF object: %s", strerror(-err));
		goto cleanup;
	}
	for (int i = 0; i < RTBPF_MAX_CPUS / 64; i++)
		c->skel->rodata->cfg_cpu_mask[i] = f->cpus.bits[i];
	c->skel->rodata->cfg_filter_tgid = f->has_tgid;
	c->skel->rodata->cfg_tgid = f->tgid;
	c->skel->rodata->cfg_filter_tid = f->has_tid;
	c->skel->rodata->cfg_tid = f->tid;
	c->skel->rodata->cfg_filter_comm = f->has_comm;
	memcpy((char *)c->skel->rodata->cfg_comm, f->comm,
	       sizeof(c->skel->rodata->cfg_comm));

	err = sched_bpf__load(c->skel);
	if (err) {
		log_err("monitor: sched: load BPF programs: %s%s", strerror(-err),
			log_bpf_hint(err));
		goto cleanup;
	}
	err = sched_bpf__attach(c->skel);
	if (err) {
		log_err("monitor: sched: attach tracepoints: %s%s",
			strerror(-err), log_bpf_hint(err));
		goto cleanup;
	}
	*out = c;
	return 0;
cleanup:
	sched_coll_free(c);
	return err;
}

void sched_coll_free(struct sched_coll *c)
{
	if (!c)
		return;
	sched_bpf__destroy(c->skel);
	free(c->cur);
	free(c->prev);
	free(c->mm);
	free(c->wakeups_prev);
	free(c);
}

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

static int snap_add_preemptor(struct sched_snap *s, const struct preemptor *p)
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
		s->cpu[i].preempted += a->cpu[i].preempted;
		s->cpu[i].vol += a->cpu[i].vol;
		s->cpu[i].invol += a->cpu[i].invol;
	}
	for (size_t i = 0; i < a->npre; i++) {
		int err = snap_add_preemptor(s, &a->pre[i]);

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

static int read_preemptors(struct sched_coll *c, __u32 slot,
			   struct sched_snap *s)
{
	int fd = bpf_map__fd(c->skel->maps.preemptors);
	struct sched_preempt_key key, next, del[256];
	struct sched_preempt_val val;
	size_t ndel = 0;
	int err = 0;
	void *prev = NULL;

	/* Collect this slot's keys, then delete them: deleting while walking
	 * would restart the walk. */
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (key.slot != slot)
			continue;
		if (bpf_map_lookup_elem(fd, &key, &val))
			continue;
		if (key.cpu < s->ncpus) {
			struct preemptor p = { .cpu = key.cpu, .pid = key.pid,
					       .ns = val.ns, .count = val.count };

			memcpy(p.comm, val.comm, sizeof(p.comm));
			p.comm[sizeof(p.comm) - 1] = '\0';
			err = snap_add_preemptor(s, &p);
			if (err)
				return err;
		}
		if (ndel < sizeof(del) / sizeof(del[0]))
			del[ndel++] = key;
	}
	for (size_t i = 0; i < ndel; i++)
		bpf_map_delete_elem(fd, &del[i]);
	/* More than fit in del[]: walk again for the rest. */
	if (ndel == sizeof(del) / sizeof(del[0]))
		return read_preemptors(c, slot, s);
	return 0;
}

/* Interval figures of one CPU: differences of the cumulative counters,
 * extremes from the interval's slot. */
static void cpu_delta(struct sched_cpu *u, const struct sched_cpu_stats *k,
		      const struct sched_cpu_stats *p,
		      const struct sched_minmax *mm)
{
	int top = -1;

	u->lat.count = k->count - p->count;
	u->lat.sum = k->sum_ns - p->sum_ns;
	u->woken_running = k->woken_running - p->woken_running;
	u->preempted = k->preempted - p->preempted;
	u->vol = k->vol_switches - p->vol_switches;
	u->invol = k->invol_switches - p->invol_switches;
	for (int b = 0; b < HIST_BUCKETS; b++) {
		u->lat.b[b] = k->hist[b] - p->hist[b];
		if (u->lat.b[b])
			top = b;
	}
	if (!u->lat.count)
		return;
	u->lat.min = mm->min_ns;
	u->lat.max = mm->max_ns;
	/* A sample recorded just after the slot was read counts in the
	 * buckets but not in the extremes: keep them consistent. */
	for (int b = 0; b < HIST_BUCKETS; b++) {
		if (!u->lat.b[b])
			continue;
		if (!u->lat.min || u->lat.min > hist_bucket_hi((uint32_t)b))
			u->lat.min = hist_bucket_lo((uint32_t)b);
		break;
	}
	if (top >= 0 && u->lat.max < hist_bucket_lo((uint32_t)top))
		u->lat.max = hist_bucket_lo((uint32_t)top);
}

int sched_coll_read(struct sched_coll *c, struct sched_snap *s)
{
	struct timespec settle = { .tv_nsec = 1000 * 1000 };
	__u32 old = c->skel->bss->epoch & 1, zero = 0;
	int stats_fd = bpf_map__fd(c->skel->maps.cpu_stats);
	int mm_fd = bpf_map__fd(c->skel->maps.cpu_minmax);
	int rq_fd = bpf_map__fd(c->skel->maps.rq_states);
	struct sched_cpu_stats *t;

	sched_snap_clear(s);
	/* New extremes and preemptors go to the other slot; a program that
	 * read the old epoch just before the flip ends within microseconds. */
	__atomic_store_n(&c->skel->bss->epoch, old ^ 1, __ATOMIC_SEQ_CST);
	nanosleep(&settle, NULL);

	if (bpf_map_lookup_elem(mm_fd, &old, c->mm) ||
	    bpf_map_lookup_elem(stats_fd, &zero, c->cur))
		return -errno;
	for (int i = 0; i < c->ncpus && (unsigned int)i < s->ncpus; i++) {
		struct rq_state_view {
			__u64 run_start, waiting, wait_since, wakeups, pad[4];
		} rq;
		__u32 key = (__u32)i;

		cpu_delta(&s->cpu[i], &c->cur[i], &c->prev[i], &c->mm[i]);
		if (bpf_map_lookup_elem(rq_fd, &key, &rq))
			continue;
		s->cpu[i].wakeups = rq.wakeups - c->wakeups_prev[i];
		c->wakeups_prev[i] = rq.wakeups;
	}
	t = c->prev;
	c->prev = c->cur;
	c->cur = t;
	memset(c->mm, 0, (size_t)c->ncpus * sizeof(*c->mm));
	if (bpf_map_update_elem(mm_fd, &old, c->mm, BPF_ANY))
		return -errno;
	return read_preemptors(c, old, s);
}
