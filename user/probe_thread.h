/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The probe threads of rtbpf timerlat and osnoise: one per CPU, pinned to
 * it, with its policy and name, started and stopped the same way. The
 * process catches SIGINT and SIGTERM (probe_thread_signals: the main
 * thread stops the probes) and PROBE_WAKE_SIG, which ends a probe's sleep
 * when it is told to stop.
 */
#ifndef RTBPF_PROBE_THREAD_H
#define RTBPF_PROBE_THREAD_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#define PROBE_WAKE_SIG SIGUSR1

struct probe_thread {
	/* set by the caller */
	const char *cmd; /* in messages: "timerlat" */
	const char *comm; /* the thread's name */
	unsigned int cpu;
	unsigned int prio; /* SCHED_FIFO at prio; 0: SCHED_OTHER */
	volatile sig_atomic_t *stop; /* set by probe_thread_join */
	/* in the thread: after its setup (tid: its own), then its loop,
	 * which returns once *stop is set */
	void (*ready)(void *arg, int tid);
	void (*loop)(void *arg);
	void *arg;
	/* the thread's */
	pthread_t thread;
	bool started;
	int tid; /* 0 until it ran */
	int err; /* its setup's -errno, 0 */
};

/* Starts t's thread and waits until it pinned itself, took its policy
 * and name, and called ready, or failed (logged). 0 or -errno. */
int probe_thread_start(struct probe_thread *t);

/* Sets *t->stop, wakes the thread (PROBE_WAKE_SIG) and joins it. A thread
 * not started: nothing. */
void probe_thread_join(struct probe_thread *t);

/* SIGINT and SIGTERM set probe_thread_stop_signal; PROBE_WAKE_SIG is
 * caught and does nothing. 0 or -errno (said, naming cmd). */
int probe_thread_signals(const char *cmd);
extern volatile sig_atomic_t probe_thread_stop_signal;

#endif
