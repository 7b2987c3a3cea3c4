// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* text_escape(): every byte below 0x20 or from 0x7f as \xNN, backslash as
 * \\, cut only between whole escapes, and the escape reads back to the
 * exact bytes; text_escape_fit() in a width; a terminal's size. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <cmocka.h>

#include "text.h"

/* The inverse, for the round trip: "\\" and "\xNN" back to bytes. */
static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (s[0] == '\\' && s[1] == '\\') {
			out[n++] = '\\';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x') {
			char hex[3] = { s[2], s[3], 0 };

			out[n++] = (char)strtoul(hex, NULL, 16);
			s += 4;
		} else {
			out[n++] = *s++;
		}
	}
	return n;
}

static void test_every_byte(void **state)
{
	char in[256], out[TEXT_ESC_SIZE(255)], back[256];
	size_t n;

	(void)state;
	for (int i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	in[255] = '\0';
	n = text_escape(out, sizeof(out), in, sizeof(in));
	assert_int_equal(n, strlen(out));
	/* nothing a terminal would act on is left */
	for (const char *p = out; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7f);
	assert_int_equal(unescape(out, back), 255);
	assert_memory_equal(back, in, 255);
	/* 0x20..0x7e but the backslash stay themselves */
	assert_non_null(strstr(out, " !\"#"));
	assert_non_null(strstr(out, "[\\\\]"));
	assert_non_null(strstr(out, "\\x1f !"));
	assert_non_null(strstr(out, "}~\\x7f\\x80"));
}

static void test_hostile_names(void **state)
{
	char out[64];
	char *d;

	(void)state;
	text_escape(out, sizeof(out), "\033]0;pwned\a", 64);
	assert_string_equal(out, "\\x1b]0;pwned\\x07");
	text_escape(out, sizeof(out), "a\nFAKE ROW", 64);
	assert_string_equal(out, "a\\x0aFAKE ROW");
	d = text_escape_dup("tab\there\r");
	assert_non_null(d);
	assert_string_equal(d, "tab\\x09here\\x0d");
	free(d);
	/* n bounds the input: a comm without a NUL in its 16 bytes */
	text_escape(out, sizeof(out), "abcdefghijklmnopXYZ", 16);
	assert_string_equal(out, "abcdefghijklmnop");
}

/* A short buffer: cut between whole escapes, the needed length returned. */
static void test_cut(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(text_escape(out, sizeof(out), "ab\033cd", 5), 8);
	assert_string_equal(out, "ab\\x1bc");
	assert_int_equal(text_escape(out, 5, "ab\033cd", 5), 8);
	assert_string_equal(out, "ab");
	assert_int_equal(text_escape(out, 4, "a\\b", 3), 4);
	assert_string_equal(out, "a\\\\");
	assert_int_equal(text_escape(out, 3, "a\\b", 3), 4);
	assert_string_equal(out, "a");
	assert_int_equal(text_escape(out, 1, "abc", 3), 3);
	assert_string_equal(out, "");
	assert_int_equal(text_escape(NULL, 0, "a\033", 2), 5);
}

/* In a width: whole when it fits, else cut between whole escapes and
 * marked, never wider than asked. */
static void test_fit(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(text_escape_fit(out, sizeof(out), "kworker", 7, 7), 7);
	assert_string_equal(out, "kworker");
	assert_int_equal(text_escape_fit(out, sizeof(out), "kworker", 7, 6), 6);
	assert_string_equal(out, "kwork~");
	/* "ab\x1bcd" is 8 wide: in 6, "ab" and the mark (no half escape) */
	assert_int_equal(text_escape_fit(out, sizeof(out), "ab\033cd", 5, 6),
			 3);
	assert_string_equal(out, "ab~");
	assert_int_equal(text_escape_fit(out, sizeof(out), "abc", 3, 1), 1);
	assert_string_equal(out, "~");
	assert_int_equal(text_escape_fit(out, sizeof(out), "abc", 3, 0), 0);
	assert_string_equal(out, "");
	/* the buffer bounds it too */
	assert_int_equal(text_escape_fit(out, 4, "abcdef", 6, 10), 3);
	assert_string_equal(out, "ab~");
}

/* A pipe: 80 columns, rows unknown; a terminal: its size, and $COLUMNS
 * and $LINES only when it says none. */
static void test_term_size(void **state)
{
	struct winsize ws = { .ws_row = 45, .ws_col = 150 };
	unsigned int cols, rows;
	int p[2], m, t;

	(void)state;
	assert_int_equal(pipe(p), 0);
	setenv("COLUMNS", "132", 1);
	text_term_size(p[1], &cols, &rows);
	assert_int_equal(cols, TEXT_COLS_DEFAULT);
	assert_int_equal(rows, 0);
	close(p[0]);
	close(p[1]);
	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m))
		skip(); /* no pseudo-terminals here */
	t = open(ptsname(m), O_RDWR | O_NOCTTY);
	assert_true(t >= 0);
	assert_int_equal(ioctl(t, TIOCSWINSZ, &ws), 0);
	text_term_size(t, &cols, &rows);
	assert_int_equal(cols, 150);
	assert_int_equal(rows, 45);
	ws = (struct winsize){};
	assert_int_equal(ioctl(t, TIOCSWINSZ, &ws), 0);
	setenv("LINES", "50", 1);
	text_term_size(t, &cols, &rows);
	assert_int_equal(cols, 132);
	assert_int_equal(rows, 50);
	unsetenv("COLUMNS");
	unsetenv("LINES");
	close(t);
	close(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_term_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
