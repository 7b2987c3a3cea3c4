// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The Prometheus writer (prom.c) and the exporter's pages (expo.c, the
 * collectors' prom ops): names and escapes of both formats, histogram
 * buckets against values placed by hand, the bounded top-N with its
 * "other" series, --listen parsing, the atomic textfile.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "monitor/coll.h"
#include "monitor/expo.h"
#include "monitor/httpd.h"
#include "monitor/monitor.h"
#include "monitor/prom_util.h"
#include "monitor/render.h"
#include "prom.h"

struct page {
	char *text;
	size_t len;
	FILE *f;
};

static void page_open(struct page *pg)
{
	pg->text = NULL;
	pg->f = open_memstream(&pg->text, &pg->len);
	assert_non_null(pg->f);
}

static const char *page_close(struct page *pg)
{
	fclose(pg->f);
	pg->f = NULL;
	return pg->text;
}

static void test_writer_formats(void **state)
{
	struct prom_label l[] = { { "task", "a\"b\\c\nd" } };
	struct page pg;
	struct prom p;

	(void)state;
	for (int om = 0; om < 2; om++) {
		page_open(&pg);
		prom_init(&p, pg.f, om);
		prom_family(&p, "x_wait_seconds", PROM_COUNTER, "seconds",
			    "a \\ help\nline");
		prom_sample(&p, "x_wait_seconds", "_total", l, 1, 1.5);
		prom_family(&p, "x_build", PROM_INFO, "", "info");
		prom_sample(&p, "x_build", "_info", NULL, 0, 1);
		assert_int_equal(prom_finish(&p), 0);
		page_close(&pg);
		assert_non_null(
			strstr(pg.text,
			       "x_wait_seconds_total{task=\"a\\\"b\\\\c\\nd\"} "
			       "1.5\n"));
		assert_non_null(strstr(pg.text, "help\\nline"));
		if (om) {
			assert_non_null(strstr(
				pg.text, "# TYPE x_wait_seconds counter"));
			assert_non_null(strstr(
				pg.text, "# UNIT x_wait_seconds seconds"));
			assert_non_null(strstr(pg.text, "# TYPE x_build info"));
			assert_non_null(strstr(pg.text, "# EOF\n"));
		} else {
			assert_non_null(
				strstr(pg.text,
				       "# TYPE x_wait_seconds_total counter"));
			assert_non_null(
				strstr(pg.text, "# TYPE x_build_info gauge"));
			assert_null(strstr(pg.text, "# EOF"));
			assert_null(strstr(pg.text, "# UNIT"));
		}
		free(pg.text);
	}
}

/* Every bound is a bucket's lower edge, ascending, in the documented
 * range. */
static void test_bounds_are_edges(void **state)
{
	(void)state;
	assert_int_equal(PROM_HIST_BOUNDS, 44);
	assert_int_equal(prom_hist_bound_ns(0), 256);
	assert_int_equal(prom_hist_bound_ns(1), 384);
	assert_int_equal(prom_hist_bound_ns(PROM_HIST_BOUNDS - 1),
			 (1ULL << 29) * 3 / 2);
	for (unsigned int i = 0; i < PROM_HIST_BOUNDS; i++) {
		uint64_t b = prom_hist_bound_ns(i);

		assert_int_equal(hist_bucket_lo(hist_bucket(b)), b);
		if (i)
			assert_true(b > prom_hist_bound_ns(i - 1));
	}
}

static void test_hist_buckets(void **state)
{
	struct prom_label l = { "cpu", "3" };
	struct hist h;
	struct page pg;
	struct prom p;

	(void)state;
	hist_reset(&h);
	hist_add_value(&h, 100); /* below the first bound */
	hist_add_value(&h, 383); /* under 384: le=3.84e-07 */
	hist_add_value(&h, 384); /* at a bound: counts above it */
	hist_add_value(&h, 1000000); /* 1 ms: under 1.048576 ms */
	hist_add_value(&h, 2000000000); /* 2 s: +Inf only */
	page_open(&pg);
	prom_init(&p, pg.f, false);
	prom_hist(&p, "w", &l, 1, &h);
	prom_finish(&p);
	page_close(&pg);
	assert_non_null(
		strstr(pg.text, "w_bucket{cpu=\"3\",le=\"2.56e-07\"} 1\n"));
	assert_non_null(
		strstr(pg.text, "w_bucket{cpu=\"3\",le=\"3.84e-07\"} 2\n"));
	assert_non_null(
		strstr(pg.text, "w_bucket{cpu=\"3\",le=\"5.12e-07\"} 3\n"));
	assert_non_null(
		strstr(pg.text, "w_bucket{cpu=\"3\",le=\"0.000786432\"} 3\n"));
	assert_non_null(
		strstr(pg.text, "w_bucket{cpu=\"3\",le=\"0.001048576\"} 4\n"));
	assert_non_null(
		strstr(pg.text, "w_bucket{cpu=\"3\",le=\"0.805306368\"} 4\n"));
	assert_non_null(strstr(pg.text, "w_bucket{cpu=\"3\",le=\"+Inf\"} 5\n"));
	assert_non_null(strstr(pg.text, "w_count{cpu=\"3\"} 5\n"));
	assert_non_null(strstr(pg.text, "w_sum{cpu=\"3\"} 2.00100086"));
	free(pg.text);
}

static void test_top_tasks_other(void **state)
{
	struct tasklist l = {};
	struct page pg;
	struct prom p;

	(void)state;
	/* 7 tasks on CPU 2 (one named with an escape), 1 on CPU 5 */
	for (uint32_t i = 0; i < 7; i++) {
		struct task_entry e = { .cpu = 2,
					.pid = 100 + i,
					.ns = (i + 1) * 1000000000ULL };

		snprintf(e.comm, sizeof(e.comm), i == 6 ? "t\x1b%u" : "t%u", i);
		assert_int_equal(tasklist_add(&l, &e), 0);
	}
	assert_int_equal(tasklist_add(&l, &(struct task_entry){ .cpu = 5,
								.pid = 9,
								.ns = 1 }),
			 0);
	page_open(&pg);
	prom_init(&p, pg.f, false);
	/* total: the 7 tasks (28 s) and 2 s not attributed to one */
	prom_top_tasks(&p, "t", "2", &l, 2, false, 30000000000ULL);
	prom_finish(&p);
	page_close(&pg);
	assert_non_null(strstr(pg.text, "t_total{cpu=\"2\",task=\"t\\\\x1b6\","
					"pid=\"106\"} 7\n"));
	assert_non_null(
		strstr(pg.text, "{cpu=\"2\",task=\"t2\",pid=\"102\"} 3\n"));
	assert_null(strstr(pg.text, "task=\"t1\""));
	assert_null(strstr(pg.text, "pid=\"9\""));
	/* t0 and t1 (3 s) and the 2 s: 5 s */
	assert_non_null(
		strstr(pg.text, "{cpu=\"2\",task=\"other\",pid=\"\"} 5\n"));
	free(pg.text);
	tasklist_fini(&l);
}

/* In a PID namespace, tasks outside it show pid 0: two of one name (kept
 * apart by their global pids) give one sample, their sum. */
static void test_top_tasks_outside(void **state)
{
	struct task_entry e[] = {
		{ .cpu = 1, .pid = 0, .kpid = 700, .ns = 2000000000ULL },
		{ .cpu = 1, .pid = 12, .kpid = 800, .ns = 1500000000ULL },
		{ .cpu = 1, .pid = 0, .kpid = 701, .ns = 1000000000ULL },
	};
	struct tasklist l = {};
	struct page pg;
	struct prom p;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		snprintf(e[i].comm, sizeof(e[i].comm), i == 1 ? "app" : "java");
		assert_int_equal(tasklist_add(&l, &e[i]), 0);
	}
	assert_int_equal(l.n, 3);
	page_open(&pg);
	prom_init(&p, pg.f, false);
	prom_top_tasks(&p, "t", "1", &l, 1, false, 4500000000ULL);
	prom_finish(&p);
	page_close(&pg);
	assert_non_null(
		strstr(pg.text, "{cpu=\"1\",task=\"java\",pid=\"0\"} 3\n"));
	assert_null(strstr(pg.text, "pid=\"0\"} 2\n"));
	assert_non_null(
		strstr(pg.text, "{cpu=\"1\",task=\"app\",pid=\"12\"} 1.5\n"));
	free(pg.text);
	tasklist_fini(&l);
}

static void test_parse_listen(void **state)
{
	char host[64];
	unsigned int port;
	const char *why;

	(void)state;
	assert_int_equal(
		httpd_parse_listen("9435", host, sizeof(host), &port, &why), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 9435);
	assert_int_equal(httpd_parse_listen(":80", host, 64, &port, &why), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(httpd_parse_listen("0.0.0.0:9", host, 64, &port, &why),
			 0);
	assert_string_equal(host, "0.0.0.0");
	assert_int_equal(
		httpd_parse_listen("[::1]:65535", host, 64, &port, &why), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 65535);
	static const char *const bad[] = { "0",	     "70000",	"x",  "",
					   "::1:80", "[::1:80", "h:", "h:-1",
					   "h:1x",   "[]:80" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(httpd_parse_listen(bad[i], host, 64, &port,
						    &why),
				 -EINVAL);
}

/* --- whole pages from snapshots, through fake collectors --- */

static bool all_on(const struct coll *c, const char *part)
{
	(void)c, (void)part;
	return true;
}

static const struct coll_ops fake_sched = { .name = "sched",
					    .has = all_on,
					    .prom = sched_render_prom };
static const struct coll_ops fake_noise = { .name = "noise",
					    .has = all_on,
					    .prom = noise_render_prom };

struct fixture {
	struct monitor_opts opts;
	struct host_info host;
	unsigned int order[2];
	struct coll_names names;
	char *irq[NOISE_MAX_IRQ];
	struct coll_out o;
	struct coll_set set;
	struct coll_snaps s;
	struct expo e;
};

static struct fixture *fixture(void)
{
	struct fixture *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	cpuset_add(&x->host.isolated, 1);
	x->order[0] = 1;
	x->order[1] = 0;
	x->irq[24] = "eth0-rx";
	x->names = (struct coll_names){ .irq = x->irq, .nirq = NOISE_MAX_IRQ };
	x->o = (struct coll_out){ .opts = &x->opts,
				  .host = &x->host,
				  .order = x->order,
				  .norder = 2,
				  .names = &x->names,
				  .seq = 7 };
	x->set.c[0].ops = &fake_sched;
	x->set.c[1].ops = &fake_noise;
	x->set.n = 2;
	assert_int_equal(coll_snaps_init(&x->s, 2), 0);
	assert_int_equal(expo_init(&x->e), 0);
	x->e.kernel = "6.1.0-test";
	return x;
}

static void fixture_free(struct fixture *x)
{
	expo_fini(&x->e);
	coll_snaps_fini(&x->s);
	free(x);
}

static void fill(struct coll_snaps *s)
{
	struct sched_cpu *c = &s->sched.cpu[1];
	struct noise_cpu *n = &s->noise.cpu[1];

	c->wakeups = 1000;
	c->vol = 990;
	c->invol = 4;
	c->stolen_ns = 250000000;
	hist_add_value(&c->lat, 5000);
	n->irq[24] = (struct noise_fig){ .count = 3, .ns = 1500 };
	n->vector[0] = (struct noise_fig){ .count = 9, .ns = 900 };
	n->softirq[1] = (struct noise_fig){ .count = 2, .ns = 20 };
	n->faults_user = 40;
	n->faults_kernel = 2;
	n->ipis = 6;
}

static void test_page(void **state)
{
	struct fixture *x = fixture();
	struct coll_view v = { .o = &x->o, .s = &x->s, .summary = true };
	static const char *const want[] = {
		"rtbpf_cpu_isolated{cpu=\"1\"} 1\n",
		"rtbpf_cpu_isolated{cpu=\"0\"} 0\n",
		"rtbpf_wakeups_total{cpu=\"1\"} 1000\n",
		"rtbpf_context_switches_total{cpu=\"1\",kind=\"involuntary\"} 4\n",
		"rtbpf_wait_seconds_bucket{cpu=\"1\",le=\"6.144e-06\"} 1\n",
		"rtbpf_stolen_seconds_total{cpu=\"1\"} 0.25\n",
		"rtbpf_stolen_task_seconds_total{cpu=\"1\",task=\"other\",pid=\"\"} "
		"0.25\n",
		"rtbpf_irqs_total{cpu=\"1\",irq=\"24\",name=\"eth0-rx\"} 3\n",
		"rtbpf_vectors_total{cpu=\"1\",vector=\"LOC\"} 9\n",
		"rtbpf_softirq_seconds_total{cpu=\"1\",softirq=\"TIMER\"} 2e-08\n",
		"rtbpf_page_faults_total{cpu=\"1\",mode=\"kernel\"} 2\n",
		"rtbpf_fault_tasks_total{cpu=\"1\",task=\"other\",pid=\"\"} 42\n",
		"rtbpf_ipis_total{cpu=\"1\"} 6\n",
		"rtbpf_intervals_total 7\n",
		"rtbpf_build_info{version=\"" RTBPF_VERSION "\",libbpf=\"",
		"kernel=\"6.1.0-test\"} 1\n",
		"# HELP rtbpf_wait_seconds ",
		"# TYPE rtbpf_wait_seconds histogram\n",
	};
	size_t len;
	char *t;

	(void)state;
	fill(&x->s);
	assert_null(expo_copy(&x->e, false, &len));
	assert_int_equal(errno, ENOENT);
	assert_int_equal(expo_update(&x->e, &x->set, &v), 0);
	t = expo_copy(&x->e, false, &len);
	assert_non_null(t);
	t[len] = '\0';
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(t, want[i]))
			fail_msg("missing: %s", want[i]);
	/* no IRQ that counted nothing; every family announced once */
	assert_null(strstr(t, "irq=\"23\""));
	assert_null(strstr(strstr(t, "# TYPE rtbpf_wakeups_total") + 1,
			   "# TYPE rtbpf_wakeups_total"));
	free(t);
	t = expo_copy(&x->e, true, &len);
	t[len] = '\0';
	assert_non_null(strstr(t, "# TYPE rtbpf_wakeups counter\n"));
	assert_non_null(strstr(t, "# TYPE rtbpf_build info\n"));
	assert_int_equal(strcmp(t + len - 6, "# EOF\n"), 0);
	free(t);
	fixture_free(x);
}

/* The textfile appears whole under its name; no temp file stays. */
static void test_textfile(void **state)
{
	struct fixture *x = fixture();
	struct coll_view v = { .o = &x->o, .s = &x->s };
	char dir[] = "/tmp/test_prom.XXXXXX", path[64], tmp[80], *want;
	struct stat st;
	size_t len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rtbpf.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(expo_textfile(&x->e, path), -ENOENT);
	assert_int_equal(expo_update(&x->e, &x->set, &v), 0);
	assert_int_equal(expo_textfile(&x->e, path), 0);
	want = expo_copy(&x->e, false, &len);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal((size_t)st.st_size, len);
	assert_int_equal(stat(tmp, &st), -1);
	free(want);
	/* a directory in the way: an error, nothing left behind */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_true(expo_textfile(&x->e, path) < 0);
	assert_int_equal(stat(tmp, &st), -1);
	rmdir(path);
	rmdir(dir);
	fixture_free(x);
}

/* --- scrapes while the loop publishes: every copy a whole page --- */

struct scraper {
	struct expo *e;
	int stop;
	unsigned int copies, bad;
};

static void *scrape(void *arg)
{
	struct scraper *sc = arg;

	while (!__atomic_load_n(&sc->stop, __ATOMIC_ACQUIRE)) {
		size_t len;
		char *t = expo_copy(sc->e, sc->copies % 2, &len);

		if (!t)
			continue;
		t[len] = '\0';
		if (strncmp(t, "# HELP rtbpf_cpu_isolated", 25) ||
		    !strstr(t, "rtbpf_exporter_scrape_seconds"))
			sc->bad++;
		expo_count_scrape(sc->e, 1);
		sc->copies++;
		free(t);
	}
	return NULL;
}

static void test_scrape_while_publishing(void **state)
{
	struct fixture *x = fixture();
	struct coll_view v = { .o = &x->o, .s = &x->s };
	struct scraper sc = { .e = &x->e };
	pthread_t t;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, scrape, &sc), 0);
	for (unsigned int i = 0; i < 300; i++) {
		x->s.sched.cpu[1].wakeups = i;
		assert_int_equal(expo_update(&x->e, &x->set, &v), 0);
	}
	__atomic_store_n(&sc.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	assert_int_equal(sc.bad, 0);
	assert_true(__atomic_load_n(&x->e.scrapes, __ATOMIC_RELAXED) ==
		    sc.copies);
	fixture_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_formats),
		cmocka_unit_test(test_bounds_are_edges),
		cmocka_unit_test(test_hist_buckets),
		cmocka_unit_test(test_top_tasks_other),
		cmocka_unit_test(test_top_tasks_outside),
		cmocka_unit_test(test_parse_listen),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_textfile),
		cmocka_unit_test(test_scrape_while_publishing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
