// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer harness: durations and bounded integers (user/parse.c
 * parse_duration, parse_u64) on any bytes. A duration that parses, written
 * back as "<ns>ns", parses to the same count; an error is -EINVAL or
 * -ERANGE with a reason; nothing negative passes; a number that
 * parse_u64 takes prints back as the same digits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t ns = 0, back = 0, v = 0;
	char err[256], text[32];
	char *s;
	int ret;

	s = fuzz_strdup(data, size);
	if (!s)
		return 0;

	err[0] = '\0';
	ret = parse_duration(s, &ns, err, sizeof(err));
	if (ret) {
		FUZZ_ASSERT((ret == -EINVAL || ret == -ERANGE) && err[0]);
	} else {
		FUZZ_ASSERT(!strchr(s, '-'));
		snprintf(text, sizeof(text), "%lluns", (unsigned long long)ns);
		FUZZ_ASSERT(!parse_duration(text, &back, err, sizeof(err)));
		FUZZ_ASSERT(back == ns);
	}

	err[0] = '\0';
	ret = parse_u64(s, 0, UINT64_MAX, &v, err, sizeof(err));
	if (ret) {
		FUZZ_ASSERT((ret == -EINVAL || ret == -ERANGE) && err[0]);
	} else {
		const char *digits = s;

		snprintf(text, sizeof(text), "%llu", (unsigned long long)v);
		while (digits[0] == '0' && digits[1])
			digits++;
		FUZZ_ASSERT(!strcmp(text, digits));
	}
	free(s);
	return 0;
}
