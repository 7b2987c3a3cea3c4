// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer harness: the profile parser (user/tune/profile.c profile_load)
 * through its public entry point: the input is written to a profile file
 * on tmpfs, whose root also holds profiles.d/base.conf and bad.conf for
 * includes by name. Properties, from the documented rules:
 *  - a profile holding a NUL byte or a line over PROFILE_LINE_MAX - 1
 *    bytes is refused
 *    (never read as less than it is);
 *  - every value a loaded profile holds is valid for its key: "keep", a
 *    plain decimal (no sign but '-', no leading zero: the kernel would
 *    read 010 as octal) within the key's range, one of its words, or a
 *    CPU list; never with blanks around it, a '#' or a newline;
 *  - without includes, each key holds the value of its last line, as an
 *    independent reading of the "key = value" syntax gives it, and no
 *    other key is set.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "tune/tune.h"
#include "tests/fuzz/fuzz.h"

static char root[PATH_MAX], in[PATH_MAX];
static int in_fd = -1;
static struct profile prof;

static void put(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s/%s", root, dir, name);
	f = fopen(path, "we");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		dprintf(2, "fuzz_profile: %s: %m\n", path);
		exit(1);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[PATH_MAX + 64];

	(void)argc;
	(void)argv;
	snprintf(root, sizeof(root), "%s", fuzz_tmpdir("profile"));
	snprintf(dir, sizeof(dir), "%s/etc", root);
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/etc/rtbpf", root);
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s%s", root, TUNE_PROFILE_DIR);
	if (mkdir(dir, 0700)) {
		dprintf(2, "fuzz_profile: mkdir %s: %m\n", dir);
		exit(1);
	}
	put(TUNE_PROFILE_DIR, "base.conf",
	    "# a site profile\ninclude = low-latency\n"
	    "sysctl.vm.swappiness = 1\nprocess.priority = keep\n");
	put(TUNE_PROFILE_DIR, "bad.conf", "vm.swappiness = 1\n");
	snprintf(in, sizeof(in), "%s/in.conf", root);
	in_fd = open(in, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (in_fd < 0) {
		dprintf(2, "fuzz_profile: %s: %m\n", in);
		exit(1);
	}
	fuzz_quiet();
	return 0;
}

/* strcmp() == 0 without libFuzzer's strcmp hook: the harness's own
 * compares should neither guide the fuzzer nor cost it time. */
FUZZ_NOCOV static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* -?(0|[1-9][0-9]*) within [min, max]. */
FUZZ_NOCOV static bool plain_int(const char *v, long long min, long long max)
{
	const char *d = v + (*v == '-');
	char *end;
	long long x;

	if (!isdigit((unsigned char)*d) || (d[0] == '0' && (d[1] || d != v)))
		return false;
	for (const char *p = d; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	errno = 0;
	x = strtoll(v, &end, 10);
	return !errno && x >= min && x <= max;
}

FUZZ_NOCOV static bool one_of(const char *choices, const char *v)
{
	size_t n = strlen(v);

	for (const char *c = choices; c && *c;) {
		const char *end = strchrnul(c, '|');

		if ((size_t)(end - c) == n && !memcmp(c, v, n))
			return true;
		c = *end ? end + 1 : end;
	}
	return false;
}

static bool valid(const struct profile_key *k, const char *v)
{
	struct cpuset s;
	char err[256];

	if (streq(v, "keep"))
		return true;
	switch (k->type) {
	case KEY_INT:
		return plain_int(v, k->min, k->max);
	case KEY_ENUM:
		return one_of(k->choices, v);
	case KEY_INT_OR_ENUM:
		return one_of(k->choices, v) || plain_int(v, k->min, k->max);
	case KEY_CPUS:
		return streq(v, "@housekeeping") || streq(v, "@latency") ||
		       !parse_cpulist(v, &s, err, sizeof(err));
	}
	return false;
}

/* Trims blanks (isspace) around s..e, in place. */
FUZZ_NOCOV static char *trim(char *s)
{
	char *e = s + strlen(s);

	while (isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * The values the text sets, read independently: one "key = value" a line,
 * '#' to the end of the line a comment. false when the text includes
 * another profile (not modelled) or a line is not of that form.
 */
FUZZ_NOCOV static bool model(char *text, const char **want)
{
	for (char *line = text, *next; *line; line = next) {
		char *nl = strchr(line, '\n'), *hash, *eq, *k, *v;
		int ki = -1;

		next = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		k = trim(line);
		if (!*k)
			continue;
		eq = strchr(k, '=');
		if (!eq)
			return false;
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		if (streq(k, "include"))
			return false;
		for (size_t i = 0; i < profile_nkeys; i++)
			if (streq(profile_keys[i].name, k))
				ki = (int)i;
		if (ki < 0)
			return false;
		want[ki] = v;
	}
	return true;
}

FUZZ_NOCOV static bool long_line(const uint8_t *d, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		run = d[i] == '\n' ? 0 : run + 1;
		if (run > PROFILE_LINE_MAX - 1)
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *want[128];
	char *text;
	int ret;

	if (ftruncate(in_fd, 0) ||
	    pwrite(in_fd, data, size, 0) != (ssize_t)size)
		abort();
	profile_free(&prof);
	ret = profile_load(&prof, root, in, NULL);
	if (memchr(data, '\0', size) || long_line(data, size))
		FUZZ_ASSERT(ret < 0);
	if (ret) {
		FUZZ_ASSERT(ret < 0);
		return 0;
	}
	for (size_t i = 0; i < profile_nkeys; i++) {
		const char *v = prof.val[i];

		if (!v)
			continue;
		FUZZ_ASSERT(valid(&profile_keys[i], v));
		FUZZ_ASSERT(!strchr(v, '#') && !strchr(v, '\n'));
		FUZZ_ASSERT(*v && !isspace((unsigned char)*v) &&
			    !isspace((unsigned char)v[strlen(v) - 1]));
	}
	text = fuzz_strdup(data, size);
	if (!text)
		return 0;
	memset(want, 0, sizeof(want));
	if (model(text, want))
		for (size_t i = 0; i < profile_nkeys; i++) {
			FUZZ_ASSERT(!!prof.val[i] == !!want[i]);
			FUZZ_ASSERT(!want[i] || streq(prof.val[i], want[i]));
		}
	free(text);
	return 0;
}
