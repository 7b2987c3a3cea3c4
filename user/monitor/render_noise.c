// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Output of rtbpf monitor's noise collectors (with the sched collector's
 * stolen time): the noise table, the "noise" object of a CPU record. */
#include <stdio.h>

#include "coll.h"
#include "json.h"
#include "render.h"
#include "render_util.h"
#include "text.h"

#define TOP_TASKS 5

/* "PREFIX NAME" in width columns: the prefix (a number in it) whole, the
 * name made safe for a terminal and shortened (marked) to fit. */
static void fmt_named(char *buf, size_t len, const char *prefix,
		      const char *name, int width)
{
	char esc[COL_CELL];
	int room = width - (int)strlen(prefix);

	text_escape_fit(esc, sizeof(esc), name, strlen(name),
			room > 1 ? (size_t)room : 1);
	snprintf(buf, len, "%s%s", prefix, esc);
}

/* The largest single source of noise on a CPU, in width columns. */
static void top_source(const struct coll_view *v, unsigned int cpu, char *buf,
		       size_t len, int width)
{
	const struct noise_cpu *c = &v->s->noise.cpu[cpu];
	const struct task_entry *st = NULL;
	uint64_t best = 0;
	char prefix[32];

	snprintf(buf, len, "-");
	for (unsigned int q = 0; q < NOISE_MAX_IRQ; q++) {
		if (c->irq[q].ns <= best)
			continue;
		best = c->irq[q].ns;
		snprintf(prefix, sizeof(prefix), "irq %u ", q);
		fmt_named(buf, len, prefix, names_irq(v->o->names, q), width);
	}
	for (int v = 0; v < NOISE_VECTORS; v++) {
		if (c->vector[v].ns <= best)
			continue;
		best = c->vector[v].ns;
		fmt_named(buf, len, "vector ", noise_vector_short[v], width);
	}
	for (int v = 0; v < NOISE_SOFTIRQS; v++) {
		if (c->softirq[v].ns <= best)
			continue;
		best = c->softirq[v].ns;
		fmt_named(buf, len, "softirq ", noise_softirq_names[v], width);
	}
	tasklist_top(&v->s->sched.stolen, cpu, &st, 1, false);
	if (st && st->ns > best)
		fmt_task(buf, len, st, width, false);
}

/* A rate into a table cell: per second, decimals digits. */
static void fmt_rate(char *cell, double v, double secs, int decimals)
{
	snprintf(cell, COL_CELL, "%.*f", decimals, v / secs);
}

void noise_render_table(const struct coll_view *v)
{
	const struct coll_out *o = v->o;
	double secs = v->dur_ns ? v->dur_ns / 1e9 : 1;
	struct col_fit fit;

	render_fit(&fit, o, TBL_NOISE);
	fputc('\n', o->out);
	col_head(o->out, &fit);
	for (unsigned int i = 0; i < o->norder; i++) {
		unsigned int cpu = o->order[i];
		const struct noise_cpu *c = &v->s->noise.cpu[cpu];
		struct noise_fig irqs = noise_cpu_irq(c);
		uint64_t irq = irqs.ns, soft = noise_cpu_softirq_ns(c);
		uint64_t stolen = v->s->sched.cpu[cpu].stolen_ns;
		char cell[NOISE_N][COL_CELL];

		fmt_cpu(cell[NOISE_CPU], COL_CELL, o, cpu);
		fmt_rate(cell[NOISE_IRQS], irqs.count, secs, 0);
		fmt_rate(cell[NOISE_IRQ_US], irq / 1e3, secs, 1);
		fmt_rate(cell[NOISE_SIRQ_US], soft / 1e3, secs, 1);
		fmt_rate(cell[NOISE_FLT], c->faults_user + c->faults_kernel,
			 secs, 0);
		fmt_rate(cell[NOISE_STOL_US], stolen / 1e3, secs, 1);
		fmt_rate(cell[NOISE_US], (irq + soft + stolen) / 1e3, secs, 1);
		top_source(v, cpu, cell[NOISE_TOP], COL_CELL, fit.name_width);
		col_row(o->out, &fit, cell);
	}
}

static void json_fig(struct json_w *w, const struct noise_fig *f)
{
	json_kv_u64(w, "count", f->count);
	json_kv_u64(w, "ns", f->ns);
	json_kv_u64(w, "max_ns", f->max_ns);
}

static void json_tasks(struct json_w *w, const char *key,
		       const struct tasklist *l, unsigned int cpu,
		       bool by_count, bool with_ns, bool with_cpu)
{
	const struct task_entry *top[TOP_TASKS];
	size_t k = tasklist_top(l, cpu, top, TOP_TASKS, by_count);

	json_key(w, key);
	json_arr_begin(w);
	for (size_t i = 0; i < k; i++) {
		json_obj_begin(w);
		json_kv_u64(w, "pid", top[i]->pid);
		json_key(w, "comm");
		json_strn(w, top[i]->comm, sizeof(top[i]->comm));
		if (with_cpu)
			json_kv_u64(w, "cpu", top[i]->aux);
		if (with_ns)
			json_kv_u64(w, "ns", top[i]->ns);
		json_kv_u64(w, "count", top[i]->count);
		json_obj_end(w);
	}
	json_arr_end(w);
}

/* Faulting tasks: count, and split into user and kernel (the entry's ns
 * field carries the kernel faults, see bpf/noise.h). */
static void json_fault_tasks(struct json_w *w, const struct tasklist *l,
			     unsigned int cpu)
{
	const struct task_entry *top[TOP_TASKS];
	size_t k = tasklist_top(l, cpu, top, TOP_TASKS, true);

	json_key(w, "fault_tasks");
	json_arr_begin(w);
	for (size_t i = 0; i < k; i++) {
		uint64_t kern = top[i]->ns <= top[i]->count ? top[i]->ns :
							      top[i]->count;

		json_obj_begin(w);
		json_kv_u64(w, "pid", top[i]->pid);
		json_key(w, "comm");
		json_strn(w, top[i]->comm, sizeof(top[i]->comm));
		json_kv_u64(w, "count", top[i]->count);
		json_kv_u64(w, "user", top[i]->count - kern);
		json_kv_u64(w, "kernel", kern);
		json_obj_end(w);
	}
	json_arr_end(w);
}

void noise_render_json_cpu(const struct coll_view *v, unsigned int cpu)
{
	const struct sched_snap *s = &v->s->sched;
	const struct noise_snap *n = &v->s->noise;
	const struct noise_cpu *c = &n->cpu[cpu];
	struct json_w *w = v->o->jw;
	struct noise_fig irqs = noise_cpu_irq(c);
	uint64_t irq = irqs.ns, soft = noise_cpu_softirq_ns(c);

	json_key(w, "noise");
	json_obj_begin(w);
	json_kv_u64(w, "irq_count", irqs.count);
	json_kv_u64(w, "irq_ns", irq);
	json_kv_u64(w, "softirq_ns", soft);
	json_kv_u64(w, "stolen_ns", s->cpu[cpu].stolen_ns);
	json_kv_u64(w, "noise_ns", irq + soft + s->cpu[cpu].stolen_ns);
	json_kv_u64(w, "faults_user", c->faults_user);
	json_kv_u64(w, "faults_kernel", c->faults_kernel);
	json_kv_u64(w, "ipis", c->ipis);
	json_key(w, "irqs");
	json_arr_begin(w);
	for (unsigned int q = 0; q < NOISE_MAX_IRQ; q++) {
		if (!c->irq[q].count)
			continue;
		json_obj_begin(w);
		json_kv_u64(w, "irq", q);
		json_kv_str(w, "name", names_irq(v->o->names, q));
		json_fig(w, &c->irq[q]);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "vectors");
	json_arr_begin(w);
	for (int v = 0; v < NOISE_VECTORS; v++) {
		if (!c->vector[v].count)
			continue;
		json_obj_begin(w);
		json_kv_str(w, "name", noise_vector_short[v]);
		json_fig(w, &c->vector[v]);
		json_kv_u64(w, "idle", c->vector[v].idle);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "softirqs");
	json_arr_begin(w);
	for (int v = 0; v < NOISE_SOFTIRQS; v++) {
		if (!c->softirq[v].count)
			continue;
		json_obj_begin(w);
		json_kv_str(w, "name", noise_softirq_names[v]);
		json_fig(w, &c->softirq[v]);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_tasks(w, "stolen", &s->stolen, cpu, false, true, false);
	json_fault_tasks(w, &n->faults, cpu);
	json_tasks(w, "ipi_senders", &n->ipis, cpu, true, false, true);
	json_obj_end(w);
}
