// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf apply / check / revert: the options (tune_opts.c) checked against
 * the profile and the host, then the engine. Everything the user typed
 * (profile, CPU lists, PIDs, stage names) is validated before the first
 * write, so bad input changes nothing.
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
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "header.h"
#include "json.h"
#include "log.h"
#include "sysinfo.h"
#include "text.h"
#include "tune_opts.h"

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

static int run_tune(const struct cli_cmd *cli, int argc, char **argv)
{
	struct tune_cfg *c = calloc(1, sizeof(*c));
	const char *cmd = cli->name;
	struct tune_args ro = { 0 };
	struct item_list l = { 0 };
	unsigned int count[ST_INFO + 1] = { 0 };
	int err, rc = EXIT_FAIL;

	if (!c) {
		log_err("%s: out of memory", cmd);
		return EXIT_FAIL;
	}
	c->cmd = cmd;
	err = tune_parse_args(cli, c, &ro, argc, argv);
	if (err) {
		rc = err == -ENOMEM ? EXIT_FAIL : cli_exit(err);
		goto cleanup;
	}
	if (!strcmp(cmd, "revert")) {
		err = tune_revert(c);
		rc = err ? EXIT_FAIL : EXIT_OK;
		goto cleanup;
	}
	if (tune_resolve(c, &ro)) {
		rc = EXIT_USAGE;
		goto cleanup;
	}
	err = tune_check_run(c, &l, count);
	if (err) {
		log_err("%s: reading the current state: %s; nothing changed",
			cmd, strerror(-err));
		goto cleanup;
	}
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
	return run_tune(&tune_apply_cli, argc, argv);
}

int cmd_check(int argc, char **argv)
{
	return run_tune(&tune_check_cli, argc, argv);
}

int cmd_revert(int argc, char **argv)
{
	return run_tune(&tune_revert_cli, argc, argv);
}
