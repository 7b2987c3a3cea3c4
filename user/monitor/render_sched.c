// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Output of the sched collector: wait tables, its fields of a CPU record. */
#include <stdio.h>

#include "coll.h"
#include "json.h"
#include "monitor.h"
#include "render.h"
#include "render_util.h"

#define TOP_PREEMPTORS 5

/* "name": {"samples", the summary, and with_hist the buckets} */
static void json_part(struct json_w *w, const char *name, const struct hist *h,
		      bool with_hist)
{
	json_key(w, name);
	json_obj_begin(w);
	json_kv_u64(w, "samples", h->count);
	hist_json_summary(h, w);
	if (with_hist)
		hist_json(h, w);
	json_obj_end(w);
}

/* The wait figures a CPU record and the total share. */
static void json_wait_fields(struct json_w *w, const struct sched_cpu *c,
			     bool with_hist)
{
	json_kv_u64(w, "samples", c->lat.count);
	json_kv_u64(w, "wakeups", c->wakeups);
	json_kv_u64(w, "woken_running", c->woken_running);
	json_kv_u64(w, "untimed_wakeups", c->untimed);
	json_kv_u64(w, "stale_waits", c->stale);
	json_kv_u64(w, "preempted_waits", c->preempted);
	json_kv_u64(w, "vol_switches", c->vol);
	json_kv_u64(w, "invol_switches", c->invol);
	hist_json_summary(&c->lat, w);
	json_kv_u64(w, "remote_wakeups", c->remote);
	json_kv_u64(w, "idle_wakeups", c->idle);
	json_kv_u64(w, "remote_idle_wakeups", c->idle_remote);
	json_kv_u64(w, "remote_idle_wakeups_no_ipi", c->idle_remote_no_ipi);
	json_kv_u64(w, "unseen_wakings", c->unseen);
	json_part(w, "delivery", &c->dlv, with_hist);
	json_part(w, "queue", &c->queue, with_hist);
}

static void json_preemptors(struct json_w *w, const struct sched_snap *s,
			    unsigned int cpu)
{
	const struct task_entry *top[TOP_PREEMPTORS];
	uint64_t pre_ns = s->cpu[cpu].pre_other_ns;
	size_t k;

	json_kv_u64(w, "preemptors_other_ns", pre_ns);
	for (size_t i = 0; i < s->pre.n; i++)
		if (s->pre.v[i].cpu == cpu)
			pre_ns += s->pre.v[i].ns;
	json_kv_u64(w, "preemptors_ns", pre_ns);
	json_key(w, "preemptors");
	json_arr_begin(w);
	k = tasklist_top(&s->pre, cpu, top, TOP_PREEMPTORS, false);
	for (size_t i = 0; i < k; i++) {
		json_obj_begin(w);
		json_kv_u64(w, "pid", top[i]->pid);
		json_key(w, "comm");
		json_strn(w, top[i]->comm, sizeof(top[i]->comm));
		json_kv_u64(w, "ns", top[i]->ns);
		json_kv_u64(w, "count", top[i]->count);
		json_obj_end(w);
	}
	json_arr_end(w);
}

void sched_render_json_cpu(const struct coll_view *v, unsigned int cpu)
{
	const struct sched_cpu *c = &v->s->sched.cpu[cpu];
	struct json_w *w = v->o->jw;

	json_wait_fields(w, c, true);
	json_preemptors(w, &v->s->sched, cpu);
	json_kv_u64(w, "spikes", c->spikes);
	json_kv_u64(w, "spikes_ratelimited", c->spikes_ratelimited);
	json_kv_u64(w, "spikes_lost", c->spikes_lost);
	if (c->timer.count) {
		json_key(w, "timer");
		json_obj_begin(w);
		json_kv_u64(w, "count", c->timer.count);
		hist_json_summary(&c->timer, w);
		json_obj_end(w);
	}
}

void sched_render_json_hist(const struct coll_view *v, unsigned int cpu)
{
	hist_json(&v->s->sched.cpu[cpu].lat, v->o->jw);
}

void sched_render_json_total(const struct coll_view *v)
{
	struct sched_cpu all = {}; /* 16 KiB: four histograms */
	struct json_w *w = v->o->jw;

	for (unsigned int i = 0; i < v->o->norder; i++)
		sched_cpu_add(&all, &v->s->sched.cpu[v->o->order[i]]);
	json_key(w, "total");
	json_obj_begin(w);
	json_wait_fields(w, &all, false);
	json_obj_end(w);
}

/* One row of the wait table, laid out by f. */
static void table_row(FILE *f, const struct col_fit *fit, const char *label,
		      const struct sched_cpu *c, const struct task_entry *top)
{
	char cell[WAIT_N][COL_CELL];
	bool have = c->lat.count > 0;

	snprintf(cell[WAIT_CPU], COL_CELL, "%s", label);
	fmt_count(cell[WAIT_WAKEUPS], c->wakeups);
	fmt_us(cell[WAIT_P50], COL_CELL, hist_quantile(&c->lat, 0.50), have);
	fmt_us(cell[WAIT_P99], COL_CELL, hist_quantile(&c->lat, 0.99), have);
	fmt_us(cell[WAIT_P999], COL_CELL, hist_quantile(&c->lat, 0.999), have);
	fmt_us(cell[WAIT_MAX], COL_CELL, c->lat.max, have);
	fmt_us(cell[WAIT_DLV99], COL_CELL, hist_quantile(&c->dlv, 0.99),
	       c->dlv.count > 0);
	fmt_count(cell[WAIT_INVOL], c->invol);
	fmt_task(cell[WAIT_TOP], COL_CELL, top, fit->name_width, true);
	col_row(f, fit, cell);
}

static void wait_table(const struct coll_view *v)
{
	const struct coll_out *o = v->o;
	const struct sched_snap *s = &v->s->sched;
	const struct task_entry *best = NULL;
	struct sched_cpu all = {};
	struct col_fit fit;

	render_fit(&fit, o, TBL_WAIT);
	col_head(o->out, &fit);
	for (unsigned int i = 0; i < o->norder; i++) {
		unsigned int cpu = o->order[i];
		const struct task_entry *top = NULL;
		char label[16];

		tasklist_top(&s->pre, cpu, &top, 1, false);
		fmt_cpu(label, sizeof(label), o, cpu);
		table_row(o->out, &fit, label, &s->cpu[cpu], top);
		sched_cpu_add(&all, &s->cpu[cpu]);
		if (top && (!best || top->ns > best->ns))
			best = top;
	}
	table_row(o->out, &fit, "all", &all, best);
}

static void wake_row(FILE *f, const struct col_fit *fit, const char *label,
		     const struct sched_cpu *c)
{
	char cell[WAKE_N][COL_CELL];
	bool have = c->dlv.count > 0;

	snprintf(cell[WAKE_CPU], COL_CELL, "%s", label);
	fmt_count(cell[WAKE_WAITS], c->dlv.count);
	fmt_count(cell[WAKE_REMOTE], c->remote);
	fmt_count(cell[WAKE_IDLE], c->idle);
	fmt_count(cell[WAKE_RM_IDLE], c->idle_remote);
	fmt_count(cell[WAKE_NO_IPI], c->idle_remote_no_ipi);
	fmt_us(cell[WAKE_DLV50], COL_CELL, hist_quantile(&c->dlv, 0.50), have);
	fmt_us(cell[WAKE_DLV99], COL_CELL, hist_quantile(&c->dlv, 0.99), have);
	fmt_us(cell[WAKE_DLVMX], COL_CELL, c->dlv.max, have);
	fmt_us(cell[WAKE_QUE99], COL_CELL, hist_quantile(&c->queue, 0.99),
	       have);
	col_row(f, fit, cell);
}

/* Where wakeup waits went, per CPU: the summary's second table. */
static void wake_table(const struct coll_view *v)
{
	const struct coll_out *o = v->o;
	struct sched_cpu all = {};
	struct col_fit fit;

	fputc('\n', o->out);
	render_wrap(
		o->out,
		"wakeup waits: delivery (sched_waking -> sched_wakeup: "
		"IPI, idle exit) and queue (sched_wakeup -> run); idle: "
		"ended an idle period, rm-idle: of those woken from another "
		"CPU, no-IPI: of those kicked without an IPI",
		render_cols(o), "", " ");
	render_fit(&fit, o, TBL_WAKE);
	col_head(o->out, &fit);
	for (unsigned int i = 0; i < o->norder; i++) {
		unsigned int cpu = o->order[i];
		const struct sched_cpu *c = &v->s->sched.cpu[cpu];
		char label[16];

		sched_cpu_add(&all, c);
		fmt_cpu(label, sizeof(label), o, cpu);
		wake_row(o->out, &fit, label, c);
	}
	wake_row(o->out, &fit, "all", &all);
}

void sched_render_table(const struct coll_view *v)
{
	wait_table(v);
	if (v->summary)
		wake_table(v);
}

static void spikes_line(const struct coll_view *v)
{
	const struct coll_out *o = v->o;
	uint64_t sent = 0, limited = 0, lost = 0;
	char line[160];

	if (!o->opts->threshold_ns)
		return;
	for (unsigned int i = 0; i < o->norder; i++) {
		const struct sched_cpu *c = &v->s->sched.cpu[o->order[i]];

		sent += c->spikes;
		limited += c->spikes_ratelimited;
		lost += c->spikes_lost;
	}
	snprintf(line, sizeof(line),
		 "spikes >= %.1f us: %llu reported, %llu over the rate limit, "
		 "%llu lost (ring buffer full)",
		 o->opts->threshold_ns / 1e3, (unsigned long long)sent,
		 (unsigned long long)limited, (unsigned long long)lost);
	fputc('\n', o->out);
	render_wrap(o->out, line, render_cols(o), "  ", ", ");
}

/* Summary: threads woken by their own hrtimer, per CPU that had any. */
static void timer_lines(const struct coll_view *v)
{
	const struct coll_out *o = v->o;
	struct col_fit fit;
	bool head = false;

	render_fit(&fit, o, TBL_TIMER);
	for (unsigned int i = 0; i < o->norder; i++) {
		const struct hist *h = &v->s->sched.cpu[o->order[i]].timer;
		char cell[TIMER_N][COL_CELL];

		if (!h->count)
			continue;
		if (!head) {
			fprintf(o->out, "\ntimer lateness (own hrtimer: expiry "
					"to run)\n");
			col_head(o->out, &fit);
		}
		head = true;
		fmt_cpu(cell[TIMER_CPU], COL_CELL, o, o->order[i]);
		fmt_count(cell[TIMER_WAKEUPS], h->count);
		fmt_us(cell[TIMER_P50], COL_CELL, hist_quantile(h, 0.50), true);
		fmt_us(cell[TIMER_P99], COL_CELL, hist_quantile(h, 0.99), true);
		fmt_us(cell[TIMER_MAX], COL_CELL, h->max, true);
		col_row(o->out, &fit, cell);
	}
}

void sched_render_table_end(const struct coll_view *v)
{
	const struct coll_out *o = v->o;
	struct hist all;

	if (!v->summary)
		return;
	timer_lines(v);
	spikes_line(v);
	hist_reset(&all);
	for (unsigned int i = 0; i < o->norder; i++)
		hist_merge(&all, &v->s->sched.cpu[o->order[i]].lat);
	fputc('\n', o->out);
	hist_print_rows(&all, o->out, "wait to run, all watched CPUs",
			v->hist_rows ? v->hist_rows : RENDER_HIST_ROWS,
			render_cols(o));
}
