// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf systemd-unit [run's options] [--restart POLICY] -- CMD [ARGS]:
 * prints a service unit whose ExecStart= is `rtbpf run` with the same
 * options (run_opts.h), so a command line that works by hand runs the
 * same way as a service, for the user to review and install. Writes
 * nothing. --user becomes User= (and Group=), with the limits an
 * unprivileged `rtbpf run` needs for what it sets (LimitRTPRIO=,
 * LimitNICE=, LimitMEMLOCK= with --mlock only); no --user runs CMD as
 * root, with a warning. Restart=no unless --restart says otherwise: a
 * trading process that died is looked at before it trades again. CPUs,
 * NUMA nodes, the user and the profile are checked on this host (or
 * --root) first. Arguments are quoted for systemd (see put_arg()): any
 * byte, newlines included, reaches CMD as given and none starts a unit
 * line.
 */
#define _GNU_SOURCE
#include "tune.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "account.h"
#include "cli.h"
#include "commands.h"
#include "log.h"
#include "run_opts.h"
#include "text.h"

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
 * rtbpf's own path, ExecStart='s executable: the binary that checked the
 * options, canonical. systemd refuses an executable path with a control
 * byte, quote or backslash (string_is_safe(): "contains special
 * characters") and takes a '$' there literally: such a path cannot be
 * written (1, said). 0 or the exit code.
 */
static int self_path(char *out, size_t len)
{
	char buf[PATH_MAX];

	if (!realpath("/proc/self/exe", buf)) {
		log_err("systemd-unit: rtbpf's own path (/proc/self/exe): %s",
			strerror(errno));
		return EXIT_FAIL;
	}
	for (const char *p = buf; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '$' ||
		    strchr("\"'\\", *p)) {
			log_err("systemd-unit: rtbpf's path '%s' cannot be an "
				"executable of ExecStart= (control bytes, "
				"quotes, backslashes, '$'); run an installed "
				"rtbpf",
				buf);
			return EXIT_FAIL;
		}
	}
	snprintf(out, len, "%s", buf);
	return 0;
}

/* The first executable regular file name in $PATH (execvp's default
 * without it), heap; NULL. */
static char *path_lookup(const char *name)
{
	const char *path = getenv("PATH");
	struct stat st;
	char *out;
	size_t n;

	if (!path || !*path)
		path = "/bin:/usr/bin";
	for (; *path; path += n + (path[n] == ':')) {
		n = strcspn(path, ":");
		if (asprintf(&out, "%.*s/%s", (int)n, n ? path : ".", name) < 0)
			return NULL;
		if (!stat(out, &st) && S_ISREG(st.st_mode) &&
		    !access(out, X_OK))
			return out;
		free(out);
	}
	return NULL;
}

/*
 * CMD as the unit runs it: a service starts in / with systemd's PATH, so
 * a relative path is made absolute from the current directory and a bare
 * name is looked up in PATH now, as `rtbpf run` here would (execvp).
 * Heap string, or NULL after a message (a program not found, a directory).
 */
static char *cmd_path(const char *cmd)
{
	char cwd[PATH_MAX], *out = NULL;
	const char *name;

	if (*cmd == '/')
		out = strdup(cmd);
	else if (!strchr(cmd, '/'))
		out = path_lookup(cmd);
	else if (getcwd(cwd, sizeof(cwd)) &&
		 asprintf(&out, "%s/%s", strcmp(cwd, "/") ? cwd : "", cmd) < 0)
		out = NULL;
	if (!out) {
		log_err("systemd-unit: CMD '%s': %s", cmd,
			strchr(cmd, '/') ? strerror(errno) :
					   "not found in PATH; give its path");
		return NULL;
	}
	name = strrchr(out, '/') + 1;
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
		log_err("systemd-unit: CMD '%s' names a directory, not a "
			"program",
			cmd);
		free(out);
		return NULL;
	}
	return out;
}

/* The options of `rtbpf run` that give what a asks for, canonical (the
 * profile resolved), --user left to User=. 0 or -ENOMEM. */
static int put_run_opts(const struct run_args *a)
{
	char *cpus = a->has_cpus ? cpuset_str(&a->cpus) : NULL;
	char *nodes = a->has_nodes ? cpuset_str(&a->nodes) : NULL;
	int ret = 0;

	if ((a->has_cpus && !cpus) || (a->has_nodes && !nodes)) {
		ret = -ENOMEM;
		goto cleanup;
	}
	printf(" run");
	if (cpus)
		printf(" --cpus %s", cpus);
	if (a->policy == SCHED_FIFO || a->policy == SCHED_RR)
		printf(" --%s %d", a->policy == SCHED_FIFO ? "fifo" : "rr",
		       a->prio);
	else if (a->policy == SCHED_OTHER)
		printf(" --nice %d", a->nice_v);
	if (a->mlock)
		printf(" --mlock");
	if (nodes)
		printf(" --membind %s", nodes);
	printf(" --");
cleanup:
	free(cpus);
	free(nodes);
	return ret;
}

/*
 * [Service] after ExecStart=: who runs it and the limits that let `rtbpf
 * run`, as that user, set what it sets (RLIMIT_RTPRIO for SCHED_FIFO/RR,
 * RLIMIT_NICE below nice 0, RLIMIT_MEMLOCK for mlockall), then Restart=.
 */
static void put_service(const struct run_args *a, const struct account *acct)
{
	const char *group = a->user ? strchr(a->user, ':') : NULL;

	if (acct->name) {
		printf("User=");
		put_text(acct->name);
		putchar('\n');
	}
	if (group) {
		printf("Group=");
		put_text(group + 1);
		putchar('\n');
	}
	if (a->policy == SCHED_FIFO || a->policy == SCHED_RR)
		printf("LimitRTPRIO=%d\n", a->prio);
	if (a->policy == SCHED_OTHER && a->nice_v < 0)
		printf("LimitNICE=%d\n", a->nice_v);
	if (a->mlock)
		printf("LimitMEMLOCK=infinity\n");
	if (a->restart == RUN_RESTART_NO)
		printf("# not restarted on its own (--restart POLICY)\n");
	printf("Restart=%s\n", run_restart_choices[a->restart].name);
}

/* The unit on stdout. 0 or -ENOMEM. */
static int put_unit(const struct run_args *a, const struct account *acct,
		    const char *rtbpf, const char *cmd, char **args)
{
	const char *name = strrchr(cmd, '/') + 1;

	printf("# Generated by rtbpf systemd-unit; review, then\n"
	       "# install as /etc/systemd/system/");
	put_unit_name(name);
	printf("\n# ExecStart= is `rtbpf run`, which sets what its options "
	       "say, then execs CMD.\n");
	if (!acct->name)
		printf("# No --user: CMD runs as root.\n");
	printf("[Unit]\nDescription=");
	put_text(name);
	printf(a->profile ? " (rtbpf profile " : " (rtbpf run");
	if (a->profile)
		put_text(a->profile);
	printf(")\nAfter=network-online.target\nWants=network-online.target\n\n"
	       "[Service]\nExecStart=");
	put_arg(rtbpf);
	if (put_run_opts(a))
		return -ENOMEM;
	putchar(' ');
	put_arg(cmd);
	for (; *args; args++) {
		putchar(' ');
		put_arg(*args);
	}
	putchar('\n');
	put_service(a, acct);
	printf("\n[Install]\nWantedBy=multi-user.target\n");
	return 0;
}

int cmd_systemd_unit(int argc, char **argv)
{
	struct account acct = {};
	struct run_args a = { 0 };
	char rtbpf[PATH_MAX], err[256], *cmd = NULL;
	int rc, argi;

	rc = run_args_parse(&unit_cli, &a, argc, argv, &argi);
	if (rc)
		return cli_exit(rc);
	rc = self_path(rtbpf, sizeof(rtbpf));
	if (rc)
		return rc;
	cmd = cmd_path(argv[argi]);
	if (!cmd)
		return EXIT_USAGE;
	if (a.user) {
		rc = account_lookup(&acct, a.user, *a.root ? a.root : "/", err,
				    sizeof(err));
		if (rc) {
			log_err("systemd-unit: --user: %s", err);
			rc = rc == -EINVAL || rc == -ENOENT ? EXIT_USAGE :
							      EXIT_FAIL;
			goto cleanup;
		}
	} else {
		log_warn("systemd-unit: no --user: the unit runs CMD as root "
			 "(--user NAME runs it as that account)");
	}
	rc = EXIT_OK;
	if (put_unit(&a, &acct, rtbpf, cmd, argv + argi + 1)) {
		log_err("systemd-unit: out of memory");
		rc = EXIT_FAIL;
	}
cleanup:
	account_fini(&acct);
	free(cmd);
	return rc;
}
