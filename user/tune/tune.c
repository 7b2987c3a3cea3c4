// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf apply / check / revert: option parsing and validation, then the
 * engine. Everything the user typed (profile, CPU lists, PIDs, stage names)
 * is validated before the first write, so bad input changes nothing.
 */
#define _GNU_SOURCE
#include "tune.h"
#include "engine.h"
#include "fs.h"
#include "stage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "header.h"
#include "json.h"
#include "log.h"
#include "sysinfo.h"
#include "text.h"

enum {
	OPT_ONLY = 256,
	OPT_SKIP,
	OPT_ROOT,
	OPT_HOUSEKEEPING,
	OPT_STRICT,
	OPT_FORCE,
	OPT_DROP_TORN,
};

static const struct cli_opt apply_opts[] = {
	{ "profile", 'P', "NAME",
	  "ultra, low-latency, a file in /etc/rtbpf/profiles.d or a path" },
	{ "cpus", 'c', "LIST", "latency CPUs (default: the isolated CPUs)" },
	{ "housekeeping", OPT_HOUSEKEEPING, "LIST",
	  "CPUs for IRQs and kernel work (default: the other online CPUs)" },
	{ "pid", 'p', "PID", "latency process (repeatable)" },
	{ "dry-run", 'n', NULL, "print the equivalent shell commands only" },
	{ "only", OPT_ONLY, "STAGE,...", "run only these stages" },
	{ "skip", OPT_SKIP, "STAGE,...", "leave these stages out" },
	{ "root", OPT_ROOT, "DIR", "every path under DIR (tests)" },
	{ "verbose", 'v', NULL, "more messages" },
	{ "help", 'h', NULL, "this help" },
	{},
};

static const struct cli_opt check_opts[] = {
	{ "profile", 'P', "NAME", "profile to check against (default ultra)" },
	{ "cpus", 'c', "LIST", "latency CPUs (default: the isolated CPUs)" },
	{ "housekeeping", OPT_HOUSEKEEPING, "LIST",
	  "CPUs for IRQs and kernel work (default: the other online CPUs)" },
	{ "pid", 'p', "PID", "latency process to audit (repeatable)" },
	{ "json", 'j', NULL, "NDJSON records on stdout" },
	{ "strict", OPT_STRICT, NULL, "warnings (boot knobs) are deviations" },
	{ "only", OPT_ONLY, "STAGE,...", "check only these stages" },
	{ "skip", OPT_SKIP, "STAGE,...", "leave these stages out" },
	{ "root", OPT_ROOT, "DIR", "every path under DIR (tests)" },
	{ "verbose", 'v', NULL, "more messages" },
	{ "help", 'h', NULL, "this help" },
	{},
};

static const struct cli_opt revert_opts[] = {
	{ "force", OPT_FORCE, NULL,
	  "restore knobs changed by someone else since apply, too" },
	{ "drop-torn", OPT_DROP_TORN, NULL,
	  "drop a state file's torn last record (a crash in its append)" },
	{ "root", OPT_ROOT, "DIR", "every path under DIR (tests)" },
	{ "verbose", 'v', NULL, "more messages" },
	{ "help", 'h', NULL, "this help" },
	{},
};

static int parse_stages(const char *cmd, const char *list, unsigned int *mask)
{
	char *buf = strdup(list), *save = NULL, *tok;
	int err = 0;

	if (!buf) {
		log_err("%s: out of memory", cmd);
		return -ENOMEM;
	}
	*mask = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int i = tune_stage_index(tok);

		if (i < 0) {
			fprintf(stderr,
				"rtbpf: %s: unknown stage '%s'; stages:", cmd,
				tok);
			for (size_t k = 0; k < tune_nstages; k++)
				fprintf(stderr, " %s", tune_stages[k].name);
			fputc('\n', stderr);
			err = -EINVAL;
			goto cleanup;
		}
		*mask |= 1u << i;
	}
	if (!*mask) {
		log_err("%s: empty stage list", cmd);
		err = -EINVAL;
	}
cleanup:
	free(buf);
	return err;
}

struct raw_opts {
	const char *profile, *cpus, *hk, *only, *skip;
	bool cpus_given;
};

/* Parses argv into c; 1 after --help, 0, or -EINVAL (message logged). */
static int parse_opts(struct tune_cfg *c, struct raw_opts *ro,
		      const struct cli_opt *opts, int argc, char **argv)
{
	struct cli_parser p;
	char err[256];
	uint64_t v;
	int ch;

	cli_parser_init(&p, opts);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, p.shortopts, p.longopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'P':
			ro->profile = optarg;
			break;
		case 'c':
			ro->cpus = optarg;
			break;
		case OPT_HOUSEKEEPING:
			ro->hk = optarg;
			break;
		case 'p':
			if (parse_u64(optarg, 1, INT32_MAX, &v, err,
				      sizeof(err))) {
				log_err("%s: --pid: %s", c->cmd, err);
				return -EINVAL;
			}
			if (c->npids == TUNE_MAX_PIDS) {
				log_err("%s: at most %d --pid", c->cmd,
					TUNE_MAX_PIDS);
				return -EINVAL;
			}
			c->pids[c->npids++] = (pid_t)v;
			break;
		case 'n':
			c->dry_run = true;
			break;
		case 'j':
			c->json = true;
			break;
		case OPT_STRICT:
			c->strict = true;
			break;
		case OPT_FORCE:
			c->force = true;
			break;
		case OPT_DROP_TORN:
			c->drop_torn = true;
			break;
		case OPT_ONLY:
			ro->only = optarg;
			break;
		case OPT_SKIP:
			ro->skip = optarg;
			break;
		case OPT_ROOT: {
			struct stat st;
			size_t n;

			if (stat(optarg, &st) || !S_ISDIR(st.st_mode)) {
				log_err("%s: --root %s: not a directory",
					c->cmd, optarg);
				return -EINVAL;
			}
			snprintf(c->root, sizeof(c->root), "%s", optarg);
			n = strlen(c->root);
			while (n > 1 && c->root[n - 1] == '/')
				c->root[--n] = '\0';
			if (!strcmp(c->root, "/"))
				c->root[0] = '\0';
			break;
		}
		default: {
			int r = cli_common(ch, argv, c->cmd, "[options]", opts);

			if (r)
				return r;
			break;
		}
		}
	}
	if (optind < argc) {
		log_err("%s: unexpected argument '%s'", c->cmd, argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Profile, CPU split, PIDs and stages: everything checked, nothing written. */
static int resolve(struct tune_cfg *c, const struct raw_opts *ro)
{
	char err[256], path[PATH_MAX], *list;
	struct cpuset isolated;
	unsigned int mask = 0;
	int ret, bad;

	ret = profile_load(&c->prof, c->root,
			   ro->profile ? ro->profile : "ultra");
	if (ret)
		return -EINVAL;
	c->have_prof = true;
	for (size_t i = 0; i < tune_nstages; i++) {
		char key[48];

		snprintf(key, sizeof(key), "stage.%s", tune_stages[i].name);
		if (profile_wants(&c->prof, key) &&
		    !strcmp(profile_get(&c->prof, key), "on"))
			mask |= 1u << i;
	}
	if (ro->only) {
		if (parse_stages(c->cmd, ro->only, &mask))
			return -EINVAL;
	}
	if (ro->skip) {
		unsigned int skip;

		if (parse_stages(c->cmd, ro->skip, &skip))
			return -EINVAL;
		mask &= ~skip;
	}
	if ((ro->only || ro->skip) && !mask) {
		log_err("%s: --only/--skip leave no stage to run", c->cmd);
		return -EINVAL;
	}
	c->stages = mask;

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
	if (ro->cpus) {
		if (parse_cpulist(ro->cpus, &c->cpus, err, sizeof(err))) {
			log_err("%s: --cpus: %s", c->cmd, err);
			return -EINVAL;
		}
	} else {
		cpuset_zero(&isolated);
		tune_read_cpulist(c, "/sys/devices/system/cpu/isolated",
				  &isolated);
		if (!cpuset_count(&isolated)) {
			log_err("%s: no isolated CPUs on this host: name the "
				"latency CPUs with --cpus LIST",
				c->cmd);
			return -EINVAL;
		}
		c->cpus = isolated;
	}
	bad = cpuset_first_missing(&c->cpus, &c->possible);
	if (bad >= 0) {
		list = cpuset_str(&c->possible);
		log_err("%s: --cpus: CPU %d does not exist (this host has %s)",
			c->cmd, bad, list ? list : "?");
		free(list);
		return -EINVAL;
	}
	bad = cpuset_first_missing(&c->cpus, &c->online);
	if (bad >= 0)
		log_warn("%s: latency CPU %d is offline", c->cmd, bad);
	if (ro->hk) {
		if (parse_cpulist(ro->hk, &c->housekeeping, err, sizeof(err))) {
			log_err("%s: --housekeeping: %s", c->cmd, err);
			return -EINVAL;
		}
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
	for (int i = 0; i < c->npids; i++) {
		snprintf(path, sizeof(path), "/proc/%d", c->pids[i]);
		if (access(path, F_OK)) {
			log_err("%s: --pid %d: no such process", c->cmd,
				c->pids[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static const char *st_name(enum item_status st)
{
	static const char *const names[] = { "OK", "WARN", "FAIL", "SKIP",
					     "INFO" };

	return names[st];
}

/* Names, values and notes hold what others wrote (thread and IRQ names,
 * interface names, file contents): escaped for the terminal. */
static int print_table(const struct tune_cfg *c, const struct item_list *l)
{
	int err = 0;

	for (size_t i = 0; i < l->n && !err; i++) {
		const struct tune_item *it = &l->v[i];
		char *name = text_escape_dup(it->name);
		char *want = text_escape_dup(it->want_show);
		char *actual = text_escape_dup(it->actual);
		char *note = text_escape_dup(it->note);

		if (!name || !want || !actual || !note) {
			log_err("%s: out of memory", c->cmd);
			err = -ENOMEM;
		} else if (it->st == ST_INFO) {
			printf("%-4s %-9s %s:\n     %s\n", st_name(it->st),
			       it->stage, name, *want ? want : note);
		} else {
			printf("%-4s %-9s %-28s want %-10s is %s\n",
			       st_name(it->st), it->stage, name, want, actual);
			if (note[0] && (it->st != ST_OK || log_verbosity ||
					(it->flags & IT_SHOW_NOTE)))
				printf("     %s\n", note);
		}
		free(name);
		free(want);
		free(actual);
		free(note);
	}
	return err;
}

static void print_json(const struct tune_cfg *c, const struct item_list *l,
		       const unsigned int *count)
{
	struct host_info hi;
	struct json_w w;

	/* the kernel running; the isolated CPUs of the tree checked */
	sysinfo_load(&hi);
	if (tune_read_cpulist(c, "/sys/devices/system/cpu/isolated",
			      &hi.isolated))
		cpuset_zero(&hi.isolated);
	json_init(&w, stdout);
	json_header_begin(&w, "check", &hi);
	json_kv_str(&w, "root", c->root);
	json_kv_str(&w, "profile", c->prof.name);
	json_cpuset(&w, "cpus", &c->cpus);
	json_cpuset(&w, "housekeeping", &c->housekeeping);
	json_obj_end(&w);
	json_end_record(&w);
	for (size_t i = 0; i < l->n; i++) {
		const struct tune_item *it = &l->v[i];

		json_obj_begin(&w);
		json_kv_str(&w, "type", "item");
		json_kv_str(&w, "stage", it->stage);
		json_kv_str(&w, "item", it->name);
		json_kv_str(&w, "path", it->path);
		json_kv_str(&w, "expected", it->want_show);
		json_kv_str(&w, "actual", it->actual);
		json_kv_str(&w, "status", st_name(it->st));
		if (it->note[0])
			json_kv_str(&w, "note", it->note);
		json_obj_end(&w);
		json_end_record(&w);
	}
	json_obj_begin(&w);
	json_kv_str(&w, "type", "summary");
	json_kv_u64(&w, "ok", count[ST_OK]);
	json_kv_u64(&w, "warn", count[ST_WARN]);
	json_kv_u64(&w, "fail", count[ST_FAIL]);
	json_kv_u64(&w, "skip", count[ST_SKIP]);
	json_obj_end(&w);
	json_end_record(&w);
}

static int run_tune(const char *cmd, const struct cli_opt *opts, int argc,
		    char **argv)
{
	struct tune_cfg *c = calloc(1, sizeof(*c));
	struct raw_opts ro = { 0 };
	struct item_list l = { 0 };
	unsigned int count[ST_INFO + 1] = { 0 };
	int err, rc = EXIT_FAIL;

	if (!c) {
		log_err("%s: out of memory", cmd);
		return EXIT_FAIL;
	}
	c->cmd = cmd;
	err = parse_opts(c, &ro, opts, argc, argv);
	if (err) {
		rc = err > 0 ? EXIT_OK : EXIT_USAGE;
		goto cleanup;
	}
	if (!strcmp(cmd, "revert")) {
		err = tune_revert(c);
		rc = err ? EXIT_FAIL : EXIT_OK;
		goto cleanup;
	}
	if (!strcmp(cmd, "apply") && !ro.profile) {
		log_err("apply: --profile NAME is required (ultra, low-latency, "
			"or a profile file)");
		rc = EXIT_USAGE;
		goto cleanup;
	}
	if (resolve(c, &ro)) {
		rc = EXIT_USAGE;
		goto cleanup;
	}
	err = tune_plan(c, &l);
	if (err) {
		log_err("%s: reading the current state: %s; nothing changed",
			cmd, strerror(-err));
		goto cleanup;
	}
	tune_check_items(c, &l);
	for (size_t i = 0; i < l.n; i++)
		count[l.v[i].st]++;
	if (!strcmp(cmd, "check")) {
		if (c->json) {
			print_json(c, &l, count);
		} else {
			if (print_table(c, &l))
				goto cleanup;
			printf("%u ok, %u warn, %u fail, %u skipped\n",
			       count[ST_OK], count[ST_WARN], count[ST_FAIL],
			       count[ST_SKIP]);
		}
		rc = count[ST_FAIL] || (c->strict && count[ST_WARN]) ?
			     EXIT_DEVIATION :
			     EXIT_OK;
		goto cleanup;
	}
	err = tune_apply_items(c, &l);
	rc = err ? EXIT_FAIL : EXIT_OK;
cleanup:
	items_free(&l);
	profile_free(&c->prof);
	free(c);
	return rc;
}

int cmd_apply(int argc, char **argv)
{
	return run_tune("apply", apply_opts, argc, argv);
}

int cmd_check(int argc, char **argv)
{
	return run_tune("check", check_opts, argc, argv);
}

int cmd_revert(int argc, char **argv)
{
	return run_tune("revert", revert_opts, argc, argv);
}
