// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* run and systemd-unit: one list of options (every entry of run's table
 * is systemd-unit's too, field for field), and the policy run_args_parse
 * sets from options and profiles, checked against a fake root's CPUs. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "tmp_root.h"
#include "tune/run_opts.h"

static char root[] = "/tmp/rtbpf-runopts.XXXXXX";

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(root))
		return -1;
	tmp_root_put(root, "sys/devices/system/cpu/online", "0-3\n");
	tmp_root_put(root, "other.conf",
		     "process.policy = other\nprocess.nice = -7\n");
	tmp_root_put(root, "rr.conf", "process.policy = rr\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmp_root_rm(root);
}

static void test_same_options(void **state)
{
	const struct cli_opt *r = run_cli.opts, *u = unit_cli.opts;
	size_t n = 0;

	(void)state;
	for (; r[n].name; n++) {
		assert_non_null(u[n].name);
		assert_string_equal(r[n].name, u[n].name);
		assert_memory_equal(&r[n], &u[n], sizeof(r[n]));
	}
	assert_true(n >= 8);
	/* what the unit adds: --restart and --root only */
	assert_string_equal(u[n].name, "restart");
	assert_string_equal(u[n + 1].name, "root");
	assert_null(u[n + 2].name);
	assert_int_equal(run_cli.args, unit_cli.args);
}

/* unit_cli on "--root ROOT" + words: run_args_parse's result; a->policy
 * etc. set. */
static int parse(struct run_args *a, const char *w1, const char *w2,
		 const char *w3)
{
	char *argv[10] = { "systemd-unit", "--root", root };
	int argc = 3, argi = 0, ret;

	for (const char *w = w1; w; w = w == w1 ? w2 : w == w2 ? w3 : NULL)
		argv[argc++] = (char *)w;
	argv[argc++] = "--";
	argv[argc++] = "/bin/true";
	argv[argc] = NULL;
	memset(a, 0, sizeof(*a));
	ret = run_args_parse(&unit_cli, a, argc, argv, &argi);
	if (!ret)
		assert_string_equal(argv[argi], "/bin/true");
	return ret;
}

static void test_policy(void **state)
{
	char path[256];
	struct run_args a;

	(void)state;
	assert_int_equal(parse(&a, NULL, NULL, NULL), 0);
	assert_int_equal(a.policy, -1);
	assert_int_equal(parse(&a, "-P", "ultra", NULL), 0);
	assert_int_equal(a.policy, SCHED_FIFO);
	assert_int_equal(a.prio, 80);
	/* an option wins over the profile */
	assert_int_equal(parse(&a, "-P", "ultra", "--rr=9"), 0);
	assert_int_equal(a.policy, SCHED_RR);
	assert_int_equal(a.prio, 9);
	assert_int_equal(parse(&a, "-P", "ultra", "--nice=3"), 0);
	assert_int_equal(a.policy, SCHED_OTHER);
	assert_int_equal(a.nice_v, 3);
	snprintf(path, sizeof(path), "%s/other.conf", root);
	assert_int_equal(parse(&a, "-P", path, NULL), 0);
	assert_int_equal(a.policy, SCHED_OTHER);
	assert_int_equal(a.nice_v, -7);
	/* rr without a priority: 50, as rt-tests */
	snprintf(path, sizeof(path), "%s/rr.conf", root);
	assert_int_equal(parse(&a, "-P", path, NULL), 0);
	assert_int_equal(a.policy, SCHED_RR);
	assert_int_equal(a.prio, 50);
	assert_int_equal(parse(&a, "-P", "nosuch-profile", NULL), -EINVAL);
}

static void test_host(void **state)
{
	struct run_args a;

	(void)state;
	assert_int_equal(parse(&a, "--cpus=0-3", NULL, NULL), 0);
	assert_true(a.has_cpus);
	assert_int_equal(parse(&a, "--cpus=2,4", NULL, NULL), -EINVAL);
	/* no node list in the tree: node 0 alone */
	assert_int_equal(parse(&a, "--membind=0", NULL, NULL), 0);
	assert_int_equal(parse(&a, "--membind=1", NULL, NULL), -EINVAL);
	assert_int_equal(parse(&a, "--restart=always", NULL, NULL), 0);
	assert_string_equal(run_restart_choices[a.restart].name, "always");
	assert_int_equal(parse(&a, NULL, NULL, NULL), 0);
	assert_int_equal(a.restart, RUN_RESTART_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_options),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_host),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
