// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Every profile key: its type, range or choices and help (the parser in
 * profile.c validates against it; `profile keys`, docgen and completion
 * list it). */
#include "tune.h"

#include <stdio.h>

#define ONOFF "on|off"
#define SYSCTL_INT(n, lo, hi, h)                      \
	{                                             \
		"sysctl." n, KEY_INT, lo, hi, NULL, h \
	}

const struct profile_key profile_keys[] = {
	{ "stage.sysctl", KEY_ENUM, 0, 0, ONOFF, "run the sysctl stage" },
	{ "stage.memory", KEY_ENUM, 0, 0, ONOFF, "run the memory stage" },
	{ "stage.workqueue", KEY_ENUM, 0, 0, ONOFF, "run the workqueue stage" },
	{ "stage.irq", KEY_ENUM, 0, 0, ONOFF, "run the irq stage" },
	{ "stage.power", KEY_ENUM, 0, 0, ONOFF, "run the power stage" },
	{ "stage.process", KEY_ENUM, 0, 0, ONOFF, "run the process stage" },
	{ "stage.boot", KEY_ENUM, 0, 0, ONOFF, "run the boot checks" },
	{ "stage.irqbalance", KEY_ENUM, 0, 0, ONOFF,
	  "run the irqbalance stage" },
	{ "stage.threads", KEY_ENUM, 0, 0, ONOFF, "run the threads stage" },
	{ "stage.limits", KEY_ENUM, 0, 0, ONOFF, "run the limits checks" },
	{ "stage.net", KEY_ENUM, 0, 0, ONOFF, "run the net stage" },
	{ "net.channels", KEY_INT_OR_ENUM, 1, 4096, "housekeeping",
	  "channels (queues) of every NIC: N, or one per housekeeping CPU" },
	{ "stage.systemd", KEY_ENUM, 0, 0, ONOFF, "run the systemd stage" },
	{ "systemd.cpu_affinity", KEY_ENUM, 0, 0, ONOFF,
	  "service manager CPUAffinity= to the housekeeping CPUs" },
	{ "limits.write", KEY_ENUM, 0, 0, ONOFF,
	  "write /etc/security/limits.d/99-rtbpf.conf" },
	SYSCTL_INT("kernel.timer_migration", 0, 1, "timers follow the CPU"),
	SYSCTL_INT("vm.stat_interval", 1, 3600, "vmstat refresh, seconds"),
	SYSCTL_INT("kernel.numa_balancing", 0, 3, "automatic NUMA balancing"),
	SYSCTL_INT("vm.swappiness", 0, 200, "swap eagerness"),
	SYSCTL_INT("kernel.nmi_watchdog", 0, 1, "NMI watchdog"),
	{ "sysctl.kernel.watchdog_cpumask", KEY_CPUS, 0, 0, NULL,
	  "CPUs the soft/hard lockup watchdog runs on" },
	SYSCTL_INT("kernel.hung_task_timeout_secs", 0, 86400,
		   "hung task check period"),
	SYSCTL_INT("vm.dirty_ratio", 0, 100, "dirty page ceiling, %"),
	SYSCTL_INT("vm.dirty_background_ratio", 0, 100,
		   "background writeback start, %"),
	SYSCTL_INT("net.core.busy_read", 0, 1000000, "socket busy read, us"),
	SYSCTL_INT("net.core.busy_poll", 0, 1000000,
		   "poll/select busy poll, us"),
	SYSCTL_INT("kernel.sched_rt_runtime_us", -1, 1000000,
		   "RT throttling; -1 lets FIFO threads starve kthreads"),
	SYSCTL_INT("vm.max_map_count", 65530, 2147483647,
		   "mappings per process"),
	SYSCTL_INT("net.ipv4.tcp_fastopen", 0, 1031, "TCP fast open"),
	{ "memory.thp", KEY_ENUM, 0, 0, "always|madvise|never",
	  "transparent hugepages" },
	{ "memory.thp_defrag", KEY_ENUM, 0, 0,
	  "always|defer|defer+madvise|madvise|never", "THP defrag" },
	{ "memory.ksm", KEY_INT, 0, 2, NULL, "KSM run (0 stop, 2 unmerge)" },
	{ "power.governor", KEY_ENUM, 0, 0,
	  "performance|powersave|schedutil|ondemand|conservative|userspace",
	  "cpufreq governor on every online CPU" },
	{ "power.resume_latency_us", KEY_INT_OR_ENUM, 0, 100000, "n/a",
	  "PM QoS resume latency of latency CPUs (n/a: no C-states)" },
	{ "power.cpuidle_max_state", KEY_INT, 0, 16, NULL,
	  "deeper cpuidle states disabled on latency CPUs" },
	{ "power.energy_perf_bias", KEY_INT, 0, 15, NULL,
	  "EPB of latency CPUs (0 performance)" },
	{ "power.platform_profile", KEY_ENUM, 0, 0,
	  "performance|balanced-performance|balanced|low-power|quiet|cool",
	  "ACPI platform profile (firmware power/thermal policy)" },
	{ "power.boost", KEY_INT, 0, 1, NULL,
	  "cpufreq boost (turbo) on or off (site policy)" },
	{ "power.dma_latency_us", KEY_INT, 0, 2000000000, NULL,
	  "CPU latency PM QoS limit a holder keeps (rtbpf hold); checked" },
	{ "power.min_perf_pct", KEY_INT, 0, 100, NULL,
	  "intel_pstate floor, % of the top performance" },
	{ "power.no_turbo", KEY_INT, 0, 1, NULL,
	  "intel_pstate turbo off (site policy: steadier versus faster)" },
	{ "power.mce_ignore_ce", KEY_INT, 0, 1, NULL,
	  "machine-check corrected-error polling off, every CPU" },
	{ "process.policy", KEY_ENUM, 0, 0, "fifo|rr|other",
	  "policy of the --pid threads" },
	{ "process.priority", KEY_INT, 1, 99, NULL, "RT priority (fifo, rr)" },
	{ "process.nice", KEY_INT, -20, 19, NULL, "nice (other)" },
	{ "process.busy_poll", KEY_ENUM, 0, 0, ONOFF,
	  "busy-poll threads: SCHED_OTHER at process.nice (default -20)" },
	{ "process.affinity", KEY_ENUM, 0, 0, "all|per-thread",
	  "every thread on all latency CPUs, or one CPU per thread" },
	{ "boot.isolcpus", KEY_ENUM, 0, 0, ONOFF, "isolcpus= latency CPUs" },
	{ "boot.nohz_full", KEY_ENUM, 0, 0, ONOFF, "nohz_full= latency CPUs" },
	{ "boot.rcu_nocbs", KEY_ENUM, 0, 0, ONOFF, "rcu_nocbs= latency CPUs" },
	{ "boot.irqaffinity", KEY_ENUM, 0, 0, ONOFF,
	  "irqaffinity= housekeeping CPUs" },
	{ "boot.skew_tick", KEY_ENUM, 0, 0, ONOFF, "skew_tick=1" },
	{ "boot.nosoftlockup", KEY_ENUM, 0, 0, ONOFF, "nosoftlockup" },
	{ "boot.rcu_normal_after_boot", KEY_ENUM, 0, 0, ONOFF,
	  "rcupdate.rcu_normal_after_boot=1" },
	{ "boot.tsc_reliable", KEY_ENUM, 0, 0, ONOFF,
	  "tsc=reliable (bare metal with a stable TSC)" },
	{ "boot.idle", KEY_ENUM, 0, 0, "off|cstate1|poll", "boot C-state cap" },
};
const size_t profile_nkeys = sizeof(profile_keys) / sizeof(profile_keys[0]);

_Static_assert(sizeof(profile_keys) / sizeof(profile_keys[0]) <= 128,
	       "struct profile holds 128 keys");

void profile_key_values(const struct profile_key *k, char *buf, size_t len)
{
	switch (k->type) {
	case KEY_INT:
		snprintf(buf, len, "[%lld, %lld]", k->min, k->max);
		break;
	case KEY_ENUM:
		snprintf(buf, len, "%s", k->choices);
		break;
	case KEY_INT_OR_ENUM:
		snprintf(buf, len, "%s|[%lld, %lld]", k->choices, k->min,
			 k->max);
		break;
	case KEY_CPUS:
		snprintf(buf, len, "@housekeeping|@latency|LIST");
		break;
	}
}
