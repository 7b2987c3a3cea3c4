// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The monitor's renderers without BPF: given snapshots and a fake name
 * resolver, the noise table, spike reports (text and JSON), the JSON and
 * summary frames of both collectors, a task's cell.
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

/* --- renderers: snapshots and names in, text out --- */

static size_t fake_comm(uint32_t tid, char *comm, size_t len)
{
	if (tid != 4242)
		return 0;
	snprintf(comm, len, "waker");
	return strlen("waker");
}

struct out_fixture {
	struct monitor_opts opts;
	struct host_info host;
	unsigned int order[2];
	struct json_w jw;
	struct coll_names names;
	char *irq[NOISE_MAX_IRQ];
	struct coll_out o;
	char *text;
	size_t len;
	FILE *f;
};

static struct out_fixture *fixture(bool json)
{
	struct out_fixture *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->opts.json = json;
	x->opts.threshold_ns = 20000;
	cpuset_add(&x->host.isolated, 1);
	x->order[0] = 1;
	x->order[1] = 0;
	x->irq[24] = "eth0-rx";
	x->names = (struct coll_names){ .comm = fake_comm,
					.irq = x->irq,
					.nirq = NOISE_MAX_IRQ };
	x->f = open_memstream(&x->text, &x->len);
	assert_non_null(x->f);
	json_init(&x->jw, x->f);
	x->o = (struct coll_out){ .opts = &x->opts,
				  .host = &x->host,
				  .order = x->order,
				  .norder = 2,
				  .out = x->f,
				  .jw = &x->jw,
				  .start_ns = 1000000000ULL,
				  .names = &x->names };
	return x;
}

static void fixture_free(struct out_fixture *x)
{
	if (x->f)
		fclose(x->f);
	free(x->text);
	free(x);
}

static const char *fixture_text(struct out_fixture *x)
{
	fclose(x->f);
	x->f = NULL;
	return x->text;
}

static void test_noise_table(void **state)
{
	struct out_fixture *x = fixture(false);
	struct coll_snaps s;
	struct coll_view v = { .o = &x->o, .s = &s, .dur_ns = 2000000000ULL };
	const char *t;

	(void)state;
	assert_int_equal(coll_snaps_init(&s, 2), 0);
	/* CPU 1: IRQ 24 the largest source; CPU 0: a stolen task */
	s.noise.cpu[1].irq[24] = (struct noise_fig){ .count = 10, .ns = 4000 };
	s.noise.cpu[1].softirq[1] =
		(struct noise_fig){ .count = 1, .ns = 1000 };
	s.sched.cpu[0].stolen_ns = 9000;
	add_task(&s.sched.stolen, 0, 31, 9000, "intruder");
	noise_render_table(&v);
	t = fixture_text(x);
	/* per second over 2 s, isolated CPU 1 first with its "*" */
	assert_non_null(strstr(t, "1*          5       2.0       0.5       0"
				  "       0.0        2.5  irq 24 eth0-rx\n"));
	assert_non_null(strstr(t, "0           0       0.0       0.0       0"
				  "       4.5        4.5  intruder/31\n"));
	assert_true(strstr(t, "1*") < strstr(t, "\n0 "));
	coll_snaps_fini(&s);
	fixture_free(x);
}

static void spike_event_fixture(struct spike_event *ev)
{
	ev->wait_start = 1000000000ULL + 500000000ULL;
	ev->wake_at = ev->wait_start + 10000;
	ev->run_at = ev->wait_start + 40000;
	ev->cpu = 1;
	ev->pid = 99;
	ev->tgid = 98;
	ev->waker_cpu = 0;
	ev->waker_pid = 4242;
	strcpy(ev->comm, "victim");
	ev->have_noise = 1;
	ev->runs[0] = (struct sched_run){ .pid = 7,
					  .start = ev->wake_at,
					  .end = ev->run_at };
	strcpy(ev->run_comm[0], "hog");
	ev->run_head = 1;
	ev->noise[0] = (struct noise_event){ .start = ev->wake_at + 1000,
					     .end = ev->wake_at + 6000,
					     .net_ns = 5000,
					     .kind = NOISE_HARDIRQ,
					     .id = 24 };
	ev->noise_head = 1;
}

static void test_spike_text_names(void **state)
{
	struct out_fixture *x = fixture(false);
	struct spike_event *ev = calloc(1, sizeof(*ev));
	struct spike_keep k = {};
	const char *t;

	(void)state;
	spike_event_fixture(ev);
	render_spike(&x->o, &k, ev);
	t = fixture_text(x);
	assert_non_null(strstr(t, "spike: CPU 1, victim tid 99 waited 40.0 us "
				  "(woken) at 0.5s\n"));
	/* the waker named by the resolver, the IRQ by the IRQ table */
	assert_non_null(strstr(t, "delivery from CPU 0 waker/4242"));
	assert_non_null(strstr(t, "irq 24 eth0-rx"));
	assert_non_null(strstr(t, "task hog/7"));
	assert_int_equal(k.n, 0);
	free(ev);
	fixture_free(x);
}

static void test_spike_json_unknown_waker(void **state)
{
	struct out_fixture *x = fixture(true);
	struct spike_event *ev = calloc(1, sizeof(*ev));
	const char *t;

	(void)state;
	spike_event_fixture(ev);
	ev->waker_pid = 5; /* gone: the resolver knows no name */
	render_spike(&x->o, NULL, ev);
	t = fixture_text(x);
	assert_non_null(
		strstr(t, "{\"type\":\"spike\",\"elapsed_ns\":500040000,"));
	assert_non_null(strstr(t, "{\"kind\":\"delivery\",\"cpu\":0,\"pid\":5,"
				  "\"comm\":\"?\",\"ns\":10000}"));
	assert_non_null(strstr(t, "{\"kind\":\"hardirq\",\"irq\":24,"
				  "\"name\":\"eth0-rx\",\"ns\":5000}"));
	free(ev);
	fixture_free(x);
}

/* The renderers of both collectors behind the frame, as the monitor sets
 * them up (the ops tables themselves live with the BPF glue). */
static bool sched_has(const struct coll *c, const char *part)
{
	(void)c;
	return !strcmp(part, "stolen") || !strcmp(part, "sched");
}

static bool noise_has(const struct coll *c, const char *part)
{
	(void)c;
	return !strcmp(part, "irq");
}

static const struct coll_ops sched_r = {
	.has = sched_has,
	.table = sched_render_table,
	.table_end = sched_render_table_end,
	.json_cpu = sched_render_json_cpu,
	.json_cpu_hist = sched_render_json_hist,
	.json_total = sched_render_json_total,
};
static const struct coll_ops noise_r = {
	.has = noise_has,
	.table = noise_render_table,
	.json_cpu = noise_render_json_cpu,
};

static void test_json_frame(void **state)
{
	struct out_fixture *x = fixture(true);
	struct coll_set set = {
		.c = { { .ops = &sched_r }, { .ops = &noise_r } }, .n = 2
	};
	struct coll_snaps s;
	struct coll_view v = { .o = &x->o, .s = &s, .dur_ns = 1000 };
	const char *t, *spikes, *noise, *cpu0, *total;

	(void)state;
	assert_int_equal(coll_snaps_init(&s, 2), 0);
	v.end_ns = x->o.start_ns + 5000;
	x->o.seq = 3;
	render_header(&x->o, &set);
	render_period(&x->o, &set, &v, NULL);
	t = fixture_text(x);
	/* the header's collectors in their fixed order, whoever has them */
	assert_non_null(
		strstr(t, "\"collectors\":[\"sched\",\"irq\",\"stolen\"]"));
	assert_non_null(strstr(t, "{\"type\":\"interval\",\"seq\":3,"
				  "\"elapsed_ns\":5000,\"dur_ns\":1000,"
				  "\"cpus\":[{\"cpu\":1,\"isolated\":true,"
				  "\"samples\":0,"));
	/* a CPU: every collector's fields, then the histograms */
	spikes = strstr(t, "\"spikes_lost\":0,\"noise\":{\"irq_count\":0,");
	noise = strstr(t, "\"ipi_senders\":[]},\"hist\":");
	cpu0 = strstr(t, "{\"cpu\":0,\"isolated\":false,");
	total = strstr(t, "]}],\"total\":{\"samples\":0,");
	assert_non_null(spikes);
	assert_non_null(noise);
	assert_non_null(cpu0);
	assert_non_null(total);
	assert_true(spikes < noise && noise < cpu0 && cpu0 < total);
	/* the record's wall-clock time last (the header turned it on) */
	assert_non_null(strstr(total, "\"max_ns\":0}},\"time\":\""));
	assert_non_null(strstr(total, "Z\"}\n"));
	coll_snaps_fini(&s);
	fixture_free(x);
}

static void test_summary_frame(void **state)
{
	static const char *const order[] = {
		"\nSummary over 2.0s\n",
		"CPU   wakeups",
		"\n1*  ",
		"\nall ",
		"wakeup waits:",
		"irq/s",
		"\nspikes >= 20.0 us:",
		"wait to run, all watched CPUs",
	};
	struct out_fixture *x = fixture(false);
	struct coll_set set = {
		.c = { { .ops = &sched_r }, { .ops = &noise_r } }, .n = 2
	};
	struct coll_snaps s;
	struct coll_view v = {
		.o = &x->o, .s = &s, .dur_ns = 2000000000ULL, .summary = true
	};
	const char *t, *at;

	(void)state;
	assert_int_equal(coll_snaps_init(&s, 2), 0);
	hist_add_value(&s.sched.cpu[1].lat, 5000);
	render_period(&x->o, &set, &v, NULL);
	t = fixture_text(x);
	/* every collector's tables, then what ends the summary */
	at = t;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *p = strstr(at, order[i]);

		if (!p)
			fail_msg("'%s' missing or out of order in:\n%s",
				 order[i], t);
		at = p;
	}
	coll_snaps_fini(&s);
	fixture_free(x);
}

static void test_fmt_task(void **state)
{
	struct task_entry e = { .pid = 1234, .ns = 2500000 };
	char buf[64];

	(void)state;
	strcpy(e.comm, "averyverylongna");
	fmt_task(buf, sizeof(buf), &e, 19, true);
	/* in 19 columns, the name shortened and marked: the pid and time
	 * stay whole */
	assert_string_equal(buf, "averyve~/1234 2.5ms");
	fmt_task(buf, sizeof(buf), &e, 40, true);
	assert_string_equal(buf, "averyverylongna/1234 2.5ms");
	/* narrower than the pid and time: they stay whole all the same */
	fmt_task(buf, sizeof(buf), &e, 5, true);
	assert_string_equal(buf, "~/1234 2.5ms");
	fmt_task(buf, sizeof(buf), NULL, 19, true);
	assert_string_equal(buf, "-");
}

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
 * 100 ms, on a terminal of rows lines (0: none); *bars: the histogram's. */
static unsigned int summary_lines(unsigned int rows, unsigned int *bars)
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
	x->o.live = rows > 0;
	render_period(&x->o, &set, &v, NULL);
	t = fixture_text(x);
	*bars = 0;
	for (const char *p = t; *p; p++)
		lines += *p == '\n';
	for (const char *p = strstr(t, "wait to run"); p && *p; p++)
		*bars += *p == '|';
	coll_snaps_fini(&s);
	fixture_free(x);
	return lines;
}

/* The summary leaves its tables on the screen: at most 16 histogram lines,
 * fewer when the terminal is short, the whole of it and the prompt on a
 * 45- or 40-line screen. */
static void test_summary_fits(void **state)
{
	unsigned int bars;

	(void)state;
	summary_lines(0, &bars);
	assert_true(bars > 0 && bars <= RENDER_HIST_ROWS);
	assert_true(summary_lines(45, &bars) <= 44);
	assert_true(summary_lines(40, &bars) <= 39);
	assert_true(bars >= RENDER_HIST_ROWS_MIN);
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
	static const unsigned long pids[] = { 4194301, 4194302, 4194303 };
	static const unsigned int widths[] = { 60, 80, 150 };
	struct coll_set set = {
		.c = { { .ops = &sched_r }, { .ops = &noise_r } }, .n = 2
	};

	(void)state;
	for (size_t k = 0; k < sizeof(widths) / sizeof(widths[0]); k++) {
		struct out_fixture *x = fixture(false);
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
		render_period(&x->o, &set, &v, NULL);
		t = strdup(fixture_text(x));
		assert_non_null(t);
		assert_int_equal(check_pids(t, pids, 3), 4);
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
		}
		coll_snaps_fini(&s);
		fixture_free(x);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_noise_table),
		cmocka_unit_test(test_spike_text_names),
		cmocka_unit_test(test_spike_json_unknown_waker),
		cmocka_unit_test(test_json_frame),
		cmocka_unit_test(test_summary_frame),
		cmocka_unit_test(test_fmt_task),
		cmocka_unit_test(test_live_width),
		cmocka_unit_test(test_header_filters),
		cmocka_unit_test(test_summary_fits),
		cmocka_unit_test(test_heads_from_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
