/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * rtbpf run and rtbpf systemd-unit take the same options (one list of
 * entries, RUN_OPTS in run_opts.c), so a working `rtbpf run OPTS -- CMD`
 * becomes `rtbpf systemd-unit OPTS -- CMD`, whose unit runs that same
 * `rtbpf run` (unit.c). systemd-unit adds only what a unit needs:
 * --restart, and --root to check the CPUs, NUMA nodes, user and profile
 * of a fake tree (tests).
 */
#ifndef RTBPF_RUN_OPTS_H
#define RTBPF_RUN_OPTS_H

#include <stdbool.h>

#include "cli.h"
#include "parse.h"

/* Restart= of the unit (systemd.service(5)), RUN_RESTART_NO the
 * default; run_restart_choices[r].name is r's value. No on-watchdog (the
 * unit sets no WatchdogSec=) or on-success (a clean exit is not to be
 * undone). */
enum run_restart {
	RUN_RESTART_NO,
	RUN_RESTART_ON_FAILURE,
	RUN_RESTART_ON_ABNORMAL,
	RUN_RESTART_ON_ABORT,
	RUN_RESTART_ALWAYS,
};
extern const struct cli_choice run_restart_choices[];

struct run_args {
	struct cpuset cpus, nodes;
	bool has_cpus, has_nodes, mlock;
	int fifo, rr, nice; /* only the one given counts */
	bool is_fifo, is_rr, is_nice;
	const char *user; /* USER[:GROUP] */
	const char *profile; /* its process.* keys: the policy's default */
	/* systemd-unit only */
	int restart; /* enum run_restart */
	const char *root; /* "" or a directory: the host to check against */
	/* set by run_args_parse(): the policy in force, from --fifo, --rr,
	 * --nice, else the profile; -1: none (CMD keeps rtbpf's) */
	int policy, prio, nice_v;
};

extern const struct cli_cmd run_cli, unit_cli;

/*
 * Parses argv by cmd's table (run_cli or unit_cli) into a, then checks it
 * against the host (a->root, "" for this one) before anything changes:
 * every CPU and NUMA node online, the profile loads; and sets the policy.
 * 0 with *argi the first of CMD; CLI_HELP_SHOWN; or -EINVAL after one
 * line naming cmd and the option ("run: --cpus: CPU 9 is not online").
 * Reads only.
 */
int run_args_parse(const struct cli_cmd *cmd, struct run_args *a, int argc,
		   char **argv, int *argi);

#endif
