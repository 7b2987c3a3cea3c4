// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * power stage: cpufreq governor on every online CPU; on the latency CPUs
 * only, the per-CPU PM QoS resume latency ("n/a" keeps the CPU out of every
 * C-state without holding /dev/cpu_dma_latency open), cpuidle states deeper
 * than power.cpuidle_max_state disabled, and energy_perf_bias; intel_pstate's
 * min_perf_pct and no_turbo; the ACPI platform profile; cpufreq boost
 * (global and per policy); machine-check corrected-error polling
 * (ignore_ce) on every online CPU. Files the platform lacks (VMs have no
 * cpufreq, AMD has no intel_pstate) are skipped.
 */
#define _GNU_SOURCE
#include "tune/stage.h"
#include "tune/fs.h"
#include "tune/values.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int add(struct item_list *l, const char *name, const char *path,
	       const char *want)
{
	struct tune_item *it = items_add(l, "power");

	if (!it)
		return -ENOMEM;
	snprintf(it->name, sizeof(it->name), "%s", name);
	snprintf(it->path, sizeof(it->path), "%s", path);
	item_setf(it, &it->want, "%s", want);
	it->cmp = CMP_TEXT;
	it->flags = IT_OPTIONAL;
	return 0;
}

static int cpuidle_items(const struct tune_cfg *c, struct item_list *l,
			 unsigned int cpu, unsigned int max_state)
{
	char dir[160];
	int err = 0;

	snprintf(dir, sizeof(dir), "/sys/devices/system/cpu/cpu%u/cpuidle",
		 cpu);
	/* States are few and numbered from 0: probe by index. */
	for (unsigned int s = max_state + 1; s < 16 && !err; s++) {
		char path[192], name[48];

		snprintf(path, sizeof(path), "%s/state%u/disable", dir, s);
		if (!tune_exists(c, path))
			continue;
		snprintf(name, sizeof(name), "cpu%u idle state%u disable", cpu,
			 s);
		err = add(l, name, path, "1");
		if (!err)
			item_group(&l->v[l->n - 1], cpu,
				   "cpu* idle state%u disable", s);
	}
	return err;
}

/*
 * The CPU latency PM QoS limit lasts only while a process holds
 * /dev/cpu_dma_latency open (rtbpf hold), so it is checked, never written.
 * A read returns the limit in force as a binary s32 (2000000000: none).
 */
static int dma_latency_item(const struct tune_cfg *c, struct item_list *l)
{
	const char *want = profile_get(&c->prof, "power.dma_latency_us");
	struct tune_item *it = items_add(l, "power");
	int32_t v = 0;
	ssize_t n;
	int fd;

	if (!it)
		return -ENOMEM;
	snprintf(it->name, sizeof(it->name), "cpu_dma_latency limit");
	snprintf(it->path, sizeof(it->path), "/dev/cpu_dma_latency");
	item_setf(it, &it->want_show, "<= %s us", want);
	it->cmp = CMP_NONE;
	it->flags = IT_CHECK_ONLY | IT_OPTIONAL;
	fd = tune_open(c, it->path, O_RDONLY, 0);
	n = fd < 0 ? -1 : read(fd, &v, sizeof(v));
	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)sizeof(v)) {
		bool absent = fd < 0 && errno == ENOENT;

		item_setf(it, &it->actual, "?");
		it->st = absent ? ST_SKIP : ST_WARN;
		snprintf(it->note, sizeof(it->note), "%s",
			 absent		 ? "not present" :
			 errno == EACCES ? "reading it needs root" :
					   "unreadable");
		return 0;
	}
	item_setf(it, &it->actual, "%d us", (int)v);
	it->st = v <= atoi(want) ? ST_OK : ST_FAIL;
	if (it->st != ST_OK)
		snprintf(it->note, sizeof(it->note),
			 "nothing holds it: run 'rtbpf hold --dma-latency %s' "
			 "as a service",
			 want);
	return 0;
}

/* Boost: the global acpi-cpufreq switch and each policy's own (6.x). */
static int boost_items(const struct tune_cfg *c, struct item_list *l,
		       const char *want)
{
	int err = add(l, "cpufreq boost",
		      "/sys/devices/system/cpu/cpufreq/boost", want);

	for (unsigned int cpu = 0; cpu < CPUSET_MAX && !err; cpu++) {
		char path[160], name[48];

		if (!cpuset_has(&c->online, cpu))
			continue;
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpufreq/policy%u/boost", cpu);
		if (!tune_exists(c, path))
			continue;
		snprintf(name, sizeof(name), "policy%u boost", cpu);
		err = add(l, name, path, want);
		if (!err)
			item_group(&l->v[l->n - 1], cpu, "policy* boost");
	}
	return err;
}

/* Per-CPU files PRE<cpu>POST, in this order for each online CPU; some on
 * the latency CPUs only. Shown as "cpuN WHAT". */
static const struct cpu_knob {
	const char *key, *pre, *post, *what;
	bool latency_only;
} cpu_knobs[] = {
	{ "power.mce_ignore_ce",
	  "/sys/devices/system/machinecheck/machinecheck", "/ignore_ce",
	  "mce ignore_ce", false },
	{ "power.governor", "/sys/devices/system/cpu/cpu",
	  "/cpufreq/scaling_governor", "governor", false },
	{ "power.resume_latency_us", "/sys/devices/system/cpu/cpu",
	  "/power/pm_qos_resume_latency_us", "resume latency", true },
	{ "power.energy_perf_bias", "/sys/devices/system/cpu/cpu",
	  "/power/energy_perf_bias", "energy_perf_bias", true },
};

/* "n/a" reads as "not applicable"; in pm_qos_resume_latency_us it is the
 * kernel's word for "no wake-up latency allowed". */
static void na_note(struct tune_item *it)
{
	snprintf(it->note, sizeof(it->note),
		 "n/a is the kernel's value for no wake-up latency allowed: "
		 "the CPU never enters an idle state");
	it->flags |= IT_SHOW_NOTE;
}

int power_plan(const struct tune_cfg *c, struct item_list *l)
{
	bool idle = profile_wants(&c->prof, "power.cpuidle_max_state");
	unsigned int max_state =
		idle ? (unsigned int)atoi(profile_get(
			       &c->prof, "power.cpuidle_max_state")) :
		       0;
	int err = 0;

	if (profile_wants(&c->prof, "power.dma_latency_us"))
		err = dma_latency_item(c, l);
	if (!err && profile_wants(&c->prof, "power.min_perf_pct"))
		err = add(l, "intel_pstate min_perf_pct",
			  "/sys/devices/system/cpu/intel_pstate/min_perf_pct",
			  profile_get(&c->prof, "power.min_perf_pct"));
	if (!err && profile_wants(&c->prof, "power.platform_profile"))
		err = add(l, "ACPI platform profile",
			  "/sys/firmware/acpi/platform_profile",
			  profile_get(&c->prof, "power.platform_profile"));
	if (!err && profile_wants(&c->prof, "power.boost"))
		err = boost_items(c, l, profile_get(&c->prof, "power.boost"));
	if (!err && profile_wants(&c->prof, "power.no_turbo"))
		err = add(l, "intel_pstate no_turbo",
			  "/sys/devices/system/cpu/intel_pstate/no_turbo",
			  profile_get(&c->prof, "power.no_turbo"));
	for (unsigned int cpu = 0; cpu < CPUSET_MAX && !err; cpu++) {
		bool lat = cpuset_has(&c->cpus, cpu);

		if (!cpuset_has(&c->online, cpu))
			continue;
		for (size_t k = 0;
		     k < sizeof(cpu_knobs) / sizeof(cpu_knobs[0]) && !err;
		     k++) {
			const struct cpu_knob *kn = &cpu_knobs[k];
			char path[160], name[48];

			if ((kn->latency_only && !lat) ||
			    !profile_wants(&c->prof, kn->key))
				continue;
			snprintf(path, sizeof(path), "%s%u%s", kn->pre, cpu,
				 kn->post);
			snprintf(name, sizeof(name), "cpu%u %s", cpu, kn->what);
			err = add(l, name, path,
				  profile_get(&c->prof, kn->key));
			if (!err)
				item_group(&l->v[l->n - 1], cpu, "cpu* %s",
					   kn->what);
			if (!err &&
			    !strcmp(profile_get(&c->prof, kn->key), "n/a"))
				na_note(&l->v[l->n - 1]);
		}
		if (!err && lat && idle)
			err = cpuidle_items(c, l, cpu, max_state);
	}
	return err;
}
