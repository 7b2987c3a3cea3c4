// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The sched collector's glue (sched_coll.h): open, flip, read. */
#include "sched_coll.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/sched_abi.h"
#include "coll.h"
#include "coll_util.h"
#include "log.h"
#include "monitor.h"
#include "parse.h"
#include "render.h"
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
	__u32 old; /* the slot of the interval before the last flip */
	bool stolen;
	bool timer; /* timer lateness of any watched thread (timer_own) */
};

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

/* The programs' rodata from the options; noise_ring: noise.bpf.c's ring
 * (spike reports copy it), or -1. */
static int set_rodata(struct sched_coll *c, const struct monitor_opts *o,
		      int noise_ring)
{
	const struct sched_filter *f = &o->filter;
	struct sched_bpf__rodata *r = c->skel->rodata;
	int err;

	for (int i = 0; i < RTBPF_MAX_CPUS / 64; i++)
		r->cfg_cpu_mask[i] = f->cpus.bits[i];
	r->cfg_all_cpus = cpuset_covers(&f->cpus, c->ncpus);
	r->cfg_filter_any = f->has_tgid || f->has_tid || f->has_comm;
	r->cfg_filter_tgid = f->has_tgid;
	r->cfg_tgid = f->tgid;
	r->cfg_filter_tid = f->has_tid;
	r->cfg_tid = f->tid;
	r->cfg_filter_comm = f->has_comm;
	r->cfg_pidns_ino = sysinfo_pidns_ino();
	r->cfg_stolen = o->stolen;
	r->cfg_noise = noise_ring >= 0;
	r->cfg_spike_ns = o->threshold_ns;
	r->cfg_spike_max = (uint32_t)o->spike_rate;
	r->cfg_timer = o->timer || o->timer_own;
	r->cfg_timer_spikes = o->timer_spikes;
	bpf_program__set_autoload(c->skel->progs.hrtimer_expire_entry,
				  o->timer_own);
	bpf_program__set_autoload(c->skel->progs.hrtimer_expire_exit,
				  o->timer_own);
	if (noise_ring >= 0) {
		err = bpf_map__reuse_fd(c->skel->maps.noise_rings, noise_ring);
		if (err) {
			log_err("monitor: sched: share the noise ring: %s",
				strerror(-err));
			return err;
		}
	}
	memcpy((char *)r->cfg_comm, f->comm, sizeof(r->cfg_comm));
	return 0;
}

/* One entry per pid: larger pids fall back to task storage. */
static int size_wait_table(struct sched_coll *c)
{
	uint32_t tab;
	int err;

	err = wait_table_size(&tab);
	if (err)
		return err;
	/* whole rows */
	tab = (tab + SCHED_WAIT_COLS - 1) / SCHED_WAIT_COLS * SCHED_WAIT_COLS;
	c->skel->rodata->cfg_wait_rows = tab / SCHED_WAIT_COLS;
	err = bpf_map__set_max_entries(c->skel->maps.wait_tab, tab);
	if (err)
		log_err("monitor: sched: size the wait table: %s",
			strerror(-err));
	return err;
}

static int sched_alloc(struct sched_coll *c)
{
	int err;

	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0) {
		err = c->ncpus ? c->ncpus : -EINVAL;
		log_err("monitor: sched: cannot count possible CPUs: %s",
			strerror(-err));
		return err;
	}
	c->cur = calloc((size_t)c->ncpus, sizeof(*c->cur));
	c->prev = calloc((size_t)c->ncpus, sizeof(*c->prev));
	c->slot = calloc((size_t)c->ncpus, sizeof(*c->slot));
	c->wk = calloc((size_t)c->ncpus, sizeof(*c->wk));
	c->wk_prev = calloc((size_t)c->ncpus, sizeof(*c->wk_prev));
	if (!c->cur || !c->prev || !c->slot || !c->wk || !c->wk_prev)
		return -ENOMEM;
	return 0;
}

static void sched_free(struct coll *cl);

static int sched_open(struct coll *cl, const struct coll_env *env)
{
	struct sched_coll *c;
	int err;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	cl->state = c;
	c->stolen = env->opts->stolen;
	c->timer = env->opts->timer_own;
	err = sched_alloc(c);
	if (err)
		goto cleanup;
	c->skel = sched_bpf__open();
	if (!c->skel) {
		err = -errno;
		log_err("monitor: sched: open BPF object: %s", strerror(-err));
		goto cleanup;
	}
	err = set_rodata(c, env->opts,
			 coll_set_map_fd(env->opened, env->nopened,
					 "noise_rings"));
	if (!err)
		err = size_wait_table(c);
	if (!err)
		err = coll_load(c->skel->skeleton, "monitor: sched");
	if (!err)
		return 0;
cleanup:
	sched_free(cl);
	return err;
}

static void sched_free(struct coll *cl)
{
	struct sched_coll *c = cl->state;

	if (!c)
		return;
	cl->state = NULL;
	sched_bpf__destroy(c->skel);
	free(c->cur);
	free(c->prev);
	free(c->slot);
	free(c->wk);
	free(c->wk_prev);
	free(c);
}

static int sched_attach(struct coll *cl)
{
	struct sched_coll *c = cl->state;

	return coll_attach(c->skel->skeleton, "monitor: sched");
}

/* New extremes and task tables go to the other slot; a program that read
 * the old epoch just before the flip ends within microseconds. */
static void sched_flip(struct coll *cl)
{
	struct sched_coll *c = cl->state;

	c->old = c->skel->bss->epoch & 1;
	__atomic_store_n(&c->skel->bss->epoch, c->old ^ 1, __ATOMIC_SEQ_CST);
}

/* The wakeup counts of CPU i: summed over the wakers, by target CPU. */
static void wake_delta(struct sched_coll *c, int i, struct sched_cpu *u)
{
	uint64_t wk = 0;

	for (int w = 0; w < c->ncpus; w++)
		wk += c->wk[w].to_cpu[i];
	u->wakeups = wk - c->wk_prev[i];
	c->wk_prev[i] = wk;
	u->untimed = c->odd.untimed[i] - c->odd_prev.untimed[i];
	u->woken_running += c->odd.running[i] - c->odd_prev.running[i];
	u->stale = c->odd.stale[i] - c->odd_prev.stale[i];
	u->unseen = c->odd.unseen[i] - c->odd_prev.unseen[i];
}

static int sched_read(struct coll *cl, struct coll_snaps *snaps)
{
	struct sched_coll *c = cl->state;
	struct sched_snap *s = &snaps->sched;
	__u32 zero = 0;
	int slot_fd = bpf_map__fd(c->skel->maps.slots);
	struct sched_cpu_state *t;
	int err = 0;

	sched_snap_clear(s);
	if (bpf_map_lookup_elem(slot_fd, &c->old, c->slot) ||
	    bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.cpu_state), &zero,
				c->cur) ||
	    bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.wakeups), &zero,
				c->wk) ||
	    bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.wake_odd), &zero,
				&c->odd))
		return -errno;
	for (int i = 0;
	     i < c->ncpus && i < RTBPF_MAX_CPUS && (unsigned int)i < s->ncpus;
	     i++) {
		sched_cpu_delta(&s->cpu[i], &c->cur[i].st, &c->prev[i].st,
				&c->slot[i]);
		wake_delta(c, i, &s->cpu[i]);
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
	if (bpf_map_update_elem(slot_fd, &c->old, c->slot, BPF_ANY))
		return -errno;
	return err;
}

static int sched_merge(const struct coll *cl, struct coll_snaps *total,
		       const struct coll_snaps *a)
{
	(void)cl;
	return sched_snap_merge(&total->sched, &a->sched);
}

static bool sched_has(const struct coll *cl, const char *part)
{
	const struct sched_coll *c = cl->state;

	return !strcmp(part, "sched") ||
	       (!strcmp(part, "stolen") && c->stolen) ||
	       (!strcmp(part, "timer") && c->timer);
}

static struct bpf_object *sched_obj(const struct coll *cl)
{
	const struct sched_coll *c = cl->state;

	return c->skel->obj;
}

const struct coll_ops sched_coll_ops = {
	.place = 0,
	.name = "sched",
	.open = sched_open,
	.attach = sched_attach,
	.has = sched_has,
	.obj = sched_obj,
	.flip = sched_flip,
	.read = sched_read,
	.merge = sched_merge,
	.table = sched_render_table,
	.table_end = sched_render_table_end,
	.json_cpu = sched_render_json_cpu,
	.json_cpu_hist = sched_render_json_hist,
	.json_total = sched_render_json_total,
	.prom = sched_render_prom,
	.free = sched_free,
};
