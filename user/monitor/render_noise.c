// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Output of rtbpf monitor's noise collectors and spike reports. */
#include <stdlib.h>
#include <string.h>

#include "monitor.h"
#include "spike.h"

#define TOP_TASKS 5

static const char *const vec_short[NOISE_VECTORS] = { "LOC", "RES", "CAL",
						      "CAL1", "IWI" };

/* The largest single source of noise on a CPU, as text. */
static void top_source(struct monitor *m, const struct sched_snap *s,
		       const struct noise_snap *n, unsigned int cpu, char *buf,
		       size_t len)
{
	const struct noise_cpu *c = &n->cpu[cpu];
	const struct task_entry *st = NULL;
	uint64_t best = 0;

	snprintf(buf, len, "-");
	for (unsigned int q = 0; m->nc && q < NOISE_MAX_IRQ; q++) {
		char name[15];

		if (c->irq[q].ns <= best)
			continue;
		best = c->irq[q].ns;
		text_escape(name, sizeof(name), noise_irq_name(m->nc, q),
			    sizeof(name) - 1);
		snprintf(buf, len, "irq %u %s", q, name);
	}
	for (int v = 0; v < NOISE_VECTORS; v++) {
		if (c->vector[v].ns <= best)
			continue;
		best = c->vector[v].ns;
		snprintf(buf, len, "vector %s", vec_short[v]);
	}
	for (int v = 0; v < NOISE_SOFTIRQS; v++) {
		if (c->softirq[v].ns <= best)
			continue;
		best = c->softirq[v].ns;
		snprintf(buf, len, "softirq %s", noise_softirq_names[v]);
	}
	tasklist_top(&s->stolen, cpu, &st, 1, false);
	if (st && st->ns > best)
		fmt_task(buf, len, st, 16, false);
}

void render_noise_table(struct monitor *m, const struct sched_snap *s,
			const struct noise_snap *n, uint64_t dur_ns)
{
	double secs = dur_ns ? dur_ns / 1e9 : 1;

	fprintf(m->out, "\n%-5s %7s %9s %9s %7s %9s %10s  %s\n", "CPU", "irq/s",
		"irq us/s", "sirq us/s", "flt/s", "stol us/s", "noise us/s",
		"top noise");
	for (unsigned int i = 0; i < m->norder; i++) {
		unsigned int cpu = m->order[i];
		const struct noise_cpu *c = &n->cpu[cpu];
		uint64_t irq = noise_cpu_irq_ns(c),
			 soft = noise_cpu_softirq_ns(c);
		uint64_t stolen = s->cpu[cpu].stolen_ns;
		char label[16], top[40];

		snprintf(label, sizeof(label), "%u%s", cpu,
			 cpuset_has(&m->host.isolated, cpu) ? "*" : "");
		top_source(m, s, n, cpu, top, sizeof(top));
		fprintf(m->out,
			"%-5s %7.0f %9.1f %9.1f %7.0f %9.1f %10.1f  %.16s\n",
			label, noise_cpu_irq_count(c) / secs, irq / 1e3 / secs,
			soft / 1e3 / secs,
			(c->faults_user + c->faults_kernel) / secs,
			stolen / 1e3 / secs, (irq + soft + stolen) / 1e3 / secs,
			top);
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

void render_noise_json(struct monitor *m, const struct sched_snap *s,
		       const struct noise_snap *n, unsigned int cpu)
{
	const struct noise_cpu *c = &n->cpu[cpu];
	struct json_w *w = &m->jw;
	uint64_t irq = noise_cpu_irq_ns(c), soft = noise_cpu_softirq_ns(c);

	json_key(w, "noise");
	json_obj_begin(w);
	json_kv_u64(w, "irq_count", noise_cpu_irq_count(c));
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
		json_kv_str(w, "name", noise_irq_name(m->nc, q));
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
		json_kv_str(w, "name", vec_short[v]);
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

/* The waker of a delivery part, named now (the event carries its pid). */
static void waker_comm(struct spike_report *r)
{
	for (unsigned int i = 0; i < r->nparts; i++) {
		struct spike_part *p = &r->parts[i];
		char path[64];
		FILE *f;

		if (p->kind != SPIKE_DELIVERY || !p->id)
			continue;
		snprintf(path, sizeof(path), "/proc/%u/comm", p->id);
		f = fopen(path, "re");
		if (!f || !fgets(p->comm, sizeof(p->comm), f))
			snprintf(p->comm, sizeof(p->comm), "?");
		if (f)
			fclose(f);
		/* raw: task_name_text() makes it safe for a terminal */
		p->comm[strcspn(p->comm, "\n")] = '\0';
	}
}

static void part_label(struct monitor *m, const struct spike_part *p, char *buf,
		       size_t len)
{
	char name[16], irq[17];

	/* escaped and cut to the width of a plain name */
	task_name_text(name, sizeof(name), p->comm, sizeof(p->comm));
	switch (p->kind) {
	case SPIKE_TASK:
		snprintf(buf, len, "task %s/%u", name, p->id);
		break;
	case SPIKE_IDLE:
		snprintf(buf, len, "idle (CPU wake-up)");
		break;
	case SPIKE_DELIVERY:
		if (p->id)
			snprintf(buf, len, "delivery from CPU %u %s/%u", p->cpu,
				 name, p->id);
		else
			snprintf(buf, len, "delivery from CPU %u (idle)",
				 p->cpu);
		break;
	case SPIKE_HARDIRQ:
		text_escape(irq, sizeof(irq), noise_irq_name(m->nc, p->id),
			    sizeof(irq) - 1);
		snprintf(buf, len, "irq %u %s", p->id, irq);
		break;
	case SPIKE_VECTOR:
		snprintf(buf, len, "vector %s",
			 p->id < NOISE_VECTORS ? noise_vector_names[p->id] :
						 "?");
		break;
	default:
		snprintf(buf, len, "softirq %s",
			 p->id < NOISE_SOFTIRQS ? noise_softirq_names[p->id] :
						  "?");
	}
}

static void spike_json(struct monitor *m, const struct spike_event *ev,
		       const struct spike_report *r)
{
	struct json_w *w = &m->jw;

	json_obj_begin(w);
	json_kv_str(w, "type", "spike");
	json_kv_u64(w, "elapsed_ns",
		    ev->run_at > m->start_ns ? ev->run_at - m->start_ns : 0);
	/* CLOCK_MONOTONIC (bpf_ktime_get_ns): other programs' stamps match */
	json_kv_u64(w, "wait_start_ns", ev->wait_start);
	json_kv_u64(w, "wakeup_ns", ev->wake_at);
	json_kv_u64(w, "run_at_ns", ev->run_at);
	json_kv_u64(w, "cpu", ev->cpu);
	json_kv_u64(w, "tid", ev->pid);
	json_kv_u64(w, "pid", ev->tgid);
	json_key(w, "comm");
	json_strn(w, ev->comm, sizeof(ev->comm));
	json_kv_bool(w, "preempted", ev->preempted);
	json_kv_u64(w, "latency_ns", r->latency_ns);
	json_kv_u64(w, "accounted_ns", r->accounted_ns);
	json_kv_u64(w, "ipis", r->ipis);
	json_key(w, "parts");
	json_arr_begin(w);
	for (unsigned int i = 0; i < r->nparts; i++) {
		const struct spike_part *p = &r->parts[i];
		static const char *const kinds[] = { "",	"task",
						     "idle",	"hardirq",
						     "vector",	"softirq",
						     "delivery" };

		json_obj_begin(w);
		json_kv_str(w, "kind", p->kind < 7 ? kinds[p->kind] : "?");
		if (p->kind == SPIKE_DELIVERY) {
			json_kv_u64(w, "cpu", p->cpu);
			if (p->id) {
				json_kv_u64(w, "pid", p->id);
				json_key(w, "comm");
				json_strn(w, p->comm, sizeof(p->comm));
			}
		} else if (p->kind == SPIKE_TASK) {
			json_kv_u64(w, "pid", p->id);
			json_key(w, "comm");
			json_strn(w, p->comm, sizeof(p->comm));
		} else if (p->kind == SPIKE_HARDIRQ) {
			json_kv_u64(w, "irq", p->id);
			json_kv_str(w, "name", noise_irq_name(m->nc, p->id));
		} else if (p->kind == SPIKE_VECTOR && p->id < NOISE_VECTORS) {
			json_kv_str(w, "name", vec_short[p->id]);
		} else if (p->kind == SPIKE_SOFTIRQ && p->id < NOISE_SOFTIRQS) {
			json_kv_str(w, "name", noise_softirq_names[p->id]);
		}
		json_kv_u64(w, "ns", p->ns);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
	json_end_record(w);
}

void render_spike(struct monitor *m, const struct spike_event *ev)
{
	struct spike_report *r = calloc(1, sizeof(*r));
	char *text = NULL, name[TEXT_ESC_SIZE(16)];
	size_t len = 0;
	FILE *f;

	if (!r)
		return;
	spike_analyze(ev, r);
	waker_comm(r);
	m->spikes_shown++;
	if (m->opts.json) {
		spike_json(m, ev, r);
		free(r);
		return;
	}
	f = m->live ? open_memstream(&text, &len) : m->out;
	if (!f) {
		free(r);
		return;
	}
	task_name_text(name, sizeof(name), ev->comm, sizeof(ev->comm));
	fprintf(f, "spike: CPU %u, %s tid %u waited %.1f us (%s) at %.1fs\n",
		ev->cpu, name, ev->pid, r->latency_ns / 1e3,
		ev->preempted ? "preempted" : "woken",
		(ev->run_at - m->start_ns) / 1e9);
	for (unsigned int i = 0; i < r->nparts && i < (m->live ? 4u : 8u);
	     i++) {
		char label[48];

		part_label(m, &r->parts[i], label, sizeof(label));
		fprintf(f, "  %-42.42s %10.1f us %5.1f%%\n", label,
			r->parts[i].ns / 1e3,
			r->latency_ns ? 100.0 * r->parts[i].ns / r->latency_ns :
					0);
	}
	fprintf(f, "  IPIs received: %u; accounted %.1f%% of the wait\n",
		r->ipis,
		r->latency_ns ? 100.0 * r->accounted_ns / r->latency_ns : 0);
	if (m->live) {
		fclose(f);
		free(m->spike_text[SPIKE_KEEP - 1]);
		memmove(&m->spike_text[1], &m->spike_text[0],
			(SPIKE_KEEP - 1) * sizeof(m->spike_text[0]));
		m->spike_text[0] = text;
		if (m->nspike_text < SPIKE_KEEP)
			m->nspike_text++;
	} else {
		fflush(f);
	}
	free(r);
}

void render_spikes_kept(struct monitor *m)
{
	if (!m->nspike_text)
		return;
	fprintf(m->out, "\nlast spikes (newest first):\n");
	for (unsigned int i = 0; i < m->nspike_text; i++)
		fputs(m->spike_text[i], m->out);
}
