// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* JSON writer: structure, commas, escaping of quotes, controls, bad UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"

static char *buf;
static size_t len;
static FILE *f;
static struct json_w w;

static int setup(void **state)
{
	(void)state;
	f = open_memstream(&buf, &len);
	json_init(&w, f);
	return f ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	fclose(f);
	free(buf);
	return 0;
}

static const char *text(void)
{
	fflush(f);
	return buf;
}

static void test_structure(void **state)
{
	(void)state;
	json_obj_begin(&w);
	json_kv_str(&w, "type", "header");
	json_kv_u64(&w, "n", 18446744073709551615ULL);
	json_kv_i64(&w, "neg", -5);
	json_kv_bool(&w, "ok", true);
	json_key(&w, "list");
	json_arr_begin(&w);
	json_u64(&w, 1);
	json_arr_begin(&w);
	json_arr_end(&w);
	json_obj_begin(&w);
	json_obj_end(&w);
	json_null(&w);
	json_arr_end(&w);
	json_kv_double(&w, "half", 0.5);
	json_obj_end(&w);
	json_end_record(&w);
	assert_string_equal(text(),
			    "{\"type\":\"header\",\"n\":18446744073709551615,"
			    "\"neg\":-5,\"ok\":true,\"list\":[1,[],{},null],"
			    "\"half\":0.5}\n");
}

static void test_escaping(void **state)
{
	(void)state;
	json_arr_begin(&w);
	json_str(&w, "q\"b\\s/\n\r\t\x01\x1f\x7f");
	json_str(&w, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	json_str(&w, "bad\xff\xc3(\xe2\x82 over\xc0\xaf sur\xed\xa0\x80");
	json_strn(&w, "kworker/1:1H\0garbage", 16);
	json_str(&w, NULL);
	json_arr_end(&w);
	assert_string_equal(
		text(), "[\"q\\\"b\\\\s/\\n\\r\\t\\u0001\\u001f\\u007f\","
			"\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\","
			"\"bad\\ufffd\\ufffd(\\ufffd\\ufffd over\\ufffd\\ufffd "
			"sur\\ufffd\\ufffd\\ufffd\","
			"\"kworker/1:1H\",null]");
}

static void test_nonfinite(void **state)
{
	(void)state;
	json_arr_begin(&w);
	json_double(&w, 1.0 / 0.0);
	json_double(&w, 0.0 / 0.0);
	json_arr_end(&w);
	assert_string_equal(text(), "[null,null]");
}

/* The stamp's text: RFC 3339, UTC, milliseconds truncated. */
static void test_time_text(void **state)
{
	struct timespec ts = { .tv_sec = 1796495655, .tv_nsec = 123999999 };
	char t[32];

	(void)state;
	assert_int_equal(json_time_text(t, sizeof(t), &ts), 24);
	assert_string_equal(t, "2026-12-05T18:34:15.123Z");
	ts.tv_nsec = 0;
	json_time_text(t, sizeof(t), &ts);
	assert_string_equal(t, "2026-12-05T18:34:15.000Z");
	assert_int_equal(json_time_text(t, 24, &ts), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_structure, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_escaping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonfinite, setup,
						teardown),
		cmocka_unit_test(test_time_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
