// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The bash completion: commands and sub-commands, every option of every
 * table, and each option's values: its choices (a comma list of them for
 * CLI_CHOICES), stage names, profile names (the built-in ones and the
 * files of the profile directory; also the NAME of profile show),
 * network interfaces, the host's CPU lists (online, isolated, each NUMA
 * node's) and NUMA nodes, PIDs, users, files. What the host has is read when completing; what rtbpf knows is
 * written in here. Uses bash-completion's _init_completion and
 * _command_offset when loaded, plain bash otherwise.
 */
#include "docgen.h"

#include <errno.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "tune/profile.h"
#include "tune/stage.h"
#include "tune/tune.h"

/* Shell helpers the generated arms call; $cur is the word completed. */
static const char helpers[] =
	"# COMPREPLY: the lines of $1 that start with $cur.\n"
	"_rtbpf_words()\n{\n"
	"\tmapfile -t COMPREPLY < <(compgen -W \"$1\" -- \"$cur\")\n}\n\n"
	"# COMPREPLY: $cur's last element of a comma list, from the words "
	"of $1.\n"
	"_rtbpf_commas()\n{\n"
	"\tlocal pre=${cur%\"${cur##*,}\"}\n"
	"\tmapfile -t COMPREPLY < <(compgen -P \"$pre\" -W \"$1\" -- "
	"\"${cur##*,}\")\n"
	"\tcompopt -o nospace 2>/dev/null\n}\n\n"
	"# COMPREPLY: files (-d: directories).\n"
	"_rtbpf_files()\n{\n"
	"\tmapfile -t COMPREPLY < <(compgen \"${1:--f}\" -- \"$cur\")\n"
	"\tcompopt -o filenames 2>/dev/null\n}\n\n"
	"# The host's CPU lists: all online, the isolated, each NUMA node's\n"
	"# (each once).\n"
	"_rtbpf_cpus()\n{\n"
	"\tlocal f l\n"
	"\tfor f in /sys/devices/system/cpu/online "
	"/sys/devices/system/cpu/isolated \\\n"
	"\t\t/sys/devices/system/node/node*/cpulist; do\n"
	"\t\t[ -r \"$f\" ] && read -r l <\"$f\" && [ -n \"$l\" ] && "
	"printf '%s\\n' \"$l\"\n"
	"\tdone | awk '!seen[$0]++'\n}\n\n"
	"# NUMA nodes: each, and the list of them all.\n"
	"_rtbpf_nodes()\n{\n"
	"\tlocal d\n"
	"\tfor d in /sys/devices/system/node/node[0-9]*; do\n"
	"\t\t[ -d \"$d\" ] && printf '%s\\n' \"${d##*node}\"\n"
	"\tdone\n"
	"\t[ -r /sys/devices/system/node/online ] && "
	"cat /sys/devices/system/node/online\n}\n\n"
	"_rtbpf_ifaces()\n{\n"
	"\tlocal d\n"
	"\tfor d in /sys/class/net/*; do\n"
	"\t\t[ -e \"$d\" ] && printf '%s\\n' \"${d##*/}\"\n"
	"\tdone\n}\n\n"
	"_rtbpf_pids()\n{\n"
	"\tlocal d\n"
	"\tfor d in /proc/[0-9]*; do printf '%s\\n' \"${d##*/}\"; done\n}\n\n";

static void put_words(FILE *f, const char *fn, const char *words)
{
	fprintf(f, "%s '%s'", fn, words);
}

/* Values by long option name (a name means one thing in every command),
 * before those by type. */
static const struct {
	const char *opt, *sh;
} by_name[] = {
	{ "profile", "_rtbpf_profile" },
	{ "dev", "_rtbpf_words \"$(_rtbpf_ifaces)\"" },
	{ "root", "_rtbpf_files -d" },
	{ "plot", "_rtbpf_files" },
	{ "pid", "_rtbpf_words \"$(_rtbpf_pids)\"" },
	{ "user", "_rtbpf_words \"$(compgen -u)\"" },
	{ "membind", "_rtbpf_words \"$(_rtbpf_nodes)\"" },
};

/* Values of a command's positional argument, by command. */
static const struct {
	const char *cmd, *sh;
} by_arg[] = {
	{ "profile show", "_rtbpf_profile" },
};

static bool takes_value(const struct cli_opt *o)
{
	return o->type != CLI_FLAG && o->type != CLI_HELP &&
	       o->type != CLI_VERBOSE;
}

/* The shell that completes the value of o (which takes one). */
static void put_value(FILE *f, const struct cli_opt *o)
{
	char words[1024] = "";
	size_t off = 0;

	for (size_t i = 0; i < sizeof(by_name) / sizeof(by_name[0]); i++)
		if (!strcmp(o->name, by_name[i].opt)) {
			fputs(by_name[i].sh, f);
			return;
		}
	if (!strcmp(o->name, "only") || !strcmp(o->name, "skip")) {
		for (size_t i = 0; i < tune_nstages; i++)
			off += (size_t)snprintf(words + off,
						sizeof(words) - off, "%s%s",
						i ? " " : "",
						tune_stages[i].name);
		put_words(f, "_rtbpf_commas", words);
	} else if (o->type == CLI_CPULIST)
		fputs("_rtbpf_words \"$(_rtbpf_cpus)\"", f);
	else if (o->type == CLI_CHOICE || o->type == CLI_CHOICES) {
		for (const struct cli_choice *c = o->choices; c && c->name; c++)
			if (!c->hidden && off < sizeof(words))
				off += (size_t)snprintf(words + off,
							sizeof(words) - off,
							"%s%s", off ? " " : "",
							c->name);
		put_words(f,
			  o->type == CLI_CHOICES ? "_rtbpf_commas" :
						   "_rtbpf_words",
			  words);
	} else
		fputs(":", f); /* a number, a duration, an address: no list */
}

/* The arms of _rtbpf_value for cmd's options that take a value. */
static void value_arms(FILE *f, const struct cli_cmd *cmd)
{
	struct cli_opt opts[CLI_MAX_OPTS + 2];
	size_t n = cli_expand(cmd, opts);

	for (size_t i = 0; i < n; i++) {
		const struct cli_opt *o = &opts[i];

		if (!takes_value(o))
			continue;
		fprintf(f, "\t\"%s --%s\"", cmd->name, o->name);
		if (o->key)
			fprintf(f, " | \"%s -%c\"", cmd->name, o->key);
		if (o->alias)
			fprintf(f, " | \"%s --%s\"", cmd->name, o->alias);
		fputs(")\n\t\t", f);
		put_value(f, o);
		fputs(" ;;\n", f);
	}
}

static void opts_arm(FILE *f, const struct cli_cmd *cmd)
{
	struct cli_opt opts[CLI_MAX_OPTS + 2];
	size_t n = cli_expand(cmd, opts);

	fprintf(f, "\t\"%s\") echo '", cmd->name);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s--%s", i ? " " : "", opts[i].name);
	fprintf(f, "%s' ;;\n", cmd->args == CLI_ARGS_CMD ? " --" : "");
}

/* arm(f, table) for the option table of every command and sub-command. */
static void each_table(FILE *f, void (*arm)(FILE *, const struct cli_cmd *))
{
	for (const struct command *c = rtbpf_commands; c->name; c++)
		for (const struct cli_cmd *const *k = c->cli; *k; k++)
			arm(f, *k);
}

/* The shell functions that answer from the tables: profile names, a
 * command's options, an option's values, a command's sub-commands. */
static void tables(FILE *f)
{
	const char *name, *text;

	fputs("_rtbpf_profile()\n{\n"
	      "\tif [[ $cur == */* ]]; then _rtbpf_files; return; fi\n"
	      "\tlocal f names='",
	      f);
	for (size_t i = 0; profile_builtin(i, &name, &text); i++)
		fprintf(f, "%s%s", i ? " " : "", name);
	fputs("'\n\tfor f in " TUNE_PROFILE_DIR "/*; do\n"
	      "\t\t[ -f \"$f\" ] || continue\n"
	      "\t\tf=${f##*/}\n\t\tnames+=\" ${f%.conf}\"\n\tdone\n"
	      "\t_rtbpf_words \"$names\"\n}\n\n",
	      f);
	fputs("# The options of command $1 (\"xsk send\" for a sub-command).\n"
	      "_rtbpf_opts()\n{\n\tcase $1 in\n",
	      f);
	each_table(f, opts_arm);
	fputs("\tesac\n}\n\n", f);
	fputs("# Completes the value of option $2 of command $1; 1 when it "
	      "takes none.\n_rtbpf_value()\n{\n\tcase \"$1 $2\" in\n",
	      f);
	each_table(f, value_arms);
	fputs("\t*) return 1 ;;\n\tesac\n\treturn 0\n}\n\n", f);
	fputs("# Completes a positional argument of command $1; 1 when it "
	      "takes none.\n_rtbpf_args()\n{\n\tcase $1 in\n",
	      f);
	for (size_t i = 0; i < sizeof(by_arg) / sizeof(by_arg[0]); i++)
		fprintf(f, "\t\"%s\") %s ;;\n", by_arg[i].cmd, by_arg[i].sh);
	fputs("\t*) return 1 ;;\n\tesac\n}\n\n", f);
	fputs("# The sub-commands of command $1, if it has any.\n"
	      "_rtbpf_subs()\n{\n\tcase $1 in\n",
	      f);
	for (const struct command *c = rtbpf_commands; c->name; c++) {
		size_t len = strlen(c->name);

		if (!c->cli[0] || !strcmp(c->cli[0]->name, c->name))
			continue;
		fprintf(f, "\t%s) echo '", c->name);
		for (const struct cli_cmd *const *k = c->cli; *k; k++)
			fprintf(f, "%s%s", k == c->cli ? "" : " ",
				(*k)->name + len + 1);
		fputs("' ;;\n", f);
	}
	fputs("\t*) return 1 ;;\n\tesac\n}\n\n", f);
}

static const char main_fn[] =
	"_rtbpf()\n{\n"
	"\tlocal cur prev words cword split=false\n"
	"\tif declare -F _init_completion >/dev/null; then\n"
	"\t\t_init_completion -s || return\n"
	"\telse\n"
	"\t\tcur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
	"\t\twords=(\"${COMP_WORDS[@]}\") cword=$COMP_CWORD\n"
	"\tfi\n"
	"\tlocal i w key='' sub=false\n"
	"\tfor ((i = 1; i < cword; i++)); do\n"
	"\t\tw=${words[i]}\n"
	"\t\tif [ -z \"$key\" ]; then\n"
	"\t\t\t[[ $w == -* ]] && continue\n"
	"\t\t\tkey=$w\n"
	"\t\t\t_rtbpf_subs \"$key\" >/dev/null && sub=true\n"
	"\t\telif $sub; then\n"
	"\t\t\tkey+=\" $w\" sub=false\n"
	"\t\telif [ \"$w\" = -- ]; then\n"
	"\t\t\tif declare -F _command_offset >/dev/null; then\n"
	"\t\t\t\t_command_offset $((i + 1))\n"
	"\t\t\telif ((cword == i + 1)); then\n"
	"\t\t\t\tmapfile -t COMPREPLY < <(compgen -c -- \"$cur\")\n"
	"\t\t\telse\n"
	"\t\t\t\t_rtbpf_files\n"
	"\t\t\tfi\n"
	"\t\t\treturn\n"
	"\t\tfi\n"
	"\tdone\n"
	"\tif [ -z \"$key\" ]; then\n"
	"\t\tif [[ $cur == -* ]]; then\n"
	"\t\t\t_rtbpf_words '-v -h --help --verbose --version'\n"
	"\t\telse\n"
	"\t\t\t_rtbpf_words '%s'\n"
	"\t\tfi\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tif $sub; then\n"
	"\t\t_rtbpf_words \"$(_rtbpf_subs \"$key\") -h --help\"\n"
	"\t\treturn\n"
	"\tfi\n"
	"\t_rtbpf_value \"$key\" \"$prev\" && return\n"
	"\t$split && return\n"
	"\tif [[ $cur != -* ]] && _rtbpf_args \"$key\"; then return; fi\n"
	"\t_rtbpf_words \"$(_rtbpf_opts \"$key\")\"\n"
	"}\n\n"
	"complete -F _rtbpf rtbpf\n";

int docgen_bash(FILE *f)
{
	char cmds[512];
	size_t off = 0;

	for (const struct command *c = rtbpf_commands; c->name; c++)
		off += (size_t)snprintf(cmds + off, sizeof(cmds) - off, "%s%s",
					off ? " " : "", c->name);
	fputs("# bash completion for rtbpf(8): generated by rtbpf-docgen "
	      "from rtbpf's\n# option tables; do not edit.\n"
	      "# shellcheck shell=bash\n\n",
	      f);
	fputs(helpers, f);
	tables(f);
	fprintf(f, main_fn, cmds);
	return ferror(f) ? -EIO : 0;
}
