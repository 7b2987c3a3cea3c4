// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sysctl stage: every "sysctl.NAME" key of the profile is one item on
 * /proc/sys/NAME (dots become slashes). A knob this kernel lacks is
 * skipped, not failed. */
#include "tune/stage.h"
#include "tune/fs.h"
#include "tune/values.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

/* "@housekeeping", "@latency" or a list, as a CPU list. */
static void cpus_value(const struct tune_cfg *c, const char *v,
		       struct tune_item *it)
{
	if (!strcmp(v, "@housekeeping"))
		item_set_list(it, &it->want, &c->housekeeping);
	else if (!strcmp(v, "@latency"))
		item_set_list(it, &it->want, &c->cpus);
	else
		item_setf(it, &it->want, "%s", v);
}

/*
 * Since 6.12 the fair server (a deadline server) reserves CFS time on every
 * CPU even under SCHED_FIFO: 50 ms per second by default, which a FIFO
 * thread on a latency CPU then yields. Checked (a warning), never written:
 * it lives in debugfs, which a check does not mount.
 */
static int fair_server_items(const struct tune_cfg *c, struct item_list *l)
{
	const char *pol = profile_get(&c->prof, "process.policy");

	if (!pol || (strcmp(pol, "fifo") && strcmp(pol, "rr")))
		return 0;
	for (unsigned int cpu = 0; cpu < CPUSET_MAX; cpu++) {
		struct tune_item *it;

		if (!cpuset_has(&c->cpus, cpu))
			continue;
		it = items_add(l, "sysctl");
		if (!it)
			return -ENOMEM;
		snprintf(it->name, sizeof(it->name),
			 "cpu%u fair_server runtime", cpu);
		item_group(it, cpu, "cpu* fair_server runtime");
		snprintf(it->path, sizeof(it->path),
			 "/sys/kernel/debug/sched/fair_server/cpu%u/runtime",
			 cpu);
		item_setf(it, &it->want, "0");
		snprintf(
			it->note, sizeof(it->note),
			"CFS keeps this much of each second from FIFO threads; "
			"write 0 to it in debugfs if that is intended");
		it->cmp = CMP_TEXT;
		it->flags = IT_OPTIONAL | IT_CHECK_ONLY | IT_WARN_ONLY;
	}
	return 0;
}

int sysctl_plan(const struct tune_cfg *c, struct item_list *l)
{
	for (size_t i = 0; i < profile_nkeys; i++) {
		const struct profile_key *k = &profile_keys[i];
		const char *name = k->name + strlen("sysctl.");
		struct tune_item *it;
		char *p;

		if (strncmp(k->name, "sysctl.", 7) ||
		    !profile_wants(&c->prof, k->name))
			continue;
		it = items_add(l, "sysctl");
		if (!it)
			return -ENOMEM;
		snprintf(it->name, sizeof(it->name), "%s", name);
		snprintf(it->path, sizeof(it->path), "/proc/sys/%s", name);
		for (p = it->path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
		it->flags = IT_OPTIONAL;
		if (k->type == KEY_CPUS) {
			it->cmp = CMP_LIST;
			cpus_value(c, profile_get(&c->prof, k->name), it);
		} else {
			it->cmp = CMP_TEXT;
			item_setf(it, &it->want, "%s",
				  profile_get(&c->prof, k->name));
		}
		if (!strcmp(name, "kernel.sched_rt_runtime_us"))
			log_warn(
				"%s: profile sets kernel.sched_rt_runtime_us=%s:"
				" a SCHED_FIFO spinner can then starve per-CPU "
				"kthreads on its CPU (run stalld)",
				c->cmd, it->want);
	}
	return fair_server_items(c, l);
}
