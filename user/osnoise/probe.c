// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf osnoise's probe threads and the accounting of a gap (osnoise.h). */
#define _GNU_SOURCE
#include "osnoise.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "rtbpf/rt.h"

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
			if (t >= end || LOAD(*p->stop))
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
static void probe_loop(struct osnoise_probe *p)
{
	uint64_t start = p->first;

	while (!LOAD(*p->stop)) {
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

static int probe_setup(struct osnoise_probe *p)
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
	if (p->prio) {
		cfg.policy = SCHED_FIFO;
		cfg.priority = (int)p->prio;
	}
	err = rtbpf_rt_setup(&cfg, &res);
	for (int s = 0; err && s < RTBPF_RT_NSTEPS; s++)
		if (res.attempted[s] && res.err[s])
			log_err("osnoise: probe on CPU %u: %s: %s", p->cpu,
				rtbpf_rt_step_name(s), strerror(-res.err[s]));
	if (!err)
		pthread_setname_np(pthread_self(), OSNOISE_COMM);
	return err;
}

struct probe_start {
	struct osnoise_probe *p;
	pthread_mutex_t m;
	pthread_cond_t c;
	bool done;
};

static void *probe_main(void *arg)
{
	struct probe_start *st = arg;
	struct osnoise_probe *p = st->p;
	sigset_t sigs;
	int err;

	/* SIGINT and SIGTERM go to the main thread, which stops the probes */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	err = probe_setup(p);
	if (!err)
		p->bpf->probe_tid = (__u32)gettid();

	pthread_mutex_lock(&st->m);
	p->err = err;
	p->tid = gettid();
	st->done = true;
	pthread_cond_signal(&st->c);
	pthread_mutex_unlock(&st->m);
	/* st is gone from here on */
	if (!err)
		probe_loop(p);
	p->bpf->probe_tid = 0;
	return NULL;
}

int osnoise_probe_start(struct osnoise_probe *p)
{
	struct probe_start st = { .p = p };
	int err;

	pthread_mutex_init(&st.m, NULL);
	pthread_cond_init(&st.c, NULL);
	err = -pthread_create(&p->thread, NULL, probe_main, &st);
	if (err) {
		log_err("osnoise: start the probe of CPU %u: %s", p->cpu,
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
	if (!p->started)
		return;
	__atomic_store_n(p->stop, 1, __ATOMIC_RELAXED);
	/* ends its sleep now, not at its next period (up to 10 s) */
	pthread_kill(p->thread, OSNOISE_WAKE_SIG);
	pthread_join(p->thread, NULL);
	p->started = false;
}
