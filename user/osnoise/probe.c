// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf osnoise's probe threads and the accounting of a gap (osnoise.h). */
#define _GNU_SOURCE
#include "osnoise.h"

#include <string.h>
#include <time.h>

#include "clock.h"

#define LOAD(f) __atomic_load_n(&(f), __ATOMIC_RELAXED)

void osnoise_stats_sub(struct osnoise_stats *d, const struct osnoise_stats *a,
		       const struct osnoise_stats *b)
{
	const uint64_t *pa = (const uint64_t *)a, *pb = (const uint64_t *)b;
	uint64_t *pd = (uint64_t *)d;

	for (size_t i = 0; i < sizeof(*d) / sizeof(uint64_t); i++)
		pd[i] = pa[i] - pb[i];
	d->max_ns = a->max_ns;
}

void osnoise_stats_add(struct osnoise_stats *d, const struct osnoise_stats *a)
{
	const uint64_t *pa = (const uint64_t *)a;
	uint64_t *pd = (uint64_t *)d, max = d->max_ns;

	for (size_t i = 0; i < sizeof(*d) / sizeof(uint64_t); i++)
		pd[i] += pa[i];
	d->max_ns = a->max_ns > max ? a->max_ns : max;
}

uint64_t osnoise_account_gap(struct osnoise_stats *s, uint64_t t0, uint64_t t1,
			     const struct osnoise_sums *a,
			     const struct osnoise_sums *b, uint64_t thr)
{
	uint64_t self = b->self_ns - a->self_ns, gap = t1 - t0, net = 0;
	uint64_t events = 0;

	self = self < gap ? self : gap;
	s->blocked_ns += self;
	gap -= self;
	if (gap < thr)
		return self;
	for (int k = 0; k < OSN_KINDS; k++) {
		s->ns[k] += b->ns[k] - a->ns[k];
		s->n[k] += b->n[k] - a->n[k];
		net += b->ns[k] - a->ns[k];
		events += b->n[k] - a->n[k];
	}
	s->gaps++;
	s->noise_ns += gap;
	if (gap > s->max_ns)
		s->max_ns = gap;
	if (!events) {
		s->hw_gaps++;
		s->hw_ns += gap;
	} else {
		s->unexplained_ns += gap > net ? gap - net : 0;
	}
	if (net * 10 >= gap * 9)
		s->covered++;
	return self;
}

uint64_t osnoise_sums_at(volatile const struct osnoise_cpu *c, uint64_t *t,
			 struct osnoise_sums *out)
{
	for (;;) {
		uint64_t head = c->head, i, upto = 0;
		bool found = false;

		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		memset(out, 0, sizeof(*out));
		/* the newest entry that ended by t; newer ones came from
		 * interrupts after t was read */
		for (i = 0; i < OSNOISE_RING - 1 && i < head; i++) {
			volatile const struct osnoise_event *e =
				&c->ev[(head - 1 - i) % OSNOISE_RING];

			if (e->end <= *t) {
				memcpy(out, (const void *)&e->sum,
				       sizeof(*out));
				upto = head - i;
				found = true;
				break;
			}
		}
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		/* none ended by t, and the ring is younger than t: zero */
		if (!found && i == head)
			return 0;
		if (found && c->head - head + i < OSNOISE_RING - 1)
			return upto;
		/* t's entry is gone: so many events since t (the probe was
		 * preempted or interrupted after reading it) that the ring
		 * went round. The totals of now, then. */
		*t = now_ns();
	}
}

/* The probe's own writes to its totals: the reader sees none or all. */
static void stats_begin(struct osnoise_probe *p)
{
	__atomic_store_n(&p->seq, p->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void stats_end(struct osnoise_probe *p)
{
	__atomic_store_n(&p->seq, p->seq + 1, __ATOMIC_RELEASE);
}

/*
 * The totals as of *t into *at, and into the probe's figures a gap from
 * t0 when *t is --threshold or more after it (at: the totals as of t0).
 * When *t's totals are gone from the ring, *t moves to now: the time in
 * between was taken from the probe too. Returns the time in the gap the
 * probe stopped or blocked itself.
 */
static uint64_t refresh(struct osnoise_probe *p, uint64_t t0, uint64_t *t,
			struct osnoise_sums *at, uint64_t *seen)
{
	struct osnoise_sums now;
	uint64_t epoch, self = 0;

	*seen = osnoise_sums_at(p->bpf, t, &now);
	if (*t - t0 >= p->threshold_ns) {
		epoch = __atomic_load_n(&p->epoch, __ATOMIC_RELAXED);
		stats_begin(p);
		if (p->max_epoch != epoch) {
			/* the first gap of a new interval */
			p->total.max_ns = 0;
			p->max_epoch = epoch;
		}
		self = osnoise_account_gap(&p->total, t0, *t, at, &now,
					   p->threshold_ns);
		stats_end(p);
	}
	*at = now;
	return self;
}

static void add_runtime(struct osnoise_probe *p, uint64_t ns)
{
	stats_begin(p);
	p->total.runtime_ns += ns;
	stats_end(p);
}

/*
 * Spins until end (or stop). Each two clock reads --threshold apart are
 * a gap; the CPU's totals are read again whenever its ring moved (an
 * interrupt that ended, the gap's or a shorter one), so those of the gap's
 * start are at hand. The runtime is flushed each millisecond.
 */
static void spin(struct osnoise_probe *p, uint64_t end)
{
	volatile struct osnoise_cpu *c = p->bpf;
	uint64_t prev = now_ns(), flushed, thr = p->threshold_ns, seen;
	struct osnoise_sums at;

	c->spinning = 1;
	seen = osnoise_sums_at(c, &prev, &at);
	flushed = prev;
	for (;;) {
		uint64_t t = now_ns();

		/* the next delta starts at t, not after this: what takes the
		 * CPU meanwhile falls in it (the accounting's own few hundred
		 * ns too); the time the probe stopped or blocked itself is no
		 * runtime (flushed <= prev, so flushed stays <= t) */
		if (t - prev >= thr || c->head != seen)
			flushed += refresh(p, prev, &t, &at, &seen);
		prev = t;
		if (t >= end || t - flushed >= 1000000) {
			add_runtime(p, t - flushed);
			flushed = t;
			if (t >= end || LOAD(*p->th.stop))
				break;
		}
	}
	c->spinning = 0;
}

static void ts_of(struct timespec *ts, uint64_t ns)
{
	ts->tv_sec = (time_t)(ns / 1000000000ULL);
	ts->tv_nsec = (long)(ns % 1000000000ULL);
}

/* Each period: sleep to its start, spin for the runtime. */
static void probe_loop(void *arg)
{
	struct osnoise_probe *p = arg;
	uint64_t start = p->first;

	while (!LOAD(*p->th.stop)) {
		struct timespec ts;
		uint64_t now;

		ts_of(&ts, start);
		if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
			continue; /* a signal: check stop */
		stats_begin(p);
		p->total.windows++;
		stats_end(p);
		spin(p, start + p->runtime_ns);
		start += p->period_ns;
		now = now_ns();
		if (now >= start) {
			uint64_t n = (now - start) / p->period_ns + 1;

			stats_begin(p);
			p->total.late += n;
			stats_end(p);
			start += n * p->period_ns;
		}
	}
}

/* In the thread, before its loop: its tid to BPF, which starts
 * recording this CPU's events. */
static void probe_ready(void *arg, int tid)
{
	struct osnoise_probe *p = arg;

	p->bpf->probe_kpid = 0; /* BPF learns it anew for this tid */
	p->bpf->probe_tid = (__u32)tid;
}

int osnoise_probe_start(struct osnoise_probe *p)
{
	p->th.cmd = "osnoise";
	p->th.comm = OSNOISE_COMM;
	p->th.ready = probe_ready;
	p->th.loop = probe_loop;
	p->th.arg = p;
	return probe_thread_start(&p->th);
}

void osnoise_probe_take(struct osnoise_probe *p, struct osnoise_stats *out)
{
	uint64_t s1, s2, max_epoch, epoch = p->epoch;

	do {
		s1 = __atomic_load_n(&p->seq, __ATOMIC_ACQUIRE);
		if (s1 & 1)
			continue;
		memcpy(out, &p->total, sizeof(*out));
		max_epoch = p->max_epoch;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&p->seq, __ATOMIC_RELAXED);
	} while ((s1 & 1) || s1 != s2);
	if (max_epoch != epoch)
		out->max_ns = 0; /* no gap since the last take */
	__atomic_store_n(&p->epoch, epoch + 1, __ATOMIC_RELAXED);
}

void osnoise_probe_join(struct osnoise_probe *p)
{
	if (!p->th.started)
		return;
	probe_thread_join(&p->th);
	p->bpf->probe_tid = 0;
}
