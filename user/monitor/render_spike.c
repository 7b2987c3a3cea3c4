// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Spike reports of rtbpf monitor: a text block (kept for the live view) or
 * a JSON record per spike_event of the sched collector's ring. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coll.h"
#include "json.h"
#include "monitor.h"
#include "render.h"
#include "render_util.h"
#include "spike.h"
#include "text.h"

void spike_waker_comm(const struct coll_names *names, struct spike_report *r)
{
	for (unsigned int i = 0; i < r->nparts; i++) {
		struct spike_part *p = &r->parts[i];

		if (p->kind != SPIKE_DELIVERY || !p->id)
			continue;
		memset(p->comm, 0, sizeof(p->comm));
		/* /proc names the tasks of rtbpf's namespace only */
		if (!p->pid ||
		    !names->comm(p->pid, p->comm, sizeof(p->comm) - 1))
			snprintf(p->comm, sizeof(p->comm), "?");
	}
}

/* The label with names in at most name_cols columns each. */
static void part_label(const struct coll_names *names,
		       const struct spike_part *p, char *buf, size_t len,
		       size_t name_cols)
{
	char name[TEXT_ESC_SIZE(16)], irq[COL_CELL];

	/* escaped whole (or marked): two names never look the same */
	text_escape_fit(name, sizeof(name), p->comm, sizeof(p->comm),
			name_cols);
	switch (p->kind) {
	case SPIKE_TASK:
		snprintf(buf, len, "task %s/%u", name, p->pid);
		break;
	case SPIKE_IDLE:
		snprintf(buf, len, "idle (CPU wake-up)");
		break;
	case SPIKE_DELIVERY:
		if (p->id)
			snprintf(buf, len, "delivery from CPU %u %s/%u", p->cpu,
				 name, p->pid);
		else
			snprintf(buf, len, "delivery from CPU %u (idle)",
				 p->cpu);
		break;
	case SPIKE_HARDIRQ:
		text_escape_fit(irq, sizeof(irq), names_irq(names, p->id),
				strlen(names_irq(names, p->id)),
				name_cols < 16 ? name_cols : 16);
		snprintf(buf, len, "irq %u %s", p->id, irq);
		break;
	case SPIKE_VECTOR:
		snprintf(buf, len, "vector %s",
			 p->id < NOISE_VECTORS ? noise_vector_names[p->id] :
						 "?");
		break;
	case SPIKE_IRQ_DELAY:
		if (p->id == UINT32_MAX)
			snprintf(buf, len, "irq delay");
		else if (!p->id)
			snprintf(buf, len, "irq delay (idle: CPU wake-up)");
		else
			snprintf(buf, len, "irq delay while %s/%u ran", name,
				 p->pid);
		break;
	case SPIKE_TIMER_IRQ:
		snprintf(buf, len, "timer irq (its own, with the wakeup)");
		break;
	default:
		snprintf(buf, len, "softirq %s",
			 p->id < NOISE_SOFTIRQS ? noise_softirq_names[p->id] :
						  "?");
	}
}

void spike_part_label(const struct coll_names *names,
		      const struct spike_part *p, char *buf, size_t len,
		      size_t cols)
{
	size_t n, name, excess;
	char esc[TEXT_ESC_SIZE(16)];

	part_label(names, p, buf, len, sizeof(esc) - 1);
	n = strlen(buf);
	if (!cols || n <= cols)
		return;
	/* too wide: the name gives what is over, the numbers stay */
	if (p->kind == SPIKE_HARDIRQ) {
		const char *irq = names_irq(names, p->id);

		name = text_escape(NULL, 0, irq, strlen(irq));
		name = name < 16 ? name : 16;
	} else {
		name = text_escape(esc, sizeof(esc), p->comm, sizeof(p->comm));
	}
	excess = n - cols;
	part_label(names, p, buf, len, name > excess + 1 ? name - excess : 1);
}

/* One part's fields but its ns: the kind and what names it. */
static void part_json(struct json_w *w, const struct coll_names *names,
		      const struct spike_part *p)
{
	static const char *const kinds[] = {
		[SPIKE_TASK] = "task",
		[SPIKE_IDLE] = "idle",
		[SPIKE_HARDIRQ] = "hardirq",
		[SPIKE_VECTOR] = "vector",
		[SPIKE_SOFTIRQ] = "softirq",
		[SPIKE_DELIVERY] = "delivery",
		[SPIKE_IRQ_DELAY] = "irq_delay",
		[SPIKE_TIMER_IRQ] = "timer_irq",
	};
	bool named =
		p->kind == SPIKE_TASK || (p->kind == SPIKE_DELIVERY && p->id) ||
		(p->kind == SPIKE_IRQ_DELAY && p->id && p->id != UINT32_MAX);

	json_kv_str(w, "kind",
		    p->kind < sizeof(kinds) / sizeof(kinds[0]) &&
				    kinds[p->kind] ?
			    kinds[p->kind] :
			    "?");
	if (p->kind == SPIKE_DELIVERY)
		json_kv_u64(w, "cpu", p->cpu);
	if (p->kind == SPIKE_IRQ_DELAY && !p->id)
		json_kv_bool(w, "idle", true);
	if (named) {
		json_kv_u64(w, "pid", p->pid);
		json_key(w, "comm");
		json_strn(w, p->comm, sizeof(p->comm));
	} else if (p->kind == SPIKE_HARDIRQ) {
		json_kv_u64(w, "irq", p->id);
		json_kv_str(w, "name", names_irq(names, p->id));
	} else if (p->kind == SPIKE_VECTOR && p->id < NOISE_VECTORS) {
		json_kv_str(w, "name", noise_vector_short[p->id]);
	} else if (p->kind == SPIKE_SOFTIRQ && p->id < NOISE_SOFTIRQS) {
		json_kv_str(w, "name", noise_softirq_names[p->id]);
	}
}

void spike_json_parts(struct json_w *w, const struct coll_names *names,
		      const struct spike_report *r)
{
	json_kv_u64(w, "latency_ns", r->latency_ns);
	json_kv_u64(w, "accounted_ns", r->accounted_ns);
	json_kv_u64(w, "ipis", r->ipis);
	json_key(w, "parts");
	json_arr_begin(w);
	for (unsigned int i = 0; i < r->nparts; i++) {
		json_obj_begin(w);
		part_json(w, names, &r->parts[i]);
		json_kv_u64(w, "ns", r->parts[i].ns);
		json_obj_end(w);
	}
	json_arr_end(w);
}

static void spike_json(const struct coll_out *o, const struct spike_event *ev,
		       const struct spike_report *r)
{
	struct json_w *w = o->jw;

	json_obj_begin(w);
	json_kv_str(w, "type", "spike");
	json_kv_u64(w, "elapsed_ns",
		    ev->run_at > o->start_ns ? ev->run_at - o->start_ns : 0);
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
	spike_json_parts(w, o->names, r);
	json_obj_end(w);
	json_end_record(w);
}

void spike_text_parts(const struct coll_names *names, FILE *f,
		      const struct spike_report *r, unsigned int parts,
		      unsigned int cols)
{
	/* the label's room: what the figures leave of cols (at least 16) */
	size_t room = cols > 16 + 23 ? cols - 23 : 16;

	for (unsigned int i = 0; i < r->nparts && i < parts; i++) {
		char label[256];

		/* without cols never cut: a name escaped long widens its
		 * line */
		spike_part_label(names, &r->parts[i], label, sizeof(label),
				 cols ? room : 0);
		fprintf(f, "  %-*s %10.1f us %5.1f%%\n",
			cols && room < 42 ? (int)room : 42, label,
			r->parts[i].ns / 1e3,
			r->latency_ns ? 100.0 * r->parts[i].ns / r->latency_ns :
					0);
	}
}

/* The text block of one spike: at most parts lines of its parts, in cols
 * columns (0: no limit). */
static void spike_text(const struct coll_out *o, FILE *f,
		       const struct spike_event *ev,
		       const struct spike_report *r, unsigned int parts,
		       unsigned int cols)
{
	char name[TEXT_ESC_SIZE(16)], line[256];

	task_name_text(name, sizeof(name), ev->comm, sizeof(ev->comm));
	snprintf(line, sizeof(line),
		 "spike: CPU %u, %s tid %u waited %.1f us (%s) at %.1fs",
		 ev->cpu, name, ev->pid, r->latency_ns / 1e3,
		 ev->preempted ? "preempted" : "woken",
		 (ev->run_at - o->start_ns) / 1e9);
	if (cols)
		render_wrap(f, line, cols, "  ", " ");
	else
		fprintf(f, "%s\n", line);
	spike_text_parts(o->names, f, r, parts, cols);
	fprintf(f, "  IPIs received: %u; accounted %.1f%% of the wait\n",
		r->ipis,
		r->latency_ns ? 100.0 * r->accounted_ns / r->latency_ns : 0);
}

/* Live: the newest text first, the oldest dropped. */
static void keep_text(struct spike_keep *k, char *text)
{
	free(k->text[SPIKE_KEEP - 1]);
	memmove(&k->text[1], &k->text[0],
		(SPIKE_KEEP - 1) * sizeof(k->text[0]));
	k->text[0] = text;
	if (k->n < SPIKE_KEEP)
		k->n++;
}

void render_spike(const struct coll_out *o, struct spike_keep *k,
		  const struct spike_event *ev)
{
	struct spike_report *r = calloc(1, sizeof(*r));
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!r)
		return;
	spike_analyze(ev, r);
	spike_waker_comm(o->names, r);
	if (o->opts->json) {
		spike_json(o, ev, r);
		free(r);
		return;
	}
	f = o->live ? open_memstream(&text, &len) : o->out;
	if (!f) {
		free(r);
		return;
	}
	/* live: in the frame's width; else whole */
	spike_text(o, f, ev, r, o->live ? 4u : 8u,
		   o->live ? render_cols(o) : 0);
	if (o->live) {
		fclose(f);
		keep_text(k, text);
	} else {
		fflush(f);
	}
	free(r);
}

void render_spikes_kept(const struct coll_out *o, const struct spike_keep *k)
{
	if (!k->n)
		return;
	fprintf(o->out, "\nlast spikes (newest first):\n");
	for (unsigned int i = 0; i < k->n; i++)
		fputs(k->text[i], o->out);
}

void spike_keep_fini(struct spike_keep *k)
{
	for (unsigned int i = 0; i < SPIKE_KEEP; i++)
		free(k->text[i]);
	memset(k, 0, sizeof(*k));
}
