// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Noise with ground truth for the monitor's noise tests.
 *
 * faults: the process, pinned to one CPU, touches N fresh pages of an
 *   anonymous mapping (no huge pages), so it takes at least N user faults.
 * ipi: a thread pinned to one CPU keeps touching memory of the process
 *   while another, pinned to a second CPU, maps, touches and unmaps a
 *   region K times: each unmap flushes the TLB of the first CPU through an
 *   IPI sent by the unmapping thread, on hosts whose hypervisor does not
 *   flush remote TLBs itself. With --via membarrier the second thread
 *   calls membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) K times instead:
 *   each sends an IPI to every CPU running a thread of the process, on
 *   every host.
 *
 * Protocol: prints "ready pid=P tid=T" (T: the thread whose work is
 * measured), waits until the --go file exists, runs, prints a JSON line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/membarrier.h>
#include <stdbool.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *go;
static long pages = 1000, rounds = 2000;
static int cpu_a = 0, cpu_b = 1;
static bool via_membarrier;
static atomic_int stop_toucher;

static void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	if (sched_setaffinity(0, sizeof(s), &s)) {
		fprintf(stderr, "noisegen: pin to CPU %d: %s\n", cpu,
			strerror(errno));
		exit(1);
	}
}

static void wait_go(void)
{
	struct timespec ts = { .tv_nsec = 5000000 };

	while (access(go, F_OK))
		nanosleep(&ts, NULL);
}

static int faults(void)
{
	long psz = sysconf(_SC_PAGESIZE);
	char *p;

	pin(cpu_b);
	prctl(PR_SET_NAME, "rtbpf-faulter");
	printf("ready pid=%d tid=%d\n", getpid(), getpid());
	fflush(stdout);
	wait_go();
	p = mmap(NULL, (size_t)(pages * psz), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("noisegen: mmap");
		return 1;
	}
	/* one fault per page: no transparent huge pages here */
	madvise(p, (size_t)(pages * psz), MADV_NOHUGEPAGE);
	for (long i = 0; i < pages; i++)
		p[i * psz] = 1;
	munmap(p, (size_t)(pages * psz));
	printf("{\"mode\":\"faults\",\"pages\":%ld,\"cpu\":%d}\n", pages,
	       cpu_b);
	return 0;
}

static volatile char shared_page[4096];

static void *toucher(void *arg)
{
	(void)arg;
	pin(cpu_b);
	prctl(PR_SET_NAME, "rtbpf-toucher");
	/* SCHED_OTHER, ends when the unmapper is done */
	while (!atomic_load(&stop_toucher))
		shared_page[0]++;
	return NULL;
}

static int ipi(void)
{
	long psz = sysconf(_SC_PAGESIZE);
	pthread_t th;

	pin(cpu_a);
	prctl(PR_SET_NAME, "rtbpf-unmapper");
	printf("ready pid=%d tid=%d\n", getpid(), (int)syscall(SYS_gettid));
	fflush(stdout);
	wait_go();
	if (via_membarrier &&
	    syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
		    0, 0)) {
		perror("noisegen: membarrier register");
		return 1;
	}
	pthread_create(&th, NULL, toucher, NULL);
	usleep(20000); /* the toucher runs on its CPU, in this mm */
	for (long i = 0; via_membarrier && i < rounds; i++) {
		if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0,
			    0)) {
			perror("noisegen: membarrier");
			return 1;
		}
	}
	for (long i = 0; !via_membarrier && i < rounds; i++) {
		char *p = mmap(NULL, (size_t)(4 * psz), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("noisegen: mmap");
			return 1;
		}
		for (int k = 0; k < 4; k++)
			p[k * psz] = 1;
		munmap(p, (size_t)(4 * psz));
	}
	atomic_store(&stop_toucher, 1);
	pthread_join(th, NULL);
	printf("{\"mode\":\"ipi\",\"via\":\"%s\",\"rounds\":%ld,"
	       "\"sender_cpu\":%d,\"target_cpu\":%d}\n",
	       via_membarrier ? "membarrier" : "munmap", rounds, cpu_a, cpu_b);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: noisegen faults|ipi --go FILE "
				"[--pages N] [--rounds K] [--cpu-a C] "
				"[--cpu-b C] [--via munmap|membarrier]\n");
		return 2;
	}
	for (int i = 2; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (!strcmp(k, "--go"))
			go = v;
		else if (!strcmp(k, "--pages"))
			pages = strtol(v, NULL, 10);
		else if (!strcmp(k, "--rounds"))
			rounds = strtol(v, NULL, 10);
		else if (!strcmp(k, "--cpu-a"))
			cpu_a = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--cpu-b"))
			cpu_b = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--via") &&
			 (!strcmp(v, "munmap") || !strcmp(v, "membarrier")))
			via_membarrier = !strcmp(v, "membarrier");
		else {
			fprintf(stderr, "noisegen: unknown option %s\n", k);
			return 2;
		}
	}
	if (!go) {
		fprintf(stderr, "noisegen: --go FILE is required\n");
		return 2;
	}
	if (!strcmp(argv[1], "faults"))
		return faults();
	if (!strcmp(argv[1], "ipi"))
		return ipi();
	fprintf(stderr, "noisegen: unknown mode %s\n", argv[1]);
	return 2;
}
