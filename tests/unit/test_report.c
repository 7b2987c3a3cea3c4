// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* check's grouping (user/tune/report.h): items of one stage and group
 * label with the same status, expected value and note form a group when
 * there are REPORT_GROUP_MIN of them or more; smaller groups and items
 * without a label stand alone; the numbers of a group print as ranges and
 * are cut with "..." to fit. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tune/items.h"
#include "tune/report.h"

static struct tune_item *add(struct item_list *l, const char *stage,
			     const char *group, long id, enum item_status st,
			     const char *want)
{
	struct tune_item *it = items_add(l, stage);

	assert_non_null(it);
	if (group)
		item_group(it, id, "%s", group);
	it->st = st;
	item_setf(it, &it->want_show, "%s", want);
	return it;
}

static void test_group(void **state)
{
	struct item_list l = { 0 };
	size_t lead[32], next[32], n = 0;

	(void)state;
	add(&l, "irq", NULL, 0, ST_FAIL, "0-1"); /* 0: default affinity */
	for (long irq = 0; irq < 6; irq++) /* 1..6: FAIL, 6 of them */
		add(&l, "irq", "irq *", irq, ST_FAIL, "0-1");
	for (long irq = 6; irq < 9; irq++) /* 7..9: OK, only 3 */
		add(&l, "irq", "irq *", irq, ST_OK, "0-1");
	add(&l, "irq", "irq *", 9, ST_FAIL, "0-1"); /* 10: joins 1..6 */
	add(&l, "irq", "irq *", 10, ST_FAIL, "0-1")->note[0] = 'x'; /* 11 */
	add(&l, "power", "irq *", 11, ST_FAIL, "0-1"); /* 12: other stage */
	assert_int_equal(report_group(&l, lead, next), 0);
	assert_int_equal(lead[0], 0);
	assert_int_equal(next[0], SIZE_MAX);
	for (size_t i = 1; i != SIZE_MAX; i = next[i]) {
		assert_int_equal(lead[i], 1);
		n++;
	}
	assert_int_equal(n, 7);
	assert_int_equal(lead[10], 1);
	for (size_t i = 7; i < 10; i++) {
		assert_int_equal(lead[i], i);
		assert_int_equal(next[i], SIZE_MAX);
	}
	assert_int_equal(lead[11], 11);
	assert_int_equal(lead[12], 12);
	items_free(&l);
}

static void test_ids(void **state)
{
	long ids[] = { 26, 1, 0, 8, 24, 25, 9, 100 };
	long many[200];
	char buf[32];

	(void)state;
	report_ids(ids, 8, buf, sizeof(buf));
	assert_string_equal(buf, "0-1 8-9 24-26 100");
	for (int i = 0; i < 200; i++)
		many[i] = 2 * i;
	assert_true(report_ids(many, 200, buf, sizeof(buf)) < sizeof(buf));
	assert_string_equal(buf, "0-398:2");
	for (int i = 0; i < 200; i++)
		many[i] = i * i; /* no stride: cut to fit */
	assert_true(report_ids(many, 200, buf, sizeof(buf)) < sizeof(buf));
	assert_string_equal(buf, "0-1 4 9 16 25 36 49 64 81 ...");
	{
		long dup[] = { 7, 3, 3, 11, 5, 9, 100, 101, 102 };
		report_ids(dup, 9, buf, sizeof(buf));
		assert_string_equal(buf, "3-11:2 100-102");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
