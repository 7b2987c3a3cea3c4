// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The monitor's text output in a terminal's size: the live frame at 60, 80
 * and 150 columns (no line wider, no pid cut, shortened names marked), the
 * header's filters, the summary on a short screen, and every column head
 * printed coming from the column tables the legend is made of.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "monitor/coll.h"
#include "monitor/monitor.h"
#include "monitor/render.h"
#include "monitor/render_util.h"
#include "bpf/sched_abi.h"
#include "monitor/spike.h"

#include "coll_fixture.h"
#include "render_fixture.h"

/* The text header says what is watched: CPUs, the thread filter (a name
 * escaped), the spike threshold, the collectors. */
static void test_header_filters(void **state)
{
	struct coll_set set = {
		.c = { { .ops = &sched_r }, { .ops = &noise_r } }, .n = 2
	};
	struct out_fixture *x = fixture(false);
	const char *t;

	(void)state;
	x->opts.interval_ns = 500000000ULL;
	cpuset_add(&x->opts.filter.cpus, 2);
	cpuset_add(&x->opts.filter.cpus, 3);
	x->opts.filter.has_tgid = true;
	x->opts.filter.tgid = 1234;
	x->opts.filter.has_comm = true;
	snprintf(x->opts.filter.comm, sizeof(x->opts.filter.comm), "app\033");
	render_header(&x->o, &set);
	t = fixture_text(x);
	assert_non_null(strstr(t, "watching CPUs 2-3, interval 0.5s\n"));
	assert_non_null(strstr(t, "watching: threads of pid 1234 named "
				  "'app\\x1b'; spikes >= 20.0 us\n"
				  "  collectors sched irq stolen\n"));
	fixture_free(x);

	x = fixture(false);
	x->opts.filter.has_tid = true;
	x->opts.filter.tid = 99;
	x->opts.threshold_ns = 0;
	x->o.cols = 150;
	render_header(&x->o, &set);
	t = fixture_text(x);
	assert_non_null(strstr(t, "watching: thread 99; no spike reports; "
				  "collectors sched irq stolen\n"));
	fixture_free(x);
}

/* Lines of the text summary of a run whose waits spread from 1 us to
 * 100 ms, on a terminal of rows lines (0: none) and cols columns (0: 80);
 * *bars: the histogram's. No line is wider than the terminal. */
static unsigned int summary_lines(unsigned int rows, unsigned int cols,
				  unsigned int *bars)
{
	struct coll_set set = {
		.c = { { .ops = &sched_r }, { .ops = &noise_r } }, .n = 2
	};
	struct out_fixture *x = fixture(false);
	struct coll_snaps s;
	struct coll_view v = {
		.o = &x->o, .s = &s, .dur_ns = 2000000000ULL, .summary = true
	};
	unsigned int lines = 0;
	const char *t;

	assert_int_equal(coll_snaps_init(&s, 2), 0);
	for (uint64_t ns = 1000; ns < 100000000; ns += ns / 9 + 1)
		hist_add_value(&s.sched.cpu[1].lat, ns);
	hist_add_value(&s.sched.cpu[0].timer, 70000);
	x->o.rows = rows;
	x->o.cols = cols;
	x->o.live = rows > 0;
	render_period(&x->o, &set, &v, NULL);
	t = fixture_text(x);
	*bars = 0;
	for (const char *p = t; *p; p += strcspn(p, "\n") + 1, lines++)
		if (strcspn(p, "\n") > (cols ? cols : 80))
			fail_msg("over %u columns: %.*s", cols ? cols : 80,
				 (int)strcspn(p, "\n"), p);
	for (const char *p = strstr(t, "wait to run"); p && *p; p++)
		*bars += *p == '|';
	coll_snaps_fini(&s);
	fixture_free(x);
	return lines;
}

/* The summary leaves its tables on the screen: at most 16 histogram lines,
 * fewer when the terminal is short, the whole of it and the prompt on a
 * 45- or 40-line screen, 60 to 150 columns wide. */
static void test_summary_fits(void **state)
{
	unsigned int bars;

	(void)state;
	summary_lines(0, 0, &bars);
	assert_true(bars > 0 && bars <= RENDER_HIST_ROWS);
	assert_true(summary_lines(45, 80, &bars) <= 44);
	assert_true(summary_lines(40, 60, &bars) <= 39);
	assert_true(bars >= RENDER_HIST_ROWS_MIN);
	assert_true(summary_lines(45, 150, &bars) <= 44);
}

/* Every table head line the renderers print (the interval's and the
 * summary's, every table on) is one of render_tables' laid out: the
 * legend (--help, docs/monitor.md: tests/integration/columns_legend.sh)
 * names every column printed. */
static void test_heads_from_tables(void **state)
{
	static const unsigned int widths[] = { 60, 150 };
	struct coll_set set = {
		.c = { { .ops = &sched_r }, { .ops = &noise_r } }, .n = 2
	};

	(void)state;
	for (size_t k = 0; k < sizeof(widths) / sizeof(widths[0]); k++) {
		struct out_fixture *x = fixture(false);
		struct coll_snaps s;
		struct coll_view v = { .o = &x->o, .s = &s, .dur_ns = 1000 };
		char *heads = NULL, *t, *line, *save = NULL;
		size_t len = 0, seen = 0;
		FILE *f = open_memstream(&heads, &len);

		assert_non_null(f);
		x->o.cols = widths[k];
		for (unsigned int i = 0; i < TBL_N; i++) {
			struct col_fit fit;

			render_fit(&fit, &x->o, i);
			col_head(f, &fit);
		}
		fclose(f);
		assert_int_equal(coll_snaps_init(&s, 2), 0);
		hist_add_value(&s.sched.cpu[0].timer, 70000);
		render_period(&x->o, &set, &v, NULL);
		v.summary = true;
		render_period(&x->o, &set, &v, NULL);
		t = strdup(fixture_text(x));
		for (line = strtok_r(t, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char want[256];

			if (strncmp(line, "CPU ", 4))
				continue;
			snprintf(want, sizeof(want), "%s\n", line);
			if (!strstr(heads, want))
				fail_msg("head '%s' is none of:\n%s", line,
					 heads);
			seen++;
		}
		/* wait and noise twice, wake and timer once */
		assert_int_equal(seen, 6);
		free(t);
		free(heads);
		coll_snaps_fini(&s);
		fixture_free(x);
	}
}

/* Every "/DIGITS" in t is one of the pids given: none cut into another
 * number. Returns how many it found. */
static size_t check_pids(const char *t, const unsigned long *pid, size_t n)
{
	size_t found = 0;

	for (const char *p = strchr(t, '/'); p; p = strchr(p + 1, '/')) {
		char *end;
		unsigned long v;
		bool known = false;

		if (p[1] < '0' || p[1] > '9')
			continue;
		v = strtoul(p + 1, &end, 10);
		for (size_t i = 0; i < n; i++)
			known |= v == pid[i];
		if (!known)
			fail_msg("pid %lu is none given, in:\n%s", v, t);
		found++;
	}
	return found;
}

/* The live frame on terminals 60, 80 and 150 wide, with long names and
 * 7-digit pids: no line wider than the terminal, every pid whole, a
 * shortened name marked, and the wide terminal shows the whole names. */
static void test_live_width(void **state)
{
	static const unsigned long pids[] = { 4242, 4194300, 4194301, 4194302,
					      4194303 };
	static const unsigned int widths[] = { 60, 80, 150 };
	struct coll_set set = {
		.c = { { .ops = &sched_r }, { .ops = &noise_r } }, .n = 2
	};

	(void)state;
	for (size_t k = 0; k < sizeof(widths) / sizeof(widths[0]); k++) {
		struct out_fixture *x = fixture(false);
		struct spike_event *ev = calloc(1, sizeof(*ev));
		struct spike_keep keep = {};
		struct coll_snaps s;
		struct coll_view v = { .o = &x->o,
				       .s = &s,
				       .dur_ns = 1000000000ULL,
				       .end_ns =
					       x->o.start_ns + 3000000000ULL };
		char *t, *line, *save = NULL;
		bool marked = false;

		assert_int_equal(coll_snaps_init(&s, 2), 0);
		x->o.live = true;
		x->o.cols = widths[k];
		snprintf(x->host.kernel, sizeof(x->host.kernel),
			 "6.18.44-rt12-generic");
		cpuset_add(&x->opts.filter.cpus, 0);
		cpuset_add(&x->opts.filter.cpus, 1);
		x->irq[24] = "IR-PCI-MSI 524288-edge eth0-TxRx-0";
		s.sched.cpu[1].wakeups = 12345678;
		hist_add_value(&s.sched.cpu[1].lat, 123456789);
		add_task(&s.sched.pre, 1, 4194303, 2500000, "averyverylongna");
		add_task(&s.sched.pre, 0, 4194301, 900, "a\033bcdefghijklmn");
		add_task(&s.sched.stolen, 0, 4194302, 90000000,
			 "kworker/u8:1-ev");
		s.sched.cpu[0].stolen_ns = 90000000;
		s.noise.cpu[1].irq[24] =
			(struct noise_fig){ .count = 10, .ns = 4000 };
		/* a spike kept for the frame: long names, a long IRQ name */
		assert_non_null(ev);
		spike_event_fixture(ev);
		ev->pid = 4194303;
		snprintf(ev->comm, sizeof(ev->comm), "averyverylongna");
		ev->runs[0].pid = ev->runs[0].vpid = 4194300;
		snprintf(ev->run_comm[0], sizeof(ev->run_comm[0]),
			 "a-long-hog-nam");
		render_spike(&x->o, &keep, ev);
		render_period(&x->o, &set, &v, &keep);
		spike_keep_fini(&keep);
		free(ev);
		t = strdup(fixture_text(x));
		assert_non_null(t);
		assert_int_equal(check_pids(t, pids, 5), 6);
		assert_non_null(strstr(t, "/4194302"));
		assert_non_null(strstr(t, "/4194303 2.5ms"));
		for (line = strtok_r(t, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (!strncmp(line, "\033[H\033[2J", 7))
				line += 7;
			if (strlen(line) > widths[k])
				fail_msg("%zu columns in %u: '%s'",
					 strlen(line), widths[k], line);
			marked |= strstr(line, "~/") != NULL;
		}
		free(t);
		t = x->text;
		/* 80 and 60 shorten the names, marked; 150 shows them whole */
		assert_true(marked == (widths[k] < 150));
		if (widths[k] == 150) {
			assert_non_null(strstr(t, "averyverylongna/4194303"));
			assert_non_null(
				strstr(t, "a\\x1bbcdefghijklmn/4194301"));
			assert_non_null(strstr(t, "kworker/u8:1-ev/4194302"));
			assert_non_null(
				strstr(t, "task a-long-hog-nam/4194300"));
		}
		coll_snaps_fini(&s);
		fixture_free(x);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_width),
		cmocka_unit_test(test_header_filters),
		cmocka_unit_test(test_summary_fits),
		cmocka_unit_test(test_heads_from_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
