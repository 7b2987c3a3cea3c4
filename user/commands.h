/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Entry points of rtbpf's commands: argv[0] is the command name; each
 * returns an exit code from cli.h. */
#ifndef RTBPF_COMMANDS_H
#define RTBPF_COMMANDS_H

int cmd_monitor(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_revert(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_systemd_unit(int argc, char **argv);
int cmd_hold(int argc, char **argv);
int cmd_xsk(int argc, char **argv);
int cmd_bench(int argc, char **argv);

#endif
