// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "noise_coll.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "interrupts.h"
#include "log.h"
#include "noise.skel.h"
#include "sched_coll.h"
#include "testhook.h"

const char *const noise_softirq_names[NOISE_SOFTIRQS] = {
	"HI",	    "TIMER",   "NET_TX", "NET_RX",  "BLOCK",
	"IRQ_POLL", "TASKLET", "SCHED",	 "HRTIMER", "RCU",
};

const char *const noise_vector_names[NOISE_VECTORS] = {
	"LOC (local timer)",   "RES (reschedule)",
	"CAL (call function)", "CAL1 (call function single)",
	"IWI (irq work)",
};

struct noise_coll {
	struct noise_bpf *skel;
	int ncpus;
	struct noise_cpu_stats *cur, *prev;
	struct irq_stats *icur, *iprev;
	struct fault_tab *ftab;
	struct ipi_tab *itab;
	char **irq_names; /* NOISE_MAX_IRQ, NULL: no name */
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

/* RTBPF_HIDE_TP=a,b makes tracepoints look missing (tests). */
static bool tp_exists(const struct btf *btf, const char *tp)
{
	const char *hide = test_getenv("RTBPF_HIDE_TP");
	char name[96];

	if (hide) {
		size_t n = strlen(tp);

		for (const char *p = hide; (p = strstr(p, tp)); p += n)
			if ((p == hide || p[-1] == ',') &&
			    (p[n] == ',' || !p[n]))
				return false;
	}
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0;
}

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
			if (tp_exists(btf, needs[i].progs[j]))
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

/* Names are the last field of each IRQ's /proc/interrupts line: best
 * effort, an IRQ without one shows its number only. */
static void load_irq_names(struct noise_coll *c)
{
	FILE *f = fopen("/proc/interrupts", "re");
	int err;

	if (!f)
		return;
	err = interrupts_read(f, c->irq_names, NOISE_MAX_IRQ);
	if (err)
		log_warn("monitor: /proc/interrupts: %s; IRQ names may be "
			 "missing",
			 strerror(-err));
	fclose(f);
}

const char *noise_irq_name(const struct noise_coll *c, unsigned int irq)
{
	if (!c || irq >= NOISE_MAX_IRQ || !c->irq_names[irq])
		return "";
	return c->irq_names[irq];
}

int noise_coll_open(struct noise_coll **out, const struct noise_opts *o,
		    struct noise_opts *loaded)
{
	struct noise_coll *c;
	size_t n;
	int err, top = 0;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0) {
		err = c->ncpus ? c->ncpus : -EINVAL;
		goto cleanup;
	}
	n = (size_t)c->ncpus;
	c->cur = calloc(n, sizeof(*c->cur));
	c->prev = calloc(n, sizeof(*c->prev));
	c->icur = calloc(n, sizeof(*c->icur));
	c->iprev = calloc(n, sizeof(*c->iprev));
	c->ftab = calloc(n, sizeof(*c->ftab));
	c->itab = calloc(n, sizeof(*c->itab));
	c->irq_names = calloc(NOISE_MAX_IRQ, sizeof(*c->irq_names));
	if (!c->cur || !c->prev || !c->icur || !c->iprev || !c->ftab ||
	    !c->itab || !c->irq_names) {
		err = -ENOMEM;
		goto cleanup;
	}
	c->skel = noise_bpf__open();
	if (!c->skel) {
		err = -errno;
		log_err("monitor: noise: open BPF object: %s", strerror(-err));
		goto cleanup;
	}
	for (int i = 0; i < RTBPF_MAX_CPUS / 64; i++) {
		c->skel->rodata->cfg_cpu_mask[i] = o->cpus.bits[i];
		if (o->cpus.bits[i])
			top = i + 1;
	}
	c->skel->rodata->cfg_cpu_words = (__u32)top;
	c->skel->rodata->cfg_all_cpus = cpuset_covers(&o->cpus, c->ncpus);
	err = choose_programs(c, o, loaded);
	if (err) {
		if (err != -ENOENT)
			log_err("monitor: noise: read kernel BTF: %s",
				strerror(-err));
		goto cleanup;
	}
	err = coll_load_attach(c->skel->skeleton, "noise");
	if (err)
		goto cleanup;
	load_irq_names(c);
	*out = c;
	return 0;
cleanup:
	noise_coll_free(c);
	return err;
}

void noise_coll_free(struct noise_coll *c)
{
	if (!c)
		return;
	noise_bpf__destroy(c->skel);
	free(c->cur);
	free(c->prev);
	free(c->icur);
	free(c->iprev);
	free(c->ftab);
	free(c->itab);
	for (int q = 0; c->irq_names && q < NOISE_MAX_IRQ; q++)
		free(c->irq_names[q]);
	free(c->irq_names);
	free(c);
}

int noise_coll_ring_fd(struct noise_coll *c)
{
	return c ? bpf_map__fd(c->skel->maps.noise_rings) : -1;
}

static void fig_delta(struct noise_fig *u, const struct noise_acc *k,
		      const struct noise_acc *p)
{
	u->count = k->count - p->count;
	u->ns = k->ns - p->ns;
	u->max_ns = k->max_ns;
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

/* One sender's IPIs to one CPU, into the snapshot. */
static int ipi_add(struct noise_snap *s, uint32_t target, uint32_t sender_cpu,
		   uint32_t pid, uint64_t count, const char *comm)
{
	struct task_entry t = {
		.cpu = target, .pid = pid, .aux = sender_cpu, .count = count
	};

	if (target >= s->ncpus)
		return 0;
	memcpy(t.comm, comm, sizeof(t.comm));
	t.comm[sizeof(t.comm) - 1] = '\0';
	s->cpu[target].ipis += count;
	return tasklist_add(&s->ipis, &t) ? -ENOMEM : 0;
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
			    ipi_add(s, e->target_cpu, (uint32_t)cpu,
				    e->sender_pid, e->count, e->comm))
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
		if (ipi_add(s, key.target_cpu, key.sender_cpu, key.sender_pid,
			    val.count, val.comm))
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

void noise_coll_flip(struct noise_coll *c)
{
	__atomic_store_n(&c->skel->bss->epoch, (c->skel->bss->epoch & 1) ^ 1,
			 __ATOMIC_SEQ_CST);
}

int noise_coll_read(struct noise_coll *c, struct noise_snap *s)
{
	/* noise_coll_flip() moved new events to the other slot */
	__u32 old = (c->skel->bss->epoch & 1) ^ 1, zero = 0;
	void *t;
	int err;

	memset(s->cpu, 0, s->ncpus * sizeof(*s->cpu));
	tasklist_clear(&s->faults);
	tasklist_clear(&s->ipis);
	if (bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.noise_stats), &zero,
				c->cur) ||
	    bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.irq_stats), &zero,
				c->icur))
		return -errno;
	for (int i = 0; i < c->ncpus && (unsigned int)i < s->ncpus; i++) {
		struct noise_cpu *u = &s->cpu[i];
		const struct noise_cpu_stats *k = &c->cur[i], *p = &c->prev[i];

		for (int v = 0; v < NOISE_SOFTIRQS; v++)
			fig_delta(&u->softirq[v], &k->softirq[v],
				  &p->softirq[v]);
		for (int v = 0; v < NOISE_VECTORS; v++) {
			fig_delta(&u->vector[v], &k->vector[v], &p->vector[v]);
			u->vector[v].idle =
				k->vector_idle[v] - p->vector_idle[v];
		}
		for (int q = 0; q < NOISE_MAX_IRQ; q++)
			fig_delta(&u->irq[q], &c->icur[i].irq[q],
				  &c->iprev[i].irq[q]);
		u->faults_user = k->faults_user - p->faults_user;
		u->faults_kernel = k->faults_kernel - p->faults_kernel;
	}
	t = c->prev;
	c->prev = c->cur;
	c->cur = t;
	t = c->iprev;
	c->iprev = c->icur;
	c->icur = t;
	err = read_faults(c, old, s);
	if (!err)
		err = read_ipi_tabs(c, old, s);
	if (!err)
		err = read_ipis(c, old, s);
	return err;
}

int noise_snap_init(struct noise_snap *s, unsigned int ncpus)
{
	memset(s, 0, sizeof(*s));
	s->cpu = calloc(ncpus, sizeof(*s->cpu));
	if (!s->cpu)
		return -ENOMEM;
	s->ncpus = ncpus;
	return 0;
}

void noise_snap_fini(struct noise_snap *s)
{
	free(s->cpu);
	tasklist_fini(&s->faults);
	tasklist_fini(&s->ipis);
	memset(s, 0, sizeof(*s));
}

static void fig_merge(struct noise_fig *a, const struct noise_fig *b)
{
	a->count += b->count;
	a->ns += b->ns;
	a->idle += b->idle;
	if (b->max_ns > a->max_ns)
		a->max_ns = b->max_ns;
}

int noise_snap_merge(struct noise_snap *s, const struct noise_snap *a)
{
	for (unsigned int i = 0; i < s->ncpus && i < a->ncpus; i++) {
		struct noise_cpu *u = &s->cpu[i];
		const struct noise_cpu *b = &a->cpu[i];

		for (int v = 0; v < NOISE_SOFTIRQS; v++)
			fig_merge(&u->softirq[v], &b->softirq[v]);
		for (int v = 0; v < NOISE_VECTORS; v++)
			fig_merge(&u->vector[v], &b->vector[v]);
		for (int q = 0; q < NOISE_MAX_IRQ; q++)
			fig_merge(&u->irq[q], &b->irq[q]);
		u->faults_user += b->faults_user;
		u->faults_kernel += b->faults_kernel;
		u->ipis += b->ipis;
	}
	if (tasklist_merge(&s->faults, &a->faults) ||
	    tasklist_merge(&s->ipis, &a->ipis))
		return -ENOMEM;
	return 0;
}

uint64_t noise_cpu_irq_ns(const struct noise_cpu *c)
{
	uint64_t ns = 0;

	for (int q = 0; q < NOISE_MAX_IRQ; q++)
		ns += c->irq[q].ns;
	for (int v = 0; v < NOISE_VECTORS; v++)
		ns += c->vector[v].ns;
	return ns;
}

uint64_t noise_cpu_irq_count(const struct noise_cpu *c)
{
	uint64_t n = 0;

	for (int q = 0; q < NOISE_MAX_IRQ; q++)
		n += c->irq[q].count;
	for (int v = 0; v < NOISE_VECTORS; v++)
		n += c->vector[v].count;
	return n;
}

uint64_t noise_cpu_softirq_ns(const struct noise_cpu *c)
{
	uint64_t ns = 0;

	for (int v = 0; v < NOISE_SOFTIRQS; v++)
		ns += c->softirq[v].ns;
	return ns;
}
