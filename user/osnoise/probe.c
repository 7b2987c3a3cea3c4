// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf osnoise's probe threads and the accounting of a gap (osnoise.h). */
#define _GNU_SOURCE
#include "osnoise.h"

#include <string.h>
#include <time.h>

#include "clock.h"

#define LOAD(f) __atomic_load_n(&(f), __ATOMIC_RELAXED)
#define STORE(f, v) __atomic_store_n(&(f), (v), __ATOMIC_RELAXED)
/* a field only its probe writes: no read-modify-write race */
#define BUMP(f, v) STORE(f, LOAD(f) + (v))

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

void osnoise_account_gap(struct osnoise_stats *s, uint64_t t0, uint64_t t1,
			 const struct osnoise_event *ev, uint64_t head)
{
	uint64_t gap = t1 - t0, net = 0, seen = 0, i;

	for (i = 0; i < OSNOISE_RING - 1 && i < head; i++) {
		const struct osnoise_event *e =
			&ev[(head - 1 - i) % OSNOISE_RING];

		if (e->end <= t0)
			break;
		if (e->end > t1 || e->kind >= OSN_KINDS)
			continue; /* after the gap: while it was read */
		BUMP(s->ns[e->kind], e->net_ns);
		BUMP(s->n[e->kind], 1);
		net += e->net_ns;
		seen++;
	}
	if (i == OSNOISE_RING - 1 && i < head &&
	    ev[(head - 1 - i) % OSNOISE_RING].end > t0)
		BUMP(s->truncated, 1);
	BUMP(s->gaps, 1);
	BUMP(s->noise_ns, gap);
	if (gap > LOAD(s->max_ns))
		STORE(s->max_ns, gap);
	if (!seen) {
		BUMP(s->hw_gaps, 1);
		BUMP(s->hw_ns, gap);
	} else {
		BUMP(s->unexplained_ns, gap > net ? gap - net : 0);
	}
	if (net * 10 >= gap * 9)
		BUMP(s->covered, 1);
}

/* The ring as it was right after the gap: copied, then checked that no
 * interrupt of the copy overwrote what was copied. */
static void gap(struct osnoise_probe *p, uint64_t t0, uint64_t t1)
{
	static __thread struct osnoise_event ring[OSNOISE_RING];
	volatile struct osnoise_cpu *c = p->bpf;
	uint64_t head, after;

	do {
		head = c->head;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		memcpy(ring, (const void *)c->ev, sizeof(ring));
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		after = c->head;
	} while (after != head);
	osnoise_account_gap(&p->total, t0, t1, ring, head);
}

/* Spins until end (or stop), every two clock reads --threshold apart a
 * gap; the runtime flushed each millisecond. */
static void spin(struct osnoise_probe *p, uint64_t end)
{
	uint64_t prev = now_ns(), flushed = prev, thr = p->threshold_ns;

	for (;;) {
		uint64_t t = now_ns();

		if (t - prev >= thr) {
			gap(p, prev, t);
			/* the accounting is the probe's own time */
			t = now_ns();
		}
		prev = t;
		if (t - flushed >= 1000000) {
			BUMP(p->total.runtime_ns, t - flushed);
			flushed = t;
			if (t >= end || LOAD(*p->th.stop))
				return;
		}
	}
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
		BUMP(p->total.windows, 1);
		spin(p, start + p->runtime_ns);
		start += p->period_ns;
		now = now_ns();
		if (now >= start) {
			uint64_t n = (now - start) / p->period_ns + 1;

			BUMP(p->total.late, n);
			start += n * p->period_ns;
		}
	}
}

/* In the thread, before its loop: its tid to BPF, which starts
 * recording this CPU's events. */
static void probe_ready(void *arg, int tid)
{
	struct osnoise_probe *p = arg;

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
	const uint64_t *src = (const uint64_t *)&p->total;
	uint64_t *dst = (uint64_t *)out;

	for (size_t i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
	out->max_ns =
		__atomic_exchange_n(&p->total.max_ns, 0, __ATOMIC_RELAXED);
}

void osnoise_probe_join(struct osnoise_probe *p)
{
	if (!p->th.started)
		return;
	probe_thread_join(&p->th);
	p->bpf->probe_tid = 0;
}
