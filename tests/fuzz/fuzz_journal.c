// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer harness: the journal parser (user/tune/journal.c
 * journal_parse, which journal_open runs on the state file's bytes once
 * the file is found trusted: owned by root, closed to others, regular).
 * The input is the state file, parsed in memory. Properties, from the
 * documented format and issue 20's rules:
 *  - a journal holds printable ASCII, blanks and newlines only: any other
 *    byte (a NUL...) and it is refused, never read as less than it is;
 *  - every record loaded is of a known kind, and names a thread ("tid:N")
 *    or a canonical absolute path: no "//", no "." or ".." component, no
 *    trailing '/', no control byte, so revert cannot be led out of --root;
 *    a thread record names a TID;
 *  - no more records than lines, each found again by journal_find(); the
 *    bytes kept (a torn last record dropped) end at a line's end.
 * A line whose checksum field is "00000000" gets its right checksum (the
 * FNV-1a of the rest of the line, as the format says) before parsing, so
 * the fuzzer reaches the checks behind the checksum.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tune/journal.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

/* Fills in the checksum of every line that starts "00000000 ". */
FUZZ_NOCOV static void sign(char *buf, size_t len)
{
	for (char *line = buf; line < buf + len;) {
		char *nl = memchr(line, '\n', (size_t)(buf + len - line));
		char *end = nl ? nl : buf + len, hex[9];
		uint32_t h = 2166136261u;

		if (end - line >= 9 && !memcmp(line, "00000000 ", 9)) {
			for (const char *c = line + 9; c < end; c++) {
				h ^= (unsigned char)*c;
				h *= 16777619u;
			}
			snprintf(hex, sizeof(hex), "%08x", h);
			memcpy(line, hex, 8);
		}
		line = end + 1;
	}
}

FUZZ_NOCOV static bool journal_bytes(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((d[i] < ' ' && d[i] != '\n') || d[i] >= 0x7f)
			return false;
	return true;
}

FUZZ_NOCOV static bool canonical(const char *p)
{
	if (p[0] != '/' || (p[1] && p[strlen(p) - 1] == '/'))
		return false;
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c < ' ' || (unsigned char)*c >= 0x7f)
			return false;
	for (const char *c = p; *c; c++) {
		size_t n;

		if (*c != '/')
			continue;
		n = strcspn(c + 1, "/");
		if (n == 0 && c[1] == '/')
			return false;
		if ((n == 1 && c[1] == '.') ||
		    (n == 2 && c[1] == '.' && c[2] == '.'))
			return false;
	}
	return true;
}

FUZZ_NOCOV static bool thread(const char *p)
{
	if (strncmp(p, "tid:", 4) || !p[4] || p[4] == '0')
		return false;
	for (p += 4; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

FUZZ_NOCOV static size_t lines(const uint8_t *d, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += d[i] == '\n';
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal j;
	size_t valid = 0;
	char *buf, *copy = NULL;
	int ret;

	memset(&j, 0, sizeof(j));
	j.fd = j.lock_fd = -1;
	buf = fuzz_strdup(data, size);
	copy = fuzz_strdup(data, size);
	if (!buf || !copy)
		goto out;
	sign(buf, size);
	sign(copy, size);
	data = (const uint8_t *)copy; /* the properties are of what is parsed */
	snprintf(j.path, sizeof(j.path), "/var/lib/rtbpf/state");
	ret = journal_parse(&j, buf, size, &valid);
	if (!journal_bytes(data, size))
		FUZZ_ASSERT(ret < 0);
	if (ret) {
		FUZZ_ASSERT(ret < 0);
		goto out;
	}
	FUZZ_ASSERT(valid <= size && valid > 0 && data[valid - 1] == '\n');
	FUZZ_ASSERT(j.n <= lines(data, size));
	for (size_t i = 0; i < j.n; i++) {
		const struct jrec *r = &j.r[i];

		FUZZ_ASSERT(r->kind &&
			    r->kind == knob_kind_by_name(r->kind->name));
		FUZZ_ASSERT(r->kind->flags & KIND_NAME_PATH ?
				    thread(r->path) :
				    canonical(r->path));
		FUZZ_ASSERT(!(r->kind->flags & KIND_THREAD) || r->tid > 0);
		FUZZ_ASSERT(r->old && r->restore && r->new_);
		FUZZ_ASSERT(strlen(r->old) < TUNE_VAL_MAX &&
			    strlen(r->restore) < TUNE_VAL_MAX &&
			    strlen(r->new_) < TUNE_VAL_MAX);
	}
out:
	journal_close(&j);
	free(copy);
	free(buf);
	return 0;
}
