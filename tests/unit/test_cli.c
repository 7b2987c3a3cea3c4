// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The option parser: every type converted and stored, ranges, repeats,
 * conflicts, required options, did-you-mean (options, commands, global
 * options), and every error naming its option (stderr captured through a
 * pipe). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli.h"
#include "commands.h"
#include "log.h"

struct t_opts {
	bool json, json_seen;
	const char *name;
	uint64_t count;
	uint32_t queue;
	int nice;
	uint64_t interval_ns, thr_ns;
	struct cpuset cpus;
	bool cpus_given;
	int mode;
	unsigned int mask;
	uint16_t ports[3];
	unsigned int nports;
	int tunings;
	bool only, skip;
};

static const struct cli_choice modes[] = {
	{ "auto", 0, false },
	{ "zerocopy", 1, false },
	{ "copy", 2, false },
	{ "native", 1, true },
	{ 0 },
};
static const struct cli_choice colls[] = {
	{ "sched", 0, false },
	{ "irq", 1, false },
	{ "softirq", 2, false },
	{ "ipi", 4, false },
	{ 0 },
};

static int even_only(const struct cli_opt *o, const char *arg,
		     const union cli_val *v, void *dst, char *err, size_t len)
{
	if (v->u % 2) {
		snprintf(err, len, "'%s' is odd", arg);
		return -EINVAL;
	}
	cli_store(o, v, dst);
	return 0;
}

#define T struct t_opts
static const struct cli_opt t_table[] = {
	{ "json", 'j', .help = "json", CLI_FLAG_AT(T, json),
	  CLI_SEEN(T, json_seen) },
	{ "comm", 0, .help = "name", CLI_STR_AT(T, name) },
	{ "count", 'n', .help = "count", CLI_UINT_AT(T, count, 1, 100) },
	{ "queue", 'q', .help = "queue", CLI_UINT_AT(T, queue, 0, 1023),
	  .apply = even_only },
	{ "nice", 0, .help = "nice", CLI_INT_AT(T, nice, -20, 19) },
	{ "interval", 'i', .help = "every", .alias = "every",
	  CLI_DURATION_AT(T, interval_ns, 10000000, 0) },
	{ "threshold", 'T', .help = "thr", CLI_LATENCY_AT(T, thr_ns, 1, 0) },
	{ "cpus", 'c', .help = "cpus", CLI_CPULIST_AT(T, cpus),
	  CLI_SEEN(T, cpus_given) },
	{ "mode", 'm', .help = "mode", CLI_CHOICE_AT(T, mode, modes) },
	{ "collectors", 0, .help = "colls", CLI_CHOICES_AT(T, mask, colls) },
	{ "port", 0, .help = "port", CLI_UINTS_AT(T, ports, nports, 1, 65535) },
	{ "tuned", 0, .help = "t", CLI_CONST_AT(T, tunings, 2), .excl = 1 },
	{ "untuned", 0, .help = "u", CLI_CONST_AT(T, tunings, 1), .excl = 1 },
	{ "only", 0, .help = "o", CLI_FLAG_AT(T, only), .excl = 2 },
	{ "skip", 0, .help = "s", CLI_FLAG_AT(T, skip), .excl = 2 },
	{},
};
#undef T

static const struct cli_cmd t_cmd = { "tst", "[options]", t_table,
				      CLI_ARGS_NONE, "more" };

static char errbuf[4096];

/* Runs cli_parse on the words of line; stderr into errbuf. */
static int run(struct t_opts *o, const char *line)
{
	static char buf[512];
	char *argv[32], *save = NULL;
	int argc = 0, fds[2], saved, ret, argi = 0;
	ssize_t n;

	snprintf(buf, sizeof(buf), "tst %s", line);
	for (char *w = strtok_r(buf, " ", &save); w && argc < 31;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	memset(o, 0, sizeof(*o));
	fflush(stderr);
	assert_int_equal(pipe(fds), 0);
	saved = dup(2);
	dup2(fds[1], 2);
	ret = cli_parse(&t_cmd, argc, argv, o, &argi);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fds[1]);
	n = read(fds[0], errbuf, sizeof(errbuf) - 1);
	errbuf[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	return ret;
}

/* Fails with the message it got; one line, naming the option. */
static void bad(const char *line, const char *needle)
{
	struct t_opts o;

	assert_int_equal(run(&o, line), -EINVAL);
	if (!strstr(errbuf, needle))
		fail_msg("'%s': message '%s' lacks '%s'", line, errbuf, needle);
	assert_ptr_equal(strchr(errbuf, '\n'), errbuf + strlen(errbuf) - 1);
	assert_non_null(strstr(errbuf, "rtbpf: tst: "));
}

static void test_types(void **state)
{
	struct t_opts o;

	(void)state;
	assert_int_equal(run(&o,
			     "-j --comm x -n 7 -q 4 --nice -5 -i 20ms "
			     "-T 100 -c 0,2-3 -m copy --collectors irq,ipi"),
			 0);
	assert_true(o.json && o.json_seen);
	assert_string_equal(o.name, "x");
	assert_int_equal(o.count, 7);
	assert_int_equal(o.queue, 4);
	assert_int_equal(o.nice, -5);
	assert_int_equal(o.interval_ns, 20000000);
	/* a bare latency is microseconds, a bare duration seconds */
	assert_int_equal(o.thr_ns, 100000);
	assert_true(o.cpus_given && cpuset_count(&o.cpus) == 3);
	assert_int_equal(o.mode, 2);
	assert_int_equal(o.mask, 5);
	assert_int_equal(run(&o, "--interval 2 --threshold 1.5ms -m native"),
			 0);
	assert_int_equal(o.interval_ns, 2000000000ULL);
	assert_int_equal(o.thr_ns, 1500000);
	assert_int_equal(o.mode, 1);
	assert_false(o.cpus_given);
	/* alias, unique prefix, --opt=value */
	assert_int_equal(run(&o, "--every=1s --thr=5us --tun"), 0);
	assert_int_equal(o.interval_ns, 1000000000ULL);
	assert_int_equal(o.thr_ns, 5000);
	assert_int_equal(o.tunings, 2);
}

static void test_ranges(void **state)
{
	(void)state;
	bad("--count 0", "tst: --count: 0 is out of range [1, 100]");
	bad("-n 101", "--count: 101 is out of range");
	bad("-n x", "--count: 'x' is not a number");
	bad("--nice 20", "--nice: 20 is out of range [-20, 19]");
	bad("--nice -21", "--nice: -21 is out of range [-20, 19]");
	bad("--nice -x", "--nice: '-x' is not a number");
	bad("--nice 99999999999999999999", "--nice: 99999999999999999999 is "
					   "out of range");
	bad("-i 5ms", "--interval: '5ms' is below the minimum of 10ms");
	bad("-i 5x", "--interval: bad duration '5x'");
	bad("-T 0", "--threshold: '0': must be more than 0");
	bad("-c 3-1", "--cpus: CPU range '3-1' is reversed");
	bad("-q 3", "--queue: '3' is odd");
}

static void test_choices(void **state)
{
	(void)state;
	bad("-m zerocpy", "--mode: 'zerocpy' is not one of auto, zerocopy, "
			  "copy; did you mean zerocopy?");
	bad("-m fast", "one of auto, zerocopy, copy");
	bad("--collectors irq,,ipi", "--collectors: 'irq,,ipi': an empty name");
	bad("--collectors irqs", "'irqs' is not one of sched, irq, softirq, "
				 "ipi; did you mean irq?");
}

static void test_repeat(void **state)
{
	struct t_opts o;

	(void)state;
	assert_int_equal(run(&o, "--port 1 --port 2 --port 3"), 0);
	assert_int_equal(o.nports, 3);
	assert_int_equal(o.ports[0], 1);
	assert_int_equal(o.ports[2], 3);
	bad("--port 1 --port 2 --port 3 --port 4",
	    "--port: given more than 3 times");
	bad("--port 0", "--port: 0 is out of range [1, 65535]");
}

static void test_conflicts(void **state)
{
	struct t_opts o;

	(void)state;
	bad("--tuned --untuned", "tst: --untuned cannot be combined with "
				 "--tuned");
	bad("--skip --only", "--only cannot be combined with --skip");
	/* the same option again is no conflict: the last wins */
	assert_int_equal(run(&o, "--tuned --tuned -n 1 -n 2"), 0);
	assert_int_equal(o.count, 2);
}

static void test_unknown(void **state)
{
	(void)state;
	bad("--intervl 1s", "unknown option '--intervl'; did you mean "
			    "--interval?");
	bad("--cpsu 1", "did you mean --cpus?");
	bad("--bogus", "unknown option '--bogus' (see rtbpf tst --help)");
	bad("-x", "unknown option '-x'");
	bad("--co 1", "option '--co' is ambiguous: --comm, --count");
	bad("--cpus", "--cpus needs an argument (LIST)");
	bad("-c", "--cpus needs an argument (LIST)");
	bad("--json=1", "--json takes no argument");
	bad("extra", "unexpected argument 'extra'");
}

static const struct cli_opt req_table[] = {
	{ "dev", 'I', .help = "dev", .arg = "IF",
	  CLI_STR_AT(struct t_opts, name), .flags = CLI_REQUIRED },
	{},
};
static const struct cli_cmd req_cmd = { "req", "--dev IF -- CMD", req_table,
					CLI_ARGS_CMD, NULL };
static const struct cli_opt wrong_table[] = {
	{ "dst", 'd', .help = "-d is --duration",
	  CLI_STR_AT(struct t_opts, name) },
	{},
};
static const struct cli_cmd wrong_cmd = { "wrong", "", wrong_table,
					  CLI_ARGS_NONE, NULL };

static void test_required_and_args(void **state)
{
	char a0[] = "req", a1[] = "x", a2[] = "-I", a3[] = "eth0", a4[] = "ls",
	     a5[] = "-l";
	char *argv[] = { a0, a1, NULL },
	     *argv2[] = { a0, a2, a3, a4, a5, NULL };
	struct t_opts o = { 0 };
	int argi = 0;

	(void)state;
	assert_int_equal(cli_parse(&req_cmd, 2, argv, &o, &argi), -EINVAL);
	/* options end at the command: its -l stays its own */
	assert_int_equal(cli_parse(&req_cmd, 5, argv2, &o, &argi), 0);
	assert_int_equal(argi, 3);
	assert_string_equal(o.name, "eth0");
	assert_string_equal(argv2[argi + 1], "-l");
	/* a letter the registry gives another option is refused */
	assert_int_equal(cli_parse(&wrong_cmd, 1, argv, &o, &argi), -EINVAL);
}

static void test_registry_and_words(void **state)
{
	const char *names[] = { "cpus", "comm", "count", "collectors" };
	char buf[32];

	(void)state;
	/* each letter once, each name once */
	for (int a = 'A'; a <= 'z'; a++)
		for (int b = a + 1; b <= 'z'; b++)
			if (cli_short_name(a) && cli_short_name(b))
				assert_string_not_equal(cli_short_name(a),
							cli_short_name(b));
	assert_string_equal(cli_short_name('d'), "duration");
	assert_string_equal(cli_short_name('t'), "tid");
	assert_string_equal(cli_short_name('p'), "pid");
	assert_string_equal(cli_short_name('n'), "count");
	assert_null(cli_short_name('x'));
	assert_string_equal(cli_suggest("cout", names, 4), "count");
	assert_string_equal(cli_suggest("coll", names, 4), "collectors");
	assert_null(cli_suggest("xyzzy", names, 4));
	cli_fmt_ns(10000000, buf, sizeof(buf));
	assert_string_equal(buf, "10ms");
	cli_fmt_ns(2147483647000ULL, buf, sizeof(buf));
	assert_string_equal(buf, "2147483647us");
	cli_fmt_ns(90000000000ULL, buf, sizeof(buf));
	assert_string_equal(buf, "90s");
	cli_fmt_ns(0, buf, sizeof(buf));
	assert_string_equal(buf, "0");
}

static void test_help(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	cli_usage(f, &t_cmd);
	fclose(f);
	assert_non_null(strstr(text, "Usage: rtbpf tst [options]"));
	assert_non_null(strstr(text, "  -i, --interval DUR"));
	assert_non_null(strstr(text, "(also --every)"));
	assert_non_null(strstr(text, "      --comm STR"));
	assert_non_null(strstr(text, "-m, --mode auto|zerocopy|copy\n"));
	assert_null(strstr(text, "native"));
	assert_non_null(strstr(text, "colls {sched,irq,softirq,ipi}"));
	assert_non_null(strstr(text, "a bare number\n     is microseconds"));
	assert_non_null(strstr(text, "a bare number is seconds"));
	for (char *l = text; *l; l = strchr(l, '\n') + 1)
		assert_true(strcspn(l, "\n") < 80);
	free(text);
}

/* The parts a man page takes (cli_opt_left, cli_opt_text, cli_notes):
 * the words of --help, without its columns. */
static void test_help_parts(void **state)
{
	const char *notes[CLI_NOTES_MAX];
	char buf[256];

	(void)state;
	cli_opt_left(&t_table[1], buf, sizeof(buf));
	assert_string_equal(buf, "--comm STR");
	cli_opt_left(&t_table[5], buf, sizeof(buf));
	assert_string_equal(buf, "-i, --interval DUR");
	cli_opt_text(&t_table[5], buf, sizeof(buf));
	assert_string_equal(buf, "every (also --every)");
	cli_opt_left(&t_table[8], buf, sizeof(buf));
	assert_string_equal(buf, "-m, --mode auto|zerocopy|copy");
	cli_opt_text(&t_table[8], buf, sizeof(buf));
	assert_string_equal(buf, "mode");
	cli_opt_text(&t_table[9], buf, sizeof(buf));
	assert_string_equal(buf, "colls {sched,irq,softirq,ipi}");
	cli_opt_left(&t_table[0], buf, sizeof(buf));
	assert_string_equal(buf, "-j, --json");
	/* DUR, LAT, LIST: each once, in that order */
	assert_int_equal(cli_notes(&t_cmd, notes), 3);
	assert_true(!strncmp(notes[0], "DUR: ", 5));
	assert_true(!strncmp(notes[1], "LAT: ", 5));
	assert_true(!strncmp(notes[2], "LIST: ", 6));
}

/* Mistyped commands and global options: the one meant, or where the
 * option belongs. */
static void test_command_words(void **state)
{
	char hint[256];

	(void)state;
	assert_non_null(command_find("monitor"));
	assert_null(command_find("moniter"));
	assert_string_equal(command_suggest("moniter"), "monitor");
	assert_string_equal(command_suggest("chekc"), "check");
	assert_string_equal(command_suggest("prof"), "profile");
	assert_null(command_suggest("frobnicate"));
	command_global_hint("--vresion", NULL, hint, sizeof(hint));
	assert_string_equal(hint, "; did you mean --version?");
	command_global_hint("--verbsoe", NULL, hint, sizeof(hint));
	assert_string_equal(hint, "; did you mean --verbose?");
	command_global_hint("-P", command_find("check"), hint, sizeof(hint));
	assert_string_equal(hint, ": --profile is an option of a command; put "
				  "it after the command (rtbpf check -P ...)");
	/* the command named does not take it: one that does */
	command_global_hint("--port=9", command_find("check"), hint,
			    sizeof(hint));
	assert_non_null(strstr(hint, "(rtbpf xsk --port=9 ...)"));
	command_global_hint("--frobnicate", NULL, hint, sizeof(hint));
	assert_string_equal(hint, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_choices),
		cmocka_unit_test(test_repeat),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_required_and_args),
		cmocka_unit_test(test_registry_and_words),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_help_parts),
		cmocka_unit_test(test_command_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
