// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer harness: the /proc/interrupts reader (user/interrupts.c) the
 * monitor names IRQs with. The input is the file's text, read through
 * interrupts_read() from memory (fmemopen), and each of its lines through
 * interrupts_parse_line(). Properties: a numbered line's IRQ is the number
 * before its ':' and its name is a run of non-blanks inside the line that
 * only blanks follow; interrupts_read() keeps for each IRQ below the limit
 * the name of its last line, whatever the line lengths.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interrupts.h"
#include "tests/fuzz/fuzz.h"

#define MAX_IRQ 512 /* NOISE_MAX_IRQ */

static char *names[MAX_IRQ];
static const char *want[MAX_IRQ];
static size_t want_len[MAX_IRQ];

/* The IRQ number of a line as the kernel prints it ("%*d:"), or -1. */
FUZZ_NOCOV static long long irq_of(const char *line)
{
	unsigned long long v = 0;
	const char *p = line;

	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++)
		if ((v = v * 10 + (unsigned)(*p - '0')) > UINT32_MAX)
			return -1;
	return *p == ':' ? (long long)v : -1;
}

FUZZ_NOCOV static bool all_blank(const char *s, const char *end)
{
	for (; s < end; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* One line, NUL-terminated, its newline kept if it had one. */
FUZZ_NOCOV static void one_line(const char *line)
{
	const char *name = NULL, *colon;
	unsigned int irq = 0;
	size_t len = 0;
	long long want_irq = irq_of(line);
	size_t text = strcspn(line, "\n");

	if (interrupts_parse_line(line, &irq, &name, &len)) {
		FUZZ_ASSERT(want_irq < 0);
		return;
	}
	FUZZ_ASSERT(want_irq >= 0 && irq == (unsigned long long)want_irq);
	colon = strchr(line, ':');
	FUZZ_ASSERT(name > colon && name + len <= line + text);
	for (size_t i = 0; i < len; i++)
		FUZZ_ASSERT(!isspace((unsigned char)name[i]));
	FUZZ_ASSERT(all_blank(name + len, line + text));
	FUZZ_ASSERT(name == colon + 1 || isspace((unsigned char)name[-1]));
	if (irq < MAX_IRQ) {
		want[irq] = name;
		want_len[irq] = len;
	}
}

/* Each line on its own, split at '\n' as getline does; a NUL ends what
 * the parser sees of a line. lines has size bytes and a NUL after them. */
FUZZ_NOCOV static void each_line(char *lines, size_t size)
{
	for (char *p = lines; p < lines + size;) {
		char *nl = memchr(p, '\n', (size_t)(lines + size - p));
		char *next = nl ? nl + 1 : lines + size;
		char saved = *next;

		*next = '\0';
		one_line(p);
		*next = saved;
		p = next;
	}
}

/* names[] holds exactly the wanted names; both cleared for the next run. */
FUZZ_NOCOV static bool names_as_wanted(void)
{
	bool ok = true;

	for (unsigned int q = 0; q < MAX_IRQ; q++) {
		if (!want[q])
			ok &= !names[q];
		else
			ok &= names[q] && strlen(names[q]) == want_len[q] &&
			      !memcmp(names[q], want[q], want_len[q]);
		free(names[q]);
		names[q] = NULL;
		want[q] = NULL;
	}
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *lines;
	FILE *f;
	int err;

	text = fuzz_strdup(data, size);
	lines = fuzz_strdup(data, size);
	if (!text || !lines)
		goto out;
	each_line(lines, size);

	f = fmemopen(text, size, "r");
	if (!f)
		goto out;
	err = interrupts_read(f, names, MAX_IRQ);
	fclose(f);
	FUZZ_ASSERT(!err);
	FUZZ_ASSERT(names_as_wanted());
out:
	free(lines);
	free(text);
	return 0;
}
