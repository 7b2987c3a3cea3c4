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
#include "render_fixture.h"

/* --- renderers: snapshots and names in, text out --- */

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_noise_table),
		cmocka_unit_test(test_spike_text_names),
		cmocka_unit_test(test_spike_json_unknown_waker),
		cmocka_unit_test(test_json_frame),
		cmocka_unit_test(test_summary_frame),
		cmocka_unit_test(test_fmt_task),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
