// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Output of rtbpf monitor: live table, plain text, NDJSON. */
#include <stdlib.h>
#include <string.h>

#include "header.h"
#include "monitor.h"

#define TOP_PREEMPTORS 5

void render_header(struct monitor *m)
{
	const struct sched_filter *f = &m->opts.filter;
	struct json_w *w = &m->jw;

	if (!m->opts.json) {
		char *cpus;

		if (m->live)
			return;
		cpus = cpuset_str(&f->cpus);
		fprintf(m->out,
			"rtbpf monitor: kernel %s, watching CPUs %s, "
			"interval %.3gs\n",
			m->host.kernel, cpus ? cpus : "?",
			m->opts.interval_ns / 1e9);
		free(cpus);
		return;
	}
	json_header_begin(w, "monitor", &m->host);
	json_kv_u64(w, "interval_ns", m->opts.interval_ns);
	json_cpuset(w, "cpus", &f->cpus);
	json_cpuset(w, "nohz_full", &m->host.nohz_full);
	json_cpuset(w, "online", &m->host.online);
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
	json_str(w, "sched");
	if (m->nc && m->noise_on.irq)
		json_str(w, "irq");
	if (m->nc && m->noise_on.softirq)
		json_str(w, "softirq");
	if (m->nc && m->noise_on.ipi)
		json_str(w, "ipi");
	if (m->nc && m->noise_on.fault)
		json_str(w, "fault");
	if (m->opts.stolen)
		json_str(w, "stolen");
	json_arr_end(w);
	json_kv_u64(w, "threshold_ns", m->opts.threshold_ns);
	/* where waits start: a wakeup's at sched_waking (split at
	 * sched_wakeup into delivery and queue) */
	json_kv_str(w, "wait_start", "sched_waking");
	json_obj_end(w);
	json_end_record(w);
}

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

static void json_cpu(struct monitor *m, const struct sched_snap *s,
		     const struct noise_snap *n, unsigned int cpu,
		     bool with_hist)
{
	const struct sched_cpu *c = &s->cpu[cpu];
	const struct task_entry *top[TOP_PREEMPTORS];
	struct json_w *w = &m->jw;
	uint64_t pre_ns;
	size_t k;

	json_obj_begin(w);
	json_kv_u64(w, "cpu", cpu);
	json_kv_bool(w, "isolated", cpuset_has(&m->host.isolated, cpu));
	json_wait_fields(w, c, with_hist);
	json_kv_u64(w, "preemptors_other_ns", c->pre_other_ns);
	pre_ns = c->pre_other_ns;
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
	json_kv_u64(w, "spikes", c->spikes);
	json_kv_u64(w, "spikes_ratelimited", c->spikes_ratelimited);
	json_kv_u64(w, "spikes_lost", c->spikes_lost);
	if (m->nc || m->opts.stolen)
		render_noise_json(m, s, n, cpu);
	if (with_hist)
		hist_json(&c->lat, w);
	json_obj_end(w);
}

static void json_record(struct monitor *m, const char *type,
			const struct sched_snap *s, const struct noise_snap *n,
			uint64_t now_ns, uint64_t dur_ns)
{
	struct json_w *w = &m->jw;
	struct sched_cpu all = {}; /* 12 KiB: three histograms */

	json_obj_begin(w);
	json_kv_str(w, "type", type);
	json_kv_u64(w, "seq", m->seq);
	json_kv_u64(w, "elapsed_ns", now_ns - m->start_ns);
	json_kv_u64(w, "dur_ns", dur_ns);
	json_key(w, "cpus");
	json_arr_begin(w);
	for (unsigned int i = 0; i < m->norder; i++) {
		unsigned int cpu = m->order[i];
		const struct sched_cpu *c = &s->cpu[cpu];

		json_cpu(m, s, n, cpu, true);
		sched_cpu_add(&all, c);
	}
	json_arr_end(w);
	json_key(w, "total");
	json_obj_begin(w);
	json_wait_fields(w, &all, false);
	json_obj_end(w);
	json_obj_end(w);
	json_end_record(w);
}

static void fmt_us(char *buf, size_t len, uint64_t ns, bool have)
{
	if (!have)
		snprintf(buf, len, "-");
	else if (ns >= 100000000ULL) /* 0.1 s on: seconds, in 7 columns */
		snprintf(buf, len, "%.2fs", ns / 1e9);
	else
		snprintf(buf, len, "%.1f", ns / 1e3);
}

void fmt_task(char *buf, size_t len, const struct task_entry *p, int width,
	      bool with_ns)
{
	char tail[32], name[TEXT_ESC_SIZE(16)];
	size_t room;

	if (!p) {
		snprintf(buf, len, "-");
		return;
	}
	if (!with_ns)
		snprintf(tail, sizeof(tail), "/%u", p->pid);
	else if (p->ns >= 1000000)
		snprintf(tail, sizeof(tail), "/%u %.1fms", p->pid, p->ns / 1e6);
	else
		snprintf(tail, sizeof(tail), "/%u %.0fus", p->pid, p->ns / 1e3);
	room = width > (int)strlen(tail) + 1 ?
		       (size_t)width - strlen(tail) + 1 :
		       2;
	task_name_text(name, room < sizeof(name) ? room : sizeof(name), p->comm,
		       sizeof(p->comm));
	snprintf(buf, len, "%s%s", name, tail);
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

static void table(struct monitor *m, const struct sched_snap *s)
{
	struct sched_cpu all = {};
	const struct task_entry *best = NULL;

	fprintf(m->out, "%-5s %7s %7s %7s %7s %7s %7s %5s %s\n", "CPU",
		"wakeups", "p50us", "p99us", "p99.9us", "maxus", "dlv99us",
		"invol", "top preemptor");
	for (unsigned int i = 0; i < m->norder; i++) {
		unsigned int cpu = m->order[i];
		const struct task_entry *top = NULL;

		tasklist_top(&s->pre, cpu, &top, 1, false);
		char label[16];

		snprintf(label, sizeof(label), "%u%s", cpu,
			 cpuset_has(&m->host.isolated, cpu) ? "*" : "");
		table_row(m->out, label, &s->cpu[cpu], top);
		sched_cpu_add(&all, &s->cpu[cpu]);
		if (top && (!best || top->ns > best->ns))
			best = top;
	}
	table_row(m->out, "all", &all, best);
}

/* Where wakeup waits went, per CPU: the summary's second table. */
static void wake_table(struct monitor *m, const struct sched_snap *s)
{
	fprintf(m->out,
		"\nwakeup waits: delivery (sched_waking -> sched_wakeup: "
		"IPI, idle exit)\nand queue (sched_wakeup -> run); idle: ended an "
		"idle period, rm-idle: of\nthose woken from another CPU, "
		"no-IPI: of those kicked without an IPI\n");
	fprintf(m->out, "%-5s %7s %6s %6s %6s %6s %7s %7s %7s %7s\n", "CPU",
		"waits", "remote", "idle", "rm-idle", "no-IPI", "dlv50us",
		"dlv99us", "dlvmxus", "que99us");
	struct sched_cpu all = {};

	for (unsigned int i = 0; i <= m->norder; i++) {
		const struct sched_cpu *c = &all;
		char d50[16], d99[16], dmax[16], q99[16], label[16] = "all";
		bool have;

		if (i < m->norder) {
			unsigned int cpu = m->order[i];

			c = &s->cpu[cpu];
			sched_cpu_add(&all, c);
			snprintf(label, sizeof(label), "%u%s", cpu,
				 cpuset_has(&m->host.isolated, cpu) ? "*" : "");
		}
		have = c->dlv.count > 0;
		fmt_us(d50, sizeof(d50), hist_quantile(&c->dlv, 0.50), have);
		fmt_us(d99, sizeof(d99), hist_quantile(&c->dlv, 0.99), have);
		fmt_us(dmax, sizeof(dmax), c->dlv.max, have);
		fmt_us(q99, sizeof(q99), hist_quantile(&c->queue, 0.99), have);
		fprintf(m->out,
			"%-5s %7llu %6llu %6llu %6llu %6llu %7s %7s %7s %7s\n",
			label, (unsigned long long)c->dlv.count,
			(unsigned long long)c->remote,
			(unsigned long long)c->idle,
			(unsigned long long)c->idle_remote,
			(unsigned long long)c->idle_remote_no_ipi, d50, d99,
			dmax, q99);
	}
}

void render_interval(struct monitor *m, uint64_t now_ns, uint64_t dur_ns)
{
	double elapsed = (now_ns - m->start_ns) / 1e9;

	if (m->opts.json) {
		json_record(m, "interval", &m->interval, &m->ninterval, now_ns,
			    dur_ns);
		return;
	}
	if (m->live) {
		char cpus[21];

		/* 80 columns: a long list shows its head and " +N" */
		cpuset_format_fit(&m->opts.filter.cpus, cpus, sizeof(cpus));
		/* home, clear: one frame per interval */
		fputs("\033[H\033[2J", m->out);
		fprintf(m->out,
			"rtbpf monitor  kernel %.30s  cpus %.20s  %.0fs  "
			"(Ctrl-C stops)\n",
			m->host.kernel, cpus, elapsed);
		fprintf(m->out, "wait: sched_waking or preemption -> run; "
				"dlv99: its delivery's p99; * isolated\n\n");
	} else {
		fprintf(m->out, "\n[%.1fs] interval %llu\n", elapsed,
			(unsigned long long)m->seq);
	}
	table(m, &m->interval);
	if (m->nc || m->opts.stolen)
		render_noise_table(m, &m->interval, &m->ninterval, dur_ns);
	if (m->live)
		render_spikes_kept(m);
	fflush(m->out);
}

static void spikes_line(struct monitor *m)
{
	uint64_t sent = 0, limited = 0, lost = 0;

	if (!m->opts.threshold_ns)
		return;
	for (unsigned int i = 0; i < m->norder; i++) {
		const struct sched_cpu *c = &m->total.cpu[m->order[i]];

		sent += c->spikes;
		limited += c->spikes_ratelimited;
		lost += c->spikes_lost;
	}
	fprintf(m->out,
		"\nspikes >= %.1f us: %llu reported, %llu over the rate limit, "
		"%llu lost (ring buffer full)\n",
		m->opts.threshold_ns / 1e3, (unsigned long long)sent,
		(unsigned long long)limited, (unsigned long long)lost);
}

void render_summary(struct monitor *m, uint64_t now_ns)
{
	struct hist all;

	if (m->opts.json) {
		json_record(m, "summary", &m->total, &m->ntotal, now_ns,
			    now_ns - m->start_ns);
		return;
	}
	fprintf(m->out, "\nSummary over %.1fs\n", (now_ns - m->start_ns) / 1e9);
	table(m, &m->total);
	wake_table(m, &m->total);
	if (m->nc || m->opts.stolen)
		render_noise_table(m, &m->total, &m->ntotal,
				   now_ns - m->start_ns);
	spikes_line(m);
	hist_reset(&all);
	for (unsigned int i = 0; i < m->norder; i++)
		hist_merge(&all, &m->total.cpu[m->order[i]].lat);
	fputc('\n', m->out);
	hist_print(&all, m->out, "wait to run, all watched CPUs");
	fflush(m->out);
}
