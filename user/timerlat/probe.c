// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf timerlat's probe threads (timerlat.h). */
#define _GNU_SOURCE
#include "timerlat.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "bpf/timerlat.h"
#include "clock.h"
#include "log.h"

void timerlat_stats_add(struct timerlat_stats *d,
			const struct timerlat_stats *a)
{
	hist_merge(&d->irq, &a->irq);
	hist_merge(&d->thread, &a->thread);
	d->no_irq += a->no_irq;
	d->violations += a->violations;
	d->overruns += a->overruns;
	d->irq_remote += a->irq_remote;
	d->late += a->late;
}

void timerlat_account(struct timerlat_stats *s, uint64_t expiry, uint64_t woke,
		      const struct timerlat_sample *irq, unsigned int cpu)
{
	uint64_t thread = woke > expiry ? woke - expiry : 0, il;

	hist_add_value(&s->thread, thread);
	if (!irq || irq->expiry != expiry) {
		s->no_irq++;
		return;
	}
	il = irq->irq_at > expiry ? irq->irq_at - expiry : 0;
	hist_add_value(&s->irq, il);
	if (il > thread)
		s->violations++;
	if (irq->irq_cpu != cpu)
		s->irq_remote++;
}

static void ts_of(struct timespec *ts, uint64_t ns)
{
	ts->tv_sec = (time_t)(ns / 1000000000ULL);
	ts->tv_nsec = (long)(ns % 1000000000ULL);
}

/* The next expiry after one that woke at woke: a probe late by whole
 * periods skips them (counted), as the timer would not fire for them. */
static uint64_t next_expiry(struct timerlat_probe *p, uint64_t expiry,
			    uint64_t woke, uint64_t *skipped)
{
	uint64_t next = expiry + p->period_ns;

	if (woke >= next) {
		uint64_t n = (woke - next) / p->period_ns + 1;

		*skipped += n;
		next += n * p->period_ns;
	}
	return next;
}

/* Sleeps to each expiry and accounts for the sample; the BPF sample of
 * this CPU is copied first (its program ran before the wakeup). */
static void probe_loop(void *arg)
{
	struct timerlat_probe *p = arg;
	uint64_t expiry = p->first;

	while (!__atomic_load_n(p->th.stop, __ATOMIC_RELAXED)) {
		struct timerlat_sample irq;
		struct timespec ts;
		uint64_t woke, skipped = 0;
		bool late = false;

		ts_of(&ts, expiry);
		if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
			continue; /* a signal: check stop */
		woke = now_ns();
		irq = *(const struct timerlat_sample *)p->bpf;
		pthread_mutex_lock(&p->lock);
		timerlat_account(&p->cur, expiry, woke, late ? NULL : &irq,
				 p->th.cpu);
		p->cur.late += late;
		pthread_mutex_unlock(&p->lock);
		expiry = next_expiry(p, expiry, woke, &skipped);
		if (skipped) {
			pthread_mutex_lock(&p->lock);
			p->cur.overruns += skipped;
			pthread_mutex_unlock(&p->lock);
		}
	}
}

int timerlat_probe_start(struct timerlat_probe *p)
{
	pthread_mutexattr_t ma;
	int err;

	pthread_mutexattr_init(&ma);
	/* the reader holds it briefly at SCHED_OTHER: never in the way */
	pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
	err = -pthread_mutex_init(&p->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	if (err)
		return err;
	p->th.cmd = "timerlat";
	p->th.comm = TIMERLAT_COMM;
	p->th.loop = probe_loop;
	p->th.arg = p;
	return probe_thread_start(&p->th);
}

void timerlat_probe_take(struct timerlat_probe *p, struct timerlat_stats *out)
{
	pthread_mutex_lock(&p->lock);
	*out = p->cur;
	memset(&p->cur, 0, sizeof(p->cur));
	pthread_mutex_unlock(&p->lock);
}

void timerlat_probe_join(struct timerlat_probe *p)
{
	if (!p->th.started)
		return;
	probe_thread_join(&p->th);
	pthread_mutex_destroy(&p->lock);
}
