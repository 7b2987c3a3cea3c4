/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Realtime setup of the calling thread and process: what `rtbpf run` does
 * for a command, done in-process by the program itself (for example at the
 * start of main(), or of each latency thread).
 *
 * Background. The steps run in a fixed order, each only when asked:
 *   1. affinity       sched_setaffinity(0): the calling thread; threads it
 *                     creates afterwards inherit the mask
 *   2. membind        set_mempolicy(MPOL_BIND): the calling thread's future
 *                     allocations, inherited likewise
 *   3. memlock limit  setrlimit(RLIMIT_MEMLOCK) to infinity, else to the
 *                     hard limit (process-wide; raising the hard limit
 *                     needs CAP_SYS_RESOURCE)
 *   4. mlock          mlockall(MCL_CURRENT | MCL_FUTURE) of the whole
 *                     process, or mlock() of one region
 *   5. policy         sched_setscheduler(0): SCHED_FIFO / SCHED_RR at a
 *                     priority (needs CAP_SYS_NICE or RLIMIT_RTPRIO), with
 *                     RTBPF_RT_F_RR_FALLBACK a refused FIFO is retried as
 *                     RR; or SCHED_OTHER
 *   6. nice           setpriority(PRIO_PROCESS, 0): the calling thread's
 *                     nice value (SCHED_OTHER; below 0 needs CAP_SYS_NICE)
 * A failed step does not stop the later ones: every requested step is
 * attempted and its outcome (0 or -errno) recorded, so a caller can decide
 * what is fatal. Scheduling is set last so the earlier steps (page faults
 * of mlockall) do not run at realtime priority.
 *
 * rtbpf_rt_setup() never prints, never exits and allocates nothing. It is
 * safe to call from any thread; the per-thread steps (1, 2, 5, 6) affect
 * only the calling thread. Only the system calls listed above are made.
 * Pair a SCHED_FIFO thread with blocking work, or keep
 * kernel.sched_rt_runtime_us throttling on: a FIFO thread that spins can
 * starve per-CPU kernel threads on its CPU.
 */
#ifndef RTBPF_RT_H
#define RTBPF_RT_H

#include <stdbool.h>
#include <stddef.h>

/* cpu_set_t: define _GNU_SOURCE before the first system header. */
#include <sched.h>

enum rtbpf_rt_step {
	RTBPF_RT_AFFINITY,
	RTBPF_RT_MEMBIND,
	RTBPF_RT_MEMLOCK_LIMIT,
	RTBPF_RT_MLOCK,
	RTBPF_RT_POLICY,
	RTBPF_RT_NICE,
	RTBPF_RT_NSTEPS,
};

/* mlock: nothing, the whole process, or one region. */
enum rtbpf_rt_mlock {
	RTBPF_RT_MLOCK_NONE,
	RTBPF_RT_MLOCK_ALL,
	RTBPF_RT_MLOCK_REGION,
};

/* Retry a refused SCHED_FIFO as SCHED_RR at the same priority. */
#define RTBPF_RT_F_RR_FALLBACK (1u << 0)
/* policy value: leave the scheduling policy alone. */
#define RTBPF_RT_POLICY_KEEP (-1)

struct rtbpf_rt_cfg {
	const cpu_set_t *cpus; /* NULL: affinity unchanged */
	size_t cpus_size; /* bytes of *cpus (CPU_ALLOC_SIZE or sizeof) */
	const unsigned long *nodes; /* NUMA node mask; NULL: unchanged */
	unsigned long max_node; /* bits in nodes */
	enum rtbpf_rt_mlock mlock;
	void *lock_addr; /* RTBPF_RT_MLOCK_REGION */
	size_t lock_len;
	int policy; /* SCHED_FIFO, SCHED_RR, SCHED_OTHER or _KEEP */
	int priority; /* 1-99 for FIFO/RR */
	int nice; /* applied when policy is SCHED_OTHER */
	unsigned int flags; /* RTBPF_RT_F_* */
};

struct rtbpf_rt_result {
	bool attempted[RTBPF_RT_NSTEPS];
	int err[RTBPF_RT_NSTEPS]; /* 0 or -errno of each attempted step */
	int policy; /* the policy in force after the policy step */
};

/* Initialises cfg to "change nothing". */
void rtbpf_rt_cfg__init(struct rtbpf_rt_cfg *cfg);

/*
 * Runs the steps cfg asks for on the calling thread/process; fills res
 * (every field, also when it returns an error). Returns 0 when every
 * attempted step succeeded (an RR fallback counts as success), -EINVAL for
 * a bad cfg (nothing attempted), else the -errno of the first failed step.
 * Never blocks beyond the system calls themselves (mlockall faults in
 * memory), never allocates, never prints or exits.
 */
int rtbpf_rt_setup(const struct rtbpf_rt_cfg *cfg, struct rtbpf_rt_result *res);

/* "affinity", "membind", "memlock limit", "mlock", "policy", "nice". */
const char *rtbpf_rt_step_name(enum rtbpf_rt_step step);

#endif
