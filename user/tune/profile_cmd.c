// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf profile list | show NAME | keys: the profiles apply and check
 * take (built-in and files in /etc/rtbpf/profiles.d), one of them resolved
 * (includes followed) as a profile file, and the key reference generated
 * from profile_keys[] so it cannot disagree with the parser.
 */
#define _GNU_SOURCE
#include "profile.h"
#include "tune.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "text.h"

struct profile_args {
	const char *root;
};

/* --root DIR: where the profile directory is (tests); kept as given. */
#define A struct profile_args
static const struct cli_opt root_opts[] = {
	{ "root", 0, .arg = "DIR",
	  .help = "profiles.d under DIR/etc/rtbpf (tests)",
	  CLI_STR_AT(A, root) },
	{},
};
static const struct cli_opt no_opts[] = {
	{},
};
#undef A

const struct cli_cmd profile_list_cli = { "profile list", "[options]",
					  root_opts, CLI_ARGS_NONE, NULL };
const struct cli_cmd profile_show_cli = { "profile show", "[options] NAME",
					  root_opts, CLI_ARGS_CMD, NULL };
const struct cli_cmd profile_keys_cli = { "profile keys", "[options]", no_opts,
					  CLI_ARGS_NONE, NULL };

/* The files of ROOT/etc/rtbpf/profiles.d, sorted, ".conf" dropped. */
static void list_files(const char *root)
{
	char dir[PATH_MAX], **v;
	int n = profile_files(root, &v);

	snprintf(dir, sizeof(dir), "%s%s", root, TUNE_PROFILE_DIR);
	if (n < 0) {
		printf("(no %s: %s)\n", dir, strerror(-n));
		return;
	}
	for (int i = 0; i < n; i++) {
		size_t len = strlen(v[i]);
		char *name = text_escape_dup(v[i]);

		if (name && len > 5 && !strcmp(v[i] + len - 5, ".conf"))
			name[strlen(name) - 5] = '\0';
		printf("  %-14s %s/%s\n", name ? name : "?", dir,
		       name ? v[i] : "?");
		free(name);
		free(v[i]);
	}
	if (!n)
		printf("  (none in %s)\n", dir);
	free(v);
}

static int profile_list(const struct profile_args *a)
{
	printf("built-in:\n");
	for (size_t i = 0; i < profile_nbuiltins; i++)
		printf("  %-14s %s\n", profile_builtins[i].name,
		       profile_builtins[i].summary);
	printf("files:\n");
	list_files(a->root);
	printf("'rtbpf profile show NAME' prints one; 'rtbpf profile keys' "
	       "lists the keys.\n");
	return EXIT_OK;
}

/* NAME resolved: every key it sets, in the table's order, as a profile
 * file would say it (a file of this output loads to the same profile). */
static int profile_show(const struct profile_args *a, const char *name)
{
	struct profile p = { 0 };
	size_t unset = 0;

	if (profile_load(&p, a->root, name, "profile show"))
		return EXIT_USAGE; /* said */
	printf("# profile %s, includes resolved\n", name);
	for (size_t i = 0; i < profile_nkeys; i++) {
		if (p.val[i])
			printf("%s = %s\n", profile_keys[i].name, p.val[i]);
		else
			unset++;
	}
	if (unset) {
		int col = printf("# not set (left alone):");

		for (size_t i = 0; i < profile_nkeys; i++) {
			const char *k = profile_keys[i].name;

			if (p.val[i])
				continue;
			if (col + 1 + (int)strlen(k) > 78)
				col = printf("\n#  ") - 1;
			col += printf(" %s", k);
		}
		printf("\n");
	}
	profile_free(&p);
	return EXIT_OK;
}

static int profile_keys_print(void)
{
	printf("Profile keys: 'key = value' lines, '#' comments; 'keep' "
	       "leaves a knob alone,\n'include = NAME' reads another profile "
	       "first.\n");
	for (size_t i = 0; i < profile_nkeys; i++) {
		char vals[160];

		profile_key_values(&profile_keys[i], vals, sizeof(vals));
		printf("  %-34s %s\n  %-34s   %s\n", profile_keys[i].name, vals,
		       "", profile_keys[i].help);
	}
	return EXIT_OK;
}

int cmd_profile(int argc, char **argv)
{
	struct profile_args a = { .root = "" };
	const char *sub = argc >= 2 ? argv[1] : "";
	int argi = 0, err;

	if (!strcmp(sub, "list") || !strcmp(sub, "show")) {
		bool show = sub[0] == 's';

		if (show && argc == 2) {
			log_err("profile show: which profile? ('rtbpf profile "
				"list' lists them)");
			return EXIT_USAGE;
		}
		err = cli_parse(show ? &profile_show_cli : &profile_list_cli,
				argc - 1, argv + 1, &a, show ? &argi : NULL);
		if (err)
			return cli_exit(err);
		if (show && argi + 1 != argc - 1) {
			log_err("profile show: one NAME");
			return EXIT_USAGE;
		}
		return show ? profile_show(&a, argv[argi + 1]) :
			      profile_list(&a);
	}
	if (!strcmp(sub, "keys")) {
		err = cli_parse(&profile_keys_cli, argc - 1, argv + 1, &a,
				NULL);
		return err ? cli_exit(err) : profile_keys_print();
	}
	if (strcmp(sub, "-h") && strcmp(sub, "--help")) {
		log_err("profile: expected list, show NAME or keys%s%s",
			*sub ? ", not " : "", sub);
		return EXIT_USAGE;
	}
	printf("Usage: rtbpf profile list|show NAME|keys [options]\n"
	       "  list  the built-in profiles and the files in %s\n"
	       "  show  a profile with its includes resolved, as a file\n"
	       "  keys  every key a profile may set, its values and meaning\n"
	       "'rtbpf profile show --help' shows its options.\n",
	       TUNE_PROFILE_DIR);
	return EXIT_OK;
}
