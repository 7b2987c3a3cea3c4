// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The exporter of a command (expo_cmd.c) and the pages of timerlat and
 * osnoise (timerlat_prom.c, osnoise_prom.c), without BPF: figures placed
 * by hand in a run's totals come out, through --textfile, as the samples
 * docs/exporter.md lists (seconds from ns, buckets to +Inf = count, the
 * sources of osnoise by label), with the exporter's own families; a bad
 * --listen is refused at bind; a textfile that cannot be written fails
 * the start, then each interval without stopping the run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "monitor/expo.h"
#include "osnoise/osnoise_run.h"
#include "timerlat/timerlat_run.h"

struct tmp {
	char dir[32];
	char path[64];
};

static void tmp_init(struct tmp *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/test_expo_cmd.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/x.prom", t->dir);
}

static void tmp_fini(struct tmp *t)
{
	unlink(t->path);
	rmdir(t->dir);
}

/* The file at path, NUL-terminated (malloc'ed). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void has(const char *page, const char *line)
{
	if (!strstr(page, line))
		fail_msg("missing: %s", line);
}

/* The value of series (name and labels) on page, which must have it. */
static double num(const char *page, const char *series)
{
	size_t n = strlen(series);
	const char *l = page;

	while (l && *l) {
		if (!strncmp(l, series, n) && l[n] == ' ')
			return strtod(l + n + 1, NULL);
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
	fail_msg("missing: %s", series);
	return 0;
}

/* A value in seconds is ns to the ns. */
static void seconds(const char *page, const char *series, uint64_t ns)
{
	double s = num(page, series);

	if (s * 1e9 - (double)ns > 0.5 || (double)ns - s * 1e9 > 0.5)
		fail_msg("%s: %.17g s, not %llu ns", series, s,
			 (unsigned long long)ns);
}

static void test_timerlat_page(void **state)
{
	unsigned int cpus[2] = { 1, 3 };
	struct timerlat_stats total[2] = {};
	struct timerlat_run t = { .nprobes = 2, .cpus = cpus, .total = total };
	struct tmp d;
	char *page;

	(void)state;
	tmp_init(&d);
	cpuset_add(&t.host.isolated, 3);
	snprintf(t.host.kernel, sizeof(t.host.kernel), "6.1.0-test");
	for (int i = 0; i < 1000; i++)
		hist_add_value(&total[1].thread, 3000 + i);
	hist_add_value(&total[1].irq, 1000);
	total[1].overruns = 7;
	total[0].no_irq = 2;
	t.seq = 4;
	t.reports = 5;
	assert_int_equal(expo_cmd_bind(&t.export, "timerlat", NULL, d.path), 0);
	assert_int_equal(timerlat_export_start(&t), 0);
	page = slurp(d.path);
	has(page, "rtbpf_cpu_isolated{cpu=\"3\"} 1\n");
	has(page, "rtbpf_cpu_isolated{cpu=\"1\"} 0\n");
	has(page, "# TYPE rtbpf_timerlat_thread_latency_seconds histogram\n");
	has(page, "rtbpf_timerlat_thread_latency_seconds_count{cpu=\"3\"} "
		  "1000\n");
	has(page, "rtbpf_timerlat_thread_latency_seconds_bucket{cpu=\"3\","
		  "le=\"+Inf\"} 1000\n");
	/* 3000..3999 ns: all below 4.096 us, none below 3.072 us but 72 */
	has(page, "rtbpf_timerlat_thread_latency_seconds_bucket{cpu=\"3\","
		  "le=\"3.072e-06\"} 72\n");
	has(page, "rtbpf_timerlat_thread_latency_seconds_bucket{cpu=\"3\","
		  "le=\"4.096e-06\"} 1000\n");
	has(page, "rtbpf_timerlat_irq_latency_seconds_count{cpu=\"3\"} 1\n");
	has(page, "rtbpf_timerlat_irq_latency_seconds_count{cpu=\"1\"} 0\n");
	has(page, "rtbpf_timerlat_overruns_total{cpu=\"3\"} 7\n");
	has(page, "rtbpf_timerlat_no_irq_samples_total{cpu=\"1\"} 2\n");
	has(page, "rtbpf_timerlat_violations_total{cpu=\"1\"} 0\n");
	has(page, "rtbpf_timerlat_reports_total 5\n");
	has(page, "rtbpf_intervals_total 4\n");
	has(page, "kernel=\"6.1.0-test\"} 1\n");
	/* no BPF object: no program series */
	assert_null(strstr(page, "rtbpf_bpf_program_missed_total{"));
	free(page);
	t.seq = 5;
	total[1].overruns = 8;
	timerlat_export_interval(&t);
	page = slurp(d.path);
	seconds(page, "rtbpf_timerlat_thread_latency_seconds_sum{cpu=\"3\"}",
		3499500);
	has(page, "rtbpf_timerlat_overruns_total{cpu=\"3\"} 8\n");
	has(page, "rtbpf_intervals_total 5\n");
	free(page);
	expo_cmd_stop(&t.export);
	tmp_fini(&d);
}

static void test_osnoise_page(void **state)
{
	unsigned int cpus[1] = { 2 };
	struct osnoise_stats total[1] = {}, interval[1] = {};
	struct osnoise_run r = { .nprobes = 1,
				 .cpu_ids = cpus,
				 .total = total,
				 .interval = interval };
	struct tmp d;
	char *page;

	(void)state;
	tmp_init(&d);
	total[0] = (struct osnoise_stats){ .runtime_ns = 1500000000,
					   .noise_ns = 2500000,
					   .gaps = 40,
					   .max_ns = 900000,
					   .unexplained_ns = 1000,
					   .hw_gaps = 3,
					   .hw_ns = 12000 };
	total[0].ns[OSN_IRQ] = 250000;
	total[0].n[OSN_IRQ] = 11;
	total[0].ns[OSN_THREAD] = 2237000;
	total[0].n[OSN_THREAD] = 4;
	interval[0].max_ns = 500000;
	assert_int_equal(expo_cmd_bind(&r.export, "osnoise", NULL, d.path), 0);
	assert_int_equal(osnoise_export_start(&r), 0);
	page = slurp(d.path);
	seconds(page, "rtbpf_osnoise_runtime_seconds_total{cpu=\"2\"}",
		1500000000);
	seconds(page, "rtbpf_osnoise_noise_seconds_total{cpu=\"2\"}", 2500000);
	has(page, "rtbpf_osnoise_gaps_total{cpu=\"2\"} 40\n");
	has(page, "# TYPE rtbpf_osnoise_max_gap_seconds gauge\n");
	/* the last interval's, not the run's */
	seconds(page, "rtbpf_osnoise_max_gap_seconds{cpu=\"2\"}", 500000);
	seconds(page,
		"rtbpf_osnoise_source_seconds_total{cpu=\"2\",source=\"irq\"}",
		250000);
	seconds(page,
		"rtbpf_osnoise_source_seconds_total{cpu=\"2\",source="
		"\"thread\"}",
		2237000);
	seconds(page,
		"rtbpf_osnoise_source_seconds_total{cpu=\"2\",source="
		"\"unexplained\"}",
		1000);
	seconds(page,
		"rtbpf_osnoise_source_seconds_total{cpu=\"2\",source=\"hw\"}",
		12000);
	has(page, "rtbpf_osnoise_source_events_total{cpu=\"2\",source=\"irq\"}"
		  " 11\n");
	has(page, "rtbpf_osnoise_source_events_total{cpu=\"2\",source=\"nmi\"}"
		  " 0\n");
	assert_null(
		strstr(page, "source_events_total{cpu=\"2\",source=\"hw\""));
	has(page, "rtbpf_osnoise_hw_gaps_total{cpu=\"2\"} 3\n");
	has(page, "rtbpf_build_info{");
	free(page);
	expo_cmd_stop(&r.export);
	tmp_fini(&d);
}

static void families(const void *ctx, struct prom *p)
{
	(void)ctx;
	prom_family(p, "x_things", PROM_COUNTER, "", "things");
	prom_sample_u64(p, "x_things", "_total", NULL, 0, 1);
}

/* A textfile that cannot be written: the start fails, an interval goes
 * on (the next may succeed); a bad --listen is refused at bind. */
static void test_errors(void **state)
{
	struct expo_src src = { .families = families };
	struct expo_cmd x;
	struct tmp d;

	(void)state;
	tmp_init(&d);
	assert_int_equal(expo_cmd_bind(&x, "test", "70000", NULL), -EINVAL);
	expo_cmd_stop(&x);
	assert_int_equal(expo_cmd_bind(&x, "test", NULL, NULL), 0);
	assert_false(x.on);
	assert_int_equal(expo_cmd_start(&x, &src), 0);
	expo_cmd_stop(&x);
	assert_int_equal(mkdir(d.path, 0700), 0); /* a directory in the way */
	assert_int_equal(expo_cmd_bind(&x, "test", NULL, d.path), 0);
	assert_true(expo_cmd_start(&x, &src) < 0);
	expo_cmd_interval(&x, &src);
	assert_true(x.err < 0);
	assert_int_equal(rmdir(d.path), 0);
	expo_cmd_interval(&x, &src);
	assert_int_equal(x.err, 0);
	expo_cmd_stop(&x);
	tmp_fini(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timerlat_page),
		cmocka_unit_test(test_osnoise_page),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
