// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf systemd-unit --profile NAME --cpus LIST [--membind NODES] -- CMD:
 * prints a service unit that starts CMD with the profile's process policy
 * (CPUSchedulingPolicy/Priority or Nice), CPUAffinity, LimitMEMLOCK,
 * LimitRTPRIO and NUMAPolicy, for the user to review and install. Writes
 * nothing. Arguments are quoted for systemd (see put_arg()): any byte,
 * newlines included, reaches CMD as given and none starts a unit line.
 */
#define _GNU_SOURCE
#include "tune.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "text.h"

enum { OPT_MEMBIND = 256 };

static const struct cli_opt unit_opts[] = {
	{ "profile", 'P', "NAME", "profile whose process.* keys to use" },
	{ "cpus", 'c', "LIST", "CPUAffinity of the service" },
	{ "membind", OPT_MEMBIND, "NODES", "NUMAPolicy=bind to NODES" },
	{ "help", 'h', NULL, "this help" },
	{},
};

/*
 * One argument of ExecStart= by systemd.syntax(7) and systemd.service(5):
 * '%' and '$' doubled everywhere (specifiers are expanded on the raw line,
 * $VAR at exec); an argument with a blank, quote, backslash, ';' or any
 * byte outside printable ASCII goes in double quotes, with '"' and '\\'
 * escaped and every such byte as "\xNN" (systemd's C escapes give back the
 * raw byte). So a newline cannot start a line of its own, and systemd
 * parses the exact argv back (tests/integration/unit_quote.sh checks it
 * with systemd-analyze).
 */
static void put_arg(const char *a)
{
	bool plain = *a;

	for (const char *p = a; *p && plain; p++)
		plain = *p > 0x20 && *p < 0x7f && !strchr("\"'\\;", *p);
	if (!plain)
		putchar('"');
	for (; *a; a++) {
		unsigned char b = (unsigned char)*a;

		if (b == '%' || b == '$')
			putchar(b);
		else if (b == '"' || b == '\\')
			putchar('\\');
		if (b < 0x20 || b >= 0x7f)
			printf("\\x%02x", b);
		else
			putchar(b);
	}
	if (!plain)
		putchar('"');
}

/* Text in a comment or Description=: escaped (text.h), '%' doubled. */
static void put_text(const char *s)
{
	char *e = text_escape_dup(s);

	for (const char *p = e ? e : "?"; *p; p++) {
		if (*p == '%')
			putchar('%');
		putchar(*p);
	}
	free(e);
}

/*
 * The unit file's name for the executable name: bytes a unit name may
 * hold (systemd.unit(5): letters, digits, ":", "_", ".", "-"; no leading
 * ".") kept, every other one as systemd-escape writes it ("\xNN"); a
 * trailing ".service" dropped, so "a.service" gives "a.service", not
 * "a.service.service".
 */
static void put_unit_name(const char *name)
{
	size_t n = strlen(name);

	if (n > 8 && !strcmp(name + n - 8, ".service"))
		n -= 8;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)name[i];

		if ((isalnum(b) && b < 0x80) || (i && strchr(":_.-", b)))
			putchar(b);
		else
			printf("\\x%02x", b);
	}
	printf(".service");
}

int cmd_systemd_unit(int argc, char **argv)
{
	const char *profile = NULL, *pol, *name;
	char err[256], *list = NULL, *nodes_s = NULL;
	struct cpuset cpus, nodes;
	bool has_cpus = false, has_nodes = false;
	struct cli_parser p;
	struct profile *prof;
	int ch, rc = EXIT_USAGE;

	cli_parser_init(&p, unit_opts);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, p.shortopts, p.longopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'P':
			profile = optarg;
			break;
		case 'c':
			if (parse_cpulist(optarg, &cpus, err, sizeof(err))) {
				log_err("systemd-unit: --cpus: %s", err);
				return EXIT_USAGE;
			}
			has_cpus = true;
			break;
		case OPT_MEMBIND:
			if (parse_cpulist(optarg, &nodes, err, sizeof(err))) {
				log_err("systemd-unit: --membind: %s", err);
				return EXIT_USAGE;
			}
			has_nodes = true;
			break;
		default: {
			int r = cli_common(ch, argv, "systemd-unit",
					   "--profile NAME --cpus LIST -- CMD "
					   "[ARGS]",
					   unit_opts);

			if (r)
				return r == CLI_HELP ? EXIT_OK : EXIT_USAGE;
			break;
		}
		}
	}
	if (!profile || !has_cpus || optind >= argc || argv[optind][0] != '/') {
		log_err("systemd-unit: needs --profile NAME --cpus LIST -- "
			"/ABSOLUTE/CMD [ARGS]");
		return EXIT_USAGE;
	}
	/* systemd refuses an executable path with a control byte, quote or
	 * backslash (string_is_safe(): "contains special characters"), and
	 * takes a '$' there literally while it expands "$$" in argv: none
	 * can be written so that both come out as given. The arguments can
	 * hold any byte (put_arg()). */
	name = strrchr(argv[optind], '/') + 1;
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
		log_err("systemd-unit: CMD '%s' names a directory, not a "
			"program",
			argv[optind]);
		return EXIT_USAGE;
	}
	for (const char *p = argv[optind]; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '$' ||
		    strchr("\"'\\", *p)) {
			log_err("systemd-unit: CMD '%s': %s", argv[optind],
				*p == '$' ? "a '$' in the executable path has "
					    "no ExecStart= form (systemd "
					    "expands it in argv, not in the "
					    "path)" :
					    "systemd refuses control bytes, "
					    "quotes and backslashes in an "
					    "executable path");
			return EXIT_USAGE;
		}
	}
	prof = calloc(1, sizeof(*prof));
	if (!prof) {
		log_err("systemd-unit: out of memory");
		return EXIT_FAIL;
	}
	if (profile_load(prof, "", profile))
		goto cleanup;
	list = cpuset_str(&cpus);
	nodes_s = has_nodes ? cpuset_str(&nodes) : NULL;
	if (!list || (has_nodes && !nodes_s)) {
		log_err("systemd-unit: out of memory");
		rc = EXIT_FAIL;
		goto cleanup;
	}
	printf("# Generated by rtbpf systemd-unit --profile ");
	put_text(profile);
	printf("; review, then\n# install as /etc/systemd/system/");
	put_unit_name(name);
	printf("\n[Unit]\nDescription=");
	put_text(name);
	printf(" (rtbpf profile ");
	put_text(profile);
	printf(")\nAfter=network-online.target\nWants=network-online.target\n\n"
	       "[Service]\nExecStart=");
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			putchar(' ');
		put_arg(argv[i]);
	}
	printf("\nCPUAffinity=%s\n", list);
	pol = profile_get(prof, "process.policy");
	if (pol && !strcmp(pol, "other")) {
		printf("CPUSchedulingPolicy=other\n");
		if (profile_wants(prof, "process.nice"))
			printf("Nice=%s\n", profile_get(prof, "process.nice"));
	} else if (pol && strcmp(pol, "keep")) {
		const char *prio =
			profile_wants(prof, "process.priority") ?
				profile_get(prof, "process.priority") :
				"50";

		printf("CPUSchedulingPolicy=%s\nCPUSchedulingPriority=%s\n"
		       "LimitRTPRIO=%s\n",
		       pol, prio, prio);
	}
	printf("LimitMEMLOCK=infinity\n");
	if (nodes_s)
		printf("NUMAPolicy=bind\nNUMAMask=%s\n", nodes_s);
	printf("Restart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n");
	rc = EXIT_OK;
cleanup:
	free(list);
	free(nodes_s);
	if (prof)
		profile_free(prof);
	free(prof);
	return rc;
}
