// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The stages, in the order they plan; apply and revert follow it. */
#include "tune/stage.h"

#include <string.h>

const struct tune_stage tune_stages[] = {
	{ "boot", "kernel command line (checked, never applied)", boot_plan,
	  NULL },
	{ "sysctl", "kernel and vm sysctls", sysctl_plan, NULL },
	{ "net", "NIC channel (queue) counts", net_plan, NULL },
	{ "memory", "transparent hugepages, KSM", memory_plan, NULL },
	{ "workqueue", "unbound workqueue and writeback cpumasks",
	  workqueue_plan, NULL },
	{ "irq", "IRQ affinity to housekeeping CPUs", irq_plan, NULL },
	{ "irqbalance", "latency CPUs banned in irqbalance's configuration",
	  irqbalance_plan, irqbalance_restart },
	{ "threads", "movable threads and kthreads off the latency CPUs",
	  threads_plan, NULL },
	{ "power", "cpufreq governor, PM QoS, cpuidle, EPB", power_plan, NULL },
	{ "process", "policy, priority and affinity of --pid threads",
	  process_plan, NULL },
	{ "limits", "realtime group, limits.d rtprio and memlock", limits_plan,
	  NULL },
	{ "systemd", "service manager CPUAffinity to housekeeping CPUs",
	  systemd_plan, NULL },
};
const size_t tune_nstages = sizeof(tune_stages) / sizeof(tune_stages[0]);

int tune_stage_index(const char *name)
{
	for (size_t i = 0; i < tune_nstages; i++)
		if (!strcmp(tune_stages[i].name, name))
			return (int)i;
	return -1;
}

unsigned int tune_stage_bit(const char *name)
{
	int i = tune_stage_index(name);

	return i < 0 ? 0 : 1u << i;
}

void tune_stages_post(const struct tune_cfg *c, unsigned int stages,
		      bool dry_run)
{
	for (size_t i = 0; i < tune_nstages; i++)
		if ((stages & (1u << i)) && tune_stages[i].post)
			tune_stages[i].post(c, dry_run);
}
