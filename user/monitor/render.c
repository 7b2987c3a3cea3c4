// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Output of rtbpf monitor: the header and the frame of each interval and
 * of the summary; every collector renders its own part (coll.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coll.h"
#include "header.h"
#include "json.h"
#include "monitor.h"
#include "render.h"
#include "render_util.h"
#include "text.h"

/* The header's "collectors", in this order when on. */
static const char *const parts[] = { "sched", "irq",	"softirq", "ipi",
				     "fault", "stolen", "timer" };

/* What is watched besides the CPUs: the thread filter, the spike
 * threshold, the collectors; "; " between them. */
static void filters_text(char *buf, size_t len, const struct coll_out *o,
			 const struct coll_set *set)
{
	const struct sched_filter *f = &o->opts->filter;
	char comm[TEXT_ESC_SIZE(16)];
	size_t n;

	if (f->has_tid)
		n = (size_t)snprintf(buf, len, "thread %u", f->tid);
	else if (f->has_tgid)
		n = (size_t)snprintf(buf, len, "threads of pid %u", f->tgid);
	else
		n = (size_t)snprintf(buf, len, "%s",
				     f->has_comm ? "threads" : "all threads");
	if (f->has_comm && n < len) {
		text_escape(comm, sizeof(comm), f->comm, sizeof(f->comm));
		n += (size_t)snprintf(buf + n, len - n, " named '%s'", comm);
	}
	if (n < len && o->opts->threshold_ns)
		n += (size_t)snprintf(buf + n, len - n, "; spikes >= %.1f us",
				      o->opts->threshold_ns / 1e3);
	else if (n < len)
		n += (size_t)snprintf(buf + n, len - n, "; no spike reports");
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, "; collectors");
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && n < len; i++)
		if (coll_set_has(set, parts[i]))
			n += (size_t)snprintf(buf + n, len - n, " %s",
					      parts[i]);
}

/* The "watching:" line(s): filters_text() wrapped to the width. */
static void watching_line(const struct coll_out *o, const struct coll_set *set)
{
	char line[512] = "watching: ";
	size_t n = strlen(line);

	filters_text(line + n, sizeof(line) - n, o, set);
	render_wrap(o->out, line, render_cols(o), "  ", "; ");
}

static void text_header(const struct coll_out *o, const struct coll_set *set)
{
	char *cpus, *line;
	int n;

	if (o->live)
		return;
	cpus = cpuset_str(&o->opts->filter.cpus);
	/* the CPU list whole, however long: never a number cut */
	n = asprintf(
		&line,
		"rtbpf monitor: kernel %s, watching CPUs %s, interval %.3gs",
		o->host->kernel, cpus ? cpus : "?", o->opts->interval_ns / 1e9);
	free(cpus);
	if (n >= 0) {
		render_wrap(o->out, line, render_cols(o), "  ", ", ");
		free(line);
	}
	watching_line(o, set);
}

void render_header(const struct coll_out *o, const struct coll_set *set)
{
	const struct sched_filter *f = &o->opts->filter;
	struct json_w *w = o->jw;

	if (!o->opts->json) {
		text_header(o, set);
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

/* The live frame's first line, in the width: the CPU list gets what the
 * rest leaves (its first runs and " +N" when that is short). */
static void live_title(const struct coll_out *o, double elapsed)
{
	unsigned int cols = render_cols(o);
	char head[192], tail[64], cpus[1024];
	size_t used, room;

	snprintf(head, sizeof(head), "rtbpf monitor  kernel %s  cpus ",
		 o->host->kernel);
	snprintf(tail, sizeof(tail), "  %.0fs  (Ctrl-C stops)", elapsed);
	used = strlen(head) + strlen(tail);
	if (used + 8 > cols) /* the hint gives way first */
		*strstr(tail, "  (Ctrl-C") = '\0';
	used = strlen(head) + strlen(tail);
	room = used + 8 < cols ? cols - used + 1 : 8;
	cpuset_format_fit(&o->opts->filter.cpus, cpus,
			  room < sizeof(cpus) ? room : sizeof(cpus));
	fprintf(o->out, "%s%s%s\n", head, cpus, tail);
}

/* Above an interval's tables: a frame heading, or a line. */
static void interval_heading(const struct coll_out *o,
			     const struct coll_set *set, double elapsed)
{
	if (!o->live) {
		fprintf(o->out, "\n[%.1fs] interval %llu\n", elapsed,
			(unsigned long long)o->seq);
		return;
	}
	/* home, clear: one frame per interval */
	fputs("\033[H\033[2J", o->out);
	live_title(o, elapsed);
	watching_line(o, set);
	render_wrap(o->out,
		    "wait: sched_waking or preemption -> run; dlv99: its "
		    "delivery's p99; * isolated",
		    render_cols(o), "  ", "; ");
	fputc('\n', o->out);
}

static void text_period(const struct coll_out *o, const struct coll_set *set,
			const struct coll_view *v, const struct spike_keep *k)
{
	if (v->summary)
		fprintf(o->out, "\nSummary over %.1fs\n", v->dur_ns / 1e9);
	else
		interval_heading(o, set, (v->end_ns - o->start_ns) / 1e9);
	for (unsigned int i = 0; i < set->n; i++)
		set->c[i].ops->table(v);
	for (unsigned int i = 0; i < set->n; i++)
		if (v->summary && set->c[i].ops->table_end)
			set->c[i].ops->table_end(v);
	if (!v->summary && o->live && k)
		render_spikes_kept(o, k);
}

/* The summary's histogram rows that leave the whole summary on a screen
 * of o->rows lines (and one for the shell's prompt): the summary drawn
 * aside with one, its lines counted. */
static unsigned int summary_hist_rows(const struct coll_out *o,
				      const struct coll_set *set,
				      const struct coll_view *v)
{
	struct coll_out aside = *o;
	struct coll_view one = *v;
	unsigned int lines = 0, rows = RENDER_HIST_ROWS;
	char *text = NULL;
	size_t len = 0;

	if (!o->rows)
		return rows;
	aside.out = open_memstream(&text, &len);
	if (!aside.out)
		return rows;
	one.o = &aside;
	one.hist_rows = 1;
	text_period(&aside, set, &one, NULL);
	fclose(aside.out);
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	free(text);
	/* lines - 1 without the histogram's bar */
	if (o->rows > lines && o->rows - lines < rows)
		rows = o->rows - lines;
	return rows > RENDER_HIST_ROWS_MIN ? rows : RENDER_HIST_ROWS_MIN;
}

void render_period(const struct coll_out *o, const struct coll_set *set,
		   const struct coll_view *v, const struct spike_keep *k)
{
	struct coll_view sv = *v;

	if (o->opts->json) {
		json_record(set, v);
		return;
	}
	if (v->summary)
		sv.hist_rows = summary_hist_rows(o, set, v);
	text_period(o, set, &sv, k);
	fflush(o->out);
}
