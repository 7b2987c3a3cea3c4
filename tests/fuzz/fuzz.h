/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared by the libFuzzer harnesses in tests/fuzz: the entry point
 * libFuzzer calls, and an assertion that reports the broken property and
 * aborts, so libFuzzer saves the input as a crash.
 */
#ifndef RTBPF_FUZZ_H
#define RTBPF_FUZZ_H

#include <ftw.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* On fd 2 itself: a harness may point stderr at /dev/null to keep the
 * messages of the code under test out of the log. */
#define FUZZ_ASSERT(c)                                                   \
	do {                                                             \
		if (!(c)) {                                              \
			dprintf(2, "fuzz: %s:%d: property broken: %s\n", \
				__FILE__, __LINE__, #c);                 \
			abort();                                         \
		}                                                        \
	} while (0)

/* Sends the messages the code under test logs on stderr to /dev/null. */
static inline void fuzz_quiet(void)
{
	FILE *null = fopen("/dev/null", "we");

	if (null)
		stderr = null;
}

static char fuzz_tmp[PATH_MAX];

static int fuzz_rm(const char *path, const struct stat *st, int flag,
		   struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void fuzz_tmp_remove(void)
{
	if (fuzz_tmp[0])
		nftw(fuzz_tmp, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* A scratch directory on tmpfs (/dev/shm, else $TMPDIR, else /tmp), mode
 * 0700, removed with all in it at exit; its path, or exits. */
static inline const char *fuzz_tmpdir(const char *what)
{
	const char *base = getenv("TMPDIR");
	struct stat st;

	if (!stat("/dev/shm", &st) && S_ISDIR(st.st_mode))
		base = "/dev/shm";
	snprintf(fuzz_tmp, sizeof(fuzz_tmp), "%s/rtbpf-fuzz-%s.XXXXXX",
		 base ? base : "/tmp", what);
	if (!mkdtemp(fuzz_tmp)) {
		dprintf(2, "fuzz: mkdtemp %s: %m\n", fuzz_tmp);
		exit(1);
	}
	atexit(fuzz_tmp_remove);
	return fuzz_tmp;
}

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
