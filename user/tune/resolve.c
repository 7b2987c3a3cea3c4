// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What apply and check (and the monitor's drift check) run against: the
 * profile, its stages narrowed by --only/--skip, and the CPU split
 * (latency and housekeeping CPUs) checked against the target tree. Reads
 * only; every error said, naming the command.
 */
#define _GNU_SOURCE
#include "tune_opts.h"
#include "applied.h"
#include "fs.h"
#include "stage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* The stages: the profile's, narrowed by --only or --skip. */
static int resolve_stages(struct tune_cfg *c, const struct tune_args *ro)
{
	unsigned int mask = 0;

	for (size_t i = 0; i < tune_nstages; i++) {
		char key[48];

		snprintf(key, sizeof(key), "stage.%s", tune_stages[i].name);
		if (profile_wants(&c->prof, key) &&
		    !strcmp(profile_get(&c->prof, key), "on"))
			mask |= 1u << i;
	}
	if (ro->only_given)
		mask = ro->only;
	if (ro->skip_given)
		mask &= ~ro->skip;
	if ((ro->only_given || ro->skip_given) && !mask) {
		log_err("%s: --only/--skip leave no stage to run", c->cmd);
		return -EINVAL;
	}
	c->stages = mask;
	return 0;
}

/* Housekeeping CPUs: --housekeeping, else every online CPU not a latency
 * one; never one of those, never none. */
static int resolve_housekeeping(struct tune_cfg *c, const struct tune_args *ro)
{
	int bad;

	if (ro->hk_given) {
		c->housekeeping = ro->hk;
		bad = cpuset_first_missing(&c->housekeeping, &c->online);
		if (bad >= 0) {
			log_err("%s: --housekeeping: CPU %d is not online",
				c->cmd, bad);
			return -EINVAL;
		}
		for (unsigned int cpu = 0; cpu < CPUSET_MAX; cpu++)
			if (cpuset_has(&c->housekeeping, cpu) &&
			    cpuset_has(&c->cpus, cpu)) {
				log_err("%s: CPU %u is both a latency and a "
					"housekeeping CPU",
					c->cmd, cpu);
				return -EINVAL;
			}
	} else {
		cpuset_zero(&c->housekeeping);
		for (unsigned int cpu = 0; cpu < CPUSET_MAX; cpu++)
			if (cpuset_has(&c->online, cpu) &&
			    !cpuset_has(&c->cpus, cpu))
				cpuset_add(&c->housekeeping, cpu);
	}
	if (!cpuset_count(&c->housekeeping)) {
		log_err("%s: the latency CPUs cover every online CPU; leave at "
			"least one for housekeeping (IRQs, kernel threads)",
			c->cmd);
		return -EINVAL;
	}
	return 0;
}

/* A plain check after apply: the profile and CPUs of that apply (a note
 * says so), unless given. */
static void from_applied(struct tune_cfg *c, struct tune_args *ro)
{
	struct tune_applied ap;
	char when[64], *list;
	const char *what;

	if (strcmp(c->cmd, "check") || (ro->profile && ro->cpus_given) ||
	    applied_read(c, &ap))
		return;
	snprintf(c->profile_src, sizeof(c->profile_src), "%s",
		 ro->profile ? ro->profile : ap.profile);
	what = ro->profile    ? "the CPUs" :
	       ro->cpus_given ? "the profile" :
				"those";

	if (!ro->cpus_given) {
		ro->cpus = ap.cpus;
		ro->cpus_given = true;
		if (!ro->hk_given) {
			ro->hk = ap.housekeeping;
			ro->hk_given = true;
		}
	}
	applied_when(ap.time, when, sizeof(when));
	list = cpuset_str(&ro->cpus);
	if (!c->json)
		printf("# profile %s, --cpus %s: %s of the last apply (%s)\n",
		       c->profile_src, list ? list : "?", what, when);
	free(list);
}

/* Profile, CPU split and stages: everything checked, nothing written. */
int tune_resolve(struct tune_cfg *c, struct tune_args *ro)
{
	char path[PATH_MAX], who[96], *list;
	struct cpuset isolated;
	int ret, bad;

	snprintf(c->profile_src, sizeof(c->profile_src), "%s",
		 ro->profile ? ro->profile : "ultra");
	from_applied(c, ro);
	/* the profile of the last apply (check without -P) is no option's */
	snprintf(who, sizeof(who), "%s%s", c->cmd,
		 ro->profile ? ": --profile" : "");
	ret = profile_load(&c->prof, c->root, c->profile_src, who);
	if (ret)
		return -EINVAL;
	c->have_prof = true;
	if (resolve_stages(c, ro))
		return -EINVAL;
	tune_path(c, "/sys/devices/system/cpu/possible", path);
	ret = tune_read_cpulist(c, "/sys/devices/system/cpu/possible",
				&c->possible);
	if (!ret) {
		tune_path(c, "/sys/devices/system/cpu/online", path);
		ret = tune_read_cpulist(c, "/sys/devices/system/cpu/online",
					&c->online);
	}
	if (ret == -ERANGE) {
		log_err("%s: %s lists a CPU past %d, the most rtbpf handles "
			"(CPUSET_MAX)",
			c->cmd, path, CPUSET_MAX - 1);
		return -EINVAL;
	}
	if (ret) {
		log_err("%s: read %s: %s", c->cmd, path, strerror(-ret));
		return -EINVAL;
	}
	if (ro->cpus_given) {
		c->cpus = ro->cpus;
	} else {
		cpuset_zero(&isolated);
		tune_read_cpulist(c, "/sys/devices/system/cpu/isolated",
				  &isolated);
		if (!cpuset_count(&isolated)) {
			log_err("%s: no isolated CPUs on this host: name the "
				"latency CPUs with %s LIST",
				c->cmd, c->cpus_opt ? c->cpus_opt : "--cpus");
			return -EINVAL;
		}
		c->cpus = isolated;
	}
	bad = cpuset_first_missing(&c->cpus, &c->possible);
	if (bad >= 0) {
		list = cpuset_str(&c->possible);
		log_err("%s: %s: CPU %d does not exist (this host has %s)",
			c->cmd, c->cpus_opt ? c->cpus_opt : "--cpus", bad,
			list ? list : "?");
		free(list);
		return -EINVAL;
	}
	bad = cpuset_first_missing(&c->cpus, &c->online);
	if (bad >= 0)
		log_warn("%s: latency CPU %d is offline", c->cmd, bad);
	return resolve_housekeeping(c, ro);
}
