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

/* One table row: under 80 columns. */
static void table_row(FILE *f, const char *label, const struct sched_cpu *c,
		      const struct task_entry *top)
{
	char p50[16], p99[16], p999[16], max[16], dlv[16], pre[64];
	bool have = c->lat.count > 0;

	fmt_us(p50, sizeof(p50), hist_quantile(&c->lat, 0.50), have);
	fmt_us(p99, sizeof(p99), hist_quantile(&c->lat, 0.99), have);
	fmt_us(p999, sizeof(p999), hist_quantile(&c->lat, 0.999), have);
	fmt_us(max, sizeof(max), c->lat.max, have);
	fmt_us(dlv, sizeof(dlv), hist_quantile(&c->dlv, 0.99),
	       c->dlv.count > 0);
	fmt_task(pre, sizeof(pre), top, 19, true);
	fprintf(f, "%-5s %7llu %7s %7s %7s %7s %7s %5llu %s\n", label,
		(unsigned long long)c->wakeups, p50, p99, p999, max, dlv,
		(unsigned long long)c->invol, pre);
}

static void wait_table(const struct coll_view *v)
{
	const struct coll_out *o = v->o;
	const struct sched_snap *s = &v->s->sched;
	const struct task_entry *best = NULL;
	struct sched_cpu all = {};

	fprintf(o->out, "%-5s %7s %7s %7s %7s %7s %7s %5s %s\n", "CPU",
		"wakeups", "p50us", "p99us", "p99.9us", "maxus", "dlv99us",
		"invol", "top preemptor");
	for (unsigned int i = 0; i < o->norder; i++) {
		unsigned int cpu = o->order[i];
		const struct task_entry *top = NULL;
		char label[16];

		tasklist_top(&s->pre, cpu, &top, 1, false);
		fmt_cpu(label, sizeof(label), o, cpu);
		table_row(o->out, label, &s->cpu[cpu], top);
		sched_cpu_add(&all, &s->cpu[cpu]);
		if (top && (!best || top->ns > best->ns))
			best = top;
	}
	table_row(o->out, "all", &all, best);
}

static void wake_row(FILE *f, const char *label, const struct sched_cpu *c)
{
	char d50[16], d99[16], dmax[16], q99[16];
	bool have = c->dlv.count > 0;

	fmt_us(d50, sizeof(d50), hist_quantile(&c->dlv, 0.50), have);
	fmt_us(d99, sizeof(d99), hist_quantile(&c->dlv, 0.99), have);
	fmt_us(dmax, sizeof(dmax), c->dlv.max, have);
	fmt_us(q99, sizeof(q99), hist_quantile(&c->queue, 0.99), have);
	fprintf(f, "%-5s %7llu %6llu %6llu %6llu %6llu %7s %7s %7s %7s\n",
		label, (unsigned long long)c->dlv.count,
		(unsigned long long)c->remote, (unsigned long long)c->idle,
		(unsigned long long)c->idle_remote,
		(unsigned long long)c->idle_remote_no_ipi, d50, d99, dmax, q99);
}

/* Where wakeup waits went, per CPU: the summary's second table. */
static void wake_table(const struct coll_view *v)
{
	const struct coll_out *o = v->o;
	struct sched_cpu all = {};

	fprintf(o->out,
		"\nwakeup waits: delivery (sched_waking -> sched_wakeup: "
		"IPI, idle exit)\nand queue (sched_wakeup -> run); idle: ended an "
		"idle period, rm-idle: of\nthose woken from another CPU, "
		"no-IPI: of those kicked without an IPI\n");
	fprintf(o->out, "%-5s %7s %6s %6s %6s %6s %7s %7s %7s %7s\n", "CPU",
		"waits", "remote", "idle", "rm-idle", "no-IPI", "dlv50us",
		"dlv99us", "dlvmxus", "que99us");
	for (unsigned int i = 0; i < o->norder; i++) {
		unsigned int cpu = o->order[i];
		const struct sched_cpu *c = &v->s->sched.cpu[cpu];
		char label[16];

		sched_cpu_add(&all, c);
		fmt_cpu(label, sizeof(label), o, cpu);
		wake_row(o->out, label, c);
	}
	wake_row(o->out, "all", &all);
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

	if (!o->opts->threshold_ns)
		return;
	for (unsigned int i = 0; i < o->norder; i++) {
		const struct sched_cpu *c = &v->s->sched.cpu[o->order[i]];

		sent += c->spikes;
		limited += c->spikes_ratelimited;
		lost += c->spikes_lost;
	}
	fprintf(o->out,
		"\nspikes >= %.1f us: %llu reported, %llu over the rate limit, "
		"%llu lost (ring buffer full)\n",
		o->opts->threshold_ns / 1e3, (unsigned long long)sent,
		(unsigned long long)limited, (unsigned long long)lost);
}

/* The summary's last lines: spike counts and the run's wait histogram. */
/* Summary: threads woken by their own hrtimer, per CPU that had any. */
static void timer_lines(const struct coll_view *v)
{
	const struct coll_out *o = v->o;
	bool head = false;

	for (unsigned int i = 0; i < o->norder; i++) {
		const struct hist *h = &v->s->sched.cpu[o->order[i]].timer;
		char label[16], p50[16], p99[16], max[16];

		if (!h->count)
			continue;
		if (!head)
			fprintf(o->out,
				"\ntimer lateness (own hrtimer: expiry to "
				"run)\n%-5s %7s %7s %7s %7s\n",
				"CPU", "wakeups", "p50us", "p99us", "maxus");
		head = true;
		fmt_cpu(label, sizeof(label), o, o->order[i]);
		fmt_us(p50, sizeof(p50), hist_quantile(h, 0.50), true);
		fmt_us(p99, sizeof(p99), hist_quantile(h, 0.99), true);
		fmt_us(max, sizeof(max), h->max, true);
		fprintf(o->out, "%-5s %7llu %7s %7s %7s\n", label,
			(unsigned long long)h->count, p50, p99, max);
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
	hist_print(&all, o->out, "wait to run, all watched CPUs");
}
