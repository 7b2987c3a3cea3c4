// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf run / systemd-unit: their one list of options and its checks
 * against the host (run_opts.h). */
#define _GNU_SOURCE
#include "run_opts.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "profile.h"
#include "sysinfo.h"

#define MLOCK_HELP "lock all of CMD's memory (preloads librtbpf-mlock.so)"

#define R struct run_args
/* What both commands take, in one list (clang-format mangles brace lists
 * in macros). */
/* clang-format off */
#define RUN_OPTS                                                              \
	{ "cpus", 'c', .help = "CPU affinity of CMD",                         \
	  CLI_CPULIST_AT(R, cpus), CLI_SEEN(R, has_cpus) },                   \
	{ "fifo", 0, .arg = "PRIO", .help = "SCHED_FIFO at PRIO (1-99)",      \
	  CLI_INT_AT(R, fifo, 1, 99), CLI_SEEN(R, is_fifo), .excl = 1 },      \
	{ "rr", 0, .arg = "PRIO", .help = "SCHED_RR at PRIO (1-99)",          \
	  CLI_INT_AT(R, rr, 1, 99), CLI_SEEN(R, is_rr), .excl = 1 },          \
	{ "nice", 0, .help = "SCHED_OTHER at nice N (-20..19)",               \
	  CLI_INT_AT(R, nice, -20, 19), CLI_SEEN(R, is_nice), .excl = 1 },    \
	{ "profile", 'P', .arg = "NAME",                                      \
	  .help = "policy from the profile's process.* keys unless --fifo, "  \
		  "--rr or --nice says otherwise",                            \
	  CLI_STR_AT(R, profile) },                                           \
	{ "mlock", 0, .help = MLOCK_HELP, CLI_FLAG_AT(R, mlock) },            \
	{ "membind", 0, .arg = "NODES",                                       \
	  .help = "allocate only on NUMA NODES (a list as for CPUs)",         \
	  CLI_CPULIST_AT(R, nodes), CLI_SEEN(R, has_nodes) },                 \
	{ "user", 0, .arg = "USER[:GROUP]",                                   \
	  .help = "run CMD as USER (names from /etc/passwd, group)",          \
	  CLI_STR_AT(R, user) }
/* clang-format on */

/* indexed by enum run_restart */
const struct cli_choice run_restart_choices[] = {
	{ .name = "no", .val = RUN_RESTART_NO },
	{ .name = "on-failure", .val = RUN_RESTART_ON_FAILURE },
	{ .name = "on-abnormal", .val = RUN_RESTART_ON_ABNORMAL },
	{ .name = "on-abort", .val = RUN_RESTART_ON_ABORT },
	{ .name = "always", .val = RUN_RESTART_ALWAYS },
	{ 0 },
};

static int apply_root(const struct cli_opt *o, const char *arg,
		      const union cli_val *v, void *dst, char *err, size_t len)
{
	struct stat st;

	(void)o;
	if (stat(v->s, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, len, "%s: not a directory", arg);
		return -ENOTDIR;
	}
	/* "/" is this host: no "under /" in messages */
	((struct run_args *)dst)->root = strcmp(v->s, "/") ? v->s : "";
	return 0;
}

static const struct cli_opt run_opts[] = {
	RUN_OPTS,
	{},
};

static const struct cli_opt unit_opts[] = {
	RUN_OPTS,
	{ "restart", 0, .arg = "POLICY",
	  .help = "Restart= of the unit (default no: a trading process is "
		  "not restarted on its own)",
	  CLI_CHOICE_AT(R, restart, run_restart_choices) },
	{ "root", 0, .type = CLI_STR, .arg = "DIR",
	  .help = "check CPUs, nodes, user and profile under DIR (tests)",
	  .apply = apply_root },
	{},
};
#undef R

const struct cli_cmd run_cli = { "run", "[options] -- CMD [ARGS]", run_opts,
				 CLI_ARGS_CMD, NULL };
const struct cli_cmd unit_cli = { "systemd-unit", "[options] -- CMD [ARGS]",
				  unit_opts, CLI_ARGS_CMD, NULL };

/* list under root online, else the first one missing said: 0 or -EINVAL */
static int check_online(const char *cmd, const char *root, const char *opt,
			const char *what, const char *file,
			const struct cpuset *list)
{
	struct cpuset online;
	char path[PATH_MAX];
	int bad;

	snprintf(path, sizeof(path), "%s%s", root, file);
	if (sysinfo_read_cpulist(path, &online)) {
		if (strcmp(what, "NUMA node"))
			return 0; /* no sysfs: the kernel says at exec */
		/* no NUMA: node 0 alone */
		cpuset_zero(&online);
		cpuset_add(&online, 0);
	}
	bad = cpuset_first_missing(list, &online);
	if (bad < 0)
		return 0;
	log_err("%s: %s: %s %d is not online%s%s", cmd, opt, what, bad,
		*root ? " under " : "", root);
	return -EINVAL;
}

/* A key the loader validated as an integer in its range, or dflt. */
static int profile_int(const struct profile *prof, const char *key, int dflt)
{
	return profile_wants(prof, key) ?
		       (int)strtol(profile_get(prof, key), NULL, 10) :
		       dflt;
}

/* The policy from the profile's process.* keys (rt-tests' default
 * priority 50 when it names none): 0 or -EINVAL (the loader said why). */
static int profile_policy(const char *cmd, struct run_args *a)
{
	struct profile prof = { 0 };
	char who[64];
	const char *pol;

	snprintf(who, sizeof(who), "%s: --profile", cmd);
	if (profile_load(&prof, a->root, a->profile, who))
		return -EINVAL;
	pol = profile_get(&prof, "process.policy");
	if (pol && !strcmp(pol, "other")) {
		a->policy = SCHED_OTHER;
		a->nice_v = profile_int(&prof, "process.nice", 0);
	} else if (pol && strcmp(pol, "keep")) {
		a->policy = strcmp(pol, "rr") ? SCHED_FIFO : SCHED_RR;
		a->prio = profile_int(&prof, "process.priority", 50);
	}
	profile_free(&prof);
	return 0;
}

int run_args_parse(const struct cli_cmd *cmd, struct run_args *a, int argc,
		   char **argv, int *argi)
{
	int ret;

	a->root = "";
	ret = cli_parse(cmd, argc, argv, a, argi);
	if (ret)
		return ret;
	a->policy = -1;
	if (a->has_cpus &&
	    check_online(cmd->name, a->root, "--cpus", "CPU",
			 "/sys/devices/system/cpu/online", &a->cpus))
		return -EINVAL;
	if (a->has_nodes &&
	    check_online(cmd->name, a->root, "--membind", "NUMA node",
			 "/sys/devices/system/node/online", &a->nodes))
		return -EINVAL;
	if (a->is_fifo || a->is_rr) {
		a->policy = a->is_fifo ? SCHED_FIFO : SCHED_RR;
		a->prio = a->is_fifo ? a->fifo : a->rr;
	} else if (a->is_nice) {
		a->policy = SCHED_OTHER;
		a->nice_v = a->nice;
	} else if (a->profile) {
		return profile_policy(cmd->name, a);
	}
	return 0;
}
