/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared by the libFuzzer harnesses in tests/fuzz: the entry point
 * libFuzzer calls, and an assertion that reports the broken property and
 * aborts, so libFuzzer saves the input as a crash.
 */
#ifndef RTBPF_FUZZ_H
#define RTBPF_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_ASSERT(c)                                                        \
	do {                                                                  \
		if (!(c)) {                                                   \
			fprintf(stderr, "fuzz: %s:%d: property broken: %s\n", \
				__FILE__, __LINE__, #c);                      \
			abort();                                              \
		}                                                             \
	} while (0)

/* For the harness's own checking loops: no coverage feedback from them
 * (the fuzzer should learn from the code under test) and no cost of it. */
#define FUZZ_NOCOV __attribute__((no_sanitize("coverage")))

/* A NUL-terminated heap copy of exactly size + 1 bytes (ASan catches a
 * read past the NUL), or NULL. */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		for (size_t i = 0; i < size; i++)
			s[i] = (char)data[i];
		s[size] = '\0';
	}
	return s;
}

#endif
