// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf timerlat's output: the per-CPU table (live on a terminal), NDJSON
 * records (docs/json.md) and the reports of samples over the threshold. */
#define _GNU_SOURCE
#include "timerlat_run.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "header.h"
#include "monitor/render.h"
#include "monitor/spike.h"
#include "text.h"

void timerlat_render_header(struct timerlat_run *t)
{
	struct json_w *w = &t->jw;
	char *list;

	cli_fmt_ns(t->opts.period_ns, t->period, sizeof(t->period));
	if (!t->opts.json) {
		list = cpuset_str(&t->opts.cpus);
		if (!t->live)
			printf("timerlat: CPUs %s, period %s, SCHED_FIFO %u\n",
			       list ? list : "?", t->period, t->opts.prio);
		free(list);
		return;
	}
	json_header_begin(w, "timerlat", &t->host);
	json_cpuset(w, "cpus", &t->opts.cpus);
	json_kv_u64(w, "period_ns", t->opts.period_ns);
	json_kv_u64(w, "prio", t->opts.prio);
	json_kv_u64(w, "threshold_ns", t->opts.threshold_ns);
	json_kv_u64(w, "first_expiry_ns", t->first_ns);
	json_obj_end(w);
	json_end_record(w);
}

/* ns in 5 columns: us with a decimal, whole us from 1 ms, then s. */
static void fmt5(char *buf, size_t len, uint64_t ns, bool have)
{
	if (!have)
		snprintf(buf, len, "-");
	else if (ns < 1000000)
		snprintf(buf, len, "%.1f", ns / 1e3);
	else if (ns < 100000000)
		snprintf(buf, len, "%.0f", ns / 1e3);
	else
		snprintf(buf, len, "%.1fs", ns / 1e9);
}

/* One latency's five columns. */
static void put_lat(FILE *f, const struct hist *h)
{
	uint64_t v[5] = { h->min, h->count ? h->sum / h->count : 0,
			  hist_quantile(h, 0.5), hist_quantile(h, 0.99),
			  h->max };

	for (int i = 0; i < 5; i++) {
		char buf[16];

		fmt5(buf, sizeof(buf), v[i], h->count > 0);
		fprintf(f, " %5s", buf);
	}
}

static void table(struct timerlat_run *t, const struct timerlat_stats *s,
		  uint64_t dur_ns, bool summary)
{
	FILE *f = stdout;
	uint64_t odd[3] = { 0, 0, 0 };

	if (t->live)
		fputs("\033[H\033[2J", f);
	fprintf(f, "timerlat %s %.1fs, period %s, SCHED_FIFO %u\n",
		summary ? "summary of" : "last", dur_ns / 1e9, t->period,
		t->opts.prio);
	fprintf(f, "             |       IRQ latency (us)        |"
		   "    thread latency (us)\n");
	fprintf(f, "CPU    count |   min   avg   p50   p99   max |"
		   "   min   avg   p50   p99   max\n");
	for (unsigned int i = 0; i < t->nprobes; i++) {
		fprintf(f, "%3u %8llu |", t->probes[i].th.cpu,
			(unsigned long long)s[i].thread.count);
		put_lat(f, &s[i].irq);
		fputs(" |", f);
		put_lat(f, &s[i].thread);
		fputc('\n', f);
		odd[0] += s[i].no_irq;
		odd[1] += s[i].violations;
		odd[2] += s[i].overruns;
	}
	fprintf(f,
		"no IRQ sample %llu, IRQ over thread latency %llu, "
		"overruns %llu\n",
		(unsigned long long)odd[0], (unsigned long long)odd[1],
		(unsigned long long)odd[2]);
	if (t->live)
		for (unsigned int i = 0; i < TIMERLAT_KEEP && t->kept[i]; i++)
			fputs(t->kept[i], f);
	fflush(f);
}

static void lat_json(struct json_w *w, const char *key, const struct hist *h,
		     bool summary)
{
	json_key(w, key);
	json_obj_begin(w);
	json_kv_u64(w, "count", h->count);
	hist_json_summary(h, w);
	if (summary)
		hist_json(h, w);
	json_obj_end(w);
}

static void record(struct timerlat_run *t, const struct timerlat_stats *s,
		   uint64_t dur_ns, bool summary)
{
	struct json_w *w = &t->jw;

	json_obj_begin(w);
	json_kv_str(w, "type", summary ? "summary" : "timerlat");
	json_kv_u64(w, "seq", t->seq);
	json_kv_u64(w, "interval_ns", dur_ns);
	json_key(w, "cpus");
	json_arr_begin(w);
	for (unsigned int i = 0; i < t->nprobes; i++) {
		json_obj_begin(w);
		json_kv_u64(w, "cpu", t->probes[i].th.cpu);
		json_kv_u64(w, "count", s[i].thread.count);
		lat_json(w, "irq", &s[i].irq, summary);
		lat_json(w, "thread", &s[i].thread, summary);
		json_kv_u64(w, "no_irq", s[i].no_irq);
		json_kv_u64(w, "late", s[i].late);
		json_kv_u64(w, "violations", s[i].violations);
		json_kv_u64(w, "overruns", s[i].overruns);
		json_kv_u64(w, "irq_remote", s[i].irq_remote);
		json_obj_end(w);
	}
	json_arr_end(w);
	if (summary)
		json_kv_u64(w, "reports", t->reports);
	json_obj_end(w);
	json_end_record(w);
}

void timerlat_render_interval(struct timerlat_run *t, uint64_t dur_ns)
{
	t->seq++;
	if (t->opts.json)
		record(t, t->interval, dur_ns, false);
	else if (t->live)
		table(t, t->interval, dur_ns, false);
}

void timerlat_render_summary(struct timerlat_run *t, uint64_t dur_ns)
{
	if (t->opts.json)
		record(t, t->total, dur_ns, true);
	else
		table(t, t->total, dur_ns, true);
}

static void report_json(struct timerlat_run *t, const struct spike_event *ev,
			const struct spike_report *r)
{
	struct json_w *w = &t->jw;

	json_obj_begin(w);
	json_kv_str(w, "type", "timerlat_report");
	json_kv_u64(w, "elapsed_ns",
		    ev->run_at > t->start_ns ? ev->run_at - t->start_ns : 0);
	json_kv_u64(w, "cpu", ev->cpu);
	json_kv_u64(w, "tid", ev->pid);
	json_kv_u64(w, "expiry_ns", ev->timer_expiry);
	json_kv_u64(w, "irq_at_ns", ev->timer_irq_at);
	json_kv_u64(w, "run_at_ns", ev->run_at);
	json_kv_u64(w, "irq_latency_ns", ev->timer_irq_at - ev->timer_expiry);
	spike_json_parts(w, &t->names, r);
	json_obj_end(w);
	json_end_record(w);
}

static void report_text(struct timerlat_run *t, FILE *f,
			const struct spike_event *ev,
			const struct spike_report *r, unsigned int parts)
{
	fprintf(f,
		"timerlat: CPU %u thread latency %.1f us (IRQ %.1f us) at "
		"%.2fs\n",
		ev->cpu, r->latency_ns / 1e3,
		(ev->timer_irq_at - ev->timer_expiry) / 1e3,
		ev->run_at > t->start_ns ? (ev->run_at - t->start_ns) / 1e9 :
					   0);
	spike_text_parts(&t->names, f, r, parts, 0);
	fprintf(f, "  accounted %.1f%% (expiry to switch-in); IPIs %u\n",
		100.0 * r->accounted_ns / r->latency_ns, r->ipis);
}

/* Live: the newest text first, the oldest dropped. */
static void keep(struct timerlat_run *t, char *text)
{
	free(t->kept[TIMERLAT_KEEP - 1]);
	memmove(&t->kept[1], &t->kept[0],
		(TIMERLAT_KEEP - 1) * sizeof(t->kept[0]));
	t->kept[0] = text;
}

void timerlat_render_report(struct timerlat_run *t,
			    const struct spike_event *ev)
{
	struct spike_report *r;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	/* a probe's wait that no timer began (it was preempted) */
	if (!ev->timer_expiry || ev->timer_irq_at < ev->timer_expiry ||
	    ev->run_at <= ev->timer_expiry)
		return;
	r = calloc(1, sizeof(*r));
	if (!r)
		return;
	spike_analyze(ev, r);
	spike_waker_comm(&t->names, r);
	t->reports++;
	if (t->opts.json) {
		report_json(t, ev, r);
	} else if (t->live) {
		f = open_memstream(&text, &len);
		if (f) {
			report_text(t, f, ev, r, 5);
			fclose(f);
			keep(t, text);
		}
	} else {
		report_text(t, stdout, ev, r, 8);
		fflush(stdout);
	}
	free(r);
}

void timerlat_keep_fini(struct timerlat_run *t)
{
	for (unsigned int i = 0; i < TIMERLAT_KEEP; i++) {
		free(t->kept[i]);
		t->kept[i] = NULL;
	}
}
