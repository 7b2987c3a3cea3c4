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

static bool valid_noise(const struct spike_event *ev, unsigned int i);

/* Time of the hard IRQs and vectors of ev's ring inside [lo, hi). */
static uint64_t hard_in(const struct spike_event *ev, uint64_t lo, uint64_t hi)
{
	uint64_t ns = 0;

	for (unsigned int k = 0; k < NOISE_RING; k++) {
		const struct noise_event *h = &ev->noise[k];

		if (valid_noise(ev, k) && h->kind != NOISE_SOFTIRQ)
			ns += overlap((struct span){ h->start, h->end }, lo,
				      hi);
	}
	return ns;
}

/*
 * Interrupt time of event e inside [lo, hi). A softirq counts its net
 * time (without the hard IRQs within it): the hard IRQs the ring holds
 * are taken out where they ran, the rest of its hard-IRQ time (not in the
 * ring) in proportion, so a timer IRQ inside a softirq is not counted
 * twice.
 */
static uint64_t noise_in(const struct spike_event *ev,
			 const struct noise_event *e, uint64_t lo, uint64_t hi)
{
	struct span s = { e->start, e->end };
	uint64_t o = overlap(s, lo, hi), len = e->end - e->start;
	uint64_t in_all, in_o, unseen;

	if (!o || !len)
		return 0;
	if (e->kind != NOISE_SOFTIRQ)
		return o;
	lo = s.lo > lo ? s.lo : lo;
	hi = s.hi < hi ? s.hi : hi;
	in_all = hard_in(ev, s.lo, s.hi);
	in_o = hard_in(ev, lo, hi);
	if (in_all >= len || in_o >= o)
		return 0;
	unseen = len - (e->net_ns < len ? e->net_ns : len);
	unseen = unseen > in_all ? unseen - in_all : 0;
	return (o - in_o) - (uint64_t)((double)unseen * (double)(o - in_o) /
				       (double)(len - in_all));
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
		p->pid = id;
		if (comm)
			memcpy(p->comm, comm, sizeof(p->comm) - 1);
	}
	p->ns += ns;
	r->accounted_ns += ns;
	return p;
}

/* A task part's pid as shown (BPF's: of rtbpf's PID namespace). */
static void shown(struct spike_part *p, uint32_t pid)
{
	if (p)
		p->pid = pid;
}

/* A delivery's waker outside rtbpf's PID namespace shows as pid 0. */
static struct spike_part *waker(struct spike_part *p)
{
	if (p && p->id == WAKER_OUTSIDE)
		p->pid = 0;
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

/* Interrupt time of the noise events in [lo, hi), but event skip (-1:
 * none). */
static uint64_t noise_sum(const struct spike_event *ev, uint64_t lo,
			  uint64_t hi, int skip)
{
	uint64_t ns = 0;

	for (int k = 0; k < NOISE_RING; k++)
		if (k != skip && valid_noise(ev, (unsigned int)k))
			ns += noise_in(ev, &ev->noise[k], lo, hi);
	return ns;
}

/* The noise events in [lo, hi) as parts, but event skip (-1: none). */
static void add_noise(const struct spike_event *ev, struct spike_report *r,
		      uint64_t lo, uint64_t hi, int skip)
{
	static const uint32_t kinds[] = { [NOISE_HARDIRQ] = SPIKE_HARDIRQ,
					  [NOISE_SOFTIRQ] = SPIKE_SOFTIRQ,
					  [NOISE_VECTOR] = SPIKE_VECTOR };

	for (int i = 0; i < NOISE_RING; i++) {
		const struct noise_event *e = &ev->noise[i];

		if (i == skip || !valid_noise(ev, (unsigned int)i) ||
		    e->kind > NOISE_VECTOR)
			continue;
		add_part(r, kinds[e->kind], e->id, NULL,
			 noise_in(ev, e, lo, hi));
	}
}

/* Each run's share of [lo, hi): its overlap less the interrupts in it. */
static void add_runs(const struct spike_event *ev, struct spike_report *r,
		     uint64_t lo, uint64_t hi)
{
	for (unsigned int i = 0; i < SCHED_RUN_RING; i++) {
		const struct sched_run *run = &ev->runs[i];
		struct span s = { run->start, run->end };
		uint64_t o = overlap(s, lo, hi), irq, olo, ohi;

		if (!o)
			continue;
		olo = s.lo > lo ? s.lo : lo;
		ohi = s.hi < hi ? s.hi : hi;
		irq = noise_sum(ev, olo, ohi, -1);
		o = o > irq ? o - irq : 0;
		if (run->pid)
			shown(add_part(r, SPIKE_TASK, run->pid, ev->run_comm[i],
				       o),
			      run->vpid);
		else
			add_part(r, SPIKE_IDLE, 0, NULL, o);
	}
}

/* Reschedule and call-function IPIs that came in [lo, hi). */
static uint32_t count_ipis(const struct spike_event *ev, uint64_t lo,
			   uint64_t hi)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < NOISE_RING; i++) {
		const struct noise_event *e = &ev->noise[i];

		if (valid_noise(ev, i) && e->kind == NOISE_VECTOR &&
		    noise_in(ev, e, lo, hi) &&
		    (e->id == VEC_RESCHEDULE || e->id == VEC_CALL_FUNCTION ||
		     e->id == VEC_CALL_FUNCTION_SINGLE))
			n++;
	}
	return n;
}

/* The local timer interrupt that ran the expired timer's handler, or -1. */
static int timer_vector(const struct spike_event *ev)
{
	for (int i = 0; i < NOISE_RING; i++) {
		const struct noise_event *e = &ev->noise[i];

		if (valid_noise(ev, (unsigned int)i) &&
		    e->kind == NOISE_VECTOR && e->id == VEC_LOCAL_TIMER &&
		    e->start <= ev->timer_irq_at && ev->timer_irq_at <= e->end)
			return i;
	}
	return -1;
}

static uint64_t clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* What ran on the CPU at t (its run's index), or -1. */
static int run_at(const struct spike_event *ev, uint64_t t)
{
	for (int i = 0; i < SCHED_RUN_RING; i++)
		if (ev->runs[i].start <= t && t < ev->runs[i].end)
			return i;
	return -1;
}

/*
 * A thread woken by its own hrtimer: [expiry, run) is the delay of the
 * timer's interrupt (net of other interrupts in it, in the task it
 * interrupted), the timer interrupt itself (the wakeup inside it), a
 * delivery outside it, then interrupts and what ran until the thread did.
 */
static void timer_analyze(const struct spike_event *ev, struct spike_report *r)
{
	uint64_t start = ev->timer_expiry, hi = ev->run_at, tlo, thi, d;
	int tv = timer_vector(ev), ri = run_at(ev, start);
	struct span dlv = { ev->wait_start, ev->wake_at };
	struct spike_part *p;

	r->latency_ns = hi - start;
	tlo = tv >= 0 ? ev->noise[tv].start : ev->timer_irq_at;
	thi = tv >= 0 ? ev->noise[tv].end : ev->wake_at;
	tlo = clamp(tlo, start, hi);
	thi = clamp(thi, tlo, hi);
	d = tlo - start;
	d -= clamp(noise_sum(ev, start, tlo, tv), 0, d);
	p = add_part(r, SPIKE_IRQ_DELAY,
		     ri >= 0 ? ev->runs[ri].pid : UINT32_MAX,
		     ri >= 0 ? ev->run_comm[ri] : NULL, d);
	if (ri >= 0)
		shown(p, ev->runs[ri].vpid);
	add_part(r, SPIKE_TIMER_IRQ, 0, NULL, thi - tlo);
	if (dlv.hi > dlv.lo)
		waker(add_part(r, SPIKE_DELIVERY, ev->waker_pid, NULL,
			       dlv.hi - dlv.lo - overlap(dlv, tlo, thi)));
	add_noise(ev, r, start, hi, tv);
	add_runs(ev, r, thi > ev->wake_at ? thi : ev->wake_at, hi);
	r->ipis = count_ipis(ev, start, hi);
}

void spike_analyze(const struct spike_event *ev, struct spike_report *r)
{
	uint64_t start = ev->wait_start, lo = ev->wake_at, hi = ev->run_at;
	struct spike_part *dlv;

	memset(r, 0, sizeof(*r));
	if (ev->timer_expiry && ev->timer_expiry <= start && start <= hi) {
		timer_analyze(ev, r);
		qsort(r->parts, r->nparts, sizeof(r->parts[0]), by_ns_desc);
		return;
	}
	r->latency_ns = hi > start ? hi - start : 0;
	/* the delivery, then what ran on the CPU from the wakeup on */
	if (lo < start || ev->preempted)
		lo = start;
	if (lo > hi)
		lo = hi;
	dlv = waker(
		add_part(r, SPIKE_DELIVERY, ev->waker_pid, NULL, lo - start));
	if (dlv)
		dlv->cpu = ev->waker_cpu;
	r->ipis = count_ipis(ev, start, hi);
	add_noise(ev, r, lo, hi, -1);
	add_runs(ev, r, lo, hi);
	qsort(r->parts, r->nparts, sizeof(r->parts[0]), by_ns_desc);
}
