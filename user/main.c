// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf: global options and dispatch to a command (commands.c). */
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <bpf/libbpf.h>

#include "build_info.h"
#include "cli.h"
#include "commands.h"
#include "header.h"
#include "log.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: rtbpf [-v|--verbose] [--version] <command> "
		   "[options]\n\n"
		   "Commands:\n");
	for (const struct command *c = rtbpf_commands; c->name; c++)
		fprintf(f, "  %-13s %s\n", c->name, c->summary);
	fprintf(f, "\n'rtbpf <command> --help' shows a command's options.\n"
		   "Exit codes: 0 ok, 1 failure, 2 usage, 3 check found "
		   "deviations, 4 unsupported kernel or feature.\n");
}

/* argv[i] is no global option: say which it may be (the command named
 * later on the line, if any, helps). */
static int bad_global(int argc, char **argv, int i)
{
	const struct command *meant = NULL;
	char hint[256];

	for (int k = i + 1; k < argc && !meant; k++)
		meant = command_find(argv[k]);
	command_global_hint(argv[i], meant, hint, sizeof(hint));
	log_err("unknown global option '%s'%s", argv[i], hint);
	usage(stderr);
	return EXIT_USAGE;
}

/* The build: version, git revision, libbpf (the one running, and the one
 * built against) and libxdp (built against; linked in when static),
 * static or dynamic (a static binary has no program interpreter). */
static void print_version(void)
{
	printf("rtbpf %s (git %s)\n", RTBPF_VERSION, RTBPF_GIT);
	printf("libbpf %u.%u (built with %s), libxdp %s, %s\n",
	       libbpf_major_version(), libbpf_minor_version(),
	       RTBPF_LIBBPF_BUILT, RTBPF_LIBXDP_BUILT,
	       getauxval(AT_BASE) ? "dynamic" : "static");
}

int main(int argc, char **argv)
{
	const struct command *c;
	int i = 1, rc;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--version")) {
			print_version();
			return EXIT_OK;
		} else if (!strncmp(argv[i], "-v", 2) &&
			   strspn(argv[i] + 1, "v") == strlen(argv[i] + 1)) {
			log_verbosity += (int)strlen(argv[i] + 1);
		} else if (!strcmp(argv[i], "--verbose")) {
			log_verbosity++;
		} else {
			return bad_global(argc, argv, i);
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	c = command_find(argv[i]);
	if (!c) {
		const char *near = command_suggest(argv[i]);

		log_err("unknown command '%s'%s%s%s (see rtbpf --help)",
			argv[i], near ? "; did you mean " : "",
			near ? near : "", near ? "?" : "");
		return EXIT_USAGE;
	}
	json_out_init(stdout, argc - i, argv + i);
	rc = c->fn(argc - i, argv + i);
	json_out_exit(rc);
	return rc;
}
