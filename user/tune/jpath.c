// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What a journal record may name. revert writes whatever a record says to
 * the path it names, as root, so a record is only accepted when apply could
 * have written it: a stage that exists, a kind that stage makes, and a
 * target path of the shape that stage builds (taken from its plan code:
 * sysctl.c, irq.c, memory.c, ...). The path must also be canonical: one
 * leading '/', no "//", no "." or ".." component, no trailing '/', printable
 * ASCII only. Anything else is corruption, refused before anything is
 * touched.
 *
 * Patterns: '#' is a decimal number without leading zeros (at most 9
 * digits), '*' a network device name (1 to 15 bytes, no '/', ':' or
 * blank, not "." or ".."), anything else stands for itself.
 */
#define _GNU_SOURCE
#include "journal.h"

#include "profile.h"
#include "stage.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct jpath_rule {
	const char *stage;
	/* the record kinds the stage makes for it (one or two) */
	const struct knob_kind *kinds[2];
	const char *pattern;
} rules[] = {
	/* sysctl: "/proc/sys/" + a sysctl.* profile key, see jpath_sysctl */
	{ "net", { &kind_netdev }, "/sys/class/net/*/channels" },
	{ "memory",
	  { &kind_file },
	  "/sys/kernel/mm/transparent_hugepage/enabled" },
	{ "memory",
	  { &kind_file },
	  "/sys/kernel/mm/transparent_hugepage/defrag" },
	{ "memory", { &kind_file }, "/sys/kernel/mm/ksm/run" },
	{ "workqueue",
	  { &kind_file },
	  "/sys/devices/virtual/workqueue/cpumask" },
	{ "workqueue",
	  { &kind_file },
	  "/sys/bus/workqueue/devices/writeback/cpumask" },
	{ "irq", { &kind_file }, "/proc/irq/default_smp_affinity" },
	{ "irq", { &kind_file }, "/proc/irq/#/smp_affinity" },
	{ "irqbalance", { &kind_file }, "/etc/default/irqbalance" },
	{ "irqbalance", { &kind_file }, "/etc/sysconfig/irqbalance" },
	{ "threads", { &kind_affinity }, "/proc/#/task/#/affinity" },
	{ "power",
	  { &kind_file },
	  "/sys/devices/system/cpu/intel_pstate/min_perf_pct" },
	{ "power",
	  { &kind_file },
	  "/sys/devices/system/cpu/intel_pstate/no_turbo" },
	{ "power", { &kind_file }, "/sys/firmware/acpi/platform_profile" },
	{ "power", { &kind_file }, "/sys/devices/system/cpu/cpufreq/boost" },
	{ "power",
	  { &kind_file },
	  "/sys/devices/system/cpu/cpufreq/policy#/boost" },
	{ "power",
	  { &kind_file },
	  "/sys/devices/system/machinecheck/machinecheck#/ignore_ce" },
	{ "power",
	  { &kind_file },
	  "/sys/devices/system/cpu/cpu#/cpufreq/scaling_governor" },
	{ "power",
	  { &kind_file },
	  "/sys/devices/system/cpu/cpu#/power/pm_qos_resume_latency_us" },
	{ "power",
	  { &kind_file },
	  "/sys/devices/system/cpu/cpu#/power/energy_perf_bias" },
	{ "power",
	  { &kind_file },
	  "/sys/devices/system/cpu/cpu#/cpuidle/state#/disable" },
	{ "process", { &kind_sched }, "tid:#" },
	{ "limits",
	  { &kind_file, &kind_created },
	  "/etc/security/limits.d/99-rtbpf.conf" },
	{ "systemd",
	  { &kind_file, &kind_created },
	  "/etc/systemd/system.conf.d/99-rtbpf.conf" },
};

/* Length of the number at s ("0" or no leading zero, 1-9 digits), or 0. */
static size_t number_len(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n && n <= 9 && (s[0] != '0' || n == 1) ? n : 0;
}

static size_t ifname_len(const char *s)
{
	size_t n = strcspn(s, "/: \t\n");

	if (!n || n >= 16 || (n == 1 && s[0] == '.') ||
	    (n == 2 && !strncmp(s, "..", 2)))
		return 0;
	return n;
}

static bool match(const char *pat, const char *s)
{
	for (; *pat; pat++) {
		size_t n;

		if (*pat == '#' || *pat == '*') {
			n = *pat == '#' ? number_len(s) : ifname_len(s);
			if (!n)
				return false;
			s += n;
		} else if (*s++ != *pat) {
			return false;
		}
	}
	return !*s;
}

/* "/proc/sys/kernel/timer_migration" for a sysctl.kernel.timer_migration
 * key, the way sysctl_plan builds it. */
static bool jpath_sysctl(const char *path)
{
	const char *pre = "/proc/sys/";
	size_t pl = strlen(pre);

	if (strncmp(path, pre, pl))
		return false;
	for (size_t i = 0; i < profile_nkeys; i++) {
		const char *k = profile_keys[i].name, *p = path + pl;

		if (strncmp(k, "sysctl.", 7))
			continue;
		for (k += 7; *k && *p; k++, p++)
			if (*p != (*k == '.' ? '/' : *k))
				break;
		if (!*k && !*p)
			return true;
	}
	return false;
}

static bool canonical(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const char *s = p; *s; s++)
		if (*s <= ' ' || *s >= 0x7f)
			return false;
	for (const char *s = p; s; s = strchr(s + 1, '/')) {
		size_t n = strcspn(s + 1, "/");

		if (!n || (n == 1 && s[1] == '.') ||
		    (n == 2 && !strncmp(s + 1, "..", 2)))
			return false; /* "//", trailing '/', "." or ".." */
	}
	return true;
}

int jpath_check(const struct jrec *r, char *why, size_t len)
{
	bool stage = false;

	if (tune_stage_index(r->stage) < 0) {
		snprintf(why, len, "unknown stage '%s'", r->stage);
		return -EBADMSG;
	}
	if (!(r->kind->flags & KIND_NAME_PATH) && !canonical(r->path)) {
		snprintf(why, len,
			 "path '%s' is not canonical (absolute, no '//', '.', "
			 "'..' or trailing '/', printable)",
			 r->path);
		return -EBADMSG;
	}
	if (!strcmp(r->stage, "sysctl") && r->kind == &kind_file &&
	    jpath_sysctl(r->path))
		return 0;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (strcmp(rules[i].stage, r->stage))
			continue;
		stage = true;
		if ((rules[i].kinds[0] == r->kind ||
		     rules[i].kinds[1] == r->kind) &&
		    match(rules[i].pattern, r->path))
			return 0;
	}
	snprintf(why, len, "a %s record '%s' is not one the %s stage makes%s",
		 r->kind->name, r->path, r->stage,
		 stage || !strcmp(r->stage, "sysctl") ? "" :
							" (it writes nothing)");
	return -EBADMSG;
}
