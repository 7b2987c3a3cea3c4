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
#include "applied.h"
#include "fs.h"
#include "journal.h"
#include "status.h"
#include "report.h"
#include "stage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "tune_opts.h"

/* The OK items rtbpf set, when its journal is readable (root). */
static void mark_by_rtbpf(const struct tune_cfg *c, struct item_list *l)
{
	struct journal j;

	if (journal_peek(&j, c))
		return;
	tune_mark_by_rtbpf(&j, l);
	journal_close(&j);
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
	if (!strcmp(cmd, "check"))
		mark_by_rtbpf(c, &l);
	if (!strcmp(cmd, "check")) {
		if (c->json) {
			report_json(c, &l, count);
		} else if (report_table(c, &l, count, log_verbosity > 0)) {
			goto cleanup;
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
