// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The probe threads of rtbpf timerlat and osnoise (probe_thread.h). */
#define _GNU_SOURCE
#include "probe_thread.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "rtbpf/rt.h"

volatile sig_atomic_t probe_thread_stop_signal;

static void on_signal(int sig)
{
	probe_thread_stop_signal = sig;
}

static void on_wake(int sig)
{
	(void)sig;
}

int probe_thread_signals(const char *cmd)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction wake = { .sa_handler = on_wake };

	sigemptyset(&sa.sa_mask);
	sigemptyset(&wake.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigaction(PROBE_WAKE_SIG, &wake, NULL)) {
		int err = -errno;

		log_err("%s: install signal handlers: %s", cmd, strerror(-err));
		return err;
	}
	return 0;
}

/* What a failed step usually means. */
static const char *step_hint(int step, int err)
{
	if (step == RTBPF_RT_POLICY && err == -EPERM)
		return " (SCHED_FIFO needs CAP_SYS_NICE, and in a cgroup with "
		       "cpu.rt_runtime_us an RT budget)";
	if (step == RTBPF_RT_AFFINITY && err == -EINVAL)
		return " (the CPU is not in this process's cpuset)";
	return "";
}

/* Pinned, its policy, named: what the probe needs before its loop. */
static int setup(struct probe_thread *t)
{
	struct rtbpf_rt_cfg cfg;
	struct rtbpf_rt_result res;
	cpu_set_t set;
	int err;

	CPU_ZERO(&set);
	CPU_SET(t->cpu, &set);
	rtbpf_rt_cfg__init(&cfg);
	cfg.cpus = &set;
	cfg.cpus_size = sizeof(set);
	if (t->prio) {
		cfg.policy = SCHED_FIFO;
		cfg.priority = (int)t->prio;
	}
	err = rtbpf_rt_setup(&cfg, &res);
	for (int s = 0; err && s < RTBPF_RT_NSTEPS; s++)
		if (res.attempted[s] && res.err[s])
			log_err("%s: probe on CPU %u: %s: %s%s", t->cmd, t->cpu,
				rtbpf_rt_step_name(s), strerror(-res.err[s]),
				step_hint(s, res.err[s]));
	if (!err)
		pthread_setname_np(pthread_self(), t->comm);
	return err;
}

struct start_sync {
	struct probe_thread *t;
	pthread_mutex_t m;
	pthread_cond_t c;
	bool done;
};

static void *probe_main(void *arg)
{
	struct start_sync *st = arg;
	struct probe_thread *t = st->t;
	int err;

	err = setup(t);
	if (!err && t->ready)
		t->ready(t->arg, gettid());

	pthread_mutex_lock(&st->m);
	t->err = err;
	t->tid = gettid();
	st->done = true;
	pthread_cond_signal(&st->c);
	pthread_mutex_unlock(&st->m);
	/* st is gone from here on */
	if (!err)
		t->loop(t->arg);
	return NULL;
}

/* A probe's stack: its loop needs a few KiB; locked by mlockall, the
 * default 8 MiB would be 8 GiB on 1024 CPUs. */
#define PROBE_STACK (256u << 10)

int probe_thread_start(struct probe_thread *t)
{
	struct start_sync st = { .t = t };
	sigset_t sigs, old;
	pthread_attr_t attr;
	int err;

	pthread_mutex_init(&st.m, NULL);
	pthread_cond_init(&st.c, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PROBE_STACK);
	/* SIGINT and SIGTERM go to the main thread, which stops the probes:
	 * blocked in the thread from its first instruction */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	err = -pthread_create(&t->thread, &attr, probe_main, &st);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err) {
		log_err("%s: start the probe of CPU %u: %s", t->cmd, t->cpu,
			strerror(-err));
	} else {
		t->started = true;
		pthread_mutex_lock(&st.m);
		while (!st.done)
			pthread_cond_wait(&st.c, &st.m);
		pthread_mutex_unlock(&st.m);
		err = t->err;
	}
	pthread_cond_destroy(&st.c);
	pthread_mutex_destroy(&st.m);
	return err;
}

void probe_thread_join(struct probe_thread *t)
{
	if (!t->started)
		return;
	__atomic_store_n(t->stop, 1, __ATOMIC_RELAXED);
	/* ends its sleep now, not at its next period (up to 10 s) */
	pthread_kill(t->thread, PROBE_WAKE_SIG);
	pthread_join(t->thread, NULL);
	t->started = false;
}
