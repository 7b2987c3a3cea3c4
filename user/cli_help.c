// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --help generated from a command's option table, and the words the
 * parser's messages use: metavars, "did you mean", durations. */
#include "cli.h"

#include <string.h>

static const char *const type_arg[] = {
	[CLI_STR] = "STR",	[CLI_UINT] = "N",	[CLI_INT] = "N",
	[CLI_DURATION] = "DUR", [CLI_LATENCY] = "LAT",	[CLI_CPULIST] = "LIST",
	[CLI_CHOICE] = "WHICH", [CLI_CHOICES] = "LIST",
};

const char *cli_metavar(const struct cli_opt *o)
{
	if (o->arg)
		return o->arg;
	if ((size_t)o->type < sizeof(type_arg) / sizeof(type_arg[0]) &&
	    type_arg[o->type])
		return type_arg[o->type];
	return "";
}

/* Levenshtein distance, plus one for a swap of two neighbours
 * ("--cpsu"); words longer than 63 bytes are never near. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[3][64];

	if (la > 63 || lb > 63)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *cur = d[i % 3], *prev = d[(i - 1) % 3];

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t v = prev[j - 1] + (a[i - 1] != b[j - 1]);

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] &&
			    d[(i - 2) % 3][j - 2] + 1 < v)
				v = d[(i - 2) % 3][j - 2] + 1;
			cur[j] = v;
		}
	}
	return d[la % 3][lb];
}

const char *cli_suggest(const char *word, const char *const *cands, size_t n)
{
	size_t best = (size_t)-1, limit = strlen(word) / 3, nprefix = 0;
	const char *pick = NULL, *prefix = NULL;

	if (limit < 1)
		limit = 1;
	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, cands[i]);

		if (*word && !strncmp(cands[i], word, strlen(word))) {
			prefix = cands[i];
			nprefix++;
		}
		if (d < best) {
			best = d;
			pick = cands[i];
		}
	}
	if (best <= limit)
		return pick;
	return nprefix == 1 ? prefix : NULL;
}

void cli_fmt_ns(uint64_t ns, char *buf, size_t len)
{
	static const struct {
		uint64_t ns;
		const char *unit;
	} u[] = { { 3600000000000ULL, "h" }, { 60000000000ULL, "m" },
		  { 1000000000ULL, "s" },    { 1000000ULL, "ms" },
		  { 1000ULL, "us" },	     { 1, "ns" } };
	size_t i = 0;

	while (ns && ns % u[i].ns)
		i++;
	snprintf(buf, len, "%llu%s", (unsigned long long)(ns / u[i].ns),
		 ns ? u[i].unit : "");
}

/* "a|b|c" of the choices shown ("a,b,c" for a list of them). */
static void join_choices(const struct cli_opt *o, char *buf, size_t len)
{
	const char *sep = o->type == CLI_CHOICES ? "," : "|";
	size_t off = 0;

	buf[0] = '\0';
	for (const struct cli_choice *c = o->choices; c && c->name; c++)
		if (!c->hidden && off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						off ? sep : "", c->name);
}

/* left in a 24-column field, text wrapped to lines under 80 columns. */
static void put_wrapped(FILE *f, const char *left, const char *text)
{
	const size_t indent = 28, width = 79;
	size_t col;

	if (strlen(left) > 24)
		fprintf(f, "  %s\n%*s", left, (int)indent, "");
	else
		fprintf(f, "  %-24s  ", left);
	col = indent;
	while (*text) {
		size_t w = strcspn(text, " ");

		if (col > indent && col + 1 + w > width) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)w, text);
		col += w;
		text += w;
		text += strspn(text, " ");
	}
	fputc('\n', f);
}

void cli_opt_left(const struct cli_opt *o, char *buf, size_t len)
{
	char choices[256];
	const char *arg = o->type == CLI_CHOICE && !o->arg ? choices :
							     cli_metavar(o);
	bool has = o->type != CLI_FLAG && o->type != CLI_HELP &&
		   o->type != CLI_VERBOSE;

	join_choices(o, choices, sizeof(choices));
	if (o->key)
		snprintf(buf, len, "-%c, --%s%s%s", o->key, o->name,
			 has ? " " : "", has ? arg : "");
	else
		snprintf(buf, len, "--%s%s%s", o->name, has ? " " : "",
			 has ? arg : "");
}

void cli_opt_text(const struct cli_opt *o, char *buf, size_t len)
{
	char choices[256];
	/* a choice's words are its metavar, unless it has one of its own */
	bool list = o->choices && (o->type != CLI_CHOICE || o->arg);

	join_choices(o, choices, sizeof(choices));
	snprintf(buf, len, "%s%s%s%s%s%s%s", o->help, list ? " {" : "",
		 list ? choices : "", list ? "}" : "",
		 o->alias ? " (also --" : "", o->alias ? o->alias : "",
		 o->alias ? ")" : "");
}

static void usage_opt(FILE *f, const struct cli_opt *o)
{
	char left[64], text[512];

	memcpy(left, "    ", 4);
	cli_opt_left(o, o->key ? left : left + 4,
		     o->key ? sizeof(left) : sizeof(left) - 4);
	cli_opt_text(o, text, sizeof(text));
	put_wrapped(f, left, text);
}

size_t cli_expand(const struct cli_cmd *cmd, struct cli_opt *out)
{
	size_t n = 0;

	for (; cmd->opts[n].name && n < CLI_MAX_OPTS; n++)
		out[n] = cmd->opts[n];
	out[n++] = (struct cli_opt){
		.name = "verbose",
		.key = 'v',
		.type = CLI_VERBOSE,
		.help = cmd->verbose ? cmd->verbose : "more messages",
	};
	out[n++] = (struct cli_opt){ .name = "help",
				     .key = 'h',
				     .type = CLI_HELP,
				     .help = "this help" };
	return n;
}

/* The rule of each value type the options use, as --help ends with it. */
static const char *const type_note[] = {
	[CLI_DURATION] = "DUR: a duration, e.g. 10s, 250ms, 1.5s, 5m, 1h "
			 "(ns, us, ms, s, m, h, d);\n     a bare number is "
			 "seconds.",
	[CLI_LATENCY] = "LAT: a latency, e.g. 100us, 1.5ms (ns, us, ms, s, "
			"m, h, d); a bare number\n     is microseconds.",
	[CLI_CPULIST] = "LIST: CPUs, e.g. 0,2-3 or 1-7:2.",
};

size_t cli_notes(const struct cli_cmd *cmd, const char *notes[CLI_NOTES_MAX])
{
	bool used[] = {
		[CLI_DURATION] = false, [CLI_LATENCY] = false, [CLI_CPULIST] = false
	};
	const enum cli_type order[] = { CLI_DURATION, CLI_LATENCY,
					CLI_CPULIST };
	size_t n = 0;

	for (const struct cli_opt *o = cmd->opts; o->name; o++)
		if (o->type == CLI_DURATION || o->type == CLI_LATENCY ||
		    (o->type == CLI_CPULIST && !o->arg))
			used[o->type] = true;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (used[order[i]])
			notes[n++] = type_note[order[i]];
	return n;
}

void cli_usage(FILE *f, const struct cli_cmd *cmd)
{
	struct cli_opt opts[CLI_MAX_OPTS + 2];
	const char *notes[CLI_NOTES_MAX];
	size_t n = cli_expand(cmd, opts), nn = cli_notes(cmd, notes);

	fprintf(f, "Usage: rtbpf %s %s\n\nOptions:\n", cmd->name,
		cmd->synopsis);
	for (const struct cli_opt *o = opts; o < opts + n; o++)
		usage_opt(f, o);
	if (nn)
		fputc('\n', f);
	for (size_t i = 0; i < nn; i++)
		fprintf(f, "%s\n", notes[i]);
}
