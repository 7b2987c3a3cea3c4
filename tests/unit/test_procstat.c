// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* procstat_field(): fields of /proc/PID/stat counted after the last ')'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "procstat.h"

static void test_plain(void **state)
{
	const char *l = "42 (sleep) S 1 42 42 0 -1 4194560 101 0 0 0 0 0 0 0 "
			"20 0 1 0 123456 8192 100 18446744073709551615 1 2 "
			"140735000000000 0 0";
	unsigned long long v;

	(void)state;
	assert_int_equal(procstat_field(l, 4, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(procstat_field(l, 6, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(procstat_field(l, 8, &v), 0);
	assert_int_equal((long long)v, -1); /* tpgid: signed */
	assert_int_equal(procstat_field(l, 22, &v), 0);
	assert_int_equal(v, 123456);
	assert_int_equal(procstat_field(l, 28, &v), 0);
	assert_int_equal(v, 140735000000000ULL);
	assert_int_equal(procstat_field(l, 29, &v), 0);
	assert_int_equal(procstat_field(l, 31, &v), -EBADMSG); /* cut */
	assert_int_equal(procstat_field(l, 3, &v), -EBADMSG); /* 'S' */
	assert_int_equal(procstat_field(l, 2, &v), -EBADMSG);
}

/* a name any user can choose: blanks and ") 9 9 9" inside it */
static void test_hostile_comm(void **state)
{
	const char *l = "7 (a) 1 2 ) 3 x) R 5 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 "
			"0 1 0 999 0";
	unsigned long long v;

	(void)state;
	assert_int_equal(procstat_field(l, 6, &v), 0);
	assert_int_equal(v, 77);
	assert_int_equal(procstat_field(l, 22, &v), 0);
	assert_int_equal(v, 999);
	assert_int_equal(procstat_field("no paren 1 2 3", 4, &v), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_hostile_comm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
