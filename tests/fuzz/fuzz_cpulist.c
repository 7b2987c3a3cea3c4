// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer harness: CPU lists (user/parse.c parse_cpulist), as typed on
 * the command line and read from profiles and kernel files. Any bytes go
 * in; a list that parses must format (cpuset_format) to a canonical list
 * that parses back to the same set, and an error must come with a reason.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* room for the longest list: every other CPU, 4 digits and a comma */
	static char canon[CPUSET_MAX / 2 * 6 + 1];
	struct cpuset a, b;
	char err[256];
	char *s;
	int ret, n;

	s = fuzz_strdup(data, size);
	if (!s)
		return 0;
	err[0] = '\0';
	ret = parse_cpulist(s, &a, err, sizeof(err));
	if (ret) {
		FUZZ_ASSERT(ret < 0);
		FUZZ_ASSERT(err[0] != '\0');
		goto out;
	}
	n = cpuset_format(&a, canon, sizeof(canon));
	FUZZ_ASSERT(n >= 0 && (size_t)n == strlen(canon));
	if (!cpuset_count(&a)) {
		FUZZ_ASSERT(n == 0);
		goto out;
	}
	FUZZ_ASSERT(!parse_cpulist(canon, &b, err, sizeof(err)));
	FUZZ_ASSERT(cpuset_subset(&a, &b) && cpuset_subset(&b, &a));
	FUZZ_ASSERT(cpuset_count(&a) == cpuset_count(&b));
out:
	free(s);
	return 0;
}
