// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The noise collectors' glue (noise_coll.h): choose, open, flip, read. */
#include "noise_coll.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "coll.h"
#include "coll_util.h"
#include "log.h"
#include "monitor.h"
#include "noise.skel.h"
#include "render.h"
#include "testhook.h"

struct noise_coll {
	struct noise_bpf *skel;
	int ncpus;
	struct noise_cpu_stats *cur, *prev;
	struct irq_stats *icur, *iprev;
	struct fault_tab *ftab;
	struct ipi_tab *itab;
	struct noise_opts loaded; /* collectors on (with skel) */
	bool stolen; /* shows the sched collector's stolen time */
	struct coll_names *names; /* gets the IRQ names once attached */
	__u32 old; /* the slot of the interval before the last flip */
};

/* A collector and the tracepoints it needs (all, or it is skipped). */
static const struct {
	const char *collector;
	const char *progs[4];
} needs[] = {
	{ "irq", { "irq_handler_entry", "irq_handler_exit" } },
	{ "irq vectors", { "local_timer_entry", "local_timer_exit" } },
	{ "irq vectors", { "reschedule_entry", "reschedule_exit" } },
	{ "irq vectors", { "call_function_entry", "call_function_exit" } },
	{ "irq vectors",
	  { "call_function_single_entry", "call_function_single_exit" } },
	{ "irq vectors", { "irq_work_entry", "irq_work_exit" } },
	{ "softirq", { "softirq_entry", "softirq_exit" } },
	{ "ipi", { "ipi_send_cpu" } },
	{ "ipi", { "ipi_send_cpumask" } },
	{ "fault", { "page_fault_user", "page_fault_kernel" } },
};

static bool wanted(const struct noise_opts *o, const char *collector)
{
	if (!strncmp(collector, "irq", 3))
		return o->irq;
	if (!strcmp(collector, "softirq"))
		return o->softirq;
	if (!strcmp(collector, "ipi"))
		return o->ipi;
	return o->fault;
}

/* Sets autoload of every program; fills *loaded. */
static int choose_programs(struct noise_coll *c, const struct noise_opts *o,
			   struct noise_opts *loaded)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool any = false;

	if (!btf)
		return -errno;
	*loaded = *o;
	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		bool on = wanted(o, needs[i].collector);

		for (int j = 0; on && j < 4 && needs[i].progs[j]; j++) {
			if (coll_tp_exists(btf, needs[i].progs[j]))
				continue;
			log_warn("monitor: %s: tracepoint %s missing in this "
				 "kernel; skipped",
				 needs[i].collector, needs[i].progs[j]);
			on = false;
			if (!strcmp(needs[i].collector, "irq"))
				loaded->irq = false;
			if (!strcmp(needs[i].collector, "softirq"))
				loaded->softirq = false;
			if (!strcmp(needs[i].collector, "fault"))
				loaded->fault = false;
		}
		for (int j = 0; j < 4 && needs[i].progs[j]; j++) {
			struct bpf_program *p =
				bpf_object__find_program_by_name(
					c->skel->obj, needs[i].progs[j]);

			if (p)
				bpf_program__set_autoload(p, on);
		}
		any |= on;
	}
	btf__free(btf);
	return any ? 0 : -ENOENT;
}

static int noise_alloc(struct noise_coll *c)
{
	size_t n;

	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0)
		return c->ncpus ? c->ncpus : -EINVAL;
	n = (size_t)c->ncpus;
	c->cur = calloc(n, sizeof(*c->cur));
	c->prev = calloc(n, sizeof(*c->prev));
	c->icur = calloc(n, sizeof(*c->icur));
	c->iprev = calloc(n, sizeof(*c->iprev));
	c->ftab = calloc(n, sizeof(*c->ftab));
	c->itab = calloc(n, sizeof(*c->itab));
	if (!c->cur || !c->prev || !c->icur || !c->iprev || !c->ftab ||
	    !c->itab)
		return -ENOMEM;
	return 0;
}

/* Opens, loads and attaches the programs of the collectors in o whose
 * tracepoints exist; -ENOENT when none does. */
static int noise_load(struct noise_coll *c, const struct noise_opts *o)
{
	int err, top = 0;

	c->skel = noise_bpf__open();
	if (!c->skel) {
		err = -errno;
		log_err("monitor: noise: open BPF object: %s", strerror(-err));
		return err;
	}
	for (int i = 0; i < RTBPF_MAX_CPUS / 64; i++) {
		c->skel->rodata->cfg_cpu_mask[i] = o->cpus.bits[i];
		if (o->cpus.bits[i])
			top = i + 1;
	}
	c->skel->rodata->cfg_cpu_words = (__u32)top;
	c->skel->rodata->cfg_all_cpus = cpuset_covers(&o->cpus, c->ncpus);
	c->skel->rodata->cfg_pidns_ino = sysinfo_pidns_ino();
	err = choose_programs(c, o, &c->loaded);
	if (err) {
		if (err != -ENOENT)
			log_err("monitor: noise: read kernel BTF: %s",
				strerror(-err));
		return err;
	}
	return coll_load(c->skel->skeleton, "monitor: noise");
}

/* No noise collector after all: 0 when kept for stolen time, else 1. */
static int noise_off(struct noise_coll *c)
{
	log_warn("monitor: no noise collector available");
	noise_bpf__destroy(c->skel);
	c->skel = NULL;
	return c->stolen ? 0 : 1;
}

static void noise_free(struct coll *cl);

/* Kept when a collector loads, or (without BPF) for stolen time alone. */
static int noise_open(struct coll *cl, const struct coll_env *env)
{
	const struct monitor_opts *o = env->opts;
	struct noise_opts want = o->noise;
	struct noise_coll *c;
	int err = 0;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	cl->state = c;
	c->stolen = o->stolen;
	c->names = env->names;
	want.cpus = o->filter.cpus;
	if (want.irq || want.softirq || want.ipi || want.fault) {
		err = noise_alloc(c);
		if (!err)
			err = noise_load(c, &want);
	}
	if (err == -ENOENT)
		err = noise_off(c);
	else if (!err && !c->skel && !c->stolen)
		err = 1;
	if (err)
		noise_free(cl);
	return err;
}

static int noise_attach(struct coll *cl)
{
	struct noise_coll *c = cl->state;
	int err;

	if (!c->skel)
		return 0;
	err = coll_attach(c->skel->skeleton, "monitor: noise");
	if (err == -ENOENT)
		return noise_off(c);
	if (err)
		return err;
	return names_load_irqs(c->names, NOISE_MAX_IRQ);
}

static void noise_free(struct coll *cl)
{
	struct noise_coll *c = cl->state;

	if (!c)
		return;
	cl->state = NULL;
	noise_bpf__destroy(c->skel);
	free(c->cur);
	free(c->prev);
	free(c->icur);
	free(c->iprev);
	free(c->ftab);
	free(c->itab);
	free(c);
}

static int read_faults(struct noise_coll *c, __u32 slot, struct noise_snap *s)
{
	int fd = bpf_map__fd(c->skel->maps.fault_tasks);

	if (bpf_map_lookup_elem(fd, &slot, c->ftab))
		return -errno;
	for (int cpu = 0; cpu < c->ncpus; cpu++)
		if (coll_tab_to_list(&c->ftab[cpu].t, (uint32_t)cpu,
				     &s->faults))
			return -ENOMEM;
	memset(c->ftab, 0, (size_t)c->ncpus * sizeof(*c->ftab));
	if (bpf_map_update_elem(fd, &slot, c->ftab, BPF_ANY))
		return -errno;
	return 0;
}

/* The senders' per-CPU tables of slot, then zeroed. */
static int read_ipi_tabs(struct noise_coll *c, __u32 slot, struct noise_snap *s)
{
	int fd = bpf_map__fd(c->skel->maps.ipi_tabs);

	if (bpf_map_lookup_elem(fd, &slot, c->itab))
		return -errno;
	for (int cpu = 0; cpu < c->ncpus; cpu++)
		for (int i = 0; i < IPI_TAB_SLOTS; i++) {
			const struct ipi_acc *e = &c->itab[cpu].e[i];

			if (e->count &&
			    noise_snap_add_ipi(s, e->target_cpu, (uint32_t)cpu,
					       e->sender_pid, e->count,
					       e->comm))
				return -ENOMEM;
		}
	memset(c->itab, 0, (size_t)c->ncpus * sizeof(*c->itab));
	if (bpf_map_update_elem(fd, &slot, c->itab, BPF_ANY))
		return -errno;
	return 0;
}

/* What overflowed the tables: the ipis hash, entries of slot. */
static int read_ipis(struct noise_coll *c, __u32 slot, struct noise_snap *s)
{
	int fd = bpf_map__fd(c->skel->maps.ipis);
	struct ipi_key key, next, del[256];
	struct ipi_val val;
	size_t ndel = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (key.slot != slot || bpf_map_lookup_elem(fd, &key, &val))
			continue;
		if (noise_snap_add_ipi(s, key.target_cpu, key.sender_cpu,
				       key.sender_pid, val.count, val.comm))
			return -ENOMEM;
		if (ndel < sizeof(del) / sizeof(del[0]))
			del[ndel++] = key;
	}
	for (size_t i = 0; i < ndel; i++)
		bpf_map_delete_elem(fd, &del[i]);
	/* more than del[] held: the rest on another walk */
	if (ndel == sizeof(del) / sizeof(del[0]))
		return read_ipis(c, slot, s);
	return 0;
}

static void noise_flip(struct coll *cl)
{
	struct noise_coll *c = cl->state;

	if (!c->skel)
		return;
	c->old = c->skel->bss->epoch & 1;
	__atomic_store_n(&c->skel->bss->epoch, c->old ^ 1, __ATOMIC_SEQ_CST);
}

/* Without BPF its part of the snapshots stays zero. */
static int noise_read(struct coll *cl, struct coll_snaps *snaps)
{
	struct noise_coll *c = cl->state;
	struct noise_snap *s = &snaps->noise;
	__u32 zero = 0;
	void *t;
	int err;

	if (!c->skel)
		return 0;
	noise_snap_clear(s);
	if (bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.noise_stats), &zero,
				c->cur) ||
	    bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.irq_stats), &zero,
				c->icur))
		return -errno;
	for (int i = 0; i < c->ncpus && (unsigned int)i < s->ncpus; i++)
		noise_cpu_delta(&s->cpu[i], &c->cur[i], &c->prev[i],
				&c->icur[i], &c->iprev[i]);
	t = c->prev;
	c->prev = c->cur;
	c->cur = t;
	t = c->iprev;
	c->iprev = c->icur;
	c->icur = t;
	err = read_faults(c, c->old, s);
	if (!err)
		err = read_ipi_tabs(c, c->old, s);
	if (!err)
		err = read_ipis(c, c->old, s);
	return err;
}

static int noise_merge(const struct coll *cl, struct coll_snaps *total,
		       const struct coll_snaps *a)
{
	const struct noise_coll *c = cl->state;

	return c->skel ? noise_snap_merge(&total->noise, &a->noise) : 0;
}

static bool noise_has(const struct coll *cl, const char *part)
{
	const struct noise_coll *c = cl->state;

	if (!c->skel)
		return false;
	if (!strcmp(part, "irq"))
		return c->loaded.irq;
	if (!strcmp(part, "softirq"))
		return c->loaded.softirq;
	if (!strcmp(part, "ipi"))
		return c->loaded.ipi;
	return !strcmp(part, "fault") && c->loaded.fault;
}

static struct bpf_object *noise_obj(const struct coll *cl)
{
	const struct noise_coll *c = cl->state;

	return c->skel ? c->skel->obj : NULL;
}

const struct coll_ops noise_coll_ops = {
	.place = 1,
	.name = "noise",
	.open = noise_open,
	.attach = noise_attach,
	.has = noise_has,
	.obj = noise_obj,
	.flip = noise_flip,
	.read = noise_read,
	.merge = noise_merge,
	.table = noise_render_table,
	.json_cpu = noise_render_json_cpu,
	.prom = noise_render_prom,
	.free = noise_free,
};
