/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A thread's CPU affinity as a struct cpuset, for hosts of any size: the
 * kernel mask is allocated for CPUSET_MAX CPUs (CPU_ALLOC), not glibc's
 * fixed 1024-bit cpu_set_t, which sched_getaffinity(2) refuses (EINVAL)
 * on a kernel with more possible CPUs and which cannot name CPU 1024+.
 * Both return 0 or -errno; tid 0 is the caller. set needs root or
 * CAP_SYS_NICE for another user's thread.
 */
#ifndef RTBPF_AFFINITY_H
#define RTBPF_AFFINITY_H

#include <sys/types.h>

#include "parse.h"

int affinity_get(pid_t tid, struct cpuset *out);
int affinity_set(pid_t tid, const struct cpuset *s);

#endif
