// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* What timerlat and osnoise share before their probes start
 * (probe_host.h). */
#define _GNU_SOURCE
#include "probe_host.h"

#include <errno.h>
#include <string.h>
#include <linux/types.h>

#include "affinity.h"
#include "bpf/sched_abi.h"
#include "cli.h"
#include "log.h"
#include "probe_thread.h"
#include "rtbpf/rt.h"

static int resolve_cpus(const char *cmd, const struct host_info *h,
			struct cpuset *c, bool given)
{
	int bad;

	if (!given)
		*c = cpuset_count(&h->isolated) ? h->isolated : h->online;
	bad = cpuset_first_missing(c, &h->online);
	if (bad >= 0) {
		log_err("%s: --cpus: CPU %d is not online", cmd, bad);
		return -EINVAL;
	}
	if (cpuset_last(c) >= RTBPF_MAX_CPUS) {
		log_err("%s: --cpus: CPU %d: at most CPU %d", cmd,
			cpuset_last(c), RTBPF_MAX_CPUS - 1);
		return -EINVAL;
	}
	return 0;
}

int probe_host_check(const char *cmd, struct host_info *h, struct cpuset *c,
		     bool given)
{
	int err;

	if (sysinfo_load(h)) {
		log_err("%s: read CPU lists from /sys", cmd);
		return EXIT_FAIL;
	}
	if (resolve_cpus(cmd, h, c, given))
		return EXIT_USAGE;
	err = sysinfo_bpf_ready(h, cmd, "CAP_BPF+CAP_PERFMON+CAP_SYS_NICE");
	return err ? cli_exit_host(err) : -1;
}

static void move_off(const char *cmd, const struct host_info *h,
		     const struct cpuset *c)
{
	struct cpuset set;
	int err;

	cpuset_zero(&set);
	for (unsigned int i = 0; i < CPUSET_MAX; i++)
		if (cpuset_has(&h->online, i) && !cpuset_has(c, i))
			cpuset_add(&set, i);
	if (!cpuset_count(&set))
		return;
	err = affinity_set(0, &set);
	if (err)
		log_warn("%s: cannot move off the probes' CPUs: %s", cmd,
			 strerror(-err));
}

static void lock_memory(const char *cmd)
{
	struct rtbpf_rt_cfg cfg;
	struct rtbpf_rt_result res;

	rtbpf_rt_cfg__init(&cfg);
	cfg.mlock = RTBPF_RT_MLOCK_ALL;
	/* without CAP_SYS_RESOURCE the limit stays: only mlockall counts */
	rtbpf_rt_setup(&cfg, &res);
	if (res.err[RTBPF_RT_MLOCK])
		log_warn("%s: mlockall: %s: page faults may show in the "
			 "figures",
			 cmd, strerror(-res.err[RTBPF_RT_MLOCK]));
}

int probe_host_prepare(const char *cmd, const struct host_info *h,
		       const struct cpuset *c)
{
	lock_memory(cmd);
	move_off(cmd, h, c);
	return probe_thread_signals(cmd);
}
