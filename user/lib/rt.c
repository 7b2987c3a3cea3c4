// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf_rt_setup(): the steps of `rtbpf run` for the calling thread and
 * process, each attempted when asked and its errno kept. See rtbpf/rt.h.
 */
#define _GNU_SOURCE
#include <rtbpf/rt.h>

#include <errno.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#ifndef MPOL_BIND
#define MPOL_BIND 2
#endif

void rtbpf_rt_cfg__init(struct rtbpf_rt_cfg *cfg)
{
	if (!cfg)
		return;
	*cfg = (struct rtbpf_rt_cfg){ .policy = RTBPF_RT_POLICY_KEEP };
}

const char *rtbpf_rt_step_name(enum rtbpf_rt_step step)
{
	static const char *const names[RTBPF_RT_NSTEPS] = {
		[RTBPF_RT_AFFINITY] = "affinity",
		[RTBPF_RT_MEMBIND] = "membind",
		[RTBPF_RT_MEMLOCK_LIMIT] = "memlock limit",
		[RTBPF_RT_MLOCK] = "mlock",
		[RTBPF_RT_POLICY] = "policy",
		[RTBPF_RT_NICE] = "nice",
	};

	return (unsigned int)step < RTBPF_RT_NSTEPS ? names[step] : "?";
}

static bool cfg_valid(const struct rtbpf_rt_cfg *cfg)
{
	if (cfg->cpus && !cfg->cpus_size)
		return false;
	if (cfg->nodes && !cfg->max_node)
		return false;
	if ((unsigned int)cfg->mlock > RTBPF_RT_MLOCK_REGION)
		return false;
	if (cfg->mlock == RTBPF_RT_MLOCK_REGION &&
	    (!cfg->lock_addr || !cfg->lock_len))
		return false;
	if (cfg->flags & ~RTBPF_RT_F_RR_FALLBACK)
		return false;
	switch (cfg->policy) {
	case RTBPF_RT_POLICY_KEEP:
		return true;
	case SCHED_FIFO:
	case SCHED_RR:
		return cfg->priority >= 1 && cfg->priority <= 99;
	case SCHED_OTHER:
		return cfg->nice >= -20 && cfg->nice <= 19;
	default:
		return false;
	}
}

static void note(struct rtbpf_rt_result *res, enum rtbpf_rt_step s, int ret)
{
	res->attempted[s] = true;
	res->err[s] = ret ? -errno : 0;
}

int rtbpf_rt_setup(const struct rtbpf_rt_cfg *cfg, struct rtbpf_rt_result *res)
{
	struct rtbpf_rt_result dummy;

	if (!res)
		res = &dummy;
	*res = (struct rtbpf_rt_result){ 0 };
	res->policy = sched_getscheduler(0);
	if (!cfg || !cfg_valid(cfg))
		return -EINVAL;

	if (cfg->cpus)
		note(res, RTBPF_RT_AFFINITY,
		     sched_setaffinity(0, cfg->cpus_size, cfg->cpus));
	if (cfg->nodes)
		note(res, RTBPF_RT_MEMBIND,
		     (int)syscall(SYS_set_mempolicy, MPOL_BIND, cfg->nodes,
				  cfg->max_node + 1));
	if (cfg->mlock == RTBPF_RT_MLOCK_ALL) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
		int ret = setrlimit(RLIMIT_MEMLOCK, &rl);

		/* Unprivileged: as far as the hard limit allows, and the
		 * step still reports that infinity was refused. */
		if (ret) {
			int e = errno;

			if (!getrlimit(RLIMIT_MEMLOCK, &rl)) {
				rl.rlim_cur = rl.rlim_max;
				setrlimit(RLIMIT_MEMLOCK, &rl);
			}
			errno = e;
		}
		note(res, RTBPF_RT_MEMLOCK_LIMIT, ret);
		note(res, RTBPF_RT_MLOCK, mlockall(MCL_CURRENT | MCL_FUTURE));
	} else if (cfg->mlock == RTBPF_RT_MLOCK_REGION) {
		note(res, RTBPF_RT_MLOCK, mlock(cfg->lock_addr, cfg->lock_len));
	}
	if (cfg->policy != RTBPF_RT_POLICY_KEEP) {
		struct sched_param sp = {
			.sched_priority =
				cfg->policy == SCHED_OTHER ? 0 : cfg->priority,
		};
		int ret = sched_setscheduler(0, cfg->policy, &sp);

		if (ret && cfg->policy == SCHED_FIFO &&
		    (cfg->flags & RTBPF_RT_F_RR_FALLBACK)) {
			int e = errno;

			ret = sched_setscheduler(0, SCHED_RR, &sp);
			if (ret)
				errno = e; /* report why FIFO was refused */
		}
		note(res, RTBPF_RT_POLICY, ret);
		if (cfg->policy == SCHED_OTHER)
			note(res, RTBPF_RT_NICE,
			     setpriority(PRIO_PROCESS, 0, cfg->nice));
	}
	res->policy = sched_getscheduler(0);
	for (int s = 0; s < RTBPF_RT_NSTEPS; s++)
		if (res->attempted[s] && res->err[s])
			return res->err[s];
	return 0;
}
