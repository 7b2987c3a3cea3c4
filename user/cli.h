/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One option table per command drives getopt_long, validation of the
 * argument's presence, and --help text.
 */
#ifndef RTBPF_CLI_H
#define RTBPF_CLI_H

#include <getopt.h>
#include <stdio.h>

/* Exit codes, documented in README.md. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_DEVIATION = 3,
	EXIT_UNSUPPORTED = 4,
};

struct cli_opt {
	const char *name; /* long name */
	int key; /* short option letter, or a value >= 256 for long only */
	const char *arg; /* argument name, NULL when it takes none */
	const char *help;
};

#define CLI_MAX_OPTS 48

struct cli_parser {
	struct option longopts[CLI_MAX_OPTS + 1];
	char shortopts[CLI_MAX_OPTS * 2 + 2];
};

/* What cli_common() did with an option. */
enum {
	CLI_NEXT = 0, /* handled (or -v): go on parsing */
	CLI_HELP = 1, /* printed --help: the command exits 0 */
};

/*
 * The options every command treats alike, for the default: branch of its
 * getopt switch: -v raises log_verbosity, -h prints cli_usage() on stdout,
 * a missing argument (':') or an unknown option logs one line naming the
 * command and the option. Returns CLI_NEXT, CLI_HELP or -EINVAL.
 */
int cli_common(int key, char **argv, const char *cmd, const char *synopsis,
	       const struct cli_opt *opts);

/* Builds getopt tables from opts (terminated by a zeroed entry). */
void cli_parser_init(struct cli_parser *p, const struct cli_opt *opts);
void cli_usage(FILE *f, const char *cmd, const char *synopsis,
	       const struct cli_opt *opts);

#endif
