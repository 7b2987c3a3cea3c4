// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The built-in profiles (profile.h), as profile files would say them. */
#include "profile.h"

const struct profile_builtin profile_builtins[] = {
	{ "ultra", "every runtime knob for the lowest latency",
	  "# Every runtime knob for the lowest latency.\n"
	  "stage.sysctl = on\nstage.memory = on\n"
	  "stage.workqueue = on\nstage.irq = on\nstage.power = on\n"
	  "stage.process = on\nstage.boot = on\n"
	  "stage.irqbalance = on\nstage.threads = on\n"
	  "stage.limits = on\nlimits.write = off\n"
	  "stage.net = on\n"
	  "stage.systemd = on\nsystemd.cpu_affinity = on\n"
	  "sysctl.kernel.timer_migration = 0\n"
	  "sysctl.vm.stat_interval = 120\n"
	  "sysctl.kernel.numa_balancing = 0\n"
	  "sysctl.vm.swappiness = 10\n"
	  "sysctl.kernel.nmi_watchdog = 0\n"
	  "sysctl.kernel.watchdog_cpumask = @housekeeping\n"
	  "sysctl.kernel.hung_task_timeout_secs = 600\n"
	  "sysctl.vm.dirty_ratio = 10\n"
	  "sysctl.vm.dirty_background_ratio = 3\n"
	  "sysctl.net.core.busy_read = 50\n"
	  "sysctl.net.core.busy_poll = 50\n"
	  "memory.thp = never\nmemory.thp_defrag = never\n"
	  "memory.ksm = 0\n"
	  "power.governor = performance\n"
	  "power.resume_latency_us = n/a\n"
	  "power.cpuidle_max_state = 0\n"
	  "power.energy_perf_bias = 0\n"
	  "power.min_perf_pct = 100\n"
	  "power.platform_profile = performance\n"
	  "power.mce_ignore_ce = 1\n"
	  "process.policy = fifo\nprocess.priority = 80\n"
	  "process.busy_poll = off\nprocess.affinity = all\n"
	  "boot.isolcpus = on\nboot.nohz_full = on\n"
	  "boot.rcu_nocbs = on\nboot.irqaffinity = on\n"
	  "boot.skew_tick = on\nboot.idle = cstate1\n"
	  "boot.nosoftlockup = on\n"
	  "boot.rcu_normal_after_boot = on\n"
	  "boot.tsc_reliable = off\n" },
	{ "low-latency",
	  "like tuned's network-latency: no C-state or watchdog changes",
	  "# Like tuned network-latency: no C-state or watchdog changes.\n"
	  "include = ultra\n"
	  "sysctl.vm.stat_interval = 10\n"
	  "sysctl.kernel.nmi_watchdog = keep\n"
	  "sysctl.kernel.watchdog_cpumask = keep\n"
	  "sysctl.kernel.hung_task_timeout_secs = keep\n"
	  "memory.thp_defrag = keep\nmemory.ksm = keep\n"
	  "power.resume_latency_us = keep\n"
	  "power.cpuidle_max_state = 1\n"
	  "power.energy_perf_bias = keep\n"
	  "power.mce_ignore_ce = keep\n"
	  "process.priority = 50\n"
	  "boot.rcu_nocbs = off\nboot.idle = off\n" },
};
const size_t profile_nbuiltins =
	sizeof(profile_builtins) / sizeof(profile_builtins[0]);

bool profile_builtin(size_t i, const char **name, const char **text)
{
	if (i >= profile_nbuiltins)
		return false;
	*name = profile_builtins[i].name;
	*text = profile_builtins[i].text;
	return true;
}
