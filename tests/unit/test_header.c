// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The --json contract (user/header.c): a header first, errors as error
 * records after a common header when the command wrote none, the exit
 * fallback, nothing without --json; records read back with json-c.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "cli.h"
#include "header.h"
#include "log.h"

static char *buf;
static size_t len;
static FILE *f;

static int setup(void **state)
{
	(void)state;
	f = open_memstream(&buf, &len);
	return f ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	json_out_init(stdout, 0, NULL);
	log_set_err_hook(NULL);
	fclose(f);
	free(buf);
	return 0;
}

/* The output as records; *n set to their number. */
static json_object **records(size_t *n)
{
	static json_object *rec[8];
	char *line, *save = NULL, *copy;

	fflush(f);
	copy = strdup(buf ? buf : "");
	*n = 0;
	for (line = strtok_r(copy, "\n", &save); line && *n < 8;
	     line = strtok_r(NULL, "\n", &save)) {
		rec[*n] = json_tokener_parse(line);
		assert_non_null(rec[*n]);
		(*n)++;
	}
	free(copy);
	return rec;
}

static const char *str(json_object *o, const char *key)
{
	json_object *v;

	assert_true(json_object_object_get_ex(o, key, &v));
	return json_object_get_string(v);
}

static void free_records(json_object **rec, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_object_put(rec[i]);
}

static void assert_header(json_object *h, const char *command,
			  unsigned int schema)
{
	json_object *v;

	assert_string_equal(str(h, "type"), "header");
	assert_string_equal(str(h, "command"), command);
	assert_true(json_object_object_get_ex(h, "schema", &v));
	assert_true(json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int(v), schema);
	assert_string_equal(str(h, "rtbpf"), RTBPF_VERSION);
	assert_true(json_object_object_get_ex(h, "kernel", &v));
	assert_true(json_object_object_get_ex(h, "isolated", &v));
	assert_true(json_object_is_type(v, json_type_array));
}

/* "time": RFC 3339 UTC with milliseconds, within 5 s of the clock now. */
static void assert_time(json_object *rec)
{
	const char *t = str(rec, "time");
	struct tm tm = {};
	const char *rest;
	time_t now = time(NULL), at;

	assert_int_equal(strlen(t), strlen("2026-12-05T18:34:15.123Z"));
	rest = strptime(t, "%Y-%m-%dT%H:%M:%S", &tm);
	assert_non_null(rest);
	assert_true(rest[0] == '.' && rest[4] == 'Z');
	at = timegm(&tm);
	/* time() may read a coarse clock, a tick behind the record's */
	assert_true(at <= now + 1 && now - at <= 5);
}

/* Every record of a stream with a header carries the time; the header the
 * host that ran the command. */
static void test_time_and_host(void **state)
{
	char *argv[] = { "monitor", "--json" };
	struct host_info hi = { .kernel = "6.1" };
	struct utsname u;
	struct json_w w;
	json_object **rec;
	size_t n;

	(void)state;
	assert_int_equal(uname(&u), 0);
	json_out_init(f, 2, argv);
	json_init(&w, f);
	json_header_begin(&w, "monitor", &hi);
	json_obj_end(&w);
	json_end_record(&w);
	json_obj_begin(&w);
	json_kv_str(&w, "type", "interval");
	json_key(&w, "nested");
	json_obj_begin(&w);
	json_obj_end(&w);
	json_obj_end(&w);
	json_end_record(&w);
	log_err("monitor: oops");
	rec = records(&n);
	assert_int_equal(n, 3);
	assert_string_equal(str(rec[0], "host"), u.nodename);
	for (size_t i = 0; i < n; i++)
		assert_time(rec[i]);
	/* on the record, not on the objects inside it */
	assert_non_null(strstr(buf, "\"nested\":{},\"time\":\""));
	free_records(rec, n);
}

static void test_error_before_header(void **state)
{
	char *argv[] = { "check", "--root", "/x", "--json" };
	json_object **rec;
	size_t n;

	(void)state;
	json_out_init(f, 4, argv);
	log_err("check: --cpus: bad \"list\"");
	json_out_exit(EXIT_USAGE); /* an error is there: nothing more */
	rec = records(&n);
	assert_int_equal(n, 2);
	assert_header(rec[0], "check", json_schema("check"));
	assert_string_equal(str(rec[1], "type"), "error");
	assert_string_equal(str(rec[1], "command"), "check");
	assert_string_equal(str(rec[1], "message"),
			    "check: --cpus: bad \"list\"");
	free_records(rec, n);
}

static void test_error_after_header(void **state)
{
	char *argv[] = { "xsk", "send", "--dev", "x", "--js" };
	struct host_info hi = { .kernel = "6.1" };
	struct json_w w;
	json_object **rec;
	size_t n;

	(void)state;
	json_out_init(f, 5, argv);
	json_init(&w, f);
	json_header_begin(&w, "xsk send", &hi);
	json_kv_str(&w, "dev", "x");
	json_obj_end(&w);
	json_end_record(&w);
	log_warn("a warning is no error record");
	log_err("xsk send: oops");
	log_err("xsk send: again");
	rec = records(&n);
	assert_int_equal(n, 3);
	assert_header(rec[0], "xsk send", 2);
	assert_string_equal(str(rec[0], "dev"), "x");
	assert_string_equal(str(rec[1], "message"), "xsk send: oops");
	assert_string_equal(str(rec[2], "message"), "xsk send: again");
	free_records(rec, n);
}

static void test_exit_fallback(void **state)
{
	char *argv[] = { "bench", "e2e", "-j" };
	json_object **rec;
	size_t n;

	(void)state;
	json_out_init(f, 3, argv);
	json_out_exit(EXIT_OK);
	json_out_exit(EXIT_DEVIATION);
	rec = records(&n);
	assert_int_equal(n, 0);
	json_out_exit(EXIT_FAIL);
	rec = records(&n);
	assert_int_equal(n, 2);
	assert_header(rec[0], "bench e2e", json_schema("bench e2e"));
	assert_string_equal(str(rec[1], "type"), "error");
	assert_string_equal(str(rec[1], "message"),
			    "bench e2e: failed with exit code 1");
	free_records(rec, n);
}

static void test_not_json(void **state)
{
	char *plain[] = { "monitor", "--cpus", "1" };
	char *after_dashes[] = { "check", "--", "--json" };
	char *no_stream[] = { "run", "--json" };
	size_t n;

	(void)state;
	json_out_init(f, 3, plain);
	log_err("monitor: no record");
	json_out_exit(EXIT_FAIL);
	json_out_init(f, 3, after_dashes);
	log_err("check: no record");
	json_out_init(f, 2, no_stream);
	log_err("run: no record");
	json_out_exit(EXIT_USAGE);
	records(&n);
	assert_int_equal(n, 0);
	assert_int_equal(json_schema("run"), 0);
	assert_int_equal(json_schema("monitor"), 3);
}

/* 1024 CPUs: one array of integers, every one in order. */
static void test_cpuset_1024(void **state)
{
	struct cpuset s;
	struct json_w w;
	json_object **rec, *v;
	size_t n;

	(void)state;
	cpuset_zero(&s);
	for (unsigned int c = 0; c < 1024; c++)
		cpuset_add(&s, c);
	cpuset_add(&s, 8191);
	json_init(&w, f);
	json_obj_begin(&w);
	json_cpuset(&w, "cpus", &s);
	json_obj_end(&w);
	json_end_record(&w);
	rec = records(&n);
	assert_int_equal(n, 1);
	assert_true(json_object_object_get_ex(rec[0], "cpus", &v));
	assert_int_equal(json_object_array_length(v), 1025);
	for (int c = 0; c < 1024; c++)
		assert_int_equal(
			json_object_get_int(json_object_array_get_idx(v, c)),
			c);
	assert_int_equal(
		json_object_get_int(json_object_array_get_idx(v, 1024)), 8191);
	free_records(rec, n);
}

/* every test writes to a fresh memory stream */
#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_error_before_header), TEST(test_error_after_header),
		TEST(test_exit_fallback),	TEST(test_not_json),
		TEST(test_cpuset_1024),		TEST(test_time_and_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
