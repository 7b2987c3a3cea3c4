/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Command lines: one typed option table per command (struct cli_cmd), one
 * parser (cli_parse) that runs getopt_long, converts each argument by its
 * type into the command's own struct, refuses what the table declares
 * wrong (range, conflicting options, a missing required one) with one
 * line that names the command and the option, and prints --help. The
 * table holds everything a man page or a shell completion needs (names,
 * aliases, argument type, choices, help): user/docgen generates both
 * from it at build time (rtbpf-docgen).
 *
 * Value types and their one rule for units (also in every --help):
 *   DUR  a duration: 10s, 250ms, 1.5s, 5m, 1h (ns, us, ms, s, m, h, d);
 *        a bare number is seconds (--interval, --duration).
 *   LAT  a latency or threshold: 100us, 1.5ms, 20 (same units); a bare
 *        number is microseconds (--threshold, --dma-latency, --busy-poll).
 *   LIST a CPU (or NUMA node) list: 0,2-3 or 1-7:2.
 *   N    a decimal integer in the option's range.
 *
 * Short options: one registry (cli.c, cli_short_name()) so a letter means
 * one thing in every command; an option may use a letter only under the
 * long name registered for it:
 *   -b --batch     -c --cpus      -d --duration  -D --dst
 *   -h --help      -i --interval  -I --dev       -j --json
 *   -m --mode      -n --count     -o --plot      -p --pid
 *   -P --profile   -q --queue     -r --rate      -s --src
 *   -S --size      -t --tid       -T --threshold -v --verbose
 * Every other option is long only.
 */
#ifndef RTBPF_CLI_H
#define RTBPF_CLI_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "parse.h"

/* Exit codes, documented in README.md. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_DEVIATION = 3,
	EXIT_UNSUPPORTED = 4,
};

enum cli_type {
	CLI_FLAG, /* no argument: stores .val into an integer or bool */
	CLI_STR, /* const char * = the argument (argv's own memory) */
	CLI_UINT, /* unsigned integer of .size bytes in [.min, .max] */
	CLI_INT, /* signed integer of .size bytes in [.smin, .smax] */
	CLI_DURATION, /* uint64_t ns, [.min, .max]; bare number = seconds */
	CLI_LATENCY, /* uint64_t ns, [.min, .max]; bare = microseconds */
	CLI_CPULIST, /* struct cpuset */
	CLI_CHOICE, /* int: the .val of one of .choices */
	CLI_CHOICES, /* unsigned int: the .val of each listed choice ORed */
	/* every command's -h and -v (cli_expand), never in a table: */
	CLI_HELP, /* prints the help, cli_parse returns CLI_HELP_SHOWN */
	CLI_VERBOSE, /* raises log_verbosity */
};

struct cli_choice {
	const char *name;
	int val;
	bool hidden; /* an older spelling: accepted, not listed */
};

/* A converted argument, as an apply callback sees it. */
union cli_val {
	uint64_t u; /* FLAG (.val), UINT, DURATION, LATENCY, CHOICE(S) */
	int64_t i; /* INT */
	const char *s; /* STR */
	const struct cpuset *set; /* CPULIST */
};

struct cli_opt;
/*
 * Called with the converted value instead of the default store: checks
 * what the type cannot (a PID that exists, a power of two) and stores
 * anywhere in dst, or calls cli_store(). 0, or -errno with a reason in
 * err that quotes the value (the parser puts "CMD: --NAME: " in front).
 */
typedef int (*cli_apply_fn)(const struct cli_opt *o, const char *arg,
			    const union cli_val *v, void *dst, char *err,
			    size_t errlen);

struct cli_opt {
	const char *name; /* long name */
	int key; /* short letter (the registry's for name), or 0 */
	enum cli_type type;
	const char *arg; /* metavar in --help; NULL: the type's (DUR, N...) */
	const char *help;
	const char *alias; /* an older long name still accepted, or NULL */
	size_t off; /* destination in the command's struct */
	size_t size; /* its size (an element's when repeatable) */
	size_t seen; /* offset + 1 of a bool set when given; 0: none */
	/* Repeatable (count != 0): off is an array of nmax elements of
	 * size bytes, each use appends one, counted in the unsigned int at
	 * offset count - 1. */
	size_t count, nmax;
	uint64_t min, max; /* UINT, DURATION, LATENCY; max 0: no limit */
	int64_t smin, smax; /* INT */
	int64_t val; /* FLAG: the value stored */
	const struct cli_choice *choices; /* CHOICE(S): ends with { 0 } */
	unsigned int flags; /* CLI_REQUIRED: refused when not given */
	/* options whose excl bits meet are refused together ("--rr cannot
	 * be combined with --fifo"); the same option twice: the last wins */
	unsigned int excl;
	cli_apply_fn apply;
};

#define CLI_REQUIRED 0x1u

/* Positional arguments after the options. */
enum cli_args {
	CLI_ARGS_NONE, /* none: one is an error */
	CLI_ARGS_CMD, /* a command and its arguments (required): options end
			 at the first non-option, so CMD's own stay CMD's */
};

struct cli_cmd {
	const char *name; /* as typed after rtbpf: "monitor", "xsk send" */
	const char *synopsis; /* after the name in the usage line */
	const struct cli_opt *opts; /* ends with a zeroed entry */
	enum cli_args args;
	const char *verbose; /* help of -v, NULL: "more messages" */
};

#define CLI_MAX_OPTS 62 /* and -v, -h: a bit each in a u64 */

enum { CLI_HELP_SHOWN = 1 };
/*
 * Parses argv (argv[0] the command's name) into dst, which the caller
 * filled with the defaults. Returns 0 and *argi (may be NULL) = the first
 * positional argument; CLI_HELP_SHOWN after printing --help on stdout; or
 * -EINVAL after one line on stderr (log_err) naming the command and the
 * option: "monitor: --interval: bad duration '5x' (...)". Allocates
 * nothing; not thread safe (getopt's globals).
 */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, void *dst,
	      int *argi);
/* The exit code for a cli_parse() result other than 0. */
static inline int cli_exit(int ret)
{
	return ret == CLI_HELP_SHOWN ? EXIT_OK : EXIT_USAGE;
}
/* The exit code of a failed host check: 4 for what the kernel lacks
 * (-ENOTSUP, -ENOSYS), else 1. */
static inline int cli_exit_host(int err)
{
	return err == -ENOTSUP || err == -ENOSYS ? EXIT_UNSUPPORTED : EXIT_FAIL;
}
void cli_usage(FILE *f, const struct cli_cmd *cmd);
/*
 * The parts of --help, for generators of man pages and completion that
 * must say the same: an option's left column ("-c, --cpus LIST", or
 * "--json"), its text (help, {choices}, "(also --old)"), and the rules of
 * the value types cmd's options take ("DUR: a duration, ..."; lines after
 * the first indented by 5 spaces), at most CLI_NOTES_MAX, their count
 * returned.
 */
void cli_opt_left(const struct cli_opt *o, char *buf, size_t len);
void cli_opt_text(const struct cli_opt *o, char *buf, size_t len);
#define CLI_NOTES_MAX 3
size_t cli_notes(const struct cli_cmd *cmd, const char *notes[CLI_NOTES_MAX]);
/* cmd's options into out (CLI_MAX_OPTS + 2 of them): its table, then -v
 * and -h, which every command takes. Returns their count. */
size_t cli_expand(const struct cli_cmd *cmd, struct cli_opt *out);
/* The default store of v into dst by o's type (for apply callbacks). */
void cli_store(const struct cli_opt *o, const union cli_val *v, void *dst);
/* The apply callback of CLI_LATENCY_US_AT: a latency the kernel takes in
 * microseconds, stored in them; one that is no whole number of them
 * ("1500ns") refused. */
int cli_store_us(const struct cli_opt *o, const char *arg,
		 const union cli_val *v, void *dst, char *err, size_t len);
/* An apply callback for a PID (or, with .arg "TID", a thread ID) that
 * exists now: "ID: no such process|thread" otherwise. */
int cli_store_live_id(const struct cli_opt *o, const char *arg,
		      const union cli_val *v, void *dst, char *err, size_t len);
/* The apply callback of CLI_OPT_TEXTFILE: a path whose file name ends in
 * .prom (node_exporter's textfile collector reads only those). */
int cli_store_prom_path(const struct cli_opt *o, const char *arg,
			const union cli_val *v, void *dst, char *err,
			size_t len);
/* The long name the registry gives letter key, or NULL. */
const char *cli_short_name(int key);
/* The candidate closest to word (edit distance, a swap of neighbours
 * counting one, within a third of its length and at least 1; else the one
 * candidate word is a prefix of), or NULL. */
const char *cli_suggest(const char *word, const char *const *cands, size_t n);
/* The argument's name in --help and messages: .arg, else the type's. */
const char *cli_metavar(const struct cli_opt *o);
/* ns as "10ms", "2147483647us", "1500ms": in the largest unit it is a
 * whole number of. */
void cli_fmt_ns(uint64_t ns, char *buf, size_t len);

/*
 * Table entries, type-checked against the destination member m of the
 * command's struct T (a wrong type does not compile).
 */
#define CLI__IS(T, m, ctype)                                    \
	(0 * sizeof(char[1 - 2 * !__builtin_types_compatible_p( \
					 __typeof__(((T *)0)->m), ctype)]))
#define CLI__UNSIGNED(T, m) \
	(0 * sizeof(char[1 - 2 * !((__typeof__(((T *)0)->m))-1 > 0)]))
#define CLI__SIGNED(T, m) \
	(0 * sizeof(char[1 - 2 * !((__typeof__(((T *)0)->m))-1 < 0)]))
#define CLI__AT(T, m) .off = offsetof(T, m), .size = sizeof(((T *)0)->m)

#define CLI_FLAG_AT(T, m) \
	.type = CLI_FLAG, CLI__AT(T, m) + CLI__IS(T, m, bool), .val = 1
/* A flag that stores v into an integer (--tuned, --no-monitor). */
#define CLI_CONST_AT(T, m, v) .type = CLI_FLAG, CLI__AT(T, m), .val = (v)
#define CLI_STR_AT(T, m) \
	.type = CLI_STR, CLI__AT(T, m) + CLI__IS(T, m, const char *)
#define CLI_UINT_AT(T, m, lo, hi)                                           \
	.type = CLI_UINT, CLI__AT(T, m) + CLI__UNSIGNED(T, m), .min = (lo), \
	.max = (hi)
#define CLI_INT_AT(T, m, lo, hi)                                          \
	.type = CLI_INT, CLI__AT(T, m) + CLI__SIGNED(T, m), .smin = (lo), \
	.smax = (hi)
#define CLI_DURATION_AT(T, m, lo, hi)                                  \
	.type = CLI_DURATION, CLI__AT(T, m) + CLI__IS(T, m, uint64_t), \
	.min = (lo), .max = (hi)
#define CLI_LATENCY_AT(T, m, lo, hi)                                  \
	.type = CLI_LATENCY, CLI__AT(T, m) + CLI__IS(T, m, uint64_t), \
	.min = (lo), .max = (hi)
/* A LATENCY stored as whole microseconds in unsigned member m; lo and hi
 * in ns. */
#define CLI_LATENCY_US_AT(T, m, lo, hi)                                        \
	.type = CLI_LATENCY, CLI__AT(T, m) + CLI__UNSIGNED(T, m), .min = (lo), \
	.max = (hi), .apply = cli_store_us
#define CLI_CPULIST_AT(T, m) \
	.type = CLI_CPULIST, CLI__AT(T, m) + CLI__IS(T, m, struct cpuset)
#define CLI_CHOICE_AT(T, m, c)                                                \
	.type = CLI_CHOICE,                                                   \
	CLI__AT(T, m) + 0 * sizeof(char[1 - 2 * (sizeof(((T *)0)->m) != 4)]), \
	.choices = (c)
#define CLI_CHOICES_AT(T, m, c)                                           \
	.type = CLI_CHOICES, CLI__AT(T, m) + CLI__IS(T, m, unsigned int), \
	.choices = (c)
/* Options that mean the same in every command that has them: one
 * spelling, one help text. */
/* clang-format off */
#define CLI_OPT_JSON(T, m) \
	{ "json", 'j', .help = "NDJSON records on stdout", CLI_FLAG_AT(T, m) }
#define CLI_OPT_DURATION(T, m, lo) \
	{ "duration", 'd', .help = "stop after DUR", \
	  CLI_DURATION_AT(T, m, lo, 0) }
#define CLI_OPT_INTERVAL(T, m) \
	{ "interval", 'i', \
	  .help = "table and records every DUR (default 1s, at least 10ms)", \
	  CLI_DURATION_AT(T, m, 10000000, 0) }
/* The probe commands' CPUs (timerlat, osnoise): a CPULIST m, given
 * (bool) set when the option is. */
#define CLI_OPT_PROBE_CPUS(T, m, given) \
	{ "cpus", 'c', \
	  .help = "one probe per CPU of LIST (default: isolated CPUs, " \
		  "else all online)", \
	  CLI_CPULIST_AT(T, m), CLI_SEEN(T, given) }
/* The exporter's (expo.h): a const char * each, NULL when not given. */
#define CLI_OPT_LISTEN(T, m) \
	{ "listen", 0, .arg = "[ADDR:]PORT", \
	  .help = "serve Prometheus metrics at /metrics (ADDR default " \
		  "127.0.0.1)", \
	  CLI_STR_AT(T, m) }
#define CLI_OPT_TEXTFILE(T, m) \
	{ "textfile", 0, .arg = "PATH", \
	  .help = "write the metrics to PATH (*.prom) every interval, " \
		  "atomically", \
	  CLI_STR_AT(T, m), .apply = cli_store_prom_path }
/* clang-format on */
/* A bool of T set when the option is given. */
#define CLI_SEEN(T, m) .seen = offsetof(T, m) + 1 + CLI__IS(T, m, bool)
/* An unsigned integer in [lo, hi] for each use, appended to array a of T,
 * counted in unsigned int n. */
#define CLI_UINTS_AT(T, a, n, lo, hi)                              \
	.type = CLI_UINT, .off = offsetof(T, a),                   \
	.size = sizeof(((T *)0)->a[0]) + CLI__UNSIGNED(T, a[0]),   \
	.nmax = sizeof(((T *)0)->a) / sizeof(((T *)0)->a[0]),      \
	.count = offsetof(T, n) + 1 + CLI__IS(T, n, unsigned int), \
	.min = (lo), .max = (hi)
#endif
