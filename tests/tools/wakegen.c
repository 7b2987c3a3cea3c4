// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Load generator with ground truth for the monitor's tests and benchmarks.
 *
 * pingpong: a waker thread pinned to one CPU wakes a sleeper thread pinned
 *   to another exactly N times through an eventfd. Before each write the
 *   waker waits until the sleeper has really switched out (its voluntary
 *   context-switch count moved past the value it published before blocking),
 *   so every write is one sched_wakeup of a dequeued thread. The sleeper
 *   records wake-to-run latency in userspace: waker's clock before write()
 *   to sleeper's clock after read() returns (CLOCK_MONOTONIC, the clock BPF
 *   uses), which contains the kernel's wakeup-to-switch interval.
 *   With --via futex the sleeper waits in FUTEX_WAIT on a word and the
 *   waker calls FUTEX_WAKE instead (the same stamps around the calls).
 *   With --hold-us H (both on one CPU) the sleeper is SCHED_IDLE, so it
 *   cannot preempt the waker, and the waker keeps the CPU for H us after
 *   each write() returns: every wait then lasts at least H, a floor the
 *   kernel's figures must respect.
 * roam: the sleeper spins beside a hog on its CPU (so it is preempted
 *   there), is moved to --waker-cpu (a CPU the test does not watch),
 *   spins there for --seconds, comes back on its own and sleeps --count
 *   times for --period-us: no wait measured on its CPU may include the
 *   time it ran elsewhere.
 * hog: --hogs N threads named "rtbpf-hog" spin (SCHED_OTHER, bounded time)
 *   on a CPU where a sleeper thread wakes every period and so must wait
 *   for them; --sleep epoll or timerfd sleeps on those instead of
 *   nanosleep.
 *
 * Protocol: prints "ready pid=P sleeper=T waker=W" and waits until the file
 * given by --go exists (the test attaches the monitor first), then runs and
 * prints one JSON line of results.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "hist.h"
#include "clock.h"

struct cfg {
	const char *mode;
	const char *go;
	uint64_t count;
	int waker_cpu, sleeper_cpu;
	double seconds;
	uint64_t period_us;
	int sleeper_nice;
	uint64_t hold_us;
	int hogs;
	bool futex; /* --via futex (default: eventfd) */
	const char *sleep; /* hog: --sleep nanosleep|epoll|timerfd */
};

static struct cfg cfg = { .count = 1000,
			  .waker_cpu = 0,
			  .sleeper_cpu = 1,
			  .seconds = 2,
			  .period_us = 1000,
			  .hogs = 1,
			  .sleep = "nanosleep" };
static int efd;
static _Atomic uint32_t futex_word; /* round number the waker released */
static _Atomic uint64_t t0_ns, done, nv_before;
static _Atomic int sleeper_tid;
static struct hist lat;

static void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	if (sched_setaffinity(0, sizeof(s), &s)) {
		fprintf(stderr, "wakegen: pin to CPU %d: %s\n", cpu,
			strerror(errno));
		exit(1);
	}
}

static uint64_t thread_nvcsw_self(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return (uint64_t)ru.ru_nvcsw;
}

static uint64_t thread_nvcsw(int tid)
{
	char path[64], line[256];
	uint64_t v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "voluntary_ctxt_switches: %" SCNu64, &v) == 1)
			break;
	fclose(f);
	return v;
}

/* Nonzero once tid sleeps off every runqueue: the kernel reports a wait
 * channel only for a task that is neither running nor queued (a sleeper
 * whose dequeue is still delayed reports 0). */
static bool thread_blocked(int tid)
{
	char path[64], buf[64] = "";
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/wchan", tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n > 0 && strcmp(buf, "0") != 0;
}

static void wait_go(void)
{
	struct timespec ts = { .tv_nsec = 5000000 };

	while (access(cfg.go, F_OK))
		nanosleep(&ts, NULL);
}

static void *pp_sleeper(void *arg)
{
	uint64_t v;

	(void)arg;
	pin(cfg.sleeper_cpu);
	prctl(PR_SET_NAME, "rtbpf-sleeper");
	if (cfg.hold_us) {
		struct sched_param sp = { 0 };

		if (sched_setscheduler(0, SCHED_IDLE, &sp)) {
			perror("wakegen: SCHED_IDLE");
			exit(1);
		}
	}
	atomic_store(&sleeper_tid, (int)syscall(SYS_gettid));
	for (uint64_t i = 0; i < cfg.count; i++) {
		atomic_store(&nv_before, thread_nvcsw_self());
		atomic_store(&done, i); /* publishes nv_before for round i */
		if (cfg.futex) {
			/* asleep until the waker bumps the word past i */
			while (atomic_load(&futex_word) == (uint32_t)i)
				if (syscall(SYS_futex, &futex_word,
					    FUTEX_WAIT_PRIVATE, (uint32_t)i,
					    NULL, NULL, 0) &&
				    errno != EAGAIN && errno != EINTR) {
					perror("wakegen: FUTEX_WAIT");
					exit(1);
				}
		} else if (read(efd, &v, sizeof(v)) != sizeof(v)) {
			perror("wakegen: read eventfd");
			exit(1);
		}
		hist_add_value(&lat, now_ns() - atomic_load(&t0_ns));
	}
	atomic_store(&done, cfg.count);
	return NULL;
}

static int pingpong(void)
{
	struct timespec pause = { .tv_nsec = 20000 };
	pthread_t th;
	uint64_t one = 1;

	/* no page fault may put the sleeper to sleep outside read() */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		perror("wakegen: mlockall (continuing)");
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0) {
		perror("wakegen: eventfd");
		return 1;
	}
	atomic_store(&done, UINT64_MAX);
	pthread_create(&th, NULL, pp_sleeper, NULL);
	pin(cfg.waker_cpu);
	prctl(PR_SET_NAME, "rtbpf-waker");
	while (!atomic_load(&sleeper_tid))
		nanosleep(&pause, NULL);
	printf("ready pid=%d sleeper=%d waker=%d\n", getpid(),
	       atomic_load(&sleeper_tid), (int)syscall(SYS_gettid));
	fflush(stdout);
	wait_go();
	for (uint64_t i = 0; i < cfg.count; i++) {
		uint64_t nv;

		while (atomic_load(&done) != i)
			nanosleep(&pause, NULL);
		nv = atomic_load(&nv_before);
		/* the sleeper has switched out and left the runqueue: its
		 * next run needs exactly one wakeup */
		while (thread_nvcsw(atomic_load(&sleeper_tid)) <= nv ||
		       !thread_blocked(atomic_load(&sleeper_tid)))
			nanosleep(&pause, NULL);
		atomic_store(&t0_ns, now_ns());
		if (cfg.futex) {
			atomic_store(&futex_word, (uint32_t)i + 1);
			if (syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE,
				    1, NULL, NULL, 0) != 1) {
				fprintf(stderr,
					"wakegen: FUTEX_WAKE woke nobody in "
					"round %" PRIu64 "\n",
					i);
				return 1;
			}
		} else if (write(efd, &one, sizeof(one)) != sizeof(one)) {
			perror("wakegen: write eventfd");
			return 1;
		}
		if (cfg.hold_us) {
			/* keep the CPU (bounded, SCHED_OTHER), then sleep
			 * long enough for the sleeper to run and block */
			struct timespec nap = { .tv_nsec = 1000000 };
			uint64_t until = now_ns() + cfg.hold_us * 1000;

			while (now_ns() < until)
				;
			nanosleep(&nap, NULL);
		}
	}
	pthread_join(th, NULL);
	printf("{\"mode\":\"pingpong\",\"via\":\"%s\",\"wakeups\":%" PRIu64
	       ",\"p50_ns\":%" PRIu64 ",\"p99_ns\":%" PRIu64
	       ",\"min_ns\":%" PRIu64 ",\"max_ns\":%" PRIu64 "}\n",
	       cfg.futex ? "futex" : "eventfd", lat.count,
	       hist_quantile(&lat, 0.5), hist_quantile(&lat, 0.99), lat.min,
	       lat.max);
	return 0;
}

static _Atomic int hogs_running, hogs_stop;
static _Atomic uint64_t hogs_cpu_ns; /* the hogs' own CPU time */

/* CPU time of the calling thread, ns: all of a hog's, from its start. */
static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void *hog(void *arg)
{
	uint64_t end;
	volatile uint64_t spins = 0;

	(void)arg;
	pin(cfg.sleeper_cpu);
	prctl(PR_SET_NAME, "rtbpf-hog");
	wait_go();
	atomic_fetch_add(&hogs_running, 1);
	/* until the sleeper's last wait is over, so the CPU is never idle
	 * in one; SCHED_OTHER, bounded */
	end = now_ns() + (uint64_t)(cfg.seconds * 1e9) + 2000000000ULL;
	while (!atomic_load(&hogs_stop) && now_ns() < end)
		spins++;
	atomic_fetch_add(&hogs_cpu_ns, thread_cpu_ns());
	return NULL;
}

#define MAX_HOGS 32

/* The sleeper's sleeps of --period-us until end, each on its own timer:
 * nanosleep (a sleeper's hrtimer), epoll_wait with a timeout and nothing
 * to wait for (the same, in ms), or a periodic timerfd read (the timer
 * wakes the reader from its own callback). The sleeps taken. */
static uint64_t hog_sleeps(uint64_t end)
{
	uint64_t n = 0, ticks;
	struct epoll_event ev;
	int fd = -1;

	if (!strcmp(cfg.sleep, "epoll")) {
		fd = epoll_create1(0);
	} else if (!strcmp(cfg.sleep, "timerfd")) {
		struct itimerspec its = {
			.it_interval = { 0, (long)cfg.period_us * 1000 },
			.it_value = { 0, (long)cfg.period_us * 1000 },
		};

		fd = timerfd_create(CLOCK_MONOTONIC, 0);
		if (fd >= 0 && timerfd_settime(fd, 0, &its, NULL))
			fd = -1;
	}
	if (strcmp(cfg.sleep, "nanosleep") && fd < 0) {
		perror("wakegen: --sleep");
		exit(1);
	}
	while (now_ns() < end) {
		struct timespec ts = { .tv_nsec = (long)cfg.period_us * 1000 };

		if (!strcmp(cfg.sleep, "epoll"))
			epoll_wait(fd, &ev, 1, (int)(cfg.period_us / 1000));
		else if (fd >= 0 && read(fd, &ticks, sizeof(ticks)) < 0)
			break;
		else if (fd < 0)
			nanosleep(&ts, NULL);
		n++;
	}
	if (fd >= 0)
		close(fd);
	return n;
}

static int hog_mode(void)
{
	struct timespec pause = { .tv_nsec = 20000 };
	pthread_t th[MAX_HOGS];
	uint64_t end, n = 0;

	pin(cfg.sleeper_cpu);
	prctl(PR_SET_NAME, "rtbpf-sleeper");
	for (int i = 0; i < cfg.hogs && i < MAX_HOGS; i++)
		pthread_create(&th[i], NULL, hog, NULL);
	/* A low-weight sleeper cannot preempt the hog on wakeup: it waits
	 * for the hog's slice, so the hog dominates its waits even when
	 * other load shares the CPU. */
	if (cfg.sleeper_nice &&
	    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid),
			cfg.sleeper_nice))
		perror("wakegen: setpriority (continuing)");
	printf("ready pid=%d sleeper=%d waker=0\n", getpid(),
	       (int)syscall(SYS_gettid));
	fflush(stdout);
	wait_go();
	/* every hog spins before the first sleep */
	end = now_ns() + 2000000000ULL;
	while (atomic_load(&hogs_running) < cfg.hogs && now_ns() < end)
		nanosleep(&pause, NULL);
	end = now_ns() + (uint64_t)(cfg.seconds * 1e9);
	n = hog_sleeps(end);
	atomic_store(&hogs_stop, 1);
	for (int i = 0; i < cfg.hogs && i < MAX_HOGS; i++)
		pthread_join(th[i], NULL);
	printf("{\"mode\":\"hog\",\"sleeps\":%" PRIu64
	       ",\"hog_cpu_ns\":%" PRIu64 "}\n",
	       n, atomic_load(&hogs_cpu_ns));
	return 0;
}

static _Atomic int roam_away, roam_done;

/* The roaming thread: shares its CPU with a hog (so it is preempted
 * there), is moved off it by the main thread, spins on the other CPU,
 * comes back on its own and sleeps. */
static void *roamer(void *arg)
{
	struct timespec ts = { .tv_nsec = (long)cfg.period_us * 1000 };
	uint64_t end;

	(void)arg;
	pin(cfg.sleeper_cpu);
	prctl(PR_SET_NAME, "rtbpf-sleeper");
	atomic_store(&sleeper_tid, (int)syscall(SYS_gettid));
	wait_go();
	end = now_ns() + 5000000000ULL;
	while (!atomic_load(&roam_away) && now_ns() < end) /* bounded */
		;
	end = now_ns() + (uint64_t)(cfg.seconds * 1e9);
	while (now_ns() < end) /* SCHED_OTHER, bounded, on the other CPU */
		;
	pin(cfg.sleeper_cpu);
	for (uint64_t i = 0; i < cfg.count; i++)
		nanosleep(&ts, NULL);
	atomic_store(&roam_done, 1);
	return NULL;
}

static void *roam_hog(void *arg)
{
	uint64_t end;

	(void)arg;
	pin(cfg.sleeper_cpu);
	prctl(PR_SET_NAME, "rtbpf-hog");
	wait_go();
	end = now_ns() + 5000000000ULL;
	while (!atomic_load(&roam_away) && now_ns() < end) /* bounded */
		;
	return NULL;
}

static int roam_mode(void)
{
	struct timespec settle = { .tv_nsec = 50000000 };
	pthread_t th, hg;
	cpu_set_t s;

	pthread_create(&th, NULL, roamer, NULL);
	pthread_create(&hg, NULL, roam_hog, NULL);
	while (!atomic_load(&sleeper_tid))
		nanosleep(&settle, NULL);
	printf("ready pid=%d sleeper=%d waker=0\n", getpid(),
	       atomic_load(&sleeper_tid));
	fflush(stdout);
	wait_go();
	nanosleep(&settle, NULL); /* the hog preempts the roamer meanwhile */
	CPU_ZERO(&s);
	CPU_SET(cfg.waker_cpu, &s);
	if (sched_setaffinity(atomic_load(&sleeper_tid), sizeof(s), &s)) {
		perror("wakegen: move the roamer");
		return 1;
	}
	atomic_store(&roam_away, 1);
	pthread_join(th, NULL);
	pthread_join(hg, NULL);
	printf("{\"mode\":\"roam\",\"away_ns\":%.0f}\n", cfg.seconds * 1e9);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr,
			"usage: wakegen pingpong|hog|roam --go FILE [--count N] "
			"[--waker-cpu C] [--sleeper-cpu C] [--seconds S] "
			"[--period-us US] [--sleeper-nice N] [--hold-us US] "
			"[--hogs N] [--via eventfd|futex] "
			"[--sleep nanosleep|epoll|timerfd]\n");
		return 2;
	}
	cfg.mode = argv[1];
	for (int i = 2; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (!strcmp(k, "--go"))
			cfg.go = v;
		else if (!strcmp(k, "--count"))
			cfg.count = strtoull(v, NULL, 10);
		else if (!strcmp(k, "--waker-cpu"))
			cfg.waker_cpu = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--sleeper-cpu"))
			cfg.sleeper_cpu = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--seconds"))
			cfg.seconds = atof(v);
		else if (!strcmp(k, "--sleeper-nice"))
			cfg.sleeper_nice = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--period-us"))
			cfg.period_us = strtoull(v, NULL, 10);
		else if (!strcmp(k, "--hold-us"))
			cfg.hold_us = strtoull(v, NULL, 10);
		else if (!strcmp(k, "--hogs"))
			cfg.hogs = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--via") &&
			 (!strcmp(v, "futex") || !strcmp(v, "eventfd")))
			cfg.futex = !strcmp(v, "futex");
		else if (!strcmp(k, "--sleep") &&
			 (!strcmp(v, "nanosleep") || !strcmp(v, "epoll") ||
			  !strcmp(v, "timerfd")))
			cfg.sleep = v;
		else {
			fprintf(stderr, "wakegen: unknown option %s\n", k);
			return 2;
		}
	}
	if (!cfg.go) {
		fprintf(stderr, "wakegen: --go FILE is required\n");
		return 2;
	}
	if (!strcmp(cfg.mode, "pingpong"))
		return pingpong();
	if (!strcmp(cfg.mode, "hog"))
		return hog_mode();
	if (!strcmp(cfg.mode, "roam"))
		return roam_mode();
	fprintf(stderr, "wakegen: unknown mode %s\n", cfg.mode);
	return 2;
}
