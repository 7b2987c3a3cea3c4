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
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "text.h"

struct unit_args {
	const char *profile;
	struct cpuset cpus, nodes;
	bool has_nodes;
};

#define U struct unit_args
static const struct cli_opt unit_opts[] = {
	{ "profile", 'P', .arg = "NAME",
	  .help = "profile whose process.* keys to use", CLI_STR_AT(U, profile),
	  .flags = CLI_REQUIRED },
	{ "cpus", 'c', .help = "CPUAffinity of the service",
	  CLI_CPULIST_AT(U, cpus), .flags = CLI_REQUIRED },
	{ "membind", 0, .arg = "NODES", .help = "NUMAPolicy=bind to NODES",
	  CLI_CPULIST_AT(U, nodes), CLI_SEEN(U, has_nodes) },
	{},
};
#undef U

const struct cli_cmd unit_cli = { "systemd-unit",
				  "--profile NAME --cpus LIST -- /CMD [ARGS]",
				  unit_opts, CLI_ARGS_CMD, NULL };

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

/*
 * CMD's path as ExecStart= can hold it: absolute, naming a program. systemd
 * refuses an executable path with a control byte, quote or backslash
 * (string_is_safe(): "contains special characters"), and takes a '$'
 * there literally while it expands "$$" in argv: none can be written so
 * that both come out as given. The arguments can hold any byte
 * (put_arg()). 0 or -EINVAL (said).
 */
static int check_exec(const char *path)
{
	const char *name = strrchr(path, '/');

	if (path[0] != '/') {
		log_err("systemd-unit: CMD '%s' is not an absolute path "
			"(-- /ABSOLUTE/CMD [ARGS])",
			path);
		return -EINVAL;
	}
	name++;
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
		log_err("systemd-unit: CMD '%s' names a directory, not a "
			"program",
			path);
		return -EINVAL;
	}
	for (const char *p = path; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '$' ||
		    strchr("\"'\\", *p)) {
			log_err("systemd-unit: CMD '%s': %s", path,
				*p == '$' ? "a '$' in the executable path has "
					    "no ExecStart= form (systemd "
					    "expands it in argv, not in the "
					    "path)" :
					    "systemd refuses control bytes, "
					    "quotes and backslashes in an "
					    "executable path");
			return -EINVAL;
		}
	}
	return 0;
}

int cmd_systemd_unit(int argc, char **argv)
{
	char *list = NULL, *nodes_s = NULL;
	const char *profile, *pol, *name;
	struct unit_args a = { 0 };
	struct profile *prof;
	int rc = EXIT_USAGE, argi;

	rc = cli_parse(&unit_cli, argc, argv, &a, &argi);
	if (rc)
		return cli_exit(rc);
	rc = EXIT_USAGE;
	profile = a.profile;
	if (check_exec(argv[argi]))
		return EXIT_USAGE;
	name = strrchr(argv[argi], '/') + 1;
	prof = calloc(1, sizeof(*prof));
	if (!prof) {
		log_err("systemd-unit: out of memory");
		return EXIT_FAIL;
	}
	if (profile_load(prof, "", profile))
		goto cleanup;
	list = cpuset_str(&a.cpus);
	nodes_s = a.has_nodes ? cpuset_str(&a.nodes) : NULL;
	if (!list || (a.has_nodes && !nodes_s)) {
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
	for (int i = argi; i < argc; i++) {
		if (i > argi)
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
