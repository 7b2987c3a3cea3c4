// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Known interference for rtbpf osnoise's tests: one thread, pinned to
 * --cpu, SCHED_FIFO --prio (or SCHED_OTHER with --prio 0), that every
 * --period-us wakes on an absolute timer and spins until its own CPU time
 * (CLOCK_THREAD_CPUTIME_ID) advanced --run-us, for --seconds. Never an
 * unbounded FIFO loop: each burst also ends at 20 x --run-us of wall
 * time, and the thread sleeps between bursts.
 *
 * Protocol: prints "ready pid=P tid=T", waits until the --go file exists,
 * runs, prints {"tid":T,"bursts":N,"cpu_ns":C,"wall_ns":W}: C is the
 * thread's whole CPU time, W the run's length.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr, "usage: interfere --cpu N --prio P --run-us X "
			"--period-us Y --seconds S --go FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long cpu = 1, prio = 50, run_us = 1000, period_us = 10000;
	double seconds = 3;
	const char *go = NULL;
	struct sched_param sp = { 0 };
	uint64_t start, next, end, bursts = 0;
	cpu_set_t set;

	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (!strcmp(k, "--cpu"))
			cpu = atol(v);
		else if (!strcmp(k, "--prio"))
			prio = atol(v);
		else if (!strcmp(k, "--run-us"))
			run_us = atol(v);
		else if (!strcmp(k, "--period-us"))
			period_us = atol(v);
		else if (!strcmp(k, "--seconds"))
			seconds = atof(v);
		else if (!strcmp(k, "--go"))
			go = v;
		else
			usage();
	}
	if (!go || run_us <= 0 || period_us <= run_us || seconds <= 0)
		usage();
	CPU_ZERO(&set);
	CPU_SET((int)cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("interfere: pin");
		return 1;
	}
	prctl(PR_SET_NAME, "rtbpf-interf");
	printf("ready pid=%d tid=%d\n", getpid(), gettid());
	fflush(stdout);
	while (access(go, F_OK))
		usleep(5000);
	sp.sched_priority = (int)prio;
	if (prio && sched_setscheduler(0, SCHED_FIFO, &sp)) {
		perror("interfere: SCHED_FIFO");
		return 1;
	}
	start = now_ns();
	next = start;
	end = start + (uint64_t)(seconds * 1e9);
	while (next < end) {
		struct timespec ts = { (time_t)(next / 1000000000ULL),
				       (long)(next % 1000000000ULL) };
		uint64_t c0, w0;

		if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
			continue;
		c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		w0 = now_ns();
		while (clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0 <
			       (uint64_t)run_us * 1000 &&
		       now_ns() - w0 < (uint64_t)run_us * 20000)
			;
		bursts++;
		next += (uint64_t)period_us * 1000;
	}
	printf("{\"tid\":%d,\"bursts\":%llu,\"cpu_ns\":%llu,\"wall_ns\":%llu}\n",
	       gettid(), (unsigned long long)bursts,
	       (unsigned long long)clock_ns(CLOCK_THREAD_CPUTIME_ID),
	       (unsigned long long)(now_ns() - start));
	return 0;
}
