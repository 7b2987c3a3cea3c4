// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Per-CPU task lists: merging by (cpu, pid, kpid, aux), top-N by time or count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "monitor/tasklist.h"

static struct task_entry ent(uint32_t cpu, uint32_t pid, uint32_t aux,
			     uint64_t ns, uint64_t count, const char *comm)
{
	struct task_entry e = {
		.cpu = cpu, .pid = pid, .aux = aux, .ns = ns, .count = count
	};

	strncpy(e.comm, comm, sizeof(e.comm) - 1);
	return e;
}

/* In a PID namespace the tasks outside it all show pid 0: their global
 * pids (kpid) keep them apart, a task seen twice adds up. */
static void test_outside_pidns(void **state)
{
	struct tasklist l = {};
	struct task_entry e;

	(void)state;
	e = ent(1, 0, 0, 100, 1, "kworker/1:0");
	e.kpid = 4000;
	assert_int_equal(tasklist_add(&l, &e), 0);
	e = ent(1, 0, 0, 200, 1, "ksoftirqd/1");
	e.kpid = 4001;
	assert_int_equal(tasklist_add(&l, &e), 0);
	e = ent(1, 0, 0, 50, 1, "kworker/1:0");
	e.kpid = 4000;
	assert_int_equal(tasklist_add(&l, &e), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].ns, 150);
	assert_int_equal(l.v[0].count, 2);
	assert_string_equal(l.v[1].comm, "ksoftirqd/1");
	tasklist_fini(&l);
}

static void test_merge_and_top(void **state)
{
	struct tasklist l = {}, a = {};
	const struct task_entry *top[3];
	struct task_entry e;

	(void)state;
	for (uint32_t i = 0; i < 200; i++) {
		e = ent(i % 2, 100 + i, 0, i * 10, 1, "t");
		assert_int_equal(tasklist_add(&l, &e), 0);
	}
	/* same key adds up; another aux is another entry */
	e = ent(1, 101, 0, 5000, 2, "renamed");
	assert_int_equal(tasklist_add(&l, &e), 0);
	e = ent(1, 101, 7, 1, 1, "other-aux");
	assert_int_equal(tasklist_add(&l, &e), 0);
	assert_int_equal(l.n, 201);

	assert_int_equal(tasklist_top(&l, 1, top, 3, false), 3);
	assert_int_equal(top[0]->pid, 101);
	assert_int_equal(top[0]->ns, 10 + 5000);
	assert_int_equal(top[0]->count, 3);
	assert_string_equal(top[0]->comm, "renamed");
	assert_int_equal(top[1]->pid, 299);
	assert_int_equal(top[2]->pid, 297);
	/* by count: pid 101 with 3 first */
	assert_int_equal(tasklist_top(&l, 1, top, 1, true), 1);
	assert_int_equal(top[0]->pid, 101);
	/* CPU with no entries */
	assert_int_equal(tasklist_top(&l, 5, top, 3, false), 0);

	e = ent(0, 100, 0, 1000, 1, "t");
	assert_int_equal(tasklist_add(&a, &e), 0);
	assert_int_equal(tasklist_merge(&a, &l), 0);
	assert_int_equal(a.n, 201);
	assert_int_equal(tasklist_top(&a, 0, top, 1, false), 1);
	assert_int_equal(top[0]->pid, 298);
	tasklist_clear(&a);
	assert_int_equal(a.n, 0);
	tasklist_fini(&a);
	tasklist_fini(&l);
}

/* A name another user chose never carries a control byte to a terminal,
 * and a name without a NUL in its 16 bytes stays within them. */
static void test_name_text(void **state)
{
	const char evil[16] = "\033[2J\033]0;x\a\x9b\xff";
	const char full[16] = "abcdefghijklmnop";
	char out[TEXT_ESC_SIZE(16)];

	(void)state;
	task_name_text(out, sizeof(out), evil, sizeof(evil));
	assert_string_equal(out, "\\x1b[2J\\x1b]0;x\\x07\\x9b\\xff");
	task_name_text(out, sizeof(out), full, sizeof(full));
	assert_string_equal(out, "abcdefghijklmnop");
	task_name_text(out, 5, full, sizeof(full));
	assert_string_equal(out, "abcd");
	task_name_text(out, sizeof(out), "kworker/1:0", 16);
	assert_string_equal(out, "kworker/1:0");
}

/* A run's list of 3000 short-lived tasks on two CPUs: each CPU keeps its
 * 64 largest, the rest's time lands in fold[cpu]; no pruning again until
 * the list doubled. */
static void test_bound(void **state)
{
	struct fold {
		uint64_t pad, ns;
	} fold[2] = {};
	struct tasklist l = {};
	uint64_t total[2] = {}, kept[2] = {};

	(void)state;
	for (uint32_t i = 0; i < 3000; i++) {
		struct task_entry e = {
			.cpu = i % 2, .pid = 100 + i, .ns = 1000 + i, .count = 1
		};

		assert_int_equal(tasklist_add(&l, &e), 0);
		total[i % 2] += e.ns;
	}
	assert_int_equal(tasklist_bound(&l, 64, false, &fold[0].ns,
					sizeof(fold[0]), 2),
			 3000 - 128);
	assert_int_equal(l.n, 128);
	for (size_t i = 0; i < l.n; i++) {
		kept[l.v[i].cpu] += l.v[i].ns;
		/* the largest: pids 100 + 2872 .. 100 + 2999 */
		assert_true(l.v[i].pid >= 100 + 3000 - 128);
	}
	for (int c = 0; c < 2; c++)
		assert_true(kept[c] + fold[c].ns == total[c]);
	/* under TASKLIST_BOUND_MIN and under twice 128: left alone */
	assert_int_equal(tasklist_bound(&l, 8, false, NULL, 0, 0), 0);
	assert_int_equal(l.n, 128);
	tasklist_fini(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_and_top),
		cmocka_unit_test(test_outside_pidns),
		cmocka_unit_test(test_name_text),
		cmocka_unit_test(test_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
