// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf_rt_setup(), process-local effects only: affinity, nice and policy
 * are set on threads the test creates (per-thread calls), memory locking
 * on one small region (never mlockall: under ASan that would lock the
 * shadow; ASan also turns mlock into a no-op, so VmLck is checked only in
 * builds without it). The SCHED_FIFO thread only checks its policy and returns: it
 * never spins. FIFO is skipped when refused (EPERM).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <rtbpf/rt.h>

static void test_bad_cfg(void **state)
{
	struct rtbpf_rt_result res;
	struct rtbpf_rt_cfg cfg;
	cpu_set_t set;

	(void)state;
	assert_int_equal(rtbpf_rt_setup(NULL, &res), -EINVAL);
	rtbpf_rt_cfg__init(&cfg);
	cfg.policy = SCHED_FIFO;
	cfg.priority = 0;
	assert_int_equal(rtbpf_rt_setup(&cfg, &res), -EINVAL);
	cfg.priority = 100;
	assert_int_equal(rtbpf_rt_setup(&cfg, &res), -EINVAL);
	rtbpf_rt_cfg__init(&cfg);
	cfg.policy = SCHED_OTHER;
	cfg.nice = -21;
	assert_int_equal(rtbpf_rt_setup(&cfg, &res), -EINVAL);
	rtbpf_rt_cfg__init(&cfg);
	cfg.mlock = RTBPF_RT_MLOCK_REGION; /* no region */
	assert_int_equal(rtbpf_rt_setup(&cfg, &res), -EINVAL);
	rtbpf_rt_cfg__init(&cfg);
	cfg.cpus = &set; /* no size */
	assert_int_equal(rtbpf_rt_setup(&cfg, &res), -EINVAL);
	rtbpf_rt_cfg__init(&cfg);
	cfg.flags = 0x80;
	assert_int_equal(rtbpf_rt_setup(&cfg, &res), -EINVAL);
	for (int s = 0; s < RTBPF_RT_NSTEPS; s++)
		assert_false(res.attempted[s]);

	/* Nothing asked: nothing attempted, success. */
	rtbpf_rt_cfg__init(&cfg);
	assert_int_equal(rtbpf_rt_setup(&cfg, &res), 0);
	for (int s = 0; s < RTBPF_RT_NSTEPS; s++)
		assert_false(res.attempted[s]);
	assert_int_equal(rtbpf_rt_setup(&cfg, NULL), 0);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(rtbpf_rt_step_name(RTBPF_RT_AFFINITY), "affinity");
	assert_string_equal(rtbpf_rt_step_name(RTBPF_RT_MLOCK), "mlock");
	assert_string_equal(rtbpf_rt_step_name(RTBPF_RT_NICE), "nice");
	assert_string_equal(rtbpf_rt_step_name(RTBPF_RT_NSTEPS), "?");
}

struct aff_arg {
	int cpu, ret;
	struct rtbpf_rt_result res;
	cpu_set_t after;
};

static void *aff_thread(void *p)
{
	struct aff_arg *a = p;
	struct rtbpf_rt_cfg cfg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(a->cpu, &set);
	rtbpf_rt_cfg__init(&cfg);
	cfg.cpus = &set;
	cfg.cpus_size = sizeof(set);
	a->ret = rtbpf_rt_setup(&cfg, &a->res);
	sched_getaffinity(0, sizeof(a->after), &a->after);
	return NULL;
}

static void test_affinity_thread(void **state)
{
	cpu_set_t before, main_after;
	struct aff_arg a = { .cpu = -1 };
	pthread_t t;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(before), &before), 0);
	/* The last CPU we may run on: a real change when we have several. */
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &before))
			a.cpu = c;
	assert_true(a.cpu >= 0);
	assert_int_equal(pthread_create(&t, NULL, aff_thread, &a), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(a.ret, 0);
	assert_true(a.res.attempted[RTBPF_RT_AFFINITY]);
	assert_int_equal(a.res.err[RTBPF_RT_AFFINITY], 0);
	assert_int_equal(CPU_COUNT(&a.after), 1);
	assert_true(CPU_ISSET(a.cpu, &a.after));
	/* Only the calling thread moved. */
	assert_int_equal(sched_getaffinity(0, sizeof(main_after), &main_after),
			 0);
	assert_true(CPU_EQUAL(&before, &main_after));
}

static long vmlck_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmLck:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

static void test_mlock_region(void **state)
{
	size_t len = 4 * (size_t)sysconf(_SC_PAGESIZE);
	struct rtbpf_rt_result res;
	struct rtbpf_rt_cfg cfg;
	long before = vmlck_kb();
	void *p;
	int ret;

	(void)state;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	assert_true(p != MAP_FAILED);
	rtbpf_rt_cfg__init(&cfg);
	cfg.mlock = RTBPF_RT_MLOCK_REGION;
	cfg.lock_addr = p;
	cfg.lock_len = len;
	ret = rtbpf_rt_setup(&cfg, &res);
	assert_true(res.attempted[RTBPF_RT_MLOCK]);
	assert_false(res.attempted[RTBPF_RT_MEMLOCK_LIMIT]);
	if (ret == -EPERM || ret == -ENOMEM) {
		munmap(p, len);
		skip(); /* RLIMIT_MEMLOCK too small and no CAP_IPC_LOCK */
	}
	assert_int_equal(ret, 0);
	assert_int_equal(res.err[RTBPF_RT_MLOCK], 0);
#ifndef __SANITIZE_ADDRESS__
	assert_true(vmlck_kb() >= before + (long)(len / 1024));
#else
	(void)before; /* ASan's mlock interceptor locks nothing */
#endif
	assert_int_equal(munlock(p, len), 0);
	munmap(p, len);
}

struct sched_arg {
	int policy, prio, nice, ret;
	unsigned int flags;
	struct rtbpf_rt_result res;
	int got_policy, got_prio, got_nice;
};

/* Sets its own policy, reads it back and returns: never spins. */
static void *sched_thread(void *p)
{
	struct sched_arg *a = p;
	struct rtbpf_rt_cfg cfg;
	struct sched_param sp;

	rtbpf_rt_cfg__init(&cfg);
	cfg.policy = a->policy;
	cfg.priority = a->prio;
	cfg.nice = a->nice;
	cfg.flags = a->flags;
	a->ret = rtbpf_rt_setup(&cfg, &a->res);
	a->got_policy = sched_getscheduler(0);
	sched_getparam(0, &sp);
	a->got_prio = sp.sched_priority;
	errno = 0;
	a->got_nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
	return NULL;
}

static void run_sched(struct sched_arg *a)
{
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, sched_thread, a), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
}

static void test_nice_thread(void **state)
{
	struct sched_arg a = { .policy = SCHED_OTHER, .nice = 5 };
	int main_policy = sched_getscheduler(0);

	(void)state;
	run_sched(&a);
	assert_int_equal(a.ret, 0);
	assert_true(a.res.attempted[RTBPF_RT_POLICY]);
	assert_true(a.res.attempted[RTBPF_RT_NICE]);
	assert_int_equal(a.res.err[RTBPF_RT_NICE], 0);
	assert_int_equal(a.got_policy, SCHED_OTHER);
	assert_int_equal(a.res.policy, SCHED_OTHER);
	assert_int_equal(a.got_nice, 5);
	assert_int_equal(sched_getscheduler(0), main_policy);
}

static void test_fifo_thread(void **state)
{
	struct sched_arg a = { .policy = SCHED_FIFO,
			       .prio = 10,
			       .flags = RTBPF_RT_F_RR_FALLBACK };

	(void)state;
	run_sched(&a);
	assert_true(a.res.attempted[RTBPF_RT_POLICY]);
	assert_false(a.res.attempted[RTBPF_RT_NICE]);
	if (a.ret == -EPERM)
		skip(); /* no CAP_SYS_NICE / RLIMIT_RTPRIO: nothing to test */
	assert_int_equal(a.ret, 0);
	assert_int_equal(a.res.err[RTBPF_RT_POLICY], 0);
	/* FIFO, or RR when the kernel refused FIFO but not RR. */
	assert_true(a.got_policy == SCHED_FIFO || a.got_policy == SCHED_RR);
	assert_int_equal(a.res.policy, a.got_policy);
	assert_int_equal(a.got_prio, 10);
	assert_int_equal(sched_getscheduler(0), SCHED_OTHER);
}

static void *membind_thread(void *p)
{
	struct rtbpf_rt_result *res = p;
	unsigned long nodes = 1; /* node 0 exists on every host */
	struct rtbpf_rt_cfg cfg;

	rtbpf_rt_cfg__init(&cfg);
	cfg.nodes = &nodes;
	cfg.max_node = 64;
	rtbpf_rt_setup(&cfg, res);
	return NULL;
}

static void test_membind_thread(void **state)
{
	struct rtbpf_rt_result res;
	pthread_t t;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, membind_thread, &res), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(res.attempted[RTBPF_RT_MEMBIND]);
	/* No NUMA in the kernel, or a seccomp filter: reported, not hidden. */
	if (res.err[RTBPF_RT_MEMBIND] == -ENOSYS ||
	    res.err[RTBPF_RT_MEMBIND] == -EPERM)
		skip();
	assert_int_equal(res.err[RTBPF_RT_MEMBIND], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_cfg),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_affinity_thread),
		cmocka_unit_test(test_mlock_region),
		cmocka_unit_test(test_nice_thread),
		cmocka_unit_test(test_fifo_thread),
		cmocka_unit_test(test_membind_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
