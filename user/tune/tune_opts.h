/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* rtbpf apply / check / revert: their option tables (tune_opts.c). */
#ifndef RTBPF_TUNE_OPTS_H
#define RTBPF_TUNE_OPTS_H

#include "cli.h"
#include "tune.h"

/* What the user typed, converted; resolve() in tune.c checks it against
 * the host and the profile. */
struct tune_args {
	const char *profile;
	struct cpuset cpus, hk;
	bool cpus_given, hk_given;
	unsigned int only, skip; /* stage masks */
	bool only_given, skip_given;
};

extern const struct cli_cmd tune_apply_cli, tune_check_cli, tune_revert_cli,
	tune_status_cli;

/* Parses argv by cmd's table into c (PIDs, flags, root) and a: 0,
 * CLI_HELP_SHOWN, or -EINVAL (said, naming the option). */
int tune_parse_args(const struct cli_cmd *cmd, struct tune_cfg *c,
		    struct tune_args *a, int argc, char **argv);

/* c's profile (c->profile_src; a plain check after apply: the applied
 * one), stages and CPU split from a, checked against the target tree
 * (resolve.c): reads only. 0, or -EINVAL after a message naming c->cmd;
 * c->prof is loaded when c->have_prof (profile_free() it). */
int tune_resolve(struct tune_cfg *c, struct tune_args *a);

#endif
