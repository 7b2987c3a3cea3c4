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
#include "parse.h"
#include "sched.skel.h"
#include "sysinfo.h"
#include "testhook.h"

struct sched_coll {
	struct sched_bpf *skel;
	int ncpus;
	struct sched_cpu_state *cur, *prev; /* ncpus cumulative values */
	struct sched_wakeups *wk; /* ncpus wakers' cumulative counts */
	uint64_t *wk_prev; /* per target CPU, summed over wakers */
	struct sched_wake_odd odd, odd_prev; /* cumulative, by target CPU */
	struct sched_slot *slot; /* ncpus values of one slot */
};

int sched_coll_spike_fd(struct sched_coll *c)
{
	return c ? bpf_map__fd(c->skel->maps.spikes) : -1;
}

/* Entries of the pending-wait table: one per pid, or $RTBPF_WAIT_TABLE
 * (tests set 1 to send every thread through the task-storage fallback). */
static int wait_table_size(uint32_t *n)
{
	const char *env = test_getenv("RTBPF_WAIT_TABLE");
	char err[128];
	uint64_t v;

	if (!env) {
		*n = sysinfo_pid_max();
		return 0;
	}
	if (parse_u64(env, 1, 4194304, &v, err, sizeof(err))) {
		log_err("monitor: RTBPF_WAIT_TABLE: %s", err);
		return -EINVAL;
	}
	*n = (uint32_t)v;
	return 0;
}

int sched_coll_open(struct sched_coll **out, const struct sched_filter *f)
{
	struct sched_coll *c;
	uint32_t tab;
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
	c->slot = calloc((size_t)c->ncpus, sizeof(*c->slot));
	c->wk = calloc((size_t)c->ncpus, sizeof(*c->wk));
	c->wk_prev = calloc((size_t)c->ncpus, sizeof(*c->wk_prev));
	if (!c->cur || !c->prev || !c->slot || !c->wk || !c->wk_prev) {
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
	c->skel->rodata->cfg_all_cpus = cpuset_covers(&f->cpus, c->ncpus);
	c->skel->rodata->cfg_filter_any = f->has_tgid || f->has_tid ||
					  f->has_comm;
	c->skel->rodata->cfg_filter_tgid = f->has_tgid;
	c->skel->rodata->cfg_tgid = f->tgid;
	c->skel->rodata->cfg_filter_tid = f->has_tid;
	c->skel->rodata->cfg_tid = f->tid;
	c->skel->rodata->cfg_filter_comm = f->has_comm;
	c->skel->rodata->cfg_stolen = f->stolen;
	c->skel->rodata->cfg_noise = f->noise;
	c->skel->rodata->cfg_spike_ns = f->spike_ns;
	c->skel->rodata->cfg_spike_max = f->spike_max;
	if (f->noise && f->noise_ring_fd >= 0) {
		err = bpf_map__reuse_fd(c->skel->maps.noise_rings,
					f->noise_ring_fd);
		if (err) {
			log_err("monitor: sched: share the noise ring: %s",
				strerror(-err));
			goto cleanup;
		}
	}
	memcpy((char *)c->skel->rodata->cfg_comm, f->comm,
	       sizeof(c->skel->rodata->cfg_comm));
	/* one entry per pid: larger pids fall back to task storage */
	err = wait_table_size(&tab);
	if (err)
		goto cleanup;
	/* whole rows */
	tab = (tab + SCHED_WAIT_COLS - 1) / SCHED_WAIT_COLS * SCHED_WAIT_COLS;
	c->skel->rodata->cfg_wait_rows = tab / SCHED_WAIT_COLS;
	err = bpf_map__set_max_entries(c->skel->maps.wait_tab, tab);
	if (err) {
		log_err("monitor: sched: size the wait table: %s",
			strerror(-err));
		goto cleanup;
	}

	err = coll_load_attach(c->skel->skeleton, "sched");
	if (err)
		goto cleanup;
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
	free(c->slot);
	free(c->wk);
	free(c->wk_prev);
	free(c);
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

/* Interval figures of one CPU: differences of the cumulative counters,
 * extremes from the interval's slot. */
static void cpu_delta(struct sched_cpu *u, const struct sched_cpu_stats *k,
		      const struct sched_cpu_stats *p,
		      const struct sched_slot *sl)
{
	hist_delta(&u->lat, k->hist, p->hist, k->sum_ns - p->sum_ns, &sl->mm);
	hist_delta(&u->dlv, k->hist_dlv, p->hist_dlv,
		   k->dlv_sum_ns - p->dlv_sum_ns, &sl->mm_dlv);
	hist_delta(&u->queue, k->hist_queue, p->hist_queue,
		   k->queue_sum_ns - p->queue_sum_ns, &sl->mm_queue);
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

int coll_load_attach(struct bpf_object_skeleton *s, const char *what)
{
	int err = bpf_object__load_skeleton(s);

	if (err) {
		log_err("monitor: %s: load BPF programs: %s%s", what,
			strerror(-err), log_bpf_hint(err));
		return err;
	}
	err = bpf_object__attach_skeleton(s);
	if (err) {
		log_err("monitor: %s: attach tracepoints: %s%s", what,
			strerror(-err), log_bpf_hint(err));
		return err;
	}
	for (int i = 0; i < s->prog_cnt; i++) {
		const struct bpf_program *p = *s->progs[i].prog;

		if (*s->progs[i].link)
			log_info("monitor: %s: %s attached to %s", what,
				 bpf_program__name(p),
				 bpf_program__section_name(p));
	}
	return 0;
}

int coll_tab_to_list(const struct task_tab *t, uint32_t cpu, struct tasklist *l)
{
	for (int i = 0; i < TASK_TAB_SLOTS; i++) {
		const struct task_acc *e = &t->e[i];
		struct task_entry te = { .cpu = cpu };

		if (!e->pid)
			continue;
		te.pid = e->pid;
		te.ns = e->ns;
		te.count = e->count;
		memcpy(te.comm, e->comm, sizeof(te.comm));
		te.comm[sizeof(te.comm) - 1] = '\0';
		if (tasklist_add(l, &te))
			return -ENOMEM;
	}
	return 0;
}

int sched_coll_read(struct sched_coll *c, struct sched_snap *s)
{
	struct timespec settle = { .tv_nsec = 1000 * 1000 };
	__u32 old = c->skel->bss->epoch & 1, zero = 0;
	int state_fd = bpf_map__fd(c->skel->maps.cpu_state);
	int slot_fd = bpf_map__fd(c->skel->maps.slots);
	int wk_fd = bpf_map__fd(c->skel->maps.wakeups);
	int odd_fd = bpf_map__fd(c->skel->maps.wake_odd);
	struct sched_cpu_state *t;
	int err = 0;

	sched_snap_clear(s);
	/* New extremes and task tables go to the other slot; a program that
	 * read the old epoch just before the flip ends within microseconds. */
	__atomic_store_n(&c->skel->bss->epoch, old ^ 1, __ATOMIC_SEQ_CST);
	nanosleep(&settle, NULL);

	if (bpf_map_lookup_elem(slot_fd, &old, c->slot) ||
	    bpf_map_lookup_elem(state_fd, &zero, c->cur) ||
	    bpf_map_lookup_elem(wk_fd, &zero, c->wk) ||
	    bpf_map_lookup_elem(odd_fd, &zero, &c->odd))
		return -errno;
	for (int i = 0;
	     i < c->ncpus && i < RTBPF_MAX_CPUS && (unsigned int)i < s->ncpus;
	     i++) {
		uint64_t wk = 0;

		cpu_delta(&s->cpu[i], &c->cur[i].st, &c->prev[i].st,
			  &c->slot[i]);
		for (int w = 0; w < c->ncpus; w++)
			wk += c->wk[w].to_cpu[i];
		s->cpu[i].wakeups = wk - c->wk_prev[i];
		c->wk_prev[i] = wk;
		s->cpu[i].untimed = c->odd.untimed[i] - c->odd_prev.untimed[i];
		s->cpu[i].woken_running +=
			c->odd.running[i] - c->odd_prev.running[i];
		s->cpu[i].stale = c->odd.stale[i] - c->odd_prev.stale[i];
		s->cpu[i].unseen = c->odd.unseen[i] - c->odd_prev.unseen[i];
		if (!err)
			err = coll_tab_to_list(&c->slot[i].pre, (uint32_t)i,
					       &s->pre);
		if (!err)
			err = coll_tab_to_list(&c->slot[i].stolen, (uint32_t)i,
					       &s->stolen);
	}
	c->odd_prev = c->odd;
	t = c->prev;
	c->prev = c->cur;
	c->cur = t;
	memset(c->slot, 0, (size_t)c->ncpus * sizeof(*c->slot));
	if (bpf_map_update_elem(slot_fd, &old, c->slot, BPF_ANY))
		return -errno;
	return err;
}
