// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The hints after a failed BPF load or attach: by errno, and kernel
 * lockdown's confidentiality mode named as the cause where it is one. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"

static void test_bpf_hint(void **state)
{
	static const char conf[] = "none integrity [confidentiality]\n",
			  integ[] = "none [integrity] confidentiality\n";

	(void)state;
	assert_string_equal(log_bpf_hint_in(-EPERM, NULL),
			    " (needs root or CAP_BPF+CAP_PERFMON)");
	assert_string_equal(log_bpf_hint_in(EPERM, ""),
			    " (needs root or CAP_BPF+CAP_PERFMON)");
	assert_non_null(strstr(log_bpf_hint_in(-ENOENT, NULL),
			       "tracepoint or BTF type missing"));
	assert_non_null(strstr(log_bpf_hint_in(-ENOMEM, NULL),
			       "memlock limit too low"));
	assert_string_equal(log_bpf_hint_in(-E2BIG, NULL), "");
	/* integrity mode lets BPF read kernel memory: the usual hints */
	assert_string_equal(log_bpf_hint_in(-EPERM, integ),
			    " (needs root or CAP_BPF+CAP_PERFMON)");
	for (int e = 0; e < 3; e++) {
		static const int errs[] = { EPERM, EINVAL, EACCES };

		assert_non_null(strstr(log_bpf_hint_in(-errs[e], conf),
				       "kernel lockdown=confidentiality"));
	}
	assert_non_null(
		strstr(log_bpf_hint_in(-ENOENT, conf), "tracepoint or BTF"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bpf_hint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
