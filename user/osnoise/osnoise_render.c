// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf osnoise's output: the per-CPU table (live on a terminal), NDJSON
 * records (docs/json.md) and the summary with the threads. */
#define _GNU_SOURCE
#include "osnoise_run.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "header.h"
#include "text.h"

const char *const osnoise_kind_names[OSN_KINDS] = {
	[OSN_IRQ] = "irq", [OSN_VECTOR] = "vector", [OSN_SOFTIRQ] = "softirq",
	[OSN_NMI] = "nmi", [OSN_THREAD] = "thread",
};

static const char *policy(const struct osnoise_run *r, char *buf, size_t len)
{
	if (!r->opts.prio)
		return "SCHED_OTHER";
	snprintf(buf, len, "SCHED_FIFO %u", r->opts.prio);
	return buf;
}

void osnoise_render_header(struct osnoise_run *r)
{
	struct json_w *w = &r->jw;
	char pol[32], *list;

	cli_fmt_ns(r->opts.period_ns, r->period, sizeof(r->period));
	cli_fmt_ns(r->opts.runtime_ns, r->runtime, sizeof(r->runtime));
	cli_fmt_ns(r->opts.threshold_ns, r->threshold, sizeof(r->threshold));
	if (!r->opts.json) {
		list = cpuset_str(&r->opts.cpus);
		if (!r->live)
			printf("osnoise: CPUs %s, runtime %s of %s, threshold "
			       "%s, %s\n",
			       list ? list : "?", r->runtime, r->period,
			       r->threshold, policy(r, pol, sizeof(pol)));
		free(list);
		return;
	}
	json_header_begin(w, "osnoise", &r->host);
	json_cpuset(w, "cpus", &r->opts.cpus);
	json_kv_u64(w, "period_ns", r->opts.period_ns);
	json_kv_u64(w, "runtime_ns", r->opts.runtime_ns);
	json_kv_u64(w, "threshold_ns", r->opts.threshold_ns);
	json_kv_str(w, "policy", r->opts.prio ? "fifo" : "other");
	json_kv_u64(w, "prio", r->opts.prio);
	json_obj_end(w);
	json_end_record(w);
}

static double avail_pct(const struct osnoise_stats *s)
{
	if (!s->runtime_ns)
		return 100.0;
	if (s->noise_ns >= s->runtime_ns)
		return 0.0;
	return 100.0 * (double)(s->runtime_ns - s->noise_ns) /
	       (double)s->runtime_ns;
}

/* ns in 10 columns (a space and 9), its unit with it: us below 10 ms,
 * ms below 10 s, then s. */
static void put_time(FILE *f, uint64_t ns)
{
	char buf[32];

	if (ns < 10000000)
		snprintf(buf, sizeof(buf), "%.1fus", ns / 1e3);
	else if (ns < 10000000000ULL)
		snprintf(buf, sizeof(buf), "%.1fms", ns / 1e6);
	else
		snprintf(buf, sizeof(buf), "%.1fs", ns / 1e9);
	fprintf(f, " %9s", buf);
}

static void table(struct osnoise_run *r, const struct osnoise_stats *s,
		  uint64_t dur_ns, bool summary)
{
	FILE *f = stdout;
	char pol[32];

	if (r->live)
		fputs("\033[H\033[2J", f);
	fprintf(f, "osnoise %s %.1fs, runtime %s of %s, threshold %s, %s\n",
		summary ? "summary of" : "last", dur_ns / 1e9, r->runtime,
		r->period, r->threshold, policy(r, pol, sizeof(pol)));
	fprintf(f, "                                          |"
		   "      noise events by source\n");
	fprintf(f, "CPU  runtime      noise   avail %%       max |"
		   "    IRQ   SIRQ   NMI    THR     HW\n");
	for (unsigned int i = 0; i < r->nprobes; i++) {
		const struct osnoise_stats *x = &s[i];

		fprintf(f, "%3u %7.2fs", r->probes[i].th.cpu,
			x->runtime_ns / 1e9);
		put_time(f, x->noise_ns);
		fprintf(f, " %9.4f", avail_pct(x));
		put_time(f, x->max_ns);
		fprintf(f, " | %6llu %6llu %5llu %6llu %6llu\n",
			(unsigned long long)(x->n[OSN_IRQ] + x->n[OSN_VECTOR]),
			(unsigned long long)x->n[OSN_SOFTIRQ],
			(unsigned long long)x->n[OSN_NMI],
			(unsigned long long)x->n[OSN_THREAD],
			(unsigned long long)x->hw_gaps);
	}
	fflush(f);
}

/* The summary's second table: where the noise went (irq: IRQ handlers
 * and system vectors; JSON has them apart). */
static void by_source(struct osnoise_run *r)
{
	FILE *f = stdout;

	fprintf(f, "\nnoise by source\n");
	fprintf(f, "CPU        irq   softirq       nmi    thread unexplain"
		   "        hw   gaps 90%%+\n");
	for (unsigned int i = 0; i < r->nprobes; i++) {
		const struct osnoise_stats *x = &r->total[i];

		fprintf(f, "%3u", r->probes[i].th.cpu);
		put_time(f, x->ns[OSN_IRQ] + x->ns[OSN_VECTOR]);
		put_time(f, x->ns[OSN_SOFTIRQ]);
		put_time(f, x->ns[OSN_NMI]);
		put_time(f, x->ns[OSN_THREAD]);
		put_time(f, x->unexplained_ns);
		put_time(f, x->hw_ns);
		fprintf(f, " %6llu %3.0f%%\n", (unsigned long long)x->gaps,
			x->gaps ? 100.0 * x->covered / x->gaps : 100.0);
	}
}

/* Thread time the per-thread table had no room for, all CPUs. */
static uint64_t untracked(const struct osnoise_run *r)
{
	uint64_t ns = 0;

	for (unsigned int i = 0; r->cpus && i < r->nprobes; i++)
		ns += r->cpus[r->probes[i].th.cpu].untracked_ns;
	return ns;
}

static void top_threads(struct osnoise_run *r)
{
	FILE *f = stdout;
	unsigned int cpu = ~0u, shown = 0;

	if (!r->opts.top || !r->nthreads)
		return;
	fprintf(f, "\nthreads that preempted the probes in their runtime (also "
		   "for less than\nthe threshold)\n"
		   "CPU  thread                            time   runs\n");
	for (size_t i = 0; i < r->nthreads; i++) {
		const struct osnoise_thread *t = &r->threads[i];
		char name[4 * RTBPF_COMM_LEN + 16], comm[4 * RTBPF_COMM_LEN];
		int pid;

		if (t->cpu != cpu) {
			cpu = t->cpu;
			shown = 0;
		}
		if (shown++ >= r->opts.top)
			continue;
		/* the name shortened (marked) to keep the pid whole */
		pid = snprintf(NULL, 0, "/%u", t->pid);
		text_escape_fit(comm, sizeof(comm), t->comm,
				strnlen(t->comm, sizeof(t->comm)),
				(size_t)(28 - pid));
		snprintf(name, sizeof(name), "%s/%u", comm, t->pid);
		fprintf(f, "%3u  %-28s", t->cpu, name);
		put_time(f, t->ns);
		fprintf(f, " %6llu\n", (unsigned long long)t->runs);
	}
	if (untracked(r)) {
		fprintf(f, "  and threads the table had no room for:");
		put_time(f, untracked(r));
		fputc('\n', f);
	}
}

static void cpu_json(struct json_w *w, unsigned int cpu,
		     const struct osnoise_stats *x)
{
	json_obj_begin(w);
	json_kv_u64(w, "cpu", cpu);
	json_kv_u64(w, "runtime_ns", x->runtime_ns);
	json_kv_u64(w, "noise_ns", x->noise_ns);
	json_kv_double(w, "available_pct", avail_pct(x));
	json_kv_u64(w, "max_ns", x->max_ns);
	json_kv_u64(w, "gaps", x->gaps);
	json_key(w, "sources");
	json_obj_begin(w);
	for (int k = 0; k < OSN_KINDS; k++) {
		json_key(w, osnoise_kind_names[k]);
		json_obj_begin(w);
		json_kv_u64(w, "ns", x->ns[k]);
		json_kv_u64(w, "count", x->n[k]);
		json_obj_end(w);
	}
	json_obj_end(w);
	json_kv_u64(w, "unexplained_ns", x->unexplained_ns);
	json_kv_u64(w, "hw_gaps", x->hw_gaps);
	json_kv_u64(w, "hw_ns", x->hw_ns);
	json_kv_u64(w, "covered", x->covered);
	json_kv_u64(w, "blocked_ns", x->blocked_ns);
	json_kv_u64(w, "windows", x->windows);
	json_kv_u64(w, "late", x->late);
	json_obj_end(w);
}

static void threads_json(struct osnoise_run *r, struct json_w *w)
{
	unsigned int cpu = ~0u, shown = 0;

	json_key(w, "threads");
	json_arr_begin(w);
	for (size_t i = 0; i < r->nthreads; i++) {
		const struct osnoise_thread *t = &r->threads[i];

		if (t->cpu != cpu) {
			cpu = t->cpu;
			shown = 0;
		}
		if (shown++ >= r->opts.top)
			continue;
		json_obj_begin(w);
		json_kv_u64(w, "cpu", t->cpu);
		json_kv_u64(w, "pid", t->pid);
		json_key(w, "comm");
		json_strn(w, t->comm, strnlen(t->comm, sizeof(t->comm)));
		json_kv_u64(w, "ns", t->ns);
		json_kv_u64(w, "runs", t->runs);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_kv_u64(w, "threads_untracked_ns", untracked(r));
}

static void record(struct osnoise_run *r, const struct osnoise_stats *s,
		   uint64_t dur_ns, bool summary)
{
	struct json_w *w = &r->jw;

	json_obj_begin(w);
	json_kv_str(w, "type", summary ? "summary" : "osnoise");
	json_kv_u64(w, "seq", r->seq);
	json_kv_u64(w, "interval_ns", dur_ns);
	json_key(w, "cpus");
	json_arr_begin(w);
	for (unsigned int i = 0; i < r->nprobes; i++)
		cpu_json(w, r->probes[i].th.cpu, &s[i]);
	json_arr_end(w);
	if (summary)
		threads_json(r, w);
	json_obj_end(w);
	json_end_record(w);
}

void osnoise_render_interval(struct osnoise_run *r, uint64_t dur_ns)
{
	r->seq++;
	if (r->opts.json)
		record(r, r->interval, dur_ns, false);
	else if (r->live)
		table(r, r->interval, dur_ns, false);
}

void osnoise_render_summary(struct osnoise_run *r, uint64_t dur_ns)
{
	if (r->opts.json) {
		record(r, r->total, dur_ns, true);
		return;
	}
	table(r, r->total, dur_ns, true);
	by_source(r);
	top_threads(r);
	fflush(stdout);
}
