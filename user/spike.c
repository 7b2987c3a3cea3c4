// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "spike.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct span {
	uint64_t lo, hi;
};

static uint64_t overlap(struct span a, uint64_t lo, uint64_t hi)
{
	uint64_t s = a.lo > lo ? a.lo : lo, e = a.hi < hi ? a.hi : hi;

	return e > s ? e - s : 0;
}

/* Interrupt time of event e inside [lo, hi): a softirq counts its net
 * time (without the hard IRQs within it) in proportion. */
static uint64_t noise_in(const struct noise_event *e, uint64_t lo, uint64_t hi)
{
	struct span s = { e->start, e->end };
	uint64_t o = overlap(s, lo, hi), len = e->end - e->start;

	if (!o || !len)
		return 0;
	if (e->kind != NOISE_SOFTIRQ)
		return o;
	return (uint64_t)((double)e->net_ns * (double)o / (double)len);
}

static struct spike_part *add_part(struct spike_report *r, uint32_t kind,
				   uint32_t id, const char *comm, uint64_t ns)
{
	struct spike_part *p = NULL;

	if (!ns)
		return NULL;
	for (unsigned int i = 0; i < r->nparts; i++)
		if (r->parts[i].kind == kind && r->parts[i].id == id)
			p = &r->parts[i];
	if (!p) {
		if (r->nparts == SPIKE_MAX_PARTS)
			return NULL;
		p = &r->parts[r->nparts++];
		memset(p, 0, sizeof(*p));
		p->kind = kind;
		p->id = id;
		if (comm)
			memcpy(p->comm, comm, sizeof(p->comm) - 1);
	}
	p->ns += ns;
	r->accounted_ns += ns;
	return p;
}

static int by_ns_desc(const void *a, const void *b)
{
	const struct spike_part *x = a, *y = b;

	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

static bool valid_noise(const struct spike_event *ev, unsigned int i)
{
	const struct noise_event *e = &ev->noise[i];

	return ev->have_noise && e->kind && e->end > e->start;
}

void spike_analyze(const struct spike_event *ev, struct spike_report *r)
{
	uint64_t start = ev->wait_start, lo = ev->wake_at, hi = ev->run_at;
	struct spike_part *dlv;

	memset(r, 0, sizeof(*r));
	r->latency_ns = hi > start ? hi - start : 0;
	/* the delivery, then what ran on the CPU from the wakeup on */
	if (lo < start || ev->preempted)
		lo = start;
	if (lo > hi)
		lo = hi;
	dlv = add_part(r, SPIKE_DELIVERY, ev->waker_pid, NULL, lo - start);
	if (dlv)
		dlv->cpu = ev->waker_cpu;
	for (unsigned int i = 0; i < NOISE_RING; i++) {
		const struct noise_event *e = &ev->noise[i];
		uint64_t ns;

		if (!valid_noise(ev, i))
			continue;
		if (e->kind == NOISE_VECTOR && noise_in(e, start, hi) &&
		    (e->id == VEC_RESCHEDULE || e->id == VEC_CALL_FUNCTION ||
		     e->id == VEC_CALL_FUNCTION_SINGLE))
			r->ipis++;
		ns = noise_in(e, lo, hi);
		if (!ns)
			continue;
		if (e->kind == NOISE_HARDIRQ)
			add_part(r, SPIKE_HARDIRQ, e->id, NULL, ns);
		else if (e->kind == NOISE_SOFTIRQ)
			add_part(r, SPIKE_SOFTIRQ, e->id, NULL, ns);
		else if (e->kind == NOISE_VECTOR)
			add_part(r, SPIKE_VECTOR, e->id, NULL, ns);
	}
	for (unsigned int i = 0; i < SCHED_RUN_RING; i++) {
		const struct sched_run *run = &ev->runs[i];
		struct span s = { run->start, run->end };
		uint64_t o = overlap(s, lo, hi), irq = 0, olo, ohi;

		if (!o)
			continue;
		/* the task's own share: its overlap less the interrupts in it */
		olo = s.lo > lo ? s.lo : lo;
		ohi = s.hi < hi ? s.hi : hi;
		for (unsigned int k = 0; k < NOISE_RING; k++)
			if (valid_noise(ev, k))
				irq += noise_in(&ev->noise[k], olo, ohi);
		o = o > irq ? o - irq : 0;
		if (run->pid)
			add_part(r, SPIKE_TASK, run->pid, ev->run_comm[i], o);
		else
			add_part(r, SPIKE_IDLE, 0, NULL, o);
	}
	qsort(r->parts, r->nparts, sizeof(r->parts[0]), by_ns_desc);
}
