// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The one command-line parser: typed option tables (cli.h) to getopt_long,
 * converted values, uniform errors. --help is in cli_help.c. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* The short-letter registry: a letter is this long option everywhere. */
static const struct {
	int key;
	const char *name;
} shorts[] = {
	{ 'b', "batch" },     { 'c', "cpus" },	  { 'd', "duration" },
	{ 'D', "dst" },	      { 'h', "help" },	  { 'i', "interval" },
	{ 'I', "dev" },	      { 'j', "json" },	  { 'm', "mode" },
	{ 'n', "count" },     { 'o', "plot" },	  { 'p', "pid" },
	{ 'P', "profile" },   { 'q', "queue" },	  { 'r', "rate" },
	{ 's', "src" },	      { 'S', "size" },	  { 't', "tid" },
	{ 'T', "threshold" }, { 'v', "verbose" },
};

const char *cli_short_name(int key)
{
	for (size_t i = 0; i < sizeof(shorts) / sizeof(shorts[0]); i++)
		if (shorts[i].key == key)
			return shorts[i].name;
	return NULL;
}

struct cli_state {
	const struct cli_cmd *cmd;
	struct cli_opt opts[CLI_MAX_OPTS + 2]; /* the table, then -v and -h */
	size_t nopts;
	uint64_t seen; /* bit per option given */
	struct option longopts[2 * (CLI_MAX_OPTS + 2) + 1]; /* and aliases */
	char shortopts[3 * (CLI_MAX_OPTS + 2) + 3];
};

static bool takes_arg(const struct cli_opt *o)
{
	return o->type != CLI_FLAG && o->type != CLI_HELP &&
	       o->type != CLI_VERBOSE;
}

/* getopt's tables; a letter the registry does not give this option's
 * name is a bug in the table, refused before any parsing. */
static int build(struct cli_state *st)
{
	const struct cli_opt *opts = st->opts;
	size_t l = 0, s = 0, n = 0;

	while (st->cmd->opts[n].name)
		n++;
	if (n > CLI_MAX_OPTS) {
		log_err("%s: internal: %zu options, at most %d", st->cmd->name,
			n, CLI_MAX_OPTS);
		return -EINVAL;
	}
	st->nopts = cli_expand(st->cmd, st->opts);
	if (st->cmd->args == CLI_ARGS_CMD)
		st->shortopts[s++] = '+';
	st->shortopts[s++] = ':'; /* report a missing argument as ':' */
	for (size_t i = 0; i < st->nopts; i++) {
		const struct cli_opt *o = &opts[i];
		const char *reg = o->key ? cli_short_name(o->key) : NULL;
		int has = takes_arg(o) ? required_argument : no_argument;

		if (o->key && (!reg || strcmp(reg, o->name))) {
			log_err("%s: internal: option table entry --%s",
				st->cmd->name, o->name);
			return -EINVAL;
		}
		st->longopts[l++] =
			(struct option){ o->name, has, NULL, 256 + (int)i };
		if (o->alias)
			st->longopts[l++] = (struct option){ o->alias, has,
							     NULL,
							     256 + (int)i };
		if (o->key) {
			st->shortopts[s++] = (char)o->key;
			if (has)
				st->shortopts[s++] = ':';
		}
	}
	return 0;
}

static int parse_s64(const char *arg, int64_t lo, int64_t hi, int64_t *out,
		     char *err, size_t len)
{
	bool neg = arg[0] == '-';
	char why[128];
	uint64_t u;
	int ret;

	ret = parse_u64(arg + neg, 0, (uint64_t)INT64_MAX + neg, &u, why,
			sizeof(why));
	if (ret == -EINVAL) {
		snprintf(err, len, "'%s' is not a number", arg);
		return ret;
	}
	*out = ret ? (neg ? INT64_MIN : INT64_MAX) :
	       neg ? (int64_t)(0 - u) :
		     (int64_t)u;
	if (ret || *out < lo || *out > hi) {
		snprintf(err, len, "%s is out of range [%lld, %lld]", arg,
			 (long long)lo, (long long)hi);
		return -ERANGE;
	}
	return 0;
}

int cli_store_us(const struct cli_opt *o, const char *arg,
		 const union cli_val *v, void *dst, char *err, size_t len)
{
	const union cli_val us = { .u = v->u / 1000 };

	if (v->u % 1000) {
		snprintf(err, len, "'%s' is not a whole number of microseconds",
			 arg);
		return -EINVAL;
	}
	cli_store(o, &us, dst);
	return 0;
}

int cli_store_live_id(const struct cli_opt *o, const char *arg,
		      const union cli_val *v, void *dst, char *err, size_t len)
{
	bool tid = o->arg && !strcmp(o->arg, "TID");
	char path[64];

	/* /proc/ID: a process, or any thread by its TID */
	snprintf(path, sizeof(path), "/proc/%llu", (unsigned long long)v->u);
	if (access(path, F_OK)) {
		snprintf(err, len, "%s: no such %s", arg,
			 tid ? "thread" : "process");
		return -ESRCH;
	}
	cli_store(o, v, dst);
	return 0;
}

int cli_store_prom_path(const struct cli_opt *o, const char *arg,
			const union cli_val *v, void *dst, char *err,
			size_t len)
{
	size_t n = strlen(v->s);

	if (n < 6 || strcmp(v->s + n - 5, ".prom") || v->s[n - 6] == '/') {
		snprintf(
			err, len,
			"'%s': the file name must end in .prom (node_exporter's "
			"textfile collector reads only those)",
			arg);
		return -EINVAL;
	}
	cli_store(o, v, dst);
	return 0;
}

static int conv_time(const struct cli_opt *o, const char *arg, uint64_t *ns,
		     char *err, size_t len)
{
	char lim[32];
	int ret = o->type == CLI_LATENCY ? parse_latency(arg, ns, err, len) :
					   parse_duration(arg, ns, err, len);

	if (ret)
		return ret;
	if (*ns < o->min && o->min == 1) {
		snprintf(err, len, "'%s': must be more than 0", arg);
		return -ERANGE;
	}
	if (*ns < o->min || (o->max && *ns > o->max)) {
		cli_fmt_ns(*ns < o->min ? o->min : o->max, lim, sizeof(lim));
		snprintf(err, len, "'%s' is %s the %s of %s", arg,
			 *ns < o->min ? "below" : "above",
			 *ns < o->min ? "minimum" : "maximum", lim);
		return -ERANGE;
	}
	return 0;
}

/* The choice named name (len bytes), or NULL. */
static const struct cli_choice *find_choice(const struct cli_opt *o,
					    const char *name, size_t len)
{
	for (const struct cli_choice *c = o->choices; c->name; c++)
		if (strlen(c->name) == len && !strncmp(c->name, name, len))
			return c;
	return NULL;
}

/* "'x' is not one of a, b, c; did you mean b?" */
static int bad_choice(const struct cli_opt *o, const char *word, char *err,
		      size_t len)
{
	const char *cands[32], *near;
	size_t n = 0, off;

	off = (size_t)snprintf(err, len, "'%s' is not one of ", word);
	for (const struct cli_choice *c = o->choices; c->name && n < 32; c++) {
		cands[n++] = c->name;
		if (!c->hidden && off < len)
			off += (size_t)snprintf(err + off, len - off, "%s%s",
						n > 1 ? ", " : "", c->name);
	}
	near = cli_suggest(word, cands, n);
	if (near && off < len)
		snprintf(err + off, len - off, "; did you mean %s?", near);
	return -EINVAL;
}

static int conv_choices(const struct cli_opt *o, const char *arg, uint64_t *out,
			char *err, size_t len)
{
	const char *p = arg;

	*out = 0;
	for (;;) {
		size_t n = strcspn(p, ",");
		const struct cli_choice *c = find_choice(o, p, n);

		if (!n) {
			snprintf(err, len, "'%s': an empty name in the list",
				 arg);
			return -EINVAL;
		}
		if (!c) {
			char word[64];

			snprintf(word, sizeof(word), "%.*s", (int)n, p);
			return bad_choice(o, word, err, len);
		}
		*out |= (uint64_t)c->val;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static int convert(const struct cli_opt *o, const char *arg, union cli_val *v,
		   struct cpuset *set, char *err, size_t len)
{
	const struct cli_choice *c;

	switch (o->type) {
	case CLI_FLAG:
		v->u = (uint64_t)o->val;
		return 0;
	case CLI_STR:
		v->s = arg;
		return 0;
	case CLI_UINT:
		if (arg[0] == '-' && arg[1] >= '0' && arg[1] <= '9') {
			snprintf(err, len, "'%s' is negative: at least %llu",
				 arg, (unsigned long long)o->min);
			return -EINVAL;
		}
		return parse_u64(arg, o->min, o->max ? o->max : UINT64_MAX,
				 &v->u, err, len);
	case CLI_INT:
		return parse_s64(arg, o->smin, o->smax, &v->i, err, len);
	case CLI_DURATION:
	case CLI_LATENCY:
		return conv_time(o, arg, &v->u, err, len);
	case CLI_CPULIST:
		v->set = set;
		return parse_cpulist(arg, set, err, len);
	case CLI_CHOICE:
		c = find_choice(o, arg, strlen(arg));
		if (!c)
			return bad_choice(o, arg, err, len);
		v->u = (uint64_t)c->val;
		return 0;
	case CLI_CHOICES:
		return conv_choices(o, arg, &v->u, err, len);
	default:
		return 0;
	}
}

static void put_uint(void *p, size_t size, uint64_t v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	/* memcpy of the value's own width: no aliasing, any alignment */
	if (size == 1)
		memcpy(p, &u8, 1);
	else if (size == 2)
		memcpy(p, &u16, 2);
	else if (size == 4)
		memcpy(p, &u32, 4);
	else
		memcpy(p, &v, 8);
}

void cli_store(const struct cli_opt *o, const union cli_val *v, void *dst)
{
	char *p = (char *)dst + o->off;

	if (o->count) {
		unsigned int *n = (unsigned int *)((char *)dst + o->count - 1);

		p += (size_t)*n * o->size;
		(*n)++;
	}
	switch (o->type) {
	case CLI_STR:
		memcpy(p, &v->s, sizeof(v->s));
		break;
	case CLI_CPULIST:
		memcpy(p, v->set, sizeof(*v->set));
		break;
	case CLI_INT:
		put_uint(p, o->size, (uint64_t)v->i);
		break;
	default:
		put_uint(p, o->size, v->u);
		break;
	}
}

/* An option whose excl bits meet one given before it. */
static int conflict(const struct cli_state *st, size_t i)
{
	const struct cli_opt *opts = st->opts;

	for (size_t j = 0; j < st->nopts && opts[i].excl; j++) {
		if (j == i || !(st->seen >> j & 1) ||
		    !(opts[j].excl & opts[i].excl))
			continue;
		log_err("%s: --%s cannot be combined with --%s", st->cmd->name,
			opts[i].name, opts[j].name);
		return -EINVAL;
	}
	return 0;
}

static int take(struct cli_state *st, size_t i, const char *arg, void *dst)
{
	const struct cli_opt *o = &st->opts[i];
	union cli_val v = { 0 };
	struct cpuset set;
	char err[384] = "";
	int ret;

	if (o->type == CLI_HELP) {
		cli_usage(stdout, st->cmd);
		return CLI_HELP_SHOWN;
	}
	if (o->type == CLI_VERBOSE) {
		log_verbosity++;
		return 0;
	}
	if (conflict(st, i))
		return -EINVAL;
	ret = convert(o, arg, &v, &set, err, sizeof(err));
	if (!ret && o->count &&
	    *(unsigned int *)((char *)dst + o->count - 1) >= o->nmax) {
		snprintf(err, sizeof(err), "given more than %zu times",
			 o->nmax);
		ret = -E2BIG;
	}
	if (!ret && o->apply)
		ret = o->apply(o, arg, &v, dst, err, sizeof(err));
	else if (!ret)
		cli_store(o, &v, dst);
	if (ret) {
		log_err("%s: --%s: %s", st->cmd->name, o->name, err);
		return -EINVAL;
	}
	st->seen |= 1ULL << i;
	if (o->seen)
		*(bool *)((char *)dst + o->seen - 1) = true;
	return 0;
}

/* Unknown, ambiguous, or an argument missing or not wanted: one line. */
static void bad_option(const struct cli_state *st, int ch, char **argv)
{
	const struct cli_opt *opts = st->opts;
	const char *cmd = st->cmd->name, *cands[2 * (CLI_MAX_OPTS + 2)], *near;
	char word[64], list[256] = "";
	size_t n = 0, nmatch = 0, wl;

	for (size_t i = 0; ch == ':' && optopt < 256 && i < st->nopts; i++)
		if (opts[i].key == optopt)
			optopt = 256 + (int)i;
	if (optopt >= 256) {
		const struct cli_opt *o = &opts[optopt - 256];

		if (ch == ':')
			log_err("%s: --%s needs an argument (%s)", cmd, o->name,
				cli_metavar(o));
		else
			log_err("%s: --%s takes no argument", cmd, o->name);
		return;
	}
	if (optopt) {
		log_err("%s: unknown option '-%c' (see rtbpf %s --help)", cmd,
			optopt, cmd);
		return;
	}
	snprintf(word, sizeof(word), "%s", argv[optind - 1] + 2);
	word[strcspn(word, "=")] = '\0';
	wl = strlen(word);
	for (size_t i = 0; st->longopts[i].name; i++) {
		const char *name = st->longopts[i].name;

		cands[n++] = name;
		if (!strncmp(name, word, wl) && nmatch++ < 4)
			snprintf(list + strlen(list),
				 sizeof(list) - strlen(list), "%s--%s",
				 nmatch > 1 ? ", " : "", name);
	}
	if (wl && nmatch > 1) {
		log_err("%s: option '--%s' is ambiguous: %s", cmd, word, list);
		return;
	}
	near = cli_suggest(word, cands, n);
	log_err("%s: unknown option '--%s'%s%s%s (see rtbpf %s --help)", cmd,
		word, near ? "; did you mean --" : "", near ? near : "",
		near ? "?" : "", cmd);
}

/* After the options: required ones given, positional arguments as the
 * command takes them. */
static int finish(const struct cli_state *st, int argc, char **argv)
{
	const struct cli_cmd *cmd = st->cmd;

	for (size_t i = 0; i < st->nopts; i++) {
		const struct cli_opt *o = &st->opts[i];

		if ((o->flags & CLI_REQUIRED) && !(st->seen >> i & 1)) {
			log_err("%s: --%s %s is required (rtbpf %s %s)",
				cmd->name, o->name, cli_metavar(o), cmd->name,
				cmd->synopsis);
			return -EINVAL;
		}
	}
	if (cmd->args == CLI_ARGS_NONE && optind < argc) {
		log_err("%s: unexpected argument '%s'", cmd->name,
			argv[optind]);
		return -EINVAL;
	}
	if (cmd->args == CLI_ARGS_CMD && optind >= argc) {
		log_err("%s: no command (rtbpf %s %s)", cmd->name, cmd->name,
			cmd->synopsis);
		return -EINVAL;
	}
	return 0;
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, void *dst,
	      int *argi)
{
	static struct cli_state st; /* getopt is not reentrant anyway */
	int ch, ret;

	memset(&st, 0, sizeof(st));
	st.cmd = cmd;
	ret = build(&st);
	if (ret)
		return ret;
	optind = 0; /* glibc: start over, whatever a parse before left */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, st.shortopts, st.longopts,
				 NULL)) != -1) {
		size_t i = 0;

		if (ch == '?' || ch == ':') {
			bad_option(&st, ch, argv);
			return -EINVAL;
		}
		if (ch >= 256)
			i = (size_t)ch - 256;
		else
			while (st.opts[i].key != ch)
				i++;
		ret = take(&st, i, optarg, dst);
		if (ret)
			return ret;
	}
	ret = finish(&st, argc, argv);
	if (!ret && argi)
		*argi = optind;
	return ret;
}
