/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Entry points of rtbpf's commands: argv[0] is the command name; each
 * returns an exit code from cli.h. */
#ifndef RTBPF_COMMANDS_H
#define RTBPF_COMMANDS_H

#include <stddef.h>

int cmd_monitor(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_revert(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_systemd_unit(int argc, char **argv);
int cmd_hold(int argc, char **argv);
int cmd_xsk(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_timerlat(int argc, char **argv);
int cmd_osnoise(int argc, char **argv);

/* Every command's option table (cli.h): --help, and the man pages and
 * shell completion user/docgen generates from them. */
struct cli_cmd;
extern const struct cli_cmd monitor_cli, tune_apply_cli, tune_check_cli,
	tune_revert_cli, tune_status_cli, profile_list_cli, profile_show_cli,
	profile_keys_cli, run_cli, unit_cli, hold_cli, xsk_send_cli,
	xsk_recv_cli, e2e_cli, timerlat_cli, osnoise_cli;

/* A command as typed after "rtbpf" (commands.c). */
struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary; /* one line: rtbpf --help, its man page's NAME */
	const char *about; /* a paragraph: its man page's DESCRIPTION */
	const char *doc; /* the page of docs/ that says more */
	/* its option tables: one, or one per sub-command (xsk send, xsk
	 * recv); NULL ends them */
	const struct cli_cmd *const *cli;
};
/* Every command, in rtbpf --help's order; a zeroed entry ends it. */
extern const struct command rtbpf_commands[];
/* The command called name, or NULL. */
const struct command *command_find(const char *name);
/* The command name nearest to a mistyped word ("moniter"), or NULL. */
const char *command_suggest(const char *word);
/* For an unknown global option arg ("-P", "--verison"), what to add to
 * the message into buf: that it is a command's option and goes after
 * the command (meant, the command named later on the line, when it has
 * the option; may be NULL), or the global option meant; "" when
 * neither. */
void command_global_hint(const char *arg, const struct command *meant,
			 char *buf, size_t len);

#endif
