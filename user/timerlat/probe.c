// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf timerlat's probe threads (timerlat.h). */
#define _GNU_SOURCE
#include "timerlat.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "bpf/timerlat.h"
#include "clock.h"
#include "log.h"
#include "rtbpf/rt.h"

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

struct start_sync {
	pthread_mutex_t m;
	pthread_cond_t c;
	bool done;
};

/* Pinned, FIFO, named: what the probe needs before its first sample. */
static int probe_setup(struct timerlat_probe *p)
{
	struct rtbpf_rt_cfg cfg;
	struct rtbpf_rt_result res;
	cpu_set_t set;
	int err;

	CPU_ZERO(&set);
	CPU_SET(p->cpu, &set);
	rtbpf_rt_cfg__init(&cfg);
	cfg.cpus = &set;
	cfg.cpus_size = sizeof(set);
	cfg.policy = SCHED_FIFO;
	cfg.priority = p->prio;
	err = rtbpf_rt_setup(&cfg, &res);
	for (int s = 0; err && s < RTBPF_RT_NSTEPS; s++)
		if (res.attempted[s] && res.err[s])
			log_err("timerlat: probe on CPU %u: %s: %s", p->cpu,
				rtbpf_rt_step_name(s), strerror(-res.err[s]));
	if (!err)
		pthread_setname_np(pthread_self(), TIMERLAT_COMM);
	return err;
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
static void probe_loop(struct timerlat_probe *p)
{
	uint64_t expiry = p->first;

	while (!__atomic_load_n(p->stop, __ATOMIC_RELAXED)) {
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
				 p->cpu);
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

struct probe_start {
	struct timerlat_probe *p;
	pthread_mutex_t m;
	pthread_cond_t c;
	bool done;
};

static void *probe_main(void *arg)
{
	struct probe_start *st = arg;
	struct timerlat_probe *p = st->p;
	sigset_t sigs;
	int err;

	/* SIGINT and SIGTERM go to the main thread, which stops the probes */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	err = probe_setup(p);

	pthread_mutex_lock(&st->m);
	p->err = err;
	p->tid = gettid();
	st->done = true;
	pthread_cond_signal(&st->c);
	pthread_mutex_unlock(&st->m);
	/* st is gone from here on */
	if (!err)
		probe_loop(p);
	return NULL;
}

int timerlat_probe_start(struct timerlat_probe *p)
{
	struct probe_start st = { .p = p };
	pthread_mutexattr_t ma;
	int err;

	pthread_mutexattr_init(&ma);
	/* the reader holds it briefly at SCHED_OTHER: never in the way */
	pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
	err = -pthread_mutex_init(&p->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	if (err)
		return err;
	pthread_mutex_init(&st.m, NULL);
	pthread_cond_init(&st.c, NULL);
	err = -pthread_create(&p->thread, NULL, probe_main, &st);
	if (err) {
		log_err("timerlat: start the probe of CPU %u: %s", p->cpu,
			strerror(-err));
	} else {
		p->started = true;
		pthread_mutex_lock(&st.m);
		while (!st.done)
			pthread_cond_wait(&st.c, &st.m);
		pthread_mutex_unlock(&st.m);
		err = p->err;
	}
	pthread_cond_destroy(&st.c);
	pthread_mutex_destroy(&st.m);
	return err;
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
	if (!p->started)
		return;
	__atomic_store_n(p->stop, 1, __ATOMIC_RELAXED);
	/* ends its sleep now, not at its next expiry (a period of up to
	 * 10 s): the caller catches TIMERLAT_WAKE_SIG */
	pthread_kill(p->thread, TIMERLAT_WAKE_SIG);
	pthread_join(p->thread, NULL);
	p->started = false;
	pthread_mutex_destroy(&p->lock);
}
