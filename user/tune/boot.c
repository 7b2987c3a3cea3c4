// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * boot stage, check only: isolcpus, nohz_full, rcu_nocbs, irqaffinity,
 * skew_tick, the idle cap, nosoftlockup, rcupdate.rcu_normal_after_boot
 * and tsc=reliable live on the kernel command line and need a
 * reboot, so rtbpf never applies them. It reads /proc/cmdline and, where the
 * kernel exports the result, /sys/devices/system/cpu/{isolated,nohz_full},
 * and prints the exact fragment to add for the chosen CPUs. A missing boot
 * knob is a WARN (check --strict makes it count as a deviation).
 */
#define _GNU_SOURCE
#include "tune.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sysinfo.h"

/* Value of "name=" on the command line, or NULL. */
static const char *param(const char *cmdline, const char *name, char *val,
			 size_t len)
{
	size_t n = strlen(name);
	const char *p = cmdline;

	while (*p) {
		const char *end;

		while (*p == ' ')
			p++;
		end = strchrnul(p, ' ');
		if (!strncmp(p, "--", 2) && (end - p) == 2)
			return NULL; /* the rest is for init */
		if ((size_t)(end - p) >= n && !strncmp(p, name, n) &&
		    (p[n] == '=' || p + n == end)) {
			const char *v = p[n] == '=' ? p + n + 1 : p + n;

			snprintf(val, len, "%.*s", (int)(end - v), v);
			return val;
		}
		p = end;
	}
	return NULL;
}

/* isolcpus=[flag,...,]LIST: the CPU list after the flags. */
static const char *isol_list(const char *v)
{
	static const char *const flags[] = { "nohz,", "domain,", "managed_irq,",
					     NULL };
	bool again = true;

	while (again) {
		again = false;
		for (int i = 0; flags[i]; i++)
			if (!strncmp(v, flags[i], strlen(flags[i]))) {
				v += strlen(flags[i]);
				again = true;
			}
	}
	return v;
}

static struct tune_item *add(struct item_list *l, const char *name,
			     const char *want, const char *actual, bool ok,
			     const char *note)
{
	struct tune_item *it = items_add(l, "boot");

	if (!it)
		return NULL;
	snprintf(it->name, sizeof(it->name), "%s", name);
	snprintf(it->path, sizeof(it->path), "/proc/cmdline");
	snprintf(it->want_show, sizeof(it->want_show), "%s", want);
	snprintf(it->actual, sizeof(it->actual), "%s", actual);
	it->cmp = CMP_NONE;
	it->flags = IT_CHECK_ONLY | IT_WARN_ONLY;
	it->st = ok ? ST_OK : ST_WARN;
	if (!ok)
		snprintf(it->note, sizeof(it->note), "%s", note);
	return it;
}

/* Latency CPUs inside the list in v (or in the sysfs file when present). */
static bool covers(const struct tune_cfg *c, const char *v, const char *sysfs,
		   char *shown, size_t len)
{
	struct cpuset s;
	char err[64], path[PATH_MAX];

	cpuset_zero(&s);
	if (sysfs && tune_exists(c, sysfs) &&
	    !sysinfo_read_cpulist(tune_path(c, sysfs, path), &s)) {
		cpuset_format(&s, shown, len);
	} else if (v) {
		if (parse_cpulist(v, &s, err, sizeof(err)))
			cpuset_zero(&s);
		snprintf(shown, len, "%s", v);
	} else {
		snprintf(shown, len, "(none)");
	}
	if (!*shown)
		snprintf(shown, len, "(none)");
	return cpuset_subset(&c->cpus, &s);
}

/* Parameters that take no CPU list: present with this value, or not. */
static const struct boot_flag {
	const char *key, *name, *value, *note;
} boot_flags[] = {
	{ "boot.nosoftlockup", "nosoftlockup", NULL,
	  "boot-only: the soft-lockup watchdog runs on every CPU" },
	{ "boot.rcu_normal_after_boot", "rcupdate.rcu_normal_after_boot", "1",
	  "boot-only: expedited RCU grace periods send IPIs to every CPU" },
	{ "boot.tsc_reliable", "tsc", "reliable",
	  "boot-only: the clocksource watchdog keeps checking the TSC "
	  "(only on bare metal with a stable TSC)" },
};

static int flag_items(const struct tune_cfg *c, struct item_list *l,
		      const char *cmd, char *frag, size_t fraglen, bool *all)
{
	for (size_t i = 0; i < sizeof(boot_flags) / sizeof(boot_flags[0]);
	     i++) {
		const struct boot_flag *f = &boot_flags[i];
		char v[128], want[128];
		const char *p;
		bool ok;

		if (!profile_wants(&c->prof, f->key) ||
		    strcmp(profile_get(&c->prof, f->key), "on"))
			continue;
		p = param(cmd, f->name, v, sizeof(v));
		ok = p && (f->value ? !strcmp(p, f->value) : !*p);
		*all &= ok;
		snprintf(want, sizeof(want), "%s%s%s", f->name,
			 f->value ? "=" : "", f->value ? f->value : "");
		snprintf(frag + strlen(frag), fraglen - strlen(frag), " %s",
			 want);
		if (!add(l, f->name, want, p ? (*p ? p : "set") : "(none)", ok,
			 f->note))
			return -ENOMEM;
	}
	return 0;
}

int boot_plan(const struct tune_cfg *c, struct item_list *l)
{
	char cmd[4096], v[512], shown[TUNE_VAL_MAX], lat[256], hk[256];
	char frag[1024] = "", want[300];
	const char *p;
	bool ok, all = true;

	/* frag collects the full boot fragment for the chosen CPUs. */
	int err;

	err = tune_read(c, "/proc/cmdline", cmd, sizeof(cmd));
	if (err) {
		cmd[0] = '\0';
		if (!add(l, "kernel cmdline", "readable", "?", false,
			 "cannot read /proc/cmdline"))
			return -ENOMEM;
	}
	cmd[strcspn(cmd, "\n")] = '\0';
	cpuset_format(&c->cpus, lat, sizeof(lat));
	cpuset_format(&c->housekeeping, hk, sizeof(hk));

	snprintf(want, sizeof(want), "isolcpus=managed_irq,domain,%s", lat);
	p = param(cmd, "isolcpus", v, sizeof(v));
	ok = covers(c, p ? isol_list(p) : NULL,
		    "/sys/devices/system/cpu/isolated", shown, sizeof(shown));
	if (profile_wants(&c->prof, "boot.isolcpus") &&
	    strcmp(profile_get(&c->prof, "boot.isolcpus"), "off")) {
		all &= ok;
		snprintf(frag + strlen(frag), sizeof(frag) - strlen(frag),
			 "%s%s", *frag ? " " : "", want);
		if (!add(l, "isolcpus", lat, shown, ok,
			 "boot-only: latency CPUs not isolated; see the "
			 "command line below"))
			return -ENOMEM;
	}
	ok = covers(c, param(cmd, "nohz_full", v, sizeof(v)),
		    "/sys/devices/system/cpu/nohz_full", shown, sizeof(shown));
	snprintf(want, sizeof(want), "nohz_full=%s", lat);
	if (profile_wants(&c->prof, "boot.nohz_full") &&
	    strcmp(profile_get(&c->prof, "boot.nohz_full"), "off")) {
		all &= ok;
		snprintf(frag + strlen(frag), sizeof(frag) - strlen(frag),
			 " %s", want);
		if (!add(l, "nohz_full", lat, shown, ok,
			 "boot-only: the tick still runs on latency CPUs"))
			return -ENOMEM;
	}
	p = param(cmd, "rcu_nocbs", v, sizeof(v));
	if (!p)
		p = param(cmd, "rcu_nocb", v, sizeof(v));
	ok = covers(c, p, NULL, shown, sizeof(shown));
	snprintf(want, sizeof(want), "rcu_nocbs=%s", lat);
	if (profile_wants(&c->prof, "boot.rcu_nocbs") &&
	    strcmp(profile_get(&c->prof, "boot.rcu_nocbs"), "off")) {
		all &= ok;
		snprintf(frag + strlen(frag), sizeof(frag) - strlen(frag),
			 " %s", want);
		if (!add(l, "rcu_nocbs", lat, shown, ok,
			 "boot-only: RCU callbacks still run on latency CPUs"))
			return -ENOMEM;
	}
	if (profile_wants(&c->prof, "boot.irqaffinity") &&
	    strcmp(profile_get(&c->prof, "boot.irqaffinity"), "off")) {
		struct cpuset s;
		char e[64];

		p = param(cmd, "irqaffinity", v, sizeof(v));
		ok = p && !parse_cpulist(p, &s, e, sizeof(e)) &&
		     cpuset_subset(&s, &c->housekeeping);
		all &= ok;
		snprintf(want, sizeof(want), "irqaffinity=%s", hk);
		snprintf(frag + strlen(frag), sizeof(frag) - strlen(frag),
			 " %s", want);
		if (!add(l, "irqaffinity", hk, p ? p : "(none)", ok,
			 "boot-only: IRQs start on every CPU until moved"))
			return -ENOMEM;
	}
	if (profile_wants(&c->prof, "boot.skew_tick") &&
	    strcmp(profile_get(&c->prof, "boot.skew_tick"), "off")) {
		p = param(cmd, "skew_tick", v, sizeof(v));
		ok = p && !strcmp(p, "1");
		all &= ok;
		snprintf(frag + strlen(frag), sizeof(frag) - strlen(frag),
			 " skew_tick=1");
		if (!add(l, "skew_tick", "1", p ? p : "(none)", ok,
			 "boot-only: ticks of all CPUs fire together"))
			return -ENOMEM;
	}
	if (profile_wants(&c->prof, "boot.idle") &&
	    strcmp(profile_get(&c->prof, "boot.idle"), "off")) {
		bool poll = !strcmp(profile_get(&c->prof, "boot.idle"), "poll");
		char v2[64];

		if (poll) {
			p = param(cmd, "idle", v, sizeof(v));
			ok = p && !strcmp(p, "poll");
			snprintf(want, sizeof(want), "idle=poll");
		} else {
			p = param(cmd, "processor.max_cstate", v, sizeof(v));
			ok = p && !strcmp(p, "1") &&
			     param(cmd, "intel_idle.max_cstate", v2,
				   sizeof(v2)) &&
			     !strcmp(v2, "0");
			snprintf(
				want, sizeof(want),
				"processor.max_cstate=1 intel_idle.max_cstate=0");
		}
		all &= ok;
		snprintf(frag + strlen(frag), sizeof(frag) - strlen(frag),
			 " %s", want);
		if (!add(l, "idle cap", poll ? "idle=poll" : "max_cstate=1",
			 ok ? "set" : "(none)", ok,
			 "boot-only: deep C-states allowed at boot"))
			return -ENOMEM;
	}
	if (flag_items(c, l, cmd, frag, sizeof(frag), &all))
		return -ENOMEM;
	if (*frag) {
		struct tune_item *it = add(l, "cmdline fragment", "",
					   all ? "all present" : "incomplete",
					   all, "");

		if (!it)
			return -ENOMEM;
		snprintf(it->note, sizeof(it->note), "%s",
			 frag + (frag[0] == ' '));
		it->st = ST_INFO;
	}
	return 0;
}
