// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Tuning drift (user/monitor/drift.h) on a fake root (a temp dir): before
 * apply the check fails (compliant 0, the items counted by state), after
 * an in-process apply --root it is compliant, a knob the test changes
 * flips it to 0, writing the value back restores 1, revert makes it
 * drift again; drift_poll() runs the check in its worker and publishes
 * it, and starts the next only after the interval; a bad profile or root
 * is refused at start; the check writes nothing. No root needed. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
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

#include "clock.h"
#include "monitor/drift.h"
#include "tune/engine.h"
#include "tune/tune_opts.h"

static char root[PATH_MAX];

/* ROOT/rel holds text (directories created). */
static void put(const char *rel, const char *text)
{
	char path[PATH_MAX + 64], cmd[2 * PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/rtbpf-drift.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	put("/sys/devices/system/cpu/possible", "0-3\n");
	put("/sys/devices/system/cpu/online", "0-3\n");
	put("/sys/devices/system/cpu/isolated", "2-3\n");
	put("/proc/sys/vm/swappiness", "60\n");
	put("/proc/sys/kernel/timer_migration", "1\n");
	put("/etc/rtbpf/profiles.d/drifty.conf",
	    "stage.sysctl = on\n"
	    "sysctl.vm.swappiness = 10\n"
	    "sysctl.kernel.timer_migration = 0\n"
	    "sysctl.kernel.numa_balancing = 0\n"); /* absent: SKIP */
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) ? -1 : 0;
}

static struct drift *new_drift(uint64_t interval_ns)
{
	struct drift_opts o = { .profile = "drifty",
				.root = root,
				.interval_ns = interval_ns };
	struct drift *d = drift__new(&o);

	assert_non_null(d);
	return d;
}

/* The exposition drift_prom() writes, in a new string. */
static char *expose(struct drift *d)
{
	struct prom p;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	prom_init(&p, f, false);
	drift_prom(d, &p);
	assert_int_equal(prom_finish(&p), 0);
	fclose(f);
	return buf;
}

static void assert_has(const char *text, const char *line)
{
	if (!strstr(text, line))
		fail_msg("no '%s' in:\n%s", line, text);
}

/* The apply of the test's profile, in process (as `rtbpf apply --root`):
 * journal under ROOT/var/lib/rtbpf. */
static void apply_or_revert(bool apply)
{
	struct tune_cfg *c = calloc(1, sizeof(*c));
	struct tune_args a = { .profile = "drifty" };
	unsigned int count[ST_INFO + 1];
	struct item_list l = { 0 };

	assert_non_null(c);
	c->cmd = apply ? "apply" : "revert";
	snprintf(c->root, sizeof(c->root), "%s", root);
	if (apply) {
		assert_int_equal(tune_resolve(c, &a), 0);
		assert_int_equal(tune_check_run(c, &l, count), 0);
		assert_int_equal(tune_apply_items(c, &l), 0);
	} else {
		assert_int_equal(tune_revert(c), 0);
	}
	items_free(&l);
	profile_free(&c->prof);
	free(c);
}

static void test_flip(void **state)
{
	struct drift *d = new_drift(0);
	char path[PATH_MAX + 64], line[64], *text;
	struct stat st;
	FILE *f;

	(void)state;
	assert_int_equal(drift_compliant(d), -1);
	text = expose(d);
	assert_has(text, "rtbpf_tuning_checks_total 0\n");
	assert_has(text, "rtbpf_tuning_profile_info{profile=\"drifty\"} 1\n");
	assert_has(text, "rtbpf_tuning_check_interval_seconds 60\n");
	assert_null(strstr(text, "rtbpf_tuning_compliant"));
	free(text);

	/* stock values: two FAIL, numa_balancing absent (SKIP) */
	assert_int_equal(drift_check(d), 0);
	assert_int_equal(drift_compliant(d), 0);
	text = expose(d);
	assert_has(text, "# TYPE rtbpf_tuning_items gauge\n");
	assert_has(text,
		   "rtbpf_tuning_items{stage=\"sysctl\",state=\"fail\"} 2\n");
	assert_has(text,
		   "rtbpf_tuning_items{stage=\"sysctl\",state=\"skip\"} 1\n");
	assert_has(text,
		   "rtbpf_tuning_items{stage=\"sysctl\",state=\"ok\"} 0\n");
	assert_has(text, "rtbpf_tuning_compliant 0\n");
	assert_has(text, "rtbpf_tuning_checks_total 1\n");
	assert_has(text, "rtbpf_tuning_check_errors_total 0\n");
	free(text);
	/* read only: no knob written, no state directory, no lock */
	snprintf(path, sizeof(path), "%s/var/lib/rtbpf", root);
	assert_int_equal(stat(path, &st), -1);
	snprintf(path, sizeof(path), "%s/proc/sys/vm/swappiness", root);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_string_equal(line, "60\n");

	apply_or_revert(true);
	assert_int_equal(drift_check(d), 0);
	assert_int_equal(drift_compliant(d), 1);
	text = expose(d);
	assert_has(text,
		   "rtbpf_tuning_items{stage=\"sysctl\",state=\"ok\"} 2\n");
	assert_has(text, "rtbpf_tuning_compliant 1\n");
	free(text);

	/* a package update puts a knob back */
	put("/proc/sys/vm/swappiness", "60\n");
	assert_int_equal(drift_check(d), 0);
	assert_int_equal(drift_compliant(d), 0);
	put("/proc/sys/vm/swappiness", "10\n");
	assert_int_equal(drift_check(d), 0);
	assert_int_equal(drift_compliant(d), 1);

	apply_or_revert(false);
	assert_int_equal(drift_check(d), 0);
	assert_int_equal(drift_compliant(d), 0);
	text = expose(d);
	assert_has(text, "rtbpf_tuning_checks_total 5\n");
	free(text);
	drift__free(d);
}

/* drift_poll(): the first call starts a check in the worker, a later one
 * publishes it; none starts again before the interval. */
static void test_poll(void **state)
{
	const uint64_t sec = 1000000000ULL;
	struct drift *d = new_drift(10 * sec);
	char *text;
	int got = 0;

	(void)state;
	assert_int_equal(drift_poll(d, 100 * sec), 0);
	for (int i = 0; i < 5000 && !got; i++) {
		usleep(1000);
		got = drift_poll(d, 101 * sec);
	}
	assert_int_equal(got, 1);
	assert_int_not_equal(drift_compliant(d), -1);
	/* not due: nothing starts, nothing is published */
	usleep(20000);
	assert_int_equal(drift_poll(d, 109 * sec), 0);
	usleep(20000);
	assert_int_equal(drift_poll(d, 109 * sec), 0);
	text = expose(d);
	assert_has(text, "rtbpf_tuning_checks_total 1\n");
	free(text);
	/* due: the next one */
	assert_int_equal(drift_poll(d, 110 * sec), 0);
	assert_int_equal(drift_check(d), 0); /* waits for it first */
	text = expose(d);
	assert_has(text, "rtbpf_tuning_checks_total 3\n");
	free(text);
	/* freed while a check runs: joined */
	drift_poll(d, 200 * sec);
	drift__free(d);
}

/* A check that cannot run (the CPU files gone) is an error and not
 * compliant; a bad profile or root is refused at start. */
static void test_errors(void **state)
{
	struct drift_opts bad = { .profile = "no-such-profile", .root = root };
	struct drift *d = new_drift(0);
	char path[PATH_MAX + 64], moved[PATH_MAX + 64], *text;

	(void)state;
	assert_null(drift__new(&bad));
	assert_int_equal(errno, EINVAL);
	bad.profile = "drifty";
	bad.root = "/nonexistent/rtbpf-drift";
	assert_null(drift__new(&bad));
	snprintf(path, sizeof(path), "%s/sys/devices/system/cpu/online", root);
	snprintf(moved, sizeof(moved), "%s/online.moved", root);
	assert_int_equal(rename(path, moved), 0);
	assert_int_not_equal(drift_check(d), 0);
	assert_int_equal(drift_compliant(d), 0);
	text = expose(d);
	assert_has(text, "rtbpf_tuning_check_errors_total 1\n");
	assert_has(text, "rtbpf_tuning_compliant 0\n");
	assert_null(strstr(text, "rtbpf_tuning_items{"));
	free(text);
	assert_int_equal(rename(moved, path), 0);
	assert_int_equal(drift_check(d), 0);
	text = expose(d);
	assert_has(text, "rtbpf_tuning_check_errors_total 1\n");
	assert_has(text, "rtbpf_tuning_checks_total 2\n");
	free(text);
	drift__free(d);
}

static atomic_bool stop_scraping;

/* A scraper (the HTTP thread): drift_prom() over and over. */
static void *scrape(void *arg)
{
	unsigned long n = 0;

	while (!atomic_load(&stop_scraping)) {
		free(expose(arg));
		n++;
	}
	return (void *)n;
}

/* drift_prom() from another thread while checks start and finish (run
 * under TSan too); the counters only go up to the checks done. */
static void test_concurrent(void **state)
{
	struct drift *d = new_drift(1);
	uint64_t now = 1;
	int published = 0;
	pthread_t t;
	void *n;
	char *text;

	(void)state;
	atomic_store(&stop_scraping, false);
	assert_int_equal(pthread_create(&t, NULL, scrape, d), 0);
	for (int i = 0; i < 20000 && published < 10; i++) {
		int ret = drift_poll(d, now++);

		assert_true(ret >= 0);
		published += ret;
		usleep(100);
	}
	atomic_store(&stop_scraping, true);
	pthread_join(t, &n);
	assert_int_equal(published, 10);
	assert_true((unsigned long)n > 0);
	/* counted at publication only: a check still running is not */
	text = expose(d);
	assert_has(text, "rtbpf_tuning_checks_total 10\n");
	free(text);
	drift__free(d); /* joins a check still running */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
