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
#include "tune/stage.h"
#include "tune/fs.h"
#include "tune/values.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
	item_setf(it, &it->want_show, "%s", want);
	item_setf(it, &it->actual, "%s", actual);
	it->cmp = CMP_NONE;
	it->flags = IT_CHECK_ONLY | IT_WARN_ONLY;
	it->st = ok ? ST_OK : ST_WARN;
	if (!ok)
		snprintf(it->note, sizeof(it->note), "%s", note);
	return it;
}

/* Latency CPUs inside the list in v (or in the sysfs file when present);
 * *shown: what was found, a new string (NULL on ENOMEM: nomem set). */
static bool covers(const struct tune_cfg *c, const char *v, const char *sysfs,
		   char **shown, bool *nomem)
{
	struct cpuset s;
	char err[64];

	cpuset_zero(&s);
	if (sysfs && tune_exists(c, sysfs) &&
	    !tune_read_cpulist(c, sysfs, &s)) {
		*shown = cpuset_count(&s) ? cpuset_str(&s) : strdup("(none)");
	} else if (v) {
		if (parse_cpulist(v, &s, err, sizeof(err)))
			cpuset_zero(&s);
		*shown = strdup(*v ? v : "(none)");
	} else {
		*shown = strdup("(none)");
	}
	*nomem |= !*shown;
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
		      const char *cmd, FILE *frag, bool *all)
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
		fprintf(frag, " %s", want);
		if (!add(l, f->name, want, p ? (*p ? p : "set") : "(none)", ok,
			 f->note))
			return -ENOMEM;
	}
	return 0;
}

/* One CPU-list parameter: checked against the command line (and sysfs),
 * its "name=LIST" added to the fragment. */
struct list_param {
	const char *key, *name, *alias, *prefix, *sysfs, *note;
};

static const struct list_param list_params[] = {
	{ "boot.isolcpus", "isolcpus", NULL, "managed_irq,domain,",
	  "/sys/devices/system/cpu/isolated",
	  "boot-only: latency CPUs not isolated; see the command line below" },
	{ "boot.nohz_full", "nohz_full", NULL, "",
	  "/sys/devices/system/cpu/nohz_full",
	  "boot-only: the tick still runs on latency CPUs" },
	{ "boot.rcu_nocbs", "rcu_nocbs", "rcu_nocb", "", NULL,
	  "boot-only: RCU callbacks still run on latency CPUs" },
};

static int list_item(const struct tune_cfg *c, struct item_list *l,
		     const struct list_param *lp, const char *cmd,
		     const char *lat, FILE *frag, bool *all)
{
	char v[4096], *shown = NULL;
	bool ok, nomem = false;
	const char *p;

	if (!profile_wants(&c->prof, lp->key) ||
	    !strcmp(profile_get(&c->prof, lp->key), "off"))
		return 0;
	/* v as large as the command line: a value is never cut */
	p = param(cmd, lp->name, v, sizeof(v));
	if (!p && lp->alias)
		p = param(cmd, lp->alias, v, sizeof(v));
	if (p && !strcmp(lp->name, "isolcpus"))
		p = isol_list(p);
	ok = covers(c, p, lp->sysfs, &shown, &nomem);
	if (nomem)
		return -ENOMEM;
	*all &= ok;
	fprintf(frag, " %s=%s%s", lp->name, lp->prefix, lat);
	if (!add(l, lp->name, lat, shown, ok, lp->note)) {
		free(shown);
		return -ENOMEM;
	}
	free(shown);
	return 0;
}

/* profile key on and not "off". */
static bool wants_on(const struct tune_cfg *c, const char *key)
{
	return profile_wants(&c->prof, key) &&
	       strcmp(profile_get(&c->prof, key), "off");
}

/* The idle cap: idle=poll, or C-states capped at C1. NULL on ENOMEM. */
static struct tune_item *idle_item(const struct tune_cfg *c,
				   struct item_list *l, const char *cmd,
				   FILE *fr, bool *all)
{
	bool poll = !strcmp(profile_get(&c->prof, "boot.idle"), "poll");
	const char *want, *p;
	char v[4096], v2[64];
	bool ok;

	if (poll) {
		p = param(cmd, "idle", v, sizeof(v));
		ok = p && !strcmp(p, "poll");
		want = "idle=poll";
	} else {
		p = param(cmd, "processor.max_cstate", v, sizeof(v));
		ok = p && !strcmp(p, "1") &&
		     param(cmd, "intel_idle.max_cstate", v2, sizeof(v2)) &&
		     !strcmp(v2, "0");
		want = "processor.max_cstate=1 intel_idle.max_cstate=0";
	}
	*all &= ok;
	fprintf(fr, " %s", want);
	return add(l, "idle cap", poll ? "idle=poll" : "max_cstate=1",
		   ok ? "set" : "(none)", ok,
		   "boot-only: deep C-states allowed at boot");
}

/* irqaffinity, skew_tick and the idle cap, as the profile wants them;
 * 0 or -ENOMEM. */
static int word_items(const struct tune_cfg *c, struct item_list *l,
		      const char *cmd, const char *hk, FILE *fr, bool *all)
{
	char v[4096];
	const char *p;
	bool ok;

	if (wants_on(c, "boot.irqaffinity")) {
		struct cpuset s;
		char e[64];

		p = param(cmd, "irqaffinity", v, sizeof(v));
		ok = p && !parse_cpulist(p, &s, e, sizeof(e)) &&
		     cpuset_subset(&s, &c->housekeeping);
		*all &= ok;
		fprintf(fr, " irqaffinity=%s", hk);
		if (!add(l, "irqaffinity", hk, p ? p : "(none)", ok,
			 "boot-only: IRQs start on every CPU until moved"))
			return -ENOMEM;
	}
	if (wants_on(c, "boot.skew_tick")) {
		p = param(cmd, "skew_tick", v, sizeof(v));
		ok = p && !strcmp(p, "1");
		*all &= ok;
		fprintf(fr, " skew_tick=1");
		if (!add(l, "skew_tick", "1", p ? p : "(none)", ok,
			 "boot-only: ticks of all CPUs fire together"))
			return -ENOMEM;
	}
	if (wants_on(c, "boot.idle") && !idle_item(c, l, cmd, fr, all))
		return -ENOMEM;
	return 0;
}

/* The whole fragment for the chosen CPUs (frag: " a=b c=d"), as INFO. */
static int fragment_item(struct item_list *l, const char *frag, bool all)
{
	struct tune_item *it = add(l, "cmdline fragment", "",
				   all ? "all present" : "incomplete", all, "");

	if (!it)
		return -ENOMEM;
	/* in full as the expected value (long on a big host); the note holds
	 * it too where it fits */
	item_setf(it, &it->want_show, "%s", frag + 1);
	if (strlen(frag + 1) < sizeof(it->note))
		snprintf(it->note, sizeof(it->note), "%s", frag + 1);
	else
		snprintf(it->note, sizeof(it->note),
			 "%zu bytes: see the expected value", strlen(frag + 1));
	it->st = ST_INFO;
	return 0;
}

int boot_plan(const struct tune_cfg *c, struct item_list *l)
{
	char cmd[4096], *lat = NULL, *hk = NULL, *frag = NULL;
	size_t fraglen = 0;
	FILE *fr = NULL;
	bool all = true;
	int err;

	err = tune_read(c, "/proc/cmdline", cmd, sizeof(cmd));
	if (err) {
		cmd[0] = '\0';
		if (!add(l, "kernel cmdline", "readable", "?", false,
			 "cannot read /proc/cmdline"))
			return -ENOMEM;
	}
	cmd[strcspn(cmd, "\n")] = '\0';
	err = -ENOMEM;
	lat = cpuset_str(&c->cpus);
	hk = cpuset_str(&c->housekeeping);
	/* frag collects the full boot fragment for the chosen CPUs. */
	fr = open_memstream(&frag, &fraglen);
	if (!lat || !hk || !fr)
		goto cleanup;
	for (size_t i = 0; i < sizeof(list_params) / sizeof(list_params[0]);
	     i++) {
		err = list_item(c, l, &list_params[i], cmd, lat, fr, &all);
		if (err)
			goto cleanup;
	}
	err = word_items(c, l, cmd, hk, fr, &all);
	if (!err && flag_items(c, l, cmd, fr, &all))
		err = -ENOMEM;
	if (err)
		goto cleanup;
	err = fclose(fr) ? -ENOMEM : 0;
	fr = NULL;
	if (!err && *frag)
		err = fragment_item(l, frag, all);
cleanup:
	if (fr)
		fclose(fr);
	free(frag);
	free(lat);
	free(hk);
	return err;
}
