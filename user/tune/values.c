// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Knob values: normalised text, the bracketed selection, hex cpumasks, CPU
 * lists, comparison in meaning, shell quoting. Pure functions, no I/O. */
#define _GNU_SOURCE
#include "values.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tune_norm(const char *in, char *out, size_t len)
{
	size_t o = 0;
	bool blank = false;

	if (!len)
		return;
	while (*in && isspace((unsigned char)*in))
		in++;
	for (; *in && o + 1 < len; in++) {
		if (isspace((unsigned char)*in)) {
			blank = true;
			continue;
		}
		if (blank && o + 2 < len)
			out[o++] = ' ';
		blank = false;
		out[o++] = *in;
	}
	out[o] = '\0';
}

void tune_selected(const char *in, char *out, size_t len)
{
	const char *a = strchr(in, '['), *b = a ? strchr(a, ']') : NULL;

	if (a && b) {
		snprintf(out, len, "%.*s", (int)(b - a - 1), a + 1);
		return;
	}
	tune_norm(in, out, len);
}

int tune_mask_parse(const char *s, struct cpuset *out)
{
	size_t n = strlen(s), digits = 0;
	unsigned int bit = 0;

	/* Read in place from the last digit: no copy that could cut it. */
	cpuset_zero(out);
	while (isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	while (n--) {
		char ch = s[n];
		int v;

		if (ch == ',')
			continue;
		if (!isxdigit((unsigned char)ch))
			return -EINVAL;
		v = isdigit((unsigned char)ch) ?
			    ch - '0' :
			    tolower((unsigned char)ch) - 'a' + 10;
		for (int b = 0; b < 4; b++, bit++) {
			if (!(v >> b & 1))
				continue;
			if (bit >= CPUSET_MAX)
				return -ERANGE;
			cpuset_add(out, bit);
		}
		digits++;
		if (bit >= CPUSET_MAX + 4)
			bit = CPUSET_MAX + 4; /* leading zeros: no overflow */
	}
	return digits ? 0 : -EINVAL;
}

int tune_mask_format(const struct cpuset *s, char *buf, size_t len)
{
	int top = cpuset_last(s);
	size_t off = 0;

	if (!len)
		return -ERANGE;
	/* Like the kernel: comma-separated 32-bit groups, the first without
	 * leading zeros. */
	buf[0] = '\0';
	for (int g = top < 0 ? 0 : top / 32; g >= 0; g--) {
		uint32_t w = (uint32_t)(s->bits[g / 2] >> (g % 2 * 32));
		int n = snprintf(buf + off, len - off, off ? ",%08x" : "%x", w);

		if (n < 0 || (size_t)n >= len - off) {
			buf[0] = '\0'; /* never a mask cut short */
			return -ERANGE;
		}
		off += (size_t)n;
	}
	return (int)off;
}

/* A byte a terminal would act on; '\n' stays raw inside quotes (multi-line
 * config files are shown as they are). */
static bool shell_unsafe(unsigned char b)
{
	return (b < 0x20 && b != '\n') || b >= 0x7f;
}

/* Appends s (n bytes) to out at *o when it fits, else marks the overflow. */
static void put_s(char *out, size_t len, size_t *o, const char *s, size_t n)
{
	if (*o + n < len)
		memcpy(out + *o, s, n);
	*o += n;
}

int tune_shell_quote(const char *in, char *out, size_t len)
{
	size_t o = 0, n = strlen(in), body = n;
	bool unsafe = false;

	if (!len)
		return -ENOSPC;
	if (*in && strspn(in, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
			      "TUVWXYZ0123456789_./,:@+-=") == n) {
		put_s(out, len, &o, in, n);
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		unsafe |= shell_unsafe((unsigned char)in[i]);
	if (!unsafe) {
		put_s(out, len, &o, "'", 1);
		for (size_t i = 0; i < n; i++) {
			if (in[i] == '\'')
				put_s(out, len, &o, "'\\''", 4);
			else
				put_s(out, len, &o, in + i, 1);
		}
		put_s(out, len, &o, "'", 1);
		goto done;
	}
	/*
	 * Control bytes go through printf's octal escapes, so the command
	 * prints no raw escape sequence yet writes the exact bytes. $(...)
	 * drops trailing newlines: those follow in quotes of their own.
	 */
	while (body && in[body - 1] == '\n')
		body--;
	put_s(out, len, &o, "\"$(printf '", 11);
	for (size_t i = 0; i < body; i++) {
		unsigned char b = (unsigned char)in[i];
		char esc[8];

		if (b == '\'') {
			put_s(out, len, &o, "'\\''", 4);
		} else if (b == '\\' || b == '%') {
			esc[0] = b == '%' ? '%' : '\\';
			esc[1] = (char)b;
			put_s(out, len, &o, esc, 2);
		} else if (b == '\n' || shell_unsafe(b) || (!i && b == '-')) {
			/* and a leading '-', which printf would take for an
			 * option */
			snprintf(esc, sizeof(esc), "\\%03o", b);
			put_s(out, len, &o, esc, 4);
		} else {
			put_s(out, len, &o, in + i, 1);
		}
	}
	put_s(out, len, &o, "')\"", 3);
	if (body < n) {
		put_s(out, len, &o, "'", 1);
		put_s(out, len, &o, in + body, n - body);
		put_s(out, len, &o, "'", 1);
	}
done:
	if (o < len) {
		out[o] = '\0';
		return 0;
	}
	/* never a cut command that would write something else */
	snprintf(out, len, "'(value too long to show)'");
	return -ENOSPC;
}

char *tune_shell_quote_dup(const char *in)
{
	/* at worst 4 bytes a byte ("\ooo"), the printf around, quotes */
	size_t len = 4 * strlen(in) + 32;
	char *out = malloc(len);

	if (out && tune_shell_quote(in, out, len)) {
		free(out);
		errno = ENOSPC;
		return NULL;
	}
	return out;
}

/* f(in) in a new string as long as in (f never lengthens). */
static char *dup_with(void (*f)(const char *, char *, size_t), const char *in)
{
	size_t len = strlen(in) + 1;
	char *out = malloc(len);

	if (out)
		f(in, out, len);
	return out;
}

char *tune_norm_dup(const char *in)
{
	return dup_with(tune_norm, in);
}

char *tune_selected_dup(const char *in)
{
	return dup_with(tune_selected, in);
}

/* Same text after f on both (false when out of memory: a difference). */
static bool same_after(char *(*f)(const char *), const char *a, const char *b)
{
	char *x = f(a), *y = f(b);
	bool same = x && y && !strcmp(x, y);

	free(x);
	free(y);
	return same;
}

bool tune_values_equal(const char *a, const char *b)
{
	struct cpuset ma, mb;

	if (!strcmp(a, b) || same_after(tune_norm_dup, a, b) ||
	    same_after(tune_selected_dup, a, b))
		return true;
	if (!tune_mask_parse(a, &ma) && !tune_mask_parse(b, &mb))
		return !memcmp(&ma, &mb, sizeof(ma));
	return false;
}

bool cpulist_equal(const char *a, const char *b)
{
	char err[64];
	struct cpuset sa, sb;

	return !parse_cpulist_text(a, &sa, err, sizeof(err)) &&
	       !parse_cpulist_text(b, &sb, err, sizeof(err)) &&
	       !memcmp(&sa, &sb, sizeof(sa));
}

char *tune_mask_comment(const char *val, const char *was)
{
	char *list = tune_mask_list_dup(val), *out = NULL;

	if (list &&
	    asprintf(&out, "  # %s%s%s%s", list, was && *was ? " (was " : "",
		     was ? was : "", was && *was ? ")" : "") < 0)
		out = NULL;
	free(list);
	return out;
}

bool tune_is_mask_path(const char *path)
{
	size_t n = strlen(path);

	return (n >= 12 && !strcmp(path + n - 12, "smp_affinity")) ||
	       (n >= 8 && !strcmp(path + n - 8, "/cpumask"));
}

char *tune_mask_list_dup(const char *val)
{
	struct cpuset set;
	char *list, *out = NULL;

	if (tune_mask_parse(val, &set))
		return NULL;
	list = cpuset_count(&set) ? cpuset_str(&set) : strdup("(none)");
	if (list && asprintf(&out, "CPUs %s", list) < 0)
		out = NULL;
	free(list);
	return out;
}
