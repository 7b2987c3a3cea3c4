// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf apply / check / revert: option tables and the checks of stage
 * names and --root. */
#define _GNU_SOURCE
#include "tune_opts.h"
#include "stage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "log.h"

/* Everything cli_parse fills: the args, and what goes into tune_cfg. */
struct tune_all {
	struct tune_args a;
	uint32_t pids[TUNE_MAX_PIDS];
	unsigned int npids;
	bool dry_run, json, strict, force, drop_torn;
	char root[PATH_MAX];
};

/* "threads,irq" to a mask of tune_stages; a reason naming the bad one. */
static int apply_stages(const struct cli_opt *o, const char *arg,
			const union cli_val *v, void *dst, char *err,
			size_t len)
{
	const char *names[32], *near, *p = v->s;
	unsigned int mask = 0;
	size_t off, n;

	for (n = 0; n < tune_nstages && n < 32; n++)
		names[n] = tune_stages[n].name;
	while (*p) {
		char word[64];
		int i;

		n = strcspn(p, ",");
		snprintf(word, sizeof(word), "%.*s", (int)n, p);
		i = n ? tune_stage_index(word) : -1;
		if (i < 0 && n) {
			near = cli_suggest(word, names, tune_nstages);
			off = (size_t)snprintf(err, len,
					       "unknown stage '%s'%s%s%s; "
					       "stages:",
					       word,
					       near ? " (did you mean " : "",
					       near ? near : "",
					       near ? "?)" : "");
			for (size_t k = 0; k < tune_nstages && off < len; k++)
				off += (size_t)snprintf(err + off, len - off,
							" %s", names[k]);
			return -EINVAL;
		}
		if (i >= 0)
			mask |= 1u << i;
		p += n + (p[n] == ',');
	}
	if (!mask) {
		snprintf(err, len, "'%s': empty stage list", arg);
		return -EINVAL;
	}
	memcpy((char *)dst + o->off, &mask, sizeof(mask));
	return 0;
}

static int apply_root(const struct cli_opt *o, const char *arg,
		      const union cli_val *v, void *dst, char *err, size_t len)
{
	struct tune_all *t = dst;
	struct stat st;
	size_t n;

	(void)o;
	if (stat(v->s, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, len, "%s: not a directory", arg);
		return -ENOTDIR;
	}
	if (strlen(v->s) >= sizeof(t->root)) {
		snprintf(err, len, "%s: too long", arg);
		return -ENAMETOOLONG;
	}
	snprintf(t->root, sizeof(t->root), "%s", v->s);
	n = strlen(t->root);
	while (n > 1 && t->root[n - 1] == '/')
		t->root[--n] = '\0';
	if (!strcmp(t->root, "/"))
		t->root[0] = '\0';
	return 0;
}

#define A struct tune_all
/* Entries apply and check share (clang-format mangles brace lists in
 * macros). */
/* clang-format off */
#define TUNE_OPT_PROFILE(text, fl)                                            \
	{ "profile", 'P', .arg = "NAME", .help = (text),                      \
	  CLI_STR_AT(A, a.profile), .flags = (fl) }
#define TUNE_TARGET_OPTS(pid_text)                                            \
	{ "cpus", 'c', .help = "latency CPUs (default: the isolated CPUs)",   \
	  CLI_CPULIST_AT(A, a.cpus), CLI_SEEN(A, a.cpus_given) },             \
	{ "housekeeping", 0, .alias = "housekeeping-cpu",                     \
	  .help = "CPUs for IRQs and kernel work (default: the other online " \
		  "CPUs)",                                                    \
	  CLI_CPULIST_AT(A, a.hk), CLI_SEEN(A, a.hk_given) },                 \
	{ "pid", 'p', .arg = "PID", .help = (pid_text),                       \
	  CLI_UINTS_AT(A, pids, npids, 1, INT32_MAX),                         \
	  .apply = cli_store_live_id },                                       \
	{ "only", 0, .type = CLI_STR, .arg = "STAGE,...",                     \
	  .help = "only these stages", .off = offsetof(A, a.only),            \
	  CLI_SEEN(A, a.only_given), .excl = 1, .apply = apply_stages },      \
	{ "skip", 0, .type = CLI_STR, .arg = "STAGE,...",                     \
	  .help = "leave these stages out", .off = offsetof(A, a.skip),       \
	  CLI_SEEN(A, a.skip_given), .excl = 1, .apply = apply_stages }
#define TUNE_OPT_ROOT                                                         \
	{ "root", 0, .type = CLI_STR, .arg = "DIR",                           \
	  .help = "every path under DIR (tests)", .apply = apply_root }
/* clang-format on */

static const struct cli_opt apply_opts[] = {
	TUNE_OPT_PROFILE("ultra, low-latency, a file in "
			 "/etc/rtbpf/profiles.d or a path",
			 CLI_REQUIRED),
	TUNE_TARGET_OPTS("latency process (repeatable)"),
	{ "dry-run", 0, .help = "print the equivalent shell commands only",
	  CLI_FLAG_AT(A, dry_run) },
	TUNE_OPT_ROOT,
	{},
};

static const struct cli_opt check_opts[] = {
	TUNE_OPT_PROFILE("profile to check against (default ultra)", 0),
	TUNE_TARGET_OPTS("latency process to audit (repeatable)"),
	CLI_OPT_JSON(A, json),
	{ "strict", 0, .help = "warnings (boot knobs) are deviations",
	  CLI_FLAG_AT(A, strict) },
	TUNE_OPT_ROOT,
	{},
};

static const struct cli_opt revert_opts[] = {
	{ "dry-run", 0, .help = "print what revert would do; change nothing",
	  CLI_FLAG_AT(A, dry_run) },
	{ "force", 0,
	  .help = "restore knobs changed by someone else since apply, too",
	  CLI_FLAG_AT(A, force) },
	{ "drop-torn", 0,
	  .help = "drop a state file's torn last record (a crash in its "
		  "append)",
	  CLI_FLAG_AT(A, drop_torn) },
	TUNE_OPT_ROOT,
	{},
};
static const struct cli_opt status_opts[] = {
	CLI_OPT_JSON(A, json),
	TUNE_OPT_ROOT,
	{},
};
#undef A

const struct cli_cmd tune_apply_cli = { "apply", "--profile NAME [options]",
					apply_opts, CLI_ARGS_NONE, NULL };
const struct cli_cmd tune_check_cli = { "check", "[options]", check_opts,
					CLI_ARGS_NONE, NULL };
const struct cli_cmd tune_revert_cli = { "revert", "[options]", revert_opts,
					 CLI_ARGS_NONE, NULL };
const struct cli_cmd tune_status_cli = { "status", "[options]", status_opts,
					 CLI_ARGS_NONE, NULL };

int tune_parse_args(const struct cli_cmd *cmd, struct tune_cfg *c,
		    struct tune_args *a, int argc, char **argv)
{
	struct tune_all *t = calloc(1, sizeof(*t));
	int ret;

	if (!t) {
		log_err("%s: out of memory", cmd->name);
		return -ENOMEM;
	}
	ret = cli_parse(cmd, argc, argv, t, NULL);
	if (!ret) {
		*a = t->a;
		for (unsigned int i = 0; i < t->npids; i++)
			c->pids[i] = (pid_t)t->pids[i];
		c->npids = (int)t->npids;
		c->dry_run = t->dry_run;
		c->json = t->json;
		c->strict = t->strict;
		c->force = t->force;
		c->drop_torn = t->drop_torn;
		snprintf(c->root, sizeof(c->root), "%s", t->root);
	}
	free(t);
	return ret;
}
