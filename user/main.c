// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf: global options and dispatch to a command (commands.c). */
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "commands.h"
#include "header.h"
#include "log.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: rtbpf [-v] [--version] <command> [options]\n\n"
		   "Commands:\n");
	for (const struct command *c = rtbpf_commands; c->name; c++)
		fprintf(f, "  %-13s %s\n", c->name, c->summary);
	fprintf(f, "\n'rtbpf <command> --help' shows a command's options.\n"
		   "Exit codes: 0 ok, 1 failure, 2 usage, 3 check found "
		   "deviations, 4 unsupported kernel or feature.\n");
}

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--version")) {
			printf("rtbpf %s (libbpf %u.%u)\n", RTBPF_VERSION,
			       libbpf_major_version(), libbpf_minor_version());
			return EXIT_OK;
		} else if (!strncmp(argv[i], "-v", 2) &&
			   strspn(argv[i] + 1, "v") == strlen(argv[i] + 1)) {
			log_verbosity += (int)strlen(argv[i] + 1);
		} else {
			log_err("unknown global option '%s'", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (const struct command *c = rtbpf_commands; c->name; c++)
		if (!strcmp(argv[i], c->name)) {
			int rc;

			json_out_init(stdout, argc - i, argv + i);
			rc = c->fn(argc - i, argv + i);
			json_out_exit(rc);
			return rc;
		}
	log_err("unknown command '%s' (see rtbpf --help)", argv[i]);
	return EXIT_USAGE;
}
