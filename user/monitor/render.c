// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Output of rtbpf monitor: the header and the frame of each interval and
 * of the summary; every collector renders its own part (coll.h). */
#include <stdlib.h>
#include <string.h>

#include "coll.h"
#include "header.h"
#include "json.h"
#include "monitor.h"
#include "render.h"

/* The header's "collectors", in this order when on. */
static const char *const parts[] = { "sched", "irq",	"softirq", "ipi",
				     "fault", "stolen", "timer" };

static void text_header(const struct coll_out *o)
{
	char *cpus;

	if (o->live)
		return;
	cpus = cpuset_str(&o->opts->filter.cpus);
	fprintf(o->out,
		"rtbpf monitor: kernel %s, watching CPUs %s, "
		"interval %.3gs\n",
		o->host->kernel, cpus ? cpus : "?", o->opts->interval_ns / 1e9);
	free(cpus);
}

void render_header(const struct coll_out *o, const struct coll_set *set)
{
	const struct sched_filter *f = &o->opts->filter;
	struct json_w *w = o->jw;

	if (!o->opts->json) {
		text_header(o);
		return;
	}
	json_header_begin(w, "monitor", o->host);
	json_kv_u64(w, "interval_ns", o->opts->interval_ns);
	json_cpuset(w, "cpus", &f->cpus);
	json_cpuset(w, "nohz_full", &o->host->nohz_full);
	json_cpuset(w, "online", &o->host->online);
	json_key(w, "filter");
	json_obj_begin(w);
	if (f->has_tgid)
		json_kv_u64(w, "pid", f->tgid);
	if (f->has_tid)
		json_kv_u64(w, "tid", f->tid);
	if (f->has_comm)
		json_kv_str(w, "comm", f->comm);
	json_obj_end(w);
	json_key(w, "collectors");
	json_arr_begin(w);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (coll_set_has(set, parts[i]))
			json_str(w, parts[i]);
	json_arr_end(w);
	json_kv_u64(w, "threshold_ns", o->opts->threshold_ns);
	/* where waits start: a wakeup's at sched_waking (split at
	 * sched_wakeup into delivery and queue) */
	json_kv_str(w, "wait_start", "sched_waking");
	json_obj_end(w);
	json_end_record(w);
}

/* One CPU's object: every collector's fields, then their histograms. */
static void json_cpu(const struct coll_set *set, const struct coll_view *v,
		     unsigned int cpu)
{
	struct json_w *w = v->o->jw;

	json_obj_begin(w);
	json_kv_u64(w, "cpu", cpu);
	json_kv_bool(w, "isolated", cpuset_has(&v->o->host->isolated, cpu));
	for (unsigned int i = 0; i < set->n; i++)
		set->c[i].ops->json_cpu(v, cpu);
	for (unsigned int i = 0; i < set->n; i++)
		if (set->c[i].ops->json_cpu_hist)
			set->c[i].ops->json_cpu_hist(v, cpu);
	json_obj_end(w);
}

static void json_record(const struct coll_set *set, const struct coll_view *v)
{
	const struct coll_out *o = v->o;
	struct json_w *w = o->jw;

	json_obj_begin(w);
	json_kv_str(w, "type", v->summary ? "summary" : "interval");
	json_kv_u64(w, "seq", o->seq);
	json_kv_u64(w, "elapsed_ns", v->end_ns - o->start_ns);
	json_kv_u64(w, "dur_ns", v->dur_ns);
	json_key(w, "cpus");
	json_arr_begin(w);
	for (unsigned int i = 0; i < o->norder; i++)
		json_cpu(set, v, o->order[i]);
	json_arr_end(w);
	for (unsigned int i = 0; i < set->n; i++)
		if (set->c[i].ops->json_total)
			set->c[i].ops->json_total(v);
	json_obj_end(w);
	json_end_record(w);
}

/* Above an interval's tables: a frame heading, or a line. */
static void interval_heading(const struct coll_out *o, double elapsed)
{
	char cpus[21];

	if (!o->live) {
		fprintf(o->out, "\n[%.1fs] interval %llu\n", elapsed,
			(unsigned long long)o->seq);
		return;
	}
	/* 80 columns: a long list shows its head and " +N" */
	cpuset_format_fit(&o->opts->filter.cpus, cpus, sizeof(cpus));
	/* home, clear: one frame per interval */
	fputs("\033[H\033[2J", o->out);
	fprintf(o->out,
		"rtbpf monitor  kernel %.30s  cpus %.20s  %.0fs  "
		"(Ctrl-C stops)\n",
		o->host->kernel, cpus, elapsed);
	fprintf(o->out, "wait: sched_waking or preemption -> run; "
			"dlv99: its delivery's p99; * isolated\n\n");
}

void render_period(const struct coll_out *o, const struct coll_set *set,
		   const struct coll_view *v, const struct spike_keep *k)
{
	if (o->opts->json) {
		json_record(set, v);
		return;
	}
	if (v->summary)
		fprintf(o->out, "\nSummary over %.1fs\n", v->dur_ns / 1e9);
	else
		interval_heading(o, (v->end_ns - o->start_ns) / 1e9);
	for (unsigned int i = 0; i < set->n; i++)
		set->c[i].ops->table(v);
	for (unsigned int i = 0; i < set->n; i++)
		if (v->summary && set->c[i].ops->table_end)
			set->c[i].ops->table_end(v);
	if (!v->summary && o->live && k)
		render_spikes_kept(o, k);
	fflush(o->out);
}
