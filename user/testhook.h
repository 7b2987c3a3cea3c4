/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Test hooks: environment variables through which the tests reach error
 * paths (a SIGKILL inside apply, an EIO write, a refused SCHED_FIFO, a
 * missing tracepoint or BTF file, a one-row wait table).
 *
 * Background: rtbpf runs as root, and its environment may come from a
 * less trusted caller (sudo -E, a unit file, a launcher). The hooks are
 * therefore compiled only into the test build, $(O)/tests/rtbpf, which
 * the Makefile builds with -DRTBPF_TEST_HOOKS. In every other build
 * (bin/rtbpf, static/rtbpf, the installed binary) test_getenv() is a
 * constant NULL: no environment read, and the compiler drops the hook's
 * branch together with its strings.
 */
#ifndef RTBPF_TESTHOOK_H
#define RTBPF_TESTHOOK_H

#include <stdlib.h>

#ifdef RTBPF_TEST_HOOKS
#define test_getenv(name) ((const char *)getenv(name))
#else
/* name is not evaluated: a release object holds no hook's name. */
#define test_getenv(name) ((const char *)NULL)
#endif

#endif
